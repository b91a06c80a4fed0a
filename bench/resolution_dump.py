"""Dump every resolution of every distinct affiliation string in the shared lists, to diff two
resolvers (a speed change must leave each answer as it was).

    python bench/resolution_dump.py OUT.jsonl

One JSON line per distinct (string, domain) resolved alone (with ``context_can_matter``), then one
per distinct (string, domain, co-author context) a paper gives it, in a fixed order. The context is
every other e-mail domain on the paper, so more combinations are resolved than a store would.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from labels import LABELED, RAW

from collabatlas.resolve import load_registry, resolve_batch
from collabatlas.resolve.resolver import resolve_alone
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.venues import venue_year_from_name


def cases() -> tuple[list[tuple[str, str]], list[tuple[tuple[str, str], tuple[str, ...]]]]:
    """The distinct pairs, and the distinct (pair, context) combinations, sorted."""
    pairs: set[tuple[str, str]] = set()
    contexts: set[tuple[tuple[str, str], tuple[str, ...]]] = set()
    for path in sorted([*LABELED.glob("*.json"), *RAW.glob("*.json")]):
        venue, year = venue_year_from_name(path.name)
        for paper in parse_paperlists(path.read_bytes(), str(path), venue, year).papers:
            found = [(a.raw, a.domain) for author in paper.authors for a in author.affiliations]
            found += [(a.raw, a.domain) for a in paper.paper_affiliations]
            domains = {d for _, d in found if d}
            for pair in found:
                pairs.add(pair)
                others = tuple(sorted(domains - {pair[1]}))
                if others:
                    contexts.add((pair, others))
    return sorted(pairs), sorted(contexts)


def main() -> None:
    out = Path(sys.argv[1])
    pairs, with_context = cases()
    registry = load_registry()
    started = time.perf_counter()
    alone = resolve_alone(pairs, registry)
    in_context = resolve_batch([p for p, _ in with_context], registry, [c for _, c in with_context])
    seconds = time.perf_counter() - started
    with out.open("w", encoding="utf-8") as handle:
        for (raw, domain), (resolution, matters) in zip(pairs, alone, strict=True):
            row = {"raw": raw, "domain": domain, "context_can_matter": matters, **asdict(resolution)}
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        for ((raw, domain), context), resolution in zip(with_context, in_context, strict=True):
            row = {"raw": raw, "domain": domain, "context": list(context), **asdict(resolution)}
            handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"{len(pairs):,} pairs alone, {len(with_context):,} in context, resolved in {seconds:.2f} s")


if __name__ == "__main__":
    main()
