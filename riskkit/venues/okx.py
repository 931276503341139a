"""OKX perpetual swaps: tier MMR plus the taker (liquidation) fee on the mark notional.

Profile ``"okx"``. Liquidation when the margin ratio
:math:`(M + \\mathrm{uPnL}) / (V_P (m_k + f))` reaches 100%, i.e. the linear equation with rate
:math:`m_k + f`; :math:`f` defaults to the profile's taker rate, override with ``fee_rate``.

References
----------
OKX, "When would my order be liquidated",
https://www.okx.com/learn/when-would-my-order-be-liquidated ;
OKX, "Tiered maintenance margin ratio rules".
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("okx",)
