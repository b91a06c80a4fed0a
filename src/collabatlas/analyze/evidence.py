"""The papers behind a number: each with its authors, their affiliations and how they were resolved."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from collabatlas.analyze.credits import credit_sql
from collabatlas.analyze.paper_countries import paper_country_sql
from collabatlas.analyze.rules import CHINA_SCOPES, UNASSIGNED, CountingRules, country_code
from collabatlas.errors import UsageError
from collabatlas.store import Store


def selection_rules(rules: CountingRules, venue: str | None = None, year: int | None = None) -> CountingRules:
    """``rules`` narrowed to one venue and/or year (the same selection ``analyze`` would count)."""
    return dataclasses.replace(
        rules,
        venues=(venue,) if venue else rules.venues,
        years=(year,) if year is not None else rules.years,
    )


def _country(value: str, rules: CountingRules) -> str:
    if value.strip().lower() == UNASSIGNED:
        return UNASSIGNED
    code = country_code(value)
    if code in CHINA_SCOPES[rules.china_scope]:
        raise UsageError(
            f"{code} is counted as CN under --china-scope {rules.china_scope}",
            hint="use --china-scope mainland to list it on its own",
        )
    return code


def papers_behind(
    store: Store,
    rules: CountingRules | None = None,
    venue: str | None = None,
    year: int | None = None,
    country: str | None = None,
) -> pa.Table:
    """The papers behind a count, one row per paper, ordered by venue, year and paper_id.

    Without ``country``: the A–B papers of ``rules.pair`` (``collaboration``'s ``papers_ab``).
    With ``country`` (a code, a name or ``'unassigned'``): the papers giving that country credit
    under ``rules.counting`` (``country_totals``' ``paper_count``; ``credit`` sums to its
    ``papers``). Each row has the countries present on the paper (China-scoped), the pair's ``credit_a`` and
    ``credit_b``, and ``authors``: a list of {position, name, affiliations: [{affiliation,
    domain, country, counted_as, institution, method, confidence, reason}]}; affiliations the
    source could not tie to an author sit under position -1 with an empty name.
    """
    rules = selection_rules(rules or CountingRules(), venue, year)
    credits, credit_params = credit_sql(rules)
    present, present_params = paper_country_sql(rules)
    a, b = rules.pair
    if country is None:
        chosen = f"""
            SELECT paper_id, NULL::DOUBLE AS credit FROM ({present}) GROUP BY paper_id
            HAVING bool_or(country = ?) AND bool_or(country = ?)
        """
        chosen_params: list[object] = [*present_params, a, b]
    else:
        chosen = f"""
            SELECT paper_id, sum(credit) AS credit FROM ({credits}) WHERE country = ? GROUP BY paper_id
        """
        chosen_params = [*credit_params, _country(country, rules)]
    scoped = rules.scoped_sql("r.country")
    return store.query(
        f"""
        WITH chosen AS ({chosen}),
        credit AS (
            SELECT paper_id,
                   coalesce(sum(credit) FILTER (WHERE country = ?), 0)::DOUBLE AS credit_a,
                   coalesce(sum(credit) FILTER (WHERE country = ?), 0)::DOUBLE AS credit_b
            FROM ({credits}) WHERE paper_id IN (SELECT paper_id FROM chosen) GROUP BY paper_id
        ),
        present AS (
            SELECT paper_id, list(DISTINCT country ORDER BY country) AS countries
            FROM ({present}) WHERE paper_id IN (SELECT paper_id FROM chosen) GROUP BY paper_id
        ),
        affs AS (
            SELECT l.paper_id, l.author_position,
                   list({{'affiliation': f.raw, 'domain': f.domain, 'country': r.country,
                          'counted_as': {scoped}, 'institution': r.institution,
                          'method': r.method, 'confidence': r.confidence, 'reason': r.reason}}
                        ORDER BY l.aff_order) AS affiliations
            FROM authorship_affiliations l
            JOIN affiliations f ON f.aff_key = l.aff_key
            LEFT JOIN effective_resolutions r ON r.aff_key = l.aff_key
            WHERE l.paper_id IN (SELECT paper_id FROM chosen)
            GROUP BY l.paper_id, l.author_position
        ),
        people AS (
            SELECT a.paper_id, a.author_position AS position, a.author_name AS name
            FROM authorships a WHERE a.paper_id IN (SELECT paper_id FROM chosen)
            UNION ALL
            SELECT DISTINCT paper_id, -1, '' FROM affs WHERE author_position = -1
        ),
        authors AS (
            SELECT m.paper_id,
                   list({{'position': m.position, 'name': m.name,
                          'affiliations': coalesce(x.affiliations, [])}} ORDER BY m.position)
                       AS authors
            FROM people m
            LEFT JOIN affs x ON x.paper_id = m.paper_id AND x.author_position = m.position
            GROUP BY m.paper_id
        )
        SELECT p.venue, p.year, p.paper_id, p.title, p.status, p.alignment,
               coalesce(e.countries, []) AS countries, c.credit, k.credit_a, k.credit_b,
               coalesce(w.authors, []) AS authors
        FROM chosen c
        JOIN papers p ON p.paper_id = c.paper_id
        LEFT JOIN present e ON e.paper_id = c.paper_id
        LEFT JOIN credit k ON k.paper_id = c.paper_id
        LEFT JOIN authors w ON w.paper_id = c.paper_id
        ORDER BY p.venue, p.year, p.paper_id
        """,
        [*chosen_params, a, b, *credit_params, *present_params],
    )
