"""Boundary checks that turn hostile inputs into domain errors naming the argument (private).

Each check names the argument, the rule and what was received, e.g.
``confidence must be a scalar; got a list of 2`` or ``events must be a pandas DataFrame; got
list []``. They complement :mod:`riskkit._validation` (numeric arrays, ranges, options).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "check_broadcast",
    "check_frame",
    "check_instance",
    "check_int",
    "check_mapping",
    "check_scalar",
    "check_type",
    "check_tz_match",
    "check_tz_same",
    "check_unique_index",
    "describe",
    "scalar_array",
]

_TYPE_NAMES = {
    pd.Series: "a pandas Series",
    pd.DataFrame: "a pandas DataFrame",
    dict: "a dict",
    Mapping: "a mapping",
}


def describe(value: Any) -> str:
    """A short description of ``value`` for a message: ``list []``, ``str 'x'``, ..."""
    if isinstance(value, np.ndarray | pd.Series | pd.DataFrame):
        return f"{type(value).__name__} of shape {value.shape}"
    text = repr(value)
    return f"{type(value).__name__} {text if len(text) <= 40 else text[:37] + '...'}"


def check_type(value: Any, name: str, *types: type) -> Any:
    """Return ``value`` if it is an instance of one of ``types``; else a ``TypeError``."""
    if not isinstance(value, types):
        wanted = " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in types)
        raise TypeError(f"{name} must be {wanted}; got {describe(value)}")
    return value


def check_mapping(
    value: Any, name: str, what: str, *, value_type: type | tuple[type, ...] | None = None
) -> Mapping[Any, Any]:
    """``value`` as a mapping of label -> ``what``; a ``TypeError`` otherwise.

    With ``value_type``, every value must be an instance of it too
    (``tables['a'] must be a MarginTiers; got str 'x'``).
    """
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a mapping of label -> {what}; got {describe(value)}")
    if value_type is not None:
        for label, item in value.items():
            if not isinstance(item, value_type):
                raise TypeError(f"{name}[{label!r}] must be {_a(what)}; got {describe(item)}")
    return value


def check_frame(value: Any, name: str, columns: Iterable[str] = ()) -> pd.DataFrame:
    """``value`` as a DataFrame with ``columns``: a ``TypeError`` if it is not a DataFrame,
    a ``ValueError`` naming the missing columns (and those present) otherwise."""
    check_type(value, name, pd.DataFrame)
    need = list(columns)
    missing = [c for c in need if c not in value.columns]
    if missing:
        raise ValueError(
            f"{name} must have columns {need}; missing {missing} (got {list(value.columns)})"
        )
    return value


def check_instance(value: Any, name: str, cls: type, *, source: str | None = None) -> Any:
    """``value`` if it is a ``cls`` (a result object); else a ``TypeError`` saying where one
    comes from, e.g. ``result must be a RegimeResult (from markov_regimes); got list []``."""
    if not isinstance(value, cls):
        hint = f" (from {source})" if source else ""
        raise TypeError(f"{name} must be {_a(cls.__name__)}{hint}; got {describe(value)}")
    return value


def _a(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def check_scalar(value: Any, name: str) -> Any:
    """Return ``value`` unless it is a sequence or an array with more than one element.

    A list, tuple or array where one number is expected is a ``TypeError`` that says how
    many elements were passed (``confidence must be a scalar; got a list of 2``); a 0-d or
    one-element numpy array is unwrapped.
    """
    if isinstance(value, list | tuple | set | pd.Series | pd.Index | pd.DataFrame | np.ndarray):
        arr = np.asarray(value, dtype=object) if not isinstance(value, set) else None
        if arr is not None and arr.ndim == 0:
            return arr.item()
        if isinstance(value, np.ndarray) and value.size == 1 and value.ndim <= 1:
            return value.reshape(()).item()
        kind = type(value).__name__
        size = len(value) if not isinstance(value, np.ndarray) else value.size
        shape = f" of shape {value.shape}" if isinstance(value, np.ndarray) else ""
        article = "an" if kind[0] in "aeiou" else "a"
        raise TypeError(f"{name} must be a scalar; got {article} {kind} of {size}{shape}")
    return value


def check_int(value: Any, name: str, low: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer (not a bool) of at least ``low``.

    A float, even ``2.0``, a bool or a string is a ``TypeError``
    (``digits must be an int; got float 1.5``); an integer below ``low`` is a ``ValueError``.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < low:
        raise ValueError(f"{name} must be >= {low}; got {value}")
    return int(value)


def check_tz_match(a: pd.Index, name_a: str, b: Any, name_b: str) -> None:
    """Raise a ``ValueError`` if one of two time indexes (or datetimes) is tz-naive and one not."""
    tz_a, tz_b = (
        x.tz if isinstance(x, pd.DatetimeIndex) else getattr(x, "tzinfo", None) for x in (a, b)
    )
    times = pd.DatetimeIndex | datetime  # pd.Timestamp is a datetime
    if isinstance(a, times) and isinstance(b, times) and (tz_a is None) != (tz_b is None):
        naive, aware = (name_a, name_b) if tz_a is None else (name_b, name_a)
        tz = tz_b if tz_a is None else tz_a
        obj = a if tz_a is None else b
        fix = (
            naive if isinstance(obj, pd.DatetimeIndex | pd.Timestamp) else f"pd.Timestamp({naive})"
        )
        raise ValueError(
            f"{naive} is tz-naive but {aware} is tz-aware ({tz}); make both tz-aware, "
            f"e.g. {fix}.tz_localize('UTC') (riskkit.data loaders return UTC)"
        )


def check_tz_same(**named: Any) -> None:
    """:func:`check_tz_match` of every named Series/frame's time index against the first one's.

    Arguments without a ``DatetimeIndex`` (arrays, scalars, None) are skipped, so this can run
    before the arguments are validated.
    """
    indexes = [
        (f"{name}.index", value.index)
        for name, value in named.items()
        if isinstance(getattr(value, "index", None), pd.DatetimeIndex)
    ]
    for label, index in indexes[1:]:
        check_tz_match(indexes[0][1], indexes[0][0], index, label)


def check_unique_index(series: pd.Series | pd.DataFrame, name: str) -> None:
    """Raise a ``ValueError`` naming the first duplicated labels of ``series.index``."""
    dup = series.index[series.index.duplicated()]
    if len(dup):
        shown = ", ".join(str(v) for v in dup.unique()[:3])
        raise ValueError(
            f"{name} must have a unique index; got {len(dup)} duplicated labels ({shown}"
            f"{', ...' if dup.nunique() > 3 else ''}); drop or aggregate them first, e.g. "
            f"{name}[~{name}.index.duplicated(keep='last')]"
        )


def scalar_array(value: Any, name: str, *, allow_nan: bool = False) -> Any:
    """:func:`~riskkit._validation.as_float_array` for an argument that must be one number."""
    from riskkit._validation import as_float_array

    return as_float_array(check_scalar(value, name), name, allow_nan=allow_nan)


def _shape(v: Any) -> tuple[int, ...]:
    # np.shape without converting a flat list (of strings, say) to an array first
    if hasattr(v, "shape"):
        return tuple(v.shape)
    if isinstance(v, list | tuple) and not (v and isinstance(v[0], list | tuple | np.ndarray)):
        return (len(v),)
    return tuple(np.shape(v))


def check_broadcast(**named: Any) -> tuple[int, ...]:
    """The common shape of the named arrays, or a ``ValueError`` naming each one's shape.

    numpy's own message ("objects cannot be broadcast ... arg 2 with shape (2,)") names
    positions, not arguments. Only shapes are read (strings, None and scalars are 0-d), so a
    large Series or list is not converted.

    Examples
    --------
    >>> check_broadcast(size=np.ones(2), margin=1.0)
    (2,)
    """
    shapes = {k: _shape(v) for k, v in named.items()}
    distinct = {s for s in shapes.values() if s}
    if len(distinct) <= 1:
        return distinct.pop() if distinct else ()
    try:
        return tuple(np.broadcast_shapes(*shapes.values()))
    except ValueError:
        got = ", ".join(f"{k} {s}" for k, s in shapes.items() if s)
        names = ", ".join(shapes)
        raise ValueError(
            f"{names} must have one length (or be scalars) to combine element by element; "
            f"got shapes {got}"
        ) from None
