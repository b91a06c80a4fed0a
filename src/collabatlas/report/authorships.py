"""One row per authorship with its affiliations, countries and how they were resolved."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from collabatlas.analyze.conventions import conventions
from collabatlas.analyze.counted import counted_pipeline
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
    "ror_id",
    "confidence",
    "method",
    "alignment",
    "paper_countries",
)
PAPER_LEVEL = "paper"  # the alignment of a row holding the affiliations no known author carries

_PEOPLE_SQL = """
SELECT paper_id, author_position, author_name FROM authorships
UNION ALL
SELECT DISTINCT paper_id, author_position, '' FROM authorship_affiliations WHERE author_position = -1
"""
# A ROR id is a property of the institution an answer names (every resolution row stores it).
_ROR_SQL = """
SELECT institution_id, min(ror_id) AS ror_id FROM (
    SELECT institution_id, ror_id FROM resolutions
    UNION ALL SELECT institution_id, ror_id FROM context_resolutions
) WHERE ror_id IS NOT NULL GROUP BY institution_id
"""
_ROWS_SQL = f"""
SELECT p.venue, p.year, p.paper_id, p.title, a.author_position, a.author_name,
       coalesce(string_agg(f.raw, '+' ORDER BY l.aff_order), '') AS affiliation_raw,
       coalesce(string_agg(coalesce(r.country, ''), '|' ORDER BY l.aff_order), '') AS countries,
       coalesce(string_agg(coalesce(r.institution, ''), '|' ORDER BY l.aff_order), '') AS institution,
       coalesce(string_agg(coalesce(m.ror_id, ''), '|' ORDER BY l.aff_order), '') AS ror_id,
       min(r.confidence) AS confidence,
       coalesce(string_agg(coalesce(r.method, ''), '|' ORDER BY l.aff_order), '') AS method,
       CASE WHEN a.author_position = -1 THEN '{PAPER_LEVEL}' ELSE p.alignment END AS alignment,
       array_to_string(c.countries, '|') AS paper_countries
FROM counted c
JOIN papers p ON p.paper_id = c.paper_id
JOIN people a ON a.paper_id = p.paper_id
LEFT JOIN authorship_affiliations l
       ON l.paper_id = a.paper_id AND l.author_position = a.author_position
LEFT JOIN affiliations f ON f.aff_key = l.aff_key
LEFT JOIN link_resolutions r
       ON r.paper_id = l.paper_id AND r.author_position = l.author_position
      AND r.aff_order = l.aff_order
LEFT JOIN ror m ON m.institution_id = r.institution_id
GROUP BY ALL
ORDER BY p.venue, p.year, p.paper_id, a.author_position
"""


def authorships(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """Every authorship of the papers ``rules`` count (the ``counted`` relation ``analyze`` reads):
    ``affiliation_raw`` as ingested ('+' between affiliations); ``countries``, ``institution``,
    ``ror_id`` (the institution's ROR id, '' where none is known) and ``method`` '|'-joined, one
    entry per affiliation in order ('' when unresolved);
    ``confidence`` the lowest of the author's affiliations; ``alignment`` how the source tied
    affiliations to authors (the paper's ``per-author…`` or ``unknown``); ``paper_countries`` the
    countries the paper counts with (China scope, companies rule and any reviewer's override
    applied, '|'-joined), the same on every row of a paper.

    A paper whose affiliations could not be tied to its authors gets one more row, at
    ``author_position`` -1 with no author name and ``alignment`` 'paper', holding them all, so the
    countries of a paper's rows are the countries ``analyze`` counts for it."""
    rules = rules or CountingRules()
    pipeline = counted_pipeline(store, rules).then("people", _PEOPLE_SQL).then("ror", _ROR_SQL)
    return pipeline.query(store, _ROWS_SQL)


def export_authorships(store: Store, path: str | Path, rules: CountingRules | None = None) -> int:
    """Write :func:`authorships` to a CSV file (conventions in its sidecar); returns the rows."""
    rules = rules or CountingRules()
    table = authorships(store, rules)
    write_csv(table, path, conventions(store, rules))
    return table.num_rows
