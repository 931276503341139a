"""Bid-ask spread and illiquidity estimators from OHLCV bars.

* :func:`roll_spread` -- Roll (1984), from the autocovariance of close-to-close changes;
* :func:`corwin_schultz_spread` -- Corwin and Schultz (2012), from two-bar high-low ranges;
* :func:`abdi_ranaldo_spread` -- Abdi and Ranaldo (2017), from close, high and low;
* :func:`amihud_illiquidity` -- Amihud (2002), absolute return per unit of traded value;
* :func:`estimate_spreads` -- all four on an OHLCV frame (:class:`SpreadEstimates`).

Spreads are relative to the mid price, as fractions (1 bp = 1e-4).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_type
from riskkit.exceptions import InsufficientDataError
from riskkit.liquidity._common import _aligned, _finish, _html, _series, _window

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "SpreadEstimates",
    "abdi_ranaldo_spread",
    "amihud_illiquidity",
    "corwin_schultz_spread",
    "estimate_spreads",
    "roll_spread",
]

_K = 3.0 - 2.0 * np.sqrt(2.0)


def _need(n: int, k: int, what: str) -> None:
    if n < k:
        raise InsufficientDataError(f"{what} needs >= {k} bars; got {n}")


def roll_spread(close: Any, window: int | None = None) -> Any:
    """Roll (1984) effective spread from the first-order autocovariance of log price changes.

    Parameters
    ----------
    close : pandas.Series or array_like
        Closing prices (quote per base unit), > 0; a Series needs an increasing unique index.
    window : int, optional
        Rolling window in bars (>= 2). None: one estimate over the whole sample.

    Returns
    -------
    float or pandas.Series
        Relative spread (fraction of price); NaN where the autocovariance is >= 0 (the
        estimator is then undefined).

    Raises
    ------
    ValueError
        Non-positive prices, or an index that is not increasing and unique.
    InsufficientDataError
        Fewer than 3 prices.

    See Also
    --------
    corwin_schultz_spread, abdi_ranaldo_spread

    Notes
    -----
    With :math:`\\Delta p_t = \\ln C_t - \\ln C_{t-1}` and bid-ask bounce as the only source of
    negative autocovariance,

    .. math:: S = 2\\sqrt{-\\operatorname{Cov}(\\Delta p_t, \\Delta p_{t-1})},

    with the covariance taken with the sample means removed and divided by the number of pairs.

    References
    ----------
    Roll, R. (1984). A simple implicit measure of the effective bid-ask spread in an efficient
    market. *Journal of Finance* 39(4), 1127-1139. https://doi.org/10.1111/j.1540-6261.1984.tb03897.x

    Examples
    --------
    Log prices bouncing by 0.5% between bid and ask give a 1% spread:

    >>> close = 100 * np.exp([0, 0.005, 0, 0.005, 0, 0.005])
    >>> round(roll_spread(close), 6)
    0.01
    """
    c = _series(close, "close", positive=True)
    w = _window(window, len(c))
    _need(len(c), 3, "roll_spread")
    dp = np.log(c).diff()
    lag = dp.shift(1)
    if w is None:
        pair = pd.concat([dp, lag], axis=1).dropna()
        cov = float(
            (
                (pair.iloc[:, 0] - pair.iloc[:, 0].mean())
                * (pair.iloc[:, 1] - pair.iloc[:, 1].mean())
            ).mean()
        )
        return float(2.0 * np.sqrt(-cov)) if cov < 0 else float("nan")
    cov_s = dp.rolling(w, min_periods=w).cov(lag, ddof=0)
    return (2.0 * np.sqrt((-cov_s).where(cov_s < 0))).rename("roll")


def corwin_schultz_spread(high: Any, low: Any, window: int | None = None) -> Any:
    """Corwin and Schultz (2012) spread from the high-low ranges of two consecutive bars.

    Parameters
    ----------
    high, low : pandas.Series or array_like
        Bar highs and lows (quote per base unit), > 0, ``low <= high``; Series need the same
        increasing unique index.
    window : int, optional
        Average the two-bar estimates over this many bars (>= 2). None: the sample mean.

    Returns
    -------
    float or pandas.Series
        Relative spread (fraction). Negative two-bar estimates are set to 0, as in the paper.

    Raises
    ------
    ValueError
        Non-positive prices, ``low > high``, or a bad index.
    InsufficientDataError
        Fewer than 2 bars.

    See Also
    --------
    abdi_ranaldo_spread, roll_spread

    Notes
    -----
    For bars :math:`t, t+1`, with :math:`H, L` highs and lows and :math:`H_{t,t+1}, L_{t,t+1}`
    the high and low over both bars,

    .. math::

        \\beta = \\sum_{j=0}^{1} \\ln^2\\frac{H_{t+j}}{L_{t+j}}, \\quad
        \\gamma = \\ln^2\\frac{H_{t,t+1}}{L_{t,t+1}}, \\quad
        \\alpha = \\frac{\\sqrt{2\\beta} - \\sqrt{\\beta}}{3 - 2\\sqrt2}
                 - \\sqrt{\\frac{\\gamma}{3 - 2\\sqrt2}}, \\quad
        S = \\frac{2(e^{\\alpha} - 1)}{1 + e^{\\alpha}}.

    The paper's overnight-return adjustment is not applied: crypto trades around the clock.
    The estimate is labelled by the second bar of each pair.

    References
    ----------
    Corwin, S. A. and Schultz, P. (2012). A simple way to estimate bid-ask spreads from daily
    high and low prices. *Journal of Finance* 67(2), 719-760.
    https://doi.org/10.1111/j.1540-6261.2012.01729.x

    Examples
    --------
    Two identical bars with range ln(H/L) give alpha = ln(H/L):

    >>> round(corwin_schultz_spread([101.0, 101.0], [99.0, 99.0]), 6)  # 2 tanh(ln(101/99) / 2)
    0.02
    """
    f = _aligned(high=high, low=low)
    w = _window(window, len(f))
    _need(len(f), 2, "corwin_schultz_spread")
    if bool((f["low"] > f["high"]).any()):
        raise ValueError("low must be <= high in every bar; got low > high")
    hl = pd.Series(np.log(f["high"] / f["low"]) ** 2, index=f.index)
    beta = hl + hl.shift(1)
    h2 = np.maximum(f["high"], f["high"].shift(1))
    l2 = np.minimum(f["low"], f["low"].shift(1))
    gamma = np.log(h2 / l2) ** 2
    alpha = (np.sqrt(2 * beta) - np.sqrt(beta)) / _K - np.sqrt(gamma / _K)
    s = (2 * (np.exp(alpha) - 1) / (1 + np.exp(alpha))).clip(lower=0.0).iloc[1:]
    return _finish(s, w, "corwin_schultz")


def abdi_ranaldo_spread(close: Any, high: Any, low: Any, window: int | None = None) -> Any:
    """Abdi and Ranaldo (2017) spread from close, high and low prices.

    Parameters
    ----------
    close, high, low : pandas.Series or array_like
        Bar closes, highs and lows (quote per base unit), > 0; Series need the same increasing
        unique index.
    window : int, optional
        Average over this many bars (>= 2) before taking the root. None: the whole sample.

    Returns
    -------
    float or pandas.Series
        Relative spread (fraction); 0 where the averaged product is negative.

    Raises
    ------
    ValueError
        Non-positive prices or a bad index.
    InsufficientDataError
        Fewer than 2 bars.

    See Also
    --------
    corwin_schultz_spread, roll_spread

    Notes
    -----
    With log close :math:`c_t` and log mid-range :math:`\\eta_t = (\\ln H_t + \\ln L_t)/2`,

    .. math:: S = \\sqrt{\\max\\{4\\,\\overline{(c_t - \\eta_t)(c_t - \\eta_{t+1})},\\,0\\}},

    the bar over the product denoting its mean over the window (the paper's monthly
    estimator). The product of bar :math:`t` is labelled by bar :math:`t+1`.

    References
    ----------
    Abdi, F. and Ranaldo, A. (2017). A simple estimation of bid-ask spreads from daily close,
    high, and low prices. *Review of Financial Studies* 30(12), 4437-4480.
    https://doi.org/10.1093/rfs/hhx084

    Examples
    --------
    >>> s = abdi_ranaldo_spread([101.0, 100.0], [102.0, 102.0], [98.0, 98.0])
    >>> round(s, 4)  # 2 * ln(101 / sqrt(102 * 98))
    0.0203
    """
    f = _aligned(close=close, high=high, low=low)
    w = _window(window, len(f))
    _need(len(f), 2, "abdi_ranaldo_spread")
    c = np.log(f["close"])
    eta = 0.5 * (np.log(f["high"]) + np.log(f["low"]))
    prod = ((c - eta) * (c - eta.shift(-1))).shift(1).iloc[1:]
    if w is None:
        return float(np.sqrt(max(4.0 * float(prod.mean()), 0.0)))
    m = prod.rolling(w, min_periods=w).mean()
    return np.sqrt((4.0 * m).clip(lower=0.0)).rename("abdi_ranaldo")


def amihud_illiquidity(returns: Any, volume_quote: Any, window: int | None = None) -> Any:
    """Amihud (2002) illiquidity: mean absolute return per unit of traded value.

    Parameters
    ----------
    returns : pandas.Series or array_like
        Bar returns (fractions); NaN bars are dropped.
    volume_quote : pandas.Series or array_like
        Traded value per bar in quote currency (USD), > 0.
    window : int, optional
        Rolling window in bars (>= 2). None: the sample mean.

    Returns
    -------
    float or pandas.Series
        Illiquidity in return per unit of quote currency (multiply by 1e9 for the return per
        billion USD traded).

    Raises
    ------
    ValueError
        Non-positive volume or a bad index.
    InsufficientDataError
        No bar with both a return and a volume.

    See Also
    --------
    roll_spread

    Notes
    -----
    .. math:: \\mathrm{ILLIQ} = \\frac{1}{T} \\sum_{t=1}^{T} \\frac{|r_t|}{V_t},

    with :math:`r_t` the return and :math:`V_t` the traded value of bar :math:`t`.

    References
    ----------
    Amihud, Y. (2002). Illiquidity and stock returns: cross-section and time-series effects.
    *Journal of Financial Markets* 5(1), 31-56. https://doi.org/10.1016/S1386-4181(01)00024-6

    Examples
    --------
    >>> round(amihud_illiquidity([0.02, -0.01], [1e9, 2e9]) * 1e9, 6)  # per USD bn
    0.0125
    """
    r = _series(returns, "returns", allow_nan=True)
    v = _series(volume_quote, "volume_quote", positive=True)
    if len(r) != len(v) and not (
        isinstance(returns, pd.Series) and isinstance(volume_quote, pd.Series)
    ):
        raise ValueError(
            f"returns and volume_quote must have the same length; got {len(r)}, {len(v)}"
        )
    w = _window(window, len(r))
    ratio = (
        (r.abs() / v).dropna()
        if isinstance(returns, pd.Series)
        else (r.abs() / v.to_numpy()).dropna()
    )
    if ratio.empty:
        raise InsufficientDataError("amihud_illiquidity needs >= 1 bar with a return and volume")
    return _finish(ratio, w, "amihud")


@dataclass(frozen=True, slots=True)
class SpreadEstimates:
    """Rolling spread and illiquidity estimates from one OHLCV frame.

    Attributes
    ----------
    estimates : pandas.DataFrame
        Columns ``roll``, ``corwin_schultz``, ``abdi_ranaldo`` (relative spreads, fractions)
        and ``amihud`` (return per USD bn traded), one row per bar.
    window : int
        Rolling window in bars.
    """

    estimates: pd.DataFrame
    window: int

    def to_frame(self) -> pd.DataFrame:
        """The rolling estimates, one row per bar."""
        return self.estimates.copy()

    def summary(self) -> pd.DataFrame:
        """Median, mean and share of undefined values of each estimator."""
        e = self.estimates
        return pd.DataFrame({"median": e.median(), "mean": e.mean(), "undefined": e.isna().mean()})

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"SpreadEstimates ({self.window}-bar window)")

    def chart(self, columns: Any = ("corwin_schultz", "abdi_ranaldo")) -> alt.Chart:
        """Rolling spreads over time (see :func:`riskkit.charts.liquidity.spread_chart`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import spread_chart

        return spread_chart(self, columns)


def estimate_spreads(ohlcv: pd.DataFrame, window: int = 30) -> SpreadEstimates:
    """All four estimators on an OHLCV frame, over a rolling window.

    Parameters
    ----------
    ohlcv : pandas.DataFrame
        Columns ``high``, ``low``, ``close`` (quote per base unit) and ``volume_quote`` (quote
        currency), increasing unique index (e.g. :func:`riskkit.data.load_spot_ohlcv`).
    window : int, default 30
        Rolling window in bars (>= 2).

    Returns
    -------
    SpreadEstimates

    Raises
    ------
    TypeError
        If ``ohlcv`` is not a DataFrame.
    ValueError
        If a column is missing or the index is not increasing and unique.

    See Also
    --------
    roll_spread, corwin_schultz_spread, abdi_ranaldo_spread, amihud_illiquidity

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="D", tz="UTC")
    >>> bars = pd.DataFrame({"high": 101.0, "low": 99.0, "close": [100, 101, 100, 101],
    ...                      "volume_quote": 1e9}, index=idx)
    >>> estimate_spreads(bars, window=2).to_frame()["corwin_schultz"].round(4).tolist()
    [nan, nan, 0.02, 0.02]
    """
    check_type(ohlcv, "ohlcv", pd.DataFrame)
    missing = [c for c in ("high", "low", "close", "volume_quote") if c not in ohlcv.columns]
    if missing:
        raise ValueError(
            f"ohlcv must have columns high, low, close, volume_quote; missing {missing}"
        )
    w = _window(window, len(ohlcv))
    assert w is not None
    close = ohlcv["close"]
    est = pd.DataFrame(
        {
            "roll": roll_spread(close, w),
            "corwin_schultz": corwin_schultz_spread(ohlcv["high"], ohlcv["low"], w),
            "abdi_ranaldo": abdi_ranaldo_spread(close, ohlcv["high"], ohlcv["low"], w),
            "amihud": amihud_illiquidity(close.pct_change(), ohlcv["volume_quote"], w) * 1e9,
        },
        index=ohlcv.index,
    )
    return SpreadEstimates(est, w)
