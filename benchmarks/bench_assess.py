"""Benchmark ``flashpoint assess`` end to end (a benchmark, not a timed test).

Times the installed command as a user runs it (``python -m flashpoint assess
--no-store``, default scenarios, claims and audit; with ``--store``, storing in a
new DuckDB file as the README's main job does) at 250 and 1,000 runs, each
in its own process, and prints the wall time, peak memory of the command's
own process, and the ratio of the 1,000-run time to the 250-run time: issue
17 asks for 1,000 runs in the wall time that 250 runs took before. With
``--against SRC`` (another checkout's ``src`` directory, e.g. the commit
before a change) both are timed side by side, alternating, on the same
machine.

Usage::

    python benchmarks/bench_assess.py
    python benchmarks/bench_assess.py --against /path/to/old/src [--store]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")


def timed(runs: int, src: str, store: bool = False) -> tuple[float, float]:
    """(wall seconds, peak MB of the command's process) of one assessment."""
    env = {**os.environ, "PYTHONPATH": os.path.abspath(src)}
    with tempfile.TemporaryDirectory() as tmp:
        where = ["--db", os.path.join(tmp, "store.duckdb")] if store else ["--no-store"]
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "flashpoint", "assess", *where, "--runs",
                        str(runs), "--out", os.path.join(tmp, "report.html")],
                       check=True, capture_output=True, env=env, cwd=tmp)
        wall = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return wall, peak


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", metavar="SRC", help="another checkout's src directory")
    ap.add_argument("--store", action="store_true",
                    help="store the results in a new DuckDB file, as `flashpoint assess` does")
    args = ap.parse_args()
    sources = [("this", HERE)] + ([("other", args.against)] if args.against else [])
    for _, src in sources:  # compile each checkout's kernels once, outside the timings
        subprocess.run([sys.executable, "-c", "import flashpoint as fp; fp.simulate(runs=8, "
                        "years=1)"], check=True, env={**os.environ, "PYTHONPATH": src})
    print(f"{'code':>6} {'runs':>5} {'wall s':>7} {'peak MB (max so far)':>21}")
    walls: dict[tuple[str, int], float] = {}
    for runs in (250, 1000):
        for name, src in sources:
            wall, peak = timed(runs, src, args.store)
            walls[name, runs] = wall
            print(f"{name:>6} {runs:>5} {wall:>7.1f} {peak:>21.0f}", flush=True)
    for name, _ in sources:
        print(f"{name}: 1,000 runs / 250 runs = {walls[name, 1000] / walls[name, 250]:.2f}")
    if args.against:
        print(f"1,000 runs here / 250 runs of the other: "
              f"{walls['this', 1000] / walls['other', 250]:.2f} (issue 17 asks <= 1)")
        for runs in (250, 1000):
            print(f"speed-up at {runs} runs: {walls['other', runs] / walls['this', runs]:.2f}x")


if __name__ == "__main__":
    main()
