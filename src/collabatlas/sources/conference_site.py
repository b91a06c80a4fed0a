"""Reader for the JSON a conference site publishes for its virtual programme (NeurIPS, ICML, ICLR),
as served at ``/static/virtual/data/<venue>-<year>-orals-posters.json``: ``{"count": N, "results":
[{"id", "uid", "name", "authors": [{"id", "fullname", "url", "institution"}], "abstract",
"decision", "eventtype", "session", "virtualsite_url", "sourceurl", "paper_url", …}]}``.

``sourceurl`` names the OpenReview group an entry comes from
(``https://openreview.net/group?id=NeurIPS.cc/2025/Conference``): its last part gives the track
(``Conference`` → main, ``Datasets_and_Benchmarks_Track``, ``Position_Paper_Track``). Entries from
elsewhere (journal-track papers presented at the conference: JMLR, TMLR, …) are not papers of the
venue-year; they are left out and counted in the batch's ``left_out``. An oral is listed beside its
poster: entries with the same OpenReview id (else the same normalised title) are one paper, whose
status is the highest of them (Oral > Spotlight > Poster). Without ``sourceurl`` (older files) the
track is read from the decision, event type and session.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, urlparse

from collabatlas.errors import InputError, UsageError
from collabatlas.sources.identity import openreview_id_from_url, title_key
from collabatlas.sources.jsonapi import expect, text
from collabatlas.sources.records import (
    AffiliationRecord,
    AuthorRecord,
    PaperRecord,
    SourceBatch,
    split_institutions,
)
from collabatlas.sources.venues import canonical_venue

SOURCE = "conference_site"
_NAME = re.compile(r"(?P<venue>[a-z][a-z0-9]*?[a-z])[-_ ]?(?P<year>(?:19|20)\d\d)")
_RANKS = ("oral", "spotlight", "poster")
_DNB = re.compile(r"datasets?\s*(?:and|&)\s*benchmarks?|\bd&b\b", re.IGNORECASE)
_POSITION = re.compile(r"\bposition\b", re.IGNORECASE)
_TRACK_FIELDS = ("track", "decision", "eventtype", "event_type", "session")
_GROUP = re.compile(r"(?P<venue>[A-Za-z][A-Za-z0-9]*)\.cc/(?P<year>\d{4})/(?P<track>[A-Za-z0-9_]+)")
_GROUP_TRACKS = {
    "conference": "main",
    "datasets_and_benchmarks": "datasets and benchmarks",
    "position_paper": "position",
}
_HINT = "a conference site's programme JSON is an object whose 'results' list holds the papers"


def is_conference_site(data: bytes) -> bool:
    """Whether ``data`` looks like a conference-site JSON object (paperlists files are arrays)."""
    return data.lstrip()[:1] == b"{"


def venue_year_from_location(location: str) -> tuple[str, int]:
    """Venue and year from a path or URL such as ``…/neurips-2024-orals-posters.json``."""
    lowered = location.lower().split("?")[0]
    for part in reversed(PurePosixPath(lowered).parts):
        match = _NAME.search(part)
        if match:
            return canonical_venue(match["venue"]), int(match["year"])
    raise UsageError(
        f"{location}: cannot tell venue and year from the path",
        hint="name it like neurips-2024-orals-posters.json or pass --venue and --year",
    )


def parse_conference_site(data: bytes, location: str, venue: str, year: int) -> SourceBatch:
    """Parse a conference site's programme JSON into one paper per title (raises InputError)."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{location}: not JSON ({exc})") from exc
    where = f"{location}"
    if not isinstance(document, dict) or "results" not in document:
        raise InputError(
            f"{location}: neither a Paper Copilot list (a JSON array) nor a conference-site programme "
            "(an object with 'results')",
            hint=_HINT,
        )
    results = expect(document["results"], list, f"{where}: 'results'", _HINT)
    venue = canonical_venue(venue)
    groups: dict[str, list[dict[str, Any]]] = {}
    left_out: Counter[str] = Counter()
    for index, entry in enumerate(results):
        _check(entry, f"{where}: result {index}")
        origin = elsewhere(text(entry.get("sourceurl")), venue, year)
        if origin:
            left_out[origin] += 1
            continue
        key = openreview_id_from_url(text(entry.get("paper_url"))) or title_key(entry["name"])
        groups.setdefault(key, []).append(entry)
    papers = tuple(_paper(key, entries, venue, year) for key, entries in groups.items() if key)
    return SourceBatch(
        location,
        venue,
        year,
        papers,
        len(results),
        hashlib.sha256(data).hexdigest(),
        left_out=tuple(sorted(left_out.items())),
    )


def elsewhere(sourceurl: str, venue: str, year: int) -> str:
    """Where an entry comes from when it is not a paper of ``venue`` ``year`` ('' when it is, or
    when ``sourceurl`` is empty): the OpenReview group or the host it names ('TMLR', 'jmlr.org')."""
    if not sourceurl:
        return ""
    match = _GROUP.search(sourceurl)
    if match and canonical_venue(match["venue"]) == venue and int(match["year"]) == year:
        return ""
    parsed = urlparse(sourceurl)
    group = parse_qs(parsed.query).get("id", [""])[0]
    return group or parsed.netloc.removeprefix("www.") or sourceurl


def _group_track(sourceurl: str) -> str:
    """The track an OpenReview group id names ('' when ``sourceurl`` names none)."""
    match = _GROUP.search(sourceurl)
    if not match:
        return ""
    name = re.sub(r"_track$", "", match["track"].lower())
    return _GROUP_TRACKS.get(name, name.replace("_", " "))


def _check(entry: Any, where: str) -> None:
    expect(entry, dict, where, _HINT)
    expect(entry.get("name"), str, f"{where}: 'name'", _HINT)
    for index, author in enumerate(expect(entry.get("authors", []), list, f"{where}: 'authors'", _HINT)):
        expect(author, dict, f"{where}: author {index}", _HINT)
        expect(author.get("fullname", ""), str, f"{where}: author {index}: 'fullname'", _HINT)
        expect(author.get("institution") or "", str, f"{where}: author {index}: 'institution'", _HINT)
    expect(entry.get("sourceurl") or "", str, f"{where}: 'sourceurl'", _HINT)


def _rank(entry: Mapping[str, Any]) -> int:
    words = f"{text(entry.get('eventtype'))} {text(entry.get('decision'))}".lower()
    return next((i for i, name in enumerate(_RANKS) if name in words), len(_RANKS))


def _track(entries: Sequence[Mapping[str, Any]]) -> str:
    named = _group_track(_first(entries, "sourceurl"))
    if named:
        return named
    fields = " | ".join(text(e.get(name)) for e in entries for name in _TRACK_FIELDS)
    if _DNB.search(fields):
        return "datasets and benchmarks"
    if _POSITION.search(fields):
        return "position"
    return "main"


def _first(entries: Sequence[Mapping[str, Any]], name: str) -> str:
    return next((v for v in (text(e.get(name)) for e in entries) if v), "")


def _affiliations(author: Mapping[str, Any]) -> tuple[AffiliationRecord, ...]:
    """The author's institution as entered on the site (HTML entities undone: 'Texas A&amp;M')."""
    institution = html.unescape(text(author.get("institution")))
    return tuple(AffiliationRecord(name) for name in split_institutions(institution) if name)


def _paper(key: str, entries: list[dict[str, Any]], venue: str, year: int) -> PaperRecord:
    entries = sorted(entries, key=_rank)
    best = entries[0]
    rank = _rank(best)
    authors = tuple(
        AuthorRecord(position, html.unescape(text(author.get("fullname"))), _affiliations(author))
        for position, author in enumerate(best.get("authors", []))
    )
    paper_url = _first(entries, "paper_url")
    slug = re.sub(r"[^a-z0-9]", "", venue.lower())
    return PaperRecord(
        paper_id=f"{slug}{year}:site:{hashlib.sha1(key.encode()).hexdigest()[:12]}",
        venue=venue,
        year=year,
        title=html.unescape(text(best["name"])),
        authors=authors,
        source=SOURCE,
        source_id=text(str(best.get("uid") or best.get("id") or "")),
        abstract=_first(entries, "abstract"),
        status=_RANKS[rank].capitalize() if rank < len(_RANKS) else _first(entries, "decision"),
        track=_track(entries),
        url=_site_url(_first(entries, "virtualsite_url"), venue) or paper_url,
        openreview_id=openreview_id_from_url(paper_url),
    )


def _site_url(url: str, venue: str) -> str:
    """The virtual-site page as an absolute URL (served files give ``/virtual/2025/poster/…``)."""
    if url.startswith("/"):
        return f"https://{venue.lower()}.cc{url}"
    return url
