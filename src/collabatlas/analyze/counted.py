"""The counted papers: one relation every table, list and export of collabatlas reads.

:func:`counted_pipeline` builds, for a set of :class:`CountingRules`, a chain of named SQL steps
(:class:`SqlPipeline`) that ends in two relations:

- ``counted``: one row per counted paper (``row_key`` = its paper_id), with venue, year, track,
  status, the source whose record counts, its country set under the China scope
  (``countries``, sorted, empty when no affiliation resolved), ``weight`` 1, and ``credited``
  (whether the paper gives credit to any country under the counting mode). Works from OpenAlex
  snapshot aggregates (``collabatlas snapshot``) enter here too, as one row per venue-year and
  country set with ``weight`` = the number of works and no paper_id, under whole counting only.
- ``credits``: one row per counted row and country, with the credit it gives that country under
  ``rules.counting``; a row with no credit gives its whole credit to ``'unassigned'``.

A human override of a paper's countries (``paper_overrides``) applies in every counting mode: it
replaces the paper's country set; under fractional counting each of its countries gets an equal
share; under first-author counting the first author's countries that the override keeps are
credited, or, when it keeps none of them, every country of the override.

``rules.tracks`` ('main') keeps the main track; ``rules.companies`` ('headquarters') places a
company affiliation in the company's home country instead of the site the resolver chose;
``rules.source`` counts one source's own records and affiliations (no paper overrides).

The steps, in order: ``selected`` (papers the rules count), ``resolved_links`` (their
resolved affiliations), ``headquarters`` (company → home country, under ``--companies headquarters``),
``affiliation_countries`` (each resolved affiliation, China-scoped), ``overridden`` and
``override_countries``,
``present`` (the countries on each paper), ``credited`` (credit per paper and country), then
``paper_rows``, ``aggregate_rows``, ``counted`` and ``credits``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from collabatlas.analyze.pipeline import SqlPipeline
from collabatlas.analyze.rules import UNASSIGNED, CountingRules
from collabatlas.resolve.extra import store_registry
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.store import Store

AGGREGATES_TABLE = "snapshot_country_sets"
AGGREGATE_SOURCE = "openalex-snapshot"
# Sums of fractional credit are rounded to this many decimals, so that the order in which the
# engine adds them (which varies between runs) cannot change a printed or compared figure.
CREDIT_DIGITS = 9


def has_aggregates(store: Store) -> bool:
    """Whether the store holds snapshot aggregates (an older read-only store may lack the table)."""
    if not store.rows("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [AGGREGATES_TABLE]):
        return False
    return bool(store.rows(f"SELECT EXISTS (SELECT 1 FROM {AGGREGATES_TABLE})")[0][0])


def _filters(rules: CountingRules, alias: str, *, status: bool = True) -> tuple[str, dict[str, Any]]:
    clauses = ["TRUE"]
    params: dict[str, Any] = {}
    if status and rules.accepted_only:
        clauses.append(f"{alias}.accepted")
    if rules.venues:
        clauses.append(f"list_contains($venues, lower({alias}.venue))")
        params["venues"] = [v.lower() for v in rules.venues]
    if rules.years:
        clauses.append(f"list_contains($years, {alias}.year)")
        params["years"] = [int(y) for y in rules.years]
    return " AND ".join(clauses), params


def selected_pipeline(rules: CountingRules) -> SqlPipeline:
    """The first step alone: ``selected`` (paper_id, venue, year, track, status, accepted, source)."""
    where, params = _filters(rules, "p")
    if rules.tracks == "main":
        where += " AND lower(trim(p.track)) IN ('main', '')"
    if rules.source is not None:
        where += " AND p.paper_id IN (SELECT paper_id FROM paper_sources WHERE source = $source)"
        params["source"] = rules.source
    return SqlPipeline().then(
        "selected",
        f"""SELECT p.paper_id, p.venue, p.year, p.track, p.status, p.accepted, p.source
        FROM papers p WHERE {where}""",
        **params,
    )


def _credit_sql(counting: str) -> str:
    """Credit per (paper_id, country) under a counting mode, from the earlier steps."""
    if counting == "fractional":
        return """
        SELECT paper_id, country, round(sum(1.0 / (n_authors * n_affs)), 12)::DOUBLE AS credit
        FROM (
            SELECT paper_id, country,
                   count(DISTINCT author_key) OVER (PARTITION BY paper_id) AS n_authors,
                   count(*) OVER (PARTITION BY paper_id, author_key) AS n_affs
            FROM affiliation_countries ANTI JOIN overridden USING (paper_id)
        ) GROUP BY paper_id, country
        UNION ALL
        SELECT paper_id, country, (1.0 / count(*) OVER (PARTITION BY paper_id))::DOUBLE
        FROM override_countries"""
    if counting == "first-author":
        return """
        SELECT DISTINCT paper_id, country, 1.0::DOUBLE AS credit
        FROM affiliation_countries ANTI JOIN overridden USING (paper_id)
        WHERE author_position = 0
        UNION ALL
        SELECT o.paper_id, o.country, 1.0::DOUBLE
        FROM override_countries o
        WHERE NOT EXISTS (
                  SELECT 1 FROM override_countries k JOIN affiliation_countries f
                  ON f.paper_id = k.paper_id AND f.country = k.country AND f.author_position = 0
                  WHERE k.paper_id = o.paper_id)
           OR EXISTS (
                  SELECT 1 FROM affiliation_countries f
                  WHERE f.paper_id = o.paper_id AND f.country = o.country AND f.author_position = 0)"""
    return "SELECT paper_id, country, 1.0::DOUBLE AS credit FROM present"


def _links_sql(rules: CountingRules) -> str:
    """Each resolved affiliation of a selected paper: the merged papers' links, or one source's own
    records (either way with corrections and the paper's co-author context applied)."""
    if rules.source is None:
        return """SELECT l.paper_id, l.author_position, l.aff_order, l.institution_id, l.country
            FROM link_resolutions l SEMI JOIN selected s ON s.paper_id = l.paper_id
            WHERE l.country IS NOT NULL"""
    return """SELECT DISTINCT p.paper_id, f.author_position, f.aff_order,
                   if(k.aff_key IS NULL, r.institution_id, k.institution_id) AS institution_id,
                   if(k.aff_key IS NULL, r.country, k.country) AS country
            FROM source_affiliations f
            JOIN paper_sources p ON p.source = f.source AND p.source_key = f.source_key
            SEMI JOIN selected s ON s.paper_id = p.paper_id
            JOIN effective_resolutions r ON r.aff_key = f.aff_key
            LEFT JOIN link_contexts x ON x.paper_id = p.paper_id AND x.aff_key = f.aff_key
            LEFT JOIN context_resolutions k
                   ON k.aff_key = x.aff_key AND k.context_key = x.context_key AND r.method <> 'human'
            WHERE f.source = $source AND if(k.aff_key IS NULL, r.country, k.country) IS NOT NULL"""


def headquarters(registry: Registry) -> dict[str, str]:
    """Company institution id → its home country in the registry (where ``--companies
    headquarters`` places an affiliation the resolver placed at a named site)."""
    return {i.id: i.country for i in registry.institutions if i.kind == "company" and i.country}


def _headquarters_params(store: Store) -> dict[str, list[str]]:
    homes = headquarters(store_registry(store.conn, load_registry()))
    return {"hq_ids": list(homes), "hq_countries": list(homes.values())}


# Per open connection inside :func:`counted_once`: the query of a counted relation → the TEMP
# tables holding its ``counted`` and ``credits``.
_MATERIALISED: dict[int, dict[tuple[str, str], tuple[str, str]]] = {}


@contextmanager
def counted_once(store: Store) -> Iterator[None]:
    """Within the block, each set of counting rules' ``counted`` and ``credits`` relations are
    computed once, into TEMP tables every table then reads (``analyze`` prints several tables
    from one relation). The store must not change inside the block; the tables are dropped at
    its end. Nested blocks share the outer one's tables."""
    key = id(store.conn)
    if key in _MATERIALISED:
        yield
        return
    _MATERIALISED[key] = {}
    try:
        yield
    finally:
        for tables in _MATERIALISED.pop(key).values():
            for table in tables:
                store.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")


def _materialised(store: Store, pipeline: SqlPipeline) -> SqlPipeline:
    """``pipeline``, or inside :func:`counted_once` its ``counted`` and ``credits`` read from
    TEMP tables computed once per distinct query."""
    tables = _MATERIALISED.get(id(store.conn))
    if tables is None:
        return pipeline
    query = pipeline.sql("SELECT 1")
    key = (query, repr(sorted(pipeline.params().items())))
    if key not in tables:
        names = (f"counted_{len(tables)}", f"credits_{len(tables)}")
        for name, step in zip(names, ("counted", "credits"), strict=True):
            pipeline.materialise(store, name, f"SELECT * FROM {step}")
        tables[key] = names
    counted, credits = tables[key]
    return (
        SqlPipeline()
        .then("counted", f"SELECT * FROM temp.{counted}")
        .then("credits", f"SELECT * FROM temp.{credits}")
    )


def counted_pipeline(store: Store, rules: CountingRules) -> SqlPipeline:
    """The named steps ending in ``counted`` and ``credits`` (see the module docstring); inside
    :func:`counted_once`, two steps reading them from where they were computed once."""
    return _materialised(store, _counted_pipeline(store, rules))


def _counted_pipeline(store: Store, rules: CountingRules) -> SqlPipeline:
    scoped = rules.scoped_sql("coalesce(h.country, l.country)")
    if rules.companies == "headquarters":
        homes = "SELECT unnest($hq_ids) AS institution_id, unnest($hq_countries) AS country"
        home_params = _headquarters_params(store)
    else:
        homes = "SELECT NULL::VARCHAR AS institution_id, NULL::VARCHAR AS country WHERE FALSE"
        home_params = {}
    overridden = (
        "SELECT o.paper_id, o.countries FROM paper_overrides o SEMI JOIN selected s USING (paper_id)"
        if rules.source is None
        else "SELECT NULL::VARCHAR AS paper_id, NULL::VARCHAR[] AS countries WHERE FALSE"
    )
    pipeline = (
        selected_pipeline(rules)
        .then("resolved_links", _links_sql(rules))
        .then("headquarters", homes, **home_params)
        .then(
            "affiliation_countries",
            f"""SELECT l.paper_id,
                   CASE WHEN l.author_position < 0 THEN -1 - l.aff_order ELSE l.author_position END
                       AS author_key,
                   l.author_position, l.aff_order, {scoped} AS country
            FROM resolved_links l LEFT JOIN headquarters h ON h.institution_id = l.institution_id""",
        )
        .then("overridden", overridden)
        .then(
            "override_countries",
            f"""SELECT DISTINCT o.paper_id, {rules.scoped_sql("u.country")} AS country
            FROM overridden o, unnest(o.countries) AS u(country)""",
        )
        .then(
            "present",
            """SELECT DISTINCT paper_id, country
            FROM affiliation_countries ANTI JOIN overridden USING (paper_id)
            UNION
            SELECT paper_id, country FROM override_countries""",
        )
        .then("credited", _credit_sql(rules.counting))
        .then(
            "paper_rows",
            """SELECT s.paper_id AS row_key, s.paper_id, s.venue, s.year, s.track, s.status, s.source,
                   1::BIGINT AS weight, list_sort(list_distinct(list(pr.country))) AS countries,
                   s.paper_id IN (SELECT paper_id FROM credited) AS credited
            FROM selected s LEFT JOIN present pr ON pr.paper_id = s.paper_id
            GROUP BY ALL""",
        )
    )
    pipeline = pipeline.then("aggregate_rows", _aggregate_sql(store, rules))
    return pipeline.then(
        "counted", "SELECT * FROM paper_rows UNION ALL BY NAME SELECT * FROM aggregate_rows"
    ).then(
        "credits",
        f"""SELECT r.row_key, r.paper_id, r.venue, r.year, r.weight,
               coalesce(k.country, '{UNASSIGNED}') AS country, coalesce(k.credit, 1.0)::DOUBLE AS credit
        FROM paper_rows r LEFT JOIN credited k ON k.paper_id = r.paper_id
        UNION ALL
        SELECT a.row_key, NULL, a.venue, a.year, a.weight, u.country, 1.0::DOUBLE
        FROM aggregate_rows a, unnest(
            CASE WHEN len(a.countries) = 0 THEN ['{UNASSIGNED}'] ELSE a.countries END) AS u(country)""",
    )


def _aggregate_sql(store: Store, rules: CountingRules) -> str:
    """Snapshot aggregates as counted rows (whole counting only), or an empty relation."""
    empty = (
        "SELECT NULL::VARCHAR AS row_key, NULL::VARCHAR AS paper_id, NULL::VARCHAR AS venue, "
        "NULL::INTEGER AS year, NULL::VARCHAR AS track, NULL::VARCHAR AS status, NULL::VARCHAR AS source, "
        "NULL::BIGINT AS weight, NULL::VARCHAR[] AS countries, NULL::BOOLEAN AS credited WHERE FALSE"
    )
    if rules.counting != "whole" or not has_aggregates(store):
        return empty
    where, _ = _filters(rules, "g", status=False)
    folded = f"list_sort(list_distinct(list_transform(g.countries, lambda c: {rules.scoped_sql('c')})))"
    return f"""SELECT 'aggregate:' || g.source_id || ':' || g.year || ':' || array_to_string(g.countries, '|')
                   AS row_key,
               NULL::VARCHAR AS paper_id, g.venue, g.year, '' AS track, 'aggregate' AS status,
               '{AGGREGATE_SOURCE}' AS source, g.works::BIGINT AS weight, {folded} AS countries,
               len(g.countries) > 0 AS credited
        FROM {AGGREGATES_TABLE} g WHERE {where}"""


def counted_papers(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """The ``counted`` relation: one row per counted paper (and per snapshot country set)."""
    rules = rules or CountingRules()
    return counted_pipeline(store, rules).query(
        store, "SELECT * FROM counted ORDER BY venue, year, paper_id NULLS LAST, row_key"
    )


def paper_credits(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """The ``credits`` relation: one row per counted row and country it gives credit to."""
    rules = rules or CountingRules()
    return counted_pipeline(store, rules).query(
        store, "SELECT * FROM credits ORDER BY venue, year, row_key, country"
    )


def aggregate_venue_years(store: Store, rules: CountingRules) -> dict[str, list[dict[str, Any]]]:
    """Which selected venue-years come from snapshot aggregates: ``included`` or ``excluded``.

    Aggregates keep each work's country set, which decides whole counting; under fractional or
    first-author counting they are left out of every table, and this says which were.
    """
    if not has_aggregates(store):
        return {"included": [], "excluded": []}
    where, params = _filters(dataclasses.replace(rules, accepted_only=False), "g", status=False)
    found = (
        SqlPipeline()
        .then("g", f"SELECT * FROM {AGGREGATES_TABLE} g WHERE {where}", **params)
        .query(store, "SELECT venue, year, sum(works)::BIGINT AS works FROM g GROUP BY ALL ORDER BY ALL")
        .to_pylist()
    )
    if rules.counting == "whole":
        return {"included": found, "excluded": []}
    return {"included": [], "excluded": found}
