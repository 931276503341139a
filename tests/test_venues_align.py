"""Series inputs of the venue layer align on their labels (or raise), never by position.

Regression: with ``side`` on index ['b', 'a'] and the other inputs on ['a', 'b'], the side was
read by position, so long 'a' got the short's price: binance-usdm returned
{'b': 54776.119..., 'a': 36144.578...} instead of {'a': 45180.72..., 'b': 43824.70...}.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskkit import venues
from riskkit.venues import gmx

PROFILES = [("binance-usdm", "BTCUSDT"), ("bybit-classic", "BTCUSDT"), ("deribit", "BTC-PERPETUAL"),
            ("okx", "BTC-USDT-SWAP"), ("hyperliquid", "BTC"), ("bybit", "BTCUSDT")]  # fmt: skip


def _inputs() -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    side = pd.Series(["short", "long"], index=["b", "a"])
    entry = pd.Series([50_000.0, 40_000.0], index=["a", "b"])
    size = pd.Series([1.0, 1.0], index=["a", "b"])
    margin = pd.Series([5_000.0, 4_000.0], index=["a", "b"])
    return side, entry, size, margin


def _aligned() -> tuple[pd.Series, pd.Series, pd.Series, pd.Series]:
    side, entry, size, margin = _inputs()
    return side.reindex(entry.index), entry, size, margin


def test_permuted_side_gives_the_aligned_prices_regression() -> None:
    side, entry, size, margin = _inputs()
    out = venues.get("binance-usdm").liquidation_price("BTCUSDT", side, entry, size, margin)
    # long 'a' at 50,000 with 5,000 margin liquidates below entry; short 'b' above 40,000
    assert out["a"] < 50_000.0 < 54_000.0
    assert out["b"] > 40_000.0
    assert out["a"] == pytest.approx(45_180.72, rel=1e-6)
    assert out["b"] == pytest.approx(43_824.70, rel=1e-6)


@pytest.mark.parametrize(("name", "symbol"), PROFILES)
def test_permuted_series_equal_the_aligned_call(name: str, symbol: str) -> None:
    v = venues.get(name)
    side, entry, size, margin = _inputs()
    sa, ea, qa, ma = _aligned()
    for perm in [(side, entry, size, margin), (side, entry[::-1], size, margin[::-1])]:
        got = v.liquidation_price(symbol, *perm)
        want = v.liquidation_price(symbol, sa, ea, qa, ma)
        pd.testing.assert_series_equal(got.sort_index(), want.sort_index())
        got_b = v.bankruptcy_price(symbol, *perm)
        want_b = v.bankruptcy_price(symbol, sa, ea, qa, ma)
        pd.testing.assert_series_equal(got_b.sort_index(), want_b.sort_index())


@pytest.mark.parametrize(("name", "symbol"), PROFILES)
def test_mismatched_labels_raise_naming_both(name: str, symbol: str) -> None:
    v = venues.get(name)
    side, entry, size, _ = _inputs()
    other = pd.Series([5_000.0, 4_000.0], index=["a", "c"])
    with pytest.raises(ValueError, match="margin"):
        v.liquidation_price(symbol, side, entry, size, other)
    with pytest.raises(ValueError, match="margin"):
        v.bankruptcy_price(symbol, side, entry, size, other)


def test_maintenance_margin_aligns_size_and_price() -> None:
    v = venues.get("binance-usdm")
    size = pd.Series([1.0, 10.0], index=["a", "b"])
    price = pd.Series([40_000.0, 50_000.0], index=["b", "a"])
    got = v.maintenance_margin("BTCUSDT", size, price)
    want = v.maintenance_margin("BTCUSDT", size, price.reindex(size.index))
    pd.testing.assert_series_equal(got, want)
    assert got["b"] == pytest.approx(float(v.maintenance_margin("BTCUSDT", 10.0, 40_000.0)))
    with pytest.raises(ValueError, match="price"):
        v.maintenance_margin("BTCUSDT", size, pd.Series([1.0, 2.0], index=["a", "z"]))


def test_maintenance_margin_entry_basis_aligns_entry_and_side() -> None:
    v = venues.get("bybit-classic")
    size = pd.Series([1.0, 2.0], index=["a", "b"])
    price = pd.Series([40_000.0, 41_000.0], index=["a", "b"])
    entry = pd.Series([30_000.0, 50_000.0], index=["b", "a"])
    got = v.maintenance_margin("BTCUSDT", size, price, entry_price=entry)
    want = v.maintenance_margin("BTCUSDT", size, price, entry_price=entry.reindex(size.index))
    pd.testing.assert_series_equal(got, want)


def test_batch_aligns_side_and_categoricals() -> None:
    side, entry, size, margin = _inputs()
    sa, ea, qa, ma = _aligned()
    ven = pd.Series(["bybit-classic", "binance-usdm"], index=["b", "a"])
    sym = pd.Series(["BTCUSDT", "BTCUSDT"], index=["b", "a"])
    got = venues.liquidation_prices(ven, sym, side, entry, size, margin)
    want = venues.liquidation_prices(ven.reindex(ea.index), sym.reindex(ea.index), sa, ea, qa, ma)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index())
    assert got["a"] == pytest.approx(
        venues.get("binance-usdm").liquidation_price("BTCUSDT", "long", 50_000.0, 1.0, 5_000.0)
    )
    # the regression: the scalar venue path read the side by position too
    got1 = venues.liquidation_prices("binance-usdm", "BTCUSDT", side, entry, 1.0, 5_000.0)
    assert got1["a"] < 50_000.0
    with pytest.raises(ValueError, match="margin"):
        venues.liquidation_prices(ven, sym, side, entry, size, margin.set_axis(["a", "z"]))


def test_gmx_aligns_side() -> None:
    side = pd.Series(["short", "long"], index=["b", "a"])
    entry = pd.Series([3_000.0, 2_000.0], index=["a", "b"])
    size = pd.Series([10_000.0, 10_000.0], index=["a", "b"])
    coll = pd.Series([1_000.0, 1_000.0], index=["a", "b"])
    sym = "BTC/USD:USDC"
    got = gmx.liquidation_price(sym, side, entry, size, coll)
    want = gmx.liquidation_price(sym, side.reindex(entry.index), entry, size, coll)
    pd.testing.assert_series_equal(got.sort_index(), want.sort_index())
    assert got["a"] < 3_000.0 and got["b"] > 2_000.0
    price = pd.Series([2_100.0, 2_500.0], index=["b", "a"])  # a (long from 3,000) is under
    liq = gmx.is_liquidatable(sym, side, entry, size, coll, price)
    assert liq.sort_index().tolist() == [True, False]
    with pytest.raises(ValueError, match="price"):
        gmx.is_liquidatable(sym, side, entry, size, coll, price.set_axis(["a", "z"]))


def test_distance_aligns_side_and_price() -> None:
    from riskkit.venues._inputs import distance

    side = pd.Series(["short", "long"], index=["b", "a"])
    price = pd.Series([100.0, 100.0], index=["a", "b"])
    liq = pd.Series([90.0, 110.0], index=["a", "b"])  # long a liquidates at 90, short b at 110
    got = distance(side, price, liq)
    assert got["a"] == pytest.approx(0.1) and got["b"] == pytest.approx(0.1)


def test_numpy_inputs_still_combine_by_position() -> None:
    v = venues.get("binance-usdm")
    out = v.liquidation_price("BTCUSDT", np.array([1.0, -1.0]), np.array([50_000.0, 40_000.0]),
                              1.0, np.array([5_000.0, 4_000.0]))  # fmt: skip
    assert out[0] == pytest.approx(45_180.72, rel=1e-6)
    assert out[1] == pytest.approx(43_824.70, rel=1e-6)


def test_dydx_fillable_price_aligns_side_regression() -> None:
    # was a 104.5 (a short's price) for long 'a': the side was read by position
    from riskkit.venues import dydx

    side = pd.Series(["short", "long"], index=["b", "a"])
    oracle = pd.Series([100.0, 100.0], index=["a", "b"])
    got = dydx.fillable_price(oracle, side, 0.03, 0.0, 15.0)
    assert got["a"] == pytest.approx(95.5) and got["b"] == pytest.approx(104.5)


def test_cross_account_aligns_and_keeps_labels_regression() -> None:
    # was position 0 'short' at entry 100 (long 'a''s entry), on a RangeIndex
    from riskkit.margin import cross_account

    side = pd.Series(["short", "long"], index=["b", "a"])
    entry = pd.Series([100.0, 50.0], index=["a", "b"])
    size = pd.Series([1.0, 2.0], index=["a", "b"])
    acct = cross_account(1_000.0, side, entry, entry * 0.9, size, 0.01)
    want = cross_account(1_000.0, ["long", "short"], [100.0, 50.0], [90.0, 45.0], [1.0, 2.0], 0.01)
    assert acct.positions.index.tolist() == ["b", "a"]
    assert acct.positions.loc["a", "side"] == "long"
    assert acct.positions.loc["a", "unrealized_pnl"] == pytest.approx(-10.0)
    assert acct.total_maintenance_margin == pytest.approx(want.total_maintenance_margin)
    with pytest.raises(ValueError, match="size"):
        cross_account(1_000.0, side, entry, entry * 0.9, size.set_axis(["a", "z"]), 0.01)


def test_min_liquidated_leverage_aligns_side() -> None:
    from riskkit.crashes import min_liquidated_leverage

    entry = pd.Series([100.0, 100.0], index=["a", "b"])
    extreme = pd.Series([90.0, 110.0], index=["a", "b"])  # a: a low, b: a high
    side = pd.Series(["short", "long"], index=["b", "a"])
    got = min_liquidated_leverage(entry, extreme, side)
    want = min_liquidated_leverage(entry, extreme, side.reindex(entry.index))
    pd.testing.assert_series_equal(got, want)


def test_cross_margin_refuses_two_positions_in_one_market_regression() -> None:
    # a hedged pair (long 1 and short 1 BTC, the second under its ccxt symbol) was priced as if
    # each leg's partner stayed at mark: 26,228.9 and 35,733.1, although the two legs' PnL
    # cancels at every price. Hedge mode needs both legs moved together: refused, named.
    pos = [
        dict(symbol="BTCUSDT", side="long", entry_price=30_000.0, size=1.0, mark_price=31_000.0),
        dict(symbol="BTC/USDT:USDT", side="short", entry_price=30_000.0, size=1.0,
             mark_price=31_000.0),
    ]  # fmt: skip
    with pytest.raises(ValueError, match=r"one position per market.*BTCUSDT.*rows \[0, 1\]"):
        venues.cross_margin(venues.get("binance-usdm"), pos, 5_000.0)


def test_position_from_ccxt_does_not_drop_a_hedged_leg_regression() -> None:
    # a cross long whose account also holds a short in the same symbol (hedge mode): the short
    # was filtered out with the position itself (same symbol), so its PnL and maintenance
    # were silently ignored; now the pair is refused. The position itself, listed again in
    # the account, is still recognised and skipped.
    pos = {
        "symbol": "BTC/USDT:USDT", "side": "long", "contracts": 1.0, "contractSize": 1.0,
        "entryPrice": 50_000.0, "markPrice": 49_000.0, "marginMode": "cross",
    }  # fmt: skip
    alone = venues.position_from_ccxt(pos, "binance", {"wallet_balance": 5e3, "positions": []})
    listed = venues.position_from_ccxt(pos, "binance", {"wallet_balance": 5e3, "positions": [pos]})
    assert listed.liquidation_price == alone.liquidation_price
    hedged = {"wallet_balance": 5e3, "positions": [pos, dict(pos, side="short")]}
    with pytest.raises(ValueError, match="one position per market"):
        venues.position_from_ccxt(pos, "binance", hedged)


def test_unequal_lengths_name_the_arguments_regression() -> None:
    # numpy's message named positions ("arg 2 with shape (2,) and arg 3 with shape (3,)")
    v = venues.get("binance-usdm")
    with pytest.raises(ValueError, match=r"got shapes size \(2,\), margin \(3,\)"):
        v.liquidation_price("BTCUSDT", "long", 5e4, [1.0, 2.0], [5e3, 1e3, 2e3])
    with pytest.raises(ValueError, match=r"got shapes side \(2,\), margin \(3,\)"):
        v.bankruptcy_price("BTCUSDT", ["long", "short"], 5e4, 1.0, [5e3, 1e3, 2e3])
    with pytest.raises(ValueError, match=r"got shapes size \(2,\), price \(3,\)"):
        v.maintenance_margin("BTCUSDT", [1.0, 2.0], [5e4, 4e4, 3e4])
    with pytest.raises(ValueError, match=r"got shapes side \(2,\), entry_price \(3,\)"):
        venues.liquidation_prices("binance-usdm", "BTCUSDT", ["long", "short"], [5e4] * 3, 1.0,
                                  5e3)  # fmt: skip
    # scalars and equal lengths still combine
    out = v.liquidation_price("BTCUSDT", ["long", "short"], 5e4, [1.0, 2.0], 5e3)
    assert out.shape == (2,) and out[0] < 5e4 < out[1]


def test_batch_broadcasts_a_scalar_entry_price() -> None:
    # the row count was taken from entry_price alone: a scalar entry with two sizes raised
    # numpy's broadcast error; now the common length of all inputs is used
    got = venues.liquidation_prices("binance-usdm", "BTCUSDT", "long", 50_000.0, [1.0, 2.0],
                                    [5e3, 5e3])  # fmt: skip
    v = venues.get("binance-usdm")
    want = [v.liquidation_price("BTCUSDT", "long", 50_000.0, q, 5e3) for q in (1.0, 2.0)]
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r"one-dimensional arrays; got shape \(2, 2\)"):
        venues.liquidation_prices("binance-usdm", "BTCUSDT", "long", np.full((2, 2), 5e4), 1.0,
                                  5e3)  # fmt: skip
