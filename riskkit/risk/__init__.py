"""Value at risk, expected shortfall, their backtests, and margins, haircuts and sizes from data.

Conventions used throughout:

* ``returns`` are per-period returns of the position's underlying, as fractions; the loss of a
  ``side="long"`` position is :math:`L = -r` and of a short :math:`L = +r` per unit of notional.
* VaR and ES are reported as **positive losses, as fractions of notional**, at a ``confidence``
  level such as 0.99 (the loss exceeded with probability :math:`1 - c`).
* A horizon longer than one period needs an explicit ``scaling`` choice; nothing is scaled
  silently (see :func:`var_es`).
* Margin, haircut and leverage-cap functions work on a price path and count the horizon in bars
  of that path (hours for hourly data).

One module per concept; every name is importable from :mod:`riskkit.risk`:

* :mod:`riskkit.risk.var`: VaR and ES (historical, normal, Cornish-Fisher, filtered),
  :class:`RiskEstimate`, rolling one-step-ahead forecasts;
* :mod:`riskkit.risk.backtest`: Kupiec and Christoffersen tests, VaR backtests, VaR around events;
* :mod:`riskkit.risk.liquidity`: Bangia and depth liquidity-adjusted VaR;
* :mod:`riskkit.risk.excursions`: maximum adverse excursions of a price path;
* :mod:`riskkit.risk.haircuts`: collateral haircuts;
* :mod:`riskkit.risk.calibration`: maintenance margin calibration;
* :mod:`riskkit.risk.sizing`: position sizes and leverage caps.

Charts are built in :mod:`riskkit.charts.risk`.
"""

from __future__ import annotations

from riskkit.charts.risk import gap_probability_chart
from riskkit.risk.backtest import (
    CoverageTest,
    VaRBacktest,
    backtest_table,
    backtest_var,
    christoffersen_conditional_coverage,
    christoffersen_independence,
    kupiec_pof,
    rolling_var_backtest,
    var_around_events,
)
from riskkit.risk.calibration import (
    MarginCalibration,
    calibrate_maintenance_margin,
    longest_covered_horizon,
)
from riskkit.risk.excursions import max_adverse_excursion
from riskkit.risk.haircuts import collateral_haircut
from riskkit.risk.liquidity import (
    DepthExtrapolationWarning,
    bangia_liquidity_cost,
    depth_close_out_cost,
    liquidity_adjusted_var,
)
from riskkit.risk.sizing import LeverageCap, leverage_cap, max_position_size
from riskkit.risk.var import METHODS as METHODS  # module constants, not in __all__
from riskkit.risk.var import SCALINGS as SCALINGS
from riskkit.risk.var import (
    RiskEstimate,
    expected_shortfall,
    rolling_var,
    value_at_risk,
    var_es,
    var_es_grid,
)

__all__ = [
    "CoverageTest",
    "DepthExtrapolationWarning",
    "LeverageCap",
    "MarginCalibration",
    "RiskEstimate",
    "VaRBacktest",
    "backtest_table",
    "backtest_var",
    "bangia_liquidity_cost",
    "calibrate_maintenance_margin",
    "christoffersen_conditional_coverage",
    "christoffersen_independence",
    "collateral_haircut",
    "depth_close_out_cost",
    "expected_shortfall",
    "gap_probability_chart",
    "kupiec_pof",
    "leverage_cap",
    "liquidity_adjusted_var",
    "longest_covered_horizon",
    "max_adverse_excursion",
    "max_position_size",
    "rolling_var",
    "rolling_var_backtest",
    "value_at_risk",
    "var_around_events",
    "var_es",
    "var_es_grid",
]
