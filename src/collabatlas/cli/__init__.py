"""The ``collabatlas`` command line: thin commands over the library functions."""

from __future__ import annotations

import os
import sys

from collabatlas.cli import (
    commands,  # noqa: F401  (registers the commands)
    flows,  # noqa: F401  (registers detect and flows)
    mobility,  # noqa: F401  (registers mobility)
    papers,  # noqa: F401  (registers papers)
    reconcile,  # noqa: F401  (registers reconcile)
    report,  # noqa: F401  (registers report)
    resolve,  # noqa: F401  (registers explain and registry)
    review,  # noqa: F401  (registers review and corrections)
    scale,  # noqa: F401  (registers snapshot)
    sources,  # noqa: F401  (registers compare)
)
from collabatlas.cli.app import DEBUG_ENV, app, debugging
from collabatlas.cli.failures import USAGE, click, describe


def main() -> None:
    """Entry point: run the app; every error becomes one line on stderr and exit status 2 (usage)
    or 1 (environment); ``--debug`` or ``COLLABATLAS_DEBUG=1`` shows the traceback instead."""
    try:
        status = app(standalone_mode=False, prog_name="collabatlas")
    except SystemExit:
        raise
    except click.NoArgsIsHelpError as exc:
        print(exc.ctx.get_help() if exc.ctx else "")
        sys.exit(USAGE)
    except BaseException as exc:
        if debugging["on"] or os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        failure = describe(exc)
        print(failure.line, file=sys.stderr)
        sys.exit(failure.status)
    sys.exit(status if isinstance(status, int) else 0)


__all__ = ["app", "main"]
