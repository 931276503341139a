"""Leveraged returns, volatility drag, Kelly and volatility-targeted sizing, funding carry.

Two ways to hold leverage :math:`L` give different outcomes:

* **constant leverage** (rebalanced every bar, the exposure of a leveraged token or a trader who
  tops up and trims margin): each bar's return is :math:`L` times the asset's, so the log
  growth rate is :math:`L\\mu - L^2\\sigma^2/2` and suffers a *volatility drag* that grows with
  :math:`L^2`;
* **fixed size** (open once, never adjusted, as a perpetual position is): equity is
  :math:`1 + L(P_t/P_0 - 1)` and is wiped out the first time the price falls by :math:`1/L`.

The module gives both paths (:func:`leveraged_equity`, :func:`leveraged_returns`), the drag and
growth rates (:func:`volatility_drag`, :func:`leveraged_growth_rate`), Kelly leverage
(:func:`kelly_leverage`, :func:`empirical_kelly_leverage`), volatility-targeted leverage
(:func:`vol_target_leverage`) and the carry of a perpetual position from real funding prints
(:func:`funding_carry`, :func:`funding_carry_table`, :func:`cumulative_funding`) and the time
funding alone takes to liquidate an isolated position (:func:`funding_liquidation_time`).

Rates are fractions (0.01 = 1 %), never percent.
"""

from __future__ import annotations

from riskkit.charts.leverage import chart_leverage_growth
from riskkit.leverage.drift import (
    FundingDriftSurvival,
    LiquidationPricePath,
    historical_survival_with_funding,
    liquidation_price_path,
    liquidation_probability_gbm_with_funding,
    time_to_liquidation_with_funding,
)
from riskkit.leverage.funding import (
    cumulative_funding,
    funding_carry,
    funding_carry_table,
    funding_liquidation_time,
)
from riskkit.leverage.growth import (
    empirical_kelly_leverage,
    kelly_leverage,
    leverage_growth_table,
    leveraged_growth_rate,
    vol_target_leverage,
    volatility_drag,
)
from riskkit.leverage.paths import leveraged_equity, leveraged_returns

__all__ = [
    "FundingDriftSurvival",
    "LiquidationPricePath",
    "chart_leverage_growth",
    "cumulative_funding",
    "empirical_kelly_leverage",
    "funding_carry",
    "funding_carry_table",
    "funding_liquidation_time",
    "historical_survival_with_funding",
    "kelly_leverage",
    "leverage_growth_table",
    "leveraged_equity",
    "leveraged_growth_rate",
    "leveraged_returns",
    "liquidation_price_path",
    "liquidation_probability_gbm_with_funding",
    "time_to_liquidation_with_funding",
    "vol_target_leverage",
    "volatility_drag",
]
