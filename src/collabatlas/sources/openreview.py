"""Reader for OpenReview (API v2): a venue's accepted papers, and each author's affiliation from
their profile history.

Requests go to the documented API v2 endpoints through an :class:`OpenReviewSession` (logged in
when ``$OPENREVIEW_USERNAME`` and ``$OPENREVIEW_PASSWORD`` are set; base URL from
``$COLLABATLAS_OPENREVIEW_API``): ``GET /notes?content.venueid=…`` paged by ``offset``/``limit``,
and ``POST /profiles/search`` with ``{"ids": [...]}`` for the authors' profiles in batches, as the
official client does. Each profile is cached on its own, keyed by the author's id, so a profile
fetched for one venue is reused by every other and a warm cache needs no network and no login.
Why not ``openreview-py``: see docs/sources.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from collabatlas.errors import InputError, UsageError
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.jsonapi import Progress, expect, text
from collabatlas.sources.openreview_api import OpenReviewSession, session_for
from collabatlas.sources.profiles import institution_affiliation, profile_record
from collabatlas.sources.records import (
    AffiliationRecord,
    AuthorRecord,
    PaperRecord,
    SourceBatch,
)
from collabatlas.sources.venues import canonical_venue

SOURCE = "openreview"
PAGE_SIZE = 1000
PROFILE_BATCH = 1000  # ids per POST /profiles/search, as openreview-py sends them
_YEAR = re.compile(r"(?:19|20)\d\d")
_DECISIONS = ("oral", "spotlight", "poster")


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
    profile_batch: int = PROFILE_BATCH,
    api: str | None = None,
    progress: Progress | None = None,
) -> SourceBatch:
    """Every paper accepted at ``venue_id`` (e.g. ``NeurIPS.cc/2025/Conference``), with affiliations
    and the authors' public profile histories."""
    guessed_venue, guessed_year = (venue, year) if venue and year else venue_year_from_id(venue_id)
    venue, year = canonical_venue(venue or guessed_venue), year or guessed_year
    location = f"openreview:{venue_id}"
    session = session_for(fetcher, api)
    notes, digest = _notes(venue_id, session, page_size, progress)
    people = sorted({a for n in notes for a in _authorids(n) if a.startswith("~")})
    profiles = fetch_profiles(session, people, digest, batch=profile_batch, progress=progress)
    papers = tuple(_paper(n, venue, year, venue_id, profiles) for n in notes)
    where = f"{session.base}/profiles"
    records = {p["id"]: profile_record(p, f"{where} {p['id']}") for p in profiles.values() if p}
    return SourceBatch(
        location, venue, year, papers, len(notes), digest.hexdigest(), profiles=tuple(records.values())
    )


def _notes(
    venue_id: str, session: OpenReviewSession, page_size: int, progress: Progress | None
) -> tuple[list[dict[str, Any]], Any]:
    digest = hashlib.sha256()
    notes: list[dict[str, Any]] = []
    offset = 0
    while True:
        params: dict[str, str | int] = {"content.venueid": venue_id, "offset": offset, "limit": page_size}
        where = f"{session.base}/notes offset {offset}"
        body = session.get("/notes", params)
        digest.update(body)
        data = expect(_json(body, where), dict, where)
        page = expect(data.get("notes"), list, f"{where}: 'notes'")
        for index, note in enumerate(page):
            _check_note(note, f"{where}: note {index}")
        notes.extend(page)
        count = data.get("count") if isinstance(data.get("count"), int) else 0
        if progress:
            progress("openreview notes", len(notes), max(count, len(notes)))
        offset += len(page)
        if not page or (offset >= count if count else len(page) < page_size):
            return notes, digest


def _json(body: bytes, where: str) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"{where}: response is not JSON ({exc})",
            hint="the cached response may be damaged; run again with --refresh",
        ) from exc


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


def _names_of(profile: Mapping[str, Any]) -> set[str]:
    """The ids a profile answers to: its own and every username among its names."""
    names = profile.get("content", {}).get("names") or []
    usernames = {n.get("username") for n in names if isinstance(n, dict)}
    return {profile["id"], *(u for u in usernames if isinstance(u, str))}


def _check_profile(profile: Any, where: str) -> dict[str, Any]:
    expect(profile, dict, where)
    expect(profile.get("id"), str, f"{where}: 'id'")
    content = expect(profile.get("content", {}), dict, f"{where}: 'content'")
    expect(content.get("history") or [], list, f"{where}: 'history'")
    expect(content.get("names") or [], list, f"{where}: 'names'")
    return dict(profile)


def _answer(fetched: Mapping[str, dict[str, Any]], person: str) -> bytes:
    """What ``GET /profiles?id=person`` answers, built from a batch's answer (cached per person)."""
    return json.dumps({"profiles": [fetched[person]] if person in fetched else []}).encode()


def fetch_profiles(
    session: OpenReviewSession,
    people: Sequence[str],
    digest: Any = None,
    *,
    batch: int = PROFILE_BATCH,
    progress: Progress | None = None,
) -> dict[str, dict[str, Any] | None]:
    """Each person's profile (None when OpenReview has none), cached one by one under
    ``/profiles?id=…``; the ones not cached are fetched with ``POST /profiles/search`` in batches."""
    url = f"{session.base}/profiles"
    fetcher = session.fetcher
    missing = [p for p in people if fetcher.refresh or not fetcher.cache_path(url, {"id": p}).exists()]
    fetched: dict[str, dict[str, Any]] = {}
    for start in range(0, len(missing), batch):
        chunk = missing[start : start + batch]
        where = f"{session.base}/profiles/search ids {chunk[0]}…"
        body = session.call("POST", "/profiles/search", body={"ids": chunk})
        data = expect(_json(body, where), dict, where)
        for index, found in enumerate(expect(data.get("profiles", []), list, f"{where}: 'profiles'")):
            profile = _check_profile(found, f"{where}: profile {index}")
            fetched.update(dict.fromkeys(_names_of(profile) & set(chunk), profile))
        for person in chunk:  # cached as each batch arrives, so an interrupted run resumes here
            fetcher.cached(url, {"id": person}, partial(_answer, fetched, person))
        if progress:
            progress("openreview profiles", start + len(chunk), len(missing))
    profiles: dict[str, dict[str, Any] | None] = {}
    for person in people:
        body = fetcher.cached(url, {"id": person}, partial(_answer, fetched, person))
        if digest is not None:
            digest.update(body)
        where = f"{url}?id={person}"
        answered = expect(_json(body, where), dict, where)
        found = expect(answered.get("profiles", []), list, f"{where}: 'profiles'")
        profiles[person] = _check_profile(found[0], f"{where}: profile") if found else None
    return profiles


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
    found = institution_affiliation(entry["institution"]) if entry else None
    if found:
        return found
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
        profile = profiles.get(person)
        found = affiliation(profile, person, year)
        who = profile["id"] if profile else (person if person.startswith("~") else "")
        authors.append(AuthorRecord(position, name, (found,) if found else (), person=who))
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
