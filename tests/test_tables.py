"""Tests of riskkit.tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskkit.tables import format_table, glue_values


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


def test_glue_values_converts_and_glues(monkeypatch: pytest.MonkeyPatch) -> None:
    import myst_nb

    calls: list[tuple[str, object, bool]] = []
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: calls.append((name, value, display))
    )
    glue_values(
        {"oi-drop": np.float64(-0.19)},
        n=np.int64(3),
        day=pd.Timestamp("2020-03-12", tz="UTC"),
        hour=pd.Timestamp("2025-10-10 21:00", tz="UTC"),
        label="x",
    )
    expected = {
        "oi-drop": -0.19,
        "n": 3,
        "day": "2020-03-12",
        "hour": "2025-10-10 21:00",
        "label": "x",
    }
    assert calls == [(k, v, False) for k, v in expected.items()]
    assert type(calls[0][1]) is float and type(calls[1][1]) is int


def test_glue_values_rejects_charts_and_frames() -> None:
    with pytest.raises(TypeError, match="glue value 'f' must be a number, string or Timestamp"):
        glue_values(f=pd.DataFrame({"a": [1]}))
