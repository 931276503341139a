"""Rolling factor betas: OLS of an asset's returns on one factor over a moving window.

Part of :mod:`riskkit.systemic`; import the public names from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_int as _check_int
from riskkit.systemic._common import _align, _html, _series

__all__ = ["RollingBeta", "rolling_beta"]


@dataclass(frozen=True, slots=True)
class RollingBeta:
    """Rolling OLS of an asset on a factor (:func:`rolling_beta`).

    Attributes
    ----------
    table : DataFrame
        Index: the end of each window; columns ``alpha`` (per period, in the returns' units),
        ``beta`` (unitless), ``r2`` (share of the asset's variance the factor explains, in
        [0, 1]), ``corr`` and ``nobs``. Rows before the first full window are dropped.
    asset, factor : str
        Names of the two series.
    window : int
        Observations per window.
    """

    table: pd.DataFrame
    asset: str
    factor: str
    window: int

    @property
    def beta(self) -> pd.Series:
        """The rolling beta."""
        return self.table["beta"].rename(f"beta of {self.asset} on {self.factor}")

    @property
    def r2(self) -> pd.Series:
        """The rolling R² (the factor's share of the asset's variance)."""
        return self.table["r2"].rename(f"R2 of {self.asset} on {self.factor}")

    def summary(self) -> pd.DataFrame:
        """Distribution of the rolling beta and R²: mean, min, median, max and the last value."""
        t = self.table[["beta", "r2"]]
        out = pd.DataFrame(
            {
                "mean": t.mean(),
                "min": t.min(),
                "median": t.median(),
                "max": t.max(),
                "last": t.iloc[-1],
            }
        )
        out.index.name = f"{self.asset} on {self.factor}, {self.window} obs"
        return out

    def to_frame(self) -> pd.DataFrame:
        """The rolling estimates, one row per window end."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        return _html(self.summary(), f"Rolling beta of {self.asset} on {self.factor}")

    def chart(self, *, title: str | None = None) -> Any:
        """Line chart of the rolling beta (:func:`riskkit.charts.systemic.chart_rolling_beta`)."""
        from riskkit.charts.systemic import chart_rolling_beta

        return chart_rolling_beta(self, title=title)


def rolling_beta(asset: pd.Series, factor: pd.Series, window: int) -> RollingBeta:
    r"""Rolling OLS beta of ``asset`` returns on ``factor`` returns, vectorised with prefix sums.

    Parameters
    ----------
    asset, factor : Series
        Returns (fractions or log returns per period, the same units for both) with an
        increasing, unique index. They are aligned on their labels (inner join) and rows with a
        NaN in either are dropped before the windows are counted.
    window : int
        Observations per window, >= 3.

    Returns
    -------
    RollingBeta
        ``table`` with ``alpha``, ``beta``, ``r2``, ``corr`` and ``nobs`` at each window end.

    Raises
    ------
    TypeError
        If an input is not a Series or ``window`` is not an int.
    ValueError
        For infinite values, an unsorted or duplicated index, or ``window < 3``.
    InsufficientDataError
        If the aligned series are shorter than ``window``.

    See Also
    --------
    principal_components : How much of a panel's variance one common factor explains.

    Notes
    -----
    Over the window :math:`W_t` of the last :math:`n` observations ending at :math:`t`,

    .. math::

        \hat\beta_t = \frac{\sum_{s \in W_t} (x_s - \bar x_t)(y_s - \bar y_t)}
                           {\sum_{s \in W_t} (x_s - \bar x_t)^2},
        \qquad \hat\alpha_t = \bar y_t - \hat\beta_t \bar x_t,
        \qquad R^2_t = \hat\rho_t^2,

    with :math:`y` the asset, :math:`x` the factor and :math:`\hat\rho_t` their correlation in
    the window. The window sums come from differences of prefix (cumulative) sums of
    :math:`x, y, x^2, xy, y^2`, so the cost is :math:`O(T)` whatever the window; the series
    are centred on their full-sample means first (the estimates do not change) so that the
    cumulative sums stay small and cancellation does not eat digits. :math:`R^2_t` is the share
    of the asset's variance in the window that the factor explains: the *systematic* share of
    a position's risk.

    References
    ----------
    Sharpe, W. F. (1964). "Capital Asset Prices: A Theory of Market Equilibrium under
    Conditions of Risk". Journal of Finance 19(3), 425-442.
    https://doi.org/10.1111/j.1540-6261.1964.tb02865.x

    Examples
    --------
    >>> idx = pd.date_range("2024-01-01", periods=4, freq="D")
    >>> x = pd.Series([0.01, -0.02, 0.03, 0.00], idx)
    >>> y = 2 * x + 0.001
    >>> res = rolling_beta(y, x, window=3)
    >>> res.table["beta"].round(6).tolist(), res.table["alpha"].round(6).tolist()
    ([2.0, 2.0], [0.001, 0.001])
    """
    a = _series(asset, "asset")
    f = _series(factor, "factor")
    n = _check_int(window, "window", 3)
    both = _align(a, "asset", f, "factor", n)
    y = both["asset"].to_numpy()
    x = both["factor"].to_numpy()
    x = x - x.mean()
    ybar = y.mean()
    y = y - ybar

    def window_sum(v: np.ndarray) -> np.ndarray:
        c = np.concatenate(([0.0], np.cumsum(v)))
        return c[n:] - c[:-n]

    sx, sy = window_sum(x), window_sum(y)
    sxx, sxy, syy = window_sum(x * x), window_sum(x * y), window_sum(y * y)
    cxx = sxx - sx * sx / n
    cxy = sxy - sx * sy / n
    cyy = syy - sy * sy / n
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = np.where(cxx > 0, cxy / cxx, np.nan)
        corr = np.where((cxx > 0) & (cyy > 0), cxy / np.sqrt(cxx * cyy), np.nan)
    corr = np.clip(corr, -1.0, 1.0)
    alpha = sy / n + ybar - beta * (sx / n + both["factor"].mean())
    table = pd.DataFrame(
        {"alpha": alpha, "beta": beta, "r2": corr**2, "corr": corr, "nobs": n},
        index=both.index[n - 1 :],
    )
    name_a = str(asset.name) if asset.name is not None else "asset"
    name_f = str(factor.name) if factor.name is not None else "factor"
    return RollingBeta(table=table, asset=name_a, factor=name_f, window=n)
