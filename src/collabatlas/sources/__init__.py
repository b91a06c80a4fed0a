"""Sources: read paper lists from files, URLs or named venue-years into source-neutral records."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from collabatlas.errors import InputError
from collabatlas.sources.conference_site import (
    is_conference_site,
    parse_conference_site,
    venue_year_from_location,
)
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.jsonapi import Progress
from collabatlas.sources.openalex import read_openalex
from collabatlas.sources.openreview import read_openreview
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.profiles import read_profiles
from collabatlas.sources.records import PaperRecord, SourceBatch
from collabatlas.sources.venues import canonical_venue, paperlists_url, venue_year_from_name

__all__ = ["SourceBatch", "read_source"]

_NAMED = re.compile(r"^[a-z][a-z0-9]*?(19|20)\d\d$")


def read_source(
    spec: str,
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
    *,
    mailto: str | None = None,
    progress: Progress | None = None,
) -> SourceBatch:
    """Read one source: a Paper Copilot list or a conference site's programme JSON (a path, an
    https URL, or a name such as ``nips2025``), ``openreview:VENUE_ID``, ``openalex:…``, or
    ``profiles:FILE.json`` (OpenReview profiles: the authors' histories, no papers).

    A name that is not an existing file is fetched from Paper Copilot's public repository
    (cached on disk). Venue and year come from the file name or venue id unless given.
    """
    return checked(_read(spec, venue, year, fetcher, mailto=mailto, progress=progress))


def checked(batch: SourceBatch) -> SourceBatch:
    """``batch`` if it holds papers (or, for ``profiles:``, profiles) and no NUL character in any
    text (else an InputError naming the paper): an empty source would be listed as a source of
    every figure, and NUL is damaged text."""
    if not batch.papers and not batch.profiles:
        raise InputError(f"{batch.location}: no papers to ingest", hint="check the source and its venue-year")
    for paper in batch.papers:
        for name, value in _texts(paper):
            if "\0" in value:
                raise InputError(
                    f"{batch.location}: paper {paper.source_id or paper.paper_id!r}: {name} contains a NUL "
                    "character",
                    hint="text with NUL bytes is damaged; fix or remove the record",
                )
    return batch


def _texts(paper: PaperRecord) -> Iterator[tuple[str, str]]:
    for name in ("title", "abstract", "status", "track", "url", "doi", "source_id", "openreview_id"):
        yield name, getattr(paper, name)
    for author in paper.authors:
        yield f"author {author.position}", author.name
        for aff in author.affiliations:
            yield f"author {author.position}'s affiliation", aff.raw + aff.domain + aff.country
    for aff in paper.paper_affiliations:
        yield "an affiliation", aff.raw + aff.domain + aff.country
    for res in paper.source_resolutions:
        yield "a source resolution", res.institution_id + res.institution + res.country


def _read(
    spec: str,
    venue: str | None,
    year: int | None,
    fetcher: CachedFetcher | None,
    *,
    mailto: str | None,
    progress: Progress | None,
) -> SourceBatch:
    if spec.startswith("openreview:"):
        venue_id = spec.removeprefix("openreview:")
        return read_openreview(
            venue_id, fetcher or CachedFetcher(), venue=venue, year=year, progress=progress
        )
    if spec.startswith("profiles:"):
        path = Path(spec.removeprefix("profiles:"))
        try:
            return read_profiles(path.read_bytes(), str(path))
        except OSError as exc:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    if spec.startswith("openalex:"):
        return read_openalex(
            spec.removeprefix("openalex:"),
            fetcher or CachedFetcher(),
            venue=venue,
            year=year,
            mailto=mailto,
            progress=progress,
        )
    path = Path(spec)
    if spec.startswith(("https://", "http://")):
        data, location = (fetcher or CachedFetcher()).get(spec), spec
    elif path.is_dir():
        raise InputError(f"{spec} is a folder", hint="give a paper list's JSON file")
    elif path.exists():
        try:
            data, location = path.read_bytes(), str(path)
        except OSError as exc:
            raise InputError(f"{spec}: cannot read ({exc.strerror})") from exc
    elif _NAMED.match(spec):
        venue, year = _venue_year(spec, venue, year, venue_year_from_name)
        location = paperlists_url(venue, year)
        data = (fetcher or CachedFetcher()).get(location)
    else:
        raise InputError(f"{spec}: no such file", hint="give a path, an https URL or a name like nips2018")
    if is_conference_site(data):
        site_venue, site_year = _venue_year(spec, venue, year, venue_year_from_location)
        return parse_conference_site(data, location, site_venue, site_year)
    return parse_paperlists(data, location, *_venue_year(spec, venue, year, venue_year_from_name))


def _venue_year(
    spec: str, venue: str | None, year: int | None, guess: Callable[[str], tuple[str, int]]
) -> tuple[str, int]:
    """The venue and year given, the missing one (or both) guessed from the spec's name."""
    if venue is None or year is None:
        guessed_venue, guessed_year = guess(spec)
        venue, year = venue or guessed_venue, year or guessed_year
    return canonical_venue(venue), year
