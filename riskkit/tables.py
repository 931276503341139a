"""Plain, deterministic table formatting for notebooks and reports.

pandas' ``Styler`` embeds a random id in its HTML and a memory address in its text repr, so a
re-executed notebook never matches its committed output. :func:`format_table` returns an
ordinary DataFrame of strings instead, which renders identically every time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

# Gluing numbers for the prose lives in riskkit.book; kept here at its original import path.
from riskkit._errors import check_frame, check_mapping
from riskkit.book import glue_values

__all__ = ["format_table", "glue_values", "humanize"]

#: Display names of the statistical and riskkit column names that are not plain words.
HEADERS = {
    "alpha": "alpha",
    "auc": "AUC",
    "beta_se": "beta std. error",
    "bse": "std. error",
    "car": "CAR",
    "covar_median": "CoVaR at median",
    "covar_q": "CoVaR at q",
    "delta_covar": "delta CoVaR",
    "delta_covar_se": "delta CoVaR std. error",
    "df_denom": "df (denominator)",
    "df_num": "df (numerator)",
    "es": "ES",
    "false_alarm_rate": "false-alarm rate",
    "nobs": "observations",
    "oi_change": "OI change",
    "pnl_fraction": "P&L (fraction of margin)",
    "pvalue": "p-value",
    "r2": "R squared",
    "rank_pvalue": "rank p-value",
    "rank_z": "rank z",
    "se": "std. error",
    "t": "t",
    "test_statistic": "test statistic",
    "tvalues": "t",
    "var": "VaR",
    "var_median": "VaR at median",
    "var_q": "VaR at q",
}


def humanize(name: object) -> object:
    """A column or index name as the words a reader reads: no snake_case, known units spelt out.

    Parameters
    ----------
    name : object
        A column name. Names in :data:`HEADERS` are looked up (case-insensitively); other strings
        have their underscores turned into spaces, with a trailing ``_usd`` shown as
        ``(USD)``. Anything that is not a string is returned unchanged.

    Returns
    -------
    object

    Examples
    --------
    >>> [humanize(n) for n in ["final_equity", "bse", "pvalue", "notional_usd", "2x"]]
    ['final equity', 'std. error', 'p-value', 'notional (USD)', '2x']
    """
    if not isinstance(name, str):
        return name
    known = HEADERS.get(name.lower())
    if known is not None:
        return known
    text = re.sub(r"_usd$", " (USD)", name)
    return text.replace("_", " ")


def format_table(
    frame: pd.DataFrame,
    formats: Mapping[str, str],
    *,
    na_rep: str = "–",
    headers: Mapping[str, str] | bool | None = None,
) -> pd.DataFrame:
    """Format columns with Python format specs and return a DataFrame of strings.

    Missing and infinite values are shown as ``na_rep``: a table never shows ``nan``, ``inf``
    or ``-inf``.

    Parameters
    ----------
    frame : DataFrame
        The numbers.
    formats : mapping of column name to format spec
        E.g. ``{"fall": "{:.1%}", "low": "{:,.0f}"}``. Columns not named are kept as they are.
    na_rep : str
        Shown for missing and infinite values.
    headers : mapping of str to str, or bool, optional
        Display names of columns and of the index levels. A mapping renames the names it
        lists and :func:`humanize` s the others; ``True`` humanizes every name; ``None``
        (default) keeps the names.

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
    >>> lev = pd.DataFrame({"final_equity": [1.5, float("-inf")]},
    ...                    index=pd.Index([2.0, 3.0], name="leverage"))
    >>> out = format_table(lev, {"final_equity": "{:.2f}"}, headers={"leverage": "leverage (x)"})
    >>> out.index.name, out.columns.tolist(), out.iloc[:, 0].tolist()
    ('leverage (x)', ['final equity'], ['1.50', '–'])
    """
    check_frame(frame, "frame")
    check_mapping(formats, "formats", "format spec", value_type=str)
    unknown = [c for c in formats if c not in frame.columns]
    if unknown:
        raise KeyError(f"formats names columns not in the frame: {unknown}")
    if headers is not None and not isinstance(headers, bool):
        check_mapping(headers, "headers", "display name", value_type=str)
    out = frame.copy()
    for column, spec in formats.items():
        out[column] = [na_rep if _missing(v) else spec.format(v) for v in frame[column]]
    if headers is None or headers is False:
        return out
    names = {} if headers is True else dict(headers)

    def show(name: object) -> object:
        return names[name] if isinstance(name, str) and name in names else humanize(name)

    out.columns = out.columns.map(show) if out.columns.nlevels == 1 else out.columns
    out.index = out.index.set_names([show(n) for n in out.index.names])
    return out


def _missing(value: object) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False  # type: ignore[call-overload]
