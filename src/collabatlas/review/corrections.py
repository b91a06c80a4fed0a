"""Human corrections: write one, with its history, in one transaction (the later write wins)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from collabatlas.analyze.rules import country_code
from collabatlas.errors import UsageError
from collabatlas.review.corrections_file import write_corrections
from collabatlas.store import Store

MAX_NAME = 500  # characters of an institution name typed by a reviewer

ACCEPT = "accept"
CANDIDATE = "candidate"
MANUAL = "manual"
NOT_INSTITUTION = "not-institution"
ACTIONS = (ACCEPT, CANDIDATE, MANUAL, NOT_INSTITUTION)
OVERRIDE = "override"
CLEAR = "clear"


def now() -> datetime:
    """The time stamped on a correction: UTC, naive (as DuckDB TIMESTAMP stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _automatic(conn: duckdb.DuckDBPyConnection, aff_key: str) -> tuple[str, str, str | None, str | None, str]:
    row = conn.execute(
        "SELECT a.raw, a.domain, r.institution, r.country, r.candidates FROM affiliations a "
        "LEFT JOIN resolutions r USING (aff_key) WHERE a.aff_key = ?",
        [aff_key],
    ).fetchone()
    if row is None:
        raise UsageError(f"no affiliation {aff_key!r} in the store")
    return row[0], row[1], row[2], row[3], row[4] or "[]"


def _answer(
    conn: duckdb.DuckDBPyConnection,
    aff_key: str,
    action: str,
    institution: str | None,
    institution_id: str | None,
    country: str | None,
    candidate: int | None,
) -> tuple[str, str, str | None, str | None, str | None]:
    """(raw, domain, institution, institution_id, country) the action stands for."""
    raw, domain, auto_institution, auto_country, candidates = _automatic(conn, aff_key)
    if action == ACCEPT:
        auto_id = conn.execute(
            "SELECT institution_id FROM resolutions WHERE aff_key = ?", [aff_key]
        ).fetchone()
        return raw, domain, auto_institution, auto_id[0] if auto_id else None, auto_country
    if action == CANDIDATE:
        options = json.loads(candidates)
        if candidate is None or not 0 <= candidate < len(options):
            raise UsageError(f"no candidate {candidate} for this affiliation")
        chosen = options[candidate]
        return raw, domain, chosen["institution"], chosen["institution_id"], chosen["country"]
    if action == MANUAL:
        if not (institution or "").strip() or not (country or "").strip():
            raise UsageError("type an institution and a country")
        return raw, domain, " ".join(str(institution).split()), institution_id, country_code(str(country))
    if action == NOT_INSTITUTION:
        return raw, domain, None, None, None
    raise UsageError(f"unknown action {action!r}", hint=f"use one of {', '.join(ACTIONS)}")


def correct_affiliation(
    store: Store,
    aff_key: str,
    action: str,
    *,
    reviewer: str,
    institution: str | None = None,
    institution_id: str | None = None,
    country: str | None = None,
    candidate: int | None = None,
    mirror: Path | None = None,
) -> None:
    """Record a human answer for one affiliation; it wins over every automatic method.

    The previous effective answer is kept on the row and in ``correction_history``; with
    ``mirror``, the corrections file is rewritten (atomically) after the commit.
    """
    if institution is not None and len(institution) > MAX_NAME:
        raise UsageError(
            f"an institution name of {len(institution):,} characters is too long (at most {MAX_NAME})"
        )
    stamp = now()
    with store.transaction() as conn:
        raw, domain, inst, inst_id, ctry = _answer(
            conn, aff_key, action, institution, institution_id, country, candidate
        )
        previous = conn.execute(
            "SELECT institution, country, method FROM effective_resolutions WHERE aff_key = ?", [aff_key]
        ).fetchone() or (None, None, None)
        conn.execute(
            "INSERT OR REPLACE INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [aff_key, raw, domain, action, inst, inst_id, ctry, reviewer, stamp, *previous],
        )
        record_history(
            conn, "affiliation", aff_key, action, inst, ctry, previous_text(previous), reviewer, stamp
        )
    if mirror is not None:
        write_corrections(store, mirror)


def override_paper(
    store: Store,
    paper_id: str,
    countries: list[str] | None,
    *,
    reviewer: str,
    note: str = "",
    mirror: Path | None = None,
) -> None:
    """Set the countries of a paper by hand (``None`` removes the override)."""
    stamp = now()
    codes = sorted({country_code(c) for c in countries}) if countries is not None else None
    with store.transaction() as conn:
        if conn.execute("SELECT 1 FROM papers WHERE paper_id = ?", [paper_id]).fetchone() is None:
            raise UsageError(f"no paper {paper_id!r} in the store")
        previous = paper_countries(conn, paper_id)
        if codes is None:
            conn.execute("DELETE FROM paper_overrides WHERE paper_id = ?", [paper_id])
        else:
            conn.execute(
                "INSERT OR REPLACE INTO paper_overrides VALUES (?, ?, ?, ?, ?, ?)",
                [paper_id, codes, note, reviewer, stamp, previous],
            )
        action, value = (CLEAR, None) if codes is None else (OVERRIDE, "|".join(codes))
        record_history(
            conn, "paper", paper_id, action, note or None, value, "|".join(previous), reviewer, stamp
        )
    if mirror is not None:
        write_corrections(store, mirror)


def paper_countries(conn: duckdb.DuckDBPyConnection, paper_id: str) -> list[str]:
    """The countries a paper counts now (its override, or what its affiliations say), sorted."""
    rows = conn.execute(
        "SELECT DISTINCT country FROM effective_paper_countries WHERE paper_id = ? ORDER BY 1", [paper_id]
    ).fetchall()
    return [r[0] for r in rows]


def record_history(
    conn: duckdb.DuckDBPyConnection,
    kind: str,
    target: str,
    action: str,
    institution: str | None,
    country: str | None,
    previous: str | None,
    reviewer: str,
    stamp: datetime,
) -> None:
    """Append one write to ``correction_history`` (inside the caller's transaction)."""
    conn.execute(
        "INSERT INTO correction_history (kind, target, action, institution, country, previous, reviewer, "
        "corrected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [kind, target, action, institution, country, previous, reviewer, stamp],
    )


def previous_text(previous: tuple[str | None, ...]) -> str | None:
    """The replaced (institution, country, method) as one history string; None when there was none."""
    if all(v is None for v in previous):
        return None
    return "|".join(v or "" for v in previous)
