"""Altair chart builders and the offline, deterministic renderer.

Concept modules compute; everything that draws lives here. Builders take a Series, a frame or a
result object and return an :class:`altair.Chart`; result objects' ``.chart()`` methods delegate
here. :func:`enable` switches on the ``"riskkit"`` renderer and theme (see
``riskkit.charts.render`` for what a chart output carries and why it draws in every Jupyter
front end and in the book without a network).

altair is imported only inside these functions, so ``import riskkit`` stays light; without it
they raise an ImportError that says ``pip install "riskkit[charts]"``.
"""

from __future__ import annotations

from riskkit.charts.basic import crash_panel, event_rules, line_chart, stacked_bars
from riskkit.charts.render import (
    CHART_DIGITS,
    CHART_WIDTH,
    EVENT_COLOR,
    LONG_COLOR,
    PRICE_COLOR,
    SERIES_COLORS,
    SHORT_COLOR,
    VEGA_VERSIONS,
    VEGALITE_MIMETYPE,
    enable,
    render_spec,
    round_spec,
    spec_html,
    usd_units,
)

__all__ = [
    "CHART_DIGITS",
    "CHART_WIDTH",
    "EVENT_COLOR",
    "LONG_COLOR",
    "PRICE_COLOR",
    "SERIES_COLORS",
    "SHORT_COLOR",
    "VEGALITE_MIMETYPE",
    "VEGA_VERSIONS",
    "crash_panel",
    "enable",
    "event_rules",
    "line_chart",
    "render_spec",
    "round_spec",
    "spec_html",
    "stacked_bars",
    "usd_units",
]
