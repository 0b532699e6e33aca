-- flashpoint DuckDB schema, version 1. Later versions add migrations in store.py.
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
    id VARCHAR PRIMARY KEY, name VARCHAR, version VARCHAR, origin VARCHAR, licence VARCHAR, citation VARCHAR
);
CREATE TABLE IF NOT EXISTS worlds (
    digest VARCHAR PRIMARY KEY, year INTEGER NOT NULL, n_actors INTEGER NOT NULL,
    notes VARCHAR, created_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS world_actors (
    digest VARCHAR NOT NULL, iso3 VARCHAR NOT NULL, ccode INTEGER, name VARCHAR, theatre VARCHAR,
    capital VARCHAR, field VARCHAR NOT NULL, value DOUBLE, source VARCHAR, obs_year INTEGER,
    note VARCHAR, low DOUBLE, high DOUBLE
);
CREATE TABLE IF NOT EXISTS world_relations (
    digest VARCHAR NOT NULL, a VARCHAR NOT NULL, b VARCHAR NOT NULL, kind VARCHAR NOT NULL,
    source VARCHAR, year INTEGER, note VARCHAR
);
CREATE TABLE IF NOT EXISTS world_institutions (
    digest VARCHAR NOT NULL, id VARCHAR NOT NULL, name VARCHAR, obligation VARCHAR, scope VARCHAR,
    decision_rule VARCHAR, citation VARCHAR, iso3 VARCHAR, role VARCHAR
);
