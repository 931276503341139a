"""Detect estimates that sit on the boundary of their parameter space, and say so.

An optimum on a boundary is not a finding: which side of it the optimiser stops on depends on
floating-point details (the BLAS kernel, the number of threads), so the number moves in its 4th
digit from one machine to the next. These helpers raise a
:class:`~riskkit.exceptions.BoundaryEstimateWarning` that names the estimate and what to report.
"""

from __future__ import annotations

import os
import sys
import warnings

from riskkit.exceptions import BoundaryEstimateWarning

__all__ = ["GARCH_BOUNDARY", "user_stacklevel", "warn_garch_boundary"]

#: GARCH persistence at or above this is reported as integrated (on the IGARCH boundary).
GARCH_BOUNDARY = 0.999


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside riskkit."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        level += 1
        frame = frame.f_back  # type: ignore[assignment]
    return level


def warn_garch_boundary(persistence: float, convergence_flag: int, nobs: int, model: str) -> bool:
    """Warn when a GARCH fit did not converge or its persistence is at 1; return True if so."""
    integrated = persistence >= GARCH_BOUNDARY
    if convergence_flag == 0 and not integrated:
        return False
    what = []
    if convergence_flag != 0:
        what.append(f"its optimiser did not converge (flag {convergence_flag})")
    if integrated:
        what.append(
            f"alpha + beta = {persistence:.4f} is on the integrated boundary (>= {GARCH_BOUNDARY})"
        )
    warnings.warn(
        f"{model} fit on {nobs} returns: {' and '.join(what)}. The variance has no finite "
        "long-run level and the persistence is not identified: report it as 'about 1 "
        f"(>= {GARCH_BOUNDARY})', not as an estimate, and prefer a longer or lower-frequency "
        "sample for the fit.",
        BoundaryEstimateWarning,
        stacklevel=user_stacklevel(),
    )
    return True
