"""Country totals per venue-year under a counting mode, with the unassigned bucket and coverage."""

from __future__ import annotations

import pyarrow as pa

from collabatlas.analyze.counted import CREDIT_DIGITS, counted_pipeline
from collabatlas.analyze.rules import UNASSIGNED, CountingRules
from collabatlas.analyze.stats import wilson_interval
from collabatlas.store import Store

COUNTRY_TOTAL_SCHEMA = pa.schema(
    [
        ("venue", pa.string()),
        ("year", pa.int32()),
        ("country", pa.string()),
        ("papers", pa.float64()),
        ("paper_count", pa.int64()),
        ("share_all", pa.float64()),
        ("ci_low", pa.float64()),
        ("ci_high", pa.float64()),
        ("share_known", pa.float64()),
        ("ci_known_low", pa.float64()),
        ("ci_known_high", pa.float64()),
        ("small", pa.bool_()),
        ("total_papers", pa.int64()),
        ("papers_with_data", pa.int64()),
        ("coverage", pa.float64()),
    ]
)


def country_totals(store: Store, rules: CountingRules | None = None) -> pa.Table:
    """One row per venue-year and country (plus ``'unassigned'``), under ``rules.counting``.

    ``papers`` is the country's credit (whole and first-author: a paper count; fractional: a sum
    of fractions); ``paper_count`` the number of papers giving it any credit (the papers behind
    the row). ``share_all`` is over all counted papers, ``share_known`` over papers with data
    (``None`` for the unassigned row), each with its 95% Wilson interval. ``papers_with_data`` is
    the papers not in the unassigned bucket (first-author counting: whose first author has a
    country); ``coverage`` is its share of ``total_papers``. ``small`` flags ``papers`` below
    ``rules.min_count``. Rows are ordered by venue, year, credit (most first), unassigned last.
    """
    rules = rules or CountingRules()
    rows = (
        counted_pipeline(store, rules)
        .then(
            "totals",
            """SELECT venue, year, sum(weight)::BIGINT AS total_papers,
                   coalesce(sum(weight) FILTER (WHERE credited), 0)::BIGINT AS with_data
            FROM counted GROUP BY venue, year""",
        )
        .rows(
            store,
            f"""SELECT c.venue, c.year, c.country, round(sum(c.credit * c.weight), $digits)::DOUBLE AS papers,
                   sum(c.weight)::BIGINT AS paper_count, t.total_papers, t.with_data
            FROM credits c JOIN totals t ON t.venue = c.venue AND t.year = c.year
            GROUP BY c.venue, c.year, c.country, t.total_papers, t.with_data
            ORDER BY c.venue, c.year, c.country = '{UNASSIGNED}', papers DESC, c.country""",
            digits=CREDIT_DIGITS,
        )
    )
    out: dict[str, list[object]] = {name: [] for name in COUNTRY_TOTAL_SCHEMA.names}
    for venue, year, country, papers, paper_count, total, known in rows:
        low, high = wilson_interval(papers, total)
        assigned = country != UNASSIGNED
        known_low, known_high = wilson_interval(papers, known) if assigned else (None, None)
        values = (
            venue,
            year,
            country,
            papers,
            paper_count,
            papers / total if total else 0.0,
            low,
            high,
            (papers / known if known else 0.0) if assigned else None,
            known_low,
            known_high,
            papers < rules.min_count,
            total,
            known,
            known / total if total else 0.0,
        )
        for name, value in zip(COUNTRY_TOTAL_SCHEMA.names, values, strict=True):
            out[name].append(value)
    return pa.table(out, schema=COUNTRY_TOTAL_SCHEMA)
