"""The CLI's one error path: every failure becomes one line ``Error: … (hint: …)`` and an exit status.

Status 2 is the user's to fix (usage, option values, input files); status 1 is the environment's
(the store, the file system, the network, anything unexpected); 130 is an interrupt.
"""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass

import typer

try:  # typer >= 0.29 raises the exceptions of its vendored copy of click
    from typer._click import exceptions as click
except ImportError:  # pragma: no cover - older typer uses click itself
    from click import exceptions as click  # type: ignore[no-redef]

from collabatlas.cli.text import visible
from collabatlas.errors import CollabAtlasError, FetchError, StoreError

USAGE = 2
ENVIRONMENT = 1
INTERRUPTED = 130

_OS_HINTS = {
    errno.ENOSPC: "free some disk space; the store is unchanged by the unfinished step",
    errno.EACCES: "check the file's permissions",
    errno.EPERM: "check the file's permissions",
    errno.EROFS: "write to a writable location",
    errno.ENOENT: "check the path",
    errno.EISDIR: "give a file, not a folder",
    errno.ENOTDIR: "check the path",
}


@dataclass(frozen=True)
class Failure:
    """What the CLI prints for an exception, and the status it exits with."""

    line: str
    status: int


def _one_line(text: str) -> str:
    return visible(" ".join(str(text).split()))


def describe(exc: BaseException) -> Failure:
    """The one line and exit status for any exception that reached ``main()``."""
    if isinstance(exc, CollabAtlasError):
        status = ENVIRONMENT if isinstance(exc, StoreError | FetchError) else USAGE
        return Failure(f"Error: {visible(exc.one_line())}", status)
    if isinstance(exc, click.UsageError):
        where = exc.ctx.command_path if exc.ctx else "collabatlas"
        return Failure(f"Error: {_one_line(exc.format_message())} (hint: see '{where} --help')", USAGE)
    if isinstance(exc, click.ClickException):
        return Failure(f"Error: {_one_line(exc.format_message())}", exc.exit_code or ENVIRONMENT)
    if isinstance(exc, KeyboardInterrupt | typer.Abort):
        return Failure("Interrupted; the store is unchanged by the unfinished step.", INTERRUPTED)
    if isinstance(exc, OSError):
        name = f"{exc.filename}: " if exc.filename else ""
        reason = exc.strerror or str(exc) or type(exc).__name__
        hint = _OS_HINTS.get(exc.errno or 0, "check the path and the disk")
        return Failure(f"Error: {_one_line(name + reason)} (hint: {hint})", ENVIRONMENT)
    duckdb = sys.modules.get("duckdb")  # not loaded: not a store error
    if duckdb is not None and isinstance(exc, duckdb.Error):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Failure(
            f"Error: the store failed: {_one_line(first)} (hint: the file may be truncated or damaged, "
            "or the disk full; check --db and the free space; the last committed state is kept)",
            ENVIRONMENT,
        )
    return Failure(
        f"Error: unexpected {type(exc).__name__}: {_one_line(str(exc))} "
        "(hint: run again with --debug and report the traceback)",
        ENVIRONMENT,
    )
