"""Contract conventions, tiered maintenance margin and account margin arithmetic.

A derivatives position is *linear* when it is margined and settled in the quote currency (USDT or
USDC per BTC) and *inverse* when it is margined and settled in the base coin (BTC for a BTCUSD
contract quoted in USD). Venues charge a maintenance margin that rises with the position's
notional through a tier (bracket, risk-limit) table; :class:`MarginTiers` holds such a table, and
:func:`load_tiers` reads the dated snapshots shipped in ``riskkit/tiers/``.

Vocabulary: ``size`` is the base-asset quantity for linear contracts and the USD notional
(contracts x contract value) for inverse ones; ``margin`` is in the settlement currency; rates are
fractions, never percent.
"""

from __future__ import annotations

import logging

from riskkit.charts.margin import chart_max_leverage
from riskkit.margin.contracts import (
    fee_to_close,
    initial_margin,
    maintenance_amounts,
    maintenance_margin,
    margin_ratio,
    notional_value,
    unrealized_pnl,
)
from riskkit.margin.cross import CrossAccount, cross_account
from riskkit.margin.tiers import MarginTiers, available_tiers, compare_tiers, load_tiers

__all__ = [
    "CrossAccount",
    "MarginTiers",
    "available_tiers",
    "chart_max_leverage",
    "compare_tiers",
    "cross_account",
    "fee_to_close",
    "initial_margin",
    "load_tiers",
    "maintenance_amounts",
    "maintenance_margin",
    "margin_ratio",
    "notional_value",
    "unrealized_pnl",
]

logger = logging.getLogger(__name__)
