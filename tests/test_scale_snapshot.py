"""The OpenAlex snapshot plan on the embedded engine (DuckDB), its filter, and its load into the store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from collabatlas.analyze import (
    CountingRules,
    collaboration,
    conventions,
    country_totals,
    pair_matrix,
    top_pairs,
)
from collabatlas.errors import InputError, UsageError
from collabatlas.pipeline import ingest
from collabatlas.scale import AI_TOPICS, WorkFilter, locate, run_engine, snapshot
from collabatlas.scale.plan import RESOLUTIONS, WORK_COUNTRIES
from tests.conftest import FIXTURES, QUIRKS

SNAPSHOT = FIXTURES / "openalex_snapshot"
NEURIPS = "Neural Information Processing Systems"
ICML = "International Conference on Machine Learning"


def sets_of(table) -> set[tuple[str, int, tuple[str, ...], int]]:
    return {(r["venue"], r["year"], tuple(r["countries"]), r["works"]) for r in table.to_pylist()}


def test_locate_finds_the_works_files():
    root = locate(str(SNAPSHOT))
    assert root.format == "jsonl" and root.partitioned
    assert root.pattern.endswith("data/works/updated_date=*/*.gz")
    assert root.base.endswith("data/works")
    assert locate(str(SNAPSHOT / "data" / "works")).pattern == root.pattern
    s3 = locate("s3://openalex")
    assert s3.pattern == "s3://openalex/data/works/updated_date=*/*.gz" and s3.partitioned
    with pytest.raises(InputError):
        locate(str(SNAPSHOT / "nothing-here"))


def test_filter_parses_ids_years_and_presets():
    assert WorkFilter.parse().topics == AI_TOPICS
    assert WorkFilter.parse(topics=["any"]).topics == ()
    flt = WorkFilter.parse("2015-2024", ["S4306420609"], ["fields/17", "ai"])
    assert flt.years == (2015, 2024)
    assert flt.sources == ("https://openalex.org/S4306420609",)
    assert set(flt.topics) == {"https://openalex.org/fields/17", *AI_TOPICS}
    for bad in ({"years": "2024-2015"}, {"years": "soon"}, {"topics": ["not an id"]}):
        with pytest.raises(UsageError):
            WorkFilter.parse(**bad)  # type: ignore[arg-type]


def test_duckdb_plan_on_the_fixture(tmp_path, registry):
    result = run_engine(str(SNAPSHOT), WorkFilter(), tmp_path, registry=registry)
    # 14 distinct works; the networking and biology works are not AI; W11's later copy wins.
    assert (result.works, result.authorships, result.affiliation_strings) == (12, 24, 9)
    assert sets_of(result.country_sets) == {
        ("(no source)", 2020, ("CN", "HK"), 1),
        ("Transactions on Machine Learning Research", 2020, ("CN", "GB", "US"), 1),
        (ICML, 2020, ("CA",), 1),
        (ICML, 2020, ("CN", "US"), 1),
        (ICML, 2020, ("GB", "TW"), 1),
        (NEURIPS, 2012, ("CA", "CN"), 1),
        (NEURIPS, 2019, (), 2),
        (NEURIPS, 2019, ("CA", "CN"), 1),
        (NEURIPS, 2019, ("CN", "US"), 1),
        (NEURIPS, 2019, ("HK", "US"), 1),
        (NEURIPS, 2019, ("US",), 1),
    }
    works = {r["work_id"][-2:]: r["countries"] for r in pq.read_table(tmp_path / WORK_COUNTRIES).to_pylist()}
    assert works["11"] == ["CN", "US"] and works["05"] == [] and "07" not in works
    methods = {r["raw"]: r["method"] for r in pq.read_table(tmp_path / RESOLUTIONS).to_pylist()}
    assert methods["Independent Researcher"] == "not-an-institution"
    assert "  " not in methods


def test_filters_select_years_sources_and_concepts(tmp_path, registry):
    by_concept = run_engine(
        str(SNAPSHOT), WorkFilter.parse(topics=["C154945302"]), tmp_path / "c", registry=registry
    )
    assert sets_of(by_concept.country_sets) == {("Nature", 2020, ("CN", "US"), 1)}
    neurips = run_engine(
        str(SNAPSHOT),
        WorkFilter.parse("2015-2024", ["S4306420609"], ["any"]),
        tmp_path / "n",
        registry=registry,
    )
    assert {(v, y) for v, y, _, _ in sets_of(neurips.country_sets)} == {(NEURIPS, 2019)}
    assert neurips.works == 7  # the networking paper is back without the topic filter


def test_snapshot_loads_aggregates_that_analyze_reads(store, tmp_path, registry):
    ingest(store, [str(QUIRKS)], registry=registry)
    before = collaboration(store).to_pylist()
    report = snapshot(store, str(SNAPSHOT), out_dir=tmp_path / "out", registry=registry)
    assert report.venue_years == 5
    rows = {(r["venue"], r["year"]): r for r in collaboration(store).to_pylist()}
    neurips = rows[NEURIPS, 2019]
    assert (neurips["papers"], neurips["papers_with_data"]) == (6, 4)
    assert (neurips["papers_a"], neurips["papers_b"], neurips["papers_ab"]) == (3, 3, 2)
    assert neurips["share"] == pytest.approx(2 / 6)
    for row in before:  # ingested paper lists are counted as before
        assert rows[row["venue"], row["year"]] == row
    mainland = {
        (r["venue"], r["year"]): r
        for r in collaboration(store, CountingRules.parse("US,CN", "mainland")).to_pylist()
    }
    assert mainland[NEURIPS, 2019]["papers_ab"] == 1  # the Hong Kong work is no longer CN
    pairs = {(p["country_1"], p["country_2"]): p["papers"] for p in top_pairs(store, limit=50).to_pylist()}
    assert pairs["CN", "US"] >= 4
    # Re-running on the same input changes nothing.
    snapshot(store, str(SNAPSHOT), out_dir=tmp_path / "out", registry=registry)
    assert {(r["venue"], r["year"]): r for r in collaboration(store).to_pylist()} == rows
    assert store.rows("SELECT count(*) FROM snapshot_loads")[0][0] == 2


def test_every_table_shows_the_same_venue_years(store, tmp_path, registry):
    """Aggregates enter every table under whole counting, and none under the other modes."""
    ingest(store, [str(QUIRKS)], registry=registry)
    snapshot(store, str(SNAPSHOT), out_dir=tmp_path / "out", registry=registry)

    def venue_years(table) -> set[tuple[str, int]]:
        return {(r["venue"], r["year"]) for r in table.to_pylist()}

    listed = {("quirks", 2020)}
    for counting in ("whole", "fractional", "first-author"):
        rules = CountingRules.parse("US,CN", counting=counting)
        shown = venue_years(collaboration(store, rules))
        assert venue_years(country_totals(store, rules)) == shown
        assert venue_years(pair_matrix(store, rules)) <= shown
        aggregates = conventions(store, rules)["aggregates"]
        if counting == "whole":
            assert (NEURIPS, 2019) in shown and shown > listed
            assert {(r["venue"], r["year"]) for r in aggregates["included"]} == shown - listed
        else:
            assert shown == listed
            assert (NEURIPS, 2019) in {(r["venue"], r["year"]) for r in aggregates["excluded"]}
    whole = CountingRules.parse("US,CN")
    totals = {
        (r["venue"], r["year"], r["country"]): r["paper_count"]
        for r in country_totals(store, whole).to_pylist()
    }
    for row in collaboration(store, whole).to_pylist():
        assert totals.get((row["venue"], row["year"], "US"), 0) == row["papers_a"]


def test_cli_snapshot_then_analyze(tmp_path: Path):
    db = str(tmp_path / "s.duckdb")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "collabatlas", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = run("snapshot", str(SNAPSHOT), "--db", db, "--out", str(tmp_path / "out"), "--years", "2019")
    assert done.returncode == 0, done.stderr
    assert "6 works, 11 authorships" in done.stdout and "1 venue-years loaded" in done.stdout
    done = run("analyze", "--db", db)
    assert done.returncode == 0, done.stderr
    assert "Neural" in done.stdout
    done = run("snapshot", str(tmp_path / "missing"), "--db", db)
    assert done.returncode == 2 and "no such snapshot" in done.stderr


def test_duckdb_pool_gives_the_one_process_tables(tmp_path):
    """Resolving the distinct strings in two worker processes (small batches, so several go to
    each) writes the same resolutions, work countries and country sets as one process."""
    from collabatlas.scale.duckdb_engine import run_duckdb
    from collabatlas.scale.plan import COUNTRY_SETS

    one = run_duckdb(locate(str(SNAPSHOT)), WorkFilter(), tmp_path / "one", workers=1, batch_size=3)
    two = run_duckdb(locate(str(SNAPSHOT)), WorkFilter(), tmp_path / "two", workers=2, batch_size=3)
    assert one.affiliation_strings == two.affiliation_strings > 3
    for name in (RESOLUTIONS, WORK_COUNTRIES, COUNTRY_SETS):
        a = pq.read_table(tmp_path / "one" / name).to_pylist()
        b = pq.read_table(tmp_path / "two" / name).to_pylist()
        assert sorted(map(str, a)) == sorted(map(str, b)), name
