"""Liquidity providers: spread estimators, depth impact, market making and black holes.

One module per concept; every name is importable from :mod:`riskkit.liquidity`:

* :mod:`riskkit.liquidity.spreads`: Roll, Corwin-Schultz and Abdi-Ranaldo spreads, Amihud
  illiquidity, :class:`SpreadEstimates`;
* :mod:`riskkit.liquidity.depth`: price impact implied by order-book depth;
* :mod:`riskkit.liquidity.elasticity`: elasticity of liquidity to volatility (OLS, HAC errors);
* :mod:`riskkit.liquidity.inventory`: the Avellaneda-Stoikov market maker and its simulation;
* :mod:`riskkit.liquidity.cascade_mm`: a market maker on the other side of a cascade;
* :mod:`riskkit.liquidity.blackhole`: a Morris-Shin liquidity black hole.

Charts are built in :mod:`riskkit.charts.liquidity`.
"""

from __future__ import annotations

from riskkit.liquidity.blackhole import BlackHoleResult, liquidity_black_hole
from riskkit.liquidity.cascade_mm import CascadeMarketMaker, market_maker_in_cascade
from riskkit.liquidity.depth import DepthImpact, depth_impact, depth_price_impact
from riskkit.liquidity.elasticity import LiquidityElasticity, liquidity_elasticity
from riskkit.liquidity.inventory import (
    MarketMakerResult,
    optimal_spread,
    reservation_price,
    simulate_market_maker,
)
from riskkit.liquidity.spreads import (
    SpreadEstimates,
    abdi_ranaldo_spread,
    amihud_illiquidity,
    corwin_schultz_spread,
    estimate_spreads,
    roll_spread,
)

__all__ = [
    "BlackHoleResult",
    "CascadeMarketMaker",
    "DepthImpact",
    "LiquidityElasticity",
    "MarketMakerResult",
    "SpreadEstimates",
    "abdi_ranaldo_spread",
    "amihud_illiquidity",
    "corwin_schultz_spread",
    "depth_impact",
    "depth_price_impact",
    "estimate_spreads",
    "liquidity_black_hole",
    "liquidity_elasticity",
    "market_maker_in_cascade",
    "optimal_spread",
    "reservation_price",
    "roll_spread",
    "simulate_market_maker",
]
