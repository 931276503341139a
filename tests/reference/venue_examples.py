"""Published worked examples of venue margin and liquidation arithmetic.

Each entry: ``id``, ``venue``, ``url`` (the venue page, or where the venue's output is recorded),
``prints`` (what the page shows), ``expected`` (the number we must reproduce), ``abs_tol``,
``status`` and ``convention`` (rounding, fee terms, basis).

``status``:

* ``"printed"``: the venue's own page prints the inputs and this number.
* ``"venue output"``: a number the venue's calculator or API returned, recorded by a third
  party (URL says where).
* ``"other package"``: a fixture of another open-source package built from the venue's printed
  inputs (named in ``url``); the venue page's own final number is not in our stored copy.
* ``"by hand"``: computed by hand from the venue's published formula (inputs printed or chosen);
  the venue publishes no usable numeric result.
* ``"third party"``: a worked number from a non-venue page that applies the venue's rule.

The inputs live in the tests that use them (tests/test_liquidation.py, test_margin.py,
test_lending.py), next to a reference to the ``id`` here.
"""

from __future__ import annotations

BINANCE_USDM_FAQ = (
    "https://www.binance.com/en/support/faq/"
    "how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-"
    "b3c689c1f50a44cabb3a84e663b81d93"
)
BINANCE_COINM_FAQ = (
    "https://www.binance.com/en/support/faq/"
    "how-to-calculate-liquidation-price-of-coin-m-futures-contracts-"
    "ceccfcfb4e3a45e3b48b0b1bb1a8ae46"
)
BYBIT_USDT_LP = (
    "https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract"
)
BYBIT_ADL = "https://help.bybit.com/hc/en-us/articles/900000031623-What-is-Auto-Deleveraging-ADL-"
BYBIT_INVERSE_LP = (
    "https://help.bybit.com/hc/en-us/articles/"
    "360039261334-How-to-calculate-Liquidation-Price-Inverse-Contract-"
)
BYBIT_UTA_ISOLATED = (
    "https://www.kbybit.com/en/help-center/article/"
    "Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account"
)
FREQTRADE_BINANCE = "github.com/freqtrade/freqtrade tests/exchange/test_binance.py"
FREQTRADE_HL = (
    "github.com/freqtrade/freqtrade tests/exchange/test_hyperliquid.py "
    "(test_hyperliquid_dry_run_liquidation_price: Hyperliquid API liquidationPrice, 2024)"
)

EXAMPLES: dict[str, dict[str, object]] = {
    # ---------------------------------------------------------------- Binance USDⓈ-M
    "BN-USDM-MM-ETH": {
        "venue": "Binance USDⓈ-M (cross)",
        "url": BINANCE_USDM_FAQ,
        "prints": "Maintenance Margin of ETHUSDT = 356,512.508 (4918775.081 * 10.00% - 135365)",
        "expected": 356_512.508,
        "abs_tol": 1e-3,
        "status": "printed",
        "convention": "MM = notional x MMR - cum; notional at the mark price",
    },
    "BN-USDM-MM-BTC": {
        "venue": "Binance USDⓈ-M (cross)",
        "url": BINANCE_USDM_FAQ,
        "prints": "Maintenance Margin of BTCUSDT = 71200.81144 (3500032.458 * 2.50% - 16300)",
        "expected": 71_200.81144,
        "abs_tol": 1e-4,
        "status": "printed",
        "convention": "MM = notional x MMR - cum",
    },
    "BN-USDM-CUM-L3": {
        "venue": "Binance USDⓈ-M",
        "url": BINANCE_USDM_FAQ,
        "prints": "Level 3 maintenance amount = 250,000 x (1% - 0.5%) + 50 = 1,300 USDT",
        "expected": 1_300.0,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": "cum recursion",
    },
    "BN-USDM-LOOKUP-264K": {
        "venue": "Binance USDⓈ-M",
        "url": BINANCE_USDM_FAQ,
        "prints": "BTCUSDT position 264,000 USDT -> maintenance margin rate 1%",
        "expected": 0.01,
        "abs_tol": 0.0,
        "status": "printed",
        "convention": "bracket floor <= notional < cap",
    },
    "BN-USDM-LOOKUP-500K": {
        "venue": "Binance USDⓈ-M",
        "url": BINANCE_USDM_FAQ,
        "prints": "BTCUSDT position 500,000 USDT -> maintenance amount 1,300 USDT",
        "expected": 1_300.0,
        "abs_tol": 0.0,
        "status": "printed",
        "convention": "bracket floor <= notional < cap",
    },
    "BN-USDM-CROSS-BTC-PAGE-INPUTS": {
        "venue": "Binance USDⓈ-M (cross)",
        "url": BINANCE_USDM_FAQ,
        "prints": (
            "WB 1,535,443.01; TMM1 356,512.508; UPNL1 -447,482.100; cumB 16,300; "
            "BTCUSDT long 109.488 at 32,481.980; MMR 2.5% (final LP not in our stored copy)"
        ),
        "expected": 26_310.23,
        "abs_tol": 0.01,
        "status": "by hand",
        "convention": "Binance formula with the page's printed inputs; 2 dp",
    },
    "BN-USDM-CROSS-BTC": {
        "venue": "Binance USDⓈ-M (cross)",
        "url": FREQTRADE_BINANCE + " ('From calc example'), inputs from " + BINANCE_USDM_FAQ,
        "prints": "26,316.89 with UPNL1 = 3,683.979 x (1,335.18 - 1,456.84) = -448,192.89",
        "expected": 26_316.89,
        "abs_tol": 0.01,
        "status": "other package",
        "convention": "UPNL of the other position recomputed from its mark price; 2 dp",
    },
    "BN-USDM-CROSS-ETH": {
        "venue": "Binance USDⓈ-M (cross)",
        "url": FREQTRADE_BINANCE + " ('From calc example'), inputs from " + BINANCE_USDM_FAQ,
        "prints": (
            "ETHUSDT long 3,683.979 at 1,456.84, MMR 10%, cum 135,365; TMM1 71,200.81144; "
            "UPNL1 -56,354.57 -> 1,153.26"
        ),
        "expected": 1_153.26,
        "abs_tol": 0.01,
        "status": "other package",
        "convention": "2 dp",
    },
    "BN-USDM-ISOLATED-ETH": {
        "venue": "Binance USDⓈ-M (isolated)",
        "url": FREQTRADE_BINANCE + "; formula " + BINANCE_USDM_FAQ,
        "prints": "isolated wallet 1,535,443.01, TMM = UPNL = 0 -> 1,114.78",
        "expected": 1_114.78,
        "abs_tol": 0.01,
        "status": "other package",
        "convention": "isolated: WB = isolatedWalletBalance, TMM1 = UPNL1 = 0; 2 dp",
    },
    # ---------------------------------------------------------------- Binance COIN-M
    "BN-COINM-MM": {
        "venue": "Binance COIN-M",
        "url": BINANCE_COINM_FAQ,
        "prints": (
            "100 contracts at mark 25,000: notional 0.4 BTC, MM = 0.4 x 0.4% - 0 = 0.0016 BTC"
        ),
        "expected": 0.0016,
        "abs_tol": 1e-12,
        "status": "printed",
        "convention": "notional = contracts x 100 USD / mark, in BTC",
    },
    "BN-COINM-LOOKUP-300": {
        "venue": "Binance COIN-M",
        "url": BINANCE_COINM_FAQ,
        "prints": "BTCUSD position 300 BTC -> MMR 12.5%, maintenance amount 11.605 BTC",
        "expected": (0.125, 11.605),
        "abs_tol": 1e-12,
        "status": "printed",
        "convention": "older copy of the page prints 11.81 BTC (earlier table)",
    },
    "BN-COINM-CROSS-CALC": {
        "venue": "Binance COIN-M (cross)",
        "url": "https://dev.binance.vision/t/coin-margined-futures-liquidation-price-calculation-help-cm-variable/6292",
        "prints": (
            "wallet 101 BTC, long 100,000 contracts (10,000,000 USD) at 45,000: Binance "
            "calculator 33,599.40"
        ),
        "expected": 33_599.40,
        "abs_tol": 0.05,
        "status": "venue output",
        "convention": (
            "calculator shows 0.1 USD; tier at the LP notional (~297.6 BTC): 12.5%, 11.605"
        ),
    },
    # ---------------------------------------------------------------- Bybit
    "BY-USDT-ISO-LONG": {
        "venue": "Bybit USDT linear (isolated)",
        "url": BYBIT_USDT_LP,
        "prints": "long 1 BTC at 20,000, 50x, MMR 0.5%: IM 400, MM 100, LP 19,700",
        "expected": 19_700.0,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": "MM fixed at entry value (not at the mark); no fee term",
    },
    "BY-USDT-BANKRUPTCY": {
        "venue": "Bybit USDT linear (isolated)",
        "url": (
            "Bybit help centre 'Bankruptcy Price (USDT Contract)', as indexed at "
            "https://www.bybitx.global/fil-PH/help-center/search-result?page=46&pageSize=10&query=trade"
        ),
        "prints": "long 1 BTC at 10,000, 50x: bankruptcy = 10,000 x (1 - 2%) = 9,800",
        "expected": 9_800.0,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": "no fee term",
    },
    "BY-INV-ISO-LP": {
        "venue": "Bybit inverse (isolated)",
        "url": BYBIT_ADL,
        "prints": "buy 5,000 BTCUSD at 7,890.08, 50x: liquidation price 7,773.50",
        "expected": 7_773.50,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": "MM 0.5% at entry; rounded UP to the 0.5 tick for a long (exact 7,773.48)",
    },
    "BY-INV-ISO-BP": {
        "venue": "Bybit inverse (isolated)",
        "url": BYBIT_ADL,
        "prints": "bankruptcy = E L / (L + 1) -> 7,735.50",
        "expected": 7_735.50,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": "rounded UP to the 0.5 tick for a long (exact 7,735.3725)",
    },
    "BY-INV-CROSS-BP": {
        "venue": "Bybit inverse (cross)",
        "url": BYBIT_INVERSE_LP,
        "prints": "balance 0.5 BTC, long 10,000 at 8,000, taker 0.075%: BP = 5,718.57",
        "expected": 5_718.57,
        "abs_tol": 0.005,
        "status": "printed",
        "convention": "fee to close at BP reserved: BP = 1.00075 N / (N/E + balance)",
    },
    "BY-INV-CROSS-LP": {
        "venue": "Bybit inverse (cross)",
        "url": BYBIT_INVERSE_LP,
        "prints": "same position, MM 0.5%: LP = 5,739.50",
        "expected": 5_739.50,
        "abs_tol": 1e-9,
        "status": "printed",
        "convention": (
            "MM = N/E x 0.5% + fee to close at BP, fixed; exact 5,739.08 rounded UP to 0.5"
        ),
    },
    "BY-UTA-INV-ISO": {
        "venue": "Bybit inverse (Unified account, isolated)",
        "url": BYBIT_UTA_ISOLATED,
        "prints": "60,000 USD at 50,000, 10x, MMR 0.5%: PV 1.2 BTC, IM 0.12 BTC (result truncated)",
        "expected": 45_662.10,
        "abs_tol": 0.005,
        "status": "by hand",
        "convention": "page formula LP = Qty / [PV + (IM - MM)], MM = PV x MMR; pre-2026, no fee",
    },
    # ---------------------------------------------------------------- Hyperliquid
    "HL-API": {
        "venue": "Hyperliquid (isolated)",
        "url": FREQTRADE_HL,
        "prints": "API liquidationPrice for 6 real positions (see tests)",
        "expected": "per case",
        "abs_tol": "rel 1e-4",
        "status": "venue output",
        "convention": "m = 1/(2 x max leverage): 1% for BTC/ETH (50x), 2.5% for SOL/DOGE (20x)",
    },
    "HL-TIER2-DEDUCTION": {
        "venue": "Hyperliquid",
        "url": "https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers",
        "prints": "deduction_n = deduction_{n-1} + lower_bound_n x (MMR_n - MMR_{n-1})",
        "expected": 1_875_000.0,
        "abs_tol": 1e-6,
        "status": "by hand",
        "convention": "BTC tier 2 from 150M USDC: 150M x (2.5% - 1.25%)",
    },
    # ---------------------------------------------------------------- BitMEX, OKX
    "BITMEX-XBTUSD": {
        "venue": "BitMEX XBTUSD (inverse)",
        "url": "https://www.bitmex.com/app/liquidation",
        "prints": "no numeric example in our stored copies",
        "expected": 9_948.02,
        "abs_tol": 0.005,
        "status": "by hand",
        "convention": (
            "long 10,000 USD at 10,000, 100x (margin 0.01 XBT); MM 0.40% (from 2020-05-05) "
            "+ taker 0.075% on the mark notional; funding ignored"
        ),
    },
    "OKX-SWAP": {
        "venue": "OKX USDT-margined swap (isolated)",
        "url": "https://www.okx.com/learn/when-would-my-order-be-liquidated",
        "prints": "no numeric derivatives example in our stored copies",
        "expected": 54_244.10,
        "abs_tol": 0.005,
        "status": "by hand",
        "convention": (
            "long 1 BTC at 60,000, margin 6,000; margin ratio 100% with denominator "
            "notional x (tier MMR 0.4% + taker 0.05%)"
        ),
    },
    # ---------------------------------------------------------------- dYdX, MCS
    "DYDX-BANKRUPTCY": {
        "venue": "dYdX v4",
        "url": "https://dydx-documentation-six.vercel.app/concepts/trading/contract-loss-mechanism",
        "prints": "short 500 at $1 with $100: bankruptcy price $1.20",
        "expected": 1.20,
        "abs_tol": 1e-12,
        "status": "printed",
        "convention": "no fee term",
    },
    "DYDX-MM": {
        "venue": "dYdX v4",
        "url": "https://dydx-documentation-six.vercel.app/concepts/trading/contract-loss-mechanism",
        "prints": "long 500 ABC at $1, MMF 3%: maintenance requirement $15",
        "expected": 15.0,
        "abs_tol": 1e-12,
        "status": "printed",
        "convention": "MM = |size| x oracle x MMF",
    },
    "DYDX-LP": {
        "venue": "dYdX v4 (isolated)",
        "url": "https://dydx-documentation-six.vercel.app/concepts/trading/liquidations",
        "prints": "equity 1,000, short 3 ETH at 3,000, MMF 5% (result truncated)",
        "expected": 3_174.60,
        "abs_tol": 0.005,
        "status": "by hand",
        "convention": "page formula p' = (e - s p)/(|s| MMF - s)",
    },
    "MCS-INV-LONG": {
        "venue": "MCS (Bybit-style inverse, isolated)",
        "url": "https://help.mcs.io/hc/en-us/articles/360041008371-Isolated-Margin",
        "prints": "10x at 2,000, MMR 0.5%: long liquidation 1,826.48",
        "expected": 1_826.48,
        "abs_tol": 0.005,
        "status": "printed",
        "convention": "inverse, MM fixed at entry",
    },
    "MCS-INV-SHORT": {
        "venue": "MCS (Bybit-style inverse, isolated)",
        "url": "https://help.mcs.io/hc/en-us/articles/360041008371-Isolated-Margin",
        "prints": "10x at 2,000, MMR 0.5%: short liquidation 2,209.94",
        "expected": 2_209.94,
        "abs_tol": 0.005,
        "status": "printed",
        "convention": "inverse, MM fixed at entry",
    },
    # ---------------------------------------------------------------- ADL
    "BN-ADL": {
        "venue": "Binance ADL",
        "url": "https://dev.binance.vision/t/how-to-caculating-leverage-pnl-quantile/17801",
        "prints": "uPnL 40.2, wallet 4.27, margin ratio 13.42% -> LeveragePnL 1.26",
        "expected": 1.26,
        "abs_tol": 0.005,
        "status": "venue output",
        "convention": "PnL% = max(0,uPnL)/max(1,WB); score = PnL% x margin ratio; 2 dp",
    },
    # ---------------------------------------------------------------- Aave
    "AAVE-HF": {
        "venue": "Aave v3",
        "url": "https://aave.com/help/borrowing/liquidations",
        "prints": "supply $10,000 ETH (LT 80%), borrow $6,000 GHO -> health factor 1.333",
        "expected": 1.333,
        "abs_tol": 5e-4,
        "status": "printed",
        "convention": "3 dp",
    },
    "AAVE-LIQ-PRICE": {
        "venue": "Aave",
        "url": "https://www.lemonwheel.com/defi/help-understanding-liquidation-treshold-with-actual-numbers/",
        "prints": "1 ETH collateral, 2,250 USDC debt, LT 80% -> ETH liquidation price 2,812.50",
        "expected": 2_812.50,
        "abs_tol": 1e-9,
        "status": "third party",
        "convention": "debt / (amount x LT), stablecoin debt at par",
    },
}
