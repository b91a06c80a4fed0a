"""The corrections file: a sorted, diff-friendly CSV mirroring the store's corrections, written atomically.

Affiliation rows are keyed by the raw string and the e-mail domain (not the store's hash), so the
file means something to a reader and applies to any store that holds the same strings.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from collabatlas.csvcells import neutralise, restore
from collabatlas.errors import InputError
from collabatlas.store import Store

FIELD_LIMIT = 2**31 - 1
_SPECIAL = re.compile(r'[,"\r\n]')
AFFILIATION = "affiliation"
PAPER = "paper"
COLUMNS = (
    "kind",
    "raw",
    "domain",
    "paper_id",
    "action",
    "institution",
    "institution_id",
    "country",
    "note",
    "reviewer",
    "corrected_at",
    "previous_institution",
    "previous_country",
    "previous_method",
)


@dataclass(frozen=True)
class CorrectionRow:
    """One line of the corrections file. For papers, ``country`` is the '|'-joined countries."""

    kind: str
    raw: str
    domain: str
    paper_id: str
    action: str
    institution: str
    institution_id: str
    country: str
    note: str
    reviewer: str
    corrected_at: datetime
    previous_institution: str
    previous_country: str
    previous_method: str


def default_corrections_path(db: str | Path) -> Path:
    """``corrections.csv`` beside the store."""
    return Path(db).resolve().parent / "corrections.csv"


def store_rows(store: Store) -> list[CorrectionRow]:
    """The store's current corrections, affiliations by (raw, domain) then papers by id."""
    affiliations = store.rows(
        "SELECT raw, domain, action, institution, institution_id, country, reviewer, corrected_at, "
        "previous_institution, previous_country, previous_method FROM corrections ORDER BY raw, domain"
    )
    papers = store.rows(
        "SELECT paper_id, countries, note, reviewer, corrected_at, previous_countries "
        "FROM paper_overrides ORDER BY paper_id"
    )
    rows = [
        CorrectionRow(AFFILIATION, raw, dom, "", act, inst or "", iid or "", ctry or "", "", who, at,
                      p_inst or "", p_ctry or "", p_meth or "")
        for raw, dom, act, inst, iid, ctry, who, at, p_inst, p_ctry, p_meth in affiliations
    ]  # fmt: skip
    rows += [
        CorrectionRow(PAPER, "", "", pid, "override", "", "", "|".join(codes), note, who, at, "",
                      "|".join(prev or []), "")
        for pid, codes, note, who, at, prev in papers
    ]  # fmt: skip
    return rows


def render(rows: list[CorrectionRow]) -> str:
    """The CSV text of ``rows`` (header first, '\\n' line ends; cells neutralised against formulas)."""
    lines = [_csv_line(COLUMNS)]
    for row in rows:
        values = [getattr(row, c) for c in COLUMNS]
        values[COLUMNS.index("corrected_at")] = row.corrected_at.isoformat(timespec="microseconds")
        lines.append(_csv_line([neutralise(v) for v in values]))
    return "".join(lines)


def _csv_line(values: Sequence[str]) -> str:
    """One CSV line; a cell with a comma, quote, CR or LF is quoted (the csv module leaves a lone CR
    unquoted when lines end in LF, which no reader can read back)."""
    return (
        ",".join(f'"{v.replace(chr(34), chr(34) * 2)}"' if _SPECIAL.search(v) else v for v in values) + "\n"
    )


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, fsync it, rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_corrections(store: Store, path: Path) -> int:
    """Mirror the store's corrections to ``path`` atomically; returns the number of rows."""
    rows = store_rows(store)
    atomic_write(path, render(rows))
    return len(rows)


def read_corrections(path: Path) -> Iterator[CorrectionRow]:
    """The rows of a corrections file, checked line by line."""
    try:
        text = path.read_bytes().decode("utf-8")  # no newline translation: a CR in a field is data
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})", hint="check --corrections") from exc
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not a corrections file (not UTF-8 text at byte {exc.start})",
            hint="give the CSV that 'corrections export' writes",
        ) from exc
    csv.field_size_limit(FIELD_LIMIT)  # a long field written by an earlier version stays readable
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        yield from _rows(path, reader)
    except csv.Error as exc:
        raise InputError(
            f"{path}: line {reader.line_num}: not CSV ({exc})", hint="compare with 'corrections export'"
        ) from exc


def _rows(path: Path, reader: csv.DictReader[str]) -> Iterator[CorrectionRow]:
    if tuple(reader.fieldnames or ()) != COLUMNS:
        shown = ",".join(reader.fieldnames or [])[:80]
        raise InputError(
            f"{path}: not a corrections file (header {shown!r})", hint=f"the header is {','.join(COLUMNS)}"
        )
    for record in reader:
        line = reader.line_num
        if None in record or None in record.values() or record["kind"] not in (AFFILIATION, PAPER):
            raise InputError(f"{path}: line {line}: malformed row", hint="compare with 'corrections export'")
        values = {k: restore(v) for k, v in record.items()}
        try:
            stamp = datetime.fromisoformat(values["corrected_at"])
        except ValueError as exc:
            raise InputError(
                f"{path}: line {line}: bad corrected_at {values['corrected_at'][:40]!r}"
            ) from exc
        fields: dict[str, Any] = {**values, "corrected_at": stamp}
        yield CorrectionRow(**fields)
