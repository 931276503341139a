"""Hyperliquid: maintenance = half the initial margin at max leverage; raw clearinghouseState.

Profile ``"hyperliquid"``: linear USDC perpetuals, maintenance rate :math:`m = 1/(2L)` with
:math:`L` the asset's (tier's) maximum leverage, charged at the mark price; margin tables for
large assets with deductions by the cum recursion; isolated and cross (account-level).

References
----------
Hyperliquid, "Liquidations", https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations ;
Hyperliquid, "Margin tiers", https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array, wrap_like
from riskkit.venues._base import Venue
from riskkit.venues._registry import get
from riskkit.venues.ccxt import position_from_ccxt

__all__ = ["PROFILES", "docs_liquidation_price", "from_clearinghouse_state", "maintenance_rate"]

PROFILES = ("hyperliquid",)


def maintenance_rate(max_leverage: ArrayLike) -> Any:
    """Maintenance margin rate :math:`1/(2L)` (fraction) of an asset with max leverage ``L``.

    Examples
    --------
    >>> maintenance_rate(40.0)
    0.0125
    """
    lev = as_float_array(max_leverage, "max_leverage")
    if np.any(lev < 1):
        raise ValueError(f"max_leverage must be >= 1; got {lev}")
    return wrap_like(0.5 / lev, max_leverage, name="maintenance_margin_rate")


def docs_liquidation_price(
    price: float, side: float, margin_available: float, size: float, max_leverage: float
) -> float:
    """The docs' formula ``price - side * margin_available / size / (1 - l * side)``.

    ``margin_available`` = account value (cross) or isolated margin, less maintenance margin at
    ``price``; ``l = 1/(2 L)``. Equals :meth:`Venue.liquidation_price` (tested).

    Examples
    --------
    >>> round(docs_liquidation_price(100.0, 1.0, 9.5, 1.0, 20.0), 6)  # 10x long, m = 2.5%
    90.25641
    """
    lv = 0.5 / max_leverage
    return price - side * margin_available / size / (1 - lv * side)


def from_clearinghouse_state(
    state: Mapping[str, Any], *, venue: Venue | None = None, as_of: Any = None
) -> pd.DataFrame:
    """riskkit's view of every position in a raw Hyperliquid ``clearinghouseState`` response.

    Parameters
    ----------
    state : dict
        ``{"assetPositions": [{"position": {...}}], "crossMarginSummary": {...}, ...}`` as
        returned by ``POST /info {"type": "clearinghouseState"}``.
    venue : Venue, optional
        Defaults to ``venues.get("hyperliquid")``.
    as_of : date-like, optional
        Defaults to the response's ``time``.

    Returns
    -------
    DataFrame
        One row per position (see :class:`riskkit.venues.ccxt.PositionCheck`).

    Notes
    -----
    Isolated margin is ``leverage.rawUsd + szi x entryPx``; the cross wallet balance is
    ``crossMarginSummary.accountValue`` less the cross positions' unrealised PnL, and each
    cross position's mark is ``positionValue / |szi|``.

    Examples
    --------
    >>> st = {"time": "1764350959056", "assetPositions": [{"position": {
    ...     "coin": "flx:CRCL", "szi": "0.13", "entryPx": "80.262", "positionValue": "10.41482",
    ...     "unrealizedPnl": "-0.01924", "liquidationPx": "64.2010892308", "maxLeverage": "3",
    ...     "marginUsed": "3.459702",
    ...     "leverage": {"type": "isolated", "value": "3", "rawUsd": "-6.955118"}}}]}
    >>> from_clearinghouse_state(st)["liquidation_price"].round(6).tolist()
    [64.201089]
    """
    v = venue or get("hyperliquid")
    if as_of is None and state.get("time") is not None:
        as_of = pd.Timestamp(int(state["time"]), unit="ms", tz="UTC")
    ccxt_positions = []
    cross_upnl = 0.0
    for item in state.get("assetPositions", []):
        p = item["position"]
        szi = float(p["szi"])
        coin = str(p["coin"])
        lev = p.get("leverage") or {}
        mode = str(lev.get("type", "cross"))
        upnl = float(p.get("unrealizedPnl") or 0.0)
        if mode == "cross":
            cross_upnl += upnl
        ccxt_positions.append(
            {
                "symbol": _ccxt_symbol(v, coin),
                "side": "long" if szi > 0 else "short",
                "contracts": abs(szi),
                "contractSize": 1.0,
                "entryPrice": float(p["entryPx"]),
                "markPrice": float(p["positionValue"]) / abs(szi),
                "unrealizedPnl": upnl,
                "collateral": float(p.get("marginUsed") or "nan"),
                "marginMode": mode,
                "liquidationPrice": p.get("liquidationPx"),
                "info": item,
            }
        )
    summary = state.get("crossMarginSummary") or {}
    account = None
    if "accountValue" in summary:
        wb = float(summary["accountValue"]) - cross_upnl
        account = {
            "wallet_balance": wb,
            "positions": [c for c in ccxt_positions if c["marginMode"] == "cross"],
        }
    return pd.DataFrame(
        [position_from_ccxt(c, v, account, as_of=as_of).to_frame().iloc[0] for c in ccxt_positions]
    ).reset_index(drop=True)


def _ccxt_symbol(v: Venue, coin: str) -> str:
    try:
        return v.market(coin).ccxt_symbol
    except ValueError:
        if ":" in coin:  # HIP-3 "dex:COIN" -> ccxt "DEX-COIN/USDC:USDC" (quote unknown here)
            dex, name = coin.split(":", 1)
            return f"{dex.upper()}-{name}/USDC:USDC"
        return f"{coin}/USDC:USDC"
