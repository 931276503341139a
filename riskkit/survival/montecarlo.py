"""Simulated liquidation: fat-tailed return models fitted to real returns, and Monte Carlo.

:func:`fit_return_model` fits i.i.d. normal, i.i.d. Student-t or GARCH(1,1)-t (with
:mod:`arch`) to per-bar log returns; :func:`simulate_liquidation` simulates paths in chunks, so
memory stays bounded, seeded by independent streams per block of paths and run block by block
on a small thread pool (the result depends on neither the chunk size nor the threads),
watching the barrier between closes through a Brownian bridge whose minimum is sampled once
per bar (so that one running minimum per path answers every leverage), and reports a Monte
Carlo standard error (:class:`MonteCarloLiquidation`).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._boundary import warn_garch_boundary
from riskkit._compat import require
from riskkit._errors import scalar_array
from riskkit._parallel import default_threads
from riskkit._random import PathStreams, Seed, as_seed_sequence
from riskkit._validation import as_float_array, check_option, check_positive, check_time_index
from riskkit.exceptions import InsufficientDataError
from riskkit.survival._bridge import _QUANTUM, _bridge_accumulate, _running_bridge_min
from riskkit.survival._common import _horizons, _leverages, _log_barrier, _mmr, _side

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["MonteCarloLiquidation", "fit_return_model", "simulate_liquidation"]

logger = logging.getLogger(__name__)

_MODELS = ("normal", "student_t", "garch_t")
_MONITORING = ("bridge", "bridge_conditional", "close")


# --------------------------------------------------------------------------------------------
# return models
# --------------------------------------------------------------------------------------------


def fit_return_model(
    returns: Any, model: str = "garch_t", *, digits: int | None = None
) -> pd.Series:
    """Fit a per-bar log-return model for :func:`simulate_liquidation`.

    Parameters
    ----------
    returns : array-like or pandas.Series of float
        Log returns per bar (fractions, e.g. 0.01 = 1 %), at least 30 values, no NaN.
    model : {"normal", "student_t", "garch_t"}
        ``normal``: i.i.d. Gaussian. ``student_t``: i.i.d. location-scale Student-t by maximum
        likelihood (:func:`scipy.stats.t.fit`). ``garch_t``: constant mean, GARCH(1,1) variance
        and standardised Student-t innovations, fitted with :func:`arch.arch_model` on returns
        scaled by 100 and scaled back.
    digits : int, optional
        Round the fitted parameters to this many significant digits (``garch_t``: ``mu``,
        ``omega`` in the fit's percent units and ``nu``; ``alpha`` and ``beta``, fractions, to
        this many decimals; the conditional variances are then filtered again with the rounded
        values). Maximum likelihood pins the parameters down only to the optimiser's tolerance
        (about 1e-6 relative, less on a flat ridge or the IGARCH boundary), so the last digits
        move with the BLAS kernel; 3 or 4 digits, far inside the standard errors, make every
        downstream number reproducible on any machine. Default: no rounding.

    Returns
    -------
    pandas.Series
        Parameters in per-bar units: ``mu``, ``sigma`` (normal); ``mu``, ``scale``, ``nu``
        (student_t); ``mu``, ``omega``, ``alpha``, ``beta``, ``nu``, ``sigma2_last`` (the
        one-step-ahead conditional variance after the last observation) (garch_t).

    Raises
    ------
    InsufficientDataError
        With fewer than 30 returns.
    ValueError
        For an unknown model or non-finite returns.

    See Also
    --------
    simulate_liquidation

    Notes
    -----
    GARCH(1,1)-t:

    .. math::

        r_t = \\mu + \\varepsilon_t,\\quad \\varepsilon_t = \\sigma_t z_t,\\quad
        \\sigma_t^2 = \\omega + \\alpha\\varepsilon_{t-1}^2 + \\beta\\sigma_{t-1}^2,

    with :math:`z_t` Student-t with :math:`\\nu` degrees of freedom scaled to unit variance.

    References
    ----------
    T. Bollerslev (1987), "A conditionally heteroskedastic time series model for speculative
    prices and rates of return", RES 69(3), 542-547, doi:10.2307/1925546.
    K. Sheppard, *arch* documentation, https://arch.readthedocs.io/.

    Examples
    --------
    >>> import numpy as np
    >>> r = np.tile([0.01, -0.01], 50)
    >>> fit_return_model(r, "normal").round(4).to_dict()
    {'mu': 0.0, 'sigma': 0.01}
    """
    check_time_index(returns, "returns")
    check_option(model, "model", _MODELS)
    r = as_float_array(returns, "returns")
    if r.ndim != 1:
        raise ValueError(f"returns must be 1-D; got shape {r.shape}")
    if r.size < 30:
        raise InsufficientDataError(f"fit_return_model needs at least 30 returns; got {r.size}")
    digits = _check_digits(digits)
    if model == "normal":
        mu, sd = _significant(float(r.mean()), digits), _significant(float(r.std(ddof=1)), digits)
        return pd.Series({"mu": mu, "sigma": sd}, name=model)
    if model == "student_t":
        from scipy import stats

        nu, loc, scale = (_significant(float(v), digits) for v in stats.t.fit(r))
        return pd.Series({"mu": loc, "scale": scale, "nu": nu}, name=model)
    return _fit_garch(r, digits)[0]


def _significant(x: float, digits: int | None) -> float:
    return x if digits is None or x == 0.0 else float(f"{x:.{digits}g}")


def _check_digits(digits: Any) -> int | None:
    if digits is None:
        return None
    if isinstance(digits, bool) or not isinstance(digits, int | np.integer) or digits < 1:
        raise ValueError(f"digits must be None or an integer >= 1; got {digits!r}")
    return int(digits)


def _fit_garch(r: np.ndarray, digits: int | None = None) -> tuple[pd.Series, np.ndarray]:
    """GARCH(1,1)-t parameters (per-bar units) and every bar's one-step-ahead variance.

    With ``digits``, the parameters (in the fit's percent units) are rounded to that many
    significant digits and the conditional variances are filtered again with the rounded values,
    so everything downstream depends only on the rounded parameters.
    """
    require("arch", "garch")
    from arch import arch_model

    am = arch_model(100.0 * r, mean="Constant", vol="GARCH", p=1, q=1, dist="t", rescale=False)
    res = am.fit(disp="off", show_warning=False)
    prm = res.params
    warn_garch_boundary(
        float(prm["alpha[1]"]) + float(prm["beta[1]"]), res.convergence_flag, r.size, "GARCH(1,1)-t"
    )
    mu, omega, nu = (_significant(float(prm[name]), digits) for name in ("mu", "omega", "nu"))
    alpha, beta = (float(prm[name]) for name in ("alpha[1]", "beta[1]"))
    if digits is not None:  # fractions in [0, 1]: decimals, so that a 1e-17 beta is 0
        alpha, beta = round(alpha, digits), round(beta, digits)
    if digits is None:
        resid = np.asarray(res.resid, dtype=np.float64)
        s2 = np.asarray(res.conditional_volatility, dtype=np.float64) ** 2
    else:  # filter again with the rounded parameters (a plain IEEE recursion, same everywhere)
        resid = 100.0 * r - mu
        s2 = np.empty(r.size)
        prev = float(np.mean(resid**2))
        for t in range(r.size):
            s2[t] = prev
            prev = omega + alpha * resid[t] ** 2 + beta * prev
    next_var = (omega + alpha * resid**2 + beta * s2) / 1e4
    params = pd.Series(
        {
            "mu": mu / 100.0,
            "omega": omega / 1e4,
            "alpha": alpha,
            "beta": beta,
            "nu": nu,
            "sigma2_last": float(next_var[-1]),
            "persistence": alpha + beta,
        },
        name="garch_t",
    )
    return params, next_var


_REQUIRED = {
    "normal": ("mu", "sigma"),
    "student_t": ("mu", "scale", "nu"),
    "garch_t": ("mu", "omega", "alpha", "beta", "nu", "sigma2_last"),
}


# --------------------------------------------------------------------------------------------
# simulation
# --------------------------------------------------------------------------------------------


#: The independent variates of a simulation, each with its own stream per block of paths.
_KINDS = ("normal", "mixing", "initial", "bridge")


def _normal(g: np.random.Generator, out: np.ndarray) -> None:
    g.standard_normal(out=out)


def _exponential(g: np.random.Generator, out: np.ndarray) -> None:
    g.standard_exponential(out=out)


def _simulate_chunk(
    model: str,
    prm: Mapping[str, float],
    streams: PathStreams,
    start: int,
    n: int,
    steps: int,
    initial_variance: np.ndarray | None = None,
    work: _Work | None = None,
) -> tuple[np.ndarray, np.ndarray | float]:
    """Per-bar log returns (n, steps) of paths ``start .. start + n - 1`` and each bar's
    diffusion variance (array or scalar), in the memory of ``work`` if given (its first
    ``n`` rows; not for ``garch_t``, whose block is larger than a tile).

    Student-t draws are generated as normal variance mixtures, :math:`t_\\nu = Z/\\sqrt{W}`
    with :math:`W \\sim \\chi^2_\\nu/\\nu = \\Gamma(\\nu/2, 1)/(\\nu/2)`, so every bar is a
    Brownian increment with a known variance, which the Brownian-bridge monitoring uses. Every
    variate comes from its own stream per block of paths (:class:`~riskkit._random.PathStreams`),
    so a path's numbers do not depend on the chunk it is simulated in.
    """
    z = np.empty((n, steps)) if work is None else work.z[:n]
    streams.fill("normal", z, start, _normal)
    if model == "normal":
        sig = prm["sigma"]
        z *= sig
        z += prm["mu"]
        return z, sig * sig
    half = 0.5 * prm["nu"]
    g = np.empty((n, steps)) if work is None else work.g[:n]  # Gamma(nu/2, 1) = (nu/2) W
    streams.fill("mixing", g, start, lambda gen, out: gen.standard_gamma(half, out=out))
    if model == "student_t":
        var = np.divide(prm["scale"] ** 2 * half, g, out=g)
        z *= np.sqrt(var, out=None if work is None else work.level[:n])
        z += prm["mu"]
        return z, var
    # GARCH: u_k = (nu-2)/(nu W_k) is the variance of the unit-variance t draw given W_k, so
    # v_k = s2_k u_k, eps_k = sqrt(v_k) z_k and s2_{k+1} = omega + s2_k (beta + alpha u_k z_k^2)
    if initial_variance is None:
        s2 = np.full(n, prm["sigma2_last"])
    else:
        idx = np.empty(n, dtype=np.int64)
        size = initial_variance.size

        def draw_index(gen: np.random.Generator, out: np.ndarray) -> None:
            out[:] = gen.integers(0, size, out.size)

        streams.fill("initial", idx, start, draw_index)
        s2 = initial_variance[idx]
    omega, alpha, beta, mu = prm["omega"], prm["alpha"], prm["beta"], prm["mu"]
    unit2 = g
    growth = np.empty((n, min(steps, _PANEL)))
    # panels of bars: the element-wise passes before and after the recursion run on a panel
    # that is still in cache (the same operations in the same order as on whole arrays)
    for k0 in range(0, steps, _PANEL):
        k1 = min(steps, k0 + _PANEL)
        zp, up, gp = z[:, k0:k1], unit2[:, k0:k1], growth[:, : k1 - k0]
        np.divide(half - 1.0, up, out=up)
        np.multiply(zp, zp, out=gp)
        gp *= up
        gp *= alpha
        gp += beta
        for k in range(k1 - k0):  # a column of the panel per bar
            v = up[:, k]
            v *= s2  # this bar's variance
            s2 *= gp[:, k]
            s2 += omega
        np.sqrt(up, out=gp)
        zp *= gp
        zp += mu
    return z, unit2


#: Bars per panel of the GARCH recursion: a block's panel (1,024 x 32 doubles, 256 kB) stays in
#: cache between the element-wise passes and the recursion over its bars.
_PANEL = 32

#: Paths per block: each block draws every variate from its own streams
#: (:class:`~riskkit._random.PathStreams`) and is one task of the thread pool, so the result
#: does not depend on how many threads run the blocks. A GARCH block's recursion runs over
#: bars on all its paths at once (a few columns of that many rows stay in cache).
_BLOCK = 1024

#: Bars x paths scored at once: a tile's few arrays (2**15 doubles, 256 kB each) stay in a
#: core's cache, where the dozen passes of the bridge minimum cost little.
_TILE_ELEMENTS = 2**15


def _score_tile(
    x: np.ndarray,
    var: np.ndarray | float,
    funding: float,
    sign: float,
    barrier: np.ndarray,
    horizons: np.ndarray,
    monitoring: str,
    streams: PathStreams,
    start: int,
    sums: np.ndarray,
    sumsq: np.ndarray,
    work: _Work | None = None,
) -> None:
    """Add the scores of the paths ``start, start + 1, ...`` whose per-bar returns are ``x``.

    ``x`` is overwritten; the bridge's arrays are the first rows of ``work`` if given. Bridge
    and close monitoring add 0/1 counts to ``sums`` (int64; the sum of squares is the same and
    ``sumsq`` is not touched); conditional bridge monitoring adds fixed-point integers to
    ``sums`` and ``sumsq`` (see :func:`_bridge_accumulate`).
    """
    if funding:
        x -= funding
    if sign < 0:
        np.negative(x, out=x)
    n = x.shape[0]
    level = np.cumsum(x, axis=1, out=None if work is None else work.level[:n])
    if monitoring == "bridge_conditional":
        _bridge_accumulate(level, var, barrier, horizons, sums, sumsq, _QUANTUM)
        return
    if monitoring == "bridge":
        e = np.empty_like(x) if work is None else work.e[:n]
        streams.fill("bridge", e, start, _exponential)
        low = _running_bridge_min(level, x, var, e, None if work is None else work.low[:n])
    else:
        low = np.minimum.accumulate(level, axis=1, out=level)
    sums += (low[:, horizons - 1][:, None, :] <= barrier[None, :, None]).sum(axis=0)


class _Work:
    """Buffers for the tiles of one thread, rows x bars, reused tile after tile (a fresh
    array of a tile's size is a fresh mapping of memory, whose page faults cost about as
    much as a pass of arithmetic, and which threads would take in turn)."""

    __slots__ = ("e", "g", "level", "low", "z")

    def __init__(self, rows: int, steps: int) -> None:
        self.z, self.g, self.level, self.e, self.low = (np.empty((rows, steps)) for _ in "12345")


@dataclass(frozen=True, slots=True)
class _Job:
    """Everything a block of paths needs; :meth:`block` is the thread pool's task."""

    model: str
    prm: Mapping[str, float]
    root: np.random.SeedSequence
    steps: int
    initial_variance: np.ndarray | None
    funding: float
    sign: float
    barrier: np.ndarray
    horizons: np.ndarray
    monitoring: str
    n_paths: int
    chunk_size: int
    per_task: int = 1

    def block(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        """Sums over the paths of block ``b`` of the scores and of their squares.

        The block has its own :class:`~riskkit._random.PathStreams` (the same generators as
        any other instance with the same root), so blocks can run in any order, on any
        thread. It is cut where chunks start (``chunk_size`` bounds a GARCH sub-block) and
        then into tiles; a path's numbers and score do not depend on the cuts.
        """
        width = self.per_task * _BLOCK  # paths per task: per_task blocks, streams per block
        first, stop = b * width, min(self.n_paths, (b + 1) * width)
        streams = PathStreams(self.root, _KINDS, block=_BLOCK)
        shape = (self.barrier.size, self.horizons.size)
        if self.monitoring == "bridge_conditional":
            sums, sumsq = np.zeros(shape, dtype=object), np.zeros(shape, dtype=object)
        else:
            sums = sumsq = np.zeros(shape, dtype=np.int64)
        cs = self.chunk_size
        cuts = sorted({first, stop, *range(-(-first // cs) * cs, stop, cs)})
        tile = max(1, _TILE_ELEMENTS // self.steps)
        work = _Work(min(tile, stop - first), self.steps)
        for lo, hi in itertools.pairwise(cuts):
            if self.model == "garch_t":
                x_g, v_g = _simulate_chunk(self.model, self.prm, streams, lo, hi - lo,
                                           self.steps, self.initial_variance)  # fmt: skip
                var_g = np.asarray(v_g)  # (n, steps) for GARCH
            for start in range(lo, hi, tile):
                end = min(hi, start + tile)
                var: np.ndarray | float
                if self.model == "garch_t":
                    x, var = x_g[start - lo : end - lo], var_g[start - lo : end - lo]
                else:
                    x, var = _simulate_chunk(self.model, self.prm, streams, start, end - start,
                                             self.steps, work=work)  # fmt: skip
                _score_tile(x, var, self.funding, self.sign, self.barrier, self.horizons,
                            self.monitoring, streams, start, sums, sumsq, work)  # fmt: skip
        return sums, sumsq


def _per_task(model: str, n_blocks: int, n_threads: int) -> int:
    """Blocks per thread-pool task: 1, or for ``garch_t`` up to 4 while every thread keeps at
    least four tasks. The GARCH recursion steps bar by bar over all paths of a task (and of a
    chunk), so wider tasks pay its per-bar overhead fewer times; the streams stay per block,
    and the counts are integers, so the result is the same for any grouping."""
    if model != "garch_t":
        return 1
    per = 1
    while per < 4 and n_blocks // (2 * per) >= 4 * max(n_threads, 1):
        per *= 2
    return per


class _ProbabilityGrid:
    """Shared views of a leverage x horizon probability estimate with its standard error
    (``liquidation_prob``, ``std_error``, ``n_paths`` and ``elapsed`` on the dataclass)."""

    __slots__ = ()
    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    n_paths: int
    elapsed: float

    @property
    def paths_per_second(self) -> float:
        """Simulated paths per second of wall time."""
        return self.n_paths / self.elapsed if self.elapsed > 0 else float("inf")

    @property
    def surv_prob(self) -> pd.DataFrame:
        """``1 - liquidation_prob``."""
        return 1.0 - self.liquidation_prob

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Normal-approximation confidence interval, long format with ``lower``/``upper``."""
        from scipy import stats

        z = float(stats.norm.ppf(1.0 - alpha / 2.0))
        p = self.liquidation_prob.stack()
        se = self.std_error.stack()
        return pd.DataFrame({"lower": (p - z * se).clip(0, 1), "upper": (p + z * se).clip(0, 1)})

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (leverage, horizon) with probability, std_error, CI."""
        out = pd.DataFrame(
            {
                "liquidation_prob": self.liquidation_prob.stack(),
                "std_error": self.std_error.stack(),
            }
        )
        return out.join(self.conf_int())

    def summary(self) -> pd.DataFrame:
        """Same as :meth:`to_frame`."""
        return self.to_frame()


@dataclass(frozen=True, slots=True)
class MonteCarloLiquidation(_ProbabilityGrid):
    """Monte Carlo probability of liquidation, leverage x horizon.

    Attributes
    ----------
    liquidation_prob : pandas.DataFrame
        Fraction of simulated paths liquidated within each horizon (rows leverage, columns
        horizon in bars).
    std_error : pandas.DataFrame
        Monte Carlo standard error of ``liquidation_prob`` (see :func:`simulate_liquidation`).
    params : pandas.Series
        Per-bar model parameters used.
    model : str
    monitoring : str
        ``"bridge"``, ``"bridge_conditional"`` or ``"close"`` (see
        :func:`simulate_liquidation`).
    n_paths : int
    seed : int, numpy.random.SeedSequence, numpy.random.Generator or None
        As passed to :func:`simulate_liquidation`.
    side : str
    maintenance_margin_rate : float
    funding_rate : float
        Per bar, fraction of notional paid by longs.
    elapsed : float
        Wall time of the simulation, seconds.
    """

    liquidation_prob: pd.DataFrame
    std_error: pd.DataFrame
    params: pd.Series
    model: str
    monitoring: str
    n_paths: int
    seed: Seed
    side: str
    maintenance_margin_rate: float
    funding_rate: float
    elapsed: float

    def _repr_html_(self) -> str:
        head = (
            f"<p>Monte Carlo liquidation probability: model {self.model}, {self.monitoring} "
            f"monitoring, {self.n_paths:,} paths, "
            f"seed {self.seed}, {self.side}, m={self.maintenance_margin_rate:g}</p>"
        )
        return head + self.liquidation_prob.to_html(float_format="{:.4f}".format)

    def chart(self, title: str | None = None) -> alt.Chart:
        """Probability of liquidation against leverage, one line per horizon (altair)."""
        from riskkit.charts.survival import chart_monte_carlo_liquidation

        return chart_monte_carlo_liquidation(self, title)


def simulate_liquidation(
    leverage: Any,
    horizon: Any,
    returns: Any = None,
    *,
    model: str = "garch_t",
    params: Mapping[str, float] | None = None,
    n_paths: int = 20_000,
    chunk_size: int = 5_000,
    seed: Seed = None,
    progress: bool = False,
    monitoring: str = "bridge",
    initial_variance: Any = None,
    funding_rate: float = 0.0,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    n_threads: int | None = None,
) -> MonteCarloLiquidation:
    """Monte Carlo probability that an isolated position is liquidated within each horizon.

    Parameters
    ----------
    leverage : float or sequence of float
        Leverages, > 0.
    horizon : int or sequence of int
        Horizons in bars, >= 1 (a bar is the sampling interval of ``returns``).
    returns : array-like or pandas.Series, optional
        Per-bar log returns to fit the model on (see :func:`fit_return_model`). Required unless
        ``params`` is given.
    model : {"normal", "student_t", "garch_t"}
        Return model; default GARCH(1,1) with Student-t innovations.
    params : mapping, optional
        Per-bar model parameters (keys as returned by :func:`fit_return_model`); skips fitting.
    n_paths : int
        Number of simulated paths, >= 1.
    chunk_size : int
        Paths simulated per step of the progress bar. Paths are drawn and scored in tiles of
        at most ``2**15 / max(horizon)`` paths (``garch_t``: sub-blocks of at most
        ``min(chunk_size, 4096)`` paths, whose recursion runs over bars), so peak memory is a
        few MB per thread (at most about 50 MB for ``garch_t`` at 720 bars) whatever
        ``n_paths``. The result does not depend on ``chunk_size``, bit for bit.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness: an int or SeedSequence is the root of the streams (the same seed gives the
        same result whatever ``chunk_size``; a SeedSequence is not mutated); a Generator that
        has not drawn yet gives what its seed gives, a used one gives the root's entropy, and
        its state advances either way; None draws fresh entropy. Each block of 1,024 paths
        draws each variate from its own ``SeedSequence.spawn`` child
        (``riskkit._random.PathStreams``).
    progress : bool
        Show a :mod:`tqdm` progress bar over chunks.
    monitoring : {"bridge", "bridge_conditional", "close"}
        ``"bridge"`` (default): the barrier is watched continuously, the path between two
        closes being a Brownian bridge with that bar's variance (comparable with intrabar lows and
        with the continuous GBM formula); the bridge's minimum is sampled once per bar, so a
        path scores 0 or 1 for every leverage from one running minimum.
        ``"bridge_conditional"``: the same probability, each path scoring the conditional
        probability that its bridges crossed (a smaller standard error, 3 to 4 times slower
        with 20 leverages; the default before the sampled minimum). ``"close"``: only bar
        closes are checked.
    funding_rate : float
        Funding per bar paid by longs, fraction of notional, applied as a drift of the price
        seen by the margin (see :func:`liquidation_probability_gbm`).
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    n_threads : int, optional
        Threads that simulate the blocks of 1,024 paths (numpy's generators and ufuncs release
        the GIL on bulk arrays, so two threads use two cores). Default: 2, or 1 on a machine
        with one core. The result does not depend on ``n_threads``, bit for bit: every block
        draws from its own streams and adds integer counts (fixed-point integers for
        ``"bridge_conditional"``). Peak memory grows with the threads (a GARCH block is about
        20 MB at 720 bars).

    Returns
    -------
    MonteCarloLiquidation

    Raises
    ------
    ValueError
        For invalid arguments, missing parameters, or neither ``returns`` nor ``params``.

    See Also
    --------
    fit_return_model, liquidation_probability_gbm, historical_survival

    Notes
    -----
    Each path is :math:`X_k = \\sum_{i\\le k}(r_i - f)`, :math:`k = 1..H`, with :math:`r_i` drawn
    from the model, :math:`f` the funding per bar and :math:`X_0 = 0`. Student-t bars are drawn
    as normal variance mixtures, so bar :math:`k` is a Brownian increment with a known variance
    :math:`v_k` (:math:`\\sigma^2` for the normal model). A long's barrier is
    :math:`b = \\ln\\frac{1-1/L}{1-m}` (a short uses :math:`-X` and
    :math:`b = -\\ln\\frac{1+1/L}{1+m}`). With ``monitoring="close"`` path :math:`j` scores
    :math:`Y_j = \\mathbf 1\\{\\min_{k\\le h} X_k \\le b\\}`. With ``"bridge"`` the
    minimum of the Brownian bridge over bar :math:`k` is drawn with :math:`E_k` standard
    exponential, independently of any barrier,

    .. math::

        M_k = \\tfrac12\\Bigl(X_{k-1} + X_k - \\sqrt{(X_k - X_{k-1})^2 + 2 v_k E_k}\\Bigr),
        \\qquad P(M_k \\le b \\mid X_{k-1}, X_k) = e^{-2(X_{k-1}-b)^+(X_k-b)^+/v_k},

    and the path scores :math:`Y_j = \\mathbf 1\\{\\min_{k\\le h} M_k \\le b\\}` for every
    leverage from the one running minimum. With ``"bridge_conditional"`` it scores that
    indicator's conditional expectation given the closes, the probability that a bridge
    crossed :math:`b`,

    .. math::

        Y_j = 1 - \\prod_{k\\le h}\\Bigl(1 - \\exp\\Bigl(-\\frac{2(X_{k-1}-b)^+(X_k-b)^+}
        {v_k}\\Bigr)\\Bigr),

    which is 1 once a close is at or below :math:`b`. The estimate and its Monte Carlo standard
    error are

    .. math::

        \\hat p = \\frac1n\\sum_{j=1}^n Y_j,\\qquad
        \\mathrm{se}(\\hat p) = \\sqrt{\\Bigl(\\frac1n\\sum_j Y_j^2 - \\hat p^2\\Bigr)/n},

    the binomial :math:`\\sqrt{\\hat p(1-\\hat p)/n}` for ``"close"`` and ``"bridge"`` and
    smaller for ``"bridge_conditional"`` (conditioning reduces variance; by 1 to 15 % in the
    benchmark's setting). Both bridge scores have the same expectation, the probability that
    the continuously monitored path between the simulated closes reaches the barrier;
    ``"bridge_conditional"`` skips bars whose crossing probability is below :math:`e^{-40}`
    and rounds each score to a multiple of :math:`2^{-40}` (integer sums, so that the result
    does not depend on ``chunk_size``). Close monitoring underestimates the continuous
    probability; for Gaussian steps the Broadie-Glasserman-Kou shift of the barrier by
    :math:`0.5826\\,\\sigma` relates the two.

    References
    ----------
    M. Broadie, P. Glasserman and S. Kou (1997), "A continuity correction for discrete barrier
    options", Mathematical Finance 7(4), 325-349, doi:10.1111/1467-9965.00035.
    P. Glasserman (2004), *Monte Carlo Methods in Financial Engineering*, Springer, section 6.4
    (Brownian-bridge crossing probability), doi:10.1007/978-0-387-21617-1.

    Examples
    --------
    >>> res = simulate_liquidation([10, 100], 24, model="normal",
    ...                            params={"mu": 0.0, "sigma": 0.01}, n_paths=2000, seed=1)
    >>> bool(res.liquidation_prob.loc[100.0, 24] > res.liquidation_prob.loc[10.0, 24])
    True
    """
    check_option(model, "model", _MODELS)
    check_option(monitoring, "monitoring", _MONITORING)
    sign = _side(side)
    m = _mmr(maintenance_margin_rate)
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    f = float(scalar_array(funding_rate, "funding_rate"))
    if n_threads is None:
        n_threads = default_threads()
    for name, val in (("n_paths", n_paths), ("chunk_size", chunk_size), ("n_threads", n_threads)):
        if not isinstance(val, int | np.integer) or isinstance(val, bool):
            raise TypeError(f"{name} must be an integer; got {type(val).__name__} {val!r}")
        if val < 1:
            raise ValueError(f"{name} must be >= 1; got {val}")
    if params is None:
        if returns is None:
            raise ValueError("simulate_liquidation needs returns to fit, or params; got neither")
        prm = fit_return_model(returns, model)
    else:
        missing = [k for k in _REQUIRED[model] if k not in params]
        if missing:
            raise ValueError(
                f"params for model {model!r} must contain {list(_REQUIRED[model])}; "
                f"missing {missing}"
            )
        prm = pd.Series({k: float(params[k]) for k in _REQUIRED[model]}, name=model)
    if model == "garch_t" and prm["nu"] <= 2.0:
        raise ValueError(f"params nu must be > 2 for garch_t (unit-variance t); got {prm['nu']}")
    if model == "student_t" and prm["nu"] <= 0.0:
        raise ValueError(f"params nu must be > 0; got {prm['nu']}")
    init_var = None
    if initial_variance is not None:
        if model != "garch_t":
            raise ValueError(
                f"initial_variance applies to model 'garch_t' only; got model {model!r}"
            )
        init_var = np.atleast_1d(as_float_array(initial_variance, "initial_variance"))
        if init_var.ndim != 1 or init_var.size == 0:
            raise ValueError(
                f"initial_variance must be a non-empty 1-D array; got shape {init_var.shape}"
            )
        check_positive(init_var, "initial_variance")
    barrier = _log_barrier(levs, sign, m)  # oriented: hit when sign * X <= barrier
    steps = int(hz.max())
    root = as_seed_sequence(seed)
    conditional = monitoring == "bridge_conditional"
    if conditional:  # fixed-point integer sums (see _bridge_accumulate)
        sums: np.ndarray = np.zeros((levs.size, hz.size), dtype=object)
        sumsq: np.ndarray = np.zeros((levs.size, hz.size), dtype=object)
    else:  # 0/1 scores: integer counts (sumsq is the same)
        sums = np.zeros((levs.size, hz.size), dtype=np.int64)
        sumsq = sums
    n_chunks = -(-n_paths // chunk_size)
    n_blocks = -(-n_paths // _BLOCK)
    per_task = _per_task(model, n_blocks, int(n_threads))
    n_tasks = -(-n_blocks // per_task)
    job = _Job(model, {str(k): float(v) for k, v in prm.items()}, root, steps, init_var, f,
               sign, barrier, hz, monitoring, n_paths, int(chunk_size), per_task)  # fmt: skip
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=n_chunks, desc="paths", unit="chunk")
    t0 = time.perf_counter()
    done = 0
    workers = min(int(n_threads), n_tasks)
    pool = ThreadPoolExecutor(workers) if workers > 1 else None
    try:
        results = (
            map(job.block, range(n_tasks)) if pool is None else pool.map(job.block, range(n_tasks))
        )
        for b, (s1, s2) in enumerate(results):  # block order, whatever order they finished in
            sums += s1
            if conditional:
                sumsq += s2
            if bar is not None:  # chunks completed so far
                paths_done = min(n_paths, (b + 1) * per_task * _BLOCK)
                now = n_chunks if paths_done == n_paths else paths_done // chunk_size
                bar.update(now - done)
                done = now
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
    elapsed = time.perf_counter() - t0
    if conditional:
        p = sums.astype(np.float64) * _QUANTUM / n_paths
        mean_sq = sumsq.astype(np.float64) * _QUANTUM / n_paths
    else:
        p = mean_sq = sums / n_paths
    var_hat = np.maximum(mean_sq - p * p, 0.0)
    se = np.sqrt(var_hat / n_paths)
    ridx = pd.Index(levs, name="leverage")
    cidx = pd.Index(hz, name="horizon")
    logger.debug("simulated %d paths x %d bars in %.3f s", n_paths, steps, elapsed)
    return MonteCarloLiquidation(
        liquidation_prob=pd.DataFrame(p, index=ridx, columns=cidx),
        std_error=pd.DataFrame(se, index=ridx, columns=cidx),
        params=prm,
        model=model,
        monitoring=monitoring,
        n_paths=int(n_paths),
        seed=seed,
        side=side,
        maintenance_margin_rate=m,
        funding_rate=f,
        elapsed=elapsed,
    )
