"""Bybit's public trading-history archive (``public.bybit.com``), aggregated to OHLCV bars.

Layout (the folder index of https://public.bybit.com; also used by public downloaders such
as ``bybit_bulk_downloader``): derivatives trades in
``trading/<SYMBOL>/<SYMBOL><YYYY-MM-DD>.csv.gz`` (e.g.
``trading/BTCUSDT/BTCUSDT2024-01-15.csv.gz``), spot trades in
``spot/<SYMBOL>/<SYMBOL>_<YYYY-MM-DD>.csv.gz``; one gzip-compressed CSV per UTC day. No
checksum is published: the download's sha256 is recorded in the provenance, and the gzip
stream's own CRC-32 and length check detect a truncated or corrupt file.

Derivatives CSV header: ``timestamp, symbol, side, size, price, tickDirection, trdMatchID,
grossValue, homeNotional, foreignNotional`` with ``timestamp`` in **seconds** with a
fractional part (e.g. ``1705276800.1234``), ``side`` ``Buy``/``Sell`` (the taker),
``homeNotional`` the size in the base coin and ``foreignNotional`` in the quote currency
(for inverse contracts, ``size`` counts USD contracts). Spot CSV header: ``id, timestamp,
price, volume, side`` with ``timestamp`` in milliseconds. Some files are newest-first; trades
are sorted before they are aggregated. Bybit's ``kline_for_metatrader4`` folder is not used:
its bars are stamped for a MetaTrader server, not in UTC.
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
