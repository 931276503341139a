"""Altair chart builders shared by every topic: time-series lines, stacked bars, crash panels.

Every builder takes a Series, a frame or a result object and returns an :class:`altair.Chart`
(or a layered/concatenated chart); nothing here displays or saves anything. altair is imported
only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_frame, check_type, check_tz_match
from riskkit.charts.render import CHART_WIDTH, EVENT_COLOR, LONG_COLOR, SHORT_COLOR

if TYPE_CHECKING:  # pragma: no cover
    require("altair", "charts")
    import altair as alt

__all__ = ["EVENT_LABELS", "crash_panel", "event_rules", "line_chart", "stacked_bars"]

#: Short chart labels of the crash catalogue (:data:`riskkit.data.EVENTS`), by event key. An
#: event not listed here is labelled with its name without the parenthesis.
EVENT_LABELS = {
    "2020-03-12": "COVID crash",
    "2021-05-19": "China ban",
    "2022-05-luna": "LUNA/UST",
    "2022-11-ftx": "FTX",
    "2024-08-05": "Yen carry",
    "2025-10-10": "Tariff crash",
}

# label layout: px per character of the 10 px label font (an upper bound), gap between labels,
# row height, and rows before labels give way to the tooltip
_CHAR_PX, _GAP_PX, _ROW_PX, _ROWS = 5.8, 6.0, 13, 4


def _naive_utc(value: str | pd.Timestamp) -> pd.Timestamp:
    """The instant as a tz-naive UTC timestamp (charts draw UTC wall time); naive is UTC."""
    ts = pd.Timestamp(value)
    return ts.tz_convert("UTC").tz_localize(None) if ts.tz is not None else ts


def _frame(series: pd.Series | pd.DataFrame, value_name: str) -> pd.DataFrame:
    """Long-format frame with columns ``time``, ``series`` and ``value_name``."""
    check_type(series, "data", pd.Series, pd.DataFrame)
    if isinstance(series, pd.Series):
        # an unnamed Series is labelled "data" (its argument), never the value column's name
        series = series.to_frame(series.name if series.name not in (None, value_name) else "data")
    if not isinstance(series.index, pd.DatetimeIndex):
        raise TypeError(f"data must have a DatetimeIndex; got {type(series.index).__name__}")
    df = series.copy()
    idx = pd.DatetimeIndex(df.index)
    df.index = idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx
    df.index.name = "time"
    return df.reset_index().melt("time", var_name="series", value_name=value_name).dropna()


def line_chart(
    data: pd.Series | pd.DataFrame,
    *,
    title: str,
    y_title: str,
    log: bool = False,
    value_format: str = ",.0f",
    axis_format: str | None = None,
    width: int = CHART_WIDTH,
    height: int = 260,
) -> alt.Chart:
    """Line chart of one or more time series sharing a y axis.

    Parameters
    ----------
    data : Series or DataFrame
        Values on a DatetimeIndex; one line per column (the column name is the legend label).
    title, y_title : str
        Chart title and y-axis title (put the units in ``y_title``).
    log : bool
        Logarithmic y axis.
    value_format : str
        d3 format of the y values in the tooltip.
    axis_format : str, optional
        d3 format of the y-axis labels (e.g. ``".0%"`` for fractions shown as percent).
    width, height : int
        Size in px.

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> s = pd.Series([1.0, 2.0], index=pd.to_datetime(["2020-01-01", "2020-01-02"]), name="x")
    >>> line_chart(s, title="t", y_title="USD").to_dict()["mark"]["type"]
    'line'
    """
    require("altair", "charts")
    import altair as alt

    df = _frame(data, "value")
    scale = alt.Scale(type="log") if log else alt.Scale(zero=False)
    multi = df["series"].nunique() > 1
    enc: dict[str, Any] = {
        "x": alt.X("time:T", title=None),
        "y": alt.Y(
            "value:Q",
            title=y_title,
            scale=scale,
            axis=alt.Axis(format=axis_format) if axis_format else alt.Undefined,
        ),
        "tooltip": [
            alt.Tooltip("time:T", title="time (UTC)"),
            alt.Tooltip("series:N"),
            alt.Tooltip("value:Q", format=value_format),
        ],
    }
    if multi:
        enc["color"] = alt.Color("series:N", title=None)
    return (
        alt.Chart(df, title=title, width=width, height=height)
        .mark_line(strokeWidth=1.2)
        .encode(**enc)
    )


def stacked_bars(
    data: pd.DataFrame,
    *,
    title: str,
    y_title: str,
    colors: Iterable[str] | None = None,
    width: int = CHART_WIDTH,
    height: int = 180,
) -> alt.Chart:
    """Stacked bars of the columns of ``data`` over time (e.g. long and short liquidations).

    Examples
    --------
    >>> df = pd.DataFrame({"long": [1.0], "short": [2.0]},
    ...                   index=pd.to_datetime(["2020-01-01"]))
    >>> stacked_bars(df, title="t", y_title="USD").to_dict()["mark"]["type"]
    'bar'
    """
    require("altair", "charts")
    import altair as alt

    df = _frame(data, "value")
    color = alt.Color("series:N", title=None)
    if colors is not None:
        color = alt.Color(
            "series:N", title=None, scale=alt.Scale(domain=list(data.columns), range=list(colors))
        )
    return (
        alt.Chart(df, title=title, width=width, height=height)
        .mark_bar()
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("sum(value):Q", title=y_title, stack=True),
            color=color,
            tooltip=[
                alt.Tooltip("time:T", title="time (UTC)"),
                alt.Tooltip("series:N"),
                alt.Tooltip("value:Q", format=",.0f"),
            ],
        )
    )


def _layout_labels(
    x: list[float], labels: list[str], width: float
) -> tuple[list[int | None], list[str]]:
    """Row (None: not drawn) and alignment of each label so that none overlaps or leaves the plot.

    ``x`` are the rules' positions in px, in time order. Each label goes to the first row where,
    written to the right of its rule (else to its left), it stays inside the plot, clears every
    label already placed in that row and crosses no other event's rule; failing that, where
    another rule only grazes its end; failing that, where it only clears the other labels.
    """
    placed: list[list[tuple[float, float]]] = [[] for _ in range(_ROWS)]
    rows: list[int | None] = []
    aligns: list[str] = []

    def spans(pos: float, w: float) -> list[tuple[str, tuple[float, float]]]:
        return [("left", (pos, pos + w)), ("right", (pos - w, pos))]

    def clear(row: int, span: tuple[float, float]) -> bool:
        return all(span[1] + _GAP_PX <= a or b + _GAP_PX <= span[0] for a, b in placed[row])

    for k, (pos, text) in enumerate(zip(x, labels, strict=True)):
        w = len(text) * _CHAR_PX + 3
        others = [o for j, o in enumerate(x) if j != k]
        inside = [(al, sp) for al, sp in spans(pos, w) if sp[0] >= 0 and sp[1] <= width]
        # prefer a place no other rule crosses, then one where a rule only grazes the text's
        # end, then any place inside the plot, then anywhere
        tiers = [
            [(al, sp) for al, sp in inside if not any(sp[0] - m < o < sp[1] + m for o in others)]
            for m in (2.0, -6.0)
        ] + [inside, spans(pos, w)]
        choice = next(
            (
                (r, al, sp)
                for tier in tiers
                for r in range(_ROWS)
                for al, sp in tier
                if clear(r, sp)
            ),
            None,
        )
        if choice is None:
            rows.append(None)
            aligns.append("left")
            continue
        row, align, span = choice
        placed[row].append(span)
        rows.append(row)
        aligns.append(align)
    return rows, aligns


def event_rules(
    events: pd.DataFrame,
    *,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    label: bool = True,
    width: int = CHART_WIDTH,
) -> alt.LayerChart | alt.Chart:
    """Vertical rules (and short labels) marking crash events, to layer on a time-series chart.

    Parameters
    ----------
    events : DataFrame
        ``riskkit.data.events_frame()``: columns ``start`` and ``name`` at least, indexed by
        event key. A ``label`` column, if present, gives the text on the chart; otherwise
        :data:`EVENT_LABELS` (by key) or the name without its parenthesis.
    start, end : timestamp, optional
        The chart's x range: only events inside it are drawn, and the labels are laid out for
        it (pass both for the best layout; without ``end`` the last event is taken as the
        right edge).
    label : bool
        Write the short label at the top of each rule. Labels are staggered over up to four
        rows so that none overlaps another or passes the plot's edge; the full name, date and
        description are always in the rule's tooltip.
    width : int
        Width in px of the chart the rules are layered on.

    Examples
    --------
    >>> ev = pd.DataFrame({"start": pd.to_datetime(["2020-03-12"]), "name": ["Black Thursday"]},
    ...                   index=["2020-03-12"])
    >>> spec = event_rules(ev).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rule'
    >>> [d["label"] for d in spec["datasets"][spec["layer"][1]["data"]["name"]]]
    ['COVID crash']
    """
    require("altair", "charts")
    import altair as alt

    df = check_frame(events, "events", columns=["start", "name"]).copy()
    ts = pd.to_datetime(df["start"])
    if getattr(ts.dt, "tz", None) is not None:
        ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
    df["start"] = ts
    t0 = None if start is None else _naive_utc(start)
    t1 = None if end is None else _naive_utc(end)
    if t0 is not None:
        df = df[df["start"] >= t0]
    if t1 is not None:
        df = df[df["start"] <= t1]
    if "label" not in df.columns:
        short = df["name"].str.replace(r"\s*\(.*\)", "", regex=True)
        df["label"] = [EVENT_LABELS.get(str(k), s) for k, s in zip(df.index, short, strict=True)]
    cols = [c for c in ("start", "name", "label", "description") if c in df.columns]
    df = df[cols].sort_values("start").reset_index(drop=True)
    tooltip = [alt.Tooltip("name:N", title="event"), alt.Tooltip("start:T", title="date")]
    if "description" in df.columns:
        tooltip.append(alt.Tooltip("description:N"))
    rules = (
        alt.Chart(df)
        .mark_rule(color=EVENT_COLOR, strokeDash=[4, 3])
        .encode(x="start:T", tooltip=tooltip)
    )
    if not label or df.empty:
        return rules
    lo = t0 if t0 is not None else df["start"].iloc[0]
    hi = t1 if t1 is not None else df["start"].iloc[-1]
    span = max((hi - lo).total_seconds(), 1.0)
    x = [(t - lo).total_seconds() / span * width for t in df["start"]]
    rows, aligns = _layout_labels(x, df["label"].tolist(), float(width))
    df["label_y"] = [2 + _ROW_PX * r if r is not None else None for r in rows]
    df["align"] = aligns
    layers: list[Any] = [rules]
    sides: tuple[tuple[Literal["left", "right"], int], ...] = (("left", 3), ("right", -3))
    for align, dx in sides:
        part = df[(df["align"] == align) & df["label_y"].notna()][["start", "label", "label_y"]]
        if part.empty:
            continue
        layers.append(
            alt.Chart(part)
            .mark_text(align=align, baseline="top", dx=dx, dy=2, fontSize=10, color="#555")
            .encode(x="start:T", y=alt.Y("label_y:Q", scale=None), text="label:N")
        )
    layered: alt.LayerChart = alt.layer(*layers)  # type: ignore[assignment]
    return layered


def _window(
    data: pd.Series | pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, name: str
) -> Any:
    check_type(data, name, pd.Series, pd.DataFrame)
    if not isinstance(data.index, pd.DatetimeIndex):
        raise TypeError(f"{name} must have a DatetimeIndex; got {type(data.index).__name__}")
    check_tz_match(data.index, f"{name}.index", start, "start")
    return data.loc[(data.index >= start) & (data.index <= end)]


def crash_panel(
    price: pd.Series | pd.DataFrame,
    liquidations: pd.DataFrame,
    open_interest: pd.Series,
    *,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp,
    title: str,
    width: int = CHART_WIDTH,
) -> alt.VConcatChart:
    """Three aligned panels of a crash: price, liquidations by side, and open interest.

    Parameters
    ----------
    price : Series or DataFrame
        Price(s) in USD on a UTC DatetimeIndex (e.g. hourly close and low).
    liquidations : DataFrame
        Columns ``long_liquidations_usd`` and ``short_liquidations_usd`` (USD per bar).
    open_interest : Series
        Open interest in USD.
    start, end : str or Timestamp
        The window shown (UTC, inclusive); all three panels share this x range.
    title : str
        Title of the top panel.
    width : int
        Width in px of each panel.

    Returns
    -------
    altair.VConcatChart

    Examples
    --------
    >>> idx = pd.date_range("2025-10-10", periods=3, freq="4h", tz="UTC")
    >>> liq = pd.DataFrame({"long_liquidations_usd": [1.0, 5.0, 2.0],
    ...                     "short_liquidations_usd": [0.5, 1.0, 0.1]}, index=idx)
    >>> panel = crash_panel(pd.Series([3.0, 2.0, 2.5], index=idx, name="close"), liq,
    ...                     pd.Series([9e10, 8e10, 7e10], index=idx), start=idx[0], end=idx[-1],
    ...                     title="t")
    >>> len(panel.to_dict()["vconcat"])
    3
    """
    require("altair", "charts")
    import altair as alt

    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    t0 = t0.tz_localize("UTC") if t0.tz is None else t0
    t1 = t1.tz_localize("UTC") if t1.tz is None else t1
    check_type(liquidations, "liquidations", pd.DataFrame)
    missing = {"long_liquidations_usd", "short_liquidations_usd"} - set(liquidations.columns)
    if missing:
        raise ValueError(f"liquidations is missing columns {sorted(missing)}")
    domain = [_naive_utc(t0).isoformat(), _naive_utc(t1).isoformat()]
    x = alt.X("time:T", title=None, scale=alt.Scale(domain=domain))
    top = line_chart(
        _window(price, t0, t1, "price"), title=title, y_title="USD per BTC", width=width, height=200
    ).encode(x=x)
    liq = _window(liquidations, t0, t1, "liquidations")[
        ["long_liquidations_usd", "short_liquidations_usd"]
    ]
    liq = liq.rename(columns={"long_liquidations_usd": "longs", "short_liquidations_usd": "shorts"})
    bars = stacked_bars(
        liq / 1e6,
        title="Liquidations per bar",
        y_title="USD m",
        colors=[LONG_COLOR, SHORT_COLOR],
        width=width,
        height=140,
    ).encode(x=x)
    oi = _window(open_interest, t0, t1, "open_interest").rename("open interest") / 1e9
    bottom = line_chart(
        oi, title="Open interest", y_title="USD bn", width=width, height=140, value_format=",.1f"
    ).encode(x=x)
    # each panel keeps its own colours and legend (a shared colour scale would drop the price lines)
    return alt.vconcat(top, bars, bottom, spacing=12).resolve_scale(color="independent")
