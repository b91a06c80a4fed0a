"""Score the technology detector on the hand-labelled fixture.

Run: ``PYTHONPATH=src .venv/bin/python bench/detection.py``. A prediction is a
(sentence, model_id) pair; it is correct when the gold list of that sentence
holds the same model. Role accuracy is measured on correctly detected pairs.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from collabatlas.technology.catalog import Catalog, load_catalog
from collabatlas.technology.detect import detect_mentions

FIXTURE = (
    Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "technology" / "mentions_labeled.jsonl"
)


@dataclass
class Score:
    """Counts behind detection precision/recall and role accuracy."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    role_ok: int = 0
    roles: Counter[tuple[str, str]] = field(default_factory=Counter)  # (gold, predicted) on tp
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def role_accuracy(self) -> float:
        return self.role_ok / self.tp if self.tp else 1.0


def predict(sentence: str, catalog: Catalog, is_title: bool = False) -> dict[str, str]:
    """Model id -> role for one sentence ("uses" wins if any mention uses it)."""
    roles: dict[str, str] = {}
    for mention in detect_mentions(sentence, catalog, is_title=is_title):
        if roles.get(mention.model_id) != "uses":
            roles[mention.model_id] = mention.role
    return roles


def evaluate(path: Path = FIXTURE, catalog: Catalog | None = None) -> tuple[Score, dict[str, Score]]:
    """Score every fixture line; return the overall and per-model scores."""
    catalog = catalog or load_catalog()
    total, per_model = Score(), {m.id: Score() for m in catalog.models}
    for line in path.read_text("utf-8").splitlines():
        item = json.loads(line)
        gold = {g["model_id"]: g["role"] for g in item["gold"]}
        pred = predict(item["sentence"], catalog, item.get("field") == "title")
        for model_id in gold.keys() | pred.keys():
            _score_pair(
                item["sentence"],
                model_id,
                gold.get(model_id),
                pred.get(model_id),
                (total, per_model.setdefault(model_id, Score())),
            )
    return total, per_model


def _score_pair(
    sentence: str, model_id: str, gold: str | None, pred: str | None, scores: tuple[Score, ...]
) -> None:
    if gold and pred:
        kind, ok = ("role", pred == gold)
    else:
        kind, ok = ("FP" if pred else "FN"), False
    for score in scores:
        if gold and pred:
            score.tp += 1
            score.role_ok += ok
            score.roles[(gold, pred)] += 1
        elif pred:
            score.fp += 1
        else:
            score.fn += 1
        if not ok:
            score.errors.append(f"{kind:4} {model_id:16} gold={gold} pred={pred} | {sentence[:150]}")


def main() -> None:
    """Print overall and per-model figures, then every error."""
    total, per_model = evaluate()
    print(f"detection precision {total.precision:.3f}  recall {total.recall:.3f}  F1 {total.f1:.3f}")
    print(f"role accuracy {total.role_accuracy:.3f} on {total.tp} correctly detected mentions")
    for role in ("uses", "mentions"):
        hit = total.roles[(role, role)]
        predicted = sum(n for (_, p), n in total.roles.items() if p == role)
        actual = sum(n for (g, _), n in total.roles.items() if g == role)
        print(f"  role {role!r}: precision {hit / predicted:.3f}  recall {hit / actual:.3f}  (gold {actual})")
    print(f"\n{'model':16} {'tp':>4} {'fp':>4} {'fn':>4} {'P':>6} {'R':>6} {'role':>6}")
    for model_id, s in sorted(per_model.items()):
        if s.tp + s.fp + s.fn:
            print(
                f"{model_id:16} {s.tp:4} {s.fp:4} {s.fn:4} "
                f"{s.precision:6.2f} {s.recall:6.2f} {s.role_accuracy:6.2f}"
            )
    kinds = Counter(e.split()[0] for e in total.errors)
    print(f"\nerrors ({dict(kinds)}):")
    for error in total.errors:
        print(" ", error)


if __name__ == "__main__":
    main()
