"""Kraken Futures perpetuals: maintenance by margin level, on the position value at entry.

Profile ``"kraken-futures"``: linear multi-collateral ``PF_XBTUSD`` / ``PF_ETHUSD`` (size in
coin, margin and PnL in USD) and inverse ``PI_XBTUSD`` / ``PI_ETHUSD`` (size in USD
contracts, margin in the coin). Kraken's margin schedules give initial and maintenance rates
per position-size level and state that the percentages apply to the value at the entry price,
so maintenance is fixed at entry, :math:`\\mathrm{MM} = V_E\\, m_k` with :math:`k` the level of
:math:`V_E`, and no fee is reserved. The isolated liquidation price is then

.. math:: P = E - s\\,\\frac{M - \\mathrm{MM}}{Q} \\quad\\text{(linear)},\\qquad
          P = \\frac{N}{N/E + s\\,(M - \\mathrm{MM})} \\quad\\text{(inverse)}.

Each level is applied to the whole position (our reading; see the profile's ``notes``). The
inverse profile ships Level I only (positions up to 500,000 / 250,000 USD).

References
----------
Kraken, "Multi-Collateral Futures Margin Schedule & Maximum Leverage",
https://support.kraken.com/hc/en-us/articles/360022632452 ;
Kraken, "Inverse Futures Margin Schedule & Maximum Leverage",
https://support.kraken.com/hc/en-us/articles/15579128794772 ;
Kraken, "Leverage & Margining Summary",
https://support.kraken.com/hc/en-us/articles/360022835651

Examples
--------
>>> from riskkit import venues
>>> k = venues.get("kraken-futures")
>>> k.liquidation_price("PF_XBTUSD", "long", 100_000.0, 1.0, 10_000.0)  # MM = 1% of 100,000
91000.0
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("kraken-futures",)
