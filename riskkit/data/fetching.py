"""Fetching by hash: cache (``$RISKKIT_DATA_DIR``), mirror (``$RISKKIT_DATA_MIRROR``), download.

Every file is verified against its registered sha256 before it is returned; the policy is
described in :mod:`riskkit.data`.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from datetime import UTC, datetime
from pathlib import Path

from riskkit.data.registry import _registry, _sidecars
from riskkit.exceptions import (
    DataIntegrityError,
    DataQualityWarning,
    DataUnavailableError,
    UnknownDatasetError,
)

__all__ = ["fetch"]

#: How :func:`_fetch_status` obtained a file (the ``python -m riskkit.data fetch`` summary).
VERIFIED, FROM_MIRROR, DOWNLOADED = "verified", "copied from mirror", "downloaded"

logger = logging.getLogger("riskkit.data")  # one logger for the package, as documented

_ENV_CACHE = "RISKKIT_DATA_DIR"
_ENV_MIRROR = "RISKKIT_DATA_MIRROR"


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


def _mirror_setting() -> str:
    """``RISKKIT_DATA_MIRROR is '/path'`` or ``RISKKIT_DATA_MIRROR is not set`` (for messages)."""
    mirror = os.environ.get(_ENV_MIRROR)
    return f"{_ENV_MIRROR} is {mirror!r}" if mirror else f"{_ENV_MIRROR} is not set"


def _corrupt_note(filename: str, expected: str, actual: str, aside: Path) -> str:
    return (
        f"the cached copy of {filename} had sha256 {actual}, expected {expected}; "
        f"it was moved aside to {aside}"
    )


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
    with :mod:`pooch`. See :mod:`riskkit.data` for the policy.

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

    Warns
    -----
    DataQualityWarning
        If the cached copy had the wrong sha256: it was moved aside to
        ``<name>.corrupt-<UTC timestamp>`` and replaced by a verified copy.

    Examples
    --------
    >>> from riskkit.data import fetch
    >>> fetch("cboe_vix_daily_1990-01-02_2026-07-23.csv").name  # doctest: +SKIP
    'cboe_vix_daily_1990-01-02_2026-07-23.csv'
    """
    path, _, note = _fetch_status(filename)
    if note:
        warnings.warn(
            f"{note}; a verified copy replaced it in the cache. Delete the .corrupt file once "
            "you no longer need it.",
            DataQualityWarning,
            stacklevel=2,
        )
    return path


def _fetch_status(filename: str) -> tuple[Path, str, str]:
    """:func:`fetch`, also returning how the file was obtained and a note (a repaired cache).

    The status is :data:`VERIFIED` (cache hit), :data:`FROM_MIRROR` or :data:`DOWNLOADED`; the
    note is empty unless a corrupt cached copy was moved aside first. An error raised after a
    corrupt copy was moved aside says so (expected and actual sha256, where the copy went).
    """
    if not isinstance(filename, str):
        raise TypeError(f"filename must be a str; got {type(filename).__name__} {filename!r}")
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
            return target, VERIFIED, ""
        note = _corrupt_note(filename, expected, actual, _move_aside(target, expected, actual))
    else:
        note = ""
    try:
        if _seed_from_mirror(filename, expected, url, target):
            return target, FROM_MIRROR, note
        return _download(filename, expected, url, cache), DOWNLOADED, note
    except (DataIntegrityError, DataUnavailableError) as exc:
        if not note:
            raise
        raise type(exc)(f"{note}, and it could not be restored: {exc}") from exc


def _download(filename: str, expected: str, url: str, cache: Path) -> Path:
    import pooch
    import requests

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
            f"({type(exc).__name__}). {_mirror_setting()}: set it to a folder holding "
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
