"""Venue profiles: dated tier snapshots plus the few rules in which venues differ.

A :class:`Venue` is data (markets, dated tier tables with provenance) and a handful of rules:
the contract type of each market, the price at which maintenance margin is charged (mark or
entry), which fee is reserved in maintenance, how the maintenance rate is obtained (tier table,
half the initial margin at max leverage, a size-linear schedule, a flat fraction), the trigger
price and the tick rounding of the displayed price. Every computation goes through the public
functions of :mod:`riskkit.liquidation`.

"Cannot be liquidated" is ``NaN`` everywhere in :mod:`riskkit.venues`: a long whose margin
covers the whole fall to zero, an inverse short whose margin covers its coin notional.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_broadcast
from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    wrap_like,
)
from riskkit.liquidation import bankruptcy_price, liquidation_price
from riskkit.liquidation._fast import _arr, _mmr, _positive
from riskkit.liquidation.prices import _fixed_kernel, _kernel
from riskkit.liquidation.tiered import _tiered
from riskkit.margin import MarginTiers
from riskkit.venues._inputs import _side_array, distance, parse_as_of, parse_side

__all__ = [
    "CANNOT_LIQUIDATE",
    "Market",
    "Snapshot",
    "Venue",
    "distance",
    "parse_as_of",
    "parse_side",
]

#: The one representation of "no price liquidates this position" across riskkit.venues.
CANNOT_LIQUIDATE = float("nan")

MAINTENANCE_RULES = ("tiers", "half_max_leverage", "size_linear", "fraction")
MAINTENANCE_BASES = ("mark", "entry")
FEE_RULES = ("none", "taker_at_mark", "taker_at_bankruptcy")
TRIGGERS = ("mark", "index", "last", "oracle")
ROUNDINGS = ("none", "toward_entry")
MARGIN_MODES = ("isolated", "cross")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One dated tier table of one market, with provenance.

    Attributes
    ----------
    effective : Timestamp
        Earliest date (UTC) the source attests the table; used until the next snapshot.
    tiers : MarginTiers
        Notional bounds, maintenance rates (fraction), amounts (settlement currency).
    verified : bool
        True only when checked against the venue page or a venue recording.
    source_url, retrieved, how_verified : str
        Provenance.
    mmr_per_unit, imr_base, imr_per_unit : float
        Deribit's size-linear schedule (rate per base unit of size); dYdX's initial margin
        fraction (``imr_base``). NaN/0 where the venue has no such rule.
    oi_lower_cap, oi_upper_cap : float
        dYdX open-interest caps of the IMF scaling, quote currency; upper cap 0: no scaling
        (the chain's rule); NaN when unknown.
    """

    effective: pd.Timestamp
    tiers: MarginTiers
    verified: bool
    source_url: str = ""
    retrieved: str = ""
    how_verified: str = field(default="", repr=False)
    mmr_per_unit: float = 0.0
    imr_base: float = float("nan")
    imr_per_unit: float = 0.0
    oi_lower_cap: float = float("nan")
    oi_upper_cap: float = float("nan")


@dataclass(frozen=True, slots=True)
class Market:
    """A venue's contract: symbols, contract type and size, settlement currency, snapshots.

    ``contract_size`` is base units per contract (linear) or USD per contract (inverse); the
    ``size`` argument of :class:`Venue` methods is already contracts x contract_size (base
    quantity for linear, USD notional for inverse), as everywhere in riskkit.
    """

    symbol: str
    ccxt_symbol: str
    contract: str
    contract_size: float
    settle: str
    snapshots: tuple[Snapshot, ...] = ()
    tick_size: float = 0.0
    fee_isolated: str | None = None
    fee_cross: str | None = None

    def snapshot(self, as_of: Any = None, venue: str = "") -> Snapshot:
        """The snapshot in force at ``as_of`` (latest if None).

        Raises
        ------
        ValueError
            If the market has no snapshot, or ``as_of`` precedes the first one.
        """
        if not self.snapshots:
            raise ValueError(
                f"{venue} {self.symbol} has no tier snapshot shipped with riskkit; pass "
                "maintenance_margin_rate= (or tiers=), or add one with Venue.with_market()"
            )
        ts = parse_as_of(as_of)
        if ts is None:
            return self.snapshots[-1]
        chosen = [s for s in self.snapshots if s.effective <= ts]
        if not chosen:
            first = self.snapshots[0].effective.date().isoformat()
            raise ValueError(
                f"as_of must not precede the first snapshot of {venue} {self.symbol} ({first}); "
                f"got {ts.date().isoformat()}: no tier table is known before {first}"
            )
        return chosen[-1]


_PRICE_ARGS = ("side", "entry_price", "size", "margin")


def _single_tier(rate: float, contract: str, venue: str, symbol: str) -> MarginTiers:
    return MarginTiers(
        np.array([0.0]),
        np.array([np.inf]),
        np.array([float(rate)]),
        np.array([0.0]),
        np.array([1.0]),
        venue=venue,
        symbol=symbol,
        contract=contract,
        notes="override",
    )


def _inverse_size_linear(
    s: Any, e: FloatArray, n: FloatArray, m_: FloatArray, base: float, beta: float
) -> FloatArray:
    # Inverse contract of USD notional N, maintenance rate base + beta x (N/P) on the coin
    # notional N/P. Equity M + sN(1/E - 1/P) = (base + beta N x) N x with x = 1/P:
    #   a x^2 + b x + c = 0,  a = beta N^2,  b = (base + s) N,  c = -(M + sN/E),
    # and the root the price reaches first is x = -2c / (b + s sqrt(b^2 - 4ac)) (stable form;
    # beta = 0 gives the constant-rate x = -c/b).
    s = np.asarray(s, dtype=np.float64)
    a = beta * n * n
    b = (base + s) * n
    c = -(m_ + s * n / e)
    with np.errstate(divide="ignore", invalid="ignore"):
        disc = b * b - 4.0 * a * c
        x = -2.0 * c / (b + s * np.sqrt(np.maximum(disc, 0.0)))
        p = np.where(x > 0, 1.0 / x, np.inf)
    # a short whose equity is below maintenance at every price is liquidated at any price
    p = np.where((s < 0) & (disc < 0), 0.0, p)
    return np.asarray(p, dtype=np.float64)


_ADAPTED: dict[tuple[int, float, str, str, str], tuple[MarginTiers, MarginTiers]] = {}


def _adapted(
    table: MarginTiers, fee: float, basis: str, mm_basis: str, contract: str
) -> MarginTiers:
    # the venue's table with the reserved fee folded into the rates and its conventions; kept
    # (with the original, so that its id is not reused) for the next call on the same table
    key = (id(table), fee, basis, mm_basis, contract)
    hit = _ADAPTED.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    new = dataclasses.replace(
        table,
        maintenance_margin_rate=table.maintenance_margin_rate + fee,
        tier_basis=basis,
        maintenance_basis=mm_basis,
        contract=contract,
    )
    if len(_ADAPTED) > 512:
        _ADAPTED.clear()
    _ADAPTED[key] = (table, new)
    return new


def _round_toward_entry(p: FloatArray, s: FloatArray, tick: float) -> FloatArray:
    # Long: round up; short: round down (Bybit rounds the displayed price towards entry). The
    # small epsilon keeps exact multiples of the tick where they are.
    with np.errstate(invalid="ignore"):
        x = p / tick
        up = np.ceil(x - 1e-9) * tick
        down = np.floor(x + 1e-9) * tick
    return np.where(np.isfinite(p), np.where(s > 0, up, down), p)


@dataclass(frozen=True, slots=True)
class Venue:
    """A venue profile: markets, dated tier snapshots and the venue's rules.

    Attributes
    ----------
    name, family, description : str
        Profile name (``venues.get(name)``), family (module) and a one-line description.
    maintenance_rule : {"tiers", "half_max_leverage", "size_linear", "fraction"}
        How the maintenance rate is obtained: the tier table (Binance, OKX, BitMEX, Bybit), half
        the initial margin at the tier's max leverage (Hyperliquid), base + slope x size
        (Deribit), a flat fraction per market (dYdX).
    maintenance_basis : {"mark", "entry"}
        Notional on which maintenance is charged: at the mark (liquidation) price, or fixed at
        entry (Bybit).
    fee_isolated, fee_cross : {"none", "taker_at_mark", "taker_at_bankruptcy"}
        Fee reserved in maintenance per margin mode (a market may override): none (Binance,
        Hyperliquid), the taker fee on the mark notional (OKX, BitMEX, Gate), or the fee to
        close at the bankruptcy price (Bybit inverse cross).
    taker_fee_rate : float or None
        Default fee rate, fraction; ``None`` when the venue reserves no fee or we ship none.
    trigger_price : {"mark", "index", "last", "oracle"}
        Price that triggers liquidation (informational).
    tick_rounding : {"none", "toward_entry"}
        Rounding of the displayed price to the market's tick (Bybit: long up, short down).
    partial_liquidation : str
        The venue's published partial-liquidation steps (informational).
    markets : tuple of Market
    sources : tuple of str
        Venue pages the rules come from.
    """

    name: str
    family: str
    description: str
    maintenance_rule: str
    maintenance_basis: str
    fee_isolated: str
    fee_cross: str
    trigger_price: str
    tick_rounding: str
    markets: tuple[Market, ...]
    taker_fee_rate: float | None = None
    partial_liquidation: str = ""
    sources: tuple[str, ...] = ()
    notes: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        check_option(self.maintenance_rule, "maintenance_rule", MAINTENANCE_RULES)
        check_option(self.maintenance_basis, "maintenance_basis", MAINTENANCE_BASES)
        check_option(self.fee_isolated, "fee_isolated", FEE_RULES)
        check_option(self.fee_cross, "fee_cross", FEE_RULES)
        check_option(self.trigger_price, "trigger_price", TRIGGERS)
        check_option(self.tick_rounding, "tick_rounding", ROUNDINGS)

    # -- markets -------------------------------------------------------------------------------
    @property
    def symbols(self) -> list[str]:
        """Venue symbols of the shipped markets."""
        return [m.symbol for m in self.markets]

    def market(self, symbol: str) -> Market:
        """The market for a venue symbol ("BTCUSDT", "BTC") or a ccxt symbol ("BTC/USDT:USDT").

        Raises
        ------
        ValueError
            If the symbol is unknown (the message lists the known ones).
        """
        if not isinstance(symbol, str):
            raise TypeError(f"symbol must be a str; got {type(symbol).__name__} {symbol!r}")
        key = symbol.upper()
        for m in self.markets:
            if key in (m.symbol.upper(), m.ccxt_symbol.upper()):
                return m
        known = [f"{m.symbol} ({m.ccxt_symbol})" for m in self.markets]
        raise ValueError(f"symbol must be one of {known} on {self.name}; got {symbol!r}")

    def with_market(
        self,
        symbol: str,
        tiers: MarginTiers | None = None,
        *,
        maintenance_margin_rate: float | None = None,
        ccxt_symbol: str = "",
        contract: str = "linear",
        contract_size: float = 1.0,
        settle: str = "",
        effective: Any = "1970-01-01",
        tick_size: float = 0.0,
    ) -> Venue:
        """A copy of the profile with one more market (or a replaced one), e.g. from
        :func:`riskkit.venues.tiers_from_ccxt` or a single maintenance rate.

        Examples
        --------
        >>> from riskkit import venues
        >>> v = venues.get("binance-usdm").with_market("DOGEUSDT", maintenance_margin_rate=0.005)
        >>> "DOGEUSDT" in v.symbols
        True
        """
        if (tiers is None) == (maintenance_margin_rate is None):
            raise ValueError("give exactly one of tiers and maintenance_margin_rate")
        if tiers is None:
            tiers = _single_tier(float(maintenance_margin_rate), contract, self.name, symbol)  # type: ignore[arg-type]
        snap = Snapshot(parse_as_of(effective), tiers, False, how_verified="user supplied")  # type: ignore[arg-type]
        new = Market(symbol, ccxt_symbol, contract, contract_size, settle, (snap,), tick_size)
        others = tuple(m for m in self.markets if m.symbol.upper() != symbol.upper())
        return dataclasses.replace(self, markets=(*others, new))

    def tiers(self, symbol: str, as_of: Any = None) -> MarginTiers:
        """The tier table of ``symbol`` in force at ``as_of`` (latest if None).

        Raises
        ------
        ValueError
            Unknown symbol, or ``as_of`` before the first snapshot.

        Examples
        --------
        >>> from riskkit import venues
        >>> venues.get("binance-usdm").tiers("BTCUSDT", as_of="2021-06-01").lookup(264_000.0)
        (0.01, 1300.0)
        """
        return self.market(symbol).snapshot(as_of, self.name).tiers

    # -- rules ---------------------------------------------------------------------------------
    def _fee(self, market: Market, margin_mode: str, fee_rate: Any) -> tuple[str, float]:
        check_option(margin_mode, "margin_mode", MARGIN_MODES)
        rule = (market.fee_isolated if margin_mode == "isolated" else market.fee_cross) or (
            self.fee_isolated if margin_mode == "isolated" else self.fee_cross
        )
        if rule == "none":
            if fee_rate is not None:
                raise ValueError(
                    f"fee_rate must be None on {self.name} {market.symbol} ({margin_mode}): the "
                    f"venue reserves no fee in maintenance; got {fee_rate!r}"
                )
            return rule, 0.0
        f = self.taker_fee_rate if fee_rate is None else fee_rate
        if f is None:
            raise ValueError(
                f"fee_rate is required on {self.name} (it reserves the taker fee in maintenance "
                "and riskkit ships no default rate); got None"
            )
        f = float(as_float_array(f, "fee_rate"))
        if not 0.0 <= f < 0.1:
            raise ValueError(f"fee_rate must be in [0, 0.1) (a fraction, not percent); got {f}")
        return rule, f

    def _table(
        self,
        market: Market,
        as_of: Any,
        maintenance_margin_rate: Any,
        max_leverage: Any,
        tiers: MarginTiers | None,
    ) -> tuple[MarginTiers, Snapshot | None]:
        given = [x is not None for x in (maintenance_margin_rate, max_leverage, tiers)]
        if sum(given) > 1:
            raise ValueError("give at most one of maintenance_margin_rate, max_leverage, tiers")
        if tiers is not None:
            if not isinstance(tiers, MarginTiers):
                raise TypeError(f"tiers must be a MarginTiers; got {type(tiers).__name__}")
            return tiers, None
        if maintenance_margin_rate is not None:
            m = float(as_float_array(maintenance_margin_rate, "maintenance_margin_rate"))
            if not 0.0 <= m < 1.0:
                raise ValueError(f"maintenance_margin_rate must be in [0, 1); got {m}")
            return _single_tier(m, market.contract, self.name, market.symbol), None
        if max_leverage is not None:
            if self.maintenance_rule != "half_max_leverage":
                raise ValueError(
                    f"max_leverage applies only to venues whose maintenance is half the initial "
                    f"margin at max leverage (hyperliquid); {self.name} uses "
                    f"{self.maintenance_rule!r}; got max_leverage={max_leverage!r}"
                )
            lev = float(as_float_array(max_leverage, "max_leverage"))
            if lev < 1.0:
                raise ValueError(f"max_leverage must be >= 1; got {lev}")
            return _single_tier(0.5 / lev, market.contract, self.name, market.symbol), None
        snap = market.snapshot(as_of, self.name)
        return snap.tiers, snap

    def _resolve(self, symbol: str, max_leverage: Any) -> Market:
        try:
            return self.market(symbol)
        except ValueError:
            if max_leverage is None or self.maintenance_rule != "half_max_leverage":
                raise
            # an asset not in the profile (e.g. a Hyperliquid HIP-3 market) with its max leverage
            settle = symbol.split(":")[-1] if ":" in symbol else "USDC"
            return Market(symbol, symbol, "linear", 1.0, settle)

    # -- prices --------------------------------------------------------------------------------
    def liquidation_price(
        self,
        symbol: str,
        side: Any,
        entry_price: ArrayLike,
        size: ArrayLike,
        margin: ArrayLike,
        margin_mode: str = "isolated",
        as_of: Any = None,
        fee_rate: float | None = None,
        *,
        maintenance_margin_rate: float | None = None,
        max_leverage: float | None = None,
        tiers: MarginTiers | None = None,
        round_to_tick: bool = True,
    ) -> Any:
        """Liquidation price of positions in one market under the venue's rules.

        Parameters
        ----------
        symbol : str
            Venue symbol ("BTCUSDT", "BTC") or ccxt symbol ("BTC/USDT:USDT").
        side : {"long", "short", "buy", "sell"}, +1/-1, or an array of them
            Position direction.
        entry_price : float, array or Series
            Average entry price, quote per base, > 0.
        size : float, array or Series
            Linear: base quantity (contracts x contract size); inverse: USD notional; > 0.
        margin : float, array or Series
            Settlement currency. Isolated: the isolated margin at entry (without unrealised
            PnL). Cross: wallet balance less the other positions' maintenance margin plus their
            unrealised PnL (see :func:`riskkit.venues.cross_margin`).
        margin_mode : {"isolated", "cross"}
            Selects the venue's fee rule.
        as_of : date-like, optional
            Picks the snapshot in force; latest if None.
        fee_rate : float, optional
            Taker fee rate (fraction) for venues that reserve the fee; defaults to the profile's.
            Must be None on venues that reserve none.
        maintenance_margin_rate, max_leverage, tiers : optional
            Overrides of the profile's table (one at most): a flat rate, a Hyperliquid max
            leverage (rate ``1/(2L)``), or a :class:`~riskkit.margin.MarginTiers`.
        round_to_tick : bool, default True
            Round to the market's tick as the venue displays it (Bybit).

        Returns
        -------
        float, ndarray or Series
            Quote per base; ``NaN`` where no price liquidates the position (see
            :data:`CANNOT_LIQUIDATE`); ``inf`` for an inverse long and ``0.0`` for a linear
            short already short of margin at every price.

        Raises
        ------
        ValueError
            Unknown symbol, ``as_of`` before the first snapshot, bad side or inputs, a fee rate
            on a venue that reserves none.

        See Also
        --------
        riskkit.liquidation.liquidation_price, riskkit.liquidation.liquidation_price_tiered

        Notes
        -----
        With side :math:`s`, entry :math:`E`, margin :math:`M`, tier rate :math:`m_k`,
        amount :math:`A_k` and reserved fee :math:`f`, the mark-basis venues solve
        :math:`M + sQ(P - E) = (m_k + f)QP - A_k` (linear) with the tier :math:`k` consistent
        with the notional at :math:`P`; entry-basis venues (Bybit) fix
        :math:`\\mathrm{MM} = V_E m_k - A_k` with :math:`k` the tier of the entry notional
        :math:`V_E`. Bybit inverse cross adds the fee to close at the bankruptcy price,
        :math:`f N / P_b`. Deribit uses :math:`m = m_0 + \\beta Q`; Hyperliquid
        :math:`m_k = 1/(2 L_k)`.

        References
        ----------
        See each profile's ``sources``.

        Examples
        --------
        >>> from riskkit import venues
        >>> v = venues.get("bybit-classic")
        >>> v.liquidation_price("BTCUSDT", "long", 20_000.0, 1.0, 400.0)  # Bybit help page
        19700.0
        """
        side, entry_price, size, margin = align_series(
            side, entry_price, size, margin, names=_PRICE_ARGS
        )[0]
        market = self._resolve(symbol, max_leverage)
        rule, f = self._fee(market, margin_mode, fee_rate)
        table, snap = self._table(market, as_of, maintenance_margin_rate, max_leverage, tiers)
        kind, table = self._pricing(market, rule, f, table, snap)
        s = _side_array(side)
        e = _positive(entry_price, "entry_price")
        q = _positive(size, "size")
        m_ = _arr(margin, "margin")
        check_broadcast(side=s, entry_price=e, size=q, margin=m_)
        p = self._compute(kind, table, snap, market, f, s, e, q, m_)
        return self._finish(p, s, market, round_to_tick, side, entry_price, size, margin)

    def _pricer(
        self, symbol: str, margin_mode: str, as_of: Any
    ) -> Callable[[FloatArray, FloatArray, FloatArray, FloatArray], FloatArray]:
        # liquidation_price with the market, fee and table resolved once, on inputs already
        # parsed and checked (side +1/-1, entry and size > 0, margin finite, float64 arrays):
        # the batch (riskkit.venues.batch) calls it once per group and block, bit-identical to
        # liquidation_price because both run _compute and _finish
        market = self._resolve(symbol, None)
        rule, f = self._fee(market, margin_mode, None)
        table, snap = self._table(market, as_of, None, None, None)
        kind, table = self._pricing(market, rule, f, table, snap)

        def price(s: FloatArray, e: FloatArray, q: FloatArray, m_: FloatArray) -> FloatArray:
            p = self._compute(kind, table, snap, market, f, s, e, q, m_)
            return np.asarray(self._finish(p, s, market, True), dtype=np.float64)

        return price

    def _compute(
        self,
        kind: str,
        table: MarginTiers,
        snap: Snapshot | None,
        market: Market,
        f: float,
        s: FloatArray,
        e: FloatArray,
        q: FloatArray,
        m_: FloatArray,
    ) -> FloatArray:
        # the price by the solver _pricing chose, on parsed and checked inputs
        linear = market.contract == "linear"
        if kind == "size_linear" and snap is not None:
            if linear:
                rate = _mmr(table.maintenance_margin_rate[0] + snap.mmr_per_unit * q + f)
                return _kernel(s, e, q, m_, rate, np.asarray(0.0), True)
            # the coin size N/P grows as the price falls: a quadratic in 1/P
            base = float(table.maintenance_margin_rate[0]) + f
            return _inverse_size_linear(s, e, q, m_, base, snap.mmr_per_unit)
        if kind == "fixed_with_close_fee":
            v0 = q * e if linear else q / e
            mmr, amt = table.lookup(q if table.tier_basis == "size" else v0)
            bp = _kernel(s, e, q, m_, np.asarray(f), np.asarray(0.0), linear)
            with np.errstate(divide="ignore", invalid="ignore"):
                fee_close = f * (q * bp if linear else q / bp)
            mm = np.maximum(v0 * np.asarray(mmr) - np.asarray(amt) + fee_close, 0.0)
            return _fixed_kernel(s, e, q, m_, mm, linear)
        price, _ = _tiered(s, e, q, m_, table, linear, want_tier=False)
        return price

    def _pricing(
        self, market: Market, rule: str, f: float, table: MarginTiers, snap: Snapshot | None
    ) -> tuple[str, MarginTiers]:
        # Which solver prices this market ("size_linear", "fixed_with_close_fee" or "tiered"),
        # and for "tiered" the table with the venue's fee and conventions folded in. Shared by
        # liquidation_price and the batch (riskkit.venues.batch), which must agree bit for bit.
        if self.maintenance_rule == "size_linear" and snap is not None:
            return "size_linear", table
        if self.maintenance_basis == "entry" and rule == "taker_at_bankruptcy":
            return "fixed_with_close_fee", table
        basis = "entry" if self.maintenance_basis == "entry" else table.tier_basis
        mm_basis = "entry" if self.maintenance_basis == "entry" else "mark"
        if (
            f
            or basis != table.tier_basis
            or mm_basis != table.maintenance_basis
            or table.contract != market.contract
        ):
            table = _adapted(table, f, basis, mm_basis, market.contract)
        return "tiered", table

    def _finish(self, p: Any, s: Any, market: Market, round_to_tick: bool, *inputs: Any) -> Any:
        # p is a fresh result of this call: marked in place, and only scanned in full when
        # its range shows a limit (0 for a long, inf for a short) somewhere
        arr = np.asarray(p, dtype=np.float64)
        sb = np.asarray(s, dtype=np.float64)
        if arr.size and not (arr.min() > 0.0 and arr.max() < np.inf):
            never = ((sb > 0) & (arr <= 0.0)) | ((sb < 0) & np.isposinf(arr))
            arr = np.where(never, CANNOT_LIQUIDATE, arr)
        if round_to_tick and self.tick_rounding == "toward_entry" and market.tick_size > 0:
            arr = _round_toward_entry(arr, np.broadcast_to(sb, arr.shape), market.tick_size)
        return wrap_like(arr, *inputs, name="liquidation_price")

    def bankruptcy_price(
        self,
        symbol: str,
        side: Any,
        entry_price: ArrayLike,
        size: ArrayLike,
        margin: ArrayLike,
        margin_mode: str = "isolated",
        fee_rate: float | None = None,
        *,
        round_to_tick: bool = True,
    ) -> Any:
        """Price at which equity is zero (after the fee to close where the venue reserves it
        at bankruptcy). Inputs, returns and ``NaN`` convention as :meth:`liquidation_price`.

        Notes
        -----
        :math:`P_b = E - sM/Q` (linear), :math:`sN/(M + sN/E)` (inverse); with the fee to close
        at :math:`P_b` (Bybit inverse cross) :math:`P_b = N(f + s)/(M + sN/E)`.

        Examples
        --------
        >>> from riskkit import venues
        >>> venues.get("bybit-classic").bankruptcy_price("BTCUSDT", "long", 10_000.0, 1.0, 200.0)
        9800.0
        """
        side, entry_price, size, margin = align_series(
            side, entry_price, size, margin, names=_PRICE_ARGS
        )[0]
        market = self.market(symbol)
        rule, f = self._fee(market, margin_mode, fee_rate)
        check_broadcast(side=side, entry_price=entry_price, size=size, margin=margin)
        s = parse_side(side)
        if rule == "taker_at_bankruptcy":
            p = liquidation_price(s, entry_price, size, margin, f, 0.0, market.contract)
        else:
            p = bankruptcy_price(s, entry_price, size, margin, market.contract)
        out = self._finish(p, s, market, round_to_tick, side, entry_price, size, margin)
        return wrap_like(out, side, entry_price, size, margin, name="bankruptcy_price")

    def maintenance_margin(
        self,
        symbol: str,
        size: ArrayLike,
        price: ArrayLike,
        *,
        entry_price: ArrayLike | None = None,
        side: Any = None,
        margin: ArrayLike | None = None,
        margin_mode: str = "isolated",
        as_of: Any = None,
        fee_rate: float | None = None,
        maintenance_margin_rate: float | None = None,
        max_leverage: float | None = None,
        tiers: MarginTiers | None = None,
    ) -> Any:
        """Maintenance requirement in the settlement currency, including any reserved fee.

        Parameters
        ----------
        symbol, size, margin_mode, as_of, fee_rate, maintenance_margin_rate, max_leverage, tiers
            As in :meth:`liquidation_price`.
        price : float, array or Series
            Mark price, quote per base, > 0.
        entry_price : optional
            Required on entry-basis venues (Bybit), where maintenance is fixed at entry. On
            tables whose tier is set at entry (BitMEX risk-limit steps) it picks the tier;
            without it the tier of the notional at ``price`` is used.
        side, margin : optional
            Required only where the fee to close is reserved at the bankruptcy price.

        Returns
        -------
        float, ndarray or Series
            :math:`V (m_k + f) - A_k` with :math:`V` the notional at ``price`` (at entry on
            entry-basis venues) and :math:`k` its tier (the tier of the size on OKX, of the
            entry notional on BitMEX).

        Examples
        --------
        >>> from riskkit import venues
        >>> venues.get("binance-coinm").maintenance_margin("BTCUSD_PERP", 10_000.0, 25_000.0)
        0.0016
        """
        size, price, entry_price, side, margin = align_series(
            size, price, entry_price, side, margin,
            names=("size", "price", "entry_price", "side", "margin"),
        )[0]  # fmt: skip
        market = self._resolve(symbol, max_leverage)
        rule, f = self._fee(market, margin_mode, fee_rate)
        table, snap = self._table(market, as_of, maintenance_margin_rate, max_leverage, tiers)
        q = check_positive(as_float_array(size, "size"), "size")
        check_broadcast(size=q, price=price, entry_price=entry_price)
        if self.maintenance_basis == "entry":
            if entry_price is None:
                raise ValueError(
                    f"entry_price is required on {self.name}: maintenance is charged at entry"
                )
            at = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
        else:
            at = check_positive(as_float_array(price, "price"), "price")
        v = q * at if market.contract == "linear" else q / at
        if self.maintenance_rule == "size_linear" and snap is not None:
            coins = q if market.contract == "linear" else v  # size in base units at the mark
            mm = v * (table.maintenance_margin_rate[0] + snap.mmr_per_unit * coins + f)
        else:  # the tier of the notional, of the size (OKX) or of the entry value (BitMEX)
            key = v
            if table.tier_basis == "size":
                key = q
            elif table.tier_basis == "entry" and entry_price is not None:
                e0 = check_positive(as_float_array(entry_price, "entry_price"), "entry_price")
                key = q * e0 if market.contract == "linear" else q / e0
            rate, amt = table.lookup(key)
            mm = v * (np.asarray(rate) + f) - np.asarray(amt)
        if rule == "taker_at_bankruptcy":
            if side is None or margin is None or entry_price is None:
                raise ValueError(
                    f"side, entry_price and margin are required on {self.name} {market.symbol} "
                    f"({margin_mode}): the fee to close is reserved at the bankruptcy price"
                )
            bp = self.bankruptcy_price(
                market.symbol,
                side,
                entry_price,
                q,
                margin,
                margin_mode,
                fee_rate,
                round_to_tick=False,
            )
            bp = np.asarray(bp, dtype=np.float64)
            mm = mm - v * f + f * (q * bp if market.contract == "linear" else q / bp)
        return wrap_like(mm, size, price, entry_price, name="maintenance_margin")

    def initial_margin_rate(
        self,
        symbol: str,
        notional: ArrayLike,
        *,
        as_of: Any = None,
        size: ArrayLike | None = None,
        open_interest: ArrayLike | None = None,
        oi_lower_cap: float | None = None,
        oi_upper_cap: float | None = None,
    ) -> Any:
        """Initial margin rate (fraction of notional) at the venue's maximum leverage.

        Tier venues: ``1 / max_leverage`` of the notional's tier (of the ``size``'s tier on OKX,
        whose tiers count contracts; ``size`` is then required). Deribit:
        ``imr_base + imr_per_unit x size``. dYdX v4: the market's base initial margin fraction
        :math:`\\mathrm{IMF}_0` (``imr_base``), scaled with the market's open notional
        :math:`O` (open interest x oracle price, quote currency) as the chain does:

        .. math:: \\mathrm{IMF} = \\begin{cases} \\mathrm{IMF}_0 & U = 0 \\text{ or } O \\le L
                  \\\\ 1 & O \\ge U \\\\ \\mathrm{IMF}_0 + (1 - \\mathrm{IMF}_0)(O - L)/(U - L)
                  & \\text{otherwise} \\end{cases}

        with the liquidity tier's caps :math:`L \\le U` (quote currency; the snapshot's
        ``oi_lower_cap``/``oi_upper_cap`` unless given). An upper cap of 0 switches the scaling
        off (dYdX's Large-Cap tier). The maintenance fraction never scales (see
        :mod:`riskkit.venues.dydx`).

        Raises
        ------
        ValueError
            ``open_interest`` given on a dYdX snapshot without caps (NaN) and none passed, or
            caps with lower > upper, or a negative open interest.

        Examples
        --------
        >>> from riskkit import venues
        >>> d = venues.get("dydx")
        >>> d.initial_margin_rate("BTC-USD", 1e6)  # Large-Cap: base IMF 2%, no OI scaling
        0.02
        >>> round(d.initial_margin_rate("BTC-USD", 1e6, open_interest=35e6,
        ...                             oi_lower_cap=20e6, oi_upper_cap=50e6), 12)
        0.51
        """
        notional, size, open_interest = align_series(
            notional, size, open_interest, names=("notional", "size", "open_interest")
        )[0]
        market = self.market(symbol)
        snap = market.snapshot(as_of, self.name)
        v = as_float_array(notional, "notional")
        if self.maintenance_rule == "size_linear":
            if size is None:
                raise ValueError(f"size is required on {self.name}: the rate depends on size")
            q = as_float_array(size, "size")
            return wrap_like(snap.imr_base + snap.imr_per_unit * q, notional, name="imr")
        if self.maintenance_rule == "fraction":
            imf = np.asarray(snap.imr_base, dtype=np.float64)
            if open_interest is not None:
                lo = snap.oi_lower_cap if oi_lower_cap is None else float(oi_lower_cap)
                hi = snap.oi_upper_cap if oi_upper_cap is None else float(oi_upper_cap)
                if not (math.isfinite(lo) and math.isfinite(hi)) or not 0.0 <= lo <= hi:
                    raise ValueError(
                        "oi_lower_cap and oi_upper_cap must be finite with 0 <= lower <= upper to "
                        "scale the IMF by open interest (pass them where the snapshot has none; "
                        f"upper 0 switches the scaling off); got {lo}, {hi}"
                    )
                oi = as_float_array(open_interest, "open_interest")
                if np.any(oi < 0):
                    raise ValueError(f"open_interest must be >= 0; got {np.asarray(oi).tolist()}")
                if hi > 0.0:
                    frac = np.clip((oi - lo) / (hi - lo) if hi > lo else 1.0, 0.0, 1.0)
                    scaled = np.where(oi >= hi, 1.0, imf + (1.0 - imf) * frac)
                    imf = np.where(oi <= lo, imf, scaled)
            out = np.broadcast_to(imf, np.broadcast_shapes(np.shape(v), np.shape(imf))).copy()
            return wrap_like(out, notional, name="imr")
        if snap.tiers.tier_basis == "size":  # OKX: the tier is that of the position size
            if size is None:
                raise ValueError(
                    f"size is required on {self.name} {market.symbol}: its tiers are counted "
                    "by position size (contracts), not notional; got size=None"
                )
            lev = snap.tiers.max_leverage_for(as_float_array(size, "size"))
        else:
            lev = snap.tiers.max_leverage_for(v)
        return wrap_like(1.0 / np.asarray(lev), notional, name="imr")

    # -- presentation --------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per (market, snapshot): effective date, tiers, verification, source."""
        rows = []
        for m in self.markets:
            for sn in m.snapshots or (None,):
                rows.append(
                    {
                        "symbol": m.symbol,
                        "ccxt_symbol": m.ccxt_symbol,
                        "contract": m.contract,
                        "settle": m.settle,
                        "effective": None if sn is None else sn.effective,
                        "n_tiers": 0 if sn is None else sn.tiers.n_tiers,
                        "base_rate": np.nan if sn is None else sn.tiers.maintenance_margin_rate[0],
                        "verified": False if sn is None else sn.verified,
                        "source_url": "" if sn is None else sn.source_url,
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> pd.DataFrame:
        """The rules as a one-column frame."""
        keys = (
            "name",
            "description",
            "maintenance_rule",
            "maintenance_basis",
            "fee_isolated",
            "fee_cross",
            "taker_fee_rate",
            "trigger_price",
            "tick_rounding",
            "partial_liquidation",
        )
        return pd.DataFrame({"value": [getattr(self, k) for k in keys]}, index=pd.Index(keys))

    def _repr_html_(self) -> str:
        return self.summary().to_html() + self.to_frame().to_html()


def venue_from_mapping(
    spec: Mapping[str, Any], markets: tuple[Market, ...]
) -> Venue:  # used by the registry
    """Build a :class:`Venue` from a ``[[venue]]`` TOML table and its markets."""
    return Venue(
        name=str(spec["name"]),
        family=str(spec["family"]),
        description=str(spec["description"]),
        maintenance_rule=str(spec["maintenance_rule"]),
        maintenance_basis=str(spec["maintenance_basis"]),
        fee_isolated=str(spec["fee_isolated"]),
        fee_cross=str(spec["fee_cross"]),
        trigger_price=str(spec["trigger_price"]),
        tick_rounding=str(spec["tick_rounding"]),
        markets=markets,
        taker_fee_rate=None if "taker_fee_rate" not in spec else float(spec["taker_fee_rate"]),
        partial_liquidation=str(spec.get("partial_liquidation", "")),
        sources=tuple(spec.get("sources", ())),
        notes=str(spec.get("notes", "")),
    )
