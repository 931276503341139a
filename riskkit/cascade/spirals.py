"""Liquidity and margin spirals, and the cascade over grids of shocks, depths and books.

* :func:`liquidity_spiral` decomposes a cascade's move into shock, loss spiral and margin
  spiral in the sense of Brunnermeier & Pedersen (2009) (:class:`LiquiditySpiralResult`).
* :func:`cascade_grid` -- the same cascade over a grid of shocks, depths and margin policies
  (resilience: which mixes turn a modest shock into a crash); :func:`leverage_mix_grid` runs it
  on books re-estimated under several leverage assumptions; :func:`critical_depth` finds the
  depth at which a shock becomes a given crash.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_instance, check_mapping, describe
from riskkit._validation import as_float_array, check_positive, check_range
from riskkit.cascade._common import _arr, _html, _scalar
from riskkit.cascade.book import PositionBook, book_from_open_interest
from riskkit.cascade.impact import PriceImpact
from riskkit.cascade.simulate import (
    CascadeResult,
    _prepare,
    _run_cascade,
    _validate_cascade_args,
    simulate_cascade,
)

__all__ = [
    "LiquiditySpiralResult",
    "cascade_grid",
    "critical_depth",
    "leverage_mix_grid",
    "liquidity_spiral",
]


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
    check_instance(book, "book", PositionBook)
    check_instance(impact, "impact", PriceImpact)
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
    check_instance(book, "book", PositionBook)
    for name, value in (
        ("shocks", shocks),
        ("depths", depths),
        ("margin_sensitivity", margin_sensitivity),
    ):
        if np.ndim(value) > 1:
            raise ValueError(f"{name} must be a number or a 1-D sequence; got {describe(value)}")
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
    check_mapping(mixes, "mixes", "sequence of leverage levels")
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
