"""The PDF and TEI readers on the real papers in ../shared/data/pdfs (integration: skipped when
../shared is absent), measured against the fixture written by reading each paper."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import collabatlas as ca
from collabatlas.sources.pdf import read_pdf
from collabatlas.sources.tei import read_tei

pytestmark = pytest.mark.integration

EXPECTED = Path(__file__).parent / "fixtures" / "pdf" / "expected.json"


@pytest.fixture
def pdfs(shared: Path) -> Path:
    directory = shared / "pdfs"
    if not directory.is_dir():
        pytest.skip(f"no PDFs at {directory}")
    return directory


def test_page_one_authors_affiliations_and_countries(pdfs: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from pdf import read_all, score  # bench/pdf.py

    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    result = score(read_all(pdfs), expected)
    assert result["authors"] == 155
    assert result["author_recall"] >= 0.95, result["misses"]
    assert result["linked_right"] >= 0.95, result["misses"]
    assert result["country_accuracy"] >= 0.95, result["misses"]


def test_grobid_tei_is_read_with_the_same_rules(pdfs: Path) -> None:
    specter = read_tei((pdfs / "2020.acl-main.207.tei.xml").read_bytes(), "2020.acl-main.207.tei.xml")
    assert [a.name for a in specter.authors][:2] == ["Arman Cohan", "Sergey Feldman"]
    graph = read_tei((pdfs / "N18-3011.tei.xml").read_bytes(), "N18-3011.tei.xml")
    assert len(graph.authors) == 23 and graph.alignment == "unknown"  # GROBID linked none
    assert [a.raw for a in graph.paper_affiliations] == [
        "Allen Institute for Artificial Intelligence, Seattle, USA",
        "Northwestern University, Evanston, USA",
    ]
    assert "introduction" in {t.section for t in graph.texts}


def test_sections_of_a_real_paper(pdfs: Path) -> None:
    record = read_pdf((pdfs / "N19-1423.pdf").read_bytes(), "N19-1423.pdf")
    headings = [(t.section, t.heading) for t in record.texts if t.heading]
    assert ("related work", "Related Work") in headings
    assert ("method", "BERT") in headings
    assert ("experiments", "Experiments") in headings
    assert ("references", "References") in headings
    assert record.abstract.startswith("We introduce a new language representation model called BERT")
    assert (record.venue, record.year) == ("NAACL", 2019)


def test_full_text_finds_what_the_abstract_does_not(pdfs: Path, store: ca.Store, registry) -> None:
    ca.ingest(store, [str(pdfs / "qwen_technical_report.pdf")], venue="arXiv", year=2023, registry=registry)
    ca.detect_pending(store)
    counts = dict(
        store.rows(
            "SELECT field IN ('title', 'abstract') AS front, count(*) FROM technology_mentions "
            "WHERE model_id = 'qwen' GROUP BY ALL"
        )
    )
    assert counts[False] > 10 * counts[True]
    related = store.rows(
        "SELECT DISTINCT role FROM technology_mentions WHERE field IN ('related work', 'references')"
    )
    assert related == [("mentions",)]
    families = {r[0] for r in store.rows("SELECT model_id FROM technology_mentions WHERE role = 'uses'")}
    assert {"qwen", "llama", "gpt"} <= families
