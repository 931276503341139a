"""Funding carry of a perpetual position from real funding prints, and the time it liquidates."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import scalar_array
from riskkit._validation import as_float_array, check_positive, check_range, check_time_index
from riskkit.exceptions import InsufficientDataError
from riskkit.leverage._common import _leverage_list, _scalar, _series_1d, _sign

__all__ = [
    "cumulative_funding",
    "funding_carry",
    "funding_carry_table",
    "funding_liquidation_time",
]

_YEAR = pd.Timedelta(days=365.25)


# -------------------------------------------------------------------------------------------
# funding carry
# -------------------------------------------------------------------------------------------


def _periods_per_year(funding_rate: Any, periods_per_year: float | None) -> float:
    if periods_per_year is not None:
        return float(
            check_positive(as_float_array(periods_per_year, "periods_per_year"), "periods_per_year")
        )
    if isinstance(funding_rate, pd.Series) and isinstance(funding_rate.index, pd.DatetimeIndex):
        if len(funding_rate) < 2:
            raise InsufficientDataError(
                f"inferring periods_per_year needs >= 2 funding prints; got {len(funding_rate)}"
            )
        step = pd.Series(funding_rate.index).diff().median()
        return float(_YEAR / step)
    raise ValueError(
        "periods_per_year is required unless funding_rate is a Series with a DatetimeIndex "
        "(e.g. 1095 for 8-hourly funding); got None"
    )


def funding_carry(
    funding_rate: Any,
    leverage: Any = 1.0,
    *,
    side: str = "long",
    periods_per_year: float | None = None,
) -> Any:
    """Annualised funding cost of holding a perpetual position, as a fraction of margin.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per funding interval (0.0001 = 0.01 % per 8 h),
        positive when longs pay shorts. NaN prints are ignored.
    leverage : float or array-like
        Notional / margin, > 0.
    side : {"long", "short"}
        Direction; a short receives what a long pays.
    periods_per_year : float, optional
        Funding intervals per year (1095 for 8-hourly). Inferred from the median spacing of a
        DatetimeIndex when omitted, as 365.25 days / spacing (1095.75 for 8-hourly).

    Returns
    -------
    float or numpy.ndarray
        Cost per year as a fraction of the margin (0.5 = half the margin a year); negative for
        an income.

    Raises
    ------
    ValueError
        If ``periods_per_year`` is missing and cannot be inferred, or ``leverage <= 0``.
    InsufficientDataError
        If no funding print is finite.

    See Also
    --------
    funding_carry_table, cumulative_funding

    Notes
    -----
    .. math::

        C = s\\,L\\,A\\,\\bar f,

    with :math:`\\bar f` the mean funding rate per interval, :math:`A` the intervals per year,
    :math:`L` the leverage and :math:`s = +1` for a long, :math:`-1` for a short. It is a
    simple (not compounded) rate on a constant notional.

    References
    ----------
    Binance, "Introduction to Binance Futures Funding Rates",
    https://www.binance.com/en/support/faq/360033525031 (8-hourly funding; the default rate of
    0.01 % per interval when the premium is inside the clamp).

    Examples
    --------
    The 0.01 % per 8 h baseline costs 1095 x 0.0001 = 10.95 % of notional a year, 109.5 % of
    the margin at 10x:

    >>> round(funding_carry([0.0001, 0.0001], 10.0, periods_per_year=1095), 6)
    1.095
    """
    s = _sign(side)
    f, _ = _series_1d(funding_rate, "funding_rate", allow_nan=True, ordered=True)
    A = _periods_per_year(funding_rate, periods_per_year)
    if not np.isfinite(f).any():
        raise InsufficientDataError("funding_carry needs at least 1 finite funding print; got 0")
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    return _scalar(s * L * A * float(np.nanmean(f)))


def funding_liquidation_time(
    funding_rate: Any,
    leverage: Any = 1.0,
    *,
    side: str = "long",
    maintenance_margin_rate: float = 0.005,
    periods_per_year: float | None = None,
) -> Any:
    """Years until funding alone eats an isolated position's margin above maintenance.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per funding interval, positive when longs pay
        shorts; their mean is the rate assumed for the future. NaN prints are ignored.
    leverage : float or array-like
        Notional / margin, > 0.
    side : {"long", "short"}
        Direction; a short receives what a long pays.
    maintenance_margin_rate : float
        Maintenance margin as a fraction of notional, in [0, 1).
    periods_per_year : float, optional
        Funding intervals per year (1095 for 8-hourly); inferred as in :func:`funding_carry`.

    Returns
    -------
    float or numpy.ndarray
        Time in years (multiply by 365 for days); ``inf`` when the position receives funding
        on average, 0 when the margin is already at or below maintenance (:math:`L \\ge 1/m`).

    Raises
    ------
    ValueError
        If ``leverage <= 0``, ``maintenance_margin_rate`` is outside [0, 1) or
        ``periods_per_year`` is missing and cannot be inferred.
    InsufficientDataError
        If no funding print is finite.

    See Also
    --------
    funding_carry, cumulative_funding

    Notes
    -----
    The margin above maintenance is :math:`1/L - m` of the notional and funding drains
    :math:`s\\,A\\,\\bar f` of the notional a year, so with the price unchanged

    .. math::

        T = \\frac{1/L - m}{s\\,A\\,\\bar f}\\ \\text{years},

    with :math:`L` the leverage, :math:`m` the maintenance margin rate, :math:`\\bar f` the mean
    rate per interval, :math:`A` the intervals per year and :math:`s = +1` for a long, :math:`-1`
    for a short. It is a simple (not compounded) drain on a constant notional; price moves
    shorten or lengthen it.

    Examples
    --------
    At the 0.01 % per 8 h baseline a 10x long pays 10.95 % of notional a year and its buffer is
    10 % - 0.5 % = 9.5 %: gone in 0.095 / 0.1095 = 0.868 years; at 50x in 50 days.

    >>> round(funding_liquidation_time([0.0001], 10.0, periods_per_year=1095), 4)
    0.8676
    >>> round(365 * funding_liquidation_time([0.0001], 50.0, periods_per_year=1095), 1)
    50.0
    """
    check_range(
        as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
        "maintenance_margin_rate",
        0.0,
        1.0,
        high_inclusive=False,
    )
    m = float(maintenance_margin_rate)
    drain = funding_carry(funding_rate, 1.0, side=side, periods_per_year=periods_per_year)
    L = check_positive(as_float_array(leverage, "leverage"), "leverage")
    buffer = np.maximum(1.0 / L - m, 0.0)
    return _scalar(buffer / drain if drain > 0 else np.full_like(buffer, np.inf))


def funding_carry_table(
    funding_rate: pd.Series,
    leverage: Any = (1.0, 2.0, 5.0, 10.0),
    *,
    freq: str = "YE",
    side: str = "long",
    periods_per_year: float | None = None,
) -> pd.DataFrame:
    """Annualised funding carry per calendar period (rows) and leverage (columns).

    Parameters
    ----------
    funding_rate : pandas.Series
        Funding prints (fraction per interval) on a DatetimeIndex.
    leverage : sequence of float
        Leverages, > 0.
    freq : str
        pandas offset alias of the periods, e.g. ``"YE"`` (calendar years) or ``"QE"``.
    side : {"long", "short"}
        Direction.
    periods_per_year : float, optional
        Funding intervals per year; inferred from the index when omitted.

    Returns
    -------
    pandas.DataFrame
        :func:`funding_carry` of the prints inside each period (index: the pandas resample
        label, the period end for ``"YE"``/``"QE"``/``"ME"``, the start for ``"D"``), column
        index ``"leverage"``, and an extra column ``"n_prints"``.

    Raises
    ------
    TypeError
        If ``funding_rate`` is not a Series with a DatetimeIndex.

    See Also
    --------
    funding_carry

    Notes
    -----
    Each cell is :math:`s L A \\bar f_p` with :math:`\\bar f_p` the mean print in period
    :math:`p` (symbols as in :func:`funding_carry`).

    Examples
    --------
    >>> import pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=6, freq="8h", tz="UTC")
    >>> f = pd.Series([0.0001] * 3 + [0.0002] * 3, index=idx)
    >>> funding_carry_table(f, [1.0, 10.0], freq="D", periods_per_year=1095).round(4)
    leverage                    1.0     10.0  n_prints
    2024-01-01 00:00:00+00:00  0.1095  1.095         3
    2024-01-02 00:00:00+00:00  0.2190  2.190         3
    """
    check_time_index(funding_rate, "funding_rate")
    if not isinstance(funding_rate, pd.Series) or not isinstance(
        funding_rate.index, pd.DatetimeIndex
    ):
        raise TypeError(
            "funding_rate must be a pandas Series with a DatetimeIndex; got "
            f"{type(funding_rate).__name__}"
        )
    s = _sign(side)
    levs, _ = _leverage_list(leverage)
    A = _periods_per_year(funding_rate, periods_per_year)
    f = pd.Series(as_float_array(funding_rate, "funding_rate", allow_nan=True),
                  index=funding_rate.index)  # fmt: skip
    grouped = f.resample(freq)
    mean = grouped.mean()
    out = pd.DataFrame(
        s * A * mean.to_numpy()[:, None] * levs[None, :],
        index=mean.index,
        columns=pd.Index(levs, name="leverage"),
    )
    out["n_prints"] = grouped.count().to_numpy()
    return out


def cumulative_funding(funding_rate: Any, leverage: Any = 1.0, *, side: str = "long") -> Any:
    """Cumulative funding paid since the first print, as a fraction of the margin.

    Parameters
    ----------
    funding_rate : array-like or pandas.Series of float
        Funding prints, fraction of notional per interval (positive: longs pay). NaN counts 0.
    leverage : float
        Notional / margin, > 0 (constant notional).
    side : {"long", "short"}
        Direction.

    Returns
    -------
    numpy.ndarray or pandas.Series
        :math:`s L \\sum_{u\\le t} f_u` after each print (negative: received).

    Raises
    ------
    ValueError
        If ``leverage <= 0``.

    See Also
    --------
    funding_carry

    Notes
    -----
    .. math::

        K_t = s\\,L\\sum_{u \\le t} f_u,

    with :math:`s`, :math:`L`, :math:`f_u` as in :func:`funding_carry`. A constant notional is
    assumed (the price path is ignored); with isolated margin the position is liquidated when
    :math:`K_t` (plus the price loss) exhausts the margin above maintenance.

    Examples
    --------
    >>> cumulative_funding([0.0001, 0.0003, -0.0001], 10.0)
    array([0.001, 0.004, 0.003])
    """
    s = _sign(side)
    f, index = _series_1d(funding_rate, "funding_rate", allow_nan=True, ordered=True)
    L = float(check_positive(scalar_array(leverage, "leverage"), "leverage"))
    out = s * L * np.cumsum(np.nan_to_num(f, nan=0.0))
    if index is not None:
        return pd.Series(out, index=index, name="cumulative_funding")
    return out
