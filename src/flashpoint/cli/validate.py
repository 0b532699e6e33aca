"""``flashpoint calibrate`` and ``flashpoint backtest``: validity against history.

See :mod:`flashpoint.validation.calibrate` (ABC calibration on a training
window) and :mod:`flashpoint.validation.backtest` (scores against naive
baselines on a test window) for the method; ``docs/validation.md`` for results.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from flashpoint.errors import DataError

if TYPE_CHECKING:
    import pandas as pd

    from flashpoint.validation.backtest import Backtest, EventBacktest
    from flashpoint.validation.calibrate import Calibration, TheoryPosterior

__all__ = ["backtest", "backtest_tables", "calibrate", "calibration_tables", "theory_table"]


def _progress(console: Console) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)


def _table(df: pd.DataFrame, title: str, index: str, fmt: dict[str, str]) -> Table:
    import pandas as pd

    t = Table(title=title)
    t.add_column(index, no_wrap=True)
    for c in df.columns:
        t.add_column(str(c), justify="right")
    for key, row in df.iterrows():
        cells = []
        for c in df.columns:
            v = row[c]
            if isinstance(v, str):
                cells.append(v)
            elif pd.isna(v):
                cells.append("-")
            else:
                cells.append(format(v, fmt.get(str(c), ".3g")))
        t.add_row(str(key), *cells)
    return t


def calibration_tables(cal: Calibration, top: int = 12) -> list[Table]:
    """Diagnostics and the ``top`` most informed parameters of a calibration."""
    d = cal.diagnostics
    diag = Table(title=f"ABC calibration {cal.train[0]}-{cal.train[1]}")
    diag.add_column("diagnostic")
    diag.add_column("value", justify="right")
    rows = [
        ("prior runs", f"{d['runs']}"),
        ("accepted (acceptance rate)", f"{d['accepted']} ({d['acceptance_rate']:.1%})"),
        ("tolerance epsilon (distance D)", f"{d['epsilon']:.3f}"),
        ("effective sample size (Kish)", f"{cal.ess:.1f}"),
        ("RMS log milex error, prior median", f"{d['rms_log_milex_prior_median']:.3f}"),
        ("RMS log milex error, posterior median", f"{d['rms_log_milex_posterior_median']:.3f}"),
        ("RMS alignment-change error, prior median", f"{d['rms_align_prior_median']:.3f}"),
        ("RMS alignment-change error, posterior median", f"{d['rms_align_posterior_median']:.3f}"),
    ]
    for k, v in rows:
        diag.add_row(k, v)
    s = cal.summary().sort_values("shrinkage", ascending=False).head(top).set_index("parameter")
    s = s.rename(columns={"prior_low": "prior low", "prior_high": "prior high", "post_q05": "post 5%",
                          "post_median": "post 50%", "post_q95": "post 95%", "shrinkage": "shrink"})
    par = _table(s, f"Prior vs posterior (5-95 %), the {top} most informed parameters", "parameter",
                 {"shrink": ".2f"})
    return [diag, par]


def theory_table(tp: TheoryPosterior, cal: Calibration | None = None) -> Table:
    """Prior and posterior theory weights: reaction events (with uncertainty) and history."""
    hist = cal.theory_posterior() if cal is not None else {}
    t = Table(title=f"Theory weights: ABC model choice on {len(tp.events)} dated reaction events "
                    f"({tp.diagnostics['runs']} runs, ESS {tp.ess:.0f})")
    for c in ("theory", "prior", "posterior (events)", "+/- s.e.", "leave-one-out",
              "history", "discriminates"):
        t.add_column(c, justify="left" if c == "theory" else "right")
    for row in tp.summary().itertuples():
        h = hist.get(str(row.mechanism), {}).get(str(row.theory))
        t.add_row(f"{row.mechanism}: {row.theory}", f"{row.prior:.2f}", f"{row.posterior:.2f}",
                  f"{row.se:.2f}", f"{row.loo_min:.2f}-{row.loo_max:.2f}",
                  "-" if h is None else f"{h:.2f}", "yes" if row.discriminates else "no")
    return t


def calibrate(
    train: Annotated[str, typer.Option(help="Training window, e.g. 1995-2013.")] = "1995-2013",
    runs: Annotated[int, typer.Option(help="Prior runs (one simulation each).")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the design and the random events.")] = 0,
    alpha: Annotated[float, typer.Option(help="Accepted fraction of the prior runs.")] = 0.1,
    out: Annotated[Path, typer.Option(help="Calibration file to write (JSON).")] = Path("calibration.json"),
    theory_runs: Annotated[int, typer.Option(
        help="Prior runs for the theory weights on the dated reaction events (0 = skip).")] = 600,
) -> None:
    """Calibrate the parameters to observed military spending and alignment (ABC rejection)."""
    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, seed=seed)
    from flashpoint.validation.calibrate import calibrate as run_calibration
    from flashpoint.validation.calibrate import parse_window

    window = parse_window(train)
    console = Console()
    with _progress(console) as bar:
        task = bar.add_task(f"simulating {window[0]}-{window[1]}", total=runs)
        cal = run_calibration(window, runs=runs, seed=seed, alpha=alpha,
                              progress=lambda k: bar.advance(task, k))
    for t in calibration_tables(cal):
        console.print(t)
    tp = None
    if theory_runs > 0:
        from flashpoint.validation.calibrate import theory_weights
        from flashpoint.validation.reactions import load_reactions

        with _progress(console) as bar:
            task = bar.add_task("replaying the reaction events", total=len(load_reactions()))
            tp = theory_weights(runs=theory_runs, seed=seed,
                                progress=lambda k: bar.advance(task, k))
        console.print(theory_table(tp, cal))
        if not any(tp.discriminates(m) for m in tp.prior):
            console.print("The reaction events do not discriminate between the theories; "
                          "the prior weights stay the default.")
    cal.save(out, runs=runs, seed=seed, theories=tp)
    console.print(f"wrote {out} (accepted parameter vectors, weights, diagnostics and a "
                  f"resampled set of {runs} runs)")


#: Short method labels for the per-actor table.
SHORT = {"model (calibrated)": "model", "model (calibrated + discrepancy)": "model+d",
         "model (prior)": "prior", "persistence": "persist.",
         "linear trend": "trend", "AR(1)": "AR(1)"}


def backtest_tables(bt: Backtest) -> list[Table]:
    """Pooled and per-actor tables of a backtest."""
    span = f"{bt.start + 1}-{bt.end}, origin {bt.start}"
    m = _table(bt.summary("milex"), f"Military spending {span} (nominal cov. 50 % / 90 %)",
               "method", {"MAPE %": ".1f", "MdAPE %": ".1f", "rel. CRPS %": ".1f", "cov50": ".0%",
                          "cov90": ".0%", "n": ".0f"})
    a = _table(bt.summary("alignment"), f"Alignment change with USA and CHN {span}", "method",
               {"MAE": ".3f", "MdAE": ".3f", "CRPS": ".3f", "cov50": ".0%", "cov90": ".0%", "n": ".0f"})
    per = bt.per_actor()
    per["best"] = per["best"].map(SHORT)
    per = per.rename(columns={**SHORT, "model rel. CRPS %": "CRPS %", "model cov50": "cov50",
                              "model cov90": "cov90"})
    cols = ["n", *[SHORT[c] for c in bt.methods], "CRPS %", "cov50", "cov90", "best"]
    p = _table(per[cols], f"Military spending per actor: mean APE % ({SHORT[bt.methods[0]]}: "
               f"CRPS and coverage)", "actor",
               {"n": ".0f", "cov50": ".0%", "cov90": ".0%", **{c: ".1f" for c in cols[1:-3]},
                "CRPS %": ".1f"})
    return [m, a, p]


def backtest(
    start: Annotated[int, typer.Option(help="Origin year: the model starts from this year's world.")] = 2014,
    end: Annotated[int, typer.Option(help="Last test year.")] = 2023,
    calibration: Annotated[Path | None, typer.Option(help="Calibration file from 'flashpoint calibrate'; "
                                                     "none = priors only.")] = None,
    runs: Annotated[int, typer.Option(help="Ensemble size.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed.")] = 0,
    train: Annotated[str | None, typer.Option(help="Baselines' training window; default the "
                                              "calibration's, else 1995 to start-1.")] = None,
    csv: Annotated[Path | None, typer.Option(help="Write every actor-year score to this CSV.")] = None,
    hazards: Annotated[bool, typer.Option("--hazards", help="Instead: fit the crisis and war hazards "
                                          "on 1946-1995 and score them out of sample.")] = False,
    events: Annotated[bool, typer.Option("--events", help="Instead: the event-rich conditional "
                                         "hindcast (world/data/events.toml as known inputs) from "
                                         "each of --origins to --end, scored on changes.")] = False,
    origins: Annotated[str, typer.Option(help="Origins of --events, comma-separated.")] = "2008,2014,2018",
) -> None:
    """Score the model against history and naive baselines (persistence, linear trend, AR(1))."""
    import pandas as pd

    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, seed=seed)
    if hazards:
        _hazard_backtest(seed, csv)
        return
    if events:
        _event_backtest(origins, end, runs, seed, csv)
        return
    from flashpoint.validation.backtest import backtest as run_backtest
    from flashpoint.validation.calibrate import load_calibration, parse_window

    cal = load_calibration(calibration) if calibration is not None else None
    window = parse_window(train, "--train") if train is not None else None
    if window is not None and window[1] > start:
        raise DataError("--train", f"expected a window ending by the origin year {start}. Got {train!r} instead.")
    console = Console()
    n_ens = 2 if cal is not None else 1
    with _progress(console) as bar:
        task = bar.add_task(f"simulating {start}-{end}", total=runs * n_ens)
        bt = run_backtest(start, end, calibration=cal, runs=runs, seed=seed, train=window,
                          progress=lambda k: bar.advance(task, k))
    for t in backtest_tables(bt):
        console.print(t)
    from flashpoint.validation.backtest import event_backtest

    ch = event_backtest(start, end, runs=runs, seed=seed, events=False,
                        parameters=cal.sample(runs, seed) if cal is not None else None)
    for t in event_tables(ch, status_quo=True):
        console.print(t)
    if bt.skipped:
        console.print("not scored on military spending: " +
                      "; ".join(f"{a} ({why})" for a, why in bt.skipped.items()))
    console.print(f"baselines fitted on {bt.train[0]}-{bt.train[1]}; model parameters: "
                  f"{'calibrated posterior sample and priors' if cal is not None else 'priors'}; "
                  f"{runs} runs, seed {seed}.")
    if csv is not None:
        import pandas as pd

        pd.concat([bt.milex.assign(target="milex"), bt.alignment.assign(target="alignment")],
                  ignore_index=True).to_csv(csv, index=False)
        console.print(f"wrote {csv}")


def hazard_tables(seed: int = 0) -> tuple[list[Table], pd.DataFrame]:
    """Tables of the hazard fit (1946-1995), its out-of-sample scores and the flashpoints' records."""

    from flashpoint.validation.hazards import (
        calibration,
        directed,
        fit_hazard,
        flashpoint_table,
        load_dyads,
        score_hazards,
        trade_fit,
    )

    sc = score_hazards(seed=seed)
    onset = sc.fits["onset:hazard"]
    raw = load_dyads()
    d = directed(raw)
    war = fit_hazard(d[d.onset == 1], "war5", years=onset.years)
    tabs = []
    for f, title in ((onset, "MID onset hazard, challenger -> target"), (war, "P(war | MID onset)")):
        dg = f.diagnostics
        tabs.append(_table(f.table(), f"{title}, cloglog, {f.years[0]}-{f.years[1]}: n {f.n}, events "
                           f"{f.events}, McFadden R2 {dg['mcfadden_r2']:.3f}, Newton iterations "
                           f"{dg['iterations']:.0f}, max |gradient| {dg['max_abs_gradient']:.1e}",
                           "term", {"hazard ratio": ".3g"}))
    tf = trade_fit(raw)
    tabs.append(_table(tf.table(), f"MID onset hazard with trade dependence (% of the weaker side's "
                       f"trade), {tf.years[0]}-{tf.years[1]}: n {tf.n}, events {tf.events}, McFadden "
                       f"R2 {tf.diagnostics['mcfadden_r2']:.3f}", "term", {"hazard ratio": ".3g"}))
    cal = calibration(onset, d[(d.year >= onset.years[0]) & (d.year <= onset.years[1])])
    tabs.append(_table(cal, "Calibration in sample (deciles of fitted probability)", "decile",
                       {"n": ".0f", "mean p": ".4f", "expected": ".1f", "observed": ".0f"}))
    t = sc.table.set_index("target").rename(columns={"dyad-years": "n", "log score": "log",
                                                     "CRPS count": "CRPS", "cov90 count": "cov90"})
    tabs.append(_table(t, "Out of sample (fit 1946-1995): Brier and log score per dyad-year, CRPS and "
                       "90 % coverage of yearly onset counts", "target",
                       {"n": ".0f", "events": ".0f", "expected": ".1f", "Brier": ".5f",
                        "log": ".5f", "CRPS": ".3f", "cov90": ".0%"}))
    full = fit_hazard(d, "onset", years=(1946, 2010))
    fpt = flashpoint_table(full, raw).drop(columns="dyads").rename(
        columns={"dyad-years": "n", "pooled multiplier": "mult.", "annual hazard": "hazard/yr"})
    tabs.append(_table(fpt, "Flashpoints: MID onsets by the challenger 1946-2010, fitted expectation, pooled hazard",
                       "flashpoint", {"n": ".0f", "onsets": ".0f", "expected": ".2f",
                                      "mult.": ".2f", "hazard/yr": ".3f"}))
    return tabs, sc.table


def _hazard_backtest(seed: int, csv: Path | None) -> None:
    console = Console(width=max(Console().width, 120))
    tabs, scores = hazard_tables(seed)
    for t in tabs:
        console.print(t)
    console.print("MID: Gibler-Miller-Little 2.2.1; UCDP/PRIO interstate onsets; politically relevant "
                  "dyad-years (world/data/conflict_dyads.csv.gz). Method: flashpoint.validation.hazards.")
    if csv is not None:
        scores.to_csv(csv, index=False)
        console.print(f"wrote {csv}")


def event_tables(bt: EventBacktest, status_quo: bool = False) -> list[Table]:
    """Pooled and per-actor tables of changes since the origin (an event-rich or a status-quo backtest)."""
    import pandas as pd

    from flashpoint.validation.backtest import MOVERS

    span = f"{bt.start + 1}-{bt.end}, origin {bt.start}"
    what = "status quo, no events" if status_quo else "events as known inputs vs withheld"
    pooled = pd.DataFrame({"share, all": bt.summary("share"), "share, movers": bt.summary("share", MOVERS),
                           "log milex, all": bt.summary("log milex"),
                           "log milex, movers": bt.summary("log milex", MOVERS)})
    t1 = _table(pooled, f"Mean absolute error of changes since {bt.start} ({what}), {span}: share of GDP "
                "(percentage points) and log real spending (x100); movers = " + ", ".join(MOVERS),
                "method", {c: ".3f" for c in pooled.columns})
    short = {"model + events": "events", "model, events withheld": "withheld",
             "model (status quo)": "model", "persistence": "persist.", "linear trend": "trend",
             "AR(1)": "AR(1)"}
    per = bt.per_actor("share").rename(columns=short)
    per["best"] = per["best"].map(short)
    t2 = _table(per, f"Share of GDP: mean absolute error of the change (pp) per actor, {span}", "actor",
                {"n": ".0f", **{c: ".3f" for c in per.columns if c not in ("n", "best")}})
    return [t1, t2]


def _event_backtest(origins: str, end: int, runs: int, seed: int, csv: Path | None) -> None:
    import pandas as pd

    from flashpoint.validation.backtest import event_backtest

    try:
        starts = [int(x) for x in origins.split(",") if x.strip()]
    except ValueError:
        raise DataError("--origins", f"expected comma-separated years. Got {origins!r} instead.") from None
    console = Console(width=max(Console().width, 120))
    frames = []
    for st in starts:
        bt = event_backtest(st, end, runs=runs, seed=seed)
        for t in event_tables(bt):
            console.print(t)
        console.print(f"events as known inputs ({len(bt.events)}): {', '.join(bt.events)}")
        frames.append(bt.changes.assign(origin=st))
    console.print(f"{runs} runs, seed {seed}; baselines fitted on 1995 to origin-1. Events: "
                  "world/data/events.toml; method: flashpoint.validation.backtest.event_backtest.")
    if csv is not None:
        pd.concat(frames, ignore_index=True).to_csv(csv, index=False)
        console.print(f"wrote {csv}")
