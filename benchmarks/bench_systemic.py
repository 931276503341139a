"""Benchmark: rolling betas and rolling principal components against naive loops.

Run: ``python benchmarks/bench_systemic.py [--max-exp 5] [--window 90] [--repeat 3]``.

For T = 10^3 .. 10^max_exp daily observations it times

* ``rolling_beta``: :func:`~riskkit.systemic.rolling_beta` (prefix sums, O(T)) against a loop
  of ``numpy.polyfit`` over every window (O(T * window)), for T <= 10^4;
* ``rolling_pca``: :func:`~riskkit.systemic.rolling_principal_components` on 3 series (prefix
  sums of cross products and one batched ``eigh``) against a loop of ``numpy.corrcoef`` and
  ``numpy.linalg.eigh`` per window, for T <= 10^4;

and checks that both give the same numbers. Timings are the best of ``--repeat`` runs, wall
clock, single process.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from riskkit.systemic import rolling_beta, rolling_principal_components


def best_of(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def naive_beta(y: np.ndarray, x: np.ndarray, window: int) -> np.ndarray:
    return np.array(
        [np.polyfit(x[e - window : e], y[e - window : e], 1)[0] for e in range(window, len(x) + 1)]
    )


def naive_pca(r: np.ndarray, window: int) -> np.ndarray:
    out = []
    for e in range(window, len(r) + 1):
        lam = np.linalg.eigvalsh(np.corrcoef(r[e - window : e], rowvar=False))
        out.append(lam[-1] / lam.sum())
    return np.array(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-exp", type=int, default=5)
    parser.add_argument("--window", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    print(f"{'T':>8} {'what':>13} {'fast s':>10} {'naive s':>10} {'ratio':>8}")
    for exp in range(3, args.max_exp + 1):
        n = 10**exp
        idx = pd.date_range("2000-01-01", periods=n, freq="D", tz="UTC")
        f = rng.standard_normal(n)
        panel = pd.DataFrame(
            {c: b * f + rng.standard_normal(n) for c, b in (("a", 1.0), ("b", 0.8), ("c", 0.3))},
            index=idx,
        )
        t_fast, res = best_of(
            lambda p=panel: rolling_beta(p["a"], p["b"], args.window), args.repeat
        )
        t_pca, pca = best_of(
            lambda p=panel: rolling_principal_components(p, args.window), args.repeat
        )
        naive_b = naive_p = "-"
        ratio_b = ratio_p = "-"
        if n <= 10**4:
            t_nb, ref_b = best_of(
                lambda p=panel: naive_beta(p["a"].to_numpy(), p["b"].to_numpy(), args.window), 1
            )
            t_np, ref_p = best_of(lambda p=panel: naive_pca(p.to_numpy(), args.window), 1)
            np.testing.assert_allclose(res.table["beta"], ref_b, rtol=1e-8)
            np.testing.assert_allclose(pca.first_share, ref_p, rtol=1e-8)
            naive_b, naive_p = f"{t_nb:.4f}", f"{t_np:.4f}"
            ratio_b, ratio_p = f"{t_nb / t_fast:.0f}x", f"{t_np / t_pca:.0f}x"
        print(f"{n:>8} {'rolling_beta':>13} {t_fast:>10.4f} {naive_b:>10} {ratio_b:>8}")
        print(f"{n:>8} {'rolling_pca':>13} {t_pca:>10.4f} {naive_p:>10} {ratio_p:>8}")


if __name__ == "__main__":
    main()
