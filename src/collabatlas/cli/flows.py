"""Technology-flow commands: detect model mentions, print who builds on whose models."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from collabatlas.cli.app import (
    DEFAULT_DB_PATH,
    CountingOption,
    DbOption,
    PairOption,
    ScopeOption,
    app,
    console,
    progress_bar,
    rules_from_options,
)
from collabatlas.cli.commands import export_app
from collabatlas.errors import StoreError, UsageError

if TYPE_CHECKING:
    from collabatlas.analyze import CountingRules
    from collabatlas.store import Store
    from collabatlas.technology.apply import DetectionReport

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.

TopOption = Annotated[int, typer.Option("--top", help="Model rows printed per table (JSON has all).")]
MATRIX_COLUMNS = 8


def _open(db: Path) -> Store:
    """The existing store at ``db``, opened for writing (detection stores mentions)."""
    from collabatlas.store import Store

    if not db.exists():
        raise StoreError(f"{db}: no such store", hint="run 'collabatlas ingest' first")
    return Store(db)


def _detect(store: Store, force: bool = False) -> DetectionReport:
    from collabatlas.technology.apply import detect_pending

    with progress_bar() as bar:
        task = bar.add_task("detect", total=None) if bar else None

        def report(done: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=done, total=total)

        result = detect_pending(store, force=force, progress=report)
    console.print(
        f"Detection (catalog {result.catalog_version}): {result.papers_scanned} papers scanned, "
        f"{result.mentions} mentions stored; {result.papers_current} papers already current"
    )
    return result


@app.command()
def detect(
    db: DbOption = DEFAULT_DB_PATH,
    force: Annotated[bool, typer.Option(help="Re-scan every paper, not only pending ones.")] = False,
) -> None:
    """Find model mentions in papers not yet scanned with this catalog (one transaction)."""
    with _open(db) as store:
        _detect(store, force)


@app.command()
def flows(
    db: DbOption = DEFAULT_DB_PATH,
    venue: Annotated[list[str] | None, typer.Option("--venue", help="Only this venue (repeatable).")] = None,
    year: Annotated[list[int] | None, typer.Option("--year", help="Only this year (repeatable).")] = None,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    counting: CountingOption = "whole",
    origin: Annotated[
        str, typer.Option("--origin", help="developer: the developer's country; lab: the building lab's.")
    ] = "developer",
    include_rejected: Annotated[bool, typer.Option(help="Count rejected and withdrawn papers too.")] = False,
    top: TopOption = 12,
    json_path: Annotated[Path | None, typer.Option("--json", help="Also write every figure as JSON.")] = None,
    text: Annotated[
        str,
        typer.Option(
            "--text",
            help="abstract: mentions in titles and abstracts; full: also in the full text of papers "
            "ingested as PDF/TEI (related work and references only ever mention).",
        ),
    ] = "abstract",
) -> None:
    """Which models, from which country, papers by authors of each country mention and build on."""
    from collabatlas.analyze.flow_trends import adoption_trends
    from collabatlas.analyze.flows import VIEWS, flow_matrix, headline, model_adoption
    from collabatlas.report.flows import flows_document

    if origin not in VIEWS:
        raise UsageError(f"unknown --origin {origin!r}", hint="use developer or lab")
    rules = replace(
        rules_from_options(
            pair, china_scope, include_rejected=include_rejected, counting=counting, venue=venue, year=year
        ),
        text=text.lower(),
    )
    with _open(db) as store:
        _detect(store)
        described = rules.describe()
        console.print(
            f"Counting: {described['counting_meaning']}; {described['china_scope_meaning']}; "
            f"{described['status_filter']}; origin = {origin} country"
        )
        _print_venue_years(
            model_adoption(store, rules).to_pylist(),
            headline(store, rules, origin).to_pylist(),
            flow_matrix(store, rules, origin).to_pylist(),
            rules,
            top,
        )
        _print_trends(
            adoption_trends(store, rules, "origin", origin).to_pylist(),
            adoption_trends(store, rules, "model", origin).to_pylist(),
            top,
        )
        if json_path:
            document = flows_document(store, rules, origin)
            json_path.write_text(json.dumps(document, indent=2), encoding="utf-8")
            console.print(f"JSON written to {json_path}")


def _num(value: float) -> str:
    rounded = round(float(value), 2)
    return str(int(rounded)) if rounded.is_integer() else f"{rounded:.2f}"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _print_venue_years(
    models: list[dict[str, Any]],
    heads: list[dict[str, Any]],
    matrix: list[dict[str, Any]],
    rules: CountingRules,
    top: int,
) -> None:
    groups: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"models": [], "heads": [], "matrix": []}
    )
    for name, rows in (("models", models), ("heads", heads), ("matrix", matrix)):
        for row in rows:
            groups[(row["venue"], row["year"])][name].append(row)
    if not groups:
        console.print("No model mentions in the selected papers.")
    for (venue, year), group in sorted(groups.items()):
        console.print(_headline_table(f"{venue} {year}", group["heads"], rules, top))
        console.print(_models_table(f"{venue} {year}", group["models"], top))
        console.print(_matrix_table(f"{venue} {year}", group["matrix"], rules))


def _headline_table(title: str, rows: list[dict[str, Any]], rules: CountingRules, top: int) -> Table:
    a, b = rules.pair
    table = Table(title=f"{title}: {a}–{b} technology flow (papers with an author in the country)")
    for column in ("flow", "mentioning", "of papers", "share", "95% CI", "using", "share using", "95% CI "):
        table.add_column(column, justify="left" if column == "flow" else "right")
    origin_rows = [r for r in rows if r["model"] is None]
    model_rows = {(r["origin_country"], r["author_country"]): 0 for r in rows}
    for r in origin_rows + [r for r in rows if r["model"] is not None]:
        if r["model"] is not None:
            key = (r["origin_country"], r["author_country"])
            model_rows[key] += 1
            if model_rows[key] > top:
                continue
        table.add_row(
            r["label"],
            _num(r["papers_mentioning"]),
            _num(r["papers_with_author_country"]),
            _pct(r["share_mentioning"]),
            f"{_pct(r['mentioning_ci_low'])}–{_pct(r['mentioning_ci_high'])}",
            _num(r["papers_using"]),
            _pct(r["share_using"]),
            f"{_pct(r['using_ci_low'])}–{_pct(r['using_ci_high'])}",
        )
    return table


def _models_table(title: str, rows: list[dict[str, Any]], top: int) -> Table:
    papers = rows[0]["papers"] if rows else 0
    more = f"; {len(rows) - top} more in --json" if len(rows) > top else ""
    table = Table(title=f"{title}: models named in the {papers} papers (top {min(top, len(rows))}{more})")
    for column in ("model", "origin", "lab", "mentioning", "using", "share using", "95% CI"):
        table.add_column(column, justify="left" if column in {"model", "origin", "lab"} else "right")
    for r in rows[:top]:
        table.add_row(
            r["model_name"],
            r["origin_country"],
            r["lab_country"],
            str(r["papers_mentioning"]),
            str(r["papers_using"]),
            _pct(r["share_using"]),
            f"{_pct(r['using_ci_low'])}–{_pct(r['using_ci_high'])}",
        )
    return table


def _matrix_table(title: str, rows: list[dict[str, Any]], rules: CountingRules) -> Table:
    totals: dict[str, float] = {}
    for r in rows:
        totals[r["author_country"]] = r["papers_with_author_country"]
    ranked = sorted(totals, key=lambda c: (_pair_rank(c, rules), -totals[c], c))[:MATRIX_COLUMNS]
    table = Table(
        title=f"{title}: origin → author country, papers mentioning / using (of papers); "
        "origins with none omitted"
    )
    table.add_column("origin", justify="left")
    for country in ranked:
        table.add_column(f"{country} ({_num(totals[country])})", justify="right")
    cells: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        cells[r["origin_country"]][r["author_country"]] = (
            f"{_num(r['papers_mentioning'])} / {_num(r['papers_using'])}"
        )
    shown = [o for o in cells if o in rules.pair or set(cells[o].values()) != {"0 / 0"}]
    for origin_country in sorted(shown, key=lambda o: (_pair_rank(o, rules), o)):
        table.add_row(origin_country, *(cells[origin_country].get(c, "0 / 0") for c in ranked))
    return table


def _pair_rank(country: str, rules: CountingRules) -> int:
    return rules.pair.index(country) if country in rules.pair else len(rules.pair)


def _print_trends(by_origin: list[dict[str, Any]], by_model: list[dict[str, Any]], top: int) -> None:
    columns = sorted({(r["venue"], r["year"]) for r in by_origin})
    if not columns:
        return
    table = Table(title="Share of LLM papers (papers using a catalog LLM) building on models of each origin")
    table.add_column("origin", justify="left")
    for venue, year in columns:
        table.add_column(f"{venue} {year}", justify="right")
    for key, cells in _pivot(by_origin).items():
        table.add_row(
            key,
            *(
                f"{_pct(c['share_of_llm_papers'])} ({c['llm_papers_using']}/{c['llm_papers']})"
                for c in (cells[col] for col in columns)
            ),
        )
    console.print(table)
    pivot = _pivot(by_model)
    ranked = sorted(pivot, key=lambda k: -sum(c["papers_using"] for c in pivot[k].values()))[:top]
    table = Table(title=f"Share of papers using each model (top {len(ranked)} by papers using)")
    table.add_column("model", justify="left")
    for venue, year in columns:
        table.add_column(f"{venue} {year}", justify="right")
    for key in ranked:
        table.add_row(
            key,
            *(
                f"{_pct(c['share_using'])} ({c['papers_using']})"
                for c in (pivot[key][col] for col in columns)
            ),
        )
    console.print(table)


def _pivot(rows: list[dict[str, Any]]) -> dict[str, dict[tuple[str, int], dict[str, Any]]]:
    out: dict[str, dict[tuple[str, int], dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        out[r["key"]][(r["venue"], r["year"])] = r
    return dict(sorted(out.items()))


@export_app.command("mentions")
def export_mentions_command(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    db: DbOption = DEFAULT_DB_PATH,
    include_rejected: Annotated[bool, typer.Option(help="Include rejected and withdrawn papers.")] = False,
) -> None:
    """Write one row per model mention: venue, year, paper, family, the model as written, its origin
    and lab country, role, field and sentence. Papers not yet scanned with the current catalog are
    scanned first; conventions go to FILE.conventions.json beside the CSV."""
    from collabatlas.report.mentions import export_mentions
    from collabatlas.report.outputs import sidecar_path

    with _open(db) as store:
        _detect(store)
        count = export_mentions(store, out, accepted_only=not include_rejected)
    console.print(f"{count} mentions written to {out} (conventions in {sidecar_path(out)})")
