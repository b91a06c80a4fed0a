"""Reader for Paper Copilot ``paperlists`` JSON (one array of papers per venue-year).

It survives the quirks of the real files: missing or repeated ids, author lists repeated twice,
fewer affiliations than authors, ``+``-joined multiple affiliations, empty fields, and
author lists separated by commas instead of semicolons.

When ``aff`` does not have one entry per author, what the record allows ties them back (see
:func:`_align`); otherwise the affiliations are kept as the paper's, author unknown.
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
    BY_DOMAIN_PLUS,
    BY_PROFILE,
    UNALIGNED,
    AffiliationRecord,
    AuthorRecord,
    PaperRecord,
    SourceBatch,
    domain_owner,
    split_institutions,
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
    if not records:
        raise InputError(f"{location}: an empty list, no papers to ingest", hint="check the file")
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
        if value and "\0" in value:
            raise InputError(
                f"{location}: record {index}: field {name!r} contains a NUL character",
                hint="text with NUL bytes is damaged; fix or remove the record",
            )
    source_id = record.get("id")
    if (source_id is not None and not isinstance(source_id, str | int)) or isinstance(source_id, bool):
        raise InputError(f"{location}: record {index}: field 'id' should be a string or number")
    if isinstance(source_id, str) and "\0" in source_id:
        raise InputError(f"{location}: record {index}: field 'id' contains a NUL character")


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
    """The ``+``-joined affiliations of one author, each with its domain when they line up; one
    string naming several institutions (``A†B``, ``A / B``) is split into them, the domain going
    to the one it spells (:func:`domain_owner`), to none when it cannot say which."""
    parts = [p.strip() for p in affs.split("+")]
    doms = [d.strip().lower() for d in domains.split("+")] if domains else []
    if len(doms) != len(parts):
        doms = doms[:1] * len(parts) if len(set(doms)) == 1 else [""] * len(parts)
    records = []
    for part, dom in zip(parts, doms, strict=True):
        names = split_institutions(part) if part else []
        owner = 0 if len(names) == 1 else domain_owner(names, dom)
        records += [AffiliationRecord(name, dom if i == owner else "") for i, name in enumerate(names)]
    return tuple(records)


def _paper(record: dict[str, Any], venue: str, year: int, ids: Counter[str]) -> PaperRecord:
    title = _text(record, "title")
    names = _undouble(_split_authors(_text(record, "author")))
    affs = _text(record, "aff").split(";") if _text(record, "aff") else []
    domains = _text(record, "aff_domain").split(";") if _text(record, "aff_domain") else []
    if len(affs) == 2 * len(names) and len(names) > 0:
        affs = _undouble(affs)
        domains = _undouble(domains)
    listed_domains = domains
    if len(domains) != len(affs):
        domains = [""] * len(affs)

    source_id = _source_id(record)
    key = (
        source_id if source_id and ids[source_id] == 1 else "t" + _title_key(title, names[0] if names else "")
    )
    paper_id = f"{re.sub(r'[^a-z0-9]', '', venue.lower())}{year}:{key}"

    alignment, per_author = _align(names, affs, domains, listed_domains, _text(record, "authorids"))
    if per_author is not None:
        authors = tuple(
            AuthorRecord(i, name, _pair(*per_author[i]) if per_author[i][0] else ())
            for i, name in enumerate(names)
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
        alignment=alignment,
        paper_affiliations=paper_affs,
    )


def _align(
    names: list[str], affs: list[str], domains: list[str], listed_domains: list[str], authorids: str
) -> tuple[str, list[tuple[str, str]] | None]:
    """Each author's ``(aff, aff_domain)``, and how they were tied to the authors; ``None`` with
    ``UNALIGNED`` when the record does not allow it. ``domains`` has one entry per ``aff`` entry
    ('' when the record's did not line up), ``listed_domains`` is ``aff_domain`` as listed.

    * one ``aff`` entry per author: by position (``ALIGNED``);
    * ``aff_domain`` has one entry per author and its ``+`` structure accounts for every ``aff``
      entry (an author's several affiliations split by ``;`` instead of ``+``): regrouped by it;
    * ``authorids`` has one entry per author, the authors given by e-mail address (no OpenReview
      profile, so no affiliation in the list) number exactly the missing entries: the ``aff``
      entries belong, in order, to the authors with a profile.
    """
    if not affs or len(affs) == len(names):
        return ALIGNED, [(affs[i], domains[i]) if affs else ("", "") for i in range(len(names))]
    widths = [len(d.split("+")) for d in listed_domains]
    if len(listed_domains) == len(names) and sum(widths) == len(affs):
        out, start = [], 0
        for domain, width in zip(listed_domains, widths, strict=True):
            out.append(("+".join(affs[start : start + width]), domain))
            start += width
        return BY_DOMAIN_PLUS, out
    ids = [i.strip() for i in authorids.split(";")] if authorids else []
    profiles = [i for i, author_id in enumerate(ids) if author_id and "@" not in author_id]
    if len(ids) == len(names) and len(profiles) == len(affs) < len(names):
        given = dict(zip(profiles, zip(affs, domains, strict=True), strict=True))
        return BY_PROFILE, [given.get(i, ("", "")) for i in range(len(names))]
    return UNALIGNED, None


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
    if not any(i.startswith("~") for i in ids):
        return paper
    authors = tuple(
        AuthorRecord(a.position, a.name, a.affiliations, i if i.startswith("~") else "")
        for a, i in zip(paper.authors, ids, strict=True)
    )
    return dataclasses.replace(paper, authors=authors)
