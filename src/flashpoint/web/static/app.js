// flashpoint briefing console: plain JavaScript and hand-written SVG, no external requests.
"use strict";

const SVGNS = "http://www.w3.org/2000/svg";
const S = {
  world: null, levers: [], catalogue: [], details: {}, toggles: {}, scenario: "status_quo",
  result: null, claims: [], audits: {}, job: null, ties: { defence: true, partnership: true, consultation: false, rivalry: true },
  theatres: { euro_atlantic: true, indo_pacific: true, other: true },
};
const TIE_STYLE = {
  defence: { stroke: "#1f5fa8", dash: "", width: 1.6, label: "Defence obligation" },
  partnership: { stroke: "#2f8a4c", dash: "5 3", width: 1.3, label: "Partnership" },
  consultation: { stroke: "#9aa3b2", dash: "1 3", width: 1.0, label: "Consultation" },
  rivalry: { stroke: "#b8322a", dash: "", width: 2.0, label: "Rivalry / dispute" },
};
const MECHANISM_NOTE = {
  threat: "perceived threat (Walt; Boulding)", burden_shifting: "US burden shifting between theatres",
  credibility: "deterrence credibility of defenders", arms: "arms dynamics (Richardson; security dilemma)",
  security_dilemma: "security dilemma: hostile reading of arming (Jervis; Glaser)",
  alignment: "alignment: balancing, hedging, structural balance", interdependence: "trade, coercion and war costs",
  reassurance: "costly reassurance signals (Kydd)", deterrence: "crisis onset and escalation", economy: "trend growth",
  shocks: "direct effect of the scenario's levers and shocks (pseudo-mechanism)", levers: "direct lever effects (pseudo-mechanism)",
  bounds: "projection back into the variables' bounds (pseudo-mechanism)", interaction: "interaction residual",
};
const THEATRE_LABEL = { euro_atlantic: "Euro-Atlantic", indo_pacific: "Indo-Pacific", other: "Other" };
const BLOC = [
  ["axis", ["CHN", "RUS", "PRK"], "#b8322a", "China-Russia-North Korea"],
  ["ip4", ["JPN", "KOR", "AUS", "NZL"], "#12867f", "IP4"],
  ["hedgers", ["IND", "IDN", "PHL", "MYS", "SGP", "VNM"], "#c77c0e", "Hedging states (model group)"],
];

// ------------------------------------------------------------------ helpers
function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const k of kids) if (k != null) e.append(k);
  return e;
}
function svg(tag, attrs, parent) {
  const e = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null) e.setAttribute(k, v);
  if (parent) parent.appendChild(e);
  return e;
}
function plain(x, digits) {
  // a number in plain decimals with `digits` significant (never scientific notation);
  // below the fourth decimal it reads "<0.0001" (the sign kept)
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (!Number.isFinite(x)) return x > 0 ? "+∞" : "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a < 0.00005) return (x < 0 ? "−" : "") + "<0.0001";
  const mag = Math.floor(Math.log10(a));
  const d = Math.min(4, Math.max(0, digits - 1 - mag));
  const s = a >= 1e5 ? Math.round(x).toLocaleString("en-GB") : x.toFixed(d);
  return s.replace("-", "−");
}
function fmt(x, digits) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  if (digits !== undefined) return x.toFixed(digits).replace("-", "−");
  return plain(x, 3);
}
function trim(x) { const t = plain(x, 3); return t.includes(".") && !t.startsWith("<") ? t.replace(/0+$/, "").replace(/\.$/, "") : t; }
function signed(x) { return x === null || x === undefined ? "–" : (x > 0 ? "+" : "") + fmt(x); }
function pct(x) { return x === null || x === undefined ? "–" : Math.round(100 * x) + "%"; }
function esc(s) { return String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c])); }

async function api(path, opts = {}) {
  const headers = Object.assign({ "Content-Type": "application/json" }, opts.headers || {});
  const token = sessionStorage.getItem("flashpoint-token");
  if (token) headers.Authorization = "Bearer " + token;
  const r = await fetch(path, Object.assign({}, opts, { headers }));
  if (r.status === 401) {
    const t = window.prompt("This server needs a token (flashpoint serve --token):");
    if (t) { sessionStorage.setItem("flashpoint-token", t); return api(path, opts); }
  }
  const body = await r.json().catch(() => ({ detail: r.statusText }));
  if (!r.ok) throw new Error(body.detail || r.statusText);
  return body;
}

// ------------------------------------------------------------------ tooltip
const tip = () => document.getElementById("tooltip");
function showTip(html, ev) {
  const t = tip(); t.innerHTML = html; t.hidden = false; moveTip(ev);
}
function moveTip(ev) {
  const t = tip(); const pad = 14;
  let x = ev.clientX + pad, y = ev.clientY + pad;
  const r = t.getBoundingClientRect();
  if (x + r.width > window.innerWidth) x = ev.clientX - r.width - pad;
  if (y + r.height > window.innerHeight) y = Math.max(4, ev.clientY - r.height - pad);
  t.style.left = x + "px"; t.style.top = y + "px";
}
function hideTip() { tip().hidden = true; }
function hover(node, html) {
  node.addEventListener("mouseenter", (ev) => showTip(typeof html === "function" ? html() : html, ev));
  node.addEventListener("mousemove", moveTip);
  node.addEventListener("mouseleave", hideTip);
}

// ------------------------------------------------------------------ network
function blocOf(code, insts) {
  for (const [, members, colour, label] of BLOC) if (members.includes(code)) return [colour, label];
  if (insts.includes("NATO")) return ["#1f5fa8", "NATO"];
  return ["#7a828f", "Other"];
}
function layout(actors) {
  // theatre panels; inside each, capitals' longitude/latitude blended with their rank (spreads clusters)
  const W = 1100, H = 600;
  const panels = { euro_atlantic: [30, 40, 520, 520], indo_pacific: [580, 40, 490, 520], other: [540, 440, 40, 60] };
  const pos = {};
  for (const th of Object.keys(panels)) {
    const group = actors.filter((a) => a.theatre === th);
    if (!group.length) continue;
    const [px, py, pw, ph] = panels[th];
    const lon = group.map((a) => a.values.lon.value ?? 0), lat = group.map((a) => a.values.lat.value ?? 0);
    const rank = (v) => { const s = [...v].sort((a, b) => a - b); return v.map((x) => s.indexOf(x) / Math.max(1, v.length - 1)); };
    const norm = (v) => { const lo = Math.min(...v), hi = Math.max(...v); return v.map((x) => (hi > lo ? (x - lo) / (hi - lo) : 0.5)); };
    const rx = rank(lon), nx = norm(lon), ry = rank(lat), ny = norm(lat);
    group.forEach((a, i) => {
      pos[a.iso3] = { x: px + 30 + (pw - 60) * (0.55 * nx[i] + 0.45 * rx[i]), y: py + 30 + (ph - 60) * (1 - (0.55 * ny[i] + 0.45 * ry[i])), th };
    });
  }
  // relax overlaps
  const codes = Object.keys(pos);
  for (let it = 0; it < 80; it++) {
    for (let i = 0; i < codes.length; i++) for (let j = i + 1; j < codes.length; j++) {
      const a = pos[codes[i]], b = pos[codes[j]];
      const dx = b.x - a.x, dy = b.y - a.y, d = Math.hypot(dx, dy) || 0.01, min = 46;
      if (d < min) { const m = (min - d) / 2 / d; a.x -= dx * m; a.y -= dy * m; b.x += dx * m; b.y += dy * m; }
    }
    for (const c of codes) { const p = pos[c]; p.x = Math.min(W - 45, Math.max(50, p.x)); p.y = Math.min(H - 65, Math.max(75, p.y)); }
  }
  return { pos, panels };
}
function actorTip(a) {
  const rows = ["milex", "milex_share", "gdp", "population", "milper", "warheads", "ideal_point", "cinc"].map((f) => {
    const v = a.values[f]; if (!v) return "";
    const note = v.note ? ` — ${esc(v.note)}` : "";
    return `<tr><td>${f}</td><td><b>${fmt(v.value)}</b> ${esc(v.unit)}</td><td class="src">${esc(v.source)}${v.year ? " " + v.year : ""}${note}</td></tr>`;
  }).join("");
  return `<b>${esc(a.name)} (${a.iso3})</b> — ${THEATRE_LABEL[a.theatre] || a.theatre}, capital ${esc(a.capital)}<br>` +
    `<span class="src">Member/partner of: ${esc(a.institutions.join(", ") || "none")}</span><table>${rows}</table>`;
}
function edgeTip(e, names) {
  const rel = e.relations.slice(0, 6).map((r) => `${r.a}→${r.b} <b>${esc(r.kind)}</b> <span class="src">(${esc(r.source)}${r.year ? " " + r.year : ""}${r.note ? ": " + esc(r.note) : ""})</span>`).join("<br>");
  const more = e.relations.length > 6 ? `<br>… ${e.relations.length - 6} more` : "";
  return `<b>${esc(names[e.a])} – ${esc(names[e.b])}</b>: ${TIE_STYLE[e.tie].label}${e.mutual ? " (both ways)" : " (one way)"}<br>${rel}${more}`;
}
function drawNetwork() {
  const w = S.world, root = document.getElementById("network");
  root.replaceChildren();
  const { pos, panels } = layout(w.actors);
  const names = Object.fromEntries(w.actors.map((a) => [a.iso3, a.name]));
  svg("rect", { x: 0, y: 0, width: 1100, height: 640, fill: "#ffffff" }, root);
  for (const [th, [x, y, pw, ph]] of Object.entries(panels)) {
    if (th === "other") continue;
    svg("rect", { x, y, width: pw, height: ph, rx: 8, fill: th === "euro_atlantic" ? "#f2f6fc" : "#f1f8f5", stroke: "#e1e6ee" }, root);
    const t = svg("text", { x: x + 12, y: y + 20, "font-size": 15, "font-weight": 600, fill: "#5b6475", "font-family": "system-ui, sans-serif" }, root);
    t.textContent = THEATRE_LABEL[th];
  }
  const eg = svg("g", {}, root), ng = svg("g", {}, root);
  const visible = (c) => S.theatres[pos[c]?.th];
  for (const e of w.edges) {
    if (!S.ties[e.tie] || !pos[e.a] || !pos[e.b] || !visible(e.a) || !visible(e.b)) continue;
    const st = TIE_STYLE[e.tie];
    const line = svg("line", { x1: pos[e.a].x, y1: pos[e.a].y, x2: pos[e.b].x, y2: pos[e.b].y, stroke: st.stroke, "stroke-width": st.width, "stroke-dasharray": st.dash || null, "stroke-opacity": e.tie === "consultation" ? 0.5 : 0.55, class: "edge", "data-tie": e.tie }, eg);
    hover(line, () => edgeTip(e, names));
  }
  const maxMil = Math.max(...w.actors.map((a) => a.values.milex.value || 0));
  for (const a of w.actors) {
    if (!visible(a.iso3)) continue;
    const p = pos[a.iso3];
    const r = 7 + 22 * Math.sqrt((a.values.milex.value || 0) / maxMil);
    const [colour] = blocOf(a.iso3, a.institutions);
    const g = svg("g", { class: "node", "data-iso3": a.iso3 }, ng);
    svg("circle", { cx: p.x, cy: p.y, r, fill: colour, "fill-opacity": 0.85, stroke: "#fff", "stroke-width": 1.5 }, g);
    const t = svg("text", { x: p.x, y: p.y + r + 11, "text-anchor": "middle", "font-size": 11, fill: "#1d2330", "font-family": "system-ui, sans-serif" }, g);
    t.textContent = a.iso3;
    hover(g, () => actorTip(a));
  }
  // legend
  const lg = svg("g", { transform: "translate(590,615)" }, root);
  let x = 0;
  for (const [, , colour, label] of [...BLOC, ["nato", [], "#1f5fa8", "NATO"]]) {
    svg("circle", { cx: x + 6, cy: 0, r: 6, fill: colour }, lg);
    const t = svg("text", { x: x + 16, y: 4, "font-size": 12, fill: "#5b6475", "font-family": "system-ui, sans-serif" }, lg); t.textContent = label;
    x += 34 + label.length * 6.3;
  }
  const lt = svg("g", { transform: "translate(40,615)" }, root); x = 0;
  for (const [tie, st] of Object.entries(TIE_STYLE)) {
    if (!S.ties[tie]) continue;
    svg("line", { x1: x, y1: 0, x2: x + 24, y2: 0, stroke: st.stroke, "stroke-width": 2.2, "stroke-dasharray": st.dash || null }, lt);
    const t = svg("text", { x: x + 30, y: 4, "font-size": 12, fill: "#5b6475", "font-family": "system-ui, sans-serif" }, lt); t.textContent = st.label;
    x += 40 + st.label.length * 6.5;
  }
}
function buildFilters() {
  const tf = document.getElementById("tie-filters");
  for (const [tie, st] of Object.entries(TIE_STYLE)) {
    const n = S.world.edges.filter((e) => e.tie === tie).length;
    const cb = el("input", { type: "checkbox", "data-tie": tie });
    cb.checked = S.ties[tie];
    cb.addEventListener("change", () => { S.ties[tie] = cb.checked; drawNetwork(); });
    tf.append(el("label", { title: S.world.tie_types[tie] || "" }, cb, ` ${st.label} (${n}) `));
  }
  const thf = document.getElementById("theatre-filters");
  for (const th of S.world.theatres) {
    const cb = el("input", { type: "checkbox", "data-theatre": th });
    cb.checked = true;
    cb.addEventListener("change", () => { S.theatres[th] = cb.checked; drawNetwork(); });
    thf.append(el("label", {}, cb, ` ${THEATRE_LABEL[th] || th} `));
  }
}

// ------------------------------------------------------------------ scenario composition
function buildLevers() {
  for (const lv of S.levers) {
    const box = el("div", { class: "lever", "data-lever": lv.name });
    const cb = el("input", { type: "checkbox", id: "lever-" + lv.name, "data-lever": lv.name });
    const lo = el("input", { type: "number", step: "any", min: lv.bounds[0], max: lv.bounds[1], value: lv.effect[0], "aria-label": "effect low" });
    const hi = el("input", { type: "number", step: "any", min: lv.bounds[0], max: lv.bounds[1], value: lv.effect[1], "aria-label": "effect high" });
    const start = el("input", { type: "number", step: "any", min: 0, max: 30, value: lv.default_start, "aria-label": "start year" });
    const head = el("label", { class: "head", for: "lever-" + lv.name }, cb, el("span", { text: lv.title }));
    const params = el("div", { class: "params" }, "effect ", lo, " to ", hi, el("br"), el("span", { text: lv.unit }), el("br"), "from year ", start);
    box.append(head, params);
    hover(head, () => `<b>${esc(lv.title)}</b><br>${esc(lv.description)}<br><br><b>Changes:</b> ${esc(lv.changes)}<br><br><b>Effect</b> ${lv.effect[0]}–${lv.effect[1]} (${esc(lv.unit)}), bounds ${lv.bounds[0]}–${lv.bounds[1]}<br><span class="src">Range: ${esc(lv.source)}</span><br><span class="src">Seed ${esc(lv.seed)}: “${esc(lv.quote)}”</span>`);
    const changed = () => { box.classList.toggle("on", cb.checked); S.toggles[lv.name] = { on: cb.checked, lo: +lo.value, hi: +hi.value, start: +start.value }; matchCatalogue(); };
    for (const inp of [cb, lo, hi, start]) inp.addEventListener("change", changed);
    S.toggles[lv.name] = { on: false, lo: lv.effect[0], hi: lv.effect[1], start: lv.default_start, inputs: { cb, lo, hi, start, box } };
    document.getElementById(lv.kind === "shock" ? "levers-shock" : "levers-policy").append(box);
  }
}
function setToggles(def) {
  const uses = Object.fromEntries((def?.lever || []).map((u) => [u.lever, u]));
  for (const lv of S.levers) {
    const t = S.toggles[lv.name], u = uses[lv.name];
    t.inputs.cb.checked = !!u; t.inputs.box.classList.toggle("on", !!u);
    t.inputs.lo.value = u?.effect ? u.effect[0] : lv.effect[0];
    t.inputs.hi.value = u?.effect ? u.effect[1] : lv.effect[1];
    t.inputs.start.value = u?.start ?? lv.default_start;
    Object.assign(t, { on: !!u, lo: +t.inputs.lo.value, hi: +t.inputs.hi.value, start: +t.inputs.start.value });
  }
}
function composed() {
  return S.levers.filter((lv) => S.toggles[lv.name].on).map((lv) => {
    const t = S.toggles[lv.name], use = { lever: lv.name };
    if (t.lo !== lv.effect[0] || t.hi !== lv.effect[1]) use.effect = [t.lo, t.hi];
    if (t.start !== lv.default_start) use.start = t.start;
    return use;
  });
}
function sameUses(a, b) {
  const key = (u) => JSON.stringify([u.lever, u.effect || null, u.start ?? null]);
  return JSON.stringify(a.map(key).sort()) === JSON.stringify(b.map(key).sort());
}
function matchCatalogue() {
  // a composition identical to a catalogue scenario runs as that scenario (so its claims are judged)
  const uses = composed();
  let hit = null;
  for (const sc of S.catalogue) {
    const d = S.details[sc.name]?.definition;
    if (!d || d.shock.length || d.edit.length || d.override.length) continue;
    const norm = d.lever.map((u) => { const o = { lever: u.lever }; if (u.effect) o.effect = u.effect; if (u.start !== null && u.start !== undefined) o.start = u.start; return o; });
    if (sameUses(norm, uses)) { hit = sc.name; break; }
  }
  const sel = document.getElementById("catalogue");
  if (hit) { S.scenario = hit; sel.value = hit; }
  else if (S.scenario && S.details[S.scenario] && !sameUsesDef(S.scenario, uses)) { S.scenario = null; sel.value = ""; }
  describeScenario();
}
function sameUsesDef(name, uses) {
  const d = S.details[name]?.definition;
  return d && sameUses(d.lever.map((u) => Object.fromEntries(Object.entries(u).filter(([, v]) => v !== null))), uses);
}
function describeScenario() {
  const desc = document.getElementById("scenario-desc"), mode = document.getElementById("scenario-mode");
  if (S.scenario) {
    const sc = S.catalogue.find((s) => s.name === S.scenario);
    desc.textContent = sc ? sc.description : "";
    mode.textContent = `Catalogue scenario “${sc ? sc.title : S.scenario}” — ${sc ? sc.claims : 0} claims are judged on it.`;
  } else {
    const n = composed().length;
    desc.textContent = "";
    const ext = variantsOf(composed());
    const judged = ext.length ? ` The claims about ${ext.map((v) => "“" + (S.catalogue.find((c) => c.name === v)?.title || v) + "”").join(", ")} are judged on it, as a variant of ${ext.length > 1 ? "those scenarios" : "that scenario"}.` : " It extends no catalogue scenario, so no claim is judged on it.";
    mode.textContent = n ? `Custom scenario: ${n} lever(s) or shock(s).${judged}` : "No lever chosen: the status quo.";
  }
}
function variantsOf(uses) {
  // catalogue scenarios made only of levers, every one of which the composition uses (server rule)
  const mine = new Set(uses.map((u) => u.lever));
  return S.catalogue.filter((sc) => {
    const d = S.details[sc.name]?.definition;
    if (!d || d.shock.length || d.edit.length || d.override.length || !d.lever.length) return false;
    return d.lever.every((u) => mine.has(u.lever));
  }).map((sc) => sc.name);
}
async function pickCatalogue(name) {
  S.scenario = name || null;
  if (name) setToggles(S.details[name]?.definition);
  describeScenario();
}

// ------------------------------------------------------------------ running
async function run() {
  const btn = document.getElementById("run"), status = document.getElementById("run-status");
  const body = { runs: +document.getElementById("runs").value, years: +document.getElementById("years").value, seed: +document.getElementById("seed").value };
  const uses = composed();
  if (S.scenario) body.scenario_name = S.scenario;
  else if (!uses.length) body.scenario_name = "status_quo";
  else {
    const titles = S.levers.filter((lv) => S.toggles[lv.name].on).map((lv) => lv.title);
    body.scenario = { scenario: { name: "custom", title: ("Custom: " + titles.join(" + ")).slice(0, 200) }, lever: uses };
  }
  status.className = "status"; status.textContent = "Submitting…";
  btn.disabled = true;
  try {
    const job = await api("/api/jobs", { method: "POST", body: JSON.stringify(body) });
    S.job = job.id;
    document.getElementById("cancel").hidden = false;
    document.getElementById("progress").hidden = false;
    await poll(job.id);
  } catch (e) {
    status.className = "status error"; status.textContent = "Error: " + e.message;
  } finally {
    btn.disabled = false; document.getElementById("cancel").hidden = true;
  }
}
async function poll(id) {
  const status = document.getElementById("run-status"), bar = document.getElementById("progress-bar");
  for (;;) {
    const j = await api("/api/jobs/" + id);
    bar.style.width = Math.round(100 * j.progress) + "%";
    status.textContent = j.status === "queued" ? `Queued (${j.queue_position} ahead)…` : `${j.status} — ${Math.round(100 * j.progress)}% (${j.runs} runs × ${j.years} years, scenario and baseline)`;
    if (j.status === "done") {
      const res = await api(j.result_url);
      showResult(res);
      status.textContent = `Done: ${res.title} vs status quo, ${res.runs} runs, ${res.years} years, seed ${res.seed}.`;
      return;
    }
    if (j.status === "failed") throw new Error(j.error);
    if (j.status === "cancelled") { status.textContent = "Cancelled."; return; }
    await new Promise((r) => setTimeout(r, 300));
  }
}
async function cancel() { if (S.job) await api("/api/jobs/" + S.job, { method: "DELETE" }); }

// ------------------------------------------------------------------ charts
function niceTicks(lo, hi, n) {
  if (!(hi > lo)) { const d = Math.abs(lo) * 0.1 || 0.1; lo -= d; hi += d; }
  const step0 = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= step0) || step0;
  const ticks = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(+v.toFixed(12));
  return { lo: Math.min(lo, ticks[0]), hi: Math.max(hi, ticks[ticks.length - 1]), ticks, step };
}
function tickLabel(v, step) {
  if (Math.abs(v) < step * 1e-6) return "0";
  const d = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
  const s = v.toFixed(d + (step / Math.pow(10, -d) % 1 ? 1 : 0));
  return (Math.abs(v) >= 1e5 ? Math.round(v).toLocaleString("en-GB") : s).replace("-", "−");
}
function area(sx, sy, t, lo, hi) {
  const pts = [];
  t.forEach((x, i) => { if (lo[i] !== null && hi[i] !== null) pts.push([sx(x), sy(hi[i])]); });
  const back = [];
  t.forEach((x, i) => { if (lo[i] !== null && hi[i] !== null) back.push([sx(x), sy(lo[i])]); });
  return pts.concat(back.reverse()).map((p, i) => (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1)).join(" ") + " Z";
}
function path(sx, sy, t, v) {
  return t.map((x, i) => (v[i] === null ? null : [sx(x), sy(v[i])])).filter(Boolean).map((p, i) => (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1)).join(" ");
}
function chart(m, view) {
  const W = 360, H = 214, L = 50, R = 10, T = 26, B = 28;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, xmlns: SVGNS, "font-family": "system-ui, sans-serif", "data-metric": m.key });
  svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }, root);
  const t = m.time;
  const series = view === "difference" ? [["difference", m.difference, "#6a3d9a"]] : [["baseline", m.baseline, "#7a828f"], ["scenario", m.scenario, "#1f5fa8"]];
  const vals = series.flatMap(([, b]) => [...b.q05, ...b.q95]).filter((v) => v !== null);
  let yt, band = null;
  if (view === "difference") {
    // symmetric about zero, never narrower than the materiality band (metric registry) or, without
    // one, than a tenth of the status quo's 5-95% spread: a negligible effect must look negligible
    const spread = Math.max(0, ...m.baseline.q95.map((v, i) => (v === null || m.baseline.q05[i] === null ? 0 : v - m.baseline.q05[i])));
    band = m.materiality > 0 ? m.materiality : null;
    const floor = band ? 1.5 * band : 0.1 * spread;
    const M = Math.max(...vals.map(Math.abs), floor, 1e-12);
    yt = niceTicks(-M, M, 4);
    const h = Math.max(Math.abs(yt.lo), Math.abs(yt.hi));
    yt = Object.assign(yt, { lo: -h, hi: h });
  } else {
    yt = niceTicks(Math.min(...vals), Math.max(...vals), 4);
  }
  const sx = (x) => L + (W - L - R) * (x - t[0]) / Math.max(1e-9, t[t.length - 1] - t[0]);
  const sy = (y) => T + (H - T - B) * (1 - (y - yt.lo) / (yt.hi - yt.lo));
  for (const v of yt.ticks) {
    svg("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), stroke: v === 0 ? "#9aa3b2" : "#eceef2" }, root);
    const tx = svg("text", { x: L - 4, y: sy(v) + 3, "text-anchor": "end", "font-size": 10, fill: "#5b6475", class: "ytick", "data-value": v }, root); tx.textContent = tickLabel(v, yt.step);
  }
  const xt = niceTicks(t[0], t[t.length - 1], Math.min(6, t.length - 1 || 1)).ticks.filter((v) => v >= t[0] && v <= t[t.length - 1]);
  for (const v of xt) { const tx = svg("text", { x: sx(v), y: H - B + 13, "text-anchor": "middle", "font-size": 10, fill: "#5b6475" }, root); tx.textContent = v; }
  const xl = svg("text", { x: (L + W - R) / 2, y: H - 3, "text-anchor": "middle", "font-size": 10, fill: "#5b6475" }, root); xl.textContent = "years from 2024";
  if (band) {
    const y1 = sy(band), y2 = sy(-band);
    const r = svg("rect", { x: L, y: y1, width: W - L - R, height: y2 - y1, fill: "#c77c0e", "fill-opacity": 0.12, stroke: "#c77c0e", "stroke-opacity": 0.5, "stroke-dasharray": "3 3", class: "materiality" }, root);
    hover(r, `<b>Materiality band ±${trim(band)} ${esc(m.change_unit || m.unit)}</b><br>the smallest change of this metric that matters${m.materiality_source ? `<br><span class="src">${esc(m.materiality_source)}</span>` : ""}`);
    const bt = svg("text", { x: W - R - 2, y: y1 - 2, "text-anchor": "end", "font-size": 9, fill: "#8a5a08" }, root); bt.textContent = `no material effect: ±${trim(band)} ${m.change_unit || ""}`;
  }
  for (const [name, b, colour] of series) {
    svg("path", { d: area(sx, sy, t, b.q05, b.q95), fill: colour, "fill-opacity": 0.13, stroke: "none", "data-series": name }, root);
    svg("path", { d: area(sx, sy, t, b.q25, b.q75), fill: colour, "fill-opacity": 0.25, stroke: "none" }, root);
    svg("path", { d: path(sx, sy, t, b.q50), fill: "none", stroke: colour, "stroke-width": 2, "stroke-dasharray": name === "baseline" ? "5 3" : null }, root);
  }
  // legend
  let lx = L;
  for (const [name, , colour] of series) {
    svg("line", { x1: lx, x2: lx + 16, y1: 9, y2: 9, stroke: colour, "stroke-width": 2, "stroke-dasharray": name === "baseline" ? "5 3" : null }, root);
    const tx = svg("text", { x: lx + 20, y: 12, "font-size": 10, fill: "#1d2330" }, root);
    tx.textContent = name === "difference" ? "scenario − baseline (paired)" : name === "baseline" ? "status quo" : "scenario";
    lx += 24 + tx.textContent.length * 5.6;
  }
  const note = svg("text", { x: W - R, y: 12, "text-anchor": "end", "font-size": 9, fill: "#5b6475" }, root); note.textContent = m.statistic === "mean" ? "share of runs" : "median, 25–75%, 5–95%";
  // hover: values at nearest time
  const cap = svg("rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "transparent" }, root);
  cap.addEventListener("mousemove", (ev) => {
    const box = root.getBoundingClientRect();
    const xv = t[0] + (((ev.clientX - box.left) / box.width) * W - L) / (W - L - R) * (t[t.length - 1] - t[0]);
    let i = 0; t.forEach((x, k) => { if (Math.abs(x - xv) < Math.abs(t[i] - xv)) i = k; });
    const rows = series.map(([name, b]) => m.statistic === "mean" ? `${name}: <b>${fmt(b.q50[i])}</b>` : `${name}: median <b>${fmt(b.q50[i])}</b> (50%: ${fmt(b.q25[i])} to ${fmt(b.q75[i])}; 90%: ${fmt(b.q05[i])} to ${fmt(b.q95[i])})`).join("<br>");
    showTip(`<b>${esc(m.label)}</b>, year ${t[i]}<br>${rows}<br><span class="src">${esc(view === "difference" ? m.change_unit || m.unit : m.unit)}</span>`, ev);
  });
  cap.addEventListener("mouseleave", hideTip);
  return root;
}
function renderCharts() {
  const res = S.result, box = document.getElementById("charts");
  if (!res) return;
  const view = document.querySelector("input[name=view]:checked").value;
  box.replaceChildren();
  for (const m of res.metrics) {
    const f = m.final;
    const dl = el("button", { type: "button", class: "small", text: "SVG", title: "Download this figure as SVG" });
    const fig = chart(m, view);
    dl.addEventListener("click", () => downloadSvg(fig, `${res.scenario}-${m.key}.svg`, m.label + " (" + m.unit + ")"));
    const card = el("div", { class: "chart", "data-metric": m.key },
      el("h4", { text: m.label, title: m.meaning }), el("div", { class: "unit", text: view === "difference" ? `change in ${m.change_unit || m.unit} (scenario − status quo)` : m.unit }), fig,
      el("div", { class: "foot" }, el("span", { text: `Year ${res.years}: ${m.statistic === "mean" ? "effect" : "median effect"} ${signed(f.median_difference)} ${m.change_unit || ""}${m.materiality && Math.abs(f.median_difference ?? 0) <= m.materiality ? " (no material effect)" : ""}; higher in ${pct(f.p_increase)}, lower in ${pct(f.p_decrease)} of paired runs` }), dl));
    hover(card.querySelector("h4"), `<b>${esc(m.label)}</b><br>${esc(m.meaning)}<br><span class="src">variable ${esc(m.variable)} ${esc(JSON.stringify(m.select))}</span>`);
    box.append(card);
  }
}
function showResult(res) {
  S.result = res;
  document.getElementById("result-title").innerHTML = `<b>${esc(res.title)}</b> (${esc(res.scenario)}) against the status quo — ${res.runs} paired runs, ${res.years} years, seed ${res.seed}. Bands: 5–95% and 25–75% of runs; line: median.`;
  renderCharts();
  renderAttributionOptions();
  loadClaims();
  loadResults();
  selectTab("trajectories");
  // one column (phones): the controls sit above the results, so bring the results into view
  if (window.matchMedia("(max-width: 860px)").matches) document.querySelector("main").scrollIntoView();
}

// ------------------------------------------------------------------ attribution
function renderAttributionOptions() {
  const sel = document.getElementById("attr-metric"), res = S.result;
  sel.replaceChildren();
  let best = null, bestScore = -1;
  for (const a of res.attribution) {
    const m = res.metrics.find((x) => x.key === a.key);
    const spread = m ? Math.abs((m.baseline.q95.at(-1) ?? 0) - (m.baseline.q05.at(-1) ?? 0)) + 1e-9 : 1;
    const score = m ? Math.abs(m.final.median_difference ?? 0) / spread : 0;
    if (score > bestScore) { bestScore = score; best = a.key; }
    sel.append(el("option", { value: a.key, text: a.label }));
  }
  if (best) sel.value = best;
  renderAttribution();
}
function renderAttribution() {
  const res = S.result, key = document.getElementById("attr-metric").value, box = document.getElementById("attribution");
  const a = res?.attribution.find((x) => x.key === key);
  box.replaceChildren();
  if (!a) return;
  const total = a.mechanisms.reduce((s, m) => s + (m.difference || 0), 0);
  const scale = Math.max(...a.mechanisms.map((m) => Math.abs(m.difference || 0)), 1e-12);
  const rows = a.mechanisms.filter((m) => Math.abs(m.difference || 0) > 1e-6 * scale && m.mechanism !== "interaction").sort((p, q) => Math.abs(q.difference) - Math.abs(p.difference));
  const W = 860, rowH = 26, T = 46, H = T + rowH * Math.max(rows.length, 1) + 40, L = 160, R = 90, mid = L + (W - L - R) / 2;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, xmlns: SVGNS, "font-family": "system-ui, sans-serif", id: "attribution-svg" });
  svg("rect", { x: 0, y: 0, width: W, height: H, fill: "#fff" }, root);
  const title = svg("text", { x: 12, y: 20, "font-size": 14, "font-weight": 600, fill: "#1d2330" }, root);
  title.textContent = `${a.label}: effect of ${res.title} by mechanism, year ${res.years}`;
  const sub = svg("text", { x: 12, y: 36, "font-size": 11, fill: "#5b6475" }, root);
  sub.textContent = `mean over paired runs, scenario − status quo; total ${signed(total)} (${a.unit})`;
  svg("line", { x1: mid, x2: mid, y1: T - 4, y2: H - 30, stroke: "#9aa3b2" }, root);
  rows.forEach((m, i) => {
    const y = T + i * rowH, w = (W - L - R) / 2 * Math.abs(m.difference) / scale;
    const lbl = svg("text", { x: L - 8, y: y + 16, "text-anchor": "end", "font-size": 12, fill: "#1d2330" }, root); lbl.textContent = m.mechanism === "shocks" ? "levers & shocks" : m.mechanism.replace(/_/g, " ");
    const bar = svg("rect", { x: m.difference >= 0 ? mid : mid - w, y: y + 4, width: Math.max(w, 1), height: rowH - 8, fill: m.difference >= 0 ? "#1f5fa8" : "#b8322a", "data-mechanism": m.mechanism }, root);
    // the value beside the bar's end, or inside it when the bar fills its half (no overlap with the labels)
    const inside = w > (W - L - R) / 2 - 70, pos = m.difference >= 0;
    const v = svg("text", { x: pos ? (inside ? mid + w - 4 : mid + w + 4) : (inside ? mid - w + 4 : mid - w - 4), y: y + 16, "text-anchor": pos === inside ? "end" : "start", "font-size": 11, fill: inside ? "#fff" : "#5b6475" }, root); v.textContent = signed(m.difference);
    hover(bar, `<b>${esc(m.mechanism)}</b>: ${esc(MECHANISM_NOTE[m.mechanism] || "")}<br>on ${esc(a.label)}<br>scenario: ${signed(m.scenario)}<br>status quo: ${signed(m.baseline)}<br>difference: <b>${signed(m.difference)}</b> (${esc(a.unit)})`);
  });
  if (!rows.length) { const tx = svg("text", { x: mid, y: T + 16, "text-anchor": "middle", "font-size": 12, fill: "#5b6475" }, root); tx.textContent = "no mechanism changes this metric"; }
  const leg = svg("text", { x: mid, y: H - 12, "text-anchor": "middle", "font-size": 11, fill: "#5b6475" }, root);
  leg.textContent = "← lowers the metric relative to the status quo | raises it →";
  box.append(root);
}

// ------------------------------------------------------------------ claims
async function loadClaims() {
  S.claims = await api("/api/claims");
  // the construction audit of each claim (stored assessment), kept beside later job verdicts
  for (const c of S.claims) { const a = c.result?.assessed_audit || (c.result?.origin === "assessment" ? c.result.audit : ""); if (a) S.audits[c.id] = a; }
  renderClaims();
  renderScorecard();
}
const AUDIT_NOTE = {
  "input-determined": "construction audit: the verdict follows the scenario's own inputs (remove the scenario's direct relation bumps and the effect goes)",
  identity: "construction audit: true by the model's equations whatever the parameters",
  emergent: "construction audit: the model's dynamics decide the verdict",
};
const THEORY_FACTOR = {
  security_dilemma: "reading of moves", deterrence: "crisis onset", alignment: "alignment",
  arms: "arms reaction", credibility: "NATO decision",
};
// the theories in their registry order (flashpoint.theories), so every line reads alike
const THEORY_ORDER = ["spiral", "deterrence", "signalling", "bargaining", "balancing", "bandwagoning", "relative", "absolute", "consensus", "independent"];
function theoryRank(v) { const i = THEORY_ORDER.indexOf(v); return i < 0 ? THEORY_ORDER.length : i; }
function slug(v) { return String(v).replace(/ /g, "-"); }
function auditOf(r, fallback) {
  // a job's verdict is not audited; the claim's construction audit (stored assessment) still applies
  if (r && typeof r.audit === "string" && r.audit) return [r.audit, ""];
  const stored = fallback && (fallback.assessed_audit || fallback.audit);
  if (stored) return [stored, " (from the stored assessment's audit)"];
  return [null, ""];
}
function auditTag(r, fallback) {
  const [tag, from] = auditOf(r, fallback);
  if (!tag) return el("span", { class: "tag tag-none", text: "not audited", title: "no construction audit for this verdict: run flashpoint assess (with its audit) and serve its store" });
  return el("span", { class: "tag tag-" + slug(tag), text: tag, title: (AUDIT_NOTE[tag] || "construction audit") + from });
}
function verdictBadge(r, fallback) {
  if (!r || !r.evaluated) return el("span", { class: "verdict v-none", text: r ? "not judged" : "not run" });
  const v = el("span", { class: "verdict v-" + slug(r.verdict), text: r.verdict });
  if (r.verdict === "theory-decided") v.title = "the model's rival theories give different verdicts: the answer is the choice of theory (see the line by theory)";
  if (r.verdict === "no material effect") v.title = "most runs' effect lies inside the metric's materiality band: the effect is too small to matter";
  return el("span", { class: "verdict-wrap" }, v, auditTag(r, fallback));
}
function theoryLines(r) {
  // compact per-theory verdicts: "spiral: holds · deterrence: fails · signalling: ..." for the
  // reading of moves (the articles' dispute) and for every other theory factor whose theories disagree
  const pm = r?.per_mechanism && Object.keys(r.per_mechanism).length ? r.per_mechanism : r?.record?.per_mechanism;
  const out = [];
  if (pm && Object.keys(pm).length) {
    const factors = Object.entries(pm).sort(([a], [b]) => Number(b === "security_dilemma") - Number(a === "security_dilemma"));
    for (const [mech, variants] of factors) {
      const vs = Object.entries(variants || {}).sort(([a], [b]) => theoryRank(a) - theoryRank(b));
      if (!vs.length) continue;
      if (mech !== "security_dilemma" && new Set(vs.map(([, x]) => x?.verdict)).size < 2) continue;
      out.push([THEORY_FACTOR[mech] || mech.replace(/_/g, " "), vs.map(([v, x]) => [v, x?.verdict ?? "", x?.runs])]);
    }
    return out;
  }
  const pt = r?.per_theory;
  if (pt && typeof pt === "object" && Object.keys(pt).length) {
    const vs = Object.entries(pt).filter(([, x]) => x && x.verdict).slice(0, 6);
    if (vs.length) out.push(["by theory", vs.map(([k, x]) => [k.replace(/[a-z_]+=/g, "").replace(/\+/g, "/"), x.verdict, x.runs])]);
  }
  return out;
}
function theoryNode(r) {
  const lines = theoryLines(r);
  if (!lines.length) return null;
  const box = el("span", { class: "theories" });
  for (const [factor, vs] of lines) {
    const line = el("span", { class: "theory-line" }, el("span", { class: "factor", text: factor + ": " }));
    vs.forEach(([v, verdict, runs], i) => {
      if (i) line.append(" · ");
      line.append(el("span", { class: "tv tv-" + slug(verdict), text: `${v}: ${verdict}`, title: runs ? `${runs} runs` : "" }));
    });
    box.append(line);
  }
  return box;
}
function plainTheoryBox(sentence) {
  // PRIM boxes on a theory factor speak of its unit draw ("unit draw selecting the
  // security_dilemma theory by its weights (spiral 0.33, ...) is below 0.948"); say instead which
  // theories the box keeps: "the reading of moves is spiral, deterrence or most signalling runs"
  return sentence.replace(/unit draw selecting the (\w+) theory by its weights \(([^)]*)\) is (below|above) ([\d.]+)/g, (all, mech, ws, side, v) => {
    const cut = +v; let lo = 0; const full = [], part = [];
    for (const item of ws.split(",")) {
      const [name, w] = item.trim().split(/\s+/); const hi = lo + (+w);
      const kept = side === "below" ? Math.max(0, Math.min(hi, cut) - lo) : Math.max(0, hi - Math.max(lo, cut));
      if (+w > 0 && kept >= +w - 1e-9) full.push(name); else if (kept > 1e-9) part.push(`${Math.round(100 * kept / +w)}% of the ${name} runs`);
      lo = hi;
    }
    const items = [...full, ...part];
    if (!items.length) return all;
    return `the theory of ${THEORY_FACTOR[mech] || mech.replace(/_/g, " ")} is ${items.length > 1 ? items.slice(0, -1).join(", ") + " or " + items.at(-1) : items[0]}`;
  });
}
function inputWords(d) {
  // a sampled input in words (its meaning), not its dotted parameter name
  if (d.input.startsWith("theory.")) { const m = d.input.slice(7); return `theory of ${THEORY_FACTOR[m] || m.replace(/_/g, " ")}`; }
  const words = (d.meaning || "").split(" (")[0].trim();
  return words && words.length <= 90 ? words : d.input;
}
function effectText(r) {
  // the median paired effect with its 5-95% range and the band, in the claim's unit
  const rec = r.record || r;
  const med = rec.effect_median ?? r.effect_median;
  if (med === null || med === undefined) return r.median_difference === undefined ? "" : `median effect ${signed(r.median_difference)}`;
  const unit = rec.unit ? " " + rec.unit : "";
  const range = rec.effect_p05 !== null && rec.effect_p05 !== undefined ? ` (5–95%: ${signed(rec.effect_p05)} to ${signed(rec.effect_p95)})` : "";
  const band = rec.threshold !== null && rec.threshold !== undefined && rec.baseline ? `; band ±${trim(rec.threshold)}` : "";
  return `median effect ${signed(med)}${unit}${range}${band}`;
}
function renderClaims() {
  const body = document.querySelector("#claims-table tbody");
  const only = document.getElementById("claims-current").checked, side = document.getElementById("claims-side").value;
  const current = S.result ? S.result.scenario : S.scenario;
  const fromJob = Object.fromEntries((S.result?.claims || []).map((c) => [c.id, c]));
  body.replaceChildren();
  for (const c of S.claims) {
    if (only && c.scenario !== current && !fromJob[c.id]) continue;
    if (side && c.side !== side) continue;
    const r = fromJob[c.id] || c.result;
    const claimCell = el("td", {}, el("span", { text: c.paraphrase }), el("span", { class: "small", text: c.statement }));
    hover(claimCell, `<b>${esc(c.id)}</b><br>“${esc(c.source.quote)}”<br><span class="src">seed ${esc(c.source.seed)}</span>${c.note ? "<br>" + esc(c.note) : ""}`);
    const verdictCell = el("td", {}, verdictBadge(r, { assessed_audit: S.audits[c.id] }));
    const th = r && r.evaluated ? theoryNode(r) : null;
    if (th) verdictCell.append(th);
    if (r && !r.evaluated && r.reason) verdictCell.append(el("span", { class: "small", text: r.reason }));
    if (r && r.variant_of) verdictCell.append(el("span", { class: "small", text: `judged on this custom scenario, which extends ${r.variant_of}` }));
    if (r && r.origin === "assessment") verdictCell.append(el("span", { class: "small", text: `from the stored assessment of ${(r.assessed_at || "").replace("T", " ")}` }));
    const shareCell = el("td", {});
    if (r && r.evaluated) shareCell.append(el("span", { text: `${pct(r.share)} (${pct(r.ci_low)}–${pct(r.ci_high)}) of ${r.n_runs ?? r.runs} runs` }), el("span", { class: "small", text: effectText(r) }));
    const decCell = el("td", { class: "deciding" });
    if (r && r.evaluated) {
      for (const a of r.assumptions || []) decCell.append(el("span", { class: "box " + a.target, text: "It " + plainTheoryBox(a.sentence.replace(/^no clear region; at best it /, "(weak) ")) }));
      const rho = (r.deciding || []).map((d) => `${inputWords(d)} (ρ ${fmt(d.rho, 2)})`).join("; ");
      if (rho) decCell.append(el("span", { class: "small", text: "Rank correlation with the margin: " + rho }));
      if (r.deciding_text) decCell.append(el("span", { class: "box", text: plainTheoryBox(r.deciding_text) }));
      if (!decCell.children.length) decCell.append(el("span", { class: "small", text: "no sampled input moves the margin" }));
    }
    verdictCell.dataset.label = "Verdict"; shareCell.dataset.label = "Share of runs holding (95% CI)"; decCell.dataset.label = "Deciding assumptions";
    claimCell.className = "claim";
    const tr = el("tr", { "data-claim": c.id }, claimCell, el("td", { text: c.side, "data-label": "Side" }), el("td", { text: c.scenario, "data-label": "Scenario" }), verdictCell, shareCell, decCell);
    body.append(tr);
  }
  if (!body.children.length) body.append(el("tr", {}, el("td", { colspan: 6, text: "No claim matches the filters." })));
}

// ------------------------------------------------------------------ scorecard
const SCORE_COLUMNS = [
  // [field(s) of the claim record, header, formatter]; a column no record carries is left out
  ["metric", "Metric", (r) => esc(r.metric_label || r.record?.metric_label || r.metric) + (r.unit ? `<span class="small">${esc(r.unit)}</span>` : "")],
  ["verdict", "Verdict, audit and verdict by theory", null],
  ["share", "Holds in (95% CI)", null],
  [["effect_median", "median_difference"], "Effect: median (5–95%)", (r) => {
    const med = r.effect_median ?? r.median_difference;
    if (med === null || med === undefined) return "–";
    const unit = r.effect_median !== undefined && r.effect_median !== null && r.unit ? " " + esc(r.unit) : "";
    const q = r.effect_p05 !== undefined && r.effect_p05 !== null ? ` <span class="small">(${signed(r.effect_p05)} to ${signed(r.effect_p95)})</span>` : "";
    return signed(med) + unit + q;
  }],
  ["threshold", "Band (smallest change that matters)", (r) => {
    const t = r.record?.threshold ?? r.threshold;
    const unit = r.record?.threshold_unit ?? r.threshold_unit ?? "";
    const src = r.threshold_source || r.record?.threshold_source || "";
    return (t === null || t === undefined ? "–" : (r.baseline ? "±" : "") + trim(t) + (unit ? " " + esc(unit) : "")) + (src ? `<span class="small src-text" title="${esc(src)}">${esc(src)}</span>` : "");
  }],
];
function shareBar(r) {
  const root = svg("svg", { viewBox: "0 0 110 14", class: "share", role: "img", "aria-label": `holds in ${pct(r.share)}` });
  const x = (v) => 5 + 100 * v;
  svg("line", { x1: x(0), x2: x(1), y1: 7, y2: 7, stroke: "#e1e6ee", "stroke-width": 4 }, root);
  svg("line", { x1: x(0.5), x2: x(0.5), y1: 2, y2: 12, stroke: "#9aa3b2" }, root);
  if (r.ci_low !== null && r.ci_low !== undefined) svg("line", { x1: x(r.ci_low), x2: x(r.ci_high), y1: 7, y2: 7, stroke: "#1f5fa8", "stroke-width": 3 }, root);
  if (r.share !== null && r.share !== undefined) svg("circle", { cx: x(r.share), cy: 7, r: 3.5, fill: "#17202f" }, root);
  return root;
}
function scoreRecords() {
  // one record per claim: the claim's own fields, overlaid by its latest verdict (job or assessment)
  const fromJob = Object.fromEntries((S.result?.claims || []).map((c) => [c.id, c]));
  const groups = {};
  for (const c of S.claims) {
    const job = fromJob[c.id];
    const r = job && !job.variant_of ? job : c.result;
    const rec = Object.assign({ id: c.id, side: c.side, scenario: c.scenario, baseline: c.baseline, metric: c.metric, unit: c.unit, threshold: c.threshold, paraphrase: c.paraphrase }, r || {}, { scenario: c.scenario });
    (groups[c.scenario] = groups[c.scenario] || []).push(rec);
    if (job && job.variant_of) {
      const key = "custom:" + S.result.scenario;
      (groups[key] = groups[key] || []).push(Object.assign({}, rec, job, { scenario: key }));
    }
  }
  return groups;
}
function renderScorecard() {
  const box = document.getElementById("scorecards");
  if (!box) return;
  const side = document.getElementById("score-side").value, judgedOnly = document.getElementById("score-judged").checked;
  const groups = scoreRecords();
  box.replaceChildren();
  const entries = Object.entries(groups).sort(([a], [b]) => Number(b.startsWith("custom:")) - Number(a.startsWith("custom:")));
  for (const [option, all] of entries) {
    const recs = all.filter((r) => !side || r.side === side);
    if (!recs.length) continue;
    const judged = recs.filter((r) => r.evaluated);
    if (judgedOnly && !judged.length) continue;
    const custom = option.startsWith("custom:");
    const title = custom ? `${S.result.title} (custom; judged on the claims of ${recs[0].variant_of})` : (S.catalogue.find((c) => c.name === option)?.title || option);
    const card = el("div", { class: "scorecard", "data-option": option });
    card.append(el("h3", { text: title }), el("div", { class: "small", text: custom ? "" : option }));
    const tally = el("div", { class: "tally" });
    const counts = {};
    for (const r of recs) { const v = r.evaluated ? r.verdict : "not judged"; counts[v] = (counts[v] || 0) + 1; }
    for (const [v, n] of Object.entries(counts)) tally.append(el("span", { class: "verdict v-" + (v === "not judged" ? "none" : v.replace(/ /g, "-")), text: `${n} ${v}` }));
    card.append(tally);
    const cols = SCORE_COLUMNS.filter(([f]) => [f].flat().some((k) => recs.some((r) => r[k] !== undefined && r[k] !== null && r[k] !== "")));
    const table = el("table", {});
    const head = el("tr", {}, el("th", { text: "Claim" }), el("th", { text: "Side" }), ...cols.map(([, h]) => el("th", { text: h })));
    table.append(el("thead", {}, head));
    const body = el("tbody", {});
    for (const r of recs) {
      const tr = el("tr", { "data-claim": r.id });
      const idCell = el("td", { class: "claim" }, el("span", { class: "para-main", text: r.paraphrase || r.id }), el("span", { class: "small claim-id", text: r.id.replace(/_/g, "_\u200b") }));
      tr.append(idCell, el("td", { text: r.side, "data-label": "Side" }));
      for (const [f, h, format] of cols) {
        const td = el("td", { class: "num", "data-label": h });
        if (f === "verdict") {
          td.className = "verdict-cell";
          td.append(verdictBadge(r.evaluated ? r : null, { assessed_audit: S.audits[r.id] }));
          const th = r.evaluated ? theoryNode(r) : null;
          if (th) td.append(th);
        }
        else if (f === "share") { if (r.evaluated) td.append(shareBar(r), el("span", { class: "small", text: `${pct(r.share)} (${pct(r.ci_low)}–${pct(r.ci_high)}) of ${r.runs ?? r.n_runs} runs` })); else td.textContent = r.reason ? "" : "–"; }
        else td.innerHTML = format(r);
        tr.append(td);
      }
      body.append(tr);
    }
    table.append(body);
    card.append(el("div", { class: "table-wrap" }, table));
    box.append(card);
  }
  if (!box.children.length) box.append(el("p", { class: "note", text: "No claim has a verdict yet: run a catalogue scenario, or `flashpoint assess` and serve its store." }));
}

// ------------------------------------------------------------------ data, sources, downloads
async function loadResults() {
  const rows = await api("/api/results");
  const body = document.querySelector("#results-table tbody");
  body.replaceChildren();
  for (const r of rows.slice().reverse()) {
    const open = el("button", { type: "button", class: "small", text: "Open" });
    open.addEventListener("click", async () => showResult(await api(`/api/jobs/${r.job}/result`)));
    body.append(el("tr", {}, ...[r.job, r.scenario, r.runs, r.years, r.seed, r.finished, r.where].map((v) => el("td", { text: String(v) })), el("td", {}, open)));
  }
}
async function loadSources() {
  const rows = await api("/api/sources");
  const body = document.querySelector("#sources-table tbody");
  for (const s of rows) body.append(el("tr", {}, ...[s.id, s.name, s.version, s.licence, s.citation].map((v) => el("td", { text: v }))));
}
function download(text, name, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = el("a", { href: url, download: name });
  document.body.append(a); a.click(); a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
function downloadSvg(node, name, caption) {
  const copy = node.cloneNode(true);
  copy.setAttribute("xmlns", SVGNS);
  if (caption) { const d = document.createElementNS(SVGNS, "desc"); d.textContent = caption + " — flashpoint"; copy.prepend(d); }
  download('<?xml version="1.0" encoding="UTF-8"?>\n' + new XMLSerializer().serializeToString(copy), name, "image/svg+xml");
}
function csvCell(v) { const s = v === null || v === undefined ? "" : String(v); return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; }
function csv(rows) { return rows.map((r) => r.map(csvCell).join(",")).join("\n") + "\n"; }
function handleDownload(kind) {
  const res = S.result;
  if (kind === "network-svg") return downloadSvg(document.getElementById("network"), "flashpoint-network.svg", "Alliance and alignment network");
  if (kind === "claims-csv") {
    const fromJob = Object.fromEntries((res?.claims || []).map((c) => [c.id, c]));
    const rows = [["claim", "side", "scenario", "paraphrase", "verdict", "share", "ci_low", "ci_high", "n_runs", "median_difference", "deciding", "reason"]];
    for (const c of S.claims) { const r = fromJob[c.id] || c.result || {}; rows.push([c.id, c.side, c.scenario, c.paraphrase, r.verdict, r.share, r.ci_low, r.ci_high, r.n_runs, r.median_difference, [...(r.assumptions || []).map((a) => a.target + " " + a.sentence), ...(r.deciding || []).map((d) => d.input + " rho=" + fmt(d.rho, 2))].join("; "), r.reason]); }
    return download(csv(rows), "flashpoint-claims.csv", "text/csv");
  }
  if (!res) { document.getElementById("run-status").textContent = "Run a scenario first."; return; }
  if (kind === "result-json") return download(JSON.stringify(res, null, 1), `flashpoint-${res.scenario}-${res.job}.json`, "application/json");
  if (kind === "trajectories-csv") {
    const rows = [["metric", "unit", "series", "time", "q05", "q25", "q50", "q75", "q95"]];
    for (const m of res.metrics) for (const s of ["scenario", "baseline", "difference"]) m.time.forEach((t, i) => rows.push([m.key, m.unit, s, t, ...["q05", "q25", "q50", "q75", "q95"].map((q) => m[s][q][i])]));
    return download(csv(rows), `flashpoint-${res.scenario}-trajectories.csv`, "text/csv");
  }
  if (kind === "attribution-csv") {
    const rows = [["metric", "unit", "mechanism", "scenario", "baseline", "difference"]];
    for (const a of res.attribution) for (const m of a.mechanisms) rows.push([a.key, a.unit, m.mechanism, m.scenario, m.baseline, m.difference]);
    return download(csv(rows), `flashpoint-${res.scenario}-attribution.csv`, "text/csv");
  }
  if (kind === "attribution-svg") { const n = document.getElementById("attribution-svg"); if (n) downloadSvg(n, `flashpoint-${res.scenario}-attribution.svg`); }
}

// ------------------------------------------------------------------ tabs and start-up
function selectTab(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const s of document.querySelectorAll(".tab")) s.hidden = s.id !== "tab-" + name;
  // phones: the tab strip scrolls sideways; keep the selected tab in sight
  const nav = document.getElementById("tabs"), btn = nav.querySelector(`button[data-tab="${name}"]`);
  if (btn && nav.scrollWidth > nav.clientWidth) {
    const nr = nav.getBoundingClientRect(), br = btn.getBoundingClientRect();
    if (br.left < nr.left || br.right > nr.right) nav.scrollLeft += br.left - nr.left - 8;
  }
  if (name === "claims") renderClaims();
  if (name === "scorecard") renderScorecard();
}
async function start() {
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => selectTab(b.dataset.tab));
  for (const b of document.querySelectorAll("[data-download]")) b.addEventListener("click", () => handleDownload(b.dataset.download));
  for (const r of document.querySelectorAll("input[name=view]")) r.addEventListener("change", renderCharts);
  document.getElementById("attr-metric").addEventListener("change", renderAttribution);
  document.getElementById("claims-current").addEventListener("change", renderClaims);
  document.getElementById("claims-side").addEventListener("change", renderClaims);
  document.getElementById("score-side").addEventListener("change", renderScorecard);
  document.getElementById("score-judged").addEventListener("change", renderScorecard);
  document.getElementById("run").addEventListener("click", run);
  document.getElementById("cancel").addEventListener("click", cancel);
  try {
    const [world, levers, catalogue] = await Promise.all([api("/api/world"), api("/api/levers"), api("/api/scenarios")]);
    Object.assign(S, { world, levers, catalogue });
    document.getElementById("world-meta").textContent = `World ${world.year}: ${world.actors.length} actors, ${world.institutions.length} institutions, ${world.relations} sourced relations · digest ${world.digest.slice(0, 10)}`;
    buildFilters();
    drawNetwork();
    buildLevers();
    const sel = document.getElementById("catalogue");
    sel.append(el("option", { value: "", text: "— custom (compose below) —" }));
    for (const sc of catalogue) sel.append(el("option", { value: sc.name, text: sc.title }));
    sel.addEventListener("change", () => pickCatalogue(sel.value));
    const details = await Promise.all(catalogue.map((sc) => api("/api/scenarios/" + sc.name)));
    for (const d of details) S.details[d.name] = d;
    sel.value = "status_quo";
    await pickCatalogue("status_quo");
    await Promise.all([loadClaims(), loadSources(), loadResults()]);
    document.body.dataset.ready = "1";
  } catch (e) {
    document.getElementById("world-meta").textContent = "Error: " + e.message;
  }
}
document.addEventListener("DOMContentLoaded", start);
