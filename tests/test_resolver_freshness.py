"""Resolutions cannot go stale: each carries the fingerprint of everything that decided it, an
answer that depends on co-authors is resolved per co-author context, and the store's answers are
the same whatever the order and number of ingests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import collabatlas as ca
from collabatlas.resolve import registry as registry_module
from collabatlas.resolve.apply import resolver_fingerprints, resolver_version, stale
from collabatlas.resolve.registry import resolver_inputs

LONE = {"id": "lone", "title": "Alone", "status": "Poster", "track": "main",
        "author": "A Statistician", "aff": "Department of Statistics", "aff_domain": ""}  # fmt: skip
BESIDE = {"id": "beside", "title": "With Stanford", "status": "Poster", "track": "main",
          "author": "B Statistician;C Coauthor", "aff": "Department of Statistics;Stanford University",
          "aff_domain": ";stanford.edu"}  # fmt: skip
BESIDE_MIT = {"id": "mit", "title": "With MIT", "status": "Poster", "track": "main",
              "author": "D Statistician;E Coauthor", "aff": "Department of Statistics;MIT",
              "aff_domain": ";mit.edu"}  # fmt: skip


def _write(directory: Path, name: str, papers: list[dict[str, str]]) -> str:
    path = directory / name
    path.write_text(json.dumps(papers), encoding="utf-8")
    return str(path)


def _answers(store: ca.Store) -> list[tuple[str, int, str | None, str]]:
    return store.rows(
        "SELECT p.title, r.author_position, r.country, r.method FROM link_resolutions r "
        "JOIN papers p USING (paper_id) ORDER BY p.title, r.author_position"
    )


def _paper_countries(store: ca.Store) -> list[tuple[str, str]]:
    return store.rows(
        "SELECT p.title, c.country FROM effective_paper_countries c JOIN papers p USING (paper_id) "
        "ORDER BY ALL"
    )


@pytest.mark.parametrize("order", [("lone", "beside"), ("beside", "lone")])
def test_department_beside_a_stanford_coauthor_is_us_in_either_order(tmp_path, registry, order):
    files = {
        "lone": _write(tmp_path, "iclr2020.json", [LONE]),
        "beside": _write(tmp_path, "iclr2021.json", [BESIDE]),
    }
    with ca.Store(tmp_path / "s.duckdb") as store:
        for name in order:
            ca.ingest(store, [files[name]], registry=registry)
        answers = {(p, pos): (country, method) for p, pos, country, method in _answers(store)}
        assert answers[("Alone", 0)] == (None, "unresolved")
        assert answers[("With Stanford", 0)] == ("US", "coauthor-domain")
        assert answers[("With Stanford", 1)][0] == "US"
        assert _paper_countries(store) == [("With Stanford", "US")]
        before = (_answers(store), _paper_countries(store))
        ca.resolve_affiliations(store, force=True, registry=registry)
        assert (_answers(store), _paper_countries(store)) == before


def test_the_same_string_beside_other_coauthors_is_its_own_case(tmp_path, registry):
    path = _write(tmp_path, "iclr2020.json", [LONE, BESIDE, BESIDE_MIT])
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [path], registry=registry)
        answers = {(p, pos): (country, method) for p, pos, country, method in _answers(store)}
        institutions = dict(
            store.rows(
                "SELECT p.title, r.institution FROM link_resolutions r JOIN papers p USING (paper_id) "
                "WHERE r.author_position = 0"
            )
        )
    assert answers[("Alone", 0)] == (None, "unresolved")
    assert institutions["With Stanford"] == "Stanford University"
    assert institutions["With MIT"] == "Massachusetts Institute of Technology"


def test_results_do_not_depend_on_how_papers_are_split_into_ingests(tmp_path, registry):
    papers = [LONE, BESIDE, BESIDE_MIT]
    together = _write(tmp_path, "iclr2020.json", papers)
    with ca.Store(tmp_path / "one.duckdb") as store:
        ca.ingest(store, [together], registry=registry)
        once = (_answers(store), _paper_countries(store))
    with ca.Store(tmp_path / "many.duckdb") as store:
        for i, paper in enumerate(reversed(papers)):
            ca.ingest(store, [_write(tmp_path, f"iclr{2021 + i}.json", [paper])], registry=registry)
            ca.ingest(store, [_write(tmp_path, f"iclr{2021 + i}.json", [paper])], registry=registry)
        many = (_answers(store), _paper_countries(store))
    assert once == many


def test_the_fingerprint_covers_every_resolver_module_and_data_file():
    names = {name for name, _ in resolver_inputs()}
    package = Path(registry_module.__file__).parent
    assert {f"resolve/{p.name}" for p in package.glob("*.py")} <= names
    assert {f"resolve/data/{p.name}" for p in (package / "data").iterdir() if p.is_file()} <= names
    assert "resolve/resolver.py" in names and "resolve/clues.py" in names


def test_a_changed_fingerprint_makes_everything_stale_and_is_reported(tmp_path, registry):
    path = _write(tmp_path, "iclr2020.json", [LONE, BESIDE])
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [path], registry=registry)
        assert stale(store.conn, registry).total == 0
        assert resolver_fingerprints(store.conn) == [resolver_version(registry)]
        with store.transaction() as conn:  # as if an older resolver had written one answer
            conn.execute(
                "UPDATE resolutions SET resolver_version = 'old' "
                "WHERE aff_key = (SELECT min(aff_key) FROM resolutions)"
            )
        assert len(resolver_fingerprints(store.conn)) == 2
        assert stale(store.conn, registry).affiliations == 1
        assert ca.resolve_affiliations(store, registry=registry) >= 1
        assert resolver_fingerprints(store.conn) == [resolver_version(registry)]
        assert ca.resolve_affiliations(store, registry=registry) == 0


def test_analyze_re_resolves_what_is_stale_and_says_so(tmp_path, registry):
    from typer.testing import CliRunner

    from collabatlas.cli import app

    db = tmp_path / "s.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [_write(tmp_path, "iclr2020.json", [LONE, BESIDE])], registry=registry)
        with store.transaction() as conn:
            conn.execute("UPDATE resolutions SET resolver_version = 'old'")
            conn.execute("DELETE FROM context_resolutions")
    runner = CliRunner()
    first = runner.invoke(app, ["analyze", "--db", str(db)])
    assert first.exit_code == 0, first.output
    assert "stale resolutions re-resolved" in first.output
    assert "resolver versions" not in first.output
    second = runner.invoke(app, ["analyze", "--db", str(db)])
    assert second.exit_code == 0 and "stale" not in second.output
    with ca.Store(db, read_only=True) as store:
        assert resolver_fingerprints(store.conn) == [resolver_version(registry)]
        assert _paper_countries(store) == [("With Stanford", "US")]


def test_fingerprints_can_be_narrowed_to_the_counted_papers(tmp_path, registry):
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [_write(tmp_path, "iclr2020.json", [LONE, BESIDE])], registry=registry)
        with store.transaction() as conn:
            conn.execute(
                "UPDATE resolutions SET resolver_version = 'old' WHERE aff_key IN (SELECT aff_key "
                "FROM authorship_affiliations JOIN papers USING (paper_id) WHERE title = 'Alone')"
            )
        assert len(resolver_fingerprints(store.conn)) == 2
        beside = "SELECT paper_id FROM papers WHERE title = ?"
        assert resolver_fingerprints(store.conn, beside, ["With Stanford"]) == [resolver_version(registry)]
