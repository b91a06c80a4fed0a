"""The embedded store (DuckDB): schema, migrations, and loading source records into it."""

from typing import TYPE_CHECKING, Any

DEFAULT_DB = "collabatlas.duckdb"

if TYPE_CHECKING:
    from collabatlas.store.store import Store


def __getattr__(name: str) -> Any:
    """``Store`` loads DuckDB on first use, so ``DEFAULT_DB`` costs nothing to import."""
    if name == "Store":
        from collabatlas.store.store import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["DEFAULT_DB", "Store"]
