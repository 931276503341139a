"""Inline base64 images of the HTML book become files (``_ext/riskkit_book_images.py``).

The pure rewrite on HTML fragments (the charts' ``<noscript>`` fallback from
:func:`riskkit.charts.spec_html`, raw HTML and markdown images of markdown cells), and one small
Sphinx build of a MyST page through the real ``html-page-context`` hook and the LaTeX builder.
"""

from __future__ import annotations

import hashlib
import re
import struct
import sys
import zlib
from base64 import b64encode
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "_ext"))
import riskkit_book_images as images  # noqa: E402


def _png(width: int = 2, height: int = 1, shade: int = 0) -> bytes:
    """A valid grey PNG, built by hand from the PNG specification (W3C PNG, 2nd ed., s. 5)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{b64encode(data).decode('ascii')}"


def _name(data: bytes, extension: str = ".png") -> str:
    # the naming rule stated in the brief: the first 16 hex digits of the sha256 of the bytes
    return hashlib.sha256(data).hexdigest()[:16] + extension


def _url(name: str) -> str:
    return "../_images/" + name


def test_the_charts_noscript_png_becomes_a_file_named_by_its_hash(tmp_path: Path) -> None:
    from riskkit.charts import spec_html

    png = _png()
    html = spec_html({"mark": "point", "title": "t"}, png=b64encode(png).decode("ascii"))
    out, names = images.externalise_data_images(html, tmp_path, _url)
    assert names == [_name(png)]
    assert (tmp_path / _name(png)).read_bytes() == png
    # only the src changed: the div, the script and the <img>'s other attributes are kept
    assert out == html.replace(_uri(png), _url(_name(png)))
    assert re.search(r'<noscript><img class="riskkit-vega-fallback" alt="[^"]+" src="\.\./', out)
    assert "data:" not in out


def test_the_rewrite_is_idempotent_and_does_not_rewrite_files(tmp_path: Path) -> None:
    png = _png()
    html = f'<p><img src="{_uri(png)}"></p>'
    once, _ = images.externalise_data_images(html, tmp_path, _url)
    written = tmp_path / _name(png)
    stamp = written.stat().st_mtime_ns
    twice, names = images.externalise_data_images(once, tmp_path, _url)
    assert twice == once
    assert names == []
    again, _ = images.externalise_data_images(html, tmp_path, _url)  # the same image again
    assert again == once
    assert written.stat().st_mtime_ns == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == [_name(png)]


def test_markdown_cell_images_are_written_out_like_the_fallback(tmp_path: Path) -> None:
    a, b = _png(shade=10), _png(shade=200)
    wrapped = b64encode(b).decode("ascii")
    wrapped = "\n".join(wrapped[i : i + 20] for i in range(0, len(wrapped), 20))
    html = (
        # a markdown image (Sphinx writes it as <img ... />), the same picture in raw HTML with
        # single quotes, and another with its base64 broken over lines and a bare attribute
        f'<img alt="a" src="{_uri(a)}" />\n'
        f"<p><img class='x' src='{_uri(a)}' title='a > b'></p>\n"
        f'<IMG SRC="data:image/PNG;base64,{wrapped}" width="2">\n'
        f"<img src={_uri(b)} alt=bare>"
    )
    out, names = images.externalise_data_images(html, tmp_path, _url)
    assert names == [_name(a), _name(b)]
    assert out == (
        f'<img alt="a" src="{_url(_name(a))}" />\n'
        f"<p><img class='x' src='{_url(_name(a))}' title='a > b'></p>\n"
        f'<IMG SRC="{_url(_name(b))}" width="2">\n'
        f'<img src="{_url(_name(b))}" alt=bare>'
    )
    assert (tmp_path / _name(b)).read_bytes() == b


def test_other_data_uris_and_non_markup_text_stay_as_they_are(tmp_path: Path) -> None:
    png = _uri(_png())
    html = (
        f"<script>var s = '<img src=\"{png}\">';</script>\n"
        f"<style>.a {{ background: url({png}); }}</style>\n"
        f'<!-- <img src="{png}"> -->\n'
        f'<img data-src="{png}" src="chart.png">\n'
        f'<a href="{png}">download</a>\n'
        '<img src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E">\n'
        '<img src="data:text/plain;base64,YWJj">\n'
        f"<pre>&lt;img src=&quot;{png}&quot;&gt;</pre>"
    )
    out, names = images.externalise_data_images(html, tmp_path, _url)
    assert (out, names) == (html, [])
    assert list(tmp_path.iterdir()) == []


def test_base64_that_does_not_decode_stays_inline_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    html = '<img src="data:image/png;base64,abc">'  # 3 characters: not a base64 length
    out, names = images.externalise_data_images(html, tmp_path, _url)
    assert (out, names) == (html, [])
    assert "does not decode" in caplog.text


def test_image_name_follows_the_type_and_rejects_other_types() -> None:
    # sha256("abc") from FIPS 180-2, appendix B.1: ba7816bf 8f01cfea 414140de ...
    assert images.image_name(b"abc", "image/png") == "ba7816bf8f01cfea.png"
    assert images.image_name(b"abc", "IMAGE/JPEG") == "ba7816bf8f01cfea.jpg"
    with pytest.raises(ValueError, match=r"mime must be one of .*; got 'text/plain'"):
        images.image_name(b"abc", "text/plain")


@given(st.lists(st.binary(min_size=1, max_size=64), min_size=1, max_size=4))
def test_every_image_round_trips_to_one_file_per_distinct_content(blobs: list[bytes]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        html = "".join(f'<img src="{_uri(b, "image/gif")}">' for b in blobs)
        out, names = images.externalise_data_images(html, Path(folder), lambda n: n)
        distinct = list(dict.fromkeys(_name(b, ".gif") for b in blobs))
        assert names == distinct
        assert out == "".join(f'<img src="{_name(b, ".gif")}">' for b in blobs)
        for blob in blobs:
            assert (Path(folder) / _name(blob, ".gif")).read_bytes() == blob


def _build(src: Path, out: Path, builder: str) -> None:
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace

    with docutils_namespace():  # each build registers its nodes afresh
        app = Sphinx(
            str(src),
            str(src),
            str(out),
            str(out / ".doctrees"),
            builder,
            confoverrides={"extensions": ["myst_parser", "riskkit_book_images"]},
            status=None,
            warning=None,
            freshenv=True,
            warningiserror=True,
        )
        app.build()


def test_a_sphinx_build_links_the_files_and_the_latex_build_keeps_its_images(
    tmp_path: Path,
) -> None:
    pytest.importorskip("myst_parser")
    chart, figure = _png(shade=1), _png(shade=2)
    src = tmp_path / "src"
    (src / "chapters").mkdir(parents=True)
    (src / "conf.py").write_text('project = "t"\nroot_doc = "index"\n', encoding="utf-8")
    (src / "index.md").write_text("# Index\n\n```{toctree}\nchapters/page\n```\n", encoding="utf-8")
    (src / "chapters" / "page.md").write_text(
        "# Page\n\n"
        f"![a figure]({_uri(figure)})\n\n"
        f'<noscript><img class="riskkit-vega-fallback" alt="c" src="{_uri(chart)}"></noscript>\n',
        encoding="utf-8",
    )
    html = tmp_path / "html"
    _build(src, html, "html")
    page = (html / "chapters" / "page.html").read_text(encoding="utf-8")
    assert "data:image" not in page
    for blob in (chart, figure):
        assert f'src="../_images/{_name(blob)}"' in page
        assert (html / "_images" / _name(blob)).read_bytes() == blob
    # the LaTeX builder never sees html-page-context: Sphinx writes its data: image to a file of
    # its own, and no _images/ of ours appears
    latex = tmp_path / "latex"
    _build(src, latex, "latex")
    tex = next(latex.glob("*.tex")).read_text(encoding="utf-8")
    assert tex.count(r"\sphinxincludegraphics") == 1
    assert not (latex / "_images").exists()
