"""OKX USDT-margined swaps: the BTC-USDT-SWAP placeholder's role and the markets' contract specs.

No dated OKX position-tier table for BTC-USDT-SWAP (nor for SOL-, DOGE-, XRP- or OKB-USDT-SWAP)
was found in the stored sources, so the notes' one-tier placeholder stays the only
BTC-USDT-SWAP table and no new market is shipped. These tests pin what that placeholder is
(one tier, 0.4%, 125x, from 2026-11-27 only) and check the shipped OKX market specs against the
raw OKX instruments payload that ccxt records verbatim in its markets fixture.
"""

from __future__ import annotations

import pytest

from riskkit import venues

OKX = venues.get("okx")

# github.com/ccxt/ccxt ts/src/test/static/markets/okx.json
# @ 3802e1a243497a0ffd025df7a97023315217391f: each swap's "info" is the OKX
# GET /api/v5/public/instruments row (trimmed to the fields used here)
CCXT_OKX_MARKETS_INFO = {
    "BTC/USDT:USDT": {
        "instId": "BTC-USDT-SWAP",
        "ctType": "linear",
        "ctVal": "0.01",
        "ctValCcy": "BTC",
        "settleCcy": "USDT",
    },
    "ETH/USDT:USDT": {
        "instId": "ETH-USDT-SWAP",
        "ctType": "linear",
        "ctVal": "0.1",
        "ctValCcy": "ETH",
        "settleCcy": "USDT",
    },
    "BTC/USD:BTC": {
        "instId": "BTC-USD-SWAP",
        "ctType": "inverse",
        "ctVal": "100",
        "ctValCcy": "USD",
        "settleCcy": "BTC",
    },
}


@pytest.mark.parametrize("ccxt_symbol", sorted(CCXT_OKX_MARKETS_INFO))
def test_okx_market_specs_are_the_recorded_instrument_rows(ccxt_symbol: str) -> None:
    info = CCXT_OKX_MARKETS_INFO[ccxt_symbol]
    m = OKX.market(ccxt_symbol)
    assert m.symbol == info["instId"]
    assert m.ccxt_symbol == ccxt_symbol
    assert m.contract == info["ctType"]
    assert m.contract_size == float(info["ctVal"])
    assert m.settle == info["settleCcy"]


def test_okx_btc_usdt_swap_placeholder_is_one_notes_tier_from_2026_11_27() -> None:
    # /work/shared/notes/venue-mechanics.md (OKX by-hand example): tier-1 MMR 0.4%
    snap = OKX.market("BTC-USDT-SWAP").snapshot(venue="okx")
    assert not snap.verified and "Placeholder" in snap.how_verified
    t = OKX.tiers("BTC-USDT-SWAP", as_of="2026-11-27")
    assert t.maintenance_margin_rate.tolist() == [0.004]
    assert t.max_leverage.tolist() == [125.0]
    assert len(t.notional_cap) == 1 and t.notional_cap[0] > 1e300  # unbounded (toml inf)
    assert OKX.tiers("BTC-USDT-SWAP").maintenance_margin_rate.tolist() == [0.004]
    # before the notes' date there is no BTC-USDT-SWAP table at all
    with pytest.raises(ValueError, match=r"as_of must not precede .* okx BTC-USDT-SWAP \(2026"):
        OKX.tiers("BTC-USDT-SWAP", as_of="2026-11-26")
