"""The ``report`` command: the publishable HTML page with its figures, tables and methods."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
    rules_from_options,
)

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


@app.command()
def report(
    db: DbOption = DEFAULT_DB_PATH,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    counting: CountingOption = "whole",
    min_count: MinCountOption = 10,
    venue: VenuesOption = None,
    year: YearsOption = None,
    tracks: TracksOption = "all",
    companies: CompaniesOption = "site",
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write index.html and its files into.")
    ] = Path("report"),
    force: Annotated[bool, typer.Option(help="Overwrite the files of a folder that is not empty.")] = False,
) -> None:
    """Write a self-contained, offline HTML report (index.html), its figures as SVG and PNG, and
    its tables as CSV with their conventions: headline, trend, country pairs, institutions,
    technology flow (when detected), the evidence list of papers and the methods."""
    from collabatlas.report.outputs import check_output_dir
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
    check_output_dir(out, force=force)
    with Store(db, read_only=True) as store:
        from collabatlas.report.html import build_report  # matplotlib loads only when used

        files = build_report(store, rules, out)
    console.print(f"Report written to {files.index}")
    console.print(f"Figures (SVG + PNG): {', '.join(files.figures)}")
    console.print(f"Tables: {', '.join(files.tables)}")
