"""BitMEX XBTUSD: inverse, 1 USD per contract, taker fee included in maintenance.

Profile ``"bitmex"``: :math:`P = N(m + f + s)/(M + sN/E)` with the base maintenance rate
(0.40% from 2020-05-05) and taker 0.075%; funding is ignored; risk-limit steps above the base
200 XBT are not shipped.

References
----------
BitMEX, "Liquidation", https://www.bitmex.com/app/liquidation
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("bitmex",)
