"""The distributed engine: the same plan on Apache Spark (``pip install 'collabatlas[spark]'``).

Runs under ``--master local[*]``, a cluster URL, or ``spark-submit`` (which sets the master). Distinct
affiliation strings go through the resolver's pure batch function with ``mapInArrow``; each Python
worker loads the registry once, from its on-disk cache. Executors need collabatlas installed in the
Python that ``PYSPARK_PYTHON`` names.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from collabatlas.errors import UsageError
from collabatlas.scale.plan import (
    COUNTRY_SET_SCHEMA,
    COUNTRY_SETS,
    NO_SOURCE,
    RESOLUTIONS,
    WORK_COUNTRIES,
    ScaleResult,
    resolve_partition,
)
from collabatlas.scale.snapshot import Snapshot, WorkFilter, spark_schema_ddl

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

RESOLUTION_DDL = (
    "raw STRING, institution STRING, institution_id STRING, country STRING, confidence DOUBLE, method STRING"
)
WORK_KEYS = ("work_id", "source_id", "venue", "year")
# Session options for the run (the caller's values are restored after it):
# * one task per input file: gzip is not splittable, and a file of JSON costs far more to parse
#   than to open, so packing several files into one task only leaves cores idle at the end;
# * the cached works are kept uncompressed: encoding them costs more CPU than their scans save;
# * no window group limit: it would sort every file's rows by work id before the dedupe shuffle
#   to keep one row per id there, but a snapshot's ids are nearly all distinct, so it drops nothing.
RUN_CONF = {
    "spark.sql.files.openCostInBytes": "1g",
    "spark.sql.inMemoryColumnarStorage.compressed": "false",
    "spark.sql.optimizer.windowGroupLimitThreshold": "-1",
}
# Local mode JVM options: the throughput garbage collector (a batch run wants throughput, not the
# short pauses G1 buys with write barriers and concurrent threads), and the optimising (C2) compiler
# only for the hottest code, at 3-4x its default thresholds: on a few cores its compiler thread
# otherwise takes CPU from the tasks for the whole run.
LOCAL_JAVA_OPTIONS = (
    "-XX:+UseParallelGC "
    "-XX:Tier4InvocationThreshold=20000 -XX:Tier4CompileThreshold=40000 -XX:Tier4BackEdgeThreshold=160000"
)


def _pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise UsageError(
            "--engine spark needs PySpark", hint="pip install 'collabatlas[spark]' (and a Java 17 runtime)"
        ) from exc


def spark_session(master: str | None = None, app_name: str = "collabatlas-snapshot") -> SparkSession:
    """A session (the active one under spark-submit); workers run this interpreter's Python."""
    _pyspark()
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name).config("spark.sql.session.timeZone", "UTC")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # One machine: a few shuffle partitions, not the cluster default of 200.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
        # Local mode runs every task in the driver's JVM, whose default 1 GB heap runs out when
        # two tasks hold cached authorships at once; $COLLABATLAS_SPARK_DRIVER_MEMORY overrides.
        memory = os.environ.get("COLLABATLAS_SPARK_DRIVER_MEMORY", "4g")
        builder = builder.config("spark.driver.memory", memory)
        java_options = os.environ.get("COLLABATLAS_SPARK_JAVA_OPTIONS", LOCAL_JAVA_OPTIONS)
        builder = builder.config("spark.driver.extraJavaOptions", java_options)
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _spark_path(path: str) -> str:
    """Spark's Hadoop connectors name S3 ``s3a://``."""
    return "s3a://" + path[len("s3://") :] if path.startswith("s3://") else path


def read_works(spark: SparkSession, snapshot: Snapshot) -> DataFrame:
    """The works records, with only the fields the plan reads (and ``updated_date`` when partitioned)."""
    reader = spark.read
    if snapshot.partitioned:
        reader = reader.option("basePath", _spark_path(snapshot.base))
    if snapshot.format == "parquet":
        return reader.parquet(_spark_path(snapshot.pattern))
    return reader.schema(spark_schema_ddl()).json(_spark_path(snapshot.pattern))


def filter_column(flt: WorkFilter) -> Column:
    """The plan's filter step as one Spark condition (the twin of ``duckdb_engine.filter_sql``)."""
    from pyspark.sql import functions as F

    cond = F.col("id").isNotNull() & F.col("publication_year").isNotNull()
    if flt.years:
        cond = cond & F.col("publication_year").between(*flt.years)
    if flt.sources:
        cond = cond & F.col("primary_location.source.id").isin(list(flt.sources))
    if flt.topics:
        topic = F.col("primary_topic")
        ids = F.concat(
            F.array(topic["id"], topic["subfield"]["id"], topic["field"]["id"], topic["domain"]["id"]),
            F.coalesce(F.transform("concepts", lambda c: c["id"]), F.array().cast("array<string>")),
        )
        cond = cond & F.coalesce(F.arrays_overlap(ids, F.array(*map(F.lit, flt.topics))), F.lit(False))
    return cond


@contextmanager
def _scoped_conf(spark: SparkSession, settings: dict[str, str]) -> Iterator[None]:
    """Set session SQL options for the duration of one run, then restore the caller's values."""
    before = {key: spark.conf.get(key, None) for key in settings}
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        yield
    finally:
        for key, old in before.items():
            if old is None:
                spark.conf.unset(key)
            else:
                spark.conf.set(key, old)


def latest_works(spark: SparkSession, snapshot: Snapshot, flt: WorkFilter) -> DataFrame:
    """Steps 1–2 on slim rows: the filtered works, one per id (the latest), with their strings.

    Columns ``work_id``, ``source_id``, ``venue``, ``year``, ``n_authorships`` and ``raws`` (every
    non-blank affiliation string of the work's authorships). Rows are slimmed before the dedupe,
    so its shuffle carries only these columns; the result is hash-partitioned by ``work_id``,
    which the per-work step reuses without another shuffle.
    """
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    no_strings = F.array().cast("array<string>")
    strings = F.transform("authorships", lambda a: F.coalesce(a["raw_affiliation_strings"], no_strings))
    source = F.col("primary_location.source")
    updated = F.col("updated_date") if snapshot.partitioned else F.lit(None)
    latest = Window.partitionBy("work_id").orderBy(F.col("updated").desc())
    return (
        read_works(spark, snapshot)
        .where(filter_column(flt))
        .select(
            F.col("id").alias("work_id"),
            updated.alias("updated"),
            F.coalesce(source["id"], F.lit("")).alias("source_id"),
            F.coalesce(source["display_name"], source["id"], F.lit(NO_SOURCE)).alias("venue"),
            F.col("publication_year").cast("int").alias("year"),
            F.when(F.col("authorships").isNull(), 0).otherwise(F.size("authorships")).alias("n_authorships"),
            F.filter(F.flatten(strings), lambda raw: F.trim(raw) != "").alias("raws"),
        )
        .withColumn("_n", F.row_number().over(latest))
        .where(F.col("_n") == 1)
        .drop("_n", "updated")
    )


def run_spark(
    snapshot: Snapshot,
    flt: WorkFilter,
    out_dir: str | Path,
    *,
    spark: SparkSession | None = None,
    master: str | None = None,
) -> ScaleResult:
    """Run the plan on Spark; write the Parquet outputs under ``out_dir`` (any Hadoop path)."""
    start = time.perf_counter()
    spark = spark or spark_session(master)
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    out = str(out_dir) if "://" in str(out_dir) else str(Path(out_dir).resolve())
    out = _spark_path(out)

    def path(name: str) -> str:
        return f"{out}/{name}"

    with _scoped_conf(spark, RUN_CONF):
        works = latest_works(spark, snapshot, flt).persist(StorageLevel.MEMORY_AND_DISK)
        try:
            (
                works.select(F.explode("raws").alias("raw"))
                .distinct()
                .mapInArrow(resolve_partition, RESOLUTION_DDL)
                .write.mode("overwrite")
                .parquet(path(RESOLUTIONS))
            )
            counts = works.select(F.count("*"), F.sum("n_authorships")).first()
            n_works, n_authorships = (counts[0], counts[1] or 0) if counts else (0, 0)
            resolved = spark.read.parquet(path(RESOLUTIONS))
            strings = resolved.count()
            # Inside the work_id partitions of the cached works: no shuffle; the resolutions are
            # broadcast when small (Spark sizes them from the Parquet files).
            (
                works.select(*WORK_KEYS, F.explode_outer("raws").alias("raw"))
                .join(resolved.where(F.col("country").isNotNull()).select("raw", "country"), "raw", "left")
                .groupBy(*WORK_KEYS)
                .agg(F.array_sort(F.collect_set("country")).alias("countries"))
                .write.mode("overwrite")
                .parquet(path(WORK_COUNTRIES))
            )
        finally:
            works.unpersist()
        (
            spark.read.parquet(path(WORK_COUNTRIES))
            .groupBy("source_id", "venue", "year", "countries")
            .agg(F.count("*").cast("long").alias("works"))
            .write.mode("overwrite")
            .parquet(path(COUNTRY_SETS))
        )
        table = spark.read.parquet(path(COUNTRY_SETS)).toArrow().cast(COUNTRY_SET_SCHEMA)
    return ScaleResult(
        engine="spark",
        works=int(n_works),
        authorships=int(n_authorships),
        affiliation_strings=int(strings),
        country_sets=table,
        out_dir=out,
        seconds=time.perf_counter() - start,
    )
