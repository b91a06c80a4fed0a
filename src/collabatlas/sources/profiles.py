"""OpenReview profiles (API v2 objects, as served): each person's public history, and the career
stage each position names, from the reviewed table ``data/position_stages.csv``.

Only what a profile makes public and the analysis needs is kept: the profile id and its other
usernames, and per history entry the position, the institution (name, city, country, domain) and
the years. Names, e-mails, relations and links are not read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

import pycountry

from collabatlas.errors import InputError
from collabatlas.sources.jsonapi import expect, text
from collabatlas.sources.records import AffiliationRecord, HistoryRecord, ProfileRecord, SourceBatch

STAGES = ("undergraduate", "masters", "doctorate", "postdoc", "faculty", "industry", "other")
EDUCATION = ("undergraduate", "masters", "doctorate")
# Country names that keep a region apart from the state that claims it (pycountry's official
# names would put "China" in Taiwan's string).
_REGION_NAMES = {"TW": "Taiwan", "HK": "Hong Kong", "MO": "Macau"}
_TABLE = "position_stages.csv"


def _data_text(name: str) -> str:
    return resources.files("collabatlas.sources").joinpath("data", name).read_text(encoding="utf-8")


@cache
def stage_table() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    """The reviewed rows (stage, pattern, example), in the order they are tried."""
    rows = list(csv.DictReader(io.StringIO(_data_text(_TABLE))))
    for row in rows:
        if row["stage"] not in STAGES:
            raise InputError(f"{_TABLE}: unknown stage {row['stage']!r}")
    return tuple((row["stage"], re.compile(row["pattern"]), row["example"]) for row in rows)


@cache
def stage_table_version() -> str:
    """The reviewed version of the position table (``data/VERSIONS.json``)."""
    return str(json.loads(_data_text("VERSIONS.json"))[_TABLE]["version"])


def stage_table_digest() -> str:
    """The sha256 of the position table as shipped (recorded in ``data/VERSIONS.json``)."""
    return hashlib.sha256(_data_text(_TABLE).encode()).hexdigest()


def stage_of(position: str) -> str:
    """The career stage a profile position names ('PhD student' → doctorate); 'other' when none."""
    folded = " ".join(position.lower().split())
    return next((stage for stage, pattern, _ in stage_table() if pattern.search(folded)), "other")


def country_of(value: Any) -> tuple[str, str]:
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


def institution_affiliation(institution: Mapping[str, Any]) -> AffiliationRecord | None:
    """A history entry's institution as an affiliation: 'name, city, country' (the profile's own
    country code written out, so the resolver reads it as evidence), its domain and code."""
    name = text(institution.get("name"))
    if not name:
        return None
    code, country = country_of(institution.get("country"))
    raw = ", ".join(p for p in dict.fromkeys((name, text(institution.get("city")), country)) if p)
    return AffiliationRecord(raw, text(institution.get("domain")).lower(), code)


def _year(value: Any) -> int | None:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100 else None


def profile_record(profile: Mapping[str, Any], where: str) -> ProfileRecord:
    """The public history of one API v2 profile object (InputError when it is not one)."""
    person = expect(profile.get("id"), str, f"{where}: 'id'")
    content = expect(profile.get("content", {}), dict, f"{where}: 'content'")
    names = content.get("names") if isinstance(content.get("names"), list) else []
    aliases = tuple(
        dict.fromkeys(
            n["username"]
            for n in names
            if isinstance(n, dict) and isinstance(n.get("username"), str) and n["username"] != person
        )
    )
    history = []
    for index, entry in enumerate(expect(content.get("history") or [], list, f"{where}: 'history'")):
        expect(entry, dict, f"{where}: history {index}")
        institution = entry.get("institution")
        found = institution_affiliation(institution) if isinstance(institution, dict) else None
        if found is None:
            continue
        start, end = _year(entry.get("start")), _year(entry.get("end"))
        history.append(HistoryRecord(text(entry.get("position")), found, start, end))
    return ProfileRecord(person, aliases, tuple(history))


def read_profiles(data: bytes, location: str) -> SourceBatch:
    """A ``profiles:FILE.json`` input: API v2 profile objects, as a JSON array or as the
    ``{"profiles": [...]}`` object ``/profiles`` and ``/profiles/search`` answer with."""
    try:
        loaded = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{location}: not JSON ({exc})", hint="give a file of OpenReview profiles") from exc
    items: Sequence[Any] = expect(
        loaded.get("profiles") if isinstance(loaded, dict) else loaded, list, f"{location}: profiles"
    )
    records = {}
    for index, item in enumerate(items):
        where = f"{location}: profile {index}"
        record = profile_record(expect(item, dict, where), where)
        records[record.person] = record
    digest = hashlib.sha256(data).hexdigest()
    return SourceBatch(location, "", 0, (), len(items), digest, profiles=tuple(records.values()))
