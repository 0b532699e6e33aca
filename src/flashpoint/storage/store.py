"""The embedded DuckDB store.

Location: ``--db PATH`` on the CLI, else the environment variable
``FLASHPOINT_DB``, else ``flashpoint.duckdb`` in the per-user data directory
(:func:`platformdirs.user_data_dir`). The schema is versioned: the
``schema_version`` table records each applied version; :data:`MIGRATIONS`
maps a version to the SQL that brings the previous one up to it (version 1
is ``schema.sql``). Other modules add their own tables with
:meth:`Store.write_frame` or by appending a migration.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import duckdb
import pandas as pd
import platformdirs

from flashpoint.errors import StoreError

if TYPE_CHECKING:
    import pyarrow as pa

    from flashpoint.world.model import World

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "STORE_SUFFIXES", "Store", "check_store_path",
           "default_db_path"]


def one_line(text: str) -> str:
    """``text`` on one line (DuckDB messages span several)."""
    return " ".join(text.split())


def _schema_v1() -> str:
    return (resources.files("flashpoint.storage") / "schema.sql").read_text(encoding="utf-8")


def _schema_v2() -> str:
    return (resources.files("flashpoint.storage") / "schema_v2.sql").read_text(encoding="utf-8")


def _schema_v3() -> str:
    return (resources.files("flashpoint.storage") / "schema_v3.sql").read_text(encoding="utf-8")


def _schema_v4() -> str:
    return (resources.files("flashpoint.storage") / "schema_v4.sql").read_text(encoding="utf-8")


#: version -> SQL text (or a callable returning it) that upgrades from version - 1.
MIGRATIONS: dict[int, Callable[[], str]] = {1: _schema_v1, 2: _schema_v2, 3: _schema_v3,
                                            4: _schema_v4}
SCHEMA_VERSION = max(MIGRATIONS)
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
#: File names a new store may take (an existing file must be a DuckDB database whatever its name).
STORE_SUFFIXES = (".duckdb", ".db", ".ddb", "")
#: DuckDB's magic bytes, at offset 8 of every database file.
_MAGIC = b"DUCK"


def default_db_path() -> Path:
    """``$FLASHPOINT_DB`` or ``<user data dir>/flashpoint.duckdb``."""
    env = os.environ.get("FLASHPOINT_DB")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("flashpoint", appauthor=False)) / "flashpoint.duckdb"


def check_store_path(p: Path) -> None:
    """Refuse, with a clear :class:`StoreError`, a path that is not (or cannot become) a DuckDB file.

    DuckDB opens some other files (``notes.csv``, ``x.json``) as read-only
    in-memory views without an error, so a result "stored" there would be
    lost: an existing file must carry DuckDB's magic bytes, and a new one a
    store's suffix (:data:`STORE_SUFFIXES`).
    """
    if p.exists():
        if not p.is_file():
            kind = "a directory" if p.is_dir() else "not a regular file"
            raise StoreError(f"--db {p}: expected a DuckDB database file. Got {kind} instead.")
        try:
            with open(p, "rb") as f:
                head = f.read(12)
        except OSError as e:
            raise StoreError(f"--db {p}: cannot read the store: {e.strerror or e}.") from None
        if head[8:12] != _MAGIC:
            what = "an empty file" if not head else f"a {p.suffix or 'non-DuckDB'} file"
            raise StoreError(f"--db {p}: expected a DuckDB database file. Got {what} instead "
                             "(give a new .duckdb path, or the store written by flashpoint).")
        return
    if p.suffix.lower() not in STORE_SUFFIXES:
        raise StoreError(f"--db {p}: expected a DuckDB file name ending in .duckdb (or .db). "
                         f"Got {p.suffix!r} instead.")
    parent = p.parent
    if parent.exists() and not parent.is_dir():
        raise StoreError(f"--db {p}: {parent} is not a folder.")


class Store:
    """A DuckDB database holding world tables and, in later versions, results.

    Use :meth:`open` (creates the file and applies pending migrations) and
    close it, or use it as a context manager. Writers put each result in one
    :meth:`transaction`, so a reader never sees part of one, even after the
    writer was killed (DuckDB rolls back an uncommitted transaction on the
    next open). A store held by another process is refused at once
    (:meth:`open` does not wait), and :meth:`preflight` checks a path before
    the work that will be stored there.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.con = con
        self.path = path
        self._depth = 0

    @classmethod
    def open(cls, path: str | Path | None = None, *, read_only: bool = False) -> Store:
        """Open (and create or migrate) the store at ``path`` (default: :func:`default_db_path`)."""
        p = None if path == ":memory:" else Path(path) if path is not None else default_db_path()
        if p is not None:
            check_store_path(p)
        try:
            if p is not None and not read_only:
                p.parent.mkdir(parents=True, exist_ok=True)
            con = duckdb.connect(":memory:" if p is None else str(p), read_only=read_only)
        except duckdb.Error as e:
            msg = str(e)
            if "lock" in msg.lower():
                pid = re.search(r"PID (\d+)", msg)
                held = f" (PID {pid.group(1)})" if pid else ""
                raise StoreError(f"--db {p}: the store is in use by another process{held}; wait for "
                                 "it to finish, or give another --db.") from None
            raise StoreError(f"--db {p}: cannot open the store: {one_line(msg)}") from None
        except OSError as e:
            raise StoreError(f"--db {p}: cannot create the store: {e.strerror or e}.") from None
        store = cls(con, p)
        if not read_only:
            try:
                store.migrate()
            except duckdb.Error as e:
                con.close()
                raise StoreError(f"--db {p}: cannot migrate the store: {one_line(str(e))}") from None
        return store

    @classmethod
    def preflight(cls, path: str | Path | None = None) -> Path | None:
        """Check, before the work, that the store at ``path`` can be opened for writing; return its path.

        Raises :class:`StoreError` for a path that is not a DuckDB file, cannot
        be created, or is held by another process.
        """
        with cls.open(path) as st:
            return st.path

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Everything written inside is committed together, or not at all (re-entrant)."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.con.begin()
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.con.rollback()
            raise
        self._depth = 0
        try:
            self.con.commit()
        except duckdb.Error as e:
            raise StoreError(f"{self.path}: cannot commit: {one_line(str(e))}") from None

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    # ----------------------------------------------------------- schema
    @property
    def version(self) -> int:
        """The applied schema version (0 for an empty database)."""
        has = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not has or not has[0]:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def migrate(self) -> None:
        """Apply every migration above the stored version, in order."""
        v = self.version
        if v > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {v} is newer than this flashpoint "
                             f"({SCHEMA_VERSION}); upgrade flashpoint")
        for k in range(v + 1, SCHEMA_VERSION + 1):
            with self.transaction():  # a migration is applied whole, with its version row
                self.con.execute(MIGRATIONS[k]())
                self.con.execute("INSERT INTO schema_version VALUES (?, ?)",
                                 [k, datetime.now(UTC).replace(tzinfo=None)])

    # ----------------------------------------------------------- generic helpers
    def write_frame(self, table: str, df: pd.DataFrame | pa.Table, *, replace: bool = False) -> None:
        """Append ``df`` (a DataFrame or an Arrow table) to ``table`` (created from its
        columns if absent)."""
        if not _IDENT.match(table):
            raise StoreError(f"table {table!r}: expected a plain identifier")
        self.con.register("_fp_frame", df)
        try:
            if replace:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} AS SELECT * FROM _fp_frame LIMIT 0")
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _fp_frame")
        except duckdb.Error as e:
            raise StoreError(f"table {table!r}: cannot write: {e}") from None
        finally:
            self.con.unregister("_fp_frame")

    def read_frame(self, sql: str, params: list[object] | None = None) -> pd.DataFrame:
        """Run a query and return a DataFrame."""
        try:
            return self.con.execute(sql, params or []).df()
        except duckdb.Error as e:
            raise StoreError(f"query failed: {e}") from None

    def tables(self) -> list[str]:
        """Names of the tables in the store."""
        return sorted(r[0] for r in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall())

    # ----------------------------------------------------------- worlds
    def write_world(self, world: World) -> str:
        """Store a world (actors with provenance, relations, institutions, sources); return its digest.

        Writing the same world twice replaces it.
        """
        from flashpoint.world.provenance import sources

        dg = world.digest()
        for t in ("worlds", "world_actors", "world_relations", "world_institutions"):
            self.con.execute(f"DELETE FROM {t} WHERE digest = ?", [dg])
        self.con.execute("DELETE FROM sources")
        self.write_frame("sources", pd.DataFrame([asdict(s) for s in sources().values()]))
        self.write_frame("worlds", pd.DataFrame([{
            "digest": dg, "year": world.year, "n_actors": len(world.actors),
            "notes": "; ".join(world.notes), "created_at": datetime.now(UTC).replace(tzinfo=None),
        }]))
        rows = []
        for a in world.actors:
            for f, v in a.values().items():
                rows.append((dg, a.iso3, a.ccode, a.name, a.theatre, a.capital, f, v.value, v.source,
                             v.year, v.note, v.low, v.high))
        self.write_frame("world_actors", pd.DataFrame(rows, columns=[
            "digest", "iso3", "ccode", "name", "theatre", "capital", "field", "value", "source",
            "obs_year", "note", "low", "high"]))
        rel = world.relations_table()
        rel.insert(0, "digest", dg)
        self.write_frame("world_relations", rel)
        irows = []
        for i in world.institutions:
            common = (dg, i.id, i.name, i.obligation, ",".join(i.scope), i.decision_rule, i.citation)
            irows += [(*common, m, "member") for m in i.members_on(world.as_of)]
            irows += [(*common, m, "partner") for m in i.partners_on(world.as_of)]
        self.write_frame("world_institutions", pd.DataFrame(irows, columns=[
            "digest", "id", "name", "obligation", "scope", "decision_rule", "citation", "iso3", "role"]))
        return dg
