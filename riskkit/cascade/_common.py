"""Helpers shared by the :mod:`riskkit.cascade` modules.

The isolated-margin liquidation price lives here, in one private function, so that venue-exact
formulas (tiers, fees, cross margin) can replace it in one place; the rest are argument checks
and the HTML table of the result objects.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import FloatArray
from riskkit._validation import as_float_array, check_time_index, side_sign
from riskkit.exceptions import InsufficientDataError

__all__: list[str] = []

# --------------------------------------------------------------------------------------------
# liquidation price (local; to be replaced by riskkit.liquidation's general formula)
# --------------------------------------------------------------------------------------------


def _isolated_liquidation_price(
    sign: FloatArray, entry_price: FloatArray, leverage: FloatArray, mmr: FloatArray
) -> FloatArray:
    """Isolated-margin liquidation price of a linear contract, no fees (vectorised).

    ``E(1 - 1/L)/(1 - m)`` for longs (sign +1), ``E(1 + 1/L)/(1 + m)`` for shorts (sign -1).
    """
    return entry_price * (1.0 - sign / leverage) / (1.0 - sign * mmr)


def _liquidation_key(sign: FloatArray, entry_price: FloatArray, leverage: FloatArray) -> FloatArray:
    """Numerator ``E(1 - s/L)`` of the liquidation price: the sort key that does not move with m."""
    return entry_price * (1.0 - sign / leverage)


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _html(df: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + df.to_html(float_format=lambda v: f"{v:,.6g}")


def _scalar(x: Any, name: str) -> float:
    arr = as_float_array(x, name)
    if arr.ndim != 0:
        raise TypeError(f"{name} must be a scalar; got an array of shape {arr.shape}")
    return float(arr)


def _frozen(a: Any) -> Any:
    """A C-contiguous read-only copy of ``a``."""
    out = np.array(a, copy=True, order="C")
    out.flags.writeable = False
    return out


def _fast_side_sign(side: Any) -> FloatArray:
    """``side_sign`` with a vectorised path for numpy string arrays (large books)."""
    if isinstance(side, np.ndarray) and side.dtype.kind == "U":
        is_long = side == "long"
        bad = ~(is_long | (side == "short"))
        if bad.any():
            side_sign(side[bad][:5], "side")  # raises the standard message
        return np.atleast_1d(np.where(is_long, 1.0, -1.0))
    return np.atleast_1d(side_sign(side, "side")).astype(np.float64)


def _arr(x: Any, name: str) -> FloatArray:
    """A scalar argument as a 0-d float array (for the range checks)."""
    return np.asarray(_scalar(x, name), dtype=np.float64)


def _newey_west_lags(nobs: int) -> int:
    """Newey & West (1994) automatic lag: floor(4 (n/100)^(2/9))."""
    return math.floor(4.0 * (nobs / 100.0) ** (2.0 / 9.0))


def _as_series(x: Any, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise TypeError(f"{name} must be a pandas Series; got {type(x).__name__}")
    check_time_index(x, name)
    as_float_array(x, name, allow_nan=True)
    return x.astype(np.float64)


def _check_nobs(n: int, need: int, what: str) -> None:
    if n < need:
        raise InsufficientDataError(f"{what} needs at least {need} complete observations; got {n}")
