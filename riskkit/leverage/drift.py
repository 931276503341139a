"""Funding drift: the liquidation price of an isolated position walks toward the mark.

An isolated perpetual position pays (or receives) funding out of its margin, so its margin
shrinks print after print and its liquidation price walks toward the mark even if the price
never moves. :func:`liquidation_price_path` follows one position through a funding history;
:func:`time_to_liquidation_with_funding` and :func:`historical_survival_with_funding` rerun the
historical scan of :mod:`riskkit.survival` with the drifting barrier (an :math:`O(N \\log N)`
running-minimum search on prefix sums of funding), and
:func:`liquidation_probability_gbm_with_funding` gives the GBM answer for a barrier that moves
linearly in log price.

Rates are fractions (0.0001 = 0.01 % per funding print), never percent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
    check_time_index,
)
from riskkit.exceptions import InsufficientDataError
from riskkit.leverage._common import _sign
from riskkit.survival import HistoricalSurvival, historical_survival, liquidation_probability_gbm
from riskkit.survival._common import _horizons, _leverages, _mmr, _ohlc
from riskkit.survival.curves import _km_at_horizons
from riskkit.survival.historical import _MinTable

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "FundingDriftSurvival",
    "LiquidationPricePath",
    "historical_survival_with_funding",
    "liquidation_price_path",
    "liquidation_probability_gbm_with_funding",
    "time_to_liquidation_with_funding",
]


def _positive_scalar(x: Any, name: str) -> float:
    arr = as_float_array(x, name)
    if arr.ndim != 0:
        raise TypeError(f"{name} must be a scalar; got an array of shape {arr.shape}")
    return float(check_positive(arr, name))


def _fee(fee_rate: Any, m: float) -> float:
    arr = as_float_array(fee_rate, "fee_rate")
    if arr.ndim != 0:
        raise TypeError(f"fee_rate must be a scalar; got an array of shape {arr.shape}")
    check_range(arr, "fee_rate", 0.0, 1.0, high_inclusive=False)
    fee = float(arr)
    if m + fee >= 1.0:
        raise ValueError(
            f"maintenance_margin_rate + fee_rate must be < 1; got {m!r} + {fee!r} = {m + fee!r}"
        )
    return fee


def _time_series(x: Any, name: str) -> pd.Series:
    if not isinstance(x, pd.Series) or not isinstance(x.index, pd.DatetimeIndex):
        raise TypeError(
            f"{name} must be a pandas Series with a DatetimeIndex; got {type(x).__name__}"
        )
    check_time_index(x, name)
    return pd.Series(as_float_array(x, name), index=x.index, name=x.name)


def _liq_price(entry: float, margin_per_unit: Any, sign: float, m: float, fee: float) -> Any:
    """Liquidation price given the margin per unit of quantity (quote currency)."""
    return (entry - sign * margin_per_unit) / (1.0 - sign * (m + fee))


# -------------------------------------------------------------------------------------------
# one position through a funding history
# -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiquidationPricePath:
    """The liquidation price of one isolated position after each funding print.

    Attributes
    ----------
    liquidation_price : pandas.Series
        Liquidation price after each print, quote currency per unit.
    margin : pandas.Series
        Margin left after each print, quote currency.
    funding_paid : pandas.Series
        Cumulative funding paid since entry, quote currency (negative: received).
    entry_liquidation_price : float
        Liquidation price right after entry (fee paid, no funding yet).
    initial_margin : float
        Margin right after entry, quote currency (notional / leverage minus the entry fee).
    exhausted_at : pandas.Timestamp or None
        First print after which the liquidation price has reached the entry price: funding
        alone has eaten the margin above maintenance. None if it never happens.
    side, entry_price, leverage, size, maintenance_margin_rate, fee_rate, notional
        The inputs; ``notional`` is ``"entry"`` or ``"mark"`` (what funding was charged on).
    """

    liquidation_price: pd.Series
    margin: pd.Series
    funding_paid: pd.Series
    entry_liquidation_price: float
    initial_margin: float
    exhausted_at: pd.Timestamp | None
    side: str
    entry_price: float
    leverage: float
    size: float
    maintenance_margin_rate: float
    fee_rate: float
    notional: str

    @property
    def walk(self) -> float:
        """Final minus entry liquidation price, quote currency per unit."""
        return float(self.liquidation_price.iloc[-1] - self.entry_liquidation_price)

    def summary(self) -> pd.Series:
        """Key numbers: entry and final liquidation price, margin, funding, exhaustion date."""
        return pd.Series(
            {
                "side": self.side,
                "leverage": self.leverage,
                "entry_price": self.entry_price,
                "funding on": f"{self.notional} notional",
                "prints": len(self.liquidation_price),
                "initial_margin": self.initial_margin,
                "final_margin": float(self.margin.iloc[-1]),
                "funding_paid": float(self.funding_paid.iloc[-1]),
                "entry_liquidation_price": self.entry_liquidation_price,
                "final_liquidation_price": float(self.liquidation_price.iloc[-1]),
                "exhausted_at": self.exhausted_at,
            },
            name="liquidation_price_path",
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per print: liquidation price, margin left, cumulative funding paid."""
        return pd.DataFrame(
            {
                "liquidation_price": self.liquidation_price,
                "margin": self.margin,
                "funding_paid": self.funding_paid,
            }
        )

    def _repr_html_(self) -> str:
        return "<p>Liquidation price path</p>" + self.summary().to_frame().to_html()

    def chart(self, price: pd.Series | None = None, title: str | None = None) -> alt.LayerChart:
        """Liquidation price after each print, with an optional price line (<= 520 px)."""
        from riskkit.charts.drift import chart_liquidation_price_path

        return chart_liquidation_price_path(self, price=price, title=title)


def liquidation_price_path(
    side: str,
    entry_price: float,
    leverage: float,
    funding_rate: pd.Series,
    *,
    price: pd.Series | None = None,
    size: float = 1.0,
    maintenance_margin_rate: float = 0.005,
    fee_rate: float = 0.0,
    contract: str = "linear",
) -> LiquidationPricePath:
    """Liquidation price of an isolated position after each funding print paid out of margin.

    Parameters
    ----------
    side : {"long", "short"}
        Direction; positive funding is paid by longs and received by shorts.
    entry_price : float
        Entry price, quote currency per unit of the base asset, > 0.
    leverage : float
        Notional / initial margin, > 0.
    funding_rate : pandas.Series of float
        Funding prints after the entry, fraction of notional per print (0.0001 = 0.01 %), on a
        DatetimeIndex in increasing time order.
    price : pandas.Series of float, optional
        Mark price, quote currency, on a DatetimeIndex. When given, each print is charged on the
        mark-price notional :math:`Q P_k` (Binance's convention), with :math:`P_k` the last price
        at or before the print; otherwise on the entry notional :math:`Q E`.
    size : float
        Quantity :math:`Q` in units of the base asset, > 0 (only scales the money amounts).
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    fee_rate : float
        Taker fee as a fraction of notional, in [0, 1): the entry fee is paid out of the margin
        and the exit fee at the liquidation price is reserved. Default 0.
    contract : {"linear"}
        Contract type; only linear (USDT-margined) contracts are supported.

    Returns
    -------
    LiquidationPricePath

    Raises
    ------
    TypeError
        If ``funding_rate`` or ``price`` is not a Series with a DatetimeIndex.
    ValueError
        If a scalar is out of its domain, ``funding_rate`` is empty or out of time order, or
        ``price`` has no value at or before the first print.

    See Also
    --------
    riskkit.leverage.funding_liquidation_time : the same exhaustion at a constant rate.
    time_to_liquidation_with_funding : the historical scan with this barrier.

    Notes
    -----
    With quantity :math:`Q`, entry price :math:`E`, leverage :math:`L`, maintenance margin rate
    :math:`m`, fee rate :math:`c`, side :math:`s` (+1 long, -1 short) and funding prints
    :math:`f_k`, the margin after print :math:`t` is

    .. math::

        M_t = \\frac{Q E}{L} - c\\,Q E - s \\sum_{k \\le t} f_k\\,Q\\,P_k,

    with :math:`P_k = E` (entry notional) or the mark price at the print, and the liquidation
    price solves :math:`M_t + sQ(P - E) = (m + c)\\,Q P`:

    .. math::

        P^{\\mathrm{liq}}_t = \\frac{E - s M_t / Q}{1 - s\\,(m + c)} .

    Funding alone exhausts the margin when :math:`P^{\\mathrm{liq}}_t` reaches :math:`E`,
    i.e. :math:`M_t \\le (m + c) Q E`.

    References
    ----------
    Binance, "Introduction to Binance Futures Funding Rates" (funding = position value at the
    mark price x funding rate), https://www.binance.com/en/support/faq/360033525031

    Examples
    --------
    A 10x long of 1 BTC at 100,000 USD has 10,000 USD of margin; three prints of 0.01 % cost
    3 x 10 = 30 USD, leaving 9,970, so the liquidation price moves from
    90,000 / 0.995 = 90,452.26 to (100,000 - 9,970) / 0.995 = 90,482.41:

    >>> import pandas as pd
    >>> f = pd.Series(0.0001, index=pd.date_range("2024-01-01", periods=3, freq="8h"))
    >>> res = liquidation_price_path("long", 100_000.0, 10.0, f)
    >>> round(res.entry_liquidation_price, 2), res.margin.round(2).tolist()
    (90452.26, [9990.0, 9980.0, 9970.0])
    >>> res.liquidation_price.round(2).tolist()
    [90462.31, 90472.36, 90482.41]
    """
    sign = _sign(side)
    check_option(contract, "contract", ("linear",))
    E = _positive_scalar(entry_price, "entry_price")
    L = _positive_scalar(leverage, "leverage")
    Q = _positive_scalar(size, "size")
    m = _mmr(maintenance_margin_rate)
    fee = _fee(fee_rate, m)
    f = _time_series(funding_rate, "funding_rate")
    if f.empty:
        raise ValueError("funding_rate must hold at least 1 print; got an empty Series")
    if price is None:
        mark = np.full(f.size, E)
        notional = "entry"
    else:
        p = _time_series(price, "price")
        check_positive(p.to_numpy(), "price")
        mark = p.reindex(p.index.union(f.index)).ffill().reindex(f.index).to_numpy()
        if np.isnan(mark).any():
            raise ValueError(
                f"price must have a value at or before the first funding print {f.index[0]}; "
                f"its first value is at {p.index[0]}"
            )
        notional = "mark"
    paid = np.cumsum(sign * f.to_numpy() * Q * mark)
    m0 = Q * E / L - fee * Q * E
    margin = m0 - paid
    liq = _liq_price(E, margin / Q, sign, m, fee)
    gone = sign * (liq - E) >= 0
    exhausted = f.index[int(np.argmax(gone))] if gone.any() else None
    idx = f.index
    return LiquidationPricePath(
        liquidation_price=pd.Series(liq, index=idx, name="liquidation_price"),
        margin=pd.Series(margin, index=idx, name="margin"),
        funding_paid=pd.Series(paid, index=idx, name="funding_paid"),
        entry_liquidation_price=float(_liq_price(E, m0 / Q, sign, m, fee)),
        initial_margin=float(m0),
        exhausted_at=exhausted,
        side=side,
        entry_price=E,
        leverage=L,
        size=Q,
        maintenance_margin_rate=m,
        fee_rate=fee,
        notional=notional,
    )


# -------------------------------------------------------------------------------------------
# historical scan with a drifting barrier
# -------------------------------------------------------------------------------------------


def _funding_per_bar(funding_rate: Any, index: Any, n: int) -> np.ndarray:
    """Sum of the funding prints inside each bar (fraction of notional per bar)."""
    if isinstance(funding_rate, pd.Series) and isinstance(funding_rate.index, pd.DatetimeIndex):
        if not isinstance(index, pd.DatetimeIndex):
            raise TypeError(
                "funding_rate with a DatetimeIndex needs high, low and close on a DatetimeIndex "
                "(bar open times) to assign each print to its bar"
            )
        f = _time_series(funding_rate, "funding_rate")
        if f.empty:
            raise InsufficientDataError("funding_rate needs at least 1 print; got 0")
        step = index[-1] - index[-2] if n >= 2 else pd.Timedelta(0)
        first, last = f.index[0], f.index[-1]
        if index[0] < first - pd.Timedelta(days=1) or index[-1] + step > last + pd.Timedelta(
            days=1
        ):
            raise ValueError(
                f"funding_rate covers {first} to {last} but the bars run from {index[0]} to "
                f"{index[-1]}; trim the bars to the funding history (e.g. bars.loc[start:end])"
            )
        prints = pd.DatetimeIndex(f.index).as_unit(index.unit)
        bar = np.searchsorted(index.asi8, prints.asi8, side="right") - 1
        keep = (bar >= 0) & (bar < n)
        return np.bincount(bar[keep], weights=f.to_numpy()[keep], minlength=n)
    g = as_float_array(funding_rate, "funding_rate")
    if g.shape != (n,):
        raise ValueError(
            f"funding_rate without a DatetimeIndex must hold one rate per bar ({n}); "
            f"got shape {g.shape}"
        )
    return g


def _drift_durations(
    h: np.ndarray,
    lo: np.ndarray,
    e: np.ndarray,
    g: np.ndarray,
    levs: np.ndarray,
    sign: float,
    m: float,
    fee: float,
) -> np.ndarray:
    # D_j: funding paid per unit of quantity up to and including bar j, on the mark notional
    # (the bar's close stands for the mark at its prints)
    paid = np.cumsum(sign * g * e)
    if sign > 0:
        x = (1.0 - m - fee) * lo - paid
        base = e * (1.0 + fee) - paid
    else:
        x = -(1.0 + m + fee) * h - paid
        base = -e * (1.0 - fee) - paid
    table = _MinTable(x)
    out = np.empty((e.size, levs.size), dtype=np.float64)
    for j, L in enumerate(levs):
        threshold = base - e / L
        out[:, j] = table.first_at_or_below(threshold)
    return out


def time_to_liquidation_with_funding(
    high: Any,
    low: Any,
    close: Any,
    funding_rate: Any,
    leverage: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    fee_rate: float = 0.0,
) -> pd.DataFrame:
    """Bars until a position opened at each close is liquidated, its margin paying funding.

    Parameters
    ----------
    high, low, close : array-like or pandas.Series of float
        Bar highs, lows and closes, quote currency, > 0, ordered in time; a position opens at
        every close. On a DatetimeIndex the index is the bar's open time.
    funding_rate : pandas.Series or array-like of float
        Funding prints (fraction of notional, positive: longs pay) on a DatetimeIndex, summed
        into the bar whose open time is the last at or before the print; or one summed rate per
        bar (array of length :math:`N`). The bars must lie inside the funding history.
    leverage : float or sequence of float
        Notional / margin, > 0.
    side : {"long", "short"}
        Direction.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    fee_rate : float
        Taker fee as a fraction of notional, in [0, 1), as in :func:`liquidation_price_path`.

    Returns
    -------
    pandas.DataFrame
        Bars :math:`h \\ge 1` to liquidation (NaN: not liquidated before the data end), one
        column per leverage (column index ``"leverage"``).

    Raises
    ------
    ValueError
        For invalid prices or rates, or bars outside the funding history.
    TypeError
        If ``funding_rate`` has a DatetimeIndex but the bars do not.

    See Also
    --------
    riskkit.survival.time_to_liquidation : the same scan at constant margin.
    historical_survival_with_funding

    Notes
    -----
    Funding is charged on the mark-price notional, the mark proxied by the close :math:`c_j` of
    the bar holding the print, and a bar's funding is debited before its low is checked. With
    :math:`g_j` the funding summed over bar :math:`j` and the prefix sum
    :math:`D_j = s\\sum_{i \\le j} g_i c_i`, the long opened at :math:`E_t = c_t` is liquidated
    on the first bar :math:`j > t` with

    .. math::

        (1 - m - c_f)\\,\\ell_j - D_j \\le E_t\\,(1 - 1/L + c_f) - D_t ,

    (:math:`\\ell_j` the low, :math:`c_f` the fee rate; a short uses :math:`-u_j` and the mirrored
    terms). The left side depends only on :math:`j` and the right only on :math:`t`, so one
    sparse table of running minima answers every entry in :math:`O(N \\log N)`, as in
    :func:`riskkit.survival.time_to_liquidation`; with zero funding and fees the two agree.

    Examples
    --------
    A 2x long at 100 is liquidated at 100 x 0.5 / 0.995 = 50.25 without funding; paying 10 % of
    the notional per bar raises its barrier to 60.30 after one bar and 70.35 after two, so the
    entry at bar 0 falls on the low of 60 two bars later, the entry at bar 1 one bar later:

    >>> import numpy as np
    >>> close = np.array([100.0, 100.0, 100.0, 100.0])
    >>> high, low = close + 1, np.array([99.0, 75.0, 60.0, 99.0])
    >>> time_to_liquidation_with_funding(high, low, close, np.zeros(4), 2.0).to_numpy()[:, 0]
    array([nan, nan, nan, nan])
    >>> g = np.full(4, 0.1)
    >>> time_to_liquidation_with_funding(high, low, close, g, 2.0).to_numpy()[:, 0]
    array([ 2.,  1., nan, nan])
    """
    h, lo, e, index = _ohlc(high, low, close)
    sign = _sign(side)
    m = _mmr(maintenance_margin_rate)
    fee = _fee(fee_rate, m)
    levs, _ = _leverages(leverage)
    g = _funding_per_bar(funding_rate, index, e.size)
    out = _drift_durations(h, lo, e, g, levs, sign, m, fee)
    return pd.DataFrame(
        out,
        index=index if index is not None else pd.RangeIndex(e.size),
        columns=pd.Index(levs, name="leverage"),
    )


def _survival_from_durations(
    tau: pd.DataFrame, hz: np.ndarray, side: str, m: float
) -> HistoricalSurvival:
    """Kaplan-Meier map from durations, as :func:`riskkit.survival.historical_survival`."""
    values = tau.to_numpy()
    n = values.shape[0]
    censor = (n - 1 - np.arange(n)).astype(np.float64)
    prob, se, risk = [], [], []
    for j in range(values.shape[1]):
        t = values[:, j]
        observed = ~np.isnan(t)
        dur = np.where(observed, t, censor)
        s, ss, at_risk = _km_at_horizons(dur, observed, hz)
        prob.append(s)
        se.append(ss)
        risk.append(at_risk)
    ridx = pd.Index(tau.columns.to_numpy(dtype=np.float64), name="leverage")
    cidx = pd.Index(hz, name="horizon")
    return HistoricalSurvival(
        surv_prob=pd.DataFrame(np.array(prob), index=ridx, columns=cidx),
        surv_prob_se=pd.DataFrame(np.array(se), index=ridx, columns=cidx),
        n_risk=pd.DataFrame(np.array(risk), index=ridx, columns=cidx),
        nobs=pd.Series([n], index=["all"], name="nobs"),
        durations=tau,
        groups=None,
        side=side,
        maintenance_margin_rate=m,
    )


@dataclass(frozen=True, slots=True)
class FundingDriftSurvival:
    """Historical survival with the liquidation price drifting with real funding, and without.

    Attributes
    ----------
    with_funding : HistoricalSurvival
        Survival map when the margin pays the funding history.
    constant_margin : HistoricalSurvival
        The same entries at constant margin (:func:`riskkit.survival.historical_survival`).
    funding_per_bar : pandas.Series
        Funding summed per bar, fraction of notional.
    fee_rate : float
    """

    with_funding: HistoricalSurvival
    constant_margin: HistoricalSurvival
    funding_per_bar: pd.Series
    fee_rate: float

    def summary(self) -> pd.DataFrame:
        """Survival per (leverage, horizon): constant margin, with funding, and the difference."""
        a = self.constant_margin.surv_prob.stack()
        b = self.with_funding.surv_prob.stack()
        return pd.DataFrame({"constant margin": a, "with funding": b, "difference": b - a})

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (model, leverage, horizon)."""
        return pd.concat(
            {
                "constant margin": self.constant_margin.to_frame(),
                "with funding": self.with_funding.to_frame(),
            },
            names=["model"],
        )

    def _repr_html_(self) -> str:
        return "<p>Historical survival with funding drift</p>" + self.summary().to_html(
            float_format="{:.3f}".format
        )

    def chart(self, title: str | None = None) -> alt.Chart:
        """Survival against horizon, solid with funding and dashed without (<= 520 px)."""
        from riskkit.charts.drift import chart_drift_survival

        return chart_drift_survival(self, title=title)


def historical_survival_with_funding(
    high: Any,
    low: Any,
    close: Any,
    funding_rate: Any,
    leverage: Any,
    horizon: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    fee_rate: float = 0.0,
) -> FundingDriftSurvival:
    """Survival map of positions opened at every close whose margin pays the funding history.

    Parameters
    ----------
    high, low, close, funding_rate, leverage, side, maintenance_margin_rate, fee_rate
        As in :func:`time_to_liquidation_with_funding`.
    horizon : int or sequence of int
        Horizons in bars, >= 1.

    Returns
    -------
    FundingDriftSurvival
        Both maps on the same entries: ``with_funding`` and ``constant_margin``.

    Raises
    ------
    ValueError
        As :func:`time_to_liquidation_with_funding`, or for invalid horizons.

    See Also
    --------
    riskkit.survival.historical_survival

    Notes
    -----
    The durations of :func:`time_to_liquidation_with_funding` are censored at the data end and
    fed to the Kaplan-Meier estimator exactly as in
    :func:`riskkit.survival.historical_survival`, so with zero funding and fees the two maps
    are identical. The constant-margin map ignores the fee as well.

    Examples
    --------
    >>> import numpy as np
    >>> close = np.array([100.0, 100.0, 100.0, 100.0, 100.0])
    >>> high, low = close + 1, np.array([99.0, 75.0, 60.0, 99.0, 99.0])
    >>> res = historical_survival_with_funding(high, low, close, np.full(5, 0.1), [2.0], [1, 2])
    >>> res.summary().round(3)["with funding"].tolist()
    [0.75, 0.375]
    """
    h, lo, e, index = _ohlc(high, low, close)
    hz = _horizons(horizon)
    m = _mmr(maintenance_margin_rate)
    tau = time_to_liquidation_with_funding(high, low, close, funding_rate, leverage, side, m,
                                           fee_rate)  # fmt: skip
    if e.size < 2:
        raise InsufficientDataError(
            f"historical_survival_with_funding needs >= 2 bars; got {e.size}"
        )
    g = _funding_per_bar(funding_rate, index, e.size)
    return FundingDriftSurvival(
        with_funding=_survival_from_durations(tau, hz, side, m),
        constant_margin=historical_survival(h, lo, e, tau.columns.to_numpy(), hz, side, m),
        funding_per_bar=pd.Series(g, index=tau.index, name="funding_per_bar"),
        fee_rate=float(fee_rate),
    )


# -------------------------------------------------------------------------------------------
# GBM with a barrier that moves linearly in log price
# -------------------------------------------------------------------------------------------


def liquidation_probability_gbm_with_funding(
    leverage: Any,
    horizon: Any,
    volatility: Any,
    drift: Any = 0.0,
    *,
    funding_rate: Any = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """GBM probability of liquidation when funding paid from margin moves the barrier.

    Parameters
    ----------
    leverage, horizon, volatility, drift
        As in :func:`riskkit.survival.liquidation_probability_gbm` (time in the unit of
        ``volatility`` and ``drift``).
    funding_rate : float or array-like
        Funding per unit time as a fraction of notional, positive when longs pay.
    side : {"long", "short"}
        Direction.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1], continuous monitoring.

    Raises
    ------
    ValueError
        As :func:`riskkit.survival.liquidation_probability_gbm`.

    See Also
    --------
    riskkit.survival.liquidation_probability_gbm, historical_survival_with_funding

    Notes
    -----
    Paying funding :math:`f` per unit time on the entry notional moves the long's liquidation
    price to :math:`E(1 - 1/L + f t)/(1 - m)`, whose log rises at the rate
    :math:`k = f/(1 - 1/L)` at :math:`t = 0` (a short's at :math:`k = f/(1 + 1/L)`). Taking the
    barrier linear in log price, :math:`b + k t`, the first passage of
    :math:`X_t = \\nu t + \\sigma W_t` to it is the first passage of :math:`X_t - k t` to the
    fixed barrier :math:`b`: the closed form of
    :func:`~riskkit.survival.liquidation_probability_gbm` with the drift lowered by :math:`k`,

    .. math::

        P = \\Phi\\Bigl(\\frac{b - \\nu' T}{\\sigma\\sqrt T}\\Bigr) +
        e^{2\\nu' b/\\sigma^2}\\,\\Phi\\Bigl(\\frac{b + \\nu' T}{\\sigma\\sqrt T}\\Bigr),
        \\qquad \\nu' = \\mu - k - \\sigma^2/2 .

    The log barrier is concave in :math:`t`, so the tangent slope slightly overstates the
    probability. A long at :math:`L \\le 1` keeps the constant-margin answer (0).

    Examples
    --------
    With no funding it is the constant-margin answer; at 0.03 % a day a 10x long's barrier
    rises 0.0333 % a day, as if the drift were lower by that much:

    >>> from riskkit.survival import liquidation_probability_gbm
    >>> p0 = liquidation_probability_gbm(10, 30, 0.03)
    >>> round(liquidation_probability_gbm_with_funding(10, 30, 0.03) - p0, 12)
    0.0
    >>> round(liquidation_probability_gbm_with_funding(10, 30, 0.03, funding_rate=0.0003), 4)
    0.5886
    """
    sign = _sign(side)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    f = as_float_array(funding_rate, "funding_rate")
    denom = 1.0 - sign / L
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(denom > 0, f / np.where(denom > 0, denom, 1.0), 0.0)
    # liquidation_probability_gbm lowers the drift of X by its funding_rate for both sides
    return liquidation_probability_gbm(
        leverage,
        horizon,
        volatility,
        drift,
        funding_rate=k if np.ndim(k) else float(k),
        side=side,
        maintenance_margin_rate=maintenance_margin_rate,
    )
