"""Tests of the validation helpers every public function relies on."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from riskkit._validation import (
    as_float_array,
    check_option,
    check_positive,
    check_range,
    side_sign,
    wrap_like,
)


def test_as_float_array_converts_and_keeps_values() -> None:
    out = as_float_array([1, 2.5, 3], "x")
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 2.5, 3.0])
    s = pd.Series([1, 2], index=["a", "b"])
    np.testing.assert_array_equal(as_float_array(s, "x"), [1.0, 2.0])


@pytest.mark.parametrize("bad", ["1.0", b"1", np.array(["a"]), np.array([True, False])])
def test_as_float_array_rejects_non_numeric_naming_argument(bad: object) -> None:
    with pytest.raises(TypeError, match="entry_price must be numeric"):
        as_float_array(bad, "entry_price")


def test_as_float_array_rejects_nan_and_inf_with_value() -> None:
    with pytest.raises(ValueError, match=r"size must be finite; got .*nan"):
        as_float_array([1.0, np.nan], "size")
    with pytest.raises(ValueError, match="size must be finite or NaN"):
        as_float_array([1.0, np.inf], "size", allow_nan=True)
    assert np.isnan(as_float_array([np.nan], "size", allow_nan=True)).all()


def test_check_range_message_names_interval_and_value() -> None:
    with pytest.raises(ValueError, match=r"maintenance_margin_rate must be in \[0, 1\); got 1.5"):
        check_range(np.array(1.5), "maintenance_margin_rate", 0, 1, high_inclusive=False)
    np.testing.assert_array_equal(check_range(np.array([0.0, 0.5]), "m", 0, 1), [0.0, 0.5])


def test_check_positive_strict_and_non_strict() -> None:
    with pytest.raises(ValueError, match=r"leverage must be > 0; got 0.0"):
        check_positive(np.array([1.0, 0.0]), "leverage")
    check_positive(np.array([0.0]), "margin", strict=False)
    with pytest.raises(ValueError, match=r"margin must be >= 0; got -1.0"):
        check_positive(np.array([-1.0]), "margin", strict=False)


def test_check_option_lists_allowed_values() -> None:
    assert check_option("linear", "contract", ("linear", "inverse")) == "linear"
    with pytest.raises(
        ValueError, match=r"contract must be one of \('linear', 'inverse'\); got 'x'"
    ):
        check_option("x", "contract", ("linear", "inverse"))
    with pytest.raises(TypeError, match="contract must be one of"):
        check_option(1, "contract", ("linear", "inverse"))


def test_side_sign_scalar_and_array() -> None:
    assert float(side_sign("long")) == 1.0
    assert float(side_sign("short")) == -1.0
    np.testing.assert_array_equal(side_sign(["long", "short", "long"]), [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="side must be 'long' or 'short'; got 'buy'"):
        side_sign(np.array(["long", "buy"]))
    with pytest.raises(ValueError, match="side must be one of"):
        side_sign("Long")


def test_wrap_like_keeps_index_and_returns_float_for_scalars() -> None:
    idx = pd.date_range("2024-01-01", periods=3, tz="UTC")
    s = pd.Series([1.0, 2.0, 3.0], index=idx)
    out = wrap_like(np.array([4.0, 5.0, 6.0]), 2.0, s, name="y")
    assert isinstance(out, pd.Series)
    assert out.index.equals(idx)
    assert out.name == "y"
    assert isinstance(wrap_like(np.array(2.0), 1.0), float)
