"""Adoption curves: how the share of papers building on a model, or on any model of an origin
country, moves across the years of a venue and across venues."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from collabatlas.analyze.flows import flow_pipeline
from collabatlas.analyze.rules import CountingRules
from collabatlas.analyze.stats import wilson_interval
from collabatlas.errors import UsageError
from collabatlas.store import Store

_KEYS = {"model": ("md.model_id", "any_value(md.origin)"), "origin": ("md.origin", "md.origin")}


def adoption_trends(
    store: Store, rules: CountingRules | None = None, by: str = "origin", view: str = "developer"
) -> pa.Table:
    """One row per venue-year and key (every catalog model, or every origin country): a full grid.

    Columns: venue, year, by, key, origin_country, papers (counted papers), papers_mentioning,
    papers_using, share_using, using_ci_low, using_ci_high, llm_papers (papers using any catalog
    LLM), llm_papers_using (those of them using the key), share_of_llm_papers, llm_ci_low,
    llm_ci_high. Whole papers: author countries play no part, so the counting mode does not apply.
    """
    if by not in _KEYS:
        raise UsageError(f"unknown trend grouping {by!r}", hint="use model or origin")
    rules = rules or CountingRules()
    key, origin = _KEYS[by]
    pipeline = (
        flow_pipeline(store, rules, view)
        .then("keys", f"SELECT {key} AS key, {origin} AS origin FROM models md GROUP BY ALL")
        .then(
            "llm_papers",
            """SELECT DISTINCT pm.paper_id FROM paper_models pm
            JOIN models md ON md.model_id = pm.model_id WHERE md.llm AND pm.used""",
        )
        .then(
            "llm_totals",
            """SELECT c.venue, c.year, count(*) AS llm_papers
            FROM paper_set c JOIN llm_papers l ON l.paper_id = c.paper_id GROUP BY ALL""",
        )
        .then(
            "items",
            f"""SELECT pm.paper_id, pm.venue, pm.year, {key} AS key, bool_or(pm.used) AS used
            FROM paper_models pm JOIN models md ON md.model_id = pm.model_id GROUP BY ALL""",
        )
    )
    rows = pipeline.rows(
        store,
        """SELECT vy.venue, vy.year, k.key, k.origin, vy.papers,
               count(i.paper_id) AS mentioning,
               count(i.paper_id) FILTER (WHERE i.used) AS using,
               coalesce(any_value(lt.llm_papers), 0) AS llm_papers,
               count(i.paper_id) FILTER (WHERE i.used AND l.paper_id IS NOT NULL) AS llm_using
        FROM venue_years vy CROSS JOIN keys k
        LEFT JOIN items i ON i.venue = vy.venue AND i.year = vy.year AND i.key = k.key
        LEFT JOIN llm_papers l ON l.paper_id = i.paper_id
        LEFT JOIN llm_totals lt ON lt.venue = vy.venue AND lt.year = vy.year
        GROUP BY vy.venue, vy.year, k.key, k.origin, vy.papers
        ORDER BY vy.venue, vy.year, k.key""",
    )
    out: dict[str, list[Any]] = {
        name: []
        for name in (
            "venue", "year", "by", "key", "origin_country", "papers", "papers_mentioning",
            "papers_using", "share_using", "using_ci_low", "using_ci_high", "llm_papers",
            "llm_papers_using", "share_of_llm_papers", "llm_ci_low", "llm_ci_high",
        )
    }  # fmt: skip
    for venue, year, key_value, origin_value, papers, mentioning, using, llm, llm_using in rows:
        values = (
            venue, year, by, key_value, origin_value, papers, mentioning, using,
            using / papers if papers else 0.0, *wilson_interval(using, papers),
            llm, llm_using, llm_using / llm if llm else 0.0, *wilson_interval(llm_using, llm),
        )  # fmt: skip
        for name, value in zip(out, values, strict=True):
            out[name].append(value)
    return pa.table(out)
