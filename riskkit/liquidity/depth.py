"""Price impact implied by order-book depth snapshots (:func:`depth_price_impact`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._validation import as_float_array, check_positive, wrap_like
from riskkit.exceptions import InsufficientDataError
from riskkit.liquidity._common import _html, _positive_scalar, _series

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["DepthImpact", "depth_impact", "depth_price_impact"]


def depth_price_impact(
    size: Any, depth: Any, *, band: float = 0.005, two_sided: bool = True
) -> Any:
    """Price move of a market order that walks a linear book of given depth.

    Parameters
    ----------
    size : float or array_like or pandas.Series
        Order notional (quote currency, USD), >= 0.
    depth : float or array_like or pandas.Series
        Resting notional within ``band`` of mid (quote currency), > 0.
    band : float, default 0.005
        Half-width of the depth band, fraction of mid (50 bp = 0.005), > 0.
    two_sided : bool, default True
        True if ``depth`` counts bids and asks together (as the Hyperliquid summary does): one
        side is half of it.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Distance from mid reached by the order, a fraction of mid (positive).

    Raises
    ------
    ValueError
        Negative size, non-positive depth or band.

    See Also
    --------
    riskkit.risk.depth_close_out_cost : the average cost (half this move plus half a spread).
    riskkit.cascade.PriceImpact : the same linear law on the log price.

    Notes
    -----
    Depth :math:`D_1` on one side spread uniformly over :math:`[0, b]` from the mid; an order of
    notional :math:`Q` reaches

    .. math:: \\Delta = b\\,\\frac{Q}{D_1}, \\qquad D_1 = D/2 \\text{ if two-sided}.

    Beyond :math:`Q = D_1` the book is extrapolated linearly.

    References
    ----------
    Kyle, A. S. (1985). Continuous auctions and insider trading. *Econometrica* 53(6),
    1315-1335. https://doi.org/10.2307/1913210

    Examples
    --------
    >>> depth_price_impact(1_000_000, 4_000_000)  # 0.005 * 1 / 2
    0.0025
    """
    q = check_positive(as_float_array(size, "size"), "size", strict=False)
    d = check_positive(as_float_array(depth, "depth"), "depth")
    b = _positive_scalar(band, "band")
    if not isinstance(two_sided, bool):
        raise TypeError(f"two_sided must be a bool; got {type(two_sided).__name__}")
    d1 = d / 2.0 if two_sided else d
    return wrap_like(b * q / d1, size, depth, name="price_impact")


@dataclass(frozen=True, slots=True)
class DepthImpact:
    """Price impact of one order size on each depth snapshot (:func:`depth_impact`).

    Attributes
    ----------
    impact : pandas.Series
        Move from mid (fraction) per snapshot.
    size : float
        Order notional (quote currency).
    band : float
        Depth band (fraction of mid).
    """

    impact: pd.Series
    size: float
    band: float

    def to_frame(self) -> pd.DataFrame:
        """The impact per snapshot."""
        return self.impact.to_frame("impact")

    def summary(self) -> pd.DataFrame:
        """Quantiles (5, 50, 95 %) and the number of snapshots."""
        q = self.impact.quantile([0.05, 0.5, 0.95]).to_numpy()
        vals = {"nobs": float(self.impact.size), "q05": q[0], "q50": q[1], "q95": q[2]}
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"DepthImpact (order {self.size:,.0f})")

    def chart(self) -> alt.Chart:
        """Impact over time (see :func:`riskkit.charts.liquidity.depth_impact_chart`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import depth_impact_chart

        return depth_impact_chart(self)


def depth_impact(depth: pd.Series, size: float, *, band: float = 0.005) -> DepthImpact:
    """Impact of a market order of ``size`` on every depth snapshot of a series.

    Parameters
    ----------
    depth : pandas.Series
        Two-sided depth within ``band`` (quote currency), increasing unique time index (e.g.
        ``riskkit.data.load_orderbook_depth()["depth_50bps_usd"]``).
    size : float
        Order notional (quote currency), > 0.
    band : float, default 0.005
        Depth band (fraction of mid).

    Returns
    -------
    DepthImpact

    Raises
    ------
    ValueError
        Non-positive depth or size, or a bad index.
    InsufficientDataError
        An empty series.

    See Also
    --------
    depth_price_impact

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=2, freq="D", tz="UTC")
    >>> depth_impact(pd.Series([4e6, 2e6], index=idx), 1e6).impact.tolist()
    [0.0025, 0.005]
    """
    d = _series(depth, "depth", positive=True)
    if d.empty:
        raise InsufficientDataError("depth_impact needs >= 1 snapshot; got 0")
    q = _positive_scalar(size, "size")
    b = _positive_scalar(band, "band")
    impact = pd.Series(
        np.asarray(depth_price_impact(q, d.to_numpy(), band=b)), index=d.index, name="impact"
    )
    return DepthImpact(impact, q, b)
