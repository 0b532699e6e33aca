"""Scenarios: declarative TOML files of levers, shocks, overrides and edits.

A scenario names policy options and shocks in the articles' vocabulary
(:mod:`flashpoint.scenarios.levers`), is validated strictly
(:mod:`flashpoint.scenarios.schema`, :mod:`flashpoint.scenarios.load`) and
compiles against a world into the engine's :class:`~flashpoint.engine.plan.Plan`
(:mod:`flashpoint.scenarios.compile`). The shipped catalogue covers every
option and shock the five seed articles discuss. See ``docs/scenarios.md``.
"""

from flashpoint.scenarios.compile import check_file, compile_scenario, resolve_actors
from flashpoint.scenarios.levers import LEVERS, Lever, lever_names
from flashpoint.scenarios.load import (
    catalogue,
    catalogue_names,
    catalogue_path,
    digest,
    dump_toml,
    load_scenario,
    parse_scenario,
    scenario_json_schema,
)
from flashpoint.scenarios.schema import Scenario

__all__ = [
    "LEVERS",
    "Lever",
    "Scenario",
    "catalogue",
    "catalogue_names",
    "catalogue_path",
    "check_file",
    "compile_scenario",
    "digest",
    "dump_toml",
    "lever_names",
    "load_scenario",
    "parse_scenario",
    "resolve_actors",
    "scenario_json_schema",
]
