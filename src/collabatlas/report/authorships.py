"""One row per authorship with its affiliations, countries and how they were resolved."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from collabatlas.analyze.conventions import conventions
from collabatlas.analyze.rules import CountingRules
from collabatlas.report.outputs import write_csv
from collabatlas.store import Store

AUTHORSHIP_COLUMNS = (
    "venue",
    "year",
    "paper_id",
    "title",
    "author_position",
    "author_name",
    "affiliation_raw",
    "countries",
    "institution",
    "confidence",
    "method",
    "alignment",
)
PAPER_LEVEL = "paper"  # the alignment of a row holding the affiliations no known author carries


def authorships(store: Store, *, accepted_only: bool = True) -> pa.Table:
    """Every authorship: ``affiliation_raw`` as ingested ('+' between affiliations); ``countries``,
    ``institution`` and ``method`` '|'-joined, one entry per affiliation in order ('' when
    unresolved); ``confidence`` the lowest of the author's affiliations; ``alignment`` how the
    source tied affiliations to authors (the paper's ``per-author…`` or ``unknown``).

    A paper whose affiliations could not be tied to its authors gets one more row, at
    ``author_position`` -1 with no author name and ``alignment`` 'paper', holding them all, so the
    countries of a paper's rows are the countries ``analyze`` counts for it."""
    where = "WHERE p.accepted" if accepted_only else ""
    return store.query(
        f"""
        WITH people AS (
            SELECT paper_id, author_position, author_name FROM authorships
            UNION ALL
            SELECT DISTINCT paper_id, author_position, '' FROM authorship_affiliations
            WHERE author_position = -1
        )
        SELECT p.venue, p.year, p.paper_id, p.title, a.author_position, a.author_name,
               coalesce(string_agg(f.raw, '+' ORDER BY l.aff_order), '') AS affiliation_raw,
               coalesce(string_agg(coalesce(r.country, ''), '|' ORDER BY l.aff_order), '') AS countries,
               coalesce(string_agg(coalesce(r.institution, ''), '|' ORDER BY l.aff_order), '') AS institution,
               min(r.confidence) AS confidence,
               coalesce(string_agg(coalesce(r.method, ''), '|' ORDER BY l.aff_order), '') AS method,
               CASE WHEN a.author_position = -1 THEN '{PAPER_LEVEL}' ELSE p.alignment END AS alignment
        FROM papers p
        JOIN people a ON a.paper_id = p.paper_id
        LEFT JOIN authorship_affiliations l
               ON l.paper_id = a.paper_id AND l.author_position = a.author_position
        LEFT JOIN affiliations f ON f.aff_key = l.aff_key
        LEFT JOIN link_resolutions r
               ON r.paper_id = l.paper_id AND r.author_position = l.author_position
              AND r.aff_order = l.aff_order
        {where}
        GROUP BY ALL
        ORDER BY p.venue, p.year, p.paper_id, a.author_position
        """
    )


def export_authorships(store: Store, path: str | Path, *, accepted_only: bool = True) -> int:
    """Write :func:`authorships` to a CSV file (conventions in its sidecar); returns the rows."""
    table = authorships(store, accepted_only=accepted_only)
    write_csv(table, path, conventions(store, CountingRules(accepted_only=accepted_only)))
    return table.num_rows
