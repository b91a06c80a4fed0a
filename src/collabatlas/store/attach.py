"""Attach paper files to papers already in the store: by OpenReview id or DOI in the file name or
the PDF's metadata, else by normalised title. A matched record takes the paper's venue, year and
ids, so loading merges it with the paper's other sources."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import PurePosixPath

import duckdb

from collabatlas.sources.identity import normalise_doi, title_key
from collabatlas.sources.records import PaperRecord

_CANDIDATES = """
SELECT paper_id, venue, year, doi, openreview_id, title_key FROM paper_sources
WHERE source NOT IN ('pdf', 'tei')
"""


def attach_records(
    conn: duckdb.DuckDBPyConnection, papers: Sequence[PaperRecord]
) -> tuple[list[tuple[PaperRecord, str]], list[PaperRecord]]:
    """(records matched to a stored paper, each with the rule that matched; records matching none)."""
    rows = conn.execute(_CANDIDATES).fetchall()
    by_openreview = {r[4]: r for r in rows if r[4]}
    by_doi = {r[3]: r for r in rows if r[3]}
    by_doi_suffix = {r[3].rsplit("/", 1)[-1]: r for r in rows if "/" in r[3]}
    by_title: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        if row[5]:
            by_title.setdefault(str(row[5]), []).append(row)
    matched: list[tuple[PaperRecord, str]] = []
    unmatched: list[PaperRecord] = []
    for paper in papers:
        stem = _stem(paper.source_id)
        doi = normalise_doi(paper.doi)
        found, rule = None, ""
        if stem in by_openreview:
            found, rule = by_openreview[stem], "openreview id in the file name"
        elif doi and doi in by_doi:
            found, rule = by_doi[doi], "DOI in the PDF"
        elif stem.replace("_", "/").lower() in by_doi or stem.lower() in by_doi_suffix:
            found = by_doi.get(stem.replace("_", "/").lower()) or by_doi_suffix[stem.lower()]
            rule = "DOI in the file name"
        elif len({r[0] for r in by_title.get(title_key(paper.title), [])}) == 1:
            found, rule = by_title[title_key(paper.title)][0], "title"
        if found is None:
            unmatched.append(paper)
            continue
        _, venue, year, found_doi, openreview_id, _ = found
        record = replace(
            paper,
            venue=str(venue),
            year=int(str(year)),
            doi=str(found_doi) or paper.doi,
            openreview_id=str(openreview_id),
        )
        matched.append((record, rule))
    return matched, unmatched


def _stem(name: str) -> str:
    stem = PurePosixPath(name).name
    for suffix in (".tei.xml", ".pdf"):
        stem = stem.removesuffix(suffix).removesuffix(suffix.upper())
    return stem
