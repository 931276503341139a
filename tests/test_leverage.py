"""Tests for riskkit.leverage: leveraged paths, drag, Kelly, vol targeting, funding carry."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from riskkit.exceptions import InsufficientDataError
from riskkit.leverage import (
    chart_leverage_growth,
    cumulative_funding,
    empirical_kelly_leverage,
    funding_carry,
    funding_carry_table,
    funding_liquidation_time,
    kelly_leverage,
    leverage_growth_table,
    leveraged_equity,
    leveraged_growth_rate,
    leveraged_returns,
    vol_target_leverage,
    volatility_drag,
)

returns_lists = st.lists(
    st.floats(-0.3, 0.3, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
)


# -------------------------------------------------------------------------------------------
# paths
# -------------------------------------------------------------------------------------------


def test_leveraged_returns_by_hand():
    # by hand: 3x of +10 % / -10 % = +30 % / -30 %; short flips the sign; funding 1 % per bar
    # costs a 3x long 3 %
    np.testing.assert_allclose(leveraged_returns([0.1, -0.1], 3.0), [0.3, -0.3])
    np.testing.assert_allclose(leveraged_returns([0.1, -0.1], 3.0, side="short"), [-0.3, 0.3])
    np.testing.assert_allclose(leveraged_returns([0.1], 3.0, funding_rate=0.01), [0.27])
    # a -50 % bar at 3x wipes the equity: -1 on that bar, NaN (undefined) afterwards
    from riskkit import RuinWarning

    with pytest.warns(RuinWarning, match="position 1"):
        out = leveraged_returns([0.01, -0.5, 0.2], 3.0)
    np.testing.assert_allclose(out, [0.03, -1.0, np.nan])


def test_leveraged_returns_shapes_and_index():
    idx = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC")
    r = pd.Series([0.01, -0.02, 0.03], index=idx, name="BTC")
    out = leveraged_returns(r, 2.0)
    assert isinstance(out, pd.Series) and out.index.equals(idx) and out.name == "BTC"
    frame = leveraged_returns(r, [1.0, 5.0])
    assert list(frame.columns) == [1.0, 5.0] and frame.columns.name == "leverage"
    np.testing.assert_allclose(frame[5.0].to_numpy(), 5 * r.to_numpy())


@settings(max_examples=100, deadline=None)
@given(returns_lists, st.sampled_from([0.5, 1.0, 2.0, 3.0, 10.0]))
def test_fixed_size_equity_is_linear_in_price(rs, lev):
    # no funding: V_t = 1 + L (P_t/P_0 - 1) until the first V <= 0, then 0 (by hand, docstring)
    r = np.array(rs)
    price = np.cumprod(1 + r)
    expected = 1 + lev * (price - 1)
    dead = np.cumsum(expected <= 0) > 0
    expected[dead] = 0.0
    np.testing.assert_allclose(
        leveraged_equity(r, lev, rebalance=False), expected, rtol=1e-12, atol=1e-12
    )


@settings(max_examples=100, deadline=None)
@given(returns_lists, st.sampled_from([1.0, 2.0, 3.0]))
def test_rebalanced_equity_is_compounded_leveraged_returns(rs, lev):
    r = np.array(rs)
    eq = leveraged_equity(r, lev)
    np.testing.assert_allclose(eq, np.cumprod(np.maximum(1 + lev * r, 0.0)), rtol=1e-12)
    if lev == 1.0:
        np.testing.assert_allclose(eq, leveraged_equity(r, 1.0, rebalance=False), rtol=1e-12)


def test_fixed_size_funding_is_paid_on_current_notional():
    # by hand: 2x long, price +10 % then flat; funding 1 % per bar on notional 2 x P_{t-1}/P_0:
    # bar 1 pays 2 x 0.01 x 1.0 = 0.02, bar 2 pays 2 x 0.01 x 1.1 = 0.022
    eq = leveraged_equity([0.1, 0.0], 2.0, rebalance=False, funding_rate=0.01)
    np.testing.assert_allclose(eq, [1.2 - 0.02, 1.2 - 0.042])


def test_volatility_drag_matches_discrete_binomial_limit():
    # E ln(1 + L r) per unit time for r = mu dt +- sigma sqrt(dt) tends to L mu - L^2 sigma^2/2
    mu, sigma, dt = 0.3, 0.8, 1e-7
    for lev in (1.0, 3.0, 10.0):
        up = math.log1p(lev * (mu * dt + sigma * math.sqrt(dt)))
        dn = math.log1p(lev * (mu * dt - sigma * math.sqrt(dt)))
        g = 0.5 * (up + dn) / dt
        assert g == pytest.approx(leveraged_growth_rate(mu, sigma, lev), rel=1e-3, abs=1e-3)
        assert lev * mu - g == pytest.approx(volatility_drag(sigma, lev), rel=1e-3)


def test_kelly_is_the_growth_maximiser_and_half_kelly_keeps_75_percent():
    mu, sigma, f = 0.6, 0.75, 0.1
    best = optimize.minimize_scalar(
        lambda L: -leveraged_growth_rate(mu, sigma, L, funding_rate=f),
        bounds=(0.01, 10),
        method="bounded",
        options={"xatol": 1e-10},
    ).x
    assert kelly_leverage(mu, sigma, funding_rate=f) == pytest.approx(best, rel=1e-6)
    g_full = leveraged_growth_rate(mu, sigma, kelly_leverage(mu, sigma, funding_rate=f),
                                   funding_rate=f)  # fmt: skip
    g_half = leveraged_growth_rate(
        mu, sigma, kelly_leverage(mu, sigma, funding_rate=f, fraction=0.5), funding_rate=f
    )
    # by hand: g(cL*) = c (1 - c/2) (mu - f)^2 / sigma^2, so half Kelly keeps 0.75
    assert g_half / g_full == pytest.approx(0.75, rel=1e-12)
    # growth turns negative beyond twice Kelly
    assert leveraged_growth_rate(mu, sigma, 2.01 * best, funding_rate=f) < 0


def test_empirical_kelly_by_hand_and_brute_force():
    # by hand: +-10 % with p = 0.6 -> Kelly fraction 2p - 1 = 0.2 of equity per 10 % move -> 2x
    assert empirical_kelly_leverage([0.1] * 6 + [-0.1] * 4) == pytest.approx(2.0, abs=1e-9)
    assert empirical_kelly_leverage([0.1] * 6 + [-0.1] * 4, fraction=0.5) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    r = 0.001 + 0.02 * rng.standard_t(4, 2000) / math.sqrt(2)
    lev = empirical_kelly_leverage(r)
    grid = np.linspace(lev - 0.5, lev + 0.5, 20001)
    grid = grid[(1 + np.outer(grid, r) > 0).all(axis=1)]
    growth = np.log1p(np.outer(grid, r)).mean(axis=1)
    assert lev == pytest.approx(grid[np.argmax(growth)], abs=1e-4)
    with pytest.raises(ValueError, match="excess returns of both signs"):
        empirical_kelly_leverage([0.01, 0.02])
    with pytest.raises(InsufficientDataError, match="needs >= 2 returns; got 1"):
        empirical_kelly_leverage([0.01])


# -------------------------------------------------------------------------------------------
# vol targeting
# -------------------------------------------------------------------------------------------


def test_vol_target_uses_only_past_returns():
    rng = np.random.default_rng(1)
    r = pd.Series(rng.normal(0, 0.03, 50), index=pd.date_range("2024", periods=50, tz="UTC"))
    lev = vol_target_leverage(r, 0.6, window=10)
    assert lev.index.equals(r.index)
    assert lev.iloc[:10].isna().all()
    # by hand for t = 20: 0.6 / (sd(r[10:20], ddof=1) * sqrt(365))
    expected = 0.6 / (np.std(r.to_numpy()[10:20], ddof=1) * math.sqrt(365))
    assert lev.iloc[20] == pytest.approx(expected, rel=1e-12)
    # no look-ahead: changing bar t does not change the leverage held over bar t
    r2 = r.copy()
    r2.iloc[20] = 0.5
    assert vol_target_leverage(r2, 0.6, window=10).iloc[20] == lev.iloc[20]
    capped = vol_target_leverage(r, 0.6, window=10, max_leverage=1.0)
    assert np.nanmax(capped.to_numpy()) <= 1.0
    with pytest.raises(ValueError, match="window must be >= 2; got 1"):
        vol_target_leverage(r, 0.6, window=1)
    with pytest.raises(ValueError, match="target_volatility must be > 0"):
        vol_target_leverage(r, 0.0)


# -------------------------------------------------------------------------------------------
# funding carry
# -------------------------------------------------------------------------------------------


def test_funding_carry_by_hand():
    # by hand: the 0.01 % per 8 h baseline (the median Binance BTCUSDT print 2019-2024, per
    # /work/shared/data/SOURCES.md) is 1095 x 0.0001 = 10.95 % of notional a year, 109.5 % of
    # the margin at 10x; a short receives it
    assert funding_carry([0.0001] * 3, 10.0, periods_per_year=1095) == pytest.approx(1.095)
    assert funding_carry([0.0001] * 3, 10.0, side="short", periods_per_year=1095) == (
        pytest.approx(-1.095)
    )
    np.testing.assert_allclose(
        funding_carry([0.0001, np.nan], [1.0, 2.0], periods_per_year=1095), [0.1095, 0.219]
    )
    idx = pd.date_range("2024-01-01", periods=9, freq="8h", tz="UTC")
    f = pd.Series(0.0001, index=idx)
    # inferred from the 8 h spacing: 365.25 x 3 = 1095.75 intervals a year
    assert funding_carry(f, 1.0) == pytest.approx(0.0001 * 1095.75)


def test_funding_carry_table_and_cumulative():
    idx = pd.date_range("2023-12-31 08:00", periods=6, freq="8h", tz="UTC")
    f = pd.Series([0.0001, 0.0001, 0.0003, 0.0003, 0.0003, 0.0003], index=idx)
    table = funding_carry_table(f, [1.0, 5.0], freq="YE", periods_per_year=1095)
    # 2023 holds the first two prints (mean 0.0001), 2024 the last four (mean 0.0003)
    np.testing.assert_allclose(table[5.0].to_numpy(), [5 * 1095 * 0.0001, 5 * 1095 * 0.0003])
    assert table["n_prints"].tolist() == [2, 4]
    cum = cumulative_funding(f, 10.0)
    assert cum.index.equals(idx)
    assert cum.iloc[-1] == pytest.approx(10 * f.sum())
    with pytest.raises(TypeError, match="must be a pandas Series with a DatetimeIndex"):
        funding_carry_table([0.0001], [1.0])
    with pytest.raises(ValueError, match="periods_per_year is required"):
        funding_carry([0.0001, 0.0002], 2.0)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="leverage must be > 0"):
        leveraged_returns([0.1], 0.0)
    with pytest.raises(ValueError, match=r"returns must be in \(-1, inf\)"):
        leveraged_equity([-1.0], 2.0)
    with pytest.raises(ValueError, match=r"side must be one of \('long', 'short'\)"):
        leveraged_returns([0.1], 2.0, side="up")
    with pytest.raises(ValueError, match=r"fraction must be in \(0, 1\]"):
        kelly_leverage(0.1, 0.5, fraction=1.5)
    with pytest.raises(ValueError, match="volatility must be >= 0"):
        volatility_drag(-0.1)


# -------------------------------------------------------------------------------------------
# growth by leverage
# -------------------------------------------------------------------------------------------


def test_leverage_growth_table_by_hand():
    # by hand: +10 % / -10 % / +5 % with A = 3 bars a year; 1x grows ln(1.1 * 0.9 * 1.05),
    # 2x ln(1.2 * 0.8 * 1.1), 10x is wiped out by the -10 % bar (second bar, position 1)
    r = [0.1, -0.1, 0.05]
    tab = leverage_growth_table(r, [1.0, 2.0, 10.0], periods_per_year=3.0)
    g1 = math.log(1.1 * 0.9 * 1.05)
    np.testing.assert_allclose(tab["realised"].iloc[:2], [g1, math.log(1.2 * 0.8 * 1.1)])
    assert tab["realised"].iloc[2] == -np.inf and tab["final_equity"].iloc[2] == 0.0
    assert tab["wiped_out"].tolist() == [-1, -1, 1]
    np.testing.assert_allclose(tab["linear"], [g1, 2 * g1, 10 * g1])
    mu, sig = 3 * np.mean(r), math.sqrt(3) * np.std(r, ddof=1)
    np.testing.assert_allclose(tab["gbm"], [L * mu - 0.5 * L**2 * sig**2 for L in (1, 2, 10)])
    np.testing.assert_allclose(tab["final_equity"].iloc[1], 1.2 * 0.8 * 1.1)


def test_leverage_growth_table_matches_rebalanced_equity():
    rng = np.random.default_rng(3)
    r = rng.normal(0.001, 0.03, 500)
    tab = leverage_growth_table(r, [0.5, 1.5, 3.0])
    eq = leveraged_equity(r, [0.5, 1.5, 3.0])
    np.testing.assert_allclose(tab["final_equity"], eq.iloc[-1], rtol=1e-10)
    np.testing.assert_allclose(tab["realised"], 365 * np.log(eq.iloc[-1]) / r.size, rtol=1e-10)


def test_leverage_growth_table_errors():
    with pytest.raises(InsufficientDataError, match="needs >= 2 returns"):
        leverage_growth_table([0.1], 2.0)
    with pytest.raises(ValueError, match="periods_per_year"):
        leverage_growth_table([0.1, -0.1], 2.0, periods_per_year=0.0)
    with pytest.raises(ValueError, match="leverage"):
        leverage_growth_table([0.1, -0.1], -1.0)


def test_chart_leverage_growth_drops_wiped_out_points():
    tab = leverage_growth_table([0.1, -0.1, 0.05], [1.0, 2.0, 10.0], periods_per_year=3.0)
    spec = chart_leverage_growth(tab).to_dict()
    assert len(spec["layer"]) == 2
    values = next(iter(spec["datasets"].values()))
    assert all(math.isfinite(v["growth"]) for v in values)
    assert len(values) == 3 * 3 - 1  # the wiped-out 10x realised point is left out
    with pytest.raises(ValueError, match="missing columns"):
        chart_leverage_growth(tab.drop(columns="gbm"))


# -------------------------------------------------------------------------------------------
# time until funding liquidates
# -------------------------------------------------------------------------------------------


def test_funding_liquidation_time_by_hand():
    # by hand, see docstring: buffer 1/10 - 0.005 = 0.095, drain 1095 x 0.0001 = 0.1095 a year
    assert funding_liquidation_time([0.0001], 10.0, periods_per_year=1095) == pytest.approx(
        0.095 / 0.1095, rel=1e-12
    )
    # 50x: buffer 0.015 -> 0.015 / 0.1095 years = 50.0 days
    assert 365 * funding_liquidation_time(
        [0.0001, 0.0001], 50.0, periods_per_year=1095
    ) == pytest.approx(50.0, rel=1e-12)
    # m = 0: 2x long at 0.03 % per 8 h, 0.5 / (1095 x 0.0003) years
    assert funding_liquidation_time(
        [0.0003], 2.0, maintenance_margin_rate=0.0, periods_per_year=1095
    ) == pytest.approx(0.5 / 0.3285, rel=1e-12)


def test_funding_liquidation_time_sign_and_bounds():
    levs = np.array([2.0, 10.0, 200.0, 500.0])
    t = funding_liquidation_time([0.0001], levs, periods_per_year=1095)
    assert isinstance(t, np.ndarray) and t.shape == (4,)
    assert np.all(np.diff(t) <= 0)  # more leverage, less time
    assert t[-1] == 0.0 and t[-2] == 0.0  # L >= 1/m: already at maintenance
    # a long that receives funding on average, or a short that receives it, is never drained
    assert funding_liquidation_time([-0.0001], 10.0, periods_per_year=1095) == math.inf
    assert funding_liquidation_time([0.0001], 10.0, side="short", periods_per_year=1095) == math.inf
    # consistent with funding_carry: time x carry at L = buffer as a share of the margin
    f = pd.Series([0.0001, 0.0003, -0.0001])
    carry = funding_carry(f, 5.0, periods_per_year=1095)
    assert funding_liquidation_time(f, 5.0, periods_per_year=1095) * carry == pytest.approx(
        5.0 * (1 / 5.0 - 0.005)
    )


def test_funding_liquidation_time_errors():
    with pytest.raises(ValueError, match="maintenance_margin_rate"):
        funding_liquidation_time([0.0001], 10.0, maintenance_margin_rate=1.0, periods_per_year=3)
    with pytest.raises(ValueError, match="leverage"):
        funding_liquidation_time([0.0001], 0.0, periods_per_year=1095)
    with pytest.raises(InsufficientDataError, match="finite funding print"):
        funding_liquidation_time([np.nan], 10.0, periods_per_year=1095)


def test_leveraged_returns_empty_is_insufficient_data() -> None:
    import riskkit.leverage as lev
    from riskkit.exceptions import InsufficientDataError

    with pytest.raises(
        InsufficientDataError, match=r"returns must hold at least one return; got an empty"
    ):
        lev.leveraged_returns([], 3.0)


def test_scalar_argument_given_a_list_names_it() -> None:
    import riskkit.leverage as lev

    with pytest.raises(TypeError, match=r"target_volatility must be a scalar; got a list of 2"):
        lev.vol_target_leverage([0.01, -0.01] * 20, [0.5, 0.6], window=5)


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread (time order, ruin)
# --------------------------------------------------------------------------------------------
def test_funding_carry_rejects_reversed_prints() -> None:
    idx = pd.date_range("2024-01-01", periods=6, freq="8h")
    funding = pd.Series(0.0001, index=idx)
    # 1095.75 prints a year x 0.0001 (by hand, see the docstring)
    assert funding_carry(funding, 1.0) == pytest.approx(0.109575, rel=1e-12)
    with pytest.raises(ValueError, match=r"funding_rate must be in increasing time order"):
        funding_carry(funding.iloc[::-1], 1.0)


def _crash_returns() -> pd.Series:
    # a -40 % day at 3x is a -120 % day: ruin on 2020-03-12, as BTC's -39 % that day
    idx = pd.date_range("2020-03-10", periods=5, freq="D")
    return pd.Series([0.01, -0.02, -0.40, 0.05, 0.03], index=idx, name="BTC")


def test_leveraged_returns_are_nan_after_ruin_and_warn() -> None:
    from riskkit import RuinWarning

    r = _crash_returns()
    with pytest.warns(RuinWarning, match=r"2020-03-12"):
        out = leveraged_returns(r, 3.0)
    np.testing.assert_allclose(out.iloc[:3].to_numpy(), [0.03, -0.06, -1.0], rtol=1e-12)
    assert out.iloc[3:].isna().all()
    with pytest.warns(RuinWarning, match=r"position 2"):
        arr = leveraged_returns(r.to_numpy(), [1.0, 3.0])
    assert np.isnan(arr.to_numpy()[3:, 1]).all() and not np.isnan(arr.to_numpy()[:, 0]).any()


def test_leveraged_equity_stays_at_zero_after_ruin_without_warning() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        eq = leveraged_equity(_crash_returns(), 3.0)
    np.testing.assert_allclose(eq.iloc[2:].to_numpy(), 0.0, atol=0.0)


def test_var_of_ruined_returns_refuses_the_nan() -> None:
    from riskkit import RuinWarning
    from riskkit.risk import var_es

    with pytest.warns(RuinWarning):
        lr = leveraged_returns(_crash_returns(), 3.0)
    with pytest.raises(ValueError, match=r"returns must not contain NaN"):
        var_es(lr, 0.5)


def test_chart_leverage_growth_rejects_a_non_frame() -> None:
    pytest.importorskip("altair")
    with pytest.raises(TypeError, match=r"table must be a pandas DataFrame; got Series"):
        chart_leverage_growth(pd.Series([1.0]))  # type: ignore[arg-type]


# -------------------------------------------------------------------------------------------
# funding drift (riskkit.leverage.drift)
# -------------------------------------------------------------------------------------------


def _prints(values: list[float]) -> pd.Series:
    return pd.Series(values, index=pd.date_range("2024-01-01", periods=len(values), freq="8h"))


def test_liquidation_price_path_by_hand() -> None:
    from riskkit.leverage import liquidation_price_path

    # by hand, see docstring: 10x long of 1 BTC at 100,000, 3 prints of 0.01 % cost 30 USD
    res = liquidation_price_path("long", 100_000.0, 10.0, _prints([0.0001] * 3))
    np.testing.assert_allclose(res.margin.to_numpy(), [9_990.0, 9_980.0, 9_970.0], rtol=1e-12)
    np.testing.assert_allclose(res.liquidation_price.iloc[-1], 90_030.0 / 0.995, rtol=1e-12)
    assert res.exhausted_at is None and res.notional == "entry"
    assert res.walk == pytest.approx(30.0 / 0.995, rel=1e-12)
    assert set(res.to_frame().columns) == {"liquidation_price", "margin", "funding_paid"}
    assert "Liquidation price path" in res._repr_html_()
    # a short receives positive funding: its liquidation price moves away (up)
    short = liquidation_price_path("short", 100.0, 10.0, _prints([0.0001] * 3))
    assert short.liquidation_price.is_monotonic_increasing


def test_liquidation_price_path_mark_notional_and_fees() -> None:
    from riskkit.leverage import liquidation_price_path

    f = _prints([0.01, 0.01])
    # mark at the prints 100 then 50 (last price at or before each print): paid 1 + 0.5
    price = pd.Series([100.0, 50.0], index=f.index - pd.Timedelta("1h"))
    res = liquidation_price_path("long", 100.0, 10.0, f, price=price, fee_rate=0.001)
    # by hand: margin 10 - 0.1 (entry fee) - 1.5 = 8.4; P = (100 - 8.4) / (1 - 0.005 - 0.001)
    assert res.margin.iloc[-1] == pytest.approx(8.4, rel=1e-12)
    assert res.liquidation_price.iloc[-1] == pytest.approx(91.6 / 0.994, rel=1e-12)
    assert res.notional == "mark"


def test_liquidation_price_path_exhaustion_matches_funding_liquidation_time() -> None:
    from riskkit.leverage import liquidation_price_path

    # 50x at 0.01 % per 8 h: the buffer 1/50 - 0.005 = 1.5 % lasts 150 prints (50 days)
    f = _prints([0.0001] * 200)
    res = liquidation_price_path("long", 100.0, 50.0, f)
    days = funding_liquidation_time([0.0001], 50.0, periods_per_year=1095) * 365
    assert res.exhausted_at == f.index[149]
    assert (f.index.get_loc(res.exhausted_at) + 1) / 3 == pytest.approx(days, rel=1e-9)


def test_liquidation_price_path_validation_names_the_argument() -> None:
    from riskkit.leverage import liquidation_price_path

    f = _prints([0.0001])
    with pytest.raises(TypeError, match=r"funding_rate must be a pandas Series"):
        liquidation_price_path("long", 100.0, 10.0, [0.0001])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"leverage"):
        liquidation_price_path("long", 100.0, -1.0, f)
    with pytest.raises(ValueError, match=r"side"):
        liquidation_price_path("up", 100.0, 10.0, f)
    with pytest.raises(ValueError, match=r"contract"):
        liquidation_price_path("long", 100.0, 10.0, f, contract="inverse")
    with pytest.raises(ValueError, match=r"fee_rate"):
        liquidation_price_path("long", 100.0, 10.0, f, fee_rate=1.5)
    with pytest.raises(ValueError, match=r"increasing time order"):
        liquidation_price_path("long", 100.0, 10.0, f.iloc[::-1].pipe(lambda s: pd.concat([s, s])))
    late = pd.Series([100.0], index=f.index + pd.Timedelta("1h"))
    with pytest.raises(ValueError, match=r"price must have a value at or before"):
        liquidation_price_path("long", 100.0, 10.0, f, price=late)


def _naive_drift_tau(high, low, close, g, lev, sign, m, fee):  # type: ignore[no-untyped-def]
    n = close.size
    out = np.full(n, np.nan)
    for t in range(n):
        margin = close[t] / lev - fee * close[t]
        for j in range(t + 1, n):
            margin -= sign * g[j] * close[j]
            liq = (close[t] - sign * margin) / (1 - sign * (m + fee))
            if (sign > 0 and low[j] <= liq) or (sign < 0 and high[j] >= liq):
                out[t] = j - t
                break
    return out


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    n=st.integers(2, 40),
    lev=st.sampled_from([1.0, 2.0, 5.0, 10.0, 50.0]),
    side=st.sampled_from(["long", "short"]),
    fee=st.sampled_from([0.0, 0.0005]),
)
def test_time_to_liquidation_with_funding_matches_a_naive_loop(
    seed: int, n: int, lev: float, side: str, fee: float
) -> None:
    from riskkit.leverage import time_to_liquidation_with_funding

    rng = np.random.default_rng(seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.05, n)))
    high = close * np.exp(np.abs(rng.normal(0.0, 0.03, n)))
    low = close * np.exp(-np.abs(rng.normal(0.0, 0.03, n)))
    g = rng.normal(0.002, 0.01, n)
    got = time_to_liquidation_with_funding(high, low, close, g, [lev], side, 0.005, fee)
    sign = 1.0 if side == "long" else -1.0
    want = _naive_drift_tau(high, low, close, g, lev, sign, 0.005, fee)
    np.testing.assert_array_equal(got.to_numpy()[:, 0], want)


def test_historical_survival_with_funding_zero_funding_is_the_constant_margin_map() -> None:
    from riskkit.leverage import historical_survival_with_funding
    from riskkit.survival import historical_survival

    rng = np.random.default_rng(7)
    idx = pd.date_range("2024-01-01", periods=300, freq="D", tz="UTC")
    close = pd.Series(100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.04, 300))), index=idx)
    high, low = close * 1.02, close * 0.97
    zero = pd.Series(0.0, index=pd.date_range(idx[0], idx[-1] + pd.Timedelta("16h"), freq="8h"))
    res = historical_survival_with_funding(high, low, close, zero, [2, 5, 10], [1, 7, 30])
    ref = historical_survival(high, low, close, [2, 5, 10], [1, 7, 30])
    pd.testing.assert_frame_equal(res.with_funding.surv_prob, ref.surv_prob)
    pd.testing.assert_frame_equal(res.constant_margin.surv_prob, ref.surv_prob)
    # paying funding can only shorten survival
    pos = pd.Series(0.0003, index=zero.index)
    paid = historical_survival_with_funding(high, low, close, pos, [2, 5, 10], [1, 7, 30])
    table = paid.summary()
    assert (table["difference"] <= 0).all() and (table["difference"] < 0).any()
    assert paid.funding_per_bar.iloc[0] == pytest.approx(0.0009, rel=1e-12)  # 3 prints a day
    assert set(paid.to_frame().index.get_level_values("model")) == {
        "constant margin", "with funding"}  # fmt: skip


def test_historical_survival_with_funding_refuses_bars_outside_the_funding_history() -> None:
    from riskkit.leverage import historical_survival_with_funding

    idx = pd.date_range("2024-01-01", periods=30, freq="D", tz="UTC")
    close = pd.Series(100.0, index=idx)
    short = pd.Series(0.0001, index=pd.date_range("2024-01-10", periods=9, freq="8h", tz="UTC"))
    with pytest.raises(ValueError, match=r"trim the bars to the funding history"):
        historical_survival_with_funding(close + 1, close - 1, close, short, [10], [1])
    with pytest.raises(ValueError, match=r"one rate per bar \(30\)"):
        historical_survival_with_funding(close + 1, close - 1, close, [0.1, 0.2], [10], [1])


def test_gbm_with_funding_reduces_to_gbm_and_matches_monte_carlo() -> None:
    from riskkit.leverage import liquidation_probability_gbm_with_funding
    from riskkit.survival import liquidation_probability_gbm

    levs = np.array([2.0, 5.0, 10.0, 20.0])
    np.testing.assert_allclose(
        liquidation_probability_gbm_with_funding(levs, 30, 0.03, 0.001),
        liquidation_probability_gbm(levs, 30, 0.03, 0.001),
        rtol=0,
        atol=1e-15,
    )
    # Monte Carlo of the log price against the barrier b + k t, k = f / (1 - 1/L): 10x long,
    # sigma 3 % a day, f 0.1 % a day, 30 days, 2,000 steps a day-path (discrete monitoring
    # misses a few crossings; Brownian-bridge correction per step keeps the bias small)
    rng = np.random.default_rng(20251010)
    L, m, sig, f, T, steps, n = 10.0, 0.005, 0.03, 0.001, 30.0, 600, 20_000
    dt = T / steps
    b = np.log((1 - 1 / L) / (1 - m))
    k = f / (1 - 1 / L)
    x = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    for i in range(1, steps + 1):
        x_new = x + (-0.5 * sig**2) * dt + sig * np.sqrt(dt) * rng.standard_normal(n)
        d0, d1 = x - (b + k * (i - 1) * dt), x_new - (b + k * i * dt)
        bridge = np.exp(-2 * np.maximum(d0, 0) * np.maximum(d1, 0) / (sig**2 * dt))
        hit = (d1 <= 0) | (rng.random(n) < bridge)
        alive &= ~hit
        x = x_new
    mc = 1 - alive.mean()
    closed = liquidation_probability_gbm_with_funding(L, T, sig, funding_rate=f)
    assert abs(mc - closed) < 4 * np.sqrt(mc * (1 - mc) / n)
    assert closed > liquidation_probability_gbm(L, T, sig)


def test_drift_charts_draw_within_the_column() -> None:
    pytest.importorskip("altair")
    from riskkit.leverage import historical_survival_with_funding, liquidation_price_path

    f = _prints([0.0001] * 3)
    path = liquidation_price_path("long", 100.0, 10.0, f)
    spec = path.chart(price=pd.Series([100.0, 99.0, 98.0], index=f.index)).to_dict()
    assert spec["width"] <= 520 and len(spec["layer"]) == 2
    close = np.full(6, 100.0)
    res = historical_survival_with_funding(close + 1, close - 5, close, np.full(6, 0.01), 5, [1])
    assert res.chart().to_dict()["width"] <= 520
