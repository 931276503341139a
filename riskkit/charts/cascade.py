"""Altair chart builders of :mod:`riskkit.cascade`: impact curves, cascades, maps, heat maps.

The result objects' ``.chart()`` methods delegate here (:meth:`ImpactCalibration.chart
<riskkit.cascade.ImpactCalibration.chart>`, :meth:`CascadeResult.chart
<riskkit.cascade.CascadeResult.chart>`, :meth:`LiquidationMap.chart
<riskkit.cascade.LiquidationMap.chart>`); :func:`cascade_heatmap` is also importable from
:mod:`riskkit.cascade`. altair is imported only inside these functions, so ``import riskkit``
stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_type
from riskkit.charts.render import LONG_COLOR, SHORT_COLOR, usd_units

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.cascade.book import LiquidationMap
    from riskkit.cascade.impact import ImpactCalibration
    from riskkit.cascade.simulate import CascadeResult

__all__ = ["cascade_chart", "cascade_heatmap", "impact_chart", "liquidation_map_chart"]


def impact_chart(calibration: ImpactCalibration) -> alt.Chart:
    """Price move of a market sell against notional sold, one line per depth quantile.

    Parameters
    ----------
    calibration : ImpactCalibration
        Result of :func:`~riskkit.cascade.calibrate_impact`.

    Returns
    -------
    altair.Chart
        Lines of the price fall (fraction) against notional sold (quote currency, log scale);
        480 px wide. :meth:`ImpactCalibration.chart <riskkit.cascade.ImpactCalibration.chart>`
        returns the same chart.

    Examples
    --------
    >>> from riskkit.cascade import calibrate_impact
    >>> impact_chart(calibrate_impact(np.arange(1.0, 21.0) * 1e6)).to_dict()["width"]
    480
    """
    require("altair", "charts")
    import altair as alt

    q = np.logspace(5, 10, 41)
    table = calibration.impact_table(q.tolist())
    tidy = table.reset_index().melt(id_vars="notional sold", var_name="depth", value_name="move")
    tidy["move"] = -tidy["move"]
    return (
        alt.Chart(tidy)
        .mark_line()
        .encode(
            x=alt.X(
                "notional sold:Q",
                title="notional sold (quote currency)",
                scale=alt.Scale(type="log"),
            ),
            y=alt.Y("move:Q", title="price fall (fraction)", axis=alt.Axis(format="%")),
            color=alt.Color("depth:N", title="book depth"),
        )
        .properties(
            width=480,
            height=260,
            title=f"Calibrated {calibration.model} impact ({calibration.nobs} books)",
        )
    )


def cascade_chart(result: CascadeResult) -> alt.LayerChart:
    """Price by round (line) with notional liquidated per round (bars); altair, 480 px.

    Notionals are taken as USD and shown in readable units (``riskkit.charts.usd_units``):
    the axis says e.g. "notional liquidated (USD bn)", never a ten-digit number.

    Parameters
    ----------
    result : CascadeResult
        Result of :func:`~riskkit.cascade.simulate_cascade`.

    Returns
    -------
    altair.LayerChart
        The same chart as :meth:`CascadeResult.chart <riskkit.cascade.CascadeResult.chart>`.
    """
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index()
    df["liquidated"] = df["long_notional"] + df["short_notional"]
    divisor, unit = usd_units(float(df["liquidated"].abs().max()) if len(df) else 0.0)
    df["liquidated"] = df["liquidated"] / divisor
    base = alt.Chart(df).encode(x=alt.X("round:Q", title="round"))
    line = base.mark_line(point=True).encode(
        y=alt.Y("price:Q", title="price (quote per unit)", scale=alt.Scale(zero=False))
    )
    bars = base.mark_bar(opacity=0.35, color=LONG_COLOR).encode(
        y=alt.Y("liquidated:Q", title=f"notional liquidated ({unit})")
    )
    chart = (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(
            width=480,
            height=260,
            title=f"Cascade: shock {result.shock:+.1%}, total {result.total_return:+.1%}",
        )
    )
    return cast("alt.LayerChart", chart)


def liquidation_map_chart(
    liq_map: LiquidationMap, marks: dict[str, float] | None = None
) -> alt.LayerChart:
    """Bars of notional by price level, longs (below) and shorts (above); altair, 480 px.

    Longs are ``LONG_COLOR`` and shorts ``SHORT_COLOR``,
    as in every chart of the book; notionals are taken as USD and shown in readable units
    (``riskkit.charts.usd_units``), the unit in the axis title.

    Parameters
    ----------
    liq_map : LiquidationMap
        Result of :func:`~riskkit.cascade.liquidation_map`.
    marks : dict of str to float, optional
        Extra price levels to mark with labelled dashed rules (label -> price, quote per
        unit), e.g. ``{"crash low": 101_516.5}``. The reference price is always drawn
        as a solid rule.

    Returns
    -------
    altair.LayerChart
        The same chart as :meth:`LiquidationMap.chart <riskkit.cascade.LiquidationMap.chart>`.
    """
    require("altair", "charts")
    import altair as alt

    df = liq_map.to_frame().reset_index()
    long_df = df[["price_level", "long_notional"]].rename(columns={"long_notional": "v"})
    short_df = df[["price_level", "short_notional"]].rename(columns={"short_notional": "v"})
    long_df["side"] = "long"
    short_df["side"] = "short"
    tidy = pd.concat([long_df, short_df], ignore_index=True)
    tidy = tidy[tidy["v"] > 0]
    divisor, unit = usd_units(float(tidy["v"].max()) if len(tidy) else 0.0)
    tidy["v"] = tidy["v"] / divisor
    bars = (
        alt.Chart(tidy)
        .mark_bar()
        .encode(
            x=alt.X(
                "price_level:Q",
                title="liquidation price (quote per unit)",
                scale=alt.Scale(zero=False),
            ),
            y=alt.Y("v:Q", title=f"notional liquidated ({unit})"),
            color=alt.Color(
                "side:N",
                title="side",
                scale=alt.Scale(domain=["long", "short"], range=[LONG_COLOR, SHORT_COLOR]),
            ),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"price": [liq_map.price]}))
        .mark_rule(color="black")
        .encode(x="price:Q")
    )
    layers: list[Any] = [bars, rule]
    if marks:
        md = pd.DataFrame({"label": list(marks), "price": [float(v) for v in marks.values()]})
        mark_rule = alt.Chart(md).mark_rule(color="#555", strokeDash=[4, 3])
        layers.append(mark_rule.encode(x="price:Q", tooltip=["label:N", "price:Q"]))
        text = alt.Chart(md).mark_text(
            align="left", baseline="top", dx=3, dy=2, fontSize=10, color="#333"
        )
        layers.append(
            text.encode(x="price:Q", y=alt.value(2), text="label:N")  # top of the plot
        )
    chart = alt.layer(*layers).properties(width=480, height=260, title="Estimated liquidation map")
    return cast("alt.LayerChart", chart)


def cascade_heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str = "total_return",
    title: str,
    x_title: str,
    y_title: str,
    value_title: str = "total move",
    value_format: str = ".0%",
) -> alt.LayerChart:
    """Heat map of a cascade outcome over two grid dimensions, with the value in each cell.

    Parameters
    ----------
    frame : pandas.DataFrame
        Tidy grid, one row per cell, with columns ``x``, ``y`` and ``value`` (e.g. the
        reset index of :func:`cascade_grid` plus a label column). ``x`` and ``y`` are shown
        as ordered categories, in the order they first appear.
    x, y, value : str
        Column names.
    title, x_title, y_title, value_title : str
        Chart title, axis titles and legend title (put units in them).
    value_format : str, default ".0%"
        d3 format of the cell labels and the tooltip.

    Returns
    -------
    altair.LayerChart
        Rect marks coloured by ``value`` with text labels; 480 px wide.

    Raises
    ------
    KeyError
        If a column is missing.

    See Also
    --------
    cascade_grid, critical_depth

    Examples
    --------
    >>> df = pd.DataFrame({"depth": ["1x", "1x", "10x", "10x"], "mix": ["a", "b", "a", "b"],
    ...                    "total_return": [-0.3, -0.2, -0.05, -0.03]})
    >>> ch = cascade_heatmap(df, x="depth", y="mix", title="t", x_title="d", y_title="m")
    >>> [layer["mark"]["type"] for layer in ch.to_dict()["layer"]]
    ['rect', 'text']
    """
    require("altair", "charts")
    import altair as alt

    check_type(frame, "frame", pd.DataFrame)
    for text, label in ((title, "title"), (x_title, "x_title"), (y_title, "y_title")):
        check_type(text, label, str)
    missing = [c for c in (x, y, value) if c not in frame.columns]
    if missing:
        raise KeyError(f"frame is missing columns {missing}")
    df = frame[[x, y, value]].copy()
    df[x] = df[x].astype(str)
    df[y] = df[y].astype(str)
    x_order = list(dict.fromkeys(df[x]))
    y_order = list(dict.fromkeys(df[y]))
    v = df[value].astype(float)
    mid = float(v.min() + v.max()) / 2.0
    df["_dark"] = v < mid if v.min() < 0 else v > mid
    base = alt.Chart(df).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=x_order),
        y=alt.Y(f"{y}:O", title=y_title, sort=y_order),
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            title=value_title,
            scale=alt.Scale(scheme="reds", reverse=bool(v.min() < 0)),
            legend=alt.Legend(format=value_format),
        ),
        tooltip=[f"{x}:O", f"{y}:O", alt.Tooltip(f"{value}:Q", format=value_format)],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text(f"{value}:Q", format=value_format),
        color=alt.condition("datum._dark", alt.value("white"), alt.value("black")),
    )
    chart = alt.layer(rect, text).properties(width=480, height=220, title=title)
    return cast("alt.LayerChart", chart)
