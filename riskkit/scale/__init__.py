"""Panels and sweeps that outgrow one process: survival over many symbols, Monte Carlo in chunks.

* :func:`panel_survival` and :func:`panel_time_to_liquidation` run the historical survival
  map and the time-to-liquidation scan of :mod:`riskkit.survival` on every symbol of a
  mapping of frames or of a Parquet dataset partitioned as
  ``<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/``: one task per symbol, which reads its own
  partition, so memory is bounded by one symbol's bars, not by the dataset.
* :func:`monte_carlo_sweep` runs :func:`~riskkit.survival.simulate_liquidation` in chunks
  seeded by ``numpy.random.SeedSequence(seed).spawn(n_chunks)``: identical results whatever
  the number of workers.

The tasks run on Dask (:mod:`dask.distributed`, ``pip install "riskkit[scale]"``): a local
cluster by default, any cluster through ``client=`` (see :func:`local_client`), or in this
process with ``client="in-process"``. Without Dask the same tasks run in-process and an
:class:`~riskkit.exceptions.InProcessWarning` says how to install it. Dask is imported only
when a cluster is used.

The parts live in :mod:`riskkit.scale.panel`, :mod:`riskkit.scale.sweep` and the client
handling in ``riskkit/scale/_cluster.py``; every public name is importable from
:mod:`riskkit.scale`.
"""

from __future__ import annotations

from riskkit.scale._cluster import IN_PROCESS, local_client
from riskkit.scale.panel import (
    PanelLiquidation,
    PanelSurvival,
    panel_survival,
    panel_time_to_liquidation,
)
from riskkit.scale.sweep import MonteCarloSweep, monte_carlo_sweep

__all__ = [
    "IN_PROCESS",
    "MonteCarloSweep",
    "PanelLiquidation",
    "PanelSurvival",
    "local_client",
    "monte_carlo_sweep",
    "panel_survival",
    "panel_time_to_liquidation",
]
