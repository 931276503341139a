"""riskkit: leverage, margin, liquidation, cascade and deleveraging-cycle risk.

Pure, vectorised functions on numpy arrays and pandas Series; frozen result objects with
``summary()`` for analyses; real market data through :mod:`riskkit.data`.

The top level re-exports the functions most work starts from; everything else lives in one
module per concept (:mod:`riskkit.margin`, :mod:`riskkit.liquidation`, :mod:`riskkit.lending`,
:mod:`riskkit.leverage`, :mod:`riskkit.survival`, :mod:`riskkit.cascade`, :mod:`riskkit.cycles`,
:mod:`riskkit.risk`, :mod:`riskkit.moments`, :mod:`riskkit.crashes`, :mod:`riskkit.data`,
:mod:`riskkit.charts`, :mod:`riskkit.tables`). Modules and re-exported names load on first use,
so ``import riskkit`` is cheap and never imports altair, statsmodels, arch or network code.

Examples
--------
>>> import riskkit
>>> round(riskkit.liquidation_price("long", 100_000, 1.0, 10_000, 0.005), 2)
90452.26
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from riskkit.exceptions import (  # noqa: F401 (re-exported through __all__)
    ArchiveBuildWarning,
    BoundaryEstimateWarning,
    DataIntegrityError,
    DataQualityWarning,
    DataUnavailableError,
    InProcessWarning,
    InsufficientDataError,
    RiskkitWarning,
    RuinWarning,
    TierMismatchWarning,
    UnknownDatasetError,
)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

_SUBMODULES = (
    "cascade",
    "charts",
    "crashes",
    "book",
    "cycles",
    "data",
    "lending",
    "leverage",
    "liquidation",
    "liquidity",
    "margin",
    "moments",
    "risk",
    "scale",
    "survival",
    "systemic",
    "tables",
    "venues",
)

#: Re-exported name -> the module that defines it.
_EXPORTS = {
    "MarginTiers": "margin",
    "load_tiers": "margin",
    "liquidation_price": "liquidation",
    "bankruptcy_price": "liquidation",
    "liquidation_price_tiered": "liquidation",
    "distance_to_liquidation": "liquidation",
    "health_factor": "lending",
    "leveraged_returns": "leverage",
    "funding_carry": "leverage",
    "time_to_liquidation": "survival",
    "liquidation_probability_gbm": "survival",
    "historical_survival": "survival",
    "simulate_cascade": "cascade",
    "liquidation_map": "cascade",
    "deleveraging_episodes": "cycles",
    "value_at_risk": "risk",
    "expected_shortfall": "risk",
    "cornish_fisher_quantile": "moments",
    "min_liquidated_leverage": "crashes",
}

__all__ = sorted(
    [
        "ArchiveBuildWarning",
        "BoundaryEstimateWarning",
        "DataIntegrityError",
        "DataQualityWarning",
        "DataUnavailableError",
        "InProcessWarning",
        "InsufficientDataError",
        "RiskkitWarning",
        "RuinWarning",
        "TierMismatchWarning",
        "UnknownDatasetError",
        "__version__",
        *_SUBMODULES,
        *_EXPORTS,
    ]
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"riskkit.{name}")
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"riskkit.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'riskkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
