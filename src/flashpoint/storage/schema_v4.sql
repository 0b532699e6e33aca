-- flashpoint DuckDB schema, version 4: results are written whole or not at all.
-- From this version every stored result (run --db, assess, web jobs; sweep chunks already)
-- is written in one transaction with its completion row (the `runs` row, written last), so a
-- killed writer leaves nothing visible. Earlier versions wrote the `runs` row first and could
-- leave it without metrics after a kill: remove those half-written results.
DELETE FROM run_params WHERE run_id IN (
    SELECT run_id FROM runs WHERE run_id NOT IN (SELECT DISTINCT run_id FROM run_metrics));
DELETE FROM runs WHERE run_id NOT IN (SELECT DISTINCT run_id FROM run_metrics);
