"""Validation helpers used at the public boundary of every module.

Each helper takes the argument's name so that the message says which argument broke which rule
and what value was received, e.g. ``maintenance_margin_rate must be in [0, 1); got 1.5``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import FloatArray

__all__ = [
    "as_float_array",
    "check_option",
    "check_positive",
    "check_range",
    "index_of",
    "side_sign",
    "wrap_like",
]


def _preview(x: Any) -> str:
    arr = np.asarray(x)
    if arr.size == 1:
        return repr(arr.ravel()[0].item() if hasattr(arr.ravel()[0], "item") else arr.ravel()[0])
    flat = arr.ravel()
    shown = ", ".join(repr(v) for v in flat[:5].tolist())
    return f"array([{shown}{', ...' if flat.size > 5 else ''}]) of shape {arr.shape}"


def as_float_array(x: Any, name: str, *, allow_nan: bool = False) -> FloatArray:
    """Return ``x`` as a float64 array, or raise naming ``name``.

    Booleans, strings and objects that do not convert are a ``TypeError``; NaN or infinity is a
    ``ValueError`` unless ``allow_nan`` (then NaN passes, infinity still fails).
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric; got {type(x).__name__} {x!r}")
    if isinstance(x, pd.Series | pd.Index):
        values: Any = x.to_numpy()
    else:
        values = x
    arr0 = np.asarray(values)
    if arr0.dtype == bool or arr0.dtype.kind in "OSUVMm":
        if arr0.dtype.kind == "O":
            try:
                arr = arr0.astype(np.float64)
            except (TypeError, ValueError):
                raise TypeError(
                    f"{name} must be numeric; got {arr0.dtype} values {_preview(arr0)}"
                ) from None
        else:
            raise TypeError(f"{name} must be numeric; got dtype {arr0.dtype}")
    else:
        arr = arr0.astype(np.float64, copy=False)
    bad = ~np.isfinite(arr)
    if allow_nan:
        bad &= ~np.isnan(arr)
    if bad.any():
        raise ValueError(
            f"{name} must be finite{'' if not allow_nan else ' or NaN'}; "
            f"got {_preview(arr[bad])} among {_preview(arr)}"
        )
    return arr


def check_range(
    arr: FloatArray,
    name: str,
    low: float | None = None,
    high: float | None = None,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> FloatArray:
    """Raise ``ValueError`` unless every (non-NaN) element lies in the interval."""
    values = np.asarray(arr, dtype=np.float64)
    ok = np.ones(values.shape, dtype=bool)
    if low is not None:
        ok &= values >= low if low_inclusive else values > low
    if high is not None:
        ok &= values <= high if high_inclusive else values < high
    ok |= np.isnan(values)
    if not ok.all():
        lo = "(-inf" if low is None else ("[" if low_inclusive else "(") + f"{low:g}"
        hi = "inf)" if high is None else f"{high:g}" + ("]" if high_inclusive else ")")
        raise ValueError(f"{name} must be in {lo}, {hi}; got {_preview(values[~ok])}")
    return values


def check_positive(arr: FloatArray, name: str, *, strict: bool = True) -> FloatArray:
    """Raise ``ValueError`` unless every element is > 0 (``strict``) or >= 0."""
    values = np.asarray(arr, dtype=np.float64)
    bad = values <= 0 if strict else values < 0
    if bad.any():
        rule = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} must be {rule}; got {_preview(values[bad])}")
    return values


def check_option(value: Any, name: str, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``; else raise listing the allowed values."""
    options = tuple(allowed)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}; got {type(value).__name__} {value!r}")
    if value not in options:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def side_sign(side: Any, name: str = "side") -> FloatArray:
    """Map ``"long"``/``"short"`` (scalar or array of strings) to +1.0/-1.0."""
    if isinstance(side, str):
        check_option(side, name, ("long", "short"))
        return np.asarray(1.0 if side == "long" else -1.0)
    arr = np.asarray(side.to_numpy() if isinstance(side, pd.Series) else side, dtype=object)
    is_long = arr == "long"
    is_short = arr == "short"
    bad = ~(is_long | is_short)
    if bad.any():
        raise ValueError(f"{name} must be 'long' or 'short'; got {_preview(arr[bad])}")
    return np.where(is_long, 1.0, -1.0)


def index_of(*args: Any) -> pd.Index | None:
    """The index of the first pandas Series among ``args`` (None if there is none)."""
    for a in args:
        if isinstance(a, pd.Series):
            return a.index
    return None


def wrap_like(result: Any, *inputs: Any, name: str | None = None) -> Any:
    """Return ``result`` as a Series on the first Series input's index; a float for 0-d."""
    idx = index_of(*inputs)
    out = np.asarray(result, dtype=np.float64)
    if idx is not None and out.ndim == 1 and len(idx) == out.shape[0]:
        return pd.Series(out, index=idx, name=name)
    if out.ndim == 0:
        return float(out)
    return out


def as_sequence(x: Any) -> Sequence[Any]:
    """Return ``x`` as a list if it is a non-string iterable, else ``[x]``."""
    if isinstance(x, str) or not isinstance(x, Iterable):
        return [x]
    return list(x)
