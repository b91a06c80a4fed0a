"""Run the mention detector over the store's papers that are not yet scanned with this catalog.

A paper is pending when it was never scanned, was scanned with another catalog version, or its
title or abstract changed since (a re-ingest). Pending papers are detected in batches and their
mentions replaced, with the catalog itself, in one transaction. Papers with a full text (PDF,
TEI) are scanned section by section as well (``technology.fulltext``), on their own schedule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from collabatlas.store import Store
from collabatlas.technology.catalog import Catalog, load_catalog
from collabatlas.technology.detect import detect_batch
from collabatlas.technology.fulltext import MENTION_SCHEMA, scan_full_texts

BATCH_SIZE = 2_000
TEXT_MD5_SQL = "md5(p.title || chr(10) || p.abstract)"


@dataclass(frozen=True)
class DetectionReport:
    """What a detection run did."""

    catalog_version: str
    papers_scanned: int
    mentions: int
    papers_current: int


def detect_pending(
    store: Store,
    catalog: Catalog | None = None,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DetectionReport:
    """Detect mentions in every pending paper (all papers with ``force``); one transaction."""
    catalog = catalog or load_catalog()
    with store.transaction() as conn:
        return scan_pending(conn, catalog, force=force, progress=progress)


def scan_pending(
    conn: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> DetectionReport:
    """Detect and store mentions of pending papers inside the caller's transaction."""
    write_catalog(conn, catalog)
    pending = conn.execute(
        f"""
        SELECT p.paper_id, p.title, p.abstract, {TEXT_MD5_SQL} AS text_md5
        FROM papers p LEFT JOIN technology_scans s USING (paper_id)
        WHERE ? OR s.paper_id IS NULL OR s.catalog_version <> ? OR s.text_md5 <> {TEXT_MD5_SQL}
        ORDER BY p.paper_id
        """,
        [force, catalog.version],
    ).fetchall()
    total_mentions = 0
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        mentions = detect_batch([(pid, title, abstract) for pid, title, abstract, _ in chunk], catalog)
        total_mentions += len(mentions)
        counts: dict[str, int] = {}
        for mention in mentions:
            counts[str(mention["paper_id"])] = counts.get(str(mention["paper_id"]), 0) + 1
        scans = pa.table(
            {
                "paper_id": [row[0] for row in chunk],
                "text_md5": [row[3] for row in chunk],
                "mentions": pa.array([counts.get(row[0], 0) for row in chunk], pa.int32()),
            }
        )
        _replace(conn, scans, pa.Table.from_pylist(mentions, schema=MENTION_SCHEMA), catalog.version)
        if progress:
            progress(min(start + BATCH_SIZE, len(pending)), len(pending))
    _, text_mentions = scan_full_texts(conn, catalog, force=force)
    (papers,) = conn.execute("SELECT count(*) FROM papers").fetchone() or (0,)
    return DetectionReport(
        catalog.version, len(pending), total_mentions + text_mentions, int(papers) - len(pending)
    )


def write_catalog(conn: duckdb.DuckDBPyConnection, catalog: Catalog) -> None:
    """Replace the stored catalog with ``catalog`` (the models the analysis joins on)."""
    models = pa.table(
        {
            "model_id": [m.id for m in catalog.models],
            "name": [m.name for m in catalog.models],
            "kind": [m.kind for m in catalog.models],
            "llm": [m.llm for m in catalog.models],
            "developers": ["; ".join(m.developers) for m in catalog.models],
            "developer_country": [m.developer_country for m in catalog.models],
            "lab_country": [m.lab_country for m in catalog.models],
            "first_release_year": pa.array([m.first_release_year for m in catalog.models], pa.int32()),
            "derived_from": pa.array([m.derived_from for m in catalog.models], pa.string()),
            "counts_as_base": [m.counts_as_base for m in catalog.models],
        }
    )
    conn.register("new_models", models)
    try:
        conn.execute("DELETE FROM technology_models")
        conn.execute(
            "INSERT INTO technology_models BY NAME SELECT *, ? AS catalog_version FROM new_models",
            [catalog.version],
        )
    finally:
        conn.unregister("new_models")


def _replace(conn: duckdb.DuckDBPyConnection, scans: pa.Table, mentions: pa.Table, version: str) -> None:
    conn.register("new_scans", scans)
    conn.register("new_mentions", mentions)
    try:
        conn.execute(
            "DELETE FROM technology_mentions WHERE field IN ('title', 'abstract') "
            "AND paper_id IN (SELECT paper_id FROM new_scans)"
        )
        conn.execute(
            "INSERT INTO technology_mentions (paper_id, field, start_offset, end_offset, model_id, "
            'matched, sentence, role, rule, catalog_version) SELECT paper_id, field, start, "end", '
            "model_id, matched, sentence, role, rule, ? FROM new_mentions",
            [version],
        )
        conn.execute(
            "INSERT OR REPLACE INTO technology_scans "
            "SELECT paper_id, ?, text_md5, mentions, now() FROM new_scans",
            [version],
        )
    finally:
        conn.unregister("new_scans")
        conn.unregister("new_mentions")
