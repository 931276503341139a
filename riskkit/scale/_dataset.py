"""Panel inputs: a mapping of frames, or a hive-partitioned Parquet dataset read per symbol.

A dataset has the layout written by :mod:`riskkit.data`'s archive builders::

    ROOT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/part-0.parquet

with a UTC ``timestamp`` column and ``open``, ``high``, ``low``, ``close``, ``volume``. The
driver only lists directories; each task reads its own symbol's month files
(:func:`_load`), so no process ever holds more than one symbol's bars.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import describe

__all__: list[str] = []

_PRICE_COLUMNS = ("high", "low")


@dataclass(frozen=True, slots=True)
class _Files:
    """One symbol's month files (sorted by month), read by the task that needs them."""

    symbol: str
    paths: tuple[str, ...]


def _bound(value: Any, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a date or timestamp; got {describe(value)}") from exc
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _month_dirs(symbol_dir: Path) -> list[tuple[str, Path]]:
    out = []
    for child in symbol_dir.iterdir():
        if child.is_dir() and child.name.startswith("month="):
            out.append((child.name.removeprefix("month="), child))
    return sorted(out)


def _dataset_root(path: Path, kind: str | None) -> Path:
    if not path.is_dir():
        raise ValueError(f"data must be an existing dataset directory; got {str(path)!r}")
    if kind is not None:
        path = path / kind
        if not path.is_dir():
            raise ValueError(f"kind must name a sub-directory of the dataset; got {kind!r}")
    if not any(c.name.startswith("symbol=") for c in path.iterdir() if c.is_dir()):
        kinds = sorted(c.name for c in path.iterdir() if c.is_dir())
        raise ValueError(
            f"data must be a directory holding symbol=<SYMBOL>/month=<YYYY-MM>/ partitions "
            f"(or pass kind= one of {kinds}); got {str(path)!r}"
        )
    return path


def _sources(
    data: Any,
    *,
    kind: str | None,
    symbols: Sequence[str] | None,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> list[tuple[str, Any]]:
    """``(symbol, source)`` pairs, sorted by symbol: a frame/Series or a :class:`_Files`."""
    if isinstance(data, str | os.PathLike):
        root = _dataset_root(Path(data), kind)
        available: dict[str, Any] = {}
        for child in sorted(root.iterdir()):
            if not (child.is_dir() and child.name.startswith("symbol=")):
                continue
            symbol = child.name.removeprefix("symbol=")
            files: list[str] = []
            for month, mdir in _month_dirs(child):
                # month pruning: skip whole months outside [start, end]
                first = pd.Timestamp(f"{month}-01", tz="UTC")
                if end is not None and first > end:
                    continue
                if start is not None and first + pd.offsets.MonthBegin(1) <= start:
                    continue
                files.extend(str(p) for p in sorted(mdir.glob("*.parquet")))
            available[symbol] = _Files(symbol, tuple(files))
    elif isinstance(data, Mapping):
        if kind is not None:
            raise ValueError(
                f"kind applies to a Parquet dataset path; got kind={kind!r} with a mapping"
            )
        available = {}
        for symbol, frame in data.items():
            if not isinstance(symbol, str):
                raise TypeError(f"data keys must be symbol strings; got {describe(symbol)}")
            if not isinstance(frame, pd.DataFrame | pd.Series):
                raise TypeError(
                    f"data[{symbol!r}] must be a DataFrame of bars or a Series of prices; "
                    f"got {describe(frame)}"
                )
            available[symbol] = frame
    else:
        raise TypeError(
            "data must be a mapping {symbol: DataFrame or Series} or the path of a Parquet "
            f"dataset; got {describe(data)}"
        )
    if symbols is not None:
        if isinstance(symbols, str):
            symbols = [symbols]
        unknown = [s for s in symbols if s not in available]
        if unknown:
            names = sorted(available)
            shown = ", ".join(names[:20]) + (" ..." if len(names) > 20 else "")
            raise ValueError(f"symbols must be in the data ({shown}); unknown {unknown}")
        chosen = sorted(set(symbols))
    else:
        chosen = sorted(available)
    if not chosen:
        raise ValueError("data must hold at least one symbol; got none")
    return [(s, available[s]) for s in chosen]


def _load(
    source: Any,
    entry_column: str,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, pd.DatetimeIndex | pd.Index, int]:
    """High, low and entry prices of one symbol in time order, its index and rows dropped.

    A Series is a price path (high = low = entry: close-only monitoring). Rows with a
    missing high, low or entry price are dropped and counted.
    """
    columns = list(dict.fromkeys([*_PRICE_COLUMNS, entry_column]))
    if isinstance(source, _Files):
        import pyarrow as pa
        import pyarrow.parquet as pq

        tables = [pq.read_table(p, columns=["timestamp", *columns]) for p in source.paths]
        if tables:
            frame = pa.concat_tables(tables).to_pandas()
        else:
            frame = pd.DataFrame(columns=["timestamp", *columns])
        frame = frame.set_index(pd.DatetimeIndex(pd.to_datetime(frame.pop("timestamp"), utc=True)))
        frame = frame.sort_index(kind="stable")
    elif isinstance(source, pd.Series):
        frame = pd.DataFrame({c: source for c in columns})
    else:
        missing = [c for c in columns if c not in source.columns]
        if missing:
            raise ValueError(
                f"frame must have columns {columns}; missing {missing} (got {list(source.columns)})"
            )
        frame = source[columns]
    if start is not None or end is not None:
        if not isinstance(frame.index, pd.DatetimeIndex):
            raise ValueError(
                "start and end need bars on a DatetimeIndex; got an index of type "
                f"{type(frame.index).__name__}"
            )
        idx = frame.index
        if idx.tz is None:
            idx = idx.tz_localize("UTC")
        keep = np.ones(len(frame), dtype=bool)
        if start is not None:
            keep &= idx >= start
        if end is not None:
            keep &= idx <= end
        frame = frame[keep]
    if isinstance(frame.index, pd.DatetimeIndex) and not frame.index.is_monotonic_increasing:
        raise ValueError("bars must be in time order; got a DatetimeIndex that is not increasing")
    values = frame.to_numpy(dtype=np.float64)
    ok = np.isfinite(values).all(axis=1)
    dropped = int((~ok).sum())
    if dropped:
        values, index = values[ok], frame.index[ok]
    else:
        index = frame.index
    high, low = values[:, columns.index("high")], values[:, columns.index("low")]
    entry = values[:, columns.index(entry_column)]
    return high, low, entry, index, dropped
