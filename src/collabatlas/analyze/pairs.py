"""Country pairs per venue-year: co-authored papers and Salton's index, beside each venue-year's coverage."""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.collaboration import pairs_pipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.store import Store

PAIR_COUNTING = "whole: a paper counts once for each pair of countries on it, whatever --counting says"


def pair_matrix(store: Store, rules: CountingRules | None = None, *, pooled: bool = False) -> pa.Table:
    """One row per venue-year and country pair with at least one co-authored paper.

    ``papers`` counts the papers with authors in both countries (a paper per pair, whatever
    ``rules.counting`` says; it reads the same counted papers as every other table);
    ``papers_1``/``papers_2`` the papers with each country; ``salton`` is
    ``papers / sqrt(papers_1 * papers_2)``. ``small`` flags ``papers`` below ``rules.min_count``.
    ``total_papers`` and ``papers_with_data`` (papers with any resolved country) give the
    venue-year's coverage; papers without one are in no pair. ``country_1 < country_2``.
    ``pooled=True`` gives one row per pair over the whole selection (venue and year null).
    """
    rules = rules or CountingRules()
    keys = "NULL::VARCHAR AS venue, NULL::INTEGER AS year" if pooled else "venue, year"
    join = "TRUE" if pooled else "{x}.venue = q.venue AND {x}.year = q.year"
    pipeline = (
        pairs_pipeline(store, rules)
        .then(
            "single",
            f"""SELECT {keys}, u.country, sum(c.weight)::BIGINT AS papers
            FROM counted c, unnest(c.countries) AS u(country) GROUP BY ALL""",
        )
        .then(
            "totals",
            f"""SELECT {keys}, sum(weight)::BIGINT AS total_papers,
                   coalesce(sum(weight) FILTER (WHERE len(countries) > 0), 0)::BIGINT AS papers_with_data
            FROM counted GROUP BY ALL""",
        )
        .then(
            "pairs",
            f"""SELECT {keys}, country_1, country_2, sum(weight)::BIGINT AS papers
            FROM pair_papers GROUP BY ALL""",
        )
    )
    return pipeline.query(
        store,
        f"""SELECT q.venue, q.year, q.country_1, q.country_2, q.papers,
               s1.papers AS papers_1, s2.papers AS papers_2,
               q.papers / sqrt(s1.papers * s2.papers) AS salton,
               q.papers < $min_count AS small,
               t.total_papers, t.papers_with_data
        FROM pairs q
        JOIN single s1 ON {join.format(x="s1")} AND s1.country = q.country_1
        JOIN single s2 ON {join.format(x="s2")} AND s2.country = q.country_2
        JOIN totals t ON {join.format(x="t")}
        ORDER BY q.venue, q.year, q.papers DESC, q.country_1, q.country_2""",
        min_count=rules.min_count,
    )
