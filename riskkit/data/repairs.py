"""Repairs of upstream defects that are not tied to one file format.

Each repair returns the repaired frame and appends a one-line description, with counts, to the
``repairs`` list that ends up in ``frame.attrs["repairs"]`` (and is logged). Format-specific
defects are repaired where the file is parsed (:mod:`riskkit.data.parsers`).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

__all__: list[str] = []

logger = logging.getLogger("riskkit.data")  # one logger for the package, as documented


def _note(repairs: list[str], message: str) -> None:
    repairs.append(message)
    logger.info("repair: %s", message)


def _tidy(frame: pd.DataFrame, repairs: list[str], *, what: str) -> pd.DataFrame:
    """Sort ascending by the UTC index and drop duplicate timestamps (keep first)."""
    frame.index.name = "time"
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        _note(repairs, f"{what}: rows sorted ascending by time (file was not in time order)")
    dup = frame.index.duplicated(keep="first")
    if dup.any():
        frame = frame[~dup]
        _note(repairs, f"{what}: dropped {int(dup.sum())} duplicate timestamps")
    return frame


def _round_to_hour(time: pd.DatetimeIndex, repairs: list[str], what: str) -> pd.DatetimeIndex:
    """Round funding times to the nearest hour, the scheduled funding time.

    Binance funding times carry a few ms of settlement jitter (e.g. ``...00:00:00.006``), in
    the API and in the archive's ``calc_time`` alike.
    """
    rounded = pd.DatetimeIndex(time).round("h")
    n = int((rounded != pd.DatetimeIndex(time)).sum())
    if n:
        _note(repairs, f"{what}: {n} funding times with ms jitter rounded to the hour")
    return pd.DatetimeIndex(rounded, name="time")


def _drop_last_bar(frame: pd.DataFrame, repairs: list[str], what: str) -> pd.DataFrame:
    """Drop the last (partial) bar of an API snapshot."""
    if len(frame):
        _note(repairs, f"{what}: dropped partial last bar {frame.index[-1]:%Y-%m-%d %H:%M}")
        frame = frame.iloc[:-1]
    return frame


def _merge_snapshots(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Merge snapshots in file order; where they overlap the later snapshot wins."""
    merged = pd.concat(frames)
    merged = merged[~merged.index.duplicated(keep="last")]
    return merged.sort_index(kind="stable")


def _stitch_funding(export: pd.DataFrame, api: pd.DataFrame, repairs: list[str]) -> pd.DataFrame:
    """Website export before the first API print, API from then on."""
    start = api.index[0]
    before = export[export.index < start]
    _note(
        repairs,
        f"stitched {len(before)} export prints before {start:%Y-%m-%d %H:%M} UTC "
        f"with {len(api)} API prints",
    )
    return pd.concat([before, api])


def _repair_bad_first_open(
    frame: pd.DataFrame, repairs: list[str], *, ratio: float = 1.5
) -> pd.DataFrame:
    """Set open (and high, if equal to it) of the first bar to NaN if open is off by > ratio.

    The Binance BTCUSDT hourly file starts 2017-08-17 04:00 with open = high = 16,199.91
    while low = 4,261.32 and close = 4,308.83 (and the daily file's first open is 4,261.48):
    an erroneous print. The bar's true open and high are unknown, so they become NaN rather
    than an invented value; low, close and volume are consistent and kept.
    """
    if frame.empty:
        return frame
    first = frame.index[0]
    o, c, h = (float(frame[k].iloc[0]) for k in ("open", "close", "high"))
    if np.isfinite(o) and np.isfinite(c) and c > 0 and not (1 / ratio <= o / c <= ratio):
        frame = frame.copy()
        frame.loc[first, "open"] = np.nan
        if h == o:
            frame.loc[first, "high"] = np.nan
        _note(
            repairs,
            f"first bar {first:%Y-%m-%d %H:%M} UTC: bad open {o:,.2f} (close "
            f"{c:,.2f}) set to NaN" + (" together with the equal high" if h == o else ""),
        )
    return frame


#: Bitstamp daily bars whose low is not credible, with the evidence (see the sidecar).
_BITSTAMP_SUSPECT_LOWS = {
    "2025-10-10": (
        "109,683 is 7.5 % above the same day's Binance spot low (102,000) and the Binance "
        "perpetual's 21:00 UTC low (101,516), and no lower than the next day's low (109,711); "
        "the crash wick of 21:00 UTC is missing"
    ),
}


def _repair_bitstamp(frame: pd.DataFrame, repairs: list[str]) -> pd.DataFrame:
    """Bitstamp defects: swapped volumes before 2018-02-28, partial last day, outage flag."""
    frame = frame.copy()
    # Defect: 'Volume BTC' and 'Volume USD' are swapped for 2014-11-28 .. 2018-02-27 (the
    # first column holds USD): swap back. From 2018-02-28 volume_quote/(volume_base*close)=1.
    early = frame.index < pd.Timestamp("2018-02-28", tz="UTC")
    if early.any():
        b = frame.loc[early, "volume_base"].to_numpy()
        frame.loc[early, "volume_base"] = frame.loc[early, "volume_quote"].to_numpy()
        frame.loc[early, "volume_quote"] = b
        _note(
            repairs,
            f"swapped back volume_base/volume_quote on {int(early.sum())} rows before 2018-02-28",
        )
    # Defect: the export day's bar is partial -- drop the newest row if its base volume is
    # below 10% of the median of the previous 30 rows.
    if len(frame) > 31:
        last = frame["volume_base"].iloc[-1]
        ref = frame["volume_base"].iloc[-31:-1].median()
        if last < 0.1 * ref:
            _note(
                repairs,
                f"dropped partial last day {frame.index[-1]:%Y-%m-%d} "
                f"({last:,.1f} BTC vs median {ref:,.0f})",
            )
            frame = frame.iloc[:-1]
    # Defect: daily lows that miss a crash wick, found against a second source in the mirror
    # (Binance spot and perpetual bars): flagged in ``low_suspect``, not repaired (the true
    # Bitstamp low is not in the data, so no price is invented).
    frame["low_suspect"] = False
    for day, why in _BITSTAMP_SUSPECT_LOWS.items():
        ts = pd.Timestamp(day, tz="UTC")
        if ts in frame.index:
            frame.loc[ts, "low_suspect"] = True
            _note(repairs, f"flagged the low of {day} as suspect (low_suspect=True): {why}")
    # Defect: zero-volume flat rows (2015-01-06..11 outage after the Bitstamp hack) -- kept
    # with the printed carried price, flagged; no prices invented.
    frame["no_trades"] = (frame["volume_base"] == 0) & (frame["volume_quote"] == 0)
    n = int(frame["no_trades"].sum())
    if n:
        days = frame.index[frame["no_trades"].to_numpy()]
        _note(
            repairs,
            f"flagged {n} zero-volume days (no_trades=True; exchange outage) "
            f"{days[0]:%Y-%m-%d}..{days[-1]:%Y-%m-%d}; prices left as printed",
        )
    return frame
