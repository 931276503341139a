"""Sphinx glue for the riskkit book.

Charts: a notebook's chart output is a Vega-Lite spec (``application/vnd.vegalite.v5+json``,
which Jupyter front ends draw natively) plus a PNG. For the HTML book this registers a myst-nb
mime renderer that turns the spec into a ``<div>`` and a call to the page-global ``vegaEmbed``
served from the book's own static files (:func:`riskkit.charts.spec_html`), so the published
pages draw every chart offline, with vega-embed's export menu (SVG/PNG) and the output's PNG in a
``<noscript>`` for readers without JavaScript (written to a file of ``_images/`` rather than
inlined: ``_ext/riskkit_book_images.py``). The LaTeX (PDF) build uses the committed PNG of a
displayed chart; a glued figure carries no PNG, so its spec is drawn to a PNG here with vl-convert.

jupyter-book 1 registers some theme scripts twice (sphinx-thebe's inline ``const THEBE_JS_URL``
and the togglebutton selector), so every page threw ``Identifier 'THEBE_JS_URL' has already been
declared``. This drops exact duplicate script entries from each page before it is written.

The teaching apparatus:

``{riskkit-run}`` (directive, in each chapter's ``run-this-chapter`` cell)
    The "run this chapter" box: its content (the sentence a Jupyter reader sees) followed by the
    ``pip install`` line, the ``python -m riskkit.data fetch`` line for the chapter's datasets, a
    download of the notebook and its source in the repository, the datasets with links to their
    provenance, and when the outputs were last executed. The datasets and the stamp come from
    the execution record that ``tools/execute_notebooks.py`` writes into the notebook's metadata
    (``metadata.riskkit``) and from myst-nb's execution data of this build.
``{riskkit-datasets}`` (directive, on the Datasets page)
    One section per registered dataset, generated from ``data/registry.txt`` and the sidecars at
    build time: source, files with sha256 and upstream URL at a pinned commit, sidecar, units,
    known defects and their repairs, and the chapters that use it.
``{repo-file}`` (role)
    A link to a file of the repository (``{repo-file}`LICENSE```), from the one configured
    ``repository.url`` of ``_config.yml``.
"""

from __future__ import annotations

import dataclasses
import json
import re
from base64 import b64encode
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

#: Notebook metadata key of the execution record written by ``tools/execute_notebooks.py``.
RECORD_KEY = "riskkit"
#: The ``pip install`` line a chapter needs.
PIP_INSTALL = 'pip install "riskkit[book]"'
#: Used when ``repository.url`` is not configured.
DEFAULT_REPOSITORY = "https://github.com/riskkit/riskkit"
CHAPTERS_DIR = "chapters"


# ---- data the apparatus shows (pure functions, also used by the tests) --------------------


def registered_datasets() -> dict[str, dict[str, Any]]:
    """``{dataset name: riskkit.data.provenance(name)}`` (and its ``loader`` call) for every
    registered dataset."""
    from riskkit.data import list_datasets, provenance

    table = list_datasets()
    return {
        name: {**provenance(name), "loader": str(table.loc[name, "loader"])} for name in table.index
    }


def execution_record(nb: Mapping[str, Any]) -> dict[str, Any] | None:
    """The execution record of a notebook (``metadata.riskkit``), or None if it has none."""
    record = nb.get("metadata", {}).get(RECORD_KEY)
    return dict(record) if isinstance(record, Mapping) else None


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def shown_datasets(nb: Mapping[str, Any], known: Iterable[str]) -> list[str]:
    """Registered dataset names that a notebook's text outputs show (its coverage tables).

    The names are matched as whole words in ``text/html`` and ``text/plain`` outputs, in the
    order they first appear.
    """
    texts = []
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = out.get("data", {})
            texts += [_text(data[k]) for k in ("text/html", "text/plain") if k in data]
    text = "\n".join(texts)
    found = []
    for name in known:
        hit = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        if hit:
            found.append((hit.start(), name))
    return [name for _, name in sorted(found)]


def chapter_datasets(nb: Mapping[str, Any], known: Iterable[str]) -> list[str]:
    """Datasets a chapter uses: its execution record, else the names its outputs show."""
    known = list(known)
    record = execution_record(nb)
    if record and record.get("datasets"):
        return [name for name in record["datasets"] if name in known]
    return shown_datasets(nb, known)


def _utc(value: str | float) -> str:
    if isinstance(value, int | float):
        moment = datetime.fromtimestamp(value, UTC)
    else:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def execution_stamp(record: Mapping[str, Any] | None, build: Mapping[str, Any] | None) -> str:
    """The "last executed" sentence from the notebook's record and this build's myst-nb data.

    ``build`` is myst-nb's execution data of the page (``mtime``, ``runtime``, ``method``), None
    when the build did not execute the notebook (``execute_notebooks: off``).
    """
    parts = []
    if build and build.get("mtime"):
        runtime = build.get("runtime")
        took = f" in {float(runtime):.0f} s" if runtime else ""
        parts.append(
            f"{_utc(build['mtime'])}, when this book was built "
            f"(myst-nb, {build.get('method', 'cache')} mode{took})."
        )
    if record and record.get("executed"):
        what = "The committed outputs were executed" if parts else ""
        details = [f"riskkit {record['riskkit']}"] if record.get("riskkit") else []
        if record.get("commit"):
            details.append(f"commit {record['commit']}")
        if record.get("python"):
            details.append(f"Python {record['python']}")
        tail = f" ({', '.join(details)})" if details else ""
        stamp = _utc(record["executed"])
        parts.append(f"{what} {stamp}{tail}.".strip() if what else f"{stamp}{tail}.")
    if not parts:
        return "not recorded in this notebook (re-execute it with `make execute`)."
    return " ".join(parts)


def fetch_command(datasets: Iterable[str]) -> str:
    """``python -m riskkit.data fetch`` for the datasets, one per line (shell continuations)."""
    names = list(datasets)
    if not names:
        return "python -m riskkit.data fetch --all"
    return " \\\n    ".join(["python -m riskkit.data fetch", *names])


# ---- repository links ----------------------------------------------------------------------


def _repository(config: Any) -> tuple[str, str]:
    options = getattr(config, "html_theme_options", None) or {}
    url = str(options.get("repository_url") or DEFAULT_REPOSITORY).rstrip("/")
    branch = str(options.get("repository_branch") or "main")
    return url, branch


def repo_file_url(config: Any, path: str) -> str:
    """URL of a file of the repository (``blob/<branch>/<path>``)."""
    url, branch = _repository(config)
    return f"{url}/blob/{branch}/{path.lstrip('/')}"


def _repo_file_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Any,
    options: Mapping[str, Any] | None = None,
    content: Any = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    match = re.fullmatch(r"\s*(.*?)\s*<([^>]+)>\s*", text)
    label, path = (match.group(1), match.group(2)) if match else (text, text)
    config = inliner.document.settings.env.config
    ref = nodes.reference(rawtext, label, refuri=repo_file_url(config, path))
    return [ref], []


def _footer(app: Any, config: Any) -> None:
    """The licence line under every page (unless ``html.extra_footer`` is configured)."""
    options = config.html_theme_options
    if options.get("extra_footer"):
        return
    year = config.copyright or ""
    options["extra_footer"] = (
        f"<p>riskkit and this book: &copy; {year} riskkit contributors, released under the "
        f'<a href="{repo_file_url(config, "LICENSE")}">MIT licence</a>. '
        f'<a href="{_repository(config)[0]}">Source repository</a>.</p>'
    )


# ---- nodes ---------------------------------------------------------------------------------


def _para(*children: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for child in children:
        para += nodes.Text(child) if isinstance(child, str) else child
    return para


def _para_code(text: str) -> nodes.paragraph:
    """A paragraph in which `backquoted` parts are code."""
    para = nodes.paragraph()
    for i, part in enumerate(text.split("`")):
        if part:
            para += nodes.literal(part, part) if i % 2 else nodes.Text(part)
    return para


def _breakable(text: str, every: int = 0, classes: list[str] | None = None) -> nodes.literal:
    """Code text that LaTeX may break after ``/ _ , (`` (or every ``every`` characters).

    A file name, path or sha256 is longer than a PDF line; the HTML gets the text unchanged
    (the break points are LaTeX-only raw nodes) and breaks it with CSS.
    """
    if every:
        parts = [text[i : i + every] for i in range(0, len(text), every)]
    else:
        parts = [p for p in re.split(r"(?<=[/_,(])", text) if p]
    literal = nodes.literal(text, "", classes=classes or [])
    for i, part in enumerate(parts):
        if i:
            literal += nodes.raw("", r"\allowbreak{}", format="latex")
        literal += nodes.Text(part)
    return literal


def _link(text: str, url: str) -> nodes.reference:
    return nodes.reference(text, text, refuri=url)


def _field(name: str, *body: nodes.Node) -> nodes.field:
    field = nodes.field()
    field += nodes.field_name(name, name)
    content = nodes.field_body()
    content.extend(body)
    field += content
    return field


def _dataset_ref(name: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="ref",
        reftarget=dataset_label(name),
        refexplicit=True,
        refwarn=True,
    )
    ref += nodes.literal(name, name)
    return ref


def _doc_ref(docname: str, text: str | None = None) -> addnodes.pending_xref:
    """A reference to a page; without ``text`` Sphinx writes the page's title."""
    ref = addnodes.pending_xref(
        "",
        refdomain="std",
        reftype="doc",
        reftarget="/" + docname,
        refexplicit=text is not None,
        refwarn=True,
    )
    ref += nodes.inline(text or "", text or "")
    return ref


def dataset_label(name: str) -> str:
    """The cross-reference label of a dataset's section on the Datasets page."""
    return f"dataset-{name}"


def _upstream_links(prov: Mapping[str, Any]) -> list[nodes.Node]:
    files = prov["files"]
    if len(files) == 1:
        return [_link("upstream file", files[0]["url"])]
    out: list[nodes.Node] = [nodes.Text("upstream files ")]
    for i, f in enumerate(files, start=1):
        if i > 1:
            out.append(nodes.Text(", "))
        out.append(_link(str(i), f["url"]))
    return out


# ---- the run box ---------------------------------------------------------------------------


class run_box(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes in lower case)
    """Placeholder for the run box, filled in on ``doctree-read`` (see :func:`_fill_run_boxes`)."""


class RunDirective(Directive):
    """``{riskkit-run}``: the "run this chapter" box (content: the sentence Jupyter shows)."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        box = run_box()
        if self.content:
            self.state.nested_parse(self.content, self.content_offset, box)
        return [box]


def _read_notebook(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _drop_lead(intro: list[nodes.Node]) -> list[nodes.Node]:
    """Drop the bold "Run this chapter yourself." the box's title already says."""
    first = intro[0] if intro else None
    if not isinstance(first, nodes.paragraph):
        return intro
    # MyST may start a paragraph with an empty text node
    while first.children and isinstance(first[0], nodes.Text) and not first[0].strip():
        first.remove(first[0])
    lead = first[0] if first.children else None
    if isinstance(lead, nodes.strong) and lead.astext().startswith("Run this chapter"):
        first.remove(lead)
        if first.children and isinstance(first[0], nodes.Text):
            first.replace(first[0], nodes.Text(first[0].lstrip()))
    return intro


def _build_run_box(app: Any, docname: str, intro: list[nodes.Node]) -> nodes.Element:
    env = app.env
    source = Path(env.doc2path(docname))
    nb = _read_notebook(source) if source.suffix == ".ipynb" else {}
    known = registered_datasets()
    datasets = chapter_datasets(nb, known)
    for path in (source, *sorted(Path(env.srcdir, "data").glob("*.toml"))):
        env.note_dependency(str(path))
    from myst_nb.sphinx_ import NbMetadataCollector

    build = NbMetadataCollector.get_exec_data(env, docname)

    box = nodes.admonition(classes=["riskkit-run", "tip"])
    box += nodes.title("Run this chapter", "Run this chapter")
    box.extend(_drop_lead(intro))
    fields = nodes.field_list(classes=["riskkit-run-fields"])
    if PIP_INSTALL not in "".join(n.astext() for n in intro):
        fields += _field(
            "Install",
            _para(
                nodes.literal(PIP_INSTALL, PIP_INSTALL),
                " (Python 3.11+), or ",
                nodes.literal("make lab", "make lab"),
                " in a clone of the ",
                _link("repository", _repository(app.config)[0]),
                ".",
            ),
        )
    command = fetch_command(datasets)
    fetch_block = nodes.literal_block(command, command, language="bash")
    fields += _field(
        "Data",
        fetch_block,
        _para(
            "fetches this chapter's files ahead of time, each verified by sha256: downloaded "
            "from the upstream URLs below, or copied from the folder ",
            nodes.literal("RISKKIT_DATA_MIRROR", "RISKKIT_DATA_MIRROR"),
            " names.",
        ),
    )
    relpath = source.relative_to(env.srcdir).as_posix() if nb else ""
    if nb:
        download = addnodes.download_reference(
            "", "", reftarget="/" + relpath, refdoc=docname, refexplicit=True
        )
        download += nodes.literal(source.name, source.name)
        fields += _field(
            "Notebook",
            _para(
                "download ",
                download,
                " (with its outputs) or ",
                _link("view it in the repository", repo_file_url(app.config, relpath)),
                ".",
            ),
        )
    items = nodes.bullet_list(classes=["riskkit-run-datasets"])
    for name in datasets:
        prov = known[name]
        items += nodes.list_item(
            "", _para(_dataset_ref(name), f": {prov['title']} (", *_upstream_links(prov), ")")
        )
    if datasets:
        fields += _field(
            "Datasets",
            items,
            _para(
                "Provenance, sha256, units and known defects: ",
                _doc_ref("datasets", "Datasets"),
                ".",
            ),
        )
    fields += _field("Last executed", _para_code(execution_stamp(execution_record(nb), build)))
    box += fields
    return box


def _fill_run_boxes(app: Any, doctree: nodes.document) -> None:
    docname = app.env.docname
    for placeholder in list(doctree.findall(run_box)):
        placeholder.replace_self(_build_run_box(app, docname, list(placeholder.children)))


# ---- the Datasets page ---------------------------------------------------------------------


def chapters_by_dataset(srcdir: Path, known: Iterable[str]) -> dict[str, list[str]]:
    """``{dataset: [chapter docname, ...]}`` over ``chapters/*.ipynb``."""
    known = list(known)
    used: dict[str, list[str]] = {name: [] for name in known}
    for path in sorted((srcdir / CHAPTERS_DIR).glob("*.ipynb")):
        docname = f"{CHAPTERS_DIR}/{path.stem}"
        for name in chapter_datasets(_read_notebook(path), known):
            used[name].append(docname)
    return used


class DatasetsDirective(Directive):
    """``{riskkit-datasets}``: one section per registered dataset, from the registry."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        config = env.config
        known = registered_datasets()
        srcdir = Path(env.srcdir)
        for path in (
            srcdir / "data" / "registry.txt",
            *sorted((srcdir / "data").glob("*.toml")),
            *sorted((srcdir / CHAPTERS_DIR).glob("*.ipynb")),
        ):
            env.note_dependency(str(path))
        used = chapters_by_dataset(srcdir, known)
        out: list[nodes.Node] = []
        for name, prov in sorted(known.items(), key=lambda kv: kv[1]["title"].lower()):
            label = dataset_label(name)
            section = nodes.section(ids=[nodes.make_id(label)], names=[label])
            section += nodes.title(prov["title"], prov["title"])
            self.state.document.note_explicit_target(section, section)
            fields = nodes.field_list(classes=["riskkit-dataset"])
            fields += _field("Name", _para(nodes.literal(name, name)))
            loader = prov.get("loader") or ""
            fields += _field("Loader", _para(_breakable(loader)))
            fields += _field("Source", _para(prov["source"]))
            fields += _field(
                "Coverage",
                _para(
                    f"{prov['instrument']} on {prov['venue']}, {prov['frequency']}, "
                    f"{prov['start']} to {prov['end']} (UTC)"
                ),
            )
            files = nodes.bullet_list()
            for f in prov["files"]:
                where = f"{f['repository']} at {f['commit'][:10]}" if f["repository"] else "URL"
                upstream = _para("upstream: ", _link(where, f["url"]))
                if f["path"]:
                    upstream += nodes.Text(", ")
                    upstream += _breakable(f["path"])
                files += nodes.list_item(
                    "",
                    _para(_breakable(f["file"])),
                    _para("sha256 ", _breakable(f["sha256"], every=16, classes=["sha"])),
                    upstream,
                )
            fields += _field("Files", files)
            fields += _field(
                "Sidecar",
                _para(
                    _link(f"data/{name}.toml", repo_file_url(config, f"data/{name}.toml")),
                    " (provenance, units and defects, read by ",
                    nodes.literal("riskkit.data.provenance", "riskkit.data.provenance"),
                    ")",
                ),
            )
            fields += _field("Licence", _para(prov["licence"]))
            fields += _field("Retrieved", _para(prov["retrieved"]))
            if prov["units"]:
                units = nodes.bullet_list(classes=["riskkit-units"])
                for column, unit in prov["units"].items():
                    units += nodes.list_item("", _para(nodes.literal(column, column), f": {unit}"))
                fields += _field("Units", units)
            if prov["defects"]:
                defects = nodes.bullet_list()
                for d in prov["defects"]:
                    defects += nodes.list_item(
                        "", _para(d.get("defect", "")), _para("Repair: " + d.get("repair", ""))
                    )
                fields += _field("Known defects", defects)
            chapters = used.get(name, [])
            if chapters:
                para = nodes.paragraph()
                for i, docname in enumerate(chapters):
                    if i:
                        para += nodes.Text("; ")
                    para += _doc_ref(docname)
                fields += _field("Used in", para)
            else:
                fields += _field("Used in", _para("no chapter yet"))
            section += fields
            out.append(section)
        return out


# ---- charts --------------------------------------------------------------------------------


def _dedupe_scripts(
    app: Any, pagename: str, templatename: str, context: dict, doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for js in scripts:
        attrs = getattr(js, "attributes", {}) or {}
        key = (str(getattr(js, "filename", js) or ""), repr(sorted(attrs.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique  # the builder keeps a reference to this list: mutate it in place


def _fallback_png(renderer: Any, data: Any, spec: dict[str, Any]) -> str | None:
    """The static PNG for readers without JavaScript: the ``image/png`` of the same output, or
    (for glued figures, which myst-nb hands over without their cell) the same picture drawn
    from the spec with vl-convert, as :func:`riskkit.charts.render_spec` drew it."""
    client = getattr(renderer.renderer, "nb_client", None)
    if client is not None and data.cell_index is not None and data.output_index is not None:
        _, outputs = client.code_cell_outputs(data.cell_index)
        if data.output_index < len(outputs):
            png = outputs[data.output_index].get("data", {}).get("image/png")
            if isinstance(png, str):
                return png
    from riskkit.charts import render_spec

    drawn = render_spec(spec).get("image/png")
    return drawn if isinstance(drawn, str) else None


class VegaLiteMimeRenderer:
    """myst-nb mime renderer: Vega-Lite outputs become self-hosted vega-embed HTML.

    In other formats (LaTeX) a displayed chart's committed PNG has priority (see
    ``nb_mime_priority_overrides`` in ``_config.yml``); a glued figure has no PNG, so its spec is
    drawn to one with vl-convert here.
    """

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = []

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        from riskkit.charts import VEGALITE_MIMETYPE, spec_html

        env = getattr(renderer.renderer, "sphinx_env", None)
        builder = env.app.builder.format if env is not None else "html"
        if inline or data.mime_type != VEGALITE_MIMETYPE:
            return None
        content = data.content
        spec = json.loads(content) if isinstance(content, str) else dict(content)
        if builder == "html":
            html = spec_html(spec, png=_fallback_png(renderer, data, spec))
            return [nodes.raw("", html, format="html", classes=["output", "riskkit-chart"])]
        import vl_convert

        png = b64encode(vl_convert.vegalite_to_png(spec, scale=2)).decode("ascii")
        image = dataclasses.replace(data, mime_type="image/png", content=png)
        return list(renderer.render_image(image))


# ---- tables in the PDF ---------------------------------------------------------------------


def _grid(rows: list[Any]) -> list[list[str]]:
    """The cells of HTML table rows as a rectangular grid (a spanned cell keeps its text in its
    first position; the positions it spans are empty)."""
    grid: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}
    for r, tr in enumerate(rows):
        line: list[str] = []
        col = 0
        for cell in tr.find_all(["th", "td"], recursive=False):
            while (r, col) in pending:
                line.append(pending.pop((r, col)))
                col += 1
            text = " ".join(cell.get_text(" ", strip=True).split())
            colspan = int(cell.get("colspan", 1) or 1)
            rowspan = int(cell.get("rowspan", 1) or 1)
            for dc in range(colspan):
                line.append(text if dc == 0 else "")
                for dr in range(1, rowspan):
                    pending[(r + dr, col + dc)] = ""
            col += colspan
        while (r, col) in pending:
            line.append(pending.pop((r, col)))
            col += 1
        grid.append(line)
    width = max((len(line) for line in grid), default=0)
    return [line + [""] * (width - len(line)) for line in grid]


def html_table_rows(html: str) -> tuple[list[list[str]], list[list[str]]] | None:
    """Header and body rows of the one ``<table>`` in a pandas HTML output, or None.

    pandas writes the index name on a second header row of its own; it is moved into the first
    header row's corner cell.
    """
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    tables = soup.find_all("table")
    if len(tables) != 1:
        return None
    table = tables[0]
    thead, tbody = table.find("thead"), table.find("tbody")
    head_rows = thead.find_all("tr", recursive=False) if thead else []
    body_rows = (tbody or table).find_all("tr", recursive=False)
    grid = _grid(head_rows + body_rows)
    head, body = grid[: len(head_rows)], grid[len(head_rows) :]
    if len(head) == 2 and head[1][0] and not any(head[1][1:]) and not head[0][0]:
        head = [[head[1][0], *head[0][1:]]]
    return head, body


def _table_node(head: list[list[str]], body: list[list[str]]) -> nodes.table:
    width = len((head or body)[0])
    table = nodes.table(classes=["riskkit-output-table"])
    group = nodes.tgroup(cols=width)
    table += group
    for _ in range(width):
        group += nodes.colspec(colwidth=1)
    for part, rows in ((nodes.thead(), head), (nodes.tbody(), body)):
        if not rows:
            continue
        for cells in rows:
            row = nodes.row()
            for text in cells:
                entry = nodes.entry()
                entry += nodes.paragraph(text, text)
                row += entry
            part += row
        group += part
    return table


class HtmlTableLatexRenderer:
    """myst-nb mime renderer: in the PDF, a pandas HTML table becomes a real (LaTeX) table.

    LaTeX cannot show ``text/html``; without this the PDF would print the ``text/plain`` repr,
    whose columns pandas folds into blocks. Other builders keep their own HTML rendering.
    """

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = []

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        env = getattr(renderer.renderer, "sphinx_env", None)
        builder = env.app.builder.format if env is not None else "html"
        if data.mime_type != "text/html" or builder != "latex":
            return None
        rows = html_table_rows(data.string)
        if rows is None or not (rows[0] or rows[1]):
            from bs4 import BeautifulSoup

            text = BeautifulSoup(data.string, "html.parser").get_text("\n", strip=True)
            return [nodes.literal_block(text, text)]
        return [
            nodes.raw("", r"\begingroup\small", format="latex"),
            _table_node(*rows),
            nodes.raw("", r"\endgroup", format="latex"),
        ]


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.core.render import load_mime_renders

    plugins = load_mime_renders()  # myst-nb caches this list: add ours to it once
    for plugin in (VegaLiteMimeRenderer, HtmlTableLatexRenderer):
        if not any(p is plugin for p in plugins):
            plugins.append(plugin)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    # inline base64 images (the charts' <noscript> PNGs) become files of _images/ (HTML only)
    app.setup_extension("riskkit_book_images")
    app.connect("config-inited", _footer)
    app.add_directive("riskkit-run", RunDirective)
    app.add_directive("riskkit-datasets", DatasetsDirective)
    app.add_role("repo-file", _repo_file_role)
    # before the download collector (priority 500) registers the notebook download
    app.connect("doctree-read", _fill_run_boxes, priority=400)
    app.add_css_file("riskkit-apparatus.css")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
