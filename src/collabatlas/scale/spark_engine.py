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
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    out = str(out_dir) if "://" in str(out_dir) else str(Path(out_dir).resolve())
    out = _spark_path(out)

    def path(name: str) -> str:
        return f"{out}/{name}"

    updated = F.col("updated_date").cast("string") if snapshot.partitioned else F.lit("")
    latest = Window.partitionBy("id").orderBy(updated.desc())
    source = F.col("primary_location.source")
    works = (
        read_works(spark, snapshot)
        .where(filter_column(flt))
        .withColumn("_n", F.row_number().over(latest))
        .where(F.col("_n") == 1)
        .select(
            F.col("id").alias("work_id"),
            F.coalesce(source["id"], F.lit("")).alias("source_id"),
            F.coalesce(source["display_name"], source["id"], F.lit(NO_SOURCE)).alias("venue"),
            F.col("publication_year").cast("int").alias("year"),
            "authorships",
        )
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        affs = (
            works.select("work_id", F.explode("authorships").alias("a"))
            .select("work_id", F.explode("a.raw_affiliation_strings").alias("raw"))
            .where(F.trim("raw") != "")
        )
        (
            affs.select("raw")
            .distinct()
            .mapInArrow(resolve_partition, RESOLUTION_DDL)
            .write.mode("overwrite")
            .parquet(path(RESOLUTIONS))
        )
        resolved = spark.read.parquet(path(RESOLUTIONS))
        countries = (
            affs.join(resolved.where(F.col("country").isNotNull()).select("raw", "country"), "raw")
            .groupBy("work_id")
            .agg(F.array_sort(F.collect_set("country")).alias("countries"))
        )
        (
            works.select("work_id", "source_id", "venue", "year")
            .join(countries, "work_id", "left")
            .withColumn("countries", F.coalesce("countries", F.array().cast("array<string>")))
            .write.mode("overwrite")
            .parquet(path(WORK_COUNTRIES))
        )
        sets = (
            spark.read.parquet(path(WORK_COUNTRIES))
            .groupBy("source_id", "venue", "year", "countries")
            .agg(F.count("*").cast("long").alias("works"))
        )
        sets.write.mode("overwrite").parquet(path(COUNTRY_SETS))
        counts = works.select(
            F.count("*"), F.sum(F.when(F.col("authorships").isNull(), 0).otherwise(F.size("authorships")))
        ).first()
        n_works, n_authorships = (counts[0], counts[1] or 0) if counts else (0, 0)
        strings = resolved.count()
        table = spark.read.parquet(path(COUNTRY_SETS)).toArrow().cast(COUNTRY_SET_SCHEMA)
    finally:
        works.unpersist()
    return ScaleResult(
        engine="spark",
        works=int(n_works),
        authorships=int(n_authorships),
        affiliation_strings=int(strings),
        country_sets=table,
        out_dir=out,
        seconds=time.perf_counter() - start,
    )
