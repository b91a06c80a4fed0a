"""Tests for the technology catalog and mention detector."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from collabatlas.technology.catalog import (
    Catalog,
    build_catalog,
    default_catalog_path,
    load_catalog,
)
from collabatlas.technology.detect import clean_text, detect_batch, detect_mentions

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def ids(text: str, catalog: Catalog, is_title: bool = False) -> set[str]:
    return {m.model_id for m in detect_mentions(text, catalog, is_title=is_title)}


def role(text: str, model_id: str, catalog: Catalog) -> str:
    return next(m.role for m in detect_mentions(text, catalog) if m.model_id == model_id)


@pytest.mark.parametrize(
    "text",
    [
        "Yi Zhang and Wei Yi propose a new sampler (Yi et al. 2014).",
        r"We bound the $\Phi$-regret and $\phi$-divergence; Phi is the feature map, φ its dual.",
        "Faults in a power transformer and a voltage transformer at a transformer substation.",
        "Spatial transformer networks align faces.",
        "We fit a generalized linear model (GLM) to spike trains; the GLM is convex.",
        "Claude Shannon and Claude E. Shannon founded information theory.",
        "Heat diffusion on graphs and graph diffusion kernels; diffusion maps embed the data.",
        "The latent diffusion process of the SDE is estimated by a diffusion process bridge.",
        "The Gemini constellation was observed by the Gemini North telescope.",
        "A dinosaur robot uses its palm; the FALCON benchmark; a Bloom filter; OPT-style regret.",
        "Albert and Roberta met Bertrand; we watch a video clip of Ernie and Kimi.",
        "A saturation awareness mechanism (SAM) and a Spatial Alignment Module (SAM) deblur.",
        "On the standard GPT4ALL evaluation suite the model improves.",
    ],
)
def test_traps_are_not_detected(text: str, catalog: Catalog) -> None:
    assert ids(text, catalog) == set()


def test_sharpness_aware_minimization_is_not_segment_anything(catalog: Catalog) -> None:
    text = "We show that Sharpness-Aware Minimization (SAM) finds flat minima. SAM generalizes."
    assert ids(text, catalog) == {"sam-optimizer"}
    assert ids("Improving SAM Requires Rethinking its Optimization Formulation", catalog) == {"sam-optimizer"}


def test_segment_anything_acronym(catalog: Catalog) -> None:
    text = "We adapt the Segment Anything Model (SAM) to medical images. SAM masks are refined."
    assert [m.model_id for m in detect_mentions(text, catalog)] == ["sam", "sam", "sam"]
    assert ids("SAM-Guided Masked Token Prediction for 3D Scene Understanding", catalog) == {"sam"}


def test_glm_only_as_language_model(catalog: Catalog) -> None:
    assert ids("We propose a General Language Model (GLM) based on blank infilling.", catalog) == {"glm"}
    assert ids("LLMs like GPT-4, GLM-4 and ChatGLM3 are evaluated.", catalog) == {"gpt", "glm"}
    assert ids("Generative Language Models (GLMs) need alignment; GLM alignment is noisy.", catalog) == set()


def test_claude_gemini_kimi_yi_phi_models(catalog: Catalog) -> None:
    text = "We evaluate Claude 3 Opus, Gemini 1.5 Pro, Kimi k1.5, Kimi-K2, Yi-34B and Phi-3-mini."
    assert ids(text, catalog) == {"claude", "gemini", "kimi", "yi", "phi"}
    assert ids("Kimi Raikkonen and Phi Nguyen", catalog) == set()


@pytest.mark.parametrize(
    ("text", "model_id", "matched"),
    [
        ("We fine-tune LLaMA on code.", "llama", "LLaMA"),
        ("We fine-tune Llama-2-7B on code.", "llama", "Llama-2-7B"),
        ("We fine-tune Llama 3.1 on code.", "llama", "Llama 3.1"),
        ("We fine-tune Qwen2.5-32B-Instruct on code.", "qwen", "Qwen2.5-32B-Instruct"),
        ("We distill QwQ into a small model.", "qwen", "QwQ"),
        ("We distill DeepSeek-R1 into a small model.", "deepseek", "DeepSeek-R1"),
        ("We prompt GPT-4o and ChatGPT.", "gpt", "GPT-4o"),
        ("Features from DINOv2 are used.", "dino", "DINOv2"),
        ("We train Mixtral-8x7B experts.", "mistral", "Mixtral-8x7B"),
        ("Images from DALL·E 3 are used.", "dall-e", "DALL·E 3"),
    ],
)
def test_version_patterns(text: str, model_id: str, matched: str, catalog: Catalog) -> None:
    first = detect_mentions(text, catalog)[0]
    assert (first.model_id, first.matched) == (model_id, matched)
    assert text[first.start : first.end] == matched


def test_overlaps_prefer_the_longer_earlier_name(catalog: Catalog) -> None:
    assert ids("We fine-tune a Stable Diffusion model.", catalog) == {"stable-diffusion"}
    assert ids("A Vision Transformer (ViT) backbone.", catalog) == {"vit"}
    assert ids("Efficient Mamba-UNet for imaging", catalog) == {"mamba", "unet"}
    assert ids("TableLlama and OpenCLIP", catalog) == set()
    assert ids("We distil into DistilBERT.", catalog) == {"distilbert", "bert"}


@pytest.mark.parametrize(
    ("text", "model_id", "expected_role", "rule"),
    [
        ("We fine-tune BERT on our corpus.", "bert", "uses", "use_verb"),
        ("Our retriever is built upon RoBERTa.", "roberta", "uses", "use_verb"),
        ("A CLIP-based module scores regions.", "clip", "uses", "used_as"),
        ("Our method outperforms GPT-4 on all tasks.", "gpt", "mentions", "compared"),
        (
            "Compared to Stable Diffusion, our sampler is faster.",
            "stable-diffusion",
            "mentions",
            "compared",
        ),
        ("Unlike Mamba, our model uses attention.", "mamba", "mentions", "compared"),
        (
            "Large language models such as ChatGPT have shown strong skills.",
            "gpt",
            "mentions",
            "background_cue",
        ),
        ("LLMs such as Llama are widespread.", "llama", "mentions", "example_list"),
        ("Experiments on Llama-2-7B confirm the gains.", "llama", "uses", "own_work"),
        ("Results for Gemma 7B are reported.", "gemma", "uses", "checkpoint"),
        ("Claude 3 Opus achieves a score of 60%.", "claude", "mentions", "background"),
    ],
)
def test_role_rules(text: str, model_id: str, expected_role: str, rule: str, catalog: Catalog) -> None:
    mention = next(m for m in detect_mentions(text, catalog) if m.model_id == model_id)
    assert (mention.role, mention.rule) == (expected_role, rule)


def test_title_defaults_to_uses(catalog: Catalog) -> None:
    mention = detect_mentions("Vision Mamba Mender", catalog, is_title=True)[0]
    assert (mention.role, mention.rule) == ("uses", "title")


def test_clean_text_keeps_offsets_and_drops_math_and_urls() -> None:
    text = r"Use $\mathsf{OPT}_k$ and \emph{BERT} at https://x.org/SAM now."
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert "OPT" not in cleaned and "SAM" not in cleaned and "BERT" in cleaned


def test_detect_batch_rows(catalog: Catalog) -> None:
    rows = [
        (
            "p1",
            "Segment Anything, From Space?",
            "We compare SAM with U-Net. Power transformer data.",
        )
    ]
    out = detect_batch(rows, catalog)
    assert [(r["field"], r["model_id"], r["role"]) for r in out] == [
        ("title", "sam", "uses"),
        ("abstract", "sam", "uses"),
        ("abstract", "unet", "mentions"),
    ]
    assert set(out[0]) == {
        "paper_id",
        "model_id",
        "field",
        "matched",
        "start",
        "end",
        "sentence",
        "role",
        "rule",
    }
    assert (out[2]["start"], out[2]["end"], out[2]["matched"]) == (20, 25, "U-Net")


def _raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(default_catalog_path().read_text("utf-8"))
    return data


def test_packaged_catalog_is_complete(catalog: Catalog) -> None:
    required = {
        "transformer",
        "bert",
        "gpt",
        "clip",
        "vit",
        "resnet",
        "diffusion-model",
        "stable-diffusion",
        "sam",
        "dino",
        "mamba",
        "llava",
        "vicuna",
        "llama",
        "mistral",
        "gemma",
        "gemini",
        "claude",
        "phi",
        "qwen",
        "deepseek",
        "glm",
        "baichuan",
        "internlm",
        "yi",
        "minicpm",
        "ernie",
        "kimi",
    }
    assert required <= {m.id for m in catalog.models}
    assert catalog.version == "2026.12.3"
    assert catalog.get("qwen").llm and not catalog.get("transformer").llm
    resnet = catalog.get("resnet")
    assert (resnet.developer_country, resnet.lab_country) == ("US", "CN")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "chatbot", "kind must be one of"),
        ("developer_country", "USA", "ISO 3166"),
        ("patterns", ["(unclosed"], "missing \\)"),
        ("aliases", "BERT", "must be a list"),
        ("case_sensitive", "yes", "must be a boolean"),
        ("first_release_year", "2018", "must be an integer"),
        ("id", "Bad Id", "lower-case slug"),
    ],
)
def test_catalog_validation_names_the_entry(field: str, value: Any, message: str) -> None:
    raw = _raw()
    bad = copy.deepcopy(raw)
    entry = next(m for m in bad["models"] if m["id"] == "bert")
    entry[field] = value
    with pytest.raises(ValueError, match=message) as info:
        build_catalog(bad)
    assert "catalog entry" in str(info.value)
    assert "bert" in str(info.value) or "Bad Id" in str(info.value)


def test_catalog_rejects_duplicates_and_missing_fields(tmp_path: Path) -> None:
    raw = _raw()
    raw["models"].append(copy.deepcopy(next(m for m in raw["models"] if m["id"] == "transformer")))
    with pytest.raises(ValueError, match="'transformer': duplicate id"):
        build_catalog(raw)
    path = tmp_path / "catalog.json"
    broken = _raw()
    del next(m for m in broken["models"] if m["id"] == "bert")["notes"]
    path.write_text(json.dumps(broken), "utf-8")
    with pytest.raises(ValueError, match="'bert': 'notes' must be a non-empty string"):
        load_catalog(path)


def test_fixture_meets_quality_targets(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("bench_detection", ROOT / "bench" / "detection.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench_detection", bench)
    spec.loader.exec_module(bench)
    lines = bench.FIXTURE.read_text("utf-8").splitlines()
    items = [json.loads(line) for line in lines]
    assert len(items) >= 170
    assert sum(len(i["gold"]) for i in items) >= 150
    assert sum(not i["gold"] for i in items) >= 30
    total, _ = bench.evaluate(catalog=catalog)
    assert total.precision >= 0.95
    assert total.recall >= 0.90
    assert total.role_accuracy >= 0.85
