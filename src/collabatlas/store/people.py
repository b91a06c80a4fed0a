"""Load people into the store: which person each source record's author is, and each profile's
public history (one row per entry, its institution kept as an affiliation for the resolver)."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from collabatlas.sources.profiles import stage_of, stage_table_version
from collabatlas.sources.records import SourceBatch
from collabatlas.store.load import aff_key

_SCHEMAS = {
    "new_people_links": {"source": pa.string(), "source_key": pa.string(), "author_position": pa.int32(),
                         "person": pa.string()},
    "new_people_keys": {"source": pa.string(), "source_key": pa.string()},
    "new_history": {"person": pa.string(), "entry": pa.int32(), "position": pa.string(),
                    "stage": pa.string(), "stage_table": pa.string(), "start_year": pa.int32(),
                    "end_year": pa.int32(), "aff_key": pa.string(), "country": pa.string()},
    "new_history_affs": {"aff_key": pa.string(), "raw": pa.string(), "domain": pa.string()},
    "new_people": {"person": pa.string(), "location": pa.string(), "entries": pa.int32()},
    "new_aliases": {"alias": pa.string(), "person": pa.string()},
}  # fmt: skip


def _staged(batch: SourceBatch) -> dict[str, pa.Table]:
    """The rows to write, as typed tables (typed even when empty)."""
    authors = [(p, a) for p in batch.papers for a in p.authors if a.person]
    entries = [(p.person, i, h) for p in batch.profiles for i, h in enumerate(p.history)]
    affs = [h.affiliation for _, _, h in entries]
    distinct = {aff_key(a.raw, a.domain): a for a in affs}
    aliases = {alias: p.person for p in batch.profiles for alias in p.aliases}
    version = stage_table_version()
    columns: dict[str, dict[str, list[object]]] = {
        "new_people_links": {
            "source": [p.source for p, _ in authors],
            "source_key": [p.paper_id for p, _ in authors],
            "author_position": [a.position for _, a in authors],
            "person": [a.person for _, a in authors],
        },
        "new_people_keys": {
            "source": [p.source for p in batch.papers],
            "source_key": [p.paper_id for p in batch.papers],
        },
        "new_history": {
            "person": [person for person, _, _ in entries],
            "entry": [i for _, i, _ in entries],
            "position": [h.position for _, _, h in entries],
            "stage": [stage_of(h.position) for _, _, h in entries],
            "stage_table": [version] * len(entries),
            "start_year": [h.start for _, _, h in entries],
            "end_year": [h.end for _, _, h in entries],
            "aff_key": [aff_key(a.raw, a.domain) for a in affs],
            "country": [a.country for a in affs],
        },
        "new_history_affs": {
            "aff_key": list(distinct),
            "raw": [a.raw for a in distinct.values()],
            "domain": [a.domain for a in distinct.values()],
        },
        "new_people": {
            "person": [p.person for p in batch.profiles],
            "location": [batch.location] * len(batch.profiles),
            "entries": [len(p.history) for p in batch.profiles],
        },
        "new_aliases": {"alias": list(aliases), "person": list(aliases.values())},
    }
    return {
        name: pa.table(values, schema=pa.schema(list(_SCHEMAS[name].items())))
        for name, values in columns.items()
    }


def load_people(conn: duckdb.DuckDBPyConnection, batch: SourceBatch) -> int:
    """Write the batch's author ids and profile histories inside the caller's transaction; a
    profile read again replaces its earlier rows. Returns the number of profiles written."""
    staged = _staged(batch)
    for name, table in staged.items():
        conn.register(name, table)
    try:
        conn.execute(
            "DELETE FROM source_people WHERE EXISTS (SELECT 1 FROM new_people_keys k "
            "WHERE k.source = source_people.source AND k.source_key = source_people.source_key)"
        )
        conn.execute("INSERT INTO source_people SELECT * FROM new_people_links")
        conn.execute("DELETE FROM person_history WHERE person IN (SELECT person FROM new_people)")
        conn.execute("DELETE FROM people WHERE person IN (SELECT person FROM new_people)")
        conn.execute("DELETE FROM person_aliases WHERE alias IN (SELECT alias FROM new_aliases)")
        conn.execute("INSERT INTO person_history SELECT * FROM new_history")
        conn.execute("INSERT INTO people SELECT person, location, entries, now() FROM new_people")
        conn.execute("INSERT INTO person_aliases SELECT * FROM new_aliases")
        conn.execute(
            "INSERT INTO affiliations SELECT * FROM new_history_affs "
            "WHERE aff_key NOT IN (SELECT aff_key FROM affiliations)"
        )
    finally:
        for name in staged:
            conn.unregister(name)
    return len(batch.profiles)
