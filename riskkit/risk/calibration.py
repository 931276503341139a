"""Maintenance margin rates calibrated to a tolerated probability of a gap through bankruptcy.

:func:`calibrate_maintenance_margin` reads the rate from the adverse excursions over the
close-out horizon (:class:`MarginCalibration`); :func:`longest_covered_horizon` says how long a
close-out a given rate covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_type, scalar_array
from riskkit._validation import as_float_array, check_option, check_range
from riskkit.risk._common import _horizon, _html, _quantile_needed
from riskkit.risk.excursions import max_adverse_excursion

__all__ = ["MarginCalibration", "calibrate_maintenance_margin", "longest_covered_horizon"]


@dataclass(frozen=True, slots=True)
class MarginCalibration:
    """Maintenance margin rate implied by the data for a gap-through-bankruptcy target.

    Attributes
    ----------
    maintenance_margin_rate : float
        Smallest rate with empirical :math:`P(\\mathrm{MAE}_H > m) \\le` ``target``.
    target : float
        Tolerated probability of a gap through the bankruptcy price.
    horizon : int
        Close-out horizon in bars.
    side : str
        Position side.
    nobs : int
        Number of overlapping windows used.
    excursions : pandas.Series or numpy.ndarray
        The sample of adverse excursions over the horizon.
    """

    maintenance_margin_rate: float
    target: float
    horizon: int
    side: str
    nobs: int
    excursions: Any = field(repr=False)

    def gap_probability(self, maintenance_margin_rate: Any) -> Any:
        """Empirical probability that the price gaps more than the rate within the horizon."""
        m = check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                        "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)  # fmt: skip
        x = np.asarray(self.excursions, dtype=float)
        x = np.sort(x[np.isfinite(x)])
        out = 1.0 - np.searchsorted(x, m, side="right") / x.size
        return float(out) if np.ndim(out) == 0 else out

    def bad_debt(self, maintenance_margin_rate: Any) -> Any:
        """Expected loss beyond bankruptcy per unit of liquidated notional (fraction).

        Parameters
        ----------
        maintenance_margin_rate : float or array_like
            Rate(s) :math:`m` in [0, 1), fraction of notional.

        Returns
        -------
        float or numpy.ndarray
            :math:`E[(\\mathrm{MAE}_H - m)^+]` over the excursion sample: what the insurance
            fund loses on average per USD of notional liquidated, if the close-out fills at the
            worst price of the horizon.

        Notes
        -----
        With the liquidation price :math:`P_L`, the bankruptcy price
        :math:`P_B = (1-m)P_L` (long) and a fill at :math:`P_L(1 - \\mathrm{MAE}_H)`, the loss
        beyond bankruptcy per unit of notional at :math:`P_L` is
        :math:`\\max(0, \\mathrm{MAE}_H - m)` (short: the same with the upward excursion, up to
        the factor :math:`1+m` versus :math:`1-m` in the bankruptcy price, ignored here).

        Examples
        --------
        >>> cal = calibrate_maintenance_margin([100.0, 98.0, 100.0, 99.0] * 50, 1, 0.05)
        >>> round(cal.bad_debt(0.005), 6)  # (50 x 1.5% + 50 x 0.5%) / 199 windows
        0.005025
        """
        m = check_range(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
                        "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)  # fmt: skip
        x = np.asarray(self.excursions, dtype=float)
        x = x[np.isfinite(x)]
        out = np.maximum(x[:, None] - np.atleast_1d(m)[None, :], 0.0).mean(axis=0)
        return float(out[0]) if np.ndim(m) == 0 else out.reshape(np.shape(m))

    def summary(self) -> pd.DataFrame:
        """One-row frame with the calibrated rate and its inputs."""
        return pd.DataFrame(
            {
                "maintenance_margin_rate": [self.maintenance_margin_rate],
                "target": [self.target],
                "horizon": [self.horizon],
                "side": [self.side],
                "nobs": [self.nobs],
                "gap_probability": [self.gap_probability(self.maintenance_margin_rate)],
            }
        )

    def to_frame(self) -> pd.DataFrame:
        """Same one-row frame as :meth:`summary`."""
        return self.summary()

    def _repr_html_(self) -> str:
        return _html(self.summary(), "Data-implied maintenance margin rate")

    def chart(self, rates: Any = None) -> Any:
        """Altair line of the empirical gap probability against the maintenance margin rate.

        ``rates`` (fractions in [0, 1)) default to 200 points up to twice the calibrated rate.
        Needs ``altair``; built by :func:`riskkit.charts.risk.margin_calibration_chart`.
        """
        from riskkit.charts.risk import margin_calibration_chart

        return margin_calibration_chart(self, rates)


def calibrate_maintenance_margin(
    price: Any,
    horizon: int,
    target: float = 0.01,
    *,
    side: str = "long",
    high: Any = None,
    low: Any = None,
    where: Any = None,
) -> MarginCalibration:
    """Maintenance margin rate keeping the chance of a gap through bankruptcy below a target.

    Parameters
    ----------
    price : array_like or pandas.Series
        Bar prices (close), e.g. hourly, > 0.
    horizon : int
        Close-out horizon in bars (the time the venue needs to unwind a liquidated position).
    target : float, default 0.01
        Tolerated probability, in (0, 1), that the price moves past the bankruptcy price before
        the close-out completes.
    side : {"long", "short"}, default "long"
        Position side.
    high, low : array_like or pandas.Series, optional
        Bar highs and lows (recommended for hourly data: gaps happen inside bars).
    where : array_like of bool, optional
        Same length as ``price``: use only the windows starting at bars where it is True, e.g.
        the bars after a large fall, when liquidations actually happen. Default: all bars.

    Returns
    -------
    MarginCalibration
        With ``where``, ``nobs``, ``excursions`` and the methods refer to the selected windows.

    Raises
    ------
    InsufficientDataError
        Fewer than ``1/target`` windows.

    See Also
    --------
    max_adverse_excursion, leverage_cap

    Notes
    -----
    For a linear contract whose maintenance margin is :math:`m` times the position's current
    notional, the long liquidation price is :math:`P_L = E(1-1/\\lambda)/(1-m)` and the
    bankruptcy price :math:`P_B = E(1-1/\\lambda)`, so :math:`1 - P_B/P_L = m` (short:
    :math:`P_B/P_L - 1 = m`): the cushion between liquidation and bankruptcy, relative to the
    liquidation price, is exactly :math:`m` whatever the leverage :math:`\\lambda`. A gap
    through bankruptcy during the close-out horizon :math:`H` happens iff
    :math:`\\mathrm{MAE}_H > m`, hence

    .. math:: m^* = q_{1-\\alpha}(\\mathrm{MAE}_H),

    the empirical quantile over all start bars (inverted CDF, so that the share of windows
    with :math:`\\mathrm{MAE}_H > m^*` is at most :math:`\\alpha`, the target). Liquidations
    cluster in volatile hours, so the unconditional estimate is a lower bound for the rate
    needed at the moment of liquidation; restrict ``price`` to stressed periods to see that.
    Fees, maintenance amounts of tiered brackets and the mark/last price difference are
    ignored.

    References
    ----------
    Binance. How to calculate liquidation price of USDⓈ-M futures contracts.
    https://www.binance.com/en/support/faq/how-to-calculate-liquidation-price-of-usd%E2%93%A2-m-futures-contracts-b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> p = [100.0, 98.0, 100.0, 99.0] * 50
    >>> round(calibrate_maintenance_margin(p, 1, 0.05).maintenance_margin_rate, 4)
    0.02

    Only the windows that start at a 100 (every other bar): half of them fall by 2 %.

    >>> at_100 = np.array(p) == 100.0
    >>> cal = calibrate_maintenance_margin(p, 1, 0.05, where=at_100)
    >>> cal.nobs, round(cal.gap_probability(0.015), 4)
    (100, 0.5)
    """
    h = _horizon(horizon)
    check_option(side, "side", ("long", "short"))
    a = float(check_range(scalar_array(target, "target"), "target", 0.0, 1.0,
                          low_inclusive=False, high_inclusive=False))  # fmt: skip
    mae = max_adverse_excursion(price, h, side=side, high=high, low=low)
    if where is not None:
        mask = np.asarray(where.to_numpy() if isinstance(where, pd.Series) else where)
        if mask.dtype != bool or mask.shape != np.shape(mae):
            raise ValueError(
                f"where must be a boolean array of the same length as price ({np.size(mae)}); "
                f"got dtype {mask.dtype} and shape {mask.shape}"
            )
        mae = mae[mask]
    x = np.asarray(mae, dtype=float)
    m = max(0.0, _quantile_needed(x, a, "calibrate_maintenance_margin"))
    return MarginCalibration(m, a, h, side, int(np.isfinite(x).sum()), mae)


def longest_covered_horizon(
    maintenance_margin_rate: float, calibrations: Iterable[MarginCalibration]
) -> int | None:
    """Longest close-out horizon whose data-implied margin rate fits under a given rate.

    Parameters
    ----------
    maintenance_margin_rate : float
        A venue's rate :math:`m` (fraction of notional), in [0, 1).
    calibrations : iterable of MarginCalibration
        Results of :func:`calibrate_maintenance_margin` for several horizons (same price path,
        side and target).

    Returns
    -------
    int or None
        The largest ``horizon`` (bars) with :math:`m^*(H, \\alpha) \\le m`; None when the
        rate covers none of them (the close-out must be faster than the shortest horizon).

    Raises
    ------
    ValueError
        Rate outside [0, 1) or no calibrations.

    See Also
    --------
    calibrate_maintenance_margin

    Notes
    -----
    .. math:: H^*(m) = \\max\\{H : q_{1-\\alpha}(\\mathrm{MAE}_H) \\le m\\}

    reads a tier ladder as time: a higher tier's rate buys the venue a longer close-out at the
    same tolerance :math:`\\alpha` of a gap through bankruptcy.

    Examples
    --------
    >>> p = [100.0, 98.0, 100.0, 99.0] * 50
    >>> cals = [calibrate_maintenance_margin(p, h, 0.05) for h in (1, 2)]
    >>> longest_covered_horizon(0.021, cals), longest_covered_horizon(0.015, cals)
    (2, None)
    """
    m = float(check_range(scalar_array(maintenance_margin_rate, "maintenance_margin_rate"),
                          "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False))  # fmt: skip
    cals = list(check_type(calibrations, "calibrations", list, tuple, Iterable))
    for i, c in enumerate(cals):
        check_type(c, f"calibrations[{i}]", MarginCalibration)
    if not cals:
        raise ValueError("calibrations must hold at least one MarginCalibration; got none")
    ok = [c.horizon for c in cals if c.maintenance_margin_rate <= m]
    return max(ok) if ok else None
