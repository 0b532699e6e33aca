"""Benchmark a sweep's throughput with 1 and 2 Dask workers (a benchmark, not a timed test).

Runs the same sweep (default world, ``--scenarios`` x ``--runs`` runs,
``--years`` years, ``--dt`` steps, chunks of ``--chunk-size``) on a
LocalCluster with 1 worker and with 2 workers (processes, one thread each),
each into a fresh DuckDB store, and prints side by side: wall time (cluster
start-up included, as a user sees it), run-steps per second, and the scaling
ratio throughput(2) / throughput(1) (ideal: 2.0; below it: start-up,
scheduling, the client's DuckDB writes, which are serial, and cores shared
with other processes). Also checks that both sweeps stored the same numbers.

Usage::

    python benchmarks/bench_sweep.py
    python benchmarks/bench_sweep.py --runs 400 --chunk-size 50 --years 10 --dt 0.25
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np


def _one(workers: int, args: argparse.Namespace, tmp: Path) -> tuple[float, int, dict[str, object]]:
    from flashpoint.distributed.sweep import SweepConfig, load_sweep, run_sweep
    from flashpoint.storage import Store

    cfg = SweepConfig(tuple(args.scenarios), runs=args.runs, years=args.years, dt=args.dt,
                      seed=0, chunk_size=args.chunk_size)
    t0 = time.perf_counter()
    with Store.open(tmp / f"bench_{workers}.duckdb") as store:
        rep = run_sweep(cfg, store, workers=workers)
        wall = time.perf_counter() - t0
        first = load_sweep(store, rep.sweep_id, args.scenarios[0])
    return wall, rep.run_steps, {"axis": first["axis_cohesion"].values}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scenarios", nargs="+", default=["status_quo", "nato_ip4_partnership"])
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--chunk-size", type=int, default=25)
    p.add_argument("--years", type=float, default=5)
    p.add_argument("--dt", type=float, default=0.25)
    args = p.parse_args()
    print(f"cores: {os.cpu_count()}; sweep: {len(args.scenarios)} scenarios x {args.runs} runs, "
          f"{args.years:g} years, dt={args.dt}, chunks of {args.chunk_size}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        rows = [(w, *_one(w, args, tmp)) for w in (1, 2)]
    same = np.array_equal(rows[0][3]["axis"], rows[1][3]["axis"], equal_nan=True)  # type: ignore[arg-type]
    print(f"{'workers':>8} {'wall s':>8} {'run-steps/s':>12}")
    rates = []
    for w, wall, steps, _ in rows:
        rates.append(steps / wall)
        print(f"{w:>8} {wall:>8.2f} {steps / wall:>12.0f}")
    print(f"scaling ratio (2 workers / 1 worker): {rates[1] / rates[0]:.2f}  (ideal 2.00)")
    print(f"identical results with 1 and 2 workers: {same}")


if __name__ == "__main__":
    main()
