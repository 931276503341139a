"""Re-execute chapter notebooks in place, the way the book and nbval run them.

Usage: ``python tools/execute_notebooks.py chapters/01_*.ipynb ...`` (``make execute`` runs all).
Each notebook runs with its own folder as the working directory, in this interpreter's kernel;
outputs and execution counts are replaced, cell ids and metadata kept. A failing cell stops the
run with the traceback and leaves the file on disk untouched.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
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
