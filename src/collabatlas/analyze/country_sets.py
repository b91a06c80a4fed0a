"""Counts from snapshot aggregates: works per country set and venue-year (``collabatlas snapshot``).

Every figure ``collaboration`` and ``top_pairs`` report is a function of each work's country set, so
these aggregates answer the same questions as per-paper rows, under any counting rules.
"""

from __future__ import annotations

from typing import Any

from collabatlas.analyze.rules import CountingRules
from collabatlas.errors import UsageError
from collabatlas.store import Store

TABLE = "snapshot_country_sets"


def has_country_sets(store: Store) -> bool:
    """Whether the store has the aggregates table (a read-only store may predate it)."""
    return bool(store.rows("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [TABLE]))


def country_set_sql(rules: CountingRules) -> tuple[str, list[object]]:
    """SQL of (venue, year, works, countries) with countries folded under the China scope."""
    clauses: list[str] = ["TRUE"]
    params: list[object] = []
    if rules.venues:
        clauses.append(f"lower(venue) IN ({', '.join('?' for _ in rules.venues)})")
        params.extend(v.lower() for v in rules.venues)
    if rules.years:
        clauses.append(f"year IN ({', '.join('?' for _ in rules.years)})")
        params.extend(rules.years)
    folded = f"list_sort(list_distinct(list_transform(countries, lambda c: {rules.scoped_sql('c')})))"
    sql = f"SELECT venue, year, works, {folded} AS countries FROM {TABLE} WHERE {' AND '.join(clauses)}"
    return sql, params


def country_set_counts(store: Store, rules: CountingRules) -> list[tuple[Any, ...]]:
    """Per venue-year of the aggregates, the row ``collaboration`` sums: paper counts and credits.

    Aggregates keep each work's country set, which decides whole counting (credit = papers with
    the country); fractional and first-author credit need per-author rows they do not keep.
    """
    if not has_country_sets(store):
        return []
    sql, params = country_set_sql(rules)
    a, b = rules.pair
    rows = store.rows(
        f"""
        SELECT venue, year, sum(works)::BIGINT,
               coalesce(sum(works) FILTER (WHERE len(countries) > 0), 0)::BIGINT,
               coalesce(sum(works) FILTER (WHERE list_contains(countries, ?)), 0)::BIGINT,
               coalesce(sum(works) FILTER (WHERE list_contains(countries, ?)), 0)::BIGINT,
               coalesce(sum(works) FILTER (WHERE list_contains(countries, ?)
                                           AND list_contains(countries, ?)), 0)::BIGINT
        FROM ({sql}) GROUP BY venue, year
        """,
        [a, b, a, b, *params],
    )
    if rows and rules.counting != "whole":
        raise UsageError(
            f"the store holds snapshot aggregates, which support whole counting only, not {rules.counting}",
            hint="use --counting whole, or select other venues",
        )
    return [
        (v, y, n, k, n_a, n_b, n_ab, float(n_a), float(n_b), float(n_ab), float(n_ab))
        for v, y, n, k, n_a, n_b, n_ab in rows
    ]


def merge_counts(*parts: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Add per-venue-year rows (venue, year, then numbers) from several bases; sorted by venue, year."""
    merged: dict[tuple[Any, Any], list[Any]] = {}
    for rows in parts:
        for venue, year, *values in rows:
            if (venue, year) in merged:
                merged[venue, year] = [x + y for x, y in zip(merged[venue, year], values, strict=True)]
            else:
                merged[venue, year] = list(values)
    return [(v, y, *c) for (v, y), c in sorted(merged.items(), key=lambda kv: (str(kv[0][0]), kv[0][1]))]


def country_set_pairs_sql(store: Store, rules: CountingRules) -> tuple[str, list[object]]:
    """SQL of (country_1, country_2, papers) from the aggregates; '' when the store has none."""
    if not has_country_sets(store):
        return "", []
    sql, params = country_set_sql(rules)
    return (
        f"""
        SELECT x.c AS country_1, y.c AS country_2, sum(s.works) AS papers
        FROM ({sql}) s, unnest(s.countries) AS x(c), unnest(s.countries) AS y(c)
        WHERE x.c < y.c GROUP BY ALL
        """,
        params,
    )
