"""Input helpers shared by the :mod:`riskkit.leverage` modules."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._validation import as_float_array, check_option, check_positive, check_time_index


def _sign(side: Any) -> float:
    check_option(side, "side", ("long", "short"))
    return 1.0 if side == "long" else -1.0


def _scalar(x: Any) -> Any:
    arr = np.asarray(x, dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr


def _series_1d(
    x: Any, name: str, *, allow_nan: bool = False, ordered: bool = False
) -> tuple[np.ndarray, Any]:
    if ordered:
        check_time_index(x, name)
    arr = as_float_array(x, name, allow_nan=allow_nan)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    return arr, (x.index if isinstance(x, pd.Series) else None)


def _leverage_list(leverage: Any) -> tuple[np.ndarray, bool]:
    arr = as_float_array(leverage, "leverage")
    scalar = arr.ndim == 0
    check_positive(arr, "leverage")
    arr = np.atleast_1d(arr)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"leverage must be a scalar or non-empty 1-D sequence; got {leverage!r}")
    return arr, scalar


def _shape_output(out: np.ndarray, levs: np.ndarray, scalar: bool, index: Any, name: Any) -> Any:
    if scalar:
        col = out[:, 0]
        return pd.Series(col, index=index, name=name) if index is not None else col
    return pd.DataFrame(
        out,
        index=index if index is not None else pd.RangeIndex(out.shape[0]),
        columns=pd.Index(levs, name="leverage"),
    )
