"""Tests of the chart builders and the deterministic offline renderer."""

from __future__ import annotations

import hashlib
import json
import re

import altair as alt
import pandas as pd
import pytest

from riskkit import charts


def _series() -> pd.Series:
    idx = pd.date_range("2024-01-01", periods=4, freq="D", tz="UTC")
    return pd.Series([1.0, 2.0, 4.0, 3.0], index=idx, name="BTC")


def test_render_is_deterministic_and_id_is_hash_of_canonical_spec() -> None:
    spec = charts.line_chart(_series(), title="t", y_title="USD").to_dict()
    a = charts.render_spec(spec)
    b = charts.render_spec(json.loads(json.dumps(spec)))
    assert a == b
    canonical = json.dumps(spec, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    assert f'id="riskkit-vega-{digest}"' in a["text/html"]
    assert a["text/plain"] == f"<riskkit chart {digest}: t>"


def test_render_escapes_script_end_tags_in_data() -> None:
    html = charts.render_spec({"data": {"values": [{"a": "</script><b>"}]}, "mark": "text"})[
        "text/html"
    ]
    assert html.count("</script>") == 1  # only the real closing tag
    assert "<\\/script>" in html


def test_render_prefers_page_global_vega_embed_and_pins_cdn_versions() -> None:
    html = charts.render_spec({"mark": "point"})["text/html"]
    assert "typeof window.vegaEmbed === 'function'" in html
    for name, version in charts.VEGA_VERSIONS.items():
        assert f"https://cdn.jsdelivr.net/npm/{name}@{version}" in html


def test_vega_versions_match_package_json() -> None:
    from pathlib import Path

    pkg = json.loads((Path(__file__).parent.parent / "package.json").read_text())
    assert pkg["dependencies"]["vega"] == charts.VEGA_VERSIONS["vega"]
    assert pkg["dependencies"]["vega-lite"] == charts.VEGA_VERSIONS["vega-lite"]
    assert pkg["dependencies"]["vega-embed"] == charts.VEGA_VERSIONS["vega-embed"]
    # altair emits specs for this Vega-Lite major version
    assert alt.SCHEMA_VERSION.lstrip("v").split(".")[0] == pkg["dependencies"]["vega-lite"][0]


def test_enable_activates_renderer_and_theme() -> None:
    charts.enable()
    assert alt.renderers.active == "riskkit"
    assert alt.theme.active == "riskkit"
    bundle = alt.renderers.get()(charts.line_chart(_series(), title="x", y_title="y").to_dict())
    assert re.match(
        r'<div class="riskkit-vega" id="riskkit-vega-[0-9a-f]{12}">', bundle["text/html"]
    )


def test_line_chart_fits_column_and_drops_timezone() -> None:
    chart = charts.line_chart(_series(), title="t", y_title="USD", log=True)
    spec = chart.to_dict()
    assert spec["width"] <= charts.CHART_WIDTH
    assert spec["encoding"]["y"]["scale"]["type"] == "log"
    values = next(iter(spec["datasets"].values()))
    assert values[0]["time"].startswith("2024-01-01T00:00:00")
    assert {"time", "series", "value"} <= set(values[0])


def test_line_chart_rejects_non_datetime_index() -> None:
    with pytest.raises(TypeError, match="data must have a DatetimeIndex; got RangeIndex"):
        charts.line_chart(pd.Series([1.0, 2.0]), title="t", y_title="y")


def test_event_rules_filter_window() -> None:
    ev = pd.DataFrame(
        {"start": pd.to_datetime(["2020-03-12", "2025-10-10"], utc=True), "name": ["a", "b"]}
    )
    layer = charts.event_rules(ev, start="2025-01-01").to_dict()
    values = next(iter(layer["datasets"].values()))
    assert [v["name"] for v in values] == ["b"]


def test_stacked_bars_uses_given_colors() -> None:
    df = pd.DataFrame(
        {"long": [1.0, 2.0], "short": [3.0, 1.0]},
        index=pd.date_range("2025-10-10", periods=2, freq="4h", tz="UTC"),
    )
    spec = charts.stacked_bars(
        df, title="t", y_title="USD", colors=["#d62728", "#2ca02c"]
    ).to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == ["#d62728", "#2ca02c"]


def test_line_chart_axis_format() -> None:
    spec = charts.line_chart(_series(), title="t", y_title="y", axis_format=".0%").to_dict()
    assert spec["encoding"]["y"]["axis"]["format"] == ".0%"
    assert (
        "axis"
        not in charts.line_chart(_series(), title="t", y_title="y").to_dict()["encoding"]["y"]
    )
