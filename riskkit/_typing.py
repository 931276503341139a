"""Type aliases and the controlled vocabularies shared by every module."""

from __future__ import annotations

from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["CONTRACTS", "SIDES", "ArrayLike", "Contract", "FloatArray", "MarginMode", "Side"]

#: Anything :func:`numpy.asarray` turns into floats: scalars, sequences, arrays, Series.
ArrayLike: TypeAlias = float | int | npt.ArrayLike | pd.Series
FloatArray: TypeAlias = npt.NDArray[np.float64]

Side = Literal["long", "short"]
Contract = Literal["linear", "inverse"]
MarginMode = Literal["isolated", "cross"]

SIDES: tuple[str, ...] = ("long", "short")
CONTRACTS: tuple[str, ...] = ("linear", "inverse")
