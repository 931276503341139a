"""Benchmark: liquidation prices for 10 million positions (mixed sides and tiers).

Measures, in one process and on the same inputs:

* ``fused``: a single fused numpy expression of the linear formula (the practical limit; no
  validation, no edge-case handling);
* ``riskkit.liquidation_price``: the public function (validation, limits, broadcasting);
* ``riskkit.liquidation_price_tiered``: the tier-aware solver (one vectorised pass per tier);
* ``python loop``: a per-row Python loop of the same formula, run on a subsample and scaled up.

Run: ``python benchmarks/bench_liquidation.py [n_positions]``. Prints a small table.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from riskkit.liquidation import liquidation_price, liquidation_price_tiered
from riskkit.margin import load_tiers


def _best_of(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main(n: int = 10_000_000, n_loop: int = 200_000, seed: int = 0, repeat: int = 7) -> None:
    rng = np.random.default_rng(seed)
    tiers = load_tiers("binance_usdm_btcusdt_2021-03")
    side = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    entry = rng.uniform(20_000.0, 120_000.0, n)
    notional = np.exp(rng.uniform(np.log(1e3), np.log(5e7), n))  # spans tiers 1-6
    size = notional / entry
    idx = np.searchsorted(tiers.notional_floor, notional, side="right") - 1
    max_lev = tiers.max_leverage[idx]
    leverage = 1.0 + rng.random(n) * (max_lev - 1.0)
    margin = notional / leverage
    mmr = tiers.maintenance_margin_rate[idx]
    cum = tiers.maintenance_amount[idx]

    def fused() -> Any:
        return (margin + cum - side * size * entry) / (size * (mmr - side))

    def public() -> Any:
        return liquidation_price(side, entry, size, margin, mmr, cum)

    def tiered() -> Any:
        return liquidation_price_tiered(side, entry, size, margin, tiers)

    # interleave the two close competitors so that load from other processes hits both
    t_fused, t_public = np.inf, np.inf
    ref: Any = None
    out: Any = None
    for _ in range(repeat):
        t, ref = _best_of(fused, 1)
        t_fused = min(t_fused, t)
        t, out = _best_of(public, 1)
        t_public = min(t_public, t)
    t_tiered, _ = _best_of(tiered, repeat=3)
    np.testing.assert_allclose(out, np.maximum(ref, 0.0), rtol=1e-12)

    sl = slice(0, n_loop)
    rows = list(
        zip(
            side[sl].tolist(),
            entry[sl].tolist(),
            size[sl].tolist(),
            margin[sl].tolist(),
            mmr[sl].tolist(),
            cum[sl].tolist(),
            strict=True,
        )
    )

    def loop() -> list[float]:
        res = []
        for s, e, q, m_, r, a in rows:
            p = (m_ + a - s * q * e) / (q * (r - s))
            res.append(p if p > 0 else 0.0)
        return res

    t_loop_sub, loop_out = _best_of(loop, repeat=1)
    np.testing.assert_allclose(loop_out, out[sl], rtol=1e-12)
    t_loop = t_loop_sub * n / n_loop

    print(f"liquidation prices for {n:,} positions (mixed sides, Binance BTCUSDT tiers 1-6)")
    print(f"best of {repeat} (fused, public, interleaved), best of 3 (tiered), 1 loop run")
    print(f"{'method':<36}{'seconds':>10}{'vs fused':>10}{'loop / this':>13}")
    for name, t in [
        ("fused numpy expression", t_fused),
        ("riskkit.liquidation_price", t_public),
        ("riskkit.liquidation_price_tiered", t_tiered),
        (f"python loop (scaled from {n_loop:,})", t_loop),
    ]:
        print(f"{name:<36}{t:>10.3f}{t / t_fused:>10.2f}{t_loop / t:>13.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000)
