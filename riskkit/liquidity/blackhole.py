"""A liquidity black hole in the spirit of Morris and Shin (2004): sellers with price floors.

Traders hold positions they must sell once the price reaches their floor (a stop-loss or a
risk limit). Each sale moves the price through a linear book, which brings the next floors
closer: selling is a strategic complement. When the floors are bunched, a small fall in the
fundamental value sets off a discontinuous collapse of the price, and the liquidity the book
seemed to offer vanishes (:func:`liquidity_black_hole`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_positive
from riskkit.liquidity._common import _frozen, _html, _positive_scalar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["BlackHoleResult", "liquidity_black_hole"]


@dataclass(frozen=True, slots=True)
class BlackHoleResult:
    """Equilibrium prices across fundamental values (:func:`liquidity_black_hole`).

    Attributes
    ----------
    fundamental : ndarray
        Fundamental values :math:`v` (quote per base unit), as given.
    price : ndarray
        Equilibrium price at each :math:`v` (the largest fixed point below :math:`v`).
    sold : ndarray
        Notional sold by the floor traders at each :math:`v` (quote currency).
    depth, band : float
        One-sided depth (quote currency) and its band (fraction).
    """

    fundamental: FloatArray
    price: FloatArray
    sold: FloatArray
    depth: float
    band: float

    @property
    def discount(self) -> FloatArray:
        """Price below fundamental, fraction: :math:`1 - P/v`."""
        return np.asarray(1.0 - self.price / self.fundamental)

    @property
    def largest_jump(self) -> float:
        """Largest fall of the price between neighbouring fundamentals, fraction of price."""
        order = np.argsort(self.fundamental)
        p = self.price[order]
        return float(np.max(np.diff(p) / p[1:], initial=0.0))

    def to_frame(self) -> pd.DataFrame:
        """One row per fundamental value: price, discount and notional sold."""
        return pd.DataFrame(
            {"price": self.price, "discount": self.discount, "sold": self.sold},
            index=pd.Index(self.fundamental, name="fundamental"),
        )

    def summary(self) -> pd.DataFrame:
        """Largest discount, largest jump, and the notional sold at the lowest fundamental."""
        vals = {
            "max discount": float(self.discount.max()),
            "largest jump": self.largest_jump,
            "max sold": float(self.sold.max()),
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "BlackHoleResult (simulation)")

    def chart(self) -> alt.Chart:
        """Price against fundamental (see :func:`riskkit.charts.liquidity.black_hole_chart`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import black_hole_chart

        return black_hole_chart(self)


def liquidity_black_hole(
    fundamental: Any, floors: Any, notional: Any, depth: float, *, band: float = 0.005
) -> BlackHoleResult:
    """Equilibrium price with floor sellers and a linear book, for each fundamental value.

    Parameters
    ----------
    fundamental : array_like
        Fundamental values :math:`v` (quote per base unit), > 0: the price without floor sales.
    floors : array_like
        Price floor of each trader :math:`\\tau_i` (quote per base unit), > 0.
    notional : float or array_like
        Notional each trader sells at the floor (quote currency), > 0; broadcast to ``floors``.
    depth : float
        One-sided depth within ``band`` of the fundamental (quote currency), > 0.
    band : float, default 0.005
        Band of the depth (fraction).

    Returns
    -------
    BlackHoleResult

    Raises
    ------
    ValueError
        Non-positive inputs or shapes that do not broadcast.

    See Also
    --------
    riskkit.cascade.simulate_cascade : the same loop with liquidation prices as floors.

    Notes
    -----
    With :math:`N(P) = \\sum_i n_i \\mathbf 1\\{\\tau_i \\ge P\\}` the notional of traders whose
    floor the price :math:`P` has reached, the price solves

    .. math:: P = v \\exp\\!\\left(-b\\,\\frac{N(P)}{D}\\right),

    with :math:`b` the band and :math:`D` the depth. The equilibrium taken is the largest
    solution at or below :math:`v`, reached by iterating from :math:`P = v` (the map is
    monotone, so the iteration stops after at most one step per trader). Because :math:`N`
    jumps where floors bunch, :math:`P(v)` can fall discontinuously as :math:`v` falls: the
    black hole of Morris and Shin (2004), where each seller's sale makes the others' sales more
    likely.

    References
    ----------
    Morris, S. and Shin, H. S. (2004). Liquidity black holes. *Review of Finance* 8(1), 1-18.
    https://doi.org/10.1023/B:EUFI.0000022155.98681.25

    Examples
    --------
    Two traders with floors 99 and 98 selling 1m each into 1m of depth within 50 bp:

    >>> res = liquidity_black_hole([100.0, 99.0], [99.0, 98.0], 1e6, 1e6)
    >>> res.price.round(2).tolist()  # at v = 99 the first sells: 99 exp(-0.005) > 98
    [100.0, 98.51]
    >>> liquidity_black_hole(99.0, [99.0, 98.6], 1e6, 1e6).price.round(2).tolist()
    [98.01]
    """
    v = check_positive(np.atleast_1d(as_float_array(fundamental, "fundamental")), "fundamental")
    tau = check_positive(np.atleast_1d(as_float_array(floors, "floors")), "floors")
    n = check_positive(as_float_array(notional, "notional"), "notional")
    try:
        n = np.broadcast_to(n, tau.shape).astype(np.float64)
    except ValueError:
        raise ValueError(
            f"notional must broadcast to floors' shape {tau.shape}; got shape {n.shape}"
        ) from None
    d = _positive_scalar(depth, "depth")
    b = _positive_scalar(band, "band")
    order = np.argsort(-tau)
    tau_s, cum = tau[order], np.cumsum(n[order])
    prices = np.empty_like(v)
    sold = np.empty_like(v)
    for j, vj in enumerate(v):
        p, fired = vj, 0
        while True:
            k = int(np.searchsorted(-tau_s, -p, side="right"))  # floors >= p
            if k == fired:
                break
            fired = k
            p = vj * np.exp(-b * cum[k - 1] / d)
        prices[j] = p
        sold[j] = cum[fired - 1] if fired else 0.0
    return BlackHoleResult(_frozen(v), _frozen(prices), _frozen(sold), d, b)
