"""Technology mentions in the full text of the real PDFs (../shared/data/pdfs) against the families a
reader found in each paper's body (tests/fixtures/pdf/expected_mentions.json, labelled by hand).

The integration test pins today's measured levels (bench/pdf_mentions.py); the fixture is a
measuring set, so the detector and catalog are not tuned on it."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from collabatlas.technology.catalog import load_catalog

EXPECTED = Path(__file__).parent / "fixtures" / "pdf" / "expected_mentions.json"
PAPERS = {
    "2020.acl-main.207.pdf",
    "2020.acl-main.447.pdf",
    "2023.eacl-main.121.pdf",
    "N18-3011.pdf",
    "N19-1423.pdf",
    "moonlight.pdf",
    "papermage.pdf",
    "qwen_technical_report.pdf",
    "toolllm.pdf",
}


def _bench() -> Any:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import pdf_mentions  # bench/pdf_mentions.py

    return pdf_mentions


def test_fixture_is_well_formed() -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert "by hand" in expected["how_made"] and "2026-12-03" in expected["how_made"]
    assert expected["guideline"]
    assert set(expected["papers"]) == PAPERS
    ids = {m.id for m in load_catalog().models}
    for file, entries in expected["papers"].items():
        families = [e["family"] for e in entries]
        assert len(families) == len(set(families)), f"{file}: a family listed twice"
        for entry in entries:
            assert set(entry) <= {"family", "role", "in_catalog", "note", "own"}, entry
            assert entry["role"] in ("uses", "mentions"), entry
            assert entry["note"].strip(), entry
            assert entry["family"] == entry["family"].strip().lower(), entry
            # in_catalog says whether the family is a catalog id, and nothing else
            assert entry["in_catalog"] is (entry["family"] in ids), entry
            if entry.get("own"):
                assert entry["role"] == "uses", entry
    assert sum(len(e) for e in expected["papers"].values()) == 150


def test_scoring_counts_pairs_and_roles() -> None:
    bench = _bench()
    expected = {
        "papers": {
            "a.pdf": [
                {"family": "bert", "role": "uses", "in_catalog": True, "note": "n"},
                {"family": "gpt", "role": "mentions", "in_catalog": True, "note": "n"},
                {"family": "sif", "role": "mentions", "in_catalog": False, "note": "n"},
            ]
        }
    }
    predicted = {"a.pdf": {"bert": "uses", "gpt": "uses", "unet": "mentions"}}
    _, total = bench.score_all(predicted, expected)
    assert (total.predicted, total.found, total.expected, total.expected_catalog) == (3, 2, 3, 2)
    assert total.precision == pytest.approx(2 / 3) and total.recall == pytest.approx(2 / 3)
    assert total.recall_catalog == 1.0 and total.role_accuracy == 0.5
    assert total.false_hits == ["a.pdf: unet (mentions)"]
    # a base family reached only through a derived one (counts_as_base) is not a detected name
    found, refs = bench._pairs(
        [
            ("scibert", "method", "uses", "use_verb"),
            ("bert", "method", "uses", "use_verb via scibert"),
            ("roberta", "references", "mentions", "section:references"),
        ]
    )
    assert found == {"scibert": "uses"} and refs == {"roberta": "mentions"}


@pytest.mark.integration
def test_full_text_mentions_on_the_real_pdfs(shared: Path) -> None:
    pdfs = shared / "pdfs"
    if not pdfs.is_dir():
        pytest.skip(f"no PDFs at {pdfs}")
    bench = _bench()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    predicted, _ = bench.detect_files(pdfs, expected["papers"])
    _, total = bench.score_all(predicted, expected)
    assert total.expected == 150 and total.expected_catalog == 74
    # measured 2026-12-03, catalog 2026.12.3: P 0.944, R 0.447 (all) / 0.905 (catalog), role 0.672
    assert total.precision >= 0.94, total.false_hits
    assert total.recall >= 0.44, total.misses
    assert total.recall_catalog >= 0.90, total.misses
    assert total.role_accuracy >= 0.67, total.wrong_roles
