"""Binance USDⓈ-M and COIN-M: bracket tables with maintenance amounts (cum); positionRisk.

Profiles ``"binance-usdm"`` (linear) and ``"binance-coinm"`` (inverse, BTCUSD_PERP 100 USD per
contract). Maintenance is charged at the mark price on the bracket of the notional *at the
liquidation price* (the FAQ's re-check rule); no fee enters the liquidation price.

References
----------
Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 ;
Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts",
https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from riskkit.venues._base import Venue
from riskkit.venues._registry import get
from riskkit.venues.ccxt import position_from_ccxt

__all__ = ["PROFILES", "from_position_risk"]

PROFILES = ("binance-usdm", "binance-coinm")


def from_position_risk(
    rows: Sequence[Mapping[str, Any]],
    *,
    wallet_balance: float | None = None,
    venue: Venue | None = None,
    as_of: Any = None,
) -> pd.DataFrame:
    """riskkit's view of a raw Binance ``GET /fapi/v2/positionRisk`` response (USDⓈ-M).

    Parameters
    ----------
    rows : list of dicts
        positionRisk entries (``symbol``, ``positionAmt``, ``entryPrice``, ``markPrice``,
        ``marginType``, ``isolatedWallet``, ``liquidationPrice``, ``positionSide``); empty
        positions (``positionAmt`` 0) are skipped.
    wallet_balance : float, optional
        Cross wallet balance; required when a cross position is present.
    venue : Venue, optional
        Defaults to ``venues.get("binance-usdm")``; pass one extended with
        :meth:`Venue.with_market` for symbols the profile lacks.
    as_of : date-like, optional
        Snapshot date; defaults to the latest ``updateTime``.

    Returns
    -------
    DataFrame
        One row per open position (see :class:`riskkit.venues.ccxt.PositionCheck`).

    Examples
    --------
    A recorded isolated short (reported liquidationPrice 0.19059204; DOGEUSDT tier-1 MMR 0.5%):

    >>> from riskkit import venues
    >>> v = venues.get("binance-usdm").with_market("DOGEUSDT", maintenance_margin_rate=0.005)
    >>> row = {"symbol": "DOGEUSDT", "positionAmt": "-32", "entryPrice": "0.16395",
    ...        "markPrice": "0.16465933", "marginType": "isolated", "isolatedWallet": "0.88304001",
    ...        "liquidationPrice": "0.19059204", "positionSide": "SHORT"}
    >>> round(float(from_position_risk([row], venue=v)["liquidation_price"].iloc[0]), 8)
    0.19059204
    """
    v = venue or get("binance-usdm")
    positions = []
    times = []
    for r in rows:
        amt = float(r["positionAmt"])
        if amt == 0.0:
            continue
        if r.get("updateTime"):
            times.append(int(r["updateTime"]))
        positions.append(
            {
                "symbol": str(r["symbol"]),
                "side": "long" if amt > 0 else "short",
                "contracts": abs(amt),
                "contractSize": 1.0,
                "entryPrice": float(r["entryPrice"]),
                "markPrice": float(r.get("markPrice") or "nan"),
                "unrealizedPnl": float(r.get("unRealizedProfit") or 0.0),
                "collateral": float(r.get("isolatedMargin") or "nan"),
                "marginMode": "isolated" if r.get("marginType") == "isolated" else "cross",
                "liquidationPrice": r.get("liquidationPrice"),
                "info": dict(r),
            }
        )
    if as_of is None and times:
        as_of = pd.Timestamp(max(times), unit="ms", tz="UTC")
    cross = [p for p in positions if p["marginMode"] == "cross"]
    account = None
    if cross:
        if wallet_balance is None:
            raise ValueError("wallet_balance is required: the response holds cross positions")
        account = {"wallet_balance": float(wallet_balance), "positions": cross}
    out = [position_from_ccxt(p, v, account, as_of=as_of).to_frame() for p in positions]
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
