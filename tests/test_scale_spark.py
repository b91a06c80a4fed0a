"""One answer: Spark (local mode) and DuckDB run the same plan and give identical tables."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from collabatlas.scale import WorkFilter, locate
from collabatlas.scale.duckdb_engine import run_duckdb
from collabatlas.scale.plan import COUNTRY_SETS, RESOLUTIONS, WORK_COUNTRIES, ScaleResult
from tests.conftest import FIXTURES

pytestmark = pytest.mark.spark
pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'collabatlas[spark]')")
if shutil.which("java") is None:
    pytest.skip("no java runtime on PATH (Spark needs Java 17)", allow_module_level=True)

SNAPSHOT = locate(str(FIXTURES / "openalex_snapshot"))
FILTERS = {
    "ai": WorkFilter(),
    "concept-years-any-source": WorkFilter.parse("2019-2020", topics=["C154945302", "subfields/1707"]),
}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from collabatlas.scale.spark_engine import spark_session

    session = spark_session("local[2]", app_name="collabatlas-tests")
    yield session
    session.stop()


def rows(result: ScaleResult, name: str) -> list[tuple[Any, ...]]:
    table = pq.read_table(result.output(name))
    return sorted(
        tuple(str(v) for v in r.values()) for r in table.select(sorted(table.column_names)).to_pylist()
    )


@pytest.mark.parametrize("name", FILTERS)
def test_both_engines_give_identical_tables(spark, registry, tmp_path: Path, name: str):
    from collabatlas.scale.spark_engine import run_spark

    flt = FILTERS[name]
    embedded = run_duckdb(SNAPSHOT, flt, tmp_path / "duckdb", registry=registry)
    distributed = run_spark(SNAPSHOT, flt, tmp_path / "spark", spark=spark)
    assert embedded.works > 0
    for figure in ("works", "authorships", "affiliation_strings"):
        assert getattr(distributed, figure) == getattr(embedded, figure), figure
    for output in (RESOLUTIONS, WORK_COUNTRIES, COUNTRY_SETS):
        assert rows(distributed, output) == rows(embedded, output), output
    assert sorted(map(str, distributed.country_sets.to_pylist())) == sorted(
        map(str, embedded.country_sets.to_pylist())
    )


def test_a_run_restores_the_callers_session_options(spark, tmp_path: Path):
    from collabatlas.scale.spark_engine import RUN_CONF, run_spark

    spark.conf.set("spark.sql.files.openCostInBytes", "8MB")
    before = {key: spark.conf.get(key, None) for key in RUN_CONF}
    try:
        run_spark(SNAPSHOT, WorkFilter(), tmp_path / "spark", spark=spark)
        assert {key: spark.conf.get(key, None) for key in RUN_CONF} == before
    finally:
        spark.conf.unset("spark.sql.files.openCostInBytes")


def test_local_sessions_get_the_heap_and_compiler_options(spark):
    from collabatlas.scale.spark_engine import LOCAL_JAVA_OPTIONS

    conf = spark.sparkContext.getConf()
    assert conf.get("spark.driver.memory") == "4g"
    assert LOCAL_JAVA_OPTIONS in (conf.get("spark.driver.extraJavaOptions") or "")
