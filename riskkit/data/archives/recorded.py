"""Recorded archives: tidy bars written back in the exact format of Binance's public archive.

A recorded archive is a folder laid out like ``data.binance.vision`` (zip files of kline CSVs,
each with its ``.CHECKSUM``) made from bars the user already has, e.g. the bundled real data.
:func:`riskkit.data.build` reads it through ``base_url="file://..."`` exactly as it reads the
live archive, so a build (and everything downstream) can be demonstrated and tested offline.

The format is the one :mod:`riskkit.data.archives.binance` parses (Binance,
*binance-public-data* README, sections "Klines" and "CHECKSUM").
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from riskkit._errors import check_frame
from riskkit._validation import check_option, check_time_index
from riskkit.data.archives.binance import _KLINE, MARKETS, contract_size

__all__ = ["record_binance_klines"]

_STEP_MS = {
    "1m": 60_000,
    "5m": 300_000,
    "15m": 900_000,
    "1h": 3_600_000,
    "4h": 14_400_000,
    "1d": 86_400_000,
}


def _write_zip(path: Path, member: str, text: str) -> Path:
    """One CSV in a zip, and its ``.CHECKSUM`` (``<sha256>  <name>``) beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), text)
    data = buf.getvalue()
    path.write_bytes(data)
    Path(f"{path}.CHECKSUM").write_text(f"{hashlib.sha256(data).hexdigest()}  {path.name}\n")
    return path


def record_binance_klines(
    bars: pd.DataFrame,
    root: str | Path,
    *,
    symbol: str,
    market: str = "um",
    interval: str = "1h",
    header: bool = True,
) -> list[Path]:
    """Write tidy OHLCV bars as Binance monthly kline archive files (zip + ``.CHECKSUM``).

    Parameters
    ----------
    bars : pandas.DataFrame
        Tidy bars indexed by UTC bar-open time (increasing, unique), with columns ``open``,
        ``high``, ``low``, ``close`` (quote currency per unit) and ``volume_base`` (base units;
        ``volume_quote`` (quote currency) and ``trades`` are used when present). These are the
        columns of :func:`riskkit.data.load_perp_ohlcv` and :func:`riskkit.data.load_ohlcv`.
    root : str or pathlib.Path
        Folder that plays the role of ``https://data.binance.vision``; created if missing.
        Existing files of the same name are replaced (the folder is a recording, not user data).
    symbol : str
        Binance symbol, e.g. ``"BTCUSDT"`` (USDⓈ-M, spot) or ``"BTCUSD_PERP"`` (COIN-M).
    market : {"um", "cm", "spot"}, default "um"
        USDⓈ-M futures, COIN-M futures or spot.
    interval : str, default "1h"
        Kline interval of the bars (``1m``, ``5m``, ``15m``, ``1h``, ``4h``, ``1d``).
    header : bool, default True
        Write the header row of the newer files (False: the header-less older files).

    Returns
    -------
    list of pathlib.Path
        The zip files written, one per calendar month of ``bars``.

    Notes
    -----
    Each row is open time (ms), open, high, low, close, volume, close time (open time + step
    - 1 ms), quote volume, trade count, taker-buy base and quote volume (half of each, the
    archive's own split is not known from bars) and ``ignore``. For COIN-M the volume column
    counts contracts, volume_quote / contract size (100 USD for BTC), and the eighth column is
    the coin volume. Zips are written with a fixed timestamp so a recording is byte-for-byte
    reproducible, and therefore so are its checksums.

    References
    ----------
    Binance, *binance-public-data* README, https://github.com/binance/binance-public-data.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> idx = pd.date_range("2024-01-31 22:00", periods=4, freq="h", tz="UTC")
    >>> bars = pd.DataFrame({"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5,
    ...                      "volume_base": 3.0}, index=idx)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in record_binance_klines(bars, d, symbol="BTCUSDT")]
    ['BTCUSDT-1h-2024-01.zip', 'BTCUSDT-1h-2024-02.zip']
    """
    check_frame(bars, "bars", columns=("open", "high", "low", "close", "volume_base"))
    check_time_index(bars, "bars")
    if not isinstance(bars.index, pd.DatetimeIndex) or bars.index.tz is None:
        raise TypeError(
            "bars: the index must be a tz-aware DatetimeIndex of UTC bar-open times; "
            f"got {type(bars.index).__name__} with tz={getattr(bars.index, 'tz', None)}"
        )
    check_option(market, "market", tuple(MARKETS))
    check_option(interval, "interval", tuple(_STEP_MS))
    if bars.empty:
        raise ValueError("bars: must hold at least one bar to record, got an empty frame")
    step = _STEP_MS[interval]
    root = Path(root)
    index = pd.DatetimeIndex(bars.index).tz_convert("UTC")
    opens = index.as_unit("ns").asi8 // 1_000_000
    quote = (
        bars["volume_quote"].to_numpy(float)
        if "volume_quote" in bars
        else (bars["volume_base"] * bars["close"]).to_numpy(float)
    )
    base = bars["volume_base"].to_numpy(float)
    if market == "cm":
        volume, eighth = quote / contract_size(symbol), base
    else:
        volume, eighth = base, quote
    trades = bars["trades"].fillna(0).to_numpy(np.int64) if "trades" in bars else 0
    table = pd.DataFrame(
        dict(
            zip(
                _KLINE,
                (
                    opens,
                    bars["open"].to_numpy(float),
                    bars["high"].to_numpy(float),
                    bars["low"].to_numpy(float),
                    bars["close"].to_numpy(float),
                    volume,
                    opens + step - 1,
                    np.nan_to_num(eighth),
                    trades,
                    volume / 2,
                    np.nan_to_num(eighth) / 2,
                    0,
                ),
                strict=True,
            )
        )
    )
    month = index.strftime("%Y-%m")
    written = []
    folder = root / "data" / MARKETS[market] / "monthly" / "klines" / symbol / interval
    for m in pd.unique(month):
        name = f"{symbol}-{interval}-{m}"
        rows = table[month == m]
        text = rows.to_csv(index=False, header=header, float_format="%.17g", lineterminator="\n")
        written.append(_write_zip(folder / f"{name}.zip", f"{name}.csv", text))
    return written
