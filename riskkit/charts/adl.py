"""Altair chart builders of :mod:`riskkit.cascade.adl`: the fund's path and ADL probabilities.

:meth:`AdlResult.chart <riskkit.cascade.AdlResult.chart>` and :meth:`AdlProbability.chart
<riskkit.cascade.AdlProbability.chart>` delegate here. altair is imported only inside these
functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from riskkit._compat import require

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

    from riskkit.cascade.adl import AdlProbability, AdlResult

__all__ = ["adl_fund_chart", "adl_probability_chart"]


def adl_fund_chart(result: AdlResult) -> alt.LayerChart:
    """Insurance fund by round (line) and deficit covered by ADL per round (bars); 480 px.

    Parameters
    ----------
    result : AdlResult
        Result of :func:`~riskkit.cascade.simulate_adl`.

    Returns
    -------
    altair.LayerChart
        The same chart as :meth:`AdlResult.chart <riskkit.cascade.AdlResult.chart>`.
    """
    require("altair", "charts")
    import altair as alt

    df = result.to_frame().reset_index()[["round", "fund", "adl_amount"]]
    base = alt.Chart(df).encode(x=alt.X("round:Q", title="round"))
    line = base.mark_line(point=True).encode(y=alt.Y("fund:Q", title="insurance fund (quote)"))
    bars = base.mark_bar(opacity=0.4, color="firebrick").encode(
        y=alt.Y("adl_amount:Q", title="deficit covered by ADL (quote)")
    )
    chart = (
        alt.layer(bars, line)
        .resolve_scale(y="independent")
        .properties(width=480, height=260, title="Insurance fund and ADL by round")
    )
    return cast("alt.LayerChart", chart)


def adl_probability_chart(result: AdlProbability, title: str | None = None) -> alt.LayerChart:
    """Probability of being auto-deleveraged by ADL light, bars with +-2 standard errors.

    Parameters
    ----------
    result : AdlProbability
        Result of :func:`~riskkit.cascade.adl_probability`.
    title : str, optional
        Chart title; default names the ranking rule and the number of scenarios.

    Returns
    -------
    altair.LayerChart
        Bars of the probability (fraction, percent axis) by light 1-5 with error rules;
        480 px wide.

    Examples
    --------
    >>> from riskkit.cascade import PositionBook, adl_probability
    >>> book = PositionBook(["long", "short", "short"], [100.0, 100.0, 110.0],
    ...                     [10.0, 6.0, 5.0], [20.0, 10.0, 2.0])
    >>> out = adl_probability(book, 100.0, [-0.10], [1e9], [0.0], n_sims=2)
    >>> adl_probability_chart(out).to_dict()["width"]
    480
    """
    require("altair", "charts")
    import altair as alt

    df = result.table.reset_index()
    df["probability"] = df["probability"].fillna(0.0)
    df["low"] = np.clip(df["probability"] - 2 * df["std_error"].fillna(0.0), 0.0, 1.0)
    df["high"] = np.clip(df["probability"] + 2 * df["std_error"].fillna(0.0), 0.0, 1.0)
    base = alt.Chart(df).encode(
        x=alt.X("light:O", title="ADL light (5 = first in the queue)", axis=alt.Axis(labelAngle=0))
    )
    bars = base.mark_bar(color="#4c78a8").encode(
        y=alt.Y(
            "probability:Q", title="probability of being deleveraged", axis=alt.Axis(format="%")
        )
    )
    errs = base.mark_rule(color="black").encode(y="low:Q", y2="high:Q")
    default = f"ADL probability by light ({result.ranking} ranking, {result.n_sims} scenarios)"
    chart = alt.layer(bars, errs).properties(width=480, height=260, title=title or default)
    return cast("alt.LayerChart", chart)
