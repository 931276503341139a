"""Venue profiles: each exchange's liquidation rules and dated margin tiers, and ccxt adapters.

* :func:`available` / :func:`get`: the shipped profiles (frozen :class:`Venue`).
* :meth:`Venue.liquidation_price`, :meth:`Venue.bankruptcy_price`,
  :meth:`Venue.maintenance_margin`, :meth:`Venue.tiers`: vectorised, venue symbols or ccxt
  symbols, ``as_of`` picks the snapshot in force.
* :func:`cross_margin`: account-level cross margin (Binance USDⓈ-M, Hyperliquid).
* :func:`position_from_ccxt`, :func:`tiers_from_ccxt`; raw responses in
  :mod:`riskkit.venues.hyperliquid` and :mod:`riskkit.venues.binance`.
* :func:`liquidation_prices`: many positions over many venues.

"Cannot be liquidated" is ``NaN`` throughout (:data:`CANNOT_LIQUIDATE`).

>>> from riskkit import venues
>>> v = venues.get("binance-usdm")
>>> round(v.liquidation_price("BTC/USDT:USDT", "buy", 50_000.0, 10.0, 50_000.0,
...                           as_of="2021-06-01"), 2)
45323.23
"""

from __future__ import annotations

from riskkit.venues._base import CANNOT_LIQUIDATE, Market, Snapshot, Venue, parse_side
from riskkit.venues._registry import available, get
from riskkit.venues.batch import liquidation_prices
from riskkit.venues.ccxt import PositionCheck, position_from_ccxt, tiers_from_ccxt
from riskkit.venues.cross import CrossMargin, cross_margin

__all__ = [
    "CANNOT_LIQUIDATE",
    "CrossMargin",
    "Market",
    "PositionCheck",
    "Snapshot",
    "Venue",
    "available",
    "cross_margin",
    "get",
    "liquidation_prices",
    "parse_side",
    "position_from_ccxt",
    "tiers_from_ccxt",
]
