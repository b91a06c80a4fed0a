"""Counting conventions on a hand-built store where every answer is known.

tests/fixtures/paperlists/counting2021.json, accepted papers (c8 is rejected):
c1 US, CN, (US+CN) · c2 HK, (CN+HK) · c3 HK, US · c4 TW, US · c5 (none), JP · c6 none · c7 US.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.analyze import (
    compare_official_totals,
    conventions,
    conventions_footer,
    country_totals,
    official_totals,
    pair_matrix,
    paper_credits,
)
from collabatlas.analyze.stats import wilson_interval
from collabatlas.cli import app
from collabatlas.report import export_pairs, sidecar_path
from tests.conftest import FIXTURES

COUNTING = FIXTURES / "paperlists" / "counting2021.json"

EXPECTED = {
    ("whole", "prc"): {"US": 4, "CN": 3, "TW": 1, "JP": 1, "unassigned": 1},
    ("whole", "mainland"): {"US": 4, "CN": 2, "HK": 2, "TW": 1, "JP": 1, "unassigned": 1},
    ("whole", "greater"): {"US": 4, "CN": 4, "JP": 1, "unassigned": 1},
    ("fractional", "prc"): {"US": 2.5, "CN": 2.0, "TW": 0.5, "JP": 1.0, "unassigned": 1},
    ("fractional", "mainland"): {"US": 2.5, "CN": 0.75, "HK": 1.25, "TW": 0.5, "JP": 1.0, "unassigned": 1},
    ("fractional", "greater"): {"US": 2.5, "CN": 2.5, "JP": 1.0, "unassigned": 1},
    ("first-author", "prc"): {"US": 2, "CN": 2, "TW": 1, "unassigned": 2},
    ("first-author", "mainland"): {"US": 2, "CN": 0, "HK": 2, "TW": 1, "unassigned": 2},
    ("first-author", "greater"): {"US": 2, "CN": 3, "unassigned": 2},
}


@pytest.fixture
def counted(store, registry):
    ca.ingest(store, [str(COUNTING)], registry=registry)
    return store


@pytest.fixture
def counted_db(db_path, registry) -> Path:
    with ca.Store(db_path) as s:
        ca.ingest(s, [str(COUNTING)], registry=registry)
    return db_path


def rules(counting: str = "whole", scope: str = "prc", **kwargs) -> ca.CountingRules:
    return ca.CountingRules.parse("US,CN", scope, counting=counting, **kwargs)


@pytest.mark.parametrize(("counting", "scope"), list(EXPECTED))
def test_country_totals_exact(counted, counting, scope):
    table = country_totals(counted, rules(counting, scope)).to_pylist()
    got = {r["country"]: r["papers"] for r in table}
    want = {k: v for k, v in EXPECTED[(counting, scope)].items() if v}
    assert got == pytest.approx(want)
    assert table[-1]["country"] == "unassigned"
    known = 7 - want["unassigned"]
    for r in table:
        assert (r["total_papers"], r["papers_with_data"]) == (7, known)
        assert r["coverage"] == pytest.approx(known / 7)
        assert r["share_all"] == pytest.approx(r["papers"] / 7)
        assert (r["ci_low"], r["ci_high"]) == pytest.approx(wilson_interval(r["papers"], 7))
        if r["country"] == "unassigned":
            assert r["share_known"] is None and r["ci_known_low"] is None
        else:
            assert r["share_known"] == pytest.approx(r["papers"] / known)
            assert (r["ci_known_low"], r["ci_known_high"]) == pytest.approx(
                wilson_interval(r["papers"], known)
            )
    assigned = sum(r["papers"] for r in table if r["country"] != "unassigned")
    if counting == "whole":
        assert assigned > known  # a paper counts once for each country present
    else:  # fractional credit sums to the papers with data; no first author here has two countries
        assert assigned == pytest.approx(known)


@pytest.mark.parametrize("counting", ["whole", "fractional", "first-author"])
@pytest.mark.parametrize("scope", ["prc", "mainland", "greater"])
def test_hong_kong_counted_once(counted, counting, scope):
    """c2 has an author in HK and one in CN+HK: folded into CN it gives CN one paper, not two."""
    credits = {
        r["country"]: r["credit"]
        for r in paper_credits(counted, rules(counting, scope)).to_pylist()
        if r["paper_id"].endswith("c2")
    }
    assert sum(credits.values()) <= 2
    if scope == "mainland":
        assert credits["HK"] == pytest.approx({"whole": 1, "fractional": 0.75, "first-author": 1}[counting])
    else:
        assert credits == {"CN": pytest.approx(1.0)}


def test_fractional_collaboration_reports_both_fractions(counted):
    for counting, expected in (("whole", (2, 2)), ("fractional", (1.0, 1.0)), ("first-author", (1, 1))):
        row = ca.collaboration(counted, rules(counting)).to_pylist()[0]
        assert (row["papers"], row["papers_with_data"], row["papers_unassigned"]) == (7, 6, 1)
        assert (row["papers_a"], row["papers_b"], row["papers_ab"]) == (4, 3, 2)
        assert (row["ab_credit_a"], row["ab_credit_b"]) == pytest.approx(expected)
        assert row["coverage"] == pytest.approx(6 / 7)
        assert (row["ci_known_low"], row["ci_known_high"]) == pytest.approx(wilson_interval(2, 6))
    fractional = ca.collaboration(counted, rules("fractional")).to_pylist()[0]
    assert (fractional["credit_a"], fractional["credit_b"]) == pytest.approx((2.5, 2.0))
    assert ca.collaboration(counted, rules(scope="greater")).to_pylist()[0]["papers_ab"] == 3  # c1, c3, c4


def test_small_counts_flagged(counted):
    table = {r["country"]: r["small"] for r in country_totals(counted, rules(min_count=2)).to_pylist()}
    assert table == {"US": False, "CN": False, "TW": True, "JP": True, "unassigned": True}
    assert ca.collaboration(counted, rules(min_count=2)).to_pylist()[0]["small"] is False
    assert ca.collaboration(counted, rules(min_count=3)).to_pylist()[0]["small"] is True


def test_pair_matrix_and_salton(counted):
    rows = {(r["country_1"], r["country_2"]): r for r in pair_matrix(counted, rules()).to_pylist()}
    assert set(rows) == {("CN", "US"), ("TW", "US")}
    cn_us = rows[("CN", "US")]
    assert (cn_us["papers"], cn_us["papers_1"], cn_us["papers_2"]) == (2, 3, 4)
    assert cn_us["salton"] == pytest.approx(2 / (3 * 4) ** 0.5)
    assert (cn_us["total_papers"], cn_us["papers_with_data"]) == (7, 6)
    mainland = {
        (r["country_1"], r["country_2"]): r["papers"]
        for r in pair_matrix(counted, rules(scope="mainland")).to_pylist()
    }
    assert mainland == {("CN", "US"): 1, ("CN", "HK"): 1, ("HK", "US"): 1, ("TW", "US"): 1}


def test_conventions_footer_names_every_convention(counted):
    text = conventions_footer(conventions(counted, rules("fractional", min_count=5)))
    for needle in (
        "US–CN",
        "--china-scope prc",
        "fractional counting",
        "accepted papers only",
        "fewer than 5",
        "unassigned",
        "counting 2021: 8 records",
        "resolver",
        "swot",
    ):
        assert needle in text


def _nips2018(path: Path, accepted: int) -> Path:
    papers = [
        {"id": f"p{i}", "title": f"Paper {i}", "status": "Poster", "author": "A", "aff": "MIT, USA"}
        for i in range(accepted)
    ]
    papers.append({"id": "r", "title": "Rejected", "status": "Reject", "author": "B", "aff": "MIT, USA"})
    target = path / "nips2018.json"
    target.write_text(json.dumps(papers), encoding="utf-8")
    return target


def test_official_totals_compared(store, registry, tmp_path):
    official = official_totals().to_pylist()
    assert {(r["venue"], r["year"], r["accepted_papers"]) for r in official} >= {
        ("NeurIPS", 2024, 4497),
        ("NeurIPS", 2025, 5290),
    }
    assert all(r["source"] for r in official)
    ca.ingest(store, [str(_nips2018(tmp_path, 1005))], registry=registry)  # 1,011 official: -0.6%
    [check] = compare_official_totals(store)
    assert (check["ingested_accepted"], check["official_accepted"], check["differs"]) == (1005, 1011, False)
    [check] = compare_official_totals(store, tolerance=0.001)
    assert check["differs"] is True


def test_analyze_warns_on_official_total(db_path, registry, tmp_path):
    with ca.Store(db_path) as s:
        ca.ingest(s, [str(_nips2018(tmp_path, 990))], registry=registry)  # -2.1%
    result = CliRunner().invoke(app, ["analyze", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "NeurIPS 2018: 990 accepted papers ingested, the official count is 1,011 (-2.1%" in result.stderr


def test_every_output_carries_conventions(counted_db, tmp_path):
    runner = CliRunner()
    db = ["--db", str(counted_db)]
    analyzed = tmp_path / "a.json"
    result = runner.invoke(
        app, ["analyze", *db, "--counting", "fractional", "--min-count", "3", "--json", str(analyzed)]
    )
    assert result.exit_code == 0, result.output
    assert "fractional counting" in result.stdout and "unassigned" in result.stdout and "ˢ" in result.stdout
    data = json.loads(analyzed.read_text())
    assert data["conventions"]["counting"] == "fractional" and data["conventions"]["min_count"] == 3
    assert data["conventions"]["sources"][0]["records"] == 8
    assert {r["country"] for r in data["country_totals"]} >= {"US", "CN", "unassigned"}
    listed = tmp_path / "p.json"
    assert runner.invoke(app, ["papers", *db, "--json", str(listed)]).exit_code == 0
    assert json.loads(listed.read_text())["conventions"]["pair"] == ["US", "CN"]
    for name, command in (("pairs.csv", ["export", "pairs"]), ("authorships.csv", ["export", "authorships"])):
        out = tmp_path / name
        result = runner.invoke(app, [*command, *db, "--out", str(out)])
        assert result.exit_code == 0, result.output
        sidecar = json.loads(sidecar_path(out).read_text())
        assert sidecar["conventions"]["china_scope"] == "prc"
        assert sidecar["columns"] == list(pd.read_csv(out).columns)
    graph = tmp_path / "pairs.graphml"
    assert (
        runner.invoke(app, ["export", "pairs", *db, "--out", str(graph), "--format", "graphml"]).exit_code
        == 0
    )
    loaded = nx.read_graphml(graph)
    assert json.loads(loaded.graph["conventions"])["counting"] == "whole"
    assert sorted(loaded.nodes) == ["CN", "TW", "US"]


def test_export_pairs_csv(counted, tmp_path):
    out = tmp_path / "pairs.csv"
    assert export_pairs(counted, out, rules("fractional")) == 2
    frame = pd.read_csv(out)
    assert list(frame.columns[:8]) == [
        "venue",
        "year",
        "country_1",
        "country_2",
        "papers",
        "papers_1",
        "papers_2",
        "salton",
    ]
    sidecar = json.loads(sidecar_path(out).read_text())["conventions"]
    assert sidecar["pair_counting"].startswith("whole: a paper counts once for each pair")
    with pytest.raises(ca.UsageError, match="format"):
        export_pairs(counted, tmp_path / "x", fmt="gexf")


@pytest.mark.parametrize("counting", ["fractional", "first-author"])
@pytest.mark.parametrize(
    "selection",
    [["--venue", "counting"], ["--year", "2021"], ["--venue", "counting", "--year", "2021"]],
)
def test_a_filter_changes_no_credit(counted_db, tmp_path, counting, selection):
    """Regression: --venue set every credit column to 0, --year alone crashed (parameters by position)."""
    runner = CliRunner()
    db = ["--db", str(counted_db)]
    full, narrowed = tmp_path / "full.json", tmp_path / "narrowed.json"
    assert runner.invoke(app, ["analyze", *db, "--counting", counting, "--json", str(full)]).exit_code == 0
    result = runner.invoke(app, ["analyze", *db, "--counting", counting, *selection, "--json", str(narrowed)])
    assert result.exit_code == 0, result.output
    whole, part = json.loads(full.read_text()), json.loads(narrowed.read_text())
    assert part["rows"] == whole["rows"] and part["country_totals"] == whole["country_totals"]
    assert part["rows"][0]["credit_a"] > 0


@pytest.mark.parametrize("counting", ["whole", "fractional", "first-author"])
def test_paper_override_applies_in_every_counting_mode(counted, counting):
    """Regression: an override to CN|US was ignored under fractional counting."""
    from collabatlas.review import override_paper

    override_paper(counted, "counting2021:c7", ["CN", "US"], reviewer="test")
    credits = {
        r["country"]: r["credit"]
        for r in paper_credits(counted, rules(counting)).to_pylist()
        if r["paper_id"] == "counting2021:c7"
    }
    if counting == "first-author":  # the override keeps the first author's US, so US leads it
        assert credits == {"US": pytest.approx(1.0)}
    else:
        expected = 0.5 if counting == "fractional" else 1.0
        assert credits == {"CN": pytest.approx(expected), "US": pytest.approx(expected)}
    behind = ca.papers_behind(counted, rules(counting)).column("paper_id").to_pylist()
    assert "counting2021:c7" in behind


@pytest.mark.parametrize("tracks", ["all", "main"])
@pytest.mark.parametrize("companies", ["site", "headquarters"])
def test_tracks_and_companies_reach_analyze_papers_and_the_export(counted_db, tmp_path, tracks, companies):
    """The CLI's --tracks and --companies give the library's figures, and every output says so."""
    runner = CliRunner()
    options = ["--db", str(counted_db), "--tracks", tracks, "--companies", companies]
    analyzed, listed, exported = tmp_path / "a.json", tmp_path / "p.json", tmp_path / "a.csv"
    assert runner.invoke(app, ["analyze", *options, "--json", str(analyzed)]).exit_code == 0
    assert runner.invoke(app, ["papers", *options, "--json", str(listed)]).exit_code == 0
    result = runner.invoke(app, ["export", "authorships", *options, "--out", str(exported)])
    assert result.exit_code == 0, result.output
    rules = ca.CountingRules(tracks=tracks, companies=companies)
    with ca.Store(counted_db, read_only=True) as store:
        expected = ca.collaboration(store, rules).to_pylist()
        behind = {r["paper_id"] for r in ca.papers_behind(store, rules).to_pylist()}
    data = json.loads(analyzed.read_text())
    assert data["rows"] == json.loads(json.dumps(expected))
    assert (data["conventions"]["tracks"], data["conventions"]["companies"]) == (tracks, companies)
    assert {p["paper_id"] for p in json.loads(listed.read_text())["papers"]} == behind
    frame = pd.read_csv(exported, keep_default_na=False)
    assert frame["paper_id"].nunique() == sum(r["papers"] for r in expected)
    pairs = zip(frame["paper_id"], frame["paper_countries"], strict=True)
    both = {paper for paper, countries in pairs if {"US", "CN"} <= set(countries.split("|"))}
    assert both == behind


def test_an_unknown_tracks_value_is_a_usage_error(counted_db):
    result = CliRunner().invoke(app, ["analyze", "--db", str(counted_db), "--tracks", "side"])
    assert result.exit_code != 0 and "unknown --tracks 'side'" in str(result.exception or result.output)
