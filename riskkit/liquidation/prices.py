"""Closed-form liquidation and bankruptcy prices of isolated positions, linear and inverse.

The equity-equals-maintenance equation solved per position (:func:`liquidation_price`), its
zero-equity case (:func:`bankruptcy_price`), the variant with a maintenance margin fixed at
entry (:func:`liquidation_price_fixed_maintenance`) and the distance from the mark price to
the liquidation price (:func:`distance_to_liquidation`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import align_series, as_float_array, check_positive, wrap_like
from riskkit.liquidation._fast import _arr, _contract, _mmr, _nonneg, _positive, _sign

__all__ = [
    "bankruptcy_price",
    "distance_to_liquidation",
    "liquidation_price",
    "liquidation_price_fixed_maintenance",
]


_NAMES = (
    "side",
    "entry_price",
    "size",
    "margin",
    "maintenance_margin_rate",
    "maintenance_amount",
)


# --------------------------------------------------------------------------------------------
# closed-form prices
# --------------------------------------------------------------------------------------------
def _kernel(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    mmr: FloatArray,
    a: FloatArray,
    linear: bool,
) -> FloatArray:
    # Limits follow the trigger rule (long: P <= LP, short: P >= LP): 0.0 means a long is never
    # liquidated (or a short always is); inf means a long always is (or a short never is).
    with np.errstate(divide="ignore", invalid="ignore"):
        if linear:
            shape = np.broadcast_shapes(s.shape, e.shape, q.shape, m_.shape, mmr.shape, a.shape)
            if len(shape) and s.shape == q.shape == shape:
                # same expression, evaluated in place to spare temporaries on large inputs
                num = np.multiply(s, q)
                num *= e
                np.subtract(m_ + a, num, out=num)
                den = np.subtract(mmr, s, out=np.empty(shape))
                den *= q
                num /= den
                return np.maximum(num, 0.0, out=num)
            p = (m_ + a - s * q * e) / (q * (mmr - s))
            return np.maximum(p, 0.0)
        den = m_ + a + s * q / e
        p = q * (mmr + s) / den
        return np.where(s * den > 0, p, np.inf)


def _fixed_kernel(
    s: FloatArray, e: FloatArray, q: FloatArray, m_: FloatArray, mm: FloatArray, linear: bool
) -> FloatArray:
    with np.errstate(divide="ignore", invalid="ignore"):
        if linear:
            return np.maximum(e - s * (m_ - mm) / q, 0.0)
        den = q / e + s * (m_ - mm)
        return np.where(den > 0, q / den, np.inf)


def liquidation_price(
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    maintenance_margin_rate: ArrayLike,
    maintenance_amount: ArrayLike = 0.0,
    contract: str = "linear",
) -> Any:
    """Mark price at which the position's equity equals its maintenance margin.

    Parameters
    ----------
    side : {"long", "short"}, array of them, or array of +1/-1
        Position direction.
    entry_price : float, array or Series
        Average entry price, quote currency per unit of base (USD per BTC), > 0.
    size : float, array or Series
        Linear: base-asset quantity (BTC), > 0. Inverse: position notional in USD (contracts x
        contract value), > 0.
    margin : float, array or Series
        Collateral behind the position in the settlement currency (quote for linear, base coin
        for inverse). Isolated: the isolated margin. Cross: wallet balance minus the other
        positions' maintenance margin plus their unrealised PnL (see
        :func:`riskkit.margin.cross_account`). May be negative (cross account already short of
        margin).
    maintenance_margin_rate : float, array or Series
        Fraction of notional, in [0, 1). Add a taker-fee rate here for venues that reserve the
        closing fee on the mark-price notional (OKX, BitMEX).
    maintenance_amount : float, array or Series, default 0
        The venue's deduction (Binance maintenance amount / cum, Hyperliquid deduction) in the
        settlement currency, >= 0.
    contract : {"linear", "inverse"}, default "linear"
        Contract type.

    Returns
    -------
    float, ndarray or Series
        Liquidation mark price, quote per base; keeps the index of a Series input. The trigger
        is ``price <= liquidation_price`` for a long and ``>=`` for a short, and the limits keep
        that meaning: a long that cannot be liquidated at any positive price returns ``0.0``
        (Binance displays "--"); an inverse short whose margin covers its whole coin notional
        returns ``inf``; a position already short of margin at every price returns ``inf``
        (inverse long) or ``0.0`` (linear short).

    Raises
    ------
    ValueError
        If ``entry_price`` or ``size`` is not positive, ``maintenance_margin_rate`` is outside
        [0, 1), ``maintenance_amount`` is negative, a value is not finite, or ``side`` /
        ``contract`` is unknown (the message names the argument).
    TypeError
        For non-numeric inputs.

    See Also
    --------
    bankruptcy_price, liquidation_price_tiered, liquidation_price_fixed_maintenance,
    riskkit.margin.cross_account

    Notes
    -----
    With side :math:`s` (+1 long, -1 short), entry :math:`E`, margin :math:`M`, rate :math:`m`
    and deduction :math:`A`, liquidation is the mark price :math:`P` where equity equals
    maintenance margin. Linear (quantity :math:`Q`):

    .. math::
        M + sQ(P - E) = mQP - A \\quad\\Rightarrow\\quad
        P = \\frac{M + A - sQE}{Q(m - s)}

    Inverse (USD notional :math:`N`, equity in coin, notional :math:`N/P`):

    .. math::
        M + sN\\left(\\frac{1}{E} - \\frac{1}{P}\\right) = \\frac{mN}{P} - A
        \\quad\\Rightarrow\\quad P = \\frac{N(m + s)}{M + A + sN/E}

    The linear form is Binance's USDⓈ-M formula with :math:`M = WB - TMM_1 + UPNL_1` and
    :math:`A = cum_B`; the inverse form is its COIN-M formula. Hyperliquid's
    ``price - side * margin_available / size / (1 - l * side)`` is the same equation with
    :math:`l = m`. Conventions: Binance and Hyperliquid charge :math:`m` at the mark price
    (this function); Bybit classic charges it at entry (use
    :func:`liquidation_price_fixed_maintenance`); OKX and BitMEX add the taker fee to :math:`m`.
    No fee term appears in Binance's formula.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93 ;
    Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts",
    https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46 ;
    Hyperliquid, "Liquidations",
    https://hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations

    Examples
    --------
    A 10x long of 1 BTC at 10,000 USDT with MMR 0.5%: ``9000 / 0.995``.

    >>> round(liquidation_price("long", 10_000.0, 1.0, 1_000.0, 0.005), 2)
    9045.23
    >>> round(liquidation_price("short", 10_000.0, 1.0, 1_000.0, 0.005), 2)
    10945.27
    >>> liquidation_price("long", 10_000.0, 1.0, 12_000.0, 0.005)  # over-collateralised
    0.0
    """
    c = _contract(contract)
    (side, entry_price, size, margin, maintenance_margin_rate, maintenance_amount), _ = (
        align_series(
            side,
            entry_price,
            size,
            margin,
            maintenance_margin_rate,
            maintenance_amount,
            names=_NAMES,
        )
    )
    s = _sign(side)
    e = _positive(entry_price, "entry_price")
    q = _positive(size, "size")
    m_ = _arr(margin, "margin")
    mmr = _mmr(maintenance_margin_rate)
    a = _nonneg(maintenance_amount, "maintenance_amount")
    out = _kernel(s, e, q, m_, mmr, a, c == "linear")
    return wrap_like(
        out,
        side,
        entry_price,
        size,
        margin,
        maintenance_margin_rate,
        maintenance_amount,
        name="liquidation_price",
    )


def bankruptcy_price(
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    contract: str = "linear",
) -> Any:
    """Mark price at which the position's equity is zero (margin fully lost).

    Parameters
    ----------
    side, entry_price, size, margin, contract
        As in :func:`liquidation_price`.

    Returns
    -------
    float, ndarray or Series
        Quote per base; ``0.0`` for a long that cannot go bankrupt, ``inf`` for an inverse short
        whose margin covers its coin notional.

    Raises
    ------
    ValueError
        As in :func:`liquidation_price`.

    See Also
    --------
    liquidation_price, loss_beyond_bankruptcy

    Notes
    -----
    :func:`liquidation_price` with :math:`m = A = 0`:

    .. math:: P_b = E - sM/Q \\ \\text{(linear)}, \\qquad P_b = \\frac{sN}{M + sN/E}
              \\ \\text{(inverse)}

    Isolated at leverage :math:`L` (:math:`M = QE/L` or :math:`N/(EL)`) this is
    :math:`E(1 - s/L)` linear and :math:`EL/(L + s)` inverse. For a venue that reserves the
    closing fee at the bankruptcy price (Bybit inverse cross), pass the fee rate as
    ``maintenance_margin_rate`` to :func:`liquidation_price` instead.

    References
    ----------
    Bybit, "Bankruptcy Price (USDT Contract)": long 1 BTC at 10,000 at 50x -> 9,800;
    Bybit, "What is Auto-Deleveraging (ADL)": inverse bankruptcy = E L / (L + 1),
    https://help.bybit.com/hc/en-us/articles/900000031623

    Examples
    --------
    >>> bankruptcy_price("long", 10_000.0, 1.0, 200.0)  # Bybit: 50x long at 10,000
    9800.0
    """
    return liquidation_price(side, entry_price, size, margin, 0.0, 0.0, contract)


def liquidation_price_fixed_maintenance(
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    maintenance_margin: ArrayLike,
    contract: str = "linear",
) -> Any:
    """Liquidation price when the maintenance margin is a fixed amount (entry-based venues).

    Parameters
    ----------
    side, entry_price, size, margin, contract
        As in :func:`liquidation_price`.
    maintenance_margin : float, array or Series
        Maintenance requirement in the settlement currency, fixed at entry (Bybit classic:
        entry value x MMR - deduction, plus any fee to close), >= 0.

    Returns
    -------
    float, ndarray or Series
        Quote per base; ``0.0``/``inf`` where no price liquidates (as in
        :func:`liquidation_price`).

    Raises
    ------
    ValueError
        As in :func:`liquidation_price`; ``maintenance_margin`` must be >= 0.

    See Also
    --------
    liquidation_price, riskkit.margin.fee_to_close

    Notes
    -----
    Solve :math:`M + \\mathrm{PnL}(P) = \\mathrm{MM}` with :math:`\\mathrm{MM}` constant:

    .. math:: P = E - s\\frac{M - \\mathrm{MM}}{Q} \\ \\text{(linear)}, \\qquad
              P = \\frac{N}{N/E + s(M - \\mathrm{MM})} \\ \\text{(inverse)}

    Bybit's USDT page prints ``LP = E - (IM - MM)/size`` for a long and Bybit's Unified-account
    inverse page ``LP = Qty / [PV + (IM - MM)]`` with ``PV = Qty/E``; both are this formula.
    Relative to the exact mark-based form it differs by about :math:`m/L`.

    References
    ----------
    Bybit, "Liquidation Price (USDT Contract)",
    https://testnet.bybit.com/en-US/help-center/s/article/Liquidation-Price-USDT-Contract ;
    Bybit, "Liquidation Price Calculation under Isolated Mode (Unified Trading Account)",
    https://www.bybit.com/en/help-center/article/Liquidation-Price-Calculation-under-Isolated-Mode-Unified-Trading-Account

    Examples
    --------
    >>> liquidation_price_fixed_maintenance("long", 20_000.0, 1.0, 400.0, 100.0)  # Bybit
    19700.0
    """
    c = _contract(contract)
    (side, entry_price, size, margin, maintenance_margin), _ = align_series(
        side,
        entry_price,
        size,
        margin,
        maintenance_margin,
        names=(*_NAMES[:4], "maintenance_margin"),
    )
    s = _sign(side)
    e = _positive(entry_price, "entry_price")
    q = _positive(size, "size")
    m_ = _arr(margin, "margin")
    mm = _nonneg(maintenance_margin, "maintenance_margin")
    out = _fixed_kernel(s, e, q, m_, mm, c == "linear")
    return wrap_like(
        out, side, entry_price, size, margin, maintenance_margin, name="liquidation_price"
    )


# --------------------------------------------------------------------------------------------
# distance, losses
# --------------------------------------------------------------------------------------------
def distance_to_liquidation(side: Any, price: ArrayLike, liquidation_price: ArrayLike) -> Any:
    """Fraction of the current price the market must move against the position to liquidate it.

    Parameters
    ----------
    side : {"long", "short"} or array
        Position direction.
    price : float, array or Series
        Current mark price, > 0.
    liquidation_price : float, array or Series
        Liquidation price, >= 0 (``inf`` allowed for a never-liquidated inverse short).

    Returns
    -------
    float, ndarray or Series
        Fraction of price; negative when already past liquidation; 1.0 for a long with
        liquidation price 0; ``inf`` for a short with liquidation price ``inf``.

    Raises
    ------
    ValueError
        For a non-positive ``price`` or negative ``liquidation_price``.

    See Also
    --------
    liquidation_price

    Notes
    -----
    .. math:: d = s (P - P_{liq}) / P

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> distance_to_liquidation("long", 100.0, 90.0)
    0.1
    """
    (side, price, liquidation_price), _ = align_series(
        side, price, liquidation_price, names=("side", "price", "liquidation_price")
    )
    s = _sign(side)
    p = _positive(price, "price")
    lp_raw = as_float_array(liquidation_price, "liquidation_price", allow_inf=True)
    if np.isneginf(lp_raw).any():
        raise ValueError("liquidation_price must be >= 0 (inf allowed); got -inf")
    check_positive(lp_raw, "liquidation_price", strict=False)
    with np.errstate(over="ignore"):
        out = s * (p - lp_raw) / p
    return wrap_like(out, side, price, liquidation_price, name="distance_to_liquidation")
