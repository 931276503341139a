"""What a build needs: the remote files (one :class:`RemoteFile` each) and their months and days."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__: list[str] = []

#: Kline intervals of the archives (Binance names); ``1mo`` is Binance's monthly bar.
INTERVALS = ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d")


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One archive file: where it is, its published checksum, and the partition it feeds.

    ``relpath`` is its path below the archive's base URL (also its path in the download
    cache ``OUT/_downloads/<source>/``); ``compression`` is ``"zip"`` or ``"gzip"``.
    """

    source: str
    kind: str
    symbol: str
    month: str
    relpath: str
    url: str
    checksum_url: str | None
    compression: str


def months(start: pd.Timestamp, end: pd.Timestamp) -> list[str]:
    """``YYYY-MM`` of every month from ``start`` to ``end`` (inclusive)."""
    lo, hi = (t.tz_localize(None) if t.tzinfo is not None else t for t in (start, end))
    periods = pd.period_range(lo.to_period("M"), hi.to_period("M"), freq="M")
    return [str(p) for p in periods]


def days_in(month: str, start: pd.Timestamp, end: pd.Timestamp) -> list[pd.Timestamp]:
    """The days of ``month`` that lie in ``[start, end]`` (dates, UTC)."""
    first = pd.Timestamp(f"{month}-01", tz="UTC")
    last = first + pd.offsets.MonthEnd(0)
    lo, hi = max(first, start.normalize()), min(last, end.normalize())
    return list(pd.date_range(lo, hi, freq="D")) if lo <= hi else []


def offset(interval: str) -> str:
    """The pandas offset alias of a kline interval (``"1m"`` -> ``"1min"``)."""
    number, unit = interval[:-1], interval[-1]
    return number + {"s": "s", "m": "min", "h": "h", "d": "D"}[unit]
