"""The malformed-input corpus: every case with its expected outcome (docs/reliability.md).

Each :class:`Case` builds its input in a scratch folder and names the outcome
it must have: ``"error"`` (a one-line flashpoint error, no traceback),
``"accept"`` (valid input, taken silently) or ``"warn"`` (valid but dubious:
taken with a one-line warning). The runner classifies what actually happens:

- ``clean``: the expected outcome (an error that is one line and a
  :class:`~flashpoint.errors.FlashpointError`, or an accepted input);
- ``traceback``: any other exception (or a 5xx from the web API, or a
  Python traceback printed by the CLI);
- ``accepted``: a bad input taken as valid (or a warning that is missing);
- ``refused``: a valid input refused;
- ``hang``: no answer within the time limit.

Four groups: the file loaders (scenario, world, claims, calibration files) run
in this process; the web API through FastAPI's TestClient; the CLI through the
installed ``flashpoint`` script in a subprocess, as a shell runs it.

Run it as a script to print the counts (``--only files,web,cli``)::

    PYTHONPATH=src python tests/reliability/corpus.py
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _reliability import env as _env
from _reliability import flashpoint_command

FILE_TIMEOUT = 5.0
CLI_TIMEOUT = 90.0


@dataclass
class Case:
    """One input and the outcome it must have."""

    id: str
    group: str  # "scenario" | "world" | "claims" | "calibration" | "web" | "cli"
    expect: str  # "error" | "accept" | "warn"
    make: Callable[[Path], Any]  # builds the input in a scratch folder, returns what to run
    note: str = ""


@dataclass
class Outcome:
    case: Case
    verdict: str  # clean | traceback | accepted | refused | hang
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# ----------------------------------------------------------------------------- valid inputs

VALID_SCENARIO = """\
[scenario]
name = "corpus_case"
title = "A corpus scenario"

[[lever]]
lever = "nato_ip4_partnership"
effect = [0.2, 0.4]

[[shock]]
kind = "crisis"
at = 1
flashpoint = "taiwan_strait"
magnitude = [0.5, 0.8]
"""

VALID_WORLD = """\
base_year = 2024
actors = ["USA", "CHN", "JPN", "DEU", "TWN"]

[[actor]]
iso3 = "TWN"
milex = 25.0
source = "Taiwan MND 2025 budget"

[[actor]]
iso3 = "XKA"
name = "Atlantis"
theatre = "other"
lat = 10.0
lon = -30.0
population = 1.0
gdp = 10.0
milex = 0.2

[[relation]]
a = "DEU"
b = "JPN"
kind = "partnership"
"""

VALID_CLAIMS = """\
[[claim]]
id = "corpus_claim_one"
side = "sceptic"
paraphrase = "NATO engagement in East Asia raises tension between China and the West."
source = { seed = "000_e88f8b8d614da2d5.txt", quote = "It is bound to increase tensions between China and NATO" }
metric = "tension_china_west"
statistic = "mean"
direction = "increase"
scenario = "nato_ip4_partnership"

[[claim]]
id = "corpus_claim_two"
side = "sceptic"
paraphrase = "NATO engagement in East Asia binds China and Russia closer together."
source = { seed = "000_e88f8b8d614da2d5.txt", quote = "risks binding China and Russia closer together" }
metric = "cohesion_chn_rus"
direction = "increase"
scenario = "nato_ip4_partnership"
"""


def valid_calibration() -> dict[str, Any]:
    """A calibration document as ``flashpoint calibrate`` writes it (synthetic values)."""
    import numpy as np

    from flashpoint.engine.context import all_parameters

    params = all_parameters()
    rng = np.random.default_rng(0)
    m = 8
    return {
        "train": [1995, 2013],
        "accepted": {p.name: list(map(float, p.low + (p.high - p.low) * rng.random(m)))
                     for p in params},
        "prior": {p.name: [float(p.low), float(p.high), bool(p.log)] for p in params},
        "weights": [1.0 / m] * m,
        "distance": list(map(float, rng.random(m))),
        "diagnostics": {"runs": 80, "seed": 0, "alpha": 0.1},
    }


# ----------------------------------------------------------------------------- builders


def _write(name: str, content: str | bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        return p

    return make


def _special(kind: str, suffix: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        if kind == "missing":
            return tmp / f"missing{suffix}"
        if kind == "dir":
            d = tmp / f"adir{suffix}"
            d.mkdir()
            return d
        if kind == "fifo":
            p = tmp / f"pipe{suffix}"
            os.mkfifo(p)
            return p
        if kind == "devzero":
            return Path("/dev/zero")
        if kind == "devnull":
            return Path("/dev/null")
        if kind == "symlink_loop":
            p = tmp / f"loop{suffix}"
            p.symlink_to(p)
            return p
        if kind == "dangling":
            p = tmp / f"dangling{suffix}"
            p.symlink_to(tmp / "nowhere")
            return p
        if kind == "unreadable":
            p = tmp / f"secret{suffix}"
            p.write_text("x = 1\n")
            p.chmod(0)
            return p
        raise ValueError(kind)

    return make


def _symlink_to(name: str, content: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        target = tmp / ("target_" + name)
        target.write_text(content, encoding="utf-8")
        link = tmp / name
        link.symlink_to(target)
        return link

    return make


def _deep_toml(depth: int) -> str:
    return "x = " + "[" * depth + "1" + "]" * depth + "\n"


def _deep_json(depth: int) -> str:
    return '{"a": ' + "[" * depth + "1" + "]" * depth + "}"


def _generic_cases(group: str, suffix: str, valid: str, prefix: str = "") -> list[Case]:
    """File-level malformations common to every loader."""
    fmt_json = suffix == ".json"
    deep = _deep_json if fmt_json else _deep_toml
    big = (" " * 1024 + "\n") * (9 * 1024) if fmt_json else ("# padding line\n" * 700_000)
    cases = [
        Case("missing file", group, "error", _special("missing", suffix)),
        Case("directory", group, "error", _special("dir", suffix)),
        Case("named pipe (must not hang)", group, "error", _special("fifo", suffix)),
        Case("/dev/zero", group, "error", _special("devzero", suffix)),
        Case("/dev/null", group, "error", _special("devnull", suffix)),
        Case("symlink loop", group, "error", _special("symlink_loop", suffix)),
        Case("dangling symlink", group, "error", _special("dangling", suffix)),
        Case("binary bytes", group, "error", _write("bin" + suffix, bytes(range(256)) * 8)),
        Case("UTF-16 text", group, "error", _write("u16" + suffix, valid.encode("utf-16"))),
        Case("Latin-1 byte", group, "error",
             _write("latin1" + suffix, valid.encode() + ("# caf\xe9\n" if not fmt_json else "").encode("latin-1")
                    if not fmt_json else valid.replace("{", "{\"k\": \"caf\xe9\", ", 1).encode("latin-1"))),
        Case("NUL byte", group, "error", _write("nul" + suffix, valid.encode() + b"\x00\n")),
        Case("9 MiB file", group, "error", _write("big" + suffix, (valid if fmt_json else big) + ("" if not fmt_json else big))),
        Case("nested 2000 deep", group, "error", _write("deep2000" + suffix, deep(2000))),
        Case("nested 100 deep", group, "error", _write("deep100" + suffix, deep(100))),
        Case("truncated", group, "error", _write("trunc" + suffix, valid[: len(valid) // 2 + 3])),
        Case("symlink to a valid file", group, "accept", _symlink_to("link" + suffix, valid)),
        Case("valid", group, "accept", _write("valid" + suffix, valid)),
        Case("valid with a UTF-8 byte-order mark", group, "accept",
             _write("bom" + suffix, "\ufeff" + valid)),
    ]
    if os.geteuid() != 0:  # root reads anything
        cases.append(Case("unreadable (mode 000)", group, "error", _special("unreadable", suffix)))
    for c in cases:
        c.id = f"{group}: {prefix}{c.id}"
    return cases


def _scenario_cases() -> list[Case]:
    g = "scenario"
    v = VALID_SCENARIO
    out = _generic_cases(g, ".toml", v)
    bad = {
        "empty file": "",
        "only comments": "# nothing\n",
        "no [scenario] table": v.replace("[scenario]\n", "[scenaro]\n"),
        "name with markup [a-z]": v.replace('"corpus_case"', '"Bad [a-z] Name"'),
        "name is an integer": v.replace('"corpus_case"', "5"),
        "name empty": v.replace('"corpus_case"', '""'),
        "title missing": v.replace('title = "A corpus scenario"\n', ""),
        "unknown top-level table": v + "\n[extra]\nx = 1\n",
        "unknown lever field": v.replace('effect = [0.2, 0.4]', 'effect = [0.2, 0.4]\nstrength = 1'),
        "unknown lever": v.replace('lever = "nato_ip4_partnership"', 'lever = "nato_ip4_partnershp"'),
        "lever is an integer": v.replace('lever = "nato_ip4_partnership"', "lever = 5"),
        "lever table is an integer": "[scenario]\nname = \"x\"\ntitle = \"t\"\nlever = 5\n",
        "lever array of integers": "[scenario]\nname = \"x\"\ntitle = \"t\"\nlever = [1, 2]\n",
        "effect not a pair": v.replace("effect = [0.2, 0.4]", "effect = [0.2]"),
        "effect three values": v.replace("effect = [0.2, 0.4]", "effect = [0.1, 0.2, 0.4]"),
        "effect reversed": v.replace("effect = [0.2, 0.4]", "effect = [0.4, 0.2]"),
        "effect nan": v.replace("effect = [0.2, 0.4]", "effect = [nan, 0.4]"),
        "effect inf": v.replace("effect = [0.2, 0.4]", "effect = [0.2, inf]"),
        "effect -inf": v.replace("effect = [0.2, 0.4]", "effect = [-inf, 0.4]"),
        "effect strings": v.replace("effect = [0.2, 0.4]", 'effect = ["a", "b"]'),
        "effect is a table": v.replace("effect = [0.2, 0.4]", "effect = {low = 0.2}"),
        "effect 1e308": v.replace("effect = [0.2, 0.4]", "effect = [0.2, 1e308]"),
        "shock at negative": v.replace("at = 1\n", "at = -1\n"),
        "shock at 1e308": v.replace("at = 1\n", "at = 1e308\n"),
        "shock at nan": v.replace("at = 1\n", "at = nan\n"),
        "shock unknown kind": v.replace('kind = "crisis"', 'kind = "earthquake"'),
        "shock unknown flashpoint": v.replace('"taiwan_strait"', '"taiwan_straight"'),
        "shock magnitude above 1": v.replace("magnitude = [0.5, 0.8]", "magnitude = [0.5, 1.8]"),
        "shock magnitude inf": v.replace("magnitude = [0.5, 0.8]", "magnitude = [0.5, inf]"),
        "shock is a string": "[scenario]\nname = \"x\"\ntitle = \"t\"\nshock = \"boom\"\n",
        "override unknown parameter": v + '\n[[override]]\nparameter = "arms.reacton"\nrange = [0.1, 0.2]\n',
        "override nan range": v + '\n[[override]]\nparameter = "arms.reaction"\nrange = [nan, 0.2]\n',
        "override twice": v + ('\n[[override]]\nparameter = "arms.reaction"\nrange = [0.1, 0.2]\n' * 2),
        "edit unknown kind": v + '\n[[edit]]\nkind = "teleport"\n',
        "edit unknown actor": v + '\n[[edit]]\nkind = "signal"\nsource = ["USB"]\ntarget = ["CHN"]\ncost = [0.1, 0.2]\n',
        "edit actor lower case": v + '\n[[edit]]\nkind = "signal"\nsource = ["usa"]\ntarget = ["CHN"]\ncost = [0.1, 0.2]\n',
        "edit actor is an integer": v + '\n[[edit]]\nkind = "signal"\nsource = [840]\ntarget = ["CHN"]\ncost = [0.1, 0.2]\n',
        "edit no actors": v + '\n[[edit]]\nkind = "signal"\nsource = []\ntarget = ["CHN"]\ncost = [0.1, 0.2]\n',
        "mechanisms disable unknown": v + '\n[mechanisms]\ndisable = ["arms_race"]\n',
        "mechanisms unknown variant": v + '\n[mechanisms]\nvariants = { arms = "quadratic" }\n',
        "duplicate key": v.replace('title = "A corpus scenario"', 'title = "A"\ntitle = "B"'),
        "invalid TOML": v + "\n[[lever\n",
        "inline table 40 deep": "[scenario]\nname = \"x\"\ntitle = \"t\"\n" + "z = " + "{a = " * 40 + "1" + "}" * 40 + "\n",
        "dotted key 60 deep": "[scenario]\nname = \"x\"\ntitle = \"t\"\n" + ".".join(["k"] * 60) + " = 1\n",
        "200,000 levers": "[scenario]\nname = \"x\"\ntitle = \"t\"\n" + '[[lever]]\nlever = "nato_ip4_partnership"\n' * 200_000,
        "source seed malformed": v.replace('title = "A corpus scenario"', 'title = "A corpus scenario"\nsources = [{seed = "x.txt", quote = "a quote long enough"}]'),
    }
    for name, text in bad.items():
        out.append(Case(f"{g}: {name}", g, "error", _write(f"s{len(out)}.toml", text)))
    warn = {
        "lever effect outside its sourced range": v.replace("effect = [0.2, 0.4]", "effect = [0.2, 0.95]"),
        "same lever twice": v + '\n[[lever]]\nlever = "nato_ip4_partnership"\n',
        "same actor twice in one edit": v + '\n[[edit]]\nkind = "signal"\nsource = ["USA", "USA"]\ntarget = ["CHN"]\ncost = [0.1, 0.2]\n',
    }
    for name, text in warn.items():
        out.append(Case(f"{g}: {name}", g, "warn", _write(f"s{len(out)}.toml", text)))
    return out


def _world_cases() -> list[Case]:
    g = "world"
    v = VALID_WORLD
    vj = json.dumps({"base_year": 2010, "actors": ["USA", "RUS"]})
    out = _generic_cases(g, ".toml", v, "TOML ") + _generic_cases(g, ".json", vj, "JSON ")
    actor = '\n[[actor]]\niso3 = "USA"\n'
    bad = {
        "empty actor list": 'actors = []\n',
        "one actor": 'actors = ["USA"]\n',
        "duplicate actor in the list": 'actors = ["USA", "USA", "CHN"]\n',
        "duplicate actor entries": v + '\n[[actor]]\niso3 = "TWN"\nmilex = 20.0\n',
        "actor code non-ASCII": v.replace('iso3 = "XKA"', 'iso3 = "ÄBC"'),
        "actor code lower case": v.replace('iso3 = "TWN"', 'iso3 = "twn"'),
        "actor code two letters": v.replace('iso3 = "TWN"', 'iso3 = "TW"'),
        "actor code digits": v.replace('iso3 = "XKA"', 'iso3 = "X1A"'),
        "actor code integer": v.replace('iso3 = "TWN"', "iso3 = 158"),
        "actor list has an integer": 'actors = ["USA", 5]\n',
        "actor entry is an integer": "actor = [1, 2]\n",
        "actor is a string": 'actor = "USA"\n',
        "relation entry is an integer": "relation = [3]\n",
        "relation is a table": '[relation]\na = "USA"\n',
        "name is an integer": v.replace('name = "Atlantis"', "name = 5"),
        "name empty": v.replace('name = "Atlantis"', 'name = "  "'),
        "capital is an integer": v.replace('name = "Atlantis"', 'name = "Atlantis"\ncapital = 7'),
        "source is a table": v.replace('source = "Taiwan MND 2025 budget"', "source = {a = 1}"),
        "ccode abc": v.replace('name = "Atlantis"', 'name = "Atlantis"\nccode = "abc"'),
        "ccode inf": v.replace('name = "Atlantis"', 'name = "Atlantis"\nccode = inf'),
        "ccode float": v.replace('name = "Atlantis"', 'name = "Atlantis"\nccode = 2.5'),
        "ccode negative": v.replace('name = "Atlantis"', 'name = "Atlantis"\nccode = -4'),
        "ccode bool": v.replace('name = "Atlantis"', 'name = "Atlantis"\nccode = true'),
        "theatre unknown": v.replace('theatre = "other"', 'theatre = "arctic"'),
        "theatre integer": v.replace('theatre = "other"', "theatre = 1"),
        "symmetric as a string": v + '\n[[relation]]\na = "USA"\nb = "JPN"\nkind = "defense"\nsymmetric = "yes"\n',
        "remove as an integer": v + '\n[[relation]]\na = "USA"\nb = "JPN"\nkind = "defense"\nremove = 1\n',
        "self-loop relation": v + '\n[[relation]]\na = "USA"\nb = "USA"\nkind = "defense"\n',
        "self-loop relation mixed case": v + '\n[[relation]]\na = "USA"\nb = "usa"\nkind = "defense"\n',
        "relation unknown actor": v + '\n[[relation]]\na = "USA"\nb = "XXX"\nkind = "defense"\n',
        "relation kind unknown": v + '\n[[relation]]\na = "USA"\nb = "JPN"\nkind = "love"\n',
        "relation side integer": v + '\n[[relation]]\na = 1\nb = "JPN"\nkind = "defense"\n',
        "milex 1e308": actor + "milex = 1e308\n",
        "milex nan": actor + "milex = nan\n",
        "milex inf": actor + "milex = inf\n",
        "milex negative": actor + "milex = -3\n",
        "milex a string": actor + 'milex = "lots"\n',
        "milex a bool": actor + "milex = true\n",
        "milex above GDP": actor + "milex = 30000.0\n",
        "population 0": actor + "population = 0\n",
        "population 1e12": actor + "population = 1e12\n",
        "gdp 0": actor + "gdp = 0\n",
        "milex_share 1.5": actor + "milex_share = 1.5\n",
        "warheads 1e9": actor + "warheads = 1e9\n",
        "ideal_point 50": actor + "ideal_point = 50\n",
        "lat 100": actor + "lat = 100\n",
        "base_year 1990": "base_year = 1990\n",
        "base_year a float": "base_year = 2020.5\n",
        "base_year a string": 'base_year = "2020"\n',
        "base_year a bool": "base_year = true\n",
        "unknown top-level key": "colour = 1\n",
        "new actor without fields": '[[actor]]\niso3 = "ABC"\nname = "X"\n',
        "unknown field": actor + "milexx = 1\n",
        "top level a list (JSON)": None,
        "JSON NaN": None,
        "JSON Infinity": None,
        "JSON actor integer": None,
        "JSON invalid": None,
    }
    for name, text in bad.items():
        if text is None:
            continue
        out.append(Case(f"{g}: {name}", g, "error", _write(f"w{len(out)}.toml", text)))
    jbad = {
        "top level a list (JSON)": "[1, 2]",
        "JSON NaN": '{"actors": ["USA", "CHN"], "actor": [{"iso3": "USA", "milex": NaN}]}',
        "JSON Infinity": '{"actors": ["USA", "CHN"], "actor": [{"iso3": "USA", "gdp": Infinity}]}',
        "JSON actor integer": '{"actor": [7]}',
        "JSON invalid": '{"actors": ',
        "JSON base_year null": '{"base_year": null}',
        "JSON actors null": '{"actors": null}',
    }
    for name, text in jbad.items():
        out.append(Case(f"{g}: {name}", g, "error", _write(f"w{len(out)}.json", text)))
    warn = {"milex 40 % of GDP": actor + "milex = 4000.0\ngdp = 10000.0\n"}
    for name, text in warn.items():
        out.append(Case(f"{g}: {name}", g, "warn", _write(f"w{len(out)}.toml", text)))
    ok = {
        "default world": 'actors = "default"\n',
        "two actors": 'actors = ["USA", "CHN"]\n',
        "empty file (the default world)": "",
        "Ukraine-like 37 % share is a warning only when given": actor + "milex = 900.0\n",
    }
    for name, text in ok.items():
        out.append(Case(f"{g}: {name}", g, "accept", _write(f"w{len(out)}.toml", text)))
    return out


def _claims_cases() -> list[Case]:
    g = "claims"
    v = VALID_CLAIMS
    out = _generic_cases(g, ".toml", v)
    bad = {
        "empty file": "",
        "claim entries are integers": "claim = [1, 2]\n",
        "claim is a string": 'claim = "x"\n',
        "claim is a table": '[claim]\nid = "x"\n',
        "unknown top-level key": v + "\nextra = 1\n",
        "duplicate id": v.replace("corpus_claim_two", "corpus_claim_one"),
        "id with spaces": v.replace("corpus_claim_one", "corpus claim one"),
        "id an integer": v.replace('"corpus_claim_one"', "1"),
        "side unknown": v.replace('side = "sceptic"', 'side = "neutral"', 1),
        "metric unknown": v.replace('"tension_china_west"', '"tension_china_wst"'),
        "direction unknown": v.replace('direction = "increase"', 'direction = "up"', 1),
        "statistic unknown": v.replace('statistic = "mean"', 'statistic = "median"'),
        "horizon nan": v.replace('statistic = "mean"', 'statistic = "mean"\nhorizon = nan'),
        "horizon inf": v.replace('statistic = "mean"', 'statistic = "mean"\nhorizon = inf'),
        "horizon negative": v.replace('statistic = "mean"', 'statistic = "mean"\nhorizon = -3'),
        "horizon a string": v.replace('statistic = "mean"', 'statistic = "mean"\nhorizon = "ten"'),
        "threshold nan": v.replace('statistic = "mean"', 'statistic = "mean"\nthreshold = nan'),
        "threshold inf": v.replace('statistic = "mean"', 'statistic = "mean"\nthreshold = inf'),
        "paraphrase too short": v.replace("NATO engagement in East Asia raises tension between China and the West.", "short"),
        "source is a string": v.replace('source = { seed = "000_e88f8b8d614da2d5.txt", quote = "It is bound to increase tensions between China and NATO" }', 'source = "x"'),
        "source quote an integer": v.replace('quote = "It is bound to increase tensions between China and NATO"', "quote = 5"),
        "selector unknown dimension": v.replace('metric = "cohesion_chn_rus"', 'metric = "cohesion_chn_rus"\nselector = { planet = "mars" }'),
        "unknown field": v.replace('statistic = "mean"', 'statistic = "mean"\ncolour = "red"'),
        "required field missing": v.replace('metric = "tension_china_west"\n', ""),
        "invalid TOML": v + "\n[[claim\n",
        "table nested 50 deep": '[[claim]]\nid = "a"\n' + "x = " + "{a = " * 50 + "1" + "}" * 50 + "\n",
    }
    for name, text in bad.items():
        out.append(Case(f"{g}: {name}", g, "error", _write(f"c{len(out)}.toml", text)))

    def folder(tmp: Path) -> Path:
        d = tmp / "claims_dir"
        d.mkdir()
        (d / "a.toml").write_text(v)
        return d

    def empty_folder(tmp: Path) -> Path:
        d = tmp / "claims_empty"
        d.mkdir()
        return d

    def dup_folder(tmp: Path) -> Path:
        d = tmp / "claims_dup"
        d.mkdir()
        (d / "a.toml").write_text(v)
        (d / "b.toml").write_text(v)
        return d

    def fifo_folder(tmp: Path) -> Path:
        d = tmp / "claims_fifo"
        d.mkdir()
        (d / "a.toml").write_text(v)
        os.mkfifo(d / "b.toml")
        return d

    out.append(Case(f"{g}: a scenario outside the catalogue (by design: checked when evaluated)",
                    g, "accept", _write("c_any.toml", v.replace('scenario = "nato_ip4_partnership"',
                                                                'scenario = "my_scenario"', 1))))
    out += [Case(f"{g}: folder of files", g, "accept", folder),
            Case(f"{g}: empty folder", g, "error", empty_folder),
            Case(f"{g}: folder with duplicate ids across files", g, "error", dup_folder),
            Case(f"{g}: folder with a named pipe", g, "error", fifo_folder)]
    return out


def _calibration_cases() -> list[Case]:
    g = "calibration"
    doc = valid_calibration()
    v = json.dumps(doc)
    out = _generic_cases(g, ".json", v)

    def variant(fn: Callable[[dict[str, Any]], Any]) -> str:
        d = json.loads(v)
        fn(d)
        return json.dumps(d)

    first = next(iter(doc["accepted"]))

    def setitem(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
        def f(d: dict[str, Any]) -> None:
            obj = d
            for k in path[:-1]:
                obj = obj[k]
            obj[path[-1]] = value
        return f

    bad: dict[str, str] = {
        "empty object": "{}",
        "top level a list": "[1, 2, 3]",
        "top level a number": "3.5",
        "weights NaN": v.replace('"weights": [0.125', '"weights": [NaN', 1),
        "weights Infinity": v.replace('"weights": [0.125', '"weights": [Infinity', 1),
        "weights negative": variant(setitem(("weights", 0), -1.0)),
        "weights all zero": variant(setitem(("weights",), [0.0] * 8)),
        "weights wrong length": variant(setitem(("weights",), [0.5, 0.5])),
        "weights a string": variant(setitem(("weights",), "uniform")),
        "weights strings": variant(setitem(("weights",), ["a"] * 8)),
        "weights empty": variant(setitem(("weights",), [])),
        "accepted a float": variant(setitem(("accepted",), 3.5)),
        "accepted column a float": variant(setitem(("accepted", first), 3.5)),
        "accepted value a string": variant(setitem(("accepted", first, 0), "x")),
        "accepted columns of different lengths": variant(setitem(("accepted", first), [0.1])),
        "accepted value 1e400 (infinite)": v.replace(f'"{first}": [', f'"{first}": [1e400, ', 1),
        "prior missing a parameter": variant(lambda d: d["prior"].pop(first)),
        "prior entry a float": variant(setitem(("prior", first), 1.0)),
        "prior entry short": variant(setitem(("prior", first), [0.0, 1.0])),
        "prior log not a bool": variant(setitem(("prior", first, 2), "yes")),
        "train a float": variant(setitem(("train",), 1995.5)),
        "train infinite count": v.replace('"train": [1995, 2013]', '"train": [1995, 1e400]', 1),
        "train one year": variant(setitem(("train",), [1995])),
        "train strings": variant(setitem(("train",), ["a", "b"])),
        "diagnostics a list": variant(setitem(("diagnostics",), [1, 2])),
        "distance missing": variant(lambda d: d.pop("distance")),
        "weights missing": variant(lambda d: d.pop("weights")),
        "invalid JSON": v[:-5],
    }
    for name, text in bad.items():
        out.append(Case(f"{g}: {name}", g, "error", _write(f"k{len(out)}.json", text)))
    return out


# ----------------------------------------------------------------------------- web API


def _web_cases() -> list[Case]:
    g = "web"
    ok_job = {"scenario_name": "status_quo", "runs": 4, "years": 1}
    inline = {"scenario": {"name": "custom", "title": "Custom"},
              "lever": [{"lever": "nato_ip4_partnership", "effect": [0.2, 0.4]}]}

    def req(method: str, path: str, body: Any = None, raw: str | bytes | None = None,
            headers: dict[str, str] | None = None) -> Callable[[Path], dict[str, Any]]:
        def make(_: Path) -> dict[str, Any]:
            return {"method": method, "path": path, "json": body, "raw": raw,
                    "headers": headers or {}}
        return make

    def nested(depth: int) -> dict[str, Any]:
        d: Any = 1
        for _ in range(depth):
            d = {"a": d}
        return {"scenario": {"name": "custom", "title": "Custom"}, "x": d}

    def deep_toml(depth: int) -> str:
        return "[scenario]\nname = \"custom\"\ntitle = \"t\"\n" + "z = " + "[" * depth + "1" + "]" * depth + "\n"

    cases = [
        ("valid job", "accept", req("POST", "/api/jobs", ok_job)),
        ("valid inline scenario", "accept", req("POST", "/api/jobs", {"scenario": inline, "runs": 4, "years": 1})),
        ("unknown scenario", "error", req("POST", "/api/jobs", {**ok_job, "scenario_name": "nato_ip5"})),
        ("runs 0", "error", req("POST", "/api/jobs", {**ok_job, "runs": 0})),
        ("runs negative", "error", req("POST", "/api/jobs", {**ok_job, "runs": -5})),
        ("runs 10**30", "error", req("POST", "/api/jobs", {**ok_job, "runs": 10**30})),
        ("runs a string", "error", req("POST", "/api/jobs", {**ok_job, "runs": "many"})),
        ("runs a float", "error", req("POST", "/api/jobs", {**ok_job, "runs": 4.5})),
        ("runs null", "error", req("POST", "/api/jobs", {**ok_job, "runs": None})),
        ("years NaN", "error", req("POST", "/api/jobs", raw='{"scenario_name": "status_quo", "runs": 4, "years": NaN}')),
        ("years Infinity", "error", req("POST", "/api/jobs", raw='{"scenario_name": "status_quo", "runs": 4, "years": Infinity}')),
        ("years 1e308", "error", req("POST", "/api/jobs", {**ok_job, "years": 1e308})),
        ("years 0", "error", req("POST", "/api/jobs", {**ok_job, "years": 0})),
        ("seed negative", "error", req("POST", "/api/jobs", {**ok_job, "seed": -1})),
        ("seed 2**64", "error", req("POST", "/api/jobs", {**ok_job, "seed": 2**64})),
        ("body not JSON", "error", req("POST", "/api/jobs", raw="runs=4")),
        ("body a list", "error", req("POST", "/api/jobs", [1, 2])),
        ("body empty", "error", req("POST", "/api/jobs", raw="")),
        ("body binary", "error", req("POST", "/api/jobs", raw=bytes(range(256)))),
        ("body UTF-16 (JSON's encoding detection, RFC 8259 8.1)", "accept", req("POST", "/api/jobs", raw=json.dumps(ok_job).encode("utf-16"))),
        ("JSON nested 900 deep", "error", req("POST", "/api/jobs", raw='{"a": ' + "[" * 900 + "]" * 900 + "}")),
        ("JSON nested 100000 deep", "error", req("POST", "/api/jobs", raw="[" * 100_000 + "]" * 100_000)),
        ("inline scenario nested 900 deep", "error", req("POST", "/api/jobs", {"scenario": nested(900), "runs": 4, "years": 1})),
        ("inline scenario TOML nested 900 deep", "error", req("POST", "/api/jobs", {"scenario_toml": deep_toml(900), "runs": 4, "years": 1})),
        ("inline scenario effect NaN", "error", req("POST", "/api/jobs", raw='{"scenario": {"scenario": {"name": "c", "title": "t"}, "lever": [{"lever": "nato_ip4_partnership", "effect": [NaN, 0.4]}]}, "runs": 4, "years": 1}')),
        ("inline scenario unknown lever", "error", req("POST", "/api/jobs", {"scenario": {**inline, "lever": [{"lever": "nato"}]}, "runs": 4, "years": 1})),
        ("inline scenario lever an integer", "error", req("POST", "/api/jobs", {"scenario": {**inline, "lever": [5]}, "runs": 4, "years": 1})),
        ("body 2 MB", "error", req("POST", "/api/jobs", raw='{"x": "' + "a" * 2_000_000 + '"}')),
        ("unknown job", "error", req("GET", "/api/jobs/0123456789abcdef")),
        ("job id with markup", "error", req("GET", "/api/jobs/[red]x[/red]")),
        ("job id 10 kB", "error", req("GET", "/api/jobs/" + "a" * 10_000)),
        ("unknown claim", "error", req("GET", "/api/claims/engagement_raises_china_nato_tensio")),
        ("unknown scenario page", "error", req("GET", "/api/scenarios/nato_ip5")),
        ("scenario name traversal", "error", req("GET", "/api/scenarios/..%2F..%2Fetc%2Fpasswd")),
        ("static traversal", "error", req("GET", "/static/..%2F..%2Fapp.py")),
        ("results list", "accept", req("GET", "/api/results")),
        ("foreign Host", "error", req("GET", "/api/scenarios", headers={"Host": "evil.example"})),
        ("foreign Host on a POST", "error", req("POST", "/api/jobs", ok_job, headers={"Host": "evil.example:8765"})),
        ("cross-origin POST", "error", req("POST", "/api/jobs", ok_job, headers={"Origin": "http://evil.example"})),
        ("cross-site POST (Sec-Fetch-Site)", "error", req("POST", "/api/jobs", ok_job, headers={"Sec-Fetch-Site": "cross-site"})),
        ("null Origin POST", "error", req("POST", "/api/jobs", ok_job, headers={"Origin": "null"})),
        ("cross-origin DELETE", "error", req("DELETE", "/api/jobs/0123456789abcdef", headers={"Origin": "http://evil.example"})),
        ("2,000 headers", "error", req("GET", "/api/scenarios", headers={f"X-H{k}": "1" for k in range(2000)})),
        ("a 40 KiB header", "error", req("GET", "/api/scenarios", headers={"X-Big": "a" * 40_960})),
        ("same-origin GET", "accept", req("GET", "/api/levers", headers={"Origin": "http://testserver"})),
    ]
    return [Case(f"{g}: {n}", g, e, m) for n, e, m in cases]


# ----------------------------------------------------------------------------- CLI


def _cli_cases() -> list[Case]:
    g = "cli"

    def args(*a: str, files: dict[str, str | bytes] | None = None) -> Callable[[Path], list[str]]:
        def make(tmp: Path) -> list[str]:
            for name, content in (files or {}).items():
                p = tmp / name
                if isinstance(content, bytes):
                    p.write_bytes(content)
                else:
                    p.write_text(content)
            return [x.replace("{tmp}", str(tmp)) for x in a]
        return make

    small = ("--runs", "2", "--years", "1")
    cases = [
        ("run --runs abc", "error", args("run", "--runs", "abc")),
        ("run --runs 0", "error", args("run", "--runs", "0")),
        ("run --runs -5", "error", args("run", "--runs", "-5")),
        ("run --runs 1000000000 (395 GiB)", "error", args("run", "--runs", "1000000000")),
        ("run --runs 5000000 (memory estimate)", "error", args("run", "--runs", "5000000")),
        ("run --runs beyond int64", "error", args("run", "--runs", str(2**70))),
        ("run --years 0", "error", args("run", "--years", "0")),
        ("run --years -1", "error", args("run", "--years", "-1")),
        ("run --years 1e308", "error", args("run", "--years", "1e308")),
        ("run --years nan", "error", args("run", "--years", "nan")),
        ("run --years inf", "error", args("run", "--years", "inf")),
        ("run --dt 0", "error", args("run", "--dt", "0")),
        ("run --dt 0.3", "error", args("run", "--dt", "0.3")),
        ("run --dt nan", "error", args("run", "--dt", "nan")),
        ("run --seed -1", "error", args("run", "--seed", "-1")),
        ("run --seed 2**63", "error", args("run", "--seed", str(2**63))),
        ("run --seed abc", "error", args("run", "--seed", "abc")),
        ("run unknown option", "error", args("run", "--rnus", "3")),
        ("run unknown scenario", "error", args("run", "nato_ip5", *small, "--no-store")),
        ("run scenario a directory", "error", args("run", "{tmp}", *small, "--no-store")),
        ("run --out bad suffix", "error", args("run", *small, "--no-store", "--out", "{tmp}/x.csv")),
        ("run --out missing folder", "error", args("run", *small, "--no-store", "--out", "{tmp}/no/x.nc")),
        ("run --out a directory", "error", args("run", *small, "--no-store", "--out", "{tmp}/d.nc"),),
        ("run --db notes.csv", "error", args("run", *small, "--db", "{tmp}/notes.csv", files={"notes.csv": "a,b\n1,2\n"})),
        ("run --db existing .json", "error", args("run", *small, "--db", "{tmp}/x.json", files={"x.json": "{}"})),
        ("run --db existing .parquet", "error", args("run", *small, "--db", "{tmp}/x.parquet", files={"x.parquet": "PAR1"})),
        ("run --db empty file", "error", args("run", *small, "--db", "{tmp}/e.duckdb", files={"e.duckdb": ""})),
        ("run --db a directory", "error", args("run", *small, "--db", "{tmp}")),
        ("run --db new .csv name", "error", args("run", *small, "--db", "{tmp}/new.csv")),
        ("run --calibration missing", "error", args("run", *small, "--no-store", "--calibration", "{tmp}/none.json")),
        ("run --calibration NaN weights", "error", args("run", *small, "--no-store", "--calibration", "{tmp}/c.json", files={"c.json": "__CAL_NAN__"})),
        ("run valid (tiny)", "accept", args("run", *small, "--no-store")),
        ("run valid --db", "accept", args("run", *small, "--db", "{tmp}/ok.duckdb")),
        ("assess --years 0", "error", args("assess", "--years", "0")),
        ("assess --runs 1", "error", args("assess", "--runs", "1")),
        ("assess --out missing folder", "error", args("assess", "--runs", "2", "--years", "1", "--no-store", "--out", "{tmp}/no/r.html")),
        ("compare missing argument", "error", args("compare")),
        ("compare unknown scenario", "error", args("compare", "nato_ip5", "--runs", "2", "--years", "1")),
        ("compare --runs 0", "error", args("compare", "nato_ip4_partnership", "--runs", "0")),
        ("claims evaluate --claim typo", "error", args("claims", "evaluate", "--claim", "engagement_raises_china_nato_tensio", "--runs", "2")),
        ("claims list --side neutral", "error", args("claims", "list", "--side", "neutral")),
        ("claims list --file binary", "error", args("claims", "list", "--file", "{tmp}/b.toml", files={"b.toml": bytes(range(256))})),
        ("claims list valid", "accept", args("claims", "list")),
        ("scenario check name with markup", "error", args("scenario", "check", "{tmp}/m.toml", "--no-world", files={"m.toml": VALID_SCENARIO.replace('"corpus_case"', '"Bad [a-z] Name"')})),
        ("scenario check UTF-16", "error", args("scenario", "check", "{tmp}/u.toml", "--no-world", files={"u.toml": VALID_SCENARIO.encode("utf-16")})),
        ("scenario check valid", "accept", args("scenario", "check", "{tmp}/v.toml", files={"v.toml": VALID_SCENARIO})),
        ("world validate a directory", "error", args("world", "validate", "{tmp}")),
        ("world validate /dev/zero", "error", args("world", "validate", "/dev/zero")),
        ("world validate empty actors", "error", args("world", "validate", "{tmp}/w.toml", files={"w.toml": "actors = []\n"})),
        ("world validate valid", "accept", args("world", "validate", "{tmp}/w.toml", files={"w.toml": VALID_WORLD})),
        ("world show --year 1900", "error", args("world", "show", "--year", "1900")),
        ("world show --actor typo", "error", args("world", "show", "--actor", "USB")),
        ("sweep --runs 0", "error", args("sweep", "--runs", "0", "--db", "{tmp}/s.duckdb")),
        ("sweep --runs -5", "error", args("sweep", "--runs", "-5", "--db", "{tmp}/s.duckdb")),
        ("sweep --chunk-size 0", "error", args("sweep", "--runs", "10", "--chunk-size", "0", "--db", "{tmp}/s.duckdb")),
        ("sweep --workers -1", "error", args("sweep", "--runs", "10", "--workers", "-1", "--db", "{tmp}/s.duckdb")),
        ("sweep --years nan", "error", args("sweep", "--runs", "10", "--years", "nan", "--db", "{tmp}/s.duckdb")),
        ("sensitivity --years nan", "error", args("sensitivity", "axis_cohesion", "--years", "nan")),
        ("discover --runs 0", "error", args("discover", "engagement_binds_china_russia", "--runs", "0")),
        ("calibrate --runs 0", "error", args("calibrate", "--runs", "0")),
        ("backtest --runs -1", "error", args("backtest", "--runs", "-1")),
        ("unknown command", "error", args("rnu")),
        ("serve --port 0", "error", args("serve", "--port", "0")),
        ("serve --host 0.0.0.0 without a token", "error", args("serve", "--host", "0.0.0.0")),
        ("serve --db notes.csv", "error", args("serve", "--db", "{tmp}/notes.csv", files={"notes.csv": "a,b\n"})),
        ("--help", "accept", args("--help")),
    ]
    out = [Case(f"{g}: {n}", g, e, m) for n, e, m in cases]
    return out


def all_cases() -> list[Case]:
    """Every case of the corpus."""
    return [*_scenario_cases(), *_world_cases(), *_claims_cases(), *_calibration_cases(),
            *_web_cases(), *_cli_cases()]


# ----------------------------------------------------------------------------- runners


class _Hang(Exception):
    pass


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise _Hang

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _load(group: str, target: Path) -> None:
    if group == "scenario":
        from flashpoint.scenarios import check_file
        from flashpoint.world import load_world

        check_file(str(target), load_world(2024).to_arrays())
    elif group == "world":
        from flashpoint.world import load_world_file

        load_world_file(target)
    elif group == "claims":
        from flashpoint.claims import load_claims

        load_claims(target)
    elif group == "calibration":
        import numpy as np

        from flashpoint.validation.calibrate import load_calibration

        sample = load_calibration(target).sample(10, 0)
        if not all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in sample.values()):
            raise ValueError("the calibrated sample holds non-finite values")  # wrongly accepted
    else:
        raise ValueError(group)


def _classify(case: Case, got: str, detail: str) -> Outcome:
    """``got`` is error | accept | warn | traceback | hang."""
    if got in ("traceback", "hang"):
        return Outcome(case, got, detail)
    if case.expect == "error":
        return Outcome(case, "clean" if got == "error" else "accepted", detail)
    if case.expect == "warn":
        return Outcome(case, {"warn": "clean", "accept": "accepted", "error": "refused"}[got], detail)
    return Outcome(case, "clean" if got in ("accept", "warn") else "refused", detail)


def run_file_case(case: Case, tmp: Path) -> Outcome:
    from flashpoint.errors import FlashpointError, FlashpointWarning

    target = case.make(tmp)
    try:
        with warnings.catch_warnings(record=True) as caught, _deadline(FILE_TIMEOUT):
            warnings.simplefilter("always")
            _load(case.group, target)
    except _Hang:
        return _classify(case, "hang", f"no answer within {FILE_TIMEOUT} s")
    except FlashpointError as e:
        text = str(e)
        if "\n" in text.strip():
            return _classify(case, "traceback", f"a multi-line error: {text[:200]!r}")
        return _classify(case, "error", text[:300])
    except ValueError as e:
        if "non-finite" in str(e):
            return _classify(case, "accept", str(e))
        return _classify(case, "traceback", f"{type(e).__name__}: {str(e)[:200]}")
    except Exception as e:  # the point of the corpus: anything else is a crash
        return _classify(case, "traceback", f"{type(e).__name__}: {str(e)[:200]}")
    finally:
        if target is not None and isinstance(target, Path) and target.name.startswith("secret"):
            target.chmod(0o600)
    got = "warn" if any(issubclass(w.category, FlashpointWarning) for w in caught) else "accept"
    return _classify(case, got, "; ".join(str(w.message)[:120] for w in caught))


_CLIENT: Any = None


def _client() -> Any:
    global _CLIENT
    if _CLIENT is None:
        import inspect

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from fastapi.testclient import TestClient

            from flashpoint.web.app import create_app

            kw: dict[str, Any] = {"max_runs": 50}
            if "allowed_hosts" in inspect.signature(create_app).parameters:
                kw["allowed_hosts"] = ["testserver", "127.0.0.1", "localhost"]
            _CLIENT = TestClient(create_app(**kw), raise_server_exceptions=False)
            _CLIENT.__enter__()
    return _CLIENT


def run_web_case(case: Case, tmp: Path) -> Outcome:
    r = case.make(tmp)
    c = _client()
    headers = dict(r["headers"])
    try:
        with _deadline(30), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if r["raw"] is not None:
                headers.setdefault("Content-Type", "application/json")
                resp = c.request(r["method"], r["path"], content=r["raw"], headers=headers)
            elif r["json"] is not None:
                resp = c.request(r["method"], r["path"], json=r["json"], headers=headers)
            else:
                resp = c.request(r["method"], r["path"], headers=headers)
    except _Hang:
        return _classify(case, "hang", "no answer within 30 s")
    except Exception as e:
        return _classify(case, "traceback", f"{type(e).__name__}: {str(e)[:200]}")
    code = resp.status_code
    if code >= 500:
        return _classify(case, "traceback", f"HTTP {code}: {resp.text[:200]}")
    if code >= 400:
        return _classify(case, "error", f"HTTP {code}: {resp.text[:160]}")
    return _classify(case, "accept", f"HTTP {code}")


def run_cli_case(case: Case, tmp: Path) -> Outcome:
    args = case.make(tmp)
    for a in args:
        if a.endswith("/d.nc"):
            Path(a).mkdir(exist_ok=True)
        if a.endswith("/c.json") and Path(a).read_text() == "__CAL_NAN__":
            doc = valid_calibration()
            Path(a).write_text(json.dumps(doc).replace('"weights": [0.125', '"weights": [NaN', 1))
    try:
        p = subprocess.run([*flashpoint_command(), *args], capture_output=True, text=True,
                           env={**_env(), "FLASHPOINT_DB": str(tmp / "default.duckdb")},
                           cwd=tmp, timeout=CLI_TIMEOUT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return _classify(case, "hang", f"no answer within {CLI_TIMEOUT} s")
    err = p.stderr
    if "Traceback (most recent call last)" in err:
        return _classify(case, "traceback", err.strip().splitlines()[-1][:200])
    if p.returncode == 0:
        return _classify(case, "warn" if "warning:" in err else "accept", err.strip()[-160:])
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    if not lines:
        return _classify(case, "traceback", f"exit {p.returncode} without a message")
    return _classify(case, "error", lines[-1][:200])


def run_case(case: Case, tmp: Path) -> Outcome:
    """Run one case in its own scratch folder ``tmp``."""
    tmp.mkdir(parents=True, exist_ok=True)
    if case.group == "web":
        return run_web_case(case, tmp)
    if case.group == "cli":
        return run_cli_case(case, tmp)
    return run_file_case(case, tmp)


def summarise(outcomes: list[Outcome]) -> dict[str, dict[str, int]]:
    """Counts per group and verdict."""
    table: dict[str, Counter[str]] = {}
    for o in outcomes:
        table.setdefault(o.case.group, Counter())[o.verdict] += 1
        table.setdefault("all", Counter())[o.verdict] += 1
    return {g: dict(c) for g, c in table.items()}


def main(argv: list[str] | None = None) -> int:
    import argparse
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="files,web,cli", help="groups: files, web, cli")
    ap.add_argument("--show", default="traceback,accepted,refused,hang",
                    help="verdicts whose cases are listed")
    ns = ap.parse_args(argv)
    wanted = set(ns.only.split(","))
    cases = [c for c in all_cases()
             if ("files" in wanted and c.group not in ("web", "cli")) or c.group in wanted]
    outcomes = []
    with tempfile.TemporaryDirectory() as d:
        for k, case in enumerate(cases):
            outcomes.append(run_case(case, Path(d) / f"case{k}"))
    show = set(ns.show.split(","))
    for o in outcomes:
        if o.verdict in show:
            print(f"{o.verdict:10s} {o.case.id}: {o.detail}")
    print(json.dumps(summarise(outcomes), indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
