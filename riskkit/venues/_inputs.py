"""Input parsing shared by the venue layer: sides, dates, distance to liquidation."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._typing import ArrayLike
from riskkit._validation import align_series, as_float_array, wrap_like

__all__ = ["distance", "parse_as_of", "parse_side"]

_SIDE_WORDS = {
    "long": 1.0,
    "buy": 1.0,
    "short": -1.0,
    "sell": -1.0,
    "1": 1.0,
    "+1": 1.0,
    "-1": -1.0,
}


def parse_side(side: Any) -> Any:
    """Map a side to +1.0 (long) / -1.0 (short).

    Parameters
    ----------
    side : str, int, array or Series
        ``"long"``/``"short"``, ccxt ``"buy"``/``"sell"`` (case-insensitive) or +1/-1.

    Returns
    -------
    float or ndarray
        +1.0 or -1.0 per element.

    Raises
    ------
    ValueError
        For any other value (the message lists the accepted ones).

    Examples
    --------
    >>> parse_side("sell"), parse_side(1)
    (-1.0, 1.0)
    """
    accepted = "'long'/'short', 'buy'/'sell' or +1/-1"
    if isinstance(side, str):
        key = side.lower()
        if key not in _SIDE_WORDS:
            raise ValueError(f"side must be {accepted}; got {side!r}")
        return _SIDE_WORDS[key]
    if isinstance(side, bool):
        raise ValueError(f"side must be {accepted}; got {side!r}")
    out = _side_array(side)
    if out.ndim == 0:
        return float(out)
    src = side.to_numpy() if isinstance(side, pd.Series) else side
    return out.copy() if isinstance(src, np.ndarray) and np.may_share_memory(out, src) else out


def _side_array(side: Any) -> Any:
    # parse_side without the copy of a float64 array of +1/-1 (the fast path of large inputs)
    accepted = "'long'/'short', 'buy'/'sell' or +1/-1"
    if isinstance(side, str | bool):
        return np.asarray(parse_side(side))
    arr = np.asarray(side.to_numpy() if isinstance(side, pd.Series) else side)
    if arr.dtype.kind in "fiu":
        out = arr if arr.dtype == np.float64 else arr.astype(np.float64)
        n_ok = np.count_nonzero(out == 1.0) + np.count_nonzero(out == -1.0)
        if n_ok != out.size:
            bad = out[(out != 1.0) & (out != -1.0)]
            raise ValueError(f"side must be {accepted}; got {bad[:5].tolist()} among the values")
        return out
    flat = arr.ravel().tolist()
    vals = np.array([_side_one(v) for v in flat], dtype=np.float64)
    if np.isnan(vals).any():
        bad = [v for v, x in zip(flat, vals, strict=True) if np.isnan(x)]
        raise ValueError(f"side must be {accepted}; got {bad[:5]}")
    return vals.reshape(arr.shape)


def _side_one(v: Any) -> float:
    if isinstance(v, str):
        return _SIDE_WORDS.get(v.lower(), np.nan)
    if isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool):
        return float(v) if v in (1, -1) else np.nan
    return np.nan


def parse_as_of(as_of: Any) -> pd.Timestamp | None:
    """``as_of`` as a UTC :class:`pandas.Timestamp` (``None`` stays ``None``).

    Examples
    --------
    >>> parse_as_of("2024-03-05")
    Timestamp('2024-03-05 00:00:00+0000', tz='UTC')
    """
    if as_of is None:
        return None
    try:
        ts = pd.Timestamp(as_of)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"as_of must be a date or timestamp; got {as_of!r}") from exc
    if ts is pd.NaT:
        raise ValueError(f"as_of must be a date or timestamp; got {as_of!r}")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def distance(side: Any, price: ArrayLike, liq: ArrayLike) -> Any:
    """Fraction of ``price`` the market must move against the position to reach ``liq``;
    ``inf`` where ``liq`` is NaN (cannot be liquidated)."""
    side, price, liq = align_series(side, price, liq, names=("side", "price", "liq"))[0]
    s = np.asarray(parse_side(side), dtype=np.float64)
    p = np.asarray(as_float_array(price, "price"))
    lq = np.asarray(liq, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        out = np.where(np.isnan(lq), np.inf, s * (p - lq) / p)
    return wrap_like(out, price, liq, side, name="distance_to_liquidation")
