"""The catalog built from Epoch AI's list: derived families, research staples, and text traps."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

import collabatlas as ca
from collabatlas.resolve import Registry
from collabatlas.store import Store
from collabatlas.technology.apply import scan_pending
from collabatlas.technology.catalog import KINDS, Catalog, build_catalog, default_catalog_path, load_catalog
from collabatlas.technology.detect import clean_text, detect_mentions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def found(text: str, catalog: Catalog) -> dict[str, str]:
    """model id -> text as written at its first mention in ``text``."""
    out: dict[str, str] = {}
    for m in detect_mentions(text, catalog):
        out.setdefault(m.model_id, m.matched)
    return out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a derived name is its own family with its own origin ...
        ("We prompt Grounding DINO with the class names.", {"grounding-dino"}),
        ("Features come from EVA-CLIP.", {"eva-clip"}),
        ("A Swin Transformer backbone is used.", {"swin-transformer"}),
        # ... and counts as a use of the base only where the catalog says so
        ("We embed sentences with Sentence-BERT.", {"sentence-bert", "bert"}),
        ("We fine-tune Stable Video Diffusion.", {"stable-video-diffusion", "stable-diffusion"}),
        ("Vicuna-13B answers the questions.", {"vicuna"}),
    ],
)
def test_derived_families(text: str, expected: set[str], catalog: Catalog) -> None:
    assert set(found(text, catalog)) == expected


def test_derived_origin_and_rule(catalog: Catalog) -> None:
    assert catalog.get("grounding-dino").developer_country == "CN"
    assert catalog.get("eva-clip").developer_country == "CN"
    assert catalog.get("sentence-bert").developer_country == "DE"
    swin = catalog.get("swin-transformer")
    assert (swin.developer_country, swin.lab_country) == ("US", "CN")
    assert catalog.bases["sentence-bert"] == "bert" and "eva-clip" not in catalog.bases
    rules = {m.model_id: m.rule for m in detect_mentions("We use Sentence-BERT embeddings.", catalog)}
    assert rules["bert"] == f"{rules['sentence-bert']} via sentence-bert"


@pytest.mark.parametrize(
    ("text", "model_id", "matched"),
    [
        # the research staples papers build on
        ("We fine-tune with LoRA and align with DPO, then GRPO.", "lora", "LoRA"),
        ("We fine-tune with LoRA and align with DPO, then GRPO.", "dpo", "DPO"),
        ("We fine-tune with LoRA and align with DPO, then GRPO.", "grpo", "GRPO"),
        ("Captions are generated with BLIP-2.", "blip", "BLIP-2"),
        ("We compare BART and PEGASUS summarisers.", "bart", "BART"),
        ("We compare BART and PEGASUS summarisers.", "pegasus", "PEGASUS"),
        ("Images are encoded by SigLIP and texts by BGE-M3.", "siglip", "SigLIP"),
        ("Images are encoded by SigLIP and texts by BGE-M3.", "bge", "BGE-M3"),
        ("A DiT-XL/2 generator with ControlNet conditioning.", "dit", "DiT-XL"),
        ("A DiT-XL/2 generator with ControlNet conditioning.", "controlnet", "ControlNet"),
        ("We compare NeRF and 3D Gaussian Splatting.", "nerf", "NeRF"),
        ("We compare NeRF and 3D Gaussian Splatting.", "gaussian-splatting", "3D Gaussian Splatting"),
        ("Detections from YOLOv8 and transcripts from Whisper.", "yolo", "YOLOv8"),
        ("Detections from YOLOv8 and transcripts from Whisper.", "whisper", "Whisper"),
        ("RWKV, a VAE and SimCSE embeddings.", "rwkv", "RWKV"),
        ("RWKV, a VAE and SimCSE embeddings.", "vae", "VAE"),
        ("RWKV, a VAE and SimCSE embeddings.", "simcse", "SimCSE"),
        ("We evaluate UI-TARS and PanGu-α.", "ui-tars", "UI-TARS"),
        ("We evaluate UI-TARS and PanGu-α.", "pangu", "PanGu-α"),
        ("It uses multi-head latent attention.", "mla", "multi-head latent attention"),
        # families from Epoch AI's list the old catalog lacked
        ("Grok-2, Nemotron-4 340B, OLMo-7B and Sora are compared.", "grok", "Grok-2"),
        ("Grok-2, Nemotron-4 340B, OLMo-7B and Sora are compared.", "nemotron", "Nemotron-4"),
        ("Grok-2, Nemotron-4 340B, OLMo-7B and Sora are compared.", "olmo", "OLMo-7B"),
        ("Videos from Veo 2 and Imagen 3 and Amazon Nova Pro.", "veo", "Veo 2"),
        ("Videos from Veo 2 and Imagen 3 and Amazon Nova Pro.", "amazon-nova", "Amazon Nova"),
        ("Hunyuan-Large, Doubao-1.5-pro and MiniMax-M1 answer.", "hunyuan", "Hunyuan-Large"),
        ("Hunyuan-Large, Doubao-1.5-pro and MiniMax-M1 answer.", "doubao-seed", "Doubao-1.5-pro"),
        ("Hunyuan-Large, Doubao-1.5-pro and MiniMax-M1 answer.", "minimax", "MiniMax-M1"),
        ("MiMo-7B, EXAONE 3.5 and HyperCLOVA X are Asian LLMs.", "mimo", "MiMo-7B"),
        ("MiMo-7B, EXAONE 3.5 and HyperCLOVA X are Asian LLMs.", "exaone", "EXAONE 3.5"),
        ("MiMo-7B, EXAONE 3.5 and HyperCLOVA X are Asian LLMs.", "hyperclova", "HyperCLOVA X"),
        ("Pixtral-12B reads the charts.", "mistral", "Pixtral-12B"),
    ],
)
def test_staples_and_registry_families(text: str, model_id: str, matched: str, catalog: Catalog) -> None:
    assert found(text, catalog).get(model_id) == matched


def test_money_is_not_math(catalog: Catalog) -> None:
    text = "Training cost $400,000 with GPT-4 labels, while Llama needed only $100,000 of compute."
    assert clean_text(text) == text
    assert set(found(text, catalog)) == {"gpt", "llama"}
    assert found(r"Let $\mathrm{Qwen}$ be a set; a $5M budget buys BERT.", catalog) == {"bert": "BERT"}


def test_attention_projections_are_not_qwq(catalog: Catalog) -> None:
    # "Attention(QW^Q_i, KW^K_i, VW^V_i)" as PDF text extraction renders it
    text = "where headi = Attention(QWQ i , KWK i , VWV i ). The Transformer uses 8 heads."
    assert set(found(text, catalog)) == {"transformer"}
    assert found("We sample from QwQ-32B-Preview.", catalog) == {"qwen": "QwQ-32B-Preview"}


@pytest.mark.parametrize(
    ("text", "model_id", "matched"),
    [
        ("We compare against OpenAI O1 and DeepSeek-R1.", "gpt", "O1"),
        ("Reasoning models of the o1-series think longer.", "gpt", "o1-series"),
        ("We test Claude Computer Use on web tasks.", "claude", "Claude"),
        ("RecurrentGemma matches Gemma at lower memory.", "gemma", "RecurrentGemma"),
        ("We fine-tune BERTBASE and BERTLARGE.", "bert", "BERTBASE"),
        ("better than CNN-based and BERTbased methods", "bert", "BERTbased"),
        ("Diffusion language models decode in parallel.", "diffusion-model", "Diffusion language models"),
    ],
)
def test_misses_inside_the_catalog(text: str, model_id: str, matched: str, catalog: Catalog) -> None:
    assert found(text, catalog).get(model_id) == matched


def test_claude_shannon_is_still_a_person(catalog: Catalog) -> None:
    assert found("Claude Shannon and Claude E. Shannon founded information theory.", catalog) == {}


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_catalog_path().read_text("utf-8"))
    return data


def test_catalog_cites_epoch_and_uses_the_kinds(catalog: Catalog) -> None:
    raw = _raw()
    assert "Epoch AI" in raw["attribution"] and "CC BY 4.0" in raw["attribution"]
    assert {m.kind for m in catalog.models} <= KINDS
    assert len(catalog.models) >= 200
    assert "Grok-1" in catalog.get("grok").epoch_models
    assert "SigLIP 400M" in catalog.get("siglip").epoch_models
    assert not catalog.get("lora").epoch_models  # a research staple, not from Epoch's list


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"derived_from": "no-such-family"}, "derived_from 'no-such-family' is not in the catalog"),
        ({"counts_as_base": True}, "counts_as_base needs derived_from"),
        ({"derived_from": 3}, "'derived_from' must be a non-empty string"),
    ],
)
def test_derived_validation(change: dict[str, Any], message: str) -> None:
    raw = copy.deepcopy(_raw())
    entry = next(m for m in raw["models"] if m["id"] == "bert")
    entry.update(change)
    with pytest.raises(ValueError, match=message):
        build_catalog(raw)


def test_a_derived_mention_and_its_base_are_both_stored(
    store: Store, registry: Registry, catalog: Catalog, tmp_path: Path
) -> None:
    paper = {"id": "p1", "title": "Sentence-BERT for search", "status": "Poster", "track": "main"}
    paper |= {"author": "A", "aff": "Stanford University", "aff_domain": "stanford.edu", "abstract": ""}
    (tmp_path / "test2024.json").write_text(json.dumps([paper]), "utf-8")
    ca.ingest(store, [str(tmp_path / "test2024.json")], registry=registry)
    with store.transaction() as conn:
        scan_pending(conn, catalog)
    rows = store.rows("SELECT model_id, start_offset, matched, rule FROM technology_mentions ORDER BY 1")
    assert rows == [
        ("bert", 0, "Sentence-BERT", "title via sentence-bert"),
        ("sentence-bert", 0, "Sentence-BERT", "title"),
    ]
    models = store.rows(
        "SELECT derived_from, counts_as_base FROM technology_models WHERE model_id = 'sentence-bert'"
    )
    assert models == [("bert", True)]


@pytest.mark.integration
def test_epoch_coverage_meets_the_target(shared: Path) -> None:
    bench = _bench("catalog_coverage")
    covered, missed = bench.coverage(shared / "models" / "epoch_notable_ai_models.csv")
    assert len(covered) + len(missed) == 361
    assert len(covered) / 361 >= 0.85


@pytest.mark.integration
def test_bert_paper_sizes_are_bert(shared: Path, catalog: Catalog) -> None:
    pdfium = pytest.importorskip("pypdfium2")
    page = pdfium.PdfDocument(shared / "pdfs" / "N19-1423.pdf")[2]
    text = page.get_textpage().get_text_range()
    matched = {m.matched for m in detect_mentions(text, catalog) if m.model_id == "bert"}
    assert {"BERTBASE", "BERTLARGE"} <= matched


@pytest.mark.parametrize(
    ("text", "model_id", "role", "rule"),
    [
        ("A Graph Transformer is used to prepare token embeddings.", "transformer", "uses", "used_after"),
        ("Our method outperforms other methods (e.g., HRank) on CIFAR.", "hrank", "mentions", "compared"),
        ("It leverages the recent idea of ConvGRU for propagation.", "convgru", "uses", "use_verb"),
        ("Recent work has shown the power of BERT.", "bert", "mentions", "background_cue"),
    ],
)
def test_role_rules_from_the_unseen_lists(
    text: str, model_id: str, role: str, rule: str, catalog: Catalog
) -> None:
    mention = next(m for m in detect_mentions(text, catalog) if m.model_id == model_id)
    assert (mention.role, mention.rule) == (role, rule)


def _bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.integration
def test_unseen_labelled_set_is_the_recorded_draw_and_meets_the_bar(shared: Path, catalog: Catalog) -> None:
    bench = _bench("technology_recall")
    fixture = json.loads(bench.FIXTURE.read_text("utf-8"))
    directory = shared / "paperlists" / "labeled"
    drawn = bench.draw(bench.pool(directory), fixture["seed"], fixture["per_stratum"])
    assert [(p["list"], str(p["id"]), p["stratum"]) for p in drawn] == [
        (p["list"], p["paper_id"], p["stratum"]) for p in fixture["papers"]
    ]
    assert len(fixture["papers"]) >= 200
    scores = bench.evaluate(bench.FIXTURE, directory, catalog)
    total = scores["all"]
    assert total.tp + total.fn >= 90
    assert total.precision >= 0.97
    assert total.recall >= 0.92
    # below the 0.92 target (docs/technology-flow.md): this pins what the rules reach today
    assert total.role_accuracy >= 0.89


@pytest.mark.integration
def test_held_out_set_is_the_recorded_draw(shared: Path, catalog: Catalog) -> None:
    bench = _bench("technology_recall")
    first = json.loads(bench.FIXTURE.read_text("utf-8"))
    held = json.loads(bench.HELD_OUT.read_text("utf-8"))
    directory = shared / "paperlists" / "labeled"
    seen = frozenset((p["list"], p["paper_id"]) for p in first["papers"])
    drawn = bench.draw(bench.pool(directory), held["seed"], held["per_stratum"], seen)
    assert [(p["list"], str(p["id"]), p["stratum"]) for p in drawn] == [
        (p["list"], p["paper_id"], p["stratum"]) for p in held["papers"]
    ]
    total = bench.evaluate(bench.HELD_OUT, directory, catalog)["all"]
    assert total.precision >= 0.97
    # far below the 0.92: most misses are long-tail named methods (docs/technology-flow.md)
    assert total.recall >= 0.6
