"""The tidy schemas of archive datasets and their validation (OHLCV bars, funding, metrics).

One schema per dataset kind: the columns, their units, and the rules a frame must satisfy
before it is written or returned. The same rules check the frames parsed from a public archive
and the user's own files (:func:`riskkit.data.load_user_ohlcv`); a broken rule is a
``ValueError`` that names the file, the column, the rule and the first offending row.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__: list[str] = []

#: Dataset kinds and their columns (in order, after ``timestamp``), named as the bundled loaders.
COLUMNS: dict[str, tuple[str, ...]] = {
    "ohlcv": (
        "open",
        "high",
        "low",
        "close",
        "volume_base",
        "volume_quote",
        "trades",
        "taker_buy_volume_base",
        "taker_buy_volume_quote",
    ),
    "funding": ("funding_rate", "interval_hours"),
    "metrics": (
        "open_interest",
        "open_interest_usd",
        "toptrader_account_long_short_ratio",
        "toptrader_position_long_short_ratio",
        "account_long_short_ratio",
        "taker_long_short_volume_ratio",
    ),
}

#: Columns that must be present and free of NaN, per kind.
REQUIRED: dict[str, tuple[str, ...]] = {
    "ohlcv": ("open", "high", "low", "close", "volume_base"),
    "funding": ("funding_rate",),
    "metrics": ("open_interest",),
}

#: Units of every column, per kind (``frame.attrs["units"]``).
UNITS: dict[str, dict[str, str]] = {
    "ohlcv": {
        "open": "quote currency per base unit (e.g. USDT per BTC)",
        "high": "quote currency per base unit",
        "low": "quote currency per base unit",
        "close": "quote currency per base unit",
        "volume_base": "base units (e.g. BTC)",
        "volume_quote": "quote currency (USDT, or USD for inverse contracts)",
        "trades": "count",
        "taker_buy_volume_base": "base units bought by takers",
        "taker_buy_volume_quote": "quote currency bought by takers",
    },
    "funding": {
        "funding_rate": "fraction of notional per interval (positive: longs pay shorts)",
        "interval_hours": "hours",
    },
    "metrics": {
        "open_interest": "contracts or base units (sum over the symbol's positions)",
        "open_interest_usd": "USD (quote currency)",
        "toptrader_account_long_short_ratio": "ratio (accounts long / accounts short)",
        "toptrader_position_long_short_ratio": "ratio (long / short position size)",
        "account_long_short_ratio": "ratio (all accounts long / short)",
        "taker_long_short_volume_ratio": "ratio (taker buy / taker sell volume)",
    },
}

#: Columns that may not be negative, per kind.
_NON_NEGATIVE: dict[str, tuple[str, ...]] = {
    "ohlcv": (
        "open",
        "high",
        "low",
        "close",
        "volume_base",
        "volume_quote",
        "trades",
        "taker_buy_volume_base",
        "taker_buy_volume_quote",
    ),
    "funding": ("interval_hours",),
    "metrics": ("open_interest", "open_interest_usd"),
}


def _first(frame: pd.DataFrame, bad: np.ndarray, columns: tuple[str, ...]) -> str:
    pos = int(np.flatnonzero(bad)[0])
    stamp = frame.index[pos]
    shown = ", ".join(f"{c}={frame[c].iloc[pos]!r}" for c in columns)
    return f"{int(bad.sum())} row(s), first at {stamp} ({shown})"


def validate(frame: pd.DataFrame, kind: str, *, what: str) -> pd.DataFrame:
    """Check ``frame`` (indexed by UTC ``time``) against the schema of ``kind``; return it.

    Rules, each reported with the column and the first offending row: the required columns
    are present and not NaN; the index is a UTC DatetimeIndex, strictly increasing (no
    duplicate and no out-of-order timestamp); no negative price, volume or count; and for bars
    ``high >= low``, ``high >= max(open, close)`` and ``low <= min(open, close)``.

    Examples
    --------
    >>> idx = pd.DatetimeIndex(["2024-01-01", "2024-01-02"], tz="UTC", name="time")
    >>> bars = pd.DataFrame({"open": [2.0, 2.0], "high": [3.0, 1.0], "low": [1.0, 1.5],
    ...                      "close": [2.0, 1.2], "volume_base": [1.0, 1.0]}, index=idx)
    >>> validate(bars, "ohlcv", what="demo.csv")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: demo.csv: column 'high' breaks the rule high >= low: 1 row(s), first at ...
    """
    missing = [c for c in REQUIRED[kind] if c not in frame.columns]
    if missing:
        raise ValueError(
            f"{what}: missing column(s) {missing} (rule: a {kind} file needs "
            f"{list(REQUIRED[kind])}); got columns {list(frame.columns)}"
        )
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is None:
        raise ValueError(f"{what}: column 'timestamp' must hold UTC times; got {index.dtype}")
    stamps = index.asi8
    if len(stamps) > 1:
        step = np.diff(stamps)
        for bad, rule in ((step == 0, "no duplicate timestamps"), (step < 0, "increasing")):
            if bad.any():
                pos = int(np.flatnonzero(bad)[0]) + 1
                raise ValueError(
                    f"{what}: column 'timestamp' breaks the rule {rule}: "
                    f"{int(bad.sum())} row(s), first at row {pos} ({index[pos]} after "
                    f"{index[pos - 1]})"
                )
    for column in REQUIRED[kind]:
        values = frame[column].to_numpy(dtype="float64")
        bad = np.isnan(values)
        if bad.any():
            raise ValueError(
                f"{what}: column {column!r} breaks the rule no NaN: {_first(frame, bad, (column,))}"
            )
    for column in _NON_NEGATIVE[kind]:
        if column in frame.columns:
            bad = frame[column].to_numpy(dtype="float64") < 0
            if bad.any():
                raise ValueError(
                    f"{what}: column {column!r} breaks the rule {column} >= 0: "
                    f"{_first(frame, bad, (column,))}"
                )
    if kind == "ohlcv":
        o, h, lo, c = (frame[k].to_numpy(dtype="float64") for k in ("open", "high", "low", "close"))
        checks: tuple[tuple[str, np.ndarray, str, tuple[str, ...]], ...] = (
            ("high", h < lo, "high >= low", ("high", "low")),
            ("high", h < np.maximum(o, c), "high >= max(open, close)", ("open", "high", "close")),
            ("low", lo > np.minimum(o, c), "low <= min(open, close)", ("open", "low", "close")),
        )
        for column, bad, rule, shown in checks:
            if bad.any():
                raise ValueError(
                    f"{what}: column {column!r} breaks the rule {rule}: {_first(frame, bad, shown)}"
                )
    return frame


def conform(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The schema's columns in order (absent optional ones as NaN), float64, index ``time``."""
    out = pd.DataFrame(index=frame.index)
    for column in COLUMNS[kind]:
        out[column] = frame[column].astype("float64") if column in frame.columns else np.nan
    out.index.name = "time"
    return out


def units(kind: str, columns: Any) -> dict[str, str]:
    """Units of ``columns`` in the schema of ``kind``."""
    return {c: UNITS[kind].get(c, "") for c in columns}
