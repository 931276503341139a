"""Command line: ``python -m riskkit.data fetch --all | NAME...`` and ``... list``.

``fetch`` verifies registered files into the cache (see :mod:`riskkit.data`); ``list`` prints
the datasets. ``riskkit/data/__main__.py`` runs :func:`main`.
"""

from __future__ import annotations

import logging
import sys

from riskkit.data.fetching import _cache_dir, fetch
from riskkit.data.registry import _registry, list_datasets

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    """``python -m riskkit.data fetch --all | NAME...``: fill the cache; ``list``: datasets."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m riskkit.data", description=main.__doc__)
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
