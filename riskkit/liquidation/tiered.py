"""Tier-aware liquidation prices: the venue's tier consistent with the liquidation price.

:func:`liquidation_price_tiered` solves on a :class:`~riskkit.margin.MarginTiers` table (mark-
or entry-based tiers and maintenance); :func:`liquidation_table` and
:func:`liquidation_tables` tabulate it per entry, leverage and venue, and
:func:`min_liquidated_leverage_tiered` inverts it for the leverage a move wiped out.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from riskkit._deprecate import renamed_kwargs
from riskkit._errors import check_mapping, scalar_array
from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_range,
    wrap_like,
)
from riskkit.exceptions import TierMismatchWarning
from riskkit.liquidation._fast import _arr, _contract, _positive, _sign
from riskkit.liquidation.prices import _fixed_kernel, _kernel
from riskkit.margin import MarginTiers

__all__ = [
    "liquidation_price_tiered",
    "liquidation_table",
    "liquidation_tables",
    "min_liquidated_leverage_tiered",
]


# --------------------------------------------------------------------------------------------
# tier-aware solving
# --------------------------------------------------------------------------------------------
def _flat(x: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    # a 1-d view (or a 0-d scalar that broadcasts) of an input on the broadcast shape
    if x.shape == shape:
        return x.reshape(-1)
    if x.size == 1:
        return x.reshape(())
    return np.broadcast_to(x, shape).reshape(-1)


def _take(x: FloatArray, idx: Any) -> FloatArray:
    return x if x.ndim == 0 else x[idx]


class _Prep(NamedTuple):
    continuous: bool
    b_up: FloatArray  # breakpoints g(F_k) for sigma = +1
    b_dn: FloatArray  # and for sigma = -1


_PREP: dict[int, tuple[MarginTiers, _Prep]] = {}


def _prepared(tiers: MarginTiers) -> _Prep:
    # per-table constants, kept (with the table, so that its id is not reused) for later calls
    hit = _PREP.get(id(tiers))
    if hit is not None and hit[0] is tiers:
        return hit[1]
    floor, rate, amount = (
        tiers.notional_floor,
        tiers.maintenance_margin_rate,
        tiers.maintenance_amount,
    )
    prep = _Prep(
        _is_continuous(tiers),
        floor * (1.0 - rate) + amount,
        floor * (1.0 + rate) - amount,
    )
    if len(_PREP) > 512:
        _PREP.clear()
    _PREP[id(tiers)] = (tiers, prep)
    return prep


def _is_continuous(tiers: MarginTiers) -> bool:
    # maintenance margin V m_k - A_k continuous at every floor (the cum recursion, any A_0)
    f, r, a = tiers.notional_floor, tiers.maintenance_margin_rate, tiers.maintenance_amount
    if f.size < 2:
        return True
    jump = f[1:] * (r[1:] - r[:-1]) - (a[1:] - a[:-1])
    scale = np.maximum(np.abs(f[1:] * r[1:]), 1.0)
    return bool(np.all(np.abs(jump) <= 1e-9 * scale) and np.all(r < 1.0))


def _warn_beyond(
    count: int, tiers: MarginTiers, what: str = "a notional at the liquidation price"
) -> None:
    warnings.warn(
        f"{count} position(s) have {what} above the last "
        f"tier cap {tiers.notional_cap[-1]:g} of {tiers.venue} {tiers.symbol}; the last tier is "
        "applied. The venue would not accept such positions; reduce the size.",
        TierMismatchWarning,
        stacklevel=5,
    )


def _tiered(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    tiers: MarginTiers,
    linear: bool,
    want_tier: bool = True,
) -> tuple[FloatArray, FloatArray | None]:
    s, e, q, m_ = (np.asarray(x, dtype=np.float64) for x in (s, e, q, m_))
    shapes = {x.shape for x in (s, e, q, m_) if x.ndim}
    if len(shapes) > 1:
        shape = np.broadcast_shapes(s.shape, e.shape, q.shape, m_.shape)
    else:  # the common case: equal shapes or scalars (np.broadcast_shapes costs ~20 us)
        shape = shapes.pop() if shapes else ()
    if tiers.tier_basis in ("entry", "size"):
        return _tiered_entry(s, e, q, m_, tiers, linear, shape, want_tier)
    if not _prepared(tiers).continuous:
        s, e, q, m_ = np.broadcast_arrays(s, e, q, m_)
        return _tiered_walk(s, e, q, m_, tiers, linear)
    return _tiered_closed(s, e, q, m_, tiers, linear, shape, want_tier)


_CHUNK = 32_768  # positions per block: the block's temporaries stay in the CPU cache


def _tiered_closed(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    tiers: MarginTiers,
    linear: bool,
    shape: tuple[int, ...],
    want_tier: bool,
) -> tuple[FloatArray, FloatArray | None]:
    # With sigma = s (linear) or -s (inverse) and T = Q E - sigma M (linear) or Q/E - sigma M
    # (inverse), equity = maintenance reads g(V) = V - sigma MM(V) = T in the notional V at the
    # liquidation price. g is continuous and increasing (slope 1 - sigma m_k > 0), so the tier
    # is the k with B_k = g(F_k) <= T < B_{k+1} and V = (T - sigma A_k) / (1 - sigma m_k).
    # Every position gets tier 1's closed form; only those whose V reaches F_2 are counted
    # against the breakpoints B_k. Blocks of _CHUNK positions keep the temporaries in cache.
    floor, cap = tiers.notional_floor, tiers.notional_cap
    rate, amount = tiers.maintenance_margin_rate, tiers.maintenance_amount
    last = tiers.n_tiers - 1
    r0, a0 = float(rate[0]), float(amount[0])
    sig_r = -r0 if linear else r0  # -sigma m_0 = sig_r s
    sig_a = -a0 if linear else a0  # -sigma A_0 = sig_a s
    f1 = float(floor[1]) if last else np.inf
    _, b_up, b_dn = _prepared(tiers)  # B_k for sigma = +1 and -1
    cap_last = float(cap[last])
    n = int(np.prod(shape))
    out = np.empty(shape)
    of = out.reshape(-1)
    tier = np.zeros(shape) if want_tier else None
    tf = None if tier is None else tier.reshape(-1)
    sf, ef, qf, mf = (_flat(x, shape) for x in (s, e, q, m_))
    width = min(n, _CHUNK)
    t_buf, d_buf = np.empty(width), np.empty(width)
    hit_buf = np.empty(width, dtype=bool)
    over = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for lo in range(0, n, _CHUNK):
            hi = min(lo + _CHUNK, n)
            w = hi - lo
            sc, ec, qc, mc = (x if x.ndim == 0 else x[lo:hi] for x in (sf, ef, qf, mf))
            t, d, o = t_buf[:w], d_buf[:w], of[lo:hi]
            np.multiply(sc, mc, out=d)  # s M
            if linear:
                np.multiply(qc, ec, out=t)
                t -= d  # T = Q E - s M
            else:
                np.divide(qc, ec, out=t)
                t += d  # T = Q/E + s M
            np.multiply(sc, sig_r, out=d)
            d += 1.0  # 1 - sigma m_0
            if a0:
                np.multiply(sc, sig_a, out=o)
                o += t
                np.divide(o, d, out=o)
            else:
                np.divide(t, d, out=o)  # V under tier 1
            if last:
                hit = hit_buf[:w]
                np.greater_equal(o, f1, out=hit)
                if hit.any():
                    j = np.flatnonzero(hit)
                    tj = t[j]
                    sj = np.broadcast_to(sc if sc.ndim == 0 else sc[j], tj.shape)
                    up = sj > 0 if linear else sj < 0  # sigma = +1
                    k = np.zeros(j.size, dtype=np.intp)
                    for lvl in range(1, last + 1):
                        more = tj >= np.where(up, b_up[lvl], b_dn[lvl])
                        if not more.any():
                            break
                        k += more
                    sig = np.where(up, 1.0, -1.0)
                    vj = (tj - sig * amount[k]) / (1.0 - sig * rate[k])
                    o[j] = vj
                    if tf is not None:
                        tf[lo + j] = k
                    over += int(np.count_nonzero(vj >= cap_last))
            elif cap_last < np.finfo(np.float64).max:
                over += int(np.count_nonzero(o >= cap_last))
            # the price from the notional: linear P = V/Q (0 when V <= 0: a long that cannot
            # be liquidated); inverse P = Q/V (inf when V <= 0)
            if linear:
                np.divide(o, qc, out=o)
                np.maximum(o, 0.0, out=o)
            else:
                np.maximum(o, 0.0, out=o)
                np.divide(qc, o, out=o)
    if over:
        _warn_beyond(over, tiers)
    return out, tier


def _tiered_entry(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    tiers: MarginTiers,
    linear: bool,
    shape: tuple[int, ...],
    want_tier: bool,
) -> tuple[FloatArray, FloatArray | None]:
    # the tier of the entry notional (or of the size, which no price changes): tier 1 for
    # everyone, then the few positions above it
    floor = tiers.notional_floor
    rate, amount = tiers.maintenance_margin_rate, tiers.maintenance_amount
    last = tiers.n_tiers - 1
    s, e, q, m_ = np.broadcast_arrays(s, e, q, m_)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        v0 = q * e if linear else q / e
    fixed = tiers.maintenance_basis == "entry"
    by_size = tiers.tier_basis == "size"
    key = q if by_size else v0

    def price(ss: Any, ee: Any, qq: Any, mm: Any, vv: Any, rr: Any, aa: Any) -> FloatArray:
        if fixed:
            return np.asarray(_fixed_kernel(ss, ee, qq, mm, vv * rr - aa, linear))
        return np.asarray(_kernel(ss, ee, qq, mm, rr, aa, linear))

    kf_all = key.reshape(-1)
    over = kf_all > tiers.notional_cap[-1] if by_size else kf_all >= tiers.notional_cap[-1]
    if np.any(over):
        _warn_beyond(
            int(np.count_nonzero(over)), tiers, "a size" if by_size else "an entry notional"
        )
    r0, a0 = np.asarray(rate[0]), np.asarray(amount[0])
    p = np.array(price(s, e, q, m_, v0, r0, a0), dtype=np.float64).reshape(shape)
    tier: FloatArray | None = np.zeros(shape) if want_tier else None
    if last:
        v0f = v0.reshape(-1)
        kf = key.reshape(-1)
        up = np.flatnonzero(kf > floor[1] if by_size else kf >= floor[1])
        if up.size:
            if by_size:  # size tiers include their cap (OKX "Max. amount")
                k = np.clip(np.searchsorted(floor, kf[up], side="left") - 1, 0, last)
            else:
                k = np.clip(np.searchsorted(floor, kf[up], side="right") - 1, 0, last)
            ss, ee, qq, mm = (x.reshape(-1)[up] for x in (s, e, q, m_))
            p.reshape(-1)[up] = price(ss, ee, qq, mm, v0f[up], rate[k], amount[k])
            if tier is not None:
                tier.reshape(-1)[up] = k
    return p, tier


def _tiered_walk(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    tiers: MarginTiers,
    linear: bool,
) -> tuple[FloatArray, FloatArray]:
    # Tables whose maintenance margin jumps at a floor (amounts not from the cum recursion):
    # start from the tier of the entry notional and walk each inconsistent position one tier
    # towards its liquidation notional.
    floor, cap = tiers.notional_floor, tiers.notional_cap
    rate, amount = tiers.maintenance_margin_rate, tiers.maintenance_amount
    last = tiers.n_tiers - 1

    def notional_at(qq: FloatArray, pp: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return qq * pp if linear else qq / pp

    def tier_of(v: FloatArray) -> FloatArray:
        return np.clip(np.searchsorted(floor, v, side="right") - 1, 0, last)

    k = tier_of(q * e if linear else q / e).astype(np.intp)
    pf = np.asarray(_kernel(s, e, q, m_, rate[k], amount[k], linear), dtype=np.float64)
    pf = pf.reshape(-1).copy() if pf.ndim == 0 else pf.reshape(-1)
    kf = k.reshape(-1)
    sf, ef, qf, mf = s.reshape(-1), e.reshape(-1), q.reshape(-1), m_.reshape(-1)
    v = notional_at(qf, pf)
    sub = np.flatnonzero((v < floor[kf]) | (v >= cap[kf]))  # inconsistent positions only
    for _ in range(2 * tiers.n_tiers):
        if not sub.size:
            break
        ks = kf[sub]
        target = tier_of(notional_at(qf[sub], pf[sub]))
        keep = target != ks
        sub, ks, target = sub[keep], ks[keep], target[keep]
        kk = ks + np.sign(target - ks).astype(np.intp)
        kf[sub] = kk
        pf[sub] = _kernel(sf[sub], ef[sub], qf[sub], mf[sub], rate[kk], amount[kk], linear)
    if sub.size:
        # still inconsistent after the walk: the two tiers around a floor F point at each other
        # (equity is above the lower tier's maintenance at F and below the upper tier's), so
        # maintenance jumps past equity at F itself and the position is liquidated there
        up = np.maximum(kf[sub], tier_of(notional_at(qf[sub], pf[sub])))
        kf[sub] = up
        with np.errstate(divide="ignore"):
            pf[sub] = floor[up] / qf[sub] if linear else qf[sub] / floor[up]
    at_last = np.flatnonzero(kf == last)
    beyond = at_last[notional_at(qf[at_last], pf[at_last]) >= cap[last]]
    if beyond.size:
        _warn_beyond(int(beyond.size), tiers)
    price = pf.reshape(s.shape)
    tier = kf.reshape(s.shape)
    return price, tier.astype(np.float64)


def liquidation_price_tiered(
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    tiers: MarginTiers,
    contract: str | None = None,
) -> Any:
    """Liquidation price using the tier that is consistent with the position (venue rule).

    Parameters
    ----------
    side, entry_price, size, margin
        As in :func:`liquidation_price`.
    tiers : MarginTiers
        The venue's table (e.g. :func:`riskkit.margin.load_tiers`).
    contract : {"linear", "inverse"}, optional
        Defaults to ``tiers.contract``; must match it.

    Returns
    -------
    float, ndarray or Series
        Liquidation price, quote per base.

    Raises
    ------
    TypeError
        If ``tiers`` is not a :class:`~riskkit.margin.MarginTiers`.
    ValueError
        As in :func:`liquidation_price`, or if ``contract`` differs from ``tiers.contract``.

    See Also
    --------
    liquidation_price, liquidation_table

    Notes
    -----
    With ``tiers.tier_basis == "liquidation"`` (Binance, Hyperliquid), the price is the
    :math:`P_k` from :func:`liquidation_price` with tier :math:`k`'s :math:`(m_k, A_k)` for the
    :math:`k` where the notional at :math:`P_k` lies in :math:`[F_k, F_{k+1})`. Binance's FAQ
    requires this re-check ("if the position calculated at the liquidation price and the current
    position are of different levels, substitute the level at the liquidation price").

    With side :math:`s`, :math:`\\sigma = s` (linear) or :math:`-s` (inverse) and
    :math:`T = QE - \\sigma M` (linear) or :math:`Q/E - \\sigma M` (inverse), the equation in the
    notional :math:`V` at the liquidation price is
    :math:`g(V) = V - \\sigma\\,\\mathrm{MM}(V) = T`. When the amounts follow the cum recursion,
    :math:`\\mathrm{MM}` is continuous, :math:`g` is continuous and increasing (slope
    :math:`1 - \\sigma m_k > 0`), exactly one tier is consistent, and it is the :math:`k` with
    :math:`g(F_k) \\le T < g(F_{k+1})`; then
    :math:`V = (T - \\sigma A_k)/(1 - \\sigma m_k)` and :math:`P = V/Q` (linear) or :math:`Q/V`
    (inverse). Every position gets tier 1's closed form; only those whose :math:`V` reaches
    :math:`F_2` are compared with the breakpoints :math:`g(F_k)`. The work runs in blocks of
    32,768 positions so that the temporaries stay in the CPU cache: :math:`O(n)` time,
    :math:`O(n)` memory for the result only. Tables whose maintenance margin jumps at a floor
    are solved by walking each inconsistent position one tier at a time from its entry tier.

    With ``tier_basis == "entry"`` (Bybit classic risk limit) the tier is that of the entry
    notional, and with ``maintenance_basis == "entry"`` the maintenance margin is fixed at entry
    (:func:`liquidation_price_fixed_maintenance`). With ``tier_basis == "size"`` (OKX position
    tiers, counted in contracts) the tier is that of the size :math:`Q` itself,
    :math:`F_k < Q \\le F_{k+1}`, which no price changes, so the price is the closed form with
    that tier's rate.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts",
    https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = load_tiers("binance_usdm_btcusdt_2021-03")
    >>> round(liquidation_price_tiered("long", 50_000.0, 10.0, 50_000.0, t), 2)
    45323.23
    """
    (side, entry_price, size, margin), _ = align_series(
        side, entry_price, size, margin, names=("side", "entry_price", "size", "margin")
    )
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    c = tiers.contract if contract is None else _contract(contract)
    if c != tiers.contract:
        raise ValueError(f"contract must match tiers.contract {tiers.contract!r}; got {contract!r}")
    price = _tiered_price(_sign(side), entry_price, size, margin, tiers)
    return wrap_like(price, side, entry_price, size, margin, name="liquidation_price")


def _tiered_price(
    s: FloatArray, entry_price: Any, size: Any, margin: Any, tiers: MarginTiers
) -> FloatArray:
    # liquidation_price_tiered after the side is parsed (+1/-1 floats) and the index aligned
    e = _positive(entry_price, "entry_price")
    q = _positive(size, "size")
    m_ = _arr(margin, "margin")
    price, _ = _tiered(s, e, q, m_, tiers, tiers.contract == "linear", want_tier=False)
    return price


@renamed_kwargs(price_extreme="extreme_price")
def liquidation_table(
    entry_price: ArrayLike,
    leverage: ArrayLike,
    tiers: MarginTiers,
    *,
    side: str = "long",
    notional: float = 10_000.0,
    extreme_price: ArrayLike | None = None,
) -> pd.DataFrame:
    """Tidy table of tier-aware liquidation and bankruptcy prices per entry and leverage.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base, > 0. A Series' index (e.g. dates or venues) becomes the
        ``entry`` column.
    leverage : float or array
        Leverage levels, >= 1; isolated margin is ``notional / leverage``.
    tiers : MarginTiers
        The venue's table; its ``contract`` decides linear or inverse.
    side : {"long", "short"}, default "long"
        Position direction.
    notional : float, default 10,000
        Position notional at entry in USD (quote); it selects the tier. Linear size is
        ``notional / entry_price``; inverse size is ``notional`` USD and margin
        ``notional / (entry_price x leverage)`` coin.
    extreme_price : float, array or Series, optional
        The low (for a long) or high (for a short) reached after entry, one per entry price or a
        scalar. Adds the column ``liquidated`` (the extreme crossed the liquidation price).

    Returns
    -------
    DataFrame
        One row per (entry, leverage) with columns ``entry``, ``entry_price``, ``leverage``,
        ``side``, ``notional``, ``margin``, ``tier``, ``maintenance_margin_rate``,
        ``maintenance_amount``, ``max_leverage``, ``leverage_allowed``, ``liquidation_price``,
        ``bankruptcy_price``, ``distance_to_liquidation`` and, when ``extreme_price`` is given,
        ``extreme_price`` and ``liquidated``.

    Raises
    ------
    ValueError
        For out-of-range inputs or a ``extreme_price`` whose length does not match.

    See Also
    --------
    liquidation_price_tiered, bankruptcy_price

    Notes
    -----
    ``leverage_allowed`` is False where the leverage exceeds the tier's maximum (the venue would
    refuse the order); the price is still computed so the chapter can show it.
    ``distance_to_liquidation`` is :math:`s(E - P_{liq})/E`.

    References
    ----------
    See :func:`liquidation_price_tiered`.

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = load_tiers("hyperliquid_btc_2025")
    >>> df = liquidation_table(100_000.0, [10, 20], t, extreme_price=91_000.0)
    >>> df["liquidation_price"].round(2).tolist(), df["liquidated"].tolist()
    ([91139.24, 96202.53], [True, True])
    """
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    e_in = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    e_arr = np.atleast_1d(e_in).ravel()
    labels = (
        entry_price.index.to_numpy()
        if isinstance(entry_price, pd.Series)
        else np.arange(e_arr.size)
    )
    lev = np.atleast_1d(check_range(as_float_array(leverage, "leverage"), "leverage", 1.0)).ravel()
    n_usd = float(check_positive(scalar_array(notional, "notional"), "notional"))
    ee = np.repeat(e_arr, lev.size)
    ll = np.tile(lev, e_arr.size)
    lab = np.repeat(labels, lev.size)
    linear = tiers.contract == "linear"
    if linear:
        size = n_usd / ee
        margin = n_usd / ll
        v_entry = np.full(ee.shape, n_usd)
    else:
        size = np.full(ee.shape, n_usd)
        margin = n_usd / (ee * ll)
        v_entry = n_usd / ee
    s = np.full(ee.shape, sgn)
    lp, k = _tiered(s, ee, size, margin, tiers, linear)
    ki = np.asarray(k, dtype=np.float64).astype(np.intp)
    bp = _kernel(s, ee, size, margin, np.zeros(1), np.zeros(1), linear)
    if tiers.tier_basis == "size":
        k_entry = np.clip(np.searchsorted(tiers.notional_floor, size, side="left") - 1, 0, None)
    else:
        k_entry = np.clip(np.searchsorted(tiers.notional_floor, v_entry, side="right") - 1, 0, None)
    max_lev = tiers.max_leverage[np.maximum(ki, k_entry)]
    out = pd.DataFrame(
        {
            "entry": lab,
            "entry_price": ee,
            "leverage": ll,
            "side": side,
            "notional": n_usd,
            "margin": margin,
            "tier": ki + 1,
            "maintenance_margin_rate": tiers.maintenance_margin_rate[ki],
            "maintenance_amount": tiers.maintenance_amount[ki],
            "max_leverage": max_lev,
            "leverage_allowed": ll <= max_lev + 1e-12,
            "liquidation_price": lp,
            "bankruptcy_price": bp,
            "distance_to_liquidation": sgn * (ee - lp) / ee,
        }
    )
    if extreme_price is not None:
        x = check_positive(as_float_array(extreme_price, "extreme_price"), "extreme_price")
        x = np.atleast_1d(x).ravel()
        if x.size not in (1, e_arr.size):
            raise ValueError(
                f"extreme_price must be a scalar or have one value per entry price "
                f"({e_arr.size}); got {x.size}"
            )
        xx = np.repeat(np.broadcast_to(x, e_arr.shape), lev.size)
        out["extreme_price"] = xx
        out["liquidated"] = (sgn * (xx - lp)) <= 0
    out.attrs.update(venue=tiers.venue, symbol=tiers.symbol, vintage=tiers.vintage)
    return out


@renamed_kwargs(price_extreme="extreme_price", leverage_max="max_leverage")
def min_liquidated_leverage_tiered(
    entry_price: ArrayLike,
    extreme_price: ArrayLike,
    tiers: MarginTiers,
    *,
    side: str = "long",
    notional: float = 10_000.0,
    max_leverage: float = 1_000.0,
) -> Any:
    """Smallest isolated leverage that a move to ``extreme_price`` liquidates, on venue tiers.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base (USD per BTC), > 0.
    extreme_price : float, array or Series
        Lowest (long) or highest (short) price reached after entry, same units, > 0; broadcast
        against ``entry_price``.
    tiers : MarginTiers
        The venue's table; its ``contract`` decides linear or inverse and its ``tier_basis`` /
        ``maintenance_basis`` the venue convention (as in :func:`liquidation_price_tiered`).
    side : {"long", "short"}, default "long"
        Position direction.
    notional : float, default 10,000
        Position notional at entry in USD; it selects the tier (as in :func:`liquidation_table`).
    max_leverage : float, default 1,000
        Upper end of the search, > 1.

    Returns
    -------
    float, ndarray or Series
        Leverage (x): every isolated position of this notional at this leverage or above was
        liquidated, every one below survived. ``1.0`` when even 1x was liquidated (an inverse
        long loses its coin margin in a fall of about half); ``inf`` when ``max_leverage`` was
        not. Compare with ``tiers.max_leverage`` to see whether the venue allowed it.

    Raises
    ------
    TypeError
        If ``tiers`` is not a :class:`~riskkit.margin.MarginTiers`.
    ValueError
        For non-positive prices or notional, ``max_leverage`` <= 1, or an unknown ``side``.

    See Also
    --------
    liquidation_table, riskkit.crashes.min_liquidated_leverage

    Notes
    -----
    The tier-aware liquidation price :math:`P_{liq}(L)` of a long rises monotonically with
    leverage :math:`L` (margin :math:`N/L` falls while maintenance margin is continuous in
    price), and a short's falls, so the threshold :math:`L^* = \\min\\{L : s(P_x - P_{liq}(L))
    \\le 0\\}` is found by bisection on :math:`\\log L` (64 steps, relative error below
    :math:`10^{-15}`), vectorised over entries. With one flat rate :math:`m` and no deduction the
    linear long result equals :func:`riskkit.crashes.min_liquidated_leverage`.

    References
    ----------
    See :func:`liquidation_price_tiered`.

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> usdm = load_tiers("binance_usdm_btcusdt_2021-03")  # tier 1: m = 0.4 %
    >>> round(min_liquidated_leverage_tiered(100_000.0, 90_000.0, usdm), 3)
    9.653
    >>> coinm = load_tiers("binance_coinm_btcusd_2023")  # inverse, tier 1: m = 0.4 %
    >>> round(min_liquidated_leverage_tiered(100_000.0, 90_000.0, coinm), 3)
    8.654

    By hand: linear :math:`1/(1 - 0.9 \\times 0.996) = 9.653`; inverse, from
    :math:`P_{liq} = E L (1 + m)/(L + 1)`, :math:`L = 90{,}000/(100{,}400 - 90{,}000) = 8.654`.
    """
    (entry_price, extreme_price), _ = align_series(
        entry_price, extreme_price, names=("entry_price", "extreme_price")
    )
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    e_in = _positive(entry_price, "entry_price")
    x_in = _positive(extreme_price, "extreme_price")
    n_usd = float(check_positive(scalar_array(notional, "notional"), "notional"))
    hi_lev = float(check_range(scalar_array(max_leverage, "max_leverage"), "max_leverage", 1.0))
    if not hi_lev > 1.0:
        raise ValueError(f"max_leverage must be > 1; got {hi_lev!r}")
    e, x = np.broadcast_arrays(np.atleast_1d(e_in), np.atleast_1d(x_in))
    e, x = e.astype(np.float64).ravel(), x.astype(np.float64).ravel()
    linear = tiers.contract == "linear"
    s = np.full(e.shape, sgn)
    size = n_usd / e if linear else np.full(e.shape, n_usd)

    def hit(lev: FloatArray) -> Any:
        margin = n_usd / lev if linear else n_usd / (e * lev)
        lp, _ = _tiered(s, e, size, margin, tiers, linear, want_tier=False)
        return sgn * (x - lp) <= 0

    lo = np.zeros(e.shape)  # log leverage
    hi = np.full(e.shape, np.log(hi_lev))
    at_one = hit(np.ones(e.shape))
    never = ~hit(np.full(e.shape, hi_lev))
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        h = hit(np.exp(mid))
        hi = np.where(h, mid, hi)
        lo = np.where(h, lo, mid)
    out = np.where(at_one, 1.0, np.where(never, np.inf, np.exp(hi)))
    if np.ndim(entry_price) == 0 and np.ndim(extreme_price) == 0:
        return float(out[0])
    return wrap_like(out, entry_price, extreme_price, name="min_liquidated_leverage")


@renamed_kwargs(price_extreme="extreme_price")
def liquidation_tables(
    entry_price: ArrayLike,
    leverage: ArrayLike,
    tables: Mapping[str, MarginTiers],
    *,
    key: str = "venue",
    allowed_only: bool = False,
    side: str = "long",
    notional: float = 10_000.0,
    extreme_price: ArrayLike | None = None,
) -> pd.DataFrame:
    """:func:`liquidation_table` for several tier tables, stacked with a label column.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base (USD per BTC), > 0.
    leverage : float or array
        Leverage levels, >= 1.
    tables : mapping of str to MarginTiers
        Label (e.g. a venue name) to tier table, in the order wanted in the output.
    key : str, default "venue"
        Name of the label column (first column of the result).
    allowed_only : bool, default False
        Keep only the rows whose leverage the venue allows at that size (``leverage_allowed``).
    side, notional, extreme_price
        As in :func:`liquidation_table` (notional in USD).

    Returns
    -------
    DataFrame
        The columns of :func:`liquidation_table` preceded by ``key``, one block of rows per
        table, with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        If ``tables`` is empty or ``key`` collides with a column of :func:`liquidation_table`.

    See Also
    --------
    liquidation_table, chart_liquidation_ladder

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = {"USD-M": load_tiers("binance_usdm_btcusdt_2021-03"),
    ...      "COIN-M": load_tiers("binance_coinm_btcusd_2023")}
    >>> df = liquidation_tables(100_000.0, [10], t, key="contract")
    >>> df[["contract", "liquidation_price"]].round(2).values.tolist()
    [['USD-M', 90361.45], ['COIN-M', 91272.73]]

    By hand (tier 1, :math:`m = 0.4\\,\\%`): linear :math:`10^5 \\times 0.9/0.996 = 90{,}361.45`;
    inverse :math:`10^5 \\times 1.004 \\times 10/11 = 91{,}272.73`.
    """
    check_mapping(tables, "tables", "MarginTiers", value_type=MarginTiers)
    if not tables:
        raise ValueError("tables must name at least one MarginTiers; got an empty mapping")
    parts = []
    for label, tiers in tables.items():
        tab = liquidation_table(
            entry_price, leverage, tiers, side=side, notional=notional, extreme_price=extreme_price
        )
        if key in tab.columns:
            raise ValueError(f"key must not be a column of liquidation_table; got {key!r}")
        tab.insert(0, key, label)
        parts.append(tab[tab["leverage_allowed"]] if allowed_only else tab)
    return pd.concat(parts, ignore_index=True)
