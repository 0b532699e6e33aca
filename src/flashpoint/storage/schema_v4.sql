-- flashpoint DuckDB schema, version 4: machine-readable claim verdicts (issue 12).
-- One row per claim and assessment; effects, thresholds and spreads are in the
-- claim's display unit (`unit`, from flashpoint.metrics). `record` holds the whole
-- JSON record of flashpoint.claims.Verdict.record() (per_mechanism included).
CREATE TABLE IF NOT EXISTS claim_verdicts (
    assessment VARCHAR NOT NULL,
    id VARCHAR NOT NULL,
    side VARCHAR NOT NULL,            -- sceptic | proponent
    scenario VARCHAR NOT NULL,
    baseline VARCHAR,                 -- NULL for above / below claims
    metric VARCHAR NOT NULL,
    unit VARCHAR NOT NULL,
    verdict VARCHAR NOT NULL,         -- robustly holds ... robustly fails, no material effect, theory-decided
    pooled_verdict VARCHAR NOT NULL,
    share DOUBLE,
    ci_low DOUBLE,
    ci_high DOUBLE,
    no_effect_share DOUBLE,
    effect_median DOUBLE,
    effect_p05 DOUBLE,
    effect_p95 DOUBLE,
    baseline_p05 DOUBLE,
    baseline_p50 DOUBLE,
    baseline_p95 DOUBLE,
    threshold DOUBLE,
    threshold_source VARCHAR,
    audit VARCHAR,                    -- emergent | input-determined | identity (NULL: not audited)
    audit_detail VARCHAR,
    runs INTEGER NOT NULL,
    per_theory VARCHAR,               -- JSON: {package: {verdict, share, effect, runs, weight}}
    record VARCHAR NOT NULL,          -- JSON: the whole record
    PRIMARY KEY (assessment, id)
);
