"""Reproduce a figure of the assessment report through the Python API.

Draws the report's scenario-comparison figure for three of the articles'
policy options: for every run, the option's value of each key metric minus
the status quo's in the same run (common random numbers), summarised as a
dot (median) with 25-75% and 5-95% bars.

Usage::

    python examples/reproduce_figure.py [--runs 100] [--years 10] [--out comparison.png]

A small ensemble (100 runs) takes well under a minute; ``flashpoint assess``
draws the same figure for the whole catalogue.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import flashpoint as fp
from flashpoint.analysis.compare import compare_all
from flashpoint.reports.figures import scenario_comparison, to_png
from flashpoint.scenarios import load_scenario

OPTIONS = ("tokyo_liaison_office", "nato_ip4_partnership", "europe_shoulders_defence")


def main(argv: list[str] | None = None) -> Path:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--years", type=float, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("comparison.png"))
    args = parser.parse_args(argv)

    world = fp.load_world()  # the sourced 2024 world
    results = {
        name: fp.simulate(world, name, runs=args.runs, years=args.years, seed=args.seed,
                          attribution=False, keep_dyadic=False)
        for name in ("status_quo", *OPTIONS)
    }
    table = compare_all(results, baseline="status_quo")  # paired differences, one row per metric
    titles = {name: load_scenario(name).scenario.title for name in OPTIONS}
    fig = scenario_comparison(table, scenarios=list(OPTIONS), titles=titles,
                              title="Three policy options")
    args.out.write_bytes(to_png(fig))
    print(table[["scenario", "metric", "q50", "q05", "q95", "p_increase"]].to_string(index=False))
    print(f"wrote {args.out}")
    return args.out


if __name__ == "__main__":
    main()
