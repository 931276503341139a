"""After the liquidation price: partial liquidation, loss beyond bankruptcy and ADL ranking.

How a position in breach is stepped down the tiers (:func:`partial_liquidation`), what a close
that fills past the bankruptcy price costs the insurance fund (:func:`loss_beyond_bankruptcy`,
:func:`liquidation_losses`), and which positions auto-deleveraging closes first
(:func:`effective_leverage`, :func:`adl_ranking`, :func:`adl_ranking_binance`,
:func:`adl_quantile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._deprecate import renamed_kwargs
from riskkit._errors import scalar_array
from riskkit._typing import ArrayLike
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    side_sign,
    wrap_like,
)
from riskkit.liquidation._fast import _contract, _positive, _sign
from riskkit.liquidation.tiered import liquidation_table
from riskkit.margin import MarginTiers

__all__ = [
    "PartialLiquidation",
    "adl_quantile",
    "adl_ranking",
    "adl_ranking_binance",
    "effective_leverage",
    "liquidation_losses",
    "loss_beyond_bankruptcy",
    "partial_liquidation",
]


# --------------------------------------------------------------------------------------------
# losses
# --------------------------------------------------------------------------------------------
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
    (side, bankruptcy_price, fill_price, size), _ = align_series(
        side,
        bankruptcy_price,
        fill_price,
        size,
        names=("side", "bankruptcy_price", "fill_price", "size"),
    )
    c = _contract(contract)
    s = _sign(side)
    bp = _positive(bankruptcy_price, "bankruptcy_price")
    fp = _positive(fill_price, "fill_price")
    q = _positive(size, "size")
    raw = s * q * (bp - fp) if c == "linear" else s * q * (1.0 / fp - 1.0 / bp)
    return wrap_like(np.maximum(raw, 0.0), side, bankruptcy_price, fill_price, size, name="loss")


@renamed_kwargs(price_extreme="extreme_price")
def liquidation_losses(
    entry_price: float,
    extreme_price: pd.Series,
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
    extreme_price : Series
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
        If ``extreme_price`` is not a Series or ``tiers`` not a MarginTiers.
    ValueError
        If ``extreme_price`` is empty, or for the reasons of :func:`liquidation_table`.

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
    if not isinstance(extreme_price, pd.Series):
        raise TypeError(f"extreme_price must be a Series; got {type(extreme_price).__name__}")
    if extreme_price.empty:
        raise ValueError("extreme_price must hold at least one bar; got an empty Series")
    sgn = float(_sign(check_option(side, "side", ("long", "short"))))
    x = _positive(extreme_price, "extreme_price")
    tab = liquidation_table(entry_price, leverage, tiers, side=side, notional=notional)
    out = tab.set_index("leverage")[["liquidation_price", "bankruptcy_price", "margin"]]
    reach = sgn * (x[None, :] - out["liquidation_price"].to_numpy()[:, None]) <= 0
    out["liquidated"] = reach.any(axis=1)
    first = reach.argmax(axis=1)
    labels = extreme_price.index
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
    to the cap of the next lower tier (size ``cap / P`` linear, ``cap x P`` USD inverse; the cap
    itself on size-counted tables, OKX); closing
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
    e = float(check_positive(scalar_array(entry_price, "entry_price"), "entry_price"))
    q = float(check_positive(scalar_array(size, "size"), "size"))
    m_ = float(scalar_array(margin, "margin"))
    p = float(check_positive(scalar_array(price, "price"), "price"))
    linear = tiers.contract == "linear"
    pnl = sgn * q * (p - e) if linear else sgn * q * (1.0 / e - 1.0 / p)
    equity = m_ + pnl
    rows = []

    by_size = tiers.tier_basis == "size"  # OKX: tiers count the position size, cap included

    def state(qq: float) -> tuple[float, int, float]:
        v = qq * p if linear else qq / p
        if by_size:
            k = int(np.clip(np.searchsorted(tiers.notional_floor, qq, side="left") - 1, 0, None))
        else:
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
        # a size tier includes its cap; a notional cap belongs to the tier above it
        cut = float(cap / p if linear else cap * p) * (1 - 1e-12)
        q = float(cap) if by_size else cut
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
    (mark_value, bankrupt_value), _ = align_series(
        mark_value, bankrupt_value, names=("mark_value", "bankrupt_value")
    )
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
    (pnl_fraction, effective_leverage), _ = align_series(
        pnl_fraction, effective_leverage, names=("pnl_fraction", "effective_leverage")
    )
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
    (unrealized_pnl, wallet_balance, maintenance_margin), _ = align_series(
        unrealized_pnl,
        wallet_balance,
        maintenance_margin,
        names=("unrealized_pnl", "wallet_balance", "maintenance_margin"),
    )
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
