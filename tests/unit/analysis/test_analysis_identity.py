"""The analysis layer's output is frozen: verdicts, audit, comparison, attribution, scorecard.

The NumPy rewrite of the analysis layer (issue 17) must give IDENTICAL results to the
xarray code it replaced. ``data/analysis_identity.json`` holds the output of that
earlier code on a small assessment (24 runs, four scenarios besides the baseline, a
dozen claims, the construction audit); this test recomputes it and compares every
field exactly (floats bit for bit, through their shortest repr).

The frozen output depends on the simulations too, so the test first checks a
fingerprint of the simulated results: the same fingerprint, and every field must be
identical; another one (the BLAS of another CPU rounds alignment's matrix products
differently, or the engine was edited), and every number must agree within 1e-7
relative and every string exactly. Regenerate the fixture with
``python tests/unit/analysis/test_analysis_identity.py`` ONLY from code whose analysis
output is known to be right.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

FIXTURE = Path(__file__).parent / "data" / "analysis_identity.json"
RUNS = 24
SCENARIOS = ("nato_ip4_partnership", "technical_cooperation", "chinese_coercion",
             "taiwan_invasion")
#: Covers every direction, a relative scale, a dyadic selector over a list of labels,
#: level claims, a baseline other than the status quo and each statistic.
CLAIMS = (
    "engagement_no_benefit_for_europe", "engagement_turns_china_against_europe",
    "low_profile_calms_china", "interlinking_worsens_spirals", "taiwan_war_gdp_loss_bounded",
    "nato_would_not_deter_korea", "lithuania_defies_coercion",
)


def _plain(x: Any) -> Any:
    """JSON-ready, with non-finite floats as strings so they compare exactly too."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_plain(v) for v in x.tolist()]
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, float | np.floating):
        f = float(x)
        return f if math.isfinite(f) else repr(f)
    return x


def fingerprint(results: dict[str, xr.Dataset]) -> str:
    """SHA-256 of every simulated array (data variables and coordinates)."""
    h = hashlib.sha256()
    for name in sorted(results):
        ds = results[name]
        for var in sorted(str(k) for k in ds.variables):
            v = np.ascontiguousarray(ds.variables[var].values)
            h.update(f"{name}/{var}/{v.dtype}/{v.shape}".encode())
            h.update(v.tobytes() if v.dtype.kind != "U" else "|".join(v.ravel().tolist()).encode())
    return h.hexdigest()


def compute() -> dict[str, Any]:
    """The assessment and everything the analysis layer makes of it."""
    from flashpoint import kernels
    from flashpoint.analysis.assess import assess, claim_records
    from flashpoint.analysis.scorecard import scorecard
    from flashpoint.claims import load_claims

    catalogue = load_claims()
    nato = [c.id for c in catalogue if c.scenario == "nato_ip4_partnership"
            and c.id not in CLAIMS][:5]
    chosen = {*CLAIMS, *nato, *(c.id for c in catalogue if c.scenario in SCENARIOS[1:])}
    claims = [c for c in catalogue if c.id in chosen]
    with kernels.use("numpy"):
        a = assess(None, runs=RUNS, years=10, seed=0, scenarios=list(SCENARIOS), claims=claims)
    verdicts = {}
    for cid, v in a.verdicts.items():
        m = v.margins
        verdicts[cid] = {
            "summary": v.summary(), "margins": m.values, "margin_name": m.name,
            "margin_attrs": dict(m.attrs), "margin_coords": [str(c) for c in m.coords],
            "margin_dims": list(m.dims), "holding": v.holding.values,
            "per_theory": {k: t.record() for k, t in v.per_theory.items()},
        }
    return _plain({
        "fingerprint": fingerprint(a.results),
        "claims": [c.id for c in a.claims],
        "records": claim_records(a),
        "skipped": a.skipped,
        "verdicts": verdicts,
        "audits": {cid: r.record() for cid, r in a.audits.items()},
        "comparison": {"columns": list(a.comparison.columns),
                       "rows": a.comparison.to_dict("records")},
        "attribution": {"columns": list(a.attribution.columns),
                        "rows": a.attribution.to_dict("records")},
        "scorecard": scorecard(a),
        "verdict_table": a.verdict_table().to_dict("records"),
    })


def _diff(a: Any, b: Any, path: str = "", rtol: float = 0.0) -> list[str]:
    """Where ``a`` and ``b`` differ; floats exactly, or within ``rtol`` (relative, with
    an absolute floor of ``rtol`` times 1e-3) when it is given."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [f"{path}: keys {sorted(set(a) ^ set(b))}"] if set(a) != set(b) else []
        if list(a) != list(b) and not out:
            out.append(f"{path}: key order {list(a)} != {list(b)}")
        for k in a:
            if k in b:
                out += _diff(a[k], b[k], f"{path}.{k}", rtol)
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _diff(x, y, f"{path}[{i}]", rtol)]
    if rtol and isinstance(a, float) and isinstance(b, float):
        if (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=rtol,
                                                              abs_tol=rtol * 1e-3):
            return []
    if type(a) is not type(b) or a != b:
        return [f"{path}: {a!r} != {b!r}"]
    return []


@pytest.mark.slow
def test_analysis_output_is_identical_to_the_frozen_output() -> None:
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(compute()))
    if got["fingerprint"] == expected["fingerprint"]:
        diffs = _diff(expected, got)  # the same simulations: the same output, bit for bit
    else:
        # Other simulated bits: another machine's BLAS (its kernels round the products of
        # the alignment mechanism differently, by about 1e-15) or an edited engine. The
        # analysis of simulations that close must agree closely; an engine that changed
        # more than rounding fails here, and then the fixture is regenerated (see above).
        expected.pop("fingerprint")
        got.pop("fingerprint")
        diffs = _diff(expected, got, rtol=1e-7)
    assert not diffs, "\n".join(diffs[:40])
    assert expected["records"] and expected["audits"] and expected["comparison"]["rows"]
    assert expected["attribution"]["rows"] and expected["scorecard"]


if __name__ == "__main__":
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(compute(), indent=None, sort_keys=False) + "\n",
                       encoding="utf-8")
    print(f"wrote {FIXTURE} ({FIXTURE.stat().st_size} bytes)")
