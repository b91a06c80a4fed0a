"""Core commands: ingest, resolve, analyze, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from collabatlas.analyze import (
    CountingRules,
    collaboration,
    compare_official_totals,
    conventions,
    country_totals,
    top_pairs,
)
from collabatlas.analyze.pairs import pair_rules
from collabatlas.cli.app import (
    DEFAULT_DB_PATH,
    CountingOption,
    DbOption,
    MinCountOption,
    PairOption,
    ScopeOption,
    VenuesOption,
    YearsOption,
    app,
    console,
    err_console,
    progress_bar,
    rules_from_options,
)
from collabatlas.cli.tables import collaboration_table, country_table, pairs_table
from collabatlas.errors import UsageError
from collabatlas.pipeline import ingest as ingest_sources
from collabatlas.pipeline import resolve_affiliations as resolve_store
from collabatlas.report.authorships import export_authorships
from collabatlas.report.outputs import sidecar_path, write_json
from collabatlas.report.pairs import export_pairs
from collabatlas.review.summary import describe_review, review_summary
from collabatlas.sources.http import CachedFetcher
from collabatlas.store import Store

export_app = typer.Typer(help="Write tables for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@app.command()
def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Paper Copilot lists or conference-site JSON (paths, https URLs, names such as "
            "nips2025), openreview:VENUE_ID (openreview:NeurIPS.cc/2025/Conference), "
            "openalex:SOURCE_ID:YEAR / openalex:neurips2025, or papers as PDF or GROBID TEI files "
            "(PATH.pdf, FILE.tei.xml, a directory of them, https URL.pdf)."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB_PATH,
    venue: Annotated[str | None, typer.Option(help="Venue, when the file name does not say.")] = None,
    year: Annotated[int | None, typer.Option(help="Year, when the file name does not say.")] = None,
    refresh: Annotated[bool, typer.Option(help="Refetch from the network instead of the cache.")] = False,
    mailto: Annotated[
        str | None,
        typer.Option(help="E-mail sent to OpenAlex as the polite identity.", envvar="COLLABATLAS_MAILTO"),
    ] = None,
    pdfs: Annotated[
        list[str] | None,
        typer.Option(
            "--pdfs",
            help="PDF/TEI files or a directory to attach to papers already stored (matched by "
            "OpenReview id or DOI in the file name or PDF metadata, else by title); repeatable.",
        ),
    ] = None,
    affiliations_from: Annotated[
        str | None,
        typer.Option(
            "--affiliations-from",
            help="Whose affiliations count, for every paper from now on: best (printed in the PDF, "
            "then TEI, OpenReview, conference site, paper list, OpenAlex), or only pdf, list or "
            "openreview.",
        ),
    ] = None,
) -> None:
    """Read paper lists and papers' PDFs into the store and resolve their affiliations (all or
    nothing; a PDF that cannot be read is named and skipped)."""
    if not sources and not pdfs and affiliations_from is None:
        raise UsageError("nothing to ingest", hint="give sources, --pdfs DIR or --affiliations-from")
    with Store(db) as store, progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if bar is None:
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = ingest_sources(
            store,
            sources or [],
            venue=venue,
            year=year,
            fetcher=CachedFetcher(refresh=refresh),
            progress=report,
            mailto=mailto,
            pdfs=pdfs or (),
            affiliations_from=affiliations_from,
        )
    for _, reason in result.failures:
        err_console.print(f"Skipped: {reason}", soft_wrap=True, markup=False, highlight=False)
    for location, venue_year, papers, new in result.sources:
        console.print(f"{venue_year}: {papers} papers ({new} new) from {location}")
    console.print(f"{result.resolved} affiliation strings resolved")


@app.command()
def resolve(
    db: DbOption = DEFAULT_DB_PATH,
    force: Annotated[bool, typer.Option(help="Re-resolve every affiliation, not only stale ones.")] = False,
) -> None:
    """Resolve affiliations that are new or were resolved by another resolver version."""
    with Store(db) as store:
        count = resolve_store(store, force=force)
    console.print(f"{count} affiliation strings resolved")


@app.command()
def analyze(
    db: DbOption = DEFAULT_DB_PATH,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    counting: CountingOption = "whole",
    min_count: MinCountOption = 10,
    venue: VenuesOption = None,
    year: YearsOption = None,
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON.")] = None,
) -> None:
    """Print A–B collaboration and country totals per venue-year, with 95% Wilson intervals, the
    unassigned bucket and coverage, and the top country pairs; every table carries its conventions."""
    rules = rules_from_options(
        pair,
        china_scope,
        include_rejected=include_rejected,
        counting=counting,
        min_count=min_count,
        venue=venue,
        year=year,
    )
    with Store(db, read_only=True) as store:
        rows = collaboration(store, rules).to_pylist()
        totals = country_totals(store, rules).to_pylist()
        pairs = top_pairs(store, rules).to_pylist()
        conventions_object = conventions(store, rules)
        pair_conventions = conventions(store, pair_rules(rules))
        official = compare_official_totals(store, rules)
        review = review_summary(store, rules)
    console.print(collaboration_table(rows, conventions_object))
    console.print(country_table(totals, conventions_object))
    console.print(pairs_table(pairs, pair_conventions))
    console.print(describe_review(review))
    for check in official:
        if check["differs"]:
            err_console.print(
                f"Warning: {check['venue']} {check['year']}: {check['ingested_accepted']:,} accepted papers "
                f"ingested, the official count is {check['official_accepted']:,} "
                f"({check['difference']:+.1%}; {check['source']})",
                soft_wrap=True,
            )
    if json_path:
        write_json(
            json_path,
            conventions_object,
            rows=rows,
            country_totals=totals,
            top_pairs=pairs,
            top_pairs_counting="whole: a paper counts once for each pair of countries on it",
            official_totals=official,
            review=review,
        )


@export_app.command("authorships")
def export_authorships_command(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    db: DbOption = DEFAULT_DB_PATH,
    include_rejected: Annotated[bool, typer.Option(help="Include rejected and withdrawn papers.")] = False,
) -> None:
    """Write one row per authorship with its affiliations, countries and resolution method."""
    with Store(db, read_only=True) as store:
        count = export_authorships(store, out, accepted_only=not include_rejected)
    console.print(f"{count} authorships written to {out} (conventions in {sidecar_path(out)})")


@export_app.command("pairs")
def export_pairs_command(
    out: Annotated[Path, typer.Option("--out", help="File to write (.csv or .graphml).")],
    db: DbOption = DEFAULT_DB_PATH,
    fmt: Annotated[
        str, typer.Option("--format", help="csv, or graphml for Gephi and other network tools.")
    ] = "csv",
    china_scope: ScopeOption = "prc",
    min_count: MinCountOption = 10,
    venue: VenuesOption = None,
    year: YearsOption = None,
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
) -> None:
    """Write country pairs per venue-year: co-authored papers (whole counting), each country's
    papers and Salton's index. CSV gets its conventions in FILE.conventions.json beside it; GraphML
    carries them as the graph attribute 'conventions'."""
    rules = CountingRules(
        china_scope=china_scope.lower(),
        accepted_only=not include_rejected,
        min_count=min_count,
        venues=tuple(venue or ()),
        years=tuple(year or ()),
    )
    with Store(db, read_only=True) as store:
        count = export_pairs(store, out, rules, fmt.lower())
    where = f" (conventions in {sidecar_path(out)})" if fmt.lower() == "csv" else ""
    console.print(f"{count} country pairs written to {out}{where}")
