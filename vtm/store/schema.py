"""The tables, declared once, and what opening a database file does to them.

Each table group (`videos.py`, `jobs.py`, …) declares its `Table`s; `TABLES` lists them
all. Opening a file (`ensure`):

- creates the tables and sequences that are missing (a new file, or a table added by a
  newer version);
- adds the columns a table lacks (`ALTER TABLE … ADD COLUMN`): a column added after a
  table first shipped must be nullable or have a DEFAULT, since old rows get it too;
- rebuilds a table whose `CHECK (column IN (…))` lacks a value the code now uses (a new
  job kind): DuckDB cannot alter a CHECK, so the table is copied into a new one;
- creates the indexes a table lacks (declared in `Table.indexes`; a rebuilt table gets
  them again);
- writes nothing when the file is current, so VTM starts (and serves reads) on a full
  disk.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum

import duckdb

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # the mark in `meta`; upgrades are judged from the tables themselves


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, type with its constraints)
    constraints: tuple[str, ...] = ()
    sequences: tuple[str, ...] = ()
    checks: dict[str, type[Enum]] = field(default_factory=dict)  # column -> the values it may hold
    indexes: tuple[tuple[str, str], ...] = ()  # (index name, its columns): for the pages' filters

    def index_sql(self) -> list[str]:
        return [f"CREATE INDEX {name} ON {self.name} ({columns})" for name, columns in self.indexes]

    def create_sql(self, name: str | None = None) -> str:
        lines = [f"{column} {kind}{self._check(column)}" for column, kind in self.columns]
        return f"CREATE TABLE {name or self.name} (\n    " + ",\n    ".join([*lines, *self.constraints]) + "\n)"

    def _check(self, column: str) -> str:
        enum = self.checks.get(column)
        return f" CHECK ({column} IN ({values(enum)}))" if enum else ""


def values(enum: type[Enum]) -> str:
    return ", ".join(f"'{member.value}'" for member in enum)


META = Table("meta", (("key", "VARCHAR PRIMARY KEY"), ("value", "VARCHAR")))


def ensure(conn: duckdb.DuckDBPyConnection, tables: Iterable[Table]) -> None:
    """Bring the file up to the declared tables, in one transaction; write nothing when
    it already is."""
    conn.execute("BEGIN TRANSACTION")
    try:
        _ensure(conn, [META, *tables])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _ensure(conn: duckdb.DuckDBPyConnection, tables: list[Table]) -> None:
    present = {r[0] for r in conn.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    columns: dict[str, set[str]] = {}
    for table, column in conn.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall():
        columns.setdefault(table, set()).add(column)
    sequences = {r[0] for r in conn.execute("SELECT sequence_name FROM duckdb_sequences()").fetchall()}
    indexes = {r[0] for r in conn.execute("SELECT index_name FROM duckdb_indexes()").fetchall()}
    changes: list[str] = []
    for table in tables:
        for sequence in table.sequences:
            if sequence not in sequences:
                conn.execute(f"CREATE SEQUENCE {sequence} START 1")
                changes.append(f"sequence {sequence}")
        if table.name not in present:
            conn.execute(table.create_sql())
            for sql in table.index_sql():
                conn.execute(sql)
            changes.append(f"table {table.name}")
            continue
        for column, kind in table.columns:
            if column not in columns.get(table.name, set()):
                conn.execute(f"ALTER TABLE {table.name} ADD COLUMN {column} {kind}")
                changes.append(f"column {table.name}.{column}")
        if _checks_lag(conn, table):
            _rebuild(conn, table)
            changes.append(f"checks of {table.name}")
            indexes -= {name for name, _ in table.indexes}  # dropped with the old table
        for (name, _), sql in zip(table.indexes, table.index_sql(), strict=True):
            if name not in indexes:
                conn.execute(sql)
                changes.append(f"index {name}")
    mark = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if mark is None or mark[0] != str(SCHEMA_VERSION):
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
    if changes and present:  # not a new file: say what was upgraded
        log.info("database upgraded to schema %s: %s", SCHEMA_VERSION, ", ".join(changes))


def _checks_lag(conn: duckdb.DuckDBPyConnection, table: Table) -> bool:
    """True when a CHECK of the file lacks a value its enum now has."""
    if not table.checks:
        return False
    texts = [r[0] for r in conn.execute(
        "SELECT constraint_text FROM duckdb_constraints() WHERE table_name = ? AND constraint_type = 'CHECK'",
        [table.name]).fetchall()]
    for column, enum in table.checks.items():
        stored = next((t for t in texts if re.search(rf"\b{column}\b\s+IN\b", t)), None)
        if stored is not None and not {m.value for m in enum} <= set(re.findall(r"'([^']*)'", stored)):
            return True
    return False


def _rebuild(conn: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Copy `table` into a new one with the current checks (same columns, rows, ids)."""
    names = ", ".join(column for column, _ in table.columns)
    conn.execute(table.create_sql(f"{table.name}_rebuilt"))
    conn.execute(f"INSERT INTO {table.name}_rebuilt ({names}) SELECT {names} FROM {table.name}")
    conn.execute(f"DROP TABLE {table.name}")
    conn.execute(f"ALTER TABLE {table.name}_rebuilt RENAME TO {table.name}")
