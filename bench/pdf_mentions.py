"""Technology mentions in the full text of the real PDFs in ../shared/data/pdfs, against what a
reader finds in each paper's body (tests/fixtures/pdf/expected_mentions.json, labelled by hand).

Run: ``PYTHONPATH=src .venv/bin/python bench/pdf_mentions.py [--misses]``.

Each PDF is ingested into a temporary store and detected as ``flows --text full`` counts it:
title, abstract and every section of the body (``technology/fulltext.py``). A prediction is a
(paper, family) pair, *uses* when any of its mentions uses it. Reported per paper and overall:

- precision: predicted pairs the reader also names;
- recall (all): the reader's pairs found, over every family a reader names (catalog or not);
- recall (catalog): the same over the reader's pairs whose family is in the catalog;
- role accuracy: the share of found pairs whose role is the reader's.

The fixture covers the body without the reference list, so pairs the detector finds only in the
reference list are listed apart and not counted against precision (``--with-references`` counts
them). A base family added only through a derived one (``counts_as_base``: SciBERT counts as a
use of BERT, rule ``… via scibert``) is a counting convention, not a name the detector found, so
those mentions are left out of the predictions.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import collabatlas as ca
from collabatlas.resolve import load_registry

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT.parent / "shared" / "data" / "pdfs"
EXPECTED = ROOT / "tests" / "fixtures" / "pdf" / "expected_mentions.json"

Pairs = dict[str, dict[str, str]]  # file -> family -> role


def detect_files(directory: Path = PDFS, files: Iterable[str] | None = None) -> tuple[Pairs, Pairs]:
    """(pairs in the body, pairs found only in the reference list) per PDF file name, with the role
    ``flows --text full`` gives each: ingested one by one into a temporary store, then detected."""
    names = sorted(files) if files is not None else sorted(p.name for p in directory.glob("*.pdf"))
    body: Pairs = {}
    references: Pairs = {}
    registry = load_registry()
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            with ca.Store(Path(tmp) / f"{name}.duckdb") as store:
                ca.ingest(store, [str(directory / name)], registry=registry)
                ca.detect_pending(store)
                rows = store.rows(
                    "SELECT model_id, field, role, rule FROM technology_mentions ORDER BY start_offset"
                )
            body[name], references[name] = _pairs(rows)
    return body, references


def _pairs(rows: Iterable[tuple[Any, ...]]) -> tuple[dict[str, str], dict[str, str]]:
    found: dict[str, str] = {}
    refs: dict[str, str] = {}
    for model_id, section, role, rule in rows:
        if " via " in str(rule):
            continue
        target = refs if section == "references" else found
        target[model_id] = "uses" if role == "uses" or target.get(model_id) == "uses" else "mentions"
    return found, {m: r for m, r in refs.items() if m not in found}


@dataclass
class Score:
    """Counts over (paper, family) pairs, and the pairs behind them."""

    predicted: int = 0
    expected: int = 0
    expected_catalog: int = 0
    found: int = 0
    found_catalog: int = 0
    role_right: int = 0
    found_uses: int = 0  # found pairs the reader labels uses
    right_uses: int = 0
    misses: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)
    wrong_roles: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in (
            "predicted",
            "expected",
            "expected_catalog",
            "found",
            "found_catalog",
            "role_right",
            "found_uses",
            "right_uses",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses += other.misses
        self.false_hits += other.false_hits
        self.wrong_roles += other.wrong_roles

    @property
    def precision(self) -> float:
        return self.found / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def recall_catalog(self) -> float:
        return self.found_catalog / self.expected_catalog if self.expected_catalog else 1.0

    @property
    def role_accuracy(self) -> float:
        return self.role_right / self.found if self.found else 1.0


def score_paper(file: str, predicted: dict[str, str], expected: list[dict[str, Any]]) -> Score:
    """Compare one paper's predicted pairs with the reader's."""
    wanted = {e["family"]: e for e in expected}
    score = Score(predicted=len(predicted), expected=len(wanted))
    score.expected_catalog = sum(1 for e in wanted.values() if e["in_catalog"])
    for family, entry in wanted.items():
        role = predicted.get(family)
        if role is None:
            where = "in catalog" if entry["in_catalog"] else "not in catalog"
            score.misses.append(f"{file}: {family} ({entry['role']}, {where})")
            continue
        score.found += 1
        score.found_catalog += entry["in_catalog"]
        score.found_uses += entry["role"] == "uses"
        if role == entry["role"]:
            score.role_right += 1
            score.right_uses += role == "uses"
        else:
            score.wrong_roles.append(f"{file}: {family} detected {role}, reader {entry['role']}")
    score.false_hits = [f"{file}: {m} ({r})" for m, r in sorted(predicted.items()) if m not in wanted]
    return score


def score_all(
    predicted: Pairs, expected: dict[str, Any], references: Pairs | None = None
) -> tuple[dict[str, Score], Score]:
    """Per-paper scores and the overall one; ``references`` (pairs found only in the reference
    list) are counted as predictions when given."""
    per: dict[str, Score] = {}
    total = Score()
    for file, entries in expected["papers"].items():
        pairs = dict(predicted.get(file, {}))
        if references is not None:
            pairs.update({m: r for m, r in references.get(file, {}).items() if m not in pairs})
        per[file] = score_paper(file, pairs, entries)
        total.add(per[file])
    return per, total


def _line(label: str, s: Score) -> str:
    return (
        f"{label:<27} {s.expected:>5} {s.expected_catalog:>5} {s.predicted:>5} {s.found:>5} "
        f"{s.precision:>6.3f} {s.recall:>6.3f} {s.recall_catalog:>6.3f} {s.role_accuracy:>6.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--with-references", action="store_true", help="count reference-only pairs")
    parser.add_argument("--misses", action="store_true", help="list every miss, false hit and wrong role")
    args = parser.parse_args()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    predicted, references = detect_files(files=expected["papers"])
    per, total = score_all(predicted, expected, references if args.with_references else None)
    print(
        f"{'paper':<27} {'pairs':>5} {'cat.':>5} {'pred':>5} {'found':>5} {'P':>6} {'R all':>6} "
        f"{'R cat':>6} {'role':>6}"
    )
    for file, s in per.items():
        print(_line(file, s))
    print(_line("all", total))
    mentions = total.found - total.found_uses
    print(
        f"role accuracy by the reader's role: uses {total.right_uses}/{total.found_uses}, "
        f"mentions {total.role_right - total.right_uses}/{mentions}"
    )
    own = [(f, e) for f, es in expected["papers"].items() for e in es if e.get("own")]
    print(f"(the reader's pairs include {len(own)} papers' own named models)")
    limit = None if args.misses else 12
    for title, items in (
        ("misses", total.misses),
        ("false hits", total.false_hits),
        ("wrong roles", total.wrong_roles),
        (
            "found only in the reference list (not counted)"
            if not args.with_references
            else "found only in the reference list (counted)",
            [f"{f}: {m} ({r})" for f, refs in references.items() for m, r in sorted(refs.items())],
        ),
    ):
        print(f"{title}: {len(items)}")
        for item in items[:limit]:
            print("   ", item)
        if limit is not None and len(items) > limit:
            print(f"    … {len(items) - limit} more (--misses lists all)")


if __name__ == "__main__":
    main()
