"""Reading archive datasets and the user's own files into tidy frames.

:func:`load_ohlcv`, :func:`load_archive` read a dataset written by
:func:`riskkit.data.build`; :func:`load_user_ohlcv` reads the user's own CSV or Parquet file
through the same schema validation. Frames are like the bundled loaders' (:mod:`riskkit.data`):
a UTC :class:`~pandas.DatetimeIndex` named ``time``, sorted, without duplicates, float64
columns named as in :mod:`riskkit.data.archives.schema`, and ``attrs`` with ``units``,
``provenance`` and ``repairs``.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import pandas as pd

from riskkit._validation import check_option
from riskkit.data.archives import schema, store

__all__ = ["load_archive", "load_ohlcv", "load_user_ohlcv"]


def _bound(value: Any, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a date or timestamp; got {value!r}") from None
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _dataset_root(path_or_dataset: Any) -> Path:
    if isinstance(path_or_dataset, str | Path):
        return Path(path_or_dataset)
    out = getattr(path_or_dataset, "out", None)  # a BuildResult
    if isinstance(out, Path):
        return out
    raise TypeError(
        "path_or_dataset must be a dataset folder (str or Path) or the BuildResult of "
        f"riskkit.data.build; got {type(path_or_dataset).__name__}"
    )


def load_archive(
    path_or_dataset: Any,
    kind: str = "ohlcv",
    symbols: str | list[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> dict[str, pd.DataFrame]:
    """Every symbol of one kind of an archive dataset, as tidy frames.

    Parameters
    ----------
    path_or_dataset : str, Path or BuildResult
        The ``out`` folder of :func:`riskkit.data.build` (or its result).
    kind : {"ohlcv", "funding", "metrics"}
        Which dataset of the folder.
    symbols : str or list of str, optional
        Symbols to read (default: all in the dataset).
    start, end : str or Timestamp, optional
        Keep rows with ``start <= time <= end`` (UTC; a date alone means 00:00 UTC).

    Returns
    -------
    dict of str to DataFrame
        Symbol -> frame indexed by UTC ``time``, with ``attrs["units"]``,
        ``attrs["provenance"]`` (source, venue, market, files with URL and sha256, retrieval
        times, partitions) and ``attrs["repairs"]``.

    Raises
    ------
    ValueError
        If the folder holds no such dataset, or a requested symbol is not in it (the message
        lists those that are).

    Examples
    --------
    >>> from riskkit.data import load_archive
    >>> frames = load_archive("archive", "funding", ["BTCUSDT"])  # doctest: +SKIP
    """
    check_option(kind, "kind", tuple(schema.COLUMNS))
    root = _dataset_root(path_or_dataset)
    wanted = [symbols] if isinstance(symbols, str) else symbols
    found = store.read_partitions(root, kind, wanted)
    summary = store.read_json(root / kind / store.SUMMARY) or {}
    if not found:
        raise ValueError(
            f"path_or_dataset: no {kind} partitions under {root / kind} (rule: a dataset written "
            f"by riskkit.data.build, {kind}/symbol=<SYMBOL>/month=<YYYY-MM>/part-0.parquet)"
        )
    if wanted is not None:
        missing = [s for s in wanted if s not in found]
        if missing:
            raise ValueError(
                f"symbols: {missing} not in the dataset {root / kind}; it has {sorted(found)}"
            )
    lo, hi = _bound(start, "start"), _bound(end, "end")
    out: dict[str, pd.DataFrame] = {}
    for symbol, parts in found.items():
        frames, repairs, files = [], [], []
        for part, prov in parts:
            month = pd.Period(prov["month"], freq="M")
            first = month.start_time.tz_localize("UTC")
            last = month.end_time.tz_localize("UTC")
            if (lo is not None and last < lo) or (hi is not None and first > hi):
                continue
            frames.append(store.read_frame(part))
            repairs.extend(prov.get("defects_repaired", []))
            files.extend(prov.get("files", []))
        if not frames:
            frame = store.read_frame(parts[0][0]).iloc[:0]
        else:
            frame = pd.concat(frames).sort_index(kind="stable")
        if lo is not None:
            frame = frame[frame.index >= lo]
        if hi is not None:
            frame = frame[frame.index <= hi]
        prov0 = parts[0][1]
        name = f"{prov0['source']}_{prov0['market']}_{symbol.lower()}_{kind}"
        provenance = {
            "name": name,
            "source": prov0["source"],
            "venue": prov0["venue"],
            "market": prov0["market"],
            "instrument": symbol,
            "kind": kind,
            "frequency": prov0["interval"],
            "licence": prov0.get("licence", ""),
            "format_source": prov0.get("format_source", ""),
            "dataset": str(root / kind),
            "built": summary.get("last_build", {}).get("built", ""),
            "files": files,
            "urls": [f["url"] for f in files],
            "units": schema.units(kind, frame.columns),
            "defects_repaired": list(repairs),
        }
        attrs: dict[Hashable, Any] = {
            "dataset": name,
            "title": f"{prov0['venue']} {prov0['market']} {symbol} {kind} {prov0['interval']}",
            "source": prov0["source"],
            "venue": prov0["venue"],
            "instrument": symbol,
            "frequency": prov0["interval"],
            "units": provenance["units"],
            "provenance": provenance,
            "repairs": list(repairs),
        }
        frame.attrs = attrs
        out[symbol] = frame
    return dict(sorted(out.items()))


def load_ohlcv(
    path_or_dataset: Any,
    symbols: str | list[str] | None = None,
    start: Any = None,
    end: Any = None,
) -> pd.DataFrame | dict[str, pd.DataFrame]:
    """OHLCV bars from an archive dataset (:func:`riskkit.data.build`), as tidy frames.

    Parameters
    ----------
    path_or_dataset : str, Path or BuildResult
        The dataset folder.
    symbols : str or list of str, optional
        One symbol (a frame is returned) or several / None for all (a dict is returned).
    start, end : str or Timestamp, optional
        Keep bars opening in ``[start, end]`` (UTC).

    Returns
    -------
    DataFrame or dict of str to DataFrame
        Indexed by bar open time (UTC ``time``): ``open``, ``high``, ``low``, ``close``
        (quote currency per base unit), ``volume_base`` (base units), ``volume_quote``
        (quote currency), ``trades`` (count), ``taker_buy_volume_base``,
        ``taker_buy_volume_quote``; ``attrs`` as :func:`load_archive`.

    See Also
    --------
    load_archive, load_user_ohlcv, riskkit.data.load_perp_ohlcv

    Notes
    -----
    The bars satisfy :math:`L \\le \\min(O, C) \\le \\max(O, C) \\le H` and non-negative
    volumes (checked when written, :mod:`riskkit.data.archives.schema`).

    Examples
    --------
    >>> from riskkit.data import load_ohlcv
    >>> btc = load_ohlcv("archive", "BTCUSDT", start="2024-01-01")  # doctest: +SKIP
    """
    frames = load_archive(path_or_dataset, "ohlcv", symbols, start, end)
    return frames[symbols] if isinstance(symbols, str) else frames


_ALIASES = {
    "time": "timestamp",
    "date": "timestamp",
    "datetime": "timestamp",
    "open_time": "timestamp",
    "volume": "volume_base",
}


def load_user_ohlcv(
    path: str | Path,
    *,
    timestamp: str = "timestamp",
    unit: str | None = None,
    symbol: str = "",
    units: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read the user's own OHLCV bars (CSV or Parquet) through the archive schema.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (optionally ``.csv.gz``) or ``.parquet`` file with a header row.
    timestamp : str
        Name of the bar-open-time column (``time``, ``date``, ``datetime`` and ``open_time``
        are also recognised). Text is parsed as ISO 8601 (naive = UTC); numbers need ``unit``.
    unit : {"s", "ms", "us", "ns"}, optional
        Unit of numeric epoch timestamps.
    symbol : str
        Instrument name, for ``attrs`` and messages.
    units : dict, optional
        Units of the columns, overriding the schema's.

    Returns
    -------
    DataFrame
        Indexed by UTC ``time``; ``open``, ``high``, ``low``, ``close``, ``volume_base``
        (from ``volume`` if so named) and whichever optional columns of the schema are present
        (``volume_quote``, ``trades``, ...); ``attrs`` with ``units`` and ``provenance``
        (file, sha256).

    Raises
    ------
    ValueError
        Naming the column and the rule it breaks: a missing column, unparsable or
        non-increasing or duplicate timestamps, NaN in a required column, a negative price or
        volume, ``high < low``, ``high < max(open, close)`` or ``low > min(open, close)``.
        User files are validated, not repaired.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "bars.csv"
    >>> _ = f.write_text("timestamp,open,high,low,close,volume\\n"
    ...                  "2024-01-01 00:00,10,11,9,10.5,3\\n2024-01-01 01:00,10.5,12,10,11,4\\n")
    >>> load_user_ohlcv(f)["close"].tolist()
    [10.5, 11.0]
    >>> _ = f.write_text("timestamp,open,high,low,close,volume\\n"
    ...                  "2024-01-01 00:00,10,11,9,10.5,-3\\n")
    >>> load_user_ohlcv(f)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: bars.csv: column 'volume_base' breaks the rule volume_base >= 0: ...
    """
    from riskkit.data.fetching import _sha256

    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be an existing file; got {str(path)!r}")
    name = path.name.lower()
    if name.endswith(".parquet"):
        raw = pd.read_parquet(path)
    elif name.endswith((".csv", ".csv.gz", ".txt")):
        raw = pd.read_csv(path, encoding="utf-8-sig")
    else:
        raise ValueError(f"path must be a .csv, .csv.gz or .parquet file; got {path.name!r}")
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    key = timestamp.lower()
    if key not in raw.columns:
        alias = [c for c in raw.columns if _ALIASES.get(c) == "timestamp"]
        if not alias:
            raise ValueError(
                f"{path.name}: missing column {timestamp!r} (rule: a bar-open-time column; "
                f"pass timestamp=<name>); got columns {list(raw.columns)}"
            )
        key = alias[0]
    if "volume" in raw.columns and "volume_base" not in raw.columns:
        raw = raw.rename(columns={"volume": "volume_base"})
    stamps = raw[key]
    try:
        if pd.api.types.is_numeric_dtype(stamps):
            if unit is None:
                raise ValueError("numeric timestamps need unit= ('s', 'ms', 'us' or 'ns')")
            check_option(unit, "unit", ("s", "ms", "us", "ns"))
            scale = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
            nanos = (stamps.to_numpy(dtype="float64") * scale).round().astype("int64")
            time = pd.DatetimeIndex(pd.to_datetime(nanos, unit="ns", utc=True))
        else:
            time = pd.DatetimeIndex(pd.to_datetime(stamps, utc=True, format="ISO8601"))
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{path.name}: column {key!r} breaks the rule parseable timestamps ({exc})"
        ) from None
    frame = raw.drop(columns=[key])
    known = [c for c in schema.COLUMNS["ohlcv"] if c in frame.columns]
    bad_types = [c for c in known if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad_types:
        raise ValueError(
            f"{path.name}: column {bad_types[0]!r} breaks the rule numeric values; got "
            f"dtype {frame[bad_types[0]].dtype}"
        )
    frame = frame[known].astype("float64")
    frame.index = pd.DatetimeIndex(time, name="time").as_unit("ns")  # as the datasets
    schema.validate(frame, "ohlcv", what=path.name)
    table_units = schema.units("ohlcv", frame.columns)
    table_units.update(units or {})
    provenance = {
        "name": path.stem,
        "source": "user file",
        "file": str(path.resolve()),
        "sha256": _sha256(path),
        "instrument": symbol,
        "units": table_units,
        "defects_repaired": [],
    }
    frame.attrs = {
        "dataset": path.stem,
        "source": "user file",
        "instrument": symbol,
        "units": table_units,
        "provenance": provenance,
        "repairs": [],
    }
    return frame
