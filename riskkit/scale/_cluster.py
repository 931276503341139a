"""Where :mod:`riskkit.scale` runs its tasks: a Dask client, a local cluster, or this process.

Every public function of :mod:`riskkit.scale` takes ``client=``:

* ``None`` (default): a :class:`distributed.LocalCluster` with ``n_workers`` single-threaded
  worker processes is started for the call and closed afterwards; when
  :mod:`dask.distributed` is not installed the same tasks run in this process and an
  :class:`~riskkit.exceptions.InProcessWarning` says how to install it.
* ``"in-process"``: run the tasks one after the other in this process, no Dask at all.
* a :class:`distributed.Client`: the tasks run on its cluster (any cluster: local, SSH, HPC
  job queue, Kubernetes); the client is left open.

The tasks are plain module-level functions of picklable arguments, so the three routes run
the same code on the same inputs and give the same numbers.

On a Dask worker the tasks run with the BLAS and OpenMP thread pools limited to one thread
(:func:`threadpoolctl.threadpool_limits`), so a worker with ``t`` threads keeps ``t`` cores
busy, not ``t`` times the BLAS's own threads. Dask's nanny already starts worker processes
with ``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` and ``OPENBLAS_NUM_THREADS`` set to 1 (its
``distributed.nanny.pre-spawn-environ`` setting); a worker process started otherwise is
limited by the first :mod:`riskkit.scale` task it runs, for the rest of its life. Workers that
are threads of this process (``local_client(processes=False)``) share this process's pools,
which :func:`local_client` limits to one thread until its block ends. In-process runs
(``client="in-process"``) keep the pools as they are: one task at a time may use every core.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import describe
from riskkit.exceptions import InProcessWarning

__all__ = ["IN_PROCESS", "local_client"]

logger = logging.getLogger(__name__)

_WORKER_LOCK = threading.Lock()

#: The ``client=`` value that runs every task in this process.
IN_PROCESS = "in-process"


@contextlib.contextmanager
def local_client(
    n_workers: int = 2, *, threads_per_worker: int = 1, processes: bool = True, **options: Any
) -> Iterator[Any]:
    """A :class:`distributed.Client` on a new local cluster, closed when the block ends.

    Parameters
    ----------
    n_workers : int, default 2
        Worker processes (or threads with ``processes=False``), >= 1.
    threads_per_worker : int, default 1
        Threads per worker, >= 1. Each task runs with its BLAS/OpenMP pools limited to one
        thread, so ``n_workers * threads_per_worker`` is the number of busy cores.
    processes : bool, default True
        Workers in separate processes (their own memory, no GIL contention) or threads of
        this process (faster start, shared memory; this process's BLAS/OpenMP pools are then
        limited to one thread until the block ends).
    **options
        Passed to :class:`distributed.LocalCluster`, e.g. ``memory_limit="1GiB"`` per worker.
        The dashboard listens on a free port unless ``dashboard_address`` is given.

    Yields
    ------
    distributed.Client

    Raises
    ------
    ImportError
        If :mod:`dask.distributed` is not installed (``pip install "riskkit[scale]"``).
    ValueError
        If ``n_workers`` or ``threads_per_worker`` is not an integer >= 1.

    Notes
    -----
    Worker processes start with ``OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1``
    (Dask's ``distributed.nanny.pre-spawn-environ`` default) and the first :mod:`riskkit.scale`
    task a worker process runs limits its BLAS/OpenMP pools to one thread in any case; with
    ``processes=False`` the workers are threads of this process, whose pools are limited to
    one thread inside the block and restored after it. So the cores are not oversubscribed
    by numpy's own threads.

    Dask's nanny writes those variables into this process's ``os.environ`` too, before it
    spawns a worker; ``local_client`` puts back the caller's values once the workers have
    started and again on exit, so later subprocesses of the caller do not inherit one thread.

    Reuse one client for several calls (``client=`` of every :mod:`riskkit.scale` function):
    starting a cluster of worker processes takes about a second.

    References
    ----------
    Dask developers, "LocalCluster", dask.distributed documentation,
    https://distributed.dask.org/en/stable/api.html#cluster

    Dask developers, "Worker: Nanny" (``pre-spawn-environ``), dask.distributed documentation,
    https://distributed.dask.org/en/stable/worker.html#nanny

    threadpoolctl developers, "threadpool_limits", https://github.com/joblib/threadpoolctl

    Examples
    --------
    >>> from riskkit.scale import local_client
    >>> with local_client(1, processes=False) as client:
    ...     int(client.submit(sum, [1, 2, 3]).result())
    6
    """
    _check_count(n_workers, "n_workers")
    _check_count(threads_per_worker, "threads_per_worker")
    distributed = require("distributed", "scale", feature="local_client")
    options.setdefault("dashboard_address", ":0")
    options.setdefault("silence_logs", logging.ERROR)
    saved = _nanny_environ_saved()
    try:
        with _cluster_client(distributed, n_workers, threads_per_worker, processes, options) as c:
            _restore_environ(saved)  # the workers have their environment; the caller keeps its
            yield c
    finally:
        _restore_environ(saved)


def _nanny_environ_saved() -> dict[str, str | None]:
    """This process's values of the variables Dask's nanny sets in it before spawning workers.

    The nanny writes ``distributed.nanny.pre-spawn-environ`` (``OMP_NUM_THREADS=1``, ...) into
    the *caller's* ``os.environ``, where every later subprocess would inherit them.
    """
    import dask

    keys: set[str] = set()
    for key in ("distributed.nanny.pre-spawn-environ", "distributed.nanny.environ"):
        value = dask.config.get(key, default={})
        if isinstance(value, Mapping):
            keys.update(str(k) for k in value)
    return {k: os.environ.get(k) for k in sorted(keys)}


def _restore_environ(saved: Mapping[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@contextlib.contextmanager
def _cluster_client(
    distributed: Any, n_workers: int, threads_per_worker: int, processes: bool, options: Any
) -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=int(n_workers),
        threads_per_worker=int(threads_per_worker),
        processes=bool(processes),
        **options,
    )
    try:
        client = distributed.Client(cluster)
        try:
            if processes:
                yield client
            else:  # the workers' numpy runs in this process: one BLAS thread each
                from threadpoolctl import threadpool_limits

                with threadpool_limits(limits=1):
                    yield client
        finally:
            client.close()
    finally:
        cluster.close()


_WORKER_LIMIT: list[Any] = []  # the limiter that holds a worker process at one thread


def _single_threaded(func: Callable[..., Any], driver: int, *args: Any) -> Any:
    """Run one task on a worker whose BLAS/OpenMP pools are limited to one thread.

    ``driver`` is the process id of the caller. In a worker process of its own the pools are
    set to one thread by the first task and stay so for the worker's life (what Dask's nanny
    does with ``OMP_NUM_THREADS=1``): a limit set and lifted per task would race between the
    tasks that overlap in a worker's threads, since the pool sizes are process-wide. A worker
    that is a thread of the caller's process leaves the pools alone: :func:`local_client`
    with ``processes=False`` limits them for the life of its block.
    """
    if os.getpid() != driver and not _WORKER_LIMIT:
        with _WORKER_LOCK:
            if not _WORKER_LIMIT:
                _WORKER_LIMIT.append(_limit_blas())
    return func(*args)


def _limit_blas() -> Any:
    """Limit this process's BLAS/OpenMP pools to one thread (None without threadpoolctl)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with riskkit[scale]
        logger.warning(
            "threadpoolctl is not installed: numpy's BLAS threads are not limited on this "
            'worker (pip install "riskkit[scale]")'
        )
        return None
    return threadpool_limits(limits=1)


def _check_count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1; got {describe(value)}")
    return int(value)


@dataclass(frozen=True, slots=True)
class _Run:
    """Outputs of the tasks in submission order, and where they ran."""

    outputs: list[Any]
    backend: str
    n_workers: int
    elapsed: float


def _is_client(client: Any) -> bool:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - no distributed, so no client either
        return False
    return isinstance(client, Client)


def _check_client(client: Any) -> None:
    if client is None or client == IN_PROCESS or _is_client(client):
        return
    raise TypeError(
        f"client must be None (a local cluster), {IN_PROCESS!r} or a distributed.Client; "
        f"got {describe(client)}"
    )


def run_tasks(
    func: Callable[..., Any],
    args: Sequence[tuple[Any, ...]],
    *,
    client: Any,
    n_workers: int,
    cluster_options: Mapping[str, Any] | None,
    feature: str,
    keys: Sequence[str] | None = None,
    progress: bool = False,
) -> _Run:
    """Run ``func(*a)`` for every ``a`` in ``args`` where ``client`` says; outputs in order."""
    _check_client(client)
    _check_count(n_workers, "n_workers")
    if cluster_options is not None and not isinstance(cluster_options, Mapping):
        raise TypeError(
            f"cluster_options must be a mapping or None; got {describe(cluster_options)}"
        )
    t0 = time.perf_counter()
    fallback = False
    if client is None:
        try:
            require("distributed", "scale", feature=feature)
        except ImportError as exc:
            warnings.warn(
                f"{feature} ran in this process, one task after another: {exc}, "
                f"then it runs on a local Dask cluster by default or on any cluster through "
                f"client=. Pass client={IN_PROCESS!r} to run in-process without this warning.",
                InProcessWarning,
                stacklevel=3,
            )
            client, fallback = IN_PROCESS, True
    if client == IN_PROCESS:
        if cluster_options and not fallback:
            raise ValueError(
                "cluster_options apply to the local cluster started when client=None; "
                f"got {dict(cluster_options)!r} with client={IN_PROCESS!r}"
            )
        outputs = [func(*a) for a in _progress(args, progress, len(args))]
        return _Run(outputs, IN_PROCESS, 1, time.perf_counter() - t0)
    if client is None:
        with local_client(n_workers, **dict(cluster_options or {})) as local:
            outputs = _on_client(local, func, args, keys, progress)
        return _Run(outputs, f"LocalCluster ({n_workers} workers)", n_workers, _since(t0))
    if cluster_options:
        raise ValueError(
            "cluster_options apply to the local cluster started when client=None; "
            f"got {dict(cluster_options)!r} together with a client"
        )
    outputs = _on_client(client, func, args, keys, progress)
    workers = len(client.scheduler_info().get("workers", {}))
    return _Run(outputs, f"distributed.Client ({workers} workers)", workers, _since(t0))


def _since(t0: float) -> float:
    return time.perf_counter() - t0


def _progress(items: Any, progress: bool, total: int) -> Any:
    if not progress:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc="tasks", unit="task")


def _large(x: Any) -> bool:
    nbytes = getattr(x, "nbytes", None)
    if isinstance(x, pd.DataFrame | pd.Series):
        nbytes = int(x.memory_usage(deep=False).sum()) if isinstance(x, pd.DataFrame) else x.nbytes
    return bool(isinstance(nbytes, int | np.integer) and nbytes > 1_000_000)


def _on_client(
    client: Any,
    func: Callable[..., Any],
    args: Sequence[tuple[Any, ...]],
    keys: Sequence[str] | None,
    progress: bool,
) -> list[Any]:
    """Submit one task per argument tuple; collect the (small) outputs as they finish."""
    from distributed import as_completed

    run = uuid.uuid4().hex[:12]
    futures = []
    for i, a in enumerate(args):
        # large inputs (a symbol's frame) go to a worker once, not inside the task graph
        sent = tuple(client.scatter(x, hash=False) if _large(x) else x for x in a)
        key = f"{func.__name__.strip('_')}-{keys[i] if keys else i}-{run}"
        futures.append(
            client.submit(_single_threaded, func, os.getpid(), *sent, key=key, pure=False)
        )
    index = {f.key: i for i, f in enumerate(futures)}
    outputs: list[Any] = [None] * len(futures)
    done = as_completed(futures, with_results=True)
    for future, result in _progress(done, progress, len(futures)):
        outputs[index[future.key]] = result
        future.release()
    logger.debug("%d tasks of %s finished on %r", len(futures), func.__name__, client)
    return outputs
