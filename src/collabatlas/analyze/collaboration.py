"""Cross-border collaboration: papers with authors in country A, in B, and in both, per venue-year."""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.country_sets import country_set_counts, country_set_pairs_sql, merge_counts
from collabatlas.analyze.credits import credit_sql
from collabatlas.analyze.paper_countries import paper_country_sql, paper_filter_sql
from collabatlas.analyze.rules import CountingRules
from collabatlas.analyze.stats import wilson_interval
from collabatlas.store import Store

COLLABORATION_COLUMNS = (
    "venue",
    "year",
    "papers",
    "papers_with_data",
    "papers_a",
    "papers_b",
    "papers_ab",
    "share",
    "share_of_known",
    "ci_low",
    "ci_high",
    "papers_unassigned",
    "coverage",
    "ci_known_low",
    "ci_known_high",
    "credit_a",
    "credit_b",
    "ab_credit_a",
    "ab_credit_b",
    "small",
)


def collaboration(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year: counted papers, papers with data, with A, with B, with both.

    Paper counts (``papers_*``) count a paper once whatever the counting mode: ``papers_ab`` are
    the A–B papers (an author in A and one in B). ``share`` is A–B papers over all counted papers,
    ``share_of_known`` over papers with at least one resolved country, with their 95% Wilson
    intervals (``ci_low``/``ci_high``, ``ci_known_low``/``ci_known_high``). ``papers_unassigned``
    are the papers without any resolved country and ``coverage`` the share with one. Under
    ``rules.counting``, ``credit_a``/``credit_b`` are A's and B's totals over all papers and
    ``ab_credit_a``/``ab_credit_b`` the A and B credit of the A–B papers (whole: both equal
    ``papers_ab``; fractional: A's and B's fractions; first-author: A–B papers led by A, by B).
    ``small`` flags ``papers_ab`` below ``rules.min_count``.
    """
    rules = rules or CountingRules()
    where, params = paper_filter_sql(rules)
    countries, country_params = paper_country_sql(rules)
    credits, credit_params = credit_sql(rules)
    a, b = rules.pair
    rows = store.rows(
        f"""
        WITH pc AS ({countries}),
        flags AS (
            SELECT paper_id,
                   bool_or(country = ?) AS has_a,
                   bool_or(country = ?) AS has_b
            FROM pc GROUP BY paper_id
        ),
        credit AS (
            SELECT paper_id,
                   coalesce(sum(credit) FILTER (WHERE country = ?), 0) AS credit_a,
                   coalesce(sum(credit) FILTER (WHERE country = ?), 0) AS credit_b
            FROM ({credits}) GROUP BY paper_id
        )
        SELECT p.venue, p.year, count(*) AS papers,
               count(f.paper_id) AS papers_with_data,
               count(*) FILTER (WHERE f.has_a) AS papers_a,
               count(*) FILTER (WHERE f.has_b) AS papers_b,
               count(*) FILTER (WHERE f.has_a AND f.has_b) AS papers_ab,
               coalesce(sum(k.credit_a), 0)::DOUBLE AS credit_a,
               coalesce(sum(k.credit_b), 0)::DOUBLE AS credit_b,
               coalesce(sum(k.credit_a) FILTER (WHERE f.has_a AND f.has_b), 0)::DOUBLE AS ab_credit_a,
               coalesce(sum(k.credit_b) FILTER (WHERE f.has_a AND f.has_b), 0)::DOUBLE AS ab_credit_b
        FROM papers p
        LEFT JOIN flags f ON f.paper_id = p.paper_id
        LEFT JOIN credit k ON k.paper_id = p.paper_id
        WHERE {where}
        GROUP BY p.venue, p.year
        ORDER BY p.venue, p.year
        """,
        [*country_params, a, b, *credit_params, a, b, *params],
    )
    rows = merge_counts(rows, country_set_counts(store, rules))
    out: dict[str, list[object]] = {c: [] for c in COLLABORATION_COLUMNS}
    for venue, year, papers, known, n_a, n_b, n_ab, credit_a, credit_b, ab_a, ab_b in rows:
        low, high = wilson_interval(n_ab, papers)
        known_low, known_high = wilson_interval(n_ab, known)
        values = (
            venue,
            year,
            papers,
            known,
            n_a,
            n_b,
            n_ab,
            n_ab / papers if papers else 0.0,
            n_ab / known if known else 0.0,
            low,
            high,
            papers - known,
            known / papers if papers else 0.0,
            known_low,
            known_high,
            credit_a,
            credit_b,
            ab_a,
            ab_b,
            n_ab < rules.min_count,
        )
        for column, value in zip(COLLABORATION_COLUMNS, values, strict=True):
            out[column].append(value)
    return pa.table(out)


def top_pairs(store: Store, rules: CountingRules | None = None, limit: int = 10) -> pa.Table:
    """The country pairs with the most co-authored papers (whole counting), across the selection."""
    rules = rules or CountingRules()
    countries, params = paper_country_sql(rules)
    snapshot_pairs, snapshot_params = country_set_pairs_sql(store, rules)
    union = f"UNION ALL {snapshot_pairs}" if snapshot_pairs else ""
    return store.query(
        f"""
        WITH pc AS ({countries}),
        pairs AS (
            SELECT x.country AS country_1, y.country AS country_2, count(*) AS papers
            FROM pc x JOIN pc y ON x.paper_id = y.paper_id AND x.country < y.country
            GROUP BY ALL {union}
        )
        SELECT country_1, country_2, sum(papers)::BIGINT AS papers FROM pairs
        GROUP BY ALL ORDER BY papers DESC, country_1, country_2 LIMIT {int(limit)}
        """,
        [*params, *snapshot_params],
    )
