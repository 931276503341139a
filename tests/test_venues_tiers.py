"""The dated risk-limit tables of Bybit, OKX, Gate and BitMEX (riskkit/venues/data/*.toml).

Each table is checked against a number its source prints (the source is named next to the
expected value), at its tier boundaries, and against a naive reference of the venue's rule.
OKX counts its tiers in contracts of position size: the tests check the conversion to riskkit
``size`` units and that the tier does not move with the price.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit import venues
from riskkit.exceptions import TierMismatchWarning
from riskkit.liquidation import liquidation_price
from riskkit.margin import MarginTiers, maintenance_amounts
from riskkit.venues.calculator import calculator_rates

BYBIT = venues.get("bybit")
OKX = venues.get("okx")
GATE = venues.get("gate")
BITMEX = venues.get("bitmex")


# ============================================================================ Bybit
# https://bybitx.global/pt-PT/announcement-info/margin-parameters (Bybit margin parameters,
# BTCUSDT USDT perpetual): printed risk limits, MMR and deductions of the 20 tiers
BYBIT_PRINTED_DEDUCTION = [
    0, 1_200, 3_020, 4_300, 5_820, 8_460, 15_460, 20_500, 46_000, 66_000,
    80_000, 160_000, 300_000, 452_000, 502_000, 777_000, 837_000, 967_000, 1_107_000, 1_482_000,
]  # fmt: skip


def test_bybit_btcusdt_printed_deductions_follow_the_page_rule() -> None:
    t = BYBIT.tiers("BTCUSDT")
    assert t.n_tiers == 20 and t.notional_cap[-1] == 80_000_000.0
    assert t.maintenance_amount.tolist() == BYBIT_PRINTED_DEDUCTION  # as printed
    # the page's rule: deduction_n = limit_(n-1) x (MMR_n - MMR_(n-1)) + deduction_(n-1)
    np.testing.assert_allclose(
        maintenance_amounts(t.notional_floor, t.maintenance_margin_rate),
        BYBIT_PRINTED_DEDUCTION,
        atol=1e-6,
    )


def test_bybit_btcusdt_boundaries_and_by_hand_price() -> None:
    t = BYBIT.tiers("BTCUSDT")
    assert t.lookup(1_999_999.0) == (0.005, 0.0)
    assert t.lookup(2_000_000.0) == (0.0056, 1200.0)  # floor <= V < cap
    # maintenance margin is continuous at every floor (the deduction's purpose)
    f = t.notional_floor[1:]
    below = f * t.maintenance_margin_rate[:-1] - t.maintenance_amount[:-1]
    above = f * t.maintenance_margin_rate[1:] - t.maintenance_amount[1:]
    np.testing.assert_allclose(below, above, rtol=1e-12)
    # by hand (UTA isolated, maintenance fixed at entry): 100 BTC at 30,000 = 3,000,000 USDT,
    # tier 3 (0.63%, deduction 3,020): MM = 18,900 - 3,020 = 15,880; LP = E - (M - MM)/Q
    p = BYBIT.liquidation_price("BTCUSDT", "long", 30_000.0, 100.0, 300_000.0)
    assert p == pytest.approx(30_000.0 - (300_000.0 - 15_880.0) / 100.0, rel=1e-12)
    with pytest.warns(TierMismatchWarning):
        t.lookup(90_000_000.0)


def test_bybit_as_of_picks_the_older_tier1_table() -> None:
    assert BYBIT.tiers("BTCUSDT", as_of="2026-12-01").n_tiers == 1
    with pytest.raises(ValueError, match="as_of must not precede the first snapshot of bybit"):
        BYBIT.tiers("BTCUSDT", as_of="2026-01-01")


# ============================================================================ Gate
def _gate_graded_mm(t: MarginTiers, v: float) -> float:
    # Gate "Leverage and Margin": the lowest tier's MMR on the first slice, each next tier's MMR
    # only on the part of the value above the previous limit
    caps = np.minimum(t.notional_cap, v)
    part = np.clip(caps - t.notional_floor, 0.0, None)
    return float(np.sum(part * t.maintenance_margin_rate))


def test_gate_page_example_max_position_by_leverage() -> None:
    # https://bi.live/pt/help/futures/futures-logic/22162 (Gate "Risk Limit Explanation",
    # 2025-09-30): with no position, 90x allows 100,000 USDT, 30x 1,000,000 and 2x 3,000,000
    t = GATE.tiers("BTC_USDT")

    def max_position(lev: float) -> float:
        return float(t.notional_cap[t.max_leverage >= lev].max())

    assert max_position(90.0) == 100_000.0
    assert max_position(30.0) == 1_000_000.0
    assert max_position(2.0) == 3_000_000.0
    assert t.tier_basis == "liquidation"  # the tier follows the position value


@settings(max_examples=60, deadline=None)
@given(v=st.floats(1.0, 4_999_999.0))
def test_gate_table_equals_graded_calculation(v: float) -> None:
    t = GATE.tiers("BTC_USDT")
    assert float(t.maintenance_margin(v)) == pytest.approx(_gate_graded_mm(t, v), rel=1e-12)


@pytest.mark.parametrize("side", ["long", "short"])
@pytest.mark.parametrize("lev", [2.0, 10.0, 20.0])  # allowed at 1.8M USDT (tier 6: 25x)
def test_gate_price_from_profile_alone_matches_bisection(side: str, lev: float) -> None:
    # naive reference: bisect equity(P) = graded MM(QP) + taker fee x QP on the mark notional
    t = GATE.tiers("BTC_USDT")
    f = 0.0005  # profile default (ccxt VIP0 swap taker)
    s = 1.0 if side == "long" else -1.0
    e, q = 60_000.0, 30.0  # 1,800,000 USDT: tier 6 at entry
    m = q * e / lev

    def gap(p: float) -> float:
        return m + s * q * (p - e) - _gate_graded_mm(t, q * p) - f * q * p

    lo, hi = (1e-6, e) if s > 0 else (e, 10 * e)
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (gap(mid) > 0) == (s > 0):
            hi = mid
        else:
            lo = mid
    got = GATE.liquidation_price("BTC_USDT", side, e, q, m)
    assert got == pytest.approx(0.5 * (lo + hi), rel=1e-9)


def test_gate_errors_and_as_of() -> None:
    with pytest.raises(ValueError, match="as_of must not precede the first snapshot of gate"):
        GATE.liquidation_price("BTC_USDT", "long", 1.0, 1.0, 0.5, as_of="2025-01-01")
    with pytest.raises(ValueError, match="gate ETH_USDT has no tier snapshot"):
        GATE.liquidation_price("ETH_USDT", "long", 1.0, 1.0, 0.5)


# ============================================================================ OKX
def test_okx_contracts_converted_to_usd_size() -> None:
    # OKX announcement (mirror), tiers from 2023-06-15, BTCUSD Perpetual "After": max 2,000 /
    # 5,000 / 20,000 contracts; BTC-USD-SWAP has 100 USD per contract
    t = OKX.tiers("BTC-USD-SWAP", as_of="2023-07-01")
    assert OKX.market("BTC-USD-SWAP").contract_size == 100.0
    assert t.tier_basis == "size"
    np.testing.assert_array_equal(t.notional_cap[:3], [200_000.0, 500_000.0, 2_000_000.0])
    assert t.maintenance_margin_rate[:3].tolist() == [0.004, 0.005, 0.0075]
    assert not t.maintenance_amount.any()  # OKX: the tier's rate on the whole value
    # tiers 4+ by the printed rule: +20,000 contracts and +0.5% MMR per tier
    np.testing.assert_allclose(np.diff(t.notional_cap[2:]), 2_000_000.0)
    np.testing.assert_allclose(np.diff(t.maintenance_margin_rate[2:]), 0.005)


def test_okx_tier_boundaries_include_the_max_amount() -> None:
    new = OKX.tiers("BTC-USD-SWAP", as_of="2023-07-01")
    assert new.lookup(200_000.0)[0] == 0.004  # 2,000 contracts: tier 1 ("Max. amount" 2,000)
    assert new.lookup(200_100.0)[0] == 0.005  # 2,001 contracts: tier 2
    # okx.com 2019-05-28 announcement (BTC coin-margined swap): 0~999 contracts 0.5%,
    # 1,000~9,999 1.0%, ..., 120,000~129,999 5.0%
    old = OKX.tiers("BTC-USD-SWAP", as_of="2020-01-01")
    assert old.lookup(99_900.0)[0] == 0.005  # 999 contracts
    assert old.lookup(100_000.0)[0] == 0.01  # 1,000 contracts
    assert old.lookup(12_999_900.0)[0] == 0.05  # 129,999 contracts, the last shipped tier
    with pytest.warns(TierMismatchWarning, match="size 1.3e\\+07 is above the last tier cap"):
        old.lookup(13_000_000.0)


def test_okx_tier_follows_size_not_price() -> None:
    # 3,000 contracts (300,000 USD) is tier 2 at any price: MM / coin value = m_2 + fee
    n = 300_000.0
    for price in (5_000.0, 30_000.0, 150_000.0):
        mm = OKX.maintenance_margin("BTC-USD-SWAP", n, price)
        assert mm / (n / price) == pytest.approx(0.005 + 0.0005, rel=1e-12)
    # by hand, inverse long: P = N (m + f + 1) / (M + N/E) with tier 2 (0.50%) + taker 0.05%
    e, m = 30_000.0, 1.0
    want = n * (1.0 + 0.005 + 0.0005) / (m + n / e)
    assert OKX.liquidation_price("BTC-USD-SWAP", "long", e, n, m) == pytest.approx(want, rel=1e-12)
    assert want == pytest.approx(
        float(liquidation_price("long", e, n, m, 0.0055, 0.0, "inverse")), rel=1e-12
    )
    # the same coin value bought with fewer contracts at a higher price is a lower tier
    assert OKX.tiers("BTC-USD-SWAP").lookup(150_000.0)[0] == 0.004
    assert OKX.initial_margin_rate("BTC-USD-SWAP", n / e, size=n) == pytest.approx(0.01)
    with pytest.raises(ValueError, match="size is required on okx BTC-USD-SWAP"):
        OKX.initial_margin_rate("BTC-USD-SWAP", 10.0)


def test_okx_from_ccxt_in_contracts() -> None:
    # freqtrade tests/exchange/test_okx.py::test_get_maintenance_ratio_and_amt_okx (commit
    # c9ae5e1e9ff25bb55dd61f5e5519f7c479291edb): ccxt-shaped OKX tiers, minNotional/maxNotional
    # = minSz/maxSz in contracts 0-2000, 2001-4000, 4001-8000; freqtrade expects 2000 -> 0.01,
    # 2001 -> 0.015, 4001 -> 0.02, 8000 -> 0.02 (a mocked fixture, not a venue recording)
    rows = [(1, 0, 2000, 0.01, 75), (2, 2001, 4000, 0.015, 50), (3, 4001, 8000, 0.02, 20)]
    keys = ("tier", "minNotional", "maxNotional", "maintenanceMarginRate", "maxLeverage")
    raw = [dict(zip(keys, r, strict=True)) for r in rows]
    one = MarginTiers.from_ccxt(raw, size_unit="contracts", contract_size=1.0)
    assert [one.lookup(x)[0] for x in (2000.0, 2001.0, 4001.0, 8000.0)] == [
        0.01,
        0.015,
        0.02,
        0.02,
    ]
    assert venues.tiers_from_ccxt(raw, contract_size=0.1).tier_basis == "liquidation"
    via = venues.tiers_from_ccxt(raw, contract_size=0.1, size_unit="contracts")
    assert via.tier_basis == "size"
    ten = MarginTiers.from_ccxt(raw, size_unit="contracts", contract_size=0.1)
    np.testing.assert_allclose(ten.notional_cap, [200.0, 400.0, 800.0])  # base units
    assert ten.tier_basis == "size" and not ten.maintenance_amount.any()
    with pytest.raises(ValueError, match="size_unit must be one of"):
        MarginTiers.from_ccxt(raw, size_unit="usd")


def test_okx_eth_usdt_contracts_to_base_quantity() -> None:
    # OKEx announcement (support.okexcn.com, Jun. 11): ETHUSDT tier 1 0-3,000 contracts 0.40%,
    # tier 2 to 6,000 0.50%, tier 3 to 12,000 1.00%; 0.1 ETH per contract -> 300 / 600 / 1,200 ETH
    t = OKX.tiers("ETH-USDT-SWAP")
    np.testing.assert_allclose(t.notional_cap[:3], [300.0, 600.0, 1_200.0])
    assert t.lookup(300.0)[0] == 0.004 and t.lookup(300.1)[0] == 0.005
    # linear long of 500 ETH (5,000 contracts, tier 2) at 2,000 with 100,000 USDT margin:
    # P = (Q E - M) / (Q (1 - m - f)) whatever the notional at that price
    q, e, m = 500.0, 2_000.0, 100_000.0
    want = (q * e - m) / (q * (1.0 - 0.005 - 0.0005))
    assert OKX.liquidation_price("ETH-USDT-SWAP", "long", e, q, m) == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="as_of must not precede"):
        OKX.tiers("ETH-USDT-SWAP", as_of="2021-01-01")


def test_okx_as_of_before_first_snapshot_raises() -> None:
    with pytest.raises(ValueError, match=r"as_of must not precede .* okx BTC-USD-SWAP \(2019"):
        OKX.liquidation_price("BTC-USD-SWAP", "long", 1e4, 1e4, 0.1, as_of="2019-01-01")


# ============================================================================ BitMEX
def test_bitmex_page_trade_example() -> None:
    # https://bitmex.com/app/riskLimitsExamples: a 180 XBT XBTUSD position has maintenance
    # 0.50% (0.90 XBT); at 230 XBT it is one step above the 200 XBT base: 1.00%
    t = BITMEX.tiers("XBTUSD", as_of="2019-06-01")
    rate, amount = t.lookup(180.0)
    assert (rate, amount) == (0.005, 0.0)
    assert 180.0 * rate == pytest.approx(0.90)
    assert t.lookup(230.0)[0] == 0.01
    assert t.notional_cap.tolist() == [200.0, 350.0, 500.0, 650.0]  # as printed


def test_bitmex_steps_follow_the_base_rate_rule() -> None:
    # 2020-05-05 base 0.40% below 200 XBT (BitMEX announcement); each 100 XBT step (the step
    # BitMEX's 2021-08-31 announcement raises to 150) adds the base rate (riskLimitsExamples)
    t = BITMEX.tiers("XBTUSD", as_of="2020-06-01")
    k = np.arange(t.n_tiers)
    np.testing.assert_allclose(t.maintenance_margin_rate, 0.004 * (1 + k), rtol=1e-12)
    np.testing.assert_allclose(t.notional_floor[1:], 200.0 + 100.0 * k[:-1])
    np.testing.assert_allclose(1.0 / t.max_leverage, 0.01 + 0.004 * k, rtol=5e-3)
    assert BITMEX.tiers("XBTUSD", as_of="2020-04-20").maintenance_margin_rate[0] == 0.0045
    with pytest.raises(ValueError, match="as_of must not precede the first snapshot of bitmex"):
        BITMEX.tiers("XBTUSD", as_of="2019-01-01")


def test_bitmex_step_is_set_at_entry() -> None:
    # 190 XBT at entry (1.9M USD at 10,000), 10x: the value at the liquidation price exceeds
    # 200 XBT, but the risk limit set to open the position is the base one: 0.40% + taker 0.075%
    n, e, m = 1_900_000.0, 10_000.0, 19.0
    base = n * (1.0 + 0.004 + 0.00075) / (m + n / e)
    p = BITMEX.liquidation_price("XBTUSD", "long", e, n, m)
    assert p == pytest.approx(base, rel=1e-12)
    assert n / p > 200.0
    assert BITMEX.maintenance_margin("XBTUSD", n, p, entry_price=e) == pytest.approx(
        m + n * (1 / e - 1 / p), rel=1e-12
    )
    # 250 XBT at entry: first step, 0.80%
    n2 = 2_500_000.0
    step = n2 * (1.0 + 0.008 + 0.00075) / (25.0 + n2 / e)
    assert BITMEX.liquidation_price("XBTUSD", "long", e, n2, 25.0) == pytest.approx(step, rel=1e-12)


# ============================================================================ calculator
def test_calculator_rates_unchanged_for_small_positions() -> None:
    # chapter 2's one-position-per-venue inputs: 100,000 USD stays in every new table's tier 1
    rates = calculator_rates()
    assert rates.loc["bybit", "maintenance_margin_rate"] == pytest.approx(0.005)
    assert rates.loc["bitmex", "maintenance_margin_rate"] == pytest.approx(0.004)
    assert rates.loc["okx", "maintenance_margin_rate"] == pytest.approx(0.004)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TierMismatchWarning)
        inv = calculator_rates({"okx": "BTC-USD-SWAP", "gate": "BTC_USDT"})
    assert inv.loc["okx", "maintenance_margin_rate"] == pytest.approx(0.004)  # 1,000 contracts
    # 100,000 USDT opens tier 4 under riskkit's floor <= V < cap (Gate's page counts the cap in
    # tier 3); the graded maintenance margin is continuous, so MM is the same either way
    assert inv.loc["gate", "maintenance_margin_rate"] == pytest.approx(0.007)
    assert inv.loc["gate", "maintenance_margin_rate"] - inv.loc["gate", "deduction_rate"] == (
        pytest.approx(0.005 - 35.0 / 100_000.0)
    )


def test_max_leverage_chart_converts_size_tables_to_usd() -> None:
    pytest.importorskip("altair")
    from riskkit.charts.margin import chart_max_leverage

    def steps(chart: object) -> list[float]:
        spec = chart.to_dict()  # type: ignore[attr-defined]
        rows = next(iter(spec["datasets"].values()))
        return sorted({r["notional_usd"] for r in rows})

    inv = OKX.tiers("BTC-USD-SWAP")  # sizes already in USD (2,000 contracts x 100 USD)
    assert 200_000.0 in steps(chart_max_leverage({"okx": inv}))
    eth = OKX.tiers("ETH-USDT-SWAP")  # 3,000 contracts x 0.1 ETH = 300 ETH, x 4,000 USD
    assert 1_200_000.0 in steps(chart_max_leverage({"okx": eth}, price=4_000.0))
    with pytest.raises(ValueError, match="price is required to convert the linear size table"):
        chart_max_leverage({"okx": eth})


def test_partial_liquidation_steps_down_okx_size_tiers() -> None:
    # OKX BTC-USD-SWAP 2023 table: 6,000 contracts (600,000 USD) is tier 3 (0.75%) at any price.
    # By hand at 29,700: equity 0.3 - 600,000 (1/29,700 - 1/30,000) = 0.0980 BTC < MM 20.20 x
    # 0.75% = 0.1515: cut to tier 2's cap, 5,000 contracts (500,000 USD), MM 16.84 x 0.50% =
    # 0.0842 < 0.0980: the cut restores the margin
    from riskkit.liquidation import partial_liquidation

    t = OKX.tiers("BTC-USD-SWAP")
    r = partial_liquidation("long", 30_000.0, 600_000.0, 0.3, 29_700.0, t)
    assert r.steps["action"].tolist() == ["breach", "reduce to tier 2"]
    assert r.steps["size"].iloc[1] == pytest.approx(500_000.0)
    assert r.steps["maintenance_margin"].iloc[1] == pytest.approx(500_000.0 / 29_700.0 * 0.005)
    assert not r.fully_liquidated
