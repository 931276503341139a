"""Contract conventions, tiered maintenance margin and account margin arithmetic.

A derivatives position is *linear* when it is margined and settled in the quote currency (USDT or
USDC per BTC) and *inverse* when it is margined and settled in the base coin (BTC for a BTCUSD
contract quoted in USD). Venues charge a maintenance margin that rises with the position's
notional through a tier (bracket, risk-limit) table; :class:`MarginTiers` holds such a table, and
:func:`load_tiers` reads the dated snapshots shipped in ``riskkit/tiers/``.

Vocabulary: ``size`` is the base-asset quantity for linear contracts and the USD notional
(contracts x contract value) for inverse ones; ``margin`` is in the settlement currency; rates are
fractions, never percent.
"""

from __future__ import annotations

import logging
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
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

__all__ = [
    "CrossAccount",
    "MarginTiers",
    "available_tiers",
    "chart_max_leverage",
    "compare_tiers",
    "cross_account",
    "fee_to_close",
    "initial_margin",
    "load_tiers",
    "maintenance_amounts",
    "maintenance_margin",
    "margin_ratio",
    "notional_value",
    "unrealized_pnl",
]

logger = logging.getLogger(__name__)

_BASES = ("liquidation", "entry")
_MM_BASES = ("mark", "entry")


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


# --------------------------------------------------------------------------------------------
# tier tables
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class MarginTiers:
    """A venue's maintenance-margin tier table (brackets, risk limits) for one symbol.

    Parameters
    ----------
    notional_floor, notional_cap : ndarray
        Tier bounds in the notional currency (quote for linear, base coin for inverse); a
        notional ``V`` is in tier ``n`` when ``floor_n <= V < cap_n``. The last cap may be inf.
    maintenance_margin_rate : ndarray
        Rate per tier, fraction of notional.
    maintenance_amount : ndarray
        Deduction per tier, settlement currency (Binance cum, Hyperliquid deduction).
    max_leverage : ndarray
        Maximum leverage allowed in the tier.
    venue, symbol, contract, settlement_currency : str
        Provenance and conventions.
    contract_size : float
        Linear: base units per contract (1 where quantity is traded directly); inverse: USD
        per contract (Binance BTCUSD_PERP 100, BitMEX XBTUSD 1). ``size`` in
        :func:`riskkit.liquidation.liquidation_price` is contracts x contract_size.
    tier_basis : {"liquidation", "entry"}
        "liquidation": the tier is the one consistent with the notional at the liquidation price
        (Binance re-check rule, Hyperliquid). "entry": the tier is fixed by the notional at entry
        (Bybit classic risk limit).
    maintenance_basis : {"mark", "entry"}
        Whether maintenance margin is charged on the notional at the mark price (Binance,
        Hyperliquid) or at the entry price (Bybit classic).
    source_url, vintage, retrieved, notes : str
        Where the table comes from and when it applied.

    See Also
    --------
    load_tiers, riskkit.liquidation.liquidation_price_tiered

    Notes
    -----
    Maintenance margin of a notional :math:`V` in tier :math:`n` is
    :math:`\\mathrm{MM} = V m_n - A_n`. With :math:`A_n` from :func:`maintenance_amounts` it is
    continuous and increasing in :math:`V`, which makes the tier consistent with the
    liquidation price unique.

    References
    ----------
    Binance, "Leverage and Margin of USDⓈ-M Futures",
    https://www.binance.com/en/futures/trading-rules/perpetual/leverage-margin

    Examples
    --------
    >>> t = MarginTiers.from_rates([0, 50_000, 250_000], [0.004, 0.005, 0.01], [125, 100, 50])
    >>> t.lookup(264_000.0)
    (0.01, 1300.0)
    """

    notional_floor: FloatArray
    notional_cap: FloatArray
    maintenance_margin_rate: FloatArray
    maintenance_amount: FloatArray
    max_leverage: FloatArray
    venue: str = ""
    symbol: str = ""
    contract: str = "linear"
    settlement_currency: str = ""
    contract_size: float = 1.0
    tier_basis: str = "liquidation"
    maintenance_basis: str = "mark"
    source_url: str = ""
    vintage: str = ""
    retrieved: str = ""
    notes: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        names = (
            "notional_floor",
            "notional_cap",
            "maintenance_margin_rate",
            "maintenance_amount",
            "max_leverage",
        )
        for name in names:
            raw = np.asarray(getattr(self, name), dtype=np.float64)
            if name == "notional_cap":  # an open-ended last tier is stored as the largest float
                raw = np.where(np.isposinf(raw), np.finfo(np.float64).max, raw)
            arr = as_float_array(raw, name).ravel().copy()
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        floor, rate = self.notional_floor, self.maintenance_margin_rate
        _check_ladder(floor, rate)
        n = floor.size
        for name in names[1:]:
            if getattr(self, name).size != n:
                raise ValueError(f"{name} must have {n} tiers like notional_floor")
        if np.any(self.notional_cap[:-1] != floor[1:]):
            raise ValueError("notional_cap[n] must equal notional_floor[n + 1] (contiguous tiers)")
        if self.notional_cap[-1] <= floor[-1]:
            raise ValueError("the last notional_cap must exceed the last notional_floor")
        check_positive(self.maintenance_amount, "maintenance_amount", strict=False)
        check_range(self.max_leverage, "max_leverage", 1.0)
        _contract(self.contract)
        check_option(self.tier_basis, "tier_basis", _BASES)
        check_option(self.maintenance_basis, "maintenance_basis", _MM_BASES)
        size = float(
            check_positive(as_float_array(self.contract_size, "contract_size"), "contract_size")
        )
        object.__setattr__(self, "contract_size", size)

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def from_rates(
        cls,
        notional_floor: ArrayLike,
        maintenance_margin_rate: ArrayLike,
        max_leverage: ArrayLike,
        *,
        notional_cap_last: float = np.inf,
        **meta: Any,
    ) -> MarginTiers:
        """Build a table from floors and rates, with amounts from the cum recursion.

        Parameters
        ----------
        notional_floor, maintenance_margin_rate, max_leverage : array
            One entry per tier (see the class docstring).
        notional_cap_last : float, default inf
            Upper bound of the last tier.
        **meta
            Other fields (venue, symbol, contract, ...).

        Returns
        -------
        MarginTiers
        """
        f = as_float_array(notional_floor, "notional_floor").ravel()
        m = as_float_array(maintenance_margin_rate, "maintenance_margin_rate").ravel()
        cap = np.append(f[1:], float(notional_cap_last))
        lev = as_float_array(max_leverage, "max_leverage").ravel()
        return cls(f, cap, m, maintenance_amounts(f, m), lev, **meta)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, **meta: Any) -> MarginTiers:
        """Build a table from a frame with columns ``notional_floor``, ``notional_cap``,
        ``maintenance_margin_rate``, ``maintenance_amount``, ``max_leverage``."""
        need = [
            "notional_floor",
            "notional_cap",
            "maintenance_margin_rate",
            "maintenance_amount",
            "max_leverage",
        ]
        missing = [c for c in need if c not in frame.columns]
        if missing:
            raise ValueError(f"frame is missing columns {missing}; got {list(frame.columns)}")
        obj = cls(
            frame["notional_floor"].to_numpy(dtype=np.float64),
            frame["notional_cap"].to_numpy(dtype=np.float64),
            frame["maintenance_margin_rate"].to_numpy(dtype=np.float64),
            frame["maintenance_amount"].to_numpy(dtype=np.float64),
            frame["max_leverage"].to_numpy(dtype=np.float64),
            **meta,
        )
        return obj

    # -- queries -----------------------------------------------------------------------------
    @property
    def n_tiers(self) -> int:
        """Number of tiers."""
        return int(self.notional_floor.size)

    @property
    def is_continuous(self) -> bool:
        """True when the amounts satisfy the cum recursion (maintenance margin is continuous)."""
        expected = maintenance_amounts(self.notional_floor, self.maintenance_margin_rate)
        return bool(np.allclose(expected, self.maintenance_amount, rtol=1e-9, atol=1e-9))

    def tier_index(self, notional: ArrayLike) -> Any:
        """Zero-based tier index of each notional (``floor <= V < cap``).

        Notionals at or above the last cap get the last tier and a
        :class:`~riskkit.exceptions.TierMismatchWarning`.
        """
        v = check_positive(as_float_array(notional, "notional"), "notional", strict=False)
        idx = np.searchsorted(self.notional_floor, v, side="right") - 1
        over = v >= self.notional_cap[-1]
        if np.any(over):
            warnings.warn(
                f"notional {float(np.max(v[over])):g} is at or above the last tier cap "
                f"{self.notional_cap[-1]:g} of {self.venue} {self.symbol}; the venue would reject "
                "such a position. The last tier is applied; reduce the size to stay within limits.",
                TierMismatchWarning,
                stacklevel=2,
            )
        return idx.astype(np.intp)

    def lookup(self, notional: ArrayLike) -> tuple[Any, Any]:
        """Return ``(maintenance_margin_rate, maintenance_amount)`` for each notional.

        Parameters
        ----------
        notional : float, array or Series
            Notional in the table's notional currency, >= 0.

        Returns
        -------
        tuple of (float, float) or of arrays/Series
            Rate (fraction) and amount (settlement currency), shaped like ``notional``.

        Examples
        --------
        >>> t = MarginTiers.from_rates([0, 50_000, 250_000], [0.004, 0.005, 0.01], [125, 100, 50])
        >>> t.lookup(500_000.0)[1]
        1300.0
        """
        idx = self.tier_index(notional)
        rate = self.maintenance_margin_rate[idx]
        amount = self.maintenance_amount[idx]
        return (
            wrap_like(rate, notional, name="maintenance_margin_rate"),
            wrap_like(amount, notional, name="maintenance_amount"),
        )

    def max_leverage_for(self, notional: ArrayLike) -> Any:
        """Maximum leverage the venue allows for a position of this notional."""
        idx = self.tier_index(notional)
        return wrap_like(self.max_leverage[idx], notional, name="max_leverage")

    def maintenance_margin(self, notional: ArrayLike) -> Any:
        """Maintenance margin ``V m_n - A_n`` of each notional, settlement currency."""
        idx = self.tier_index(notional)
        v = np.asarray(as_float_array(notional, "notional"))
        out = v * self.maintenance_margin_rate[idx] - self.maintenance_amount[idx]
        return wrap_like(out, notional, name="maintenance_margin")

    # -- presentation ------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The table as a DataFrame, one row per tier (index ``tier`` from 1)."""
        return pd.DataFrame(
            {
                "notional_floor": self.notional_floor,
                "notional_cap": np.where(
                    self.notional_cap >= np.finfo(np.float64).max, np.inf, self.notional_cap
                ),
                "max_leverage": self.max_leverage,
                "maintenance_margin_rate": self.maintenance_margin_rate,
                "maintenance_amount": self.maintenance_amount,
            },
            index=pd.RangeIndex(1, self.n_tiers + 1, name="tier"),
        )

    def summary(self) -> pd.DataFrame:
        """The table with provenance in ``DataFrame.attrs``."""
        out = self.to_frame()
        out.attrs.update(
            venue=self.venue,
            symbol=self.symbol,
            contract=self.contract,
            settlement_currency=self.settlement_currency,
            contract_size=self.contract_size,
            tier_basis=self.tier_basis,
            maintenance_basis=self.maintenance_basis,
            source_url=self.source_url,
            vintage=self.vintage,
            retrieved=self.retrieved,
        )
        return out

    def _repr_html_(self) -> str:
        head = (
            f"<p><b>{self.venue} {self.symbol}</b> ({self.contract}, settled in "
            f"{self.settlement_currency}); vintage {self.vintage}; "
            f"<a href='{self.source_url}'>source</a></p>"
        )
        return head + self.to_frame().to_html()


def available_tiers() -> list[str]:
    """Names of the tier snapshots shipped in ``riskkit/tiers/`` (sorted).

    Examples
    --------
    >>> "hyperliquid_btc_2025" in available_tiers()
    True
    """
    root = resources.files("riskkit").joinpath("tiers")
    return sorted(p.name[:-4] for p in root.iterdir() if p.name.endswith(".csv"))


def load_tiers(name: str) -> MarginTiers:
    """Load a dated tier snapshot shipped with the package.

    Parameters
    ----------
    name : str
        One of :func:`available_tiers`, e.g. ``"binance_usdm_btcusdt_2021-03"``.

    Returns
    -------
    MarginTiers
        With provenance (source URL, vintage, retrieval date, notes) from the TOML sidecar.

    Raises
    ------
    ValueError
        If ``name`` is not a shipped snapshot (the message lists them).

    See Also
    --------
    MarginTiers, available_tiers

    Notes
    -----
    Tier tables are venue rules, not market data; venues change them by announcement, so each
    snapshot is dated. Read the sidecar ``notes`` before using a snapshot: some tiers are
    reconstructed or extrapolated and say so.

    References
    ----------
    See each snapshot's ``source_url``.

    Examples
    --------
    >>> t = load_tiers("binance_usdm_btcusdt_2021-03")
    >>> t.lookup(264_000.0)[0]  # Binance FAQ: a 264,000 USDT BTCUSDT position has MMR 1%
    0.01
    """
    names = available_tiers()
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__}")
    if name not in names:
        raise ValueError(f"name must be one of {names}; got {name!r}")
    root = resources.files("riskkit").joinpath("tiers")
    with root.joinpath(f"{name}.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh)
    meta_raw = tomllib.loads(root.joinpath(f"{name}.toml").read_text(encoding="utf-8"))
    keys = {
        "venue",
        "symbol",
        "contract",
        "settlement_currency",
        "tier_basis",
        "maintenance_basis",
        "source_url",
        "vintage",
        "retrieved",
        "notes",
    }
    meta: dict[str, Any] = {k: str(v) for k, v in meta_raw.items() if k in keys}
    if "contract_size" in meta_raw:
        meta["contract_size"] = float(meta_raw["contract_size"])
    logger.debug("loaded tier snapshot %s (%d tiers)", name, len(frame))
    return MarginTiers.from_frame(frame, **meta)


def compare_tiers(tables: Mapping[str, MarginTiers]) -> pd.DataFrame:
    """Side-by-side conventions of several tier tables, one row per table.

    Parameters
    ----------
    tables : mapping of str to MarginTiers
        Label (e.g. a venue name) to tier table.

    Returns
    -------
    DataFrame
        Indexed by label: ``symbol``, ``contract``, ``settlement_currency``, ``vintage``,
        ``n_tiers``, ``max_leverage`` (tier 1, x), ``tier_basis`` and ``maintenance_basis``
        (see :class:`MarginTiers`).

    Raises
    ------
    TypeError
        If a value is not a :class:`MarginTiers`.

    See Also
    --------
    MarginTiers, chart_max_leverage

    Examples
    --------
    >>> t = MarginTiers.from_rates([0, 50_000], [0.004, 0.005], [125, 100], symbol="BTCUSDT")
    >>> compare_tiers({"A": t})[["n_tiers", "max_leverage"]].to_dict("list")
    {'n_tiers': [2], 'max_leverage': [125.0]}
    """
    rows = {}
    for label, t in tables.items():
        if not isinstance(t, MarginTiers):
            raise TypeError(f"tables[{label!r}] must be a MarginTiers; got {type(t).__name__}")
        rows[label] = {
            "symbol": t.symbol,
            "contract": t.contract,
            "settlement_currency": t.settlement_currency,
            "vintage": t.vintage,
            "n_tiers": t.n_tiers,
            "max_leverage": float(t.max_leverage[0]),
            "tier_basis": t.tier_basis,
            "maintenance_basis": t.maintenance_basis,
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def chart_max_leverage(
    tiers: dict[str, MarginTiers],
    *,
    price: float | None = None,
    notional_min: float = 1_000.0,
    title: str = "Maximum leverage by position size",
) -> Any:
    """Step chart of the maximum leverage each venue allows against position notional in USD.

    Parameters
    ----------
    tiers : dict of str to MarginTiers
        Legend label -> table (e.g. from :func:`load_tiers`).
    price : float, optional
        USD per coin, > 0; required when a table is inverse (its floors are in coin) and used
        to convert them to USD.
    notional_min : float, default 1,000
        Left end of the log x axis, USD, > 0 (tier 1 starts at 0, which a log axis cannot show).
    title : str
        Chart title.

    Returns
    -------
    altair.Chart
        520 px wide; x is log notional (USD), y the tier's maximum leverage; never displayed.

    Raises
    ------
    ValueError
        If ``tiers`` is empty or an inverse table is given without ``price``.

    See Also
    --------
    MarginTiers, load_tiers

    Notes
    -----
    Each tier contributes the segment :math:`[F_n, F_{n+1})` at height :math:`L^{max}_n`; an
    open-ended last tier is drawn to ten times its floor.

    Examples
    --------
    >>> t = {"demo": MarginTiers.from_rates([0, 50_000], [0.004, 0.005], [125, 100])}
    >>> chart_max_leverage(t).to_dict()["width"]
    520
    """
    require("altair", "charts")
    import altair as alt

    if not tiers:
        raise ValueError("tiers must name at least one MarginTiers; got an empty dict")
    low = float(check_positive(as_float_array(notional_min, "notional_min"), "notional_min"))
    rows = []
    for label, t in tiers.items():
        if not isinstance(t, MarginTiers):
            raise TypeError(f"tiers[{label!r}] must be a MarginTiers; got {type(t).__name__}")
        scale = 1.0
        if t.contract == "inverse":
            if price is None:
                raise ValueError(f"price is required to convert the inverse table {label!r} to USD")
            scale = float(check_positive(as_float_array(price, "price"), "price"))
        floor = t.notional_floor * scale
        open_end = t.notional_cap >= np.finfo(np.float64).max
        cap = np.where(open_end, 10 * floor, np.where(open_end, 0.0, t.notional_cap) * scale)
        for f, c, lev in zip(floor, cap, t.max_leverage, strict=True):
            if c <= low:
                continue
            rows.append({"venue": label, "notional_usd": max(f, low), "max_leverage": lev})
            rows.append({"venue": label, "notional_usd": c, "max_leverage": lev})
    df = pd.DataFrame(rows)
    top = float(df["max_leverage"].max()) * 1.3  # headroom so the top step is not on the frame
    return (
        alt.Chart(df, title=title, width=520, height=260)
        .mark_line(interpolate="step-after", strokeWidth=1.6)
        .encode(
            x=alt.X(
                "notional_usd:Q",
                scale=alt.Scale(type="log", nice=False),
                title="Position notional (USD, log scale)",
            ),
            y=alt.Y(
                "max_leverage:Q",
                scale=alt.Scale(type="log", domain=[1, top]),
                title="Maximum leverage (x, log scale)",
            ),
            color=alt.Color("venue:N", title=None),
            tooltip=["venue:N", alt.Tooltip("notional_usd:Q", format=",.0f"), "max_leverage:Q"],
        )
    )


# --------------------------------------------------------------------------------------------
# cross-margin accounts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CrossAccount:
    """Margin state of a cross-margin account holding several positions (one settlement ccy).

    Attributes
    ----------
    wallet_balance : float
        WB, settlement currency.
    positions : DataFrame
        One row per position with its notional, maintenance margin, unrealised PnL and the
        ``margin`` that stands behind it for :func:`riskkit.liquidation.liquidation_price`
        (WB - TMM of the others + UPNL of the others).
    total_maintenance_margin, total_unrealized_pnl, equity, margin_ratio : float
        TMM, UPNL, WB + UPNL and TMM / equity.
    """

    wallet_balance: float
    positions: pd.DataFrame
    total_maintenance_margin: float
    total_unrealized_pnl: float
    equity: float
    margin_ratio: float

    def summary(self) -> pd.DataFrame:
        """Account totals as a one-column frame."""
        return pd.DataFrame(
            {
                "value": [
                    self.wallet_balance,
                    self.total_maintenance_margin,
                    self.total_unrealized_pnl,
                    self.equity,
                    self.margin_ratio,
                ]
            },
            index=pd.Index(
                [
                    "wallet_balance",
                    "total_maintenance_margin",
                    "total_unrealized_pnl",
                    "equity",
                    "margin_ratio",
                ]
            ),
        )

    def to_frame(self) -> pd.DataFrame:
        """The per-position frame."""
        return self.positions.copy()

    def _repr_html_(self) -> str:
        return self.summary().to_html() + self.positions.to_html()


def cross_account(
    wallet_balance: float,
    side: Any,
    entry_price: ArrayLike,
    price: ArrayLike,
    size: ArrayLike,
    maintenance_margin_rate: ArrayLike,
    maintenance_amount: ArrayLike = 0.0,
    *,
    contract: str = "linear",
    index: Any = None,
) -> CrossAccount:
    """Binance-style cross-margin account: TMM, UPNL, margin ratio and each position's margin.

    Parameters
    ----------
    wallet_balance : float
        Cross wallet balance WB, settlement currency.
    side : array of {"long", "short"}
        One per position (one-way mode: one position per symbol).
    entry_price, price : array
        Entry and mark prices, quote per base, > 0.
    size : array
        Linear: base quantity; inverse: USD notional; > 0.
    maintenance_margin_rate, maintenance_amount : array
        Each position's tier rate (fraction) and amount (settlement currency).
    contract : {"linear", "inverse"}
        All positions share the settlement currency.
    index : sequence, optional
        Row labels (e.g. symbols).

    Returns
    -------
    CrossAccount

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    riskkit.liquidation.liquidation_price

    Notes
    -----
    For position :math:`i`,

    .. math::
        M_i = \\mathrm{WB} - \\sum_{j \\ne i} \\mathrm{MM}_j + \\sum_{j \\ne i} \\mathrm{UPNL}_j

    is the ``margin`` of Binance's formula (WB - TMM1 + UPNL1), with
    :math:`\\mathrm{MM}_j = V_j m_j - A_j` at the mark price. Margin ratio is
    :math:`\\sum_j \\mathrm{MM}_j / (\\mathrm{WB} + \\sum_j \\mathrm{UPNL}_j)`.

    References
    ----------
    Binance, "How to Calculate Liquidation Price of USDⓈ-M Futures Contracts",
    https://www.binance.com/en/support/faq/b3c689c1f50a44cabb3a84e663b81d93

    Examples
    --------
    >>> acct = cross_account(1_000.0, ["long", "short"], [100.0, 50.0], [90.0, 50.0],
    ...                      [1.0, 2.0], [0.01, 0.01])
    >>> acct.positions["margin"].round(2).tolist()  # 1000 - 1.0 + 0 ; 1000 - 0.9 - 10
    [999.0, 989.1]
    """
    c = _contract(contract)
    wb = float(as_float_array(wallet_balance, "wallet_balance"))
    s = np.atleast_1d(side_sign(side))
    e = np.atleast_1d(check_positive(as_float_array(entry_price, "entry_price"), "entry_price"))
    p = np.atleast_1d(check_positive(as_float_array(price, "price"), "price"))
    q = np.atleast_1d(check_positive(as_float_array(size, "size"), "size"))
    s, e, p, q = np.broadcast_arrays(s, e, p, q)
    v = np.asarray(notional_value(q, p, c), dtype=np.float64)
    m = np.broadcast_to(
        np.asarray(maintenance_margin(v, maintenance_margin_rate, maintenance_amount)), v.shape
    )
    pnl = np.asarray(unrealized_pnl(np.where(s > 0, "long", "short"), e, p, q, c))
    tmm, upnl = float(m.sum()), float(pnl.sum())
    equity = wb + upnl
    frame = pd.DataFrame(
        {
            "side": np.where(s > 0, "long", "short"),
            "entry_price": e,
            "price": p,
            "size": q,
            "notional": v,
            "maintenance_margin": m,
            "unrealized_pnl": pnl,
            "margin": wb - (tmm - m) + (upnl - pnl),
        },
        index=None if index is None else pd.Index(index),
    )
    ratio = tmm / equity if equity > 0 else np.inf
    return CrossAccount(wb, frame, tmm, upnl, equity, float(ratio))
