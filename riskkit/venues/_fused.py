"""One pass over positions of many venue profiles: per-row parameters gathered by group code.

:func:`riskkit.venues.liquidation_prices` groups positions by (venue, symbol). Most groups are
priced by one of four closed forms whose constants differ per group: the tier-aware solver on
a continuous mark-basis table (Binance, Gate, Hyperliquid, dYdX, OKX single tier), the tier of
the entry notional with maintenance fixed at entry (Bybit), Deribit's size-linear rate, and the
mark-basis rate of a tier set at entry or by size (BitMEX risk-limit steps, OKX contract
tiers). Here each form is evaluated over all its rows, whatever their order, with the group's
constants taken from a small table by the row's group code (``table[code]``): no sort, no call
per group. Every expression repeats the operations of the per-venue path in the same order, so
the result is bit-identical to :meth:`riskkit.venues.Venue.liquidation_price` (tested in
``tests/test_venues.py``). Groups priced otherwise (a table whose maintenance jumps at a floor,
Bybit's fee to close at bankruptcy) are left to the per-venue call.
``benchmarks/bench_venues.py`` times it against one call per group and block of sorted rows
(``batch._per_group``) in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from riskkit._typing import FloatArray
from riskkit.liquidation.tiered import _prepared, _warn_beyond
from riskkit.margin import MarginTiers
from riskkit.venues._base import CANNOT_LIQUIDATE, Venue

__all__: list[str] = []

CHUNK = 1 << 15  # rows per pass: the pass's temporaries stay in the CPU cache

# kinds of group: the closed tier solver, the fixed entry maintenance, Deribit's size-linear
# rate, the mark-basis rate of a tier set at entry or by size (BitMEX, OKX), each linear or
# inverse, and the rest (one Venue.liquidation_price call per group)
CLOSED, ENTRY, SIZE_LINEAR, MARK_AT_ENTRY_TIER = 0, 2, 4, 6
OTHER = 8


class FallbackError(Exception):
    """An input the per-venue path rejects: the caller reruns it there for the same error."""


@dataclass(frozen=True, slots=True)
class Plan:
    """The groups' constants, one row (or one row of a 2-d table) per group code."""

    kind: np.ndarray  # intp: CLOSED/ENTRY/SIZE_LINEAR (+1 when inverse) or OTHER
    sig_r: FloatArray  # closed: -sigma m_0 per unit side (-m_0 linear, m_0 inverse)
    sig_a: FloatArray  # closed: -sigma A_0 per unit side
    f1: FloatArray  # closed: floor of tier 2 (NaN for a single tier: never reached)
    b_up: FloatArray  # closed: breakpoints g(F_k) for sigma = +1, (groups, width) NaN-padded
    b_dn: FloatArray  # closed: and for sigma = -1
    floor: FloatArray  # entry: tier floors, NaN-padded
    rate: FloatArray  # tier rates (groups, width)
    amount: FloatArray  # tier amounts (groups, width)
    cap_hit: FloatArray  # closed, several tiers: last cap (inf when none)
    cap_one: FloatArray  # closed, one tier: its cap when finite, else inf
    base: FloatArray  # size-linear: base rate (+ fee)
    per_unit: FloatArray  # size-linear: rate per base unit of size
    fee: FloatArray  # size-linear (linear): fee added to the rate
    tick: FloatArray  # tick of the displayed price (0: no rounding)
    tables: tuple[MarginTiers, ...]  # for the tier-cap warning
    f1_of: tuple[FloatArray, ...]  # per kind: f1 of its groups, NaN for the others
    floor_of: tuple[FloatArray, ...]  # per kind: floor of its groups, NaN for the others
    cap_one_of: tuple[FloatArray, ...]  # per kind: cap_one of its groups, inf for the others
    cap_entry: FloatArray  # entry: last cap of the entry notional (or size)
    by_size: np.ndarray  # entry: the tier is that of the size, not of the entry notional
    any_by_size: tuple[bool, ...]  # per kind
    kinds: tuple[int, ...]  # the kinds present, OTHER excluded
    has_other: bool  # a group priced by its own Venue.liquidation_price call
    has_a0: tuple[bool, ...]  # per kind: a group with a tier-1 deduction
    has_tiers: tuple[bool, ...]  # per kind: a group with more than one tier
    has_tick: tuple[bool, ...]  # per kind: a group whose price is rounded to a tick
    cap_one_min: tuple[float, ...]  # per kind: the smallest finite one-tier cap (else inf)
    cap_entry_min: tuple[float, ...]  # per kind: the smallest last cap of an entry table
    width: int


def plan(calls: list[tuple[Venue, str]], margin_mode: str, as_of: Any) -> Plan:
    """Classify each (venue, symbol) group and tabulate its constants.

    Raises what :meth:`Venue.liquidation_price` raises for the group (unknown symbol, no
    snapshot at ``as_of``, a fee rule that needs a rate): the checks run once per group here.
    """
    g = len(calls)
    kind = np.full(g, OTHER, dtype=np.intp)
    rules = []
    for v, sy in calls:
        market = v._resolve(sy, None)
        rule, f = v._fee(market, margin_mode, None)
        raw, snap = v._table(market, as_of, None, None, None)
        how, table = v._pricing(market, rule, f, raw, snap)
        rules.append((v, market, f, raw, snap, how, table))
    tables = tuple(r[-1] for r in rules)
    width = max(t.n_tiers for t in tables)
    nan = np.full((g, width), np.nan)
    b_up, b_dn, floor = nan.copy(), nan.copy(), nan.copy()
    rate, amount = np.zeros((g, width)), np.zeros((g, width))
    sig_r, sig_a, f1 = np.zeros(g), np.zeros(g), np.full(g, np.nan)
    cap_hit, cap_one = np.full(g, np.inf), np.full(g, np.inf)
    cap_entry = np.full(g, np.inf)  # entry: last cap (the entry notional must stay below)
    by_size = np.zeros(g, dtype=bool)  # entry: the tier is that of the size (OKX)
    base, per_unit, fee, tick = np.zeros(g), np.zeros(g), np.zeros(g), np.zeros(g)
    for i, (v, market, f, raw, snap, how, table) in enumerate(rules):
        inverse = int(market.contract != "linear")
        k = table.n_tiers
        last = k - 1
        rate[i, :k] = table.maintenance_margin_rate
        amount[i, :k] = table.maintenance_amount
        if v.tick_rounding == "toward_entry" and market.tick_size > 0:
            tick[i] = market.tick_size
        if how == "size_linear" and snap is not None:
            kind[i] = SIZE_LINEAR + inverse
            r0 = float(raw.maintenance_margin_rate[0])
            base[i] = r0 + f if inverse else r0
            fee[i] = f
            per_unit[i] = snap.mmr_per_unit
        elif how != "tiered":
            continue  # Bybit inverse cross: the fee to close at bankruptcy
        elif table.tier_basis in ("entry", "size"):  # the tier is set at entry (or by size)
            fixed = table.maintenance_basis == "entry"
            kind[i] = (ENTRY if fixed else MARK_AT_ENTRY_TIER) + inverse
            fl, cap = table.notional_floor[1:], float(table.notional_cap[last])
            if table.tier_basis == "size":  # F_k < Q <= F_{k+1}: Q > F is Q >= next(F)
                by_size[i] = True
                fl, cap = np.nextafter(fl, np.inf), float(np.nextafter(cap, np.inf))
            floor[i, 1:k] = fl
            cap_entry[i] = cap
        elif _prepared(table).continuous:
            kind[i] = CLOSED + inverse
            r0, a0 = float(table.maintenance_margin_rate[0]), float(table.maintenance_amount[0])
            sig_r[i] = r0 if inverse else -r0
            sig_a[i] = a0 if inverse else -a0
            prep = _prepared(table)
            b_up[i, :k], b_dn[i, :k] = prep.b_up, prep.b_dn
            cap_last = float(table.notional_cap[last])
            if last:
                f1[i] = table.notional_floor[1]
                cap_hit[i] = cap_last
            elif cap_last < np.finfo(np.float64).max:
                cap_one[i] = cap_last
    each = [kind == kd for kd in range(OTHER)]
    multi = np.array([t.n_tiers > 1 for t in tables])
    return Plan(
        kind=kind,
        sig_r=sig_r,
        sig_a=sig_a,
        f1=f1,
        b_up=b_up,
        b_dn=b_dn,
        floor=floor,
        rate=rate,
        amount=amount,
        cap_hit=cap_hit,
        cap_one=cap_one,
        base=base,
        per_unit=per_unit,
        fee=fee,
        tick=tick,
        tables=tables,
        # (a kind evaluated over every row of a pass sees the other kinds' rows: their tier
        # floors and caps are hidden from it, so that their values never enter a tier search)
        f1_of=tuple(np.where(x, f1, np.nan) for x in each),
        floor_of=tuple(np.where(x[:, None], floor, np.nan) for x in each),
        cap_one_of=tuple(np.where(x, cap_one, np.inf) for x in each),
        cap_entry=cap_entry,
        by_size=by_size,
        any_by_size=tuple(bool(np.any(by_size[x])) for x in each),
        kinds=tuple(kd for kd in range(OTHER) if each[kd].any()),
        has_other=bool(np.any(kind == OTHER)),
        has_a0=tuple(bool(np.any(sig_a[x] != 0.0)) for x in each),
        has_tiers=tuple(bool(np.any(multi[x])) for x in each),
        has_tick=tuple(bool(np.any(tick[x] > 0)) for x in each),
        cap_one_min=tuple(float(np.min(cap_one[x], initial=np.inf)) for x in each),
        cap_entry_min=tuple(float(np.min(cap_entry[x], initial=np.inf)) for x in each),
        width=width,
    )


class _Scratch:
    """Buffers of CHUNK values reused by every pass: no allocation (no page faults) per pass."""

    def __init__(self, width: int) -> None:
        self.f = [np.empty(width) for _ in range(6)]  # kernel temporaries
        self.g = [np.empty(width) for _ in range(5)]  # gathered s, e, q, m and the result
        self.i = [np.empty(width, dtype=np.intp) for _ in range(5)]
        self.b = [np.empty(width, dtype=bool) for _ in range(3)]


def _closed(
    p: Plan,
    b: _Scratch,
    kd: int,
    c: Any,
    s: Any,
    e: Any,
    q: Any,
    m: Any,
    o: FloatArray,
    over: Any,
    kc: Any,
) -> None:
    # (kc: the kind of each row when rows of other kinds are computed too, to be overwritten:
    # only this kind's rows count towards the tier-cap warning)
    # riskkit.liquidation.tiered._tiered_closed with its constants per row: the same operations
    w = o.size
    inverse = kd & 1
    d, t, x = b.f[0][:w], b.f[1][:w], b.f[2][:w]
    np.multiply(s, m, out=d)  # s M
    if inverse:
        np.divide(q, e, out=t)
        t += d  # T = Q/E + s M
    else:
        np.multiply(q, e, out=t)
        t -= d  # T = Q E - s M
    np.multiply(s, p.sig_r.take(c, out=x, mode="clip"), out=d)
    d += 1.0  # 1 - sigma m_0
    if p.has_a0[kd]:  # s x (+-0) + T is T exactly (T is never -0): one form for all groups
        np.multiply(s, p.sig_a.take(c, out=x, mode="clip"), out=o)
        o += t
        np.divide(o, d, out=o)
    else:
        np.divide(t, d, out=o)  # V under tier 1
    if p.has_tiers[kd]:
        hit = np.greater_equal(o, p.f1_of[kd].take(c, out=x, mode="clip"), out=b.b[0][:w])
        if hit.any():  # (NaN floor for one-tier groups: never)
            j = np.flatnonzero(hit)
            tj, cj = t[j], c[j]
            sj = s[j]
            up = sj < 0 if inverse else sj > 0  # sigma = +1
            row = cj * p.width
            k = np.zeros(j.size, dtype=np.intp)
            bu, bd = p.b_up.ravel(), p.b_dn.ravel()
            for lvl in range(1, p.width):
                more = tj >= np.where(up, bu[row + lvl], bd[row + lvl])  # NaN padding: no
                if not more.any():
                    break
                k += more
            sig = np.where(up, 1.0, -1.0)
            at = row + k
            vj = (tj - sig * p.amount.ravel()[at]) / (1.0 - sig * p.rate.ravel()[at])
            o[j] = vj
            beyond = vj >= p.cap_hit[cj]
            if kc is not None:
                beyond &= kc[j] == kd
            if beyond.any():
                over += np.bincount(cj[beyond], minlength=over.size)
    if o.max() >= p.cap_one_min[kd]:
        beyond = np.greater_equal(o, p.cap_one_of[kd].take(c, out=x, mode="clip"), out=b.b[0][:w])
        if kc is not None:
            beyond &= kc == kd
        if beyond.any():
            over += np.bincount(c[beyond], minlength=over.size)
    if inverse:
        np.maximum(o, 0.0, out=o)
        np.divide(q, o, out=o)
    else:
        np.divide(o, q, out=o)
        np.maximum(o, 0.0, out=o)


def _entry(
    p: Plan,
    b: _Scratch,
    kd: int,
    c: Any,
    s: Any,
    e: Any,
    q: Any,
    m: Any,
    o: Any,
    over: Any,
    kc: Any,
) -> None:
    # riskkit.liquidation.tiered._tiered_entry (the tier of the entry notional or of the size)
    # with riskkit.liquidation.prices._fixed_kernel (maintenance fixed at entry) or _kernel
    # (charged at the mark, BitMEX, OKX): the same operations
    w = o.size
    v0, x, mm, y = b.f[0][:w], b.f[1][:w], b.f[2][:w], b.f[3][:w]
    row, at = b.i[3][:w], b.i[4][:w]
    more = b.b[0][:w]
    if kd & 1:
        np.divide(q, e, out=v0)
    else:
        np.multiply(q, e, out=v0)
    key = v0
    if p.any_by_size[kd]:
        key = b.f[4][:w]
        np.copyto(key, v0)
        np.copyto(key, q, where=p.by_size.take(c, out=more, mode="clip"))
    if key.max() >= p.cap_entry_min[kd]:  # entry notionals (sizes) beyond the last tier
        beyond = np.greater_equal(key, p.cap_entry.take(c, out=x, mode="clip"), out=more)
        if kc is not None:
            beyond &= kc == kd
        if beyond.any():
            over += np.bincount(c[beyond], minlength=over.size)
    np.multiply(c, p.width, out=row)
    if p.has_tiers[kd]:
        fl = p.floor_of[kd].reshape(-1)
        k = None
        for lvl in range(1, p.width):
            np.add(row, lvl, out=at)
            np.greater_equal(key, fl.take(at, out=x, mode="clip"), out=more)  # NaN pad: no
            if not more.any():
                break
            if k is None:
                k = np.zeros(w, dtype=np.intp)
            k += more
        if k is not None:
            row += k
    if kd >= MARK_AT_ENTRY_TIER:
        _mark_kernel(p, b, kd, s, e, q, m, o, row)
        return
    np.multiply(v0, p.rate.reshape(-1).take(row, out=x, mode="clip"), out=mm)
    mm -= p.amount.reshape(-1).take(row, out=x, mode="clip")  # MM = V_E m_k - A_k
    np.subtract(m, mm, out=y)
    y *= s  # s (M - MM)
    if kd & 1:
        np.divide(q, e, out=x)
        x += y  # Q/E + s (M - MM)
        np.divide(q, x, out=o)
        np.copyto(o, np.inf, where=np.logical_not(np.greater(x, 0.0, out=more), out=more))
    else:
        y /= q
        np.subtract(e, y, out=o)
        np.maximum(o, 0.0, out=o)


def _mark_kernel(
    p: Plan, b: _Scratch, kd: int, s: Any, e: Any, q: Any, m: Any, o: Any, row: Any
) -> None:
    # riskkit.liquidation.prices._kernel with the rate and deduction of the row's tier
    w = o.size
    r, a, num, den = b.f[1][:w], b.f[2][:w], b.f[3][:w], b.f[5][:w]
    p.rate.reshape(-1).take(row, out=r, mode="clip")
    p.amount.reshape(-1).take(row, out=a, mode="clip")
    if kd & 1:  # P = Q (m + s) / (M + A + s Q / E), inf where s x den <= 0
        np.multiply(s, q, out=num)
        num /= e
        np.add(m, a, out=den)
        den += num
        np.add(r, s, out=num)
        num *= q
        np.divide(num, den, out=o)
        np.multiply(s, den, out=den)
        np.copyto(o, np.inf, where=np.logical_not(np.greater(den, 0.0, out=b.b[0][:w])))
        return
    np.multiply(s, q, out=num)  # P = (M + A - s Q E) / (Q (m - s)), at least 0
    num *= e
    np.add(m, a, out=den)
    np.subtract(den, num, out=num)
    np.subtract(r, s, out=den)
    den *= q
    num /= den
    np.maximum(num, 0.0, out=o)


def _size_linear(
    p: Plan, b: _Scratch, kd: int, c: Any, s: Any, e: Any, q: Any, m: Any, o: Any, *_: Any
) -> None:
    if kd & 1:  # riskkit.venues._base._inverse_size_linear: the same operations
        a = p.per_unit[c] * q * q
        bb = (p.base[c] + s) * q
        cc = -(m + s * q / e)
        disc = bb * bb - 4.0 * a * cc
        x = -2.0 * cc / (bb + s * np.sqrt(np.maximum(disc, 0.0)))
        pr = np.where(x > 0, 1.0 / x, np.inf)
        np.copyto(o, np.where((s < 0) & (disc < 0), 0.0, pr))
        return
    # rate m_0 + beta Q + f, then riskkit.liquidation.prices._kernel (linear, no deduction)
    w = o.size
    rate, x, num, den = b.f[0][:w], b.f[1][:w], b.f[2][:w], b.f[3][:w]
    np.multiply(p.per_unit.take(c, out=x, mode="clip"), q, out=rate)
    np.add(p.base.take(c, out=x, mode="clip"), rate, out=rate)
    rate += p.fee.take(c, out=x, mode="clip")
    if not (rate.min() >= 0 and rate.max() < 1):
        raise FallbackError  # liquidation_price rejects the rate: let it say so
    np.multiply(s, q, out=num)
    num *= e
    np.add(m, 0.0, out=x)  # M + A with A = 0
    np.subtract(x, num, out=num)
    np.subtract(rate, s, out=den)
    den *= q
    num /= den
    np.maximum(num, 0.0, out=o)


def _finish(p: Plan, b: _Scratch, kd: int, c: Any, s: Any, o: Any) -> None:
    # Venue._finish: NaN where no price liquidates, then the tick rounding of the group
    w = o.size
    if not (o.min() > 0.0 and o.max() < np.inf):  # a limit (or NaN) somewhere: mark them
        never, other = b.b[0][:w], b.b[1][:w]
        np.greater(s, 0.0, out=never)
        never &= np.less_equal(o, 0.0, out=other)
        np.less(s, 0.0, out=other)
        other &= np.isposinf(o, out=b.b[2][:w])
        never |= other
        np.copyto(o, CANNOT_LIQUIDATE, where=never)
    if not p.has_tick[kd]:
        return
    tick = p.tick.take(c, out=b.f[0][:w], mode="clip")
    j = np.flatnonzero(np.greater(tick, 0.0, out=b.b[0][:w]))
    pj, tj, sj = o[j], tick[j], s[j]
    x = pj / tj  # riskkit.venues._base._round_toward_entry
    up = np.ceil(x - 1e-9) * tj
    down = np.floor(x + 1e-9) * tj
    o[j] = np.where(np.isfinite(pj), np.where(sj > 0, up, down), pj)


_KERNELS = (_closed, _closed, _entry, _entry, _size_linear, _size_linear, _entry, _entry)


def key_counts(codes_v: Any, codes_s: Any, width: int) -> tuple[Any, bool]:
    """Positions per (venue, symbol) key ``code_v x width + code_s``, counted pass by pass, and
    whether the keys are already in order (rows grouped by venue and symbol)."""
    n = codes_s.size
    counts = np.zeros(0, dtype=np.intp)
    key = np.empty(min(n, CHUNK), dtype=np.intp)
    grouped, prev = True, -1
    for lo in range(0, n, CHUNK):
        hi = min(lo + CHUNK, n)
        k = _key(codes_v, codes_s, width, lo, hi, key)
        c = np.bincount(k, minlength=counts.size)
        c[: counts.size] += counts
        counts = c
        if grouped:
            grouped = bool(k[0] >= prev and (k[1:] >= k[:-1]).all())
            prev = int(k[-1])
    return counts, grouped


def _key(codes_v: Any, codes_s: Any, width: int, lo: int, hi: int, buf: Any) -> Any:
    k = np.multiply(codes_v[lo:hi], width, out=buf[: hi - lo], dtype=np.intp)
    k += codes_s[lo:hi]
    return k


def price(
    p: Plan,
    codes_v: Any,
    codes_s: Any,
    width: int,
    lut: Any,
    s: Any,
    e: Any,
    q: Any,
    m: Any,
    out: FloatArray,
    dominant: int | None = None,
) -> Any:
    """Price every position of a CLOSED/ENTRY/SIZE_LINEAR group into ``out``.

    Inputs are validated by the caller (finite, entry and size > 0, side +1/-1). Returns the
    rows of the OTHER groups (left untouched in ``out``), in order. ``dominant``, a kind that
    holds most rows, is evaluated over every row of each pass instead of gathered.

    Raises
    ------
    FallbackError
        If Deribit's size-linear rate reaches 1 (the per-venue path raises its error).
    """
    n = out.size
    over = np.zeros(len(p.tables), dtype=np.int64)
    b = _Scratch(min(n, CHUNK))
    gs, ge, gq, gm, gd = b.g
    rest = []
    kinds = tuple(kd for kd in p.kinds if kd != dominant)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for lo in range(0, n, CHUNK):
            hi = min(lo + CHUNK, n)
            w = hi - lo
            key = _key(codes_v, codes_s, width, lo, hi, b.i[0])
            cc = lut.take(key, out=b.i[1][:w], mode="clip")
            kc = p.kind.take(cc, out=b.i[2][:w], mode="clip")
            sc, ec, qc, mc, oc = s[lo:hi], e[lo:hi], q[lo:hi], m[lo:hi], out[lo:hi]
            if dominant is not None:
                # the most common kind over the whole pass, as views: cheaper than gathering
                # its rows; the other kinds' rows are computed again below and overwritten
                args = (cc, sc, ec, qc, mc, oc)
                _KERNELS[dominant](p, b, dominant, *args, over, kc)
                _finish(p, b, dominant, cc, sc, oc)
            for kd in kinds:
                j = np.equal(kc, kd, out=b.b[0][:w]).nonzero()[0]
                nj = j.size
                if not nj:
                    continue
                if nj == w:  # the whole pass is one kind: views, no gather
                    args = (cc, sc, ec, qc, mc, oc)
                else:
                    args = (
                        cc[j],
                        sc.take(j, out=gs[:nj], mode="clip"),
                        ec.take(j, out=ge[:nj], mode="clip"),
                        qc.take(j, out=gq[:nj], mode="clip"),
                        mc.take(j, out=gm[:nj], mode="clip"),
                        gd[:nj],
                    )
                _KERNELS[kd](p, b, kd, *args, over, None)
                _finish(p, b, kd, args[0], args[1], args[-1])
                if nj < w:
                    oc[j] = args[-1]
            if p.has_other:
                rest.append(lo + np.flatnonzero(kc == OTHER))
    for i in np.flatnonzero(over):
        if p.kind[i] >= MARK_AT_ENTRY_TIER or p.kind[i] in (ENTRY, ENTRY + 1):
            what = "a size" if p.by_size[i] else "an entry notional"
            _warn_beyond(int(over[i]), p.tables[i], what)
        else:
            _warn_beyond(int(over[i]), p.tables[i])
    return np.concatenate(rest) if rest else np.zeros(0, dtype=np.intp)
