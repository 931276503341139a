"""Tests for riskkit.moments: skewness, kurtosis, rolling moments, Cornish-Fisher."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from riskkit.exceptions import InsufficientDataError
from riskkit.moments import (
    CornishFisherDomainWarning,
    cornish_fisher_is_monotone,
    cornish_fisher_quantile,
    cornish_fisher_tail_mean,
    excess_kurtosis,
    moment_table,
    rolling_excess_kurtosis,
    rolling_skewness,
    share_outside_cornish_fisher_domain,
    skewness,
)

RNG = np.random.default_rng(20261127)
X = RNG.standard_t(4, size=300) * 0.01


# ---------------------------------------------------------------- full-sample moments


def test_skewness_by_hand() -> None:
    # by hand: x = (0, 0, 0, 1): m2 = 3/16, m3 = 3/32, g1 = m3 / m2**1.5 = 2/sqrt(3);
    # G1 = g1 * sqrt(4*3) / 2 = 2 exactly.
    assert skewness([0.0, 0.0, 0.0, 1.0]) == pytest.approx(2.0, abs=1e-12)
    assert skewness([0.0, 0.0, 0.0, 1.0], bias=True) == pytest.approx(2 / np.sqrt(3), abs=1e-12)


def test_kurtosis_by_hand() -> None:
    # by hand: x = (-1, 1, -1, 1): m2 = 1, m4 = 1, g2 = 1 - 3 = -2;
    # G2 = (n-1)/((n-2)(n-3)) * ((n+1) g2 + 6) = 3/2 * (5 * -2 + 6) = -6.
    assert excess_kurtosis([-1.0, 1.0, -1.0, 1.0], bias=True) == pytest.approx(-2.0, abs=1e-12)
    assert excess_kurtosis([-1.0, 1.0, -1.0, 1.0]) == pytest.approx(-6.0, abs=1e-12)


@pytest.mark.parametrize("bias", [True, False])
def test_moments_match_scipy(bias: bool) -> None:
    # reference: scipy.stats.skew / kurtosis (scipy 1.17)
    assert skewness(X, bias=bias) == pytest.approx(stats.skew(X, bias=bias), rel=1e-12)
    assert excess_kurtosis(X, bias=bias) == pytest.approx(
        stats.kurtosis(X, fisher=True, bias=bias), rel=1e-12
    )


def test_moments_too_little_data() -> None:
    with pytest.raises(InsufficientDataError, match=r"at least 3 observations.*got 2"):
        skewness([0.1, 0.2])
    with pytest.raises(InsufficientDataError, match=r"at least 4 observations.*got 3"):
        excess_kurtosis([0.1, 0.2, 0.3])


def test_moments_reject_bad_values() -> None:
    with pytest.raises(ValueError, match="returns must be finite"):
        skewness([0.1, np.inf, 0.2, 0.3])
    with pytest.raises(TypeError, match="returns must be numeric"):
        skewness("abc")


# ---------------------------------------------------------------- rolling moments


@pytest.mark.parametrize("bias", [True, False])
def test_rolling_matches_scipy_per_window(bias: bool) -> None:
    # reference: scipy.stats.skew/kurtosis on each window (scipy 1.17)
    s = pd.Series(X, index=pd.date_range("2024-01-01", periods=X.size, freq="h"), name="r")
    w = 50
    sk = rolling_skewness(s, w, bias=bias)
    ku = rolling_excess_kurtosis(s, w, bias=bias)
    assert sk.name == "r" and sk.index.equals(s.index)
    assert sk.iloc[: w - 1].isna().all()
    for end in (w, 120, X.size):
        win = X[end - w : end]
        assert sk.iloc[end - 1] == pytest.approx(stats.skew(win, bias=bias), rel=1e-7)
        assert ku.iloc[end - 1] == pytest.approx(stats.kurtosis(win, bias=bias), rel=1e-7)


def test_rolling_with_freq_aggregates_log_returns() -> None:
    idx = pd.date_range("2024-01-01", periods=24 * 40, freq="h")
    s = pd.Series(RNG.normal(0, 0.01, idx.size), index=idx)
    daily = s.groupby(idx.floor("D")).sum()
    got = rolling_skewness(s, 10, freq="D")
    assert got.index.equals(daily.index)
    assert got.iloc[-1] == pytest.approx(stats.skew(daily.iloc[-10:], bias=False), rel=1e-7)


def test_rolling_offset_window() -> None:
    idx = pd.date_range("2024-01-01", periods=100, freq="D")
    s = pd.Series(X[:100], index=idx)
    got = rolling_excess_kurtosis(s, "30D")
    assert got.iloc[-1] == pytest.approx(stats.kurtosis(X[70:100], bias=False), rel=1e-7)


def test_rolling_errors() -> None:
    with pytest.raises(ValueError, match="window must be >= 3; got 2"):
        rolling_skewness(X, 2)
    with pytest.raises(ValueError, match="window must be >= 4; got 3"):
        rolling_excess_kurtosis(X, 3)
    with pytest.raises(InsufficientDataError, match=r"min_periods=20.*got 10"):
        rolling_skewness(X[:10], 20)
    with pytest.raises(TypeError, match="DatetimeIndex when freq is given"):
        rolling_skewness(pd.Series(X), 10, freq="D")
    with pytest.raises(TypeError, match="window must be an int or an offset string"):
        rolling_skewness(X, 10.5)  # type: ignore[arg-type]


# ---------------------------------------------------------------- Cornish-Fisher


def test_cf_reduces_to_normal_quantile() -> None:
    # reference: scipy.stats.norm.ppf (scipy 1.17); s = k = 0 gives the normal quantile
    q = np.array([0.001, 0.01, 0.05, 0.5, 0.95])
    assert np.allclose(cornish_fisher_quantile(q, 0.0, 0.0), stats.norm.ppf(q), atol=1e-12)


def test_cf_quantile_by_hand() -> None:
    # by hand (see docstring formula), z = -1.6448536, z^2 = 2.7055435, z^3 = -4.4502230:
    # s=-1, k=3: z + (z^2-1)s/6 + (z^3-3z)k/24 - (2z^3-5z)s^2/36
    #          = -1.6448536 - 0.2842572 + 0.0605422 + 0.0187827 = -1.8497859
    assert cornish_fisher_quantile(0.05, -1.0, 3.0) == pytest.approx(-1.8497859, abs=1e-6)
    # s=0, k=3, q=0.01: z = -2.3263479, (z^3-3z)*3/24 = -0.7013632 -> -3.0277111
    assert cornish_fisher_quantile(0.01, 0.0, 3.0) == pytest.approx(-3.0277111, abs=1e-6)


def test_cf_broadcasts() -> None:
    out = cornish_fisher_quantile([0.01, 0.05], [[0.0], [-0.5]], 2.0)
    assert out.shape == (2, 2)
    assert out[0, 1] == pytest.approx(cornish_fisher_quantile(0.05, 0.0, 2.0))


def test_cf_domain_known_points() -> None:
    # by hand: with s = 0 the condition is 0 <= k <= 8 (Maillard 2012, Fig. 1 domain)
    assert cornish_fisher_is_monotone(0.0, 0.0)
    assert cornish_fisher_is_monotone(0.0, 8.0)
    assert not cornish_fisher_is_monotone(0.0, 8.01)
    assert not cornish_fisher_is_monotone(0.0, -0.01)
    # by hand: k = 4 s^2/3 makes the cubic coefficient zero -> not monotone unless s = 0
    assert not cornish_fisher_is_monotone(0.5, 4 * 0.25 / 3)
    # by hand: s=2, k=9: a = 0.1528, b = 0.3333, c = 0.4306, b^2 = 0.111 <= 3ac = 0.197
    assert cornish_fisher_is_monotone(2.0, 9.0)
    # by hand: s=1, k=1: a = 1/24 - 1/18 < 0
    assert not cornish_fisher_is_monotone(1.0, 1.0)


def _cf_textbook(z: np.ndarray, s: float, k: float) -> np.ndarray:
    # Cornish-Fisher in its textbook (unexpanded) form, independent of the module's cubic
    return z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36


@settings(max_examples=150, deadline=None)
@given(st.floats(-1.5, 1.5), st.floats(-1.0, 12.0))
def test_cf_domain_matches_numerical_monotonicity(s: float, k: float) -> None:
    a = k / 24 - s**2 / 18
    b, c = s / 6, 1 - k / 8 + 5 * s**2 / 36
    assume(abs(a) > 1e-3 and abs(b**2 - 3 * a * c) > 1e-4)
    z = np.linspace(-1e4, 1e4, 20_001)
    y = _cf_textbook(z, s, k)
    h = 1e-4
    zstar = -b / (3 * a)  # where the derivative is smallest (a > 0) or largest (a < 0)
    dstar = _cf_textbook(np.array([zstar + h]), s, k) - _cf_textbook(np.array([zstar - h]), s, k)
    numerically_monotone = bool(np.all(np.diff(y) >= 0) and dstar[0] >= 0)
    assert bool(cornish_fisher_is_monotone(s, k)) == numerically_monotone


def test_cf_warns_outside_domain() -> None:
    with pytest.warns(CornishFisherDomainWarning, match="not monotone for skewness=0"):
        cornish_fisher_quantile(0.01, 0.0, 9.0)
    with pytest.warns(CornishFisherDomainWarning, match="cornish_fisher_is_monotone"):
        cornish_fisher_tail_mean(0.01, 1.0, 1.0)


def test_cf_no_warning_inside_domain() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cornish_fisher_quantile(0.01, -0.5, 3.0)


def test_cf_rejects_bad_q() -> None:
    with pytest.raises(ValueError, match=r"q must be in \(0, 1\); got 1.0"):
        cornish_fisher_quantile(1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"q must be in \(0, 1\)"):
        cornish_fisher_tail_mean(0.0, 0.0, 0.0)


def test_cf_tail_mean_normal() -> None:
    # reference: normal tail mean -phi(z_q)/q via scipy.stats.norm (scipy 1.17)
    for q in (0.01, 0.05, 0.2):
        ref = -stats.norm.pdf(stats.norm.ppf(q)) / q
        assert cornish_fisher_tail_mean(q, 0.0, 0.0) == pytest.approx(ref, rel=1e-10)


@pytest.mark.parametrize(("s", "k"), [(-0.8, 3.0), (0.5, 1.5), (0.0, 6.0), (-0.3, 0.8)])
def test_cf_tail_mean_equals_integrated_quantile(s: float, k: float) -> None:
    # reference: (1/q) * integral_0^q y(u) du by scipy.integrate.quad (scipy 1.17)
    q = 0.025
    ref = integrate.quad(lambda u: cornish_fisher_quantile(u, s, k), 1e-15, q, limit=200)[0] / q
    got = cornish_fisher_tail_mean(q, s, k)
    assert got == pytest.approx(ref, rel=1e-6)
    assert got <= cornish_fisher_quantile(q, s, k)


def test_moment_table_matches_functions() -> None:
    y = pd.Series(np.r_[X[:50], np.nan])
    t = moment_table({"x": X, "y": y})
    assert list(t.index) == ["x", "y"]
    assert t.loc["y", "nobs"] == 50  # NaN dropped
    assert t.loc["x", "std"] == pytest.approx(np.std(X, ddof=1))
    assert t.loc["x", "skewness"] == pytest.approx(skewness(X))
    assert t.loc["y", "excess_kurtosis"] == pytest.approx(excess_kurtosis(X[:50]))
    with pytest.raises(ValueError, match="at least one return series"):
        moment_table({})


def test_share_outside_cornish_fisher_domain() -> None:
    # by hand: -1, five 0s, 1 repeated has s = 0 and k near 3, inside 0 <= k <= 8 everywhere
    assert share_outside_cornish_fisher_domain([-1.0, 0, 0, 0, 0, 0, 1] * 40, 28) == 0.0
    # by hand: one spike in ten values gives G2 = 10 > 8 with G1 = 3.16, outside
    assert share_outside_cornish_fisher_domain([0.0] * 9 + [1.0], 10) == 1.0
    # invariant: equals the mean of the rolling domain test
    s = rolling_skewness(X, 60).dropna().to_numpy()
    k = rolling_excess_kurtosis(X, 60).dropna().to_numpy()
    expected = 1 - np.mean(cornish_fisher_is_monotone(s, k))
    assert share_outside_cornish_fisher_domain(X, 60) == pytest.approx(expected)
    with pytest.raises(InsufficientDataError):
        share_outside_cornish_fisher_domain(X[:10], 60)


def test_tail_table_by_hand_and_against_building_blocks() -> None:
    from scipy import stats

    from riskkit.moments import tail_table

    # symmetric, mildly leptokurtic sample: skewness 0, excess kurtosis 0.5145 (by hand:
    # m2 = 2.2, m4 = 16.6 -> G2 from the unbiased estimator) -> inside the Cornish-Fisher domain
    x = np.tile([-3.0, -1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 3.0], 10)
    wide = np.concatenate([x, [40.0]])  # one huge outlier: kurtosis far outside the domain
    t = tail_table({"x": x, "wide": wide}, q=0.05)
    assert list(t.index) == ["x", "wide"]
    row = t.loc["x"]
    assert row["nobs"] == 100 and row["cf_valid"]
    assert row["skewness"] == pytest.approx(0.0, abs=1e-12)
    assert row["empirical_q"] == pytest.approx(float(np.quantile(x, 0.05)))
    sd = float(np.std(x, ddof=1))
    assert row["normal_q"] == pytest.approx(x.mean() + sd * stats.norm.ppf(0.05))
    z = cornish_fisher_quantile(0.05, row["skewness"], row["excess_kurtosis"])
    assert row["cornish_fisher_q"] == pytest.approx(x.mean() + sd * float(z))
    assert not t.loc["wide", "cf_valid"] and np.isnan(t.loc["wide", "cornish_fisher_q"])
    with pytest.raises(ValueError, match=r"q must be in \(0, 0.5\); got 0.5"):
        tail_table({"x": x}, q=0.5)


def test_rolling_moments_summary_matches_rolling_functions() -> None:
    from riskkit.moments import rolling_moments_summary

    rng = np.random.default_rng(7)
    idx = pd.date_range("2024-01-01", periods=300, freq="D")
    r = pd.Series(rng.standard_t(5, size=300) * 0.02, index=idx)
    out = rolling_moments_summary(r, 60)
    sk = rolling_skewness(r, 60).dropna()
    ku = rolling_excess_kurtosis(r, 60).dropna()
    assert out["windows"] == len(ku) == 241
    assert out["median_skewness"] == pytest.approx(float(sk.median()))
    assert out["max_excess_kurtosis"] == pytest.approx(float(ku.max()))
    assert 0.0 <= out["share_cf_valid"] <= 1.0
    assert out["share_cf_valid"] == pytest.approx(
        float(np.mean(cornish_fisher_is_monotone(sk, ku)))
    )


def test_moment_and_tail_tables_reject_samples_that_are_not_a_mapping() -> None:
    from riskkit.moments import tail_table

    with pytest.raises(TypeError, match=r"samples must be a mapping of label -> returns; got str"):
        moment_table("x")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"samples must be a mapping of label -> returns; got list \[0.5, 0.5\]"
    ):
        tail_table([0.5, 0.5])  # type: ignore[arg-type]
