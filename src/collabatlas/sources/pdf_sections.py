"""Split a paper's body text into sections (abstract, introduction, related work, method,
experiments, conclusion, references, appendix), page by page.

A heading is a short line that is a known section name (``data/pdf_layout.json``), numbered or
not, or a numbered top-level heading that continues the numbering ("3 BERT" after "2 Related
Work"). A numbered heading whose name is not known takes its section from where it stands: after
the introduction or related work it is *method*; after an experiments heading it stays
*experiments*; after the references, *appendix*.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from collabatlas.sources.pdf_layout import Layout, load_layout
from collabatlas.sources.records import TextPiece

FRONT = "front"
_HEADING = re.compile(
    r"^(?:(?P<num>\d{1,2}(?:\.\d{1,2})*|[A-H](?:\.\d{1,2})*)\.?\s+)?(?P<name>[A-Z][^\n]{0,70})$"
)
_MAX_HEADING_WORDS = 9


def split_sections(pages: Sequence[str], layout: Layout | None = None) -> tuple[TextPiece, ...]:
    """The pages' text as pieces, each within one section and one page, in reading order.

    Text before the first heading is ``front`` (title, authors, affiliations)."""
    layout = layout or load_layout()
    state = _State()
    pieces: list[TextPiece] = []
    for page_number, text in enumerate(pages, start=1):
        buffer: list[str] = []
        for line in text.split("\n"):
            found = state.heading_of(line.strip(), layout)
            if found is None:
                buffer.append(line)
                continue
            _add_piece(pieces, state, page_number, buffer)
            buffer = []
            state.section, state.heading = found
        _add_piece(pieces, state, page_number, buffer)
    return tuple(pieces)


def _add_piece(pieces: list[TextPiece], state: _State, page: int, lines: list[str]) -> None:
    """Add the lines read since the last heading or page break as a piece, if they hold text."""
    body = "\n".join(lines).strip("\n")
    if not body.strip():
        return
    start = pieces[-1].start + len(pieces[-1].text) + 1 if pieces else 0
    pieces.append(TextPiece(len(pieces), state.section, state.heading, page, start, body))


class _State:
    """Where the reader is: the current section, heading and top-level number."""

    def __init__(self) -> None:
        self.section = FRONT
        self.heading = ""
        self.number = 0
        self.letter = 0
        self.seen: set[str] = set()

    def heading_of(self, line: str, layout: Layout) -> tuple[str, str] | None:
        """(section, heading) when ``line`` is a heading here, else None."""
        match = _HEADING.match(line)
        if not match or len(line.split()) > _MAX_HEADING_WORDS:
            return None
        number, name = match["num"], match["name"].strip()
        known = layout.sections.get(_key(name))
        if number is None:
            if known is None or (known == "abstract" and "abstract" in self.seen):
                return None
            if self.number and known not in ("abstract", "references", "appendix", "conclusion"):
                return None  # in a numbered paper, a bare "Results" is a table's or figure's
            return self._enter(known, name)
        if number[0].isdigit():
            top = int(number.split(".")[0])
            if "." not in number and top != self.number + 1:
                return None
            if "." in number and top != self.number:
                return None
            if "." in number or self.section == FRONT:
                return None  # subsections stay in their section; page 1's "1 Moonshot AI" is no heading
            if not _looks_like_heading(name):
                return None
            self.number = top
            return self._enter(known or self._unnamed(), name)
        letter = ord(number[0]) - ord("A") + 1
        in_back = self.section in ("references", "appendix") and "." not in number
        if in_back and _looks_like_heading(name) and letter == self.letter + 1:
            self.letter = letter
            return self._enter("appendix", name)
        return None

    def _enter(self, section: str, heading: str) -> tuple[str, str]:
        self.seen.add(section)
        return section, heading

    def _unnamed(self) -> str:
        if self.section in ("references", "appendix"):
            return "appendix"
        if self.section in ("experiments", "conclusion"):
            return self.section
        if self.section in (FRONT, "abstract"):
            return "introduction"
        return "method"


def _key(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", " ", name.lower()).split())


def _looks_like_heading(name: str) -> bool:
    """Capitalised, no sentence punctuation or formula, not a table-of-contents entry ('Alignment 9')
    nor a reference ('Method for Stochastic Optimization. ArXiv,')."""
    if sum(ch.isdigit() for ch in name) > len(name) / 3 or re.search(r"[=<>%]|\s\d+$|[.,;]\s|[.,;]$", name):
        return False
    return name[0].isupper()
