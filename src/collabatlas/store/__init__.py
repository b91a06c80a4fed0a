"""The embedded store (DuckDB): schema, migrations, and loading source records into it."""

from collabatlas.store.store import DEFAULT_DB, Store

__all__ = ["DEFAULT_DB", "Store"]
