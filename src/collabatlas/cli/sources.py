"""``collabatlas compare``: where another source's own resolution, or a peer's labels, and
collabatlas's disagree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, ScopeOption, app, console

if TYPE_CHECKING:
    from collabatlas.analyze.label_agreement import LabelAgreement

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.


@app.command()
def compare(
    source: Annotated[str, typer.Option("--source", help="The source whose own resolution to compare.")] = (
        "openalex"
    ),
    db: DbOption = DEFAULT_DB_PATH,
    limit: Annotated[int, typer.Option(help="Disagreeing papers to print (all go to --json).")] = 20,
    include_rejected: Annotated[
        bool, typer.Option(help="Compare rejected and withdrawn papers too.")
    ] = False,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the comparison as JSON.")
    ] = None,
    labels: Annotated[
        Path | None,
        typer.Option(
            "--labels",
            help="Compare a peer's labels instead: a CSV with venue, year, paper_id or title, "
            "author_position (0-based) or author_name, and country.",
        ),
    ] = None,
    china_scope: ScopeOption = "prc",
) -> None:
    """Papers where a source's countries (e.g. OpenAlex's), or a peer's labels (--labels), and
    collabatlas's differ; with --labels, agreement per author and per paper (countries folded by
    --china-scope)."""
    import pyarrow.compute as pc

    from collabatlas.analyze.label_agreement import compare_labels
    from collabatlas.analyze.source_agreement import DIFFER, agreement_summary, compare_source
    from collabatlas.store import Store

    if labels is not None:
        with Store(db, read_only=True) as store:
            agreement = compare_labels(
                store, labels, china_scope=china_scope.lower(), accepted_only=not include_rejected
            )
        _print_labels(agreement, labels, limit, json_path)
        return
    with Store(db, read_only=True) as store:
        table = compare_source(store, source, accepted_only=not include_rejected)
    summary = agreement_summary(table)
    differ = table.filter(pc.equal(table.column("status"), DIFFER)).to_pylist()
    console.print(
        f"{summary['papers']} papers from {source}: {summary['agree']} agree, {summary['differ']} differ, "
        f"{summary['only source']} with countries only from {source}, "
        f"{summary['only collabatlas']} only from collabatlas, {summary['neither']} from neither"
    )
    console.print(_differences(source, source, "source", differ, limit))
    if json_path:
        json_path.write_text(
            json.dumps(
                {"source": source, "summary": summary, "papers": differ}, indent=2, ensure_ascii=False
            ),
            encoding="utf-8",
        )


def _differences(subject: str, name: str, key: str, differ: list[dict[str, Any]], limit: int) -> Table:
    """The papers where ``subject`` and collabatlas differ: each side's countries and what only it has."""
    shown = Table(title=f"Papers where {subject} and collabatlas differ ({min(limit, len(differ))} shown)")
    for column in ("venue", "year", "title", name, "collabatlas", f"only {name}", "only collabatlas"):
        shown.add_column(column, justify="right" if column == "year" else "left")
    for row in differ[:limit]:
        shown.add_row(
            row["venue"],
            str(row["year"]),
            row["title"],
            ",".join(row[f"{key}_countries"]),
            ",".join(row["collabatlas_countries"]),
            ",".join(row[f"only_{key}"]),
            ",".join(row["only_collabatlas"]),
        )
    return shown


def _print_labels(agreement: LabelAgreement, labels: Path, limit: int, json_path: Path | None) -> None:
    summary = agreement.summary()
    for what, counts in summary.items():
        rest = ", ".join(f"{n} {status}" for status, n in counts.items() if status != "compared")
        console.print(f"{counts['compared']} {what} labelled in {labels.name}: {rest}", soft_wrap=True)
    differ = agreement.differing_papers()
    console.print(_differences("the labels", "labels", "peer", differ, limit))
    if json_path:
        body = {"labels": str(labels), "summary": summary, "papers": differ, "authors": agreement.authors}
        json_path.write_text(json.dumps(body, indent=2, ensure_ascii=False), encoding="utf-8")
