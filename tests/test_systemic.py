"""Tests of riskkit.systemic: rolling betas, principal components, CoVaR and event studies.

Reference values come from independent computations: a naive statsmodels OLS loop for the
rolling betas, numpy's eigen-decomposition of each window for the principal components, a
linear-programming formulation of the quantile regression (scipy.optimize.linprog, HiGHS) and
a brute-force search over exact-fit pairs for CoVaR, and the textbook formulas of MacKinlay
(1997) and Corrado (1989) written out by hand for the event study.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import linprog

from riskkit.exceptions import InsufficientDataError
from riskkit.systemic import (
    covar,
    event_study,
    principal_components,
    rolling_beta,
    rolling_principal_components,
)

IDX = pd.date_range("2022-01-01", periods=400, freq="D", tz="UTC")


def _pair(seed: int = 0, n: int = 400) -> tuple[pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    x = rng.standard_t(4, n) * 0.03
    y = 0.8 * x + rng.standard_normal(n) * 0.02 + 0.001
    return pd.Series(y, IDX[:n], name="eth"), pd.Series(x, IDX[:n], name="btc")


# ---------------------------------------------------------------- rolling betas


def test_rolling_beta_matches_a_naive_statsmodels_loop() -> None:
    y, x = _pair()
    res = rolling_beta(y, x, window=60)
    for end in range(59, 400, 17):
        ols = sm.OLS(y.iloc[end - 59 : end + 1].to_numpy(),
                     sm.add_constant(x.iloc[end - 59 : end + 1].to_numpy())).fit()  # fmt: skip
        row = res.table.loc[IDX[end]]
        assert row["beta"] == pytest.approx(ols.params[1], rel=1e-9, abs=1e-12)
        assert row["alpha"] == pytest.approx(ols.params[0], rel=1e-8, abs=1e-12)
        assert row["r2"] == pytest.approx(ols.rsquared, rel=1e-9, abs=1e-12)
    assert len(res.table) == 400 - 59
    assert res.summary().shape == (2, 5)


def test_rolling_beta_aligns_on_labels_and_drops_nan_rows() -> None:
    y, x = _pair()
    shuffled_x = x.iloc[5:]  # a shorter factor: only common labels count
    y2 = y.copy()
    y2.iloc[100] = np.nan
    res = rolling_beta(y2, shuffled_x, window=30)
    common = pd.concat([y2, shuffled_x], axis=1).dropna()
    assert len(res.table) == len(common) - 29
    assert res.table.index[0] == common.index[29]


def test_rolling_beta_is_invariant_to_a_large_offset() -> None:
    # prefix sums on centred data: adding 1e6 to both series must not move the beta
    y, x = _pair()
    a = rolling_beta(y, x, 50).table["beta"]
    b = rolling_beta(y + 1e6, x + 1e6, 50).table["beta"]
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"window": 2}, ValueError, "window must be >= 3"),
        ({"window": 3.0}, TypeError, "window must be an int"),
        ({"window": 1000}, InsufficientDataError, "need at least 1000"),
    ],
)
def test_rolling_beta_errors(kwargs: dict, error: type, match: str) -> None:
    y, x = _pair()
    with pytest.raises(error, match=match):
        rolling_beta(y, x, **kwargs)


def test_time_series_must_be_sorted_unique_series() -> None:
    y, x = _pair()
    with pytest.raises(ValueError, match="asset must have an increasing index"):
        rolling_beta(y.iloc[::-1], x, 10)
    dup = pd.concat([x.iloc[:5], x.iloc[4:10]])
    with pytest.raises(ValueError, match="factor must have a unique index"):
        rolling_beta(y, dup, 3)
    with pytest.raises(TypeError, match="asset must be a pandas Series"):
        rolling_beta(y.to_numpy(), x, 10)
    with pytest.raises(ValueError, match="tz-naive"):
        rolling_beta(y.tz_localize(None), x, 10)


# ---------------------------------------------------------- principal components


def _panel(seed: int = 1, n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.standard_normal(n)
    cols = {c: b * f + s * rng.standard_normal(n) for c, b, s in
            (("btc", 1.0, 0.4), ("eth", 1.2, 0.6), ("sol", 1.5, 1.2))}  # fmt: skip
    return pd.DataFrame(cols, index=IDX[:n])


def test_principal_components_match_numpy_eig_of_the_correlation_matrix() -> None:
    r = _panel()
    res = principal_components(r)
    lam = np.sort(np.linalg.eigvals(np.corrcoef(r.to_numpy(), rowvar=False)).real)[::-1]
    np.testing.assert_allclose(res.eigenvalues, lam, rtol=1e-10)
    np.testing.assert_allclose(res.explained, lam / 3, rtol=1e-10)
    assert res.first_share == pytest.approx(lam[0] / 3)
    # the covariance version
    lam_c = np.sort(np.linalg.eigvalsh(np.cov(r.to_numpy(), rowvar=False)))[::-1]
    np.testing.assert_allclose(principal_components(r, standardize=False).eigenvalues, lam_c)


def test_pca_sign_convention_is_fixed() -> None:
    r = _panel()
    res = principal_components(r)
    for col in res.loadings:
        v = res.loadings[col].to_numpy()
        assert v[np.argmax(np.abs(v))] > 0
    # negating the data flips every eigenvector's sign in exact arithmetic; the convention
    # gives back the same loadings
    pd.testing.assert_frame_equal(principal_components(-r).loadings, res.loadings)
    np.testing.assert_allclose(np.linalg.norm(res.loadings, axis=0), 1.0)


def test_rolling_pca_matches_a_loop_of_principal_components() -> None:
    r = _panel()
    roll = rolling_principal_components(r, window=90)
    for end in range(89, 300, 23):
        one = principal_components(r.iloc[end - 89 : end + 1])
        row = roll.table.loc[r.index[end]]
        assert row["first_share"] == pytest.approx(one.first_share, rel=1e-9)
        np.testing.assert_allclose(
            row[[f"loading_{c}" for c in r.columns]].to_numpy(float),
            one.loadings["PC1"].to_numpy(),
            rtol=1e-7,
            atol=1e-9,
        )


def test_pca_errors() -> None:
    r = _panel()
    with pytest.raises(ValueError, match="at least 2 columns"):
        principal_components(r[["btc"]])
    with pytest.raises(ValueError, match="constant column"):
        principal_components(r.assign(flat=1.0))
    with pytest.raises(InsufficientDataError, match="at least 4 complete rows"):
        principal_components(r.iloc[:3])
    with pytest.raises(ValueError, match="window must be >= 4"):
        rolling_principal_components(r, window=3)
    with pytest.raises(ValueError, match="increasing index"):
        principal_components(r.iloc[::-1])


# ------------------------------------------------------------------------ CoVaR


def _check_loss(u: np.ndarray, q: float) -> float:
    return float(np.sum(u * (q - (u < 0))))


def _lp_quantile_regression(y: np.ndarray, x: np.ndarray, q: float) -> tuple[np.ndarray, float]:
    """Koenker-Bassett as a linear programme: min q 1'u+ + (1-q) 1'u- s.t. y = Xb + u+ - u-."""
    n = len(y)
    X = np.column_stack([np.ones(n), x])
    c = np.concatenate([np.zeros(2), q * np.ones(n), (1 - q) * np.ones(n)])
    A = np.hstack([X, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
    res = linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs")
    assert res.status == 0
    return res.x[:2], float(res.fun)


@pytest.mark.parametrize("q", [0.05, 0.1, 0.5])
def test_covar_quantile_regression_matches_a_linear_programme(q: float) -> None:
    y, x = _pair(seed=3, n=300)
    res = covar(y, x, q=q)
    b_lp, loss_lp = _lp_quantile_regression(y.to_numpy(), x.to_numpy(), q)
    fitted = y.to_numpy() - res.alpha - res.beta * x.to_numpy()
    # the IRLS solution reaches the LP optimum of the check loss ...
    assert _check_loss(fitted, q) == pytest.approx(loss_lp, rel=1e-6)
    # ... and, the optimum being unique for continuous data, the same coefficients
    np.testing.assert_allclose([res.alpha, res.beta], b_lp, rtol=1e-4, atol=1e-6)
    # CoVaR from its definition
    var_q, var_m = np.quantile(x, q), np.quantile(x, 0.5)
    assert res.var_q == pytest.approx(var_q)
    assert res.covar_q == pytest.approx(b_lp[0] + b_lp[1] * var_q, rel=1e-4)
    assert res.delta_covar == pytest.approx(b_lp[1] * (var_q - var_m), rel=1e-4)
    assert res.delta_covar_se == pytest.approx(res.beta_se * abs(var_q - var_m))


def test_covar_brute_force_check_loss_minimum() -> None:
    # a quantile-regression line passes through (at least) two data points: the minimum of the
    # check loss over all lines through pairs of points is the global minimum
    rng = np.random.default_rng(7)
    n = 40
    x = rng.standard_normal(n)
    y = 0.5 * x + rng.standard_normal(n)
    idx = IDX[:n]
    res = covar(pd.Series(y, idx), pd.Series(x, idx), q=0.1)
    best = np.inf
    for i, j in itertools.combinations(range(n), 2):
        b = (y[j] - y[i]) / (x[j] - x[i])
        a = y[i] - b * x[i]
        best = min(best, _check_loss(y - a - b * x, 0.1))
    assert _check_loss(y - res.alpha - res.beta * x, 0.1) == pytest.approx(best, rel=1e-7)


def test_covar_of_independent_series_is_near_zero_and_summary_has_one_row() -> None:
    rng = np.random.default_rng(11)
    x = pd.Series(rng.standard_normal(3000), IDX[:1].append(
        pd.date_range("2022-01-02", periods=2999, freq="D", tz="UTC")))  # fmt: skip
    y = pd.Series(rng.standard_normal(3000), x.index)
    res = covar(y, x, q=0.05)
    assert abs(res.delta_covar) < 3 * res.delta_covar_se + 1e-12
    assert res.summary().shape[0] == 1


def test_covar_errors() -> None:
    y, x = _pair()
    with pytest.raises(ValueError, match=r"q must be in \(0, 1\)"):
        covar(y, x, q=1.5)
    with pytest.raises(TypeError, match="q must be a float"):
        covar(y, x, q="0.05")
    with pytest.raises(InsufficientDataError, match="share 10"):
        covar(y.iloc[:10], x.iloc[:10])
    with pytest.raises(InsufficientDataError, match="expected below the quantile"):
        covar(y.iloc[:30], x.iloc[:30], q=0.05)
    with pytest.raises(ValueError, match="asset is constant"):
        covar(y, x * 0.0)


# ------------------------------------------------------------------ event study


def test_event_study_mean_model_by_hand() -> None:
    y, _ = _pair(seed=5)
    res = event_study(y, {"e": IDX[200]}, window=(0, 4), estimation=(-50, -1))
    est = y.iloc[150:200].to_numpy()
    ev = y.iloc[200:205].to_numpy()
    ar = ev - est.mean()
    s2 = est.var(ddof=1)
    se = np.sqrt(s2 * (5 + 25 / 50))  # MacKinlay (1997) eq. for the mean-adjusted model
    row = res.table.loc["e"]
    assert row["car"] == pytest.approx(ar.sum())
    assert row["se"] == pytest.approx(se)
    assert row["pvalue"] == pytest.approx(2 * stats.t.sf(abs(ar.sum() / se), 49))
    # Corrado's rank statistic, written out
    allv = np.concatenate([est - est.mean(), ar])
    u = stats.rankdata(allv) / 56 - 0.5
    assert row["rank_z"] == pytest.approx(u[50:].sum() / (np.sqrt(5) * np.sqrt(np.mean(u**2))))
    np.testing.assert_allclose(res.abnormal["e"], ar)


def test_event_study_market_model_matches_statsmodels_ols() -> None:
    y, x = _pair(seed=6)
    res = event_study(y, {"e": IDX[300]}, window=(-1, 2), estimation=(-100, -2),
                      model="market", market=x)  # fmt: skip
    ols = sm.OLS(y.iloc[200:299].to_numpy(), sm.add_constant(x.iloc[200:299].to_numpy())).fit()
    xw = sm.add_constant(x.iloc[299:303].to_numpy())
    ar = y.iloc[299:303].to_numpy() - xw @ ols.params
    # the variance of a sum of out-of-sample prediction errors
    iota = np.ones(4)
    var = ols.scale * (4 + iota @ xw @ np.linalg.inv(ols.model.exog.T @ ols.model.exog)
                       @ xw.T @ iota)  # fmt: skip
    assert res.table.loc["e", "car"] == pytest.approx(ar.sum())
    assert res.table.loc["e", "se"] == pytest.approx(np.sqrt(var))
    assert res.table.loc["e", "sigma"] == pytest.approx(np.sqrt(ols.scale))


def test_event_study_detects_a_planted_jump_and_aggregates() -> None:
    y, _ = _pair(seed=8)
    y = y.copy()
    dates = {f"e{i}": IDX[100 + 50 * i] for i in range(5)}
    for d in dates.values():
        y.loc[d] += 0.2
    res = event_study(y, dates, window=(0, 0), estimation=(-40, -1))
    assert (res.table["t"] > 3).all()
    assert res.aggregate["n_positive"] == 5
    assert res.aggregate["sign_pvalue"] == pytest.approx(2 * 0.5**5)
    assert res.aggregate["caar"] == pytest.approx(res.table["car"].mean())
    assert res.to_frame().shape == (1, 5)


def test_event_day_is_the_first_observation_at_or_after_the_date() -> None:
    y, _ = _pair()
    res = event_study(y, {"e": "2022-03-01 12:00+00:00"}, window=(0, 1), estimation=(-20, -1))
    assert res.table.loc["e", "date"] == pd.Timestamp("2022-03-02", tz="UTC")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"window": (0, 2), "estimation": (-10, 0)}, ValueError, "must end before"),
        ({"window": [0, 2]}, TypeError, "window must be a tuple of two ints"),
        ({"model": "capm"}, ValueError, "model must be one of"),
        ({"model": "market"}, ValueError, "needs market"),
        ({"estimation": (-2, -1)}, InsufficientDataError, "at least 3 observations"),
        ({"estimation": (-500, -1)}, ValueError, "windows"),
    ],
)
def test_event_study_errors(kwargs: dict, error: type, match: str) -> None:
    y, _ = _pair()
    with pytest.raises(error, match=match):
        event_study(y, {"e": IDX[100]}, **kwargs)


def test_event_study_rejects_bad_events() -> None:
    y, _ = _pair()
    with pytest.raises(TypeError, match="events must be a mapping"):
        event_study(y, [IDX[100]])
    with pytest.raises(ValueError, match="at least one event"):
        event_study(y, {})
    with pytest.raises(ValueError, match="tz-naive"):
        event_study(y, {"e": pd.Timestamp("2022-03-01")})


# ------------------------------------------------------------ properties, hostile


@settings(max_examples=25, deadline=None)
@given(st.floats(0.2, 5.0), st.floats(-0.01, 0.01), st.integers(5, 80))
def test_rolling_beta_recovers_an_exact_linear_relation(b: float, a: float, window: int) -> None:
    _, x = _pair(seed=2)
    res = rolling_beta(a + b * x, x, window)
    np.testing.assert_allclose(res.table["beta"], b, rtol=1e-8)
    np.testing.assert_allclose(res.table["r2"], 1.0, rtol=1e-8)


HOSTILE = [[], None, float("nan"), "x", True, np.ones((4, 3)), [0.5, 0.5]]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
@pytest.mark.parametrize(
    "call",
    [
        lambda v: rolling_beta(v, v, 5),
        lambda v: principal_components(v),
        lambda v: rolling_principal_components(v, 5),
        lambda v: covar(v, v),
        lambda v: event_study(v, {"e": "2022-01-01"}),
    ],
    ids=["rolling_beta", "principal_components", "rolling_pca", "covar", "event_study"],
)
def test_hostile_inputs_raise_domain_errors(call, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((TypeError, ValueError)):
        call(value)


def test_charts_build() -> None:
    pytest.importorskip("altair")
    y, x = _pair()
    assert rolling_beta(y, x, 30).chart().to_dict()["mark"]["type"] == "line"
    assert principal_components(_panel()).chart().to_dict()["mark"]["type"] == "bar"
    assert rolling_principal_components(_panel(), 60).chart().to_dict()["mark"]["type"] == "line"
    assert "layer" in covar(y, x).chart().to_dict()
    ev = event_study(y, {"a": IDX[100], "b": IDX[200]}, window=(0, 3), estimation=(-30, -1))
    assert "layer" in ev.chart().to_dict()
    assert "<h4>" in ev._repr_html_()
