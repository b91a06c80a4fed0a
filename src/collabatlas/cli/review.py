"""Review commands: serve the review web app; import and export the corrections file."""

from __future__ import annotations

import getpass
import secrets
from pathlib import Path
from typing import Annotated

import typer

from collabatlas.cli.app import DEFAULT_DB_PATH, DbOption, PairOption, ScopeOption, app, console
from collabatlas.errors import UsageError

# The library is imported inside each command, when it runs: `collabatlas --help` loads none of it.
MIN_TOKEN = 16  # review.security.MIN_TOKEN (which loads FastAPI); a test checks they agree

corrections_app = typer.Typer(help="Share human corrections as a plain CSV file.", no_args_is_help=True)
app.add_typer(corrections_app, name="corrections")

CorrectionsOption = Annotated[
    Path | None,
    typer.Option("--corrections", help="The corrections file (default: corrections.csv beside the store)."),
]


@app.command()
def review(
    db: DbOption = DEFAULT_DB_PATH,
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8765,
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs --token.")
    ] = "127.0.0.1",
    token: Annotated[
        str | None,
        typer.Option(
            help="Require this token on every request (open ?token=… once); 'generate' makes one. "
            f"At least {MIN_TOKEN} characters beyond loopback."
        ),
    ] = None,
    pair: PairOption = "US,CN",
    china_scope: ScopeOption = "prc",
    corrections: CorrectionsOption = None,
    reviewer: Annotated[
        str | None, typer.Option(help="Name recorded with each correction (default: the login name).")
    ] = None,
) -> None:
    """Serve the review app: the queue, items, papers and audits, in a browser."""
    import uvicorn

    from collabatlas.analyze import CountingRules
    from collabatlas.review.corrections_file import default_corrections_path
    from collabatlas.review.importer import sync_corrections
    from collabatlas.review.security import is_loopback
    from collabatlas.review.web import ReviewConfig, create_app
    from collabatlas.store import Store

    if token == "generate":
        token = secrets.token_urlsafe(24)
    if not is_loopback(host) and (not token or len(token) < MIN_TOKEN):
        raise UsageError(
            f"--host {host} exposes the store beyond this machine and needs a --token of at least "
            f"{MIN_TOKEN} random characters",
            hint=f"add --token {secrets.token_urlsafe(24)}, or --token generate",
        )
    rules = CountingRules.parse(pair, china_scope)
    mirror = corrections or default_corrections_path(db)
    with Store(db, create=False) as store:
        synced = sync_corrections(store, mirror)
        if synced and synced.applied:
            console.print(f"{synced.applied} corrections applied from {mirror}")
        config = ReviewConfig(
            rules=rules,
            reviewer=reviewer or getpass.getuser(),
            mirror=mirror,
            token=token,
            allowed_hosts=None if token else ("127.0.0.1", "localhost", "::1", host),
        )
        suffix = f"?token={token}" if token else ""
        console.print(f"Reviewing {db} at http://{host}:{port}/{suffix} (corrections mirrored to {mirror})")
        uvicorn.run(create_app(store, config), host=host, port=port, log_level="warning")


@corrections_app.command("export")
def export_corrections(
    db: DbOption = DEFAULT_DB_PATH,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: the store's corrections file).")
    ] = None,
) -> None:
    """Write the store's corrections to a CSV file (atomically)."""
    from collabatlas.report.outputs import check_output_file
    from collabatlas.review.corrections_file import default_corrections_path, write_corrections
    from collabatlas.store import Store

    path = check_output_file(out or default_corrections_path(db))
    with Store(db, create=False) as store:
        count = write_corrections(store, path)
    console.print(f"{count} corrections written to {path}")


@corrections_app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="A corrections CSV file, e.g. from another store.")],
    db: DbOption = DEFAULT_DB_PATH,
    corrections: CorrectionsOption = None,
) -> None:
    """Apply a corrections file to the store (one transaction; the later write wins)."""
    from collabatlas.review.corrections_file import default_corrections_path
    from collabatlas.review.importer import import_corrections
    from collabatlas.store import Store

    mirror = corrections or default_corrections_path(db)
    with Store(db, create=False) as store:
        report = import_corrections(store, path, mirror=mirror)
    console.print(
        f"{report.applied} applied, {report.unchanged} unchanged, {report.older} older than the store's "
        f"(kept the store's); {report.not_in_store} match nothing in this store. Mirror: {mirror}"
    )
