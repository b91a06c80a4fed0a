"""Files that carry their conventions: JSON with a top-level ``conventions`` object, CSV with a sidecar.

A CSV ``FILE.csv`` stays a plain table (header first, loadable by pandas or Excel as is); its
conventions go to ``FILE.csv.conventions.json`` beside it, written in the same call.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from collabatlas.csvcells import COLUMN_NOTE, neutralise_table
from collabatlas.errors import UsageError

SIDECAR_SUFFIX = ".conventions.json"


def sidecar_path(path: str | Path) -> Path:
    """Where the conventions of a CSV file are written: ``FILE.csv.conventions.json``."""
    target = Path(path)
    return target.with_name(target.name + SIDECAR_SUFFIX)


def check_output_file(path: str | Path) -> Path:
    """``path`` as a file to write: not a folder, in a folder that exists (raises UsageError)."""
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{target} is a folder", hint="give a file name inside it")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such folder", hint="create it first, or write elsewhere")
    return target


def check_output_dir(path: str | Path, *, force: bool = False) -> Path:
    """``path`` as a folder to write into: absent, empty, or (with ``force``) to be overwritten."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} is a file, not a folder", hint="give a folder for --out")
    present = sorted(p.name for p in target.iterdir()) if target.is_dir() else []
    if present and not force:
        shown = ", ".join(present[:3]) + (f" and {len(present) - 3} more" if len(present) > 3 else "")
        raise UsageError(
            f"{target} already holds {len(present)} file{'s' if len(present) > 1 else ''} ({shown}); "
            "the report would replace its own files there",
            hint="pass --force to overwrite them, or choose another --out",
        )
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such folder", hint="create it first, or write elsewhere")
    return target


def _write_atomic(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place."""
    target = check_output_file(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644 & ~_umask())  # mkstemp makes 0600; published files must be readable
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_text_atomic(text: str, path: str | Path) -> Path:
    """Write UTF-8 text through a temporary file renamed into place."""

    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    return _write_atomic(path, write)


def write_csv_atomic(table: pa.Table, path: str | Path) -> Path:
    """Write a table as CSV (text cells neutralised against formulas) through a temporary file
    renamed into place."""
    safe = neutralise_table(table)
    return _write_atomic(path, lambda tmp: pacsv.write_csv(safe, tmp))


def write_json(path: str | Path, conventions: Mapping[str, Any], **sections: Any) -> Path:
    """Write ``{"conventions": ..., **sections}`` as indented JSON (tables as lists of rows)."""
    body = {
        "conventions": conventions,
        **{k: v.to_pylist() if isinstance(v, pa.Table) else v for k, v in sections.items()},
    }
    return write_text_atomic(json.dumps(body, indent=2, default=str, ensure_ascii=False), path)


def write_csv(table: pa.Table, path: str | Path, conventions: Mapping[str, Any]) -> Path:
    """Write a table as CSV and its conventions (with the file's columns) to the sidecar."""
    target = write_csv_atomic(table, path)
    write_json(
        sidecar_path(target),
        conventions,
        file=target.name,
        columns=table.column_names,
        text_cells=COLUMN_NOTE,
    )
    return target


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
