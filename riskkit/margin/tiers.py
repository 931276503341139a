"""Maintenance-margin tier tables: :class:`MarginTiers` and the dated snapshots it loads.

:func:`load_tiers` reads the snapshots shipped in ``riskkit/tiers/`` (located with
:mod:`importlib.resources`, so the package layout does not matter), :func:`available_tiers`
lists them and :func:`compare_tiers` sets their conventions side by side.
"""

from __future__ import annotations

import logging
import tomllib
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import check_mapping
from riskkit._typing import ArrayLike, FloatArray
from riskkit._validation import as_float_array, check_option, check_positive, check_range, wrap_like
from riskkit.exceptions import TierMismatchWarning
from riskkit.margin.contracts import _check_ladder, _contract, maintenance_amounts

__all__ = [
    "MarginTiers",
    "available_tiers",
    "compare_tiers",
    "load_tiers",
]

# the logger keeps the name of the module these functions came from
logger = logging.getLogger("riskkit.margin")

_BASES = ("liquidation", "entry", "size")
_MM_BASES = ("mark", "entry")


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
    tier_basis : {"liquidation", "entry", "size"}
        "liquidation": the tier is the one consistent with the notional at the liquidation price
        (Binance re-check rule, Hyperliquid, Gate). "entry": the tier is fixed by the notional at
        entry (Bybit classic risk limit). "size": the tier is chosen by the position size, not
        its value (OKX position tiers, counted in contracts); the bounds are then in riskkit's
        ``size`` units (base quantity for linear, USD face value for inverse, i.e. contracts x
        ``contract_size``) and a tier includes its cap, ``floor < size <= cap``, as OKX's
        "Max. amount (Cont)" does. The tier of a size does not change with the price.
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
    def from_ccxt(
        cls,
        tiers: Sequence[Mapping[str, Any]],
        *,
        venue: str = "",
        symbol: str = "",
        contract: str = "linear",
        settlement_currency: str = "",
        contract_size: float = 1.0,
        source_url: str = "",
        vintage: str = "",
        size_unit: str = "notional",
    ) -> MarginTiers:
        """Build a table from ccxt leverage tiers of one market.

        Parameters
        ----------
        tiers : list of dicts
            ccxt ``fetchLeverageTiers()[symbol]`` or ``fetchMarketLeverageTiers(symbol)``: each
            tier with ``minNotional``, ``maxNotional`` (notional currency: quote for linear,
            coin for inverse; OKX: contracts, as ccxt reports them), ``maintenanceMarginRate``
            (fraction), ``maxLeverage`` and ``info`` (the venue's raw tier).
        venue, symbol, contract, settlement_currency, contract_size, source_url, vintage
            Metadata stored on the table (see the class docstring).
        size_unit : {"notional", "contracts"}, default "notional"
            Unit of ``minNotional``/``maxNotional``. "contracts" (OKX, whose ccxt tiers carry
            the position-tiers ``minSz``/``maxSz`` in contracts): the bounds are multiplied by
            ``contract_size`` into riskkit ``size`` units, the table gets
            ``tier_basis = "size"`` and no maintenance amount (OKX charges the tier's rate on
            the whole position value).

        Returns
        -------
        MarginTiers
            With ``notes = "from ccxt leverage tiers"``.

        Raises
        ------
        TypeError
            If ``tiers`` holds something other than dicts.
        ValueError
            Empty input, a tier missing one of the four keys, or a ladder the class rejects
            (decreasing rates, negative amounts).

        See Also
        --------
        riskkit.venues.tiers_from_ccxt : the same constructor, beside the other ccxt adapters.

        Notes
        -----
        Tiers are sorted by ``minNotional``; each floor is the previous tier's
        ``maxNotional``, so OKX-style integer gaps (0-2000, 2001-4000) become contiguous. The
        maintenance amount :math:`A_n` is the venue's where ``info`` carries one in every tier
        (Binance ``cum``, Bybit v5 ``mmDeduction``); otherwise it follows the cum recursion
        :math:`A_n = A_{n-1} + F_n (m_n - m_{n-1})` (:func:`maintenance_amounts`), which makes
        maintenance margin continuous in notional.

        References
        ----------
        ccxt Manual, "Leverage Tiers Structure", https://docs.ccxt.com ;
        Bybit API v5, "Get Risk Limit" (``mmDeduction``),
        https://bybit-exchange.github.io/docs/v5/market/risk-limit

        Examples
        --------
        >>> t = MarginTiers.from_ccxt([
        ...     {"minNotional": 0, "maxNotional": 50000, "maintenanceMarginRate": 0.004,
        ...      "maxLeverage": 125, "info": {"cum": "0.0"}},
        ...     {"minNotional": 50000, "maxNotional": 250000, "maintenanceMarginRate": 0.005,
        ...      "maxLeverage": 100, "info": {"cum": "50.0"}}])
        >>> t.lookup(100_000.0)
        (0.005, 50.0)
        """
        if not isinstance(tiers, Sequence) or isinstance(tiers, str) or not tiers:
            raise ValueError(f"tiers must be a non-empty list of dicts; got {tiers!r}")
        need = ("minNotional", "maxNotional", "maintenanceMarginRate", "maxLeverage")
        for i, t in enumerate(tiers):
            if not isinstance(t, Mapping):
                raise TypeError(
                    f"tiers[{i}] must be a dict (one ccxt leverage tier); got "
                    f"{type(t).__name__} {t!r}"
                )
            missing = [k for k in need if t.get(k) is None]
            if missing:
                raise ValueError(f"tiers[{i}] is missing {missing}; got keys {sorted(t)}")
        check_option(size_unit, "size_unit", ("notional", "contracts"))
        rows = sorted(tiers, key=lambda t: float(t["minNotional"]))
        cap = np.array([float(t["maxNotional"]) for t in rows])
        floor = np.concatenate([[0.0], cap[:-1]])
        rate = np.array([float(t["maintenanceMarginRate"]) for t in rows])
        lev = np.array([float(t["maxLeverage"]) for t in rows])
        if size_unit == "contracts":
            cs = float(
                check_positive(as_float_array(contract_size, "contract_size"), "contract_size")
            )
            return cls(
                floor * cs,
                cap * cs,
                rate,
                np.zeros_like(rate),
                lev,
                venue=venue,
                symbol=symbol,
                contract=contract,
                settlement_currency=settlement_currency,
                contract_size=cs,
                tier_basis="size",
                source_url=source_url,
                vintage=vintage,
                notes="from ccxt leverage tiers (position size in contracts)",
            )
        amount = maintenance_amounts(floor, rate)
        for key in ("cum", "mmDeduction"):  # Binance, Bybit v5
            sent = [(t.get("info") or {}).get(key) for t in rows]
            if all(c is not None and str(c).strip() != "" for c in sent):
                amount = np.array([float(c) for c in sent])  # type: ignore[arg-type]
                break
        return cls(
            floor,
            cap,
            rate,
            amount,
            lev,
            venue=venue,
            symbol=symbol,
            contract=contract,
            settlement_currency=settlement_currency,
            contract_size=contract_size,
            source_url=source_url,
            vintage=vintage,
            notes="from ccxt leverage tiers",
        )

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

        On a ``tier_basis == "size"`` table the argument is the position size (riskkit
        ``size`` units) and a tier includes its cap (``floor < size <= cap``). Values above the
        last cap (at or above it on notional tables) get the last tier and a
        :class:`~riskkit.exceptions.TierMismatchWarning`.
        """
        v = check_positive(as_float_array(notional, "notional"), "notional", strict=False)
        if self.tier_basis == "size":
            idx = np.maximum(np.searchsorted(self.notional_floor, v, side="left") - 1, 0)
            over = v > self.notional_cap[-1]
        else:
            idx = np.searchsorted(self.notional_floor, v, side="right") - 1
            over = v >= self.notional_cap[-1]
        if np.any(over):
            warnings.warn(
                f"{'size' if self.tier_basis == 'size' else 'notional'} "
                f"{float(np.max(v[over])):g} is "
                f"{'above' if self.tier_basis == 'size' else 'at or above'} the last tier cap "
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
    check_mapping(tables, "tables", "MarginTiers")
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
