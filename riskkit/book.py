"""Helpers the chapters use to hand numbers and figures to their prose (myst-nb ``glue``).

A chapter's text quotes computed values with ``{glue:text}`name``` and shows glued charts with
``{glue:figure}``. What a notebook records must be what the reader reads: a float glued at full
precision moves in its 15th digit from one BLAS kernel to the next and fails strict ``nbval`` on
another machine, although the page shows the same "1.3 %". So every number is glued *together
with its display format* and recorded as the formatted text (:func:`glue_values`), and charts are
glued through the deterministic renderer (:func:`glue_figure`).

Neither needs myst-nb: the outputs are written in myst-nb's glue format with IPython's
``display``, so a chapter runs in any Jupyter kernel that has ``riskkit[charts]``.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["GLUE_PREFIX", "glue_figure", "glue_values"]

#: myst-nb's mime prefix for glued outputs that are not displayed in the notebook.
GLUE_PREFIX = "application/papermill.record/"


def _display(name: str, bundle: Mapping[str, Any]) -> None:
    from IPython.display import display

    display(
        {GLUE_PREFIX + mime: data for mime, data in bundle.items()},
        raw=True,
        metadata={"scrapbook": {"name": name, "mime_prefix": GLUE_PREFIX}},
    )


def _timestamp(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value.hour or value.minute else f"{value:%Y-%m-%d}"


def _text(name: str, value: Any) -> str:
    """The text a glued value stands for in the prose."""
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], str):
            raise TypeError(
                f"glue value {name!r} must be (number, format spec) such as (0.25, '.1%'); "
                f"got {value!r}"
            )
        number, spec = value
        if isinstance(number, bool | np.bool_) or not isinstance(number, numbers.Real):
            raise TypeError(
                f"glue value {name!r}: a format spec needs a real number; "
                f"got {type(number).__name__}"
            )
        number = float(number) if isinstance(number, float | np.floating) else int(number)  # type: ignore[call-overload]
        if isinstance(number, float) and not np.isfinite(number):
            raise ValueError(f"glue value {name!r} must be finite; got {number!r}")
        try:
            return format(number, spec)
        except ValueError as exc:
            raise ValueError(f"glue value {name!r}: invalid format spec {spec!r} ({exc})") from exc
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp):
        return _timestamp(value)
    if isinstance(value, float | np.floating):
        raise TypeError(
            f"glue value {name!r} is a float ({float(value)!r}): glue it with the format the text "
            f"prints it in, e.g. {name}=(value, '.1%'), so that the notebook records what the "
            "reader reads"
        )
    raise TypeError(
        f"glue value {name!r} must be a string, an integer, a Timestamp or (number, format); "
        f"got {type(value).__name__}"
    )


def glue_values(
    values: Mapping[str, Any] | None = None,
    /,
    *,
    formats: Mapping[str, str] | None = None,
    **named: Any,
) -> None:
    """Glue numbers for the prose, each recorded at the precision the text prints it.

    Parameters
    ----------
    values : mapping of str to value, optional
        Names that are not Python identifiers (e.g. with hyphens) go here.
    formats : mapping of str to str, optional
        Display formats of bare numbers by name, for values built in a loop (e.g.
        ``glue_values({f"p_{k}": p[k] for k in p.index}, formats={"p_a": ".1%", ...})``).
    **named
        ``name=value`` pairs. A value is ``(number, format_spec)`` (Python's format mini-language,
        e.g. ``(0.0126, ".1%")`` records ``"1.3%"``), a string, an integer, a bool, or a
        Timestamp (recorded as ``YYYY-MM-DD`` or ``YYYY-MM-DD HH:MM``).

    Returns
    -------
    None
        Nothing, so that a cell ending in this call shows no output.

    Raises
    ------
    TypeError
        For a float without a format (it would be recorded at full precision) or another type.
    ValueError
        For an invalid format spec or a non-finite number.

    Notes
    -----
    The text then reads ``{glue:text}`name``` (no format in the markdown: the notebook holds the
    formatted text, which is what strict ``nbval`` compares on every machine).

    Examples
    --------
    >>> glue_values(fall=(np.float64(-0.2512), ".1%"), day=pd.Timestamp("2020-03-12"))
    ... # doctest: +SKIP
    >>> _text("fall", (np.float64(-0.2512), ".1%")), _text("day", pd.Timestamp("2020-03-12"))
    ('-25.1%', '2020-03-12')
    """
    items = {**(dict(values) if values else {}), **named}
    for name, spec in (formats or {}).items():
        if name not in items:
            raise KeyError(f"formats names {name!r}, which is not among the glued values")
        if not isinstance(items[name], tuple):
            items[name] = (items[name], spec)
    texts = {name: _text(name, value) for name, value in items.items()}
    for name, text in texts.items():
        _display(name, {"text/plain": repr(text)})


def glue_figure(name: str, chart: Any) -> None:
    """Glue an altair chart for ``{glue:figure}``, through the deterministic renderer.

    Parameters
    ----------
    name : str
        The glue key.
    chart : altair.Chart or dict
        A chart (any top-level altair chart) or a Vega-Lite spec.

    Returns
    -------
    None

    Raises
    ------
    TypeError
        If ``chart`` is neither an altair chart nor a dict.

    Examples
    --------
    >>> glue_figure("fig-x", {"mark": "point"})  # doctest: +SKIP
    """
    from riskkit.charts.render import render_spec

    if isinstance(chart, dict):
        spec = chart
    elif hasattr(chart, "to_dict"):
        spec = chart.to_dict()
    else:
        raise TypeError(f"chart must be an altair chart or a spec dict; got {type(chart).__name__}")
    _display(name, render_spec(spec, png=False))
