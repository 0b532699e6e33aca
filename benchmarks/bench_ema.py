"""EMA Workbench through flashpoint.ema vs flashpoint.simulate on the same design (a benchmark, not a test).

Builds the EMA model of one option, runs ``--experiments`` experiments with
``perform_experiments`` and :class:`flashpoint.ema.FlashpointEvaluator`, then
``flashpoint.simulate`` on exactly the same per-run parameter and lever
values, in one process, in both orders (so that neither gains from warming
up first), and prints both throughputs and their ratio (evaluator time /
simulate time; 1.0 = native speed). Also checks that the outcomes are the
simulate result's numbers.

Usage::

    python benchmarks/bench_ema.py
    python benchmarks/bench_ema.py --experiments 500 --years 10 --option nato_ip4_partnership
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experiments", type=int, default=200)
    ap.add_argument("--years", type=float, default=10)
    ap.add_argument("--option", default="nato_ip4_partnership")
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    from ema_workbench import perform_experiments

    import flashpoint
    from flashpoint.ema import FlashpointEvaluator, build_model, policies

    model = build_model([args.option], years=args.years)
    opt = model.options[args.option]
    n = args.experiments

    def via_ema() -> tuple[float, object, dict[str, np.ndarray]]:
        t = time.perf_counter()
        with FlashpointEvaluator(model) as ev:
            ex, out = perform_experiments(model, scenarios=n, policies=policies(model), evaluator=ev)
        return time.perf_counter() - t, ex, out

    def via_simulate(ex: object) -> tuple[float, object]:
        params = {fp: ex[e].to_numpy(dtype=float) for e, fp in model.parameter_names.items()}  # type: ignore[index]
        levers = {lab: ex[e].to_numpy(dtype=float) for e, (lab, _, _) in opt.levers.items()}  # type: ignore[index]
        t = time.perf_counter()
        ds = flashpoint.simulate(model.world, opt.plan, runs=n, years=args.years, seed=model.seed,
                                 attribution=False, keep_dyadic=False, parameters=params, levers=levers)
        return time.perf_counter() - t, ds

    t_ema1, ex, out = via_ema()
    t_sim1, ds = via_simulate(ex)
    t_sim2, _ = via_simulate(ex)
    t_ema2, _, _ = via_ema()
    same = np.array_equal(out["axis_cohesion"], ds["axis_cohesion"].isel(time=-1).values)  # type: ignore[index]
    for label, te, ts in (("EMA first", t_ema1, t_sim1), ("simulate first", t_ema2, t_sim2)):
        print(f"{label:15s} {n} experiments, {args.years:g} years: evaluator {te:.2f} s ({n / te:.0f}/s), "
              f"simulate {ts:.2f} s ({n / ts:.0f}/s), ratio {te / ts:.2f}")
    print(f"outcomes equal simulate's numbers: {same}")


if __name__ == "__main__":
    main()
