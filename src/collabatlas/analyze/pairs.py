"""Country pairs per venue-year: co-authored papers and Salton's index, beside each venue-year's coverage."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from collabatlas.analyze.paper_countries import paper_country_sql, paper_filter_sql
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store


def pair_rules(rules: CountingRules) -> CountingRules:
    """The rules pair counts are computed under: always whole counting (a paper per pair)."""
    return dataclasses.replace(rules, counting="whole")


def pair_matrix(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year and country pair with at least one co-authored paper.

    ``papers`` counts the papers with authors in both countries (whole counting, whatever
    ``rules.counting`` says); ``papers_1``/``papers_2`` the papers with each country; ``salton``
    is ``papers / sqrt(papers_1 * papers_2)``. ``small`` flags ``papers`` below ``rules.min_count``.
    ``total_papers`` and ``papers_with_data`` (papers with any resolved country) give the
    venue-year's coverage; papers without one are in no pair. ``country_1 < country_2``.
    """
    rules = rules or CountingRules()
    countries, params = paper_country_sql(rules)
    where, filter_params = paper_filter_sql(rules)
    return store.query(
        f"""
        WITH pc AS ({countries}),
        single AS (SELECT venue, year, country, count(*) AS papers FROM pc GROUP BY ALL),
        totals AS (
            SELECT p.venue, p.year, count(*) AS total_papers,
                   count(*) FILTER (WHERE p.paper_id IN (SELECT paper_id FROM pc)) AS papers_with_data
            FROM papers p WHERE {where} GROUP BY ALL
        ),
        pairs AS (
            SELECT x.venue, x.year, x.country AS country_1, y.country AS country_2, count(*) AS papers
            FROM pc x JOIN pc y ON x.paper_id = y.paper_id AND x.country < y.country
            GROUP BY ALL
        )
        SELECT q.venue, q.year, q.country_1, q.country_2, q.papers,
               s1.papers AS papers_1, s2.papers AS papers_2,
               q.papers / sqrt(s1.papers * s2.papers) AS salton,
               q.papers < ? AS small,
               t.total_papers, t.papers_with_data
        FROM pairs q
        JOIN single s1 ON s1.venue = q.venue AND s1.year = q.year AND s1.country = q.country_1
        JOIN single s2 ON s2.venue = q.venue AND s2.year = q.year AND s2.country = q.country_2
        JOIN totals t ON t.venue = q.venue AND t.year = q.year
        ORDER BY q.venue, q.year, q.papers DESC, q.country_1, q.country_2
        """,
        [*params, *filter_params, rules.min_count],
    )
