"""riskkit: leverage, margin, liquidation, cascade and deleveraging-cycle risk.

Pure, vectorised functions on numpy arrays and pandas Series; frozen result objects with
``summary()`` for analyses; real market data through :mod:`riskkit.data`.

Importing ``riskkit`` is cheap: altair, statsmodels and network code load only when used.
"""

from __future__ import annotations

import logging

from riskkit.exceptions import (
    DataIntegrityError,
    DataQualityWarning,
    DataUnavailableError,
    InsufficientDataError,
    RiskkitWarning,
    TierMismatchWarning,
    UnknownDatasetError,
)

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "DataIntegrityError",
    "DataQualityWarning",
    "DataUnavailableError",
    "InsufficientDataError",
    "RiskkitWarning",
    "TierMismatchWarning",
    "UnknownDatasetError",
    "__version__",
]
