"""Altair chart builders of :mod:`riskkit.cycles`: episodes, regimes and leverage gaps.

The result objects' ``.chart()`` methods (:class:`~riskkit.cycles.EpisodeTable`,
:class:`~riskkit.cycles.RegimeResult`, :class:`~riskkit.cycles.GapRecord`) delegate here;
:func:`regime_panel` is also importable from :mod:`riskkit.cycles`. altair is imported only
inside these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_instance, check_type, check_tz_match
from riskkit.charts.basic import line_chart
from riskkit.charts.render import CHART_WIDTH

if TYPE_CHECKING:  # pragma: no cover
    from riskkit.cycles.episodes import EpisodeTable
    from riskkit.cycles.gaps import GapRecord
    from riskkit.cycles.regimes import RegimeResult

__all__ = ["chart_episodes", "chart_gap_record", "chart_regime_probability", "regime_panel"]


def _naive_utc(values: Any) -> pd.DatetimeIndex:
    """Timestamps as naive UTC (what Vega-Lite charts expect)."""
    idx = pd.DatetimeIndex(values)
    return idx.tz_convert("UTC").tz_localize(None) if idx.tz is not None else idx


def chart_episodes(
    table: EpisodeTable, *, title: str | None = None, y_title: str = "proxy", log: bool = False
) -> Any:
    """Line chart of the proxy with each episode's fall (start to trough) shaded.

    Parameters
    ----------
    table : EpisodeTable
        From :func:`~riskkit.cycles.deleveraging_episodes`; its proxy needs a DatetimeIndex.
    title : str, optional
        Chart title (default: the number of episodes).
    y_title : str, default "proxy"
        y-axis title; put the units in it (e.g. ``"margin debt (USD bn)"``).
    log : bool, default False
        Logarithmic y axis.

    Returns
    -------
    altair.LayerChart
    """
    require("altair", "charts")
    import altair as alt

    if not isinstance(table.proxy.index, pd.DatetimeIndex):
        raise TypeError("chart needs a proxy with a DatetimeIndex")
    name = table.proxy.name if table.proxy.name is not None else "proxy"
    line = line_chart(
        table.proxy.rename(str(name)),
        title=title or f"{len(table)} deleveraging episodes",
        y_title=y_title,
        log=log,
        value_format=",.4g",
        width=CHART_WIDTH,
    )
    spans = pd.DataFrame(
        {
            "start": _naive_utc(table.episodes["start"]),
            "trough": _naive_utc(table.episodes["trough"]),
            "depth": table.episodes["depth"].to_numpy(),
        }
    )
    shade = (
        alt.Chart(spans)
        .mark_rect(color="#d62728", opacity=0.18)
        .encode(
            x="start:T",
            x2="trough:T",
            tooltip=[
                alt.Tooltip("start:T", title="start"),
                alt.Tooltip("trough:T", title="trough"),
                alt.Tooltip("depth:Q", format=".1%"),
            ],
        )
    )
    return alt.layer(shade, line)


def chart_regime_probability(result: RegimeResult, *, title: str | None = None) -> Any:
    """Area chart of the smoothed probability of the high regime over time.

    Parameters
    ----------
    result : RegimeResult
        From :func:`~riskkit.cycles.markov_regimes`.
    title : str, optional
        Chart title (default: names the high regime).

    Returns
    -------
    altair.Chart
        Needs a DatetimeIndex on the fitted series.
    """
    require("altair", "charts")
    import altair as alt

    sp = result.smoothed_probabilities
    if not isinstance(sp.index, pd.DatetimeIndex):
        raise TypeError("chart needs a series with a DatetimeIndex")
    df = pd.DataFrame(
        {
            "time": _naive_utc(sp.index),
            "probability": sp[f"regime_{result.high_regime}"].to_numpy(),
        }
    )
    return (
        alt.Chart(
            df,
            title=title or f"Smoothed probability of regime {result.high_regime} (high)",
            width=CHART_WIDTH,
            height=160,
        )
        .mark_area(opacity=0.6, interpolate="step-after")
        .encode(
            x=alt.X("time:T", title=None),
            y=alt.Y("probability:Q", title="probability", scale=alt.Scale(domain=[0, 1])),
            tooltip=[
                alt.Tooltip("time:T", title="time (UTC)"),
                alt.Tooltip("probability:Q", format=".2f"),
            ],
        )
    )


def regime_panel(
    series: pd.Series,
    result: RegimeResult,
    *,
    freq: str | None = "W",
    title: str,
    y_title: str,
    value_format: str = ".1%",
) -> Any:
    r"""Two aligned panels: a series and the smoothed probability of its high regime.

    Parameters
    ----------
    series : Series
        The series the regimes were fitted to (or any series on the same dates), with a
        DatetimeIndex; e.g. the annualised funding rate (fraction per year).
    result : RegimeResult
        From :func:`~riskkit.cycles.markov_regimes`; its smoothed probability of
        ``result.high_regime`` is shown.
    freq : str or None, default "W"
        Resample both panels to this frequency before charting (last value of the series, mean
        probability) to keep the embedded data small; None charts every observation.
    title : str
        Title of the top panel.
    y_title : str
        y-axis title of the top panel (put the units in it).
    value_format : str, default ".1%"
        d3 format of the series in the tooltip.

    Returns
    -------
    altair.VConcatChart
        Top: the series; bottom: the probability (0 to 1), sharing the time axis.

    Raises
    ------
    TypeError
        If ``series`` is not a Series, ``result`` not a RegimeResult, or either has no
        DatetimeIndex.
    ValueError
        If one of ``series`` and the fitted probabilities is tz-naive and the other tz-aware.

    See Also
    --------
    riskkit.cycles.RegimeResult.chart : The probability panel alone, unresampled.

    Notes
    -----
    The bottom panel is :math:`\bar P_w = \frac{1}{|w|} \sum_{t \in w}
    P(S_t = h \mid y_1..y_T)`, the mean smoothed probability of the high regime :math:`h` over
    the dates :math:`t` of resampling period :math:`w`.

    Examples
    --------
    >>> import numpy as np
    >>> from riskkit.cycles import markov_regimes
    >>> rng = np.random.default_rng(0)
    >>> idx = pd.date_range("2020-01-01", periods=300, freq="D")
    >>> y = pd.Series(np.r_[rng.normal(0, 1, 150), rng.normal(5, 1, 150)], idx, name="y")
    >>> panel = regime_panel(y, markov_regimes(y, search_reps=0), title="t", y_title="y")
    >>> len(panel.to_dict()["vconcat"])
    2
    """
    require("altair", "charts")
    import altair as alt

    from riskkit.cycles.regimes import RegimeResult

    check_type(series, "series", pd.Series)
    check_instance(result, "result", RegimeResult, source="markov_regimes")
    prob = result.smoothed_probabilities[f"regime_{result.high_regime}"]
    for obj, name in ((series, "series"), (prob, "the fitted probabilities")):
        if not isinstance(obj.index, pd.DatetimeIndex):
            raise TypeError(f"regime_panel needs {name} with a DatetimeIndex")
    check_tz_match(series.index, "series.index", prob.index, "result.smoothed_probabilities.index")
    name = str(series.name) if series.name is not None else "series"
    top_data, prob_data = series.rename(name), prob.rename("high regime")
    if freq is not None:
        top_data = top_data.resample(freq).last().dropna()
        prob_data = prob_data.resample(freq).mean().dropna()
    # label whole years on multi-year spans (Vega-Lite's default labels half-years by month)
    span = pd.DatetimeIndex(top_data.index)
    years = len(span) > 0 and (span[-1] - span[0]) > pd.Timedelta(days=2 * 365)
    axis = alt.Axis(format="%Y", tickCount="year") if years else alt.Axis()
    x = alt.X("time:T", title=None, axis=axis)
    top = line_chart(
        top_data, title=title, y_title=y_title, value_format=value_format, width=CHART_WIDTH
    ).encode(x=x)
    bottom = line_chart(
        prob_data,
        title=f"Smoothed probability of the high regime (regime {result.high_regime})",
        y_title="probability",
        value_format=".2f",
        width=CHART_WIDTH,
        height=120,
    ).encode(x=x, y=alt.Y("value:Q", title="probability", scale=alt.Scale(domain=[0, 1])))
    return alt.vconcat(top, bottom, spacing=10)


def chart_gap_record(
    record: GapRecord, *, title: str | None = None, y_title: str = "gap (log points)"
) -> Any:
    """Line chart of the gap with the price drawdowns (start to trough) shaded.

    Parameters
    ----------
    record : GapRecord
        From :func:`~riskkit.cycles.gap_record`.
    title : str, optional
        Chart title (default: the AUC).
    y_title : str, default "gap (log points)"
        y-axis title.

    Returns
    -------
    altair.LayerChart
    """
    require("altair", "charts")
    import altair as alt

    if not isinstance(record.gap.index, pd.DatetimeIndex):
        raise TypeError("chart needs a gap with a DatetimeIndex")
    line = line_chart(
        record.gap.rename("gap"),
        title=title or f"Leverage gap before drawdowns (AUC {record.auc:.2f})",
        y_title=y_title,
        value_format=".3f",
    )
    spans = pd.DataFrame(
        {
            "start": _naive_utc(record.drawdowns["start"]),
            "trough": _naive_utc(record.drawdowns["trough"]),
            "depth": record.drawdowns["depth"].to_numpy(),
        }
    )
    shade = (
        alt.Chart(spans)
        .mark_rect(color="#d62728", opacity=0.18)
        .encode(
            x="start:T",
            x2="trough:T",
            tooltip=[
                alt.Tooltip("start:T", title="price peak"),
                alt.Tooltip("trough:T", title="price trough"),
                alt.Tooltip("depth:Q", format=".1%", title="drawdown"),
            ],
        )
    )
    return alt.layer(shade, line)
