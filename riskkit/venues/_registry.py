"""Load the venue profiles from ``riskkit/venues/data/*.toml`` (once, cached)."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import numpy as np

from riskkit.margin import MarginTiers, available_tiers, load_tiers, maintenance_amounts
from riskkit.venues._base import Market, Snapshot, Venue, parse_as_of, venue_from_mapping

__all__ = ["available", "get"]

logger = logging.getLogger(__name__)

_FAMILIES = (
    "binance",
    "bybit",
    "okx",
    "bitmex",
    "deribit",
    "hyperliquid",
    "dydx",
    "gate",
    "bitget",
    "kraken",
    "gmx",
)


def _tiers_from_rows(
    rows: list[list[float]], rule: str, market: Mapping[str, Any], snap: Mapping[str, Any]
) -> MarginTiers:
    arr = [list(map(float, r)) for r in rows]
    floor = np.array([r[0] for r in arr])
    cap = np.array([r[1] for r in arr])
    lev = np.array([r[2] for r in arr])
    if rule == "half_max_leverage":
        if any(len(r) != 3 for r in arr):
            raise ValueError(f"{market['symbol']}: hyperliquid rows are [floor, cap, max_leverage]")
        rate = 0.5 / lev
    else:
        rate = np.array([r[3] for r in arr])
    unit = str(snap.get("size_unit", "notional"))
    if unit not in ("notional", "contracts"):
        raise ValueError(
            f"{market['symbol']}: snapshot size_unit must be 'notional' or 'contracts'; "
            f"got {unit!r}"
        )
    basis = str(snap.get("tier_basis", "liquidation"))
    if unit == "contracts":
        # OKX position tiers: bounds in contracts -> riskkit size units (base quantity for
        # linear, USD face value for inverse); the tier follows the size, whatever the price,
        # and the tier's rate applies to the whole position value (no deduction)
        scale = float(market["contract_size"])
        floor, cap, basis = floor * scale, cap * scale, "size"
        if not all(len(r) == 5 for r in arr):
            arr = [[*r[:4], 0.0] for r in arr]
    amount = (
        np.array([r[4] for r in arr])
        if all(len(r) == 5 for r in arr)
        else maintenance_amounts(floor, rate)
    )
    return MarginTiers(
        floor,
        cap,
        rate,
        amount,
        lev,
        venue=str(snap["venue"]),
        symbol=str(market["symbol"]),
        contract=str(market["contract"]),
        settlement_currency=str(market["settle"]),
        contract_size=float(market["contract_size"]),
        tier_basis=basis,
        source_url=str(snap.get("source_url", "")),
        vintage=str(snap["effective"]),
        retrieved=str(snap.get("retrieved", "")),
        notes=str(snap.get("how_verified", "")),
    )


def _snapshot(spec: Mapping[str, Any], market: Mapping[str, Any], rule: str) -> Snapshot:
    if "tiers" in spec:
        name = str(spec["tiers"])
        if name not in available_tiers():
            raise ValueError(f"snapshot tiers must name one of {available_tiers()}; got {name!r}")
        tiers = load_tiers(name)
    else:
        tiers = _tiers_from_rows(spec["rows"], rule, market, spec)
    nan = float("nan")
    return Snapshot(
        effective=parse_as_of(str(spec["effective"])),  # type: ignore[arg-type]
        tiers=tiers,
        verified=bool(spec["verified"]),
        source_url=str(spec.get("source_url", "")),
        retrieved=str(spec.get("retrieved", "")),
        how_verified=str(spec.get("how_verified", "")),
        mmr_per_unit=float(spec.get("mmr_per_unit", 0.0)),
        imr_base=float(spec.get("imr_base", nan)),
        imr_per_unit=float(spec.get("imr_per_unit", 0.0)),
        oi_lower_cap=float(spec.get("oi_lower_cap", nan)),
        oi_upper_cap=float(spec.get("oi_upper_cap", nan)),
    )


def _load_family(family: str) -> list[Venue]:
    root = resources.files("riskkit.venues").joinpath("data")
    raw = tomllib.loads(root.joinpath(f"{family}.toml").read_text(encoding="utf-8"))
    out = []
    for vspec in raw.get("venue", []):
        name = vspec["name"]
        markets = []
        for mspec in (m for m in raw.get("market", []) if m["venue"] == name):
            snaps = [
                _snapshot(s, mspec, vspec["maintenance_rule"])
                for s in raw.get("snapshot", [])
                if s["venue"] == name and s["symbol"] == mspec["symbol"]
            ]
            snaps.sort(key=lambda s: s.effective)
            markets.append(
                Market(
                    symbol=str(mspec["symbol"]),
                    ccxt_symbol=str(mspec.get("ccxt", "")),
                    contract=str(mspec["contract"]),
                    contract_size=float(mspec["contract_size"]),
                    settle=str(mspec["settle"]),
                    snapshots=tuple(snaps),
                    tick_size=float(mspec.get("tick_size", 0.0)),
                    fee_isolated=mspec.get("fee_isolated"),
                    fee_cross=mspec.get("fee_cross"),
                )
            )
        out.append(venue_from_mapping(vspec, tuple(markets)))
    return out


@functools.lru_cache(maxsize=1)
def _profiles() -> dict[str, Venue]:
    out: dict[str, Venue] = {}
    for fam in _FAMILIES:
        for v in _load_family(fam):
            out[v.name] = v
    logger.debug("loaded %d venue profiles", len(out))
    return out


def available() -> list[str]:
    """Names of the venue profiles shipped with riskkit (sorted).

    Examples
    --------
    >>> from riskkit import venues
    >>> venues.available()[:3]
    ['binance-coinm', 'binance-usdm', 'bitget']
    """
    return sorted(_profiles())


def get(name: str) -> Venue:
    """The frozen :class:`~riskkit.venues.Venue` profile called ``name``.

    Raises
    ------
    ValueError
        If ``name`` is not a profile (the message lists them).

    Examples
    --------
    >>> from riskkit import venues
    >>> venues.get("hyperliquid").maintenance_rule
    'half_max_leverage'
    """
    profiles = _profiles()
    if not isinstance(name, str):
        raise TypeError(f"name must be a str; got {type(name).__name__} {name!r}")
    if name not in profiles:
        raise ValueError(f"name must be one of {sorted(profiles)}; got {name!r}")
    return profiles[name]
