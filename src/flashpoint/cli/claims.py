"""``flashpoint claims``: list the claims, evaluate them on a shared ensemble, audit them.

``evaluate`` prints every verdict with its share of runs, Wilson interval,
median effect and 5-95 % range in the metric's unit, the materiality band
and the baseline's run-to-run spread; ``--format json`` writes one record
per claim (:meth:`flashpoint.claims.Verdict.record`). ``audit`` runs the
construction audit (:mod:`flashpoint.claims.audit`) and prints each claim's
tag (input-determined, identity, emergent) with the numbers; ``evaluate
--audit`` puts the tag beside the verdicts.

Registered in ``flashpoint.cli.app`` with
``app.add_typer(claims.app, name="claims")``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from flashpoint.errors import did_you_mean

if TYPE_CHECKING:
    import xarray as xr

    from flashpoint.claims import Claim, Verdict
    from flashpoint.claims.audit import AuditResult

__all__ = ["app"]

app = typer.Typer(
    help="The articles' claims as hypotheses: list them, or evaluate them on an ensemble.",
    no_args_is_help=True,
)

_STYLE = {
    "robustly holds": "bold green", "holds": "green", "contested": "yellow",
    "no material effect": "cyan", "fails": "red", "robustly fails": "bold red",
    "theory-decided": "magenta",
}

FileOpt = Annotated[
    Path | None,
    typer.Option("--file", "-f", help="A claims TOML file or folder instead of the shipped catalogue."),
]
SideOpt = Annotated[
    str | None, typer.Option("--side", help="Only claims of this side: sceptic or proponent."),
]


def _console() -> Console:
    return Console(highlight=False)


def _load(file: Path | None) -> tuple[Claim, ...]:
    from flashpoint.claims import load_claims

    return load_claims(file)  # a ClaimError is reported by flashpoint.cli.app.main


def _select(claims: Sequence[Claim], ids: Sequence[str], side: str | None) -> list[Claim]:
    if side is not None and side not in ("sceptic", "proponent"):
        raise typer.BadParameter(
            f"expected 'sceptic' or 'proponent'. Got {side!r} instead.", param_hint="--side"
        )
    by_id = {c.id: c for c in claims}
    for cid in ids:
        if cid not in by_id:
            hint = did_you_mean(cid, by_id)
            raise typer.BadParameter(f"no claim {cid!r}.{hint}", param_hint="--claim")
    chosen = [by_id[c] for c in dict.fromkeys(ids)] if ids else list(claims)
    return [c for c in chosen if side is None or c.side == side]


@app.command("list")
def list_claims(file: FileOpt = None, side: SideOpt = None) -> None:
    """List the claims: id, side, source, and the hypothesis in model terms."""
    claims = _select(_load(file), (), side)
    table = Table(title=f"{len(claims)} claims", show_lines=False)
    for col in ("id", "side", "source", "claim", "hypothesis"):
        table.add_column(col, overflow="fold")
    for c in claims:
        table.add_row(c.id, c.side, c.source.seed[:3], c.paraphrase, c.describe())
    _console().print(table)


FormatOpt = Annotated[
    str, typer.Option("--format", help="table (default) or json (one record per claim, on stdout)."),
]


@app.command("evaluate")
def evaluate(
    claim: Annotated[
        list[str] | None, typer.Option("--claim", "-c", help="Claim id (repeatable); default all."),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", min=2, help="Runs in the shared ensemble.")] = 200,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed shared by every scenario.")] = 0,
    years: Annotated[
        float | None,
        typer.Option("--years", "-y", min=1, help="Horizon to simulate; default the longest claim horizon."),
    ] = None,
    file: FileOpt = None,
    side: SideOpt = None,
    fmt: FormatOpt = "table",
    audit: Annotated[bool, typer.Option(
        "--audit/--no-audit", help="Also run the construction audit and tag every verdict.")] = False,
    audit_runs: Annotated[int, typer.Option(
        "--audit-runs", min=2, help="Runs of the audit's paired ensemble.")] = 64,
) -> None:
    """Simulate the scenarios the claims need with one seed and show the verdicts."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"expected 'table' or 'json'. Got {fmt!r} instead.",
                                 param_hint="--format")

    from flashpoint.limits import check_run_options

    check_run_options(runs=runs, years=years, seed=seed, min_runs=2)
    chosen = _select(_load(file), claim or (), side)
    if not chosen:
        if fmt == "json":
            sys.stdout.write("[]\n")
        else:
            _console().print("no claims selected.")
        raise typer.Exit(0)
    horizon = float(max(c.horizon for c in chosen)) if years is None else years
    names = list(dict.fromkeys(
        name for c in chosen for name in ((c.baseline, c.scenario) if c.is_relative else (c.scenario,))
    ))
    results = _simulate(names, runs=runs, years=horizon, seed=seed)
    from flashpoint.claims import evaluate_all

    verdicts = evaluate_all(chosen, results)  # errors are reported by flashpoint.cli.app.main
    if audit:
        tags = _audit(chosen, runs=audit_runs, years=horizon, seed=seed)
        verdicts = {cid: v.with_audit(tags[cid].tag, tags[cid].sentence())
                    for cid, v in verdicts.items()}
    if fmt == "json":
        sys.stdout.write(json.dumps([v.record() for v in verdicts.values()], indent=1) + "\n")
        return
    _console().print(_verdict_table(list(verdicts.values()), runs=runs, seed=seed))
    _console().print(summary_line(list(verdicts.values())))


@app.command("audit")
def audit_command(
    claim: Annotated[
        list[str] | None, typer.Option("--claim", "-c", help="Claim id (repeatable); default all."),
    ] = None,
    runs: Annotated[int, typer.Option("--runs", "-n", min=2, help="Runs of the paired ensemble.")] = 64,
    seed: Annotated[int, typer.Option("--seed", "-s", help="Seed shared by every run.")] = 0,
    file: FileOpt = None,
    side: SideOpt = None,
    fmt: FormatOpt = "table",
) -> None:
    """Construction audit: re-run each claim without the scenario's direct relation inputs,
    with the mechanisms that carry its effect off, and with the linking parameter at the low
    end of its range; tag it input-determined, identity or emergent."""
    if fmt not in ("table", "json"):
        raise typer.BadParameter(f"expected 'table' or 'json'. Got {fmt!r} instead.",
                                 param_hint="--format")
    chosen = _select(_load(file), claim or (), side)
    if not chosen:
        _console().print("no claims selected.")
        raise typer.Exit(0)
    horizon = float(max(c.horizon for c in chosen))
    results = _audit(chosen, runs=runs, years=horizon, seed=seed)
    if fmt == "json":
        sys.stdout.write(json.dumps([r.record() for r in results.values()], indent=1) + "\n")
        return
    table = Table(title=f"construction audit on {runs} paired runs (seed {seed})",
                  box=box.SIMPLE_HEAD, show_lines=True)
    table.add_column("claim", overflow="fold")
    table.add_column("tag", no_wrap=True)
    table.add_column("the numbers", overflow="fold")
    for r in results.values():
        table.add_row(r.claim.id, r.tag, r.sentence().split(": ", 1)[1])
    _console().print(table)
    counts = {t: sum(1 for r in results.values() if r.tag == t)
              for t in ("emergent", "input-determined", "identity")}
    _console().print("audit: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def _audit(claims: Sequence[Claim], *, runs: int, years: float, seed: int) -> dict[str, AuditResult]:
    from flashpoint.claims.audit import audit_claims

    with Progress(TextColumn("{task.description}"), TimeElapsedColumn(),
                  console=Console(stderr=True)) as bar:
        task = bar.add_task("construction audit", total=None)

        def tick(label: str) -> None:
            bar.update(task, description=f"construction audit: {label}")

        return audit_claims(claims, runs=runs, years=years, seed=seed, progress=tick)


def summary_line(verdicts: Sequence[Verdict]) -> str:
    """Verdict counts per side, worded so that they cannot be read as the model backing a side.

    A count of verdicts says how many of the claims the model as built
    supports, not who is right: most verdicts depend on the encoding of the
    claim, its band and the theories in the model, and an input-determined
    verdict supports nothing.
    """
    from flashpoint.claims import VERDICTS

    parts = []
    for side, who in (("sceptic", "sceptics' claims"), ("proponent", "proponents' claims")):
        vs = [v for v in verdicts if v.claim.side == side]
        if not vs:
            continue
        counts: dict[str, int] = {}
        for v in vs:
            counts[v.verdict] = counts.get(v.verdict, 0) + 1
        body = ", ".join(f"{counts[k]} {k}" for k in VERDICTS if counts.get(k))
        inputs = sum(1 for v in vs if v.audit == "input-determined")
        tail = f"; {inputs} of them input-determined" if inputs else ""
        parts.append(f"{who} ({len(vs)}): {body}{tail}")
    return ("; ".join(parts) + ". These counts say what this model, with its bands and "
            "theories, shows for each claim; they are not a score of which side is right.")


def _simulate(names: Sequence[str], *, runs: int, years: float, seed: int) -> dict[str, xr.Dataset]:
    """Run every named scenario on the default world with one seed (common random numbers)."""
    from flashpoint import load_world, simulate  # the engine is imported only when evaluating

    world = load_world()
    steps = round(years / 0.25)
    out: dict[str, xr.Dataset] = {}
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True),
    ) as bar:
        total = bar.add_task(f"{len(names)} scenarios", total=len(names))
        for name in names:
            task = bar.add_task(f"  {name}", total=runs * steps)

            def advance(n_runs: int, _step: int, _task: TaskID = task) -> None:
                bar.advance(_task, n_runs)

            out[name] = simulate(world, name, runs=runs, years=years, seed=seed,
                                 attribution=False, progress=advance)
            bar.update(task, completed=runs * steps)
            bar.advance(total)
    return out


def _verdict_table(verdicts: Sequence[Verdict], *, runs: int, seed: int) -> Table:
    from flashpoint.metrics import fmt_change, fmt_value

    table = Table(
        title=f"claims on {runs} paired runs (seed {seed})", box=box.SIMPLE_HEAD,
        caption="side: S sceptic, P proponent; share: runs in which the effect exceeds the band "
        "[95% Wilson interval]; effect: median scenario - baseline [5%, 95%] in the unit; band: "
        "the smallest effect that counts; baseline: the baseline's 5-95% run-to-run range; "
        "audit: how the verdict is constructed (flashpoint claims audit)",
    )
    table.add_column("claim", overflow="fold")
    table.add_column("", no_wrap=True, min_width=1)
    table.add_column("verdict", no_wrap=True)
    table.add_column("audit", no_wrap=True)
    table.add_column("share [95% CI]", justify="right", no_wrap=True)
    table.add_column("effect [5%, 95%]", justify="right", no_wrap=True, min_width=8)
    table.add_column("band", justify="right", no_wrap=True)
    table.add_column("unit", no_wrap=True)
    table.add_column("baseline 5-95%", justify="right", no_wrap=True)
    for v in verdicts:
        style = _STYLE[v.verdict]
        c = v.claim
        spec = c.spec

        def eff(x: float, _c: Claim = c) -> str:
            return f"{100 * x:+.2g}" if _c.scale == "relative" else fmt_change(_c.spec, x)
        base = (f"{fmt_value(spec, v.baseline_p05)} to {fmt_value(spec, v.baseline_p95)}"
                if c.is_relative else "–")
        band = f"{c.band_display:g}" if c.is_relative else f"level {c.threshold:g}"
        table.add_row(
            v.claim_id, c.side[0].upper(), f"[{style}]{v.verdict}[/{style}]", v.audit or "–",
            f"{v.share:.2f} [{v.ci_low:.2f}, {v.ci_high:.2f}]",
            f"{eff(v.median_difference)} [{eff(v.effect_p05)}, {eff(v.effect_p95)}]",
            band, c.expected_unit, base,
        )
    return table
