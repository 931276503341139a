"""Counting-sort partition of a block of positions by group, for :mod:`riskkit.venues.batch`.

The batch prices each (venue, symbol) group with one vectorised call, so the rows of a block
must first be made contiguous by group. numpy can only do that with an argsort and one fancy
``take`` per input array, each paying numpy's per-element indexing cost (about 2.5 ns an element
and array here). A counting sort does it in two passes over the block: count the rows of each
group, then copy every row's four inputs to its group's next free slot (reads in row order,
writes in as many sequential streams as there are groups) and remember where it came from.
Within a group the rows keep their order, exactly as a stable argsort leaves them, so every
group sees the same values in the same order on both paths and the prices are bit-identical.

With numba installed (``pip install riskkit[fast]``) the two passes and the scatter back are
compiled loops that release the GIL, so blocks run in parallel on threads; without it
:data:`HAVE_NUMBA` is False and the batch uses the argsort-and-take path. Both are tested
against each other and against a naive per-group loop.
"""

from __future__ import annotations

import importlib.util
import threading
from typing import Any

import numpy as np

__all__ = ["HAVE_NUMBA", "key_counts", "partition", "unpartition"]

# optional, as in arch: without numba the batch takes its numpy path. numba is imported and the
# loops compiled (about 1 s, then cached on disk) only when a large batch first needs them.
HAVE_NUMBA = importlib.util.find_spec("numba") is not None
_LOCK = threading.Lock()
_KERNELS: dict[str, Any] = {}


def _kernel(name: str) -> Any:
    if not _KERNELS:
        with _LOCK:
            if not _KERNELS:
                from numba import njit

                fns = (_key_counts_py, _partition_py, _unpartition_py)
                # filled at once: another thread never sees some kernels without the others
                _KERNELS.update({f.__name__[:-3]: njit(nogil=True, cache=True)(f) for f in fns})
    return _KERNELS[name]


def _key_counts_py(codes_v: Any, codes_s: Any, width: int, counts: Any) -> bool:
    # counts[k] += 1 for each row's key k = venue code x width + symbol code; True when the
    # keys never decrease (rows already grouped), in the same single pass
    grouped = True
    prev = -1
    for i in range(codes_v.shape[0]):
        k = codes_v[i] * width + codes_s[i]
        counts[k] += 1
        if k < prev:
            grouped = False
        prev = k
    return grouped


def _partition_py(
    codes_v: Any,
    codes_s: Any,
    width: int,
    lut: Any,
    n_groups: int,
    s: Any,
    e: Any,
    q: Any,
    m: Any,
    out_s: Any,
    out_e: Any,
    out_q: Any,
    out_m: Any,
    origin: Any,
    starts: Any,
) -> None:
    # lut[venue code x width + symbol code] = the row's group, in [0, n_groups). Fills out_*
    # group by group (rows in their order within a group), origin[j] = the row that landed in
    # slot j, starts[g] = the first slot of group g (starts[n_groups] = number of rows).
    n = codes_v.shape[0]
    for g in range(n_groups + 1):
        starts[g] = 0
    for i in range(n):
        starts[lut[codes_v[i] * width + codes_s[i]] + 1] += 1
    for g in range(n_groups):
        starts[g + 1] += starts[g]
    cursor = starts[:n_groups].copy()
    for i in range(n):  # the group again from the codes: cheaper than storing it
        g = lut[codes_v[i] * width + codes_s[i]]
        j = cursor[g]
        cursor[g] = j + 1
        out_s[j] = s[i]
        out_e[j] = e[i]
        out_q[j] = q[i]
        out_m[j] = m[i]
        origin[j] = i


def _unpartition_py(res: Any, origin: Any, out: Any) -> None:
    # out[origin[j]] = res[j]: the prices back to the rows they came from
    for j in range(res.shape[0]):
        out[origin[j]] = res[j]


def key_counts(codes_v: Any, codes_s: Any, width: int, n_keys: int) -> tuple[Any, bool]:
    """Rows per key ``venue code x width + symbol code`` and whether the keys never decrease.

    One pass over the codes (numba). ``n_keys`` bounds the keys.

    Examples
    --------
    >>> import numpy as np
    >>> counts, grouped = key_counts(np.array([0, 1, 1], np.int8), np.array([1, 0, 0], np.int8),
    ...                              2, 4)
    >>> counts.tolist(), grouped
    ([0, 1, 2, 0], True)
    """
    if not HAVE_NUMBA:
        raise RuntimeError("key_counts needs numba: pip install riskkit[fast]")
    counts = np.zeros(n_keys, dtype=np.int64)
    grouped = _kernel("_key_counts")(codes_v, codes_s, width, counts)
    return counts, bool(grouped)


def partition(
    codes_v: Any,
    codes_s: Any,
    width: int,
    lut: Any,
    n_groups: int,
    s: Any,
    e: Any,
    q: Any,
    m: Any,
    buffers: tuple[Any, ...] | None = None,
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """The block's four inputs made contiguous by group (stable), with their rows of origin.

    Parameters
    ----------
    codes_v, codes_s : ndarray of int
        Venue and symbol code of each row.
    width : int
        Number of symbol codes: the key of a row is ``codes_v x width + codes_s``.
    lut : ndarray of int32
        Group of each key, in ``[0, n_groups)`` for the keys present.
    n_groups : int
        Number of groups.
    s, e, q, m : ndarray of float64
        Side (+1/-1), entry price, size and margin per row (same length as the codes).
    buffers : tuple of 5 ndarrays, optional
        Four float64 arrays and one int64 array of at least as many rows, reused for the output
        (a thread pricing block after block then allocates nothing); new arrays if None.

    Returns
    -------
    s, e, q, m : ndarray
        The inputs reordered so that each group's rows are contiguous, in their original order.
    origin : ndarray of int64
        ``origin[j]`` is the row whose values are in slot ``j``.
    starts : ndarray of int64
        ``starts[g]:starts[g + 1]`` are group ``g``'s slots.

    Notes
    -----
    A counting sort: :math:`O(n + G)` time for :math:`n` rows and :math:`G` groups, against
    :math:`O(n)` for the radix argsort plus four gathers of the numpy path, at a fraction of the
    per-element cost. Requires numba (:data:`HAVE_NUMBA`).

    Examples
    --------
    >>> import numpy as np
    >>> cv, cy = np.array([1, 0, 1, 0], np.int8), np.zeros(4, np.int8)
    >>> lut = np.array([0, 1], np.int32)
    >>> x = np.arange(4.0)
    >>> cs, ce, cq, cm, origin, starts = partition(cv, cy, 1, lut, 2, x, x, x, x)
    >>> cs.tolist(), origin.tolist(), starts.tolist()
    ([1.0, 3.0, 0.0, 2.0], [1, 3, 0, 2], [0, 2, 4])
    """
    if not HAVE_NUMBA:
        raise RuntimeError("partition needs numba: pip install riskkit[fast]")
    k = codes_v.shape[0]
    if buffers is None:
        out = [np.empty(k) for _ in range(4)]
        origin = np.empty(k, dtype=np.int64)
    else:
        out = [b[:k] for b in buffers[:4]]
        origin = buffers[4][:k]
    starts = np.empty(n_groups + 1, dtype=np.int64)
    _kernel("_partition")(codes_v, codes_s, width, lut, n_groups, s, e, q, m, *out, origin, starts)
    return out[0], out[1], out[2], out[3], origin, starts


def unpartition(res: Any, origin: Any, out: Any) -> None:
    """Write ``res[j]`` to ``out[origin[j]]`` (the prices back to their rows), in place."""
    if not HAVE_NUMBA:
        raise RuntimeError("unpartition needs numba: pip install riskkit[fast]")
    _kernel("_unpartition")(res, origin, out)
