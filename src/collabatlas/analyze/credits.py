"""Country credit per paper under each counting mode: the rows every country total is a sum of.

``credit_sql(rules)`` yields one row per (counted paper, country) with the credit that paper gives
that country. Papers without any resolved country (for first-author counting: whose first author
has none) give their whole credit to ``'unassigned'``, so every paper appears and totals are exact:

- whole: credit 1 for each country present (country totals can exceed the paper count), the
  same countries as ``paper_country_sql`` (paper-level review overrides included);
- fractional: each author with a resolved affiliation carries 1/n (n = such authors), split
  equally over that author's resolved affiliations; a paper's credits sum to 1;
- first-author: credit 1 for each country of the first author (author position 0).

Affiliations whose author is unknown (the source's list did not line up with the authors) count
as one author each under fractional counting, and are not a first author.
"""

from __future__ import annotations

from collabatlas.analyze.paper_countries import paper_country_sql, paper_filter_sql
from collabatlas.analyze.rules import UNASSIGNED, CountingRules


def _resolved_affiliations_sql(rules: CountingRules) -> str:
    scoped = rules.scoped_sql("r.country")
    return f"""
        SELECT l.paper_id,
               CASE WHEN l.author_position < 0 THEN -1 - l.aff_order ELSE l.author_position END
                   AS author_key,
               l.author_position, l.aff_order, {scoped} AS country
        FROM authorship_affiliations l
        JOIN effective_resolutions r ON r.aff_key = l.aff_key
        WHERE r.country IS NOT NULL
    """


def credit_sql(rules: CountingRules) -> tuple[str, list[object]]:
    """SQL of (paper_id, venue, year, country, credit) under ``rules.counting``."""
    where, params = paper_filter_sql(rules)
    resolved = _resolved_affiliations_sql(rules)
    if rules.counting == "fractional":
        per_paper = f"""
            SELECT paper_id, country, sum(1.0 / (n_authors * n_affs))::DOUBLE AS credit
            FROM (
                SELECT paper_id, country,
                       count(DISTINCT author_key) OVER (PARTITION BY paper_id) AS n_authors,
                       count(*) OVER (PARTITION BY paper_id, author_key) AS n_affs
                FROM ({resolved})
            ) GROUP BY paper_id, country
        """
    elif rules.counting == "first-author":
        per_paper = f"""
            SELECT DISTINCT paper_id, country, 1.0::DOUBLE AS credit
            FROM ({resolved}) WHERE author_position = 0
        """
    else:
        present, present_params = paper_country_sql(rules)
        per_paper = f"SELECT paper_id, country, 1.0::DOUBLE AS credit FROM ({present})"
        return _with_unassigned(where, per_paper), [*present_params, *params]
    return _with_unassigned(where, per_paper), params


def _with_unassigned(where: str, per_paper: str) -> str:
    """Every counted paper's credit rows; a paper with none gives its credit to 'unassigned'."""
    return f"""
        WITH credited AS ({per_paper}),
        counted AS (SELECT p.paper_id, p.venue, p.year FROM papers p WHERE {where})
        SELECT c.paper_id, c.venue, c.year, coalesce(k.country, '{UNASSIGNED}') AS country,
               coalesce(k.credit, 1.0)::DOUBLE AS credit
        FROM counted c LEFT JOIN credited k ON k.paper_id = c.paper_id
    """
