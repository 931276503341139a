"""Altair chart builders of :mod:`riskkit.survival`: survival curves, maps and probabilities.

The result objects' ``.chart()`` and ``.chart_curves()`` methods delegate here
(:class:`~riskkit.survival.SurvivalCurve`, :class:`~riskkit.survival.HistoricalSurvival`,
:class:`~riskkit.survival.MonteCarloLiquidation`, :class:`~riskkit.survival.LiquidationEstimates`).
altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.survival import (
        HistoricalSurvival,
        LiquidationEstimates,
        MonteCarloLiquidation,
        SurvivalCurve,
    )

__all__ = [
    "chart_historical_survival",
    "chart_liquidation_estimates",
    "chart_monte_carlo_liquidation",
    "chart_survival_curve",
    "chart_survival_curves",
]


def chart_survival_curve(
    curve: SurvivalCurve, title: str = "Kaplan-Meier survival curve"
) -> alt.Chart:
    """Step chart of :math:`\\hat S(t)` of a Kaplan-Meier curve (altair, 480 px wide)."""
    require("altair", "charts")
    import altair as alt

    df = pd.DataFrame(
        {"time": np.r_[0.0, curve.surv_times], "surv_prob": np.r_[1.0, curve.surv_prob]}
    )
    return (
        alt.Chart(df, title=title, width=480, height=260)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("time:Q", title="time since entry (bars)"),
            y=alt.Y("surv_prob:Q", title="fraction still open", scale=alt.Scale(domain=[0, 1])),
        )
    )


def chart_survival_curves(
    result: HistoricalSurvival, max_horizon: int, group: Any = None
) -> alt.Chart:
    """Survival curves, one line per leverage (altair, 480 px wide)."""
    require("altair", "charts")
    import altair as alt

    stacked = result.curves(max_horizon, group).stack()
    df = pd.Series(stacked, name="surv_prob").reset_index()
    df["leverage"] = df["leverage"].map("{:g}x".format)
    return (
        alt.Chart(df, title=f"Share of isolated {result.side}s still open", width=480)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("horizon:Q", title="bars since entry"),
            y=alt.Y("surv_prob:Q", title="fraction still open", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("leverage:N", title="leverage", sort=None),
        )
    )


def chart_historical_survival(result: HistoricalSurvival, title: str | None = None) -> alt.Chart:
    """Heat map of survival probability, leverage x horizon (altair, <= 520 px wide)."""
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index()
    df["leverage"] = df["leverage"].map("{:g}x".format)
    order = [f"{v:g}x" for v in result.surv_prob.index.get_level_values("leverage").unique()]
    base = alt.Chart(
        df, title=title or f"Historical survival of isolated {result.side}s", width=420
    ).mark_rect()
    chart = base.encode(
        x=alt.X("horizon:O", title="horizon (bars)"),
        y=alt.Y("leverage:O", sort=order, title="leverage"),
        color=alt.Color(
            "surv_prob:Q",
            title="fraction surviving",
            scale=alt.Scale(domain=[0, 1], scheme="redyellowgreen"),
        ),
        tooltip=["leverage", "horizon", alt.Tooltip("surv_prob:Q", format=".3f"), "n_risk"],
    )
    if "group" in df.columns:
        chart = chart.properties(width=200).facet(column=alt.Column("group:N", title=None))
    return chart


def chart_monte_carlo_liquidation(
    result: MonteCarloLiquidation, title: str | None = None
) -> alt.Chart:
    """Probability of liquidation against leverage, one line per horizon (altair)."""
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index()
    base = alt.Chart(
        df, title=title or f"Monte Carlo ({result.model}) liquidation probability", width=460
    )
    line = base.mark_line(point=True).encode(
        x=alt.X("leverage:Q", title="leverage (x)", scale=alt.Scale(type="log")),
        y=alt.Y("liquidation_prob:Q", title="probability of liquidation"),
        color=alt.Color("horizon:O", title="horizon (bars)"),
    )
    band = base.mark_area(opacity=0.2).encode(
        x="leverage:Q", y="lower:Q", y2="upper:Q", color="horizon:O"
    )
    return band + line


def chart_liquidation_estimates(
    estimates: LiquidationEstimates,
    title: str | None = None,
    *,
    log_y: bool = False,
    horizon_title: str = "horizon (bars)",
    width: int | None = None,
) -> alt.FacetChart:
    """Probability against leverage, one line per method, one panel per horizon (altair).

    Parameters
    ----------
    title : str, optional
        Chart title.
    log_y : bool
        Logarithmic probability axis from 1e-4 to 1, which shows the low-leverage tail
        where the estimates differ by orders of magnitude; probabilities below 1e-4
        (including zeros) are left out.
    horizon_title : str
        Title above the panels (e.g. ``"horizon (days)"``).
    width : int, optional
        Width of each panel in px; default ``max(120, 450 // n_horizons)`` so that the
        whole chart stays within about 520 px.

    Returns
    -------
    altair.FacetChart
    """
    require("altair", "charts")
    import altair as alt

    names = {
        "historical": "historical",
        "gbm": "GBM formula",
        "student_t": "Student-t MC",
        "garch_t": "GARCH-t MC",
        "normal": "normal MC",
    }
    palette = {
        "historical": "#222222",
        "gbm": "#d62728",
        "student_t": "#ff7f0e",
        "garch_t": "#1f77b4",
        "normal": "#9467bd",
    }
    methods = list(estimates.liquidation_prob.columns)
    df = estimates.to_frame().reset_index()
    df["method"] = df["method"].map(lambda m: names.get(m, m))
    if log_y:
        df = df[df["liquidation_prob"] >= 1e-4]
        y_scale = alt.Scale(type="log", domain=[1e-4, 1])
    else:
        y_scale = alt.Scale(domain=[0, 1])
    n_h = max(1, estimates.liquidation_prob.index.get_level_values("horizon").nunique())
    levs = sorted(set(estimates.liquidation_prob.index.get_level_values("leverage")))
    color = alt.Color(
        "method:N",
        title="estimate",
        scale=alt.Scale(
            domain=[names.get(m, m) for m in methods],
            range=[palette.get(m, "#7f7f7f") for m in methods],
        ),
        legend=alt.Legend(orient="bottom"),
    )
    return (
        alt.Chart(df, width=width or max(120, 450 // n_h), height=220)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "leverage:Q",
                title="leverage (x)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(values=levs, labelOverlap="greedy", format="~g"),
            ),
            y=alt.Y(
                "liquidation_prob:Q",
                title="probability of liquidation",
                scale=y_scale,
                axis=alt.Axis(format="~%" if not log_y else "~g"),
            ),
            color=color,
            tooltip=[
                "leverage",
                "horizon",
                "method",
                alt.Tooltip("liquidation_prob:Q", format=".4f"),
            ],
        )
        .facet(column=alt.Column("horizon:O", title=horizon_title))
        .properties(
            title=title or f"Three estimates of the liquidation probability ({estimates.side})"
        )
    )
