"""Re-execute chapter notebooks in place, the way the book and nbval run them.

Usage: ``python tools/execute_notebooks.py chapters/01_*.ipynb ...`` (``make execute`` runs all).
Each notebook runs with its own folder as the working directory, in this interpreter's kernel;
outputs and execution counts are replaced, cell ids and metadata kept. A failing cell stops the
run with the traceback and leaves the file on disk untouched.

Each run leaves an execution record in the notebook's metadata (``metadata.riskkit``), which the
book's "run this chapter" box shows (``_ext/riskkit_book.py``)::

    {"executed": "2026-12-03T14:05:12Z",   # UTC, when the run finished
     "riskkit": "0.1.0",                     # riskkit.__version__ in the kernel
     "commit": "1fd1457c0ab2",               # git HEAD of the checkout ("+changes" if riskkit/
                                             # or data/ differ from it)
     "python": "3.11.7",
     "datasets": ["bitstamp_btcusd_1d", ...]}  # what riskkit.data's loaders read, in order

The datasets are read from the kernel after the last cell (a probe cell that is run, read and
removed again, so cells, counts and outputs are those of the chapter alone).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

RECORD_KEY = "riskkit"
PROBE_ID = "riskkit-execution-record"
PROBE = """\
import json as _json, platform as _platform, sys as _sys
_loaders = _sys.modules.get("riskkit.data.loaders")
print(_json.dumps({
    "riskkit": getattr(_sys.modules.get("riskkit"), "__version__", None),
    "python": _platform.python_version(),
    "datasets": list(getattr(_loaders, "_READ", {})),
}))"""


def git_commit(folder: Path) -> str:
    """Short HEAD of the repository holding ``folder``; ``+changes`` if riskkit/ or data/ differ.

    Empty when ``folder`` is not in a git checkout (or git is missing).
    """
    try:
        head = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        top = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", top, "status", "--porcelain", "--", "riskkit", "data"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return head + ("+changes" if changed else "")


def _probe_result(cell: Any) -> dict[str, Any]:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stdout":
            return json.loads(out["text"].strip().splitlines()[-1])
    raise RuntimeError(f"the execution-record probe printed nothing: {cell.get('outputs')}")


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(PROBE)
    probe["id"] = PROBE_ID
    nb.cells.append(probe)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    if nb.cells[-1].get("id") != PROBE_ID:
        raise RuntimeError(f"{path}: the execution-record probe is not the last cell any more")
    found = _probe_result(nb.cells.pop())
    nb.metadata.pop("widgets", None)
    nb.metadata[RECORD_KEY] = {
        "executed": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "riskkit": found["riskkit"],
        "commit": git_commit(path.parent),
        "python": found["python"],
        "datasets": found["datasets"],
    }
    tmp = path.with_suffix(".ipynb.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)
    return elapsed


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit("usage: execute_notebooks.py NOTEBOOK [NOTEBOOK ...]")
    for name in argv:
        seconds = execute(Path(name))
        sys.stdout.write(f"executed {name} in {seconds:.1f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
