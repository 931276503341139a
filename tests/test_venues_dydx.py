"""dYdX v4 liquidity tiers, margin requirements and liquidation prices against dYdX's own sources.

Sources (read 2026-12-03):

* CHAIN = dydxprotocol/v4-chain @ 84d4664bae71e3a077adaac67fb77ad19cd28d30 (2026-03-04):
  ``protocol/x/perpetuals/types/liquidity_tier_test.go`` (LT_TEST),
  ``protocol/x/perpetuals/lib/lib_test.go`` (LIB_TEST), ``protocol/lib/quantums.go``,
  ``protocol/scripts/genesis/sample_pregenesis.json`` (PREGENESIS).
* DOCS = dydxprotocol/v4-documentation @ 3e475b73231a5de7e5a8a55c54047d94578060e5 (2026-04-22):
  ``docs/pages/concepts/trading/{governance,margin,liquidations,contract-loss-mechanism}.mdx``.

Units: the chain counts fractions in parts per million and money in quote quantums, 1 quote
quantum = 1e-6 USDC (``QuoteCurrencyAtomicResolution = -6``). A size of ``b`` base quantums of a
perpetual with ``atomic_resolution`` a is ``b x 10^a`` coins; an oracle price stored as value
``v`` with exponent ``x`` is ``v x 10^x`` USDC; so the notional is ``b v 10^(a + x + 6)`` quote
quantums (``lib.BaseToQuoteQuantums``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit import venues
from riskkit.venues import dydx
from riskkit.venues.dydx import (
    LiquidityTier,
    base_to_quote_quantums,
    effective_initial_margin_fraction,
    fillable_price,
    liquidity_tier,
)

D = venues.get("dydx")


def _tier(imf: int, mf: int = 0, lo: int = 0, hi: int = 0) -> LiquidityTier:
    return LiquidityTier(0, "test", imf, mf, lo, hi)


# ===================================================================== chain test vectors
@pytest.mark.parametrize(
    ("imf", "mf", "expected"),
    [
        # LT_TEST TestLiquidityTierGetMaintenanceMarginPpm, every case: expected = floor(I f / 1e6)
        (150_000, 800_000, 120_000),  # 15% x 80% = 12%
        (450_000, 770_000, 346_500),  # 45% x 77% = 34.65%
        (637_239, 289_284, 184_343),  # ~18.4343%, rounded down
        (1_000_000, 1_000_000, 1_000_000),
        (0, 1_000_000, 0),
        (0, 0, 0),
        (1_000_000, 0, 0),
    ],
)
def test_maintenance_margin_ppm_chain_vectors(imf: int, mf: int, expected: int) -> None:
    assert _tier(imf, mf).maintenance_margin_ppm == expected


@pytest.mark.parametrize(
    ("imf", "lo", "hi", "oi", "q", "expected"),
    [
        # LT_TEST TestGetInitialMarginQuoteQuantums, every case (expected, quote quantums)
        (200_000, 0, 0, 0, 500_000, 100_000),  # 20% x 500_000
        (500_000, 0, 0, 0, 1_000_000, 500_000),  # 50% x 1_000_000
        (100_000, 0, 0, 0, 1, 1),  # 0.1 rounds up to 1
        (567_243, 0, 0, 0, 123_456, 70_030),  # 70_029.55 rounds up
        (200_000, 0, 0, 1_500_000_000_000, 500_000, 100_000),  # caps 0/0: no OIMF
        (200_000, 10**12, 2 * 10**12, 1_500_000_000_000, 500_000, 300_000),  # scaled to 60%
        (200_000, 25 * 10**12, 50 * 10**12, 80 * 10**12, 500_000, 500_000),  # above cap: 100%
        (200_000, 25 * 10**12, 50 * 10**12, 25 * 10**12, 500_000, 100_000),  # at lower cap
        (200_000, 25 * 10**12, 60 * 10**12, 28_123_456_789_123, 500_000, 135_697),  # 27.1393%
    ],
)
def test_initial_margin_quote_quantums_chain_vectors(
    imf: int, lo: int, hi: int, oi: int, q: int, expected: int
) -> None:
    assert _tier(imf, 0, lo, hi).initial_margin_quote_quantums(q, oi) == expected


@pytest.mark.parametrize(
    ("oi", "expected"),
    [
        # LT_TEST TestGetAdjustedInitialMarginPpm: IMF 20%, caps 1_000_000 / 2_000_000
        (0, 200_000),  # zero open interest
        (1_500_000, 600_000),  # within bounds
        (1_234_567, 387_653),  # 0.2 + 0.234_567 x 0.8 = 0.387_653_6, rounded down
        (1_000_000, 200_000),  # at the lower cap
        (2_000_000, 1_000_000),  # at the upper cap
        (2_500_000, 1_000_000),  # above the upper cap
    ],
)
def test_adjusted_initial_margin_ppm_chain_vectors(oi: int, expected: int) -> None:
    assert _tier(200_000, 0, 1_000_000, 2_000_000).adjusted_initial_margin_ppm(oi) == expected


def test_adjusted_initial_margin_ppm_no_upper_cap() -> None:
    # LT_TEST "No upper bound, no increase": caps 0/0, OI 1_500_000 -> base 200_000
    assert _tier(200_000).adjusted_initial_margin_ppm(1_500_000) == 200_000
    # the same, element-wise over an array (exact Python ints in an object array)
    got = _tier(200_000, 0, 1_000_000, 2_000_000).adjusted_initial_margin_ppm(
        np.array([0, 1_234_567, 2_500_000])
    )
    assert got.tolist() == [200_000, 387_653, 1_000_000]


def _requirements(
    tier: LiquidityTier,
    base_quantums: int,
    atomic_resolution: int,
    price: int,
    exponent: int,
    oi: int = 0,
) -> tuple[int, int]:
    # the chain's GetMarginRequirementsInQuoteQuantums: notional and open notional at the oracle
    # price, IMR at the OI-scaled IMF, MMR from the base IMR
    q = abs(base_to_quote_quantums(base_quantums, atomic_resolution, price, exponent))
    o = base_to_quote_quantums(oi, atomic_resolution, price, exponent)
    return tier.initial_margin_quote_quantums(q, o), tier.maintenance_margin_quote_quantums(q)


@pytest.mark.parametrize(
    ("case", "tier", "args", "imr", "mmr"),
    [
        # LIB_TEST TestGetMarginRequirementsInQuoteQuantums: atomic resolution 4, price
        # 123_456_789_123 x 1e-5, IMF 20%, maintenance fraction 50%, OI 1e12 base quantums
        ("zero", _tier(200_000, 500_000), (0, 4, 123_456_789_123, -5, 10**12), 0, 0),
        (
            "positive",
            _tier(200_000, 500_000),
            (1, 4, 123_456_789_123, -5, 10**12),
            2_469_135_782_460_000,
            1_234_567_891_230_000,
        ),
        (
            "negative",
            _tier(200_000, 500_000),
            (-1, 4, 123_456_789_123, -5, 10**12),
            2_469_135_782_460_000,
            1_234_567_891_230_000,
        ),
        (  # OI above the upper cap: IMR at 100%, MMR unchanged (the MMF never scales)
            "positive, OI above cap",
            _tier(200_000, 500_000, 10**12, 2 * 10**12),
            (1, 4, 123_456_789_123, -5, 10**12),
            12_345_678_912_300_000,
            1_234_567_891_230_000,
        ),
        # LIB_TEST TestGetMarginRequirementsInQuoteQuantums_2 (no OI unless given)
        (
            "100 bips, 50%, res -4",
            _tier(10_000, 500_000),
            (7_000, -4, 55_550, -1),
            38_885_000,
            19_442_500,
        ),
        (
            "100 bips, 50%, res -6",
            _tier(10_000, 500_000),
            (-5_000, -6, 42_000_000, -2),
            21_000_000,
            10_500_000,
        ),
        ("max, max", _tier(1_000_000, 1_000_000), (7_000, -6, 55_550, -1), 38_885_000, 38_885_000),
        ("100 bips, 100%", _tier(10_000, 1_000_000), (7_000, -6, 55_550, -1), 388_850, 388_850),
        ("20%, 50%", _tier(200_000, 500_000), (12_000, -6, 367_500, -1), 88_200_000, 44_100_000),
        ("5%, 60%", _tier(50_000, 600_000), (74_523, -6, 1_234_560, -1), 460_015_575, 276_009_345),
        (
            "25%, 60%",
            _tier(250_000, 600_000),
            (74_523, -6, 1_234_560, -1),
            2_300_077_872,
            1_380_046_724,
        ),
        (
            "max uints",
            _tier(100, 1_000_000),
            (2**64 - 1, -6, 2**64 - 1, -1),
            3_402_823_669_209_384_634_264_811_192_843_492,
            3_402_823_669_209_384_634_264_811_192_843_492,
        ),
        (  # open notional 14_999_999_988_750 between 1e13 and 2e13 -> 599_999 ppm
            "OIMF scaled to ~60%",
            _tier(200_000, 500_000, 10**13, 2 * 10**13),
            (12_000, -6, 367_500, -1, 408_163_265),
            264_599_559,
            44_100_000,
        ),
        (
            "OIMF scaled to 100%",
            _tier(200_000, 500_000, 10**13, 2 * 10**13),
            (12_000, -6, 367_500, -1, 1_000_000_000),
            441_000_000,
            44_100_000,
        ),
        (  # open notional 41_287_036_995_750 between 2.5e13 and 5e13 -> 721_185 ppm
            "OIMF realistic",
            _tier(200_000, 500_000, 25 * 10**12, 50 * 10**12),
            (12_000, -6, 367_500, -1, 1_123_456_789),
            318_042_585,
            44_100_000,
        ),
    ],
)
def test_margin_requirements_chain_vectors(
    case: str, tier: LiquidityTier, args: tuple[int, ...], imr: int, mmr: int
) -> None:
    assert _requirements(tier, *args) == (imr, mmr), case


def test_base_to_quote_quantums() -> None:
    # LIB_TEST case "OIMF realistic": 1_123_456_789 base quantums x 367_500 x 10^(-1 - 6 + 6)
    assert base_to_quote_quantums(1_123_456_789, -6, 367_500, -1) == 41_287_036_995_750
    # PREGENESIS: BTC-USD atomic_resolution -10, price exponent -5, price 2_868_819_524
    # (28,688.19524 USDC): 1 BTC = 1e10 base quantums -> 28_688_195_240 quote quantums
    assert base_to_quote_quantums(10**10, -10, 2_868_819_524, -5) == 28_688_195_240
    # truncation towards zero for a short (Go's big.Int Quo): -1 quantum x 55_550 x 10^-1
    assert base_to_quote_quantums(-1, -6, 55_550, -1) == -5_555
    assert base_to_quote_quantums(-1, -6, 5, -1) == 0
    assert base_to_quote_quantums(np.array([1, -1]), -6, 5, -1).tolist() == [0, 0]


# ===================================================================== shipped tiers
def test_liquidity_tiers_match_docs_table() -> None:
    # DOCS governance.mdx "Current Liquidity Tiers": (id, name, IMF, maintenance fraction,
    # MMF "as is", lower cap, upper cap in USDC millions; "None" = 0)
    table = [
        (0, "Large-Cap", 0.02, 0.6, 0.012, 0, 0),
        (1, "Small-Cap", 0.1, 0.5, 0.05, 20, 50),
        (2, "Long-Tail", 0.2, 0.5, 0.1, 5, 10),
        (3, "Safety", 1.0, 0.2, 0.2, 2, 5),
        (4, "Isolated", 0.05, 0.6, 0.03, 0.5, 1),
        (5, "Mid-Cap", 0.05, 0.6, 0.03, 40, 100),
        (6, "FX", 0.01, 0.5, 0.005, 0.5, 1),  # the docs print 0.0005: 0.01 x 0.5 is 0.005
        (7, "IML 5x", 0.2, 0.5, 0.1, 0.5, 1),
    ]
    assert len(dydx.LIQUIDITY_TIERS) == len(table)
    for (i, name, imf, mf, mmf, lo, hi), t in zip(table, dydx.LIQUIDITY_TIERS, strict=True):
        assert (t.id, t.name) == (i, name)
        assert t.initial_margin_fraction == pytest.approx(imf, abs=0)
        assert t.maintenance_fraction_ppm == round(mf * 1e6)
        assert t.maintenance_margin_fraction == pytest.approx(mmf, rel=1e-15)
        assert t.open_interest_lower_cap == round(lo * 1e12)  # USDC millions -> quote quantums
        assert t.open_interest_upper_cap == round(hi * 1e12)
    assert liquidity_tier(5) is liquidity_tier("MID-CAP")
    assert liquidity_tier("Large-Cap").summary().loc["max_leverage", "value"] == 50.0


def test_liquidity_tiers_match_pregenesis() -> None:
    # PREGENESIS liquidity_tiers (ids 0-6; "IML 5x" is in the docs only)
    pregenesis = {
        0: ("Large-Cap", 20_000, 600_000, 0, 0),
        1: ("Small-Cap", 100_000, 500_000, 20_000_000_000_000, 50_000_000_000_000),
        2: ("Long-Tail", 200_000, 500_000, 5_000_000_000_000, 10_000_000_000_000),
        3: ("Safety", 1_000_000, 200_000, 2_000_000_000_000, 5_000_000_000_000),
        4: ("Isolated", 50_000, 600_000, 500_000_000_000, 1_000_000_000_000),
        5: ("Mid-Cap", 50_000, 600_000, 40_000_000_000_000, 100_000_000_000_000),
        6: ("FX", 10_000, 500_000, 500_000_000_000, 1_000_000_000_000),
    }
    for i, row in pregenesis.items():
        t = liquidity_tier(i)
        got = (
            t.name,
            t.initial_margin_ppm,
            t.maintenance_fraction_ppm,
            t.open_interest_lower_cap,
            t.open_interest_upper_cap,
        )
        assert got == row


def test_profile_snapshots_are_the_large_cap_tier() -> None:
    # BTC-USD and ETH-USD are perpetuals 0 and 1 on liquidity tier 0 (PREGENESIS; the chain's
    # protocol/testing/mainnet/genesis.json). 5% / 0.6 until 2024-10-02 (DOCS first commit
    # 46b44fe, 2023-09-08), 2% / 0.6 since (DOCS commit bbd29d8, 2024-10-02).
    old = LiquidityTier(0, "Large-Cap", 50_000, 600_000)
    new = liquidity_tier("Large-Cap")
    for sym in ("BTC-USD", "ETH-USD"):
        m = D.market(sym)
        assert [s.effective.date().isoformat() for s in m.snapshots] == ["2023-09-08", "2024-10-02"]
        assert all(s.verified for s in m.snapshots)
        for snap, tier in zip(m.snapshots, (old, new), strict=True):
            assert snap.imr_base == tier.initial_margin_fraction
            assert snap.tiers.maintenance_margin_rate.tolist() == [tier.maintenance_margin_fraction]
            assert snap.tiers.max_leverage.tolist() == [1 / tier.initial_margin_fraction]
            assert (snap.oi_lower_cap, snap.oi_upper_cap) == (0.0, 0.0)
    assert D.initial_margin_rate("BTC-USD", 1e6, as_of="2024-10-01") == 0.05
    assert D.initial_margin_rate("BTC-USD", 1e6) == 0.02
    # Large-Cap has no OI scaling (caps 0/0): any open interest leaves the IMF at 2%
    assert D.initial_margin_rate("BTC-USD", 1e6, open_interest=5e9) == 0.02
    # maintenance at the oracle price: 1 BTC at 60,000 x 1.2% = 720 USDC (= the chain's MMR,
    # 720_000_000 quote quantums, see the LiquidityTier doctest)
    assert D.maintenance_margin("BTC-USD", 1.0, 60_000.0) == pytest.approx(720.0, rel=1e-15)
    assert new.maintenance_margin_quote_quantums(60_000 * 10**6) == 720_000_000


# ===================================================================== OI scaling (float)
def test_oi_scaling_at_caps_and_between() -> None:
    # DOCS margin.mdx formula; Small-Cap (10%, caps 20M/50M USDC) by hand
    f = effective_initial_margin_fraction
    assert f(0.1, 0.0, 20e6, 50e6) == 0.1
    assert f(0.1, 20e6, 20e6, 50e6) == 0.1  # at the lower cap: base
    assert f(0.1, 35e6, 20e6, 50e6) == pytest.approx(0.1 + 0.9 * 0.5, rel=1e-15)  # 0.55
    assert f(0.1, 50e6, 20e6, 50e6) == 1.0  # at the upper cap: 100%
    assert f(0.1, 80e6, 20e6, 50e6) == 1.0
    assert f(0.02, 1e12, 0.0, 0.0) == 0.02  # upper cap 0: off
    s = pd.Series([10e6, 35e6, 60e6], index=list("abc"), name="oi")
    out = f(0.1, s, 20e6, 50e6)
    assert isinstance(out, pd.Series) and out.index.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(out.to_numpy(), [0.1, 0.55, 1.0], rtol=1e-15)
    # the profile (BTC-USD at 5% before 2024-10-02, caps passed) agrees with the function
    for oi in (0.0, 20e6, 27.5e6, 50e6, 1e9):
        got = D.initial_margin_rate(
            "BTC-USD", 1e6, open_interest=oi, oi_lower_cap=20e6, oi_upper_cap=50e6, as_of="2024-01"
        )
        assert got == pytest.approx(f(0.05, oi, 20e6, 50e6), rel=1e-15)
    # the docs' Mid-Cap tier (5%, 40M/100M): halfway = 0.05 + 0.95 / 2
    assert f(0.05, 70e6, 40e6, 100e6) == pytest.approx(0.525, rel=1e-15)


@settings(max_examples=200, deadline=None)
@given(
    imf=st.integers(0, 1_000_000),
    lo=st.integers(0, 10**14),
    width=st.integers(1, 10**14),
    oi=st.integers(0, 3 * 10**14),
)
def test_float_scaling_matches_chain_ppm(imf: int, lo: int, width: int, oi: int) -> None:
    # the float form equals the chain's ppm value up to its rounding down (< 1 ppm)
    hi = lo + width
    ppm = _tier(imf, 0, lo, hi).adjusted_initial_margin_ppm(oi)
    x = effective_initial_margin_fraction(imf / 1e6, float(oi), float(lo), float(hi))
    assert ppm / 1e6 <= x + 1e-12
    assert x - ppm / 1e6 < 1e-6 + 1e-12
    assert imf <= ppm <= 1_000_000


# ===================================================================== liquidation prices
def test_isolated_liquidation_price_docs_example() -> None:
    # DOCS liquidations.mdx "Isolated Liquidation Price": e = 1,000, short 3 ETH at 3,000,
    # MMF 5% -> p' = 10,000 / 3.15 = 3,174.60 (printed, truncated)
    lp = D.liquidation_price(
        "ETH-USD", "short", 3_000.0, 3.0, 1_000.0, maintenance_margin_rate=0.05
    )
    assert lp == pytest.approx(10_000 / 3.15, rel=1e-14)
    assert lp == pytest.approx(3_174.60, abs=0.005)
    # "remaining equity would be ... $476.2": 3 x 3,174.6 x 5%
    assert 1_000.0 - 3.0 * (lp - 3_000.0) == pytest.approx(476.2, abs=0.05)


def test_cross_liquidation_price_docs_example() -> None:
    # DOCS liquidations.mdx "Cross Liquidation Price": e = 1,000, short 1.5 ETH at 3,000 (MMF 5%),
    # 1,000 STRK at 1.75 (MMF 10%): MMR_o = 175, p' = (1,000 + 4,500 - 175) / 1.575 = 3,380.95
    mmr_o = 1_000 * 1.75 * 0.10
    assert mmr_o == pytest.approx(175.0)
    lp = D.liquidation_price(
        "ETH-USD", "short", 3_000.0, 1.5, 1_000.0 - mmr_o, "cross", maintenance_margin_rate=0.05
    )
    assert lp == pytest.approx(5_325.0 / 1.575, rel=1e-14)
    assert lp == pytest.approx(3_380.95, abs=0.005)


def test_isolated_btc_long_on_shipped_tier_matches_chain_arithmetic() -> None:
    # 10x long 1 BTC at 100,000 with 10,000 USDC, MMF 1.2% (Large-Cap since 2024-10-02):
    # by hand, p' = (e - s p)/(|s| MMF - s) = (10,000 - 100,000)/(0.012 - 1) = 91,093.117...
    lp = D.liquidation_price("BTC-USD", "long", 100_000.0, 1.0, 10_000.0)
    assert lp == pytest.approx(90_000.0 / 0.988, rel=1e-14)
    # MMF 3% before: 90,000 / 0.97
    old = D.liquidation_price("BTC-USD", "long", 100_000.0, 1.0, 10_000.0, as_of="2024-06-01")
    assert old == pytest.approx(90_000.0 / 0.97, rel=1e-14)
    # The chain's own test (risk.go IsLiquidatable: MMR > NC) one tick either side of p', in its
    # integers: BTC-USD atomic resolution -10, price exponent -5 (PREGENESIS). Quote balance
    # -90,000 USDC (deposit 10,000, bought 1 BTC for 100,000).
    tier = liquidity_tier("Large-Cap")
    quote_balance = -90_000 * 10**6
    for price_value, liquidatable in (
        (int(np.floor(lp * 1e5)) - 1, True),
        (int(np.ceil(lp * 1e5)) + 1, False),
    ):
        notional = base_to_quote_quantums(10**10, -10, price_value, -5)
        nc = quote_balance + notional
        mmr = tier.maintenance_margin_quote_quantums(notional)
        assert (mmr > 0 and mmr > nc) is liquidatable


def test_fillable_price_docs_insurance_fund_example() -> None:
    # DOCS contract-loss-mechanism.mdx "Insurance Fund": long 500 ABC at 1 with 100, MMF 3%;
    # oracle 0.801 -> equity 0.50 < MMR; liquidated at 0.77, insurance fund pays 15.
    # Genesis SMMR = 1.5, BA = 1 (PREGENESIS liquidations_config fillable_price_config:
    # spread_to_maintenance_margin_ratio_ppm 1_500_000, bankruptcy_adjustment_ppm 1_000_000).
    p, q, mmf = 0.801, 500.0, 0.03
    tnc, tmmr = 100.0 + q * (p - 1.0), q * p * mmf
    assert tnc == pytest.approx(0.5) and tnc < tmmr
    fp = fillable_price(p, "long", mmf, tnc, tmmr)
    # by hand (liquidations.go GetFillablePrice): ABR = 1 - 0.5 / 12.015, P (1 - ABR x 1.5 x 3%)
    abr = 1.0 - 0.5 / 12.015
    assert fp == pytest.approx(p * (1.0 - abr * 1.5 * 0.03), rel=1e-14)
    # the docs' 0.77 fill is at or above the limit, which is within the 4.5% max spread
    assert p * (1 - 1.5 * mmf) <= fp <= 0.77
    # bankruptcy price 0.80: the fill at 0.77 costs the insurance fund 500 x 0.03 = 15
    bp = D.bankruptcy_price("BTC-USD", "long", 1.0, q, 100.0)
    assert bp == pytest.approx(0.8, rel=1e-14)
    assert q * (bp - 0.77) == pytest.approx(15.0, rel=1e-12)


def test_fillable_price_sides_and_bounds() -> None:
    # liquidations.go: the spread is against the position (short above the oracle); ABR in [0, 1]
    assert fillable_price(100.0, "short", 0.03, 0.0, 15.0) == pytest.approx(104.5, rel=1e-15)
    assert fillable_price(100.0, "long", 0.03, 15.0, 15.0) == 100.0  # TNC = TMMR: ABR 0
    assert fillable_price(100.0, "long", 0.03, -50.0, 15.0) == pytest.approx(95.5)  # ABR capped
    got = fillable_price(np.array([100.0, 100.0]), ["long", "short"], 0.05, 5.0, 10.0)
    np.testing.assert_allclose(got, [100 * (1 - 0.5 * 0.075), 100 * (1 + 0.5 * 0.075)])


# ===================================================================== errors
def test_errors_name_argument_rule_value() -> None:
    # the chain's Validate: IMF and maintenance fraction <= 1e6 ppm, lower cap <= upper cap
    with pytest.raises(ValueError, match=r"initial_margin_ppm must be <= 1_000_000.*1000001"):
        _tier(1_000_001, 800_000)
    with pytest.raises(ValueError, match=r"maintenance_fraction_ppm must be <= 1_000_000"):
        _tier(1_000_000, 1_000_001)
    with pytest.raises(ValueError, match=r"open_interest_lower_cap must be <= .*1000000 > 500000"):
        _tier(150_000, 800_000, 1_000_000, 500_000)
    with pytest.raises(ValueError, match=r"lower_cap must be <= .*1000000 > 0"):
        _tier(150_000, 800_000, 1_000_000, 0)  # LT_TEST: upper cap 0 with a lower cap
    with pytest.raises(TypeError, match=r"initial_margin_ppm must be an int; got float 0\.05"):
        LiquidityTier(0, "x", 0.05, 600_000)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"quote_quantums must be an integer; got float 1\.5"):
        _tier(200_000).initial_margin_quote_quantums(1.5)
    with pytest.raises(ValueError, match="open_interest_quote_quantums must be >= 0; got -1"):
        _tier(200_000).adjusted_initial_margin_ppm(-1)
    with pytest.raises(ValueError, match=r"key must be one of the liquidity tiers .*got 'Mega'"):
        liquidity_tier("Mega")
    with pytest.raises(ValueError, match=r"lower_cap must be <= upper_cap"):
        effective_initial_margin_fraction(0.1, 1.0, 5.0, 2.0)
    with pytest.raises(ValueError, match=r"base_imf must be in \[0, 1\]; got 1.5"):
        effective_initial_margin_fraction(1.5, 1.0, 0.0, 2.0)
    with pytest.raises(ValueError, match="total_maintenance_margin must be > 0"):
        fillable_price(1.0, "long", 0.03, 1.0, 0.0)
    with pytest.raises(ValueError, match=r"bankruptcy_adjustment must be >= 1; got 0\.5"):
        fillable_price(1.0, "long", 0.03, 1.0, 1.0, bankruptcy_adjustment=0.5)
    with pytest.raises(ValueError, match="open_interest must be >= 0"):
        D.initial_margin_rate("BTC-USD", 1e6, open_interest=-1.0)
