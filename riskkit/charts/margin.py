"""Chart builders for :mod:`riskkit.margin`: maximum leverage by position size.

altair is imported only inside these functions, so ``import riskkit`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_mapping, scalar_array
from riskkit._validation import check_positive

if TYPE_CHECKING:  # pragma: no cover
    from riskkit.margin import MarginTiers

__all__ = [
    "chart_max_leverage",
]


def chart_max_leverage(
    tiers: dict[str, MarginTiers],
    *,
    price: float | None = None,
    notional_min: float = 1_000.0,
    title: str = "Maximum leverage by position size",
) -> Any:
    """Step chart of the maximum leverage each venue allows against position notional in USD.

    Parameters
    ----------
    tiers : dict of str to MarginTiers
        Legend label -> table (e.g. from :func:`~riskkit.margin.load_tiers`).
    price : float, optional
        USD per coin, > 0; required when a table is inverse (its floors are in coin) or counts
        linear position size (OKX, ``tier_basis == "size"``: floors in base units) and used to
        convert them to USD. An inverse size table (OKX coin-margined) is already in USD.
    notional_min : float, default 1,000
        Left end of the log x axis, USD, > 0 (tier 1 starts at 0, which a log axis cannot show).
    title : str
        Chart title.

    Returns
    -------
    altair.Chart
        520 px wide; x is log notional (USD), y the tier's maximum leverage; never displayed.

    Raises
    ------
    ValueError
        If ``tiers`` is empty or an inverse table is given without ``price``.

    See Also
    --------
    riskkit.margin.MarginTiers, riskkit.margin.load_tiers

    Notes
    -----
    Each tier contributes the segment :math:`[F_n, F_{n+1})` at height :math:`L^{max}_n`; an
    open-ended last tier is drawn to ten times its floor.

    Examples
    --------
    >>> from riskkit.margin import MarginTiers
    >>> t = {"demo": MarginTiers.from_rates([0, 50_000], [0.004, 0.005], [125, 100])}
    >>> chart_max_leverage(t).to_dict()["width"]
    520
    """
    require("altair", "charts")
    import altair as alt

    from riskkit.margin import MarginTiers  # here: riskkit.margin re-exports this module

    check_mapping(tiers, "tiers", "MarginTiers", value_type=MarginTiers)
    if not tiers:
        raise ValueError("tiers must name at least one MarginTiers; got an empty dict")
    low = float(check_positive(scalar_array(notional_min, "notional_min"), "notional_min"))
    rows = []
    for label, t in tiers.items():
        if not isinstance(t, MarginTiers):
            raise TypeError(f"tiers[{label!r}] must be a MarginTiers; got {type(t).__name__}")
        scale = 1.0
        by_size = t.tier_basis == "size"  # OKX: bounds are sizes (base units, or USD if inverse)
        if (t.contract == "inverse") != by_size:
            if price is None:
                kind = "linear size" if by_size else "inverse"
                raise ValueError(f"price is required to convert the {kind} table {label!r} to USD")
            scale = float(check_positive(scalar_array(price, "price"), "price"))
        floor = t.notional_floor * scale
        open_end = t.notional_cap >= np.finfo(np.float64).max
        cap = np.where(open_end, 10 * floor, np.where(open_end, 0.0, t.notional_cap) * scale)
        for f, c, lev in zip(floor, cap, t.max_leverage, strict=True):
            if c <= low:
                continue
            rows.append({"venue": label, "notional_usd": max(f, low), "max_leverage": lev})
            rows.append({"venue": label, "notional_usd": c, "max_leverage": lev})
    df = pd.DataFrame(rows)
    top = float(df["max_leverage"].max()) * 1.3  # headroom so the top step is not on the frame
    return (
        alt.Chart(df, title=title, width=520, height=260)
        .mark_line(interpolate="step-after", strokeWidth=1.6)
        .encode(
            x=alt.X(
                "notional_usd:Q",
                scale=alt.Scale(type="log", nice=False),
                title="Position notional (USD, log scale)",
            ),
            y=alt.Y(
                "max_leverage:Q",
                scale=alt.Scale(type="log", domain=[1, top]),
                title="Maximum leverage (x, log scale)",
            ),
            color=alt.Color("venue:N", title=None),
            tooltip=["venue:N", alt.Tooltip("notional_usd:Q", format=",.0f"), "max_leverage:Q"],
        )
    )
