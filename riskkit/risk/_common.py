"""Helpers shared by the :mod:`riskkit.risk` modules: argument checks, warnings, HTML, quantiles."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from riskkit._validation import as_float_array, check_range
from riskkit.exceptions import InsufficientDataError


def _html(df: pd.DataFrame, title: str) -> str:
    return f"<h4>{title}</h4>" + df.to_html(float_format=lambda v: f"{v:.6g}")


def _reemit(caught: list[warnings.WarningMessage]) -> None:
    """Re-issue recorded warnings once each, attributed to the caller of the public function."""
    seen: set[tuple[type[Warning], str]] = set()
    for w in caught:
        key = (w.category, str(w.message))
        if key not in seen:
            seen.add(key)
            warnings.warn(str(w.message), w.category, stacklevel=3)


def _confidence(confidence: Any) -> np.ndarray:
    c = as_float_array(confidence, "confidence")
    if c.ndim > 1:
        raise ValueError(f"confidence must be a scalar or 1-d; got shape {c.shape}")
    if c.size == 0:
        raise ValueError("confidence must hold at least one level in (0, 1); got an empty list")
    return check_range(c, "confidence", 0.0, 1.0, low_inclusive=False, high_inclusive=False)


def _returns(returns: Any, name: str = "returns", *, dropna: bool = True) -> np.ndarray:
    x = as_float_array(returns, name, allow_nan=True)
    if x.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {x.shape}")
    missing = np.isnan(x)
    if not dropna and missing.any():
        pos = int(np.flatnonzero(missing)[0])
        label = f" (label {returns.index[pos]})" if isinstance(returns, pd.Series) else ""
        raise ValueError(
            f"{name} must not contain NaN; got NaN at position {pos}{label}, "
            f"{int(missing.sum())} of {x.size} values. Drop missing data explicitly "
            f"({name}.dropna()) if that is what they are; NaN from leveraged_returns marks the "
            "bars after a ruin, where the position no longer exists"
        )
    return x[~missing]


def _horizon(horizon: Any) -> int:
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer):
        raise TypeError(f"horizon must be an int number of periods; got {horizon!r}")
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1; got {horizon}")
    return int(horizon)


def _need_tail(n: int, c: np.ndarray, what: str) -> None:
    need = math.ceil(1.0 / (1.0 - float(c.max())) - 1e-9)
    if n < need:
        raise InsufficientDataError(
            f"{what} at confidence {float(c.max()):g} needs at least {need} observations "
            f"(one expected tail event); got {n}"
        )


def _quantile_needed(x: np.ndarray, prob: float, what: str) -> float:
    x = x[np.isfinite(x)]
    need = math.ceil(1.0 / prob - 1e-9)
    if x.size < need:
        raise InsufficientDataError(
            f"{what} at tail probability {prob:g} needs at least {need} windows; got {x.size}"
        )
    # inverted CDF: the smallest sample value v with F_n(v) >= 1 - prob, so that the empirical
    # frequency of excursions strictly above v is at most prob (no interpolation past the data)
    return float(np.quantile(x, 1.0 - prob, method="inverted_cdf"))
