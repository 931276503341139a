"""Tests for riskkit.margin: tier snapshots, lookups, margin arithmetic, cross accounts."""

from __future__ import annotations

import tomllib
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference.venue_examples import EXAMPLES

from riskkit.exceptions import TierMismatchWarning
from riskkit.margin import (
    MarginTiers,
    available_tiers,
    compare_tiers,
    cross_account,
    fee_to_close,
    initial_margin,
    load_tiers,
    maintenance_amounts,
    maintenance_margin,
    margin_ratio,
    notional_value,
    unrealized_pnl,
)

SNAPSHOTS = [
    "binance_coinm_btcusd_2023",
    "binance_usdm_btcusdt_2021-03",
    "binance_usdm_ethusdt_2021",
    "bybit_linear_btcusdt_2021",
    "hyperliquid_btc_2025",
]


def test_snapshots_ship_inside_the_package() -> None:
    assert available_tiers() == SNAPSHOTS
    root = resources.files("riskkit").joinpath("tiers")
    for name in SNAPSHOTS:
        meta = tomllib.loads(root.joinpath(f"{name}.toml").read_text(encoding="utf-8"))
        for key in ("venue", "symbol", "contract", "settlement_currency", "source_url"):
            assert meta[key], (name, key)
        assert meta["source_url"].startswith("https://")
        assert meta["retrieved"] == "2026-11-27"
        assert meta["vintage"]


@pytest.mark.parametrize("name", SNAPSHOTS)
def test_snapshot_loads_with_provenance(name: str) -> None:
    t = load_tiers(name)
    assert t.source_url.startswith("https://")
    assert t.n_tiers >= 2
    assert np.all(np.diff(t.max_leverage) <= 0)  # bigger positions, lower max leverage
    if t.tier_basis == "liquidation":
        # continuous maintenance margin (cum recursion) is what makes the tier re-check unique
        assert t.is_continuous
    frame = t.summary()
    assert frame.attrs["source_url"] == t.source_url
    assert list(frame.index) == list(range(1, t.n_tiers + 1))
    assert "<table" in t._repr_html_()


def test_binance_printed_lookups() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    # BN-USDM-LOOKUP-264K (printed): 264,000 USDT -> MMR 1%
    assert t.lookup(264_000.0)[0] == EXAMPLES["BN-USDM-LOOKUP-264K"]["expected"]
    # BN-USDM-LOOKUP-500K (printed): 500,000 USDT -> maintenance amount 1,300
    assert t.lookup(500_000.0)[1] == EXAMPLES["BN-USDM-LOOKUP-500K"]["expected"]
    # BN-USDM-CUM-L3 (printed): 250,000 x (1% - 0.5%) + 50 = 1,300
    cum = maintenance_amounts([0, 50_000, 250_000], [0.004, 0.005, 0.01])
    assert cum[2] == pytest.approx(EXAMPLES["BN-USDM-CUM-L3"]["expected"], abs=1e-9)
    # the 3.5M USDT position of the FAQ's cross example is at 2.5% / 16,300
    assert t.lookup(3_500_032.458) == (0.025, 16_300.0)
    eth = load_tiers("binance_usdm_ethusdt_2021")
    assert eth.lookup(4_918_775.081) == (0.10, 135_365.0)  # FAQ: ETHUSDT 10%, 135,365


def test_binance_coinm_printed_values() -> None:
    t = load_tiers("binance_coinm_btcusd_2023")
    # BN-COINM-LOOKUP-300 (printed): 300 BTC -> 12.5%, 11.605 BTC
    assert t.lookup(300.0) == pytest.approx(EXAMPLES["BN-COINM-LOOKUP-300"]["expected"])
    # BN-COINM-MM (printed): 100 contracts x 100 USD at 25,000 -> 0.4 BTC, MM 0.0016 BTC
    v = notional_value(100 * 100.0, 25_000.0, "inverse")
    assert v == pytest.approx(0.4)
    assert t.maintenance_margin(v) == pytest.approx(0.0016, abs=1e-12)


def test_hyperliquid_deduction_by_hand() -> None:
    # HL-TIER2-DEDUCTION (by hand from the docs' rule): 150M x (2.5% - 1.25%)
    t = load_tiers("hyperliquid_btc_2025")
    assert t.maintenance_amount[1] == pytest.approx(1_875_000.0, abs=1e-6)
    assert t.max_leverage_for([1e6, 2e8]).tolist() == [40.0, 20.0]
    # the Hyperliquid rule MMR = 1 / (2 x max leverage)
    np.testing.assert_allclose(t.maintenance_margin_rate, 1 / (2 * t.max_leverage))


def test_lookup_boundaries_and_vectorisation() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    v = pd.Series([0.0, 49_999.99, 50_000.0, 250_000.0], index=list("abcd"))
    rate, amount = t.lookup(v)
    assert isinstance(rate, pd.Series)
    assert rate.index.equals(v.index)
    assert rate.tolist() == [0.004, 0.004, 0.005, 0.01]  # floor <= notional < cap
    assert amount.tolist() == [0.0, 0.0, 50.0, 1_300.0]


@given(st.floats(0.0, 4.9e8))
def test_property_maintenance_margin_continuous_and_increasing(v: float) -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    eps = 1e-3
    lo, hi = t.maintenance_margin(np.array([v, v + eps]))
    assert hi >= lo
    assert hi - lo <= 0.5 * eps + 1e-6  # at most the top rate x eps: no jump at boundaries


def test_lookup_above_cap_warns() -> None:
    t = load_tiers("binance_usdm_btcusdt_2021-03")
    with pytest.warns(TierMismatchWarning, match="at or above the last tier cap"):
        rate, _ = t.lookup(6e8)
    assert rate == 0.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"floor": [1.0, 2.0]}, "notional_floor must start at 0"),
        ({"floor": [0.0, 0.0]}, "strictly increasing"),
        ({"rate": [0.01, 0.005]}, "non-decreasing"),
        ({"rate": [0.01, 1.2]}, r"maintenance_margin_rate must be in \[0, 1\)"),
        ({"cap": [5.0, 20.0]}, "contiguous tiers"),
    ],
)
def test_margin_tiers_validation(kwargs: dict, match: str) -> None:
    args = {"floor": [0.0, 10.0], "cap": [10.0, 20.0], "rate": [0.01, 0.02]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        MarginTiers(args["floor"], args["cap"], args["rate"], [0.0, 0.1], [50.0, 25.0])


def test_margin_tiers_is_frozen() -> None:
    t = load_tiers("hyperliquid_btc_2025")
    with pytest.raises(AttributeError):
        t.venue = "x"
    with pytest.raises(ValueError, match="read-only"):
        t.maintenance_margin_rate[0] = 0.5


def test_load_tiers_unknown_name() -> None:
    with pytest.raises(ValueError, match="name must be one of"):
        load_tiers("binance_btc_1999")


def test_margin_arithmetic_by_hand() -> None:
    # Bybit help page: 1 BTC at 20,000, 50x -> IM 400; MM at 0.5% -> 100
    assert initial_margin(20_000.0, 50.0) == 400.0
    assert maintenance_margin(20_000.0, 0.005) == 100.0
    assert unrealized_pnl("short", 100.0, 110.0, 3.0) == pytest.approx(-30.0)
    # inverse: 10,000 USD long from 10,000 to 12,500: 10,000 (1/10,000 - 1/12,500) = 0.2 BTC
    assert unrealized_pnl("long", 10_000.0, 12_500.0, 10_000.0, "inverse") == pytest.approx(0.2)
    assert fee_to_close(2.0, 100.0, 0.0005) == pytest.approx(0.1)
    assert margin_ratio(10.0, 0.0) == np.inf
    with pytest.raises(ValueError, match=r"leverage must be in \[1, inf\); got 0\.5"):
        initial_margin(1.0, 0.5)


def test_cross_account_totals() -> None:
    acct = cross_account(
        1_000.0, ["long", "short"], [100.0, 50.0], [90.0, 40.0], [1.0, 2.0], [0.01, 0.02]
    )
    # by hand: UPNL = -10 + 20 = 10; MM = 0.9 + 1.6 = 2.5; margin_0 = 1000 - 1.6 + 20
    assert acct.total_unrealized_pnl == pytest.approx(10.0)
    assert acct.total_maintenance_margin == pytest.approx(2.5)
    assert acct.equity == pytest.approx(1_010.0)
    assert acct.margin_ratio == pytest.approx(2.5 / 1_010.0)
    assert acct.positions["margin"].tolist() == pytest.approx([1_018.4, 989.1])
    assert acct.summary().loc["equity", "value"] == pytest.approx(1_010.0)


def test_contract_size_from_sidecar() -> None:
    # Binance COIN-M BTCUSD_PERP: 100 USD per contract (Binance COIN-M FAQ)
    assert load_tiers("binance_coinm_btcusd_2023").contract_size == 100.0
    assert load_tiers("binance_usdm_btcusdt_2021-03").contract_size == 1.0
    with pytest.raises(ValueError, match="contract_size must be > 0"):
        MarginTiers([0.0], [1.0], [0.01], [0.0], [10.0], contract_size=0.0)


def test_chart_max_leverage_steps_in_usd() -> None:
    from riskkit.margin import chart_max_leverage

    usdm, coinm = (
        load_tiers("binance_usdm_btcusdt_2021-03"),
        load_tiers("binance_coinm_btcusd_2023"),
    )
    spec = chart_max_leverage({"USD-M": usdm, "COIN-M": coinm}, price=50_000.0).to_dict()
    assert spec["width"] == 520
    assert spec["mark"]["interpolate"] == "step-after"
    rows = next(iter(spec["datasets"].values()))
    coin = [r for r in rows if r["venue"] == "COIN-M"]
    assert coin[1]["notional_usd"] == 5 * 50_000.0  # tier 1 cap 5 BTC at 50,000 USD
    with pytest.raises(ValueError, match="price is required"):
        chart_max_leverage({"COIN-M": coinm})
    with pytest.raises(ValueError, match="at least one"):
        chart_max_leverage({})


def test_compare_tiers_reads_each_table() -> None:
    names = {"usdm": "binance_usdm_btcusdt_2021-03", "bybit": "bybit_linear_btcusdt_2021"}
    tables = {k: load_tiers(v) for k, v in names.items()}
    out = compare_tiers(tables)
    assert out.index.tolist() == ["usdm", "bybit"]
    assert out.loc["usdm", "max_leverage"] == 125.0  # Binance USD-M tier 1
    assert out.loc["bybit", "tier_basis"] == "entry"  # Bybit classic fixes the tier at entry
    assert out.loc["usdm", "n_tiers"] == tables["usdm"].n_tiers
    with pytest.raises(TypeError, match=r"tables\['x'\] must be a MarginTiers"):
        compare_tiers({"x": "binance"})  # type: ignore[dict-item]


def test_compare_tiers_rejects_a_non_mapping() -> None:
    with pytest.raises(
        TypeError, match=r"tables must be a mapping of label -> MarginTiers; got NoneType None"
    ):
        compare_tiers(None)  # type: ignore[arg-type]


def test_chart_max_leverage_rejects_a_non_mapping_and_a_non_tier_table() -> None:
    pytest.importorskip("altair")
    from riskkit.margin import chart_max_leverage

    with pytest.raises(TypeError, match=r"tiers must be a mapping of label -> MarginTiers"):
        chart_max_leverage(["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tiers\['a'\] must be a MarginTiers; got int 1"):
        chart_max_leverage({"a": 1})  # type: ignore[dict-item]
