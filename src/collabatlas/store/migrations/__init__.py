"""Named, re-runnable schema migrations: ``NNNN_name.sql`` files applied in order, once each."""

from __future__ import annotations

from importlib import resources

import duckdb


def migration_names() -> list[str]:
    """Every migration shipped with the package, in the order they apply."""
    files = resources.files(__package__)
    return sorted(f.name for f in files.iterdir() if f.name.endswith(".sql"))


def migrate(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the migrations this store has not had yet, each in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
    )
    done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations").fetchall()}
    applied = []
    for name in migration_names():
        if name in done:
            continue
        sql = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(sql)
            conn.execute("INSERT INTO schema_migrations VALUES (?, now())", [name])
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        applied.append(name)
    return applied
