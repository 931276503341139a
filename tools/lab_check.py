"""Open the chapters in a real JupyterLab, offline, in headless Chromium, and check the charts draw.

Usage: ``python tools/lab_check.py chapters/*.ipynb [--screenshots DIR] [--no-execute]``

What a reader gets who clones the book and opens a chapter in JupyterLab:

1. JupyterLab (this venv's) starts on 127.0.0.1 with a throw-away home, settings and data dir,
   so no notebook is trusted (a fresh clone never is); the chapters are copied into a temporary
   root as committed.
2. Each chapter is opened in headless Chromium. Every chart output of the committed file
   (``application/vnd.vegalite.v5+json``) must be drawn by JupyterLab's own Vega renderer (an
   SVG or canvas per chart), no output may say "unavailable" or show a JavaScript error, and no
   request may leave 127.0.0.1 (every other request is blocked and fails the check).
3. Unless ``--no-execute``, each copy is then re-executed with nbclient in this interpreter's
   kernel (as a user pressing "Run all" would) and checked again the same way.

Notebook windowing is switched off in the throw-away settings so that every cell is in the DOM.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

VEGALITE = "application/vnd.vegalite.v5+json"
CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def expected_charts(path: Path) -> int:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return sum(
        VEGALITE in out.get("data", {})
        for cell in nb["cells"]
        if cell["cell_type"] == "code"
        for out in cell.get("outputs", [])
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_lab(root: Path, home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port, token = free_port(), secrets.token_hex(16)
    settings = home / "lab-settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
    }
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--allow-root",
        "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    log = open(home / "lab.log", "wb")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=1)
            return proc, f"{url}|{token}"
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.5)
    proc.kill()
    raise RuntimeError(f"JupyterLab did not start: see {home / 'lab.log'}")


def check_notebook(
    browser: object, base: str, name: str, expected: int, shot: Path | None
) -> list[str]:
    url, token = base.split("|")
    problems: list[str] = []
    context = browser.new_context(viewport={"width": 1300, "height": 1000})  # type: ignore[attr-defined]
    outside: list[str] = []

    def route(r: object) -> None:
        req_url = r.request.url  # type: ignore[attr-defined]
        if req_url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(req_url)
            r.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    workspace = secrets.token_hex(4)  # a fresh workspace: no tab of an earlier chapter restored
    page.goto(
        f"{url}/lab/workspaces/{workspace}/tree/{name}?reset&token={token}",
        wait_until="domcontentloaded",
    )
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    selector = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedVegaCommon5"
    drawn = 0
    for _ in range(120):
        drawn = page.eval_on_selector_all(
            selector, "els => els.filter(e => e.querySelector('svg, canvas')).length"
        )
        if drawn >= expected:
            break
        page.wait_for_timeout(500)
    text = page.inner_text(".jp-Notebook")
    if drawn != expected:
        problems.append(f"{drawn} of {expected} charts drawn")
    for bad in ("Chart unavailable", "Javascript Error", "No renderer could be found"):
        if bad in text:
            problems.append(f"the page shows {bad!r}")
    if outside:
        problems.append(f"{len(outside)} request(s) left the machine, e.g. {outside[0]}")
    problems += [f"page error: {e}" for e in errors[:3]]
    if shot is not None:
        if drawn:  # best effort: the first drawn chart in view
            page.evaluate(
                "s => { const e = [...document.querySelectorAll(s)]"
                ".find(x => x.querySelector('svg, canvas') && x.offsetParent);"
                " if (e) { e.scrollIntoView(); } }",
                selector,
            )
            page.wait_for_timeout(300)
        page.screenshot(path=str(shot), full_page=False)
    context.close()
    return problems


def execute(path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()  # fmt: skip
    nbformat.write(nb, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--screenshots", type=Path)
    ap.add_argument("--no-execute", action="store_true")
    args = ap.parse_args(argv)
    chromium = next((c for c in CHROMIUM if Path(c).exists()), shutil.which("chromium"))
    if chromium is None:
        if os.environ.get("CI"):
            sys.stderr.write("lab check: Chromium is not installed (apt-get install chromium)\n")
            return 1
        sys.stdout.write("lab check SKIPPED: no Chromium (apt-get install chromium)\n")
        return 0
    from playwright.sync_api import sync_playwright

    failed = 0
    with tempfile.TemporaryDirectory(prefix="riskkit-lab-") as tmp:
        root, home = Path(tmp) / "root", Path(tmp) / "home"
        chapters = root / "chapters"
        chapters.mkdir(parents=True)
        home.mkdir()
        for nb in args.notebooks:
            shutil.copy2(nb, chapters / nb.name)
        if args.screenshots:
            args.screenshots.mkdir(parents=True, exist_ok=True)
        proc, base = start_lab(root, home)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=chromium, args=FLAGS, headless=True)
                rounds = [("committed", False)] + (
                    [] if args.no_execute else [("re-executed", True)]
                )
                for label, run in rounds:
                    for nb in args.notebooks:
                        copy = chapters / nb.name
                        if run:
                            execute(copy)
                        n = expected_charts(copy)
                        shot = (
                            args.screenshots / f"lab-{label}-{nb.stem}.png"
                            if args.screenshots
                            else None
                        )
                        problems = check_notebook(browser, base, f"chapters/{nb.name}", n, shot)
                        if n == 0:
                            problems.append("the notebook has no chart outputs to check")
                        status = "ok  " if not problems else "FAIL"
                        detail = "; ".join(problems) or f"{n}/{n} charts drawn, offline"
                        sys.stdout.write(f"{status} {label} {nb.name}: {detail}\n")
                        failed += bool(problems)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    sys.stdout.write(f"lab check: {'all passed' if not failed else f'{failed} failed'}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
