"""Paper-level affiliations never vanish from the export (integration: ICML 2024 from ../shared)."""

from __future__ import annotations

import csv

import pytest

import collabatlas as ca
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
