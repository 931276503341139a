"""Crash events on real prices: how far price fell, and which leverage it wiped out.

The catalogue of events is :data:`riskkit.data.EVENTS`; the functions here measure each event on a
price frame (any venue, any bar size) so that chapters and users can ask "which 10x long opened the
day before survived?" with one call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_frame, check_instance, check_tz_match
from riskkit._validation import (
    align_series,
    as_float_array,
    check_positive,
    check_range,
    check_time_index,
    side_sign,
    wrap_like,
)

__all__ = ["drawdown", "event_moves", "min_liquidated_leverage"]


def min_liquidated_leverage(
    entry_price: Any,
    extreme_price: Any,
    side: Any = "long",
    maintenance_margin_rate: Any = 0.005,
) -> Any:
    """Smallest leverage at which a position opened at ``entry_price`` is liquidated by a move.

    For an isolated linear position with margin = notional / leverage, the liquidation price is
    :math:`E(1 - 1/L)/(1 - m)` for a long and :math:`E(1 + 1/L)/(1 + m)` for a short. A long is
    liquidated when the low reaches it; solving for :math:`L` gives the threshold below. Every
    leverage at or above the result was liquidated; every leverage below it survived.

    Parameters
    ----------
    entry_price : float or array_like
        Entry price, quote currency per unit of base (e.g. USD per BTC); > 0.
    extreme_price : float or array_like
        The lowest (long) or highest (short) price reached afterwards, same units; > 0.
    side : {"long", "short"} or array_like of those
        Position side.
    maintenance_margin_rate : float or array_like
        Maintenance margin as a fraction of notional, in [0, 1).

    Returns
    -------
    float, ndarray or Series
        Leverage (x). ``inf`` where no finite leverage was liquidated, i.e. the low stayed at or
        above :math:`E/(1-m)` (long) or the high at or below :math:`E/(1+m)` (short). Values
        above :math:`1/m` are leverages a venue would not let you open.

    Notes
    -----
    .. math::

        L^*_{\\text{long}} = \\frac{1}{1 - \\frac{P_{\\min}}{E}(1 - m)}, \\qquad
        L^*_{\\text{short}} = \\frac{1}{\\frac{P_{\\max}}{E}(1 + m) - 1}

    with :math:`E` the entry price, :math:`P_{\\min}` (:math:`P_{\\max}`) the low (high) reached
    and :math:`m` the maintenance margin rate. Fees and tiered maintenance margin are ignored
    here; :mod:`riskkit.liquidation` has the venue-exact prices.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 (isolated case).

    Examples
    --------
    A long opened at 100,000 USD; the price then touched 90,000 USD (m = 0.5 %):

    >>> round(min_liquidated_leverage(100_000, 90_000), 3)
    9.569

    so every long at 9.57x or more was liquidated; a 9x long survived.
    """
    (entry_price, extreme_price, side, maintenance_margin_rate), _ = align_series(
        entry_price, extreme_price, side, maintenance_margin_rate,
        names=("entry_price", "extreme_price", "side", "maintenance_margin_rate"),
    )  # fmt: skip
    entry = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    extreme = check_positive(as_float_array(extreme_price, "extreme_price"), "extreme_price")
    m = check_range(
        as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
        "maintenance_margin_rate",
        0.0,
        1.0,
        high_inclusive=False,
    )
    sign = side_sign(side)
    ratio = extreme / entry
    denom = np.where(sign > 0, 1.0 - ratio * (1.0 - m), ratio * (1.0 + m) - 1.0)
    with np.errstate(divide="ignore"):
        out = np.where(denom > 0, 1.0 / np.where(denom > 0, denom, 1.0), np.inf)
    return wrap_like(
        out,
        entry_price,
        extreme_price,
        side,
        maintenance_margin_rate,
        name="min_liquidated_leverage",
    )


def drawdown(price: pd.Series) -> pd.Series:
    """Fall from the running maximum, as a fraction (0 at a new high, -0.5 for half lost).

    Parameters
    ----------
    price : Series
        Prices (any currency), in time order.

    Returns
    -------
    Series
        :math:`P_t / \\max_{s \\le t} P_s - 1`, same index, named ``"drawdown"``.

    Examples
    --------
    >>> drawdown(pd.Series([100.0, 120.0, 60.0, 130.0])).tolist()
    [0.0, 0.0, -0.5, 0.0]
    """
    check_time_index(price, "price")
    if not isinstance(price, pd.Series):
        raise TypeError(f"price must be a pandas Series; got {type(price).__name__}")
    values = check_positive(as_float_array(price, "price", allow_nan=True), "price")
    running = np.fmax.accumulate(values)
    return pd.Series(values / running - 1.0, index=price.index, name="drawdown")


def event_moves(
    ohlc: pd.DataFrame,
    events: Iterable[Any] | None = None,
    *,
    maintenance_margin_rate: float = 0.005,
) -> pd.DataFrame:
    """Measure each crash event on a price frame: prior close, low, fall and leverage wiped out.

    For each event the reference price is the last close strictly before the event's first day
    (a long opened "at the prior day's close"); the low is the lowest ``low`` from the start of
    the first day to the end of the last day.

    Parameters
    ----------
    ohlc : DataFrame
        Columns ``close`` and ``low`` (``high`` too for the short side) on a UTC DatetimeIndex,
        any bar size, e.g. ``riskkit.data.load_spot_ohlcv()``.
    events : iterable of CrashEvent, optional
        Defaults to :data:`riskkit.data.EVENTS`. Events outside the data are skipped.
    maintenance_margin_rate : float
        Maintenance margin rate used for the leverage threshold, a fraction.

    Returns
    -------
    DataFrame
        Indexed by event key: ``name``, ``reference_close`` and ``low`` (price units),
        ``low_time`` (UTC), ``fall`` (low / reference - 1, a fraction), ``high``, ``rise``,
        ``min_liquidated_long`` and ``min_liquidated_short`` (leverage, x; see
        :func:`min_liquidated_leverage`).

    Examples
    --------
    >>> from riskkit.data import CrashEvent
    >>> idx = pd.date_range("2020-03-10", periods=4, freq="D", tz="UTC")
    >>> bars = pd.DataFrame({"close": [100.0, 100.0, 80.0, 85.0],
    ...                      "low": [99.0, 98.0, 70.0, 79.0],
    ...                      "high": [101.0, 101.0, 100.0, 90.0]}, index=idx)
    >>> ev = CrashEvent("x", "Test", idx[2], idx[2], "", "")
    >>> row = event_moves(bars, [ev]).loc["x"]
    >>> float(row["fall"]), round(float(row["min_liquidated_long"]), 2)
    (-0.3, 3.29)
    """
    from riskkit.data import EVENTS, CrashEvent

    check_frame(ohlc, "ohlc")
    missing = {"close", "low", "high"} - set(ohlc.columns)
    if missing:
        raise ValueError(f"ohlc must have columns close, low and high; missing {sorted(missing)}")
    if not isinstance(ohlc.index, pd.DatetimeIndex) or ohlc.index.tz is None:
        raise TypeError("ohlc must have a timezone-aware (UTC) DatetimeIndex")
    if events is not None and not isinstance(events, Iterable):
        raise TypeError(f"events must be an iterable of CrashEvent; got {type(events).__name__}")
    rows = []
    for i, ev in enumerate(EVENTS if events is None else events):
        check_instance(ev, f"events[{i}]", CrashEvent)
        check_tz_match(ohlc.index, "ohlc.index", ev.start, f"events[{i}].start")
        before = ohlc.loc[ohlc.index < ev.start]
        window = ohlc.loc[(ohlc.index >= ev.start) & (ohlc.index < ev.end + pd.Timedelta(days=1))]
        if before.empty or window.empty:
            continue
        ref = float(before["close"].iloc[-1])
        low = float(window["low"].min())
        high = float(window["high"].max())
        rows.append(
            {
                "key": ev.key,
                "name": ev.name,
                "reference_close": ref,
                "low": low,
                "low_time": window["low"].idxmin(),
                "fall": low / ref - 1.0,
                "high": high,
                "rise": high / ref - 1.0,
                "min_liquidated_long": min_liquidated_leverage(
                    ref, low, "long", maintenance_margin_rate
                ),
                "min_liquidated_short": min_liquidated_leverage(
                    ref, high, "short", maintenance_margin_rate
                ),
            }
        )
    columns = [
        "name", "reference_close", "low", "low_time", "fall", "high", "rise",
        "min_liquidated_long", "min_liquidated_short",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="key"))
    return pd.DataFrame(rows).set_index("key")[columns]
