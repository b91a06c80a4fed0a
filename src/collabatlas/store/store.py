"""The store: one DuckDB file holding every venue and year, opened by one writer at a time."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import pyarrow as pa

from collabatlas.errors import StoreError
from collabatlas.store.migrations import migrate, migration_names

DEFAULT_DB = "collabatlas.duckdb"  # also collabatlas.store.DEFAULT_DB, which needs no DuckDB


class Store:
    """A collabatlas DuckDB file. Use as a context manager; writes go through :meth:`transaction`."""

    def __init__(
        self, path: str | Path = DEFAULT_DB, *, read_only: bool = False, create: bool = True
    ) -> None:
        self.path = Path(path)
        if (read_only or not create) and not self.path.is_file():
            what = "is a folder, not a store" if self.path.is_dir() else "no such store"
            raise StoreError(f"{self.path}: {what}", hint="check --db, or run 'collabatlas ingest' first")
        if read_only and pending_migrations(self.path):
            Store(self.path).close()  # bring an older store's schema up to date first
        try:
            self.conn = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            holder = _lock_holder(exc)
            if holder:
                raise StoreError(
                    f"{self.path} is locked by another process ({holder})",
                    hint="a store being written (by ingest, resolve or a running review server) can be "
                    "neither read nor written by another process; wait for it or stop it",
                ) from exc
            raise StoreError(
                f"{self.path}: cannot open the store ({_first_line(exc)})",
                hint="check --db; a truncated or damaged file cannot be read",
            ) from exc
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: not a collabatlas store ({_first_line(exc)})") from exc
        if not read_only:
            migrate(self.conn)

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All writes inside commit together or not at all."""
        self.conn.execute("BEGIN TRANSACTION")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def query(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        """Run a read query and return its result as a pyarrow table."""
        return self.conn.sql(sql, params=params or None).to_arrow_table()

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a read query and return its rows as tuples."""
        return self.conn.execute(sql, params or []).fetchall()


def pending_migrations(path: Path) -> bool:
    """Whether a store file lacks migrations this version of collabatlas ships."""
    try:
        with duckdb.connect(str(path), read_only=True) as conn:
            applied = {r[0] for r in conn.execute("SELECT name FROM schema_migrations").fetchall()}
    except duckdb.Error:
        return True
    return not set(migration_names()) <= applied


_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.*?) \(PID (?P<pid>\d+)\)")


def _lock_holder(exc: Exception) -> str:
    """'PID 123: collabatlas review --db s.duckdb' for a lock error, '' for any other error."""
    match = _LOCK.search(str(exc))
    if not match:
        return ""
    try:
        argv = Path(f"/proc/{match['pid']}/cmdline").read_bytes().split(b"\0")
        command = " ".join(a.decode(errors="replace") for a in argv if a)
    except OSError:
        command = match["program"]
    return f"PID {match['pid']}: {command}"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
