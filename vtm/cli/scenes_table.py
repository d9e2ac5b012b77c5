"""`vtm scenes`: the scenes of each file on stdout, as a table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any


def print_scenes(results: list[tuple[Path, list[dict[str, Any]]]], fmt: str) -> None:
    out = sys.stdout
    if fmt == "json":
        json.dump([{"file": str(path), "scenes": rows} for path, rows in results], out, indent=2)
        out.write("\n")
        return
    if fmt == "csv":
        fields = ["file", "scene", "start_s", "end_s", "start", "end", "duration_s", "start_frame", "end_frame",
                  "transition", "fade_start_s", "fade_end_s"]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for path, rows in results:
            writer.writerows({"file": str(path), **row} for row in rows)
        return
    for path, rows in results:
        out.write(f"{path}: {len(rows)} scene(s)\n")
        for row in rows:
            how = row.get("transition") or ""
            if how == "fade":
                how = f"fade {row['fade_start_s']:.3f}-{row['fade_end_s']:.3f} s"
            out.write(f"  {row['scene']:>4}  {row['start']:>12} - {row['end']:<12} {row['duration_s']:>8.3f} s"
                      f"  frames {row['start_frame']}-{row['end_frame']}  {how}".rstrip() + "\n")
