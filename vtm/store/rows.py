"""What every table group of the store shares: the connection, reads and writes."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb

from vtm.store.database import Database
from vtm.store.tally import StatusTally

T = TypeVar("T")
MEMO_SIZE = 256


def now() -> datetime:
    """The time stamps VTM stores: UTC, without a zone (DuckDB's TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def like(text: str) -> str:
    """An ILIKE pattern (with `ESCAPE '\\'`) that finds `text` as typed: its % and _ are
    not wildcards."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def marks(values: list[Any] | tuple[Any, ...]) -> str:
    """`?, ?, ?` for an IN list of `values`."""
    return ", ".join("?" for _ in values)


def page(limit: int, offset: int) -> str:
    """`LIMIT n OFFSET m` written into the query: DuckDB plans a top-N (no sort of the
    whole table) only for a LIMIT it can read; as `?` the newest 50 of a million jobs
    took 7.8 ms instead of 4.5. Both are made ints here, so nothing else gets in."""
    return f"LIMIT {int(limit)} OFFSET {int(offset)}"


class Rows:
    """A table group's methods reach the one connection through these two."""

    _db: Database
    _memo: dict[Hashable, tuple[int, Any]]
    _tally: StatusTally

    def _read(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self._db.read(sql, params)

    def _remembered(self, key: Hashable, read: Callable[[], T]) -> T:
        """`read()`, kept until the next write to the database. The Jobs page and the
        sidebar ask the same questions every second, for every open tab; at 1,000,000
        jobs each asking scans the table (the counts: 4 ms, a page: 6 ms), though
        nothing changed since the last second on a quiet queue."""
        changes = self._db.changes  # before reading: a write meanwhile makes this entry old at once
        kept = self._memo.get(key)
        if kept is not None and kept[0] == changes:
            return kept[1]  # type: ignore[no-any-return]
        value = read()
        if len(self._memo) >= MEMO_SIZE:
            self._memo.clear()
        self._memo[key] = (changes, value)
        return value

    @contextmanager
    def _write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction (`Database.write`). The tally sees it begin and commit under the
        same lock, so the moves a write declares are counted once, by the write that made them."""
        with self._db.lock:
            before = self._db.changes
            self._tally.begin()
            with self._db.write() as conn:
                yield conn
            self._tally.committed(before)



