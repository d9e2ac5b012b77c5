"""SQL of recipes (what to make when a video arrives) and where they were applied (issue 16)."""

from __future__ import annotations

import json
from typing import Any

from vtm.store.rows import Rows, now
from vtm.store.schema import Table

RECIPES = Table("recipes", (("target", "VARCHAR PRIMARY KEY"), ("outputs", "VARCHAR NOT NULL"),
                            ("updated_at", "TIMESTAMP NOT NULL")))
RECIPE_APPLIED = Table("recipe_applied", (("video_id", "BIGINT PRIMARY KEY"), ("target", "VARCHAR NOT NULL"),
                                          ("jobs", "VARCHAR NOT NULL"), ("applied_at", "TIMESTAMP NOT NULL")))


class RecipeRows(Rows):
    def save_recipe(self, target: str, outputs: list[dict[str, Any]]) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM recipes WHERE target = ?", [target])
            conn.execute("INSERT INTO recipes VALUES (?, ?, ?)", [target, json.dumps(outputs, sort_keys=True), now()])

    def load_recipe(self, target: str) -> list[dict[str, Any]] | None:
        rows = self._read("SELECT outputs FROM recipes WHERE target = ?", [target])
        return json.loads(rows[0][0]) if rows else None

    def list_recipes(self) -> dict[str, list[dict[str, Any]]]:
        return {r[0]: json.loads(r[1]) for r in self._read("SELECT target, outputs FROM recipes ORDER BY target")}

    def delete_recipe(self, target: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM recipes WHERE target = ?", [target])

    def mark_recipe_applied(self, video_id: int, target: str, job_ids: list[int]) -> bool:
        """Record that a recipe was applied to a video; False when it already was."""
        with self._write() as conn:
            row = conn.execute(
                "INSERT INTO recipe_applied VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING video_id",
                [video_id, target, json.dumps(job_ids), now()],
            ).fetchone()
        return row is not None

    def recipe_applied(self, video_id: int) -> bool:
        return bool(self._read("SELECT 1 FROM recipe_applied WHERE video_id = ?", [video_id]))
