"""Value at risk and expected shortfall: one estimate or rolling one-step-ahead forecasts.

Historical, normal, Cornish-Fisher and filtered historical simulation (GARCH(1,1)) estimates of
VaR and ES as positive losses, fractions of notional: :func:`var_es` (and its shorthands
:func:`value_at_risk`, :func:`expected_shortfall`) returns a :class:`RiskEstimate`;
:func:`rolling_var` gives the forecasts that :func:`riskkit.risk.rolling_var_backtest` tests.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from riskkit._boundary import GARCH_BOUNDARY, user_stacklevel, warn_garch_boundary
from riskkit._compat import require
from riskkit._deprecate import renamed_kwargs
from riskkit._random import Seed, as_generator
from riskkit._validation import as_float_array, check_option, check_time_index, side_sign
from riskkit.exceptions import BoundaryEstimateWarning, InsufficientDataError
from riskkit.moments import (
    cornish_fisher_quantile,
    cornish_fisher_tail_mean,
    rolling_excess_kurtosis,
    rolling_skewness,
)
from riskkit.risk._common import (
    _confidence,
    _horizon,
    _html,
    _need_tail,
    _reemit,
    _returns,
)

__all__ = [
    "METHODS",
    "SCALINGS",
    "RiskEstimate",
    "expected_shortfall",
    "rolling_var",
    "value_at_risk",
    "var_es",
    "var_es_grid",
]

logger = logging.getLogger(__name__)

METHODS: tuple[str, ...] = ("historical", "normal", "cornish_fisher", "filtered")
SCALINGS: dict[str, tuple[str, ...]] = {
    "historical": ("sqrt", "overlapping", "nonoverlapping"),
    "normal": ("sqrt", "iid", "overlapping", "nonoverlapping"),
    "cornish_fisher": ("sqrt", "iid", "overlapping", "nonoverlapping"),
    "filtered": ("sqrt", "simulate"),
}
_GARCH_SCALE = 100.0  # arch estimates best with returns of order 1: fit on percent returns
_MIN_GARCH_NOBS = 100


def _aggregate_sums(x: np.ndarray, h: int, overlapping: bool) -> np.ndarray:
    if h == 1:
        return x
    if x.size < h:
        raise InsufficientDataError(
            f"horizon {h} needs at least {h} returns to aggregate; got {x.size}"
        )
    csum = np.concatenate(([0.0], np.cumsum(x)))
    sums = csum[h:] - csum[:-h]
    return sums if overlapping else sums[::h]


def _historical(x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    _need_tail(x.size, c, "historical VaR")
    xs = np.sort(x)
    q = np.quantile(xs, 1.0 - c)  # linear interpolation (Hyndman-Fan type 7)
    var = -q
    # ES: mean of the returns at or below the VaR quantile (never empty: q >= min).
    csum = np.cumsum(xs)
    m = np.searchsorted(xs, q, side="right")
    es = -csum[m - 1] / m
    return var, es


def _normal(x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    if x.size < 2:
        raise InsufficientDataError(f"normal VaR needs at least 2 returns; got {x.size}")
    mu, sd = float(x.mean()), float(x.std(ddof=1))
    z = special.ndtri(c)
    var = -mu + sd * z
    es = -mu + sd * np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi) / (1.0 - c)
    return var, es, {"mean": mu, "std": sd}


def _cf(mu: float, sd: float, s: float, k: float, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    y = cornish_fisher_quantile(1.0 - c, s, k)
    t = cornish_fisher_tail_mean(1.0 - c, s, k)
    return -(mu + sd * np.asarray(y)), -(mu + sd * np.asarray(t))


def _cf_params(x: np.ndarray) -> dict[str, float]:
    if x.size < 4:
        raise InsufficientDataError(f"Cornish-Fisher VaR needs at least 4 returns; got {x.size}")
    if not x.std() > 0:
        raise ValueError(
            f"returns must vary for method='cornish_fisher' (skewness and kurtosis of a constant "
            f"sample are undefined); got {x.size} returns all equal to {x[0]:g}; use "
            "method='historical'"
        )
    return {
        "mean": float(x.mean()),
        "std": float(x.std(ddof=1)),
        "skewness": float(stats.skew(x, bias=False)),
        "excess_kurtosis": float(stats.kurtosis(x, fisher=True, bias=False)),
    }


#: Significant digits of the GARCH mean and constant, and decimals of alpha and beta, kept from
#: the fit (standard errors are of order 1e-2 relative; the optimiser's noise 1e-6).
_GARCH_DIGITS = 4


def _fit_garch(x: np.ndarray) -> tuple[dict[str, float], np.ndarray, float]:
    """GARCH(1,1), constant mean, Gaussian QMLE; returns params, std. residuals, next sigma.

    The parameters are rounded (:data:`_GARCH_DIGITS`) and the variances filtered again with
    them (arch's ``fix``, same backcast), so the result is the same on every BLAS kernel.
    """
    require("arch", "garch")
    from arch import arch_model

    if x.size < _MIN_GARCH_NOBS:
        raise InsufficientDataError(
            f"filtered historical simulation needs at least {_MIN_GARCH_NOBS} returns to fit "
            f"GARCH(1,1); got {x.size}"
        )
    model = arch_model(_GARCH_SCALE * x, mean="Constant", vol="GARCH", p=1, q=1, rescale=False)
    res = model.fit(disp="off", show_warning=False)
    prm = res.params.to_numpy()
    warn_garch_boundary(float(prm[2] + prm[3]), res.convergence_flag, x.size, "GARCH(1,1)")
    logger.debug("GARCH(1,1) fit on %d returns: %s", x.size, dict(res.params))
    # The optimiser's last digits move with the BLAS kernel (about 1e-6 relative): round the
    # estimates far inside their standard errors and filter again with them (an element-wise
    # recursion, no BLAS), so that everything downstream depends only on the rounded values.
    mu_f, omega_f, alpha_f, beta_f = (float(v) for v in prm)
    mu, omega = (float(f"{v:.{_GARCH_DIGITS}g}") for v in (mu_f, omega_f))
    alpha, beta = round(alpha_f, _GARCH_DIGITS), round(beta_f, _GARCH_DIGITS)
    fixed = model.fix(np.array([mu, omega, alpha, beta]))  # arch's own recursion and backcast
    sigma = np.asarray(fixed.conditional_volatility, dtype=np.float64)
    resid = np.asarray(fixed.resid, dtype=np.float64)
    z = resid / sigma
    sigma_next = math.sqrt(omega + alpha * resid[-1] ** 2 + beta * sigma[-1] ** 2)
    params = {
        "mean": mu / _GARCH_SCALE,
        "omega": omega / _GARCH_SCALE**2,
        "alpha": alpha,
        "beta": beta,
        "sigma_next": sigma_next / _GARCH_SCALE,
        "last_resid": float(resid[-1]) / _GARCH_SCALE,
        "last_sigma": float(sigma[-1]) / _GARCH_SCALE,
    }
    return params, z[np.isfinite(z)], sigma_next / _GARCH_SCALE


def _tail_from_sample(y: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _historical(y, c)


def _fhs_simulate(
    p: dict[str, float], z: np.ndarray, h: int, sims: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap ``sims`` h-period cumulative returns through the GARCH(1,1) recursion."""
    draws = rng.choice(z, size=(sims, h), replace=True)
    var_t = np.full(sims, p["sigma_next"] ** 2)
    total = np.zeros(sims)
    for j in range(h):
        eps = np.sqrt(var_t) * draws[:, j]
        total += p["mean"] + eps
        var_t = p["omega"] + p["alpha"] * eps**2 + p["beta"] * var_t
    return total


# --------------------------------------------------------------------------------------------
# VaR and ES
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskEstimate:
    """VaR and expected shortfall of a position, with how they were estimated.

    Attributes
    ----------
    var, es : float or numpy.ndarray
        Value at risk and expected shortfall, positive losses as fractions of notional over
        ``horizon`` periods; arrays when ``confidence`` is an array.
    confidence : float or numpy.ndarray
        Confidence level(s) :math:`c` (VaR is exceeded with probability :math:`1-c`).
    method : str
        ``"historical"``, ``"normal"``, ``"cornish_fisher"`` or ``"filtered"``.
    horizon : int
        Horizon in periods of the input returns.
    scaling : str or None
        How the one-period estimate was taken to ``horizon`` (None when ``horizon == 1``).
    side : str
        ``"long"`` or ``"short"``.
    nobs : int
        Observations the estimate used (after aggregation, for aggregated scalings).
    params : pandas.Series
        Estimated parameters (mean, std, skewness, GARCH coefficients...), per period.
    """

    var: Any
    es: Any
    confidence: Any
    method: str
    horizon: int
    scaling: str | None
    side: str
    nobs: int
    params: pd.Series = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per confidence level with columns ``var`` and ``es``."""
        c = np.atleast_1d(self.confidence)
        return pd.DataFrame(
            {"var": np.atleast_1d(self.var), "es": np.atleast_1d(self.es)},
            index=pd.Index(c, name="confidence"),
        )

    def summary(self) -> pd.DataFrame:
        """The estimates plus method, horizon, scaling, side and nobs as columns."""
        df = self.to_frame()
        df["method"] = self.method
        df["horizon"] = self.horizon
        df["scaling"] = self.scaling
        df["side"] = self.side
        df["nobs"] = self.nobs
        return df

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"VaR / ES ({self.method})")


@renamed_kwargs(random_state="seed")
def var_es(
    returns: Any,
    confidence: Any = 0.99,
    *,
    method: str = "historical",
    horizon: int = 1,
    scaling: str | None = None,
    side: str = "long",
    simulations: int = 10_000,
    seed: Seed = None,
) -> RiskEstimate:
    """Value at risk and expected shortfall from a sample of returns.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Per-period returns (fractions; log returns when ``scaling`` aggregates them). NaN and
        infinities are an error: drop missing values explicitly (``returns.dropna()``).
    confidence : float or array_like, default 0.99
        Confidence level(s) in (0, 1).
    method : {"historical", "normal", "cornish_fisher", "filtered"}
        Empirical quantile; Gaussian with sample mean and standard deviation; Cornish-Fisher
        with sample skewness and excess kurtosis; filtered historical simulation (GARCH(1,1) with
        constant mean fitted by Gaussian QMLE with ``arch``, bootstrapping standardised
        residuals scaled by the one-step-ahead volatility).
    horizon : int, default 1
        Horizon in periods of ``returns`` (e.g. 24 for one day of hourly returns).
    scaling : str, optional
        Required when ``horizon > 1``:

        * ``"sqrt"``: one-period VaR and ES times :math:`\\sqrt{h}` (the Basel convention; exact
          only for i.i.d. zero-mean normal returns).
        * ``"overlapping"`` / ``"nonoverlapping"``: estimate on sums of ``horizon`` consecutive
          log returns (overlapping windows, or disjoint blocks). Not for ``"filtered"``.
        * ``"iid"`` (normal, Cornish-Fisher): moments of a sum of :math:`h` i.i.d. returns,
          :math:`\\mu h`, :math:`\\sigma\\sqrt{h}`, :math:`s/\\sqrt{h}`, :math:`k/h`.
        * ``"simulate"`` (filtered): bootstrap :math:`h`-step paths through the GARCH
          recursion.
    side : {"long", "short"}, default "long"
        The position whose loss is measured.
    simulations : int, default 10000
        Paths for ``scaling="simulate"``.
    seed : int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Randomness for ``scaling="simulate"``: an int or SeedSequence seeds a new generator
        (reproducible), a Generator is used as given, None draws fresh entropy. Formerly
        ``random_state`` (deprecated).

    Returns
    -------
    RiskEstimate
        ``var`` and ``es`` (positive fractions of notional) and how they were obtained.

    Raises
    ------
    InsufficientDataError
        Historical and filtered: fewer than :math:`\\lceil 1/(1-c) \\rceil` observations (no
        expected tail event); normal: < 2; Cornish-Fisher: < 4; filtered: < 100 to fit GARCH.
    ValueError
        Unknown method or scaling, ``horizon > 1`` without ``scaling``, confidence outside
        (0, 1).

    Warns
    -----
    CornishFisherDomainWarning
        If the sample skewness and kurtosis fall outside the Cornish-Fisher validity domain.

    See Also
    --------
    value_at_risk, expected_shortfall, rolling_var, backtest_var

    Notes
    -----
    With :math:`x = -L` the signed position return and :math:`q_{p}` its :math:`p`-quantile,

    .. math::

       \\mathrm{VaR}_c = -q_{1-c}(x), \\qquad
       \\mathrm{ES}_c = -E[x \\mid x \\le q_{1-c}(x)].

    Historical: :math:`q` by linear interpolation of the order statistics (``numpy.quantile``
    default), ES the mean of the observations at or below it. Normal:
    :math:`\\mathrm{VaR} = -\\mu + \\sigma z_c`, :math:`\\mathrm{ES} = -\\mu + \\sigma
    \\varphi(z_c)/(1-c)` with :math:`z_c = \\Phi^{-1}(c)`. Cornish-Fisher: :math:`-\\mu - \\sigma
    y_{1-c}` and :math:`-\\mu - \\sigma\\,\\bar y_{1-c}` (see
    :func:`riskkit.moments.cornish_fisher_quantile` and
    :func:`riskkit.moments.cornish_fisher_tail_mean`). Filtered:
    :math:`x_{T+1} = \\mu + \\sigma_{T+1} \\hat z_t` over the standardised residuals
    :math:`\\hat z_t = \\hat\\varepsilon_t / \\hat\\sigma_t`, with
    :math:`\\sigma^2_{t+1} = \\omega + \\alpha\\varepsilon_t^2 + \\beta\\sigma_t^2`.
    The fitted :math:`\\mu, \\omega` are kept to 4 significant digits and :math:`\\alpha,
    \\beta` to 4 decimals (far inside their standard errors) and :math:`\\sigma_t` is filtered
    again with them (arch's recursion and backcast): the optimiser's last digits move with the
    BLAS kernel, the estimate does not.

    References
    ----------
    Jorion, P. (2007). *Value at Risk*, 3rd ed. McGraw-Hill.
    Barone-Adesi, G., Giannopoulos, K. and Vosper, L. (1999). VaR without correlations for
    portfolios of derivative securities. *Journal of Futures Markets* 19(5), 583-602.
    https://doi.org/10.1002/(SICI)1096-9934(199908)19:5<583::AID-FUT5>3.0.CO;2-S
    Basel Committee (2019). Minimum capital requirements for market risk, MAR33.
    https://www.bis.org/basel_framework/chapter/MAR/33.htm

    Examples
    --------
    >>> r = [-0.05, -0.03, -0.01, 0.0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05]
    >>> est = var_es(r, 0.9)
    >>> round(est.var, 4), round(est.es, 4)
    (0.032, 0.05)
    >>> round(var_es(r, 0.9, horizon=4, scaling="sqrt").var, 4)
    0.064
    """
    check_option(method, "method", METHODS)
    check_option(side, "side", ("long", "short"))
    h = _horizon(horizon)
    if h > 1 and scaling is None:
        raise ValueError(
            f"horizon={h} needs an explicit scaling; choose one of {SCALINGS[method]} "
            "(see the var_es docstring)"
        )
    if scaling is not None:
        check_option(scaling, "scaling", SCALINGS[method])
    c = _confidence(confidence)
    x = float(side_sign(side)) * _returns(returns, dropna=False)
    params: dict[str, float] = {}
    eff = scaling if h > 1 else None
    if eff in ("overlapping", "nonoverlapping"):
        x = _aggregate_sums(x, h, eff == "overlapping")
    factor = math.sqrt(h) if eff == "sqrt" else 1.0
    nobs = int(x.size)
    if method == "historical":
        var, es = _historical(x, c)
    elif method == "normal":
        var, es, params = _normal(x, c)
        if eff == "iid":
            mu, sd = params["mean"] * h, params["std"] * math.sqrt(h)
            z = special.ndtri(c)
            var = -mu + sd * z
            es = -mu + sd * np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi) / (1.0 - c)
    elif method == "cornish_fisher":
        params = _cf_params(x)
        mu, sd, s, k = (params[n] for n in ("mean", "std", "skewness", "excess_kurtosis"))
        if eff == "iid":
            mu, sd, s, k = mu * h, sd * math.sqrt(h), s / math.sqrt(h), k / h
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            var, es = _cf(mu, sd, s, k, c)
        _reemit(caught)
    else:
        _need_tail(x.size, c, "filtered historical simulation")
        params, z, sigma_next = _fit_garch(x)
        if eff == "simulate":
            rng = as_generator(seed)
            y = _fhs_simulate(params, z, h, int(simulations), rng)
        else:
            y = params["mean"] + sigma_next * z
        var, es = _tail_from_sample(y, c)
    var = np.asarray(var, dtype=np.float64) * factor
    es = np.asarray(es, dtype=np.float64) * factor
    scalar = np.ndim(confidence) == 0
    return RiskEstimate(
        var=float(var) if scalar else var,
        es=float(es) if scalar else es,
        confidence=float(c) if scalar else c,
        method=method,
        horizon=h,
        scaling=eff,
        side=side,
        nobs=nobs,
        params=pd.Series(params, dtype=np.float64, name="params"),
    )


def var_es_grid(
    samples: Any,
    confidence: Any,
    methods: Any = ("historical", "normal", "filtered"),
    **kwargs: Any,
) -> pd.DataFrame:
    """VaR and ES of several return series by method and confidence level, as one tidy table.

    Parameters
    ----------
    samples : mapping of str to array_like or Series
        Series name -> per-period returns (fractions), as for :func:`var_es`.
    confidence : array_like
        Confidence levels, each in (0, 1).
    methods : sequence of str, default ("historical", "normal", "filtered")
        Methods of :func:`var_es` (see :data:`METHODS`).
    **kwargs
        Passed to :func:`var_es` (``horizon``, ``scaling``, ``side``, ``seed``...).

    Returns
    -------
    pandas.DataFrame
        One row per (series, method, confidence) with columns ``series``, ``method``,
        ``confidence``, ``var`` and ``es`` (positive losses, fractions of notional).

    Raises
    ------
    TypeError
        If ``samples`` is not a mapping.
    ValueError, InsufficientDataError
        As :func:`var_es` (unknown method, a level outside (0, 1), too few observations).

    See Also
    --------
    var_es, riskkit.charts.interactive.chart_var_explorer

    Notes
    -----
    Each (series, method) is one :func:`var_es` call with all levels at once, so the filtered
    method fits its GARCH(1,1) once per series: :math:`\\mathrm{VaR}_c` is the loss exceeded with
    probability :math:`1-c` and :math:`\\mathrm{ES}_c` the mean loss beyond it.

    References
    ----------
    McNeil, A. J., Frey, R. and Embrechts, P. (2015), *Quantitative Risk Management*, 2nd ed.,
    Princeton University Press, ch. 2 and 9.

    Examples
    --------
    >>> r = [-0.05, -0.03, -0.01, 0.0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05]
    >>> var_es_grid({"toy": r}, [0.8, 0.9], methods=["historical"])[["confidence", "var", "es"]]
       confidence    var    es
    0         0.8  0.014  0.04
    1         0.9  0.032  0.05
    """
    from collections.abc import Mapping

    if not isinstance(samples, Mapping):
        raise TypeError(
            f"samples must be a mapping of series name -> returns; got {type(samples).__name__}"
        )
    levels = np.atleast_1d(as_float_array(confidence, "confidence"))
    frames = []
    for name, r in samples.items():
        for method in methods:
            est = var_es(r, levels, method=method, **kwargs)
            f = est.to_frame().reset_index()
            f.insert(0, "method", method)
            f.insert(0, "series", str(name))
            frames.append(f)
    return pd.concat(frames, ignore_index=True)[["series", "method", "confidence", "var", "es"]]


def value_at_risk(returns: Any, confidence: Any = 0.99, **kwargs: Any) -> Any:
    """Value at risk, a positive loss as a fraction of notional.

    Shortcut for ``var_es(returns, confidence, **kwargs).var``; every keyword of
    :func:`var_es` (``method``, ``horizon``, ``scaling``, ``side``...) applies.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Per-period returns (fractions).
    confidence : float or array_like, default 0.99
        Confidence level(s) in (0, 1).
    **kwargs
        Passed to :func:`var_es`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\\mathrm{VaR}_c`.

    Raises
    ------
    InsufficientDataError, ValueError
        As :func:`var_es`.

    See Also
    --------
    var_es, expected_shortfall

    Notes
    -----
    .. math:: \\mathrm{VaR}_c = -q_{1-c}(x)

    with :math:`x` the position's return and :math:`q_p` its :math:`p`-quantile.

    References
    ----------
    Jorion, P. (2007). *Value at Risk*, 3rd ed. McGraw-Hill.

    Examples
    --------
    >>> round(value_at_risk([0.01, -0.02, 0.03, -0.04, 0.0] * 4, 0.95, method="normal"), 4)
    0.0448
    """
    return var_es(returns, confidence, **kwargs).var


def expected_shortfall(returns: Any, confidence: Any = 0.99, **kwargs: Any) -> Any:
    """Expected shortfall (CVaR), a positive loss as a fraction of notional.

    Shortcut for ``var_es(returns, confidence, **kwargs).es``.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Per-period returns (fractions).
    confidence : float or array_like, default 0.99
        Confidence level(s) in (0, 1).
    **kwargs
        Passed to :func:`var_es`.

    Returns
    -------
    float or numpy.ndarray
        :math:`\\mathrm{ES}_c \\ge \\mathrm{VaR}_c`.

    Raises
    ------
    InsufficientDataError, ValueError
        As :func:`var_es`.

    See Also
    --------
    var_es, value_at_risk

    Notes
    -----
    .. math:: \\mathrm{ES}_c = -E[x \\mid x \\le q_{1-c}(x)]

    References
    ----------
    Acerbi, C. and Tasche, D. (2002). On the coherence of expected shortfall. *Journal of
    Banking & Finance* 26(7), 1487-1503. https://doi.org/10.1016/S0378-4266(02)00283-2

    Examples
    --------
    >>> r = [-0.05, -0.03, -0.01, 0.0, 0.01, 0.02, 0.02, 0.03, 0.04, 0.05]
    >>> round(expected_shortfall(r, 0.8), 4)
    0.04
    """
    return var_es(returns, confidence, **kwargs).es


# --------------------------------------------------------------------------------------------
# rolling forecasts
# --------------------------------------------------------------------------------------------


def _rolling_hist(x: np.ndarray, w: int, c: float) -> tuple[np.ndarray, np.ndarray]:
    """VaR/ES of each window x[t-w:t] (the forecast for t), vectorised over chunks."""
    n = x.size
    var = np.full(n, np.nan)
    es = np.full(n, np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], w)  # row i -> forecast i + w
    pos = (1.0 - c) * (w - 1)  # numpy's linear quantile position
    lo = math.floor(pos)
    hi = min(lo + 1, w - 1)
    frac = pos - lo
    chunk = max(1, 4_000_000 // w)
    for s in range(0, windows.shape[0], chunk):
        full = windows[s : s + chunk]
        part = np.partition(full, sorted({lo, hi}), axis=1)
        q = part[:, lo] + frac * (part[:, hi] - part[:, lo])
        mask = full <= q[:, None]
        var[w + s : w + s + full.shape[0]] = -q
        es[w + s : w + s + full.shape[0]] = -np.where(mask, full, 0.0).sum(axis=1) / mask.sum(
            axis=1
        )
    return var, es


def _garch_filter(x: np.ndarray, p: dict[str, float], var0: float) -> np.ndarray:
    """sigma^2_t for t = 0..n (sigma^2_n is the forecast after the last return)."""
    from scipy.signal import lfilter

    eps2 = (x - p["mean"]) ** 2
    # s_t = omega + alpha eps_{t-1}^2 + beta s_{t-1}, s_0 = var0
    drive = np.concatenate(([var0], p["omega"] + p["alpha"] * eps2))
    return lfilter([1.0], [1.0, -p["beta"]], drive)


def rolling_var(
    returns: pd.Series,
    window: int,
    confidence: float = 0.99,
    *,
    method: str = "historical",
    side: str = "long",
    refit_every: int = 250,
) -> pd.DataFrame:
    """One-step-ahead VaR and ES forecasts from a rolling window of past returns.

    Parameters
    ----------
    returns : pandas.Series
        Per-period returns (fractions), in time order, no NaN.
    window : int
        Number of past returns each forecast uses (>= :math:`1/(1-c)` for historical).
    confidence : float, default 0.99
        Confidence level in (0, 1).
    method : {"historical", "normal", "cornish_fisher", "filtered"}
        As in :func:`var_es`.
    side : {"long", "short"}, default "long"
        Position side.
    refit_every : int, default 250
        For ``"filtered"`` only: GARCH parameters and the residual quantiles are re-estimated on
        the trailing window every ``refit_every`` periods; in between, volatility is updated
        with the fixed parameters at every period.

    Returns
    -------
    pandas.DataFrame
        Columns ``var`` and ``es`` on the index of ``returns``; the forecast at :math:`t` uses
        returns up to :math:`t-1` only; the first ``window`` rows are NaN.

    Raises
    ------
    InsufficientDataError
        ``len(returns) <= window`` or window too short for the method.
    TypeError, ValueError
        Bad arguments.

    Warns
    -----
    CornishFisherDomainWarning
        Cornish-Fisher windows whose moments leave the validity domain (warned once).

    See Also
    --------
    var_es, rolling_var_backtest

    Notes
    -----
    Historical quantiles use linear interpolation as :func:`var_es`; normal and Cornish-Fisher
    use rolling moments (:math:`O(n)`); filtered historical simulation follows
    Barone-Adesi et al. (1999), :math:`\\mathrm{VaR}_t = -(\\mu + \\sigma_t \\hat z_{1-c})`.

    References
    ----------
    Barone-Adesi, G., Giannopoulos, K. and Vosper, L. (1999).
    https://doi.org/10.1002/(SICI)1096-9934(199908)19:5<583::AID-FUT5>3.0.CO;2-S

    Examples
    --------
    >>> r = pd.Series([0.01, -0.02, 0.015, -0.01, 0.005] * 4)
    >>> f = rolling_var(r, 10, 0.9)
    >>> round(float(f["var"].iloc[10]), 4)
    0.02
    """
    check_time_index(returns, "returns")
    if not isinstance(returns, pd.Series):
        raise TypeError(f"returns must be a pandas Series; got {type(returns).__name__}")
    check_option(method, "method", METHODS)
    check_option(side, "side", ("long", "short"))
    if isinstance(window, bool) or not isinstance(window, int | np.integer):
        raise TypeError(f"window must be an int; got {window!r}")
    c = float(_confidence(confidence))
    x = float(side_sign(side)) * as_float_array(returns, "returns")
    n, w = x.size, int(window)
    if n <= w:
        raise InsufficientDataError(f"rolling_var needs more than window={w} returns; got {n}")
    idx = returns.index
    if method in ("historical", "filtered"):
        _need_tail(w, np.asarray([c]), f"{method} rolling VaR (window)")
    if method == "historical":
        var, es = _rolling_hist(x, w, c)
    elif method == "normal":
        if w < 2:
            raise InsufficientDataError(f"normal rolling VaR needs window >= 2; got {w}")
        s = pd.Series(x)
        mu = s.rolling(w).mean().shift(1).to_numpy()
        sd = s.rolling(w).std(ddof=1).shift(1).to_numpy()
        z = float(special.ndtri(c))
        var = -mu + sd * z
        es = -mu + sd * math.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) / (1 - c)
    elif method == "cornish_fisher":
        if w < 4:
            raise InsufficientDataError(f"Cornish-Fisher rolling VaR needs window >= 4; got {w}")
        s = pd.Series(x)
        mu = s.rolling(w).mean().shift(1).to_numpy()
        sd = s.rolling(w).std(ddof=1).shift(1).to_numpy()
        sk = rolling_skewness(s, w).shift(1).to_numpy()
        ku = rolling_excess_kurtosis(s, w).shift(1).to_numpy()
        ok = np.isfinite(sk) & np.isfinite(ku)
        y = np.full(n, np.nan)
        t = np.full(n, np.nan)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            y[ok] = cornish_fisher_quantile(1 - c, sk[ok], ku[ok])
            t[ok] = cornish_fisher_tail_mean(1 - c, sk[ok], ku[ok])
        _reemit(caught)
        var = -(mu + sd * y)
        es = -(mu + sd * t)
    else:
        if refit_every < 1:
            raise ValueError(f"refit_every must be >= 1; got {refit_every}")
        var = np.full(n, np.nan)
        es = np.full(n, np.nan)
        n_fits = n_boundary = 0
        for start in range(w, n, refit_every):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", BoundaryEstimateWarning)
                p, zres, _ = _fit_garch(x[start - w : start])
            n_fits += 1
            n_boundary += any(issubclass(m.category, BoundaryEstimateWarning) for m in caught)
            qv, qe = _historical(zres, np.asarray([c]))  # in units of sigma (negated)
            stop = min(start + refit_every, n)
            # filter the window then the block with fixed params to get sigma_t for t in block
            seg = x[start - w : stop]
            s2 = _garch_filter(seg, p, float(np.var(seg[:w])))
            sig = np.sqrt(s2[w : w + (stop - start)])
            var[start:stop] = -p["mean"] + sig * qv[0]
            es[start:stop] = -p["mean"] + sig * qe[0]
        if n_boundary:
            warnings.warn(
                f"{n_boundary} of {n_fits} rolling GARCH(1,1) refits (window {w}) did not "
                "converge or have persistence alpha + beta >= "
                f"{GARCH_BOUNDARY}: their windows' VaR rests on an integrated variance; "
                "check the backtest on those windows or use a longer window",
                BoundaryEstimateWarning,
                stacklevel=user_stacklevel(),
            )
    return pd.DataFrame({"var": var, "es": es}, index=idx)
