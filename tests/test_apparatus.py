"""The book's teaching apparatus: run box, execution record, datasets, glossary, links, publishing.

Static checks of the sources (the chapters, ``glossary.md``, ``_config.yml``, ``pyproject.toml``,
the Pages workflow) plus the pure functions of ``_ext/riskkit_book.py`` that the book build runs;
``tools/browser_check.py`` checks the same things on the built pages.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
MARKDOWN_PAGES = sorted(p for p in REPO.glob("*.md") if p.name != "README.md")
RUN_CELL = "run-this-chapter"

sys.path.insert(0, str(REPO / "_ext"))
sys.path.insert(0, str(REPO / "tools"))
import execute_notebooks  # noqa: E402
import riskkit_book as book  # noqa: E402


def _nb(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict[str, Any]) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def _markdown(path: Path) -> str:
    return "\n".join(_source(c) for c in _nb(path)["cells"] if c["cell_type"] == "markdown")


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request: pytest.FixtureRequest) -> Path:
    return request.param


@pytest.fixture(scope="module")
def known() -> dict[str, dict[str, Any]]:
    return book.registered_datasets()


# ---- the run box -----------------------------------------------------------------------------


def test_every_chapter_has_the_run_box_near_its_top(chapter: Path) -> None:
    cells = _nb(chapter)["cells"]
    ids = [c.get("id") for c in cells]
    assert ids.count(RUN_CELL) == 1, f"{chapter.name}: needs one cell with id {RUN_CELL!r}"
    index = ids.index(RUN_CELL)
    cell = cells[index]
    assert index <= 2, f"{chapter.name}: the run box is cell {index}, not under the overview"
    assert cell["cell_type"] == "markdown"
    text = _source(cell).strip()
    assert text.startswith(":::{riskkit-run}\n") and text.endswith("\n:::"), text[:80]
    # what a reader who opened the notebook in Jupyter (where the directive is not drawn) reads
    assert book.PIP_INSTALL in text
    assert "riskkit-run" not in _markdown(chapter).replace(text, ""), "one run box per chapter"


def test_every_chapter_names_the_registered_datasets_it_uses(
    chapter: Path, known: dict[str, dict[str, Any]]
) -> None:
    used = book.chapter_datasets(_nb(chapter), known)
    assert used, f"{chapter.name}: no dataset found (no execution record, no coverage table)"
    assert len(set(used)) == len(used)
    assert set(used) <= set(known)


def test_an_execution_record_is_complete_and_covers_what_the_chapter_shows(
    chapter: Path, known: dict[str, dict[str, Any]]
) -> None:
    nb = _nb(chapter)
    record = book.execution_record(nb)
    if record is None:
        pytest.skip(f"{chapter.name} was last executed before records were written")
    assert set(record) >= {"executed", "riskkit", "commit", "python", "datasets"}
    executed = datetime.strptime(record["executed"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime(2026, 1, 1, tzinfo=UTC) < executed <= datetime.now(UTC)
    assert re.fullmatch(r"([0-9a-f]{7,40}(\+changes)?)?", record["commit"]), record["commit"]
    # every dataset a coverage table shows was read by that run, and nothing unregistered
    assert set(book.shown_datasets(nb, known)) <= set(record["datasets"]) <= set(known)


def test_the_record_takes_precedence_over_the_outputs() -> None:
    known = ["vix", "sp500_shiller", "finra_margin_debt"]
    html = "<table><tr><td>finra_margin_debt</td><td>vix</td><td>vix_extra</td></tr></table>"
    nb: dict[str, Any] = {
        "metadata": {},
        "cells": [{"cell_type": "code", "outputs": [{"data": {"text/html": html}}]}],
    }
    # whole names only, in the order the outputs show them
    assert book.chapter_datasets(nb, known) == ["finra_margin_debt", "vix"]
    nb["metadata"]["riskkit"] = {"datasets": ["sp500_shiller", "unregistered"]}
    assert book.chapter_datasets(nb, known) == ["sp500_shiller"]


def test_execution_stamp_says_when_and_with_what() -> None:
    record = {"executed": "2026-12-03T14:05:12Z", "riskkit": "0.1.0", "commit": "1fd1457c0ab2"}
    record["python"] = "3.11.7"
    alone = book.execution_stamp(record, None)
    assert alone == "2026-12-03 14:05 UTC (riskkit 0.1.0, commit 1fd1457c0ab2, Python 3.11.7)."
    built = datetime(2026, 12, 4, 9, 30, tzinfo=UTC).timestamp()
    both = book.execution_stamp(record, {"mtime": built, "runtime": 41.2, "method": "cache"})
    assert both.startswith("2026-12-04 09:30 UTC, when this book was built (myst-nb, cache mode")
    assert "in 41 s" in both
    assert "The committed outputs were executed 2026-12-03 14:05 UTC" in both
    assert "not recorded" in book.execution_stamp(None, None)


def test_fetch_command_lists_each_dataset_on_its_own_line() -> None:
    command = book.fetch_command(["vix", "sp500_shiller"])
    assert command.splitlines() == [
        "python -m riskkit.data fetch \\",
        "    vix \\",
        "    sp500_shiller",
    ]
    assert book.fetch_command([]) == "python -m riskkit.data fetch --all"


@pytest.fixture
def probe_notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("A notebook that reads two datasets."),
        nbformat.v4.new_code_cell("from riskkit import data\nvix = data.load_vix()"),
        nbformat.v4.new_code_cell("data.load_margin_debt().shape[0] > 100"),
        nbformat.v4.new_code_cell("vix = data.load_vix()  # read twice, recorded once"),
    ]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def kernel_env(mirror_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RISKKIT_DATA_MIRROR", str(mirror_dir))
    monkeypatch.setenv("RISKKIT_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    yield


@pytest.mark.slow
@pytest.mark.usefixtures("kernel_env")
def test_execute_notebooks_records_what_the_kernel_read(probe_notebook: Path) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    execute_notebooks.execute(probe_notebook)
    nb = nbformat.read(probe_notebook, as_version=4)
    record = nb.metadata["riskkit"]
    assert record["datasets"] == ["vix", "finra_margin_debt"]
    executed = datetime.strptime(record["executed"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= executed <= datetime.now(UTC)
    import riskkit

    assert record["riskkit"] == riskkit.__version__
    assert record["python"] == ".".join(map(str, sys.version_info[:3]))
    # the probe cell is gone: the cells and their counts are the notebook's own
    assert [c.get("id") for c in nb.cells].count(execute_notebooks.PROBE_ID) == 0
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3]
    assert nb.cells[2].outputs[0]["data"]["text/plain"] == "True"


def test_git_commit_is_empty_outside_a_checkout(tmp_path: Path) -> None:
    assert execute_notebooks.git_commit(tmp_path) == ""
    assert re.fullmatch(r"[0-9a-f]{12}(\+changes)?", execute_notebooks.git_commit(REPO))


# ---- the Datasets page -----------------------------------------------------------------------


def test_datasets_page_is_generated_from_the_registry_and_in_the_toc() -> None:
    page = (REPO / "datasets.md").read_text(encoding="utf-8")
    assert "```{riskkit-datasets}" in page
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert "datasets" in files


def test_the_datasets_page_index_inverts_the_chapters_datasets(
    known: dict[str, dict[str, Any]],
) -> None:
    used = book.chapters_by_dataset(REPO, known)
    assert set(used) == set(known)  # every registered dataset gets a section
    for path in CHAPTERS:
        docname = f"chapters/{path.stem}"
        listed = {name for name, chapters in used.items() if docname in chapters}
        assert listed == set(book.chapter_datasets(_nb(path), known)), path.name


def test_pandas_html_tables_become_table_rows() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"a": [1, 2, 3], "b": ["x", "y", "z"]},
        index=pd.Index(["r1", "r2", "r3"], name="row"),
    )
    head, body = book.html_table_rows(frame.to_html())  # type: ignore[misc]
    assert head == [["row", "a", "b"]]  # pandas' separate index-name row is folded in
    assert body == [["r1", "1", "x"], ["r2", "2", "y"], ["r3", "3", "z"]]
    two = pd.DataFrame(
        {"v": [1, 2, 3]},
        index=pd.MultiIndex.from_tuples([("p", 1), ("p", 2), ("q", 1)], names=["k", "n"]),
    )
    head, body = book.html_table_rows(two.to_html())  # type: ignore[misc]
    assert body == [["p", "1", "1"], ["", "2", "2"], ["q", "1", "3"]]  # rowspan expanded
    assert book.html_table_rows("<p>no table</p>") is None


# ---- glossary --------------------------------------------------------------------------------


def _glossary() -> list[list[str]]:
    """The glossary's entries, each the list of its terms (first term, then aliases)."""
    text = (REPO / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, re.S)
    assert block, "glossary.md has no {glossary} block"
    entries: list[list[str]] = []
    previous_was_term = False
    for line in block.group(1).splitlines():
        if not line.strip() or line.startswith(":"):
            previous_was_term = False
            continue
        if line[0].isspace():
            previous_was_term = False
            continue
        if previous_was_term:
            entries[-1].append(line.strip())
        else:
            entries.append([line.strip()])
        previous_was_term = True
    return entries


def _norm(term: str) -> str:
    return " ".join(term.lower().split())


TERMS = {_norm(t) for entry in _glossary() for t in entry}
TERM_ROLE = re.compile(r"\{term\}`([^`]+)`")


def test_glossary_is_alphabetical_without_duplicates() -> None:
    firsts = [entry[0] for entry in _glossary()]
    assert firsts == sorted(firsts, key=str.lower)
    every = [_norm(t) for entry in _glossary() for t in entry]
    # Sphinx matches terms case-insensitively: "VaR" and "VAR" would be one term
    assert len(every) == len(set(every)), sorted(t for t in every if every.count(t) > 1)


def test_every_term_role_resolves_to_a_glossary_entry() -> None:
    sources = {p.name: _markdown(p) for p in CHAPTERS}
    sources.update({p.name: p.read_text(encoding="utf-8") for p in MARKDOWN_PAGES})
    missing = []
    for name, text in sources.items():
        for role in TERM_ROLE.findall(text):
            target = re.fullmatch(r".*<([^>]+)>\s*", role, re.S)
            term = target.group(1) if target else role
            if _norm(term) not in TERMS:
                missing.append(f"{name}: {{term}}`{role}`")
    assert not missing, "not in glossary.md: " + "; ".join(missing)


#: Bold text in the chapters that names a glossary entry under another form.
BOLD_AS = {
    "auto-deleveraging (adl)": "auto-deleveraging",
    "cross-margined": "cross margin",
    "isolated": "isolated margin",
    "linear": "linear contract",
    "inverse": "inverse contract",
    "light": "adl light",
    "historical": "historical simulation",
    "filtered": "filtered historical simulation",
    "independence": "independence test",
    "proportion of failures": "proportion of failures test",
    "granger-causality": "granger causality",
    "granger-causes": "granger causality",
    "equity drawdowns": "drawdown",
    "elasticity": "liquidity elasticity",
    "funding": "funding rate",
}
#: Bold text that is emphasis, not a term (a claim, a date, a name, a finding).
BOLD_NOT_TERMS = {
    "did",
    "did not",
    "10 %",
    "2020-03-12",
    "2025-10-10",
    "aave v2",
    "a liquidation price that walks",
    "exchange liquidation feeds undercount",
    "highest leverage that survived",
    "all-exchange open interest",
    "and open interest",
    "nothing leads returns",
    "returns lead funding",
    "open-interest changes lead funding",
    "open interest starts in 2021-09",
    "normal",
    "signal",
    "start",
    "end",
    "trough",
}


def _bold_terms(text: str) -> list[str]:
    out = []
    for raw in re.findall(r"\*\*(.+?)\*\*", text, re.S):
        roles = TERM_ROLE.findall(raw)
        phrase = _norm(roles[0] if roles and len(roles) == 1 else raw)
        if "<" in phrase and phrase.endswith(">"):
            phrase = _norm(phrase.rsplit("<", 1)[1][:-1])
        # lead-ins of a paragraph or a list item ("Overview.", "1. Reproduce a number.") and
        # bold sentences are not terms
        if phrase.endswith((".", ":", "?")) or "{glue" in phrase or "$" in phrase:
            continue
        if len(phrase.split()) > 5:
            continue
        out.append(phrase)
    return out


def _in_glossary(phrase: str) -> bool:
    phrase = BOLD_AS.get(phrase, phrase)
    candidates = {phrase, phrase.replace("-", " "), phrase.removesuffix("s")}
    candidates.add(re.sub(r"\s*\([^)]*\)$", "", phrase))
    return bool(candidates & TERMS)


def test_every_bold_term_in_the_chapters_has_a_glossary_entry() -> None:
    missing = {}
    for path in CHAPTERS:
        for phrase in _bold_terms(_markdown(path)):
            if phrase not in BOLD_NOT_TERMS and not _in_glossary(phrase):
                missing.setdefault(phrase, path.stem[:2])
    assert not missing, f"bold terms without a glossary entry (chapter): {missing}"


def test_the_issue_s_terms_are_in_the_glossary() -> None:
    # issue 14 names these explicitly
    for term in ("VaR", "haircut", "volatility drag", "Granger causality"):
        assert _norm(term) in TERMS, term


# ---- repository, licence, publishing ---------------------------------------------------------


def _config() -> dict[str, Any]:
    return yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_repository_url_is_configured_once_and_agrees_with_pyproject() -> None:
    config = _config()
    url = config["repository"]["url"]
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url)
    assert config["html"]["use_repository_button"] is True
    assert config["html"]["use_issues_button"] is True
    assert config["html"]["use_download_button"] is True
    urls = _pyproject()["project"]["urls"]
    assert urls["Repository"] == url
    assert urls["Issues"] == url + "/issues"
    # the extension reads it from the theme options jupyter-book derives from _config.yml
    theme = type("Config", (), {"html_theme_options": {"repository_url": url}})()
    assert book.repo_file_url(theme, "LICENSE") == f"{url}/blob/main/LICENSE"


def test_licence_is_mit_as_pyproject_says() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Copyright (c) 2026 riskkit contributors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    assert _pyproject()["project"]["license"] == "MIT"
    assert "{repo-file}`LICENSE`" in (REPO / "intro.md").read_text(encoding="utf-8")


def test_pages_workflow_builds_with_make_book_and_deploys_the_html() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    for action in (
        "actions/checkout",
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ):
        assert action in uses, action
    assert any(s.get("run", "").strip() == "make book" for s in steps)
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "_build/html"
    deploy = next(j for j in workflow["jobs"].values() if "deploy" in json.dumps(j))
    assert deploy["environment"]["name"] == "github-pages"


def test_make_has_a_pdf_target_and_book_data_come_from_upstream_without_the_mirror() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^pdf: ", makefile, re.M)
    assert "--builder pdflatex" in makefile
    # the mirror is only used when ../shared/data exists; otherwise fetch downloads
    assert re.search(r"ifneq \(\$\(wildcard \$\(SHARED_MIRROR\)/SOURCES\.md\),\)", makefile)
    assert "$(BIN)/python -m riskkit.data fetch --all" in makefile
