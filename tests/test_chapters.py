"""Static checks of the committed chapters: what a reader on another machine or in Jupyter sees.

Strict nbval (``make nbval`` and ``make nbval-portable``) re-executes the chapters and compares
every output; these tests check the properties of the committed files that make that comparison
portable and the outputs readable in any front end.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

CHAPTERS = sorted((Path(__file__).parent.parent / "chapters").glob("*.ipynb"))
GLUE = "application/papermill.record/"
VEGALITE = "application/vnd.vegalite.v5+json"
REF = re.compile(r"\{glue(?::(\w*))?\}`([^`]+)`")
PATH = re.compile(r"(/(tmp|home|root|work|Users|usr)/|site-packages|[A-Z]:\\\\)")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _outputs(path: Path) -> list[dict]:
    return [o for c in _cells(path) if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _glued(path: Path) -> dict[str, dict]:
    return {
        o["metadata"]["scrapbook"]["name"]: o["data"]
        for o in _outputs(path)
        if o.get("metadata", {}).get("scrapbook")
    }


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


@pytest.fixture(params=CHAPTERS, ids=[p.stem for p in CHAPTERS])
def chapter(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_there_are_chapters() -> None:
    assert len(CHAPTERS) >= 7


def test_no_warning_text_or_machine_path_in_any_output(chapter: Path) -> None:
    for out in _outputs(chapter):
        assert not (out.get("output_type") == "stream" and out.get("name") == "stderr"), (
            f"{chapter.name}: a cell writes to stderr: {''.join(out['text'])[:200]}"
        )
        text = json.dumps(out.get("data", out.get("text", "")))
        assert not PATH.search(text), f"{chapter.name}: a machine path in an output"
        assert "Warning:" not in text or "Domain" in text, f"{chapter.name}: warning text"


def test_chart_outputs_carry_vegalite_and_png_and_no_script(chapter: Path) -> None:
    charts = 0
    for out in _outputs(chapter):
        data = {k.removeprefix(GLUE): v for k, v in out.get("data", {}).items()}
        if VEGALITE in data:
            charts += 1
            assert "text/html" not in data, "scripts do not run in untrusted notebooks"
            assert _text(data["text/plain"]).startswith("<riskkit chart ")
            if not any(k.startswith(GLUE) for k in out["data"]):
                assert "image/png" in data, "a displayed chart needs its static fallback"
        else:
            assert "<script" not in json.dumps(data), f"{chapter.name}: an HTML output script"
    assert charts > 0


def test_every_glued_value_is_recorded_as_the_text_the_reader_reads(chapter: Path) -> None:
    glued = _glued(chapter)
    markdown = "".join(
        "".join(c["source"]) for c in _cells(chapter) if c["cell_type"] == "markdown"
    )
    refs = REF.findall(markdown)
    assert refs
    for kind, key in refs:
        if kind == "figure":
            assert VEGALITE in {k.removeprefix(GLUE) for k in glued[key]}, key
            continue
        assert kind == "text", f"{chapter.name}: use {{glue:text}}, not {{glue:{kind}}}"
        assert ":" not in key, (
            f"{chapter.name}: {key!r} formats in the markdown; glue the value with its "
            "format instead (riskkit.book.glue_values(name=(value, spec)))"
        )
        assert key in glued, f"{chapter.name}: {key!r} is referenced but never glued"
    for name, data in glued.items():
        text = data.get(GLUE + "text/plain")
        if text is None or GLUE + VEGALITE in data:
            continue
        text = _text(text)
        assert text.startswith("'") and text.endswith("'"), (
            f"{chapter.name}: {name!r} is glued as {text[:40]}, not as formatted text"
        )


def test_chapters_run_without_myst_nb(chapter: Path) -> None:
    code = "".join("".join(c["source"]) for c in _cells(chapter) if c["cell_type"] == "code")
    assert "myst_nb" not in code


def test_figure_captions_are_referenced(chapter: Path) -> None:
    glued = _glued(chapter)
    markdown = "".join(
        "".join(c["source"]) for c in _cells(chapter) if c["cell_type"] == "markdown"
    )
    for name, data in glued.items():
        if any(k.endswith(VEGALITE) for k in data):
            assert f"{{glue:figure}} {name}" in markdown, f"{name} is glued but never shown"


LONG_NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d{7,}")


def test_tables_and_printed_numbers_are_rounded_at_display_precision(chapter: Path) -> None:
    # a float shown at full precision moves in its last digits with the BLAS kernel; what a
    # reader sees is rounded (format_table, .round(), f-strings) before it is displayed
    for out in _outputs(chapter):
        texts = [out.get("text", "")] if out.get("output_type") == "stream" else []
        data = out.get("data", {})
        texts += [data[k] for k in ("text/html", "text/plain", "text/markdown") if k in data]
        for text in map(_text, texts):
            found = LONG_NUMBER.findall(text)
            assert not found, f"{chapter.name}: unrounded number(s) {found[:3]} in an output"
