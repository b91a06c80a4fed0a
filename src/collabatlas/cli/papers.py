"""``collabatlas papers``: the papers behind any count ``analyze`` prints."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from collabatlas.cli.app import (
    DEFAULT_DB_PATH,
    CompaniesOption,
    CountingOption,
    DbOption,
    PairOption,
    ScopeOption,
    TracksOption,
    VenuesOption,
    YearsOption,
    app,
    console,
    rules_from_options,
)
from collabatlas.cli.tables import papers_table

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


@app.command()
def papers(
    db: DbOption = DEFAULT_DB_PATH,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    counting: CountingOption = "whole",
    venue: VenuesOption = None,
    year: YearsOption = None,
    tracks: TracksOption = "all",
    companies: CompaniesOption = "site",
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help="List the papers behind this country's total instead of the pair's (a code, a name "
            "or 'unassigned').",
        ),
    ] = None,
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the papers as JSON.")] = None,
) -> None:
    """List the papers behind a count: by default the A–B papers of --pair (analyze's A–B column),
    with --country those behind that country's total (under --counting), each author's
    affiliations, the country each was resolved to, how, and with what confidence."""
    from collabatlas.analyze import conventions, papers_behind
    from collabatlas.report.outputs import write_json
    from collabatlas.store import Store

    rules = rules_from_options(
        pair,
        china_scope,
        include_rejected=include_rejected,
        counting=counting,
        venue=venue,
        year=year,
        tracks=tracks,
        companies=companies,
    )
    with Store(db, read_only=True) as store:
        rows = papers_behind(store, rules, country=country).to_pylist()
        conventions_object = conventions(store, rules)
    a, b = rules.pair
    what = f"country {country}" if country else f"{a}–{b} papers"
    console.print(papers_table(rows, f"{len(rows):,} papers behind the count of {what}", conventions_object))
    if json_path:
        selection = {"pair": None if country else [a, b], "country": country}
        write_json(json_path, conventions_object, selection=selection, papers=rows)
