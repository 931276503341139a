"""Binance's public data archive (``data.binance.vision``): klines, funding rates, metrics.

Layout (Binance, *binance-public-data* README and ``python/utility.py`` ``get_path``,
https://github.com/binance/binance-public-data, commit 5c7f319, 2025-01-09)::

    <base>/data/<market path>/<period>/<dataset>/<SYMBOL>/[<interval>/]<file>.zip
    <base>/data/<market path>/<period>/<dataset>/<SYMBOL>/[<interval>/]<file>.zip.CHECKSUM

with ``<market path>`` ``spot``, ``futures/um`` (USDⓈ-M) or ``futures/cm`` (COIN-M),
``<period>`` ``monthly`` or ``daily``, and file names ``BTCUSDT-1h-2024-01.zip`` (monthly
klines), ``BTCUSDT-1h-2024-01-15.zip`` (daily klines), ``BTCUSDT-fundingRate-2024-01.zip``
(monthly, futures only) and ``BTCUSDT-metrics-2024-01-15.zip`` (daily, futures only). Each zip
holds one CSV of the same name. The ``.CHECKSUM`` file beside each zip holds the zip's sha256
and its name (``sha256sum`` format, ``<hex>  <name>``), README section "CHECKSUM".

Kline columns (README, "Klines"): open time, open, high, low, close, volume, close time,
quote asset volume, number of trades, taker buy base volume, taker buy quote volume, ignore.
For COIN-M the volume columns count contracts and the eighth column is the base-asset (coin)
volume. Quirks repaired here:

- Older kline files have no header row; newer ones start with
  ``open_time,open,high,...`` (detected: a first field that is not a number).
- Spot timestamps are in **microseconds** from 2025-01-01 on (README: "The timestamp for SPOT
  Data from January 1st 2025 onwards will be in microseconds"); earlier, and for futures, in
  milliseconds. Detected per value: an open time above :math:`10^{14}` (the year 5138 in ms)
  is in microseconds.
- COIN-M volumes are in contracts; they become USD with the contract size (100 USD for
  BTCUSD contracts, 10 USD for the others; Binance COIN-M contract specifications,
  https://www.binance.com/en/futures/trading-rules/quarterly), and the coin volume is the
  base volume.
- Funding ``calc_time`` is rounded to the hour where it carries millisecond jitter (the
  rule of the registered Binance funding parser, whose API file has such jitter).

The ``fundingRate`` CSV has the columns ``calc_time, funding_interval_hours,
last_funding_rate`` and the ``metrics`` CSV ``create_time, symbol, sum_open_interest,
sum_open_interest_value, count_toptrader_long_short_ratio, sum_toptrader_long_short_ratio,
count_long_short_ratio, sum_taker_long_short_vol_ratio`` (5-minute snapshots, UTC wall time).
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from riskkit._validation import check_option
from riskkit.data.archives.plan import RemoteFile, days_in, months
from riskkit.data.repairs import _note, _round_to_hour, _tidy

__all__: list[str] = []

NAME = "binance"
VENUE = "binance"
BASE_URL = "https://data.binance.vision"
MARKETS = {"spot": "spot", "um": "futures/um", "cm": "futures/cm"}
KINDS = ("ohlcv", "funding", "metrics")
LICENCE = "Binance public market data (data.binance.vision), see the Binance Terms of Use"
#: What the format assumed here rests on (recorded in each partition's provenance).
FORMAT_SOURCE = (
    "Binance, binance-public-data README and python/utility.py "
    "(https://github.com/binance/binance-public-data, commit 5c7f319, 2025-01-09)"
)

_KLINE = (
    "open_time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "close_time",
    "quote_volume",
    "count",
    "taker_buy_volume",
    "taker_buy_quote_volume",
    "ignore",
)
_METRICS = {
    "sum_open_interest": "open_interest",
    "sum_open_interest_value": "open_interest_usd",
    "count_toptrader_long_short_ratio": "toptrader_account_long_short_ratio",
    "sum_toptrader_long_short_ratio": "toptrader_position_long_short_ratio",
    "count_long_short_ratio": "account_long_short_ratio",
    "sum_taker_long_short_vol_ratio": "taker_long_short_volume_ratio",
}


def contract_size(symbol: str) -> float:
    """USD per COIN-M contract: 100 for BTCUSD contracts, 10 for every other coin."""
    return 100.0 if symbol.upper().startswith("BTCUSD") else 10.0


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
    """The zip files (with their ``.CHECKSUM``) for ``symbols`` from ``start`` to ``end``."""
    check_option(market, "market", tuple(MARKETS))
    check_option(period, "period", ("daily", "monthly"))
    if kind != "ohlcv" and market == "spot":
        raise ValueError(f"kind={kind!r} exists for futures only; got market='spot' (use um, cm)")
    if kind == "funding" and period != "monthly":
        raise ValueError("Binance publishes fundingRate files monthly only; got period='daily'")
    if kind == "metrics":
        period = "daily"  # metrics files are daily only
    root = f"data/{MARKETS[market]}/{period}"
    files: list[RemoteFile] = []
    for symbol in symbols:
        for month in months(start, end):
            stamps = (
                [month]
                if period == "monthly"
                else [f"{d:%Y-%m-%d}" for d in days_in(month, start, end)]
            )
            for stamp in stamps:
                if kind == "ohlcv":
                    rel = f"{root}/klines/{symbol}/{interval}/{symbol}-{interval}-{stamp}.zip"
                elif kind == "funding":
                    rel = f"{root}/fundingRate/{symbol}/{symbol}-fundingRate-{stamp}.zip"
                else:
                    rel = f"{root}/metrics/{symbol}/{symbol}-metrics-{stamp}.zip"
                url = f"{base_url.rstrip('/')}/{rel}"
                files.append(
                    RemoteFile(NAME, kind, symbol, month, rel, url, url + ".CHECKSUM", "zip")
                )
    return files


def parse_checksum(text: str, name: str) -> str:
    """The sha256 in a ``.CHECKSUM`` file (``<hex>  <name>``) for the zip ``name``."""
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == name and len(parts[0]) == 64:
            return parts[0].lower()
        if len(parts) == 1 and len(parts[0]) == 64:
            return parts[0].lower()
    raise ValueError(f"no sha256 for {name} in the CHECKSUM file (got {text[:120]!r})")


def _has_header(data: bytes) -> bool:
    first = data.split(b",", 1)[0].strip().lstrip(b"\xef\xbb\xbf")
    try:
        float(first)
    except ValueError:
        return True
    return False


def _times(values: np.ndarray, repairs: list[str], what: str) -> pd.DatetimeIndex:
    """Open times in ms, or in microseconds where above 1e14 (spot from 2025-01-01)."""
    raw = values.astype("int64")
    micro = raw > 10**14
    if micro.any():
        _note(repairs, f"{what}: {int(micro.sum())} microsecond timestamps read as microseconds")
    ns = np.where(micro, raw * 1_000, raw * 1_000_000)
    return pd.DatetimeIndex(pd.to_datetime(ns, unit="ns", utc=True), name="time")


def parse(
    data: bytes, remote: RemoteFile, *, market: str, interval: str
) -> tuple[pd.DataFrame, list[str]]:
    """Parse one archive CSV (the zip's member) into a tidy frame and its repairs."""
    what = remote.relpath.rsplit("/", 1)[-1]
    repairs: list[str] = []
    header = _has_header(data)
    if remote.kind == "ohlcv":
        if not header:
            _note(repairs, f"{what}: no header row (older archive format); columns by position")
        raw = pd.read_csv(
            io.BytesIO(data), header=0 if header else None, names=_KLINE, encoding="utf-8-sig"
        )
        time = _times(raw["open_time"].to_numpy(), repairs, what)
        num = raw.drop(columns=["open_time", "close_time", "ignore"]).astype("float64")
        if market == "cm":
            size = contract_size(remote.symbol)
            frame = pd.DataFrame(
                {
                    "open": num["open"],
                    "high": num["high"],
                    "low": num["low"],
                    "close": num["close"],
                    # COIN-M: 'volume' counts contracts, the 8th column is the coin volume
                    "volume_base": num["quote_volume"],
                    "volume_quote": num["volume"] * size,
                    "trades": num["count"],
                    "taker_buy_volume_base": num["taker_buy_quote_volume"],
                    "taker_buy_volume_quote": num["taker_buy_volume"] * size,
                }
            )
            _note(repairs, f"{what}: COIN-M contracts x {size:g} USD -> volume_quote")
        else:
            frame = pd.DataFrame(
                {
                    "open": num["open"],
                    "high": num["high"],
                    "low": num["low"],
                    "close": num["close"],
                    "volume_base": num["volume"],
                    "volume_quote": num["quote_volume"],
                    "trades": num["count"],
                    "taker_buy_volume_base": num["taker_buy_volume"],
                    "taker_buy_volume_quote": num["taker_buy_quote_volume"],
                }
            )
        frame.index = time
    elif remote.kind == "funding":
        raw = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        time = pd.DatetimeIndex(
            pd.to_datetime(raw["calc_time"].astype("int64"), unit="ms", utc=True)
        )
        frame = pd.DataFrame(
            {
                "funding_rate": raw["last_funding_rate"].astype("float64").to_numpy(),
                "interval_hours": raw["funding_interval_hours"].astype("float64").to_numpy(),
            },
            index=_round_to_hour(time, repairs, what),
        )
    else:
        raw = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
        stamps = pd.to_datetime(raw["create_time"], format="%Y-%m-%d %H:%M:%S", utc=True)
        frame = raw[list(_METRICS)].rename(columns=_METRICS).astype("float64")
        frame.index = pd.DatetimeIndex(stamps, name="time")
    return _tidy(frame, repairs, what=what), repairs


def combine(frames: list[pd.DataFrame], repairs: list[str], *, interval: str) -> pd.DataFrame:
    """The files of one partition as one frame (in time order, without duplicates)."""
    return _tidy(pd.concat(frames), repairs, what="partition")
