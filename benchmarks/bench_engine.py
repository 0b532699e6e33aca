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
    python benchmarks/bench_engine.py --matrix   # float32/float64 x 1/2 threads, 1k and 10k runs
    python benchmarks/bench_engine.py --kernels  # compiled kernels vs the NumPy reference
    python benchmarks/bench_engine.py --scaling  # time and memory vs runs (1k, 10k) and actors (35, 70, 195)
    python benchmarks/bench_engine.py --against ../old/src  # this code vs another checkout's

Every case runs in its own process; ``FLASHPOINT_KERNELS`` (``numba`` or
``numpy``) chooses the backend of the mechanisms' kernels (flashpoint.kernels).
"""

from __future__ import annotations

import argparse
import json
import math
import os
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


def _world(actors: str) -> object:
    """``default`` (35 actors), ``70`` (the default and the 35 largest other spenders) or ``all``."""
    import flashpoint as fp
    from flashpoint.world import DEFAULT_ACTORS

    if actors == "all":
        return fp.load_world(actors="all")
    if actors == "70":
        every = fp.load_world(actors="all").to_arrays()
        order = np.argsort(-every.milex)
        extra = [every.iso3[i] for i in order if every.iso3[i] not in DEFAULT_ACTORS][:35]
        return fp.load_world(actors=[*DEFAULT_ACTORS, *extra])
    return fp.load_world()


def case(actors: str, runs: int, attribution: bool, precision: str,
         threads: int | None = None) -> dict[str, float]:
    from flashpoint.api import resolve_world
    from flashpoint.engine.plan import Plan
    from flashpoint.engine.run import RunConfig, run_ensemble

    world = resolve_world(_world(actors))
    years, dt = 10, 0.25
    steps = int(years / dt)
    plan = Plan(name="status_quo")

    def go(r: int, y: int, att: bool) -> object:
        return run_ensemble(world, plan, RunConfig(runs=r, years=y, seed=0, dt=dt,
                                                   attribution=att, keep_dyadic=False,
                                                   precision=precision, threads=threads))

    go(8, 1, False)  # warm-up
    t = time.perf_counter()
    go(runs, years, attribution)
    wall = time.perf_counter() - t
    # peak before the bandwidth probe, which allocates 768 MB of its own
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = world.n
    step_bytes = runs * n * n * np.dtype(precision).itemsize * (3 * 2 + 3)
    floor = steps * step_bytes / bandwidth_bytes_per_s()
    return {"actors": n, "runs": runs, "wall_s": wall, "run_steps_per_s": runs * steps / wall,
            "peak_mb": peak_mb, "floor_s": floor, "ratio_to_floor": wall / floor}


def _run_case(actors: str, runs: int, att: int, precision: str, threads: int,
              kernels: str | None = None, src: str | None = None) -> dict[str, float]:
    """One case in its own process (so peak memory is the case's own); ``src``: the
    ``src`` directory of another checkout to import flashpoint from."""
    env = dict(os.environ)
    if kernels is not None:
        env["FLASHPOINT_KERNELS"] = kernels
    if src is not None:
        env["PYTHONPATH"] = os.path.abspath(src)
    out = subprocess.run(
        [sys.executable, __file__, "--case", f"{actors}:{runs}:{att}:{precision}:{threads}"],
        capture_output=True, text=True, check=True, env=env)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def matrix() -> None:
    """float32 vs float64 and 1 vs 2 engine threads, default world, 1,000 and 10,000 runs."""
    print(f"{'runs':>6} {'precision':>9} {'threads':>7} {'wall s':>8} {'run-steps/s':>12} "
          f"{'peak MB':>8} {'vs f64 1 thr':>12}")
    for runs in (1000, 10000):
        base = None
        for precision in ("float64", "float32"):
            for threads in (1, 2):
                r = _run_case("default", runs, 0, precision, threads)
                base = base or r["wall_s"]
                print(f"{runs:>6} {precision:>9} {threads:>7} {r['wall_s']:>8.2f} "
                      f"{r['run_steps_per_s']:>12,.0f} {r['peak_mb']:>8.0f} "
                      f"{base / r['wall_s']:>11.2f}x", flush=True)


def kernel_matrix() -> None:
    """Compiled kernels against the NumPy reference, side by side (float64, no attribution)."""
    print(f"{'world':>8} {'actors':>6} {'runs':>6} {'threads':>7} {'numpy s':>8} {'kernels s':>9} "
          f"{'ratio':>6}")
    for actors, runs, threads in (("default", 1000, 1), ("default", 1000, 2),
                                  ("default", 10000, 2), ("all", 200, 1)):
        ref = _run_case(actors, runs, 0, "float64", threads, "numpy")
        fast = _run_case(actors, runs, 0, "float64", threads, "numba")
        print(f"{actors:>8} {int(fast['actors']):>6} {runs:>6} {threads:>7} {ref['wall_s']:>8.2f} "
              f"{fast['wall_s']:>9.2f} {ref['wall_s'] / fast['wall_s']:>5.2f}x", flush=True)


def scaling() -> None:
    """Time and peak memory as runs and actors grow (float64, 2 threads, kernels on)."""
    print(f"{'actors':>6} {'runs':>6} {'wall s':>8} {'run-steps/s':>12} {'peak MB':>8} "
          f"{'s per 1k runs':>13}")
    for actors, runs in (("default", 1000), ("default", 10000), ("70", 1000), ("all", 1000)):
        r = _run_case(actors, runs, 0, "float64", 0)
        print(f"{int(r['actors']):>6} {runs:>6} {r['wall_s']:>8.2f} {r['run_steps_per_s']:>12,.0f} "
              f"{r['peak_mb']:>8.0f} {1000 * r['wall_s'] / runs:>13.2f}", flush=True)


def against(src: str) -> None:
    """This checkout against another (``src``: its ``src`` directory), case by case,
    alternating, each in its own process: the speed-up of this code on this machine."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
    print(f"this checkout: {os.path.abspath(here)}; other: {os.path.abspath(src)}")
    print(f"{'world':>8} {'actors':>6} {'runs':>6} {'attrib':>6} {'other s':>8} {'this s':>8} "
          f"{'speed-up':>8} {'other MB':>8} {'this MB':>8}")
    for actors, runs, att in (("default", 1000, 0), ("default", 1000, 1), ("default", 10000, 0),
                              ("all", 1000, 0)):
        _run_case(actors, 8, 0, "float64", 0, src=src)  # compile the other's kernels once
        old = _run_case(actors, runs, att, "float64", 0, src=src)
        new = _run_case(actors, runs, att, "float64", 0, src=here)
        print(f"{actors:>8} {int(new['actors']):>6} {runs:>6} {('yes' if att else 'no'):>6} "
              f"{old['wall_s']:>8.2f} {new['wall_s']:>8.2f} {old['wall_s'] / new['wall_s']:>7.2f}x "
              f"{old['peak_mb']:>8.0f} {new['peak_mb']:>8.0f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", metavar="SRC",
                    help="this checkout against another's src directory, side by side")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--matrix", action="store_true",
                    help="float32 vs float64 and 1 vs 2 threads side by side (default world)")
    ap.add_argument("--kernels", action="store_true",
                    help="compiled kernels vs the NumPy reference, side by side")
    ap.add_argument("--scaling", action="store_true",
                    help="time and memory vs runs (1k, 10k) and actors (35, 70, 195)")
    ap.add_argument("--case", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        actors, runs, att, precision, threads = args.case.split(":")
        print(json.dumps(case(actors, int(runs), att == "1", precision,
                              int(threads) if threads != "0" else None)))
        return
    if args.matrix:
        matrix()
        return
    if args.kernels:
        kernel_matrix()
        return
    if args.scaling:
        scaling()
        return
    if args.against:
        against(args.against)
        return
    f64, f32 = "float64", "float32"
    cases = [("default", 1000, 0, f64), ("default", 1000, 0, f32)] if args.quick else [
        ("default", 1000, 0, f64), ("default", 1000, 1, f64), ("default", 10000, 0, f64),
        ("default", 10000, 0, f32), ("all", 1000, 0, f64), ("all", 1000, 0, f32)]
    print(f"{'world':>8} {'actors':>6} {'runs':>6} {'attrib':>6} {'precision':>9} {'wall s':>8} "
          f"{'run-steps/s':>12} {'peak MB':>8} {'floor s':>8} {'ratio':>6}")
    for actors, runs, att, precision in cases:
        r = _run_case(actors, runs, att, precision, 0)
        print(f"{actors:>8} {r['actors']:>6} {r['runs']:>6} {('yes' if att else 'no'):>6} "
              f"{precision:>9} {r['wall_s']:>8.2f} {r['run_steps_per_s']:>12,.0f} "
              f"{r['peak_mb']:>8.0f} {r['floor_s']:>8.3f} {r['ratio_to_floor']:>6.1f}")

if __name__ == "__main__":
    main()
