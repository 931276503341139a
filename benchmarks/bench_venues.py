"""Benchmark: riskkit.venues on 10 million positions (a measurement, not a test).

Measures, in one process and on the same inputs:

* ``all profiles``: :func:`riskkit.venues.liquidation_prices` with the positions spread over
  every market of every profile that ships a tier table, in random order, with venue/symbol
  given as pandas Categoricals and as object arrays of strings, and with the rows already
  grouped by venue and symbol; random order on the default 2 threads and on 1, with each
  engine (numba's counting sort, the default when numba is installed, and numpy's argsort);
* ``naive per-group loop``: the reference for random order, what a user would write: one
  boolean mask per (venue, symbol) over all rows and one :meth:`Venue.liquidation_price` call
  on the masked rows; the batch is asserted bit-identical to it;
* ``single venue``: one :meth:`Venue.liquidation_price` call (binance-usdm BTCUSDT, tier-aware)
  on all positions;
* ``liquidation_price_tiered``: the package's tier-aware solver called directly (the venue
  layer's overhead is the difference);
* ``fused single-rate``: one fused numpy expression with a single maintenance rate (no tiers, no
  validation, no edge cases): the practical floor.

Run: ``python benchmarks/bench_venues.py [n_positions] [repeat]``. Prints the load average
before and after, the timings, then one table of the ratios beside the issue's targets (all
profiles, random order and pre-grouped, within 2x of the single-venue path; the tier-aware
path within 3x of the fused single-rate expression). Every timing is the best of ``repeat``
(default 5) rounds in the same process, the paths taken in turn in each round, so that a burst
of load from other processes hits all of them alike.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from riskkit import venues
from riskkit.liquidation import liquidation_price_tiered
from riskkit.venues._partition import HAVE_NUMBA


def _interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> tuple[dict, dict]:
    # best of `repeat` per function, the functions taken in turn in each round: on a shared
    # machine a burst of load then hits every path alike instead of one
    best = dict.fromkeys(fns, np.inf)
    out: dict[str, Any] = {}
    for _ in range(repeat):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            out[name] = fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return best, out


def _markets() -> list[tuple[str, str, str]]:
    out = []
    for name in venues.available():
        v = venues.get(name)
        for m in v.markets:
            if m.snapshots:  # a market without a tier table needs an explicit rate
                out.append((name, m.symbol, m.contract))
    return out


def main(n: int = 10_000_000, seed: int = 0, repeat: int = 5) -> None:
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

    def spread() -> Any:  # the default: blocks on 2 threads (or the cores, if fewer)
        return venues.liquidation_prices(ven, sym, side, entry, size, margin)

    def spread_1() -> Any:
        return venues.liquidation_prices(ven, sym, side, entry, size, margin, n_threads=1)

    def spread_numpy() -> Any:
        return venues.liquidation_prices(ven, sym, side, entry, size, margin, engine="numpy")

    def spread_numpy_1() -> Any:
        return venues.liquidation_prices(
            ven, sym, side, entry, size, margin, engine="numpy", n_threads=1
        )

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

    def per_group() -> Any:  # the naive reference: a mask per group over all rows
        res = np.empty(n)
        for k, (name, symbol, _) in enumerate(pool):
            rows = pick == k
            res[rows] = venues.get(name).liquidation_price(
                symbol, side[rows], entry[rows], size[rows], margin[rows]
            )
        return res

    load0 = os.getloadavg()
    t, out = _interleaved(
        {
            "grouped": spread_grouped,
            "spread": spread,
            "spread_1": spread_1,
            "numpy": spread_numpy,
            "numpy_1": spread_numpy_1,
            "strings": spread_strings,
            "per_group": per_group,
            "single": single,
            "tiered": tiered,
            "fused": fused,
        },
        repeat,
    )
    load1 = os.getloadavg()
    t_grouped, t_spread, t_strings = t["grouped"], t["spread"], t["strings"]
    t_single, t_tiered, t_fused = t["single"], t["tiered"], t["fused"]
    out_spread, out_single, out_fused = out["spread"], out["single"], out["fused"]
    out_tiered = out["tiered"]
    # the batch is bit-identical to the naive per-group calls (NaN included)
    assert np.array_equal(out_spread.view(np.int64), out["per_group"].view(np.int64))
    assert np.array_equal(out["grouped"], out_spread[grouped], equal_nan=True)
    assert np.array_equal(out["spread_1"].view(np.int64), out_spread.view(np.int64))
    assert np.array_equal(out["numpy"].view(np.int64), out_spread.view(np.int64))
    assert np.array_equal(out["numpy_1"].view(np.int64), out_spread.view(np.int64))
    assert np.array_equal(out_spread, out["strings"], equal_nan=True)
    assert np.allclose(out_single, out_tiered, equal_nan=True)
    ok = np.isfinite(out_single) & (q1 * out_single < 50_000.0)  # tier 1 at the LP: = fused
    assert np.allclose(out_single[ok], np.maximum(out_fused[ok], 0.0), rtol=1e-12)
    assert np.isfinite(out_spread).mean() > 0.99
    print(f"riskkit.venues benchmark: {n:,} positions, {len(pool)} markets over "
          f"{len({p[0] for p in pool})} profiles (best of {repeat}, interleaved)")  # fmt: skip
    print(f"  load average (1, 5, 15 min): {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} before, "
          f"{load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f} after")  # fmt: skip
    engine = "numba" if HAVE_NUMBA else "numpy (numba not installed)"
    print(f"  default engine: {engine}")
    rows = [
        ("all profiles, pre-grouped rows", t_grouped),
        ("all profiles, random order (categorical)", t_spread),
        ("all profiles, random order, 1 thread", t["spread_1"]),
        ("  the same, engine='numpy'", t["numpy"]),
        ("  the same, engine='numpy', 1 thread", t["numpy_1"]),
        ("all profiles, random order (strings)", t_strings),
        ("naive per-group loop, random order (reference)", t["per_group"]),
        ("single venue (binance-usdm BTCUSDT)", t_single),
        ("liquidation_price_tiered (direct)", t_tiered),
        ("fused single-rate numpy expression", t_fused),
    ]
    for label, dt in rows:
        print(f"  {label:<44s} {dt:8.3f} s  {n / dt / 1e6:8.1f} M positions/s")
    # the targets: spread over all profiles within 2x of the single-venue path, the
    # tier-aware path within 3x of the fused single-rate expression
    ratios = [
        ("all profiles (pre-grouped) / single venue", t_grouped / t_single, 2.0),
        ("all profiles (random order) / single venue", t_spread / t_single, 2.0),
        ("all profiles (random, 1 thread) / single venue", t["spread_1"] / t_single, None),
        ("  engine='numpy' / single venue", t["numpy"] / t_single, None),
        ("  engine='numpy', 1 thread / single venue", t["numpy_1"] / t_single, None),
        ("all profiles (strings) / single venue", t_strings / t_single, None),
        ("naive per-group loop / batch (random order)", t["per_group"] / t_spread, None),
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
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000,
        repeat=int(sys.argv[2]) if len(sys.argv) > 2 else 5,
    )
