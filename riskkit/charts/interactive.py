"""Interactive charts that need no kernel: Vega-Lite parameters bound to sliders and dropdowns.

Every chart here is a plain Vega-Lite spec. Its inputs are either closed forms that Vega's
expression language evaluates in the browser (the liquidation-price calculator) or a grid that
``riskkit`` computed beforehand and embeds (survival by era, cascades by shock and depth, VaR and
ES by confidence level); moving a control only filters or recomputes inside the page. They are
drawn by the offline renderer of :mod:`riskkit.charts.render` like every other chart: the
committed output holds the spec (drawn by JupyterLab and by the book's self-hosted vega-embed)
and a PNG of the default state.

Parameter (signal) names are fixed and prefixed per chart (``liq_``, ``surv_``, ``casc_``,
``var_``), so the spec and its id are deterministic and a test or a page script can set them.

altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_frame
from riskkit.charts.render import (
    CHART_DIGITS,
    CHART_WIDTH,
    LONG_COLOR,
    PRICE_COLOR,
    SHORT_COLOR,
    usd_units,
)

__all__ = [
    "chart_cascade_explorer",
    "chart_liquidation_calculator",
    "chart_survival_explorer",
    "chart_var_explorer",
    "liquidation_expression",
]

_CUSTOM = {"custom, linear": "linear", "custom, inverse": "inverse"}


def _sig(x: float) -> float:
    """``x`` rounded as :func:`riskkit.charts.round_spec` rounds it."""
    return float(f"{x:.{CHART_DIGITS}g}") if x else 0.0


def liquidation_expression(leverage: str = "datum.lev") -> str:
    """Vega expression of the isolated liquidation price opened at a given leverage.

    Parameters
    ----------
    leverage : str, default ``"datum.lev"``
        Vega expression of the leverage :math:`L` (x, >= 1).

    Returns
    -------
    str
        An expression of ``datum.E`` (entry, USD per BTC), ``datum.s`` (+1 long, -1 short),
        ``datum.r`` (maintenance rate plus reserved fee, fraction), ``datum.a`` (the tier's
        maintenance amount over the entry notional, fraction), ``datum.contract`` and
        ``datum.basis``; ``null`` where no price liquidates the position (the profiles' NaN).

    Notes
    -----
    The margin is the initial margin :math:`M = V/L` of an entry notional :math:`V` and the
    maintenance amount is :math:`A = aV`, so the size drops out; with :math:`u = 1/L + a`, mark
    basis (:func:`riskkit.liquidation.liquidation_price`), linear and inverse:

    .. math::
        P = E\\frac{u - s}{r - s}, \\qquad P = E\\frac{r + s}{u + s}

    entry basis (:func:`riskkit.liquidation.liquidation_price_fixed_maintenance`, Bybit):

    .. math::
        P = E\\,(1 - s(u - r)), \\qquad P = \\frac{E}{1 + s(u - r)}

    A long with :math:`P \\le 0` and an inverse position whose denominator has the wrong sign
    are never liquidated.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts" and "... COIN-M
    Futures Contracts" (see :func:`riskkit.liquidation.liquidation_price`).

    Examples
    --------
    >>> expr = liquidation_expression("10")
    >>> "datum.E * ((1 / (10) + datum.a) - datum.s) / (datum.r - datum.s)" in expr
    True
    """
    inv = f"(1 / ({leverage}) + datum.a)"
    lin_mark = f"datum.E * ({inv} - datum.s) / (datum.r - datum.s)"
    inv_mark = (
        f"(datum.s * ({inv} + datum.s) > 0 ? datum.E * (datum.r + datum.s) / ({inv} + datum.s)"
        " : null)"
    )
    lin_entry = f"datum.E * (1 - datum.s * ({inv} - datum.r))"
    inv_entry = (
        f"(1 + datum.s * ({inv} - datum.r) > 0 ? datum.E / (1 + datum.s * ({inv} - datum.r))"
        " : null)"
    )
    raw = (
        f"(datum.contract == 'linear' ? (datum.basis == 'entry' ? {lin_entry} : {lin_mark})"
        f" : (datum.basis == 'entry' ? {inv_entry} : {inv_mark}))"
    )
    return f"({raw} == null || (datum.s > 0 && {raw} <= 0) ? null : {raw})"


def chart_liquidation_calculator(
    rates: pd.DataFrame,
    *,
    entry_price: float = 100_000.0,
    leverage: float = 10.0,
    side: str = "long",
    venue: str | None = None,
    maintenance_margin_rate: float = 0.005,
    max_leverage: float = 125.0,
    title: str = "Liquidation-price calculator: isolated BTC position opened at 100,000 USD",
) -> Any:
    """A liquidation-price calculator with side, leverage, maintenance rate and venue controls.

    Parameters
    ----------
    rates : DataFrame
        Output of :func:`riskkit.venues.calculator.calculator_rates`: indexed by venue, with
        columns ``contract``, ``maintenance_basis``, ``maintenance_margin_rate``, ``fee_rate``
        and optionally ``deduction_rate`` (fractions; 0 if absent). Two "custom" venues
        (linear and inverse, mark basis, no fee) are added; they use the maintenance-rate
        slider.
    entry_price : float, default 100,000
        Entry price, USD per BTC, > 0.
    leverage, side, venue, maintenance_margin_rate
        Initial state of the controls (leverage in x, in [1, ``max_leverage``]; side "long" or
        "short"; a venue of ``rates`` or a custom one, the first venue if None; the custom rate
        as a fraction in [0, 0.05]).
    max_leverage : float, default 125
        Right end of the leverage slider and of the curve, x.
    title : str
        Chart title.

    Returns
    -------
    altair.VConcatChart
        A two-line readout above the liquidation price against leverage (log axis) for the
        chosen venue and side, with the entry price as a grey rule and the chosen leverage as a
        point. The parameters are ``liq_side``, ``liq_leverage``, ``liq_mmr`` and
        ``liq_venue``.

    Raises
    ------
    TypeError
        If ``rates`` is not a DataFrame.
    ValueError
        Missing columns, or a control's initial value outside its range or options.

    See Also
    --------
    liquidation_expression : the formula evaluated in the browser.
    riskkit.venues.Venue.liquidation_price : the same prices in Python.

    Notes
    -----
    The price is :func:`liquidation_expression` with :math:`r = m + f` (maintenance rate plus
    reserved fee) and the tier's deduction, exact while the position stays in the tier of its
    entry notional (the notional of :func:`~riskkit.venues.calculator.calculator_rates`).
    Bybit's tick rounding is not applied.

    Examples
    --------
    >>> from riskkit.venues.calculator import calculator_rates
    >>> chart = chart_liquidation_calculator(calculator_rates({"binance-usdm": "BTCUSDT"}))
    >>> sorted(p["name"] for p in chart.to_dict()["params"])
    ['liq_leverage', 'liq_mmr', 'liq_side', 'liq_venue']
    """
    require("altair", "charts")
    import altair as alt

    check_frame(rates, "rates")
    need = {"contract", "maintenance_basis", "maintenance_margin_rate", "fee_rate"}
    missing = sorted(need - set(rates.columns))
    if missing:
        raise ValueError(f"rates is missing columns {missing}; got {list(rates.columns)}")
    if not (
        isinstance(entry_price, (int, float)) and math.isfinite(entry_price) and entry_price > 0
    ):
        raise ValueError(f"entry_price must be a finite number > 0; got {entry_price!r}")
    if not 1.0 <= float(max_leverage) <= 1000.0:
        raise ValueError(f"max_leverage must be in [1, 1000]; got {max_leverage!r}")
    if not 1.0 <= float(leverage) <= float(max_leverage):
        raise ValueError(f"leverage must be in [1, {max_leverage}]; got {leverage!r}")
    if side not in ("long", "short"):
        raise ValueError(f"side must be one of ['long', 'short']; got {side!r}")
    if not 0.0 <= float(maintenance_margin_rate) <= 0.05:
        raise ValueError(
            f"maintenance_margin_rate must be in [0, 0.05]; got {maintenance_margin_rate!r}"
        )
    rows = [
        {
            "venue": str(name),
            "contract": str(row["contract"]),
            "basis": str(row["maintenance_basis"]),
            "m": float(row["maintenance_margin_rate"]),
            "fee": float(row["fee_rate"]),
            "a": float(row.get("deduction_rate", 0.0)),
            "custom": False,
        }
        for name, row in rates.iterrows()
    ]
    rows += [
        {"venue": k, "contract": c, "basis": "mark", "m": 0.0, "fee": 0.0, "a": 0.0, "custom": True}
        for k, c in _CUSTOM.items()
    ]
    data = pd.DataFrame(rows)
    names = data["venue"].tolist()
    venue = names[0] if venue is None else venue
    if venue not in names:
        raise ValueError(f"venue must be one of {names}; got {venue!r}")
    p_side = alt.param(
        name="liq_side",
        value=side,
        bind=alt.binding_select(options=["long", "short"], name="side "),
    )
    p_lev = alt.param(
        name="liq_leverage",
        value=float(leverage),
        bind=alt.binding_range(min=1, max=float(max_leverage), step=0.5, name="leverage (x) "),
    )
    p_mmr = alt.param(
        name="liq_mmr",
        value=float(maintenance_margin_rate),
        bind=alt.binding_range(min=0, max=0.05, step=0.0005, name="custom maintenance rate "),
    )
    p_venue = alt.param(
        name="liq_venue", value=venue, bind=alt.binding_select(options=names, name="venue ")
    )
    step = 0.25
    base = (
        alt.Chart(data)
        .transform_filter("datum.venue == liq_venue")
        .transform_calculate(
            E=f"{float(entry_price)!r}",
            s="liq_side == 'long' ? 1 : -1",
            r="datum.custom ? liq_mmr : datum.m + datum.fee",
            m_shown="datum.custom ? liq_mmr : datum.m",
        )
    )
    color = alt.condition("liq_side == 'long'", alt.value(LONG_COLOR), alt.value(SHORT_COLOR))
    x = alt.X(
        "lev:Q",
        title="Leverage (x, log scale)",
        scale=alt.Scale(type="log", domain=[1, float(max_leverage)], nice=False),
    )
    y = alt.Y("liq:Q", title="Liquidation price (USD)", scale=alt.Scale(zero=False))
    curve = (
        base.transform_calculate(lev=f"sequence(1, {float(max_leverage) + step!r}, {step!r})")
        .transform_flatten(["lev"])
        .transform_calculate(liq=liquidation_expression("datum.lev"))
        .transform_filter("datum.liq != null")
        .mark_line(strokeWidth=2, color=PRICE_COLOR)
        .encode(x=x, y=y)
    )
    entry = base.mark_rule(color="#888", strokeDash=[4, 3]).encode(y="E:Q")
    chosen = base.transform_calculate(lev="liq_leverage").transform_calculate(
        liq=liquidation_expression("datum.lev")
    )
    point = (
        chosen.transform_filter("datum.liq != null")
        .mark_point(filled=True, size=90)
        .encode(
            x="lev:Q",
            y="liq:Q",
            color=color,
            tooltip=[
                alt.Tooltip("lev:Q", title="leverage"),
                alt.Tooltip("liq:Q", title="liquidation price", format=",.2f"),
            ],
        )
    )
    line1 = (
        "format(datum.lev, '.1f') + 'x ' + liq_side + ' on ' + datum.venue + ': ' + "
        "(datum.liq == null ? 'never liquidated' : 'liquidated at ' + format(datum.liq, ',.2f')"
        " + ' USD, ' + format(abs(datum.liq / datum.E - 1), '.2%') + "
        "(datum.s > 0 ? ' below' : ' above') + ' entry')"
    )
    line2 = (
        "datum.contract + ', maintenance ' + format(datum.m_shown, '.3~%') + "
        "(datum.a > 0 ? ' less a tier amount of ' + format(datum.a, '.3~%') : '') + "
        "', fee reserved ' + format(datum.fee, '.3~%') + ', charged at the ' + "
        "(datum.basis == 'entry' ? 'entry' : 'mark') + ' price'"
    )
    main = alt.layer(curve, entry, point).properties(width=CHART_WIDTH, height=300)
    return _with_readout(_readout(chosen, line1, line2), main, title).add_params(
        p_venue, p_side, p_lev, p_mmr
    )


def chart_survival_explorer(
    surv_prob: pd.DataFrame,
    *,
    era: str | None = None,
    horizon_title: str = "Horizon held (periods of the bars)",
    title: str = "Historical survival by era: share of entries not liquidated",
) -> Any:
    """Survival map (leverage x horizon) with a dropdown that picks the era of entry.

    Parameters
    ----------
    surv_prob : DataFrame
        Survival probabilities in [0, 1] indexed by (era, leverage) with one column per horizon
        (days or hours): ``historical_survival(..., groups=eras).surv_prob``, possibly
        concatenated with an all-sample map. NaN cells (no entry old enough) are left blank.
    era : str, optional
        Era shown first; the first era if None.
    horizon_title : str
        Title of the horizon axis (say the unit: days or hours).
    title : str
        Chart title.

    Returns
    -------
    altair.VConcatChart
        The era shown, above a heatmap (horizon across, leverage down) with each cell's survival
        printed in it; the parameter ``surv_era`` filters the embedded grid.

    Raises
    ------
    TypeError
        If ``surv_prob`` is not a DataFrame.
    ValueError
        If its index does not have two levels, a value lies outside [0, 1], or ``era`` is unknown.

    See Also
    --------
    riskkit.survival.historical_survival : computes the grid.

    Notes
    -----
    Each cell is the Kaplan-Meier survival :math:`\\hat S(h)` of longs opened at every close of
    the era at that leverage (see :func:`riskkit.survival.historical_survival`).

    References
    ----------
    Kaplan, E. L. and Meier, P. (1958), "Nonparametric estimation from incomplete observations",
    JASA 53(282), https://doi.org/10.1080/01621459.1958.10501452

    Examples
    --------
    >>> grid = pd.DataFrame({1: [0.99, 0.9], 30: [0.9, 0.5]},
    ...                     index=pd.MultiIndex.from_tuples([("a", 2.0), ("a", 10.0)]))
    >>> chart_survival_explorer(grid).to_dict()["params"][0]["name"]
    'surv_era'
    """
    require("altair", "charts")
    import altair as alt

    check_frame(surv_prob, "surv_prob")
    if surv_prob.index.nlevels != 2:
        raise ValueError(
            f"surv_prob must be indexed by (era, leverage); got {surv_prob.index.nlevels} levels"
        )
    long = surv_prob.stack().dropna()
    values = long.to_numpy(dtype=float)
    if ((values < 0) | (values > 1)).any():
        raise ValueError("surv_prob must hold probabilities in [0, 1]")
    data = pd.DataFrame(
        {
            "era": long.index.get_level_values(0).astype(str),
            "leverage": long.index.get_level_values(1).astype(float),
            "horizon": long.index.get_level_values(2).astype(float),
            "survival": values,
        }
    )
    eras = list(dict.fromkeys(data["era"]))
    era = eras[0] if era is None else era
    if era not in eras:
        raise ValueError(f"era must be one of {eras}; got {era!r}")
    p_era = alt.param(
        name="surv_era", value=era, bind=alt.binding_select(options=eras, name="era of entry ")
    )
    base = (
        alt.Chart(data)
        .transform_filter("datum.era == surv_era")
        .encode(
            x=alt.X("horizon:O", title=horizon_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("leverage:O", title="Leverage (x)", sort="descending"),
        )
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "survival:Q",
            title="survival",
            scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
            legend=alt.Legend(format=".0%"),
        ),
        tooltip=["era:N", "leverage:Q", "horizon:Q", alt.Tooltip("survival:Q", format=".1%")],
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("survival:Q", format=".0%"),
        color=alt.condition(
            "datum.survival < 0.25 || datum.survival > 0.8", alt.value("white"), alt.value("#222")
        ),
    )
    shown = (
        alt.Chart(data)
        .transform_filter("datum.era == surv_era")
        .transform_aggregate(cells="count()", groupby=["era"])
        .transform_calculate(label="'Longs opened in: ' + datum.era")
        .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold", color="#222")
        .encode(x=alt.value(0), y=alt.value(2), text="label:N")
        .properties(width=CHART_WIDTH - 80, height=20)
    )
    main = alt.layer(cells, text).properties(width=CHART_WIDTH - 80, height=300)
    return alt.vconcat(shown, main, spacing=4).properties(title=title).add_params(p_era)


def _readout(chart: Any, line1: str, line2: str) -> Any:
    """A text-only view of two lines: a bold result line and a line of inputs."""
    import altair as alt

    return alt.layer(
        chart.transform_calculate(label=line1)
        .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold", color="#222")
        .encode(x=alt.value(0), y=alt.value(2), text="label:N"),
        chart.transform_calculate(label=line2)
        .mark_text(align="left", baseline="top", fontSize=11, color="#444")
        .encode(x=alt.value(0), y=alt.value(20), text="label:N"),
    ).properties(width=CHART_WIDTH, height=34)


def _with_readout(readout: Any, main: Any, title: str) -> Any:
    """The readout above the plot, so that it never covers a line."""
    import altair as alt

    return alt.vconcat(readout, main, spacing=4).properties(title=title)


def _slider_or_select(
    alt: Any, name: str, values: Sequence[float], value: float, label: str, fmt: str
) -> Any:
    arr = np.asarray(values, dtype=float)
    steps = np.diff(arr)
    if arr.size > 2 and np.allclose(steps, steps[0], rtol=1e-9, atol=1e-12) and steps[0] > 0:
        bind = alt.binding_range(
            min=float(arr[0]), max=float(arr[-1]), step=_sig(float(steps[0])), name=label
        )
    else:
        bind = alt.binding_select(
            options=arr.tolist(), labels=[format(v, fmt) for v in arr], name=label
        )
    return alt.param(name=name, value=float(value), bind=bind)


def chart_cascade_explorer(
    grid: pd.DataFrame,
    *,
    price: float,
    shock: float | None = None,
    depth: float | None = None,
    title: str = "Simulation: cascade explorer, total move by shock and depth",
) -> Any:
    """Cascade outcomes over a grid of shocks and depths, with a shock slider and a depth menu.

    Parameters
    ----------
    grid : DataFrame
        Output of :func:`riskkit.cascade.cascade_grid` for one margin sensitivity: indexed by
        (``shock``, ``depth``, ``margin_sensitivity``) with columns ``final_price``,
        ``total_return``, ``amplification``, ``long_notional`` and ``rounds``. Shocks are simple
        returns (negative: falls), depths one-sided USD.
    price : float
        Pre-shock price, USD, > 0 (for the readout).
    shock, depth : float, optional
        Initial shock (fraction, e.g. -0.03) and depth (USD) of the controls; grid values, the
        grid's median shock and depth if None.
    title : str
        Chart title.

    Returns
    -------
    altair.VConcatChart
        A readout of the chosen grid point above the total move against depth (log axis) for
        every shock in grey and the chosen shock in red,
        with the chosen depth as a point; the readout gives final price, total move,
        amplification, longs liquidated and rounds. Parameters ``casc_shock`` (percent) and
        ``casc_depth`` (USD m): a slider where the grid is evenly spaced, a dropdown otherwise.

    Raises
    ------
    TypeError
        If ``grid`` is not a DataFrame.
    ValueError
        Missing columns, more than one margin sensitivity, or a control value not on the grid.

    See Also
    --------
    riskkit.cascade.cascade_grid, riskkit.cascade.simulate_cascade

    Notes
    -----
    Nothing is simulated in the browser: each position of the controls selects one row of the
    grid, :math:`r_{\\text{total}} = P_{\\text{final}}/P_0 - 1` and amplification
    :math:`r_{\\text{total}}/r_{\\text{shock}}` as ``cascade_grid`` computed them.

    Examples
    --------
    >>> from riskkit.cascade import PositionBook, cascade_grid
    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> g = cascade_grid(book, 100.0, [-0.05, -0.1], [400.0, 4000.0], model="linear")
    >>> [p["name"] for p in chart_cascade_explorer(g, price=100.0).to_dict()["params"]]
    ['casc_shock', 'casc_depth']
    """
    require("altair", "charts")
    import altair as alt

    check_frame(grid, "grid")
    need = {"final_price", "total_return", "amplification", "long_notional", "rounds"}
    missing = sorted(need - set(grid.columns))
    if missing or list(grid.index.names)[:2] != ["shock", "depth"]:
        raise ValueError(
            f"grid must be cascade_grid output (index shock, depth; columns {sorted(need)}); "
            f"got index {list(grid.index.names)} and columns {list(grid.columns)}"
        )
    frame = grid.reset_index()
    if "margin_sensitivity" in frame and frame["margin_sensitivity"].nunique() > 1:
        raise ValueError(
            "grid must hold one margin_sensitivity; got "
            f"{sorted(frame['margin_sensitivity'].unique().tolist())}"
        )
    if not (isinstance(price, (int, float)) and math.isfinite(price) and price > 0):
        raise ValueError(f"price must be a finite number > 0; got {price!r}")
    divisor, unit = usd_units(float(frame["long_notional"].max()))
    data = pd.DataFrame(
        {
            "shock_pct": [_sig(v) for v in (frame["shock"] * 100).round(9)],
            "depth_m": [_sig(v) for v in frame["depth"] / 1e6],
            "total_return": frame["total_return"].astype(float),
            "final_price": frame["final_price"].astype(float),
            "amplification": frame["amplification"].astype(float),
            "liquidated": frame["long_notional"].astype(float) / divisor,
            "rounds": frame["rounds"].astype(int),
        }
    )
    shocks = sorted(data["shock_pct"].unique())
    depths = sorted(data["depth_m"].unique())

    def _pick(value: float | None, options: list[float], scale: float, name: str) -> float:
        if value is None:
            return options[len(options) // 2]
        v = _sig(float(value) * scale)
        if not any(math.isclose(v, o, rel_tol=1e-6) for o in options):
            raise ValueError(f"{name} must be a value of the grid; got {value!r}")
        return v

    shock0 = _pick(shock, shocks, 100.0, "shock")
    depth0 = _pick(depth, depths, 1e-6, "depth")
    p_shock = _slider_or_select(alt, "casc_shock", shocks, shock0, "shock (%) ", "g")
    p_depth = _slider_or_select(alt, "casc_depth", depths, depth0, "depth (USD m) ", ",.4g")
    same_shock = "abs(datum.shock_pct - casc_shock) < 1e-6 * abs(casc_shock)"
    same_depth = "abs(datum.depth_m - casc_depth) < 1e-6 * casc_depth"
    x = alt.X(
        "depth_m:Q", title="One-sided depth within the band (USD m, log scale)",
        scale=alt.Scale(type="log", nice=False, padding=12),
    )  # fmt: skip
    y = alt.Y("total_return:Q", title="Total move (shock + cascade)", axis=alt.Axis(format="%"))
    base = alt.Chart(data)
    others = base.mark_line(color="#bbb", strokeWidth=1).encode(
        x=x, y=y, detail="shock_pct:N", tooltip=["shock_pct:Q", "depth_m:Q", "total_return:Q"]
    )
    chosen = base.transform_filter(same_shock)
    line = chosen.mark_line(
        color=LONG_COLOR, strokeWidth=2.5, point=alt.OverlayMarkDef(color=LONG_COLOR)
    ).encode(x=x, y=y)
    at = chosen.transform_filter(same_depth)
    point = at.mark_point(size=160, color="#222", strokeWidth=2).encode(x=x, y=y)
    line1 = (
        "format(datum.shock_pct, '.3~g') + '% shock, depth ' + format(datum.depth_m, ',.4~g') + "
        f"' USD m: price ends at ' + format(datum.final_price, ',.0f') + ' USD (from {price:,.0f})'"
    )
    line2 = (
        "'total move ' + format(datum.total_return, '.2%') + ', ' + "
        "format(datum.amplification, '.2f') + 'x the shock; longs liquidated ' + "
        f"format(datum.liquidated, ',.3~g') + ' {unit} in ' + datum.rounds + ' rounds'"
    )
    main = alt.layer(others, line, point).properties(width=CHART_WIDTH, height=300)
    return _with_readout(_readout(at, line1, line2), main, title).add_params(p_shock, p_depth)


def chart_var_explorer(
    table: pd.DataFrame,
    *,
    confidence: float | None = None,
    series: str | None = None,
    title: str = "VaR and ES of a long by method: choose the confidence level",
) -> Any:
    """VaR and ES by estimation method, with a confidence-level menu and a series menu.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`riskkit.risk.var_es_grid`: columns ``series``, ``method``,
        ``confidence`` (in (0, 1)), ``var`` and ``es`` (positive losses, fractions of notional).
    confidence, series : optional
        Initial state of the menus; the grid value closest to 0.99 and the first series if None.
    title : str
        Chart title.

    Returns
    -------
    altair.VConcatChart
        The series and level shown, above bars of VaR and ES side by side per method, each
        labelled with its value; parameters
        ``var_confidence`` and ``var_series`` filter the embedded grid.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        Missing columns, or an initial value not in the table.

    See Also
    --------
    riskkit.risk.var_es, riskkit.risk.var_es_grid

    Notes
    -----
    :math:`\\mathrm{VaR}_c` is the loss exceeded with probability :math:`1-c` and
    :math:`\\mathrm{ES}_c = E[L \\mid L \\ge \\mathrm{VaR}_c]` (see :func:`riskkit.risk.var_es`).

    References
    ----------
    Acerbi, C. and Tasche, D. (2002), "On the coherence of expected shortfall", Journal of
    Banking & Finance 26(7), https://doi.org/10.1016/S0378-4266(02)00283-2

    Examples
    --------
    >>> t = pd.DataFrame({"series": "x", "method": ["normal", "normal"],
    ...                   "confidence": [0.95, 0.99], "var": [0.03, 0.05], "es": [0.04, 0.06]})
    >>> [p["name"] for p in chart_var_explorer(t).to_dict()["params"]]
    ['var_confidence', 'var_series']
    """
    require("altair", "charts")
    import altair as alt

    check_frame(table, "table")
    need = {"series", "method", "confidence", "var", "es"}
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"table is missing columns {missing}; got {list(table.columns)}")
    data = pd.DataFrame(
        {
            "series": table["series"].astype(str),
            "method": table["method"].astype(str),
            "confidence": [_sig(float(c)) for c in table["confidence"]],
            "VaR": table["var"].astype(float),
            "ES": table["es"].astype(float),
        }
    )
    levels = sorted(data["confidence"].unique())
    names = list(dict.fromkeys(data["series"]))
    conf0 = (
        min(levels, key=lambda c: abs(c - 0.99)) if confidence is None else _sig(float(confidence))
    )
    if not any(math.isclose(conf0, c, rel_tol=1e-9) for c in levels):
        raise ValueError(f"confidence must be a level of the table {levels}; got {confidence!r}")
    series = names[0] if series is None else series
    if series not in names:
        raise ValueError(f"series must be one of {names}; got {series!r}")
    p_conf = alt.param(
        name="var_confidence",
        value=conf0,
        bind=alt.binding_select(
            options=levels, labels=[f"{c * 100:.4g}%" for c in levels],
            name="confidence level ",
        ),
    )  # fmt: skip
    p_series = alt.param(
        name="var_series", value=series, bind=alt.binding_select(options=names, name="series ")
    )
    methods = list(dict.fromkeys(data["method"]))
    base = (
        alt.Chart(data)
        .transform_filter("datum.series == var_series")
        .transform_filter("abs(datum.confidence - var_confidence) < 1e-9")
        .transform_fold(["VaR", "ES"], as_=["measure", "loss"])
        .encode(
            x=alt.X("method:N", title=None, sort=methods, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("measure:N", sort=["VaR", "ES"]),
            y=alt.Y("loss:Q", title="Loss (fraction of notional)", axis=alt.Axis(format="%")),
        )
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "measure:N", title=None, sort=["VaR", "ES"],
            scale=alt.Scale(domain=["VaR", "ES"], range=[PRICE_COLOR, "#ff7f0e"]),
        ),
        tooltip=["series:N", "method:N", "measure:N", alt.Tooltip("loss:Q", format=".2%")],
    )  # fmt: skip
    labels = base.mark_text(baseline="bottom", dy=-2, fontSize=10).encode(
        text=alt.Text("loss:Q", format=".2%")
    )
    shown = (
        alt.Chart(data)
        .transform_filter("datum.series == var_series")
        .transform_filter("abs(datum.confidence - var_confidence) < 1e-9")
        .transform_aggregate(methods="count()", groupby=["series", "confidence"])
        .transform_calculate(
            label="datum.series + ', confidence level ' + format(datum.confidence, '.4~%')"
        )
        .mark_text(align="left", baseline="top", fontSize=13, fontWeight="bold", color="#222")
        .encode(x=alt.value(0), y=alt.value(2), text="label:N")
        .properties(width=CHART_WIDTH - 40, height=20)
    )
    main = alt.layer(bars, labels).properties(width=CHART_WIDTH - 40, height=300)
    return alt.vconcat(shown, main, spacing=4).properties(title=title).add_params(p_conf, p_series)
