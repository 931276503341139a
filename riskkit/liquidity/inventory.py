"""The Avellaneda-Stoikov market maker: reservation price, optimal spread and a simulation.

* :func:`reservation_price` and :func:`optimal_spread` -- the closed forms of Avellaneda and
  Stoikov (2008);
* :func:`simulate_market_maker` -- a seeded Monte Carlo of the quoting strategy (Poisson fills
  with intensity :math:`A e^{-k\\delta}`), returning :class:`MarketMakerResult`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import scalar_array
from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_positive, wrap_like
from riskkit.liquidity._common import _frozen, _html, _positive_scalar

if TYPE_CHECKING:  # pragma: no cover
    import altair as alt

__all__ = [
    "MarketMakerResult",
    "optimal_spread",
    "reservation_price",
    "simulate_market_maker",
]


def reservation_price(mid: Any, inventory: Any, gamma: Any, sigma: Any, time_left: Any) -> Any:
    """Avellaneda-Stoikov reservation (indifference) price of an inventory-averse dealer.

    Parameters
    ----------
    mid : float or array_like
        Mid price :math:`s` (quote per base unit).
    inventory : float or array_like
        Inventory :math:`q` in base units (> 0 long).
    gamma : float or array_like
        Absolute risk aversion :math:`\\gamma` (> 0), per unit of quote currency.
    sigma : float or array_like
        Volatility of the mid, :math:`\\sigma` (> 0), quote per base unit per square root of
        the time unit (arithmetic Brownian motion).
    time_left : float or array_like
        Time to the horizon :math:`T - t` (>= 0), in the time unit of ``sigma``.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        :math:`r` (quote per base unit), broadcast; a Series index is kept.

    Raises
    ------
    ValueError
        If ``gamma`` or ``sigma`` is not > 0 or ``time_left`` < 0.

    See Also
    --------
    optimal_spread, simulate_market_maker

    Notes
    -----
    .. math:: r(s, q, t) = s - q\\,\\gamma\\,\\sigma^2 (T - t)

    A long dealer (:math:`q > 0`) values the asset below the mid and shades both quotes down
    to sell; a short one shades them up.

    References
    ----------
    Avellaneda, M. and Stoikov, S. (2008). High-frequency trading in a limit order book.
    *Quantitative Finance* 8(3), 217-224. https://doi.org/10.1080/14697680701381228

    Examples
    --------
    >>> reservation_price(100.0, 2.0, 0.1, 2.0, 0.5)  # 100 - 2 * 0.1 * 4 * 0.5
    99.6
    """
    s = as_float_array(mid, "mid")
    q = as_float_array(inventory, "inventory")
    g = check_positive(as_float_array(gamma, "gamma"), "gamma")
    sg = check_positive(as_float_array(sigma, "sigma"), "sigma")
    tl = check_positive(as_float_array(time_left, "time_left"), "time_left", strict=False)
    return wrap_like(s - q * g * sg**2 * tl, mid, inventory, name="reservation_price")


def optimal_spread(gamma: Any, sigma: Any, time_left: Any, k: Any) -> Any:
    """Avellaneda-Stoikov optimal total bid-ask spread of the dealer's quotes.

    Parameters
    ----------
    gamma : float or array_like
        Absolute risk aversion (> 0), per unit of quote currency.
    sigma : float or array_like
        Volatility of the mid (> 0), quote per base unit per square root of the time unit.
    time_left : float or array_like
        Time to the horizon (>= 0).
    k : float or array_like
        Decay of the fill intensity with distance from the mid, :math:`k` (> 0), per unit of
        quote currency.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        :math:`\\delta^a + \\delta^b` (quote per base unit), broadcast.

    Raises
    ------
    ValueError
        If ``gamma``, ``sigma`` or ``k`` is not > 0 or ``time_left`` < 0.

    See Also
    --------
    reservation_price, simulate_market_maker

    Notes
    -----
    With fills arriving at rate :math:`\\lambda(\\delta) = A e^{-k\\delta}` at distance
    :math:`\\delta` from the mid,

    .. math:: \\delta^a + \\delta^b = \\gamma\\sigma^2(T - t) + \\frac{2}{\\gamma}
              \\ln\\!\\left(1 + \\frac{\\gamma}{k}\\right),

    quoted symmetrically around the reservation price.

    References
    ----------
    Avellaneda, M. and Stoikov, S. (2008). *Quantitative Finance* 8(3), 217-224.
    https://doi.org/10.1080/14697680701381228

    Examples
    --------
    The paper's parameters (gamma 0.1, sigma 2, k 1.5) at the horizon:

    >>> round(optimal_spread(0.1, 2.0, 0.0, 1.5), 4)  # 20 ln(1 + 0.1/1.5)
    1.2908
    """
    g = check_positive(as_float_array(gamma, "gamma"), "gamma")
    sg = check_positive(as_float_array(sigma, "sigma"), "sigma")
    tl = check_positive(as_float_array(time_left, "time_left"), "time_left", strict=False)
    kk = check_positive(as_float_array(k, "k"), "k")
    out = g * sg**2 * tl + (2.0 / g) * np.log1p(g / kk)
    return wrap_like(out, time_left, gamma, name="optimal_spread")


@dataclass(frozen=True, slots=True)
class MarketMakerResult:
    """Seeded simulation of the Avellaneda-Stoikov market maker (:func:`simulate_market_maker`).

    Attributes
    ----------
    time : ndarray
        Grid of times, shape ``(n_steps + 1,)``, in the time unit of ``sigma``.
    mid, inventory, pnl : ndarray
        Paths, shape ``(n_paths, n_steps + 1)``: mid price (quote per base unit), inventory
        (base units) and marked-to-mid P&L (quote currency).
    spread : ndarray
        Total quoted spread at each time (quote per base unit), shape ``(n_steps + 1,)``.
    gamma, sigma, k, intensity : float
        Parameters of the simulation.
    seed : int
        Seed of the random generator.
    """

    time: FloatArray
    mid: FloatArray
    inventory: FloatArray
    pnl: FloatArray
    spread: FloatArray
    gamma: float
    sigma: float
    k: float
    intensity: float
    seed: int

    @property
    def final_pnl(self) -> FloatArray:
        """P&L at the horizon of each path (quote currency)."""
        return self.pnl[:, -1]

    @property
    def final_inventory(self) -> FloatArray:
        """Inventory at the horizon of each path (base units)."""
        return self.inventory[:, -1]

    def to_frame(self, path: int = 0) -> pd.DataFrame:
        """One path over time: mid, inventory and P&L."""
        if not 0 <= path < self.mid.shape[0]:
            raise ValueError(f"path must be in [0, {self.mid.shape[0]}); got {path}")
        return pd.DataFrame(
            {
                "mid": self.mid[path],
                "inventory": self.inventory[path],
                "pnl": self.pnl[path],
                "spread": self.spread,
            },
            index=pd.Index(self.time, name="time"),
        )

    def summary(self) -> pd.DataFrame:
        """Mean and standard deviation over paths of final P&L and inventory, mean spread."""
        vals = {
            "paths": float(self.mid.shape[0]),
            "mean final pnl": float(self.final_pnl.mean()),
            "sd final pnl": float(self.final_pnl.std(ddof=1)),
            "mean final inventory": float(self.final_inventory.mean()),
            "sd final inventory": float(self.final_inventory.std(ddof=1)),
            "mean spread": float(self.spread[:-1].mean()),
        }
        return pd.DataFrame({"value": list(vals.values())}, index=list(vals))

    def _repr_html_(self) -> str:
        return _html(self.summary(), "MarketMakerResult (simulation)")

    def chart(self, path: int = 0) -> alt.VConcatChart:
        """Mid, inventory and P&L of one path (see :func:`riskkit.charts.liquidity`)."""
        require("altair", "charts")
        from riskkit.charts.liquidity import market_maker_chart

        return market_maker_chart(self, path)


def simulate_market_maker(
    *,
    mid: float = 100.0,
    sigma: float = 2.0,
    horizon: float = 1.0,
    n_steps: int = 200,
    gamma: float = 0.1,
    k: float = 1.5,
    intensity: float = 140.0,
    n_paths: int = 1000,
    inventory_aware: bool = True,
    seed: int = 0,
) -> MarketMakerResult:
    """Simulate the Avellaneda-Stoikov quoting strategy (a seeded Monte Carlo).

    Parameters
    ----------
    mid : float, default 100.0
        Initial mid price (quote per base unit), > 0.
    sigma : float, default 2.0
        Volatility of the mid (quote per base unit per square root of the time unit), > 0.
    horizon : float, default 1.0
        Horizon :math:`T` in time units, > 0.
    n_steps : int, default 200
        Time steps (:math:`dt = T / n`), >= 1; each step at most one bid and one ask fill.
    gamma : float, default 0.1
        Risk aversion (> 0), per unit of quote currency.
    k : float, default 1.5
        Decay of fill intensity with quote distance (> 0), per unit of quote currency.
    intensity : float, default 140.0
        Fill intensity at the mid, :math:`A` (> 0), fills per time unit.
    n_paths : int, default 1000
        Number of simulated paths (>= 2).
    inventory_aware : bool, default True
        True: quote around the reservation price; False: the paper's symmetric benchmark,
        the same spread centred on the mid.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`.

    Returns
    -------
    MarketMakerResult

    Raises
    ------
    ValueError
        If a parameter is out of its domain.

    See Also
    --------
    reservation_price, optimal_spread

    Notes
    -----
    The mid moves by :math:`\\pm\\sigma\\sqrt{dt}` with equal probability each step. Quotes are
    :math:`r \\mp \\tfrac12(\\delta^a+\\delta^b)` (:func:`reservation_price`,
    :func:`optimal_spread`); the ask is lifted with probability :math:`A e^{-k\\delta^a} dt`
    and the bid hit with probability :math:`A e^{-k\\delta^b} dt`, one unit each. P&L is cash
    plus inventory at the mid. Defaults are the paper's Section 4 parameters.

    References
    ----------
    Avellaneda, M. and Stoikov, S. (2008). *Quantitative Finance* 8(3), 217-224.
    https://doi.org/10.1080/14697680701381228

    Examples
    --------
    >>> res = simulate_market_maker(n_paths=200, seed=1)
    >>> res.mid.shape
    (200, 201)
    """
    s0 = _positive_scalar(mid, "mid")
    sg = _positive_scalar(sigma, "sigma")
    t_end = _positive_scalar(horizon, "horizon")
    g = _positive_scalar(gamma, "gamma")
    kk = _positive_scalar(k, "k")
    a = _positive_scalar(intensity, "intensity")
    for name, value, low in (("n_steps", n_steps, 1), ("n_paths", n_paths, 2)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an int; got {type(value).__name__}")
        if value < low:
            raise ValueError(f"{name} must be >= {low}; got {value}")
    if not isinstance(inventory_aware, bool):
        raise TypeError(f"inventory_aware must be a bool; got {type(inventory_aware).__name__}")
    seed = int(scalar_array(seed, "seed"))
    dt = t_end / n_steps
    rng = np.random.default_rng(seed)
    time = np.linspace(0.0, t_end, n_steps + 1)
    spread = np.asarray(optimal_spread(g, sg, t_end - time, kk), dtype=np.float64)
    s = np.full(n_paths, s0)
    q = np.zeros(n_paths)
    cash = np.zeros(n_paths)
    mids, invs, pnls = [s.copy()], [q.copy()], [cash.copy()]
    for i in range(n_steps):
        centre = s - q * g * sg**2 * (t_end - time[i]) if inventory_aware else s
        ask = centre + spread[i] / 2
        bid = centre - spread[i] / 2
        u = rng.random((2, n_paths))
        lifted = u[0] < a * np.exp(-kk * np.maximum(ask - s, 0.0)) * dt
        hit = u[1] < a * np.exp(-kk * np.maximum(s - bid, 0.0)) * dt
        cash += np.where(lifted, ask, 0.0) - np.where(hit, bid, 0.0)
        q += hit.astype(float) - lifted.astype(float)
        s = s + sg * np.sqrt(dt) * np.where(rng.random(n_paths) < 0.5, 1.0, -1.0)
        mids.append(s.copy())
        invs.append(q.copy())
        pnls.append(cash + q * s)
    return MarketMakerResult(
        time=_frozen(time),
        mid=_frozen(np.stack(mids, axis=1)),
        inventory=_frozen(np.stack(invs, axis=1)),
        pnl=_frozen(np.stack(pnls, axis=1)),
        spread=_frozen(spread),
        gamma=g,
        sigma=sg,
        k=kk,
        intensity=a,
        seed=seed,
    )
