"""Probability and timing of liquidation: analytic, simulated and historical.

Three answers to one question, *does a leveraged position survive the volatility long enough?*

1. **Analytic**: the closed-form first-passage probability of a geometric Brownian motion with
   drift through the liquidation barrier (:func:`liquidation_probability_gbm`) and the expected
   hitting time (:func:`expected_time_to_liquidation_gbm`).
2. **Simulated**: Monte Carlo with fat tails, Student-t innovations or GARCH(1,1)-t fitted to real
   returns with :mod:`arch` (:func:`fit_return_model`, :func:`simulate_liquidation`), chunked so
   memory stays bounded, seeded, with a Monte Carlo standard error.
3. **Historical**: the bars until an isolated position opened at every bar of real OHLC data is
   liquidated (:func:`time_to_liquidation`, an :math:`O(N \\log N)` sparse-table scan), empirical
   survival curves with censoring (:func:`kaplan_meier`, :func:`historical_survival`) and the
   highest leverage that historically survived (:func:`critical_leverage`,
   :func:`max_leverage`).

:func:`liquidation_estimates` puts the three side by side on one OHLC frame, and
:func:`liquidating_moves` counts the single bars that would have liquidated a position against
the count a normal model expects.

Every function uses the isolated linear liquidation price

.. math::

    P_\\mathrm{liq} = E\\,\\frac{1 - 1/L}{1 - m}\\ \\text{(long)},\\qquad
    P_\\mathrm{liq} = E\\,\\frac{1 + 1/L}{1 + m}\\ \\text{(short)},

with :math:`E` the entry price, :math:`L` the leverage (margin = notional / L) and :math:`m` the
maintenance margin rate (Binance USDⓈ-M isolated formula with a single bracket, no maintenance
amount).
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from riskkit._boundary import warn_garch_boundary
from riskkit._compat import require
from riskkit._validation import as_float_array, check_option, check_positive, check_range
from riskkit.exceptions import InsufficientDataError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit._typing import FloatArray

__all__ = [
    "HistoricalSurvival",
    "LiquidationEstimates",
    "MonteCarloLiquidation",
    "SurvivalCurve",
    "critical_leverage",
    "expected_time_to_liquidation_gbm",
    "fit_return_model",
    "historical_survival",
    "kaplan_meier",
    "liquidating_moves",
    "liquidation_estimates",
    "liquidation_probability_gbm",
    "max_leverage",
    "simulate_liquidation",
    "time_to_liquidation",
]

logger = logging.getLogger(__name__)

_MODELS = ("normal", "student_t", "garch_t")


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _side(side: Any) -> float:
    check_option(side, "side", ("long", "short"))
    return 1.0 if side == "long" else -1.0


def _mmr(maintenance_margin_rate: Any) -> float:
    arr = as_float_array(maintenance_margin_rate, "maintenance_margin_rate")
    if arr.ndim != 0:
        raise TypeError(
            f"maintenance_margin_rate must be a scalar; got an array of shape {arr.shape}"
        )
    check_range(arr, "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)
    return float(arr)


def _leverages(leverage: Any) -> tuple[FloatArray, bool]:
    """Leverages as a 1-D array and whether the input was a scalar."""
    arr = as_float_array(leverage, "leverage")
    scalar = arr.ndim == 0
    check_positive(arr, "leverage")
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"leverage must be a scalar or 1-D sequence; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("leverage must contain at least one value; got an empty sequence")
    check_positive(arr, "leverage")
    return arr, scalar


def _horizons(horizon: Any) -> np.ndarray:
    arr = np.atleast_1d(as_float_array(horizon, "horizon"))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"horizon must be a positive integer or 1-D sequence; got {horizon!r}")
    if (arr < 1).any() or (arr != np.round(arr)).any():
        bad = arr[(arr < 1) | (arr != np.round(arr))]
        raise ValueError(f"horizon must be integers >= 1 (bars); got {bad.tolist()}")
    return arr.astype(np.int64)


def _liquidation_ratio(leverage: Any, sign: float, m: float) -> Any:
    """Liquidation price divided by entry price (isolated linear position)."""
    if sign > 0:
        return (1.0 - 1.0 / leverage) / (1.0 - m)
    return (1.0 + 1.0 / leverage) / (1.0 + m)


def _ohlc(high: Any, low: Any, entry: Any) -> tuple[FloatArray, FloatArray, FloatArray, Any]:
    h = as_float_array(high, "high")
    lo = as_float_array(low, "low")
    e = as_float_array(entry, "entry")
    for name, arr in (("high", h), ("low", lo), ("entry", e)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    if not (h.shape == lo.shape == e.shape):
        raise ValueError(
            f"high, low and entry must have the same length; got {h.size}, {lo.size}, {e.size}"
        )
    check_positive(h, "high")
    check_positive(lo, "low")
    check_positive(e, "entry")
    bad = lo > h
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"low must be <= high on every bar; got low {lo[i]!r} > high {h[i]!r} at position {i}"
        )
    index = None
    for x in (entry, low, high):
        if isinstance(x, pd.Series):
            index = x.index
            break
    return h, lo, e, index


# --------------------------------------------------------------------------------------------
# sparse table of running minima
# --------------------------------------------------------------------------------------------


class _MinTable:
    """Sparse table: ``levels[k][i] = min(x[i : i + 2**k])`` (truncated at the end, +inf pad).

    Built in :math:`O(N \\log N)`; answers "first index ``j > t`` with ``x[j] <= p[t]``" for all
    ``t`` at once by binary lifting, :math:`O(\\log N)` vectorised steps.
    """

    __slots__ = ("levels", "n")

    def __init__(self, x: FloatArray, max_span: int | None = None) -> None:
        n = x.size
        self.n = n
        span = n + 1 if max_span is None else min(max_span, n + 1)
        top = max(1, math.ceil(math.log2(max(span, 2))))
        levels = [np.append(x, np.inf)]
        for k in range(1, top + 1):
            prev = levels[-1]
            step = 1 << (k - 1)
            cur = prev.copy()
            if step <= n:
                np.minimum(prev[: n + 1 - step], prev[step:], out=cur[: n + 1 - step])
            levels.append(cur)
        self.levels = levels

    def first_at_or_below(self, threshold: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """Bars ``h >= 1`` to the first ``j = t + h`` with ``x[j] <= threshold[t]``; NaN if none."""
        n = self.n
        pos = np.arange(1, n + 1, dtype=np.int64)
        vals = np.empty(n, dtype=np.float64)
        advance = np.empty(n, dtype=bool)
        step = np.empty(n, dtype=np.int64)
        for k in range(len(self.levels) - 1, -1, -1):
            np.take(self.levels[k], pos, mode="clip", out=vals)
            np.greater(vals, threshold, out=advance)
            np.left_shift(advance, k, out=step, casting="unsafe")
            pos += step
        if out is None:
            out = np.empty(n, dtype=np.float64)
        np.subtract(pos, np.arange(n, dtype=np.int64), out=out, casting="unsafe")
        out[pos >= n] = np.nan
        return out

    def window_min(self, start: np.ndarray, length: int) -> FloatArray:
        """``min(x[start : start + length])`` for each start (windows must lie inside ``x``)."""
        k = math.floor(math.log2(length))
        lev = self.levels[k]
        return np.minimum(lev[start], lev[start + length - (1 << k)])


# --------------------------------------------------------------------------------------------
# historical scan
# --------------------------------------------------------------------------------------------


def time_to_liquidation(
    high: Any,
    low: Any,
    entry: Any,
    leverage: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Bars until an isolated position opened at each bar is liquidated on historical data.

    A position opened at ``entry[t]`` (for instance the close of bar ``t``) with margin = notional
    / ``leverage`` is liquidated on the first later bar whose low (long) or high (short) reaches
    its liquidation price. The scan is :math:`O(N \\log N)`: a sparse table of running extrema
    and a vectorised binary search, not the :math:`O(N H)` loop.

    Parameters
    ----------
    high, low : array-like or pandas.Series of float
        Bar highs and lows, price units (quote currency), > 0, ``low <= high``, equal length
        :math:`N`, ordered in time.
    entry : array-like or pandas.Series of float
        Entry price of the position opened at each bar, price units, > 0, length :math:`N`.
    leverage : float or sequence of float
        Notional / margin, > 0 (e.g. 10 for 10x). A sequence gives one column per leverage.
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1); default 0.005 (0.5 %).

    Returns
    -------
    numpy.ndarray, pandas.Series or pandas.DataFrame
        For a scalar ``leverage``: float array of length :math:`N` (a Series on the input's index
        when any input is a Series) holding the number of bars :math:`h \\ge 1` to liquidation;
        NaN where the price never reaches the liquidation price before the data end (censored;
        the last bar is always NaN). For a sequence of leverages: a DataFrame with one column per
        leverage (column index named ``"leverage"``).

    Raises
    ------
    ValueError
        If a price is not finite or not > 0, ``low > high`` on some bar, lengths differ,
        ``leverage <= 0``, ``maintenance_margin_rate`` is outside [0, 1), or ``side`` is not
        ``"long"``/``"short"``.
    TypeError
        If an input is not numeric.

    See Also
    --------
    historical_survival : Kaplan-Meier survival table built on this scan.
    critical_leverage : the highest leverage that survives a fixed horizon, per entry.

    Notes
    -----
    The liquidation price of an isolated linear position is

    .. math::

        P_\\mathrm{liq}(t) = E_t\\,\\frac{1 - 1/L}{1 - m}\\ \\text{(long)},\\qquad
        P_\\mathrm{liq}(t) = E_t\\,\\frac{1 + 1/L}{1 + m}\\ \\text{(short)},

    and the result is

    .. math::

        \\tau_t = \\min\\{h \\ge 1 : \\ell_{t+h} \\le P_\\mathrm{liq}(t)\\}\\ \\text{(long)},\\qquad
        \\tau_t = \\min\\{h \\ge 1 : u_{t+h} \\ge P_\\mathrm{liq}(t)\\}\\ \\text{(short)},

    where :math:`E_t` is the entry price, :math:`L` the leverage, :math:`m` the maintenance
    margin rate, :math:`\\ell` and :math:`u` the bar low and high. A table
    :math:`T_k[i] = \\min(\\ell_i, \\dots, \\ell_{i+2^k-1})` is built in :math:`O(N \\log N)`;
    for every entry at once, a pointer starting at :math:`t + 1` jumps :math:`2^k` bars for
    :math:`k = K, \\dots, 0` whenever :math:`T_k[\\text{pointer}] > P_\\mathrm{liq}(t)`, which
    lands on the first bar at or below the barrier in :math:`K = \\lceil\\log_2 N\\rceil`
    vectorised steps. Bar extremes are compared with the barrier, not a mark price; funding,
    fees and tiered brackets are ignored. A long at :math:`L \\le 1` has a barrier at or below
    zero and is never liquidated.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts" (isolated mode,
    one bracket: :math:`P = (WB - S E)/(S m - S)` with :math:`WB = S E / L`),
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    M. A. Bender and M. Farach-Colton (2000), "The LCA problem revisited", LATIN 2000,
    doi:10.1007/10719839_9 (sparse tables for range-minimum queries).

    Examples
    --------
    A 2x long entered at 100 is liquidated at 100 x 0.5 / 0.995 = 50.25; the low of 50 on the
    third bar after the entry at bar 0 reaches it:

    >>> import numpy as np
    >>> high = np.array([101.0, 101.0, 90.0, 80.0, 70.0])
    >>> low = np.array([99.0, 95.0, 80.0, 50.0, 60.0])
    >>> close = np.array([100.0, 100.0, 85.0, 60.0, 65.0])
    >>> time_to_liquidation(high, low, close, 2.0)
    array([ 3.,  2., nan, nan, nan])
    >>> time_to_liquidation(high, low, close, [2.0, 1.0]).to_numpy()[:, 1]
    array([nan, nan, nan, nan, nan])
    """
    h, lo, e, index = _ohlc(high, low, entry)
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    levs, scalar = _leverages(leverage)
    n = e.size
    table = _MinTable(lo if sign > 0 else -h)
    ratios = _liquidation_ratio(levs, sign, m)
    out = np.empty((n, levs.size), dtype=np.float64, order="F")

    def column(j: int) -> None:
        barrier = e * ratios[j] if sign > 0 else -(e * ratios[j])
        table.first_at_or_below(barrier, out=out[:, j])

    workers = min(levs.size, os.cpu_count() or 1)
    if workers > 1 and n * levs.size >= 1_000_000:
        # numpy releases the GIL in take/compare/shift, so leverages run in parallel threads
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(column, range(levs.size)))
    else:
        for j in range(levs.size):
            column(j)
    if scalar:
        if index is not None:
            return pd.Series(out[:, 0], index=index, name="time_to_liquidation")
        return out[:, 0].copy()
    return pd.DataFrame(
        out,
        index=index if index is not None else pd.RangeIndex(n),
        columns=pd.Index(levs, name="leverage"),
        copy=False,
    )


def critical_leverage(
    high: Any,
    low: Any,
    entry: Any,
    horizon: int,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Per entry, the supremum of the leverages that survive the next ``horizon`` bars.

    Parameters
    ----------
    high, low, entry : array-like or pandas.Series of float
        As in :func:`time_to_liquidation` (price units, > 0, equal length :math:`N`).
    horizon : int
        Holding period in bars, >= 1.
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    numpy.ndarray or pandas.Series of float
        :math:`L^*_t`: a position at leverage :math:`L` survives bars :math:`t+1..t+H` exactly when
        :math:`L < L^*_t`; ``inf`` when no leverage is liquidated; NaN for the last ``horizon``
        entries (window incomplete). A Series on the input index when an input is a Series.

    Raises
    ------
    ValueError
        For bad prices (see :func:`time_to_liquidation`) or ``horizon`` not an integer >= 1.

    See Also
    --------
    max_leverage : a quantile of this quantity.
    time_to_liquidation : the time to liquidation at a given leverage.

    Notes
    -----
    With :math:`q_t = (1 - m)\\min_{1\\le h\\le H}\\ell_{t+h}/E_t` for a long and
    :math:`q_t = (1 + m)\\max_{1\\le h\\le H}u_{t+h}/E_t` for a short,

    .. math::

        L^*_t = \\frac{1}{1 - q_t}\\ \\text{(long, } q_t < 1),\\qquad
        L^*_t = \\frac{1}{q_t - 1}\\ \\text{(short, } q_t > 1),

    and :math:`L^*_t = \\infty` otherwise; symbols as in :func:`time_to_liquidation`,
    :math:`H` the horizon. It follows from solving :math:`\\ell > E(1 - 1/L)/(1 - m)` for
    :math:`L`.

    Examples
    --------
    >>> import numpy as np
    >>> high = np.array([100.0, 100.0, 100.0])
    >>> low = np.array([100.0, 90.0, 100.0])
    >>> critical_leverage(high, low, high, 1, maintenance_margin_rate=0.0)
    array([10., inf, nan])
    """
    h, lo, e, index = _ohlc(high, low, entry)
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    H = int(_horizons(horizon)[0]) if np.ndim(horizon) == 0 else None
    if H is None:
        raise TypeError(f"horizon must be a scalar integer; got {horizon!r}")
    n = e.size
    out = np.full(n, np.nan)
    valid = n - H
    if valid > 0:
        start = np.arange(1, valid + 1)
        if sign > 0:
            extreme = _MinTable(lo, max_span=H).window_min(start, H)
            q = (1.0 - m) * extreme / e[:valid]
            with np.errstate(divide="ignore"):
                out[:valid] = np.where(q < 1.0, 1.0 / (1.0 - q), np.inf)
        else:
            extreme = -_MinTable(-h, max_span=H).window_min(start, H)
            q = (1.0 + m) * extreme / e[:valid]
            with np.errstate(divide="ignore"):
                out[:valid] = np.where(q > 1.0, 1.0 / (q - 1.0), np.inf)
    if index is not None:
        return pd.Series(out, index=index, name="critical_leverage")
    return out


def max_leverage(
    survival_probability: float,
    horizon: int,
    high: Any,
    low: Any,
    entry: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> float:
    """Highest leverage that historically survived ``horizon`` bars with a given probability.

    Parameters
    ----------
    survival_probability : float
        Required fraction of entries that survive, in (0, 1].
    horizon : int
        Holding period in bars, >= 1.
    high, low, entry : array-like or pandas.Series of float
        As in :func:`time_to_liquidation` (price units, > 0).
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float
        :math:`L_{\\max}`: every leverage strictly below it survived the horizon on at least the
        fraction ``survival_probability`` of the entries with a complete window (``inf`` if
        nothing was ever liquidated at any leverage on that fraction).

    Raises
    ------
    ValueError
        If ``survival_probability`` is outside (0, 1] or prices are invalid.
    InsufficientDataError
        If there are no more than ``horizon`` bars (no complete window).

    See Also
    --------
    critical_leverage : the per-entry supremum :math:`L^*_t`.

    Notes
    -----
    With :math:`L^*_{(1)} \\ge \\dots \\ge L^*_{(n)}` the critical leverages of the :math:`n`
    complete windows sorted in descending order and :math:`p` the survival probability,

    .. math::

        L_{\\max} = L^*_{(k)},\\qquad k = \\lceil p\\,n \\rceil,

    because :math:`\\#\\{t : L < L^*_t\\} \\ge k \\iff L < L^*_{(k)}`. Entries overlap, so the
    :math:`n` windows are not independent draws.

    Examples
    --------
    >>> import numpy as np
    >>> high = np.full(5, 100.0)
    >>> low = np.array([100.0, 90.0, 100.0, 95.0, 100.0])
    >>> round(max_leverage(0.5, 1, high, high, high, maintenance_margin_rate=0.0), 6)
    inf
    >>> round(max_leverage(1.0, 1, high, low, high, maintenance_margin_rate=0.0), 6)
    10.0
    """
    p = float(as_float_array(survival_probability, "survival_probability"))
    check_range(np.asarray(p), "survival_probability", 0.0, 1.0, low_inclusive=False)
    crit = np.asarray(
        critical_leverage(high, low, entry, horizon, side, maintenance_margin_rate),
        dtype=np.float64,
    )
    crit = crit[~np.isnan(crit)]
    if crit.size == 0:
        raise InsufficientDataError(
            f"max_leverage needs more than horizon={horizon} bars; got {crit.size + int(horizon)}"
            " bars or fewer"
        )
    k = max(1, math.ceil(p * crit.size - 1e-9))
    return float(-np.partition(-crit, k - 1)[k - 1])


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurvivalCurve:
    """Kaplan-Meier estimate of a survival function with right censoring.

    Attributes
    ----------
    surv_times : numpy.ndarray
        Distinct event times (units of the durations), ascending.
    surv_prob : numpy.ndarray
        :math:`\\hat S(t)` just after each event time.
    surv_prob_se : numpy.ndarray
        Greenwood standard error of ``surv_prob`` (assumes independent durations; NaN once
        :math:`\\hat S = 0`, as in statsmodels ``SurvfuncRight``).
    n_risk : numpy.ndarray
        Number at risk just before each event time.
    n_events : numpy.ndarray
        Number of events at each event time.
    nobs : int
        Number of durations.
    max_time : float
        Longest duration (event or censored); :meth:`survival_at` is NaN beyond it
        unless the curve has reached 0.
    """

    surv_times: np.ndarray
    surv_prob: np.ndarray
    surv_prob_se: np.ndarray
    n_risk: np.ndarray
    n_events: np.ndarray
    nobs: int
    max_time: float

    def survival_at(self, t: Any) -> Any:
        """:math:`\\hat S(t)`; NaN beyond ``max_time`` unless :math:`\\hat S` has reached 0."""
        tt = np.asarray(t, dtype=np.float64)
        idx = np.searchsorted(self.surv_times, tt, side="right")
        s = np.concatenate([[1.0], self.surv_prob])[idx]
        # beyond the longest duration S is unknown, unless every position had already failed
        s = np.where((tt > self.max_time) & (s > 0.0), np.nan, s)
        return float(s) if s.ndim == 0 else s

    def summary(self) -> pd.DataFrame:
        """One row per event time: ``n_risk``, ``n_events``, ``surv_prob``, ``surv_prob_se``."""
        return pd.DataFrame(
            {
                "n_risk": self.n_risk,
                "n_events": self.n_events,
                "surv_prob": self.surv_prob,
                "surv_prob_se": self.surv_prob_se,
            },
            index=pd.Index(self.surv_times, name="time"),
        )

    def to_frame(self) -> pd.DataFrame:
        """Same as :meth:`summary`."""
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<p>Kaplan-Meier survival curve, nobs={self.nobs}</p>" + self.summary().head(
            20
        ).to_html(float_format="{:.4f}".format)

    def chart(self, title: str = "Kaplan-Meier survival curve") -> alt.Chart:
        """Step chart of :math:`\\hat S(t)` (altair, 480 px wide)."""
        require("altair", "charts")
        import altair as alt

        df = pd.DataFrame(
            {"time": np.r_[0.0, self.surv_times], "surv_prob": np.r_[1.0, self.surv_prob]}
        )
        return (
            alt.Chart(df, title=title, width=480, height=260)
            .mark_line(interpolate="step-after")
            .encode(
                x=alt.X("time:Q", title="time since entry (bars)"),
                y=alt.Y("surv_prob:Q", title="fraction still open", scale=alt.Scale(domain=[0, 1])),
            )
        )


def _km_core(
    durations: np.ndarray, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier at the distinct event times: times, S, Greenwood se, n at risk, events."""
    if durations.size and (durations == np.round(durations)).all() and durations.max() < 2**31:
        # integer durations (bars): counting by bincount is O(N) instead of a sort
        codes = durations.astype(np.int64)
        times = np.arange(int(codes.max()) + 1, dtype=np.float64)
        exits = np.bincount(codes, minlength=times.size).astype(np.int64)
        events = np.bincount(codes[observed], minlength=times.size).astype(np.float64)
    else:
        uniq, inverse = np.unique(durations, return_inverse=True)
        times = uniq.astype(np.float64)
        exits = np.bincount(inverse, minlength=times.size).astype(np.int64)
        events = np.bincount(
            inverse, weights=observed.astype(np.float64), minlength=times.size
        ).astype(np.float64)
    at_risk = durations.size - np.concatenate([[0], np.cumsum(exits)[:-1]])
    keep = events > 0
    times, events = times[keep], events[keep]
    n_risk = at_risk[keep].astype(np.float64)
    surv = np.cumprod(1.0 - events / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(events / (n_risk * (n_risk - events)))
        se = surv * np.sqrt(green)
    return times, surv, se, n_risk, events


def kaplan_meier(durations: Any, event_observed: Any) -> SurvivalCurve:
    """Kaplan-Meier survival curve with right censoring.

    Parameters
    ----------
    durations : array-like of float
        Time to the event or to censoring, >= 0 (any unit, e.g. bars).
    event_observed : array-like of bool
        True where the event (liquidation) happened at ``durations``, False where the duration is
        censored (the position was still open when the data ended).

    Returns
    -------
    SurvivalCurve

    Raises
    ------
    ValueError
        If lengths differ, a duration is negative or not finite.
    InsufficientDataError
        If ``durations`` is empty.

    See Also
    --------
    historical_survival : the curve for every leverage on OHLC data.

    Notes
    -----
    .. math::

        \\hat S(t) = \\prod_{t_i \\le t}\\Bigl(1 - \\frac{d_i}{n_i}\\Bigr),\\qquad
        \\widehat{\\mathrm{Var}}\\,\\hat S(t) = \\hat S(t)^2\\sum_{t_i\\le t}
        \\frac{d_i}{n_i(n_i - d_i)},

    with :math:`t_i` the distinct event times, :math:`d_i` the events at :math:`t_i` and
    :math:`n_i` the durations :math:`\\ge t_i` (at risk). The Greenwood variance assumes
    independent durations; positions opened on consecutive bars share their future path, so it
    understates the uncertainty of historical survival estimates.

    References
    ----------
    E. L. Kaplan and P. Meier (1958), "Nonparametric estimation from incomplete observations",
    JASA 53(282), 457-481, doi:10.1080/01621459.1958.10501452.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
    >>> km.surv_prob
    array([0.75, 0.5 , 0.  ])
    """
    d = as_float_array(durations, "durations")
    obs_raw = np.asarray(event_observed)
    if obs_raw.dtype != bool:
        if not np.isin(obs_raw, (0, 1)).all():
            raise ValueError("event_observed must be boolean (or 0/1)")
        obs_raw = obs_raw.astype(bool)
    if d.ndim != 1 or obs_raw.shape != d.shape:
        raise ValueError(
            f"durations and event_observed must be 1-D of equal length; got {d.shape} and "
            f"{obs_raw.shape}"
        )
    if d.size == 0:
        raise InsufficientDataError("kaplan_meier needs at least 1 duration; got 0")
    check_positive(d, "durations", strict=False)
    times, surv, se, n_risk, events = _km_core(d, obs_raw)
    return SurvivalCurve(
        surv_times=times,
        surv_prob=surv,
        surv_prob_se=se,
        n_risk=n_risk,
        n_events=events,
        nobs=int(d.size),
        max_time=float(d.max()),
    )


@dataclass(frozen=True, slots=True)
class HistoricalSurvival:
    """Historical survival of leveraged positions opened at every bar (leverage x horizon).

    Attributes
    ----------
    surv_prob : pandas.DataFrame
        Kaplan-Meier probability that a position is still open after ``h`` bars; rows are
        leverages (a ``(group, leverage)`` MultiIndex when groups were given), columns horizons.
    surv_prob_se : pandas.DataFrame
        Greenwood standard errors (understated: overlapping entries are not independent).
    n_risk : pandas.DataFrame
        Entries still observed (not liquidated, not censored) at each horizon.
    nobs : pandas.Series
        Entries per group (one row ``"all"`` without groups).
    durations : pandas.DataFrame
        Output of :func:`time_to_liquidation` (bars to liquidation, NaN = censored).
    groups : numpy.ndarray or None
        The group label of every entry (None without groups).
    side : str
    maintenance_margin_rate : float
    """

    surv_prob: pd.DataFrame
    surv_prob_se: pd.DataFrame
    n_risk: pd.DataFrame
    nobs: pd.Series
    durations: pd.DataFrame
    groups: np.ndarray | None
    side: str
    maintenance_margin_rate: float

    def curve(self, leverage: float, group: Any = None) -> SurvivalCurve:
        """The full Kaplan-Meier curve (bars since entry) at one of the leverages."""
        if leverage not in self.durations.columns:
            raise ValueError(
                f"leverage must be one of {list(self.durations.columns)}; got {leverage!r}"
            )
        tau = self.durations[leverage].to_numpy()
        n = tau.size
        censor = (n - 1 - np.arange(n)).astype(np.float64)
        sel = np.ones(n, dtype=bool)
        if group is not None:
            if self.groups is None:
                raise ValueError(f"group must be None for results without groups; got {group!r}")
            sel = self.groups == group
            if not sel.any():
                raise ValueError(f"group must be one of {list(self.nobs.index)}; got {group!r}")
        observed = ~np.isnan(tau[sel])
        return kaplan_meier(np.where(observed, tau[sel], censor[sel]), observed)

    def curves(self, max_horizon: int, group: Any = None) -> pd.DataFrame:
        """Fraction still open after ``h = 0..max_horizon`` bars, one column per leverage."""
        h = np.arange(int(_horizons(max_horizon)[0]) + 1)
        data = {lev: self.curve(float(lev), group).survival_at(h) for lev in self.durations.columns}
        out = pd.DataFrame(data, index=pd.Index(h, name="horizon"))
        out.columns.name = "leverage"
        return out

    def chart_curves(self, max_horizon: int, group: Any = None) -> alt.Chart:
        """Survival curves, one line per leverage (altair, 480 px wide)."""
        require("altair", "charts")
        import altair as alt

        stacked = self.curves(max_horizon, group).stack()
        df = pd.Series(stacked, name="surv_prob").reset_index()
        df["leverage"] = df["leverage"].map("{:g}x".format)
        return (
            alt.Chart(df, title=f"Share of isolated {self.side}s still open", width=480)
            .mark_line(interpolate="step-after")
            .encode(
                x=alt.X("horizon:Q", title="bars since entry"),
                y=alt.Y("surv_prob:Q", title="fraction still open", scale=alt.Scale(domain=[0, 1])),
                color=alt.Color("leverage:N", title="leverage", sort=None),
            )
        )

    @property
    def liquidation_prob(self) -> pd.DataFrame:
        """``1 - surv_prob``: probability of liquidation within each horizon."""
        return 1.0 - self.surv_prob

    def summary(self) -> pd.DataFrame:
        """The leverage x horizon table of survival probabilities."""
        return self.surv_prob

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (group, leverage, horizon)."""
        parts = {
            "surv_prob": self.surv_prob.stack(),
            "surv_prob_se": self.surv_prob_se.stack(),
            "n_risk": self.n_risk.stack(),
        }
        return pd.DataFrame(parts)

    def _repr_html_(self) -> str:
        head = (
            f"<p>Historical survival, {self.side}, maintenance margin rate "
            f"{self.maintenance_margin_rate:g}, entries {int(self.nobs.sum())}</p>"
        )
        return head + self.surv_prob.to_html(float_format="{:.3f}".format)

    def chart(self, title: str | None = None) -> alt.Chart:
        """Heat map of survival probability, leverage x horizon (altair, <= 520 px wide)."""
        require("altair", "charts")
        import altair as alt

        df = self.to_frame().reset_index()
        df["leverage"] = df["leverage"].map("{:g}x".format)
        order = [f"{v:g}x" for v in self.surv_prob.index.get_level_values("leverage").unique()]
        base = alt.Chart(
            df, title=title or f"Historical survival of isolated {self.side}s", width=420
        ).mark_rect()
        chart = base.encode(
            x=alt.X("horizon:O", title="horizon (bars)"),
            y=alt.Y("leverage:O", sort=order, title="leverage"),
            color=alt.Color(
                "surv_prob:Q",
                title="fraction surviving",
                scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
            ),
            tooltip=["leverage", "horizon", alt.Tooltip("surv_prob:Q", format=".3f"), "n_risk"],
        )
        if "group" in df.columns:
            chart = chart.properties(width=200).facet(column=alt.Column("group:N", title=None))
        return chart


def historical_survival(
    high: Any,
    low: Any,
    entry: Any,
    leverage: Any,
    horizon: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    groups: Any = None,
) -> HistoricalSurvival:
    """Survival map (leverage x horizon) of isolated positions opened at every historical bar.

    Parameters
    ----------
    high, low, entry : array-like or pandas.Series of float
        As in :func:`time_to_liquidation` (price units, > 0, equal length).
    leverage : float or sequence of float
        Leverages (> 0) to evaluate.
    horizon : int or sequence of int
        Horizons in bars, >= 1.
    side : {"long", "short"}
        Direction of the positions.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    groups : array-like or pandas.Series, optional
        A label per entry (e.g. the year or an era name); one survival table per label, on the
        entries carrying it (positions still run into later data, censoring only at the end).

    Returns
    -------
    HistoricalSurvival

    Raises
    ------
    ValueError
        For invalid prices, leverages or horizons, or ``groups`` of another length.

    See Also
    --------
    time_to_liquidation, kaplan_meier, max_leverage

    Notes
    -----
    For each leverage the durations are :math:`\\min(\\tau_t, C_t)` with :math:`\\tau_t` from
    :func:`time_to_liquidation` and :math:`C_t = N - 1 - t` the bars left in the data; the
    Kaplan-Meier estimator (see :func:`kaplan_meier`) then gives

    .. math::

        \\hat S_L(h) = \\prod_{i \\le h}\\Bigl(1 - \\frac{d_i}{n_i}\\Bigr),

    the estimated fraction of positions at leverage :math:`L` still open after :math:`h` bars.
    :math:`\\hat S_L(h)` is NaN when no entry was observed for :math:`h` bars, except that it
    stays 0 once every entry of the group was liquidated. For a comparison
    by venue, run it on each venue's bars and stack the tables, e.g.
    ``pd.concat({name: res.surv_prob for name, res in by_venue.items()}, names=["venue"])``;
    for eras pass ``groups`` (e.g. ``close.index.year``).

    Examples
    --------
    >>> import numpy as np
    >>> close = np.array([100.0, 100.0, 85.0, 60.0, 65.0])
    >>> high, low = close + 1, close - 10
    >>> res = historical_survival(high, low, close, [2, 5], [1, 2])
    >>> res.surv_prob.round(3).to_numpy()
    array([[1.   , 0.667],
           [0.5  , 0.   ]])
    """
    h, lo, e, index = _ohlc(high, low, entry)
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    m = _mmr(maintenance_margin_rate)
    tau = time_to_liquidation(h, lo, e, levs, side, m)
    if index is not None:
        tau.index = index
    n = e.size
    if n == 0:
        raise InsufficientDataError("historical_survival needs at least 2 bars; got 0")
    censor = (n - 1 - np.arange(n)).astype(np.float64)
    if groups is None:
        labels = np.zeros(n, dtype=np.int64)
        names: list[Any] = ["all"]
    else:
        g = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series) else groups)
        if g.shape != (n,):
            raise ValueError(f"groups must have one label per entry ({n}); got shape {g.shape}")
        codes, uniques = pd.factorize(g, sort=True)
        labels = codes
        names = list(uniques)
    rows: list[tuple[Any, float]] = []
    prob, se, risk = [], [], []
    tau_values = tau.to_numpy()
    for gi, gname in enumerate(names):
        sel = labels == gi
        for j, L in enumerate(levs):
            t = tau_values[sel, j]
            observed = ~np.isnan(t)
            dur = np.where(observed, t, censor[sel])
            times, surv, sse, _, _ = _km_core(dur, observed)
            idx = np.searchsorted(times, hz, side="right")
            s = np.concatenate([[1.0], surv])[idx]
            ss = np.concatenate([[0.0], sse])[idx]
            exits = np.bincount(dur.astype(np.int64), minlength=int(hz.max()) + 1)
            at_risk = dur.size - np.concatenate([[0], np.cumsum(exits)])[hz]
            # survival beyond the longest observed duration is unknown, unless the curve has
            # already reached 0 (every position of the group was liquidated)
            longest = dur.max() if dur.size else -1.0
            unknown = (hz > longest) & (s > 0.0)
            s = np.where(unknown, np.nan, s)
            ss = np.where(unknown, np.nan, ss)
            rows.append((gname, float(L)))
            prob.append(s)
            se.append(ss)
            risk.append(at_risk)
    if groups is None:
        ridx: pd.Index = pd.Index(levs, name="leverage")
    else:
        ridx = pd.MultiIndex.from_tuples(rows, names=["group", "leverage"])
    cidx = pd.Index(hz, name="horizon")
    nobs = pd.Series(np.bincount(labels, minlength=len(names)), index=names, name="nobs")
    return HistoricalSurvival(
        surv_prob=pd.DataFrame(np.array(prob), index=ridx, columns=cidx),
        surv_prob_se=pd.DataFrame(np.array(se), index=ridx, columns=cidx),
        n_risk=pd.DataFrame(np.array(risk), index=ridx, columns=cidx),
        nobs=nobs,
        durations=tau,
        groups=None if groups is None else np.asarray(names, dtype=object)[labels],
        side=side,
        maintenance_margin_rate=m,
    )


# --------------------------------------------------------------------------------------------
# analytic first passage (GBM)
# --------------------------------------------------------------------------------------------


def _log_barrier(leverage: FloatArray, sign: float, m: float) -> FloatArray:
    """Signed log distance to the barrier, oriented so that it is <= 0 when reachable."""
    ratio = _liquidation_ratio(leverage, sign, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        logb = np.where(ratio > 0, np.log(np.where(ratio > 0, ratio, 1.0)), -np.inf)
    return sign * logb


def liquidation_probability_gbm(
    leverage: Any,
    horizon: Any,
    volatility: Any,
    drift: Any = 0.0,
    *,
    funding_rate: Any = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Probability that a GBM price hits the liquidation price within ``horizon`` (closed form).

    Parameters
    ----------
    leverage : float or array-like
        Notional / margin, > 0. Broadcasts against ``horizon``, ``volatility``, ``drift``.
    horizon : float or array-like
        Holding period, > 0, in the time unit of ``volatility`` and ``drift`` (e.g. years).
    volatility : float or array-like
        :math:`\\sigma`, volatility of log returns per unit time (e.g. annualised), > 0.
    drift : float or array-like
        :math:`\\mu`, expected simple return per unit time (arithmetic drift of
        :math:`dS/S`); default 0.
    funding_rate : float or array-like
        Funding paid by longs per unit time as a fraction of notional (received by shorts);
        enters as a drift :math:`-f` of the price seen by the margin. Default 0.
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float or numpy.ndarray
        Probability in [0, 1], continuous monitoring.

    Raises
    ------
    ValueError
        If ``leverage``, ``horizon`` or ``volatility`` is not > 0 or an input is not finite.

    See Also
    --------
    expected_time_to_liquidation_gbm, simulate_liquidation, historical_survival

    Notes
    -----
    With :math:`X_t = \\ln(S_t/S_0) = \\nu t + \\sigma W_t`, :math:`\\nu = \\mu - f -
    \\sigma^2/2`, and the long barrier :math:`b = \\ln\\frac{1-1/L}{1-m} < 0`,

    .. math::

        P\\Bigl(\\min_{s\\le T} X_s \\le b\\Bigr) =
        \\Phi\\Bigl(\\frac{b - \\nu T}{\\sigma\\sqrt T}\\Bigr) +
        e^{2\\nu b/\\sigma^2}\\,\\Phi\\Bigl(\\frac{b + \\nu T}{\\sigma\\sqrt T}\\Bigr),

    where :math:`\\Phi` is the standard normal CDF, :math:`T` the horizon, :math:`L` the leverage
    and :math:`m` the maintenance margin rate. A short uses the same formula for :math:`-X` with
    :math:`b = -\\ln\\frac{1+1/L}{1+m}` and drift :math:`-\\nu`. The second term is evaluated in
    log space. A barrier at or above the entry (long with :math:`L \\ge 1/m`) gives 1; a long
    at :math:`L \\le 1` gives 0. Funding as a constant drift is an approximation: on a venue it is
    debited from the isolated margin at discrete times.

    References
    ----------
    S. E. Shreve (2004), *Stochastic Calculus for Finance II: Continuous-Time Models*,
    Springer, ISBN 978-0-387-40101-0, chapter 7 (maximum of Brownian motion with drift).
    J. M. Harrison (1985), *Brownian Motion and Stochastic Flow Systems*, Wiley, chapter 1.

    Examples
    --------
    A 10x long with m = 0 (barrier :math:`b = \\ln 0.9`), zero drift (so :math:`\\nu =
    -\\sigma^2/2 = -0.32`), 80 % annual volatility, 30 days: by hand
    :math:`\\Phi(-0.3447) + e^{0.10536}\\,\\Phi(-0.5741) = 0.3651 + 1.1111 \\times 0.2830`:

    >>> round(liquidation_probability_gbm(10, 30 / 365, 0.8, maintenance_margin_rate=0.0), 4)
    0.6796
    """
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    T = check_positive(as_float_array(horizon, "horizon"), "horizon")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    mu = as_float_array(drift, "drift")
    f = as_float_array(funding_rate, "funding_rate")
    L, T, sig, mu, f = np.broadcast_arrays(L, T, sig, mu, f)
    b = _log_barrier(L, sign, m)
    nu = sign * (mu - f - 0.5 * sig**2)
    sd = sig * np.sqrt(T)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        first = special.ndtr((b - nu * T) / sd)
        log_second = 2.0 * nu * b / sig**2 + special.log_ndtr((b + nu * T) / sd)
        p = first + np.exp(log_second)
    p = np.where(b >= 0, 1.0, np.where(np.isneginf(b), 0.0, p))
    p = np.clip(p, 0.0, 1.0)
    return float(p) if p.ndim == 0 else p


def expected_time_to_liquidation_gbm(
    leverage: Any,
    volatility: Any,
    drift: Any = 0.0,
    *,
    funding_rate: Any = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Expected first-passage time of a GBM price to the liquidation price.

    Parameters
    ----------
    leverage, volatility, drift, funding_rate, side, maintenance_margin_rate
        As in :func:`liquidation_probability_gbm` (rates per unit time).

    Returns
    -------
    float or numpy.ndarray
        Expected time, in the time unit of ``volatility``; ``inf`` when the log price does not
        drift towards the barrier (it may then never be hit), 0 if the barrier is at or beyond
        the entry.

    Raises
    ------
    ValueError
        If ``leverage`` or ``volatility`` is not > 0.

    See Also
    --------
    liquidation_probability_gbm

    Notes
    -----
    For a drift :math:`\\nu` towards a barrier at log distance :math:`|b|` (symbols as in
    :func:`liquidation_probability_gbm`) the hitting time is inverse Gaussian with

    .. math::

        \\mathbb E[\\tau] = \\frac{|b|}{|\\nu|}.

    With :math:`\\nu = 0` the barrier is hit almost surely but :math:`\\mathbb E[\\tau] = \\infty`.

    References
    ----------
    R. S. Chhikara and J. L. Folks (1989), *The Inverse Gaussian Distribution: Theory,
    Methodology, and Applications*, Marcel Dekker (first-passage time of Brownian motion with
    drift).

    Examples
    --------
    A 10x long (m = 0, barrier ln 0.9) with drift -50 % and volatility 20 % a year, so
    :math:`\\nu = -0.52` and :math:`\\mathbb E[\\tau] = 0.10536 / 0.52` years:

    >>> t = expected_time_to_liquidation_gbm(10, 0.2, -0.5, maintenance_margin_rate=0.0)
    >>> round(t, 4)
    0.2026
    """
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    sig = check_positive(as_float_array(volatility, "volatility"), "volatility")
    mu = as_float_array(drift, "drift")
    f = as_float_array(funding_rate, "funding_rate")
    L, sig, mu, f = np.broadcast_arrays(L, sig, mu, f)
    b = _log_barrier(L, sign, m)
    nu = sign * (mu - f - 0.5 * sig**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(nu < 0, b / nu, np.inf)
    t = np.where(b >= 0, 0.0, np.where(np.isneginf(b), np.inf, t))
    return float(t) if t.ndim == 0 else t


def liquidating_moves(
    returns: Any,
    leverage: Any,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> pd.DataFrame:
    """Count the one-bar moves that would liquidate a position, against a normal model.

    For each leverage, the number of bars whose log return reached the log distance from entry
    to the liquidation price (a fall for a long, a rise for a short), and the number a normal
    distribution with the sample mean and standard deviation expects. Their ratio measures how
    wrong the normal model is at the move size that matters for that leverage.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Close-to-close log returns, one per bar (any bar size); NaNs are dropped.
    leverage : float or array-like
        Notional / margin, > 0, one or more values.
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    pandas.DataFrame
        Index ``leverage``; columns ``move_to_liquidation`` (simple return from entry to the
        liquidation price, as a positive fraction), ``nobs`` (returns used), ``observed``
        (bars that reached it), ``expected_normal`` (normal-model count) and ``ratio``
        (observed / expected).

    Raises
    ------
    ValueError
        If ``leverage`` is not > 0 or ``side`` is unknown.
    InsufficientDataError
        If fewer than 2 finite returns are given.

    See Also
    --------
    liquidation_probability_gbm : the same normal model over a multi-bar horizon.

    Notes
    -----
    For a long with leverage :math:`L` and maintenance margin rate :math:`m`, the liquidation
    price over the entry is :math:`\\rho = (1 - 1/L)/(1 - m)` and the threshold is
    :math:`b = \\ln\\rho`. With :math:`n` returns :math:`r_t` of mean :math:`\\bar r` and
    standard deviation :math:`s` (``ddof=1``),

    .. math::

        O = \\#\\{t : r_t \\le b\\}, \\qquad E = n\\,\\Phi\\Bigl(\\frac{b - \\bar r}{s}\\Bigr),

    with :math:`\\Phi` the standard normal CDF. A short uses :math:`\\rho = (1 + 1/L)/(1 + m)`
    and counts :math:`r_t \\ge \\ln\\rho`. A move is measured close to close: a bar's low can
    liquidate without its close doing so, so :math:`O` is a lower bound on one-bar
    liquidations (see :func:`time_to_liquidation` for the scan on lows). Volatility clusters, so
    the bars are not independent and the counts are descriptive, not a test.

    Examples
    --------
    Five returns, one of -12 %: a 10x long (threshold :math:`\\ln(0.9/0.995) = -10.0\\,\\%`)
    was reached once; a 5x long (:math:`\\ln(0.8/0.995) = -21.8\\,\\%`) never.

    >>> out = liquidating_moves([0.01, -0.01, 0.02, -0.12, 0.0], [5, 10])
    >>> out["observed"].tolist(), out["move_to_liquidation"].round(4).tolist()
    ([0, 1], [0.196, 0.0955])
    """
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    levs, _ = _leverages(leverage)
    r = np.atleast_1d(as_float_array(returns, "returns", allow_nan=True))
    r = r[np.isfinite(r)]
    if r.size < 2:
        raise InsufficientDataError(
            f"liquidating_moves needs at least 2 finite returns; got {r.size}"
        )
    b = _log_barrier(levs, sign, m)
    x = sign * r
    observed = (x[None, :] <= b[:, None]).sum(axis=1)
    expected = r.size * special.ndtr((b - sign * r.mean()) / r.std(ddof=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / expected
    return pd.DataFrame(
        {
            "move_to_liquidation": np.abs(_liquidation_ratio(levs, sign, m) - 1.0),
            "nobs": r.size,
            "observed": observed,
            "expected_normal": expected,
            "ratio": ratio,
        },
        index=pd.Index(levs, name="leverage"),
    )


# --------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------


def fit_return_model(
    returns: Any, model: str = "garch_t", *, digits: int | None = None
) -> pd.Series:
    """Fit a per-bar log-return model for :func:`simulate_liquidation`.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Log returns per bar (fractions, e.g. 0.01 = 1 %), at least 30 values, no NaN.
    model : {"normal", "student_t", "garch_t"}
        ``normal``: i.i.d. Gaussian. ``student_t``: i.i.d. location-scale Student-t by maximum
        likelihood (:func:`scipy.stats.t.fit`). ``garch_t``: constant mean, GARCH(1,1) variance
        and standardised Student-t innovations, fitted with :func:`arch.arch_model` on returns
        scaled by 100 and scaled back.
    digits : int, optional
        Round the fitted parameters to this many significant digits (``garch_t``: ``mu``,
        ``omega`` in the fit's percent units and ``nu``; ``alpha`` and ``beta``, fractions, to
        this many decimals; the conditional variances are then filtered again with the rounded
        values). Maximum likelihood pins the parameters down only to the optimiser's tolerance
        (about 1e-6 relative, less on a flat ridge or the IGARCH boundary), so the last digits
        move with the BLAS kernel; 3 or 4 digits, far inside the standard errors, make every
        downstream number reproducible on any machine. Default: no rounding.

    Returns
    -------
    pandas.Series
        Parameters in per-bar units: ``mu``, ``sigma`` (normal); ``mu``, ``scale``, ``nu``
        (student_t); ``mu``, ``omega``, ``alpha``, ``beta``, ``nu``, ``sigma2_last`` (the
        one-step-ahead conditional variance after the last observation) (garch_t).

    Raises
    ------
    InsufficientDataError
        With fewer than 30 returns.
    ValueError
        For an unknown model or non-finite returns.

    See Also
    --------
    simulate_liquidation

    Notes
    -----
    GARCH(1,1)-t:

    .. math::

        r_t = \\mu + \\varepsilon_t,\\quad \\varepsilon_t = \\sigma_t z_t,\\quad
        \\sigma_t^2 = \\omega + \\alpha\\varepsilon_{t-1}^2 + \\beta\\sigma_{t-1}^2,

    with :math:`z_t` Student-t with :math:`\\nu` degrees of freedom scaled to unit variance.

    References
    ----------
    T. Bollerslev (1987), "A conditionally heteroskedastic time series model for speculative
    prices and rates of return", RES 69(3), 542-547, doi:10.2307/1925546.
    K. Sheppard, *arch* documentation, https://arch.readthedocs.io/.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.tile([0.01, -0.01], 50)
    >>> fit_return_model(r, "normal").round(4).to_dict()
    {'mu': 0.0, 'sigma': 0.01}
    """
    check_option(model, "model", _MODELS)
    r = as_float_array(returns, "returns")
    if r.ndim != 1:
        raise ValueError(f"returns must be 1-D; got shape {r.shape}")
    if r.size < 30:
        raise InsufficientDataError(f"fit_return_model needs at least 30 returns; got {r.size}")
    digits = _check_digits(digits)
    if model == "normal":
        mu, sd = _significant(float(r.mean()), digits), _significant(float(r.std(ddof=1)), digits)
        return pd.Series({"mu": mu, "sigma": sd}, name=model)
    if model == "student_t":
        from scipy import stats

        nu, loc, scale = (_significant(float(v), digits) for v in stats.t.fit(r))
        return pd.Series({"mu": loc, "scale": scale, "nu": nu}, name=model)
    return _fit_garch(r, digits)[0]


def _significant(x: float, digits: int | None) -> float:
    return x if digits is None or x == 0.0 else float(f"{x:.{digits}g}")


def _check_digits(digits: Any) -> int | None:
    if digits is None:
        return None
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer) or digits < 1:
        raise ValueError(f"digits must be None or an integer >= 1; got {digits!r}")
    return int(digits)


def _fit_garch(r: np.ndarray, digits: int | None = None) -> tuple[pd.Series, np.ndarray]:
    """GARCH(1,1)-t parameters (per-bar units) and every bar's one-step-ahead variance.

    With ``digits``, the parameters (in the fit's percent units) are rounded to that many
    significant digits and the conditional variances are filtered again with the rounded values,
    so everything downstream depends only on the rounded parameters.
    """
    require("arch", "garch")
    from arch import arch_model

    am = arch_model(100.0 * r, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    res = am.fit(disp="off", show_warning=False)
    prm = res.params
    warn_garch_boundary(
        float(prm["alpha[1]"]) + float(prm["beta[1]"]), res.convergence_flag, r.size, "GARCH(1,1)-t"
    )
    mu, omega, nu = (_significant(float(prm[name]), digits) for name in ("mu", "omega", "nu"))
    alpha, beta = (float(prm[name]) for name in ("alpha[1]", "beta[1]"))
    if digits is not None:  # fractions in [0, 1]: decimals, so that a 1e-17 beta is 0
        alpha, beta = round(alpha, digits), round(beta, digits)
    if digits is None:
        resid = np.asarray(res.resid, dtype=np.float64)
        s2 = np.asarray(res.conditional_volatility, dtype=np.float64) ** 2
    else:  # filter again with the rounded parameters (a plain IEEE recursion, same everywhere)
        resid = 100.0 * r - mu
        s2 = np.empty(r.size)
        prev = float(np.mean(resid**2))
        for t in range(r.size):
            s2[t] = prev
            prev = omega + alpha * resid[t] ** 2 + beta * prev
    next_var = (omega + alpha * resid**2 + beta * s2) / 1e4
    params = pd.Series(
        {
            "mu": mu / 100.0,
            "omega": omega / 1e4,
            "alpha": alpha,
            "beta": beta,
            "nu": nu,
            "sigma2_last": float(next_var[-1]),
            "persistence": alpha + beta,
        },
        name="garch_t",
    )
    return params, next_var


_REQUIRED = {
    "normal": ("mu", "sigma"),
    "student_t": ("mu", "scale", "nu"),
    "garch_t": ("mu", "omega", "alpha", "beta", "nu", "sigma2_last"),
}


def _simulate_chunk(
    model: str,
    prm: Mapping[str, float],
    n: int,
    steps: int,
    rng: np.random.Generator,
    initial_variance: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray | float]:
    """Per-bar log returns (n, steps) and each bar's diffusion variance (array or scalar).

    Student-t draws are generated as normal variance mixtures, :math:`t_\\nu = Z/\\sqrt{W}`
    with :math:`W \\sim \\chi^2_\\nu/\\nu`, so every bar is a Brownian increment with a known
    variance, which the Brownian-bridge monitoring uses.
    """
    if model == "normal":
        sig = prm["sigma"]
        return prm["mu"] + sig * rng.standard_normal((n, steps)), sig * sig
    nu = prm["nu"]
    z = rng.standard_normal((n, steps))
    w = rng.chisquare(nu, size=(n, steps)) / nu
    if model == "student_t":
        var = prm["scale"] ** 2 / w
        return prm["mu"] + np.sqrt(var) * z, var
    unit2 = (nu - 2.0) / nu / w  # variance of the unit-variance t draw given its mixing
    out = np.empty((n, steps))
    var = np.empty((n, steps))
    if initial_variance is None:
        s2 = np.full(n, prm["sigma2_last"])
    else:
        s2 = initial_variance[rng.integers(0, initial_variance.size, n)]
    omega, alpha, beta = prm["omega"], prm["alpha"], prm["beta"]
    for k in range(steps):
        v = s2 * unit2[:, k]
        eps = np.sqrt(v) * z[:, k]
        out[:, k] = eps
        var[:, k] = v
        s2 = omega + alpha * eps * eps + beta * s2
    out += prm["mu"]
    return out, var


#: Bars whose Brownian-bridge crossing exponent exceeds this are skipped (exp(-40) = 4e-18).
_BRIDGE_CUTOFF = 40.0


def _bridge_accumulate(
    level: np.ndarray,
    var: np.ndarray | float,
    barriers: np.ndarray,
    horizons: np.ndarray,
    sums: np.ndarray,
    sumsq: np.ndarray,
) -> None:
    """Add, per (barrier, horizon), the sum and sum of squares over paths of the conditional
    probability that a Brownian bridge between bar closes crossed the barrier.

    ``level`` (n, H) holds the oriented log price after each bar (start 0, barrier below).
    Only bars that can matter are visited: a bar whose crossing exponent
    :math:`2(X_{k-1}-b)(X_k-b)/v_k` exceeds the cut-off, i.e. whose barrier is below
    :math:`b^*_k = \\tfrac12\\bigl(X_{k-1}+X_k-\\sqrt{(X_{k-1}-X_k)^2+2cv_k}\\bigr)`, or that
    comes after the path already closed below the barrier, is skipped, which makes the work
    proportional to the bars near each barrier rather than to paths x bars x barriers.
    """
    n, steps = level.shape
    prev = np.empty_like(level)
    prev[:, 0] = 0.0
    prev[:, 1:] = level[:, :-1]
    v = np.broadcast_to(var, level.shape)
    bstar = prev + level
    bstar -= np.sqrt((prev - level) ** 2 + 2.0 * _BRIDGE_CUTOFF * v)
    bstar *= 0.5
    low_before = np.minimum.accumulate(prev, axis=1)
    for j, b in enumerate(barriers):
        if b >= 0.0:  # barrier at or above the entry: liquidated at once
            sums[j] += n
            sumsq[j] += n
            continue
        if not np.isfinite(b):
            continue  # barrier at zero price: never reached
        rows, cols = np.nonzero((bstar < b) & (low_before > b))
        a = prev[rows, cols] - b
        c = level[rows, cols] - b
        hard = c <= 0.0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_stay = np.log1p(-np.exp(-2.0 * a * c / v[rows, cols]))
        log_stay[hard] = 0.0
        first_hard = np.full(n, steps, dtype=np.int64)
        first_hard[rows[hard]] = cols[hard]
        for i, h in enumerate(horizons):
            sel = cols < h
            log_sum = np.bincount(rows[sel], weights=log_stay[sel], minlength=n)
            y = np.where(first_hard < h, 1.0, -np.expm1(log_sum))
            sums[j, i] += y.sum()
            sumsq[j, i] += (y * y).sum()


@dataclass(frozen=True, slots=True)
class MonteCarloLiquidation:
    """Monte Carlo probability of liquidation, leverage x horizon.

    Attributes
    ----------
    liquidation_prob : pandas.DataFrame
        Fraction of simulated paths liquidated within each horizon (rows leverage, columns
        horizon in bars).
    std_error : pandas.DataFrame
        Monte Carlo standard error of ``liquidation_prob`` (see :func:`simulate_liquidation`).
    params : pandas.Series
        Per-bar model parameters used.
    model : str
    monitoring : str
        ``"bridge"`` or ``"close"`` (see :func:`simulate_liquidation`).
    n_paths : int
    seed : int or None
    side : str
    maintenance_margin_rate : float
    funding_rate : float
        Per bar, fraction of notional paid by longs.
    elapsed : float
        Wall time of the simulation, seconds.
    """

    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    params: pd.Series
    model: str
    monitoring: str
    n_paths: int
    seed: int | None
    side: str
    maintenance_margin_rate: float
    funding_rate: float
    elapsed: float

    @property
    def paths_per_second(self) -> float:
        """Simulated paths per second of wall time."""
        return self.n_paths / self.elapsed if self.elapsed > 0 else float("inf")

    @property
    def surv_prob(self) -> pd.DataFrame:
        """``1 - liquidation_prob``."""
        return 1.0 - self.liquidation_prob

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal-approximation confidence interval, long format with ``lower``/``upper``."""
        from scipy import stats

        z = float(stats.norm.ppf(1.0 - alpha / 2.0))
        p = self.liquidation_prob.stack()
        se = self.std_error.stack()
        return pd.DataFrame({"lower": (p - z * se).clip(0, 1), "upper": (p + z * se).clip(0, 1)})

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (leverage, horizon) with probability, std_error, CI."""
        out = pd.DataFrame(
            {
                "liquidation_prob": self.liquidation_prob.stack(),
                "std_error": self.std_error.stack(),
            }
        )
        return out.join(self.conf_int())

    def summary(self) -> pd.DataFrame:
        """Same as :meth:`to_frame`."""
        return self.to_frame()

    def _repr_html_(self) -> str:
        head = (
            f"<p>Monte Carlo liquidation probability: model {self.model}, {self.monitoring} "
            f"monitoring, {self.n_paths:,} paths, "
            f"seed {self.seed}, {self.side}, m={self.maintenance_margin_rate:g}</p>"
        )
        return head + self.liquidation_prob.to_html(float_format="{:.4f}".format)

    def chart(self, title: str | None = None) -> alt.Chart:
        """Probability of liquidation against leverage, one line per horizon (altair)."""
        require("altair", "charts")
        import altair as alt

        df = self.to_frame().reset_index()
        base = alt.Chart(
            df, title=title or f"Monte Carlo ({self.model}) liquidation probability", width=460
        )
        line = base.mark_line(point=True).encode(
            x=alt.X("leverage:Q", title="leverage (x)", scale=alt.Scale(type="log")),
            y=alt.Y("liquidation_prob:Q", title="probability of liquidation"),
            color=alt.Color("horizon:O", title="horizon (bars)"),
        )
        band = base.mark_area(opacity=0.2).encode(
            x="leverage:Q", y="lower:Q", y2="upper:Q", color="horizon:O"
        )
        return band + line


def simulate_liquidation(
    leverage: Any,
    horizon: Any,
    returns: Any = None,
    *,
    model: str = "garch_t",
    params: Mapping[str, float] | None = None,
    n_paths: int = 20_000,
    chunk_size: int = 5_000,
    seed: int | None = None,
    progress: bool = False,
    monitoring: str = "bridge",
    initial_variance: Any = None,
    funding_rate: float = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> MonteCarloLiquidation:
    """Monte Carlo probability that an isolated position is liquidated within each horizon.

    Parameters
    ----------
    leverage : float or sequence of float
        Leverages, > 0.
    horizon : int or sequence of int
        Horizons in bars, >= 1 (a bar is the sampling interval of ``returns``).
    returns : array-like or pandas.Series, optional
        Per-bar log returns to fit the model on (see :func:`fit_return_model`). Required unless
        ``params`` is given.
    model : {"normal", "student_t", "garch_t"}
        Return model; default GARCH(1,1) with Student-t innovations.
    params : mapping, optional
        Per-bar model parameters (keys as returned by :func:`fit_return_model`); skips fitting.
    n_paths : int
        Number of simulated paths, >= 1.
    chunk_size : int
        Paths simulated at once; peak memory is about ``chunk_size * max(horizon) * 64`` bytes
        (23 MB for 5,000 paths of 720 bars, plus the sparse bridge terms).
    seed : int, optional
        Seed of :func:`numpy.random.default_rng`; the same seed and ``chunk_size`` give the same
        result.
    progress : bool
        Show a :mod:`tqdm` progress bar over chunks.
    monitoring : {"bridge", "close"}
        ``"bridge"`` (default): the barrier is watched continuously, the path between two
        closes being a Brownian bridge with that bar's variance (comparable with intrabar lows and
        with the continuous GBM formula). ``"close"``: only bar closes are checked.
    funding_rate : float
        Funding per bar paid by longs, fraction of notional, applied as a drift of the price
        seen by the margin (see :func:`liquidation_probability_gbm`).
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    MonteCarloLiquidation

    Raises
    ------
    ValueError
        For invalid arguments, missing parameters, or neither ``returns`` nor ``params``.

    See Also
    --------
    fit_return_model, liquidation_probability_gbm, historical_survival

    Notes
    -----
    Each path is :math:`X_k = \\sum_{i\\le k}(r_i - f)`, :math:`k = 1..H`, with :math:`r_i` drawn
    from the model, :math:`f` the funding per bar and :math:`X_0 = 0`. Student-t bars are drawn
    as normal variance mixtures, so bar :math:`k` is a Brownian increment with a known variance
    :math:`v_k` (:math:`\\sigma^2` for the normal model). A long's barrier is
    :math:`b = \\ln\\frac{1-1/L}{1-m}` (a short uses :math:`-X` and
    :math:`b = -\\ln\\frac{1+1/L}{1+m}`). With ``monitoring="close"`` path :math:`j` scores
    :math:`Y_j = \\mathbf 1\\{\\min_{k\\le h} X_k \\le b\\}`; with ``"bridge"`` it scores the
    exact conditional probability that the Brownian bridge between closes crossed :math:`b`,

    .. math::

        Y_j = 1 - \\prod_{k\\le h}\\Bigl(1 - \\exp\\Bigl(-\\frac{2(X_{k-1}-b)^+(X_k-b)^+}
        {v_k}\\Bigr)\\Bigr),

    which is 1 once a close is at or below :math:`b`. The estimate and its Monte Carlo standard
    error are

    .. math::

        \\hat p = \\frac1n\\sum_{j=1}^n Y_j,\\qquad
        \\mathrm{se}(\\hat p) = \\sqrt{\\Bigl(\\frac1n\\sum_j Y_j^2 - \\hat p^2\\Bigr)/n},

    the binomial :math:`\\sqrt{\\hat p(1-\\hat p)/n}` for close monitoring and smaller for the
    bridge (conditioning reduces variance). Close monitoring underestimates the continuous
    probability; for Gaussian steps the Broadie-Glasserman-Kou shift of the barrier by
    :math:`0.5826\\,\\sigma` relates the two.

    References
    ----------
    M. Broadie, P. Glasserman and S. Kou (1997), "A continuity correction for discrete barrier
    options", Mathematical Finance 7(4), 325-349, doi:10.1111/1467-9965.00035.
    P. Glasserman (2004), *Monte Carlo Methods in Financial Engineering*, Springer, section 6.4
    (Brownian-bridge crossing probability), doi:10.1007/978-0-387-21617-1.

    Examples
    --------
    >>> res = simulate_liquidation([10, 100], 24, model="normal",
    ...                            params={"mu": 0.0, "sigma": 0.01}, n_paths=2000, seed=1)
    >>> bool(res.liquidation_prob.loc[100.0, 24] > res.liquidation_prob.loc[10.0, 24])
    True
    """
    check_option(model, "model", _MODELS)
    check_option(monitoring, "monitoring", ("bridge", "close"))
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    f = float(as_float_array(funding_rate, "funding_rate"))
    for name, val in (("n_paths", n_paths), ("chunk_size", chunk_size)):
        if not isinstance(val, int | np.integer) or isinstance(val, bool):
            raise TypeError(f"{name} must be an integer; got {type(val).__name__} {val!r}")
        if val < 1:
            raise ValueError(f"{name} must be >= 1; got {val}")
    if params is None:
        if returns is None:
            raise ValueError("simulate_liquidation needs returns to fit, or params; got neither")
        prm = fit_return_model(returns, model)
    else:
        missing = [k for k in _REQUIRED[model] if k not in params]
        if missing:
            raise ValueError(
                f"params for model {model!r} must contain {list(_REQUIRED[model])}; "
                f"missing {missing}"
            )
        prm = pd.Series({k: float(params[k]) for k in _REQUIRED[model]}, name=model)
    if model == "garch_t" and prm["nu"] <= 2.0:
        raise ValueError(f"params nu must be > 2 for garch_t (unit-variance t); got {prm['nu']}")
    if model == "student_t" and prm["nu"] <= 0.0:
        raise ValueError(f"params nu must be > 0; got {prm['nu']}")
    init_var = None
    if initial_variance is not None:
        if model != "garch_t":
            raise ValueError(
                f"initial_variance applies to model 'garch_t' only; got model {model!r}"
            )
        init_var = np.atleast_1d(as_float_array(initial_variance, "initial_variance"))
        if init_var.ndim != 1 or init_var.size == 0:
            raise ValueError(
                f"initial_variance must be a non-empty 1-D array; got shape {init_var.shape}"
            )
        check_positive(init_var, "initial_variance")
    barrier = _log_barrier(levs, sign, m)  # oriented: hit when sign * X <= barrier
    steps = int(hz.max())
    rng = np.random.default_rng(seed)
    sums = np.zeros((levs.size, hz.size))
    sumsq = np.zeros((levs.size, hz.size))
    n_chunks = -(-n_paths // chunk_size)
    chunks = range(n_chunks)
    if progress:
        from tqdm.auto import tqdm

        chunks = tqdm(chunks, desc="paths", unit="chunk")
    t0 = time.perf_counter()
    prm_map = {str(k): float(v) for k, v in prm.items()}
    for c in chunks:
        size = min(chunk_size, n_paths - c * chunk_size)
        x, var = _simulate_chunk(model, prm_map, size, steps, rng, init_var)
        if f:
            x -= f
        np.cumsum(x, axis=1, out=x)
        if sign < 0:
            np.negative(x, out=x)
        if monitoring == "bridge":
            _bridge_accumulate(x, var, barrier, hz, sums, sumsq)
        else:
            np.minimum.accumulate(x, axis=1, out=x)
            hit = (x[:, hz - 1][:, None, :] <= barrier[None, :, None]).sum(axis=0)
            sums += hit
            sumsq += hit
    elapsed = time.perf_counter() - t0
    p = sums / n_paths
    var_hat = np.maximum(sumsq / n_paths - p * p, 0.0)
    se = np.sqrt(var_hat / n_paths)
    ridx = pd.Index(levs, name="leverage")
    cidx = pd.Index(hz, name="horizon")
    logger.debug("simulated %d paths x %d bars in %.3f s", n_paths, steps, elapsed)
    return MonteCarloLiquidation(
        liquidation_prob=pd.DataFrame(p, index=ridx, columns=cidx),
        std_error=pd.DataFrame(se, index=ridx, columns=cidx),
        params=prm,
        model=model,
        monitoring=monitoring,
        n_paths=int(n_paths),
        seed=seed,
        side=side,
        maintenance_margin_rate=m,
        funding_rate=f,
        elapsed=elapsed,
    )


# --------------------------------------------------------------------------------------------
# the three estimates side by side
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiquidationEstimates:
    """Historical, analytic (GBM) and Monte Carlo liquidation probabilities side by side.

    Attributes
    ----------
    liquidation_prob : pandas.DataFrame
        Index ``(leverage, horizon)``; columns ``historical``, ``gbm`` and one per Monte Carlo
        model (``student_t``, ``garch_t``, ``normal``).
    std_error : pandas.DataFrame
        Monte Carlo standard errors (same index, one column per model) and the Greenwood
        standard error of ``historical`` (understated, overlapping entries).
    volatility : float
        Per-bar standard deviation of close-to-close log returns used by the GBM formula.
    drift : float
        Per-bar arithmetic drift used by the GBM formula (mean log return + volatility**2 / 2).
    params : pandas.DataFrame
        Fitted per-bar parameters of each Monte Carlo model (one column per model).
    nobs : int
        Number of bars.
    side : str
    maintenance_margin_rate : float
    """

    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    volatility: float
    drift: float
    params: pd.DataFrame
    nobs: int
    side: str
    maintenance_margin_rate: float

    def gap(self, reference: str = "historical") -> pd.DataFrame:
        """Each estimate minus ``reference`` (probability points; positive = overstates)."""
        if reference not in self.liquidation_prob.columns:
            raise ValueError(
                f"reference must be one of {tuple(self.liquidation_prob.columns)}; "
                f"got {reference!r}"
            )
        other = self.liquidation_prob.drop(columns=reference)
        return other.sub(self.liquidation_prob[reference], axis=0)

    def compare(
        self, model: str = "gbm", *, reference: str = "historical", min_prob: float = 0.0
    ) -> pd.DataFrame:
        """Two estimates side by side with their ratio ``reference / model``.

        Parameters
        ----------
        model : str
            Column of :attr:`liquidation_prob` to judge (``"gbm"``, ``"student_t"``, ...).
        reference : str
            Column taken as the truth; default ``"historical"``.
        min_prob : float
            The ratio is NaN where the model's probability is below ``min_prob`` (a fraction in
            [0, 1]): a ratio of two near-zero probabilities says little. Default 0.

        Returns
        -------
        pandas.DataFrame
            Index ``(leverage, horizon)``; columns ``reference``, ``model`` and ``ratio``. A ratio
            above 1 means the model understated the risk that materialised.

        Raises
        ------
        ValueError
            If ``model`` or ``reference`` is not a column, or ``min_prob`` is outside [0, 1].

        See Also
        --------
        gap : the difference instead of the ratio.

        Examples
        --------
        >>> idx = pd.MultiIndex.from_tuples([(2, 30), (10, 1)], names=["leverage", "horizon"])
        >>> est = LiquidationEstimates(
        ...     pd.DataFrame({"historical": [0.02, 0.10], "gbm": [0.0005, 0.05]}, index=idx),
        ...     pd.DataFrame(index=idx), 0.03, 0.0, pd.DataFrame(), 100, "long", 0.005)
        >>> est.compare(min_prob=0.001)["ratio"].tolist()
        [nan, 2.0]
        """
        cols = tuple(self.liquidation_prob.columns)
        check_option(model, "model", cols)
        check_option(reference, "reference", cols)
        check_range(as_float_array(min_prob, "min_prob"), "min_prob", 0.0, 1.0)
        ref = self.liquidation_prob[reference]
        mod = self.liquidation_prob[model]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (ref / mod).where(mod >= min_prob)
        return pd.DataFrame({reference: ref, model: mod, "ratio": ratio})

    def standardized_distance(self) -> pd.Series:
        """Distance to liquidation in standard deviations of the horizon's log return.

        Returns
        -------
        pandas.Series
            Index ``(leverage, horizon)``; :math:`z = |b| / (\\sigma\\sqrt{h})`, infinite where
            the position cannot be liquidated (a long at 1x or less).

        Notes
        -----
        With :math:`b = \\ln\\frac{1-1/L}{1-m}` the log distance from the entry to a long's
        liquidation price (:math:`\\ln\\frac{1+1/L}{1+m}` for a short), :math:`\\sigma` the
        per-bar volatility of :attr:`volatility` and :math:`h` the horizon in bars. It is the
        yardstick of the normal model: about 2 or more and a normal model understates fat-tailed
        risk, about 1 and it tends to overstate it.

        Examples
        --------
        A 10x long (m = 0.005) at 3 % a bar over one bar: :math:`-\\ln(0.9/0.995)/0.03 = 3.34`.

        >>> idx = pd.MultiIndex.from_tuples([(10, 1)], names=["leverage", "horizon"])
        >>> est = LiquidationEstimates(
        ...     pd.DataFrame({"historical": [0.1]}, index=idx), pd.DataFrame(index=idx),
        ...     0.03, 0.0, pd.DataFrame(), 100, "long", 0.005)
        >>> round(float(est.standardized_distance().iloc[0]), 2)
        3.34
        """
        idx = self.liquidation_prob.index
        lev = idx.get_level_values("leverage").to_numpy(dtype=float)
        hor = idx.get_level_values("horizon").to_numpy(dtype=float)
        b = _log_barrier(lev, _side(self.side), self.maintenance_margin_rate)
        return pd.Series(-b / (self.volatility * np.sqrt(hor)), index=idx, name="z")

    def summary(self) -> pd.DataFrame:
        """Probabilities per method and the gap of every model to the historical estimate."""
        gap = self.gap().add_prefix("gap_")
        return self.liquidation_prob.join(gap)

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (leverage, horizon, method)."""
        prob = self.liquidation_prob.rename_axis(columns="method").stack()
        se = self.std_error.rename_axis(columns="method").stack()
        return pd.DataFrame({"liquidation_prob": prob, "std_error": se})

    def _repr_html_(self) -> str:
        head = (
            f"<p>Liquidation probability, {self.side}, m={self.maintenance_margin_rate:g}, "
            f"{self.nobs:,} bars; GBM volatility {self.volatility:.4g} per bar</p>"
        )
        return head + self.summary().to_html(float_format="{:.4f}".format)

    def chart(
        self,
        title: str | None = None,
        *,
        log_y: bool = False,
        horizon_title: str = "horizon (bars)",
        width: int | None = None,
    ) -> alt.FacetChart:
        """Probability against leverage, one line per method, one panel per horizon (altair).

        Parameters
        ----------
        title : str, optional
            Chart title.
        log_y : bool
            Logarithmic probability axis from 1e-4 to 1, which shows the low-leverage tail
            where the estimates differ by orders of magnitude; probabilities below 1e-4
            (including zeros) are left out.
        horizon_title : str
            Title above the panels (e.g. ``"horizon (days)"``).
        width : int, optional
            Width of each panel in px; default ``max(120, 450 // n_horizons)`` so that the
            whole chart stays within about 520 px.

        Returns
        -------
        altair.FacetChart
        """
        require("altair", "charts")
        import altair as alt

        names = {
            "historical": "historical",
            "gbm": "GBM formula",
            "student_t": "Student-t MC",
            "garch_t": "GARCH-t MC",
            "normal": "normal MC",
        }
        palette = {
            "historical": "#222222",
            "gbm": "#d62728",
            "student_t": "#ff7f0e",
            "garch_t": "#1f77b4",
            "normal": "#9467bd",
        }
        methods = list(self.liquidation_prob.columns)
        df = self.to_frame().reset_index()
        df["method"] = df["method"].map(lambda m: names.get(m, m))
        if log_y:
            df = df[df["liquidation_prob"] >= 1e-4]
            y_scale = alt.Scale(type="log", domain=[1e-4, 1])
        else:
            y_scale = alt.Scale(domain=[0, 1])
        n_h = max(1, self.liquidation_prob.index.get_level_values("horizon").nunique())
        levs = sorted(set(self.liquidation_prob.index.get_level_values("leverage")))
        color = alt.Color(
            "method:N",
            title="estimate",
            scale=alt.Scale(
                domain=[names.get(m, m) for m in methods],
                range=[palette.get(m, "#7f7f7f") for m in methods],
            ),
            legend=alt.Legend(orient="bottom"),
        )
        return (
            alt.Chart(df, width=width or max(120, 450 // n_h), height=220)
            .mark_line(point=True)
            .encode(
                x=alt.X(
                    "leverage:Q",
                    title="leverage (x)",
                    scale=alt.Scale(type="log"),
                    axis=alt.Axis(values=levs, labelOverlap="greedy", format="~g"),
                ),
                y=alt.Y(
                    "liquidation_prob:Q",
                    title="probability of liquidation",
                    scale=y_scale,
                    axis=alt.Axis(format="~%" if not log_y else "~g"),
                ),
                color=color,
                tooltip=[
                    "leverage",
                    "horizon",
                    "method",
                    alt.Tooltip("liquidation_prob:Q", format=".4f"),
                ],
            )
            .facet(column=alt.Column("horizon:O", title=horizon_title))
            .properties(
                title=title or f"Three estimates of the liquidation probability ({self.side})"
            )
        )


def liquidation_estimates(
    ohlc: pd.DataFrame,
    leverage: Any,
    horizon: Any,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    models: tuple[str, ...] = ("student_t", "garch_t"),
    n_paths: int = 20_000,
    chunk_size: int = 5_000,
    seed: int | None = None,
    progress: bool = False,
    param_digits: int | None = None,
) -> LiquidationEstimates:
    """The three estimates of the liquidation probability on one OHLC frame, side by side.

    Parameters
    ----------
    ohlc : pandas.DataFrame
        Bars ordered in time with columns ``high``, ``low``, ``close`` (price units, > 0);
        positions are entered at each close.
    leverage : float or sequence of float
        Leverages, > 0.
    horizon : int or sequence of int
        Horizons in bars, >= 1.
    side : {"long", "short"}
        Direction of the positions.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    models : tuple of str
        Monte Carlo models fitted to the close-to-close log returns (see
        :func:`fit_return_model`); empty for none.
    n_paths, chunk_size, seed, progress
        Passed to :func:`simulate_liquidation` (bridge monitoring).
    param_digits : int, optional
        Round the fitted model parameters to this many significant digits before simulating
        (see ``digits`` of :func:`fit_return_model`): the simulation then depends only on the
        rounded parameters and gives the same numbers on every machine. Default: no rounding.

    Returns
    -------
    LiquidationEstimates

    Raises
    ------
    TypeError
        If ``ohlc`` is not a DataFrame.
    ValueError
        If a column is missing or the inputs are invalid.

    See Also
    --------
    historical_survival, liquidation_probability_gbm, simulate_liquidation

    Notes
    -----
    With :math:`r_t = \\ln(C_t/C_{t-1})` the close-to-close log returns, the GBM column uses
    :math:`\\sigma = \\operatorname{sd}(r)` and :math:`\\mu = \\bar r + \\sigma^2/2` per bar in
    :func:`liquidation_probability_gbm`; the historical column is
    :math:`1 - \\hat S_L(h)` from :func:`historical_survival`; the Monte Carlo columns come from
    :func:`simulate_liquidation` with each model fitted on :math:`r`. GARCH paths start from the
    conditional variance of a randomly drawn historical entry bar (the fitted one-step-ahead
    variance; the sample variance for the first bar), so that, like the historical column, they
    average over the market states of the sample rather than forecast from its last bar.
    Funding is ignored by all three, so they are comparable.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 400)))
    >>> bars = pd.DataFrame({"high": close * 1.01, "low": close * 0.99, "close": close})
    >>> est = liquidation_estimates(bars, [5, 50], [1, 10], models=("normal",), n_paths=500,
    ...                             seed=0)
    >>> list(est.liquidation_prob.columns)
    ['historical', 'gbm', 'normal']
    """
    if not isinstance(ohlc, pd.DataFrame):
        raise TypeError(f"ohlc must be a pandas DataFrame; got {type(ohlc).__name__}")
    missing = [c for c in ("high", "low", "close") if c not in ohlc.columns]
    if missing:
        raise ValueError(
            f"ohlc must have columns 'high', 'low', 'close'; missing {missing} "
            f"(columns are {list(ohlc.columns)})"
        )
    for model in models:
        check_option(model, "models", _MODELS)
    m = _mmr(maintenance_margin_rate)
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    hist = historical_survival(ohlc["high"], ohlc["low"], ohlc["close"], levs, hz, side, m)
    close = as_float_array(ohlc["close"], "close")
    r = np.diff(np.log(close))
    if r.size < 2:
        raise InsufficientDataError(f"liquidation_estimates needs >= 3 bars; got {close.size}")
    sigma = float(r.std(ddof=1))
    drift = float(r.mean()) + 0.5 * sigma**2
    index = pd.MultiIndex.from_product([levs, hz], names=["leverage", "horizon"])
    prob = {"historical": hist.liquidation_prob.to_numpy().ravel()}
    se = {"historical": hist.surv_prob_se.to_numpy().ravel()}
    prob["gbm"] = np.asarray(
        liquidation_probability_gbm(
            levs[:, None], hz[None, :].astype(np.float64), sigma, drift,
            side=side, maintenance_margin_rate=m,
        )
    ).ravel()  # fmt: skip
    se["gbm"] = np.zeros(index.size)
    param_digits = _check_digits(param_digits)
    params = {}
    for k, model in enumerate(models):
        init_var = None
        if model == "garch_t":
            if r.size < 30:
                raise InsufficientDataError(
                    f"fit_return_model needs at least 30 returns; got {r.size}"
                )
            prm, next_var = _fit_garch(r, param_digits)
            init_var = np.concatenate([[float(np.var(r, ddof=1))], next_var])
        else:
            prm = fit_return_model(r, model, digits=param_digits)
        prm_map = {str(key): float(val) for key, val in prm.items()}
        mc = simulate_liquidation(
            levs, hz, model=model, params=prm_map, n_paths=n_paths,
            chunk_size=chunk_size, seed=None if seed is None else seed + k, progress=progress,
            initial_variance=init_var, side=side, maintenance_margin_rate=m,
        )  # fmt: skip
        prob[model] = mc.liquidation_prob.to_numpy().ravel()
        se[model] = mc.std_error.to_numpy().ravel()
        params[model] = mc.params
    return LiquidationEstimates(
        liquidation_prob=pd.DataFrame(prob, index=index),
        std_error=pd.DataFrame(se, index=index),
        volatility=sigma,
        drift=drift,
        params=pd.DataFrame(params),
        nobs=int(close.size),
        side=side,
        maintenance_margin_rate=m,
    )
