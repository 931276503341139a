"""How many threads riskkit's own thread pools use by default (private)."""

from __future__ import annotations

import os

__all__ = ["default_threads"]


def default_threads() -> int:
    """2, or the number of cores this process may use if that is fewer.

    Two is what the machines the book is built for have; a pool wider than the cores only adds
    switching. The results of every riskkit function that takes ``n_threads`` do not depend on it.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(2, cores))
