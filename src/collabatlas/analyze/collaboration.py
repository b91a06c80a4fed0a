"""Cross-border collaboration: papers with authors in country A, in B, and in both, per venue-year."""

from __future__ import annotations

import pyarrow as pa

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
)


def collaboration(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year: counted papers, papers with data, with A, with B, with both.

    ``share`` is A–B papers over all counted papers, ``share_of_known`` over papers with at
    least one resolved country; ``ci_low``/``ci_high`` are the 95% Wilson interval of ``share``.
    """
    rules = rules or CountingRules()
    where, params = paper_filter_sql(rules)
    countries, country_params = paper_country_sql(rules)
    a, b = rules.pair
    rows = store.rows(
        f"""
        WITH pc AS ({countries}),
        flags AS (
            SELECT paper_id,
                   bool_or(country = ?) AS has_a,
                   bool_or(country = ?) AS has_b
            FROM pc GROUP BY paper_id
        )
        SELECT p.venue, p.year, count(*) AS papers,
               count(f.paper_id) AS papers_with_data,
               count(*) FILTER (WHERE f.has_a) AS papers_a,
               count(*) FILTER (WHERE f.has_b) AS papers_b,
               count(*) FILTER (WHERE f.has_a AND f.has_b) AS papers_ab
        FROM papers p LEFT JOIN flags f ON f.paper_id = p.paper_id
        WHERE {where}
        GROUP BY p.venue, p.year
        ORDER BY p.venue, p.year
        """,
        [*country_params, a, b, *params],
    )
    out: dict[str, list[object]] = {c: [] for c in COLLABORATION_COLUMNS}
    for venue, year, papers, known, n_a, n_b, n_ab in rows:
        low, high = wilson_interval(n_ab, papers)
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
        )
        for column, value in zip(COLLABORATION_COLUMNS, values, strict=True):
            out[column].append(value)
    return pa.table(out)


def top_pairs(store: Store, rules: CountingRules | None = None, limit: int = 10) -> pa.Table:
    """The country pairs with the most co-authored papers (whole counting), across the selection."""
    rules = rules or CountingRules()
    countries, params = paper_country_sql(rules)
    return store.query(
        f"""
        WITH pc AS ({countries})
        SELECT x.country AS country_1, y.country AS country_2, count(*) AS papers
        FROM pc x JOIN pc y ON x.paper_id = y.paper_id AND x.country < y.country
        GROUP BY ALL ORDER BY papers DESC, country_1, country_2 LIMIT {int(limit)}
        """,
        params,
    )
