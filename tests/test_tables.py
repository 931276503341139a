"""Tests of riskkit.tables."""

from __future__ import annotations

import pandas as pd
import pytest

from riskkit.tables import format_table


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
