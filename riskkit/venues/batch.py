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


def _profile(k: int, width: int, names_v: Any, names_s: Any) -> tuple[Any, str]:
    return get(str(names_v[k // width])), str(names_s[k % width])


def _codes(x: Any, n: int) -> tuple[Any, Any]:
    # categoricals carry their codes: no hashing of n strings
    if isinstance(x, pd.Series) and isinstance(x.dtype, pd.CategoricalDtype):
        x = x.array
    if isinstance(x, pd.Categorical):
        if len(x) != n or (x.codes < 0).any():
            raise ValueError(f"venue/symbol categoricals must have {n} non-missing values")
        return x.codes, x.categories
    if isinstance(x, str):
        return np.zeros(n, dtype=np.int64), pd.Index([x])
    arr = np.asarray(x, dtype=object).ravel()
    if arr.size != n:
        raise ValueError(f"venue and symbol must have one value per position ({n}); got {arr.size}")
    return pd.factorize(arr)


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
    venue, symbol : str, array of str, or pandas Categorical
        Profile name and symbol per position (a scalar broadcasts). Categoricals are used
        through their codes (no hashing: the fast path for millions of positions).
    side, entry_price, size, margin, margin_mode, as_of
        As in :meth:`riskkit.venues.Venue.liquidation_price` (arrays of equal length).

    Returns
    -------
    ndarray or Series
        Quote per base; NaN where a position cannot be liquidated. A Series (on the index of
        the first Series input) when one is given.

    Notes
    -----
    Positions are grouped by (venue, symbol) codes (:func:`pandas.factorize` for strings, the
    codes of a Categorical) with a stable radix sort; each group is one vectorised call, so the
    cost is that of the single-venue path plus one sort and one gather/scatter; positions
    already grouped (sorted by venue and symbol) are processed as contiguous views, with no
    sort and no gather.

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
    codes_v, names_v = _codes(venue, n)
    codes_s, names_s = _codes(symbol, n)
    width = max(len(names_s), 1)
    key = codes_v.astype(np.int64) * width + codes_s
    if len(names_v) * width < 2**15:  # small integer keys: numpy's stable sort is a radix sort
        key = key.astype(np.int16)
    out = np.empty(n)
    if n and bool((key[1:] >= key[:-1]).all()):
        # already grouped (a frame sorted by venue and symbol): contiguous views, no gathers
        bounds = np.flatnonzero(np.diff(key)) + 1
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, n], strict=True):
            v, sy = _profile(int(key[lo]), width, names_v, names_s)
            sl = slice(int(lo), int(hi))
            out[sl] = v.liquidation_price(sy, s[sl], e[sl], q[sl], m[sl], margin_mode, as_of)
    else:
        order = np.argsort(key, kind="stable")
        bounds = np.flatnonzero(np.diff(key[order])) + 1
        for grp in np.split(order, bounds):
            if not grp.size:
                continue
            v, sy = _profile(int(key[grp[0]]), width, names_v, names_s)
            out[grp] = v.liquidation_price(sy, s[grp], e[grp], q[grp], m[grp], margin_mode, as_of)
    for x in (entry_price, size, margin, side):
        if isinstance(x, pd.Series) and len(x) == n:
            return pd.Series(out, index=x.index, name="liquidation_price")
    return out
