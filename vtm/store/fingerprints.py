"""SQL of the frame fingerprints of videos (issue 16's near-duplicate finder)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vtm.store.rows import Rows, now
from vtm.store.schema import Table

if TYPE_CHECKING:
    from vtm.media.fingerprint import Fingerprint

FINGERPRINTS = Table(
    "fingerprints",
    (
        ("video_id", "BIGINT PRIMARY KEY"),
        ("every_s", "DOUBLE NOT NULL"),
        ("hashes", "BLOB NOT NULL"),
        ("flat", "BLOB NOT NULL"),
        ("created_at", "TIMESTAMP NOT NULL"),
    ),
)


class FingerprintRows(Rows):
    def save_fingerprint(self, video_id: int, fingerprint: Fingerprint) -> None:
        hashes, flat = fingerprint.to_blobs()
        with self._write() as conn:
            conn.execute("DELETE FROM fingerprints WHERE video_id = ?", [video_id])
            conn.execute("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?)", [video_id, fingerprint.every_s, hashes, flat, now()])

    def load_fingerprints(self) -> dict[int, Fingerprint]:
        """Every stored fingerprint of a video still in the library."""
        from vtm.media.fingerprint import Fingerprint

        rows = self._read("SELECT f.video_id, f.every_s, f.hashes, f.flat FROM fingerprints f JOIN videos v ON v.id = f.video_id")
        return {r[0]: Fingerprint.from_blobs(r[1], bytes(r[2]), bytes(r[3])) for r in rows}

    def delete_fingerprint(self, video_id: int) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM fingerprints WHERE video_id = ?", [video_id])
