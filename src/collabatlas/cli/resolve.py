"""Resolver commands: ``explain`` one affiliation, and ``registry add-ror`` / ``add-domains``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, app, console

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.

registry_app = typer.Typer(
    help="Add registries (ROR, university-domains) to the store.", no_args_is_help=True
)
app.add_typer(registry_app, name="registry")


@app.command("explain")
def explain_command(
    affiliation: Annotated[str, typer.Argument(help="The affiliation string, as printed.")],
    domain: Annotated[str, typer.Option("--domain", help="The author's e-mail domain.")] = "",
    coauthor: Annotated[
        list[str] | None, typer.Option("--coauthor-domain", help="A co-author's e-mail domain (repeatable).")
    ] = None,
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Show how one affiliation resolves: parts, clues, candidates, decision, confidence, rule."""
    from collabatlas.resolve.explain import explain
    from collabatlas.resolve.extra import store_registry
    from collabatlas.resolve.registry import load_registry
    from collabatlas.store import Store

    registry = load_registry()
    if Path(db).exists():
        with Store(db, read_only=True) as store:
            registry = store_registry(store.conn, registry)
    for line in explain(affiliation, domain, registry, coauthor or ()).lines():
        console.print(line, markup=False, highlight=False)


def _add(kind: str, location: str, db: Path) -> None:
    from collabatlas.resolve.extra import add_registry
    from collabatlas.store import Store

    with Store(db) as store, store.transaction() as conn:
        added = add_registry(conn, kind, location)
    replaced = f"; replaced {', '.join(added.replaced)}" if added.replaced else ""
    console.print(
        f"{added.source.source_id}: {added.institutions} institutions from {location}{replaced}. "
        "Run `collabatlas resolve` to re-resolve with it.",
        markup=False,
    )


@registry_app.command("add-ror")
def add_ror(
    location: Annotated[
        str, typer.Argument(help="A ROR data dump (schema v2 JSON or its zip): path or URL.")
    ],
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Add the ROR data dump to the store's registry (its release is recorded as the version)."""
    from collabatlas.resolve.registries import ROR

    _add(ROR, location, db)


@registry_app.command("add-domains")
def add_domains(
    location: Annotated[str, typer.Argument(help="A university-domains JSON list: path or URL.")],
    db: DbOption = DEFAULT_DB_PATH,
) -> None:
    """Add a university-domains JSON list (Hipo format) to the store's registry."""
    from collabatlas.resolve.registries import UNIVERSITY_DOMAINS

    _add(UNIVERSITY_DOMAINS, location, db)


@registry_app.command("list")
def list_registries(db: DbOption = DEFAULT_DB_PATH) -> None:
    """List the registries added to the store, with their location and version."""
    from collabatlas.resolve.extra import store_sources
    from collabatlas.store import Store

    with Store(db, read_only=True) as store:
        rows = store_sources(store.conn)
    for source_id, kind, location, version, count in rows:
        console.print(f"{source_id}\t{kind}\t{version}\t{count} institutions\t{location}", markup=False)
    if not rows:
        console.print("no registries added; the shipped registry only")
