"""Plain, deterministic table formatting for notebooks and reports.

pandas' ``Styler`` embeds a random id in its HTML and a memory address in its text repr, so a
re-executed notebook never matches its committed output. :func:`format_table` returns an
ordinary DataFrame of strings instead, which renders identically every time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["format_table", "glue_values"]


def format_table(
    frame: pd.DataFrame, formats: Mapping[str, str], *, na_rep: str = "–"
) -> pd.DataFrame:
    """Format columns with Python format specs and return a DataFrame of strings.

    Parameters
    ----------
    frame : DataFrame
        The numbers.
    formats : mapping of column name to format spec
        E.g. ``{"fall": "{:.1%}", "low": "{:,.0f}"}``. Columns not named are kept as they are.
    na_rep : str
        Shown for missing values.

    Returns
    -------
    DataFrame
        Same index and columns; formatted columns hold strings.

    Raises
    ------
    KeyError
        If ``formats`` names a column ``frame`` does not have.

    Examples
    --------
    >>> df = pd.DataFrame({"fall": [-0.25, None], "low": [4410.0, 30000.0]})
    >>> format_table(df, {"fall": "{:.1%}", "low": "{:,.0f}"})["fall"].tolist()
    ['-25.0%', '–']
    """
    unknown = [c for c in formats if c not in frame.columns]
    if unknown:
        raise KeyError(f"formats names columns not in the frame: {unknown}")
    out = frame.copy()
    for column, spec in formats.items():
        out[column] = [na_rep if pd.isna(v) else spec.format(v) for v in frame[column]]
    return out


def _plain(name: str, value: Any) -> Any:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return (
            value.strftime("%Y-%m-%d %H:%M") if value.hour or value.minute else f"{value:%Y-%m-%d}"
        )
    raise TypeError(
        f"glue value {name!r} must be a number, string or Timestamp; got {type(value).__name__}"
    )


def glue_values(values: Mapping[str, Any] | None = None, /, **named: Any) -> None:
    """Store numbers for the book's prose (myst-nb ``glue``), one call for many values.

    Chapters quote computed numbers in their text with ``{glue:text}`name:.1%```; this glues
    each value without displaying it, after turning numpy scalars into plain Python numbers
    (myst-nb formats only those) and timestamps into ``YYYY-MM-DD[ HH:MM]`` strings.

    Parameters
    ----------
    values : mapping of str to value, optional
        Names that are not Python identifiers (e.g. with hyphens) go here.
    **named
        Name = value pairs.

    Returns
    -------
    None
        Nothing, so that a cell ending in this call shows no output.

    Raises
    ------
    TypeError
        If a value is not a number, string or Timestamp (glue charts with ``myst_nb.glue``).

    Examples
    --------
    In a notebook, then ``{glue:text}`fall:.0%``` in a markdown cell renders as ``-25%``:

    >>> glue_values(fall=np.float64(-0.25), day=pd.Timestamp("2020-03-12"))  # doctest: +SKIP
    """
    from myst_nb import glue

    items = {**(dict(values) if values else {}), **named}
    plain = {name: _plain(name, value) for name, value in items.items()}
    for name, value in plain.items():
        glue(name, value, display=False)
