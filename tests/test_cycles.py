"""Tests of riskkit.cycles: proxies, episodes, regimes, lead-lag and one-sided gaps.

Expected values are either planted in synthetic series (known size), computed by hand (see the
docstrings), or produced by statsmodels (0.15 in the dev environment) on the same inputs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit.cycles import (
    EPISODE_PRESETS,
    EpisodeTable,
    deleveraging_episodes,
    episode_stability,
    funding_annualised,
    funding_summary,
    gap_record,
    granger_causality,
    hamilton_filter,
    hp_filter_one_sided,
    margin_debt_gap,
    margin_debt_to_price,
    markov_regimes,
    open_interest_coin,
    open_interest_usd,
    regime_panel,
    var_lead_lag,
)
from riskkit.exceptions import DataQualityWarning, InsufficientDataError

MONTHS = pd.date_range("1997-01-01", periods=240, freq="MS")


def planted_margin_debt() -> tuple[pd.Series, pd.Series]:
    """Monthly debt with three planted unwinds (-50 %, -40 %, -30 %) and a price that falls
    with the first two only (the third is a deleveraging without a price drawdown)."""
    log_d = np.log(100.0) + 0.01 * np.arange(240)
    log_p = np.log(1000.0) + 0.005 * np.arange(240)
    # unwinds: (peak month, months to trough, fall) -- geometric decline, then flat
    for peak, length, fall in ((40, 10, 0.50), (110, 6, 0.40), (190, 8, 0.30)):
        path = np.linspace(0.0, np.log(1 - fall), length + 1)
        log_d[peak : peak + length + 1] = log_d[peak] + path
        log_d[peak + length + 1 :] += log_d[peak + length] - log_d[peak + length + 1] + 0.01
        if peak != 190:
            ppath = np.linspace(0.0, np.log(0.7), length + 1)
            log_p[peak : peak + length + 1] = log_p[peak] + ppath
            log_p[peak + length + 1 :] += log_p[peak + length] - log_p[peak + length + 1] + 0.005
    return (
        pd.Series(np.exp(log_d), MONTHS, name="debt"),
        pd.Series(np.exp(log_p), MONTHS, name="price"),
    )


# ------------------------------------------------------------------------------------------
# proxies
# ------------------------------------------------------------------------------------------
def test_open_interest_conversions_by_hand() -> None:
    # by hand: 2,000,000 USD / 50,000 USD per BTC = 40 BTC
    assert open_interest_coin(2_000_000.0, 50_000.0) == pytest.approx(40.0, rel=1e-15)
    assert open_interest_usd(40.0, 50_000.0) == pytest.approx(2_000_000.0, rel=1e-15)
    idx = pd.date_range("2024-01-01", periods=3, freq="D")
    usd = pd.Series([1e6, 2e6, np.nan], idx)
    out = open_interest_coin(usd, np.array([1e4, 4e4, 1e4]))
    assert isinstance(out, pd.Series) and out.index.equals(idx)
    assert out.name == "open_interest_coin"
    np.testing.assert_allclose(out.to_numpy()[:2], [100.0, 50.0], rtol=1e-15)
    assert np.isnan(out.iloc[2])
    # two Series: the price is read on the open interest's dates, missing dates give NaN
    px = pd.Series([4e4, 1e4], pd.DatetimeIndex(["2024-01-02", "2023-12-31"]))
    aligned = open_interest_coin(usd, px)
    assert aligned.index.equals(idx)
    np.testing.assert_allclose(aligned.to_numpy(), [np.nan, 50.0, np.nan], rtol=1e-15)


@given(st.floats(0, 1e12), st.floats(1e-3, 1e7))
def test_open_interest_round_trip(oi: float, price: float) -> None:
    assert open_interest_usd(open_interest_coin(oi, price), price) == pytest.approx(
        oi, rel=1e-12, abs=1e-9
    )


def test_open_interest_errors() -> None:
    with pytest.raises(ValueError, match=r"open_interest_usd must be in \[0, inf\)"):
        open_interest_coin(-1.0, 10.0)
    with pytest.raises(ValueError, match=r"price must be in \(0, inf\)"):
        open_interest_usd(1.0, 0.0)
    with pytest.raises(TypeError, match="price must be numeric"):
        open_interest_coin(1.0, "10")


def test_funding_annualised() -> None:
    # by hand: 0.01 % per 8 h * 3 prints a day * 365 = 10.95 % a year
    assert funding_annualised(0.0001) == pytest.approx(0.1095, rel=1e-12)
    # hourly funding (Hyperliquid): 0.00125 % per hour * 8760 = 10.95 %
    assert funding_annualised(0.0000125, interval_hours=1.0) == pytest.approx(0.1095, rel=1e-12)
    idx = pd.date_range("2024-01-01", periods=6, freq="8h")
    f = pd.Series([0.0001, 0.0003, 0.0002, 0.0, -0.0001, 0.0001], idx)
    # rolling mean over one day = 3 prints (time window of 24 h ends at each print, inclusive)
    out = funding_annualised(f, window="1D")
    expected = pd.Series(f.to_numpy() * 1095.0, idx).rolling("1D", min_periods=1).mean()
    np.testing.assert_allclose(out.to_numpy(), expected.to_numpy(), rtol=1e-12)
    assert out.iloc[2] == pytest.approx((0.0001 + 0.0003 + 0.0002) / 3 * 1095, rel=1e-12)
    by_count = funding_annualised(f.to_numpy(), window=2)
    assert by_count[1] == pytest.approx(0.0002 * 1095, rel=1e-12)
    with pytest.raises(ValueError, match=r"interval_hours must be in \(0, inf\)"):
        funding_annualised(0.0001, interval_hours=0.0)
    with pytest.raises(TypeError, match="needs a Series with a DatetimeIndex"):
        funding_annualised([0.0001, 0.0002], window="1D")


def test_margin_debt_to_price_aligns_and_checks() -> None:
    d = pd.Series([300.0, 200.0, 100.0], pd.date_range("2000-01-01", periods=3, freq="MS"))
    p = pd.Series([1500.0, 1000.0], pd.date_range("2000-02-01", periods=2, freq="MS"))
    out = margin_debt_to_price(d, p)
    # by hand: only the two common months; 200 / 1500 and 100 / 1000
    np.testing.assert_allclose(out.to_numpy(), [200 / 1500, 0.1], rtol=1e-15)
    assert list(out.index) == list(p.index)
    with pytest.raises(InsufficientDataError, match="share no date"):
        margin_debt_to_price(d, p.shift(10, freq="MS"))
    with pytest.raises(TypeError, match="price must be a pandas Series"):
        margin_debt_to_price(d, [1.0, 2.0])  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# deleveraging episodes
# ------------------------------------------------------------------------------------------
def test_episodes_find_planted_unwinds_exactly() -> None:
    debt, _price = planted_margin_debt()
    res = deleveraging_episodes(debt)
    tab = res.episodes
    assert len(tab) == 3
    # planted peaks at months 40, 110, 190 and troughs 10, 6, 8 months later
    assert list(tab["start"]) == [MONTHS[40], MONTHS[110], MONTHS[190]]
    assert list(tab["trough"]) == [MONTHS[50], MONTHS[116], MONTHS[198]]
    np.testing.assert_allclose(tab["depth"], [0.50, 0.40, 0.30], rtol=1e-12)
    assert list(tab["periods"]) == [10, 6, 8]
    assert tab["duration"].iloc[1] == MONTHS[116] - MONTHS[110]
    # after the trough the debt grows 1 % a month: it never regains half of the fall within
    # 365 days, so the episode ends by a stall 13 months after the trough
    assert list(tab["ended_by"]) == ["stall"] * 3
    assert list(tab["recovery_periods"]) == [13.0, 13.0, 13.0]
    assert tab["price_move"].isna().all()


def test_episodes_price_filter_drops_unwind_without_price_fall() -> None:
    debt, price = planted_margin_debt()
    res = deleveraging_episodes(debt, price)
    assert res.candidates == 3
    assert list(res.episodes["start"]) == [MONTHS[40], MONTHS[110]]
    # planted price path falls to 0.7 of its start over the unwind
    np.testing.assert_allclose(res.episodes["price_move"], [-0.3, -0.3], rtol=1e-12)
    np.testing.assert_allclose(res.episodes["price_drawdown"], [0.3, 0.3], rtol=1e-12)
    assert res.params["price_drop"] == EPISODE_PRESETS["margin_debt"]["price_drop"]
    kept = deleveraging_episodes(debt, price, price_drop=0.0)
    assert len(kept) == 3


def test_episode_end_by_recovery_by_hand() -> None:
    # by hand (docstring example): peak 120 (Mar), trough 70 (May); half the fall is 25, so the
    # episode ends at the first month >= 95: July (100)
    idx = pd.date_range("2000-01-31", periods=8, freq="ME")
    debt = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
    row = deleveraging_episodes(debt).episodes.iloc[0]
    assert (row["start"], row["trough"], row["end"]) == (idx[2], idx[4], idx[6])
    assert row["depth"] == pytest.approx(50 / 120, rel=1e-15)
    assert row["ended_by"] == "recovery"
    assert row["recovery_periods"] == 2.0
    # with recovery=1 it must regain the full 50 points: 110 < 120, still open at the end
    open_row = deleveraging_episodes(debt, recovery=1.0).episodes.iloc[0]
    assert pd.isna(open_row["end"]) and open_row["ended_by"] == "open"


def test_episode_window_in_periods_and_absolute_scale() -> None:
    # funding-like proxy with negative values: absolute falls of 0.5 within 3 periods
    x = pd.Series([0.1, 0.3, 0.2, -0.3, -0.2, 0.3, 0.4, 0.4, -0.2, 0.3])
    res = deleveraging_episodes(x, drop=0.5, window=3, scale="absolute", recovery=0.5)
    tab = res.episodes
    # by hand: first fall 0.3 -> -0.3 (positions 1 -> 3), ends at 5 (0.3 >= -0.3 + 0.3);
    # second 0.4 (position 7, last time at the high) -> -0.2 (8), ends at 9
    assert list(tab["start"]) == [1, 7]
    assert list(tab["trough"]) == [3, 8]
    assert list(tab["end"]) == [5, 9]
    np.testing.assert_allclose(tab["depth"], [0.6, 0.6], rtol=1e-12)
    with pytest.raises(ValueError, match=r"proxy must be in \(0, inf\)"):
        deleveraging_episodes(x, drop=0.5, window=3)


def test_episode_start_follows_higher_highs_back() -> None:
    # the high is 13 months before the trigger; the start is the cycle peak, not the
    # window's high (the FINRA 2007-07 peak is found this way)
    vals = [100.0] * 3 + [200.0] + [190.0] * 12 + [140.0, 120.0, 110.0, 130.0] + [200.0] * 4
    idx = pd.date_range("2005-01-01", periods=len(vals), freq="MS")
    tab = deleveraging_episodes(pd.Series(vals, idx)).episodes
    assert tab["start"].iloc[0] == idx[3]
    assert tab["depth"].iloc[0] == pytest.approx(1 - 110 / 200, rel=1e-15)


def test_episode_no_episode_and_empty_table_types() -> None:
    calm = pd.Series(np.linspace(100, 120, 50), pd.date_range("2000-01-01", periods=50, freq="MS"))
    res = deleveraging_episodes(calm)
    assert len(res) == 0 and res.candidates == 0
    assert list(res.episodes.columns)[:3] == ["start", "trough", "end"]
    assert res.episodes["start"].dtype.kind == "M"
    assert isinstance(res, EpisodeTable) and "0 deleveraging episodes" in res._repr_html_()


def test_episode_errors() -> None:
    debt, _price = planted_margin_debt()
    with pytest.raises(ValueError, match=r"drop must be in \(0, 1\); got 1.5"):
        deleveraging_episodes(debt, drop=1.5)
    with pytest.raises(ValueError, match=r"recovery must be in \(0, 1\]"):
        deleveraging_episodes(debt, recovery=0.0)
    with pytest.raises(ValueError, match="preset must be one of"):
        deleveraging_episodes(debt, preset="bonds")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="proxy must be finite"):
        deleveraging_episodes(debt.where(debt.index != MONTHS[5]))
    with pytest.raises(TypeError, match="proxy must be a pandas Series"):
        deleveraging_episodes(debt.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="needs a Series with a DatetimeIndex"):
        deleveraging_episodes(debt.reset_index(drop=True))
    with pytest.raises(ValueError, match="window must be a time length"):
        deleveraging_episodes(debt, window="soon")
    with pytest.raises(InsufficientDataError, match="at least 3 observations; got 2"):
        deleveraging_episodes(debt.iloc[:2])


def test_episode_price_not_covering_warns() -> None:
    debt, price = planted_margin_debt()
    with pytest.warns(DataQualityWarning, match="not covered by price"):
        res = deleveraging_episodes(debt, price.iloc[60:])
    assert list(res.episodes["start"]) == [MONTHS[110]]


def naive_first_trigger(x: np.ndarray, drop: float, window: int) -> int | None:
    for t in range(x.size):
        if x[t] <= (1 - drop) * x[max(0, t - window) : t + 1].max() * (1 + 1e-12):
            return t
    return None


def naive_episodes(
    x: np.ndarray, drop: float, w: int, rec: float
) -> list[tuple[int, int, int, str]]:
    """Reference detector: a direct loop over the definition in the docstring (slow)."""
    n, out, floor = x.size, [], 0

    def last_argmax(a: int, b: int) -> int:
        seg = x[a : b + 1]
        return a + seg.size - 1 - int(np.argmax(seg[::-1]))

    while floor < n - 1:
        first = next(
            (
                t
                for t in range(floor, n)
                if 1 - x[t] / x[max(t - w, floor) : t + 1].max() >= drop * (1 - 1e-12)
            ),
            None,
        )
        if first is None:
            break
        peak = last_argmax(max(first - w, floor), first)
        while x[cand := last_argmax(max(peak - w, floor), peak)] > x[peak]:
            peak = cand
        low, low_at, end, why = x[peak], peak, -1, "open"
        for j in range(peak + 1, n):
            if x[j] < low:
                low, low_at = x[j], j
            if j <= first:
                continue
            gain = x[j] - low
            if gain > 0 and gain >= rec * (x[peak] - low):
                end, why = j, "recovery"
                break
            if j > low_at + w:
                end, why = j, "stall"
                break
        if end < 0:
            out.append((peak, peak + int(np.argmin(x[peak:])), -1, "open"))
            break
        out.append((peak, low_at, end, why))
        floor = end
    return out


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.floats(-0.2, 0.2), min_size=3, max_size=300),
    st.integers(1, 40),
    st.floats(0.05, 0.5),
    st.floats(0.1, 1.0),
)
def test_episodes_equal_naive_reference(
    steps: list[float], window: int, drop: float, recovery: float
) -> None:
    x = 100.0 * np.exp(np.cumsum(steps))
    tab = deleveraging_episodes(pd.Series(x), drop=drop, window=window, recovery=recovery).episodes
    ends = tab["end"].astype(float).fillna(-1).astype(int).tolist()
    got = list(
        zip(
            tab["start"].tolist(),
            tab["trough"].tolist(),
            ends,
            tab["ended_by"].tolist(),
            strict=True,
        )
    )
    assert got == naive_episodes(x, drop, window, recovery)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-0.3, 0.3), min_size=3, max_size=80),
    st.integers(1, 10),
    st.floats(0.05, 0.6),
)
def test_episode_invariants(steps: list[float], window: int, drop: float) -> None:
    x = pd.Series(100.0 * np.exp(np.cumsum(steps)))
    tab = deleveraging_episodes(x, drop=drop, window=window).episodes
    first = naive_first_trigger(x.to_numpy(), drop, window)
    if first is None:
        assert len(tab) == 0
        return
    assert tab["start"].iloc[0] <= first <= tab["trough"].iloc[0]
    ends = tab["end"].fillna(len(x) - 1).astype(int).to_numpy()
    starts, troughs = tab["start"].to_numpy(), tab["trough"].to_numpy()
    assert (starts < troughs).all() and (troughs < ends + (tab["end"].isna().to_numpy())).all()
    assert (starts[1:] >= ends[:-1]).all()  # episodes never overlap
    assert (tab["depth"] >= drop * (1 - 1e-9)).all()
    np.testing.assert_allclose(tab["depth"], 1 - tab["trough_level"] / tab["peak_level"])
    xv = x.to_numpy()
    for s, t, e in zip(starts, troughs, ends, strict=True):
        assert xv[t] == xv[s : e + 1].min()


def test_episode_stability_planted() -> None:
    debt, price = planted_margin_debt()
    stab = episode_stability(debt, price)
    assert len(stab.grid) == 27  # 3 drops x 3 windows x 3 price drops
    # planted falls of 50 % and 40 % over <= 10 months are found by every grid point
    assert stab.share_found.tolist() == [1.0, 1.0]
    assert stab.summary()["share_found"].tolist() == [1.0, 1.0]
    assert "27 parameter sets" in stab._repr_html_()
    base = stab.tables[(0.25, pd.Timedelta("365D"), 0.15)]
    pd.testing.assert_frame_equal(base.episodes, stab.reference.episodes)
    # a 30 % unwind without price fall is found by no grid point with a price filter
    assert (stab.grid["n_episodes"] == 2).all()
    # base parameters passed through: the grid centres on them
    custom = episode_stability(debt, drop=0.35, window=12)
    assert sorted(set(custom.grid["drop"])) == pytest.approx([0.30, 0.35, 0.40])
    assert sorted(set(custom.grid["window"])) == [8, 12, 16]
    assert custom.share_found.tolist() == [1.0, 1.0]  # the 50 % and 40 % unwinds


def test_funding_preset_is_absolute() -> None:
    idx = pd.date_range("2021-01-01", periods=10, freq="D")
    funding = pd.Series([0.1, 0.5, 0.6, 0.2, -0.1, 0.0, 0.3, 0.4, 0.4, 0.4], idx)
    res = deleveraging_episodes(funding, preset="funding")
    # by hand: from the high 0.6 (Jan 3) down 0.7 per year to -0.1 (Jan 5); half of the fall
    # regained at 0.25: Jan 7 (0.3)
    assert res.params["scale"] == "absolute" and res.params["drop"] == 0.30
    row = res.episodes.iloc[0]
    assert (row["start"], row["trough"], row["end"]) == (idx[2], idx[4], idx[6])
    assert row["depth"] == pytest.approx(0.7, rel=1e-12)
    with pytest.raises(TypeError, match="both have time-zone-aware or both naive"):
        deleveraging_episodes(funding, funding.tz_localize("UTC") + 1.0, preset="funding")


# ------------------------------------------------------------------------------------------
# regimes
# ------------------------------------------------------------------------------------------
def simulate_two_regimes(n: int, seed: int, phi: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    s = np.zeros(n, dtype=int)
    stay = (0.95, 0.90)  # expected durations 20 and 10 periods
    for t in range(1, n):
        s[t] = s[t - 1] if rng.random() < stay[s[t - 1]] else 1 - s[t - 1]
    mu = np.where(s == 0, 0.0, 1.0)
    e = rng.normal(0.0, 0.3, n)
    y = np.empty(n)
    y[0] = mu[0] + e[0]
    for t in range(1, n):
        y[t] = mu[t] + phi * (y[t - 1] - mu[t - 1]) + e[t]
    return y, s


def test_markov_regimes_recovers_planted_regimes_and_matches_statsmodels() -> None:
    from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

    y, s = simulate_two_regimes(600, seed=3)
    idx = pd.date_range("2020-01-01", periods=600, freq="D")
    res = markov_regimes(pd.Series(y, idx, name="funding"))
    hi = res.high_regime
    # planted means 0 and 1, sigma 0.3 (variance 0.09), p00 = 0.95, p11 = 0.90
    assert res.regimes.loc[hi, "const"] == pytest.approx(1.0, abs=0.1)
    assert res.regimes.loc[1 - hi, "const"] == pytest.approx(0.0, abs=0.1)
    np.testing.assert_allclose(res.regimes["sigma2"], 0.09, rtol=0.25)
    # durations against the planted chain's realised stay frequencies in this sample
    for regime, label in ((1, hi), (0, 1 - hi)):
        prev = s[:-1] == regime
        stay = float((s[1:][prev] == regime).mean())
        assert res.regimes.loc[label, "expected_duration"] == pytest.approx(
            1 / (1 - stay), rel=0.15
        )
    assert (res.most_likely_regime.to_numpy() == (s == 1) if hi == 1 else s == 0).mean() > 0.97
    np.testing.assert_allclose(res.transition.sum(axis=1), 1.0, rtol=1e-12)
    np.testing.assert_allclose(
        res.regimes["expected_duration"], 1 / (1 - res.regimes["persistence"]), rtol=1e-10
    )
    assert res.smoothed_probabilities.index.equals(idx)
    # exact check: the same fit run directly in statsmodels
    direct = MarkovRegression(y, k_regimes=2, trend="c", switching_variance=True).fit(
        disp=False, search_reps=10, rng=0
    )
    np.testing.assert_allclose(np.asarray(res.model_result.params), direct.params, rtol=1e-8)
    assert res.llf == pytest.approx(direct.llf, rel=1e-12)
    np.testing.assert_allclose(
        res.smoothed_probabilities.to_numpy(), direct.smoothed_marginal_probabilities, atol=1e-10
    )
    assert res.nobs == 600 and list(res.to_frame().columns)[-1] == "regime"
    assert "<table" in res._repr_html_() and list(res.summary().columns)[:2] == ["const", "sigma2"]


def test_markov_autoregression_order_one() -> None:
    y, _s = simulate_two_regimes(400, seed=3, phi=0.5)
    res = markov_regimes(y, order=1, switching_variance=False)
    names = list(res.model_result.model.param_names)
    assert "ar.L1" in names
    ar = float(np.asarray(res.model_result.params)[names.index("ar.L1")])
    assert ar == pytest.approx(0.5, abs=0.1)  # planted AR coefficient 0.5
    assert res.regimes.loc[res.high_regime, "const"] == pytest.approx(1.0, abs=0.15)
    assert len(res.smoothed_probabilities) == 399  # one observation lost to the lag


def test_markov_regimes_order_by_variance_and_errors() -> None:
    rng = np.random.default_rng(5)
    y = np.r_[rng.normal(0, 0.01, 150), rng.normal(0, 0.05, 100), rng.normal(0, 0.01, 150)]
    res = markov_regimes(y, order_by="variance")
    assert res.regimes.loc[res.high_regime, "sigma2"] == pytest.approx(0.05**2, rel=0.35)
    with pytest.raises(ValueError, match="k_regimes must be >= 2; got 1"):
        markov_regimes(y, k_regimes=1)
    with pytest.raises(InsufficientDataError, match="at least 40 observations"):
        markov_regimes(y[:30])
    with pytest.raises(ValueError, match="order_by must be one of"):
        markov_regimes(y, order_by="skew")  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# lead-lag
# ------------------------------------------------------------------------------------------
def lead_lag_frame(n: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    funding = rng.normal(size=n)
    ret = np.r_[0.0, 0.6 * funding[:-1]] + rng.normal(size=n)  # funding leads returns by 1
    oi = rng.normal(size=n)  # unrelated
    return pd.DataFrame({"funding": funding, "returns": ret, "oi_change": oi})


def test_var_lead_lag_finds_planted_lead_and_matches_statsmodels() -> None:
    from statsmodels.tsa.api import VAR

    data = lead_lag_frame()
    res = var_lead_lag(data, maxlag=4, ic="bic")
    assert res.k_ar == 1  # BIC picks the planted single lag
    pv = res.pvalue_matrix
    rows, cols = list(pv.index), list(pv.columns)
    pvals = pv.to_numpy(dtype=float)
    assert pvals[rows.index("returns"), cols.index("funding")] < 1e-10
    assert pvals[rows.index("funding"), cols.index("returns")] > 0.01
    assert pvals[rows.index("returns"), cols.index("oi_change")] > 0.01
    # exact check against statsmodels on the same data
    direct = VAR(data).fit(1)
    np.testing.assert_allclose(
        res.model_result.params.to_numpy(), direct.params.to_numpy(), rtol=1e-12
    )
    t = direct.test_causality("returns", ["funding"], kind="f")
    row = res.granger.query("caused == 'returns' and causing == 'funding'").iloc[0]
    assert row["test_statistic"] == pytest.approx(t.test_statistic, rel=1e-12)
    assert (row["df_num"], row["df_denom"]) == tuple(t.df)
    # planted coefficient 0.6 on lagged funding in the returns equation
    assert direct.params.loc["L1.funding", "returns"] == pytest.approx(0.6, abs=0.1)
    assert len(res.granger) == 6 and res.nobs == 499
    assert "VAR(1)" in res._repr_html_() and res.summary().shape == (6, 7)


def test_var_lead_lag_errors() -> None:
    data = lead_lag_frame(30)
    with pytest.raises(TypeError, match="data must be a pandas DataFrame"):
        var_lead_lag(data.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least 2 columns; got 1"):
        var_lead_lag(data[["funding"]])
    with pytest.raises(InsufficientDataError, match="needs at least"):
        var_lead_lag(data.iloc[:10], maxlag=4)
    with pytest.raises(ValueError, match="data must be finite"):
        var_lead_lag(data.where(data > -5).assign(funding=np.nan))


def test_granger_causality_matches_statsmodels_and_hand_ols() -> None:
    from statsmodels.tsa.stattools import grangercausalitytests

    data = lead_lag_frame(300, seed=1)
    caused, causing = data["returns"], data["funding"]
    res = granger_causality(caused, causing, maxlag=2)
    direct = grangercausalitytests(data[["returns", "funding"]].to_numpy(), maxlag=2)
    for lag in (1, 2):
        f, p, _dfd, _dfn = direct[lag][0]["ssr_ftest"]
        assert res.table.loc[lag, "F"] == pytest.approx(f, rel=1e-12)
        assert res.table.loc[lag, "pvalue"] == pytest.approx(p, rel=1e-10)
    # by hand, lag 1: F = ((SSR_r - SSR_u) / 1) / (SSR_u / (T - 3)), OLS with a constant
    y, x = caused.to_numpy(), causing.to_numpy()
    yt, ylag, xlag = y[1:], y[:-1], x[:-1]
    ones = np.ones_like(yt)

    def ssr(X: np.ndarray) -> float:
        beta = np.linalg.lstsq(X, yt, rcond=None)[0]
        return float(((yt - X @ beta) ** 2).sum())

    ssr_r = ssr(np.column_stack([ones, ylag]))
    ssr_u = ssr(np.column_stack([ones, ylag, xlag]))
    f_hand = (ssr_r - ssr_u) / (ssr_u / (yt.size - 3))
    assert res.table.loc[1, "F"] == pytest.approx(f_hand, rel=1e-10)
    assert res.caused == "returns" and res.causing == "funding"
    assert "<table" in res._repr_html_() and res.summary().index.name == "lag"
    with pytest.raises(InsufficientDataError, match="at least 8 common observations"):
        granger_causality(caused.iloc[:5], causing, maxlag=2)


# ------------------------------------------------------------------------------------------
# gaps
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lamb", [1600.0, 129_600.0, 400_000.0 * 81])
def test_hp_one_sided_equals_last_point_of_statsmodels_two_sided(lamb: float) -> None:
    from statsmodels.tsa.filters.hp_filter import hpfilter

    rng = np.random.default_rng(7)
    x = np.cumsum(rng.normal(size=120)) + 0.05 * np.arange(120)
    cycle, trend = hp_filter_one_sided(x, lamb)
    for t in (2, 3, 10, 60, 119):
        two_sided_trend = hpfilter(x[: t + 1], lamb)[1]
        assert trend[t] == pytest.approx(two_sided_trend[-1], rel=1e-7, abs=1e-7)
    # the last point of the one-sided filter is the last point of the two-sided one
    c2, _ = hpfilter(x, lamb)
    assert cycle[-1] == pytest.approx(c2[-1], rel=1e-7, abs=1e-7)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=5, max_size=60), st.integers(1, 30))
def test_hp_one_sided_is_one_sided(steps: list[float], extra: int) -> None:
    x = np.cumsum(steps)
    more = np.r_[x, x[-1] + np.cumsum(np.linspace(-3, 5, extra))]
    c1, _ = hp_filter_one_sided(x, 1600.0)
    c2, _ = hp_filter_one_sided(more, 1600.0)
    np.testing.assert_array_equal(c1, c2[: x.size])  # future data never changes the past


def test_hp_one_sided_linear_and_series_and_errors() -> None:
    s = pd.Series(
        3.0 + 2.0 * np.arange(20), pd.date_range("2000-01-01", periods=20, freq="MS"), name="d"
    )
    cycle, trend = hp_filter_one_sided(s, 1e5)
    np.testing.assert_allclose(cycle, 0.0, atol=1e-9)  # a line has no cycle (by hand)
    assert cycle.name == "d_cycle" and trend.index.equals(s.index)
    with pytest.raises(ValueError, match=r"lamb must be in \(0, inf\); got -1.0"):
        hp_filter_one_sided(s, -1.0)
    with pytest.raises(InsufficientDataError, match="at least 3 observations; got 2"):
        hp_filter_one_sided([1.0, 2.0])


def test_hamilton_filter_matches_statsmodels_and_real_time_is_one_sided() -> None:
    rng = np.random.default_rng(11)
    x = np.cumsum(rng.normal(size=200))
    cycle, trend = hamilton_filter(x, h=8, p=4)
    assert np.isnan(cycle[:11]).all() and np.isfinite(cycle[11:]).all()
    try:
        from statsmodels.tsa.filters.hamilton_filter import hamilton_filter as sm_hamilton
    except ImportError:  # statsmodels < 0.15 has no Hamilton filter
        sm_hamilton = None
    if sm_hamilton is not None:
        ref = sm_hamilton(x, h=8, p=4)
        np.testing.assert_allclose(cycle[11:], np.asarray(ref.cycle)[11:], rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose((cycle + trend)[11:], x[11:], rtol=1e-12)
    rt, _ = hamilton_filter(x, h=8, p=4, real_time=True)
    # the real-time gap at t is the full-sample filter run on data up to t, last point
    for t in (40, 100, 199):
        full_t, _ = hamilton_filter(x[: t + 1], h=8, p=4)
        assert rt[t] == pytest.approx(full_t[-1], rel=1e-7, abs=1e-9)
    rt2, _ = hamilton_filter(x[:150], h=8, p=4, real_time=True)
    np.testing.assert_allclose(rt2, rt[:150], rtol=1e-9, equal_nan=True)
    # default min_nobs = 2 (p + 1) = 10 regression rows: first gap at position 11 + 9 = 20
    assert np.isnan(rt[:20]).all() and np.isfinite(rt[20])
    with pytest.raises(InsufficientDataError, match="2\\*p \\+ h = 16 observations; got 10"):
        hamilton_filter(x[:10], h=8, p=4)


def test_margin_debt_gap_is_log_gap() -> None:
    debt, _ = planted_margin_debt()
    gap = margin_debt_gap(debt)
    cycle, _ = hp_filter_one_sided(np.log(debt.to_numpy()), 400_000.0 * 81)
    np.testing.assert_allclose(gap.to_numpy(), cycle, rtol=1e-12, atol=1e-14)
    assert gap.name == "margin_debt_gap" and gap.index.equals(debt.index)
    ham = margin_debt_gap(debt, method="hamilton")
    ref, _ = hamilton_filter(np.log(debt.to_numpy()), 24, 12, real_time=True)
    np.testing.assert_allclose(ham.to_numpy(), ref, rtol=1e-12, equal_nan=True)
    burnt = margin_debt_gap(debt, burn_in=36)
    assert burnt.iloc[:36].isna().all()
    np.testing.assert_array_equal(burnt.iloc[36:].to_numpy(), gap.iloc[36:].to_numpy())
    with pytest.raises(ValueError, match="method must be one of"):
        margin_debt_gap(debt, method="bk")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="burn_in must be >= 0; got -1"):
        margin_debt_gap(debt, burn_in=-1)


def test_gap_record_by_hand() -> None:
    idx = pd.date_range("2000-01-01", periods=12, freq="MS")
    price = pd.Series([100.0, 110, 120, 80, 70, 90, 100, 110, 120, 130, 140, 150], idx)
    gap = pd.Series([0.0, 0.1, 0.2, 0.0, -0.1, -0.1, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0], idx)
    rec = gap_record(gap, price, window=3, horizon=2, thresholds=[0.05])
    # one drawdown: start Mar (120), trough May (70): depth 50/120
    dd = rec.drawdowns
    assert list(dd["start"]) == [idx[2]] and list(dd["trough"]) == [idx[4]]
    assert dd["gap_at_start"].iloc[0] == pytest.approx(0.2)
    assert dd["gap_max_before"].iloc[0] == pytest.approx(0.2)
    # by hand: evaluation dates exclude Mar-May; target = drawdown start within 2 months:
    # Jan, Feb. Signals (gap > 0.05): Feb (hit) and Aug (false alarm) -> TP 1, FP 1, FN 1,
    # TN 6; hit rate 1/2, false-alarm rate 1/7, noise-to-signal (1/7) / (1/2)
    row = rec.signals.iloc[0]
    assert row["signals"] == 2
    assert row["hit_rate"] == pytest.approx(0.5)
    assert row["false_alarm_rate"] == pytest.approx(1 / 7)
    assert row["noise_to_signal"] == pytest.approx(2 / 7)
    assert row["captured"] == 1.0
    # AUC by hand: positives Jan (0.0), Feb (0.1); negatives Jun..Dec (-0.1,0,0.3,0,0,0,0)
    # pairs won: Jan beats -0.1 (1) and ties five 0.0 (2.5) = 3.5; Feb beats 6 = 6 -> 9.5 / 14
    assert rec.auc == pytest.approx(9.5 / 14, rel=1e-12)
    assert "auc" in rec.summary().columns
    assert "AUC 0.679" in rec._repr_html_()


def test_gap_record_planted_signal() -> None:
    _debt, price = planted_margin_debt()
    gap = pd.Series(0.0, MONTHS)
    for peak in (40, 110):  # the gap is high in the 11 months before each price peak
        gap.iloc[peak - 11 : peak] = 1.0
    rec = gap_record(gap, price, drop=0.2, horizon="365D", thresholds=[0.5])
    assert len(rec.drawdowns) == 2
    assert rec.signals["captured"].iloc[0] == 1.0
    assert rec.signals["hit_rate"].iloc[0] == 1.0
    assert rec.auc > 0.95
    # a gap missing before the first drawdown: that drawdown is not scored, not "missed"
    late = gap_record(
        gap.where(gap.index >= MONTHS[60]), price, drop=0.2, horizon="365D", thresholds=[0.5]
    )
    assert late.signals["captured"].iloc[0] == 1.0
    assert np.isnan(late.drawdowns["gap_max_before"].iloc[0])
    with pytest.raises(TypeError, match="gap must be a pandas Series"):
        gap_record(gap.to_numpy(), price)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# event matching and charts
# ------------------------------------------------------------------------------------------
def test_match_events_planted() -> None:
    debt, _price = planted_margin_debt()
    res = deleveraging_episodes(debt)
    events = pd.DataFrame(
        {
            "name": ["inside first", "inside third", "between", "before data"],
            "start": [MONTHS[45], MONTHS[195], MONTHS[150], pd.Timestamp("1990-01-01")],
        },
        index=["a", "b", "c", "d"],
    )
    out = res.match_events(events)
    assert list(out["found"]) == [True, True, False, False]
    assert list(out["covered"]) == [True, True, True, False]
    assert list(out["episode"]) == [0, 2, -1, -1]
    assert out.loc["b", "episode_start"] == MONTHS[190]
    assert out.loc["a", "depth"] == pytest.approx(0.5, rel=1e-12)
    assert out.loc["a", "name"] == "inside first"
    # tz-aware catalogue against a naive index: compared in UTC
    utc = events.assign(start=pd.DatetimeIndex(events["start"]).tz_localize("UTC"))
    assert list(res.match_events(utc)["found"]) == [True, True, False, False]
    with pytest.raises(ValueError, match="events must have a 'start' column"):
        res.match_events(events.rename(columns={"start": "date"}))


def test_charts_are_altair_specs() -> None:
    pytest.importorskip("altair")
    debt, price = planted_margin_debt()
    spec = deleveraging_episodes(debt, price).chart(y_title="debt (USD m)").to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rect", "line"]
    assert spec["layer"][1]["encoding"]["y"]["title"] == "debt (USD m)"
    assert spec["width"] <= 520
    assert spec["layer"][1]["title"] == "2 deleveraging episodes"
    y, _s = simulate_two_regimes(200, seed=1)
    reg = markov_regimes(pd.Series(y, pd.date_range("2020-01-01", periods=200, freq="D")))
    rspec = reg.chart().to_dict()
    assert rspec["mark"]["type"] == "area" and rspec["width"] <= 520
    gap = margin_debt_gap(debt)
    gspec = gap_record(gap, price, drop=0.2).chart().to_dict()
    assert gspec["layer"][1]["encoding"]["y"]["title"] == "gap (log points)"


def test_regime_panel_resamples_and_checks_index() -> None:
    pytest.importorskip("altair")
    y, _s = simulate_two_regimes(200, seed=1)
    idx = pd.date_range("2020-01-01", periods=200, freq="D")
    series = pd.Series(y, idx, name="funding")
    reg = markov_regimes(series, search_reps=0)
    spec = regime_panel(series, reg, title="t", y_title="fraction per year").to_dict()
    top, bottom = spec["vconcat"]
    assert top["encoding"]["y"]["title"] == "fraction per year"
    assert bottom["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert top["width"] <= 520 and bottom["width"] <= 520
    # weekly: 200 days span 29 calendar weeks (2020-01-05 .. 2020-07-19 week ends)
    data = spec["datasets"]
    sizes = sorted(len(v) for v in data.values())
    assert sizes == [29, 29]
    assert "format" not in top["encoding"]["x"].get("axis", {})  # 200 days: default labels
    long_idx = pd.date_range("2020-01-01", periods=200, freq="7D")
    long_reg = markov_regimes(pd.Series(y, long_idx), search_reps=0)
    long_spec = regime_panel(pd.Series(y, long_idx), long_reg, title="t", y_title="y").to_dict()
    assert long_spec["vconcat"][1]["encoding"]["x"]["axis"]["format"] == "%Y"  # 3.8 years
    full = regime_panel(series, reg, freq=None, title="t", y_title="y").to_dict()
    assert sorted(len(v) for v in full["datasets"].values()) == [200, 200]
    with pytest.raises(TypeError, match="DatetimeIndex"):
        regime_panel(pd.Series(y, name="y"), reg, title="t", y_title="y")


def test_episode_to_display_by_hand() -> None:
    # toy open interest: peak 120 on day 2, trough 70 on day 4 (depth 1 - 70/120 = 41.7 %),
    # regains half the fall (95) on day 6; the price falls 20 % from day 2 to day 4
    idx = pd.date_range("2024-01-01", periods=8, freq="D", tz="UTC")
    oi = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
    price = pd.Series([10.0, 10, 10, 9, 8, 8, 9, 9], idx)
    shown = deleveraging_episodes(oi, price, preset="crypto").to_display()
    assert shown.loc[0].tolist() == [
        "2024-01-03",
        "2024-01-05",
        "2024-01-07",
        "42%",
        "2",
        "-20%",
        "20%",
    ]
    tail = oi.copy()
    tail.iloc[5:] = [60.0, 55.0, 50.0]  # never recovers: the episode is still open
    assert deleveraging_episodes(tail, preset="crypto").to_display().loc[0, "end"] == "open"
    assert (
        deleveraging_episodes(oi, preset="crypto").to_display(depth_format="{:.3f}").loc[0, "depth"]
        == "0.417"
    )
    with pytest.raises(TypeError, match="DatetimeIndex"):
        deleveraging_episodes(oi.reset_index(drop=True), window=3).to_display()


# ------------------------------------------------------------------------------------------
# helpers on results: episode window statistics, event shares, regime profiles and spells
# ------------------------------------------------------------------------------------------
def test_funding_summary_by_hand() -> None:
    idx = pd.date_range("2024-01-01", periods=5, freq="D")
    a = pd.Series([0.1, 0.5, -0.2, 0.2, np.nan], idx)
    b = pd.Series([0.4, 0.4, 0.4, 0.4, 0.4], idx)
    out = funding_summary({"a": a, "b": b}, high=0.30)
    # by hand: a without its NaN is 0.1, 0.5, -0.2, 0.2 -> median 0.15, one of four above 0.30,
    # one of four below 0, max 0.5 on 2024-01-02, min -0.2 on 2024-01-03
    assert out.loc["a", "median"] == pytest.approx(0.15, abs=1e-15)
    assert out.loc["a", "share_high"] == 0.25 and out.loc["a", "share_negative"] == 0.25
    assert out.loc["a", "max_at"] == idx[1] and out.loc["a", "min_at"] == idx[2]
    assert out.loc["b", "share_high"] == 1.0 and out.loc["b", "share_negative"] == 0.0
    assert list(out.index) == ["a", "b"]
    assert funding_summary(pd.DataFrame({"a": a})).loc["a", "max"] == 0.5
    with pytest.raises(InsufficientDataError, match="'empty' has no observations"):
        funding_summary({"empty": pd.Series([np.nan], idx[:1])})


def test_episode_window_stats_by_hand() -> None:
    debt, _price = planted_margin_debt()
    res = deleveraging_episodes(debt)
    other = pd.Series(np.arange(len(MONTHS), dtype=float) + 1.0, MONTHS)
    out = res.window_stats(other)
    tab = res.episodes
    assert len(out) == len(tab) and out.index.equals(tab.index)
    for k, row in out.iterrows():
        a = MONTHS.get_loc(tab.loc[k, "start"]) + 1.0  # the series is position + 1
        b = MONTHS.get_loc(tab.loc[k, "trough"]) + 1.0
        assert (row["at_start"], row["at_trough"]) == (a, b)
        assert row["change"] == pytest.approx(b / a - 1, rel=1e-15)
        assert (row["min"], row["max"]) == (a, b)  # increasing series
    # a series that misses the dates gives NaN, not an error
    assert out.shape == res.window_stats(other.iloc[:1]).shape
    assert res.window_stats(other.iloc[:1])["at_trough"].isna().all()


def test_episode_stability_event_share() -> None:
    debt, price = planted_margin_debt()
    stab = episode_stability(debt, price)
    events = pd.DataFrame({"start": [MONTHS[45], MONTHS[150], pd.Timestamp("1980-01-01")]})
    share = stab.event_share(events)
    # the planted unwinds are found at every grid point; no episode between them or before data
    assert share.tolist() == [1.0, 0.0, 0.0]
    by_hand = np.mean([t.match_events(events)["found"].iloc[0] for t in stab.tables.values()])
    assert share.iloc[0] == by_hand


def test_regime_profile_in_regime_and_spells() -> None:
    rng = np.random.default_rng(0)
    idx = pd.date_range("2020-01-01", periods=500, freq="D")
    # planted: high regime (mean 1) on days 200..299 and 420..429, low regime (mean 0) elsewhere
    mu = np.zeros(500)
    mu[200:300] = 1.0
    mu[420:430] = 1.0
    y = pd.Series(mu + rng.normal(0, 0.1, 500), idx)
    res = markov_regimes(y)
    prof = res.profile()
    assert list(prof.index) == ["low", "high"]
    assert prof.loc["high", "mean"] == pytest.approx(1.0, abs=0.05)
    assert prof.loc["low", "sd"] == pytest.approx(0.1, rel=0.15)
    assert prof["share"].sum() == pytest.approx(1.0, rel=1e-12)
    assert prof.loc["high", "share"] == pytest.approx(110 / 500, abs=0.01)
    on = res.in_regime()
    assert on.index.equals(idx) and int(on.sum()) == 110
    spells = res.spells(y)
    assert spells[["start", "end"]].to_numpy().tolist() == [
        [idx[200], idx[299]],
        [idx[420], idx[429]],
    ]
    assert spells["periods"].tolist() == [100, 10]
    assert spells.loc[0, "mean"] == pytest.approx(y.iloc[200:300].mean(), rel=1e-12)
    assert res.spells(min_periods=14)["periods"].tolist() == [100]
    assert "mean" not in res.spells().columns
    low = res.spells(regime=1 - res.high_regime)  # the complement: three low spells
    assert low["periods"].sum() == 390 and len(low) == 3
    with pytest.raises(ValueError, match=r"regime must be in 0\.\.1; got 5"):
        res.in_regime(5)
    with pytest.raises(ValueError, match="threshold"):
        res.in_regime(threshold=1.0)


def test_markov_regime_whose_variance_collapses_is_flagged() -> None:
    # 40 % of the prints sit exactly at one value (funding pinned at a venue's default rate):
    # the ML fit puts a regime on it with a variance of ~0, on the boundary.
    import warnings

    from riskkit.exceptions import BoundaryEstimateWarning

    rng = np.random.default_rng(1)
    y = np.where(rng.random(600) < 0.4, 0.1095, rng.normal(0.2, 0.1, 600))
    with pytest.warns(BoundaryEstimateWarning, match=r"regime\(s\) \[1\] collapsed to about zero"):
        res = markov_regimes(y, seed=0, search_reps=2)
    assert res.collapsed_regimes == (1,) and res.at_boundary
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        interior = markov_regimes(rng.normal(0.0, 1.0, 300), seed=0)
    assert interior.collapsed_regimes == () and not interior.at_boundary


def test_gap_record_duplicated_index() -> None:
    import riskkit.cycles as cy

    idx = pd.date_range("2000-01-01", periods=8, freq="MS")
    price = pd.Series([100.0, 110, 120, 80, 70, 90, 100, 110], idx)
    gap = pd.Series(0.1, idx.append(idx[:1]))
    with pytest.raises(
        ValueError, match=r"gap must be in increasing time order with unique labels"
    ):
        cy.gap_record(gap, price, window=3, horizon=2)


def test_gap_record_tz_mismatch() -> None:
    import riskkit.cycles as cy

    idx = pd.date_range("2000-01-01", periods=8, freq="MS")
    price = pd.Series([100.0, 110, 120, 80, 70, 90, 100, 110], idx.tz_localize("UTC"))
    with pytest.raises(
        ValueError,
        match=r"gap.index is tz-naive but price.index is tz-aware \(UTC\).*"
        r"gap.index.tz_localize\('UTC'\)",
    ):
        cy.gap_record(pd.Series(0.1, idx), price, window=3, horizon=2)


def test_granger_and_markov_on_a_constant_series() -> None:
    import riskkit.cycles as cy

    idx = pd.date_range("2020-01-01", periods=200, freq="D")
    x = pd.Series(np.sin(np.arange(200.0)), idx)
    with pytest.raises(
        ValueError,
        match=r"caused must vary over the common sample; got a constant series \(1 at all 200",
    ):
        cy.granger_causality(pd.Series(1.0, idx), x)
    with pytest.raises(
        ValueError, match=r"x must vary to have regimes; got a constant series \(1 at all 200"
    ):
        cy.markov_regimes(pd.Series(1.0, idx))


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread
# --------------------------------------------------------------------------------------------
def test_margin_debt_gap_rejects_reversed_time() -> None:
    debt, _ = planted_margin_debt()
    with pytest.raises(ValueError, match=r"margin_debt must be in increasing time order"):
        margin_debt_gap(debt.iloc[::-1])


def test_open_interest_rejects_none_and_bool() -> None:
    with pytest.raises(TypeError, match="open_interest_coin must be numeric; got NoneType"):
        open_interest_usd(None, 5e4)
    with pytest.raises(TypeError, match="price must be numeric"):
        open_interest_usd(40.0, True)
    assert open_interest_usd(40.0, 5e4) == 2e6


def test_granger_causality_same_series_and_perfect_fit_are_value_errors() -> None:
    idx = pd.date_range("2024-01-01", periods=40, freq="D", tz="UTC")
    sine = pd.Series(100.0 + np.sin(np.arange(40.0)), idx)  # an exact AR(2): a perfect fit
    noise = pd.Series(np.random.default_rng(0).normal(size=40), idx)
    with pytest.raises(ValueError, match=r"caused and causing must be different series"):
        granger_causality(noise, noise, maxlag=2)
    with pytest.raises(ValueError, match=r"caused is predicted exactly .* at maxlag=2"):
        granger_causality(sine, noise, maxlag=2)


def test_regime_panel_rejects_a_non_result_and_mixed_time_zones() -> None:
    pytest.importorskip("altair")
    y, _s = simulate_two_regimes(200, seed=1)
    idx = pd.date_range("2020-01-01", periods=200, freq="D")
    series = pd.Series(y, idx, name="funding")
    with pytest.raises(
        TypeError, match=r"result must be a RegimeResult \(from markov_regimes\); got list \[\]"
    ):
        regime_panel(series, [], title="t", y_title="y")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"series must be a pandas Series; got list \[1\]"):
        regime_panel([1], [], title="t", y_title="y")  # type: ignore[arg-type]
    reg = markov_regimes(series, search_reps=0)
    with pytest.raises(ValueError, match=r"is tz-naive but series.index is tz-aware \(UTC\)"):
        regime_panel(series.tz_localize("UTC"), reg, title="t", y_title="y")


def test_tz_naive_and_tz_aware_inputs_are_a_value_error() -> None:
    idx = pd.date_range("2024-01-01", periods=60, freq="D", tz="UTC")
    aware = pd.Series(100.0 + np.random.default_rng(0).normal(size=60).cumsum() ** 2, idx)
    naive = aware.tz_localize(None)
    match = r"price.index is tz-naive but .* is tz-aware \(UTC\)"
    with pytest.raises(ValueError, match=match):
        margin_debt_to_price(aware, naive)
    with pytest.raises(ValueError, match=match):
        open_interest_coin(aware, naive)
    with pytest.raises(ValueError, match=r"causing.index is tz-naive but caused.index is tz"):
        granger_causality(aware.pct_change(), naive.pct_change())
