"""Validators and helpers shared by the :mod:`riskkit.cycles` modules (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._validation import as_float_array, check_time_index

Window = int | str | pd.Timedelta


def _html(summary: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + summary.to_html(float_format=lambda v: f"{v:.4g}")


def _series(x: Any, name: str, *, allow_nan: bool = False) -> pd.Series:
    """``x`` as a float Series (a RangeIndex if it was not a Series), validated, in time order."""
    check_time_index(x, name)
    arr = as_float_array(x, name, allow_nan=allow_nan)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {arr.shape}")
    if isinstance(x, pd.Series):
        return pd.Series(arr, index=x.index, name=x.name)
    return pd.Series(arr, name=name)


def _lookback(index: pd.Index, window: Window, name: str) -> np.ndarray:
    """Position of the first observation inside the window that ends at each observation.

    An ``int`` window counts periods (``window`` periods back, so ``window + 1`` observations);
    a string or Timedelta is a length of time and needs a sorted DatetimeIndex.
    """
    n = len(index)
    pos = np.arange(n)
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        if window < 1:
            raise ValueError(f"{name} must be >= 1 period; got {window}")
        return np.maximum(pos - int(window), 0)
    if not isinstance(window, str | pd.Timedelta):
        raise TypeError(
            f"{name} must be an int (periods) or a time length such as '30D'; "
            f"got {type(window).__name__} {window!r}"
        )
    try:
        delta = pd.Timedelta(window)
    except ValueError:
        raise ValueError(f"{name} must be a time length such as '30D'; got {window!r}") from None
    if delta <= pd.Timedelta(0):
        raise ValueError(f"{name} must be a positive time length; got {window!r}")
    if not isinstance(index, pd.DatetimeIndex):
        raise TypeError(
            f"{name}={window!r} is a time length and needs a Series with a DatetimeIndex; "
            f"got {type(index).__name__} (pass an int number of periods instead)"
        )
    if not index.is_monotonic_increasing:
        raise ValueError(f"{name}: the index must be sorted in increasing time order")
    dti = pd.DatetimeIndex(index)
    return np.searchsorted(dti.asi8, (dti - delta).asi8, side="left")


def _lookahead(index: pd.Index, window: Window, name: str) -> np.ndarray:
    """Position of the last observation inside the window that starts at each observation."""
    n = len(index)
    pos = np.arange(n)
    if isinstance(window, int | np.integer) and not isinstance(window, bool):
        if window < 1:
            raise ValueError(f"{name} must be >= 1 period; got {window}")
        return np.minimum(pos + int(window), n - 1)
    _lookback(index, window, name)  # validates type and index
    dti = pd.DatetimeIndex(index)
    return np.searchsorted(dti.asi8, (dti + pd.Timedelta(window)).asi8, side="right") - 1
