"""Benchmark: liquidation cascade, fast fixed point vs the step-by-step reference.

Run: ``python benchmarks/bench_cascade.py [--max-exp 6] [--repeat 3]``.

For N = 10^3 .. 10^max_exp random positions (60% longs, entries log-normal around 100 with 5%
dispersion, leverage 2-100x, three maintenance rates) it times

* ``book``: building the :class:`~riskkit.cascade.PositionBook` (validation, liquidation prices);
* ``fast``: :func:`~riskkit.cascade.simulate_cascade` (grouping, sorting, prefix sums, rounds)
  under a -3% shock with the margin spiral on (beta = 0.1);
* ``reference``: the O(N)-per-round Python reference, for N <= 10^5 (the largest it finishes in
  a few seconds), with the speed ratio and a check that both give the same path.

Depth scales with N (``--depth-per-position`` USD, default 50) so that the cascade has a
similar number of rounds at every size (a small depth and entry dispersion give long
cascades); ``ns/(N log2 N)`` shows the near N log N scaling of the fast path. Timings are the
best of ``--repeat`` runs, wall clock, single process.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from riskkit.cascade import PositionBook, PriceImpact, _reference_cascade, simulate_cascade

PRICE = 100.0
SHOCK = -0.03
BETA = 0.1


def make_book(n: int, seed: int = 0, dispersion: float = 0.05) -> PositionBook:
    rng = np.random.default_rng(seed)
    side = np.where(rng.random(n) < 0.6, "long", "short")
    entry = PRICE * np.exp(rng.normal(0.0, dispersion, n))
    leverage = rng.choice([2.0, 5.0, 10.0, 20.0, 50.0, 100.0], n)
    mmr = rng.choice([0.004, 0.005, 0.01], n)
    size = rng.lognormal(-1.0, 1.0, n)
    return PositionBook(side, entry, size, leverage, mmr).surviving(PRICE)


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-exp", type=int, default=6)
    ap.add_argument("--ref-max-exp", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--depth-per-position",
        type=float,
        default=50.0,
        help="one-sided depth within 50 bp per position, USD (smaller = deeper cascade)",
    )
    ap.add_argument("--model", choices=["sqrt", "linear"], default="sqrt")
    ap.add_argument("--dispersion", type=float, default=0.05, help="sd of log entry prices")
    args = ap.parse_args()
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, "
        f"{os.cpu_count()} cpus, shock {SHOCK:+.0%}, margin_sensitivity {BETA}, "
        f"depth {args.depth_per_position:g} USD per position, {args.model} impact, "
        f"entry dispersion {args.dispersion:g}"
    )
    header = (
        f"{'N':>9} {'open':>9} {'rounds':>6} {'amplif':>7} {'book s':>8} {'fast s':>8} "
        f"{'ns/NlogN':>9} {'ref s':>8} {'ratio':>7} {'same':>5}"
    )
    print(header)
    print("-" * len(header))
    for e in range(3, args.max_exp + 1):
        n = 10**e

        def build(n: int = n) -> PositionBook:
            return make_book(n, dispersion=args.dispersion)

        t_book, book = best_of(build, 1 if e >= 6 else args.repeat)
        impact = PriceImpact(args.depth_per_position * n, args.model)

        def fast(book: PositionBook = book, impact: PriceImpact = impact) -> Any:
            return simulate_cascade(book, PRICE, SHOCK, impact, margin_sensitivity=BETA)

        t_fast, res = best_of(fast, args.repeat)
        m = len(book)
        per = t_fast / (m * math.log2(m)) * 1e9
        ref_s, ratio, same = "", "", ""
        if e <= args.ref_max_exp:

            def slow(book: PositionBook = book, impact: PriceImpact = impact) -> Any:
                return _reference_cascade(book, PRICE, SHOCK, impact, margin_sensitivity=BETA)

            t_ref, ref = best_of(slow, 1)
            ok = np.allclose(ref.price_path, res.price_path, rtol=1e-9) and np.array_equal(
                ref.long_count, res.long_count
            )
            ref_s, ratio, same = f"{t_ref:8.3f}", f"{t_ref / t_fast:7.0f}", str(ok)
        print(
            f"{n:>9,} {m:>9,} {res.rounds:>6} {res.amplification:>7.2f} {t_book:>8.3f} "
            f"{t_fast:>8.3f} {per:>9.1f} {ref_s:>8} {ratio:>7} {same:>5}"
        )


if __name__ == "__main__":
    main()
