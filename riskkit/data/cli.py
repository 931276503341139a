"""Command line: ``python -m riskkit.data fetch --all | NAME...``, ``... list`` and ``... build``.

``fetch`` verifies registered files into the cache (see :mod:`riskkit.data`); a ``NAME`` is a
dataset name (as ``list`` prints them) or a registered file name. It goes on past a file that
fails and ends with one line per file (``verified``, ``copied from mirror``, ``downloaded`` or
``FAILED: reason``); the exit status is 1 if any file failed. ``list`` prints the datasets.
``build SOURCE --symbols S [S ...] --start DAY --end DAY --interval I --out DIR`` builds a
Parquet dataset from a public archive (:func:`riskkit.data.build`; ``--kind``, ``--market``,
``--period``, ``--base-url`` as its arguments), shows a progress bar, prints the summary and
one line per failed file, and exits with status 1 if any file failed.
``riskkit/data/__main__.py`` runs :func:`main`.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from riskkit.data.fetching import _cache_dir, _fetch_status, _mirror_setting
from riskkit.data.registry import _registry, _sidecars, list_datasets
from riskkit.exceptions import DataIntegrityError, DataUnavailableError, UnknownDatasetError

__all__ = ["main"]


def _files_for(names: list[str]) -> tuple[list[str], dict[str, str]]:
    """Registered files named by ``names`` (file or dataset names), and the unknown names."""
    registry, sidecars = _registry(), _sidecars()
    files: list[str] = []
    unknown: dict[str, str] = {}
    for name in names:
        if name in registry:
            found = [name]
        elif name in sidecars:
            found = list(sidecars[name]["files"])
        else:
            unknown[name] = (
                "not a dataset nor a registered file name; `python -m riskkit.data list` "
                "shows the datasets"
            )
            continue
        files.extend(f for f in found if f not in files)
    return files, unknown


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def main(argv: list[str] | None = None) -> int:
    """``python -m riskkit.data fetch --all | NAME...``: fill the cache; ``list``: datasets."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m riskkit.data", description=main.__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    get = sub.add_parser("fetch", help="verify registered files into the cache")
    get.add_argument("names", nargs="*", help="dataset names (see `list`) or registered file names")
    get.add_argument("--all", action="store_true", help="every registered file (the default)")
    get.add_argument("-v", "--verbose", action="store_true", help="log every step")
    sub.add_parser("list", help="list the datasets")
    make = sub.add_parser("build", help="build a Parquet dataset from a public archive")
    make.add_argument("source", choices=["binance", "bybit", "okx"])
    make.add_argument("--symbols", nargs="+", required=True, help="e.g. BTCUSDT ETHUSDT")
    make.add_argument("--start", required=True, help="first day (UTC), e.g. 2024-01-01")
    make.add_argument("--end", required=True, help="last day (UTC), inclusive")
    make.add_argument("--interval", default="1h", help="bar length (default 1h)")
    make.add_argument("--out", required=True, help="dataset folder")
    make.add_argument("--kind", default="ohlcv", choices=["ohlcv", "funding", "metrics"])
    make.add_argument("--market", default=None, help="binance spot|um|cm; bybit; okx")
    make.add_argument("--period", default="monthly", choices=["monthly", "daily"])
    make.add_argument("--base-url", default=None, help="archive root (default: the venue's)")
    make.add_argument("--no-progress", action="store_true", help="no progress bar")
    make.add_argument("-v", "--verbose", action="store_true", help="log every step")
    args = parser.parse_args(argv)
    if args.command == "list":
        sys.stdout.write(list_datasets().to_string() + "\n")
        return 0
    if args.command == "build":
        return _build(args)
    # the summary reports every file; the step-by-step log (and pooch's) only with --verbose
    level = logging.INFO if args.verbose else logging.ERROR
    logging.basicConfig(level=level, format="%(message)s")
    import pooch

    pooch.get_logger().setLevel(level)
    failed: dict[str, str]
    if args.all or not args.names:
        files, failed = sorted(_registry()), {}
    else:
        files, failed = _files_for(args.names)
    cache = _cache_dir()
    sys.stdout.write(f"cache {cache}; {_mirror_setting()}\n")
    lines = [f"{name}: FAILED: {why}" for name, why in failed.items()]
    for filename in files:
        try:
            _, status, note = _fetch_status(filename)
        except (DataIntegrityError, DataUnavailableError, UnknownDatasetError, OSError) as exc:
            failed[filename] = _one_line(exc)
            lines.append(f"{filename}: FAILED: {failed[filename]}")
        else:
            lines.append(f"{filename}: {status}" + (f" ({note})" if note else ""))
    sys.stdout.write("\n".join(lines) + "\n")
    ok = sum(f not in failed for f in files)
    summary = f"{ok} of {len(files)} data files verified in {cache}"
    if failed:
        sys.stdout.write(f"{summary}; {len(failed)} FAILED\n")
        return 1
    sys.stdout.write(summary + "\n")
    return 0


def _build(args: Any) -> int:
    """``python -m riskkit.data build ...``: run :func:`riskkit.data.build`, print the summary."""
    import warnings

    from riskkit.data.archives.build import build
    from riskkit.exceptions import ArchiveBuildWarning

    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(message)s")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ArchiveBuildWarning)  # the failures are printed below
        result = build(
            args.source,
            args.symbols,
            args.start,
            args.end,
            interval=args.interval,
            out=args.out,
            base_url=args.base_url,
            kind=args.kind,
            market=args.market,
            period=args.period,
            progress=not args.no_progress,
        )
    sys.stdout.write(result.summary().to_string() + "\n")
    for url, why in result.errors.items():
        sys.stdout.write(f"FAILED {url}: {why}\n")
    sys.stdout.write(f"dataset: {result.out / result.kind}\n")
    return 1 if result.failed else 0
