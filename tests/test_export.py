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
            "confidence",
            "method",
        )
    )
    assert len(rows) == count
    chen = next(r for r in rows if r["author_name"] == "Chen Li")
    assert chen["author_position"] == "2"
    assert chen["affiliation_raw"] == "Google+Peking University"
    assert chen["countries"] == "US|CN"
    assert chen["institution"].count("|") == 1
    assert not any(r["title"] == "A Rejected Paper" for r in rows)
    unaligned = [r for r in rows if r["title"] == "Fewer Affiliations Than Authors"]
    assert len(unaligned) == 3 and all(r["affiliation_raw"] == "" for r in unaligned)


def test_written_files_follow_the_umask_not_mkstemps_0600(store, registry, tmp_path):
    import os

    ca.ingest(store, [str(QUIRKS)], registry=registry)
    old = os.umask(0o022)
    try:
        out = ca.export_authorships(store, tmp_path / "a.csv") and tmp_path / "a.csv"
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o644
