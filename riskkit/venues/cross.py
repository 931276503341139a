"""Cross margin at account level: each position's liquidation price with the others at mark.

Binance USDⓈ-M cross and Hyperliquid cross share one structure: the account is liquidated when
its equity (wallet balance plus every position's unrealised PnL) falls to the sum of the
positions' maintenance margins. Holding the other positions at their mark prices, position
:math:`i` is liquidated at the price that solves the single-position equation with

.. math:: M_i = \\mathrm{WB} - \\sum_{j \\ne i} \\mathrm{MM}_j + \\sum_{j \\ne i} \\mathrm{UPNL}_j

(Binance's WB - TMM1 + UPNL1; Hyperliquid's account value less the others' maintenance).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._validation import as_float_array
from riskkit.venues._base import Venue, distance, parse_as_of, parse_side

__all__ = ["CrossMargin", "cross_margin"]

_COLUMNS = ("symbol", "side", "entry_price", "size", "mark_price")


@dataclass(frozen=True, slots=True)
class CrossMargin:
    """Cross-margin state of one account on one venue (one settlement currency).

    Attributes
    ----------
    venue : str
        Profile name.
    wallet_balance : float
        WB, settlement currency (Hyperliquid: account value less unrealised PnL).
    positions : DataFrame
        One row per position: notional and maintenance margin at mark, unrealised PnL, the
        ``margin`` behind it (others at mark), ``liquidation_price`` (NaN: cannot be
        liquidated) and ``distance_to_liquidation`` (fraction of the mark price).
    total_maintenance_margin, total_unrealized_pnl, equity : float
        TMM, UPNL and WB + UPNL, settlement currency.
    margin_ratio : float
        TMM / equity (liquidation at 1); inf when equity <= 0.
    buffer : float
        Equity - TMM, settlement currency: the loss the account can absorb.
    distance_to_liquidation : float
        buffer / equity: the fraction of equity that can be lost before liquidation.
    """

    venue: str
    wallet_balance: float
    positions: pd.DataFrame
    total_maintenance_margin: float
    total_unrealized_pnl: float
    equity: float
    margin_ratio: float
    buffer: float
    distance_to_liquidation: float

    def summary(self) -> pd.DataFrame:
        """Account totals as a one-column frame."""
        keys = (
            "wallet_balance",
            "total_maintenance_margin",
            "total_unrealized_pnl",
            "equity",
            "margin_ratio",
            "buffer",
            "distance_to_liquidation",
        )
        return pd.DataFrame({"value": [getattr(self, k) for k in keys]}, index=pd.Index(keys))

    def to_frame(self) -> pd.DataFrame:
        """The per-position frame (a copy)."""
        return self.positions.copy()

    def _repr_html_(self) -> str:
        return f"<p><b>{self.venue}</b> cross account</p>" + (
            self.summary().to_html() + self.positions.to_html()
        )


def _frame(positions: Any) -> pd.DataFrame:
    if isinstance(positions, pd.DataFrame):
        frame = positions.copy()
    elif isinstance(positions, Sequence) and all(isinstance(p, Mapping) for p in positions):
        frame = pd.DataFrame(list(positions))
    else:
        raise TypeError(
            f"positions must be a DataFrame or a list of dicts; got {type(positions).__name__}"
        )
    missing = [c for c in _COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"positions is missing columns {missing}; need {list(_COLUMNS)}; "
            f"got {list(frame.columns)}"
        )
    if frame.empty:
        raise ValueError("positions must hold at least one position; got none")
    return frame


def cross_margin(
    venue: Venue,
    positions: Any,
    wallet_balance: float,
    *,
    as_of: Any = None,
    fee_rate: float | None = None,
) -> CrossMargin:
    """Each position's cross-margin liquidation price and the account's distance to it.

    Parameters
    ----------
    venue : Venue
        Profile (``venues.get("binance-usdm")``, ``venues.get("hyperliquid")``, ...).
    positions : DataFrame or list of dicts
        Columns ``symbol``, ``side``, ``entry_price``, ``size`` (base quantity; USD notional for
        inverse), ``mark_price``; optional ``max_leverage`` (Hyperliquid assets not in the
        profile). One position per symbol (one-way mode).
    wallet_balance : float
        Cross wallet balance, settlement currency (without unrealised PnL).
    as_of : date-like, optional
        Snapshot date.
    fee_rate : float, optional
        For venues that reserve the taker fee.

    Returns
    -------
    CrossMargin

    Raises
    ------
    ValueError
        Missing columns, mixed settlement currencies, or the errors of
        :meth:`Venue.liquidation_price`.

    Notes
    -----
    Maintenance of every position is at its mark price (tier of the mark notional); the
    liquidation price of position :math:`i` is :meth:`Venue.liquidation_price` with the margin
    :math:`M_i` of the module docstring, so its tier is re-checked at the liquidation price
    (Binance FAQ). Account: margin ratio :math:`\\mathrm{TMM}/(\\mathrm{WB}+\\mathrm{UPNL})`.
    Where the venue reserves the fee to close at the bankruptcy price (Bybit inverse cross),
    each position's fee term uses the bankruptcy price with the whole wallet behind it (an
    approximation for multi-position accounts).

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts" (cross example);
    Hyperliquid, "Liquidations" (margin_available = account value - maintenance margin).

    Examples
    --------
    Binance's FAQ cross example (inputs as in freqtrade's test; expected 26,316.89 and 1,153.26):

    >>> from riskkit import venues
    >>> pos = [dict(symbol="BTCUSDT", side="long", entry_price=32_481.98, size=109.488,
    ...             mark_price=31_967.27),
    ...        dict(symbol="ETHUSDT", side="long", entry_price=1_456.84, size=3_683.979,
    ...             mark_price=1_335.18)]
    >>> acct = venues.cross_margin(venues.get("binance-usdm"), pos, 1_535_443.01,
    ...                            as_of="2021-06-01")
    >>> acct.positions["liquidation_price"].round(2).tolist()
    [26316.89, 1153.26]
    """
    if not isinstance(venue, Venue):
        raise TypeError(f"venue must be a Venue; got {type(venue).__name__}")
    frame = _frame(positions)
    wb = float(as_float_array(wallet_balance, "wallet_balance"))
    parse_as_of(as_of)
    s = np.asarray(parse_side(frame["side"].to_numpy()), dtype=np.float64)
    e = as_float_array(frame["entry_price"], "entry_price")
    q = as_float_array(frame["size"], "size")
    p = as_float_array(frame["mark_price"], "mark_price")
    lev = frame["max_leverage"].to_numpy() if "max_leverage" in frame.columns else None
    n = len(frame)
    mm = np.empty(n)
    pnl = np.empty(n)
    notional = np.empty(n)
    symbols = [str(sym) for sym in frame["symbol"]]
    kws: list[dict[str, Any]] = [
        {} if lev is None or pd.isna(lev[i]) else {"max_leverage": float(lev[i])} for i in range(n)
    ]
    # resolved and checked before any position is priced
    markets = [
        venue._resolve(sym, kw.get("max_leverage")) for sym, kw in zip(symbols, kws, strict=True)
    ]
    settles = {mk.settle for mk in markets}
    if len(settles) > 1:
        raise ValueError(
            f"positions must share one settlement currency for cross margin; got {sorted(settles)}"
        )
    rows_of: dict[str, list[int]] = {}
    for i, mk in enumerate(markets):
        rows_of.setdefault(mk.symbol, []).append(i)
    repeated = [(sym, rows) for sym, rows in rows_of.items() if len(rows) > 1]
    if repeated:
        sym, rows = repeated[0]
        raise ValueError(
            "positions must hold one position per market (one-way mode); got "
            f"{venue.name} {sym} in rows {rows}. A hedged long and short in one market move "
            "with the same price, which pricing each with the other at mark would misstate: "
            "net them into one position (the venue's one-way view) or price each account apart"
        )
    for i, (sym, kw, market) in enumerate(zip(symbols, kws, markets, strict=True)):
        linear = market.contract == "linear"
        notional[i] = q[i] * p[i] if linear else q[i] / p[i]
        pnl[i] = s[i] * q[i] * (p[i] - e[i]) if linear else s[i] * q[i] * (1 / e[i] - 1 / p[i])
        mm[i] = venue.maintenance_margin(
            sym,
            q[i],
            p[i],
            entry_price=e[i],
            side=s[i],
            margin=wb,
            margin_mode="cross",
            as_of=as_of,
            fee_rate=fee_rate,
            **kw,
        )
    tmm, upnl = float(mm.sum()), float(pnl.sum())
    margin = wb - (tmm - mm) + (upnl - pnl)
    liq = np.empty(n)
    for i, (sym, kw) in enumerate(zip(symbols, kws, strict=True)):
        liq[i] = venue.liquidation_price(
            sym, s[i], e[i], q[i], margin[i], "cross", as_of, fee_rate, **kw
        )
    equity = wb + upnl
    out = frame.copy()
    out["notional"] = notional
    out["maintenance_margin"] = mm
    out["unrealized_pnl"] = pnl
    out["margin"] = margin
    out["liquidation_price"] = liq
    out["distance_to_liquidation"] = np.asarray(distance(s, p, liq))
    ratio = tmm / equity if equity > 0 else np.inf
    buffer = equity - tmm
    dist = buffer / equity if equity > 0 else -np.inf
    return CrossMargin(venue.name, wb, out, tmm, upnl, equity, float(ratio), buffer, float(dist))
