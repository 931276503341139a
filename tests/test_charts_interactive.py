"""Interactive charts: the spec holds the controls, and what Vega draws for a given control value
is riskkit's number.

Each test sets a parameter's value in the rounded spec (what a reader does with the slider or
menu), lets vl-convert's Vega evaluate the spec, and reads the drawn text from the scenegraph.
"""

from __future__ import annotations

import copy
import re

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("altair")
vlc = pytest.importorskip("vl_convert")

from riskkit import venues  # noqa: E402
from riskkit.cascade import PositionBook, cascade_grid  # noqa: E402
from riskkit.charts import VEGALITE_MIMETYPE, render_spec  # noqa: E402
from riskkit.charts.interactive import (  # noqa: E402
    chart_cascade_explorer,
    chart_liquidation_calculator,
    chart_survival_explorer,
    chart_var_explorer,
)
from riskkit.liquidation import liquidation_price  # noqa: E402
from riskkit.risk import var_es, var_es_grid  # noqa: E402
from riskkit.venues.calculator import CALCULATOR_MARKETS, calculator_rates  # noqa: E402

E = 100_000.0
NOTIONAL = 100_000.0


def _spec(chart):
    return render_spec(chart.to_dict(), png=False)[VEGALITE_MIMETYPE]


def _texts(spec, marks_only=False, **values):
    spec = copy.deepcopy(spec)
    for p in spec["params"]:
        if p["name"] in values:
            p["value"] = values[p["name"]]
    out: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("marktype") == "text" and (
                marks_only is False or node.get("role") == "mark"
            ):
                # d3-format writes a minus sign (U+2212); compare with ASCII
                out.extend(
                    str(it.get("text")).replace("\u2212", "-") for it in node.get("items", [])
                )
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(vlc.vegalite_to_scenegraph(spec))
    return out


def _number(text: str, after: str) -> float:
    hit = re.search(re.escape(after) + r"\s*(-?[\d,]+\.?\d*)", text)
    assert hit, f"{after!r} not in {text!r}"
    return float(hit.group(1).replace(",", ""))


# -- calculator inputs --------------------------------------------------------------------------
def test_calculator_rates_are_the_profiles_tier_one_rates():
    rates = calculator_rates()
    assert list(rates.index) == list(CALCULATOR_MARKETS)
    # Binance USD-M BTCUSDT at 100,000 USD: tier 2, 0.5 % less 50 USD (riskkit/tiers sidecar of
    # the Binance leverage-bracket snapshot; chapter 2, "The same position at nine venues")
    assert rates.loc["binance-usdm", "maintenance_margin_rate"] == pytest.approx(0.005)
    assert rates.loc["binance-usdm", "deduction_rate"] == pytest.approx(50 / 100_000)
    assert calculator_rates(notional=10_000.0).loc["binance-usdm", "deduction_rate"] == 0.0
    # OKX and BitMEX reserve their taker fee in maintenance (profiles: 0.05 %, 0.075 %)
    assert rates.loc["okx", "fee_rate"] == pytest.approx(0.0005)
    assert rates.loc["bitmex", "fee_rate"] == pytest.approx(0.00075)
    assert rates.loc["bybit", "maintenance_basis"] == "entry"
    assert rates.loc["binance-coinm", "contract"] == "inverse"


def test_calculator_rates_errors(monkeypatch):
    with pytest.raises(TypeError, match="markets must be a mapping"):
        calculator_rates(["okx"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="notional"):
        calculator_rates(notional=-1.0)
    # Gate now ships a default taker rate; a profile without one is refused
    import dataclasses

    import riskkit.venues.calculator as calc

    no_fee = dataclasses.replace(venues.get("gate"), taker_fee_rate=None)
    monkeypatch.setattr(calc, "get", lambda name: no_fee if name == "gate" else venues.get(name))
    with pytest.raises(ValueError, match="gate reserves the taker fee"):
        calculator_rates({"gate": "BTC_USDT"})


def test_calculator_rates_gate_from_profile():
    # Gate's 2025-09-30 table (riskkit/venues/data/gate.toml): 60,000 USDT is in tier 3
    # (50,000-100,000: MMR 0.50%, cum deduction 20,000 x 0.05% + 50,000 x 0.05% = 35 USDT)
    rates = calculator_rates({"gate": "BTC_USDT"}, notional=60_000.0, entry_price=60_000.0)
    assert rates.loc["gate", "maintenance_margin_rate"] == pytest.approx(0.005)
    assert rates.loc["gate", "deduction_rate"] == pytest.approx(35.0 / 60_000.0)
    assert rates.loc["gate", "fee_rate"] == pytest.approx(0.0005)


# -- liquidation-price calculator -------------------------------------------------------------
@pytest.fixture(scope="module")
def calculator_spec():
    return _spec(chart_liquidation_calculator(calculator_rates(), entry_price=E))


def test_calculator_spec_has_the_controls(calculator_spec):
    binds = {p["name"]: p["bind"] for p in calculator_spec["params"]}
    assert set(binds) == {"liq_side", "liq_leverage", "liq_mmr", "liq_venue"}
    assert binds["liq_leverage"]["input"] == "range"
    assert binds["liq_side"]["options"] == ["long", "short"]
    n = len(CALCULATOR_MARKETS)
    assert binds["liq_venue"]["options"][:n] == list(CALCULATOR_MARKETS)
    assert "custom, inverse" in binds["liq_venue"]["options"]


@pytest.mark.parametrize("name", list(CALCULATOR_MARKETS))
@pytest.mark.parametrize(("side", "lev"), [("long", 10.0), ("short", 20.0), ("long", 3.5)])
def test_calculator_draws_the_venue_profiles_price(calculator_spec, name, side, lev):
    # reference: the venue profile's own liquidation price in Python (riskkit.venues), for the
    # same 10,000 USD isolated position whose margin is notional / leverage
    v, symbol = venues.get(name), CALCULATOR_MARKETS[name]
    linear = v.market(symbol).contract == "linear"
    size = NOTIONAL / E if linear else NOTIONAL
    margin = NOTIONAL / lev if linear else NOTIONAL / E / lev
    expected = float(v.liquidation_price(symbol, side, E, size, margin, round_to_tick=False))
    texts = _texts(calculator_spec, liq_venue=name, liq_side=side, liq_leverage=lev)
    line = next(t for t in texts if t.startswith(f"{lev:.1f}x {side} on {name}:"))
    assert _number(line, "liquidated at") == pytest.approx(expected, abs=0.006)


@pytest.mark.parametrize(("contract", "venue"), [("linear", "custom, linear"),
                                                 ("inverse", "custom, inverse")])  # fmt: skip
@pytest.mark.parametrize(("side", "lev", "mmr"), [("long", 5.0, 0.01), ("short", 50.0, 0.0045)])
def test_calculator_custom_rate_is_liquidation_price(
    calculator_spec, contract, venue, side, lev, mmr
):
    # reference: riskkit.liquidation.liquidation_price (Binance's USD-M / COIN-M formula)
    size = 1.0 if contract == "linear" else E
    margin = E / lev if contract == "linear" else 1.0 / lev
    expected = float(liquidation_price(side, E, size, margin, mmr, contract=contract))
    texts = _texts(calculator_spec, liq_venue=venue, liq_side=side, liq_leverage=lev, liq_mmr=mmr)
    line = next(t for t in texts if "liquidated at" in t)
    assert _number(line, "liquidated at") == pytest.approx(expected, abs=0.006)


def test_calculator_says_never_liquidated_at_one_x(calculator_spec):
    # a 1x linear long has its whole notional as margin: liquidation_price returns 0 (never)
    assert float(liquidation_price("long", E, 1.0, E, 0.004)) == 0.0
    texts = _texts(calculator_spec, liq_venue="binance-usdm", liq_leverage=1)
    assert any("1.0x long on binance-usdm: never liquidated" in t for t in texts)


def test_calculator_errors():
    rates = calculator_rates({"okx": "BTC-USDT-SWAP"})
    with pytest.raises(ValueError, match="rates is missing columns"):
        chart_liquidation_calculator(rates.drop(columns="fee_rate"))
    with pytest.raises(ValueError, match="venue must be one of"):
        chart_liquidation_calculator(rates, venue="ftx")
    with pytest.raises(ValueError, match="leverage must be in"):
        chart_liquidation_calculator(rates, leverage=500.0)
    with pytest.raises(TypeError, match="rates"):
        chart_liquidation_calculator([1, 2])  # type: ignore[arg-type]


# -- survival explorer ------------------------------------------------------------------------
def _survival_grid():
    idx = pd.MultiIndex.from_product([["2014-16", "2017-19"], [2.0, 10.0]])
    return pd.DataFrame({1: [0.999, 0.95, 0.998, 0.9], 30: [0.97, 0.41, 0.9, np.nan]}, index=idx)


def test_survival_explorer_draws_the_chosen_era():
    grid = _survival_grid()
    spec = _spec(chart_survival_explorer(grid))
    (param,) = spec["params"]
    assert param["name"] == "surv_era" and param["bind"]["options"] == ["2014-16", "2017-19"]
    for era in ("2014-16", "2017-19"):
        texts = _texts(spec, True, surv_era=era)
        assert f"Longs opened in: {era}" in texts
        drawn = sorted(t for t in texts if re.fullmatch(r"\d+%", t))
        expected = sorted(f"{v:.0%}" for v in grid.loc[era].stack().dropna())
        assert drawn == expected  # NaN (no entry old enough) is left blank


def test_survival_explorer_errors():
    with pytest.raises(ValueError, match="indexed by \\(era, leverage\\)"):
        chart_survival_explorer(pd.DataFrame({1: [0.5]}))
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        chart_survival_explorer(_survival_grid() * 2)
    with pytest.raises(ValueError, match="era must be one of"):
        chart_survival_explorer(_survival_grid(), era="1999")


# -- cascade explorer -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def cascade():
    book = PositionBook("long", np.linspace(100.0, 90.0, 30), 10.0, [5.0, 10.0, 20.0] * 10, 0.0)
    grid = cascade_grid(book, 100.0, [-0.01, -0.02, -0.03, -0.04], [500.0, 2_000.0, 8_000.0])
    return grid, _spec(chart_cascade_explorer(grid, price=100.0))


def test_cascade_explorer_controls(cascade):
    _, spec = cascade
    binds = {p["name"]: p["bind"] for p in spec["params"]}
    # evenly spaced shocks get a slider in percent; depths (x4 apart, uneven steps) a menu
    shock = binds["casc_shock"]
    assert (shock["input"], shock["min"], shock["max"], shock["step"]) == ("range", -4, -1, 1)
    assert binds["casc_depth"]["input"] == "select"


@pytest.mark.parametrize(("shock", "depth"), [(-0.01, 500.0), (-0.03, 2_000.0), (-0.04, 8_000.0)])
def test_cascade_explorer_draws_the_grid_point(cascade, shock, depth):
    grid, spec = cascade
    row = grid.xs((shock, depth), level=["shock", "depth"]).iloc[0]
    texts = _texts(spec, casc_shock=shock * 100, casc_depth=depth / 1e6)
    line1 = next(t for t in texts if "price ends at" in t)
    line2 = next(t for t in texts if t.startswith("total move"))
    assert line1.startswith(f"{shock * 100:g}% shock")
    assert _number(line1, "price ends at") == pytest.approx(round(row["final_price"]), abs=0.5)
    assert _number(line2, "total move") == pytest.approx(100 * row["total_return"], abs=0.006)
    assert _number(line2, "in") == row["rounds"]


def test_cascade_explorer_errors(cascade):
    grid, _ = cascade
    with pytest.raises(ValueError, match="shock must be a value of the grid"):
        chart_cascade_explorer(grid, price=100.0, shock=-0.07)
    with pytest.raises(ValueError, match="grid must be cascade_grid output"):
        chart_cascade_explorer(grid.reset_index(), price=100.0)


# -- VaR explorer -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def var_table():
    rng = np.random.default_rng(7)
    samples = {"fat": rng.standard_t(3, 2_000) * 0.02, "thin": rng.normal(0, 0.01, 2_000)}
    return samples, var_es_grid(samples, [0.95, 0.99, 0.995], methods=["historical", "normal"])


def test_var_es_grid_matches_var_es(var_table):
    samples, table = var_table
    assert len(table) == 2 * 2 * 3
    row = table.query("series == 'fat' and method == 'normal' and confidence == 0.99").iloc[0]
    ref = var_es(samples["fat"], 0.99, method="normal")
    assert (row["var"], row["es"]) == pytest.approx((ref.var, ref.es), rel=1e-12)


@pytest.mark.parametrize(("series", "level"), [("fat", 0.99), ("thin", 0.95), ("fat", 0.995)])
def test_var_explorer_draws_the_chosen_level(var_table, series, level):
    samples, table = var_table
    spec = _spec(chart_var_explorer(table))
    assert [p["name"] for p in spec["params"]] == ["var_confidence", "var_series"]
    texts = _texts(spec, True, var_confidence=level, var_series=series)
    assert f"{series}, confidence level {level:.1%}".replace(".0%", "%") in texts
    drawn = sorted(t for t in texts if re.fullmatch(r"\d+\.\d\d%", t))
    expected = []
    for method in ("historical", "normal"):
        est = var_es(samples[series], level, method=method)
        expected += [f"{est.var:.2%}", f"{est.es:.2%}"]
    assert drawn == sorted(expected)


def test_var_explorer_errors(var_table):
    _, table = var_table
    with pytest.raises(ValueError, match="confidence must be a level"):
        chart_var_explorer(table, confidence=0.9)
    with pytest.raises(ValueError, match="table is missing columns"):
        chart_var_explorer(table.drop(columns="es"))
    with pytest.raises(TypeError, match="samples must be a mapping"):
        var_es_grid([0.1, 0.2], [0.9])


# -- book HTML: export menu and the no-JavaScript fallback ------------------------------------
def test_spec_html_has_export_menu_without_network_links():
    from riskkit.charts import spec_html

    html = spec_html({"mark": "point", "title": 'a "<b>" & c'})
    assert "export: {svg: true, png: true}" in html
    assert "editor: false" in html and "source: false" in html and "compiled: false" in html
    assert "<noscript>" not in html  # no PNG given, no fallback


def test_spec_html_noscript_fallback_is_the_png_and_escapes_the_title():
    from riskkit.charts import spec_html

    html = spec_html({"mark": "point", "title": 'a "<b>" & c'}, png="iVBO\nRw0KGgo=")
    fallback = html.split("<noscript>", 1)[1]
    assert fallback.startswith('<img class="riskkit-vega-fallback" alt="riskkit chart ')
    assert "a &quot;&lt;b&gt;&quot; &amp; c" in fallback
    assert 'src="data:image/png;base64,iVBORw0KGgo="></noscript>' in fallback
    assert html.index("<script>") < html.index("<noscript>")  # the script finds its div first
