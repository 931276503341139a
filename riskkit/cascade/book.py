"""Position books: positions, books estimated from open interest, and liquidation maps.

* :class:`PositionBook` -- many isolated-margin positions (side, entry price, size, leverage,
  maintenance margin rate), built explicitly or estimated from open interest by
  :func:`book_from_open_interest` (the method behind public "liquidation maps").
* :func:`liquidation_map` -- notional that would be liquidated at each price level
  (:class:`LiquidationMap`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_tz_same, scalar_array
from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_option, check_positive, check_range
from riskkit.cascade._common import (
    _arr,
    _as_series,
    _fast_side_sign,
    _frozen,
    _html,
    _isolated_liquidation_price,
    _scalar,
)
from riskkit.exceptions import InsufficientDataError

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["LiquidationMap", "PositionBook", "book_from_open_interest", "liquidation_map"]

logger = logging.getLogger(__name__)


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
    check_tz_same(
        price=price, open_interest=open_interest, long_share=long_share, low=low, high=high
    )
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
        alpha = np.full(
            n, float(check_range(scalar_array(long_share, "long_share"), "long_share", 0, 1))
        )
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

        See Also
        --------
        riskkit.charts.cascade.liquidation_map_chart : the builder this delegates to.
        """
        require("altair", "charts")
        from riskkit.charts.cascade import liquidation_map_chart

        return liquidation_map_chart(self, marks)


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
    p = float(check_positive(scalar_array(price, "price"), "price"))
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
