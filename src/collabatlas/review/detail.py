"""What a reviewer sees of one affiliation or one paper: resolutions, candidates, answers, context."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from collabatlas.analyze.rules import CHINA_SCOPES, CountingRules
from collabatlas.review.corrections import paper_countries
from collabatlas.store import Store

PAPERS_SHOWN = 20
AUTHORS_SHOWN = 100  # authors per page of a paper; a paper may list thousands


@dataclass(frozen=True)
class Author:
    """An author of a paper with their affiliations and the countries they count for."""

    position: int
    name: str
    affiliations: list[dict[str, Any]]  # aff_key, raw, domain, country, institution, method


@dataclass(frozen=True)
class PaperView:
    """A paper with its authors, countries (automatic and counted), flag and override."""

    paper_id: str
    venue: str
    year: int
    title: str
    status: str
    accepted: bool
    url: str
    authors: list[Author]
    unplaced: list[dict[str, Any]]  # affiliations of the paper not tied to an author
    countries: list[str]  # what counts now (override or affiliations)
    override: dict[str, Any] | None
    has_a: bool
    has_b: bool
    author_count: int = 0  # all the paper's authors; ``authors`` holds one page of them
    author_offset: int = 0

    @property
    def author_page(self) -> int:
        """The 1-based page of ``AUTHORS_SHOWN`` authors that ``authors`` holds."""
        return self.author_offset // AUTHORS_SHOWN + 1

    alignment: list[str] = field(default_factory=list)  # how PDF/TEI sources linked the authors


@dataclass(frozen=True)
class AffiliationView:
    """One affiliation: its automatic resolution, candidates, current correction and papers."""

    aff_key: str
    raw: str
    domain: str
    automatic: dict[str, Any]
    candidates: list[dict[str, Any]]
    correction: dict[str, Any] | None
    history: list[dict[str, Any]]
    papers: list[PaperView] = field(default_factory=list)
    paper_count: int = 0


def _dicts(store: Store, sql: str, params: list[object]) -> list[dict[str, Any]]:
    return store.query(sql, params).to_pylist()


def affiliation_view(
    store: Store, aff_key: str, rules: CountingRules | None = None
) -> AffiliationView | None:
    """Everything about one affiliation, or None when the store has no such key."""
    rows = _dicts(
        store,
        "SELECT a.aff_key, a.raw, a.domain, r.institution, r.institution_id, r.country, r.confidence, "
        "r.method, r.reason, r.candidates FROM affiliations a LEFT JOIN resolutions r USING (aff_key) "
        "WHERE a.aff_key = ?",
        [aff_key],
    )
    if not rows:
        return None
    auto = rows[0]
    corrections = _dicts(store, "SELECT * FROM corrections WHERE aff_key = ?", [aff_key])
    history = _dicts(
        store,
        "SELECT * FROM correction_history WHERE kind = 'affiliation' AND target = ? ORDER BY seq DESC",
        [aff_key],
    )
    paper_ids = [
        r[0]
        for r in store.rows(
            "SELECT DISTINCT l.paper_id, p.year "
            "FROM authorship_affiliations l JOIN papers p USING (paper_id) "
            "WHERE l.aff_key = ? ORDER BY p.year DESC, l.paper_id",
            [aff_key],
        )
    ]
    shown = (paper_view(store, pid, rules, author_limit=AUTHORS_SHOWN) for pid in paper_ids[:PAPERS_SHOWN])
    papers = [p for p in shown if p]
    return AffiliationView(
        aff_key=aff_key,
        raw=auto["raw"],
        domain=auto["domain"],
        automatic=auto,
        candidates=json.loads(auto["candidates"] or "[]"),
        correction=corrections[0] if corrections else None,
        history=history,
        papers=papers,
        paper_count=len(paper_ids),
    )


def paper_view(
    store: Store,
    paper_id: str,
    rules: CountingRules | None = None,
    *,
    author_offset: int = 0,
    author_limit: int | None = None,
) -> PaperView | None:
    """A paper's authors (``author_limit`` of them from ``author_offset``, or all), affiliations,
    counted countries and A–B flag, or None if unknown."""
    rules = rules or CountingRules()
    found = _dicts(store, "SELECT * FROM papers WHERE paper_id = ?", [paper_id])
    if not found:
        return None
    paper = found[0]
    count_row = store.rows("SELECT count(*) FROM authorships WHERE paper_id = ?", [paper_id])
    names = store.rows(
        "SELECT author_position, author_name FROM authorships WHERE paper_id = ? "
        "ORDER BY author_position LIMIT ? OFFSET ?",
        [paper_id, author_limit if author_limit is not None else count_row[0][0], author_offset],
    )
    first, last = (names[0][0], names[-1][0]) if names else (0, -1)
    links = _dicts(
        store,
        "SELECT l.author_position, l.aff_order, a.aff_key, a.raw, a.domain, r.institution, r.country, "
        "r.method FROM authorship_affiliations l JOIN affiliations a USING (aff_key) "
        "LEFT JOIN link_resolutions r ON r.paper_id = l.paper_id AND r.author_position = l.author_position "
        "AND r.aff_order = l.aff_order WHERE l.paper_id = ? "
        "AND (l.author_position = -1 OR l.author_position BETWEEN ? AND ?) "
        "ORDER BY l.author_position, l.aff_order",
        [paper_id, first, last],
    )
    by_position: dict[int, list[dict[str, Any]]] = {}
    evidence = _link_evidence(store, paper_id)
    for link in links:
        link["evidence"] = evidence.get((link["author_position"], link["aff_key"]), "")
        by_position.setdefault(link["author_position"], []).append(link)
    authors = [Author(pos, name, by_position.get(pos, [])) for pos, name in names]
    overrides = _dicts(store, "SELECT * FROM paper_overrides WHERE paper_id = ?", [paper_id])
    countries = paper_countries(store.conn, paper_id)
    scoped = {"CN" if c in CHINA_SCOPES[rules.china_scope] else c for c in countries}
    a, b = rules.pair
    return PaperView(
        paper_id=paper_id,
        venue=paper["venue"],
        year=paper["year"],
        title=paper["title"],
        status=paper["status"],
        accepted=paper["accepted"],
        url=paper["url"],
        authors=authors,
        unplaced=by_position.get(-1, []),
        countries=countries,
        override=overrides[0] if overrides else None,
        has_a=a in scoped,
        has_b=b in scoped,
        author_count=count_row[0][0],
        author_offset=author_offset,
        alignment=[
            f"{source}: {reason}"
            for source, reason in store.rows(
                "SELECT a.source, a.reason FROM source_alignment a "
                "JOIN paper_sources s USING (source, source_key) "
                "WHERE s.paper_id = ? ORDER BY a.source, a.source_key",
                [paper_id],
            )
        ],
    )


def _link_evidence(store: Store, paper_id: str) -> dict[tuple[int, str], str]:
    """(author position, aff_key) → how a PDF or TEI linked them: source, rule, marker, line."""
    rows = store.rows(
        "SELECT f.author_position, f.aff_key, e.source, e.method, e.marker, e.line "
        "FROM paper_sources s JOIN source_affiliation_links e USING (source, source_key) "
        "JOIN source_affiliations f USING (source, source_key, author_position, aff_order) "
        "WHERE s.paper_id = ? ORDER BY e.source",
        [paper_id],
    )
    out: dict[tuple[int, str], str] = {}
    for position, key, source, method, marker, line in rows:
        mark = f" {marker}" if marker else ""
        out.setdefault((position, key), f"{source} {method}{mark}: “{line}”")
    return out
