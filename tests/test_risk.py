"""Tests for riskkit.risk: VaR/ES, backtests, liquidity, haircuts, margins, leverage caps."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from riskkit.exceptions import InsufficientDataError
from riskkit.moments import CornishFisherDomainWarning, cornish_fisher_quantile
from riskkit.risk import (
    CoverageTest,
    DepthExtrapolationWarning,
    backtest_table,
    backtest_var,
    bangia_liquidity_cost,
    calibrate_maintenance_margin,
    christoffersen_conditional_coverage,
    christoffersen_independence,
    collateral_haircut,
    depth_close_out_cost,
    expected_shortfall,
    kupiec_pof,
    leverage_cap,
    liquidity_adjusted_var,
    longest_covered_horizon,
    max_adverse_excursion,
    max_position_size,
    rolling_var,
    rolling_var_backtest,
    value_at_risk,
    var_around_events,
    var_es,
)

RNG = np.random.default_rng(7)
R = RNG.normal(0.0005, 0.02, 1000)
SMALL = [-0.05, -0.03, -0.01, 0.0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05]


@pytest.fixture(scope="module")
def garch_returns() -> pd.Series:
    """1,500 returns simulated from a GARCH(1,1) with arch 8.0 (seeded)."""
    from arch.univariate import GARCH, ConstantMean, Normal

    model = ConstantMean(None, volatility=GARCH(), distribution=Normal(seed=1))
    sim = model.simulate([0.05, 0.02, 0.08, 0.9], 1500)  # percent units
    idx = pd.date_range("2024-01-01", periods=1500, freq="h")
    return pd.Series(sim["data"].to_numpy() / 100.0, index=idx, name="r")


# ---------------------------------------------------------------- historical / normal / CF


def test_historical_by_hand() -> None:
    # by hand: sorted sample, c = 0.9 -> position 0.1*9 = 0.9 between -0.05 and -0.03:
    # q = -0.05 + 0.9*0.02 = -0.032 -> VaR 0.032; ES = mean of values <= q = 0.05
    est = var_es(SMALL, 0.9)
    assert est.var == pytest.approx(0.032, abs=1e-12)
    assert est.es == pytest.approx(0.05, abs=1e-12)
    # short side: loss = +r; q of -r at 0.1 -> -0.04 + 0.9*(-0.03+0.04)... = VaR 0.041
    assert var_es(SMALL, 0.9, side="short").var == pytest.approx(0.041, abs=1e-12)


def test_historical_matches_numpy_quantile() -> None:
    # reference: numpy.quantile (linear, numpy 2.4)
    for c in (0.9, 0.95, 0.99):
        assert value_at_risk(R, c) == pytest.approx(-np.quantile(R, 1 - c), rel=1e-12)
        q = np.quantile(R, 1 - c)
        assert expected_shortfall(R, c) == pytest.approx(-R[q >= R].mean(), rel=1e-12)


def test_normal_matches_scipy() -> None:
    # reference: scipy.stats.norm.ppf and norm.expect (scipy 1.17)
    mu, sd = R.mean(), R.std(ddof=1)
    for c in (0.95, 0.99):
        q = stats.norm.ppf(1 - c, mu, sd)
        tail = stats.norm.expect(lambda x: x, loc=mu, scale=sd, ub=q, conditional=True)
        est = var_es(R, c, method="normal")
        assert est.var == pytest.approx(-q, rel=1e-10)
        assert est.es == pytest.approx(-tail, rel=1e-7)
    # Jorion (2007), ch. 5: 99% normal VaR of a zero-mean 1%-vol return is 2.326%
    x = np.array([-0.01, 0.01] * 50)
    x = x / x.std(ddof=1) * 0.01
    assert value_at_risk(x, 0.99, method="normal") == pytest.approx(0.023263, abs=1e-6)


def test_cornish_fisher_uses_sample_moments() -> None:
    # reference: scipy.stats.skew/kurtosis (bias=False) fed to the textbook CF formula
    x = RNG.standard_t(6, 2000) * 0.01
    s, k = stats.skew(x, bias=False), stats.kurtosis(x, bias=False)
    z = stats.norm.ppf(0.01)
    y = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
    est = var_es(x, 0.99, method="cornish_fisher")
    assert est.var == pytest.approx(-(x.mean() + x.std(ddof=1) * y), rel=1e-10)
    assert est.params["excess_kurtosis"] == pytest.approx(k, rel=1e-12)


def test_cornish_fisher_warns_outside_domain() -> None:
    x = np.concatenate([np.zeros(200), [0.5, -0.5]])  # excess kurtosis ~ 100
    with pytest.warns(CornishFisherDomainWarning, match="not monotone"):
        var_es(x, 0.99, method="cornish_fisher")


def test_confidence_array_and_frame() -> None:
    est = var_es(R, [0.95, 0.99], method="normal")
    assert isinstance(est.var, np.ndarray) and est.var.shape == (2,)
    frame = est.summary()
    assert list(frame.index) == [0.95, 0.99]
    assert frame["var"].iloc[1] == pytest.approx(value_at_risk(R, 0.99, method="normal"))
    assert "normal" in est._repr_html_()


# ---------------------------------------------------------------- horizons


def test_horizon_requires_explicit_scaling() -> None:
    with pytest.raises(ValueError, match="horizon=10 needs an explicit scaling"):
        var_es(R, 0.99, horizon=10)
    with pytest.raises(ValueError, match="scaling must be one of"):
        var_es(R, 0.99, horizon=10, scaling="iid")  # not defined for historical
    with pytest.raises(ValueError, match="scaling must be one of"):
        var_es(R, 0.99, method="filtered", horizon=10, scaling="overlapping")


def test_horizon_scalings() -> None:
    one = var_es(R, 0.99, method="normal")
    sq = var_es(R, 0.99, method="normal", horizon=9, scaling="sqrt")
    assert sq.var == pytest.approx(3 * one.var, rel=1e-12)
    assert sq.es == pytest.approx(3 * one.es, rel=1e-12)
    # by hand: i.i.d. normal h-period: -(mu h) + sigma sqrt(h) z_c
    mu, sd = R.mean(), R.std(ddof=1)
    iid = var_es(R, 0.99, method="normal", horizon=9, scaling="iid")
    assert iid.var == pytest.approx(-9 * mu + 3 * sd * stats.norm.ppf(0.99), rel=1e-12)
    # overlapping sums: reference numpy.convolve
    sums = np.convolve(R, np.ones(5), mode="valid")
    ov = var_es(R, 0.99, horizon=5, scaling="overlapping")
    assert ov.var == pytest.approx(-np.quantile(sums, 0.01), rel=1e-12)
    assert ov.nobs == R.size - 4
    non = var_es(R, 0.95, horizon=5, scaling="nonoverlapping")
    assert non.var == pytest.approx(-np.quantile(sums[::5], 0.05), rel=1e-12)
    # CF iid: s/sqrt(h), k/h
    x = RNG.standard_t(8, 3000) * 0.01
    s, k = stats.skew(x, bias=False), stats.kurtosis(x, bias=False)
    cf = var_es(x, 0.99, method="cornish_fisher", horizon=4, scaling="iid")
    y = cornish_fisher_quantile(0.01, s / 2, k / 4)
    assert cf.var == pytest.approx(-(4 * x.mean() + 2 * x.std(ddof=1) * y), rel=1e-10)


# ---------------------------------------------------------------- filtered HS


def test_filtered_matches_arch(garch_returns: pd.Series) -> None:
    # reference: arch 8.0 fit and one-step variance forecast, residuals standardised by hand
    from arch import arch_model

    res = arch_model(100 * garch_returns, rescale=False).fit(disp="off")
    sig = math.sqrt(np.asarray(res.forecast(horizon=1).variance)[-1, 0]) / 100
    z = np.asarray(res.resid / res.conditional_volatility)
    z = z[np.isfinite(z)]
    mu = res.params["mu"] / 100
    y = mu + sig * z
    est = var_es(garch_returns, 0.99, method="filtered")
    # arch's own answer, to the rounding of the parameters (4 digits: the estimate no longer
    # follows the optimiser's last digits, which move with the BLAS kernel)
    assert est.var == pytest.approx(-np.quantile(y, 0.01), rel=1e-4)
    assert est.es >= est.var
    assert est.params["beta"] == round(res.params["beta[1]"], 4)
    # exactly: arch's estimates rounded (mu, omega 4 significant digits; alpha, beta 4
    # decimals) and the variances filtered again with the rounded values
    m4, w4 = (float(f"{res.params[k]:.4g}") for k in ("mu", "omega"))
    a4, b4 = round(res.params["alpha[1]"], 4), round(res.params["beta[1]"], 4)
    fixed = arch_model(100 * garch_returns, rescale=False).fix([m4, w4, a4, b4])
    e, sd = np.asarray(fixed.resid), np.asarray(fixed.conditional_volatility)
    s_next = math.sqrt(w4 + a4 * e[-1] ** 2 + b4 * sd[-1] ** 2)
    y4 = (m4 + s_next * e / sd) / 100
    assert est.var == pytest.approx(-np.quantile(y4, 0.01), rel=1e-12)


def test_filtered_simulation_horizon(garch_returns: pd.Series) -> None:
    # reference: arch 8.0 bootstrap forecast of the 5-step cumulative return (Monte Carlo,
    # 5% tolerance); both bootstrap standardised residuals through the GARCH recursion.
    from arch import arch_model

    res = arch_model(100 * garch_returns, rescale=False).fit(disp="off")
    fc = res.forecast(
        horizon=5, method="bootstrap", simulations=20_000, random_state=np.random.RandomState(3)
    )
    paths = np.asarray(fc.simulations.values)[-1].sum(axis=1) / 100
    ref = -np.quantile(paths, 0.01)
    got = var_es(garch_returns, 0.99, method="filtered", horizon=5, scaling="simulate", seed=3).var
    assert got == pytest.approx(ref, rel=0.05)


# ---------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-0.2, 0.2, allow_nan=False), min_size=200, max_size=400),
    st.sampled_from(["historical", "normal"]),
)
def test_es_at_least_var_and_var_monotone(xs: list[float], method: str) -> None:
    c = np.array([0.9, 0.95, 0.975, 0.99])
    est = var_es(xs, c, method=method)
    assert np.all(est.es >= est.var - 1e-12)
    assert np.all(np.diff(est.var) >= -1e-12)
    assert np.all(np.diff(est.es) >= -1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(3.0, 30.0))
def test_cf_es_at_least_var_inside_domain(seed: int, dof: float) -> None:
    x = np.random.default_rng(seed).standard_t(dof, 500) * 0.01
    c = np.array([0.9, 0.95, 0.99])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est = var_es(x, c, method="cornish_fisher")
    if not caught:  # inside the validity domain the expansion is a quantile function
        assert np.all(est.es >= est.var - 1e-12)
        assert np.all(np.diff(est.var) >= -1e-12)


# ---------------------------------------------------------------- errors


def test_insufficient_data_errors() -> None:
    with pytest.raises(InsufficientDataError, match=r"at least 100 observations.*got 50"):
        var_es(R[:50], 0.99)
    with pytest.raises(InsufficientDataError, match="normal VaR needs at least 2 returns; got 1"):
        var_es([0.01], 0.95, method="normal")
    with pytest.raises(InsufficientDataError, match="Cornish-Fisher VaR needs at least 4"):
        var_es([0.01, 0.02, -0.01], 0.5, method="cornish_fisher")
    with pytest.raises(InsufficientDataError, match=r"GARCH.*got 50"):
        var_es(R[:50], 0.95, method="filtered")
    with pytest.raises(InsufficientDataError, match="more than window=100 returns; got 100"):
        rolling_var(pd.Series(R[:100]), 100, 0.95)


def test_bad_argument_errors() -> None:
    with pytest.raises(ValueError, match=r"confidence must be in \(0, 1\); got 1.5"):
        var_es(R, 1.5)
    with pytest.raises(ValueError, match="method must be one of"):
        var_es(R, 0.99, method="evt")
    with pytest.raises(ValueError, match="side must be one of"):
        var_es(R, 0.99, side="flat")
    with pytest.raises(ValueError, match="horizon must be >= 1; got 0"):
        var_es(R, 0.99, horizon=0, scaling="sqrt")
    with pytest.raises(ValueError, match="returns must be finite"):
        var_es([0.1, np.inf] * 100, 0.9)


# ---------------------------------------------------------------- coverage tests


# Jorion, P. (2007), Value at Risk, 3rd ed., Table 6-2 (from Kupiec 1995): non-rejection
# regions of the number of exceptions N at 95% test confidence, LR_pof < 3.841.
JORION_TABLE = {
    (0.01, 510): (2, 10),
    (0.01, 1000): (5, 16),
    (0.025, 255): (3, 11),
    (0.025, 510): (7, 20),
    (0.025, 1000): (16, 35),
    (0.05, 255): (7, 20),
    (0.05, 510): (17, 35),
    (0.05, 1000): (38, 64),
    (0.075, 255): (12, 27),
    (0.075, 510): (28, 50),
    (0.075, 1000): (60, 91),
    (0.10, 255): (17, 35),
    (0.10, 510): (39, 64),
    (0.10, 1000): (82, 119),
}


def _hits(n: int, x: int) -> np.ndarray:
    e = np.zeros(n, dtype=bool)
    e[:x] = True
    return e


@pytest.mark.parametrize(("key", "bounds"), list(JORION_TABLE.items()))
def test_kupiec_jorion_nonrejection_regions(
    key: tuple[float, int], bounds: tuple[int, int]
) -> None:
    p, n = key
    lo, hi = bounds
    for x in (lo, hi):
        assert kupiec_pof(_hits(n, x), 1 - p).pvalue > 0.05
    for x in (lo - 1, hi + 1):
        assert kupiec_pof(_hits(n, x), 1 - p).pvalue < 0.05


def test_kupiec_jorion_255_one_percent() -> None:
    # Jorion Table 6-2 prints "N < 7" for p = 1%, T = 255: 6 accepted, 7 rejected. (The table
    # leaves the lower bound empty; the LR test itself rejects N = 0: LR = -2*255*ln(0.99)
    # = 510 * 0.0100503 = 5.1257 > 3.841, by hand.)
    assert kupiec_pof(_hits(255, 6), 0.99).pvalue > 0.05
    assert kupiec_pof(_hits(255, 7), 0.99).pvalue < 0.05
    assert kupiec_pof(_hits(255, 0), 0.99).statistic == pytest.approx(5.1257, abs=1e-4)


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 2000), st.floats(0.0, 1.0), st.floats(0.5, 0.999))
def test_kupiec_equals_binomial_lr(n: int, frac: float, c: float) -> None:
    # reference: 2*(binom.logpmf(x; n, x/n) - binom.logpmf(x; n, p)), scipy 1.17
    x = round(frac * n)
    ref = 2 * (stats.binom.logpmf(x, n, x / n) - stats.binom.logpmf(x, n, 1 - c))
    got = kupiec_pof(_hits(n, x), c)
    assert got.statistic == pytest.approx(max(ref, 0.0), rel=1e-9, abs=1e-9)
    assert got.pvalue == pytest.approx(stats.chi2.sf(got.statistic, 1), rel=1e-12)


def test_christoffersen_by_hand() -> None:
    # by hand: 0011100000 -> n00=5, n01=1, n10=1, n11=2; pi01=1/6, pi11=2/3, pi=1/3;
    # lnL0 = 6 ln(2/3) + 3 ln(1/3) = -5.7286275,
    # lnL1 = 5 ln(5/6) + ln(1/6) + ln(1/3) + 2 ln(2/3) = -4.6129098 -> LR_ind = 2.2314355.
    # POF (p=0.1, n=10, x=3): 2 * (-6.1086430 + 7.6452789) = 3.0732718. Sum: 5.3047073.
    e = [0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    ind = christoffersen_independence(e)
    cc = christoffersen_conditional_coverage(e, 0.9)
    assert ind.statistic == pytest.approx(2.2314355, abs=1e-6)
    assert kupiec_pof(e, 0.9).statistic == pytest.approx(3.0732718, abs=1e-6)
    assert cc.statistic == pytest.approx(5.3047073, abs=1e-6)
    assert cc.df == 2 and cc.pvalue == pytest.approx(stats.chi2.sf(5.3047073, 2), rel=1e-6)
    assert isinstance(ind, CoverageTest) and ind.expected_rate is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=8, max_size=300))
def test_independence_equals_g_test_on_transitions(e: list[bool]) -> None:
    # reference: scipy.stats.chi2_contingency(lambda_="log-likelihood", correction=False), the
    # G-test of independence on the 2x2 transition table (scipy 1.17)
    a = np.asarray(e)
    prev, curr = a[:-1], a[1:]
    table = np.array(
        [[np.sum(~prev & ~curr), np.sum(~prev & curr)], [np.sum(prev & ~curr), np.sum(prev & curr)]]
    )
    got = christoffersen_independence(a).statistic
    if (table.sum(axis=0) == 0).any() or (table.sum(axis=1) == 0).any():
        assert got == pytest.approx(0.0, abs=1e-12)
    else:
        ref = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
        assert got == pytest.approx(ref, rel=1e-9, abs=1e-9)


def test_coverage_errors() -> None:
    with pytest.raises(InsufficientDataError, match="at least 2 observations; got 1"):
        kupiec_pof([1], 0.99)
    with pytest.raises(ValueError, match="booleans or 0/1"):
        christoffersen_independence([0, 2, 1])


# ---------------------------------------------------------------- backtest runner


def test_backtest_var_counts_and_sides() -> None:
    idx = pd.date_range("2024-01-01", periods=4, freq="D")
    r = pd.Series([-0.03, 0.01, -0.01, 0.025], index=idx, name="btc")
    v = pd.Series([0.02, 0.02, np.nan, 0.02], index=idx)
    long = backtest_var(r, v, 0.95)
    assert long.nobs == 3 and long.n_exceedances == 1
    assert long.exceedances.index[long.exceedances].tolist() == [idx[0]]
    short = backtest_var(r, v, 0.95, side="short")
    assert short.exceedances.index[short.exceedances].tolist() == [idx[3]]
    assert list(long.summary().index) == [
        "Kupiec POF",
        "Christoffersen independence",
        "Christoffersen conditional coverage",
    ]
    assert long.to_frame()["loss"].iloc[0] == pytest.approx(0.03)


@pytest.mark.parametrize("method", ["historical", "normal", "cornish_fisher"])
def test_rolling_var_matches_var_es_per_window(method: str) -> None:
    # reference: var_es on each trailing window, itself checked against numpy/scipy above
    x = pd.Series(RNG.standard_t(10, 400) * 0.01)
    w = 150
    f = rolling_var(x, w, 0.95, method=method)
    assert f.iloc[:w].isna().all().all()
    for t in (w, 237, 399):
        ref = var_es(x.iloc[t - w : t], 0.95, method=method)
        assert f["var"].iloc[t] == pytest.approx(ref.var, rel=1e-8)
        assert f["es"].iloc[t] == pytest.approx(ref.es, rel=1e-8)


def test_rolling_filtered_sigma_matches_arch_filter(garch_returns: pd.Series) -> None:
    # reference: arch 8.0 fixed-parameter filter (ARCHModel.fix) of the same GARCH(1,1)
    from arch import arch_model

    w = 1000
    x = garch_returns
    f = rolling_var(x, w, 0.99, method="filtered", refit_every=1000)
    res = arch_model(100 * x.iloc[:w], rescale=False).fit(disp="off")
    z = np.asarray(res.resid / res.conditional_volatility)
    z = z[np.isfinite(z)]
    fixed = arch_model(100 * x, rescale=False).fix(res.params.to_numpy())
    sig = np.asarray(fixed.conditional_volatility) / 100
    mu = res.params["mu"] / 100
    for t in (w + 200, x.size - 1):  # after the initial-variance transient has died out
        ref = -(mu + sig[t] * np.quantile(z, 0.01))
        assert f["var"].iloc[t] == pytest.approx(ref, rel=1e-4)


def test_rolling_backtest_coverage_on_iid_normal() -> None:
    # 3,000 i.i.d. normal returns: the normal VaR must not be rejected (p > 0.01)
    x = pd.Series(np.random.default_rng(11).normal(0, 0.01, 3000))
    bt = rolling_var_backtest(x, 500, 0.99, method="normal")
    assert bt.nobs == 2500
    assert bt.kupiec.pvalue > 0.01
    assert bt.expected_exceedances == pytest.approx(25.0)


# ---------------------------------------------------------------- liquidity and sizing


def test_bangia_by_hand() -> None:
    # by hand: spreads 1 bp and 3 bp: mean 2 bp, sd sqrt(2) bp; 0.5*(2 + 3*1.41421) bp
    assert bangia_liquidity_cost([1e-4, 3e-4]) == pytest.approx(3.121320e-4, rel=1e-6)
    assert liquidity_adjusted_var(0.05, [1e-4, 3e-4], a=2.0) == pytest.approx(
        0.05 + 0.5 * (2e-4 + 2 * math.sqrt(2) * 1e-4), rel=1e-12
    )
    with pytest.raises(InsufficientDataError, match=">= 2 spreads; got 1"):
        bangia_liquidity_cost([1e-4])
    with pytest.raises(ValueError, match="spread must be >= 0"):
        bangia_liquidity_cost([1e-4, -1e-4])


def test_depth_cost_by_hand_and_index() -> None:
    # by hand: half of 2 bp spread + (50 bp / 2) * (1m / 4m) = 1 bp + 6.25 bp
    assert depth_close_out_cost(1e6, 4e6, 2e-4) == pytest.approx(7.25e-4, rel=1e-12)
    idx = pd.date_range("2025-10-10", periods=2, freq="h")
    depth = pd.Series([4e6, 2e6], index=idx)
    out = depth_close_out_cost(1e6, depth)
    assert out.index.equals(idx) and out.iloc[1] == pytest.approx(12.5e-4)
    with pytest.warns(DepthExtrapolationWarning, match="exceeds depth"):
        depth_close_out_cost(5e6, 4e6)
    with pytest.raises(ValueError, match="depth must be > 0"):
        depth_close_out_cost(1e6, 0.0)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(1e3, 1e8),
    st.floats(0.01, 1.0),
    st.floats(0.0, 0.3),
    st.floats(1e5, 1e9),
    st.floats(0.0, 0.01),
)
def test_max_position_size_spends_the_budget(
    equity: float, lam: float, v: float, depth: float, s: float
) -> None:
    q = max_position_size(equity, lam, v, depth, s)
    loss = q * (v + depth_cost_no_warn(q, depth, s))
    assert loss == pytest.approx(lam * equity, rel=1e-9)


def test_max_position_size_with_leverage_cap() -> None:
    # by hand: Q* = 199,502.48 (docstring) vs cap 1.5 * 100,000 = 150,000 -> 150,000
    assert max_position_size(1e5, 0.1, 0.05, 4e6, max_leverage=1.5) == pytest.approx(1.5e5)
    assert max_position_size(1e5, 0.1, 0.05, 4e6, max_leverage=5.0) == pytest.approx(
        max_position_size(1e5, 0.1, 0.05, 4e6)
    )
    with pytest.raises(ValueError, match="max_leverage must be > 0"):
        max_position_size(1e5, 0.1, 0.05, 4e6, max_leverage=0.0)
    with pytest.raises(ValueError, match=r"loss_budget must be in \(0, 1\]"):
        max_position_size(1e5, 0.0, 0.05, 4e6)


def depth_cost_no_warn(q: float, depth: float, s: float) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DepthExtrapolationWarning)
        return float(depth_close_out_cost(q, depth, s))


# ---------------------------------------------------------------- excursions, haircuts, margins


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=60),
    st.integers(1, 8),
    st.sampled_from(["long", "short"]),
)
def test_max_adverse_excursion_matches_loop(prices: list[float], h: int, side: str) -> None:
    p = np.asarray(prices)
    got = np.asarray(max_adverse_excursion(p, h, side=side))
    ref = np.full(p.size, np.nan)
    for t in range(p.size - h):  # naive reference
        win = p[t + 1 : t + h + 1]
        ref[t] = 1 - win.min() / p[t] if side == "long" else win.max() / p[t] - 1
    assert np.allclose(got, ref, equal_nan=True, rtol=1e-12)


def test_max_adverse_excursion_uses_lows_and_keeps_index() -> None:
    idx = pd.date_range("2024-08-05", periods=4, freq="h")
    close = pd.Series([100.0, 99.0, 98.0, 100.0], index=idx)
    low = pd.Series([99.0, 90.0, 97.0, 99.5], index=idx)
    mae = max_adverse_excursion(close, 2, low=low)
    assert mae.index.equals(idx)
    assert mae.iloc[0] == pytest.approx(0.10)  # by hand: 1 - 90/100
    assert mae.iloc[1] == pytest.approx(1 - 97 / 99)
    with pytest.raises(ValueError, match="price and low have different indexes"):
        max_adverse_excursion(close, 2, low=low.iloc[:3])
    with pytest.raises(ValueError, match="low must have the same length"):
        max_adverse_excursion(close, 2, low=low.iloc[:3].to_numpy())


def test_collateral_haircut() -> None:
    # by hand: alternating -10%/+10% one-bar moves -> 90% haircut quantile is 10%
    p = [100.0, 90.0, 99.0, 89.1, 98.01, 88.209] * 20
    assert collateral_haircut(p, 1, 0.9) == pytest.approx(0.1, abs=1e-12)
    # reference: pandas pct_change over the horizon and numpy quantile (inverted CDF, numpy 2.4)
    price = pd.Series(100 * np.exp(np.cumsum(RNG.normal(0, 0.01, 2000))))
    ref = np.quantile(-price.pct_change(24).dropna(), 0.99, method="inverted_cdf")
    assert collateral_haircut(price, 24, 0.99) == pytest.approx(ref, rel=1e-12)
    assert collateral_haircut(price, 24, 0.99, path="worst") >= ref
    with pytest.raises(InsufficientDataError, match="needs at least 1000 windows; got 99"):
        collateral_haircut(price.iloc[:100], 1, 0.999)


def test_margin_calibration() -> None:
    # by hand: next-bar drops are 2% in 1/4 of the bars -> 95% quantile 2%
    p = [100.0, 98.0, 100.0, 99.0] * 50
    cal = calibrate_maintenance_margin(p, 1, 0.05)
    assert cal.maintenance_margin_rate == pytest.approx(0.02, abs=1e-12)
    # property: the calibrated rate meets the target on its own sample
    price = pd.Series(100 * np.exp(np.cumsum(RNG.standard_t(3, 5000) * 0.003)))
    cal = calibrate_maintenance_margin(price, 4, 0.01)
    assert cal.gap_probability(cal.maintenance_margin_rate) <= 0.01
    assert cal.gap_probability(0.0) > 0.01
    assert cal.summary()["nobs"].iloc[0] == 4996
    with pytest.raises(InsufficientDataError, match="at least 1000 windows"):
        calibrate_maintenance_margin(price.iloc[:500], 4, 0.001)
    with pytest.raises(ValueError, match=r"target must be in \(0, 1\)"):
        calibrate_maintenance_margin(price, 4, 0.0)


def test_leverage_cap() -> None:
    # by hand: next-bar falls of 10% in 1/4 of bars, m = 0 -> cap 1/0.1 = 10x
    p = [100.0, 90.0, 100.0, 95.0] * 50
    assert leverage_cap(p, 1, 0.05, maintenance_margin_rate=0.0).leverage == pytest.approx(10.0)
    # by hand with m = 0.005: long cap 1/(m + (1-m) q) = 1/(0.005 + 0.995*0.1) = 9.5694
    cap = leverage_cap(p, 1, 0.05, maintenance_margin_rate=0.005)
    assert cap.leverage == pytest.approx(1 / (0.005 + 0.995 * 0.1), rel=1e-12)
    # short: rises of 11.11% (90 -> 100): cap 1/(m + (1+m) q)
    short = leverage_cap(p, 1, 0.05, maintenance_margin_rate=0.005, side="short")
    assert short.leverage == pytest.approx(1 / (0.005 + 1.005 * (100 / 90 - 1)), rel=1e-12)
    # consistency with the liquidation distance: at the cap the liquidation probability is
    # the share of windows with MAE >= q (here 1/4 > target, the empirical quantile's atom)
    # and above the cap it can only rise
    price = pd.Series(100 * np.exp(np.cumsum(RNG.standard_t(3, 5000) * 0.003)))
    cap = leverage_cap(price, 24, 0.02)
    probs = cap.liquidation_probability([cap.leverage * 0.9, cap.leverage * 1.5])
    assert probs[0] <= 0.02 < probs[1]


def test_charts_and_html() -> None:
    import altair as alt

    x = pd.Series(
        np.random.default_rng(5).normal(0, 0.01, 700),
        index=pd.date_range("2024-01-01", periods=700, freq="h"),
    )
    bt = rolling_var_backtest(x, 500, 0.95)
    chart = bt.chart()
    assert isinstance(chart, alt.LayerChart)
    assert chart.to_dict()["width"] <= 520
    assert "exceedances" in bt._repr_html_()
    cal = calibrate_maintenance_margin(100 * np.exp(x.cumsum()), 4, 0.01)
    cchart = cal.chart()
    assert isinstance(cchart, alt.LayerChart) and cchart.to_dict()["width"] <= 520
    assert "maintenance_margin_rate" in cal._repr_html_()
    assert "leverage" in leverage_cap(100 * np.exp(x.cumsum()), 4, 0.01)._repr_html_()


# ---------------------------------------------------------------- bad debt and gap chart


def test_bad_debt_by_hand() -> None:
    # by hand: excursions of [100, 98, 100, 99] * 50 over one bar are 2% (50 windows), 1% (50),
    # -2.04% and -1.01% (99); at m = 0.5% the loss beyond bankruptcy is (50 * 1.5% + 50 * 0.5%)
    # / 199 windows.
    cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
    assert cal.bad_debt(0.005) == pytest.approx(1.0 / 199, rel=1e-12)
    assert cal.bad_debt(0.0) == pytest.approx(1.5 / 199, rel=1e-12)
    assert cal.bad_debt(0.03) == 0.0
    out = cal.bad_debt([0.0, 0.005, 0.03])
    assert out.shape == (3,)
    assert out == pytest.approx([1.5 / 199, 1.0 / 199, 0.0])


def test_bad_debt_decreasing_and_bounded() -> None:
    x = RNG.standard_t(3, 5000) * 0.01
    cal = calibrate_maintenance_margin(100 * np.exp(np.cumsum(x)), 4, 0.01)
    rates = np.linspace(0.0, 0.2, 41)
    bd = cal.bad_debt(rates)
    assert np.all(np.diff(bd) <= 1e-15)
    # E[(X - m)^+] <= P(X > m) * max(X - m)
    mae = np.asarray(cal.excursions, dtype=float)
    mae = mae[np.isfinite(mae)]
    assert np.all(bd <= cal.gap_probability(rates) * np.maximum(mae.max() - rates, 0) + 1e-15)


def test_bad_debt_rejects_bad_rate() -> None:
    cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
    with pytest.raises(ValueError, match="maintenance_margin_rate"):
        cal.bad_debt(1.5)


def test_gap_probability_chart() -> None:
    pytest.importorskip("altair")
    from riskkit.risk import gap_probability_chart

    p = [100.0, 98.0, 100.0, 99.0] * 50
    cals = {
        "1 bar": calibrate_maintenance_margin(p, 1, 0.05),
        "2 bars": calibrate_maintenance_margin(p, 2, 0.05),
    }
    spec = gap_probability_chart(cals, marks={"a": 0.004, "b": 0.0125}).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "rule", "text"]
    assert spec["width"] == 520
    no_marks = gap_probability_chart(cals, np.linspace(0, 0.03, 7)).to_dict()
    assert [layer["mark"]["type"] for layer in no_marks["layer"]] == ["line"]
    with pytest.raises(ValueError, match="calibrations"):
        gap_probability_chart({})
    with pytest.raises(ValueError, match="rates"):
        gap_probability_chart(cals, [0.1, 1.2])


# ---------------------------------------------------------------- tables and event checks


def test_excess_exceedances_by_hand() -> None:
    # by hand: hits 1,0,0,1 at c = 0.75 -> cumsum 1,1,1,2 minus 0.25,0.5,0.75,1.0
    r = pd.Series([-0.03, 0.01, -0.01, -0.05])
    bt = backtest_var(r, pd.Series([0.02] * 4), 0.75)
    np.testing.assert_allclose(bt.excess_exceedances(), [0.75, 0.5, 0.25, 1.0])
    # invariant: the last value is the count minus the expected count
    assert bt.excess_exceedances().iloc[-1] == pytest.approx(
        bt.n_exceedances - bt.expected_exceedances
    )


def test_backtest_table_matches_backtests() -> None:
    r = pd.Series(R, index=pd.date_range("2020-01-01", periods=R.size, freq="D"))
    bts = {("R", m): rolling_var_backtest(r, 250, 0.95, method=m) for m in ("historical", "normal")}
    t = backtest_table(bts, names=["series", "method"])
    assert t.index.names == ["series", "method"]
    assert t["exceedances"].dtype.kind == "i" and t["tested"].dtype.kind == "i"
    for key, bt in bts.items():
        assert t.loc[key, "exceedances"] == bt.n_exceedances
        assert t.loc[key, "tested"] == 750
        assert t.loc[key, "expected"] == pytest.approx(750 * 0.05)
        assert t.loc[key, "Kupiec p"] == pytest.approx(bt.kupiec.pvalue)
        assert t.loc[key, "cond. coverage p"] == pytest.approx(bt.conditional_coverage.pvalue)
    with pytest.raises(ValueError, match="at least one VaRBacktest"):
        backtest_table({})


def test_var_around_events_by_hand() -> None:
    # by hand: +-1% alternating, one -5% day inside the event; historical 90% VaR of the
    # alternating sample is 1%, so the worst loss is 5 times the VaR on the eve
    idx = pd.date_range("2024-01-01", periods=40, freq="D")
    r = pd.Series([0.01, -0.01] * 20, index=idx)
    r.iloc[30] = -0.05
    ev = pd.DataFrame({"start": [idx[30]], "end": [idx[31]]}, index=["drop"])
    t = var_around_events(r, ev, 0.9, method="historical")
    assert t.loc["drop", "worst loss"] == pytest.approx(0.05)
    assert t.loc["drop", "VaR before"] == pytest.approx(0.01)
    assert t.loc["drop", "loss / VaR"] == pytest.approx(5.0)
    # a short gains on the -5% day: inside days 30-31 its worst outcome is a 1% gain ...
    ts = var_around_events(r, ev, 0.9, method="historical", side="short")
    assert ts.loc["drop", "worst loss"] == pytest.approx(-0.01)
    # ... and from day 28 (a +1% day) on, its worst loss is 1%
    ts = var_around_events(r, ev.assign(start=idx[28]), 0.9, method="historical", side="short")
    assert ts.loc["drop", "worst loss"] == pytest.approx(0.01)
    with pytest.raises(ValueError, match="has no returns"):
        var_around_events(
            r, ev.assign(start=idx[-1] + pd.Timedelta("5D"), end=idx[-1] + pd.Timedelta("6D"))
        )
    with pytest.raises(TypeError, match="DatetimeIndex"):
        var_around_events(r.reset_index(drop=True), ev)


def test_calibrate_where_selects_windows() -> None:
    # by hand: windows starting at a 100 move to 98 or 99 -> MAE 2% or 1%, half each
    p = np.array([100.0, 98.0, 100.0, 99.0] * 50)
    cal = calibrate_maintenance_margin(p, 1, 0.05, where=p == 100.0)
    assert cal.nobs == 100
    assert cal.gap_probability(0.015) == pytest.approx(0.5)
    assert cal.maintenance_margin_rate == pytest.approx(0.02)
    # invariant: all-True mask gives the unconditional result
    full = calibrate_maintenance_margin(p, 1, 0.05)
    same = calibrate_maintenance_margin(p, 1, 0.05, where=np.ones(p.size, bool))
    assert same.maintenance_margin_rate == full.maintenance_margin_rate and same.nobs == full.nobs
    with pytest.raises(ValueError, match="where must be a boolean array"):
        calibrate_maintenance_margin(p, 1, 0.05, where=np.ones(3, bool))


def test_longest_covered_horizon() -> None:
    p = RNG.lognormal(0.0, 0.01, 2000).cumprod() * 100
    cals = [calibrate_maintenance_margin(p, h, 0.01) for h in (1, 4, 24)]
    rates = [c.maintenance_margin_rate for c in cals]
    # invariant: a rate equal to a horizon's m* covers at least that horizon
    for c in cals:
        got = longest_covered_horizon(c.maintenance_margin_rate, cals)
        assert got is not None and got >= c.horizon
    assert longest_covered_horizon(0.0, cals) is None
    assert longest_covered_horizon(max(rates), cals) == 24
    with pytest.raises(ValueError, match="maintenance_margin_rate must be"):
        longest_covered_horizon(1.5, cals)


def test_var_around_events_zero_returns_is_a_value_error() -> None:
    import riskkit.risk as rr

    idx = pd.date_range("2024-01-01", periods=40, freq="D", tz="UTC")
    ev = pd.DataFrame({"start": [idx[30]], "end": [idx[31]]}, index=["drop"])
    with pytest.raises(ValueError, match=r"event 'drop'.*VaR of 0 .*loss / VaR is undefined"):
        rr.var_around_events(pd.Series(0.0, idx), ev, 0.9, method="historical")


def test_var_around_events_tz_naive_events_say_how_to_fix() -> None:
    import riskkit.risk as rr

    idx = pd.date_range("2024-01-01", periods=40, freq="D", tz="UTC")
    ev = pd.DataFrame({"start": [idx[30].tz_localize(None)], "end": [idx[31].tz_localize(None)]})
    with pytest.raises(
        ValueError,
        match=r"events\['start'\] is tz-naive but returns.index is tz-aware.*tz_localize\('UTC'\)",
    ):
        rr.var_around_events(pd.Series(0.01, idx), ev, 0.9, method="historical")


def test_longest_covered_horizon_rejects_non_calibrations() -> None:
    import riskkit.risk as rr

    with pytest.raises(
        TypeError, match=r"calibrations\[0\] must be MarginCalibration; got str 'x'"
    ):
        rr.longest_covered_horizon(0.02, ["x"])


def test_var_es_empty_confidence() -> None:
    import riskkit.risk as rr

    with pytest.raises(
        ValueError, match=r"confidence must hold at least one level in \(0, 1\); got an empty list"
    ):
        rr.var_es([0.01, -0.02] * 100, [])


def test_cornish_fisher_on_constant_returns() -> None:
    import riskkit.risk as rr

    with pytest.raises(
        ValueError,
        match=r"returns must vary for method='cornish_fisher'.*500 returns all equal to 0.01",
    ):
        rr.var_es([0.01] * 500, 0.95, method="cornish_fisher")


def test_scalar_band_given_a_list() -> None:
    import riskkit.risk as rr

    with pytest.raises(TypeError, match=r"band must be a scalar; got a list of 2"):
        rr.depth_close_out_cost(1.0, 10.0, band=[0.1, 0.2])


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread
# --------------------------------------------------------------------------------------------
def test_var_es_refuses_nan_naming_the_position() -> None:
    r = [0.01, -0.02, np.nan, 0.03, -0.01]
    for fn in (var_es, value_at_risk, expected_shortfall):
        with pytest.raises(
            ValueError, match=r"returns must not contain NaN; got NaN at position 2"
        ):
            fn(r, 0.5)


def test_numeric_arguments_reject_strings_and_none() -> None:
    with pytest.raises(TypeError, match="returns must be numeric"):
        var_es(pd.Series(["0.01", "-0.02", "0.03"]), 0.5)
    with pytest.raises(TypeError, match="confidence must be numeric"):
        var_es([0.01, -0.02, 0.03], None)


def test_backtest_table_rejects_a_non_mapping_and_a_non_backtest() -> None:
    with pytest.raises(TypeError, match=r"backtests must be a mapping .*; got str 'x'"):
        backtest_table("x")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"backtests\['a'\] must be a VaRBacktest; got int 1"):
        backtest_table({"a": 1})  # type: ignore[dict-item]


def test_gap_probability_chart_rejects_a_non_mapping_and_a_non_calibration() -> None:
    pytest.importorskip("altair")
    from riskkit.risk import gap_probability_chart

    with pytest.raises(TypeError, match=r"calibrations must be a mapping .*; got bool True"):
        gap_probability_chart(True)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"calibrations\['a'\] must be a MarginCalibration; got NoneType None"
    ):
        gap_probability_chart({"a": None})  # type: ignore[dict-item]


def test_backtest_var_tz_naive_forecasts_on_tz_aware_returns_are_a_value_error() -> None:
    idx = pd.date_range("2024-01-01", periods=10, freq="D", tz="UTC")
    r = pd.Series(np.linspace(-0.02, 0.02, 10), idx)
    v = pd.Series(0.01, idx)
    with pytest.raises(ValueError, match=r"var.index is tz-naive but returns.index is tz-aware"):
        backtest_var(r, v.tz_localize(None), 0.95)
    with pytest.raises(ValueError, match=r"es.index is tz-naive but returns.index is tz-aware"):
        backtest_var(r, v, 0.95, es=v.tz_localize(None))


def test_liquidity_adjusted_var_with_a_single_spread_says_what_it_needs() -> None:
    # regression (issue 12 audit): a scalar spread raised "spread must be one-dimensional"
    from riskkit.risk import liquidity_adjusted_var

    with pytest.raises(
        ValueError,
        match=r"spread must be a sample of relative spreads .* got the single value 0.001",
    ):
        liquidity_adjusted_var(pd.Series([0.02, 0.03]), 0.001)
