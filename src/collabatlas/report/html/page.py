"""The publishable report: ``index.html`` with its figures (SVG + PNG), tables (CSV) and conventions.

The page is self-contained and offline: inline CSS and script, figures as local files beside it,
a Content-Security-Policy that forbids any other request. Every sentence with a number is built
from the data; paper titles and affiliation strings are escaped by the template engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
import pyarrow as pa
from markupsafe import Markup

from collabatlas.analyze import CountingRules
from collabatlas.report.html.data import ReportData, report_data
from collabatlas.report.html.figures import (
    PRINT_DPI,
    Chart,
    institutions_chart,
    pairs_chart,
    save_chart,
    share_heatmap,
    trend_chart,
)
from collabatlas.report.html.mobility import flow_chart
from collabatlas.report.outputs import write_csv, write_json, write_text_atomic
from collabatlas.resolve.resolver import decision_order_text
from collabatlas.store import Store

SECTIONS = (
    ("headline", "Headline"),
    ("published", "Published figures"),
    ("trend", "Trend"),
    ("pairs", "Country pairs"),
    ("institutions", "Institutions"),
    ("flows", "Technology flow"),
    ("mobility", "Researcher mobility"),
    ("evidence", "Evidence"),
    ("methods", "Methods"),
)
TOP_COUNTRIES = 20
EVIDENCE_SCHEMA = pa.schema(
    [(c, pa.int32() if c == "year" else pa.string())
     for c in ("venue", "year", "paper_id", "title", "authors", "countries", "affiliations", "url")]
)  # fmt: skip
RANKED_PAIRS = 30
MOBILITY_SCHEMA = pa.schema([("origin", pa.string()), ("destination", pa.string()), ("authors", pa.int64())])
ORIGINS_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("authors", pa.int64()),
        *((c, pa.float64()) for c in ("share", "ci_low", "ci_high")),
    ]
)
TABLE_DESCRIPTIONS = {
    "headline.csv": "one row per venue-year: papers, papers with data, with A, with B, A–B papers, "
    "shares and 95% Wilson intervals (analyze.collaboration)",
    "countries.csv": "country totals over the selection under the counting mode (analyze.country_totals)",
    "pairs.csv": "every country pair over the selection: co-authored papers, each country's papers, "
    "Salton's cosine, small-count flag (analyze.pair_matrix, pooled)",
    "institution_pairs.csv": "the institution pairs (one in A, one in B) behind A–B papers",
    "evidence.csv": "every A–B paper with its authors, affiliations and resolved countries "
    "(analyze.papers_behind)",
    "resolution_methods.csv": "how the affiliation strings on counted papers were placed",
    "flow_adoption.csv": "papers building on each of the most-used models, by author country, credit "
    "under the counting mode summed over the selection (analyze.flows.adoption_by_country, pooled)",
    "flow_matrix.csv": "papers building on any model of each origin country, by author country "
    "(analyze.flows.flow_matrix, pooled)",
    "flow_models.csv": "papers building on each of the most-used models over all papers of the selection, "
    "with 95% Wilson intervals (analyze.flows.model_adoption, pooled)",
    "mobility_flows.csv": "authors (each person once) by the country of their undergraduate degree and "
    "of their affiliation at the paper's date, companies at their site (analyze.mobility)",
    "mobility_origins.csv": "the share of each origin among the authors with one, 95% Wilson interval "
    "(analyze.mobility)",
}


@dataclass(frozen=True)
class ReportFiles:
    """What :func:`build_report` wrote, relative to ``out_dir``."""

    out_dir: Path
    index: Path
    figures: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("collabatlas.report.html", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["pct"] = _pct
    env.filters["num"] = _num
    return env


def safe_link(url: str) -> str:
    """The URL if it is an absolute http(s) link, else '' (no javascript: or relative links)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else ""


def headline_sentence(rows: list[dict[str, Any]], rules: CountingRules) -> str:
    """One sentence over every venue: A–B papers out of papers in its first and last year."""
    a, b = rules.pair

    def clause(r: dict[str, Any]) -> str:
        return (
            f"{r['papers_ab']:,} of {r['papers']:,} papers in {r['year']} "
            f"({_pct(r['share'])}, 95% interval {_pct(r['ci_low'])}–{_pct(r['ci_high'])})"
        )

    parts = []
    for venue in sorted({r["venue"] for r in rows}):
        data = sorted((r for r in rows if r["venue"] == venue), key=lambda r: r["year"])
        span = clause(data[0]) if len(data) == 1 else f"{clause(data[0])} to {clause(data[-1])}"
        parts.append(f"at {venue}, {span}")
    return f"Papers with authors at both {a} and {b} institutions: {'; '.join(parts)}."


def published_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows of a reconcile result the report shows: the default rules, then the consistent ones."""
    default, *others = result["rows"]
    return [default, *(r for r in others if r["consistent"])]


def _authors_text(authors: list[dict[str, Any]]) -> str:
    labels = []
    for author in authors:
        countries = sorted({f["counted_as"] for f in author["affiliations"] if f["counted_as"]})
        name = author["name"] or "affiliations not tied to an author"
        labels.append(f"{name} ({', '.join(countries) or '?'})")
    return "; ".join(labels)


def _affiliations_text(authors: list[dict[str, Any]]) -> str:
    labels = []
    for author in authors:
        for f in author["affiliations"]:
            placed = f["counted_as"] or "unresolved"
            labels.append(f"{author['name'] or '?'}: {f['affiliation']} → {placed} ({f['method']})")
    return "; ".join(labels)


def evidence_rows(evidence: pa.Table) -> list[dict[str, Any]]:
    """The evidence papers flattened for the page and the CSV."""
    return [
        {
            "venue": r["venue"],
            "year": r["year"],
            "paper_id": r["paper_id"],
            "title": r["title"],
            "authors": _authors_text(r["authors"]),
            "countries": "|".join(r["countries"]),
            "affiliations": _affiliations_text(r["authors"]),
            "url": r["url"],
            "link": safe_link(r["url"]),
        }
        for r in evidence.to_pylist()
    ]


def _rule_items(conv: dict[str, Any]) -> list[tuple[str, str]]:
    a, b = conv["pair"]
    return [
        (
            "Pair",
            f"{a} and {b}: a paper is an {a}–{b} paper when at least one author affiliation resolves to each",
        ),
        ("China scope (--china-scope " + conv["china_scope"] + ")", conv["china_scope_meaning"]),
        ("Papers counted", conv["status_filter"]),
        ("Counting (--counting " + conv["counting"] + ")", conv["counting_meaning"]),
        ("Pairs and institutions", "whole counting of papers, whatever the counting mode"),
        ("Small counts", f"fewer than {conv['min_count']} papers: shown grey, flagged in the CSVs"),
        ("Unassigned", conv["unassigned"]),
        ("Intervals", "95% Wilson score intervals for every share"),
    ]


def _review_items(review: dict[str, Any]) -> list[tuple[str, str]]:
    items = []
    if review["reviewed"] or review["paper_overrides"]:
        items.append(
            (
                "Human review",
                f"{review['reviewed']:,} of {review['affiliations']:,} affiliation strings on counted "
                f"papers corrected or confirmed; {review['paper_overrides']:,} paper-level overrides",
            )
        )
    audit = review.get("audit")
    if audit:
        items.append(
            (
                f"Audit {audit['audit_id']} (seed {audit['seed']}, {audit['size']} sampled)",
                f"{audit['right']} of {audit['judged']} judged resolutions right: "
                f"{_pct(audit['accuracy'])} (95% interval {_pct(audit['ci_low'])}–{_pct(audit['ci_high'])})",
            )
        )
    return items


def _version() -> str:
    try:
        return version("collabatlas")
    except PackageNotFoundError:
        return "(not installed)"


def _flow_model_rows(data: ReportData) -> list[dict[str, Any]]:
    """The per-model adoption table under the heatmap: all papers, then the pair's two countries
    (``None`` where a country is not among the heatmap's author countries)."""
    if not data.flows:
        return []
    by_country = {(r["model"], r["author_country"]): r for r in data.flows.adoption.to_pylist()}
    return [
        {**row, "countries": [by_country.get((row["model"], c)) for c in data.rules.pair]}
        for row in data.flows.models.to_pylist()
    ]


def _chart_context(chart: Chart, svg: str, png: str) -> dict[str, Any]:
    return {
        "name": chart.name,
        "title": chart.title,
        "alt": chart.alt,
        "svg": svg,
        "png": png,
        "dpi": PRINT_DPI,
    }


def _charts(data: ReportData) -> list[Chart]:
    headline = data.headline.to_pylist()
    top = data.countries.column("country").to_pylist()[:TOP_COUNTRIES]
    charts = [
        trend_chart(headline, data.rules),
        pairs_chart(top, data.pairs.to_pylist(), data.rules),
        institutions_chart(data.institution_pairs.to_pylist(), data.rules),
    ]
    if data.flows:
        charts += [
            share_heatmap(
                "adoption",
                "Adoption of the most-used models by author country (% of the country's papers)",
                data.flows.adoption.to_pylist(),
                "model_name",
                "model",
                data.rules,
            ),
            share_heatmap(
                "flow_matrix",
                "Origin of the models used → author country (% of the country's papers)",
                data.flows.matrix.to_pylist(),
                "origin_country",
                "model origin country",
                data.rules,
            ),
        ]
    if data.mobility:
        charts.append(flow_chart(data.mobility.site))
    return charts


def write_report(data: ReportData, out_dir: str | Path, store_name: str = "") -> ReportFiles:
    """Write the figures, CSV tables, ``conventions.json`` and ``index.html`` into ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(exist_ok=True)
    charts: dict[str, dict[str, Any]] = {}
    figures: list[str] = []
    for chart in _charts(data):
        svg, png = save_chart(chart, out)
        charts[chart.name] = _chart_context(chart, svg, png)
        figures += [svg, png]
    evidence = evidence_rows(data.evidence)
    csv_tables = {
        "headline.csv": data.headline,
        "countries.csv": data.countries,
        "pairs.csv": data.pairs,
        "institution_pairs.csv": data.institution_pairs,
        "evidence.csv": pa.Table.from_pylist(
            [{k: v for k, v in e.items() if k != "link"} for e in evidence], schema=EVIDENCE_SCHEMA
        ),
        "resolution_methods.csv": data.resolution_methods,
    }
    if data.flows:
        csv_tables["flow_adoption.csv"] = data.flows.adoption
        csv_tables["flow_matrix.csv"] = data.flows.matrix
        csv_tables["flow_models.csv"] = data.flows.models
    if data.mobility:
        csv_tables["mobility_flows.csv"] = pa.Table.from_pylist(
            data.mobility.site["rows"], schema=MOBILITY_SCHEMA
        )
        origins = data.mobility.site["origins"]
        csv_tables["mobility_origins.csv"] = pa.Table.from_pylist(origins, schema=ORIGINS_SCHEMA)
    conv = data.conventions
    for name, table in csv_tables.items():
        write_csv(table, out / name, {**conv, "table": TABLE_DESCRIPTIONS[name]})
    write_json(
        out / "conventions.json",
        conv,
        coverage=data.coverage,
        review=data.review,
        tables={name: TABLE_DESCRIPTIONS[name] for name in csv_tables},
        figures={c["svg"]: c["alt"] for c in charts.values()},
    )
    a, b = data.rules.pair
    cov = data.coverage
    templates = files("collabatlas.report.html") / "templates"
    html = (
        _environment()
        .get_template("page.html")
        .render(
            title=f"{a}–{b} research collaboration: {_venues_span(data.headline.to_pylist())}",
            css=Markup((templates / "page.css").read_text(encoding="utf-8")),
            js=Markup((templates / "page.js").read_text(encoding="utf-8")),
            a=a,
            b=b,
            rules=conv,
            min_count=data.rules.min_count,
            sections=[
                s
                for s in SECTIONS
                if (s[0] != "flows" or data.flows)
                and (s[0] != "published" or data.published)
                and (s[0] != "mobility" or data.mobility)
            ],
            tables=[{"file": name} for name in csv_tables],
            sentence=headline_sentence(data.headline.to_pylist(), data.rules),
            headline=data.headline.to_pylist(),
            published=[{**p, "shown": published_rows(p)} for p in data.published],
            charts=charts,
            ranked_pairs=data.pairs.slice(0, RANKED_PAIRS).to_pylist(),
            country_totals=data.countries.slice(0, TOP_COUNTRIES).to_pylist(),
            institution_pairs=data.institution_pairs.to_pylist(),
            flows=[charts[n] for n in ("adoption", "flow_matrix") if n in charts],
            flow_models=_flow_model_rows(data),
            mobility=data.mobility,
            evidence=evidence,
            sources=[{**s, "file": Path(s["location"]).name} for s in conv["sources"]],
            rule_items=_rule_items(conv),
            placement=decision_order_text(),
            resolution_methods=data.resolution_methods.to_pylist(),
            resolver_versions=conv["resolver_versions"],
            registry_sources=conv["registry_sources"],
            registry_versions=conv.get("registry_versions", {}),
            coverage=[
                ("papers", cov["papers_with_data"], cov["papers"]),
                ("authorships", cov["authorships_with_country"], cov["authorships"]),
                ("distinct affiliation strings", cov["affiliations_with_country"], cov["affiliations"]),
            ],
            review=_review_items(data.review),
            version=_version(),
            store_name=store_name,
        )
    )
    index = write_text_atomic(html, out / "index.html")
    return ReportFiles(out, index, figures, [*csv_tables, "conventions.json"])


def _venues_span(rows: list[dict[str, Any]]) -> str:
    spans = []
    for venue in sorted({r["venue"] for r in rows}):
        years = sorted(r["year"] for r in rows if r["venue"] == venue)
        spans.append(f"{venue} {years[0]}" + (f"–{years[-1]}" if years[-1] != years[0] else ""))
    return ", ".join(spans)


def build_report(
    store: Store, rules: CountingRules | None = None, out_dir: str | Path = "report"
) -> ReportFiles:
    """Gather the report's data from ``store`` under ``rules`` and write it into ``out_dir``."""
    rules = rules or CountingRules()
    return write_report(report_data(store, rules), out_dir, store_name=store.path.name)
