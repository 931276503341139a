"""Event studies of rule changes: abnormal changes, their t-statistics, rank and sign tests.

Part of :mod:`riskkit.systemic`; import the public names from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from riskkit._errors import check_mapping, check_tz_match
from riskkit._validation import check_option
from riskkit.exceptions import InsufficientDataError
from riskkit.systemic._common import _html, _series

__all__ = ["EventStudyResult", "event_study"]


@dataclass(frozen=True, slots=True)
class EventStudyResult:
    """Abnormal changes around event dates (:func:`event_study`).

    Attributes
    ----------
    table : DataFrame
        One row per event: ``date`` (the first observation at or after the event),
        ``car`` (cumulative abnormal change over the event window, in the units of the input),
        ``se``, ``t``, ``pvalue`` (two-sided, Student t with the estimation window's degrees
        of freedom), ``rank_z`` and ``rank_pvalue`` (Corrado's rank test, two-sided normal),
        ``sigma`` (standard deviation of the estimation-window residuals) and ``n_est``.
    abnormal : DataFrame
        Abnormal changes by event time (rows: days or periods relative to the event, columns:
        events).
    aggregate : Series
        Across events: ``caar`` (mean CAR), ``t`` and ``pvalue`` (events taken as
        independent), ``n_events``, ``n_positive`` and ``sign_pvalue`` (two-sided binomial
        sign test of the CARs against 1/2).
    window, estimation : tuple of int
        Event and estimation windows in observations relative to the event.
    model : str
        ``"mean"`` (mean-adjusted) or ``"market"`` (market model).
    """

    table: pd.DataFrame
    abnormal: pd.DataFrame
    aggregate: pd.Series
    window: tuple[int, int]
    estimation: tuple[int, int]
    model: str

    def summary(self) -> pd.DataFrame:
        """The per-event table."""
        return self.table.copy()

    def to_frame(self) -> pd.DataFrame:
        """Cumulative abnormal changes by event time (columns: events)."""
        return self.abnormal.cumsum()

    def _repr_html_(self) -> str:
        return _html(
            self.table.drop(columns="date"),
            f"Event study ({self.model} model), window {self.window}, estimation {self.estimation}",
        )

    def chart(
        self, *, title: str | None = None, y_title: str = "cumulative abnormal change"
    ) -> Any:
        """CAR paths by event time (:func:`riskkit.charts.systemic.chart_event_study`)."""
        from riskkit.charts.systemic import chart_event_study

        return chart_event_study(self, title=title, y_title=y_title)


def _window(value: Any, name: str) -> tuple[int, int]:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in value)
    ):
        raise TypeError(f"{name} must be a tuple of two ints (first, last); got {value!r}")
    lo, hi = int(value[0]), int(value[1])
    if lo > hi:
        raise ValueError(f"{name} must have first <= last; got {value!r}")
    return lo, hi


def event_study(
    changes: pd.Series,
    events: Mapping[str, Any],
    *,
    window: tuple[int, int] = (0, 5),
    estimation: tuple[int, int] = (-60, -1),
    model: str = "mean",
    market: pd.Series | None = None,
) -> EventStudyResult:
    r"""Event study: abnormal changes of a series around event dates, with t, rank and sign tests.

    Parameters
    ----------
    changes : Series
        Changes of the outcome per period (returns, log changes, or first differences such as
        the change of the funding rate), with an increasing, unique DatetimeIndex. NaN rows are
        dropped.
    events : mapping of str to date
        Event label -> date (anything ``pandas.Timestamp`` accepts, with the same tz-awareness
        as ``changes``). Event time 0 is the first observation at or after the date.
    window : tuple of int, default (0, 5)
        First and last observation of the event window, relative to event time 0.
    estimation : tuple of int, default (-60, -1)
        First and last observation of the estimation window; it must end before the event
        window starts.
    model : {"mean", "market"}, default "mean"
        Normal change: the estimation-window mean (mean-adjusted) or an OLS on ``market``
        (market model).
    market : Series, optional
        Market (or factor) changes for ``model="market"``, aligned on the labels of
        ``changes``.

    Returns
    -------
    EventStudyResult

    Raises
    ------
    TypeError
        For a non-Series ``changes``, a non-mapping ``events`` or windows that are not two ints.
    ValueError
        For an unsorted or duplicated index, overlapping windows, a bad ``model``, a missing
        or superfluous ``market``, or an event whose windows fall outside the data.
    InsufficientDataError
        With fewer than 3 estimation observations per parameter.

    See Also
    --------
    covar : Tail dependence, the other systemic measure of this sub-package.

    Notes
    -----
    With estimation window :math:`E` (:math:`T` observations) and event window :math:`W`
    (:math:`L` observations), the abnormal change and its cumulative sum are

    .. math:: A_t = x_t - \hat x_t, \qquad \mathrm{CAR} = \sum_{t \in W} A_t,

    with :math:`\hat x_t = \bar x_E` (mean-adjusted) or :math:`\hat a + \hat b m_t` (market
    model, OLS on :math:`E`). With :math:`\hat\sigma^2` the residual variance on :math:`E`
    (:math:`T - k` degrees of freedom, :math:`k` parameters) and :math:`X_E, X_W` the design
    matrices of the two windows,

    .. math:: \operatorname{Var}(\mathrm{CAR}) = \hat\sigma^2 \left(L + \iota^\top X_W
              (X_E^\top X_E)^{-1} X_W^\top \iota\right), \qquad
              t = \mathrm{CAR} / \sqrt{\operatorname{Var}(\mathrm{CAR})},

    the second term accounting for the estimation error of the normal change (it is
    :math:`L^2 / T` for the mean model). Corrado's rank test ranks the :math:`T + L` abnormal
    changes :math:`K_t`, sets :math:`U_t = K_t / (T + L + 1) - 1/2` and uses
    :math:`z = \sum_{t \in W} U_t / (\sqrt{L}\, s_U)`, :math:`s_U^2` the mean of
    :math:`U_t^2`; it needs no normality. Across :math:`N` events, CAAR is the mean CAR,
    its t statistic treats the events as independent, and the sign test compares the number
    of positive CARs with a Binomial(:math:`N`, 1/2). One event is one observation: the
    cross-event statistics mean something only with several.

    References
    ----------
    MacKinlay, A. C. (1997). "Event Studies in Economics and Finance". Journal of Economic
    Literature 35(1), 13-39. https://www.jstor.org/stable/2729691

    Corrado, C. J. (1989). "A Nonparametric Test for Abnormal Security-Price Performance in
    Event Studies". Journal of Financial Economics 23(2), 385-395.
    https://doi.org/10.1016/0304-405X(89)90064-0

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=30, freq="D")
    >>> x = pd.Series(np.tile([0.01, -0.01], 15), idx)
    >>> x.iloc[25] = 0.05
    >>> res = event_study(x, {"jump": "2024-01-26"}, window=(0, 0), estimation=(-20, -1))
    >>> round(float(res.table.loc["jump", "car"]), 4), bool(res.table.loc["jump", "t"] > 4)
    (0.05, True)
    """
    x = _series(changes, "changes")
    if not isinstance(x.index, pd.DatetimeIndex):
        raise TypeError(f"changes must have a DatetimeIndex; got {type(x.index).__name__}")
    check_mapping(events, "events", "date")
    if len(events) == 0:
        raise ValueError("events must name at least one event; got an empty mapping")
    w0, w1 = _window(window, "window")
    e0, e1 = _window(estimation, "estimation")
    if e1 >= w0:
        raise ValueError(
            f"estimation must end before the event window starts; got estimation={estimation}, "
            f"window={window}"
        )
    check_option(model, "model", ("mean", "market"))
    if model == "market":
        if market is None:
            raise ValueError("model='market' needs market, the market's changes")
        m = _series(market, "market")
        check_tz_match(x.index, "changes", m.index, "market")
        both = pd.concat({"x": x, "m": m}, axis=1, join="inner").dropna()
    else:
        if market is not None:
            raise ValueError("market is only used with model='market'; got model='mean'")
        both = x.dropna().to_frame("x")
        both["m"] = 0.0
    k = 1 if model == "mean" else 2
    if e1 - e0 + 1 < 3 * k:
        raise InsufficientDataError(
            f"estimation needs at least {3 * k} observations for the {model} model; "
            f"got {e1 - e0 + 1}"
        )
    idx = pd.DatetimeIndex(both.index)
    xv, mv = both["x"].to_numpy(), both["m"].to_numpy()
    rows, paths = {}, {}
    for label, when in events.items():
        stamp = pd.Timestamp(when)
        check_tz_match(idx, "changes", stamp, f"events[{label!r}]")
        p = int(idx.searchsorted(stamp, side="left"))
        if p + e0 < 0 or p + w1 >= len(idx):
            raise ValueError(
                f"events[{label!r}] = {stamp.date()}: its windows (estimation {estimation}, "
                f"event {window}) need observations {p + e0} .. {p + w1}; the data have "
                f"0 .. {len(idx) - 1} ({idx[0].date()} .. {idx[-1].date()})"
            )
        est = slice(p + e0, p + e1 + 1)
        ev = slice(p + w0, p + w1 + 1)
        XE = np.column_stack([np.ones(e1 - e0 + 1), mv[est]])[:, :k]
        XW = np.column_stack([np.ones(w1 - w0 + 1), mv[ev]])[:, :k]
        coef, *_ = np.linalg.lstsq(XE, xv[est], rcond=None)
        resid = xv[est] - XE @ coef
        T, L = len(resid), w1 - w0 + 1
        sigma2 = float(resid @ resid) / (T - k)
        ar = xv[ev] - XW @ coef
        car = float(ar.sum())
        v = XW.sum(axis=0)
        var_car = sigma2 * (L + float(v @ np.linalg.solve(XE.T @ XE, v)))
        se = np.sqrt(var_car)
        t = car / se if se > 0 else np.nan
        allv = np.concatenate([resid, ar])
        u = stats.rankdata(allv) / (len(allv) + 1) - 0.5
        s_u = np.sqrt(np.mean(u**2))
        rank_z = float(u[T:].sum() / (np.sqrt(L) * s_u)) if s_u > 0 else np.nan
        rows[label] = {
            "date": idx[p],
            "car": car,
            "se": float(se),
            "t": float(t),
            "pvalue": float(2 * stats.t.sf(abs(t), T - k)) if np.isfinite(t) else np.nan,
            "rank_z": rank_z,
            "rank_pvalue": float(2 * stats.norm.sf(abs(rank_z))) if np.isfinite(rank_z) else np.nan,
            "sigma": float(np.sqrt(sigma2)),
            "n_est": T,
        }
        paths[label] = pd.Series(ar, index=pd.RangeIndex(w0, w1 + 1, name="event_time"))
    table = pd.DataFrame.from_dict(rows, orient="index")
    cars = table["car"].to_numpy()
    n = len(cars)
    se_all = float(np.sqrt((table["se"] ** 2).sum())) / n
    caar = float(cars.mean())
    t_all = caar / se_all if se_all > 0 else np.nan
    dof = int(table["n_est"].min()) - k
    n_pos = int((cars > 0).sum())
    aggregate = pd.Series(
        {
            "caar": caar,
            "t": t_all,
            "pvalue": float(2 * stats.t.sf(abs(t_all), dof)) if np.isfinite(t_all) else np.nan,
            "n_events": n,
            "n_positive": n_pos,
            "sign_pvalue": float(stats.binomtest(n_pos, n, 0.5).pvalue),
        },
        name="all events",
    )
    return EventStudyResult(
        table=table,
        abnormal=pd.DataFrame(paths),
        aggregate=aggregate,
        window=(w0, w1),
        estimation=(e0, e1),
        model=model,
    )
