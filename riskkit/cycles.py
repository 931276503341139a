"""Leverage and deleveraging cycles: proxies, episodes, regimes, lead-lag and leverage gaps.

Leverage builds up slowly and unwinds fast. This module measures it with a few proxies (open
interest in coin and in USD, the annualised funding rate, margin debt relative to the equity
index), dates its unwinds with a transparent peak-to-trough detector, describes its regimes with
Markov-switching models, tests what leads what with VARs and Granger-causality tests, and
computes the *leverage gap* (the credit-gap idea of the Basel III countercyclical buffer applied
to margin debt) with a truly one-sided Hodrick-Prescott filter or Hamilton's regression filter.

Every statistical analysis wraps, rather than hides, the statsmodels result it is built on: the
result objects expose it as ``model_result`` so that ``res.model_result.summary()`` prints the
familiar statsmodels table. statsmodels is imported inside the functions that use it.
"""

from __future__ import annotations

import inspect
import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from riskkit._boundary import user_stacklevel
from riskkit._compat import require
from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import as_float_array, check_option, check_range, wrap_like
from riskkit.exceptions import BoundaryEstimateWarning, DataQualityWarning, InsufficientDataError

__all__ = [
    "EPISODE_PRESETS",
    "EpisodeStability",
    "EpisodeTable",
    "GapRecord",
    "GrangerResult",
    "LeadLagResult",
    "RegimeResult",
    "deleveraging_episodes",
    "episode_stability",
    "funding_annualised",
    "funding_summary",
    "gap_record",
    "granger_causality",
    "hamilton_filter",
    "hp_filter_one_sided",
    "margin_debt_gap",
    "margin_debt_to_price",
    "markov_regimes",
    "open_interest_coin",
    "open_interest_usd",
    "regime_panel",
    "var_lead_lag",
]

logger = logging.getLogger(__name__)

#: A regime whose standard deviation is below this fraction of the largest regime's has collapsed.
REGIME_COLLAPSE = 1e-3

Window = int | str | pd.Timedelta

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

_HOURS_PER_YEAR = 24.0 * 365.0


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------
def _html(summary: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + summary.to_html(float_format=lambda v: f"{v:.4g}")


def _series(x: Any, name: str, *, allow_nan: bool = False) -> pd.Series:
    """``x`` as a float Series (a RangeIndex if it was not a Series), validated."""
    arr = as_float_array(x, name, allow_nan=allow_nan)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if isinstance(x, pd.Series):
        return pd.Series(arr, index=x.index, name=x.name)
    return pd.Series(arr, name=name)


def _check_int(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    return int(value)


def _lookback(index: pd.Index, window: Window, name: str) -> np.ndarray:
    """Position of the first observation inside the window that ends at each observation.

    An ``int`` window counts periods (``window`` periods back, so ``window + 1`` observations);
    a string or Timedelta is a length of time and needs a sorted DatetimeIndex.
    """
    n = len(index)
    pos = np.arange(n)
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        if window < 1:
            raise ValueError(f"{name} must be >= 1 period; got {window}")
        return np.maximum(pos - int(window), 0)
    if not isinstance(window, str | pd.Timedelta):
        raise TypeError(
            f"{name} must be an int (periods) or a time length such as '30D'; "
            f"got {type(window).__name__} {window!r}"
        )
    try:
        delta = pd.Timedelta(window)
    except ValueError:
        raise ValueError(f"{name} must be a time length such as '30D'; got {window!r}") from None
    if delta <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive time length; got {window!r}")
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(
            f"{name}={window!r} is a time length and needs a Series with a DatetimeIndex; "
            f"got {type(index).__name__} (pass an int number of periods instead)"
        )
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}: the index must be sorted in increasing time order")
    dti = pd.DatetimeIndex(index)
    return np.searchsorted(dti.asi8, (dti - delta).asi8, side="left")


def _lookahead(index: pd.Index, window: Window, name: str) -> np.ndarray:
    """Position of the last observation inside the window that starts at each observation."""
    n = len(index)
    pos = np.arange(n)
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        if window < 1:
            raise ValueError(f"{name} must be >= 1 period; got {window}")
        return np.minimum(pos + int(window), n - 1)
    _lookback(index, window, name)  # validates type and index
    dti = pd.DatetimeIndex(index)
    return np.searchsorted(dti.asi8, (dti + pd.Timedelta(window)).asi8, side="right") - 1


def _naive_utc(values: Any) -> pd.DatetimeIndex:
    """Timestamps as naive UTC (what Vega-Lite charts expect)."""
    idx = pd.DatetimeIndex(values)
    return idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx


def _align_price(quantity: Any, price: Any) -> Any:
    """If both are Series, the price on the quantity's dates (NaN where it has none)."""
    if isinstance(quantity, pd.Series) and isinstance(price, pd.Series):
        return price.reindex(quantity.index)
    return price


def _quantity_and_price(quantity: Any, name: str, price: Any) -> tuple[FloatArray, FloatArray, Any]:
    """Validated open interest (>= 0, NaN allowed) and price (> 0) on the quantity's dates."""
    price = _align_price(quantity, price)
    oi = check_range(as_float_array(quantity, name, allow_nan=True), name, 0.0)
    p = check_range(
        as_float_array(price, "price", allow_nan=True), "price", 0.0, low_inclusive=False
    )
    return oi, p, price


def _max_drawdown(p: FloatArray) -> float:
    """Largest peak-to-trough fall of a positive path, as a fraction of the peak."""
    if p.size == 0:
        return float("nan")
    return float(np.max(1.0 - p / np.maximum.accumulate(p)))


# ---------------------------------------------------------------------------------------------
# leverage proxies
# ---------------------------------------------------------------------------------------------
def open_interest_coin(open_interest_usd: ArrayLike, price: ArrayLike) -> Any:
    r"""Open interest in coin from open interest in USD and the price.

    Parameters
    ----------
    open_interest_usd : float, array_like or Series
        Open interest in USD (quote currency), >= 0. For coin-margined contracts with a USD face
        value this is the number of contracts times the face value.
    price : float, array_like or Series
        Price of the coin in USD, > 0, sampled at the same times. If both inputs are Series the
        price is taken on the open interest's dates (NaN where it has none).

    Returns
    -------
    float, ndarray or Series
        Open interest in coin (e.g. BTC); a Series keeps the index of the first Series input.
        NaN inputs give NaN.

    Raises
    ------
    ValueError
        If open interest is negative or the price is not > 0.

    See Also
    --------
    open_interest_usd : The inverse conversion.

    Notes
    -----
    .. math:: OI^{coin}_t = OI^{USD}_t / P_t

    with :math:`P_t` the price in USD. A coin-margined book with a constant number of contracts
    *grows* in coin when the price falls, so open interest in coin separates position changes
    from price changes better than open interest in USD.

    References
    ----------
    Binance, "Coin-margined futures contract specifications",
    https://www.binance.com/en/futures/trading-rules/quarterly

    Examples
    --------
    >>> open_interest_coin(2_000_000.0, 50_000.0)
    40.0
    """
    oi, p, price = _quantity_and_price(open_interest_usd, "open_interest_usd", price)
    return wrap_like(oi / p, open_interest_usd, price, name="open_interest_coin")


def open_interest_usd(open_interest_coin: ArrayLike, price: ArrayLike) -> Any:
    r"""Open interest in USD from open interest in coin and the price.

    Parameters
    ----------
    open_interest_coin : float, array_like or Series
        Open interest in coin (e.g. BTC), >= 0.
    price : float, array_like or Series
        Price of the coin in USD, > 0. If both inputs are Series the price is taken on the open
        interest's dates (NaN where it has none).

    Returns
    -------
    float, ndarray or Series
        Open interest in USD; a Series keeps the index of the first Series input.

    Raises
    ------
    ValueError
        If open interest is negative or the price is not > 0.

    See Also
    --------
    open_interest_coin : The inverse conversion.

    Notes
    -----
    .. math:: OI^{USD}_t = OI^{coin}_t \, P_t

    References
    ----------
    Binance, "USDⓈ-margined futures contract specifications",
    https://www.binance.com/en/futures/trading-rules/perpetual

    Examples
    --------
    >>> open_interest_usd(40.0, 50_000.0)
    2000000.0
    """
    oi, p, price = _quantity_and_price(open_interest_coin, "open_interest_coin", price)
    return wrap_like(oi * p, open_interest_coin, price, name="open_interest_usd")


def funding_annualised(
    funding_rate: ArrayLike, *, interval_hours: float = 8.0, window: Window | None = None
) -> Any:
    r"""Annualise a per-interval funding rate, optionally as a rolling mean: the price of leverage.

    Parameters
    ----------
    funding_rate : float, array_like or Series
        Funding rate per funding interval, a fraction (0.0001 = 0.01 % per 8 hours). Positive:
        longs pay shorts. NaN passes through.
    interval_hours : float, default 8.0
        Length of the funding interval in hours, > 0 (8 on BitMEX and Binance; 1 on Hyperliquid).
    window : int, str or Timedelta, optional
        If given, the rolling mean over this window: an int counts funding prints, a string such
        as ``"30D"`` is a length of time (needs a DatetimeIndex). The first prints use the
        available ones (``min_periods=1``).

    Returns
    -------
    float, ndarray or Series
        Annualised funding rate, a fraction per year (simple, not compounded).

    Raises
    ------
    ValueError
        If ``interval_hours`` is not > 0 or ``window`` is invalid.
    TypeError
        If ``window`` is a time length and ``funding_rate`` has no DatetimeIndex.

    See Also
    --------
    open_interest_coin : Quantity of leverage; funding is its price.

    Notes
    -----
    .. math:: f^{ann}_t = f_t \, \frac{24 \cdot 365}{h}, \qquad
              \bar f^{ann}_t = \frac{1}{|W_t|} \sum_{s \in W_t} f^{ann}_s

    with :math:`f_t` the rate per interval, :math:`h` the interval in hours and :math:`W_t` the
    prints inside the window ending at :math:`t`.

    References
    ----------
    BitMEX, "Perpetual contracts guide: funding",
    https://www.bitmex.com/app/perpetualContractsGuide

    Examples
    --------
    >>> round(funding_annualised(0.0001), 4)
    0.1095
    """
    f = as_float_array(funding_rate, "funding_rate", allow_nan=True)
    h = float(
        check_range(
            as_float_array(interval_hours, "interval_hours"),
            "interval_hours",
            0.0,
            low_inclusive=False,
        )
    )
    ann = f * (_HOURS_PER_YEAR / h)
    if window is None:
        return wrap_like(ann, funding_rate, name="funding_annualised")
    s = _series(ann, "funding_rate", allow_nan=True)
    if isinstance(funding_rate, pd.Series):
        s.index = funding_rate.index
    _lookback(s.index, window, "window")  # validate
    out = s.rolling(window if isinstance(window, int) else pd.Timedelta(window), min_periods=1)
    res = out.mean()
    if isinstance(funding_rate, pd.Series):
        return res.rename("funding_annualised")
    return res.to_numpy()


def funding_summary(
    rates: Mapping[str, pd.Series] | pd.DataFrame, *, high: float = 0.30
) -> pd.DataFrame:
    r"""Compare annualised funding series: median, tails and extremes, one row per series.

    Parameters
    ----------
    rates : mapping of str to Series, or DataFrame
        Annualised funding rates (fractions per year, e.g. from :func:`funding_annualised`),
        one series per venue or contract; NaN is ignored.
    high : float, default 0.30
        Level (fraction per year) above which funding counts as expensive leverage.

    Returns
    -------
    DataFrame
        Index: the series names. Columns ``median``, ``share_high`` (share of observations
        above ``high``), ``share_negative`` (share below 0, shorts paying), ``max``,
        ``max_at``, ``min`` and ``min_at`` (the dates of the extremes).

    Notes
    -----
    The shares are :math:`\frac{1}{n}\sum_t 1\{f_t > \text{high}\}` and
    :math:`\frac{1}{n}\sum_t 1\{f_t < 0\}` over the :math:`n` non-missing observations.

    Examples
    --------
    >>> f = pd.Series([0.1, 0.5, -0.2, 0.2], pd.date_range("2024-01-01", periods=4))
    >>> row = funding_summary({"perp": f}).loc["perp"]
    >>> round(float(row["median"]), 2), float(row["share_high"]), f"{row['min_at']:%Y-%m-%d}"
    (0.15, 0.25, '2024-01-03')
    """
    items = rates.items() if isinstance(rates, pd.DataFrame) else dict(rates).items()
    rows = {}
    for name, series in items:
        f = _series(series, str(name), allow_nan=True).dropna()
        if f.empty:
            raise InsufficientDataError(f"funding series {name!r} has no observations")
        rows[name] = {
            "median": f.median(),
            "share_high": (f > high).mean(),
            "share_negative": (f < 0).mean(),
            "max": f.max(),
            "max_at": f.idxmax(),
            "min": f.min(),
            "min_at": f.idxmin(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def margin_debt_to_price(margin_debt: pd.Series, price: pd.Series) -> pd.Series:
    r"""Margin debt relative to the equity index level, on the common dates.

    Parameters
    ----------
    margin_debt : Series
        Margin debt (FINRA debit balances in customers' securities margin accounts), in USD
        millions, > 0, with a DatetimeIndex.
    price : Series
        Equity index level (e.g. the S&P 500 monthly average), index points, > 0, on the same
        dates (only common dates are kept).

    Returns
    -------
    Series
        Margin debt per index point (USD millions per point), named ``"margin_debt_to_price"``.

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If the two series share no date.

    See Also
    --------
    margin_debt_gap : Leverage gap of margin debt.

    Notes
    -----
    .. math:: L_t = D_t / P_t

    with :math:`D_t` margin debt and :math:`P_t` the index level. :math:`L_t` rises when
    investors borrow faster than prices rise: the stock-market analogue of open interest in coin.

    References
    ----------
    FINRA, "Margin statistics", https://www.finra.org/rules-guidance/key-topics/margin-accounts/margin-statistics

    Examples
    --------
    >>> idx = pd.date_range("2000-01-01", periods=2, freq="MS")
    >>> margin_debt_to_price(pd.Series([300.0, 200.0], idx), pd.Series([1500.0, 1000.0], idx))
    2000-01-01    0.2
    2000-02-01    0.2
    Freq: MS, Name: margin_debt_to_price, dtype: float64
    """
    for arg, name in ((margin_debt, "margin_debt"), (price, "price")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
    d, p = margin_debt.align(price, join="inner")
    if len(d) == 0:
        raise InsufficientDataError("margin_debt and price share no date; need at least one")
    dv = check_range(
        as_float_array(d, "margin_debt", allow_nan=True), "margin_debt", 0.0, low_inclusive=False
    )
    pv = check_range(as_float_array(p, "price", allow_nan=True), "price", 0.0, low_inclusive=False)
    return pd.Series(dv / pv, index=d.index, name="margin_debt_to_price")


# ---------------------------------------------------------------------------------------------
# deleveraging episodes
# ---------------------------------------------------------------------------------------------
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
        require("altair", "charts")
        import altair as alt

        from riskkit.charts import CHART_WIDTH, line_chart

        if not isinstance(self.proxy.index, pd.DatetimeIndex):
            raise TypeError("chart needs a proxy with a DatetimeIndex")
        name = self.proxy.name if self.proxy.name is not None else "proxy"
        line = line_chart(
            self.proxy.rename(str(name)),
            title=title or f"{len(self)} deleveraging episodes",
            y_title=y_title,
            log=log,
            value_format=",.4g",
            width=CHART_WIDTH,
        )
        spans = pd.DataFrame(
            {
                "start": _naive_utc(self.episodes["start"]),
                "trough": _naive_utc(self.episodes["trough"]),
                "depth": self.episodes["depth"].to_numpy(),
            }
        )
        shade = (
            alt.Chart(spans)
            .mark_rect(color="#d62728", opacity=0.18)
            .encode(
                x="start:T",
                x2="trough:T",
                tooltip=[
                    alt.Tooltip("start:T", title="start"),
                    alt.Tooltip("trough:T", title="trough"),
                    alt.Tooltip("depth:Q", format=".1%"),
                ],
            )
        )
        return alt.layer(shade, line)


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


@dataclass(frozen=True, slots=True)
class EpisodeStability:
    """Episodes found over a grid of detector parameters (:func:`episode_stability`).

    Attributes
    ----------
    grid : DataFrame
        One row per parameter combination: ``drop``, ``window``, ``price_drop``,
        ``n_episodes``, and one boolean column per reference episode (``found_<start>``) saying
        whether an episode with a trough inside the reference episode's [start, end] was found.
    reference : EpisodeTable
        The episodes found with the base parameters.
    tables : dict
        The :class:`EpisodeTable` of each grid point, keyed by ``(drop, window, price_drop)``.
    """

    grid: pd.DataFrame
    reference: EpisodeTable
    tables: dict[tuple[Any, ...], EpisodeTable] = field(repr=False)

    @property
    def share_found(self) -> pd.Series:
        """Share of grid points that found each reference episode (1.0 = fully stable)."""
        cols = [c for c in self.grid.columns if c.startswith("found_")]
        return self.grid[cols].mean().rename("share_found")

    def summary(self) -> pd.DataFrame:
        """The reference episodes with the share of grid points that found each."""
        out = self.reference.episodes.copy()
        out["share_found"] = self.share_found.to_numpy()
        return out

    def event_share(self, events: pd.DataFrame, tolerance: str = "3D") -> pd.Series:
        """Share of grid points whose episodes contain each catalogued event.

        Parameters
        ----------
        events : DataFrame
            A crash catalogue with a ``start`` column (as in :meth:`EpisodeTable.match_events`).
        tolerance : str, default "3D"
            Slack on both sides of each episode's [start, trough].

        Returns
        -------
        Series
            One value per event (same index as ``events``), in [0, 1]: the fraction of the grid's
            parameter sets at which :meth:`EpisodeTable.match_events` finds the event (1.0 =
            dated at every grid point; 0 also for events the proxy does not cover).

        Examples
        --------
        >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
        >>> proxy = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
        >>> stab = episode_stability(proxy, drops=[0.2, 0.5], windows=[3], price_drops=[0.0])
        >>> ev = pd.DataFrame({"start": pd.to_datetime(["2000-04-15"])})
        >>> stab.event_share(ev).tolist()
        [0.5]
        """
        found = [t.match_events(events, tolerance)["found"] for t in self.tables.values()]
        return pd.DataFrame(found).astype(float).mean().rename("share_found")

    def to_frame(self) -> pd.DataFrame:
        """The grid (a copy)."""
        return self.grid.copy()

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"Episode stability over {len(self.grid)} parameter sets")


def episode_stability(
    proxy: pd.Series,
    price: pd.Series | None = None,
    *,
    preset: Literal["margin_debt", "crypto", "funding"] = "margin_debt",
    drops: ArrayLike | None = None,
    windows: list[Window] | None = None,
    price_drops: ArrayLike | None = None,
    **kwargs: Any,
) -> EpisodeStability:
    r"""Run :func:`deleveraging_episodes` over a parameter grid and report what stays found.

    Parameters
    ----------
    proxy, price : Series
        As in :func:`deleveraging_episodes`.
    preset : {"margin_debt", "crypto", "funding"}, default "margin_debt"
        Base parameters; the reference episodes are found with them (and ``kwargs``).
    drops : array_like, optional
        Values of ``drop`` to try. Default: the base value and +/- 0.05 (relative scale) or
        the base value times 0.8, 1 and 1.2 (absolute scale).
    windows : list of int, str or Timedelta, optional
        Values of ``window``. Default: the base window times 2/3, 1 and 4/3.
    price_drops : array_like, optional
        Values of ``price_drop``. Default: the base value and +/- 0.05 (floored at 0).
    **kwargs
        Further arguments of :func:`deleveraging_episodes` for the reference (``drop``,
        ``window``, ``price_drop`` also centre the default grid; ``recovery`` and ``scale``
        stay fixed over the grid).

    Returns
    -------
    EpisodeStability
        ``.grid`` (one row per combination), ``.share_found`` per reference episode.

    Raises
    ------
    TypeError, ValueError
        As :func:`deleveraging_episodes`.

    See Also
    --------
    deleveraging_episodes

    Notes
    -----
    A reference episode :math:`e=(t_p, t_{tr}, t_e)` counts as found at a grid point if that
    grid point has an episode whose trough lies in :math:`[t_p, t_e]` (to the sample end if
    :math:`e` is open). The share of grid points that find :math:`e` measures its stability.

    References
    ----------
    Harding, D. and Pagan, A. (2002). "Dissecting the cycle: a methodological investigation".
    Journal of Monetary Economics 49(2), 365-381. https://doi.org/10.1016/S0304-3932(01)00108-8

    Examples
    --------
    >>> idx = pd.date_range("2000-01-31", periods=8, freq="ME")
    >>> debt = pd.Series([100.0, 110, 120, 90, 70, 80, 100, 110], idx)
    >>> episode_stability(debt).share_found.tolist()
    [1.0]
    """
    ref = deleveraging_episodes(proxy, price, preset=preset, **kwargs)
    base = ref.params
    if drops is None:
        d0 = base["drop"]
        drops_ = (
            [d0 - 0.05, d0, d0 + 0.05] if base["scale"] == "relative" else [0.8 * d0, d0, 1.2 * d0]
        )
    else:
        drops_ = as_float_array(drops, "drops").ravel().tolist()
    if windows is None:
        w0 = base["window"]
        if isinstance(w0, int | np.integer):
            w_int = int(w0)
            windows_: list[Window] = [max(1, round(w_int * 2 / 3)), w_int, round(w_int * 4 / 3)]
        else:
            td = pd.Timedelta(w0)
            windows_ = [td * 2 / 3, td, td * 4 / 3]
    else:
        windows_ = list(windows)
    if price is None:
        pdrops: list[float | None] = [None]
    elif price_drops is None:
        p0 = (
            EPISODE_PRESETS[preset]["price_drop"]
            if base["price_drop"] is None
            else base["price_drop"]
        )
        pdrops = [max(0.0, p0 - 0.05), p0, p0 + 0.05]
    else:
        pdrops = list(as_float_array(price_drops, "price_drops").ravel())
    fixed = {k: v for k, v in kwargs.items() if k not in ("drop", "window", "price_drop")}
    ref_tab = ref.episodes
    is_time = isinstance(proxy.index, pd.DatetimeIndex)
    last = proxy.index[-1]
    rows = []
    tables: dict[tuple[Any, ...], EpisodeTable] = {}
    for d in drops_:
        for w in windows_:
            for pdp in pdrops:
                res = deleveraging_episodes(
                    proxy, price, preset=preset, drop=d, window=w, price_drop=pdp, **fixed
                )
                tables[(d, w, pdp)] = res
                troughs = res.episodes["trough"]
                row: dict[str, Any] = {
                    "drop": d,
                    "window": w,
                    "price_drop": pdp,
                    "n_episodes": len(res),
                }
                for _, e in ref_tab.iterrows():
                    stop = e["end"] if not pd.isna(e["end"]) else last
                    hit = bool(((troughs >= e["start"]) & (troughs <= stop)).any())
                    key = e["start"].date().isoformat() if is_time else str(e["start"])
                    row[f"found_{key}"] = hit
                rows.append(row)
    return EpisodeStability(grid=pd.DataFrame(rows), reference=ref, tables=tables)


# ---------------------------------------------------------------------------------------------
# regimes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RegimeResult:
    """Markov-switching regimes of a series (:func:`markov_regimes`).

    Attributes
    ----------
    model_result : statsmodels MarkovRegressionResults or MarkovAutoregressionResults
        The fitted statsmodels result (``.summary()``, ``.params``, ``.llf`` ...).
    smoothed_probabilities : DataFrame
        :math:`P(S_t = j \\mid y_1..y_T)`, one column per regime (``regime_0`` ...).
    filtered_probabilities : DataFrame
        :math:`P(S_t = j \\mid y_1..y_t)`: what was knowable at :math:`t`.
    regimes : DataFrame
        Per regime: ``const`` (mean), ``sigma2`` (variance), ``persistence``
        (:math:`p_{jj}`), ``expected_duration`` (observations) and ``share`` (mean smoothed
        probability).
    transition : DataFrame
        Transition matrix, rows = from, columns = to (rows sum to 1).
    high_regime : int
        Regime with the largest ``const`` (``order_by="mean"``) or ``sigma2``
        (``order_by="variance"``): the high-leverage or stress regime.
    collapsed_regimes : tuple of int
        Regimes whose variance collapsed onto the boundary (standard deviation below
        :data:`REGIME_COLLAPSE` times the largest regime's): the regime is a point mass (e.g.
        funding pinned at a venue's default rate), its variance and the transition
        probabilities into it are not identified. Empty when the fit is interior.
    """

    model_result: Any = field(repr=False)
    smoothed_probabilities: pd.DataFrame = field(repr=False)
    filtered_probabilities: pd.DataFrame = field(repr=False)
    regimes: pd.DataFrame
    transition: pd.DataFrame
    high_regime: int
    collapsed_regimes: tuple[int, ...] = ()

    @property
    def at_boundary(self) -> bool:
        """True when a regime's variance collapsed (see ``collapsed_regimes``)."""
        return bool(self.collapsed_regimes)

    @property
    def nobs(self) -> int:
        """Observations used by the fit."""
        return int(self.model_result.nobs)

    @property
    def llf(self) -> float:
        """Log-likelihood at the optimum."""
        return float(self.model_result.llf)

    @property
    def most_likely_regime(self) -> pd.Series:
        """Regime with the highest smoothed probability at each date."""
        sp = self.smoothed_probabilities
        return pd.Series(np.argmax(sp.to_numpy(), axis=1), index=sp.index, name="regime")

    def summary(self) -> pd.DataFrame:
        """Per-regime table (mean, variance, persistence, expected duration, share)."""
        return self.regimes.copy()

    def profile(self) -> pd.DataFrame:
        r"""Mean, standard deviation, expected duration and share of each regime.

        Returns
        -------
        DataFrame
            Index ``"low"`` and ``"high"`` for two regimes (``high`` is :attr:`high_regime`),
            else the regime numbers. Columns ``mean`` and ``sd`` (in the units of the fitted
            series), ``expected_duration`` (observations) and ``share`` (mean smoothed
            probability, a fraction).

        Notes
        -----
        ``sd`` :math:`= \sqrt{\sigma^2_j}` and ``expected_duration`` :math:`= 1/(1 - p_{jj})`.

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> markov_regimes(y).profile()["mean"].round(1).tolist()
        [0.0, 1.0]
        """
        reg = self.regimes
        out = pd.DataFrame(
            {
                "mean": reg["const"],
                "sd": np.sqrt(reg["sigma2"]),
                "expected_duration": reg["expected_duration"],
                "share": reg["share"],
            }
        )
        if len(reg) == 2:
            out = out.loc[[1 - self.high_regime, self.high_regime]]
            out.index = pd.Index(["low", "high"])
        return out

    def in_regime(self, regime: int | None = None, *, threshold: float = 0.5) -> pd.Series:
        """Dates on which the smoothed probability of a regime exceeds a threshold.

        Parameters
        ----------
        regime : int, optional
            Regime number; default :attr:`high_regime`.
        threshold : float, default 0.5
            Probability in [0, 1) that the smoothed probability must exceed.

        Returns
        -------
        Series of bool
            On the dates of :attr:`smoothed_probabilities`.

        Raises
        ------
        ValueError
            If ``regime`` is not a regime of the model or ``threshold`` is outside [0, 1).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> int(markov_regimes(y).in_regime().sum())
        100
        """
        k = self.high_regime if regime is None else regime
        column = f"regime_{k}"
        if column not in self.smoothed_probabilities.columns:
            raise ValueError(f"regime must be in 0..{len(self.regimes) - 1}; got {regime}")
        check_range(
            as_float_array(threshold, "threshold"), "threshold", 0.0, 1.0, high_inclusive=False
        )
        return (self.smoothed_probabilities[column] > threshold).rename("in_regime")

    def spells(
        self,
        values: pd.Series | None = None,
        *,
        regime: int | None = None,
        threshold: float = 0.5,
        min_periods: int = 1,
    ) -> pd.DataFrame:
        """Runs of consecutive dates in a regime (smoothed probability above a threshold).

        Parameters
        ----------
        values : Series, optional
            A series on the same dates (typically the fitted one) to average over each spell.
        regime : int, optional
            Regime number; default :attr:`high_regime`.
        threshold : float, default 0.5
            As in :meth:`in_regime`.
        min_periods : int, default 1
            Keep spells of at least this many observations.

        Returns
        -------
        DataFrame
            One row per spell, in time order, index 0..n-1: ``start`` and ``end`` (first and
            last date in the regime), ``periods`` (observations) and, with ``values``, ``mean``
            (mean of ``values`` over the spell, in its units).

        Examples
        --------
        >>> rng = np.random.default_rng(0)
        >>> y = np.r_[rng.normal(0, 0.1, 200), rng.normal(1, 0.1, 100), rng.normal(0, 0.1, 200)]
        >>> res = markov_regimes(pd.Series(y))
        >>> res.spells(pd.Series(y)).round(1).to_dict("records")
        [{'start': 200, 'end': 299, 'periods': 100, 'mean': 1.0}]
        """
        on = self.in_regime(regime, threshold=threshold)
        n_min = _check_int(min_periods, "min_periods", 1)
        spell = (on != on.shift()).cumsum()[on]
        dates = on.index[on.to_numpy()]
        groups = pd.Series(dates, index=dates).groupby(spell.to_numpy())
        out = pd.DataFrame(
            {
                "start": groups.first().to_numpy(),
                "end": groups.last().to_numpy(),
                "periods": groups.size().to_numpy(),
            }
        )
        if values is not None:
            v = _series(values, "values", allow_nan=True).reindex(on.index)[on]
            out["mean"] = v.groupby(spell).mean().to_numpy()
        return out[out["periods"] >= n_min].reset_index(drop=True)

    def to_frame(self) -> pd.DataFrame:
        """Smoothed probabilities with the most likely regime."""
        out = self.smoothed_probabilities.copy()
        out["regime"] = self.most_likely_regime
        return out

    def _repr_html_(self) -> str:
        return _html(
            self.regimes,
            f"Markov-switching regimes (high = {self.high_regime}), "
            f"nobs={self.nobs}, llf={self.llf:.2f}",
        )

    def chart(self, *, title: str | None = None) -> Any:
        """Area chart of the smoothed probability of the high regime over time.

        Returns
        -------
        altair.Chart
            Needs a DatetimeIndex on the fitted series.
        """
        require("altair", "charts")
        import altair as alt

        from riskkit.charts import CHART_WIDTH

        sp = self.smoothed_probabilities
        if not isinstance(sp.index, pd.DatetimeIndex):
            raise TypeError("chart needs a series with a DatetimeIndex")
        df = pd.DataFrame(
            {
                "time": _naive_utc(sp.index),
                "probability": sp[f"regime_{self.high_regime}"].to_numpy(),
            }
        )
        return (
            alt.Chart(
                df,
                title=title or f"Smoothed probability of regime {self.high_regime} (high)",
                width=CHART_WIDTH,
                height=160,
            )
            .mark_area(opacity=0.6, interpolate="step-after")
            .encode(
                x=alt.X("time:T", title=None),
                y=alt.Y("probability:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
                tooltip=[
                    alt.Tooltip("time:T", title="time (UTC)"),
                    alt.Tooltip("probability:Q", format=".2f"),
                ],
            )
        )


def markov_regimes(
    x: pd.Series | ArrayLike,
    k_regimes: int = 2,
    *,
    order: int = 0,
    switching_variance: bool = True,
    order_by: Literal["mean", "variance"] = "mean",
    search_reps: int = 10,
    seed: int | None = 0,
) -> RegimeResult:
    r"""Fit a Markov-switching mean (and variance) model with statsmodels.

    Parameters
    ----------
    x : Series or array_like
        The series: an annualised funding rate (fraction per year) or returns (fraction per
        period). No NaN.
    k_regimes : int, default 2
        Number of regimes, >= 2.
    order : int, default 0
        Autoregressive order. 0 uses ``MarkovRegression`` (switching mean); >= 1 uses
        ``MarkovAutoregression`` (switching mean, AR coefficients common to the regimes).
    switching_variance : bool, default True
        Whether the variance switches with the regime.
    order_by : {"mean", "variance"}, default "mean"
        Which parameter defines :attr:`RegimeResult.high_regime` (mean for funding, variance
        for returns).
    search_reps : int, default 10
        Random starting values tried before the EM and likelihood steps (statsmodels
        ``search_reps``); more make a global optimum likelier. 0 uses statsmodels' default
        start only, which can stop at a local optimum.
    seed : int, optional
        Seed of the random search (reproducible fits); None draws fresh entropy. The caller's
        global numpy generator is left untouched.

    Returns
    -------
    RegimeResult
        Wraps the statsmodels result in ``.model_result``.

    Raises
    ------
    TypeError, ValueError
        For bad inputs.
    InsufficientDataError
        With fewer than ``20 * k_regimes + order`` observations.

    See Also
    --------
    statsmodels.tsa.regime_switching.markov_regression.MarkovRegression
    statsmodels.tsa.regime_switching.markov_autoregression.MarkovAutoregression

    Notes
    -----
    With :math:`S_t \in \{0, .., k-1\}` a Markov chain with
    :math:`p_{ij} = P(S_t = j \mid S_{t-1} = i)`:

    .. math:: y_t - \mu_{S_t} = \sum_{l=1}^{q} \phi_l (y_{t-l} - \mu_{S_{t-l}})
              + \varepsilon_t, \qquad \varepsilon_t \sim N(0, \sigma^2_{S_t}),

    with :math:`q` = ``order`` (the sum is absent for 0). The expected duration of regime
    :math:`j` is :math:`1 / (1 - p_{jj})` observations.

    References
    ----------
    Hamilton, J. D. (1989). "A New Approach to the Economic Analysis of Nonstationary Time
    Series and the Business Cycle". Econometrica 57(2), 357-384. https://doi.org/10.2307/1912559

    Kim, C.-J. and Nelson, C. R. (1999). State-Space Models with Regime Switching. MIT Press.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = np.r_[rng.normal(0.0, 1, 100), rng.normal(5.0, 1, 100), rng.normal(0.0, 1, 100)]
    >>> res = markov_regimes(y)
    >>> round(float(res.regimes.loc[res.high_regime, "const"]))
    5
    """
    from statsmodels.tools.sm_exceptions import ConvergenceWarning
    from statsmodels.tsa.regime_switching.markov_autoregression import MarkovAutoregression
    from statsmodels.tsa.regime_switching.markov_regression import MarkovRegression

    k = _check_int(k_regimes, "k_regimes", 2)
    q = _check_int(order, "order", 0)
    _check_int(search_reps, "search_reps", 0)
    check_option(order_by, "order_by", ("mean", "variance"))
    y = _series(x, "x")
    need = 20 * k + q
    if len(y) < need:
        raise InsufficientDataError(
            f"markov_regimes needs at least {need} observations for {k} regimes and order {q}; "
            f"got {len(y)}"
        )
    endog: Any = y if isinstance(x, pd.Series) else y.to_numpy()
    if (
        isinstance(endog, pd.Series)
        and isinstance(endog.index, pd.DatetimeIndex)
        and endog.index.freq is None
    ):
        endog = endog.reset_index(drop=True)  # statsmodels wants a frequency; keep ours below
    if q == 0:
        model: Any = MarkovRegression(
            endog, k_regimes=k, trend="c", switching_variance=switching_variance
        )
    else:
        model = MarkovAutoregression(
            endog,
            k_regimes=k,
            order=q,
            trend="c",
            switching_ar=False,
            switching_variance=switching_variance,
        )
    fit_kw: dict[str, Any] = {"disp": False, "search_reps": search_reps}
    legacy_rng = "rng" not in inspect.signature(model.fit).parameters  # statsmodels < 0.15
    if not legacy_rng:
        fit_kw["rng"] = seed
    saved = np.random.get_state() if legacy_rng else None  # noqa: NPY002
    try:
        if legacy_rng and seed is not None:
            np.random.seed(seed)  # old statsmodels draws from the global generator  # noqa: NPY002
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("ignore", RuntimeWarning)
            warnings.simplefilter("always", ConvergenceWarning)
            res = model.fit(**fit_kw)
        converged = not any(issubclass(m.category, ConvergenceWarning) for m in caught)
        for m in caught:  # anything else the fit raised still reaches the caller
            if not issubclass(m.category, ConvergenceWarning):
                warnings.warn(m.message, m.category, stacklevel=user_stacklevel())
    finally:
        if saved is not None:
            np.random.set_state(saved)  # leave the caller's global generator untouched  # noqa: NPY002
    names = list(model.param_names)
    params = np.asarray(res.params)
    pos = dict(zip(names, range(len(names)), strict=True))
    const = np.array([params[pos[f"const[{j}]"]] for j in range(k)])
    sig = np.array(
        [params[pos[f"sigma2[{j}]" if switching_variance else "sigma2"]] for j in range(k)]
    )
    tm = np.asarray(model.regime_transition_matrix(params))[..., 0]  # [to, from]
    trans = tm.T
    cols = [f"regime_{j}" for j in range(k)]
    idx_out = y.index[q:]
    smoothed = pd.DataFrame(
        np.asarray(res.smoothed_marginal_probabilities), index=idx_out, columns=cols
    )
    filtered = pd.DataFrame(
        np.asarray(res.filtered_marginal_probabilities), index=idx_out, columns=cols
    )
    regimes = pd.DataFrame(
        {
            "const": const,
            "sigma2": sig,
            "persistence": np.diag(trans),
            "expected_duration": np.asarray(res.expected_durations, dtype=float),
            "share": smoothed.mean().to_numpy(),
        },
        index=pd.RangeIndex(k, name="regime"),
    )
    high = int(np.argmax(const if order_by == "mean" else sig))
    collapsed: tuple[int, ...] = ()
    if switching_variance:
        sd = np.sqrt(np.maximum(sig, 0.0))
        collapsed = tuple(int(j) for j in np.flatnonzero(sd < REGIME_COLLAPSE * sd.max()))
    if not converged and not collapsed:
        warnings.warn(
            f"markov_regimes: the likelihood optimiser did not converge on {len(y)} "
            f"observations with {k} regimes; the estimates may sit on a flat ridge and move "
            "from one machine to the next. Raise search_reps, fit fewer regimes or use "
            "switching_variance=False.",
            BoundaryEstimateWarning,
            stacklevel=user_stacklevel(),
        )
    if collapsed:
        vals = y.to_numpy()
        mode_share = float(pd.Series(vals).value_counts(normalize=True).iloc[0])
        warnings.warn(
            f"markov_regimes: the variance of regime(s) {list(collapsed)} collapsed to about "
            f"zero (sd {', '.join(f'{np.sqrt(max(sig[j], 0)):.3g}' for j in collapsed)} against "
            f"{sd.max():.3g}); {mode_share:.0%} of the observations share one value, so the fit "
            "sits on the boundary and its variance and transition estimates are not "
            "identified. Report the regime as a point mass, or fit fewer regimes, "
            "switching_variance=False, or a series without the pinned value.",
            BoundaryEstimateWarning,
            stacklevel=user_stacklevel(),
        )
    transition = pd.DataFrame(
        trans, index=pd.RangeIndex(k, name="from"), columns=pd.RangeIndex(k, name="to")
    )
    return RegimeResult(
        model_result=res,
        smoothed_probabilities=smoothed,
        filtered_probabilities=filtered,
        regimes=regimes,
        transition=transition,
        high_regime=high,
        collapsed_regimes=collapsed,
    )


def regime_panel(
    series: pd.Series,
    result: RegimeResult,
    *,
    freq: str | None = "W",
    title: str,
    y_title: str,
    value_format: str = ".1%",
) -> Any:
    r"""Two aligned panels: a series and the smoothed probability of its high regime.

    Parameters
    ----------
    series : Series
        The series the regimes were fitted to (or any series on the same dates), with a
        DatetimeIndex; e.g. the annualised funding rate (fraction per year).
    result : RegimeResult
        From :func:`markov_regimes`; its smoothed probability of ``result.high_regime`` is shown.
    freq : str or None, default "W"
        Resample both panels to this frequency before charting (last value of the series, mean
        probability) to keep the embedded data small; None charts every observation.
    title : str
        Title of the top panel.
    y_title : str
        y-axis title of the top panel (put the units in it).
    value_format : str, default ".1%"
        d3 format of the series in the tooltip.

    Returns
    -------
    altair.VConcatChart
        Top: the series; bottom: the probability (0 to 1), sharing the time axis.

    Raises
    ------
    TypeError
        If ``series`` or the fitted probabilities have no DatetimeIndex.

    See Also
    --------
    RegimeResult.chart : The probability panel alone, unresampled.

    Notes
    -----
    The bottom panel is :math:`\bar P_w = \frac{1}{|w|} \sum_{t \in w}
    P(S_t = h \mid y_1..y_T)`, the mean smoothed probability of the high regime :math:`h` over
    the dates :math:`t` of resampling period :math:`w`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> idx = pd.date_range("2020-01-01", periods=300, freq="D")
    >>> y = pd.Series(np.r_[rng.normal(0, 1, 150), rng.normal(5, 1, 150)], idx, name="y")
    >>> panel = regime_panel(y, markov_regimes(y, search_reps=0), title="t", y_title="y")
    >>> len(panel.to_dict()["vconcat"])
    2
    """
    require("altair", "charts")
    import altair as alt

    from riskkit.charts import CHART_WIDTH, line_chart

    prob = result.smoothed_probabilities[f"regime_{result.high_regime}"]
    for obj, name in ((series, "series"), (prob, "the fitted probabilities")):
        if not isinstance(obj.index, pd.DatetimeIndex):
            raise TypeError(f"regime_panel needs {name} with a DatetimeIndex")
    name = str(series.name) if series.name is not None else "series"
    top_data, prob_data = series.rename(name), prob.rename("high regime")
    if freq is not None:
        top_data = top_data.resample(freq).last().dropna()
        prob_data = prob_data.resample(freq).mean().dropna()
    # label whole years on multi-year spans (Vega-Lite's default labels half-years by month)
    span = pd.DatetimeIndex(top_data.index)
    years = len(span) > 0 and (span[-1] - span[0]) > pd.Timedelta(days=2 * 365)
    axis = alt.Axis(format="%Y", tickCount="year") if years else alt.Axis()
    x = alt.X("time:T", title=None, axis=axis)
    top = line_chart(
        top_data, title=title, y_title=y_title, value_format=value_format, width=CHART_WIDTH
    ).encode(x=x)
    bottom = line_chart(
        prob_data,
        title=f"Smoothed probability of the high regime (regime {result.high_regime})",
        y_title="probability",
        value_format=".2f",
        width=CHART_WIDTH,
        height=120,
    ).encode(x=x, y=alt.Y("value:Q", title="probability", scale=alt.Scale(domain=[0, 1])))
    return alt.vconcat(top, bottom, spacing=10)


# ---------------------------------------------------------------------------------------------
# lead-lag: VAR and Granger causality
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LeadLagResult:
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

    def pvalues(self) -> pd.DataFrame:
        """Granger p-values as a matrix: rows = caused, columns = causing."""
        return self.granger.pivot(index="caused", columns="causing", values="pvalue")

    def summary(self) -> pd.DataFrame:
        """The Granger-causality table."""
        return self.granger.copy()

    def to_frame(self) -> pd.DataFrame:
        """The Granger-causality table."""
        return self.granger.copy()

    def _repr_html_(self) -> str:
        return _html(self.granger, f"VAR({self.k_ar}), nobs={self.nobs}: Granger causality")


def var_lead_lag(
    data: pd.DataFrame,
    maxlags: int | None = None,
    *,
    ic: Literal["aic", "bic", "hqic", "fpe"] | None = "aic",
    trend: Literal["c", "ct", "n"] = "c",
) -> LeadLagResult:
    r"""Fit a VAR with statsmodels and test Granger causality between every pair of columns.

    Parameters
    ----------
    data : DataFrame
        Stationary series in columns (e.g. annualised funding, open-interest log change,
        returns), no NaN, at least 2 columns.
    maxlags : int, optional
        Largest lag (>= 1). With ``ic`` the order is selected up to it; without, it is the order.
        Default: statsmodels' :math:`12 (T/100)^{1/4}`.
    ic : {"aic", "bic", "hqic", "fpe"} or None, default "aic"
        Information criterion for the lag order; None fits exactly ``maxlags``.
    trend : {"c", "ct", "n"}, default "c"
        Deterministic terms (constant, constant and trend, none).

    Returns
    -------
    LeadLagResult
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
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> y = np.r_[0.0, 0.8 * x[:-1]] + 0.5 * rng.normal(size=400)
    >>> res = var_lead_lag(pd.DataFrame({"x": x, "y": y}), maxlags=1, ic=None)
    >>> bool(res.pvalues().loc["y", "x"] < 0.001), bool(res.pvalues().loc["x", "y"] < 0.001)
    (True, False)
    """
    from statsmodels.tsa.api import VAR

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame; got {type(data).__name__}")
    if data.shape[1] < 2:
        raise ValueError(f"data must have at least 2 columns; got {data.shape[1]}")
    vals = as_float_array(data.to_numpy(), "data")
    check_option(trend, "trend", ("c", "ct", "n"))
    if ic is not None:
        check_option(ic, "ic", ("aic", "bic", "hqic", "fpe"))
    if maxlags is not None:
        _check_int(maxlags, "maxlags", 1)
    k = data.shape[1]
    lags_needed = maxlags if maxlags is not None else 1
    need = k * lags_needed + 2 + lags_needed + 1
    if len(data) < need:
        raise InsufficientDataError(
            f"var_lead_lag needs at least {need} rows for {k} series and {lags_needed} lags; "
            f"got {len(data)}"
        )
    frame = pd.DataFrame(vals, columns=[str(c) for c in data.columns])
    res = VAR(frame).fit(maxlags=maxlags, ic=ic, trend=trend)
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
    return LeadLagResult(model_result=res, granger=pd.DataFrame(rows))


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
    >>> rng = np.random.default_rng(1)
    >>> x = pd.Series(rng.normal(size=300), name="x")
    >>> y = pd.Series(np.r_[0.0, 0.8 * x.to_numpy()[:-1]] + rng.normal(size=300), name="y")
    >>> bool(granger_causality(y, x, maxlag=2).table["pvalue"].max() < 0.001)
    True
    """
    from statsmodels.tsa.stattools import grangercausalitytests

    for arg, name in ((caused, "caused"), (causing, "causing")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
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
    kw: dict[str, Any] = {}
    if "verbose" in inspect.signature(grangercausalitytests).parameters:
        kw["verbose"] = False  # statsmodels < 0.15 prints the tests otherwise
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        out = grangercausalitytests(arr, maxlag=lag, **kw)
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


# ---------------------------------------------------------------------------------------------
# gaps: one-sided HP filter, Hamilton filter, and their record before drawdowns
# ---------------------------------------------------------------------------------------------
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
    y = as_float_array(x, "x")
    if y.ndim != 1:
        raise ValueError(f"x must be one-dimensional; got shape {y.shape}")
    lam = float(check_range(as_float_array(lamb, "lamb"), "lamb", 0.0, low_inclusive=False))
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
        require("altair", "charts")
        import altair as alt

        from riskkit.charts import line_chart

        if not isinstance(self.gap.index, pd.DatetimeIndex):
            raise TypeError("chart needs a gap with a DatetimeIndex")
        line = line_chart(
            self.gap.rename("gap"),
            title=title or f"Leverage gap before drawdowns (AUC {self.auc:.2f})",
            y_title=y_title,
            value_format=".3f",
        )
        spans = pd.DataFrame(
            {
                "start": _naive_utc(self.drawdowns["start"]),
                "trough": _naive_utc(self.drawdowns["trough"]),
                "depth": self.drawdowns["depth"].to_numpy(),
            }
        )
        shade = (
            alt.Chart(spans)
            .mark_rect(color="#d62728", opacity=0.18)
            .encode(
                x="start:T",
                x2="trough:T",
                tooltip=[
                    alt.Tooltip("start:T", title="price peak"),
                    alt.Tooltip("trough:T", title="price trough"),
                    alt.Tooltip("depth:Q", format=".1%", title="drawdown"),
                ],
            )
        )
        return alt.layer(shade, line)


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
    from scipy.stats import rankdata

    for arg, name in ((gap, "gap"), (price, "price")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
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
