"""Measure the PDF reader on the real papers in ../shared/data/pdfs: accuracy against the
hand-written fixture (tests/fixtures/pdf/expected.json) and speed.

Run: ``PYTHONPATH=src .venv/bin/python bench/pdf.py [--papers 5000] [--workers 2]``.

- author recall: expected authors found (same name, folded to ASCII lower case);
- linked right: expected authors whose affiliations are exactly the expected ones (each expected
  institution inside one of the author's printed affiliations, as many as expected);
- country accuracy: expected authors whose resolved countries (resolver over the printed
  affiliations and e-mail domain) equal the expected set;
- page 1 speed: ``--papers`` first pages, a workload made by repeating the real PDFs, read in
  ``--workers`` processes; full-text speed: every page of every PDF, one process.
"""

from __future__ import annotations

import argparse
import json
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from anyascii import anyascii

from collabatlas.resolve import load_registry, resolve_batch
from collabatlas.sources.pdf import read_pdf
from collabatlas.sources.records import PaperRecord
from collabatlas.sources.tei import read_tei

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT.parent / "shared" / "data" / "pdfs"
EXPECTED = ROOT / "tests" / "fixtures" / "pdf" / "expected.json"


def _name_key(name: str) -> str:
    return " ".join(anyascii(name).lower().replace(".", " ").replace("-", " ").split())


def score(records: dict[str, PaperRecord], expected: dict[str, Any]) -> dict[str, Any]:
    """Author recall, right links and country accuracy over every expected author."""
    registry = load_registry()
    totals = {"authors": 0, "found": 0, "linked": 0, "countries": 0}
    misses: list[str] = []
    for file, paper in expected["papers"].items():
        record = records.get(file)
        found = {_name_key(a.name): a for a in record.authors} if record else {}
        for name, affiliations, countries in paper["authors"]:
            totals["authors"] += 1
            author = found.get(_name_key(name))
            if author is None:
                misses.append(f"{file}: {name} not found")
                continue
            totals["found"] += 1
            printed = [a.raw.lower() for a in author.affiliations]
            if len(printed) == len(affiliations) and all(
                any(e.lower() in p for p in printed) for e in affiliations
            ):
                totals["linked"] += 1
            else:
                misses.append(f"{file}: {name} linked to {printed}, expected {affiliations}")
            resolved = resolve_batch([(a.raw, a.domain) for a in author.affiliations], registry)
            got = sorted({r.country for r in resolved if r.country})
            if got == sorted(set(countries)):
                totals["countries"] += 1
            else:
                misses.append(f"{file}: {name} countries {got}, expected {countries}")
    n = totals["authors"] or 1
    return {
        "authors": totals["authors"],
        "author_recall": totals["found"] / n,
        "linked_right": totals["linked"] / n,
        "country_accuracy": totals["countries"] / n,
        "misses": misses,
    }


def read_all(directory: Path = PDFS) -> dict[str, PaperRecord]:
    """Every PDF in ``directory`` read (page 1 only), by file name."""
    return {
        p.name: read_pdf(p.read_bytes(), p.name, full_text=False) for p in sorted(directory.glob("*.pdf"))
    }


def read_tei_files(directory: Path = PDFS) -> dict[str, PaperRecord]:
    """GROBID's TEI of the PDFs that have one, by the PDF's file name."""
    return {
        p.name.replace(".tei.xml", ".pdf"): read_tei(p.read_bytes(), p.name)
        for p in sorted(directory.glob("*.tei.xml"))
    }


def _first_pages(paths: list[str]) -> int:
    datas = {p: Path(p).read_bytes() for p in set(paths)}
    for path in paths:
        read_pdf(datas[path], path, full_text=False)
    return len(paths)


def page1_speed(papers: int, workers: int) -> float:
    """Seconds to read page 1 of ``papers`` PDFs (the real ones, repeated) in ``workers`` processes."""
    files = sorted(str(p) for p in PDFS.glob("*.pdf"))
    workload = [files[i % len(files)] for i in range(papers)]
    chunks = [workload[i::workers] for i in range(workers)]
    start = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        done = sum(pool.map(_first_pages, chunks))
    assert done == papers
    return time.perf_counter() - start


def full_text_speed() -> tuple[int, float]:
    """(pages, seconds) to read every page of every PDF, with sections, in this process."""
    datas = [(p.name, p.read_bytes()) for p in sorted(PDFS.glob("*.pdf"))]
    start = time.perf_counter()
    pages = 0
    for name, data in datas:
        record = read_pdf(data, name)
        pages += max((t.page for t in record.texts), default=1)
    return pages, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    for label, records in (("pdf", read_all()), ("tei (GROBID 0.6.1)", read_tei_files())):
        subset = {"papers": {f: p for f, p in expected["papers"].items() if f in records}}
        result = score(records, subset)
        print(
            f"{label}: {len(subset['papers'])} papers, {result['authors']} authors: "
            f"author recall {result['author_recall']:.3f}, linked right {result['linked_right']:.3f}, "
            f"country accuracy {result['country_accuracy']:.3f}"
        )
        for miss in result["misses"][:10]:
            print("   ", miss)
    seconds = page1_speed(args.papers, args.workers)
    print(f"page 1 of {args.papers} papers: {seconds:.1f} s with {args.workers} worker(s)")
    pages, seconds = full_text_speed()
    print(f"full text: {pages} pages in {seconds:.1f} s = {pages / seconds:.0f} pages/s on one core")


if __name__ == "__main__":
    main()
