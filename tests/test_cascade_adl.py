"""Tests of riskkit.cascade.adl: insurance fund, auto-deleveraging and its probability by light."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit.cascade import (
    ADL_RANKINGS,
    AdlProbability,
    AdlResult,
    PositionBook,
    PriceImpact,
    adl_probability,
    simulate_adl,
    simulate_cascade,
)

# Hand-worked book (by hand, see the simulate_adl docstring): a 20x long of 10 units at 100
# (bankruptcy 95) and two profitable shorts after a -10 % shock. Depth is huge so the price
# stays at 90 and the long is closed at 90, 50 USD beyond bankruptcy.
HAND = PositionBook(["long", "short", "short"], [100.0, 100.0, 110.0], [10.0, 6.0, 5.0],
                    [20.0, 10.0, 2.0])  # fmt: skip
DEEP = PriceImpact(1e12, "linear")
HAND_DEFICIT = 10 * (95.0 - 90.0)  # 50 USD
# Scores at mark 90 (by hand). Binance: short 1 uPnL 60, WB 60, MM 0.005*6*90 = 2.7,
#   R = (60/60) * 2.7/120 = 0.0225; short 2 uPnL 100, WB 275, MM 2.25, R = (100/275)*2.25/375
#   = 0.00218. BitMEX/Bybit: short 1 pi = 0.1, L_eff = 90/(110-90) = 4.5, R = 0.45; short 2
#   pi = 0.1818, L_eff = 90/(165-90) = 1.2, R = 0.218. Short 1 is first under both rules.
HAND_SCORES = {"binance": (0.0225, 100 / 275 * 2.25 / 375), "bitmex": (0.45, 20 / 110 * 1.2)}


def _random_book(seed: int, n: int = 200, price: float = 100.0) -> PositionBook:
    rng = np.random.default_rng(seed)
    side = np.where(rng.random(n) < 0.5, "long", "short")
    entry = price * np.exp(rng.normal(0.0, 0.05, n))
    lev = rng.choice([5.0, 10.0, 25.0, 50.0, 100.0], n)
    book = PositionBook(side, entry, rng.lognormal(0.0, 1.0, n), lev)
    return book.surviving(price)


@pytest.mark.parametrize("ranking", ["binance", "bitmex", "bybit"])
def test_hand_example_fund_zero_top_ranked_short_first(ranking: str) -> None:
    res = simulate_adl(HAND, 100.0, -0.10, DEEP, 0.0, ranking=ranking)
    fills = res.deleveraged
    # the whole 10 units of the long are closed against shorts at its bankruptcy price 95:
    # short 1 (top-ranked) gives all 6 units, 6 x (95 - 90) = 30 USD; short 2 gives 4 of 5, 20 USD
    assert fills["position"].tolist() == [1, 2]
    np.testing.assert_allclose(fills["price"], [95.0, 95.0], rtol=1e-12)
    np.testing.assert_allclose(fills["size"], [6.0, 4.0], rtol=1e-9)
    np.testing.assert_allclose(fills["amount"], [30.0, 20.0], rtol=1e-6)
    expected = HAND_SCORES["binance" if ranking == "binance" else "bitmex"]
    np.testing.assert_allclose(fills["score"], expected, rtol=1e-3)
    np.testing.assert_allclose(res.deleveraged_size, [0.0, 6.0, 4.0], rtol=1e-9, atol=1e-9)
    assert res.total_deficit == pytest.approx(HAND_DEFICIT, rel=1e-6)
    assert res.total_adl == pytest.approx(HAND_DEFICIT, rel=1e-6)
    assert res.fund_exhausted


def test_hand_example_partial_fund_then_adl() -> None:
    # fund 20 pays 20 of the 50; ADL covers 30: 10 x 30/50 = 6 units from short 1 only
    res = simulate_adl(HAND, 100.0, -0.10, DEEP, 20.0)
    assert res.fund_draw.sum() == pytest.approx(20.0)
    assert res.deleveraged["position"].tolist() == [1]
    assert res.deleveraged["size"].iloc[0] == pytest.approx(6.0, rel=1e-9)
    assert res.total_adl == pytest.approx(30.0, rel=1e-6)
    assert res.fund_path[-1] == pytest.approx(0.0, abs=1e-9)


def test_large_fund_means_no_adl() -> None:
    res = simulate_adl(HAND, 100.0, -0.10, DEEP, 1e6)
    assert res.deleveraged.empty
    assert res.total_adl == 0.0
    assert not res.fund_exhausted
    assert res.fund_draw.sum() == pytest.approx(HAND_DEFICIT, rel=1e-6)
    assert res.fund_path[-1] == pytest.approx(1e6 - HAND_DEFICIT, rel=1e-9)


def test_no_profitable_counterparty_leaves_the_deficit_uncovered() -> None:
    only_long = PositionBook("long", 100.0, 10.0, 20.0)
    res = simulate_adl(only_long, 100.0, -0.10, DEEP, 0.0)
    assert res.total_adl == 0.0
    assert res.uncovered.sum() == pytest.approx(HAND_DEFICIT, rel=1e-6)
    assert res.fund_exhausted


def test_surplus_feeds_the_fund() -> None:
    # by hand: a 10x long at 100 has bankruptcy 90 and liquidation 90/0.995 = 90.45; a -9.6 %
    # shock closes it at 90.4, leaving 10 x (90.4 - 90) = 4 USD of equity for the fund
    book = PositionBook("long", 100.0, 10.0, 10.0)
    on = simulate_adl(book, 100.0, -0.096, DEEP, 0.0)
    off = simulate_adl(book, 100.0, -0.096, DEEP, 0.0, surplus_to_fund=False)
    assert on.surplus.sum() == pytest.approx(4.0, rel=1e-6)
    assert on.fund_path[-1] == pytest.approx(4.0, rel=1e-6)
    assert off.fund_path[-1] == 0.0


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    shock=st.sampled_from([-0.08, -0.04, -0.02, 0.03, 0.06]),
    fund=st.floats(0.0, 500.0),
    depth=st.sampled_from([2e3, 2e4, 2e5]),
    ranking=st.sampled_from(ADL_RANKINGS),
)
def test_conservation_deficit_is_fund_draw_plus_adl(
    seed: int, shock: float, fund: float, depth: float, ranking: str
) -> None:
    book = _random_book(seed)
    res = simulate_adl(book, 100.0, shock, PriceImpact(depth), fund, ranking=ranking)
    total = res.fund_draw.sum() + res.adl_amount.sum() + res.uncovered.sum()
    assert res.total_deficit == pytest.approx(total, rel=1e-9, abs=1e-9)
    assert res.deleveraged["amount"].sum() == pytest.approx(res.total_adl, rel=1e-9, abs=1e-9)
    assert np.all(res.fund_path >= -1e-9)
    # fund identity: final = initial + surplus - draw
    final = fund + res.surplus.sum() - res.fund_draw.sum()
    assert res.fund_path[-1] == pytest.approx(final, rel=1e-9, abs=1e-6)
    # ADL never closes more than a position holds, and only the side that gains
    assert np.all(res.deleveraged_size <= book.size + 1e-9)
    gain = -1.0 if shock < 0 else 1.0
    assert np.all(res.deleveraged_size[book.sign != gain] == 0.0)
    # the cascade underneath is simulate_cascade's
    ref = simulate_cascade(book, 100.0, shock, PriceImpact(depth))
    np.testing.assert_array_equal(res.cascade.price_path, ref.price_path)


def _graded_book(seed: int) -> PositionBook:
    # longs near the price at high leverage (the liquidated side) and 50 shorts opened at 105
    # with leverage 2..50: the same PnL fraction at every price, so both rankings order the
    # shorts by leverage whatever the price, and a short is reached only once every
    # higher-ranked short is closed; the probability must then rise with the light
    rng = np.random.default_rng(seed)
    n = 150
    longs = PositionBook("long", 100.0 * np.exp(rng.normal(0, 0.01, n)), rng.lognormal(-3, 1, n),
                         rng.choice([25.0, 50.0, 100.0], n))  # fmt: skip
    shorts = PositionBook("short", 105.0, 1.0, np.linspace(2.0, 50.0, 50))
    return PositionBook.concat([longs, shorts]).surviving(100.0)


@pytest.mark.parametrize("ranking", ADL_RANKINGS)
def test_adl_probability_rises_with_the_light(ranking: str) -> None:
    books = [_graded_book(s) for s in range(3)]
    out = adl_probability(books, 100.0, [-0.06, -0.04, -0.03], [2e3, 5e3], [0.0, 20.0, 100.0],
                          n_sims=80, seed=7, ranking=ranking)  # fmt: skip
    p = out.table["probability"].to_numpy()
    assert np.all(np.diff(p) >= 0), p
    assert p[-1] > p[0]
    assert out.table["positions"].tolist() == [out.n_sims * 10] * 5
    assert 0.0 < out.adl_share <= 1.0


def test_adl_probability_is_reproducible_with_a_seed() -> None:
    book = _random_book(1)
    kw = {"n_sims": 30, "ranking": "binance"}
    a = adl_probability(book, 100.0, [-0.05, -0.03], [2e4, 1e5], [0.0, 100.0], seed=3, **kw)
    b = adl_probability(book, 100.0, [-0.05, -0.03], [2e4, 1e5], [0.0, 100.0], seed=3, **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert a.seed == 3
    g = adl_probability(
        book, 100.0, [-0.05, -0.03], [2e4, 1e5], [0.0, 100.0],
        seed=np.random.default_rng(3), **kw,
    )  # fmt: skip
    assert g.seed is None


def test_large_fund_gives_zero_probability() -> None:
    out = adl_probability(HAND, 100.0, [-0.10], [1e12], [1e6], n_sims=5)
    assert out.adl_share == 0.0
    assert out.table["deleveraged"].sum() == 0


def test_results_are_frozen_and_display() -> None:
    res = simulate_adl(HAND, 100.0, -0.10, DEEP, 0.0)
    assert isinstance(res, AdlResult)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.insurance_fund = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.fund_path[0] = 1.0
    assert res.to_frame().columns.tolist()[:2] == ["price", "deficit"]
    assert res.summary().loc["adl_amount", "value"] == pytest.approx(50.0, rel=1e-6)
    assert "<h4>AdlResult</h4>" in res._repr_html_()
    assert res.chart().to_dict()["width"] == 480
    out = adl_probability(HAND, 100.0, [-0.10], [1e12], [0.0], n_sims=2)
    assert isinstance(out, AdlProbability)
    assert out.chart().to_dict()["width"] <= 520
    assert out.probability.index.tolist() == [1, 2, 3, 4, 5]
    assert "AdlProbability" in out._repr_html_()
    assert out.summary().loc["n_sims", "value"] == 2
    pd.testing.assert_frame_equal(out.to_frame(), out.table)


def test_validation_names_the_argument() -> None:
    with pytest.raises(ValueError, match="insurance_fund must be a finite number >= 0; got -1"):
        simulate_adl(HAND, 100.0, -0.1, DEEP, -1.0)
    with pytest.raises(ValueError, match="ranking"):
        simulate_adl(HAND, 100.0, -0.1, DEEP, 0.0, ranking="okx")
    with pytest.raises(TypeError, match="surplus_to_fund must be a bool"):
        simulate_adl(HAND, 100.0, -0.1, DEEP, 0.0, surplus_to_fund=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="book must be a PositionBook"):
        simulate_adl("book", 100.0, -0.1, DEEP, 0.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shocks must be a non-empty"):
        adl_probability(HAND, 100.0, [], [1e6], [0.0])
    with pytest.raises(ValueError, match="shocks must be"):
        adl_probability(HAND, 100.0, [0.0], [1e6], [0.0])
    with pytest.raises(ValueError, match="depths"):
        adl_probability(HAND, 100.0, [-0.1], [-1.0], [0.0])
    with pytest.raises(ValueError, match="insurance_funds"):
        adl_probability(HAND, 100.0, [-0.1], [1e6], [-5.0])
    with pytest.raises(ValueError, match="n_sims must be an int >= 1; got 0"):
        adl_probability(HAND, 100.0, [-0.1], [1e6], [0.0], n_sims=0)
    with pytest.raises(ValueError, match="books must hold at least one"):
        adl_probability([], 100.0, [-0.1], [1e6], [0.0])
    with pytest.raises(TypeError, match="books must hold PositionBook"):
        adl_probability([HAND, "x"], 100.0, [-0.1], [1e6], [0.0])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="impact_model"):
        adl_probability(HAND, 100.0, [-0.1], [1e6], [0.0], impact_model="cubic")
