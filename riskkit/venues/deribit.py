"""Deribit linear USDC perpetuals: maintenance rate linear in position size.

Profile ``"deribit"``: :math:`m = m_0 + \\beta Q` (BTC: 1% + 0.005% per BTC; SOL: 2% + 0.0005%
per SOL), charged at the mark price; initial :math:`2\\% + 0.005\\% Q` (BTC).

References
----------
Deribit, "Linear Perpetual", https://support.deribit.com/hc/en-us/articles/25944738177565
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
