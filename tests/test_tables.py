"""Tests of riskkit.tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskkit.tables import format_table, glue_values, humanize


def test_format_table_formats_named_columns_only() -> None:
    df = pd.DataFrame({"a": [0.123, None], "b": [1.5, 2.5]}, index=["x", "y"])
    out = format_table(df, {"a": "{:.1%}"}, na_rep="n/a")
    assert out["a"].tolist() == ["12.3%", "n/a"]
    assert out["b"].tolist() == [1.5, 2.5]
    assert out.index.tolist() == ["x", "y"]
    assert df["a"].iloc[0] == 0.123  # input untouched


def test_format_table_is_deterministic_html() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0]})
    assert (
        format_table(df, {"a": "{:.2f}"})._repr_html_()
        == format_table(df, {"a": "{:.2f}"})._repr_html_()
    )


def test_unknown_column_is_an_error() -> None:
    with pytest.raises(KeyError, match=r"formats names columns not in the frame: \['z'\]"):
        format_table(pd.DataFrame({"a": [1.0]}), {"z": "{}"})


def test_format_table_never_shows_inf_and_humanizes_headers() -> None:
    # by hand: -inf and nan are both "no value"; leverage 2.0 reads "2x" with the "{:g}x" spec
    df = pd.DataFrame(
        {"final_equity": [1.0, -np.inf], "pvalue": [0.01234, np.nan]},
        index=pd.Index([2.0, 3.0], name="leverage"),
    )
    out = format_table(
        df.reset_index(),
        {"leverage": "{:g}x", "final_equity": "{:,.2f}", "pvalue": "{:.3f}"},
        headers={"final_equity": "final equity (USD)"},
    )
    assert out.columns.tolist() == ["leverage", "final equity (USD)", "p-value"]
    assert out.to_numpy().tolist() == [["2x", "1.00", "0.012"], ["3x", "–", "–"]]
    assert format_table(df, {}, headers=True).index.name == "leverage"


def test_humanize_known_and_snake_case_names() -> None:
    assert humanize("bse") == "std. error"
    assert humanize("liquidation_price") == "liquidation price"
    assert humanize("long_liquidations_usd") == "long liquidations (USD)"
    assert humanize(3) == 3


def test_headers_must_be_a_mapping_of_str() -> None:
    with pytest.raises(TypeError, match="headers"):
        format_table(pd.DataFrame({"a": [1.0]}), {}, headers={"a": 1})  # type: ignore[dict-item]


def _capture(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict, dict]]:
    import IPython.display

    calls: list[tuple[dict, dict]] = []
    monkeypatch.setattr(
        IPython.display, "display", lambda obj, raw, metadata: calls.append((obj, metadata))
    )
    return calls


def test_glue_values_records_formatted_text_in_myst_nb_glue_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _capture(monkeypatch)
    glue_values(
        {"hyphen-name": (np.float64(0.012649813116004806), ".1%")},
        n=np.int64(3),
        big=(1234567.891, ",.0f"),
        day=pd.Timestamp("2020-03-12"),
        hour=pd.Timestamp("2025-10-10 21:00"),
        label="BTC",
    )
    texts = {md["scrapbook"]["name"]: obj for obj, md in calls}
    prefix = "application/papermill.record/"
    assert texts["hyphen-name"] == {prefix + "text/plain": "'1.3%'"}
    assert texts["n"][prefix + "text/plain"] == "'3'"
    assert texts["big"][prefix + "text/plain"] == "'1,234,568'"
    assert texts["day"][prefix + "text/plain"] == "'2020-03-12'"
    assert texts["hour"][prefix + "text/plain"] == "'2025-10-10 21:00'"
    assert all(md["scrapbook"]["mime_prefix"] == prefix for _, md in calls)


def test_glued_text_is_the_same_whatever_the_last_digits() -> None:
    from riskkit.book import _text

    # regression: these pairs were recorded at full precision and failed nbval on another machine
    for a, b, spec in [
        (0.012649813116004806, 0.012649814055917722, ".2%"),
        (-0.023399590361763496, -0.023399590361763468, ".3f"),
        (211.35606680236245, 211.35606680236273, ",.0f"),
    ]:
        assert _text("x", (a, spec)) == _text("x", (b, spec))


def test_glue_values_formats_mapping_applies_to_bare_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _capture(monkeypatch)
    glue_values({"p_a": 0.25, "p_b": (0.5, ".0%")}, formats={"p_a": ".1%", "p_b": ".3f"})
    texts = {md["scrapbook"]["name"]: next(iter(obj.values())) for obj, md in calls}
    assert texts == {"p_a": "'25.0%'", "p_b": "'50%'"}  # an explicit (value, spec) wins
    with pytest.raises(KeyError, match="formats names 'zz', which is not among the glued values"):
        glue_values({"p_a": 0.25}, formats={"zz": ".1f"})


def test_glue_values_refuses_floats_without_format_and_other_types() -> None:
    with pytest.raises(TypeError, match=r"glue value 'x' is a float \(0\.5\): glue it with"):
        glue_values(x=0.5)
    with pytest.raises(TypeError, match="glue value 'f' must be a string, an integer"):
        glue_values(f=pd.DataFrame({"a": [1]}))
    with pytest.raises(ValueError, match="glue value 'x' must be finite; got nan"):
        glue_values(x=(float("nan"), ".1f"))
    with pytest.raises(ValueError, match=r"glue value 'x': invalid format spec '\.1q'"):
        glue_values(x=(0.5, ".1q"))
    with pytest.raises(TypeError, match="a format spec needs a real number; got str"):
        glue_values(x=("0.5", ".1f"))


def test_format_table_rejects_a_non_frame_and_formats_that_are_not_a_mapping_of_str() -> None:
    df = pd.DataFrame({"a": [1.0]})
    with pytest.raises(TypeError, match=r"frame must be a pandas DataFrame; got Series"):
        format_table(df["a"], {})  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"formats must be a mapping .*; got list \['a'\]"):
        format_table(df, ["a"])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"formats\['a'\] must be a format spec; got int 3"):
        format_table(df, {"a": 3})  # type: ignore[dict-item]
