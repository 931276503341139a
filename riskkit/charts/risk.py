"""Altair chart builders for :mod:`riskkit.risk`: VaR backtests and maintenance margin calibrations.

:meth:`VaRBacktest.chart <riskkit.risk.VaRBacktest.chart>` and
:meth:`MarginCalibration.chart <riskkit.risk.MarginCalibration.chart>` delegate here;
:func:`gap_probability_chart` is also importable from :mod:`riskkit.risk`. altair is imported only
inside these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._errors import check_mapping
from riskkit._validation import as_float_array, check_range

if TYPE_CHECKING:  # pragma: no cover
    from riskkit.risk import MarginCalibration, VaRBacktest

__all__ = ["gap_probability_chart", "margin_calibration_chart", "var_backtest_chart"]


def var_backtest_chart(backtest: VaRBacktest) -> Any:
    """Losses, VaR and exceedances of a VaR backtest over time.

    Parameters
    ----------
    backtest : VaRBacktest
        Result of :func:`riskkit.risk.backtest_var` or :func:`riskkit.risk.rolling_var_backtest`.

    Returns
    -------
    altair.LayerChart
        The loss line, the VaR line and a point at each exceedance. Needs ``altair``.

    See Also
    --------
    riskkit.risk.VaRBacktest.chart
    """
    require("altair", "charts")
    import altair as alt

    df = backtest.to_frame().reset_index()
    tcol = df.columns[0]
    base = alt.Chart(df).encode(x=alt.X(f"{tcol}:T", title="time (UTC)"))
    loss = base.mark_line(color="#999", strokeWidth=0.6).encode(
        y=alt.Y("loss:Q", title="loss (fraction of notional)")
    )
    var = base.mark_line(color="#d62728").encode(y="var:Q")
    hits = (
        alt.Chart(df[df["exceedance"]])
        .mark_point(color="black", filled=True, size=18)
        .encode(x=f"{tcol}:T", y="loss:Q")
    )
    return (loss + var + hits).properties(
        width=520,
        height=240,
        title=f"Loss vs {backtest.confidence:g} VaR: {backtest.n_exceedances} exceedances "
        f"({backtest.expected_exceedances:.1f} expected)",
    )


def margin_calibration_chart(calibration: MarginCalibration, rates: Any = None) -> Any:
    """Empirical gap probability against the maintenance margin rate, with the target.

    Parameters
    ----------
    calibration : MarginCalibration
        Result of :func:`riskkit.risk.calibrate_maintenance_margin`.
    rates : array_like, optional
        Maintenance margin rates (fractions in [0, 1)) on the x axis; default 200 points up to
        twice the calibrated rate.

    Returns
    -------
    altair.LayerChart
        The line of :meth:`MarginCalibration.gap_probability` and a rule at the target.
        Needs ``altair``.

    See Also
    --------
    riskkit.risk.MarginCalibration.chart, gap_probability_chart
    """
    require("altair", "charts")
    import altair as alt

    if rates is None:
        top = max(2.0 * calibration.maintenance_margin_rate, 1e-4)
        rates = np.linspace(0.0, top, 200)
    m = np.atleast_1d(as_float_array(rates, "rates"))
    df = pd.DataFrame(
        {"maintenance_margin_rate": m, "gap_probability": calibration.gap_probability(m)}
    )
    line = (
        alt.Chart(df)
        .mark_line()
        .encode(
            x=alt.X("maintenance_margin_rate:Q", title="maintenance margin rate (fraction)"),
            y=alt.Y("gap_probability:Q", title=f"P(gap > rate within {calibration.horizon} bars)"),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"target": [calibration.target]}))
        .mark_rule(strokeDash=[4, 3], color="#d62728")
        .encode(y="target:Q")
    )
    return (line + rule).properties(
        width=520,
        height=260,
        title=f"Gap-through-bankruptcy probability ({calibration.side}); "
        f"data-implied rate {calibration.maintenance_margin_rate:.4f}",
    )


def gap_probability_chart(
    calibrations: Any,
    rates: Any = None,
    *,
    marks: Any = None,
    title: str = "Probability that the price gaps through bankruptcy before the close-out",
    width: int = 520,
    height: int = 260,
) -> Any:
    """Gap-through-bankruptcy probability against the maintenance margin rate, several horizons.

    Parameters
    ----------
    calibrations : mapping of str to MarginCalibration
        Label (e.g. ``"1 h"``) -> result of
        :func:`riskkit.risk.calibrate_maintenance_margin`; one line each.
    rates : array_like, optional
        Maintenance margin rates (fractions in [0, 1)) on the x axis; default 121 points from 0
        to 6%.
    marks : mapping of str to float, optional
        Label -> rate (fraction) drawn as labelled vertical rules, e.g. venues' tier-1 rates.
    title : str
        Chart title.
    width, height : int
        Size in px.

    Returns
    -------
    altair.LayerChart
        Lines of :meth:`MarginCalibration.gap_probability` on a log y axis (zero
        probabilities are dropped), plus the rules. Needs ``altair``.

    Raises
    ------
    ValueError
        Empty ``calibrations`` or rates outside [0, 1).

    See Also
    --------
    riskkit.risk.calibrate_maintenance_margin, riskkit.risk.MarginCalibration.gap_probability

    Examples
    --------
    >>> from riskkit.risk import calibrate_maintenance_margin
    >>> cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
    >>> spec = gap_probability_chart({"1 bar": cal}, marks={"venue": 0.005}).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'rule', 'text']
    """
    require("altair", "charts")
    import altair as alt

    from riskkit.risk.calibration import MarginCalibration

    check_mapping(calibrations, "calibrations", "MarginCalibration", value_type=MarginCalibration)
    if not calibrations:
        raise ValueError("calibrations must name at least one MarginCalibration; got none")
    m = np.linspace(0.0, 0.06, 121) if rates is None else as_float_array(rates, "rates").ravel()
    check_range(m, "rates", 0.0, 1.0, high_inclusive=False)
    frames = [
        pd.DataFrame(
            {
                "maintenance_margin_rate": m,
                "gap_probability": np.atleast_1d(cal.gap_probability(m)),
                "horizon": label,
            }
        )
        for label, cal in calibrations.items()
    ]
    df = pd.concat(frames, ignore_index=True)
    df = df[df["gap_probability"] > 0].round(6)
    x = alt.X(
        "maintenance_margin_rate:Q",
        title="maintenance margin rate (fraction of notional)",
        axis=alt.Axis(format=".1%"),
    )
    lines = (
        alt.Chart(df)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y(
                "gap_probability:Q",
                title="P(adverse move > rate within horizon)",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~%"),
            ),
            color=alt.Color("horizon:N", title="close-out horizon", sort=list(calibrations)),
            tooltip=[
                alt.Tooltip("horizon:N"),
                alt.Tooltip("maintenance_margin_rate:Q", format=".2%", title="rate"),
                alt.Tooltip("gap_probability:Q", format=".3%", title="probability"),
            ],
        )
    )
    layers: list[Any] = [lines]
    if marks:
        mk = pd.DataFrame({"label": list(marks), "rate": [float(v) for v in marks.values()]})
        mk = mk.sort_values("rate").reset_index(drop=True)
        mk["label_y"] = 4 + 13 * (mk.index % 3)  # stagger labels so neighbours do not overprint
        layers.append(
            alt.Chart(mk)
            .mark_rule(color="#888", strokeDash=[4, 3])
            .encode(
                x="rate:Q", tooltip=[alt.Tooltip("label:N"), alt.Tooltip("rate:Q", format=".2%")]
            )
        )
        layers.append(
            alt.Chart(mk)
            .mark_text(align="left", baseline="top", dx=3, fontSize=10, color="#555")
            .encode(x="rate:Q", y=alt.Y("label_y:Q", scale=None), text="label:N")
        )
    return alt.layer(*layers).properties(title=title, width=width, height=height)
