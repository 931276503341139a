"""Liquidation and bankruptcy prices, tier-aware solving, partial liquidation and ADL ranking.

Every venue we cover liquidates a position when its equity (margin plus unrealised PnL, in the
settlement currency) falls to its maintenance margin. :func:`liquidation_price` solves that
equation in closed form for linear and inverse contracts; venue conventions are expressed through
its inputs (see the table in :func:`liquidation_price`'s Notes) or through
:func:`liquidation_price_fixed_maintenance` for venues that fix the maintenance margin at entry.
"""

from __future__ import annotations

import logging

from riskkit.charts.liquidation import chart_liquidation_ladder
from riskkit.liquidation.adl import (
    PartialLiquidation,
    adl_quantile,
    adl_ranking,
    adl_ranking_binance,
    effective_leverage,
    liquidation_losses,
    loss_beyond_bankruptcy,
    partial_liquidation,
)
from riskkit.liquidation.prices import (
    bankruptcy_price,
    distance_to_liquidation,
    liquidation_price,
    liquidation_price_fixed_maintenance,
)
from riskkit.liquidation.tiered import (
    liquidation_price_tiered,
    liquidation_table,
    liquidation_tables,
    min_liquidated_leverage_tiered,
)

__all__ = [
    "PartialLiquidation",
    "adl_quantile",
    "adl_ranking",
    "adl_ranking_binance",
    "bankruptcy_price",
    "chart_liquidation_ladder",
    "distance_to_liquidation",
    "effective_leverage",
    "liquidation_losses",
    "liquidation_price",
    "liquidation_price_fixed_maintenance",
    "liquidation_price_tiered",
    "liquidation_table",
    "liquidation_tables",
    "loss_beyond_bankruptcy",
    "min_liquidated_leverage_tiered",
    "partial_liquidation",
]

logger = logging.getLogger(__name__)
