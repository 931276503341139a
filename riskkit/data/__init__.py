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

Modules
-------
``registry``
    ``registry.txt`` and the provenance sidecars: :func:`list_datasets`, :func:`provenance`.
``fetching``
    Fetching by hash (cache, mirror, download): :func:`fetch`.
``parsers``, ``repairs``
    One parser per upstream file format; the repairs of upstream defects.
``loaders``
    The ``load_*`` functions and :func:`coverage`.
``events``
    The crash catalogue.
``archives``
    Builders for the public bulk archives (Binance, Bybit, OKX): :func:`build` writes a
    partitioned Parquet dataset with provenance; :func:`load_ohlcv` and :func:`load_archive`
    read it; :func:`load_user_ohlcv` reads the user's own files through the same schema.
``cli``
    ``python -m riskkit.data`` (``fetch``, ``list``, ``build``).

Every name is imported from ``riskkit.data``. Assigning a name on the package (as
``monkeypatch.setattr(riskkit.data, name, value)`` does) also rebinds it in the submodules that
use it, so a patch takes effect where the code reads it. The private names that the tests use
are re-exported explicitly (``from riskkit.data.registry import _registry as _registry``).
"""

from __future__ import annotations

import logging
import sys
import types
from typing import Any

from riskkit.data import archives as archives
from riskkit.data import cli, events, fetching, loaders, parsers, registry, repairs
from riskkit.data.archives import (
    BuildResult,
    build,
    load_archive,
    load_ohlcv,
    load_user_ohlcv,
)
from riskkit.data.cli import main as _main  # noqa: F401 (the tests call _main)
from riskkit.data.events import EVENTS, CrashEvent, event, events_frame
from riskkit.data.fetching import fetch
from riskkit.data.loaders import (
    coverage,
    load_aave_v2_liquidations,
    load_funding,
    load_liquidations,
    load_margin_debt,
    load_open_interest,
    load_orderbook_depth,
    load_perp_ohlcv,
    load_sp500,
    load_spot_ohlcv,
    load_vix,
)
from riskkit.data.parsers import _LIQ_COLUMNS as _LIQ_COLUMNS
from riskkit.data.parsers import _parse_aave_liquidations as _parse_aave_liquidations
from riskkit.data.parsers import _parse_binance_funding_api as _parse_binance_funding_api
from riskkit.data.parsers import _parse_binance_funding_export as _parse_binance_funding_export
from riskkit.data.parsers import _parse_bitmex_funding as _parse_bitmex_funding
from riskkit.data.parsers import _parse_cdd_csv as _parse_cdd_csv
from riskkit.data.parsers import _parse_coinalyze_oi as _parse_coinalyze_oi
from riskkit.data.parsers import (
    _parse_coinglass_liquidations_csv as _parse_coinglass_liquidations_csv,
)
from riskkit.data.parsers import _parse_coinglass_parquet as _parse_coinglass_parquet
from riskkit.data.parsers import _parse_hyperliquid_depth as _parse_hyperliquid_depth
from riskkit.data.parsers import _parse_shiller as _parse_shiller
from riskkit.data.parsers import _parse_vix as _parse_vix
from riskkit.data.registry import _registry as _registry
from riskkit.data.registry import _registry_dir as _registry_dir
from riskkit.data.registry import _sidecar as _sidecar
from riskkit.data.registry import _sidecars as _sidecars
from riskkit.data.registry import list_datasets, provenance
from riskkit.data.repairs import _merge_snapshots as _merge_snapshots
from riskkit.data.repairs import _repair_bad_first_open as _repair_bad_first_open
from riskkit.data.repairs import _repair_bitstamp as _repair_bitstamp

__all__ = [
    "EVENTS",
    "BuildResult",
    "CrashEvent",
    "build",
    "coverage",
    "event",
    "events_frame",
    "fetch",
    "list_datasets",
    "load_aave_v2_liquidations",
    "load_archive",
    "load_funding",
    "load_liquidations",
    "load_margin_debt",
    "load_ohlcv",
    "load_open_interest",
    "load_orderbook_depth",
    "load_perp_ohlcv",
    "load_sp500",
    "load_spot_ohlcv",
    "load_user_ohlcv",
    "load_vix",
    "provenance",
]

logger = logging.getLogger(__name__)  # the package's logger; the submodules log on it

_SUBMODULES = (cli, events, fetching, loaders, parsers, registry, repairs)


class _Package(types.ModuleType):
    """``riskkit.data``: assigning a name rebinds it in every submodule that holds it too."""

    def __setattr__(self, name: str, value: Any) -> None:
        current = self.__dict__.get(name, _MISSING)
        if current is not _MISSING and not isinstance(current, types.ModuleType):
            for module in _SUBMODULES:
                if module.__dict__.get(name, _MISSING) is current:
                    setattr(module, name, value)
        super().__setattr__(name, value)


_MISSING = object()
sys.modules[__name__].__class__ = _Package
