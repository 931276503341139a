"""Tests of the Bitget, Kraken Futures and GMX v2 venue profiles.

Every expected value cites its source next to it: a venue's worked example, the venue's
published formula (evaluated by hand in the test, a naive reference), or its contract code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit import venues
from riskkit.venues import gmx as gmx_mod

BG = venues.get("bitget")


# ============================================================================ Bitget
def _bitget_formula(
    side: float,
    entry: float,
    size: float,
    margin: float,
    mmr: float,
    fee: float,
    offset: float = 0.0,
) -> float:
    # Bitget "Estimated liquidation price" (support article 12560603808759, isolated):
    # (margin + offset - size x entry x direction) / (size x (MMR + fee - direction));
    # freqtrade's Bitget.dry_run_liquidation_price (freqtrade/exchange/bitget.py, 23367e1) is the
    # same expression without the offset.
    return (margin + offset - size * entry * side) / (size * (mmr + fee - side))


def test_bitget_maintenance_worked_example() -> None:
    # Bitget, "Bitget to update maintenance margin calculation for classic account futures"
    # (support article 12560603841952): 3 BTC at a mark of 110,000 USDT, fee 0.06%.
    old = BG.maintenance_margin("BTCUSDT", 3.0, 110_000.0, as_of="2025-10-01")
    new = BG.maintenance_margin("BTCUSDT", 3.0, 110_000.0, as_of="2025-11-10")
    assert old == pytest.approx(1848.0, abs=1e-9)  # page: 330,000 x (0.50% + 0.06%) = 1,848
    assert new == pytest.approx(1648.0, abs=1e-9)  # page: 920 + 728 = 1,648
    with pytest.raises(ValueError, match="as_of must not precede"):
        BG.maintenance_margin("BTCUSDT", 3.0, 110_000.0, as_of="2025-01-01")


def test_bitget_tier_selection_from_notional() -> None:
    # BTCUSDT table of Bitget's 2025-09-26 announcement (article 12560603838668)
    t_old = BG.tiers("BTCUSDT", as_of="2025-10-01")
    t_new = BG.tiers("BTC/USDT:USDT")
    assert t_old.lookup(150_000.0) == (0.004, 0.0)
    assert t_old.lookup(330_000.0) == (0.005, 0.0)  # whole position at tier 2 before 2025-11-10
    assert t_new.lookup(330_000.0) == pytest.approx((0.005, 200.0))  # 200,000 x (0.5% - 0.4%)
    assert t_new.lookup(2_000_000.0) == pytest.approx((0.007, 2_200.0))  # + 1e6 x 0.2%
    assert BG.initial_margin_rate("BTCUSDT", 100_000.0) == pytest.approx(1 / 150)
    assert BG.initial_margin_rate("ETHUSDT", 2_000_000.0) == pytest.approx(1 / 75)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_bitget_liquidation_matches_published_formula_tier1(side: float) -> None:
    # 1 BTC at 100,000 with 10,000 USDT isolated margin: tier 1 (0.40%), fee 0.06%
    got = BG.liquidation_price("BTCUSDT", side, 100_000.0, 1.0, 10_000.0)
    exp = _bitget_formula(side, 100_000.0, 1.0, 10_000.0, 0.004, 0.0006)
    assert got == pytest.approx(exp, rel=1e-12)
    assert got == pytest.approx(90_415.9132 if side > 0 else 109_496.3169, abs=1e-3)


def test_bitget_liquidation_with_offset_and_both_rules() -> None:
    # 30 BTC long at 100,000 with 300,000 USDT: the notional at liquidation (~2.7M) is in tier 3
    # (0.70%); offset A = 2,200 after 2025-11-10 and 0 before (whole-position rule).
    new = BG.liquidation_price("BTCUSDT", "long", 100_000.0, 30.0, 300_000.0)
    old = BG.liquidation_price("BTCUSDT", "long", 100_000.0, 30.0, 300_000.0, as_of="2025-10-01")
    assert new == pytest.approx(_bitget_formula(1, 1e5, 30, 3e5, 0.007, 0.0006, 2_200.0))
    assert old == pytest.approx(_bitget_formula(1, 1e5, 30, 3e5, 0.007, 0.0006, 0.0))
    assert new < old  # the deduction lowers maintenance, so a long is liquidated lower
    # a user's fee rate replaces the default
    own = BG.liquidation_price("BTCUSDT", "long", 100_000.0, 1.0, 10_000.0, fee_rate=0.0004)
    assert own == pytest.approx(_bitget_formula(1, 1e5, 1, 1e4, 0.004, 0.0004))


def test_bitget_whole_position_rule_liquidates_a_short_at_the_tier_floor() -> None:
    # Before 2025-11-10 the whole value takes its tier's rate (Bitget page 12560603841952), so
    # maintenance jumps at 200,000 USDT. Short 2 BTC at 99,000 with 3,000 USDT: tier 1's price
    # (~100,039.8) lies above the floor and tier 2's (~99,940.3) below it; at 100,000 equity
    # 1,000 is above 200,000 x 0.46% = 920 and below 200,000 x 0.56% = 1,120.
    p = BG.liquidation_price("BTCUSDT", "short", 99_000.0, 2.0, 3_000.0, as_of="2025-10-01")
    assert p == pytest.approx(100_000.0, rel=1e-12)
    # after the change the table is continuous: the tier-2 equation with the 200 deduction
    new = BG.liquidation_price("BTCUSDT", "short", 99_000.0, 2.0, 3_000.0)
    assert new == pytest.approx(_bitget_formula(-1, 99_000.0, 2.0, 3_000.0, 0.005, 0.0006, 200.0))


@settings(max_examples=60, deadline=None)
@given(
    entry=st.floats(1_000.0, 200_000.0),
    lev=st.floats(1.5, 100.0),
    size=st.floats(0.01, 500.0),
    side=st.sampled_from([1.0, -1.0]),
)
def test_bitget_equity_equals_maintenance_at_liquidation(
    entry: float, lev: float, size: float, side: float
) -> None:
    margin = entry * size / lev
    p = float(BG.liquidation_price("ETHUSDT", side, entry, size, margin))
    if math.isnan(p):
        return
    equity = margin + side * size * (p - entry)
    mm = float(BG.maintenance_margin("ETHUSDT", size, p))
    assert equity == pytest.approx(mm, rel=1e-7, abs=1e-6 * entry * size)


def test_bitget_position_from_ccxt() -> None:
    # ccxt ts/src/bitget.ts parsePosition (commit 003b215): an isolated position's collateral is
    # marginSize + unrealizedPL, so position_from_ccxt's collateral - unrealizedPnl is marginSize
    # (the margin at entry) with no Bitget hook; riskkit's price is the profile's for it
    pos = {
        "symbol": "BTC/USDT:USDT",
        "side": "long",
        "contracts": 1.0,
        "contractSize": 1.0,
        "entryPrice": 100_000.0,
        "markPrice": 101_000.0,
        "collateral": 11_000.0,
        "unrealizedPnl": 1_000.0,
        "marginMode": "isolated",
        "liquidationPrice": 90_415.91,
    }
    chk = venues.position_from_ccxt(pos, "bitget")
    assert chk.venue == "bitget" and chk.margin == 10_000.0
    assert chk.liquidation_price == pytest.approx(_bitget_formula(1, 1e5, 1, 1e4, 0.004, 0.0006))
    assert abs(chk.relative_difference) < 1e-6


# ============================================================================ Kraken Futures
KF = venues.get("kraken-futures")


def test_kraken_maintenance_fixed_at_entry_by_level() -> None:
    # Kraken multi-collateral margin schedule (support article 360022632452), Class A: MM 1% up
    # to 1,000,000 USD, 2% to 2,000,000; "margin percentages ... at entry price".
    small = KF.maintenance_margin("PF_XBTUSD", 1.0, 80_000.0, entry_price=100_000.0)
    assert small == pytest.approx(1_000.0)  # 100,000 x 1%, whatever the mark
    big = KF.maintenance_margin("BTC/USD:USD", 15.0, 90_000.0, entry_price=100_000.0)
    assert big == pytest.approx(30_000.0)  # 1,500,000 in Level II: x 2%
    with pytest.raises(ValueError, match="entry_price is required"):
        KF.maintenance_margin("PF_XBTUSD", 1.0, 80_000.0)


def test_kraken_tier_selection_from_notional() -> None:
    t = KF.tiers("PF_ETHUSD")
    assert t.lookup(999_999.0) == (0.01, 0.0)
    assert t.lookup(3_000_000.0) == (0.025, 0.0)
    assert t.lookup(100_000_000.0) == (0.25, 0.0)
    assert KF.initial_margin_rate("PF_ETHUSD", 7_000_000.0) == pytest.approx(0.10)  # IM 10%


@pytest.mark.parametrize(
    ("symbol", "side", "size", "margin"),
    [
        ("PF_XBTUSD", 1.0, 1.0, 10_000.0),
        ("PF_XBTUSD", -1.0, 1.0, 10_000.0),
        ("PF_XBTUSD", 1.0, 15.0, 150_000.0),
        ("PI_XBTUSD", 1.0, 100_000.0, 0.1),
        ("PI_XBTUSD", -1.0, 100_000.0, 0.1),
    ],
)
def test_kraken_liquidation_matches_fixed_maintenance_formula(
    symbol: str, side: float, size: float, margin: float
) -> None:
    # naive reference: equity at P equals the maintenance fixed at entry (no fee reserved)
    e = 100_000.0
    m = KF.market(symbol)
    v_e = size * e if m.contract == "linear" else size / e
    mmr = 0.01 if v_e <= 1_000_000.0 or m.contract == "inverse" else 0.02
    mm = v_e * mmr
    if m.contract == "linear":
        exp = e - side * (margin - mm) / size
    else:
        exp = size / (size / e + side * (margin - mm))
    got = KF.liquidation_price(symbol, side, e, size, margin)
    assert got == pytest.approx(exp, rel=1e-12)


def test_kraken_rejects_a_fee_rate() -> None:
    with pytest.raises(ValueError, match="reserves no fee"):
        KF.liquidation_price("PF_XBTUSD", "long", 1e5, 1.0, 1e4, fee_rate=0.0005)


# ============================================================================ GMX v2
GMX = venues.get("gmx-v2")
BTC_GMX = "BTC/USD:USDC"


def _gmx_remaining(
    side: float, e: float, s_usd: float, c: float, p: float, f: float, other: float = 0.0
) -> float:
    # gmx-synthetics PositionUtils.isPositionLiquidatable (a5c0c88): collateral + PnL + impact
    # - closing costs, with PnL = sizeInTokens x P - sizeInUsd for a long (sign flipped short)
    return c + side * s_usd * (p / e - 1.0) - f * s_usd + other


def test_gmx_worked_example_from_the_contract() -> None:
    # BTC/USD [WBTC.e-USDC] on Arbitrum: minCollateralFactorForLiquidation 0.5%, position fee
    # factor 0.06% (config/markets.ts, a5c0c88). 100,000 USD long at 100,000 with 10,000 USDC:
    # remaining = 10,000 + (P - 100,000) - 60 = 0.5% x 100,000 at P = 90,560.
    p = gmx_mod.liquidation_price(BTC_GMX, "long", 100_000.0, 100_000.0, 10_000.0)
    assert p == pytest.approx(90_560.0, abs=1e-6)
    assert _gmx_remaining(1, 1e5, 1e5, 1e4, p, 0.0006) == pytest.approx(0.005 * 1e5)
    # the profile alone gives the same price (size in tokens = sizeInUsd / entry)
    assert GMX.liquidation_price(BTC_GMX, "long", 1e5, 1.0, 1e4) == pytest.approx(p)
    # maintenance is fixed at open: (mu + f) x sizeInUsd whatever the oracle price
    mm = GMX.maintenance_margin(BTC_GMX, 1.0, 80_000.0, entry_price=1e5)
    assert mm == pytest.approx(560.0)
    # 200 USD of pending borrowing fee move the price up by 200 / 1 token
    p_fee = gmx_mod.liquidation_price(BTC_GMX, "long", 1e5, 1e5, 1e4, borrowing_fee_usd=200.0)
    assert p_fee == pytest.approx(90_760.0)


def test_gmx_price_impact_and_fee_inputs() -> None:
    base = gmx_mod.liquidation_price("ETH/USD:USDC", "short", 3_000.0, 30_000.0, 3_000.0)
    pos = gmx_mod.liquidation_price(
        "ETH/USD:USDC", "short", 3_000.0, 30_000.0, 3_000.0, price_impact_usd=50.0
    )
    neg = gmx_mod.liquidation_price(
        "ETH/USD:USDC", "short", 3_000.0, 30_000.0, 3_000.0, price_impact_usd=-50.0
    )
    assert pos == base  # positive impact is set to 0 by the contract
    assert neg == pytest.approx(base - 50.0 / 10.0)  # 10 tokens: a short is liquidated lower
    cheap = gmx_mod.liquidation_price(
        "ETH/USD:USDC", "short", 3_000.0, 30_000.0, 3_000.0, fee_rate=0.0004
    )
    assert cheap == pytest.approx(base + 0.0002 * 30_000.0 / 10.0)
    with pytest.raises(ValueError, match="borrowing_fee_usd must be >= 0"):
        gmx_mod.liquidation_price(BTC_GMX, "long", 1e5, 1e5, 1e4, borrowing_fee_usd=-1.0)
    with pytest.raises(ValueError, match="min_collateral_factor must be in"):
        gmx_mod.liquidation_price(BTC_GMX, "long", 1e5, 1e5, 1e4, min_collateral_factor=5.0)


@settings(max_examples=80, deadline=None)
@given(
    entry=st.floats(100.0, 200_000.0),
    lev=st.floats(1.5, 150.0),
    s_usd=st.floats(1_000.0, 5e6),
    side=st.sampled_from(["long", "short"]),
    fees=st.floats(0.0, 0.3),
)
def test_gmx_price_is_where_the_contract_check_flips(
    entry: float, lev: float, s_usd: float, side: str, fees: float
) -> None:
    c = s_usd / lev
    borrow = fees * c * 0.1
    p = float(gmx_mod.liquidation_price(BTC_GMX, side, entry, s_usd, c, borrowing_fee_usd=borrow))
    if math.isnan(p) or p <= 0:
        return
    sgn = 1.0 if side == "long" else -1.0
    worse, better = p * (1 - sgn * 1e-6), p * (1 + sgn * 1e-6)
    kw = {"borrowing_fee_usd": borrow}
    assert gmx_mod.is_liquidatable(BTC_GMX, side, entry, s_usd, c, worse, **kw)
    assert not gmx_mod.is_liquidatable(BTC_GMX, side, entry, s_usd, c, better, **kw)


# ============================================================================ every new profile
@pytest.mark.parametrize("name", ["bitget", "kraken-futures", "gmx-v2"])
def test_new_profiles_have_btc_and_eth_with_ccxt_symbols(name: str) -> None:
    v = venues.get(name)
    ccxt = [m.ccxt_symbol for m in v.markets]
    assert any(c.startswith("BTC/") for c in ccxt) and any(c.startswith("ETH/") for c in ccxt)
    for m in v.markets:
        assert m.snapshots, (name, m.symbol)
        long = v.liquidation_price(
            m.symbol,
            "long",
            2_000.0,
            1.0 if m.contract == "linear" else 2_000.0,
            200.0 if m.contract == "linear" else 0.1,
        )
        assert 0.0 < float(np.asarray(long)) < 2_000.0
