"""Tests for riskkit.lending (Aave health factor, liquidation price, close factor, bonus)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference.venue_examples import EXAMPLES

from riskkit.lending import (
    aave_liquidation,
    close_factor,
    daily_debt_repaid,
    health_factor,
    lending_liquidation_price,
    liquidations_by_collateral,
    realised_bonus,
)


def test_aave_health_factor_printed() -> None:
    # AAVE-HF (printed on aave.com): 10,000 x 0.80 / 6,000 = 1.333
    ex = EXAMPLES["AAVE-HF"]
    assert health_factor(10_000.0, 6_000.0, 0.80) == pytest.approx(ex["expected"], abs=5e-4)
    assert health_factor(1.0, 0.0, 0.8) == np.inf  # no debt


def test_aave_liquidation_price_third_party() -> None:
    # AAVE-LIQ-PRICE (third-party worked case): 2,250 / (1 x 0.80) = 2,812.50
    assert lending_liquidation_price(1.0, 2_250.0, 0.80) == pytest.approx(2_812.50)
    # other collateral covering the debt: never liquidated by this asset's price
    assert lending_liquidation_price(1.0, 2_250.0, 0.80, 3_000.0) == 0.0


def test_close_factor_rules_by_hand() -> None:
    # v2: 50% whenever HF < 1 (by hand from the v2 rule)
    assert close_factor([1.0, 0.99, 0.5], "v2").tolist() == [0.0, 0.5, 0.5]
    # v3: HF > 0.95 -> 50%, else 100% (strict comparison in LiquidationLogic.sol)
    assert close_factor([0.96, 0.95, 0.94], "v3").tolist() == [0.5, 1.0, 1.0]
    # v3.3: 100% also when collateral or debt is below 2,000 USD
    out = close_factor(
        [0.97, 0.97, 0.97], "v3.3", collateral_value=[5_000, 1_500, 5_000], debt_value=[4_000] * 3
    )
    assert out.tolist() == [0.5, 1.0, 0.5]
    s = close_factor(pd.Series([0.97], index=["x"]), "v3")
    assert s.index.tolist() == ["x"]


def test_aave_liquidation_amounts() -> None:
    # by hand: HF = 10,000 x 0.8 / 8,500 = 0.941 -> v3 close factor 100%; repay 8,500 and seize
    # 8,925 (5% bonus = 425); protocol fee 10% of the bonus = 42.5
    r = aave_liquidation(10_000.0, 8_500.0, 0.80, 0.05, version="v3", protocol_fee=0.10)
    assert r.close_factor == 1.0
    assert r.debt_repaid == pytest.approx(8_500.0)
    assert r.collateral_seized == pytest.approx(8_925.0)
    assert r.protocol_fee == pytest.approx(42.5)
    assert r.liquidator_bonus == pytest.approx(382.5)
    assert not r.collateral_capped
    # collateral shortfall: all 1,000 seized for 1,000 / 1.1 of debt
    r2 = aave_liquidation(1_000.0, 5_000.0, 0.80, 0.10, version="v2")
    assert r2.collateral_capped
    assert r2.debt_repaid == pytest.approx(1_000.0 / 1.1)
    assert r2.summary().loc["collateral_seized", "value"] == pytest.approx(1_000.0)


@given(st.floats(0.01, 1e4), st.floats(1.0, 1e7), st.floats(0.3, 0.95))
def test_property_health_factor_is_one_at_liquidation_price(
    amount: float, debt: float, lt: float
) -> None:
    p = lending_liquidation_price(amount, debt, lt)
    assert health_factor(amount * p, debt, lt) == pytest.approx(1.0, rel=1e-12)
    assert health_factor(amount * p * 0.99, debt, lt) < 1.0


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: health_factor(1.0, 1.0, 1.5), ValueError, r"liquidation_threshold must be in"),
        (lambda: health_factor(-1.0, 1.0, 0.8), ValueError, "collateral_value must be >= 0"),
        (lambda: close_factor(0.9, "v4"), ValueError, "version must be one of"),
        (lambda: close_factor(0.9, "v3.3"), ValueError, "collateral_value and debt_value"),
        (
            lambda: aave_liquidation(1.0, 1.0, 0.8, 1.5),
            ValueError,
            r"liquidation_bonus must be in \[0, 1\)",
        ),
    ],
)
def test_lending_errors(call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call()


def _events() -> pd.DataFrame:
    # by hand: WETH bonuses 5 %, 10 %, 4 % (2022); LINK 10 %, then 7.5 % (2022); YFI unpriced
    return pd.DataFrame(
        {
            "collateral_symbol": ["WETH", "WETH", "LINK", "LINK", "WETH", "YFI"],
            "collateral_usd": [105.0, 110.0, 220.0, 107.5, 52.0, np.nan],
            "principal_usd": [100.0, 100.0, 200.0, 100.0, 50.0, 40.0],
        },
        index=pd.to_datetime(
            ["2021-01-05", "2021-03-01", "2021-03-02", "2022-02-01", "2022-03-01", "2022-03-02"],
            utc=True,
        ),
    )


def test_realised_bonus_by_hand() -> None:
    out = realised_bonus(
        _events(), periods={"2021": (None, "2022-01-01"), "2022": ("2022-01-01", None)}
    )
    assert out.index.tolist() == ["LINK", "WETH"]  # YFI has no collateral price
    assert out["calls_priced"].tolist() == [2, 3]
    np.testing.assert_allclose(out["median"], [0.0875, 0.05])
    np.testing.assert_allclose(out["median 2021"], [0.10, 0.075])
    np.testing.assert_allclose(out["median 2022"], [0.075, 0.04])
    with pytest.raises(ValueError, match="missing"):
        realised_bonus(_events().drop(columns="collateral_usd"))
    with pytest.raises(TypeError, match="DataFrame"):
        realised_bonus([1, 2])  # type: ignore[arg-type]


def test_liquidations_by_collateral_pools_the_rest() -> None:
    out = liquidations_by_collateral(_events(), top=1)
    assert out.index.tolist() == ["WETH", "2 others"]
    assert out["calls"].tolist() == [3, 3]  # every call counts, priced or not
    assert out["debt_repaid_usd"].tolist() == [250.0, 340.0]
    assert out["share_of_calls"].sum() == pytest.approx(1.0)
    assert len(liquidations_by_collateral(_events(), top=10)) == 3  # no "others" row
    with pytest.raises(ValueError, match="top must be >= 1"):
        liquidations_by_collateral(_events(), top=0)


def test_daily_debt_repaid_sums_and_fills_days() -> None:
    ev = _events()
    out = daily_debt_repaid(ev, ["WETH"])
    assert out.columns.tolist() == ["WETH", "other"]
    assert len(out) == (ev.index[-1].floor("D") - ev.index[0].floor("D")).days + 1
    assert out.to_numpy().sum() == pytest.approx(ev["principal_usd"].sum())  # nothing lost
    assert out.loc["2021-03-02", "other"] == 200.0
    assert out.loc["2021-03-03"].sum() == 0.0
    with pytest.raises(ValueError, match="at least one asset"):
        daily_debt_repaid(ev, [])
    with pytest.raises(TypeError, match="DatetimeIndex"):
        daily_debt_repaid(ev.reset_index(drop=True), ["WETH"])


def test_aave_liquidation_rejects_arrays_where_one_number_is_expected() -> None:
    with pytest.raises(TypeError, match=r"collateral_value must be a scalar; got a list of 2"):
        aave_liquidation([1.0, 2.0], 1.0, 0.8, 0.05)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"liquidation_threshold must be a scalar; got a list"):
        aave_liquidation(10.0, 1.0, [0.8, 0.8], 0.05)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"liquidation_bonus must be a scalar; got a ndarray"):
        aave_liquidation(10.0, 1.0, 0.8, np.full(2, 0.05))  # type: ignore[arg-type]
