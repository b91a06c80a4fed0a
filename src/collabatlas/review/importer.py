"""Apply a corrections file to a store: one transaction, the later write wins, history keeps both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from collabatlas.analyze.rules import country_code
from collabatlas.errors import InputError, UsageError
from collabatlas.review.corrections import ACTIONS, paper_countries, previous_text, record_history
from collabatlas.review.corrections_file import (
    AFFILIATION,
    CorrectionRow,
    read_corrections,
    write_corrections,
)
from collabatlas.store import Store
from collabatlas.store.load import aff_key


@dataclass(frozen=True)
class ImportReport:
    """What an import did."""

    applied: int  # new or changed in the store
    unchanged: int  # the store already had exactly this
    older: int  # the store has a later correction, which wins
    not_in_store: int  # kept, but no affiliation or paper of this store carries it


def _optional(value: str) -> str | None:
    return value or None


def _apply_affiliation(conn: duckdb.DuckDBPyConnection, row: CorrectionRow, path: Path) -> tuple[str, bool]:
    if row.action not in ACTIONS:
        raise InputError(f"{path}: unknown action {row.action!r} for {row.raw!r}")
    key = aff_key(row.raw, row.domain)
    current = conn.execute(
        "SELECT action, institution, institution_id, country, corrected_at "
        "FROM corrections WHERE aff_key = ?",
        [key],
    ).fetchone()
    value = (row.action, _optional(row.institution), _optional(row.institution_id), _optional(row.country))
    known = conn.execute("SELECT 1 FROM affiliations WHERE aff_key = ?", [key]).fetchone() is not None
    if current is not None and current[4] > row.corrected_at:
        return "older", known
    if current is not None and tuple(current[:4]) == value:
        return "unchanged", known
    previous = conn.execute(
        "SELECT institution, country, method FROM effective_resolutions WHERE aff_key = ?", [key]
    ).fetchone() or (None, None, None)
    conn.execute(
        "INSERT OR REPLACE INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, row.raw, row.domain, *value, row.reviewer, row.corrected_at, *previous],
    )
    record_history(
        conn, AFFILIATION, key, row.action, value[1], value[3], previous_text(previous), row.reviewer,
        row.corrected_at,
    )  # fmt: skip
    return "applied", known


def _apply_paper(conn: duckdb.DuckDBPyConnection, row: CorrectionRow, path: Path) -> tuple[str, bool]:
    try:
        codes = sorted({country_code(c) for c in row.country.split("|") if c})
    except UsageError as exc:
        raise InputError(f"{path}: paper {row.paper_id!r}: {exc}") from exc
    current = conn.execute(
        "SELECT countries, note, corrected_at FROM paper_overrides WHERE paper_id = ?", [row.paper_id]
    ).fetchone()
    known = conn.execute("SELECT 1 FROM papers WHERE paper_id = ?", [row.paper_id]).fetchone() is not None
    if current is not None and current[2] > row.corrected_at:
        return "older", known
    if current is not None and (list(current[0]), current[1]) == (codes, row.note):
        return "unchanged", known
    previous = paper_countries(conn, row.paper_id)
    conn.execute(
        "INSERT OR REPLACE INTO paper_overrides VALUES (?, ?, ?, ?, ?, ?)",
        [row.paper_id, codes, row.note, row.reviewer, row.corrected_at, previous],
    )
    record_history(
        conn, "paper", row.paper_id, "override", _optional(row.note), "|".join(codes), "|".join(previous),
        row.reviewer, row.corrected_at,
    )  # fmt: skip
    return "applied", known


def import_corrections(store: Store, path: Path, *, mirror: Path | None = None) -> ImportReport:
    """Apply every row of ``path`` to ``store`` in one transaction; then rewrite ``mirror`` if given.

    A row older than the store's correction of the same item loses (the later write wins); the
    file is read and checked in full before anything is written.
    """
    rows = list(read_corrections(path))
    counts = {"applied": 0, "unchanged": 0, "older": 0}
    missing = 0
    with store.transaction() as conn:
        for row in rows:
            apply = _apply_affiliation if row.kind == AFFILIATION else _apply_paper
            outcome, known = apply(conn, row, path)
            counts[outcome] += 1
            missing += not known
    if mirror is not None:
        write_corrections(store, mirror)
    return ImportReport(counts["applied"], counts["unchanged"], counts["older"], missing)


def sync_corrections(store: Store, path: Path) -> ImportReport | None:
    """Bring the store and its corrections file together: apply the file (if any), then rewrite it.

    Run when a review session starts, so a file edited or pulled from version control meanwhile,
    or a file one write behind the store after a crash, is reconciled before anything else.
    """
    report = import_corrections(store, path) if path.exists() else None
    write_corrections(store, path)
    return report
