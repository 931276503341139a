"""Tests of the chart builders and the deterministic offline renderer."""

from __future__ import annotations

import base64
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


def test_render_is_deterministic_and_id_is_hash_of_rounded_canonical_spec() -> None:
    spec = charts.line_chart(_series(), title="t", y_title="USD").to_dict()
    a = charts.render_spec(spec, png=False)
    b = charts.render_spec(json.loads(json.dumps(spec)), png=False)
    assert a == b
    rounded = a[charts.VEGALITE_MIMETYPE]
    canonical = json.dumps(rounded, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    assert a["text/plain"] == f"<riskkit chart {digest}: t>"
    assert f'id="riskkit-vega-{digest}"' in charts.spec_html(spec)


def test_bundle_has_no_script_html_only_mimetypes_front_ends_draw_natively() -> None:
    bundle = charts.render_spec({"mark": "point", "data": {"values": [{"x": 1.0}]}})
    assert "text/html" not in bundle  # a script would not run in an untrusted notebook
    assert charts.VEGALITE_MIMETYPE == "application/vnd.vegalite.v5+json"
    assert set(bundle) == {charts.VEGALITE_MIMETYPE, "image/png", "text/plain"}
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def _jitter(spec: dict, eps: float) -> dict:
    """The same spec with every float perturbed in its ~12th digit (what a BLAS kernel does)."""

    def walk(v):
        if isinstance(v, float):
            return v * (1 + eps)
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    return walk(spec)


def test_specs_differing_beyond_chart_digits_render_identically() -> None:
    idx = pd.date_range("2024-01-01", periods=50, freq="D", tz="UTC")
    s = pd.Series(100 + pd.Series(range(50)).to_numpy() * 0.123456789123, index=idx, name="x")
    spec = charts.line_chart(s, title="t", y_title="USD").to_dict()
    moved = _jitter(spec, 3e-12)
    assert spec != moved  # altair's dataset names and values differ ...
    assert charts.render_spec(spec, png=False) == charts.render_spec(
        moved, png=False
    )  # ... not ours
    assert charts.spec_html(spec) == charts.spec_html(moved)


def test_round_spec_rounds_to_significant_digits_and_renames_datasets() -> None:
    spec = {
        "datasets": {"data-abc": [{"y": 0.012649813116004806}, {"y": 211.35606680236245}]},
        "data": {"name": "data-abc"},
        "mark": "line",
        "width": 520,
    }
    out = charts.round_spec(spec)
    (name,) = out["datasets"]
    assert name != "data-abc" and out["data"]["name"] == name
    assert out["datasets"][name] == [{"y": 0.0126498}, {"y": 211.356}]
    assert out["width"] == 520 and isinstance(out["width"], int)
    assert charts.round_spec(spec, 2)["datasets"][charts.round_spec(spec, 2)["data"]["name"]] == [
        {"y": 0.013},
        {"y": 210.0},
    ]


def test_round_spec_rejects_bad_digits_and_non_finite_numbers() -> None:
    with pytest.raises(ValueError, match="digits must be >= 1; got 0"):
        charts.round_spec({"mark": "point"}, 0)
    # Regression: a float digits was a ValueError; it is the wrong type, not a wrong value.
    with pytest.raises(TypeError, match=r"digits must be an int; got float 1\.5"):
        charts.round_spec({"mark": "point"}, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="chart specs must hold finite numbers; got nan"):
        charts.round_spec({"data": {"values": [{"y": float("nan")}]}})


def test_spec_html_escapes_script_end_tags_and_uses_no_network() -> None:
    html = charts.spec_html({"data": {"values": [{"a": "</script><b>"}]}, "mark": "text"})
    assert html.count("</script>") == 1  # only the real closing tag
    assert "<\\/script>" in html
    assert "typeof window.vegaEmbed !== 'function'" in html
    assert "http" not in html  # no CDN fallback: the book serves vega itself


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
    assert re.match(r"<riskkit chart [0-9a-f]{12}: x>", bundle["text/plain"])
    assert charts.VEGALITE_MIMETYPE in bundle


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


def test_event_rules_window_in_another_time_zone_is_the_same_instant() -> None:
    # Regression: an aware start was cut to its local wall time, so 2025-10-10 01:00+05:30
    # (2025-10-09 19:30 UTC) kept an event at 2025-10-09 21:00 UTC out of the window.
    ev = pd.DataFrame(
        {"start": pd.to_datetime(["2025-10-09 21:00"], utc=True), "name": ["b"]}, index=["b"]
    )
    start = pd.Timestamp("2025-10-10 01:00", tz="Asia/Kolkata")
    layer = charts.event_rules(ev, start=start).to_dict()
    values = next(iter(layer["datasets"].values()))
    assert [v["name"] for v in values] == ["b"]
    later = pd.Timestamp("2025-10-10 03:00", tz="Asia/Kolkata")  # 21:30 UTC: after the event
    assert list(charts.event_rules(ev, start=later).to_dict()["datasets"].values()) == [[]]


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


def test_charts_accept_an_unnamed_series_and_name_bad_arguments() -> None:
    import riskkit.cascade as rc
    import riskkit.charts as ch

    idx = pd.date_range("2024-01-01", periods=5, freq="D", tz="UTC")
    ch.line_chart(pd.Series([1.0, 2, 3, 4, 5], idx), title="t", y_title="y")
    liq = pd.DataFrame({"long_liquidations_usd": 1.0, "short_liquidations_usd": 2.0}, idx)
    ch.crash_panel(
        pd.Series(1.0, idx), liq, pd.Series(1.0, idx), start=idx[0], end=idx[-1], title="t"
    )
    with pytest.raises(
        ValueError, match=r"price.index is tz-naive but start is tz-aware.*tz_localize\('UTC'\)"
    ):
        ch.crash_panel(
            pd.Series(1.0, idx.tz_localize(None)),
            liq,
            pd.Series(1.0, idx),
            start=idx[0],
            end=idx[-1],
            title="t",
        )
    frame = pd.DataFrame({"a": [1, 2], "b": [1, 1], "total_return": [0.1, 0.2]})
    with pytest.raises(TypeError, match=r"title must be str; got NoneType None"):
        rc.cascade_heatmap(frame, x="a", y="b", title=None, x_title="a", y_title="b")


def test_event_rules_rejects_a_non_frame_and_missing_columns() -> None:
    with pytest.raises(TypeError, match=r"events must be a pandas DataFrame; got NoneType None"):
        charts.event_rules(None)  # type: ignore[arg-type]
    starts = pd.DataFrame({"start": pd.to_datetime(["2020-03-12"])})
    with pytest.raises(ValueError, match=r"events must have columns .*; missing \['name'\]"):
        charts.event_rules(starts)


@pytest.mark.parametrize("func", [charts.round_spec, charts.render_spec, charts.spec_html])
def test_spec_functions_reject_a_spec_that_is_not_a_dict(func) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match=r"spec must be a dict; got list \[\]"):
        func([])


def test_event_labels_are_short_inside_the_plot_and_never_overlap() -> None:
    # the whole crash catalogue on charts from 2014 and from 2020 (the book's two x ranges)
    from riskkit.charts.basic import _CHAR_PX, _ROW_PX, EVENT_LABELS
    from riskkit.data import events_frame

    events = events_frame()
    for start in ("2014-11-28", "2020-01-01"):
        spec = charts.event_rules(events, start=start, end="2025-11-30").to_dict()
        texts = [
            (row, layer["mark"]["align"])
            for layer in spec["layer"][1:]
            for row in spec["datasets"][layer["data"]["name"]]
        ]
        assert sorted(r["label"] for r, _ in texts) == sorted(EVENT_LABELS.values())
        t0, t1 = pd.Timestamp(start), pd.Timestamp("2025-11-30")
        boxes = []
        for row, align in texts:
            x = (pd.Timestamp(row["start"]) - t0) / (t1 - t0) * charts.CHART_WIDTH
            w = len(row["label"]) * _CHAR_PX
            lo, hi = (x, x + w) if align == "left" else (x - w, x)
            assert lo >= 0 and hi <= charts.CHART_WIDTH, row["label"]
            boxes.append((row["label_y"], lo, hi))
        for i, (y, lo, hi) in enumerate(boxes):
            for y2, lo2, hi2 in boxes[i + 1 :]:
                assert abs(y - y2) >= _ROW_PX or hi <= lo2 or hi2 <= lo, (y, lo, hi)


def test_usd_axes_are_in_readable_units() -> None:
    # by hand: 1.4e9 USD is 1.4 USD bn; below 10,000 USD the axis stays in USD
    assert charts.usd_units(1.4e9) == (1e9, "USD bn")
    assert charts.usd_units(-3.2e6) == (1e6, "USD m")
    assert charts.usd_units(9_999.0) == (1.0, "USD")
    with pytest.raises(TypeError, match="largest must be a real number"):
        charts.usd_units("1e9")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="largest must be finite"):
        charts.usd_units(float("inf"))


def test_liquidation_map_colours_sides_as_the_crash_panels_and_scales_usd() -> None:
    from riskkit.cascade import PositionBook, liquidation_map

    book = PositionBook(
        "long", entry_price=[100.0, 99.0], size=1e7, leverage=10.0, maintenance_margin_rate=0.005
    )
    spec = liquidation_map(book, 100.0, width=0.2, bins=10).chart().to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["color"]["scale"]["range"] == [charts.LONG_COLOR, charts.SHORT_COLOR]
    assert bars["y"]["title"] == "notional liquidated (USD bn)"
