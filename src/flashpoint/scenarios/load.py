"""Read, check, write and identify scenario files.

:func:`load_scenario` parses a TOML file (or a catalogue name) and validates
it against :class:`~flashpoint.scenarios.schema.Scenario`. Every failure -
bad TOML, an unknown table or field, a wrong type, a value out of bounds, an
unknown lever, flashpoint or actor - is raised as one
:class:`~flashpoint.errors.ScenarioError` naming the file, the line, the
field path (``lever[2].effect``) and the reason. Valid but dubious input
(a lever effect outside its sourced range, an override of a parameter whose
mechanism is not registered yet) warns with
:class:`~flashpoint.errors.FlashpointWarning`.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import warnings
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w
from pydantic import ValidationError

from flashpoint.errors import FlashpointWarning, ScenarioError, did_you_mean, suggest
from flashpoint.scenarios.levers import LEVERS
from flashpoint.scenarios.schema import (
    CommitmentEdit,
    PartnershipEdit,
    PresenceEdit,
    RelationEdit,
    Scenario,
    SignalEdit,
    SpendingEdit,
    TradeEdit,
)

__all__ = [
    "catalogue",
    "catalogue_names",
    "catalogue_path",
    "check_warnings",
    "digest",
    "dump_toml",
    "load_scenario",
    "parse_scenario",
    "read_source",
    "scenario_json_schema",
]

Path_ = tuple[str | int, ...]


# --------------------------------------------------------------------------- line index

_BARE_KEY = r"[A-Za-z0-9_\-]+"
_KEY = rf'(?:{_BARE_KEY}|"[^"]*"|\'[^\']*\')'
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_KEYVAL = re.compile(rf"^\s*({_DOTTED})\s*=")


def _split_key(dotted: str) -> list[str]:
    parts = re.findall(_KEY, dotted)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _scan_value(line: str, start: int, depth: int, in_ml: str | None) -> tuple[int, str | None]:
    """Update bracket depth and multi-line string state over ``line[start:]``."""
    i, n = start, len(line)
    while i < n:
        if in_ml is not None:
            end = line.find(in_ml, i)
            if end < 0:
                return depth, in_ml
            i, in_ml = end + 3, None
            continue
        c = line[i]
        if c == "#":
            break
        if line.startswith('"""', i) or line.startswith("'''", i):
            in_ml = line[i : i + 3]
            i += 3
            continue
        if c in "\"'":
            j = i + 1
            while j < n and line[j] != c:
                j += 2 if (c == '"' and line[j] == "\\") else 1
            i = j + 1
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        i += 1
    return depth, in_ml


def line_index(text: str) -> dict[Path_, int]:
    """Map each table and key path of a TOML text to its 1-based line number.

    Arrays of tables get their index (``("lever", 2, "effect")``); inline
    tables inside an array value (``sources = [{...}, {...}]``) are indexed
    when each starts on its own line. Used only to point error messages at a
    line: the TOML itself is parsed by :mod:`tomllib`.
    """
    index: dict[Path_, int] = {}
    counters: dict[tuple[str | int, ...], int] = {}
    table: Path_ = ()
    depth, in_ml = 0, None
    array_key: Path_ | None = None
    array_items = 0
    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_ml is not None or depth > 0:
            if array_key is not None and depth == 1 and in_ml is None and line.lstrip().startswith("{"):
                index.setdefault((*array_key, array_items), lineno)
                array_items += 1
            depth, in_ml = _scan_value(line, 0, depth, in_ml)
            if depth <= 0:
                array_key = None
            continue
        header = _HEADER.match(line)
        if header:
            keys = tuple(_split_key(header.group(2)))
            if header.group(1) == "[[":
                n = counters.get(keys, 0)
                counters[keys] = n + 1
                table = (*keys, n)
                index.setdefault(keys, lineno)
            else:
                table = keys
            index.setdefault(table, lineno)
            continue
        kv = _KEYVAL.match(line)
        if kv:
            path = (*table, *_split_key(kv.group(1)))
            index.setdefault(path, lineno)
            rest = line[kv.end() :]
            depth, in_ml = _scan_value(rest, 0, 0, None)
            if depth > 0:
                array_key, array_items = path, 0
                stripped = rest.strip()
                if stripped.startswith("[") and stripped[1:].lstrip().startswith("{"):
                    index.setdefault((*path, 0), lineno)
                    array_items = 1
    return index


def _line_for(index: Mapping[Path_, int], path: Sequence[str | int]) -> int | None:
    for k in range(len(path), 0, -1):
        hit = index.get(tuple(path[:k]))
        if hit is not None:
            return hit
    return None


def _field_name(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out or "<file>"


# --------------------------------------------------------------------------- errors

_EDIT_MODELS: dict[str, Any] = {
    "commitment": CommitmentEdit,
    "partnership": PartnershipEdit,
    "spending": SpendingEdit,
    "trade": TradeEdit,
    "relation": RelationEdit,
    "presence": PresenceEdit,
    "signal": SignalEdit,
}
_TAGGED = set(_EDIT_MODELS)


def _clean_loc(loc: Sequence[str | int]) -> list[str | int]:
    """Drop pydantic's discriminator tags and validator names from an error location."""
    out: list[str | int] = []
    for k, part in enumerate(loc):
        if isinstance(part, str) and (
            (part in _TAGGED and k >= 2 and loc[k - 2] == "edit")
            or part.startswith("function-")
            or "[" in part
        ):
            continue
        out.append(part)
    return out


def _expected_fields(data: Any, loc: Sequence[str | int]) -> list[str]:
    """Field names of the model at ``loc`` (the parent of an unknown key)."""
    from pydantic import BaseModel

    current: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
    if current is None and loc and loc[0] == "edit" and len(loc) >= 2:
        # an [[edit]] entry: the fields depend on its kind
        entry = data.get("edit", ())
        idx = loc[1]
        if isinstance(idx, int) and idx < len(entry) and isinstance(entry[idx], dict):
            current = _EDIT_MODELS.get(str(entry[idx].get("kind")))
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = [a for a in (_model_in(arg) for arg in get_args(annotation)) if a is not None]
    return args[0] if len(args) == 1 else None


def _reason(err: Mapping[str, Any], fields: list[str]) -> str:
    kind = err["type"]
    loc = err["loc"]
    found = err.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        close = suggest(name, fields) if fields else []
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        expected = f" Expected one of: {', '.join(fields)}." if fields else ""
        return f"unknown field {name!r}.{hint}{expected}"
    if kind == "missing":
        return "required field is missing."
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return (
            f"unknown edit kind {found.get('kind') if isinstance(found, dict) else found!r}; "
            f"expected one of {', '.join(sorted(_TAGGED))}."
        )
    msg = str(err["msg"]).rstrip(".")
    return f"{msg}. Got {_show(found)} instead."


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        value = list(value)
    return f"{value!r} ({type(value).__name__})"


def _as_tuples(value: Any) -> Any:
    """TOML arrays become tuples, so that strict validation accepts them."""
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _as_tuples(v) for k, v in value.items()}
    return value


def parse_scenario(text: str, path: str = "<string>") -> Scenario:
    """Validate a scenario given as TOML text; ``path`` names it in errors."""
    from flashpoint.files import check_tree

    def refuse(where: str, reason: str) -> ScenarioError:
        return ScenarioError(path, "<toml>", reason.rstrip(".").rstrip() + ".")

    if len(text) > MAX_SCENARIO_BYTES:
        raise refuse(path, f"expected a scenario of at most {MAX_SCENARIO_BYTES // 1024} KiB. "
                     f"Got {len(text) // 1024} KiB instead")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(err))
        line = int(m.group(1)) if m else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(err))
        raise ScenarioError(path, "<toml>", f"invalid TOML: {reason}.", line) from err
    except RecursionError:
        raise refuse(path, "nested too deeply for a scenario") from None
    check_tree(data, path, error=refuse)
    for table in ("lever", "shock", "edit", "override"):
        entries = data.get(table)
        if isinstance(entries, list) and len(entries) > MAX_ENTRIES:
            raise ScenarioError(path, table, f"expected at most {MAX_ENTRIES} [[{table}]] entries. "
                                f"Got {len(entries)} instead.")
    if "scenario" not in data:
        close = [k for k in data if suggest(k, ["scenario"])]
        hint = f" (found {', '.join(map(repr, close))})" if close else ""
        line = line_index(text).get((close[0],), 1) if close else 1
        if close:
            raise ScenarioError(
                path, close[0], f"unknown table {close[0]!r}. Did you mean 'scenario'?", line
            )
        raise ScenarioError(path, "scenario", f"the [scenario] table is missing{hint}.", 1)
    try:
        scenario = Scenario.model_validate(_as_tuples(data))
    except ValidationError as err:
        errors = err.errors(include_url=False)
        # An unknown key is most often a misspelt field that is then also
        # reported missing: name the unknown key first.
        first = min(errors, key=lambda e: (e["type"] != "extra_forbidden", e["type"] == "missing"))
        loc = _clean_loc(first["loc"])
        fields = _expected_fields(data, loc[:-1]) if first["type"] == "extra_forbidden" else []
        line = _line_for(line_index(text), loc)
        extra = len(err.errors()) - 1
        more = f" ({extra} more error{'s' if extra > 1 else ''} after this one)" if extra else ""
        raise ScenarioError(path, _field_name(loc), _reason(first, fields) + more, line) from None
    return scenario


#: Largest scenario file or text (the catalogue's are a few KiB), and entries per table.
MAX_SCENARIO_BYTES = 1024 * 1024
MAX_ENTRIES = 1000


def _duplicate_warnings(scenario: Scenario, path: str, index: dict[Any, int]) -> None:
    """A lever used twice, or an actor named twice in one edit: valid, but likely a slip."""
    first: dict[str, int] = {}
    for k, use in enumerate(scenario.lever):
        if use.lever in first:
            line = _line_for(index, ("lever", k, "lever"))
            loc = f"{path}:{line}" if line is not None else path
            warnings.warn(f"{loc}: field 'lever[{k}].lever': lever {use.lever!r} is used again "
                          f"(first in lever[{first[use.lever]}]); both apply.",
                          FlashpointWarning, stacklevel=4)
        first.setdefault(use.lever, k)
    for table, entries in (("edit", scenario.edit), ("shock", scenario.shock)):
        for k, entry in enumerate(entries):
            for name, value in entry:
                if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
                    dup = sorted({v for v in value if value.count(v) > 1})
                    if dup and name not in ("flashpoints",):
                        line = _line_for(index, (table, k, name))
                        loc = f"{path}:{line}" if line is not None else path
                        warnings.warn(f"{loc}: field '{table}[{k}].{name}': actor {dup[0]!r} is "
                                      "named twice; it counts once.", FlashpointWarning,
                                      stacklevel=4)


def check_warnings(scenario: Scenario, path: str = "<string>", text: str | None = None) -> None:
    """Warn about valid but dubious choices (lever effects outside their sourced range,
    a lever used twice, an actor named twice in one edit)."""
    index = line_index(text) if text is not None else {}
    _duplicate_warnings(scenario, path, index)
    for k, use in enumerate(scenario.lever):
        if use.effect is None:
            continue
        lever = LEVERS[use.lever]
        lo, hi = lever.effect
        if use.effect[0] < lo or use.effect[1] > hi:
            line = _line_for(index, ("lever", k, "effect"))
            loc = f"{path}:{line}" if line is not None else path
            warnings.warn(
                f"{loc}: field 'lever[{k}].effect': effect [{use.effect[0]}, {use.effect[1]}] of "
                f"lever {use.lever!r} lies outside its sourced range [{lo}, {hi}] "
                f"({lever.source})",
                FlashpointWarning,
                stacklevel=3,
            )
    from flashpoint.engine.context import all_parameters

    registered = {p.name.split(".", 1)[0] for p in all_parameters()}
    for k, o in enumerate(scenario.override):
        if o.parameter.split(".", 1)[0] not in registered:
            line = _line_for(index, ("override", k, "parameter"))
            loc = f"{path}:{line}" if line is not None else path
            warnings.warn(
                f"{loc}: field 'override[{k}].parameter': mechanism of {o.parameter!r} is not "
                "registered, so the name and range could not be checked.",
                FlashpointWarning,
                stacklevel=3,
            )


# --------------------------------------------------------------------------- catalogue

_CATALOGUE = "catalogue"


def catalogue_names() -> tuple[str, ...]:
    """Names of the shipped catalogue scenarios, sorted."""
    root = resources.files("flashpoint.scenarios").joinpath(_CATALOGUE)
    return tuple(
        sorted(p.name.removesuffix(".toml") for p in root.iterdir() if p.name.endswith(".toml"))
    )


def catalogue_path(name: str) -> Path:
    """Path of a shipped catalogue file; unknown names suggest close ones."""
    names = catalogue_names()
    if name not in names:
        hint = did_you_mean(name, names)
        raise ScenarioError(
            name, "name", f"no scenario file and no catalogue scenario called {name!r}.{hint}"
        )
    return Path(str(resources.files("flashpoint.scenarios").joinpath(_CATALOGUE, f"{name}.toml")))


def read_source(path_or_name: str | Path) -> tuple[Path, str]:
    """Resolve a path or catalogue name and read its text (errors as ScenarioError)."""
    from flashpoint.files import read_text

    p = Path(path_or_name)
    if not p.exists() and not p.is_symlink():
        if isinstance(path_or_name, str) and re.fullmatch(r"[a-z][a-z0-9_]*", path_or_name):
            p = catalogue_path(path_or_name)
        else:
            raise ScenarioError(str(path_or_name), "<file>", "file not found.")
    text = read_text(p, error=lambda where, reason: ScenarioError(where, "<file>", reason))
    return p, text


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Load and validate a scenario file, or a catalogue scenario by name.

    Parameters
    ----------
    path_or_name : str or pathlib.Path
        A path to a ``.toml`` file, or the name of a shipped catalogue
        scenario (``"nato_ip4_partnership"``).

    Raises
    ------
    ScenarioError
        Naming the file, line, field and reason of the first problem.

    Warns
    -----
    FlashpointWarning
        For a lever effect outside its sourced range, or an override whose
        mechanism is not registered.
    """
    p, text = read_source(path_or_name)
    scenario = parse_scenario(text, str(p))
    check_warnings(scenario, str(p), text)
    return scenario


def catalogue() -> dict[str, Scenario]:
    """Every shipped catalogue scenario by name."""
    return {name: load_scenario(catalogue_path(name)) for name in catalogue_names()}


# --------------------------------------------------------------------------- identity and output


def _plain(scenario: Scenario) -> dict[str, Any]:
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    return data


def digest(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON (defaults omitted, keys sorted)."""
    blob = json.dumps(_plain(scenario), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(blob.encode()).hexdigest()


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of the scenario format (for editors: Even Better TOML, Taplo)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "flashpoint scenario"
    return schema


def dump_toml(scenario: Scenario) -> str:
    """Write a scenario as TOML that :func:`parse_scenario` reads back to an equal scenario."""
    data = scenario.model_dump(mode="json", exclude_defaults=True)  # tuples become lists
    return tomli_w.dumps({k: v for k, v in data.items() if v not in ([], {})})
