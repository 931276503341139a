"""Survival curves: Kaplan-Meier, the historical survival map and the highest safe leverage.

:func:`kaplan_meier` estimates a survival function with right censoring;
:func:`historical_survival` builds the leverage x horizon survival map of positions opened at
every bar of real OHLC data, censored where the data end; :func:`max_leverage` is the highest
leverage that historically survived a horizon with a given probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._deprecate import renamed_kwargs
from riskkit._errors import scalar_array
from riskkit._validation import align_series, as_float_array, check_positive, check_range
from riskkit.exceptions import InsufficientDataError
from riskkit.survival._common import _horizons, _leverages, _mmr, _ohlc
from riskkit.survival.historical import critical_leverage, time_to_liquidation

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "HistoricalSurvival",
    "SurvivalCurve",
    "historical_survival",
    "kaplan_meier",
    "max_leverage",
]


# --------------------------------------------------------------------------------------------
# Kaplan-Meier
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SurvivalCurve:
    """Kaplan-Meier estimate of a survival function with right censoring.

    Attributes
    ----------
    surv_times : numpy.ndarray
        Distinct event times (units of the durations), ascending.
    surv_prob : numpy.ndarray
        :math:`\\hat S(t)` just after each event time.
    surv_prob_se : numpy.ndarray
        Greenwood standard error of ``surv_prob`` (assumes independent durations; NaN once
        :math:`\\hat S = 0`, as in statsmodels ``SurvfuncRight``).
    n_risk : numpy.ndarray
        Number at risk just before each event time.
    n_events : numpy.ndarray
        Number of events at each event time.
    nobs : int
        Number of durations.
    max_time : float
        Longest duration (event or censored); :meth:`survival_at` is NaN beyond it
        unless the curve has reached 0.
    """

    surv_times: np.ndarray
    surv_prob: np.ndarray
    surv_prob_se: np.ndarray
    n_risk: np.ndarray
    n_events: np.ndarray
    nobs: int
    max_time: float

    def survival_at(self, t: Any) -> Any:
        """:math:`\\hat S(t)`; NaN beyond ``max_time`` unless :math:`\\hat S` has reached 0."""
        tt = np.asarray(t, dtype=np.float64)
        idx = np.searchsorted(self.surv_times, tt, side="right")
        s = np.concatenate([[1.0], self.surv_prob])[idx]
        # beyond the longest duration S is unknown, unless every position had already failed
        s = np.where((tt > self.max_time) & (s > 0.0), np.nan, s)
        return float(s) if s.ndim == 0 else s

    def summary(self) -> pd.DataFrame:
        """One row per event time: ``n_risk``, ``n_events``, ``surv_prob``, ``surv_prob_se``."""
        return pd.DataFrame(
            {
                "n_risk": self.n_risk,
                "n_events": self.n_events,
                "surv_prob": self.surv_prob,
                "surv_prob_se": self.surv_prob_se,
            },
            index=pd.Index(self.surv_times, name="time"),
        )

    def to_frame(self) -> pd.DataFrame:
        """Same as :meth:`summary`."""
        return self.summary()

    def _repr_html_(self) -> str:
        return f"<p>Kaplan-Meier survival curve, nobs={self.nobs}</p>" + self.summary().head(
            20
        ).to_html(float_format="{:.4f}".format)

    def chart(self, title: str = "Kaplan-Meier survival curve") -> alt.Chart:
        """Step chart of :math:`\\hat S(t)` (altair, 480 px wide)."""
        from riskkit.charts.survival import chart_survival_curve

        return chart_survival_curve(self, title)


def _km_core(
    durations: np.ndarray, observed: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier at the distinct event times: times, S, Greenwood se, n at risk, events."""
    if durations.size and (durations == np.round(durations)).all() and durations.max() < 2**31:
        # integer durations (bars): counting by bincount is O(N) instead of a sort
        codes = durations.astype(np.int64)
        times = np.arange(int(codes.max()) + 1, dtype=np.float64)
        exits = np.bincount(codes, minlength=times.size).astype(np.int64)
        events = np.bincount(codes[observed], minlength=times.size).astype(np.float64)
    else:
        uniq, inverse = np.unique(durations, return_inverse=True)
        times = uniq.astype(np.float64)
        exits = np.bincount(inverse, minlength=times.size).astype(np.int64)
        events = np.bincount(
            inverse, weights=observed.astype(np.float64), minlength=times.size
        ).astype(np.float64)
    at_risk = durations.size - np.concatenate([[0], np.cumsum(exits)[:-1]])
    keep = events > 0
    times, events = times[keep], events[keep]
    n_risk = at_risk[keep].astype(np.float64)
    surv = np.cumprod(1.0 - events / n_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(events / (n_risk * (n_risk - events)))
        se = surv * np.sqrt(green)
    return times, surv, se, n_risk, events


def _km_at_horizons(
    dur: np.ndarray, observed: np.ndarray, hz: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kaplan-Meier survival, its standard error and the number at risk at integer horizons.

    Survival beyond the longest observed duration is unknown (NaN), unless the curve has
    already reached 0 (every position was liquidated).
    """
    times, surv, sse, _, _ = _km_core(dur, observed)
    idx = np.searchsorted(times, hz, side="right")
    s = np.concatenate([[1.0], surv])[idx]
    ss = np.concatenate([[0.0], sse])[idx]
    exits = np.bincount(dur.astype(np.int64), minlength=int(hz.max()) + 1)
    at_risk = dur.size - np.concatenate([[0], np.cumsum(exits)])[hz]
    longest = dur.max() if dur.size else -1.0
    unknown = (hz > longest) & (s > 0.0)
    return np.where(unknown, np.nan, s), np.where(unknown, np.nan, ss), at_risk


def kaplan_meier(durations: Any, event_observed: Any) -> SurvivalCurve:
    """Kaplan-Meier survival curve with right censoring.

    Parameters
    ----------
    durations : array-like of float
        Time to the event or to censoring, >= 0 (any unit, e.g. bars).
    event_observed : array-like of bool
        True where the event (liquidation) happened at ``durations``, False where the duration is
        censored (the position was still open when the data ended).

    Returns
    -------
    SurvivalCurve

    Raises
    ------
    ValueError
        If lengths differ, a duration is negative or not finite.
    InsufficientDataError
        If ``durations`` is empty.

    See Also
    --------
    historical_survival : the curve for every leverage on OHLC data.

    Notes
    -----
    .. math::

        \\hat S(t) = \\prod_{t_i \\le t}\\Bigl(1 - \\frac{d_i}{n_i}\\Bigr),\\qquad
        \\widehat{\\mathrm{Var}}\\,\\hat S(t) = \\hat S(t)^2\\sum_{t_i\\le t}
        \\frac{d_i}{n_i(n_i - d_i)},

    with :math:`t_i` the distinct event times, :math:`d_i` the events at :math:`t_i` and
    :math:`n_i` the durations :math:`\\ge t_i` (at risk). The Greenwood variance assumes
    independent durations; positions opened on consecutive bars share their future path, so it
    understates the uncertainty of historical survival estimates.

    References
    ----------
    E. L. Kaplan and P. Meier (1958), "Nonparametric estimation from incomplete observations",
    JASA 53(282), 457-481, doi:10.1080/01621459.1958.10501452.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 3], [True, True, False, True])
    >>> km.surv_prob
    array([0.75, 0.5 , 0.  ])
    """
    d = as_float_array(durations, "durations")
    obs_raw = np.asarray(event_observed)
    if obs_raw.dtype != bool:
        if not np.isin(obs_raw, (0, 1)).all():
            raise ValueError("event_observed must be boolean (or 0/1)")
        obs_raw = obs_raw.astype(bool)
    if d.ndim != 1 or obs_raw.shape != d.shape:
        raise ValueError(
            f"durations and event_observed must be 1-D of equal length; got {d.shape} and "
            f"{obs_raw.shape}"
        )
    if d.size == 0:
        raise InsufficientDataError("kaplan_meier needs at least 1 duration; got 0")
    check_positive(d, "durations", strict=False)
    times, surv, se, n_risk, events = _km_core(d, obs_raw)
    return SurvivalCurve(
        surv_times=times,
        surv_prob=surv,
        surv_prob_se=se,
        n_risk=n_risk,
        n_events=events,
        nobs=int(d.size),
        max_time=float(d.max()),
    )


# --------------------------------------------------------------------------------------------
# historical survival map
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoricalSurvival:
    """Historical survival of leveraged positions opened at every bar (leverage x horizon).

    Attributes
    ----------
    surv_prob : pandas.DataFrame
        Kaplan-Meier probability that a position is still open after ``h`` bars; rows are
        leverages (a ``(group, leverage)`` MultiIndex when groups were given), columns horizons.
    surv_prob_se : pandas.DataFrame
        Greenwood standard errors (understated: overlapping entries are not independent).
    n_risk : pandas.DataFrame
        Entries still observed (not liquidated, not censored) at each horizon.
    nobs : pandas.Series
        Entries per group (one row ``"all"`` without groups).
    durations : pandas.DataFrame
        Output of :func:`time_to_liquidation` (bars to liquidation, NaN = censored).
    groups : numpy.ndarray or None
        The group label of every entry (None without groups).
    side : str
    maintenance_margin_rate : float
    """

    surv_prob: pd.DataFrame
    surv_prob_se: pd.DataFrame
    n_risk: pd.DataFrame
    nobs: pd.Series
    durations: pd.DataFrame
    groups: np.ndarray | None
    side: str
    maintenance_margin_rate: float

    def curve(self, leverage: float, group: Any = None) -> SurvivalCurve:
        """The full Kaplan-Meier curve (bars since entry) at one of the leverages."""
        if leverage not in self.durations.columns:
            raise ValueError(
                f"leverage must be one of {list(self.durations.columns)}; got {leverage!r}"
            )
        tau = self.durations[leverage].to_numpy()
        n = tau.size
        censor = (n - 1 - np.arange(n)).astype(np.float64)
        sel = np.ones(n, dtype=bool)
        if group is not None:
            if self.groups is None:
                raise ValueError(f"group must be None for results without groups; got {group!r}")
            sel = self.groups == group
            if not sel.any():
                raise ValueError(f"group must be one of {list(self.nobs.index)}; got {group!r}")
        observed = ~np.isnan(tau[sel])
        return kaplan_meier(np.where(observed, tau[sel], censor[sel]), observed)

    def curves(self, max_horizon: int, group: Any = None) -> pd.DataFrame:
        """Fraction still open after ``h = 0..max_horizon`` bars, one column per leverage."""
        h = np.arange(int(_horizons(max_horizon)[0]) + 1)
        data = {lev: self.curve(float(lev), group).survival_at(h) for lev in self.durations.columns}
        out = pd.DataFrame(data, index=pd.Index(h, name="horizon"))
        out.columns.name = "leverage"
        return out

    def chart_curves(self, max_horizon: int, group: Any = None) -> alt.Chart:
        """Survival curves, one line per leverage (altair, 480 px wide)."""
        from riskkit.charts.survival import chart_survival_curves

        return chart_survival_curves(self, max_horizon, group)

    @property
    def liquidation_prob(self) -> pd.DataFrame:
        """``1 - surv_prob``: probability of liquidation within each horizon."""
        return 1.0 - self.surv_prob

    def summary(self) -> pd.DataFrame:
        """The leverage x horizon table of survival probabilities."""
        return self.surv_prob

    def to_frame(self) -> pd.DataFrame:
        """Long format: one row per (group, leverage, horizon)."""
        parts = {
            "surv_prob": self.surv_prob.stack(),
            "surv_prob_se": self.surv_prob_se.stack(),
            "n_risk": self.n_risk.stack(),
        }
        return pd.DataFrame(parts)

    def _repr_html_(self) -> str:
        head = (
            f"<p>Historical survival, {self.side}, maintenance margin rate "
            f"{self.maintenance_margin_rate:g}, entries {int(self.nobs.sum())}</p>"
        )
        return head + self.surv_prob.to_html(float_format="{:.3f}".format)

    def chart(self, title: str | None = None) -> alt.Chart:
        """Heat map of survival probability, leverage x horizon (altair, <= 520 px wide)."""
        from riskkit.charts.survival import chart_historical_survival

        return chart_historical_survival(self, title)


@renamed_kwargs(entry="entry_price")
def historical_survival(
    high: Any,
    low: Any,
    entry_price: Any,
    leverage: Any,
    horizon: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    groups: Any = None,
) -> HistoricalSurvival:
    """Survival map (leverage x horizon) of isolated positions opened at every historical bar.

    Parameters
    ----------
    high, low, entry_price : array-like or pandas.Series of float
        As in :func:`time_to_liquidation` (price units, > 0, equal length).
    leverage : float or sequence of float
        Leverages (> 0) to evaluate.
    horizon : int or sequence of int
        Horizons in bars, >= 1.
    side : {"long", "short"}
        Direction of the positions.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    groups : array-like or pandas.Series, optional
        A label per entry (e.g. the year or an era name); one survival table per label, on the
        entries carrying it (positions still run into later data, censoring only at the end).

    Returns
    -------
    HistoricalSurvival

    Raises
    ------
    ValueError
        For invalid prices, leverages or horizons, or ``groups`` of another length.

    See Also
    --------
    time_to_liquidation, kaplan_meier, max_leverage

    Notes
    -----
    For each leverage the durations are :math:`\\min(\\tau_t, C_t)` with :math:`\\tau_t` from
    :func:`time_to_liquidation` and :math:`C_t = N - 1 - t` the bars left in the data; the
    Kaplan-Meier estimator (see :func:`kaplan_meier`) then gives

    .. math::

        \\hat S_L(h) = \\prod_{i \\le h}\\Bigl(1 - \\frac{d_i}{n_i}\\Bigr),

    the estimated fraction of positions at leverage :math:`L` still open after :math:`h` bars.
    :math:`\\hat S_L(h)` is NaN when no entry was observed for :math:`h` bars, except that it
    stays 0 once every entry of the group was liquidated. For a comparison
    by venue, run it on each venue's bars and stack the tables, e.g.
    ``pd.concat({name: res.surv_prob for name, res in by_venue.items()}, names=["venue"])``;
    for eras pass ``groups`` (e.g. ``close.index.year``).

    Examples
    --------
    >>> import numpy as np
    >>> close = np.array([100.0, 100.0, 85.0, 60.0, 65.0])
    >>> high, low = close + 1, close - 10
    >>> res = historical_survival(high, low, close, [2, 5], [1, 2])
    >>> res.surv_prob.round(3).to_numpy()
    array([[1.   , 0.667],
           [0.5  , 0.   ]])
    """
    h, lo, e, index = _ohlc(high, low, entry_price)
    (entry_price, groups), _ = align_series(entry_price, groups, names=("entry_price", "groups"))
    levs, _ = _leverages(leverage)
    hz = _horizons(horizon)
    m = _mmr(maintenance_margin_rate)
    tau = time_to_liquidation(h, lo, e, levs, side, m)
    if index is not None:
        tau.index = index
    n = e.size
    if n == 0:
        raise InsufficientDataError("historical_survival needs at least 2 bars; got 0")
    censor = (n - 1 - np.arange(n)).astype(np.float64)
    if groups is None:
        labels = np.zeros(n, dtype=np.int64)
        names: list[Any] = ["all"]
    else:
        g = np.asarray(groups.to_numpy() if isinstance(groups, pd.Series) else groups)
        if g.shape != (n,):
            raise ValueError(f"groups must have one label per entry ({n}); got shape {g.shape}")
        codes, uniques = pd.factorize(g, sort=True)
        labels = codes
        names = list(uniques)
    rows: list[tuple[Any, float]] = []
    prob, se, risk = [], [], []
    tau_values = tau.to_numpy()
    for gi, gname in enumerate(names):
        sel = labels == gi
        for j, L in enumerate(levs):
            t = tau_values[sel, j]
            observed = ~np.isnan(t)
            dur = np.where(observed, t, censor[sel])
            s, ss, at_risk = _km_at_horizons(dur, observed, hz)
            rows.append((gname, float(L)))
            prob.append(s)
            se.append(ss)
            risk.append(at_risk)
    if groups is None:
        ridx: pd.Index = pd.Index(levs, name="leverage")
    else:
        ridx = pd.MultiIndex.from_tuples(rows, names=["group", "leverage"])
    cidx = pd.Index(hz, name="horizon")
    nobs = pd.Series(np.bincount(labels, minlength=len(names)), index=names, name="nobs")
    return HistoricalSurvival(
        surv_prob=pd.DataFrame(np.array(prob), index=ridx, columns=cidx),
        surv_prob_se=pd.DataFrame(np.array(se), index=ridx, columns=cidx),
        n_risk=pd.DataFrame(np.array(risk), index=ridx, columns=cidx),
        nobs=nobs,
        durations=tau,
        groups=None if groups is None else np.asarray(names, dtype=object)[labels],
        side=side,
        maintenance_margin_rate=m,
    )


# --------------------------------------------------------------------------------------------
# highest leverage that survived
# --------------------------------------------------------------------------------------------


@renamed_kwargs(entry="entry_price")
def max_leverage(
    survival_probability: float,
    horizon: int,
    high: Any,
    low: Any,
    entry_price: Any,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
) -> float:
    """Highest leverage that historically survived ``horizon`` bars with a given probability.

    Parameters
    ----------
    survival_probability : float
        Required fraction of entries that survive, in (0, 1].
    horizon : int
        Holding period in bars, >= 1.
    high, low, entry_price : array-like or pandas.Series of float
        As in :func:`time_to_liquidation` (price units, > 0).
    side : {"long", "short"}
        Direction of the position.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float
        :math:`L_{\\max}`: every leverage strictly below it survived the horizon on at least the
        fraction ``survival_probability`` of the entries with a complete window (``inf`` if
        nothing was ever liquidated at any leverage on that fraction).

    Raises
    ------
    ValueError
        If ``survival_probability`` is outside (0, 1] or prices are invalid.
    InsufficientDataError
        If there are no more than ``horizon`` bars (no complete window).

    See Also
    --------
    critical_leverage : the per-entry supremum :math:`L^*_t`.

    Notes
    -----
    With :math:`L^*_{(1)} \\ge \\dots \\ge L^*_{(n)}` the critical leverages of the :math:`n`
    complete windows sorted in descending order and :math:`p` the survival probability,

    .. math::

        L_{\\max} = L^*_{(k)},\\qquad k = \\lceil p\\,n \\rceil,

    because :math:`\\#\\{t : L < L^*_t\\} \\ge k \\iff L < L^*_{(k)}`. Entries overlap, so the
    :math:`n` windows are not independent draws.

    Examples
    --------
    >>> import numpy as np
    >>> high = np.full(5, 100.0)
    >>> low = np.array([100.0, 90.0, 100.0, 95.0, 100.0])
    >>> round(max_leverage(0.5, 1, high, high, high, maintenance_margin_rate=0.0), 6)
    inf
    >>> round(max_leverage(1.0, 1, high, low, high, maintenance_margin_rate=0.0), 6)
    10.0
    """
    p = float(scalar_array(survival_probability, "survival_probability"))
    check_range(np.asarray(p), "survival_probability", 0.0, 1.0, low_inclusive=False)
    crit = np.asarray(
        critical_leverage(high, low, entry_price, horizon, side, maintenance_margin_rate),
        dtype=np.float64,
    )
    crit = crit[~np.isnan(crit)]
    if crit.size == 0:
        raise InsufficientDataError(
            f"max_leverage needs more than horizon={horizon} bars; got {crit.size + int(horizon)}"
            " bars or fewer"
        )
    k = max(1, math.ceil(p * crit.size - 1e-9))
    return float(-np.partition(-crit, k - 1)[k - 1])
