"""A deterministic, offline renderer for altair charts, in notebooks and in the book.

A chart output carries three representations, so that it draws wherever a chapter is opened:

* ``application/vnd.vegalite.v5+json``: the Vega-Lite spec. JupyterLab 4, Notebook 7 and VS Code
  draw it with the Vega they bundle, with no network and without the notebook being trusted (the
  renderer is marked safe: it runs no script from the notebook).
* ``image/png``: a static picture made with ``vl-convert`` when it is installed, for front ends
  and viewers without Vega (and printed output).
* ``text/plain``: ``<riskkit chart <id>: <title>>``.

No ``text/html`` with a ``<script>`` is written: front ends do not run scripts of untrusted
notebooks, and a trusted one would have to load Vega from a CDN. The book turns the Vega-Lite
output into a ``<div>`` plus a call to the page-global ``vegaEmbed`` that it serves from its own
static files (:func:`spec_html`, used by the book's Sphinx extension).

Every float in the spec is rounded to :data:`CHART_DIGITS` significant digits before the spec
is embedded, and altair's dataset names (a hash of the full-precision data) are replaced by a
hash of the rounded data; the chart id is the hash of that rounded, canonical spec. A chart
therefore records the same bytes on every machine, whatever the BLAS kernel did to the 12th
digit of a number, which is what strict ``nbval`` compares.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import numbers
from typing import Any

from riskkit._compat import require
from riskkit._errors import check_int, check_type

__all__ = [
    "CHART_DIGITS",
    "CHART_WIDTH",
    "EVENT_COLOR",
    "LONG_COLOR",
    "PRICE_COLOR",
    "SERIES_COLORS",
    "SHORT_COLOR",
    "VEGALITE_MIMETYPE",
    "VEGA_VERSIONS",
    "enable",
    "render_spec",
    "round_spec",
    "spec_html",
    "usd_units",
]

#: Width in px that fits the book's content column (sphinx-book-theme) with a legend.
CHART_WIDTH = 520

#: The book's one palette. Longs are red and shorts green in every chart that colours by side
#: (crash panels, liquidation maps, cascades); prices are blue; crash-event rules are grey.
LONG_COLOR = "#d62728"
SHORT_COLOR = "#2ca02c"
PRICE_COLOR = "#1f77b4"
EVENT_COLOR = "#888888"

#: The categorical range of the theme: blue first, and red and green last, so that a chart of
#: several series (prices, venues, estimators) does not borrow the colours of the two sides.
SERIES_COLORS = (
    PRICE_COLOR,
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
    "#e377c2",
    LONG_COLOR,
    SHORT_COLOR,
)

_USD_UNITS = ((1e12, "USD tn"), (1e9, "USD bn"), (1e6, "USD m"), (1e3, "USD thousand"))


def usd_units(largest: float) -> tuple[float, str]:
    """Divisor and unit that show USD amounts up to ``largest`` as short numbers on an axis.

    Parameters
    ----------
    largest : float
        The largest absolute amount shown, in USD.

    Returns
    -------
    (float, str)
        Divide the data by the divisor and put the unit in the axis title, e.g.
        ``"notional liquidated (USD bn)"``. Amounts below 10,000 USD stay in USD.

    Raises
    ------
    TypeError
        If ``largest`` is not a real number.
    ValueError
        If it is not finite.

    Examples
    --------
    >>> usd_units(1.4e9)
    (1000000000.0, 'USD bn')
    >>> usd_units(250_000.0)
    (1000.0, 'USD thousand')
    >>> usd_units(0.0)
    (1.0, 'USD')
    """
    if isinstance(largest, bool) or not isinstance(largest, numbers.Real):
        raise TypeError(f"largest must be a real number; got {type(largest).__name__}")
    size = abs(float(largest))
    if not math.isfinite(size):
        raise ValueError(f"largest must be finite; got {largest!r}")
    for divisor, unit in _USD_UNITS:
        if size >= divisor * (10.0 if divisor == 1e3 else 1.0):
            return divisor, unit
    return 1.0, "USD"


#: Significant digits every float of a chart spec is rounded to before it is embedded.
CHART_DIGITS = 6

#: Library versions the book serves; they match ``package.json`` and altair 6.
VEGA_VERSIONS = {"vega": "6.4.0", "vega-lite": "6.4.1", "vega-embed": "7.3.0"}

#: The mimetype Jupyter front ends render natively (JupyterLab 4.6 knows Vega-Lite 3 to 5).
VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"

_SCRIPT = """(function () {
  var el = document.currentScript.previousElementSibling;
  var spec = %(spec)s;
  function fail(err) {
    el.innerHTML = '<p class="riskkit-vega-error">Chart unavailable: ' + String(err) + '</p>';
    if (window.console) { console.error('riskkit chart ' + el.id + ': ' + err); }
  }
  function draw() {
    if (typeof window.vegaEmbed !== 'function') { fail('vega-embed is not loaded'); return; }
    var actions = {export: {svg: true, png: true}, source: false, compiled: false, editor: false};
    window.vegaEmbed(el, spec, {mode: 'vega-lite', actions: actions, renderer: 'svg'})
      .then(function (result) { el.riskkitView = result.view; })
      .catch(fail);
  }
  if (document.readyState === 'loading') { document.addEventListener('DOMContentLoaded', draw); }
  else { draw(); }
})();"""


def _round(value: Any, digits: int) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"chart specs must hold finite numbers; got {value!r}")
        return float(f"{value:.{digits}g}") if value else 0.0
    if isinstance(value, dict):
        return {k: _round(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v, digits) for v in value]
    return value


def _canonical(spec: dict[str, Any]) -> str:
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), allow_nan=False)


def round_spec(spec: dict[str, Any], digits: int = CHART_DIGITS) -> dict[str, Any]:
    """Round every float of a Vega-Lite spec to ``digits`` significant digits.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (what ``chart.to_dict()`` returns).
    digits : int, default :data:`CHART_DIGITS`
        Significant digits kept (at least 1).

    Returns
    -------
    dict
        A new spec. Inline datasets (``spec["datasets"]``) are renamed ``data-<hash>`` after the
        sha256 of their rounded values, and every reference to them follows, so two specs whose
        data differ only beyond ``digits`` become identical.

    Raises
    ------
    TypeError
        If ``spec`` is not a dict, or ``digits`` is not an int.
    ValueError
        For ``digits < 1`` or a NaN/infinite number in the spec.

    Examples
    --------
    >>> round_spec({"data": {"values": [{"y": 0.012649813116004806}]}})["data"]["values"]
    [{'y': 0.0126498}]
    """
    check_type(spec, "spec", dict)
    digits = check_int(digits, "digits", 1)
    out = _round(spec, digits)
    datasets = out.get("datasets")
    if isinstance(datasets, dict) and datasets:
        renames = {}
        for old, values in datasets.items():
            digest = hashlib.sha256(_canonical({"v": values}).encode("utf-8")).hexdigest()
            renames[old] = f"data-{digest[:32]}"
        text = _canonical(out)
        for old, new in renames.items():
            text = text.replace(json.dumps(old), json.dumps(new))
        out = json.loads(text)
    return out


def _digest(spec: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(spec).encode("utf-8")).hexdigest()[:12]


def _label(spec: dict[str, Any], digest: str) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return f"<riskkit chart {digest}: {title}>" if title else f"<riskkit chart {digest}>"


def _png(spec: dict[str, Any]) -> str | None:
    try:
        vlc = require("vl_convert")
    except ImportError:
        return None
    return base64.b64encode(vlc.vegalite_to_png(spec, scale=1)).decode("ascii")


def render_spec(spec: dict[str, Any], *, png: bool = True) -> dict[str, Any]:
    """Render a Vega-Lite spec as a deterministic mimebundle that every Jupyter front end draws.

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification (what ``chart.to_dict()`` returns).
    png : bool, default True
        Add an ``image/png`` fallback (needs ``vl-convert-python``, part of ``riskkit[charts]``;
        skipped without it).

    Returns
    -------
    dict
        ``{VEGALITE_MIMETYPE: rounded spec, "image/png": base64 PNG, "text/plain": label}``.
        The label holds the chart id, the first 12 hex digits of the sha256 of the canonical
        JSON of the rounded spec, so the same chart always renders to the same bytes.

    Examples
    --------
    >>> spec = {"mark": "point", "data": {"values": [{"x": 1.0000001}]}}
    >>> bundle = render_spec(spec, png=False)
    >>> sorted(bundle)
    ['application/vnd.vegalite.v5+json', 'text/plain']
    >>> bundle["application/vnd.vegalite.v5+json"]["data"]["values"]
    [{'x': 1.0}]
    >>> render_spec(dict(reversed(spec.items())), png=False) == bundle  # key order is irrelevant
    True
    """
    rounded = round_spec(spec)
    digest = _digest(rounded)
    bundle: dict[str, Any] = {VEGALITE_MIMETYPE: rounded}
    if png:
        image = _png(rounded)
        if image is not None:
            bundle["image/png"] = image
    bundle["text/plain"] = _label(rounded, digest)
    return bundle


def spec_html(spec: dict[str, Any], png: str | None = None) -> str:
    """HTML that draws a spec with the page-global ``vegaEmbed`` (the book's static files).

    Parameters
    ----------
    spec : dict
        A Vega-Lite specification; it is rounded with :func:`round_spec` first.
    png : str, optional
        The chart's PNG, base64 (the ``image/png`` of :func:`render_spec`): shown in a
        ``<noscript>`` to readers without JavaScript.

    Returns
    -------
    str
        ``<div class="riskkit-vega" id="riskkit-vega-<id>"></div>``, a ``<script>`` and, with
        ``png``, a ``<noscript>`` holding the picture. No network is used: if ``vegaEmbed`` is
        missing, the chart says "Chart unavailable". The chart gets vega-embed's export menu
        (SVG and PNG only: the editor and source links would need a network), and its Vega
        view is kept on the element as ``riskkitView`` (the browser check moves its controls).

    Examples
    --------
    >>> spec_html({"mark": "point"}).startswith('<div class="riskkit-vega" id="riskkit-vega-')
    True
    >>> "<noscript><img" in spec_html({"mark": "point"}, png="iVBORw0KGgo=")
    True
    """
    rounded = round_spec(spec)
    digest = _digest(rounded)
    safe = _canonical(rounded).replace("</", "<\\/")
    html = (
        f'<div class="riskkit-vega" id="riskkit-vega-{digest}"></div>\n'
        f"<script>\n{_SCRIPT % {'spec': safe}}\n</script>"
    )
    if png:
        label = _label(rounded, digest)[1:-1].replace("&", "&amp;").replace('"', "&quot;")
        label = label.replace("<", "&lt;").replace(">", "&gt;")
        data = "".join(str(png).split())
        html += (
            f'\n<noscript><img class="riskkit-vega-fallback" alt="{label}" '
            f'src="data:image/png;base64,{data}"></noscript>'
        )
    return html


def _renderer(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    return render_spec(spec)


def _theme() -> dict[str, Any]:
    font = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
    return {
        "config": {
            "view": {"continuousWidth": CHART_WIDTH, "continuousHeight": 260, "stroke": None},
            # room on the right for the last x-axis label of a time axis
            "padding": {"left": 5, "top": 5, "right": 18, "bottom": 5},
            "font": font,
            "title": {"fontSize": 14, "anchor": "start", "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#eee"},
            # first and last tick labels stay inside the plot: none is cut at the chart's edge
            "axisX": {"labelFlush": True, "labelOverlap": True, "labelBound": True},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "range": {"category": list(SERIES_COLORS)},
        }
    }


def enable() -> None:
    """Use the riskkit renderer and theme for every chart displayed afterwards.

    Call once at the top of a notebook. Registers both under the name ``"riskkit"``.

    Raises
    ------
    ImportError
        Without altair (``pip install "riskkit[charts]"``).

    Examples
    --------
    >>> import altair as alt
    >>> enable()
    >>> alt.renderers.active
    'riskkit'
    """
    require("altair", "charts")
    import altair as alt

    alt.renderers.register("riskkit", _renderer)
    alt.renderers.enable("riskkit")
    if "riskkit" not in alt.theme.names():
        alt.theme.register("riskkit", enable=False)(_theme)  # type: ignore[arg-type]
    alt.theme.enable("riskkit")
