"""Tests for riskkit.data.archives: builders for the Binance, Bybit and OKX public archives.

No test touches the network. Fixture archives are written at test time, in the upstream
formats (Binance zip + ``.CHECKSUM``, header-less and headed kline CSVs, microsecond spot
stamps; Bybit ``.csv.gz`` trade files; OKX zipped trade CSVs), from the bundled real data read
through the package's loaders (the offline mirror), and served by a local ``http.server`` on
127.0.0.1 that counts requests. Formats (columns, names, units) follow the sources cited in the
docstrings of :mod:`riskkit.data.archives.binance`, ``bybit`` and ``okx``.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import io
import os
import threading
import warnings
import zipfile
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.dataset as pads
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

import riskkit.data as rd
from riskkit.data.archives import store
from riskkit.data.archives.bars import bars_from_trades
from riskkit.exceptions import ArchiveBuildWarning

REPO = Path(__file__).resolve().parents[1]
engine = importlib.import_module("riskkit.data.archives.build")


def _mirror() -> Path | None:
    env = os.environ.get("RISKKIT_DATA_MIRROR")
    if env and Path(env).is_dir():
        return Path(env)
    fallback = REPO.parent / "shared" / "data"
    return fallback if fallback.is_dir() else None


MIRROR = _mirror()
pytestmark = pytest.mark.skipif(
    MIRROR is None and not os.environ.get("CI"),
    reason="no data mirror: set RISKKIT_DATA_MIRROR to a folder with the registered files",
)

OHLC = ["open", "high", "low", "close"]


# ---------------------------------------------------------------------------------------------
# The bundled real data (through the package's loaders) and a local archive server
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, pd.DataFrame]]:
    cache = tmp_path_factory.mktemp("riskkit-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKKIT_DATA_DIR", str(cache))
        mp.setenv("RISKKIT_DATA_MIRROR", str(MIRROR))
        yield {
            "um": rd.load_perp_ohlcv("BTCUSDT", "binance", "1h"),
            "cm": rd.load_perp_ohlcv("BTCUSD_PERP", "binance", "1h"),
            "spot": rd.load_spot_ohlcv("BTCUSDT", "binance", "1h"),
            "funding": rd.load_funding("BTCUSDT", "binance"),
            "oi": rd.load_open_interest("coinalyze", "BTC"),
        }


class _Handler(SimpleHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        self.requests.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # silence the server log
        pass


class Archive:
    """A folder served at ``url`` (127.0.0.1) that records every request path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        handler = type("H", (_Handler,), {"requests": self.requests})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=root))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    root = tmp_path / "archive"
    root.mkdir()
    served = Archive(root)
    yield served
    served.close()


def _zip(path: Path, member: str, text: str | bytes, *, checksum: bool = True) -> None:
    """A zip holding one CSV, and its ``.CHECKSUM`` (``sha256sum`` format), as Binance does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, text)
    path.write_bytes(buf.getvalue())
    if checksum:
        digest = hashlib.sha256(buf.getvalue()).hexdigest()
        Path(str(path) + ".CHECKSUM").write_text(f"{digest}  {path.name}\n")


def _month(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    return frame.loc[month]


def _ms(index: pd.Index) -> np.ndarray:
    """Epoch milliseconds of a UTC index (whatever its resolution)."""
    return pd.DatetimeIndex(index).as_unit("ns").asi8 // 1_000_000


def _ns(frame: pd.DataFrame) -> pd.DataFrame:
    """The bundled frame with a nanosecond index, the resolution of the Parquet dataset."""
    out = frame.copy()
    out.index = pd.DatetimeIndex(frame.index).as_unit("ns")
    return out


def _kline_csv(bars: pd.DataFrame, *, header: bool, micro: bool = False, cm: bool = False) -> str:
    """Binance kline CSV rows (README column order) from tidy bars."""
    scale = 1000 if micro else 1
    opens = _ms(bars.index) * scale
    step = 3_600_000 * scale
    if cm:  # COIN-M: volume in contracts of 100 USD, the 8th column the coin volume
        vol, vol8 = bars["volume_quote"] / 100.0, bars["volume_base"]
    else:
        vol, vol8 = bars["volume_base"], bars["volume_quote"].fillna(0.0)
    trades = bars["trades"].fillna(0).astype("int64") if "trades" in bars else 0
    out = pd.DataFrame(
        {
            "open_time": opens,
            "open": bars["open"],
            "high": bars["high"],
            "low": bars["low"],
            "close": bars["close"],
            "volume": vol,
            "close_time": opens + step - 1,
            "quote_volume": vol8,
            "count": trades,
            "taker_buy_volume": vol / 2,
            "taker_buy_quote_volume": vol8 / 2,
            "ignore": 0,
        }
    )
    return out.to_csv(index=False, header=header, float_format="%.17g")


def _binance_klines(
    root: Path, bars: pd.DataFrame, market: str, months: list[str], **fmt: bool
) -> None:
    path = {"um": "futures/um", "cm": "futures/cm", "spot": "spot"}[market]
    symbol = "BTCUSD_PERP" if market == "cm" else "BTCUSDT"
    for month in months:
        name = f"{symbol}-1h-{month}"
        _zip(
            root / f"data/{path}/monthly/klines/{symbol}/1h/{name}.zip",
            f"{name}.csv",
            _kline_csv(_month(bars, month), cm=market == "cm", **fmt),
        )


def _trades(bars: pd.DataFrame) -> pd.DataFrame:
    """Four prints per bar (open, high, low, close; a quarter of the bar's volume each)."""
    t0 = _ms(bars.index)
    offsets = np.array([0, 900_000, 1_800_000, 3_599_000])
    prices = bars[["open", "high", "low", "close"]].to_numpy()
    size = bars["volume_base"].to_numpy()[:, None] / 4 * np.ones((1, 4))
    return pd.DataFrame(
        {
            "ms": (t0[:, None] + offsets[None, :]).ravel(),
            "price": prices.ravel(),
            "size": size.ravel(),
            "side": np.tile(["Buy", "Sell", "Sell", "Buy"], len(bars)),
        }
    )


def _bybit_day(
    root: Path, bars: pd.DataFrame, day: str, *, newest_first: bool, rpi: bool = False
) -> Path:
    """A derivatives file; ``rpi`` adds the trailing ``RPI`` column of 2025-2026 files."""
    tr = _trades(bars.loc[day])
    csv = pd.DataFrame(
        {
            "timestamp": (tr["ms"] + 123) / 1000.0,  # seconds with a fractional part
            "symbol": "BTCUSDT",
            "side": tr["side"],
            "size": tr["size"],
            "price": tr["price"],
            "tickDirection": "ZeroPlusTick",
            "trdMatchID": [f"id-{i}" for i in range(len(tr))],
            "grossValue": tr["size"] * tr["price"] * 1e8,
            "homeNotional": tr["size"],
            "foreignNotional": tr["size"] * tr["price"],
        }
    )
    if rpi:
        csv["RPI"] = 0
    if newest_first:
        csv = csv.iloc[::-1]
    path = root / f"trading/BTCUSDT/BTCUSDT{day}.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(csv.to_csv(index=False, float_format="%.17g").encode()))
    return path


def _bybit_spot_day(root: Path, bars: pd.DataFrame, day: str) -> Path:
    """A spot file: ``id, timestamp (ms), price, volume, side (lower case), rpi``."""
    tr = _trades(bars.loc[day])
    csv = pd.DataFrame(
        {
            "id": np.arange(len(tr)) + 1,
            "timestamp": tr["ms"] + 74,
            "price": tr["price"],
            "volume": tr["size"],
            "side": tr["side"].str.lower(),
            "rpi": 0,
        }
    )
    path = root / f"spot/BTCUSDT/BTCUSDT_{day}.csv.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(csv.to_csv(index=False, float_format="%.17g").encode()))
    return path


#: OKX's bilingual header of older files (terrylica/data-source-manager,
#: docs/api/okx_data_download_guide.md, "Raw Data Format").
OKX_BILINGUAL = {
    "trade_id": "trade_id/交易id",
    "side": "side/交易方向",
    "size": "size/数量",
    "price": "price/价格",
    "created_time": "created_time/成交时间",
}


def _okx_day(root: Path, bars: pd.DataFrame, day: str, header: str = "english") -> Path:
    """A trades zip; ``header`` ``"english"`` (newer files, ``instrument_name`` first),
    ``"bilingual"`` (older files, UTF-8) or ``"gb18030"`` (the bilingual names in GB18030)."""
    tr = _trades(bars.loc[day])
    csv = pd.DataFrame(
        {
            "instrument_name": "BTC-USDT-SWAP",
            "trade_id": np.arange(len(tr)) + 1,
            "side": tr["side"].str.lower(),
            "price": tr["price"],
            "size": tr["size"] / 0.01,  # contracts of 0.01 BTC
            "created_time": tr["ms"] + 7,
        }
    )
    if header != "english":
        csv = csv[list(OKX_BILINGUAL)].rename(columns=OKX_BILINGUAL)
    text = csv.to_csv(index=False, float_format="%.17g")
    stamp = day.replace("-", "")
    path = root / f"trades/daily/{stamp}/BTC-USDT-SWAP-trades-{day}.zip"
    member = path.name[:-4] + ".csv"
    _zip(path, member, text.encode("gb18030") if header == "gb18030" else text, checksum=False)
    return path


def _build(
    archive: Archive, out: Path, source: str = "binance", **kw: object
) -> engine.BuildResult:
    args: dict[str, object] = dict(interval="1h", out=out, base_url=archive.url, progress=False)
    args.update(kw)
    return rd.build(source, **args)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# Happy paths, one per source, and round trips with the bundled loaders
# ---------------------------------------------------------------------------------------------
def test_binance_um_layout_checksums_and_round_trip(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    months = ["2024-01", "2024-02"]
    _binance_klines(archive.root, bundled["um"], "um", months, header=True)
    out = tmp_path / "out"
    result = _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-02-29")
    assert (result.fetched, result.verified, result.failed) == (2, 2, 0)
    # the layout the Dask panel layer reads, exactly
    parts = sorted(p.relative_to(out).as_posix() for p in out.rglob("part-0.parquet"))
    assert parts == [
        "ohlcv/symbol=BTCUSDT/month=2024-01/part-0.parquet",
        "ohlcv/symbol=BTCUSDT/month=2024-02/part-0.parquet",
    ]
    table = pq.read_table(out / parts[0])
    assert table.schema.names[:5] == ["timestamp", "open", "high", "low", "close"]
    assert str(table.schema.field("timestamp").type) == "timestamp[ns, tz=UTC]"
    # the provenance sidecar: URL and the sha256 of the served bytes, the published checksum
    prov = store.read_json(out / "ohlcv/symbol=BTCUSDT/month=2024-01/_provenance.json")
    assert prov is not None
    served = archive.root / "data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip"
    digest = hashlib.sha256(served.read_bytes()).hexdigest()
    assert prov["files"][0]["sha256"] == prov["files"][0]["checksum"] == digest
    assert prov["files"][0]["url"].endswith("/BTCUSDT-1h-2024-01.zip")
    assert prov["rows"] == len(bundled["um"].loc["2024-01"])
    # pyarrow (and Dask, which uses it) read the layout as a hive dataset; sidecars are skipped
    ds = pads.dataset(out / "ohlcv", format="parquet", partitioning="hive")
    assert sorted(Path(f).name for f in ds.files) == ["part-0.parquet", "part-0.parquet"]
    whole = ds.to_table().to_pandas()
    assert set(whole["symbol"]) == {"BTCUSDT"} and set(whole["month"]) == {"2024-01", "2024-02"}
    assert len(whole) == len(bundled["um"].loc["2024-01":"2024-02"])
    summary = store.read_json(out / "ohlcv/_summary.json")
    assert summary is not None and summary["symbols"] == ["BTCUSDT"]
    # round trip: the same bars as the bundled loader (its source has no quote volume)
    got = rd.load_ohlcv(out, "BTCUSDT")
    assert isinstance(got, pd.DataFrame)
    want = bundled["um"].loc["2024-01":"2024-02"]
    pd.testing.assert_frame_equal(got[[*OHLC, "volume_base"]], _ns(want[[*OHLC, "volume_base"]]))
    assert got.index.name == "time" and str(got.index.tz) == "UTC"
    assert got.attrs["units"]["close"].startswith("quote currency")
    assert got.attrs["provenance"]["urls"][1].endswith("BTCUSDT-1h-2024-02.zip")
    # start/end filter the rows (UTC, inclusive)
    part = rd.load_ohlcv(out, "BTCUSDT", start="2024-01-15", end="2024-01-16 23:00")
    assert isinstance(part, pd.DataFrame) and len(part) == 48


def test_binance_spot_headerless_and_microsecond_files(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    # 2020: no header row (older archive format); 2025: spot stamps in microseconds (README)
    _binance_klines(archive.root, bundled["spot"], "spot", ["2020-03"], header=False)
    _binance_klines(archive.root, bundled["um"], "spot", ["2025-01"], header=True, micro=True)
    out = tmp_path / "spot"
    old = _build(
        archive, out, symbols=["BTCUSDT"], start="2020-03-01", end="2020-03-31", market="spot"
    )
    new = _build(
        archive, out, symbols=["BTCUSDT"], start="2025-01-01", end="2025-01-31", market="spot"
    )
    assert old.failed == new.failed == 0
    got = rd.load_ohlcv(out, "BTCUSDT")
    assert isinstance(got, pd.DataFrame)
    want = bundled["spot"].loc["2020-03"]
    cols = [*OHLC, "volume_base", "volume_quote"]
    pd.testing.assert_frame_equal(got.loc["2020-03", cols], _ns(want[cols]))
    pd.testing.assert_index_equal(got.loc["2025-01"].index, _ns(bundled["um"].loc["2025-01"]).index)
    notes = " ".join(got.attrs["repairs"])
    assert "no header row" in notes and "microsecond timestamps" in notes


def test_binance_coinm_volumes_in_usd(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    _binance_klines(archive.root, bundled["cm"], "cm", ["2022-06"], header=True)
    out = tmp_path / "cm"
    result = _build(
        archive, out, symbols="BTCUSD_PERP", start="2022-06-01", end="2022-06-30", market="cm"
    )
    assert result.failed == 0
    got = rd.load_ohlcv(out, "BTCUSD_PERP")
    want = bundled["cm"].loc["2022-06"]
    assert isinstance(got, pd.DataFrame)
    # contracts x 100 USD (Binance COIN-M BTCUSD contract size) = the bundled quote volume
    pd.testing.assert_frame_equal(
        got[[*OHLC, "volume_base", "volume_quote", "trades"]],
        _ns(want[[*OHLC, "volume_base", "volume_quote", "trades"]]),
        rtol=1e-12,
    )


def test_binance_funding_and_metrics(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    fund = bundled["funding"].loc["2023-03"]
    ms = _ms(fund.index)
    ms[0] += 4  # settlement jitter of a few ms, as the registered API file has
    csv = pd.DataFrame(
        {
            "calc_time": ms,
            "funding_interval_hours": fund["interval_hours"].astype(int),
            "last_funding_rate": fund["funding_rate"],
        }
    ).to_csv(index=False, float_format="%.17g")
    base = archive.root / "data/futures/um"
    _zip(
        base / "monthly/fundingRate/BTCUSDT/BTCUSDT-fundingRate-2023-03.zip",
        "BTCUSDT-fundingRate-2023-03.csv",
        csv,
    )
    oi = bundled["oi"].loc["2023-03-01":"2023-03-02"]
    for day, value in oi["open_interest_usd"].items():
        name = f"BTCUSDT-metrics-{day:%Y-%m-%d}"
        text = pd.DataFrame(
            {
                "create_time": [f"{day:%Y-%m-%d} 00:05:00"],
                "symbol": ["BTCUSDT"],
                "sum_open_interest": [value / 23_000.0],
                "sum_open_interest_value": [value],
                "count_toptrader_long_short_ratio": [1.5],
                "sum_toptrader_long_short_ratio": [1.2],
                "count_long_short_ratio": [1.1],
                "sum_taker_long_short_vol_ratio": [0.9],
            }
        ).to_csv(index=False, float_format="%.17g")
        _zip(base / f"daily/metrics/BTCUSDT/{name}.zip", f"{name}.csv", text)
    out = tmp_path / "fut"
    f = _build(
        archive, out, symbols="BTCUSDT", start="2023-03-01", end="2023-03-31", kind="funding"
    )
    m = _build(
        archive, out, symbols="BTCUSDT", start="2023-03-01", end="2023-03-02", kind="metrics"
    )
    assert (f.failed, m.failed, f.verified, m.verified) == (0, 0, 1, 2)
    got = rd.load_archive(out, "funding", "BTCUSDT")["BTCUSDT"]
    pd.testing.assert_frame_equal(got[["funding_rate", "interval_hours"]], _ns(fund))
    assert any("jitter rounded to the hour" in r for r in got.attrs["repairs"])
    met = rd.load_archive(out, "metrics")["BTCUSDT"]
    np.testing.assert_allclose(met["open_interest_usd"].to_numpy(), oi["open_interest_usd"])
    assert list(met.index) == [d + pd.Timedelta(minutes=5) for d in oi.index]


def test_bybit_trades_to_bars_round_trip(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    days = ["2024-01-30", "2024-01-31", "2024-02-01"]
    for i, day in enumerate(days):
        _bybit_day(archive.root, bundled["um"], day, newest_first=i == 0, rpi=i == 2)
    out = tmp_path / "bybit"
    result = _build(archive, out, "bybit", symbols="BTCUSDT", start=days[0], end=days[-1])
    assert (result.fetched, result.failed, result.verified) == (3, 0, 0)  # no checksum published
    got = rd.load_ohlcv(out, "BTCUSDT")
    want = bundled["um"].loc[days[0] : days[-1]]
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got[OHLC], _ns(want[OHLC]))
    np.testing.assert_allclose(got["volume_base"], want["volume_base"], rtol=1e-12)
    assert (got["trades"] == 4).all()
    assert any("sorted ascending" in r for r in got.attrs["repairs"])  # the newest-first file
    assert sorted(p.parent.name for p in out.rglob("part-0.parquet")) == [
        "month=2024-01",
        "month=2024-02",
    ]


def test_okx_trades_to_bars_round_trip(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    days = ["2024-03-30", "2024-03-31", "2024-04-01"]
    # both header spellings in use, and the bilingual one in another encoding
    for day, header in zip(days, ["bilingual", "gb18030", "english"], strict=True):
        _okx_day(archive.root, bundled["um"], day, header)
    out = tmp_path / "okx"
    result = _build(
        archive, out, "okx", symbols="BTC-USDT-SWAP", start=days[0], end=days[-1], market="swap"
    )
    # the month's last day pulls in the next day's file once (reused from the cache)
    assert result.failed == 0 and result.fetched == 3
    got = rd.load_ohlcv(out, "BTC-USDT-SWAP")
    want = bundled["um"].loc[days[0] : days[-1]]
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got[OHLC], _ns(want[OHLC]))
    # contracts x 0.01 BTC (OKX BTC-USDT-SWAP contract value) back to BTC
    np.testing.assert_allclose(got["volume_base"], want["volume_base"], rtol=1e-12)


def test_bybit_spot_trades_to_bars_round_trip(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    days = ["2024-01-30", "2024-01-31"]
    for day in days:
        _bybit_spot_day(archive.root, bundled["um"], day)
    out = tmp_path / "bybit-spot"
    result = _build(
        archive, out, "bybit", symbols="BTCUSDT", start=days[0], end=days[-1], market="spot"
    )
    assert (result.fetched, result.failed) == (2, 0)
    got = rd.load_ohlcv(out, "BTCUSDT")
    want = bundled["um"].loc[days[0] : days[-1]]
    assert isinstance(got, pd.DataFrame)
    pd.testing.assert_frame_equal(got[OHLC], _ns(want[OHLC]))
    np.testing.assert_allclose(got["volume_base"], want["volume_base"], rtol=1e-12)
    assert (got["trades"] == 4).all()
    # two of each bar's four prints are "buy" (lower case in spot files): half the volume
    np.testing.assert_allclose(got["taker_buy_volume_base"], want["volume_base"] / 2, rtol=1e-12)
    assert "bybit-bulk-downloader" in got.attrs["provenance"]["format_source"]


def test_okx_file_without_a_needed_column_fails_and_names_it(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    day = "2024-03-15"
    path = archive.root / f"trades/daily/20240315/BTC-USDT-SWAP-trades-{day}.zip"
    _zip(path, path.name[:-4] + ".csv", "trade_id,side,size,price\n1,buy,1,60000\n", checksum=False)
    out = tmp_path / "okx-bad"
    with pytest.warns(ArchiveBuildWarning, match="1 of 1 archive files failed"):
        result = _build(
            archive, out, "okx", symbols="BTC-USDT-SWAP", start=day, end=day, market="swap"
        )
    assert result.failed == 1
    (error,) = result.errors.values()
    assert (
        "missing ['created_time']" in error and "got ['trade_id', 'side', 'size', 'price']" in error
    )


# ---------------------------------------------------------------------------------------------
# Faults: corrupt download, missing month, truncated archive; a failure does not stop the rest
# ---------------------------------------------------------------------------------------------
def test_checksum_mismatch_is_quarantined_not_parsed(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    _binance_klines(archive.root, bundled["um"], "um", ["2024-01", "2024-02"], header=True)
    bad = archive.root / "data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip"
    data = bytearray(bad.read_bytes())
    data[40] ^= 0xFF  # corrupt the download; the published checksum stays the original
    bad.write_bytes(bytes(data))
    out = tmp_path / "out"
    with pytest.warns(ArchiveBuildWarning, match="1 of 2 archive files failed"):
        result = _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-02-29")
    assert result.failed == 1 and result.verified == 1
    (why,) = result.errors.values()
    assert "sha256 mismatch" in why and "not parsed" in why
    quarantined = list((out / "_quarantine").glob("BTCUSDT-1h-2024-01.zip.corrupt-*"))
    assert len(quarantined) == 1 and quarantined[0].read_bytes() == bytes(data)
    assert not (out / "ohlcv/symbol=BTCUSDT/month=2024-01").exists()
    assert (out / "ohlcv/symbol=BTCUSDT/month=2024-02/part-0.parquet").is_file()


def test_missing_month_is_reported_and_the_rest_continues(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    _binance_klines(archive.root, bundled["um"], "um", ["2024-01", "2024-03"], header=True)
    out = tmp_path / "out"
    with pytest.warns(ArchiveBuildWarning):
        result = _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-03-31")
    assert result.failed == 1
    (url,) = result.errors
    assert url.endswith("BTCUSDT-1h-2024-02.zip") and "HTTP 404" in result.errors[url]
    written = sorted(p.parent.name for p in out.rglob("part-0.parquet"))
    assert written == ["month=2024-01", "month=2024-03"]
    assert result.summary().loc["partitions failed", "count"] == 1


@pytest.mark.parametrize("source", ["bybit", "okx"])
def test_truncated_archive_is_quarantined(
    source: str, bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    days = ["2024-01-10", "2024-01-11"]
    make = partial(_bybit_day, newest_first=False) if source == "bybit" else _okx_day
    paths = [make(archive.root, bundled["um"], day) for day in days]
    paths[0].write_bytes(paths[0].read_bytes()[: len(paths[0].read_bytes()) // 2])
    symbol = "BTCUSDT" if source == "bybit" else "BTC-USDT-SWAP"
    market = "linear" if source == "bybit" else "swap"
    out = tmp_path / "out"
    with pytest.warns(ArchiveBuildWarning):
        result = _build(
            archive, out, source, symbols=symbol, start=days[0], end=days[1], market=market
        )
    (why,) = result.errors.values()
    assert "truncated or corrupt" in why
    assert len(list((out / "_quarantine").iterdir())) == 1
    got = rd.load_ohlcv(out, symbol)
    assert isinstance(got, pd.DataFrame)
    assert got.index[0] == pd.Timestamp(days[1], tz="UTC") and len(got) == 24
    # the next run fetches the quarantined file again (once fixed upstream) and completes
    make(archive.root, bundled["um"], days[0])
    again = _build(archive, out, source, symbols=symbol, start=days[0], end=days[1], market=market)
    assert again.failed == 0 and again.fetched == 1 and again.cached == 1
    got = rd.load_ohlcv(out, symbol)
    assert isinstance(got, pd.DataFrame) and len(got) == 48


# ---------------------------------------------------------------------------------------------
# Resumable and idempotent
# ---------------------------------------------------------------------------------------------
def test_interrupted_build_resumes_without_downloading_again(
    bundled: dict[str, pd.DataFrame],
    archive: Archive,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    months = ["2024-01", "2024-02", "2024-03"]
    _binance_klines(archive.root, bundled["um"], "um", months, header=True)
    out = tmp_path / "out"
    real = store.write_partition
    calls = {"n": 0}

    def interrupted(*args: object, **kw: object) -> Path:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second partition is being written
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "write_partition", interrupted)
    with pytest.raises(KeyboardInterrupt):
        _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-03-31")
    assert len(archive.requests) == 4  # zip + CHECKSUM of January and February
    assert [p.parent.name for p in out.rglob("part-0.parquet")] == ["month=2024-01"]
    assert not list(out.rglob("*.part"))  # no temporary file left behind
    monkeypatch.setattr(store, "write_partition", real)
    archive.requests.clear()
    result = _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-03-31")
    # only March is requested: January is built, February's verified zip is in the cache
    assert archive.requests == [
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-03.zip.CHECKSUM",
        "/data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-03.zip",
    ]
    assert [p.status for p in result.partitions] == ["unchanged", "written", "written"]
    assert (result.fetched, result.cached) == (1, 2)
    got = rd.load_ohlcv(out, "BTCUSDT")
    assert isinstance(got, pd.DataFrame) and len(got) == len(bundled["um"].loc["2024-01":"2024-03"])


def test_rerun_is_idempotent(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    _binance_klines(archive.root, bundled["um"], "um", ["2024-01", "2024-02"], header=True)
    out = tmp_path / "out"
    _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-02-29")
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and "_summary" not in p.name}
    archive.requests.clear()
    again = _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-02-29")
    assert archive.requests == []  # nothing downloaded again
    assert [p.status for p in again.partitions] == ["unchanged", "unchanged"]
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and "_summary" not in p.name}
    assert after == before  # not one byte rewritten
    assert again.summary().loc["files fetched", "count"] == 0


def test_extending_the_range_keeps_what_was_built(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    days = ["2024-01-10", "2024-01-11"]
    for day in days:
        _bybit_day(archive.root, bundled["um"], day, newest_first=False)
    out = tmp_path / "out"
    _build(archive, out, "bybit", symbols="BTCUSDT", start=days[0], end=days[0])
    archive.requests.clear()
    later = _build(archive, out, "bybit", symbols="BTCUSDT", start=days[1], end=days[1])
    assert archive.requests == ["/trading/BTCUSDT/BTCUSDT2024-01-11.csv.gz"]
    assert [p.status for p in later.partitions] == ["written"]
    got = rd.load_ohlcv(out, "BTCUSDT")
    assert isinstance(got, pd.DataFrame)  # both days: the first run's day was not dropped
    pd.testing.assert_frame_equal(got[OHLC], _ns(bundled["um"].loc[days[0] : days[1], OHLC]))
    archive.requests.clear()
    narrower = _build(archive, out, "bybit", symbols="BTCUSDT", start=days[0], end=days[0])
    assert archive.requests == [] and [p.status for p in narrower.partitions] == ["unchanged"]


def test_file_url_base_and_cli(
    bundled: dict[str, pd.DataFrame],
    archive: Archive,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _binance_klines(archive.root, bundled["um"], "um", ["2024-01"], header=True)
    out = tmp_path / "cli"
    code = rd._main(
        [
            "build",
            "binance",
            "--symbols",
            "BTCUSDT",
            "--start",
            "2024-01-01",
            "--end",
            "2024-01-31",
            "--interval",
            "1h",
            "--out",
            str(out),
            "--base-url",
            archive.root.as_uri(),
            "--no-progress",
        ]
    )
    text = capsys.readouterr().out
    assert code == 0 and "files verified against a published checksum" in text
    assert (out / "ohlcv/symbol=BTCUSDT/month=2024-01/part-0.parquet").is_file()
    code = rd._main(
        [
            "build",
            "binance",
            "--symbols",
            "BTCUSDT",
            "--start",
            "2024-02-01",
            "--end",
            "2024-02-29",
            "--out",
            str(out),
            "--base-url",
            archive.root.as_uri(),
            "--no-progress",
        ]
    )
    assert code == 1 and "FAILED" in capsys.readouterr().out  # February is not in the archive


def test_other_dataset_in_the_same_folder_is_refused(
    bundled: dict[str, pd.DataFrame], archive: Archive, tmp_path: Path
) -> None:
    _binance_klines(archive.root, bundled["um"], "um", ["2024-01"], header=True)
    out = tmp_path / "out"
    _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-01-31")
    with pytest.raises(ValueError, match="holds a binance um 1h dataset; got interval='4h'"):
        _build(archive, out, symbols="BTCUSDT", start="2024-01-01", end="2024-01-31", interval="4h")


def test_bad_arguments_name_the_argument(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="source"):
        rd.build("kraken", "BTCUSDT", "2024-01-01", "2024-01-31", out=tmp_path)
    with pytest.raises(ValueError, match="interval"):
        rd.build("binance", "BTCUSDT", "2024-01-01", "2024-01-31", interval="7m", out=tmp_path)
    with pytest.raises(ValueError, match="end must not be before start"):
        rd.build("binance", "BTCUSDT", "2024-02-01", "2024-01-31", out=tmp_path)
    with pytest.raises(TypeError, match="symbols"):
        rd.build("binance", 3, "2024-01-01", "2024-01-31", out=tmp_path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="path_or_dataset: no ohlcv partitions"):
        rd.load_ohlcv(tmp_path)


# ---------------------------------------------------------------------------------------------
# The user's own files: same schema, errors naming the column and the rule
# ---------------------------------------------------------------------------------------------
GOOD = (
    "timestamp,open,high,low,close,volume\n"
    "2024-01-01T00:00:00Z,10,11,9,10.5,3\n"
    "2024-01-01T01:00:00Z,10.5,12,10,11,4\n"
    "2024-01-01T02:00:00Z,11,11.5,10.5,11.2,2\n"
)


def _with(line: int, text: str) -> str:
    rows = GOOD.splitlines()
    rows[line] = text
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (GOOD.replace(",volume", ",vol"), r"missing column\(s\) \['volume_base'\]"),
        (GOOD.replace("timestamp,", "when,"), "missing column 'timestamp'"),
        (
            _with(3, "2024-01-01T01:00:00Z,11,11.5,10.5,11.2,2"),
            "column 'timestamp' breaks the rule no duplicate timestamps: 1 row.*row 2",
        ),
        (
            _with(3, "2024-01-01T00:30:00Z,11,11.5,10.5,11.2,2"),
            "column 'timestamp' breaks the rule increasing",
        ),
        (
            _with(2, "2024-01-01T01:00:00Z,10.5,9,10,9.5,4"),
            "column 'high' breaks the rule high >= low",
        ),
        (
            _with(2, "2024-01-01T01:00:00Z,10.5,10.8,10,11,4"),
            r"column 'high' breaks the rule high >= max\(open, close\)",
        ),
        (
            _with(2, "2024-01-01T01:00:00Z,10.5,12,10,11,-4"),
            "column 'volume_base' breaks the rule volume_base >= 0: 1 row",
        ),
        (_with(2, "2024-01-01T01:00:00Z,10.5,12,10,,4"), "column 'close' breaks the rule no NaN"),
        (_with(2, "yesterday,10.5,12,10,11,4"), "column 'timestamp' breaks the rule parseable"),
        (_with(2, "2024-01-01T01:00:00Z,10.5,12,ten,11,4"), "column 'low' breaks the rule numeric"),
    ],
)
def test_user_file_errors_name_column_and_rule(content: str, match: str, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        rd.load_user_ohlcv(path)


def test_user_parquet_round_trip_with_bundled_frame(
    bundled: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    want = bundled["spot"].loc["2020-05", [*OHLC, "volume_base", "volume_quote"]]
    path = tmp_path / "mine.parquet"
    table = want.reset_index().rename(columns={"time": "timestamp"})
    table.to_parquet(path)
    got = rd.load_user_ohlcv(path, symbol="BTCUSDT")
    pd.testing.assert_frame_equal(got, _ns(want), check_freq=False)
    assert got.attrs["provenance"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    # numeric epoch stamps need their unit
    csv = tmp_path / "ms.csv"
    ms = want.reset_index(drop=True)
    ms.insert(0, "open_time", _ms(want.index))
    ms.to_csv(csv, index=False, float_format="%.17g")
    with pytest.raises(ValueError, match="numeric timestamps need unit"):
        rd.load_user_ohlcv(csv)
    pd.testing.assert_frame_equal(rd.load_user_ohlcv(csv, unit="ms"), _ns(want), check_freq=False)


# ---------------------------------------------------------------------------------------------
# Bars from trades against a naive loop
# ---------------------------------------------------------------------------------------------
@given(
    st.lists(
        st.tuples(st.integers(0, 4 * 3600 - 1), st.floats(1, 1e5), st.floats(0, 10)),
        min_size=1,
        max_size=60,
    )
)
def test_bars_from_trades_matches_a_naive_loop(rows: list[tuple[int, float, float]]) -> None:
    secs = np.array([r[0] for r in rows])
    trades = pd.DataFrame(
        {"price": [r[1] for r in rows], "volume_base": [r[2] for r in rows]},
        index=pd.to_datetime(secs, unit="s", utc=True),
    )
    trades["volume_quote"] = trades["price"] * trades["volume_base"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = bars_from_trades(trades, "1h", [], what="t")
    order = sorted(range(len(rows)), key=lambda i: secs[i])  # stable, as the archive order
    naive: dict[int, list[float]] = {}
    for i in order:
        hour, (_, p, v) = secs[i] // 3600, rows[i]
        if hour not in naive:
            naive[hour] = [p, p, p, p, 0.0, 0.0]
        bar = naive[hour]
        bar[1], bar[2], bar[3] = max(bar[1], p), min(bar[2], p), p
        bar[4] += v
        bar[5] += 1
    assert list(got.index.as_unit("ns").asi8 // 3_600_000_000_000) == sorted(naive)
    expect = np.array([naive[h] for h in sorted(naive)])
    np.testing.assert_array_equal(got[["open", "high", "low", "close"]].to_numpy(), expect[:, :4])
    np.testing.assert_allclose(got["volume_base"].to_numpy(), expect[:, 4], rtol=1e-12)
    np.testing.assert_array_equal(got["trades"].to_numpy(), expect[:, 5])


# ---------------------------------------------------------------------------------------------
# Recorded archives (riskkit.data.archives.record_binance_klines)
# ---------------------------------------------------------------------------------------------
def test_recorded_archive_builds_back_to_the_same_bars(
    bundled: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    from riskkit.data.archives import record_binance_klines

    bars = bundled["um"].loc["2024-01-30":"2024-02-02"]
    root = tmp_path / "recorded"
    zips = record_binance_klines(bars, root, symbol="BTCUSDT")
    assert [p.name for p in zips] == ["BTCUSDT-1h-2024-01.zip", "BTCUSDT-1h-2024-02.zip"]
    # byte-for-byte reproducible, so the checksums are too
    again = record_binance_klines(bars, tmp_path / "again", symbol="BTCUSDT")
    assert [p.read_bytes() for p in zips] == [p.read_bytes() for p in again]
    out = tmp_path / "out"
    result = rd.build(
        "binance", "BTCUSDT", "2024-01-01", "2024-02-29", interval="1h", out=out,
        base_url=root.as_uri(), progress=False,
    )  # fmt: skip
    assert result.failed == 0 and result.verified == 2
    got = rd.load_ohlcv(out, symbols="BTCUSDT")
    want = _ns(bars)
    pd.testing.assert_frame_equal(got[OHLC], want[OHLC], check_freq=False)
    np.testing.assert_allclose(got["volume_base"], want["volume_base"], rtol=1e-15)


def test_recorded_archive_refuses_bad_bars(tmp_path: Path) -> None:
    from riskkit.data.archives import record_binance_klines

    idx = pd.date_range("2024-01-01", periods=3, freq="h", tz="UTC")
    good = pd.DataFrame(
        {"open": 1.0, "high": 2.0, "low": 0.5, "close": 1.5, "volume_base": 1.0}, index=idx
    )
    with pytest.raises(ValueError, match="missing \\['volume_base'\\]"):
        record_binance_klines(good.drop(columns="volume_base"), tmp_path, symbol="BTCUSDT")
    with pytest.raises(ValueError, match="bars"):
        record_binance_klines(good.iloc[::-1], tmp_path, symbol="BTCUSDT")
    with pytest.raises(TypeError, match="tz-aware"):
        record_binance_klines(good.tz_localize(None), tmp_path, symbol="BTCUSDT")
    with pytest.raises(ValueError, match="market must be one of"):
        record_binance_klines(good, tmp_path, symbol="BTCUSDT", market="options")
