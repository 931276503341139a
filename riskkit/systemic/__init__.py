"""Systemic leverage risk: common factors, tail dependence (CoVaR) and event studies of rules.

A leveraged position in one crypto asset is mostly a position in one common factor; when that
factor falls, every position on it is hit at once, and the forced selling of one market spills
into the next. This sub-package measures the pieces: rolling betas of an asset on a factor
(``betas``), principal components of a return panel and their rolling version (``pca``),
the CoVaR and Delta-CoVaR of Adrian and Brunnermeier (``spillover``) and event studies of rule
changes with abnormal-change t statistics and nonparametric rank and sign tests (``events``).
Charts are in :mod:`riskkit.charts.systemic`; import everything from ``riskkit.systemic``.
"""

from __future__ import annotations

from riskkit.systemic.betas import RollingBeta, rolling_beta
from riskkit.systemic.events import EventStudyResult, event_study
from riskkit.systemic.pca import (
    PCAResult,
    RollingPCA,
    principal_components,
    rolling_principal_components,
)
from riskkit.systemic.spillover import CoVaRResult, covar

__all__ = [
    "CoVaRResult",
    "EventStudyResult",
    "PCAResult",
    "RollingBeta",
    "RollingPCA",
    "covar",
    "event_study",
    "principal_components",
    "rolling_beta",
    "rolling_principal_components",
]
