"""Recorded venue cases (numbers only) transcribed from other open-source repositories.

Each block names the file and commit it comes from; no code was copied. ``tests/test_venues.py``
reproduces each case through :mod:`riskkit.venues`.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# freqtrade tests/exchange/test_hyperliquid.py, test_hyperliquid_dry_run_liquidation_price,
# commit 3b1fb5af847863302393b0413321642d454e35a5 (github.com/freqtrade/freqtrade).
# Real isolated Hyperliquid positions with the API's liquidationPrice (undated; Sep-Oct 2024 by
# price level). Max leverage per the test's markets fixture: BTC/ETH 50, SOL/DOGE 20.
# (symbol, side, entry_price, contracts, collateral, leverage, liquidation_price)
# ---------------------------------------------------------------------------------------------
FREQTRADE_HL_SOURCE = (
    "github.com/freqtrade/freqtrade tests/exchange/test_hyperliquid.py "
    "@3b1fb5af847863302393b0413321642d454e35a5"
)
FREQTRADE_HL: list[tuple[str, str, float, float, float, float, float]] = [
    ("ETH/USDC:USDC", "long", 2458.5, 0.015, 36.864593, 1.0, 0.86915825),
    ("BTC/USDC:USDC", "long", 63287.0, 0.00039, 24.673292, 1.0, 22.37166537),
    ("SOL/USDC:USDC", "long", 146.82, 0.16, 23.482979, 1.0, 0.05269872),
    ("SOL/USDC:USDC", "long", 145.83, 0.33, 24.045107, 2.0, 74.83696193),
    ("ETH/USDC:USDC", "long", 2459.5, 0.0199, 24.454895, 2.0, 1243.0411908),
    ("BTC/USDC:USDC", "long", 62739.0, 0.00077, 24.137992, 2.0, 31708.03843631),
    ("DOGE/USDC:USDC", "long", 0.11586, 437.0, 25.29769, 2.0, 0.05945697),
    ("ETH/USDC:USDC", "short", 2642.8, 0.019, 25.091876, 2.0, 3924.18322043),
    ("SOL/USDC:USDC", "short", 155.89, 0.32, 24.924941, 2.0, 228.07847866),
    ("DOGE/USDC:USDC", "short", 0.14333, 351.0, 25.136807, 2.0, 0.20970228),
    ("BTC/USDC:USDC", "short", 68595.0, 0.00069, 23.64871, 2.0, 101849.99354283),
    ("BTC/USDC:USDC", "short", 65536.0, 0.00099, 21.604172, 3.0, 86493.46174617),
    ("SOL/USDC:USDC", "long", 173.06, 0.6, 20.735658, 5.0, 142.05186667),
    ("ETH/USDC:USDC", "long", 2545.5, 0.0329, 20.909894, 4.0, 1929.23322895),
    ("BTC/USDC:USDC", "short", 67400.0, 0.00031, 20.887308, 1.0, 133443.97317151),
    ("ETH/USDC:USDC", "short", 2552.0, 0.0327, 20.833393, 4.0, 3157.53150453),
    ("BTC/USDC:USDC", "long", 66930.0, 0.0015, 20.043862, 5.0, 54108.51043771),
    ("BTC/USDC:USDC", "long", 67033.0, 0.00121, 20.251817, 4.0, 50804.00091827),
    ("ETH/USDC:USDC", "long", 2521.9, 0.0237, 19.902091, 3.0, 1699.14071943),
    ("BTC/USDC:USDC", "short", 68139.0, 0.00145, 19.72573, 5.0, 80933.61590987),
    ("SOL/USDC:USDC", "short", 178.29, 0.11, 19.605036, 1.0, 347.82205322),
    ("SOL/USDC:USDC", "long", 176.23, 0.33, 19.364946, 3.0, 120.56240404),
    ("SOL/USDC:USDC", "short", 173.08, 0.33, 19.01881, 3.0, 225.08561715),
    ("BTC/USDC:USDC", "short", 68240.0, 0.00105, 17.887922, 4.0, 84431.79820839),
    ("ETH/USDC:USDC", "short", 2518.4, 0.007, 17.62263, 1.0, 4986.05799151),
    ("ETH/USDC:USDC", "long", 2533.2, 0.0347, 17.555195, 5.0, 2047.7642302),
    ("DOGE/USDC:USDC", "long", 0.13284, 360.0, 15.943218, 3.0, 0.09082388),
    ("SOL/USDC:USDC", "short", 163.11, 0.48, 15.650731, 5.0, 190.94213618),
    ("BTC/USDC:USDC", "long", 67141.0, 0.00067, 14.979079, 3.0, 45236.52992613),
]
# Same file: HIP-3 markets of the test's fixture (max leverage 10 in the fixture; the expected
# values are freqtrade's, consistent with m = 1/(2 x 10)). (..., max_leverage, expected)
FREQTRADE_HL_HIP3: list[tuple[str, str, float, float, float, float, float]] = [
    ("XYZ-AAPL/USDC:USDC", "long", 250.0, 0.5, 25.0, 10.0, 210.5263157894737),
    ("XYZ-GOOGL/USDC:USDC", "short", 190.0, 0.5, 9.5, 10.0, 199.04761904761904),
    ("XYZ-TSLA/USDC:USDC", "long", 350.0, 1.0, 50.0, 10.0, 315.7894736842105),
]

# ---------------------------------------------------------------------------------------------
# freqtrade tests/exchange/test_exchange.py, test_get_liquidation_price,
# commit c9ae5e1e9ff25bb55dd61f5e5519f7c479291edb. freqtrade MOCKS the tier: mmr 0.01, amount
# 0.01; the Gate/OKX formula uses taker 0.0006 (markets fixture) and no amount; Bybit's uses
# no amount. Isolated, stake = amount x open_rate / leverage.
# (exchange, side, leverage, open_rate, amount, expected)
# ---------------------------------------------------------------------------------------------
FREQTRADE_GENERIC_SOURCE = (
    "github.com/freqtrade/freqtrade tests/exchange/test_exchange.py::test_get_liquidation_price "
    "@c9ae5e1e9ff25bb55dd61f5e5519f7c479291edb"
)
FREQTRADE_GENERIC: list[tuple[str, str, float, float, float, float]] = [
    ("binance", "short", 5.0, 10.0, 1.0, 11.89108910891089),
    ("binance", "short", 3.0, 10.0, 1.0, 13.211221122079207),
    ("binance", "short", 5.0, 8.0, 1.0, 9.514851485148514),
    ("binance", "short", 5.0, 10.0, 0.6, 11.897689768976898),
    ("binance", "long", 5.0, 10.0, 1.0, 8.070707070707071),
    ("binance", "long", 5.0, 8.0, 1.0, 6.454545454545454),
    ("binance", "long", 3.0, 10.0, 1.0, 6.723905723905723),
    ("binance", "long", 5.0, 10.0, 0.6, 8.063973063973064),
    ("gate", "short", 5.0, 10.0, 1.0, 11.87413417771621),
    ("gate", "short", 5.0, 10.0, 2.0, 11.87413417771621),
    ("gate", "short", 3.0, 10.0, 1.0, 13.193482419684678),
    ("gate", "short", 5.0, 8.0, 1.0, 9.499307342172967),
    ("okx", "short", 3.0, 10.0, 1.0, 13.193482419684678),
    ("gate", "long", 5.0, 10.0, 1.0, 8.085708510208207),
    ("gate", "long", 3.0, 10.0, 1.0, 6.738090425173506),
    ("okx", "long", 3.0, 10.0, 1.0, 6.738090425173506),
    ("bybit", "long", 1.0, 10.0, 1.0, 0.1),
    ("bybit", "long", 3.0, 10.0, 1.0, 6.7666666),
    ("bybit", "long", 5.0, 10.0, 1.0, 8.1),
    ("bybit", "long", 10.0, 10.0, 1.0, 9.1),
    ("bybit", "short", 1.0, 10.0, 1.0, 19.9),
    ("bybit", "short", 3.0, 10.0, 1.0, 13.233333),
    ("bybit", "short", 5.0, 10.0, 1.0, 11.9),
    ("bybit", "short", 10.0, 10.0, 1.0, 10.9),
]

# freqtrade tests/exchange/test_binance.py::test_liquidation_price_binance (same commit): the
# Binance FAQ inputs. (symbol, mode, wallet_balance, amount, open_rate, mmr, cum, expected 2 dp)
FREQTRADE_BINANCE_SOURCE = (
    "github.com/freqtrade/freqtrade tests/exchange/test_binance.py::test_liquidation_price_binance "
    "@c9ae5e1e9ff25bb55dd61f5e5519f7c479291edb"
)
FREQTRADE_BINANCE_ISOLATED: list[tuple[str, float, float, float, float, float, float]] = [
    ("ETHUSDT", 1535443.01, 3683.979, 1456.84, 0.10, 135365.00, 1114.78),
    # the test labels this "ETH/USDT:USDT" but uses BTCUSDT's numbers (amount, rate, tier)
    ("BTCUSDT", 1535443.01, 109.488, 32481.980, 0.025, 16300.0, 18778.73),
]
# cross: wallet 1,535,443.01; the two positions at their marks. (symbol, amount, open, mark)
FREQTRADE_BINANCE_CROSS_WALLET = 1535443.01
FREQTRADE_BINANCE_CROSS = [
    ("BTCUSDT", 109.488, 32481.98, 31967.27),
    ("ETHUSDT", 3683.979, 1456.84, 1335.18),
]
FREQTRADE_BINANCE_CROSS_EXPECTED = {"BTCUSDT": 26316.89, "ETHUSDT": 1153.26}

# test_binance.py::test_get_maintenance_ratio_and_amt_binance (same commit), tiers of the
# conftest leverage_tiers fixture. (symbol, notional, mmr, amount)
FREQTRADE_BINANCE_LOOKUPS: list[tuple[str, float, float, float]] = [
    ("XRPUSDT", 0.0, 0.025, 0.0),
    ("BNBUSDT", 100.0, 0.0065, 0.0),
    ("BTCUSDT", 170.30, 0.004, 0.0),
    ("XRPUSDT", 999999.9, 0.1, 27500.0),
    ("BNBUSDT", 5000000.0, 0.15, 233035.0),
    ("BTCUSDT", 600000000.0, 0.5, 1.997038e8),
]

# test_exchange.py::test_get_liquidation_price1 (same commit): a ccxt-shaped Binance position
# NEAR/USDT:USDT, isolated, entry 18.884, contracts 8 x contractSize 0.1, leverage 9.97,
# initialMargin 1.51072, maintenanceMarginPercentage 0.025, "margin_mode" 1.52549075, reported
# liquidationPrice 17.47. Not reproducible: see test_venues.py::test_not_reproducible_cases.
FREQTRADE_NEAR = {
    "entry": 18.884,
    "size": 0.8,
    "initial_margin": 1.51072,
    "wallet": 1.52549075,
    "mmr": 0.025,
    "reported": 17.47,
}

# ---------------------------------------------------------------------------------------------
# ccxt ts/src/test/static/response/hyperliquid.json, fetchPositions,
# commit 0117dcb9f9d7ef6fdd11d7dd649c8ca200f061d7 (github.com/ccxt/ccxt). Raw clearinghouseState.
# ---------------------------------------------------------------------------------------------
CCXT_HL_SOURCE = (
    "github.com/ccxt/ccxt ts/src/test/static/response/hyperliquid.json (fetchPositions) "
    "@0117dcb9f9d7ef6fdd11d7dd649c8ca200f061d7"
)
CCXT_HL_HIP3_STATE = {  # 'fetch hip3 positions' (dex flx), 2025-11-28
    "marginSummary": {"accountValue": "6.889701", "totalNtlPos": "10.41482"},
    "crossMarginSummary": {"accountValue": "3.429999", "totalNtlPos": "0.0"},
    "crossMaintenanceMarginUsed": "0.0",
    "assetPositions": [
        {
            "type": "oneWay",
            "position": {
                "coin": "flx:CRCL",
                "szi": "0.13",
                "leverage": {"type": "isolated", "value": "3", "rawUsd": "-6.955118"},
                "entryPx": "80.262",
                "positionValue": "10.41482",
                "unrealizedPnl": "-0.01924",
                "liquidationPx": "64.2010892308",
                "marginUsed": "3.459702",
                "maxLeverage": "3",
            },
        }
    ],
    "time": "1764350959056",
}
CCXT_HL_CROSS_STATE = {  # 'fetch positions', 2024-03-05: liquidationPx null for both
    "assetPositions": [
        {
            "type": "oneWay",
            "position": {
                "coin": "SOL",
                "entryPx": "112.0945",
                "leverage": {"type": "cross", "value": "20"},
                "liquidationPx": None,
                "marginUsed": "23.19797",
                "maxLeverage": "50",
                "positionValue": "463.9594",
                "szi": "3.34",
                "unrealizedPnl": "89.563507",
            },
        },
        {
            "type": "oneWay",
            "position": {
                "coin": "ETH",
                "entryPx": "1100.0",
                "leverage": {"type": "cross", "value": "20"},
                "liquidationPx": None,
                "marginUsed": "684.702",
                "maxLeverage": "50",
                "positionValue": "13694.04",
                "szi": "3.6",
                "unrealizedPnl": "9734.04",
            },
        },
    ],
    "crossMaintenanceMarginUsed": "141.579994",
    "crossMarginSummary": {
        "accountValue": "19762.483455",
        "totalMarginUsed": "707.89997",
        "totalNtlPos": "14157.9994",
        "totalRawUsd": "5604.484055",
    },
    "time": "1709652410317",
}

# ---------------------------------------------------------------------------------------------
# Binance GET /fapi/v2/positionRisk recordings (hedge mode, isolated, 2024-02/03) in a public
# GitHub file found through the riskkit search index (file id 1228842397; the index does not
# give its repository). (symbol, positionAmt, entryPrice, isolatedWallet, markPrice,
# liquidationPrice, tier-1 MMR implied: not in our snapshots)
# ---------------------------------------------------------------------------------------------
BINANCE_POSITION_RISK_SOURCE = "public GitHub file, riskkit search index id 1228842397"
BINANCE_POSITION_RISK: list[tuple[str, float, float, float, float, float, float]] = [
    ("DOGEUSDT", -32.0, 0.16395, 0.88304001, 0.16465933, 0.19059204, 0.005),
    ("DOGEUSDT", -30.0, 0.175896779661, 1.32708230, 0.17876815, 0.21903766, 0.005),
    ("AGIXUSDT", -13.0, 0.4518, 5.87046330, 0.45200000, 0.88566088, 0.02),
    ("BLURUSDT", 14.0, 0.721575, 2.52551250, 0.72110000, 0.54942259, 0.015),
    ("BLURUSDT", -28.0, 0.72165, 5.04210448, 0.72110000, 0.88839917, 0.015),
]

# ---------------------------------------------------------------------------------------------
# Bybit linear position (v5 position/list shape, 2022-11) quoted in a ccxt-style bybit
# parsePosition comment, found through the riskkit search index (file id 47251202679; the index
# does not give its repository). Isolated (tradeMode 1), riskId 11 (first risk limit).
# ---------------------------------------------------------------------------------------------
BYBIT_POSITION_SOURCE = (
    "public GitHub file (bybit parsePosition comment), search index id 47251202679"
)
BYBIT_POSITION = {
    "symbol": "ETHUSDT",
    "side": "Buy",
    "size": 0.10,
    "positionValue": 119.845,
    "entryPrice": 1198.45,
    "leverage": 4.2,
    "positionBalance": 28.58931118,  # = IM + estimated fee to close (0.06% of bust value)
    "liqPrice": 919.10,
    "bustPrice": 913.15,
}

# ---------------------------------------------------------------------------------------------
# OKX API v5 docs, "GET /api/v5/tradingBot/signal/positions" response example (a cross
# ETH-USDT-SWAP position), as stored in a public GitHub copy of the docs (riskkit search index
# id 54488925322). pos in contracts of 0.01 ETH (notionalUsd = 0.15 x markPx); mmr is the
# maintenance margin in USDT; mgnRatio = equity / (mmr + liquidation fee).
# ---------------------------------------------------------------------------------------------
OKX_POSITION_SOURCE = "OKX API v5 docs (signal bot positions example), search index id 54488925322"
OKX_POSITION = {
    "instId": "ETH-USDT-SWAP",
    "avgPx": 1597.74,
    "markPx": 1584.33,
    "pos": 15,
    "ctVal": 0.01,
    "mgnMode": "cross",
    "mgnRatio": 11.719278420807477,
    "mmr": 1.9011959999999997,
    "notionalUsd": 237.75168928499997,
    "upl": -2.0115000000000123,
    "liqPx": 1438.7380360728976,
}
