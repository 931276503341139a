"""Monte Carlo sweeps (paths x leverage x horizon) split into independently seeded chunks.

:func:`monte_carlo_sweep` cuts ``n_paths`` into chunks of ``chunk_size`` paths, gives chunk
``i`` the stream ``numpy.random.SeedSequence(seed).spawn(n_chunks)[i]``, simulates each chunk
with :func:`~riskkit.survival.simulate_liquidation` (every leverage and horizon on the same
paths) and adds the chunks' sums in chunk order. The chunks depend only on ``n_paths``,
``chunk_size`` and ``seed``, never on the workers or on how chunks are grouped into tasks, so
the result is the same bit for bit in-process, on one worker or on a hundred.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from riskkit._errors import describe
from riskkit.scale._cluster import IN_PROCESS, _check_count, run_tasks
from riskkit.survival import fit_return_model, simulate_liquidation
from riskkit.survival.montecarlo import _ProbabilityGrid

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.survival import MonteCarloLiquidation

__all__ = ["MonteCarloSweep", "monte_carlo_sweep"]


def _chunk_sums(
    sizes: tuple[int, ...],
    seeds: tuple[np.random.SeedSequence, ...],
    settings: Mapping[str, Any],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per chunk: the sums over paths of :math:`Y` and :math:`Y^2`, (leverage, horizon)."""
    out = []
    for size, ss in zip(sizes, seeds, strict=True):
        res = simulate_liquidation(n_paths=size, chunk_size=size, seed=ss, **settings)
        p = res.liquidation_prob.to_numpy()
        se = res.std_error.to_numpy()
        # simulate_liquidation reports p = S1/n and se = sqrt((S2/n - p^2)/n)
        out.append((p * size, (se * se * size + p * p) * size))
    return out


@dataclass(frozen=True, slots=True)
class MonteCarloSweep(_ProbabilityGrid):
    """Monte Carlo probability of liquidation, leverage x horizon, from seeded chunks.

    Attributes
    ----------
    liquidation_prob : pandas.DataFrame
        Estimated probability of liquidation within each horizon (rows ``leverage``, columns
        ``horizon`` in bars).
    std_error : pandas.DataFrame
        Monte Carlo standard error of ``liquidation_prob`` (pooled over chunks).
    params : pandas.Series
        Per-bar model parameters simulated.
    model, monitoring, side : str
    n_paths, chunk_size, n_chunks : int
        Paths in total, per chunk (the last may be smaller) and the number of chunks.
    seed : int
        The root seed (the entropy of ``SeedSequence(seed)``); chunk ``i`` used
        ``SeedSequence(seed).spawn(n_chunks)[i]``. Pass it back to reproduce the result.
    maintenance_margin_rate, funding_rate : float
    backend : str
        Where the chunks ran.
    n_workers : int
    elapsed : float
        Wall time, seconds (cluster start included).
    """

    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    params: pd.Series
    model: str
    monitoring: str
    n_paths: int
    chunk_size: int
    n_chunks: int
    seed: int
    side: str
    maintenance_margin_rate: float
    funding_rate: float
    backend: str
    n_workers: int
    elapsed: float

    def _repr_html_(self) -> str:
        head = (
            f"<p>Monte Carlo sweep: model {self.model}, {self.monitoring} monitoring, "
            f"{self.n_paths:,} paths in {self.n_chunks} chunks, seed {self.seed}, {self.side}, "
            f"m={self.maintenance_margin_rate:g}, {self.backend}</p>"
        )
        return head + self.liquidation_prob.to_html(float_format="{:.4f}".format)

    def chart(self, title: str | None = None) -> alt.Chart:
        """Probability of liquidation against leverage, one line per horizon (altair)."""
        from riskkit.charts.survival import chart_monte_carlo_liquidation

        return chart_monte_carlo_liquidation(cast("MonteCarloLiquidation", self), title)


def _root_seed(seed: Any) -> int:
    if seed is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(seed, np.random.SeedSequence):
        if seed.spawn_key or not isinstance(seed.entropy, int):
            raise TypeError(
                "seed must be an int or a root SeedSequence (integer entropy, no spawn key); "
                f"got {seed!r}"
            )
        return int(seed.entropy)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(
            "seed must be an int >= 0, a numpy SeedSequence or None (a Generator cannot be "
            f"split into streams that do not depend on the workers); got {describe(seed)}"
        )
    if seed < 0:
        raise ValueError(f"seed must be >= 0; got {seed}")
    return int(seed)


def monte_carlo_sweep(
    leverage: Any,
    horizon: Any,
    returns: Any = None,
    *,
    model: str = "garch_t",
    params: Mapping[str, float] | None = None,
    n_paths: int = 20_000,
    chunk_size: int = 5_000,
    chunks_per_task: int = 1,
    seed: Any = None,
    monitoring: str = "bridge",
    initial_variance: Any = None,
    funding_rate: float = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    client: Any = None,
    n_workers: int = 2,
    cluster_options: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> MonteCarloSweep:
    """Monte Carlo liquidation probability, paths x leverage x horizon, in seeded chunks on Dask.

    Parameters
    ----------
    leverage, horizon, returns, model, params
        As in :func:`~riskkit.survival.simulate_liquidation` (leverages > 0, horizons in bars
        >= 1, per-bar log returns to fit, per-bar parameters, fractions of notional). A model
        is fitted once, in the driver, and its parameters sent to every chunk.
    monitoring, initial_variance, funding_rate, side, maintenance_margin_rate
        As in :func:`~riskkit.survival.simulate_liquidation`.
    n_paths : int, default 20,000
        Paths in total, >= 1.
    chunk_size : int, default 5,000
        Paths per chunk, >= 1: the unit of randomness (one stream each) and of memory
        (about ``chunk_size * max(horizon) * 64`` bytes per task).
    chunks_per_task : int, default 1
        Consecutive chunks simulated by one task (fewer, larger tasks); does not change the
        result.
    seed : int, numpy.random.SeedSequence or None
        Root of the chunks' streams. None draws fresh entropy, recorded in the result's
        ``seed``.
    client, n_workers, cluster_options, progress
        As in :func:`~riskkit.scale.panel_survival` (progress over tasks). On Dask workers a
        chunk runs the engine on one thread (``n_threads=1``: the workers are the
        parallelism); in-process on the engine's default thread pool. The numbers are the
        same either way.

    Returns
    -------
    MonteCarloSweep

    Raises
    ------
    ValueError
        For invalid arguments (checked by :func:`~riskkit.survival.simulate_liquidation` in the
        driver before any task is sent).
    TypeError
        For a seed that is a Generator, a spawned SeedSequence or another type.

    See Also
    --------
    riskkit.survival.simulate_liquidation : the engine, one process, one stream.

    Notes
    -----
    Chunk :math:`c = 0..C-1`, :math:`C = \\lceil n/k \\rceil` for :math:`n` paths of chunk size
    :math:`k`, simulates :math:`n_c` paths from its own stream and returns, per leverage and
    horizon, :math:`S_{1,c} = \\sum_j Y_j` and :math:`S_{2,c} = \\sum_j Y_j^2` (:math:`Y_j` the
    path's liquidation indicator, or its Brownian-bridge crossing probability; see
    :func:`~riskkit.survival.simulate_liquidation`). The driver adds them in chunk order,

    .. math::

        \\hat p = \\frac{1}{n}\\sum_{c} S_{1,c},\\qquad
        \\mathrm{se}(\\hat p) = \\sqrt{\\Bigl(\\frac{1}{n}\\sum_c S_{2,c} - \\hat p^2\\Bigr)/n},

    the same estimator as one long run. :class:`numpy.random.SeedSequence` ``spawn`` gives
    streams that are independent with overwhelming probability (hashes of distinct spawn keys),
    so the chunks are independent samples, and the result depends only on
    :math:`(n, k, \\text{seed})`. A different ``chunk_size`` gives other (equally valid) paths.

    References
    ----------
    NumPy developers, "Parallel random number generation" (``SeedSequence.spawn``),
    https://numpy.org/doc/stable/reference/random/parallel.html
    P. Glasserman (2004), *Monte Carlo Methods in Financial Engineering*, Springer,
    doi:10.1007/978-0-387-21617-1.

    Examples
    --------
    >>> kw = dict(model="normal", params={"mu": 0.0, "sigma": 0.01}, n_paths=4000,
    ...           chunk_size=1000, seed=7, client="in-process")
    >>> a = monte_carlo_sweep([10, 50], [24, 72], **kw)
    >>> b = monte_carlo_sweep([10, 50], [24, 72], chunks_per_task=3, **kw)
    >>> a.n_chunks, bool((a.liquidation_prob == b.liquidation_prob).all().all())
    (4, True)
    >>> bool(a.liquidation_prob.loc[50.0, 72] > a.liquidation_prob.loc[10.0, 72])
    True
    """
    for name, val in (("n_paths", n_paths), ("chunk_size", chunk_size)):
        _check_count(val, name)
    _check_count(chunks_per_task, "chunks_per_task")
    root = _root_seed(seed)
    if params is None:
        if returns is None:
            raise ValueError("monte_carlo_sweep needs returns to fit, or params; got neither")
        prm = {str(k): float(v) for k, v in fit_return_model(returns, model).items()}
    else:
        if returns is not None:
            raise ValueError("pass returns (to fit) or params, not both; got both")
        prm = {str(k): float(v) for k, v in params.items()}
    settings = {
        "leverage": leverage,
        "horizon": horizon,
        "model": model,
        "params": prm,
        "monitoring": monitoring,
        "initial_variance": initial_variance,
        "funding_rate": funding_rate,
        "side": side,
        "maintenance_margin_rate": maintenance_margin_rate,
    }
    # validate every argument once, here, with the engine's own rules (one path, no cost)
    probe = simulate_liquidation(n_paths=1, chunk_size=1, seed=0, **settings)
    in_process = isinstance(client, str) and client == IN_PROCESS
    settings["n_threads"] = None if in_process else 1
    n_chunks = -(-n_paths // chunk_size)
    sizes = [min(chunk_size, n_paths - c * chunk_size) for c in range(n_chunks)]
    seeds = np.random.SeedSequence(root).spawn(n_chunks)
    groups = range(0, n_chunks, chunks_per_task)
    run = run_tasks(
        _chunk_sums,
        [
            (tuple(sizes[g : g + chunks_per_task]), tuple(seeds[g : g + chunks_per_task]), settings)
            for g in groups
        ],
        client=client,
        n_workers=n_workers,
        cluster_options=cluster_options,
        feature="monte_carlo_sweep",
        keys=[f"chunks{g}" for g in groups],
        progress=progress,
    )
    shape = probe.liquidation_prob.shape
    s1, s2 = np.zeros(shape), np.zeros(shape)
    for task in run.outputs:  # chunk order, whatever order they finished in
        for a, b in task:
            s1 += a
            s2 += b
    p = s1 / n_paths
    se = np.sqrt(np.maximum(s2 / n_paths - p * p, 0.0) / n_paths)
    ridx, cidx = probe.liquidation_prob.index, probe.liquidation_prob.columns
    return MonteCarloSweep(
        liquidation_prob=pd.DataFrame(p, index=ridx, columns=cidx),
        std_error=pd.DataFrame(se, index=ridx, columns=cidx),
        params=probe.params,
        model=model,
        monitoring=monitoring,
        n_paths=int(n_paths),
        chunk_size=int(chunk_size),
        n_chunks=n_chunks,
        seed=root,
        side=side,
        maintenance_margin_rate=probe.maintenance_margin_rate,
        funding_rate=probe.funding_rate,
        backend=run.backend,
        n_workers=run.n_workers,
        elapsed=run.elapsed,
    )
