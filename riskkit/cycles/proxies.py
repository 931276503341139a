"""Leverage proxies: open interest in coin and in USD, annualised funding, margin debt to price.

Part of :mod:`riskkit.cycles`; import the public names from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from riskkit._errors import check_tz_match, check_tz_same
from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import as_float_array, check_range, check_time_index, wrap_like
from riskkit.cycles._common import Window, _lookback, _series
from riskkit.exceptions import InsufficientDataError

__all__ = [
    "funding_annualised",
    "funding_summary",
    "margin_debt_to_price",
    "open_interest_coin",
    "open_interest_usd",
]

_HOURS_PER_YEAR = 24.0 * 365.0


def _align_price(quantity: Any, price: Any) -> Any:
    """If both are Series, the price on the quantity's dates (NaN where it has none)."""
    if isinstance(quantity, pd.Series) and isinstance(price, pd.Series):
        return price.reindex(quantity.index)
    return price


def _quantity_and_price(quantity: Any, name: str, price: Any) -> tuple[FloatArray, FloatArray, Any]:
    """Validated open interest (>= 0, NaN allowed) and price (> 0) on the quantity's dates."""
    check_tz_same(**{name: quantity, "price": price})
    price = _align_price(quantity, price)
    oi = check_range(as_float_array(quantity, name, allow_nan=True), name, 0.0)
    p = check_range(
        as_float_array(price, "price", allow_nan=True), "price", 0.0, low_inclusive=False
    )
    return oi, p, price


def open_interest_coin(open_interest_usd: ArrayLike, price: ArrayLike) -> Any:
    r"""Open interest in coin from open interest in USD and the price.

    Parameters
    ----------
    open_interest_usd : float, array_like or Series
        Open interest in USD (quote currency), >= 0. For coin-margined contracts with a USD face
        value this is the number of contracts times the face value.
    price : float, array_like or Series
        Price of the coin in USD, > 0, sampled at the same times. If both inputs are Series the
        price is taken on the open interest's dates (NaN where it has none).

    Returns
    -------
    float, ndarray or Series
        Open interest in coin (e.g. BTC); a Series keeps the index of the first Series input.
        NaN inputs give NaN.

    Raises
    ------
    ValueError
        If open interest is negative or the price is not > 0.

    See Also
    --------
    open_interest_usd : The inverse conversion.

    Notes
    -----
    .. math:: OI^{coin}_t = OI^{USD}_t / P_t

    with :math:`P_t` the price in USD. A coin-margined book with a constant number of contracts
    *grows* in coin when the price falls, so open interest in coin separates position changes
    from price changes better than open interest in USD.

    References
    ----------
    Binance, "Coin-margined futures contract specifications",
    https://www.binance.com/en/futures/trading-rules/quarterly

    Examples
    --------
    >>> open_interest_coin(2_000_000.0, 50_000.0)
    40.0
    """
    oi, p, price = _quantity_and_price(open_interest_usd, "open_interest_usd", price)
    return wrap_like(oi / p, open_interest_usd, price, name="open_interest_coin")


def open_interest_usd(open_interest_coin: ArrayLike, price: ArrayLike) -> Any:
    r"""Open interest in USD from open interest in coin and the price.

    Parameters
    ----------
    open_interest_coin : float, array_like or Series
        Open interest in coin (e.g. BTC), >= 0.
    price : float, array_like or Series
        Price of the coin in USD, > 0. If both inputs are Series the price is taken on the open
        interest's dates (NaN where it has none).

    Returns
    -------
    float, ndarray or Series
        Open interest in USD; a Series keeps the index of the first Series input.

    Raises
    ------
    ValueError
        If open interest is negative or the price is not > 0.

    See Also
    --------
    open_interest_coin : The inverse conversion.

    Notes
    -----
    .. math:: OI^{USD}_t = OI^{coin}_t \, P_t

    References
    ----------
    Binance, "USDⓈ-margined futures contract specifications",
    https://www.binance.com/en/futures/trading-rules/perpetual

    Examples
    --------
    >>> open_interest_usd(40.0, 50_000.0)
    2000000.0
    """
    oi, p, price = _quantity_and_price(open_interest_coin, "open_interest_coin", price)
    return wrap_like(oi * p, open_interest_coin, price, name="open_interest_usd")


def funding_annualised(
    funding_rate: ArrayLike, *, interval_hours: float = 8.0, window: Window | None = None
) -> Any:
    r"""Annualise a per-interval funding rate, optionally as a rolling mean: the price of leverage.

    Parameters
    ----------
    funding_rate : float, array_like or Series
        Funding rate per funding interval, a fraction (0.0001 = 0.01 % per 8 hours). Positive:
        longs pay shorts. NaN passes through.
    interval_hours : float, default 8.0
        Length of the funding interval in hours, > 0 (8 on BitMEX and Binance; 1 on Hyperliquid).
    window : int, str or Timedelta, optional
        If given, the rolling mean over this window: an int counts funding prints, a string such
        as ``"30D"`` is a length of time (needs a DatetimeIndex). The first prints use the
        available ones (``min_periods=1``).

    Returns
    -------
    float, ndarray or Series
        Annualised funding rate, a fraction per year (simple, not compounded).

    Raises
    ------
    ValueError
        If ``interval_hours`` is not > 0 or ``window`` is invalid.
    TypeError
        If ``window`` is a time length and ``funding_rate`` has no DatetimeIndex.

    See Also
    --------
    open_interest_coin : Quantity of leverage; funding is its price.

    Notes
    -----
    .. math:: f^{ann}_t = f_t \, \frac{24 \cdot 365}{h}, \qquad
              \bar f^{ann}_t = \frac{1}{|W_t|} \sum_{s \in W_t} f^{ann}_s

    with :math:`f_t` the rate per interval, :math:`h` the interval in hours and :math:`W_t` the
    prints inside the window ending at :math:`t`.

    References
    ----------
    BitMEX, "Perpetual contracts guide: funding",
    https://www.bitmex.com/app/perpetualContractsGuide

    Examples
    --------
    >>> round(funding_annualised(0.0001), 4)
    0.1095
    """
    f = as_float_array(funding_rate, "funding_rate", allow_nan=True)
    h = float(
        check_range(
            as_float_array(interval_hours, "interval_hours"),
            "interval_hours",
            0.0,
            low_inclusive=False,
        )
    )
    ann = f * (_HOURS_PER_YEAR / h)
    if window is None:
        return wrap_like(ann, funding_rate, name="funding_annualised")
    check_time_index(funding_rate, "funding_rate")
    s = _series(ann, "funding_rate", allow_nan=True)
    if isinstance(funding_rate, pd.Series):
        s.index = funding_rate.index
    _lookback(s.index, window, "window")  # validate
    out = s.rolling(window if isinstance(window, int) else pd.Timedelta(window), min_periods=1)
    res = out.mean()
    if isinstance(funding_rate, pd.Series):
        return res.rename("funding_annualised")
    return res.to_numpy()


def funding_summary(
    rates: Mapping[str, pd.Series] | pd.DataFrame, *, high: float = 0.30
) -> pd.DataFrame:
    r"""Compare annualised funding series: median, tails and extremes, one row per series.

    Parameters
    ----------
    rates : mapping of str to Series, or DataFrame
        Annualised funding rates (fractions per year, e.g. from :func:`funding_annualised`),
        one series per venue or contract; NaN is ignored.
    high : float, default 0.30
        Level (fraction per year) above which funding counts as expensive leverage.

    Returns
    -------
    DataFrame
        Index: the series names. Columns ``median``, ``share_high`` (share of observations
        above ``high``), ``share_negative`` (share below 0, shorts paying), ``max``,
        ``max_at``, ``min`` and ``min_at`` (the dates of the extremes).

    Notes
    -----
    The shares are :math:`\frac{1}{n}\sum_t 1\{f_t > \text{high}\}` and
    :math:`\frac{1}{n}\sum_t 1\{f_t < 0\}` over the :math:`n` non-missing observations.

    Examples
    --------
    >>> f = pd.Series([0.1, 0.5, -0.2, 0.2], pd.date_range("2024-01-01", periods=4))
    >>> row = funding_summary({"perp": f}).loc["perp"]
    >>> round(float(row["median"]), 2), float(row["share_high"]), f"{row['min_at']:%Y-%m-%d}"
    (0.15, 0.25, '2024-01-03')
    """
    items = rates.items() if isinstance(rates, pd.DataFrame) else dict(rates).items()
    rows = {}
    for name, series in items:
        f = _series(series, str(name), allow_nan=True).dropna()
        if f.empty:
            raise InsufficientDataError(f"funding series {name!r} has no observations")
        rows[name] = {
            "median": f.median(),
            "share_high": (f > high).mean(),
            "share_negative": (f < 0).mean(),
            "max": f.max(),
            "max_at": f.idxmax(),
            "min": f.min(),
            "min_at": f.idxmin(),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def margin_debt_to_price(margin_debt: pd.Series, price: pd.Series) -> pd.Series:
    r"""Margin debt relative to the equity index level, on the common dates.

    Parameters
    ----------
    margin_debt : Series
        Margin debt (FINRA debit balances in customers' securities margin accounts), in USD
        millions, > 0, with a DatetimeIndex.
    price : Series
        Equity index level (e.g. the S&P 500 monthly average), index points, > 0, on the same
        dates (only common dates are kept).

    Returns
    -------
    Series
        Margin debt per index point (USD millions per point), named ``"margin_debt_to_price"``.

    Raises
    ------
    TypeError
        If an input is not a Series.
    InsufficientDataError
        If the two series share no date.

    See Also
    --------
    margin_debt_gap : Leverage gap of margin debt.

    Notes
    -----
    .. math:: L_t = D_t / P_t

    with :math:`D_t` margin debt and :math:`P_t` the index level. :math:`L_t` rises when
    investors borrow faster than prices rise: the stock-market analogue of open interest in coin.

    References
    ----------
    FINRA, "Margin statistics", https://www.finra.org/rules-guidance/key-topics/margin-accounts/margin-statistics

    Examples
    --------
    >>> idx = pd.date_range("2000-01-01", periods=2, freq="MS")
    >>> margin_debt_to_price(pd.Series([300.0, 200.0], idx), pd.Series([1500.0, 1000.0], idx))
    2000-01-01    0.2
    2000-02-01    0.2
    Freq: MS, Name: margin_debt_to_price, dtype: float64
    """
    check_time_index(margin_debt, "margin_debt")
    check_time_index(price, "price")
    for arg, name in ((margin_debt, "margin_debt"), (price, "price")):
        if not isinstance(arg, pd.Series):
            raise TypeError(f"{name} must be a pandas Series; got {type(arg).__name__}")
    check_tz_match(margin_debt.index, "margin_debt.index", price.index, "price.index")
    d, p = margin_debt.align(price, join="inner")
    if len(d) == 0:
        raise InsufficientDataError("margin_debt and price share no date; need at least one")
    dv = check_range(
        as_float_array(d, "margin_debt", allow_nan=True), "margin_debt", 0.0, low_inclusive=False
    )
    pv = check_range(as_float_array(p, "price", allow_nan=True), "price", 0.0, low_inclusive=False)
    return pd.Series(dv / pv, index=d.index, name="margin_debt_to_price")
