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
    "align_series",
    "as_float_array",
    "check_option",
    "check_positive",
    "check_range",
    "check_time_index",
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


def _reject_non_numeric_objects(arr: np.ndarray, name: str) -> None:
    """Raise ``TypeError`` if an object array holds a string, a bool or None.

    numpy and pandas would parse ``"100"`` or turn ``None`` into NaN; a numeric argument accepts
    neither, whether it arrives as a scalar, a list, an array or a Series.
    """
    for pos, v in enumerate(arr.ravel().tolist()):
        if v is None or isinstance(v, str | bytes | bool | np.bool_):
            raise TypeError(
                f"{name} must be numeric; got {type(v).__name__} {v!r} at position {pos} "
                "(convert strings with pd.to_numeric and mark missing values as NaN first)"
            )


def as_float_array(
    x: Any, name: str, *, allow_nan: bool = False, allow_inf: bool = False
) -> FloatArray:
    """Return ``x`` as a float64 array, or raise naming ``name``.

    Booleans, strings and None (also inside lists, object arrays and Series) and objects that do
    not convert are a ``TypeError``; NaN or infinity is a ``ValueError`` unless ``allow_nan``
    (then NaN passes) or ``allow_inf`` (then +-inf passes).
    """
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be numeric; got {type(x).__name__} {x!r}")
    if isinstance(x, pd.Series | pd.Index):
        values: Any = x.to_numpy()
    else:
        values = x
    arr0 = np.asarray(values)
    if arr0.dtype == bool or arr0.dtype.kind in "OSUVMm":
        if arr0.dtype.kind == "O":
            _reject_non_numeric_objects(arr0, name)
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
    if allow_inf:
        bad &= ~np.isinf(arr)
    if bad.any():
        what = " or ".join(
            ["finite", *(["NaN"] if allow_nan else []), *(["inf"] if allow_inf else [])]
        )
        raise ValueError(f"{name} must be {what}; got {_preview(arr[bad])} among {_preview(arr)}")
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


# --------------------------------------------------------------------------------------------
# labels and time order
# --------------------------------------------------------------------------------------------
def _labels(index: pd.Index) -> str:
    shown = [v if isinstance(v, str | int | float) else str(v) for v in index[:5].tolist()]
    return repr(shown)[:-1] + (", ...]" if len(index) > 5 else "]")


def align_series(*values: Any, names: Sequence[str]) -> tuple[list[Any], pd.Index | None]:
    """Put the pandas arguments of one call on one index, or raise naming the two that differ.

    The rule of the whole package: the Series and DataFrames passed to one function must carry
    the same labels. Equal indexes (same labels, same order) pass unchanged. The same unique
    labels in another order are a permutation, which label alignment resolves without doubt:
    the later objects are reindexed to the first one's order. Anything else (labels missing,
    extra or repeated) is a ``ValueError``: no label is dropped and no NaN is created silently.
    numpy arrays, lists and scalars carry no labels and combine by position as in numpy.

    Returns the values (pandas objects reindexed where needed, the others unchanged) and the
    index of the first pandas object (``None`` if there is none), on which results are wrapped.
    """
    if len(names) != len(values):
        raise TypeError(f"align_series got {len(values)} values but {len(names)} names")
    first: pd.Index | None = None
    first_name = ""
    out = list(values)
    for i, (v, nm) in enumerate(zip(values, names, strict=True)):
        if not isinstance(v, pd.Series | pd.DataFrame):
            continue
        if first is None:
            first, first_name = v.index, nm
            continue
        if v.index is first or v.index.equals(first):
            continue
        tz_a, tz_b = getattr(first, "tz", None), getattr(v.index, "tz", None)
        both_times = isinstance(first, pd.DatetimeIndex) and isinstance(v.index, pd.DatetimeIndex)
        if both_times and (tz_a is None) != (tz_b is None):
            naive, aware = (first_name, nm) if tz_a is None else (nm, first_name)
            tz = tz_b if tz_a is None else tz_a
            raise ValueError(
                f"{naive}.index is tz-naive but {aware}.index is tz-aware ({tz}); make both "
                f"tz-aware, e.g. {naive}.index.tz_localize('UTC') (riskkit's loaders return UTC)"
            )
        same_set = (
            len(v.index) == len(first)
            and first.is_unique
            and v.index.is_unique
            and first.isin(v.index).all()
        )
        if same_set:
            out[i] = v.reindex(first)
            continue
        raise ValueError(
            f"{first_name} and {nm} have different indexes (labels {_labels(first)} vs "
            f"{_labels(v.index)}, lengths {len(first)} and {len(v.index)}); align them first "
            f"(e.g. {nm}.reindex({first_name}.index) or pd.concat([...], axis=1, join='inner'))"
        )
    return out, first


def check_time_index(x: Any, name: str) -> None:
    """Raise ``ValueError`` unless a pandas ``x`` has a unique, strictly increasing index.

    Functions that read a series in row order (differences, running extrema, filters, lags)
    would silently compute on reversed or shuffled time. numpy arrays carry no index: their row
    order is the time order by definition and is not checked.
    """
    if not isinstance(x, pd.Series | pd.DataFrame):
        return
    index = x.index
    if isinstance(index, pd.RangeIndex) and index.step > 0:
        return
    if index.is_monotonic_increasing and index.is_unique:
        return
    try:
        keys = index.asi8 if isinstance(index, pd.DatetimeIndex) else index.to_numpy()
        bad = np.flatnonzero(~(keys[1:] > keys[:-1]))
    except TypeError:
        raise ValueError(
            f"{name} must have a unique, increasing index to be read as a time series; its "
            f"labels {_labels(index)} cannot be ordered"
        ) from None
    pos = int(bad[0]) + 1 if bad.size else 0
    raise ValueError(
        f"{name} must be in increasing time order with unique labels; label {index[pos]} at "
        f"position {pos} does not come after {index[pos - 1]} (sort it first, e.g. "
        f"{name}.sort_index(), and drop duplicate labels)"
    )
