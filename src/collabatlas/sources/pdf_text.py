"""Text out of a PDF with pypdfium2: each page's text, and page 1's characters grouped into lines.

A line keeps its characters' sizes and positions, so a reader can tell a superscript marker
(smaller, raised) from the name it follows, and a wide gap (two authors side by side) from a space.
Files pdfium cannot open, encrypted files and files without a text layer raise ``InputError``.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from collabatlas.errors import InputError

# A character this much smaller than its line's body size, or raised this far, is a superscript.
SUPERSCRIPT_SIZE = 0.85
SUPERSCRIPT_RISE = 0.2
# A horizontal gap wider than this many body-size units separates two blocks of one line.
BLOCK_GAP = 1.2
_HYPHEN_BREAK = re.compile(r"[\ufffe\u00ad]\s*\n?\s*")  # pdfium marks a word broken at a line end
_MIN_TEXT_CHARS = 40
# pdfium's text and character indices agree, so page 1 is read up to its abstract heading.
_ABSTRACT = re.compile(r"(?:^|\n)\s*(?:abstract|a\s?b\s?s\s?t\s?r\s?a\s?c\s?t)\b[.:]?", re.IGNORECASE)

PDF_HINT = "give a PDF with a text layer (scanned pages need OCR first)"


@dataclass(frozen=True, slots=True)
class Char:
    """One printed character: its text, font size, left/right edges and baseline."""

    text: str
    size: float
    left: float
    right: float
    baseline: float


@dataclass(frozen=True, slots=True)
class Line:
    """Characters sharing a baseline, in reading order, with the line's body size."""

    chars: tuple[Char, ...]
    size: float
    baseline: float
    text: str  # the characters' text, a tab at every wide gap

    @property
    def left(self) -> float:
        return self.chars[0].left

    @property
    def right(self) -> float:
        return self.chars[-1].right

    def is_superscript(self, char: Char) -> bool:
        """Whether ``char`` is set smaller and raised against the line's body text."""
        return 0 < char.size < self.size * SUPERSCRIPT_SIZE and (
            char.baseline - self.baseline > self.size * SUPERSCRIPT_RISE or char.size < self.size * 0.75
        )


@dataclass(frozen=True)
class PdfText:
    """What the readers need of one PDF: its metadata, page texts and page 1's top lines."""

    metadata: dict[str, str]
    pages: tuple[str, ...]
    first_page_lines: tuple[Line, ...]


def open_document(data: bytes, name: str) -> pdfium.PdfDocument:
    """The PDF as a pdfium document; InputError (naming the file) when it cannot be read."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise InputError(f"{name}: not a PDF file", hint=PDF_HINT)
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc).lower()
        if "password" in reason or "security" in reason:
            raise InputError(f"{name}: encrypted PDF", hint="decrypt it first (qpdf --decrypt)") from exc
        raise InputError(f"{name}: damaged or truncated PDF ({exc})", hint=PDF_HINT) from exc
    if len(document) == 0:
        document.close()
        raise InputError(f"{name}: PDF without pages", hint=PDF_HINT)
    return document


def read_pdf_text(data: bytes, name: str, *, full_text: bool = True, front_chars: int = 4000) -> PdfText:
    """Metadata, every page's text (only page 1's unless ``full_text``) and page 1's top lines.

    Lines are built from the first ``front_chars`` characters of page 1 only (title, authors,
    affiliations sit there): asking pdfium for every character's box is the slow part.
    """
    document = open_document(data, name)
    try:
        metadata = {k: str(v) for k, v in document.get_metadata_dict().items() if v}
        pages = []
        lines: tuple[Line, ...] = ()
        for index in range(len(document) if full_text else 1):
            page = document[index]
            textpage = page.get_textpage()
            raw_text = textpage.get_text_range()
            pages.append(clean_page_text(raw_text))
            if index == 0:
                abstract = _ABSTRACT.search(raw_text)
                limit = min(front_chars, abstract.end() + 1) if abstract else front_chars
                lines = tuple(build_lines(page_chars(textpage, limit)))
            textpage.close()
            page.close()
    except pdfium.PdfiumError as exc:
        raise InputError(f"{name}: damaged or truncated PDF ({exc})", hint=PDF_HINT) from exc
    finally:
        document.close()
    if sum(len(p.strip()) for p in pages) < _MIN_TEXT_CHARS:
        raise InputError(f"{name}: no text layer (a scanned PDF?)", hint=PDF_HINT)
    return PdfText(metadata, tuple(pages), lines)


def page_lines(data: bytes, name: str, index: int = 0) -> tuple[Line, ...]:
    """Every line of one page (the slow path: every character's box)."""
    document = open_document(data, name)
    try:
        page = document[index]
        textpage = page.get_textpage()
        lines = tuple(build_lines(page_chars(textpage, textpage.count_chars())))
        textpage.close()
        page.close()
    except pdfium.PdfiumError as exc:
        raise InputError(f"{name}: damaged or truncated PDF ({exc})", hint=PDF_HINT) from exc
    finally:
        document.close()
    return lines


def clean_page_text(text: str) -> str:
    """pdfium's page text with Unix newlines and words broken at line ends joined again."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    return _HYPHEN_BREAK.sub("", text)


def page_chars(textpage: pdfium.PdfTextPage, limit: int) -> list[Char]:
    """The first ``limit`` printed characters of a page (pdfium's generated ones dropped, but
    for spaces, which become zero-width characters)."""
    raw = textpage.raw
    left, bottom, right, top = (ctypes.c_double() for _ in range(4))
    x, y = ctypes.c_double(), ctypes.c_double()
    chars = []
    for index in range(min(limit, textpage.count_chars())):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if code in (10, 13, 0xFFFE, 2):
            continue
        if not pdfium_c.FPDFText_GetCharBox(raw, index, left, right, bottom, top):
            continue
        pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
        size = pdfium_c.FPDFText_GetFontSize(raw, index)
        if code == 32 and pdfium_c.FPDFText_IsGenerated(raw, index):
            chars.append(Char(" ", 0.0, left.value, left.value, y.value))
            continue
        chars.append(Char(chr(code), size, left.value, max(right.value, left.value), y.value))
    return chars


def build_lines(chars: list[Char]) -> list[Line]:
    """Group characters in pdfium's order into lines: a new line starts where the baseline moves
    by more than a line's height, or moves and the pen jumps back left."""
    lines: list[list[Char]] = []
    base, size = 0.0, 0.0
    for char in chars:
        if lines and char.size == 0.0:
            lines[-1].append(char)
            continue
        if char.size == 0.0:
            continue
        if lines:
            moved = abs(char.baseline - base)
            back = char.left < lines[-1][-1].left - size
            if moved <= size * 0.9 and not (moved > size * 0.3 and back):
                lines[-1].append(char)
                if char.size >= size * 0.95:
                    base, size = char.baseline, max(size, char.size)
                continue
        lines.append([char])
        base, size = char.baseline, char.size
    return [_line(cs) for cs in lines if any(c.text.strip() for c in cs)]


def _line(chars: list[Char]) -> Line:
    """A line with wide gaps made explicit as spaces, trailing spaces dropped."""
    printed = [c for c in chars if c.size > 0]
    body = median(sorted(c.size for c in printed))
    tall = [c for c in printed if c.size >= body * 0.95]
    baseline = median(c.baseline for c in tall)
    kept: list[Char] = []
    spaced = False
    for char in chars:
        if char.size == 0.0:
            spaced = True
            continue
        if kept:
            gap = char.left - kept[-1].right
            if gap > body * BLOCK_GAP:
                kept.append(Char("\t", 0.0, kept[-1].right, char.left, baseline))
            elif not kept[-1].text.isspace() and (spaced or gap > body * 0.25):
                kept.append(Char(" ", 0.0, kept[-1].right, char.left, baseline))
        kept.append(char)
        spaced = char.text.isspace()
    return Line(tuple(kept), body, baseline, "".join(c.text for c in kept))


def body_size(lines: Sequence[Line]) -> float:
    """The most common line size weighted by characters: the body text's font size."""
    weights: dict[float, int] = {}
    for line in lines:
        weights[round(line.size, 1)] = weights.get(round(line.size, 1), 0) + len(line.chars)
    return max(weights, key=lambda s: weights[s]) if weights else 10.0
