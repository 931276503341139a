"""The build engine: plan -> download -> verify -> parse -> write, resumable and idempotent.

:func:`build` turns a public bulk archive into the Parquet dataset described in
:mod:`riskkit.data.archives.store`. Per partition (one symbol and month):

1. **Plan** the archive files that feed it (:mod:`~riskkit.data.archives.binance`,
   :mod:`~riskkit.data.archives.bybit`, :mod:`~riskkit.data.archives.okx`).
2. **Skip** it if its sidecar says every one of those files was already built: no request.
3. **Download** each file that is not in the download cache ``OUT/_downloads/<source>/``
   (temporary name, then :func:`os.replace`). A 404 is reported and the rest goes on.
4. **Verify** it against the archive's published checksum (Binance ``.CHECKSUM``), then
   record its sha256 in a stamp beside it; a cached file is re-hashed against its stamp, so a
   re-run downloads nothing already verified. A file whose hash does not match, or whose zip
   or gzip stream is broken (a truncated download), is **quarantined** to
   ``OUT/_quarantine/<name>.corrupt-<UTC stamp>`` and never parsed.
5. **Parse** it with the venue's parser and the registry's repair rules
   (:mod:`riskkit.data.repairs`: time order, duplicates, funding-time jitter), keep the rows of
   the partition's month, and check the result against the schema
   (:mod:`riskkit.data.archives.schema`).
6. **Write** ``part-0.parquet`` and ``_provenance.json`` (URLs, sha256, published checksums,
   retrieval times, defects repaired), each to a temporary file renamed into place.

An error in one file (missing, corrupt, unparsable) is recorded in the result and the build
goes on; a :class:`~riskkit.exceptions.ArchiveBuildWarning` at the end says how many failed.
An interruption (Ctrl-C) leaves every finished partition and verified download in place, and
the next run continues from there.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import urllib.error
import urllib.request
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from riskkit._validation import check_option
from riskkit.data.archives import binance, bybit, okx, schema, store
from riskkit.data.archives.plan import INTERVALS, RemoteFile
from riskkit.data.repairs import _note
from riskkit.exceptions import ArchiveBuildWarning, DataIntegrityError, DataUnavailableError

__all__ = ["BuildResult", "FileRecord", "PartitionRecord", "build"]

logger = logging.getLogger("riskkit.data")

SOURCES: dict[str, ModuleType] = {"binance": binance, "bybit": bybit, "okx": okx}
#: Default market per source (Binance USDⓈ-M, Bybit USDT linear, OKX spot).
DEFAULT_MARKET = {"binance": "um", "bybit": "linear", "okx": "spot"}

#: Status of one file in a build (:attr:`FileRecord.status`).
FETCHED, CACHED, FAILED = "fetched", "cached", "failed"
#: Fields of a file entry in a partition sidecar that a skipped partition reports.
_KEPT = ("sha256", "checksum", "retrieved")


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One archive file in a build: where from, its hash, and what happened to it.

    ``status`` is ``"fetched"`` (downloaded in this run), ``"cached"`` (already verified in
    the download cache; no request) or ``"failed"`` (``error`` says why). ``checksum`` is the
    published sha256 it was verified against ("" where the archive publishes none).
    """

    url: str
    symbol: str
    month: str
    status: str
    sha256: str = ""
    checksum: str = ""
    retrieved: str = ""
    error: str = ""


@dataclass(frozen=True, slots=True)
class PartitionRecord:
    """One ``symbol=/month=`` partition: ``"written"``, ``"unchanged"`` or ``"failed"``."""

    symbol: str
    month: str
    status: str
    path: str
    rows: int
    repairs: tuple[str, ...] = ()
    error: str = ""


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What :func:`build` did: one record per archive file and per partition.

    Attributes
    ----------
    source, market, kind, interval : str
        The build's arguments.
    out : pathlib.Path
        The dataset folder.
    files : tuple of FileRecord
    partitions : tuple of PartitionRecord
    """

    source: str
    market: str
    kind: str
    interval: str
    out: Path
    files: tuple[FileRecord, ...] = field(default_factory=tuple)
    partitions: tuple[PartitionRecord, ...] = field(default_factory=tuple)

    @property
    def fetched(self) -> int:
        """Files downloaded in this run."""
        return sum(f.status == FETCHED for f in self.files)

    @property
    def verified(self) -> int:
        """Files that matched the archive's published checksum (downloaded or cached)."""
        return sum(f.status != FAILED and bool(f.checksum) for f in self.files)

    @property
    def cached(self) -> int:
        """Files reused from the verified download cache (no request)."""
        return sum(f.status == CACHED for f in self.files)

    @property
    def failed(self) -> int:
        """Files that failed (missing, corrupt, unparsable)."""
        return sum(f.status == FAILED for f in self.files)

    @property
    def repaired(self) -> int:
        """Partitions written with at least one repair of an upstream defect."""
        return sum(p.status == "written" and bool(p.repairs) for p in self.partitions)

    @property
    def errors(self) -> dict[str, str]:
        """URL -> reason, for every failed file."""
        return {f.url: f.error for f in self.files if f.status == FAILED}

    def summary(self) -> pd.DataFrame:
        """Counts: files planned, fetched, cached, verified, failed; partitions written,
        unchanged, repaired, failed."""
        parts = self.partitions
        rows = {
            "files planned": len(self.files),
            "files fetched": self.fetched,
            "files cached (no request)": self.cached,
            "files verified against a published checksum": self.verified,
            "files failed": self.failed,
            "partitions written": sum(p.status == "written" for p in parts),
            "partitions unchanged": sum(p.status == "unchanged" for p in parts),
            "partitions repaired": self.repaired,
            "partitions failed": sum(p.status == "failed" for p in parts),
        }
        return pd.DataFrame({"count": list(rows.values())}, index=pd.Index(rows, name="item"))

    def to_frame(self) -> pd.DataFrame:
        """One row per archive file (url, symbol, month, status, sha256, checksum, error)."""
        cols = ["url", "symbol", "month", "status", "sha256", "checksum", "retrieved", "error"]
        return pd.DataFrame([[getattr(f, c) for c in cols] for f in self.files], columns=cols)

    def _repr_html_(self) -> str:
        head = f"<p>{self.source} {self.market} {self.kind} {self.interval} -> {self.out}</p>"
        return head + self.summary().to_html()


def _utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


class _MissingFileError(Exception):
    """The archive has no such file (HTTP 404, or no file at a file:// URL)."""


def _get(url: str, target: Path | None = None, *, timeout: float) -> bytes:
    """GET ``url``; into ``target`` (temporary name, then rename) or returned as bytes."""
    try:
        response = urllib.request.urlopen(url, timeout=timeout)  # http(s) and file://
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise _MissingFileError(f"not in the archive (HTTP 404): {url}") from exc
        raise DataUnavailableError(f"HTTP {exc.code} for {url}") from exc
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FileNotFoundError):
            raise _MissingFileError(f"not in the archive (no such file): {url}") from exc
        raise DataUnavailableError(f"could not reach {url} ({exc.reason})") from exc
    with response:
        if target is None:
            return bytes(response.read())

        def copy(tmp: Path) -> None:
            with tmp.open("wb") as fh:
                while chunk := response.read(1 << 20):
                    fh.write(chunk)

        store.atomic_write(target, copy)
    return b""


def _quarantine(path: Path, out: Path, why: str) -> Path:
    """Move a bad download to ``OUT/_quarantine/<name>.corrupt-<UTC stamp>`` (never delete)."""
    folder = out / "_quarantine"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{path.name}.corrupt-{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}"
    os.replace(path, target)
    stamp = path.with_name(path.name + ".sha256.json")
    if stamp.exists():
        stamp.unlink()
    logger.warning("%s: %s; quarantined to %s", path.name, why, target)
    return target


def _obtain(remote: RemoteFile, out: Path, timeout: float) -> tuple[Path, str, str, str, str]:
    """The verified local copy of ``remote``: (path, status, sha256, checksum, retrieved)."""
    local = out / "_downloads" / remote.source / remote.relpath
    stamp_path = local.with_name(local.name + ".sha256.json")
    stamp = store.read_json(stamp_path)
    if stamp is not None and local.is_file() and _sha256(local) == stamp.get("sha256"):
        logger.info("%s: verified copy in the download cache", local.name)
        return local, CACHED, stamp["sha256"], stamp.get("checksum", ""), stamp["retrieved"]
    published = ""
    if remote.checksum_url is not None:
        text = _get(remote.checksum_url, timeout=timeout).decode("utf-8", "replace")
        published = binance.parse_checksum(text, local.name)
    retrieved = _utc_now()
    _get(remote.url, local, timeout=timeout)
    actual = _sha256(local)
    if published and actual != published:
        aside = _quarantine(local, out, "sha256 mismatch")
        raise DataIntegrityError(
            f"{remote.url}: sha256 mismatch with the published checksum "
            f"{remote.checksum_url}\n  expected {published}\n  actual   {actual}\n"
            f"The file was not parsed; it was quarantined to {aside}. Run the build again to "
            f"fetch it again."
        )
    store.write_json(
        stamp_path,
        {"url": remote.url, "sha256": actual, "checksum": published, "retrieved": retrieved},
    )
    logger.info("%s: downloaded from %s", local.name, remote.url)
    return local, FETCHED, actual, published, retrieved


def _unpack(path: Path, compression: str) -> bytes:
    """The CSV inside a zip (its one member) or a gzip stream; errors for a broken archive."""
    if compression == "gzip":
        return gzip.decompress(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        members = [m for m in archive.namelist() if not m.endswith("/")]
        if len(members) != 1:
            raise zipfile.BadZipFile(f"expected one CSV member, found {members}")
        return archive.read(members[0])  # checks the member's CRC-32


def _as_stamp(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date such as '2024-01-31'; got {value!r}") from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _symbols(symbols: Any) -> list[str]:
    if isinstance(symbols, str):
        symbols = [symbols]
    if not isinstance(symbols, list | tuple) or not symbols:
        raise TypeError(f"symbols must be a str or a non-empty list of str; got {symbols!r}")
    for s in symbols:
        if not isinstance(s, str) or not s or "/" in s or "=" in s:
            raise ValueError(f"symbols must be archive symbols such as 'BTCUSDT'; got {s!r}")
    return list(dict.fromkeys(s.upper() for s in symbols))


def _check_same_dataset(out: Path, kind: str, meta: dict[str, Any]) -> None:
    """Refuse to mix sources, markets or intervals in one dataset folder."""
    old = store.read_json(out / kind / store.SUMMARY)
    if old is None:
        return
    for key in ("source", "market", "interval"):
        if old.get(key) != meta[key]:
            raise ValueError(
                f"out: {out / kind} holds a {old.get('source')} {old.get('market')} "
                f"{old.get('interval')} dataset; got {key}={meta[key]!r}. Use another out "
                f"folder (nothing already written is overwritten)."
            )


def build(
    source: str,
    symbols: str | list[str],
    start: Any,
    end: Any,
    *,
    out: str | Path,
    interval: str = "1h",
    base_url: str | None = None,
    kind: str = "ohlcv",
    market: str | None = None,
    period: str = "monthly",
    progress: bool = True,
    timeout: float = 60.0,
) -> BuildResult:
    """Build a partitioned Parquet dataset from a public bulk archive (resumable, idempotent).

    Parameters
    ----------
    source : {"binance", "bybit", "okx"}
        ``"binance"``: data.binance.vision (klines, ``fundingRate``, ``metrics``);
        ``"bybit"``: public.bybit.com trading history (trades aggregated to bars);
        ``"okx"``: OKX's historical-data trade archive (trades aggregated to bars).
    symbols : str or list of str
        Archive symbols: ``"BTCUSDT"`` (Binance, Bybit), ``"BTCUSD_PERP"`` (Binance COIN-M),
        ``"BTC-USDT"`` or ``"BTC-USDT-SWAP"`` (OKX).
    start, end : str or Timestamp
        First and last day (UTC, inclusive). Monthly files are taken whole for every month
        from ``start`` to ``end``; daily files for the days in between.
    out : str or Path
        Dataset folder (created). Holds one dataset per kind: building another source,
        market or interval into the same folder is refused.
    interval : str
        Bar length, one of ``1s 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d`` (klines and bars
        from trades; not used for funding and metrics, whose spacing is the archive's).
    base_url : str, optional
        Archive root (default: the venue's public URL); ``file://`` and ``http://`` mirrors
        with the same layout work too.
    kind : {"ohlcv", "funding", "metrics"}
        ``"funding"`` and ``"metrics"``: Binance USDⓈ-M or COIN-M only.
    market : str, optional
        Binance ``"spot"``, ``"um"`` (default) or ``"cm"``; Bybit ``"linear"`` (default),
        ``"inverse"`` or ``"spot"``; OKX ``"spot"`` (default), ``"swap"`` or ``"futures"``.
    period : {"monthly", "daily"}
        Binance klines: monthly files (default) or daily files (for the current month).
    progress : bool
        Show a tqdm progress bar over files (on stderr).
    timeout : float
        Seconds to wait for each HTTP response.

    Returns
    -------
    BuildResult
        One record per file and partition; ``summary()`` counts files fetched, cached,
        verified against a published checksum and failed, and partitions written, unchanged
        and repaired.

    Raises
    ------
    ValueError, TypeError
        For a bad argument (named in the message), or an ``out`` holding another dataset.

    Warns
    -----
    ArchiveBuildWarning
        If any file failed (missing, corrupt, unparsable): the message counts them, and
        ``result.errors`` has one reason per URL. The other files are built.

    See Also
    --------
    load_ohlcv : read the dataset back as tidy frames.

    Notes
    -----
    A file is accepted only if :math:`\\mathrm{sha256}(\\text{bytes}) = h_{pub}`, the hash in
    the archive's checksum file (Binance); where none is published (Bybit, OKX) its sha256 is
    recorded and the zip/gzip CRC-32 checks the content. A partition is rebuilt only when a
    file it needs was missing or failed before; the data written are a pure function of the
    verified files, so a re-run writes the same bytes or nothing.

    References
    ----------
    Binance, binance-public-data README, https://github.com/binance/binance-public-data ;
    Bybit public data, https://public.bybit.com ; OKX data download,
    https://www.okx.com/data-download

    Examples
    --------
    A one-file archive in Binance's layout (two hand-made hourly bars), served from a folder:

    >>> import hashlib, pathlib, tempfile, zipfile
    >>> from riskkit.data import build, load_ohlcv
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> folder = tmp / "data/futures/um/monthly/klines/BTCUSDT/1h"
    >>> folder.mkdir(parents=True)
    >>> rows = ("1704067200000,100,110,90,105,2,1704070799999,210,7,1,105,0\\n"
    ...         "1704070800000,105,106,101,102,3,1704074399999,306,9,1,102,0\\n")
    >>> with zipfile.ZipFile(folder / "BTCUSDT-1h-2024-01.zip", "w") as zf:
    ...     zf.writestr("BTCUSDT-1h-2024-01.csv", rows)
    >>> digest = hashlib.sha256((folder / "BTCUSDT-1h-2024-01.zip").read_bytes()).hexdigest()
    >>> _ = (folder / "BTCUSDT-1h-2024-01.zip.CHECKSUM").write_text(
    ...     f"{digest}  BTCUSDT-1h-2024-01.zip\\n")
    >>> result = build("binance", "BTCUSDT", "2024-01-01", "2024-01-31", out=tmp / "out",
    ...                base_url=tmp.as_uri(), progress=False)
    >>> result.fetched, result.verified, result.failed
    (1, 1, 0)
    >>> load_ohlcv(tmp / "out", "BTCUSDT")["close"].tolist()
    [105.0, 102.0]
    >>> build("binance", "BTCUSDT", "2024-01-01", "2024-01-31", out=tmp / "out",
    ...       base_url=tmp.as_uri(), progress=False).fetched  # a re-run downloads nothing
    0
    """
    check_option(source, "source", tuple(SOURCES))
    check_option(kind, "kind", ("ohlcv", "funding", "metrics"))
    check_option(interval, "interval", INTERVALS)
    check_option(period, "period", ("daily", "monthly"))
    module = SOURCES[source]
    market = DEFAULT_MARKET[source] if market is None else market
    check_option(market, "market", tuple(module.MARKETS))
    check_option(kind, "kind", module.KINDS)
    names = _symbols(symbols)
    lo, hi = _as_stamp(start, "start"), _as_stamp(end, "end")
    if hi < lo:
        raise ValueError(f"end must not be before start; got start={start!r}, end={end!r}")
    if kind != "ohlcv":
        # funding prints and metrics snapshots have their own spacing; interval is not used
        interval = {"funding": "8h", "metrics": "5m"}[kind]
    root = Path(out)
    meta = {"source": source, "market": market, "interval": interval, "kind": kind}
    _check_same_dataset(root, kind, meta)
    remotes = module.plan(
        names,
        lo,
        hi,
        kind=kind,
        interval=interval,
        market=market,
        period=period,
        base_url=base_url or module.BASE_URL,
    )
    by_partition: dict[tuple[str, str], list[RemoteFile]] = {}
    for r in remotes:
        by_partition.setdefault((r.symbol, r.month), []).append(r)

    from tqdm import tqdm

    files: list[FileRecord] = []
    partitions: list[PartitionRecord] = []
    bar = tqdm(total=len(remotes), unit="file", desc=f"{source} {kind}", disable=not progress)
    try:
        for (symbol, month), group in by_partition.items():
            f_recs, p_rec = _build_partition(module, group, root, symbol, month, meta, timeout, bar)
            files.extend(f_recs)
            partitions.append(p_rec)
    finally:
        bar.close()
        result = BuildResult(source, market, kind, interval, root, tuple(files), tuple(partitions))
        if partitions:
            _write_summary(root, kind, meta, result, names, lo, hi)
    if result.failed:
        first = next(iter(result.errors.items()))
        warnings.warn(
            f"{result.failed} of {len(result.files)} archive files failed and were left out "
            f"(first: {first[0]}: {first[1]}); result.errors lists them all. Run the build "
            "again to retry them: verified files are not downloaded again.",
            ArchiveBuildWarning,
            stacklevel=2,
        )
    return result


def _build_partition(
    module: ModuleType,
    group: list[RemoteFile],
    root: Path,
    symbol: str,
    month: str,
    meta: dict[str, Any],
    timeout: float,
    bar: Any,
) -> tuple[list[FileRecord], PartitionRecord]:
    kind, market, interval = meta["kind"], meta["market"], meta["interval"]
    folder = store.partition_dir(root, kind, symbol, month)
    urls = [r.url for r in group]
    prov = store.read_json(folder / store.PROVENANCE)
    if prov is None or not (folder / store.PART).is_file():
        prov = None
    old_ok = {f["url"]: f for f in (prov or {}).get("files", []) if f["status"] != FAILED}
    if prov is not None and all(url in old_ok for url in urls):
        # every file this partition needs is already in it: no request, nothing written
        bar.update(len(group))
        recs = [
            FileRecord(url, symbol, month, CACHED, *(old_ok[url][k] for k in _KEPT)) for url in urls
        ]
        part = PartitionRecord(
            symbol, month, "unchanged", str(folder), prov["rows"], tuple(prov["defects_repaired"])
        )
        return recs, part
    # files already in the partition but outside this request are kept (from the cache)
    group = group + [
        RemoteFile(
            meta["source"], kind, symbol, month, f["relpath"], url,
            f["checksum_url"] or None, f["compression"],
        )
        for url, f in old_ok.items()
        if url not in urls
    ]  # fmt: skip
    records: list[FileRecord] = []
    frames: list[pd.DataFrame] = []
    repairs: list[str] = []
    for remote in group:
        try:
            path, status, sha, checksum, retrieved = _obtain(remote, root, timeout)
            try:
                data = _unpack(path, remote.compression)
            except (zipfile.BadZipFile, EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
                aside = _quarantine(path, root, "broken archive")
                raise DataIntegrityError(
                    f"{remote.url}: the archive is truncated or corrupt ({exc}); it was not "
                    f"parsed and was quarantined to {aside}. Run the build again to fetch it "
                    "again."
                ) from exc
            frame, notes = module.parse(data, remote, market=market, interval=interval)
        except (
            _MissingFileError,
            DataIntegrityError,
            DataUnavailableError,
            ValueError,
            KeyError,
            OSError,
        ) as exc:
            error = " ".join(str(exc).split())
            if isinstance(exc, KeyError):
                error = f"{remote.url}: unexpected file format, no column {exc}"
            logger.error("%s", error)
            records.append(FileRecord(remote.url, symbol, month, FAILED, error=error))
        else:
            frames.append(frame)
            repairs.extend(notes)
            records.append(FileRecord(remote.url, symbol, month, status, sha, checksum, retrieved))
        if remote.url in urls:
            bar.update(1)
    if not frames:
        why = "; ".join(r.error for r in records if r.error)
        return records, PartitionRecord(symbol, month, "failed", str(folder), 0, error=why)
    try:
        frame = module.combine(frames, repairs, interval=interval)
        first = pd.Timestamp(f"{month}-01", tz="UTC")
        inside = (frame.index >= first) & (frame.index < first + pd.offsets.MonthBegin(1))
        if not inside.all():
            _note(repairs, f"{int((~inside).sum())} rows outside {month} left to their own month")
            frame = frame[inside]
        frame = schema.conform(frame, kind)
        schema.validate(frame, kind, what=f"{meta['source']} {symbol} {month}")
    except ValueError as exc:
        error = " ".join(str(exc).split())
        return records, PartitionRecord(symbol, month, "failed", str(folder), 0, error=error)
    provenance = {
        **meta,
        "symbol": symbol,
        "month": month,
        "venue": module.VENUE,
        "licence": module.LICENCE,
        "format_source": module.FORMAT_SOURCE,
        "built": _utc_now(),
        "rows": len(frame),
        "first": str(frame.index[0]) if len(frame) else "",
        "last": str(frame.index[-1]) if len(frame) else "",
        "units": schema.units(kind, frame.columns),
        "defects_repaired": list(repairs),
        "files": [
            {
                "url": r.url,
                "status": r.status,
                "sha256": r.sha256,
                "checksum": r.checksum,
                "checksum_url": g.checksum_url or "",
                "relpath": g.relpath,
                "compression": g.compression,
                "retrieved": r.retrieved,
                "error": r.error,
            }
            for r, g in zip(records, group, strict=True)
        ],
    }
    if prov is not None:
        new_ok = {r.url for r in records if r.status != FAILED}
        if not new_ok > set(old_ok):  # never replace a partition by one with fewer files
            return records, PartitionRecord(
                symbol, month, "unchanged", str(folder), int(prov["rows"]), tuple(repairs)
            )
    store.write_partition(frame, folder, provenance)
    written = PartitionRecord(symbol, month, "written", str(folder), len(frame), tuple(repairs))
    return records, written


def _write_summary(
    root: Path,
    kind: str,
    meta: dict[str, Any],
    result: BuildResult,
    symbols: list[str],
    lo: pd.Timestamp,
    hi: pd.Timestamp,
) -> None:
    """``OUT/<kind>/_summary.json``: the dataset, its partitions and the last build's counts."""
    path = root / kind / store.SUMMARY
    old = store.read_json(path) or {}
    parts = {(p["symbol"], p["month"]): p for p in old.get("partitions", [])}
    for p in result.partitions:
        if p.status != "failed":
            parts[(p.symbol, p.month)] = {"symbol": p.symbol, "month": p.month, "rows": p.rows}
    payload = {
        **meta,
        "layout": f"{kind}/symbol=<SYMBOL>/month=<YYYY-MM>/part-0.parquet",
        "symbols": sorted({s for s, _ in parts}),
        "partitions": [parts[k] for k in sorted(parts)],
        "last_build": {
            "built": _utc_now(),
            "symbols": symbols,
            "start": str(lo.date()),
            "end": str(hi.date()),
            "counts": {str(k): int(v) for k, v in result.summary()["count"].items()},
            "errors": result.errors,
        },
    }
    root.mkdir(parents=True, exist_ok=True)
    store.write_json(path, payload)
