"""Altair chart builders of :mod:`riskkit.systemic`: betas, principal components, CoVaR, events.

The result objects' ``.chart()`` methods (:class:`~riskkit.systemic.RollingBeta`,
:class:`~riskkit.systemic.PCAResult`, :class:`~riskkit.systemic.RollingPCA`,
:class:`~riskkit.systemic.CoVaRResult`, :class:`~riskkit.systemic.EventStudyResult`) delegate
here. altair is imported only inside these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_type
from riskkit.charts.basic import line_chart
from riskkit.charts.render import CHART_WIDTH

if TYPE_CHECKING:  # pragma: no cover
    from riskkit.systemic import (
        CoVaRResult,
        EventStudyResult,
        PCAResult,
        RollingBeta,
        RollingPCA,
    )

__all__ = [
    "chart_covar",
    "chart_event_study",
    "chart_pca",
    "chart_rolling_beta",
    "chart_rolling_pca",
]


def _check(result: Any, cls_name: str) -> None:
    if type(result).__name__ != cls_name:
        raise TypeError(f"result must be a {cls_name}; got {type(result).__name__}")


def chart_rolling_beta(result: RollingBeta, *, title: str | None = None, show: str = "beta") -> Any:
    """Line chart of a rolling beta (``show="beta"``) or R² (``show="r2"``).

    Examples
    --------
    >>> from riskkit.systemic import rolling_beta
    >>> idx = pd.date_range("2024-01-01", periods=5, freq="D")
    >>> x = pd.Series([0.01, -0.02, 0.03, 0.0, 0.01], idx, name="x")
    >>> chart_rolling_beta(rolling_beta(2 * x, x, 3)).to_dict()["mark"]["type"]
    'line'
    """
    _check(result, "RollingBeta")
    if show not in ("beta", "r2"):
        raise ValueError(f"show must be one of ('beta', 'r2'); got {show!r}")
    series = result.beta if show == "beta" else result.r2
    default = f"Rolling {result.window}-observation {'beta' if show == 'beta' else 'R²'}"
    return line_chart(
        series,
        title=title or default,
        y_title="beta" if show == "beta" else "R² (share of variance)",
        value_format=".2f",
    )


def chart_pca(result: PCAResult, *, title: str | None = None) -> Any:
    """Bars of the share of variance of each principal component.

    Examples
    --------
    >>> from riskkit.systemic import principal_components
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="D")
    >>> r = pd.DataFrame({"a": [1.0, -1.0, 1.0, -1.0], "b": [1.0, -1.0, 1.0, -0.8]}, idx)
    >>> chart_pca(principal_components(r)).to_dict()["mark"]["type"]
    'bar'
    """
    require("altair", "charts")
    import altair as alt

    _check(result, "PCAResult")
    df = pd.DataFrame({"component": result.explained.index, "share": result.explained.values})
    return (
        alt.Chart(df, title=title or "Share of variance by principal component", width=320,
                  height=200)
        .mark_bar()
        .encode(
            x=alt.X("component:N", title=None, sort=None),
            y=alt.Y("share:Q", title="share of variance", axis=alt.Axis(format=".0%")),
            tooltip=[alt.Tooltip("component:N"), alt.Tooltip("share:Q", format=".1%")],
        )
    )  # fmt: skip


def chart_rolling_pca(result: RollingPCA, *, title: str | None = None) -> Any:
    """Line chart of the first principal component's share of variance over time.

    Examples
    --------
    >>> from riskkit.systemic import rolling_principal_components
    >>> idx = pd.date_range("2024-01-01", periods=6, freq="D")
    >>> r = pd.DataFrame({"a": [1.0, -1.0, 2.0, -1.0, 1.0, 0.5],
    ...                   "b": [1.0, -0.5, 1.0, -1.0, 2.0, 0.0]}, idx)
    >>> chart_rolling_pca(rolling_principal_components(r, 4)).to_dict()["mark"]["type"]
    'line'
    """
    _check(result, "RollingPCA")
    return line_chart(
        result.first_share.rename("PC1 share"),
        title=title or f"Share of variance of the first component, {result.window} observations",
        y_title="share of variance",
        value_format=".1%",
        axis_format=".0%",
    )


def chart_covar(result: CoVaRResult, *, title: str | None = None) -> Any:
    """Scatter of the system's on the asset's returns with the q-quantile regression line.

    The vertical rules mark the asset's q-quantile and median; the line's heights there are
    CoVaR and the median-state CoVaR.

    Examples
    --------
    >>> from riskkit.systemic import covar
    >>> rng = np.random.default_rng(0)
    >>> x = pd.Series(rng.standard_normal(200))
    >>> chart_covar(covar(x + rng.standard_normal(200), x)).to_dict()["layer"][0]["mark"]["type"]
    'circle'
    """
    require("altair", "charts")
    import altair as alt

    _check(result, "CoVaRResult")
    data = result.data.rename(columns={"asset": "x", "system": "y"}).reset_index(drop=True)
    lo, hi = float(data["x"].min()), float(data["x"].max())
    grid = np.linspace(lo, hi, 2)
    line = pd.DataFrame({"x": grid, "y": result.alpha + result.beta * grid})
    marks = pd.DataFrame(
        {
            "x": [result.var_q, result.var_median],
            "y": [result.covar_q, result.covar_median],
            "label": [f"VaR {result.q:.0%}, CoVaR", "median, CoVaR at median"],
        }
    )
    base_x = alt.X("x:Q", title=f"{result.asset} return")
    points = (
        alt.Chart(data)
        .mark_circle(size=10, opacity=0.35, color="#888")
        .encode(
            x=base_x,
            y=alt.Y("y:Q", title=f"{result.system} return"),
            tooltip=[alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")],
        )
    )
    reg = alt.Chart(line).mark_line(color="#c0392b").encode(x="x:Q", y="y:Q")
    dots = (
        alt.Chart(marks)
        .mark_point(size=80, filled=True, color="#c0392b")
        .encode(
            x="x:Q",
            y="y:Q",
            tooltip=[
                alt.Tooltip("label:N"),
                alt.Tooltip("x:Q", format=".3f"),
                alt.Tooltip("y:Q", format=".3f"),
            ],
        )
    )
    rules = alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#c0392b").encode(x="x:Q")
    return alt.layer(points, reg, rules, dots).properties(
        title=title or f"{result.q:.0%}-quantile regression: {result.system} on {result.asset}",
        width=min(CHART_WIDTH, 420),
        height=300,
    )


def chart_event_study(
    result: EventStudyResult,
    *,
    title: str | None = None,
    y_title: str = "cumulative abnormal change",
    value_format: str = ".4f",
) -> Any:
    """Cumulative abnormal change by event time, one line per event.

    Examples
    --------
    >>> from riskkit.systemic import event_study
    >>> idx = pd.date_range("2024-01-01", periods=30, freq="D")
    >>> x = pd.Series(np.tile([0.01, -0.01], 15), idx)
    >>> res = event_study(x, {"e": "2024-01-26"}, window=(0, 2), estimation=(-20, -1))
    >>> chart_event_study(res).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    require("altair", "charts")
    import altair as alt

    _check(result, "EventStudyResult")
    check_type(y_title, "y_title", str)
    car = result.abnormal.cumsum()
    df = car.reset_index().melt("event_time", var_name="event", value_name="car")
    lines = (
        alt.Chart(df)
        .mark_line(point=True, strokeWidth=1.4)
        .encode(
            x=alt.X(
                "event_time:Q",
                title="observations after the event (0 = event day)",
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=alt.Y("car:Q", title=y_title),
            color=alt.Color("event:N", title=None),
            tooltip=[
                alt.Tooltip("event:N"),
                alt.Tooltip("event_time:Q"),
                alt.Tooltip("car:Q", format=value_format),
            ],
        )
    )
    zero = alt.Chart(pd.DataFrame({"y": [0.0]})).mark_rule(color="#999").encode(y="y:Q")
    return alt.layer(lines, zero).properties(
        title=title or f"Cumulative abnormal change ({result.model} model)",
        width=CHART_WIDTH,
        height=260,
    )
