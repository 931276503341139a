"""Sphinx glue for the riskkit book.

Charts: a notebook's chart output is a Vega-Lite spec (``application/vnd.vegalite.v5+json``,
which Jupyter front ends draw natively) plus a PNG. For the HTML book this registers a myst-nb
mime renderer that turns the spec into a ``<div>`` and a call to the page-global ``vegaEmbed``
served from the book's own static files (:func:`riskkit.charts.spec_html`), so the published
pages draw every chart offline, with vega-embed's export menu (SVG/PNG) and the output's PNG in a
``<noscript>`` for readers without JavaScript. Other builders (LaTeX) fall back to the PNG.

jupyter-book 1 registers some theme scripts twice (sphinx-thebe's inline ``const THEBE_JS_URL``
and the togglebutton selector), so every page threw ``Identifier 'THEBE_JS_URL' has already been
declared``. This drops exact duplicate script entries from each page before it is written.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from docutils import nodes


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
    """myst-nb mime renderer: Vega-Lite outputs become self-hosted vega-embed HTML."""

    mime_priority_overrides: ClassVar[list[tuple[str, str, int | None]]] = []

    @staticmethod
    def handle_mime(renderer: Any, data: Any, inline: bool) -> list[nodes.Element] | None:
        from riskkit.charts import VEGALITE_MIMETYPE, spec_html

        env = getattr(renderer.renderer, "sphinx_env", None)
        builder = env.app.builder.format if env is not None else "html"
        if inline or data.mime_type != VEGALITE_MIMETYPE or builder != "html":
            return None
        content = data.content
        spec = json.loads(content) if isinstance(content, str) else dict(content)
        html = spec_html(spec, png=_fallback_png(renderer, data, spec))
        return [nodes.raw("", html, format="html", classes=["output", "riskkit-chart"])]


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.core.render import load_mime_renders

    plugins = load_mime_renders()  # myst-nb caches this list: add ours to it once
    if not any(p is VegaLiteMimeRenderer for p in plugins):
        plugins.append(VegaLiteMimeRenderer)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
