"""The papers behind a number are exactly the papers behind analyze's count, for the same options."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.analyze import country_totals, papers_behind
from collabatlas.cli import app
from tests.conftest import QUIRKS
from tests.test_counting import COUNTING


@pytest.fixture
def loaded(store, registry):
    ca.ingest(store, [str(COUNTING), str(QUIRKS)], registry=registry)
    return store


@pytest.mark.parametrize("counting", ["whole", "fractional", "first-author"])
@pytest.mark.parametrize("scope", ["prc", "mainland", "greater"])
def test_pair_papers_are_the_ab_count(loaded, counting, scope):
    rules = ca.CountingRules.parse("US,CN", scope, counting=counting)
    for row in ca.collaboration(loaded, rules).to_pylist():
        behind = papers_behind(loaded, rules, venue=row["venue"], year=row["year"]).to_pylist()
        assert len(behind) == row["papers_ab"]
        assert sum(p["credit_a"] for p in behind) == pytest.approx(row["ab_credit_a"])
        assert sum(p["credit_b"] for p in behind) == pytest.approx(row["ab_credit_b"])
        assert all({"US", "CN"} <= set(p["countries"]) for p in behind)


@pytest.mark.parametrize("counting", ["whole", "fractional", "first-author"])
def test_country_papers_are_the_country_total(loaded, counting):
    rules = ca.CountingRules.parse("US,CN", "mainland", counting=counting)
    for row in country_totals(loaded, rules).to_pylist():
        behind = papers_behind(loaded, rules, row["venue"], row["year"], row["country"]).to_pylist()
        assert len(behind) == row["paper_count"]
        assert sum(p["credit"] for p in behind) == pytest.approx(row["papers"])


def test_each_author_with_affiliation_country_and_method(loaded):
    rules = ca.CountingRules.parse("US,CN", counting="first-author")
    behind = papers_behind(loaded, rules, country="US", year=2021).to_pylist()
    [c1] = [p for p in behind if p["paper_id"].endswith("c1")]
    assert [a["name"] for a in c1["authors"]] == ["A One", "B Two", "C Three"]
    third = c1["authors"][2]["affiliations"]
    assert [a["affiliation"] for a in third] == [
        "Stanford University, Stanford, CA, USA",
        "Peking University, Beijing, China",
    ]
    assert [(a["country"], a["counted_as"]) for a in third] == [("US", "US"), ("CN", "CN")]
    assert all(a["method"] and a["confidence"] > 0 for a in third)
    assert c1["credit"] == 1.0 and (c1["credit_a"], c1["credit_b"]) == (1.0, 0.0)


def test_unaligned_affiliations_sit_under_an_unknown_author(loaded):
    """quirks p6 has fewer affiliations than authors: they belong to the paper, not to an author."""
    [p6] = [
        p
        for p in papers_behind(loaded, country="US", venue="quirks").to_pylist()
        if p["paper_id"].endswith("p6")
    ]
    unknown = [a for a in p6["authors"] if a["position"] == -1]
    assert len(unknown) == 1 and len(unknown[0]["affiliations"]) == 2
    assert [a["name"] for a in p6["authors"] if a["position"] >= 0] == ["J A", "K B", "L C"]


def test_hong_kong_needs_its_own_scope(loaded):
    with pytest.raises(ca.UsageError, match="HK is counted as CN"):
        papers_behind(loaded, country="HK")
    hk = papers_behind(loaded, ca.CountingRules.parse("US,CN", "mainland"), country="Hong Kong", year=2021)
    assert hk.column("paper_id").to_pylist() == ["counting2021:c2", "counting2021:c3"]


def test_unassigned_papers(loaded):
    ids = papers_behind(loaded, country="unassigned", year=2021).column("paper_id").to_pylist()
    assert ids == ["counting2021:c6"]


@pytest.mark.parametrize(
    "options",
    [
        [],
        ["--counting", "fractional", "--china-scope", "greater"],
        ["--venue", "counting", "--year", "2021", "--pair", "US,TW", "--china-scope", "mainland"],
        ["--include-rejected"],
    ],
)
def test_papers_command_matches_analyze(db_path, registry, tmp_path, options):
    with ca.Store(db_path) as s:
        ca.ingest(s, [str(COUNTING), str(QUIRKS)], registry=registry)
    runner = CliRunner()
    analyzed, listed = tmp_path / "a.json", tmp_path / "p.json"
    db = ["--db", str(db_path)]
    assert runner.invoke(app, ["analyze", *db, *options, "--json", str(analyzed)]).exit_code == 0
    result = runner.invoke(app, ["papers", *db, *options, "--json", str(listed)])
    assert result.exit_code == 0, result.output
    expected = sum(r["papers_ab"] for r in json.loads(analyzed.read_text())["rows"])
    data = json.loads(listed.read_text())
    assert len(data["papers"]) == expected
    assert f"{expected} papers behind" in result.stdout
    assert (
        data["conventions"]["china_scope"] == json.loads(analyzed.read_text())["conventions"]["china_scope"]
    )
