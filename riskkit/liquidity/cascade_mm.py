"""A market maker on the other side of a liquidation cascade (:func:`market_maker_in_cascade`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_type
from riskkit.cascade import CascadeResult
from riskkit.liquidity._common import _html, _positive_scalar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = ["CascadeMarketMaker", "market_maker_in_cascade"]


@dataclass(frozen=True, slots=True)
class CascadeMarketMaker:
    """Inventory and P&L of a market maker absorbing forced flow (:func:`market_maker_in_cascade`).

    Attributes
    ----------
    rounds : pandas.DataFrame
        One row per cascade round: ``price`` (quote per unit), ``bought`` (notional absorbed,
        quote), ``inventory`` (base units), ``cash`` (quote), ``pnl`` (marked at the round's
        price, quote) and ``reservation_price`` (Avellaneda-Stoikov, quote per unit).
    share, half_spread : float
        Share of the forced flow absorbed and the half spread earned on it (fraction).
    exit_price : float
        Price at which the remaining inventory is marked after the cascade.
    """

    rounds: pd.DataFrame
    share: float
    half_spread: float
    exit_price: float

    @property
    def inventory(self) -> float:
        """Inventory after the cascade (base units; > 0 long)."""
        return float(self.rounds["inventory"].iloc[-1])

    @property
    def spread_income(self) -> float:
        """Half spread earned on the absorbed flow (quote currency)."""
        return float(self.half_spread * self.rounds["bought"].abs().sum())

    @property
    def pnl_at_low(self) -> float:
        """P&L marked at the cascade's final price (quote currency)."""
        return float(self.rounds["pnl"].iloc[-1])

    @property
    def pnl_at_exit(self) -> float:
        """P&L with the inventory marked at ``exit_price`` (quote currency)."""
        return float(self.rounds["cash"].iloc[-1] + self.inventory * self.exit_price)

    def to_frame(self) -> pd.DataFrame:
        """The per-round frame."""
        return self.rounds.copy()

    def summary(self) -> pd.DataFrame:
        """Flow absorbed, final inventory, spread income and P&L at the low and at exit."""
        vals = {
            "notional absorbed": float(self.rounds["bought"].sum()),
            "inventory": self.inventory,
            "spread income": self.spread_income,
            "pnl at low": self.pnl_at_low,
            "pnl at exit": self.pnl_at_exit,
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "CascadeMarketMaker (simulation)")

    def chart(self) -> alt.VConcatChart:
        """Inventory and P&L by round (see :func:`riskkit.charts.liquidity`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import cascade_market_maker_chart

        return cascade_market_maker_chart(self)


def market_maker_in_cascade(
    cascade: CascadeResult,
    *,
    share: float,
    half_spread: float,
    gamma: float,
    sigma: float,
    time_left: float = 1.0,
    exit_price: float | None = None,
) -> CascadeMarketMaker:
    """Absorb a share of a cascade's forced flow and track the market maker's inventory and P&L.

    Parameters
    ----------
    cascade : CascadeResult
        From :func:`riskkit.cascade.simulate_cascade`: prices and liquidated notional by round.
    share : float
        Share of each round's net forced flow the market maker takes, in (0, 1].
    half_spread : float
        Half spread (fraction of price) earned on every fill, >= 0.
    gamma : float
        Risk aversion (> 0) per unit of quote currency, for the reservation price.
    sigma : float
        Relative volatility of the price (> 0) per square root of the time unit.
    time_left : float, default 1.0
        Time to the market maker's horizon (>= 0), in the unit of ``sigma``.
    exit_price : float, optional
        Price at which the inventory is finally sold (> 0); default the cascade's final price.

    Returns
    -------
    CascadeMarketMaker

    Raises
    ------
    TypeError
        If ``cascade`` is not a CascadeResult.
    ValueError
        Arguments outside their domain.

    See Also
    --------
    riskkit.liquidity.reservation_price, riskkit.cascade.simulate_cascade

    Notes
    -----
    In round :math:`k` the venue sells :math:`L_k` of longs and buys :math:`S_k` of shorts at
    :math:`P_k`. The market maker buys :math:`\\theta (L_k - S_k)` notional at
    :math:`P_k (1 - h)` (sells at :math:`P_k(1+h)` if negative), so that

    .. math::

        q_k = q_{k-1} + \\frac{\\theta (L_k - S_k)}{P_k}, \\qquad
        \\Pi_k = x_k + q_k P_k, \\qquad
        r_k = P_k - q_k\\,\\gamma\\,(\\sigma P_k)^2 \\tau,

    with :math:`x_k` the cash, :math:`\\Pi_k` the P&L marked at the round's price and
    :math:`r_k` the Avellaneda-Stoikov reservation price (:math:`\\sigma P_k` converts the
    relative volatility into price units). The flow earns :math:`h` per unit and loses the fall
    of the price after each purchase.

    References
    ----------
    Avellaneda, M. and Stoikov, S. (2008). *Quantitative Finance* 8(3), 217-224.
    https://doi.org/10.1080/14697680701381228

    Examples
    --------
    >>> from riskkit.cascade import PositionBook, PriceImpact, simulate_cascade
    >>> book = PositionBook("long", [100.0, 99.0, 98.0], 10.0, 10.0, 0.0)
    >>> res = simulate_cascade(book, 100.0, -0.10, PriceImpact(400.0, "linear"))
    >>> mm = market_maker_in_cascade(res, share=1.0, half_spread=0.0, gamma=1e-3, sigma=0.02)
    >>> round(mm.inventory, 1), round(mm.pnl_at_low, 2)  # 10 units at 90, 88.99 and 88.01
    (30.0, -58.64)
    """
    check_type(cascade, "cascade", CascadeResult)
    theta = _positive_scalar(share, "share")
    if theta > 1.0:
        raise ValueError(f"share must be in (0, 1]; got {theta!r}")
    h = _positive_scalar(half_spread, "half_spread", strict=False)
    g = _positive_scalar(gamma, "gamma")
    sg = _positive_scalar(sigma, "sigma")
    tau = _positive_scalar(time_left, "time_left", strict=False)
    final = cascade.final_price
    exit_p = final if exit_price is None else _positive_scalar(exit_price, "exit_price")
    p = np.asarray(cascade.price_path, dtype=np.float64)
    flow = theta * (np.asarray(cascade.long_notional) - np.asarray(cascade.short_notional))
    units = flow / p
    fill = p * (1.0 - np.sign(flow) * h)
    inventory = np.cumsum(units)
    cash = -np.cumsum(units * fill)
    frame = pd.DataFrame(
        {
            "price": p,
            "bought": flow,
            "inventory": inventory,
            "cash": cash,
            "pnl": cash + inventory * p,
            "reservation_price": p - inventory * g * (sg * p) ** 2 * tau,
        },
        index=pd.RangeIndex(p.size, name="round"),
    )
    return CascadeMarketMaker(frame, theta, h, exit_p)
