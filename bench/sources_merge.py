"""Speed of merging a second source into a venue-year already in the store.

    python bench/sources_merge.py

Ingests ../shared/data/paperlists/raw/icml2024.json (Paper Copilot), then the same papers as a
conference-site programme JSON (built here from that file: every accepted paper as a poster and
every oral again as an oral), which merge by title into the existing papers. Prints the time of
each ingest and the papers before and after the merge (which must be equal).
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import collabatlas as ca

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "paperlists" / "raw" / "icml2024.json"


def site_json(records: list[dict[str, object]]) -> dict[str, object]:
    results = []
    for index, record in enumerate(records):
        status = str(record.get("status", ""))
        if "reject" in status.lower() or "withdraw" in status.lower():
            continue
        names = [n.strip() for n in str(record.get("author", "")).split(";")]
        affs = str(record.get("aff", "")).split(";")
        authors = [
            {"id": i, "fullname": n, "institution": affs[i] if len(affs) == len(names) else ""}
            for i, n in enumerate(names)
        ]
        entry = {"id": index, "uid": str(index), "name": record.get("title", ""), "authors": authors}
        results.append({**entry, "eventtype": "Poster", "decision": f"Accept ({status.lower()})"})
        if status.lower() == "oral":
            results.append({**entry, "id": -index, "eventtype": "Oral"})
    return {"count": len(results), "results": results}


def main() -> None:
    records = json.loads(SHARED.read_bytes())
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "icml-2024-orals-posters.json"
        site.write_text(json.dumps(site_json(records)), encoding="utf-8")
        registry = ca.load_registry()
        with ca.Store(Path(tmp) / "bench.duckdb") as store:
            started = time.perf_counter()
            ca.ingest(store, [str(SHARED)], registry=registry)
            first = time.perf_counter() - started
            before = store.rows("SELECT count(*) FROM papers")[0][0]
            started = time.perf_counter()
            ca.ingest(store, [str(site)], registry=registry)
            second = time.perf_counter() - started
            after = store.rows("SELECT count(*) FROM papers")[0][0]
            merged = store.rows(
                "SELECT count(DISTINCT paper_id) FROM paper_sources WHERE source = 'conference_site'"
            )
    print(f"paperlists ingest ({len(records)} records)        {first:8.2f} s")
    print(f"conference-site ingest, merged by title        {second:8.2f} s")
    print(f"papers before {before}, after {after}; site records merged into {merged[0][0]} papers")


if __name__ == "__main__":
    main()
