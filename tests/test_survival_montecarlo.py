"""Tests for the Monte Carlo liquidation engine: sampled bridge minimum, streams, chunking."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from riskkit._random import PathStreams, as_seed_sequence
from riskkit.survival import liquidation_probability_gbm, simulate_liquidation
from riskkit.survival._bridge import _bridge_minimum, _running_bridge_min
from riskkit.survival._common import _log_barrier
from riskkit.survival.montecarlo import _KINDS, _exponential, _score_tile, _simulate_chunk

PARAMS = {
    "normal": {"mu": 0.0, "sigma": 0.006},
    "student_t": {"mu": 0.0001, "scale": 0.004, "nu": 3.0},
    "garch_t": {
        "mu": 0.0,
        "omega": 4e-7,
        "alpha": 0.08,
        "beta": 0.9,
        "nu": 4.0,
        "sigma2_last": 3.6e-5,
    },
}
LEVS = [2.0, 5.0, 10.0, 25.0, 50.0, 100.0]


def bridge_cdf(b, x0, x1, v):
    """P(min of a Brownian bridge x0 -> x1 with variance v <= b) (Glasserman 2004, 6.4)."""
    lo = min(x0, x1)
    b = np.asarray(b, dtype=float)
    with np.errstate(over="ignore"):
        return np.where(b >= lo, 1.0, np.exp(-2.0 * (x0 - b) * (x1 - b) / v))


# -------------------------------------------------------------------------------------------
# (d) the sampled minimum
# -------------------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(
    x0=st.floats(-1.0, 1.0),
    x1=st.floats(-1.0, 1.0),
    v=st.floats(1e-12, 1.0),
    e=st.floats(0.0, 50.0),
)
def test_sampled_minimum_never_above_the_closes(x0, x1, v, e):
    m = float(_bridge_minimum(x0, x1, v, e))
    assert m <= min(x0, x1)
    # inverse CDF: P(M <= m) = exp(-E) for the sampled value (by hand, from the Notes), checked
    # where the distance below the lower close is resolved to ~1e-9 relative by the doubles
    t = min(x0, x1) - m
    if t > 1e-7:
        p = math.exp(-2.0 * t * (t + abs(x1 - x0)) / v)
        assert p == pytest.approx(math.exp(-e), rel=1e-6, abs=1e-300)


@pytest.mark.parametrize(("x0", "x1", "v"), [(0.0, 0.0, 1.0), (0.01, -0.02, 4e-4), (0.3, 0.5, 0.1)])
def test_sampled_minimum_has_the_bridge_distribution(x0, x1, v):
    # Kolmogorov-Smirnov against the closed-form CDF of the bridge minimum
    e = np.random.default_rng(3).standard_exponential(100_000)
    m = _bridge_minimum(x0, x1, v, e)
    res = stats.kstest(m, lambda b: bridge_cdf(b, x0, x1, v))
    assert res.pvalue > 1e-3
    # the degenerate bar: zero variance and no move, minimum = the close
    assert float(_bridge_minimum(0.2, 0.2, 0.0, 1.0)) == 0.2


def test_running_minimum_equals_the_per_bar_formula():
    rng = np.random.default_rng(0)
    n, h = 200, 50
    var = 1e-4 / rng.chisquare(3, (n, h)) * 3
    step = np.sqrt(var) * rng.standard_normal((n, h))
    level = np.cumsum(step, axis=1)
    e = rng.standard_exponential((n, h))
    prev = np.column_stack([np.zeros(n), level[:, :-1]])
    ref = np.minimum.accumulate(_bridge_minimum(prev, level, var, e), axis=1)
    closes_min = np.minimum.accumulate(np.minimum(prev, level), axis=1)
    out = _running_bridge_min(level.copy(), step.copy(), var, e.copy())
    np.testing.assert_allclose(out, ref, rtol=0, atol=1e-15)
    assert (out <= closes_min).all() and (out <= 0).all()


# -------------------------------------------------------------------------------------------
# (a) the new engine against the conditional (previous) engine and a naive reference
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["normal", "student_t", "garch_t"])
def test_sampled_bridge_agrees_with_conditional_bridge_on_the_same_paths(model):
    # same seed -> same closes; given the closes the sampled score is Bernoulli(Y_cond), so
    # p_sampled - p_cond has variance E[Y(1 - Y)]/n = (p_cond - mean(Y_cond^2))/n, estimated
    # from the conditional run's own standard error (se^2 n = mean(Y^2) - p^2).
    n, hz = 10_000, [1, 24, 168]
    kw = {"model": model, "params": PARAMS[model], "n_paths": n, "seed": 20251203}
    sam = simulate_liquidation(LEVS, hz, **kw)
    con = simulate_liquidation(LEVS, hz, monitoring="bridge_conditional", **kw)
    clo = simulate_liquidation(LEVS, hz, monitoring="close", **kw)
    p_s, p_c = sam.liquidation_prob.to_numpy(), con.liquidation_prob.to_numpy()
    mean_sq = n * con.std_error.to_numpy() ** 2 + p_c**2
    sd_diff = np.sqrt(np.maximum(p_c - mean_sq, 0.0) / n)
    assert (np.abs(p_s - p_c) <= 4.5 * sd_diff + 1e-9).all()
    # the paired test has power: the bridge adds crossings the closes miss
    assert ((p_c - clo.liquidation_prob.to_numpy()) > 10 * sd_diff + 1e-9).sum() >= 6
    # both bridges see at least what the closes see; the conditional se is at most binomial
    assert (p_s >= clo.liquidation_prob.to_numpy()).all()
    assert (con.std_error.to_numpy() <= np.sqrt(p_c * (1 - p_c) / n) + 1e-12).all()
    np.testing.assert_allclose(sam.std_error.to_numpy(), np.sqrt(p_s * (1 - p_s) / n))


def naive_bridge_first_passage(level, var, barrier, rng):
    """Bar of first passage, one Bernoulli bridge test per bar (Glasserman 2004, 6.4).

    H + 1 when the barrier is not reached within the H bars.
    """
    n, h = level.shape
    prev = np.column_stack([np.zeros(n), level[:, :-1]])
    a, c = prev - barrier, level - barrier
    with np.errstate(over="ignore"):
        p_cross = np.where((a <= 0) | (c <= 0), 1.0, np.exp(-2 * a * c / var))
    hit = rng.random((n, h)) < p_cross
    return np.where(hit.any(axis=1), hit.argmax(axis=1) + 1, h + 1)


def engine_first_passage(model, seed, n, h, barriers):
    """First-passage bars of the new engine (via its running minimum), (n, barriers)."""
    streams = PathStreams(seed, _KINDS)
    x, var = _simulate_chunk(model, PARAMS[model], streams, 0, n, h)
    level = np.cumsum(x, axis=1)
    e = np.empty_like(x)
    streams.fill("bridge", e, 0, _exponential)
    closes = level.copy()
    low = _running_bridge_min(level, x, var, e)
    # the running minimum is monotone: first passage = number of bars still above, + 1
    tau = np.stack([(low > b).sum(axis=1) + 1 for b in barriers], axis=1)
    return tau, closes, np.broadcast_to(var, x.shape)


@pytest.mark.parametrize("model", ["normal", "garch_t"])
def test_first_passage_times_match_the_naive_bridge_in_distribution(model):
    # two independent samples of first-passage bars (censored at H + 1): the engine's, read
    # off one running minimum for all leverages, and the naive one-test-per-bar-per-leverage
    # reference on other paths; chi-square test of homogeneity on the binned times.
    n, h = 20_000, 168
    levs = np.array([10.0, 25.0, 100.0])
    barriers = _log_barrier(levs, 1.0, 0.005)
    tau_new, _, _ = engine_first_passage(model, 1, n, h, barriers)
    _, closes, var = engine_first_passage(model, 2, n, h, barriers)
    rng = np.random.default_rng(9)
    for j, b in enumerate(barriers):
        tau_ref = naive_bridge_first_passage(closes, var, b, rng)
        edges = np.unique(
            np.quantile(np.concatenate([tau_new[:, j], tau_ref]), np.linspace(0, 1, 11))
        )
        edges[-1] += 1
        table = np.array([np.histogram(t, edges)[0] for t in (tau_new[:, j], tau_ref)])
        table = table[:, table.sum(axis=0) > 0]
        pvalue = stats.chi2_contingency(table).pvalue
        assert pvalue > 1e-3, (levs[j], pvalue)


def test_engine_first_passage_matches_simulate_liquidation():
    # the probabilities of simulate_liquidation are the fractions of the running-minimum
    # first passages within each horizon (same seed, same streams)
    n, hz = 3000, np.array([5, 40, 100])
    barriers = _log_barrier(np.array(LEVS), 1.0, 0.005)
    tau, _, _ = engine_first_passage("garch_t", 7, n, int(hz.max()), barriers)
    res = simulate_liquidation(LEVS, hz, model="garch_t", params=PARAMS["garch_t"], n_paths=n,
                               seed=7, chunk_size=1000)  # fmt: skip
    expected = (tau[:, :, None] <= hz[None, None, :]).mean(axis=0)
    np.testing.assert_array_equal(res.liquidation_prob.to_numpy(), expected)


# -------------------------------------------------------------------------------------------
# (b) against the closed form
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["long", "short"])
def test_sampled_bridge_matches_the_gbm_first_passage_formula(side):
    # Gaussian bars with bridge monitoring are continuous GBM monitoring: the closed form
    # (reflection principle with drift, liquidation_probability_gbm) within 4.5 se, for
    # every leverage and horizon of a grid; the maximum is watched for a short.
    sig, mu_log, f = 0.01, 0.0003, 0.0001
    hz = [1, 5, 20, 60, 150]
    levs = [3.0, 10.0, 30.0, 80.0]
    res = simulate_liquidation(levs, hz, model="normal", params={"mu": mu_log, "sigma": sig},
                               n_paths=40_000, seed=31, funding_rate=f, side=side)  # fmt: skip
    drift = mu_log + 0.5 * sig**2
    ref = liquidation_probability_gbm(np.array(levs)[:, None], np.array(hz, float)[None, :],
                                      sig, drift, funding_rate=f, side=side)  # fmt: skip
    p, se = res.liquidation_prob.to_numpy(), res.std_error.to_numpy()
    assert (np.abs(p - ref) <= 4.5 * np.sqrt(ref * (1 - ref) / 40_000) + 1e-9).all()
    assert (se > 0).sum() >= 12


# -------------------------------------------------------------------------------------------
# (c) streams and chunking
# -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("monitoring", ["bridge", "bridge_conditional", "close"])
@pytest.mark.parametrize("model", ["normal", "student_t", "garch_t"])
def test_results_do_not_depend_on_chunk_size(model, monitoring):
    side = "short" if model == "student_t" else "long"
    kw = {"model": model, "params": PARAMS[model], "n_paths": 2500, "seed": 5,
          "monitoring": monitoring, "side": side}  # fmt: skip
    if model == "garch_t":
        kw["initial_variance"] = [1e-5, 3.6e-5, 1e-4]
    ref = simulate_liquidation(LEVS, [1, 7, 30], chunk_size=2500, **kw)
    for chunk in (1, 333, 1024, 1500):
        if chunk == 1 and model == "garch_t":
            chunk = 7  # the bar loop of GARCH costs per chunk; 7 crosses the blocks unevenly
        res = simulate_liquidation(LEVS, [1, 7, 30], chunk_size=chunk, **kw)
        pd.testing.assert_frame_equal(res.liquidation_prob, ref.liquidation_prob, check_exact=True)
        pd.testing.assert_frame_equal(res.std_error, ref.std_error, check_exact=True)


def serial_reference(model, monitoring, levs, hz, n, seed, side="long", **extra):
    """The engine before the thread pool: one PathStreams, paths in order, tile after tile.

    Returns the summed scores and their squares (leverage x horizon), as integers.
    """
    sign = 1.0 if side == "long" else -1.0
    barrier = _log_barrier(np.asarray(levs, dtype=float), sign, 0.005)
    hz = np.asarray(hz)
    steps = int(hz.max())
    streams = PathStreams(seed, _KINDS)
    shape = (barrier.size, hz.size)
    conditional = monitoring == "bridge_conditional"
    sums = np.zeros(shape, dtype=object if conditional else np.int64)
    sumsq = np.zeros(shape, dtype=object) if conditional else sums
    init = extra.get("initial_variance")
    init = None if init is None else np.asarray(init, dtype=float)
    tile = 37  # any tiling gives the same per-path numbers
    for start in range(0, n, tile):
        m = min(tile, n - start)
        x, var = _simulate_chunk(model, PARAMS[model], streams, start, m, steps, init)
        _score_tile(x, var, extra.get("funding_rate", 0.0), sign, barrier, hz, monitoring,
                    streams, start, sums, sumsq)  # fmt: skip
    return sums, sumsq


@pytest.mark.parametrize("monitoring", ["bridge", "bridge_conditional", "close"])
@pytest.mark.parametrize("model", ["normal", "student_t", "garch_t"])
def test_results_do_not_depend_on_the_threads(model, monitoring):
    # blocks of 1,024 paths run on a thread pool: 1, 2 or 3 threads, and block-crossing chunks,
    # give the serial engine's integer sums bit for bit (3,000 paths: two full blocks and a
    # partial one; 3 threads > the 2 cores, so blocks finish out of order)
    n, hz = 3000, [1, 7, 40]
    extra = {"funding_rate": 1e-4}
    if model == "garch_t":
        extra["initial_variance"] = [1e-5, 3.6e-5, 1e-4]
    s1, s2 = serial_reference(model, monitoring, LEVS, hz, n, 17, side="short", **extra)
    if monitoring == "bridge_conditional":  # fixed-point sums, unit 2**-40
        p_ref, sq_ref = (s.astype(np.float64) * 2.0**-40 / n for s in (s1, s2))
    else:
        p_ref, sq_ref = s1 / n, s2 / n
    se_ref = np.sqrt(np.maximum(sq_ref - p_ref * p_ref, 0.0) / n)
    kw = {"model": model, "params": PARAMS[model], "n_paths": n, "seed": 17,
          "monitoring": monitoring, "side": "short", **extra}  # fmt: skip
    ref = simulate_liquidation(LEVS, hz, n_threads=1, **kw)
    np.testing.assert_array_equal(ref.liquidation_prob.to_numpy(), p_ref)
    np.testing.assert_array_equal(ref.std_error.to_numpy(), se_ref)
    for threads, chunk in ((2, 5000), (2, 700), (3, 1100)):
        res = simulate_liquidation(LEVS, hz, n_threads=threads, chunk_size=chunk, **kw)
        pd.testing.assert_frame_equal(res.liquidation_prob, ref.liquidation_prob, check_exact=True)
        pd.testing.assert_frame_equal(res.std_error, ref.std_error, check_exact=True)


@pytest.mark.parametrize("monitoring", ["bridge", "bridge_conditional"])
def test_garch_tasks_of_several_blocks_give_the_same_bits(monkeypatch, monitoring):
    # garch_t runs up to 4 blocks per task (the recursion steps over bars on all the task's
    # paths): tasks of 1, 2 or 3 blocks (3,000 paths: the last task partial, cut by chunks)
    # give the same probabilities and standard errors bit for bit
    from riskkit.survival import montecarlo

    kw = {"model": "garch_t", "params": PARAMS["garch_t"], "n_paths": 3000, "seed": 5,
          "monitoring": monitoring, "initial_variance": [1e-5, 3.6e-5, 1e-4]}  # fmt: skip
    monkeypatch.setattr(montecarlo, "_per_task", lambda *a: 1)
    ref = simulate_liquidation(LEVS, [1, 7, 40], n_threads=1, **kw)
    for per, threads, chunk in ((2, 2, 5000), (3, 2, 1100), (2, 1, 700)):
        monkeypatch.setattr(montecarlo, "_per_task", lambda *a, per=per: per)
        res = simulate_liquidation(LEVS, [1, 7, 40], n_threads=threads, chunk_size=chunk, **kw)
        pd.testing.assert_frame_equal(res.liquidation_prob, ref.liquidation_prob, check_exact=True)
        pd.testing.assert_frame_equal(res.std_error, ref.std_error, check_exact=True)


def test_garch_blocks_per_task_keep_four_tasks_per_thread():
    from riskkit.survival.montecarlo import _per_task

    assert _per_task("student_t", 200, 2) == 1  # only the GARCH recursion gains
    assert _per_task("garch_t", 15, 2) == 1  # 7 tasks of 2 would leave < 4 per thread
    assert _per_task("garch_t", 20, 2) == 2  # the benchmark's 20,000 paths: 10 tasks
    assert _per_task("garch_t", 20, 1) == 4
    assert _per_task("garch_t", 1000, 2) == 4  # at most 4 blocks


#: Paths liquidated out of 2,100 (leverages 5, 25, 100 x horizons 1, 24, 300; seed 20261203,
#: bridge monitoring), computed with riskkit commit 42aee5d, the serial engine before the
#: thread pool, the GARCH panels and the reused buffers: the engine's numbers must not move.
PREVIOUS_ENGINE_COUNTS = {
    "normal": [[0, 0, 65], [0, 484, 1556], [823, 1819, 2028]],
    "student_t": [[0, 0, 75], [7, 527, 1471], [638, 1785, 2022]],
    "garch_t": [[0, 1, 34], [2, 376, 1317], [629, 1775, 2001]],
}


@pytest.mark.parametrize("model", ["normal", "student_t", "garch_t"])
def test_results_equal_the_previous_engine(model):
    res = simulate_liquidation([5.0, 25.0, 100.0], [1, 24, 300], model=model,
                               params=PARAMS[model], n_paths=2100, seed=20261203)  # fmt: skip
    expected = np.array(PREVIOUS_ENGINE_COUNTS[model]) / 2100
    np.testing.assert_array_equal(res.liquidation_prob.to_numpy(), expected)


def test_thread_count_is_checked():
    kw = {"model": "normal", "params": PARAMS["normal"], "n_paths": 10}
    with pytest.raises(ValueError, match="n_threads must be >= 1; got 0"):
        simulate_liquidation(LEVS, 24, n_threads=0, **kw)
    with pytest.raises(TypeError, match=r"n_threads must be an integer; got float 2\.0"):
        simulate_liquidation(LEVS, 24, n_threads=2.0, **kw)


def test_seed_kinds_and_generators():
    kw = {"model": "normal", "params": PARAMS["normal"], "n_paths": 500}
    ss = np.random.SeedSequence(11)
    a = simulate_liquidation(LEVS, 24, seed=ss, **kw)
    b = simulate_liquidation(LEVS, 24, seed=ss, **kw)  # the SeedSequence is not consumed
    c = simulate_liquidation(LEVS, 24, seed=11, **kw)
    pd.testing.assert_frame_equal(a.liquidation_prob, b.liquidation_prob)
    pd.testing.assert_frame_equal(a.liquidation_prob, c.liquidation_prob)
    assert ss.n_children_spawned == 0
    # a fresh Generator gives what its seed gives; it advances: a second call differs, and
    # the same state gives the same result
    g1, g2 = np.random.default_rng(11), np.random.default_rng(11)
    d = simulate_liquidation(LEVS, 24, seed=g1, **kw)
    pd.testing.assert_frame_equal(d.liquidation_prob, c.liquidation_prob)
    e = simulate_liquidation(LEVS, 24, seed=g1, **kw)
    assert not d.liquidation_prob.equals(e.liquidation_prob)
    simulate_liquidation(LEVS, 24, seed=g2, **kw)
    f = simulate_liquidation(LEVS, 24, seed=g2, **kw)
    pd.testing.assert_frame_equal(e.liquidation_prob, f.liquidation_prob)
    with pytest.raises(ValueError, match="seed must be >= 0; got -1"):
        simulate_liquidation(LEVS, 24, seed=-1, **kw)
    with pytest.raises(ValueError, match="monitoring must be one of"):
        simulate_liquidation(LEVS, 24, monitoring="wick", **kw)


@settings(max_examples=40, deadline=None)
@given(cuts=st.lists(st.integers(1, 2999), max_size=6, unique=True))
def test_path_streams_give_the_same_rows_whatever_the_split(cuts):
    bounds = [0, *sorted(cuts), 3000]
    whole = np.empty((3000, 3))
    PathStreams(4, ("normal",), block=1024).fill(
        "normal", whole, 0, lambda g, o: g.standard_normal(out=o)
    )
    streams = PathStreams(4, ("normal",), block=1024)
    parts = []
    for lo, hi in itertools.pairwise(bounds):
        out = np.empty((hi - lo, 3))
        streams.fill("normal", out, lo, lambda g, o: g.standard_normal(out=o))
        parts.append(out)
    np.testing.assert_array_equal(np.vstack(parts), whole)
    # block b, kind k is the spawn child (b, k) of the root
    child = as_seed_sequence(4).spawn(1)[0].spawn(1)[0]
    first = np.random.Generator(np.random.PCG64(child)).standard_normal(3)
    np.testing.assert_array_equal(whole[0], first)


def test_path_streams_refuse_rows_out_of_order():
    streams = PathStreams(0, ("normal",))
    out = np.empty((10, 2))
    streams.fill("normal", out, 0, lambda g, o: g.standard_normal(out=o))
    with pytest.raises(RuntimeError, match="continues at row 10; got a request for row 20"):
        streams.fill("normal", out, 20, lambda g, o: g.standard_normal(out=o))
