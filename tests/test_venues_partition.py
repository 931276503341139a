"""The batch's counting-sort partition (numba) against the stable argsort it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from riskkit import venues
from riskkit.venues import _partition, batch

pytestmark = pytest.mark.skipif(not _partition.HAVE_NUMBA, reason="numba not installed")


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 400),
    n_v=st.integers(1, 4),
    width=st.integers(1, 5),
    seed=st.integers(0, 2**32 - 1),
)
def test_partition_is_the_stable_argsort_gather(n: int, n_v: int, width: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    cv = rng.integers(0, n_v, n).astype(np.int8)
    cy = rng.integers(0, width, n).astype(np.int16)
    key = cv.astype(np.int64) * width + cy
    counts, grouped = _partition.key_counts(cv, cy, width, n_v * width)
    np.testing.assert_array_equal(counts, np.bincount(key, minlength=n_v * width))
    assert grouped == bool(np.all(np.diff(key) >= 0))
    used = np.flatnonzero(counts)
    lut = np.zeros(n_v * width, dtype=np.int32)
    lut[used] = np.arange(used.size)
    x = [rng.random(n) for _ in range(4)]
    cs, ce, cq, cm, origin, starts = _partition.partition(cv, cy, width, lut, used.size, *x)
    order = np.argsort(lut[key], kind="stable")  # what the numpy engine does
    np.testing.assert_array_equal(origin, order)
    for got, src in zip((cs, ce, cq, cm), x, strict=True):
        np.testing.assert_array_equal(got, src[order])
    np.testing.assert_array_equal(np.diff(starts), np.bincount(lut[key], minlength=used.size))
    out = np.full(n, np.nan)
    _partition.unpartition(cs, origin, out)
    np.testing.assert_array_equal(out, x[0])


def test_partition_reuses_the_buffers_it_is_given() -> None:
    cv, cy = np.array([1, 0, 1], np.int8), np.zeros(3, np.int8)
    lut = np.array([0, 1], np.int32)
    bufs = (*(np.full(8, -1.0) for _ in range(4)), np.full(8, -1, dtype=np.int64))
    x = np.array([10.0, 20.0, 30.0])
    cs, _, _, _, origin, starts = _partition.partition(cv, cy, 1, lut, 2, x, x, x, x, bufs)
    assert np.shares_memory(cs, bufs[0]) and np.shares_memory(origin, bufs[4])
    assert cs.tolist() == [20.0, 10.0, 30.0] and origin.tolist() == [1, 0, 2]
    assert starts.tolist() == [0, 1, 3] and bufs[0][3] == -1.0  # nothing written past k


def _positions(n: int, seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    pool = [("binance-usdm", "BTCUSDT"), ("bybit-classic", "BTCUSD"), ("hyperliquid", "ETH"),
            ("okx", "BTC-USD-SWAP"), ("deribit", "BTC-PERPETUAL")]  # fmt: skip
    inverse = np.array([s in ("BTCUSD", "BTC-USD-SWAP", "BTC-PERPETUAL") for _, s in pool])
    pick = rng.integers(0, len(pool), n)
    e = rng.uniform(2e3, 1e5, n)
    notional = np.exp(rng.uniform(np.log(1e2), np.log(1e5), n))
    q = np.where(inverse[pick], notional, notional / e)
    m = np.where(inverse[pick], notional / e, notional) / rng.uniform(1.5, 20.0, n)
    side = rng.choice([-1.0, 1.0], n)
    ven = pd.Categorical([pool[i][0] for i in pick])
    sym = pd.Categorical([pool[i][1] for i in pick])
    return pool, pick, ven, sym, side, e, q, m


def test_engines_agree_bit_for_bit_grouped_and_not(monkeypatch: pytest.MonkeyPatch) -> None:
    pool, pick, ven, sym, side, e, q, m = _positions(3_000, 2)
    monkeypatch.setattr(batch, "_BLOCK", 500)
    monkeypatch.setattr(batch, "_BLOCK_COUNTING", 700)  # block edges differ between engines
    a = venues.liquidation_prices(ven, sym, side, e, q, m, engine="numba")
    b = venues.liquidation_prices(ven, sym, side, e, q, m, engine="numpy")
    np.testing.assert_array_equal(a.view(np.int64), b.view(np.int64))
    for k, (name, symbol) in enumerate(pool):  # the naive reference, one call per group
        rows = pick == k
        one = venues.get(name).liquidation_price(symbol, side[rows], e[rows], q[rows], m[rows])
        np.testing.assert_array_equal(a[rows].view(np.int64), np.asarray(one).view(np.int64))
    srt = np.argsort(ven.codes.astype(np.int64) * len(sym.categories) + sym.codes, kind="stable")
    for engine in ("numba", "numpy"):
        g = venues.liquidation_prices(
            ven[srt], sym[srt], side[srt], e[srt], q[srt], m[srt], engine=engine
        )
        np.testing.assert_array_equal(g.view(np.int64), a[srt].view(np.int64))


def test_engine_argument_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, ven, sym, side, e, q, m = _positions(50, 4)
    with pytest.raises(ValueError, match="engine must be one of"):
        venues.liquidation_prices(ven, sym, side, e, q, m, engine="cython")
    ref = venues.liquidation_prices(ven, sym, side, e, q, m, engine="numba")
    monkeypatch.setattr(batch, "HAVE_NUMBA", False)  # a machine without numba
    with pytest.raises(ImportError, match=r"riskkit\[fast\]"):
        venues.liquidation_prices(ven, sym, side, e, q, m, engine="numba")
    auto = venues.liquidation_prices(ven, sym, side, e, q, m)  # falls back to numpy
    np.testing.assert_array_equal(auto.view(np.int64), ref.view(np.int64))


def test_auto_engine_uses_numba_from_the_row_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    _, _, ven, sym, side, e, q, m = _positions(300, 6)
    calls = []
    real = batch.partition
    monkeypatch.setattr(batch, "partition", lambda *a, **k: calls.append(1) or real(*a, **k))
    small = venues.liquidation_prices(ven, sym, side, e, q, m)  # 300 < 65,536 rows: numpy
    assert not calls
    monkeypatch.setattr(batch, "_NUMBA_MIN_ROWS", 300)
    large = venues.liquidation_prices(ven, sym, side, e, q, m)
    assert calls
    np.testing.assert_array_equal(small.view(np.int64), large.view(np.int64))
