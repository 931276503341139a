"""Tests for riskkit.liquidation: published venue examples, properties, error paths.

Each expected value names its example id in tests/reference/venue_examples.py, where the URL,
what the page prints, the status (printed / venue output / other package / by hand) and the
rounding or fee convention are recorded.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference.venue_examples import EXAMPLES

from riskkit.crashes import min_liquidated_leverage
from riskkit.liquidation import (
    adl_quantile,
    adl_ranking,
    adl_ranking_binance,
    bankruptcy_price,
    chart_liquidation_ladder,
    distance_to_liquidation,
    effective_leverage,
    liquidation_losses,
    liquidation_price,
    liquidation_price_fixed_maintenance,
    liquidation_price_tiered,
    liquidation_table,
    liquidation_tables,
    loss_beyond_bankruptcy,
    min_liquidated_leverage_tiered,
    partial_liquidation,
)
from riskkit.margin import (
    MarginTiers,
    cross_account,
    fee_to_close,
    load_tiers,
    maintenance_margin,
)


def _ex(key: str) -> float:
    value = EXAMPLES[key]["expected"]
    assert isinstance(value, float)
    return value


def _tol(key: str) -> float:
    value = EXAMPLES[key]["abs_tol"]
    assert isinstance(value, float)
    return value


def _ceil_tick(x: float, tick: float) -> float:
    """Round up to the tick (Bybit inverse display convention for a long)."""
    return math.ceil(x / tick - 1e-9) * tick


# ------------------------------------------------------------------ Binance USDⓈ-M
# Inputs printed on the Binance FAQ (BINANCE_USDM_FAQ): WB 1,535,443.01; BTCUSDT long 109.488
# at 32,481.98 (mark 31,967.27), MMR 2.5%, cum 16,300; ETHUSDT long 3,683.979 at 1,456.84
# (mark 1,335.18), MMR 10%, cum 135,365.
WB = 1_535_443.01
BN_ACCOUNT = {
    "side": ["long", "long"],
    "entry_price": [32_481.98, 1_456.84],
    "price": [31_967.27, 1_335.18],
    "size": [109.488, 3_683.979],
    "maintenance_margin_rate": [0.025, 0.10],
    "maintenance_amount": [16_300.0, 135_365.0],
}


def test_binance_usdm_cross_maintenance_margins_as_printed() -> None:
    acct = cross_account(WB, **BN_ACCOUNT, index=["BTCUSDT", "ETHUSDT"])
    mm = acct.positions["maintenance_margin"]
    # BN-USDM-MM-ETH / BN-USDM-MM-BTC: printed on the Binance FAQ
    assert mm["ETHUSDT"] == pytest.approx(_ex("BN-USDM-MM-ETH"), abs=_tol("BN-USDM-MM-ETH"))
    assert mm["BTCUSDT"] == pytest.approx(_ex("BN-USDM-MM-BTC"), abs=_tol("BN-USDM-MM-BTC"))
    assert acct.total_maintenance_margin == pytest.approx(356_512.508 + 71_200.81144, abs=1e-3)


def test_binance_usdm_cross_liquidation_prices() -> None:
    acct = cross_account(WB, **BN_ACCOUNT, index=["BTCUSDT", "ETHUSDT"])
    pos = acct.positions
    lp = liquidation_price(
        pos["side"].tolist(),
        pos["entry_price"].to_numpy(),
        pos["size"].to_numpy(),
        pos["margin"].to_numpy(),
        np.array(BN_ACCOUNT["maintenance_margin_rate"]),
        np.array(BN_ACCOUNT["maintenance_amount"]),
    )
    # BN-USDM-CROSS-BTC (freqtrade fixture from the FAQ example): 26,316.89
    assert lp[0] == pytest.approx(_ex("BN-USDM-CROSS-BTC"), abs=_tol("BN-USDM-CROSS-BTC"))
    # BN-USDM-CROSS-ETH: 1,153.26
    assert lp[1] == pytest.approx(_ex("BN-USDM-CROSS-ETH"), abs=_tol("BN-USDM-CROSS-ETH"))


def test_binance_usdm_cross_with_page_printed_terms() -> None:
    # BN-USDM-CROSS-BTC-PAGE-INPUTS: M = WB - TMM1 + UPNL1 with the FAQ's printed TMM1/UPNL1
    margin = WB - 356_512.508 + (-447_482.100)
    lp = liquidation_price("long", 32_481.980, 109.488, margin, 0.025, 16_300.0)
    assert lp == pytest.approx(
        _ex("BN-USDM-CROSS-BTC-PAGE-INPUTS"), abs=_tol("BN-USDM-CROSS-BTC-PAGE-INPUTS")
    )


def test_binance_usdm_isolated() -> None:
    # BN-USDM-ISOLATED-ETH: isolated, TMM1 = UPNL1 = 0
    lp = liquidation_price("long", 1_456.84, 3_683.979, WB, 0.10, 135_365.0)
    assert lp == pytest.approx(_ex("BN-USDM-ISOLATED-ETH"), abs=_tol("BN-USDM-ISOLATED-ETH"))


# ------------------------------------------------------------------ Binance COIN-M
def test_binance_coinm_cross_calculator_tier_aware() -> None:
    # BN-COINM-CROSS-CALC: Binance calculator 33,599.40 (0.1 USD display precision)
    tiers = load_tiers("binance_coinm_btcusd_2023")
    lp = liquidation_price_tiered("long", 45_000.0, 10_000_000.0, 101.0, tiers)
    assert lp == pytest.approx(_ex("BN-COINM-CROSS-CALC"), abs=_tol("BN-COINM-CROSS-CALC"))
    # the consistent tier is the 12.5% / 11.605 BTC one (notional at LP ~ 297.6 BTC)
    direct = liquidation_price("long", 45_000.0, 1e7, 101.0, 0.125, 11.605, "inverse")
    assert lp == pytest.approx(direct, rel=1e-12)
    assert 200.0 <= 1e7 / lp < 400.0


# ------------------------------------------------------------------ Bybit
def test_bybit_usdt_isolated_entry_based() -> None:
    # BY-USDT-ISO-LONG: IM = 20,000/50 = 400, MM = 20,000 x 0.5% = 100 -> 19,700
    lp = liquidation_price_fixed_maintenance("long", 20_000.0, 1.0, 400.0, 100.0)
    assert lp == pytest.approx(_ex("BY-USDT-ISO-LONG"), abs=_tol("BY-USDT-ISO-LONG"))
    # the exact mark-based form differs by about E m / L: convention matters
    exact = liquidation_price("long", 20_000.0, 1.0, 400.0, 0.005)
    assert exact == pytest.approx(19_698.49, abs=0.01)


def test_bybit_usdt_bankruptcy() -> None:
    # BY-USDT-BANKRUPTCY: 10,000 x (1 - 2%) = 9,800
    bp = bankruptcy_price("long", 10_000.0, 1.0, 10_000.0 / 50)
    assert bp == pytest.approx(_ex("BY-USDT-BANKRUPTCY"), abs=_tol("BY-USDT-BANKRUPTCY"))


def test_bybit_inverse_isolated() -> None:
    n, e, lev = 5_000.0, 7_890.08, 50.0
    margin = n / (e * lev)
    mm = n / e * 0.005  # MM at entry
    lp = liquidation_price_fixed_maintenance("long", e, n, margin, mm, "inverse")
    bp = bankruptcy_price("long", e, n, margin, "inverse")
    assert bp == pytest.approx(e * lev / (lev + 1), rel=1e-12)
    # BY-INV-ISO-LP / BY-INV-ISO-BP: displayed rounded up to the 0.5 tick
    assert _ceil_tick(lp, 0.5) == pytest.approx(_ex("BY-INV-ISO-LP"), abs=_tol("BY-INV-ISO-LP"))
    assert _ceil_tick(bp, 0.5) == pytest.approx(_ex("BY-INV-ISO-BP"), abs=_tol("BY-INV-ISO-BP"))


def test_bybit_inverse_cross_with_fee_to_close() -> None:
    n, e, balance, fee = 10_000.0, 8_000.0, 0.5, 0.00075
    # BP reserves the taker fee at BP itself: that is liquidation_price with m = fee
    bp = liquidation_price("long", e, n, balance, fee, 0.0, "inverse")
    assert bp == pytest.approx(_ex("BY-INV-CROSS-BP"), abs=_tol("BY-INV-CROSS-BP"))
    mm = n / e * 0.005 + fee_to_close(n, bp, fee, "inverse")
    lp = liquidation_price_fixed_maintenance("long", e, n, balance, mm, "inverse")
    assert lp == pytest.approx(5_739.08, abs=0.005)  # exact solve, by hand
    assert _ceil_tick(lp, 0.5) == pytest.approx(_ex("BY-INV-CROSS-LP"), abs=_tol("BY-INV-CROSS-LP"))


def test_bybit_uta_inverse_isolated() -> None:
    # BY-UTA-INV-ISO: PV = 1.2 BTC, IM = 0.12, MM = 0.006 -> 60,000 / 1.314
    lp = liquidation_price_fixed_maintenance("long", 50_000.0, 60_000.0, 0.12, 0.006, "inverse")
    assert lp == pytest.approx(_ex("BY-UTA-INV-ISO"), abs=_tol("BY-UTA-INV-ISO"))


def test_mcs_inverse_entry_based_both_sides() -> None:
    n, e = 10_000.0, 2_000.0
    margin, mm = n / (e * 10), n / e * 0.005
    lp = liquidation_price_fixed_maintenance(["long", "short"], e, n, margin, mm, "inverse")
    assert lp[0] == pytest.approx(_ex("MCS-INV-LONG"), abs=_tol("MCS-INV-LONG"))
    assert lp[1] == pytest.approx(_ex("MCS-INV-SHORT"), abs=_tol("MCS-INV-SHORT"))


# ------------------------------------------------------------------ Hyperliquid (API output)
# HL-API: (side, entry, size, isolated collateral, m, API liquidationPrice), 2024, max 50x/20x
HL_CASES = [
    ("long", 62_739.0, 0.00077, 24.137992, 0.01, 31_708.03843631),  # BTC 2x
    ("short", 68_595.0, 0.00069, 23.64871, 0.01, 101_849.99354283),  # BTC 2x
    ("short", 65_536.0, 0.00099, 21.604172, 0.01, 86_493.46174617),  # BTC 3x
    ("short", 2_642.8, 0.019, 25.091876, 0.01, 3_924.18322043),  # ETH 2x
    ("long", 2_545.5, 0.0329, 20.909894, 0.01, 1_929.23322895),  # ETH 4x
    ("long", 145.83, 0.33, 24.045107, 0.025, 74.83696193),  # SOL 2x
    ("short", 0.14333, 351.0, 25.136807, 0.025, 0.20970228),  # DOGE 2x
    ("long", 173.06, 0.6, 20.735658, 0.025, 142.05186667),  # SOL 5x
]


@pytest.mark.parametrize(("side", "entry", "size", "margin", "mmr", "expected"), HL_CASES)
def test_hyperliquid_api_liquidation_prices(
    side: str, entry: float, size: float, margin: float, mmr: float, expected: float
) -> None:
    assert liquidation_price(side, entry, size, margin, mmr) == pytest.approx(expected, rel=1e-4)


def test_hyperliquid_docs_formula_equals_ours() -> None:
    # docs: liq = price - side * margin_available / size / (1 - l * side), l = m, at entry
    e, q, m_, mmr = 62_739.0, 0.00077, 24.137992, 0.01
    avail = m_ - mmr * q * e
    docs = e - avail / q / (1 - mmr)
    assert liquidation_price("long", e, q, m_, mmr) == pytest.approx(docs, rel=1e-12)


# ------------------------------------------------------------------ BitMEX, OKX, dYdX
def test_bitmex_inverse_by_hand() -> None:
    # BITMEX-XBTUSD (by hand): MM 0.40% + taker 0.075% on the mark notional
    lp = liquidation_price("long", 10_000.0, 10_000.0, 0.01, 0.004 + 0.00075, 0.0, "inverse")
    assert lp == pytest.approx(_ex("BITMEX-XBTUSD"), abs=_tol("BITMEX-XBTUSD"))
    assert bankruptcy_price("long", 10_000.0, 10_000.0, 0.01, "inverse") == pytest.approx(
        10_000.0 * 100 / 101, rel=1e-12
    )


def test_okx_fee_in_maintenance_by_hand() -> None:
    # OKX-SWAP (by hand): (6,000 - 60,000) / (1 x (0.0045 - 1))
    lp = liquidation_price("long", 60_000.0, 1.0, 6_000.0, 0.004 + 0.0005)
    assert lp == pytest.approx(_ex("OKX-SWAP"), abs=_tol("OKX-SWAP"))


def test_dydx_examples() -> None:
    # DYDX-BANKRUPTCY (printed): short 500 at $1 with $100 -> $1.20
    assert bankruptcy_price("short", 1.0, 500.0, 100.0) == pytest.approx(
        _ex("DYDX-BANKRUPTCY"), abs=_tol("DYDX-BANKRUPTCY")
    )
    # DYDX-MM (printed): 500 x $1 x 3% = $15
    assert maintenance_margin(500.0, 0.03) == pytest.approx(_ex("DYDX-MM"), abs=_tol("DYDX-MM"))
    # DYDX-LP (by hand from the page formula)
    assert liquidation_price("short", 3_000.0, 3.0, 1_000.0, 0.05) == pytest.approx(
        _ex("DYDX-LP"), abs=_tol("DYDX-LP")
    )


def test_common_wrong_formula_is_not_ours() -> None:
    # E (1 - 1/L + m/L) circulates in public code; it is off by about E m (1 - 2/L)
    e, lev, mmr = 10_000.0, 10.0, 0.005
    ours = liquidation_price("long", e, 1.0, e / lev, mmr)
    wrong = e * (1 - 1 / lev + mmr / lev)
    assert ours == pytest.approx(e * (1 - 1 / lev) / (1 - mmr), rel=1e-12)
    assert abs(ours - wrong) > 30.0


# ------------------------------------------------------------------ ADL
def test_binance_adl_score() -> None:
    # BN-ADL: margin ratio printed as 13.42% -> MM = 0.1342 x (4.27 + 40.2)
    score = adl_ranking_binance(40.2, 4.27, 0.1342 * (4.27 + 40.2))
    assert score == pytest.approx(_ex("BN-ADL"), abs=_tol("BN-ADL"))
    # loss-making or bankrupt positions score 0
    assert adl_ranking_binance(-5.0, 4.27, 1.0) == 0.0


def test_bitmex_adl_ranking_and_lights() -> None:
    # by hand from the BitMEX rule: profit x leverage, loss / leverage
    lev = effective_leverage([1_000.0, 1_000.0], [900.0, 950.0])
    np.testing.assert_allclose(lev, [10.0, 20.0])
    score = adl_ranking([0.1, -0.1], lev)
    np.testing.assert_allclose(score, [1.0, -0.005])
    lights = adl_quantile(pd.Series([5.0, 1.0, 3.0, 2.0, 4.0, 0.5, 0.7, 2.5, 3.5, 9.0]))
    assert lights.tolist() == [5, 2, 3, 2, 4, 1, 1, 3, 4, 5]


# ------------------------------------------------------------------ losses, distance
def test_loss_beyond_bankruptcy_linear_and_inverse() -> None:
    # by hand: long 2 BTC, BP 9,800, fill 9,700 -> 200; fill above BP -> 0
    assert loss_beyond_bankruptcy("long", 9_800.0, 9_700.0, 2.0) == pytest.approx(200.0)
    assert loss_beyond_bankruptcy("long", 9_800.0, 9_900.0, 2.0) == 0.0
    # inverse short 10,000 USD, BP 12,500, fill 20,000: 10,000 (1/12,500 - 1/20,000) = 0.3 BTC
    assert loss_beyond_bankruptcy("short", 12_500.0, 20_000.0, 10_000.0, "inverse") == (
        pytest.approx(0.3, rel=1e-12)
    )


def test_distance_to_liquidation() -> None:
    d = distance_to_liquidation(["long", "short"], 100.0, [90.0, 120.0])
    np.testing.assert_allclose(d, [0.1, 0.2])
    assert distance_to_liquidation("short", 100.0, np.inf) == np.inf


# ------------------------------------------------------------------ tiers, table, partial
def test_tiered_rechecks_bracket_at_liquidation_price() -> None:
    # Binance rule: a 10x long whose entry notional is in tier 4 (2.5%) but whose notional at
    # the LP falls in tier 3 (1%) must use tier 3 (by hand: tier-4 LP 45,357.8 -> 952k USDT,
    # tier-3 LP 45,392.0 -> 953k USDT, consistent).
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    e, q = 50_000.0, 21.0  # 1.05M USDT at entry: tier 4
    m_ = e * q / 10
    lp = liquidation_price_tiered("long", e, q, m_, t)
    lp3 = liquidation_price("long", e, q, m_, 0.01, 1_300.0)
    lp4 = liquidation_price("long", e, q, m_, 0.025, 16_300.0)
    assert q * lp < 1_000_000.0
    assert lp == pytest.approx(lp3, rel=1e-12)
    assert lp != pytest.approx(lp4, rel=1e-6)


def test_tiered_entry_basis_bybit() -> None:
    t = load_tiers("bybit_linear_btcusdt_2021")
    lp = liquidation_price_tiered("long", 20_000.0, 1.0, 400.0, t)
    assert lp == pytest.approx(_ex("BY-USDT-ISO-LONG"), abs=1e-9)  # same as the printed case


def test_tiered_contract_mismatch_and_type() -> None:
    t = load_tiers("hyperliquid_btc_2025")
    with pytest.raises(ValueError, match=r"contract must match tiers\.contract 'linear'"):
        liquidation_price_tiered("long", 1.0, 1.0, 0.1, t, contract="inverse")
    with pytest.raises(TypeError, match="tiers must be a MarginTiers"):
        liquidation_price_tiered("long", 1.0, 1.0, 0.1, {"a": 1})


def test_liquidation_table_shape_and_breach() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    entries = pd.Series([60_000.0, 62_000.0], index=pd.Index(["2025-10-09", "2025-10-06"]))
    df = liquidation_table(
        entries, [2, 5, 10, 25, 50, 100, 125], t, extreme_price=pd.Series([52_000.0, 52_000.0])
    )
    assert len(df) == 14
    assert df["entry"].iloc[0] == "2025-10-09"
    long_ = df[df["entry"] == "2025-10-09"]
    # liquidation price rises with leverage for a long, and 2x survives a 13% drop
    assert np.all(np.diff(long_["liquidation_price"].to_numpy()) > 0)
    assert not bool(long_["liquidated"].iloc[0])
    assert bool(long_["liquidated"].iloc[-1])
    assert np.all(df["bankruptcy_price"] < df["liquidation_price"])
    # 10,000 USDT notional is tier 1 (125x allowed)
    assert df["leverage_allowed"].all()
    big = liquidation_table(60_000.0, [50.0], t, notional=5_000_000.0)
    assert not bool(big["leverage_allowed"].iloc[0])  # 20x max in tier 4


def test_liquidation_table_inverse_short() -> None:
    t = load_tiers("binance_coinm_btcusd_2023")
    df = liquidation_table(40_000.0, [5.0, 20.0], t, side="short", extreme_price=45_000.0)
    assert np.all(df["liquidation_price"] > 40_000.0)
    # 20x short (LP ~ 41,9xx) is liquidated by a 45,000 high; 5x (LP ~ 49,9xx) is not
    assert df["liquidated"].tolist() == [False, True]


def test_liquidation_table_price_extreme_length() -> None:
    t = load_tiers("hyperliquid_btc_2025")
    with pytest.raises(ValueError, match="extreme_price must be a scalar or have one value"):
        liquidation_table([1.0, 2.0], [2.0], t, extreme_price=[1.0, 2.0, 3.0])


def test_partial_liquidation_steps_down_tiers() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    # by hand: 40 BTC at 50,000, margin 200,000, mark 45,500: equity 20,000 < MM 29,200 (tier 4)
    r = partial_liquidation("long", 50_000.0, 40.0, 200_000.0, 45_500.0, t)
    assert r.steps["maintenance_margin"].iloc[0] == pytest.approx(1_820_000 * 0.025 - 16_300)
    assert r.steps["tier"].tolist() == [4, 3]
    assert r.remaining_size == pytest.approx(1_000_000 / 45_500, rel=1e-9)
    assert not r.fully_liquidated
    # deeper: margin 185,000 -> equity 5,000 < tier-3 MM 8,700 -> down to tier 2, then 1
    r2 = partial_liquidation("long", 50_000.0, 40.0, 185_000.0, 45_500.0, t)
    assert r2.steps["tier"].tolist()[:3] == [4, 3, 2]
    assert r2.steps["equity"].nunique() == 1  # closing at the mark leaves equity unchanged
    assert isinstance(r2.summary(), pd.DataFrame)


# ------------------------------------------------------------------ API behaviour, errors
def test_series_index_and_name_kept() -> None:
    idx = pd.Index(["a", "b", "c"])
    entry = pd.Series([100.0, 200.0, 300.0], index=idx)
    out = liquidation_price("long", entry, 1.0, entry / 10, 0.01)
    assert isinstance(out, pd.Series)
    assert out.index.equals(idx)
    assert out.name == "liquidation_price"


def test_numeric_side_equals_string_side() -> None:
    rng = np.random.default_rng(0)
    n = 50
    sides = rng.choice(["long", "short"], n)
    sign = np.where(sides == "long", 1.0, -1.0)
    e = rng.uniform(100, 200, n)
    q = rng.uniform(1, 2, n)
    m_ = e * q / rng.uniform(2, 50, n)
    a = liquidation_price(sides, e, q, m_, 0.005)
    b = liquidation_price(sign, e, q, m_, 0.005)
    np.testing.assert_array_equal(a, b)
    loop = [
        liquidation_price(str(s), x, y, z, 0.005)
        for s, x, y, z in zip(sides, e, q, m_, strict=True)
    ]
    np.testing.assert_allclose(a, loop, rtol=1e-14)


def test_cannot_be_liquidated_values() -> None:
    # long over-collateralised: 0.0 ; inverse short with margin >= N/E: inf
    assert liquidation_price("long", 100.0, 1.0, 150.0, 0.01) == 0.0
    assert liquidation_price("short", 100.0, 100.0, 1.5, 0.01, 0.0, "inverse") == np.inf
    assert liquidation_price_fixed_maintenance("short", 100.0, 100.0, 1.5, 0.0, "inverse") == (
        np.inf
    )


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        (
            {"maintenance_margin_rate": 1.5},
            ValueError,
            r"maintenance_margin_rate must be in \[0, 1\); got 1.5",
        ),
        ({"maintenance_margin_rate": -0.1}, ValueError, r"maintenance_margin_rate must be in"),
        ({"entry_price": 0.0}, ValueError, "entry_price must be > 0; got 0.0"),
        ({"size": -1.0}, ValueError, "size must be > 0"),
        ({"maintenance_amount": -5.0}, ValueError, "maintenance_amount must be >= 0"),
        ({"margin": np.nan}, ValueError, "margin must be finite"),
        ({"side": "flat"}, ValueError, r"side must be one of \('long', 'short'\)"),
        ({"side": [1.0, 0.0]}, ValueError, "side must be 'long'/'short' or \\+1/-1"),
        ({"contract": "quanto"}, ValueError, "contract must be one of"),
        ({"margin": "10"}, TypeError, "margin must be numeric"),
    ],
)
def test_liquidation_price_errors(kwargs: dict, exc: type, match: str) -> None:
    args = {
        "side": "long",
        "entry_price": 100.0,
        "size": 1.0,
        "margin": 10.0,
        "maintenance_margin_rate": 0.01,
        "maintenance_amount": 0.0,
        "contract": "linear",
    }
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        liquidation_price(**args)


# ------------------------------------------------------------------ properties
prices = st.floats(1.0, 1e6)
leverages = st.floats(1.5, 125.0)
mmrs = st.floats(0.0, 0.004)


@given(prices, leverages, mmrs, st.sampled_from(["linear", "inverse"]))
def test_property_long_below_short_above_entry(e: float, lev: float, m: float, c: str) -> None:
    n = 10_000.0
    size, margin = (n / e, n / lev) if c == "linear" else (n, n / (e * lev))
    long_ = liquidation_price("long", e, size, margin, m, 0.0, c)
    short = liquidation_price("short", e, size, margin, m, 0.0, c)
    assert long_ < e < short


@given(prices, st.floats(1.5, 60.0), mmrs, st.sampled_from(["linear", "inverse"]))
def test_property_moves_toward_entry_with_leverage(e: float, lev: float, m: float, c: str) -> None:
    n = 10_000.0
    levs = np.array([lev, lev * 1.5, lev * 2.0])
    size, margin = (n / e, n / levs) if c == "linear" else (n, n / (e * levs))
    long_ = liquidation_price("long", e, size, margin, m, 0.0, c)
    short = liquidation_price("short", e, size, margin, m, 0.0, c)
    assert np.all(np.diff(long_) > 0)
    assert np.all(np.diff(short) < 0)


@given(
    st.sampled_from(["long", "short"]),
    prices,
    leverages,
    st.floats(0.0, 0.2),
    st.floats(0.0, 50.0),
    st.sampled_from(["linear", "inverse"]),
)
def test_property_equity_equals_maintenance_at_liquidation(
    side: str, e: float, lev: float, m: float, a: float, c: str
) -> None:
    n = 10_000.0
    size, margin = (n / e, n / lev) if c == "linear" else (n, n / (e * lev))
    a = a if c == "linear" else a / e  # deduction in settlement currency
    p = liquidation_price(side, e, size, margin, m, a, c)
    if not (0 < p < np.inf):
        return
    s = 1.0 if side == "long" else -1.0
    if c == "linear":
        equity, mm = margin + s * size * (p - e), m * size * p - a
        scale = n
    else:
        equity, mm = margin + s * size * (1 / e - 1 / p), m * size / p - a
        scale = n / min(e, p)
    assert equity == pytest.approx(mm, abs=1e-9 * scale)


@given(
    st.sampled_from(["long", "short"]),
    prices,
    leverages,
    st.floats(0.0, 0.3),
    st.floats(0.0, 1.0),
)
def test_property_inverse_is_linear_in_reciprocal_price(
    side: str, e: float, lev: float, m: float, a: float
) -> None:
    # an inverse position of side s in P is a linear position of side -s in 1/P (size N)
    n = 10_000.0
    margin = n / (e * lev)
    inv = liquidation_price(side, e, n, margin, m, a * margin, "inverse")
    other = "short" if side == "long" else "long"
    lin = liquidation_price(other, 1.0 / e, n, margin, m, a * margin, "linear")
    if lin == 0.0:
        assert inv == np.inf
    else:
        assert inv == pytest.approx(1.0 / lin, rel=1e-9)


@given(st.sampled_from(["long", "short"]), prices, st.floats(1.0, 125.0), st.floats(1e3, 1e8))
def test_property_tiered_is_self_consistent(side: str, e: float, lev: float, n: float) -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    q, m_ = n / e, n / lev
    p = liquidation_price_tiered(side, e, q, m_, t)
    if not (0 < p < np.inf):
        return
    v = q * p
    if v >= t.notional_cap[-1]:
        return
    k = int(np.searchsorted(t.notional_floor, v, side="right") - 1)
    direct = liquidation_price(
        side, e, q, m_, t.maintenance_margin_rate[k], t.maintenance_amount[k]
    )
    assert p == pytest.approx(direct, rel=1e-12)


@given(st.sampled_from(["long", "short"]), prices, leverages, mmrs)
def test_property_bankruptcy_beyond_liquidation(side: str, e: float, lev: float, m: float) -> None:
    q, margin = 1.0, e / lev
    lp = liquidation_price(side, e, q, margin, m)
    bp = bankruptcy_price(side, e, q, margin)
    if side == "long":
        assert bp <= lp + 1e-9 * e
    else:
        assert bp >= lp - 1e-9 * e


def test_tiered_beyond_last_cap_warns() -> None:
    from riskkit.exceptions import TierMismatchWarning

    t = load_tiers("binance_usdm_btcusdt_2021-03")
    with pytest.warns(TierMismatchWarning, match="above the last tier cap"):
        p = liquidation_price_tiered("long", 1.0, 4e8, 4e8 / 118, t)
    assert p == pytest.approx(liquidation_price("long", 1.0, 4e8, 4e8 / 118, 0.5, 100_016_300.0))


def test_tiers_type_is_margin_tiers() -> None:
    assert isinstance(load_tiers("hyperliquid_btc_2025"), MarginTiers)


def test_chart_liquidation_ladder() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    df = liquidation_table(pd.Series([60_000.0], index=["2025-10-09"]), [2, 10, 50], t)
    chart = chart_liquidation_ladder(df, color="entry", lows=pd.Series({"crash low": 52_000.0}))
    spec = chart.to_dict()
    assert spec["width"] <= 520
    assert spec["title"] == "Liquidation price by leverage"
    assert len(spec["layer"]) == 3  # lines with markers, rules, rule labels
    assert spec["layer"][0]["encoding"]["strokeDash"]["field"] == "entry"
    assert spec["layer"][2]["mark"]["type"] == "text"
    unzeroed = chart_liquidation_ladder(df, zero=False).to_dict()
    assert unzeroed["layer"][0]["encoding"]["y"]["scale"]["zero"] is False
    with pytest.raises(ValueError, match="table is missing columns"):
        chart_liquidation_ladder(df.drop(columns="leverage"))


def test_min_liquidated_leverage_tiered_by_hand() -> None:
    usdm = load_tiers("binance_usdm_btcusdt_2021-03")
    coinm = load_tiers("binance_coinm_btcusd_2023")
    # by hand, see docstring: linear 1/(1 - 0.9 x 0.996); inverse 90,000/(100,400 - 90,000)
    assert min_liquidated_leverage_tiered(100_000.0, 90_000.0, usdm) == pytest.approx(
        1 / (1 - 0.9 * 0.996), rel=1e-12
    )
    assert min_liquidated_leverage_tiered(100_000.0, 90_000.0, coinm) == pytest.approx(
        90_000 / 10_400, rel=1e-12
    )
    # an inverse long at 1x is liquidated by a fall to E (1 + m) / 2
    assert min_liquidated_leverage_tiered(100_000.0, 50_000.0, coinm) == 1.0
    # no fall: only 1/m = 250x (liquidated at entry) and above; a rise liquidates no long
    assert min_liquidated_leverage_tiered(100_000.0, 100_000.0, usdm) == pytest.approx(250.0)
    assert min_liquidated_leverage_tiered(100_000.0, 100_500.0, usdm) == math.inf
    # short side: a rise to 110,000 liquidates from 1/(1.1 x 1.004 - 1)
    assert min_liquidated_leverage_tiered(
        100_000.0, 110_000.0, usdm, side="short"
    ) == pytest.approx(1 / (1.1 * 1.004 - 1), rel=1e-12)


def test_min_liquidated_leverage_tiered_matches_flat_rate_and_threshold() -> None:
    flat = MarginTiers.from_rates([0.0], [0.005], [125.0])
    entries = pd.Series([100.0, 100.0, 250.0], index=["a", "b", "c"])
    lows = np.array([90.0, 60.0, 240.0])
    got = min_liquidated_leverage_tiered(entries, lows, flat, notional=1_000.0)
    assert list(got.index) == ["a", "b", "c"]
    np.testing.assert_allclose(got, min_liquidated_leverage(entries, lows), rtol=1e-12)
    # the threshold is the boundary of the liquidation table's verdict
    t = load_tiers("bybit_linear_btcusdt_2021")
    lev = min_liquidated_leverage_tiered(100_000.0, 93_000.0, t, notional=5e6)
    table = liquidation_table(
        100_000.0, [lev * 0.999, lev * 1.001], t, notional=5e6, extreme_price=93_000.0
    )
    assert table["liquidated"].tolist() == [False, True]


def test_min_liquidated_leverage_tiered_errors() -> None:
    t = load_tiers("hyperliquid_btc_2025")
    with pytest.raises(TypeError, match="tiers must be a MarginTiers"):
        min_liquidated_leverage_tiered(1.0, 1.0, "x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_leverage must be > 1"):
        min_liquidated_leverage_tiered(1.0, 1.0, t, max_leverage=1.0)
    with pytest.raises(ValueError, match="extreme_price"):
        min_liquidated_leverage_tiered(1.0, -1.0, t)
    with pytest.raises(ValueError, match="side"):
        min_liquidated_leverage_tiered(1.0, 1.0, t, side="up")


def test_liquidation_tables_stacks_by_label_and_filters_allowed() -> None:
    usdm = load_tiers("binance_usdm_btcusdt_2021-03")
    coinm = load_tiers("binance_coinm_btcusd_2023")
    hl = load_tiers("hyperliquid_btc_2025")  # max 40x
    lev = [10.0, 50.0]
    got = liquidation_tables(100_000.0, lev, {"lin": usdm, "inv": coinm}, key="contract")
    assert got.columns[0] == "contract"
    assert got["contract"].tolist() == ["lin", "lin", "inv", "inv"]
    assert list(got.index) == [0, 1, 2, 3]
    # each block equals liquidation_table on its own (by hand: 90,361.45 and 91,272.73 at 10x)
    np.testing.assert_allclose(
        got["liquidation_price"].iloc[2:],
        liquidation_table(100_000.0, lev, coinm)["liquidation_price"],
    )
    assert got["liquidation_price"].iloc[0] == pytest.approx(1e5 * 0.9 / 0.996)
    assert got["liquidation_price"].iloc[2] == pytest.approx(1e5 * 1.004 * 10 / 11)
    only = liquidation_tables(100_000.0, lev, {"hl": hl, "usdm": usdm}, allowed_only=True)
    assert only[["venue", "leverage"]].values.tolist() == [
        ["hl", 10.0],
        ["usdm", 10.0],
        ["usdm", 50.0],
    ]
    with pytest.raises(ValueError, match="at least one"):
        liquidation_tables(100_000.0, lev, {})
    with pytest.raises(ValueError, match="key must not be a column"):
        liquidation_tables(100_000.0, lev, {"a": hl}, key="tier")


def test_liquidation_losses_by_hand_and_invariants() -> None:
    usdm = load_tiers("binance_usdm_btcusdt_2021-03")
    hours = pd.date_range("2025-10-10 19:00", periods=4, freq="h", tz="UTC")
    lows = pd.Series([99_500.0, 98_100.0, 85_000.0, 80_000.0], index=hours)
    got = liquidation_losses(100_000.0, lows, [2, 10, 50], usdm)
    # 2x: P_liq = 1e5 x 0.5 / 0.996 = 50,200.8 never reached
    assert not got.loc[2.0, "liquidated"]
    assert pd.isna(got.loc[2.0, "first_hit"]) and np.isnan(got.loc[2.0, "loss"])
    # 10x: first reached at 21:00 (85,000); size 0.1 BTC, P_b = 90,000: loss 500 USD, 50 % of margin
    assert got.loc[10.0, "first_hit"] == hours[2]
    assert got.loc[10.0, "loss"] == pytest.approx(500.0)
    assert got.loc[10.0, "loss_to_margin"] == pytest.approx(0.5)
    # 50x: P_liq = 98,393.57 reached at 20:00 (98,100), above P_b = 98,000: no loss
    assert got.loc[50.0, "first_hit"] == hours[1]
    assert got.loc[50.0, "fill_price"] == 98_100.0
    assert got.loc[50.0, "loss"] == 0.0
    # the verdict agrees with liquidation_table at the window's low
    ref = liquidation_table(100_000.0, [2, 10, 50], usdm, extreme_price=lows.min())
    assert got["liquidated"].tolist() == ref["liquidated"].tolist()
    # a short mirrors: highs that gap through its bankruptcy price
    highs = pd.Series([100_500.0, 112_000.0], index=[1, 2])
    short = liquidation_losses(100_000.0, highs, [10], usdm, side="short")
    assert short.loc[10.0, "loss"] == pytest.approx(0.1 * (112_000.0 - 110_000.0))
    with pytest.raises(TypeError, match="extreme_price must be a Series"):
        liquidation_losses(100_000.0, [1.0], [10], usdm)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="empty"):
        liquidation_losses(100_000.0, pd.Series([], dtype=float), [10], usdm)


def test_chart_liquidation_ladder_embeds_only_shown_columns() -> None:
    t = load_tiers("hyperliquid_btc_2025")
    full = liquidation_tables(100_000.0, [2, 5], {"hl": t})
    spec = chart_liquidation_ladder(full, color="venue").to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert set(rows[0]) == {"venue", "entry", "leverage", "liquidation_price", "tier"}


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread (labels, bools, strings)
# --------------------------------------------------------------------------------------------
def test_series_are_combined_by_label_not_position() -> None:
    # a: entry 100, margin 1000 -> never liquidated (0.0); b: entry 200, margin 10 ->
    # (10 - 200) / (0.005 - 1) = 190.95 (by hand, see the docstring formula)
    entry = pd.Series([100.0, 200.0], index=["a", "b"])
    margin = pd.Series([10.0, 1000.0], index=["b", "a"])
    out = liquidation_price("long", entry, 1.0, margin, 0.005)
    assert list(out.index) == ["a", "b"]
    np.testing.assert_allclose(out.to_numpy(), [0.0, 190 / 0.995], rtol=1e-12)


def test_series_with_different_labels_raise_naming_both() -> None:
    entry = pd.Series([100.0, 200.0], index=["a", "b"])
    margin = pd.Series([10.0, 1000.0], index=["b", "c"])
    with pytest.raises(ValueError, match=r"entry_price and margin have different indexes"):
        liquidation_price("long", entry, 1.0, margin, 0.005)
    with pytest.raises(ValueError, match=r"price and liquidation_price have different indexes"):
        distance_to_liquidation("long", entry, margin)


def test_distance_to_liquidation_rejects_bool_and_strings() -> None:
    with pytest.raises(TypeError, match="liquidation_price must be numeric"):
        distance_to_liquidation("long", 100.0, True)
    with pytest.raises(TypeError, match="price must be numeric"):
        distance_to_liquidation("long", pd.Series(["100", "90"]), 50.0)
    assert distance_to_liquidation("short", 100.0, math.inf) == math.inf


def test_chart_liquidation_ladder_rejects_a_non_frame() -> None:
    pytest.importorskip("altair")
    with pytest.raises(TypeError, match=r"table must be a pandas DataFrame; got list \[\]"):
        chart_liquidation_ladder([])  # type: ignore[arg-type]


def test_liquidation_tables_rejects_a_non_mapping_and_a_non_tier_table() -> None:
    with pytest.raises(
        TypeError, match=r"tables must be a mapping of label -> MarginTiers; got list \['a'\]"
    ):
        liquidation_tables(100.0, [10], ["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tables\['a'\] must be a MarginTiers; got str 'x'"):
        liquidation_tables(100.0, [10], {"a": "x"})  # type: ignore[dict-item]


# --------------------------------------------------------------------------------------------
# the tier-aware solver against a naive per-position reference
# --------------------------------------------------------------------------------------------
def _naive_tiered(s: float, e: float, q: float, m_: float, t: MarginTiers) -> float:
    """One position at a time: try every tier, keep the one its own price falls in."""
    linear = t.contract == "linear"
    last = t.n_tiers - 1

    def tier_of(v: float) -> int:
        return min(max(int(np.searchsorted(t.notional_floor, v, side="right")) - 1, 0), last)

    if t.tier_basis == "size":  # OKX: the tier of the size, cap included, whatever the price
        k = min(max(int(np.searchsorted(t.notional_floor, q, side="left")) - 1, 0), last)
        return float(
            liquidation_price(
                s, e, q, m_, t.maintenance_margin_rate[k], t.maintenance_amount[k], t.contract
            )
        )
    if t.tier_basis == "entry":
        k = tier_of(q * e if linear else q / e)
        r, a = t.maintenance_margin_rate[k], t.maintenance_amount[k]
        if t.maintenance_basis == "entry":
            return float(
                liquidation_price_fixed_maintenance(
                    s, e, q, m_, (q * e if linear else q / e) * r - a, t.contract
                )
            )
        return float(liquidation_price(s, e, q, m_, r, a, t.contract))
    # every tier whose own price falls in it, and (tables whose maintenance jumps at a floor F,
    # amounts not from the cum recursion) every F where the lower tier's price lies beyond F
    # and the upper tier's before it: maintenance jumps past equity at F itself
    found = []
    for k in range(t.n_tiers):
        p = float(
            liquidation_price(
                s, e, q, m_, t.maintenance_margin_rate[k], t.maintenance_amount[k], t.contract
            )
        )
        with np.errstate(divide="ignore"):
            v = q * p if linear else (q / p if p > 0 else np.inf)
        if tier_of(v) == k:
            found.append(p)
        if k:
            f = float(t.notional_floor[k])
            lower = float(
                liquidation_price(
                    s,
                    e,
                    q,
                    m_,
                    t.maintenance_margin_rate[k - 1],
                    t.maintenance_amount[k - 1],
                    t.contract,
                )
            )
            with np.errstate(divide="ignore"):
                v_lower = q * lower if linear else (q / lower if lower > 0 else np.inf)
            if v_lower >= f > v:
                found.append(f / q if linear else q / f)
    if not found:
        raise AssertionError("no consistent tier")  # pragma: no cover
    # continuous tables have one; with jumps the position meets the first one on its way from
    # entry (the highest below entry for a long, the lowest above it for a short), or, already
    # short of margin at entry, the nearest one on the other side
    v_e = q * e if linear else q / e
    k_e = tier_of(v_e)
    short_at_entry = m_ < v_e * t.maintenance_margin_rate[k_e] - t.maintenance_amount[k_e]
    adverse = [p for p in found if (p <= e if s > 0 else p >= e)]
    other = [p for p in found if p not in adverse]
    if adverse and not (short_at_entry and other):
        return max(adverse) if s > 0 else min(adverse)
    return min(other) if s > 0 else max(other)


def _tables() -> list[MarginTiers]:
    from riskkit import venues
    from riskkit.margin import available_tiers

    out = [load_tiers(name) for name in available_tiers()]
    for name in venues.available():
        v = venues.get(name)
        for mk in v.markets:
            for snap in mk.snapshots:
                out.append(snap.tiers)
    # a fee folded into every rate (OKX, BitMEX) keeps the table continuous
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    out.append(
        MarginTiers.from_rates(t.notional_floor, t.maintenance_margin_rate + 0.0005, t.max_leverage)
    )
    return out


@pytest.mark.parametrize("which", range(len(_tables())))
def test_tiered_matches_naive_reference(which: int) -> None:
    t = _tables()[which]
    rng = np.random.default_rng(which)
    n = 600
    linear = t.contract == "linear"
    s = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    e = rng.uniform(0.05, 120_000.0, n)
    top = float(t.notional_floor[-1]) * 1.5 if t.n_tiers > 1 else 1e6
    v0 = np.exp(rng.uniform(np.log(1.0), np.log(max(top, 10.0)), n))  # notional, table currency
    lev = np.exp(rng.uniform(0.0, np.log(150.0), n))
    q = v0 / e if linear else v0 * e  # linear: base qty; inverse: USD
    m_ = v0 / lev
    m_[::50] *= -0.01  # a few cross margins already below zero
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = liquidation_price_tiered(s, e, q, m_, t)
        want = np.array([_naive_tiered(*args, t) for args in zip(s, e, q, m_, strict=True)])
    both_inf = np.isinf(got) & np.isinf(want)
    assert np.array_equal(np.isinf(got), np.isinf(want))
    np.testing.assert_allclose(got[~both_inf], want[~both_inf], rtol=1e-11, atol=1e-300)


def test_tiered_discontinuous_table_falls_back_to_walk() -> None:
    # amounts that do not follow the cum recursion: maintenance jumps at 50,000
    t = MarginTiers([0.0, 50_000.0], [50_000.0, np.inf], [0.004, 0.01], [0.0, 100.0], [125.0, 50.0])
    rng = np.random.default_rng(3)
    e = rng.uniform(10_000.0, 60_000.0, 300)
    q = rng.uniform(0.1, 5.0, 300)
    s = np.where(rng.random(300) < 0.5, 1.0, -1.0)
    m_ = q * e / 20.0
    got = liquidation_price_tiered(s, e, q, m_, t)
    for i in range(300):
        p = got[i]
        k = 0 if q[i] * p < 50_000.0 else 1
        ref = liquidation_price(
            s[i], e[i], q[i], m_[i], t.maintenance_margin_rate[k], t.maintenance_amount[k]
        )
        if (k == 0 and q[i] * ref < 50_000.0) or (k == 1 and q[i] * ref >= 50_000.0):
            assert p == pytest.approx(ref, rel=1e-12)


def test_tiered_blocks_and_broadcasting() -> None:
    # more positions than one block, scalars broadcast, 2-d shapes kept
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    n = 70_001
    e = np.linspace(1_000.0, 90_000.0, n)
    got = liquidation_price_tiered("short", e, 3.0, e * 3.0 / 10.0, t)
    want = np.array([_naive_tiered(-1.0, x, 3.0, x * 0.3, t) for x in e[::997]])
    np.testing.assert_allclose(got[::997], want, rtol=1e-12)
    grid = liquidation_price_tiered("long", e[:6].reshape(2, 3), np.array([[1.0], [2.0]]), 500.0, t)
    assert grid.shape == (2, 3)
    assert grid[1, 2] == pytest.approx(_naive_tiered(1.0, e[5], 2.0, 500.0, t), rel=1e-12)
