"""Tests of riskkit.cascade: books, impact, cascades, maps, spirals and the econometrics."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from riskkit.cascade import (
    CascadeBoundWarning,
    CascadeResult,
    PositionBook,
    PriceImpact,
    _reference_cascade,
    book_from_open_interest,
    calibrate_impact,
    cascade_grid,
    cascade_heatmap,
    critical_depth,
    lead_lag,
    leverage_mix_grid,
    liquidation_density,
    liquidation_hunting_test,
    liquidation_map,
    liquidation_regression,
    liquidations_by_asset,
    liquidity_spiral,
    open_interest_drop,
    regression_table,
    simulate_cascade,
)
from riskkit.exceptions import InsufficientDataError, RiskkitWarning

# ------------------------------------------------------------------------------------------
# PositionBook
# ------------------------------------------------------------------------------------------


def test_liquidation_price_dydx_printed_short() -> None:
    # dYdX v4 docs (https://dydx-documentation-six.vercel.app/concepts/trading/liquidations):
    # equity 1,000 USD, short 3 ETH at 3,000, MMF 5% -> (1,000 + 9,000)/(0.15 + 3) = 3,174.60.
    # Equity 1,000 on 9,000 notional is leverage 9.
    book = PositionBook("short", 3000.0, 3.0, 9.0, 0.05)
    assert book.liquidation_price[0] == pytest.approx(3174.60, abs=0.005)


def test_liquidation_price_by_hand() -> None:
    # by hand, see PositionBook docstring: 100 (1 - 1/10)/(1 - 0.005) and 100 (1 + 1/10)/(1.005)
    book = PositionBook(["long", "short"], 100.0, 1.0, 10.0, 0.005)
    np.testing.assert_allclose(book.liquidation_price, [90.0 / 0.995, 110.0 / 1.005], rtol=1e-15)
    assert book.side.tolist() == ["long", "short"]
    assert book.notional.tolist() == [100.0, 100.0]
    assert book.margin.tolist() == [10.0, 10.0]
    summ = book.summary()
    assert summ.loc["long", "leverage"] == pytest.approx(10.0)


@settings(max_examples=60, deadline=None)
@given(
    entry=st.floats(1.0, 1e5),
    lev=st.floats(1.0, 125.0),
    mmr=st.floats(0.0, 0.2),
    is_long=st.booleans(),
)
def test_equity_at_liquidation_equals_maintenance(
    entry: float, lev: float, mmr: float, is_long: bool
) -> None:
    # invariant: margin + PnL at the liquidation price = m * notional at that price
    s = 1.0 if is_long else -1.0
    book = PositionBook("long" if is_long else "short", entry, 2.0, lev, mmr)
    p = book.liquidation_price[0]
    equity = 2.0 * entry / lev + s * 2.0 * (p - entry)
    assert equity == pytest.approx(mmr * 2.0 * p, rel=1e-9, abs=1e-9 * entry)
    if is_long:
        assert p <= entry * (1 + 1e-12) or mmr >= 1.0 / lev
    else:
        assert p >= entry * (1 - 1e-12) or mmr >= 1.0 / lev


def test_book_validation_messages() -> None:
    with pytest.raises(ValueError, match=r"maintenance_margin_rate must be in \[0, 1\); got 1.5"):
        PositionBook("long", 100.0, 1.0, 10.0, 1.5)
    with pytest.raises(ValueError, match=r"leverage must be in \[1, inf\); got 0.5"):
        PositionBook("long", 100.0, 1.0, 0.5)
    with pytest.raises(ValueError, match="side must be 'long' or 'short'"):
        PositionBook(["long", "buy"], 100.0, 1.0, 10.0)
    with pytest.raises(ValueError, match="size must be > 0"):
        PositionBook("long", 100.0, 0.0, 10.0)
    with pytest.raises(ValueError, match="must broadcast to one shape"):
        PositionBook(["long", "short"], [1.0, 2.0, 3.0], 1.0, 10.0)
    with pytest.raises(ValueError, match="opened_at must have one entry per position"):
        PositionBook(["long", "short"], 100.0, 1.0, 10.0, opened_at=[1])
    with pytest.raises(TypeError, match="entry_price must be numeric"):
        PositionBook("long", "100", 1.0, 10.0)


def test_book_is_frozen_and_surviving() -> None:
    book = PositionBook(["long", "long", "short"], [100.0, 120.0, 100.0], 1.0, 10.0, 0.0)
    with pytest.raises(AttributeError):
        book.size = np.ones(3)  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        book.entry_price[0] = 1.0
    entry = np.array([100.0, 120.0])
    PositionBook("long", entry, 1.0, 10.0)
    assert entry.flags.writeable  # the caller's array is copied, not frozen
    # long from 120 at 10x liquidates at 108 (by hand): dead at 100
    assert book.alive_at(100.0).tolist() == [True, False, True]
    assert len(book.surviving(100.0)) == 2
    assert "PositionBook" in book._repr_html_()
    assert list(book.to_frame().columns)[:2] == ["side", "entry_price"]
    both = PositionBook.concat([book, book.subset([0])])
    assert len(both) == 4
    np.testing.assert_array_equal(both.liquidation_price[:3], book.liquidation_price)
    with pytest.raises(TypeError, match="non-empty sequence of PositionBook"):
        PositionBook.concat([])


# ------------------------------------------------------------------------------------------
# book_from_open_interest
# ------------------------------------------------------------------------------------------


def test_book_from_open_interest_pro_rata_by_hand() -> None:
    # by hand: OI in base units 0 -> 10 -> 20 -> 10; opened 10 at bar 1 (price 100) and 10 at
    # bar 2 (price 100); bar 3 halves everything -> each cohort 5 base units, split 60/40.
    idx = pd.date_range("2025-01-01", periods=4, freq="4h", tz="UTC")
    price = pd.Series(100.0, index=idx)
    oi = pd.Series([0.0, 10.0, 20.0, 10.0], index=idx)
    book = book_from_open_interest(
        price,
        oi,
        leverage=[10.0],
        long_share=0.6,
        maintenance_margin_rate=0.0,
        open_interest_unit="base",
    )
    df = book.to_frame()
    assert len(book) == 4
    np.testing.assert_allclose(df.loc[df.side == "long", "size"], [3.0, 3.0])
    np.testing.assert_allclose(df.loc[df.side == "short", "size"], [2.0, 2.0])
    assert df["opened_at"].tolist() == [idx[1], idx[2], idx[1], idx[2]]
    ignore = book_from_open_interest(
        price, oi, leverage=[10.0], decrease="ignore", open_interest_unit="base"
    )
    assert ignore.size.sum() == pytest.approx(20.0)


def test_book_from_open_interest_removes_crossed_cohorts() -> None:
    # by hand: 10x longs opened at 100 liquidate at 90 (m = 0); a later low of 89 removes them,
    # the 5x cohort (liquidation 80) survives; shorts (110 and 120) survive the high of 101.
    idx = pd.RangeIndex(4)
    price = pd.Series([100.0, 100.0, 95.0, 96.0], index=idx)
    oi = pd.Series([0.0, 1000.0, 950.0, 960.0], index=idx)  # constant 10 base units after bar 1
    low = pd.Series([100.0, 100.0, 89.0, 95.0], index=idx)
    high = pd.Series([100.0, 101.0, 96.0, 97.0], index=idx)
    book = book_from_open_interest(
        price, oi, leverage=[5.0, 10.0], maintenance_margin_rate=0.0, low=low, high=high
    )
    df = book.to_frame()
    assert df.loc[df.side == "long", "leverage"].tolist() == [5.0]
    assert sorted(df.loc[df.side == "short", "leverage"].tolist()) == [5.0, 10.0]
    np.testing.assert_allclose(df["size"], 2.5)  # 10 units x 1/2 side x 1/2 cohort


def test_book_from_open_interest_errors() -> None:
    idx = pd.RangeIndex(3)
    p = pd.Series([1.0, 2.0, 3.0], index=idx)
    with pytest.raises(TypeError, match="open_interest must be a pandas Series"):
        book_from_open_interest(p, [1.0, 2.0, 3.0])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="share one index"):
        book_from_open_interest(p, pd.Series([1.0, 2.0, 3.0], index=[5, 6, 7]))
    with pytest.raises(InsufficientDataError, match="at least 2 bars; got 1"):
        book_from_open_interest(p.iloc[:1], p.iloc[:1])
    with pytest.raises(ValueError, match=r"long_share must be in \[0, 1\]; got 1.5"):
        book_from_open_interest(p, p, long_share=1.5)
    with pytest.raises(ValueError, match="decrease must be one of"):
        book_from_open_interest(p, p, decrease="fifo")
    with pytest.raises(ValueError, match="one non-negative weight per leverage cohort"):
        book_from_open_interest(p, p, leverage=[5.0, 10.0], leverage_weights=[1.0])


# ------------------------------------------------------------------------------------------
# impact and calibration
# ------------------------------------------------------------------------------------------


def test_price_impact_by_hand() -> None:
    # by hand, see PriceImpact docstring: 0.005 * sqrt(4) and 0.005 * 2
    assert PriceImpact(1e6, "sqrt").log_impact(-4e6) == pytest.approx(-0.01, rel=1e-12)
    assert PriceImpact(1e6, "linear").log_impact(2e6) == pytest.approx(0.01, rel=1e-12)
    # both curves agree at the depth itself: sweeping D moves the price by the band
    for model in ("sqrt", "linear"):
        assert PriceImpact(5e5, model, band=0.01).log_impact(5e5) == pytest.approx(0.01)
    out = PriceImpact(1e6).log_impact(np.array([-1e6, 0.0, 1e6]))
    np.testing.assert_allclose(out, [-0.005, 0.0, 0.005])


@settings(max_examples=50, deadline=None)
@given(
    q=st.floats(0.0, 1e12), depth=st.floats(1.0, 1e10), model=st.sampled_from(["sqrt", "linear"])
)
def test_notional_for_move_inverts_impact(q: float, depth: float, model: str) -> None:
    imp = PriceImpact(depth, model)
    move = imp.log_impact(q)
    assert imp.log_impact(-q) == -move  # antisymmetric
    assert imp.notional_for_move(move) == pytest.approx(q, rel=1e-9, abs=1e-6)


def test_price_impact_errors() -> None:
    with pytest.raises(ValueError, match=r"depth must be > 0; got -1.0"):
        PriceImpact(-1.0)
    with pytest.raises(ValueError, match="model must be one of"):
        PriceImpact(1.0, "cubic")
    with pytest.raises(ValueError, match=r"band must be in \(0, 1\); got 1.0"):
        PriceImpact(1.0, band=1.0)


def test_calibrate_impact_by_hand() -> None:
    # by hand: depth 1..20 (x 1e6 USD, two-sided) -> numpy linear-interpolated median 10.5e6,
    # halved -> 5.25e6 per side; spreads 1..20 bp -> median 10.5 bp -> half spread 5.25e-4.
    depth = np.arange(1.0, 21.0) * 1e6
    spread = np.arange(1.0, 21.0) / 1e4
    cal = calibrate_impact(depth, spread)
    assert cal.depth == pytest.approx(5.25e6)
    assert cal.half_spread == pytest.approx(5.25e-4)
    assert cal.nobs == 20
    assert cal.impact.log_impact(-5.25e6) == pytest.approx(-0.005)
    one = calibrate_impact(depth, two_sided=False, quantile=0.05, model="linear")
    # numpy quantile 0.05 of 1..20 = 1 + 0.05 * 19 = 1.95
    assert one.depth == pytest.approx(1.95e6)
    assert math.isnan(one.half_spread)
    table = cal.impact_table([1e6])
    assert table.shape == (1, 6)
    # thinner books (lower depth quantile) move more
    assert (np.diff(table.to_numpy()[0]) > 0).all()
    assert cal.summary().loc["model", "value"] == "sqrt"
    # by hand: a venue with a tenth of the market's depth -> market depth 10x the venue's
    assert calibrate_impact(depth, market_share=0.1).depth == pytest.approx(52.5e6)
    with pytest.raises(ValueError, match=r"market_share must be in \(0, 1\]; got 0.0"):
        calibrate_impact(depth, market_share=0.0)


def test_calibrate_impact_errors() -> None:
    with pytest.raises(InsufficientDataError, match="at least 10 depth values; got 3"):
        calibrate_impact([1.0, 2.0, np.nan, 3.0])
    with pytest.raises(ValueError, match=r"quantile must be in \(0, 1\); got 1.0"):
        calibrate_impact(np.ones(20), quantile=1.0)
    with pytest.raises(ValueError, match="depth must be >= 0"):
        calibrate_impact(-np.ones(20))
    with pytest.raises(TypeError, match="two_sided must be a bool"):
        calibrate_impact(np.ones(20), two_sided=1)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# cascade
# ------------------------------------------------------------------------------------------


def _three_longs() -> PositionBook:
    # liquidation prices 90, 89.1, 88.2 (by hand: E x 0.9 with m = 0)
    return PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)


def test_cascade_by_hand() -> None:
    # by hand, see simulate_cascade docstring: P0 = 90; sale 10 x 90 = 900 USD; linear impact
    # with D = 400: ln P1 = ln 90 - 0.005 x 900/400 -> 88.993; P2 = 90 exp(-0.005 (900 + 10 P1)/400)
    res = simulate_cascade(_three_longs(), 100.0, -0.10, PriceImpact(400.0, "linear"))
    p1 = 90.0 * math.exp(-0.005 * 900.0 / 400.0)
    p2 = 90.0 * math.exp(-0.005 * (900.0 + 10.0 * p1) / 400.0)
    p3 = 90.0 * math.exp(-0.005 * (900.0 + 10.0 * p1 + 10.0 * p2) / 400.0)
    np.testing.assert_allclose(res.price_path, [90.0, p1, p2, p3], rtol=1e-12)
    np.testing.assert_allclose(res.long_notional, [900.0, 10 * p1, 10 * p2, 0.0], rtol=1e-12)
    assert res.long_count.tolist() == [1, 1, 1, 0]
    assert res.short_notional.sum() == 0.0
    assert res.converged and res.rounds == 3
    assert res.amplification == pytest.approx((p3 / 100.0 - 1.0) / -0.10)
    assert res.to_frame().shape == (4, 6)
    assert res.summary().loc["rounds", "value"] == 3


def test_cascade_short_squeeze_mirror() -> None:
    # shorts at 10x from 100, 101, 102 liquidate at 110, 111.1, 112.2 (by hand, m = 0):
    # a +10% shock fires the first; buying pushes the price up into the others.
    book = PositionBook("short", [100.0, 101.0, 102.0], 10.0, 10.0, 0.0)
    res = simulate_cascade(book, 100.0, 0.10, PriceImpact(400.0, "linear"))
    assert res.short_count.tolist() == [1, 1, 1, 0]
    assert res.final_price > 112.2
    assert res.amplification > 1.0


def test_cascade_no_depth_limit_is_static() -> None:
    # with (numerically) infinite depth only the shock moves the price: amplification 1, and
    # exactly the positions with liquidation price >= 89.5 fire (here only the first)
    res = simulate_cascade(_three_longs(), 100.0, -0.105, PriceImpact(1e300))
    assert res.amplification == pytest.approx(1.0)
    assert res.long_count.sum() == 1
    assert res.rounds == 1


def test_cascade_bound_warning() -> None:
    with pytest.warns(CascadeBoundWarning, match="raise max_rounds"):
        res = simulate_cascade(
            _three_longs(), 100.0, -0.10, PriceImpact(400.0, "linear"), max_rounds=2
        )
    assert not res.converged
    assert res.price_path.size == res.long_notional.size == 2
    assert issubclass(CascadeBoundWarning, RiskkitWarning)


def test_cascade_errors() -> None:
    book = _three_longs()
    imp = PriceImpact(1e6)
    with pytest.raises(ValueError, match="shock must be non-zero"):
        simulate_cascade(book, 100.0, 0.0, imp)
    with pytest.raises(ValueError, match=r"shock must be in \(-1, inf\); got -1.0"):
        simulate_cascade(book, 100.0, -1.0, imp)
    with pytest.raises(ValueError, match="already past liquidation at price 89"):
        simulate_cascade(book, 89.0, -0.01, imp)
    with pytest.raises(TypeError, match="impact must be a PriceImpact"):
        simulate_cascade(book, 100.0, -0.1, 0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="book must be a PositionBook"):
        simulate_cascade(None, 100.0, -0.1, imp)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="margin_sensitivity must be >= 0"):
        simulate_cascade(book, 100.0, -0.1, imp, margin_sensitivity=-1.0)
    with pytest.raises(ValueError, match="max_rounds must be >= 1; got 0"):
        simulate_cascade(book, 100.0, -0.1, imp, max_rounds=0)


def _random_book(rng: np.random.Generator, n: int, price: float, n_rates: int) -> PositionBook:
    side = np.where(rng.random(n) < 0.6, "long", "short")
    entry = price * np.exp(rng.normal(0.0, 0.08, n))
    lev = rng.uniform(1.0, 60.0, n)
    rates = rng.choice(rng.uniform(0.0, 0.03, n_rates), n)
    size = rng.lognormal(0.0, 1.0, n)
    return PositionBook(side, entry, size, lev, rates).surviving(price)


def _assert_same(fast: CascadeResult, slow: CascadeResult) -> None:
    assert fast.converged == slow.converged
    np.testing.assert_array_equal(fast.long_count, slow.long_count)
    np.testing.assert_array_equal(fast.short_count, slow.short_count)
    np.testing.assert_allclose(fast.price_path, slow.price_path, rtol=1e-9)
    np.testing.assert_allclose(fast.long_notional, slow.long_notional, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(fast.short_notional, slow.short_notional, rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    n=st.integers(1, 60),
    n_rates=st.integers(1, 4),
    shock=st.floats(-0.3, 0.3).filter(lambda s: abs(s) > 1e-4),
    depth=st.floats(10.0, 1e5),
    model=st.sampled_from(["sqrt", "linear"]),
    beta=st.sampled_from([0.0, 0.05, 0.5]),
)
def test_fast_cascade_agrees_with_reference(
    seed: int, n: int, n_rates: int, shock: float, depth: float, model: str, beta: float
) -> None:
    rng = np.random.default_rng(seed)
    book = _random_book(rng, n, 100.0, n_rates)
    assume(len(book) > 0)
    imp = PriceImpact(depth, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CascadeBoundWarning)
        slow = _reference_cascade(book, 100.0, shock, imp, margin_sensitivity=beta)
        fast = simulate_cascade(book, 100.0, shock, imp, margin_sensitivity=beta)
    _assert_same(fast, slow)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), shock=st.floats(-0.3, -1e-3), depth=st.floats(10.0, 1e5))
def test_fixed_point_property(seed: int, shock: float, depth: float) -> None:
    # at the fixed point of a long-only book hit by a fall, the price path is non-increasing,
    # amplification >= 1, and exactly the longs with liquidation price >= final price are gone
    rng = np.random.default_rng(seed)
    book = _random_book(rng, 200, 100.0, 1)
    book = book.subset(book.sign > 0)
    assume(len(book) > 0)
    res = simulate_cascade(book, 100.0, shock, PriceImpact(depth, "sqrt"))
    assert res.converged
    assert (np.diff(res.price_path) <= 0).all()
    assert res.amplification >= 1.0 - 1e-12
    fired = int(res.long_count.sum())
    assert fired == int((book.liquidation_price >= res.final_price).sum())
    assert res.long_notional.sum() <= (book.size * 100.0).sum()


def test_cascade_large_book_matches_reference_on_a_subsample() -> None:
    rng = np.random.default_rng(7)
    book = _random_book(rng, 3000, 100.0, 3)
    imp = PriceImpact(2e4, "sqrt")
    _assert_same(
        simulate_cascade(book, 100.0, -0.04, imp, margin_sensitivity=0.1),
        _reference_cascade(book, 100.0, -0.04, imp, margin_sensitivity=0.1),
    )


def test_margin_spiral_with_continuous_rates_matches_reference() -> None:
    # every position has its own maintenance rate: one (side, rate) group per position
    rng = np.random.default_rng(8)
    book = _random_book(rng, 400, 100.0, 400)
    imp = PriceImpact(300.0, "linear")
    _assert_same(
        simulate_cascade(book, 100.0, -0.06, imp, margin_sensitivity=0.3),
        _reference_cascade(book, 100.0, -0.06, imp, margin_sensitivity=0.3),
    )


def test_liquidity_spiral_orders_and_decomposes() -> None:
    # a ladder of 10x longs: the margin spiral (beta = 0.2) fires more than constant margins,
    # which fires more than the shock alone
    entry = np.linspace(96.0, 110.0, 400)
    book = PositionBook("long", entry, 1.0, 10.0, 0.005)
    res = liquidity_spiral(book, 100.0, -0.05, PriceImpact(2000.0, "sqrt"), margin_sensitivity=0.2)
    nf, ls, ms = res.no_feedback, res.loss_spiral, res.margin_spiral
    assert nf.amplification == pytest.approx(1.0)
    assert ms.final_price < ls.final_price < nf.final_price
    assert ms.liquidated_notional > ls.liquidated_notional > nf.liquidated_notional
    dec = res.to_frame()["return"]
    assert dec["shock"] + dec["loss spiral"] + dec["margin spiral"] == pytest.approx(dec["total"])
    assert dec["shock"] == pytest.approx(-0.05)
    assert res.summary().shape == (3, 5)


# ------------------------------------------------------------------------------------------
# liquidation map
# ------------------------------------------------------------------------------------------


def test_liquidation_map_by_hand() -> None:
    # by hand: long liquidation 90 falls in [90, 100) (level 95), short 110 in [110, 120)
    book = PositionBook(
        ["long", "short", "long"], [100.0, 100.0, 100.0], [1.0, 2.0, 3.0], [10.0, 10.0, 2.0], 0.0
    )
    m = liquidation_map(book, 100.0, width=0.2, bins=4)
    df = m.to_frame()
    np.testing.assert_allclose(m.edges, [80.0, 90.0, 100.0, 110.0, 120.0])
    assert df["long_notional"].tolist() == [0.0, 90.0, 0.0, 0.0]  # 50 (2x) outside the range
    np.testing.assert_allclose(df["short_notional"], [0.0, 0.0, 0.0, 220.0], rtol=1e-12)
    assert df["cumulative_long"].tolist() == [90.0, 90.0, 0.0, 0.0]
    np.testing.assert_allclose(df["cumulative_short"], [0.0, 0.0, 0.0, 220.0], rtol=1e-12)
    assert m.summary().loc["short", "densest_level"] == 115.0


def test_liquidation_map_errors() -> None:
    book = _three_longs()
    with pytest.raises(ValueError, match=r"width must be in \(0, 1\); got 1.5"):
        liquidation_map(book, 100.0, width=1.5)
    with pytest.raises(ValueError, match="bins must be >= 2; got 1"):
        liquidation_map(book, 100.0, bins=1)
    with pytest.raises(TypeError, match="bins must be an int"):
        liquidation_map(book, 100.0, bins=2.5)  # type: ignore[arg-type]


def test_charts_are_altair_layers() -> None:
    alt = pytest.importorskip("altair")
    res = simulate_cascade(_three_longs(), 100.0, -0.10, PriceImpact(400.0, "linear"))
    for chart in (res.chart(), liquidation_map(_three_longs(), 100.0).chart()):
        assert isinstance(chart, alt.LayerChart)
        spec = chart.to_dict()
        assert spec["width"] <= 520
        assert spec["title"]
    cal_chart = calibrate_impact(np.arange(1.0, 21.0) * 1e6).chart()
    assert isinstance(cal_chart, alt.Chart)
    assert cal_chart.to_dict()["width"] <= 520


# ------------------------------------------------------------------------------------------
# econometrics on synthetic data with known coefficients
# ------------------------------------------------------------------------------------------


def _synthetic_liquidations(n: int = 2000) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(42)
    idx = pd.date_range("2024-01-01", periods=n, freq="4h", tz="UTC")
    ll = pd.Series(rng.exponential(1.0, n), index=idx)
    sl = pd.Series(rng.exponential(1.0, n), index=idx)
    doi = pd.Series(rng.normal(0.0, 1.0, n), index=idx)
    e = np.zeros(n)
    shocks = rng.normal(0.0, 0.01, n)
    for t in range(1, n):  # AR(1) errors: HAC matters
        e[t] = 0.5 * e[t - 1] + shocks[t]
    r = 0.001 - 0.004 * ll + 0.003 * sl + 0.002 * doi + e
    return pd.Series(r, index=idx), ll, sl, doi


def test_liquidation_regression_recovers_known_coefficients() -> None:
    import statsmodels.api as sm

    r, ll, sl, doi = _synthetic_liquidations()
    res = liquidation_regression(r, ll, sl, doi, hac_maxlag=5)
    truth = pd.Series(
        [0.001, -0.004, 0.003, 0.002],
        index=["const", "long_liquidations", "short_liquidations", "open_interest_change"],
    )
    assert ((res.params - truth).abs() < 4 * res.bse).all()
    # same numbers as statsmodels 0.15 OLS with cov_type="HAC", hac_maxlag=5
    X = sm.add_constant(pd.concat([ll, sl, doi], axis=1))
    ref = sm.OLS(r, X).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    np.testing.assert_allclose(res.bse.to_numpy(), ref.bse.to_numpy(), rtol=1e-10)
    assert res.nobs == 2000 and res.hac_maxlag == 5
    assert set(res.to_frame().columns) == {"params", "bse", "tvalues", "pvalues"}
    assert "HAC" in str(res.summary())


def test_liquidation_regression_aligns_and_drops_nan() -> None:
    r, ll, sl, _ = _synthetic_liquidations(200)
    ll = ll.copy()
    ll.iloc[:5] = np.nan
    res = liquidation_regression(r.iloc[:150], ll, sl)
    assert res.nobs == 145  # 150 aligned rows minus 5 NaN
    assert res.hac_maxlag == math.floor(4 * (145 / 100) ** (2 / 9))  # Newey-West rule, by hand


def test_liquidation_regression_errors() -> None:
    r, ll, sl, _ = _synthetic_liquidations(200)
    with pytest.raises(InsufficientDataError, match="at least 13 complete observations; got 5"):
        liquidation_regression(r.iloc[:5], ll, sl)
    with pytest.raises(TypeError, match="long_liquidations must be a pandas Series"):
        liquidation_regression(r, ll.to_numpy(), sl)  # type: ignore[arg-type]


def test_lead_lag_finds_known_lag() -> None:
    rng = np.random.default_rng(3)
    n = 1500
    x = pd.Series(rng.normal(size=n))
    y = 0.5 * x.shift(2) + pd.Series(rng.normal(0.0, 0.5, n))
    res = lead_lag(x, y, maxlag=4)
    tab = res.to_frame()
    assert res.peak_lag == 2
    params, bse = tab["params"].to_numpy(), tab["bse"].to_numpy()  # rows: lags -4..4
    assert abs(params[6] - 0.5) < 4 * bse[6]  # lag 2
    assert tab["pvalues"].to_numpy()[6] < 1e-6
    assert abs(params[4]) < 4 * bse[4]  # lag 0: no contemporaneous effect
    assert list(tab.index) == list(range(-4, 5))
    with pytest.raises(ValueError, match="maxlag must be an int >= 0"):
        lead_lag(x, y, maxlag=-1)


def test_hunting_test_detects_planted_effect_and_null() -> None:
    rng = np.random.default_rng(5)
    n = 3000
    above = pd.Series(rng.exponential(1.0, n))
    below = pd.Series(rng.exponential(1.0, n))
    toward = np.where(above > below, 1.0, -1.0)
    # planted: the next move heads to the denser side with probability 0.6 -> delta = 0.2
    direction = np.where(rng.random(n) < 0.6, toward, -toward)
    step = np.concatenate([[0.0], direction[:-1]]) * 0.01
    price = pd.Series(100.0 * np.exp(np.cumsum(step)))
    res = liquidation_hunting_test(price, above, below, horizon=1)
    assert res.nobs == n - 1
    assert abs(res.hit_rate - 0.6) < 0.03
    assert abs(res.params["above_denser"] - 0.2) < 4 * res.results.bse["above_denser"]
    assert res.pvalue < 1e-6
    # null: random directions -> hit rate near chance, no significant delta
    null_step = rng.choice([-0.01, 0.01], n)
    null_price = pd.Series(100.0 * np.exp(np.cumsum(null_step)))
    null = liquidation_hunting_test(null_price, above, below, horizon=3)
    assert abs(null.hit_rate - null.chance_rate) < 0.04
    assert null.hac_maxlag >= 3
    assert null.summary().loc["nobs", "value"] == null.nobs


def test_hunting_test_errors() -> None:
    p = pd.Series(np.linspace(1.0, 2.0, 20))
    with pytest.raises(InsufficientDataError, match="at least 30 complete observations; got 19"):
        liquidation_hunting_test(p, p, p * 0.5)
    with pytest.raises(ValueError, match="horizon must be an int >= 1"):
        liquidation_hunting_test(p, p, p, horizon=0)
    with pytest.raises(ValueError, match="liquidations_above must be >= 0"):
        liquidation_hunting_test(p, -p, p)


# ------------------------------------------------------------------------------------------
# grid and rolling density
# ------------------------------------------------------------------------------------------


def test_cascade_grid_matches_single_runs() -> None:
    book = _three_longs()
    grid = cascade_grid(
        book, 100.0, [-0.10, -0.12], [400.0, 4000.0], model="linear", margin_sensitivity=[0.0, 0.1]
    )
    assert grid.shape == (8, 7)
    # by hand, see simulate_cascade docstring: 900 + 10 x 88.993 + 10 x 88.009 = 2670.0 at
    # depth 400; at depth 4000 the first sale moves the price only to 89.90 > 89.1
    assert grid.loc[(-0.10, 400.0, 0.0), "long_notional"] == pytest.approx(2670.02, abs=0.01)
    assert grid.loc[(-0.10, 4000.0, 0.0), "long_notional"] == pytest.approx(900.0)
    for key, row in grid.iterrows():
        sh, d, b = (float(v) for v in key)  # type: ignore[attr-defined]
        one = simulate_cascade(book, 100.0, sh, PriceImpact(d, "linear"), margin_sensitivity=b)
        assert row["final_price"] == one.final_price
        assert row["rounds"] == one.rounds
    with pytest.raises(ValueError, match="shocks must be non-zero"):
        cascade_grid(book, 100.0, [-0.1, 0.0], [1.0])
    with pytest.raises(ValueError, match="depths must be > 0"):
        cascade_grid(book, 100.0, [-0.1], [1.0, -1.0])


def _random_oi(n: int, seed: int) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2025-01-01", periods=n, freq="1h", tz="UTC")
    price = pd.Series(100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.02, n))), index=idx)
    oi = pd.Series(1e6 * np.exp(np.cumsum(rng.normal(0.0, 0.05, n))), index=idx)
    low = pd.Series(price.to_numpy() * np.exp(-np.abs(rng.normal(0.0, 0.01, n))), index=idx)
    high = pd.Series(price.to_numpy() * np.exp(np.abs(rng.normal(0.0, 0.01, n))), index=idx)
    return price, oi, low, high


def test_liquidation_density_matches_book_and_has_no_lookahead() -> None:
    price, oi, low, high = _random_oi(120, 11)
    kw = {"leverage": [3.0, 10.0, 50.0], "low": low, "high": high, "band": 0.08}
    dens = liquidation_density(price, oi, lookback=500, **kw)  # type: ignore[arg-type]
    # the last row equals the map of the full-sample book within the band
    book = book_from_open_interest(price, oi, leverage=[3.0, 10.0, 50.0], low=low, high=high)
    p = float(price.iloc[-1])
    liq, notional = book.liquidation_price, book.size * book.liquidation_price
    below = notional[(book.sign > 0) & (liq >= p * 0.92) & (liq < p)].sum()
    above = notional[(book.sign < 0) & (liq <= p * 1.08) & (liq > p)].sum()
    assert dens["below"].iloc[-1] == pytest.approx(below, rel=1e-10)
    assert dens["above"].iloc[-1] == pytest.approx(above, rel=1e-10)
    # no look-ahead: rows up to t do not change when the data after t is dropped
    t = 70
    cut = {k: (v.iloc[: t + 1] if isinstance(v, pd.Series) else v) for k, v in kw.items()}
    early = liquidation_density(price.iloc[: t + 1], oi.iloc[: t + 1], lookback=500, **cut)  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(early, dens.iloc[: t + 1])
    # a short lookback forgets old cohorts: never more notional than the full history
    short = liquidation_density(price, oi, lookback=10, **kw)  # type: ignore[arg-type]
    assert (short.to_numpy() <= dens.to_numpy() * (1 + 1e-12) + 1e-9).all()
    with pytest.raises(ValueError, match="lookback must be >= 1; got 0"):
        liquidation_density(price, oi, lookback=0)


def test_empty_book_from_falling_open_interest() -> None:
    # by hand: open interest only falls, so no position is estimated; nothing can cascade
    p = pd.Series([100.0, 100.0, 100.0])
    book = book_from_open_interest(p, pd.Series([1000.0, 900.0, 800.0]))
    assert len(book) == 0
    res = simulate_cascade(book, 100.0, -0.05, PriceImpact(1e6))
    assert res.converged and res.rounds == 0
    assert res.final_price == pytest.approx(95.0)
    assert liquidation_map(book, 100.0).summary()["notional"].sum() == 0.0


# ------------------------------------------------------------------------------------------
# critical depth and the heat map (added for chapter 4)
# ------------------------------------------------------------------------------------------


def test_critical_depth_brackets_the_by_hand_cascade() -> None:
    # by hand (docstring of simulate_cascade): at depth 400 (linear) the three longs all fire and
    # the move is -12.95%; at depth 500 the second long survives (-10.8%), so D* is in (400, 500)
    book = _three_longs()
    d = critical_depth(book, 100.0, -0.10, -0.125, model="linear", depth_range=(10.0, 1e6))
    assert 400.0 < d < 500.0
    below = simulate_cascade(book, 100.0, -0.10, PriceImpact(d * 0.999, "linear"))
    above = simulate_cascade(book, 100.0, -0.10, PriceImpact(d * 1.002, "linear"))
    assert below.total_return <= -0.125 < above.total_return


def test_critical_depth_edges_and_errors() -> None:
    book = _three_longs()
    # reached even with the deepest book tried: the upper end of the range
    assert critical_depth(book, 100.0, -0.10, -0.10, depth_range=(1.0, 1e9)) == 1e9
    # never reached (the whole book sold cannot move the price 90%)
    assert math.isnan(critical_depth(book, 100.0, -0.10, -0.9, depth_range=(1e3, 1e6)))
    with pytest.raises(ValueError, match="target_return must have the sign of shock"):
        critical_depth(book, 100.0, -0.10, 0.2)
    with pytest.raises(ValueError, match="target_return must have the sign of shock"):
        critical_depth(book, 100.0, -0.10, -0.05)
    with pytest.raises(ValueError, match="depth_range must be an increasing pair"):
        critical_depth(book, 100.0, -0.10, -0.2, depth_range=(10.0, 1.0))
    with pytest.raises(ValueError, match="rtol must be > 0"):
        critical_depth(book, 100.0, -0.10, -0.2, rtol=0.0)


def test_critical_depth_short_squeeze_mirror() -> None:
    shorts = PositionBook("short", [100.0, 101.0, 102.0], 10.0, 10.0, 0.0)
    d = critical_depth(shorts, 100.0, 0.10, 0.125, model="linear", depth_range=(10.0, 1e6))
    assert simulate_cascade(shorts, 100.0, 0.10, PriceImpact(d, "linear")).total_return >= 0.125


def test_cascade_heatmap_spec() -> None:
    alt = pytest.importorskip("altair")
    df = pd.DataFrame(
        {
            "depth": ["1x", "1x", "10x", "10x"],
            "mix": ["a", "b", "a", "b"],
            "r": [-0.3, -0.2, -0.05, -0.03],
        }
    )
    chart = cascade_heatmap(df, x="depth", y="mix", value="r", title="t", x_title="d", y_title="m")
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert spec["width"] <= 520
    assert spec["layer"][0]["encoding"]["x"]["sort"] == ["1x", "10x"]
    with pytest.raises(KeyError, match="missing columns"):
        cascade_heatmap(df, x="depth", y="nope", value="r", title="t", x_title="d", y_title="m")


def test_liquidation_map_chart_marks() -> None:
    pytest.importorskip("altair")
    m = liquidation_map(_three_longs(), 100.0)
    spec = m.chart(marks={"crash low": 87.0}).to_dict()
    assert len(spec["layer"]) == 4
    assert len(m.chart().to_dict()["layer"]) == 2


# ------------------------------------------------------------------------------------------
# Leverage mixes, regression tables and event summaries
# ------------------------------------------------------------------------------------------


def test_leverage_mix_grid_matches_cascade_grid_and_by_hand_leverage() -> None:
    close = pd.Series([100.0, 100.0, 100.0])
    oi = pd.Series([0.0, 1_000.0, 1_000.0])
    mixes = {"low": [2.0], "high": [10.0, 20.0]}
    g = leverage_mix_grid(close, oi, mixes, 100.0, [-0.05, -0.2], [1e3, 1e4], model="linear")
    assert g["book"].tolist() == ["low"] * 4 + ["high"] * 4
    # 10 BTC, half long: two 2.5 BTC cohorts a side at 10x and 20x; margin 2*(25 + 12.5) = 75
    high = g[g["book"] == "high"]
    assert high["book_notional"].iloc[0] == pytest.approx(1_000.0)
    assert high["book_leverage"].iloc[0] == pytest.approx(1_000.0 / 75.0)
    assert g.loc[g["book"] == "low", "book_leverage"].iloc[0] == pytest.approx(2.0)
    book = book_from_open_interest(close, oi, leverage=[10.0, 20.0]).surviving(100.0)
    direct = cascade_grid(book, 100.0, [-0.05, -0.2], [1e3, 1e4], model="linear")
    np.testing.assert_allclose(high["total_return"].to_numpy(), direct["total_return"].to_numpy())
    # a -20 % shock liquidates the 10x and 20x longs but never the 2x ones
    assert (g.loc[g["book"] == "low", "long_notional"] == 0.0).all()
    assert (high.loc[high["shock"] == -0.2, "long_notional"] > 0.0).all()
    with pytest.raises(ValueError, match="mixes"):
        leverage_mix_grid(close, oi, {}, 100.0, [-0.05], [1e3])


def test_regression_table_cells_and_missing_regressors() -> None:
    rng = np.random.default_rng(3)
    ll = pd.Series(rng.exponential(1.0, 300))
    sl = pd.Series(rng.exponential(1.0, 300))
    r = -0.02 * ll + 0.01 * sl + pd.Series(rng.normal(0, 0.001, 300))
    a = liquidation_regression(r, ll, sl)
    b = liquidation_regression(r, ll, sl, pd.Series(rng.normal(0, 1, 300)))
    t = regression_table({"a": a, "b": b})
    assert list(t.columns) == ["a", "b"]
    assert t.index[-2:].tolist() == ["R²", "observations"]
    bl, tl = a.params["long_liquidations"], a.tvalues["long_liquidations"]
    assert t.loc["long_liquidations", "a"] == f"{bl:+.4f} ({tl:+.1f})"
    assert t.loc["long_liquidations", "a"].startswith("-0.0200")
    assert t.loc["open_interest_change", "a"] == "–"
    assert t.loc["observations", "b"] == "300"
    with pytest.raises(ValueError, match="at least one"):
        regression_table({})


def test_open_interest_drop_by_hand() -> None:
    idx = pd.to_datetime(["2025-10-10 16:00", "2025-10-10 20:00"])
    price = pd.Series([120_000.0, 100_000.0], idx)
    oi = pd.Series([60e9, 40e9], idx)  # 500,000 BTC, then 400,000 BTC
    out = open_interest_drop(
        price, oi, pd.Series([0.0, 2e9], idx), pd.Series([0.0, 0.5e9], idx), idx[0], idx[1]
    )
    assert out["oi_lost"] == pytest.approx(20e9)
    assert out["oi_lost_share"] == pytest.approx(1 / 3)
    assert out["oi_base_lost"] == pytest.approx(100_000.0)
    assert out["oi_base_lost_share"] == pytest.approx(0.2)
    assert out["oi_base_lost_value"] == pytest.approx(10e9)
    assert out["liquidations"] == pytest.approx(2.5e9)
    assert out["long_share"] == pytest.approx(0.8)
    assert out["oi_lost_to_liquidations"] == pytest.approx(4.0)
    # the quote-currency loss exceeds the coin loss when the price falls
    assert out["oi_lost_share"] > out["oi_base_lost_share"]
    with pytest.raises(KeyError):
        open_interest_drop(price, oi, oi, oi, idx[0], pd.Timestamp("2030-01-01"))


def test_liquidations_by_asset_rows_add_up() -> None:
    idx = pd.to_datetime(
        ["2021-05-19 01:00", "2021-05-19 02:00", "2021-05-19 03:00", "2021-05-21 00:00"]
    )
    ev = pd.DataFrame(
        {"usd": [1.0, 2.0, 4.0, 8.0], "coll": ["WETH", "LINK", "WBTC", "WETH"]}, index=idx
    )
    out = liquidations_by_asset(ev, value="usd", asset="coll", assets=["WBTC", "WETH"])
    assert out.columns.tolist() == ["WBTC", "WETH", "other"]
    assert out.index.tolist() == list(pd.to_datetime(["2021-05-19", "2021-05-21"]))
    np.testing.assert_allclose(out.sum(axis=1), ev["usd"].resample("D").sum().loc[out.index])
    assert out.loc["2021-05-19", "other"] == 2.0
    assert out.loc["2021-05-21", "WBTC"] == 0.0
    # an asset with no events still gets its column
    assert (liquidations_by_asset(ev, value="usd", asset="coll", assets=["DAI"])["DAI"] == 0).all()
    with pytest.raises(KeyError, match="no column"):
        liquidations_by_asset(ev, value="usd", asset="nope", assets=["WETH"])


# ------------------------------------------------------------------------------------------
# inputs that can't be silently misread
# ------------------------------------------------------------------------------------------
def _hunting_inputs() -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(2)
    idx = pd.date_range("2024-01-01", periods=200, freq="h")
    price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 200))), index=idx)
    above = pd.Series(rng.exponential(1.0, 200), index=idx)
    below = pd.Series(rng.exponential(1.0, 200), index=idx)
    return price, above, below


def test_time_series_analyses_reject_reversed_order() -> None:
    price, above, below = _hunting_inputs()
    with pytest.raises(ValueError, match=r"price must be in increasing time order"):
        liquidation_hunting_test(price.iloc[::-1], above, below)
    with pytest.raises(ValueError, match=r"y must be in increasing time order"):
        lead_lag(above, below.sample(frac=1.0, random_state=0))


def test_open_interest_drop_rejects_negative_prices() -> None:
    idx = pd.Index([0, 1])
    oi = pd.Series([1e6, 4e5], idx)
    liq = pd.Series([0.0, 5e4], idx)
    with pytest.raises(ValueError, match=r"price must be > 0; got -80.0"):
        open_interest_drop(pd.Series([100.0, -80.0], idx), oi, liq, liq, 0, 1)
    with pytest.raises(ValueError, match=r"open_interest must be >= 0"):
        open_interest_drop(pd.Series([100.0, 80.0], idx), -oi, liq, liq, 0, 1)


# --------------------------------------------------------------------------------------------
# boundary checks: a wrong type or shape is a domain error naming the argument (test_fuzz.py)
# --------------------------------------------------------------------------------------------


def test_cascade_grid_rejects_a_non_book_and_a_2d_grid() -> None:
    book = PositionBook("long", [100.0, 99.0], 10.0, 10.0, 0.0)
    with pytest.raises(TypeError, match=r"book must be a PositionBook; got list \[\]"):
        cascade_grid([], 100.0, [-0.1], [400.0])  # type: ignore[arg-type]
    with pytest.raises(
        ValueError,
        match=r"shocks must be a number or a 1-D sequence; got ndarray of shape \(2, 2\)",
    ):
        cascade_grid(book, 100.0, np.full((2, 2), -0.1), [400.0])


def test_liquidity_spiral_rejects_a_non_impact() -> None:
    book = PositionBook("long", [100.0, 99.0], 10.0, 10.0, 0.0)
    with pytest.raises(TypeError, match=r"impact must be a PriceImpact; got str 'sqrt'"):
        liquidity_spiral(book, 100.0, -0.05, "sqrt")  # type: ignore[arg-type]


def test_leverage_mix_grid_rejects_mixes_that_are_not_a_mapping() -> None:
    s = pd.Series([100.0, 100.0, 100.0])
    with pytest.raises(
        TypeError, match=r"mixes must be a mapping of label -> .*; got list \[2.0, 10.0\]"
    ):
        leverage_mix_grid(s, s, [2.0, 10.0], 100.0, [-0.05], [1e3])  # type: ignore[arg-type]


def test_liquidations_by_asset_rejects_a_non_frame() -> None:
    with pytest.raises(TypeError, match=r"events must be a pandas DataFrame; got list \[\]"):
        liquidations_by_asset([], value="usd", asset="coll", assets=["WETH"])  # type: ignore[arg-type]


def test_open_interest_drop_rejects_a_non_series_and_a_naive_date_on_an_aware_index() -> None:
    idx = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC")
    s = pd.Series([100.0, 90.0, 80.0], idx)
    with pytest.raises(
        TypeError, match=r"open_interest must be a pandas Series; got ndarray of shape \(3,\)"
    ):
        open_interest_drop(s, s.to_numpy(), s, s, idx[0], idx[1])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"before is tz-naive but price.index is tz-aware \(UTC\)"):
        open_interest_drop(s, s, s, s, pd.Timestamp("2024-01-01"), idx[1])


def test_regression_table_rejects_a_non_mapping_and_a_non_regression() -> None:
    with pytest.raises(TypeError, match=r"regressions must be a mapping .*; got list \['a'\]"):
        regression_table(["a"])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"regressions\['a'\] must be a LiquidationRegression; got float 1.0"
    ):
        regression_table({"a": 1.0})  # type: ignore[dict-item]


def _aware_and_naive() -> tuple[pd.Series, pd.Series]:
    idx = pd.date_range("2024-01-01", periods=60, freq="D", tz="UTC")
    aware = pd.Series(100.0 + np.random.default_rng(0).normal(size=60).cumsum() ** 2, idx)
    return aware, aware.tz_localize(None)


@pytest.mark.parametrize(
    ("call", "naive_name"),
    [
        (lambda a, n: book_from_open_interest(a, n, leverage=[10.0]), "open_interest"),
        (lambda a, n: liquidation_density(a, n), "open_interest"),
        (lambda a, n: lead_lag(a, n), "y"),
        (lambda a, n: liquidation_regression(a.pct_change(), a, n), "short_liquidations"),
        (lambda a, n: liquidation_hunting_test(a, a, n), "liquidations_below"),
    ],
)
def test_tz_naive_and_tz_aware_inputs_are_a_value_error(call, naive_name) -> None:  # type: ignore[no-untyped-def]
    aware, naive = _aware_and_naive()
    with pytest.raises(ValueError, match=rf"{naive_name}.index is tz-naive but .* is tz-aware"):
        call(aware, naive)
