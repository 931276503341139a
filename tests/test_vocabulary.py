"""One vocabulary: renamed arguments and classes, result-object protocol, Series in -> Series out.

Expected values are the new spelling's own result (by construction: a rename must not change a
number) or, for the index tests, the same function on the plain array.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import riskkit
from riskkit import (
    cascade,
    crashes,
    cycles,
    lending,
    leverage,
    liquidation,
    moments,
    risk,
    survival,
)
from riskkit._deprecate import renamed_kwargs
from riskkit._random import as_generator
from riskkit.margin import load_tiers

RNG = np.random.default_rng(7)
X = pd.Series(RNG.normal(size=300))
Y = X.shift(2).fillna(0.0) + 0.1 * pd.Series(RNG.normal(size=300))
RET = pd.Series(RNG.standard_t(5, size=400) * 0.01)
TIERS = load_tiers("binance_usdm_btcusdt_2021-03")
HIGH = pd.Series(100.0 * np.exp(np.cumsum(RNG.normal(0, 0.01, 200))) * 1.005)
LOW = HIGH / 1.01
ENTRY = (HIGH + LOW) / 2


def _same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame | pd.Series):
        pd.testing.assert_equal = None  # pragma: no cover (placeholder to keep mypy quiet)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    else:
        np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


# (id, function, positional args, old kwargs, new kwargs, what to compare)
RENAMES: list[tuple[str, Callable[..., Any], tuple[Any, ...], dict[str, Any], dict[str, Any]]] = [
    (
        "liquidation_table price_extreme",
        liquidation.liquidation_table,
        (100_000.0, [10, 20], TIERS),
        {"price_extreme": 91_000.0},
        {"extreme_price": 91_000.0},
    ),
    (
        "liquidation_tables price_extreme",
        liquidation.liquidation_tables,
        (100_000.0, [10, 20], {"a": TIERS}),
        {"price_extreme": 91_000.0},
        {"extreme_price": 91_000.0},
    ),
    (
        "min_liquidated_leverage_tiered price_extreme",
        liquidation.min_liquidated_leverage_tiered,
        (100_000.0,),
        {"price_extreme": 91_000.0, "tiers": TIERS},
        {"extreme_price": 91_000.0, "tiers": TIERS},
    ),
    (
        "min_liquidated_leverage_tiered leverage_max",
        liquidation.min_liquidated_leverage_tiered,
        (100_000.0, 91_000.0, TIERS),
        {"leverage_max": 50.0},
        {"max_leverage": 50.0},
    ),
    (
        "liquidation_losses price_extreme",
        liquidation.liquidation_losses,
        (100_000.0,),
        {"price_extreme": pd.Series([91_000.0, 95_000.0]), "leverage": [10, 20], "tiers": TIERS},
        {"extreme_price": pd.Series([91_000.0, 95_000.0]), "leverage": [10, 20], "tiers": TIERS},
    ),
    (
        "var_es random_state",
        risk.var_es,
        (RET, 0.99),
        {"method": "filtered", "horizon": 5, "scaling": "simulate", "random_state": 3},
        {"method": "filtered", "horizon": 5, "scaling": "simulate", "seed": 3},
    ),
    ("lead_lag max_lag", cascade.lead_lag, (X, Y), {"max_lag": 3}, {"maxlag": 3}),
    ("lead_lag maxlags", cascade.lead_lag, (X, Y), {"maxlags": 2}, {"hac_maxlag": 2}),
    (
        "liquidation_regression maxlags",
        cascade.liquidation_regression,
        (Y, X.abs(), X.abs().shift(1).fillna(0.0)),
        {"maxlags": 2},
        {"hac_maxlag": 2},
    ),
    (
        "liquidation_hunting_test maxlags",
        cascade.liquidation_hunting_test,
        (np.exp(X.cumsum() * 0.01), X.abs(), X.abs().shift(1).fillna(1.0)),
        {"maxlags": 2},
        {"hac_maxlag": 2},
    ),
    (
        "var_lead_lag maxlags",
        cycles.var_lead_lag,
        (pd.DataFrame({"x": X, "y": Y}),),
        {"maxlags": 2, "ic": None},
        {"maxlag": 2, "ic": None},
    ),
    (
        "time_to_liquidation entry",
        survival.time_to_liquidation,
        (HIGH, LOW),
        {"entry": ENTRY, "leverage": [5, 20]},
        {"entry_price": ENTRY, "leverage": [5, 20]},
    ),
    (
        "critical_leverage entry",
        survival.critical_leverage,
        (HIGH, LOW),
        {"entry": ENTRY, "horizon": 5},
        {"entry_price": ENTRY, "horizon": 5},
    ),
    (
        "historical_survival entry",
        survival.historical_survival,
        (HIGH, LOW),
        {"entry": ENTRY, "leverage": [5, 20], "horizon": [5, 10]},
        {"entry_price": ENTRY, "leverage": [5, 20], "horizon": [5, 10]},
    ),
    (
        "max_leverage entry",
        survival.max_leverage,
        (0.9, 5, HIGH, LOW),
        {"entry": ENTRY},
        {"entry_price": ENTRY},
    ),
]


def _comparable(out: Any) -> Any:
    for attr in ("table", "liquidation_prob", "var"):
        if hasattr(out, attr) and not isinstance(out, pd.DataFrame | pd.Series):
            return getattr(out, attr)
    if hasattr(out, "params") and not isinstance(out, pd.DataFrame | pd.Series):
        return out.params
    if hasattr(out, "pvalue_matrix"):
        return out.pvalue_matrix
    return out


@pytest.mark.parametrize(("func", "args", "old", "new"), [r[1:] for r in RENAMES],
                         ids=[r[0] for r in RENAMES])  # fmt: skip
def test_renamed_argument(func: Callable[..., Any], args: tuple, old: dict, new: dict) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        got_new = func(*args, **new)  # the new name never warns
    (old_name,) = set(old) - set(new)
    (new_name,) = set(new) - set(old)
    with pytest.warns(FutureWarning, match=rf"'{old_name}' is deprecated.*use '{new_name}'"):
        got_old = func(*args, **old)
    _same(_comparable(got_old), _comparable(got_new))


def test_renamed_argument_both_names_is_an_error() -> None:
    with pytest.raises(TypeError, match=r"got both 'max_lag' .* and 'maxlag'"):
        cascade.lead_lag(X, Y, max_lag=2, maxlag=3)


def test_renamed_kwargs_keeps_signature() -> None:
    import inspect

    @renamed_kwargs(lev="leverage")
    def f(leverage: float) -> float:
        return leverage

    assert list(inspect.signature(f).parameters) == ["leverage"]
    assert "extreme_price" in inspect.signature(liquidation.liquidation_table).parameters


@pytest.mark.parametrize(
    ("module", "new"),
    [("riskkit.cascade", "CrossCorrelationLeadLag"), ("riskkit.cascade.empirical",
     "CrossCorrelationLeadLag"), ("riskkit.cycles", "VARLeadLag"),
     ("riskkit.cycles.leadlag", "VARLeadLag")],
)  # fmt: skip
def test_lead_lag_result_alias(module: str, new: str) -> None:
    mod = importlib.import_module(module)
    with pytest.warns(FutureWarning, match=rf"LeadLagResult is deprecated.*{new}"):
        old = mod.LeadLagResult
    assert old is getattr(mod, new)
    assert "LeadLagResult" not in mod.__all__
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mod.nope  # noqa: B018


def test_lead_lag_result_from_import() -> None:
    with pytest.warns(FutureWarning, match="CrossCorrelationLeadLag"):
        from riskkit.cascade import LeadLagResult
    assert LeadLagResult is cascade.CrossCorrelationLeadLag
    assert cascade.CrossCorrelationLeadLag is not cycles.VARLeadLag


def test_deprecated_attributes_forward() -> None:
    res = cascade.lead_lag(X, Y, maxlag=2, hac_maxlag=3)
    with pytest.warns(FutureWarning, match="use CrossCorrelationLeadLag.hac_maxlag"):
        assert res.maxlags == 3
    reg = cascade.liquidation_regression(Y, X.abs(), X.abs().shift(1).fillna(0.0), hac_maxlag=4)
    with pytest.warns(FutureWarning, match="hac_maxlag"):
        assert reg.maxlags == 4
    var = cycles.var_lead_lag(pd.DataFrame({"x": X, "y": Y}), maxlag=2, ic=None)
    with pytest.warns(FutureWarning, match="use VARLeadLag.pvalue_matrix"):
        old = var.pvalues()
    pd.testing.assert_frame_equal(old, var.pvalue_matrix)


# ------------------------------------------------------------------------------ seeds


@pytest.mark.parametrize(
    "make", [lambda: 5, lambda: np.random.SeedSequence(5), lambda: np.random.default_rng(5)]
)
def test_seed_accepts_int_seedsequence_generator(make: Callable[[], Any]) -> None:
    ref = survival.simulate_liquidation(
        [5, 10], 20, model="student_t", params={"mu": 0.0, "scale": 0.01, "nu": 4.0},
        n_paths=500, seed=5,
    )  # fmt: skip
    got = survival.simulate_liquidation(
        [5, 10], 20, model="student_t", params={"mu": 0.0, "scale": 0.01, "nu": 4.0},
        n_paths=500, seed=make(),
    )  # fmt: skip
    pd.testing.assert_frame_equal(got.liquidation_prob, ref.liquidation_prob)
    v = risk.var_es(RET, 0.99, method="filtered", horizon=3, scaling="simulate", seed=make())
    w = risk.var_es(RET, 0.99, method="filtered", horizon=3, scaling="simulate", seed=5)
    assert v.var == pytest.approx(w.var)


def test_as_generator_errors() -> None:
    with pytest.raises(TypeError, match=r"seed must be an int, a numpy SeedSequence"):
        as_generator(1.5)
    with pytest.raises(TypeError, match="random_state must be"):
        as_generator(True, "random_state")
    with pytest.raises(ValueError, match="seed must be >= 0; got -1"):
        as_generator(-1)
    g = np.random.default_rng(0)
    assert as_generator(g) is g


def test_liquidation_estimates_seed_kinds() -> None:
    ohlc = pd.DataFrame({"high": HIGH, "low": LOW, "close": ENTRY})
    kw: dict[str, Any] = {"models": ("student_t",), "n_paths": 300}
    a = survival.liquidation_estimates(ohlc, [5, 10], [5], seed=1, **kw)
    b = survival.liquidation_estimates(ohlc, [5, 10], [5], seed=1, **kw)
    pd.testing.assert_frame_equal(a.liquidation_prob, b.liquidation_prob)
    c = survival.liquidation_estimates(ohlc, [5, 10], [5], seed=np.random.SeedSequence(1), **kw)
    d = survival.liquidation_estimates(ohlc, [5, 10], [5], seed=np.random.SeedSequence(1), **kw)
    pd.testing.assert_frame_equal(c.liquidation_prob, d.liquidation_prob)


# ---------------------------------------------------------------- result-object protocol


@functools.cache
def _results() -> dict[str, Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fitting warnings on tiny synthetic samples
        return _build_results()


def _build_results() -> dict[str, Any]:
    book = cascade.book_from_open_interest(
        pd.Series(np.linspace(100.0, 110.0, 30)), pd.Series(np.full(30, 1e6))
    )
    impact = cascade.PriceImpact(1e6)
    margin_debt = pd.Series(
        np.exp(np.linspace(0, 1, 120) + 0.1 * np.sin(np.arange(120) / 6)),
        index=pd.date_range("2000-01-31", periods=120, freq="ME"),
    )
    price = margin_debt * 2
    hits = pd.Series(RET.quantile(0.05) > RET)
    from riskkit.data import BuildResult, event
    from riskkit.data.archives import FileRecord, PartitionRecord

    out: dict[str, Any] = {
        "MarginTiers": TIERS,
        "CrossAccount": riskkit.margin.cross_account(1000.0, "long", 100.0, 101.0, 1.0, 0.005),
        "PartialLiquidation": liquidation.partial_liquidation(
            "long", 100_000.0, 1.0, 10_000.0, 90_000.0, TIERS
        ),
        "AaveLiquidation": lending.aave_liquidation(100.0, 90.0, 0.85, 0.05),
        "HistoricalSurvival": survival.historical_survival(HIGH, LOW, ENTRY, [5, 10], [5]),
        "SurvivalCurve": survival.kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1]),
        "MonteCarloLiquidation": survival.simulate_liquidation(
            [5],
            [5],
            model="student_t",
            params={"mu": 0.0, "scale": 0.01, "nu": 4.0},
            n_paths=100,
            seed=0,
        ),
        "LiquidationEstimates": survival.liquidation_estimates(
            pd.DataFrame({"high": HIGH, "low": LOW, "close": ENTRY}),
            [5],
            [5],
            models=("student_t",),
            n_paths=100,
            seed=0,
        ),
        "PositionBook": book,
        "LiquidationMap": cascade.liquidation_map(book, 110.0),
        "PriceImpact": impact,
        "ImpactCalibration": cascade.calibrate_impact(pd.Series(np.linspace(1e6, 3e6, 12))),
        "CascadeResult": cascade.simulate_cascade(book, 110.0, -0.05, impact),
        "AdlResult": cascade.simulate_adl(book, 110.0, -0.05, impact, 0.0),
        "AdlProbability": cascade.adl_probability(book, 110.0, [-0.05], [1e6], [0.0], n_sims=2),
        "LiquiditySpiralResult": cascade.liquidity_spiral(book, 110.0, -0.05, impact),
        "LiquidationRegression": cascade.liquidation_regression(Y, X.abs(), -X.clip(upper=0)),
        "CrossCorrelationLeadLag": cascade.lead_lag(X, Y, maxlag=2),
        "HuntingTestResult": cascade.liquidation_hunting_test(
            np.exp(X.cumsum() * 0.01), X.abs(), X.abs().shift(1).fillna(1.0)
        ),
        "EpisodeTable": cycles.deleveraging_episodes(margin_debt, price),
        "EpisodeStability": cycles.episode_stability(margin_debt, price, drops=[0.1, 0.2]),
        "GapRecord": cycles.gap_record(
            cycles.margin_debt_gap(margin_debt), price, window="90D", horizon="180D"
        ),
        "GrangerResult": cycles.granger_causality(Y, X, maxlag=2),
        "VARLeadLag": cycles.var_lead_lag(pd.DataFrame({"x": X, "y": Y}), maxlag=2, ic=None),
        "RegimeResult": cycles.markov_regimes(RET, search_reps=0),
        "RiskEstimate": risk.var_es(RET),
        "VaRBacktest": risk.backtest_var(RET, pd.Series(0.02, index=RET.index), 0.95),
        "CoverageTest": risk.kupiec_pof(hits, 0.95),
        "LeverageCap": risk.leverage_cap(ENTRY, 5),
        "MarginCalibration": risk.calibrate_maintenance_margin(ENTRY, 5),
        "CrashEvent": event("2020-03-12"),
        # a build's record, as riskkit.data.build returns it (tests/test_data_archives.py
        # builds real ones from fixture archives)
        "BuildResult": BuildResult(
            "binance",
            "um",
            "ohlcv",
            "1h",
            Path("out"),
            files=(FileRecord("http://127.0.0.1/x.zip", "BTCUSDT", "2024-01", "fetched", "ab"),),
            partitions=(PartitionRecord("BTCUSDT", "2024-01", "written", "out/p", 744),),
        ),
    }
    return out


def _all_result_classes() -> set[str]:
    import dataclasses

    names = set()
    for mod in (riskkit.margin, liquidation, lending, survival, cascade, cycles, risk,
                riskkit.data):  # fmt: skip
        for n in mod.__all__:
            obj = getattr(mod, n)
            if isinstance(obj, type) and dataclasses.is_dataclass(obj):
                names.add(n)
    return names


def test_every_result_class_is_covered() -> None:
    assert _all_result_classes() <= set(_results())


@pytest.mark.parametrize("name", sorted(_all_result_classes()))
def test_result_protocol(name: str) -> None:
    res = _results()[name]
    assert type(res).__name__ == name
    summary = res.summary()
    # statsmodels-style: a DataFrame, or statsmodels' Summary (LiquidationRegression)
    assert isinstance(summary, pd.DataFrame) or hasattr(summary, "as_text")
    assert isinstance(res.to_frame(), pd.DataFrame)
    html = res._repr_html_()
    assert isinstance(html, str) and "<table" in html


# ------------------------------------------------------------------ Series keep the index

IDX = pd.Index(["a", "b", "c"], name="k")


def _s(*v: float) -> pd.Series:
    return pd.Series(v, index=IDX)


INDEXED: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
    ("liquidation_probability_gbm leverage",
     lambda: survival.liquidation_probability_gbm(_s(2.0, 5.0, 10.0), 30, 0.05),
     lambda: survival.liquidation_probability_gbm(np.array([2.0, 5.0, 10.0]), 30, 0.05)),
    ("liquidation_probability_gbm volatility",
     lambda: survival.liquidation_probability_gbm(10.0, 30, _s(0.01, 0.02, 0.03)),
     lambda: survival.liquidation_probability_gbm(10.0, 30, np.array([0.01, 0.02, 0.03]))),
    ("expected_time_to_liquidation_gbm",
     lambda: survival.expected_time_to_liquidation_gbm(_s(2.0, 5.0, 10.0), 0.05, -0.001),
     lambda: survival.expected_time_to_liquidation_gbm(np.array([2.0, 5.0, 10.0]), 0.05, -0.001)),
    ("kelly_leverage", lambda: leverage.kelly_leverage(_s(0.01, 0.02, 0.03), 0.5),
     lambda: leverage.kelly_leverage(np.array([0.01, 0.02, 0.03]), 0.5)),
    ("leveraged_growth_rate", lambda: leverage.leveraged_growth_rate(0.1, 0.5, _s(1, 2, 3)),
     lambda: leverage.leveraged_growth_rate(0.1, 0.5, np.array([1.0, 2.0, 3.0]))),
    ("volatility_drag", lambda: leverage.volatility_drag(_s(0.1, 0.2, 0.3), 2.0),
     lambda: leverage.volatility_drag(np.array([0.1, 0.2, 0.3]), 2.0)),
    ("cornish_fisher_quantile", lambda: moments.cornish_fisher_quantile(_s(0.01, 0.05, 0.1), 0, 1),
     lambda: moments.cornish_fisher_quantile(np.array([0.01, 0.05, 0.1]), 0, 1)),
    ("cornish_fisher_tail_mean",
     lambda: moments.cornish_fisher_tail_mean(_s(0.01, 0.05, 0.1), 0, 1),
     lambda: moments.cornish_fisher_tail_mean(np.array([0.01, 0.05, 0.1]), 0, 1)),
    ("cornish_fisher_is_monotone",
     lambda: moments.cornish_fisher_is_monotone(_s(0.0, 0.5, 2.0), 1.0),
     lambda: moments.cornish_fisher_is_monotone(np.array([0.0, 0.5, 2.0]), 1.0)),
    ("min_liquidated_leverage", lambda: crashes.min_liquidated_leverage(_s(100, 110, 120), 80.0),
     lambda: crashes.min_liquidated_leverage(np.array([100.0, 110.0, 120.0]), 80.0)),
]  # fmt: skip


@pytest.mark.parametrize(("make", "plain"), [r[1:] for r in INDEXED], ids=[r[0] for r in INDEXED])
def test_series_in_series_out(make: Callable[[], Any], plain: Callable[[], Any]) -> None:
    out = make()
    assert isinstance(out, pd.Series)
    pd.testing.assert_index_equal(out.index, IDX)
    np.testing.assert_array_equal(out.to_numpy(), np.asarray(plain()))  # same numbers


def test_scalars_stay_scalars() -> None:
    assert isinstance(survival.liquidation_probability_gbm(10.0, 30, 0.02), float)
    assert isinstance(leverage.kelly_leverage(0.1, 0.5), float)
    assert isinstance(moments.cornish_fisher_quantile(0.05, 0.0, 1.0), float)
    assert isinstance(moments.cornish_fisher_is_monotone(0.0, 1.0), bool)
