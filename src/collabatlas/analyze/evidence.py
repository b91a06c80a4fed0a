"""The papers behind a number: each with its authors, their affiliations and how they were resolved."""

from __future__ import annotations

import dataclasses

import pyarrow as pa

from collabatlas.analyze.counted import counted_pipeline
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
    a, b = rules.pair
    if country is None:
        chosen = """SELECT paper_id, NULL::DOUBLE AS credit FROM counted
            WHERE paper_id IS NOT NULL AND list_contains(countries, $a) AND list_contains(countries, $b)"""
        params: dict[str, object] = {}
    else:
        chosen = """SELECT paper_id, sum(credit) AS credit FROM credits
            WHERE paper_id IS NOT NULL AND country = $country GROUP BY paper_id"""
        params = {"country": _country(country, rules)}
    scoped = rules.scoped_sql("r.country")
    pipeline = (
        counted_pipeline(store, rules)
        .then("chosen", chosen, a=a, b=b, **params)
        .then(
            "pair_credit",
            """SELECT paper_id,
                   coalesce(sum(credit) FILTER (WHERE country = $a), 0)::DOUBLE AS credit_a,
                   coalesce(sum(credit) FILTER (WHERE country = $b), 0)::DOUBLE AS credit_b
            FROM credits SEMI JOIN chosen USING (paper_id) GROUP BY paper_id""",
        )
        .then(
            "affs",
            f"""SELECT l.paper_id, l.author_position,
                   list({{'affiliation': f.raw, 'domain': f.domain, 'country': r.country,
                          'counted_as': {scoped}, 'institution': r.institution,
                          'method': r.method, 'confidence': r.confidence, 'reason': r.reason}}
                        ORDER BY l.aff_order) AS affiliations
            FROM authorship_affiliations l
            SEMI JOIN chosen c ON c.paper_id = l.paper_id
            JOIN affiliations f ON f.aff_key = l.aff_key
            LEFT JOIN link_resolutions r
                   ON r.paper_id = l.paper_id AND r.author_position = l.author_position
                  AND r.aff_order = l.aff_order
            GROUP BY l.paper_id, l.author_position""",
        )
        .then(
            "people",
            """SELECT a.paper_id, a.author_position AS position, a.author_name AS name
            FROM authorships a SEMI JOIN chosen c ON c.paper_id = a.paper_id
            UNION ALL
            SELECT DISTINCT paper_id, -1, '' FROM affs WHERE author_position = -1""",
        )
        .then(
            "authors",
            """SELECT m.paper_id,
                   list({'position': m.position, 'name': m.name,
                         'affiliations': coalesce(x.affiliations, [])} ORDER BY m.position) AS authors
            FROM people m
            LEFT JOIN affs x ON x.paper_id = m.paper_id AND x.author_position = m.position
            GROUP BY m.paper_id""",
        )
    )
    return pipeline.query(
        store,
        """SELECT p.venue, p.year, p.paper_id, p.title, p.status, p.alignment,
               n.countries, c.credit, k.credit_a, k.credit_b,
               coalesce(w.authors, []) AS authors
        FROM chosen c
        JOIN papers p ON p.paper_id = c.paper_id
        JOIN counted n ON n.paper_id = c.paper_id
        LEFT JOIN pair_credit k ON k.paper_id = c.paper_id
        LEFT JOIN authors w ON w.paper_id = c.paper_id
        ORDER BY p.venue, p.year, p.paper_id""",
    )
