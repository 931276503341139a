"""Backtests of VaR forecasts: coverage tests, rolling backtests, VaR around crash events.

Kupiec's proportion-of-failures test and Christoffersen's independence and conditional-coverage
tests (:class:`CoverageTest`), realised returns against forecasts (:func:`backtest_var`,
:class:`VaRBacktest`), the rolling forecast-and-test of :func:`rolling_var_backtest`, a table of
several backtests, and the worst loss of each crash window against the VaR before and after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special, stats

from riskkit._errors import check_mapping, check_type, check_tz_match, check_tz_same
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_time_index,
    side_sign,
)
from riskkit.exceptions import InsufficientDataError
from riskkit.risk._common import _confidence, _html
from riskkit.risk.var import rolling_var, var_es

__all__ = [
    "CoverageTest",
    "VaRBacktest",
    "backtest_table",
    "backtest_var",
    "christoffersen_conditional_coverage",
    "christoffersen_independence",
    "kupiec_pof",
    "rolling_var_backtest",
    "var_around_events",
]


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

    def to_frame(self) -> pd.DataFrame:
        """Same one-row frame as :meth:`summary` (index ``test``)."""
        return self.summary()

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
    check_time_index(exceedances, "exceedances")
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
    check_time_index(exceedances, "exceedances")
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
        """Altair chart of losses, VaR and exceedances over time (needs ``altair``).

        Built by :func:`riskkit.charts.risk.var_backtest_chart`.
        """
        from riskkit.charts.risk import var_backtest_chart

        return var_backtest_chart(self)


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
    check_time_index(returns, "returns")
    (returns, var, es), _ = align_series(returns, var, es, names=("returns", "var", "es"))
    if not isinstance(returns, pd.Series) or not isinstance(var, pd.Series):
        raise TypeError("returns and var must be pandas Series sharing an index")
    check_tz_same(returns=returns, var=var, es=es)
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
    check_mapping(backtests, "backtests", "VaRBacktest", value_type=VaRBacktest)
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
    check_type(events, "events", pd.DataFrame)
    missing = [c for c in ("start", "end") if c not in events.columns]
    if missing:
        raise KeyError(f"events must have columns 'start' and 'end'; missing {missing}")
    for col in ("start", "end"):
        if len(events):
            check_tz_match(returns.index, "returns.index", pd.Timestamp(events[col].iloc[0]),
                           f"events[{col!r}]")  # fmt: skip
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
        if not float(var_before) > 0:
            raise ValueError(
                f"returns up to the eve of event {key!r} ({ev['start'] - lag}) give a {method} "
                f"VaR of {float(var_before) + 0.0:g} at confidence {confidence:g}, so "
                "loss / VaR is undefined; the returns must include losses before the event "
                "(are they all zero?)"
            )
        rows[key] = {
            "worst loss": worst,
            "VaR before": float(var_before),
            "loss / VaR": worst / float(var_before),
            "VaR after": float(var_after),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = events.index.name
    return out
