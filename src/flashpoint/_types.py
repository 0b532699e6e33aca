"""Type aliases shared across flashpoint (aliases only, no behaviour)."""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
SeedLike: TypeAlias = "int | np.random.SeedSequence | None"
