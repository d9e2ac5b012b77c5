"""SQL of the frame fingerprints of videos and of the duplicate pairs found among them
(issue 16's near-duplicate finder). Pairs are found when a video's fingerprint is
saved (against every other one), so listing them is a read."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from vtm.store.rows import Rows, now
from vtm.store.schema import Table

if TYPE_CHECKING:
    from vtm.duplicates import Duplicate
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

DUPLICATE_PAIRS = Table(
    "duplicate_pairs",
    (
        ("video_a", "BIGINT NOT NULL"),
        ("video_b", "BIGINT NOT NULL"),
        ("similarity", "DOUBLE NOT NULL"),
        ("mirrored", "BOOLEAN NOT NULL"),
        ("ranges", "VARCHAR NOT NULL"),
        ("found_at", "TIMESTAMP NOT NULL"),
    ),
    constraints=("PRIMARY KEY (video_a, video_b)",),
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
            conn.execute("DELETE FROM duplicate_pairs WHERE video_a = ? OR video_b = ?", [video_id, video_id])

    def videos_without_fingerprint(self) -> list[int]:
        """Videos (whose file is not missing) still to fingerprint."""
        return [r[0] for r in self._read(
            "SELECT v.id FROM videos v LEFT JOIN fingerprints f ON f.video_id = v.id "
            "WHERE f.video_id IS NULL AND NOT coalesce(v.missing, false) ORDER BY v.id")]

    def save_fingerprint_and_pairs(self, video_id: int, fingerprint: Fingerprint, pairs: list[Duplicate]) -> bool:
        """A video's fingerprint and the pairs it forms, in one transaction; False (and
        nothing written) when the video, or the other video of a pair, is gone."""
        hashes, flat = fingerprint.to_blobs()
        stamp = now()
        with self._write() as conn:
            ids = {video_id} | {p.video_a for p in pairs} | {p.video_b for p in pairs}
            found = conn.execute(f"SELECT count(*) FROM videos WHERE id IN ({', '.join('?' for _ in ids)})", list(ids)).fetchone()
            if found is None or found[0] != len(ids):
                return False
            conn.execute("DELETE FROM fingerprints WHERE video_id = ?", [video_id])
            conn.execute("INSERT INTO fingerprints VALUES (?, ?, ?, ?, ?)", [video_id, fingerprint.every_s, hashes, flat, stamp])
            conn.execute("DELETE FROM duplicate_pairs WHERE video_a = ? OR video_b = ?", [video_id, video_id])
            for p in pairs:
                conn.execute("INSERT INTO duplicate_pairs VALUES (?, ?, ?, ?, ?, ?)",
                             [p.video_a, p.video_b, p.similarity, p.mirrored, json.dumps([r.to_dict() for r in p.ranges]), stamp])
        return True

    def list_duplicate_pairs(self, min_similarity: float = 0.0, video_id: int | None = None) -> list[dict[str, Any]]:
        """Stored pairs, most similar first: {"video_a", "video_b", "similarity", "mirrored", "ranges"}."""
        where, args = ["d.similarity >= ?"], [min_similarity]
        if video_id is not None:
            where.append("(d.video_a = ? OR d.video_b = ?)")
            args += [video_id, video_id]
        rows = self._read(
            "SELECT d.video_a, d.video_b, d.similarity, d.mirrored, d.ranges FROM duplicate_pairs d "
            "JOIN videos a ON a.id = d.video_a JOIN videos b ON b.id = d.video_b "
            f"WHERE {' AND '.join(where)} ORDER BY d.similarity DESC, d.video_a, d.video_b", args)
        return [{"video_a": r[0], "video_b": r[1], "similarity": r[2], "mirrored": r[3], "ranges": json.loads(r[4])}
                for r in rows]
