"""Core commands: ingest, resolve, analyze, export."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from collabatlas.analyze import CountingRules, collaboration, conventions, top_pairs
from collabatlas.cli.app import (
    DEFAULT_DB_PATH,
    DbOption,
    PairOption,
    ScopeOption,
    app,
    console,
    progress_bar,
)
from collabatlas.pipeline import ingest as ingest_sources
from collabatlas.pipeline import resolve as resolve_store
from collabatlas.report.authorships import export_authorships
from collabatlas.store import Store

export_app = typer.Typer(help="Write tables for other tools.", no_args_is_help=True)
app.add_typer(export_app, name="export")


@app.command()
def ingest(
    sources: Annotated[
        list[str],
        typer.Argument(help="Paper Copilot lists: paths, https URLs, or names such as nips2025."),
    ],
    db: DbOption = DEFAULT_DB_PATH,
    venue: Annotated[str | None, typer.Option(help="Venue, when the file name does not say.")] = None,
    year: Annotated[int | None, typer.Option(help="Year, when the file name does not say.")] = None,
) -> None:
    """Read paper lists into the store and resolve their affiliations (all or nothing)."""
    with Store(db) as store, progress_bar() as bar:
        tasks: dict[str, Any] = {}

        def report(stage: str, done: int, total: int) -> None:
            if bar is None:
                return
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        result = ingest_sources(store, sources, venue=venue, year=year, progress=report)
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


def _pct(value: float) -> str:
    return f"{100 * value:.2f}%"


@app.command()
def analyze(
    db: DbOption = DEFAULT_DB_PATH,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON.")] = None,
) -> None:
    """Print A–B collaboration per venue-year, with 95% Wilson intervals, and the top country pairs."""
    rules = CountingRules.parse(pair, china_scope, accepted_only=not include_rejected)
    with Store(db, read_only=True) as store:
        rows = collaboration(store, rules).to_pylist()
        pairs = top_pairs(store, rules).to_pylist()
        conventions_object = conventions(store, rules)
    a, b = rules.pair
    table = Table(
        title=f"{a}–{b} collaboration ({rules.describe()['china_scope_meaning']}; "
        f"{rules.describe()['status_filter']})"
    )
    for column in (
        "venue",
        "year",
        "papers",
        "with data",
        f"with {a}",
        f"with {b}",
        f"{a}–{b}",
        "share",
        "share of known",
        "95% CI",
    ):
        table.add_column(column, justify="left" if column == "venue" else "right")
    for r in rows:
        table.add_row(
            r["venue"],
            str(r["year"]),
            str(r["papers"]),
            str(r["papers_with_data"]),
            str(r["papers_a"]),
            str(r["papers_b"]),
            str(r["papers_ab"]),
            _pct(r["share"]),
            _pct(r["share_of_known"]),
            f"{_pct(r['ci_low'])}–{_pct(r['ci_high'])}",
        )
    console.print(table)
    top = Table(title="Top country pairs by co-authored papers (whole counting)")
    for column in ("pair", "papers"):
        top.add_column(column, justify="right" if column == "papers" else "left")
    for p in pairs:
        top.add_row(f"{p['country_1']}–{p['country_2']}", str(p["papers"]))
    console.print(top)
    if json_path:
        json_path.write_text(
            json.dumps({"conventions": conventions_object, "rows": rows, "top_pairs": pairs}, indent=2),
            encoding="utf-8",
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
    console.print(f"{count} authorships written to {out}")
