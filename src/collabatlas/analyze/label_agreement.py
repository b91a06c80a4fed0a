"""How far a peer's country labels (another tracker's output, as CSV) agree with collabatlas's, per
author and per paper.

The CSV has a header with ``venue``, ``year``, ``country`` (an ISO code or a name; several joined
by ``|`` or ``;``; empty or 'Unknown' = no label), the paper as ``paper_id`` (collabatlas's, the
source's id or the OpenReview id) or ``title``, and the author as ``author_position`` (0-based, as
``export authorships`` writes it) or ``author_name``. Countries are compared after folding under
the China scope, since trackers label Hong Kong, Macau and Taiwan differently.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyascii import anyascii

from collabatlas.analyze.rules import CHINA_SCOPES, country_code
from collabatlas.analyze.source_agreement import AGREE, DIFFER, NEITHER
from collabatlas.errors import InputError, UsageError
from collabatlas.sources.identity import title_key
from collabatlas.sources.venues import canonical_venue
from collabatlas.store import Store

ONLY_PEER, ONLY_OURS, PARTLY, UNMATCHED = "only peer", "only collabatlas", "partly", "unmatched"
AUTHOR_STATUSES = (AGREE, PARTLY, DIFFER, ONLY_PEER, ONLY_OURS, NEITHER, UNMATCHED)
PAPER_STATUSES = (AGREE, DIFFER, ONLY_PEER, ONLY_OURS, NEITHER)
_REQUIRED = ("venue", "year", "country")
NO_LABEL = frozenset(["", "unknown", "?", "n/a", "na", "none", "-"])  # the peer gives no country


@dataclass(frozen=True)
class LabelAgreement:
    """Per-author rows, per-paper rows and the count of each status."""

    authors: list[dict[str, Any]]
    papers: list[dict[str, Any]]

    def summary(self) -> dict[str, dict[str, int]]:
        """Authors and papers compared, and how many fall under each status."""
        return {
            "authors": _tally(self.authors, AUTHOR_STATUSES),
            "papers": _tally(self.papers, PAPER_STATUSES),
        }

    def differing_papers(self) -> list[dict[str, Any]]:
        """The papers whose countries differ (or that only one side places)."""
        return [p for p in self.papers if p["status"] != AGREE]


def _tally(rows: list[dict[str, Any]], statuses: Iterable[str]) -> dict[str, int]:
    counts = Counter(r["status"] for r in rows)
    return {"compared": len(rows), **{s: counts[s] for s in statuses}}


def compare_labels(
    store: Store, path: str | Path, *, china_scope: str = "prc", accepted_only: bool = True
) -> LabelAgreement:
    """Compare the labels in the CSV at ``path`` with the store's resolved countries."""
    if china_scope not in CHINA_SCOPES:
        raise UsageError(f"unknown --china-scope {china_scope!r}", hint="use prc, mainland or greater")
    folded = CHINA_SCOPES[china_scope]
    labels = _read(Path(path))
    index = _PaperIndex(store, accepted_only)
    peer: dict[str, set[str]] = {}
    matched_papers: set[str] = set()
    authors = []
    for line, row in labels:
        countries = {_fold(c, folded) for c in _countries(row["country"], path, line)}
        paper_id = index.paper(row)
        position = index.author(paper_id, row) if paper_id is not None else None
        ours: set[str] = set()
        if paper_id is not None:
            matched_papers.add(paper_id)
            if position is not None:
                ours = {_fold(c, folded) for c in index.countries.get((paper_id, position), ())}
                peer.setdefault(paper_id, set()).update(countries)
        status = UNMATCHED if position is None else _status(countries, ours)
        authors.append(
            {
                "line": line,
                "venue": row["venue"],
                "year": row["year"],
                "paper": row.get("paper_id") or row.get("title") or "",
                "author": row.get("author_position") or row.get("author_name") or "",
                "paper_id": paper_id or "",
                "author_position": position,
                "peer_countries": sorted(countries),
                "collabatlas_countries": sorted(ours),
                "status": status,
            }
        )
    papers = []
    for paper_id in sorted(matched_papers):
        theirs = sorted(peer.get(paper_id, ()))
        mine = sorted({_fold(c, folded) for c in index.paper_countries.get(paper_id, ())})
        venue, year, title = index.meta[paper_id]
        papers.append(
            {
                "paper_id": paper_id,
                "venue": venue,
                "year": year,
                "title": title,
                "peer_countries": theirs,
                "collabatlas_countries": mine,
                "only_peer": [c for c in theirs if c not in mine],
                "only_collabatlas": [c for c in mine if c not in theirs],
                "status": _status(set(theirs), set(mine), partly=False),
            }
        )
    return LabelAgreement(authors, papers)


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            rows = [
                (n, {k.strip().lower(): (v or "").strip() for k, v in r.items() if k})
                for n, r in enumerate(reader, 2)
            ]
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{path}: not a UTF-8 CSV file ({exc})") from exc
    missing = [c for c in _REQUIRED if c not in header]
    if (
        missing
        or not {"paper_id", "title"} & set(header)
        or not {"author_position", "author_name"} & set(header)
    ):
        raise InputError(
            f"{path}: the header needs venue, year, country, paper_id or title, and author_position or "
            f"author_name; it has {', '.join(header) or 'nothing'}",
            hint="one row per labelled author, e.g. venue,year,title,author_name,country",
        )
    return rows


def _countries(value: str, path: str | Path, line: int) -> list[str]:
    parts = [p for p in value.replace(";", "|").split("|") if p.strip().lower() not in NO_LABEL]
    try:
        return [country_code(p) for p in parts]
    except UsageError as exc:
        raise InputError(f"{path}: line {line}: {exc}", hint=exc.hint) from exc


def _fold(country: str, folded: tuple[str, ...]) -> str:
    return "CN" if country in folded else country


def _status(theirs: set[str], ours: set[str], *, partly: bool = True) -> str:
    if theirs and ours:
        if theirs == ours:
            return AGREE
        return PARTLY if partly and theirs & ours else DIFFER
    return ONLY_PEER if theirs else ONLY_OURS if ours else NEITHER


def _name_key(name: str) -> str:
    return " ".join(anyascii(name).lower().replace(".", " ").replace("-", " ").split())


class _PaperIndex:
    """The store's papers by venue-year and id or title, their authors, and each author's countries."""

    def __init__(self, store: Store, accepted_only: bool) -> None:
        where = "WHERE p.accepted" if accepted_only else ""
        self.meta: dict[str, tuple[str, int, str]] = {}
        self.by_key: dict[tuple[str, int, str], str] = {}
        for paper_id, venue, year, title in store.rows(
            f"SELECT paper_id, venue, year, title FROM papers p {where}"
        ):
            self.meta[paper_id] = (venue, year, title)
            self.by_key.setdefault((canonical_venue(venue).lower(), year, "id:" + paper_id), paper_id)
            self.by_key.setdefault(
                (canonical_venue(venue).lower(), year, "title:" + title_key(title)), paper_id
            )
        for paper_id, source_id, openreview_id in store.rows(
            "SELECT paper_id, source_id, openreview_id FROM paper_sources"
        ):
            if paper_id in self.meta:
                venue, year, _ = self.meta[paper_id]
                for other in (source_id, openreview_id):
                    if other:
                        self.by_key.setdefault(
                            (canonical_venue(venue).lower(), year, "id:" + other), paper_id
                        )
        self.names: dict[tuple[str, str], int] = {}
        self.positions: set[tuple[str, int]] = set()
        for paper_id, position, name in store.rows(
            "SELECT paper_id, author_position, author_name FROM authorships"
        ):
            self.positions.add((paper_id, position))
            self.names.setdefault((paper_id, _name_key(name)), position)
        self.countries: dict[tuple[str, int], set[str]] = {}  # per author (-1: the paper's, author unknown)
        self.paper_countries: dict[str, set[str]] = {}
        for paper_id, position, country in store.rows(
            "SELECT l.paper_id, l.author_position, r.country FROM authorship_affiliations l "
            "JOIN effective_resolutions r USING (aff_key) WHERE r.country IS NOT NULL"
        ):
            self.countries.setdefault((paper_id, position), set()).add(country)
        for paper_id, country in store.rows("SELECT paper_id, country FROM effective_paper_countries"):
            self.paper_countries.setdefault(paper_id, set()).add(country)  # as analysis counts the paper

    def paper(self, row: dict[str, str]) -> str | None:
        """The store's paper a label row names, or None."""
        try:
            key = (canonical_venue(row["venue"]).lower(), int(row["year"]))
        except ValueError:
            return None
        if row.get("paper_id"):
            found = self.by_key.get((*key, "id:" + row["paper_id"]))
            if found:
                return found
        return (
            self.by_key.get((*key, "title:" + title_key(row.get("title", "")))) if row.get("title") else None
        )

    def author(self, paper_id: str, row: dict[str, str]) -> int | None:
        """The author a label row names in ``paper_id`` (by position, else by name), or None."""
        position = row.get("author_position", "")
        if position.lstrip("-").isdigit() and (paper_id, int(position)) in self.positions:
            return int(position)
        name = row.get("author_name", "")
        return self.names.get((paper_id, _name_key(name))) if name else None
