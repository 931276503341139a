"""Chart builders for :mod:`riskkit.liquidation`: the liquidation-price ladder.

altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_frame

__all__ = [
    "chart_liquidation_ladder",
]


def chart_liquidation_ladder(
    table: pd.DataFrame,
    *,
    color: str | None = None,
    lows: pd.Series | None = None,
    title: str = "Liquidation price by leverage",
    zero: bool = True,
) -> Any:
    """Line chart of liquidation price against leverage, with crash lows drawn across.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`~riskkit.liquidation.liquidation_table` or
        :func:`~riskkit.liquidation.liquidation_tables`, with columns
        ``leverage`` and ``liquidation_price``. Only these, ``color``, ``entry`` and ``tier``
        are embedded in the chart.
    color : str, optional
        Column that distinguishes lines (e.g. ``"venue"`` after concatenating tables, or
        ``"entry"``).
    lows : Series, optional
        Horizontal reference prices (e.g. crash lows), labelled by the index.
    title : str
        Chart title.
    zero : bool, default True
        Start the price axis at zero; False fits it to the data and the lows.

    Returns
    -------
    altair.Chart
        A layered chart, 520 px wide; never displayed here: one line with markers per series
        (colour and dash pattern), and each low as a dashed grey rule labelled with its index
        at the left edge.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If ``table`` lacks the needed columns.

    See Also
    --------
    riskkit.liquidation.liquidation_table

    Examples
    --------
    >>> from riskkit.liquidation import liquidation_table
    >>> from riskkit.margin import load_tiers
    >>> df = liquidation_table(100_000.0, [2, 5, 10], load_tiers("hyperliquid_btc_2025"))
    >>> chart_liquidation_ladder(df).to_dict()["width"]
    520
    """
    require("altair", "charts")
    import altair as alt

    check_frame(table, "table")
    need = {"leverage", "liquidation_price"} | ({color} if color else set())
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"table is missing columns {missing}; got {list(table.columns)}")
    # embed only the plotted and tooltip columns: a full liquidation_table would bloat the chart
    shown = dict.fromkeys(
        c for c in (color, "entry", "leverage", "liquidation_price", "tier") if c and c in table
    )
    data = table[list(shown)].copy()
    if color:
        data[color] = data[color].astype(str)
    enc: dict[str, Any] = {
        "x": alt.X(
            "leverage:Q",
            scale=alt.Scale(type="log", nice=False),
            title="Leverage (x, log scale)",
        ),
        "y": alt.Y(
            "liquidation_price:Q", title="Liquidation price (USD)", scale=alt.Scale(zero=zero)
        ),
        "tooltip": [
            c for c in (color, "entry", "leverage", "liquidation_price", "tier") if c and c in data
        ],
    }
    if color:
        # colour and dash pattern on the same field give one legend; the dashes keep series that
        # lie on top of each other distinguishable
        enc["color"] = alt.Color(f"{color}:N", title=color)
        enc["strokeDash"] = alt.StrokeDash(f"{color}:N", title=color)
    marker = alt.OverlayMarkDef(filled=True, size=24)
    lines = alt.Chart(data).mark_line(strokeWidth=1.6, point=marker).encode(**enc)
    layers: list[Any] = [lines]
    if lows is not None:
        ref = pd.DataFrame({"label": lows.index.astype(str), "low": lows.to_numpy(dtype=float)})
        base = alt.Chart(ref).encode(
            y="low:Q", tooltip=["label:N", alt.Tooltip("low:Q", format=",.0f")]
        )
        layers.append(base.mark_rule(strokeDash=[4, 3], color="#555"))
        layers.append(
            base.mark_text(
                align="left", baseline="bottom", dx=2, dy=-2, fontSize=10, color="#333"
            ).encode(x=alt.value(0), text="label:N")
        )
    return alt.layer(*layers).properties(width=520, height=320, title=title)
