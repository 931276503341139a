"""Chart builders for :mod:`riskkit.leverage`: growth of constant leverage.

altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_frame

if TYPE_CHECKING:  # pragma: no cover
    require("altair", "charts")
    import altair as alt

__all__ = [
    "chart_leverage_growth",
]


def chart_leverage_growth(
    table: pd.DataFrame, *, title: str = "Annual log growth of constant leverage", width: int = 480
) -> alt.LayerChart:
    """Chart of :func:`leverage_growth_table`: naive and Gaussian lines, realised points.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`~riskkit.leverage.leverage_growth_table` (columns ``linear``,
        ``gbm``, ``realised``).
    title : str
        Chart title.
    width : int
        Width in px.

    Returns
    -------
    altair.LayerChart
        Leverage on x, annual log growth on y: the naive line (grey), the GBM formula (blue)
        and the realised points (red); wiped-out leverages (``-inf``) are left out of the
        realised points.

    Examples
    --------
    >>> from riskkit.leverage import leverage_growth_table
    >>> tab = leverage_growth_table([0.1, -0.1, 0.05], [1.0, 2.0])
    >>> len(chart_leverage_growth(tab).to_dict()["layer"])
    2
    """
    require("altair", "charts")
    import altair as alt

    check_frame(table, "table")
    missing = {"linear", "gbm", "realised"} - set(table.columns)
    if missing:
        raise ValueError(f"table is missing columns {sorted(missing)}")
    names = {
        "linear": "naive: L x growth of 1x",
        "gbm": "GBM formula",
        "realised": "realised",
    }
    df = (
        table[list(names)]
        .rename(columns=names)
        .rename_axis("leverage")
        .reset_index()
        .melt("leverage", var_name="series", value_name="growth")
    )
    df = df[np.isfinite(df["growth"].to_numpy(dtype=np.float64))]
    color = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(names.values()), range=["#7f7f7f", "#1f77b4", "#d62728"]),
        legend=alt.Legend(orient="bottom"),
    )
    enc = {
        "x": alt.X("leverage:Q", title="constant leverage L (x)"),
        "y": alt.Y("growth:Q", title="log growth per year"),
        "color": color,
        "tooltip": [
            "series:N",
            alt.Tooltip("leverage:Q", format=".2f"),
            alt.Tooltip("growth:Q", format=".3f"),
        ],
    }
    base = alt.Chart(df, title=title, width=width, height=260)
    lines = base.transform_filter(alt.datum.series != names["realised"]).mark_line().encode(**enc)
    points = (
        base.transform_filter(alt.datum.series == names["realised"])
        .mark_point(filled=True, size=45)
        .encode(**enc)
    )
    layered: alt.LayerChart = alt.layer(lines, points)  # type: ignore[assignment]
    return layered
