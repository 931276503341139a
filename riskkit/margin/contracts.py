"""Contract conventions and per-position margin arithmetic, linear and inverse.

Notional, unrealised PnL, initial and maintenance margin, the fee to close, the margin ratio
and the maintenance amounts (cum) that make a tier ladder continuous.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from riskkit._typing import CONTRACTS, ArrayLike, FloatArray
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_range,
    side_sign,
    wrap_like,
)

__all__ = [
    "fee_to_close",
    "initial_margin",
    "maintenance_amounts",
    "maintenance_margin",
    "margin_ratio",
    "notional_value",
    "unrealized_pnl",
]


def _contract(contract: Any) -> str:
    return check_option(contract, "contract", CONTRACTS)


# --------------------------------------------------------------------------------------------
# contract conventions
# --------------------------------------------------------------------------------------------
def notional_value(size: ArrayLike, price: ArrayLike, contract: str = "linear") -> Any:
    """Position notional in the settlement currency.

    Parameters
    ----------
    size : float, array or Series
        Linear: base-asset quantity (BTC), > 0. Inverse: USD notional (contracts x contract
        value), > 0.
    price : float, array or Series
        Mark price, quote currency per unit of base (USD per BTC), > 0.
    contract : {"linear", "inverse"}
        Contract type.

    Returns
    -------
    float, ndarray or Series
        Linear: ``size * price`` in quote currency. Inverse: ``size / price`` in base coin.

    Raises
    ------
    ValueError
        If ``size`` or ``price`` is not positive, or ``contract`` is unknown.

    See Also
    --------
    maintenance_margin, MarginTiers.lookup

    Notes
    -----
    .. math:: V = Q P \\ \\text{(linear)}, \\qquad V = N / P \\ \\text{(inverse)}

    with :math:`Q` the quantity, :math:`N` the USD notional and :math:`P` the mark price.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts" (notional =
    contracts x 100 / mark), https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46

    Examples
    --------
    >>> notional_value(2.0, 50_000.0)
    100000.0
    >>> notional_value(10_000.0, 25_000.0, contract="inverse")  # 100 contracts of 100 USD
    0.4
    """
    (size, price), _ = align_series(size, price, names=("size", "price"))
    c = _contract(contract)
    q = check_positive(as_float_array(size, "size"), "size")
    p = check_positive(as_float_array(price, "price"), "price")
    out = q * p if c == "linear" else q / p
    return wrap_like(out, size, price, name="notional")


def unrealized_pnl(
    side: Any,
    entry_price: ArrayLike,
    price: ArrayLike,
    size: ArrayLike,
    contract: str = "linear",
) -> Any:
    """Unrealised profit and loss of a position, in the settlement currency.

    Parameters
    ----------
    side : {"long", "short"} or array of them
        Position direction.
    entry_price, price : float, array or Series
        Entry price and current mark price, quote per base, > 0.
    size : float, array or Series
        Linear: base quantity; inverse: USD notional; > 0.
    contract : {"linear", "inverse"}
        Contract type.

    Returns
    -------
    float, ndarray or Series
        Quote currency (linear) or base coin (inverse).

    Raises
    ------
    ValueError
        For non-positive prices or sizes, or an unknown ``side``/``contract``.

    See Also
    --------
    cross_account

    Notes
    -----
    .. math:: \\mathrm{PnL} = s Q (P - E) \\ \\text{(linear)}, \\qquad
              \\mathrm{PnL} = s N (1/E - 1/P) \\ \\text{(inverse)}

    :math:`s` is +1 for a long and -1 for a short, :math:`E` the entry price.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts" (UPNL term),
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> unrealized_pnl("long", 100.0, 90.0, 2.0)
    -20.0
    >>> round(unrealized_pnl("short", 10_000.0, 8_000.0, 10_000.0, "inverse"), 6)
    0.25
    """
    (side, entry_price, price, size), _ = align_series(
        side, entry_price, price, size, names=("side", "entry_price", "price", "size")
    )
    c = _contract(contract)
    s = side_sign(side)
    e = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    p = check_positive(as_float_array(price, "price"), "price")
    q = check_positive(as_float_array(size, "size"), "size")
    out = s * q * (p - e) if c == "linear" else s * q * (1.0 / e - 1.0 / p)
    return wrap_like(out, side, entry_price, price, size, name="unrealized_pnl")


def initial_margin(notional: ArrayLike, leverage: ArrayLike) -> Any:
    """Initial margin of a position opened at ``leverage``: ``notional / leverage``.

    Parameters
    ----------
    notional : float, array or Series
        Position notional in the settlement currency, >= 0.
    leverage : float, array or Series
        Leverage, >= 1 (x times).

    Returns
    -------
    float, ndarray or Series
        Settlement currency.

    Raises
    ------
    ValueError
        If ``notional`` < 0 or ``leverage`` < 1.

    See Also
    --------
    maintenance_margin

    Notes
    -----
    .. math:: \\mathrm{IM} = V / L

    with :math:`V` the notional and :math:`L` the leverage.

    References
    ----------
    Bybit, "Liquidation Price (USDT Contract)": IM = position value / leverage,
    https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract

    Examples
    --------
    >>> initial_margin(20_000.0, 50.0)  # Bybit help page: 1 BTC at 20,000, 50x
    400.0
    """
    (notional, leverage), _ = align_series(notional, leverage, names=("notional", "leverage"))
    v = check_positive(as_float_array(notional, "notional"), "notional", strict=False)
    lev = check_range(as_float_array(leverage, "leverage"), "leverage", 1.0)
    return wrap_like(v / lev, notional, leverage, name="initial_margin")


def maintenance_margin(
    notional: ArrayLike, maintenance_margin_rate: ArrayLike, maintenance_amount: ArrayLike = 0.0
) -> Any:
    """Maintenance margin ``notional x rate - maintenance amount`` (Binance's cum form).

    Parameters
    ----------
    notional : float, array or Series
        Position notional in the settlement currency, >= 0.
    maintenance_margin_rate : float, array or Series
        Fraction of notional, in [0, 1).
    maintenance_amount : float, array or Series, default 0
        Tier deduction (Binance "maintenance amount"/cum), settlement currency, >= 0.

    Returns
    -------
    float, ndarray or Series
        Settlement currency.

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    MarginTiers.maintenance_margin, maintenance_amounts

    Notes
    -----
    .. math:: \\mathrm{MM} = V m - A

    with :math:`V` the notional, :math:`m` the tier rate and :math:`A` the tier amount.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> maintenance_margin(0.4, 0.004)  # Binance COIN-M FAQ: 100 contracts at 25,000
    0.0016
    """
    (notional, maintenance_margin_rate, maintenance_amount), _ = align_series(
        notional,
        maintenance_margin_rate,
        maintenance_amount,
        names=("notional", "maintenance_margin_rate", "maintenance_amount"),
    )
    v = check_positive(as_float_array(notional, "notional"), "notional", strict=False)
    m = check_range(
        as_float_array(maintenance_margin_rate, "maintenance_margin_rate"),
        "maintenance_margin_rate",
        0.0,
        1.0,
        high_inclusive=False,
    )
    a = check_positive(
        as_float_array(maintenance_amount, "maintenance_amount"), "maintenance_amount", strict=False
    )
    out = v * m - a
    return wrap_like(
        out, notional, maintenance_margin_rate, maintenance_amount, name="maintenance_margin"
    )


def fee_to_close(
    size: ArrayLike, price: ArrayLike, fee_rate: ArrayLike, contract: str = "linear"
) -> Any:
    """Taker fee to close a position at ``price``, in the settlement currency.

    Parameters
    ----------
    size : float, array or Series
        Linear: base quantity; inverse: USD notional; > 0.
    price : float, array or Series
        Closing price (often the bankruptcy price), > 0.
    fee_rate : float, array or Series
        Taker fee, fraction of notional, in [0, 1).
    contract : {"linear", "inverse"}
        Contract type.

    Returns
    -------
    float, ndarray or Series
        Settlement currency.

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    riskkit.liquidation.liquidation_price_fixed_maintenance

    Notes
    -----
    .. math:: F = f \\cdot V(P)

    with :math:`f` the fee rate and :math:`V(P)` the notional at the closing price. Bybit's
    inverse cross margin and its 2026 Unified account, OKX, Phemex and BitMEX reserve this fee
    inside the maintenance requirement.

    References
    ----------
    Bybit, "How to calculate Liquidation Price (Inverse Contract)",
    https://help.bybit.com/hc/en-us/articles/360039261334

    Examples
    --------
    >>> round(fee_to_close(10_000.0, 5_000.0, 0.00075, "inverse"), 8)
    0.0015
    """
    (size, price, fee_rate), _ = align_series(
        size, price, fee_rate, names=("size", "price", "fee_rate")
    )
    c = _contract(contract)
    f = check_range(
        as_float_array(fee_rate, "fee_rate"), "fee_rate", 0.0, 1.0, high_inclusive=False
    )
    v = np.asarray(notional_value(size, price, c), dtype=np.float64)
    return wrap_like(v * f, size, price, fee_rate, name="fee_to_close")


def margin_ratio(maintenance_margin: ArrayLike, equity: ArrayLike) -> Any:
    """Binance-style margin ratio ``maintenance margin / margin balance``; liquidation at >= 1.

    Parameters
    ----------
    maintenance_margin : float, array or Series
        Maintenance margin, settlement currency, >= 0.
    equity : float, array or Series
        Margin balance (wallet balance + unrealised PnL), settlement currency.

    Returns
    -------
    float, ndarray or Series
        Dimensionless; ``inf`` where equity <= 0 (already past liquidation).

    Raises
    ------
    ValueError
        If ``maintenance_margin`` < 0.

    See Also
    --------
    cross_account

    Notes
    -----
    .. math:: \\mathrm{MR} = \\mathrm{MM} / (\\mathrm{WB} + \\mathrm{UPNL})

    References
    ----------
    Binance, "What Is Auto-Deleveraging (ADL)" (margin ratio = MM / margin balance),
    https://www.binance.com/en/support/faq/360033525471

    Examples
    --------
    >>> margin_ratio(50.0, 100.0)
    0.5
    """
    (maintenance_margin, equity), _ = align_series(
        maintenance_margin, equity, names=("maintenance_margin", "equity")
    )
    mm = check_positive(
        as_float_array(maintenance_margin, "maintenance_margin"), "maintenance_margin", strict=False
    )
    eq = as_float_array(equity, "equity")
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(eq > 0, mm / np.where(eq > 0, eq, 1.0), np.inf)
    return wrap_like(out, maintenance_margin, equity, name="margin_ratio")


def maintenance_amounts(
    notional_floor: ArrayLike, maintenance_margin_rate: ArrayLike
) -> FloatArray:
    """Tier deductions that make maintenance margin continuous in notional (Binance cum).

    Parameters
    ----------
    notional_floor : array
        Lower notional bound of each tier, increasing, first 0; settlement currency.
    maintenance_margin_rate : array
        Rate of each tier, fraction, non-decreasing, in [0, 1).

    Returns
    -------
    ndarray
        Maintenance amount per tier, settlement currency.

    Raises
    ------
    ValueError
        If the arrays differ in length, floors are not increasing from 0, or rates decrease.

    See Also
    --------
    MarginTiers.from_rates

    Notes
    -----
    .. math:: A_1 = 0, \\qquad A_n = F_n (m_n - m_{n-1}) + A_{n-1}

    with :math:`F_n` the floor and :math:`m_n` the rate of tier :math:`n`. Hyperliquid defines
    its deduction by the same recursion.

    References
    ----------
    Binance COIN-M FAQ (Level 5 = 50 BTC x (5% - 2.5%) + 0.56 BTC = 1.81 BTC),
    https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46 ;
    Hyperliquid, "Margin tiers",
    https://hyperliquid.gitbook.io/hyperliquid-docs/trading/margin-tiers

    Examples
    --------
    >>> maintenance_amounts([0, 50_000, 250_000], [0.004, 0.005, 0.01]).tolist()
    [0.0, 50.0, 1300.0]
    """
    f = as_float_array(notional_floor, "notional_floor").ravel()
    m = as_float_array(maintenance_margin_rate, "maintenance_margin_rate").ravel()
    _check_ladder(f, m)
    out = np.zeros_like(m)
    out[1:] = np.cumsum(f[1:] * np.diff(m))
    return out


def _check_ladder(floor: FloatArray, rate: FloatArray) -> None:
    if floor.shape != rate.shape or floor.size == 0:
        raise ValueError(
            "notional_floor and maintenance_margin_rate must be non-empty and of equal length; "
            f"got {floor.size} and {rate.size}"
        )
    if floor[0] != 0.0:
        raise ValueError(f"notional_floor must start at 0; got {floor[0]!r}")
    if np.any(np.diff(floor) <= 0):
        raise ValueError(f"notional_floor must be strictly increasing; got {floor.tolist()}")
    check_range(rate, "maintenance_margin_rate", 0.0, 1.0, high_inclusive=False)
    if np.any(np.diff(rate) < 0):
        raise ValueError(f"maintenance_margin_rate must be non-decreasing; got {rate.tolist()}")
