"""Benchmark: riskkit.venues on 10 million positions (a measurement, not a test).

Measures, in one process and on the same inputs:

* ``all profiles``: :func:`riskkit.venues.liquidation_prices` with the positions spread over
  every market of every profile that ships a tier table (grouped by venue and symbol), with
  venue/symbol given as pandas Categoricals and as object arrays of strings, and with the rows
  already grouped by venue and symbol;
* ``single venue``: one :meth:`Venue.liquidation_price` call (binance-usdm BTCUSDT, tier-aware)
  on all positions;
* ``liquidation_price_tiered``: the package's tier-aware solver called directly (the venue
  layer's overhead is the difference);
* ``fused single-rate``: one fused numpy expression with a single maintenance rate (no tiers, no
  validation, no edge cases): the practical floor.

Run: ``python benchmarks/bench_venues.py [n_positions]``. Prints the timings, then one table of
the ratios beside the issue's targets (all profiles within 2x of the single-venue path; the
tier-aware path within 3x of the fused single-rate expression). On a shared machine, run it
when the load is low: every timing is the best of three in the same process.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from riskkit import venues
from riskkit.liquidation import liquidation_price_tiered


def _best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def _markets() -> list[tuple[str, str, str]]:
    out = []
    for name in venues.available():
        v = venues.get(name)
        for m in v.markets:
            if m.snapshots:  # gate ships no tiers: it needs an explicit rate
                out.append((name, m.symbol, m.contract))
    return out


def main(n: int = 10_000_000, seed: int = 0, repeat: int = 3) -> None:
    rng = np.random.default_rng(seed)
    pool = _markets()
    pick = rng.integers(0, len(pool), n)
    # categoricals, as a large position table would hold them (strings work too, slower)
    v_codes, v_names = pd.factorize(np.array([p[0] for p in pool]))
    s_codes, s_names = pd.factorize(np.array([p[1] for p in pool]))
    ven = pd.Categorical.from_codes(v_codes[pick], v_names)
    sym = pd.Categorical.from_codes(s_codes[pick], s_names)
    inverse = np.array([p[2] == "inverse" for p in pool])[pick]
    side = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    entry = rng.uniform(2_000.0, 100_000.0, n)
    notional = np.exp(rng.uniform(np.log(1e2), np.log(1e5), n))  # USD, inside every base tier
    lev = rng.uniform(1.5, 10.0, n)
    size = np.where(inverse, notional, notional / entry)  # USD notional (inverse) or base qty
    margin = np.where(inverse, notional / entry / lev, notional / lev)

    bn = venues.get("binance-usdm")
    tiers = bn.tiers("BTCUSDT")
    q1 = notional / entry
    m1 = notional / lev
    mmr0 = float(tiers.maintenance_margin_rate[0])

    def spread() -> Any:
        return venues.liquidation_prices(ven, sym, side, entry, size, margin)

    def single() -> Any:
        return bn.liquidation_price("BTCUSDT", side, entry, q1, m1)

    def tiered() -> Any:
        return liquidation_price_tiered(side, entry, q1, m1, tiers)

    def fused() -> Any:
        return (m1 - side * q1 * entry) / (q1 * (mmr0 - side))

    ven_obj, sym_obj = np.asarray(ven, dtype=object), np.asarray(sym, dtype=object)

    def spread_strings() -> Any:
        return venues.liquidation_prices(ven_obj, sym_obj, side, entry, size, margin)

    grouped = np.argsort(ven.codes.astype(np.int64) * len(s_names) + sym.codes, kind="stable")
    g_ven, g_sym = ven[grouped], sym[grouped]
    g_side, g_entry, g_size, g_margin = (
        side[grouped],
        entry[grouped],
        size[grouped],
        margin[grouped],
    )

    def spread_grouped() -> Any:
        return venues.liquidation_prices(g_ven, g_sym, g_side, g_entry, g_size, g_margin)

    t_grouped, out_grouped = _best_of(spread_grouped, repeat)
    t_spread, out_spread = _best_of(spread, repeat)
    assert np.array_equal(out_grouped, out_spread[grouped], equal_nan=True)
    t_strings, out_strings = _best_of(spread_strings, repeat)
    assert np.array_equal(out_spread, out_strings, equal_nan=True)
    t_single, out_single = _best_of(single, repeat)
    t_tiered, out_tiered = _best_of(tiered, repeat)
    t_fused, out_fused = _best_of(fused, repeat)
    assert np.allclose(out_single, out_tiered, equal_nan=True)
    ok = np.isfinite(out_single) & (q1 * out_single < 50_000.0)  # tier 1 at the LP: = fused
    assert np.allclose(out_single[ok], np.maximum(out_fused[ok], 0.0), rtol=1e-12)
    assert np.isfinite(out_spread).mean() > 0.99
    print(f"riskkit.venues benchmark: {n:,} positions, {len(pool)} markets over "
          f"{len({p[0] for p in pool})} profiles (best of {repeat})")  # fmt: skip
    rows = [
        ("all profiles, pre-grouped rows", t_grouped),
        ("all profiles, categorical venue/symbol", t_spread),
        ("all profiles, string venue/symbol", t_strings),
        ("single venue (binance-usdm BTCUSDT)", t_single),
        ("liquidation_price_tiered (direct)", t_tiered),
        ("fused single-rate numpy expression", t_fused),
    ]
    for label, t in rows:
        print(f"  {label:<40s} {t:8.3f} s  {n / t / 1e6:8.1f} M positions/s")
    # the targets: spread over all profiles within 2x of the single-venue path, the
    # tier-aware path within 3x of the fused single-rate expression
    ratios = [
        ("all profiles (pre-grouped) / single venue", t_grouped / t_single, 2.0),
        ("all profiles (categorical) / single venue", t_spread / t_single, 2.0),
        ("all profiles (strings) / single venue", t_strings / t_single, None),
        ("single venue / tiered direct", t_single / t_tiered, None),
        ("tier-aware (venue) / fused single-rate", t_single / t_fused, 3.0),
        ("tier-aware (direct) / fused single-rate", t_tiered / t_fused, 3.0),
    ]
    print(f"  {'ratio':<44s} {'measured':>8s}  {'target':>6s}  met")
    for label, r, target in ratios:
        goal = "" if target is None else f"< {target:g}"
        met = "" if target is None else ("yes" if r < target else "NO")
        print(f"  {label:<44s} {r:8.2f}  {goal:>6s}  {met}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
