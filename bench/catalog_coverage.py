"""Share of Epoch AI's notable models from 2023 on that the detector maps to a catalog family.

    python bench/catalog_coverage.py [--since 2023-01-01] [--missing]

Each model's Epoch name (``Model``) is run through the detector on its own; a model counts as
covered when the detector finds any catalog family in it. ``--missing`` lists the names it misses.
Source: Epoch AI, 'Data on AI Models' (CC BY 4.0), https://epoch.ai/data/ai-models, read from
``../shared/data/models/epoch_notable_ai_models.csv``.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from collabatlas.technology.catalog import load_catalog
from collabatlas.technology.detect import detect_mentions

EPOCH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "models"
NOTABLE = EPOCH / "epoch_notable_ai_models.csv"


def coverage(path: Path = NOTABLE, since: str = "2023-01-01") -> tuple[list[tuple[str, str]], list[str]]:
    """(covered as (Epoch name, family id), missed Epoch names) for models published on/after ``since``."""
    catalog = load_catalog()
    covered, missed = [], []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if (row.get("Publication date") or "") < since:
                continue
            name = row["Model"].strip()
            found = detect_mentions(name, catalog)
            if found:
                covered.append((name, found[0].model_id))
            else:
                missed.append(name)
    return covered, missed


def main() -> None:
    """Print the share covered (and, with ``--missing``, every missed name)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="2023-01-01")
    parser.add_argument("--missing", action="store_true")
    args = parser.parse_args()
    covered, missed = coverage(since=args.since)
    total = len(covered) + len(missed)
    print(f"Epoch notable models published since {args.since}: {total}")
    print(f"mapped to a catalog family: {len(covered)} = {len(covered) / total:.3f}")
    if args.missing:
        for name in missed:
            print("  missing:", name)


if __name__ == "__main__":
    main()
