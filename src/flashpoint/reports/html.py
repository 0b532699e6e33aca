"""The assessment report: ONE self-contained HTML file.

Figures are embedded as base64 PNG ``data:`` URIs, the CSS is inline, and
the page makes no network request (no scripts, fonts or images from other
hosts), so it can be mailed, archived or opened offline.

Sections: summary, how to read the report, trajectories, scenario
comparison (figures and table), alliance and alignment network, attribution
to mechanisms, the claims table with verdicts, the scenarios and their
sources, the assumptions (every model parameter with its range and source),
and the provenance (seed, runs, code version, world digest, datasets).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from flashpoint.reports import figures

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from flashpoint.analysis.assess import Assessment

__all__ = ["ATTRIBUTION_FIGURES", "render_report", "write_report"]

#: Scenarios whose attribution gets a figure in the report (when attributed).
ATTRIBUTION_FIGURES: tuple[str, ...] = (
    "nato_ip4_partnership", "europe_shoulders_defence", "us_retrenchment",
)
#: Scenarios drawn over the baseline in the trajectories figure.
TRAJECTORY_HIGHLIGHTS: tuple[str, ...] = ("nato_ip4_partnership", "us_retrenchment")

_CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#222;
background:#fafafa;line-height:1.45}
main{max-width:1250px;margin:0 auto;padding:1.5em 2em 4em;background:#fff}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;
margin-top:2.2em}h3{margin-top:1.5em}
nav{background:#f0f4f8;padding:.6em 1em;border-radius:6px;font-size:.92em}
nav a{margin-right:1em;color:#0072B2;text-decoration:none}
table{border-collapse:collapse;font-size:.83em;margin:.8em 0;width:100%}
th,td{border:1px solid #ddd;padding:.3em .5em;vertical-align:top;text-align:left}
th{background:#f0f4f8;position:sticky;top:0}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr:nth-child(even) td{background:#fbfbfb}
img{max-width:100%;height:auto;border:1px solid #eee;margin:.5em 0}
.muted{color:#666;font-size:.9em}.quote{font-style:italic;color:#444}
.v{font-weight:bold;padding:.1em .4em;border-radius:4px;white-space:nowrap}
.v-robustly-holds{background:#1a7f37;color:#fff}.v-holds{background:#aee9bd}
.v-contested{background:#fff3b0}.v-fails{background:#ffc9c9}
.v-robustly-fails{background:#b42318;color:#fff}.v-not-evaluated{background:#ddd}
.up{color:#0b5394}.down{color:#b45309}
.box{background:#f6f8fa;border-left:4px solid #0072B2;padding:.6em 1em;margin:1em 0}
code{background:#f0f0f0;padding:0 .25em;border-radius:3px}
.tbl{overflow-x:auto}td.num .muted{white-space:normal}
"""


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _img(fig: Figure, alt: str) -> str:
    data = base64.b64encode(figures.to_png(fig)).decode("ascii")
    fig.clear()
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _num(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        if isinstance(x, float) and math.isinf(x):
            return "+∞" if x > 0 else "−∞"
        return "–"
    return f"{x:+.{digits}g}" if x != 0 else "0"


def _pct(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{100 * x:.0f}%"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for r in rows:
        cells = "".join(
            f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>"
            for k, c in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    return (f"<div class='tbl'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _verdict(label: str) -> str:
    return f'<span class="v v-{label.replace(" ", "-")}">{_e(label)}</span>'


def _titles(a: Assessment) -> dict[str, str]:
    return {k: v.title for k, v in a.scenarios.items()}


def _summary(a: Assessment) -> str:
    vt = a.verdict_table()
    counts = vt.groupby(["side", "verdict"]).size()
    lines = []
    for side in ("sceptic", "proponent"):
        if side not in vt["side"].values:
            continue
        parts = [f"{int(counts.get((side, v), 0))} {v}"
                 for v in ("robustly holds", "holds", "contested", "fails", "robustly fails",
                           "not evaluated") if counts.get((side, v), 0)]
        n = int((vt["side"] == side).sum())
        who = ("the articles' authors (sceptics of NATO in Asia)" if side == "sceptic"
               else "the proponents they quote")
        lines.append(f"<li><b>{n} claims of {who}</b>: {_e(', '.join(parts))}.</li>")
    titles = _titles(a)
    cmp = a.comparison
    eff = []
    if not cmp.empty:
        pol = [n for n, i in a.scenarios.items() if i.kind == "policy"]
        for spec in a.metrics:
            sub = cmp[(cmp["metric"] == spec.key) & cmp["scenario"].isin(pol)]
            sub = sub[np.isfinite(sub["q50"].astype(float))]
            if sub.empty:
                continue
            row = sub.iloc[int(np.argmax(sub["q50"].abs().to_numpy(dtype=float)))]
            if row["q50"] == 0:
                continue
            arrow = "raises" if row["q50"] > 0 else "lowers"
            eff.append(
                f"<li><b>{_e(spec.title)}</b>: the policy option that moves it most is "
                f"<i>{_e(titles.get(row['scenario'], row['scenario']))}</i>, which {arrow} it by "
                f"a median {_num(float(row['q50']))} ({_e(spec.unit)}); it rises in "
                f"{_pct(float(row['p_increase']))} of paired runs.</li>"
            )
    return (
        f"<p>The status quo and {len(a.results) - 1} scenarios were simulated on one shared "
        f"ensemble of <b>{a.runs} runs</b> over <b>{a.years:g} years</b> (seed {a.seed}); run "
        f"<i>r</i> of every scenario shares its sampled parameters and random events with run "
        f"<i>r</i> of the status quo, so differences come from the scenario, not from noise. "
        f"{len(a.verdicts)} of {len(a.claims)} claims were evaluated.</p>"
        f"<ul>{''.join(lines)}</ul>"
        + (f"<h3>Largest policy effects at the horizon</h3><ul>{''.join(eff)}</ul>" if eff else "")
    )


_HOW_TO_READ = """
<p>Every number comes from the model's ensemble: many runs that differ in the
uncertain parameters (sampled from their stated ranges by a Latin hypercube)
and in the random crisis and escalation events. It is a statement about the
model under those ranges, <b>not a forecast and not a probability that a claim
is true of the world</b>. The assumptions section lists every range and its
source.</p>
<ul>
<li><b>Trajectories</b>: the line is the median over runs; the darker band holds
the middle 50% of runs (25-75%), the lighter band 90% (5-95%).</li>
<li><b>Scenario comparison</b>: for each run, the scenario's value minus the
status quo's value in the <i>same</i> run (paired, common random numbers) at the
horizon. The dot is the median of these differences, the thick bar their 25-75%
range and the thin bar their 5-95% range. A bar that does not cross zero means
the scenario moves the metric the same way in (almost) every run.
<i>P(increase)</i> is the share of runs in which the scenario raises the metric;
<i>d<sub>z</sub></i> is the mean difference over its standard deviation
(Cohen's paired effect size: about 0.2 small, 0.5 medium, 0.8 large).</li>
<li><b>Network</b>: capitals placed by longitude and latitude; a line joins two
actors whose mean alignment (-1 opposed … +1 aligned) is large; its style gives
their formal tie. The last panel shows the pairs the scenario changes most.</li>
<li><b>Attribution</b>: the engine splits every change of a metric exactly among
the mechanisms that caused it; the bars show which mechanisms carry a scenario's
effect (its contributions minus the status quo's, averaged over runs).</li>
<li><b>Claims</b>: each claim is evaluated run by run; the share of runs in which
it holds gets a 95% Wilson interval. Verdicts: <i>robustly holds</i> (interval
lower bound ≥ 0.8), <i>robustly fails</i> (upper bound ≤ 0.2), <i>holds</i>
(share ≥ 0.6), <i>fails</i> (share ≤ 0.4), otherwise <i>contested</i>. The effect
is the median scenario-minus-baseline difference of the claim's statistic and
the standardised margin (mean margin / its standard deviation).</li>
</ul>
"""


def _comparison_table(a: Assessment, names: Sequence[str]) -> str:
    cmp = a.comparison
    titles = _titles(a)
    specs = [m for m in a.metrics if (cmp["metric"] == m.key).any()]
    header = ["scenario", *[f"{m.title} ({m.unit})" for m in specs]]
    rows = []
    for n in names:
        cells = [f"<b>{_e(titles.get(n, n))}</b><br><span class='muted'>{_e(n)}</span>"]
        for m in specs:
            r = cmp[(cmp["scenario"] == n) & (cmp["metric"] == m.key)]
            if r.empty:
                cells.append("–")
                continue
            x = r.iloc[0]
            cls = "up" if x["q50"] > 0 else "down" if x["q50"] < 0 else ""
            cells.append(
                f"<span class='{cls}'>{_num(float(x['q50']))}</span><br>"
                f"<span class='muted'>[{_num(float(x['q05']))}, {_num(float(x['q95']))}]<br>"
                f"P↑ {_pct(float(x['p_increase']))}, d<sub>z</sub> {_num(float(x['effect_size']), 2)}"
                "</span>"
            )
        rows.append(cells)
    return _table(header, rows, numeric=set(range(1, len(header))))


def _attribution_table(a: Assessment, top: int = 3) -> str:
    tab = a.attribution
    if tab.empty:
        return "<p>No scenario was simulated with attribution.</p>"
    titles = _titles(a)
    rows = []
    for (scen, metric), g in tab.groupby(["scenario", "metric"], sort=False):
        g = g.sort_values("rank").head(top)
        label = str(g["label"].iloc[0])
        mechs = "; ".join(
            f"{_e(figures.MECHANISM_LABELS.get(str(m), str(m)))} {_num(float(c))} ({_pct(abs(float(s)))})"
            for m, c, s in zip(g["mechanism"], g["contribution"], g["share"], strict=True)
        )
        rows.append([_e(titles.get(str(scen), str(scen))), _e(label),
                     _num(float(tab[(tab["scenario"] == scen) & (tab["metric"] == metric)]
                                ["contribution"].sum())), mechs])
    return _table(["scenario", "metric", "net change", f"top {top} mechanisms (share of |total|)"],
                  rows, numeric={2})


def _claims_table(a: Assessment) -> str:
    vt = a.verdict_table()
    rows = []
    for _, r in vt.iterrows():
        if r["verdict"] == "not evaluated":
            share = f"<span class='muted'>{_e(r['skipped'])}</span>"
            effect = "–"
        else:
            share = (f"{_pct(float(r['share']))}<br><span class='muted'>95% CI "
                     f"{_pct(float(r['ci_low']))}–{_pct(float(r['ci_high']))} of "
                     f"{int(r['n_runs'])}</span>")
            effect = (f"{_num(float(r['median_difference']))}<br><span class='muted'>std. margin "
                      f"{_num(float(r['standardized_margin']), 2)}</span>")
        deciding = str(r.get("deciding_assumptions", "") or "")
        why = (f"<br><span class='muted'><b>deciding assumptions</b> (PRIM boxes: coverage, "
               f"density): {_e(deciding)}</span>" if deciding else "")
        rows.append([
            # let long ids wrap at their underscores, not between letters
            "<code>" + _e(r["claim"]).replace("_", "_<wbr>") + "</code>", _e(r["side"]),
            f"{_e(r['paraphrase'])}<br><span class='muted'>model: {_e(r['model_statement'])}</span>"
            f"{why}",
            f"<span class='quote'>“{_e(r['quote'])}”</span><br><span class='muted'>"
            f"{_e(r['seed'])}</span>",
            share, _verdict(str(r["verdict"])), effect,
        ])
    return _table(["id", "side", "claim (paraphrase), and what decides it", "source quote",
                   "share of runs holding", "verdict", "effect (median difference)"],
                  rows, numeric={4, 6})


def _scenarios_table(a: Assessment) -> str:
    rows = []
    for name, info in a.scenarios.items():
        src = "<br>".join(f"<span class='quote'>“{_e(q)}”</span> <span class='muted'>({_e(s)})"
                          "</span>" for s, q in info.sources)
        rows.append([f"<b>{_e(info.title)}</b><br><code>{_e(name)}</code>", _e(info.kind),
                     _e(info.description), src or "–"])
    return _table(["scenario", "kind", "what it changes", "source passages"], rows)


def _assumptions() -> str:
    from flashpoint.engine.context import all_parameters

    rows = [[f"<code>{_e(p.name)}</code>", _e(p.meaning), _e(p.unit), f"{p.default:g}",
             f"{p.low:g} – {p.high:g}" + (" (log)" if p.log else ""), _e(p.source)]
            for p in all_parameters()]
    return ("<p>Every run samples each parameter from its range (uniformly, or log-uniformly "
            "where marked); scenarios may narrow a range. The source column gives the "
            "publication or the stated rationale behind each range.</p>"
            + _table(["parameter", "meaning", "unit", "default", "range", "source or rationale"],
                     rows, numeric={3, 4}))


def _provenance(a: Assessment) -> str:
    rows = [[_e(k), _e(v)] for k, v in a.provenance().items()]
    return _table(["item", "value"], rows)


def _network(a: Assessment) -> str:
    base = a.baseline_result
    if "alignment" not in base.data_vars:
        return "<p>The baseline was simulated without its dyadic fields; no network to draw.</p>"
    year0 = base.attrs.get("world_year", "start")
    end = float(base["time"].values[-1])
    y_end = f"{int(year0) + round(end)}" if str(year0).isdigit() else f"year {end:g}"
    panels = [(f"{year0} (start)", base["alignment"].isel(time=0).mean("run").values),
              (f"{y_end}, status quo", base["alignment"].isel(time=-1).mean("run").values)]
    change = None
    name = a.network_scenario
    if name and "alignment" in a.results[name].data_vars:
        s = a.results[name]["alignment"].isel(time=-1)
        title = a.scenarios[name].title if name in a.scenarios else name
        panels.append((f"{y_end}, {title}", s.mean("run").values))
        diff = (s - base["alignment"].isel(time=-1)).mean("run").values
        change = (f"{y_end}, {title} minus status quo", diff)
    fig = figures.network(a.world, panels, change=change)
    return _img(fig, "Alliance and alignment network before and after")


def render_report(a: Assessment, *, title: str = "flashpoint assessment") -> str:
    """The report as one HTML string (figures embedded, no external resources)."""
    titles = _titles(a)
    kinds = {k: v.kind for k, v in a.scenarios.items()}
    policy = [n for n in a.results if kinds.get(n) == "policy"]
    shocks = [n for n in a.results if kinds.get(n) == "shock"]
    traj = figures.trajectories(a.results, a.metrics, baseline=a.baseline,
                                highlight=[h for h in TRAJECTORY_HIGHLIGHTS if h in a.results],
                                titles=titles)
    parts = [f"<h1>{_e(title)}</h1>",
             f"<p class='muted'>{_e(a.created.strftime('%Y-%m-%d %H:%M UTC'))} · "
             f"{a.runs} runs · {a.years:g} years · seed {a.seed} · flashpoint "
             f"{_e(a.baseline_result.attrs.get('code_version', ''))}</p>"]
    sections = [
        ("summary", "Summary", _summary(a)),
        ("how", "How to read this report", _HOW_TO_READ),
        ("trajectories", "Trajectories of the key metrics",
         "<p>The status quo in grey; two scenarios in colour for contrast.</p>"
         + _img(traj, "Key metrics over time")),
    ]
    cmp_html = ""
    for names, label in ((policy, "Policy options"), (shocks, "Shocks")):
        if names and not a.comparison.empty:
            fig = figures.scenario_comparison(a.comparison, a.metrics, scenarios=names,
                                              titles=titles, kinds=kinds, title=label)
            cmp_html += f"<h3>{label}</h3>" + _img(fig, f"Scenario comparison: {label}")
    if not a.comparison.empty:
        cmp_html += ("<h3>Table: median paired difference vs the status quo [5%, 95%], share of "
                     "runs with an increase (P↑) and effect size d<sub>z</sub></h3>"
                     + _comparison_table(a, [*policy, *shocks]))
    sections.append(("comparison", "Scenario comparison", cmp_html or "<p>No scenario.</p>"))
    sections.append(("network", "Alliance and alignment network", _network(a)))
    attr_html = ""
    for name in ATTRIBUTION_FIGURES:
        if name in a.results and not a.attribution.empty and (
                a.attribution["scenario"] == name).any():
            fig = figures.attribution_chart(a.attribution, name, a.metrics,
                                            label=titles.get(name, name))
            attr_html += _img(fig, f"Attribution of {name}")
    attr_html += "<h3>Top mechanisms per scenario and metric</h3>" + _attribution_table(a)
    sections.append(("attribution", "Attribution of the changes to mechanisms", attr_html))
    sections.append(("claims", "The claims and their verdicts", _claims_table(a)))
    sections.append(("scenarios", "The scenarios", _scenarios_table(a)))
    sections.append(("assumptions", "Assumptions: the parameters", _assumptions()))
    sections.append(("provenance", "Provenance", _provenance(a)))
    nav = "".join(f'<a href="#{sid}">{_e(h)}</a>' for sid, h, _ in sections)
    parts.append(f"<nav>{nav}</nav>")
    for sid, h, body in sections:
        parts.append(f'<section id="{sid}"><h2>{_e(h)}</h2>{body}</section>')
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
            + "".join(parts) + "</main></body></html>")


def write_report(a: Assessment, path: str | Path, *, title: str = "flashpoint assessment") -> Path:
    """Write the report to ``path`` (UTF-8) and return the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(render_report(a, title=title), encoding="utf-8")
    return p
