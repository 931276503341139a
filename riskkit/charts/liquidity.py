"""Altair chart builders of :mod:`riskkit.liquidity`: spreads, depth, market making, black holes.

The result objects' ``.chart()`` methods delegate here. altair is imported only inside these
functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_type

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.liquidity import (
        BlackHoleResult,
        CascadeMarketMaker,
        DepthImpact,
        LiquidityElasticity,
        MarketMakerResult,
        SpreadEstimates,
    )

__all__ = [
    "black_hole_chart",
    "cascade_market_maker_chart",
    "depth_impact_chart",
    "elasticity_chart",
    "market_maker_chart",
    "spread_chart",
]

WIDTH = 480


def spread_chart(
    estimates: SpreadEstimates, columns: Iterable[str] = ("corwin_schultz",)
) -> alt.Chart:
    """Rolling spread estimates over time, in basis points; altair, 480 px.

    Parameters
    ----------
    estimates : SpreadEstimates
        From :func:`riskkit.liquidity.estimate_spreads`.
    columns : iterable of str
        Spread columns to draw (``roll``, ``corwin_schultz``, ``abdi_ranaldo``).

    Returns
    -------
    altair.Chart
    """
    require("altair", "charts")
    import altair as alt

    cols = list(columns)
    frame = estimates.to_frame()
    unknown = [c for c in cols if c not in ("roll", "corwin_schultz", "abdi_ranaldo")]
    if unknown:
        raise ValueError(f"columns must be spread columns; got {unknown}")
    step = max(1, -(-len(frame) * len(cols) // 4000))  # altair's 5,000-row limit: thin the line
    frame = frame.iloc[::step]
    tidy = (
        (frame[cols] * 1e4)
        .reset_index(names="time")
        .melt("time", var_name="estimator", value_name="spread_bp")
        .dropna()
    )
    return (
        alt.Chart(tidy)
        .mark_line(strokeWidth=1)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("spread_bp:Q", title=f"spread, {estimates.window}-bar mean (bp)"),
            color=alt.Color("estimator:N", title="estimator"),
        )
        .properties(width=WIDTH, height=240)
    )


def depth_impact_chart(result: DepthImpact) -> alt.Chart:
    """Impact of one order size on each depth snapshot over time, in basis points."""
    require("altair", "charts")
    import altair as alt

    df = pd.DataFrame({"time": result.impact.index, "impact_bp": result.impact.to_numpy() * 1e4})
    return (
        alt.Chart(df)
        .mark_line(strokeWidth=1)
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y(
                "impact_bp:Q",
                title=f"move for a {result.size / 1e6:,.0f}m sell (bp)",
                scale=alt.Scale(type="log"),
            ),
        )
        .properties(width=WIDTH, height=220)
    )


def elasticity_chart(result: LiquidityElasticity) -> alt.LayerChart:
    """Scatter of log liquidity on log volatility with the fitted OLS line; 480 px."""
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index(drop=True)
    x = np.linspace(df["log_volatility"].min(), df["log_volatility"].max(), 2)
    line = pd.DataFrame(
        {"log_volatility": x, "log_liquidity": result.params["const"] + result.elasticity * x}
    )
    points = (
        alt.Chart(df)
        .mark_circle(size=12, opacity=0.4)
        .encode(
            x=alt.X(
                "log_volatility:Q", title="log realised volatility", scale=alt.Scale(zero=False)
            ),
            y=alt.Y("log_liquidity:Q", title="log liquidity measure", scale=alt.Scale(zero=False)),
        )
    )
    fit = (
        alt.Chart(line)
        .mark_line(color="firebrick")
        .encode(x="log_volatility:Q", y="log_liquidity:Q")
    )
    return cast("alt.LayerChart", alt.layer(points, fit).properties(width=WIDTH, height=260))


def market_maker_chart(result: MarketMakerResult, path: int = 0) -> alt.VConcatChart:
    """Mid price, inventory and P&L of one simulated path; 480 px wide."""
    require("altair", "charts")
    import altair as alt

    check_type(path, "path", int)
    df = result.to_frame(path).reset_index()
    base = alt.Chart(df).encode(x=alt.X("time:Q", title="time (fraction of horizon)"))
    panels = [
        base.mark_line()
        .encode(y=alt.Y(f"{col}:Q", title=title, scale=alt.Scale(zero=False)))
        .properties(width=WIDTH, height=110)
        for col, title in (
            ("mid", "mid price"),
            ("inventory", "inventory (units)"),
            ("pnl", "P&L (quote)"),
        )
    ]
    return alt.vconcat(*panels)


def cascade_market_maker_chart(result: CascadeMarketMaker) -> alt.VConcatChart:
    """Price, inventory and marked P&L of the market maker by cascade round; 480 px."""
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index()
    base = alt.Chart(df).encode(x=alt.X("round:Q", title="cascade round"))
    price = base.mark_line(point=True).encode(
        y=alt.Y("price:Q", title="price (USD)", scale=alt.Scale(zero=False))
    )
    inv = base.mark_bar(opacity=0.6).encode(y=alt.Y("inventory:Q", title="inventory (BTC)"))
    pnl = base.mark_line(point=True, color="firebrick").encode(
        y=alt.Y("pnl:Q", title="marked P&L (USD)")
    )
    return alt.vconcat(*(c.properties(width=WIDTH, height=110) for c in (price, inv, pnl)))


def black_hole_chart(result: BlackHoleResult | dict[str, Any]) -> alt.Chart:
    """Equilibrium price against fundamental value, one line per result; 480 px.

    Parameters
    ----------
    result : BlackHoleResult or dict of label -> BlackHoleResult
        One or several results from :func:`riskkit.liquidity.liquidity_black_hole`.
    """
    require("altair", "charts")
    import altair as alt

    results = result if isinstance(result, dict) else {"model": result}
    tidy = pd.concat(
        [r.to_frame().reset_index().assign(case=label) for label, r in results.items()],
        ignore_index=True,
    )
    return (
        alt.Chart(tidy)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("fundamental:Q", title="fundamental value", scale=alt.Scale(zero=False)),
            y=alt.Y("price:Q", title="equilibrium price", scale=alt.Scale(zero=False)),
            color=alt.Color("case:N", title=None),
        )
        .properties(width=WIDTH, height=260)
    )
