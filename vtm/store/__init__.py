"""The store: every SQL statement of VTM, on one DuckDB connection held by this process.

    database.py      the file: the folder lock, opening, one write lock, disk full
    schema.py        tables declared once; creating and upgrading a file on open
    rows.py          what the table groups share
    tally.py         jobs per status in memory, moved by the writes that move jobs
    videos.py        videos                      jobs.py        jobs and their statuses
    webhooks.py      webhooks, deliveries        recipes.py     recipes, where applied
    watched.py       watch folders, their files  fingerprints.py  frame hashes, duplicate pairs
    browse.py        pages of videos and jobs    insights.py    the Insights page's figures

`Store` is all the table groups on one connection: one class, one module per group of
tables. Reads go through a per-thread cursor (DuckDB's MVCC gives each a consistent
view); writes take the lock on the one connection, which avoids DuckDB's "Conflict on
update" between threads. A commit that cannot be written (a full disk) raises
`DiskFull` and changes nothing. `duckdb` is imported only in this package.

A new table group: a module with its `Table`s and a `Rows` subclass, its tables in
`TABLES` and its class among `Store`'s bases. A new column: add it to its `Table` as
nullable or with a DEFAULT; files of older versions get it when they are opened.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from vtm.store import schema
from vtm.store.browse import BrowseRows
from vtm.store.database import Database
from vtm.store.fingerprints import DUPLICATE_PAIRS, FINGERPRINTS, FingerprintRows
from vtm.store.insights import InsightRows
from vtm.store.jobs import JOBS, JobListener, JobRows, canonical
from vtm.store.recipes import RECIPE_APPLIED, RECIPES, RecipeRows
from vtm.store.rows import now
from vtm.store.tally import StatusTally
from vtm.store.videos import VIDEOS, VideoRows
from vtm.store.watched import WATCH_FOLDERS, WATCHED_FILES, WatchedRows
from vtm.store.webhooks import DELIVERIES, WEBHOOKS, WebhookRows

TABLES = (VIDEOS, JOBS, WEBHOOKS, DELIVERIES, FINGERPRINTS, DUPLICATE_PAIRS, RECIPES, RECIPE_APPLIED, WATCHED_FILES,
          WATCH_FOLDERS)

__all__ = ["TABLES", "Store", "canonical", "now"]


class Store(BrowseRows, VideoRows, JobRows, WebhookRows, FingerprintRows, RecipeRows, WatchedRows, InsightRows):
    """The DuckDB file of one data folder, held by this process alone."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = Database(self.path, _open)
        self._listeners: list[JobListener] = []
        self._unsaved: dict[int, tuple[str, str | None, datetime]] = {}
        self._memo: dict[Hashable, tuple[int, Any]] = {}
        self._tally = StatusTally()

    def close(self) -> None:
        self._db.close()


def _open(conn: duckdb.DuckDBPyConnection) -> None:
    schema.ensure(conn, TABLES)
