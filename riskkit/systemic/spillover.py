"""CoVaR and Delta-CoVaR (Adrian and Brunnermeier, 2016) by quantile regression.

Part of :mod:`riskkit.systemic`; import the public names from there. statsmodels is imported
inside the function that uses it.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from riskkit.exceptions import BoundaryEstimateWarning
from riskkit.systemic._common import _align, _check_level, _html, _series

__all__ = ["CoVaRResult", "covar"]


@dataclass(frozen=True, slots=True)
class CoVaRResult:
    """CoVaR of a system conditional on an asset's distress (:func:`covar`).

    Attributes
    ----------
    q : float
        Quantile level (e.g. 0.05).
    alpha, beta : float
        Intercept (returns' units) and slope (unitless) of the q-quantile regression of the
        system's returns on the asset's.
    beta_se : float
        Standard error of ``beta`` (statsmodels QuantReg, kernel sandwich).
    var_q, var_median : float
        The asset's q-quantile and median return (its VaR as a return, negative for a loss).
    covar_q, covar_median : float
        The system's conditional q-quantile with the asset at its q-quantile / at its median.
    delta_covar : float
        ``covar_q - covar_median = beta * (var_q - var_median)``; negative: the asset's
        distress lowers the system's q-quantile (a larger loss).
    delta_covar_se : float
        ``beta_se * |var_q - var_median|`` (the quantiles taken as known).
    nobs : int
        Observations used.
    system, asset : str
        Names of the two series.
    data : DataFrame
        The aligned ``system`` and ``asset`` returns (for the chart).
    model_result : statsmodels QuantRegResults
        The fitted quantile regression.
    """

    q: float
    alpha: float
    beta: float
    beta_se: float
    var_q: float
    var_median: float
    covar_q: float
    covar_median: float
    delta_covar: float
    delta_covar_se: float
    nobs: int
    system: str
    asset: str
    data: pd.DataFrame = field(repr=False)
    model_result: Any = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """One row: the regression, the asset's quantiles, CoVaR and Delta-CoVaR."""
        row = {
            "q": self.q,
            "alpha": self.alpha,
            "beta": self.beta,
            "beta_se": self.beta_se,
            "VaR_q": self.var_q,
            "VaR_median": self.var_median,
            "CoVaR_q": self.covar_q,
            "CoVaR_median": self.covar_median,
            "delta_CoVaR": self.delta_covar,
            "delta_CoVaR_se": self.delta_covar_se,
            "nobs": self.nobs,
        }
        return pd.DataFrame(row, index=[f"{self.system} | {self.asset}"])

    def to_frame(self) -> pd.DataFrame:
        """The summary row."""
        return self.summary()

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"CoVaR at q={self.q:g}")

    def chart(self, *, title: str | None = None) -> Any:
        """Scatter and quantile line (:func:`riskkit.charts.systemic.chart_covar`)."""
        from riskkit.charts.systemic import chart_covar

        return chart_covar(self, title=title)


def covar(system: pd.Series, asset: pd.Series, q: float = 0.05) -> CoVaRResult:
    r"""CoVaR and Delta-CoVaR: the system's q-quantile when an asset is at its q-quantile.

    Parameters
    ----------
    system : Series
        Returns of the system (or of another asset ``j``), fractions or log returns per
        period, with an increasing unique index.
    asset : Series
        Returns of the asset ``i`` whose distress is conditioned on, same units and frequency.
        The two are aligned on their labels (inner join, NaN rows dropped).
    q : float, default 0.05
        Quantile level in (0, 1); 0.05 is the 5 % tail (Adrian and Brunnermeier use 1 % and
        5 %).

    Returns
    -------
    CoVaRResult

    Raises
    ------
    TypeError
        If an input is not a Series or ``q`` is not a number.
    ValueError
        For infinite values, an unsorted or duplicated index, ``q`` outside (0, 1) or a
        constant ``asset``.
    InsufficientDataError
        With fewer than 20 common observations, or fewer than 2 expected below the quantile.

    Warns
    -----
    BoundaryEstimateWarning
        If statsmodels reports that the quantile regression did not converge.

    See Also
    --------
    rolling_beta : The mean (OLS) counterpart of the tail slope.

    Notes
    -----
    With :math:`X^i` the asset's and :math:`X^j` the system's returns, the q-quantile
    regression

    .. math:: \hat Q_q(X^j \mid X^i) = \hat\alpha_q + \hat\beta_q X^i,
              \qquad (\hat\alpha_q, \hat\beta_q) = \arg\min_{a, b}
              \sum_t \rho_q(X^j_t - a - b X^i_t),

    with the check loss :math:`\rho_q(u) = u (q - 1\{u < 0\})`, gives

    .. math:: \mathrm{CoVaR}_q^{j|i} = \hat\alpha_q + \hat\beta_q \mathrm{VaR}_q^i, \qquad
              \Delta\mathrm{CoVaR}_q^{j|i} = \hat\beta_q
              (\mathrm{VaR}_q^i - \mathrm{VaR}_{0.5}^i),

    where :math:`\mathrm{VaR}_q^i` is the empirical q-quantile of :math:`X^i` (numpy's default
    linear interpolation) and :math:`\mathrm{VaR}_{0.5}^i` its median. VaR is kept as a
    *return* (negative in the loss tail), as in Adrian and Brunnermeier's tables read with
    the sign of a return; a negative :math:`\Delta\mathrm{CoVaR}` means that the asset's
    distress pushes the system's tail further down. This is the unconditional version (no
    lagged state variables). Its standard error treats the two quantiles of :math:`X^i` as
    known, so it understates the uncertainty.

    References
    ----------
    Adrian, T. and Brunnermeier, M. K. (2016). "CoVaR". American Economic Review 106(7),
    1705-1741. https://doi.org/10.1257/aer.20120555

    Koenker, R. and Bassett, G. (1978). "Regression Quantiles". Econometrica 46(1), 33-50.
    https://doi.org/10.2307/1913643

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = pd.Series(rng.standard_normal(2000))
    >>> y = 0.5 * x + 0.5 * pd.Series(rng.standard_normal(2000))
    >>> res = covar(y, x, q=0.05)
    >>> round(res.beta, 1), bool(res.delta_covar < 0)
    (0.5, True)
    """
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, IterationLimitWarning

    s = _series(system, "system")
    a = _series(asset, "asset")
    level = _check_level(q, "q")
    both = _align(s, "system", a, "asset", 20)
    if level * len(both) < 2 or (1 - level) * len(both) < 2:
        from riskkit.exceptions import InsufficientDataError

        raise InsufficientDataError(
            f"covar at q={level:g} needs at least 2 expected observations in the tail; got "
            f"{len(both)} observations ({level * len(both):.1f} expected below the quantile)"
        )
    x = both["asset"].to_numpy()
    y = both["system"].to_numpy()
    if np.ptp(x) == 0:
        raise ValueError("asset is constant on the common dates; its quantiles are all equal")
    exog = sm.add_constant(x, has_constant="add")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = sm.QuantReg(y, exog).fit(q=level, max_iter=5000, p_tol=1e-10)
    for w in caught:
        if issubclass(w.category, ConvergenceWarning | IterationLimitWarning):
            warnings.warn(
                f"covar: the quantile regression at q={level:g} did not converge "
                f"({w.message}); try more data or another q",
                BoundaryEstimateWarning,
                stacklevel=2,
            )
    alpha, beta = (float(v) for v in res.params)
    beta_se = float(res.bse[1])
    var_q = float(np.quantile(x, level))
    var_m = float(np.quantile(x, 0.5))
    return CoVaRResult(
        q=level,
        alpha=alpha,
        beta=beta,
        beta_se=beta_se,
        var_q=var_q,
        var_median=var_m,
        covar_q=alpha + beta * var_q,
        covar_median=alpha + beta * var_m,
        delta_covar=beta * (var_q - var_m),
        delta_covar_se=beta_se * abs(var_q - var_m),
        nobs=len(both),
        system=str(system.name) if system.name is not None else "system",
        asset=str(asset.name) if asset.name is not None else "asset",
        data=both,
        model_result=res,
    )
