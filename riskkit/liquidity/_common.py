"""Helpers shared by the :mod:`riskkit.liquidity` modules (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_unique_index
from riskkit._typing import FloatArray
from riskkit._validation import as_float_array

__all__: list[str] = []


def _series(x: Any, name: str, *, positive: bool = False, allow_nan: bool = False) -> pd.Series:
    """``x`` as a float Series with an increasing unique index; a ValueError names ``name``."""
    if isinstance(x, pd.Series):
        values = as_float_array(x, name, allow_nan=allow_nan)
        check_unique_index(x, name)
        if not x.index.is_monotonic_increasing:
            raise ValueError(
                f"{name} must have an increasing index; sort it first ({name}.sort_index())"
            )
        out = pd.Series(values, index=x.index, name=x.name)
    else:
        values = as_float_array(x, name, allow_nan=allow_nan)
        if values.ndim != 1:
            raise ValueError(f"{name} must be one-dimensional; got shape {values.shape}")
        out = pd.Series(values)
    if positive and bool((out.dropna() <= 0).any()):
        raise ValueError(f"{name} must be > 0; got {float(out[out <= 0].iloc[0])!r}")
    return out


def _aligned(**named: Any) -> pd.DataFrame:
    """Several Series checked by :func:`_series` and aligned on the same index."""
    frames = {}
    for name, value in named.items():
        frames[name] = _series(value, name, positive=True)
    lengths = {len(s) for s in frames.values()}
    if len(lengths) > 1 and not all(isinstance(v, pd.Series) for v in named.values()):
        raise ValueError(f"{', '.join(named)} must have the same length; got {sorted(lengths)}")
    out = pd.concat(frames, axis=1)
    if len(out) != min(lengths):
        raise ValueError(f"{', '.join(named)} must share the same index")
    return out


def _window(window: Any, n: int) -> int | None:
    """``window`` as None or an int >= 2 (bars)."""
    if window is None:
        return None
    if isinstance(window, bool) or not isinstance(window, int | np.integer):
        raise TypeError(f"window must be an int (bars) or None; got {type(window).__name__}")
    if window < 2:
        raise ValueError(f"window must be >= 2 bars; got {window}")
    return int(window)


def _finish(values: pd.Series, window: int | None, name: str) -> Any:
    """The mean of ``values`` (a float) or its rolling mean over ``window`` bars (a Series)."""
    if window is None:
        return float(values.mean())
    return values.rolling(window, min_periods=window).mean().rename(name)


def _html(df: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + df.to_html(float_format=lambda v: f"{v:,.6g}")


def _frozen(a: Any) -> FloatArray:
    out = np.array(a, dtype=np.float64, copy=True, order="C")
    out.flags.writeable = False
    return out


def _positive_scalar(x: Any, name: str, *, strict: bool = True) -> float:
    from riskkit._errors import scalar_array

    value = float(scalar_array(x, name))
    if (value <= 0) if strict else (value < 0):
        raise ValueError(f"{name} must be {'> 0' if strict else '>= 0'}; got {value!r}")
    return value
