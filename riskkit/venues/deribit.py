"""Deribit perpetuals: maintenance rate linear in position size.

Profile ``"deribit"``: :math:`m = m_0 + \\beta Q` with :math:`Q` the size in base units,
charged at the mark price. Linear USDC perpetuals: BTC 1% + 0.005% per BTC, SOL 2% + 0.0005%
per SOL; initial :math:`2\\% + 0.005\\% Q` (BTC). Inverse BTC-PERPETUAL and ETH-PERPETUAL
(schedule of 11 January 2022): BTC 1% + 0.005% per BTC, ETH 1% + 0.0004% per ETH, where the
size of a USD notional :math:`N` is :math:`N/P` at the mark :math:`P`; the liquidation price
then solves :math:`M + sN(1/E - 1/P) = (m_0 + \\beta N/P) N/P`, a quadratic in :math:`1/P`.

References
----------
Deribit, "Linear Perpetual", https://support.deribit.com/hc/en-us/articles/25944738177565 ;
Deribit, "11 January 2022" (margin change),
https://support.deribit.com/hc/en-us/articles/25944826427293-11-January-2022
"""

from __future__ import annotations

from typing import Any

from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array, wrap_like
from riskkit.venues._registry import get

__all__ = ["PROFILES", "maintenance_rate"]

PROFILES = ("deribit",)


def maintenance_rate(symbol: str, size: ArrayLike, as_of: Any = None) -> Any:
    """Maintenance rate (fraction) of a position of ``size`` base units.

    Examples
    --------
    >>> maintenance_rate("BTC_USDC-PERPETUAL", 25.0)  # Deribit page: 1.125%
    0.01125
    """
    snap = get("deribit").market(symbol).snapshot(as_of, "deribit")
    q = as_float_array(size, "size")
    out = snap.tiers.maintenance_margin_rate[0] + snap.mmr_per_unit * q
    return wrap_like(out, size, name="maintenance_margin_rate")
