"""Lead-lag between leverage and prices: VARs and Granger-causality tests (wrapping statsmodels).

Part of :mod:`riskkit.cycles`; import the public names from there. statsmodels is imported
inside the functions that use it.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._deprecate import deprecated_attr, deprecated_method, renamed_kwargs
from riskkit._errors import check_int as _check_int
from riskkit._errors import check_tz_match
from riskkit._validation import as_float_array, check_option, check_time_index
from riskkit.cycles._common import _html
from riskkit.exceptions import InsufficientDataError

__all__ = ["GrangerResult", "VARLeadLag", "granger_causality", "var_lead_lag"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class VARLeadLag:
    """A VAR and its pairwise Granger-causality tests (:func:`var_lead_lag`).

    Attributes
    ----------
    model_result : statsmodels VARResults
        The fitted VAR (``.summary()``, ``.irf()``, ``.params`` ...).
    granger : DataFrame
        One row per ordered pair: ``caused``, ``causing``, ``lags``, ``test_statistic`` (F),
        ``df_num``, ``df_denom``, ``pvalue`` (statsmodels ``test_causality(kind="f")``).
    """

    model_result: Any = field(repr=False)
    granger: pd.DataFrame

    @property
    def k_ar(self) -> int:
        """Lag order of the VAR."""
        return int(self.model_result.k_ar)

    @property
    def nobs(self) -> int:
        """Observations used (after the lags)."""
        return int(self.model_result.nobs)

    @property
    def pvalue_matrix(self) -> pd.DataFrame:
        """Granger p-values as a matrix: rows = caused, columns = causing."""
        return self.granger.pivot(index="caused", columns="causing", values="pvalue")

    #: Deprecated method spelling of :attr:`pvalue_matrix`.
    pvalues = deprecated_method("pvalue_matrix")

    def summary(self) -> pd.DataFrame:
        """The Granger-causality table."""
        return self.granger.copy()

    def to_frame(self) -> pd.DataFrame:
        """The Granger-causality table."""
        return self.granger.copy()

    def _repr_html_(self) -> str:
        return _html(self.granger, f"VAR({self.k_ar}), nobs={self.nobs}: Granger causality")


@renamed_kwargs(maxlags="maxlag")
def var_lead_lag(
    data: pd.DataFrame,
    maxlag: int | None = None,
    *,
    ic: Literal["aic", "bic", "hqic", "fpe"] | None = "aic",
    trend: Literal["c", "ct", "n"] = "c",
) -> VARLeadLag:
    r"""Fit a VAR with statsmodels and test Granger causality between every pair of columns.

    Parameters
    ----------
    data : DataFrame
        Stationary series in columns (e.g. annualised funding, open-interest log change,
        returns), no NaN, at least 2 columns.
    maxlag : int, optional
        Largest lag (>= 1). With ``ic`` the order is selected up to it; without, it is the order.
        Default: statsmodels' :math:`12 (T/100)^{1/4}`. Formerly ``maxlags`` (deprecated).
    ic : {"aic", "bic", "hqic", "fpe"} or None, default "aic"
        Information criterion for the lag order; None fits exactly ``maxlag``.
    trend : {"c", "ct", "n"}, default "c"
        Deterministic terms (constant, constant and trend, none).

    Returns
    -------
    VARLeadLag
        Wraps the statsmodels ``VARResults``; ``.granger`` is the pairwise table.

    Raises
    ------
    TypeError
        If ``data`` is not a DataFrame.
    ValueError
        For NaN, fewer than 2 columns or bad options.
    InsufficientDataError
        With too few rows for the lags.

    See Also
    --------
    granger_causality : Bivariate test at each lag with statsmodels ``grangercausalitytests``.

    Notes
    -----
    .. math:: y_t = c + \sum_{l=1}^{p} A_l y_{t-l} + u_t

    Column :math:`j` Granger-causes column :math:`i` if the lags of :math:`y_j` in the equation
    of :math:`y_i` are jointly non-zero: :math:`H_0: (A_1)_{ij} = .. = (A_p)_{ij} = 0`, an F
    test (Wald statistic divided by :math:`p`, denominator degrees of freedom
    :math:`K (T - Kp - 1)` for :math:`K` variables and :math:`T` observations).

    References
    ----------
    Granger, C. W. J. (1969). "Investigating Causal Relations by Econometric Models and
    Cross-spectral Methods". Econometrica 37(3), 424-438. https://doi.org/10.2307/1912791

    Lütkepohl, H. (2005). New Introduction to Multiple Time Series Analysis. Springer, 3.6.1.
    https://doi.org/10.1007/978-3-540-27752-1

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> y = np.r_[0.0, 0.8 * x[:-1]] + 0.5 * rng.normal(size=400)
    >>> res = var_lead_lag(pd.DataFrame({"x": x, "y": y}), maxlag=1, ic=None)
    >>> p = res.pvalue_matrix
    >>> bool(p.loc["y", "x"] < 0.001), bool(p.loc["x", "y"] < 0.001)
    (True, False)
    """
    check_time_index(data, "data")
    from statsmodels.tsa.api import VAR

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if data.shape[1] < 2:
        raise ValueError(f"data must have at least 2 columns; got {data.shape[1]}")
    vals = as_float_array(data.to_numpy(), "data")
    check_option(trend, "trend", ("c", "ct", "n"))
    if ic is not None:
        check_option(ic, "ic", ("aic", "bic", "hqic", "fpe"))
    if maxlag is not None:
        _check_int(maxlag, "maxlag", 1)
    k = data.shape[1]
    lags_needed = maxlag if maxlag is not None else 1
    need = k * lags_needed + 2 + lags_needed + 1
    if len(data) < need:
        raise InsufficientDataError(
            f"var_lead_lag needs at least {need} rows for {k} series and {lags_needed} lags; "
            f"got {len(data)}"
        )
    frame = pd.DataFrame(vals, columns=[str(c) for c in data.columns])
    res = VAR(frame).fit(maxlags=maxlag, ic=ic, trend=trend)
    if res.k_ar == 0:
        logger.info("VAR lag order selected by %s is 0; refitting with 1 lag", ic)
        res = VAR(frame).fit(maxlags=1, trend=trend)
    rows = []
    for caused in frame.columns:
        for causing in frame.columns:
            if caused == causing:
                continue
            t = res.test_causality(caused, [causing], kind="f")
            rows.append(
                {
                    "caused": caused,
                    "causing": causing,
                    "lags": int(res.k_ar),
                    "test_statistic": float(t.test_statistic),
                    "df_num": int(t.df[0]),
                    "df_denom": int(t.df[1]),
                    "pvalue": float(t.pvalue),
                }
            )
    return VARLeadLag(model_result=res, granger=pd.DataFrame(rows))


@dataclass(frozen=True, slots=True)
class GrangerResult:
    """Bivariate Granger-causality tests at each lag (:func:`granger_causality`).

    Attributes
    ----------
    model_result : dict
        statsmodels ``grangercausalitytests`` output: lag -> (tests, [restricted OLS,
        unrestricted OLS, restriction matrix]).
    table : DataFrame
        Index ``lag``; ``ssr_ftest`` F statistic (``F``), its ``pvalue``, ``df_denom``,
        ``df_num``, the ``ssr_chi2test`` and ``lrtest`` p-values.
    caused, causing : str
        Names of the two series.
    """

    model_result: Any = field(repr=False)
    table: pd.DataFrame
    caused: str
    causing: str

    def summary(self) -> pd.DataFrame:
        """The per-lag table."""
        return self.table.copy()

    def to_frame(self) -> pd.DataFrame:
        """The per-lag table."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        return _html(self.table, f"Does {self.causing} Granger-cause {self.caused}?")


def granger_causality(caused: pd.Series, causing: pd.Series, maxlag: int = 4) -> GrangerResult:
    r"""Test whether ``causing`` Granger-causes ``caused`` at lags 1..``maxlag`` (statsmodels).

    Parameters
    ----------
    caused : Series
        The series to be predicted (e.g. next-period returns), stationary.
    causing : Series
        The candidate leading series (e.g. funding), stationary. Aligned on common dates.
    maxlag : int, default 4
        Largest lag (>= 1), in observations.

    Returns
    -------
    GrangerResult
        ``.table`` per lag; ``.model_result`` the raw statsmodels output.

    Raises
    ------
    TypeError
        If an input is not a Series.
    ValueError
        If an input is constant, both are the same series, or the lags fit ``caused`` exactly.
    InsufficientDataError
        If too few common observations remain.

    See Also
    --------
    var_lead_lag : All pairs in one VAR.

    Notes
    -----
    For each lag :math:`p` the unrestricted regression is

    .. math:: y_t = a + \sum_{l=1}^p b_l y_{t-l} + \sum_{l=1}^p c_l x_{t-l} + e_t

    and :math:`H_0: c_1 = .. = c_p = 0` is tested with
    :math:`F = \frac{(SSR_r - SSR_u)/p}{SSR_u/(T - 2p - 1)}`.

    References
    ----------
    Granger, C. W. J. (1969). Econometrica 37(3), 424-438. https://doi.org/10.2307/1912791

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(1)
    >>> x = pd.Series(rng.normal(size=300), name="x")
    >>> y = pd.Series(np.r_[0.0, 0.8 * x.to_numpy()[:-1]] + rng.normal(size=300), name="y")
    >>> bool(granger_causality(y, x, maxlag=2).table["pvalue"].max() < 0.001)
    True
    """
    from statsmodels.tools.sm_exceptions import InfeasibleTestError

    check_time_index(caused, "caused")
    check_time_index(causing, "causing")
    from statsmodels.tsa.stattools import grangercausalitytests

    for arg, name in ((caused, "caused"), (causing, "causing")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
    check_tz_match(caused.index, "caused.index", causing.index, "causing.index")
    lag = _check_int(maxlag, "maxlag", 1)
    a, b = caused.align(causing, join="inner")
    both = pd.concat([a, b], axis=1).dropna()
    need = 3 * lag + 2
    if len(both) < need:
        raise InsufficientDataError(
            f"granger_causality needs at least {need} common observations for maxlag={lag}; "
            f"got {len(both)}"
        )
    arr = as_float_array(both.to_numpy(), "data")
    for col, name in zip(arr.T, ("caused", "causing"), strict=True):
        if np.ptp(col) == 0:
            raise ValueError(
                f"{name} must vary over the common sample; got a constant series "
                f"({col[0]:g} at all {col.size} dates), for which no Granger test exists"
            )
    if np.array_equal(arr[:, 0], arr[:, 1]):
        raise ValueError(
            f"caused and causing must be different series; got the same values at all "
            f"{len(arr)} common dates, for which no Granger test exists"
        )
    kw: dict[str, Any] = {}
    if "verbose" in inspect.signature(grangercausalitytests).parameters:
        kw["verbose"] = False  # statsmodels < 0.15 prints the tests otherwise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        try:
            out = grangercausalitytests(arr, maxlag=lag, **kw)
        except InfeasibleTestError as exc:
            raise ValueError(
                f"caused is predicted exactly by its own lags and those of causing at "
                f"maxlag={lag} (residual sum of squares numerically 0 over {len(arr)} dates: a "
                "perfect fit, e.g. a deterministic series); no Granger F test exists"
            ) from exc
    rows = []
    for p in range(1, lag + 1):
        tests = out[p][0]
        f, pv, dfd, dfn = tests["ssr_ftest"]
        rows.append(
            {
                "lag": p,
                "F": float(f),
                "pvalue": float(pv),
                "df_denom": float(dfd),
                "df_num": int(dfn),
                "chi2_pvalue": float(tests["ssr_chi2test"][1]),
                "lr_pvalue": float(tests["lrtest"][1]),
            }
        )
    table = pd.DataFrame(rows).set_index("lag")
    return GrangerResult(
        model_result=out,
        table=table,
        caused=str(caused.name if caused.name is not None else "caused"),
        causing=str(causing.name if causing.name is not None else "causing"),
    )


__getattr__ = deprecated_attr(__name__, {"LeadLagResult": ("VARLeadLag", VARLeadLag)})
