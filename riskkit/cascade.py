"""Liquidation cascades, price impact, liquidation maps and liquidity spirals.

The loop this module makes measurable: an exogenous price shock pushes some leveraged positions
through their liquidation prices; the venue closes them with market orders; those orders move the
price through the order book; the new price fires more liquidations; and so on until no position
is left between the current price and the next one (a fixed point) or a round bound is reached.

Building blocks, each usable on its own:

* :class:`PositionBook` -- many isolated-margin positions (side, entry price, size, leverage,
  maintenance margin rate), built explicitly or estimated from open interest by
  :func:`book_from_open_interest` (the method behind public "liquidation maps").
* :class:`PriceImpact` -- linear and square-root impact of a signed notional flow on the log
  price, calibrated from order-book depth summaries by :func:`calibrate_impact`.
* :func:`simulate_cascade` -- the fixed-point cascade (sort once, advance with prefix sums), with
  an optional margin spiral (maintenance margin rising with the size of the move);
  :func:`liquidity_spiral` decomposes the move into shock, loss spiral and margin spiral in the
  sense of Brunnermeier & Pedersen (2009).
* :func:`cascade_grid` -- the same cascade over a grid of shocks, depths and margin policies
  (resilience: which mixes turn a modest shock into a crash); :func:`leverage_mix_grid` runs it
  on books re-estimated under several leverage assumptions.
* :func:`liquidation_map` -- notional that would be liquidated at each price level;
  :func:`liquidation_density` -- the same, near the price, at every bar without look-ahead.
* Econometrics on real series: :func:`liquidation_regression` (returns on liquidations with HAC
  standard errors, compared side by side by :func:`regression_table`), :func:`lead_lag` and
  :func:`liquidation_hunting_test`.
* Event summaries: :func:`open_interest_drop` (open interest lost in a crash against reported
  liquidations) and :func:`liquidations_by_asset` (on-chain liquidation events per period and
  collateral).

The liquidation price used here is the isolated-margin linear-contract price without fees,
:math:`E(1 - 1/L)/(1 - m)` for a long and :math:`E(1 + 1/L)/(1 + m)` for a short; it lives in one
private function (:func:`_isolated_liquidation_price`) so that venue-exact formulas (tiers, fees,
cross margin) can replace it in one place.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._typing import FloatArray
from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
    side_sign,
)
from riskkit.exceptions import InsufficientDataError, RiskkitWarning

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "CascadeBoundWarning",
    "CascadeResult",
    "HuntingTestResult",
    "ImpactCalibration",
    "LeadLagResult",
    "LiquidationMap",
    "LiquidationRegression",
    "LiquiditySpiralResult",
    "PositionBook",
    "PriceImpact",
    "book_from_open_interest",
    "calibrate_impact",
    "cascade_grid",
    "cascade_heatmap",
    "critical_depth",
    "lead_lag",
    "leverage_mix_grid",
    "liquidation_density",
    "liquidation_hunting_test",
    "liquidation_map",
    "liquidation_regression",
    "liquidations_by_asset",
    "liquidity_spiral",
    "open_interest_drop",
    "regression_table",
    "simulate_cascade",
]

logger = logging.getLogger(__name__)

IMPACT_MODELS: tuple[str, ...] = ("linear", "sqrt")


class CascadeBoundWarning(RiskkitWarning):
    """A cascade stopped at ``max_rounds`` before reaching a fixed point; raise ``max_rounds``."""


# --------------------------------------------------------------------------------------------
# liquidation price (local; to be replaced by riskkit.liquidation's general formula)
# --------------------------------------------------------------------------------------------


def _isolated_liquidation_price(
    sign: FloatArray, entry_price: FloatArray, leverage: FloatArray, mmr: FloatArray
) -> FloatArray:
    """Isolated-margin liquidation price of a linear contract, no fees (vectorised).

    ``E(1 - 1/L)/(1 - m)`` for longs (sign +1), ``E(1 + 1/L)/(1 + m)`` for shorts (sign -1).
    """
    return entry_price * (1.0 - sign / leverage) / (1.0 - sign * mmr)


def _liquidation_key(sign: FloatArray, entry_price: FloatArray, leverage: FloatArray) -> FloatArray:
    """Numerator ``E(1 - s/L)`` of the liquidation price: the sort key that does not move with m."""
    return entry_price * (1.0 - sign / leverage)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _html(df: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + df.to_html(float_format=lambda v: f"{v:,.6g}")


def _scalar(x: Any, name: str) -> float:
    arr = as_float_array(x, name)
    if arr.ndim != 0:
        raise TypeError(f"{name} must be a scalar; got an array of shape {arr.shape}")
    return float(arr)


def _frozen(a: Any) -> Any:
    """A C-contiguous read-only copy of ``a``."""
    out = np.array(a, copy=True, order="C")
    out.flags.writeable = False
    return out


def _fast_side_sign(side: Any) -> FloatArray:
    """``side_sign`` with a vectorised path for numpy string arrays (large books)."""
    if isinstance(side, np.ndarray) and side.dtype.kind == "U":
        is_long = side == "long"
        bad = ~(is_long | (side == "short"))
        if bad.any():
            side_sign(side[bad][:5], "side")  # raises the standard message
        return np.atleast_1d(np.where(is_long, 1.0, -1.0))
    return np.atleast_1d(side_sign(side, "side")).astype(np.float64)


def _arr(x: Any, name: str) -> FloatArray:
    """A scalar argument as a 0-d float array (for the range checks)."""
    return np.asarray(_scalar(x, name), dtype=np.float64)


def _newey_west_lags(nobs: int) -> int:
    """Newey & West (1994) automatic lag: floor(4 (n/100)^(2/9))."""
    return math.floor(4.0 * (nobs / 100.0) ** (2.0 / 9.0))


def _as_series(x: Any, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise TypeError(f"{name} must be a pandas Series; got {type(x).__name__}")
    as_float_array(x, name, allow_nan=True)
    return x.astype(np.float64)


# --------------------------------------------------------------------------------------------
# position book
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PositionBook:
    """A book of isolated-margin positions in one linear perpetual.

    Parameters
    ----------
    side : str or array of str
        ``"long"`` or ``"short"`` per position (broadcast).
    entry_price : array_like
        Entry price, quote currency per unit of the base asset (e.g. USD per BTC); > 0.
    size : array_like
        Position size in units of the base asset (e.g. BTC); > 0. Notional is ``size * price``.
    leverage : array_like
        Initial leverage :math:`L` = entry notional / initial margin, dimensionless; >= 1.
    maintenance_margin_rate : array_like, default 0.005
        Maintenance margin rate :math:`m` as a fraction of notional, in [0, 1).
    opened_at : array_like, optional
        When each position was opened (any array of the same length, e.g. datetime64); kept as
        provenance for estimated books, not used in computations.

    Attributes
    ----------
    sign : ndarray
        +1.0 for longs, -1.0 for shorts (the ``side`` argument is stored in this form).
    liquidation_price : ndarray
        Isolated-margin liquidation price of each position (see Notes).

    Raises
    ------
    ValueError
        If a side is not ``"long"``/``"short"``, a price or size is not > 0, a leverage is below
        1, a maintenance margin rate is outside [0, 1), or the arrays do not broadcast.

    See Also
    --------
    book_from_open_interest : estimate a book from open-interest changes.
    simulate_cascade : run a liquidation cascade on a book.
    liquidation_map : notional liquidated at each price level.

    Notes
    -----
    A position of size :math:`q` entered at :math:`E` with leverage :math:`L` posts margin
    :math:`qE/L`. It is liquidated when its equity falls to the maintenance requirement
    :math:`m q P`:

    .. math::

        P^{\\text{liq}}_{\\text{long}} = \\frac{E (1 - 1/L)}{1 - m}, \\qquad
        P^{\\text{liq}}_{\\text{short}} = \\frac{E (1 + 1/L)}{1 + m},

    with :math:`E` the entry price, :math:`L` the leverage and :math:`m` the maintenance margin
    rate. Fees, tiered maintenance rates and cross margin are ignored (they move the
    liquidation price by a few basis points to a few percent; see :mod:`riskkit.liquidation`).

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93
    Hyperliquid, "Liquidations",
    https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations
    dYdX, "Liquidations" (isolated liquidation price with a printed short example),
    https://dydx-documentation-six.vercel.app/concepts/trading/liquidations

    Examples
    --------
    >>> book = PositionBook(["long", "short"], entry_price=100.0, size=1.0, leverage=10.0,
    ...                     maintenance_margin_rate=0.0)
    >>> book.liquidation_price
    array([ 90., 110.])
    >>> len(book)
    2
    """

    side: Any
    entry_price: Any
    size: Any
    leverage: Any
    maintenance_margin_rate: Any = 0.005
    opened_at: Any = None
    sign: FloatArray = field(init=False, repr=False)
    liquidation_price: FloatArray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        sign = _fast_side_sign(self.side)
        entry = check_positive(as_float_array(self.entry_price, "entry_price"), "entry_price")
        size = check_positive(as_float_array(self.size, "size"), "size")
        lev = check_range(as_float_array(self.leverage, "leverage"), "leverage", 1.0, None)
        mmr = check_range(
            as_float_array(self.maintenance_margin_rate, "maintenance_margin_rate"),
            "maintenance_margin_rate",
            0.0,
            1.0,
            high_inclusive=False,
        )
        try:
            arrays = np.broadcast_arrays(sign, entry, size, lev, mmr)
        except ValueError:
            shapes = [np.shape(a) for a in (sign, entry, size, lev, mmr)]
            raise ValueError(
                "side, entry_price, size, leverage and maintenance_margin_rate must broadcast "
                f"to one shape; got shapes {shapes}"
            ) from None
        if arrays[0].ndim != 1:
            raise ValueError(f"a PositionBook is one-dimensional; got shape {arrays[0].shape}")
        # private read-only copies: the book cannot change after its liquidation prices are set
        sign, entry, size, lev, mmr = (_frozen(a) for a in arrays)
        if self.opened_at is not None and len(self.opened_at) != sign.shape[0]:
            raise ValueError(
                f"opened_at must have one entry per position ({sign.shape[0]}); "
                f"got {len(self.opened_at)}"
            )
        object.__setattr__(self, "side", _frozen(np.where(sign > 0, "long", "short")))
        object.__setattr__(self, "sign", sign)
        object.__setattr__(self, "entry_price", entry)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "leverage", lev)
        object.__setattr__(self, "maintenance_margin_rate", mmr)
        object.__setattr__(
            self, "liquidation_price", _frozen(_isolated_liquidation_price(sign, entry, lev, mmr))
        )
        if self.opened_at is not None:
            object.__setattr__(self, "opened_at", _frozen(np.asarray(self.opened_at)))

    def __len__(self) -> int:
        return int(self.sign.shape[0])

    @property
    def notional(self) -> FloatArray:
        """Entry notional ``size * entry_price`` (quote currency)."""
        return np.asarray(self.size * self.entry_price, dtype=np.float64)

    @property
    def margin(self) -> FloatArray:
        """Initial margin ``size * entry_price / leverage`` (quote currency)."""
        return np.asarray(self.notional / self.leverage, dtype=np.float64)

    def alive_at(self, price: float) -> np.ndarray:
        """Boolean mask of positions not yet liquidated at ``price`` (quote per base unit)."""
        p = check_positive(_arr(price, "price"), "price")
        return np.asarray(
            np.where(self.sign > 0, self.liquidation_price < p, self.liquidation_price > p),
            dtype=bool,
        )

    def subset(self, mask: Any) -> PositionBook:
        """A new book with the positions selected by a boolean mask or integer index."""
        idx = np.asarray(mask)
        return PositionBook(
            self.side[idx],
            self.entry_price[idx],
            self.size[idx],
            self.leverage[idx],
            self.maintenance_margin_rate[idx],
            None if self.opened_at is None else np.asarray(self.opened_at)[idx],
        )

    @classmethod
    def concat(cls, books: Sequence[PositionBook]) -> PositionBook:
        """One book holding the positions of several (``opened_at`` kept only if all have it)."""
        books = list(books)
        if not books or not all(isinstance(b, PositionBook) for b in books):
            raise TypeError("books must be a non-empty sequence of PositionBook")
        opened = None
        if all(b.opened_at is not None for b in books):
            opened = np.concatenate([np.asarray(b.opened_at) for b in books])
        return cls(
            np.concatenate([b.side for b in books]),
            np.concatenate([b.entry_price for b in books]),
            np.concatenate([b.size for b in books]),
            np.concatenate([b.leverage for b in books]),
            np.concatenate([b.maintenance_margin_rate for b in books]),
            opened,
        )

    def surviving(self, price: float) -> PositionBook:
        """The positions still open at ``price`` (those already past liquidation removed)."""
        return self.subset(self.alive_at(price))

    def to_frame(self) -> pd.DataFrame:
        """One row per position: side, entry_price, size, leverage, rate, liquidation price."""
        out = pd.DataFrame(
            {
                "side": self.side,
                "entry_price": self.entry_price,
                "size": self.size,
                "leverage": self.leverage,
                "maintenance_margin_rate": self.maintenance_margin_rate,
                "liquidation_price": self.liquidation_price,
                "notional": self.notional,
            }
        )
        if self.opened_at is not None:
            out.insert(0, "opened_at", np.asarray(self.opened_at))
        return out

    def summary(self) -> pd.DataFrame:
        """Count, size, entry notional, margin and notional-weighted leverage by side."""
        rows = {}
        for name, s in (("long", 1.0), ("short", -1.0)):
            m = self.sign == s
            notional = float(self.notional[m].sum())
            rows[name] = {
                "positions": int(m.sum()),
                "size": float(self.size[m].sum()),
                "notional": notional,
                "margin": float(self.margin[m].sum()),
                "leverage": notional / float(self.margin[m].sum()) if m.any() else np.nan,
            }
        return pd.DataFrame(rows).T

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"PositionBook: {len(self):,} positions")


@dataclass(frozen=True, slots=True)
class _CohortInputs:
    price: pd.Series
    pv: FloatArray
    lo: FloatArray
    hi: FloatArray
    oi: FloatArray
    alpha: FloatArray
    lev: FloatArray
    w: FloatArray
    mmr: float


def _oi_cohort_inputs(
    price: Any,
    open_interest: Any,
    leverage: Sequence[float],
    leverage_weights: Sequence[float] | None,
    long_share: Any,
    maintenance_margin_rate: Any,
    low: Any,
    high: Any,
    decrease: str,
    open_interest_unit: str,
) -> _CohortInputs:
    """Validate the inputs shared by the open-interest estimators."""
    p = _as_series(price, "price")
    oi = _as_series(open_interest, "open_interest")
    if not p.index.equals(oi.index):
        raise ValueError("price and open_interest must share one index; got different indexes")
    n = p.shape[0]
    if n < 2:
        raise InsufficientDataError(f"book_from_open_interest needs at least 2 bars; got {n}")
    pv = check_positive(as_float_array(p, "price"), "price")
    oiv = check_positive(as_float_array(oi, "open_interest"), "open_interest", strict=False)
    check_option(decrease, "decrease", ("pro_rata", "ignore"))
    check_option(open_interest_unit, "open_interest_unit", ("quote", "base"))
    lev = check_range(as_float_array(list(leverage), "leverage"), "leverage", 1.0, None)
    if lev.ndim != 1 or lev.size == 0:
        raise ValueError(f"leverage must be a non-empty sequence; got {list(leverage)!r}")
    if leverage_weights is None:
        w = np.full(lev.size, 1.0 / lev.size)
    else:
        w = check_positive(
            as_float_array(list(leverage_weights), "leverage_weights"),
            "leverage_weights",
            strict=False,
        )
        if w.shape != lev.shape or w.sum() <= 0:
            raise ValueError(
                "leverage_weights must have one non-negative weight per leverage cohort "
                f"({lev.size}) with a positive sum; got {list(leverage_weights)!r}"
            )
        w = w / w.sum()
    if isinstance(long_share, pd.Series):
        if not long_share.index.equals(p.index):
            raise ValueError("long_share must be on the index of price")
        alpha = as_float_array(long_share, "long_share")
    else:
        alpha = np.full(n, float(check_range(_arr(long_share, "long_share"), "long_share", 0, 1)))
    check_range(alpha, "long_share", 0.0, 1.0)
    mmr = _scalar(maintenance_margin_rate, "maintenance_margin_rate")
    check_range(np.asarray(mmr), "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)

    def _side_series(s: pd.Series | None, name: str) -> FloatArray:
        if s is None:
            return pv
        ser = _as_series(s, name)
        if not ser.index.equals(p.index):
            raise ValueError(f"{name} must be on the index of price")
        return check_positive(as_float_array(ser, name), name)

    lo = _side_series(low, "low")
    hi = _side_series(high, "high")

    return _CohortInputs(p, pv, lo, hi, oiv, alpha, lev, w, float(mmr))


def book_from_open_interest(
    price: pd.Series,
    open_interest: pd.Series,
    *,
    leverage: Sequence[float] = (5.0, 10.0, 25.0, 50.0, 100.0),
    leverage_weights: Sequence[float] | None = None,
    long_share: float | pd.Series = 0.5,
    maintenance_margin_rate: float = 0.005,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    decrease: str = "pro_rata",
    open_interest_unit: str = "quote",
) -> PositionBook:
    """Estimate a position book from open-interest changes (the "liquidation map" method).

    Each bar in which open interest rises is read as new positions opened at that bar's price.
    The increase is split between longs and shorts (``long_share``) and across leverage cohorts
    (``leverage`` with ``leverage_weights``). Falls in open interest close existing positions pro
    rata. A cohort whose liquidation price was crossed by a later bar's low (longs) or high
    (shorts) is removed: it has been liquidated already.

    Parameters
    ----------
    price : pandas.Series
        Bar price (e.g. close), quote per base unit, > 0, indexed by time.
    open_interest : pandas.Series
        Open interest at the end of each bar on the same index, in quote currency (USD) or base
        units (see ``open_interest_unit``); >= 0.
    leverage : sequence of float, default (5, 10, 25, 50, 100)
        Assumed leverage cohorts, each >= 1.
    leverage_weights : sequence of float, optional
        Share of new open interest in each cohort (normalised to sum 1); equal by default.
    long_share : float or pandas.Series, default 0.5
        Fraction of new open interest attributed to longs, in [0, 1] (a Series on the same index,
        e.g. from taker buy/sell volume, gives one share per bar). Every contract has a long and a
        short side, so 0.5 is the symmetric choice; see Notes.
    maintenance_margin_rate : float, default 0.005
        Maintenance margin rate as a fraction, in [0, 1).
    low, high : pandas.Series, optional
        Bar low and high on the same index, used to remove cohorts already liquidated; the
        price itself is used when omitted.
    decrease : {"pro_rata", "ignore"}, default "pro_rata"
        How a fall in open interest removes estimated positions: scale every open cohort by
        :math:`OI_t / OI_{t-1}`, or keep them (as many public heatmaps do).
    open_interest_unit : {"quote", "base"}, default "quote"
        Unit of ``open_interest``. Quote open interest is divided by ``price`` first, so that a
        price move alone does not count as new positions.

    Returns
    -------
    PositionBook
        One position per (bar with an open-interest increase, side, leverage cohort) still open
        at the last bar, with ``opened_at`` set to the bar's index label.

    Raises
    ------
    TypeError
        If ``price`` or ``open_interest`` is not a Series.
    ValueError
        If the indexes differ, or a value is outside its domain.
    InsufficientDataError
        If fewer than 2 bars are given.

    See Also
    --------
    liquidation_map : aggregate the estimated book by price level.

    Notes
    -----
    With :math:`Q_t` open interest in base units, :math:`\\Delta Q_t^+ = \\max(Q_t - Q_{t-1}, 0)`,
    cohort weight :math:`w_j` and long share :math:`\\alpha_t`, the long cohort opened at bar
    :math:`t` with leverage :math:`L_j` has size

    .. math::

        q_{t,j}^{\\text{long}} = \\alpha_t w_j \\Delta Q_t^+ \\prod_{s=t+1}^{T}
        \\min\\!\\left(1, \\frac{Q_s}{Q_{s-1}}\\right)

    (the product is dropped when ``decrease="ignore"``), entry price :math:`P_t` and the
    isolated liquidation price of :class:`PositionBook`; it is dropped if
    :math:`\\min_{s>t} \\text{low}_s \\le P^{\\text{liq}}`. Shorts use :math:`1-\\alpha_t` and
    the running high.

    Assumptions, stated plainly: (i) open interest is a net stock, so a rise can hide
    simultaneous openings and closings, and a flat series can hide large turnover; (ii) the
    leverage mix, the long share and a single maintenance rate are assumptions, not data;
    (iii) entries happen at the bar price; (iv) closures hit every cohort in proportion. The
    resulting map shows where *estimated* liquidations would start; it is synthetic, like the
    commercial heatmaps it imitates (Coinglass, Hyblock), whose exact models are closed.

    References
    ----------
    Hyblock Capital, "Liquidation Levels",
    https://academy.hyblockcapital.com/tools/liquidation-levels
    Coinglass, liquidation heatmap description, https://www.coinglass.com/de/prime

    Examples
    --------
    >>> idx = pd.RangeIndex(3)
    >>> price = pd.Series([100.0, 100.0, 100.0], index=idx)
    >>> oi = pd.Series([0.0, 1000.0, 1000.0], index=idx)
    >>> book = book_from_open_interest(price, oi, leverage=[10.0],
    ...                                maintenance_margin_rate=0.0)
    >>> book.summary()[["positions", "size"]]
           positions  size
    long         1.0   5.0
    short        1.0   5.0
    >>> book.liquidation_price
    array([ 90., 110.])
    """
    c = _oi_cohort_inputs(
        price,
        open_interest,
        leverage,
        leverage_weights,
        long_share,
        maintenance_margin_rate,
        low,
        high,
        decrease,
        open_interest_unit,
    )
    p, pv, lo, hi, oiv, alpha, lev, w, mmr = (
        c.price,
        c.pv,
        c.lo,
        c.hi,
        c.oi,
        c.alpha,
        c.lev,
        c.w,
        c.mmr,
    )
    q = oiv / pv if open_interest_unit == "quote" else oiv
    dq = np.diff(q)
    bars = np.flatnonzero(dq > 0) + 1  # bar index at which positions were opened
    if decrease == "pro_rata":
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q[:-1] > 0, np.minimum(1.0, q[1:] / q[:-1]), 1.0)
        # survival from bar t to the end = prod_{s>t} ratio_s
        log_r = np.log(np.maximum(ratio, 1e-300))
        tail = np.concatenate([np.cumsum(log_r[::-1])[::-1], [0.0]])  # tail[k] = sum_{s>=k}
        survive = np.exp(tail[bars])  # ratio index s-1 for bar s, so bars > t map to tail[t]
        survive = np.where(np.isfinite(survive), survive, 0.0)
    else:
        survive = np.ones(bars.size)
    # running extremes after each bar (exclusive)
    suffix_min = np.concatenate([np.minimum.accumulate(lo[::-1])[::-1][1:], [np.inf]])
    suffix_max = np.concatenate([np.maximum.accumulate(hi[::-1])[::-1][1:], [-np.inf]])

    base = dq[bars - 1] * survive  # base units opened at each bar still open
    k = lev.size
    entry = np.repeat(pv[bars], k)
    lev_rep = np.tile(lev, bars.size)
    w_rep = np.tile(w, bars.size)
    size_long = np.repeat(base * alpha[bars], k) * w_rep
    size_short = np.repeat(base * (1.0 - alpha[bars]), k) * w_rep
    bar_rep = np.repeat(bars, k)
    liq_long = _isolated_liquidation_price(np.ones(1), entry, lev_rep, np.asarray(mmr))
    liq_short = _isolated_liquidation_price(-np.ones(1), entry, lev_rep, np.asarray(mmr))
    keep_long = (size_long > 0) & (suffix_min[bar_rep] > liq_long)
    keep_short = (size_short > 0) & (suffix_max[bar_rep] < liq_short)
    labels = np.asarray(p.index)[bar_rep]
    nl, ns = int(keep_long.sum()), int(keep_short.sum())
    logger.debug("estimated book: %d long and %d short cohorts kept", nl, ns)
    return PositionBook(
        np.array(["long"] * nl + ["short"] * ns, dtype=object),
        np.concatenate([entry[keep_long], entry[keep_short]]),
        np.concatenate([size_long[keep_long], size_short[keep_short]]),
        np.concatenate([lev_rep[keep_long], lev_rep[keep_short]]),
        mmr,
        np.concatenate([labels[keep_long], labels[keep_short]]),
    )


def liquidation_density(
    price: pd.Series,
    open_interest: pd.Series,
    *,
    band: float = 0.05,
    lookback: int = 180,
    leverage: Sequence[float] = (5.0, 10.0, 25.0, 50.0, 100.0),
    leverage_weights: Sequence[float] | None = None,
    long_share: float | pd.Series = 0.5,
    maintenance_margin_rate: float = 0.005,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    decrease: str = "pro_rata",
    open_interest_unit: str = "quote",
) -> pd.DataFrame:
    """Estimated liquidation notional just above and below the price at every bar, no look-ahead.

    At each bar :math:`t` the book of :func:`book_from_open_interest` is rebuilt from the
    last ``lookback`` bars up to and including :math:`t` only, and the notional whose
    liquidation price lies within ``band`` of :math:`P_t` is summed per side. This is the input
    of :func:`liquidation_hunting_test`.

    Parameters
    ----------
    price, open_interest, low, high : pandas.Series
        As in :func:`book_from_open_interest`.
    leverage, leverage_weights, long_share, maintenance_margin_rate, decrease, open_interest_unit
        As in :func:`book_from_open_interest`.
    band : float, default 0.05
        Half-width of the window around the price, fraction of price, in (0, 1).
    lookback : int, default 180
        Bars of open-interest history used at each bar (>= 1); older cohorts are forgotten,
        as in public heatmaps with a fixed window.

    Returns
    -------
    pandas.DataFrame
        On the index of ``price``, columns ``above`` (short-liquidation notional with
        liquidation price in :math:`(P_t, P_t(1+b)]`) and ``below`` (long-liquidation notional in
        :math:`[P_t(1-b), P_t)`), quote currency valued at the liquidation price.

    Raises
    ------
    TypeError, ValueError, InsufficientDataError
        As in :func:`book_from_open_interest`, and for a bad ``band`` or ``lookback``.

    See Also
    --------
    book_from_open_interest, liquidation_map, liquidation_hunting_test

    Notes
    -----
    With the cohort sizes :math:`q_{s,j}` of :func:`book_from_open_interest` evaluated at
    :math:`t` (survival :math:`\\prod_{u=s+1}^{t}\\min(1, Q_u/Q_{u-1})`, removal if
    :math:`\\min_{s<u\\le t}\\text{low}_u \\le P^{\\text{liq}}_{s,j}`),

    .. math::

        \\text{below}_t = \\sum_{t-\\ell < s \\le t} \\sum_j q^{\\text{long}}_{s,j}
        P^{\\text{liq}}_{s,j} \\, 1\\{P_t(1-b) \\le P^{\\text{liq}}_{s,j} < P_t\\},

    with :math:`\\ell` the lookback and :math:`b` the band; ``above`` is the mirror for shorts.
    Cost :math:`O(T \\ell K)` for :math:`T` bars and :math:`K` leverage cohorts.

    Examples
    --------
    >>> idx = pd.RangeIndex(3)
    >>> price = pd.Series([100.0, 100.0, 100.0], index=idx)
    >>> oi = pd.Series([0.0, 1000.0, 1000.0], index=idx)
    >>> liquidation_density(price, oi, band=0.15, leverage=[10.0], maintenance_margin_rate=0.0)
       above  below
    0    0.0    0.0
    1  550.0  450.0
    2  550.0  450.0
    """
    c = _oi_cohort_inputs(
        price,
        open_interest,
        leverage,
        leverage_weights,
        long_share,
        maintenance_margin_rate,
        low,
        high,
        decrease,
        open_interest_unit,
    )
    b = float(
        check_range(_arr(band, "band"), "band", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    )
    if isinstance(lookback, bool) or not isinstance(lookback, int | np.integer):
        raise TypeError(f"lookback must be an int; got {type(lookback).__name__}")
    if lookback < 1:
        raise ValueError(f"lookback must be >= 1; got {lookback}")
    pv, n = c.pv, c.pv.size
    q = c.oi / pv if open_interest_unit == "quote" else c.oi
    new = np.concatenate([[0.0], np.maximum(np.diff(q), 0.0)])
    if decrease == "pro_rata":
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q[:-1] > 0, np.minimum(1.0, q[1:] / q[:-1]), 1.0)
        cl = np.concatenate([[0.0], np.cumsum(np.log(np.maximum(ratio, 1e-300)))])
    else:
        cl = np.zeros(n)
    liq_l = _isolated_liquidation_price(np.ones(1), pv[:, None], c.lev[None, :], np.asarray(c.mmr))
    liq_s = _isolated_liquidation_price(-np.ones(1), pv[:, None], c.lev[None, :], np.asarray(c.mmr))
    base_l = (new * c.alpha)[:, None] * c.w[None, :]
    base_s = (new * (1.0 - c.alpha))[:, None] * c.w[None, :]
    above = np.zeros(n)
    below = np.zeros(n)
    for t in range(n):
        a = max(0, t - lookback + 1)
        # extreme of low/high strictly after each opening bar s in [a, t], up to t
        after_lo = np.concatenate(
            [np.minimum.accumulate(c.lo[a + 1 : t + 1][::-1])[::-1], [np.inf]]
        )
        after_hi = np.concatenate(
            [np.maximum.accumulate(c.hi[a + 1 : t + 1][::-1])[::-1], [-np.inf]]
        )
        surv = np.exp(cl[t] - cl[a : t + 1])[:, None]
        ll, ls = liq_l[a : t + 1], liq_s[a : t + 1]
        pt = pv[t]
        ml = (after_lo[:, None] > ll) & (ll >= pt * (1.0 - b)) & (ll < pt)
        ms = (after_hi[:, None] < ls) & (ls <= pt * (1.0 + b)) & (ls > pt)
        below[t] = float((base_l[a : t + 1] * surv * ll)[ml].sum())
        above[t] = float((base_s[a : t + 1] * surv * ls)[ms].sum())
    return pd.DataFrame({"above": above, "below": below}, index=c.price.index)


# --------------------------------------------------------------------------------------------
# price impact
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PriceImpact:
    """Permanent price impact of a signed notional flow, on the log price.

    Parameters
    ----------
    depth : float
        Resting notional on one side of the book within ``band`` of mid, quote currency (USD);
        > 0.
    model : {"sqrt", "linear"}, default "sqrt"
        Shape of the impact curve (see Notes).
    band : float, default 0.005
        Relative distance from mid over which ``depth`` is measured (0.005 = 50 bp); in (0, 1).

    Raises
    ------
    ValueError
        If ``depth`` or ``band`` is out of its domain or ``model`` is unknown.

    See Also
    --------
    calibrate_impact : estimate ``depth`` from depth summaries.
    simulate_cascade : uses the impact to move the price.

    Notes
    -----
    For a signed flow :math:`Q` (quote currency, positive = net buying) the log price moves by

    .. math::

        \\Delta \\ln P = \\operatorname{sign}(Q)\\, b \\, g\\!\\left(\\frac{|Q|}{D}\\right), \\qquad
        g(x) = x \\;\\text{(linear)}, \\quad g(x) = \\sqrt{x} \\;\\text{(square root)},

    with :math:`b` the band and :math:`D` the one-sided depth inside it. Both curves agree at
    :math:`|Q| = D`: sweeping the depth within 50 bp moves the price 50 bp. The linear curve is
    exact for a book with uniform depth density and no refill; the square-root curve is the
    empirical law of metaorder impact (Tóth et al., 2011; Bouchaud et al., 2018), in which
    liquidity refills as the order executes. Impact is permanent (no decay between rounds).

    References
    ----------
    Tóth, B. et al. (2011), "Anomalous price impact and the critical nature of liquidity in
    financial markets", Physical Review X 1, 021006, doi:10.1103/PhysRevX.1.021006.
    Bouchaud, J.-P., Bonart, J., Donier, J., Gould, M. (2018), *Trades, Quotes and Prices*,
    Cambridge University Press, doi:10.1017/9781316659335.

    Examples
    --------
    >>> imp = PriceImpact(depth=1_000_000.0, model="sqrt")
    >>> round(imp.log_impact(-4_000_000.0), 6)
    -0.01
    >>> round(PriceImpact(1_000_000.0, "linear").log_impact(2_000_000.0), 6)
    0.01
    """

    depth: float
    model: str = "sqrt"
    band: float = 0.005

    def __post_init__(self) -> None:
        d = float(check_positive(_arr(self.depth, "depth"), "depth"))
        b = float(
            check_range(
                _arr(self.band, "band"),
                "band",
                0.0,
                1.0,
                low_inclusive=False,
                high_inclusive=False,
            )
        )
        check_option(self.model, "model", IMPACT_MODELS)
        object.__setattr__(self, "depth", d)
        object.__setattr__(self, "band", b)

    def log_impact(self, notional: Any) -> Any:
        """Log-price change for a signed notional flow (quote currency; > 0 is net buying)."""
        q = as_float_array(notional, "notional")
        x = np.abs(q) / self.depth
        g = x if self.model == "linear" else np.sqrt(x)
        out = np.sign(q) * self.band * g
        return float(out) if out.ndim == 0 else out

    def notional_for_move(self, move: Any) -> Any:
        """Unsigned flow (quote currency) that moves the log price by ``|move|``."""
        m = np.abs(as_float_array(move, "move")) / self.band
        out = self.depth * (m if self.model == "linear" else m * m)
        return float(out) if np.ndim(out) == 0 else out


@dataclass(frozen=True, slots=True)
class ImpactCalibration:
    """Impact parameters calibrated from order-book depth summaries.

    Attributes
    ----------
    model : str
        ``"sqrt"`` or ``"linear"``.
    band : float
        Band of the depth measure (fraction of mid).
    depth : float
        One-sided depth used by the model (quote currency): the ``quantile`` of the observed
        depth, halved when the input is two-sided.
    half_spread : float
        Median half spread, fraction of mid (NaN if no spread was given).
    quantile : float
        Quantile of depth used.
    nobs : int
        Number of snapshots.
    depth_quantiles : pandas.Series
        One-sided depth at quantiles 0.01, 0.05, 0.25, 0.5, 0.75, 0.95 (quote currency).

    See Also
    --------
    calibrate_impact, PriceImpact

    Examples
    --------
    >>> cal = calibrate_impact(np.arange(1.0, 21.0) * 1e6)
    >>> cal.depth, cal.impact.model
    (5250000.0, 'sqrt')
    """

    model: str
    band: float
    depth: float
    half_spread: float
    quantile: float
    nobs: int
    depth_quantiles: pd.Series

    @property
    def impact(self) -> PriceImpact:
        """The calibrated :class:`PriceImpact`."""
        return PriceImpact(self.depth, self.model, self.band)

    def impact_table(self, notional: Sequence[float] = (1e6, 1e7, 1e8, 1e9)) -> pd.DataFrame:
        """Price move (fraction) of selling each notional, at every depth quantile."""
        q = as_float_array(list(notional), "notional")
        cols = {}
        for level, d in self.depth_quantiles.items():
            imp = PriceImpact(float(d), self.model, self.band)
            cols[f"depth q{level:g}"] = np.expm1(imp.log_impact(-q))
        out = pd.DataFrame(cols, index=pd.Index(q, name="notional sold"))
        return out

    def summary(self) -> pd.DataFrame:
        """Key numbers: model, band, depth, half spread, quantile, nobs."""
        return pd.DataFrame(
            {
                "value": [
                    self.model,
                    self.band,
                    self.depth,
                    self.half_spread,
                    self.quantile,
                    self.nobs,
                ]
            },
            index=["model", "band", "depth", "half_spread", "quantile", "nobs"],
        )

    def to_frame(self) -> pd.DataFrame:
        """One-sided depth quantiles (quote currency)."""
        return self.depth_quantiles.rename("depth").to_frame()

    def _repr_html_(self) -> str:
        return _html(self.summary(), "ImpactCalibration") + _html(self.impact_table(), "Impact")

    def chart(self) -> alt.Chart:
        """Price move of a market sell against notional sold, one line per depth quantile."""
        require("altair", "charts")
        import altair as alt

        q = np.logspace(5, 10, 41)
        table = self.impact_table(q.tolist())
        tidy = table.reset_index().melt(
            id_vars="notional sold", var_name="depth", value_name="move"
        )
        tidy["move"] = -tidy["move"]
        return (
            alt.Chart(tidy)
            .mark_line()
            .encode(
                x=alt.X(
                    "notional sold:Q",
                    title="notional sold (quote currency)",
                    scale=alt.Scale(type="log"),
                ),
                y=alt.Y("move:Q", title="price fall (fraction)", axis=alt.Axis(format="%")),
                color=alt.Color("depth:N", title="book depth"),
            )
            .properties(
                width=480, height=260, title=f"Calibrated {self.model} impact ({self.nobs} books)"
            )
        )


def calibrate_impact(
    depth: Any,
    spread: Any = None,
    *,
    model: str = "sqrt",
    band: float = 0.005,
    quantile: float = 0.5,
    two_sided: bool = True,
    market_share: float = 1.0,
) -> ImpactCalibration:
    """Calibrate a :class:`PriceImpact` from depth-within-band snapshots.

    Parameters
    ----------
    depth : array_like or pandas.Series
        Resting notional within ``band`` of mid per snapshot, quote currency (USD); >= 0. NaN
        values are dropped.
    spread : array_like or pandas.Series, optional
        Quoted spread per snapshot as a fraction of mid (divide basis points by 1e4); >= 0.
    model : {"sqrt", "linear"}, default "sqrt"
        Impact curve; see :class:`PriceImpact`.
    band : float, default 0.005
        Band of the depth measure as a fraction of mid (0.005 = 50 bp).
    quantile : float, default 0.5
        Quantile of depth to use, in (0, 1): 0.5 is a typical day, 0.05 a thin (stressed) book.
    two_sided : bool, default True
        Whether ``depth`` counts both bids and asks; if so it is halved, since a one-sided
        liquidation flow only consumes one side.
    market_share : float, default 1.0
        Share of the whole market's resting depth that the measured venue holds, in (0, 1].
        The depth is divided by it, so that a book estimated from all-exchange open interest
        meets all-exchange depth (an assumption to state, e.g. 0.1 for a venue with a tenth of
        the depth); 1.0 keeps the venue's own depth.

    Returns
    -------
    ImpactCalibration

    Raises
    ------
    ValueError
        If an input is out of its domain.
    InsufficientDataError
        If fewer than 10 finite depth snapshots are given.

    See Also
    --------
    PriceImpact, simulate_cascade

    Notes
    -----
    With :math:`D_t` the depth within band :math:`b` at snapshot :math:`t`, the one-sided depth
    is :math:`D = Q_\\tau(D_t)/(2 s)` (two-sided input) and the impact of a flow :math:`Q` is
    :math:`b\\,g(|Q|/D)`; :math:`Q_\\tau` is the empirical quantile at level :math:`\\tau` and
    :math:`s` the market share.
    Summaries within one band pin a single point of the impact curve; the curvature (linear or
    square root) is an assumption, not estimated here.

    Examples
    --------
    >>> cal = calibrate_impact([2e6] * 10, [1e-4] * 10)
    >>> cal.depth, cal.half_spread
    (1000000.0, 5e-05)
    >>> round(cal.impact.log_impact(-1e6), 6)
    -0.005
    """
    d = as_float_array(depth, "depth", allow_nan=True)
    d = d[~np.isnan(d)]
    check_positive(d, "depth", strict=False)
    if d.size < 10:
        raise InsufficientDataError(
            f"calibrate_impact needs at least 10 depth values; got {d.size}"
        )
    check_option(model, "model", IMPACT_MODELS)
    b = _scalar(band, "band")
    check_range(np.asarray(b), "band", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    tau = _scalar(quantile, "quantile")
    check_range(np.asarray(tau), "quantile", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    if not isinstance(two_sided, bool):
        raise TypeError(f"two_sided must be a bool; got {type(two_sided).__name__}")
    share = float(
        check_range(
            _arr(market_share, "market_share"), "market_share", 0.0, 1.0, low_inclusive=False
        )
    )
    factor = (0.5 if two_sided else 1.0) / share
    half_spread = np.nan
    if spread is not None:
        s = as_float_array(spread, "spread", allow_nan=True)
        s = s[~np.isnan(s)]
        check_range(s, "spread", 0.0, 1.0)
        half_spread = float(np.median(s)) / 2.0 if s.size else np.nan
    levels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95]
    dq = pd.Series(np.quantile(d, levels) * factor, index=pd.Index(levels, name="quantile"))
    one_sided = float(np.quantile(d, tau)) * factor
    if one_sided <= 0:
        raise ValueError(f"depth quantile {tau:g} is 0; choose a higher quantile")
    return ImpactCalibration(model, b, one_sided, half_spread, tau, int(d.size), dq)


# --------------------------------------------------------------------------------------------
# cascade
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CascadeResult:
    """Outcome of :func:`simulate_cascade`.

    Attributes
    ----------
    price : float
        Price before the shock (quote per base unit).
    shock : float
        Exogenous simple return applied at round 0.
    price_path : ndarray
        Price at each round; ``price_path[0] = price * (1 + shock)``.
    long_notional, short_notional : ndarray
        Notional liquidated in each round (quote currency, at that round's price), by side.
    long_count, short_count : ndarray
        Positions liquidated in each round, by side.
    margin_add : ndarray
        Maintenance margin added by the margin spiral in each round (fraction of notional).
    converged : bool
        True if a round fired no new liquidation (a fixed point); False if ``max_rounds`` hit.

    See Also
    --------
    simulate_cascade, liquidity_spiral, cascade_grid

    Examples
    --------
    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> res = simulate_cascade(book, 100.0, -0.10, PriceImpact(400.0, "linear"))
    >>> res.rounds, round(res.final_price, 2), round(res.liquidated_notional, 2)
    (3, 87.05, 2670.02)
    """

    price: float
    shock: float
    price_path: FloatArray
    long_notional: FloatArray
    short_notional: FloatArray
    long_count: np.ndarray
    short_count: np.ndarray
    margin_add: FloatArray
    converged: bool

    @property
    def final_price(self) -> float:
        """Price after the last round (quote per base unit)."""
        return float(self.price_path[-1])

    @property
    def total_return(self) -> float:
        """Simple return from the pre-shock price to the final price."""
        return self.final_price / self.price - 1.0

    @property
    def amplification(self) -> float:
        """Total move over the initial shock: ``total_return / shock`` (1 = no feedback)."""
        return self.total_return / self.shock

    @property
    def rounds(self) -> int:
        """Number of rounds in which at least one position was liquidated."""
        return int(np.count_nonzero((self.long_count + self.short_count) > 0))

    @property
    def liquidated_notional(self) -> float:
        """Total notional liquidated, both sides (quote currency)."""
        return float(self.long_notional.sum() + self.short_notional.sum())

    def to_frame(self) -> pd.DataFrame:
        """One row per round: price, notional and count liquidated by side, margin add-on."""
        return pd.DataFrame(
            {
                "price": self.price_path,
                "long_notional": self.long_notional,
                "short_notional": self.short_notional,
                "long_count": self.long_count,
                "short_count": self.short_count,
                "margin_add": self.margin_add,
            },
            index=pd.RangeIndex(self.price_path.size, name="round"),
        )

    def summary(self) -> pd.DataFrame:
        """Headline numbers of the cascade."""
        vals = {
            "price": self.price,
            "shock": self.shock,
            "final_price": self.final_price,
            "total_return": self.total_return,
            "amplification": self.amplification,
            "rounds": self.rounds,
            "long_notional": float(self.long_notional.sum()),
            "short_notional": float(self.short_notional.sum()),
            "long_count": int(self.long_count.sum()),
            "short_count": int(self.short_count.sum()),
            "converged": self.converged,
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "CascadeResult")

    def chart(self) -> alt.LayerChart:
        """Price by round (line) with notional liquidated per round (bars); altair, 480 px."""
        require("altair", "charts")
        import altair as alt

        df = self.to_frame().reset_index()
        df["liquidated"] = df["long_notional"] + df["short_notional"]
        base = alt.Chart(df).encode(x=alt.X("round:Q", title="round"))
        line = base.mark_line(point=True).encode(
            y=alt.Y("price:Q", title="price (quote per unit)", scale=alt.Scale(zero=False))
        )
        bars = base.mark_bar(opacity=0.35, color="firebrick").encode(
            y=alt.Y("liquidated:Q", title="notional liquidated (quote)")
        )
        chart = (
            alt.layer(bars, line)
            .resolve_scale(y="independent")
            .properties(
                width=480,
                height=260,
                title=f"Cascade: shock {self.shock:+.1%}, total {self.total_return:+.1%}",
            )
        )
        return cast("alt.LayerChart", chart)


@dataclass(frozen=True, slots=True)
class _SortedSide:
    """Positions of one side and one maintenance rate, sorted by liquidation key."""

    mmr: float
    keys: FloatArray  # sorted ascending
    cum_size: FloatArray  # cum_size[j] = total size of the j "first to fire" positions


def _prepare(book: PositionBook, by_rate: bool) -> tuple[list[_SortedSide], list[_SortedSide]]:
    """Sort each side once and build prefix sums of size in firing order.

    With constant margins (``by_rate=False``) the keys are the liquidation prices themselves,
    whatever formula produced them. With the margin spiral (``by_rate=True``) the keys are the
    numerators :math:`E(1 - s/L)` grouped by maintenance rate, because a common add-on to the
    rate preserves the order within a group but not across groups.
    """
    longs: list[_SortedSide] = []
    shorts: list[_SortedSide] = []
    if by_rate:
        keys = _liquidation_key(book.sign, book.entry_price, book.leverage)
    else:
        keys = book.liquidation_price
    for s, out in ((1.0, longs), (-1.0, shorts)):
        m = book.sign == s
        if not m.any():
            continue
        k, sz = keys[m], book.size[m]
        if by_rate:
            r = book.maintenance_margin_rate[m]
            order = np.lexsort((k, r))
            r_sorted = r[order]
            cuts = np.flatnonzero(np.diff(r_sorted)) + 1
        else:
            order = np.argsort(k, kind="stable")
            r_sorted = np.zeros(k.size)
            cuts = np.empty(0, dtype=np.int64)
        ks, szs = k[order], sz[order]
        bounds = np.concatenate([[0], cuts, [k.size]])
        for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            g_keys, g_size = ks[a:b], szs[a:b]
            if s > 0:  # longs fire from the highest key down
                cum = np.concatenate([[0.0], np.cumsum(g_size[::-1])])
            else:  # shorts fire from the lowest key up
                cum = np.concatenate([[0.0], np.cumsum(g_size)])
            out.append(_SortedSide(float(r_sorted[a]), g_keys, cum))
    if by_rate and len(longs) + len(shorts) > 256:
        logger.info(
            "margin spiral on %d (side, maintenance rate) groups: each round costs one binary "
            "search per group; rounding rates to venue tiers speeds this up",
            len(longs) + len(shorts),
        )
    return longs, shorts


def _validate_cascade_args(
    book: Any, price: Any, shock: Any, impact: Any, margin_sensitivity: Any, max_rounds: Any
) -> tuple[float, float, float, int]:
    if not isinstance(book, PositionBook):
        raise TypeError(f"book must be a PositionBook; got {type(book).__name__}")
    if not isinstance(impact, PriceImpact):
        raise TypeError(f"impact must be a PriceImpact; got {type(impact).__name__}")
    p = float(check_positive(_arr(price, "price"), "price"))
    sh = float(check_range(_arr(shock, "shock"), "shock", -1.0, None, low_inclusive=False))
    if sh == 0.0:
        raise ValueError("shock must be non-zero (the amplification divides by it); got 0.0")
    ms = float(
        check_positive(
            _arr(margin_sensitivity, "margin_sensitivity"), "margin_sensitivity", strict=False
        )
    )
    if isinstance(max_rounds, bool) or not isinstance(max_rounds, int | np.integer):
        raise TypeError(f"max_rounds must be an int; got {type(max_rounds).__name__}")
    if max_rounds < 1:
        raise ValueError(f"max_rounds must be >= 1; got {max_rounds}")
    dead = ~book.alive_at(p)
    if dead.any():
        raise ValueError(
            f"book has {int(dead.sum())} positions already past liquidation at price {p:g}; "
            "pass book.surviving(price) to drop them"
        )
    return p, sh, ms, int(max_rounds)


def simulate_cascade(
    book: PositionBook,
    price: float,
    shock: float,
    impact: PriceImpact,
    *,
    margin_sensitivity: float = 0.0,
    max_rounds: int = 100_000,
) -> CascadeResult:
    """Run a liquidation cascade to its fixed point.

    Parameters
    ----------
    book : PositionBook
        Open positions; none may be past liquidation at ``price``.
    price : float
        Price before the shock, quote per base unit; > 0.
    shock : float
        Exogenous simple return applied at round 0, in (-1, inf), non-zero (e.g. -0.05).
    impact : PriceImpact
        Impact of the net liquidation flow on the log price.
    margin_sensitivity : float, default 0.0
        Margin spiral strength :math:`\\beta` >= 0: maintenance rates rise by :math:`\\beta` times
        the largest absolute log move so far (0 = constant margins, the pure loss spiral).
    max_rounds : int, default 100000
        Bound on the number of rounds.

    Returns
    -------
    CascadeResult
        Price path, notional and counts liquidated per round and side, and the fixed point.

    Raises
    ------
    TypeError
        If ``book`` or ``impact`` has the wrong type.
    ValueError
        If an argument is out of its domain or the book holds positions already liquidated.

    Warns
    -----
    CascadeBoundWarning
        If ``max_rounds`` is reached before a fixed point.

    See Also
    --------
    liquidity_spiral : shock, loss spiral and margin spiral side by side.
    PriceImpact, calibrate_impact, PositionBook

    Notes
    -----
    Round :math:`k` starts at price :math:`P_k`, with :math:`P_0 = P(1+s)`. Every open position
    whose liquidation price at the round's maintenance rate :math:`m_{i,k}` has been reached by
    :math:`P_k` fires, and is closed at :math:`P_k` (longs sell, shorts buy). With cumulative
    net buying :math:`Q_k = \\sum_{j \\le k} (S_j - B_j)` (short minus long notional liquidated),

    .. math::

        P_{k+1} = P_0 \\exp\\{ I(Q_k) \\}, \\qquad
        m_{i,k} = m_i + \\beta \\max_{j \\le k} |\\ln(P_j / P)|,

    with :math:`I` the impact of :class:`PriceImpact`, :math:`m_i` the position's maintenance
    rate and :math:`\\beta` the margin sensitivity. The cascade stops at the first round that
    fires nothing. Closed positions stay closed, so the longs fired by round :math:`k` are the
    union of suffixes of the longs sorted by liquidation key, i.e. the longest of them. Sorting
    once and keeping prefix sums of size makes each round a binary search plus a difference:
    :math:`O(N \\log N)` to sort and :math:`O(G \\log N)` per round. With constant margins
    :math:`G = 2` and the keys are the liquidation prices; with the margin spiral a long fires
    when :math:`E_i(1-1/L_i) \\ge (1-m_{i,k}) P_k`, so the keys are :math:`E_i(1-1/L_i)`
    (shorts: :math:`E_i(1+1/L_i)`) sorted within each of the :math:`G`
    (side, maintenance rate) groups. A position is closed whole (no partial liquidation), at
    the round price (no slippage beyond the impact), and the book does not refill between
    rounds (no resilience): read the results as an upper bound for a given depth.

    References
    ----------
    Brunnermeier, M. K. and Pedersen, L. H. (2009), "Market Liquidity and Funding Liquidity",
    Review of Financial Studies 22(6), 2201-2238, doi:10.1093/rfs/hhn098.

    Examples
    --------
    Three longs of 10 units at 10x with liquidation prices 90, 89.1 and 88.2, and 400 USD of
    bid depth within 50 bp (linear impact). A 10% shock fires the first; its sale of 900 USD
    moves the log price by :math:`0.005 \\times 900/400`, to 88.99, which fires the second, and
    so on:

    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> res = simulate_cascade(book, 100.0, -0.10, PriceImpact(400.0, "linear"))
    >>> res.price_path.round(2)
    array([90.  , 88.99, 88.01, 87.05])
    >>> res.long_count
    array([1, 1, 1, 0])
    >>> round(res.amplification, 3)
    1.295
    """
    p, sh, ms, max_rounds = _validate_cascade_args(
        book, price, shock, impact, margin_sensitivity, max_rounds
    )
    longs, shorts = _prepare(book, by_rate=ms > 0.0)
    return _run_cascade(longs, shorts, p, sh, impact, ms, max_rounds, stacklevel=3)


def _run_cascade(
    longs: list[_SortedSide],
    shorts: list[_SortedSide],
    p: float,
    sh: float,
    impact: PriceImpact,
    ms: float,
    max_rounds: int,
    *,
    stacklevel: int,
) -> CascadeResult:
    """The fixed-point loop of :func:`simulate_cascade` on a prepared (sorted) book."""
    p0 = p * (1.0 + sh)
    log_p0 = math.log(p0)
    log_pre = math.log(p)
    n_long = [0] * len(longs)
    n_short = [0] * len(shorts)
    cum_long = [0.0] * len(longs)
    cum_short = [0.0] * len(shorts)
    path = [p0]
    long_notional: list[float] = []
    short_notional: list[float] = []
    long_count: list[int] = []
    short_count: list[int] = []
    margin_add: list[float] = []
    max_abs = abs(log_p0 - log_pre)
    flow = 0.0  # cumulative net buying, quote currency
    converged = False
    for _ in range(max_rounds):
        pk = path[-1]
        max_abs = max(max_abs, abs(math.log(pk) - log_pre))
        dm = ms * max_abs
        new_long = new_short = 0.0
        c_long = c_short = 0
        for g, grp in enumerate(longs):
            thr = pk * (1.0 - grp.mmr - dm)
            n = grp.keys.size - int(np.searchsorted(grp.keys, thr, side="left"))
            if n > n_long[g]:
                c_long += n - n_long[g]
                q = float(grp.cum_size[n])
                new_long += q - cum_long[g]
                n_long[g], cum_long[g] = n, q
        for g, grp in enumerate(shorts):
            thr = pk * (1.0 + grp.mmr + dm)
            n = int(np.searchsorted(grp.keys, thr, side="right"))
            if n > n_short[g]:
                c_short += n - n_short[g]
                q = float(grp.cum_size[n])
                new_short += q - cum_short[g]
                n_short[g], cum_short[g] = n, q
        long_notional.append(new_long * pk)
        short_notional.append(new_short * pk)
        long_count.append(c_long)
        short_count.append(c_short)
        margin_add.append(dm)
        if c_long == 0 and c_short == 0:
            converged = True
            break
        flow += (new_short - new_long) * pk
        path.append(math.exp(log_p0 + float(impact.log_impact(flow))))
    else:
        warnings.warn(
            f"cascade did not reach a fixed point within max_rounds={max_rounds}; "
            "raise max_rounds (results describe the path so far)",
            CascadeBoundWarning,
            stacklevel=stacklevel,
        )
        # the last price was computed but not yet evaluated: drop it to keep arrays aligned
        path.pop()
    return CascadeResult(
        price=p,
        shock=sh,
        price_path=_frozen(np.asarray(path, dtype=np.float64)),
        long_notional=_frozen(np.asarray(long_notional, dtype=np.float64)),
        short_notional=_frozen(np.asarray(short_notional, dtype=np.float64)),
        long_count=_frozen(np.asarray(long_count, dtype=np.int64)),
        short_count=_frozen(np.asarray(short_count, dtype=np.int64)),
        margin_add=_frozen(np.asarray(margin_add, dtype=np.float64)),
        converged=converged,
    )


def _reference_cascade(
    book: PositionBook,
    price: float,
    shock: float,
    impact: PriceImpact,
    *,
    margin_sensitivity: float = 0.0,
    max_rounds: int = 100_000,
) -> CascadeResult:
    """Slow step-by-step cascade: loops over every position in every round (tests, benchmarks).

    Each round recomputes every open position's liquidation price at the current maintenance
    rate and compares it with the round price. Same semantics as
    :func:`simulate_cascade`; :math:`O(N)` per round.
    """
    p, sh, ms, max_rounds = _validate_cascade_args(
        book, price, shock, impact, margin_sensitivity, max_rounds
    )
    n = len(book)
    sign = book.sign.tolist()
    entry = book.entry_price.tolist()
    size = book.size.tolist()
    lev = book.leverage.tolist()
    mmr = book.maintenance_margin_rate.tolist()
    alive = [True] * n
    p0 = p * (1.0 + sh)
    path = [p0]
    ln, sn, lc, sc, ma = [], [], [], [], []
    max_abs = 0.0
    flow = 0.0
    converged = False
    for _ in range(max_rounds):
        pk = path[-1]
        max_abs = max(max_abs, abs(math.log(pk / p)))
        dm = ms * max_abs
        sold = bought = 0.0
        nl = ns = 0
        for i in range(n):
            if not alive[i]:
                continue
            m = mmr[i] + dm
            if sign[i] > 0:
                fire = m >= 1.0 or entry[i] * (1.0 - 1.0 / lev[i]) / (1.0 - m) >= pk
            else:
                fire = entry[i] * (1.0 + 1.0 / lev[i]) / (1.0 + m) <= pk
            if fire:
                alive[i] = False
                if sign[i] > 0:
                    sold += size[i] * pk
                    nl += 1
                else:
                    bought += size[i] * pk
                    ns += 1
        ln.append(sold)
        sn.append(bought)
        lc.append(nl)
        sc.append(ns)
        ma.append(dm)
        if nl == 0 and ns == 0:
            converged = True
            break
        flow += bought - sold
        path.append(p0 * math.exp(float(impact.log_impact(flow))))
    else:
        path.pop()
    return CascadeResult(
        p,
        sh,
        np.asarray(path),
        np.asarray(ln),
        np.asarray(sn),
        np.asarray(lc, dtype=np.int64),
        np.asarray(sc, dtype=np.int64),
        np.asarray(ma),
        converged,
    )


@dataclass(frozen=True, slots=True)
class LiquiditySpiralResult:
    """Shock alone, loss spiral and loss + margin spiral on the same book (see
    :func:`liquidity_spiral`).

    Attributes
    ----------
    no_feedback : CascadeResult
        Liquidations fired by the shock alone; their sales do not move the price.
    loss_spiral : CascadeResult
        Liquidation sales move the price (constant margins).
    margin_spiral : CascadeResult
        As ``loss_spiral``, with maintenance margins rising with the size of the move.
    margin_sensitivity : float
        The :math:`\\beta` used in ``margin_spiral``.

    See Also
    --------
    liquidity_spiral, simulate_cascade

    Examples
    --------
    >>> book = PositionBook("long", np.linspace(95.0, 105.0, 101), 1.0, 10.0, 0.005)
    >>> res = liquidity_spiral(book, 100.0, -0.05, PriceImpact(500.0, "linear"))
    >>> list(res.to_frame().index)
    ['shock', 'loss spiral', 'margin spiral', 'total']
    """

    no_feedback: CascadeResult
    loss_spiral: CascadeResult
    margin_spiral: CascadeResult
    margin_sensitivity: float

    def summary(self) -> pd.DataFrame:
        """Final price, total return, amplification and notional liquidated per scenario."""
        rows = {}
        for name in ("no_feedback", "loss_spiral", "margin_spiral"):
            r: CascadeResult = getattr(self, name)
            rows[name] = {
                "final_price": r.final_price,
                "total_return": r.total_return,
                "amplification": r.amplification,
                "liquidated_notional": r.liquidated_notional,
                "rounds": r.rounds,
            }
        return pd.DataFrame(rows).T

    def to_frame(self) -> pd.DataFrame:
        """Decomposition of the total move into shock, loss spiral and margin spiral."""
        shock = self.no_feedback.total_return
        loss = self.loss_spiral.total_return - shock
        margin = self.margin_spiral.total_return - self.loss_spiral.total_return
        return pd.DataFrame(
            {"return": [shock, loss, margin, self.margin_spiral.total_return]},
            index=["shock", "loss spiral", "margin spiral", "total"],
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), "LiquiditySpiralResult") + _html(self.to_frame(), "Move")


def liquidity_spiral(
    book: PositionBook,
    price: float,
    shock: float,
    impact: PriceImpact,
    *,
    margin_sensitivity: float = 0.1,
    max_rounds: int = 100_000,
) -> LiquiditySpiralResult:
    """Decompose a cascade into the shock, the loss spiral and the margin spiral.

    Parameters
    ----------
    book, price, shock, impact, max_rounds
        As in :func:`simulate_cascade`.
    margin_sensitivity : float, default 0.1
        :math:`\\beta` >= 0 of the margin spiral: maintenance rates rise by :math:`\\beta` per
        unit of absolute log move (0.1: +1 percentage point after a 10% move).

    Returns
    -------
    LiquiditySpiralResult

    Raises
    ------
    ValueError, TypeError
        As in :func:`simulate_cascade`.

    See Also
    --------
    simulate_cascade

    Notes
    -----
    Brunnermeier & Pedersen (2009) name two spirals by which a funding-constrained trader's
    forced sales feed on themselves. In the *loss spiral*, losses on existing positions erode
    capital and force sales that move the price further; here that is the cascade with a
    constant maintenance rate. In the *margin spiral*, financiers raise margins when volatility
    rises, forcing sales at a given capital; here maintenance rates follow

    .. math::

        m_{i,k} = m_i + \\beta \\max_{j \\le k} |\\ln(P_j / P)|,

    a simple stand-in for margins set on recent volatility. The no-feedback run uses an impact
    with infinite depth, so only the shock moves the price.

    References
    ----------
    Brunnermeier, M. K. and Pedersen, L. H. (2009), "Market Liquidity and Funding Liquidity",
    Review of Financial Studies 22(6), 2201-2238, doi:10.1093/rfs/hhn098.

    Examples
    --------
    >>> entry = np.linspace(95.0, 105.0, 201)
    >>> book = PositionBook("long", entry, 1.0, 10.0, 0.005)
    >>> res = liquidity_spiral(book, 100.0, -0.05, PriceImpact(5_000.0, "sqrt"))
    >>> bool(res.margin_spiral.final_price <= res.loss_spiral.final_price
    ...      <= res.no_feedback.final_price)
    True
    """
    ms = float(
        check_positive(
            _arr(margin_sensitivity, "margin_sensitivity"), "margin_sensitivity", strict=False
        )
    )
    frozen = PriceImpact(np.finfo(np.float64).max, impact.model, impact.band)
    kw: dict[str, Any] = {"max_rounds": max_rounds}
    return LiquiditySpiralResult(
        simulate_cascade(book, price, shock, frozen, **kw),
        simulate_cascade(book, price, shock, impact, **kw),
        simulate_cascade(book, price, shock, impact, margin_sensitivity=ms, **kw),
        ms,
    )


def cascade_grid(
    book: PositionBook,
    price: float,
    shocks: Sequence[float],
    depths: Sequence[float],
    *,
    model: str = "sqrt",
    band: float = 0.005,
    margin_sensitivity: float | Sequence[float] = 0.0,
    max_rounds: int = 100_000,
) -> pd.DataFrame:
    """Cascade outcomes over a grid of shocks, depths and margin sensitivities.

    The book is sorted once and every grid point reuses it, so a 10 x 10 grid on a million
    positions costs little more than one sort.

    Parameters
    ----------
    book : PositionBook
        Open positions (none past liquidation at ``price``).
    price : float
        Pre-shock price, quote per base unit; > 0.
    shocks : sequence of float
        Exogenous simple returns, each in (-1, inf) and non-zero.
    depths : sequence of float
        One-sided depth within ``band`` of mid, quote currency; each > 0.
    model : {"sqrt", "linear"}, default "sqrt"
        Impact curve (see :class:`PriceImpact`).
    band : float, default 0.005
        Band of the depth measure, fraction of mid.
    margin_sensitivity : float or sequence of float, default 0.0
        Margin spiral strength(s) :math:`\\beta` >= 0 (see :func:`simulate_cascade`).
    max_rounds : int, default 100000
        Bound on rounds per cascade.

    Returns
    -------
    pandas.DataFrame
        Indexed by (``shock``, ``depth``, ``margin_sensitivity``) with columns
        ``final_price``, ``total_return``, ``amplification``, ``long_notional``,
        ``short_notional``, ``rounds`` and ``converged``.

    Raises
    ------
    TypeError, ValueError
        As in :func:`simulate_cascade`.

    See Also
    --------
    simulate_cascade, calibrate_impact

    Notes
    -----
    Each row is :func:`simulate_cascade` with ``PriceImpact(depth, model, band)``; see there
    for the model. The grid answers the resilience question: which mixes of depth, shock and
    margin policy turn a modest shock into a crash.

    Examples
    --------
    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> g = cascade_grid(book, 100.0, [-0.10], [400.0, 4000.0], model="linear")
    >>> g["long_notional"].round(0).tolist()
    [2670.0, 900.0]
    """
    shock_arr = np.atleast_1d(as_float_array(list(np.atleast_1d(shocks)), "shocks"))
    depth_arr = np.atleast_1d(as_float_array(list(np.atleast_1d(depths)), "depths"))
    beta_arr = np.atleast_1d(
        as_float_array(list(np.atleast_1d(margin_sensitivity)), "margin_sensitivity")
    )
    for name, arr in (("shocks", shock_arr), ("depths", depth_arr)):
        if arr.size == 0:
            raise ValueError(f"{name} must not be empty")
    check_positive(depth_arr, "depths")
    p, _, _, rounds = _validate_cascade_args(
        book,
        price,
        float(shock_arr[0]),
        PriceImpact(float(depth_arr[0]), model, band),
        float(beta_arr[0]),
        max_rounds,
    )
    check_range(shock_arr, "shocks", -1.0, None, low_inclusive=False)
    if (shock_arr == 0.0).any():
        raise ValueError("shocks must be non-zero (the amplification divides by them)")
    check_positive(beta_arr, "margin_sensitivity", strict=False)
    prepared = {False: _prepare(book, by_rate=False)}
    if (beta_arr > 0).any():
        prepared[True] = _prepare(book, by_rate=True)
    rows = []
    for sh in shock_arr.tolist():
        for d in depth_arr.tolist():
            imp = PriceImpact(d, model, band)
            for b in beta_arr.tolist():
                longs, shorts = prepared[b > 0.0]
                r = _run_cascade(longs, shorts, p, sh, imp, b, rounds, stacklevel=3)
                rows.append(
                    {
                        "shock": sh,
                        "depth": d,
                        "margin_sensitivity": b,
                        "final_price": r.final_price,
                        "total_return": r.total_return,
                        "amplification": r.amplification,
                        "long_notional": float(r.long_notional.sum()),
                        "short_notional": float(r.short_notional.sum()),
                        "rounds": r.rounds,
                        "converged": r.converged,
                    }
                )
    return pd.DataFrame(rows).set_index(["shock", "depth", "margin_sensitivity"])


def leverage_mix_grid(
    price: pd.Series,
    open_interest: pd.Series,
    mixes: dict[str, Sequence[float]],
    at_price: float,
    shocks: Sequence[float],
    depths: Sequence[float],
    *,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    **grid_kwargs: Any,
) -> pd.DataFrame:
    """Cascade outcomes for books estimated from open interest under several leverage mixes.

    The leverage mix is the least known input of a book estimated from open interest. This
    re-estimates the book once per mix (:func:`book_from_open_interest`, equal weights across
    the mix's leverage levels), keeps the positions still open at ``at_price`` and runs
    :func:`cascade_grid` on each.

    Parameters
    ----------
    price, open_interest : pandas.Series
        Price (quote per base unit) and open interest (quote currency) per bar, as for
        :func:`book_from_open_interest`.
    mixes : dict of str to sequence of float
        Name of each mix -> its leverage levels (each > 1), weighted equally.
    at_price : float
        Pre-shock price, quote per base unit; > 0 (usually the last price of ``price``).
    shocks, depths : sequence of float
        Grid of exogenous simple returns and one-sided depths (quote currency), as for
        :func:`cascade_grid`.
    low, high : pandas.Series, optional
        Bar lows and highs, to drop cohorts already liquidated (see
        :func:`book_from_open_interest`).
    **grid_kwargs
        Passed to :func:`cascade_grid` (``model``, ``band``, ``margin_sensitivity``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per mix and grid point, in the order of ``mixes``: columns ``book`` (the mix
        name), ``shock``, ``depth``, ``margin_sensitivity``, the outcome columns of
        :func:`cascade_grid`, and ``book_notional`` (quote currency) and ``book_leverage`` (x)
        of the estimated book.

    Raises
    ------
    ValueError
        If ``mixes`` is empty; otherwise as in :func:`book_from_open_interest` and
        :func:`cascade_grid`.

    See Also
    --------
    cascade_grid, cascade_heatmap, book_from_open_interest

    Notes
    -----
    ``book_leverage`` is the notional-weighted leverage of the surviving book,
    :math:`\\sum_i |q_i| E_i / \\sum_i |q_i| E_i / L_i` (total notional over total margin).
    Highly levered cohorts are liquidated by ordinary volatility before they can accumulate,
    so a mix with higher leverage levels can give a *smaller* book.

    Examples
    --------
    >>> close = pd.Series([100.0, 100.0, 100.0])
    >>> oi = pd.Series([0.0, 1_000.0, 1_000.0])
    >>> g = leverage_mix_grid(close, oi, {"low": [2.0], "high": [10.0, 20.0]}, 100.0,
    ...                       [-0.05], [1e3])
    >>> g[["book", "book_leverage"]].round(2).values.tolist()
    [['low', 2.0], ['high', 13.33]]
    """
    if not mixes:
        raise ValueError("mixes must name at least one leverage mix")
    frames = []
    for name, lev in mixes.items():
        book = book_from_open_interest(
            price, open_interest, leverage=lev, low=low, high=high
        ).surviving(at_price)
        s = book.summary()
        g = cascade_grid(book, at_price, shocks, depths, **grid_kwargs).reset_index()
        g.insert(0, "book", name)
        g["book_notional"] = s["notional"].sum()
        g["book_leverage"] = s["notional"].sum() / s["margin"].sum()
        frames.append(g)
    return pd.concat(frames, ignore_index=True)


def critical_depth(
    book: PositionBook,
    price: float,
    shock: float,
    target_return: float,
    *,
    model: str = "sqrt",
    band: float = 0.005,
    margin_sensitivity: float = 0.0,
    depth_range: tuple[float, float] = (1e3, 1e12),
    rtol: float = 1e-3,
    max_rounds: int = 100_000,
) -> float:
    """Largest one-sided depth at which a shock cascades to at least a target move.

    Parameters
    ----------
    book : PositionBook
        Open positions (none past liquidation at ``price``).
    price : float
        Pre-shock price, quote per base unit; > 0.
    shock : float
        Exogenous simple return, in (-1, inf), non-zero (e.g. -0.03).
    target_return : float
        Total simple return to reach, same sign as ``shock`` and at least as large in
        absolute value (e.g. -0.129 for a 12.9% crash).
    model : {"sqrt", "linear"}, default "sqrt"
        Impact curve (see :class:`PriceImpact`).
    band : float, default 0.005
        Band of the depth measure, fraction of mid.
    margin_sensitivity : float, default 0.0
        Margin spiral strength :math:`\\beta` >= 0 (see :func:`simulate_cascade`).
    depth_range : (float, float), default (1e3, 1e12)
        Search interval for the depth, quote currency; 0 < low < high.
    rtol : float, default 1e-3
        Relative precision of the answer (bisection on log depth stops when
        ``high / low - 1 < rtol``).
    max_rounds : int, default 100000
        Bound on rounds per cascade.

    Returns
    -------
    float
        The critical depth :math:`D^*` (quote currency, one side, within ``band``): the cascade
        reaches ``target_return`` for every depth below it and not above it. ``nan`` if the
        target is not reached even at the lowest depth of ``depth_range``; the upper end of
        the range if it is reached even there.

    Raises
    ------
    TypeError, ValueError
        As in :func:`simulate_cascade`, and if ``target_return`` has the wrong sign or size
        or ``depth_range`` is not an increasing pair of positive numbers.

    See Also
    --------
    cascade_grid, simulate_cascade, calibrate_impact

    Notes
    -----
    Thinner depth means more impact per unit of flow, so more positions fire and the move
    grows: the final return is monotone in the depth :math:`D`, and
    :math:`D^* = \\sup\\{D : R(D) \\le r^*\\}` (falls; :math:`\\ge` for rises) is found by
    bisection on :math:`\\ln D`, with :math:`R(D)` the cascade's total return and :math:`r^*`
    the target. The book is sorted once for all trial depths.

    Examples
    --------
    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> d = critical_depth(book, 100.0, -0.10, -0.125, model="linear", depth_range=(10.0, 1e6))
    >>> bool(400.0 < d < 500.0)
    True
    >>> r = simulate_cascade(book, 100.0, -0.10, PriceImpact(0.99 * d, "linear"))
    >>> bool(r.total_return <= -0.125)
    True
    """
    tgt = _scalar(target_return, "target_return")
    lo, hi = (float(v) for v in depth_range)
    if not (0.0 < lo < hi) or not math.isfinite(hi):
        raise ValueError(
            f"depth_range must be an increasing pair of positive numbers; got {depth_range!r}"
        )
    r = _scalar(rtol, "rtol")
    if not r > 0.0:
        raise ValueError(f"rtol must be > 0; got {r!r}")
    p, sh, ms, rounds = _validate_cascade_args(
        book, price, shock, PriceImpact(lo, model, band), margin_sensitivity, max_rounds
    )
    if tgt * sh <= 0.0 or abs(tgt) < abs(sh):
        raise ValueError(
            "target_return must have the sign of shock and at least its size; "
            f"got target_return={tgt!r}, shock={sh!r}"
        )
    longs, shorts = _prepare(book, by_rate=ms > 0.0)

    def reaches(d: float) -> bool:
        res = _run_cascade(
            longs, shorts, p, sh, PriceImpact(d, model, band), ms, rounds, stacklevel=4
        )
        return res.total_return <= tgt if sh < 0 else res.total_return >= tgt

    if not reaches(lo):
        return float("nan")
    if reaches(hi):
        return hi
    while hi / lo - 1.0 >= r:
        mid = math.sqrt(lo * hi)
        if reaches(mid):
            lo = mid
        else:
            hi = mid
    return lo


def cascade_heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str = "total_return",
    title: str,
    x_title: str,
    y_title: str,
    value_title: str = "total move",
    value_format: str = ".0%",
) -> alt.LayerChart:
    """Heat map of a cascade outcome over two grid dimensions, with the value in each cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy grid, one row per cell, with columns ``x``, ``y`` and ``value`` (e.g. the
        reset index of :func:`cascade_grid` plus a label column). ``x`` and ``y`` are shown
        as ordered categories, in the order they first appear.
    x, y, value : str
        Column names.
    title, x_title, y_title, value_title : str
        Chart title, axis titles and legend title (put units in them).
    value_format : str, default ".0%"
        d3 format of the cell labels and the tooltip.

    Returns
    -------
    altair.LayerChart
        Rect marks coloured by ``value`` with text labels; 480 px wide.

    Raises
    ------
    KeyError
        If a column is missing.

    See Also
    --------
    cascade_grid, critical_depth

    Examples
    --------
    >>> df = pd.DataFrame({"depth": ["1x", "1x", "10x", "10x"], "mix": ["a", "b", "a", "b"],
    ...                    "total_return": [-0.3, -0.2, -0.05, -0.03]})
    >>> ch = cascade_heatmap(df, x="depth", y="mix", title="t", x_title="d", y_title="m")
    >>> [layer["mark"]["type"] for layer in ch.to_dict()["layer"]]
    ['rect', 'text']
    """
    require("altair", "charts")
    import altair as alt

    missing = [c for c in (x, y, value) if c not in frame.columns]
    if missing:
        raise KeyError(f"frame is missing columns {missing}")
    df = frame[[x, y, value]].copy()
    df[x] = df[x].astype(str)
    df[y] = df[y].astype(str)
    x_order = list(dict.fromkeys(df[x]))
    y_order = list(dict.fromkeys(df[y]))
    v = df[value].astype(float)
    mid = float(v.min() + v.max()) / 2.0
    df["_dark"] = v < mid if v.min() < 0 else v > mid
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=x_order),
        y=alt.Y(f"{y}:O", title=y_title, sort=y_order),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            title=value_title,
            scale=alt.Scale(scheme="reds", reverse=bool(v.min() < 0)),
            legend=alt.Legend(format=value_format),
        ),
        tooltip=[f"{x}:O", f"{y}:O", alt.Tooltip(f"{value}:Q", format=value_format)],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text(f"{value}:Q", format=value_format),
        color=alt.condition("datum._dark", alt.value("white"), alt.value("black")),
    )
    chart = alt.layer(rect, text).properties(width=480, height=220, title=title)
    return cast("alt.LayerChart", chart)


# --------------------------------------------------------------------------------------------
# liquidation map
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LiquidationMap:
    """Notional that would be liquidated at each price level (see :func:`liquidation_map`).

    Attributes
    ----------
    price : float
        Reference (current) price.
    edges : ndarray
        Bin edges of price levels, ascending (quote per base unit).
    long_notional, short_notional : ndarray
        Notional (quote currency, at the liquidation price) whose liquidation price falls in
        each bin, by side.

    See Also
    --------
    liquidation_map, liquidation_density

    Examples
    --------
    >>> m = liquidation_map(PositionBook("long", 100.0, 1.0, 10.0, 0.0), 100.0, bins=4)
    >>> m.levels
    array([ 85.,  95., 105., 115.])
    """

    price: float
    edges: FloatArray
    long_notional: FloatArray
    short_notional: FloatArray

    @property
    def levels(self) -> FloatArray:
        """Bin mid-points (quote per base unit)."""
        return np.asarray(0.5 * (self.edges[1:] + self.edges[:-1]))

    def to_frame(self) -> pd.DataFrame:
        """One row per level: notional by side and cumulative notional from the price outward.

        ``cumulative_long`` at a level below the price is the long notional liquidated if the
        price falls to that level (no feedback); ``cumulative_short`` likewise above.
        """
        lv = self.levels
        below = lv < self.price
        cum_long = np.where(below, np.cumsum(self.long_notional[::-1])[::-1], 0.0)
        cum_short = np.where(~below, np.cumsum(self.short_notional), 0.0)
        return pd.DataFrame(
            {
                "long_notional": self.long_notional,
                "short_notional": self.short_notional,
                "cumulative_long": cum_long,
                "cumulative_short": cum_short,
                "distance": lv / self.price - 1.0,
            },
            index=pd.Index(lv, name="price_level"),
        )

    def summary(self) -> pd.DataFrame:
        """Total long/short notional in the map and the densest level of each side."""
        lv = self.levels
        out = {}
        for name, arr in (("long", self.long_notional), ("short", self.short_notional)):
            j = int(np.argmax(arr)) if arr.size else 0
            out[name] = {
                "notional": float(arr.sum()),
                "densest_level": float(lv[j]) if arr.any() else np.nan,
                "densest_notional": float(arr[j]) if arr.any() else 0.0,
            }
        return pd.DataFrame(out).T

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"LiquidationMap around {self.price:,.6g}")

    def chart(self, marks: dict[str, float] | None = None) -> alt.LayerChart:
        """Bars of notional by price level, longs (below) and shorts (above); altair, 480 px.

        Parameters
        ----------
        marks : dict of str to float, optional
            Extra price levels to mark with labelled dashed rules (label -> price, quote per
            unit), e.g. ``{"crash low": 101_516.5}``. The reference price is always drawn
            as a solid rule.
        """
        require("altair", "charts")
        import altair as alt

        df = self.to_frame().reset_index()
        long_df = df[["price_level", "long_notional"]].rename(columns={"long_notional": "v"})
        short_df = df[["price_level", "short_notional"]].rename(columns={"short_notional": "v"})
        long_df["side"] = "long"
        short_df["side"] = "short"
        tidy = pd.concat([long_df, short_df], ignore_index=True)
        tidy = tidy[tidy["v"] > 0]
        bars = (
            alt.Chart(tidy)
            .mark_bar()
            .encode(
                x=alt.X(
                    "price_level:Q",
                    title="liquidation price (quote per unit)",
                    scale=alt.Scale(zero=False),
                ),
                y=alt.Y("v:Q", title="notional liquidated (quote)"),
                color=alt.Color("side:N", title="side"),
            )
        )
        rule = (
            alt.Chart(pd.DataFrame({"price": [self.price]}))
            .mark_rule(color="black")
            .encode(x="price:Q")
        )
        layers: list[Any] = [bars, rule]
        if marks:
            md = pd.DataFrame({"label": list(marks), "price": [float(v) for v in marks.values()]})
            mark_rule = alt.Chart(md).mark_rule(color="#555", strokeDash=[4, 3])
            layers.append(mark_rule.encode(x="price:Q", tooltip=["label:N", "price:Q"]))
            text = alt.Chart(md).mark_text(
                align="left", baseline="top", dx=3, dy=2, fontSize=10, color="#333"
            )
            layers.append(
                text.encode(x="price:Q", y=alt.value(2), text="label:N")  # top of the plot
            )
        chart = alt.layer(*layers).properties(
            width=480, height=260, title="Estimated liquidation map"
        )
        return cast("alt.LayerChart", chart)


def liquidation_map(
    book: PositionBook,
    price: float,
    *,
    width: float = 0.2,
    bins: int = 80,
) -> LiquidationMap:
    """Notional that would be liquidated at each price level around ``price``.

    Parameters
    ----------
    book : PositionBook
        Open positions (those already past liquidation at ``price`` are ignored).
    price : float
        Current price, quote per base unit; > 0.
    width : float, default 0.2
        Half-width of the price range as a fraction of ``price``, in (0, 1): levels span
        :math:`[P(1-w), P(1+w)]`.
    bins : int, default 80
        Number of equal-width price bins (>= 2; an even number puts ``price`` on an edge).

    Returns
    -------
    LiquidationMap

    Raises
    ------
    TypeError
        If ``book`` is not a PositionBook or ``bins`` is not an int.
    ValueError
        If ``price``, ``width`` or ``bins`` is out of its domain.

    See Also
    --------
    book_from_open_interest, simulate_cascade

    Notes
    -----
    The notional in bin :math:`[a, b)` is
    :math:`\\sum_i q_i P^{\\text{liq}}_i \\, 1\\{a \\le P^{\\text{liq}}_i < b\\}` over open
    longs (shorts), with :math:`q_i` the size in base units. It ignores feedback: for the price
    after feedback run :func:`simulate_cascade`.

    Examples
    --------
    >>> book = PositionBook(["long", "short"], 100.0, 1.0, 10.0, 0.0)
    >>> m = liquidation_map(book, 100.0, width=0.2, bins=4)
    >>> m.to_frame()[["long_notional", "short_notional"]]
                 long_notional  short_notional
    price_level
    85.0                   0.0             0.0
    95.0                  90.0             0.0
    105.0                  0.0             0.0
    115.0                  0.0           110.0
    """
    if not isinstance(book, PositionBook):
        raise TypeError(f"book must be a PositionBook; got {type(book).__name__}")
    p = float(check_positive(_arr(price, "price"), "price"))
    w = _scalar(width, "width")
    check_range(np.asarray(w), "width", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer):
        raise TypeError(f"bins must be an int; got {type(bins).__name__}")
    if bins < 2:
        raise ValueError(f"bins must be >= 2; got {bins}")
    edges = np.linspace(p * (1.0 - w), p * (1.0 + w), int(bins) + 1)
    alive = book.alive_at(p)
    liq = book.liquidation_price
    notional = book.size * liq
    out = []
    for s in (1.0, -1.0):
        m = alive & (book.sign == s)
        h, _ = np.histogram(liq[m], bins=edges, weights=notional[m])
        out.append(h.astype(np.float64))
    return LiquidationMap(p, edges, out[0], out[1])


# --------------------------------------------------------------------------------------------
# econometrics
# --------------------------------------------------------------------------------------------


def _align(named: dict[str, pd.Series]) -> pd.DataFrame:
    for k, v in named.items():
        _as_series(v, k)
    df = pd.concat(named, axis=1, join="inner")
    return df.dropna()


def _check_nobs(n: int, need: int, what: str) -> None:
    if n < need:
        raise InsufficientDataError(f"{what} needs at least {need} complete observations; got {n}")


@dataclass(frozen=True, slots=True)
class LiquidationRegression:
    """OLS of returns on liquidations with HAC standard errors (statsmodels names).

    Attributes
    ----------
    results : statsmodels RegressionResultsWrapper
        The fitted statsmodels results (``cov_type="HAC"``).
    maxlags : int
        Newey-West lag truncation used.

    See Also
    --------
    liquidation_regression, lead_lag

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(size=200)); sl = pd.Series(rng.exponential(size=200))
    >>> res = liquidation_regression(-0.01 * ll + pd.Series(rng.normal(0, 1e-3, 200)), ll, sl)
    >>> list(res.params.index)
    ['const', 'long_liquidations', 'short_liquidations']
    """

    results: Any
    maxlags: int

    @property
    def params(self) -> pd.Series:
        """Coefficients."""
        return self.results.params

    @property
    def bse(self) -> pd.Series:
        """HAC standard errors."""
        return self.results.bse

    @property
    def tvalues(self) -> pd.Series:
        """HAC t statistics."""
        return self.results.tvalues

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values."""
        return self.results.pvalues

    @property
    def nobs(self) -> int:
        """Observations used."""
        return int(self.results.nobs)

    @property
    def rsquared(self) -> float:
        """Coefficient of determination."""
        return float(self.results.rsquared)

    def summary(self) -> Any:
        """The statsmodels summary."""
        return self.results.summary()

    def to_frame(self) -> pd.DataFrame:
        """params, bse, tvalues, pvalues per regressor."""
        return pd.DataFrame(
            {
                "params": self.params,
                "bse": self.bse,
                "tvalues": self.tvalues,
                "pvalues": self.pvalues,
            }
        )

    def _repr_html_(self) -> str:
        return _html(
            self.to_frame(), f"OLS, HAC({self.maxlags}), nobs={self.nobs}, R²={self.rsquared:.3f}"
        )


def liquidation_regression(
    returns: pd.Series,
    long_liquidations: pd.Series,
    short_liquidations: pd.Series,
    open_interest_change: pd.Series | None = None,
    *,
    maxlags: int | None = None,
) -> LiquidationRegression:
    """Regress returns on long and short liquidation volume (and open-interest change).

    Parameters
    ----------
    returns : pandas.Series
        Returns per bar (log or simple, a fraction), indexed by time.
    long_liquidations, short_liquidations : pandas.Series
        Liquidated notional per bar by side (any consistent unit, e.g. USD millions).
    open_interest_change : pandas.Series, optional
        Change (or relative change) of open interest per bar.
    maxlags : int, optional
        Newey-West lag truncation; default :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor`.

    Returns
    -------
    LiquidationRegression

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than (regressors + 10) aligned complete rows remain.

    See Also
    --------
    lead_lag, liquidation_hunting_test

    Notes
    -----
    Rows are aligned on the index intersection and rows with any NaN are dropped. The model is

    .. math::

        r_t = \\alpha + \\beta_L \\,\\mathrm{LL}_t + \\beta_S \\,\\mathrm{SL}_t
        + \\gamma \\,\\Delta \\mathrm{OI}_t + \\varepsilon_t,

    with :math:`r_t` the return, :math:`\\mathrm{LL}_t, \\mathrm{SL}_t` long and short
    liquidations and :math:`\\Delta\\mathrm{OI}_t` the open-interest change, estimated by OLS
    with Newey-West (Bartlett kernel) HAC covariance. Contemporaneous liquidations are
    endogenous (a fall causes long liquidations), so :math:`\\beta_L` is an association, not a
    causal effect; :func:`lead_lag` looks at timing.

    References
    ----------
    Newey, W. K. and West, K. D. (1987), "A Simple, Positive Semi-Definite, Heteroskedasticity
    and Autocorrelation Consistent Covariance Matrix", Econometrica 55(3), 703-708,
    doi:10.2307/1913610.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(1.0, 500)); sl = pd.Series(rng.exponential(1.0, 500))
    >>> r = 0.01 * sl - 0.02 * ll + pd.Series(rng.normal(0, 0.001, 500))
    >>> res = liquidation_regression(r, ll, sl)
    >>> res.params.round(2).tolist()
    [0.0, -0.02, 0.01]
    """
    import statsmodels.api as sm

    named = {
        "returns": returns,
        "long_liquidations": long_liquidations,
        "short_liquidations": short_liquidations,
    }
    if open_interest_change is not None:
        named["open_interest_change"] = open_interest_change
    df = _align(named)
    k = len(named)
    _check_nobs(df.shape[0], k + 10, "liquidation_regression")
    lags = _newey_west_lags(df.shape[0]) if maxlags is None else int(maxlags)
    if lags < 0:
        raise ValueError(f"maxlags must be >= 0; got {maxlags}")
    X = sm.add_constant(df.drop(columns="returns"), has_constant="add")
    res = sm.OLS(df["returns"], X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return LiquidationRegression(res, lags)


def regression_table(
    regressions: dict[str, LiquidationRegression], *, coef_format: str = "{:+.4f}"
) -> pd.DataFrame:
    """Side-by-side table of several liquidation regressions: coefficient (HAC t) per cell.

    Parameters
    ----------
    regressions : dict of str to LiquidationRegression
        Column name -> fitted regression (see :func:`liquidation_regression`).
    coef_format : str, default "{:+.4f}"
        Format spec of the coefficients; t statistics are shown as ``{:+.1f}``.

    Returns
    -------
    pandas.DataFrame
        Strings: one row per regressor (in order of first appearance), then ``R²`` and
        ``observations``; one column per regression. A regressor a model lacks shows "–".

    Raises
    ------
    ValueError
        If ``regressions`` is empty.

    See Also
    --------
    liquidation_regression

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(1.0, 300)); sl = pd.Series(rng.exponential(1.0, 300))
    >>> r = -0.02 * ll + pd.Series(rng.normal(0, 0.001, 300))
    >>> oi = pd.Series(rng.normal(0, 1, 300))
    >>> t = regression_table({"a": liquidation_regression(r, ll, sl),
    ...                       "b": liquidation_regression(r, ll, sl, oi)})
    >>> t.index.tolist()
    ['const', 'long_liquidations', 'short_liquidations', 'open_interest_change',
     'R²', 'observations']
    >>> t.loc["open_interest_change", "a"]
    '–'
    """
    if not regressions:
        raise ValueError("regressions must hold at least one fitted regression")
    columns = {}
    for name, reg in regressions.items():
        f = reg.to_frame()
        cells = {
            k: f"{coef_format.format(f.loc[k, 'params'])} ({f.loc[k, 'tvalues']:+.1f})"
            for k in f.index
        }
        columns[name] = {**cells, "R²": f"{reg.rsquared:.3f}", "observations": f"{reg.nobs:,}"}
    rows = list(
        dict.fromkeys(k for c in columns.values() for k in c if k not in ("R²", "observations"))
    )
    return pd.DataFrame(columns).reindex([*rows, "R²", "observations"]).fillna("–")


@dataclass(frozen=True, slots=True)
class LeadLagResult:
    """Cross-correlations and HAC slopes of ``y[t+k]`` on ``x[t]`` for each lag ``k``.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``lag`` k (positive: x leads y) with columns ``corr``, ``params``, ``bse``,
        ``tvalues``, ``pvalues``, ``nobs``.
    maxlags : int
        Newey-West lag truncation used.

    See Also
    --------
    lead_lag

    Examples
    --------
    >>> x = pd.Series(np.random.default_rng(1).normal(size=200))
    >>> lead_lag(x, x.shift(1).fillna(0.0), max_lag=2).to_frame().index.tolist()
    [-2, -1, 0, 1, 2]
    """

    table: pd.DataFrame
    maxlags: int

    def to_frame(self) -> pd.DataFrame:
        """The lag table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The lag table (correlation, slope, HAC standard error, t, p, nobs by lag)."""
        return self.table.copy()

    @property
    def peak_lag(self) -> int:
        """Lag with the largest absolute correlation."""
        return int(np.asarray(self.table.index)[int(np.argmax(self.table["corr"].abs()))])

    def _repr_html_(self) -> str:
        return _html(self.table, f"Lead-lag, HAC({self.maxlags})")


def lead_lag(
    x: pd.Series,
    y: pd.Series,
    *,
    max_lag: int = 6,
    maxlags: int | None = None,
) -> LeadLagResult:
    """Lead-lag between two series: correlation and HAC slope of :math:`y_{t+k}` on :math:`x_t`.

    Parameters
    ----------
    x, y : pandas.Series
        Series on a common, regularly spaced index (e.g. liquidations and returns).
    max_lag : int, default 6
        Largest lead/lag in bars (>= 0); lags :math:`-K..K` are reported.
    maxlags : int, optional
        Newey-West lag truncation; default from the sample size.

    Returns
    -------
    LeadLagResult

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than ``2 * max_lag + 10`` aligned rows remain.

    See Also
    --------
    liquidation_regression

    Notes
    -----
    For each :math:`k \\in \\{-K,\\dots,K\\}`: :math:`\\rho_k = \\operatorname{corr}(x_t,
    y_{t+k})` and the OLS slope :math:`b_k` of :math:`y_{t+k} = a_k + b_k x_t + e_t` with HAC
    standard errors. :math:`k > 0` means :math:`x` leads :math:`y`. Shifting is by position, so
    the index must have no gaps (reindex to a full grid first).

    References
    ----------
    Newey, W. K. and West, K. D. (1994), "Automatic Lag Selection in Covariance Matrix
    Estimation", Review of Economic Studies 61(4), 631-653, doi:10.2307/2297912.

    Examples
    --------
    >>> x = pd.Series(np.random.default_rng(1).normal(size=300))
    >>> y = x.shift(2).fillna(0.0)
    >>> lead_lag(x, y, max_lag=3).peak_lag
    2
    """
    import statsmodels.api as sm

    if isinstance(max_lag, bool) or not isinstance(max_lag, int | np.integer) or max_lag < 0:
        raise ValueError(f"max_lag must be an int >= 0; got {max_lag!r}")
    df = pd.concat({"x": _as_series(x, "x"), "y": _as_series(y, "y")}, axis=1, join="inner")
    _check_nobs(int(df.dropna().shape[0]), 2 * max_lag + 10, "lead_lag")
    rows = []
    lags_used = 0
    for k in range(-max_lag, max_lag + 1):
        pair = pd.concat({"x": df["x"], "y": df["y"].shift(-k)}, axis=1).dropna()
        n = pair.shape[0]
        lags_used = _newey_west_lags(n) if maxlags is None else int(maxlags)
        fit = sm.OLS(pair["y"], sm.add_constant(pair["x"])).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags_used}
        )
        rows.append(
            {
                "lag": k,
                "corr": float(pair["x"].corr(pair["y"])),
                "params": float(fit.params["x"]),
                "bse": float(fit.bse["x"]),
                "tvalues": float(fit.tvalues["x"]),
                "pvalues": float(fit.pvalues["x"]),
                "nobs": n,
            }
        )
    return LeadLagResult(pd.DataFrame(rows).set_index("lag"), lags_used)


@dataclass(frozen=True, slots=True)
class HuntingTestResult:
    """Does the price move toward the denser side of the liquidation map?

    Attributes
    ----------
    nobs : int
        Bars used (ties and missing rows dropped).
    hit_rate : float
        Share of bars whose forward return points toward the denser side.
    chance_rate : float
        Hit rate expected if direction were independent of the map,
        :math:`\\pi_u \\pi_a + (1-\\pi_u)(1-\\pi_a)`.
    results : statsmodels RegressionResultsWrapper
        OLS of :math:`1\\{r^{fwd}_t > 0\\}` on a constant and :math:`1\\{\\text{above denser}\\}`,
        HAC covariance.
    maxlags : int
        Newey-West lag truncation.

    See Also
    --------
    liquidation_hunting_test, liquidation_density

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 300))))
    >>> a = pd.Series(rng.exponential(size=300)); b = pd.Series(rng.exponential(size=300))
    >>> liquidation_hunting_test(price, a, b).nobs
    299
    """

    nobs: int
    hit_rate: float
    chance_rate: float
    results: Any
    maxlags: int

    @property
    def params(self) -> pd.Series:
        """Constant and the difference in up-move probability (above denser minus below)."""
        return self.results.params

    @property
    def pvalue(self) -> float:
        """One-sided p-value of ``H1: params['above_denser'] > 0`` (hunting)."""
        from scipy import stats

        t = float(self.results.tvalues["above_denser"])
        return float(stats.norm.sf(t))

    def summary(self) -> pd.DataFrame:
        """Hit rate versus chance, the probability difference, HAC t and one-sided p."""
        return pd.DataFrame(
            {
                "value": [
                    self.nobs,
                    self.hit_rate,
                    self.chance_rate,
                    float(self.params["above_denser"]),
                    float(self.results.bse["above_denser"]),
                    float(self.results.tvalues["above_denser"]),
                    self.pvalue,
                ]
            },
            index=["nobs", "hit_rate", "chance_rate", "params", "bse", "tvalues", "pvalue"],
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Liquidation-hunting test")


def liquidation_hunting_test(
    price: pd.Series,
    liquidations_above: pd.Series,
    liquidations_below: pd.Series,
    *,
    horizon: int = 1,
    maxlags: int | None = None,
) -> HuntingTestResult:
    """Test whether the price moves toward dense estimated liquidation levels.

    Parameters
    ----------
    price : pandas.Series
        Price per bar, > 0.
    liquidations_above : pandas.Series
        Estimated short-liquidation notional within a band above the price at each bar, built
        only from data up to that bar (e.g. from :func:`liquidation_map` of a book from
        :func:`book_from_open_interest` truncated at the bar); >= 0.
    liquidations_below : pandas.Series
        The same for long liquidations below the price.
    horizon : int, default 1
        Forward horizon in bars (>= 1).
    maxlags : int, optional
        Newey-West lag truncation; default ``max(horizon, Newey-West rule)`` since overlapping
        forward returns are autocorrelated up to lag ``horizon - 1``.

    Returns
    -------
    HuntingTestResult

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than 30 usable bars remain.

    See Also
    --------
    liquidation_map, book_from_open_interest

    Notes
    -----
    Let :math:`a_t = 1\\{\\text{above}_t > \\text{below}_t\\}` and
    :math:`u_t = 1\\{P_{t+h} > P_t\\}`. The hit rate is the share of bars with
    :math:`u_t = a_t`. With no hunting, direction is independent of the map and the hit rate
    is :math:`\\pi_u \\pi_a + (1-\\pi_u)(1-\\pi_a)`, with :math:`\\pi_u, \\pi_a` the sample shares.
    The test is the linear-probability regression

    .. math::

        u_t = c + \\delta a_t + e_t,

    where :math:`\\delta = P(u=1 | a=1) - P(u=1 | a=0)`; hunting predicts :math:`\\delta > 0`.
    HAC errors handle overlapping horizons. Bars with equal density on both sides or a zero
    forward return are dropped. The map must be built without look-ahead, or the test is void.

    References
    ----------
    Osler, C. L. (2005), "Stop-loss orders and price cascades in currency markets", Journal of
    International Money and Finance 24(2), 219-241, doi:10.1016/j.jimonfin.2004.12.002.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 400))))
    >>> above = pd.Series(rng.exponential(1.0, 400)); below = pd.Series(rng.exponential(1.0, 400))
    >>> res = liquidation_hunting_test(price, above, below)
    >>> bool(abs(res.hit_rate - res.chance_rate) < 0.1)
    True
    """
    import statsmodels.api as sm

    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be an int >= 1; got {horizon!r}")
    p = _as_series(price, "price")
    check_positive(as_float_array(p.dropna(), "price"), "price")
    above = _as_series(liquidations_above, "liquidations_above")
    below = _as_series(liquidations_below, "liquidations_below")
    check_positive(
        as_float_array(above.dropna(), "liquidations_above"), "liquidations_above", strict=False
    )
    check_positive(
        as_float_array(below.dropna(), "liquidations_below"), "liquidations_below", strict=False
    )
    fwd = p.shift(-horizon) / p - 1.0
    df = pd.concat({"fwd": fwd, "above": above, "below": below}, axis=1, join="inner").dropna()
    df = df[(df["above"] != df["below"]) & (df["fwd"] != 0.0)]
    n = int(df.shape[0])
    _check_nobs(n, 30, "liquidation_hunting_test")
    u = (df["fwd"] > 0).astype(np.float64).rename("up")
    a = (df["above"] > df["below"]).astype(np.float64).rename("above_denser")
    hit = float((u == a).mean())
    pu, pa = float(u.mean()), float(a.mean())
    chance = pu * pa + (1.0 - pu) * (1.0 - pa)
    lags = max(horizon, _newey_west_lags(n)) if maxlags is None else int(maxlags)
    fit = sm.OLS(u, sm.add_constant(a)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return HuntingTestResult(n, hit, chance, fit, lags)


def open_interest_drop(
    price: pd.Series,
    open_interest: pd.Series,
    long_liquidations: pd.Series,
    short_liquidations: pd.Series,
    before: Any,
    after: Any,
) -> pd.Series:
    """Open interest lost between two bars, in quote and base units, against reported liquidations.

    In a crash open interest falls through voluntary closes, auto-deleveraging and
    liquidations; exchange liquidation feeds report only part of the last. This compares the
    open interest that vanished with the liquidations reported for the bar ``after``.

    Parameters
    ----------
    price : pandas.Series
        Close per bar, quote per base unit.
    open_interest : pandas.Series
        Open interest per bar at the close, quote currency (e.g. USD).
    long_liquidations, short_liquidations : pandas.Series
        Reported liquidated notional per bar by side, quote currency.
    before, after : label
        Index labels of the bar before the event and of the event bar.

    Returns
    -------
    pandas.Series
        ``price_before``, ``price_after``; ``oi_before``, ``oi_after``, ``oi_lost`` (quote)
        and ``oi_lost_share``; ``oi_base_before``, ``oi_base_after``, ``oi_base_lost`` (base
        units) and ``oi_base_lost_share``; ``oi_base_lost_value`` (the coins lost valued at
        ``price_after``); ``long_liquidations``, ``short_liquidations``, ``liquidations`` and
        ``long_share`` of the event bar; ``oi_lost_to_liquidations``, the ratio of
        ``oi_base_lost_value`` to ``liquidations``.

    Raises
    ------
    KeyError
        If ``before`` or ``after`` is not in an index.

    See Also
    --------
    liquidation_regression

    Notes
    -----
    Open interest in quote currency is :math:`Q_t P_t` with :math:`Q_t` base units, so its
    change mixes the price move with closed positions. The base-unit loss
    :math:`Q_{t_0} - Q_{t_1}` with :math:`Q_t = \\mathrm{OI}_t / P_t` counts coins only; valued
    at :math:`P_{t_1}` it is the notional that left the market, an upper bound on forced
    selling. A ratio well above 1 measures closes that the liquidation feed did not report (or
    that were not liquidations).

    Examples
    --------
    >>> idx = pd.Index([0, 1])
    >>> out = open_interest_drop(pd.Series([100.0, 80.0], idx), pd.Series([1e6, 4e5], idx),
    ...                          pd.Series([0.0, 5e4], idx), pd.Series([0.0, 1e4], idx), 0, 1)
    >>> out[["oi_lost_share", "oi_base_lost", "oi_base_lost_share", "oi_lost_to_liquidations"]]
    oi_lost_share               0.6
    oi_base_lost             5000.0
    oi_base_lost_share          0.5
    oi_lost_to_liquidations     6.666667
    dtype: float64
    """
    p0, p1 = float(price.loc[before]), float(price.loc[after])
    oi0, oi1 = open_interest.loc[before], open_interest.loc[after]
    q0, q1 = oi0 / p0, oi1 / p1
    long_l, short_l = long_liquidations.loc[after], short_liquidations.loc[after]
    liquidations = long_l + short_l
    return pd.Series(
        {
            "price_before": p0,
            "price_after": p1,
            "oi_before": oi0,
            "oi_after": oi1,
            "oi_lost": oi0 - oi1,
            "oi_lost_share": (oi0 - oi1) / oi0,
            "oi_base_before": q0,
            "oi_base_after": q1,
            "oi_base_lost": q0 - q1,
            "oi_base_lost_share": (q0 - q1) / q0,
            "oi_base_lost_value": (q0 - q1) * p1,
            "long_liquidations": long_l,
            "short_liquidations": short_l,
            "liquidations": liquidations,
            "long_share": long_l / liquidations,
            "oi_lost_to_liquidations": (q0 - q1) * p1 / liquidations,
        },
        dtype=float,
    )


def liquidations_by_asset(
    events: pd.DataFrame,
    *,
    value: str,
    asset: str,
    assets: Sequence[str],
    freq: str = "D",
    other: str = "other",
) -> pd.DataFrame:
    """Liquidated amount per period by collateral asset, the smaller assets pooled.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per liquidation event on a DatetimeIndex.
    value : str
        Column with the amount of each event (e.g. debt repaid in USD).
    asset : str
        Column with the asset of each event (e.g. the collateral seized).
    assets : sequence of str
        Assets shown on their own, in this column order; all others are summed in ``other``.
    freq : str, default "D"
        Period of the sums (a pandas frequency; periods without events are left out).
    other : str, default "other"
        Name of the pooled column.

    Returns
    -------
    pandas.DataFrame
        Indexed by period start, columns (named ``asset``) ``assets`` then ``other``; sums of
        ``value`` (0 where an asset had no event in the period). Rows add up to the period's
        total.

    Raises
    ------
    KeyError
        If ``value`` or ``asset`` is not a column.

    See Also
    --------
    open_interest_drop

    Examples
    --------
    >>> ev = pd.DataFrame({"usd": [1.0, 2.0, 4.0], "coll": ["WETH", "LINK", "WETH"]},
    ...                   index=pd.to_datetime(["2021-05-19 01:00", "2021-05-19 02:00",
    ...                                         "2021-05-20 03:00"]))
    >>> liquidations_by_asset(ev, value="usd", asset="coll", assets=["WETH"])
    asset       WETH  other
    2021-05-19   1.0    2.0
    2021-05-20   4.0    0.0
    """
    missing = [c for c in (value, asset) if c not in events.columns]
    if missing:
        raise KeyError(f"events has no column(s) {missing}")
    keep = list(assets)
    label = events[asset].where(events[asset].isin(keep), other).rename("asset")
    sums = events.groupby([pd.Grouper(freq=freq), label])[value].sum().unstack().fillna(0.0)
    return sums.reindex(columns=[*keep, other], fill_value=0.0)
