"""Bybit: maintenance fixed at entry (isolated); inverse cross reserves the fee to close.

Profiles ``"bybit"`` (Unified Trading Account, per its isolated-mode page, pre-2026 version)
and ``"bybit-classic"`` (2021 USDT risk limits; inverse BTCUSD with the fee to close at the
bankruptcy price in cross margin). Displayed inverse prices round to the 0.5 tick toward entry.

Notes
-----
Isolated, with :math:`\\mathrm{MM} = V_E m - A` fixed at entry:
:math:`P = E - s(M - \\mathrm{MM})/Q` (linear), :math:`P = N/(N/E + s(M - \\mathrm{MM}))`
(inverse). Inverse cross: :math:`P_b = N(1 + f)/(N/E + M)` and
:math:`\\mathrm{MM} = (N/E) m + fN/P_b`.

References
----------
Bybit, "Liquidation Price (USDT Contract)",
https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract ;
Bybit, "How to calculate Liquidation Price (Inverse Contract)",
https://help.bybit.com/hc/en-us/articles/360039261334 ;
Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)".
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("bybit", "bybit-classic")
