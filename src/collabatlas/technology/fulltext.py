"""Technology detection over papers' full text (from their PDF or TEI), section by section.

The detector (``technology.detect``) runs over each run of consecutive pieces of one section;
every mention keeps its section (``technology_mentions.field``) and page. A mention in the
related work or the reference list is a *mention* whatever the sentence says (rule
``section:related work``); elsewhere the detector's role stands, so a use in the method or the
experiments counts as *uses*. The front matter and abstract are left to the title/abstract scan.

PDF text has no TeX: a ``$`` is a currency sign, so it is blanked before the detector sees it
(which would take "$400,000 … $100,000" for math); formula lines and the arguments of
function-like formulas (``Attention(QWQ, KWK, VWV)``, superscripts flattened) are blanked too.
Offsets are kept, so every match is the text as extracted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import duckdb
import pyarrow as pa

from collabatlas.technology.catalog import Catalog
from collabatlas.technology.detect import detect_mentions

SKIPPED = frozenset({"front", "abstract"})
MENTION_ONLY = frozenset({"related work", "references"})
DOCUMENT_SOURCES = ("pdf", "tei")  # whose text is scanned, in this order of preference

_CALL = re.compile(r"\b[A-Za-z][\w-]*\(([^()\n]{1,120})\)")
_SHORT_ARGUMENTS = re.compile(r"^\s*[\w ]{1,8}(?:,\s*[\w .…]{1,8})+\s*$")
_MATH_SIGNS = re.compile(r"[=∑∏∫∈≤≥⊤√·×∀∃→←≈∼]")
_PROSE_WORD = re.compile(r"\b[a-z]{3,}\b")

_PENDING = """
WITH chosen AS (
    SELECT s.paper_id, arg_min(s.source || '|' || s.source_key,
           CASE s.source WHEN 'pdf' THEN 0 ELSE 1 END || s.source_key) AS pick
    FROM paper_sources s
    WHERE s.source IN ('pdf', 'tei')
      AND EXISTS (SELECT 1 FROM source_texts t WHERE t.source = s.source AND t.source_key = s.source_key)
    GROUP BY s.paper_id
)
SELECT c.paper_id, t.piece, t.section, t.page, t.start_offset, t.text
FROM chosen c
JOIN source_texts t ON t.source || '|' || t.source_key = c.pick
LEFT JOIN technology_text_scans x ON x.paper_id = c.paper_id
WHERE ? OR x.paper_id IS NULL OR x.catalog_version <> ?
   OR x.text_md5 <> (SELECT md5(string_agg(u.text, chr(10) ORDER BY u.piece)) FROM source_texts u
                     WHERE u.source || '|' || u.source_key = c.pick)
ORDER BY c.paper_id, t.piece
"""


def blank_pdf_math(text: str) -> str:
    """``text`` with dollar signs, formula lines and formula arguments replaced by spaces."""
    text = text.replace("$", " ")
    lines = []
    for line in text.split("\n"):
        words = line.split()
        if words and _MATH_SIGNS.search(line) and len(_PROSE_WORD.findall(line)) < len(words) / 2:
            line = " " * len(line)
        lines.append(line)
    text = "\n".join(lines)

    def blank(match: re.Match[str]) -> str:
        inner = match.group(1)
        if not _SHORT_ARGUMENTS.match(inner):
            return match.group(0)
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + " " * len(inner) + match.group(0)[start + len(inner) :]

    return _CALL.sub(blank, text)


def detect_sections(
    paper_id: str, pieces: Sequence[tuple[str, int, int, str]], catalog: Catalog
) -> list[dict[str, object]]:
    """Mentions in ``(section, page, start, text)`` pieces, one dict per mention."""
    out: list[dict[str, object]] = []
    runs: list[list[tuple[str, int, int, str]]] = []
    for piece in pieces:
        if piece[0] in SKIPPED:
            continue
        if runs and runs[-1][-1][0] == piece[0] and runs[-1][-1][2] + len(runs[-1][-1][3]) + 1 == piece[2]:
            runs[-1].append(piece)
        else:
            runs.append([piece])
    for run in runs:
        section, base = run[0][0], run[0][2]
        text = "\n".join(p[3] for p in run)
        for mention in detect_mentions(blank_pdf_math(text), catalog):
            offset = base + mention.start
            page = next(p[1] for p in reversed(run) if p[2] <= offset)
            role, rule = mention.role, mention.rule
            if section in MENTION_ONLY:
                role, rule = "mentions", f"section:{section}"
            out.append(
                {
                    "paper_id": paper_id,
                    "field": section,
                    "start": offset,
                    "end": base + mention.end,
                    "model_id": mention.model_id,
                    "matched": text[mention.start : mention.end],
                    "sentence": mention.sentence,
                    "role": role,
                    "rule": rule,
                    "page": page,
                }
            )
    return out


MENTION_SCHEMA = pa.schema(
    [
        ("paper_id", pa.string()),
        ("field", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("model_id", pa.string()),
        ("matched", pa.string()),
        ("sentence", pa.string()),
        ("role", pa.string()),
        ("rule", pa.string()),
    ]
)
"""One detected mention as stored (title and abstract scans); full-text ones add the page."""
_SCHEMA = MENTION_SCHEMA.append(pa.field("page", pa.int32()))


def scan_full_texts(
    conn: duckdb.DuckDBPyConnection,
    catalog: Catalog,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Detect and store full-text mentions of papers whose text or catalog changed, inside the
    caller's transaction (the catalog must be written already); returns (papers, mentions)."""
    rows = conn.execute(_PENDING, [force, catalog.version]).fetchall()
    by_paper: dict[str, list[tuple[str, int, int, str]]] = {}
    texts: dict[str, list[str]] = {}
    for paper_id, _, section, page, start, text in rows:
        by_paper.setdefault(paper_id, []).append((section, page, start, text))
        texts.setdefault(paper_id, []).append(text)
    mentions: list[dict[str, object]] = []
    for done, (paper_id, pieces) in enumerate(by_paper.items(), start=1):
        mentions += detect_sections(paper_id, pieces, catalog)
        if progress:
            progress(done, len(by_paper))
    counts: dict[str, int] = {}
    for mention in mentions:
        counts[str(mention["paper_id"])] = counts.get(str(mention["paper_id"]), 0) + 1
    scans = pa.table(
        {
            "paper_id": list(by_paper),
            "text_md5": [hashlib.md5("\n".join(texts[p]).encode()).hexdigest() for p in by_paper],
            "mentions": pa.array([counts.get(p, 0) for p in by_paper], pa.int32()),
        }
    )
    conn.register("new_text_scans", scans)
    conn.register("new_text_mentions", pa.Table.from_pylist(mentions, schema=_SCHEMA))
    try:
        conn.execute(
            "DELETE FROM technology_mentions WHERE field NOT IN ('title', 'abstract') "
            "AND paper_id IN (SELECT paper_id FROM new_text_scans)"
        )
        conn.execute(
            "INSERT INTO technology_mentions (paper_id, field, start_offset, end_offset, model_id, matched, "
            'sentence, role, rule, catalog_version, page) SELECT paper_id, field, start, "end", model_id, '
            "matched, sentence, role, rule, ?, page FROM new_text_mentions",
            [catalog.version],
        )
        conn.execute(
            "INSERT OR REPLACE INTO technology_text_scans "
            "SELECT paper_id, ?, text_md5, mentions, now() FROM new_text_scans",
            [catalog.version],
        )
    finally:
        conn.unregister("new_text_scans")
        conn.unregister("new_text_mentions")
    return len(by_paper), len(mentions)
