"""The countries present on each paper, under a set of counting rules (the base of every count)."""

from __future__ import annotations

from collabatlas.analyze.rules import CountingRules


def paper_filter_sql(rules: CountingRules, alias: str = "p") -> tuple[str, list[object]]:
    """A WHERE clause (and its parameters) selecting the papers the rules count."""
    clauses: list[str] = ["TRUE"]
    params: list[object] = []
    if rules.accepted_only:
        clauses.append(f"{alias}.accepted")
    if rules.venues:
        clauses.append(f"lower({alias}.venue) IN ({', '.join('?' for _ in rules.venues)})")
        params.extend(v.lower() for v in rules.venues)
    if rules.years:
        clauses.append(f"{alias}.year IN ({', '.join('?' for _ in rules.years)})")
        params.extend(rules.years)
    return " AND ".join(clauses), params


def paper_country_sql(rules: CountingRules) -> tuple[str, list[object]]:
    """SQL of (paper_id, venue, year, country) rows: one per country present on a counted paper.

    Papers without any resolved country have no row here; use the papers table for totals.
    Human corrections and paper overrides win (the ``effective_paper_countries`` view).
    """
    where, params = paper_filter_sql(rules)
    scoped = rules.scoped_sql("c.country")
    sql = f"""
        SELECT DISTINCT p.paper_id, p.venue, p.year, {scoped} AS country
        FROM papers p
        JOIN effective_paper_countries c ON c.paper_id = p.paper_id
        WHERE {where}
    """
    return sql, params
