"""OHLCV bars from trade prints, for archives that publish trades but no klines (Bybit, OKX)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from riskkit.data.archives.plan import offset
from riskkit.data.repairs import _note

__all__: list[str] = []


def bars_from_trades(
    trades: pd.DataFrame, interval: str, repairs: list[str], *, what: str
) -> pd.DataFrame:
    """Aggregate trades (index UTC time; ``price``, ``volume_base``, ``volume_quote``) to bars.

    Trades are put in time order first (stable, so prints sharing a timestamp keep their file
    order); a bar opens at the floor of its trades' time to ``interval``. Intervals without a
    trade have no bar: no price is invented.

    Notes
    -----
    For the trades :math:`i = 1..n` of a bar, in time order, with price :math:`p_i` and size
    :math:`q_i`: open :math:`p_1`, high :math:`\\max_i p_i`, low :math:`\\min_i p_i`, close
    :math:`p_n`, ``volume_base`` :math:`\\sum_i q_i`, ``trades`` :math:`n`.

    Examples
    --------
    >>> t = pd.DatetimeIndex(["2024-01-01 00:10", "2024-01-01 00:50", "2024-01-01 01:05"],
    ...                      tz="UTC")
    >>> tr = pd.DataFrame({"price": [10.0, 12.0, 11.0], "volume_base": [1.0, 2.0, 3.0],
    ...                    "volume_quote": [10.0, 24.0, 33.0]}, index=t)
    >>> bars_from_trades(tr, "1h", [], what="demo")[["open", "close", "volume_base"]]
                               open  close  volume_base
    time
    2024-01-01 00:00:00+00:00  10.0   12.0          3.0
    2024-01-01 01:00:00+00:00  11.0   11.0          3.0
    """
    if not trades.index.is_monotonic_increasing:
        trades = trades.sort_index(kind="stable")
        _note(repairs, f"{what}: trades sorted ascending by time (file was not in time order)")
    bar = pd.DatetimeIndex(trades.index).floor(offset(interval))
    grouped = trades.groupby(bar, sort=True)
    price = grouped["price"]
    out = pd.DataFrame(
        {
            "open": price.first(),
            "high": price.max(),
            "low": price.min(),
            "close": price.last(),
            "volume_base": grouped["volume_base"].sum(),
            "volume_quote": grouped["volume_quote"].sum(min_count=1),
            "trades": price.size().astype("float64"),
        }
    )
    if "taker_buy" in trades.columns:
        buy = trades["taker_buy"].to_numpy(dtype=bool)
        out["taker_buy_volume_base"] = (
            trades["volume_base"].where(buy, 0.0).groupby(bar, sort=True).sum()
        )
        out["taker_buy_volume_quote"] = (
            trades["volume_quote"].where(buy, 0.0).groupby(bar, sort=True).sum(min_count=1)
        )
    out.index = pd.DatetimeIndex(out.index, name="time")
    return out.astype("float64")


def side_is_buy(side: pd.Series) -> np.ndarray:
    """True where the taker bought (``Buy``/``buy``)."""
    return side.astype(str).str.strip().str.lower().eq("buy").to_numpy()
