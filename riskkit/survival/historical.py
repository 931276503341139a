"""Historical time to liquidation: the :math:`O(N \\log N)` scan of real OHLC bars.

:func:`time_to_liquidation` gives the bars until an isolated position opened at every bar is
liquidated (a sparse table of running extrema and a vectorised binary search),
:func:`critical_leverage` the highest leverage each entry survived over a horizon, and
:func:`liquidating_moves` counts the single bars that would have liquidated a position against
the count a normal model expects.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import special

from riskkit._deprecate import renamed_kwargs
from riskkit._validation import as_float_array
from riskkit.exceptions import InsufficientDataError
from riskkit.survival._common import (
    _horizons,
    _leverages,
    _liquidation_ratio,
    _log_barrier,
    _mmr,
    _ohlc,
    _side,
)

if TYPE_CHECKING:  # pragma: no cover
    from riskkit._typing import FloatArray

__all__ = ["critical_leverage", "liquidating_moves", "time_to_liquidation"]


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


@renamed_kwargs(entry="entry_price")
def time_to_liquidation(
    high: Any,
    low: Any,
    entry_price: Any,
    leverage: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Bars until an isolated position opened at each bar is liquidated on historical data.

    A position opened at ``entry_price[t]`` (for instance the close of bar ``t``) with margin =
    notional / ``leverage`` is liquidated on the first later bar whose low (long) or high (short)
    reaches its liquidation price. The scan is :math:`O(N \\log N)`: a sparse table of running
    extrema and a vectorised binary search, not the :math:`O(N H)` loop.

    Parameters
    ----------
    high, low : array-like or pandas.Series of float
        Bar highs and lows, price units (quote currency), > 0, ``low <= high``, equal length
        :math:`N`, ordered in time.
    entry_price : array-like or pandas.Series of float
        Entry price of the position opened at each bar, price units, > 0, length :math:`N`.
        Formerly ``entry`` (deprecated).
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
    h, lo, e, index = _ohlc(high, low, entry_price)
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


@renamed_kwargs(entry="entry_price")
def critical_leverage(
    high: Any,
    low: Any,
    entry_price: Any,
    horizon: int,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> Any:
    """Per entry, the supremum of the leverages that survive the next ``horizon`` bars.

    Parameters
    ----------
    high, low, entry_price : array-like or pandas.Series of float
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
    h, lo, e, index = _ohlc(high, low, entry_price)
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


# --------------------------------------------------------------------------------------------
# one-bar liquidating moves
# --------------------------------------------------------------------------------------------


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
