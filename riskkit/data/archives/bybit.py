"""Bybit's public trading-history archive (``public.bybit.com``), aggregated to OHLCV bars.

Bybit publishes no description of this archive's format (its history-data page,
https://www.bybit.com/derivatives/en/history-data, links the files only). What this module
assumes was checked, on 2026-12-03, against public code that reads the real files:

* Layout. Derivatives (linear and inverse) trades in
  ``trading/<SYMBOL>/<SYMBOL><YYYY-MM-DD>.csv.gz`` (no separator before the date, e.g.
  ``trading/BTCUSDT/BTCUSDT2024-01-15.csv.gz``), spot trades in
  ``spot/<SYMBOL>/<SYMBOL>_<YYYY-MM-DD>.csv.gz``; one gzip-compressed CSV per UTC day. The
  folder index is parsed by *aoki-h-jp/bybit-bulk-downloader* (``downloader.py``, which
  gunzips each file); the daily file names appear in that project's tests and in the URL
  builders of several archive readers. Spot folders also hold monthly files
  ``<SYMBOL>-<YYYY-MM>.csv.gz``, which this module does not read.
* Compression and checksums: gzip only; no checksum file is published, so the download's
  sha256 is recorded in the provenance, and the gzip stream's CRC-32 and length detect a
  truncated or corrupt file.
* Derivatives CSV header: ``timestamp, symbol, side, size, price, tickDirection,
  trdMatchID, grossValue, homeNotional, foreignNotional``; recent files (2025 and 2026
  samples) add a trailing ``RPI`` column, ignored here. ``timestamp`` is in **seconds**
  with a fractional part (``1705276800.1234``; older files integer seconds or microsecond
  fractions), and ``side`` ``Buy``/``Sell`` is the taker's side. Header, seconds and
  the taker side are what *nkaz001/hftbacktest*
  ``py-hftbacktest/hftbacktest/data/utils/bybithistmktdata.py`` relies on (it takes
  ``homeNotional`` as the base quantity of a linear contract). For
  inverse contracts ``size`` counts USD contracts and ``homeNotional`` equals it, while
  ``foreignNotional`` is the coin amount, e.g. the BTCUSD record ``size=641,
  price=26027.00, homeNotional=641, foreignNotional=0.024628`` quoted in the Bybit module
  of *yasstake/rbot* (``src/exchange/bb/mod.rs``); so for inverse contracts the base volume
  is ``foreignNotional`` and the quote (USD) volume ``homeNotional``.
* Spot CSV header: ``id, timestamp, price, volume, side`` (later files add ``rpi``), with
  ``timestamp`` in **milliseconds**, ``volume`` in the base coin and ``side`` in lower case
  ``buy``/``sell`` (the spot readers of the same projects; sides are compared case-blind).

Some derivatives files are newest-first; trades are sorted before they are aggregated.
Bybit's ``kline_for_metatrader4`` folder is not used: its bars are stamped for a MetaTrader
server, not in UTC.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from riskkit._validation import check_option
from riskkit.data.archives.bars import bars_from_trades, side_is_buy
from riskkit.data.archives.plan import RemoteFile, days_in, months
from riskkit.data.repairs import _tidy

__all__: list[str] = []

NAME = "bybit"
VENUE = "bybit"
BASE_URL = "https://public.bybit.com"
MARKETS = {"linear": "trading", "inverse": "trading", "spot": "spot"}
KINDS = ("ohlcv",)
LICENCE = "Bybit public trading history (public.bybit.com), see the Bybit Terms of Service"
#: What the format assumed here rests on (recorded in each partition's provenance).
FORMAT_SOURCE = (
    "no format description published by Bybit; layout, header and units checked on "
    "2026-12-03 against public readers of the real files: aoki-h-jp/bybit-bulk-downloader "
    "(downloader.py), nkaz001/hftbacktest (py-hftbacktest/hftbacktest/data/utils/"
    "bybithistmktdata.py), yasstake/rbot (src/exchange/bb/mod.rs); see riskkit.data.archives.bybit"
)


def plan(
    symbols: list[str],
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    kind: str,
    interval: str,
    market: str,
    period: str,
    base_url: str,
) -> list[RemoteFile]:
    """One ``.csv.gz`` per symbol and UTC day from ``start`` to ``end``."""
    check_option(market, "market", tuple(MARKETS))
    check_option(kind, "kind", KINDS)
    folder = MARKETS[market]
    sep = "_" if market == "spot" else ""
    files = []
    for symbol in symbols:
        for month in months(start, end):
            for day in days_in(month, start, end):
                rel = f"{folder}/{symbol}/{symbol}{sep}{day:%Y-%m-%d}.csv.gz"
                url = f"{base_url.rstrip('/')}/{rel}"
                files.append(RemoteFile(NAME, kind, symbol, month, rel, url, None, "gzip"))
    return files


def parse(
    data: bytes, remote: RemoteFile, *, market: str, interval: str
) -> tuple[pd.DataFrame, list[str]]:
    """Trades of one day: ``price``, ``volume_base``, ``volume_quote``, ``taker_buy``."""
    repairs: list[str] = []
    raw = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    if "homeNotional" in raw.columns:  # derivatives: seconds with a fractional part
        micros = np.round(raw["timestamp"].to_numpy(dtype="float64") * 1e6).astype("int64")
        time = pd.to_datetime(micros, unit="us", utc=True)
        base = raw["homeNotional"].to_numpy(dtype="float64")
        quote = raw["foreignNotional"].to_numpy(dtype="float64")
        if market == "inverse":  # home = USD contracts, foreign = coin
            base, quote = quote, base
    else:  # spot: milliseconds, volume in the base coin
        time = pd.DatetimeIndex(
            pd.to_datetime(raw["timestamp"].astype("int64"), unit="ms", utc=True)
        )
        base = raw["volume"].to_numpy(dtype="float64")
        quote = base * raw["price"].to_numpy(dtype="float64")
    trades = pd.DataFrame(
        {
            "price": raw["price"].to_numpy(dtype="float64"),
            "volume_base": base,
            "volume_quote": quote,
            "taker_buy": side_is_buy(raw["side"]),
        },
        index=pd.DatetimeIndex(time, name="time"),
    )
    return trades, repairs


def combine(frames: list[pd.DataFrame], repairs: list[str], *, interval: str) -> pd.DataFrame:
    """The trades of one partition's days as bars of ``interval``."""
    trades = pd.concat(frames)
    return _tidy(bars_from_trades(trades, interval, repairs, what="trades"), repairs, what="bars")
