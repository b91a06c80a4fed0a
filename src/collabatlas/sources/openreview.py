"""Reader for OpenReview (API v2): a venue's accepted papers, and each author's affiliation from
their profile history.

Requests go to the documented API v2 endpoints through :class:`CachedFetcher` (one client path,
cached on disk, retried): ``GET /notes?content.venueid=…`` paged by ``offset``/``limit``, and
``GET /profiles?id=~…`` once per author — the cache key is the author's id, so a profile fetched
for one venue is reused by every other. Why not ``openreview-py``: see docs/sources.md.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pycountry

from collabatlas.errors import InputError, UsageError
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.jsonapi import Progress, expect, get_json, text
from collabatlas.sources.records import AffiliationRecord, AuthorRecord, PaperRecord, SourceBatch
from collabatlas.sources.venues import canonical_venue

SOURCE = "openreview"
API = "https://api2.openreview.net"
PAGE_SIZE = 1000
_YEAR = re.compile(r"(?:19|20)\d\d")
_DECISIONS = ("oral", "spotlight", "poster")
# Country names that keep a region apart from the state that claims it (pycountry's official
# names would put "China" in Taiwan's string).
_REGION_NAMES = {"TW": "Taiwan", "HK": "Hong Kong", "MO": "Macau"}


def venue_year_from_id(venue_id: str) -> tuple[str, int]:
    """``NeurIPS.cc/2025/Conference`` → ('NeurIPS', 2025)."""
    head = venue_id.split("/")[0]
    year = _YEAR.search(venue_id)
    if not head or not year:
        raise UsageError(
            f"openreview:{venue_id}: cannot tell venue and year from the venue id",
            hint="use an id like NeurIPS.cc/2025/Conference, or pass --venue and --year",
        )
    return canonical_venue(head.split(".")[0]), int(year.group())


def track_from_id(venue_id: str) -> str:
    """The track a venue id names: main, datasets and benchmarks, position, or its last part."""
    last = venue_id.rstrip("/").split("/")[-1].lower().replace("_", " ")
    if last == "conference":
        return "main"
    if "dataset" in last and "benchmark" in last:
        return "datasets and benchmarks"
    if "position" in last:
        return "position"
    return last.removesuffix(" track")


def read_openreview(
    venue_id: str,
    fetcher: CachedFetcher,
    *,
    venue: str | None = None,
    year: int | None = None,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> SourceBatch:
    """Every paper accepted at ``venue_id`` (e.g. ``NeurIPS.cc/2025/Conference``), with affiliations."""
    guessed_venue, guessed_year = (venue, year) if venue and year else venue_year_from_id(venue_id)
    venue, year = canonical_venue(venue or guessed_venue), year or guessed_year
    location = f"openreview:{venue_id}"
    notes, digest = _notes(venue_id, fetcher, page_size, progress)
    people = sorted({a for n in notes for a in _authorids(n) if a.startswith("~")})
    profiles: dict[str, dict[str, Any] | None] = {}
    for done, person in enumerate(people, start=1):
        profiles[person] = _profile(person, fetcher, digest)
        if progress:
            progress("openreview profiles", done, len(people))
    papers = tuple(_paper(n, venue, year, venue_id, profiles) for n in notes)
    return SourceBatch(location, venue, year, papers, len(notes), digest.hexdigest())


def _notes(
    venue_id: str, fetcher: CachedFetcher, page_size: int, progress: Progress | None
) -> tuple[list[dict[str, Any]], Any]:
    digest = hashlib.sha256()
    notes: list[dict[str, Any]] = []
    offset = 0
    while True:
        params: dict[str, str | int] = {"content.venueid": venue_id, "offset": offset, "limit": page_size}
        data = expect(get_json(fetcher, f"{API}/notes", params, digest), dict, f"{API}/notes offset {offset}")
        page = expect(data.get("notes"), list, f"{API}/notes offset {offset}: 'notes'")
        for index, note in enumerate(page):
            _check_note(note, f"{API}/notes offset {offset}: note {index}")
        notes.extend(page)
        count = data.get("count") if isinstance(data.get("count"), int) else 0
        if progress:
            progress("openreview notes", len(notes), max(count, len(notes)))
        offset += len(page)
        if not page or (offset >= count if count else len(page) < page_size):
            return notes, digest


def _value(content: Mapping[str, Any], name: str, where: str) -> Any:
    """The ``value`` of an API v2 content field (``{"value": …}``); None when absent."""
    field = content.get(name)
    if field is None:
        return None
    if not isinstance(field, dict) or "value" not in field:
        raise InputError(
            f"{where}: content field {name!r} is not an API v2 {{'value': …}} object",
            hint="collabatlas reads OpenReview API v2 (api2.openreview.net)",
        )
    return field["value"]


def _check_note(note: Any, where: str) -> None:
    expect(note, dict, where)
    expect(note.get("id"), str, f"{where}: 'id'")
    content = expect(note.get("content"), dict, f"{where}: 'content'")
    expect(_value(content, "title", where), str, f"{where}: title")
    authors = expect(_value(content, "authors", where) or [], list, f"{where}: authors")
    ids = expect(_value(content, "authorids", where) or [], list, f"{where}: authorids")
    if ids and len(ids) != len(authors):
        raise InputError(f"{where}: {len(authors)} authors but {len(ids)} authorids")
    for item in [*authors, *ids]:
        expect(item, str, f"{where}: author")


def _authorids(note: Mapping[str, Any]) -> list[str]:
    return list(_value(note["content"], "authorids", "") or [])


def _profile(person: str, fetcher: CachedFetcher, digest: Any) -> dict[str, Any] | None:
    params = {"id": person}
    where = f"{API}/profiles?id={person}"
    data = expect(get_json(fetcher, f"{API}/profiles", params, digest), dict, where)
    found = expect(data.get("profiles", []), list, f"{where}: 'profiles'")
    if not found:
        return None
    profile = expect(found[0], dict, f"{where}: profile")
    expect(profile.get("content", {}), dict, f"{where}: 'content'")
    expect(profile.get("content", {}).get("history", []), list, f"{where}: 'history'")
    return profile


def _covers(entry: Mapping[str, Any], year: int) -> bool:
    start, end = entry.get("start"), entry.get("end")
    return (not isinstance(start, int) or start <= year) and (not isinstance(end, int) or end >= year)


def _start(entry: Mapping[str, Any]) -> int:
    return entry["start"] if isinstance(entry.get("start"), int) else 0


def history_entry(history: Sequence[Any], year: int) -> dict[str, Any] | None:
    """The profile history entry covering ``year`` (the latest-starting one), else the current one."""
    entries = [
        h
        for h in history
        if isinstance(h, dict)
        and isinstance(h.get("institution"), dict)
        and text(h["institution"].get("name"))
    ]
    covering = [h for h in entries if _covers(h, year)]
    current = [h for h in entries if not isinstance(h.get("end"), int)]
    for group in (covering, current):
        if group:
            return max(group, key=_start)
    return None


def _country(value: Any) -> tuple[str, str]:
    """(ISO code, name) of a profile's country or region, given as a code or a name."""
    given = text(value)
    if not given:
        return "", ""
    try:
        found = pycountry.countries.lookup(given)
    except LookupError:
        return "", given
    code = found.alpha_2
    return code, _REGION_NAMES.get(code) or getattr(found, "common_name", None) or found.name


def _email_domain(profile: Mapping[str, Any] | None, authorid: str) -> str:
    emails: list[Any] = [authorid] if "@" in authorid else []
    if profile:
        content = profile.get("content", {})
        emails += [content.get("preferredEmail"), *(content.get("emails") or [])]
    return next((e.rsplit("@", 1)[1].lower() for e in emails if isinstance(e, str) and "@" in e), "")


def affiliation(profile: Mapping[str, Any] | None, authorid: str, year: int) -> AffiliationRecord | None:
    """An author's affiliation for a paper of ``year``: the covering history entry, else the current
    one (institution name with its city and country, its domain, its country code), else the
    e-mail domain (as both the string and the domain)."""
    entry = history_entry(profile.get("content", {}).get("history", []), year) if profile else None
    if entry:
        institution = entry["institution"]
        code, name = _country(institution.get("country"))
        parts = (text(institution.get("name")), text(institution.get("city")), name)
        raw = ", ".join(p for p in dict.fromkeys(parts) if p)
        return AffiliationRecord(raw, text(institution.get("domain")).lower(), code)
    domain = _email_domain(profile, authorid)
    return AffiliationRecord(domain, domain) if domain else None


def _status(venue_text: str) -> str:
    last = venue_text.split()[-1].lower() if venue_text else ""
    return last.capitalize() if last in _DECISIONS else venue_text


def _paper(
    note: Mapping[str, Any],
    venue: str,
    year: int,
    venue_id: str,
    profiles: Mapping[str, dict[str, Any] | None],
) -> PaperRecord:
    content = note["content"]
    names = [text(a) for a in _value(content, "authors", "") or []]
    ids = _authorids(note) or [""] * len(names)
    authors = []
    for position, (name, person) in enumerate(zip(names, ids, strict=True)):
        found = affiliation(profiles.get(person), person, year)
        authors.append(AuthorRecord(position, name, (found,) if found else ()))
    forum = text(note.get("forum")) or note["id"]
    return PaperRecord(
        paper_id=f"openreview:{forum}",
        venue=venue,
        year=year,
        title=text(_value(content, "title", "")),
        authors=tuple(authors),
        source=SOURCE,
        source_id=note["id"],
        abstract=text(_value(content, "abstract", "")),
        status=_status(text(_value(content, "venue", ""))),
        track=track_from_id(venue_id),
        url=f"https://openreview.net/forum?id={forum}",
        openreview_id=forum,
    )
