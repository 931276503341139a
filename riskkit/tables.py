"""Plain, deterministic table formatting for notebooks and reports.

pandas' ``Styler`` embeds a random id in its HTML and a memory address in its text repr, so a
re-executed notebook never matches its committed output. :func:`format_table` returns an
ordinary DataFrame of strings instead, which renders identically every time.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# Gluing numbers for the prose lives in riskkit.book; kept here at its original import path.
from riskkit._errors import check_frame, check_mapping
from riskkit.book import glue_values

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
    TypeError
        If ``frame`` is not a DataFrame or ``formats`` not a mapping of str.
    KeyError
        If ``formats`` names a column ``frame`` does not have.

    Examples
    --------
    >>> df = pd.DataFrame({"fall": [-0.25, None], "low": [4410.0, 30000.0]})
    >>> format_table(df, {"fall": "{:.1%}", "low": "{:,.0f}"})["fall"].tolist()
    ['-25.0%', '–']
    """
    check_frame(frame, "frame")
    check_mapping(formats, "formats", "format spec", value_type=str)
    unknown = [c for c in formats if c not in frame.columns]
    if unknown:
        raise KeyError(f"formats names columns not in the frame: {unknown}")
    out = frame.copy()
    for column, spec in formats.items():
        out[column] = [na_rep if pd.isna(v) else spec.format(v) for v in frame[column]]
    return out
