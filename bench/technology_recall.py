"""Detection precision, recall and role accuracy per paper on the hand-labelled set of unseen lists.

    python bench/technology_recall.py [--errors]   (the set, then the held-out set)
    python bench/technology_recall.py --draw      (print the drawn sample as text to label)

The set (``tests/fixtures/technology/papers_labeled.json``) holds 200 papers drawn with a fixed
seed from eight paper lists the older labelled set never used: 100 at random, 100 at random among
papers whose title or abstract holds a name-shaped token (``NAME_SHAPED``: an internal capital or a
capital with a version number, as in ResNet-50, GPT-3, RoBERTa, YOLOv3; not the detector's catalog).
Every model family a reader names in the title and abstract is labelled with its role, by reading.
The text itself is re-read from ``../shared/data/paperlists/labeled/`` (never copied).

A second, held-out set (``papers_labeled_heldout.json``: 100 papers, seed 21, none of the first
set) was drawn and labelled after the catalog and role rules had been revised on the first set,
so it measures them on papers they were not tuned on.

A prediction is a (paper, family) pair from the detector over the title and the abstract; its role
is "uses" if any of its mentions reads as uses. Labels that name a family outside the catalog count
as misses. Role accuracy is measured on the pairs found.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from collabatlas.technology.catalog import Catalog, load_catalog
from collabatlas.technology.detect import detect_mentions

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "technology" / "papers_labeled.json"
HELD_OUT = ROOT / "tests" / "fixtures" / "technology" / "papers_labeled_heldout.json"
LABELED = ROOT.parent / "shared" / "data" / "paperlists" / "labeled"
LISTS = (
    "coling2020.json",
    "colt2023.json",
    "corl2023.json",
    "icra2022.json",
    "ijcai2022.json",
    "naacl2022.json",
    "uai2019.json",
    "wacv2021.json",
)
SEED = 20
PER_STRATUM = 100
NAME_SHAPED = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]+[A-Z][A-Za-z]*|[A-Za-z]*[A-Z][A-Za-z]*-?\d+[A-Za-z]*|[a-z]+[A-Z][A-Za-z]+)(?![\w])"
)


@dataclass
class Score:
    """Counts behind precision, recall and role accuracy."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    role_ok: int = 0
    roles: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def role_accuracy(self) -> float:
        return self.role_ok / self.tp if self.tp else 1.0


def pool(directory: Path = LABELED) -> list[dict[str, Any]]:
    """Every paper with an abstract in ``LISTS``, in list order, tagged with its list."""
    papers = []
    for name in LISTS:
        for record in json.loads((directory / name).read_text("utf-8")):
            if str(record.get("abstract") or "").strip():
                papers.append({"list": name, **record})
    return papers


def draw(
    papers: list[dict[str, Any]],
    seed: int = SEED,
    n: int = PER_STRATUM,
    exclude: frozenset[tuple[str, str]] = frozenset(),
) -> list[dict[str, Any]]:
    """The sample: ``n`` papers at random, then ``n`` at random among the rest whose text is
    name-shaped; papers whose (list, id) is in ``exclude`` (an earlier sample) are never drawn."""
    rng = random.Random(seed)
    allowed = [i for i, p in enumerate(papers) if (p["list"], str(p.get("id"))) not in exclude]
    chosen = rng.sample(allowed, n)
    taken = set(chosen)
    rest = [
        i
        for i in allowed
        if i not in taken and NAME_SHAPED.search(f"{papers[i]['title']} {papers[i]['abstract']}")
    ]
    named = rng.sample(rest, n)
    return [{**papers[i], "stratum": "random"} for i in chosen] + [
        {**papers[i], "stratum": "named"} for i in named
    ]


def predict(title: str, abstract: str, catalog: Catalog) -> dict[str, str]:
    """Family id -> role for one paper ("uses" wins if any mention uses it)."""
    roles: dict[str, str] = {}
    for text, is_title in ((title, True), (abstract, False)):
        for mention in detect_mentions(text, catalog, is_title=is_title):
            if roles.get(mention.model_id) != "uses":
                roles[mention.model_id] = mention.role
    return roles


def evaluate(
    fixture: Path = FIXTURE, directory: Path = LABELED, catalog: Catalog | None = None
) -> dict[str, Score]:
    """Scores per stratum and ``all``; the text is read from the paper lists in ``directory``."""
    catalog = catalog or load_catalog()
    labelled = json.loads(fixture.read_text("utf-8"))
    texts = {(p["list"], str(p.get("id"))): p for p in pool(directory)}
    scores = {"random": Score(), "named": Score(), "all": Score()}
    for item in labelled["papers"]:
        paper = texts[(item["list"], item["paper_id"])]
        gold = {label["family"]: label["role"] for label in item["labels"]}
        pred = predict(paper["title"], paper["abstract"], catalog)
        for family in gold.keys() | pred.keys():
            for score in (scores[item["stratum"]], scores["all"]):
                _score(score, item["paper_id"], family, gold.get(family), pred.get(family))
    return scores


def _score(score: Score, paper_id: str, family: str, gold: str | None, pred: str | None) -> None:
    if gold and pred:
        score.tp += 1
        score.role_ok += gold == pred
        score.roles[(gold, pred)] += 1
        if gold != pred:
            score.errors.append(f"role {paper_id:24} {family:20} gold={gold} pred={pred}")
    elif pred:
        score.fp += 1
        score.errors.append(f"FP   {paper_id:24} {family:20} pred={pred}")
    else:
        score.fn += 1
        score.errors.append(f"FN   {paper_id:24} {family:20} gold={gold}")


def main() -> None:
    """Print the figures per stratum (``--errors``: every error; ``--draw``: the sample to label)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--draw", action="store_true")
    args = parser.parse_args()
    if args.draw:
        for i, paper in enumerate(draw(pool())):
            print(f"## {i} {paper['stratum']} {paper['list']} {paper.get('id')}")
            print(f"{paper['title']}\n{paper['abstract']}\n")
        return
    for fixture in (FIXTURE, HELD_OUT):
        scores = evaluate(fixture)
        print(fixture.name)
        print(f"{'stratum':8} {'pairs':>6} {'found':>6} {'P':>6} {'R':>6} {'role':>6}")
        for name, s in scores.items():
            print(
                f"{name:8} {s.tp + s.fn:6} {s.tp:6} {s.precision:6.3f} {s.recall:6.3f} {s.role_accuracy:6.3f}"
            )
        total = scores["all"]
        for role in ("uses", "mentions"):
            hit = total.roles[(role, role)]
            predicted = sum(n for (_, p), n in total.roles.items() if p == role)
            actual = sum(n for (g, _), n in total.roles.items() if g == role)
            print(
                f"  role {role!r}: precision {hit / max(predicted, 1):.3f}  recall {hit / max(actual, 1):.3f}"
            )
        if args.errors:
            for error in total.errors:
                print(" ", error)
        print()


if __name__ == "__main__":
    main()
