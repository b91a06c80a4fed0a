"""The embedded engine: DuckDB reads the snapshot files directly and runs the plan out of core.

Memory is bounded by ``memory_limit`` (DuckDB's buffer pool, default 2 GB) plus the resolver's
registry and one batch of strings in Python; everything bigger (the filtered works, the exploded
affiliations, joins, sorts) spills to a scratch database and temp directory on disk.
"""

from __future__ import annotations

import multiprocessing
import tempfile
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from collabatlas.errors import InputError
from collabatlas.resolve.many import workers as resolver_workers
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.scale.plan import (
    COUNTRY_SET_SCHEMA,
    COUNTRY_SETS,
    NO_SOURCE,
    RESOLUTION_SCHEMA,
    RESOLUTIONS,
    WORK_COUNTRIES,
    ScaleResult,
    resolve_arrow,
    worker_registry,
)
from collabatlas.scale.snapshot import Snapshot, WorkFilter, duckdb_columns

BATCH_SIZE = 5_000


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def reader_sql(snapshot: Snapshot) -> str:
    """The table function that reads the snapshot's works files."""
    hive = "true" if snapshot.partitioned else "false"
    if snapshot.format == "parquet":
        return f"read_parquet({_literal(snapshot.pattern)}, hive_partitioning={hive})"
    columns = "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in duckdb_columns().items()) + "}"
    return (
        f"read_json({_literal(snapshot.pattern)}, format='newline_delimited', compression='gzip', "
        f"columns={columns}, hive_partitioning={hive}, maximum_object_size=134217728)"
    )


def filter_sql(flt: WorkFilter) -> tuple[str, list[object]]:
    """The WHERE clause of the plan's filter step, with its parameters."""
    clauses = ["id IS NOT NULL", "publication_year IS NOT NULL"]
    params: list[object] = []
    if flt.years:
        clauses.append("publication_year BETWEEN ? AND ?")
        params.extend(flt.years)
    if flt.sources:
        clauses.append("list_contains(?::VARCHAR[], primary_location.source.id)")
        params.append(list(flt.sources))
    if flt.topics:
        clauses.append(
            "list_has_any(list_concat([primary_topic.id, primary_topic.subfield.id, "
            "primary_topic.field.id, primary_topic.domain.id], "
            "coalesce(list_transform(concepts, lambda c: c.id), [])), ?::VARCHAR[])"
        )
        params.append(list(flt.topics))
    return " AND ".join(clauses), params


def _resolve_raws(raws: list[str]) -> pa.RecordBatch:
    """A pool worker's batch, resolved with its registry (loaded once per worker)."""
    return resolve_arrow(
        pa.RecordBatch.from_arrays([pa.array(raws, pa.string())], names=["raw"]), worker_registry()
    )


def _resolve_distinct(
    reader: duckdb.DuckDBPyConnection, registry: Registry, path: Path, batch_size: int, workers: int = 1
) -> int:
    """Stream the distinct strings through the resolver into a Parquet file; returns how many.

    With ``workers`` > 1 the batches go to that many processes (each loads the shipped registry
    once), at most two per worker in flight, written in their order."""
    count = 0
    batches = reader.sql("SELECT DISTINCT raw FROM affs").to_arrow_reader(batch_size)
    with pq.ParquetWriter(path, RESOLUTION_SCHEMA) as writer:
        if workers <= 1:
            for batch in batches:
                writer.write_batch(resolve_arrow(batch, registry))
                count += batch.num_rows
            return count
        spawn = multiprocessing.get_context("spawn")  # no fork of a process running DuckDB threads
        with ProcessPoolExecutor(workers, mp_context=spawn, initializer=worker_registry) as pool:
            pending: deque[Future[pa.RecordBatch]] = deque()
            for batch in batches:
                pending.append(pool.submit(_resolve_raws, batch.column("raw").to_pylist()))
                count += batch.num_rows
                if len(pending) >= 2 * workers:
                    writer.write_batch(pending.popleft().result())
            while pending:
                writer.write_batch(pending.popleft().result())
    return count


def run_duckdb(
    snapshot: Snapshot,
    flt: WorkFilter,
    out_dir: str | Path,
    *,
    registry: Registry | None = None,
    memory_limit: str = "2GB",
    threads: int | None = None,
    temp_dir: str | Path | None = None,
    batch_size: int = BATCH_SIZE,
    workers: int | None = None,
) -> ScaleResult:
    """Run the plan with DuckDB; write the Parquet outputs to ``out_dir`` (a local folder).

    The distinct strings are resolved by ``workers`` processes (default ``$COLLABATLAS_WORKERS``, 1,
    at most ``threads``) with the shipped registry; one process resolves them
    with a ``registry`` given here."""
    start = time.perf_counter()
    if workers is None:
        workers = 1 if registry is not None else min(resolver_workers(), threads or resolver_workers())
    registry = registry or load_registry()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    where, params = filter_sql(flt)
    updated = "CAST(updated_date AS VARCHAR)" if snapshot.partitioned else "''"
    with tempfile.TemporaryDirectory(prefix="collabatlas-scale-", dir=temp_dir) as scratch:
        con = duckdb.connect(str(Path(scratch) / "scratch.duckdb"))
        try:
            con.execute(f"SET memory_limit = {_literal(memory_limit)}")
            con.execute(f"SET temp_directory = {_literal(str(Path(scratch) / 'spill'))}")
            con.execute("SET preserve_insertion_order = false")
            if threads:
                con.execute(f"SET threads = {int(threads)}")
            try:
                con.execute(
                    f"""
                    CREATE TABLE works AS
                    SELECT id AS work_id,
                           {updated} AS updated,
                           coalesce(primary_location.source.id, '') AS source_id,
                           coalesce(primary_location.source.display_name, primary_location.source.id,
                                    {_literal(NO_SOURCE)}) AS venue,
                           publication_year AS year,
                           coalesce(len(authorships), 0) AS n_authorships,
                           list_filter(
                               flatten(list_transform(authorships,
                                                      lambda a: coalesce(a.raw_affiliation_strings, []))),
                               lambda raw: trim(raw) <> ''
                           ) AS raws
                    FROM {reader_sql(snapshot)}
                    WHERE {where}
                    """,
                    params,
                )
            except duckdb.IOException as exc:
                raise InputError(f"{snapshot.location}: cannot read the works files ({exc})") from exc
            except duckdb.InvalidInputException as exc:
                raise InputError(f"{snapshot.location}: not OpenAlex works records ({exc})") from exc
            # One record per work id, the latest: found on the two key columns alone, a window over
            # the whole rows while they are read costs a third of the run.
            con.execute(
                """
                DELETE FROM works WHERE rowid IN (
                    SELECT rowid FROM works
                    QUALIFY row_number() OVER (PARTITION BY work_id ORDER BY updated DESC) > 1
                )
                """
            )
            con.execute("CREATE TABLE affs AS SELECT work_id, unnest(raws) AS raw FROM works")
            works, authorships = con.execute(
                "SELECT count(*), coalesce(sum(n_authorships), 0) FROM works"
            ).fetchall()[0]
            resolutions = out / RESOLUTIONS
            strings = _resolve_distinct(con.cursor(), registry, resolutions, batch_size, workers)
            con.execute(
                f"""
                CREATE TABLE work_countries AS
                SELECT w.work_id, w.source_id, w.venue, w.year,
                       coalesce(c.countries, []::VARCHAR[]) AS countries
                FROM works w LEFT JOIN (
                    SELECT a.work_id, list_sort(list_distinct(list(r.country))) AS countries
                    FROM affs a JOIN read_parquet({_literal(str(resolutions))}) r USING (raw)
                    WHERE r.country IS NOT NULL
                    GROUP BY a.work_id
                ) c USING (work_id)
                """
            )
            con.execute(f"COPY work_countries TO {_literal(str(out / WORK_COUNTRIES))} (FORMAT parquet)")
            sets = (
                con.sql(
                    "SELECT source_id, venue, year::INTEGER AS year, countries, count(*)::BIGINT AS works "
                    "FROM work_countries GROUP BY ALL ORDER BY ALL"
                )
                .to_arrow_table()
                .cast(COUNTRY_SET_SCHEMA)
            )
        finally:
            con.close()
    pq.write_table(sets, out / COUNTRY_SETS)
    return ScaleResult(
        engine="duckdb",
        works=int(works),
        authorships=int(authorships),
        affiliation_strings=strings,
        country_sets=sets,
        out_dir=str(out),
        seconds=time.perf_counter() - start,
    )
