"""Leverage gaps: one-sided HP and Hamilton filters, and their record before drawdowns.

The *leverage gap* applies the credit-gap idea of the Basel III countercyclical buffer to margin
debt. Part of :mod:`riskkit.cycles`; import the public names from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._errors import check_int as _check_int
from riskkit._errors import check_tz_match, check_unique_index, scalar_array
from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array, check_option, check_range, check_time_index
from riskkit.cycles._common import Window, _html, _lookahead, _lookback
from riskkit.cycles.episodes import deleveraging_episodes
from riskkit.exceptions import InsufficientDataError

__all__ = ["GapRecord", "gap_record", "hamilton_filter", "hp_filter_one_sided", "margin_debt_gap"]


def hp_filter_one_sided(x: pd.Series | ArrayLike, lamb: float = 1600.0) -> tuple[Any, Any]:
    r"""One-sided (real-time) Hodrick-Prescott filter: each trend point uses data up to it only.

    Parameters
    ----------
    x : Series or array_like
        The series (e.g. log margin debt), no NaN, at least 3 observations.
    lamb : float, default 1600
        Smoothing parameter, > 0. 1600 for quarterly business cycles; the Basel III credit gap
        uses 400,000 on quarterly data; scale by :math:`s^4` for :math:`s` times more frequent
        data (Ravn-Uhlig), e.g. :math:`400{,}000 \cdot 3^4 = 32{,}400{,}000` for monthly.

    Returns
    -------
    cycle, trend : Series or ndarray
        The gap :math:`x_t - \tau_{t|t}` and the one-sided trend, like statsmodels ``hpfilter``
        (the same index and name as ``x``). The first two trend points equal ``x``.

    Raises
    ------
    ValueError
        If ``lamb`` is not > 0 or ``x`` has NaN.
    InsufficientDataError
        With fewer than 3 observations.

    See Also
    --------
    statsmodels.tsa.filters.hp_filter.hpfilter : The two-sided filter.
    hamilton_filter : Regression-based alternative.

    Notes
    -----
    The two-sided HP trend minimises

    .. math:: \sum_{t=1}^T (x_t - \tau_t)^2 + \lambda \sum_{t=3}^{T} (\Delta^2 \tau_t)^2 .

    It is the Kalman smoother of :math:`x_t = \tau_t + \varepsilon_t`,
    :math:`\Delta^2 \tau_t = \eta_t`, :math:`\varepsilon_t \sim N(0, 1)`,
    :math:`\eta_t \sim N(0, 1/\lambda)` with a diffuse prior on :math:`(\tau_1, \tau_2)`. The
    one-sided trend :math:`\tau_{t|t}` is the *last* point of the two-sided trend of
    :math:`x_1..x_t`, i.e. the Kalman *filter* estimate, computed here in one :math:`O(T)` pass
    started exactly at :math:`(\tau_2, \tau_1) \sim N((x_2, x_1), I)`. Appending data never
    changes past values.

    References
    ----------
    Hodrick, R. J. and Prescott, E. C. (1997). "Postwar U.S. Business Cycles". Journal of Money,
    Credit and Banking 29(1), 1-16. https://doi.org/10.2307/2953682

    Drehmann, M. and Yetman, J. (2018). "Why you should use the Hodrick-Prescott filter - at
    least to generate credit gaps". BIS Working Paper 744. https://www.bis.org/publ/work744.htm

    Ravn, M. O. and Uhlig, H. (2002). "On adjusting the Hodrick-Prescott filter for the
    frequency of observations". Review of Economics and Statistics 84(2), 371-376.
    https://doi.org/10.1162/003465302317411604

    Examples
    --------
    >>> cycle, trend = hp_filter_one_sided([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> [round(float(v), 10) for v in cycle]
    [0.0, 0.0, 0.0, 0.0, 0.0]
    """
    check_time_index(x, "x")
    y = as_float_array(x, "x")
    if y.ndim != 1:
        raise ValueError(f"x must be one-dimensional; got shape {y.shape}")
    lam = float(check_range(scalar_array(lamb, "lamb"), "lamb", 0.0, low_inclusive=False))
    n = y.size
    if n < 3:
        raise InsufficientDataError(f"hp_filter_one_sided needs at least 3 observations; got {n}")
    q = 1.0 / lam
    trend = np.empty(n)
    trend[:2] = y[:2]
    a0, a1 = y[1], y[0]
    p00, p01, p11 = 1.0, 0.0, 1.0
    for t in range(2, n):
        # predict with T = [[2, -1], [1, 0]]
        b0 = 2.0 * a0 - a1
        b1 = a0
        m00 = 4.0 * p00 - 4.0 * p01 + p11 + q
        m01 = 2.0 * p00 - p01
        m11 = p00
        f = m00 + 1.0
        v = y[t] - b0
        k0 = m00 / f
        k1 = m01 / f
        a0 = b0 + k0 * v
        a1 = b1 + k1 * v
        p00 = m00 - k0 * m00
        p01 = m01 - k0 * m01
        p11 = m11 - k1 * m01
        trend[t] = a0
    cycle = y - trend
    if isinstance(x, pd.Series):
        name = x.name if x.name is not None else "x"
        return (
            pd.Series(cycle, index=x.index, name=f"{name}_cycle"),
            pd.Series(trend, index=x.index, name=f"{name}_trend"),
        )
    return cycle, trend


def hamilton_filter(
    x: pd.Series | ArrayLike,
    h: int = 24,
    p: int = 12,
    *,
    real_time: bool = False,
    min_nobs: int | None = None,
) -> tuple[Any, Any]:
    r"""Hamilton (2018) regression filter: the gap is the error of an ``h``-step projection.

    Parameters
    ----------
    x : Series or array_like
        The series (e.g. log margin debt), no NaN.
    h : int, default 24
        Horizon in observations, >= 1 (24 months = Hamilton's two years for monthly data).
    p : int, default 12
        Number of lags, >= 1 (12 for monthly data).
    real_time : bool, default False
        False: one OLS on the full sample (as in Hamilton and statsmodels
        ``hamilton_filter``). True: the coefficients used at :math:`t` are estimated from the
        rows available at :math:`t` only (expanding window), so the gap is truly one-sided.
    min_nobs : int, optional
        With ``real_time``, regression rows required before the first gap (default
        ``2 * (p + 1)``); earlier gaps are NaN.

    Returns
    -------
    cycle, trend : Series or ndarray
        Residual and fitted value; the first ``p + h - 1`` are NaN (more with ``real_time``).

    Raises
    ------
    ValueError
        For NaN in ``x``.
    InsufficientDataError
        With fewer than ``2 p + h`` observations.

    See Also
    --------
    hp_filter_one_sided
    statsmodels.tsa.filters.hamilton_filter.hamilton_filter

    Notes
    -----
    .. math:: x_{t} = \beta_0 + \sum_{j=1}^{p} \beta_j x_{t-h-j+1} + v_{t}, \qquad
              \text{cycle}_t = \hat v_t, \quad \text{trend}_t = x_t - \hat v_t .

    The real-time variant solves the normal equations of the rows up to :math:`t` for every
    :math:`t` at once from cumulative sums of :math:`X'X` and :math:`X'y`.

    References
    ----------
    Hamilton, J. D. (2018). "Why You Should Never Use the Hodrick-Prescott Filter". Review of
    Economics and Statistics 100(5), 831-843. https://doi.org/10.1162/rest_a_00706

    Examples
    --------
    >>> cycle, trend = hamilton_filter(np.arange(12.0) ** 2, h=2, p=2)
    >>> int(np.isnan(cycle).sum()), bool(np.nanmax(np.abs(cycle)) < 1e-9)
    (3, True)
    """
    check_time_index(x, "x")
    y = as_float_array(x, "x")
    if y.ndim != 1:
        raise ValueError(f"x must be one-dimensional; got shape {y.shape}")
    h_ = _check_int(h, "h", 1)
    p_ = _check_int(p, "p", 1)
    n = y.size
    if n < 2 * p_ + h_:
        raise InsufficientDataError(
            f"hamilton_filter needs at least 2*p + h = {2 * p_ + h_} observations; got {n}"
        )
    first = p_ + h_ - 1
    rows = np.arange(first, n)
    X = np.column_stack([np.ones(rows.size)] + [y[rows - h_ - j] for j in range(p_)])
    target = y[rows]
    cycle = np.full(n, np.nan)
    if not real_time:
        beta, *_ = np.linalg.lstsq(X, target, rcond=None)
        cycle[rows] = target - X @ beta
    else:
        m = 2 * (p_ + 1) if min_nobs is None else _check_int(min_nobs, "min_nobs", p_ + 1)
        xtx = np.cumsum(X[:, :, None] * X[:, None, :], axis=0)
        xty = np.cumsum(X * target[:, None], axis=0)
        ok = np.arange(1, rows.size + 1) >= m
        if ok.any():
            sol = np.linalg.pinv(xtx[ok]) @ xty[ok][:, :, None]
            beta = sol[:, :, 0]
            cycle[rows[ok]] = target[ok] - np.einsum("ij,ij->i", X[ok], beta)
    trend = y - cycle
    if isinstance(x, pd.Series):
        name = x.name if x.name is not None else "x"
        return (
            pd.Series(cycle, index=x.index, name=f"{name}_cycle"),
            pd.Series(trend, index=x.index, name=f"{name}_trend"),
        )
    return cycle, trend


def margin_debt_gap(
    margin_debt: pd.Series,
    *,
    method: Literal["hp", "hamilton"] = "hp",
    lamb: float = 400_000.0 * 3**4,
    h: int = 24,
    p: int = 12,
    burn_in: int = 0,
) -> pd.Series:
    r"""Leverage gap of margin debt: log margin debt minus its real-time trend, in log points.

    Parameters
    ----------
    margin_debt : Series
        Monthly margin debt (or a margin-debt ratio), > 0, no NaN.
    method : {"hp", "hamilton"}, default "hp"
        One-sided HP filter, or the real-time Hamilton filter.
    lamb : float, default 32,400,000
        HP smoothing for monthly data: the Basel III credit-gap value 400,000 (quarterly)
        scaled by :math:`3^4`.
    h, p : int, default 24, 12
        Hamilton horizon and lags, in months.
    burn_in : int, default 0
        Observations at the start whose gap is set to NaN because the one-sided trend has too
        little history (the BIS discards the first years of a credit gap; e.g. 36 for three
        years of monthly data).

    Returns
    -------
    Series
        The gap :math:`\log D_t - \tau_{t|t}` (0.10 = margin debt 10 log points above trend),
        named ``"margin_debt_gap"``.

    Raises
    ------
    TypeError
        If ``margin_debt`` is not a Series.
    ValueError
        For non-positive values or a bad ``method``.

    See Also
    --------
    hp_filter_one_sided, hamilton_filter, gap_record

    Notes
    -----
    .. math:: g_t = \log D_t - \tau_{t|t}

    with :math:`\tau_{t|t}` the one-sided trend of :math:`\log D`. This is the credit-to-GDP
    gap idea of the countercyclical capital buffer applied to margin debt.

    References
    ----------
    Basel Committee on Banking Supervision (2010). "Guidance for national authorities
    operating the countercyclical capital buffer". https://www.bis.org/publ/bcbs187.htm

    Examples
    --------
    >>> idx = pd.date_range("2000-01-01", periods=4, freq="MS")
    >>> margin_debt_gap(pd.Series(np.exp([1.0, 2.0, 3.0, 4.0]), idx)).round(10).tolist()
    [0.0, 0.0, 0.0, 0.0]
    """
    check_time_index(margin_debt, "margin_debt")
    if not isinstance(margin_debt, pd.Series):
        raise TypeError(f"margin_debt must be a pandas Series; got {type(margin_debt).__name__}")
    check_option(method, "method", ("hp", "hamilton"))
    d = check_range(
        as_float_array(margin_debt, "margin_debt"), "margin_debt", 0.0, low_inclusive=False
    )
    logd = pd.Series(np.log(d), index=margin_debt.index)
    burn = _check_int(burn_in, "burn_in", 0)
    if method == "hp":
        cycle, _ = hp_filter_one_sided(logd, lamb)
    else:
        cycle, _ = hamilton_filter(logd, h, p, real_time=True)
    out = np.array(cycle, dtype=float)
    out[:burn] = np.nan
    return pd.Series(out, index=margin_debt.index, name="margin_debt_gap")


@dataclass(frozen=True, slots=True)
class GapRecord:
    """The record of a leverage gap before price drawdowns (:func:`gap_record`).

    Attributes
    ----------
    drawdowns : DataFrame
        The price drawdowns (episode table of the price) with ``gap_at_start`` and
        ``gap_max_before`` (largest gap in the ``horizon`` before the start).
    signals : DataFrame
        Per threshold: ``signals`` (periods with gap > threshold), ``hit_rate`` (share of
        signals followed by a drawdown start within ``horizon``), ``captured`` (share of
        drawdowns preceded by a signal within ``horizon``, among those with a gap value in
        that look-back), ``false_alarm_rate``,
        ``noise_to_signal``.
    auc : float
        Area under the ROC curve of the gap as a predictor of a drawdown start within
        ``horizon`` (0.5 = no information).
    gap : Series
        The gap used.
    """

    drawdowns: pd.DataFrame
    signals: pd.DataFrame
    auc: float
    gap: pd.Series = field(repr=False)

    def summary(self) -> pd.DataFrame:
        """The threshold table with the AUC as an attribute-free extra column."""
        out = self.signals.copy()
        out["auc"] = self.auc
        return out

    def to_frame(self) -> pd.DataFrame:
        """The drawdown table."""
        return self.drawdowns.copy()

    def _repr_html_(self) -> str:
        return _html(self.drawdowns, f"Gap before drawdowns (AUC {self.auc:.3f})") + _html(
            self.signals, "Signals"
        )

    def chart(self, *, title: str | None = None, y_title: str = "gap (log points)") -> Any:
        """Line chart of the gap with the price drawdowns (start to trough) shaded.

        Returns
        -------
        altair.LayerChart
        """
        from riskkit.charts.cycles import chart_gap_record

        return chart_gap_record(self, title=title, y_title=y_title)


def gap_record(
    gap: pd.Series,
    price: pd.Series,
    *,
    drop: float = 0.15,
    window: Window = "365D",
    horizon: Window = "730D",
    thresholds: ArrayLike | None = None,
) -> GapRecord:
    r"""How a leverage gap behaved before equity drawdowns: signal hits, misses and false alarms.

    Parameters
    ----------
    gap : Series
        The gap (e.g. :func:`margin_debt_gap`), NaN allowed at the start (ignored).
    price : Series
        Price level (e.g. S&P 500), > 0, on the same (or a finer) calendar.
    drop : float, default 0.15
        A drawdown is a fall of the price of at least this fraction within ``window``.
    window : int, str or Timedelta, default "365D"
        Look-back of the drawdown detector.
    horizon : int, str or Timedelta, default "730D"
        A signal at :math:`t` is a hit if a drawdown starts in :math:`(t, t + h]`.
    thresholds : array_like, optional
        Gap thresholds. Default: the 50th, 75th and 90th percentiles of the gap.

    Returns
    -------
    GapRecord

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If the gap and the price share fewer than 3 dates.

    See Also
    --------
    margin_debt_gap, deleveraging_episodes

    Notes
    -----
    With the target :math:`c_t = 1` if a drawdown starts in :math:`(t, t+h]` and the signal
    :math:`s_t = 1\{g_t > \kappa\}`, over the dates outside drawdowns (start to trough excluded,
    as in Kaminsky, Lizondo and Reinhart) with TP, FP, FN, TN the counts:

    .. math:: \text{hit rate} = \frac{TP}{TP + FP}, \quad
              \text{false alarm rate} = \frac{FP}{FP + TN}, \quad
              NS = \frac{FP / (FP + TN)}{TP / (TP + FN)} .

    The AUC is the Mann-Whitney probability that the gap is higher before a drawdown than not.

    References
    ----------
    Kaminsky, G., Lizondo, S. and Reinhart, C. M. (1998). "Leading Indicators of Currency
    Crises". IMF Staff Papers 45(1), 1-48. https://doi.org/10.2307/3867328

    Drehmann, M. and Juselius, M. (2014). "Evaluating early warning indicators of banking
    crises: Satisfying policy requirements". International Journal of Forecasting 30(3),
    759-780. https://doi.org/10.1016/j.ijforecast.2013.10.002

    Examples
    --------
    >>> idx = pd.date_range("2000-01-01", periods=8, freq="MS")
    >>> price = pd.Series([100.0, 110, 120, 80, 70, 90, 100, 110], idx)
    >>> gap = pd.Series([0.0, 0.1, 0.2, 0.0, -0.1, -0.1, 0.0, 0.0], idx)
    >>> rec = gap_record(gap, price, window=3, horizon=2, thresholds=[0.05])
    >>> rec.signals[["threshold", "hit_rate", "captured"]]
       threshold  hit_rate  captured
    0       0.05       1.0       1.0
    """
    check_time_index(gap, "gap")
    check_time_index(price, "price")
    from scipy.stats import rankdata

    for arg, name in ((gap, "gap"), (price, "price")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
        check_unique_index(arg, name)
    check_tz_match(gap.index, "gap.index", price.index, "price.index")
    g_full = gap.astype(float)
    px = price.reindex(g_full.index.union(price.index)).sort_index().ffill().reindex(g_full.index)
    ok = px.notna()
    g_full, px = g_full[ok], px[ok]
    if len(g_full) < 3:
        raise InsufficientDataError(f"gap and price share {len(g_full)} dates; need at least 3")
    dd = deleveraging_episodes(px, drop=drop, window=window, recovery=0.5).episodes
    index = g_full.index
    gv = g_full.to_numpy()
    back = _lookback(index, horizon, "horizon")
    ahead = _lookahead(index, horizon, "horizon")
    start_pos = index.get_indexer(pd.Index(dd["start"]))
    trough_pos = index.get_indexer(pd.Index(dd["trough"]))
    gap_at = [gv[s] for s in start_pos]
    gap_max = [
        np.nanmax(gv[back[s] : s + 1]) if np.isfinite(gv[back[s] : s + 1]).any() else np.nan
        for s in start_pos
    ]
    dd = dd.drop(columns=["price_move", "price_drawdown"]).assign(
        gap_at_start=gap_at, gap_max_before=gap_max
    )
    n = len(index)
    pos = np.arange(n)
    target = np.zeros(n, dtype=bool)
    in_dd = np.zeros(n, dtype=bool)
    for s, t in zip(start_pos, trough_pos, strict=True):
        target |= (pos < s) & (ahead >= s)
        in_dd[s : t + 1] = True
    use = ~in_dd & np.isfinite(gv)
    gu, cu = gv[use], target[use]
    if thresholds is None:
        th = np.nanpercentile(gu, [50, 75, 90]) if gu.size else np.array([])
    else:
        th = as_float_array(thresholds, "thresholds").ravel()
    rows = []
    for k in th:
        sig = gu > k
        tp = int((sig & cu).sum())
        fp = int((sig & ~cu).sum())
        fn = int((~sig & cu).sum())
        tn = int((~sig & ~cu).sum())
        # drawdowns whose look-back holds no gap value (e.g. before a burn-in) are not scored
        captured = [
            bool((gv[back[s] : s] > k).any())
            for s in start_pos
            if np.isfinite(gv[back[s] : s]).any()
        ]
        tpr = tp / (tp + fn) if tp + fn else np.nan
        fpr = fp / (fp + tn) if fp + tn else np.nan
        rows.append(
            {
                "threshold": float(k),
                "signals": int(sig.sum()),
                "hit_rate": tp / (tp + fp) if tp + fp else np.nan,
                "captured": float(np.mean(captured)) if captured else np.nan,
                "false_alarm_rate": fpr,
                "noise_to_signal": fpr / tpr if tpr and np.isfinite(tpr) else np.nan,
            }
        )
    n1, n0 = int(cu.sum()), int((~cu).sum())
    if n1 and n0:
        r = rankdata(gu)
        auc = float((r[cu].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))
    else:
        auc = float("nan")
    return GapRecord(drawdowns=dd, signals=pd.DataFrame(rows), auc=auc, gap=g_full)
