"""Copy the npm-installed vega, vega-lite, vega-embed and MathJax builds into ``_assets/``.

Sphinx serves ``_assets/`` as ``_static/``.

Run by ``make`` after ``npm ci``. The copies are build artefacts (git-ignored), so the published
book serves every script from its own static files and works with no network.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
STATIC = ROOT / "_assets"

FILES = {
    "vega/build/vega.min.js": "vendor/vega.min.js",
    "vega-lite/build/vega-lite.min.js": "vendor/vega-lite.min.js",
    "vega-embed/build/vega-embed.min.js": "vendor/vega-embed.min.js",
    "mathjax/es5/tex-mml-chtml.js": "mathjax/tex-mml-chtml.js",
}
TREES = {"mathjax/es5/output/chtml/fonts/woff-v2": "mathjax/output/chtml/fonts/woff-v2"}


def main() -> int:
    if not NODE.is_dir():
        sys.exit("node_modules/ is missing: run `npm ci` first (make does this).")
    for src, dst in FILES.items():
        target = STATIC / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(NODE / src, target)
    for src, dst in TREES.items():
        shutil.copytree(NODE / src, STATIC / dst, dirs_exist_ok=True)
    sys.stdout.write(f"copied vega/vega-lite/vega-embed/MathJax into {STATIC}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
