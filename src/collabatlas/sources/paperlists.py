"""Reader for Paper Copilot ``paperlists`` JSON (one array of papers per venue-year).

It survives the quirks of the real files: missing or repeated ids, author lists repeated twice,
fewer affiliations than authors, ``+``-joined multiple affiliations, empty fields, and
author lists separated by commas instead of semicolons.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from collabatlas.errors import InputError
from collabatlas.sources.records import (
    ALIGNED,
    UNALIGNED,
    AffiliationRecord,
    AuthorRecord,
    PaperRecord,
    SourceBatch,
)

SOURCE = "paperlists"
_STRING_FIELDS = ("title", "author", "aff", "aff_domain", "abstract", "status", "track", "site")
_SPACE = re.compile(r"\s+")


def parse_paperlists(data: bytes, location: str, venue: str, year: int) -> SourceBatch:
    """Parse the bytes of a paperlists file into a :class:`SourceBatch` (raises InputError)."""
    try:
        records = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{location}: not JSON ({exc})") from exc
    if not isinstance(records, list):
        raise InputError(f"{location}: expected a JSON array of papers, got {_kind(records)}")
    for index, record in enumerate(records):
        _check_shape(record, location, index)
    ids = Counter(_source_id(r) for r in records)
    papers: dict[str, PaperRecord] = {}
    for record in records:
        paper = _with_people(_paper(record, venue, year, ids), record)
        papers.setdefault(paper.paper_id, paper)
    return SourceBatch(
        location=location,
        venue=venue,
        year=year,
        papers=tuple(papers.values()),
        records_read=len(records),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _kind(value: object) -> str:
    names: dict[type, str] = {dict: "an object", list: "an array", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _check_shape(record: object, location: str, index: int) -> None:
    if not isinstance(record, dict):
        raise InputError(f"{location}: record {index}: expected an object, got {_kind(record)}")
    for name in _STRING_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise InputError(
                f"{location}: record {index}: field {name!r} should be a string, got {_kind(value)}"
            )
    source_id = record.get("id")
    if source_id is not None and not isinstance(source_id, str | int):
        raise InputError(f"{location}: record {index}: field 'id' should be a string or number")


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return _SPACE.sub(" ", value).strip() if isinstance(value, str) else ""


def _source_id(record: dict[str, Any]) -> str:
    value = record.get("id")
    return str(value).strip() if value is not None else ""


def _title_key(title: str, first_author: str) -> str:
    folded = re.sub(r"[^0-9a-z]+", " ", (title + " " + first_author).lower()).strip()
    return hashlib.sha1(folded.encode()).hexdigest()[:12]


def _split_authors(value: str) -> list[str]:
    if not value:
        return []
    separator = ";" if ";" in value else ","
    return [_SPACE.sub(" ", name).strip() for name in value.split(separator)]


def _undouble(items: list[str]) -> list[str]:
    """An author list repeated twice (``A;B;A;B``) back to ``A;B``."""
    half = len(items) // 2
    if len(items) >= 2 and len(items) % 2 == 0 and items[:half] == items[half:]:
        return items[:half]
    return items


def _pair(affs: str, domains: str) -> tuple[AffiliationRecord, ...]:
    """The ``+``-joined affiliations of one author, each with its domain when they line up."""
    parts = [p.strip() for p in affs.split("+")]
    doms = [d.strip().lower() for d in domains.split("+")] if domains else []
    if len(doms) != len(parts):
        doms = doms[:1] * len(parts) if len(set(doms)) == 1 else [""] * len(parts)
    return tuple(AffiliationRecord(raw, dom) for raw, dom in zip(parts, doms, strict=True) if raw)


def _paper(record: dict[str, Any], venue: str, year: int, ids: Counter[str]) -> PaperRecord:
    title = _text(record, "title")
    names = _undouble(_split_authors(_text(record, "author")))
    affs = _text(record, "aff").split(";") if _text(record, "aff") else []
    domains = _text(record, "aff_domain").split(";") if _text(record, "aff_domain") else []
    if len(affs) == 2 * len(names) and len(names) > 0:
        affs = _undouble(affs)
        domains = _undouble(domains)
    if len(domains) != len(affs):
        domains = [""] * len(affs)

    source_id = _source_id(record)
    key = (
        source_id if source_id and ids[source_id] == 1 else "t" + _title_key(title, names[0] if names else "")
    )
    paper_id = f"{re.sub(r'[^a-z0-9]', '', venue.lower())}{year}:{key}"

    aligned = not affs or len(affs) == len(names)
    if aligned:
        authors = tuple(
            AuthorRecord(i, name, _pair(affs[i], domains[i]) if affs else ()) for i, name in enumerate(names)
        )
        paper_affs: tuple[AffiliationRecord, ...] = ()
    else:
        authors = tuple(AuthorRecord(i, name) for i, name in enumerate(names))
        paper_affs = tuple(a for aff, dom in zip(affs, domains, strict=True) for a in _pair(aff, dom))
    return PaperRecord(
        paper_id=paper_id,
        venue=venue,
        year=year,
        title=title,
        authors=authors,
        source=SOURCE,
        source_id=source_id,
        abstract=_text(record, "abstract"),
        status=_text(record, "status"),
        track=_text(record, "track"),
        url=_first(record, ("site", "oa", "or", "pdf")),
        alignment=ALIGNED if aligned else UNALIGNED,
        paper_affiliations=paper_affs,
    )


def _first(record: dict[str, Any], names: Sequence[str]) -> str:
    return next((v for v in (_text(record, n) for n in names) if v), "")


def _with_people(paper: PaperRecord, record: dict[str, Any]) -> PaperRecord:
    """The paper with each author's OpenReview id from ``authorids``, when the list has one per author."""
    value = record.get("authorids")
    ids = [i.strip() for i in value.split(";")] if isinstance(value, str) and value.strip() else []
    if len(ids) == 2 * len(paper.authors):
        ids = _undouble(ids)
    if len(ids) != len(paper.authors):
        return paper
    authors = tuple(
        dataclasses.replace(a, person=i if i.startswith("~") else "")
        for a, i in zip(paper.authors, ids, strict=True)
    )
    return dataclasses.replace(paper, authors=authors)
