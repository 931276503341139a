"""riskkit.scale: panels of symbols and Monte Carlo sweeps, in-process and on Dask.

Reference implementations: a plain loop of :func:`riskkit.survival.historical_survival` /
:func:`time_to_liquidation` over the symbols, :func:`kaplan_meier` on the concatenated
durations for the pooled map, and a plain loop of :func:`simulate_liquidation` over
``SeedSequence(seed).spawn(n_chunks)`` for the sweep. Real bars come from the offline mirror
(Binance and Bitstamp daily, Binance hourly), written to a hive-partitioned Parquet dataset.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit.exceptions import InProcessWarning, InsufficientDataError
from riskkit.scale import (
    IN_PROCESS,
    local_client,
    monte_carlo_sweep,
    panel_survival,
    panel_time_to_liquidation,
)
from riskkit.survival import (
    historical_survival,
    kaplan_meier,
    simulate_liquidation,
    time_to_liquidation,
)

LEVERAGES = [2.0, 5.0, 20.0]
HORIZONS = [1, 7, 30]


# --------------------------------------------------------------------------------------------
# fixtures: real bars, their Parquet dataset, two clusters
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frames(mirror_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """Four real OHLC series from the mirror (the hourly one cut to 2020, 8,784 bars)."""
    from riskkit.data import load_perp_ohlcv, load_spot_ohlcv

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKKIT_DATA_DIR", str(tmp_path_factory.mktemp("cache")))
        mp.setenv("RISKKIT_DATA_MIRROR", str(mirror_dir))
        out = {
            "BTCUSDT": load_spot_ohlcv("BTCUSDT", "binance", "1d"),
            "ETHUSDT": load_spot_ohlcv("ETHUSDT", "binance", "1d"),
            "BTCUSD": load_spot_ohlcv("BTCUSD", "bitstamp", "1d"),
            "BTCUSDT-PERP-1H": load_perp_ohlcv("BTCUSDT", "binance", "1h").loc["2024"],
        }
    return {k: v[["open", "high", "low", "close", "volume_base"]] for k, v in out.items()}


def write_dataset(frames: dict[str, pd.DataFrame], root: Path, kind: str = "klines") -> Path:
    """The builders' layout: ROOT/<kind>/symbol=<S>/month=<YYYY-MM>/part-0.parquet."""
    for symbol, frame in frames.items():
        months = frame.index.strftime("%Y-%m")
        for month in pd.unique(months):
            part = frame[months == month]
            table = pa.table(
                {
                    "timestamp": pa.array(part.index, type=pa.timestamp("ms", tz="UTC")),
                    "open": part["open"].to_numpy(),
                    "high": part["high"].to_numpy(),
                    "low": part["low"].to_numpy(),
                    "close": part["close"].to_numpy(),
                    "volume": part["volume_base"].to_numpy(),
                }
            )
            out = root / kind / f"symbol={symbol}" / f"month={month}"
            out.mkdir(parents=True)
            pq.write_table(table, out / "part-0.parquet")
    return root


@pytest.fixture(scope="module")
def dataset(frames: dict[str, pd.DataFrame], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(frames, tmp_path_factory.mktemp("dataset"))


@pytest.fixture(scope="module")
def client1() -> Iterator[Any]:
    with local_client(1, processes=False) as client:
        yield client


@pytest.fixture(scope="module")
def client2() -> Iterator[Any]:
    with local_client(2, processes=True) as client:
        yield client


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.dropna(subset=["high", "low", "close"])


# --------------------------------------------------------------------------------------------
# panel survival
# --------------------------------------------------------------------------------------------


def test_panel_survival_equals_a_loop_of_historical_survival(frames: dict[str, Any]) -> None:
    res = panel_survival(frames, LEVERAGES, HORIZONS, client=IN_PROCESS)
    assert res.symbols == sorted(frames)
    for symbol, frame in frames.items():
        f = _complete(frame)
        ref = historical_survival(f["high"], f["low"], f["close"], LEVERAGES, HORIZONS)
        pd.testing.assert_frame_equal(res.symbol(symbol), ref.surv_prob, check_exact=True)
        got_se = res.surv_prob_se.xs(symbol, level="symbol")
        pd.testing.assert_frame_equal(got_se, ref.surv_prob_se, check_exact=True)
        assert res.nobs[symbol] == len(f)
        assert res.dropped[symbol] == len(frame) - len(f)
        assert res.first[symbol] == f.index[0] and res.last[symbol] == f.index[-1]
    # summary: the pooled block first, then every symbol's rows
    assert res.summary().index.get_level_values("symbol")[0] == "(pooled)"


def test_pooled_map_equals_kaplan_meier_on_all_durations(frames: dict[str, Any]) -> None:
    res = panel_survival(frames, LEVERAGES, HORIZONS, side="short", client=IN_PROCESS)
    for lev in LEVERAGES:
        dur, obs = [], []
        for frame in frames.values():
            f = _complete(frame)
            tau = time_to_liquidation(f["high"], f["low"], f["close"], lev, side="short")
            tau = tau.to_numpy()
            censor = len(f) - 1 - np.arange(len(f))
            dur.append(np.where(np.isnan(tau), censor, tau))
            obs.append(~np.isnan(tau))
        km = kaplan_meier(np.concatenate(dur), np.concatenate(obs))
        np.testing.assert_allclose(
            res.pooled_surv_prob.loc[lev].to_numpy(), km.survival_at(HORIZONS), rtol=1e-14
        )
        at_risk = [(np.concatenate(dur) >= h).sum() for h in HORIZONS]
        assert res.pooled_n_risk.loc[lev].tolist() == at_risk


@settings(max_examples=25)
@given(
    n=st.lists(st.integers(2, 60), min_size=1, max_size=4),
    seed=st.integers(0, 2**16),
    lev=st.sampled_from([1.5, 3.0, 10.0]),
)
def test_pooled_map_property_random_walks(n: list[int], seed: int, lev: float) -> None:
    rng = np.random.default_rng(seed)
    data = {
        f"S{i}": pd.Series(100 * np.exp(np.cumsum(0.1 * rng.standard_normal(k))))
        for i, k in enumerate(n)
    }
    hz = [1, 5, 20]
    res = panel_survival(data, lev, hz, client=IN_PROCESS)
    dur, obs = [], []
    for s in data.values():
        tau = time_to_liquidation(s.to_numpy(), s.to_numpy(), s.to_numpy(), lev)
        dur.append(np.where(np.isnan(tau), len(s) - 1 - np.arange(len(s)), tau))
        obs.append(~np.isnan(tau))
    ref = kaplan_meier(np.concatenate(dur), np.concatenate(obs)).survival_at(hz)
    np.testing.assert_allclose(res.pooled_surv_prob.loc[lev].to_numpy(), ref, rtol=1e-14)
    # the pooled map lies between the symbols' maps where they are all defined
    per = res.surv_prob.to_numpy()
    ok = ~np.isnan(per).any(axis=0)
    pooled = res.pooled_surv_prob.to_numpy()[0]
    assert (pooled[ok] >= per.min(axis=0)[ok] - 1e-12).all()
    assert (pooled[ok] <= per.max(axis=0)[ok] + 1e-12).all()


def test_dataset_equals_frames_and_workers_agree_bit_for_bit(
    frames: dict[str, Any], dataset: Path, client1: Any, client2: Any
) -> None:
    ref = panel_survival(frames, LEVERAGES, HORIZONS, client=IN_PROCESS)
    here = panel_survival(dataset / "klines", LEVERAGES, HORIZONS, client=IN_PROCESS)
    one = panel_survival(dataset, LEVERAGES, HORIZONS, kind="klines", client=client1)
    two = panel_survival(dataset, LEVERAGES, HORIZONS, kind="klines", client=client2)
    assert (one.n_workers, two.n_workers) == (1, 2)
    assert two.backend == "distributed.Client (2 workers)"
    for res in (here, one, two):
        for field in ("surv_prob", "surv_prob_se", "n_risk", "pooled_surv_prob"):
            pd.testing.assert_frame_equal(
                getattr(res, field), getattr(ref, field), check_exact=True
            )
        pd.testing.assert_series_equal(res.nobs, ref.nobs)


def test_the_driver_lists_partitions_and_the_workers_read_them(
    dataset: Path, client2: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = panel_survival(dataset / "klines", 5.0, [7], client=IN_PROCESS)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the driver read a Parquet file")

    # the worker processes keep their own, untouched pyarrow
    monkeypatch.setattr(pq, "read_table", refuse)
    got = panel_survival(dataset / "klines", 5.0, [7], client=client2)
    pd.testing.assert_frame_equal(got.surv_prob, ref.surv_prob, check_exact=True)
    with pytest.raises(AssertionError, match="the driver read"):
        panel_survival(dataset / "klines", 5.0, [7], client=IN_PROCESS)


def test_start_end_select_bars_and_prune_months(frames: dict[str, Any], dataset: Path) -> None:
    start, end = "2021-03-15", "2022-06-30 23:00"
    got = panel_survival(
        dataset / "klines",
        LEVERAGES,
        HORIZONS,
        start=start,
        end=end,
        symbols=["ETHUSDT", "BTCUSD"],
        client=IN_PROCESS,
    )
    cut = {s: frames[s].loc[start:end] for s in ("ETHUSDT", "BTCUSD")}
    ref = panel_survival(cut, LEVERAGES, HORIZONS, client=IN_PROCESS)
    pd.testing.assert_frame_equal(got.surv_prob, ref.surv_prob, check_exact=True)
    assert got.first["ETHUSDT"] == pd.Timestamp("2021-03-15", tz="UTC")
    assert got.last["ETHUSDT"] == pd.Timestamp("2022-06-30", tz="UTC")


def test_default_client_starts_and_closes_a_local_cluster(
    frames: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import contextlib

    from riskkit.scale import _cluster

    opened: list[Any] = []

    @contextlib.contextmanager
    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with local_client(*args, **kwargs) as client:
            opened.append(client)
            yield client

    monkeypatch.setattr(_cluster, "local_client", spy)
    small = {k: frames[k] for k in ("BTCUSDT", "ETHUSDT")}
    res = panel_survival(small, 5.0, [7], n_workers=2, cluster_options={"processes": False})
    assert res.backend == "LocalCluster (2 workers)"
    ref = panel_survival(small, 5.0, [7], client=IN_PROCESS)
    pd.testing.assert_frame_equal(res.surv_prob, ref.surv_prob, check_exact=True)
    assert len(opened) == 1 and opened[0].status == "closed"
    assert len(opened[0].cluster.workers) == 0  # the cluster's workers are gone too


def test_without_dask_runs_in_process_and_says_how_to_install(
    frames: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    small = {"BTCUSDT": frames["BTCUSDT"]}
    ref = panel_survival(small, 5.0, [7], client=IN_PROCESS)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.warns(InProcessWarning, match=r'pip install "riskkit\[scale\]"'):
        res = panel_survival(small, 5.0, [7])
    assert res.backend == IN_PROCESS
    pd.testing.assert_frame_equal(res.surv_prob, ref.surv_prob, check_exact=True)
    with pytest.warns(InProcessWarning, match="monte_carlo_sweep ran in this process"):
        monte_carlo_sweep(
            10.0, 5, model="normal", params={"mu": 0.0, "sigma": 0.01}, n_paths=10, seed=1
        )


def test_chart_delegates_to_the_survival_heat_map(frames: dict[str, Any]) -> None:
    res = panel_survival(frames, LEVERAGES, HORIZONS, client=IN_PROCESS)
    spec = res.chart().to_dict()
    assert "facet" not in spec
    faceted = res.chart(["BTCUSDT", "ETHUSDT"]).to_dict()
    assert faceted["facet"]["column"]["field"] == "group"
    with pytest.raises(ValueError, match="symbol must be one of"):
        res.chart(["NOPE"])


# --------------------------------------------------------------------------------------------
# panel time to liquidation
# --------------------------------------------------------------------------------------------


def test_panel_time_to_liquidation_matches_the_direct_scan(
    frames: dict[str, Any], dataset: Path, client2: Any
) -> None:
    res = panel_time_to_liquidation(
        dataset / "klines", LEVERAGES, keep_durations=True, client=client2
    )
    for symbol, frame in frames.items():
        f = _complete(frame)
        tau = time_to_liquidation(f["high"], f["low"], f["close"], LEVERAGES)
        assert res.durations is not None
        np.testing.assert_array_equal(res.durations[symbol].to_numpy(), tau.to_numpy())
        for lev in LEVERAGES:
            row = res.stats.loc[(symbol, lev)]
            t = tau[lev].dropna().to_numpy()
            assert row["liquidated"] == t.size and row["censored"] == len(f) - t.size
            if t.size:
                assert row["median_bars"] == np.median(t) and row["min_bars"] == t.min()
                assert row["mean_bars"] == pytest.approx(t.mean(), rel=1e-12)
    lean = panel_time_to_liquidation(frames, LEVERAGES, client=IN_PROCESS)
    assert lean.durations is None
    pd.testing.assert_frame_equal(lean.stats, res.stats, check_exact=True)


# --------------------------------------------------------------------------------------------
# one BLAS thread per task on the workers
# --------------------------------------------------------------------------------------------


def _pool_sizes() -> list[int]:
    """The thread counts of this process's BLAS/OpenMP pools (a task: runs on a worker)."""
    from threadpoolctl import threadpool_info

    return [int(pool["num_threads"]) for pool in threadpool_info()]


def test_local_client_leaves_the_callers_environment_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Regression: Dask's nanny set OMP_NUM_THREADS=1 etc. in the caller's os.environ before
    # spawning a worker process, and local_client left them there for every later subprocess.
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    with local_client(1) as client:
        assert os.environ.get("OMP_NUM_THREADS") is None
        assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
        worker_env = client.run(lambda: os.environ.get("OMP_NUM_THREADS"))
        assert set(worker_env.values()) == {"1"}  # the worker still got its one thread
    assert os.environ.get("OMP_NUM_THREADS") is None
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"


def test_tasks_on_workers_run_with_one_blas_thread(client2: Any) -> None:
    import dask
    from threadpoolctl import threadpool_limits

    from riskkit.scale._cluster import run_tasks

    opts = {"n_workers": 1, "cluster_options": None, "feature": "test"}
    with threadpool_limits(limits=2):  # this process's pools, whatever other fixtures set
        before = _pool_sizes()
        if max(before, default=1) < 2:
            pytest.skip("this machine's BLAS runs one thread: nothing to limit")
        # workers that are threads of this process: limited inside the block, then restored
        with local_client(1, processes=False) as threads:
            (inside,) = run_tasks(_pool_sizes, [()], client=threads, **opts).outputs
        assert _pool_sizes() == before
        assert run_tasks(_pool_sizes, [()], client=IN_PROCESS, **opts).outputs == [before]
    assert inside and set(inside) == {1}
    # a worker process started with 2 BLAS threads (not Dask's default of 1) is limited by
    # its first task (the nanny takes these variables from os.environ before its config;
    # it also writes them there, so a cluster started earlier left 1 in this process)
    wide = dict.fromkeys(("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"), 2)
    with (
        pytest.MonkeyPatch.context() as mp,
        dask.config.set({"distributed.nanny.pre-spawn-environ": wide}),
    ):
        for name in wide:
            mp.setenv(name, "2")
        with local_client(1) as bare:
            assert max(bare.submit(_pool_sizes, pure=False).result()) == 2
            (limited,) = run_tasks(_pool_sizes, [()], client=bare, **opts).outputs
    assert limited and set(limited) == {1}
    two = run_tasks(_pool_sizes, [(), ()], client=client2, **opts).outputs
    assert all(sizes and set(sizes) == {1} for sizes in two)


# --------------------------------------------------------------------------------------------
# Monte Carlo sweep
# --------------------------------------------------------------------------------------------

SWEEP = {
    "leverage": [3.0, 10.0, 25.0, 50.0],
    "horizon": [24, 72],
    "model": "student_t",
    "params": {"mu": 0.0, "scale": 0.006, "nu": 4.0},
    "n_paths": 3_000,
    "chunk_size": 500,
    "seed": 2024,
}


def test_sweep_identical_in_process_one_and_two_workers(client1: Any, client2: Any) -> None:
    ref = monte_carlo_sweep(**SWEEP, client=IN_PROCESS)
    grouped = monte_carlo_sweep(**SWEEP, chunks_per_task=4, client=IN_PROCESS)
    one = monte_carlo_sweep(**SWEEP, client=client1)
    two = monte_carlo_sweep(**SWEEP, chunks_per_task=2, client=client2)
    assert ref.n_chunks == 6
    for res in (grouped, one, two):
        pd.testing.assert_frame_equal(res.liquidation_prob, ref.liquidation_prob, check_exact=True)
        pd.testing.assert_frame_equal(res.std_error, ref.std_error, check_exact=True)


def test_sweep_equals_a_loop_over_spawned_streams() -> None:
    res = monte_carlo_sweep(**SWEEP, monitoring="close", client=IN_PROCESS)
    kw = {k: SWEEP[k] for k in ("leverage", "horizon", "model", "params")}
    seeds = np.random.SeedSequence(SWEEP["seed"]).spawn(6)
    hits = sum(
        simulate_liquidation(
            **kw, n_paths=500, chunk_size=500, seed=s, monitoring="close"
        ).liquidation_prob.to_numpy()
        * 500
        for s in seeds
    )
    p = hits / 3_000
    np.testing.assert_allclose(res.liquidation_prob.to_numpy(), p, rtol=1e-12, atol=1e-15)
    # close monitoring: Y is 0/1, so the standard error is the binomial one
    np.testing.assert_allclose(res.std_error.to_numpy(), np.sqrt(p * (1 - p) / 3_000), rtol=1e-9)


def test_sweep_agrees_with_one_stream_within_monte_carlo_error() -> None:
    res = monte_carlo_sweep(**SWEEP, client=IN_PROCESS)
    kw = {k: SWEEP[k] for k in ("leverage", "horizon", "model", "params", "n_paths")}
    one = simulate_liquidation(**kw, seed=99)
    z = (res.liquidation_prob - one.liquidation_prob) / np.sqrt(res.std_error**2 + one.std_error**2)
    assert (z.abs().fillna(0.0) < 4.5).all().all()
    assert (res.liquidation_prob.diff().dropna() >= 0).all().all()  # rises with leverage


def test_sweep_seed_none_is_recorded_and_reproduces() -> None:
    kw = {**SWEEP, "n_paths": 600, "seed": None}
    first = monte_carlo_sweep(**kw, client=IN_PROCESS)
    again = monte_carlo_sweep(**{**kw, "seed": first.seed}, client=IN_PROCESS)
    pd.testing.assert_frame_equal(first.liquidation_prob, again.liquidation_prob, check_exact=True)
    assert first.summary().shape == (8, 4)


def test_sweep_fits_the_model_once_in_the_driver(frames: dict[str, Any]) -> None:
    r = np.log(frames["BTCUSDT"]["close"]).diff().dropna().to_numpy()
    res = monte_carlo_sweep(
        5.0, 30, r, model="normal", n_paths=400, chunk_size=200, seed=3, client=IN_PROCESS
    )
    assert res.params["sigma"] == pytest.approx(r.std(ddof=1), rel=1e-12)


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------


def test_errors_name_the_argument_and_the_value(frames: dict[str, Any], dataset: Path) -> None:
    with pytest.raises(ValueError, match=r"symbols must be in the data .*unknown \['NOPE'\]"):
        panel_survival(frames, 2.0, 1, symbols=["NOPE"], client=IN_PROCESS)
    with pytest.raises(
        ValueError, match=r"symbol 'BTCUSD': frame must have columns .*missing \['mark'\]"
    ):
        panel_survival(frames, 2.0, 1, entry_column="mark", client=IN_PROCESS)
    with pytest.raises(TypeError, match="client must be None"):
        panel_survival(frames, 2.0, 1, client="dask")
    with pytest.raises(TypeError, match="data must be a mapping"):
        panel_survival([1, 2], 2.0, 1, client=IN_PROCESS)
    with pytest.raises(ValueError, match=r"or pass kind= one of \['klines'\]"):
        panel_survival(dataset, 2.0, 1, client=IN_PROCESS)
    with pytest.raises(ValueError, match="kind applies to a Parquet dataset path"):
        panel_survival(frames, 2.0, 1, kind="klines", client=IN_PROCESS)
    with pytest.raises(ValueError, match=r"leverage must be > 0"):
        panel_survival(frames, -1.0, 1, client=IN_PROCESS)
    with pytest.raises(
        InsufficientDataError, match=r"symbol 'X': .* at least 2 complete bars; got 1"
    ):
        panel_survival({"X": pd.Series([1.0])}, 2.0, 1, client=IN_PROCESS)
    with pytest.raises(ValueError, match="start must be a date"):
        panel_survival(frames, 2.0, 1, start="not a date", client=IN_PROCESS)
    with pytest.raises(ValueError, match="n_workers must be an integer >= 1; got int 0"):
        panel_survival(frames, 2.0, 1, n_workers=0)
    with pytest.raises(ValueError, match="cluster_options apply to the local cluster"):
        panel_survival(frames, 2.0, 1, client=IN_PROCESS, cluster_options={"processes": False})
    with pytest.raises(TypeError, match="a Generator cannot be split"):
        monte_carlo_sweep(**{**SWEEP, "seed": np.random.default_rng(1)}, client=IN_PROCESS)
    with pytest.raises(ValueError, match="chunk_size must be an integer >= 1; got int 0"):
        monte_carlo_sweep(**{**SWEEP, "chunk_size": 0}, client=IN_PROCESS)
    with pytest.raises(ValueError, match="monitoring must be one of"):
        monte_carlo_sweep(**{**SWEEP, "monitoring": "daily"}, client=IN_PROCESS)
