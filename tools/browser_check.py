"""Open every built chapter page in headless Chromium, offline, and check that it really renders.

Usage: ``python tools/browser_check.py _build/html [--screenshots DIR]``

For each page under ``chapters/`` (and the intro page) it asserts that

* every chart the page carries (``div.riskkit-vega``) was drawn by vega-embed (holds an SVG),
  and no chart shows the "chart unavailable" note;
* on pages with math, MathJax typeset it (``mjx-container`` present, no ``mjx-merror``);
* the JavaScript console is clean (any message counts, apart from a known benign one of the
  theme), which also catches any attempt to reach the network;
* no Python warning (``file.py:12: SomeWarning: ...``) and no path of the build machine appears
  in the page's text;
* nothing is wider than the content column (Playwright, at a 1280 px desktop window): no table,
  display equation, code block or chart sticks out of the article or needs a horizontal
  scrollbar, and no chart text is drawn outside its chart;
* on a chapter page, the teaching apparatus is there (:func:`check_apparatus`): one "run this
  chapter" box with the data fetch command, a download of the notebook that exists, datasets
  linked to sections of the Datasets page that exist, and the "last executed" stamp; the theme's
  download button (.ipynb), repository and issue links; the licence link in the footer.
* every chart has vega-embed's export menu (SVG and PNG, no editor or source link: they need a
  network) and a ``<noscript>`` PNG for readers without JavaScript, linked as a file of the build
  (``_images/<sha256[:16]>.png``, see ``_ext/riskkit_book_images.py``) and not inlined: no
  ``<img>`` of a page holds a ``data:`` URI;
* with JavaScript off (:func:`check_noscript`) every chart's PNG loads and shows; with it on, the
  page fetches none of them;
* every control of an interactive chart (a slider or menu bound to a Vega-Lite parameter) works:
  moving it changes the parameter's signal in the Vega view and what the chart draws (its text
  and mark geometry), and moving it back restores the drawing.

Chromium runs with background networking off and a throw-away profile. Where Chromium is not
installed the check fails in CI (``CI`` set) and is skipped with a visible reason elsewhere.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

# Informational messages the theme logs on every page. Anything else in the console fails the
# check: uncaught errors, failed loads (any attempt to reach the network), chart errors.
BENIGN_CONSOLE = (
    re.compile(r'"Got invalid theme mode: \. Resetting to auto\."'),
    re.compile(r'"\[PST\]: Changed to auto mode using the (light|dark) theme\."'),
    re.compile(r'"\[togglebutton\]: Adding toggle buttons to \d+ items"'),
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]


@dataclass
class PageReport:
    page: str
    charts_expected: int = 0
    charts_rendered: int = 0
    math_expected: bool = False
    math_typeset: int = 0
    problems: list[str] = field(default_factory=list)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


#: A Python warning as the warnings module prints it ("path.py:12: SomeWarning: ..."), and
#: paths of the machine that built the book: neither may reach a published page.
LEAKED_WARNING = re.compile(r"\.py:\d+: \w*Warning\b")
MACHINE_PATH = re.compile(r"(/(work|home|root|tmp|Users)/[\w.-]+/|site-packages/|[A-Z]:\\\\Users)")


def check_page(chromium: str, html: Path, shots: Path | None) -> PageReport:
    report = PageReport(page=str(html))
    static = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    text = static.get_text(" ")
    for pattern, what in ((LEAKED_WARNING, "a Python warning"), (MACHINE_PATH, "a machine path")):
        hit = pattern.search(text)
        if hit:
            around = text[max(0, hit.start() - 60) : hit.end() + 60].replace("\n", " ")
            report.problems.append(f"the page shows {what}: ...{around}...")
    report.charts_expected = len(static.select("div.riskkit-vega"))
    fallbacks = static.select("noscript img.riskkit-vega-fallback")
    if len(fallbacks) != report.charts_expected:
        report.problems.append(
            f"{len(fallbacks)} of {report.charts_expected} charts have a no-JavaScript PNG fallback"
        )
    report.problems += fallback_problems(html, static)
    report.math_expected = bool(static.select(".math, span.math, div.math"))
    with tempfile.TemporaryDirectory() as profile:
        cmd = [
            chromium,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=30000",
            "--window-size=1280,2000",
            "--dump-dom",
            html.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
        if shots is not None:
            shots.mkdir(parents=True, exist_ok=True)
            out = shots / (html.stem + ".png")
            subprocess.run(
                [
                    chromium,
                    *FLAGS,
                    f"--user-data-dir={profile}",
                    "--virtual-time-budget=30000",
                    "--window-size=1280,2400",
                    f"--screenshot={out}",
                    html.resolve().as_uri(),
                ],
                capture_output=True,
                timeout=180,
                check=False,
            )
    if proc.returncode != 0 or "<html" not in proc.stdout:
        report.problems.append(f"chromium failed (exit {proc.returncode}): {proc.stderr[-500:]}")
        return report
    dom = BeautifulSoup(proc.stdout, "html.parser")
    for chart in dom.select("div.riskkit-vega"):
        if chart.select_one("svg.marks") is not None:
            report.charts_rendered += 1
        else:
            note = chart.get_text(" ", strip=True)[:200]
            report.problems.append(f"chart {chart.get('id')} did not render {note!r}")
    if report.charts_rendered != report.charts_expected:
        report.problems.append(
            f"{report.charts_rendered} of {report.charts_expected} charts rendered"
        )
    report.math_typeset = len(dom.select("mjx-container"))
    if report.math_expected and report.math_typeset == 0:
        report.problems.append("page has math but MathJax typeset none of it")
    if dom.select("mjx-merror"):
        report.problems.append(f"{len(dom.select('mjx-merror'))} MathJax errors")
    for line in proc.stderr.splitlines():
        if "CONSOLE" in line and not any(p.search(line) for p in BENIGN_CONSOLE):
            report.problems.append(f"console: {line.strip()[:300]}")
    return report


def fallback_images(html: Path, soup: BeautifulSoup) -> list[Path]:
    """The files of a page's ``<noscript>`` chart PNGs (relative ``src`` resolved)."""
    return [
        _target(html, str(img.get("src", "")))[0]
        for img in soup.select("noscript img.riskkit-vega-fallback")
        if not str(img.get("src", "")).startswith("data:")
    ]


def fallback_problems(html: Path, soup: BeautifulSoup) -> list[str]:
    """Inline ``data:`` images, and fallback PNGs that are not a PNG file of the build."""
    problems = []
    inline = [img for img in soup.select("img") if str(img.get("src", "")).startswith("data:")]
    if inline:
        problems.append(
            f"{len(inline)} <img> hold an inline data: URI (the book links them as files): "
            f"{str(inline[0])[:120]}"
        )
    for img in soup.select("noscript img.riskkit-vega-fallback"):
        src = str(img.get("src", ""))
        if src.startswith("data:"):
            continue
        path = _target(html, src)[0]
        if "://" in src or src.startswith("/") or not path.is_file():
            problems.append(f"no-JavaScript PNG {src!r} is not a file of the build")
        elif not path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"):
            problems.append(f"no-JavaScript PNG {src!r} is not a PNG")
    return problems


NOSCRIPT_JS = """(imgs) => imgs.map((img) => ({
  src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0,
  width: img.getBoundingClientRect().width}))"""


def check_noscript(pages: list[Path]) -> dict[Path, list[str]]:
    """Open every page with JavaScript off (Playwright): each chart's ``<noscript>`` PNG must
    load and be shown, one per chart."""
    from playwright.sync_api import sync_playwright

    found: dict[Path, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), args=[f for f in FLAGS if f != "--headless"]
        )
        context = browser.new_context(
            java_script_enabled=False, viewport={"width": 1280, "height": 1000}
        )
        page = context.new_page()
        for html in pages:
            problems = found.setdefault(html, [])
            page.goto(html.resolve().as_uri(), wait_until="load")
            charts = page.locator("div.riskkit-vega").count()
            images = page.locator("img.riskkit-vega-fallback").evaluate_all(NOSCRIPT_JS)
            if len(images) != charts:
                problems.append(f"without JavaScript {len(images)} PNGs show for {charts} charts")
            for image in images:
                if not image["loaded"] or not image["width"]:
                    problems.append(f"without JavaScript the PNG {image['src']} does not show")
        browser.close()
    return found


def _target(page: Path, href: str) -> tuple[Path, str]:
    """The file and fragment a relative link of ``page`` points to."""
    path, _, fragment = href.partition("#")
    return (page.parent / path).resolve() if path else page.resolve(), fragment


def check_apparatus(html: Path) -> list[str]:
    """What a chapter page must offer besides its text (see the module docstring)."""
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    problems: list[str] = []
    boxes = soup.select("div.admonition.riskkit-run")
    if len(boxes) != 1:
        return [f"{len(boxes)} 'run this chapter' boxes (div.admonition.riskkit-run), not 1"]
    box = boxes[0]
    text = box.get_text(" ", strip=True)
    for needed in ("pip install", "python -m riskkit.data fetch", "Last executed"):
        if needed not in text:
            problems.append(f"run box: no {needed!r}")
    download = box.select_one('a.download[href$=".ipynb"]')
    if download is None:
        problems.append("run box: no download link of the notebook")
    elif not _target(html, str(download["href"]))[0].is_file():
        problems.append(f"run box: the notebook download {download['href']} does not exist")
    datasets = box.select('a[href*="datasets.html#dataset-"]')
    if not datasets:
        problems.append("run box: no dataset linked to the Datasets page")
    anchors: dict[Path, set[str]] = {}
    for link in datasets:
        page, fragment = _target(html, str(link["href"]))
        if page not in anchors:
            ids: set[str] = set()
            if page.is_file():
                target = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                ids = {str(t["id"]) for t in target.select("[id]")}
            anchors[page] = ids
        if fragment not in anchors[page]:
            problems.append(f"run box: dataset link {link['href']} points to no section")
    theme = soup.select_one('a.btn-download-source-button[href$=".ipynb"]')
    if theme is None:
        problems.append("no .ipynb in the theme's download menu")
    elif not _target(html, str(theme["href"]))[0].is_file():
        problems.append(f"the theme's .ipynb download {theme['href']} does not exist")
    repo = soup.select_one("a.btn-source-repository-button")
    if repo is None or not str(repo.get("href", "")).startswith("https://"):
        problems.append("no repository link in the header")
    issues = soup.select_one("a.btn-source-issues-button")
    if issues is None or "/issues" not in str(issues.get("href", "")):
        problems.append("no issue link in the header")
    if soup.select_one('footer a[href$="/LICENSE"], .extra_footer a[href$="/LICENSE"]') is None:
        problems.append("no licence link in the footer")
    return problems


LAYOUT_JS = """() => {
  const col = document.querySelector('.bd-article') || document.querySelector('main');
  if (!col) { return ['no content column']; }
  const edge = col.getBoundingClientRect().right + 1;
  const out = [];
  const name = (el) => {
    const sec = el.closest('section[id]');
    return (sec ? '#' + sec.id + ' ' : '') + el.tagName.toLowerCase();
  };
  const wide = (el, what) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0) { return; }
    if (r.right > edge) { out.push(what + ' wider than the column (' + Math.round(r.right - edge)
      + ' px) at ' + name(el) + ': ' + el.textContent.trim().slice(0, 60)); return; }
    let box = el.parentElement;
    for (let i = 0; i < 3 && box; i++, box = box.parentElement) {
      const st = getComputedStyle(box);
      if ((st.overflowX === 'auto' || st.overflowX === 'scroll' || st.overflowX === 'hidden')
          && box.scrollWidth > box.clientWidth + 1) {
        out.push(what + ' cut at the column edge (' + (box.scrollWidth - box.clientWidth)
          + ' px hidden) at ' + name(el) + ': ' + el.textContent.trim().slice(0, 60));
        return;
      }
    }
  };
  col.querySelectorAll('table').forEach((t) => wide(t, 'table'));
  col.querySelectorAll('mjx-container[display="true"]').forEach((m) => wide(m, 'equation'));
  col.querySelectorAll('div.highlight pre').forEach((p) => {
    if (p.scrollWidth > p.clientWidth + 1) {
      out.push('code line cut (' + (p.scrollWidth - p.clientWidth) + ' px) at ' + name(p)
        + ': ' + p.textContent.trim().split('\\n')[0].slice(0, 60));
    }
  });
  col.querySelectorAll('div.riskkit-vega').forEach((c) => {
    const svg = c.querySelector('svg');
    if (!svg) { return; }
    wide(svg, 'chart');
    const box = svg.getBoundingClientRect();
    svg.querySelectorAll('text').forEach((t) => {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1)) {
        out.push('chart text outside its chart in ' + c.id + ': ' + t.textContent.slice(0, 40));
      }
    });
  });
  return out;
}"""


CONTROLS_JS = """async () => {
  const out = [];
  let controls = 0;
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  // what a chart draws: its text and mark geometry, in any DOM order (Vega reuses items)
  const drawn = (c) => {
    const svg = c.querySelector('svg.marks');
    if (!svg) { return ''; }
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent).sort();
    const paths = [...svg.querySelectorAll('path')].map((p) => p.getAttribute('d') || '').sort();
    return texts.join('|') + '#' + paths.join('|');
  };
  const set = async (c, input, value) => {
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new Event('change', {bubbles: true}));
    if (c.riskkitView) { await c.riskkitView.runAsync(); }
    await sleep(50);
  };
  const other = (input) => {
    if (input.tagName === 'SELECT') {
      const opts = [...input.options].map((o) => o.value);
      return opts.find((v) => v !== input.value);
    }
    return String(Number(input.value) === Number(input.min) ? input.max : input.min);
  };
  for (const c of document.querySelectorAll('div.riskkit-vega')) {
    const links = [...c.querySelectorAll('.vega-actions a')].map((a) => a.textContent.trim());
    if (!links.some((t) => /SVG/.test(t)) || !links.some((t) => /PNG/.test(t))) {
      out.push('no export menu (SVG/PNG) on ' + c.id + ': ' + JSON.stringify(links));
    }
    if (links.some((t) => /Editor|Source|Compiled/i.test(t))) {
      out.push('export menu of ' + c.id + ' links to the network: ' + JSON.stringify(links));
    }
    const view = c.riskkitView;
    const inputs = [...c.querySelectorAll('.vega-bindings .vega-bind')]
      .map((w) => w.querySelector('input[type=range], select'))
      .filter((x) => x);
    const menus = inputs.filter((x) => x.tagName === 'SELECT');
    for (const input of inputs) {
      controls += 1;
      const name = input.getAttribute('name');
      const label = name || input.tagName;
      const old = input.value;
      const before = drawn(c);
      const signal = view ? view.signal(name) : undefined;
      const target = other(input);
      if (target === undefined) {
        out.push(c.id + ': control ' + label + ' has one value');
        continue;
      }
      // a control may act only in some states of the menus (a custom rate only for a custom
      // venue): try it in the current state, then with each option of each other menu
      const states = [[null, null]];
      for (const m of menus) {
        if (m !== input) { [...m.options].forEach((o) => states.push([m, o.value])); }
      }
      let changed = false;
      let moved = false;
      for (const [menu, value] of states) {
        const kept = menu ? menu.value : null;
        if (menu) { await set(c, menu, value); }
        const here = drawn(c);
        const was = input.value;
        await set(c, input, target);
        moved = moved || !view || String(view.signal(name)) !== String(signal);
        changed = drawn(c) !== here;
        await set(c, input, was);
        if (menu) { await set(c, menu, kept); }
        if (changed) { break; }
      }
      if (!moved) { out.push(c.id + ': moving ' + label + ' did not change its signal'); }
      if (!changed) { out.push(c.id + ': moving ' + label + ' never changed the drawn chart'); }
      if (input.value !== old || drawn(c) !== before) {
        out.push(c.id + ': moving ' + label + ' back did not restore the chart');
      }
    }
  }
  return {problems: out, controls: controls};
}"""


#: Interactive controls moved per page by :func:`check_layout` (reported in the summary line).
CONTROLS: dict[Path, int] = {}


def check_layout(pages: list[Path], root: Path) -> dict[Path, list[str]]:
    """Measure every page at a desktop width in headless Chromium (Playwright), and move every
    control of its interactive charts."""
    from playwright.sync_api import sync_playwright

    found: dict[Path, list[str]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), args=[f for f in FLAGS if f != "--headless"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url))
        for html in pages:
            fallbacks = {
                p.resolve().as_uri()
                for p in fallback_images(
                    html, BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
                )
            }
            fetched.clear()
            page.goto(html.resolve().as_uri(), wait_until="load")
            try:
                page.wait_for_function(
                    "() => [...document.querySelectorAll('div.riskkit-vega')]"
                    ".every(c => c.querySelector('svg'))",
                    timeout=30_000,
                )
                page.wait_for_function(
                    "() => !window.MathJax || !MathJax.startup || MathJax.startup.promise"
                    " && document.querySelectorAll('mjx-container').length"
                    " >= document.querySelectorAll('.math').length",
                    timeout=30_000,
                )
            except Exception as exc:  # the DOM check above reports what did not render
                found.setdefault(html, []).append(f"layout check timed out: {exc}"[:200])
            page.wait_for_timeout(500)
            found.setdefault(html, []).extend(page.evaluate(LAYOUT_JS))
            wasted = sorted(fallbacks.intersection(fetched))
            if wasted:
                found[html].append(
                    f"with JavaScript on the page fetched {len(wasted)} no-JavaScript PNGs"
                )
            controls = page.evaluate(CONTROLS_JS)
            found[html].extend(controls["problems"])
            CONTROLS[html] = int(controls["controls"])
        browser.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html_root", type=Path)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        msg = "browser check: chromium is not installed (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            sys.stderr.write(f"FAILED {msg}\n")
            return 1
        sys.stderr.write(f"SKIPPED {msg}\n")
        return 0
    pages = sorted((args.html_root / "chapters").glob("*.html"))
    pages.insert(0, args.html_root / "intro.html")
    if len(pages) < 2:
        sys.stderr.write(f"FAILED browser check: no chapter pages under {args.html_root}\n")
        return 1
    failed = 0
    layout = check_layout(pages, args.html_root)
    noscript = check_noscript(pages)
    for page in pages:
        rep = check_page(chromium, page, args.screenshots)
        rep.problems += [f"layout: {p}" for p in layout.get(page, [])]
        rep.problems += [f"no JavaScript: {p}" for p in noscript.get(page, [])]
        if page.parent.name == "chapters":
            rep.problems += [f"apparatus: {p}" for p in check_apparatus(page)]
        status = "ok" if not rep.problems else "FAIL"
        sys.stdout.write(
            f"{status:4} {page.relative_to(args.html_root)}: charts {rep.charts_rendered}/"
            f"{rep.charts_expected}, controls moved {CONTROLS.get(page, 0)}, "
            f"math elements {rep.math_typeset}\n"
        )
        for problem in rep.problems:
            sys.stdout.write(f"     - {problem}\n")
        failed += bool(rep.problems)
    sys.stdout.write(f"browser: {len(pages) - failed} passed, {failed} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
