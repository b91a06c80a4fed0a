"""The plan both engines run, and the pieces they share.

1. read the works (:data:`~collabatlas.scale.snapshot.WORK_FIELDS` only) and filter them
   (:class:`~collabatlas.scale.snapshot.WorkFilter`); keep one record per work id, the one in the
   latest ``updated_date`` partition;
2. explode authorships, then each authorship's ``raw_affiliation_strings`` (blank strings dropped);
3. resolve each distinct string once with :func:`resolve_arrow` (the resolver's pure batch
   function; e-mail domain ``""``, OpenAlex has none);
4. per work: the sorted distinct resolved countries (``[]`` when none);
5. per (source id, venue, year, country set): the number of works.

Outputs, written as Parquet under the output directory: ``resolutions.parquet`` (step 3),
``work_countries.parquet`` (step 4) and ``country_sets.parquet`` (step 5). Country sets are what
the store keeps: every counting rule (pair, China scope, venue, year) is a function of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyarrow as pa

from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.resolve.resolver import resolve_batch

RESOLUTIONS = "resolutions.parquet"
WORK_COUNTRIES = "work_countries.parquet"
COUNTRY_SETS = "country_sets.parquet"

RESOLUTION_SCHEMA = pa.schema(
    [
        ("raw", pa.string()),
        ("institution", pa.string()),
        ("institution_id", pa.string()),
        ("country", pa.string()),
        ("confidence", pa.float64()),
        ("method", pa.string()),
    ]
)
COUNTRY_SET_SCHEMA = pa.schema(
    [
        ("source_id", pa.string()),
        ("venue", pa.string()),
        ("year", pa.int32()),
        ("countries", pa.list_(pa.string())),
        ("works", pa.int64()),
    ]
)
NO_SOURCE = "(no source)"


def resolve_arrow(batch: pa.RecordBatch, registry: Registry) -> pa.RecordBatch:
    """Resolve a batch of distinct affiliation strings (column ``raw``) into :data:`RESOLUTION_SCHEMA`."""
    raws = batch.column("raw").to_pylist()
    results = resolve_batch([(raw, "") for raw in raws], registry)
    return pa.RecordBatch.from_arrays(
        [
            pa.array(raws, pa.string()),
            pa.array([r.institution for r in results], pa.string()),
            pa.array([r.institution_id for r in results], pa.string()),
            pa.array([r.country for r in results], pa.string()),
            pa.array([r.confidence for r in results], pa.float64()),
            pa.array([r.method for r in results], pa.string()),
        ],
        schema=RESOLUTION_SCHEMA,
    )


@lru_cache(maxsize=1)
def worker_registry() -> Registry:
    """The registry, loaded once per (Python worker) process from its on-disk cache."""
    return load_registry()


def resolve_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body: resolve every batch of a partition with the worker's registry."""
    registry = worker_registry()
    for batch in batches:
        yield resolve_arrow(batch, registry)


@dataclass(frozen=True)
class ScaleResult:
    """What one engine run produced: counts, the country sets, and where the Parquet files are."""

    engine: str
    works: int
    authorships: int
    affiliation_strings: int
    country_sets: pa.Table
    out_dir: str
    seconds: float

    def output(self, name: str) -> str:
        """The path of one Parquet output (a file for DuckDB, a folder of parts for Spark)."""
        return str(Path(self.out_dir) / name) if "://" not in self.out_dir else f"{self.out_dir}/{name}"
