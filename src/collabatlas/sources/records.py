"""The source-neutral records every reader yields and the store loads."""

from __future__ import annotations

from dataclasses import dataclass, field

ALIGNED = "per-author"
UNALIGNED = "unknown"


@dataclass(frozen=True, slots=True)
class AffiliationRecord:
    """One affiliation of one author, as printed, with the e-mail domain beside it (may be '')."""

    raw: str
    domain: str = ""
    country: str = ""  # ISO code the source itself gives (an OpenReview profile's country), or ''


@dataclass(frozen=True, slots=True)
class SourceResolution:
    """A source's own answer for one authorship (OpenAlex's institution and country), kept apart."""

    author_position: int
    institution_id: str
    institution: str
    country: str


@dataclass(frozen=True, slots=True)
class AuthorRecord:
    """An author in author order (0-based), with the affiliations of that author in order."""

    position: int
    name: str
    affiliations: tuple[AffiliationRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class TextPiece:
    """Part of a paper's full text within one section and one page; ``start`` is its offset in
    the whole text (pieces joined by newlines)."""

    order: int
    section: str  # front, abstract, introduction, related work, method, experiments, ...
    heading: str
    page: int  # 1-based
    start: int
    text: str


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """Why a source links an author to an affiliation: the rule, the marker, the printed line."""

    author_position: int
    aff_order: int
    method: str  # marker, unmarked, block, single (PDF); tei (GROBID)
    marker: str
    line: str


@dataclass(frozen=True, slots=True)
class PaperRecord:
    """A paper with its authors.

    When the source's affiliations cannot be matched to authors one by one, ``alignment`` is
    ``"unknown"``, the authors carry no affiliations and ``paper_affiliations`` holds them all.
    """

    paper_id: str
    venue: str
    year: int
    title: str
    authors: tuple[AuthorRecord, ...]
    source: str
    source_id: str = ""
    abstract: str = ""
    status: str = ""
    track: str = ""
    url: str = ""
    doi: str = ""
    alignment: str = ALIGNED
    paper_affiliations: tuple[AffiliationRecord, ...] = field(default=())
    openreview_id: str = ""
    source_resolutions: tuple[SourceResolution, ...] = ()
    texts: tuple[TextPiece, ...] = ()  # full text by section and page (PDF, TEI)
    link_evidence: tuple[LinkEvidence, ...] = ()
    alignment_reason: str = ""  # how the source linked authors and affiliations, or why not


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """Every paper read from one source file or URL, with where it came from."""

    location: str
    venue: str
    year: int
    papers: tuple[PaperRecord, ...]
    records_read: int
    sha256: str
