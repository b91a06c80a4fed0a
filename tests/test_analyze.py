"""Collaboration counts on a store whose answers are known, under each China scope."""

from __future__ import annotations

import pytest

import collabatlas as ca
from collabatlas.analyze.stats import wilson_interval
from collabatlas.errors import UsageError
from tests.conftest import QUIRKS


@pytest.fixture
def loaded(store, registry):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    return store


@pytest.mark.parametrize(
    ("scope", "papers_b", "papers_ab"),
    [("prc", 3, 3), ("mainland", 2, 2), ("greater", 4, 4)],
)
def test_china_scope(loaded, scope, papers_b, papers_ab):
    row = ca.collaboration(loaded, ca.CountingRules.parse("US,CN", scope)).to_pylist()[0]
    assert (row["papers"], row["papers_with_data"], row["papers_a"]) == (10, 8, 5)
    assert (row["papers_b"], row["papers_ab"]) == (papers_b, papers_ab)
    assert row["share"] == pytest.approx(papers_ab / 10)
    assert row["share_of_known"] == pytest.approx(papers_ab / 8)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(wilson_interval(papers_ab, 10))


def test_hong_kong_and_taiwan_on_their_own(loaded):
    rules = ca.CountingRules.parse("US,HK", "mainland")
    assert ca.collaboration(loaded, rules).to_pylist()[0]["papers_ab"] == 1
    with pytest.raises(UsageError, match="HK is counted as CN"):
        ca.CountingRules.parse("US,HK", "prc")


def test_rejected_papers_counted_only_on_request(loaded):
    rules = ca.CountingRules.parse("US,CN", accepted_only=False)
    row = ca.collaboration(loaded, rules).to_pylist()[0]
    assert (row["papers"], row["papers_ab"]) == (12, 4)


def test_top_pairs(loaded):
    pairs = {(p["country_1"], p["country_2"]): p["papers"] for p in ca.top_pairs(loaded).to_pylist()}
    assert pairs[("CN", "US")] == 3
    assert pairs[("JP", "US")] == 1


def test_country_names_are_accepted():
    assert ca.CountingRules.parse("United States,China").pair == ("US", "CN")
    with pytest.raises(UsageError, match="unknown country"):
        ca.CountingRules.parse("US,Atlantis")
    with pytest.raises(UsageError, match="china-scope"):
        ca.CountingRules.parse("US,CN", "everything")


def test_wilson_interval_known_values():
    low, high = wilson_interval(141, 5290)
    assert (round(low, 4), round(high, 4)) == (0.0226, 0.0314)
    assert wilson_interval(0, 0) == (0.0, 0.0)


@pytest.mark.parametrize("counting", ["whole", "fractional", "first-author"])
def test_credit_rows_cover_every_counted_paper(loaded, counting):
    from collabatlas.analyze import paper_credits

    rules = ca.CountingRules.parse("US,CN", counting=counting)
    table = paper_credits(loaded, rules).select(["paper_id", "country", "credit"]).to_pylist()
    rows = [(r["paper_id"], r["country"], r["credit"]) for r in table]
    assert len({r[0] for r in rows}) == 10
    totals: dict[str, float] = {}
    for paper_id, _, credit in rows:
        totals[paper_id] = totals.get(paper_id, 0.0) + credit
    if counting == "fractional":
        assert all(t == pytest.approx(1.0) for t in totals.values())
        known = sum(c for _, country, c in rows if country != "unassigned")
        assert known == pytest.approx(8)  # papers with data
    chen = {r[1]: r[2] for r in rows if r[0] == "quirks2020:p1"}
    expected = {
        "whole": {"CN": 1.0, "US": 1.0},
        "fractional": {"CN": 1 / 3 + 1 / 6, "US": 1 / 3 + 1 / 6},
        "first-author": {"CN": 1.0},
    }[counting]
    assert chen == pytest.approx(expected)
