"""The Parquet dataset an archive build writes, and reading it back.

Layout (hive partitioning, read by :func:`pyarrow.dataset.dataset` with
``partitioning="hive"`` and by Dask)::

    OUT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/part-0.parquet
    OUT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/_provenance.json
    OUT/<kind>/_summary.json

``<kind>`` is ``ohlcv``, ``funding`` or ``metrics``. Each ``part-0.parquet`` holds the column
``timestamp`` (``timestamp[ns, tz=UTC]``) followed by the tidy columns of the kind (see
:mod:`riskkit.data.archives.schema`); ``symbol`` and ``month`` are partition keys, not stored
in the file. The sidecars start with ``_`` so that pyarrow and Dask skip them (their default
``ignore_prefixes``). Every file is written to a temporary name in the same folder and then
renamed with :func:`os.replace`, so a reader never sees a partial file and an interrupted
write leaves the previous version intact.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd

__all__: list[str] = []

PART = "part-0.parquet"
PROVENANCE = "_provenance.json"
SUMMARY = "_summary.json"


def partition_dir(out: Path, kind: str, symbol: str, month: str) -> Path:
    """``OUT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>``."""
    return Path(out) / kind / f"symbol={symbol}" / f"month={month}"


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary file beside ``target``, then rename it to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.replace(tmp, target)  # atomic on one file system
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(target: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as sorted, indented JSON, atomically."""
    text = json.dumps(payload, indent=2, sort_keys=True, default=str) + "\n"

    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    atomic_write(target, write)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or None if it is missing or unreadable."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_partition(frame: pd.DataFrame, folder: Path, provenance: dict[str, Any]) -> Path:
    """Write ``frame`` (indexed by UTC ``time``) to ``folder/part-0.parquet`` and its sidecar.

    The Parquet file is renamed into place before the sidecar, so a sidecar always describes
    the file beside it.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table_frame = frame.reset_index(drop=True)
    stamps = pd.DatetimeIndex(frame.index).as_unit("ns").tz_convert("UTC")
    table_frame.insert(0, "timestamp", stamps)
    table = pa.Table.from_pandas(table_frame, preserve_index=False)
    target = Path(folder) / PART
    atomic_write(target, lambda tmp: pq.write_table(table, tmp))
    write_json(Path(folder) / PROVENANCE, provenance)
    return target


def read_partitions(
    root: Path, kind: str, symbols: Iterable[str] | None
) -> dict[str, list[tuple[Path, dict[str, Any]]]]:
    """``{symbol: [(part file, provenance), ...]}`` for the complete partitions under ``root``."""
    base = Path(root) / kind
    found: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    wanted = None if symbols is None else set(symbols)
    for sym_dir in sorted(base.glob("symbol=*")):
        symbol = sym_dir.name.split("=", 1)[1]
        if wanted is not None and symbol not in wanted:
            continue
        for month_dir in sorted(sym_dir.glob("month=*")):
            part = month_dir / PART
            prov = read_json(month_dir / PROVENANCE)
            if part.is_file() and prov is not None:
                found.setdefault(symbol, []).append((part, prov))
    return found


def read_frame(part: Path) -> pd.DataFrame:
    """One partition as a frame indexed by UTC ``time`` (the ``timestamp`` column)."""
    import pyarrow.parquet as pq

    frame = pq.read_table(part).to_pandas()
    index = pd.DatetimeIndex(frame.pop("timestamp"), name="time")
    frame.index = index.tz_convert("UTC") if index.tz is not None else index.tz_localize("UTC")
    return frame
