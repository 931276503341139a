"""Liquidation cascades, price impact, liquidation maps and liquidity spirals.

The loop this module makes measurable: an exogenous price shock pushes some leveraged positions
through their liquidation prices; the venue closes them with market orders; those orders move the
price through the order book; the new price fires more liquidations; and so on until no position
is left between the current price and the next one (a fixed point) or a round bound is reached.

Building blocks, each usable on its own:

* :class:`PositionBook` -- many isolated-margin positions (side, entry price, size, leverage,
  maintenance margin rate), built explicitly or estimated from open interest by
  :func:`book_from_open_interest` (the method behind public "liquidation maps").
* :class:`PriceImpact` -- linear and square-root impact of a signed notional flow on the log
  price, calibrated from order-book depth summaries by :func:`calibrate_impact`.
* :func:`simulate_cascade` -- the fixed-point cascade (sort once, advance with prefix sums), with
  an optional margin spiral (maintenance margin rising with the size of the move);
  :func:`liquidity_spiral` decomposes the move into shock, loss spiral and margin spiral in the
  sense of Brunnermeier & Pedersen (2009).
* :func:`cascade_grid` -- the same cascade over a grid of shocks, depths and margin policies
  (resilience: which mixes turn a modest shock into a crash); :func:`leverage_mix_grid` runs it
  on books re-estimated under several leverage assumptions.
* :func:`simulate_adl` -- a cascade with an insurance fund and auto-deleveraging when it runs
  dry; :func:`adl_probability` -- the probability of being deleveraged by ADL light (1-5).
* :func:`liquidation_map` -- notional that would be liquidated at each price level;
  :func:`liquidation_density` -- the same, near the price, at every bar without look-ahead.
* Econometrics on real series: :func:`liquidation_regression` (returns on liquidations with HAC
  standard errors, compared side by side by :func:`regression_table`), :func:`lead_lag` and
  :func:`liquidation_hunting_test`.
* Event summaries: :func:`open_interest_drop` (open interest lost in a crash against reported
  liquidations) and :func:`liquidations_by_asset` (on-chain liquidation events per period and
  collateral).

The liquidation price used here is the isolated-margin linear-contract price without fees,
:math:`E(1 - 1/L)/(1 - m)` for a long and :math:`E(1 + 1/L)/(1 + m)` for a short; it lives in one
private function (``riskkit.cascade._common._isolated_liquidation_price``) so that venue-exact
formulas (tiers, fees, cross margin) can replace it in one place.

Every name is importable from ``riskkit.cascade``; the code lives in one module per concept:
``book`` (position books, books from open interest, liquidation maps), ``impact`` (price impact
and its calibration), ``simulate`` (the cascade simulator), ``spirals`` (liquidity and margin
spirals, grids, critical depth), ``empirical`` (liquidation regressions, lead-lag, event
summaries) and ``hunting`` (liquidation density and the hunting test). The charts
(:func:`cascade_heatmap` and the builders behind the ``.chart()`` methods) live in
:mod:`riskkit.charts.cascade`.
"""

from __future__ import annotations

from riskkit._deprecate import deprecated_attr
from riskkit.cascade.adl import (
    ADL_RANKINGS,
    AdlProbability,
    AdlResult,
    adl_probability,
    simulate_adl,
)
from riskkit.cascade.book import (
    LiquidationMap,
    PositionBook,
    book_from_open_interest,
    liquidation_map,
)
from riskkit.cascade.empirical import (
    CrossCorrelationLeadLag,
    LiquidationRegression,
    lead_lag,
    liquidation_regression,
    liquidations_by_asset,
    open_interest_drop,
    regression_table,
)
from riskkit.cascade.hunting import (
    HuntingTestResult,
    liquidation_density,
    liquidation_hunting_test,
)
from riskkit.cascade.impact import IMPACT_MODELS as IMPACT_MODELS
from riskkit.cascade.impact import ImpactCalibration, PriceImpact, calibrate_impact
from riskkit.cascade.simulate import CascadeBoundWarning, CascadeResult, simulate_cascade
from riskkit.cascade.simulate import _reference_cascade as _reference_cascade
from riskkit.cascade.spirals import (
    LiquiditySpiralResult,
    cascade_grid,
    critical_depth,
    leverage_mix_grid,
    liquidity_spiral,
)
from riskkit.charts.cascade import cascade_heatmap

__all__ = [
    "ADL_RANKINGS",
    "AdlProbability",
    "AdlResult",
    "CascadeBoundWarning",
    "CascadeResult",
    "CrossCorrelationLeadLag",
    "HuntingTestResult",
    "ImpactCalibration",
    "LiquidationMap",
    "LiquidationRegression",
    "LiquiditySpiralResult",
    "PositionBook",
    "PriceImpact",
    "adl_probability",
    "book_from_open_interest",
    "calibrate_impact",
    "cascade_grid",
    "cascade_heatmap",
    "critical_depth",
    "lead_lag",
    "leverage_mix_grid",
    "liquidation_density",
    "liquidation_hunting_test",
    "liquidation_map",
    "liquidation_regression",
    "liquidations_by_asset",
    "liquidity_spiral",
    "open_interest_drop",
    "regression_table",
    "simulate_adl",
    "simulate_cascade",
]

__getattr__ = deprecated_attr(
    __name__, {"LeadLagResult": ("CrossCorrelationLeadLag", CrossCorrelationLeadLag)}
)
