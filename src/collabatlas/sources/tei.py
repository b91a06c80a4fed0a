"""GROBID TEI XML as a source: the same records as a PDF, from GROBID's own reading of it.

GROBID nests each affiliation it could link inside the author's element; affiliations it could
not link come as author elements without a name. The alignment rules are the PDF reader's: every
author linked, or one affiliation for all, else the affiliations stay at paper level. Section
headings go through the same section splitter; TEI has no pages (``page`` 0).
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import replace

from collabatlas.errors import InputError
from collabatlas.sources.pdf import UNKNOWN_VENUE, guess_venue_year, paper_record
from collabatlas.sources.pdf_front import FrontMatter, Link, PrintedAffiliation, PrintedAuthor
from collabatlas.sources.pdf_layout import load_layout
from collabatlas.sources.pdf_sections import split_sections
from collabatlas.sources.records import PaperRecord

TEI_SOURCE = "tei"
_NS = {"t": "http://www.tei-c.org/ns/1.0"}
_ORG_ORDER = ("laboratory", "department", "institution")


def read_tei(data: bytes, location: str, venue: str | None = None, year: int | None = None) -> PaperRecord:
    """One GROBID TEI file as a source record (InputError when it is not TEI XML)."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise InputError(f"{location}: not XML ({exc})", hint="give GROBID's TEI output") from exc
    if root.tag != "{http://www.tei-c.org/ns/1.0}TEI":
        raise InputError(f"{location}: not a TEI document", hint="give GROBID's TEI output")
    analytic = root.find(".//t:sourceDesc/t:biblStruct/t:analytic", _NS)
    title = _text(root.find(".//t:titleStmt/t:title", _NS))
    front = _front(analytic, title) if analytic is not None else FrontMatter(title, (), (), (), (), False, "")
    date = root.find(".//t:publicationStmt/t:date", _NS)
    guessed_venue, guessed_year = guess_venue_year(_text(date) if date is not None else "")
    doi = root.find(".//t:sourceDesc//t:idno[@type='DOI']", _NS)
    return paper_record(
        front,
        source=TEI_SOURCE,
        key=f"tei:{hashlib.sha256(data).hexdigest()[:20]}",
        location=location,
        venue=venue or guessed_venue or UNKNOWN_VENUE,
        year=year or guessed_year,
        title=title,
        doi=_text(doi) if doi is not None else "",
        abstract=" ".join(_text(p) for p in root.findall(".//t:profileDesc/t:abstract//t:p", _NS)),
        texts=tuple(replace(piece, page=0) for piece in split_sections([_body_text(root)])),
    )


def _text(element: ET.Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _name(person: ET.Element) -> str:
    """A persName's parts (forenames, surname) with spaces between them."""
    return " ".join(" ".join(part.strip() for part in person.itertext()).split())


def _front(analytic: ET.Element, title: str) -> FrontMatter:
    """Authors, affiliations and GROBID's links as front matter, then the PDF alignment rules."""
    sections = load_layout().sections
    authors: list[PrintedAuthor] = []
    affiliations: dict[str, PrintedAffiliation] = {}
    links: list[Link] = []
    emails: list[tuple[str, str]] = []
    for element in analytic.findall("t:author", _NS):
        person = element.find("t:persName", _NS)
        own = []
        for aff in element.findall("t:affiliation", _NS):
            text = _affiliation_text(aff)
            if not text or text.lower() in sections:
                continue  # GROBID's spurious affiliation "Introduction"
            key = aff.get("key") or text
            country = aff.find("t:address/t:country", _NS)
            code = (country.get("key") or "").upper() if country is not None else ""
            affiliations.setdefault(key, PrintedAffiliation(text, key, text, 0, 0.0, 0.0, code))
            own.append(key)
        if person is None:
            continue
        position = len(authors)
        authors.append(PrintedAuthor(_name(person), (), _name(person), 0, 0.0, 0.0))
        email = element.find("t:email", _NS)
        if email is not None and "@" in _text(email):
            local, _, domain = _text(email).partition("@")
            emails.append((local.lower(), domain.lower()))
        keys = list(affiliations)
        links.extend(Link(position, keys.index(k), "tei", k, affiliations[k].line) for k in own)
    printed = list(affiliations.values())
    linked = {link.author for link in links}
    if authors and all(i in linked for i in range(len(authors))):
        return FrontMatter(
            title,
            tuple(authors),
            tuple(printed),
            tuple(emails),
            tuple(links),
            True,
            "tei: GROBID linked every author",
        )
    if len(printed) == 1:
        single = tuple(Link(i, 0, "single", "", printed[0].line) for i in range(len(authors)))
        return FrontMatter(
            title,
            tuple(authors),
            tuple(printed),
            tuple(emails),
            single,
            True,
            "single: one affiliation for every author",
        )
    reason = f"tei: GROBID linked {len(linked)} of {len(authors)} authors"
    return FrontMatter(title, tuple(authors), tuple(printed), tuple(emails), (), False, reason)


def _affiliation_text(aff: ET.Element) -> str:
    """Organisation names (laboratory, department, institution), then settlement and country."""
    orgs = {o.get("type", ""): _text(o) for o in aff.findall("t:orgName", _NS)}
    parts = [orgs[k] for k in _ORG_ORDER if orgs.get(k)]
    parts += [v for k, v in orgs.items() if k not in _ORG_ORDER and v]
    address = aff.find("t:address", _NS)
    if address is not None:
        parts += [_text(address.find(f"t:{k}", _NS)) for k in ("settlement", "country")]
    return ", ".join(p for p in parts if p)


def _body_text(root: ET.Element) -> str:
    """The body as lines: '1 Introduction' headings, paragraphs, then the reference list."""
    lines = ["Abstract"]
    lines += [_text(p) for p in root.findall(".//t:profileDesc/t:abstract//t:p", _NS)]
    for div in root.findall(".//t:text/t:body/t:div", _NS) + root.findall(".//t:text/t:back/t:div", _NS):
        head = div.find("t:head", _NS)
        if head is not None and _text(head):
            number = head.get("n", "").rstrip(".")
            lines.append(f"{number} {_text(head)}".strip() if number else _text(head))
        elif div.get("type") in ("annex", "acknowledgement"):
            lines.append("Appendix" if div.get("type") == "annex" else "Acknowledgments")
        lines += [_text(p) for p in div.findall("t:p", _NS)]
    references = root.findall(".//t:listBibl/t:biblStruct", _NS)
    if references:
        lines.append("References")
        lines += [_text(b) for b in references]
    return "\n".join(line for line in lines if line)
