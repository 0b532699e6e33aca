-- flashpoint DuckDB schema, version 3: resumable sweeps (flashpoint.distributed.sweep).
CREATE TABLE IF NOT EXISTS sweeps (
    sweep_id VARCHAR PRIMARY KEY,        -- content hash of the provenance below
    scenarios VARCHAR NOT NULL,          -- JSON: [{name, file_sha256, scenario_digest}, ...]
    world_digest VARCHAR NOT NULL,
    world_year INTEGER,
    seed BIGINT NOT NULL,
    runs INTEGER NOT NULL,
    years DOUBLE NOT NULL,
    dt DOUBLE NOT NULL,
    design VARCHAR NOT NULL,             -- 'latin_hypercube' or a sensitivity design description
    design_digest VARCHAR,
    code_version VARCHAR NOT NULL,
    chunk_size INTEGER NOT NULL,
    n_chunks INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS sweep_chunks (  -- one row per finished chunk, written with its data
    sweep_id VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    chunk INTEGER NOT NULL,
    run_start INTEGER NOT NULL,
    run_stop INTEGER NOT NULL,
    seconds DOUBLE,
    worker VARCHAR,
    finished_at TIMESTAMP NOT NULL,
    PRIMARY KEY (sweep_id, scenario, chunk)
);
CREATE TABLE IF NOT EXISTS sweep_metrics (
    sweep_id VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    dim VARCHAR NOT NULL,                -- '' or the metric's third dimension
    selector VARCHAR NOT NULL,           -- '' or a flashpoint / region / actor label
    pos INTEGER NOT NULL,                -- the label's position along dim (keeps the result's order)
    run INTEGER NOT NULL,
    time DOUBLE NOT NULL,
    value DOUBLE                         -- NaN kept (undefined labels), so results round-trip exactly
);
CREATE TABLE IF NOT EXISTS sweep_params (
    sweep_id VARCHAR NOT NULL,
    scenario VARCHAR NOT NULL,
    run INTEGER NOT NULL,
    name VARCHAR NOT NULL,               -- param__<name> or lever__<k>
    label VARCHAR,                       -- the lever's label, '' for parameters
    value DOUBLE NOT NULL
);
