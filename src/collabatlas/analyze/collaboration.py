"""Cross-border collaboration: papers with authors in country A, in B, and in both, per venue-year."""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.counted import CREDIT_DIGITS, counted_pipeline
from collabatlas.analyze.pipeline import SqlPipeline
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
    ``small`` flags ``papers_ab`` below ``rules.min_count``. Every figure is a sum over the
    counted-papers relation (:mod:`collabatlas.analyze.counted`).
    """
    rules = rules or CountingRules()
    a, b = rules.pair
    pipeline = counted_pipeline(store, rules).then(
        "pair_credit",
        """SELECT k.row_key, list_contains(c.countries, $a) AND list_contains(c.countries, $b) AS is_ab,
               sum(k.credit * k.weight) FILTER (WHERE k.country = $a) AS credit_a,
               sum(k.credit * k.weight) FILTER (WHERE k.country = $b) AS credit_b
        FROM credits k JOIN counted c ON c.row_key = k.row_key GROUP BY k.row_key, c.countries""",
        a=a,
        b=b,
    )
    rows = pipeline.query(
        store,
        """SELECT c.venue, c.year, sum(c.weight)::BIGINT AS papers,
               coalesce(sum(c.weight) FILTER (WHERE len(c.countries) > 0), 0)::BIGINT AS papers_with_data,
               coalesce(sum(c.weight) FILTER (WHERE list_contains(c.countries, $a)), 0)::BIGINT AS papers_a,
               coalesce(sum(c.weight) FILTER (WHERE list_contains(c.countries, $b)), 0)::BIGINT AS papers_b,
               coalesce(sum(c.weight) FILTER (WHERE list_contains(c.countries, $a)
                                              AND list_contains(c.countries, $b)), 0)::BIGINT AS papers_ab,
               round(coalesce(sum(k.credit_a), 0), $digits)::DOUBLE AS credit_a,
               round(coalesce(sum(k.credit_b), 0), $digits)::DOUBLE AS credit_b,
               round(coalesce(sum(k.credit_a) FILTER (WHERE k.is_ab), 0), $digits)::DOUBLE AS ab_credit_a,
               round(coalesce(sum(k.credit_b) FILTER (WHERE k.is_ab), 0), $digits)::DOUBLE AS ab_credit_b
        FROM counted c LEFT JOIN pair_credit k ON k.row_key = c.row_key
        GROUP BY c.venue, c.year ORDER BY c.venue, c.year""",
        digits=CREDIT_DIGITS,
    ).to_pylist()
    out: dict[str, list[object]] = {c: [] for c in COLLABORATION_COLUMNS}
    for row in rows:
        papers, known, n_ab = row["papers"], row["papers_with_data"], row["papers_ab"]
        low, high = wilson_interval(n_ab, papers)
        known_low, known_high = wilson_interval(n_ab, known)
        row.update(
            share=n_ab / papers if papers else 0.0,
            share_of_known=n_ab / known if known else 0.0,
            ci_low=low,
            ci_high=high,
            papers_unassigned=papers - known,
            coverage=known / papers if papers else 0.0,
            ci_known_low=known_low,
            ci_known_high=known_high,
            small=n_ab < rules.min_count,
        )
        for column in COLLABORATION_COLUMNS:
            out[column].append(row[column])
    return pa.table(out)


def pairs_pipeline(store: Store, rules: CountingRules) -> SqlPipeline:
    """The counted papers plus ``pair_papers``: (row_key, venue, year, weight, country_1, country_2),
    one row per counted paper and pair of its countries (``country_1 < country_2``)."""
    return counted_pipeline(store, rules).then(
        "pair_papers",
        """SELECT c.row_key, c.venue, c.year, c.weight, x.country AS country_1, y.country AS country_2
        FROM counted c, unnest(c.countries) AS x(country), unnest(c.countries) AS y(country)
        WHERE x.country < y.country""",
    )


def top_pairs(store: Store, rules: CountingRules | None = None, limit: int = 10) -> pa.Table:
    """The country pairs with the most co-authored papers (whole counting), across the selection."""
    rules = rules or CountingRules()
    return pairs_pipeline(store, rules).query(
        store,
        f"""SELECT country_1, country_2, sum(weight)::BIGINT AS papers FROM pair_papers
        GROUP BY ALL ORDER BY papers DESC, country_1, country_2 LIMIT {int(limit)}""",
    )
