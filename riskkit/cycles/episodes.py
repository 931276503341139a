"""Deleveraging episodes: a transparent peak-to-trough detector and its result table.

Part of :mod:`riskkit.cycles`; import the public names from there. The robustness of the
episodes to the detector's parameters is in :mod:`riskkit.cycles.stability`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_option, check_range, check_time_index
from riskkit.cycles._common import Window, _html, _lookahead, _lookback, _series
from riskkit.exceptions import DataQualityWarning, InsufficientDataError

__all__ = ["EPISODE_PRESETS", "EpisodeTable", "deleveraging_episodes"]

#: Parameter presets of :func:`deleveraging_episodes`, chosen on the mirror's real series (see
#: the Notes there). ``"margin_debt"``: monthly FINRA margin debt; ``"crypto"``: daily open
#: interest of perpetual futures (contracts or USD); ``"funding"``: a rolling annualised
#: funding rate (fraction per year; absolute falls, 0.30 = 30 percentage points).
EPISODE_PRESETS: dict[str, dict[str, Any]] = {
    "crypto": {
        "drop": 0.15,
        "window": "30D",
        "price_drop": 0.10,
        "recovery": 0.5,
        "scale": "relative",
    },
    "funding": {
        "drop": 0.30,
        "window": "30D",
        "price_drop": 0.15,
        "recovery": 0.5,
        "scale": "absolute",
    },
    "margin_debt": {
        "drop": 0.25,
        "window": "365D",
        "price_drop": 0.15,
        "recovery": 0.5,
        "scale": "relative",
    },
}


def _max_drawdown(p: FloatArray) -> float:
    """Largest peak-to-trough fall of a positive path, as a fraction of the peak."""
    if p.size == 0:
        return float("nan")
    return float(np.max(1.0 - p / np.maximum.accumulate(p)))


_EPISODE_COLUMNS = [
    "start",
    "trough",
    "end",
    "peak_level",
    "trough_level",
    "depth",
    "duration",
    "periods",
    "recovery_periods",
    "ended_by",
    "price_move",
    "price_drawdown",
]


@dataclass(frozen=True, slots=True)
class EpisodeTable:
    """Deleveraging episodes found by :func:`deleveraging_episodes`.

    Attributes
    ----------
    episodes : DataFrame
        One row per episode: ``start`` (the proxy's peak), ``trough``, ``end`` (the first date
        the proxy regained ``recovery`` of its fall, or went a whole ``window`` without a new
        low; NaT if neither happened in the sample), ``peak_level``,
        ``trough_level``, ``depth`` (fractional fall peak to trough, or the absolute fall if
        ``scale="absolute"``), ``duration`` (trough minus start, a Timedelta on a
        DatetimeIndex, else periods), ``periods`` (start to trough, in observations),
        ``recovery_periods`` (trough to end, observations; NaN if open), ``ended_by``
        (``"recovery"``, ``"stall"`` or ``"open"``), ``price_move``
        (price at trough / price at start - 1) and ``price_drawdown`` (largest price fall
        inside [start, trough], a fraction). Price columns are NaN without a price.
    params : dict
        The parameters used (after applying the preset).
    candidates : int
        Episodes of the proxy before the price filter.
    proxy : Series
        The proxy the episodes were found in (for charts and event matching).
    """

    episodes: pd.DataFrame
    params: dict[str, Any]
    candidates: int
    proxy: pd.Series = field(repr=False)

    def __len__(self) -> int:
        return len(self.episodes)

    def summary(self) -> pd.DataFrame:
        """The episode table (a copy)."""
        return self.episodes.copy()

    def to_frame(self) -> pd.DataFrame:
        """The episode table (a copy)."""
        return self.episodes.copy()

    def _repr_html_(self) -> str:
        p = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return _html(self.episodes, f"{len(self)} deleveraging episodes ({p})")

    def to_display(self, *, depth_format: str = "{:.0%}") -> pd.DataFrame:
        """The episode table formatted for reading (strings; deterministic, no Styler).

        Parameters
        ----------
        depth_format : str, default "{:.0%}"
            Python format of ``depth`` (a fraction for ``scale="relative"``; in the proxy's
            units for ``scale="absolute"``, e.g. ``"{:.2f}"``).

        Returns
        -------
        DataFrame
            Columns ``start``, ``trough``, ``end`` (``YYYY-MM-DD``; ``open`` for an episode
            not yet ended), ``depth``, ``days`` (start to trough, calendar days),
            ``price move`` and ``price drawdown`` (percent, ``–`` without a price).

        Raises
        ------
        TypeError
            If the proxy has no DatetimeIndex.

        Examples
        --------
        >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
        >>> res = deleveraging_episodes(pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx))
        >>> res.to_display().loc[0].tolist()
        ['2000-03-31', '2000-05-31', '2000-07-31', '42%', '61', '–', '–']
        """
        if not isinstance(self.proxy.index, pd.DatetimeIndex):
            raise TypeError("to_display needs a proxy with a DatetimeIndex")
        tab = self.episodes

        def day(values: pd.Series) -> list[str]:
            return ["open" if pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}" for v in values]

        def pct(values: pd.Series) -> list[str]:
            return ["–" if pd.isna(v) else f"{v:.0%}" for v in values]

        return pd.DataFrame(
            {
                "start": day(tab["start"]),
                "trough": day(tab["trough"]),
                "end": day(tab["end"]),
                "depth": [depth_format.format(v) for v in tab["depth"]],
                "days": [str(pd.Timedelta(v).days) for v in tab["duration"]],
                "price move": pct(tab["price_move"]),
                "price drawdown": pct(tab["price_drawdown"]),
            },
            index=tab.index,
        )

    def match_events(self, events: pd.DataFrame, tolerance: str = "3D") -> pd.DataFrame:
        """Which catalogued events fall inside an episode's fall (start to trough).

        Parameters
        ----------
        events : DataFrame
            A crash catalogue with a ``start`` column of timestamps (e.g.
            ``riskkit.data.events_frame()``); a ``name`` column is carried over.
        tolerance : str, default "3D"
            Slack on both sides of [start, trough]: an event up to this long before the
            proxy's peak or after its trough still matches.

        Returns
        -------
        DataFrame
            One row per event (same index): ``name``, ``event_start``, ``covered`` (the event
            lies inside the proxy's date range), ``found``, ``episode`` (row number in
            :attr:`episodes`, -1 if none), ``episode_start``, ``episode_trough``, ``depth``.

        Raises
        ------
        TypeError
            If the proxy has no DatetimeIndex.
        ValueError
            If ``events`` has no ``start`` column.

        Examples
        --------
        >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
        >>> res = deleveraging_episodes(pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx))
        >>> ev = pd.DataFrame({"start": pd.to_datetime(["2000-04-15", "2000-07-15"])})
        >>> res.match_events(ev)[["covered", "found", "episode"]]
           covered  found  episode
        0     True   True        0
        1     True  False       -1
        """
        if not isinstance(self.proxy.index, pd.DatetimeIndex):
            raise TypeError("match_events needs a proxy with a DatetimeIndex")
        if "start" not in events.columns:
            raise ValueError(
                f"events must have a 'start' column; got columns {list(events.columns)}"
            )
        tol = pd.Timedelta(tolerance)
        idx = pd.DatetimeIndex(self.proxy.index)
        when = pd.DatetimeIndex(pd.to_datetime(events["start"]))
        if idx.tz is not None and when.tz is None:
            when = when.tz_localize(idx.tz)
        elif idx.tz is None and when.tz is not None:
            when = when.tz_convert("UTC").tz_localize(None)
        tab = self.episodes
        starts = pd.DatetimeIndex(tab["start"]) - tol
        troughs = pd.DatetimeIndex(tab["trough"]) + tol
        rows = []
        for t in when:
            inside = np.flatnonzero((starts <= t) & (t <= troughs))
            k = int(inside[0]) if inside.size else -1
            rows.append(
                {
                    "event_start": t,
                    "covered": bool(idx[0] - tol <= t <= idx[-1] + tol),
                    "found": k >= 0,
                    "episode": k,
                    "episode_start": tab["start"].iloc[k] if k >= 0 else pd.NaT,
                    "episode_trough": tab["trough"].iloc[k] if k >= 0 else pd.NaT,
                    "depth": float(tab["depth"].iloc[k]) if k >= 0 else float("nan"),
                }
            )
        out = pd.DataFrame(rows, index=events.index)
        if "name" in events.columns:
            out.insert(0, "name", events["name"])
        return out

    def window_stats(self, series: pd.Series) -> pd.DataFrame:
        r"""What another series did over each episode's fall, from start to trough.

        Parameters
        ----------
        series : Series
            Any series on the proxy's dates (e.g. a volatility index or the proxy divided by
            the price), in its own units. Dates it lacks give NaN.

        Returns
        -------
        DataFrame
            One row per episode (same index as :attr:`episodes`): ``at_start`` and
            ``at_trough`` (the series on the episode's start and trough dates), ``change``
            (relative change, a fraction), ``max`` and ``min`` (over [start, trough]).

        Notes
        -----
        With :math:`t_p` the start and :math:`t_m` the trough,
        ``change`` :math:`= y_{t_m} / y_{t_p} - 1`, ``max`` :math:`= \max_{t_p \le s \le t_m} y_s`.

        Examples
        --------
        >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
        >>> res = deleveraging_episodes(pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx))
        >>> vol = pd.Series([10.0, 10, 12, 30, 20, 15, 12, 11], idx)
        >>> res.window_stats(vol).loc[0].tolist()
        [12.0, 20.0, 0.6666666666666667, 30.0, 12.0]
        """
        y = _series(series, "series", allow_nan=True)
        tab = self.episodes
        at_start = y.reindex(pd.DatetimeIndex(tab["start"])).to_numpy()
        at_trough = y.reindex(pd.DatetimeIndex(tab["trough"])).to_numpy()
        windows = [y.loc[a:b] for a, b in zip(tab["start"], tab["trough"], strict=True)]
        return pd.DataFrame(
            {
                "at_start": at_start,
                "at_trough": at_trough,
                "change": at_trough / at_start - 1,
                "max": [w.max() if len(w) else np.nan for w in windows],
                "min": [w.min() if len(w) else np.nan for w in windows],
            },
            index=tab.index,
        )

    def chart(self, *, title: str | None = None, y_title: str = "proxy", log: bool = False) -> Any:
        """Line chart of the proxy with each episode's fall (start to trough) shaded.

        Parameters
        ----------
        title : str, optional
            Chart title (default: the number of episodes).
        y_title : str, default "proxy"
            y-axis title; put the units in it (e.g. ``"margin debt (USD bn)"``).
        log : bool, default False
            Logarithmic y axis.

        Returns
        -------
        altair.LayerChart
        """
        from riskkit.charts.cycles import chart_episodes

        return chart_episodes(self, title=title, y_title=y_title, log=log)


class _RangeMax:
    """Sparse table: maximum of ``x[lo:hi + 1]`` for arrays of ranges in O(1) each."""

    def __init__(self, x: FloatArray) -> None:
        self.levels = [x]
        span = 1
        while 2 * span <= x.size:
            prev = self.levels[-1]
            self.levels.append(np.maximum(prev[:-span], prev[span:]))
            span *= 2

    def query(self, lo: np.ndarray, hi: np.ndarray) -> FloatArray:
        k = np.floor(np.log2(hi - lo + 1)).astype(int)
        out = np.empty(lo.size)
        for level in np.unique(k):
            sel = k == level
            t = self.levels[level]
            out[sel] = np.maximum(t[lo[sel]], t[hi[sel] - (1 << level) + 1])
        return out


def _find_episodes(
    x: FloatArray,
    lo: np.ndarray,
    ahead: np.ndarray,
    drop: float,
    recovery: float,
    relative: bool,
) -> list[tuple[int, int, int, str]]:
    """(peak, trough, end, ended_by) positions; end = -1 for an episode still open.

    Triggers are flagged once for the whole series; after an episode only the first window
    past its end is re-examined (highs before the end are ignored there). The end of an
    episode is searched in a prefix of the remaining path that doubles until a stop is found,
    so the total cost is O(n log n) plus the length of the episodes.
    """
    n = x.size
    table = _RangeMax(x)
    pos = np.arange(n)
    tol = drop * (1 - 1e-12)

    def falls(hi: np.ndarray, at: np.ndarray) -> np.ndarray:
        return 1.0 - x[at] / hi if relative else hi - x[at]

    flagged = np.flatnonzero(falls(table.query(lo, pos), pos) >= tol)
    out: list[tuple[int, int, int, str]] = []
    floor = 0
    while floor < n - 1:
        # windows that reach back before the floor: recompute their high from the floor on
        near_end = int(np.searchsorted(lo, floor, side="left"))  # first t with lo[t] >= floor
        near = pos[floor:near_end]
        hits = np.flatnonzero(falls(table.query(np.full(near.size, floor), near), near) >= tol)
        if hits.size:
            first = floor + int(hits[0])
        else:
            k = int(np.searchsorted(flagged, max(near_end, floor), side="left"))
            if k == flagged.size:
                break
            first = int(flagged[k])
        lo_f = max(int(lo[first]), floor)
        seg = x[lo_f : first + 1]
        peak = lo_f + seg.size - 1 - int(np.argmax(seg[::-1]))  # last time at the high
        while True:  # follow higher highs back, one window at a time, to where the fall began
            lo_p = max(int(lo[peak]), floor)
            back = x[lo_p : peak + 1]
            cand = lo_p + back.size - 1 - int(np.argmax(back[::-1]))
            if x[cand] <= x[peak]:
                break
            peak = cand
        size = max(4 * (first - peak + 1), 256)
        while True:
            path = x[peak : peak + size]
            steps = np.arange(path.size)
            run_min = np.minimum.accumulate(path)
            gain = path - run_min
            recovered = (gain >= recovery * (path[0] - run_min)) & (gain > 0)
            new_low = np.r_[True, path[1:] < run_min[:-1]]
            last_low = peak + np.maximum.accumulate(np.where(new_low, steps, 0))
            stalled = (peak + steps) > ahead[last_low]
            done = recovered | stalled
            done[: first - peak + 1] = False
            stops = np.flatnonzero(done)
            if stops.size or peak + size >= n:
                break
            size *= 2
        if stops.size == 0:
            out.append((peak, peak + int(np.argmin(path)), -1, "open"))
            break
        j = int(stops[0])
        trough = peak + int(np.argmin(path[: j + 1]))
        out.append((peak, trough, peak + j, "recovery" if recovered[j] else "stall"))
        floor = peak + j
    return out


def deleveraging_episodes(
    proxy: pd.Series,
    price: pd.Series | None = None,
    *,
    preset: Literal["margin_debt", "crypto", "funding"] = "margin_debt",
    drop: float | None = None,
    window: Window | None = None,
    price_drop: float | None = None,
    recovery: float | None = None,
    scale: Literal["relative", "absolute"] | None = None,
) -> EpisodeTable:
    r"""Find deleveraging episodes: a leverage proxy falls fast, together with a price drawdown.

    Parameters
    ----------
    proxy : Series
        Leverage proxy, sorted in time: open interest in coin or USD, margin debt, a margin
        debt ratio (all > 0 with ``scale="relative"``), or a rolling funding rate (any sign,
        with ``scale="absolute"``). No NaN (drop or fill them first).
    price : Series, optional
        Price (> 0) of the levered asset, with the same kind of index (time zone included).
        Aligned to ``proxy`` by forward-filling onto its dates, so sample it at the proxy's
        frequency or coarser with labels at the end of each period to avoid look-ahead. If
        given, an episode is kept only if the price fell by at least ``price_drop`` inside it.
    preset : {"margin_debt", "crypto", "funding"}, default "margin_debt"
        Default values of the five parameters below (see :data:`EPISODE_PRESETS`): monthly
        margin debt (drop 25 % within 365 days, price drawdown >= 15 %), daily crypto open
        interest (drop 15 % within 30 days, price drawdown >= 10 %) or a rolling annualised
        funding rate (absolute drop of 0.30 per year within 30 days, price drawdown >= 15 %).
        Arguments given explicitly override the preset.
    drop : float, optional
        Minimum fall of the proxy within ``window`` that triggers an episode: a fraction of the
        window's high in (0, 1) for ``scale="relative"``, in the proxy's units (> 0) for
        ``scale="absolute"``.
    window : int, str or Timedelta, optional
        Look-back for the fall: an int counts observations, ``"30D"`` is a length of time (needs
        a DatetimeIndex).
    price_drop : float, optional
        Minimum price drawdown inside [start, trough], a fraction in [0, 1). 0 keeps all.
    recovery : float, optional
        Share of the peak-to-trough fall the proxy must regain for the episode to end, in
        (0, 1]. A new episode can only start after the previous one ended.
    scale : {"relative", "absolute"}, optional
        Whether ``drop`` and ``depth`` are fractions of the high or differences (default: the
        preset's, ``"absolute"`` for ``"funding"``).

    Returns
    -------
    EpisodeTable
        ``.episodes`` is the tidy table (start, trough, end, depth, duration, price move);
        ``.params`` the parameters used.

    Raises
    ------
    TypeError
        If ``proxy`` is not a Series, or a time ``window`` is used without a DatetimeIndex.
    ValueError
        For parameters out of range, NaN in ``proxy``, or non-positive levels with
        ``scale="relative"``.
    InsufficientDataError
        If ``proxy`` has fewer than 3 observations.

    Warns
    -----
    DataQualityWarning
        If ``price`` does not cover some episodes (they are dropped).

    See Also
    --------
    episode_stability : The same detector over a grid of parameters.
    gap_record : Uses the detector on the price to date equity drawdowns.

    Notes
    -----
    Let :math:`x_t` be the proxy and :math:`W_t` the observations in the window that ends at
    :math:`t`. The fall from the window's high is

    .. math:: d_t = 1 - \frac{x_t}{\max_{s \in W_t} x_s} \quad (\text{relative}), \qquad
              d_t = \max_{s \in W_t} x_s - x_t \quad (\text{absolute}).

    The first :math:`t_0` with :math:`d_{t_0} \ge \delta` (``drop``) triggers an episode. Its
    *start* :math:`t_p` is the last date at the window's high before :math:`t_0`, followed back
    to an earlier high while the window before the current start holds a higher value (so a
    slow top followed by a fast fall starts at the top); its *end*
    :math:`t_e` is the first date after :math:`t_0` at which either

    .. math:: x_{t_e} - m_{t_e} \ge \rho \, (x_{t_p} - m_{t_e}), \qquad
              m_t = \min_{t_p \le s \le t} x_s,

    (the proxy has regained the share :math:`\rho`, ``recovery``, of its fall) or the last new
    low :math:`m` is more than one window old (the unwind has *stalled*). The *trough* is the
    date of :math:`m_{t_e}`. Scanning resumes at :math:`t_e`, with highs before :math:`t_e`
    ignored, so episodes never overlap; a multi-leg unwind whose legs are less than a window
    apart is one episode. With a price :math:`P_t` the episode is kept if the price's largest
    fall inside it, :math:`\max_{t_p \le s \le u \le t_{tr}} (1 - P_u / P_s)`, is at least
    ``price_drop``; episodes the price does not cover are dropped with a warning.

    The window maxima use a sparse table (:math:`O(n \log n)` to build, :math:`O(1)` per
    window); each episode then costs one vectorised pass over the rest of the series.

    The presets were set on the mirror's series. ``"margin_debt"`` on FINRA debit balances
    1997-2025 with the S&P 500 finds exactly three unwinds, 2000-03 to 2002-09 (-55 %),
    2007-07 to 2009-02 (-52 %) and 2021-10 to 2022-12 (-35 %), the first two at every point of
    the default :func:`episode_stability` grid and the third at 24 of 27. ``"crypto"`` on
    Binance COIN-M BTC open interest (contracts, 2021-09 to 2025-10) finds episodes containing
    the LUNA, FTX, 2024-08-05 and 2025-10-10 crashes.

    References
    ----------
    Geanakoplos, J. (2010). "The Leverage Cycle". NBER Macroeconomics Annual 24, 1-66.
    https://doi.org/10.1086/648285

    Adrian, T. and Shin, H. S. (2010). "Liquidity and Leverage". Journal of Financial
    Intermediation 19(3), 418-437. https://doi.org/10.1016/j.jfi.2008.12.002

    Examples
    --------
    >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
    >>> debt = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
    >>> res = deleveraging_episodes(debt)
    >>> res.episodes[["start", "trough", "end", "depth", "periods"]]
           start     trough        end     depth  periods
    0 2000-03-31 2000-05-31 2000-07-31  0.416667        2
    """
    check_time_index(proxy, "proxy")
    check_time_index(price, "price")
    if not isinstance(proxy, pd.Series):
        raise TypeError(f"proxy must be a pandas Series; got {type(proxy).__name__}")
    check_option(preset, "preset", tuple(EPISODE_PRESETS))
    base = EPISODE_PRESETS[preset]
    scale = base["scale"] if scale is None else scale
    check_option(scale, "scale", ("relative", "absolute"))
    drop_ = float(base["drop"] if drop is None else drop)
    window_ = base["window"] if window is None else window
    price_drop_ = float(base["price_drop"] if price_drop is None else price_drop)
    recovery_ = float(base["recovery"] if recovery is None else recovery)
    relative = scale == "relative"
    if relative:
        check_range(np.asarray(drop_), "drop", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    else:
        check_range(np.asarray(drop_), "drop", 0.0, low_inclusive=False)
    check_range(np.asarray(price_drop_), "price_drop", 0.0, 1.0, high_inclusive=False)
    check_range(np.asarray(recovery_), "recovery", 0.0, 1.0, low_inclusive=False)

    x = as_float_array(proxy, "proxy")
    if x.size < 3:
        raise InsufficientDataError(f"proxy needs at least 3 observations; got {x.size}")
    if relative:
        check_range(x, "proxy", 0.0, low_inclusive=False)
    index = proxy.index
    lo = _lookback(index, window_, "window")
    p: FloatArray | None = None
    if price is not None:
        if not isinstance(price, pd.Series):
            raise TypeError(f"price must be a pandas Series; got {type(price).__name__}")
        tz_p, tz_x = getattr(price.index, "tz", None), getattr(index, "tz", None)
        if (tz_p is None) != (tz_x is None):
            raise TypeError(
                f"proxy and price must both have time-zone-aware or both naive indexes; "
                f"got proxy tz={tz_x} and price tz={tz_p} (use tz_localize('UTC'))"
            )
        aligned = price.reindex(index.union(price.index)).sort_index().ffill().reindex(index)
        p = check_range(
            as_float_array(aligned, "price", allow_nan=True), "price", 0.0, low_inclusive=False
        )

    ahead = _lookahead(index, window_, "window")
    found = _find_episodes(x, lo, ahead, drop_, recovery_, relative)
    is_time = isinstance(index, pd.DatetimeIndex)
    rows = []
    uncovered: list[str] = []
    for peak, trough, end, ended_by in found:
        depth = (1.0 - x[trough] / x[peak]) if relative else (x[peak] - x[trough])
        move = dd = float("nan")
        if p is not None:
            if np.isnan(p[peak : trough + 1]).any():
                uncovered.append(str(index[peak]))
                continue
            move = p[trough] / p[peak] - 1.0
            dd = _max_drawdown(p[peak : trough + 1])
            if dd < price_drop_:
                continue
        rows.append(
            {
                "start": index[peak],
                "trough": index[trough],
                "end": index[end] if end >= 0 else (pd.NaT if is_time else None),
                "peak_level": x[peak],
                "trough_level": x[trough],
                "depth": depth,
                "duration": (index[trough] - index[peak]) if is_time else trough - peak,
                "periods": trough - peak,
                "recovery_periods": float(end - trough) if end >= 0 else float("nan"),
                "ended_by": ended_by,
                "price_move": move,
                "price_drawdown": dd,
            }
        )
    if uncovered:
        warnings.warn(
            f"{len(uncovered)} episode(s) of the proxy starting at {', '.join(uncovered[:3])}"
            f"{' ...' if len(uncovered) > 3 else ''} are not covered by price and were dropped; "
            "pass a price that covers the proxy's dates or trim the proxy to the price's range",
            DataQualityWarning,
            stacklevel=2,
        )
    table = pd.DataFrame(rows, columns=_EPISODE_COLUMNS)
    if is_time and len(table) == 0:
        for c in ("start", "trough", "end"):
            table[c] = pd.Series(dtype=index.dtype)
    params = {
        "preset": preset,
        "drop": drop_,
        "window": window_,
        "price_drop": price_drop_ if price is not None else None,
        "recovery": recovery_,
        "scale": scale,
    }
    return EpisodeTable(episodes=table, params=params, candidates=len(found), proxy=proxy.copy())
