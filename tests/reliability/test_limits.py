"""Bounds before allocation (flashpoint.limits) and the memory estimate against real results."""

from __future__ import annotations

import math

import pytest

import flashpoint as fp
from flashpoint.errors import ParameterError
from flashpoint.limits import MAX_RUNS, check_memory, check_run_options, estimate_bytes


@pytest.mark.parametrize(("kw", "match"), [
    ({"runs": 0}, "runs: expected an ensemble"), ({"runs": -5}, "runs"),
    ({"runs": MAX_RUNS + 1}, "runs"), ({"runs": 2**70}, "runs"), ({"runs": 2.5}, "integer"),
    ({"runs": True}, "integer"), ({"years": math.nan}, "years"), ({"years": math.inf}, "years"),
    ({"years": 0}, "years"), ({"years": 1e308}, "years"), ({"dt": 0}, "dt"),
    ({"dt": math.nan}, "dt"), ({"dt": 0.3}, "dt"), ({"seed": -1}, "seed"),
    ({"seed": 2**63}, "seed"), ({"chunk_size": 0}, "chunk_size"), ({"workers": 65}, "workers"),
])
def test_each_bound_is_checked_with_a_named_message(kw: dict[str, object], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        check_run_options(cli=False, **kw)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match=match.replace("_", "-") if "_" in match else match):
        check_run_options(**kw)  # type: ignore[arg-type]


def test_valid_options_pass() -> None:
    check_run_options(runs=1, years=100, dt=1 / 12, seed=2**63 - 1, chunk_size=1, workers=0)


@pytest.mark.parametrize("kw", [{"runs": 0}, {"years": math.nan}, {"dt": 0.0}, {"seed": 2**63},
                                {"chunk_size": 0}])
def test_simulate_refuses_before_any_work(kw: dict[str, object]) -> None:
    with pytest.raises(ParameterError):
        fp.simulate(**{"runs": 2, "years": 1, **kw})  # type: ignore[arg-type]


def test_simulate_refuses_a_run_larger_than_memory() -> None:
    with pytest.raises(ParameterError, match=r"GiB of memory .* is available"):
        fp.simulate(runs=MAX_RUNS, years=100)


@pytest.mark.parametrize(("runs", "years", "dt", "attribution", "keep_dyadic"), [
    (20, 3, 0.25, True, False), (20, 3, 1.0, False, False), (10, 2, 0.25, True, True),
])
def test_the_estimate_bounds_the_real_result(runs: int, years: float, dt: float,
                                             attribution: bool, keep_dyadic: bool) -> None:
    ds = fp.simulate(runs=runs, years=years, dt=dt, attribution=attribution,
                     keep_dyadic=keep_dyadic)
    est = estimate_bytes(runs, years, dt, ds.sizes["actor"], attribution=attribution,
                         keep_dyadic=keep_dyadic)
    assert ds.nbytes <= est <= 6 * ds.nbytes, (ds.nbytes, est)


def test_check_memory_passes_small_runs() -> None:
    check_memory(100, 10, 0.25, 35)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_simulate_refuses_non_finite_explicit_values(value: float) -> None:
    import numpy as np

    from flashpoint.engine.context import all_parameters

    name = all_parameters()[0].name
    with pytest.raises(ParameterError, match="expected finite values"):
        fp.simulate(runs=4, years=1, parameters={name: np.full(4, value)})
    with pytest.raises(ParameterError, match="expected finite values"):
        fp.simulate(runs=4, years=1, levers={"any": np.full(4, value)})
