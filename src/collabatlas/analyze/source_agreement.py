"""Where a source's own resolution (OpenAlex's institutions and countries) and collabatlas's
disagree on the countries of a paper."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pyarrow as pa

from collabatlas.errors import UsageError
from collabatlas.store import Store

AGREE, DIFFER = "agree", "differ"
ONLY_SOURCE, ONLY_OURS, NEITHER = "only source", "only collabatlas", "neither"


def compare_source(store: Store, source: str = "openalex", *, accepted_only: bool = True) -> pa.Table:
    """One row per paper the source covers: its countries by the source's own resolution and by
    collabatlas's (ISO codes, HK/MO/TW their own, sorted), those only one side names, and
    ``status``: agree, differ, only source, only collabatlas, or neither (no country either side)."""
    known = [r[0] for r in store.rows("SELECT DISTINCT source FROM source_resolutions ORDER BY 1")]
    if source not in known:
        raise UsageError(
            f"no resolution from source {source!r} in the store",
            hint=f"sources with their own resolution: {', '.join(known) or 'none yet'}; "
            "ingest one first, e.g. collabatlas ingest openalex:neurips2024",
        )
    rows = store.rows(
        f"""
        WITH theirs AS (
            SELECT s.paper_id, list(DISTINCT r.country ORDER BY r.country) AS countries
            FROM source_resolutions r JOIN paper_sources s USING (source, source_key)
            WHERE r.source = ? AND r.country <> ''
            GROUP BY s.paper_id
        ),
        ours AS (
            SELECT e.paper_id, list(DISTINCT e.country ORDER BY e.country) AS countries
            FROM link_resolutions e WHERE e.country IS NOT NULL
            GROUP BY e.paper_id
        )
        SELECT p.paper_id, p.venue, p.year, p.title,
               coalesce(t.countries, []), coalesce(o.countries, [])
        FROM papers p
        LEFT JOIN theirs t USING (paper_id)
        LEFT JOIN ours o USING (paper_id)
        WHERE p.paper_id IN (SELECT paper_id FROM paper_sources WHERE source = ?)
          {"AND p.accepted" if accepted_only else ""}
        ORDER BY p.venue, p.year, p.paper_id
        """,
        [source, source],
    )
    columns: dict[str, list[Any]] = {
        k: []
        for k in (
            "paper_id",
            "venue",
            "year",
            "title",
            "source_countries",
            "collabatlas_countries",
            "only_source",
            "only_collabatlas",
            "status",
        )
    }
    for paper_id, venue, year, title, theirs, ours in rows:
        only_theirs = [c for c in theirs if c not in ours]
        only_ours = [c for c in ours if c not in theirs]
        values = (paper_id, venue, year, title, theirs, ours, only_theirs, only_ours, _status(theirs, ours))
        for column, value in zip(columns, values, strict=True):
            columns[column].append(value)
    strings = pa.list_(pa.string())
    return pa.table(
        columns,
        schema=pa.schema(
            [("paper_id", pa.string()), ("venue", pa.string()), ("year", pa.int32()), ("title", pa.string())]
            + [(name, strings) for name in list(columns)[4:8]]
            + [("status", pa.string())]
        ),
    )


def _status(theirs: list[str], ours: list[str]) -> str:
    if theirs and ours:
        return AGREE if theirs == ours else DIFFER
    return ONLY_SOURCE if theirs else ONLY_OURS if ours else NEITHER


def agreement_summary(table: pa.Table) -> dict[str, int]:
    """Papers compared, and how many fall under each status."""
    counts = Counter(table.column("status").to_pylist())
    return {
        "papers": table.num_rows,
        **{s: counts[s] for s in (AGREE, DIFFER, ONLY_SOURCE, ONLY_OURS, NEITHER)},
    }
