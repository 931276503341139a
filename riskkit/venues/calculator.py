"""The per-venue inputs of a closed-form liquidation-price calculator (the book's chapter 2).

:func:`calculator_rates` reads, for one small position per venue, the maintenance rate, the fee
the venue reserves in maintenance, the contract type and the basis on which maintenance is
charged from the shipped profiles. With these four numbers the liquidation price of an isolated
position opened at leverage :math:`L` has a closed form that a browser can evaluate (see
:func:`riskkit.charts.interactive.chart_liquidation_calculator`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_mapping
from riskkit._validation import as_float_array, check_positive
from riskkit.venues._registry import get

__all__ = ["CALCULATOR_MARKETS", "calculator_rates"]

#: One BTC perpetual per shipped profile (profile -> venue symbol), the markets of chapter 2.
#: Gate is left out: its BTC_USDT tiers are so narrow that a long's notional at the liquidation
#: price falls a tier below its entry tier, which the calculator's closed form cannot follow.
CALCULATOR_MARKETS: dict[str, str] = {
    "binance-usdm": "BTCUSDT",
    "binance-coinm": "BTCUSD_PERP",
    "bybit": "BTCUSDT",
    "bybit-classic": "BTCUSDT",
    "okx": "BTC-USDT-SWAP",
    "bitmex": "XBTUSD",
    "deribit": "BTC_USDC-PERPETUAL",
    "hyperliquid": "BTC",
    "dydx": "BTC-USD",
    "bitget": "BTCUSDT",
    "kraken-futures": "PF_XBTUSD",
    "gmx-v2": "BTC/USD [WBTC.e-USDC]",
}


def calculator_rates(
    markets: Mapping[str, str] | None = None,
    *,
    notional: float = 100_000.0,
    entry_price: float = 100_000.0,
    as_of: Any = None,
) -> pd.DataFrame:
    """Maintenance rate, reserved fee, contract and maintenance basis of one position per venue.

    Parameters
    ----------
    markets : mapping of str to str, optional
        Venue profile name -> venue symbol; :data:`CALCULATOR_MARKETS` by default. A venue that
        reserves a fee must ship a default taker rate.
    notional : float, default 100,000
        Position notional at entry, USD, > 0. It picks the tier and, on Deribit, the size term
        of the rate.
    entry_price : float, default 100,000
        Entry price, USD per BTC, > 0 (sets the linear quantity ``notional / entry_price``).
    as_of : date-like, optional
        Snapshot in force; the latest if None.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``venue``, with columns ``symbol``, ``contract`` ("linear"/"inverse"),
        ``maintenance_basis`` ("mark"/"entry"), ``maintenance_margin_rate``, ``fee_rate`` (the
        fee is 0 where the venue reserves none) and ``deduction_rate`` (the tier's maintenance
        amount over the entry notional), all fractions.

    Raises
    ------
    TypeError
        If ``markets`` is not a mapping.
    ValueError
        Unknown venue or symbol, a non-positive ``notional`` or ``entry_price``, or a venue that
        reserves a fee without a shipped default rate.

    See Also
    --------
    riskkit.venues.Venue.maintenance_margin, riskkit.venues.Venue.liquidation_price

    Notes
    -----
    With :math:`V` the notional at entry in the settlement currency (USD for linear,
    :math:`N/E` coin for inverse) and :math:`\\mathrm{MM}` the venue's requirement on it
    (:meth:`~riskkit.venues.Venue.maintenance_margin`, fee included) and :math:`A` the tier's
    maintenance amount, the rate and the deduction rate are

    .. math::
        m = (\\mathrm{MM} + A)/V - f, \\qquad a = A/V

    with :math:`f` the reserved taker fee. While the position stays in the tier of its entry
    notional, the profile's liquidation price is the closed form of
    :func:`riskkit.liquidation.liquidation_price` (mark basis) or
    :func:`riskkit.liquidation.liquidation_price_fixed_maintenance` (entry basis, Bybit) with
    rate :math:`m + f` and deduction :math:`aV`.

    References
    ----------
    Each profile's ``sources`` (venue pages on tiers and liquidation).

    Examples
    --------
    >>> rates = calculator_rates({"binance-usdm": "BTCUSDT", "okx": "BTC-USDT-SWAP"})
    >>> rates[["maintenance_margin_rate", "fee_rate", "deduction_rate"]]
                  maintenance_margin_rate  fee_rate  deduction_rate
    venue
    binance-usdm                    0.005    0.0000          0.0005
    okx                             0.004    0.0005          0.0000
    """
    markets = CALCULATOR_MARKETS if markets is None else markets
    check_mapping(markets, "markets", "venue symbol", value_type=str)
    check_positive(as_float_array(notional, "notional"), "notional")
    check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    rows = {}
    for name, symbol in markets.items():
        venue = get(name)
        market = venue.market(symbol)
        rule = market.fee_isolated or venue.fee_isolated
        fee = 0.0
        if rule != "none":
            if venue.taker_fee_rate is None:
                raise ValueError(
                    f"markets: {name} reserves the taker fee in maintenance and its profile ships "
                    f"no default rate; got {name!r}"
                )
            fee = float(venue.taker_fee_rate)
        linear = market.contract == "linear"
        size = notional / entry_price if linear else notional
        mm = float(
            venue.maintenance_margin(
                symbol, size, entry_price, entry_price=entry_price, as_of=as_of
            )
        )
        value = notional if linear else notional / entry_price
        amount = 0.0
        if venue.maintenance_rule != "size_linear":
            table = venue.tiers(symbol, as_of)
            key = size if table.tier_basis == "size" else value  # OKX tiers count contracts
            amount = float(np.asarray(table.lookup(key)[1]))
        rows[name] = {
            "symbol": market.symbol,
            "contract": market.contract,
            "maintenance_basis": venue.maintenance_basis,
            "maintenance_margin_rate": round((mm + amount) / value - fee, 12),
            "fee_rate": fee,
            "deduction_rate": round(amount / value, 12),
        }
    out = pd.DataFrame.from_dict(rows, orient="index")
    out.index.name = "venue"
    return out
