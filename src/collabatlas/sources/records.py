"""The source-neutral records every reader yields and the store loads."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from collabatlas.sources.pdf_layout import load_layout

ALIGNED = "per-author"
BY_DOMAIN_PLUS = "per-author (by aff_domain)"  # regrouped by the '+' structure of aff_domain
BY_PROFILE = "per-author (by profile)"  # the authors with an OpenReview profile, in order
UNALIGNED = "unknown"

# Marks that join several institutions in one printed string ("Carnegie Mellon University†Baidu",
# "McGill University / Mila"): daggers, asterisks (not the one in "A*STAR") and a spaced slash.
_JOINERS = re.compile(r"[†‡∗]|(?<!\b\w)\*|\s+/\s+")
_CONTINUES = (",", ";", ".", ")")
_WORD = re.compile(r"[^\W_]+")


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
    person: str = ""  # the author's OpenReview profile id (~First_Last1), or ''


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
class HistoryRecord:
    """One entry of a public profile history: a position at an institution, from ``start`` to
    ``end`` (years; None when the profile gives none)."""

    position: str
    affiliation: AffiliationRecord  # the institution as an affiliation string, domain and country
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class ProfileRecord:
    """A person's public profile: their id, the other ids that name them, and their history."""

    person: str
    aliases: tuple[str, ...] = ()
    history: tuple[HistoryRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceBatch:
    """Every paper read from one source file or URL, with where it came from.

    ``left_out`` counts the records that are not papers of the venue-year (a conference site's
    journal-track entries), by where they come from: ``(("TMLR", 12), ("jmlr.org", 3))``.
    """

    location: str
    venue: str
    year: int
    papers: tuple[PaperRecord, ...]
    records_read: int
    sha256: str
    left_out: tuple[tuple[str, int], ...] = ()
    profiles: tuple[ProfileRecord, ...] = ()  # the authors' public profiles, when the source has them


def split_institutions(raw: str) -> list[str]:
    """The institutions of one printed affiliation joined by ``†``, ``‡``, ``*`` or `` / ``, in
    order; ``[raw]`` when it names one. A piece that continues the previous one (``"HSE†, Russia"``)
    stays with it, so does a sub-unit of it (``"UCSB†Dept. of Physics"``: a piece that starts with
    one of the layout's department words), and a mark with nothing after it (a footnote) joins
    nothing."""
    if _JOINERS.search(raw) is None:
        return [raw]
    pieces: list[str] = []
    for piece in (p.strip() for p in _JOINERS.split(raw)):
        if not any(c.isalnum() for c in piece):
            continue
        if pieces and piece.startswith(_CONTINUES):
            pieces[-1] += piece
        elif pieces and _is_sub_unit(piece):
            pieces[-1] += f", {piece}"
        else:
            pieces.append(piece)
    return pieces if len(pieces) > 1 else [raw]


def _is_sub_unit(piece: str) -> bool:
    first = piece.split(maxsplit=1)[0].lower().rstrip(".,")
    return first in load_layout().department_words


def domain_owner(names: Sequence[str], domain: str) -> int | None:
    """Which of several institutions printed in one string an e-mail ``domain`` belongs to: the
    index of the only name the domain spells (a label of three or more letters that is one of the
    name's words or its initials, or a label of four or more inside it: ``cs.cmu.edu`` →
    "Carnegie Mellon University", ``k.u-tokyo.ac.jp`` → "The University of Tokyo"); None when
    no name or more than one does."""
    words = _domain_words()
    labels = domain.lower().split(".")[:-1]
    parts = {
        piece
        for label in labels
        for piece in (label, *label.split("-"))
        if len(piece) >= 3 and piece not in words.generic_labels
    }
    owners = [i for i, name in enumerate(names) if parts and _spells(name, parts, words.not_initials)]
    return owners[0] if len(owners) == 1 else None


@dataclass(frozen=True)
class _DomainWords:
    not_initials: frozenset[str]
    generic_labels: frozenset[str]


@cache
def _domain_words() -> _DomainWords:
    """The reviewed word lists of ``sources/data/domain_owner.json``."""
    text = resources.files("collabatlas.sources").joinpath("data/domain_owner.json").read_text("utf-8")
    data = json.loads(text)
    return _DomainWords(frozenset(data["not_initials"]), frozenset(data["generic_labels"]))


def _spells(name: str, parts: set[str], not_initials: frozenset[str]) -> bool:
    words = [w.lower() for w in _WORD.findall(name)]
    initials = "".join(w[0] for w in words if w not in not_initials)
    compact = "".join(words)
    return any(p in words or p == initials or (len(p) >= 4 and p in compact) for p in parts)
