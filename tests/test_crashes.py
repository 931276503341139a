"""Tests of riskkit.crashes: leverage thresholds and event measurements."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskkit.crashes import drawdown, event_moves, min_liquidated_leverage
from riskkit.data import CrashEvent


def _liq_long(entry: float, lev: float, m: float) -> float:
    # isolated linear long, margin = notional / leverage (Binance USD-M isolated formula)
    return entry * (1 - 1 / lev) / (1 - m)


def _liq_short(entry: float, lev: float, m: float) -> float:
    return entry * (1 + 1 / lev) / (1 + m)


def test_worked_example_by_hand() -> None:
    # by hand: 1 / (1 - 0.9 * 0.995) = 1 / 0.1045 = 9.5694 (see docstring)
    assert min_liquidated_leverage(100_000.0, 90_000.0) == pytest.approx(9.569378, rel=1e-6)
    # short: 1 / (1.1 * 1.005 - 1) = 1 / 0.1055 = 9.4787
    assert min_liquidated_leverage(100.0, 110.0, "short") == pytest.approx(9.478673, rel=1e-6)


@given(
    entry=st.floats(1.0, 1e6),
    move=st.floats(0.001, 0.95),
    m=st.floats(0.0, 0.05),
)
def test_threshold_is_exactly_where_liquidation_price_meets_the_extreme(
    entry: float, move: float, m: float
) -> None:
    low = entry * (1 - move)
    lev = float(min_liquidated_leverage(entry, low, "long", m))
    assert lev > 1.0
    assert _liq_long(entry, lev, m) == pytest.approx(low, rel=1e-9)
    # a lower leverage survives (liquidation price below the low), a higher one does not
    assert _liq_long(entry, lev * 0.99, m) < low < _liq_long(entry, lev * 1.01, m)
    high = entry * (1 + move)
    lev_s = float(min_liquidated_leverage(entry, high, "short", m))
    assert _liq_short(entry, lev_s, m) == pytest.approx(high, rel=1e-9)


def test_no_threshold_when_price_never_went_against_the_position() -> None:
    # a long with low >= E / (1 - m) is never below maintenance margin, whatever the leverage
    assert min_liquidated_leverage(100.0, 100.0 / 0.995, "long", 0.005) == np.inf
    assert min_liquidated_leverage(100.0, 120.0, "long") == np.inf
    assert min_liquidated_leverage(100.0, 80.0, "short") == np.inf
    # a 0.2 % dip already liquidates a 143x long (beyond the 1/m = 200x cap it is openable)
    assert min_liquidated_leverage(100.0, 99.8, "long", 0.005) == pytest.approx(143.06, rel=1e-3)


def test_vectorised_and_keeps_index() -> None:
    idx = pd.Index(["a", "b"])
    out = min_liquidated_leverage(pd.Series([100.0, 100.0], index=idx), np.array([90.0, 50.0]))
    assert isinstance(out, pd.Series) and out.index.equals(idx)
    assert out["b"] == pytest.approx(1 / (1 - 0.5 * 0.995))


def test_bad_inputs_name_the_argument() -> None:
    with pytest.raises(ValueError, match=r"entry_price must be > 0; got -1\.0"):
        min_liquidated_leverage(-1.0, 90.0)
    with pytest.raises(ValueError, match=r"maintenance_margin_rate must be in \[0, 1\); got 1.0"):
        min_liquidated_leverage(100.0, 90.0, "long", 1.0)
    with pytest.raises(ValueError, match="side must be one of"):
        min_liquidated_leverage(100.0, 90.0, "buy")


def test_drawdown_open_drawdown_at_end_and_errors() -> None:
    dd = drawdown(pd.Series([100.0, 50.0, 75.0]))
    np.testing.assert_allclose(dd.to_numpy(), [0.0, -0.5, -0.25])
    with pytest.raises(TypeError, match="price must be a pandas Series"):
        drawdown([1.0, 2.0])  # type: ignore[arg-type]


def test_event_moves_uses_prior_close_and_window_low() -> None:
    idx = pd.date_range("2020-03-10", periods=6, freq="12h", tz="UTC")
    bars = pd.DataFrame(
        {
            "close": [100.0, 101.0, 102.0, 90.0, 80.0, 95.0],
            "low": [99.0, 100.0, 101.0, 85.0, 60.0, 79.0],
            "high": [101.0, 102.0, 103.0, 104.0, 92.0, 96.0],
        },
        index=idx,
    )
    ev = CrashEvent("k", "K", pd.Timestamp("2020-03-11", tz="UTC"),
                    pd.Timestamp("2020-03-11", tz="UTC"), "", "")  # fmt: skip
    out = event_moves(bars, [ev], maintenance_margin_rate=0.0)
    row = out.loc["k"]
    assert row["reference_close"] == 101.0  # last close before 2020-03-11 00:00
    assert row["low"] == 85.0  # 2020-03-12 bars are outside the one-day window
    assert row["fall"] == pytest.approx(85 / 101 - 1)
    assert row["min_liquidated_long"] == pytest.approx(1 / (1 - 85 / 101))
    # an event outside the data is skipped, not filled with NaN
    late = CrashEvent("z", "Z", pd.Timestamp("2030-01-01", tz="UTC"),
                      pd.Timestamp("2030-01-01", tz="UTC"), "", "")  # fmt: skip
    assert list(event_moves(bars, [ev, late]).index) == ["k"]


def test_event_moves_validates_frame() -> None:
    with pytest.raises(ValueError, match=r"missing \['high'\]"):
        event_moves(pd.DataFrame({"close": [1.0], "low": [1.0]}))


# --------------------------------------------------------------------------------------------
# inputs that can't be silently misread
# --------------------------------------------------------------------------------------------
def test_drawdown_rejects_reversed_time() -> None:
    price = pd.Series([100.0, 120.0, 60.0], index=pd.date_range("2024-01-01", periods=3))
    with pytest.raises(
        ValueError, match=r"price must be in increasing time order with .* label 2024-01-02"
    ):
        drawdown(price.iloc[::-1])


def test_min_liquidated_leverage_aligns_labels() -> None:
    entry = pd.Series([100.0, 200.0], index=["a", "b"])
    extreme = pd.Series([100.0, 50.0], index=["b", "a"])
    # a: entry 100 falls to 50 -> 1 / 0.5 = 2x; b: no move -> inf (by hand, see the docstring)
    out = min_liquidated_leverage(entry, extreme)
    assert list(out.index) == ["a", "b"]
    assert out["a"] == pytest.approx(min_liquidated_leverage(100.0, 50.0))


def test_event_moves_rejects_a_non_frame_a_non_event_and_a_naive_event_date() -> None:
    idx = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC")
    s = pd.Series([100.0, 80.0, 90.0], idx)
    bars = pd.DataFrame({"close": s, "low": s, "high": s})
    with pytest.raises(TypeError, match=r"ohlc must be a pandas DataFrame; got Series"):
        event_moves(s)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"events\[0\] must be a CrashEvent; got int 1"):
        event_moves(bars, [1])
    naive = CrashEvent("k", "n", pd.Timestamp("2024-01-02"), pd.Timestamp("2024-01-02"), "", "")
    with pytest.raises(
        ValueError, match=r"events\[0\].start is tz-naive but ohlc.index is tz-aware \(UTC\)"
    ):
        event_moves(bars, [naive])
