"""Builders for public bulk archives: Binance, Bybit and OKX, into a partitioned Parquet dataset.

:func:`build` (also ``python -m riskkit.data build``) downloads the archive files a request
needs, verifies each against the archive's published checksum where one exists, parses it
with the registry's repair rules and writes ``OUT/<kind>/symbol=<SYMBOL>/month=<YYYY-MM>/
part-0.parquet`` with a provenance sidecar per partition; :func:`load_ohlcv` and
:func:`load_archive` read the dataset back as tidy frames, :func:`load_user_ohlcv` reads the
user's own files through the same schema.

Archive modules
---------------
``binance``, ``bybit``, ``okx``
    One per archive: URL layout, file names, CSV formats and their quirks, with sources.
``plan``
    The remote files of a build.
``build``
    The engine (plan -> download -> verify -> parse -> write) and :class:`BuildResult`.
``bars``
    Bars from trade prints (Bybit, OKX).
``schema``
    Columns, units and validation rules of each dataset kind.
``store``
    The Parquet layout: atomic writes, partitions and sidecars.
``readers``
    :func:`load_ohlcv`, :func:`load_archive`, :func:`load_user_ohlcv`.
``recorded``
    :func:`record_binance_klines`: bars written back in the archive's own format (offline
    demonstrations and tests).
"""

from __future__ import annotations

from riskkit.data.archives.build import BuildResult, FileRecord, PartitionRecord, build
from riskkit.data.archives.readers import load_archive, load_ohlcv, load_user_ohlcv
from riskkit.data.archives.recorded import record_binance_klines

__all__ = [
    "BuildResult",
    "FileRecord",
    "PartitionRecord",
    "build",
    "load_archive",
    "load_ohlcv",
    "load_user_ohlcv",
    "record_binance_klines",
]
