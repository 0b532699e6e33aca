"""flashpoint.storage: the embedded DuckDB store (world tables; later, results)."""

from flashpoint.storage.store import SCHEMA_VERSION, Store, default_db_path

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path"]
