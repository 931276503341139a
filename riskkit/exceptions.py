"""Errors and named warnings raised by :mod:`riskkit`.

Every warning is a subclass of :class:`RiskkitWarning`, so users can filter them all at once::

    import warnings, riskkit
    warnings.simplefilter("ignore", riskkit.RiskkitWarning)
"""

from __future__ import annotations

__all__ = [
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
]


class RiskkitWarning(UserWarning):
    """Base class of every warning :mod:`riskkit` emits."""


class DataQualityWarning(RiskkitWarning):
    """A dataset has a defect that was repaired or that limits what it can show."""


class ArchiveBuildWarning(RiskkitWarning):
    """Files of a public-archive build failed (missing, corrupt, unparsable); the rest was built.

    Raised by :func:`riskkit.data.build` once per build; ``result.errors`` names every failed
    URL and why. Run the build again to retry them (verified files are not downloaded again).
    """


class TierMismatchWarning(RiskkitWarning):
    """A margin tier was applied to a notional outside that tier's range."""


class RuinWarning(RiskkitWarning):
    """A leveraged position lost all its equity; its later returns are undefined (NaN).

    Raised by :func:`riskkit.leverage.leveraged_returns`: the ruin bar returns -100 % and every
    later bar NaN, because there is no equity left to earn a return on. Statistics of the path
    (VaR, ES, moments) then refuse the NaN instead of reading the zeros as calm bars.
    """


class BoundaryEstimateWarning(RiskkitWarning):
    """An estimate sits on the boundary of its parameter space, or its optimiser did not converge.

    Examples: a GARCH(1,1) fit with persistence :math:`\\alpha+\\beta` at 1 (integrated, no
    finite long-run variance), a Markov regime whose variance collapsed to about zero. The
    number is then not a finding: it moves with the BLAS kernel and the optimiser's path. The
    result objects carry a flag as well; the message says what to report instead.
    """


class InProcessWarning(RiskkitWarning):
    """A :mod:`riskkit.scale` analysis ran in this process because Dask is not installed.

    The numbers are the same as on a cluster; only the speed differs. Install the extra with
    ``pip install "riskkit[scale]"`` to run on a local Dask cluster by default (or any cluster
    through ``client=``), or pass ``client="in-process"`` to choose this route silently.
    """


class InsufficientDataError(ValueError):
    """Too little data for the requested analysis (says what is needed and what was given)."""


class UnknownDatasetError(KeyError):
    """A dataset name that is not in the registry; the message lists the known names."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class DataIntegrityError(RuntimeError):
    """A data file whose sha256 does not match the registry; it was not parsed."""


class DataUnavailableError(RuntimeError):
    """A registered data file could not be found locally nor downloaded."""
