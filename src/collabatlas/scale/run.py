"""``snapshot``: run the plan on an engine and load its aggregates into the store."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from collabatlas.errors import UsageError
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.scale.load import load_country_sets
from collabatlas.scale.plan import ScaleResult
from collabatlas.scale.snapshot import WorkFilter, locate
from collabatlas.store import Store

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class SnapshotReport:
    """What a snapshot run did: the engine's result and how many venue-years landed in the store."""

    result: ScaleResult
    venue_years: int


def run_engine(
    location: str,
    flt: WorkFilter,
    out_dir: str | Path,
    *,
    engine: str = "duckdb",
    master: str | None = None,
    memory_limit: str = "2GB",
    threads: int | None = None,
    registry: Registry | None = None,
) -> ScaleResult:
    """Run the plan on one engine; the Parquet outputs land in ``out_dir``."""
    snapshot = locate(location)
    if engine == "duckdb":
        from collabatlas.scale.duckdb_engine import run_duckdb

        return run_duckdb(
            snapshot, flt, out_dir, registry=registry, memory_limit=memory_limit, threads=threads
        )
    if engine == "spark":
        from collabatlas.scale.spark_engine import run_spark

        return run_spark(snapshot, flt, out_dir, master=master)
    raise UsageError(f"unknown --engine {engine!r}", hint="use duckdb or spark")


def snapshot(
    store: Store,
    location: str,
    flt: WorkFilter | None = None,
    out_dir: str | Path = "collabatlas-snapshot",
    *,
    engine: str = "duckdb",
    master: str | None = None,
    memory_limit: str = "2GB",
    threads: int | None = None,
    registry: Registry | None = None,
) -> SnapshotReport:
    """Read an OpenAlex works snapshot, resolve and aggregate it, and load the aggregates."""
    flt = flt or WorkFilter()
    registry = registry or load_registry()
    result = run_engine(
        location,
        flt,
        out_dir,
        engine=engine,
        master=master,
        memory_limit=memory_limit,
        threads=threads,
        registry=registry,
    )
    return SnapshotReport(result, load_country_sets(store, result, location, flt, registry))
