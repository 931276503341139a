"""Sphinx glue for the riskkit book: inline base64 images become files of the HTML build.

Every chart output of a chapter carries its PNG (``image/png``), which the HTML book shows in a
``<noscript>`` to readers without JavaScript (:func:`riskkit.charts.spec_html`). Inlined as a
``data:`` URI, those pictures were about two thirds of the bytes of every chapter page, and a
reader downloaded them with each page although a browser that runs scripts never shows them.

On ``html-page-context`` (HTML builders only: the LaTeX/PDF build never sees this hook) every
``<img src="data:image/...;base64,...">`` of the page's body is written once to the build's
``_images/`` folder, named by the sha256 of the decoded bytes (``<sha256[:16]>.png``), and its
``src`` becomes the relative URL of that file. This covers the ``<noscript>`` fallbacks, raw HTML
``<img>`` of markdown cells and markdown images with a ``data:`` URI alike (Sphinx writes those
inline). The notebooks keep their inline images: only the published pages change. Relative URLs
work on a web server and from ``file://``; a browser with JavaScript on never parses the contents
of a ``<noscript>``, so it fetches none of the fallback files.

Text inside ``<script>``, ``<style>`` and HTML comments is left alone, as are ``data:`` URIs that
are not base64 (an SVG written as text) or not images. The rewrite is idempotent: a body without
``data:`` images comes back unchanged, and a file already in ``_images/`` is not written again.
"""

from __future__ import annotations

import binascii
import hashlib
import os
import re
from base64 import b64decode
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sphinx.util import logging

__all__ = ["IMAGE_EXTENSIONS", "externalise_data_images", "image_name", "setup"]

logger = logging.getLogger(__name__)

#: File extension of each image type written out; a ``data:`` URI of another type stays inline.
IMAGE_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/jpg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/svg+xml": ".svg",
}

#: Hex digits of the sha256 in a file name.
HASH_DIGITS = 16

# Regions whose text is not markup: an "<img" in them is not an image.
_OPAQUE = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|<!--.*?-->", re.I | re.S)
# An <img> tag; quoted attribute values may hold ">".
_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""", re.I)
# Its src attribute holding a base64 data: URI, quoted (the base64 may be broken over lines) or
# bare (it ends at a space or the tag's end).
_URI = r"data:(?P<mime{i}>[\w.+-]+/[\w.+-]+)(?:;[\w.+-]+=[^;,\"'\s>]*)*;base64,"
_SRC = re.compile(
    r"(?P<lead>\ssrc\s*=\s*)(?:"
    + r"(?P<q>[\"'])"
    + _URI.format(i=1)
    + r"(?P<data1>[A-Za-z0-9+/=\s]*)(?P=q)|"
    + _URI.format(i=2)
    + r"(?P<data2>[A-Za-z0-9+/=]+)(?=\s|>))",
    re.I,
)


def image_name(data: bytes, mime: str) -> str:
    """File name of an image: the first 16 hex digits of its sha256, and its type's extension.

    Parameters
    ----------
    data : bytes
        The decoded image.
    mime : str
        Its media type, a key of :data:`IMAGE_EXTENSIONS` (any case).

    Returns
    -------
    str
        ``<sha256[:16]><extension>``.

    Raises
    ------
    ValueError
        If ``mime`` is not an image type of :data:`IMAGE_EXTENSIONS`.

    Examples
    --------
    >>> image_name(b"abc", "image/png")
    'ba7816bf8f01cfea.png'
    """
    extension = IMAGE_EXTENSIONS.get(mime.lower())
    if extension is None:
        raise ValueError(f"mime must be one of {sorted(IMAGE_EXTENSIONS)}; got {mime!r}")
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS] + extension


def _write_once(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly that; True if written."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    # parallel writers may write the same image: each renames its own complete temporary file
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def externalise_data_images(
    html: str, image_dir: Path, url: Callable[[str], str]
) -> tuple[str, list[str]]:
    """Write the base64 ``data:`` images of ``<img>`` tags to files and link them instead.

    Parameters
    ----------
    html : str
        An HTML fragment (a page's body).
    image_dir : pathlib.Path
        Folder the images are written to (created when needed).
    url : callable
        ``url(file name)`` is the ``src`` that links the file from this page.

    Returns
    -------
    (str, list of str)
        The HTML with every such ``src`` rewritten, and the file names it links, in order of
        first appearance. Everything else in ``html`` is kept byte for byte.

    Notes
    -----
    A file is named by :func:`image_name`, so the same picture on several pages is one file and
    a rebuild writes the same names. Not rewritten: ``<img>`` text inside ``<script>``,
    ``<style>`` or a comment, ``data:`` URIs that are not base64, types not in
    :data:`IMAGE_EXTENSIONS`, and base64 that does not decode (logged as a Sphinx warning
    ``riskkit.data_image``).

    Examples
    --------
    >>> import tempfile
    >>> out, names = externalise_data_images(
    ...     '<p><img alt="x" src="data:image/png;base64,YWJj"></p>',
    ...     Path(tempfile.mkdtemp()),
    ...     lambda name: "../_images/" + name,
    ... )
    >>> out
    '<p><img alt="x" src="../_images/ba7816bf8f01cfea.png"></p>'
    """
    names: list[str] = []

    def src(match: re.Match[str]) -> str:
        quoted = match.group("q") is not None
        mime = match.group("mime1" if quoted else "mime2").lower()
        if mime not in IMAGE_EXTENSIONS:
            return match.group(0)
        try:
            text = match.group("data1" if quoted else "data2")
            data = b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            logger.warning(
                "an inline %s image does not decode (%s); it stays inline",
                mime,
                exc,
                type="riskkit",
                subtype="data_image",
            )
            return match.group(0)
        name = image_name(data, mime)
        _write_once(Path(image_dir) / name, data)
        if name not in names:
            names.append(name)
        quote = match.group("q") if quoted else '"'
        return f"{match.group('lead')}{quote}{url(name)}{quote}"

    def img(match: re.Match[str]) -> str:
        return _SRC.sub(src, match.group(0))

    out: list[str] = []
    start = 0
    for opaque in _OPAQUE.finditer(html):
        out.append(_IMG.sub(img, html[start : opaque.start()]))
        out.append(opaque.group(0))
        start = opaque.end()
    out.append(_IMG.sub(img, html[start:]))
    return "".join(out), names


def _externalise_page_images(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if not isinstance(body, str) or "data:" not in body:
        return
    imagedir = getattr(app.builder, "imagedir", "_images")
    pathto = context["pathto"]
    context["body"], _ = externalise_data_images(
        body,
        Path(app.builder.outdir) / imagedir,
        lambda name: pathto(f"{imagedir}/{name}", 1),
    )


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _externalise_page_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
