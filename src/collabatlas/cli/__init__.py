"""The ``collabatlas`` command line: thin commands over the library functions."""

from __future__ import annotations

import sys

from collabatlas.cli import (
    commands,  # noqa: F401  (registers the commands)
    flows,  # noqa: F401  (registers detect and flows)
    mobility,  # noqa: F401  (registers mobility)
    papers,  # noqa: F401  (registers papers)
    report,  # noqa: F401  (registers report)
    resolve,  # noqa: F401  (registers explain and registry)
    review,  # noqa: F401  (registers review and corrections)
    scale,  # noqa: F401  (registers snapshot)
    sources,  # noqa: F401  (registers compare)
)
from collabatlas.cli.app import app
from collabatlas.errors import CollabAtlasError


def main() -> None:
    """Entry point: run the app; errors of the collabatlas family become one line and exit 2."""
    try:
        app(standalone_mode=False)
    except CollabAtlasError as exc:
        print(f"Error: {exc.one_line()}", file=sys.stderr)
        sys.exit(2)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("Interrupted; the store is unchanged by the unfinished step.", file=sys.stderr)
        sys.exit(130)


__all__ = ["app", "main"]
