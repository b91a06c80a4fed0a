"""The ``mobility`` command: where the selected papers' authors studied against where they were at
the paper's date, origin shares with intervals, and the A–B papers bridged by someone who moved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Group
from rich.table import Table
from rich.text import Text

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, PairOption, ScopeOption, app, console
from collabatlas.cli.tables import pct, share_cell

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


def footer(conventions: dict[str, Any]) -> Text:
    """The conventions every mobility table is printed with."""
    return Text(
        f"Unit: {conventions['unit']}. Origin: {conventions['origin']}. Destination: "
        f"{conventions['destination']}. Companies: {conventions['companies_meaning']}. "
        f"{conventions['china_scope_meaning']}; {conventions['selection']['status_filter']}; "
        f"stages from {conventions['stage_table']}; {conventions['source']}.",
        style="dim",
    )


def flow_table(result: dict[str, Any]) -> Table:
    """Origin → destination, one row per pair of countries, most authors first."""
    table = Table(title=f"Origin ({result['conventions']['stage']}) → destination at the paper's date")
    table.add_column("origin")
    table.add_column("destination")
    table.add_column("authors", justify="right")
    for row in result["rows"]:
        table.add_row(row["origin"], row["destination"] or "unknown", f"{row['authors']:,}")
    return table


def origin_table(result: dict[str, Any]) -> Table:
    """Each origin's authors and share of the authors with an origin, with its 95% interval."""
    table = Table(title=f"Origins of the {result['with_origin']:,} authors with one")
    table.add_column("country")
    table.add_column("authors", justify="right")
    table.add_column("share (95% CI)", justify="right")
    for row in result["origins"]:
        table.add_row(
            row["country"], f"{row['authors']:,}", share_cell(row["share"], row["ci_low"], row["ci_high"])
        )
    return table


def summary(result: dict[str, Any]) -> str:
    """The counts behind the tables, and the bridges, in two sentences."""
    bridges = result["bridges"]
    a, b = bridges["pair"]
    return (
        f"{result['authors']:,} authors (each person once): {result['with_origin']:,} with an origin, "
        f"{result['without_origin']:,} without; {result['authorships_without_profile']:,} authorships "
        f"without a profile id. Bridges: {bridges['bridged']:,} of {bridges['papers_ab']:,} {a}–{b} papers "
        f"({pct(bridges['share'])}) have an author in one country whose history was earlier in the other."
    )


@app.command(name="mobility")
def mobility_command(
    db: DbOption = DEFAULT_DB_PATH,
    venue: Annotated[str | None, typer.Option("--venue", help="Only this venue, e.g. NeurIPS.")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only this year.")] = None,
    stage: Annotated[
        str, typer.Option("--stage", help="The origin: the country of this degree (undergrad, masters, phd).")
    ] = "undergrad",
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    companies: Annotated[
        str,
        typer.Option(
            "--companies",
            help="site: an institution where the affiliation places it; headquarters: at its home country.",
        ),
    ] = "site",
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the figures as JSON.")] = None,
    people: Annotated[
        Path | None,
        typer.Option("--people", help="Also write the people behind the flows, with names, as CSV."),
    ] = None,
) -> None:
    """Where the authors of the selected papers studied (origin) against where they were at the
    paper's date (destination), from their OpenReview profile histories: counts only, no names."""
    from collabatlas.analyze.mobility import MobilityRules, mobility, mobility_people
    from collabatlas.report.outputs import write_csv, write_json
    from collabatlas.store import Store

    rules = MobilityRules.parse(
        pair,
        china_scope.lower(),
        venues=(venue,) if venue else (),
        years=(year,) if year is not None else (),
        stage=stage.lower(),
        companies=companies.lower(),
        accepted_only=not include_rejected,
    )
    with Store(db, read_only=True) as store:
        result = mobility(store, rules)
        drill_down = mobility_people(store, rules) if people else None
    console.print(
        Group(flow_table(result), origin_table(result), Text(summary(result)), footer(result["conventions"]))
    )
    if json_path:
        sections = {k: v for k, v in result.items() if k != "conventions"}
        write_json(json_path, result["conventions"], **sections)
        console.print(f"JSON written to {json_path}")
    if people and drill_down is not None:
        write_csv(drill_down, people, result["conventions"])
        console.print(f"{drill_down.num_rows:,} people written to {people}")
