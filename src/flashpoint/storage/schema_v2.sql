-- flashpoint DuckDB schema, version 2: ensemble results with their provenance.
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY,          -- content hash of the provenance below
    scenario VARCHAR NOT NULL,
    scenario_digest VARCHAR,
    world_digest VARCHAR NOT NULL,
    world_year INTEGER,
    seed BIGINT NOT NULL,
    runs INTEGER NOT NULL,
    years DOUBLE NOT NULL,
    dt DOUBLE NOT NULL,
    design VARCHAR NOT NULL,
    mechanisms VARCHAR,
    variants VARCHAR,
    code_version VARCHAR NOT NULL,
    chunking VARCHAR,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS run_metrics (
    run_id VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    selector VARCHAR NOT NULL,           -- '' or a flashpoint / region / actor label
    run INTEGER NOT NULL,
    time DOUBLE NOT NULL,
    value DOUBLE
);
CREATE TABLE IF NOT EXISTS run_params (
    run_id VARCHAR NOT NULL,
    run INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    value DOUBLE NOT NULL
);
