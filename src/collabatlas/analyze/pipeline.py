"""Named SQL steps: a query built as a chain of CTEs, each with its own named parameters.

Every count collabatlas reports starts from the same chain (see :mod:`collabatlas.analyze.counted`)
and adds its own last steps. Parameters are DuckDB named parameters (``$name``), so no step
depends on where another step's placeholders sit in the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from collabatlas.store import Store


@dataclass(frozen=True)
class Step:
    """One CTE: its name, its SQL (reading earlier steps by name) and the parameters it uses."""

    name: str
    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SqlPipeline:
    """An ordered chain of named steps; :meth:`then` returns a longer chain, never changes this one."""

    steps: tuple[Step, ...] = ()

    def then(self, name: str, sql: str, **params: Any) -> SqlPipeline:
        """This chain with one more step."""
        if any(step.name == name for step in self.steps):
            raise ValueError(f"step {name!r} is already in the pipeline")
        return SqlPipeline((*self.steps, Step(name, sql, params)))

    @property
    def names(self) -> tuple[str, ...]:
        """The step names, in order."""
        return tuple(step.name for step in self.steps)

    def params(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Every step's parameters (and ``extra``); one name means one value throughout."""
        merged: dict[str, Any] = {}
        for source in [*(step.params for step in self.steps), extra or {}]:
            for key, value in source.items():
                if key in merged and merged[key] != value:
                    raise ValueError(f"parameter ${key} is bound to two values")
                merged[key] = value
        return merged

    def sql(self, final: str) -> str:
        """The whole query: every step as a CTE, then ``final`` (which reads them by name)."""
        ctes = ",\n".join(f"{step.name} AS (\n{step.sql}\n)" for step in self.steps)
        return f"WITH {ctes}\n{final}" if ctes else final

    def _used_params(self, sql: str, extra: Mapping[str, Any] | None) -> dict[str, Any]:
        return {k: v for k, v in self.params(extra).items() if re.search(rf"\${k}\b", sql)}

    def query(self, store: Store, final: str, **params: Any) -> pa.Table:
        """Run the chain ending in ``final`` and return a pyarrow table."""
        sql = self.sql(final)
        return store.conn.sql(sql, params=self._used_params(sql, params) or None).to_arrow_table()

    def rows(self, store: Store, final: str, **params: Any) -> list[tuple[Any, ...]]:
        """Run the chain ending in ``final`` and return its rows as tuples."""
        sql = self.sql(final)
        return store.conn.execute(sql, self._used_params(sql, params)).fetchall()

    def materialise(self, store: Store, table: str, final: str) -> None:
        """Run the chain ending in ``final`` into the TEMP table ``table`` (replacing it)."""
        sql = f"CREATE OR REPLACE TEMP TABLE {table} AS {self.sql(final)}"
        store.conn.execute(sql, self._used_params(sql, None))
