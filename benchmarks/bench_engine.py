"""Benchmark the ensemble engine (a benchmark, not a timed test).

Times the ensemble for 1,000 and 10,000 runs of the default world and for
the all-states world (1,000 runs), 10 years, quarterly steps, and prints for
each case: wall time, run-steps per second, peak resident memory (each case
runs in its own process), and the ratio of the time to a memory-bandwidth
floor measured in the same process: the bytes of dyadic state a step must
touch (read and write the three (R, N, N) state fields, read the three
(R, N, N) context fields) over the bandwidth of a plain NumPy streaming
operation (``np.add(a, b, out=c)`` on 256 MB arrays).

The comparison with an agent-based model is benchmarks/bench_mesa.py: a
genuine Mesa model of the engine's threat and arms equations, with a parity
check against the engine, timed side by side.

Usage::

    python benchmarks/bench_engine.py            # all cases
    python benchmarks/bench_engine.py --quick    # 1,000 runs of the default world only
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import time

import numpy as np


def bandwidth_bytes_per_s() -> float:
    """Streaming bandwidth of np.add on 256 MB operands (bytes read + written per second)."""
    n = 32 * 1024 * 1024
    a, b, c = np.ones(n), np.ones(n), np.empty(n)
    np.add(a, b, out=c)
    best = math.inf
    for _ in range(5):
        t = time.perf_counter()
        np.add(a, b, out=c)
        best = min(best, time.perf_counter() - t)
    return 3 * n * 8 / best


def case(actors: str, runs: int, attribution: bool, precision: str) -> dict[str, float]:
    import flashpoint as fp
    from flashpoint.api import resolve_world

    world = resolve_world(fp.load_world(actors="all") if actors == "all" else fp.load_world())
    years, dt = 10, 0.25
    steps = int(years / dt)
    fp.simulate(world, runs=8, years=1, seed=0, attribution=False, keep_dyadic=False,
                precision=precision)  # warm-up
    t = time.perf_counter()
    fp.simulate(world, runs=runs, years=years, seed=0, attribution=attribution, keep_dyadic=False,
                precision=precision)
    wall = time.perf_counter() - t
    n = world.n
    step_bytes = runs * n * n * np.dtype(precision).itemsize * (3 * 2 + 3)
    floor = steps * step_bytes / bandwidth_bytes_per_s()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"actors": n, "runs": runs, "wall_s": wall, "run_steps_per_s": runs * steps / wall,
            "peak_mb": peak_mb, "floor_s": floor, "ratio_to_floor": wall / floor}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        actors, runs, att, precision = args.case.split(":")
        print(json.dumps(case(actors, int(runs), att == "1", precision)))
        return
    f64, f32 = "float64", "float32"
    cases = [("default", 1000, 0, f64), ("default", 1000, 0, f32)] if args.quick else [
        ("default", 1000, 0, f64), ("default", 1000, 1, f64), ("default", 10000, 0, f64),
        ("default", 10000, 0, f32), ("all", 1000, 0, f64), ("all", 1000, 0, f32)]
    print(f"{'world':>8} {'actors':>6} {'runs':>6} {'attrib':>6} {'precision':>9} {'wall s':>8} "
          f"{'run-steps/s':>12} {'peak MB':>8} {'floor s':>8} {'ratio':>6}")
    for actors, runs, att, precision in cases:
        out = subprocess.run(
            [sys.executable, __file__, "--case", f"{actors}:{runs}:{att}:{precision}"],
            capture_output=True, text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{actors:>8} {r['actors']:>6} {r['runs']:>6} {('yes' if att else 'no'):>6} "
              f"{precision:>9} {r['wall_s']:>8.2f} {r['run_steps_per_s']:>12,.0f} "
              f"{r['peak_mb']:>8.0f} {r['floor_s']:>8.3f} {r['ratio_to_floor']:>6.1f}")


if __name__ == "__main__":
    main()
