"""Leveraged returns, volatility drag, Kelly and volatility-targeted sizing, funding carry.

Two ways to hold leverage :math:`L` give different outcomes:

* **constant leverage** (rebalanced every bar, the exposure of a leveraged token or a trader who
  tops up and trims margin): each bar's return is :math:`L` times the asset's, so the log
  growth rate is :math:`L\\mu - L^2\\sigma^2/2` and suffers a *volatility drag* that grows with
  :math:`L^2`;
* **fixed size** (open once, never adjusted, as a perpetual position is): equity is
  :math:`1 + L(P_t/P_0 - 1)` and is wiped out the first time the price falls by :math:`1/L`.

The module gives both paths (:func:`leveraged_equity`, :func:`leveraged_returns`), the drag and
growth rates (:func:`volatility_drag`, :func:`leveraged_growth_rate`), Kelly leverage
(:func:`kelly_leverage`, :func:`empirical_kelly_leverage`), volatility-targeted leverage
(:func:`vol_target_leverage`) and the carry of a perpetual position from real funding prints
(:func:`funding_carry`, :func:`funding_carry_table`, :func:`cumulative_funding`) and the time
funding alone takes to liquidate an isolated position (:func:`funding_liquidation_time`).

Rates are fractions (0.01 = 1 %), never percent.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
)
from riskkit.exceptions import InsufficientDataError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "chart_leverage_growth",
    "cumulative_funding",
    "empirical_kelly_leverage",
    "funding_carry",
    "funding_carry_table",
    "funding_liquidation_time",
    "kelly_leverage",
    "leverage_growth_table",
    "leveraged_equity",
    "leveraged_growth_rate",
    "leveraged_returns",
    "vol_target_leverage",
    "volatility_drag",
]

_YEAR = pd.Timedelta(days=365.25)


def _sign(side: Any) -> float:
    check_option(side, "side", ("long", "short"))
    return 1.0 if side == "long" else -1.0


def _scalar(x: Any) -> Any:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _series_1d(x: Any, name: str, *, allow_nan: bool = False) -> tuple[np.ndarray, Any]:
    arr = as_float_array(x, name, allow_nan=allow_nan)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    return arr, (x.index if isinstance(x, pd.Series) else None)


def _leverage_list(leverage: Any) -> tuple[np.ndarray, bool]:
    arr = as_float_array(leverage, "leverage")
    scalar = arr.ndim == 0
    check_positive(arr, "leverage")
    arr = np.atleast_1d(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"leverage must be a scalar or non-empty 1-D sequence; got {leverage!r}")
    return arr, scalar


def _shape_output(out: np.ndarray, levs: np.ndarray, scalar: bool, index: Any, name: Any) -> Any:
    if scalar:
        col = out[:, 0]
        return pd.Series(col, index=index, name=name) if index is not None else col
    return pd.DataFrame(
        out,
        index=index if index is not None else pd.RangeIndex(out.shape[0]),
        columns=pd.Index(levs, name="leverage"),
    )


# -------------------------------------------------------------------------------------------
# paths
# -------------------------------------------------------------------------------------------


def leveraged_returns(
    returns: Any, leverage: Any, *, funding_rate: Any = 0.0, side: str = "long"
) -> Any:
    """Per-bar returns of a constant-leverage position rebalanced every bar.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1).
    leverage : float or sequence of float
        Constant notional / equity, > 0. A sequence gives one column per leverage.
    funding_rate : float or array-like
        Funding per bar paid by longs as a fraction of notional (received by shorts); a scalar
        or one value per bar. Default 0.
    side : {"long", "short"}
        Direction of the position.

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        Returns on equity per bar, floored at -1 (equity cannot go below zero); after a bar at
        -1 the equity is gone and later bars are 0. Series/DataFrame on the input's index.

    Raises
    ------
    ValueError
        If a return is <= -1 or not finite, or ``leverage <= 0``.

    See Also
    --------
    leveraged_equity : the equity path, also for a fixed-size position.
    volatility_drag : why the compounded result falls short of ``L`` times the return.

    Notes
    -----
    .. math::

        r^{(L)}_t = \\max\\bigl(-1,\\; s L (r_t - f_t)\\bigr),

    with :math:`r_t` the underlying return, :math:`f_t` the funding rate per bar,
    :math:`s = +1` for a long and :math:`-1` for a short, :math:`L` the leverage.

    Examples
    --------
    >>> leveraged_returns([0.10, -0.10], 3.0)
    array([ 0.3, -0.3])
    >>> leveraged_returns([-0.5, 0.2], 3.0)
    array([-1.,  0.])
    """
    r, index = _series_1d(returns, "returns")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    s = _sign(side)
    levs, scalar = _leverage_list(leverage)
    f = np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    raw = s * levs[None, :] * (r - f)[:, None]
    out = np.maximum(raw, -1.0)
    ruined = np.cumsum(out <= -1.0, axis=0) > 0
    after = np.vstack([np.zeros((1, levs.size), dtype=bool), ruined[:-1]])
    out[after] = 0.0
    name = returns.name if isinstance(returns, pd.Series) else None
    return _shape_output(out, levs, scalar, index, name)


def leveraged_equity(
    returns: Any,
    leverage: Any,
    *,
    rebalance: bool = True,
    funding_rate: Any = 0.0,
    side: str = "long",
) -> Any:
    """Equity path (initial equity 1) of a leveraged position, rebalanced or fixed size.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1).
    leverage : float or sequence of float
        Notional / equity at the start (and at every bar when ``rebalance``), > 0.
    rebalance : bool
        True: constant leverage, the notional is reset to ``leverage`` x equity every bar.
        False: fixed size, the position opened at bar 0 is held unchanged.
    funding_rate : float or array-like
        Funding per bar paid by longs as a fraction of the current notional. Default 0.
    side : {"long", "short"}
        Direction of the position.

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        Equity after each bar, >= 0, absorbed at 0 once wiped out (margin exhausted; the
        maintenance margin and liquidation are in :mod:`riskkit.survival`).

    Raises
    ------
    ValueError
        For returns <= -1 or not finite, or ``leverage <= 0``.

    See Also
    --------
    leveraged_returns, riskkit.survival.time_to_liquidation

    Notes
    -----
    Rebalanced: :math:`V_t = \\prod_{u\\le t}(1 + r^{(L)}_u)` with :math:`r^{(L)}` from
    :func:`leveraged_returns`. Fixed size, with :math:`P_t/P_0 = \\prod_{u\\le t}(1 + r_u)`:

    .. math::

        V_t = 1 + sL\\Bigl(\\frac{P_t}{P_0} - 1\\Bigr)
              - sL\\sum_{u\\le t} f_u\\,\\frac{P_{u-1}}{P_0},

    set to 0 from the first bar where it is :math:`\\le 0`; :math:`s`, :math:`L`, :math:`f_u`
    as in :func:`leveraged_returns`.

    Examples
    --------
    Up 10 % then down 10 % at 2x: the rebalanced position ends at 1.2 x 0.8 = 0.96, the fixed
    position at 1 + 2 (0.99 - 1) = 0.98:

    >>> leveraged_equity([0.1, -0.1], 2.0)
    array([1.2 , 0.96])
    >>> leveraged_equity([0.1, -0.1], 2.0, rebalance=False)
    array([1.2 , 0.98])
    """
    r, index = _series_1d(returns, "returns")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    s = _sign(side)
    levs, scalar = _leverage_list(leverage)
    f = np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    if rebalance:
        lr = leveraged_returns(r, levs, funding_rate=f, side=side).to_numpy()
        out = np.cumprod(1.0 + lr, axis=0)
    else:
        growth = np.cumprod(1.0 + r)
        prev = np.concatenate([[1.0], growth[:-1]])
        paid = np.cumsum(f * prev)
        out = 1.0 + s * levs[None, :] * ((growth - 1.0) - paid)[:, None]
        ruined = np.cumsum(out <= 0.0, axis=0) > 0
        out[ruined] = 0.0
    name = returns.name if isinstance(returns, pd.Series) else None
    return _shape_output(out, levs, scalar, index, name)


# -------------------------------------------------------------------------------------------
# growth, drag, Kelly
# -------------------------------------------------------------------------------------------


def volatility_drag(volatility: Any, leverage: Any = 1.0) -> Any:
    """Volatility drag of a constant-leverage position, per unit time.

    Parameters
    ----------
    volatility : float or array-like
        :math:`\\sigma`, volatility of the underlying per unit time (e.g. annualised), >= 0.
    leverage : float or array-like
        Constant leverage :math:`L`, > 0. Broadcasts against ``volatility``.

    Returns
    -------
    float or numpy.ndarray
        :math:`L^2\\sigma^2/2`, the gap between the arithmetic and the log growth rate, per unit
        time (fraction).

    Raises
    ------
    ValueError
        If ``volatility < 0`` or ``leverage <= 0``.

    See Also
    --------
    leveraged_growth_rate

    Notes
    -----
    For :math:`dS/S = \\mu\\,dt + \\sigma\\,dW` and constant leverage :math:`L`, equity follows
    :math:`dV/V = L\\mu\\,dt + L\\sigma\\,dW`, so by Itô

    .. math::

        d\\ln V = \\Bigl(L\\mu - \\tfrac12 L^2\\sigma^2\\Bigr)dt + L\\sigma\\,dW,

    so the drag :math:`\\tfrac12 L^2\\sigma^2` grows with :math:`L^2` while the drift grows
    with :math:`L`: at 10x the drag is 100 times the unlevered one, not 10 times.

    References
    ----------
    E. O. Thorp (2006), "The Kelly criterion in blackjack, sports betting and the stock market",
    Handbook of Asset and Liability Management vol. 1, ch. 9, doi:10.1016/S1872-0978(06)01009-X.

    Examples
    --------
    80 % annual volatility at 10x: 100 x 0.64 / 2 = 32 per year in log terms.

    >>> volatility_drag(0.8, 10.0)
    32.0
    """
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility", strict=False)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    return _scalar(0.5 * L**2 * sig**2)


def leveraged_growth_rate(
    drift: Any, volatility: Any, leverage: Any, *, funding_rate: Any = 0.0
) -> Any:
    """Expected log growth rate of a constant-leverage long, per unit time.

    Parameters
    ----------
    drift : float or array-like
        :math:`\\mu`, arithmetic drift of the underlying per unit time (fraction).
    volatility : float or array-like
        :math:`\\sigma` per unit time, >= 0.
    leverage : float or array-like
        Constant leverage :math:`L`, > 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time, fraction of notional. Default 0.

    Returns
    -------
    float or numpy.ndarray
        :math:`g(L) = L(\\mu - f) - L^2\\sigma^2/2` per unit time (continuous compounding).

    Raises
    ------
    ValueError
        If ``volatility < 0`` or ``leverage <= 0``.

    See Also
    --------
    volatility_drag, kelly_leverage

    Notes
    -----
    .. math::

        g(L) = L(\\mu - f) - \\tfrac12 L^2\\sigma^2,

    maximal at the Kelly leverage :math:`L^* = (\\mu - f)/\\sigma^2` and negative beyond
    :math:`2L^*`; :math:`f` is the funding rate.

    Examples
    --------
    Drift 50 %, volatility 70 % a year: 1x grows 0.5 - 0.245 = 0.255 a year in logs, 10x
    shrinks 5 - 24.5 = -19.5.

    >>> float(round(leveraged_growth_rate(0.5, 0.7, 1.0), 6))
    0.255
    >>> float(round(leveraged_growth_rate(0.5, 0.7, 10.0), 6))
    -19.5
    """
    mu = as_float_array(drift, "drift")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility", strict=False)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    f = as_float_array(funding_rate, "funding_rate")
    return _scalar(L * (mu - f) - 0.5 * L**2 * sig**2)


def kelly_leverage(
    drift: Any, volatility: Any, *, funding_rate: Any = 0.0, fraction: Any = 1.0
) -> Any:
    """Kelly (growth-optimal) leverage and fractional Kelly, continuous-time GBM.

    Parameters
    ----------
    drift : float or array-like
        :math:`\\mu`, arithmetic drift of the underlying per unit time (fraction).
    volatility : float or array-like
        :math:`\\sigma` per unit time, > 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time (the financing cost), fraction of notional.
    fraction : float or array-like
        Kelly fraction :math:`c` in (0, 1] (0.5 = half Kelly).

    Returns
    -------
    float or numpy.ndarray
        :math:`c(\\mu - f)/\\sigma^2`; negative means the growth-optimal position is short.

    Raises
    ------
    ValueError
        If ``volatility <= 0`` or ``fraction`` is outside (0, 1].

    See Also
    --------
    empirical_kelly_leverage, leveraged_growth_rate

    Notes
    -----
    Maximising :math:`g(L)` of :func:`leveraged_growth_rate` gives

    .. math::

        L^* = \\frac{\\mu - f}{\\sigma^2},\\qquad g(cL^*) = c\\Bigl(1 - \\frac c2\\Bigr)
        \\frac{(\\mu - f)^2}{\\sigma^2},

    so half Kelly keeps 75 % of the growth with half the volatility.

    References
    ----------
    J. L. Kelly (1956), "A new interpretation of information rate", Bell System Technical
    Journal 35(4), 917-926, doi:10.1002/j.1538-7305.1956.tb03809.x.
    R. C. Merton (1969), "Lifetime portfolio selection under uncertainty", RESTAT 51(3),
    247-257, doi:10.2307/1926560.

    Examples
    --------
    >>> float(round(kelly_leverage(0.5, 0.7), 6))
    1.020408
    >>> float(round(kelly_leverage(0.5, 0.7, funding_rate=0.1, fraction=0.5), 6))
    0.408163
    """
    mu = as_float_array(drift, "drift")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    f = as_float_array(funding_rate, "funding_rate")
    c = check_range(as_float_array(fraction, "fraction"), "fraction", 0.0, 1.0, low_inclusive=False)
    return _scalar(c * (mu - f) / sig**2)


def empirical_kelly_leverage(
    returns: Any, *, funding_rate: Any = 0.0, fraction: float = 1.0
) -> float:
    """Leverage that maximises the average realised log growth of a rebalanced position.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns per bar (fractions, > -1), at least 2.
    funding_rate : float or array-like
        Funding per bar paid by longs, fraction of notional.
    fraction : float
        Kelly fraction in (0, 1] applied to the optimum.

    Returns
    -------
    float
        ``fraction`` x :math:`\\hat L`, with :math:`\\hat L` restricted to the leverages whose
        equity stays positive on every observed bar (negative: a short).

    Raises
    ------
    InsufficientDataError
        With fewer than 2 returns.
    ValueError
        For returns <= -1, or when every excess return has the same sign (growth unbounded).

    See Also
    --------
    kelly_leverage

    Notes
    -----
    .. math::

        \\hat L = \\arg\\max_L \\frac1n\\sum_{t=1}^n \\ln\\bigl(1 + L(r_t - f_t)\\bigr),

    a strictly concave problem on the open interval where every :math:`1 + L(r_t - f_t) > 0`,
    solved with :func:`scipy.optimize.brentq` on the first-order condition. Unlike the
    Gaussian :math:`\\mu/\\sigma^2` it accounts for the fat left tail: one observed return of
    :math:`-1/L` rules leverage :math:`L` out.

    Examples
    --------
    Symmetric +-10 % bets with a 60 % win rate: the Kelly bet is 2p - 1 = 0.2 of equity per
    10 % move, i.e. leverage 2:

    >>> r = [0.1] * 6 + [-0.1] * 4
    >>> round(empirical_kelly_leverage(r), 6)
    2.0
    """
    from scipy import optimize

    r, _ = _series_1d(returns, "returns")
    if r.size < 2:
        raise InsufficientDataError(f"empirical_kelly_leverage needs >= 2 returns; got {r.size}")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    c = float(check_range(as_float_array(fraction, "fraction"), "fraction", 0.0, 1.0,
                          low_inclusive=False))  # fmt: skip
    x = r - np.broadcast_to(as_float_array(funding_rate, "funding_rate"), r.shape)
    if (x >= 0).all() or (x <= 0).all():
        raise ValueError(
            "empirical_kelly_leverage needs excess returns of both signs; got all "
            f"{'non-negative' if (x >= 0).all() else 'non-positive'} (growth is unbounded)"
        )
    hi = -1.0 / x.min()  # 1 + L x > 0 for every x < 0
    lo = -1.0 / x.max()

    def score(L: float) -> float:
        return float(np.mean(x / (1.0 + L * x)))

    eps = 1e-12 * (hi - lo)
    return c * float(optimize.brentq(score, lo + eps, hi - eps, xtol=1e-14, rtol=1e-14))


def leverage_growth_table(
    returns: Any, leverage: Any, *, periods_per_year: float = 365.0
) -> pd.DataFrame:
    """Annual log growth of constant leverage: naive, Gaussian formula and realised.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Simple returns of the underlying per bar (fractions, > -1), at least 2.
    leverage : float or sequence of float
        Constant leverages :math:`L`, > 0, each rebalanced every bar.
    periods_per_year : float
        Bars per year used to annualise (365 for daily crypto, 8760 for hourly), > 0.

    Returns
    -------
    pandas.DataFrame
        Index ``leverage``; columns, all per year and in log terms (0.5 = equity grows by
        :math:`e^{0.5}` a year):

        * ``linear``: :math:`L\\,\\hat g_1`, leverage times the realised growth of 1x (the naive
          "10x earns ten times" answer);
        * ``gbm``: :math:`L\\hat\\mu - L^2\\hat\\sigma^2/2` from :func:`leveraged_growth_rate`
          with the sample drift and volatility;
        * ``realised``: the realised growth of the position rebalanced every bar, ``-inf`` once
          a bar return of :math:`-1/L` or worse wiped it out;
        * ``final_equity``: equity at the end per unit at the start (0 once wiped out);
        * ``wiped_out``: position (0-based bar) of the first bar that wiped it out, -1 if none.

    Raises
    ------
    ValueError
        For returns <= -1 or not finite, ``leverage <= 0`` or ``periods_per_year <= 0``.
    InsufficientDataError
        With fewer than 2 returns.

    See Also
    --------
    leveraged_growth_rate, volatility_drag, chart_leverage_growth

    Notes
    -----
    With :math:`A` bars per year, :math:`\\hat\\mu = A\\,\\overline{r}` and
    :math:`\\hat\\sigma = \\sqrt{A}\\,\\operatorname{sd}(r)` (ddof 1),

    .. math::

        \\hat g_L = \\frac{A}{n}\\sum_{t=1}^{n}\\ln\\bigl(1 + L r_t\\bigr),\\qquad
        g^{\\mathrm{gbm}}_L = L\\hat\\mu - \\tfrac12 L^2\\hat\\sigma^2,

    and ``linear`` is :math:`L\\hat g_1`. The gap ``linear - realised`` is the volatility drag
    that the naive answer ignores; the gap ``gbm - realised`` is what fat tails add to it.

    Examples
    --------
    Up 10 % then down 10 %, once a year each (A = 2): 1x grows ln(0.99) = -0.01005 over the
    year, 2x ln(0.96) = -0.04082:

    >>> tab = leverage_growth_table([0.1, -0.1], [1.0, 2.0], periods_per_year=2.0)
    >>> tab["realised"].round(5).tolist()
    [-0.01005, -0.04082]
    >>> tab["linear"].round(5).tolist()
    [-0.01005, -0.0201]
    """
    r, _ = _series_1d(returns, "returns")
    if r.size < 2:
        raise InsufficientDataError(f"leverage_growth_table needs >= 2 returns; got {r.size}")
    check_range(r, "returns", -1.0, None, low_inclusive=False)
    levs, _ = _leverage_list(leverage)
    A = float(check_positive(as_float_array(periods_per_year, "periods_per_year"),
                             "periods_per_year"))  # fmt: skip
    mu = A * float(r.mean())
    sig = math.sqrt(A) * float(r.std(ddof=1))
    g1 = A * float(np.mean(np.log1p(r)))
    gross = 1.0 + levs[None, :] * r[:, None]
    dead = gross <= 0.0
    with np.errstate(divide="ignore"):
        logs = np.log(np.where(dead, 0.0, gross))
    realised = A * logs.mean(axis=0)
    final = np.exp(logs.sum(axis=0))
    first = np.where(dead.any(axis=0), dead.argmax(axis=0), -1)
    return pd.DataFrame(
        {
            "linear": levs * g1,
            "gbm": levs * mu - 0.5 * levs**2 * sig**2,
            "realised": realised,
            "final_equity": final,
            "wiped_out": first.astype(np.int64),
        },
        index=pd.Index(levs, name="leverage"),
    )


def chart_leverage_growth(
    table: pd.DataFrame, *, title: str = "Annual log growth of constant leverage", width: int = 480
) -> alt.LayerChart:
    """Chart of :func:`leverage_growth_table`: naive and Gaussian lines, realised points.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`leverage_growth_table` (columns ``linear``, ``gbm``, ``realised``).
    title : str
        Chart title.
    width : int
        Width in px.

    Returns
    -------
    altair.LayerChart
        Leverage on x, annual log growth on y: the naive line (grey), the GBM formula (blue)
        and the realised points (red); wiped-out leverages (``-inf``) are left out of the
        realised points.

    Examples
    --------
    >>> tab = leverage_growth_table([0.1, -0.1, 0.05], [1.0, 2.0])
    >>> len(chart_leverage_growth(tab).to_dict()["layer"])
    2
    """
    require("altair", "charts")
    import altair as alt

    missing = {"linear", "gbm", "realised"} - set(table.columns)
    if missing:
        raise ValueError(f"table is missing columns {sorted(missing)}")
    names = {
        "linear": "naive: L x growth of 1x",
        "gbm": "GBM formula",
        "realised": "realised",
    }
    df = (
        table[list(names)]
        .rename(columns=names)
        .rename_axis("leverage")
        .reset_index()
        .melt("leverage", var_name="series", value_name="growth")
    )
    df = df[np.isfinite(df["growth"].to_numpy(dtype=np.float64))]
    color = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(names.values()), range=["#7f7f7f", "#1f77b4", "#d62728"]),
        legend=alt.Legend(orient="bottom"),
    )
    enc = {
        "x": alt.X("leverage:Q", title="constant leverage L (x)"),
        "y": alt.Y("growth:Q", title="log growth per year"),
        "color": color,
        "tooltip": [
            "series:N",
            alt.Tooltip("leverage:Q", format=".2f"),
            alt.Tooltip("growth:Q", format=".3f"),
        ],
    }
    base = alt.Chart(df, title=title, width=width, height=260)
    lines = base.transform_filter(alt.datum.series != names["realised"]).mark_line().encode(**enc)
    points = (
        base.transform_filter(alt.datum.series == names["realised"])
        .mark_point(filled=True, size=45)
        .encode(**enc)
    )
    layered: alt.LayerChart = alt.layer(lines, points)  # type: ignore[assignment]
    return layered


def vol_target_leverage(
    returns: Any,
    target_volatility: float,
    *,
    window: int = 30,
    periods_per_year: float = 365.0,
    max_leverage: float | None = None,
) -> Any:
    """Volatility-targeted leverage from the trailing realised volatility (no look-ahead).

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Returns per bar (fractions).
    target_volatility : float
        Annualised volatility target of the leveraged position, > 0 (0.4 = 40 % a year).
    window : int
        Bars in the trailing window, >= 2.
    periods_per_year : float
        Bars per year used to annualise (365 for daily crypto, 8760 for hourly), > 0.
    max_leverage : float, optional
        Cap on the leverage, > 0.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Leverage to hold over bar ``t``, using returns up to bar ``t - 1`` only; NaN for the first
        ``window`` bars.

    Raises
    ------
    ValueError
        If ``target_volatility``, ``periods_per_year`` or ``max_leverage`` is not > 0, or
        ``window < 2``.

    See Also
    --------
    kelly_leverage

    Notes
    -----
    .. math::

        L_t = \\min\\Bigl(L_{\\max},\\;
        \\frac{\\sigma^*}{\\hat\\sigma_{t-1}\\sqrt{A}}\\Bigr),\\qquad
        \\hat\\sigma_{t-1} = \\operatorname{sd}(r_{t-w}, \\dots, r_{t-1}),

    with :math:`\\sigma^*` the target, :math:`A` the periods per year, :math:`w` the window
    and :math:`\\operatorname{sd}` the sample standard deviation (ddof 1).

    References
    ----------
    A. Moreira and T. Muir (2017), "Volatility-managed portfolios", Journal of Finance 72(4),
    1611-1644, doi:10.1111/jofi.12513.

    Examples
    --------
    >>> r = [0.01, -0.01] * 3
    >>> vol_target_leverage(r, 0.5, window=2, periods_per_year=365.0).round(4)
    array([   nan,    nan, 1.8505, 1.8505, 1.8505, 1.8505])
    """
    r, index = _series_1d(returns, "returns", allow_nan=True)
    tgt = float(check_positive(as_float_array(target_volatility, "target_volatility"),
                               "target_volatility"))  # fmt: skip
    A = float(check_positive(as_float_array(periods_per_year, "periods_per_year"),
                             "periods_per_year"))  # fmt: skip
    if not isinstance(window, int | np.integer) or isinstance(window, bool):
        raise TypeError(f"window must be an integer; got {type(window).__name__} {window!r}")
    if window < 2:
        raise ValueError(f"window must be >= 2; got {window}")
    sd = pd.Series(r).rolling(window, min_periods=window).std(ddof=1).shift(1).to_numpy()
    with np.errstate(divide="ignore"):
        lev = tgt / (sd * math.sqrt(A))
    if max_leverage is not None:
        cap = float(check_positive(as_float_array(max_leverage, "max_leverage"), "max_leverage"))
        lev = np.minimum(lev, cap)
    if index is not None:
        return pd.Series(lev, index=index, name="leverage")
    return lev


# -------------------------------------------------------------------------------------------
# funding carry
# -------------------------------------------------------------------------------------------


def _periods_per_year(funding_rate: Any, periods_per_year: float | None) -> float:
    if periods_per_year is not None:
        return float(
            check_positive(as_float_array(periods_per_year, "periods_per_year"), "periods_per_year")
        )
    if isinstance(funding_rate, pd.Series) and isinstance(funding_rate.index, pd.DatetimeIndex):
        if len(funding_rate) < 2:
            raise InsufficientDataError(
                f"inferring periods_per_year needs >= 2 funding prints; got {len(funding_rate)}"
            )
        step = pd.Series(funding_rate.index).diff().median()
        return float(_YEAR / step)
    raise ValueError(
        "periods_per_year is required unless funding_rate is a Series with a DatetimeIndex "
        "(e.g. 1095 for 8-hourly funding); got None"
    )


def funding_carry(
    funding_rate: Any,
    leverage: Any = 1.0,
    *,
    side: str = "long",
    periods_per_year: float | None = None,
) -> Any:
    """Annualised funding cost of holding a perpetual position, as a fraction of margin.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per funding interval (0.0001 = 0.01 % per 8 h),
        positive when longs pay shorts. NaN prints are ignored.
    leverage : float or array-like
        Notional / margin, > 0.
    side : {"long", "short"}
        Direction; a short receives what a long pays.
    periods_per_year : float, optional
        Funding intervals per year (1095 for 8-hourly). Inferred from the median spacing of a
        DatetimeIndex when omitted, as 365.25 days / spacing (1095.75 for 8-hourly).

    Returns
    -------
    float or numpy.ndarray
        Cost per year as a fraction of the margin (0.5 = half the margin a year); negative for
        an income.

    Raises
    ------
    ValueError
        If ``periods_per_year`` is missing and cannot be inferred, or ``leverage <= 0``.
    InsufficientDataError
        If no funding print is finite.

    See Also
    --------
    funding_carry_table, cumulative_funding

    Notes
    -----
    .. math::

        C = s\\,L\\,A\\,\\bar f,

    with :math:`\\bar f` the mean funding rate per interval, :math:`A` the intervals per year,
    :math:`L` the leverage and :math:`s = +1` for a long, :math:`-1` for a short. It is a
    simple (not compounded) rate on a constant notional.

    References
    ----------
    Binance, "Introduction to Binance Futures Funding Rates",
    https://www.binance.com/en/support/faq/360033525031 (8-hourly funding; the default rate of
    0.01 % per interval when the premium is inside the clamp).

    Examples
    --------
    The 0.01 % per 8 h baseline costs 1095 x 0.0001 = 10.95 % of notional a year, 109.5 % of
    the margin at 10x:

    >>> round(funding_carry([0.0001, 0.0001], 10.0, periods_per_year=1095), 6)
    1.095
    """
    s = _sign(side)
    f, _ = _series_1d(funding_rate, "funding_rate", allow_nan=True)
    A = _periods_per_year(funding_rate, periods_per_year)
    if not np.isfinite(f).any():
        raise InsufficientDataError("funding_carry needs at least 1 finite funding print; got 0")
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    return _scalar(s * L * A * float(np.nanmean(f)))


def funding_liquidation_time(
    funding_rate: Any,
    leverage: Any = 1.0,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    periods_per_year: float | None = None,
) -> Any:
    """Years until funding alone eats an isolated position's margin above maintenance.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per funding interval, positive when longs pay
        shorts; their mean is the rate assumed for the future. NaN prints are ignored.
    leverage : float or array-like
        Notional / margin, > 0.
    side : {"long", "short"}
        Direction; a short receives what a long pays.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    periods_per_year : float, optional
        Funding intervals per year (1095 for 8-hourly); inferred as in :func:`funding_carry`.

    Returns
    -------
    float or numpy.ndarray
        Time in years (multiply by 365 for days); ``inf`` when the position receives funding
        on average, 0 when the margin is already at or below maintenance (:math:`L \\ge 1/m`).

    Raises
    ------
    ValueError
        If ``leverage <= 0``, ``maintenance_margin_rate`` is outside [0, 1) or
        ``periods_per_year`` is missing and cannot be inferred.
    InsufficientDataError
        If no funding print is finite.

    See Also
    --------
    funding_carry, cumulative_funding

    Notes
    -----
    The margin above maintenance is :math:`1/L - m` of the notional and funding drains
    :math:`s\\,A\\,\\bar f` of the notional a year, so with the price unchanged

    .. math::

        T = \\frac{1/L - m}{s\\,A\\,\\bar f}\\ \\text{years},

    with :math:`L` the leverage, :math:`m` the maintenance margin rate, :math:`\\bar f` the mean
    rate per interval, :math:`A` the intervals per year and :math:`s = +1` for a long, :math:`-1`
    for a short. It is a simple (not compounded) drain on a constant notional; price moves
    shorten or lengthen it.

    Examples
    --------
    At the 0.01 % per 8 h baseline a 10x long pays 10.95 % of notional a year and its buffer is
    10 % - 0.5 % = 9.5 %: gone in 0.095 / 0.1095 = 0.868 years; at 50x in 50 days.

    >>> round(funding_liquidation_time([0.0001], 10.0, periods_per_year=1095), 4)
    0.8676
    >>> round(365 * funding_liquidation_time([0.0001], 50.0, periods_per_year=1095), 1)
    50.0
    """
    check_range(
        as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
        "maintenance_margin_rate",
        0.0,
        1.0,
        high_inclusive=False,
    )
    m = float(maintenance_margin_rate)
    drain = funding_carry(funding_rate, 1.0, side=side, periods_per_year=periods_per_year)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    buffer = np.maximum(1.0 / L - m, 0.0)
    return _scalar(buffer / drain if drain > 0 else np.full_like(buffer, np.inf))


def funding_carry_table(
    funding_rate: pd.Series,
    leverage: Any = (1.0, 2.0, 5.0, 10.0),
    *,
    freq: str = "YE",
    side: str = "long",
    periods_per_year: float | None = None,
) -> pd.DataFrame:
    """Annualised funding carry per calendar period (rows) and leverage (columns).

    Parameters
    ----------
    funding_rate : pandas.Series
        Funding prints (fraction per interval) on a DatetimeIndex.
    leverage : sequence of float
        Leverages, > 0.
    freq : str
        pandas offset alias of the periods, e.g. ``"YE"`` (calendar years) or ``"QE"``.
    side : {"long", "short"}
        Direction.
    periods_per_year : float, optional
        Funding intervals per year; inferred from the index when omitted.

    Returns
    -------
    pandas.DataFrame
        :func:`funding_carry` of the prints inside each period (index: the pandas resample
        label, the period end for ``"YE"``/``"QE"``/``"ME"``, the start for ``"D"``), column
        index ``"leverage"``, and an extra column ``"n_prints"``.

    Raises
    ------
    TypeError
        If ``funding_rate`` is not a Series with a DatetimeIndex.

    See Also
    --------
    funding_carry

    Notes
    -----
    Each cell is :math:`s L A \\bar f_p` with :math:`\\bar f_p` the mean print in period
    :math:`p` (symbols as in :func:`funding_carry`).

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=6, freq="8h", tz="UTC")
    >>> f = pd.Series([0.0001] * 3 + [0.0002] * 3, index=idx)
    >>> funding_carry_table(f, [1.0, 10.0], freq="D", periods_per_year=1095).round(4)
    leverage                    1.0     10.0  n_prints
    2024-01-01 00:00:00+00:00  0.1095  1.095         3
    2024-01-02 00:00:00+00:00  0.2190  2.190         3
    """
    if not isinstance(funding_rate, pd.Series) or not isinstance(
        funding_rate.index, pd.DatetimeIndex
    ):
        raise TypeError(
            "funding_rate must be a pandas Series with a DatetimeIndex; got "
            f"{type(funding_rate).__name__}"
        )
    s = _sign(side)
    levs, _ = _leverage_list(leverage)
    A = _periods_per_year(funding_rate, periods_per_year)
    f = pd.Series(as_float_array(funding_rate, "funding_rate", allow_nan=True),
                  index=funding_rate.index)  # fmt: skip
    grouped = f.resample(freq)
    mean = grouped.mean()
    out = pd.DataFrame(
        s * A * mean.to_numpy()[:, None] * levs[None, :],
        index=mean.index,
        columns=pd.Index(levs, name="leverage"),
    )
    out["n_prints"] = grouped.count().to_numpy()
    return out


def cumulative_funding(funding_rate: Any, leverage: Any = 1.0, *, side: str = "long") -> Any:
    """Cumulative funding paid since the first print, as a fraction of the margin.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per interval (positive: longs pay). NaN counts 0.
    leverage : float
        Notional / margin, > 0 (constant notional).
    side : {"long", "short"}
        Direction.

    Returns
    -------
    numpy.ndarray or pandas.Series
        :math:`s L \\sum_{u\\le t} f_u` after each print (negative: received).

    Raises
    ------
    ValueError
        If ``leverage <= 0``.

    See Also
    --------
    funding_carry

    Notes
    -----
    .. math::

        K_t = s\\,L\\sum_{u \\le t} f_u,

    with :math:`s`, :math:`L`, :math:`f_u` as in :func:`funding_carry`. A constant notional is
    assumed (the price path is ignored); with isolated margin the position is liquidated when
    :math:`K_t` (plus the price loss) exhausts the margin above maintenance.

    Examples
    --------
    >>> cumulative_funding([0.0001, 0.0003, -0.0001], 10.0)
    array([0.001, 0.004, 0.003])
    """
    s = _sign(side)
    f, index = _series_1d(funding_rate, "funding_rate", allow_nan=True)
    L = float(check_positive(as_float_array(leverage, "leverage"), "leverage"))
    out = s * L * np.cumsum(np.nan_to_num(f, nan=0.0))
    if index is not None:
        return pd.Series(out, index=index, name="cumulative_funding")
    return out
