"""Speed of the foundation path, with the naive baseline in the same run.

    python bench/speed.py

1. End to end: ingest + resolve + analyze a NeurIPS-2025-sized input (at least 5,000 papers and
   30,000 authorships, built by concatenating shared files) into a fresh store.
   Target: <= 10 s wall on a 2-core machine.
2. Resolver warm rate on every distinct (affiliation, domain) of the shared files.
   Target: >= 10,000 distinct strings/s. The naive baseline's rate is printed beside it.
3. Registry load from its cache (target <= 1 s) and cold build.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from accuracy import naive_resolver
from labels import LABELED, RAW, labeled_authors

import collabatlas as ca
from collabatlas.resolve.registry import build_registry, load_registry

TARGET_PAPERS = 5_000
TARGET_AUTHORSHIPS = 30_000
RECENT = (
    RAW / "icml2024.json",
    RAW / "icml2023.json",
    LABELED / "colm2024.json",
    LABELED / "corl2024.json",
    LABELED / "aistats2025.json",
    RAW / "nips2021.json",
)


def build_input(directory: Path) -> tuple[Path, int, int]:
    papers: list[dict[str, object]] = []
    authorships = 0
    # Recent venues first: their author lists are the longest (NeurIPS 2025 has about 6 a paper),
    # taken until both targets are reached, so the input is at least NeurIPS-2025-sized.
    for path in RECENT:
        for paper in json.loads(path.read_bytes()):
            if len(papers) >= TARGET_PAPERS and authorships >= TARGET_AUTHORSHIPS:
                break
            papers.append(paper)
            authorships += len(str(paper.get("author", "")).split(";"))
    out = directory / "bench2025.json"
    out.write_text(json.dumps(papers), encoding="utf-8")
    return out, len(papers), authorships


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    print(f"{label:<48}{seconds:>8.2f} s")
    return result, seconds


def main() -> None:
    _, cold = timed("registry build (cold, then cached)", build_registry)
    registry, warm_load = timed("registry load (from cache)", load_registry)
    with tempfile.TemporaryDirectory() as tmp:
        source, n_papers, n_authorships = build_input(Path(tmp))
        print(f"input: {n_papers} papers, {n_authorships} authorships")

        def end_to_end() -> list[dict[str, object]]:
            with ca.Store(Path(tmp) / "bench.duckdb") as store:
                ca.ingest(store, [str(source)], registry=load_registry())
                return ca.collaboration(store).to_pylist()

        rows, seconds = timed("end to end: ingest + resolve + analyze", end_to_end)
        print(
            f"  -> {rows[0]['papers']} papers, {rows[0]['papers_ab']} US-CN; "
            f"{n_authorships / seconds:,.0f} authorships/s (target <= 10 s)"
        )

    pairs = sorted(
        {
            p
            for f in [*LABELED.glob("*.json"), *RAW.glob("*.json")]
            for a in labeled_authors(f)
            for p in a.affiliations
        }
    )
    ca.resolve_batch(pairs[:2000], registry)  # warm the caches
    _, ours = timed(
        f"collabatlas resolver on {len(pairs):,} distinct strings",
        lambda: ca.resolve_batch(pairs, registry),
    )
    _, naive = timed("naive baseline on the same strings", lambda: naive_resolver()(pairs, []))
    print(
        f"  -> collabatlas {len(pairs) / ours:,.0f} strings/s (target >= 10,000); "
        f"naive {len(pairs) / naive:,.0f} strings/s; ratio {naive / ours:.2f}x"
    )
    print(f"registry: cold build {cold:.2f} s, cached load {warm_load:.2f} s (target <= 1 s)")


if __name__ == "__main__":
    main()
