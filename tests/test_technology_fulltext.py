"""Technology detection over full text: sections, pages, roles by section, PDF math, flows --text."""

from __future__ import annotations

from pathlib import Path

import collabatlas as ca
from collabatlas.analyze.rules import CountingRules
from collabatlas.technology.catalog import load_catalog
from collabatlas.technology.fulltext import blank_pdf_math, detect_sections
from tests.pdf_support import write_pdf

BODY = ["This line of the abstract is long enough to be the body of the page, as in a paper."] * 5


def test_dollar_amounts_do_not_hide_prose() -> None:
    text = "It cost $400,000 and we fine-tune LLaMA-7B on it, then $100,000 more."
    cleaned = blank_pdf_math(text)
    assert len(cleaned) == len(text) and "LLaMA-7B" in cleaned and "$" not in cleaned
    mentions = detect_sections("p", [("method", 3, 0, text)], load_catalog())
    assert [(m["model_id"], m["role"], m["page"]) for m in mentions] == [("llama", "uses", 3)]


def test_formula_arguments_are_not_model_names() -> None:
    catalog = load_catalog()
    formula = "We define the head as Attention(QWQ, KWK, V WV) following prior work."
    assert not detect_sections("p", [("method", 1, 0, formula)], catalog)
    line = "MultiHead(Q, K, V ) = Concat(head1, ..., headh)WO"
    assert blank_pdf_math(line).strip() == ""
    assert detect_sections("p", [("method", 1, 0, "We fine-tune QwQ-32B on math.")], catalog)


def test_related_work_and_references_only_mention() -> None:
    pieces = [
        ("related work", 2, 0, "We build on LLaMA-2-7B for all experiments."),
        ("method", 3, 45, "We fine-tune LLaMA-2-7B on our data."),
        ("references", 9, 83, "Touvron et al. LLaMA 2: open foundation models."),
    ]
    found = [
        (m["field"], m["page"], m["role"], m["rule"]) for m in detect_sections("p", pieces, load_catalog())
    ]
    assert found[0] == ("related work", 2, "mentions", "section:related work")
    assert found[1][:3] == ("method", 3, "uses")
    assert found[2] == ("references", 9, "mentions", "section:references")


def test_pages_of_a_section_over_two_pages() -> None:
    first = "We fine-tune BERT here."
    pieces = [("method", 4, 100, first), ("method", 5, 100 + len(first) + 1, "Then we fine-tune T5-large.")]
    found = {m["model_id"]: (m["page"], m["start"]) for m in detect_sections("p", pieces, load_catalog())}
    assert found["bert"] == (4, 100 + first.index("BERT"))
    assert found["t5"][0] == 5


def _paper(tmp_path: Path) -> Path:
    return write_pdf(
        tmp_path / "paper.pdf",
        [
            ["Learning With Things", "Ann Lee", "Tsinghua University", "Abstract", *BODY],
            ["1 Introduction", "Models such as GPT-4 are strong.", "2 Related Work", "Qwen is a model."],
            [
                "3 Method",
                "We fine-tune Llama-2-7B on our data.",
                "References",
                "Bai et al. Qwen technical report.",
            ],
        ],
    )


def test_detect_stores_full_text_mentions_with_section_and_page(store: ca.Store, registry, tmp_path) -> None:
    ca.ingest(store, [str(_paper(tmp_path))], venue="ICLR", year=2024, registry=registry)
    report = ca.detect_pending(store)
    assert report.mentions >= 4
    rows = store.rows("SELECT field, page, model_id, role FROM technology_mentions ORDER BY start_offset")
    assert ("method", 3, "llama", "uses") in rows
    assert ("related work", 2, "qwen", "mentions") in rows
    assert ("references", 3, "qwen", "mentions") in rows
    again = ca.detect_pending(store)
    assert again.papers_scanned == 0  # nothing changed: nothing re-scanned
    assert store.rows("SELECT count(*) FROM technology_mentions")[0][0] == len(rows)


def test_flows_text_abstract_or_full(store: ca.Store, registry, tmp_path) -> None:
    ca.ingest(store, [str(_paper(tmp_path))], venue="ICLR", year=2024, registry=registry)
    ca.detect_pending(store)
    abstract = ca.model_adoption(store, CountingRules(text="abstract")).to_pylist()
    full = {r["model"]: r for r in ca.model_adoption(store, CountingRules(text="full")).to_pylist()}
    assert abstract == []
    assert full["llama"]["papers_using"] == 1
    assert full["qwen"]["papers_mentioning"] == 1 and full["qwen"]["papers_using"] == 0
