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

SIDECAR_SUFFIX = ".conventions.json"


def sidecar_path(path: str | Path) -> Path:
    """Where the conventions of a CSV file are written: ``FILE.csv.conventions.json``."""
    target = Path(path)
    return target.with_name(target.name + SIDECAR_SUFFIX)


def _write_atomic(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write`` on a temporary file beside ``path``, then rename it into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
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
    """Write a table as CSV through a temporary file renamed into place."""
    return _write_atomic(path, lambda tmp: pacsv.write_csv(table, tmp))


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
    write_json(sidecar_path(target), conventions, file=target.name, columns=table.column_names)
    return target


def _umask() -> int:
    """The process umask (reading it means setting it, so it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
