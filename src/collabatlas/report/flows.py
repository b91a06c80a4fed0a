"""The technology-flow figures as one JSON-ready document (what ``collabatlas flows --json`` writes)."""

from __future__ import annotations

from typing import Any

from collabatlas.analyze.flow_trends import adoption_trends
from collabatlas.analyze.flows import (
    VIEWS,
    adoption_by_country,
    flow_conventions,
    flow_matrix,
    headline,
    model_adoption,
)
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store

# Credit-weighted paper counts: whole numbers under whole counting, written as integers then.
_COUNTS = ("papers_with_author_country", "papers_mentioning", "papers_using")


def flows_document(store: Store, rules: CountingRules, view: str = "developer") -> dict[str, Any]:
    """Conventions, per-model rows, headline, both flow matrices and both trend tables.

    Each of ``rows`` carries venue, year, model, origin_country, papers_mentioning, papers_using
    and ``papers_by_author_country``: country → {papers (with an author there), mentioning,
    using, mentioning_all, using_all}.
    """
    by_country: dict[tuple[str, int, str], dict[str, Any]] = {}
    for row in adoption_by_country(store, rules).to_pylist():
        by_country.setdefault((row["venue"], row["year"], row["model"]), {})[row["author_country"]] = {
            "papers": _number(row["papers_with_author_country"]),
            "mentioning": _number(row["papers_mentioning"]),
            "using": _number(row["papers_using"]),
            "mentioning_all": row["papers_mentioning_all"],
            "using_all": row["papers_using_all"],
        }
    rows = [
        {**row, "papers_by_author_country": by_country.get((row["venue"], row["year"], row["model"]), {})}
        for row in model_adoption(store, rules).to_pylist()
    ]
    return {
        "conventions": flow_conventions(store, rules, view),
        "rows": rows,
        "headline": _counts(headline(store, rules, view).to_pylist()),
        "flow_matrix": {v: _counts(flow_matrix(store, rules, v).to_pylist()) for v in VIEWS},
        "trends": {
            "by_origin": adoption_trends(store, rules, by="origin", view=view).to_pylist(),
            "by_model": adoption_trends(store, rules, by="model", view=view).to_pylist(),
        },
    }


def _number(value: float) -> float | int:
    rounded = round(float(value), 6)
    return int(rounded) if rounded.is_integer() else rounded


def _counts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _number(v) if k in _COUNTS else v for k, v in row.items()} for row in rows]
