"""OKX's historical-data archive (``www.okx.com/cdn/okex/traderecords``), aggregated to bars.

OKX's data-download page (https://www.okx.com/data-download) links the files but documents
no format. What this module assumes was checked, on 2026-12-03, against public code and
notes that read the real files, chiefly *terrylica/data-source-manager*
``docs/api/okx_data_download_guide.md`` (a survey of the CDN) and the URL builders of
several archive readers:

* Layout::

      <base>/trades/daily/<YYYYMMDD>/<INSTRUMENT>-trades-<YYYY-MM-DD>.zip

  e.g. ``trades/daily/20240115/BTC-USDT-SWAP-trades-2024-01-15.zip``; the same paths are
  served from ``static.okx.com``. The CDN has no folder listing.
* Compression and checksums: one CSV per zip; no checksum is published, so the sha256 of
  the download is recorded and the zip's CRC-32 detects a corrupt member.
* Header: two spellings are in use. Older files carry bilingual names, ``trade_id/交易id,
  side/交易方向, size/数量, price/价格, created_time/成交时间`` (the guide above); newer ones
  English names only, with ``instrument_name`` first and ``price`` before ``size``. The
  columns are therefore read by name, each name cut at its ``/``; the text is decoded as
  UTF-8 and, failing that, as GB18030 (a Chinese header written by a Windows tool).
  ``created_time`` is in ms since the epoch and ``side`` is ``buy``/``sell``, the taker's.
* Day boundary: not documented. The plan also fetches the first day of the next month, and
  every bar is kept in the month it belongs to, so a file cut at another hour than UTC
  midnight (as OKX's UTC+8 business day would) loses no bars.

For swaps and futures ``size`` counts contracts: the base volume is ``size x`` the contract
value (``contract_value``; 0.01 BTC for BTC-USDT-SWAP, 0.1 ETH for ETH-USDT-SWAP, OKX
instrument specifications https://www.okx.com/trade-market/info/swap); for inverse
(``-USD-SWAP``) contracts ``size`` counts USD contracts of 100 USD (BTC) or 10 USD.
"""

from __future__ import annotations

import io

import pandas as pd

from riskkit._validation import check_option
from riskkit.data.archives.bars import bars_from_trades, side_is_buy
from riskkit.data.archives.plan import RemoteFile, days_in, months
from riskkit.data.repairs import _note, _tidy

__all__: list[str] = []

NAME = "okx"
VENUE = "okx"
BASE_URL = "https://www.okx.com/cdn/okex/traderecords"
MARKETS = {"spot": "spot", "swap": "swap", "futures": "futures"}
KINDS = ("ohlcv",)
LICENCE = "OKX historical market data (www.okx.com/data-download), see the OKX Terms of Service"
#: What the format assumed here rests on (recorded in each partition's provenance).
FORMAT_SOURCE = (
    "no format description published by OKX; layout and both header spellings checked on "
    "2026-12-03 against terrylica/data-source-manager (docs/api/okx_data_download_guide.md) "
    "and public readers of the real files; see riskkit.data.archives.okx"
)
#: Columns a trades file must have (after cutting bilingual names at their "/").
COLUMNS = ("side", "size", "price", "created_time")

#: Contract value of linear USDT swaps, in base units per contract (OKX specifications).
CONTRACT_VALUE = {"BTC-USDT-SWAP": 0.01, "ETH-USDT-SWAP": 0.1}


def _contract_value(symbol: str) -> tuple[float, bool]:
    """(contract value, inverse?) of an instrument; spot is (1, False)."""
    parts = symbol.upper().split("-")
    if len(parts) == 2:
        return 1.0, False
    if parts[1] == "USD":  # inverse: USD per contract
        return (100.0 if parts[0] == "BTC" else 10.0), True
    if symbol.upper() not in CONTRACT_VALUE:
        raise ValueError(
            f"symbols: the contract value of {symbol!r} is not known (known: "
            f"{sorted(CONTRACT_VALUE)}); add it to riskkit.data.archives.okx.CONTRACT_VALUE"
        )
    return CONTRACT_VALUE[symbol.upper()], False


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
    """One zip per instrument and day, plus the next day for the month's last bars."""
    check_option(market, "market", tuple(MARKETS))
    check_option(kind, "kind", KINDS)
    files = []
    for symbol in symbols:
        _contract_value(symbol)
        for month in months(start, end):
            days = days_in(month, start, end)
            if days and days[-1] == days[-1] + pd.offsets.MonthEnd(0):
                days.append(days[-1] + pd.Timedelta(days=1))  # the file that may hold its end
            for day in days:
                rel = f"trades/daily/{day:%Y%m%d}/{symbol}-trades-{day:%Y-%m-%d}.zip"
                url = f"{base_url.rstrip('/')}/{rel}"
                files.append(RemoteFile(NAME, kind, symbol, month, rel, url, None, "zip"))
    return files


def parse(
    data: bytes, remote: RemoteFile, *, market: str, interval: str
) -> tuple[pd.DataFrame, list[str]]:
    """Trades of one file: ``price``, ``volume_base``, ``volume_quote``, ``taker_buy``."""
    repairs: list[str] = []
    raw = _read_trades(data, remote)
    value, inverse = _contract_value(remote.symbol)
    price = raw["price"].to_numpy(dtype="float64")
    size = raw["size"].to_numpy(dtype="float64")
    if inverse:
        quote = size * value
        base = quote / price
    else:
        base = size * value
        quote = base * price
    if value != 1.0:
        _note(repairs, f"{remote.symbol}: size in contracts x {value:g} -> volumes")
    trades = pd.DataFrame(
        {
            "price": price,
            "volume_base": base,
            "volume_quote": quote,
            "taker_buy": side_is_buy(raw["side"]),
        },
        index=pd.DatetimeIndex(
            pd.to_datetime(raw["created_time"].astype("int64"), unit="ms", utc=True), name="time"
        ),
    )
    return trades, repairs


def _read_trades(data: bytes, remote: RemoteFile) -> pd.DataFrame:
    """The CSV of one file with its columns named ``trade_id``, ``side``, ``size``, ..."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    raw = pd.read_csv(io.StringIO(text))
    # bilingual names ("price/价格") and stray spaces or case: keep the English part
    raw.columns = [str(c).split("/", 1)[0].strip().lower() for c in raw.columns]
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(
            f"{remote.url}: an OKX trades file needs the columns {list(COLUMNS)}; "
            f"missing {missing}, got {list(raw.columns)}"
        )
    return raw


def combine(frames: list[pd.DataFrame], repairs: list[str], *, interval: str) -> pd.DataFrame:
    """The trades of one partition's files as bars of ``interval``."""
    trades = pd.concat(frames)
    return _tidy(bars_from_trades(trades, interval, repairs, what="trades"), repairs, what="bars")
