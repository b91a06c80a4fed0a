"""The HTML report: files written, escaping of untrusted strings, determinism, CLI, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.cli import app
from collabatlas.report.html import build_report, report_data
from collabatlas.report.html.page import headline_sentence, safe_link
from tests.conftest import QUIRKS

HOSTILE_TITLE = '<img src=x onerror="alert(1)"> & <script>alert(2)</script>'


def _hostile_list(tmp_path: Path) -> Path:
    """The quirks fixture with an A–B paper whose title is markup and whose link is javascript:."""
    papers = json.loads(QUIRKS.read_text(encoding="utf-8"))
    papers[0]["title"] = HOSTILE_TITLE
    papers[0]["site"] = "javascript:alert(3)"
    path = tmp_path / "quirks2021.json"
    path.write_text(json.dumps(papers), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def quirks_db(tmp_path_factory, registry) -> Path:
    folder = tmp_path_factory.mktemp("quirks")
    with ca.Store(folder / "quirks.duckdb") as store:
        ca.ingest(store, [str(QUIRKS), str(_hostile_list(folder))], registry=registry)
    return folder / "quirks.duckdb"


@pytest.fixture
def quirks_store(quirks_db):
    with ca.Store(quirks_db, read_only=True) as store:
        yield store


@pytest.fixture(scope="module")
def built(quirks_db, tmp_path_factory) -> Path:
    """The report of the quirks store under the default rules, built once for this module."""
    out = tmp_path_factory.mktemp("report")
    with ca.Store(quirks_db, read_only=True) as store:
        files = build_report(store, ca.CountingRules(), out)
    assert files.index == out / "index.html"
    return out


def test_report_writes_page_figures_tables_and_conventions(built):
    out = built
    for name in ("trend", "pairs", "institutions"):
        assert (out / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert (out / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for table in ("headline.csv", "countries.csv", "pairs.csv", "evidence.csv", "institution_pairs.csv"):
        assert (out / table).exists()
        sidecar = json.loads((out / f"{table}.conventions.json").read_text(encoding="utf-8"))
        assert sidecar["conventions"]["pair"] == ["US", "CN"]
    report = json.loads((out / "conventions.json").read_text(encoding="utf-8"))
    assert {s["location"] for s in report["conventions"]["sources"]} >= {str(QUIRKS)}
    html = (out / "index.html").read_text(encoding="utf-8")
    for section in ("headline", "trend", "pairs", "institutions", "evidence", "methods"):
        assert f'<section id="{section}">' in html
    assert 'id="flows"' not in html  # no mentions detected in this store
    assert "quirks2020.json" in html and "Content-Security-Policy" in html
    assert "http://" not in html.split("<body>")[0] and "<link" not in html


def test_untrusted_titles_are_escaped_and_unsafe_links_dropped(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    assert HOSTILE_TITLE not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert "javascript:" not in html
    assert html.count("<script>") == 1  # the page's own filter/sort script only
    assert safe_link("https://example.org/p1") == "https://example.org/p1"
    assert safe_link("javascript:alert(1)") == "" and safe_link("/relative") == ""


def test_evidence_lists_every_ab_paper_with_link(quirks_store, built):
    data = report_data(quirks_store, ca.CountingRules())
    ab = sum(r["papers_ab"] for r in data.headline.to_pylist())
    assert ab > 0 and data.evidence.num_rows == ab
    out = built
    evidence = (out / "evidence.csv").read_text(encoding="utf-8")
    assert evidence.count("\n") == ab + 1
    html = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="https://example.org/p1">Aligned Paper</a>' in html
    assert "Alice Wang (CN)" in html


def test_headline_sentence_is_built_from_the_rows():
    rows = [
        {"venue": "NeurIPS", "year": 2017, "papers": 100, "papers_ab": 5, "share": 0.05, "ci_low": 0.02,
         "ci_high": 0.11},
        {"venue": "NeurIPS", "year": 2018, "papers": 1000, "papers_ab": 60, "share": 0.06, "ci_low": 0.047,
         "ci_high": 0.077},
    ]  # fmt: skip
    sentence = headline_sentence(rows, ca.CountingRules())
    assert sentence == (
        "Papers with authors at both US and CN institutions: at NeurIPS, 5 of 100 papers in 2017 "
        "(5.0%, 95% interval 2.0%–11.0%) to 60 of 1,000 papers in 2018 (6.0%, 95% interval 4.7%–7.7%)."
    )


def test_figures_are_deterministic(quirks_store, built, tmp_path):
    build_report(quirks_store, ca.CountingRules(), tmp_path / "again")
    for name in ("trend.svg", "pairs.svg", "institutions.svg", "index.html", "evidence.csv"):
        assert (built / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name


def test_rules_reach_the_page(quirks_store, tmp_path):
    rules = ca.CountingRules.parse("US,CN", "mainland", counting="fractional", min_count=3)
    html = build_report(quirks_store, rules, tmp_path / "r").index.read_text(encoding="utf-8")
    assert "China = mainland CN only" in html
    assert "fractional: each author" in html
    assert "fewer than 3 papers" in html


def test_empty_store_is_a_usage_error(store, tmp_path):
    with pytest.raises(ca.UsageError, match="no papers"):
        build_report(store, ca.CountingRules(), tmp_path / "r")


def test_cli_report(quirks_db, tmp_path):
    out = tmp_path / "cli-report"
    result = CliRunner().invoke(
        app, ["report", "--db", str(quirks_db), "--pair", "US,CN", "--counting", "whole", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Report written to" in result.output and (out / "index.html").exists()
    assert "pairs.svg" in result.output


def test_audit_figures_reach_the_methods(store, registry, tmp_path):
    from collabatlas.review.audit import judge, start_audit

    ca.ingest(store, [str(QUIRKS)], registry=registry)
    audit = start_audit(store, 3, seed=11, reviewer="tester")
    for position, correct in enumerate((True, True, False)):
        judge(store, audit, position, correct, reviewer="tester")
    html = build_report(store, ca.CountingRules(), tmp_path / "r").index.read_text(encoding="utf-8")
    assert "Review and audit" in html
    assert f"Audit {audit} (seed 11, 3 sampled)" in html and "2 of 3 judged resolutions right" in html
