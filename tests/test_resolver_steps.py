"""The decision order is one list of named steps; the README and the report are generated from
it, and the curated words and weights it uses are versioned data."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from pathlib import Path

from collabatlas.report.html import page
from collabatlas.resolve import resolve_one, resolver
from collabatlas.resolve.knowledge import weight_table, word_lists
from collabatlas.resolve.registry import table_versions
from collabatlas.resolve.resolver import (
    DOMAIN_TLD,
    STEPS,
    STRING_PLACE,
    decision_order_markdown,
    decision_order_text,
)

ROOT = Path(__file__).resolve().parents[1]
RESOLVE = ROOT / "src" / "collabatlas" / "resolve"


def test_a_domain_suffix_beats_a_place_inside_a_longer_name(registry):
    result = resolve_one("Widget Lab Berlin", "widget.fr", registry)
    assert (result.country, result.method) == ("FR", DOMAIN_TLD)
    alone = resolve_one("Widget Lab Berlin", "", registry)
    assert (alone.country, alone.method) == ("DE", STRING_PLACE)


def test_a_country_written_into_a_name_beats_the_domain_suffix(registry):
    result = resolve_one("Aimmo Germany GmbH", "aimmo.co.kr", registry)
    assert (result.country, result.method) == ("DE", STRING_PLACE)


def test_every_step_is_documented_and_named_once():
    names = [step.name for step in STEPS]
    assert len(names) == len(set(names))
    for step in STEPS:
        assert len(step.doc) > 20, f"step {step.name} has no documented rule (its docstring)"
        assert step.methods, step.name


def test_every_method_is_given_by_a_step():
    given = {m for step in STEPS for m in step.methods}
    assert set(resolver.METHODS) == given


def test_readme_steps_are_generated_from_the_list():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert decision_order_markdown() in readme, "run: cog -r README.md"


def test_report_methods_text_is_generated_from_the_list():
    text = decision_order_text()
    assert page.decision_order_text is decision_order_text
    for step in STEPS:
        assert step.doc.replace("`", "").rstrip(".") in text


def test_the_last_step_always_answers(registry):
    assert resolve_one("", "", registry).method == "unresolved"
    assert STEPS[-1].name == "unresolved"


def test_curated_words_and_weights_are_versioned_and_reviewed():
    versions = table_versions()
    data = resources.files("collabatlas.resolve").joinpath("data")
    for name in ("words.json", "weights.json"):
        text = data.joinpath(name).read_text(encoding="utf-8")
        assert versions[name]["sha256"] == hashlib.sha256(text.encode()).hexdigest(), (
            f"{name} changed: review it, bump its version in data/VERSIONS.json and record the new sha256"
        )


def test_every_weight_says_how_it_was_set_and_is_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in RESOLVE.glob("*.py"))
    for name, entry in weight_table().items():
        assert isinstance(entry["value"], int | float), name
        assert entry["meaning"] and entry["used_by"] and entry["calibration"], name
        used = f'"{name}"' in code or (
            name.startswith("confidence.") and re.search(r"confidence\.\{", code) is not None
        )
        assert used, f"weight {name} is not read by the resolver"


def test_every_word_list_is_described_and_used():
    code = "\n".join(p.read_text(encoding="utf-8") for p in RESOLVE.glob("*.py"))
    for name, entry in word_lists().items():
        assert entry["meaning"] and entry["used_by"], name
        assert ("words" in entry) != ("entries" in entry), name
        assert f'"{name}"' in code, f"word list {name} is not read by the resolver"
