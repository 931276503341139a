"""Fast-path validators of the liquidation solvers: one min/max pass per array.

They accept the common case (a float64 array, a plain number) without copying and only call the
detailed helpers of :mod:`riskkit._validation` to explain a failure; ``bench_liquidation.py``
measures what they save.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import CONTRACTS, FloatArray
from riskkit._validation import as_float_array, check_option, check_positive, check_range, side_sign


# --------------------------------------------------------------------------------------------
# fast validation (one pass of min/max per array; the detailed helpers explain failures)
# --------------------------------------------------------------------------------------------
class _Checked:
    """A float64 array with its min and max, computed once (one reduction each)."""

    __slots__ = ("arr", "hi", "lo")

    def __init__(self, x: Any, name: str) -> None:
        if isinstance(x, np.ndarray) and x.dtype == np.float64:
            arr = x
        elif isinstance(x, float | int) and not isinstance(x, bool):
            arr = np.asarray(float(x))
        else:
            arr = as_float_array(x, name)
        lo, hi = (arr.min(), arr.max()) if arr.size else (0.0, 0.0)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            as_float_array(arr, name)  # raises, naming the offending values
        self.arr, self.lo, self.hi = arr, float(lo), float(hi)


def _arr(x: Any, name: str) -> FloatArray:
    return _Checked(x, name).arr


def _positive(x: Any, name: str) -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not c.lo > 0:
        check_positive(c.arr, name)
    return c.arr


def _mmr(x: Any, name: str = "maintenance_margin_rate") -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not (c.lo >= 0 and c.hi < 1):
        check_range(c.arr, name, 0.0, 1.0, high_inclusive=False)
    return c.arr


def _nonneg(x: Any, name: str) -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not c.lo >= 0:
        check_positive(c.arr, name, strict=False)
    return c.arr


def _sign(side: Any) -> FloatArray:
    if isinstance(side, str):
        return side_sign(side)
    arr = np.asarray(side.to_numpy() if isinstance(side, pd.Series) else side)
    if arr.dtype.kind in "fiu":
        arr = arr.astype(np.float64, copy=False)
        n_ok = np.count_nonzero(arr == 1.0) + np.count_nonzero(arr == -1.0)
        if n_ok != arr.size:
            bad = arr[np.abs(arr) != 1.0]
            raise ValueError(
                f"side must be 'long'/'short' or +1/-1; got {bad[:5].tolist()} among the values"
            )
        return arr
    return side_sign(arr)


def _contract(contract: Any) -> str:
    return check_option(contract, "contract", CONTRACTS)
