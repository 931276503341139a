"""Collateral haircuts read from data: the price fall to survive over the close-out horizon."""

from __future__ import annotations

from typing import Any

import numpy as np

from riskkit._validation import as_float_array, check_option, check_positive
from riskkit.risk._common import _confidence, _horizon, _quantile_needed
from riskkit.risk.excursions import max_adverse_excursion

__all__ = ["collateral_haircut"]


def collateral_haircut(
    price: Any,
    horizon: int,
    confidence: float = 0.99,
    *,
    low: Any = None,
    path: str = "end",
) -> float:
    """Haircut that covers the collateral's fall over the liquidation horizon at a confidence.

    Parameters
    ----------
    price : array_like or pandas.Series
        Collateral price in the liability's currency (e.g. BTC in USD), > 0.
    horizon : int
        Liquidation horizon in bars of ``price`` (e.g. 24 for one day of hourly data).
    confidence : float, default 0.99
        Probability that the haircut covers the move.
    low : array_like or pandas.Series, optional
        Bar lows, used with ``path="worst"``.
    path : {"end", "worst"}, default "end"
        ``"end"``: the move from now to the end of the horizon (collateral sold at the end);
        ``"worst"``: the largest fall within the horizon (sold at the worst moment).

    Returns
    -------
    float
        Haircut :math:`h` as a fraction of collateral value (collateral counts at
        :math:`1-h` of market value), floored at 0.

    Raises
    ------
    InsufficientDataError
        Fewer than :math:`1/(1-c)` windows.

    See Also
    --------
    max_adverse_excursion, calibrate_maintenance_margin

    Notes
    -----
    .. math:: h = \\max\\left(0, -q_{1-c}\\left(\\frac{P_{t+H}}{P_t} - 1\\right)\\right)
       \\text{ (end)}, \\qquad h = \\max(0, q_c(\\mathrm{MAE}_t)) \\text{ (worst)},

    over all overlapping windows of :math:`H` bars, with the inverted-CDF empirical quantile
    (the haircut is exceeded in at most a share :math:`1-c` of the windows).

    References
    ----------
    Basel Committee (2019). Calculation of RWA for credit risk: CRE22 (own estimates of
    haircuts, 99th percentile over the liquidation period).
    https://www.bis.org/basel_framework/chapter/CRE/22.htm

    Examples
    --------
    >>> p = [100.0, 90.0, 99.0, 89.1, 98.01, 88.209] * 20
    >>> round(collateral_haircut(p, 1, 0.9), 4)
    0.1
    """
    h = _horizon(horizon)
    c = float(_confidence(confidence))
    check_option(path, "path", ("end", "worst"))
    if path == "worst":
        mae = np.asarray(max_adverse_excursion(price, h, side="long", low=low), dtype=float)
        return max(0.0, _quantile_needed(mae, 1.0 - c, "collateral_haircut"))
    if low is not None:
        raise ValueError("low is only used with path='worst'; got path='end'")
    p = check_positive(as_float_array(price, "price"), "price")
    r = p[h:] / p[:-h] - 1.0 if p.size > h else np.array([])
    return max(0.0, _quantile_needed(-r, 1.0 - c, "collateral_haircut"))
