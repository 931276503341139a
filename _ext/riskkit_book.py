"""Sphinx glue for the riskkit book.

jupyter-book 1 registers some theme scripts twice (sphinx-thebe's inline ``const THEBE_JS_URL``
and the togglebutton selector), so every page threw ``Identifier 'THEBE_JS_URL' has already been
declared``. This drops exact duplicate script entries from each page before it is written.
"""

from __future__ import annotations

from typing import Any


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


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
