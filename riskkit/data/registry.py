"""The data registry: ``registry.txt`` (filename, sha256, url) and the provenance sidecars.

The registry is ``data/`` in a source checkout and ``riskkit/_registry/`` in an installed
wheel (see :mod:`riskkit.data`). :func:`list_datasets` and :func:`provenance` read it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from riskkit.exceptions import DataUnavailableError, UnknownDatasetError

__all__ = ["list_datasets", "provenance"]


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
