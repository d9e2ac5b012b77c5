"""Jobs per status, kept in memory and moved by the writes that move jobs.

The sidebar and the Jobs page ask for these counts every second, for every open tab. At
1,000,000 jobs a count scans the table (4 ms alone, 19–35 ms while the workers write
100 times a second), and every write made the remembered answer old. Here a write that
says what it does to the counts (`move`) keeps them true; a write that says nothing
makes them unknown, and the next question counts in the database again. So a new kind
of write can make the counts slower, never wrong.

Writes are serialised by the database's lock; `begin` and `committed` are called under
it, so the transaction that declares moves is the one that commits them. A count read
from the database is kept only if no write ended while it was read (`keep`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from vtm.models import JobStatus


class StatusTally:
    def __init__(self) -> None:
        self._counts: dict[JobStatus, int] | None = None
        self._at = -1  # the database's `changes` at which the counts are true
        self._moves: Counter[JobStatus] | None = None  # the open transaction's; None: it said nothing

    def counts(self, changes: int) -> dict[JobStatus, int] | None:
        """The counts when they are true at `changes` (the database's write count now)."""
        counts, at = self._counts, self._at
        return dict(counts) if counts is not None and at == changes else None

    def keep(self, changes: int, counts: Mapping[JobStatus, int]) -> None:
        """Counts read from the database when it had ended `changes` writes, and none since
        (the caller holds the write lock and checked)."""
        self._counts, self._at = dict(counts), changes

    def begin(self) -> None:
        self._moves = None

    def move(self, moves: Mapping[JobStatus, int] | None = None) -> None:
        """What the open transaction does to the counts (`{QUEUED: -1, RUNNING: 1}`);
        nothing (`move()`) for a write that leaves every job's status and existence alone."""
        if self._moves is None:
            self._moves = Counter()
        self._moves.update(moves or {})

    def committed(self, before: int) -> None:
        """The open transaction committed; the database had ended `before` writes when it began."""
        moves, self._moves = self._moves, None
        if moves is None or self._counts is None or self._at != before:
            self._counts = None
            return
        counts = dict(self._counts)
        for status, n in moves.items():
            counts[status] = counts.get(status, 0) + n
        if min(counts.values(), default=0) < 0:  # a move that was not what the write did: count again
            self._counts = None
            return
        self._counts, self._at = counts, before + 1
