"""Validators shared by the :mod:`riskkit.systemic` modules (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_type, check_tz_match, check_unique_index
from riskkit._validation import as_float_array
from riskkit.exceptions import InsufficientDataError


def _html(summary: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + summary.to_html(float_format=lambda v: f"{v:.4g}")


def _check_level(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise TypeError(f"{name} must be a float in (0, 1); got {type(value).__name__} {value!r}")
    q = float(value)
    if not 0.0 < q < 1.0:
        raise ValueError(f"{name} must be in (0, 1); got {value!r}")
    return q


def _time_index(obj: pd.Series | pd.DataFrame, name: str) -> None:
    """Raise unless ``obj`` has a unique, strictly increasing index."""
    check_unique_index(obj, name)
    if not obj.index.is_monotonic_increasing:
        raise ValueError(
            f"{name} must have an increasing index (sorted in time); sort it first, e.g. "
            f"{name}.sort_index()"
        )


def _series(x: Any, name: str) -> pd.Series:
    """``x`` as a finite float Series with an increasing unique index (NaN allowed)."""
    check_type(x, name, pd.Series)
    if isinstance(x.index, pd.MultiIndex):
        raise TypeError(f"{name} must have a flat index; got a MultiIndex")
    arr = as_float_array(x, name, allow_nan=True)
    _time_index(x, name)
    return pd.Series(arr, index=x.index, name=x.name)


def _frame(x: Any, name: str, *, min_columns: int = 2) -> pd.DataFrame:
    """``x`` as a float DataFrame with an increasing unique index and enough columns."""
    check_type(x, name, pd.DataFrame)
    if x.shape[1] < min_columns:
        raise ValueError(f"{name} must have at least {min_columns} columns; got {x.shape[1]}")
    arr = as_float_array(x.to_numpy(), name, allow_nan=True)
    _time_index(x, name)
    return pd.DataFrame(arr, index=x.index, columns=[str(c) for c in x.columns])


def _align(a: pd.Series, name_a: str, b: pd.Series, name_b: str, need: int) -> pd.DataFrame:
    """Align two Series on their labels (inner join, NaN rows dropped); check the overlap."""
    check_tz_match(a.index, name_a, b.index, name_b)
    both = pd.concat({name_a: a, name_b: b}, axis=1, join="inner").dropna()
    if len(both) < need:
        raise InsufficientDataError(
            f"{name_a} and {name_b} share {len(both)} labelled observations without NaN; "
            f"need at least {need}"
        )
    return both
