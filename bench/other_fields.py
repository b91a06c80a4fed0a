"""Coverage and exact-country accuracy on affiliation strings from other fields, and on a list of
institution names alone (``tests/fixtures/resolver/other_fields.tsv``, written for the project).

    python bench/other_fields.py [--ror DUMP.zip] [--show]

Exact country: Hong Kong, Macau and Taiwan are their own codes here (no label scheme folds them).
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from pathlib import Path

import accuracy

from collabatlas.resolve import resolve_batch

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "resolver" / "other_fields.tsv"


def rows() -> list[dict[str, str]]:
    text = FIXTURE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ror", type=Path, help="add this ROR v2 dump to the registry")
    parser.add_argument("--show", action="store_true", help="print every miss and every wrong answer")
    args = parser.parse_args()
    if args.ror:
        accuracy.EXTRA.append(("ror", args.ror))
    registry = accuracy.registry_for_run()
    cases = rows()
    found = resolve_batch([(r["affiliation"], "") for r in cases], registry)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # total, answered, right, with ROR id
    for row, resolution in zip(cases, found, strict=True):
        for key in (row["kind"], f"{row['kind']}: {row['field']}"):
            counts[key][0] += 1
            counts[key][1] += resolution.country is not None
            counts[key][2] += resolution.country == row["country"]
            counts[key][3] += bool(getattr(resolution, "ror_id", None))  # any release
        if args.show and resolution.country != row["country"]:
            got = f"{resolution.country}: {row['affiliation']!r} ({resolution.reason})"
            print(f"  want {row['country']} got {got}")
    print(f"{'kind':<28}{'n':>5}{'cover':>8}{'accuracy':>10}{'ror ids':>9}")
    for key in sorted(counts, key=lambda k: (":" in k, k)):
        total, answered, right, ror = counts[key]
        accuracy_ = right / answered if answered else 0.0
        print(f"{key:<28}{total:>5}{answered / total:>8.4f}{accuracy_:>10.4f}{ror / total:>9.4f}")


if __name__ == "__main__":
    main()
