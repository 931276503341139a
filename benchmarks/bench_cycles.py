"""Benchmark riskkit.cycles against naive references run in the same process (wall time).

Measures, on the same synthetic inputs:

* the rolling-window maximum behind the episode detector (sparse table) against a Python loop;
* ``deleveraging_episodes`` against a direct loop over its documented definition (the reference
  used by the tests);
* ``hp_filter_one_sided`` (one Kalman-style pass) against re-running statsmodels' two-sided
  ``hpfilter`` on every expanding sample;
* ``hamilton_filter(real_time=True)`` against refitting the regression at every date.

Run: ``python benchmarks/bench_cycles.py``. Prints a small table with the speed-ups.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.tsa.filters.hp_filter import hpfilter

from riskkit.cycles import _RangeMax, deleveraging_episodes, hamilton_filter, hp_filter_one_sided

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_cycles import naive_episodes  # the tests' reference implementation


def best(f: Callable[[], Any], reps: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> None:
    rng = np.random.default_rng(0)
    rows: list[tuple[str, int, float, float]] = []
    for n, w in ((35_000, 720), (100_000, 720)):
        x = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        lo = np.maximum(np.arange(n) - w, 0)
        tf, a = best(lambda x=x, lo=lo: _RangeMax(x).query(lo, np.arange(x.size)))
        tn, b = best(
            lambda x=x, lo=lo: np.array([x[lo[t] : t + 1].max() for t in range(x.size)]), 1
        )
        assert np.array_equal(a, b)
        rows.append(("window max (sparse table vs loop)", n, tf, tn))
    for n in (5_000, 35_000, 100_000):
        x = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
        s = pd.Series(x)
        tf, res = best(lambda s=s: deleveraging_episodes(s, drop=0.15, window=720))
        tn = float("nan")
        if n <= 35_000:
            tn, ref = best(lambda x=x: naive_episodes(x, 0.15, 720, 0.5), reps=1)
            assert len(ref) == len(res)
        rows.append((f"deleveraging_episodes, window 720 ({len(res)} episodes)", n, tf, tn))
    for n in (338, 1500):
        y = np.cumsum(rng.normal(size=n))
        tf, a = best(lambda y=y: hp_filter_one_sided(y, 1600.0)[1])
        tn, b = best(
            lambda y=y: np.array(
                [y[0], y[1]] + [hpfilter(y[: t + 1], 1600.0)[1][-1] for t in range(2, y.size)]
            ),
            reps=1,
        )
        err = float(np.max(np.abs(a - b)))
        rows.append((f"hp_filter_one_sided vs expanding hpfilter (max diff {err:.1e})", n, tf, tn))
    for n in (338, 3000):
        y = np.cumsum(rng.normal(size=n))
        tf, a = best(lambda y=y: hamilton_filter(y, 24, 12, real_time=True)[0])

        def naive(y: np.ndarray = y) -> np.ndarray:
            out = np.full(y.size, np.nan)
            for t in range(35 + 25, y.size):
                out[t] = hamilton_filter(y[: t + 1], 24, 12)[0][-1]
            return out

        tn, b = best(naive, reps=1)
        ok = np.isfinite(b)
        err = float(np.max(np.abs(a[ok] - b[ok])))
        rows.append((f"hamilton_filter real_time vs refit loop (max diff {err:.1e})", n, tf, tn))
    df = pd.DataFrame(rows, columns=["what", "n", "riskkit_s", "naive_s"])
    df["speed-up"] = df["naive_s"] / df["riskkit_s"]
    pd.set_option("display.width", 200)
    sys.stdout.write(df.to_string(index=False, float_format=lambda v: f"{v:.4g}") + "\n")


if __name__ == "__main__":
    main()
