"""Tests for riskkit.data: registry, fetch-by-hash, fault paths, loaders and defect repairs.

Real-data tests read the offline mirror (``$RISKKIT_DATA_MIRROR``, else ``<repo>/../shared/data``)
through a session-scoped temporary cache, so they never touch the user's cache. Expected
values are the spot checks printed in the mirror's SOURCES.md table ("SOURCES.md" below),
which were read off the upstream files; tolerances are the rounding of the printed numbers.
Defect repairs are tested in isolation on the small synthetic files in ``tests/fixtures/``.
"""

from __future__ import annotations

import hashlib
import logging
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

import riskkit.data as rd
from riskkit.exceptions import (
    DataIntegrityError,
    DataQualityWarning,
    DataUnavailableError,
    UnknownDatasetError,
)

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


def _mirror() -> Path | None:
    env = os.environ.get("RISKKIT_DATA_MIRROR")
    if env and Path(env).is_dir():
        return Path(env)
    fallback = REPO.parent / "shared" / "data"
    return fallback if fallback.is_dir() else None


MIRROR = _mirror()
# In CI the mirror must be there: never skip silently (the tests then fail loudly).
needs_mirror = pytest.mark.skipif(
    MIRROR is None and not os.environ.get("CI"),
    reason="no data mirror: set RISKKIT_DATA_MIRROR to a folder with the registered files",
)

# Which loader call reads each dataset (the keys are the sidecar names in data/*.toml).
LOADERS: dict[str, Callable[[], pd.DataFrame]] = {
    "binance_spot_btcusdt_1d": lambda: rd.load_spot_ohlcv("BTCUSDT", "binance", "1d"),
    "binance_spot_ethusdt_1d": lambda: rd.load_spot_ohlcv("ETHUSDT", "binance", "1d"),
    "binance_spot_btcusdt_1h": lambda: rd.load_spot_ohlcv("BTCUSDT", "binance", "1h"),
    "bitstamp_btcusd_1d": lambda: rd.load_spot_ohlcv("BTCUSD", "bitstamp", "1d"),
    "binance_usdm_btcusdt_perp_1h": lambda: rd.load_perp_ohlcv("BTCUSDT", "binance", "1h"),
    "binance_usdm_btcusdt_perp_1d": lambda: rd.load_perp_ohlcv("BTCUSDT", "binance", "1d"),
    "binance_coinm_btcusd_perp_1h": lambda: rd.load_perp_ohlcv("BTCUSD_PERP", "binance", "1h"),
    "binance_btcusdt_funding": lambda: rd.load_funding("BTCUSDT", "binance"),
    "binance_ethusdt_funding": lambda: rd.load_funding("ETHUSDT", "binance"),
    "bitmex_xbtusd_funding": lambda: rd.load_funding("XBTUSD", "bitmex"),
    "coinglass_btc_open_interest": lambda: rd.load_open_interest("coinglass", "BTC"),
    "coinalyze_binance_coinm_open_interest": lambda: rd.load_open_interest("coinalyze", "BTC"),
    "coinglass_btc_liquidations_binance_4h": lambda: rd.load_liquidations("BTC", "binance", "4h"),
    "coinglass_eth_liquidations_binance_4h": lambda: rd.load_liquidations("ETH", "binance", "4h"),
    "coinglass_btc_liquidations_binance_bybit_okx_1h": lambda: rd.load_liquidations(
        "BTC", "binance+bybit+okx", "1h"
    ),
    "aave_v2_liquidations": rd.load_aave_v2_liquidations,
    "hyperliquid_btc_orderbook_depth": rd.load_orderbook_depth,
    "finra_margin_debt": rd.load_margin_debt,
    "sp500_shiller": rd.load_sp500,
    "vix": rd.load_vix,
}


# ---------------------------------------------------------------------------------------------
# Environment: a session cache seeded from the mirror
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def data_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    cache = tmp_path_factory.mktemp("riskkit-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("RISKKIT_DATA_DIR", str(cache))
        if MIRROR is not None:
            mp.setenv("RISKKIT_DATA_MIRROR", str(MIRROR))
        else:
            mp.delenv("RISKKIT_DATA_MIRROR", raising=False)
        yield cache


@pytest.fixture(scope="session")
def frames(data_env: Path) -> dict[str, pd.DataFrame]:
    """Loaded frames, each loaded once per session (the loaders are pure)."""

    class Lazy(dict[str, pd.DataFrame]):
        def __missing__(self, key: str) -> pd.DataFrame:
            self[key] = LOADERS[key]()
            return self[key]

    return Lazy()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fresh empty cache and no mirror (function scope)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("RISKKIT_DATA_DIR", str(cache))
    monkeypatch.delenv("RISKKIT_DATA_MIRROR", raising=False)
    return cache


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sel(frame: pd.DataFrame, column: str, label: str) -> pd.Series:
    """Rows of one column selected by a partial date string (always a Series)."""
    return cast(pd.Series, frame[column].loc[label])


def _at(frame: pd.DataFrame, when: str, column: str) -> float:
    """One value at a UTC timestamp."""
    return float(frame[column].loc[pd.Timestamp(when, tz="UTC")])


def _tidy_ok(frame: pd.DataFrame, *, unique: bool = True) -> None:
    idx = frame.index
    assert isinstance(idx, pd.DatetimeIndex)
    assert idx.name == "time"
    assert str(idx.tz) == "UTC"
    assert idx.is_monotonic_increasing
    if unique:
        assert idx.is_unique
    assert len(frame) > 0


# ---------------------------------------------------------------------------------------------
# Registry and sidecars
# ---------------------------------------------------------------------------------------------
def test_registry_has_23_files_and_every_file_has_one_dataset() -> None:
    registry = rd._registry()
    assert len(registry) == 23  # SOURCES.md lists 23 files
    owners: dict[str, list[str]] = {f: [] for f in registry}
    for name, meta in rd._sidecars().items():
        for f in meta["files"]:
            owners[f].append(name)
    assert all(len(v) == 1 for v in owners.values()), owners
    assert set(rd._sidecars()) == set(LOADERS)
    for sha, url in registry.values():
        assert len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)
        assert url.startswith("https://raw.githubusercontent.com/")


@needs_mirror
@pytest.mark.parametrize("filename", sorted(rd._registry()))
def test_registry_hash_matches_mirror(filename: str) -> None:
    assert MIRROR is not None
    sha, _ = rd._registry()[filename]
    assert _sha(MIRROR / filename) == sha


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_sidecar_provenance_complete(name: str) -> None:
    p = rd.provenance(name)
    for key in (
        "title",
        "source",
        "venue",
        "instrument",
        "frequency",
        "start",
        "end",
        "licence",
        "retrieved",
    ):
        assert p[key], key
    assert p["files"] and all(f["sha256"] and f["url"] and f["commit"] for f in p["files"])
    assert p["units"] and p["defects"]
    assert all(d["defect"] and d["repair"] for d in p["defects"])


def test_list_datasets_table() -> None:
    table = rd.list_datasets()
    assert list(table.index) == sorted(LOADERS)
    assert {"title", "frequency", "start", "end", "loader", "files"} <= set(table.columns)
    assert table.loc["coinglass_btc_open_interest", "files"] == 2


def test_unknown_dataset_lists_known_names() -> None:
    with pytest.raises(
        UnknownDatasetError, match=r"unknown dataset 'nope'.*binance_btcusdt_funding"
    ):
        rd.provenance("nope")
    with pytest.raises(UnknownDatasetError, match=r"unknown data file 'x.csv'.*cboe_vix_daily"):
        rd.fetch("x.csv")


def test_registry_location_prefers_wheel_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import riskkit

    pkg = tmp_path / "riskkit"
    (pkg / "_registry").mkdir(parents=True)
    (pkg / "_registry" / "registry.txt").write_text("# empty\n")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "registry.txt").write_text("")
    monkeypatch.setattr(riskkit, "__file__", str(pkg / "__init__.py"))
    assert rd._registry_dir() == pkg / "_registry"
    shutil.rmtree(pkg / "_registry")
    assert rd._registry_dir() == tmp_path / "data"


# ---------------------------------------------------------------------------------------------
# Fetch: cache, mirror, integrity and availability
# ---------------------------------------------------------------------------------------------
SMALL = "finra_margin_statistics_monthly_1997-01_2025-02.xlsx"


@needs_mirror
def test_fetch_seeds_from_mirror_then_hits_cache(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert MIRROR is not None
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(MIRROR))
    with caplog.at_level(logging.INFO, logger="riskkit.data"):
        path = rd.fetch(SMALL)
        assert path == isolated / SMALL
        assert "mirror" in caplog.text
        caplog.clear()
        assert rd.fetch(SMALL) == path
        assert "cache hit" in caplog.text
    assert _sha(path) == rd._registry()[SMALL][0]
    assert not list(isolated.glob("*.part"))


@needs_mirror
def test_mirror_hash_mismatch_raises_and_is_never_parsed(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert MIRROR is not None
    bad_mirror = tmp_path / "mirror"
    bad_mirror.mkdir()
    name = "cboe_vix_daily_1990-01-02_2026-07-23.csv"
    data = bytearray((MIRROR / name).read_bytes())
    data[100] ^= 0x01  # flip one bit
    (bad_mirror / name).write_bytes(bytes(data))
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(bad_mirror))

    def must_not_parse(path: Path) -> None:
        raise AssertionError("a file with a wrong hash was parsed")

    monkeypatch.setattr(rd, "_parse_vix", must_not_parse)
    expected = rd._registry()[name][0]
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(
        DataIntegrityError,
        match=rf"(?s){name}.*{expected}.*{actual}.*"
        rf"RISKKIT_DATA_MIRROR.*https://",
    ) as err:
        rd.load_vix()
    assert str(bad_mirror) in str(err.value)
    assert (bad_mirror / name).read_bytes() == bytes(data)  # mirror untouched
    assert not (isolated / name).exists()


@needs_mirror
def test_corrupt_cache_is_moved_aside_and_reseeded(
    isolated: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    assert MIRROR is not None
    isolated.mkdir(parents=True)
    junk = b"not the registered bytes\n"
    (isolated / SMALL).write_bytes(junk)
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(MIRROR))
    with (
        caplog.at_level(logging.WARNING, logger="riskkit.data"),
        pytest.warns(DataQualityWarning, match=r"(?s)had sha256 [0-9a-f]{64}, expected .*corrupt-"),
    ):
        path = rd.fetch(SMALL)
    assert _sha(path) == rd._registry()[SMALL][0]
    aside = list(isolated.glob(f"{SMALL}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == junk
    assert "moved aside" in caplog.text


def test_missing_file_without_network_raises_unavailable(
    isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pooch

    def offline(*args: object, **kwargs: object) -> str:
        raise requests.exceptions.ConnectionError("Name or service not known")

    monkeypatch.setattr(pooch, "retrieve", offline)
    _, url = rd._registry()[SMALL]
    with pytest.raises(
        DataUnavailableError,
        match=rf"(?s){SMALL}.*RISKKIT_DATA_MIRROR is not set"
        rf".*",
    ) as err:
        rd.fetch(SMALL)
    assert url in str(err.value) and str(isolated) in str(err.value)
    assert "dataset 'finra_margin_debt'" in str(err.value)
    assert isinstance(err.value.__cause__, requests.exceptions.ConnectionError)


def test_missing_file_with_empty_mirror_names_mirror_value(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pooch

    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(empty))

    def offline(*args: object, **kwargs: object) -> str:
        raise requests.exceptions.ConnectionError("unreachable")

    monkeypatch.setattr(pooch, "retrieve", offline)
    with pytest.raises(DataUnavailableError, match=r"RISKKIT_DATA_MIRROR is '.*empty-mirror'"):
        rd.load_margin_debt()


# ---------------------------------------------------------------------------------------------
# The command line on a fake registry (two datasets, three files) and a fake mirror, offline
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def fake_registry(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, bytes]:
    import pooch

    files = {"a1.csv": b"a,1\n", "a2.csv": b"a,2\n", "b.csv": b"b\n"}
    registry = {
        name: (hashlib.sha256(data).hexdigest(), f"https://example.invalid/{name}")
        for name, data in files.items()
    }
    sidecars = {"alpha": {"files": ["a1.csv", "a2.csv"]}, "beta": {"files": ["b.csv"]}}
    monkeypatch.setattr(rd, "_registry", lambda: registry)
    monkeypatch.setattr(rd, "_sidecars", lambda: sidecars)
    mirror = tmp_path / "fake-mirror"
    mirror.mkdir()
    for name in ("a1.csv", "a2.csv"):  # b.csv is in no mirror
        (mirror / name).write_bytes(files[name])
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(mirror))

    def offline(*args: object, **kwargs: object) -> str:
        raise requests.exceptions.ConnectionError("Name or service not known")

    monkeypatch.setattr(pooch, "retrieve", offline)
    return files


def test_cli_fetch_takes_a_dataset_name(
    fake_registry: dict[str, bytes], isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rd._main(["fetch", "alpha"]) == 0
    out = capsys.readouterr().out
    assert "a1.csv: copied from mirror\na2.csv: copied from mirror\n" in out
    assert "b.csv" not in out and "2 of 2 data files verified" in out
    assert rd._main(["fetch", "alpha", "a1.csv"]) == 0  # a file name too; no duplicates
    out = capsys.readouterr().out
    assert out.count("a1.csv: verified") == 1 and "a2.csv: verified" in out


def test_cli_fetch_all_goes_on_past_failures_and_summarises(
    fake_registry: dict[str, bytes], isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rd._main(["fetch", "--all"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[1:3] == ["a1.csv: copied from mirror", "a2.csv: copied from mirror"]
    assert lines[3].startswith("b.csv: FAILED: ") and "ConnectionError" in lines[3]
    assert "fake-mirror" in lines[3] and "Traceback" not in captured.out + captured.err
    assert lines[-1].startswith("2 of 3 data files verified") and lines[-1].endswith("1 FAILED")


def test_cli_unknown_name_fails_with_a_hint(
    fake_registry: dict[str, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    assert rd._main(["fetch", "gamma", "beta"]) == 1
    out = capsys.readouterr().out
    assert "gamma: FAILED: not a dataset nor a registered file name" in out
    assert "python -m riskkit.data list" in out and "b.csv: FAILED" in out


def test_cli_corrupt_cache_says_hash_mismatch_and_where_it_went(
    fake_registry: dict[str, bytes],
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("RISKKIT_DATA_MIRROR")
    isolated.mkdir(parents=True)
    (isolated / "b.csv").write_bytes(b"junk")
    expected = hashlib.sha256(fake_registry["b.csv"]).hexdigest()
    actual = hashlib.sha256(b"junk").hexdigest()
    assert rd._main(["fetch", "beta"]) == 1
    out = capsys.readouterr().out
    (aside,) = isolated.glob("b.csv.corrupt-*")
    assert (
        f"b.csv: FAILED: the cached copy of b.csv had sha256 {actual}, expected {expected}" in out
    )
    assert f"moved aside to {aside}" in out
    assert "RISKKIT_DATA_MIRROR is not set: set it to a folder" in out
    assert "retry with network access" in out and "None" not in out
    with pytest.raises(DataUnavailableError, match=r"not in the cache"):
        rd.fetch("b.csv")  # the corrupt copy is gone now: a plain miss


def test_cli_repaired_cache_is_reported(
    fake_registry: dict[str, bytes], isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    isolated.mkdir(parents=True)
    (isolated / "a1.csv").write_bytes(b"junk")
    assert rd._main(["fetch", "a1.csv"]) == 0
    out = capsys.readouterr().out
    assert "a1.csv: copied from mirror (the cached copy of a1.csv had sha256" in out
    assert (isolated / "a1.csv").read_bytes() == fake_registry["a1.csv"]


@pytest.mark.network
@pytest.mark.skipif(
    os.environ.get("RISKKIT_NETWORK_TESTS") != "1",
    reason="network test; set RISKKIT_NETWORK_TESTS=1 to run",
)
def test_download_from_upstream(isolated: Path) -> None:
    path = rd.fetch(SMALL)
    assert _sha(path) == rd._registry()[SMALL][0]


# ---------------------------------------------------------------------------------------------
# Every dataset: tidy frame, units and provenance in attrs
# ---------------------------------------------------------------------------------------------
@needs_mirror
@pytest.mark.parametrize("name", sorted(LOADERS))
def test_loader_returns_tidy_frame(name: str, frames: dict[str, pd.DataFrame]) -> None:
    frame = frames[name]
    _tidy_ok(frame, unique=name != "aave_v2_liquidations")  # events can share a block second
    text = {"collateral_symbol", "principal_symbol", "user", "liquidator", "no_trades"}
    text |= {"low_suspect"}
    for col in frame.columns:
        if col not in text:
            assert frame[col].dtype == np.float64, col
    assert frame.attrs["dataset"] == name
    assert set(frame.attrs["units"]) == set(frame.columns)
    assert all(frame.attrs["units"].values())
    prov = frame.attrs["provenance"]
    assert [f["file"] for f in prov["files"]] == rd._sidecar(name)["files"]
    assert all(len(f["sha256"]) == 64 for f in prov["files"])
    assert isinstance(frame.attrs["repairs"], list)


# ---------------------------------------------------------------------------------------------
# Spot checks against SOURCES.md
# ---------------------------------------------------------------------------------------------
@needs_mirror
def test_binance_spot_btc_daily(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_spot_btcusdt_1d"]
    assert len(f) == 3142  # SOURCES.md: 3,142 rows
    # SOURCES.md: 2020-03-12 L 4,410 C 4,800; 2021-05-19 L 30,000 C 36,690; 2021-11-10 H 69,000;
    # 2022-11-09 L 15,588 C 15,923; 2024-08-05 L 49,000 C 54,019; 2025-10-06 H 126,199.63;
    # 2025-10-10 L 102,000 C 112,774.5 (vol 64,172 BTC).
    checks = [
        ("2020-03-12", "low", 4410),
        ("2020-03-12", "close", 4800),
        ("2021-05-19", "low", 30000),
        ("2021-05-19", "close", 36690),
        ("2021-11-10", "high", 69000),
        ("2022-05-12", "low", 26700),
        ("2022-11-09", "low", 15588),
        ("2022-11-09", "close", 15923),
        ("2024-08-05", "low", 49000),
        ("2024-08-05", "close", 54019),
        ("2025-10-06", "high", 126199.63),
        ("2025-10-10", "low", 102000),
        ("2025-10-10", "close", 112774.5),
        ("2025-10-10", "volume_base", 64172),
    ]
    for day, col, value in checks:
        assert _at(f, day, col) == pytest.approx(value, abs=1.0), (day, col)
    ratio = f["volume_quote"] / (f["volume_base"] * f["close"])
    assert ratio.median() == pytest.approx(1.0, abs=0.01)  # quote = base x price (mapping check)


@needs_mirror
def test_binance_spot_eth_daily(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_spot_ethusdt_1d"]
    # SOURCES.md: 2020-03-12 L 101.20 C 107.82; 2021-05-19 L 1,888; 2022-11-09 L 1,073.53;
    # 2024-08-05 L 2,111; 2025-10-10 L 3,435 C 3,829.72.
    for day, col, value in [
        ("2020-03-12", "low", 101.20),
        ("2020-03-12", "close", 107.82),
        ("2021-05-19", "low", 1888),
        ("2022-11-09", "low", 1073.53),
        ("2024-08-05", "low", 2111),
        ("2025-10-10", "low", 3435),
        ("2025-10-10", "close", 3829.72),
    ]:
        assert _at(f, day, col) == pytest.approx(value, abs=0.01)


@needs_mirror
def test_binance_spot_btc_hourly(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_spot_btcusdt_1h"]
    assert len(f) == 33413  # SOURCES.md: 33,413 unique hours
    bar = f.loc[pd.Timestamp("2020-03-12 23:00", tz="UTC")]
    # SOURCES.md: 2020-03-12 23:00 bar O 5,802.70 L 4,410 C 4,800.
    assert (bar["open"], bar["low"], bar["close"]) == pytest.approx((5802.70, 4410, 4800))
    # SOURCES.md: lowest low of 2020 at 2020-03-13 02:00, 3,782.13.
    y2020 = _sel(f, "low", "2020")
    assert y2020.idxmin() == pd.Timestamp("2020-03-13 02:00", tz="UTC")
    assert y2020.min() == pytest.approx(3782.13)
    # SOURCES.md: 16 missing hours between the first and last bar.
    full = pd.date_range(f.index[0], f.index[-1], freq="h")
    assert len(full) - len(f) == 16
    # Bad first open (16,199.91) repaired to NaN; low and close kept.
    first = f.iloc[0]
    assert np.isnan(first["open"]) and np.isnan(first["high"])
    assert first["close"] == pytest.approx(4308.83)


@needs_mirror
def test_bitstamp_daily(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["bitstamp_btcusd_1d"]
    # SOURCES.md: 2015-01-14 L 152.40; 2017-12-17 H 19,666; 2020-03-12 L 4,776.59 C 4,841.67;
    # 2021-11-10 H 69,000; 2022-11-09 L 15,632; 2024-08-05 L 49,577; 2025-10-06 H 126,272;
    # 2025-10-10 L 109,683 C 112,996.
    for day, col, value in [
        ("2015-01-14", "low", 152.40),
        ("2017-12-17", "high", 19666),
        ("2020-03-12", "low", 4776.59),
        ("2020-03-12", "close", 4841.67),
        ("2021-11-10", "high", 69000),
        ("2022-11-09", "low", 15632),
        ("2024-08-05", "low", 49577),
        ("2025-10-06", "high", 126272),
        ("2025-10-10", "low", 109683),
        ("2025-10-10", "close", 112996),
    ]:
        assert _at(f, day, col) == pytest.approx(value, abs=0.01)
    # Partial last day 2025-11-27 dropped.
    assert f.index[-1] == pd.Timestamp("2025-11-26", tz="UTC")
    # Swapped volumes repaired: Volume USD / (Volume BTC x close) ~ 1 before and after 2018-02-28
    # (SOURCES.md: exactly 1.0 from 2018-02-28; before it the daily close stands in for VWAP).
    traded = f[~f["no_trades"]]
    ratio = traded["volume_quote"] / (traded["volume_base"] * traded["close"])
    early = traded.index < pd.Timestamp("2018-02-28", tz="UTC")
    assert ratio[~early].to_numpy() == pytest.approx(1.0, abs=1e-6)
    assert ratio[early].median() == pytest.approx(1.0, abs=0.01)
    assert ratio[early].between(0.7, 1.3).all()
    # Outage rows flagged, prices not invented (left at the printed 276.8).
    outage = f.loc["2015-01-06":"2015-01-11"]
    assert outage["no_trades"].all() and len(outage) == 6
    assert (outage["close"] == 276.8).all()
    # The 2025-10-10 low misses the crash wick: flagged, not repaired (issue 14).
    assert f["low_suspect"].sum() == 1 and bool(f["low_suspect"].loc["2025-10-10"].all())
    assert _at(f, "2025-10-10", "low") == 109683


@needs_mirror
def test_bitstamp_crash_lows_agree_with_a_second_source_unless_flagged(
    frames: dict[str, pd.DataFrame],
) -> None:
    # every crash day of the catalogue that both venues cover, against Binance spot: the flagged
    # 2025-10-10 bar is the only one more than 5 % off (a missing wick), the rest are real
    from riskkit.crashes import event_moves

    bitstamp = event_moves(frames["bitstamp_btcusd_1d"])
    binance = event_moves(frames["binance_spot_btcusdt_1d"])
    both = bitstamp.index.intersection(binance.index)
    assert len(both) >= 6
    gap = (bitstamp.loc[both, "low"] / binance.loc[both, "low"] - 1).abs()
    assert set(gap.index[gap > 0.05]) == {"2025-10-10"}
    # and the perpetual, on the same day, agrees with Binance spot within 0.5 %
    perp = frames["binance_usdm_btcusdt_perp_1h"]
    perp_low = perp.loc["2025-10-10", "low"].min()
    spot_low = _at(frames["binance_spot_btcusdt_1d"], "2025-10-10", "low")
    assert abs(perp_low / spot_low - 1) < 0.005


@needs_mirror
def test_usdm_perp_hourly(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_usdm_btcusdt_perp_1h"]
    assert len(f) == 28890  # SOURCES.md: 28,890 rows, no gaps
    assert (f.index.to_series().diff().dropna() == pd.Timedelta("1h")).all()
    bar = f.loc[pd.Timestamp("2025-10-10 21:00", tz="UTC")]
    # SOURCES.md: 21:00 bar O 114,200.4 L 101,516.5 C 113,253.6, volume 131,850 BTC.
    assert (bar["open"], bar["low"], bar["close"]) == pytest.approx((114200.4, 101516.5, 113253.6))
    assert bar["volume_base"] == pytest.approx(131850, abs=1)
    # SOURCES.md: 2024-08-05 06:00 L 48,888; 2025-10-06 H 126,208.5.
    assert _at(f, "2024-08-05 06:00", "low") == pytest.approx(48888)
    assert _sel(f, "high", "2025-10-06").max() == pytest.approx(126208.5)
    assert f.attrs["contract"] == "linear"
    assert f["volume_quote"].isna().all()  # not in the source, not estimated


@needs_mirror
def test_usdm_perp_daily(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_usdm_btcusdt_perp_1d"]
    # SOURCES.md: 2020-03-12 L 4,347 C 4,764.65; 2021-05-19 L 28,688; 2022-11-09 L 15,462.6;
    # 2024-08-05 L 48,888 C 54,003.1.
    for day, col, value in [
        ("2020-03-12", "low", 4347),
        ("2020-03-12", "close", 4764.65),
        ("2021-05-19", "low", 28688),
        ("2022-11-09", "low", 15462.6),
        ("2024-08-05", "low", 48888),
        ("2024-08-05", "close", 54003.1),
    ]:
        assert _at(f, day, col) == pytest.approx(value, abs=0.01)
    # Swapped labels: SOURCES.md 2024-08-08 volumes 470,118 (BTC) and 27.56 bn (USDT).
    last = f.loc[pd.Timestamp("2024-08-08", tz="UTC")]
    assert last["volume_base"] == pytest.approx(470118, abs=1)
    assert last["volume_quote"] == pytest.approx(27.56e9, rel=1e-3)
    assert (f["volume_quote"] / (f["volume_base"] * f["close"])).median() == pytest.approx(
        1, abs=0.01
    )
    # SOURCES.md: missing days 2022-06-09 and 2022-08-10.
    missing = pd.date_range(f.index[0], f.index[-1], freq="D").difference(pd.DatetimeIndex(f.index))
    assert [str(d.date()) for d in missing] == ["2022-06-09", "2022-08-10"]


@needs_mirror
def test_coinm_perp_hourly(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_coinm_btcusd_perp_1h"]
    assert len(f) == 34724  # SOURCES.md: 34,724 rows
    daily = f.resample("1D").agg({"low": "min", "close": "last"})
    # SOURCES.md daily lows from hourly bars: 2021-05-19 27,244; 2022-05-12 25,174.8;
    # 2022-11-09 15,465.7; 2024-08-05 48,794.7 (close 54,014.6).
    for day, value in [
        ("2021-05-19", 27244),
        ("2022-05-12", 25174.8),
        ("2022-11-09", 15465.7),
        ("2024-08-05", 48794.7),
    ]:
        assert _at(daily, day, "low") == pytest.approx(value, abs=0.05)
    assert _at(daily, "2024-08-05", "close") == pytest.approx(54014.6)
    # Inverse contract: volume_quote (USD = contracts x 100) / (volume_base x close) ~ 1.
    assert (f["volume_quote"] / (f["volume_base"] * f["close"])).median() == pytest.approx(
        1, abs=0.005
    )
    assert f.attrs["contract"] == "inverse" and f.attrs["contract_size"] == "100 USD"
    # SOURCES.md: 284 missing hours.
    assert len(pd.date_range(f.index[0], f.index[-1], freq="h")) - len(f) == 284


@needs_mirror
def test_bitmex_funding(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["bitmex_xbtusd_funding"]
    assert len(f) == 4866  # SOURCES.md
    # SOURCES.md: 2020-03-13 all three prints -0.00375; median 0.0001; 68% > 0; max +1.125%.
    assert _sel(f, "funding_rate", "2020-03-13").tolist() == [-0.00375] * 3
    assert f["funding_rate"].median() == pytest.approx(1e-4)
    assert (f["funding_rate"] > 0).mean() == pytest.approx(0.68, abs=0.005)
    assert f["funding_rate"].max() == pytest.approx(0.01125)
    # SOURCES.md: 22 daily-interval rows at the start, then 8 h.
    assert (f["interval_hours"].iloc[:22] == 24).all() and (
        f["interval_hours"].iloc[22:] == 8
    ).all()


@needs_mirror
def test_binance_btc_funding_stitched(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_btcusdt_funding"]
    # SOURCES.md: first print 2019-09-10 08:00 UTC; API ends 2025-12-29 16:00 UTC.
    assert f.index[0] == pd.Timestamp("2019-09-10 08:00", tz="UTC")
    assert f.index[-1] == pd.Timestamp("2025-12-29 16:00", tz="UTC")
    # After the Europe/London -> UTC fix there are no 7 h / 9 h steps left, and no gaps.
    steps = f.index.to_series().diff().dropna().unique()
    assert list(steps) == [pd.Timedelta("8h")]
    # SOURCES.md: 2020-03-13 08:00 -0.3000%; +0.3000% cap on 2020-02-12; 2021-11-10 prints
    # 0.038%/0.068%/0.058% (rounded); FTX week 2022-11-10 00:00 -0.119%, 08:00 -0.112%.
    assert _at(f, "2020-03-13 08:00", "funding_rate") == pytest.approx(-0.003)
    assert _sel(f, "funding_rate", "2020-02-12").max() == pytest.approx(0.003)
    nov10 = sorted(round(float(x), 5) for x in _sel(f, "funding_rate", "2021-11-10"))
    assert nov10 == pytest.approx([0.00038, 0.00058, 0.00068], abs=1e-5)
    assert _at(f, "2022-11-10 00:00", "funding_rate") == pytest.approx(-0.00119, abs=5e-6)
    assert _at(f, "2022-11-10 08:00", "funding_rate") == pytest.approx(-0.00112, abs=5e-6)
    assert f.loc["2022":"2025", "funding_rate"].idxmin() == pd.Timestamp("2022-11-10", tz="UTC")


@needs_mirror
def test_binance_funding_export_and_api_agree_on_overlap(data_env: Path) -> None:
    files = rd._sidecar("binance_btcusdt_funding")["files"]
    export, _ = rd._parse_binance_funding_export(rd.fetch(files[0]))
    api, _ = rd._parse_binance_funding_api(rd.fetch(files[1]))
    both = export.merge(api, left_index=True, right_index=True, suffixes=("_export", ""))
    # Every 8-hourly slot from the first API print to the last export print overlaps.
    grid = pd.date_range(api.index[0], export.index[-1], freq="8h")
    assert both.index.equals(grid)
    diff = (both["funding_rate_export"] - both["funding_rate"]).abs().max()
    # SOURCES.md: they agree to 1e-8 (one unit of the export's last printed digit, 0.000001%);
    # 1e-15 allows for binary rounding of the decimal strings.
    assert diff <= 1e-8 + 1e-15
    # Without the timezone fix they would not line up: summer prints sit 1 h off the grid.
    local = pd.DatetimeIndex(export.index).tz_convert("Europe/London")
    naive = local.tz_localize(None).tz_localize("UTC")
    assert len(naive.intersection(pd.DatetimeIndex(api.index))) < 0.7 * len(grid)


@needs_mirror
def test_binance_eth_funding(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["binance_ethusdt_funding"]
    assert len(f) == 4377  # SOURCES.md: 4,377 records, no gaps
    assert list(f.index.to_series().diff().dropna().unique()) == [pd.Timedelta("8h")]
    # SOURCES.md: median 0.00677%, 84.1% > 0, min -0.302%; 2022-11-09/10 between -0.060% and
    # -0.012%.
    assert f["funding_rate"].median() == pytest.approx(6.77e-5, abs=5e-8)
    assert (f["funding_rate"] > 0).mean() == pytest.approx(0.841, abs=0.0005)
    assert f["funding_rate"].min() == pytest.approx(-0.00302, abs=5e-6)
    ftx = f.loc["2022-11-09":"2022-11-10", "funding_rate"]
    assert ftx.min() == pytest.approx(-0.00060, abs=5e-6)
    assert ftx.max() == pytest.approx(-0.00012, abs=5e-6)


@needs_mirror
def test_coinglass_open_interest(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["coinglass_btc_open_interest"]
    assert (f.index.to_series().diff().dropna() == pd.Timedelta("4h")).all()  # no gaps
    # SOURCES.md: 2025-10-10 86.98 bn at the 12:00-bar close, 70.51 bn at the 2025-10-11 00:00
    # open; closes range 45.7 .. 95.3 bn over both files.
    assert _at(f, "2025-10-10 12:00", "open_interest_usd") / 1e9 == pytest.approx(86.98, abs=0.005)
    opened = _at(f, "2025-10-11 00:00", "open_interest_usd_open")
    assert opened / 1e9 == pytest.approx(70.51, abs=0.005)
    assert f["open_interest_usd"].min() / 1e9 == pytest.approx(45.7, abs=0.05)
    assert f["open_interest_usd"].max() / 1e9 == pytest.approx(95.3, abs=0.05)
    # Partial last bars dropped: the later file's last bar (2025-11-14 16:00) is gone.
    assert f.index[-1] == pd.Timestamp("2025-11-14 12:00", tz="UTC")


@needs_mirror
def test_coinalyze_open_interest(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["coinalyze_binance_coinm_open_interest"]
    # SOURCES.md: BTCUSD_PERP.A oi_close (USD m) 2022-11-07..10 452, 389, 348, 297;
    # 2024-08-04..06 1,644, 1,418, 1,402; 2025-10-09..11 2,566, 2,412, 2,411.
    for day, value in [
        ("2022-11-07", 452),
        ("2022-11-08", 389),
        ("2022-11-09", 348),
        ("2022-11-10", 297),
        ("2024-08-04", 1644),
        ("2024-08-05", 1418),
        ("2024-08-06", 1402),
        ("2025-10-09", 2566),
        ("2025-10-10", 2412),
        ("2025-10-11", 2411),
    ]:
        # abs=1: SOURCES.md prints whole millions (2024-08-04 reads 1,643.46 in the file).
        assert _at(f, day, "open_interest_usd") / 1e6 == pytest.approx(value, abs=1.0)
    # 1,503 rows in the file minus the partial last day (2025-10-26).
    assert len(f) == 1502 and f.index[-1] == pd.Timestamp("2025-10-25", tz="UTC")
    eth = rd.load_open_interest("coinalyze", "ETH")
    assert eth["open_interest_usd"].iloc[0] != f["open_interest_usd"].iloc[0]
    with pytest.raises(ValueError, match=r"symbol must be one of .*'BTC'.*got 'DOGEX'"):
        rd.load_open_interest("coinalyze", "DOGEX")


@needs_mirror
def test_liquidations_binance_btc_4h(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["coinglass_btc_liquidations_binance_4h"]
    daily = f.resample("1D").sum() / 1e6
    # SOURCES.md: 2025-02-03 long 69.9 m / short 29.9 m; 2025-02-25 long 76.5 m; 2024-12-19 long
    # 65.9 m; 2025-10-10 long 286.4 m, short 117.3 m; 2025-06-12 long 220.7 m.
    for day, col, value in [
        ("2025-02-03", "long", 69.9),
        ("2025-02-03", "short", 29.9),
        ("2025-02-25", "long", 76.5),
        ("2024-12-19", "long", 65.9),
        ("2025-10-10", "long", 286.4),
        ("2025-10-10", "short", 117.3),
        ("2025-06-12", "long", 220.7),
    ]:
        assert _at(daily, day, f"{col}_liquidations_usd") == pytest.approx(value, abs=0.05), (
            day,
            col,
        )
    np.testing.assert_allclose(
        f["total_liquidations_usd"], f["long_liquidations_usd"] + f["short_liquidations_usd"]
    )
    assert "lower bounds" in f.attrs["note"]
    # SOURCES.md: the 20:00 bar dominates 2025-10-10.
    assert pd.DatetimeIndex([_sel(f, "long_liquidations_usd", "2025-10-10").idxmax()]).hour[0] == 20


@needs_mirror
def test_liquidations_binance_eth_4h(frames: dict[str, pd.DataFrame]) -> None:
    daily = frames["coinglass_eth_liquidations_binance_4h"].resample("1D").sum() / 1e6
    # SOURCES.md: 2025-10-10 long 249.0 m, short 296.7 m.
    row = daily.loc[pd.Timestamp("2025-10-10", tz="UTC")]
    assert row["long_liquidations_usd"] == pytest.approx(249.0, abs=0.05)
    assert row["short_liquidations_usd"] == pytest.approx(296.7, abs=0.05)


@needs_mirror
def test_liquidations_three_exchanges_1h(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["coinglass_btc_liquidations_binance_bybit_okx_1h"]
    daily = f.resample("1D").sum() / 1e6
    # SOURCES.md: 2026-02-05 long 415.1 m / short 67.6 m; 2026-01-31 long 274.0 m;
    # 2026-02-06 140.0 / 128.7 m.
    for day, col, value in [
        ("2026-02-05", "long", 415.1),
        ("2026-02-05", "short", 67.6),
        ("2026-01-31", "long", 274.0),
        ("2026-02-06", "long", 140.0),
        ("2026-02-06", "short", 128.7),
    ]:
        assert _at(daily, day, f"{col}_liquidations_usd") == pytest.approx(value, abs=0.05)
    assert len(f) == 4319  # 4,320 rows minus the partial (all-zero) last bar
    np.testing.assert_allclose(
        f["total_liquidations_usd"],
        f["long_liquidations_usd"] + f["short_liquidations_usd"],
        rtol=1e-9,
    )


@needs_mirror
def test_aave_v2_liquidations(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["aave_v2_liquidations"]
    assert len(f) == 11497 - 7  # SOURCES.md: 11,497 rows with 7 exact duplicates
    # SOURCES.md: 679 events on 2021-05-19; collateral mostly WETH, LINK, WBTC.
    days = pd.DatetimeIndex(f.index).normalize()
    assert (days == pd.Timestamp("2021-05-19", tz="UTC")).sum() == 679
    assert list(f["collateral_symbol"].value_counts().index[:3]) == ["WETH", "LINK", "WBTC"]
    # Unit repair: the typical seized collateral value is of the same order before (raw units)
    # and after (decimal-adjusted) 2021-09; unrepaired, raw WETH amounts are ~1e18 too large.
    before = f.loc[:"2021-08-31", "collateral_usd"].median()
    after = f.loc["2021-10-01":, "collateral_usd"].median()
    assert 1 / 5 < before / after < 5
    assert f["collateral_amount"].max() < 1e9


@needs_mirror
def test_orderbook_depth(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["hyperliquid_btc_orderbook_depth"]
    assert len(f) == 2734  # SOURCES.md: 2,734 lines
    # SOURCES.md: median depth 3.42 m USD; 2025-10-10/11 depth 14.95 m -> 2.78 m, mid
    # 121,654 -> 112,740.
    assert f["depth_50bps_usd"].median() / 1e6 == pytest.approx(3.42, abs=0.005)
    window = f.loc["2025-10-10":"2025-10-11"]
    assert window["depth_50bps_usd"].iloc[0] / 1e6 == pytest.approx(14.95, abs=0.005)
    assert window["depth_50bps_usd"].min() / 1e6 == pytest.approx(2.78, abs=0.005)
    assert window["mid_price"].iloc[0] == pytest.approx(121654, abs=1)
    at_min = int(np.argmin(window["depth_50bps_usd"].to_numpy()))
    assert window["mid_price"].iloc[at_min] == pytest.approx(112740, abs=1)


@needs_mirror
def test_finra_margin_debt(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["finra_margin_debt"]
    assert len(f) == 338  # SOURCES.md: 338 months, 1997-01 .. 2025-02, no missing months
    assert f.index.equals(pd.date_range("1997-01-01", "2025-02-01", freq="MS", tz="UTC"))
    # SOURCES.md: 2000-03 299,933; 2007-07 416,403; 2009-02 199,655; 2021-10 935,862;
    # 2022-12 606,659; 2025-01 937,253 (USD millions).
    for month, value in [
        ("2000-03", 299933),
        ("2007-07", 416403),
        ("2009-02", 199655),
        ("2021-10", 935862),
        ("2022-12", 606659),
        ("2025-01", 937253),
    ]:
        assert _at(f, month, "margin_debt_musd") == value
    assert f["free_credit_margin_musd"].first_valid_index() == pd.Timestamp("2010-02", tz="UTC")


@needs_mirror
def test_sp500_shiller(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["sp500_shiller"]
    assert len(f) == 1866  # SOURCES.md
    # SOURCES.md: 1929-09 31.30; 1932-06 4.77; 2000-08 1,485.46; 2009-03 757.13; 2021-12
    # 4,674.77; 2025-10 6,735.69.
    for month, value in [
        ("1929-09", 31.30),
        ("1932-06", 4.77),
        ("2000-08", 1485.46),
        ("2009-03", 757.13),
        ("2021-12", 4674.77),
        ("2025-10", 6735.69),
    ]:
        assert _at(f, month, "sp500") == pytest.approx(value, abs=0.005)
    # Zeros after the Shiller series ends are missing, not zero (last CPI 2023-09).
    assert f["cpi"].last_valid_index() == pd.Timestamp("2023-09-01", tz="UTC")
    fundamentals = f.drop(columns="sp500")
    assert not (fundamentals == 0).any().any()
    assert _sel(f, "earnings", "2026-06").isna().all()
    assert f["long_interest_rate"].max() < 0.2  # a fraction, not percent


@needs_mirror
def test_vix(frames: dict[str, pd.DataFrame]) -> None:
    f = frames["vix"]
    assert len(f) == 9235  # SOURCES.md
    # SOURCES.md: close 2008-11-20 80.86; 2020-03-16 82.69; 2024-08-05 close 38.57, high 65.73;
    # 2025-04-08 52.33.
    for day, col, value in [
        ("2008-11-20", "close", 80.86),
        ("2020-03-16", "close", 82.69),
        ("2024-08-05", "close", 38.57),
        ("2024-08-05", "high", 65.73),
        ("2025-04-08", "close", 52.33),
    ]:
        assert _at(f, day, col) == pytest.approx(value, abs=0.005)
    early = f.loc["1990":"1991"]
    assert ((early["open"] == early["close"]) & (early["high"] == early["low"])).all()


# ---------------------------------------------------------------------------------------------
# Defect repairs on synthetic fixtures (each repair in isolation)
# ---------------------------------------------------------------------------------------------
def test_cdd_parser_banner_bom_order_units_duplicates() -> None:
    path = FIXTURES / "cdd_newest_first_banner_bom_mixed_units_duplicate.csv"
    frame, repairs = rd._parse_cdd_csv(path)
    # 5 data rows, one duplicated hour -> 4 unique hours, ascending, from 2020-08-01 22:00 UTC
    # (1596319200 s, by hand) to 2020-08-02 01:00 UTC (1596330000000 ms).
    assert list(frame.index) == list(
        pd.date_range("2020-08-01 22:00", periods=4, freq="h", tz="UTC")
    )
    # The duplicated 01:00 hour keeps the millisecond row (volume 3707.136801, 55,304 trades).
    last = frame.iloc[-1]
    assert last["volume btc"] == pytest.approx(3707.136801)
    assert last["tradecount"] == 55304
    assert np.isnan(frame.iloc[0]["tradecount"])  # 'NULL' -> NaN
    text = " ".join(repairs)
    for word in ("byte-order mark", "banner", "seconds", "duplicated", "newest-first"):
        assert word in text


def test_bad_first_open_set_to_nan() -> None:
    idx = pd.date_range("2017-08-17 04:00", periods=2, freq="h", tz="UTC", name="time")
    # SOURCES.md: first row 2017-08-17 04:00 has a bad open of 16,199.91 (= high).
    frame = pd.DataFrame(
        {
            "open": [16199.91, 4308.83],
            "high": [16199.91, 4328.69],
            "low": [4261.32, 4291.37],
            "close": [4308.83, 4315.32],
        },
        index=idx,
    )
    repairs: list[str] = []
    out = rd._repair_bad_first_open(frame, repairs)
    assert np.isnan(out.iloc[0]["open"]) and np.isnan(out.iloc[0]["high"])
    assert out.iloc[0]["low"] == 4261.32 and out.iloc[1]["open"] == 4308.83
    assert frame.iloc[0]["open"] == 16199.91  # input not mutated
    clean: list[str] = []
    assert rd._repair_bad_first_open(out.iloc[1:], clean).equals(out.iloc[1:]) and not clean


def test_bitstamp_repairs_on_synthetic_frame() -> None:
    idx = pd.date_range("2018-01-20", periods=40, freq="D", tz="UTC", name="time")
    close = np.full(40, 100.0)
    base = np.full(40, 10.0)
    quote = base * close
    # Swapped before 2018-02-28 (as upstream), outage row, partial last day.
    early = idx < pd.Timestamp("2018-02-28", tz="UTC")
    vb = np.where(early, quote, base)
    vq = np.where(early, base, quote)
    vb[3] = vq[3] = 0.0
    vb[-1], vq[-1] = 0.5, 50.0
    frame = pd.DataFrame(
        {
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "volume_base": vb,
            "volume_quote": vq,
        },
        index=idx,
    )
    repairs: list[str] = []
    out = rd._repair_bitstamp(frame, repairs)
    assert len(out) == 39  # partial last day dropped
    traded = out[~out["no_trades"]]
    np.testing.assert_allclose(
        traded["volume_quote"] / (traded["volume_base"] * traded["close"]), 1
    )
    assert out["no_trades"].sum() == 1 and out["no_trades"].iloc[3]
    assert out["close"].iloc[3] == 100.0  # price left as printed


def test_funding_export_dst_conversion() -> None:
    frame, repairs = rd._parse_binance_funding_export(FIXTURES / "binance_funding_export_dst.csv")
    # By hand: Europe/London is UTC+0 in winter and UTC+1 in summer (changes 2021-03-28 01:00
    # UTC and 2021-10-31 01:00 UTC), so the local stamps map to 00/08/16 UTC.
    expected = pd.DatetimeIndex(
        [
            "2021-03-27 16:00",
            "2021-03-28 00:00",
            "2021-03-28 08:00",
            "2021-03-28 16:00",
            "2021-10-30 16:00",
            "2021-10-31 00:00",
            "2021-10-31 08:00",
            "2021-10-31 16:00",
        ],
        tz="UTC",
        name="time",
    )
    assert frame.index.equals(expected)
    # Percent strings -> fractions: '0.000100%' = 1e-6, '-0.300000%' = -0.003.
    assert frame["funding_rate"].iloc[0] == pytest.approx(1e-6)
    assert frame["funding_rate"].iloc[1] == pytest.approx(-0.003)
    assert _at(frame, "2021-10-31 00:00", "funding_rate") == pytest.approx(0.00012345)
    assert (frame["interval_hours"] == 8).all()
    assert any("Europe/London" in r for r in repairs)
    # The 7 h and 9 h local steps vanish within each DST window.
    for day in ("2021-03-28", "2021-10-31"):
        window = frame.loc[
            pd.Timestamp(day, tz="UTC") - pd.Timedelta("8h") : pd.Timestamp(day, tz="UTC")
            + pd.Timedelta("16h")
        ]
        assert (window.index.to_series().diff().dropna() == pd.Timedelta("8h")).all()


def test_funding_api_jitter_rounded() -> None:
    frame, repairs = rd._parse_binance_funding_api(FIXTURES / "binance_funding_api_jitter.json")
    # 1640995200006 ms = 2022-01-01 00:00:00.006 UTC (by hand); ...799998 rounds up to 16:00.
    assert frame.index.equals(
        pd.date_range("2022-01-01", periods=3, freq="8h", tz="UTC", name="time")
    )
    assert frame["funding_rate"].tolist() == pytest.approx([1e-4, -0.00119, 4.826e-5])
    assert "3 funding times with ms jitter" in repairs[0]


def test_bitmex_interval_offsets() -> None:
    frame, _ = rd._parse_bitmex_funding(FIXTURES / "bitmex_funding.csv")
    assert frame["interval_hours"].tolist() == [24.0, 8.0, 8.0]
    assert frame["funding_rate"].tolist() == pytest.approx([6.9e-4, -0.00375, 1e-4])


def test_coinglass_snapshots_merge_later_wins(tmp_path: Path) -> None:
    t0 = 1_700_000_000_000
    step = 4 * 3600 * 1000
    early = pd.DataFrame(
        {
            "time": [t0 + i * step for i in range(4)],
            "aggregated_long_liquidation_usd": [1.0, 2.0, 3.0, 0.1],
            "aggregated_short_liquidation_usd": [1.0, 1.0, 1.0, 0.1],
        }
    )
    late = pd.DataFrame(
        {
            "time": [t0 + i * step for i in range(2, 6)],
            "aggregated_long_liquidation_usd": [30.0, 40.0, 50.0, 0.2],
            "aggregated_short_liquidation_usd": [3.0, 4.0, 5.0, 0.2],
        }
    )
    early.to_parquet(tmp_path / "a.parquet")
    late.to_parquet(tmp_path / "b.parquet")
    parts = [
        rd._parse_coinglass_parquet(tmp_path / n, rd._LIQ_COLUMNS)[0]
        for n in ("a.parquet", "b.parquet")
    ]
    merged = rd._merge_snapshots(parts)
    # Each snapshot's partial last bar is dropped; bars 2..3 come from the later file.
    assert merged["long_liquidations_usd"].tolist() == [1.0, 2.0, 30.0, 40.0, 50.0]
    assert merged.index.is_monotonic_increasing and merged.index.is_unique


def test_coinglass_hourly_csv_partial_bar() -> None:
    frame, _ = rd._parse_coinglass_liquidations_csv(
        FIXTURES / "coinglass_liquidations_1h_small.csv"
    )
    assert len(frame) == 2 and frame["total_liquidations_usd"].iloc[0] == 30


def test_coinalyze_symbol_and_partial_bar() -> None:
    frame, _ = rd._parse_coinalyze_oi(FIXTURES / "coinalyze_small.csv", "BTC")
    assert frame["open_interest_usd"].tolist() == [1.1e9, 1.2e9]
    eth, _ = rd._parse_coinalyze_oi(FIXTURES / "coinalyze_small.csv", "ETH")
    assert eth["open_interest_usd"].tolist() == [5.5e8]


def test_aave_duplicates_units_and_sorting() -> None:
    frame, repairs = rd._parse_aave_liquidations(FIXTURES / "aave_v2_small.csv")
    assert len(frame) == 3 and frame.index.is_monotonic_increasing
    # By hand: raw 2e18 wei = 2 WETH at 2,500 USD = 5,000 USD; raw 4e9 USDC units (6 decimals) =
    # 4,000 USDC; raw 1.5e8 WBTC units (8 decimals) = 1.5 WBTC; 3e22 DAI units = 30,000 DAI.
    weth = frame[frame["user"] == "0xuser2"].iloc[0]
    assert weth["collateral_amount"] == pytest.approx(2.0)
    assert weth["collateral_usd"] == pytest.approx(5000.0)
    assert weth["principal_amount"] == pytest.approx(4000.0)
    wbtc = frame[frame["user"] == "0xuser3"].iloc[0]
    assert wbtc["collateral_amount"] == pytest.approx(1.5)
    assert wbtc["principal_amount"] == pytest.approx(30000.0)
    assert np.isnan(wbtc["collateral_usd"])  # price missing upstream: stays missing
    adj = frame[frame["user"] == "0xuser1"].iloc[0]
    assert adj["collateral_amount"] == pytest.approx(0.3828412435533246)  # already whole tokens
    assert any("1 exact duplicate" in r for r in repairs)


def test_shiller_zeros_become_nan() -> None:
    frame, _ = rd._parse_shiller(FIXTURES / "shiller_small.csv")
    assert np.isnan(_sel(frame, "cape", "1871-01").item())  # PE10 undefined in the first decade
    assert frame.loc["2026-06"].drop(columns="sp500").isna().all().all()
    assert _sel(frame, "sp500", "2026-06").item() == 7450.03
    assert _sel(frame, "long_interest_rate", "2023-09").item() == pytest.approx(0.0438)


def test_hyperliquid_sorted() -> None:
    frame, _ = rd._parse_hyperliquid_depth(FIXTURES / "hyperliquid_depth_unsorted.jsonl")
    assert frame.index.is_monotonic_increasing
    assert frame["mid_price"].tolist() == [121654.5, 112740.5]


# ---------------------------------------------------------------------------------------------
# Argument validation
# ---------------------------------------------------------------------------------------------
def test_unregistered_combinations_list_available() -> None:
    with pytest.raises(ValueError, match=r"no registered dataset.*available: .*BTCUSDT"):
        rd.load_spot_ohlcv("ETHUSDT", "binance", "1h")
    with pytest.raises(ValueError, match=r"BTCUSD_PERP"):
        rd.load_perp_ohlcv("BTCUSDT", "binance", "4h")
    with pytest.raises(ValueError, match=r"XBTUSD"):
        rd.load_funding("XBTUSD", "binance")
    with pytest.raises(ValueError, match=r"binance\+bybit\+okx"):
        rd.load_liquidations("ETH", "binance+bybit+okx", "1h")
    with pytest.raises(ValueError, match=r"source must be one of \('coinalyze', 'coinglass'\)"):
        rd.load_open_interest("glassnode")


# ---------------------------------------------------------------------------------------------
# Crash events
# ---------------------------------------------------------------------------------------------
def test_events_catalogue() -> None:
    keys = [e.key for e in rd.EVENTS]
    assert keys == [
        "2020-03-12",
        "2021-05-19",
        "2022-05-luna",
        "2022-11-ftx",
        "2024-08-05",
        "2025-10-10",
    ]
    for e in rd.EVENTS:
        assert e.start <= e.end and str(e.start.tz) == "UTC"
        assert e.source and e.description
    # Brief: LUNA 2022-05-07..13, FTX 2022-11-06..11.
    assert (rd.event("2022-05-luna").start, rd.event("2022-05-luna").end) == (
        pd.Timestamp("2022-05-07", tz="UTC"),
        pd.Timestamp("2022-05-13", tz="UTC"),
    )
    assert rd.event("2022-11-ftx").end == pd.Timestamp("2022-11-11", tz="UTC")
    with pytest.raises(ValueError, match=r"key must be one of .*got '1987-10-19'"):
        rd.event("1987-10-19")
    frame = rd.events_frame()
    assert list(frame.index) == keys and {"name", "start", "end", "source"} <= set(frame.columns)
    with pytest.raises(AttributeError):
        rd.EVENTS[0].key = "x"  # type: ignore[misc]


@needs_mirror
def test_events_visible_in_data(frames: dict[str, pd.DataFrame]) -> None:
    """Each event window holds a large daily drop in Binance spot BTCUSDT (low / prior close)."""
    daily = frames["binance_spot_btcusdt_1d"]
    drawdown = daily["low"] / daily["close"].shift(1) - 1
    for e in rd.EVENTS:
        assert drawdown.loc[e.start : e.end].min() < -0.08, e.key


# ---------------------------------------------------------------------------------------------
# Property tests of the order / duplicate / timezone repairs
# ---------------------------------------------------------------------------------------------
_HOUR0 = 1_596_000_000 - 1_596_000_000 % 3600  # 2020-07-29 05:00 UTC, an hour boundary


@settings(max_examples=30, deadline=None)
@given(
    hours=st.lists(st.integers(0, 500), min_size=1, max_size=40, unique=True),
    dup_mask=st.lists(st.booleans(), min_size=40, max_size=40),
    seed=st.randoms(use_true_random=False),
)
def test_property_cdd_sorted_unique_ms_rows_win(
    hours: list[int], dup_mask: list[bool], seed: random.Random
) -> None:
    lines = []
    for i, h in enumerate(hours):
        t = _HOUR0 + 3600 * h
        lines.append(f"{t * 1000},x,BTC/USDT,{h}.0,{h}.0,{h}.0,{h}.0,1.0,{h}.0,7")
        if dup_mask[i]:  # an old-format (seconds) duplicate with different values
            lines.append(f"{t}.0,x,BTC/USDT,-1,-1,-1,-1,-1,-1,NULL")
    seed.shuffle(lines)
    header = "unix,date,symbol,open,high,low,close,Volume BTC,Volume USDT,tradecount\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_text(header + "\n".join(lines) + "\n")
        frame, _ = rd._parse_cdd_csv(path)
    expected = pd.to_datetime([_HOUR0 + 3600 * h for h in sorted(hours)], unit="s", utc=True)
    assert frame.index.equals(pd.DatetimeIndex(expected, name="time"))
    assert frame["close"].tolist() == [float(h) for h in sorted(hours)]  # ms rows kept


@settings(max_examples=40, deadline=None)
@given(start=st.integers(0, 3 * 5 * 365), n=st.integers(1, 60))
def test_property_london_export_round_trips_to_utc_grid(start: int, n: int) -> None:
    """Any run of 8-hourly UTC prints (2019-2024), written as Europe/London wall time as the
    Binance website does, parses back to the same UTC instants (by construction)."""
    utc = pd.date_range("2019-09-10 08:00", periods=n, freq="8h", tz="UTC") + pd.Timedelta(
        hours=8 * start
    )
    local = utc.tz_convert("Europe/London").strftime("%Y-%m-%d %H:%M:%S")
    body = "".join(f'"{t}","BTCUSDT Perpetual","8h","0.010000%"\n' for t in local[::-1])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.csv"
        path.write_bytes(
            b"\xef\xbb\xbf"
            + b'"Time","Contracts","Funding Interval","Funding Rate"\n'
            + body.encode()
        )
        frame, _ = rd._parse_binance_funding_export(path)
    assert frame.index.equals(pd.DatetimeIndex(utc, name="time"))
    assert frame["funding_rate"].tolist() == pytest.approx([1e-4] * n)


# ---------------------------------------------------------------------------------------------
# coverage() and the command line
# ---------------------------------------------------------------------------------------------
def test_coverage_reports_range_rows_and_source() -> None:
    idx = pd.date_range("2024-01-01", periods=48, freq="h", tz="UTC", name="time")
    f = pd.DataFrame({"close": np.arange(48.0)}, index=idx)
    f.attrs.update(dataset="demo", source="by hand")
    row = rd.coverage({"x": f}).loc["x"]
    assert (row["first"], row["last"], row["rows"]) == ("2024-01-01 00:00", "2024-01-02 23:00", 48)
    assert row["source"] == "by hand"
    with pytest.raises(TypeError, match=r"frames\['y'\] must be a DataFrame with a DatetimeIndex"):
        rd.coverage({"y": pd.DataFrame({"a": [1.0]})})


@needs_mirror
def test_cli_fetch_fills_cache(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert MIRROR is not None
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(MIRROR))
    name = "cboe_vix_daily_1990-01-02_2026-07-23.csv"
    assert rd._main(["fetch", name]) == 0
    assert _sha(isolated / name) == _sha(MIRROR / name)
