"""The typer application and the options every command shares."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from collabatlas.cli.text import SafeConsole
from collabatlas.store import DEFAULT_DB

if TYPE_CHECKING:  # the commands import what they use when they run: `--help` stays fast
    from collabatlas.analyze.rules import CountingRules

app = typer.Typer(
    name="collabatlas",
    help="Measure how AI research crosses borders: who co-authors with whom, and whose models they use.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# Piped output gets a fixed, wide line so tables are never truncated to 80 columns.
console = SafeConsole(width=None if sys.stdout.isatty() else 160)
err_console = SafeConsole(stderr=True)
DEBUG_ENV = "COLLABATLAS_DEBUG"
debugging = {"on": False}


@app.callback()
def main_options(
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of an error.", envvar=DEBUG_ENV)
    ] = False,
) -> None:
    """Measure how AI research crosses borders: who co-authors with whom, and whose models they use."""
    debugging["on"] = debug


DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.", envvar="COLLABATLAS_DB")]
DEFAULT_DB_PATH = Path(DEFAULT_DB)
PairOption = Annotated[str, typer.Option("--pair", help="Two countries, ISO codes or names: A,B.")]
ScopeOption = Annotated[
    str,
    typer.Option(
        "--china-scope",
        help="prc: CN+HK+MO as China; mainland: CN only; greater: CN+HK+MO+TW.",
    ),
]

CountingOption = Annotated[
    str,
    typer.Option(
        "--counting",
        help="whole: once per country per paper; fractional: 1/n per author, split over their "
        "affiliations; first-author: the first author's countries.",
    ),
]
MinCountOption = Annotated[
    int, typer.Option("--min-count", help="Flag cells with fewer papers than this as small counts.")
]
VenuesOption = Annotated[
    list[str] | None, typer.Option("--venue", help="Only this venue (repeatable), e.g. NeurIPS.")
]
YearsOption = Annotated[list[int] | None, typer.Option("--year", help="Only this year (repeatable).")]
TracksOption = Annotated[
    str,
    typer.Option("--tracks", help="all: every track of the venue-year; main: the main track only."),
]
CompaniesOption = Annotated[
    str,
    typer.Option(
        "--companies",
        help="site: a company affiliation counts where the site it names is; headquarters: in the "
        "company's home country.",
    ),
]


def rules_from_options(
    pair: str,
    china_scope: str,
    *,
    include_rejected: bool = False,
    counting: str = "whole",
    min_count: int = 10,
    venue: list[str] | None = None,
    year: list[int] | None = None,
    tracks: str = "all",
    companies: str = "site",
) -> CountingRules:
    """The counting rules from the options the analysis commands share."""
    from collabatlas.analyze.rules import CountingRules

    return CountingRules.parse(
        pair,
        china_scope,
        accepted_only=not include_rejected,
        counting=counting.lower(),
        min_count=min_count,
        venues=tuple(venue or ()),
        years=tuple(year or ()),
        tracks=tracks.lower(),
        companies=companies.lower(),
    )


@contextmanager
def progress_bar() -> Iterator[Progress | None]:
    """A progress bar on a terminal; nothing when output is piped or captured."""
    if not sys.stderr.isatty():
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        yield progress
