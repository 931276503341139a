"""Gate perpetuals: graded risk-limit tiers, taker fee reserved at the mark price (as OKX).

Profile ``"gate"``: the tier follows the USDT position value and each tier's maintenance rate
applies to the part of the value inside it, i.e. :math:`V m_k - A_k` with the cum recursion
:math:`A_k = A_{k-1} + F_k (m_k - m_{k-1})`; liquidation when equity reaches that plus the
taker fee on the mark notional. BTC_USDT ships the 2025-09-30 table; the fee defaults to
ccxt's VIP0 swap taker rate (0.05%), pass ``fee_rate`` for the account's own.

References
----------
freqtrade, ``freqtrade/exchange/gate.py`` (liquidation model with mm_ratio + taker_fee_rate);
Gate help centre, "Risk Limit Explanation" (article 22162) and "Leverage and Margin".
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("gate",)
