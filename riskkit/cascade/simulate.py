"""The cascade simulator: liquidations move the price, which fires more liquidations.

An exogenous price shock pushes some leveraged positions through their liquidation prices; the
venue closes them with market orders; those orders move the price through the order book; the
new price fires more liquidations; and so on until no position is left between the current
price and the next one (a fixed point) or a round bound is reached.
:func:`simulate_cascade` runs it (sort once, advance with prefix sums), with an optional margin
spiral; ``_reference_cascade`` is the slow step-by-step version that tests and benchmarks
compare it with.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import scalar_array
from riskkit._typing import FloatArray
from riskkit._validation import check_positive, check_range
from riskkit.cascade._common import _arr, _frozen, _html, _liquidation_key
from riskkit.cascade.book import PositionBook
from riskkit.cascade.impact import PriceImpact
from riskkit.exceptions import RiskkitWarning

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["CascadeBoundWarning", "CascadeResult", "simulate_cascade"]

logger = logging.getLogger(__name__)


class CascadeBoundWarning(RiskkitWarning):
    """A cascade stopped at ``max_rounds`` before reaching a fixed point; raise ``max_rounds``."""


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
        """Price by round (line) with notional liquidated per round (bars); altair, 480 px.

        See Also
        --------
        riskkit.charts.cascade.cascade_chart : the builder this delegates to.
        """
        require("altair", "charts")
        from riskkit.charts.cascade import cascade_chart

        return cascade_chart(self)


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
    p = float(check_positive(scalar_array(price, "price"), "price"))
    sh = float(check_range(scalar_array(shock, "shock"), "shock", -1.0, None, low_inclusive=False))
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
