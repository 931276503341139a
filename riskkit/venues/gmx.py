"""GMX v2 perpetuals: the on-chain liquidation check, with fees and price impact as inputs.

Profile ``"gmx-v2"`` (Arbitrum markets with USDC collateral). ``PositionUtils.
isPositionLiquidatable`` (gmx-synthetics) liquidates a position when

.. math:: C + \\mathrm{PnL}(P) + I - f S - B - F < \\mu S

with collateral :math:`C` (USD), size at open :math:`S` (``sizeInUsd``), price impact of a
full close :math:`I \\le 0` (positive impact is set to 0), position fee factor :math:`f`,
pending borrowing and funding fees :math:`B, F` (USD) and
:math:`\\mu` = ``minCollateralFactorForLiquidation``. With :math:`Q = S/E` tokens,
:math:`\\mathrm{PnL} = sQ(P - E)`, so the liquidation price is

.. math:: P = E - s\\,\\frac{C + I - B - F - (\\mu + f) S}{Q}.

:meth:`Venue.liquidation_price` on ``venues.get("gmx-v2")`` gives this with
:math:`I = B = F = 0`; :func:`liquidation_price` takes them as inputs, and
:func:`is_liquidatable` is the contract's check at a given price.

References
----------
gmx-io/gmx-synthetics, ``contracts/position/PositionUtils.sol`` (``isPositionLiquidatable``)
and ``config/markets.ts``, commit a5c0c8835182cbd84e47dca04b971239311d2f1d.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import ArrayLike
from riskkit._validation import (
    align_series,
    as_float_array,
    check_positive,
    index_of,
    wrap_like,
)
from riskkit.venues._inputs import _side_array
from riskkit.venues._registry import get

__all__ = ["PROFILES", "is_liquidatable", "liquidation_price"]

PROFILES = ("gmx-v2",)
_ARGS = ("side", "entry_price", "size_usd", "collateral_usd", "borrowing_fee_usd",
         "funding_fee_usd", "price_impact_usd")  # fmt: skip


def _fees(
    size_usd: ArrayLike,
    borrowing_fee_usd: ArrayLike,
    funding_fee_usd: ArrayLike,
    price_impact_usd: ArrayLike,
) -> Any:
    b = check_positive(
        as_float_array(borrowing_fee_usd, "borrowing_fee_usd"), "borrowing_fee_usd", strict=False
    )
    f = check_positive(
        as_float_array(funding_fee_usd, "funding_fee_usd"), "funding_fee_usd", strict=False
    )
    i = as_float_array(price_impact_usd, "price_impact_usd")
    # the contract sets a positive impact to 0 and keeps a negative one (after its own cap)
    return np.minimum(i, 0.0) - b - f


def _rates(
    symbol: str, fee_rate: float | None, min_collateral_factor: float | None
) -> tuple[float, float]:
    v = get("gmx-v2")
    m = v.market(symbol)
    mu = float(m.snapshot(None, v.name).tiers.maintenance_margin_rate[0])
    if min_collateral_factor is not None:
        mu = float(as_float_array(min_collateral_factor, "min_collateral_factor"))
        if not 0.0 < mu < 1.0:
            raise ValueError(f"min_collateral_factor must be in (0, 1) (a fraction); got {mu}")
    _, f = v._fee(m, "isolated", fee_rate)
    return mu, f


def liquidation_price(
    symbol: str,
    side: Any,
    entry_price: ArrayLike,
    size_usd: ArrayLike,
    collateral_usd: ArrayLike,
    *,
    borrowing_fee_usd: ArrayLike = 0.0,
    funding_fee_usd: ArrayLike = 0.0,
    price_impact_usd: ArrayLike = 0.0,
    fee_rate: float | None = None,
    min_collateral_factor: float | None = None,
) -> Any:
    """Liquidation price of GMX v2 positions (USDC collateral), fees and price impact included.

    Parameters
    ----------
    symbol : str
        Market of the ``"gmx-v2"`` profile ("BTC/USD [WBTC.e-USDC]" or "BTC/USD:USDC").
    side : {"long", "short"}, +1/-1, or an array of them
        Position direction.
    entry_price : float or array
        Average entry price, USD per token, > 0.
    size_usd : float or array
        ``sizeInUsd``: the position size at open, USD, > 0.
    collateral_usd : float or array
        Collateral, USD (USDC at 1 USD).
    borrowing_fee_usd, funding_fee_usd : float or array, default 0
        Pending borrowing and funding fees owed by the position, USD, >= 0.
    price_impact_usd : float or array, default 0
        Price impact of closing the whole position, USD; a positive value counts as 0 (the
        contract ignores positive impact in the check). 0 matches the shipped config, whose
        ``maxPositionImpactFactorForLiquidations`` is 0.
    fee_rate : float, optional
        Position fee factor (fraction); default the profile's 0.06%.
    min_collateral_factor : float, optional
        ``minCollateralFactorForLiquidation`` (fraction); default the profile's.

    Returns
    -------
    float or ndarray
        USD per token; NaN where no price liquidates the position.

    Notes
    -----
    :math:`P = E - s\\,(C + I - B - F - (\\mu + f) S) / (S/E)`; see the module docstring.

    References
    ----------
    gmx-synthetics ``PositionUtils.isPositionLiquidatable`` (commit a5c0c88).

    Examples
    --------
    >>> round(liquidation_price("BTC/USD:USDC", "long", 100_000.0, 100_000.0, 10_000.0), 6)
    90560.0
    >>> round(liquidation_price("BTC/USD:USDC", "long", 100_000.0, 100_000.0, 10_000.0,
    ...                         borrowing_fee_usd=200.0), 6)  # fees bring it closer
    90760.0
    """
    side, entry_price, size_usd, collateral_usd, borrowing_fee_usd, funding_fee_usd, \
        price_impact_usd = align_series(
            side, entry_price, size_usd, collateral_usd, borrowing_fee_usd, funding_fee_usd,
            price_impact_usd, names=_ARGS,
        )[0]  # fmt: skip
    adj = _fees(size_usd, borrowing_fee_usd, funding_fee_usd, price_impact_usd)
    s_usd = check_positive(as_float_array(size_usd, "size_usd"), "size_usd")
    e = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    c = as_float_array(collateral_usd, "collateral_usd")
    _rates(symbol, fee_rate, min_collateral_factor)  # validates the overrides
    # the venue's entry-basis rule: MM = (mu + f) x S fixed at open, on a margin net of fees
    p = get("gmx-v2").liquidation_price(
        symbol,
        _side_array(side),
        e,
        s_usd / e,
        c + adj,
        fee_rate=fee_rate,
        maintenance_margin_rate=min_collateral_factor,
    )
    return wrap_like(p, side, entry_price, size_usd, collateral_usd, name="liquidation_price")


def is_liquidatable(
    symbol: str,
    side: Any,
    entry_price: ArrayLike,
    size_usd: ArrayLike,
    collateral_usd: ArrayLike,
    price: ArrayLike,
    *,
    borrowing_fee_usd: ArrayLike = 0.0,
    funding_fee_usd: ArrayLike = 0.0,
    price_impact_usd: ArrayLike = 0.0,
    fee_rate: float | None = None,
    min_collateral_factor: float | None = None,
) -> Any:
    """The contract's check at ``price``: remaining collateral <= 0 or < mu x size.

    Parameters are those of :func:`liquidation_price`, plus ``price`` (USD per token, > 0),
    the oracle price at which the position is checked.

    Returns
    -------
    bool or ndarray of bool

    Notes
    -----
    Remaining collateral :math:`R = C + sS(P/E - 1) + \\min(I, 0) - fS - B - F`; liquidatable
    when :math:`R \\le 0` or :math:`R < \\mu S` (``PositionUtils.isPositionLiquidatable``).

    References
    ----------
    gmx-synthetics ``PositionUtils.isPositionLiquidatable`` (commit a5c0c88).

    Examples
    --------
    >>> bool(is_liquidatable("BTC/USD:USDC", "long", 100_000.0, 100_000.0, 10_000.0, 90_000.0))
    True
    >>> bool(is_liquidatable("BTC/USD:USDC", "long", 100_000.0, 100_000.0, 10_000.0, 91_000.0))
    False
    """
    side, entry_price, size_usd, collateral_usd, borrowing_fee_usd, funding_fee_usd, \
        price_impact_usd, price = align_series(
            side, entry_price, size_usd, collateral_usd, borrowing_fee_usd, funding_fee_usd,
            price_impact_usd, price, names=(*_ARGS, "price"),
        )[0]  # fmt: skip
    adj = _fees(size_usd, borrowing_fee_usd, funding_fee_usd, price_impact_usd)
    s_usd = check_positive(as_float_array(size_usd, "size_usd"), "size_usd")
    e = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    p = check_positive(as_float_array(price, "price"), "price")
    c = as_float_array(collateral_usd, "collateral_usd")
    mu, f = _rates(symbol, fee_rate, min_collateral_factor)
    s = _side_array(side)
    remaining = c + s * s_usd * (p / e - 1.0) + adj - f * s_usd
    out = (remaining <= 0.0) | (remaining < mu * s_usd)
    if not out.ndim:
        return bool(out)
    idx = index_of(side, entry_price, size_usd, collateral_usd, price)
    return pd.Series(out, index=idx, name="liquidatable") if idx is not None else out
