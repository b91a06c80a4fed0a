"""reconcile: a published figure against the store under every combination of conventions."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.analyze.counted import headquarters, paper_credits
from collabatlas.analyze.reconcile import (
    ALL_SOURCES,
    ROW_COLUMNS,
    Published,
    reconcile,
    reconciliations,
    save_reconciliation,
)
from collabatlas.cli import app
from collabatlas.report.html import build_report
from tests.conftest import QUIRKS
from tests.replay import SITE, VENUE_ID, Replay

DEFAULT = {
    "china_scope": "prc",
    "tracks": "all",
    "status": "accepted",
    "denominator": "all papers",
    "companies": "site",
    "source": ALL_SOURCES,
}


def _row(result, **conventions):
    wanted = {**DEFAULT, **conventions}
    (row,) = [r for r in result["rows"] if all(r[k] == v for k, v in wanted.items())]
    return row


def _company_list(tmp_path):
    """Three papers: US–CN through a company's Chinese site, US–CN plainly, and CN alone."""
    records = [
        {"id": "1", "title": "Site", "author": "A;B", "aff": "Stanford University;Microsoft Research Asia",
         "status": "Poster", "track": "main"},
        {"id": "2", "title": "Plain", "author": "A;B", "aff": "Stanford University;Tsinghua University",
         "status": "Poster", "track": "main"},
        {"id": "3", "title": "Alone", "author": "A", "aff": "Peking University", "status": "Poster",
         "track": "Datasets & Benchmarks"},
        {"id": "4", "title": "Rejected", "author": "A;B", "aff": "MIT;Tsinghua University",
         "status": "Reject", "track": "main"},
        {"id": "5", "title": "No data", "author": "A", "aff": "", "status": "Poster", "track": "main"},
    ]  # fmt: skip
    path = tmp_path / "nips2023.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def test_headquarters_places_a_company_at_home_and_leaves_the_rest(registry):
    homes = headquarters(registry)
    msra = ca.resolve_one("Microsoft Research Asia", "", registry)
    assert (msra.country, homes.get(msra.institution_id, msra.country)) == ("CN", "US")
    tsinghua = ca.resolve_one("Tsinghua University", "", registry)
    assert tsinghua.institution_id not in homes


def test_every_convention_moves_the_count_it_should(tmp_path, store, registry):
    ca.ingest(store, [str(_company_list(tmp_path))], registry=registry)
    result = reconcile(store, "NeurIPS", 2023, Published(1, 4))
    assert tuple(result["rows"][0]) == ROW_COLUMNS and result["rows"][0] == _row(result)
    assert len(result["rows"]) == 3 * 2 * 2 * 2 * 2  # one source: no per-source rows
    counts = {
        "default": (4, 2),
        "headquarters": (4, 1),  # Microsoft Research Asia counts in the US
        "main track": (3, 2),
        "with rejected": (5, 3),
        "papers with data": (3, 2),
    }
    rows = {
        "default": _row(result),
        "headquarters": _row(result, companies="headquarters"),
        "main track": _row(result, tracks="main"),
        "with rejected": _row(result, status="with rejected"),
        "papers with data": _row(result, denominator="papers with data"),
    }
    assert {k: (r["papers"], r["papers_ab"]) for k, r in rows.items()} == counts
    assert result["needed_coverage"] == pytest.approx(0.5)  # 1 of 4 published; the store finds 2 of 4
    assert rows["default"]["consistent"]  # 25% (4.6–70%) against 50% (15–85%)


def test_every_row_is_what_analyze_counts_under_its_rules(store, registry, tmp_path):
    ca.ingest(store, [str(QUIRKS), str(_company_list(tmp_path))], registry=registry)
    result = reconcile(store, "NeurIPS", 2023, Published(1, 4))
    for row in result["rows"]:
        rules = ca.CountingRules(
            china_scope=row["china_scope"],
            accepted_only=row["status"] == "accepted",
            tracks=row["tracks"],
            companies=row["companies"],
            venues=("NeurIPS",),
            years=(2023,),
        )
        (counted,) = ca.collaboration(store, rules).to_pylist()
        denominator = "papers" if row["denominator"] == "all papers" else "papers_with_data"
        assert (row["papers"], row["papers_ab"]) == (counted[denominator], counted["papers_ab"])


def test_each_source_alone_when_several_hold_the_venue_year(tmp_path, store, registry):
    ca.ingest(
        store, [str(SITE), f"openreview:{VENUE_ID}"], fetcher=Replay(tmp_path).fetcher, registry=registry
    )
    result = reconcile(store, "neurips", 2024, Published(1, 3))
    assert result["venue"] == "NeurIPS"
    assert result["conventions"]["dimensions"]["source"] == [ALL_SOURCES, "conference_site", "openreview"]
    assert len(result["rows"]) == 48 * 3
    site = _row(result, source="conference_site")
    assert (site["papers"], _row(result, source="conference_site", tracks="main")["papers"]) == (3, 2)


def test_a_pair_country_a_scope_folds_is_skipped_not_an_error(tmp_path, store, registry):
    ca.ingest(store, [str(_company_list(tmp_path))], registry=registry)
    result = reconcile(store, "NeurIPS", 2023, Published(1, 4), pair="US,TW")
    assert {r["china_scope"] for r in result["rows"]} == {"prc", "mainland"}


def test_unknown_venue_year_is_a_usage_error(store):
    with pytest.raises(ca.UsageError, match="no papers of ICML 1999"):
        reconcile(store, "ICML", 1999, Published(1, 2))


@pytest.mark.parametrize(("text", "figure"), [("30/1009", (30, 1009)), ("141 of 5,290", (141, 5290))])
def test_published_figures_parse(text, figure):
    assert Published.parse(text) == Published(*figure)


@pytest.mark.parametrize("text", ["30", "30/0", "40/30", "3%"])
def test_bad_published_figures_are_usage_errors(text):
    with pytest.raises(ca.UsageError, match="--published"):
        Published.parse(text)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_the_published_interval_holds_its_share(count, extra):
    figure = Published(count, count + extra).describe()
    assert figure["ci_low"] <= figure["share"] <= figure["ci_high"]


def test_results_are_kept_and_a_rerun_replaces_them(tmp_path, store, registry):
    ca.ingest(store, [str(_company_list(tmp_path))], registry=registry)
    assert reconciliations(store) == []
    first = reconcile(store, "NeurIPS", 2023, Published(1, 4))
    save_reconciliation(store, first)
    save_reconciliation(store, first)
    save_reconciliation(store, reconcile(store, "NeurIPS", 2023, Published(2, 4)))
    kept = reconciliations(store)
    assert [r["published"]["count"] for r in kept] == [1, 2]
    assert kept[0]["rows"] == first["rows"]


def test_cli_prints_the_rows_and_the_sentence_writes_json_and_the_report_shows_it(tmp_path, registry):
    db = tmp_path / "r.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [str(_company_list(tmp_path))], registry=registry)
    runner = CliRunner()
    out = tmp_path / "r.json"
    args = ["reconcile", "--venue", "NeurIPS", "--year", "2023", "--published", "1/4", "--db", str(db)]
    done = runner.invoke(app, [*args, "--json", str(out)])
    assert done.exit_code == 0, done.output
    assert "needed_coverage: 0.50" in done.output and "Published: 1 of 4 NeurIPS 2023 papers" in done.output
    body = json.loads(out.read_text(encoding="utf-8"))
    assert set(body) == {
        "conventions",
        "venue",
        "year",
        "pair",
        "published",
        "rows",
        "needed_coverage",
        "sentence",
    }
    assert set(body["published"]) == {"count", "of", "share", "ci_low", "ci_high"}
    with ca.Store(db, read_only=True) as store:
        files = build_report(store, out_dir=tmp_path / "report")
    page = files.index.read_text(encoding="utf-8")
    assert '<section id="published">' in page and "1 of 4 published" in page


def test_the_report_has_no_published_section_before_reconcile(tmp_path, store, registry):
    ca.ingest(store, [str(_company_list(tmp_path))], registry=registry)
    page = build_report(store, out_dir=tmp_path / "report").index.read_text(encoding="utf-8")
    assert 'id="published"' not in page and "Published figures" not in page


def test_one_source_alone_reads_the_co_author_context_too(tmp_path, store, registry):
    """A department placed by its co-authors counts the same way when its source is counted alone."""
    record = {
        "id": "p0",
        "title": "Context",
        "status": "Poster",
        "author": "A One;B Two",
        "aff": "Department of Statistics;Tsinghua University, Beijing, China",
        "aff_domain": ";tsinghua.edu.cn",
    }
    path = tmp_path / "ctx2021.json"
    path.write_text(json.dumps([record]))
    ca.ingest(store, [str(path)], registry=registry)
    merged = ca.CountingRules(counting="first-author")
    alone = dataclasses.replace(merged, source="paperlists")
    assert paper_credits(store, alone).to_pylist() == paper_credits(store, merged).to_pylist()
