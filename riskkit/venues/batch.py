"""Liquidation prices of many positions spread over venues and symbols, in one call."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import ArrayLike
from riskkit._validation import as_float_array
from riskkit.venues._base import parse_side
from riskkit.venues._registry import get

__all__ = ["liquidation_prices"]


def liquidation_prices(
    venue: Any,
    symbol: Any,
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    margin_mode: str = "isolated",
    as_of: Any = None,
) -> Any:
    """Liquidation price of each position, each under its own venue profile and symbol.

    Parameters
    ----------
    venue, symbol : array of str
        Profile name and symbol per position (a scalar broadcasts).
    side, entry_price, size, margin, margin_mode, as_of
        As in :meth:`riskkit.venues.Venue.liquidation_price` (arrays of equal length).

    Returns
    -------
    ndarray or Series
        Quote per base; NaN where a position cannot be liquidated. A Series (on the index of
        the first Series input) when one is given.

    Notes
    -----
    Positions are grouped by (venue, symbol) with :func:`pandas.factorize`; each group is one
    vectorised call, so the cost is that of the single-venue path plus one gather/scatter.

    Examples
    --------
    >>> liquidation_prices(["bybit-classic", "hyperliquid"], ["BTCUSDT", "BTC"], ["long", -1],
    ...                    [20_000.0, 60_000.0], [1.0, 1.0], [400.0, 6_000.0]).round(2).tolist()
    [19700.0, 65185.19]
    """
    e = as_float_array(entry_price, "entry_price").ravel()
    n = e.size
    q = np.broadcast_to(as_float_array(size, "size").ravel(), (n,))
    m = np.broadcast_to(as_float_array(margin, "margin").ravel(), (n,))
    s = np.broadcast_to(np.asarray(parse_side(side), dtype=np.float64).ravel(), (n,))
    ven = np.broadcast_to(np.asarray(venue, dtype=object).ravel(), (n,))
    sym = np.broadcast_to(np.asarray(symbol, dtype=object).ravel(), (n,))
    codes_v, names_v = pd.factorize(ven)
    codes_s, names_s = pd.factorize(sym)
    key = codes_v.astype(np.int64) * max(len(names_s), 1) + codes_s
    order = np.argsort(key, kind="stable")
    ks = key[order]
    bounds = np.flatnonzero(np.diff(ks)) + 1
    out = np.empty(n)
    for grp in np.split(order, bounds):
        if not grp.size:
            continue
        k = key[grp[0]]
        v = get(str(names_v[k // max(len(names_s), 1)]))
        sy = str(names_s[k % max(len(names_s), 1)])
        out[grp] = v.liquidation_price(sy, s[grp], e[grp], q[grp], m[grp], margin_mode, as_of)
    for x in (entry_price, size, margin, side):
        if isinstance(x, pd.Series) and len(x) == n:
            return pd.Series(out, index=x.index, name="liquidation_price")
    return out
