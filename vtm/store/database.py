"""The store's one DuckDB connection, kept usable through what a disk can do to it.

The other modules of `vtm.store` hold the SQL; this one holds the file. It takes the data folder's lock, opens the file (a damaged,
unreadable or foreign file is one typed error saying what to do), serialises writes
under one lock, and turns "no space left" into `DiskFull`. DuckDB refuses a database
whose checkpoint failed ("database has been invalidated") until it is opened again, so
the connection is dropped and reopened on next use: after space is freed VTM goes on
without a restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from vtm import disk
from vtm.errors import DataFolderError, StoreLocked, VtmError
from vtm.files.layout import lock_beside, unusable
from vtm.files.lock import hold

log = logging.getLogger(__name__)
BROKEN = (duckdb.FatalException, duckdb.ConnectionException)


class Database:
    def __init__(self, path: Path, init: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        self.path = Path(path)
        self._init = init
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lockfile = hold(lock_beside(self.path))
        except OSError as exc:
            raise unusable(self.path.parent, exc) from None
        self._lock = threading.RLock()
        self._local = threading.local()
        self._cursors: list[duckdb.DuckDBPyConnection] = []
        self._generation = 0
        self.changes = 0  # write transactions ended so far: what a read remembered is good until it moves
        self._closed = False
        try:
            self._conn: duckdb.DuckDBPyConnection | None = self._open()
        except BaseException:
            self._lockfile.close()
            raise

    def _open(self) -> duckdb.DuckDBPyConnection:
        try:
            conn = duckdb.connect(str(self.path))
            self._init(conn)
        except duckdb.Error as exc:
            raise self._unopenable(exc) from None
        return conn

    def _unopenable(self, exc: duckdb.Error) -> VtmError:
        text = str(exc).split("\n")[0]
        if disk.is_full(exc):
            return disk.full_error(self.path.parent, "so the database cannot be opened")
        if "Could not set lock" in text:
            return StoreLocked(f"The database {self.path} is open in another program ({text}); close it, or set "
                               "VTM_DATA_DIR to another folder.")
        if "Permission denied" in text:
            return DataFolderError(f"The database {self.path} cannot be read or written (Permission denied); give the "
                                   "user running VTM read and write access to it and to its folder.")
        if "Is a directory" in text:
            return DataFolderError(f"The database {self.path} is a folder, not a file; move that folder away.")
        return DataFolderError(
            f"The database {self.path} is damaged or not a VTM database ({text}). Restore it from a backup, or move "
            f"it aside (mv {self.path} {self.path}.damaged) and start again: uploads stay in the data folder, and "
            "`vtm doctor --repair` registers them again."
        )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._drop()
            self._lockfile.close()

    def _drop(self) -> None:
        for cursor in self._cursors:
            try:
                cursor.close()
            except duckdb.Error:
                pass
        self._cursors.clear()
        if self._conn is not None:
            try:
                self._conn.close()  # checkpoints: may fail on a full disk; the WAL keeps the changes
            except duckdb.Error as exc:
                log.warning("closing the database %s: %s", self.path, str(exc).split("\n")[0])
        self._conn = None

    @property
    def lock(self) -> threading.RLock:
        """The write lock (reentrant): the store holds it around a write to see it begin and end."""
        return self._lock

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, reopened when a fatal error dropped it."""
        if self._conn is None:
            if self._closed:
                raise DataFolderError(f"The database {self.path} is closed: VTM is stopping.")
            self._conn = self._open()
            self._generation += 1
            log.warning("database %s reopened", self.path)
        return self._conn

    def _failed(self, exc: duckdb.Error) -> BaseException:
        """What a database error means for the caller; a fatal one drops the connection."""
        if isinstance(exc, BROKEN) and not self._closed:
            log.warning("database %s: %s; it will be reopened", self.path, str(exc).split("\n")[0])
            self._drop()
        if disk.is_full(exc):
            return disk.full_error(self.path.parent, "so the database could not save the change")
        return exc

    def _thread_cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the open connection. Once made, it is used without the
        write lock: a read waits for no write (DuckDB gives it its own snapshot), and the
        page's reads under a busy queue waited for one most of the time. A cursor the
        connection's drop closed fails as BROKEN, and the read is tried again."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is not None and self._local.generation == self._generation and self._conn is not None:
            return cursor  # type: ignore[no-any-return]
        with self._lock:
            conn, generation = self._connection(), self._generation
            cursor = getattr(self._local, "cursor", None)
            if cursor is None or getattr(self._local, "generation", -1) != generation:
                cursor = conn.cursor()
                self._cursors.append(cursor)
                self._local.cursor, self._local.generation = cursor, generation
            return cursor

    def read(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Rows of one query, on this thread's cursor (reopened once after a fatal error)."""
        return self.read_with_columns(sql, params)[0]

    def read_with_columns(self, sql: str, params: list[Any] | None = None) -> tuple[list[tuple[Any, ...]], tuple[str, ...]]:
        """`read`, and the names of the result's columns."""
        for attempt in (1, 2):
            cursor = self._thread_cursor()
            try:
                result = cursor.execute(sql, params or [])
                return result.fetchall(), tuple(d[0] for d in (result.description or ()))
            except BROKEN as exc:
                with self._lock:
                    failure = self._failed(exc)
                if attempt == 2 or self._closed:
                    raise failure from None
        raise AssertionError("not reached")

    @contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """One transaction under the write lock; a commit that cannot be written changes nothing."""
        with self._lock:
            conn = self._connection()
            try:
                conn.execute("BEGIN TRANSACTION")
                try:
                    yield conn
                except BaseException:
                    _rollback(conn)
                    raise
                conn.execute("COMMIT")
            except duckdb.ConstraintException:
                raise
            except duckdb.Error as exc:
                raise self._failed(exc) from None
            finally:
                self.changes += 1  # after the commit: a read that starts later and sees the old count reads again


def _rollback(conn: duckdb.DuckDBPyConnection) -> None:
    try:
        conn.execute("ROLLBACK")
    except duckdb.Error:
        pass  # DuckDB already ended the transaction (a failed commit does)
