"""``collabatlas reconcile``: a published figure against the store, under every set of conventions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, PairOption, app, console

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


@app.command("reconcile")
def reconcile_command(
    venue: Annotated[str, typer.Option("--venue", help="The venue of the published figure, e.g. NeurIPS.")],
    year: Annotated[int, typer.Option("--year", help="Its year.")],
    published: Annotated[
        str, typer.Option("--published", help="The published count: N/M (N A–B papers of M).")
    ],
    db: DbOption = DEFAULT_DB_PATH,
    pair: PairOption = "US,CN",
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write the result as JSON.")] = None,
) -> None:
    """Hold a published A–B count against the store's share under every combination of China scope,
    tracks, status, denominator, companies (site or headquarters) and source; print which agree
    (95% intervals overlap), the coverage the published count implies, and a sentence to quote.
    The result is kept in the store for the report's 'Published figures'."""
    from collabatlas.analyze.reconcile import Published, reconcile, save_reconciliation
    from collabatlas.report.outputs import write_json
    from collabatlas.store import Store

    figure = Published.parse(published)
    with Store(db) as store:
        result = reconcile(store, venue, year, figure, pair=pair)
        save_reconciliation(store, result)
    console.print(_table(result))
    needed = result["needed_coverage"]
    if needed is not None:
        console.print(f"needed_coverage: {needed:.2f}")
    console.print(result["sentence"], soft_wrap=True)
    if json_path:
        body = {k: v for k, v in result.items() if k != "conventions"}
        write_json(json_path, result["conventions"], **body)


def _table(result: dict[str, Any]) -> Table:
    a, b = result["pair"]
    p = result["published"]
    table = Table(
        title=f"{result['venue']} {result['year']}: published {p['count']:,} of {p['of']:,} "
        f"({100 * p['share']:.1f}%, {100 * p['ci_low']:.1f}–{100 * p['ci_high']:.1f}%) against the store",
        caption="consistent = the 95% Wilson intervals overlap; first row: the default rules (analyze's)",
    )
    columns = ("china_scope", "tracks", "status", "denominator", "companies", "source", "papers")
    for column in (*columns, f"{a}–{b} papers", "share", "95% CI", "consistent"):
        table.add_column(
            column, justify="right" if column in ("papers", f"{a}–{b} papers", "share") else "left"
        )
    for row in result["rows"]:
        table.add_row(
            *(str(row[c]) for c in columns[:-1]),
            f"{row['papers']:,}",
            f"{row['papers_ab']:,}",
            f"{100 * row['share']:.1f}%",
            f"{100 * row['ci_low']:.1f}–{100 * row['ci_high']:.1f}%",
            "yes" if row["consistent"] else "no",
        )
    return table
