"""Shipped OKX tables and market specs against venue responses recorded verbatim by ccxt.

Each literal below is the raw venue payload (``httpResponse.data[0]``, trimmed to the fields
used) of a ccxt static test recording, cited next to it; the expected numbers are the venue's,
never riskkit's. No ``fetchLeverageTiers`` / ``fetchMarketLeverageTiers`` recording was found in
the stored versions of ccxt's okx.json, gate.json or bybit.json, so these check a market spec
and a tier rate the venue attests in other responses (open interest, positions).
"""

from __future__ import annotations

import pytest

from riskkit import venues

OKX = venues.get("okx")

OKX_JSON = "github.com/ccxt/ccxt ts/src/test/static/response/okx.json"
OKX_JSON_COMMIT = "02140ad047b4047caf72b2e8a98f99e3297a5398"

# OKX_JSON @ OKX_JSON_COMMIT (fetchOpenInterest "linear oi", BTC/USDT:USDT;
# GET /api/v5/public/open-interest): oi in contracts, oiCcy in BTC, so oiCcy / oi is the
# contract value (ctVal)
OKX_BTC_USDT_SWAP_OI = {
    "instId": "BTC-USDT-SWAP",
    "instType": "SWAP",
    "oi": "2663107.29999999861",
    "oiCcy": "26631.0729999999861",
    "ts": "1728728314766",
}

# the same file (fetchPosition "Inverse swap cross fetch position" and "Inverse swap isolated
# fetch position", BTC/USD:BTC; GET /api/v5/account/positions), recorded 2026-01-20 (cTime
# 1768899436623 and 1768899783914): one 100 USD contract each; mmr is the maintenance margin
# in BTC, mgnRatio = equity / (mmr + liquidation fee) as in OKX's docs
OKX_BTC_USD_SWAP_CROSS = {
    "instId": "BTC-USD-SWAP",
    "mgnMode": "cross",
    "posSide": "long",
    "pos": "1",
    "avgPx": "91957.1",
    "markPx": "92057.4",
    "mmr": "0.000004345115113",
    "mgnRatio": "230370.41537091756",
    "upl": "0.0000011848325084",
    "notionalUsd": "100",
    "liqPx": "89.11497615226264",
    "cTime": "1768899436623",
}
OKX_BTC_USD_SWAP_ISOLATED = {
    "instId": "BTC-USD-SWAP",
    "mgnMode": "isolated",
    "posSide": "long",
    "pos": "1",
    "avgPx": "92300",
    "markPx": "92376.7",
    "lever": "3",
    "margin": "0.0003611412062116",
    "mmr": "0.0000043300962256",
    "notionalUsd": "100",
    "liqPx": "69536.6125000014",
    "cTime": "1768899783914",
}
RECORDED_ON = "2026-01-20"  # the positions' cTime (UTC)


def test_okx_btc_usdt_swap_contract_value_is_the_recorded_ct_val() -> None:
    r = OKX_BTC_USDT_SWAP_OI
    ct_val = float(r["oiCcy"]) / float(r["oi"])
    assert ct_val == pytest.approx(0.01, rel=1e-12)
    assert OKX.market("BTC-USDT-SWAP").contract_size == pytest.approx(ct_val, rel=1e-12)
    assert OKX.market("BTC/USDT:USDT").symbol == "BTC-USDT-SWAP"


@pytest.mark.parametrize("r", [OKX_BTC_USD_SWAP_CROSS, OKX_BTC_USD_SWAP_ISOLATED])
def test_okx_btc_usd_swap_tier_one_rate_is_the_recorded_mmr(r: dict) -> None:
    # inverse: the position value in BTC is size (USD) / mark; OKX's mmr is that x tier MMR
    size = float(r["pos"]) * OKX.market("BTC-USD-SWAP").contract_size
    assert size == float(r["notionalUsd"])
    recorded_rate = float(r["mmr"]) / (size / float(r["markPx"]))
    t = OKX.tiers("BTC-USD-SWAP", as_of=RECORDED_ON)
    assert t.tier_basis == "size"
    rate, amount = t.lookup(size)
    assert rate == pytest.approx(recorded_rate, rel=1e-9)  # 0.40%, tier 1
    assert amount == 0.0
    # riskkit's maintenance = tier rate + the liquidation fee (taker) on the value at the mark
    mm = OKX.maintenance_margin("BTC-USD-SWAP", size, float(r["markPx"]), as_of=RECORDED_ON)
    fee = OKX.taker_fee_rate * size / float(r["markPx"])
    assert mm == pytest.approx(float(r["mmr"]) + fee, rel=1e-9)


def test_okx_btc_usd_swap_recorded_cross_liquidation_price() -> None:
    # one position in the account: margin = wallet balance = equity - upl, and the equity
    # follows from mgnRatio = equity / (mmr + fee); the rate itself comes from the shipped
    # table (2023-06-15 snapshot in force on the recording date), not from the response
    r = OKX_BTC_USD_SWAP_CROSS
    size = float(r["pos"]) * OKX.market("BTC-USD-SWAP").contract_size
    fee = OKX.taker_fee_rate * size / float(r["markPx"])
    equity = float(r["mgnRatio"]) * (float(r["mmr"]) + fee)
    wallet = equity - float(r["upl"])
    lp = OKX.liquidation_price(
        "BTC-USD-SWAP", "long", float(r["avgPx"]), size, wallet, "cross", as_of=RECORDED_ON
    )
    assert lp == pytest.approx(float(r["liqPx"]), rel=1e-6)


@pytest.mark.xfail(
    strict=True,
    reason="OKX's isolated liqPx 69,536.6125 is 1.4e-6 above the tier-1 + taker-fee rule "
    "(69,536.5125 from margin 0.000361141 BTC = IM at 3x). The gap is one tick exactly "
    "(0.1000000000 USD, BTC-USD-SWAP's tick), as if OKX moved a long's price up by a tick, but "
    "one recorded position (and the cross one, which matches without it) cannot establish the "
    "rule and no OKX page in our sources states it, so riskkit does not apply it",
)
def test_okx_btc_usd_swap_recorded_isolated_liquidation_price() -> None:
    r = OKX_BTC_USD_SWAP_ISOLATED
    size = float(r["pos"]) * OKX.market("BTC-USD-SWAP").contract_size
    assert float(r["margin"]) == pytest.approx(size / float(r["avgPx"]) / float(r["lever"]))
    lp = OKX.liquidation_price(
        "BTC-USD-SWAP", "long", float(r["avgPx"]), size, float(r["margin"]), as_of=RECORDED_ON
    )
    # the gap is one tick exactly: this would also fail if riskkit's price moved at all
    assert float(r["liqPx"]) - lp == pytest.approx(0.1, abs=1e-9)
    assert lp == pytest.approx(float(r["liqPx"]), rel=1e-6)


# ============================================================================ Bitget SOLUSDT
BITGET = venues.get("bitget")

# https://www.dhxrcw.cn/it/support/articles/12560603837608 (stored copy, not on a Bitget
# domain, of Bitget's SOLUSDT announcement dated 2025-09-11): the "Dopo la regolazione" (after
# adjustment) columns as printed, "position (USDT) leverage maintenance margin rate"
BITGET_SOLUSDT_PRINTED = """
0~50,000 100 0.50%
50,000~100,000 75 0.80%
100,000~1,000,000 50 1.00%
1,000,000~5,000,000 25 2.00%
5,000,000~10,000,000 20 3.00%
10,000,000~30,000,000 10 5.00%
30,000,000~60,000,000 5 12.00%
60,000,000~80,000,000 4 15.00%
80,000,000~150,000,000 2 30.00%
150,000,000~300,000,000 1 60.00%
"""


def _printed_rows(text: str) -> list[tuple[float, float, float, float]]:
    out = []
    for line in text.strip().splitlines():
        band, lev, pct = line.split()
        lo, hi = (float(x.replace(",", "")) for x in band.split("~"))
        out.append((lo, hi, float(lev), float(pct.rstrip("%")) / 100.0))
    return out


@pytest.mark.parametrize("as_of", ["2025-09-12", "2025-11-09", "2025-11-10", None])
def test_bitget_solusdt_table_is_the_printed_one(as_of: str | None) -> None:
    rows = _printed_rows(BITGET_SOLUSDT_PRINTED)
    t = BITGET.tiers("SOLUSDT", as_of=as_of)
    assert t.n_tiers == len(rows) == 10
    assert t.notional_floor.tolist() == [r[0] for r in rows]
    assert t.notional_cap.tolist() == [r[1] for r in rows]
    assert t.max_leverage.tolist() == [r[2] for r in rows]
    assert t.maintenance_margin_rate.tolist() == pytest.approx([r[3] for r in rows], abs=1e-15)
    assert BITGET.market("SOL/USDT:USDT").symbol == "SOLUSDT"


def test_bitget_solusdt_amounts_follow_the_rule_in_force() -> None:
    rows = _printed_rows(BITGET_SOLUSDT_PRINTED)
    # before 2025-11-10 the whole position value takes its tier's rate: no deduction
    assert BITGET.tiers("SOLUSDT", as_of="2025-09-12").maintenance_amount.tolist() == [0.0] * 10
    # from 2025-11-10 each slice takes its own tier's rate: deduction by the cum recursion
    cum, expected = 0.0, []
    for i, (lo, _, _, rate) in enumerate(rows):
        if i:
            cum += lo * (rate - rows[i - 1][3])
        expected.append(cum)
    t = BITGET.tiers("SOLUSDT", as_of="2025-11-10")
    assert t.maintenance_amount.tolist() == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_bitget_solusdt_maintenance_by_hand() -> None:
    # 1,000 SOL at a mark of 200 USDT = 200,000 USDT; the profile's taker fee (0.06%) is
    # reserved on the whole value. Whole-position rule (tier 3, 1.00%): 200,000 x 1.06%;
    # tiered rule: 50,000 x 0.50% + 50,000 x 0.80% + 100,000 x 1.00% + 200,000 x 0.06%
    fee = BITGET.taker_fee_rate
    assert fee == 0.0006
    old = BITGET.maintenance_margin("SOLUSDT", 1_000.0, 200.0, as_of="2025-10-01")
    new = BITGET.maintenance_margin("SOLUSDT", 1_000.0, 200.0, as_of="2025-11-10")
    assert old == pytest.approx(200_000 * (0.01 + fee), rel=1e-12)  # 2,120
    assert new == pytest.approx(250.0 + 400.0 + 1_000.0 + 200_000 * fee, rel=1e-12)  # 1,770
    with pytest.raises(ValueError, match="as_of must not precede"):
        BITGET.tiers("SOLUSDT", as_of="2025-09-11")
