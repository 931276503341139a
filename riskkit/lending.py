"""Aave-style over-collateralised lending: health factor, liquidation price, close factor, bonus.

A borrower supplies collateral and borrows against it. Each collateral asset has a liquidation
threshold (LT, a fraction); the position becomes liquidatable when the health factor falls below
1. A liquidator then repays part of the debt (at most the close factor) and receives collateral
worth the repaid debt times (1 + liquidation bonus).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from riskkit._errors import scalar_array
from riskkit._typing import ArrayLike
from riskkit._validation import (
    align_series,
    as_float_array,
    check_option,
    check_positive,
    check_range,
    wrap_like,
)

__all__ = [
    "AaveLiquidation",
    "aave_liquidation",
    "close_factor",
    "daily_debt_repaid",
    "health_factor",
    "lending_liquidation_price",
    "liquidations_by_collateral",
    "realised_bonus",
]

#: Aave v3 ``CLOSE_FACTOR_HF_THRESHOLD`` (0.95e18 in WAD).
CLOSE_FACTOR_HF_THRESHOLD = 0.95
#: Aave v3.3 ``MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD`` (2,000 USD in base currency).
MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD = 2_000.0
_VERSIONS = ("v2", "v3", "v3.3")


def _lt(x: ArrayLike) -> Any:
    return check_range(
        as_float_array(x, "liquidation_threshold"),
        "liquidation_threshold",
        0.0,
        1.0,
        low_inclusive=False,
    )


def health_factor(
    collateral_value: ArrayLike, debt_value: ArrayLike, liquidation_threshold: ArrayLike
) -> Any:
    """Aave health factor ``collateral value x LT / debt``; liquidatable below 1.

    Parameters
    ----------
    collateral_value : float, array or Series
        Collateral value in the base currency (USD), >= 0. For several collateral assets pass
        ``sum(value_i x LT_i)`` with ``liquidation_threshold=1``.
    debt_value : float, array or Series
        Total debt in the same currency, >= 0.
    liquidation_threshold : float, array or Series
        Fraction in (0, 1] (Aave stores basis points: 8000 -> 0.80).

    Returns
    -------
    float, ndarray or Series
        Dimensionless; ``inf`` when the debt is 0 (Aave returns ``type(uint256).max``).

    Raises
    ------
    ValueError
        For negative values or a threshold outside (0, 1].

    See Also
    --------
    lending_liquidation_price, close_factor

    Notes
    -----
    .. math:: HF = \\frac{\\sum_i C_i \\, LT_i}{D}

    with :math:`C_i` the collateral values, :math:`LT_i` their thresholds and :math:`D` the debt.

    References
    ----------
    Aave, "Liquidations" (help centre), https://aave.com/help/borrowing/liquidations

    Examples
    --------
    >>> round(health_factor(10_000.0, 6_000.0, 0.80), 3)  # aave.com: 10,000 ETH vs 6,000 GHO
    1.333
    """
    (collateral_value, debt_value, liquidation_threshold), _ = align_series(
        collateral_value,
        debt_value,
        liquidation_threshold,
        names=("collateral_value", "debt_value", "liquidation_threshold"),
    )
    c = check_positive(
        as_float_array(collateral_value, "collateral_value"), "collateral_value", strict=False
    )
    d = check_positive(as_float_array(debt_value, "debt_value"), "debt_value", strict=False)
    lt = _lt(liquidation_threshold)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(d > 0, c * lt / np.where(d > 0, d, 1.0), np.inf)
    return wrap_like(out, collateral_value, debt_value, liquidation_threshold, name="health_factor")


def lending_liquidation_price(
    collateral_amount: ArrayLike,
    debt_value: ArrayLike,
    liquidation_threshold: ArrayLike,
    other_weighted_collateral: ArrayLike = 0.0,
) -> Any:
    """Collateral price at which the health factor reaches 1 (debt price held fixed).

    Parameters
    ----------
    collateral_amount : float, array or Series
        Units of the collateral asset (e.g. ETH), > 0.
    debt_value : float, array or Series
        Debt in the base currency (USD), >= 0; a stablecoin debt is held at par.
    liquidation_threshold : float, array or Series
        The collateral's LT, fraction in (0, 1].
    other_weighted_collateral : float, array or Series, default 0
        Sum of value x LT of the other collateral assets, base currency, >= 0.

    Returns
    -------
    float, ndarray or Series
        Price per collateral unit in the base currency; ``0.0`` when the other collateral alone
        keeps HF >= 1 (never liquidatable by this asset's price).

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    health_factor

    Notes
    -----
    .. math:: P^* = \\frac{D - W}{a \\, LT}

    with :math:`a` the collateral amount and :math:`W` the other weighted collateral.

    References
    ----------
    Aave, "Liquidations", https://aave.com/help/borrowing/liquidations

    Examples
    --------
    >>> lending_liquidation_price(1.0, 2_250.0, 0.80)
    2812.5
    """
    (collateral_amount, debt_value, liquidation_threshold, other_weighted_collateral), _ = (
        align_series(
            collateral_amount,
            debt_value,
            liquidation_threshold,
            other_weighted_collateral,
            names=(
                "collateral_amount",
                "debt_value",
                "liquidation_threshold",
                "other_weighted_collateral",
            ),
        )
    )
    a = check_positive(as_float_array(collateral_amount, "collateral_amount"), "collateral_amount")
    d = check_positive(as_float_array(debt_value, "debt_value"), "debt_value", strict=False)
    lt = _lt(liquidation_threshold)
    w = check_positive(
        as_float_array(other_weighted_collateral, "other_weighted_collateral"),
        "other_weighted_collateral",
        strict=False,
    )
    out = np.maximum((d - w) / (a * lt), 0.0)
    return wrap_like(
        out, collateral_amount, debt_value, liquidation_threshold, name="liquidation_price"
    )


def close_factor(
    health_factor: ArrayLike,
    version: str = "v3",
    *,
    collateral_value: ArrayLike | None = None,
    debt_value: ArrayLike | None = None,
) -> Any:
    """Maximum fraction of the debt one liquidation may repay (Aave v2, v3, v3.3).

    Parameters
    ----------
    health_factor : float, array or Series
        The borrower's health factor, >= 0.
    version : {"v2", "v3", "v3.3"}, default "v3"
        Protocol version.
    collateral_value, debt_value : float, array or Series, optional
        Base-currency values; required for ``"v3.3"`` (small positions get a 100% close factor).

    Returns
    -------
    float, ndarray or Series
        0 when HF >= 1 (not liquidatable); otherwise 0.5 or 1.0.

    Raises
    ------
    ValueError
        For an unknown ``version``, a negative HF, or missing values for v3.3.

    See Also
    --------
    aave_liquidation

    Notes
    -----
    v2: 50% whenever HF < 1. v3: 50% if HF > 0.95, else 100% (``CLOSE_FACTOR_HF_THRESHOLD``,
    strict comparison in ``LiquidationLogic.sol``). v3.3: also 100% when the collateral or the
    debt is worth less than 2,000 USD (``MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD``).

    References
    ----------
    Aave v3 core, ``contracts/protocol/libraries/logic/LiquidationLogic.sol``,
    https://github.com/aave/aave-v3-core ;
    Aave v3.3 features (``docs/3.3/Aave-v3.3-features.md``),
    https://github.com/aave-dao/aave-v3-origin

    Examples
    --------
    >>> close_factor([1.2, 0.97, 0.95], "v3").tolist()
    [0.0, 0.5, 1.0]
    """
    v = check_option(version, "version", _VERSIONS)
    hf = check_positive(
        as_float_array(health_factor, "health_factor"), "health_factor", strict=False
    )
    if v == "v2":
        out = np.where(hf < 1.0, 0.5, 0.0)
    else:
        full = hf <= CLOSE_FACTOR_HF_THRESHOLD
        if v == "v3.3":
            if collateral_value is None or debt_value is None:
                raise ValueError(
                    "collateral_value and debt_value are required for version 'v3.3'; got None"
                )
            c = as_float_array(collateral_value, "collateral_value")
            d = as_float_array(debt_value, "debt_value")
            full = (
                full
                | (c < MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD)
                | (d < MIN_BASE_MAX_CLOSE_FACTOR_THRESHOLD)
            )
        out = np.where(hf < 1.0, np.where(full, 1.0, 0.5), 0.0)
    return wrap_like(out, health_factor, name="close_factor")


@dataclass(frozen=True, slots=True)
class AaveLiquidation:
    """Outcome of the largest allowed liquidation call on one collateral/debt pair.

    Attributes
    ----------
    debt_repaid : float
        Debt repaid by the liquidator, base currency.
    collateral_seized : float
        Collateral value taken from the borrower, base currency (includes the bonus).
    liquidator_bonus : float
        Value the liquidator earns over the repaid debt, after the protocol fee.
    protocol_fee : float
        Share of the bonus sent to the treasury (v3 liquidation protocol fee).
    close_factor : float
        The close factor applied.
    collateral_capped : bool
        True when the collateral was insufficient and all of it was seized.
    """

    debt_repaid: float
    collateral_seized: float
    liquidator_bonus: float
    protocol_fee: float
    close_factor: float
    collateral_capped: bool

    def summary(self) -> pd.DataFrame:
        """Fields as a one-column frame."""
        return pd.DataFrame(
            {"value": [getattr(self, f) for f in _AAVE_FIELDS]},
            index=pd.Index(list(_AAVE_FIELDS)),
        )

    def to_frame(self) -> pd.DataFrame:
        """Fields as a one-row frame (one column per field)."""
        return pd.DataFrame({f: [getattr(self, f)] for f in _AAVE_FIELDS})

    def _repr_html_(self) -> str:
        return self.summary().to_html()


_AAVE_FIELDS = (
    "debt_repaid",
    "collateral_seized",
    "liquidator_bonus",
    "protocol_fee",
    "close_factor",
    "collateral_capped",
)


def aave_liquidation(
    collateral_value: float,
    debt_value: float,
    liquidation_threshold: float,
    liquidation_bonus: float,
    *,
    version: str = "v3",
    protocol_fee: float = 0.0,
) -> AaveLiquidation:
    """The maximum liquidation of a single-collateral Aave position, with bonus and fee.

    Parameters
    ----------
    collateral_value, debt_value : float
        Base-currency values (USD), >= 0.
    liquidation_threshold : float
        Fraction in (0, 1].
    liquidation_bonus : float
        Bonus fraction, e.g. 0.05 (Aave stores 10500 = 105%), in [0, 1).
    version : {"v2", "v3", "v3.3"}
        Close-factor rules.
    protocol_fee : float, default 0
        v3 liquidation protocol fee: fraction of the bonus sent to the treasury, in [0, 1].

    Returns
    -------
    AaveLiquidation

    Raises
    ------
    ValueError
        For out-of-range inputs.

    See Also
    --------
    close_factor, health_factor

    Notes
    -----
    With close factor :math:`c`, debt :math:`D`, collateral :math:`C` and bonus :math:`b`:

    .. math::
        R = cD,\\quad S = R(1 + b); \\quad \\text{if } S > C:\\ S = C,\\ R = C/(1 + b)

    The bonus part :math:`S - R` is split: a fraction ``protocol_fee`` to the treasury, the rest
    to the liquidator. v3.3's leftover rule (no dust below 1,000 USD) is not applied here.

    References
    ----------
    Aave v3 core, ``LiquidationLogic.sol`` (``_calculateAvailableCollateralToLiquidate``),
    https://github.com/aave/aave-v3-core

    Examples
    --------
    >>> r = aave_liquidation(10_000.0, 8_500.0, 0.80, 0.05, version="v2")
    >>> r.debt_repaid, r.collateral_seized
    (4250.0, 4462.5)
    """
    c = float(
        check_positive(
            scalar_array(collateral_value, "collateral_value"), "collateral_value", strict=False
        )
    )
    d = float(check_positive(scalar_array(debt_value, "debt_value"), "debt_value", strict=False))
    scalar_array(liquidation_threshold, "liquidation_threshold")
    b = float(
        check_range(
            scalar_array(liquidation_bonus, "liquidation_bonus"),
            "liquidation_bonus",
            0.0,
            1.0,
            high_inclusive=False,
        )
    )
    fee = float(check_range(scalar_array(protocol_fee, "protocol_fee"), "protocol_fee", 0.0, 1.0))
    hf = float(health_factor(c, d, liquidation_threshold))
    cf = float(close_factor(hf, version, collateral_value=c, debt_value=d))
    repaid = cf * d
    seized = repaid * (1.0 + b)
    capped = seized > c
    if capped:
        seized = c
        repaid = c / (1.0 + b)
    bonus = seized - repaid
    return AaveLiquidation(
        debt_repaid=repaid,
        collateral_seized=seized,
        liquidator_bonus=bonus * (1.0 - fee),
        protocol_fee=bonus * fee,
        close_factor=cf,
        collateral_capped=bool(capped),
    )


# --------------------------------------------------------------------------------------------
# liquidation events (one row per liquidationCall, e.g. riskkit.data.load_aave_v2_liquidations)
# --------------------------------------------------------------------------------------------
def _events(events: Any, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"events must be a DataFrame; got {type(events).__name__}")
    missing = [c for c in columns if c not in events.columns]
    if missing:
        raise ValueError(f"events must have the columns {list(columns)}; missing {missing}")
    return events


def realised_bonus(
    events: pd.DataFrame,
    *,
    by: str = "collateral_symbol",
    periods: Mapping[str, tuple[str | None, str | None]] | None = None,
) -> pd.DataFrame:
    """Median liquidation bonus actually paid per collateral asset, from liquidation events.

    Parameters
    ----------
    events : DataFrame
        One row per liquidation call with a time-ordered ``DatetimeIndex`` and the columns
        ``collateral_usd`` (collateral seized, USD), ``principal_usd`` (debt repaid, USD) and
        ``by``. Rows missing either USD value are dropped.
    by : str, default "collateral_symbol"
        Column to group by.
    periods : mapping of str to (start, end), optional
        Extra columns ``median <label>`` over the calls with ``start <= time < end``; ``None``
        leaves that end open. Dates as strings or Timestamps.

    Returns
    -------
    DataFrame
        Indexed by ``by`` (sorted): ``calls_priced`` (calls with both USD values), ``median``
        (median realised bonus, fraction) and one ``median <label>`` column per period (NaN
        where the period has no priced call of that asset).

    Raises
    ------
    TypeError
        If ``events`` is not a DataFrame.
    ValueError
        If a required column is missing.

    See Also
    --------
    aave_liquidation

    Notes
    -----
    The realised bonus of a call is

    .. math:: b = \\frac{C_{\\text{seized}}}{D_{\\text{repaid}}} - 1,

    with :math:`C_{\\text{seized}}` the USD value of the collateral seized and
    :math:`D_{\\text{repaid}}` that of the debt repaid. It equals the configured liquidation
    bonus when the joined prices are the protocol's oracle prices; medians are robust to the
    rare price-join errors.

    Examples
    --------
    >>> ev = pd.DataFrame(
    ...     {"collateral_symbol": ["WETH", "WETH", "LINK"],
    ...      "collateral_usd": [105.0, 210.0, 110.0], "principal_usd": [100.0, 200.0, 100.0]},
    ...     index=pd.to_datetime(["2021-01-01", "2022-01-01", "2022-02-01"]))
    >>> out = realised_bonus(ev, periods={"2022": ("2022-01-01", None)})
    >>> out.round(3).to_dict("list")
    {'calls_priced': [1, 2], 'median': [0.1, 0.05], 'median 2022': [0.1, 0.05]}
    """
    ev = _events(events, ("collateral_usd", "principal_usd", by))
    both = ev.dropna(subset=["collateral_usd", "principal_usd"])
    ratio = both["collateral_usd"] / both["principal_usd"] - 1.0
    groups = ratio.groupby(both[by])
    out = pd.DataFrame({"calls_priced": groups.size(), "median": groups.median()})
    for label, (start, end) in (periods or {}).items():
        keep = np.ones(len(both), dtype=bool)
        if start is not None:
            keep &= both.index >= start
        if end is not None:
            keep &= both.index < end
        out[f"median {label}"] = ratio[keep].groupby(both.loc[keep, by]).median()
    return out


def liquidations_by_collateral(
    events: pd.DataFrame, *, top: int = 7, by: str = "collateral_symbol"
) -> pd.DataFrame:
    """Number of liquidation calls and debt repaid per collateral asset, the rest pooled.

    Parameters
    ----------
    events : DataFrame
        One row per liquidation call with the columns ``principal_usd`` (debt repaid, USD; may
        be missing) and ``by``.
    top : int, default 7
        Assets with the most calls kept as rows, >= 1; the others are summed into one row
        labelled ``"<n> others"`` (absent when there are no others).
    by : str, default "collateral_symbol"
        Column to group by.

    Returns
    -------
    DataFrame
        ``calls`` (all calls, priced or not), ``debt_repaid_usd`` (sum of the known
        ``principal_usd``, USD) and ``share_of_calls`` (fraction), in decreasing order of calls.

    Raises
    ------
    TypeError
        If ``events`` is not a DataFrame.
    ValueError
        If a required column is missing or ``top`` < 1.

    Examples
    --------
    >>> ev = pd.DataFrame({"collateral_symbol": ["WETH", "WETH", "LINK", "YFI"],
    ...                    "principal_usd": [100.0, 300.0, 50.0, None]})
    >>> liquidations_by_collateral(ev, top=1).to_dict("list")
    {'calls': [2, 2], 'debt_repaid_usd': [400.0, 50.0], 'share_of_calls': [0.5, 0.5]}
    """
    ev = _events(events, ("principal_usd", by))
    if int(top) < 1:
        raise ValueError(f"top must be >= 1; got {top!r}")
    agg = ev.groupby(by).agg(
        calls=("principal_usd", "size"), debt_repaid_usd=("principal_usd", "sum")
    )
    agg = agg.sort_values("calls", ascending=False)
    rest = agg.iloc[int(top) :]
    out = agg.head(int(top))
    if len(rest):
        out = pd.concat([out, rest.sum().rename(f"{len(rest)} others").to_frame().T])
    out["calls"] = out["calls"].astype(np.int64)
    out["share_of_calls"] = out["calls"] / out["calls"].sum()
    return out


def daily_debt_repaid(
    events: pd.DataFrame, assets: Sequence[str], *, by: str = "collateral_symbol"
) -> pd.DataFrame:
    """Debt repaid by liquidation calls per UTC day, one column per asset and one for the rest.

    Parameters
    ----------
    events : DataFrame
        One row per liquidation call with a ``DatetimeIndex`` and the columns ``principal_usd``
        (debt repaid, USD) and ``by``.
    assets : sequence of str
        Values of ``by`` that get their own column; all others go to the column ``"other"``.
    by : str, default "collateral_symbol"
        Column that names the asset.

    Returns
    -------
    DataFrame
        USD per day, indexed by every calendar day from the first to the last event (days
        without calls are 0), columns ``[*assets, "other"]``.

    Raises
    ------
    TypeError
        If ``events`` is not a DataFrame with a DatetimeIndex.
    ValueError
        If a required column is missing or ``assets`` is empty.

    Examples
    --------
    >>> ev = pd.DataFrame({"collateral_symbol": ["WETH", "LINK", "WETH"],
    ...                    "principal_usd": [100.0, 50.0, 25.0]},
    ...                   index=pd.to_datetime(["2021-05-19 10:00", "2021-05-19 11:00",
    ...                                         "2021-05-21 09:00"]))
    >>> daily_debt_repaid(ev, ["WETH"]).to_dict("list")
    {'WETH': [100.0, 0.0, 25.0], 'other': [50.0, 0.0, 0.0]}
    """
    ev = _events(events, ("principal_usd", by))
    if not isinstance(ev.index, pd.DatetimeIndex):
        raise TypeError(f"events must have a DatetimeIndex; got {type(ev.index).__name__}")
    keep = list(assets)
    if not keep:
        raise ValueError("assets must name at least one asset; got an empty sequence")
    group = ev[by].where(ev[by].isin(keep), "other")
    daily = ev["principal_usd"].groupby([ev.index.floor("D"), group]).sum().unstack()
    daily = daily.reindex(columns=[*keep, "other"]).fillna(0.0)
    return daily.asfreq("D", fill_value=0.0)
