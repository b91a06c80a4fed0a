"""Everything the report shows, gathered from the analysis functions in one pass over the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from collabatlas.analyze import CountingRules, collaboration, conventions
from collabatlas.analyze.evidence import papers_behind
from collabatlas.analyze.flows import adoption_by_country, flow_matrix, has_flows, model_adoption
from collabatlas.analyze.pairs import pair_matrix
from collabatlas.analyze.reconcile import reconciliations
from collabatlas.analyze.rules import UNASSIGNED
from collabatlas.analyze.stats import wilson_interval
from collabatlas.analyze.totals import country_totals
from collabatlas.errors import UsageError
from collabatlas.report.html.mobility import MobilitySection, mobility_section
from collabatlas.report.html.tables import coverage, institution_pairs, resolution_methods
from collabatlas.review.summary import review_summary
from collabatlas.store import Store


@dataclass(frozen=True)
class ReportData:
    """The report's tables (pyarrow) and objects, all computed under ``rules``."""

    rules: CountingRules
    headline: pa.Table
    countries: pa.Table
    pairs: pa.Table
    institution_pairs: pa.Table
    evidence: pa.Table
    conventions: dict[str, Any]
    coverage: dict[str, int]
    resolution_methods: pa.Table
    review: dict[str, Any]
    flows: Flows | None
    published: list[dict[str, Any]] = field(default_factory=list)  # reconcile results in the store
    mobility: MobilitySection | None = None


@dataclass(frozen=True)
class Flows:
    """Technology flow over the selection: model adoption by author country, origin → author matrix.

    Both tables have ``author_country, papers_with_author_country, papers_using, share_using,
    ci_low, ci_high`` (credit under the counting mode, summed over venue-years; 95% Wilson
    interval) plus ``model, model_name`` or ``origin_country``; only the top models and author
    countries are kept. ``models`` has one row per top model over all papers of the selection:
    ``model, model_name, origin_country, lab_country, papers, papers_using, share_using, ci_low,
    ci_high``.
    """

    adoption: pa.Table
    matrix: pa.Table
    models: pa.Table


def pooled_countries(store: Store, rules: CountingRules) -> pa.Table:
    """Country totals over the whole selection: ``country, papers, paper_count`` (credit under
    ``rules.counting``, papers giving credit), most first; venue-years hold disjoint papers, so
    the per-venue-year totals add up."""
    table = country_totals(store, rules).filter(pc.field("country") != UNASSIGNED)
    pooled = table.group_by("country").aggregate([("papers", "sum"), ("paper_count", "sum")])
    pooled = pooled.rename_columns(["country", "papers", "paper_count"])
    return pooled.sort_by([("papers", "descending"), ("country", "ascending")])


def pooled_pairs(store: Store, rules: CountingRules) -> pa.Table:
    """Country pairs over the whole selection: ``country_1, country_2, papers, papers_1, papers_2,
    salton, small``, most papers first (:func:`pair_matrix` pooled: a paper once per pair)."""
    pooled = pair_matrix(store, rules, pooled=True)
    return pooled.select(["country_1", "country_2", "papers", "papers_1", "papers_2", "salton", "small"])


def _pool(rows: list[dict[str, Any]], key: str, keep: set[str], totals: dict[str, float]) -> pa.Table:
    """Sum ``papers_using`` per (key, author country) and divide by the country's pooled credit."""
    using: dict[tuple[str, str], float] = {}
    for r in rows:
        if r["author_country"] in totals and r[key] in keep:
            cell = (r[key], r["author_country"])
            using[cell] = using.get(cell, 0.0) + r["papers_using"]
    out = []
    for item in sorted(keep):
        for country, total in totals.items():
            hits = using.get((item, country), 0.0)
            low, high = wilson_interval(hits, total)
            out.append(
                {
                    key: item,
                    "author_country": country,
                    "papers_with_author_country": total,
                    "papers_using": hits,
                    "share_using": hits / total if total else 0.0,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
    return pa.Table.from_pylist(out)


def _pooled_models(adoption: pa.Table, ranked: list[str], total: int) -> pa.Table:
    """Per model in ``ranked`` order: papers using it of the ``total`` papers of the selection,
    with its 95% Wilson interval."""
    summed: dict[str, dict[str, Any]] = {}
    for r in adoption.to_pylist():
        row = summed.setdefault(
            r["model"],
            {k: r[k] for k in ("model", "model_name", "origin_country", "lab_country")} | {"papers_using": 0},
        )
        row["papers_using"] += r["papers_using"]
    out = []
    for model in ranked:
        row = summed[model]
        low, high = wilson_interval(row["papers_using"], total)
        share = row["papers_using"] / total if total else 0.0
        out.append({**row, "papers": total, "share_using": share, "ci_low": low, "ci_high": high})
    return pa.Table.from_pylist(out)


def pooled_flows(
    store: Store, rules: CountingRules, countries: pa.Table, papers: int, top: int = 8
) -> Flows | None:
    """The top ``top`` models (by papers using them) and author countries (by papers), of the
    selection's ``papers``; None when no model mentions were detected."""
    if not has_flows(store):
        return None
    totals = dict(list(zip(*countries.select(["country", "papers"]).to_pydict().values(), strict=True))[:top])
    adoption = model_adoption(store, rules)
    by_model = adoption.group_by(["model", "model_name"]).aggregate([("papers_using", "sum")])
    ranked = sorted(by_model.to_pylist(), key=lambda r: (-r["papers_using_sum"], r["model"]))[:top]
    names = {r["model"]: r["model_name"] for r in ranked}
    by_country = _pool(adoption_by_country(store, rules).to_pylist(), "model", set(names), totals)
    by_country = by_country.append_column(
        "model_name", pa.array([names[m] for m in by_country.column("model").to_pylist()], pa.string())
    )
    grid = flow_matrix(store, rules).to_pylist()
    origins = {r["origin_country"] for r in grid if r["papers_using"] > 0}
    return Flows(
        adoption=by_country,
        matrix=_pool(grid, "origin_country", origins, totals),
        models=_pooled_models(adoption, [r["model"] for r in ranked], papers),
    )


def evidence_with_links(store: Store, rules: CountingRules) -> pa.Table:
    """:func:`papers_behind` the A–B count, with the paper's ``url`` as the source gave it."""
    behind = papers_behind(store, rules)
    ids = behind.column("paper_id").to_pylist()
    urls = dict(store.rows("SELECT paper_id, url FROM papers WHERE paper_id IN (SELECT unnest(?))", [ids]))
    return behind.append_column("url", pa.array([urls.get(i, "") for i in ids], pa.string()))


def report_data(store: Store, rules: CountingRules, *, institutions: int = 30) -> ReportData:
    """Compute every table of the report; a store without counted papers is a usage error."""
    headline = collaboration(store, rules)
    if not headline.num_rows:
        raise UsageError("the store has no papers to report on", hint="run 'collabatlas ingest' first")
    countries = pooled_countries(store, rules)
    return ReportData(
        rules=rules,
        headline=headline,
        countries=countries,
        pairs=pooled_pairs(store, rules),
        institution_pairs=institution_pairs(store, rules, institutions),
        evidence=evidence_with_links(store, rules),
        conventions=conventions(store, rules),
        coverage=coverage(store, rules),
        resolution_methods=resolution_methods(store, rules),
        review=review_summary(store, rules),
        flows=pooled_flows(store, rules, countries, sum(headline.column("papers").to_pylist())),
        published=reconciliations(store),
        mobility=mobility_section(store, rules),
    )
