-- flashpoint DuckDB schema, version 4: results are written whole or not at all.
-- From this version every stored result (run --db, assess, web jobs; sweep chunks already)
-- is written in one transaction with its completion row (the `runs` row, written last), so a
-- killed writer leaves nothing visible. Earlier versions wrote the `runs` row first and could
-- leave it without metrics after a kill: remove those half-written results.
DELETE FROM run_params WHERE run_id IN (
    SELECT run_id FROM runs WHERE run_id NOT IN (SELECT DISTINCT run_id FROM run_metrics));
DELETE FROM runs WHERE run_id NOT IN (SELECT DISTINCT run_id FROM run_metrics);

-- Also in version 4: machine-readable claim verdicts (issue 12).
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
