"""Errors and named warnings raised by :mod:`riskkit`.

Every warning is a subclass of :class:`RiskkitWarning`, so users can filter them all at once::

    import warnings, riskkit
    warnings.simplefilter("ignore", riskkit.RiskkitWarning)
"""

from __future__ import annotations

__all__ = [
    "DataIntegrityError",
    "DataQualityWarning",
    "DataUnavailableError",
    "InsufficientDataError",
    "RiskkitWarning",
    "TierMismatchWarning",
    "UnknownDatasetError",
]


class RiskkitWarning(UserWarning):
    """Base class of every warning :mod:`riskkit` emits."""


class DataQualityWarning(RiskkitWarning):
    """A dataset has a defect that was repaired or that limits what it can show."""


class TierMismatchWarning(RiskkitWarning):
    """A margin tier was applied to a notional outside that tier's range."""


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
