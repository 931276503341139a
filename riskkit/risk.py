"""Value at risk, expected shortfall, their backtests, and margins, haircuts and sizes from data.

Conventions used throughout:

* ``returns`` are per-period returns of the position's underlying, as fractions; the loss of a
  ``side="long"`` position is :math:`L = -r` and of a short :math:`L = +r` per unit of notional.
* VaR and ES are reported as **positive losses, as fractions of notional**, at a ``confidence``
  level such as 0.99 (the loss exceeded with probability :math:`1 - c`).
* A horizon longer than one period needs an explicit ``scaling`` choice; nothing is scaled
  silently (see :func:`var_es`).
* Margin, haircut and leverage-cap functions work on a price path and count the horizon in bars
  of that path (hours for hourly data).
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from riskkit._boundary import GARCH_BOUNDARY, user_stacklevel, warn_garch_boundary
from riskkit._compat import require
from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
    side_sign,
    wrap_like,
)
from riskkit.exceptions import BoundaryEstimateWarning, InsufficientDataError, RiskkitWarning
from riskkit.moments import (
    cornish_fisher_quantile,
    cornish_fisher_tail_mean,
    rolling_excess_kurtosis,
    rolling_skewness,
)

__all__ = [
    "CoverageTest",
    "DepthExtrapolationWarning",
    "LeverageCap",
    "MarginCalibration",
    "RiskEstimate",
    "VaRBacktest",
    "backtest_table",
    "backtest_var",
    "bangia_liquidity_cost",
    "calibrate_maintenance_margin",
    "christoffersen_conditional_coverage",
    "christoffersen_independence",
    "collateral_haircut",
    "depth_close_out_cost",
    "expected_shortfall",
    "gap_probability_chart",
    "kupiec_pof",
    "leverage_cap",
    "liquidity_adjusted_var",
    "longest_covered_horizon",
    "max_adverse_excursion",
    "max_position_size",
    "rolling_var",
    "rolling_var_backtest",
    "value_at_risk",
    "var_around_events",
    "var_es",
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


class DepthExtrapolationWarning(RiskkitWarning):
    """A close-out size exceeds the depth inside the quoted band; the cost is extrapolated."""


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _html(df: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + df.to_html(float_format=lambda v: f"{v:.6g}")


def _reemit(caught: list[warnings.WarningMessage]) -> None:
    """Re-issue recorded warnings once each, attributed to the caller of the public function."""
    seen: set[tuple[type[Warning], str]] = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            warnings.warn(str(w.message), w.category, stacklevel=3)


def _confidence(confidence: Any) -> np.ndarray:
    c = as_float_array(confidence, "confidence")
    if c.ndim > 1:
        raise ValueError(f"confidence must be a scalar or 1-d; got shape {c.shape}")
    return check_range(c, "confidence", 0.0, 1.0, low_inclusive=False, high_inclusive=False)


def _returns(returns: Any, name: str = "returns") -> np.ndarray:
    x = as_float_array(returns, name, allow_nan=True)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {x.shape}")
    return x[~np.isnan(x)]


def _horizon(horizon: Any) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise TypeError(f"horizon must be an int number of periods; got {horizon!r}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1; got {horizon}")
    return int(horizon)


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


def _need_tail(n: int, c: np.ndarray, what: str) -> None:
    need = math.ceil(1.0 / (1.0 - float(c.max())) - 1e-9)
    if n < need:
        raise InsufficientDataError(
            f"{what} at confidence {float(c.max()):g} needs at least {need} observations "
            f"(one expected tail event); got {n}"
        )


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
    return {
        "mean": float(x.mean()),
        "std": float(x.std(ddof=1)),
        "skewness": float(stats.skew(x, bias=False)),
        "excess_kurtosis": float(stats.kurtosis(x, fisher=True, bias=False)),
    }


def _fit_garch(x: np.ndarray) -> tuple[dict[str, float], np.ndarray, float]:
    """GARCH(1,1), constant mean, Gaussian QMLE; returns params, std. residuals, next sigma."""
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
    mu, omega, alpha, beta = (float(v) for v in res.params.to_numpy())
    sigma = np.asarray(res.conditional_volatility, dtype=np.float64)
    resid = np.asarray(res.resid, dtype=np.float64)
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


def var_es(
    returns: Any,
    confidence: Any = 0.99,
    *,
    method: str = "historical",
    horizon: int = 1,
    scaling: str | None = None,
    side: str = "long",
    simulations: int = 10_000,
    random_state: int | np.random.Generator | None = None,
) -> RiskEstimate:
    """Value at risk and expected shortfall from a sample of returns.

    Parameters
    ----------
    returns : array_like or pandas.Series
        Per-period returns (fractions; log returns when ``scaling`` aggregates them). NaN are
        dropped; infinities are an error.
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
    random_state : int or numpy.random.Generator, optional
        Seed for ``scaling="simulate"``.

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
    x = float(side_sign(side)) * _returns(returns)
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
            rng = np.random.default_rng(random_state)
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
# backtests
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CoverageTest:
    """A likelihood-ratio test of VaR exceedances.

    Attributes
    ----------
    test : str
        Name of the test.
    statistic : float
        Likelihood-ratio statistic.
    pvalue : float
        Asymptotic chi-squared p-value.
    df : int
        Degrees of freedom of the reference chi-squared distribution.
    nobs : int
        Observations tested.
    n_exceedances : int
        Number of exceedances.
    expected_rate : float or None
        :math:`1 - c` under the null (None for the independence test).
    """

    test: str
    statistic: float
    pvalue: float
    df: int
    nobs: int
    n_exceedances: int
    expected_rate: float | None

    def reject(self, alpha: float = 0.05) -> bool:
        """Whether the null is rejected at test size ``alpha``."""
        return bool(self.pvalue < alpha)

    def summary(self) -> pd.DataFrame:
        """One-row frame: statistic, pvalue, df, nobs, n_exceedances, expected_rate."""
        return pd.DataFrame(
            {
                "statistic": [self.statistic],
                "pvalue": [self.pvalue],
                "df": [self.df],
                "nobs": [self.nobs],
                "n_exceedances": [self.n_exceedances],
                "expected_rate": [self.expected_rate],
            },
            index=pd.Index([self.test], name="test"),
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), self.test)


def _hits(exceedances: Any) -> np.ndarray:
    e = np.asarray(exceedances.to_numpy() if isinstance(exceedances, pd.Series) else exceedances)
    if e.ndim != 1:
        raise ValueError(f"exceedances must be one-dimensional; got shape {e.shape}")
    if e.dtype != bool:
        ea = as_float_array(e, "exceedances")
        if not np.isin(ea, (0.0, 1.0)).all():
            raise ValueError("exceedances must be booleans or 0/1 values")
        e = ea.astype(bool)
    if e.size < 2:
        raise InsufficientDataError(f"a VaR backtest needs at least 2 observations; got {e.size}")
    return e


def _lr_pof(n: int, x: int, p: float) -> float:
    ll0 = special.xlogy(n - x, 1.0 - p) + special.xlogy(x, p)
    ll1 = special.xlogy(n - x, 1.0 - x / n) + special.xlogy(x, x / n)
    return float(max(-2.0 * (ll0 - ll1), 0.0))


def kupiec_pof(exceedances: Any, confidence: float) -> CoverageTest:
    """Kupiec's proportion-of-failures (unconditional coverage) test.

    Parameters
    ----------
    exceedances : array_like of bool or 0/1
        1 where the realised loss exceeded the VaR forecast, in time order.
    confidence : float
        VaR confidence level :math:`c` in (0, 1); the null exceedance rate is :math:`p = 1-c`.

    Returns
    -------
    CoverageTest
        ``statistic`` :math:`LR_{pof}`, ``pvalue`` from :math:`\\chi^2_1`.

    Raises
    ------
    InsufficientDataError
        Fewer than 2 observations.
    ValueError
        Values other than booleans or 0/1; confidence outside (0, 1).

    See Also
    --------
    christoffersen_independence, christoffersen_conditional_coverage, backtest_var

    Notes
    -----
    With :math:`n` observations, :math:`x` exceedances and :math:`\\hat p = x/n`,

    .. math::

       LR_{pof} = -2\\ln\\frac{(1-p)^{n-x}p^{x}}{(1-\\hat p)^{n-x}\\hat p^{x}}
       \\;\\sim\\; \\chi^2_1 \\text{ under } H_0: P(\\text{exceedance}) = p,

    with :math:`0 \\ln 0 = 0`.

    References
    ----------
    Kupiec, P. H. (1995). Techniques for verifying the accuracy of risk measurement models.
    *Journal of Derivatives* 3(2), 73-84. https://doi.org/10.3905/jod.1995.407942

    Examples
    --------
    >>> t = kupiec_pof([1] * 2 + [0] * 98, 0.99)  # 2 exceedances in 100 at 99%
    >>> round(t.statistic, 4), round(t.pvalue, 4)
    (0.7827, 0.3763)
    """
    e = _hits(exceedances)
    c = float(_confidence(confidence))
    n, x = int(e.size), int(e.sum())
    lr = _lr_pof(n, x, 1.0 - c)
    return CoverageTest("Kupiec POF", lr, float(stats.chi2.sf(lr, 1)), 1, n, x, 1.0 - c)


def _lr_ind(e: np.ndarray) -> float:
    prev, curr = e[:-1], e[1:]
    n00 = int(np.sum(~prev & ~curr))
    n01 = int(np.sum(~prev & curr))
    n10 = int(np.sum(prev & ~curr))
    n11 = int(np.sum(prev & curr))
    pi01 = n01 / (n00 + n01) if n00 + n01 else 0.0
    pi11 = n11 / (n10 + n11) if n10 + n11 else 0.0
    pi = (n01 + n11) / (n00 + n01 + n10 + n11)
    ll0 = special.xlogy(n00 + n10, 1.0 - pi) + special.xlogy(n01 + n11, pi)
    ll1 = (
        special.xlogy(n00, 1.0 - pi01)
        + special.xlogy(n01, pi01)
        + special.xlogy(n10, 1.0 - pi11)
        + special.xlogy(n11, pi11)
    )
    return float(max(-2.0 * (ll0 - ll1), 0.0))


def christoffersen_independence(exceedances: Any) -> CoverageTest:
    """Christoffersen's Markov independence test of VaR exceedances.

    Parameters
    ----------
    exceedances : array_like of bool or 0/1
        1 where the loss exceeded VaR, in time order.

    Returns
    -------
    CoverageTest
        ``statistic`` :math:`LR_{ind}`, ``pvalue`` from :math:`\\chi^2_1`.

    Raises
    ------
    InsufficientDataError
        Fewer than 2 observations.

    See Also
    --------
    kupiec_pof, christoffersen_conditional_coverage

    Notes
    -----
    With :math:`n_{ij}` the number of transitions from state :math:`i` to :math:`j` (1 =
    exceedance), :math:`\\pi_{01} = n_{01}/(n_{00}+n_{01})`,
    :math:`\\pi_{11} = n_{11}/(n_{10}+n_{11})`, :math:`\\pi = (n_{01}+n_{11})/(n-1)`,

    .. math::

       LR_{ind} = -2\\ln\\frac{(1-\\pi)^{n_{00}+n_{10}}\\pi^{n_{01}+n_{11}}}
       {(1-\\pi_{01})^{n_{00}}\\pi_{01}^{n_{01}}(1-\\pi_{11})^{n_{10}}\\pi_{11}^{n_{11}}}
       \\;\\sim\\;\\chi^2_1,

    with :math:`0\\ln 0 = 0`. It equals the likelihood-ratio (G) test of independence on the
    2x2 transition table.

    References
    ----------
    Christoffersen, P. F. (1998). Evaluating interval forecasts. *International Economic
    Review* 39(4), 841-862. https://doi.org/10.2307/2527341

    Examples
    --------
    >>> t = christoffersen_independence([0, 0, 1, 1, 1, 0, 0, 0, 0, 0])
    >>> round(t.statistic, 4)  # by hand: n00=5, n01=1, n10=1, n11=2
    2.2314
    """
    e = _hits(exceedances)
    lr = _lr_ind(e)
    n, x = int(e.size), int(e.sum())
    return CoverageTest(
        "Christoffersen independence", lr, float(stats.chi2.sf(lr, 1)), 1, n, x, None
    )


def christoffersen_conditional_coverage(exceedances: Any, confidence: float) -> CoverageTest:
    """Christoffersen's conditional-coverage test (correct rate and independence jointly).

    Parameters
    ----------
    exceedances : array_like of bool or 0/1
        1 where the loss exceeded VaR, in time order.
    confidence : float
        VaR confidence level in (0, 1).

    Returns
    -------
    CoverageTest
        ``statistic`` :math:`LR_{cc}`, ``pvalue`` from :math:`\\chi^2_2`.

    Raises
    ------
    InsufficientDataError
        Fewer than 2 observations.

    See Also
    --------
    kupiec_pof, christoffersen_independence

    Notes
    -----
    .. math:: LR_{cc} = LR_{pof} + LR_{ind} \\;\\sim\\; \\chi^2_2 ,

    Christoffersen (1998, eq. 11) with the Kupiec statistic on all :math:`n` observations and
    the independence statistic on the :math:`n-1` transitions (the first observation's
    contribution is asymptotically negligible; this is the form used in Jorion 2007).

    References
    ----------
    Christoffersen, P. F. (1998). https://doi.org/10.2307/2527341

    Examples
    --------
    >>> t = christoffersen_conditional_coverage([0, 0, 1, 1, 1, 0, 0, 0, 0, 0], 0.9)
    >>> round(t.statistic, 4)  # 3.0733 (POF) + 2.2314 (independence)
    5.3047
    """
    e = _hits(exceedances)
    c = float(_confidence(confidence))
    n, x = int(e.size), int(e.sum())
    lr = _lr_pof(n, x, 1.0 - c) + _lr_ind(e)
    return CoverageTest(
        "Christoffersen conditional coverage", lr, float(stats.chi2.sf(lr, 2)), 2, n, x, 1.0 - c
    )


@dataclass(frozen=True, slots=True)
class VaRBacktest:
    """Realised returns against VaR forecasts, with the three coverage tests.

    Attributes
    ----------
    returns : pandas.Series
        Realised per-period returns on the test dates.
    var : pandas.Series
        VaR forecasts (positive fractions) for the same dates, made before each date.
    es : pandas.Series or None
        ES forecasts, when available.
    exceedances : pandas.Series
        Boolean, True where the position's loss exceeded VaR.
    confidence : float
        VaR confidence level.
    side : str
        Position side.
    kupiec, independence, conditional_coverage : CoverageTest
        The tests of :func:`kupiec_pof`, :func:`christoffersen_independence` and
        :func:`christoffersen_conditional_coverage`.
    """

    returns: pd.Series = field(repr=False)
    var: pd.Series = field(repr=False)
    es: pd.Series | None = field(repr=False)
    exceedances: pd.Series = field(repr=False)
    confidence: float
    side: str
    kupiec: CoverageTest
    independence: CoverageTest
    conditional_coverage: CoverageTest

    @property
    def nobs(self) -> int:
        """Number of tested observations."""
        return int(self.exceedances.size)

    @property
    def n_exceedances(self) -> int:
        """Number of exceedances."""
        return int(self.exceedances.sum())

    @property
    def expected_exceedances(self) -> float:
        """:math:`n(1-c)`."""
        return self.nobs * (1.0 - self.confidence)

    def summary(self) -> pd.DataFrame:
        """The three tests, one row each."""
        return pd.concat(
            [t.summary() for t in (self.kupiec, self.independence, self.conditional_coverage)]
        )

    def excess_exceedances(self) -> pd.Series:
        """Running count of exceedances minus the count expected by then.

        Returns
        -------
        pandas.Series
            :math:`\\sum_{s \\le t} I_s - n_t (1 - c)` on the test dates, with :math:`n_t` the
            number of dates tested up to :math:`t` (a count). A correct model wanders around
            zero; steps up mark clusters of exceedances.

        Examples
        --------
        >>> r = pd.Series([-0.03, 0.01, -0.01, 0.02])
        >>> backtest_var(r, pd.Series([0.02] * 4), 0.75).excess_exceedances().tolist()
        [0.75, 0.5, 0.25, 0.0]
        """
        expected = np.arange(1, self.nobs + 1) * (1.0 - self.confidence)
        out = self.exceedances.astype(float).cumsum() - expected
        return out.rename("excess_exceedances")

    def to_frame(self) -> pd.DataFrame:
        """Columns ``return``, ``loss``, ``var``, ``es`` (if any) and ``exceedance``."""
        sign = 1.0 if self.side == "long" else -1.0
        df = pd.DataFrame({"return": self.returns, "loss": -sign * self.returns, "var": self.var})
        if self.es is not None:
            df["es"] = self.es
        df["exceedance"] = self.exceedances
        return df

    def _repr_html_(self) -> str:
        title = (
            f"VaR backtest at {self.confidence:g}: {self.n_exceedances} exceedances in "
            f"{self.nobs} (expected {self.expected_exceedances:.1f})"
        )
        return _html(self.summary(), title)

    def chart(self) -> Any:
        """Altair chart of losses, VaR and exceedances over time (needs ``altair``)."""
        require("altair", "charts")
        import altair as alt

        df = self.to_frame().reset_index()
        tcol = df.columns[0]
        base = alt.Chart(df).encode(x=alt.X(f"{tcol}:T", title="time (UTC)"))
        loss = base.mark_line(color="#999", strokeWidth=0.6).encode(
            y=alt.Y("loss:Q", title="loss (fraction of notional)")
        )
        var = base.mark_line(color="#d62728").encode(y="var:Q")
        hits = (
            alt.Chart(df[df["exceedance"]])
            .mark_point(color="black", filled=True, size=18)
            .encode(x=f"{tcol}:T", y="loss:Q")
        )
        return (loss + var + hits).properties(
            width=520,
            height=240,
            title=f"Loss vs {self.confidence:g} VaR: {self.n_exceedances} exceedances "
            f"({self.expected_exceedances:.1f} expected)",
        )


def backtest_var(
    returns: pd.Series,
    var: pd.Series,
    confidence: float,
    *,
    side: str = "long",
    es: pd.Series | None = None,
) -> VaRBacktest:
    """Compare realised returns with VaR forecasts and run the coverage tests.

    Parameters
    ----------
    returns : pandas.Series
        Realised per-period returns (fractions).
    var : pandas.Series
        VaR forecast for each date, made with information up to the previous date (positive
        fractions of notional). Dates where either is NaN are dropped.
    confidence : float
        Confidence level of the forecasts, in (0, 1).
    side : {"long", "short"}, default "long"
        Position whose loss is compared with VaR.
    es : pandas.Series, optional
        ES forecasts, kept for display.

    Returns
    -------
    VaRBacktest

    Raises
    ------
    TypeError
        ``returns`` or ``var`` not a Series.
    InsufficientDataError
        Fewer than 2 dates with both values.

    See Also
    --------
    rolling_var_backtest, kupiec_pof

    Notes
    -----
    An exceedance at :math:`t` is :math:`L_t > \\mathrm{VaR}_t` with :math:`L_t = -r_t` (long)
    or :math:`r_t` (short).

    References
    ----------
    Christoffersen, P. F. (1998). https://doi.org/10.2307/2527341

    Examples
    --------
    >>> r = pd.Series([-0.03, 0.01, -0.01, 0.02])
    >>> bt = backtest_var(r, pd.Series([0.02] * 4), 0.95)
    >>> bt.n_exceedances
    1
    """
    if not isinstance(returns, pd.Series) or not isinstance(var, pd.Series):
        raise TypeError("returns and var must be pandas Series sharing an index")
    check_option(side, "side", ("long", "short"))
    c = float(_confidence(confidence))
    as_float_array(returns, "returns", allow_nan=True)
    as_float_array(var, "var", allow_nan=True)
    df = pd.concat({"r": returns.astype(float), "v": var.astype(float)}, axis=1).dropna()
    loss = -float(side_sign(side)) * df["r"]
    hits = (loss > df["v"]).rename("exceedance")
    e = _hits(hits.to_numpy())
    es_al = None if es is None else es.reindex(df.index)
    return VaRBacktest(
        returns=pd.Series(df["r"], name=returns.name),
        var=df["v"].rename("var"),
        es=es_al,
        exceedances=hits,
        confidence=c,
        side=side,
        kupiec=kupiec_pof(e, c),
        independence=christoffersen_independence(e),
        conditional_coverage=christoffersen_conditional_coverage(e, c),
    )


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


def rolling_var_backtest(
    returns: pd.Series,
    window: int,
    confidence: float = 0.99,
    *,
    method: str = "historical",
    side: str = "long",
    refit_every: int = 250,
) -> VaRBacktest:
    """Rolling-window VaR forecasts backtested against the realised returns.

    Parameters
    ----------
    returns : pandas.Series
        Per-period returns (fractions), in time order.
    window : int
        Estimation window (periods).
    confidence : float, default 0.99
        Confidence level in (0, 1).
    method : {"historical", "normal", "cornish_fisher", "filtered"}
        Forecasting method.
    side : {"long", "short"}, default "long"
        Position side.
    refit_every : int, default 250
        GARCH refit interval for ``"filtered"``.

    Returns
    -------
    VaRBacktest
        Exceedances on the ``len(returns) - window`` out-of-sample dates and the Kupiec and
        Christoffersen tests.

    Raises
    ------
    InsufficientDataError
        Not enough returns for one window plus two test dates.

    See Also
    --------
    rolling_var, backtest_var

    Notes
    -----
    Out of sample: the forecast for :math:`t` uses :math:`r_{t-w},\\dots,r_{t-1}`; the
    exceedance indicator is :math:`I_t = 1\\{L_t > \\mathrm{VaR}_t\\}`.

    References
    ----------
    Christoffersen, P. F. (1998). https://doi.org/10.2307/2527341

    Examples
    --------
    >>> r = pd.Series([0.01, -0.02, 0.015, -0.01, 0.005] * 8)
    >>> bt = rolling_var_backtest(r, 10, 0.9)
    >>> bt.nobs, bt.n_exceedances
    (30, 0)
    """
    f = rolling_var(returns, window, confidence, method=method, side=side, refit_every=refit_every)
    return backtest_var(returns, f["var"], confidence, side=side, es=f["es"])


def backtest_table(
    backtests: Mapping[Any, VaRBacktest], *, names: Sequence[str] | None = None
) -> pd.DataFrame:
    """Exceedance counts and coverage-test p-values of several VaR backtests, one row each.

    Parameters
    ----------
    backtests : mapping of label to VaRBacktest
        E.g. ``{("BTC", "normal"): bt, ...}``; tuple labels give a MultiIndex.
    names : sequence of str, optional
        Names of the index level(s).

    Returns
    -------
    pandas.DataFrame
        Columns ``tested`` and ``exceedances`` (integer counts), ``expected`` (:math:`n(1-c)`),
        and the p-values ``Kupiec p``, ``independence p`` and ``cond. coverage p`` of
        :func:`kupiec_pof`, :func:`christoffersen_independence` and
        :func:`christoffersen_conditional_coverage`.

    Raises
    ------
    ValueError
        Empty ``backtests``.

    See Also
    --------
    rolling_var_backtest, VaRBacktest

    Examples
    --------
    >>> r = pd.Series([-0.03, 0.01, -0.01, 0.02])
    >>> t = backtest_table({"flat 2%": backtest_var(r, pd.Series([0.02] * 4), 0.95)})
    >>> t[["tested", "exceedances", "expected"]].round(2).to_dict("records")
    [{'tested': 4, 'exceedances': 1, 'expected': 0.2}]
    """
    if not backtests:
        raise ValueError("backtests must name at least one VaRBacktest; got none")
    labels = list(backtests)
    bts = list(backtests.values())
    index: pd.Index
    if all(isinstance(k, tuple) for k in labels):
        index = pd.MultiIndex.from_tuples(labels, names=None if names is None else list(names))
    else:
        index = pd.Index(labels, name=None if names is None else names[0])
    return pd.DataFrame(
        {
            "tested": [bt.nobs for bt in bts],
            "exceedances": [bt.n_exceedances for bt in bts],
            "expected": [bt.expected_exceedances for bt in bts],
            "Kupiec p": [bt.kupiec.pvalue for bt in bts],
            "independence p": [bt.independence.pvalue for bt in bts],
            "cond. coverage p": [bt.conditional_coverage.pvalue for bt in bts],
        },
        index=index,
    )


def var_around_events(
    returns: pd.Series,
    events: pd.DataFrame,
    confidence: float = 0.99,
    *,
    method: str = "filtered",
    side: str = "long",
    before: str = "1D",
    after: str = "7D",
) -> pd.DataFrame:
    """Worst loss inside each event window against the VaR forecast before and after it.

    Parameters
    ----------
    returns : pandas.Series
        Per-period returns (fractions) on a DatetimeIndex, in time order.
    events : pandas.DataFrame
        One row per event with Timestamp columns ``start`` and ``end`` (inclusive), e.g.
        :func:`riskkit.data.events_frame`; its index labels the rows of the result.
    confidence : float, default 0.99
        VaR confidence level in (0, 1).
    method : str, default "filtered"
        Method of :func:`var_es` used for the forecasts.
    side : {"long", "short"}, default "long"
        Position whose loss is measured.
    before, after : str, default "1D" and "7D"
        Pandas offsets: the first forecast uses returns up to ``start - before`` (the eve), the
        second up to ``end + after``.

    Returns
    -------
    pandas.DataFrame
        Columns ``worst loss`` (largest one-period loss inside the window, fraction of
        notional), ``VaR before``, ``loss / VaR`` (ratio; above 1 is an exceedance) and
        ``VaR after`` (one-period VaR, fraction of notional).

    Raises
    ------
    InsufficientDataError
        Too few returns before an event for the chosen method.
    ValueError
        An event window containing no returns, or an unknown ``side``.

    See Also
    --------
    var_es, rolling_var_backtest

    Notes
    -----
    With :math:`L_t = -r_t` (long) or :math:`r_t` (short), for an event on
    :math:`[t_0, t_1]`:

    .. math::

       \\text{worst loss} = \\max_{t_0 \\le t \\le t_1} L_t, \\qquad
       \\text{loss/VaR} = \\frac{\\max L_t}{\\mathrm{VaR}_c(r_{\\le t_0 - b})} .

    A risk model whose VaR "after" is well above its VaR "before" reacts to crashes only once
    they have happened: margins set from it are procyclical.

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=40, freq="D")
    >>> r = pd.Series([0.01, -0.01] * 20, index=idx)
    >>> r.iloc[30] = -0.05
    >>> ev = pd.DataFrame({"start": [idx[30]], "end": [idx[31]]}, index=["drop"])
    >>> t = var_around_events(r, ev, 0.9, method="historical")
    >>> t.round(3).to_dict("records")
    [{'worst loss': 0.05, 'VaR before': 0.01, 'loss / VaR': 5.0, 'VaR after': 0.01}]
    """
    if not isinstance(returns, pd.Series) or not isinstance(returns.index, pd.DatetimeIndex):
        raise TypeError("returns must be a pandas Series on a DatetimeIndex")
    sign = float(side_sign(side))
    lag, lead = pd.Timedelta(before), pd.Timedelta(after)
    rows = {}
    for key, ev in events.iterrows():
        window = returns.loc[ev["start"] : ev["end"]]
        if window.empty:
            raise ValueError(f"event {key!r} has no returns between {ev['start']} and {ev['end']}")
        worst = float((-sign * window).max())
        eve, later = returns.loc[: ev["start"] - lag], returns.loc[: ev["end"] + lead]
        var_before = var_es(eve, confidence, method=method, side=side).var
        var_after = var_es(later, confidence, method=method, side=side).var
        rows[key] = {
            "worst loss": worst,
            "VaR before": float(var_before),
            "loss / VaR": worst / float(var_before),
            "VaR after": float(var_after),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = events.index.name
    return out


# --------------------------------------------------------------------------------------------
# liquidity
# --------------------------------------------------------------------------------------------


def bangia_liquidity_cost(spread: Any, a: float = 3.0) -> float:
    """Exogenous liquidity cost of Bangia et al. (1999), as a fraction of the mid price.

    Parameters
    ----------
    spread : array_like or pandas.Series
        Relative bid-ask spreads, :math:`(ask - bid)/mid`, as fractions (1 bp = 1e-4). At least
        2 values; NaN are dropped.
    a : float, default 3.0
        Multiple of the spread's standard deviation (> 0). Spreads are fat-tailed, so the
        multiple that reaches the 99% spread quantile exceeds the normal 2.33 and varies by
        market (Bangia et al. 1999); 3 is a common choice.

    Returns
    -------
    float
        :math:`\\tfrac12(\\mu_S + a\\,\\sigma_S)`, the cost of crossing half a stressed spread.

    Raises
    ------
    InsufficientDataError
        Fewer than 2 spreads.

    See Also
    --------
    liquidity_adjusted_var, depth_close_out_cost

    Notes
    -----
    .. math:: \\mathrm{COL} = \\tfrac12\\left(\\mu_S + a\\,\\sigma_S\\right)

    with :math:`\\mu_S` and :math:`\\sigma_S` the mean and sample standard deviation of the
    relative spread.

    References
    ----------
    Bangia, A., Diebold, F. X., Schuermann, T. and Stroughair, J. D. (1999). Modeling
    liquidity risk, with implications for traditional market risk measurement and management.
    NYU Stern Working Paper FIN-99-062. https://ssrn.com/abstract=1298788

    Examples
    --------
    >>> round(bangia_liquidity_cost([0.0001, 0.0003]), 6)  # mean 2 bp, sd 1.414 bp
    0.000312
    """
    s = _returns(spread, "spread")
    check_positive(s, "spread", strict=False)
    a = float(check_positive(as_float_array(a, "a"), "a"))
    if s.size < 2:
        raise InsufficientDataError(f"bangia_liquidity_cost needs >= 2 spreads; got {s.size}")
    return float(0.5 * (s.mean() + a * s.std(ddof=1)))


def liquidity_adjusted_var(var: Any, spread: Any, a: float = 3.0) -> Any:
    """Liquidity-adjusted VaR: market VaR plus the Bangia et al. spread add-on.

    Parameters
    ----------
    var : float or array_like
        Market VaR, positive fraction of notional (e.g. from :func:`value_at_risk`).
    spread : array_like or pandas.Series
        Relative bid-ask spreads (fractions) over the estimation period.
    a : float, default 3.0
        Spread-volatility multiple (> 0).

    Returns
    -------
    float or numpy.ndarray
        :math:`\\mathrm{LVaR} = \\mathrm{VaR} + \\tfrac12(\\mu_S + a\\sigma_S)`.

    Raises
    ------
    ValueError, InsufficientDataError
        As :func:`bangia_liquidity_cost`.

    See Also
    --------
    bangia_liquidity_cost, depth_close_out_cost, max_position_size

    Notes
    -----
    .. math:: \\mathrm{LVaR}_c = \\mathrm{VaR}_c + \\tfrac12(\\mu_S + a\\,\\sigma_S)

    Bangia et al. (1999) combine the worst price and the worst spread as if they coincide,
    which is conservative.

    References
    ----------
    Bangia, A. et al. (1999). NYU Stern WP FIN-99-062. https://ssrn.com/abstract=1298788

    Examples
    --------
    >>> round(liquidity_adjusted_var(0.05, [0.0001, 0.0003]), 6)
    0.050312
    """
    v = as_float_array(var, "var")
    return wrap_like(v + bangia_liquidity_cost(spread, a), var, name="lvar")


def depth_close_out_cost(size: Any, depth: Any, spread: Any = 0.0, *, band: float = 0.005) -> Any:
    """Cost of unwinding a position against a book with given depth within a band of the mid.

    Parameters
    ----------
    size : float or array_like or pandas.Series
        Notional to close, in quote currency (USD), >= 0.
    depth : float or array_like or pandas.Series
        Resting notional (USD) on the side being hit, within ``band`` of the mid, > 0. If the
        data report both sides together (as the Hyperliquid ``depth_50bps`` summary may), pass
        the one-side share, e.g. ``depth / 2``.
    spread : float or array_like, default 0.0
        Relative bid-ask spread (fraction), >= 0.
    band : float, default 0.005
        Half-width of the band the depth is measured in, as a fraction of mid (50 bp = 0.005).

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Average execution cost per unit notional (fraction): broadcast, index kept.

    Raises
    ------
    ValueError
        Negative size or spread, non-positive depth or band.

    Warns
    -----
    DepthExtrapolationWarning
        When ``size > depth``: the band is exhausted and the linear book is extrapolated.

    See Also
    --------
    bangia_liquidity_cost, max_position_size

    Notes
    -----
    The depth :math:`D` is assumed spread uniformly over price distances :math:`[0, b]` from
    the mid. A market order of size :math:`Q` walks the book to distance :math:`bQ/D` and pays
    on average half of it, on top of half the spread :math:`S`:

    .. math:: c(Q) = \\frac{S}{2} + \\frac{b}{2}\\,\\frac{Q}{D}, \\qquad
       \\text{cost in USD} = Q\\,c(Q).

    Linear cumulative depth is the simplest shape consistent with a single depth figure;
    real books are often thinner near the touch and deeper further out.

    References
    ----------
    Almgren, R. and Chriss, N. (2001). Optimal execution of portfolio transactions. *Journal of
    Risk* 3(2), 5-39. https://doi.org/10.21314/JOR.2001.041

    Examples
    --------
    >>> depth_close_out_cost(1_000_000, 4_000_000, 0.0002)  # 1 bp + 0.25 * 25 bp
    0.000725
    """
    q = check_positive(as_float_array(size, "size"), "size", strict=False)
    d = check_positive(as_float_array(depth, "depth"), "depth")
    s = check_positive(as_float_array(spread, "spread"), "spread", strict=False)
    b = float(check_positive(as_float_array(band, "band"), "band"))
    if np.any(q > d):
        warnings.warn(
            "size exceeds depth within the band for some inputs; the close-out cost "
            "extrapolates the book linearly beyond the band. Reduce size or use deeper data.",
            DepthExtrapolationWarning,
            stacklevel=2,
        )
    return wrap_like(s / 2.0 + 0.5 * b * q / d, size, depth, spread, name="close_out_cost")


def max_position_size(
    equity: Any,
    loss_budget: Any,
    var: Any,
    depth: Any,
    spread: Any = 0.0,
    *,
    band: float = 0.005,
    max_leverage: Any = None,
) -> Any:
    """Largest notional whose VaR loss plus close-out cost stays within a loss budget.

    Parameters
    ----------
    equity : float or array_like
        Account equity in USD, > 0.
    loss_budget : float or array_like
        Tolerated loss as a fraction of equity, in (0, 1].
    var : float or array_like
        Market VaR over the close-out horizon, fraction of notional, >= 0.
    depth : float or array_like
        One-side book depth within ``band`` (USD), > 0.
    spread : float or array_like, default 0.0
        Relative spread (fraction), >= 0.
    band : float, default 0.005
        Band of ``depth`` as a fraction of mid.
    max_leverage : float or array_like, optional
        Leverage cap (> 0), e.g. ``leverage_cap(...).leverage``; the size is then at most
        ``max_leverage * equity``.

    Returns
    -------
    float or numpy.ndarray
        Notional :math:`Q^*` in USD (broadcast).

    Raises
    ------
    ValueError
        Arguments outside their domains.

    See Also
    --------
    depth_close_out_cost, leverage_cap

    Notes
    -----
    The liquidity-adjusted loss of notional :math:`Q` is :math:`Q(v + S/2) + \\frac{b}{2D}Q^2`.
    Setting it equal to :math:`B = \\lambda E` (budget times equity) and solving the quadratic,

    .. math::

       Q^* = \\frac{-(v + S/2) + \\sqrt{(v + S/2)^2 + 4 k B}}{2k}, \\quad k = \\frac{b}{2D}.

    With a leverage cap :math:`\\lambda^*` the rule is :math:`\\min(Q^*, \\lambda^* E)`: the
    position must survive the horizon with the target probability *and* its liquidity-adjusted
    VaR loss must fit the budget.

    References
    ----------
    Bangia, A. et al. (1999). NYU Stern WP FIN-99-062. https://ssrn.com/abstract=1298788

    Examples
    --------
    >>> round(max_position_size(100_000, 0.1, 0.05, 4_000_000), 2)
    199502.48
    >>> round(max_position_size(100_000, 0.1, 0.05, 4_000_000, max_leverage=1.5), 2)
    150000.0
    """
    e = check_positive(as_float_array(equity, "equity"), "equity")
    lam = check_range(as_float_array(loss_budget, "loss_budget"), "loss_budget", 0.0, 1.0,
                      low_inclusive=False)  # fmt: skip
    v = check_positive(as_float_array(var, "var"), "var", strict=False)
    d = check_positive(as_float_array(depth, "depth"), "depth")
    s = check_positive(as_float_array(spread, "spread"), "spread", strict=False)
    b = float(check_positive(as_float_array(band, "band"), "band"))
    lin = v + s / 2.0
    k = b / (2.0 * d)
    budget = lam * e
    q = 2.0 * budget / (lin + np.sqrt(lin**2 + 4.0 * k * budget))  # stable form of the root
    if max_leverage is not None:
        cap = check_positive(as_float_array(max_leverage, "max_leverage"), "max_leverage")
        q = np.minimum(q, cap * e)
    return wrap_like(q, equity, var, depth, name="max_size")


# --------------------------------------------------------------------------------------------
# path-based: excursions, haircuts, margins, leverage caps
# --------------------------------------------------------------------------------------------


def _forward_extreme(a: np.ndarray, h: int, how: str) -> np.ndarray:
    """out[t] = min/max of a[t+1 .. t+h]; NaN where the window runs past the end."""
    from scipy.ndimage import maximum_filter1d, minimum_filter1d

    n = a.size
    out = np.full(n, np.nan)
    if n <= h:
        return out
    f = minimum_filter1d if how == "min" else maximum_filter1d
    # origin -(h // 2) moves the size-h window so that ext[i] covers a[i .. i + h - 1]
    ext = f(a, size=h, mode="nearest", origin=-(h // 2))
    # we want a[t + 1 .. t + h] = ext[t + 1]
    out[: n - h] = ext[1 : n - h + 1]
    return out


def max_adverse_excursion(
    price: Any,
    horizon: int,
    *,
    side: str = "long",
    high: Any = None,
    low: Any = None,
) -> Any:
    """Largest adverse move within the next ``horizon`` bars, relative to each bar's price.

    Parameters
    ----------
    price : array_like or pandas.Series
        Reference price at each bar (usually the close), > 0.
    horizon : int
        Number of following bars, >= 1.
    side : {"long", "short"}, default "long"
        Longs are hurt by falls (uses ``low``), shorts by rises (uses ``high``).
    high, low : array_like or pandas.Series, optional
        Bar highs and lows (same length); when omitted the path is ``price`` itself, which
        misses intra-bar extremes.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Excursion as a fraction of ``price`` (>= 0 when the window contains an adverse move,
        may be negative otherwise); NaN for the last ``horizon`` bars.

    Raises
    ------
    ValueError
        Non-positive prices, mismatched lengths, bad horizon.

    See Also
    --------
    calibrate_maintenance_margin, leverage_cap, collateral_haircut

    Notes
    -----
    .. math::

       \\mathrm{MAE}^{long}_t = 1 - \\frac{\\min_{t<u\\le t+h} \\ell_u}{P_t}, \\qquad
       \\mathrm{MAE}^{short}_t = \\frac{\\max_{t<u\\le t+h} H_u}{P_t} - 1,

    with :math:`P_t` the price, :math:`\\ell_u` the low and :math:`H_u` the high of bar
    :math:`u`. Running extremes use the van Herk/Gil-Werman :math:`O(n)` filter of
    ``scipy.ndimage``.

    References
    ----------
    Sweeney, J. (1997). *Maximum Adverse Excursion: Analyzing Price Fluctuations for Trading
    Management*. Wiley.

    Examples
    --------
    >>> max_adverse_excursion([100.0, 90.0, 95.0, 80.0, 100.0], 2).round(4).tolist()
    [0.1, 0.1111, 0.1579, nan, nan]
    """
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    p = check_positive(as_float_array(price, "price"), "price")
    if p.ndim != 1:
        raise ValueError(f"price must be one-dimensional; got shape {p.shape}")
    name = "high" if side == "short" else "low"
    path_in = high if side == "short" else low
    path = p if path_in is None else check_positive(as_float_array(path_in, name), name)
    if path.shape != p.shape:
        raise ValueError(
            f"{name} must have the same length as price; got {path.shape} vs {p.shape}"
        )
    if side == "long":
        mae = 1.0 - _forward_extreme(path, h, "min") / p
    else:
        mae = _forward_extreme(path, h, "max") / p - 1.0
    return wrap_like(mae, price, name="max_adverse_excursion")


def _quantile_needed(x: np.ndarray, prob: float, what: str) -> float:
    x = x[np.isfinite(x)]
    need = math.ceil(1.0 / prob - 1e-9)
    if x.size < need:
        raise InsufficientDataError(
            f"{what} at tail probability {prob:g} needs at least {need} windows; got {x.size}"
        )
    # inverted CDF: the smallest sample value v with F_n(v) >= 1 - prob, so that the empirical
    # frequency of excursions strictly above v is at most prob (no interpolation past the data)
    return float(np.quantile(x, 1.0 - prob, method="inverted_cdf"))


def collateral_haircut(
    price: Any,
    horizon: int,
    confidence: float = 0.99,
    *,
    low: Any = None,
    path: str = "end",
) -> float:
    """Haircut that covers the collateral's fall over the liquidation horizon at a confidence.

    Parameters
    ----------
    price : array_like or pandas.Series
        Collateral price in the liability's currency (e.g. BTC in USD), > 0.
    horizon : int
        Liquidation horizon in bars of ``price`` (e.g. 24 for one day of hourly data).
    confidence : float, default 0.99
        Probability that the haircut covers the move.
    low : array_like or pandas.Series, optional
        Bar lows, used with ``path="worst"``.
    path : {"end", "worst"}, default "end"
        ``"end"``: the move from now to the end of the horizon (collateral sold at the end);
        ``"worst"``: the largest fall within the horizon (sold at the worst moment).

    Returns
    -------
    float
        Haircut :math:`h` as a fraction of collateral value (collateral counts at
        :math:`1-h` of market value), floored at 0.

    Raises
    ------
    InsufficientDataError
        Fewer than :math:`1/(1-c)` windows.

    See Also
    --------
    max_adverse_excursion, calibrate_maintenance_margin

    Notes
    -----
    .. math:: h = \\max\\left(0, -q_{1-c}\\left(\\frac{P_{t+H}}{P_t} - 1\\right)\\right)
       \\text{ (end)}, \\qquad h = \\max(0, q_c(\\mathrm{MAE}_t)) \\text{ (worst)},

    over all overlapping windows of :math:`H` bars, with the inverted-CDF empirical quantile
    (the haircut is exceeded in at most a share :math:`1-c` of the windows).

    References
    ----------
    Basel Committee (2019). Calculation of RWA for credit risk: CRE22 (own estimates of
    haircuts, 99th percentile over the liquidation period).
    https://www.bis.org/basel_framework/chapter/CRE/22.htm

    Examples
    --------
    >>> p = [100.0, 90.0, 99.0, 89.1, 98.01, 88.209] * 20
    >>> round(collateral_haircut(p, 1, 0.9), 4)
    0.1
    """
    h = _horizon(horizon)
    c = float(_confidence(confidence))
    check_option(path, "path", ("end", "worst"))
    if path == "worst":
        mae = np.asarray(max_adverse_excursion(price, h, side="long", low=low), dtype=float)
        return max(0.0, _quantile_needed(mae, 1.0 - c, "collateral_haircut"))
    if low is not None:
        raise ValueError("low is only used with path='worst'; got path='end'")
    p = check_positive(as_float_array(price, "price"), "price")
    r = p[h:] / p[:-h] - 1.0 if p.size > h else np.array([])
    return max(0.0, _quantile_needed(-r, 1.0 - c, "collateral_haircut"))


@dataclass(frozen=True, slots=True)
class MarginCalibration:
    """Maintenance margin rate implied by the data for a gap-through-bankruptcy target.

    Attributes
    ----------
    maintenance_margin_rate : float
        Smallest rate with empirical :math:`P(\\mathrm{MAE}_H > m) \\le` ``target``.
    target : float
        Tolerated probability of a gap through the bankruptcy price.
    horizon : int
        Close-out horizon in bars.
    side : str
        Position side.
    nobs : int
        Number of overlapping windows used.
    excursions : pandas.Series or numpy.ndarray
        The sample of adverse excursions over the horizon.
    """

    maintenance_margin_rate: float
    target: float
    horizon: int
    side: str
    nobs: int
    excursions: Any = field(repr=False)

    def gap_probability(self, maintenance_margin_rate: Any) -> Any:
        """Empirical probability that the price gaps more than the rate within the horizon."""
        m = check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                        "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)  # fmt: skip
        x = np.asarray(self.excursions, dtype=float)
        x = np.sort(x[np.isfinite(x)])
        out = 1.0 - np.searchsorted(x, m, side="right") / x.size
        return float(out) if np.ndim(out) == 0 else out

    def bad_debt(self, maintenance_margin_rate: Any) -> Any:
        """Expected loss beyond bankruptcy per unit of liquidated notional (fraction).

        Parameters
        ----------
        maintenance_margin_rate : float or array_like
            Rate(s) :math:`m` in [0, 1), fraction of notional.

        Returns
        -------
        float or numpy.ndarray
            :math:`E[(\\mathrm{MAE}_H - m)^+]` over the excursion sample: what the insurance
            fund loses on average per USD of notional liquidated, if the close-out fills at the
            worst price of the horizon.

        Notes
        -----
        With the liquidation price :math:`P_L`, the bankruptcy price
        :math:`P_B = (1-m)P_L` (long) and a fill at :math:`P_L(1 - \\mathrm{MAE}_H)`, the loss
        beyond bankruptcy per unit of notional at :math:`P_L` is
        :math:`\\max(0, \\mathrm{MAE}_H - m)` (short: the same with the upward excursion, up to
        the factor :math:`1+m` versus :math:`1-m` in the bankruptcy price, ignored here).

        Examples
        --------
        >>> cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
        >>> round(cal.bad_debt(0.005), 6)  # (50 x 1.5% + 50 x 0.5%) / 199 windows
        0.005025
        """
        m = check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                        "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)  # fmt: skip
        x = np.asarray(self.excursions, dtype=float)
        x = x[np.isfinite(x)]
        out = np.maximum(x[:, None] - np.atleast_1d(m)[None, :], 0.0).mean(axis=0)
        return float(out[0]) if np.ndim(m) == 0 else out.reshape(np.shape(m))

    def summary(self) -> pd.DataFrame:
        """One-row frame with the calibrated rate and its inputs."""
        return pd.DataFrame(
            {
                "maintenance_margin_rate": [self.maintenance_margin_rate],
                "target": [self.target],
                "horizon": [self.horizon],
                "side": [self.side],
                "nobs": [self.nobs],
                "gap_probability": [self.gap_probability(self.maintenance_margin_rate)],
            }
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Data-implied maintenance margin rate")

    def chart(self, rates: Any = None) -> Any:
        """Altair line of the empirical gap probability against the maintenance margin rate.

        ``rates`` (fractions in [0, 1)) default to 200 points up to twice the calibrated rate.
        Needs ``altair``.
        """
        require("altair", "charts")
        import altair as alt

        if rates is None:
            top = max(2.0 * self.maintenance_margin_rate, 1e-4)
            rates = np.linspace(0.0, top, 200)
        m = np.atleast_1d(as_float_array(rates, "rates"))
        df = pd.DataFrame(
            {"maintenance_margin_rate": m, "gap_probability": self.gap_probability(m)}
        )
        line = (
            alt.Chart(df)
            .mark_line()
            .encode(
                x=alt.X("maintenance_margin_rate:Q", title="maintenance margin rate (fraction)"),
                y=alt.Y("gap_probability:Q", title=f"P(gap > rate within {self.horizon} bars)"),
            )
        )
        rule = (
            alt.Chart(pd.DataFrame({"target": [self.target]}))
            .mark_rule(strokeDash=[4, 3], color="#d62728")
            .encode(y="target:Q")
        )
        return (line + rule).properties(
            width=520,
            height=260,
            title=f"Gap-through-bankruptcy probability ({self.side}); "
            f"data-implied rate {self.maintenance_margin_rate:.4f}",
        )


def calibrate_maintenance_margin(
    price: Any,
    horizon: int,
    target: float = 0.01,
    *,
    side: str = "long",
    high: Any = None,
    low: Any = None,
    where: Any = None,
) -> MarginCalibration:
    """Maintenance margin rate keeping the chance of a gap through bankruptcy below a target.

    Parameters
    ----------
    price : array_like or pandas.Series
        Bar prices (close), e.g. hourly, > 0.
    horizon : int
        Close-out horizon in bars (the time the venue needs to unwind a liquidated position).
    target : float, default 0.01
        Tolerated probability, in (0, 1), that the price moves past the bankruptcy price before
        the close-out completes.
    side : {"long", "short"}, default "long"
        Position side.
    high, low : array_like or pandas.Series, optional
        Bar highs and lows (recommended for hourly data: gaps happen inside bars).
    where : array_like of bool, optional
        Same length as ``price``: use only the windows starting at bars where it is True, e.g.
        the bars after a large fall, when liquidations actually happen. Default: all bars.

    Returns
    -------
    MarginCalibration
        With ``where``, ``nobs``, ``excursions`` and the methods refer to the selected windows.

    Raises
    ------
    InsufficientDataError
        Fewer than ``1/target`` windows.

    See Also
    --------
    max_adverse_excursion, leverage_cap

    Notes
    -----
    For a linear contract whose maintenance margin is :math:`m` times the position's current
    notional, the long liquidation price is :math:`P_L = E(1-1/\\lambda)/(1-m)` and the
    bankruptcy price :math:`P_B = E(1-1/\\lambda)`, so :math:`1 - P_B/P_L = m` (short:
    :math:`P_B/P_L - 1 = m`): the cushion between liquidation and bankruptcy, relative to the
    liquidation price, is exactly :math:`m` whatever the leverage :math:`\\lambda`. A gap
    through bankruptcy during the close-out horizon :math:`H` happens iff
    :math:`\\mathrm{MAE}_H > m`, hence

    .. math:: m^* = q_{1-\\alpha}(\\mathrm{MAE}_H),

    the empirical quantile over all start bars (inverted CDF, so that the share of windows
    with :math:`\\mathrm{MAE}_H > m^*` is at most :math:`\\alpha`, the target). Liquidations
    cluster in volatile hours, so the unconditional estimate is a lower bound for the rate
    needed at the moment of liquidation; restrict ``price`` to stressed periods to see that.
    Fees, maintenance amounts of tiered brackets and the mark/last price difference are
    ignored.

    References
    ----------
    Binance. How to calculate liquidation price of USDⓈ-M futures contracts.
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> p = [100.0, 98.0, 100.0, 99.0] * 50
    >>> round(calibrate_maintenance_margin(p, 1, 0.05).maintenance_margin_rate, 4)
    0.02

    Only the windows that start at a 100 (every other bar): half of them fall by 2 %.

    >>> at_100 = np.array(p) == 100.0
    >>> cal = calibrate_maintenance_margin(p, 1, 0.05, where=at_100)
    >>> cal.nobs, round(cal.gap_probability(0.015), 4)
    (100, 0.5)
    """
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    a = float(check_range(as_float_array(target, "target"), "target", 0.0, 1.0,
                          low_inclusive=False, high_inclusive=False))  # fmt: skip
    mae = max_adverse_excursion(price, h, side=side, high=high, low=low)
    if where is not None:
        mask = np.asarray(where.to_numpy() if isinstance(where, pd.Series) else where)
        if mask.dtype != bool or mask.shape != np.shape(mae):
            raise ValueError(
                f"where must be a boolean array of the same length as price ({np.size(mae)}); "
                f"got dtype {mask.dtype} and shape {mask.shape}"
            )
        mae = mae[mask]
    x = np.asarray(mae, dtype=float)
    m = max(0.0, _quantile_needed(x, a, "calibrate_maintenance_margin"))
    return MarginCalibration(m, a, h, side, int(np.isfinite(x).sum()), mae)


def longest_covered_horizon(
    maintenance_margin_rate: float, calibrations: Iterable[MarginCalibration]
) -> int | None:
    """Longest close-out horizon whose data-implied margin rate fits under a given rate.

    Parameters
    ----------
    maintenance_margin_rate : float
        A venue's rate :math:`m` (fraction of notional), in [0, 1).
    calibrations : iterable of MarginCalibration
        Results of :func:`calibrate_maintenance_margin` for several horizons (same price path,
        side and target).

    Returns
    -------
    int or None
        The largest ``horizon`` (bars) with :math:`m^*(H, \\alpha) \\le m`; None when the
        rate covers none of them (the close-out must be faster than the shortest horizon).

    Raises
    ------
    ValueError
        Rate outside [0, 1) or no calibrations.

    See Also
    --------
    calibrate_maintenance_margin

    Notes
    -----
    .. math:: H^*(m) = \\max\\{H : q_{1-\\alpha}(\\mathrm{MAE}_H) \\le m\\}

    reads a tier ladder as time: a higher tier's rate buys the venue a longer close-out at the
    same tolerance :math:`\\alpha` of a gap through bankruptcy.

    Examples
    --------
    >>> p = [100.0, 98.0, 100.0, 99.0] * 50
    >>> cals = [calibrate_maintenance_margin(p, h, 0.05) for h in (1, 2)]
    >>> longest_covered_horizon(0.021, cals), longest_covered_horizon(0.015, cals)
    (2, None)
    """
    m = float(check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                          "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False))  # fmt: skip
    cals = list(calibrations)
    if not cals:
        raise ValueError("calibrations must hold at least one MarginCalibration; got none")
    ok = [c.horizon for c in cals if c.maintenance_margin_rate <= m]
    return max(ok) if ok else None


@dataclass(frozen=True, slots=True)
class LeverageCap:
    """Largest leverage whose empirical liquidation probability over a horizon meets a target.

    Attributes
    ----------
    leverage : float
        The cap :math:`\\lambda^*`.
    target : float
        Tolerated liquidation probability over the horizon.
    horizon : int
        Horizon in bars.
    side : str
        Position side.
    maintenance_margin_rate : float
        Maintenance margin rate used.
    excursion_quantile : float
        :math:`q_{1-\\alpha}(\\mathrm{MAE}_H)`.
    nobs : int
        Number of overlapping windows.
    excursions : pandas.Series or numpy.ndarray
        The adverse-excursion sample.
    """

    leverage: float
    target: float
    horizon: int
    side: str
    maintenance_margin_rate: float
    excursion_quantile: float
    nobs: int
    excursions: Any = field(repr=False)

    def liquidation_probability(self, leverage: Any) -> Any:
        """Empirical probability of liquidation within the horizon at the given leverage."""
        lev = check_positive(as_float_array(leverage, "leverage"), "leverage")
        m = self.maintenance_margin_rate
        sign = 1.0 if self.side == "long" else -1.0
        dist = (1.0 / lev - m) / (1.0 - sign * m)
        x = np.asarray(self.excursions, dtype=float)
        x = np.sort(x[np.isfinite(x)])
        out = 1.0 - np.searchsorted(x, dist, side="left") / x.size
        return float(out) if np.ndim(out) == 0 else out

    def summary(self) -> pd.DataFrame:
        """One-row frame with the cap and its inputs."""
        return pd.DataFrame(
            {
                "leverage": [self.leverage],
                "target": [self.target],
                "horizon": [self.horizon],
                "side": [self.side],
                "maintenance_margin_rate": [self.maintenance_margin_rate],
                "excursion_quantile": [self.excursion_quantile],
                "nobs": [self.nobs],
            }
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Leverage cap for a target liquidation probability")


def leverage_cap(
    price: Any,
    horizon: int,
    target: float = 0.01,
    *,
    maintenance_margin_rate: float = 0.005,
    side: str = "long",
    high: Any = None,
    low: Any = None,
) -> LeverageCap:
    """Leverage cap for a target probability of liquidation over a horizon, from the data.

    Parameters
    ----------
    price : array_like or pandas.Series
        Bar prices (entry at each bar's close), > 0.
    horizon : int
        Holding horizon in bars.
    target : float, default 0.01
        Tolerated probability of liquidation within the horizon, in (0, 1).
    maintenance_margin_rate : float, default 0.005
        Maintenance margin as a fraction of current notional, in [0, 1).
    side : {"long", "short"}, default "long"
        Position side.
    high, low : array_like or pandas.Series, optional
        Bar highs and lows.

    Returns
    -------
    LeverageCap

    Raises
    ------
    InsufficientDataError
        Fewer than ``1/target`` windows.
    ValueError
        Arguments outside their domains.

    See Also
    --------
    max_adverse_excursion, calibrate_maintenance_margin, max_position_size

    Notes
    -----
    A linear isolated position with leverage :math:`\\lambda` and maintenance rate :math:`m` is
    liquidated when the price falls (long) by :math:`(1/\\lambda - m)/(1-m)` or rises (short)
    by :math:`(1/\\lambda - m)/(1+m)`. With :math:`q = q_{1-\\alpha}(\\mathrm{MAE}_H)` the
    empirical excursion quantile, the liquidation probability is at most :math:`\\alpha` for

    .. math:: \\lambda < \\lambda^* = \\frac{1}{m + (1 \\mp m)\\,q}

    (minus sign for long, plus for short); :math:`q` is the inverted-CDF empirical quantile, so
    every leverage below :math:`\\lambda^*` has empirical liquidation frequency at most
    :math:`\\alpha`. Overlapping windows make the effective sample
    about :math:`n/H`; fees and funding are ignored.

    References
    ----------
    Binance. How to calculate liquidation price of USDⓈ-M futures contracts.
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> p = [100.0, 90.0, 100.0, 95.0] * 50
    >>> round(leverage_cap(p, 1, 0.05, maintenance_margin_rate=0.0).leverage, 4)
    10.0
    """
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    a = float(check_range(as_float_array(target, "target"), "target", 0.0, 1.0,
                          low_inclusive=False, high_inclusive=False))  # fmt: skip
    m = float(check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                          "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False))  # fmt: skip
    mae = max_adverse_excursion(price, h, side=side, high=high, low=low)
    x = np.asarray(mae, dtype=float)
    q = max(0.0, _quantile_needed(x, a, "leverage_cap"))
    sign = 1.0 if side == "long" else -1.0
    denom = m + (1.0 - sign * m) * q
    lev = math.inf if denom <= 0 else 1.0 / denom
    return LeverageCap(lev, a, h, side, m, q, int(np.isfinite(x).sum()), mae)


def gap_probability_chart(
    calibrations: Any,
    rates: Any = None,
    *,
    marks: Any = None,
    title: str = "Probability that the price gaps through bankruptcy before the close-out",
    width: int = 520,
    height: int = 260,
) -> Any:
    """Gap-through-bankruptcy probability against the maintenance margin rate, several horizons.

    Parameters
    ----------
    calibrations : mapping of str to MarginCalibration
        Label (e.g. ``"1 h"``) -> result of :func:`calibrate_maintenance_margin`; one line each.
    rates : array_like, optional
        Maintenance margin rates (fractions in [0, 1)) on the x axis; default 121 points from 0
        to 6%.
    marks : mapping of str to float, optional
        Label -> rate (fraction) drawn as labelled vertical rules, e.g. venues' tier-1 rates.
    title : str
        Chart title.
    width, height : int
        Size in px.

    Returns
    -------
    altair.LayerChart
        Lines of :meth:`MarginCalibration.gap_probability` on a log y axis (zero
        probabilities are dropped), plus the rules. Needs ``altair``.

    Raises
    ------
    ValueError
        Empty ``calibrations`` or rates outside [0, 1).

    See Also
    --------
    calibrate_maintenance_margin, MarginCalibration.gap_probability

    Examples
    --------
    >>> cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
    >>> spec = gap_probability_chart({"1 bar": cal}, marks={"venue": 0.005}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'text']
    """
    require("altair", "charts")
    import altair as alt

    if not calibrations:
        raise ValueError("calibrations must name at least one MarginCalibration; got none")
    m = np.linspace(0.0, 0.06, 121) if rates is None else as_float_array(rates, "rates").ravel()
    check_range(m, "rates", 0.0, 1.0, high_inclusive=False)
    frames = [
        pd.DataFrame(
            {
                "maintenance_margin_rate": m,
                "gap_probability": np.atleast_1d(cal.gap_probability(m)),
                "horizon": label,
            }
        )
        for label, cal in calibrations.items()
    ]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["gap_probability"] > 0].round(6)
    x = alt.X(
        "maintenance_margin_rate:Q",
        title="maintenance margin rate (fraction of notional)",
        axis=alt.Axis(format=".1%"),
    )
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y(
                "gap_probability:Q",
                title="P(adverse move > rate within horizon)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~%"),
            ),
            color=alt.Color("horizon:N", title="close-out horizon", sort=list(calibrations)),
            tooltip=[
                alt.Tooltip("horizon:N"),
                alt.Tooltip("maintenance_margin_rate:Q", format=".2%", title="rate"),
                alt.Tooltip("gap_probability:Q", format=".3%", title="probability"),
            ],
        )
    )
    layers: list[Any] = [lines]
    if marks:
        mk = pd.DataFrame({"label": list(marks), "rate": [float(v) for v in marks.values()]})
        mk = mk.sort_values("rate").reset_index(drop=True)
        mk["label_y"] = 4 + 13 * (mk.index % 3)  # stagger labels so neighbours do not overprint
        layers.append(
            alt.Chart(mk)
            .mark_rule(color="#888", strokeDash=[4, 3])
            .encode(
                x="rate:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("rate:Q", format=".2%")]
            )
        )
        layers.append(
            alt.Chart(mk)
            .mark_text(align="left", baseline="top", dx=3, fontSize=10, color="#555")
            .encode(x="rate:Q", y=alt.Y("label_y:Q", scale=None), text="label:N")
        )
    return alt.layer(*layers).properties(title=title, width=width, height=height)
