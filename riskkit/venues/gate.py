"""Gate perpetuals: taker fee reserved at the mark price (as OKX); no shipped tiers.

Profile ``"gate"``: pass ``maintenance_margin_rate`` (or tiers from
:func:`riskkit.venues.tiers_from_ccxt`) and ``fee_rate``.

References
----------
freqtrade, ``freqtrade/exchange/gate.py`` (liquidation model with mm_ratio + taker_fee_rate).
"""

from __future__ import annotations

__all__ = ["PROFILES"]

PROFILES = ("gate",)
