"""The authorships export has exactly the documented columns and one row per authorship."""

from __future__ import annotations

import csv

import collabatlas as ca
from collabatlas.report import AUTHORSHIP_COLUMNS
from tests.conftest import QUIRKS


def test_columns_and_rows(store, registry, tmp_path):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    out = tmp_path / "authorships.csv"
    count = ca.export_authorships(store, out)
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        tuple(rows[0])
        == AUTHORSHIP_COLUMNS
        == (
            "venue",
            "year",
            "paper_id",
            "title",
            "author_position",
            "author_name",
            "affiliation_raw",
            "countries",
            "institution",
            "ror_id",
            "confidence",
            "method",
            "alignment",
            "paper_countries",
        )
    )
    assert len(rows) == count
    chen = next(r for r in rows if r["author_name"] == "Chen Li")
    assert chen["author_position"] == "2"
    assert chen["affiliation_raw"] == "Google+Peking University"
    assert chen["countries"] == "US|CN"
    assert chen["institution"].count("|") == 1
    # Each affiliation's institution with its ROR id, from the reviewed crosswalk ('' for none).
    assert chen["ror_id"].split("|")[1] == "https://ror.org/02v51f717"
    assert not any(r["title"] == "A Rejected Paper" for r in rows)
    assert chen["alignment"] == "per-author"
    unaligned = [r for r in rows if r["title"] == "Fewer Affiliations Than Authors"]
    # The authors carry none; the paper's affiliations sit in one row whose author is unknown.
    assert [(r["author_position"], r["author_name"], r["alignment"]) for r in unaligned] == [
        ("-1", "", "paper"),
        ("0", unaligned[1]["author_name"], "unknown"),
        ("1", unaligned[2]["author_name"], "unknown"),
        ("2", unaligned[3]["author_name"], "unknown"),
    ]
    assert unaligned[0]["affiliation_raw"] == "MIT, Cambridge, MA, USA+Tsinghua University, China"
    assert unaligned[0]["countries"] == "US|CN"
    assert all(r["affiliation_raw"] == "" for r in unaligned[1:])


def export_countries(rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Each paper's countries, read from the export alone."""
    out: dict[str, set[str]] = {}
    for row in rows:
        out.setdefault(row["paper_id"], set()).update(c for c in row["countries"].split("|") if c)
    return out


def test_per_paper_countries_from_the_export_are_analyzes(store, registry, tmp_path):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    ca.export_authorships(store, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        exported = export_countries(list(csv.DictReader(handle)))
    assert {p: c for p, c in exported.items() if c} == analyzed_countries(store)


def analyzed_countries(store) -> dict[str, set[str]]:
    """The countries of each accepted paper that has one, as analysis counts them (not folded)."""
    out: dict[str, set[str]] = {}
    for paper_id, country in store.rows(
        "SELECT paper_id, country FROM effective_paper_countries JOIN papers USING (paper_id) WHERE accepted"
    ):
        out.setdefault(paper_id, set()).add(country)
    return out


def test_written_files_follow_the_umask_not_mkstemps_0600(store, registry, tmp_path):
    import os

    ca.ingest(store, [str(QUIRKS)], registry=registry)
    old = os.umask(0o022)
    try:
        out = ca.export_authorships(store, tmp_path / "a.csv") and tmp_path / "a.csv"
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
