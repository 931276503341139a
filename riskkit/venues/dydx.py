"""dYdX v4: liquidity tiers (initial margin, maintenance fraction, open-interest caps).

Profile ``"dydx"``: linear USDC perpetuals margined at the oracle price. Each market belongs to
a *liquidity tier* with a base initial margin fraction :math:`\\mathrm{IMF}_0`
(``initial_margin_ppm``), a maintenance fraction :math:`f` (``maintenance_fraction_ppm``: the
share of the *base* initial margin that maintenance is, so
:math:`\\mathrm{MMF} = f\\,\\mathrm{IMF}_0`) and two open-interest caps :math:`L \\le U`
between which the initial fraction, and only the initial fraction, rises linearly to 1.

The liquidation price of one position is the docs' :math:`p' = (e - s p)/(|s| \\mathrm{MMF}
- s)` (equity :math:`e`, signed size :math:`s`), i.e. the linear equation with
:math:`m = \\mathrm{MMF}` that :meth:`Venue.liquidation_price` solves; the account is
liquidatable when its maintenance requirement exceeds its net collateral.

This module mirrors the protocol's integer arithmetic (parts per million, quote quantums of
:math:`10^{-6}` USDC) so that its own test vectors can be reproduced exactly
(:class:`LiquidityTier`), and gives the float, vectorised forms used elsewhere
(:func:`effective_initial_margin_fraction`, :func:`fillable_price`).

References
----------
dydxprotocol/v4-chain @ 84d4664bae71e3a077adaac67fb77ad19cd28d30 (2026-03-04):
``protocol/x/perpetuals/types/liquidity_tier.go`` (``GetAdjustedInitialMarginPpm``,
``GetInitialMarginQuoteQuantums``, ``GetMaintenanceMarginPpm``),
``protocol/x/perpetuals/lib/lib.go`` (``GetMarginRequirementsInQuoteQuantums``),
``protocol/lib/margin/risk.go`` (``IsLiquidatable``), ``protocol/lib/quantums.go``
(``BaseToQuoteQuantums``), ``protocol/x/clob/keeper/liquidations.go`` (``GetFillablePrice``),
``protocol/scripts/genesis/sample_pregenesis.json`` (default tiers, liquidations config).
dydxprotocol/v4-documentation @ 3e475b73231a5de7e5a8a55c54047d94578060e5 (2026-04-22):
``docs/pages/concepts/trading/margin.mdx``, ``liquidations.mdx`` and ``governance.mdx``
("Current Liquidity Tiers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_int
from riskkit._typing import ArrayLike
from riskkit._validation import (
    align_series,
    as_float_array,
    check_range,
    side_sign,
    wrap_like,
)

__all__ = [
    "LIQUIDITY_TIERS",
    "ONE_MILLION",
    "PROFILES",
    "QUOTE_ATOMIC_RESOLUTION",
    "LiquidityTier",
    "base_to_quote_quantums",
    "effective_initial_margin_fraction",
    "fillable_price",
    "liquidity_tier",
]

PROFILES = ("dydx",)

#: Parts per million: the protocol's unit for margin fractions.
ONE_MILLION = 1_000_000
#: USDC atomic resolution: one quote quantum is 1e-6 USDC (``lib.QuoteCurrencyAtomicResolution``).
QUOTE_ATOMIC_RESOLUTION = -6


def _ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def _elementwise(fn: Callable[..., int], named: dict[str, Any]) -> Any:
    # exact integer arithmetic (Python ints, like Go's big.Int) element by element; scalars in,
    # an int out; an array in, an object array of ints out
    names, args = list(named), list(named.values())
    if all(np.ndim(a) == 0 for a in args):
        return fn(*(_as_int(a, n) for a, n in zip(args, names, strict=True)))
    arrs = np.broadcast_arrays(*(np.asarray(a, dtype=object) for a in args))
    out = np.empty(arrs[0].shape, dtype=object)
    for idx in np.ndindex(out.shape):
        out[idx] = fn(*(_as_int(a[idx], n) for a, n in zip(arrs, names, strict=True)))
    return out


def _as_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True)
class LiquidityTier:
    """A dYdX v4 liquidity tier, in the protocol's integer units.

    Attributes
    ----------
    id : int
        Tier id (``liquidity_tier`` of a perpetual).
    name : str
        Mnemonic name ("Large-Cap", ...).
    initial_margin_ppm : int
        Base initial margin fraction, parts per million, in [0, 1e6].
    maintenance_fraction_ppm : int
        Maintenance margin as a fraction of the base initial margin, ppm, in [0, 1e6].
    open_interest_lower_cap, open_interest_upper_cap : int
        Open-notional caps of the IMF scaling, quote quantums (1e-6 USDC); an upper cap of 0
        switches the scaling off.

    Notes
    -----
    With notional :math:`N` and open notional :math:`O` in quote quantums, the chain computes

    .. math::
        \\mathrm{IMF}_{ppm}(O) &= \\begin{cases} I & U = 0 \\text{ or } O \\le L \\\\
            10^6 & O \\ge U \\\\
            I + \\lfloor (10^6 - I)(O - L)/(U - L) \\rfloor & \\text{otherwise} \\end{cases} \\\\
        \\mathrm{IMR} &= \\lceil N\\,\\mathrm{IMF}_{ppm}(O) / 10^6 \\rceil, \\qquad
        \\mathrm{MMR} = \\lceil \\lceil N I / 10^6 \\rceil f / 10^6 \\rceil

    with :math:`I` = ``initial_margin_ppm``, :math:`f` = ``maintenance_fraction_ppm``: the
    maintenance requirement uses the *base* IMF, never the OI-scaled one.

    References
    ----------
    dydxprotocol/v4-chain @ 84d4664, ``protocol/x/perpetuals/types/liquidity_tier.go`` and
    ``protocol/x/perpetuals/lib/lib.go``.

    Examples
    --------
    >>> t = LiquidityTier(0, "Large-Cap", 20_000, 600_000, 0, 0)
    >>> t.initial_margin_fraction, t.maintenance_margin_fraction
    (0.02, 0.012)
    >>> t.maintenance_margin_quote_quantums(60_000 * 10**6)  # 60,000 USDC notional
    720000000
    """

    id: int
    name: str
    initial_margin_ppm: int
    maintenance_fraction_ppm: int
    open_interest_lower_cap: int = 0
    open_interest_upper_cap: int = 0

    def __post_init__(self) -> None:
        check_int(self.id, "id", 0)
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a str; got {type(self.name).__name__} {self.name!r}")
        for field_name in ("initial_margin_ppm", "maintenance_fraction_ppm"):
            v = check_int(getattr(self, field_name), field_name, 0)
            if v > ONE_MILLION:
                raise ValueError(f"{field_name} must be <= 1_000_000 (100%); got {v}")
        lo = check_int(self.open_interest_lower_cap, "open_interest_lower_cap", 0)
        hi = check_int(self.open_interest_upper_cap, "open_interest_upper_cap", 0)
        if lo > hi:
            raise ValueError(
                "open_interest_lower_cap must be <= open_interest_upper_cap (an upper cap of 0 "
                f"switches the scaling off and needs a lower cap of 0); got {lo} > {hi}"
            )

    @property
    def initial_margin_fraction(self) -> float:
        """Base initial margin fraction (fraction of notional)."""
        return self.initial_margin_ppm / ONE_MILLION

    @property
    def maintenance_margin_fraction(self) -> float:
        """Maintenance margin fraction :math:`f\\,\\mathrm{IMF}_0` (fraction of notional)."""
        return self.initial_margin_ppm * self.maintenance_fraction_ppm / ONE_MILLION**2

    @property
    def maintenance_margin_ppm(self) -> int:
        """The chain's ``GetMaintenanceMarginPpm``: :math:`\\lfloor I f / 10^6 \\rfloor`."""
        return self.initial_margin_ppm * self.maintenance_fraction_ppm // ONE_MILLION

    def adjusted_initial_margin_ppm(self, open_interest_quote_quantums: Any) -> Any:
        """The OI-scaled initial margin fraction in ppm (``GetAdjustedInitialMarginPpm``).

        Parameters
        ----------
        open_interest_quote_quantums : int or array of int
            Open notional (open interest x oracle price), quote quantums (1e-6 USDC), >= 0.

        Returns
        -------
        int or object array of int
            ppm, rounded down; ``initial_margin_ppm`` at or below the lower cap, 1e6 at or
            above the upper cap.

        Examples
        --------
        >>> t = LiquidityTier(1, "t", 200_000, 500_000, 1_000_000, 2_000_000)
        >>> t.adjusted_initial_margin_ppm(1_500_000)
        600000
        """
        return _elementwise(
            self._adjusted_ppm, {"open_interest_quote_quantums": open_interest_quote_quantums}
        )

    def _adjusted_ppm(self, oi: int) -> int:
        if oi < 0:
            raise ValueError(f"open_interest_quote_quantums must be >= 0; got {oi}")
        lo, hi, base = (
            self.open_interest_lower_cap,
            self.open_interest_upper_cap,
            self.initial_margin_ppm,
        )
        if hi == 0 or oi <= lo:
            return base
        if oi >= hi:
            return ONE_MILLION
        return base + (ONE_MILLION - base) * (oi - lo) // (hi - lo)

    def initial_margin_quote_quantums(
        self, quote_quantums: Any, open_interest_quote_quantums: Any = 0
    ) -> Any:
        """Initial margin requirement in quote quantums, rounded up.

        The chain's ``GetInitialMarginQuoteQuantums`` with no per-user IMF.

        Parameters
        ----------
        quote_quantums : int or array of int
            Absolute position notional at the oracle price, quote quantums.
        open_interest_quote_quantums : int or array of int, default 0
            The market's open notional, quote quantums (0: the base IMF).

        Examples
        --------
        >>> LiquidityTier(1, "t", 100_000, 500_000).initial_margin_quote_quantums(1)  # 0.1 up
        1
        """
        return _elementwise(
            lambda q, oi: _ceil_div(abs(q) * self._adjusted_ppm(oi), ONE_MILLION),
            {
                "quote_quantums": quote_quantums,
                "open_interest_quote_quantums": open_interest_quote_quantums,
            },
        )

    def maintenance_margin_quote_quantums(self, quote_quantums: Any) -> Any:
        """Maintenance margin requirement in quote quantums, rounded up.

        The chain's ``GetMarginRequirementsInQuoteQuantums``: the base initial margin (open
        interest 0) rounded up, times the maintenance fraction, rounded up again; independent
        of open interest.

        Examples
        --------
        >>> LiquidityTier(0, "Large-Cap", 50_000, 600_000).maintenance_margin_quote_quantums(
        ...     500 * 10**6)  # 500 USDC at MMF 3%: 15 USDC
        15000000
        """

        def mmr(q: int) -> int:
            base = _ceil_div(abs(q) * self.initial_margin_ppm, ONE_MILLION)
            return _ceil_div(base * self.maintenance_fraction_ppm, ONE_MILLION)

        return _elementwise(mmr, {"quote_quantums": quote_quantums})

    def summary(self) -> pd.DataFrame:
        """The tier as a one-column frame (fractions and caps in USDC)."""
        rows = {
            "id": self.id,
            "name": self.name,
            "initial_margin_fraction": self.initial_margin_fraction,
            "maintenance_fraction": self.maintenance_fraction_ppm / ONE_MILLION,
            "maintenance_margin_fraction": self.maintenance_margin_fraction,
            "max_leverage": (
                ONE_MILLION / self.initial_margin_ppm if self.initial_margin_ppm else np.inf
            ),
            "open_interest_lower_cap_usdc": self.open_interest_lower_cap / ONE_MILLION,
            "open_interest_upper_cap_usdc": self.open_interest_upper_cap / ONE_MILLION,
        }
        return pd.DataFrame({"value": list(rows.values())}, index=pd.Index(list(rows)))


_M = 10**12  # one million USDC in quote quantums

#: The liquidity tiers dYdX's docs list as current (v4-documentation @ 3e475b7,
#: ``docs/pages/concepts/trading/governance.mdx``, last changed 2025-11-03), cross-checked
#: against the chain's default genesis (v4-chain @ 84d4664,
#: ``protocol/scripts/genesis/sample_pregenesis.json``: tiers 0-6 identical; tier 7 "IML 5x"
#: is in the docs only). Governance can change them; the live values are at the chain's
#: ``/dydxprotocol/perpetuals/liquidity_tiers`` endpoint.
LIQUIDITY_TIERS: tuple[LiquidityTier, ...] = (
    LiquidityTier(0, "Large-Cap", 20_000, 600_000, 0, 0),
    LiquidityTier(1, "Small-Cap", 100_000, 500_000, 20 * _M, 50 * _M),
    LiquidityTier(2, "Long-Tail", 200_000, 500_000, 5 * _M, 10 * _M),
    LiquidityTier(3, "Safety", 1_000_000, 200_000, 2 * _M, 5 * _M),
    LiquidityTier(4, "Isolated", 50_000, 600_000, _M // 2, _M),
    LiquidityTier(5, "Mid-Cap", 50_000, 600_000, 40 * _M, 100 * _M),
    LiquidityTier(6, "FX", 10_000, 500_000, _M // 2, _M),
    LiquidityTier(7, "IML 5x", 200_000, 500_000, _M // 2, _M),
)


def liquidity_tier(key: int | str) -> LiquidityTier:
    """One of :data:`LIQUIDITY_TIERS` by id or (case-insensitive) name.

    Examples
    --------
    >>> liquidity_tier("mid-cap").maintenance_margin_fraction
    0.03
    """
    for t in LIQUIDITY_TIERS:
        if isinstance(key, str) and key.lower() == t.name.lower():
            return t
        if isinstance(key, int | np.integer) and not isinstance(key, bool) and key == t.id:
            return t
    known = [f"{t.id} {t.name}" for t in LIQUIDITY_TIERS]
    raise ValueError(f"key must be one of the liquidity tiers {known}; got {key!r}")


def base_to_quote_quantums(
    base_quantums: Any, atomic_resolution: int, price_value: Any, price_exponent: int
) -> Any:
    """Notional in quote quantums of a size in base quantums (``lib.BaseToQuoteQuantums``).

    Parameters
    ----------
    base_quantums : int or array of int
        Signed size in base quantums: the size in coins times :math:`10^{-a}`.
    atomic_resolution : int
        The perpetual's ``atomic_resolution`` :math:`a` (BTC-USD: -10, ETH-USD: -9).
    price_value : int or array of int
        The oracle ``MarketPrice.Price`` :math:`v`: the price in USDC is :math:`v\\,10^{x}`.
    price_exponent : int
        The market's price exponent :math:`x`.

    Notes
    -----
    .. math:: N = b\\,v\\,10^{x + a + 6}

    truncated towards zero when the exponent is negative (6 = minus the USDC atomic resolution).

    Examples
    --------
    >>> base_to_quote_quantums(10**10, -10, 6_000_000_000, -5)  # 1 BTC at 60,000 USDC
    60000000000
    """
    for v, n in ((atomic_resolution, "atomic_resolution"), (price_exponent, "price_exponent")):
        if isinstance(v, bool) or not isinstance(v, int | np.integer):
            raise TypeError(f"{n} must be an int; got {type(v).__name__} {v!r}")
    e = int(price_exponent) + int(atomic_resolution) - QUOTE_ATOMIC_RESOLUTION

    def conv(b: int, p: int) -> int:
        if p < 0:
            raise ValueError(f"price_value must be >= 0; got {p}")
        num = b * p
        if e >= 0:
            return num * 10**e
        q = abs(num) // 10**-e  # Go's Quo truncates towards zero
        return q if num >= 0 else -q

    return _elementwise(conv, {"base_quantums": base_quantums, "price_value": price_value})


def effective_initial_margin_fraction(
    base_imf: ArrayLike,
    open_notional: ArrayLike,
    lower_cap: ArrayLike,
    upper_cap: ArrayLike,
) -> Any:
    """The open-interest-scaled initial margin fraction (float form of the chain's rule).

    Parameters
    ----------
    base_imf : float or array
        Base initial margin fraction, in [0, 1].
    open_notional : float, array or Series
        The market's open interest times the oracle price, USDC, >= 0.
    lower_cap, upper_cap : float or array
        The tier's caps, USDC, ``0 <= lower_cap <= upper_cap``; ``upper_cap = 0`` switches the
        scaling off (dYdX's Large-Cap tier).

    Returns
    -------
    float, ndarray or Series
        Fraction of notional, in [base_imf, 1].

    Notes
    -----
    .. math:: \\mathrm{IMF} = \\min\\left(\\mathrm{IMF}_0 + (1 - \\mathrm{IMF}_0)
              \\max\\left(\\frac{O - L}{U - L}, 0\\right), 1\\right)

    for :math:`U > 0`, and :math:`\\mathrm{IMF}_0` for :math:`U = 0`. The maintenance fraction
    does not scale. The chain rounds the ppm value down (:class:`LiquidityTier`).

    References
    ----------
    dYdX docs, "Margining: Open-Interest-Based IMF" (v4-documentation @ 3e475b7,
    ``docs/pages/concepts/trading/margin.mdx``); v4-chain @ 84d4664,
    ``protocol/x/perpetuals/types/liquidity_tier.go``.

    Examples
    --------
    >>> round(effective_initial_margin_fraction(0.1, 35e6, 20e6, 50e6), 12)  # Small-Cap
    0.55
    """
    base_imf, open_notional, lower_cap, upper_cap = align_series(
        base_imf, open_notional, lower_cap, upper_cap,
        names=("base_imf", "open_notional", "lower_cap", "upper_cap"),
    )[0]  # fmt: skip
    b = check_range(as_float_array(base_imf, "base_imf"), "base_imf", 0.0, 1.0)
    o = check_range(as_float_array(open_notional, "open_notional"), "open_notional", 0.0)
    lo = check_range(as_float_array(lower_cap, "lower_cap"), "lower_cap", 0.0)
    hi = check_range(as_float_array(upper_cap, "upper_cap"), "upper_cap", 0.0)
    if np.any(lo > hi):
        raise ValueError(
            f"lower_cap must be <= upper_cap; got {np.asarray(lo).tolist()} > "
            f"{np.asarray(hi).tolist()}"
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (o - lo) / (hi - lo)
    scaled = np.where(o >= hi, 1.0, b + (1.0 - b) * np.clip(frac, 0.0, 1.0))
    out = np.where((hi == 0) | (o <= lo), b, scaled)
    return wrap_like(
        np.asarray(out, dtype=np.float64), open_notional, base_imf, lower_cap, upper_cap, name="imf"
    )


def fillable_price(
    oracle_price: ArrayLike,
    side: Any,
    maintenance_margin_fraction: ArrayLike,
    total_net_collateral: ArrayLike,
    total_maintenance_margin: ArrayLike,
    *,
    spread_to_maintenance_margin_ratio: float = 1.5,
    bankruptcy_adjustment: float = 1.0,
) -> Any:
    """Limit price of a protocol liquidation order (``GetFillablePrice``).

    Parameters
    ----------
    oracle_price : float, array or Series
        Oracle price, USDC per coin, > 0.
    side : {"long", "short"}, +1/-1 or an array of them
        Direction of the position being liquidated.
    maintenance_margin_fraction : float or array
        The market's MMF (fraction).
    total_net_collateral, total_maintenance_margin : float or array
        The subaccount's total net collateral (TNC) and maintenance requirement (TMMR), USDC;
        TMMR > 0.
    spread_to_maintenance_margin_ratio : float, default 1.5
        SMMR, ``spread_to_maintenance_margin_ratio_ppm`` / 1e6 (genesis default 1,500,000).
    bankruptcy_adjustment : float, default 1.0
        BA, ``bankruptcy_adjustment_ppm`` / 1e6 (genesis default 1,000,000), >= 1.

    Returns
    -------
    float, ndarray or Series
        USDC per coin: below the oracle for a long, above it for a short.

    Notes
    -----
    With the adjusted bankruptcy rating
    :math:`\\mathrm{ABR} = \\mathrm{clip}(\\mathrm{BA}(1 - \\mathrm{TNC}/\\mathrm{TMMR}), 0, 1)`
    the chain sets the fillable price to :math:`(\\mathrm{PNNV} - \\mathrm{ABR}\\,
    \\mathrm{SMMR}\\,\\mathrm{PMMR})/\\mathrm{PS}`, which for one position of signed size
    :math:`\\mathrm{PS}` is

    .. math:: P_f = P\\,(1 - s\\,\\mathrm{ABR}\\,\\mathrm{SMMR}\\,\\mathrm{MMF}).

    The docs print :math:`P(1 - \\mathrm{SMMR}\\,\\mathrm{MMF}\\,\\mathrm{BA}(1 - Q))` "for both
    short and long"; the code applies the spread against the position (the :math:`s`), so a
    short's fillable price is above the oracle.

    References
    ----------
    v4-chain @ 84d4664, ``protocol/x/clob/keeper/liquidations.go``; dYdX docs, "Liquidations"
    (v4-documentation @ 3e475b7, ``docs/pages/concepts/trading/liquidations.mdx``).

    Examples
    --------
    >>> # account at zero equity (TNC = 0): the full spread 1.5 x 3% = 4.5% below the oracle
    >>> round(fillable_price(100.0, "long", 0.03, 0.0, 15.0), 12)
    95.5
    """
    oracle_price, side, maintenance_margin_fraction, total_net_collateral, \
        total_maintenance_margin = align_series(
            oracle_price, side, maintenance_margin_fraction, total_net_collateral,
            total_maintenance_margin,
            names=("oracle_price", "side", "maintenance_margin_fraction", "total_net_collateral",
                   "total_maintenance_margin"),
        )[0]  # fmt: skip
    p = as_float_array(oracle_price, "oracle_price")
    if np.any(p <= 0):
        raise ValueError(f"oracle_price must be > 0; got {np.asarray(p).tolist()}")
    s = side_sign(side)
    mmf = check_range(
        as_float_array(maintenance_margin_fraction, "maintenance_margin_fraction"),
        "maintenance_margin_fraction",
        0.0,
        1.0,
    )
    tnc = as_float_array(total_net_collateral, "total_net_collateral")
    tmmr = as_float_array(total_maintenance_margin, "total_maintenance_margin")
    if np.any(tmmr <= 0):
        raise ValueError(f"total_maintenance_margin must be > 0; got {np.asarray(tmmr).tolist()}")
    if not bankruptcy_adjustment >= 1.0:
        raise ValueError(f"bankruptcy_adjustment must be >= 1; got {bankruptcy_adjustment!r}")
    if not spread_to_maintenance_margin_ratio >= 0.0:
        raise ValueError(
            "spread_to_maintenance_margin_ratio must be >= 0; got "
            f"{spread_to_maintenance_margin_ratio!r}"
        )
    abr = np.clip(bankruptcy_adjustment * (1.0 - tnc / tmmr), 0.0, 1.0)
    out = p * (1.0 - s * abr * spread_to_maintenance_margin_ratio * mmf)
    return wrap_like(
        np.asarray(out, dtype=np.float64),
        oracle_price,
        side,
        total_net_collateral,
        total_maintenance_margin,
        maintenance_margin_fraction,
        name="fillable_price",
    )
