"""Reader for OpenAlex works: authorships with their raw affiliation strings, and OpenAlex's own
institutions and country codes kept as a separate, comparable resolution.

Spec forms (after ``openalex:``): ``S4306420609:2024`` (a source id and a year) or ``neurips2024``
(a venue name and year; the source is OpenAlex's best match for the venue's name). Works are
paged with ``cursor`` (``meta.next_cursor``); every request carries the polite ``mailto`` when one
is given (``--mailto`` or ``$COLLABATLAS_MAILTO``). All requests go through :class:`CachedFetcher`.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from typing import Any

from collabatlas.errors import InputError, UsageError
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.identity import normalise_doi
from collabatlas.sources.jsonapi import Progress, expect, get_json, text
from collabatlas.sources.records import (
    AffiliationRecord,
    AuthorRecord,
    PaperRecord,
    SourceBatch,
    SourceResolution,
)
from collabatlas.sources.venues import canonical_venue, venue_year_from_name

SOURCE = "openalex"
API = "https://api.openalex.org"
PAGE_SIZE = 200
_SOURCE_ID = re.compile(r"^(?:https://openalex\.org/)?(S\d+)(?::((?:19|20)\d\d))?$", re.IGNORECASE)
# What OpenAlex calls the venues whose short names it does not match well.
SEARCH_NAMES = {
    "NeurIPS": "Neural Information Processing Systems",
    "ICML": "International Conference on Machine Learning",
    "ICLR": "International Conference on Learning Representations",
}


def mailto_from_env(mailto: str | None) -> str:
    """The polite-pool address: the one given, else ``$COLLABATLAS_MAILTO``, else ''."""
    return mailto or os.environ.get("COLLABATLAS_MAILTO", "")


def read_openalex(
    spec: str,
    fetcher: CachedFetcher,
    *,
    venue: str | None = None,
    year: int | None = None,
    mailto: str | None = None,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> SourceBatch:
    """The works of one OpenAlex source in one year (``spec`` without the ``openalex:`` prefix)."""
    polite = {"mailto": address} if (address := mailto_from_env(mailto)) else {}
    digest = hashlib.sha256()
    match = _SOURCE_ID.match(spec.strip())
    if match:
        source_id, year = match[1].upper(), year or (int(match[2]) if match[2] else None)
        if year is None:
            raise UsageError(f"openalex:{spec}: no year", hint="write openalex:SOURCE_ID:YEAR or pass --year")
        venue = canonical_venue(venue or _source_name(source_id, fetcher, polite, digest))
    else:
        guessed_venue, guessed_year = venue_year_from_name(spec)
        venue, year = canonical_venue(venue or guessed_venue), year or guessed_year
        source_id = _find_source(venue, fetcher, polite, digest)
    works = _works(source_id, year, fetcher, polite, page_size, digest, progress)
    papers = tuple(_paper(w, venue, year) for w in works)
    return SourceBatch(f"openalex:{source_id}:{year}", venue, year, papers, len(works), digest.hexdigest())


def _short(openalex_id: str) -> str:
    return openalex_id.rstrip("/").rsplit("/", 1)[-1]


def _source_name(source_id: str, fetcher: CachedFetcher, polite: dict[str, str], digest: Any) -> str:
    data = expect(get_json(fetcher, f"{API}/sources/{source_id}", polite, digest), dict, source_id)
    return expect(data.get("display_name"), str, f"{API}/sources/{source_id}: 'display_name'")


def _find_source(venue: str, fetcher: CachedFetcher, polite: dict[str, str], digest: Any) -> str:
    params = {"search": SEARCH_NAMES.get(venue, venue), **polite}
    where = f"{API}/sources?search={params['search']}"
    data = expect(get_json(fetcher, f"{API}/sources", params, digest), dict, where)
    results = expect(data.get("results"), list, f"{where}: 'results'")
    if not results:
        raise InputError(
            f"{where}: OpenAlex knows no source by that name", hint="give the source id: S…:YEAR"
        )
    return _short(expect(expect(results[0], dict, where).get("id"), str, f"{where}: 'id'"))


def _works(
    source_id: str,
    year: int,
    fetcher: CachedFetcher,
    polite: dict[str, str],
    page_size: int,
    digest: Any,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    works: list[dict[str, Any]] = []
    cursor: str | None = "*"
    while cursor:
        params: dict[str, str | int] = {
            "filter": f"primary_location.source.id:{source_id},publication_year:{year}",
            "per-page": page_size,
            "cursor": cursor,
            **polite,
        }
        where = f"{API}/works {source_id} {year} cursor {cursor}"
        data = expect(get_json(fetcher, f"{API}/works", params, digest), dict, where)
        meta = expect(data.get("meta"), dict, f"{where}: 'meta'")
        page = expect(data.get("results"), list, f"{where}: 'results'")
        for index, work in enumerate(page):
            _check(work, f"{where}: work {index}")
        works.extend(page)
        if progress:
            total = meta.get("count") if isinstance(meta.get("count"), int) else 0
            progress("openalex works", len(works), max(total, len(works)))
        next_cursor = meta.get("next_cursor")
        cursor = next_cursor if isinstance(next_cursor, str) and page else None
    return works


def _check(work: Any, where: str) -> None:
    expect(work, dict, where)
    expect(work.get("id"), str, f"{where}: 'id'")
    expect(work.get("display_name") or work.get("title"), str, f"{where}: 'display_name'")
    expect(work.get("primary_location") or {}, dict, f"{where}: 'primary_location'")
    for index, authorship in enumerate(expect(work.get("authorships", []), list, f"{where}: 'authorships'")):
        at = f"{where}: authorship {index}"
        expect(authorship, dict, at)
        for raw in expect(authorship.get("raw_affiliation_strings") or [], list, f"{at}: raw strings"):
            expect(raw, str, f"{at}: raw affiliation string")
        for inst in expect(authorship.get("institutions") or [], list, f"{at}: 'institutions'"):
            expect(inst, dict, f"{at}: institution")
        for country in expect(authorship.get("countries") or [], list, f"{at}: 'countries'"):
            expect(country, str, f"{at}: country")


def abstract_from_index(index: Mapping[str, Any] | None) -> str:
    """The abstract OpenAlex ships as an inverted index (word → positions), as text."""
    if not isinstance(index, Mapping):
        return ""
    words = {p: w for w, positions in index.items() if isinstance(positions, list) for p in positions}
    return " ".join(words[p] for p in sorted(words))


def _resolutions(position: int, authorship: Mapping[str, Any]) -> list[SourceResolution]:
    """OpenAlex's institutions for one authorship, plus any country it gives without one."""
    found = [
        SourceResolution(
            position,
            _short(text(inst.get("id"))),
            text(inst.get("display_name")),
            text(inst.get("country_code")).upper(),
        )
        for inst in authorship.get("institutions") or []
    ]
    covered = {r.country for r in found}
    found += [
        SourceResolution(position, "", "", code.upper())
        for code in authorship.get("countries") or []
        if code.upper() not in covered
    ]
    return found


def _paper(work: Mapping[str, Any], venue: str, year: int) -> PaperRecord:
    work_id = _short(work["id"])
    authors, resolutions = [], []
    for position, authorship in enumerate(work.get("authorships") or []):
        author = authorship.get("author") if isinstance(authorship.get("author"), dict) else {}
        name = text(author.get("display_name")) or text(authorship.get("raw_author_name"))
        raws = dict.fromkeys(text(r) for r in authorship.get("raw_affiliation_strings") or [])
        authors.append(AuthorRecord(position, name, tuple(AffiliationRecord(r) for r in raws if r)))
        resolutions += _resolutions(position, authorship)
    location: Mapping[str, Any] = work.get("primary_location") or {}
    return PaperRecord(
        paper_id=f"openalex:{work_id}",
        venue=venue,
        year=year,
        title=text(work.get("display_name") or work.get("title")),
        authors=tuple(authors),
        source=SOURCE,
        source_id=work_id,
        abstract=abstract_from_index(work.get("abstract_inverted_index")),
        url=text(location.get("landing_page_url")) or text(work["id"]),
        doi=normalise_doi(text(work.get("doi"))),
        source_resolutions=tuple(resolutions),
    )
