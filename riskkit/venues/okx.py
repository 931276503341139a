"""OKX perpetual swaps: tier MMR plus the taker (liquidation) fee on the mark notional.

Profile ``"okx"``. Liquidation when the margin ratio
:math:`(M + \\mathrm{uPnL}) / (V_P (m_k + f))` reaches 100%, i.e. the linear equation with rate
:math:`m_k + f`; :math:`f` defaults to the profile's taker rate, override with ``fee_rate``.

OKX position tiers count contracts: the tier :math:`k` is that of the position size (``minSz`` <
contracts <= ``maxSz``), not of its value, so it does not move with the price; the shipped
tables (snapshot ``size_unit = "contracts"``) are converted at load time to riskkit ``size``
units (contracts x ``contract_size``: base quantity for linear, USD for inverse) with
``tier_basis = "size"``, and the tier's rate applies to the whole position value (no
deduction).

References
----------
OKX, "When would my order be liquidated",
https://www.okx.com/learn/when-would-my-order-be-liquidated ;
OKX, "Tiered maintenance margin ratio rules" ;
OKX API v5, "Get position tiers" (``maxSz``: number of contracts held in the tier),
https://www.okx.com/docs-v5/en/#public-data-rest-api-get-position-tiers
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("okx",)
