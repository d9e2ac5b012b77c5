"""Use cases of the Insights page: the figures the store computes, and each written as
CSV or Parquet (by DuckDB, through a temporary file of the data folder) for a download;
the whole library too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from vtm import disk
from vtm.models import Figures, InsightFilter
from vtm.service.base import ServiceBase

FORMATS = ("csv", "parquet")


class Insights(ServiceBase):
    def figures(self, name: str, where: InsightFilter, unit: str = "hour") -> Figures:
        """One chart's numbers (names: `vtm.store.insights.FIGURES`)."""
        return self._store.figures(name, where, unit)

    def jobs_time_span(self) -> tuple[object, object]:
        return self._store.time_span()

    def figures_file(self, name: str, where: InsightFilter, unit: str, fmt: str) -> bytes:
        """One chart's numbers as a CSV or Parquet file's bytes."""
        return self._exported(lambda path: self._store.write_figures(name, where, unit, fmt, path))

    def library_file(self, fmt: str) -> bytes:
        """Every video of the library (all its columns) as a CSV or Parquet file's bytes."""
        return self._exported(lambda path: self._store.write_library(fmt, path))

    def _exported(self, writer: Callable[[Path], None]) -> bytes:
        path = self._data.export_part()
        try:
            with disk.full_as_error(self._data.tmp, "while writing the export"):
                self._data.tmp.mkdir(parents=True, exist_ok=True)
                writer(path)
            return path.read_bytes()
        finally:
            path.unlink(missing_ok=True)
