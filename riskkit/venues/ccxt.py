"""Adapters from ccxt structures (plain dicts; ccxt itself is never imported).

* :func:`position_from_ccxt`: a ccxt unified position (``fetchPositions``) -> riskkit's
  liquidation and bankruptcy prices, maintenance margin and distance, next to the venue-reported
  ``liquidationPrice``; a list of positions -> DataFrame.
* :func:`tiers_from_ccxt`: ccxt ``fetchLeverageTiers`` / ``fetchMarketLeverageTiers`` output ->
  :class:`riskkit.margin.MarginTiers`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit.liquidation import bankruptcy_price
from riskkit.margin import MarginTiers
from riskkit.venues._base import Venue, distance, parse_as_of, parse_side
from riskkit.venues._registry import get
from riskkit.venues.cross import cross_margin

__all__ = ["PositionCheck", "position_from_ccxt", "tiers_from_ccxt", "venue_for"]

#: ccxt exchange id -> profile(s); two profiles are told apart by the symbol's settle currency.
EXCHANGES: dict[str, tuple[str, ...]] = {
    "binance": ("binance-usdm", "binance-coinm"),
    "binanceusdm": ("binance-usdm",),
    "binancecoinm": ("binance-coinm",),
    "bybit": ("bybit",),
    "okx": ("okx",),
    "bitmex": ("bitmex",),
    "deribit": ("deribit",),
    "hyperliquid": ("hyperliquid",),
    "dydx": ("dydx",),
    "gate": ("gate",),
    "gateio": ("gate",),
    "bitget": ("bitget",),
    "krakenfutures": ("kraken-futures",),
}


def _num(x: Any) -> float:
    if x is None or x == "":
        return float("nan")
    return float(x)


def venue_for(exchange: str | Venue, symbol: str = "") -> Venue:
    """The profile for a ccxt exchange id (``"binance"`` -> USDⓈ-M or COIN-M by the symbol).

    Examples
    --------
    >>> venue_for("binance", "BTC/USD:BTC").name
    'binance-coinm'
    """
    if isinstance(exchange, Venue):
        return exchange
    if not isinstance(exchange, str) or exchange.lower() not in EXCHANGES:
        raise ValueError(
            f"exchange must be one of {sorted(EXCHANGES)} or a Venue; got {exchange!r}"
        )
    names = EXCHANGES[exchange.lower()]
    if len(names) == 1:
        return get(names[0])
    inverse = ":" in symbol and symbol.split(":")[-1].split("-")[0] == symbol.split("/")[0]
    return get(names[1] if inverse else names[0])


@dataclass(frozen=True, slots=True)
class PositionCheck:
    """riskkit's view of one venue position beside what the venue reported.

    Attributes
    ----------
    venue, symbol, side, margin_mode : str
    entry_price, mark_price : float
        Quote per base (mark NaN when the position dict has none).
    size : float
        Base quantity (linear) or USD notional (inverse).
    margin : float
        Margin behind the position, settlement currency (isolated margin at entry; cross: WB
        less the others' maintenance plus their PnL).
    liquidation_price, bankruptcy_price : float
        riskkit's, quote per base; NaN: cannot be liquidated.
    maintenance_margin : float
        At the mark price (entry if no mark), settlement currency.
    distance_to_liquidation : float
        Fraction of the mark price; inf when it cannot be liquidated.
    reported_liquidation_price : float
        The venue's ``liquidationPrice`` (NaN when null or 0: the venues' "none").
    difference, relative_difference : float
        riskkit - reported, and that over reported.
    """

    venue: str
    symbol: str
    side: str
    margin_mode: str
    entry_price: float
    mark_price: float
    size: float
    margin: float
    liquidation_price: float
    bankruptcy_price: float
    maintenance_margin: float
    distance_to_liquidation: float
    reported_liquidation_price: float
    difference: float
    relative_difference: float

    def to_frame(self) -> pd.DataFrame:
        """One-row frame."""
        return pd.DataFrame([asdict(self)])

    def summary(self) -> pd.DataFrame:
        """Fields as a one-column frame."""
        d = asdict(self)
        return pd.DataFrame({"value": list(d.values())}, index=pd.Index(list(d)))

    def _repr_html_(self) -> str:
        return self.summary().to_html()


def _margin_of(position: Mapping[str, Any], size: float, entry: float, linear: bool) -> float:
    info = position.get("info") or {}
    if isinstance(info, Mapping):
        inner = info.get("position")
        if isinstance(inner, Mapping) and isinstance(inner.get("leverage"), Mapping):
            raw = inner["leverage"].get("rawUsd")  # Hyperliquid isolated: cash behind position
            if raw is not None:
                szi = _num(inner.get("szi"))
                return _num(raw) + szi * _num(inner.get("entryPx"))
        if info.get("isolatedWallet") not in (None, "", "0"):  # Binance positionRisk
            return _num(info["isolatedWallet"])
    collateral = _num(position.get("collateral"))
    upnl = _num(position.get("unrealizedPnl"))
    if np.isnan(collateral):
        raise ValueError(
            f"position {position.get('symbol')!r} has no collateral (nor info.isolatedWallet / "
            "info.position.leverage.rawUsd): cannot tell the isolated margin"
        )
    return collateral - (0.0 if np.isnan(upnl) else upnl)


def _max_leverage_of(position: Mapping[str, Any]) -> float | None:
    info = position.get("info") or {}
    inner = info.get("position") if isinstance(info, Mapping) else None
    if isinstance(inner, Mapping) and inner.get("maxLeverage") is not None:
        return _num(inner["maxLeverage"])
    return None


def _one(
    position: Mapping[str, Any], exchange: Any, account: Mapping[str, Any] | None, as_of: Any
) -> PositionCheck:
    if not isinstance(position, Mapping):
        raise TypeError(f"position must be a dict; got {type(position).__name__}")
    symbol = str(position.get("symbol") or "")
    venue = venue_for(exchange, symbol)
    lev = _max_leverage_of(position)
    try:
        venue.market(symbol)
        kw: dict[str, Any] = {}
    except ValueError:
        if lev is None or venue.maintenance_rule != "half_max_leverage":
            raise
        kw = {"max_leverage": lev}  # e.g. a HIP-3 market: the response's maxLeverage
    market = venue._resolve(symbol, kw.get("max_leverage"))
    side = "long" if parse_side(str(position.get("side"))) > 0 else "short"
    contracts = _num(position.get("contracts"))
    csize = _num(position.get("contractSize"))
    size = abs(contracts) * (market.contract_size if np.isnan(csize) else csize)
    entry = _num(position.get("entryPrice"))
    mark = _num(position.get("markPrice"))
    mode = position.get("marginMode") or ("isolated" if position.get("isolated") else "cross")
    linear = market.contract == "linear"
    if mode == "cross":
        if account is None or "wallet_balance" not in account:
            raise ValueError(
                f"account with 'wallet_balance' (and other 'positions') is required for the "
                f"cross position {symbol!r}; got {account!r}"
            )
        # the account's other positions: all but this one (same symbol and side). A hedged
        # opposite leg in the same market stays in, and cross_margin refuses the pair
        others = [
            p
            for p in account.get("positions", [])
            if not (
                p.get("symbol") == symbol
                and ("long" if parse_side(str(p.get("side"))) > 0 else "short") == side
            )
        ]
        rows = [_row(position, market_mark=mark, entry=entry, size=size, side=side, **kw)]
        for o in others:
            oc = _num(o.get("contracts")) * (
                _num(o.get("contractSize")) if o.get("contractSize") else 1.0
            )
            rows.append(
                _row(
                    o,
                    _num(o.get("markPrice")),
                    _num(o.get("entryPrice")),
                    abs(oc),
                    "long" if parse_side(str(o.get("side"))) > 0 else "short",
                )
            )
        acct = cross_margin(venue, rows, float(account["wallet_balance"]), as_of=as_of)
        r = acct.positions.iloc[0]
        margin, liq, mm = (
            float(r["margin"]),
            float(r["liquidation_price"]),
            float(r["maintenance_margin"]),
        )
    else:
        margin = _margin_of(position, size, entry, linear)
        liq = float(
            venue.liquidation_price(symbol, side, entry, size, margin, "isolated", as_of, **kw)
        )
        price = entry if np.isnan(mark) else mark
        mm = float(
            venue.maintenance_margin(symbol, size, price, entry_price=entry, as_of=as_of, **kw)
        )
    if kw:  # market not in the profile: bankruptcy needs no tier table
        raw_bp = float(bankruptcy_price(side, entry, size, margin, market.contract))
        bp = float("nan") if side == "long" and raw_bp <= 0 else raw_bp
    else:
        bp = float(venue.bankruptcy_price(symbol, side, entry, size, margin, mode))
    reported = _num(position.get("liquidationPrice"))
    if reported == 0.0:
        reported = float("nan")
    dist = float(distance(side, entry if np.isnan(mark) else mark, liq))
    diff = liq - reported
    return PositionCheck(
        venue.name,
        symbol,
        side,
        str(mode),
        entry,
        mark,
        size,
        margin,
        liq,
        bp,
        mm,
        dist,
        reported,
        diff,
        diff / reported if reported else float("nan"),
    )


def _row(
    position: Mapping[str, Any],
    market_mark: float,
    entry: float,
    size: float,
    side: str,
    **kw: Any,
) -> dict[str, Any]:
    return {
        "symbol": position.get("symbol"),
        "side": side,
        "entry_price": entry,
        "size": size,
        "mark_price": entry if np.isnan(market_mark) else market_mark,
        "max_leverage": kw.get("max_leverage", np.nan),
    }


def position_from_ccxt(
    position: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    exchange: str | Venue,
    account: Mapping[str, Any] | None = None,
    *,
    as_of: Any = None,
) -> Any:
    """riskkit's liquidation view of ccxt unified position(s), beside the venue's number.

    Parameters
    ----------
    position : dict or list of dicts
        ccxt ``fetchPositions`` entries (``symbol``, ``side``, ``contracts``, ``contractSize``,
        ``entryPrice``, ``markPrice``, ``collateral``, ``unrealizedPnl``, ``marginMode``,
        ``liquidationPrice``, ``info``).
    exchange : str or Venue
        ccxt exchange id (``"binance"``, ``"hyperliquid"``, ...) or a profile (e.g. one extended
        with :meth:`Venue.with_market`).
    account : dict, optional
        For cross positions: ``{"wallet_balance": WB, "positions": [other ccxt positions]}``.
    as_of : date-like, optional
        Snapshot date (latest if None).

    Returns
    -------
    PositionCheck or DataFrame
        A :class:`PositionCheck` for one dict; a DataFrame (one row per position) for a list.

    Raises
    ------
    ValueError
        Unknown exchange or symbol, a cross position without ``account``, a position without
        collateral.

    Notes
    -----
    Isolated margin at entry is read from the raw response where possible (Hyperliquid
    ``leverage.rawUsd + szi x entryPx``; Binance ``isolatedWallet``), else
    ``collateral - unrealizedPnl`` (ccxt's collateral includes unrealised PnL). A reported
    ``liquidationPrice`` of null or 0 (the venues' "none") is NaN, as riskkit's
    "cannot be liquidated".

    Examples
    --------
    A Hyperliquid HIP-3 position recorded in ccxt's static tests (reported 64.2010892308):

    >>> pos = {"symbol": "FLX-CRCL/USDH:USDH", "side": "long", "contracts": 0.13,
    ...        "contractSize": 1, "entryPrice": 80.262, "marginMode": "isolated",
    ...        "liquidationPrice": 64.2010892308,
    ...        "info": {"position": {"szi": "0.13", "entryPx": "80.262", "maxLeverage": "3",
    ...                              "leverage": {"type": "isolated", "rawUsd": "-6.955118"}}}}
    >>> round(position_from_ccxt(pos, "hyperliquid").liquidation_price, 10)
    64.2010892308
    """
    parse_as_of(as_of)
    if isinstance(position, Mapping):
        return _one(position, exchange, account, as_of)
    if isinstance(position, Sequence) and not isinstance(position, str):
        rows = [asdict(_one(p, exchange, account, as_of)) for p in position]
        return pd.DataFrame(rows)
    raise TypeError(f"position must be a dict or a list of dicts; got {type(position).__name__}")


def tiers_from_ccxt(
    tiers: Sequence[Mapping[str, Any]],
    *,
    venue: str = "",
    symbol: str = "",
    contract: str = "linear",
    settlement_currency: str = "",
    contract_size: float = 1.0,
    source_url: str = "",
    vintage: str = "",
    size_unit: str = "notional",
) -> MarginTiers:
    """A :class:`~riskkit.margin.MarginTiers` from ccxt leverage tiers of one market.

    The other spelling of :meth:`riskkit.margin.MarginTiers.from_ccxt` (same arguments, same
    result), kept beside the other ccxt adapters.

    Parameters
    ----------
    tiers : list of dicts
        ccxt ``fetchLeverageTiers()[symbol]`` / ``fetchMarketLeverageTiers(symbol)``: each with
        ``minNotional``, ``maxNotional``, ``maintenanceMarginRate``, ``maxLeverage`` and
        ``info``. The maintenance amount is read from ``info`` where the venue sends one
        (Binance ``cum``, Bybit ``mmDeduction``); otherwise the amounts follow the cum
        recursion.
    venue, symbol, contract, settlement_currency, contract_size, source_url, vintage
        Metadata stored on the table.
    size_unit : {"notional", "contracts"}, default "notional"
        "contracts" for OKX, whose ccxt tiers carry ``minSz``/``maxSz`` in contracts: the
        bounds become riskkit ``size`` units (x ``contract_size``) and the tier follows the
        size (``tier_basis = "size"``), as on OKX.

    Returns
    -------
    MarginTiers

    Raises
    ------
    ValueError
        Empty input, missing keys, or a ladder :class:`MarginTiers` rejects.

    Notes
    -----
    Tiers are sorted by ``minNotional``; each floor is the previous tier's ``maxNotional``, so
    OKX-style integer gaps (0-2000, 2001-4000) become contiguous. Bounds are in the units ccxt
    reports; pass ``size_unit="contracts"`` for OKX.

    Examples
    --------
    >>> t = tiers_from_ccxt([
    ...     {"minNotional": 0, "maxNotional": 50000, "maintenanceMarginRate": 0.004,
    ...      "maxLeverage": 125, "info": {"cum": "0.0"}},
    ...     {"minNotional": 50000, "maxNotional": 250000, "maintenanceMarginRate": 0.005,
    ...      "maxLeverage": 100, "info": {"cum": "50.0"}}])
    >>> t.lookup(100_000.0)
    (0.005, 50.0)
    """
    return MarginTiers.from_ccxt(
        tiers,
        venue=venue,
        symbol=symbol,
        contract=contract,
        settlement_currency=settlement_currency,
        contract_size=contract_size,
        source_url=source_url,
        vintage=vintage,
        size_unit=size_unit,
    )
