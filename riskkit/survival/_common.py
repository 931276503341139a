"""Validation and barrier helpers shared by every part of :mod:`riskkit.survival`.

Arguments are checked here once (side, maintenance margin rate, leverages, horizons, OHLC
bars), and the isolated linear liquidation price is written once, as a ratio to the entry
price and as the signed log distance to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_range,
    check_time_index,
)

if TYPE_CHECKING:  # pragma: no cover
    from riskkit._typing import FloatArray

__all__: list[str] = []


def _side(side: Any) -> float:
    check_option(side, "side", ("long", "short"))
    return 1.0 if side == "long" else -1.0


def _mmr(maintenance_margin_rate: Any) -> float:
    arr = as_float_array(maintenance_margin_rate, "maintenance_margin_rate")
    if arr.ndim != 0:
        raise TypeError(
            f"maintenance_margin_rate must be a scalar; got an array of shape {arr.shape}"
        )
    check_range(arr, "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)
    return float(arr)


def _leverages(leverage: Any) -> tuple[FloatArray, bool]:
    """Leverages as a 1-D array and whether the input was a scalar."""
    arr = as_float_array(leverage, "leverage")
    scalar = arr.ndim == 0
    check_positive(arr, "leverage")
    arr = np.atleast_1d(arr)
    if arr.ndim != 1:
        raise ValueError(f"leverage must be a scalar or 1-D sequence; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("leverage must contain at least one value; got an empty sequence")
    check_positive(arr, "leverage")
    return arr, scalar


def _horizons(horizon: Any) -> np.ndarray:
    arr = np.atleast_1d(as_float_array(horizon, "horizon"))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"horizon must be a positive integer or 1-D sequence; got {horizon!r}")
    if (arr < 1).any() or (arr != np.round(arr)).any():
        bad = arr[(arr < 1) | (arr != np.round(arr))]
        raise ValueError(f"horizon must be integers >= 1 (bars); got {bad.tolist()}")
    return arr.astype(np.int64)


def _liquidation_ratio(leverage: Any, sign: float, m: float) -> Any:
    """Liquidation price divided by entry price (isolated linear position)."""
    if sign > 0:
        return (1.0 - 1.0 / leverage) / (1.0 - m)
    return (1.0 + 1.0 / leverage) / (1.0 + m)


def _ohlc(high: Any, low: Any, entry_price: Any) -> tuple[FloatArray, FloatArray, FloatArray, Any]:
    (high, low, entry_price), index = align_series(
        high, low, entry_price, names=("high", "low", "entry_price")
    )
    for name, x in (("high", high), ("low", low), ("entry_price", entry_price)):
        check_time_index(x, name)
    h = as_float_array(high, "high")
    lo = as_float_array(low, "low")
    e = as_float_array(entry_price, "entry_price")
    for name, arr in (("high", h), ("low", lo), ("entry_price", e)):
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D; got shape {arr.shape}")
    if not (h.shape == lo.shape == e.shape):
        raise ValueError(
            "high, low and entry_price must have the same length; "
            f"got {h.size}, {lo.size}, {e.size}"
        )
    check_positive(h, "high")
    check_positive(lo, "low")
    check_positive(e, "entry_price")
    bad = lo > h
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"low must be <= high on every bar; got low {lo[i]!r} > high {h[i]!r} at position {i}"
        )
    return h, lo, e, index


def _log_barrier(leverage: FloatArray, sign: float, m: float) -> FloatArray:
    """Signed log distance to the barrier, oriented so that it is <= 0 when reachable."""
    ratio = _liquidation_ratio(leverage, sign, m)
    with np.errstate(divide="ignore", invalid="ignore"):
        logb = np.where(ratio > 0, np.log(np.where(ratio > 0, ratio, 1.0)), -np.inf)
    return sign * logb
