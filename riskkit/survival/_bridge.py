"""Brownian-bridge monitoring of a barrier between simulated closes (private).

Two exact treatments of the path between two closes :math:`x_0 \\to x_1` of a bar whose
log-price increment is Brownian with variance :math:`v`:

* :func:`_bridge_minimum` *samples* the bridge's minimum, once per bar and independently of any
  barrier, so that a path's running minimum answers every barrier at once (the default of
  :func:`~riskkit.survival.simulate_liquidation`);
* :func:`_bridge_accumulate` *integrates it out*: it scores, per barrier, the conditional
  probability that the bridge crossed (``monitoring="bridge_conditional"``).

Both estimate the same probability without bias; the first scores 0 or 1 per path (binomial
standard error), the second a probability (a smaller standard error, one pass per barrier).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__: list[str] = []

#: Smallest positive double: a floor for the denominator of the sampled minimum (0/0 guard).
_TINY = 5e-324

#: Bars whose Brownian-bridge crossing exponent exceeds this are skipped (exp(-40) = 4e-18).
_BRIDGE_CUTOFF = 40.0

#: Fixed-point unit of the conditional scores: sums of multiples of 2**-40 are exact integers,
#: so they do not depend on the order (the chunking) in which paths are added.
_QUANTUM = 2.0**-40


def _bridge_minimum(x0: Any, x1: Any, variance: Any, exponential: Any) -> np.ndarray:
    """Sample the minimum of a Brownian bridge from ``x0`` to ``x1``.

    Parameters
    ----------
    x0, x1 : array-like of float
        Log price at the start and at the end of the bar.
    variance : array-like of float
        Variance of the bar's log-price increment, > 0 (log units squared).
    exponential : array-like of float
        Standard exponential draws :math:`E = -\\ln U`, :math:`U` uniform on (0, 1], one per
        bar (broadcast with the other arguments).

    Returns
    -------
    numpy.ndarray
        The sampled minimum, never above ``min(x0, x1)`` (also in floating point).

    Notes
    -----
    Given its end points, the minimum :math:`M` of a Brownian bridge with variance :math:`v`
    over the bar has :math:`P(M \\le b) = \\exp(-2(x_0-b)(x_1-b)/v)` for
    :math:`b \\le \\min(x_0, x_1)`. Solving :math:`P(M \\le b) = U` for :math:`b` gives

    .. math::

        M = \\tfrac12\\Bigl(x_0 + x_1 - \\sqrt{(x_1-x_0)^2 + 2vE}\\Bigr)
          = \\min(x_0, x_1) - \\frac{vE}{|x_1-x_0| + \\sqrt{(x_1-x_0)^2 + 2vE}},

    the second form free of cancellation and, as a non-negative amount subtracted from
    :math:`\\min(x_0, x_1)`, never above it after rounding. The maximum of a bridge is
    :math:`-M` computed on :math:`-x_0, -x_1`.

    References
    ----------
    P. Glasserman (2004), *Monte Carlo Methods in Financial Engineering*, Springer, section 6.4,
    doi:10.1007/978-0-387-21617-1.

    Examples
    --------
    >>> m = float(_bridge_minimum(0.0, 0.0, 1.0, np.log(2.0)))  # the median: U = 1/2
    >>> round(float(np.exp(-2 * m * m)), 12)  # P(M <= m) = exp(-2 m^2) for x0 = x1 = 0, v = 1
    0.5
    """
    x0, x1, v, e = np.broadcast_arrays(
        *(np.asarray(a, dtype=np.float64) for a in (x0, x1, variance, exponential))
    )
    d = np.abs(x1 - x0)
    ve = v * e
    den = np.sqrt(d * d + 2.0 * ve) + d
    return np.minimum(x0, x1) - ve / np.maximum(den, _TINY)


def _running_bridge_min(
    level: np.ndarray,
    step: np.ndarray,
    var: np.ndarray | float,
    exponential: np.ndarray,
    low: np.ndarray | None = None,
) -> np.ndarray:
    """Running minimum, after each bar, of paths monitored continuously through bridges.

    ``level`` (n, H) holds the log price after each bar (start 0), ``step`` its increments
    (``level = cumsum(step, axis=1)``), ``var`` each bar's variance (scalar or (n, H)) and
    ``exponential`` (n, H) standard exponential draws. The bar minima are those of
    :func:`_bridge_minimum`; ``level``, ``step`` and ``exponential`` are overwritten (the
    result is returned in the memory of ``exponential``), so the chunk needs no extra array
    beyond one buffer, ``low`` (allocated if not given).
    """
    if low is None:
        low = np.empty_like(level)  # min(x0, x1) per bar
    np.minimum(level[:, 1:], level[:, :-1], out=low[:, 1:])
    np.minimum(level[:, 0], 0.0, out=low[:, 0])
    ve = exponential
    ve *= var
    d = np.abs(step, out=step)
    den = np.multiply(d, d, out=level)
    den += ve
    den += ve
    np.sqrt(den, out=den)
    den += d
    np.maximum(den, _TINY, out=den)
    np.divide(ve, den, out=ve)
    np.subtract(low, ve, out=ve)
    np.minimum.accumulate(ve, axis=1, out=ve)
    return ve


def _bridge_accumulate(
    level: np.ndarray,
    var: np.ndarray | float,
    barriers: np.ndarray,
    horizons: np.ndarray,
    sums: np.ndarray,
    sumsq: np.ndarray,
    quantum: float | None = None,
) -> None:
    """Add, per (barrier, horizon), the sum and sum of squares over paths of the conditional
    probability that a Brownian bridge between bar closes crossed the barrier.

    ``level`` (n, H) holds the oriented log price after each bar (start 0, barrier below).
    Only bars that can matter are visited: a bar whose crossing exponent
    :math:`2(X_{k-1}-b)(X_k-b)/v_k` exceeds the cut-off, i.e. whose barrier is below
    :math:`b^*_k = \\tfrac12\\bigl(X_{k-1}+X_k-\\sqrt{(X_{k-1}-X_k)^2+2cv_k}\\bigr)`, or that
    comes after the path already closed below the barrier, is skipped, which makes the work
    proportional to the bars near each barrier rather than to paths x bars x barriers.

    With ``quantum``, each path's score (and its square) is rounded to a multiple of
    ``quantum`` and ``sums``/``sumsq`` (object arrays of Python ints) count quanta: integer
    sums are exact, so the totals do not depend on how the paths were chunked.
    """
    n, steps = level.shape
    prev = np.empty_like(level)
    prev[:, 0] = 0.0
    prev[:, 1:] = level[:, :-1]
    v = np.broadcast_to(var, level.shape)
    bstar = prev + level
    bstar -= np.sqrt((prev - level) ** 2 + 2.0 * _BRIDGE_CUTOFF * v)
    bstar *= 0.5
    low_before = np.minimum.accumulate(prev, axis=1)
    one = 1 if quantum is None else round(1.0 / quantum)
    for j, b in enumerate(barriers):
        if b >= 0.0:  # barrier at or above the entry: liquidated at once
            sums[j] += n * one
            sumsq[j] += n * one
            continue
        if not np.isfinite(b):
            continue  # barrier at zero price: never reached
        rows, cols = np.nonzero((bstar < b) & (low_before > b))
        a = prev[rows, cols] - b
        c = level[rows, cols] - b
        hard = c <= 0.0
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            log_stay = np.log1p(-np.exp(-2.0 * a * c / v[rows, cols]))
        log_stay[hard] = 0.0
        first_hard = np.full(n, steps, dtype=np.int64)
        first_hard[rows[hard]] = cols[hard]
        for i, h in enumerate(horizons):
            sel = cols < h
            log_sum = np.bincount(rows[sel], weights=log_stay[sel], minlength=n)
            y = np.where(first_hard < h, 1.0, -np.expm1(log_sum))
            if quantum is None:
                sums[j, i] += y.sum()
                sumsq[j, i] += (y * y).sum()
            else:
                sums[j, i] += int(np.rint(y / quantum).astype(np.int64).sum())
                sumsq[j, i] += int(np.rint(y * y / quantum).astype(np.int64).sum())
