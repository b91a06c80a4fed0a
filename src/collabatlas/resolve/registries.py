"""Readers for registries a user adds: the ROR data dump (schema v2) and university-domains JSON.

Each reader turns the public format into :class:`Institution` rows tagged with their source
(``ror:…``, ``domains:…``), and returns a :class:`RegistrySource` recording where they came from
and which version they are. Reading is pure; storing them is :mod:`collabatlas.resolve.extra`.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from collabatlas.errors import InputError
from collabatlas.resolve.registry import Institution

ROR = "ror"
UNIVERSITY_DOMAINS = "university-domains"
# ROR organisation types → the kinds the curated table uses.
_ROR_KINDS = {
    "education": "university",
    "company": "company",
    "government": "government",
    "healthcare": "hospital",
    "nonprofit": "nonprofit",
    "facility": "lab",
    "funder": "nonprofit",
    "archive": "nonprofit",
    "other": "lab",
}
_ROR_VERSION = re.compile(r"v\d+(?:\.\d+)+-\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class RegistrySource:
    """Where an added registry came from: its kind, location, version and content hash."""

    kind: str
    location: str
    version: str
    sha256: str

    @property
    def source_id(self) -> str:
        """The tag its institutions carry in ``Institution.source``."""
        return f"{self.kind}:{self.version}"


def _json_payload(data: bytes, location: str) -> tuple[Any, str]:
    """The JSON inside ``data`` (a zip holding one JSON file, or JSON) and the file name read."""
    name = PurePosixPath(urlparse(location).path).name
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [m for m in archive.namelist() if m.endswith(".json")]
            v2 = [m for m in members if "schema_v2" in m] or members
            if not v2:
                raise InputError(f"{location}: the zip holds no JSON file")
            name, data = v2[0], archive.read(v2[0])
    try:
        return json.loads(data), name
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{location}: not valid JSON ({exc})") from exc


def _ror_names(record: Mapping[str, Any]) -> tuple[str, list[str], list[str]]:
    display, aliases, acronyms = "", [], []
    for entry in record.get("names") or []:
        value = str(entry.get("value") or "").strip()
        types = entry.get("types") or []
        if not value:
            continue
        if "ror_display" in types:
            display = value
        elif "acronym" in types:
            acronyms.append(value)
        else:  # alias, label
            aliases.append(value)
    return display, aliases, acronyms


def ror_institutions(records: Iterable[Mapping[str, Any]], source_id: str) -> list[Institution]:
    """Active ROR v2 records as institutions (country and city from the first location)."""
    found = []
    for record in records:
        if record.get("status", "active") != "active":
            continue
        display, aliases, acronyms = _ror_names(record)
        locations = record.get("locations") or []
        details = (locations[0].get("geonames_details") or {}) if locations else {}
        country = str(details.get("country_code") or "").upper()
        if not display or len(country) != 2:
            continue
        types = record.get("types") or []
        domains = [str(d).lower() for d in record.get("domains") or []]
        found.append(
            Institution(
                id=str(record.get("id", "")),
                name=display,
                country=country,
                kind=next((_ROR_KINDS[t] for t in types if t in _ROR_KINDS), "lab"),
                city=str(details.get("name") or ""),
                aliases=tuple(aliases),
                acronyms=tuple(acronyms),
                domains=tuple(domains),
                source=source_id,
                ror_id=str(record.get("id", "")),
            )
        )
    return found


def read_ror(data: bytes, location: str) -> tuple[RegistrySource, list[Institution]]:
    """Read a ROR data dump (schema v2 JSON, or the zip it is distributed in)."""
    payload, name = _json_payload(data, location)
    if not isinstance(payload, list) or (payload and not isinstance(payload[0], dict)):
        raise InputError(f"{location}: not a ROR dump (expected a JSON array of organisations)")
    if payload and "names" not in payload[0]:
        raise InputError(f"{location}: not ROR schema v2 (no 'names')", hint="use the *_schema_v2.json file")
    digest = hashlib.sha256(data).hexdigest()
    match = _ROR_VERSION.search(name)
    source = RegistrySource(ROR, location, match.group(0) if match else digest[:12], digest)
    return source, ror_institutions(payload, source.source_id)


def read_university_domains(data: bytes, location: str) -> tuple[RegistrySource, list[Institution]]:
    """Read the university-domains JSON format (Hipo/university-domains-list)."""
    payload, _ = _json_payload(data, location)
    if not isinstance(payload, list):
        raise InputError(f"{location}: not a university-domains list (expected a JSON array)")
    digest = hashlib.sha256(data).hexdigest()
    source = RegistrySource(UNIVERSITY_DOMAINS, location, digest[:12], digest)
    found = []
    for row in payload:
        name = str(row.get("name") or "").strip()
        country = str(row.get("alpha_two_code") or "").strip().upper()
        domains = tuple(str(d).lower() for d in row.get("domains") or [])
        if not name or len(country) != 2:
            continue
        found.append(
            Institution(
                id=f"{UNIVERSITY_DOMAINS}:{domains[0] if domains else name}",
                name=name,
                country=country,
                kind="university",
                city="",
                domains=domains,
                source=source.source_id,
            )
        )
    return source, found
