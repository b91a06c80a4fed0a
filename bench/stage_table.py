"""How the reviewed position table sorts real profile positions into career stages.

    python bench/stage_table.py FILE.json [FILE.json ...]

Reads the ``position`` field (one ';'-separated entry per author: each author's current position
in their OpenReview profile) of profile-based Paper Copilot lists, e.g. the files in
``../shared/data/paperlists/raw/``, and prints how many non-empty positions fall in each stage,
then the most common positions left as 'other'.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from collabatlas.sources.profiles import stage_of, stage_table_version


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    stages: Counter[str] = Counter()
    other: Counter[str] = Counter()
    for path in args.files:
        for paper in json.loads(path.read_text(encoding="utf-8")):
            for position in (p.strip() for p in str(paper.get("position") or "").split(";")):
                if position:
                    stages[stage_of(position)] += 1
                    if stage_of(position) == "other":
                        other[position] += 1
    total = sum(stages.values())
    print(f"position_stages.csv v{stage_table_version()}: {total:,} positions in {len(args.files)} files")
    for stage, n in stages.most_common():
        print(f"  {stage:<14} {n:>7,}  {100 * n / total:5.1f}%")
    print("most common 'other':", ", ".join(f"{p} ({n:,})" for p, n in other.most_common(8)))


if __name__ == "__main__":
    main()
