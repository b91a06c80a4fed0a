"""Load source batches into the store: each source's records are kept as they are, the same paper
from several sources is merged into one, and the merged rows are rebuilt; every other row is kept."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from collabatlas.errors import UsageError
from collabatlas.sources.identity import normalise_doi, openreview_id_from_url, title_key
from collabatlas.sources.records import AffiliationRecord, PaperRecord, SourceBatch
from collabatlas.store.documents import write_documents

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
    changed_papers: int = 0  # papers already stored whose affiliations this load replaced


# Which source's affiliations a merged paper uses, most trusted first. OpenReview profiles are kept
# by the authors and dated (the entry for the paper's year); the conference site prints what
# authors registered for that conference; Paper Copilot lists are compiled from those; OpenAlex's
# strings are crawled from publisher pages and are the most often missing. Unknown sources last.
SOURCE_PREFERENCE = ("openreview", "conference_site", "paperlists", "openalex", "pdf", "tei")

# Whose affiliations count (``ingest --affiliations-from``, kept in ``store_settings``). ``best``:
# what the paper itself printed (its PDF, then GROBID's reading of it) first, as the authors'
# affiliations in the year of the paper, then the order above; the others: only that source.
AFFILIATION_PREFERENCE: dict[str, tuple[str, ...]] = {
    "best": ("pdf", "tei", *SOURCE_PREFERENCE[:4]),
    "pdf": ("pdf", "tei"),
    "list": ("paperlists", "conference_site"),
    "openreview": ("openreview",),
}

_RECORD_COLUMNS = (
    "venue",
    "year",
    "title",
    "abstract",
    "status",
    "track",
    "accepted",
    "url",
    "doi",
    "source_id",
    "location",
    "alignment",
)
_PAPER_COLUMNS = ("paper_id", *_RECORD_COLUMNS[:9], "source", *_RECORD_COLUMNS[9:])


def _unique(papers: Sequence[PaperRecord]) -> list[PaperRecord]:
    return list({p.paper_id: p for p in reversed(papers)}.values())[::-1]


def _record_rows(batch: SourceBatch, papers: Sequence[PaperRecord]) -> pa.Table:
    """One row per source record: its own metadata and the keys that merge it with other sources."""
    return pa.table(
        {
            "source": [p.source for p in papers],
            "source_key": [p.paper_id for p in papers],
            "venue": [p.venue for p in papers],
            "year": pa.array([p.year for p in papers], pa.int32()),
            "title": [p.title for p in papers],
            "abstract": [p.abstract for p in papers],
            "status": [p.status for p in papers],
            "track": [p.track for p in papers],
            "accepted": [is_accepted(p.status) for p in papers],
            "url": [p.url for p in papers],
            "doi": [normalise_doi(p.doi) for p in papers],
            "source_id": [p.source_id for p in papers],
            "location": [batch.location for _ in papers],
            "alignment": [p.alignment for p in papers],
            "openreview_id": [p.openreview_id or openreview_id_from_url(p.url) for p in papers],
            "title_key": [title_key(p.title) for p in papers],
            "authors": pa.array([len(p.authors) for p in papers], pa.int32()),
        }
    )


def _affiliations_of(paper: PaperRecord) -> Iterable[tuple[int, int, AffiliationRecord]]:
    for author in paper.authors:
        for order, aff in enumerate(author.affiliations):
            yield author.position, order, aff
    for order, aff in enumerate(paper.paper_affiliations):
        yield -1, order, aff


def _source_record_rows(papers: Sequence[PaperRecord]) -> tuple[pa.Table, pa.Table, pa.Table, pa.Table]:
    """Each record's authors, affiliations and own resolutions, and the distinct affiliations."""
    authorships: dict[str, list[object]] = {k: [] for k in ("source", "source_key", "position", "name")}
    links: dict[str, list[object]] = {
        k: [] for k in ("source", "source_key", "position", "aff_order", "aff_key", "country")
    }
    resolutions: dict[str, list[object]] = {
        k: [] for k in ("source", "source_key", "position", "res_order", "inst_id", "inst", "country")
    }
    distinct: dict[str, tuple[str, str]] = {}
    for paper in papers:
        ids = (paper.source, paper.paper_id)
        for author in paper.authors:
            for column, value in zip(authorships, (*ids, author.position, author.name), strict=True):
                authorships[column].append(value)
        for position, order, aff in _affiliations_of(paper):
            key = aff_key(aff.raw, aff.domain)
            distinct.setdefault(key, (aff.raw, aff.domain))
            for column, value in zip(links, (*ids, position, order, key, aff.country), strict=True):
                links[column].append(value)
        orders: dict[int, int] = {}
        for res in paper.source_resolutions:
            order = orders[res.author_position] = orders.get(res.author_position, -1) + 1
            row = (*ids, res.author_position, order, res.institution_id, res.institution, res.country)
            for column, value in zip(resolutions, row, strict=True):
                resolutions[column].append(value)
    affiliations = pa.table(
        {
            "aff_key": list(distinct),
            "raw": [v[0] for v in distinct.values()],
            "domain": [v[1] for v in distinct.values()],
        }
    )
    return (
        _typed(authorships, ("position",)),
        _typed(links, ("position", "aff_order")),
        _typed(resolutions, ("position", "res_order")),
        affiliations,
    )


def _typed(columns: dict[str, list[object]], integers: tuple[str, ...]) -> pa.Table:
    """A table of string columns, but for ``integers`` (int32), typed even when empty."""
    schema = pa.schema([(name, pa.int32() if name in integers else pa.string()) for name in columns])
    return pa.table(columns, schema=schema)


# A record joins the merged paper it was mapped to before; else one from another source with the
# same DOI, the same OpenReview id, or the same title in the same venue and year; else its own.
_MAP_SQL = """
SELECT n.source, n.source_key, coalesce(
    (SELECT min(e.paper_id) FROM paper_sources e WHERE e.source = n.source AND e.source_key = n.source_key),
    (SELECT min(e.paper_id) FROM paper_sources e
      WHERE n.doi <> '' AND e.doi = n.doi AND e.source <> n.source),
    (SELECT min(e.paper_id) FROM paper_sources e
      WHERE n.openreview_id <> '' AND e.openreview_id = n.openreview_id AND e.source <> n.source),
    (SELECT min(e.paper_id) FROM paper_sources e
      WHERE n.title_key <> '' AND e.title_key = n.title_key AND e.year = n.year
        AND lower(e.venue) = lower(n.venue) AND e.source <> n.source),
    n.source_key) AS paper_id
FROM new_records n
"""

_OF_BATCH = (
    "EXISTS (SELECT 1 FROM new_records n WHERE n.source = {t}.source AND n.source_key = {t}.source_key)"
)


def _write_source_records(conn: duckdb.DuckDBPyConnection) -> None:
    """Replace the batch's source records; keep every other source's."""
    for table in ("source_affiliations", "source_authorships", "source_resolutions", "paper_sources"):
        conn.execute(f"DELETE FROM {table} WHERE {_OF_BATCH.format(t=table)}")
    columns = ", ".join(f"n.{c}" for c in (*_RECORD_COLUMNS, "openreview_id", "title_key", "authors"))
    conn.execute(
        f"INSERT INTO paper_sources SELECT n.source, n.source_key, m.paper_id, {columns} "
        "FROM new_records n JOIN merge_map m USING (source, source_key)"
    )
    conn.execute("INSERT INTO source_authorships SELECT * FROM new_source_authorships")
    conn.execute("INSERT INTO source_affiliations SELECT * FROM new_source_affiliations")
    conn.execute("INSERT INTO source_resolutions SELECT * FROM new_source_resolutions")
    conn.execute(
        "INSERT INTO affiliations SELECT * FROM new_affiliations "
        "WHERE aff_key NOT IN (SELECT aff_key FROM affiliations)"
    )


def affiliation_order(conn: duckdb.DuckDBPyConnection) -> tuple[str, ...]:
    """The sources whose affiliations count, most trusted first (the store's setting)."""
    rows = conn.execute("SELECT value FROM store_settings WHERE key = 'affiliations_from'").fetchall()
    return AFFILIATION_PREFERENCE[rows[0][0] if rows else "best"]


def _merge_sources(conn: duckdb.DuckDBPyConnection) -> pa.Table:
    """The sources of every touched paper, each with its preference key and whether it is primary
    (the most preferred source with an author list, which gives the paper its metadata and authors),
    and its affiliation key ``ak`` (NULL for a source whose affiliations do not count)."""
    ranks = ", ".join(f"('{s}', {i})" for i, s in enumerate(SOURCE_PREFERENCE))
    aff_ranks = ", ".join(f"('{s}', {i})" for i, s in enumerate(affiliation_order(conn)))
    return conn.sql(
        f"""
        WITH ranked AS (
            SELECT s.paper_id, s.source, s.source_key, s.authors,
                   printf('%03d|%s|%s', coalesce(r.pref, 999), s.source, s.source_key) AS k,
                   CASE WHEN a.pref IS NOT NULL
                        THEN printf('%03d|%s|%s', a.pref, s.source, s.source_key) END AS ak
            FROM paper_sources s
            LEFT JOIN (VALUES {ranks}) AS r(source, pref) USING (source)
            LEFT JOIN (VALUES {aff_ranks}) AS a(source, pref) USING (source)
            WHERE s.paper_id IN (SELECT paper_id FROM merge_map)
        )
        SELECT *, row_number() OVER (PARTITION BY paper_id ORDER BY authors = 0, k) = 1 AS is_primary
        FROM ranked
        """
    ).to_arrow_table()


def _rebuild_papers(conn: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the merged rows of the touched papers from their source records."""
    for table in ("authorship_affiliations", "authorships", "papers"):
        conn.execute(f"DELETE FROM {table} WHERE paper_id IN (SELECT paper_id FROM merge_src)")
    firsts = ", ".join(
        f"coalesce(arg_min(s.{c}, m.k) FILTER (WHERE s.{c} <> ''), '')"
        if c in ("abstract", "url", "doi")
        else f"arg_min(s.{c}, m.k)"
        for c in _PAPER_COLUMNS[1:]
    )
    conn.execute(
        f"INSERT INTO papers ({', '.join(_PAPER_COLUMNS)}) SELECT m.paper_id, {firsts} "
        "FROM merge_src m JOIN paper_sources s USING (source, source_key) GROUP BY m.paper_id"
    )
    conn.execute(
        "INSERT INTO authorships (paper_id, author_position, author_name) "
        "SELECT m.paper_id, a.author_position, a.author_name FROM merge_src m "
        "JOIN source_authorships a USING (source, source_key) WHERE m.is_primary"
    )
    # Per author: the affiliations of the most preferred source that has any for that author,
    # among sources whose author list is as long as the primary's. The paper-level list (author
    # unknown) only when no source aligns affiliations with authors.
    conn.execute(
        """
        INSERT INTO authorship_affiliations (paper_id, author_position, aff_order, aff_key)
        WITH per_author AS (
            SELECT s.paper_id, f.author_position, f.aff_order, f.aff_key, s.ak AS k,
                   min(s.ak) OVER (PARTITION BY s.paper_id, f.author_position) AS best
            FROM merge_src s
            JOIN merge_src p ON p.paper_id = s.paper_id AND p.is_primary AND p.authors = s.authors
            JOIN source_affiliations f ON f.source = s.source AND f.source_key = s.source_key
            WHERE f.author_position >= 0 AND s.ak IS NOT NULL
        ),
        chosen AS (SELECT paper_id, author_position, aff_order, aff_key FROM per_author WHERE k = best),
        paper_level AS (
            SELECT s.paper_id, f.author_position, f.aff_order, f.aff_key, s.ak AS k,
                   min(s.ak) OVER (PARTITION BY s.paper_id) AS best
            FROM merge_src s
            JOIN source_affiliations f ON f.source = s.source AND f.source_key = s.source_key
            WHERE f.author_position = -1 AND s.ak IS NOT NULL
              AND s.paper_id NOT IN (SELECT paper_id FROM chosen)
        )
        SELECT * FROM chosen
        UNION ALL
        SELECT paper_id, author_position, aff_order, aff_key FROM paper_level WHERE k = best
        """
    )
    conn.execute(
        """
        UPDATE papers SET alignment = CASE
            WHEN paper_id IN (SELECT paper_id FROM authorship_affiliations WHERE author_position = -1)
                THEN 'unknown'
            WHEN paper_id IN (SELECT paper_id FROM authorship_affiliations)
                THEN CASE WHEN alignment LIKE 'per-author%' THEN alignment ELSE 'per-author' END
            ELSE alignment END
        WHERE paper_id IN (SELECT paper_id FROM merge_src)
        """
    )


_TOUCHED_AFFS = (
    "SELECT paper_id, author_position, aff_order, aff_key FROM authorship_affiliations "
    "WHERE paper_id IN (SELECT paper_id FROM merge_map)"
)


def set_affiliation_source(conn: duckdb.DuckDBPyConnection, choice: str) -> int:
    """Make ``choice`` (best, pdf, list, openreview) the store's affiliation source and rebuild
    every paper's affiliations with it, inside the caller's transaction; returns the papers."""
    if choice not in AFFILIATION_PREFERENCE:
        raise UsageError(
            f"unknown affiliation source {choice!r}", hint=f"use one of {', '.join(AFFILIATION_PREFERENCE)}"
        )
    conn.execute("INSERT OR REPLACE INTO store_settings VALUES ('affiliations_from', ?)", [choice])
    conn.register("merge_map", conn.sql("SELECT DISTINCT paper_id FROM paper_sources").to_arrow_table())
    try:
        conn.register("merge_src", _merge_sources(conn))
        try:
            _rebuild_papers(conn)
        finally:
            conn.unregister("merge_src")
        ((papers,),) = conn.execute("SELECT count(*) FROM merge_map").fetchall()
    finally:
        conn.unregister("merge_map")
    return int(papers)


def load_batch(conn: duckdb.DuckDBPyConnection, batch: SourceBatch) -> LoadSummary:
    """Write one batch inside the caller's transaction, merging each record with the same paper
    from other sources; re-loading the same batch changes nothing."""
    papers = _unique(batch.papers)
    authorships, links, resolutions, affiliations = _source_record_rows(papers)
    staged = {
        "new_records": _record_rows(batch, papers),
        "new_source_authorships": authorships,
        "new_source_affiliations": links,
        "new_source_resolutions": resolutions,
        "new_affiliations": affiliations,
    }
    registered = list(staged)
    for name, table in staged.items():
        conn.register(name, table)
    try:
        conn.register("merge_map", conn.sql(_MAP_SQL).to_arrow_table())
        registered.append("merge_map")
        conn.register("before_affs", conn.sql(_TOUCHED_AFFS).to_arrow_table())
        registered.append("before_affs")
        new_papers = conn.execute(
            "SELECT count(DISTINCT paper_id) FROM merge_map "
            "WHERE paper_id NOT IN (SELECT paper_id FROM papers)"
        ).fetchone()
        new_affs = conn.execute(
            "SELECT count(*) FROM new_affiliations WHERE aff_key NOT IN (SELECT aff_key FROM affiliations)"
        ).fetchone()
        _write_source_records(conn)
        write_documents(conn, papers)
        conn.register("merge_src", _merge_sources(conn))
        registered.append("merge_src")
        _rebuild_papers(conn)
        changed = conn.execute(
            f"SELECT count(DISTINCT paper_id) FROM ((FROM before_affs EXCEPT {_TOUCHED_AFFS}) "
            f"UNION ALL (({_TOUCHED_AFFS}) EXCEPT FROM before_affs)) "
            "WHERE paper_id IN (SELECT paper_id FROM before_affs)"
        ).fetchone()
        # A list ingested again after an edit replaces its earlier version in the sources listed, and
        # a location whose every record another file replaced is no longer a source.
        conn.execute("DELETE FROM sources WHERE location = ? AND sha256 <> ?", [batch.location, batch.sha256])
        conn.execute(
            "DELETE FROM sources "
            "WHERE location <> ? AND location NOT IN (SELECT location FROM paper_sources)",
            [batch.location],
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
                len(papers),
            ],
        )
    finally:
        for name in registered:
            conn.unregister(name)
    return LoadSummary(
        papers=len(papers),
        new_papers=int(new_papers[0]) if new_papers else 0,
        new_affiliations=int(new_affs[0]) if new_affs else 0,
        changed_papers=int(changed[0]) if changed else 0,
    )
