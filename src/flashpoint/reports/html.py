"""The assessment report: ONE self-contained HTML file.

Figures are embedded as base64 PNG ``data:`` URIs, the CSS is inline, and
the page makes no network request (no scripts, fonts or images from other
hosts), so it can be mailed, archived or opened offline.

Sections: the per-option scorecard first (:func:`flashpoint.analysis.scorecard.scorecard`:
each policy option's headline effects in natural units against the status
quo, and its claims with verdict, construction-audit tag and the assumption
that most changes the verdict), then the claims table with verdicts, how to
read the report, trajectories, scenario comparison (figures and table, one
scale per metric), alliance and alignment network, attribution to
mechanisms, the scenarios and their sources, the articles (title, author,
outlet, date; the seed file as a footnote), the assumptions (every model
parameter with its range and source) and the provenance. Numbers meant for
people are plain decimals in each metric's unit (:mod:`flashpoint.metrics`),
never scientific notation; a verdict is never printed without its audit tag.

The figures take most of the report's time (about 1-3 s each to draw); each is drawn
from a small piece of the assessment (a table, the key metrics of two or three
results, a 35 x 35 matrix), so :class:`ReportFigures` can draw them in the worker
processes of a :class:`~flashpoint.pool.SimulationPool`, at once, while this process
does other work (``flashpoint assess`` stores the results meanwhile). The report is
written whole or not at all (a temporary file, then renamed).
"""

from __future__ import annotations

import base64
import html
import math
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flashpoint.reports import figures

if TYPE_CHECKING:
    from flashpoint.analysis.assess import Assessment
    from flashpoint.pool import SimulationPool

__all__ = ["ATTRIBUTION_FIGURES", "NETWORK_TOP", "ReportFigures", "render_report",
           "write_report"]

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
.v-no-material-effect{background:#dbe9f6}.v-theory-decided{background:#e9d8fd}
.tag{font-size:.8em;padding:.05em .35em;border-radius:3px;border:1px solid #999;
white-space:nowrap;margin-left:.3em}.tag-input-determined{background:#fde2c8;border-color:#c2410c}
.tag-identity{background:#eee;border-color:#666}.tag-emergent{background:#e6f4ea;border-color:#1a7f37}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.4em 1em 1em;margin:1.2em 0}
.card h3{margin-top:.5em}.lede{font-size:1.05em}.note{font-size:.85em;color:#555}
sup a{text-decoration:none}ul.claims{padding-left:1.1em}ul.claims li p{margin:.25em 0}
ul.claims li{margin-bottom:.6em}h4{margin:.9em 0 .3em}
@media (max-width:700px){main{padding:.8em .7em 3em}h1{font-size:1.35em}
table{font-size:.78em}th,td{padding:.25em .3em}nav a{display:inline-block;margin:.15em .6em .15em 0}
.card{padding:.3em .5em .6em}
.tbl table,.tbl tbody,.tbl tr,.tbl td{display:block;width:auto}.tbl thead{display:none}
.tbl tr{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.2em .4em}
.tbl td{border:none;padding:.2em 0}.tbl td.num{text-align:left;white-space:normal}
.tbl td::before{content:attr(data-label);display:block;font-weight:bold;color:#555;
font-size:.85em}}
"""


def _e(x: object) -> str:
    return html.escape(str(x), quote=True)


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


#: One figure to draw: (a function of :mod:`flashpoint.reports.figures`, its positional
#: and keyword arguments), all small enough to send to a worker process.
FigureTask = tuple[str, tuple[Any, ...], dict[str, Any]]


def draw_png(task: FigureTask) -> bytes:
    """Draw one figure of the report and return its PNG bytes (in a worker or here)."""
    name, args, kwargs = task
    fig = getattr(figures, name)(*args, **kwargs)
    try:
        return figures.to_png(fig)
    finally:
        fig.clear()


def _figure_tasks(a: Assessment) -> dict[str, tuple[str, FigureTask]]:
    """The report's figures: key -> (alt text, task), in the report's order."""
    titles = _titles(a)
    kinds = {k: v.kind for k, v in a.scenarios.items()}
    out: dict[str, tuple[str, FigureTask]] = {}
    shown = [h for h in TRAJECTORY_HIGHLIGHTS if h in a.results]
    names = [m.name for m in a.metrics]
    slim = {n: a.results[n][[v for v in names if v in a.results[n].data_vars]]
            for n in dict.fromkeys([a.baseline, *shown]) if n in a.results}
    out["trajectories"] = ("Key metrics over time", ("trajectories", (slim, a.metrics), dict(
        baseline=a.baseline, highlight=shown, titles=titles)))
    if not a.comparison.empty:
        limits = figures.comparison_limits(a.comparison, a.metrics)
        for label, kind in (("Policy options", "policy"), ("Shocks", "shock")):
            rows = [n for n in a.results if kinds.get(n) == kind]
            if rows:
                out[f"comparison:{label}"] = (f"Scenario comparison: {label}", (
                    "scenario_comparison", (a.comparison, a.metrics), dict(
                        scenarios=rows, titles=titles, kinds=kinds, title=label,
                        limits=limits)))
    network = _network_task(a)
    if network is not None:
        out["network"] = ("Alliance and alignment network and the largest changes", network)
    if not a.attribution.empty:
        for name in ATTRIBUTION_FIGURES:
            if name in a.results and (a.attribution["scenario"] == name).any():
                out[f"attribution:{name}"] = (f"Attribution of {name}", (
                    "attribution_chart", (a.attribution[a.attribution["scenario"] == name],
                                          name, a.metrics),
                    dict(label=titles.get(name, name))))
    return out


class ReportFigures:
    """The report's figures, drawn when made: in the worker processes of ``pool`` if
    its workers are started (:meth:`SimulationPool.submit`), else here, one by one.
    Give it to :func:`render_report`, which waits for them."""

    def __init__(self, a: Assessment, pool: SimulationPool | None = None) -> None:
        self._alts: dict[str, str] = {}
        self._pngs: dict[str, Future[bytes]] = {}
        for key, (alt, task) in _figure_tasks(a).items():
            self._alts[key] = alt
            if pool is not None:
                self._pngs[key] = pool.submit(draw_png, task)
            else:
                self._pngs[key] = Future()
                self._pngs[key].set_result(draw_png(task))

    def __contains__(self, key: str) -> bool:
        return key in self._pngs

    def image(self, key: str) -> str:
        """The figure ``key`` as an ``<img>`` element (waits for it)."""
        return _img(self._pngs[key].result(), self._alts[key])

    def cancel(self) -> None:
        """Give up the figures not yet drawn."""
        for f in self._pngs.values():
            f.cancel()


def _num(x: float | None, digits: int = 3) -> str:
    """A signed number in plain decimals (never scientific notation)."""
    from flashpoint.metrics import plain_number

    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        if isinstance(x, float) and math.isinf(x):
            return "+∞" if x > 0 else "−∞"
        return "–"
    text = plain_number(float(x), digits)
    return text if text == "0" or text.startswith("−") else "+" + text


_SCI = re.compile(r"[-+]?\d+(?:\.\d+)?[eE][-+]?\d+")


def _plainify(text: str) -> str:
    """Numbers in scientific notation inside a sentence, rewritten in plain decimals."""
    from flashpoint.metrics import plain_number

    return _SCI.sub(lambda m: plain_number(float(m.group()), 3), text)


def _g(x: float) -> str:
    """A parameter value in plain decimals, trailing zeros dropped."""
    from flashpoint.metrics import plain_number

    text = plain_number(float(x), 3)
    return text.rstrip("0").rstrip(".") if "." in text and "<" not in text else text


def _pct(x: float) -> str:
    return "–" if not math.isfinite(x) else f"{100 * x:.0f}%"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = []
    for r in rows:
        # data-label: on a narrow screen each row becomes a block with labelled cells
        cells = "".join(
            f'<td class="num" data-label="{_e(header[k])}">{c}</td>' if k in numeric
            else f'<td data-label="{_e(header[k])}">{c}</td>'
            for k, c in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    return (f"<div class='tbl'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _verdict(label: str, tag: str | None = None) -> str:
    """The verdict badge, always with its construction-audit tag beside it."""
    badge = f'<span class="v v-{label.replace(" ", "-")}">{_e(label)}</span>'
    if tag:
        badge += f'<span class="tag tag-{_e(tag)}" title="construction audit">{_e(tag)}</span>'
    elif label != "not evaluated":
        badge += '<span class="tag" title="construction audit">not audited</span>'
    return badge


def _titles(a: Assessment) -> dict[str, str]:
    return {k: v.title for k, v in a.scenarios.items()}


def _seed_note(seed: str, notes: dict[str, int]) -> str:
    """The article's short citation with the seed file as a numbered footnote."""
    from flashpoint.claims.sources import cite

    k = notes.setdefault(seed, len(notes) + 1)
    return f"{_e(cite(seed))}<sup><a href='#seed-{k}'>{k}</a></sup>"


def _summary(a: Assessment) -> str:
    vt = a.verdict_table()
    lines = []
    for side in ("sceptic", "proponent"):
        sub = vt[vt["side"] == side]
        if sub.empty:
            continue
        counts = sub["verdict"].value_counts()
        order = ("robustly holds", "holds", "contested", "no material effect", "fails",
                 "robustly fails", "theory-decided", "not evaluated")
        parts = [f"{int(counts[v])} {v}" for v in order if v in counts]
        inputs = int((sub["audit"] == "input-determined").sum())
        who = ("the articles' authors (sceptics of NATO in Asia)" if side == "sceptic"
               else "the proponents they quote")
        tail = (f"; {inputs} of these verdicts are <i>input-determined</i>: they read back "
                "the scenario's own inputs and support nothing" if inputs else "")
        lines.append(f"<li><b>{len(sub)} claims of {who}</b>: {_e(', '.join(parts))}{tail}.</li>")
    return (
        f"<p class='lede'>The status quo and {len(a.results) - 1} scenarios were simulated on "
        f"one shared ensemble of <b>{a.runs} runs</b> over <b>{a.years:g} years</b> (seed "
        f"{a.seed}). Each claim counts as supported only where its effect is larger than the "
        "smallest change that matters for its metric (its band); most effects of the policy "
        "options are smaller than that.</p>"
        f"<ul>{''.join(lines)}</ul>"
        "<p class='note'>These counts say what this model, with its bands and its theories, "
        "shows for each claim. They are not a score of which side is right: a claim the model "
        "does not support may be wrong, mis-encoded, or about a mechanism the model lacks.</p>"
    )


def _effect_cell(value: float | None, low: float | None, high: float | None, unit: str,
                 material: bool | None = None) -> str:
    mark = ("" if material is None else
            " <span class='muted'>(material)</span>" if material else
            " <span class='muted'>(not material)</span>")
    return (f"<b>{_num(value, 2)}</b> {_e(unit)}{mark}<br><span class='muted'>5-95 %: "
            f"{_num(low, 2)} to {_num(high, 2)}</span>")


def _scorecard(a: Assessment) -> str:
    from flashpoint.analysis.scorecard import scorecard

    cards = scorecard(a)
    if not cards:
        return "<p>No policy option was simulated.</p>"
    cards.sort(key=lambda c: -len(c["claims"]))  # the options the articles argue about first
    out = [f"<p class='lede'>What each policy option changes against the status quo after "
           f"{a.years:g} years ({a.runs} paired runs), and what that means for the claims made "
           "about it. A change is listed when its median is larger than the smallest change "
           "that matters for the metric (its band).</p>"]
    for card in cards:
        material = [e for e in card["effects"] if e["material"]]
        quiet = [e for e in card["effects"] if not e["material"]]
        items = "".join(
            f"<li><b>{_e(e['label'])}</b>: {_num(e['median'], 2)} {_e(e['unit'])} "
            f"<span class='muted'>(5-95 %: {_num(e['p05'], 2)} to {_num(e['p95'], 2)}; "
            f"material in {_pct(e['share_material'] or 0.0)} of runs; status quo "
            f"{_e(_level(e['baseline_median']))} {_e(e['baseline_unit'])})</span></li>"
            for e in material)
        eff = (f"<ul>{items}</ul>" if items else
               "<p><b>No headline metric changes materially.</b></p>")
        if quiet:
            eff += ("<p class='muted'>No material change (median inside the band): "
                    + _e("; ".join(f"{e['label']} ({_num(e['median'], 2)} {e['unit']})"
                                   for e in quiet)) + ".</p>")
        blocks = []
        for c in card["claims"]:
            blocks.append(
                f"<li><p>{_verdict(c['verdict'], c['audit'])} <b>{_e(c['paraphrase'])}</b> "
                f"<span class='muted'>({_e(c['side'])})</span></p>"
                f"<p class='note'>Effect{_e(c['reading'])} {_num(c['effect_median'], 2)} "
                f"{_e(c['unit'])} "
                f"(5-95 %: {_num(c['effect_p05'], 2)} to {_num(c['effect_p95'], 2)}; band "
                f"{_e(_band(c['threshold']))} {_e(c['unit'])}). What most changes the "
                f"verdict: {_e(_plainify(c['assumption']['sentence']))}.</p></li>")
        claims = (f"<ul class='claims'>{''.join(blocks)}</ul>" if blocks else
                  "<p class='muted'>No claim is about this option.</p>")
        out.append(f"<div class='card'><h3>{_e(card['title'])}</h3><p class='muted'>"
                   f"{_e(card['description'])}</p><h4>Headline effects</h4>{eff}"
                   f"<h4>Claims about this option ({len(blocks)})</h4>{claims}</div>")
    return "".join(out)


def _band(x: float | None) -> str:
    return "–" if x is None else f"{float(x):g}"


def _level(x: float | None) -> str:
    """An unsigned level in plain decimals."""
    from flashpoint.metrics import plain_number

    return "–" if x is None else plain_number(float(x), 3)


_HOW_TO_READ = """
<p>Every number comes from the model's ensemble: many runs that differ in the
uncertain parameters (sampled from their stated ranges by a Latin hypercube)
and in the random crisis and escalation events. It is a statement about the
model under those ranges, <b>not a forecast and not a probability that a claim
is true of the world</b>. The assumptions section lists every range and its
source.</p>
<ul>
<li><b>Units.</b> Probabilities and shares are in percent, their changes in
percentage points (pp); alignment, tension and credibility are indices (their
changes in points); the European security ratio is a ratio. Each metric's
unit and its <i>band</i>, the smallest change that matters with its source,
are in the metric registry (<code>flashpoint.metrics</code>, docs/claims.md).</li>
<li><b>Paired effects.</b> For each run, the scenario's value minus the status
quo's value in the <i>same</i> run (same parameters and random events). The
median is the typical effect; the 5-95 % range is the spread across the
uncertain assumptions.</li>
<li><b>Verdicts.</b> A run supports a claim only if its effect exceeds the
claim's band. <i>No material effect</i>: most runs fall inside the band.
Otherwise the share of supporting runs, with its 95 % Wilson interval, gives
<i>robustly holds</i> (lower bound ≥ 0.8), <i>robustly fails</i> (upper bound
≤ 0.2), <i>holds</i> (share ≥ 0.6), <i>fails</i> (share ≤ 0.4) or
<i>contested</i>; <i>theory-decided</i> when the model's alternative theories
give different verdicts.</li>
<li><b>Audit tags</b> say how a verdict is constructed. <i>input-determined</i>:
the effect disappears when the scenario's own direct inputs (fixed bumps to
intent, tension or alignment) are removed, so the verdict reads back an input
and supports nothing; <i>identity</i>: the effect follows from the model's
equations whatever the mechanisms' parameters (the lever writes the metric);
<i>emergent</i>: the model's dynamics decide.</li>
<li><b>Figures.</b> Lines: median over runs; bands: middle 50 % and 90 % of
runs. In the comparison, the grey strip around zero is the metric's band:
effects inside it are too small to matter; one metric keeps one scale
across the policy and shock panels.</li>
</ul>
"""


def _comparison_table(a: Assessment, names: Sequence[str]) -> str:
    cmp = a.comparison
    titles = _titles(a)
    specs = [m for m in a.metrics if (cmp["metric"] == m.key).any()]
    header = ["scenario", *[f"{m.title} (change, {m.change_unit})" for m in specs]]
    rows = []
    for n in names:
        cells = [f"<b>{_e(titles.get(n, n))}</b>"]
        for m in specs:
            r = cmp[(cmp["scenario"] == n) & (cmp["metric"] == m.key)]
            if r.empty:
                cells.append("–")
                continue
            x = r.iloc[0]
            f = m.factor
            material = abs(float(x["q50"])) > m.materiality
            cls = ("up" if x["q50"] > 0 else "down" if x["q50"] < 0 else "") if material else "muted"
            cells.append(
                f"<span class='{cls}'>{_num(float(x['q50']) * f, 2)}</span><br>"
                f"<span class='muted'>{_num(float(x['q05']) * f, 2)} to "
                f"{_num(float(x['q95']) * f, 2)}</span>"
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
        spec = next((m for m in a.metrics if m.key == metric), None)
        f = spec.factor if spec is not None else 1.0
        unit = spec.change_unit if spec is not None else ""
        mechs = "; ".join(
            f"{_e(figures.MECHANISM_LABELS.get(str(m), str(m)))} {_num(float(c) * f, 2)} "
            f"({_pct(abs(float(s)))})"
            for m, c, s in zip(g["mechanism"], g["contribution"], g["share"], strict=True)
        )
        net = float(tab[(tab["scenario"] == scen) & (tab["metric"] == metric)]
                    ["contribution"].sum()) * f
        rows.append([_e(titles.get(str(scen), str(scen))), _e(label),
                     f"{_num(net, 2)} {_e(unit)}", mechs])
    return _table(["scenario", "metric", "net change (unit)",
                   f"top {top} mechanisms, in the metric's unit (share of |total|)"],
                  rows, numeric={2})


def _claims_table(a: Assessment, notes: dict[str, int]) -> str:
    vt = a.verdict_table()
    titles = _titles(a)
    rows = []
    for _, r in vt.iterrows():
        if r["verdict"] == "not evaluated":
            share = f"<span class='muted'>{_e(r['skipped'])}</span>"
            effect = "–"
        else:
            share = (f"{_pct(float(r['share']))}<br><span class='muted'>95 % CI "
                     f"{_pct(float(r['ci_low']))}–{_pct(float(r['ci_high']))} of "
                     f"{int(r['n_runs'])}; inside the band "
                     f"{_pct(float(r['no_effect_share']))}</span>")
            base = ("" if not math.isfinite(float(r["baseline_p05"])) else
                    f"<br><span class='muted'>status quo's run-to-run range: "
                    f"{_level(float(r['baseline_p05']))} to {_level(float(r['baseline_p95']))}</span>")
            effect = (_effect_cell(float(r["effect_median"]), float(r["effect_p05"]),
                                   float(r["effect_p95"]), str(r["unit"]))
                      + f"<br><span class='muted'>band ±{_band(float(r['threshold']))} "
                      f"{_e(r['unit'])}</span>{base}")
        deciding = _plainify(str(r.get("deciding_assumptions", "") or ""))
        why = (f"<br><span class='muted'><b>deciding assumptions</b> (PRIM boxes: coverage, "
               f"density): {_e(deciding)}</span>" if deciding else "")
        audit = _plainify(str(r.get("audit_detail", "") or ""))
        audit_html = (f"<br><span class='muted'><b>audit</b>: {_e(audit.split(': ', 1)[-1])}"
                      "</span>" if audit else "")
        rows.append([
            f"{_e(r['paraphrase'])}<br><span class='muted'>{_e(r['side'])} · <code>"
            + _e(r["claim"]).replace("_", "_<wbr>")
            + f"</code> · {_e(titles.get(str(r['scenario']), str(r['scenario'])))}</span>",
            _verdict(str(r["verdict"]), str(r.get("audit", "") or "") or None), share, effect,
            f"<span class='quote'>“{_e(r['quote'])}”</span><br><span class='muted'>"
            f"{_seed_note(str(r['seed']), notes)}</span>",
            f"<span class='note'>{(why + audit_html).removeprefix('<br>')}</span>"
            if (why or audit_html) else "–",
        ])
    return _table(["claim", "verdict and audit", "share of runs supporting it",
                   "effect (median, 5-95 %, band)", "source", "what decides it: audit and "
                   "deciding assumptions"], rows, numeric={2, 3})


_DIRECT = "direct relation input: "


def _who(codes: Sequence[str]) -> str:
    codes = list(codes)
    return ", ".join(codes) if len(codes) <= 4 else f"{len(codes)} actors ({', '.join(codes[:3])}, …)"


def _rng(r: object, scale: float = 1.0, unit: str = "") -> str:
    lo, hi = float(getattr(r, "low")) * scale, float(getattr(r, "high")) * scale  # noqa: B009
    text = _g(lo) if lo == hi else f"{_g(lo)} to {_g(hi)}"
    return f"{text}{unit}"


def _inputs(plan: object) -> list[str]:
    """The plan's primitives with their sampled ranges, in words (direct relation inputs marked)."""
    out = []
    for c in getattr(plan, "commitments", ()):
        out.append(f"defence commitment {_who(c.source)} → {_who(c.target)}: strength "
                   f"{_rng(c.strength)} (0 to 1)")
    for p in getattr(plan, "presences", ()):
        where = f" visible at {', '.join(p.flashpoints)}" if p.flashpoints else ""
        out.append(f"force presence of {_who(p.actors)} in the {p.theatre.replace('_', '-')}: "
                   f"{_rng(p.level, 100, ' %')} of forces{where}")
    for t in getattr(plan, "trade", ()):
        out.append(f"trade {_who(t.a)} ↔ {_who(t.b)} multiplied by {_rng(t.multiplier)}")
    for sg in getattr(plan, "signals", ()):
        out.append(f"reassurance signal {_who(sg.source)} → {_who(sg.target)}: cost "
                   f"{_rng(sg.cost)} a year")
    for f in getattr(plan, "spending_floors", ()):
        out.append(f"spending floor for {_who(f.actors)}: {_rng(f.share, 100, ' %')} of GDP")
    for sh in getattr(plan, "shocks", ()):
        at = f" at {sh.flashpoint}" if sh.flashpoint else ""
        out.append(f"{sh.kind}{at} in year {_g(sh.at)}: magnitude {_rng(sh.magnitude)}")
    for rs in getattr(plan, "relation_shocks", ()):
        out.append(f"{_DIRECT}{rs.field} {_who(rs.source)} → "
                   f"{_who(rs.target)} +{_rng(rs.delta)} points in year {_g(rs.at)}")
    return out


def _scenarios_table(a: Assessment, notes: dict[str, int]) -> str:
    from flashpoint.api import resolve_plan

    rows = []
    for name, info in a.scenarios.items():
        src = "<br>".join(f"<span class='quote'>“{_e(q)}”</span> <span class='muted'>"
                          f"({_seed_note(s, notes)})</span>" for s, q in info.sources)
        try:
            inputs = _inputs(resolve_plan(name, a.world))
        except Exception:
            inputs = ["(the scenario could not be compiled again)"]
        levers = ("<br>".join(
            f"<b>direct relation input</b>: {_e(x.removeprefix(_DIRECT))}"
            if x.startswith(_DIRECT) else _e(x) for x in inputs) if inputs else "–")
        rows.append([f"<b>{_e(info.title)}</b><br><code>{_e(name)}</code>", _e(info.kind),
                     _e(info.description), f"<span class='note'>{levers}</span>",
                     src or "–"])
    return ("<p>What each scenario sets, with the range each magnitude is sampled from. "
            "<b>Direct relation inputs</b> write intent, tension or alignment directly; a "
            "verdict that disappears without them is tagged input-determined.</p>"
            + _table(["scenario", "kind", "what it changes", "inputs and their sampled ranges",
                      "source passages"], rows))


def _articles(notes: dict[str, int]) -> str:
    from flashpoint.claims.sources import ARTICLES

    items = []
    for seed, a in ARTICLES.items():
        k = notes.setdefault(seed, len(notes) + 1)
        items.append((k, f"<li id='seed-{k}' value='{k}'><b>{_e(a.title)}</b>. {_e(a.author)}; "
                         f"{_e(a.outlet)}; {_e(a.date)}. <span class='muted'>Seed file "
                         f"<code>{_e(seed)}</code>.</span></li>"))
    return ("<p>The claims come from five articles; their own text gives the title, author, "
            "outlet and date (what it does not say is marked). Footnote numbers in the tables "
            "point here.</p><ol>" + "".join(t for _, t in sorted(items)) + "</ol>")


def _assumptions() -> str:
    from flashpoint.engine.context import all_parameters

    rows = [[f"<code>{_e(p.name)}</code>", _e(_plainify(p.meaning)), _e(p.unit), _g(p.default),
             f"{_g(p.low)} – {_g(p.high)}" + (" (log)" if p.log else ""),
             _e(_plainify(p.source))]
            for p in all_parameters()]
    return ("<p>Every run samples each parameter from its range (uniformly, or log-uniformly "
            "where marked); scenarios may narrow a range. The source column gives the "
            "publication or the stated rationale behind each range.</p>"
            + _table(["parameter", "meaning", "unit", "default", "range", "source or rationale"],
                     rows, numeric={3, 4}))


def _provenance(a: Assessment) -> str:
    rows = [[_e(k), _e(v)] for k, v in a.provenance().items()]
    return _table(["item", "value"], rows)


def _network_panels(a: Assessment) -> tuple[list[tuple[str, Any]], tuple[str, Any] | None,
                                             str] | None:
    """The network figure's panels, its change panel and the note on it (None when the
    baseline has no dyadic fields)."""
    base = a.baseline_result
    if "alignment" not in base.data_vars:
        return None
    year0 = base.attrs.get("world_year", "start")
    end = float(base["time"].values[-1])
    y_end = f"{int(year0) + round(end)}" if str(year0).isdigit() else f"year {end:g}"
    panels = [(f"{y_end}, status quo", base["alignment"].isel(time=-1).mean("run").values)]
    change = None
    name = a.network_scenario
    note = ""
    if name and "alignment" in a.results[name].data_vars:
        s = a.results[name]["alignment"].isel(time=-1)
        title = a.scenarios[name].title if name in a.scenarios else name
        diff = (s - base["alignment"].isel(time=-1)).mean("run").values
        change = (f"{y_end}, {title} minus status quo", diff)
        note = (f"<p>The second panel shows only the {NETWORK_TOP} pairs whose alignment the "
                f"option <i>{_e(title)}</i> changes most (mean over runs; alignment runs from "
                "-1, opposed, to +1, allied). Changes smaller than the alignment band "
                "(0.02 points) are not material.</p>")
    return panels, change, note


def _network_task(a: Assessment) -> FigureTask | None:
    got = _network_panels(a)
    if got is None:
        return None
    panels, change, _ = got
    return ("network", (a.world, panels), dict(change=change, threshold=0.3,
                                               top_changes=NETWORK_TOP,
                                               top_levels=NETWORK_TOP_LEVELS))


def _network(a: Assessment, figs: ReportFigures) -> str:
    got = _network_panels(a)
    if got is None or "network" not in figs:
        return "<p>The baseline was simulated without its dyadic fields; no network to draw.</p>"
    lead = (f"<p>The first panel shows the {NETWORK_TOP_LEVELS} strongest alignments and "
            "oppositions outside NATO's own (all NATO members are closely aligned; their "
            "pairs are left out so the rest can be seen).</p>")
    return lead + got[2] + figs.image("network")


#: Pairs drawn in the network's change panel.
NETWORK_TOP = 12
#: Pairs drawn in the network's level panel (outside NATO's own pairs).
NETWORK_TOP_LEVELS = 30


def render_report(a: Assessment, *, title: str = "flashpoint assessment",
                  figures: ReportFigures | None = None) -> str:
    """The report as one HTML string (figures embedded, no external resources).

    ``figures``: the report's figures already being drawn (:class:`ReportFigures`);
    default: drawn here."""
    figs = ReportFigures(a) if figures is None else figures
    kinds = {k: v.kind for k, v in a.scenarios.items()}
    policy = [n for n in a.results if kinds.get(n) == "policy"]
    shocks = [n for n in a.results if kinds.get(n) == "shock"]
    notes: dict[str, int] = {}
    parts = [f"<h1>{_e(title)}</h1>",
             f"<p class='muted'>{_e(a.created.strftime('%Y-%m-%d %H:%M UTC'))} · "
             f"{a.runs} runs · {a.years:g} years · seed {a.seed} · flashpoint "
             f"{_e(a.baseline_result.attrs.get('code_version', ''))}</p>"]
    sections = [
        ("scorecard", "Scorecard: the policy options", _scorecard(a)),
        ("summary", "The verdicts in numbers", _summary(a)),
        ("claims", "The claims and their verdicts", _claims_table(a, notes)),
        ("how", "How to read this report", _HOW_TO_READ),
    ]
    # the tables first: figures drawn elsewhere are waited for only after them
    comparison_table = ""
    if not a.comparison.empty:
        comparison_table = ("<h3>Table: median paired change vs the status quo and the range "
                            "of the middle 90 % of runs (grey: inside the metric's band, not "
                            "material)</h3>" + _comparison_table(a, [*policy, *shocks]))
    attribution_table = "<h3>Top mechanisms per scenario and metric</h3>" + _attribution_table(a)
    later = [("scenarios", "The scenarios", _scenarios_table(a, notes)),
             ("articles", "The articles", _articles(notes)),
             ("assumptions", "Assumptions: the parameters", _assumptions()),
             ("provenance", "Provenance", _provenance(a))]
    sections.append(("trajectories", "Trajectories of the key metrics",
                     "<p>The status quo in grey; two scenarios in colour for contrast.</p>"
                     + figs.image("trajectories")))
    cmp_html = ""
    for names, label in ((policy, "Policy options"), (shocks, "Shocks")):
        if names and f"comparison:{label}" in figs:
            cmp_html += f"<h3>{label}</h3>" + figs.image(f"comparison:{label}")
    cmp_html += comparison_table
    sections.append(("comparison", "Scenario comparison", cmp_html or "<p>No scenario.</p>"))
    sections.append(("network", "Alliance and alignment network", _network(a, figs)))
    attr_html = "".join(figs.image(f"attribution:{name}") for name in ATTRIBUTION_FIGURES
                        if f"attribution:{name}" in figs)
    attr_html += attribution_table
    sections.append(("attribution", "Attribution of the changes to mechanisms", attr_html))
    sections.extend(later)
    nav = "".join(f'<a href="#{sid}">{_e(h)}</a>' for sid, h, _ in sections)
    parts.append(f"<nav>{nav}</nav>")
    for sid, h, body in sections:
        parts.append(f'<section id="{sid}"><h2>{_e(h)}</h2>{body}</section>')
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
            + "".join(parts) + "</main></body></html>")


def write_report(a: Assessment, path: str | Path, *, title: str = "flashpoint assessment",
                 figures: ReportFigures | None = None) -> Path:
    """Write the report to ``path`` (UTF-8), whole or not at all, and return the path.

    ``figures``: as for :func:`render_report`."""
    import os
    import tempfile

    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    text = render_report(a, title=title, figures=figures)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part", dir=p.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # a report to open and share, not mkstemp's 0600
        os.replace(tmp, p)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return p
