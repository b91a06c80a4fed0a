"""Write what document sources (PDF, TEI) carry beyond a list's record: the full text by section
and page, the evidence of each author–affiliation link, and how the authors were linked."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pyarrow as pa

from collabatlas.sources.records import PaperRecord

_TABLES = ("source_texts", "source_affiliation_links", "source_alignment")
_OF_BATCH = (
    "EXISTS (SELECT 1 FROM new_records n WHERE n.source = {t}.source AND n.source_key = {t}.source_key)"
)


def write_documents(conn: duckdb.DuckDBPyConnection, papers: Sequence[PaperRecord]) -> None:
    """Replace the texts, link evidence and alignment reasons of the batch's records (the caller
    has ``new_records`` registered and a transaction open)."""
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE {_OF_BATCH.format(t=table)}")
    texts = [(p.source, p.paper_id, t) for p in papers for t in p.texts]
    links = [(p.source, p.paper_id, e) for p in papers for e in p.link_evidence]
    reasons = [(p.source, p.paper_id, p.alignment_reason) for p in papers if p.alignment_reason]
    staged = {
        "new_texts": pa.table(
            {
                "source": [s for s, _, _ in texts],
                "source_key": [k for _, k, _ in texts],
                "piece": pa.array([t.order for _, _, t in texts], pa.int32()),
                "section": [t.section for _, _, t in texts],
                "heading": [t.heading for _, _, t in texts],
                "page": pa.array([t.page for _, _, t in texts], pa.int32()),
                "start_offset": pa.array([t.start for _, _, t in texts], pa.int32()),
                "text": [t.text for _, _, t in texts],
            }
        ),
        "new_links": pa.table(
            {
                "source": [s for s, _, _ in links],
                "source_key": [k for _, k, _ in links],
                "author_position": pa.array([e.author_position for _, _, e in links], pa.int32()),
                "aff_order": pa.array([e.aff_order for _, _, e in links], pa.int32()),
                "method": [e.method for _, _, e in links],
                "marker": [e.marker for _, _, e in links],
                "line": [e.line for _, _, e in links],
            }
        ),
        "new_reasons": pa.table(
            {
                "source": [s for s, _, _ in reasons],
                "source_key": [k for _, k, _ in reasons],
                "reason": [r for _, _, r in reasons],
            }
        ),
    }
    for name, table in staged.items():
        conn.register(name, table)
    try:
        conn.execute("INSERT INTO source_texts SELECT * FROM new_texts")
        conn.execute("INSERT INTO source_affiliation_links SELECT * FROM new_links")
        conn.execute("INSERT INTO source_alignment SELECT * FROM new_reasons")
    finally:
        for name in staged:
            conn.unregister(name)
