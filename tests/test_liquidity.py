"""Tests of riskkit.liquidity against hand calculations and published values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskkit.cascade import PositionBook, PriceImpact, simulate_cascade
from riskkit.liquidity import (
    abdi_ranaldo_spread,
    amihud_illiquidity,
    corwin_schultz_spread,
    depth_impact,
    depth_price_impact,
    estimate_spreads,
    liquidity_black_hole,
    liquidity_elasticity,
    market_maker_in_cascade,
    optimal_spread,
    reservation_price,
    roll_spread,
    simulate_market_maker,
)

IDX = pd.date_range("2024-01-01", periods=6, freq="D", tz="UTC")


def test_roll_bounce_gives_twice_the_half_bounce() -> None:
    # by hand: log price alternates 0, a -> dp = +-a, Cov(dp_t, dp_t-1) = -a^2, S = 2a
    close = pd.Series(100 * np.exp([0, 0.005, 0, 0.005, 0, 0.005]), index=IDX)
    assert roll_spread(close) == pytest.approx(0.01, rel=1e-9)


def test_roll_is_undefined_for_positive_autocovariance() -> None:
    assert np.isnan(roll_spread([100.0, 101.0, 102.5, 104.5, 107.0]))


def test_roll_rolling_matches_full_sample_on_a_window_of_all_bars() -> None:
    close = pd.Series(100 * np.exp([0, 0.004, -0.001, 0.006, 0.0, 0.005]), index=IDX)
    assert roll_spread(close, window=4).iloc[-1] == pytest.approx(roll_spread(close))


def test_corwin_schultz_identical_bars_give_two_tanh_half_range() -> None:
    # by hand (docstring): beta = 2x^2, gamma = x^2 -> alpha = x = ln(101/99); S = 2 tanh(x/2)
    x = np.log(101 / 99)
    assert corwin_schultz_spread([101.0, 101.0], [99.0, 99.0]) == pytest.approx(
        2 * np.tanh(x / 2), rel=1e-12
    )


def test_corwin_schultz_negative_estimates_are_zero() -> None:
    # bars that move far apart: gamma large -> alpha < 0 -> S set to 0 (Corwin-Schultz 2012, p. 726)
    assert corwin_schultz_spread([101.0, 111.0], [100.0, 110.0]) == 0.0


def test_abdi_ranaldo_by_hand() -> None:
    # by hand: c - eta = ln(101/sqrt(102*98)); S = sqrt(4 (c - eta)^2) = 2 |c - eta|
    expected = 2 * np.log(101 / np.sqrt(102 * 98))
    assert abdi_ranaldo_spread([101.0, 100.0], [102.0, 102.0], [98.0, 98.0]) == pytest.approx(
        expected, rel=1e-12
    )


def test_amihud_by_hand() -> None:
    # by hand: (0.02/1e9 + 0.01/2e9) / 2 = 1.25e-11 per USD
    assert amihud_illiquidity([0.02, -0.01], [1e9, 2e9]) == pytest.approx(1.25e-11)


def test_estimators_recover_a_simulated_spread() -> None:
    # Monte Carlo: efficient log price (sd 1% a bar) plus bounce of half spread 0.5% (S = 1%)
    rng = np.random.default_rng(7)
    n = 20_000
    p = np.cumsum(rng.normal(0, 0.01, n))
    close = np.exp(p + 0.005 * rng.choice([-1.0, 1.0], n))
    assert roll_spread(close) == pytest.approx(0.01, rel=0.15)


def test_time_series_index_must_increase_and_be_unique() -> None:
    close = pd.Series([100.0, 101.0, 100.0, 101.0], index=IDX[:4])
    with pytest.raises(ValueError, match="close must have an increasing index"):
        roll_spread(close.iloc[::-1])
    dup = pd.Series([100.0, 101.0, 100.0], index=[IDX[0], IDX[0], IDX[1]])
    with pytest.raises(ValueError, match="close must have a unique index"):
        roll_spread(dup)
    with pytest.raises(ValueError, match="high must be > 0"):
        corwin_schultz_spread([0.0, 1.0], [0.5, 0.5])
    with pytest.raises(ValueError, match="low must be <= high"):
        corwin_schultz_spread([1.0, 1.0], [2.0, 0.5])
    with pytest.raises(ValueError, match="window must be >= 2"):
        roll_spread([100.0, 101.0, 100.0], window=1)


def test_estimate_spreads_frame_and_summary() -> None:
    bars = pd.DataFrame(
        {
            "high": 101.0,
            "low": 99.0,
            "close": [100.0, 101, 100, 101, 100, 101],
            "volume_quote": 1e9,
        },
        index=IDX,
    )
    res = estimate_spreads(bars, window=3)
    assert list(res.to_frame().columns) == ["roll", "corwin_schultz", "abdi_ranaldo", "amihud"]
    assert res.summary().loc["corwin_schultz", "median"] == pytest.approx(0.02, abs=1e-6)
    assert "SpreadEstimates" in res._repr_html_()
    with pytest.raises(ValueError, match="missing"):
        estimate_spreads(bars.drop(columns="volume_quote"))


def test_depth_price_impact_by_hand() -> None:
    # by hand: one side 2m within 50 bp, 1m sell walks 0.005 * 1/2 = 25 bp
    assert depth_price_impact(1e6, 4e6) == pytest.approx(0.0025)
    assert depth_price_impact(1e6, 4e6, two_sided=False) == pytest.approx(0.00125)
    res = depth_impact(pd.Series([4e6, 2e6], index=IDX[:2]), 1e6)
    assert res.impact.tolist() == pytest.approx([0.0025, 0.005])
    with pytest.raises(ValueError, match="depth must be > 0"):
        depth_price_impact(1e6, 0.0)


def test_avellaneda_stoikov_closed_forms() -> None:
    # Avellaneda & Stoikov (2008), Section 4: gamma 0.1, sigma 2, k 1.5, T = 1
    assert reservation_price(100.0, 2.0, 0.1, 2.0, 0.5) == pytest.approx(99.6)
    # their Table 1 spread 1.29 is the (2/gamma) ln(1 + gamma/k) term
    assert optimal_spread(0.1, 2.0, 0.0, 1.5) == pytest.approx(1.29, abs=0.005)
    assert optimal_spread(0.1, 2.0, 1.0, 1.5) == pytest.approx(0.4 + 20 * np.log1p(0.1 / 1.5))
    with pytest.raises(ValueError, match="gamma must be > 0"):
        optimal_spread(0.0, 2.0, 1.0, 1.5)


def test_market_maker_simulation_matches_the_paper() -> None:
    # Avellaneda & Stoikov (2008), Table 1 (gamma = 0.1, 1,000 paths): inventory strategy
    # profit 62.94 (sd 5.89), final q sd 2.80; symmetric strategy 67.21 (13.43), q sd 8.66.
    aware = simulate_market_maker(n_paths=1000, seed=0)
    sym = simulate_market_maker(n_paths=1000, seed=0, inventory_aware=False)
    assert aware.final_pnl.mean() == pytest.approx(62.94, rel=0.08)
    assert aware.final_pnl.std(ddof=1) == pytest.approx(5.89, rel=0.25)
    assert aware.final_inventory.std(ddof=1) == pytest.approx(2.80, rel=0.25)
    assert sym.final_pnl.mean() == pytest.approx(67.21, rel=0.08)
    assert sym.final_pnl.std(ddof=1) == pytest.approx(13.43, rel=0.25)
    assert sym.final_inventory.std(ddof=1) == pytest.approx(8.66, rel=0.25)
    again = simulate_market_maker(n_paths=1000, seed=0)
    assert np.array_equal(again.pnl, aware.pnl)
    with pytest.raises(ValueError, match="n_paths must be >= 2"):
        simulate_market_maker(n_paths=1)


def test_market_maker_in_cascade_by_hand() -> None:
    # by hand: buys 10 units at 90, 88.99, 88.01 (chapter 4's three-long cascade), marked at 87.05
    book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    res = simulate_cascade(book, 100.0, -0.10, PriceImpact(400.0, "linear"))
    mm = market_maker_in_cascade(res, share=1.0, half_spread=0.0, gamma=1e-3, sigma=0.02)
    p = res.price_path
    assert mm.inventory == pytest.approx(30.0)
    assert mm.pnl_at_low == pytest.approx(10 * (3 * p[3] - p[0] - p[1] - p[2]))
    half = market_maker_in_cascade(
        res, share=0.5, half_spread=0.001, gamma=1e-3, sigma=0.02, exit_price=90.0
    )
    assert half.spread_income == pytest.approx(0.001 * 0.5 * res.long_notional.sum())
    assert half.pnl_at_exit == pytest.approx(half.rounds["cash"].iloc[-1] + 15.0 * 90.0)
    assert (mm.rounds["reservation_price"] <= mm.rounds["price"]).all()
    with pytest.raises(ValueError, match="share must be in"):
        market_maker_in_cascade(res, share=1.5, half_spread=0.0, gamma=1e-3, sigma=0.02)
    with pytest.raises(TypeError, match="cascade must be"):
        market_maker_in_cascade("x", share=0.5, half_spread=0.0, gamma=1e-3, sigma=0.02)  # type: ignore[arg-type]


def test_black_hole_by_hand_and_jump() -> None:
    # by hand (docstring): floors 99 and 98.6, 1m each into 1m of depth within 50 bp
    res = liquidity_black_hole(99.0, [99.0, 98.6], 1e6, 1e6)
    assert res.price[0] == pytest.approx(99 * np.exp(-0.01))
    # bunched floors: one step in v sets off all sales -> a jump; dispersed: smaller steps
    v = np.linspace(101.0, 97.0, 81)
    bunched = liquidity_black_hole(v, np.full(20, 99.0), 1e6, 5e6)
    spread_out = liquidity_black_hole(v, np.linspace(95.0, 99.0, 20), 1e6, 5e6)
    assert bunched.largest_jump > 3 * spread_out.largest_jump
    assert np.all(np.diff(bunched.price) <= 1e-12)  # price monotone in v


def test_elasticity_recovers_a_power_law_with_hac_errors() -> None:
    rng = np.random.default_rng(3)
    idx = pd.date_range("2024-01-01", periods=300, freq="D", tz="UTC")
    vol = pd.Series(np.exp(rng.normal(-4, 0.5, 300)), index=idx)
    spread = 0.1 * vol**0.8 * np.exp(rng.normal(0, 0.1, 300))
    res = liquidity_elasticity(spread, vol)
    assert res.elasticity == pytest.approx(0.8, abs=4 * res.bse["elasticity"])
    assert res.nobs == 300 and res.maxlags == 5  # floor(4 * 3^(2/9)) = 5
    with pytest.raises(ValueError, match="liquidity must have an increasing index"):
        liquidity_elasticity(spread.iloc[::-1], vol)


def test_charts_build() -> None:
    pytest.importorskip("altair")
    res = simulate_market_maker(n_paths=2, n_steps=10)
    assert res.chart().to_dict()["vconcat"][0]["width"] == 480
    v = np.linspace(101.0, 97.0, 5)
    assert liquidity_black_hole(v, [99.0], 1e6, 1e6).chart().to_dict()["width"] == 480
