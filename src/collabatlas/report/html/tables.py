"""The tables behind the report that no analysis function provides: institution pairs, coverage.

Each is one query over the same counting rules as the figures, so every number on the page can
be traced back to a list of papers.
"""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.paper_countries import paper_country_sql, paper_filter_sql
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store


def _ab_papers_sql(rules: CountingRules) -> tuple[str, list[object]]:
    """SQL of the paper_ids with authors in both countries of ``rules.pair``."""
    countries, params = paper_country_sql(rules)
    sql = f"""
        SELECT paper_id FROM ({countries}) GROUP BY paper_id
        HAVING bool_or(country = ?) AND bool_or(country = ?)
    """
    return sql, [*params, *rules.pair]


def institution_pairs(store: Store, rules: CountingRules, limit: int = 30) -> pa.Table:
    """The (institution in A, institution in B) pairs behind A–B papers, by papers, most first.

    A pair counts a paper once however many authors it has there; affiliations resolved to a
    country but no institution are left out.
    """
    ab, params = _ab_papers_sql(rules)
    scoped = rules.scoped_sql("r.country")
    a, b = rules.pair
    return store.query(
        f"""
        WITH ab AS ({ab}),
        inst AS (
            SELECT DISTINCT r.paper_id, r.institution, {scoped} AS country
            FROM link_resolutions r
            WHERE r.paper_id IN (SELECT paper_id FROM ab) AND r.institution IS NOT NULL
        )
        SELECT x.institution AS institution_a, x.country AS country_a,
               y.institution AS institution_b, y.country AS country_b,
               count(DISTINCT x.paper_id) AS papers
        FROM inst x JOIN inst y ON x.paper_id = y.paper_id
        WHERE x.country = ? AND y.country = ?
        GROUP BY ALL
        ORDER BY papers DESC, institution_a, institution_b
        LIMIT {int(limit)}
        """,
        [*params, a, b],
    )


def coverage(store: Store, rules: CountingRules) -> dict[str, int]:
    """How much of the counted data carries a resolved country: papers, authorships, affiliations."""
    countries, params = paper_country_sql(rules)
    where, filter_params = paper_filter_sql(rules)
    row = store.rows(
        f"""
        WITH counted AS (SELECT p.paper_id FROM papers p WHERE {where}),
        links AS (
            SELECT l.paper_id, l.author_position, l.aff_key, r.country
            FROM authorship_affiliations l
            JOIN counted c ON c.paper_id = l.paper_id
            LEFT JOIN link_resolutions r
                   ON r.paper_id = l.paper_id AND r.author_position = l.author_position
                  AND r.aff_order = l.aff_order
        )
        SELECT (SELECT count(*) FROM counted),
               (SELECT count(DISTINCT paper_id) FROM ({countries})),
               (SELECT count(*) FROM authorships a JOIN counted c ON c.paper_id = a.paper_id),
               (SELECT count(DISTINCT (paper_id, author_position)) FROM links
                WHERE country IS NOT NULL AND author_position >= 0),
               (SELECT count(DISTINCT aff_key) FROM links),
               (SELECT count(DISTINCT aff_key) FROM links WHERE country IS NOT NULL)
        """,
        [*filter_params, *params],
    )[0]
    keys = (
        "papers",
        "papers_with_data",
        "authorships",
        "authorships_with_country",
        "affiliations",
        "affiliations_with_country",
    )
    return dict(zip(keys, (int(v) for v in row), strict=True))


def resolution_methods(store: Store, rules: CountingRules) -> pa.Table:
    """How the affiliations on counted papers were placed: method, affiliation strings, share (a
    string placed differently beside different co-authors counts under each of its methods)."""
    where, params = paper_filter_sql(rules)
    return store.query(
        f"""
        WITH used AS (
            SELECT DISTINCT r.aff_key, r.method FROM link_resolutions r
            JOIN papers p ON p.paper_id = r.paper_id WHERE {where}
        )
        SELECT method, count(*) AS affiliations,
               count(*) / sum(count(*)) OVER () AS share
        FROM used
        GROUP BY method ORDER BY affiliations DESC, method
        """,
        params,
    )
