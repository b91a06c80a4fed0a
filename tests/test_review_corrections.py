"""Corrections: they win in analysis, keep their history, mirror to a portable file, survive re-runs."""

from __future__ import annotations

import csv

import pytest

import collabatlas as ca
from collabatlas.errors import InputError, UsageError
from collabatlas.review.corrections import correct_affiliation, override_paper
from collabatlas.review.corrections_file import COLUMNS, read_corrections, write_corrections
from collabatlas.review.importer import import_corrections, sync_corrections
from collabatlas.store.load import aff_key
from tests.review_support import ingested_store

NEU = aff_key("Northeastern University", "")
STANFORD = aff_key("Stanford University, Stanford, CA, USA", "stanford.edu")


@pytest.fixture
def db(tmp_path, registry):
    return ingested_store(tmp_path, registry)


def effective(store, key):
    return store.rows(
        "SELECT institution, country, method FROM effective_resolutions WHERE aff_key = ?", [key]
    )[0]


def p2_is_us_cn(store) -> int:
    return ca.collaboration(store, ca.CountingRules.parse("US,CN")).to_pylist()[0]["papers_ab"]


def test_human_answer_wins_everywhere_and_keeps_history(db, tmp_path):
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        before = p2_is_us_cn(store)
        correct_affiliation(store, NEU, "manual", reviewer="ann", institution="Northeastern University",
                            country="United States", mirror=mirror)  # fmt: skip
        assert effective(store, NEU) == ("Northeastern University", "US", "human")
        assert p2_is_us_cn(store) == before + 1  # paper p2 is now US–CN
        # A second tab writes later: the later write wins, the history keeps both.
        correct_affiliation(store, NEU, "manual", reviewer="bob", institution="Northeastern University",
                            country="CN", mirror=mirror)  # fmt: skip
        assert effective(store, NEU) == ("Northeastern University", "CN", "human")
        history = store.rows(
            "SELECT reviewer, country, previous FROM correction_history WHERE target = ? ORDER BY seq", [NEU]
        )
        assert [(who, c) for who, c, _ in history] == [("ann", "US"), ("bob", "CN")]
        assert history[1][2] == "Northeastern University|US|human"
        assert store.rows("SELECT previous_country, previous_method FROM corrections")[0] == ("US", "human")
        # "Not an institution" wins too: the country disappears from analysis.
        correct_affiliation(store, STANFORD, "not-institution", reviewer="ann", mirror=mirror)
        assert effective(store, STANFORD) == (None, None, "human")
    rows = list(csv.DictReader(mirror.open(encoding="utf-8")))
    assert [(r["raw"], r["domain"], r["country"], r["reviewer"]) for r in rows] == [
        ("Northeastern University", "", "CN", "bob"),
        ("Stanford University, Stanford, CA, USA", "stanford.edu", "", "ann"),
    ]


def test_corrections_survive_resolve_force(db, registry):
    with ca.Store(db) as store:
        correct_affiliation(store, STANFORD, "manual", reviewer="ann", institution="Somewhere", country="FR")
        ca.resolve_affiliations(store, force=True, registry=registry)
        assert effective(store, STANFORD) == ("Somewhere", "FR", "human")


def test_actions_accept_and_candidate(db):
    with ca.Store(db) as store:
        auto = store.rows("SELECT institution, country FROM resolutions WHERE aff_key = ?", [STANFORD])[0]
        correct_affiliation(store, STANFORD, "accept", reviewer="ann")
        assert effective(store, STANFORD) == (*auto, "human")
        candidates = store.rows("SELECT candidates FROM resolutions WHERE aff_key = ?", [NEU])[0][0]
        assert candidates != "[]"
        correct_affiliation(store, NEU, "candidate", reviewer="ann", candidate=0)
        assert effective(store, NEU)[2] == "human"
        with pytest.raises(UsageError, match="no candidate 99"):
            correct_affiliation(store, NEU, "candidate", reviewer="ann", candidate=99)
        with pytest.raises(UsageError, match="unknown country"):
            correct_affiliation(store, NEU, "manual", reviewer="ann", institution="X", country="Atlantis")
        with pytest.raises(UsageError, match="no affiliation"):
            correct_affiliation(store, "0" * 32, "accept", reviewer="ann")


def test_paper_override_changes_the_flag_and_can_be_removed(db, tmp_path):
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        before = p2_is_us_cn(store)
        override_paper(store, "review2024:p1", ["GB"], reviewer="ann", note="both at Oxford", mirror=mirror)
        assert p2_is_us_cn(store) == before - 1
        pairs = {(p["country_1"], p["country_2"]) for p in ca.top_pairs(store).to_pylist()}
        assert ("CN", "US") not in pairs
        row = next(read_corrections(mirror))
        assert (row.kind, row.paper_id, row.country, row.note, row.reviewer) == (
            "paper",
            "review2024:p1",
            "GB",
            "both at Oxford",
            "ann",
        )
        assert row.previous_country == "CN|US"
        override_paper(store, "review2024:p1", None, reviewer="ann", mirror=mirror)
        assert p2_is_us_cn(store) == before
        kinds = store.rows("SELECT action FROM correction_history WHERE kind = 'paper' ORDER BY seq")
        assert kinds == [("override",), ("clear",)]
        with pytest.raises(UsageError, match="no paper"):
            override_paper(store, "nope", ["US"], reviewer="ann")


def test_file_applies_to_another_store_and_later_write_wins(db, tmp_path, registry):
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        correct_affiliation(
            store, NEU, "manual", reviewer="ann", institution="NEU", country="CN", mirror=mirror
        )
        override_paper(store, "review2024:p3", ["FR", "DE"], reviewer="ann", note="checked", mirror=mirror)
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = ingested_store(other_dir, registry, name="other.duckdb")
    with ca.Store(other) as store:
        report = import_corrections(store, mirror, mirror=other_dir / "corrections.csv")
        assert (report.applied, report.unchanged, report.older, report.not_in_store) == (2, 0, 0, 0)
        assert effective(store, NEU) == ("NEU", "CN", "human")
        assert store.rows("SELECT countries FROM paper_overrides")[0][0] == ["DE", "FR"]
        again = import_corrections(store, mirror)
        assert (again.applied, again.unchanged) == (0, 2)
        # A later correction in this store beats the older row of the file.
        correct_affiliation(store, NEU, "manual", reviewer="bob", institution="NEU", country="US")
        assert import_corrections(store, mirror).older == 1
        assert effective(store, NEU)[1] == "US"
    assert (other_dir / "corrections.csv").read_text().splitlines()[0] == ",".join(COLUMNS)


def test_sync_brings_a_lagging_file_up_to_date(db, tmp_path):
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        correct_affiliation(store, NEU, "accept", reviewer="ann")  # no mirror: the file lags
        assert sync_corrections(store, mirror) is None
        assert len(list(read_corrections(mirror))) == 1
        assert sync_corrections(store, mirror).unchanged == 1


def test_atomic_write_leaves_no_temporary_file(db, tmp_path):
    mirror = tmp_path / "sub" / "corrections.csv"
    with ca.Store(db) as store:
        correct_affiliation(store, NEU, "accept", reviewer="ann")
        assert write_corrections(store, mirror) == 1
    assert sorted(p.name for p in mirror.parent.iterdir()) == ["corrections.csv"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n", "not a corrections file"),
        (",".join(COLUMNS) + "\nbogus,,,,,,,,,,2024-01-01,,,\n", "line 2: malformed"),
        (",".join(COLUMNS) + "\naffiliation,x,,,accept,,,,,ann,yesterday,,,\n", "bad corrected_at"),
    ],
)
def test_bad_file_is_refused_and_store_untouched(db, tmp_path, text, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with ca.Store(db) as store:
        with pytest.raises(InputError, match=message):
            import_corrections(store, bad)
        assert store.rows("SELECT count(*) FROM corrections")[0][0] == 0
