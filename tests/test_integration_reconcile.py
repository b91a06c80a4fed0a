"""Integration on ../shared: paper-level affiliations never vanish from the ICML 2024 export;
reconcile on NeurIPS 2018 reproduces analyze."""

from __future__ import annotations

import csv

import pytest

import collabatlas as ca
from collabatlas.analyze.reconcile import Published, reconcile
from tests.test_export import analyzed_countries, export_countries

pytestmark = pytest.mark.integration


def test_icml2024_export_keeps_every_paper_affiliation(shared, store, registry, tmp_path):
    ca.ingest(store, [str(shared / "paperlists" / "raw" / "icml2024.json")], registry=registry)
    ca.export_authorships(store, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with_affiliation = {r["paper_id"] for r in rows if r["affiliation_raw"]}
    linked = {p for (p,) in store.rows("SELECT DISTINCT paper_id FROM authorship_affiliations")}
    accepted = {p for (p,) in store.rows("SELECT paper_id FROM papers WHERE accepted")}
    assert with_affiliation == linked & accepted
    assert {p: c for p, c in export_countries(rows).items() if c} == analyzed_countries(store)
    alignments = {r["paper_id"]: r["alignment"] for r in rows if r["author_position"] != "-1"}
    assert sum(a == "per-author (by profile)" for a in alignments.values()) > 100


def test_reconcile_neurips2018_reproduces_analyze_and_the_coverage_30_of_1009_needs(shared, store, registry):
    ca.ingest(store, [str(shared / "paperlists" / "labeled" / "nips2018.json")], registry=registry)
    (analyzed,) = ca.collaboration(store).to_pylist()
    result = reconcile(store, "NeurIPS", 2018, Published(30, 1009))
    default = result["rows"][0]
    assert (default["papers"], default["papers_ab"], default["share"]) == (
        analyzed["papers"],
        analyzed["papers_ab"],
        analyzed["share"],
    )
    assert (default["ci_low"], default["ci_high"]) == (analyzed["ci_low"], analyzed["ci_high"])
    assert analyzed["papers"] == 1009
    assert result["needed_coverage"] == pytest.approx(30 / analyzed["papers_ab"])
    assert f"{analyzed['papers_ab']} US–CN papers collabatlas finds" in result["sentence"]
