"""What reports say about review: how much of the counted data a human checked, and the audit."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from collabatlas.analyze.counted import selected_pipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.review.audit import latest_audit
from collabatlas.store import Store


def review_summary(store: Store, rules: CountingRules | None = None) -> dict[str, Any]:
    """Human review of the papers the rules count.

    ``affiliations``/``reviewed``: distinct affiliation strings on counted papers and how many a
    human corrected or confirmed; ``authorships``/``authorships_reviewed``: the same over
    authorship links; ``paper_overrides``: counted papers whose countries a human set;
    ``audit``: the newest audit's estimate (None when no audit has a judged item).
    """
    selected = selected_pipeline(rules or CountingRules()).then(
        "links",
        "SELECT l.aff_key FROM authorship_affiliations l SEMI JOIN selected s ON s.paper_id = l.paper_id",
    )
    row = selected.rows(
        store,
        """SELECT count(DISTINCT l.aff_key), count(DISTINCT c.aff_key), count(*), count(c.aff_key)
        FROM links l LEFT JOIN corrections c ON c.aff_key = l.aff_key""",
    )[0]
    overrides = selected.rows(
        store, "SELECT count(*) FROM paper_overrides o SEMI JOIN selected s ON s.paper_id = o.paper_id"
    )[0][0]
    audit = latest_audit(store)
    return {
        "affiliations": int(row[0]),
        "reviewed": int(row[1]),
        "authorships": int(row[2]),
        "authorships_reviewed": int(row[3]),
        "paper_overrides": int(overrides),
        "audit": None
        if audit is None
        else {
            "audit_id": audit.audit_id,
            "seed": audit.seed,
            "size": audit.size,
            **asdict(audit.overall),
            "per_method": [asdict(e) for e in audit.per_method],
        },
    }


def describe_review(summary: dict[str, Any]) -> str:
    """One line for reports: what a human reviewed, and the audit estimate when there is one."""
    n, k = summary["affiliations"], summary["reviewed"]
    text = (
        f"Human review: {k} of {n} affiliation strings on the counted papers reviewed "
        f"({100 * k / n if n else 0:.1f}%; {summary['authorships_reviewed']} of {summary['authorships']} "
        f"authorship affiliations), {summary['paper_overrides']} paper overrides."
    )
    audit = summary["audit"]
    if audit is None:
        return text + " No audit yet (collabatlas review → Audit)."
    return text + (
        f" Audit #{audit['audit_id']} (seed {audit['seed']}): estimated accuracy "
        f"{100 * audit['accuracy']:.1f}% (95% CI {100 * audit['ci_low']:.1f}–{100 * audit['ci_high']:.1f}%), "
        f"{audit['judged']} judged."
    )
