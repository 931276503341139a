"""BitMEX XBTUSD: inverse, 1 USD per contract, taker fee included in maintenance.

Profile ``"bitmex"``: :math:`P = N(m_k + f + s)/(M + sN/E)` with the step rate :math:`m_k` of
the position value in XBT (base 0.40% below 200 XBT from 2020-05-05, +0.40% per 100 XBT step,
the step rule of BitMEX's risk-limits page; the steps are not verified) and taker 0.075%;
funding is ignored. The risk limit is the user's choice on BitMEX; the profile takes the step
consistent with the position value at the liquidation price.

References
----------
BitMEX, "Liquidation", https://www.bitmex.com/app/liquidation ;
BitMEX, "Risk Limits Examples", https://bitmex.com/app/riskLimitsExamples
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("bitmex",)
