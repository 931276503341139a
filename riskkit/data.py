"""Registered real market data: fetch by hash, parse, repair, and return tidy frames.

Data policy
-----------
riskkit ships no market data. It ships a **registry** (``data/registry.txt`` in a source
checkout, ``riskkit/_registry/registry.txt`` in an installed wheel) with one line per file::

    filename  sha256  url

where ``url`` is the raw file at a pinned git commit of a public repository, and one
**provenance sidecar** per dataset (``<dataset>.toml``: source, venue, instrument, frequency,
range, units of every column, licence, retrieval date, known defects and how they are repaired,
upstream repository, commit and path). :func:`list_datasets` and :func:`provenance` read them.

Every file is verified against its sha256 **before** it is parsed. A file whose hash does not
match is never parsed: :class:`~riskkit.exceptions.DataIntegrityError` names the file, the
expected and actual hash, where the file is and what to do.

Where files come from (:func:`fetch`), in this order:

1. **Cache** -- ``$RISKKIT_DATA_DIR`` (default: ``pooch.os_cache("riskkit")``, e.g.
   ``~/.cache/riskkit`` on Linux). A cached file with the right hash is used as is. A cached
   file with the wrong hash is never kept silently and never deleted: it is renamed to
   ``<name>.corrupt-<UTC timestamp>`` (a warning is logged) and fetched again.
2. **Mirror** -- ``$RISKKIT_DATA_MIRROR`` (default: unset), a folder holding byte-exact copies
   (for offline machines and CI). The mirror copy's hash is checked, then it is copied into
   the cache (temporary name, then an atomic rename); the mirror is never modified.
3. **Download** -- otherwise :mod:`pooch` downloads the registered URL into the cache and checks
   the hash. Without network access this fails with one
   :class:`~riskkit.exceptions.DataUnavailableError` naming the file, ``RISKKIT_DATA_MIRROR``
   and its value, the cache folder and the URL.

Each step is logged on the ``riskkit.data`` logger (cache hit, mirror, download).

Loaders (``load_*``) return tidy :class:`pandas.DataFrame` objects: a UTC
:class:`~pandas.DatetimeIndex` named ``time``, sorted ascending, without duplicate timestamps,
float64 columns with the same names across venues. Units are in the docstrings and in
``frame.attrs["units"]``; provenance (dataset, source, venue, instrument, frequency, files
with sha256, URLs, licence) is in ``frame.attrs["provenance"]``; the defects of the upstream
file that were repaired, with counts, are in ``frame.attrs["repairs"]``. Routine repairs are
logged; a :class:`~riskkit.exceptions.DataQualityWarning` is emitted only where the user must
act. Parsers are pure functions of a path, so each repair can be tested on a small file.

Environment variables
---------------------
``RISKKIT_DATA_DIR``
    Cache folder (default ``pooch.os_cache("riskkit")``).
``RISKKIT_DATA_MIRROR``
    Folder with byte-exact copies of registered files (default: unset, i.e. download).

Crash events
------------
:data:`EVENTS` catalogues the crashes used throughout the book (2020-03-12 ... 2025-10-10);
:func:`event` looks one up by key and :func:`events_frame` returns them for chart annotations.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskkit._validation import check_option
from riskkit.exceptions import (
    DataIntegrityError,
    DataUnavailableError,
    UnknownDatasetError,
)

__all__ = [
    "EVENTS",
    "CrashEvent",
    "coverage",
    "event",
    "events_frame",
    "fetch",
    "list_datasets",
    "load_aave_v2_liquidations",
    "load_funding",
    "load_liquidations",
    "load_margin_debt",
    "load_open_interest",
    "load_orderbook_depth",
    "load_perp_ohlcv",
    "load_sp500",
    "load_spot_ohlcv",
    "load_vix",
    "provenance",
]

logger = logging.getLogger(__name__)

_ENV_CACHE = "RISKKIT_DATA_DIR"
_ENV_MIRROR = "RISKKIT_DATA_MIRROR"
_OHLCV = ["open", "high", "low", "close", "volume_base", "volume_quote"]


# --------------------------------------------------------------------------------------------
# Registry and sidecars
# --------------------------------------------------------------------------------------------
def _registry_dir() -> Path:
    """Folder holding ``registry.txt`` and the sidecars (wheel first, then source checkout)."""
    import riskkit

    here = Path(riskkit.__file__).parent
    for candidate in (here / "_registry", here.parent / "data"):
        if (candidate / "registry.txt").is_file():
            return candidate
    raise DataUnavailableError(
        f"riskkit's data registry was not found in {here / '_registry'} (installed wheel) nor "
        f"in {here.parent / 'data'} (source checkout); reinstall riskkit"
    )


def _registry() -> dict[str, tuple[str, str]]:
    """``{filename: (sha256, url)}`` from ``registry.txt`` (``#`` starts a comment)."""
    entries: dict[str, tuple[str, str]] = {}
    text = (_registry_dir() / "registry.txt").read_text(encoding="utf-8")
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise DataUnavailableError(
                f"registry.txt line {lineno} must be 'filename sha256 url'; got {raw!r}"
            )
        entries[parts[0]] = (parts[1].lower(), parts[2])
    return entries


def _sidecars() -> dict[str, dict[str, Any]]:
    """All provenance sidecars, keyed by dataset name."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(_registry_dir().glob("*.toml")):
        with path.open("rb") as fh:
            meta = tomllib.load(fh)
        out[meta["name"]] = meta
    return out


def _sidecar(name: str) -> dict[str, Any]:
    sidecars = _sidecars()
    if name not in sidecars:
        raise UnknownDatasetError(
            f"unknown dataset {name!r}; known datasets: {', '.join(sorted(sidecars))}"
        )
    return sidecars[name]


def list_datasets() -> pd.DataFrame:
    """Registered datasets with title, venue, instrument, frequency and date range.

    Returns
    -------
    pandas.DataFrame
        One row per dataset, indexed by dataset name (the argument of :func:`provenance`),
        with columns ``title``, ``venue``, ``instrument``, ``frequency``, ``start``, ``end``
        (UTC, as text), ``loader`` (the call that returns it) and ``files`` (number of
        registered files).

    See Also
    --------
    provenance : full provenance of one dataset.

    Examples
    --------
    >>> from riskkit.data import list_datasets
    >>> table = list_datasets()
    >>> "binance_btcusdt_funding" in table.index
    True
    >>> int(table.loc["binance_btcusdt_funding", "files"])
    2
    """
    rows = [
        {
            "name": name,
            "title": meta["title"],
            "venue": meta["venue"],
            "instrument": meta["instrument"],
            "frequency": meta["frequency"],
            "start": meta["start"],
            "end": meta["end"],
            "loader": meta["loader"],
            "files": len(meta["files"]),
        }
        for name, meta in _sidecars().items()
    ]
    return pd.DataFrame(rows).set_index("name").sort_index()


def provenance(name: str) -> dict[str, Any]:
    """Provenance of a registered dataset, from its sidecar and the registry.

    Parameters
    ----------
    name : str
        Dataset name, one of ``list_datasets().index``.

    Returns
    -------
    dict
        ``name``, ``title``, ``source`` (data vendor / API), ``venue``, ``instrument``,
        ``frequency``, ``start``, ``end``, ``licence``, ``retrieved``, ``files`` (list of dicts
        with ``file``, ``sha256``, ``url``, ``repository``, ``commit``, ``path``), ``units``
        (column -> unit) and ``defects`` (list of dicts with ``defect`` and ``repair``).

    Raises
    ------
    UnknownDatasetError
        If ``name`` is not registered; the message lists the known names.

    Examples
    --------
    >>> from riskkit.data import provenance
    >>> p = provenance("vix")
    >>> p["venue"], p["files"][0]["sha256"][:12]
    ('cboe', 'fa8f8119bb2f')
    """
    meta = _sidecar(name)
    registry = _registry()
    upstream = {u["file"]: u for u in meta.get("upstream", [])}
    files = []
    for filename in meta["files"]:
        sha, url = registry[filename]
        u = upstream.get(filename, {})
        files.append(
            {
                "file": filename,
                "sha256": sha,
                "url": url,
                "repository": u.get("repository", ""),
                "commit": u.get("commit", ""),
                "path": u.get("path", ""),
            }
        )
    keys = ("name", "title", "source", "venue", "instrument", "frequency", "start", "end")
    out: dict[str, Any] = {k: meta[k] for k in keys}
    out.update(
        licence=meta["licence"],
        retrieved=meta["retrieved"],
        files=files,
        urls=[f["url"] for f in files],
        units=dict(meta.get("units", {})),
        defects=[dict(d) for d in meta.get("defects", [])],
    )
    for extra in ("contract", "contract_size"):
        if extra in meta:
            out[extra] = meta[extra]
    return out


# --------------------------------------------------------------------------------------------
# Fetching by hash
# --------------------------------------------------------------------------------------------
def _cache_dir() -> Path:
    env = os.environ.get(_ENV_CACHE)
    if env:
        return Path(env).expanduser()
    # the same folder as pooch.os_cache("riskkit"), without importing pooch (which pulls in
    # tqdm.auto and prints an ipywidgets warning in notebooks) when nothing is downloaded
    import platformdirs

    return Path(platformdirs.user_cache_dir("riskkit"))


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _utc_stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _move_aside(path: Path, expected: str, actual: str) -> Path:
    """Rename a corrupt cache file to ``<name>.corrupt-<UTC timestamp>`` (never delete it)."""
    target = path.with_name(f"{path.name}.corrupt-{_utc_stamp()}")
    os.replace(path, target)
    logger.warning(
        "cached %s has sha256 %s, expected %s; moved aside to %s and fetching it again",
        path.name,
        actual,
        expected,
        target,
    )
    return target


def _seed_from_mirror(filename: str, expected: str, url: str, target: Path) -> bool:
    """Copy a verified mirror copy into the cache; False if there is no mirror copy."""
    mirror = os.environ.get(_ENV_MIRROR)
    if not mirror:
        return False
    source = Path(mirror).expanduser() / filename
    if not source.is_file():
        logger.info("%s: not in mirror %s=%s", filename, _ENV_MIRROR, mirror)
        return False
    actual = _sha256(source)
    if actual != expected:
        raise DataIntegrityError(
            f"{filename}: sha256 mismatch in the mirror copy {source}\n"
            f"  expected {expected}\n  actual   {actual}\n"
            f"The file was not parsed. Restore a byte-exact copy (it is served by {url}), "
            f"or unset {_ENV_MIRROR} to download it from {url}."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{filename}.", suffix=".part", dir=target.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp_name)
        os.replace(tmp_name, target)  # atomic on the same file system
    finally:
        if os.path.exists(tmp_name):
            os.unlink(tmp_name)
    logger.info("%s: copied from mirror %s into cache %s", filename, source, target.parent)
    return True


def fetch(filename: str) -> Path:
    """Return the local path of a registered file, verified against its sha256.

    Looks in the cache (``$RISKKIT_DATA_DIR``, default ``pooch.os_cache("riskkit")``), then
    in the mirror folder ``$RISKKIT_DATA_MIRROR`` (if set), then downloads the registered URL
    with :mod:`pooch`. See the module docstring for the policy.

    Parameters
    ----------
    filename : str
        A file name from ``data/registry.txt`` (see ``provenance(name)["files"]``).

    Returns
    -------
    pathlib.Path
        Path of the verified file in the cache.

    Raises
    ------
    UnknownDatasetError
        If ``filename`` is not registered (the message lists the registered names).
    DataIntegrityError
        If the mirror copy or the download does not match the registered sha256; the file
        is not parsed and the message says what to do.
    DataUnavailableError
        If the file is neither cached nor mirrored and cannot be downloaded.

    Examples
    --------
    >>> from riskkit.data import fetch
    >>> fetch("cboe_vix_daily_1990-01-02_2026-07-23.csv").name  # doctest: +SKIP
    'cboe_vix_daily_1990-01-02_2026-07-23.csv'
    """
    registry = _registry()
    if filename not in registry:
        raise UnknownDatasetError(
            f"unknown data file {filename!r}; registered files: {', '.join(sorted(registry))}"
        )
    expected, url = registry[filename]
    cache = _cache_dir()
    target = cache / filename
    if target.is_file():
        actual = _sha256(target)
        if actual == expected:
            logger.info("%s: cache hit in %s", filename, cache)
            return target
        _move_aside(target, expected, actual)
    if _seed_from_mirror(filename, expected, url, target):
        return target
    return _download(filename, expected, url, cache)


def _download(filename: str, expected: str, url: str, cache: Path) -> Path:
    import pooch
    import requests

    mirror = os.environ.get(_ENV_MIRROR)
    owners = [n for n, m in _sidecars().items() if filename in m["files"]]
    dataset = f"dataset {owners[0]!r}, file " if owners else ""
    try:
        path = pooch.retrieve(
            url, known_hash=f"sha256:{expected}", fname=filename, path=cache, progressbar=False
        )
    except requests.exceptions.RequestException as exc:
        raise DataUnavailableError(
            f"{dataset}{filename} is not in the cache {cache} and could not be downloaded "
            f"from {url} "
            f"({type(exc).__name__}). {_ENV_MIRROR} is {mirror!r}: set it to a folder holding "
            f"a byte-exact copy of the file, or retry with network access."
        ) from exc
    except ValueError as exc:  # pooch: downloaded bytes do not match the hash
        raise DataIntegrityError(
            f"{filename}: the download from {url} does not match sha256 {expected} and was "
            f"discarded unparsed ({exc}). Upstream may have changed; use a mirror copy "
            f"({_ENV_MIRROR}) or report it."
        ) from exc
    logger.info("%s: downloaded from %s into cache %s", filename, url, cache)
    return Path(path)


# --------------------------------------------------------------------------------------------
# Frame helpers
# --------------------------------------------------------------------------------------------
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


def _finish(frame: pd.DataFrame, name: str, repairs: list[str], **extra: Any) -> pd.DataFrame:
    """Attach units, provenance and repairs to ``frame.attrs``."""
    prov = provenance(name)
    prov["defects_repaired"] = list(repairs)
    attrs: dict[Hashable, Any] = {
        "dataset": name,
        "title": prov["title"],
        "source": prov["source"],
        "venue": prov["venue"],
        "instrument": prov["instrument"],
        "frequency": prov["frequency"],
        "units": {c: prov["units"].get(c, "") for c in frame.columns},
        "provenance": prov,
        "repairs": list(repairs),
    }
    attrs.update(extra)
    frame.attrs = attrs
    return frame


def _paths(name: str) -> list[Path]:
    return [fetch(f) for f in _sidecar(name)["files"]]


# --------------------------------------------------------------------------------------------
# Parsers: pure functions of a path -> (frame, repairs)
# --------------------------------------------------------------------------------------------
def _parse_cdd_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse a CryptoDataDownload OHLCV export into a frame indexed by UTC time.

    Columns keep the upstream labels, lower-cased (e.g. ``volume btc``, ``tradecount``).
    """
    repairs: list[str] = []
    with path.open("rb") as fh:
        head = fh.readline()
    # Defect: UTF-8 byte-order mark -- the utf-8-sig codec strips it.
    # Defect: CryptoDataDownload banner (the site URL) on line 1 -- skip it.
    banner = head.lstrip(b"\xef\xbb\xbf").strip().lower().startswith(b"http")
    if head.startswith(b"\xef\xbb\xbf"):
        _note(repairs, f"{path.name}: UTF-8 byte-order mark stripped")
    if banner:
        _note(repairs, f"{path.name}: CryptoDataDownload banner line skipped")
    raw = pd.read_csv(
        path, skiprows=1 if banner else 0, encoding="utf-8-sig", na_values=["NULL", ""]
    )
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    unix = pd.to_numeric(raw["unix"], errors="raise").to_numpy(dtype="float64")
    # Defect: mixed second / millisecond unix stamps -- values above 1e11 are milliseconds
    # (1e11 s is the year 5138; 1e11 ms is 1973), the others seconds.
    is_ms = unix > 1e11
    n_sec = int((~is_ms).sum())
    if is_ms.any() and n_sec:
        _note(
            repairs,
            f"{path.name}: {n_sec} second-resolution unix stamps read as seconds "
            f"next to {int(is_ms.sum())} millisecond stamps",
        )
    millis = np.where(is_ms, unix, unix * 1000.0).round().astype("int64")
    time = pd.to_datetime(millis, unit="ms", utc=True)
    frame = raw.drop(columns=[c for c in ("unix", "date", "symbol") if c in raw.columns])
    frame = frame.apply(pd.to_numeric, errors="coerce").astype("float64")
    frame.index = pd.DatetimeIndex(time, name="time")
    frame["_seconds"] = ~is_ms
    # Defect: duplicated hours (old seconds-format row and new ms-format row for the same
    # hour) -- keep the millisecond row, which has full precision and a trade count.
    frame = frame.sort_values(["time", "_seconds"], kind="stable") if len(frame) else frame
    dup = frame.index.duplicated(keep="first")
    if dup.any():
        frame = frame[~dup]
        _note(
            repairs,
            f"{path.name}: dropped {int(dup.sum())} duplicated timestamps "
            f"(kept the millisecond-format rows)",
        )
    if not pd.Index(millis).is_monotonic_increasing:
        # Defect: newest-first order -- sorted above.
        _note(repairs, f"{path.name}: newest-first rows sorted ascending")
    return frame.drop(columns="_seconds"), repairs


def _ohlcv(
    raw: pd.DataFrame, base: str, quote: str | None, quote_scale: float = 1.0
) -> pd.DataFrame:
    """Select OHLC and map upstream volume columns (by content) to volume_base/volume_quote."""
    out = raw[["open", "high", "low", "close"]].copy()
    out["volume_base"] = raw[base]
    out["volume_quote"] = raw[quote] * quote_scale if quote is not None else np.nan
    if "tradecount" in raw.columns:
        out["trades"] = raw["tradecount"]
    return out.astype("float64")


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


def _parse_ccxt_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the ccxt OHLCV export (naive UTC ``timestamp``, ``volume`` in base units)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    time = pd.to_datetime(raw["timestamp"], format="%Y-%m-%d %H:%M:%S").dt.tz_localize("UTC")
    frame = raw[["open", "high", "low", "close"]].astype("float64")
    frame["volume_base"] = raw["volume"].astype("float64")
    # The source has no quote volume; it is not estimated.
    frame["volume_quote"] = np.nan
    frame.index = pd.DatetimeIndex(time, name="time")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_binance_funding_export(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Binance website funding-history CSV (Europe/London local time, '%' rates)."""
    repairs: list[str] = []
    with path.open("rb") as fh:
        if fh.read(3) == b"\xef\xbb\xbf":
            _note(repairs, f"{path.name}: UTF-8 byte-order mark stripped")
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    local = pd.to_datetime(raw["Time"], format="%Y-%m-%d %H:%M:%S")
    # Defect: stamps are Europe/London wall-clock time (01:00/09:00/17:00 in summer,
    # 00:00/08:00/16:00 in winter), showing as 7 h / 9 h steps at DST changes. Localise and
    # convert to UTC. On autumn change days the prints at 00:00 UTC read 01:00 local, an
    # ambiguous wall time; it is the first (summer-time) occurrence, hence ambiguous=True.
    ambiguous = np.ones(len(local), dtype=bool)
    utc = (
        pd.DatetimeIndex(local)
        .tz_localize("Europe/London", ambiguous=ambiguous, nonexistent="raise")
        .tz_convert("UTC")
    )
    _note(repairs, f"{path.name}: Europe/London local times converted to UTC")
    # Defect: rates are strings like '0.010000%' -- strip '%' and divide by 100.
    rate = pd.to_numeric(raw["Funding Rate"].str.strip().str.rstrip("%"), errors="raise") / 100
    _note(repairs, f"{path.name}: percent strings converted to fractions")
    hours = pd.to_numeric(raw["Funding Interval"].str.strip().str.rstrip("h"), errors="raise")
    frame = pd.DataFrame(
        {"funding_rate": rate.to_numpy("float64"), "interval_hours": hours.to_numpy("float64")},
        index=pd.DatetimeIndex(utc, name="time"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_binance_funding_api(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse a JSON array of Binance /fapi/v1/fundingRate records (ms times, string rates)."""
    repairs: list[str] = []
    with path.open(encoding="utf-8-sig") as fh:
        records = json.load(fh)
    raw = pd.DataFrame.from_records(records)
    time = pd.to_datetime(raw["time"].astype("int64"), unit="ms", utc=True)
    # Defect: funding times carry a few ms of settlement jitter (e.g. ...00:00:00.006):
    # round to the nearest hour, the scheduled funding time.
    rounded = time.dt.round("h")
    n = int((rounded != time).sum())
    if n:
        _note(repairs, f"{path.name}: {n} funding times with ms jitter rounded to the hour")
    frame = pd.DataFrame(
        {
            "funding_rate": pd.to_numeric(raw["funding_rate"], errors="raise").astype("float64"),
            # Binance charged BTCUSDT and ETHUSDT every 8 h over the whole file (checked: all
            # consecutive prints are 8 h apart).
            "interval_hours": 8.0,
        }
    )
    frame.index = pd.DatetimeIndex(rounded, name="time")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_bitmex_funding(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse BitMEX /api/v1/funding CSV (ISO UTC stamps; interval as offset from 2000-01-01)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    time = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    # Defect: fundingInterval is encoded as a timestamp offset from 2000-01-01T00:00Z
    # (2000-01-01T08:00:00Z = 8 h, 2000-01-02T00:00:00Z = 24 h).
    interval = pd.to_datetime(raw["fundingInterval"], utc=True, format="ISO8601") - pd.Timestamp(
        "2000-01-01", tz="UTC"
    )
    _note(repairs, f"{path.name}: fundingInterval offsets converted to interval_hours")
    frame = pd.DataFrame(
        {
            "funding_rate": raw["fundingRate"].astype("float64").to_numpy(),
            "interval_hours": (interval.dt.total_seconds() / 3600.0).to_numpy(),
        },
        index=pd.DatetimeIndex(time, name="time"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


def _drop_last_bar(frame: pd.DataFrame, repairs: list[str], what: str) -> pd.DataFrame:
    """Drop the last (partial) bar of an API snapshot."""
    if len(frame):
        _note(repairs, f"{what}: dropped partial last bar {frame.index[-1]:%Y-%m-%d %H:%M}")
        frame = frame.iloc[:-1]
    return frame


def _parse_coinglass_parquet(path: Path, columns: dict[str, str]) -> tuple[pd.DataFrame, list[str]]:
    """Parse a CoinGlass API snapshot (parquet, ms ``time``), rename and drop the partial bar."""
    repairs: list[str] = []
    raw = pd.read_parquet(path)
    frame = raw[list(columns)].rename(columns=columns).astype("float64")
    frame.index = pd.DatetimeIndex(pd.to_datetime(raw["time"], unit="ms", utc=True), name="time")
    frame = _tidy(frame, repairs, what=path.name)
    # Defect: the API snapshot's last bar was still open when saved.
    return _drop_last_bar(frame, repairs, path.name), repairs


def _merge_snapshots(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Merge snapshots in file order; where they overlap the later snapshot wins."""
    merged = pd.concat(frames)
    merged = merged[~merged.index.duplicated(keep="last")]
    return merged.sort_index(kind="stable")


_OI_COLUMNS = {
    "close": "open_interest_usd",
    "open": "open_interest_usd_open",
    "high": "open_interest_usd_high",
    "low": "open_interest_usd_low",
}
_LIQ_COLUMNS = {
    "aggregated_long_liquidation_usd": "long_liquidations_usd",
    "aggregated_short_liquidation_usd": "short_liquidations_usd",
}


def _parse_coinglass_liquidations_csv(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the CoinGlass hourly liquidation CSV (ms ``timestamp``, longUsd/shortUsd/totalUsd)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    frame = pd.DataFrame(
        {
            "long_liquidations_usd": raw["longUsd"].astype("float64").to_numpy(),
            "short_liquidations_usd": raw["shortUsd"].astype("float64").to_numpy(),
            "total_liquidations_usd": raw["totalUsd"].astype("float64").to_numpy(),
        },
        index=pd.DatetimeIndex(pd.to_datetime(raw["timestamp"], unit="ms", utc=True), name="time"),
    )
    frame = _tidy(frame, repairs, what=path.name)
    return _drop_last_bar(frame, repairs, path.name), repairs


def _parse_coinalyze_oi(path: Path, symbol: str) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Coinalyze open-interest CSV for one coin symbol (USD, daily OHLC)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    known = sorted(raw["coin_symbol"].unique())
    check_option(symbol, "symbol", known)
    sub = raw[raw["coin_symbol"] == symbol]
    frame = pd.DataFrame(
        {
            "open_interest_usd": sub["oi_close"].to_numpy("float64"),
            "open_interest_usd_open": sub["oi_open"].to_numpy("float64"),
            "open_interest_usd_high": sub["oi_high"].to_numpy("float64"),
            "open_interest_usd_low": sub["oi_low"].to_numpy("float64"),
        },
        index=pd.DatetimeIndex(pd.to_datetime(sub["timestamp"], unit="s", utc=True), name="time"),
    )
    frame = _tidy(frame, repairs, what=f"{path.name} [{symbol}]")
    # Defect: snapshot saved 2025-10-26 04:02 UTC, so the last daily bar covers ~4 h only.
    return _drop_last_bar(frame, repairs, f"{path.name} [{symbol}]"), repairs


# Token decimals of the Aave v2 (Ethereum) reserves in the file (ERC-20 `decimals()`; Aave
# "Amm" reserves mirror their underlying; Uniswap/Balancer LP tokens use 18).
_AAVE_DECIMALS: dict[str, int] = {
    "AAVE": 18, "AMPL": 9, "AmmBptBALWETH": 18, "AmmDAI": 18, "AmmUSDC": 6,
    "AmmUSDT": 6, "AmmUniWBTCWETH": 18, "AmmWBTC": 8, "AmmWETH": 18, "BAL": 18, "BAT": 18,
    "BUSD": 18, "CRV": 18, "DAI": 18, "DPI": 18, "ENJ": 18, "FEI": 18, "FRAX": 18, "GUSD": 2,
    "KNC": 18, "LINK": 18, "MANA": 18, "MKR": 18, "PAX": 18, "RAI": 18, "REN": 18, "SNX": 18,
    "SUSD": 18, "TUSD": 18, "UNI": 18, "USDC": 6, "USDT": 6, "UST": 6, "WBTC": 8, "WETH": 18,
    "XSUSHI": 18, "YFI": 18, "ZRX": 18,
}  # fmt: skip


def _token_amount(text: pd.Series, symbol: pd.Series, repairs: list[str], what: str) -> np.ndarray:
    """Whole-token amounts from strings that are raw integers or already decimal-adjusted."""
    # Defect: up to 2021-09 amounts are raw integer token units ('330855192754556269' WETH
    # wei); later rows are decimal-adjusted ('0.3828...'). Integers are scaled by 10**-decimals.
    s = text.astype(str).str.strip()
    value = pd.to_numeric(s, errors="coerce").to_numpy("float64")
    is_raw = ~s.str.contains(r"[.eE]", regex=True).to_numpy()
    decimals = symbol.map(_AAVE_DECIMALS).to_numpy("float64")
    unknown = is_raw & np.isnan(decimals)
    if unknown.any():
        raise ValueError(f"{what}: unknown token decimals for {sorted(set(symbol[unknown]))}")
    scaled = np.where(is_raw, value / 10.0 ** np.where(is_raw, decimals, 0.0), value)
    _note(repairs, f"{what}: {int(is_raw.sum())} raw integer amounts divided by 10**decimals")
    return scaled


def _parse_aave_liquidations(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Aave v2 liquidationCall events CSV (one row per event)."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig", dtype=str)
    # Defect: exact duplicate rows.
    dup = raw.duplicated(keep="first")
    if dup.any():
        raw = raw[~dup]
        _note(repairs, f"{path.name}: dropped {int(dup.sum())} exact duplicate rows")

    def num(column: str) -> np.ndarray:
        return np.asarray(pd.to_numeric(raw[column], errors="coerce"), dtype="float64")

    coll_amt = _token_amount(
        raw["collateralAmount"], raw["collateralReserve"], repairs, "collateral amounts"
    )
    prin_amt = _token_amount(
        raw["principalAmount"], raw["principalReserve"], repairs, "principal amounts"
    )
    coll_px = num("reservePriceUSDCollateral")
    prin_px = num("reservePriceUSDPrincipal")
    frame = pd.DataFrame(
        {
            "collateral_symbol": raw["collateralReserve"].to_numpy(),
            "principal_symbol": raw["principalReserve"].to_numpy(),
            "collateral_amount": coll_amt,
            "principal_amount": prin_amt,
            "collateral_price_usd": coll_px,
            "principal_price_usd": prin_px,
            # Upstream derived USD columns mix raw and scaled units; recomputed here.
            "collateral_usd": coll_amt * coll_px,
            "principal_usd": prin_amt * prin_px,
            "user": raw["user"].to_numpy(),
            "liquidator": raw["liquidator"].to_numpy(),
        },
        index=pd.DatetimeIndex(
            pd.to_datetime(raw["timestamp"].astype("int64"), unit="s", utc=True), name="time"
        ),
    )
    _note(repairs, f"{path.name}: USD amounts recomputed as amount x reserve USD price")
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
        _note(repairs, f"{path.name}: events sorted ascending by time")
    return frame, repairs


def _parse_hyperliquid_depth(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the Hyperliquid depth-summary JSON lines (ISO UTC timestamps)."""
    repairs: list[str] = []
    raw = pd.read_json(path, lines=True, dtype=False)
    time = pd.to_datetime(raw["timestamp"], utc=True, format="ISO8601")
    frame = pd.DataFrame(
        {
            "depth_50bps_usd": raw["depth_50bps"].astype("float64").to_numpy(),
            "spread_bps": raw["spread_bps"].astype("float64").to_numpy(),
            "mid_price": raw["mid_price"].astype("float64").to_numpy(),
        },
        index=pd.DatetimeIndex(time, name="time"),
    )
    # Defect: lines are not in time order -- sorted by _tidy.
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_finra_margin(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the FINRA margin statistics workbook (USD millions, newest first)."""
    repairs: list[str] = []
    raw = pd.read_excel(path, sheet_name=0, engine="openpyxl")
    raw.columns = [str(c).strip() for c in raw.columns]

    def col(prefix: str) -> np.ndarray:
        match = [c for c in raw.columns if c.startswith(prefix)]
        if len(match) != 1:
            raise ValueError(f"{path.name}: expected one column starting with {prefix!r}")
        return pd.to_numeric(raw[match[0]], errors="coerce").to_numpy("float64")

    month = pd.to_datetime(raw["Year-Month"].astype(str).str.strip(), format="%Y-%m")
    frame = pd.DataFrame(
        {
            "margin_debt_musd": col("Debit Balances in Customers' Securities Margin"),
            "free_credit_cash_musd": col("Free Credit Balances in Customers' Cash"),
            "free_credit_margin_musd": col("Free Credit Balances in Customers' Securities Margin"),
        },
        index=pd.DatetimeIndex(month, name="time").tz_localize("UTC"),
    )
    return _tidy(frame, repairs, what=path.name), repairs


_SHILLER_COLUMNS = {
    "SP500": "sp500",
    "Dividend": "dividend",
    "Earnings": "earnings",
    "Consumer Price Index": "cpi",
    "Long Interest Rate": "long_interest_rate",
    "Real Price": "real_price",
    "Real Dividend": "real_dividend",
    "Real Earnings": "real_earnings",
    "PE10": "cape",
}


def _parse_shiller(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the datahub S&P 500 / Shiller monthly CSV."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    frame = raw[list(_SHILLER_COLUMNS)].rename(columns=_SHILLER_COLUMNS).astype("float64")
    frame.index = pd.DatetimeIndex(pd.to_datetime(raw["Date"]), name="time").tz_localize("UTC")
    # Defect: the fundamentals are 0.0 where they are missing (after the Shiller series
    # ends in 2023, and PE10 in the first 10 years): a literal zero is never a valid value
    # of these series, so 0.0 -> NaN.
    fundamentals = [c for c in frame.columns if c != "sp500"]
    zeros = frame[fundamentals] == 0.0
    frame[fundamentals] = frame[fundamentals].mask(zeros)
    _note(
        repairs,
        f"{path.name}: {int(zeros.to_numpy().sum())} zero fundamentals set to NaN "
        f"(missing, not zero)",
    )
    # Long interest rate is quoted in percent upstream; riskkit uses fractions.
    frame["long_interest_rate"] = frame["long_interest_rate"] / 100.0
    _note(repairs, f"{path.name}: long_interest_rate converted from percent to a fraction")
    return _tidy(frame, repairs, what=path.name), repairs


def _parse_vix(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """Parse the datahub CBOE VIX daily CSV."""
    repairs: list[str] = []
    raw = pd.read_csv(path, encoding="utf-8-sig")
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    frame = raw[["open", "high", "low", "close"]].astype("float64")
    frame.index = pd.DatetimeIndex(
        pd.to_datetime(raw["date"], format="%Y-%m-%d"), name="time"
    ).tz_localize("UTC")
    flat = (
        (frame["open"] == frame["close"])
        & (frame["high"] == frame["low"])
        & (frame["high"] == frame["close"])
    )
    early = flat & (frame.index < pd.Timestamp("1992-01-01", tz="UTC"))
    _note(
        repairs,
        f"{path.name}: {int(early.sum())} rows in 1990-1991 have open=high=low=close "
        f"(only the close was published); kept, do not use them for range estimators",
    )
    return _tidy(frame, repairs, what=path.name), repairs


# --------------------------------------------------------------------------------------------
# Public loaders
# --------------------------------------------------------------------------------------------
_SPOT: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance", "1d"): "binance_spot_btcusdt_1d",
    ("ETHUSDT", "binance", "1d"): "binance_spot_ethusdt_1d",
    ("BTCUSDT", "binance", "1h"): "binance_spot_btcusdt_1h",
    ("BTCUSD", "bitstamp", "1d"): "bitstamp_btcusd_1d",
}
_PERP: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance", "1h"): "binance_usdm_btcusdt_perp_1h",
    ("BTCUSDT", "binance", "1d"): "binance_usdm_btcusdt_perp_1d",
    ("BTCUSD_PERP", "binance", "1h"): "binance_coinm_btcusd_perp_1h",
}
_FUNDING: dict[tuple[str, ...], str] = {
    ("BTCUSDT", "binance"): "binance_btcusdt_funding",
    ("ETHUSDT", "binance"): "binance_ethusdt_funding",
    ("XBTUSD", "bitmex"): "bitmex_xbtusd_funding",
}
_LIQUIDATIONS: dict[tuple[str, ...], str] = {
    ("BTC", "binance", "4h"): "coinglass_btc_liquidations_binance_4h",
    ("ETH", "binance", "4h"): "coinglass_eth_liquidations_binance_4h",
    ("BTC", "binance+bybit+okx", "1h"): "coinglass_btc_liquidations_binance_bybit_okx_1h",
}


def _lookup(table: Mapping[tuple[str, ...], str], key: tuple[str, ...], names: str) -> str:
    if key not in table:
        avail = "; ".join(
            ", ".join(f"{n}={v!r}" for n, v in zip(names.split(), k, strict=True)) for k in table
        )
        raise ValueError(
            f"no registered dataset for {names.replace(' ', '/')} = {key}; available: {avail}"
        )
    return table[key]


def load_spot_ohlcv(
    symbol: str = "BTCUSDT", venue: str = "binance", freq: str = "1d"
) -> pd.DataFrame:
    """Spot OHLCV bars: Binance BTCUSDT (1d, 1h), Binance ETHUSDT (1d), Bitstamp BTCUSD (1d).

    Parameters
    ----------
    symbol : {"BTCUSDT", "ETHUSDT", "BTCUSD"}
        Instrument (BTCUSD on Bitstamp only).
    venue : {"binance", "bitstamp"}
        Exchange.
    freq : {"1d", "1h"}
        Bar length; ``"1h"`` exists for Binance BTCUSDT only (2017-08-17 .. 2021-06-10).

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC, ``time``). Columns ``open``, ``high``, ``low``,
        ``close`` (quote currency per base unit, e.g. USDT per BTC), ``volume_base`` (base
        units, e.g. BTC), ``volume_quote`` (quote currency), ``trades`` (count; Binance only,
        NaN in old-format hourly rows). Bitstamp adds the boolean column ``no_trades``
        (zero-volume outage days, 2015-01-06..11, with the carried last price).
        ``attrs`` holds ``units``, ``provenance`` and ``repairs``.

    Raises
    ------
    ValueError
        If the combination is not registered (the message lists those that are).
    DataIntegrityError, DataUnavailableError
        See :func:`fetch`.

    See Also
    --------
    load_perp_ohlcv : perpetual futures bars.

    Notes
    -----
    Repairs: newest-first files are sorted; the CryptoDataDownload banner and byte-order
    mark are skipped; mixed second/millisecond unix stamps are unified; 2,649 duplicated
    hours in the Binance hourly file keep the millisecond rows; the first hourly bar's
    erroneous open = high = 16,199.91 (2017-08-17 04:00, close 4,308.83) becomes NaN;
    Bitstamp's swapped volume columns before 2018-02-28 are swapped back, so that

    .. math:: \\frac{V_q}{V_b \\, C} \\approx 1,

    with :math:`V_q` the quote (USD) volume, :math:`V_b` the base (BTC) volume and :math:`C`
    the close; Bitstamp's partial last day (2025-11-27) is dropped.

    References
    ----------
    CryptoDataDownload, https://www.cryptodatadownload.com/data/ ; sources and hashes in
    ``data/*.toml``.

    Examples
    --------
    >>> from riskkit.data import load_spot_ohlcv
    >>> btc = load_spot_ohlcv("BTCUSDT", "binance", "1d")  # doctest: +SKIP
    >>> btc.loc["2020-03-12", ["low", "close"]].round(0).tolist()  # doctest: +SKIP
    [4410.0, 4800.0]
    """
    name = _lookup(_SPOT, (symbol, venue, freq), "symbol venue freq")
    (path,) = _paths(name)
    raw, repairs = _parse_cdd_csv(path)
    if venue == "bitstamp":
        frame = _repair_bitstamp(_ohlcv(raw, "volume btc", "volume usd"), repairs)
    else:
        base = "volume btc" if symbol.startswith("BTC") else "volume eth"
        frame = _ohlcv(raw, base, "volume usdt")
        if freq == "1h":
            frame = _repair_bad_first_open(frame, repairs)
    return _finish(frame, name, repairs)


def load_perp_ohlcv(
    symbol: str = "BTCUSDT", venue: str = "binance", freq: str = "1h"
) -> pd.DataFrame:
    """Perpetual-futures OHLCV: Binance USD-M BTCUSDT (1h, 1d) and COIN-M BTCUSD_PERP (1h).

    Parameters
    ----------
    symbol : {"BTCUSDT", "BTCUSD_PERP"}
        ``"BTCUSDT"``: USD-M linear perpetual (margined and settled in USDT);
        ``"BTCUSD_PERP"``: COIN-M inverse perpetual (100 USD per contract, margined in BTC).
    venue : {"binance"}
        Exchange.
    freq : {"1h", "1d"}
        ``"1h"``: BTCUSDT 2023-01-01 .. 2026-04-18, BTCUSD_PERP 2020-08-11 .. 2024-08-08;
        ``"1d"``: BTCUSDT 2020-01-01 .. 2024-08-08.

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``open``, ``high``, ``low``, ``close`` (USDT or USD
        per BTC), ``volume_base`` (BTC), ``volume_quote`` (USDT for USD-M; USD = contracts x
        100 for COIN-M; NaN for the hourly USD-M file, whose source has no quote volume),
        ``trades`` (count, where present). ``attrs["contract"]`` is ``"linear"`` or
        ``"inverse"`` and ``attrs["contract_size"]`` the contract size.

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_spot_ohlcv, load_funding

    Notes
    -----
    For the inverse contract, base volume in BTC relates to quote volume in USD by

    .. math:: V_b \\approx \\frac{100 \\, N}{\\bar P},

    with :math:`N` the number of contracts and :math:`\\bar P` the bar's average price (USD
    per BTC). The daily USD-M file labels its volumes the wrong way round ("Volume" holds BTC,
    "Volume Base Asset" USDT); they are mapped by content.

    References
    ----------
    Binance COIN-M contract specifications,
    https://www.binance.com/en/futures/trading-rules/quarterly

    Examples
    --------
    >>> from riskkit.data import load_perp_ohlcv
    >>> perp = load_perp_ohlcv("BTCUSDT", "binance", "1h")  # doctest: +SKIP
    >>> perp.loc["2025-10-10 21:00", "low"]  # doctest: +SKIP
    101516.5
    """
    name = _lookup(_PERP, (symbol, venue, freq), "symbol venue freq")
    (path,) = _paths(name)
    if name == "binance_usdm_btcusdt_perp_1h":
        frame, repairs = _parse_ccxt_csv(path)
    else:
        raw, repairs = _parse_cdd_csv(path)
        if symbol == "BTCUSD_PERP":
            # 'Volume' counts contracts of 100 USD; 'Volume Base Asset' is BTC.
            frame = _ohlcv(raw, "volume base asset", "volume", quote_scale=100.0)
            _note(repairs, "volume_quote = contracts x 100 USD; volume_base = BTC column")
        else:
            # Defect: labels swapped -- 'Volume' holds BTC, 'Volume Base Asset' holds USDT.
            frame = _ohlcv(raw, "volume", "volume base asset")
            _note(repairs, "swapped volume labels mapped by content ('Volume' is BTC)")
    meta = _sidecar(name)
    return _finish(
        frame, name, repairs, contract=meta["contract"], contract_size=meta["contract_size"]
    )


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


def load_funding(symbol: str = "BTCUSDT", venue: str = "binance") -> pd.DataFrame:
    """Perpetual funding rates: Binance BTCUSDT and ETHUSDT, BitMEX XBTUSD.

    Parameters
    ----------
    symbol : {"BTCUSDT", "ETHUSDT", "XBTUSD"}
        Perpetual contract (XBTUSD on BitMEX only).
    venue : {"binance", "bitmex"}
        Exchange.

    Returns
    -------
    pandas.DataFrame
        Indexed by funding time (UTC). ``funding_rate``: fraction of position notional paid
        by longs to shorts (negative: shorts pay) per interval, not percent;
        ``interval_hours``: length of the interval (8, or 24 for BitMEX before 2016-06).
        BTCUSDT covers 2019-09-10 .. 2025-12-29 (website export stitched with the API),
        ETHUSDT 2022-01-01 .. 2025-12-29, XBTUSD 2016-05-14 .. 2020-11-05.

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_perp_ohlcv

    Notes
    -----
    A long of notional :math:`Q` pays :math:`F = r \\, Q` at each funding time, with
    :math:`r` the ``funding_rate``. Annualised, with :math:`h` the ``interval_hours``,

    .. math:: r_{\\text{annual}} = r \\cdot \\frac{24 \\cdot 365}{h}.

    The Binance website export is in Europe/London local time; it is converted to UTC, so
    every step is 8 h. API times carry a few ms of jitter; they are rounded to the hour.

    References
    ----------
    Binance, "Introduction to Binance Futures Funding Rates",
    https://www.binance.com/en/support/faq/360033525031 ;
    BitMEX perpetual contracts guide, https://www.bitmex.com/app/perpetualContractsGuide

    Examples
    --------
    >>> from riskkit.data import load_funding
    >>> f = load_funding("XBTUSD", "bitmex")  # doctest: +SKIP
    >>> f.loc["2020-03-13", "funding_rate"].tolist()  # doctest: +SKIP
    [-0.00375, -0.00375, -0.00375]
    """
    name = _lookup(_FUNDING, (symbol, venue), "symbol venue")
    paths = _paths(name)
    if venue == "bitmex":
        frame, repairs = _parse_bitmex_funding(paths[0])
    elif symbol == "BTCUSDT":
        export, r1 = _parse_binance_funding_export(paths[0])
        api, r2 = _parse_binance_funding_api(paths[1])
        repairs = r1 + r2
        frame = _stitch_funding(export, api, repairs)
    else:
        frame, repairs = _parse_binance_funding_api(paths[0])
    return _finish(frame, name, repairs)


def load_open_interest(source: str = "coinglass", symbol: str = "BTC") -> pd.DataFrame:
    """Open interest in USD: CoinGlass all-exchange BTC (4h) or Coinalyze Binance COIN-M (1d).

    Parameters
    ----------
    source : {"coinglass", "coinalyze"}
        ``"coinglass"``: BTC futures OI aggregated over all exchanges, 4-hourly,
        2024-11-21 .. 2025-11-14 (two snapshots merged). ``"coinalyze"``: Binance COIN-M
        perpetual OI, daily, 2021-09-15 .. 2025-10-25.
    symbol : str
        ``"BTC"`` for CoinGlass; for Coinalyze one of the 10 coins in the file (``"BTC"``,
        ``"ETH"``, ...; the error message lists them).

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``open_interest_usd`` (USD, bar close) and
        ``open_interest_usd_open``, ``_high``, ``_low`` (USD).

    Raises
    ------
    ValueError
        If ``source`` or ``symbol`` is not available.

    See Also
    --------
    load_liquidations

    Notes
    -----
    Open interest in USD is :math:`OI_{USD} = N \\cdot s \\cdot P` for linear contracts
    (:math:`N` contracts of size :math:`s` base units at price :math:`P`) and
    :math:`N \\cdot s_{USD}` for inverse ones. The last bar of each API snapshot is partial and
    dropped; where CoinGlass snapshots overlap the later one is used.

    References
    ----------
    CoinGlass API v4, https://docs.coinglass.com/ ; Coinalyze API,
    https://api.coinalyze.net/v1/doc/

    Examples
    --------
    >>> from riskkit.data import load_open_interest
    >>> oi = load_open_interest("coinalyze", "BTC")  # doctest: +SKIP
    >>> round(oi.loc["2022-11-09", "open_interest_usd"].item() / 1e6)  # doctest: +SKIP
    348
    """
    check_option(source, "source", ("coinalyze", "coinglass"))
    repairs: list[str] = []
    if source == "coinglass":
        check_option(symbol, "symbol", ("BTC",))
        name = "coinglass_btc_open_interest"
        parts = []
        for path in _paths(name):
            frame, r = _parse_coinglass_parquet(path, _OI_COLUMNS)
            parts.append(frame[list(_OI_COLUMNS.values())])
            repairs += r
        frame = _merge_snapshots(parts)
        _note(repairs, "merged two snapshots; later snapshot preferred on the overlap")
    else:
        name = "coinalyze_binance_coinm_open_interest"
        (path,) = _paths(name)
        frame, repairs = _parse_coinalyze_oi(path, symbol)
    return _finish(frame, name, repairs, symbol=symbol)


def load_liquidations(
    symbol: str = "BTC", exchanges: str = "binance", freq: str = "4h"
) -> pd.DataFrame:
    """Exchange-reported futures liquidations in USD (CoinGlass), long and short.

    Parameters
    ----------
    symbol : {"BTC", "ETH"}
        Coin (all its futures and perpetuals).
    exchanges : {"binance", "binance+bybit+okx"}
        Exchanges aggregated.
    freq : {"4h", "1h"}
        ``"4h"``: Binance BTC 2024-11-21 .. 2025-11-14 (two snapshots merged), Binance ETH
        2025-05-18 .. 2025-11-14. ``"1h"``: Binance+Bybit+OKX BTC 2025-11-23 .. 2026-05-22.

    Returns
    -------
    pandas.DataFrame
        Indexed by bar open time (UTC). ``long_liquidations_usd``, ``short_liquidations_usd``
        and ``total_liquidations_usd`` (USD liquidated in the bar).

    Raises
    ------
    ValueError
        If the combination is not registered.

    See Also
    --------
    load_open_interest

    Notes
    -----
    .. math:: L_{total} = L_{long} + L_{short}

    where :math:`L_{long}` is the USD notional of long positions force-closed in the bar.
    These are **lower bounds**: Binance publishes at most one liquidation order per symbol
    per second on its public stream, so CoinGlass under-counts in bursts.

    References
    ----------
    Binance, Liquidation Order Streams,
    https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Liquidation-Order-Streams

    Examples
    --------
    >>> from riskkit.data import load_liquidations
    >>> liq = load_liquidations("BTC", "binance", "4h")  # doctest: +SKIP
    >>> round(liq.loc["2025-10-10", "long_liquidations_usd"].sum() / 1e6, 1)  # doctest: +SKIP
    286.4
    """
    name = _lookup(_LIQUIDATIONS, (symbol, exchanges, freq), "symbol exchanges freq")
    paths = _paths(name)
    repairs: list[str] = []
    if freq == "1h":
        frame, repairs = _parse_coinglass_liquidations_csv(paths[0])
    else:
        parts = []
        for path in paths:
            part, r = _parse_coinglass_parquet(path, _LIQ_COLUMNS)
            parts.append(part)
            repairs += r
        frame = _merge_snapshots(parts)
        if len(parts) > 1:
            _note(repairs, "merged two snapshots; later snapshot preferred on the overlap")
        frame["total_liquidations_usd"] = (
            frame["long_liquidations_usd"] + frame["short_liquidations_usd"]
        )
    return _finish(
        frame,
        name,
        repairs,
        note="exchange-reported liquidations are lower bounds (Binance throttles its public "
        "liquidation feed to one order per symbol per second)",
    )


def load_aave_v2_liquidations() -> pd.DataFrame:
    """Aave v2 (Ethereum) liquidation events, 2020-12-17 .. 2022-04-03, one row per event.

    Returns
    -------
    pandas.DataFrame
        Indexed by event (block) time (UTC; several events can share a second).
        ``collateral_symbol``, ``principal_symbol`` (reserve token symbols; principal = the
        debt repaid), ``collateral_amount``, ``principal_amount`` (whole tokens),
        ``collateral_price_usd``, ``principal_price_usd`` (USD per token), ``collateral_usd``,
        ``principal_usd`` (USD), ``user`` (borrower address), ``liquidator`` (address).

    See Also
    --------
    load_liquidations

    Notes
    -----
    .. math:: \\text{collateral\\_usd} = a_c \\, p_c, \\qquad
              \\text{principal\\_usd} = a_p \\, p_p,

    with :math:`a` the amount in whole tokens and :math:`p` the reserve USD price joined by
    the dataset's authors. Upstream amounts are raw integer token units until 2021-09 and
    decimal-adjusted afterwards; raw integers are divided by :math:`10^{d}` (token
    decimals). Sparse columns: ``collateral_price_usd``/``collateral_usd`` are missing for
    23% of events and ``liquidator`` for 54%; ``principal_price_usd`` for 1.3%. The 7 exact
    duplicate rows are dropped.

    References
    ----------
    Aave v2 LendingPool ``liquidationCall``,
    https://docs.aave.com/developers/v/2.0/the-core-protocol/lendingpool

    Examples
    --------
    >>> from riskkit.data import load_aave_v2_liquidations
    >>> ev = load_aave_v2_liquidations()  # doctest: +SKIP
    >>> len(ev)  # doctest: +SKIP
    11490
    """
    name = "aave_v2_liquidations"
    (path,) = _paths(name)
    frame, repairs = _parse_aave_liquidations(path)
    return _finish(frame, name, repairs)


def load_orderbook_depth() -> pd.DataFrame:
    """Hyperliquid BTC perpetual order-book depth summary, 2024-01-01 .. 2025-12-02.

    Returns
    -------
    pandas.DataFrame
        Indexed by snapshot time (UTC, irregular, several per day). ``depth_50bps_usd``
        (USD of resting bids plus asks within 50 bp of mid), ``spread_bps`` (basis points of
        mid), ``mid_price`` (USD per BTC).

    See Also
    --------
    load_perp_ohlcv

    Notes
    -----
    .. math:: D_{50} = \\sum_{|p_i - m| \\le 0.005\\, m} p_i q_i, \\qquad
              \\text{spread\\_bps} = 10^4 \\, \\frac{a - b}{m},

    with :math:`m` the mid, :math:`p_i, q_i` price and size of book level :math:`i` and
    :math:`a, b` best ask and bid. Summary statistics only; the full books are not stored.

    References
    ----------
    Hyperliquid API, l2Book,
    https://hyperliquid.gitbook.io/hyperliquid-docs/for-developers/api/info-endpoint

    Examples
    --------
    >>> from riskkit.data import load_orderbook_depth
    >>> depth = load_orderbook_depth()  # doctest: +SKIP
    >>> depth.index.is_monotonic_increasing  # doctest: +SKIP
    True
    """
    name = "hyperliquid_btc_orderbook_depth"
    (path,) = _paths(name)
    frame, repairs = _parse_hyperliquid_depth(path)
    return _finish(frame, name, repairs)


def load_margin_debt() -> pd.DataFrame:
    """FINRA customer margin balances, monthly 1997-01 .. 2025-02, USD millions.

    Returns
    -------
    pandas.DataFrame
        Indexed by the **first day of the month**, 00:00 UTC (the balances are month-end
        figures reported for that month). ``margin_debt_musd`` (debit balances in customers'
        securities margin accounts), ``free_credit_cash_musd`` (free credit balances in cash
        accounts), ``free_credit_margin_musd`` (free credit balances in margin accounts; NaN
        before 2010-02), all USD millions.

    See Also
    --------
    load_sp500

    Notes
    -----
    A common leverage proxy is margin debt net of free credit,

    .. math:: \\text{net} = D - (C_{cash} + C_{margin}),

    with :math:`D` the debit balances and :math:`C` the free credit balances.

    References
    ----------
    FINRA, Margin Statistics, https://www.finra.org/rules-guidance/key-topics/margin-accounts/margin-statistics

    Examples
    --------
    >>> from riskkit.data import load_margin_debt
    >>> m = load_margin_debt()  # doctest: +SKIP
    >>> m.loc["2000-03", "margin_debt_musd"].item()  # doctest: +SKIP
    299933.0
    """
    name = "finra_margin_debt"
    (path,) = _paths(name)
    frame, repairs = _parse_finra_margin(path)
    return _finish(frame, name, repairs)


def load_sp500() -> pd.DataFrame:
    """S&P 500 monthly with Shiller fundamentals, 1871-01 .. 2026-06.

    Returns
    -------
    pandas.DataFrame
        Indexed by the first day of the month (UTC). ``sp500`` (index points, monthly
        average of daily closes), ``dividend``, ``earnings`` (index points per year),
        ``cpi`` (index), ``long_interest_rate`` (10-year Treasury yield, fraction per year),
        ``real_price``, ``real_dividend``, ``real_earnings`` (real index points), ``cape``
        (cyclically adjusted P/E). The fundamentals are NaN where the source has 0.0: after
        the Shiller series ends (last CPI 2023-09) and for CAPE in the first 10 years.

    See Also
    --------
    load_vix, load_margin_debt

    Notes
    -----
    .. math:: \\text{CAPE}_t = \\frac{P^{real}_t}{\\tfrac{1}{120}\\sum_{k=0}^{119} E^{real}_{t-k}}

    with :math:`P^{real}` the real price and :math:`E^{real}` real monthly earnings.

    References
    ----------
    Shiller, R. J. (2015). *Irrational Exuberance*, 3rd ed., Princeton University Press;
    data at http://www.econ.yale.edu/~shiller/data.htm

    Examples
    --------
    >>> from riskkit.data import load_sp500
    >>> spx = load_sp500()  # doctest: +SKIP
    >>> spx.loc["1929-09", "sp500"].item()  # doctest: +SKIP
    31.3
    """
    name = "sp500_shiller"
    (path,) = _paths(name)
    frame, repairs = _parse_shiller(path)
    return _finish(frame, name, repairs)


def load_vix() -> pd.DataFrame:
    """CBOE VIX daily OHLC, 1990-01-02 .. 2026-07-23.

    Returns
    -------
    pandas.DataFrame
        Indexed by trading date (00:00 UTC). ``open``, ``high``, ``low``, ``close`` in index
        points (annualised 30-day implied volatility in percent; divide by 100 for a
        fraction). Rows in 1990-1991 have open = high = low = close (only the close was
        published): do not use them for range-based volatility estimators.

    See Also
    --------
    load_sp500

    Notes
    -----
    .. math:: \\text{VIX} = 100 \\sqrt{\\tfrac{2}{T}\\sum_i \\tfrac{\\Delta K_i}{K_i^2}
              e^{rT} Q(K_i) - \\tfrac{1}{T}\\left(\\tfrac{F}{K_0}-1\\right)^2}

    with :math:`T` the time to expiry, :math:`K_i` strikes, :math:`Q` option mid quotes,
    :math:`F` the forward and :math:`K_0` the first strike below :math:`F`.

    References
    ----------
    Cboe, VIX White Paper, https://cdn.cboe.com/resources/vix/vixwhite.pdf

    Examples
    --------
    >>> from riskkit.data import load_vix
    >>> vix = load_vix()  # doctest: +SKIP
    >>> vix.loc["2020-03-16", "close"].item()  # doctest: +SKIP
    82.69
    """
    name = "vix"
    (path,) = _paths(name)
    frame, repairs = _parse_vix(path)
    return _finish(frame, name, repairs)


# --------------------------------------------------------------------------------------------
# Crash events
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CrashEvent:
    """A crash episode used in the book: key, name, UTC window, description and source.

    Parameters
    ----------
    key : str
        Short identifier, e.g. ``"2020-03-12"``.
    name : str
        Common name.
    start, end : pandas.Timestamp
        First and last UTC day of the episode (inclusive; ``end`` is the day's 00:00).
    description : str
        What happened, with numbers and units.
    source : str
        URL or citation for the description.
    """

    key: str
    name: str
    start: pd.Timestamp
    end: pd.Timestamp
    description: str
    source: str


def _ts(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


#: The crash catalogue used to annotate charts and slice windows (see :class:`CrashEvent`).
EVENTS: tuple[CrashEvent, ...] = (
    CrashEvent(
        "2020-03-12",
        'COVID crash ("Black Thursday")',
        _ts("2020-03-12"),
        _ts("2020-03-13"),
        "Two legs (about 10:00-11:00 UTC and 23:00-02:15 UTC): BitMEX XBTUSD 7,353 -> 3,978, "
        "bottom 3,596; over 700m USD of perpetuals liquidated on BitMEX in the first leg. "
        "Binance spot BTCUSDT low 4,410 on 2020-03-12, 3,782 on 2020-03-13.",
        "LedgerPrime Research, 'Crypto's Black Thursday: the Market Crash of March 2020', "
        "https://www.research.ledgerprime.com/p/cryptos-black-thursday-the-market",
    ),
    CrashEvent(
        "2021-05-19",
        "China crypto ban sell-off",
        _ts("2021-05-19"),
        _ts("2021-05-19"),
        "After Chinese industry associations barred institutions from crypto services "
        "(2021-05-18), BTC fell to 30,000 on Binance spot (COIN-M perpetual 27,244).",
        "Mint, 'What sent crypto market into a 24-hour tailspin', 2021-05-20, "
        "https://www.livemint.com/market/cryptocurrency/what-sent-crypto-market-into-a-24-hour-"
        "tailspin/amp-11621531928694.html",
    ),
    CrashEvent(
        "2022-05-luna",
        "Terra LUNA/UST collapse",
        _ts("2022-05-07"),
        _ts("2022-05-13"),
        "UST lost its dollar peg from 2022-05-07; LUNA fell from about 80 USD to near zero and "
        "the Terra chain was halted on 2022-05-13; BTC fell to 26,700 on Binance spot "
        "(2022-05-12).",
        "Liu, Makarov & Schoar (2023), 'Anatomy of a Run: The Terra Luna Crash', NBER WP "
        "31160, doi:10.3386/w31160; BIS Bulletin 69 (2023), https://www.bis.org/publ/bisbull69.htm",
    ),
    CrashEvent(
        "2022-11-ftx",
        "FTX collapse",
        _ts("2022-11-06"),
        _ts("2022-11-11"),
        "Run on FTX after reports on Alameda's balance sheet (2022-11-02..06); withdrawals "
        "halted 2022-11-08, Chapter 11 filing 2022-11-11. BTC low 15,588 on Binance spot "
        "(2022-11-09).",
        "BIS Bulletin 69 (2023), 'Crypto shocks and retail losses', "
        "https://www.bis.org/publ/bisbull69.htm",
    ),
    CrashEvent(
        "2024-08-05",
        "Yen carry-trade unwind",
        _ts("2024-08-05"),
        _ts("2024-08-05"),
        "After the Bank of Japan hike of 2024-07-31 the yen rallied and the Nikkei fell 12%; "
        "BTC dropped below 50,000 (Binance spot low 49,000; perpetual 48,888), about 1bn USD "
        "of crypto liquidations in 24 h.",
        "Decrypt, 'What Is the Yen Carry Trade...', 2024-08-05, "
        "https://decrypt.co/243249/what-is-carry-trade-japanese-yen-bitcoin-crash",
    ),
    CrashEvent(
        "2025-10-10",
        "Tariff announcement crash",
        _ts("2025-10-10"),
        _ts("2025-10-11"),
        "A 100% US tariff on Chinese imports was announced on 2025-10-10; about 19.1bn USD of "
        "positions were liquidated in 24 h (CoinGlass), the largest on record, mostly longs. "
        "Binance BTCUSDT perpetual 21:00 UTC bar low 101,516.5.",
        "AInvest / CoinGlass data, 'Leverage reckoning: tariffs trigger historic crypto "
        "collapse', 2025-10, https://www.ainvest.com/news/bitcoin-news-today-leverage-"
        "reckoning-tariffs-trigger-historic-crypto-collapse-2510",
    ),
)


def event(key: str) -> CrashEvent:
    """Look up a crash event by key.

    Parameters
    ----------
    key : str
        One of ``[e.key for e in EVENTS]``.

    Returns
    -------
    CrashEvent

    Raises
    ------
    ValueError
        If ``key`` is unknown; the message lists the known keys.

    Examples
    --------
    >>> from riskkit.data import event
    >>> str(event("2020-03-12").start.date())
    '2020-03-12'
    """
    keys = [e.key for e in EVENTS]
    check_option(key, "key", keys)
    return EVENTS[keys.index(key)]


def events_frame() -> pd.DataFrame:
    """The crash catalogue as a DataFrame (for chart annotations).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``key``; columns ``name``, ``start``, ``end`` (UTC timestamps),
        ``description``, ``source``.

    Examples
    --------
    >>> from riskkit.data import events_frame
    >>> events_frame().loc["2022-11-ftx", "name"]
    'FTX collapse'
    """
    rows = [
        {
            "key": e.key,
            "name": e.name,
            "start": e.start,
            "end": e.end,
            "description": e.description,
            "source": e.source,
        }
        for e in EVENTS
    ]
    return pd.DataFrame(rows).set_index("key")


# --------------------------------------------------------------------------------------------
# Coverage table and command line
# --------------------------------------------------------------------------------------------
def coverage(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per loaded frame: source, first and last timestamp, rows, and vintage.

    The provenance line a chapter prints under its data cell.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Label -> frame returned by a ``load_*`` function (with ``attrs["provenance"]``).

    Returns
    -------
    DataFrame
        Indexed by label; columns ``dataset``, ``source``, ``first``, ``last`` (UTC dates),
        ``rows``.

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC", name="time")
    >>> f = pd.DataFrame({"close": [1.0, 2.0, 3.0]}, index=idx)
    >>> f.attrs.update(dataset="demo", source="by hand")
    >>> int(coverage({"demo frame": f}).loc["demo frame", "rows"])
    3
    """
    rows = []
    for label, frame in frames.items():
        if not isinstance(frame, pd.DataFrame) or not isinstance(frame.index, pd.DatetimeIndex):
            raise TypeError(f"frames[{label!r}] must be a DataFrame with a DatetimeIndex")
        rows.append(
            {
                "label": label,
                "dataset": frame.attrs.get("dataset", ""),
                "source": frame.attrs.get("source", ""),
                "first": frame.index.min().strftime("%Y-%m-%d %H:%M"),
                "last": frame.index.max().strftime("%Y-%m-%d %H:%M"),
                "rows": len(frame),
            }
        )
    return pd.DataFrame(rows).set_index("label")


def _main(argv: list[str] | None = None) -> int:
    """``python -m riskkit.data fetch --all | NAME...``: fill the cache; ``list``: datasets."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m riskkit.data", description=_main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch", help="verify registered files into the cache")
    get.add_argument("files", nargs="*", help="registered file names (default: --all)")
    get.add_argument("--all", action="store_true", help="every registered file")
    sub.add_parser("list", help="list the datasets")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.command == "list":
        sys.stdout.write(list_datasets().to_string() + "\n")
        return 0
    names = sorted(_registry()) if args.all or not args.files else args.files
    for name in names:
        fetch(name)
    sys.stdout.write(f"{len(names)} data files verified in {_cache_dir()}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
