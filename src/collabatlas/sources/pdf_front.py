"""Read a paper's first page: title, authors in order, printed affiliations, e-mails, and which
affiliation belongs to which author, with the evidence (the marker, the line) for each link.

Authors are linked to affiliations, in this order of rules:

1. ``marker``: an affiliation printed after a marker (superscript number or letter, † ‡ ∗ ♠ ♢ …)
   belongs to every author carrying that marker; authors without any defined marker get the
   affiliations printed without one (``unmarked``), if there are such;
2. ``block``: no markers, names side by side with an affiliation block under each name;
3. ``single``: no markers and one affiliation: it is every author's;
4. ``group``: lists of names, each with one affiliation printed under it ("A, B & C / Univ X /
   D & E / Univ Y"): each list's.

Anything else (several unmarked affiliations under a list of names, an author no rule reaches) is
not guessed: the paper's affiliations are kept at paper level and the reason is given.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from collabatlas.sources.pdf_layout import Layout, load_layout
from collabatlas.sources.pdf_text import Char, Line, body_size

_WORD = re.compile(r"[^\W\d_][\w.'’-]*", re.UNICODE)
_EMAIL_BRACED = re.compile(r"[{(\[]([^})\]]+)[})\]]\s*@\s*([\w-]+(?:\.[\w-]+)+)")
_EMAIL = re.compile(r"([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)")
_AND = re.compile(r"(?:^|\s)(?:and|&)\s+", re.IGNORECASE)
_TRIM = " ,;:.\t"
_FRONT_STOP = re.compile(r"^(?:abstract\b|a b s t r a c t\b|(?:1\.?|i\.)\s+introduction$|keywords\b)")
_FOOTNOTE_CUT = re.compile(
    r"\.?\s*(?:correspondence|corresponding author|preprint|proceedings of)\b.*$", re.IGNORECASE
)
_NOT_AFFILIATION = re.compile(
    r"^\W*(?:equal contribution|work done|these authors|project lead)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class PrintedAuthor:
    """An author as printed: the name, the markers after it, and the line it is on."""

    name: str
    markers: tuple[str, ...]
    line: str
    row: int
    left: float
    right: float


@dataclass(frozen=True, slots=True)
class PrintedAffiliation:
    """An affiliation as printed, the marker before it ('' for none) and the line(s) it is on."""

    text: str
    marker: str
    line: str
    row: int
    left: float
    right: float
    country: str = ""  # ISO code the source itself gives (GROBID's address), '' from a PDF


@dataclass(frozen=True, slots=True)
class Link:
    """One author–affiliation pair and why: the rule, the marker, the line the affiliation is on."""

    author: int
    affiliation: int
    method: str
    marker: str
    line: str


@dataclass(frozen=True)
class FrontMatter:
    """What page 1 says. ``aligned`` is False when the affiliations could not be linked author by
    author; ``reason`` says why (or which rule linked them)."""

    title: str
    authors: tuple[PrintedAuthor, ...]
    affiliations: tuple[PrintedAffiliation, ...]
    emails: tuple[tuple[str, str], ...]  # (local part, domain)
    links: tuple[Link, ...]
    aligned: bool
    reason: str

    def author_domains(self) -> dict[int, str]:
        """The e-mail domain of each author whose address's local part matches their name."""
        return match_emails([a.name for a in self.authors], self.emails)


@dataclass(frozen=True)
class _Segment:
    """Part of a line between two wide gaps."""

    chars: tuple[Char, ...]
    line: Line
    row: int

    @property
    def text(self) -> str:
        return " ".join("".join(c.text for c in self.chars).split())

    @property
    def left(self) -> float:
        return self.chars[0].left

    @property
    def right(self) -> float:
        return self.chars[-1].right


Token = tuple[str, str]  # ('text', char) | ('mark', marker) | ('sep', '')


def read_front_matter(
    lines: Sequence[Line], layout: Layout | None = None, *, page: Sequence[Line] = ()
) -> FrontMatter:
    """Title, authors, affiliations, e-mails and links from page 1's lines (top to the abstract).

    ``page``: all of page 1's lines; when the names carry markers that no line under them
    defines, the affiliations are looked for in page 1's footnotes (ICML style)."""
    layout = layout or load_layout()
    title_lines, rest = _title(lines, layout)
    title = " ".join(" ".join(line.text.split()) for line in title_lines)
    authors: list[PrintedAuthor] = []
    name_rows: list[list[tuple[_Segment, list[int]]]] = []
    affiliation_segments: list[_Segment] = []
    emails: list[tuple[str, str]] = []
    open_name = False
    previous_affiliation_row = -2
    for row, line in enumerate(rest):
        segments = _segments(line, row)
        classified = [(s, _tokens(s, layout)) for s in segments]
        institution_row = any("@" not in s.text and _is_affiliation(t, s.text, layout) for s, t in classified)
        after_affiliation = previous_affiliation_row == row - 1
        for segment, tokens in classified:
            text = segment.text
            if "@" in text:
                emails.extend(parse_emails(text))
                continue
            address = after_affiliation and _is_address(tokens, text)
            if institution_row or address:
                affiliation_segments.append(segment)
                previous_affiliation_row = row
                continue
            if text.lower().strip(_TRIM) in layout.not_names:
                continue
            found = _names(tokens, segment)
            if not found:
                continue
            if open_name and authors and authors[-1].row == row - 1 and _starts_with_text(tokens):
                first = found.pop(0)  # "… Wenbin Ge, Yu" / "Han, Fei Huang": one name over two lines
                last = authors[-1]
                authors[-1] = PrintedAuthor(
                    f"{last.name} {first.name}", first.markers, last.line, last.row, last.left, last.right
                )
            open_name = _ends_open(tokens)
            if not found:
                continue
            if not name_rows or name_rows[-1][0][0].row != row:
                name_rows.append([])
            name_rows[-1].append((segment, list(range(len(authors), len(authors) + len(found)))))
            authors.extend(found)
    if (
        page
        and any(a.markers for a in authors)
        and not any(kind == "mark" for seg in affiliation_segments for kind, _ in _tokens(seg, layout))
    ):
        used = {m for a in authors for m in a.markers}
        footnotes = _footnotes(page, lines, layout)
        defined = {m for seg in footnotes for m, _ in _affiliation_entries(seg, layout)}
        if any(m in used or (m.isdigit() and all(d in used for d in m)) for m in defined):
            affiliation_segments = footnotes
    affiliations, links, reason = _link(authors, name_rows, affiliation_segments, layout)
    linked = {link.author for link in links}
    aligned = bool(authors) and all(i in linked for i in range(len(authors)))
    return FrontMatter(
        title=title,
        authors=tuple(authors),
        affiliations=tuple(affiliations),
        emails=tuple(dict.fromkeys(emails)),
        links=tuple(links) if aligned else (),
        aligned=aligned,
        reason=reason,
    )


def _ends_front(text: str, layout: Layout) -> bool:
    """The abstract or introduction heading ('Abstract', 'Abstract—We …', '1 Introduction'), or a
    line of prose (most of its words in lower case): the front matter is over."""
    folded = " ".join(text.lower().split())
    if folded in layout.front_stop or _FRONT_STOP.match(folded):
        return True
    words = folded.split()
    lower = sum(w[0].islower() for w in text.split() if w[0].isalpha())
    return len(words) >= 10 and lower > len(words) * 0.6 and "@" not in text


def _title(lines: Sequence[Line], layout: Layout) -> tuple[list[Line], list[Line]]:
    """The title lines (the largest type near the top, headers skipped) and the lines after them
    up to the abstract heading."""
    stop = next((i for i, line in enumerate(lines) if _ends_front(line.text, layout)), len(lines))
    top = [(i, line) for i, line in enumerate(lines[:stop]) if not layout.header.search(line.text.strip())]
    if not top:
        return [], []
    body = body_size(lines)
    largest = max(line.size for _, line in top[:12])
    if largest < body * 1.15:
        first = top[0][0]
        return [lines[first]], list(lines[first + 1 : stop])
    start = next(i for i, line in top if line.size >= largest * 0.95)
    end = start
    while end + 1 < stop and lines[end + 1].size >= largest * 0.9:
        end += 1
    return list(lines[start : end + 1]), [
        line for line in lines[end + 1 : stop] if not layout.header.search(line.text.strip())
    ]


def _segments(line: Line, row: int) -> list[_Segment]:
    """The line split at its wide gaps (tabs)."""
    out: list[_Segment] = []
    current: list[Char] = []
    for char in line.chars:
        if char.text == "\t":
            if current:
                out.append(_Segment(tuple(current), line, row))
            current = []
        else:
            current.append(char)
    if current:
        out.append(_Segment(tuple(current), line, row))
    return [s for s in out if s.text]


def _is_marker(char: Char, line: Line, layout: Layout) -> bool:
    if char.size == 0.0:
        return False
    code = ord(char.text[0])
    return (
        line.is_superscript(char)
        or char.text in layout.marker_symbols
        or 0x80 <= code <= 0x9F  # a symbol font's glyph without a Unicode mapping
        or 0xE000 <= code <= 0xF8FF
    )


def _tokens(segment: _Segment, layout: Layout) -> list[Token]:
    """Text characters, markers (a run of superscript digits is one marker) and separators."""
    out: list[Token] = []
    joinable = False
    for char in segment.chars:
        if _is_marker(char, segment.line, layout):
            if char.text in ",; ":
                joinable = False
                continue
            if joinable and char.text.isdigit() and out[-1][1].isdigit():
                out[-1] = ("mark", out[-1][1] + char.text)
            else:
                out.append(("mark", char.text))
            joinable = True
            continue
        joinable = False
        if char.text in ",;":
            out.append(("sep", char.text))
        else:
            out.append(("text", char.text))
    return out


def _words(text: str) -> list[str]:
    return [w.lower().strip(".'’-") for w in _WORD.findall(text)]


def _is_affiliation(tokens: list[Token], text: str, layout: Layout) -> bool:
    """A segment that starts with a marker and text, or names an institution."""
    first = next((i for i, t in enumerate(tokens) if t[1].strip()), None)
    if first is not None and tokens[first][0] == "mark":
        after = next((t for t in tokens[first + 1 :] if t[0] != "mark" and t[1].strip()), None)
        if after is not None and after[0] == "text":
            return True
    return any(w in layout.institution_words for w in _words(text))


def _footnotes(page: Sequence[Line], front: Sequence[Line], layout: Layout) -> list[_Segment]:
    """Page 1's footnote lines from the first one that starts with a marker: smaller than the
    body, below the front matter; 'Equal contribution' and 'Correspondence to' parts cut off."""
    body = body_size(page)
    seen = {line.text for line in front}
    small = [line for line in page if line.size < body * 0.95 and line.text not in seen]
    start = next((i for i, line in enumerate(small) if _starts_with_marker(line, layout)), None)
    if start is None:
        return []
    out = []
    for row, line in enumerate(small[start:], start=1000):
        cut = _FOOTNOTE_CUT.search(line.text)
        chars = line.chars[: cut.start()] if cut else line.chars
        if chars:
            out.append(_Segment(tuple(chars), line, row))
        if cut and cut.group(0).lower().startswith("correspond"):
            break
    return [s for s in out if s.text]


def _starts_with_marker(line: Line, layout: Layout) -> bool:
    tokens = _tokens(_Segment(line.chars, line, 0), layout)
    first = next((t for t in tokens if t[1].strip()), None)
    return first is not None and first[0] == "mark"


def _is_address(tokens: list[Token], text: str) -> bool:
    """An unmarked line that reads as an address: a comma or a number, or a country's name."""
    if any(kind == "mark" for kind, _ in tokens):
        return False
    return bool(re.search(r"[,\d]", text)) or _is_country(text)


def _is_country(text: str) -> bool:
    import pycountry

    name = text.strip(_TRIM)
    if name.upper() in ("USA", "UK", "PRC"):
        return True
    try:
        pycountry.countries.lookup(name)
    except LookupError:
        return False
    return True


def _starts_with_text(tokens: list[Token]) -> bool:
    first = next((t for t in tokens if t[1].strip()), None)
    return first is not None and first[0] == "text"


def _ends_open(tokens: list[Token]) -> bool:
    """A comma-separated list of names whose line ends inside a name (no comma, no mark)."""
    if not any(kind == "sep" for kind, _ in tokens):
        return False
    last = next((t for t in reversed(tokens) if t[1].strip()), None)
    return last is not None and last[0] == "text" and last[1] not in ".:"


def _names(tokens: list[Token], segment: _Segment) -> list[PrintedAuthor]:
    """The names in an author segment: a separator, ' and ' or the end of a marker run ends one."""
    found: list[PrintedAuthor] = []
    name: list[str] = []
    markers: list[str] = []

    def flush() -> None:
        for part in _AND.split("".join(name)):
            cleaned = " ".join(part.split()).strip(_TRIM)
            if _WORD.search(cleaned):
                found.append(
                    PrintedAuthor(
                        cleaned, tuple(markers), segment.line.text, segment.row, segment.left, segment.right
                    )
                )
        name.clear()
        markers.clear()

    for kind, value in tokens:
        if kind == "mark" and not "".join(name).strip() and found:
            last = found[-1]  # a mark after the comma that ended a name ("Doug Downey,† Jason")
            found[-1] = PrintedAuthor(
                last.name, (*last.markers, value), last.line, last.row, last.left, last.right
            )
        elif kind == "mark":
            markers.append(value)
        elif kind == "sep":
            flush()
        elif value.strip() and markers:
            flush()
            name.append(value)
        else:
            name.append(value)
    flush()
    return found


def _affiliation_entries(
    segment: _Segment, layout: Layout
) -> list[tuple[str, str]]:  # (marker, text) pairs in the segment
    """A segment cut at each marker that starts an affiliation; trailing reference marks dropped."""
    tokens = _tokens(segment, layout)
    entries: list[tuple[str, list[str]]] = [("", [])]
    for index, (kind, value) in enumerate(tokens):
        if kind != "mark":
            entries[-1][1].append(value)
            continue
        following = next((t for t in tokens[index + 1 :] if t[1].strip()), None)
        if following is None or following[0] != "text":
            continue  # a footnote mark after the text, or one of several leading marks
        if "".join(entries[-1][1]).strip(_TRIM):
            entries.append((value, []))
        elif not entries[-1][0]:
            entries[-1] = (value, entries[-1][1])
    out = []
    for marker, chars in entries:
        text = " ".join("".join(chars).split()).strip(_TRIM)
        if text and not _NOT_AFFILIATION.match(text):
            out.append((marker, text))
    return out


def _link(
    authors: list[PrintedAuthor],
    name_rows: list[list[tuple[_Segment, list[int]]]],
    segments: list[_Segment],
    layout: Layout,
) -> tuple[list[PrintedAffiliation], list[Link], str]:
    """Affiliations and the links the rules (marker, block, single) can make."""
    entries = [(seg, marker, text) for seg in segments for marker, text in _affiliation_entries(seg, layout)]
    if any(marker for _, marker, _ in entries):
        affiliations = _join_continuations(entries, layout)
        return affiliations, *_link_markers(authors, affiliations)
    blocks = _blocks(name_rows, segments)
    if blocks is not None and len(blocks) == len(authors):
        return _link_blocks(authors, blocks)
    affiliations = _join_continuations(entries, layout)
    if len(affiliations) == 1:
        aff = affiliations[0]
        links = [Link(i, 0, "single", "", aff.line) for i in range(len(authors))]
        return affiliations, links, "single: one affiliation printed for every author"
    groups = _groups(name_rows, affiliations)
    if groups is not None:
        links = [Link(i, aff, "group", "", affiliations[aff].line) for i, aff in groups]
        return affiliations, links, "group: each list of names has its affiliation printed under it"
    if not affiliations:
        return [], [], "no affiliation printed on page 1"
    return affiliations, [], f"{len(affiliations)} affiliations without markers under a list of names"


def _groups(
    name_rows: list[list[tuple[_Segment, list[int]]]], affiliations: list[PrintedAffiliation]
) -> list[tuple[int, int]] | None:
    """(author, affiliation) pairs when names and affiliations alternate down the page, each run
    of name lines followed by exactly one affiliation ("A, B & C / Univ X / D & E / Univ Y");
    None otherwise."""
    if len(name_rows) < 2 or not affiliations:
        return None
    starts = [row[0][0].row for row in name_rows] + [10**6]
    pairs = []
    used = 0
    for index in range(len(name_rows)):
        below = [i for i, a in enumerate(affiliations) if starts[index] < a.row < starts[index + 1]]
        if not below and index + 1 < len(name_rows) and starts[index + 1] == starts[index] + 1:
            continue  # the names go on on the next line
        if len(below) != 1:
            return None
        group = [i for r in name_rows[: index + 1] for _, ids in r for i in ids if i >= used]
        pairs += [(author, below[0]) for author in group]
        used = max(group) + 1
    return pairs if used == sum(len(ids) for r in name_rows for _, ids in r) else None


def _join_continuations(entries: list[tuple[_Segment, str, str]], layout: Layout) -> list[PrintedAffiliation]:
    """Entries as affiliations: an unmarked line without an institution word (an address) continues
    the one before; a department line is joined to the institution on the next line."""
    out: list[PrintedAffiliation] = []
    pending_department = False
    for segment, marker, text in entries:
        words = _words(text)
        is_institution = any(w in layout.institution_words for w in words)
        continues = out and not marker and (not is_institution or pending_department)
        if continues:
            last = out[-1]
            out[-1] = PrintedAffiliation(
                f"{last.text}, {text}",
                last.marker,
                f"{last.line} / {segment.line.text}" if last.row != segment.row else last.line,
                segment.row,
                min(last.left, segment.left),
                max(last.right, segment.right),
            )
        else:
            out.append(
                PrintedAffiliation(text, marker, segment.line.text, segment.row, segment.left, segment.right)
            )
        pending_department = bool(words) and words[0] in layout.department_words and "," not in text
    return out


def _link_markers(
    authors: list[PrintedAuthor], affiliations: list[PrintedAffiliation]
) -> tuple[list[Link], str]:
    defined: dict[str, list[int]] = {}
    for index, aff in enumerate(affiliations):
        defined.setdefault(aff.marker, []).append(index)
    links: list[Link] = []
    missing = []
    for position, author in enumerate(authors):
        markers = _split_markers(author.markers, defined)
        found = [(m, i) for m in markers for i in defined.get(m, []) if m]
        if not found and "" in defined:
            found = [("", i) for i in defined[""]]
        if not found:
            missing.append(author.name)
        for marker, index in found:
            method = "marker" if marker else "unmarked"
            links.append(Link(position, index, method, marker, affiliations[index].line))
    if missing:
        return links, f"marker: no affiliation marker defined for {', '.join(missing[:3])}"
    return links, "marker: affiliations linked by the marks after each name"


def _split_markers(markers: tuple[str, ...], defined: dict[str, list[int]]) -> list[str]:
    """Markers as defined: '12' printed without a comma is '1' and '2' when only those exist."""
    out = []
    for marker in markers:
        if marker in defined or not marker.isdigit() or not all(d in defined for d in marker):
            out.append(marker)
        else:
            out.extend(marker)
    return out


def _blocks(
    name_rows: list[list[tuple[_Segment, list[int]]]], segments: list[_Segment]
) -> dict[int, list[_Segment]] | None:
    """Affiliation lines under side-by-side names, by author; None when the page is not laid out
    so (a name segment holding several names, or a line under no name)."""
    if not name_rows or not segments:
        return None
    if not any(len(row) > 1 for row in name_rows) and len(name_rows) == 1:
        return None
    if any(len(ids) != 1 for row in name_rows for _, ids in row):
        return None
    blocks: dict[int, list[_Segment]] = {}
    for segment in segments:
        above = [row for row in name_rows if row[0][0].row < segment.row]
        if not above:
            return None
        author = _overlapping(above[-1], segment)
        if author is None:
            return None
        blocks.setdefault(author, []).append(segment)
    return blocks


def _overlapping(row: list[tuple[_Segment, list[int]]], segment: _Segment) -> int | None:
    """The author whose name segment overlaps ``segment`` most horizontally."""
    best, best_overlap = None, 0.0
    for name, ids in row:
        overlap = min(name.right, segment.right) - max(name.left, segment.left)
        if overlap > best_overlap:
            best, best_overlap = ids[0], overlap
    return best


def _link_blocks(
    authors: list[PrintedAuthor], blocks: dict[int, list[_Segment]]
) -> tuple[list[PrintedAffiliation], list[Link], str]:
    affiliations: list[PrintedAffiliation] = []
    links: list[Link] = []
    for author in sorted(blocks):
        lines = blocks[author]
        text = ", ".join(s.text.strip(_TRIM) for s in lines)
        line = " / ".join(s.text for s in lines)
        affiliations.append(PrintedAffiliation(text, "", line, lines[0].row, lines[0].left, lines[-1].right))
        links.append(Link(author, len(affiliations) - 1, "block", "", line))
    missing = [authors[i].name for i in range(len(authors)) if i not in blocks]
    if missing:
        return affiliations, links, f"block: no affiliation under {', '.join(missing[:3])}"
    return affiliations, links, "block: the affiliation printed under each name"


def parse_emails(text: str) -> list[tuple[str, str]]:
    """(local part, domain) of every address in a line, ``{a,b}@x.edu`` forms included."""
    text = re.sub(r"\s*([.@])\s*", r"\1", text)
    out: list[tuple[str, str]] = []
    for match in _EMAIL_BRACED.finditer(text):
        domain = match.group(2).lower().strip(".")
        out.extend(
            (local.strip().lower(), domain) for local in re.split(r"[,;|\s]+", match.group(1)) if local
        )
    text = _EMAIL_BRACED.sub(" ", text)
    out.extend((m.group(1).lower(), m.group(2).lower().strip(".")) for m in _EMAIL.finditer(text))
    return out


def match_emails(names: Sequence[str], emails: Sequence[tuple[str, str]]) -> dict[int, str]:
    """Author position → e-mail domain, for addresses whose local part spells one author's name
    (first, last, first+last, initial+last, …) and no other's."""
    out: dict[int, str] = {}
    for local, domain in emails:
        key = re.sub(r"[^a-z0-9]", "", local.lower())
        hits = [i for i, name in enumerate(names) if key and key in _name_keys(name)]
        if not hits:
            hits = [
                i
                for i, name in enumerate(names)
                if any(len(p) >= 4 and p in key for p in _name_parts(name)[-1:])
            ]
        if len(hits) == 1:
            out.setdefault(hits[0], domain)
    return out


def _name_parts(name: str) -> list[str]:
    from anyascii import anyascii

    return [re.sub(r"[^a-z]", "", p) for p in anyascii(name).lower().split() if re.sub(r"[^a-z]", "", p)]


def _name_keys(name: str) -> set[str]:
    parts = _name_parts(name)
    if not parts:
        return set()
    first, last = parts[0], parts[-1]
    return {
        first,
        last,
        first + last,
        last + first,
        first[0] + last,
        first + last[0],
        last + first[0],
        "".join(parts),
        "".join(p[0] for p in parts[:-1]) + last,
        first[0] + "".join(parts[1:]),
    }
