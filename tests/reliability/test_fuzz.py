"""Property-based fuzzing of every file loader: only flashpoint's own errors may come out.

Three kinds of input for each loader (scenario, world, claims, calibration):
structured documents with wild leaves (huge integers, NaN, infinities, deep
nesting, wrong types where tables belong), random mutations of the shipped
files, and raw bytes. Whatever the input, a loader returns or raises a
:class:`~flashpoint.errors.FlashpointError` whose message is one line.

Budget: ``FLASHPOINT_FUZZ_EXAMPLES`` examples per test (default 40 in CI; set
it to a few thousand for a long local run: ``FLASHPOINT_FUZZ_EXAMPLES=5000``).
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from corpus import VALID_CLAIMS, VALID_SCENARIO, VALID_WORLD, valid_calibration
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashpoint.errors import FlashpointError

EXAMPLES = int(os.environ.get("FLASHPOINT_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
_DIR = Path(tempfile.mkdtemp(prefix="flashpoint-fuzz-"))

# Keys the loaders know, so that structured documents reach deep into the schemas.
KEYS = ["scenario", "name", "title", "description", "sources", "seed", "quote", "lever",
        "effect", "start", "shock", "kind", "at", "flashpoint", "magnitude", "duration", "by",
        "target", "edit", "source", "strength", "mutual", "actors", "share", "override",
        "parameter", "range", "mechanisms", "disable", "variants", "base_year", "actor",
        "iso3", "ccode", "theatre", "capital", "milex", "gdp", "population", "lat", "lon",
        "warheads", "ideal_point", "relation", "a", "b", "symmetric", "remove", "claim", "id",
        "side", "paraphrase", "metric", "selector", "statistic", "direction", "threshold",
        "scale", "horizon", "baseline", "note", "train", "accepted", "prior", "weights",
        "distance", "diagnostics", "x"]
VALUES = ["nato_ip4_partnership", "taiwan_strait", "crisis", "USA", "CHN", "JPN", "usa",
          "defense", "partnership", "sceptic", "increase", "mean", "tension_china_west",
          "status_quo", "other", "indo_pacific", "arms.reaction", "commitment", "signal"]

leaves = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(VALUES),
    st.text(max_size=12),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(min_size=1, max_size=8))


def _documents(leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    tree = st.recursive(leaf, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                     st.dictionaries(keys, kids, max_size=5)),
                        max_leaves=30)
    return st.dictionaries(keys, tree, min_size=1, max_size=6)


def _toml(doc: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(doc)
    except (TypeError, ValueError):  # TOML cannot hold every document (mixed arrays, None)
        return None


def _mutate(text: str, ops: list[tuple[int, int, str]]) -> str:
    for kind, pos, piece in ops:
        pos = pos % (len(text) + 1)
        if kind == 0:
            text = text[:pos] + piece + text[pos:]
        elif kind == 1:
            text = text[:pos] + text[pos + len(piece) + 1:]
        elif kind == 2:
            text = text[:pos] + piece + text[pos + len(piece):]
        else:
            line_start = text.rfind("\n", 0, pos) + 1
            line_end = text.find("\n", pos)
            line = text[line_start:line_end if line_end >= 0 else len(text)]
            text = text[:line_start] + line + "\n" + text[line_start:]
    return text


mutations = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 10**6),
                               st.sampled_from(['"', "[", "]", "{", "}", "=", "nan", "inf",
                                                "-1e308", "\n", ",", "[[", "0", "true", "\x00",
                                                "é", '"USA"', "[scenario]", "1e400"])),
                     min_size=1, max_size=6)


@cache
def _world_arrays() -> Any:
    from flashpoint.world import load_world

    return load_world(2024).to_arrays()


def _shipped_scenario() -> str:
    root = resources.files("flashpoint.scenarios") / "catalogue"
    return (root / "nato_ip4_partnership.toml").read_text(encoding="utf-8")


def _shipped_claims() -> str:
    text = (resources.files("flashpoint.claims") / "catalogue.toml").read_text(encoding="utf-8")
    return text[: text.find("[[claim]]", text.find("[[claim]]", text.find("[[claim]]") + 1) + 1)]


def _load_scenario(path: Path) -> None:
    from flashpoint.scenarios import check_file

    check_file(str(path), _world_arrays())


def _load_world(path: Path) -> None:
    from flashpoint.world import load_world_file

    load_world_file(path)


def _load_claims(path: Path) -> None:
    from flashpoint.claims import load_claims

    load_claims(path)


def _load_calibration(path: Path) -> None:
    from flashpoint.validation.calibrate import load_calibration

    load_calibration(path).sample(4, 0)


LOADERS: dict[str, tuple[Callable[[Path], None], str]] = {
    "scenario": (_load_scenario, ".toml"),
    "world": (_load_world, ".toml"),
    "world_json": (_load_world, ".json"),
    "claims": (_load_claims, ".toml"),
    "calibration": (_load_calibration, ".json"),
}


def _only_own_errors(kind: str, data: bytes) -> None:
    load, suffix = LOADERS[kind]
    path = _DIR / f"{kind}{suffix}"
    path.write_bytes(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load(path)
    except FlashpointError as e:
        assert "\n" not in str(e).strip(), f"a multi-line error: {e}"
    # anything else propagates and fails the test, with hypothesis' minimal example


@pytest.mark.parametrize("kind", list(LOADERS))
@FUZZ
@given(doc=_documents(leaves))
def test_structured_documents_with_wild_leaves(kind: str, doc: dict[str, Any]) -> None:
    text = json.dumps(doc) if LOADERS[kind][1] == ".json" else _toml(doc)
    if text is not None:
        _only_own_errors(kind, text.encode("utf-8", "surrogatepass"))


def _shipped(kind: str) -> str:
    if kind == "scenario":
        return _shipped_scenario()
    if kind == "claims":
        return _shipped_claims()
    if kind == "world":
        return VALID_WORLD
    if kind == "world_json":
        return json.dumps({"base_year": 2010, "actors": ["USA", "RUS", "CHN"],
                           "actor": [{"iso3": "USA", "milex": 700.0}],
                           "relation": [{"a": "USA", "b": "CHN", "kind": "rivalry"}]})
    return json.dumps(_calibration_doc())


@cache
def _calibration_doc() -> dict[str, Any]:
    return valid_calibration()


@pytest.mark.parametrize("kind", list(LOADERS))
@FUZZ
@given(ops=mutations)
def test_mutations_of_the_shipped_files(kind: str, ops: list[tuple[int, int, str]]) -> None:
    _only_own_errors(kind, _mutate(_shipped(kind), ops).encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("kind", list(LOADERS))
@FUZZ
@given(data=st.binary(max_size=512))
def test_raw_bytes(kind: str, data: bytes) -> None:
    _only_own_errors(kind, data)


@pytest.mark.parametrize("kind", ["scenario", "claims"])
@FUZZ
@given(doc=_documents(leaves))
def test_structured_documents_in_the_shipped_shape(kind: str, doc: dict[str, Any]) -> None:
    """Wild documents spliced into a valid file, so that they reach the schema."""
    base = VALID_SCENARIO if kind == "scenario" else VALID_CLAIMS
    extra = _toml({"lever" if kind == "scenario" else "claim": [doc]})
    if extra is not None:
        _only_own_errors(kind, (base + "\n" + extra).encode("utf-8", "surrogatepass"))


def test_the_fuzz_inputs_are_valid_to_start_with() -> None:
    """The shipped and valid inputs load, so the mutations start from real files."""
    for kind in LOADERS:
        path = _DIR / f"ok_{kind}{LOADERS[kind][1]}"
        path.write_text(_shipped(kind), encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            LOADERS[kind][0](path)
