"""Audits: a seeded, reproducible sample of automatic resolutions, judged right or wrong by a human.

The sample is uniform over the distinct (affiliation, domain) pairs the resolver answered (every
method except 'unresolved'); each sampled answer is frozen when drawn, so later corrections do not
change what was judged. Accuracy comes with a 95% Wilson interval, overall and per method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from collabatlas.analyze.stats import wilson_interval
from collabatlas.errors import UsageError
from collabatlas.review.corrections import now
from collabatlas.store import Store

MAX_SIZE = 10_000
MAX_SEED = 2**31 - 1  # the store keeps seeds as 32-bit integers


@dataclass(frozen=True)
class Estimate:
    """Judged items, how many were right, the share and its 95% Wilson interval."""

    method: str  # 'all' for the whole audit
    judged: int
    right: int
    accuracy: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class AuditResult:
    """An audit's progress and its estimates."""

    audit_id: int
    seed: int
    size: int
    reviewer: str
    overall: Estimate
    per_method: list[Estimate]


def start_audit(store: Store, size: int, seed: int, *, reviewer: str) -> int:
    """Draw a sample of ``size`` automatic resolutions with ``seed``; returns the audit id."""
    if not 1 <= size <= MAX_SIZE:
        raise UsageError(f"audit size must be between 1 and {MAX_SIZE}, got {size}")
    if not 0 <= seed <= MAX_SEED:
        raise UsageError(f"audit seed must be between 0 and {MAX_SEED}, got {seed}")
    with store.transaction() as conn:
        row = conn.execute("SELECT coalesce(max(audit_id), 0) + 1 FROM audits").fetchone()
        audit_id = int(row[0]) if row else 1
        conn.execute("INSERT INTO audits VALUES (?, ?, ?, ?, ?)", [audit_id, seed, size, reviewer, now()])
        conn.execute(
            "INSERT INTO audit_items (audit_id, position, aff_key, institution, country, method) "
            "SELECT ?, row_number() OVER (ORDER BY md5(? || ':' || aff_key)) - 1, aff_key, institution, "
            "country, method FROM resolutions WHERE method <> 'unresolved' "
            "ORDER BY md5(? || ':' || aff_key) LIMIT ?",
            [audit_id, str(seed), str(seed), size],
        )
    return audit_id


def judge(store: Store, audit_id: int, position: int, correct: bool, *, reviewer: str) -> None:
    """Mark one sampled answer right or wrong (a later judgement replaces an earlier one)."""
    with store.transaction() as conn:
        found = conn.execute(
            "UPDATE audit_items SET correct = ?, reviewer = ?, judged_at = ? "
            "WHERE audit_id = ? AND position = ? RETURNING position",
            [correct, reviewer, now(), audit_id, position],
        ).fetchall()
        if not found:
            raise UsageError(f"audit {audit_id} has no item {position}")


def _estimate(method: str, judged: int, right: int) -> Estimate:
    low, high = wilson_interval(right, judged)
    return Estimate(method, judged, right, right / judged if judged else 0.0, low, high)


def audit_result(store: Store, audit_id: int) -> AuditResult | None:
    """The estimates of one audit, or None when there is no such audit."""
    found = store.rows("SELECT seed, size, reviewer FROM audits WHERE audit_id = ?", [audit_id])
    if not found:
        return None
    seed, size, reviewer = found[0]
    rows = store.rows(
        "SELECT method, count(correct), count(*) FILTER (WHERE correct) FROM audit_items "
        "WHERE audit_id = ? GROUP BY method ORDER BY count(*) DESC, method",
        [audit_id],
    )
    per_method = [_estimate(m, int(n), int(k)) for m, n, k in rows if n]
    overall = _estimate("all", sum(e.judged for e in per_method), sum(e.right for e in per_method))
    return AuditResult(audit_id, seed, size, reviewer, overall, per_method)


def audit_items(store: Store, audit_id: int) -> list[dict[str, Any]]:
    """The sampled answers of an audit in sample order, with their raw strings and judgements."""
    return store.query(
        "SELECT i.position, i.aff_key, a.raw, a.domain, i.institution, i.country, i.method, i.correct, "
        "r.reason FROM audit_items i JOIN affiliations a USING (aff_key) "
        "LEFT JOIN resolutions r USING (aff_key) WHERE i.audit_id = ? ORDER BY i.position",
        [audit_id],
    ).to_pylist()


def audits(store: Store) -> list[dict[str, Any]]:
    """Every audit, newest first, with how many items are judged."""
    return store.query(
        "SELECT a.audit_id, a.seed, a.size, a.reviewer, a.created_at, count(i.correct) AS judged "
        "FROM audits a LEFT JOIN audit_items i USING (audit_id) GROUP BY ALL ORDER BY a.audit_id DESC"
    ).to_pylist()


def latest_audit(store: Store) -> AuditResult | None:
    """The newest audit with at least one judged item."""
    found = store.rows(
        "SELECT max(audit_id) FROM audit_items WHERE correct IS NOT NULL",
    )
    return audit_result(store, int(found[0][0])) if found and found[0][0] is not None else None
