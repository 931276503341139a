"""Elasticity of a liquidity measure to volatility: OLS on logs with Newey-West errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit.exceptions import InsufficientDataError
from riskkit.liquidity._common import _html, _series

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["LiquidityElasticity", "liquidity_elasticity"]


@dataclass(frozen=True, slots=True)
class LiquidityElasticity:
    """OLS of log liquidity on log volatility with HAC errors (:func:`liquidity_elasticity`).

    Attributes
    ----------
    params, bse, tvalues : pandas.Series
        Intercept ``const`` and slope ``elasticity``; Newey-West standard errors and t values.
    nobs : int
        Observations used.
    rsquared : float
        R-squared of the log regression.
    maxlags : int
        Newey-West lags.
    data : pandas.DataFrame
        ``log_liquidity`` and ``log_volatility`` used in the fit.
    """

    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    nobs: int
    rsquared: float
    maxlags: int
    data: pd.DataFrame

    @property
    def elasticity(self) -> float:
        """Slope: % change in liquidity measure per 1 % change in volatility."""
        return float(self.params["elasticity"])

    def to_frame(self) -> pd.DataFrame:
        """The logs used in the fit."""
        return self.data.copy()

    def summary(self) -> pd.DataFrame:
        """Coefficients with HAC standard errors and t values."""
        return pd.DataFrame({"coef": self.params, "std err (HAC)": self.bse, "t": self.tvalues})

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"LiquidityElasticity (n={self.nobs}, HAC {self.maxlags})")

    def chart(self) -> alt.LayerChart:
        """Scatter of the logs with the fitted line (see :mod:`riskkit.charts.liquidity`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import elasticity_chart

        return elasticity_chart(self)


def liquidity_elasticity(
    liquidity: pd.Series, volatility: pd.Series, *, maxlags: int | None = None
) -> LiquidityElasticity:
    """Elasticity of a liquidity measure (spread, depth) to realised volatility.

    Parameters
    ----------
    liquidity : pandas.Series
        Spread (fraction) or depth (quote currency), > 0 where defined; increasing unique index.
    volatility : pandas.Series
        Realised volatility on the same index (any consistent unit), > 0 where defined.
    maxlags : int, optional
        Newey-West lags; default :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor`.

    Returns
    -------
    LiquidityElasticity

    Raises
    ------
    ValueError
        A bad index or non-positive values.
    InsufficientDataError
        Fewer than 10 common observations.

    See Also
    --------
    riskkit.liquidity.estimate_spreads

    Notes
    -----
    .. math:: \\ln \\ell_t = a + b\\, \\ln \\sigma_t + \\varepsilon_t,

    with :math:`\\ell_t` the liquidity measure, :math:`\\sigma_t` the volatility and :math:`b`
    the elasticity; standard errors are Newey-West (Bartlett kernel), since overlapping
    windows make :math:`\\varepsilon_t` autocorrelated.

    References
    ----------
    Newey, W. K. and West, K. D. (1987). A simple, positive semi-definite, heteroskedasticity
    and autocorrelation consistent covariance matrix. *Econometrica* 55(3), 703-708.
    https://doi.org/10.2307/1913610

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=20, freq="D", tz="UTC")
    >>> vol = pd.Series(np.linspace(0.01, 0.05, 20), index=idx)
    >>> round(liquidity_elasticity(0.1 * vol**0.5, vol).elasticity, 6)
    0.5
    """
    require("statsmodels", None, feature="liquidity_elasticity")
    import statsmodels.api as sm

    liq = _series(liquidity, "liquidity", allow_nan=True)
    vol = _series(volatility, "volatility", allow_nan=True)
    for name, s in (("liquidity", liq), ("volatility", vol)):
        if bool((s.dropna() <= 0).any()):
            raise ValueError(f"{name} must be > 0 where defined; got {float(s[s <= 0].iloc[0])!r}")
    df = pd.concat({"log_liquidity": np.log(liq), "log_volatility": np.log(vol)}, axis=1).dropna()
    n = len(df)
    if n < 10:
        raise InsufficientDataError(f"liquidity_elasticity needs >= 10 observations; got {n}")
    lags = int(np.floor(4 * (n / 100) ** (2 / 9))) if maxlags is None else int(maxlags)
    if lags < 0:
        raise ValueError(f"maxlags must be >= 0; got {lags}")
    x = sm.add_constant(df["log_volatility"].to_numpy())
    fit = sm.OLS(df["log_liquidity"].to_numpy(), x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    names = ["const", "elasticity"]
    return LiquidityElasticity(
        params=pd.Series(fit.params, index=names),
        bse=pd.Series(fit.bse, index=names),
        tvalues=pd.Series(fit.tvalues, index=names),
        nobs=n,
        rsquared=float(fit.rsquared),
        maxlags=lags,
        data=df,
    )
