"""Liquidation hunting: does the price move toward dense estimated liquidation levels?

* :func:`liquidation_density` -- the estimated liquidation notional just above and below the
  price at every bar, rebuilt without look-ahead from open interest.
* :func:`liquidation_hunting_test` -- whether the forward return points toward the denser side
  more often than chance (:class:`HuntingTestResult`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._deprecate import deprecated_method, renamed_kwargs
from riskkit._errors import check_tz_same
from riskkit._validation import as_float_array, check_positive, check_range
from riskkit.cascade._common import (
    _arr,
    _as_series,
    _check_nobs,
    _html,
    _isolated_liquidation_price,
    _newey_west_lags,
)
from riskkit.cascade.book import _oi_cohort_inputs

__all__ = ["HuntingTestResult", "liquidation_density", "liquidation_hunting_test"]


def liquidation_density(
    price: pd.Series,
    open_interest: pd.Series,
    *,
    band: float = 0.05,
    lookback: int = 180,
    leverage: Sequence[float] = (5.0, 10.0, 25.0, 50.0, 100.0),
    leverage_weights: Sequence[float] | None = None,
    long_share: float | pd.Series = 0.5,
    maintenance_margin_rate: float = 0.005,
    low: pd.Series | None = None,
    high: pd.Series | None = None,
    decrease: str = "pro_rata",
    open_interest_unit: str = "quote",
) -> pd.DataFrame:
    """Estimated liquidation notional just above and below the price at every bar, no look-ahead.

    At each bar :math:`t` the book of :func:`book_from_open_interest` is rebuilt from the
    last ``lookback`` bars up to and including :math:`t` only, and the notional whose
    liquidation price lies within ``band`` of :math:`P_t` is summed per side. This is the input
    of :func:`liquidation_hunting_test`.

    Parameters
    ----------
    price, open_interest, low, high : pandas.Series
        As in :func:`book_from_open_interest`.
    leverage, leverage_weights, long_share, maintenance_margin_rate, decrease, open_interest_unit
        As in :func:`book_from_open_interest`.
    band : float, default 0.05
        Half-width of the window around the price, fraction of price, in (0, 1).
    lookback : int, default 180
        Bars of open-interest history used at each bar (>= 1); older cohorts are forgotten,
        as in public heatmaps with a fixed window.

    Returns
    -------
    pandas.DataFrame
        On the index of ``price``, columns ``above`` (short-liquidation notional with
        liquidation price in :math:`(P_t, P_t(1+b)]`) and ``below`` (long-liquidation notional in
        :math:`[P_t(1-b), P_t)`), quote currency valued at the liquidation price.

    Raises
    ------
    TypeError, ValueError, InsufficientDataError
        As in :func:`book_from_open_interest`, and for a bad ``band`` or ``lookback``.

    See Also
    --------
    book_from_open_interest, liquidation_map, liquidation_hunting_test

    Notes
    -----
    With the cohort sizes :math:`q_{s,j}` of :func:`book_from_open_interest` evaluated at
    :math:`t` (survival :math:`\\prod_{u=s+1}^{t}\\min(1, Q_u/Q_{u-1})`, removal if
    :math:`\\min_{s<u\\le t}\\text{low}_u \\le P^{\\text{liq}}_{s,j}`),

    .. math::

        \\text{below}_t = \\sum_{t-\\ell < s \\le t} \\sum_j q^{\\text{long}}_{s,j}
        P^{\\text{liq}}_{s,j} \\, 1\\{P_t(1-b) \\le P^{\\text{liq}}_{s,j} < P_t\\},

    with :math:`\\ell` the lookback and :math:`b` the band; ``above`` is the mirror for shorts.
    Cost :math:`O(T \\ell K)` for :math:`T` bars and :math:`K` leverage cohorts.

    Examples
    --------
    >>> idx = pd.RangeIndex(3)
    >>> price = pd.Series([100.0, 100.0, 100.0], index=idx)
    >>> oi = pd.Series([0.0, 1000.0, 1000.0], index=idx)
    >>> liquidation_density(price, oi, band=0.15, leverage=[10.0], maintenance_margin_rate=0.0)
       above  below
    0    0.0    0.0
    1  550.0  450.0
    2  550.0  450.0
    """
    c = _oi_cohort_inputs(
        price,
        open_interest,
        leverage,
        leverage_weights,
        long_share,
        maintenance_margin_rate,
        low,
        high,
        decrease,
        open_interest_unit,
    )
    b = float(
        check_range(_arr(band, "band"), "band", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    )
    if isinstance(lookback, bool) or not isinstance(lookback, int | np.integer):
        raise TypeError(f"lookback must be an int; got {type(lookback).__name__}")
    if lookback < 1:
        raise ValueError(f"lookback must be >= 1; got {lookback}")
    pv, n = c.pv, c.pv.size
    q = c.oi / pv if open_interest_unit == "quote" else c.oi
    new = np.concatenate([[0.0], np.maximum(np.diff(q), 0.0)])
    if decrease == "pro_rata":
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(q[:-1] > 0, np.minimum(1.0, q[1:] / q[:-1]), 1.0)
        cl = np.concatenate([[0.0], np.cumsum(np.log(np.maximum(ratio, 1e-300)))])
    else:
        cl = np.zeros(n)
    liq_l = _isolated_liquidation_price(np.ones(1), pv[:, None], c.lev[None, :], np.asarray(c.mmr))
    liq_s = _isolated_liquidation_price(-np.ones(1), pv[:, None], c.lev[None, :], np.asarray(c.mmr))
    base_l = (new * c.alpha)[:, None] * c.w[None, :]
    base_s = (new * (1.0 - c.alpha))[:, None] * c.w[None, :]
    above = np.zeros(n)
    below = np.zeros(n)
    for t in range(n):
        a = max(0, t - lookback + 1)
        # extreme of low/high strictly after each opening bar s in [a, t], up to t
        after_lo = np.concatenate(
            [np.minimum.accumulate(c.lo[a + 1 : t + 1][::-1])[::-1], [np.inf]]
        )
        after_hi = np.concatenate(
            [np.maximum.accumulate(c.hi[a + 1 : t + 1][::-1])[::-1], [-np.inf]]
        )
        surv = np.exp(cl[t] - cl[a : t + 1])[:, None]
        ll, ls = liq_l[a : t + 1], liq_s[a : t + 1]
        pt = pv[t]
        ml = (after_lo[:, None] > ll) & (ll >= pt * (1.0 - b)) & (ll < pt)
        ms = (after_hi[:, None] < ls) & (ls <= pt * (1.0 + b)) & (ls > pt)
        below[t] = float((base_l[a : t + 1] * surv * ll)[ml].sum())
        above[t] = float((base_s[a : t + 1] * surv * ls)[ms].sum())
    return pd.DataFrame({"above": above, "below": below}, index=c.price.index)


@dataclass(frozen=True, slots=True)
class HuntingTestResult:
    """Does the price move toward the denser side of the liquidation map?

    Attributes
    ----------
    nobs : int
        Bars used (ties and missing rows dropped).
    hit_rate : float
        Share of bars whose forward return points toward the denser side.
    chance_rate : float
        Hit rate expected if direction were independent of the map,
        :math:`\\pi_u \\pi_a + (1-\\pi_u)(1-\\pi_a)`.
    results : statsmodels RegressionResultsWrapper
        OLS of :math:`1\\{r^{fwd}_t > 0\\}` on a constant and :math:`1\\{\\text{above denser}\\}`,
        HAC covariance.
    hac_maxlag : int
        Newey-West lag truncation (formerly ``maxlags``, deprecated).

    See Also
    --------
    liquidation_hunting_test, liquidation_density

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 300))))
    >>> a = pd.Series(rng.exponential(size=300)); b = pd.Series(rng.exponential(size=300))
    >>> liquidation_hunting_test(price, a, b).nobs
    299
    """

    nobs: int
    hit_rate: float
    chance_rate: float
    results: Any
    hac_maxlag: int

    maxlags = deprecated_method("hac_maxlag")

    @property
    def params(self) -> pd.Series:
        """Constant and the difference in up-move probability (above denser minus below)."""
        return self.results.params

    @property
    def pvalue(self) -> float:
        """One-sided p-value of ``H1: params['above_denser'] > 0`` (hunting)."""
        from scipy import stats

        t = float(self.results.tvalues["above_denser"])
        return float(stats.norm.sf(t))

    def summary(self) -> pd.DataFrame:
        """Hit rate versus chance, the probability difference, HAC t and one-sided p."""
        return pd.DataFrame(
            {
                "value": [
                    self.nobs,
                    self.hit_rate,
                    self.chance_rate,
                    float(self.params["above_denser"]),
                    float(self.results.bse["above_denser"]),
                    float(self.results.tvalues["above_denser"]),
                    self.pvalue,
                ]
            },
            index=["nobs", "hit_rate", "chance_rate", "params", "bse", "tvalues", "pvalue"],
        )

    def to_frame(self) -> pd.DataFrame:
        """The HAC regression table: ``params``, ``bse``, ``tvalues``, ``pvalues`` by term."""
        return pd.DataFrame(
            {
                "params": self.results.params,
                "bse": self.results.bse,
                "tvalues": self.results.tvalues,
                "pvalues": self.results.pvalues,
            }
        )

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Liquidation-hunting test")


@renamed_kwargs(maxlags="hac_maxlag")
def liquidation_hunting_test(
    price: pd.Series,
    liquidations_above: pd.Series,
    liquidations_below: pd.Series,
    *,
    horizon: int = 1,
    hac_maxlag: int | None = None,
) -> HuntingTestResult:
    """Test whether the price moves toward dense estimated liquidation levels.

    Parameters
    ----------
    price : pandas.Series
        Price per bar, > 0.
    liquidations_above : pandas.Series
        Estimated short-liquidation notional within a band above the price at each bar, built
        only from data up to that bar (e.g. from :func:`liquidation_map` of a book from
        :func:`book_from_open_interest` truncated at the bar); >= 0.
    liquidations_below : pandas.Series
        The same for long liquidations below the price.
    horizon : int, default 1
        Forward horizon in bars (>= 1).
    hac_maxlag : int, optional
        Newey-West lag truncation, bars (formerly ``maxlags``, deprecated); default
        ``max(horizon, Newey-West rule)`` since overlapping forward returns are autocorrelated
        up to lag ``horizon - 1``.

    Returns
    -------
    HuntingTestResult

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If fewer than 30 usable bars remain.

    See Also
    --------
    liquidation_map, book_from_open_interest

    Notes
    -----
    Let :math:`a_t = 1\\{\\text{above}_t > \\text{below}_t\\}` and
    :math:`u_t = 1\\{P_{t+h} > P_t\\}`. The hit rate is the share of bars with
    :math:`u_t = a_t`. With no hunting, direction is independent of the map and the hit rate
    is :math:`\\pi_u \\pi_a + (1-\\pi_u)(1-\\pi_a)`, with :math:`\\pi_u, \\pi_a` the sample shares.
    The test is the linear-probability regression

    .. math::

        u_t = c + \\delta a_t + e_t,

    where :math:`\\delta = P(u=1 | a=1) - P(u=1 | a=0)`; hunting predicts :math:`\\delta > 0`.
    HAC errors handle overlapping horizons. Bars with equal density on both sides or a zero
    forward return are dropped. The map must be built without look-ahead, or the test is void.

    References
    ----------
    Osler, C. L. (2005), "Stop-loss orders and price cascades in currency markets", Journal of
    International Money and Finance 24(2), 219-241, doi:10.1016/j.jimonfin.2004.12.002.

    Examples
    --------
    >>> rng = np.random.default_rng(2)
    >>> price = pd.Series(np.exp(np.cumsum(rng.normal(0, 0.01, 400))))
    >>> above = pd.Series(rng.exponential(1.0, 400)); below = pd.Series(rng.exponential(1.0, 400))
    >>> res = liquidation_hunting_test(price, above, below)
    >>> bool(abs(res.hit_rate - res.chance_rate) < 0.1)
    True
    """
    import statsmodels.api as sm

    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"horizon must be an int >= 1; got {horizon!r}")
    check_tz_same(
        price=price, liquidations_above=liquidations_above, liquidations_below=liquidations_below
    )
    p = _as_series(price, "price")
    check_positive(as_float_array(p.dropna(), "price"), "price")
    above = _as_series(liquidations_above, "liquidations_above")
    below = _as_series(liquidations_below, "liquidations_below")
    check_positive(
        as_float_array(above.dropna(), "liquidations_above"), "liquidations_above", strict=False
    )
    check_positive(
        as_float_array(below.dropna(), "liquidations_below"), "liquidations_below", strict=False
    )
    fwd = p.shift(-horizon) / p - 1.0
    df = pd.concat({"fwd": fwd, "above": above, "below": below}, axis=1, join="inner").dropna()
    df = df[(df["above"] != df["below"]) & (df["fwd"] != 0.0)]
    n = int(df.shape[0])
    _check_nobs(n, 30, "liquidation_hunting_test")
    u = (df["fwd"] > 0).astype(np.float64).rename("up")
    a = (df["above"] > df["below"]).astype(np.float64).rename("above_denser")
    hit = float((u == a).mean())
    pu, pa = float(u.mean()), float(a.mean())
    chance = pu * pa + (1.0 - pu) * (1.0 - pa)
    lags = max(horizon, _newey_west_lags(n)) if hac_maxlag is None else int(hac_maxlag)
    fit = sm.OLS(u, sm.add_constant(a)).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    return HuntingTestResult(n, hit, chance, fit, lags)
