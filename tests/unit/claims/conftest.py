"""Synthetic ensemble results in the layout of docs/architecture.md ("The result")."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pytest
import xarray as xr

FLASHPOINTS = ["taiwan_strait", "korean_peninsula", "south_china_sea", "east_china_sea", "baltic"]
ACTORS = ["USA", "CHN", "RUS", "PRK", "JPN", "KOR", "DEU", "FRA", "GBR", "ITA"]
REGIONS = ["euro_atlantic", "indo_pacific"]
TIME = np.arange(0.0, 10.25, 0.25)  # quarterly, 10 years

MakeResult = Callable[..., xr.Dataset]


def make_result(
    scalar: Mapping[str, np.ndarray] | None = None,
    *,
    runs: int | None = None,
    scenario: str = "status_quo",
    seed: int = 0,
    params: Mapping[str, np.ndarray] | None = None,
    credibility: np.ndarray | None = None,
    alignment: np.ndarray | None = None,
) -> xr.Dataset:
    """A result with time-constant scalar metrics given per run (arrays of shape (runs,)).

    ``runs`` defaults to the length of the scalar arrays (100 without any).

    ``credibility`` may be (runs, flashpoint) and ``alignment`` (runs, actor, counterpart);
    both are held constant in time. Missing fields are zero.
    """
    scalar = dict(scalar or {})
    if runs is None:
        runs = len(next(iter(scalar.values()))) if scalar else 100
    t = TIME.size
    data: dict[str, tuple[tuple[str, ...], np.ndarray]] = {}
    for name, per_run in scalar.items():
        data[name] = (("run", "time"), np.repeat(np.asarray(per_run, float)[:, None], t, axis=1))
    cred = np.zeros((runs, len(FLASHPOINTS))) if credibility is None else credibility
    data["credibility"] = (("run", "time", "flashpoint"),
                           np.repeat(cred[:, None, :], t, axis=1))
    ali = np.zeros((runs, len(ACTORS), len(ACTORS))) if alignment is None else alignment
    data["alignment"] = (("run", "time", "actor", "counterpart"),
                         np.repeat(ali[:, None], t, axis=1))
    data["arms_race_index"] = (("run", "time", "region"), np.zeros((runs, t, len(REGIONS))))
    coords: dict[str, object] = {
        "run": np.arange(runs), "time": TIME, "flashpoint": FLASHPOINTS,
        "actor": ACTORS, "counterpart": ACTORS, "region": REGIONS,
    }
    for name, values in (params or {}).items():
        coords[f"param__{name}"] = ("run", np.asarray(values, float))
    return xr.Dataset(data, coords=coords,
                      attrs={"seed": seed, "design": "latin_hypercube", "scenario": scenario})


@pytest.fixture
def result() -> MakeResult:
    """The :func:`make_result` factory."""
    return make_result
