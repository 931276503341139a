"""Position sizes and leverage caps: how much a VaR budget and the book allow, and how much leverage
a price path survives.

:func:`max_position_size` solves the loss budget for size with a depth close-out cost;
:func:`leverage_cap` is the largest leverage whose empirical liquidation probability over a
horizon meets a target (:class:`LeverageCap`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import scalar_array
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_range,
    wrap_like,
)
from riskkit.risk._common import _horizon, _html, _quantile_needed
from riskkit.risk.excursions import max_adverse_excursion

__all__ = ["LeverageCap", "leverage_cap", "max_position_size"]


def max_position_size(
    equity: Any,
    loss_budget: Any,
    var: Any,
    depth: Any,
    spread: Any = 0.0,
    *,
    band: float = 0.005,
    max_leverage: Any = None,
) -> Any:
    """Largest notional whose VaR loss plus close-out cost stays within a loss budget.

    Parameters
    ----------
    equity : float or array_like
        Account equity in USD, > 0.
    loss_budget : float or array_like
        Tolerated loss as a fraction of equity, in (0, 1].
    var : float or array_like
        Market VaR over the close-out horizon, fraction of notional, >= 0.
    depth : float or array_like
        One-side book depth within ``band`` (USD), > 0.
    spread : float or array_like, default 0.0
        Relative spread (fraction), >= 0.
    band : float, default 0.005
        Band of ``depth`` as a fraction of mid.
    max_leverage : float or array_like, optional
        Leverage cap (> 0), e.g. ``leverage_cap(...).leverage``; the size is then at most
        ``max_leverage * equity``.

    Returns
    -------
    float or numpy.ndarray
        Notional :math:`Q^*` in USD (broadcast).

    Raises
    ------
    ValueError
        Arguments outside their domains.

    See Also
    --------
    depth_close_out_cost, leverage_cap

    Notes
    -----
    The liquidity-adjusted loss of notional :math:`Q` is :math:`Q(v + S/2) + \\frac{b}{2D}Q^2`.
    Setting it equal to :math:`B = \\lambda E` (budget times equity) and solving the quadratic,

    .. math::

       Q^* = \\frac{-(v + S/2) + \\sqrt{(v + S/2)^2 + 4 k B}}{2k}, \\quad k = \\frac{b}{2D}.

    With a leverage cap :math:`\\lambda^*` the rule is :math:`\\min(Q^*, \\lambda^* E)`: the
    position must survive the horizon with the target probability *and* its liquidity-adjusted
    VaR loss must fit the budget.

    References
    ----------
    Bangia, A. et al. (1999). NYU Stern WP FIN-99-062. https://ssrn.com/abstract=1298788

    Examples
    --------
    >>> round(max_position_size(100_000, 0.1, 0.05, 4_000_000), 2)
    199502.48
    >>> round(max_position_size(100_000, 0.1, 0.05, 4_000_000, max_leverage=1.5), 2)
    150000.0
    """
    (equity, loss_budget, var, depth, spread), _ = align_series(
        equity,
        loss_budget,
        var,
        depth,
        spread,
        names=("equity", "loss_budget", "var", "depth", "spread"),
    )
    e = check_positive(as_float_array(equity, "equity"), "equity")
    lam = check_range(as_float_array(loss_budget, "loss_budget"), "loss_budget", 0.0, 1.0,
                      low_inclusive=False)  # fmt: skip
    v = check_positive(as_float_array(var, "var"), "var", strict=False)
    d = check_positive(as_float_array(depth, "depth"), "depth")
    s = check_positive(as_float_array(spread, "spread"), "spread", strict=False)
    b = float(check_positive(scalar_array(band, "band"), "band"))
    lin = v + s / 2.0
    k = b / (2.0 * d)
    budget = lam * e
    q = 2.0 * budget / (lin + np.sqrt(lin**2 + 4.0 * k * budget))  # stable form of the root
    if max_leverage is not None:
        cap = check_positive(as_float_array(max_leverage, "max_leverage"), "max_leverage")
        q = np.minimum(q, cap * e)
    return wrap_like(q, equity, var, depth, name="max_size")


@dataclass(frozen=True, slots=True)
class LeverageCap:
    """Largest leverage whose empirical liquidation probability over a horizon meets a target.

    Attributes
    ----------
    leverage : float
        The cap :math:`\\lambda^*`.
    target : float
        Tolerated liquidation probability over the horizon.
    horizon : int
        Horizon in bars.
    side : str
        Position side.
    maintenance_margin_rate : float
        Maintenance margin rate used.
    excursion_quantile : float
        :math:`q_{1-\\alpha}(\\mathrm{MAE}_H)`.
    nobs : int
        Number of overlapping windows.
    excursions : pandas.Series or numpy.ndarray
        The adverse-excursion sample.
    """

    leverage: float
    target: float
    horizon: int
    side: str
    maintenance_margin_rate: float
    excursion_quantile: float
    nobs: int
    excursions: Any = field(repr=False)

    def liquidation_probability(self, leverage: Any) -> Any:
        """Empirical probability of liquidation within the horizon at the given leverage."""
        lev = check_positive(as_float_array(leverage, "leverage"), "leverage")
        m = self.maintenance_margin_rate
        sign = 1.0 if self.side == "long" else -1.0
        dist = (1.0 / lev - m) / (1.0 - sign * m)
        x = np.asarray(self.excursions, dtype=float)
        x = np.sort(x[np.isfinite(x)])
        out = 1.0 - np.searchsorted(x, dist, side="left") / x.size
        return float(out) if np.ndim(out) == 0 else out

    def summary(self) -> pd.DataFrame:
        """One-row frame with the cap and its inputs."""
        return pd.DataFrame(
            {
                "leverage": [self.leverage],
                "target": [self.target],
                "horizon": [self.horizon],
                "side": [self.side],
                "maintenance_margin_rate": [self.maintenance_margin_rate],
                "excursion_quantile": [self.excursion_quantile],
                "nobs": [self.nobs],
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """Same one-row frame as :meth:`summary`."""
        return self.summary()

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Leverage cap for a target liquidation probability")


def leverage_cap(
    price: Any,
    horizon: int,
    target: float = 0.01,
    *,
    maintenance_margin_rate: float = 0.005,
    side: str = "long",
    high: Any = None,
    low: Any = None,
) -> LeverageCap:
    """Leverage cap for a target probability of liquidation over a horizon, from the data.

    Parameters
    ----------
    price : array_like or pandas.Series
        Bar prices (entry at each bar's close), > 0.
    horizon : int
        Holding horizon in bars.
    target : float, default 0.01
        Tolerated probability of liquidation within the horizon, in (0, 1).
    maintenance_margin_rate : float, default 0.005
        Maintenance margin as a fraction of current notional, in [0, 1).
    side : {"long", "short"}, default "long"
        Position side.
    high, low : array_like or pandas.Series, optional
        Bar highs and lows.

    Returns
    -------
    LeverageCap

    Raises
    ------
    InsufficientDataError
        Fewer than ``1/target`` windows.
    ValueError
        Arguments outside their domains.

    See Also
    --------
    max_adverse_excursion, calibrate_maintenance_margin, max_position_size

    Notes
    -----
    A linear isolated position with leverage :math:`\\lambda` and maintenance rate :math:`m` is
    liquidated when the price falls (long) by :math:`(1/\\lambda - m)/(1-m)` or rises (short)
    by :math:`(1/\\lambda - m)/(1+m)`. With :math:`q = q_{1-\\alpha}(\\mathrm{MAE}_H)` the
    empirical excursion quantile, the liquidation probability is at most :math:`\\alpha` for

    .. math:: \\lambda < \\lambda^* = \\frac{1}{m + (1 \\mp m)\\,q}

    (minus sign for long, plus for short); :math:`q` is the inverted-CDF empirical quantile, so
    every leverage below :math:`\\lambda^*` has empirical liquidation frequency at most
    :math:`\\alpha`. Overlapping windows make the effective sample
    about :math:`n/H`; fees and funding are ignored.

    References
    ----------
    Binance. How to calculate liquidation price of USDⓈ-M futures contracts.
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> p = [100.0, 90.0, 100.0, 95.0] * 50
    >>> round(leverage_cap(p, 1, 0.05, maintenance_margin_rate=0.0).leverage, 4)
    10.0
    """
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    a = float(check_range(scalar_array(target, "target"), "target", 0.0, 1.0,
                          low_inclusive=False, high_inclusive=False))  # fmt: skip
    m = float(check_range(scalar_array(maintenance_margin_rate, "maintenance_margin_rate"),
                          "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False))  # fmt: skip
    mae = max_adverse_excursion(price, h, side=side, high=high, low=low)
    x = np.asarray(mae, dtype=float)
    q = max(0.0, _quantile_needed(x, a, "leverage_cap"))
    sign = 1.0 if side == "long" else -1.0
    denom = m + (1.0 - sign * m) * q
    lev = math.inf if denom <= 0 else 1.0 / denom
    return LeverageCap(lev, a, h, side, m, q, int(np.isfinite(x).sum()), mae)
