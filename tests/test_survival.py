"""Tests for riskkit.survival: historical scan, Kaplan-Meier, GBM first passage, Monte Carlo."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from riskkit.exceptions import InsufficientDataError
from riskkit.survival import (
    HistoricalSurvival,
    LiquidationEstimates,
    MonteCarloLiquidation,
    critical_leverage,
    expected_time_to_liquidation_gbm,
    fit_return_model,
    historical_survival,
    kaplan_meier,
    liquidating_moves,
    liquidation_estimates,
    liquidation_probability_gbm,
    max_leverage,
    simulate_liquidation,
    time_to_liquidation,
)

# -------------------------------------------------------------------------------------------
# naive references
# -------------------------------------------------------------------------------------------


def naive_ttl(high, low, entry, leverage, side="long", m=0.005):
    """O(N x H) scan straight from the issue's definition."""
    n = len(entry)
    out = np.full(n, np.nan)
    for t in range(n):
        if side == "long":
            p = entry[t] * ((1 - 1 / leverage) / (1 - m))
        else:
            p = entry[t] * ((1 + 1 / leverage) / (1 + m))
        for j in range(t + 1, n):
            if (side == "long" and low[j] <= p) or (side == "short" and high[j] >= p):
                out[t] = j - t
                break
    return out


@st.composite
def ohlc(draw, max_len=60):
    """OHLC bars on a coarse integer grid, so that ties with the barrier happen."""
    n = draw(st.integers(1, max_len))
    mid = np.array(draw(st.lists(st.integers(40, 160), min_size=n, max_size=n)), dtype=float)
    up = np.array(draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)), dtype=float)
    dn = np.array(draw(st.lists(st.integers(0, 20), min_size=n, max_size=n)), dtype=float)
    return mid + up, mid - dn, mid


leverages = st.sampled_from([0.5, 1.0, 1.25, 2.0, 3.0, 4.0, 5.0, 10.0, 25.0, 100.0, 250.0])


# -------------------------------------------------------------------------------------------
# time_to_liquidation
# -------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(ohlc(), leverages, st.sampled_from(["long", "short"]), st.sampled_from([0.0, 0.005, 0.1]))
def test_time_to_liquidation_matches_naive_scan(bars, lev, side, m):
    high, low, entry = bars
    fast = time_to_liquidation(high, low, entry, lev, side=side, maintenance_margin_rate=m)
    slow = naive_ttl(high, low, entry, lev, side, m)
    np.testing.assert_array_equal(fast, slow)
    assert np.isnan(fast[-1])  # the last bar has no later bar: always censored


@settings(max_examples=50, deadline=None)
@given(ohlc(max_len=40), st.lists(leverages, min_size=1, max_size=4, unique=True))
def test_time_to_liquidation_many_leverages_match_columns(bars, levs):
    high, low, entry = bars
    df = time_to_liquidation(high, low, entry, levs)
    assert isinstance(df, pd.DataFrame)
    assert df.columns.name == "leverage"
    assert list(df.columns) == [float(v) for v in levs]
    for lev in levs:
        np.testing.assert_array_equal(df[float(lev)].to_numpy(), naive_ttl(high, low, entry, lev))


def test_time_to_liquidation_tie_counts_as_reached():
    # by hand: 2x long, m = 0, entry 100 -> liquidation price exactly 50; a low of exactly 50
    # reaches it. Short 2x, m = 0: 100 * 1.5 = 150; a high of exactly 150 reaches it.
    high = np.array([100.0, 120.0, 150.0])
    low = np.array([100.0, 50.0, 90.0])
    entry = np.array([100.0, 100.0, 100.0])
    res = time_to_liquidation(high, low, entry, 2.0, maintenance_margin_rate=0.0)
    np.testing.assert_array_equal(res, [1.0, np.nan, np.nan])
    res = time_to_liquidation(high, low, entry, 2.0, side="short", maintenance_margin_rate=0.0)
    np.testing.assert_array_equal(res, [2.0, 1.0, np.nan])


def test_time_to_liquidation_last_bar_and_single_bar():
    # the hit can be the very last bar; a single bar is always censored
    high = np.array([10.0, 10.0, 10.0, 10.0])
    low = np.array([10.0, 10.0, 10.0, 1.0])
    res = time_to_liquidation(high, low, high, 5.0)
    np.testing.assert_array_equal(res, [3.0, 2.0, 1.0, np.nan])
    np.testing.assert_array_equal(time_to_liquidation([1.0], [1.0], [1.0], 5.0), [np.nan])


def test_time_to_liquidation_long_at_or_below_one_x_never_liquidated():
    # liquidation price E (1 - 1/L)/(1 - m) <= 0 for L <= 1: a positive low never reaches it
    high = np.array([100.0, 100.0, 100.0])
    low = np.array([100.0, 0.01, 0.01])
    res = time_to_liquidation(high, low, high, [0.5, 1.0])
    assert res.isna().to_numpy().all()


def test_time_to_liquidation_keeps_series_index():
    idx = pd.date_range("2024-01-01", periods=5, freq="h", tz="UTC")
    close = pd.Series([100.0, 100.0, 85.0, 60.0, 65.0], index=idx)
    res = time_to_liquidation(close + 1, close - 10, close, 2.0)
    assert isinstance(res, pd.Series)
    assert res.index.equals(idx)
    frame = time_to_liquidation(close + 1, close - 10, close, [2.0, 5.0])
    assert frame.index.equals(idx)
    np.testing.assert_array_equal(frame[2.0].to_numpy(), res.to_numpy())


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"maintenance_margin_rate": 1.5},
            ValueError,
            r"maintenance_margin_rate must be in \[0, 1\)",
        ),
        ({"side": "flat"}, ValueError, r"side must be one of \('long', 'short'\); got 'flat'"),
        ({"leverage": 0.0}, ValueError, r"leverage must be > 0; got .*0\.0"),
        ({"leverage": []}, ValueError, r"leverage must contain at least one value"),
        ({"low": [1.0, 3.0, 1.0]}, ValueError, r"low must be <= high .* at position 1"),
        ({"low": [1.0, 1.0]}, ValueError, r"same length; got 3, 2, 3"),
        ({"entry_price": [1.0, -1.0, 1.0]}, ValueError, r"entry_price must be > 0; got .*-1\.0"),
        ({"high": [1.0, np.nan, 1.0]}, ValueError, r"high must be finite"),
        ({"high": "abc"}, TypeError, r"high must be numeric"),
    ],
)
def test_time_to_liquidation_errors(kwargs, exc, match):
    args = {"high": [2.0, 2.0, 2.0], "low": [1.0, 1.0, 1.0], "entry_price": [1.5, 1.5, 1.5]}
    args["leverage"] = 10.0
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        time_to_liquidation(**args)


# -------------------------------------------------------------------------------------------
# critical_leverage / max_leverage
# -------------------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(ohlc(), st.integers(1, 8), st.sampled_from(["long", "short"]))
def test_critical_leverage_separates_survivors(bars, horizon, side):
    high, low, entry = bars
    crit = critical_leverage(high, low, entry, horizon, side=side)
    n = len(entry)
    assert np.isnan(crit[max(0, n - horizon) :]).all()
    for t in range(max(0, n - horizon)):
        c = crit[t]
        assert c > 1.0 or side == "short"
        for lev, survives in ((c * (1 - 1e-7), True), (c * (1 + 1e-7), False)):
            if not np.isfinite(lev):
                continue
            tau = naive_ttl(high[t:], low[t:], entry[t:], lev, side)[0]
            assert (np.isnan(tau) or tau > horizon) == survives


@settings(max_examples=60, deadline=None)
@given(ohlc(max_len=50), st.integers(1, 5), st.sampled_from([0.5, 0.8, 0.95, 1.0]))
def test_max_leverage_is_the_survival_quantile(bars, horizon, prob):
    high, low, entry = bars
    n = len(entry)
    if n <= horizon:
        with pytest.raises(InsufficientDataError, match="needs more than horizon"):
            max_leverage(prob, horizon, high, low, entry)
        return
    lmax = max_leverage(prob, horizon, high, low, entry)
    complete = n - horizon

    def surviving(lev):
        tau = naive_ttl(high, low, entry, lev)[:complete]
        return np.mean(np.isnan(tau) | (tau > horizon))

    if np.isfinite(lmax):
        assert surviving(lmax * (1 - 1e-7)) >= prob
        assert surviving(lmax * (1 + 1e-7)) < prob


def test_critical_leverage_by_hand():
    # by hand: long, m = 0, min low 90 vs entry 100 -> q = 0.9, L* = 1/(1 - 0.9) = 10;
    # short, m = 0, max high 125 vs entry 100 -> q = 1.25, L* = 1/0.25 = 4.
    high = np.array([100.0, 125.0, 100.0])
    low = np.array([100.0, 90.0, 100.0])
    entry = np.full(3, 100.0)
    np.testing.assert_allclose(
        critical_leverage(high, low, entry, 2, maintenance_margin_rate=0.0), [10.0, np.nan, np.nan]
    )
    np.testing.assert_allclose(
        critical_leverage(high, low, entry, 1, side="short", maintenance_margin_rate=0.0),
        [4.0, np.inf, np.nan],
    )


def test_max_leverage_errors():
    with pytest.raises(ValueError, match=r"survival_probability must be in \(0, 1\]; got .*1\.5"):
        max_leverage(1.5, 1, [1.0, 1.0], [1.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="horizon must be integers >= 1"):
        max_leverage(0.5, 0, [1.0, 1.0], [1.0, 1.0], [1.0, 1.0])


# -------------------------------------------------------------------------------------------
# Kaplan-Meier and historical survival
# -------------------------------------------------------------------------------------------


def test_kaplan_meier_matches_statsmodels():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    dur = rng.integers(0, 30, 400).astype(float)
    obs = rng.random(400) < 0.6
    km = kaplan_meier(dur, obs)
    ref = sm.SurvfuncRight(dur, obs.astype(int))  # statsmodels 0.15.0, reference implementation
    np.testing.assert_allclose(km.surv_times, ref.surv_times)
    np.testing.assert_allclose(km.surv_prob, ref.surv_prob, rtol=1e-12)
    np.testing.assert_allclose(km.surv_prob_se, ref.surv_prob_se, rtol=1e-10)
    np.testing.assert_allclose(km.n_risk, ref.n_risk)
    # non-integer durations take the sorting path
    dur_f = dur + rng.random(400).round(2)
    km_f = kaplan_meier(dur_f, obs)
    ref_f = sm.SurvfuncRight(dur_f, obs.astype(int))
    np.testing.assert_allclose(km_f.surv_prob, ref_f.surv_prob, rtol=1e-12)
    np.testing.assert_allclose(km_f.surv_times, ref_f.surv_times)


def test_kaplan_meier_by_hand_and_errors():
    # by hand: 4 at risk at t=1, one event -> 3/4; at t=2 three at risk, one event -> 1/2
    km = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
    np.testing.assert_allclose(km.surv_prob, [0.75, 0.5, 0.0])
    assert km.survival_at(1.5) == 0.75
    assert km.survival_at(0.0) == 1.0
    # beyond the longest duration: 0 once every position failed (the last one here is an
    # event), unknown (NaN) when the longest duration is censored
    assert km.survival_at(4.0) == 0.0
    assert math.isnan(kaplan_meier([1, 2], [True, False]).survival_at(4.0))
    assert list(km.summary().columns) == ["n_risk", "n_events", "surv_prob", "surv_prob_se"]
    with pytest.raises(ValueError, match="durations must be >= 0"):
        kaplan_meier([-1.0], [True])
    with pytest.raises(InsufficientDataError, match="at least 1 duration"):
        kaplan_meier([], [])
    with pytest.raises(ValueError, match="equal length"):
        kaplan_meier([1.0, 2.0], [True])


def _random_walk_bars(n, seed, vol=0.01):
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.standard_normal(n) * vol))
    high = close * np.exp(np.abs(rng.standard_normal(n)) * vol / 2)
    low = close * np.exp(-np.abs(rng.standard_normal(n)) * vol / 2)
    return high, low, close


def test_historical_survival_matches_kaplan_meier_and_groups():
    high, low, close = _random_walk_bars(3000, 7)
    levs, hz = [3.0, 10.0, 50.0], [1, 24, 200]
    res = historical_survival(high, low, close, levs, hz)
    assert isinstance(res, HistoricalSurvival)
    n = len(close)
    censor = n - 1 - np.arange(n)
    for lev in levs:
        tau = naive_ttl(high, low, close, lev)
        observed = ~np.isnan(tau)
        km = kaplan_meier(np.where(observed, tau, censor), observed)
        np.testing.assert_allclose(res.surv_prob.loc[lev].to_numpy(), km.survival_at(hz))
    # survival falls with leverage and with horizon (pathwise monotone)
    table = res.surv_prob.to_numpy()
    assert (np.diff(table, axis=0) <= 1e-12).all()
    assert (np.diff(table, axis=1) <= 1e-12).all()
    np.testing.assert_allclose(res.liquidation_prob.to_numpy(), 1 - table)
    # groups: each group's table is the KM on that group's entries only
    groups = np.repeat(["early", "late"], n // 2)
    by = historical_survival(high, low, close, levs, hz, groups=groups)
    assert by.surv_prob.index.names == ["group", "leverage"]
    tau = naive_ttl(high, low, close, 10.0)
    sel = slice(n // 2, n)
    observed = ~np.isnan(tau[sel])
    km = kaplan_meier(np.where(observed, tau[sel], censor[sel]), observed)
    np.testing.assert_allclose(by.surv_prob.loc[("late", 10.0)].to_numpy(), km.survival_at(hz))
    assert by.nobs.to_dict() == {"early": 1500, "late": 1500}
    # the full curve of a group is the same KM; curves() evaluates it on every bar
    np.testing.assert_allclose(by.curve(10.0, "late").surv_prob, km.surv_prob)
    curves = res.curves(30)
    np.testing.assert_allclose(curves.loc[[1, 24], 10.0], res.surv_prob.loc[10.0, [1, 24]])
    assert curves.iloc[0].eq(1.0).all()
    assert res.chart_curves(30).to_dict()["width"] <= 520
    with pytest.raises(ValueError, match="leverage must be one of"):
        res.curve(7.0)
    long = res.to_frame()
    assert set(long.columns) == {"surv_prob", "surv_prob_se", "n_risk"}
    assert len(long) == 9


def test_historical_survival_horizon_beyond_data_is_nan():
    high, low, close = _random_walk_bars(20, 1)
    res = historical_survival(high, low, close, [2.0], [5, 50])
    assert math.isnan(res.surv_prob.loc[2.0, 50])
    with pytest.raises(ValueError, match="groups must have one label per entry"):
        historical_survival(high, low, close, [2.0], [5], groups=[1, 2])
    with pytest.raises(ValueError, match=r"horizon must be integers >= 1 \(bars\); got \[1.5\]"):
        historical_survival(high, low, close, [2.0], [1.5])


def test_historical_survival_chart():
    high, low, close = _random_walk_bars(200, 2)
    res = historical_survival(high, low, close, [2.0, 10.0], [1, 10])
    assert "Historical survival, long" in res._repr_html_()
    spec = res.chart().to_dict()
    assert spec["width"] <= 520
    assert spec["encoding"]["x"]["title"] == "horizon (bars)"


# -------------------------------------------------------------------------------------------
# analytic first passage
# -------------------------------------------------------------------------------------------


def test_gbm_reflection_principle_zero_log_drift():
    # with nu = mu - sigma^2/2 = 0 the reflection principle gives P = 2 Phi(b / (sigma sqrt T))
    # (Shreve 2004, Stochastic Calculus for Finance II, section 3.7, reflection principle)
    sigma, T, lev = 0.6, 0.25, 5.0
    b = math.log(1 - 1 / lev)
    expected = 2 * stats.norm.cdf(b / (sigma * math.sqrt(T)))
    got = liquidation_probability_gbm(lev, T, sigma, sigma**2 / 2, maintenance_margin_rate=0.0)
    assert got == pytest.approx(expected, rel=1e-12)
    # a short at the same log distance has the same probability under zero log drift
    lev_short = 1 / (1 / (1 - 1 / lev) - 1)  # (1 + 1/Ls) = 1/(1 - 1/L)
    got_s = liquidation_probability_gbm(
        lev_short, T, sigma, sigma**2 / 2, side="short", maintenance_margin_rate=0.0
    )
    assert got_s == pytest.approx(expected, rel=1e-10)


def test_gbm_funding_is_a_drift_and_broadcasts():
    lev = np.array([2.0, 10.0, 100.0])[:, None]
    T = np.array([1 / 365, 7 / 365, 30 / 365])[None, :]
    a = liquidation_probability_gbm(lev, T, 0.7, 0.1, funding_rate=0.3)
    b = liquidation_probability_gbm(lev, T, 0.7, -0.2)
    assert a.shape == (3, 3)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    assert (np.diff(a, axis=0) > 0).all() and (np.diff(a, axis=1) > 0).all()
    # barrier at or above entry (L >= 1/m) -> certain; long at 1x -> impossible
    assert liquidation_probability_gbm(250.0, 1e-6, 0.5) == 1.0
    assert liquidation_probability_gbm(1.0, 10.0, 0.5) == 0.0
    # huge positive log drift with a far barrier: no overflow, tiny probability
    p = liquidation_probability_gbm(1.01, 1.0, 0.05, 50.0)
    assert 0.0 <= p < 1e-12


def test_gbm_probability_matches_brute_force_simulation():
    # discrete monitoring with the Broadie-Glasserman-Kou (1997) correction: P_discrete(b) ~=
    # P_continuous(b - 0.5826 sigma sqrt(dt)); tolerance 4 MC standard errors + 0.005 for the
    # O(1/n) error of the correction.
    sigma_bar, n_steps, lev, m = 0.01, 100, 20.0, 0.005
    res = simulate_liquidation(
        lev, n_steps, model="normal", params={"mu": 0.0, "sigma": sigma_bar},
        n_paths=40_000, chunk_size=10_000, seed=11, monitoring="close",
    )  # fmt: skip
    b = math.log((1 - 1 / lev) / (1 - m)) - 0.5825971579390106 * sigma_bar
    lev_eq = 1 / (1 - math.exp(b))  # leverage whose barrier (m = 0) is the shifted one
    drift = 0.5 * sigma_bar**2  # the simulation has zero log drift
    p_ref = liquidation_probability_gbm(
        lev_eq, n_steps, sigma_bar, drift, maintenance_margin_rate=0
    )
    p_mc = res.liquidation_prob.loc[lev, n_steps]
    se = res.std_error.loc[lev, n_steps]
    assert abs(p_mc - p_ref) < 4 * se + 0.005


def test_bridge_monitoring_matches_continuous_closed_form():
    # Brownian-bridge monitoring of Gaussian bars is exact for continuous GBM monitoring, so the
    # simulation must agree with the closed form within 4 Monte Carlo standard errors; checked
    # for a long with drift and funding and for a short.
    sig, mu_log, f, hz = 0.01, 0.0005, 0.0002, [10, 100]
    prm = {"mu": mu_log, "sigma": sig}
    for side, lev in (("long", 20.0), ("short", 30.0)):
        res = simulate_liquidation(
            lev, hz, model="normal", params=prm, n_paths=20_000, seed=3,
            funding_rate=f, side=side,
        )  # fmt: skip
        drift = mu_log + 0.5 * sig**2  # arithmetic drift whose log drift is mu_log
        ref = liquidation_probability_gbm(lev, np.array(hz, float), sig, drift,
                                          funding_rate=f, side=side)  # fmt: skip
        p = res.liquidation_prob.loc[lev].to_numpy()
        se = res.std_error.loc[lev].to_numpy()
        assert (se > 0).all()
        np.testing.assert_array_less(np.abs(p - ref), 4 * se + 1e-4)


def test_expected_time_equals_integral_of_survival():
    # E[tau] = int_0^inf P(tau > t) dt, P from the closed form; inverse Gaussian mean |b|/|nu|
    lev, sigma, mu = 4.0, 0.5, -0.3
    expected = expected_time_to_liquidation_gbm(lev, sigma, mu, maintenance_margin_rate=0.01)
    integral, _ = integrate.quad(
        lambda t: 1 - liquidation_probability_gbm(lev, t, sigma, mu, maintenance_margin_rate=0.01),
        1e-12,
        np.inf,
        limit=200,
    )
    assert expected == pytest.approx(integral, rel=1e-6)
    assert expected_time_to_liquidation_gbm(4.0, 0.5, 1.0) == np.inf
    assert expected_time_to_liquidation_gbm(500.0, 0.5) == 0.0


def test_gbm_errors():
    with pytest.raises(ValueError, match=r"volatility must be > 0; got .*0\.0"):
        liquidation_probability_gbm(10, 1, 0.0)
    with pytest.raises(ValueError, match="horizon must be > 0"):
        liquidation_probability_gbm(10, -1, 0.5)


# -------------------------------------------------------------------------------------------
# Monte Carlo
# -------------------------------------------------------------------------------------------


def test_monte_carlo_seeded_chunked_and_standard_error():
    kw = {"model": "student_t", "params": {"mu": 0.0, "scale": 0.01, "nu": 3.0}, "seed": 5}
    a = simulate_liquidation([5.0, 20.0], [1, 10], n_paths=2500, chunk_size=1000, **kw)
    b = simulate_liquidation([5.0, 20.0], [1, 10], n_paths=2500, chunk_size=1000, **kw)
    assert isinstance(a, MonteCarloLiquidation)
    pd.testing.assert_frame_equal(a.liquidation_prob, b.liquidation_prob)
    # close monitoring: the standard error is the binomial one
    cl = simulate_liquidation([5.0, 20.0], [1, 10], n_paths=2500, chunk_size=1000,
                              monitoring="close", **kw)  # fmt: skip
    p = cl.liquidation_prob.to_numpy()
    np.testing.assert_allclose(cl.std_error.to_numpy(), np.sqrt(p * (1 - p) / 2500))
    # bridge monitoring sees at least what close monitoring sees (same seed, same closes)
    assert (a.liquidation_prob.to_numpy() >= p).all()
    assert a.n_paths == 2500
    assert a.paths_per_second > 0
    frame = a.summary()
    assert (frame["lower"] <= frame["liquidation_prob"]).all()
    assert (frame["upper"] >= frame["liquidation_prob"]).all()
    # progress bar does not change the numbers
    c = simulate_liquidation([5.0, 20.0], [1, 10], n_paths=2500, chunk_size=1000,
                             progress=True, **kw)  # fmt: skip
    pd.testing.assert_frame_equal(a.liquidation_prob, c.liquidation_prob)


def test_monte_carlo_one_bar_student_t_matches_cdf():
    # one bar: P(hit) = P(r <= b) exactly = t_nu CDF at (b - mu)/scale (scipy.stats.t)
    lev, m, prm = 20.0, 0.005, {"mu": 0.0, "scale": 0.01, "nu": 3.0}
    res = simulate_liquidation(
        lev, 1, model="student_t", params=prm, n_paths=50_000, seed=2, monitoring="close"
    )
    b = math.log((1 - 1 / lev) / (1 - m))
    p_ref = stats.t.cdf(b / 0.01, 3.0)
    se = math.sqrt(p_ref * (1 - p_ref) / 50_000)
    assert abs(res.liquidation_prob.loc[lev, 1] - p_ref) < 4 * se
    # short: P(r >= b_short)
    res_s = simulate_liquidation(lev, 1, model="student_t", params=prm, n_paths=50_000, seed=2,
                                 side="short", monitoring="close")  # fmt: skip
    b_s = math.log((1 + 1 / lev) / (1 + m))
    p_s = stats.t.sf(b_s / 0.01, 3.0)
    assert abs(res_s.liquidation_prob.loc[lev, 1] - p_s) < 4 * math.sqrt(p_s * (1 - p_s) / 50_000)


def test_garch_without_dynamics_bridge_equals_reflected_t():
    # alpha = beta = 0: every bar is sigma * unit-variance t = a Brownian increment with random
    # variance scale^2/W, W ~ chi2_nu/nu. With zero drift the reflection principle holds given W,
    # so P(hit within one bar) = E[2 Phi(b sqrt(W)/scale)] = 2 F_t(b/scale; nu) (by hand).
    lev, nu, sig2 = 10.0, 5.0, 1e-4
    prm = {"mu": 0.0, "omega": sig2, "alpha": 0.0, "beta": 0.0, "nu": nu, "sigma2_last": sig2}
    g = simulate_liquidation(lev, 1, model="garch_t", params=prm, n_paths=40_000, seed=4)
    scale = math.sqrt(sig2 * (nu - 2) / nu)
    p_ref = 2 * stats.t.cdf(math.log((1 - 1 / lev) / 0.995) / scale, nu)
    assert abs(g.liquidation_prob.loc[lev, 1] - p_ref) < 4 * g.std_error.loc[lev, 1] + 1e-4
    # close monitoring of the same model sees only the close: F_t(b/scale; nu)
    c = simulate_liquidation(lev, 1, model="garch_t", params=prm, n_paths=40_000, seed=4,
                             monitoring="close")  # fmt: skip
    p_close = p_ref / 2  # about 1 hit expected in 40,000 paths: use the binomial se of p_close,
    # since the estimated se is 0 whenever no path is hit
    assert abs(c.liquidation_prob.loc[lev, 1] - p_close) < 4 * math.sqrt(p_close / 40_000)


def test_fit_return_model_recovers_parameters():
    rng = np.random.default_rng(0)
    r = 0.0002 + 0.01 * rng.standard_t(4.0, 4000)
    fitted = fit_return_model(r, "student_t")
    assert fitted["nu"] == pytest.approx(4.0, rel=0.25)
    assert fitted["scale"] == pytest.approx(0.01, rel=0.05)
    # GARCH(1,1)-t data with known parameters (per-bar units)
    n, omega, alpha, beta, nu = 4000, 2e-6, 0.08, 0.9, 6.0
    z = rng.standard_t(nu, n) * math.sqrt((nu - 2) / nu)
    s2, x = omega / (1 - alpha - beta), np.empty(n)
    for i in range(n):
        x[i] = math.sqrt(s2) * z[i]
        s2 = omega + alpha * x[i] ** 2 + beta * s2
    g = fit_return_model(x, "garch_t")
    assert g["alpha"] + g["beta"] == pytest.approx(alpha + beta, abs=0.03)
    assert g["omega"] / (1 - g["alpha"] - g["beta"]) == pytest.approx(1e-4, rel=0.35)
    assert g["sigma2_last"] > 0
    normal = fit_return_model(r, "normal")
    assert normal["sigma"] == pytest.approx(np.std(r, ddof=1), rel=1e-12)


def test_monte_carlo_errors():
    with pytest.raises(ValueError, match="needs returns to fit, or params"):
        simulate_liquidation(10, 5)
    with pytest.raises(ValueError, match=r"missing \['nu'\]"):
        simulate_liquidation(10, 5, model="student_t", params={"mu": 0.0, "scale": 0.01})
    with pytest.raises(ValueError, match="model must be one of"):
        simulate_liquidation(10, 5, model="levy", params={})
    with pytest.raises(ValueError, match="n_paths must be >= 1; got 0"):
        simulate_liquidation(10, 5, model="normal", params={"mu": 0, "sigma": 0.01}, n_paths=0)
    with pytest.raises(InsufficientDataError, match="at least 30 returns; got 3"):
        fit_return_model([0.01, 0.0, -0.01], "normal")


def test_monte_carlo_chart_width():
    res = simulate_liquidation([2.0, 10.0], [1, 5], model="normal",
                               params={"mu": 0.0, "sigma": 0.02}, n_paths=500, seed=0)  # fmt: skip
    assert "normal" in res._repr_html_() and "<table" in res._repr_html_()
    spec = res.chart().to_dict()
    assert spec["layer"][1]["encoding"]["x"]["title"] == "leverage (x)"
    assert spec["width"] <= 520


# -------------------------------------------------------------------------------------------
# the three estimates side by side
# -------------------------------------------------------------------------------------------


def test_liquidation_estimates_combines_the_three_methods():
    high, low, close = _random_walk_bars(600, 9, vol=0.02)
    bars = pd.DataFrame({"high": high, "low": low, "close": close})
    levs, hz = [3.0, 20.0], [1, 10]
    est = liquidation_estimates(bars, levs, hz, models=("normal",), n_paths=2000, seed=1)
    assert list(est.liquidation_prob.columns) == ["historical", "gbm", "normal"]
    hist = historical_survival(high, low, close, levs, hz)
    np.testing.assert_allclose(
        est.liquidation_prob["historical"].to_numpy(), hist.liquidation_prob.to_numpy().ravel()
    )
    r = np.diff(np.log(close))
    sigma = np.std(r, ddof=1)
    gbm = liquidation_probability_gbm(20.0, 10.0, sigma, r.mean() + sigma**2 / 2)
    assert est.liquidation_prob.loc[(20.0, 10), "gbm"] == pytest.approx(gbm, rel=1e-12)
    mc = simulate_liquidation(levs, hz, r, model="normal", n_paths=2000, seed=1)
    np.testing.assert_allclose(
        est.liquidation_prob["normal"].to_numpy(), mc.liquidation_prob.to_numpy().ravel()
    )
    gap = est.gap()
    np.testing.assert_allclose(
        gap["gbm"].to_numpy(),
        (est.liquidation_prob["gbm"] - est.liquidation_prob["historical"]).to_numpy(),
    )
    assert set(est.to_frame().index.names) == {"leverage", "horizon", "method"}
    assert est.chart().to_dict()["spec"]["width"] <= 520
    assert "gap_gbm" in est._repr_html_()
    with pytest.raises(ValueError, match=r"missing \['low'\]"):
        liquidation_estimates(bars.drop(columns="low"), levs, hz)
    with pytest.raises(ValueError, match="reference must be one of"):
        est.gap("oracle")


def test_garch_initial_variance_draws_from_given_states():
    # alpha = beta = 0 and omega tiny: the first bar's variance is the drawn initial state; with
    # a single state the one-bar bridge probability is 2 F_t(b/scale) at that variance
    lev, nu, v0 = 10.0, 5.0, 4e-4
    prm = {"mu": 0.0, "omega": 1e-12, "alpha": 0.0, "beta": 0.0, "nu": nu, "sigma2_last": 1e-8}
    g = simulate_liquidation(lev, 1, model="garch_t", params=prm, n_paths=20_000, seed=4,
                             initial_variance=[v0])  # fmt: skip
    scale = math.sqrt(v0 * (nu - 2) / nu)
    p_ref = 2 * stats.t.cdf(math.log((1 - 1 / lev) / 0.995) / scale, nu)
    assert abs(g.liquidation_prob.loc[lev, 1] - p_ref) < 4 * g.std_error.loc[lev, 1] + 1e-4
    with pytest.raises(ValueError, match="initial_variance applies to model 'garch_t' only"):
        simulate_liquidation(lev, 1, model="normal", params={"mu": 0, "sigma": 0.01},
                             initial_variance=[v0])  # fmt: skip
    with pytest.raises(ValueError, match="initial_variance must be > 0"):
        simulate_liquidation(lev, 1, model="garch_t", params=prm, initial_variance=[0.0])


def test_sparse_bridge_equals_dense_bridge_formula():
    # the sparse accumulation skips bars with crossing exponent > 40 (exp(-40) = 4e-18); it must
    # equal the dense product formula of the simulate_liquidation docstring on every path
    from riskkit.survival import _bridge_accumulate, _log_barrier

    rng = np.random.default_rng(0)
    n, steps = 500, 60
    var = 3e-4 / rng.chisquare(3, (n, steps))
    x = np.cumsum(np.sqrt(var) * rng.standard_normal((n, steps)), axis=1)
    levs = np.array([0.8, 1.5, 3.0, 10.0, 50.0, 250.0])
    barriers = _log_barrier(levs, 1.0, 0.005)
    hz = np.array([1, 7, 60])
    sums, sumsq = np.zeros((levs.size, 3)), np.zeros((levs.size, 3))
    _bridge_accumulate(x, var, barriers, hz, sums, sumsq)
    for j, b in enumerate(barriers):
        if b >= 0:  # 250x: barrier above the entry
            ref = np.ones((n, 3))
        elif not np.isfinite(b):  # 0.8x long: barrier below zero
            ref = np.zeros((n, 3))
        else:
            above = x - b
            prev = np.column_stack([np.full(n, -b), above[:, :-1]])
            with np.errstate(divide="ignore", invalid="ignore"):
                log_stay = np.log1p(-np.exp(-2 * np.maximum(prev, 0) * np.maximum(above, 0) / var))
            log_stay[(prev <= 0) | (above <= 0)] = -np.inf
            ref = -np.expm1(np.cumsum(log_stay, axis=1)[:, hz - 1])
        np.testing.assert_allclose(sums[j], ref.sum(axis=0), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(sumsq[j], (ref**2).sum(axis=0), rtol=1e-12, atol=1e-12)


def test_survival_stays_zero_after_every_position_is_liquidated():
    # by hand: closes 100, 100, 50, 50 with lows equal to the closes; a 10x long entered at
    # either of the first two closes is liquidated on bar 2 (50 <= 100 x 0.9 / 0.995); the
    # entries at bars 2 and 3 are censored after 1 and 0 bars. Group "a" (bars 0-1): every
    # entry liquidated within 2 bars, so S = 0 at 5 bars, not unknown; group "b" (bars 2-3)
    # was never observed for 5 bars, so S(5) is NaN.
    close = np.array([100.0, 100.0, 50.0, 50.0])
    res = historical_survival(close, close, close, [10], [1, 2, 5], groups=["a", "a", "b", "b"])
    np.testing.assert_allclose(res.surv_prob.loc[("a", 10.0)].to_numpy(), [0.5, 0.0, 0.0])
    assert np.isnan(res.surv_prob.loc[("b", 10.0), 5])
    curve = res.curve(10.0, group="a")
    assert curve.survival_at(5.0) == 0.0
    assert np.isnan(kaplan_meier([1.0, 2.0], [True, False]).survival_at(5.0))


def test_liquidation_estimates_chart_options():
    rng = np.random.default_rng(5)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.02, 300)))
    bars = pd.DataFrame({"high": close * 1.01, "low": close * 0.99, "close": close})
    est = liquidation_estimates(bars, [2, 10, 50], [1, 5], models=("normal",), n_paths=300, seed=0)
    spec = est.chart(log_y=True, horizon_title="horizon (days)", width=150).to_dict()
    assert spec["spec"]["width"] == 150
    assert spec["facet"]["column"]["title"] == "horizon (days)"
    assert spec["spec"]["encoding"]["y"]["scale"]["type"] == "log"
    values = next(iter(spec["datasets"].values()))
    # the log axis leaves out probabilities below 1e-4 (e.g. the zeros of 2x over one bar)
    assert min(v["liquidation_prob"] for v in values) >= 1e-4
    assert {v["method"] for v in values} <= {"historical", "GBM formula", "normal MC"}
    linear = est.chart().to_dict()
    assert linear["spec"]["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert linear["spec"]["width"] <= 520


# -------------------------------------------------------------------------------------------
# one-bar liquidating moves against a normal model
# -------------------------------------------------------------------------------------------


def test_liquidating_moves_by_hand():
    r = np.array([0.01, -0.01, 0.02, -0.12, 0.0])
    out = liquidating_moves(pd.Series(r), [5, 10, 20])
    # by hand: thresholds ln(0.8/0.995) = -0.218, ln(0.9/0.995) = -0.100, ln(0.95/0.995) = -0.046
    assert out["observed"].tolist() == [0, 1, 1]
    assert out["nobs"].tolist() == [5, 5, 5]
    np.testing.assert_allclose(
        out["move_to_liquidation"], [1 - 0.8 / 0.995, 1 - 0.9 / 0.995, 1 - 0.95 / 0.995]
    )
    # expected count: n Phi((b - mean) / sd), mean -0.02, sd (ddof=1) from scipy
    b = np.log(0.9 / 0.995)
    expected = 5 * stats.norm.cdf(b, r.mean(), r.std(ddof=1))
    assert out.loc[10.0, "expected_normal"] == pytest.approx(expected, rel=1e-12)
    assert out.loc[10.0, "ratio"] == pytest.approx(1 / expected, rel=1e-12)


def test_liquidating_moves_short_mirrors_long_and_normal_sample_has_ratio_near_one():
    rng = np.random.default_rng(20251010)
    r = rng.normal(0.0, 0.02, 200_000)
    longs = liquidating_moves(r, [20, 50])
    shorts = liquidating_moves(-r, [20, 50], side="short", maintenance_margin_rate=0.005)
    # a short's threshold ln((1 + 1/L)/(1 + m)) differs from the long's; count by hand
    for lev in [20, 50]:
        up = np.log((1 + 1 / lev) / 1.005)
        assert shorts.loc[float(lev), "observed"] == int((-r >= up).sum())
        assert longs.loc[float(lev), "observed"] == int((r <= np.log((1 - 1 / lev) / 0.995)).sum())
    # on normal data the model is right: ratios within 5 % of 1 (about 9,000 and 40,000 hits)
    np.testing.assert_allclose(longs["ratio"], 1.0, rtol=0.05)
    # a long at 1x cannot be liquidated: no hit, no expected hit
    one = liquidating_moves(r, 1.0)
    assert one["observed"].iloc[0] == 0 and one["expected_normal"].iloc[0] == 0.0


def test_liquidating_moves_errors():
    with pytest.raises(InsufficientDataError, match="at least 2 finite returns; got 1"):
        liquidating_moves([0.01, np.nan], 10)
    with pytest.raises(ValueError, match="leverage"):
        liquidating_moves([0.01, 0.02], -2)
    with pytest.raises(ValueError, match="side"):
        liquidating_moves([0.01, 0.02], 2, side="sideways")


def _estimates(prob, vol=0.03, m=0.005, side="long"):
    idx = pd.MultiIndex.from_tuples(list(prob), names=["leverage", "horizon"])
    frame = pd.DataFrame(list(prob.values()), index=idx, columns=["historical", "gbm"])
    return LiquidationEstimates(
        frame, pd.DataFrame(index=idx), vol, 0.0, pd.DataFrame(), 100, side, m
    )


def test_liquidation_estimates_compare_and_standardized_distance():
    est = _estimates({(2, 30): (0.02, 0.0005), (3, 7): (0.04, 0.01), (10, 1): (0.10, 0.05)})
    cmp = est.compare(min_prob=0.001)
    assert list(cmp.columns) == ["historical", "gbm", "ratio"]
    assert np.isnan(cmp.loc[(2, 30), "ratio"])  # model below min_prob
    np.testing.assert_allclose(cmp["ratio"].iloc[1:], [4.0, 2.0])
    inverse = est.compare("historical", reference="gbm")
    np.testing.assert_allclose(inverse["ratio"] * est.compare()["ratio"], 1.0)
    # z = -ln((1 - 1/L)/(1 - m)) / (sigma sqrt(h)), by hand
    z = est.standardized_distance()
    np.testing.assert_allclose(
        z.to_numpy(),
        [
            -np.log(0.5 / 0.995) / (0.03 * np.sqrt(30)),
            -np.log((2 / 3) / 0.995) / (0.03 * np.sqrt(7)),
            -np.log(0.9 / 0.995) / 0.03,
        ],
    )
    short = _estimates({(10, 4): (0.1, 0.1)}, side="short").standardized_distance()
    assert short.iloc[0] == pytest.approx(np.log(1.1 / 1.005) / 0.06)
    with pytest.raises(ValueError, match="model"):
        est.compare("garch")
    with pytest.raises(ValueError, match="min_prob"):
        est.compare(min_prob=2.0)


def test_garch_fit_on_the_integrated_boundary_is_flagged() -> None:
    # a variance that steps up and stays there: the GARCH(1,1) likelihood is maximised at
    # alpha + beta = 1 (IGARCH), where the persistence is not identified
    from riskkit.exceptions import BoundaryEstimateWarning

    rng = np.random.default_rng(1)
    r = np.r_[rng.normal(0, 0.01, 1500), rng.normal(0, 0.04, 1500)]
    with pytest.warns(BoundaryEstimateWarning, match=r"alpha \+ beta = 1\.0000 is on the integ"):
        prm = fit_return_model(r, "garch_t")
    assert prm["persistence"] == pytest.approx(prm["alpha"] + prm["beta"])
    assert prm["persistence"] >= 0.999


def test_boundary_warning_points_at_the_callers_line() -> None:
    import warnings

    rng = np.random.default_rng(1)
    r = np.r_[rng.normal(0, 0.01, 1500), rng.normal(0, 0.04, 1500)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_return_model(r, "garch_t")
    assert caught and all(w.filename == __file__ for w in caught)  # never riskkit's own path


def test_rounded_fit_depends_only_on_the_rounded_parameters() -> None:
    # regression: the GARCH-t fit moved in its 6th digit between OpenBLAS kernels and so did
    # every simulated probability (nbval failed on another machine); with digits the
    # parameters snap to a grid far finer than their standard errors
    rng = np.random.default_rng(3)
    r, s2 = np.empty(3000), 1e-4
    for t in range(r.size):  # GARCH(1,1): omega 5e-6, alpha 0.1, beta 0.85
        r[t] = np.sqrt(s2) * rng.standard_t(5) / np.sqrt(5 / 3)
        s2 = 5e-6 + 0.1 * r[t] ** 2 + 0.85 * s2
    exact = fit_return_model(r, "garch_t")
    rounded = fit_return_model(r, "garch_t", digits=3)
    assert 0.5 < exact["beta"] < 0.99
    assert rounded["alpha"] == round(exact["alpha"], 3)
    assert rounded["beta"] == round(exact["beta"], 3)
    assert rounded["nu"] == float(f"{exact['nu']:.3g}")
    assert rounded["omega"] == pytest.approx(float(f"{exact['omega'] * 1e4:.3g}") / 1e4)
    # a perturbation below the rounding grid gives bit-identical parameters
    nudged = fit_return_model(r * (1 + 1e-9), "garch_t", digits=3)
    assert nudged[["alpha", "beta", "nu"]].equals(rounded[["alpha", "beta", "nu"]])
    t_exact, t_round = fit_return_model(r, "student_t"), fit_return_model(r, "student_t", digits=2)
    assert t_round["nu"] == float(f"{t_exact['nu']:.2g}")
    with pytest.raises(ValueError, match="digits must be None or an integer >= 1; got 0"):
        fit_return_model(r, "normal", digits=0)


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread (labels, time order)
# --------------------------------------------------------------------------------------------
def _bars() -> tuple[pd.Series, pd.Series, pd.Series]:
    idx = pd.date_range("2024-01-01", periods=5, freq="D")
    close = pd.Series([100.0, 100.0, 85.0, 60.0, 65.0], index=idx)
    return close + 1.0, close - 10.0, close


def test_time_to_liquidation_aligns_an_entry_in_reverse_order_on_dates() -> None:
    high, low, close = _bars()
    expected = time_to_liquidation(high, low, close, [10.0])
    # combined by position (the old behaviour) the answer was 3, 2, 1, 1, NaN
    pd.testing.assert_frame_equal(
        time_to_liquidation(high, low, close.iloc[::-1], [10.0]), expected
    )
    with pytest.raises(ValueError, match=r"entry_price must be in increasing time order"):
        time_to_liquidation(high.to_numpy(), low.to_numpy(), close.iloc[::-1], [10.0])


def test_time_to_liquidation_rejects_bars_on_other_dates() -> None:
    high, low, close = _bars()
    with pytest.raises(ValueError, match=r"high and entry_price have different indexes"):
        time_to_liquidation(high, low, close.shift(1, freq="D"), 2.0)


def test_historical_survival_rejects_reversed_bars() -> None:
    high, low, close = _bars()
    with pytest.raises(ValueError, match=r"high must be in increasing time order"):
        historical_survival(high.iloc[::-1], low.iloc[::-1], close.iloc[::-1], [2.0], [1])
