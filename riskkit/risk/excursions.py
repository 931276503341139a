"""Adverse excursions of a price path: the largest move against a position within a horizon.

:func:`max_adverse_excursion` is the sample from which collateral haircuts, maintenance margin
rates and leverage caps are read (:mod:`riskkit.risk.haircuts`,
:mod:`riskkit.risk.calibration`, :mod:`riskkit.risk.sizing`); the horizon counts bars of the path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_time_index,
    wrap_like,
)
from riskkit.risk._common import _horizon

__all__ = ["max_adverse_excursion"]


def _forward_extreme(a: np.ndarray, h: int, how: str) -> np.ndarray:
    """out[t] = min/max of a[t+1 .. t+h]; NaN where the window runs past the end."""
    from scipy.ndimage import maximum_filter1d, minimum_filter1d

    n = a.size
    out = np.full(n, np.nan)
    if n <= h:
        return out
    f = minimum_filter1d if how == "min" else maximum_filter1d
    # origin -(h // 2) moves the size-h window so that ext[i] covers a[i .. i + h - 1]
    ext = f(a, size=h, mode="nearest", origin=-(h // 2))
    # we want a[t + 1 .. t + h] = ext[t + 1]
    out[: n - h] = ext[1 : n - h + 1]
    return out


def max_adverse_excursion(
    price: Any,
    horizon: int,
    *,
    side: str = "long",
    high: Any = None,
    low: Any = None,
) -> Any:
    """Largest adverse move within the next ``horizon`` bars, relative to each bar's price.

    Parameters
    ----------
    price : array_like or pandas.Series
        Reference price at each bar (usually the close), > 0.
    horizon : int
        Number of following bars, >= 1.
    side : {"long", "short"}, default "long"
        Longs are hurt by falls (uses ``low``), shorts by rises (uses ``high``).
    high, low : array_like or pandas.Series, optional
        Bar highs and lows (same length); when omitted the path is ``price`` itself, which
        misses intra-bar extremes.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Excursion as a fraction of ``price`` (>= 0 when the window contains an adverse move,
        may be negative otherwise); NaN for the last ``horizon`` bars.

    Raises
    ------
    ValueError
        Non-positive prices, mismatched lengths, bad horizon.

    See Also
    --------
    calibrate_maintenance_margin, leverage_cap, collateral_haircut

    Notes
    -----
    .. math::

       \\mathrm{MAE}^{long}_t = 1 - \\frac{\\min_{t<u\\le t+h} \\ell_u}{P_t}, \\qquad
       \\mathrm{MAE}^{short}_t = \\frac{\\max_{t<u\\le t+h} H_u}{P_t} - 1,

    with :math:`P_t` the price, :math:`\\ell_u` the low and :math:`H_u` the high of bar
    :math:`u`. Running extremes use the van Herk/Gil-Werman :math:`O(n)` filter of
    ``scipy.ndimage``.

    References
    ----------
    Sweeney, J. (1997). *Maximum Adverse Excursion: Analyzing Price Fluctuations for Trading
    Management*. Wiley.

    Examples
    --------
    >>> max_adverse_excursion([100.0, 90.0, 95.0, 80.0, 100.0], 2).round(4).tolist()
    [0.1, 0.1111, 0.1579, nan, nan]
    """
    check_time_index(price, "price")
    (price, high, low), _ = align_series(price, high, low, names=("price", "high", "low"))
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    p = check_positive(as_float_array(price, "price"), "price")
    if p.ndim != 1:
        raise ValueError(f"price must be one-dimensional; got shape {p.shape}")
    name = "high" if side == "short" else "low"
    path_in = high if side == "short" else low
    path = p if path_in is None else check_positive(as_float_array(path_in, name), name)
    if path.shape != p.shape:
        raise ValueError(
            f"{name} must have the same length as price; got {path.shape} vs {p.shape}"
        )
    if side == "long":
        mae = 1.0 - _forward_extreme(path, h, "min") / p
    else:
        mae = _forward_extreme(path, h, "max") / p - 1.0
    return wrap_like(mae, price, name="max_adverse_excursion")
