"""Load source batches into the store: replace each paper's rows, keep every other row."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from collabatlas.sources.records import AffiliationRecord, PaperRecord, SourceBatch

REJECTED_WORDS = ("reject", "withdraw")


def aff_key(raw: str, domain: str) -> str:
    """The key of a distinct (affiliation string, domain) pair."""
    return hashlib.md5(f"{raw}\x1f{domain}".encode()).hexdigest()


def is_accepted(status: str) -> bool:
    """Papers whose status says rejected or withdrawn are stored but not counted by default."""
    folded = status.lower()
    return not any(word in folded for word in REJECTED_WORDS)


@dataclass(frozen=True)
class LoadSummary:
    """What one load changed."""

    papers: int
    new_papers: int
    new_affiliations: int


def _paper_rows(batch: SourceBatch) -> pa.Table:
    papers = batch.papers
    return pa.table(
        {
            "paper_id": [p.paper_id for p in papers],
            "venue": [p.venue for p in papers],
            "year": pa.array([p.year for p in papers], pa.int32()),
            "title": [p.title for p in papers],
            "abstract": [p.abstract for p in papers],
            "status": [p.status for p in papers],
            "track": [p.track for p in papers],
            "accepted": [is_accepted(p.status) for p in papers],
            "url": [p.url for p in papers],
            "doi": [p.doi for p in papers],
            "source": [p.source for p in papers],
            "source_id": [p.source_id for p in papers],
            "location": [batch.location for _ in papers],
            "alignment": [p.alignment for p in papers],
        }
    )


def _affiliations_of(paper: PaperRecord) -> Iterable[tuple[int, int, AffiliationRecord]]:
    for author in paper.authors:
        for order, aff in enumerate(author.affiliations):
            yield author.position, order, aff
    for order, aff in enumerate(paper.paper_affiliations):
        yield -1, order, aff


def _link_rows(papers: Sequence[PaperRecord]) -> tuple[pa.Table, pa.Table, pa.Table]:
    authorships: dict[str, list[object]] = {
        "paper_id": [],
        "author_position": [],
        "author_name": [],
    }
    links: dict[str, list[object]] = {
        "paper_id": [],
        "author_position": [],
        "aff_order": [],
        "aff_key": [],
    }
    distinct: dict[str, tuple[str, str]] = {}
    for paper in papers:
        for author in paper.authors:
            authorships["paper_id"].append(paper.paper_id)
            authorships["author_position"].append(author.position)
            authorships["author_name"].append(author.name)
        for position, order, aff in _affiliations_of(paper):
            key = aff_key(aff.raw, aff.domain)
            distinct.setdefault(key, (aff.raw, aff.domain))
            links["paper_id"].append(paper.paper_id)
            links["author_position"].append(position)
            links["aff_order"].append(order)
            links["aff_key"].append(key)
    affiliations = pa.table(
        {
            "aff_key": list(distinct),
            "raw": [v[0] for v in distinct.values()],
            "domain": [v[1] for v in distinct.values()],
        }
    )
    int32 = pa.int32()
    return (
        pa.table(authorships).cast(
            pa.schema(
                [
                    ("paper_id", pa.string()),
                    ("author_position", int32),
                    ("author_name", pa.string()),
                ]
            )
        ),
        pa.table(links).cast(
            pa.schema(
                [
                    ("paper_id", pa.string()),
                    ("author_position", int32),
                    ("aff_order", int32),
                    ("aff_key", pa.string()),
                ]
            )
        ),
        affiliations,
    )


def load_batch(conn: duckdb.DuckDBPyConnection, batch: SourceBatch) -> LoadSummary:
    """Write one batch inside the caller's transaction; re-loading the same batch changes nothing."""
    papers = _paper_rows(batch)
    authorships, links, affiliations = _link_rows(batch.papers)
    conn.register("new_papers", papers)
    conn.register("new_authorships", authorships)
    conn.register("new_links", links)
    conn.register("new_affiliations", affiliations)
    try:
        new_papers = conn.execute(
            "SELECT count(*) FROM new_papers WHERE paper_id NOT IN (SELECT paper_id FROM papers)"
        ).fetchone()
        new_affs = conn.execute(
            "SELECT count(*) FROM new_affiliations WHERE aff_key NOT IN (SELECT aff_key FROM affiliations)"
        ).fetchone()
        for table in ("authorship_affiliations", "authorships", "papers"):
            conn.execute(f"DELETE FROM {table} WHERE paper_id IN (SELECT paper_id FROM new_papers)")
        conn.execute("INSERT INTO papers SELECT * FROM new_papers")
        conn.execute("INSERT INTO authorships SELECT * FROM new_authorships")
        conn.execute("INSERT INTO authorship_affiliations SELECT * FROM new_links")
        conn.execute(
            "INSERT INTO affiliations SELECT * FROM new_affiliations "
            "WHERE aff_key NOT IN (SELECT aff_key FROM affiliations)"
        )
        conn.execute(
            "INSERT OR IGNORE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, now())",
            [
                batch.location,
                batch.sha256,
                batch.papers[0].source if batch.papers else "paperlists",
                batch.venue,
                batch.year,
                batch.records_read,
                len(batch.papers),
            ],
        )
    finally:
        for name in ("new_papers", "new_authorships", "new_links", "new_affiliations"):
            conn.unregister(name)
    return LoadSummary(
        papers=len(batch.papers),
        new_papers=int(new_papers[0]) if new_papers else 0,
        new_affiliations=int(new_affs[0]) if new_affs else 0,
    )
