"""Benchmark: riskkit.scale panels in-process against a 2-worker local Dask cluster.

SYNTHETIC PRICES, FOR TIMING ONLY: every symbol is a random walk of 1-minute bars
(Student-t(3) log returns, 0.08 % per minute, random wicks), written to a temporary
hive-partitioned Parquet dataset ``klines/symbol=<S>/month=<YYYY-MM>/part-0.parquet`` (the
layout of the riskkit.data builders). The numbers say nothing about any market.

1. ``panel_survival`` on the whole panel (default 100 symbols x 500,000 bars, 3 leverages,
   3 horizons): in-process (the reference, same run) against a local cluster of 2 worker
   processes, with wall time, ratio, peak memory of the driver (growth of its RSS over the
   run, sampled every 20 ms) and of each worker (RSS sampled in the worker, started and read
   with ``client.run``), and a bit-for-bit comparison.
2. The cost against the number of symbols (default 10, 30 and the full panel), both routes.
3. The full panel again on a cluster whose workers get ``memory_limit`` each, so that the
   dataset on disk is larger than all the workers' memory together: it completes because a
   task holds one symbol only.
4. ``monte_carlo_sweep``: paths per second in-process and on the cluster, identical results.

Run: ``python benchmarks/bench_scale.py [--symbols 100] [--bars 500000] [--scaling 10,30]
[--repeat 1] [--memory-limit 700MiB] [--sweep-paths 20000]``; small: ``--symbols 6
--bars 50000 --scaling 2 --memory-limit 300MiB``.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from riskkit.scale import IN_PROCESS, local_client, monte_carlo_sweep, panel_survival

LEVERAGES = [5.0, 20.0, 50.0]
HORIZONS = [60, 1440, 10080]  # 1 hour, 1 day, 1 week of 1-minute bars


def write_synthetic(root: Path, n_symbols: int, n_bars: int) -> int:
    """Write the synthetic panel; return its size on disk in bytes."""
    start = pd.Timestamp("2025-01-01", tz="UTC")
    stamps = pd.date_range(start, periods=n_bars, freq="1min")
    months = stamps.strftime("%Y-%m")
    bounds = np.flatnonzero(np.r_[True, months[1:] != months[:-1], True])
    for s in range(n_symbols):
        rng = np.random.default_rng(s)
        r = 0.0008 * rng.standard_t(3, n_bars) / np.sqrt(3.0)
        close = 100.0 * np.exp(np.cumsum(r))
        open_ = np.r_[100.0, close[:-1]]
        wick = 0.0004 * np.abs(rng.standard_normal((2, n_bars)))
        high = np.maximum(open_, close) * np.exp(wick[0])
        low = np.minimum(open_, close) * np.exp(-wick[1])
        volume = rng.exponential(10.0, n_bars)
        for a, b in itertools.pairwise(bounds):
            out = root / "klines" / f"symbol=SYN{s:03d}" / f"month={months[a]}"
            out.mkdir(parents=True, exist_ok=False)
            table = pa.table(
                {
                    "timestamp": pa.array(stamps[a:b], type=pa.timestamp("ms", tz="UTC")),
                    "open": open_[a:b],
                    "high": high[a:b],
                    "low": low[a:b],
                    "close": close[a:b],
                    "volume": volume[a:b],
                }
            )
            pq.write_table(table, out / "part-0.parquet", compression="none")  # random floats
    return sum(p.stat().st_size for p in root.rglob("*.parquet"))


class PeakRSS:
    """Peak resident memory of this process while the block runs (psutil, 20 ms samples)."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.peak = self.start = 0
        self._stop = threading.Event()

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self) -> PeakRSS:
        self.peak = self.start = self._proc.memory_info().rss
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _start_peak(dask_worker: Any) -> int:
    """Start sampling the RSS of this worker process; return its RSS now (bytes)."""
    sampler = PeakRSS()
    sampler.__enter__()
    dask_worker.riskkit_peak = sampler
    return sampler.peak


def _stop_peak(dask_worker: Any) -> int:
    """Stop the sampler; return the peak RSS of this worker process since the start (bytes)."""
    sampler = dask_worker.riskkit_peak
    sampler.__exit__()
    return sampler.peak


def mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def timed_panel(path: Path, symbols: list[str], client: Any) -> tuple[Any, float, int]:
    with PeakRSS() as rss:
        t0 = time.perf_counter()
        res = panel_survival(path, LEVERAGES, HORIZONS, symbols=symbols, client=client)
        wall = time.perf_counter() - t0
    return res, wall, rss.peak - rss.start


def same(a: Any, b: Any) -> bool:
    return all(
        np.array_equal(getattr(a, f).to_numpy(), getattr(b, f).to_numpy(), equal_nan=True)
        for f in ("surv_prob", "surv_prob_se", "n_risk", "pooled_surv_prob")
    )


def best_of(repeat: int, path: Path, symbols: list[str], client: Any) -> tuple[Any, float, int]:
    """Fastest of ``repeat`` runs (the machine is shared), with the largest driver growth."""
    runs = [timed_panel(path, symbols, client) for _ in range(repeat)]
    return runs[0][0], min(r[1] for r in runs), max(r[2] for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--symbols", type=int, default=100)
    ap.add_argument("--bars", type=int, default=500_000, help="1-minute bars per symbol")
    ap.add_argument("--scaling", default="10,30", help="smaller panel sizes, comma separated")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=1, help="runs per timing, fastest kept")
    ap.add_argument(
        "--memory-limit", default="700MiB", help="per worker, for the larger-than-memory run"
    )
    ap.add_argument("--sweep-paths", type=int, default=20_000)
    ap.add_argument("--tmp", default=None, help="parent directory of the temporary dataset")
    args = ap.parse_args()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, cores {os.cpu_count()}, "
        f"load average {load:.2f}"
    )
    print("SYNTHETIC PRICES (random walks), FOR TIMING ONLY")
    tmp = Path(tempfile.mkdtemp(prefix="riskkit-bench-scale-", dir=args.tmp))
    try:
        t0 = time.perf_counter()
        disk = write_synthetic(tmp, args.symbols, args.bars)
        print(
            f"dataset: {args.symbols} symbols x {args.bars:,} bars, {mib(disk)} on disk, "
            f"written in {time.perf_counter() - t0:.1f} s; leverages {LEVERAGES}, "
            f"horizons {HORIZONS} bars"
        )
        path = tmp / "klines"
        print(f"driver RSS before the runs: {mib(PeakRSS()._proc.memory_info().rss)}")
        names = [f"SYN{s:03d}" for s in range(args.symbols)]
        sizes = sorted({int(x) for x in args.scaling.split(",") if x} | {args.symbols})
        sizes = [n for n in sizes if n <= args.symbols]

        # 1-2. in-process against a default local cluster, at each panel size
        t0 = time.perf_counter()
        with local_client(args.workers) as client:
            print(
                f"cluster: {args.workers} worker processes x 1 thread (default memory limit), "
                f"started in {time.perf_counter() - t0:.1f} s (not included below)"
            )
            idle = client.run(_start_peak)
            rows = []
            for n in sizes:
                ref, t_ref, m_ref = best_of(args.repeat, path, names[:n], IN_PROCESS)
                got, t_got, m_got = best_of(args.repeat, path, names[:n], client)
                rows.append((n, t_ref, t_got, m_ref, m_got, same(ref, got)))
            peaks = client.run(_stop_peak)
            sweep_kw = {
                "leverage": list(np.round(np.geomspace(2, 100, 20), 2)),
                "horizon": [24, 168, 720],
                "model": "student_t",
                "params": {"mu": 0.0, "scale": 0.006, "nu": 4.0},
                "n_paths": args.sweep_paths,
                "chunk_size": 2_500,
                "seed": 1,
            }
            s_ref = monte_carlo_sweep(**sweep_kw, client=IN_PROCESS)
            s_got = monte_carlo_sweep(**sweep_kw, client=client)
        print("\npanel_survival: in-process (reference) vs cluster, wall time in seconds")
        print(
            f"{'symbols':>8} {'in-process':>11} {'cluster':>8} {'in/cl':>6} "
            f"{'s/symbol in':>12} {'s/symbol cl':>12} {'driver +RSS in':>15} "
            f"{'driver +RSS cl':>15} {'identical':>9}"
        )
        for n, t_ref, t_got, m_ref, m_got, ok in rows:
            print(
                f"{n:>8} {t_ref:>11.1f} {t_got:>8.1f} {t_ref / t_got:>6.2f} {t_ref / n:>12.2f} "
                f"{t_got / n:>12.2f} {mib(m_ref):>15} {mib(m_got):>15} {ok!s:>9}"
            )
        print(
            "worker RSS (sampled every 20 ms): idle "
            + ", ".join(mib(v) for v in idle.values())
            + "; peak over the panel runs "
            + ", ".join(mib(v) for v in peaks.values())
        )

        # 3. the same panel on workers whose memory together is less than the dataset
        limit = args.memory_limit
        with local_client(args.workers, memory_limit=limit) as client:
            total = sum(w["memory_limit"] for w in client.scheduler_info()["workers"].values())
            idle = client.run(_start_peak)
            small, t_small, m_small = timed_panel(path, names, client)
            peaks = client.run(_stop_peak)
        print(
            f"\nlimited cluster: memory_limit {limit} per worker, {mib(total)} in all, dataset "
            f"on disk {mib(disk)} = {disk / total:.2f} x the workers' memory: "
            f"{len(names)} symbols in {t_small:.1f} s, worker RSS idle "
            + ", ".join(mib(v) for v in idle.values())
            + ", peak "
            + ", ".join(mib(v) for v in peaks.values())
            + f", driver RSS growth {mib(m_small)}, identical to in-process {same(ref, small)}"
        )
        if disk <= total:
            print(
                "  NOT larger than memory at this size: raise --symbols/--bars or lower "
                "--memory-limit"
            )
        print(
            f"\nmonte_carlo_sweep {args.sweep_paths:,} paths x 720 bars x 20 leverages "
            f"({s_ref.n_chunks} chunks): in-process {s_ref.paths_per_second:,.0f} paths/s, "
            f"cluster {s_got.paths_per_second:,.0f} paths/s, cluster/in-process "
            f"{s_got.paths_per_second / s_ref.paths_per_second:.2f}, identical "
            f"{s_ref.liquidation_prob.equals(s_got.liquidation_prob)}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
