"""Sources: read paper lists from files, URLs or named venue-years into source-neutral records."""

from __future__ import annotations

import re
from pathlib import Path

from collabatlas.errors import InputError
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.records import SourceBatch
from collabatlas.sources.venues import canonical_venue, paperlists_url, venue_year_from_name

__all__ = ["SourceBatch", "read_source"]

_NAMED = re.compile(r"^[a-z][a-z0-9]*?(19|20)\d\d$")


def read_source(
    spec: str,
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
) -> SourceBatch:
    """Read one source: a local paperlists file, an https URL, or a name such as ``nips2025``.

    A name that is not an existing file is fetched from Paper Copilot's public repository
    (cached on disk). Venue and year come from the file name unless given.
    """
    if (venue is None) != (year is None):
        guessed_venue, guessed_year = venue_year_from_name(spec)
        venue, year = venue or guessed_venue, year or guessed_year
    elif venue is None or year is None:
        venue, year = venue_year_from_name(spec)
    venue = canonical_venue(venue)
    path = Path(spec)
    if spec.startswith(("https://", "http://")):
        data, location = (fetcher or CachedFetcher()).get(spec), spec
    elif path.exists():
        try:
            data, location = path.read_bytes(), str(path)
        except OSError as exc:
            raise InputError(f"{spec}: cannot read ({exc.strerror})") from exc
    elif _NAMED.match(spec):
        location = paperlists_url(venue, year)
        data = (fetcher or CachedFetcher()).get(location)
    else:
        raise InputError(f"{spec}: no such file", hint="give a path, an https URL or a name like nips2018")
    return parse_paperlists(data, location, venue, year)
