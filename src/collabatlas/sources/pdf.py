"""PDFs of papers as a source: page 1's title, authors and printed affiliations, and the full text
by section; GROBID TEI XML files are read alongside with the same records.

Each file gives one :class:`PaperRecord` (source ``pdf`` or ``tei``). A file that cannot be read
(not a PDF, encrypted, truncated, scanned without a text layer) is reported by name and skipped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz

from collabatlas.errors import CollabAtlasError, InputError
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.identity import title_key
from collabatlas.sources.pdf_front import FrontMatter, read_front_matter
from collabatlas.sources.pdf_layout import load_layout
from collabatlas.sources.pdf_sections import split_sections
from collabatlas.sources.pdf_text import page_lines, read_pdf_text
from collabatlas.sources.records import (
    ALIGNED,
    UNALIGNED,
    AffiliationRecord,
    AuthorRecord,
    LinkEvidence,
    PaperRecord,
    SourceBatch,
    TextPiece,
)
from collabatlas.sources.venues import VENUE_NAMES

PDF_SOURCE = "pdf"
UNKNOWN_VENUE = "unknown"
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;)])")
_YEAR = re.compile(r"\b(?:19[89]\d|20\d\d)\b")
_VENUE_PHRASES = (
    ("north american chapter", "NAACL"),
    ("european chapter", "EACL"),
    ("empirical methods in natural language", "EMNLP"),
    ("annual meeting of the association for computational linguistics", "ACL"),
    ("neural information processing systems", "NeurIPS"),
    ("international conference on learning representations", "ICLR"),
    ("international conference on machine learning", "ICML"),
)

Progress = Callable[[str, int, int], None]
T = TypeVar("T", str, int)


def is_paper_file(spec: str) -> bool:
    """Whether a source spec names a PDF or TEI file, a URL of one, or a directory."""
    lowered = spec.lower().split("?")[0]
    return lowered.endswith((".pdf", ".tei.xml")) or Path(spec).is_dir()


@dataclass(frozen=True)
class PaperFiles:
    """What reading paper files gave: one batch of records and the files that failed."""

    batch: SourceBatch
    failures: tuple[tuple[str, str], ...]  # (file, one-line reason)


def paper_files(specs: Sequence[str]) -> list[str]:
    """The specs with every directory replaced by the PDF and TEI files in it, sorted."""
    out: list[str] = []
    for spec in specs:
        path = Path(spec)
        if path.is_dir():
            out.extend(str(p) for p in sorted(path.rglob("*")) if p.is_file() and is_paper_file(p.name))
        else:
            out.append(spec)
    return out


def read_paper_files(
    specs: Sequence[str],
    venue: str | None = None,
    year: int | None = None,
    fetcher: CachedFetcher | None = None,
    *,
    full_text: bool = True,
    progress: Progress | None = None,
) -> PaperFiles:
    """Read PDF and TEI files (paths, directories, https URLs) into one batch; files that cannot
    be read are listed in ``failures`` and left out."""
    from collabatlas.sources.tei import read_tei

    files = paper_files(specs)
    papers: list[PaperRecord] = []
    failures: list[tuple[str, str]] = []
    digest = hashlib.sha256()
    for done, spec in enumerate(files, start=1):
        try:
            data = _read(spec, fetcher)
            if spec.lower().split("?")[0].endswith(".tei.xml"):
                papers.append(read_tei(data, spec, venue, year))
            else:
                papers.append(read_pdf(data, spec, venue, year, full_text=full_text))
            digest.update(hashlib.sha256(data).digest())
        except CollabAtlasError as exc:
            failures.append((spec, exc.one_line()))
        if progress:
            progress("read", done, len(files))
    batch = SourceBatch(
        location=files[0] if len(files) == 1 else f"{len(files)} paper files",
        venue=venue or _common([p.venue for p in papers], "mixed") or UNKNOWN_VENUE,
        year=year or _common([p.year for p in papers], 0) or 0,
        papers=tuple(papers),
        records_read=len(files),
        sha256=digest.hexdigest(),
    )
    return PaperFiles(batch, tuple(failures))


def _common(values: list[T], mixed: T) -> T | None:
    """The one value all records share, ``mixed`` when they differ, None when there are none."""
    return (values[0] if len(set(values)) == 1 else mixed) if values else None


def _read(spec: str, fetcher: CachedFetcher | None) -> bytes:
    if spec.startswith(("https://", "http://")):
        return (fetcher or CachedFetcher()).get(spec)
    try:
        return Path(spec).read_bytes()
    except OSError as exc:
        raise InputError(f"{spec}: cannot read ({exc.strerror})") from exc


def read_pdf(
    data: bytes, location: str, venue: str | None = None, year: int | None = None, *, full_text: bool = True
) -> PaperRecord:
    """One PDF as a source record (raises InputError for a file that is not a readable PDF)."""
    text = read_pdf_text(data, location, full_text=full_text)
    front = read_front_matter(text.first_page_lines)
    if not front.aligned and any(author.markers for author in front.authors):
        front = read_front_matter(text.first_page_lines, page=page_lines(data, location))
    header = " ".join(
        ln.text for ln in text.first_page_lines[:6] if load_layout().header.search(ln.text.strip())
    )
    guessed_venue, guessed_year = guess_venue_year(
        f"{header} {text.metadata.get('Subject', '')}", text.metadata.get("CreationDate", "")
    )
    doi = _DOI.search(
        f"{text.metadata.get('Subject', '')} {text.metadata.get('Keywords', '')} {text.pages[0]}"
    )
    return paper_record(
        front,
        source=PDF_SOURCE,
        key=f"pdf:{hashlib.sha256(data).hexdigest()[:20]}",
        location=location,
        venue=venue or guessed_venue,
        year=year or guessed_year,
        title=_title(front.title, text.metadata.get("Title", "")),
        doi=doi.group(1) if doi else "",
        texts=split_sections(text.pages) if full_text else (),
    )


def paper_record(
    front: FrontMatter,
    *,
    source: str,
    key: str,
    location: str,
    venue: str,
    year: int,
    title: str,
    doi: str = "",
    abstract: str = "",
    texts: tuple[TextPiece, ...] = (),
) -> PaperRecord:
    """The source record of a paper's front matter: per-author affiliations when every author is
    linked, else the affiliations at paper level (alignment 'unknown') with the reason."""
    domains = front.author_domains()
    per_author: dict[int, list[int]] = {}
    for link in front.links:
        per_author.setdefault(link.author, []).append(link.affiliation)
    authors = []
    evidence = []
    for position, author in enumerate(front.authors):
        indices = list(dict.fromkeys(per_author.get(position, [])))
        domain = domains.get(position, "") if len(indices) == 1 else ""
        affiliations = tuple(
            AffiliationRecord(front.affiliations[i].text, domain, front.affiliations[i].country)
            for i in indices
        )
        authors.append(AuthorRecord(position, author.name, affiliations))
        for order, index in enumerate(indices):
            link = next(lk for lk in front.links if lk.author == position and lk.affiliation == index)
            evidence.append(LinkEvidence(position, order, link.method, link.marker, link.line))
    paper_level = (
        () if front.aligned else tuple(AffiliationRecord(a.text, "", a.country) for a in front.affiliations)
    )
    if not abstract:
        abstract = " ".join(p.text for p in texts if p.section == "abstract")
    return PaperRecord(
        paper_id=key,
        venue=venue,
        year=year,
        title=title,
        authors=tuple(authors),
        source=source,
        source_id=Path(location.split("?")[0]).name,
        abstract=" ".join(abstract.split()),
        url=location if location.startswith(("https://", "http://")) else "",
        doi=doi,
        alignment=ALIGNED if front.aligned else UNALIGNED,
        paper_affiliations=paper_level,
        texts=texts,
        link_evidence=tuple(evidence),
        alignment_reason=front.reason,
    )


def _title(printed: str, metadata: str) -> str:
    """The metadata title when it is the printed one in better case, else the printed title."""
    if metadata and (not printed or fuzz.ratio(title_key(printed), title_key(metadata)) >= 85):
        return " ".join(metadata.split())
    return printed


def guess_venue_year(header: str, creation_date: str = "") -> tuple[str, int]:
    """Venue and year printed in a page header ('Proceedings of NAACL-HLT 2018'), else the
    venue 'unknown' and the year the PDF was made."""
    lowered = header.lower()
    venue = next((name for phrase, name in _VENUE_PHRASES if phrase in lowered), "")
    if not venue:
        words = re.findall(r"[a-z]+", lowered)
        venue = next((VENUE_NAMES[w] for w in words if w in VENUE_NAMES and len(w) > 2), "")
    years = _YEAR.findall(header) or _YEAR.findall(creation_date.removeprefix("D:")[:4])
    return venue or UNKNOWN_VENUE, int(years[0]) if years else 0
