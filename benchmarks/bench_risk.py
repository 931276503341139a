"""Benchmarks for riskkit.risk and riskkit.moments against naive references (not tests).

Measures wall time of the vectorised implementations and of a straightforward loop computing
the same numbers in the same process, checks that both agree, and prints a small table.

Run: ``python benchmarks/bench_risk.py``
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from riskkit.moments import rolling_skewness
from riskkit.risk import max_adverse_excursion, rolling_var


def _best(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    rng = np.random.default_rng(0)
    n = 20_000
    r = pd.Series(rng.standard_t(4, n) * 0.005)
    price = 100 * np.exp(np.cumsum(r.to_numpy()))
    rows = []

    w = 1000
    t_fast, fast = _best(lambda: rolling_var(r, w, 0.99)["var"].to_numpy())

    def naive_hist() -> np.ndarray:
        x = r.to_numpy()
        out = np.full(n, np.nan)
        for t in range(w, n):
            out[t] = -np.quantile(x[t - w : t], 0.01)
        return out

    t_naive, ref = _best(naive_hist, 1)
    assert np.allclose(fast, ref, equal_nan=True)
    rows.append(("rolling historical VaR+ES (n=20k, w=1000)", t_fast, t_naive))

    h = 24
    t_fast, fast = _best(lambda: max_adverse_excursion(price, h))

    def naive_mae() -> np.ndarray:
        out = np.full(n, np.nan)
        for t in range(n - h):
            out[t] = 1 - price[t + 1 : t + h + 1].min() / price[t]
        return out

    t_naive, ref = _best(naive_mae, 1)
    assert np.allclose(fast, ref, equal_nan=True)
    rows.append(("max adverse excursion (n=20k, h=24)", t_fast, t_naive))

    w = 500
    t_fast, fast = _best(lambda: rolling_skewness(r, w).to_numpy())

    def naive_skew() -> np.ndarray:
        x = r.to_numpy()
        out = np.full(n, np.nan)
        for t in range(w - 1, n):
            out[t] = stats.skew(x[t - w + 1 : t + 1], bias=False)
        return out

    t_naive, ref = _best(naive_skew, 1)
    assert np.allclose(fast, ref, equal_nan=True, rtol=1e-6, atol=1e-9)
    rows.append(("rolling skewness (n=20k, w=500)", t_fast, t_naive))

    table = pd.DataFrame(rows, columns=["case", "riskkit_s", "naive_s"]).set_index("case")
    table["speed-up"] = table["naive_s"] / table["riskkit_s"]
    print(table.round(4).to_string())


if __name__ == "__main__":
    main()
