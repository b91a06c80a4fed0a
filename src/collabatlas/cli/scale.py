"""``collabatlas snapshot``: an OpenAlex works snapshot through DuckDB or Spark, into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, app, console

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


@app.command()
def snapshot(
    location: Annotated[
        str, typer.Argument(help="Snapshot root, its data/works folder, a glob of files, or s3://...")
    ],
    db: DbOption = DEFAULT_DB_PATH,
    engine: Annotated[str, typer.Option(help="duckdb (embedded, out of core) or spark.")] = "duckdb",
    master: Annotated[
        str | None,
        typer.Option(help="Spark master: local[*], spark://host:7077, ... (spark-submit sets it)."),
    ] = None,
    years: Annotated[str | None, typer.Option(help="Publication years: 2015-2024 or 2020.")] = None,
    source_id: Annotated[
        list[str] | None, typer.Option("--source-id", help="OpenAlex source (venue) id; repeatable.")
    ] = None,
    topic: Annotated[
        list[str] | None,
        typer.Option(
            help="Topic, subfield, field, domain or concept id; 'ai' (default) or 'any'; repeatable."
        ),
    ] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the Parquet outputs.")] = Path(
        "collabatlas-snapshot"
    ),
    memory_limit: Annotated[str, typer.Option(help="DuckDB memory limit; the rest spills to disk.")] = "2GB",
    threads: Annotated[int | None, typer.Option(help="DuckDB threads (default: all cores).")] = None,
) -> None:
    """Resolve and aggregate every matching work of an OpenAlex snapshot; load the aggregates."""
    from collabatlas.scale import WorkFilter
    from collabatlas.scale import snapshot as run_snapshot
    from collabatlas.store import Store

    flt = WorkFilter.parse(years, source_id, topic)
    with Store(db) as store:
        report = run_snapshot(
            store,
            location,
            flt,
            out,
            engine=engine,
            master=master,
            memory_limit=memory_limit,
            threads=threads,
        )
    r = report.result
    console.print(
        f"{r.works} works, {r.authorships} authorships, {r.affiliation_strings} distinct affiliation "
        f"strings resolved ({r.engine}, {r.seconds:.1f} s)"
    )
    console.print(f"{report.venue_years} venue-years loaded into {db}; Parquet outputs in {r.out_dir}")
