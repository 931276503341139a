"""Probability and timing of liquidation: analytic, simulated and historical.

Three answers to one question, *does a leveraged position survive the volatility long enough?*

1. **Analytic**: the closed-form first-passage probability of a geometric Brownian motion with
   drift through the liquidation barrier (:func:`liquidation_probability_gbm`) and the expected
   hitting time (:func:`expected_time_to_liquidation_gbm`).
2. **Simulated**: Monte Carlo with fat tails, Student-t innovations or GARCH(1,1)-t fitted to real
   returns with :mod:`arch` (:func:`fit_return_model`, :func:`simulate_liquidation`), chunked so
   memory stays bounded, seeded, with a Monte Carlo standard error.
3. **Historical**: the bars until an isolated position opened at every bar of real OHLC data is
   liquidated (:func:`time_to_liquidation`, an :math:`O(N \\log N)` sparse-table scan), empirical
   survival curves with censoring (:func:`kaplan_meier`, :func:`historical_survival`) and the
   highest leverage that historically survived (:func:`critical_leverage`,
   :func:`max_leverage`).

:func:`liquidation_estimates` puts the three side by side on one OHLC frame, and
:func:`liquidating_moves` counts the single bars that would have liquidated a position against
the count a normal model expects.

Every function uses the isolated linear liquidation price

.. math::

    P_\\mathrm{liq} = E\\,\\frac{1 - 1/L}{1 - m}\\ \\text{(long)},\\qquad
    P_\\mathrm{liq} = E\\,\\frac{1 + 1/L}{1 + m}\\ \\text{(short)},

with :math:`E` the entry price, :math:`L` the leverage (margin = notional / L) and :math:`m` the
maintenance margin rate (Binance USDⓈ-M isolated formula with a single bracket, no maintenance
amount).

The parts live in :mod:`riskkit.survival.analytic`, :mod:`riskkit.survival.montecarlo`,
:mod:`riskkit.survival.historical`, :mod:`riskkit.survival.curves` and
:mod:`riskkit.survival.estimates`; the charts in :mod:`riskkit.charts.survival`. Every
public name is importable from :mod:`riskkit.survival`.
"""

from __future__ import annotations

from riskkit.survival._bridge import _bridge_accumulate as _bridge_accumulate
from riskkit.survival._common import _log_barrier as _log_barrier
from riskkit.survival.analytic import (
    expected_time_to_liquidation_gbm,
    liquidation_probability_gbm,
)
from riskkit.survival.curves import (
    HistoricalSurvival,
    SurvivalCurve,
    historical_survival,
    kaplan_meier,
    max_leverage,
)
from riskkit.survival.estimates import LiquidationEstimates, liquidation_estimates
from riskkit.survival.historical import (
    critical_leverage,
    liquidating_moves,
    time_to_liquidation,
)
from riskkit.survival.montecarlo import (
    MonteCarloLiquidation,
    fit_return_model,
    simulate_liquidation,
)

__all__ = [
    "HistoricalSurvival",
    "LiquidationEstimates",
    "MonteCarloLiquidation",
    "SurvivalCurve",
    "critical_leverage",
    "expected_time_to_liquidation_gbm",
    "fit_return_model",
    "historical_survival",
    "kaplan_meier",
    "liquidating_moves",
    "liquidation_estimates",
    "liquidation_probability_gbm",
    "max_leverage",
    "simulate_liquidation",
    "time_to_liquidation",
]
