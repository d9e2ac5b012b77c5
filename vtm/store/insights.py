"""SQL of the Insights page: what the library holds and how the queue has worked, each
figure one aggregate query over `videos` or `jobs` (a scan of a million jobs takes
milliseconds in DuckDB), and each one written as CSV or Parquet by DuckDB's COPY.

Every job figure counts the jobs the filter picks (requested in the date range, of the
kinds chosen). Times are in seconds: a job's duration is `finished_at - started_at` of
COMPLETED jobs (its last attempt), its queue wait `started_at - created_at` (a retry
starts the wait again).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from vtm.errors import InvalidInput
from vtm.models import Figures, InsightFilter
from vtm.store.rows import Rows, marks
from vtm.store.videos import VIDEO_COLUMNS

Query = tuple[str, list[Any]]

RESOLUTION = """CASE
    WHEN least(width, height) <= 240 THEN '240p or less' WHEN least(width, height) <= 360 THEN '360p'
    WHEN least(width, height) <= 480 THEN '480p' WHEN least(width, height) <= 720 THEN '720p'
    WHEN least(width, height) <= 1080 THEN '1080p' WHEN least(width, height) <= 1440 THEN '1440p'
    WHEN least(width, height) <= 2160 THEN '2160p (4K)' ELSE 'over 4K' END"""
RESOLUTION_RANK = """CASE WHEN least(width, height) <= 240 THEN 1 WHEN least(width, height) <= 360 THEN 2
    WHEN least(width, height) <= 480 THEN 3 WHEN least(width, height) <= 720 THEN 4 WHEN least(width, height) <= 1080 THEN 5
    WHEN least(width, height) <= 1440 THEN 6 WHEN least(width, height) <= 2160 THEN 7 ELSE 8 END"""
# (upper bound, label): a value falls in the first bucket whose bound it does not reach
DURATIONS = ((10, "under 10 s"), (60, "10 s – 1 min"), (300, "1–5 min"), (1800, "5–30 min"), (7200, "30 min – 2 h"),
             (None, "2 h or more"))
MB = 1024 * 1024
SIZES = ((10 * MB, "under 10 MB"), (100 * MB, "10–100 MB"), (1024 * MB, "100 MB – 1 GB"), (10240 * MB, "1–10 GB"),
         (None, "10 GB or more"))
UNITS = ("minute", "hour", "day")
# One sort per group for the three (a list of quantiles), then its items as columns.
PERCENTILES = ("count(*) AS jobs, round(quantile_cont(s, [0.5, 0.9, 0.99])[1], 3) AS p50_s, "
               "round(quantile_cont(s, [0.5, 0.9, 0.99])[2], 3) AS p90_s, "
               "round(quantile_cont(s, [0.5, 0.9, 0.99])[3], 3) AS p99_s, round(max(s), 3) AS max_s")


def buckets(column: str, bounds: tuple[tuple[int | None, str], ...], missing: str) -> tuple[str, str]:
    """(label, rank) SQL expressions that put `column` into `bounds`."""
    label = " ".join(f"WHEN {column} < {b} THEN '{t}'" for b, t in bounds if b is not None)
    rank = " ".join(f"WHEN {column} < {b} THEN {i + 1}" for i, (b, _) in enumerate(bounds) if b is not None)
    last = bounds[-1][1]
    return (f"CASE WHEN {column} IS NULL THEN '{missing}' {label} ELSE '{last}' END",
            f"CASE WHEN {column} IS NULL THEN {len(bounds) + 1} {rank} ELSE {len(bounds)} END")


def _composition(label: str, rank: str) -> Callable[[InsightFilter], Query]:
    return lambda _: (f"SELECT {label} AS bucket, count(*) AS videos, sum(size) AS bytes FROM videos "
                      f"GROUP BY bucket, {rank} ORDER BY {rank}, bucket", [])


def _counted(column: str) -> Callable[[InsightFilter], Query]:
    return lambda _: (f"SELECT coalesce({column}, 'unknown') AS {column}, count(*) AS videos, sum(size) AS bytes "
                      f"FROM videos GROUP BY 1 ORDER BY videos DESC, 1", [])


def picked(where: InsightFilter) -> Query:
    """The filter as SQL over `jobs j`."""
    parts: list[str] = ["1=1"]
    args: list[Any] = []
    if where.start is not None:
        parts.append("j.created_at >= ?")
        args.append(where.start)
    if where.end is not None:
        parts.append("j.created_at < ?")
        args.append(where.end)
    if where.kinds:
        parts.append(f"j.kind IN ({marks(where.kinds)})")
        args += [k.value for k in where.kinds]
    return " AND ".join(parts), args


def throughput(where: InsightFilter, unit: str) -> Query:
    if unit not in UNITS:
        raise InvalidInput(f"unit={unit!r}: use one of {', '.join(UNITS)}.")
    sql, args = picked(where)
    return (f"SELECT date_trunc('{unit}', j.finished_at) AS finished, j.status, count(*) AS jobs FROM jobs j "
            f"WHERE {sql} AND j.status IN ('COMPLETED', 'FAILED') AND j.finished_at IS NOT NULL "
            "GROUP BY ALL ORDER BY finished, j.status", args)


def durations_by_kind(where: InsightFilter) -> Query:
    return _seconds_by_kind(where, "j.finished_at - j.started_at",
                            "j.status = 'COMPLETED' AND j.started_at IS NOT NULL AND j.finished_at IS NOT NULL")


def durations_by_size(where: InsightFilter) -> Query:
    sql, args = picked(where)
    label, rank = buckets("v.size", SIZES, "unknown")
    return (f"SELECT video_size, {PERCENTILES} FROM (SELECT {label} AS video_size, {rank} AS rank, "
            "epoch(j.finished_at - j.started_at) AS s FROM jobs j JOIN videos v ON v.id = j.video_id "
            f"WHERE {sql} AND j.status = 'COMPLETED' AND j.started_at IS NOT NULL AND j.finished_at IS NOT NULL) "
            "GROUP BY video_size, rank ORDER BY rank", args)


def queue_waits(where: InsightFilter) -> Query:
    return _seconds_by_kind(where, "j.started_at - j.created_at", "j.started_at IS NOT NULL AND j.started_at >= j.created_at")


def _seconds_by_kind(where: InsightFilter, interval: str, condition: str) -> Query:
    """The percentiles per kind of `interval` (in seconds) over the picked jobs that meet `condition`."""
    sql, args = picked(where)
    return (f"SELECT j.kind, {PERCENTILES} FROM (SELECT j.kind, epoch({interval}) AS s FROM jobs j "
            f"WHERE {sql} AND {condition}) j GROUP BY j.kind ORDER BY j.kind", args)


def failures(where: InsightFilter) -> Query:
    """FAILED jobs by reason: the error's first line, numbers written as N, so that
    "job 12 …" and "job 13 …" are one reason; with one example as it was written."""
    sql, args = picked(where)
    reason = r"left(regexp_replace(split_part(coalesce(j.error, 'no message'), chr(10), 1), '[0-9]+(\.[0-9]+)?', 'N', 'g'), 160)"
    return (f"SELECT {reason} AS reason, count(*) AS jobs, min(j.error) AS example FROM jobs j "
            f"WHERE {sql} AND j.status = 'FAILED' GROUP BY reason ORDER BY jobs DESC, reason LIMIT 20", args)


DURATION_LABEL, DURATION_RANK = buckets("duration", DURATIONS, "unknown")
SIZE_LABEL, SIZE_RANK = buckets("size", SIZES, "unknown")
LIBRARY: dict[str, Callable[[InsightFilter], Query]] = {
    "codecs": _counted("codec"),
    "containers": _counted("container"),
    "resolutions": _composition(RESOLUTION, RESOLUTION_RANK),
    "durations": _composition(DURATION_LABEL, DURATION_RANK),
    "sizes": _composition(SIZE_LABEL, SIZE_RANK),
}
JOBS: dict[str, Callable[[InsightFilter], Query]] = {
    "durations_by_kind": durations_by_kind,
    "durations_by_size": durations_by_size,
    "queue_waits": queue_waits,
    "failures": failures,
}
FIGURES = (*LIBRARY, "throughput", *JOBS)
FORMATS = {"csv": "(FORMAT CSV, HEADER)", "parquet": "(FORMAT PARQUET)"}


def query(name: str, where: InsightFilter, unit: str = "hour") -> Query:
    if name == "throughput":
        return throughput(where, unit)
    build = LIBRARY.get(name) or JOBS.get(name)
    if build is None:
        raise InvalidInput(f"No figure named {name!r}; use one of {', '.join(FIGURES)}.")
    return build(where)


class InsightRows(Rows):
    def figures(self, name: str, where: InsightFilter, unit: str = "hour") -> Figures:
        """One figure's rows; asked again before any write, from memory (the Insights
        page's ten queries over 1,000,000 jobs take ~0.15 s of DuckDB when alone)."""
        sql, args = query(name, where, unit)

        def read() -> Figures:
            cursor_rows, columns = self._db.read_with_columns(sql, args)
            return Figures(columns, cursor_rows)

        return self._remembered(("figures", sql, tuple(args)), read)

    def time_span(self) -> tuple[Any, Any]:
        """The first and last time a job was requested (None, None without jobs)."""
        row = self._remembered("time_span", lambda: self._read("SELECT min(created_at), max(created_at) FROM jobs")[0])
        return row[0], row[1]

    def write_figures(self, name: str, where: InsightFilter, unit: str, fmt: str, path: Path) -> None:
        """One figure's table written to `path` as CSV or Parquet by DuckDB."""
        self._copy(*query(name, where, unit), fmt, path)

    def write_library(self, fmt: str, path: Path) -> None:
        """Every video's row (all its columns) written to `path` as CSV or Parquet."""
        self._copy(f"SELECT {VIDEO_COLUMNS} FROM videos ORDER BY id", [], fmt, path)

    def _copy(self, sql: str, args: list[Any], fmt: str, path: Path) -> None:
        if fmt not in FORMATS:
            raise InvalidInput(f"format={fmt!r}: use csv or parquet.")
        if fmt == "csv":
            sql = self._defused(sql, args)
        target = str(path).replace("'", "''")
        self._read(f"COPY ({sql}) TO '{target}' {FORMATS[fmt]}", args)

    def _defused(self, sql: str, args: list[Any]) -> str:
        """`sql` with every text a spreadsheet would run as a formula (a file named
        `=HYPERLINK(…).mp4`: starting with = + - @, a tab or a return) prefixed with `'`,
        as OWASP advises for CSV exports. Parquet keeps the text as it is."""
        columns = [(r[0], r[1]) for r in self._read(f"DESCRIBE {sql}", args)]
        shown = ", ".join(_defuse(name) if kind == "VARCHAR" else f'"{name}"' for name, kind in columns)
        return f"SELECT {shown} FROM ({sql})"


def _defuse(column: str) -> str:
    quoted = f'"{column}"'
    return (f"CASE WHEN regexp_matches({quoted}, '^[=+@\\t\\r-]') THEN '''' || {quoted} ELSE {quoted} END "
            f"AS {quoted}")
