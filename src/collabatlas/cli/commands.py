"""Core commands: ingest, resolve, analyze, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from collabatlas.cli.app import (
    DEFAULT_DB_PATH,
    CompaniesOption,
    CountingOption,
    DbOption,
    MinCountOption,
    PairOption,
    ScopeOption,
    TracksOption,
    VenuesOption,
    YearsOption,
    app,
    console,
    err_console,
    progress_bar,
    rules_from_options,
)
from collabatlas.cli.tables import collaboration_table, country_table, pairs_table
from collabatlas.errors import StoreError, UsageError

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.

export_app = typer.Typer(help="Write tables for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@app.command()
def ingest(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            help="Paper Copilot lists or conference-site JSON (paths, https URLs, names such as "
            "nips2025), openreview:VENUE_ID (openreview:NeurIPS.cc/2025/Conference; log in with "
            "$OPENREVIEW_USERNAME and $OPENREVIEW_PASSWORD), openalex:SOURCE_ID:YEAR / "
            "openalex:neurips2025, profiles:FILE.json (OpenReview profiles: the authors' histories), "
            "or papers as PDF or GROBID TEI files (PATH.pdf, FILE.tei.xml, a directory of them, "
            "https URL.pdf)."
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
    from collabatlas.pipeline import check_affiliations_from, ingest_batches, read_sources
    from collabatlas.sources.http import CachedFetcher
    from collabatlas.store import Store

    if not sources and not pdfs and affiliations_from is None:
        raise UsageError("nothing to ingest", hint="give sources, --pdfs DIR or --affiliations-from")
    check_affiliations_from(affiliations_from)
    with progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if bar is None:
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        fetcher = CachedFetcher(refresh=refresh, on_retry=_waiting)
        read = read_sources(
            sources or [],
            venue=venue,
            year=year,
            fetcher=fetcher,
            progress=report,
            mailto=mailto,
            pdfs=pdfs or (),
        )
        with Store(db) as store:  # opened only once every source has been read and checked
            result = ingest_batches(store, read, progress=report, affiliations_from=affiliations_from)
    for _, reason in result.failures:
        err_console.print(f"Skipped: {reason}", soft_wrap=True, markup=False, highlight=False)
    left_out = dict(result.left_out)
    for (location, venue_year, papers, new), changed in zip(result.sources, result.changed, strict=True):
        note = _left_out_note(venue_year, left_out.get(location, ()))
        line = f"{venue_year}: {papers} papers ({new} new, {changed} changed) from {location}{note}"
        console.print(line, soft_wrap=True)
    console.print(f"{result.resolved} resolutions written (new or stale strings and co-author contexts)")


def _left_out_note(venue_year: str, left_out: tuple[tuple[str, int], ...]) -> str:
    """'; 15 entries not of NeurIPS 2025 left out (TMLR 12, jmlr.org 3)', or '' when none were."""
    if not left_out:
        return ""
    where = ", ".join(f"{origin} {count}" for origin, count in left_out)
    return f"; {sum(c for _, c in left_out)} entries not of {venue_year} left out ({where})"


def _waiting(message: str) -> None:
    err_console.print(message, soft_wrap=True)


@app.command()
def resolve(
    db: DbOption = DEFAULT_DB_PATH,
    force: Annotated[bool, typer.Option(help="Re-resolve every affiliation, not only stale ones.")] = False,
) -> None:
    """Resolve what is stale: affiliations new or resolved by another resolver fingerprint, and
    co-author contexts not yet resolved."""
    from collabatlas.pipeline import resolve_affiliations as resolve_store
    from collabatlas.store import Store

    with Store(db, create=False) as store:
        count = resolve_store(store, force=force)
    console.print(f"{count} resolutions written (new or stale strings and co-author contexts)")


def _refresh_resolutions(db: Path) -> None:
    """Re-resolve what is stale before figures are read, saying so on stderr."""
    from collabatlas.pipeline import resolve_affiliations as resolve_store
    from collabatlas.store import Store

    if not Path(db).exists():
        return  # the read-only open that follows says there is no store
    try:
        store = Store(db)
    except StoreError:  # locked or unreadable: the read-only open that follows says so in one line
        return
    with store, progress_bar() as bar:
        task = bar.add_task("re-resolve stale", total=None) if bar else None

        def report(done: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done, total=total)

        count = resolve_store(store, progress=report)
    if count:
        err_console.print(
            f"{count} stale resolutions re-resolved (new resolver, registry or co-author context)"
        )


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
    tracks: TracksOption = "all",
    companies: CompaniesOption = "site",
) -> None:
    """Print A–B collaboration and country totals per venue-year, with 95% Wilson intervals, the
    unassigned bucket and coverage, and the top country pairs; every table carries its conventions."""
    from collabatlas.analyze import (
        collaboration,
        compare_official_totals,
        conventions,
        counted_once,
        country_totals,
        top_pairs,
    )
    from collabatlas.analyze.pairs import PAIR_COUNTING
    from collabatlas.review.summary import describe_review, review_summary
    from collabatlas.store import Store

    rules = rules_from_options(
        pair,
        china_scope,
        include_rejected=include_rejected,
        counting=counting,
        min_count=min_count,
        venue=venue,
        year=year,
        tracks=tracks,
        companies=companies,
    )
    _refresh_resolutions(db)
    with Store(db, read_only=True) as store, counted_once(store):
        rows = collaboration(store, rules).to_pylist()
        totals = country_totals(store, rules).to_pylist()
        pairs = top_pairs(store, rules).to_pylist()
        conventions_object = conventions(store, rules)
        pair_conventions = {**conventions_object, "pair_counting": PAIR_COUNTING}
        official = compare_official_totals(store, rules)
        review = review_summary(store, rules)
    console.print(collaboration_table(rows, conventions_object))
    console.print(country_table(totals, conventions_object))
    console.print(pairs_table(pairs, pair_conventions))
    console.print(describe_review(review))
    fingerprints = conventions_object["resolver_versions"]
    if len(fingerprints) > 1:
        err_console.print(
            f"Warning: these figures count resolutions from {len(fingerprints)} resolver versions "
            f"({', '.join(fingerprints)}); run `collabatlas resolve` to bring them to one",
            soft_wrap=True,
        )
    for check in official:
        if check["differs"]:
            err_console.print(
                f"Warning: {check['venue']} {check['year']}: {check['ingested_accepted']:,} accepted papers "
                f"ingested, the official count is {check['official_accepted']:,} "
                f"({check['difference']:+.1%}; {check['source']})",
                soft_wrap=True,
            )
    if json_path:
        from collabatlas.report.outputs import write_json  # loads the report package

        write_json(
            json_path,
            conventions_object,
            rows=rows,
            country_totals=totals,
            top_pairs=pairs,
            top_pairs_counting=PAIR_COUNTING,
            official_totals=official,
            review=review,
        )


@export_app.command("authorships")
def export_authorships_command(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    db: DbOption = DEFAULT_DB_PATH,
    china_scope: ScopeOption = "prc",
    venue: VenuesOption = None,
    year: YearsOption = None,
    tracks: TracksOption = "all",
    companies: CompaniesOption = "site",
    include_rejected: Annotated[bool, typer.Option(help="Include rejected and withdrawn papers.")] = False,
) -> None:
    """Write one row per authorship of the papers analyze counts, with its affiliations, countries
    and resolution method, and the countries the paper counts with."""
    from collabatlas.report.authorships import export_authorships
    from collabatlas.report.outputs import sidecar_path
    from collabatlas.store import Store

    rules = rules_from_options(
        "US,CN",
        china_scope,
        include_rejected=include_rejected,
        venue=venue,
        year=year,
        tracks=tracks,
        companies=companies,
    )
    with Store(db, read_only=True) as store:
        count = export_authorships(store, out, rules)
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
    from collabatlas.analyze.rules import CountingRules
    from collabatlas.report.outputs import sidecar_path
    from collabatlas.report.pairs import export_pairs
    from collabatlas.store import Store

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
