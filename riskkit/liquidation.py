"""Liquidation and bankruptcy prices, tier-aware solving, partial liquidation and ADL ranking.

Every venue we cover liquidates a position when its equity (margin plus unrealised PnL, in the
settlement currency) falls to its maintenance margin. :func:`liquidation_price` solves that
equation in closed form for linear and inverse contracts; venue conventions are expressed through
its inputs (see the table in :func:`liquidation_price`'s Notes) or through
:func:`liquidation_price_fixed_maintenance` for venues that fix the maintenance margin at entry.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._compat import require
from riskkit._typing import CONTRACTS, ArrayLike, FloatArray
from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
    side_sign,
    wrap_like,
)
from riskkit.exceptions import TierMismatchWarning
from riskkit.margin import MarginTiers

__all__ = [
    "PartialLiquidation",
    "adl_quantile",
    "adl_ranking",
    "adl_ranking_binance",
    "bankruptcy_price",
    "chart_liquidation_ladder",
    "distance_to_liquidation",
    "effective_leverage",
    "liquidation_losses",
    "liquidation_price",
    "liquidation_price_fixed_maintenance",
    "liquidation_price_tiered",
    "liquidation_table",
    "liquidation_tables",
    "loss_beyond_bankruptcy",
    "min_liquidated_leverage_tiered",
    "partial_liquidation",
]

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# fast validation (one pass of min/max per array; the detailed helpers explain failures)
# --------------------------------------------------------------------------------------------
class _Checked:
    """A float64 array with its min and max, computed once (one reduction each)."""

    __slots__ = ("arr", "hi", "lo")

    def __init__(self, x: Any, name: str) -> None:
        if isinstance(x, np.ndarray) and x.dtype == np.float64:
            arr = x
        elif isinstance(x, float | int) and not isinstance(x, bool):
            arr = np.asarray(float(x))
        else:
            arr = as_float_array(x, name)
        lo, hi = (arr.min(), arr.max()) if arr.size else (0.0, 0.0)
        if not (np.isfinite(lo) and np.isfinite(hi)):
            as_float_array(arr, name)  # raises, naming the offending values
        self.arr, self.lo, self.hi = arr, float(lo), float(hi)


def _arr(x: Any, name: str) -> FloatArray:
    return _Checked(x, name).arr


def _positive(x: Any, name: str) -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not c.lo > 0:
        check_positive(c.arr, name)
    return c.arr


def _mmr(x: Any, name: str = "maintenance_margin_rate") -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not (c.lo >= 0 and c.hi < 1):
        check_range(c.arr, name, 0.0, 1.0, high_inclusive=False)
    return c.arr


def _nonneg(x: Any, name: str) -> FloatArray:
    c = _Checked(x, name)
    if c.arr.size and not c.lo >= 0:
        check_positive(c.arr, name, strict=False)
    return c.arr


def _sign(side: Any) -> FloatArray:
    if isinstance(side, str):
        return side_sign(side)
    arr = np.asarray(side.to_numpy() if isinstance(side, pd.Series) else side)
    if arr.dtype.kind in "fiu":
        arr = arr.astype(np.float64, copy=False)
        n_ok = np.count_nonzero(arr == 1.0) + np.count_nonzero(arr == -1.0)
        if n_ok != arr.size:
            bad = arr[np.abs(arr) != 1.0]
            raise ValueError(
                f"side must be 'long'/'short' or +1/-1; got {bad[:5].tolist()} among the values"
            )
        return arr
    return side_sign(arr)


def _contract(contract: Any) -> str:
    return check_option(contract, "contract", CONTRACTS)


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
# tier-aware solving
# --------------------------------------------------------------------------------------------
def _tiered(
    s: FloatArray,
    e: FloatArray,
    q: FloatArray,
    m_: FloatArray,
    tiers: MarginTiers,
    linear: bool,
) -> tuple[FloatArray, FloatArray]:
    s, e, q, m_ = np.broadcast_arrays(s, e, q, m_)
    floor, cap = tiers.notional_floor, tiers.notional_cap
    rate, amount = tiers.maintenance_margin_rate, tiers.maintenance_amount
    if tiers.tier_basis == "entry":
        v0 = q * e if linear else q / e
        ke = np.clip(np.searchsorted(floor, v0, side="right") - 1, 0, tiers.n_tiers - 1)
        if tiers.maintenance_basis == "entry":
            p = _fixed_kernel(s, e, q, m_, v0 * rate[ke] - amount[ke], linear)
        else:
            p = _kernel(s, e, q, m_, rate[ke], amount[ke], linear)
        return p, ke.astype(np.float64)
    # Start from the tier of the entry notional and walk each inconsistent position one tier
    # towards its liquidation notional; maintenance margin is continuous and monotone in price,
    # so the walk ends at the unique consistent tier (most positions need 0 or 1 step).
    last = tiers.n_tiers - 1

    def notional_at(qq: FloatArray, pp: FloatArray) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return qq * pp if linear else qq / pp

    def tier_of(v: FloatArray) -> FloatArray:
        return np.clip(np.searchsorted(floor, v, side="right") - 1, 0, last)

    k = tier_of(q * e if linear else q / e).astype(np.intp)
    pf = np.asarray(_kernel(s, e, q, m_, rate[k], amount[k], linear), dtype=np.float64)
    pf = pf.reshape(-1).copy() if pf.ndim == 0 else pf.reshape(-1)
    kf = k.reshape(-1)
    sf, ef, qf, mf = s.reshape(-1), e.reshape(-1), q.reshape(-1), m_.reshape(-1)
    v = notional_at(qf, pf)
    sub = np.flatnonzero((v < floor[kf]) | (v >= cap[kf]))  # inconsistent positions only
    for _ in range(2 * tiers.n_tiers):
        if not sub.size:
            break
        ks = kf[sub]
        target = tier_of(notional_at(qf[sub], pf[sub]))
        keep = target != ks
        sub, ks, target = sub[keep], ks[keep], target[keep]
        kk = ks + np.sign(target - ks).astype(np.intp)
        kf[sub] = kk
        pf[sub] = _kernel(sf[sub], ef[sub], qf[sub], mf[sub], rate[kk], amount[kk], linear)
    at_last = np.flatnonzero(kf == last)
    beyond = at_last[notional_at(qf[at_last], pf[at_last]) >= cap[last]]
    if beyond.size:
        warnings.warn(
            f"{beyond.size} position(s) have a notional at the liquidation price above the last "
            f"tier cap {cap[last]:g} of {tiers.venue} {tiers.symbol}; the last tier is applied. "
            "The venue would not accept such positions; reduce the size.",
            TierMismatchWarning,
            stacklevel=3,
        )
    price = pf.reshape(s.shape)
    tier = kf.reshape(s.shape)
    return price, tier.astype(np.float64)


def liquidation_price_tiered(
    side: Any,
    entry_price: ArrayLike,
    size: ArrayLike,
    margin: ArrayLike,
    tiers: MarginTiers,
    contract: str | None = None,
) -> Any:
    """Liquidation price using the tier that is consistent with the position (venue rule).

    Parameters
    ----------
    side, entry_price, size, margin
        As in :func:`liquidation_price`.
    tiers : MarginTiers
        The venue's table (e.g. :func:`riskkit.margin.load_tiers`).
    contract : {"linear", "inverse"}, optional
        Defaults to ``tiers.contract``; must match it.

    Returns
    -------
    float, ndarray or Series
        Liquidation price, quote per base.

    Raises
    ------
    TypeError
        If ``tiers`` is not a :class:`~riskkit.margin.MarginTiers`.
    ValueError
        As in :func:`liquidation_price`, or if ``contract`` differs from ``tiers.contract``.

    See Also
    --------
    liquidation_price, liquidation_table

    Notes
    -----
    With ``tiers.tier_basis == "liquidation"`` (Binance, Hyperliquid), the price is the
    :math:`P_k` from :func:`liquidation_price` with tier :math:`k`'s :math:`(m_k, A_k)` for the
    :math:`k` where the notional at :math:`P_k` lies in :math:`[F_k, F_{k+1})`. Binance's FAQ
    requires this re-check ("if the position calculated at the liquidation price and the current
    position are of different levels, substitute the level at the liquidation price"). Because
    the cum recursion makes maintenance margin continuous and monotone in price, exactly one
    tier is consistent. The search starts at the entry tier and moves only the inconsistent
    positions one tier at a time (vectorised over the shrinking subset): :math:`O(n)` time when
    positions liquidate within one or two tiers of entry, :math:`O(nK)` at worst, :math:`O(n)`
    memory.

    With ``tier_basis == "entry"`` (Bybit classic risk limit) the tier is that of the entry
    notional, and with ``maintenance_basis == "entry"`` the maintenance margin is fixed at entry
    (:func:`liquidation_price_fixed_maintenance`).

    References
    ----------
    Binance, "How to Calculate Liquidation Price of COIN-M Futures Contracts",
    https://www.binance.com/en/support/faq/ceccfcfb4e3a45e3b48b0b1bb1a8ae46

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = load_tiers("binance_usdm_btcusdt_2021-03")
    >>> round(liquidation_price_tiered("long", 50_000.0, 10.0, 50_000.0, t), 2)
    45323.23
    """
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    c = tiers.contract if contract is None else _contract(contract)
    if c != tiers.contract:
        raise ValueError(f"contract must match tiers.contract {tiers.contract!r}; got {contract!r}")
    s = _sign(side)
    e = _positive(entry_price, "entry_price")
    q = _positive(size, "size")
    m_ = _arr(margin, "margin")
    price, _ = _tiered(s, e, q, m_, tiers, c == "linear")
    return wrap_like(price, side, entry_price, size, margin, name="liquidation_price")


def liquidation_table(
    entry_price: ArrayLike,
    leverage: ArrayLike,
    tiers: MarginTiers,
    *,
    side: str = "long",
    notional: float = 10_000.0,
    price_extreme: ArrayLike | None = None,
) -> pd.DataFrame:
    """Tidy table of tier-aware liquidation and bankruptcy prices per entry and leverage.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base, > 0. A Series' index (e.g. dates or venues) becomes the
        ``entry`` column.
    leverage : float or array
        Leverage levels, >= 1; isolated margin is ``notional / leverage``.
    tiers : MarginTiers
        The venue's table; its ``contract`` decides linear or inverse.
    side : {"long", "short"}, default "long"
        Position direction.
    notional : float, default 10,000
        Position notional at entry in USD (quote); it selects the tier. Linear size is
        ``notional / entry_price``; inverse size is ``notional`` USD and margin
        ``notional / (entry_price x leverage)`` coin.
    price_extreme : float, array or Series, optional
        The low (for a long) or high (for a short) reached after entry, one per entry price or a
        scalar. Adds the column ``liquidated`` (the extreme crossed the liquidation price).

    Returns
    -------
    DataFrame
        One row per (entry, leverage) with columns ``entry``, ``entry_price``, ``leverage``,
        ``side``, ``notional``, ``margin``, ``tier``, ``maintenance_margin_rate``,
        ``maintenance_amount``, ``max_leverage``, ``leverage_allowed``, ``liquidation_price``,
        ``bankruptcy_price``, ``distance_to_liquidation`` and, when ``price_extreme`` is given,
        ``price_extreme`` and ``liquidated``.

    Raises
    ------
    ValueError
        For out-of-range inputs or a ``price_extreme`` whose length does not match.

    See Also
    --------
    liquidation_price_tiered, bankruptcy_price

    Notes
    -----
    ``leverage_allowed`` is False where the leverage exceeds the tier's maximum (the venue would
    refuse the order); the price is still computed so the chapter can show it.
    ``distance_to_liquidation`` is :math:`s(E - P_{liq})/E`.

    References
    ----------
    See :func:`liquidation_price_tiered`.

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = load_tiers("hyperliquid_btc_2025")
    >>> df = liquidation_table(100_000.0, [10, 20], t, price_extreme=91_000.0)
    >>> df["liquidation_price"].round(2).tolist(), df["liquidated"].tolist()
    ([91139.24, 96202.53], [True, True])
    """
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    e_in = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
    e_arr = np.atleast_1d(e_in).ravel()
    labels = (
        entry_price.index.to_numpy()
        if isinstance(entry_price, pd.Series)
        else np.arange(e_arr.size)
    )
    lev = np.atleast_1d(check_range(as_float_array(leverage, "leverage"), "leverage", 1.0)).ravel()
    n_usd = float(check_positive(as_float_array(notional, "notional"), "notional"))
    ee = np.repeat(e_arr, lev.size)
    ll = np.tile(lev, e_arr.size)
    lab = np.repeat(labels, lev.size)
    linear = tiers.contract == "linear"
    if linear:
        size = n_usd / ee
        margin = n_usd / ll
        v_entry = np.full(ee.shape, n_usd)
    else:
        size = np.full(ee.shape, n_usd)
        margin = n_usd / (ee * ll)
        v_entry = n_usd / ee
    s = np.full(ee.shape, sgn)
    lp, k = _tiered(s, ee, size, margin, tiers, linear)
    ki = k.astype(np.intp)
    bp = _kernel(s, ee, size, margin, np.zeros(1), np.zeros(1), linear)
    k_entry = np.clip(np.searchsorted(tiers.notional_floor, v_entry, side="right") - 1, 0, None)
    max_lev = tiers.max_leverage[np.maximum(ki, k_entry)]
    out = pd.DataFrame(
        {
            "entry": lab,
            "entry_price": ee,
            "leverage": ll,
            "side": side,
            "notional": n_usd,
            "margin": margin,
            "tier": ki + 1,
            "maintenance_margin_rate": tiers.maintenance_margin_rate[ki],
            "maintenance_amount": tiers.maintenance_amount[ki],
            "max_leverage": max_lev,
            "leverage_allowed": ll <= max_lev + 1e-12,
            "liquidation_price": lp,
            "bankruptcy_price": bp,
            "distance_to_liquidation": sgn * (ee - lp) / ee,
        }
    )
    if price_extreme is not None:
        x = check_positive(as_float_array(price_extreme, "price_extreme"), "price_extreme")
        x = np.atleast_1d(x).ravel()
        if x.size not in (1, e_arr.size):
            raise ValueError(
                f"price_extreme must be a scalar or have one value per entry price "
                f"({e_arr.size}); got {x.size}"
            )
        xx = np.repeat(np.broadcast_to(x, e_arr.shape), lev.size)
        out["price_extreme"] = xx
        out["liquidated"] = (sgn * (xx - lp)) <= 0
    out.attrs.update(venue=tiers.venue, symbol=tiers.symbol, vintage=tiers.vintage)
    return out


def min_liquidated_leverage_tiered(
    entry_price: ArrayLike,
    price_extreme: ArrayLike,
    tiers: MarginTiers,
    *,
    side: str = "long",
    notional: float = 10_000.0,
    leverage_max: float = 1_000.0,
) -> Any:
    """Smallest isolated leverage that a move to ``price_extreme`` liquidates, on venue tiers.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base (USD per BTC), > 0.
    price_extreme : float, array or Series
        Lowest (long) or highest (short) price reached after entry, same units, > 0; broadcast
        against ``entry_price``.
    tiers : MarginTiers
        The venue's table; its ``contract`` decides linear or inverse and its ``tier_basis`` /
        ``maintenance_basis`` the venue convention (as in :func:`liquidation_price_tiered`).
    side : {"long", "short"}, default "long"
        Position direction.
    notional : float, default 10,000
        Position notional at entry in USD; it selects the tier (as in :func:`liquidation_table`).
    leverage_max : float, default 1,000
        Upper end of the search, > 1.

    Returns
    -------
    float, ndarray or Series
        Leverage (x): every isolated position of this notional at this leverage or above was
        liquidated, every one below survived. ``1.0`` when even 1x was liquidated (an inverse
        long loses its coin margin in a fall of about half); ``inf`` when ``leverage_max`` was
        not. Compare with ``tiers.max_leverage`` to see whether the venue allowed it.

    Raises
    ------
    TypeError
        If ``tiers`` is not a :class:`~riskkit.margin.MarginTiers`.
    ValueError
        For non-positive prices or notional, ``leverage_max`` <= 1, or an unknown ``side``.

    See Also
    --------
    liquidation_table, riskkit.crashes.min_liquidated_leverage

    Notes
    -----
    The tier-aware liquidation price :math:`P_{liq}(L)` of a long rises monotonically with
    leverage :math:`L` (margin :math:`N/L` falls while maintenance margin is continuous in
    price), and a short's falls, so the threshold :math:`L^* = \\min\\{L : s(P_x - P_{liq}(L))
    \\le 0\\}` is found by bisection on :math:`\\log L` (64 steps, relative error below
    :math:`10^{-15}`), vectorised over entries. With one flat rate :math:`m` and no deduction the
    linear long result equals :func:`riskkit.crashes.min_liquidated_leverage`.

    References
    ----------
    See :func:`liquidation_price_tiered`.

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> usdm = load_tiers("binance_usdm_btcusdt_2021-03")  # tier 1: m = 0.4 %
    >>> round(min_liquidated_leverage_tiered(100_000.0, 90_000.0, usdm), 3)
    9.653
    >>> coinm = load_tiers("binance_coinm_btcusd_2023")  # inverse, tier 1: m = 0.4 %
    >>> round(min_liquidated_leverage_tiered(100_000.0, 90_000.0, coinm), 3)
    8.654

    By hand: linear :math:`1/(1 - 0.9 \\times 0.996) = 9.653`; inverse, from
    :math:`P_{liq} = E L (1 + m)/(L + 1)`, :math:`L = 90{,}000/(100{,}400 - 90{,}000) = 8.654`.
    """
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    e_in = _positive(entry_price, "entry_price")
    x_in = _positive(price_extreme, "price_extreme")
    n_usd = float(check_positive(as_float_array(notional, "notional"), "notional"))
    hi_lev = float(check_range(as_float_array(leverage_max, "leverage_max"), "leverage_max", 1.0))
    if not hi_lev > 1.0:
        raise ValueError(f"leverage_max must be > 1; got {hi_lev!r}")
    e, x = np.broadcast_arrays(np.atleast_1d(e_in), np.atleast_1d(x_in))
    e, x = e.astype(np.float64).ravel(), x.astype(np.float64).ravel()
    linear = tiers.contract == "linear"
    s = np.full(e.shape, sgn)
    size = n_usd / e if linear else np.full(e.shape, n_usd)

    def hit(lev: FloatArray) -> Any:
        margin = n_usd / lev if linear else n_usd / (e * lev)
        lp, _ = _tiered(s, e, size, margin, tiers, linear)
        return sgn * (x - lp) <= 0

    lo = np.zeros(e.shape)  # log leverage
    hi = np.full(e.shape, np.log(hi_lev))
    at_one = hit(np.ones(e.shape))
    never = ~hit(np.full(e.shape, hi_lev))
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        h = hit(np.exp(mid))
        hi = np.where(h, mid, hi)
        lo = np.where(h, lo, mid)
    out = np.where(at_one, 1.0, np.where(never, np.inf, np.exp(hi)))
    if np.ndim(entry_price) == 0 and np.ndim(price_extreme) == 0:
        return float(out[0])
    return wrap_like(out, entry_price, price_extreme, name="min_liquidated_leverage")


def chart_liquidation_ladder(
    table: pd.DataFrame,
    *,
    color: str | None = None,
    lows: pd.Series | None = None,
    title: str = "Liquidation price by leverage",
    zero: bool = True,
) -> Any:
    """Line chart of liquidation price against leverage, with crash lows drawn across.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`liquidation_table` or :func:`liquidation_tables`, with columns
        ``leverage`` and ``liquidation_price``. Only these, ``color``, ``entry`` and ``tier``
        are embedded in the chart.
    color : str, optional
        Column that distinguishes lines (e.g. ``"venue"`` after concatenating tables, or
        ``"entry"``).
    lows : Series, optional
        Horizontal reference prices (e.g. crash lows), labelled by the index.
    title : str
        Chart title.
    zero : bool, default True
        Start the price axis at zero; False fits it to the data and the lows.

    Returns
    -------
    altair.Chart
        A layered chart, 520 px wide; never displayed here: one line with markers per series
        (colour and dash pattern), and each low as a dashed grey rule labelled with its index
        at the left edge.

    Raises
    ------
    ValueError
        If ``table`` lacks the needed columns.

    See Also
    --------
    liquidation_table

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> df = liquidation_table(100_000.0, [2, 5, 10], load_tiers("hyperliquid_btc_2025"))
    >>> chart_liquidation_ladder(df).to_dict()["width"]
    520
    """
    require("altair", "charts")
    import altair as alt

    need = {"leverage", "liquidation_price"} | ({color} if color else set())
    missing = sorted(need - set(table.columns))
    if missing:
        raise ValueError(f"table is missing columns {missing}; got {list(table.columns)}")
    # embed only the plotted and tooltip columns: a full liquidation_table would bloat the chart
    shown = dict.fromkeys(
        c for c in (color, "entry", "leverage", "liquidation_price", "tier") if c and c in table
    )
    data = table[list(shown)].copy()
    if color:
        data[color] = data[color].astype(str)
    enc: dict[str, Any] = {
        "x": alt.X(
            "leverage:Q",
            scale=alt.Scale(type="log", nice=False),
            title="Leverage (x, log scale)",
        ),
        "y": alt.Y(
            "liquidation_price:Q", title="Liquidation price (USD)", scale=alt.Scale(zero=zero)
        ),
        "tooltip": [
            c for c in (color, "entry", "leverage", "liquidation_price", "tier") if c and c in data
        ],
    }
    if color:
        # colour and dash pattern on the same field give one legend; the dashes keep series that
        # lie on top of each other distinguishable
        enc["color"] = alt.Color(f"{color}:N", title=color)
        enc["strokeDash"] = alt.StrokeDash(f"{color}:N", title=color)
    marker = alt.OverlayMarkDef(filled=True, size=24)
    lines = alt.Chart(data).mark_line(strokeWidth=1.6, point=marker).encode(**enc)
    layers: list[Any] = [lines]
    if lows is not None:
        ref = pd.DataFrame({"label": lows.index.astype(str), "low": lows.to_numpy(dtype=float)})
        base = alt.Chart(ref).encode(
            y="low:Q", tooltip=["label:N", alt.Tooltip("low:Q", format=",.0f")]
        )
        layers.append(base.mark_rule(strokeDash=[4, 3], color="#555"))
        layers.append(
            base.mark_text(
                align="left", baseline="bottom", dx=2, dy=-2, fontSize=10, color="#333"
            ).encode(x=alt.value(0), text="label:N")
        )
    return alt.layer(*layers).properties(width=520, height=320, title=title)


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
    s = _sign(side)
    p = _positive(price, "price")
    lp_raw = np.asarray(
        liquidation_price.to_numpy()
        if isinstance(liquidation_price, pd.Series)
        else liquidation_price,
        dtype=np.float64,
    )
    lp = np.where(np.isposinf(lp_raw), np.finfo(np.float64).max, lp_raw)
    as_float_array(lp, "liquidation_price")
    check_positive(lp, "liquidation_price", strict=False)
    with np.errstate(over="ignore"):
        out = s * (p - lp_raw) / p
    return wrap_like(out, side, price, liquidation_price, name="distance_to_liquidation")


def loss_beyond_bankruptcy(
    side: Any,
    bankruptcy_price: ArrayLike,
    fill_price: ArrayLike,
    size: ArrayLike,
    contract: str = "linear",
) -> Any:
    """Loss that exceeds the position's margin when its close fills past the bankruptcy price.

    Parameters
    ----------
    side : {"long", "short"} or array
        Direction of the liquidated position.
    bankruptcy_price : float, array or Series
        Zero-equity price, > 0.
    fill_price : float, array or Series
        Average price at which the liquidation order filled, > 0.
    size : float, array or Series
        Linear: base quantity; inverse: USD notional; > 0.
    contract : {"linear", "inverse"}
        Contract type.

    Returns
    -------
    float, ndarray or Series
        Settlement currency, >= 0: what the insurance fund (or, failing it, ADL counterparties or
        the trader's other balance under cross margin) absorbs. 0 when the fill is at or better
        than bankruptcy (the surplus then goes to the insurance fund on Binance, BitMEX, Bybit).

    Raises
    ------
    ValueError
        For non-positive prices or sizes.

    See Also
    --------
    bankruptcy_price

    Notes
    -----
    .. math:: \\ell = \\max\\{0, sQ(P_b - P_f)\\} \\ \\text{(linear)}, \\qquad
              \\ell = \\max\\{0, sN(1/P_f - 1/P_b)\\} \\ \\text{(inverse)}

    References
    ----------
    BitMEX, "Liquidation" (closing worse than bankruptcy: the Insurance Fund absorbs the
    difference), https://www.bitmex.com/app/liquidation

    Examples
    --------
    >>> loss_beyond_bankruptcy("long", 9_800.0, 9_700.0, 2.0)
    200.0
    """
    c = _contract(contract)
    s = _sign(side)
    bp = _positive(bankruptcy_price, "bankruptcy_price")
    fp = _positive(fill_price, "fill_price")
    q = _positive(size, "size")
    raw = s * q * (bp - fp) if c == "linear" else s * q * (1.0 / fp - 1.0 / bp)
    return wrap_like(np.maximum(raw, 0.0), side, bankruptcy_price, fill_price, size, name="loss")


def liquidation_tables(
    entry_price: ArrayLike,
    leverage: ArrayLike,
    tables: Mapping[str, MarginTiers],
    *,
    key: str = "venue",
    allowed_only: bool = False,
    side: str = "long",
    notional: float = 10_000.0,
    price_extreme: ArrayLike | None = None,
) -> pd.DataFrame:
    """:func:`liquidation_table` for several tier tables, stacked with a label column.

    Parameters
    ----------
    entry_price : float, array or Series
        Entry price(s), quote per base (USD per BTC), > 0.
    leverage : float or array
        Leverage levels, >= 1.
    tables : mapping of str to MarginTiers
        Label (e.g. a venue name) to tier table, in the order wanted in the output.
    key : str, default "venue"
        Name of the label column (first column of the result).
    allowed_only : bool, default False
        Keep only the rows whose leverage the venue allows at that size (``leverage_allowed``).
    side, notional, price_extreme
        As in :func:`liquidation_table` (notional in USD).

    Returns
    -------
    DataFrame
        The columns of :func:`liquidation_table` preceded by ``key``, one block of rows per
        table, with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        If ``tables`` is empty or ``key`` collides with a column of :func:`liquidation_table`.

    See Also
    --------
    liquidation_table, chart_liquidation_ladder

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = {"USD-M": load_tiers("binance_usdm_btcusdt_2021-03"),
    ...      "COIN-M": load_tiers("binance_coinm_btcusd_2023")}
    >>> df = liquidation_tables(100_000.0, [10], t, key="contract")
    >>> df[["contract", "liquidation_price"]].round(2).values.tolist()
    [['USD-M', 90361.45], ['COIN-M', 91272.73]]

    By hand (tier 1, :math:`m = 0.4\\,\\%`): linear :math:`10^5 \\times 0.9/0.996 = 90{,}361.45`;
    inverse :math:`10^5 \\times 1.004 \\times 10/11 = 91{,}272.73`.
    """
    if not tables:
        raise ValueError("tables must name at least one MarginTiers; got an empty mapping")
    parts = []
    for label, tiers in tables.items():
        tab = liquidation_table(
            entry_price, leverage, tiers, side=side, notional=notional, price_extreme=price_extreme
        )
        if key in tab.columns:
            raise ValueError(f"key must not be a column of liquidation_table; got {key!r}")
        tab.insert(0, key, label)
        parts.append(tab[tab["leverage_allowed"]] if allowed_only else tab)
    return pd.concat(parts, ignore_index=True)


def liquidation_losses(
    entry_price: float,
    price_extreme: pd.Series,
    leverage: ArrayLike,
    tiers: MarginTiers,
    *,
    side: str = "long",
    notional: float = 10_000.0,
) -> pd.DataFrame:
    """Worst-case loss beyond bankruptcy when each liquidation fills at its bar's extreme.

    For isolated positions opened at ``entry_price`` with the given leverage levels, find the
    first bar whose low (long) or high (short) reaches each tier-aware liquidation price, and
    suppose the liquidation order fills at that bar's extreme. Gaps through the bankruptcy
    price then show up as losses that the insurance fund absorbs.

    Parameters
    ----------
    entry_price : float
        Entry price, quote per base (USD per BTC), > 0.
    price_extreme : Series
        Bar lows (long) or highs (short) after entry, same units, time-ordered index.
    leverage : float or array
        Leverage levels, >= 1.
    tiers : MarginTiers
        The venue's table; its ``contract`` decides linear or inverse.
    side : {"long", "short"}, default "long"
        Position direction.
    notional : float, default 10,000
        Position notional at entry in USD (linear size ``notional / entry_price`` base units;
        inverse size ``notional`` USD).

    Returns
    -------
    DataFrame
        Indexed by ``leverage``: ``liquidation_price``, ``bankruptcy_price``, ``margin``
        (settlement currency), ``liquidated`` (some bar reached the liquidation price),
        ``first_hit`` (label of that bar, NaT if none), ``fill_price`` (its extreme, NaN if
        none), ``loss`` (loss beyond bankruptcy, settlement currency, NaN if not liquidated)
        and ``loss_to_margin`` (``loss / margin``).

    Raises
    ------
    TypeError
        If ``price_extreme`` is not a Series or ``tiers`` not a MarginTiers.
    ValueError
        If ``price_extreme`` is empty, or for the reasons of :func:`liquidation_table`.

    See Also
    --------
    liquidation_table, loss_beyond_bankruptcy

    Notes
    -----
    The fill at the bar's extreme is an upper bound on the loss: engines fill at the best
    prices the book offers, and venues trigger on a mark price that moves less than trades.
    For a linear long with size :math:`Q`, bankruptcy price :math:`P_b` and fill :math:`P_f`,

    .. math:: \\ell = \\max\\{0,\\ Q(P_b - P_f)\\}.

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> usdm = load_tiers("binance_usdm_btcusdt_2021-03")
    >>> lows = pd.Series([99_000.0, 97_000.0, 85_000.0], index=[1, 2, 3])
    >>> out = liquidation_losses(100_000.0, lows, [10, 50], usdm)
    >>> out["first_hit"].tolist(), out["loss"].round(2).tolist()
    ([3, 2], [500.0, 100.0])

    By hand (tier 1, :math:`m = 0.4\\,\\%`, size 0.1 BTC): the 10x long has
    :math:`P_{liq} = 90{,}361.45` and :math:`P_b = 90{,}000`, first reached in bar 3, filled at
    85,000: :math:`0.1 \\times 5{,}000 = 500` USD. The 50x long has :math:`P_{liq} = 98{,}393.57`
    and :math:`P_b = 98{,}000`, reached in bar 2 at 97,000: :math:`0.1 \\times 1{,}000 = 100` USD.
    """
    if not isinstance(price_extreme, pd.Series):
        raise TypeError(f"price_extreme must be a Series; got {type(price_extreme).__name__}")
    if price_extreme.empty:
        raise ValueError("price_extreme must hold at least one bar; got an empty Series")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    x = _positive(price_extreme, "price_extreme")
    tab = liquidation_table(entry_price, leverage, tiers, side=side, notional=notional)
    out = tab.set_index("leverage")[["liquidation_price", "bankruptcy_price", "margin"]]
    reach = sgn * (x[None, :] - out["liquidation_price"].to_numpy()[:, None]) <= 0
    out["liquidated"] = reach.any(axis=1)
    first = reach.argmax(axis=1)
    labels = price_extreme.index
    out["first_hit"] = pd.Series(labels[first], index=out.index).where(out["liquidated"])
    out["fill_price"] = np.where(out["liquidated"], x[first], np.nan)
    e = float(entry_price)
    size = notional / e if tiers.contract == "linear" else notional
    fill = out["fill_price"].fillna(e).to_numpy()
    loss = loss_beyond_bankruptcy(
        side, out["bankruptcy_price"].to_numpy(), fill, size, tiers.contract
    )
    out["loss"] = np.where(out["liquidated"], loss, np.nan)
    out["loss_to_margin"] = out["loss"] / out["margin"]
    return out


# --------------------------------------------------------------------------------------------
# partial liquidation
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PartialLiquidation:
    """Tier-by-tier reduction of a position in liquidation (Binance/Bybit laddered liquidation).

    Attributes
    ----------
    steps : DataFrame
        One row per step: ``step``, ``size``, ``notional``, ``tier``, ``maintenance_margin``,
        ``equity``, ``margin_ratio`` (MM / equity) and ``action``.
    fully_liquidated : bool
        True when the lowest tier still breaches and the rest is closed.
    remaining_size : float
        Size left open (0 when fully liquidated).
    """

    steps: pd.DataFrame
    fully_liquidated: bool
    remaining_size: float

    def summary(self) -> pd.DataFrame:
        """The step table."""
        return self.steps.copy()

    def to_frame(self) -> pd.DataFrame:
        """The step table."""
        return self.steps.copy()

    def _repr_html_(self) -> str:
        return self.steps.to_html()


def partial_liquidation(
    side: str,
    entry_price: float,
    size: float,
    margin: float,
    price: float,
    tiers: MarginTiers,
) -> PartialLiquidation:
    """Step a position in breach down the tiers until its margin ratio recovers.

    Parameters
    ----------
    side : {"long", "short"}
        Position direction.
    entry_price : float
        Entry price, quote per base, > 0.
    size : float
        Linear: base quantity; inverse: USD notional; > 0.
    margin : float
        Margin behind the position, settlement currency.
    price : float
        Mark price at which liquidation is evaluated, > 0.
    tiers : MarginTiers
        The venue's table (continuous maintenance margin).

    Returns
    -------
    PartialLiquidation

    Raises
    ------
    ValueError, TypeError
        For invalid inputs.

    See Also
    --------
    liquidation_price_tiered

    Notes
    -----
    Model (a simplification stated here, not a venue's exact engine): while equity
    :math:`M + \\mathrm{PnL}(P) < \\mathrm{MM}(V)` and the position sits above tier 1, it is cut
    to the cap of the next lower tier (size ``cap / P`` linear, ``cap x P`` USD inverse); closing
    at the mark leaves equity unchanged (fees ignored) and the margin stays with the remainder.
    At tier 1 a breach closes the rest. Binance and Bybit document this laddered reduction for
    positions in higher tiers (risk limits); OKX cuts two tiers per step; Hyperliquid sends 20%
    of large positions to the book instead.

    References
    ----------
    Bybit, "Risk Limit (Inverse Contract)" (laddered liquidation),
    https://www.bybit.com/en/help-center/article/Risk-Limit-Inverse-Contract ;
    Binance, "Liquidation", https://binance.zendesk.com/hc/en-us/articles/360033525271

    Examples
    --------
    >>> from riskkit.margin import load_tiers
    >>> t = load_tiers("binance_usdm_btcusdt_2021-03")
    >>> r = partial_liquidation("long", 50_000.0, 40.0, 200_000.0, 45_500.0, t)
    >>> r.steps["action"].tolist(), r.fully_liquidated
    (['breach', 'reduce to tier 3'], False)
    """
    if not isinstance(tiers, MarginTiers):
        raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
    sgn = float(side_sign(side))
    e = float(check_positive(as_float_array(entry_price, "entry_price"), "entry_price"))
    q = float(check_positive(as_float_array(size, "size"), "size"))
    m_ = float(as_float_array(margin, "margin"))
    p = float(check_positive(as_float_array(price, "price"), "price"))
    linear = tiers.contract == "linear"
    pnl = sgn * q * (p - e) if linear else sgn * q * (1.0 / e - 1.0 / p)
    equity = m_ + pnl
    rows = []

    def state(qq: float) -> tuple[float, int, float]:
        v = qq * p if linear else qq / p
        k = int(np.clip(np.searchsorted(tiers.notional_floor, v, side="right") - 1, 0, None))
        mm = v * tiers.maintenance_margin_rate[k] - tiers.maintenance_amount[k]
        return v, k, float(mm)

    v, k, mm = state(q)
    ratio = mm / equity if equity > 0 else np.inf
    action = "breach" if ratio >= 1 else "no breach"
    rows.append((0, q, v, k + 1, mm, equity, ratio, action))
    step = 0
    while ratio >= 1 and q > 0:
        step += 1
        if k == 0:
            q = 0.0
            rows.append((step, 0.0, 0.0, 1, 0.0, equity, np.nan, "close remaining"))
            break
        cap = tiers.notional_floor[k]  # cap of tier k-1
        q = float(cap / p if linear else cap * p) * (1 - 1e-12)
        v, k, mm = state(q)
        ratio = mm / equity if equity > 0 else np.inf
        rows.append((step, q, v, k + 1, mm, equity, ratio, f"reduce to tier {k + 1}"))
    steps = pd.DataFrame(
        rows,
        columns=[
            "step",
            "size",
            "notional",
            "tier",
            "maintenance_margin",
            "equity",
            "margin_ratio",
            "action",
        ],
    )
    return PartialLiquidation(steps, q == 0.0, q)


# --------------------------------------------------------------------------------------------
# auto-deleveraging
# --------------------------------------------------------------------------------------------
def effective_leverage(mark_value: ArrayLike, bankrupt_value: ArrayLike) -> Any:
    """BitMEX/Bybit effective leverage ``|mark value| / (mark value - bankrupt value)``.

    Parameters
    ----------
    mark_value, bankrupt_value : float, array or Series
        Signed position value at the mark and at the bankruptcy price (settlement currency).

    Returns
    -------
    float, ndarray or Series
        Dimensionless; ``inf`` where the two values coincide.

    Raises
    ------
    ValueError
        For non-finite inputs.

    See Also
    --------
    adl_ranking

    Notes
    -----
    .. math:: L_{eff} = |V_{mark}| / |V_{mark} - V_{bankrupt}|

    References
    ----------
    BitMEX, "Auto-Deleveraging", https://bitmex.com/app/autoDeleveraging

    Examples
    --------
    >>> effective_leverage(1_000.0, 900.0)
    10.0
    """
    mv = as_float_array(mark_value, "mark_value")
    bv = as_float_array(bankrupt_value, "bankrupt_value")
    with np.errstate(divide="ignore"):
        out = np.abs(mv) / np.abs(mv - bv)
    return wrap_like(out, mark_value, bankrupt_value, name="effective_leverage")


def adl_ranking(pnl_fraction: ArrayLike, effective_leverage: ArrayLike) -> Any:
    """BitMEX/Bybit ADL ranking score; higher scores are deleveraged first.

    Parameters
    ----------
    pnl_fraction : float, array or Series
        Unrealised PnL as a fraction of the entry value,
        ``(mark value - entry value) / abs(entry value)``.
    effective_leverage : float, array or Series
        From :func:`effective_leverage`, > 0.

    Returns
    -------
    float, ndarray or Series

    Raises
    ------
    ValueError
        If ``effective_leverage`` <= 0.

    See Also
    --------
    adl_ranking_binance, adl_quantile

    Notes
    -----
    .. math:: R = \\pi L_{eff} \\ (\\pi > 0), \\qquad R = \\pi / L_{eff} \\ (\\pi \\le 0)

    Longs and shorts are ranked separately.

    References
    ----------
    BitMEX, "Auto-Deleveraging", https://bitmex.com/app/autoDeleveraging ;
    Bybit, "Auto-Deleveraging (ADL)",
    https://www.bybit.com/en/help-center/article/Auto-Deleveraging-ADL

    Examples
    --------
    >>> adl_ranking([0.5, -0.5], [10.0, 10.0]).tolist()
    [5.0, -0.05]
    """
    pi = as_float_array(pnl_fraction, "pnl_fraction")
    lev = check_positive(
        as_float_array(effective_leverage, "effective_leverage"), "effective_leverage"
    )
    out = np.where(pi > 0, pi * lev, pi / lev)
    return wrap_like(out, pnl_fraction, effective_leverage, name="adl_ranking")


def adl_ranking_binance(
    unrealized_pnl: ArrayLike, wallet_balance: ArrayLike, maintenance_margin: ArrayLike
) -> Any:
    """Binance ADL "LeveragePnL" score; higher scores are deleveraged first.

    Parameters
    ----------
    unrealized_pnl : float, array or Series
        Position (or account) unrealised PnL, settlement currency.
    wallet_balance : float, array or Series
        Wallet balance, settlement currency.
    maintenance_margin : float, array or Series
        Maintenance margin, settlement currency, >= 0.

    Returns
    -------
    float, ndarray or Series
        Dimensionless score, >= 0.

    Raises
    ------
    ValueError
        If ``maintenance_margin`` < 0 or inputs are not finite.

    See Also
    --------
    adl_ranking, adl_quantile

    Notes
    -----
    .. math::
        \\pi = \\frac{\\max(0, \\mathrm{UPNL})}{\\max(1, \\mathrm{WB})}, \\quad
        \\mathrm{MR} = \\frac{\\mathrm{MM}}{\\mathrm{WB} + \\mathrm{UPNL}}
        \\ (0 \\text{ if equity} \\le 0), \\quad R = \\pi \\cdot \\mathrm{MR}

    References
    ----------
    Binance, "What Is Auto-Deleveraging (ADL)",
    https://www.binance.com/en/support/faq/360033525471 ;
    formula quoted at https://dev.binance.vision/t/how-to-caculating-leverage-pnl-quantile/17801

    Examples
    --------
    >>> round(adl_ranking_binance(10.0, 100.0, 11.0), 4)
    0.01
    """
    u = as_float_array(unrealized_pnl, "unrealized_pnl")
    wb = as_float_array(wallet_balance, "wallet_balance")
    mm = check_positive(
        as_float_array(maintenance_margin, "maintenance_margin"), "maintenance_margin", strict=False
    )
    pct = np.maximum(0.0, u) / np.maximum(1.0, wb)
    eq = wb + u
    mr = np.where(eq > 0, mm / np.where(eq > 0, eq, 1.0), 0.0)
    return wrap_like(
        pct * mr, unrealized_pnl, wallet_balance, maintenance_margin, name="adl_ranking"
    )


def adl_quantile(score: ArrayLike) -> Any:
    """ADL indicator lights 1-5: the 20% quintile of each score (5 = first to be deleveraged).

    Parameters
    ----------
    score : array or Series
        Scores of the positions on one side (e.g. :func:`adl_ranking`).

    Returns
    -------
    ndarray or Series of int
        1 (lowest 20%) to 5 (highest 20%); ties share the higher light.

    Raises
    ------
    ValueError
        For non-finite scores.

    See Also
    --------
    adl_ranking, adl_ranking_binance

    Notes
    -----
    Light :math:`= \\lceil 5 r / n \\rceil` with :math:`r` the ascending rank (max method) of the
    score among :math:`n` positions.

    References
    ----------
    BitMEX, "Auto-Deleveraging" (20% quintile lights), https://bitmex.com/app/autoDeleveraging

    Examples
    --------
    >>> adl_quantile([1.0, 2.0, 3.0, 4.0, 5.0]).tolist()
    [1, 2, 3, 4, 5]
    """
    x = np.atleast_1d(as_float_array(score, "score"))
    n = x.size
    srt = np.sort(x)
    rank = np.searchsorted(srt, x, side="right")  # ascending rank, max method
    light = np.ceil(5.0 * rank / n).astype(np.int64)
    if isinstance(score, pd.Series):
        return pd.Series(light, index=score.index, name="adl_quantile")
    return light
