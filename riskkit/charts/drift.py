"""Chart builders for :mod:`riskkit.leverage.drift`: a liquidation price that walks.

altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from riskkit._compat import require

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.leverage.drift import FundingDriftSurvival, LiquidationPricePath

__all__ = ["chart_drift_survival", "chart_liquidation_price_path"]


def chart_liquidation_price_path(
    result: LiquidationPricePath,
    *,
    price: pd.Series | None = None,
    title: str | None = None,
    width: int = 480,
) -> alt.LayerChart:
    """Liquidation price after each funding print, the entry barrier and optionally a price.

    Parameters
    ----------
    result : LiquidationPricePath
        Output of :func:`~riskkit.leverage.liquidation_price_path`.
    price : pandas.Series, optional
        A price (e.g. the daily low) on a DatetimeIndex, drawn in grey.
    title : str, optional
        Chart title.
    width : int
        Width in px (<= 520 keeps it inside the book's column).

    Returns
    -------
    altair.LayerChart

    Examples
    --------
    >>> import pandas as pd
    >>> from riskkit.leverage import liquidation_price_path
    >>> f = pd.Series(0.0001, index=pd.date_range("2024-01-01", periods=3, freq="8h"))
    >>> chart = chart_liquidation_price_path(liquidation_price_path("long", 100.0, 10.0, f))
    >>> len(chart.to_dict()["layer"])
    2
    """
    require("altair", "charts")
    import altair as alt

    lines = {"liquidation price, paying funding": result.liquidation_price}
    if price is not None:
        lines = {"price": price} | lines
    df = pd.concat(
        [pd.DataFrame({"time": s.index, "value": s.to_numpy(), "series": name})
         for name, s in lines.items()],
        ignore_index=True,
    )  # fmt: skip
    names = list(lines)
    colors = ["#7f7f7f", "#d62728"] if price is not None else ["#d62728"]
    line = (
        alt.Chart(df)
        .mark_line(strokeWidth=1.2)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("value:Q", title="quote currency per unit", scale=alt.Scale(zero=False)),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=names, range=colors),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[alt.Tooltip("time:T", title="time (UTC)"), "series:N",
                     alt.Tooltip("value:Q", format=",.0f")],
        )
    )  # fmt: skip
    rule = (
        alt.Chart(pd.DataFrame({"value": [result.entry_liquidation_price]}))
        .mark_rule(strokeDash=[4, 3], color="#1f77b4")
        .encode(y="value:Q")
    )
    return alt.LayerChart(
        layer=[line, rule],
        title=title or f"Liquidation price of a {result.leverage:g}x {result.side}",
        width=min(width, 520),
        height=260,
    )


def chart_drift_survival(
    result: FundingDriftSurvival, *, title: str | None = None, width: int = 480
) -> alt.Chart:
    """Survival against horizon per leverage: solid with funding drift, dashed without.

    Parameters
    ----------
    result : FundingDriftSurvival
        Output of :func:`~riskkit.leverage.historical_survival_with_funding`.
    title : str, optional
        Chart title.
    width : int
        Width in px (<= 520).

    Returns
    -------
    altair.Chart

    Examples
    --------
    >>> import numpy as np
    >>> from riskkit.leverage import historical_survival_with_funding
    >>> close = np.full(5, 100.0)
    >>> low = np.array([99.0, 75.0, 65.0, 99.0, 99.0])
    >>> res = historical_survival_with_funding(close + 1, low, close, np.full(5, 0.1), 2, [1, 2])
    >>> chart_drift_survival(res).to_dict()["mark"]["type"]
    'line'
    """
    require("altair", "charts")
    import altair as alt

    df = (
        result.summary()[["constant margin", "with funding"]]
        .rename_axis(["leverage", "horizon"])
        .reset_index()
        .melt(["leverage", "horizon"], var_name="margin", value_name="surv_prob")
        .dropna(subset=["surv_prob"])
    )
    order = [f"{v:g}x" for v in sorted(df["leverage"].unique())]
    df["leverage"] = df["leverage"].map("{:g}x".format)
    return (
        alt.Chart(df, title=title or "Historical survival with and without funding drift")
        .mark_line(point=True, strokeWidth=1.2)
        .encode(
            x=alt.X("horizon:Q", title="horizon (bars)"),
            y=alt.Y("surv_prob:Q", title="fraction still open", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("leverage:N", title="leverage", sort=order),
            strokeDash=alt.StrokeDash(
                "margin:N",
                title=None,
                sort=["with funding", "constant margin"],
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=["leverage", "horizon", "margin", alt.Tooltip("surv_prob:Q", format=".3f")],
        )
        .properties(width=min(width, 520), height=260)
    )
