"""Liquidation econometrics on real series: regressions, lead-lag and event summaries.

* :func:`liquidation_regression` -- returns on liquidations with HAC standard errors
  (:class:`LiquidationRegression`), compared side by side by :func:`regression_table`.
* :func:`lead_lag` -- cross-correlations and HAC slopes at each lead and lag
  (:class:`CrossCorrelationLeadLag`).
* Event summaries: :func:`open_interest_drop` (open interest lost in a crash against reported
  liquidations) and :func:`liquidations_by_asset` (on-chain liquidation events per period and
  collateral).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._deprecate import deprecated_attr, deprecated_method, renamed_kwargs
from riskkit._errors import check_frame, check_mapping, check_type, check_tz_match, check_tz_same
from riskkit._validation import as_float_array, check_positive
from riskkit.cascade._common import _as_series, _check_nobs, _html, _newey_west_lags

__all__ = [
    "CrossCorrelationLeadLag",
    "LiquidationRegression",
    "lead_lag",
    "liquidation_regression",
    "liquidations_by_asset",
    "open_interest_drop",
    "regression_table",
]


def _align(named: dict[str, pd.Series]) -> pd.DataFrame:
    for k, v in named.items():
        _as_series(v, k)
    check_tz_same(**named)
    df = pd.concat(named, axis=1, join="inner")
    return df.dropna()


@dataclass(frozen=True, slots=True)
class LiquidationRegression:
    """OLS of returns on liquidations with HAC standard errors (statsmodels names).

    Attributes
    ----------
    results : statsmodels RegressionResultsWrapper
        The fitted statsmodels results (``cov_type="HAC"``).
    hac_maxlag : int
        Newey-West lag truncation used (formerly ``maxlags``, deprecated).

    See Also
    --------
    liquidation_regression, lead_lag

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(size=200)); sl = pd.Series(rng.exponential(size=200))
    >>> res = liquidation_regression(-0.01 * ll + pd.Series(rng.normal(0, 1e-3, 200)), ll, sl)
    >>> list(res.params.index)
    ['const', 'long_liquidations', 'short_liquidations']
    """

    results: Any
    hac_maxlag: int

    maxlags = deprecated_method("hac_maxlag")

    @property
    def params(self) -> pd.Series:
        """Coefficients."""
        return self.results.params

    @property
    def bse(self) -> pd.Series:
        """HAC standard errors."""
        return self.results.bse

    @property
    def tvalues(self) -> pd.Series:
        """HAC t statistics."""
        return self.results.tvalues

    @property
    def pvalues(self) -> pd.Series:
        """Two-sided p-values."""
        return self.results.pvalues

    @property
    def nobs(self) -> int:
        """Observations used."""
        return int(self.results.nobs)

    @property
    def rsquared(self) -> float:
        """Coefficient of determination."""
        return float(self.results.rsquared)

    def summary(self) -> Any:
        """The statsmodels summary."""
        return self.results.summary()

    def to_frame(self) -> pd.DataFrame:
        """params, bse, tvalues, pvalues per regressor."""
        return pd.DataFrame(
            {
                "params": self.params,
                "bse": self.bse,
                "tvalues": self.tvalues,
                "pvalues": self.pvalues,
            }
        )

    def _repr_html_(self) -> str:
        return _html(
            self.to_frame(),
            f"OLS, HAC({self.hac_maxlag}), nobs={self.nobs}, R²={self.rsquared:.3f}",
        )


@renamed_kwargs(maxlags="hac_maxlag")
def liquidation_regression(
    returns: pd.Series,
    long_liquidations: pd.Series,
    short_liquidations: pd.Series,
    open_interest_change: pd.Series | None = None,
    *,
    hac_maxlag: int | None = None,
) -> LiquidationRegression:
    """Regress returns on long and short liquidation volume (and open-interest change).

    Parameters
    ----------
    returns : pandas.Series
        Returns per bar (log or simple, a fraction), indexed by time.
    long_liquidations, short_liquidations : pandas.Series
        Liquidated notional per bar by side (any consistent unit, e.g. USD millions).
    open_interest_change : pandas.Series, optional
        Change (or relative change) of open interest per bar.
    hac_maxlag : int, optional
        Newey-West lag truncation, bars (>= 0); default :math:`\\lfloor 4 (n/100)^{2/9} \\rfloor`.
        Formerly ``maxlags`` (deprecated).

    Returns
    -------
    LiquidationRegression

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than (regressors + 10) aligned complete rows remain.

    See Also
    --------
    lead_lag, liquidation_hunting_test

    Notes
    -----
    Rows are aligned on the index intersection and rows with any NaN are dropped. The model is

    .. math::

        r_t = \\alpha + \\beta_L \\,\\mathrm{LL}_t + \\beta_S \\,\\mathrm{SL}_t
        + \\gamma \\,\\Delta \\mathrm{OI}_t + \\varepsilon_t,

    with :math:`r_t` the return, :math:`\\mathrm{LL}_t, \\mathrm{SL}_t` long and short
    liquidations and :math:`\\Delta\\mathrm{OI}_t` the open-interest change, estimated by OLS
    with Newey-West (Bartlett kernel) HAC covariance. Contemporaneous liquidations are
    endogenous (a fall causes long liquidations), so :math:`\\beta_L` is an association, not a
    causal effect; :func:`lead_lag` looks at timing.

    References
    ----------
    Newey, W. K. and West, K. D. (1987), "A Simple, Positive Semi-Definite, Heteroskedasticity
    and Autocorrelation Consistent Covariance Matrix", Econometrica 55(3), 703-708,
    doi:10.2307/1913610.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(1.0, 500)); sl = pd.Series(rng.exponential(1.0, 500))
    >>> r = 0.01 * sl - 0.02 * ll + pd.Series(rng.normal(0, 0.001, 500))
    >>> res = liquidation_regression(r, ll, sl)
    >>> res.params.round(2).tolist()
    [0.0, -0.02, 0.01]
    """
    import statsmodels.api as sm

    named = {
        "returns": returns,
        "long_liquidations": long_liquidations,
        "short_liquidations": short_liquidations,
    }
    if open_interest_change is not None:
        named["open_interest_change"] = open_interest_change
    df = _align(named)
    k = len(named)
    _check_nobs(df.shape[0], k + 10, "liquidation_regression")
    lags = _newey_west_lags(df.shape[0]) if hac_maxlag is None else int(hac_maxlag)
    if lags < 0:
        raise ValueError(f"hac_maxlag must be >= 0; got {hac_maxlag}")
    X = sm.add_constant(df.drop(columns="returns"), has_constant="add")
    res = sm.OLS(df["returns"], X).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return LiquidationRegression(res, lags)


def regression_table(
    regressions: dict[str, LiquidationRegression], *, coef_format: str = "{:+.4f}"
) -> pd.DataFrame:
    """Side-by-side table of several liquidation regressions: coefficient (HAC t) per cell.

    Parameters
    ----------
    regressions : dict of str to LiquidationRegression
        Column name -> fitted regression (see :func:`liquidation_regression`).
    coef_format : str, default "{:+.4f}"
        Format spec of the coefficients; t statistics are shown as ``{:+.1f}``.

    Returns
    -------
    pandas.DataFrame
        Strings: one row per regressor (in order of first appearance), then ``R²`` and
        ``observations``; one column per regression. A regressor a model lacks shows "–".

    Raises
    ------
    ValueError
        If ``regressions`` is empty.

    See Also
    --------
    liquidation_regression

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> ll = pd.Series(rng.exponential(1.0, 300)); sl = pd.Series(rng.exponential(1.0, 300))
    >>> r = -0.02 * ll + pd.Series(rng.normal(0, 0.001, 300))
    >>> oi = pd.Series(rng.normal(0, 1, 300))
    >>> t = regression_table({"a": liquidation_regression(r, ll, sl),
    ...                       "b": liquidation_regression(r, ll, sl, oi)})
    >>> t.index.tolist()
    ['const', 'long_liquidations', 'short_liquidations', 'open_interest_change',
     'R²', 'observations']
    >>> t.loc["open_interest_change", "a"]
    '–'
    """
    check_mapping(
        regressions, "regressions", "LiquidationRegression", value_type=LiquidationRegression
    )
    if not regressions:
        raise ValueError("regressions must hold at least one fitted regression")
    columns = {}
    for name, reg in regressions.items():
        f = reg.to_frame()
        cells = {
            k: f"{coef_format.format(f.loc[k, 'params'])} ({f.loc[k, 'tvalues']:+.1f})"
            for k in f.index
        }
        columns[name] = {**cells, "R²": f"{reg.rsquared:.3f}", "observations": f"{reg.nobs:,}"}
    rows = list(
        dict.fromkeys(k for c in columns.values() for k in c if k not in ("R²", "observations"))
    )
    return pd.DataFrame(columns).reindex([*rows, "R²", "observations"]).fillna("–")


@dataclass(frozen=True, slots=True)
class CrossCorrelationLeadLag:
    """Cross-correlations and HAC slopes of ``y[t+k]`` on ``x[t]`` for each lag ``k``.

    Attributes
    ----------
    table : pandas.DataFrame
        Indexed by ``lag`` k (positive: x leads y) with columns ``corr``, ``params``, ``bse``,
        ``tvalues``, ``pvalues``, ``nobs``.
    hac_maxlag : int
        Newey-West lag truncation used (formerly ``maxlags``, deprecated).

    See Also
    --------
    lead_lag

    Examples
    --------
    >>> x = pd.Series(np.random.default_rng(1).normal(size=200))
    >>> lead_lag(x, x.shift(1).fillna(0.0), maxlag=2).to_frame().index.tolist()
    [-2, -1, 0, 1, 2]
    """

    table: pd.DataFrame
    hac_maxlag: int

    maxlags = deprecated_method("hac_maxlag")

    def to_frame(self) -> pd.DataFrame:
        """The lag table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The lag table (correlation, slope, HAC standard error, t, p, nobs by lag)."""
        return self.table.copy()

    @property
    def peak_lag(self) -> int:
        """Lag with the largest absolute correlation."""
        return int(np.asarray(self.table.index)[int(np.argmax(self.table["corr"].abs()))])

    def _repr_html_(self) -> str:
        return _html(self.table, f"Lead-lag, HAC({self.hac_maxlag})")


@renamed_kwargs(max_lag="maxlag", maxlags="hac_maxlag")
def lead_lag(
    x: pd.Series,
    y: pd.Series,
    *,
    maxlag: int = 6,
    hac_maxlag: int | None = None,
) -> CrossCorrelationLeadLag:
    """Lead-lag between two series: correlation and HAC slope of :math:`y_{t+k}` on :math:`x_t`.

    Parameters
    ----------
    x, y : pandas.Series
        Series on a common, regularly spaced index (e.g. liquidations and returns).
    maxlag : int, default 6
        Largest lead/lag :math:`K` in bars (>= 0); lags :math:`-K..K` are reported. Formerly
        ``max_lag`` (deprecated).
    hac_maxlag : int, optional
        Newey-West lag truncation, bars (>= 0); default from the sample size. Formerly
        ``maxlags`` (deprecated).

    Returns
    -------
    CrossCorrelationLeadLag

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than ``2 * maxlag + 10`` aligned rows remain.

    See Also
    --------
    liquidation_regression

    Notes
    -----
    For each :math:`k \\in \\{-K,\\dots,K\\}`: :math:`\\rho_k = \\operatorname{corr}(x_t,
    y_{t+k})` and the OLS slope :math:`b_k` of :math:`y_{t+k} = a_k + b_k x_t + e_t` with HAC
    standard errors. :math:`k > 0` means :math:`x` leads :math:`y`. Shifting is by position, so
    the index must have no gaps (reindex to a full grid first).

    References
    ----------
    Newey, W. K. and West, K. D. (1994), "Automatic Lag Selection in Covariance Matrix
    Estimation", Review of Economic Studies 61(4), 631-653, doi:10.2307/2297912.

    Examples
    --------
    >>> x = pd.Series(np.random.default_rng(1).normal(size=300))
    >>> y = x.shift(2).fillna(0.0)
    >>> lead_lag(x, y, maxlag=3).peak_lag
    2
    """
    import statsmodels.api as sm

    if isinstance(maxlag, bool) or not isinstance(maxlag, int | np.integer) or maxlag < 0:
        raise ValueError(f"maxlag must be an int >= 0; got {maxlag!r}")
    check_tz_same(x=x, y=y)
    df = pd.concat({"x": _as_series(x, "x"), "y": _as_series(y, "y")}, axis=1, join="inner")
    _check_nobs(int(df.dropna().shape[0]), 2 * maxlag + 10, "lead_lag")
    rows = []
    lags_used = 0
    for k in range(-maxlag, maxlag + 1):
        pair = pd.concat({"x": df["x"], "y": df["y"].shift(-k)}, axis=1).dropna()
        n = pair.shape[0]
        lags_used = _newey_west_lags(n) if hac_maxlag is None else int(hac_maxlag)
        fit = sm.OLS(pair["y"], sm.add_constant(pair["x"])).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags_used}
        )
        rows.append(
            {
                "lag": k,
                "corr": float(pair["x"].corr(pair["y"])),
                "params": float(fit.params["x"]),
                "bse": float(fit.bse["x"]),
                "tvalues": float(fit.tvalues["x"]),
                "pvalues": float(fit.pvalues["x"]),
                "nobs": n,
            }
        )
    return CrossCorrelationLeadLag(pd.DataFrame(rows).set_index("lag"), lags_used)


def open_interest_drop(
    price: pd.Series,
    open_interest: pd.Series,
    long_liquidations: pd.Series,
    short_liquidations: pd.Series,
    before: Any,
    after: Any,
) -> pd.Series:
    """Open interest lost between two bars, in quote and base units, against reported liquidations.

    In a crash open interest falls through voluntary closes, auto-deleveraging and
    liquidations; exchange liquidation feeds report only part of the last. This compares the
    open interest that vanished with the liquidations reported for the bar ``after``.

    Parameters
    ----------
    price : pandas.Series
        Close per bar, quote per base unit.
    open_interest : pandas.Series
        Open interest per bar at the close, quote currency (e.g. USD).
    long_liquidations, short_liquidations : pandas.Series
        Reported liquidated notional per bar by side, quote currency.
    before, after : label
        Index labels of the bar before the event and of the event bar.

    Returns
    -------
    pandas.Series
        ``price_before``, ``price_after``; ``oi_before``, ``oi_after``, ``oi_lost`` (quote)
        and ``oi_lost_share``; ``oi_base_before``, ``oi_base_after``, ``oi_base_lost`` (base
        units) and ``oi_base_lost_share``; ``oi_base_lost_value`` (the coins lost valued at
        ``price_after``); ``long_liquidations``, ``short_liquidations``, ``liquidations`` and
        ``long_share`` of the event bar; ``oi_lost_to_liquidations``, the ratio of
        ``oi_base_lost_value`` to ``liquidations``.

    Raises
    ------
    KeyError
        If ``before`` or ``after`` is not in an index.

    See Also
    --------
    liquidation_regression

    Notes
    -----
    Open interest in quote currency is :math:`Q_t P_t` with :math:`Q_t` base units, so its
    change mixes the price move with closed positions. The base-unit loss
    :math:`Q_{t_0} - Q_{t_1}` with :math:`Q_t = \\mathrm{OI}_t / P_t` counts coins only; valued
    at :math:`P_{t_1}` it is the notional that left the market, an upper bound on forced
    selling. A ratio well above 1 measures closes that the liquidation feed did not report (or
    that were not liquidations).

    Examples
    --------
    >>> idx = pd.Index([0, 1])
    >>> out = open_interest_drop(pd.Series([100.0, 80.0], idx), pd.Series([1e6, 4e5], idx),
    ...                          pd.Series([0.0, 5e4], idx), pd.Series([0.0, 1e4], idx), 0, 1)
    >>> out[["oi_lost_share", "oi_base_lost", "oi_base_lost_share", "oi_lost_to_liquidations"]]
    oi_lost_share               0.6
    oi_base_lost             5000.0
    oi_base_lost_share          0.5
    oi_lost_to_liquidations     6.666667
    dtype: float64
    """
    series = {"price": price, "open_interest": open_interest}
    series |= {"long_liquidations": long_liquidations, "short_liquidations": short_liquidations}
    for name, s in series.items():
        check_type(s, name, pd.Series)
        for label, t in (("before", before), ("after", after)):
            check_tz_match(s.index, f"{name}.index", t, label)
    check_tz_same(**series)
    for name, x, rule in (
        ("price", price, "> 0"),
        ("open_interest", open_interest, ">= 0"),
        ("long_liquidations", long_liquidations, ">= 0"),
        ("short_liquidations", short_liquidations, ">= 0"),
    ):
        check_positive(as_float_array(x, name, allow_nan=True), name, strict=rule == "> 0")
    p0, p1 = float(price.loc[before]), float(price.loc[after])
    oi0, oi1 = open_interest.loc[before], open_interest.loc[after]
    q0, q1 = oi0 / p0, oi1 / p1
    long_l, short_l = long_liquidations.loc[after], short_liquidations.loc[after]
    liquidations = long_l + short_l
    return pd.Series(
        {
            "price_before": p0,
            "price_after": p1,
            "oi_before": oi0,
            "oi_after": oi1,
            "oi_lost": oi0 - oi1,
            "oi_lost_share": (oi0 - oi1) / oi0,
            "oi_base_before": q0,
            "oi_base_after": q1,
            "oi_base_lost": q0 - q1,
            "oi_base_lost_share": (q0 - q1) / q0,
            "oi_base_lost_value": (q0 - q1) * p1,
            "long_liquidations": long_l,
            "short_liquidations": short_l,
            "liquidations": liquidations,
            "long_share": long_l / liquidations,
            "oi_lost_to_liquidations": (q0 - q1) * p1 / liquidations,
        },
        dtype=float,
    )


def liquidations_by_asset(
    events: pd.DataFrame,
    *,
    value: str,
    asset: str,
    assets: Sequence[str],
    freq: str = "D",
    other: str = "other",
) -> pd.DataFrame:
    """Liquidated amount per period by collateral asset, the smaller assets pooled.

    Parameters
    ----------
    events : pandas.DataFrame
        One row per liquidation event on a DatetimeIndex.
    value : str
        Column with the amount of each event (e.g. debt repaid in USD).
    asset : str
        Column with the asset of each event (e.g. the collateral seized).
    assets : sequence of str
        Assets shown on their own, in this column order; all others are summed in ``other``.
    freq : str, default "D"
        Period of the sums (a pandas frequency; periods without events are left out).
    other : str, default "other"
        Name of the pooled column.

    Returns
    -------
    pandas.DataFrame
        Indexed by period start, columns (named ``asset``) ``assets`` then ``other``; sums of
        ``value`` (0 where an asset had no event in the period). Rows add up to the period's
        total.

    Raises
    ------
    KeyError
        If ``value`` or ``asset`` is not a column.

    See Also
    --------
    open_interest_drop

    Examples
    --------
    >>> ev = pd.DataFrame({"usd": [1.0, 2.0, 4.0], "coll": ["WETH", "LINK", "WETH"]},
    ...                   index=pd.to_datetime(["2021-05-19 01:00", "2021-05-19 02:00",
    ...                                         "2021-05-20 03:00"]))
    >>> liquidations_by_asset(ev, value="usd", asset="coll", assets=["WETH"])
    asset       WETH  other
    2021-05-19   1.0    2.0
    2021-05-20   4.0    0.0
    """
    check_frame(events, "events")
    missing = [c for c in (value, asset) if c not in events.columns]
    if missing:
        raise KeyError(f"events has no column(s) {missing}")
    keep = list(assets)
    label = events[asset].where(events[asset].isin(keep), other).rename("asset")
    sums = events.groupby([pd.Grouper(freq=freq), label])[value].sum().unstack().fillna(0.0)
    return sums.reindex(columns=[*keep, other], fill_value=0.0)


__getattr__ = deprecated_attr(
    __name__, {"LeadLagResult": ("CrossCorrelationLeadLag", CrossCorrelationLeadLag)}
)
