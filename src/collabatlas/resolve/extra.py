"""Registries added to a store: save them with their provenance, and merge them into the
shipped registry when resolving (cached on disk, keyed by the shipped version and the sources)."""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from collabatlas.errors import InputError
from collabatlas.resolve.registries import (
    ROR,
    UNIVERSITY_DOMAINS,
    RegistrySource,
    read_ror,
    read_university_domains,
)
from collabatlas.resolve.registry import Institution, Registry, with_extra
from collabatlas.sources.http import CachedFetcher, default_cache_dir

READERS = {ROR: read_ror, UNIVERSITY_DOMAINS: read_university_domains}


@dataclass(frozen=True, slots=True)
class AddedRegistry:
    """What ``add_registry`` stored."""

    source: RegistrySource
    institutions: int
    replaced: tuple[str, ...]  # source ids of the same kind it replaced


def read_location(location: str, fetcher: CachedFetcher | None = None) -> bytes:
    """The bytes at a path or an https URL (through the cached fetcher)."""
    if location.startswith(("https://", "http://")):
        return (fetcher or CachedFetcher()).get(location)
    path = Path(location)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{location}: cannot read ({exc.strerror or exc})") from exc


def add_registry(
    conn: duckdb.DuckDBPyConnection,
    kind: str,
    location: str,
    *,
    fetcher: CachedFetcher | None = None,
) -> AddedRegistry:
    """Read a registry of ``kind`` from a path or URL and store it, replacing one of the same kind.

    Runs inside the caller's transaction.
    """
    source, institutions = READERS[kind](read_location(location, fetcher), location)
    if not institutions:
        raise InputError(f"{location}: no usable institutions in this {kind} file")
    replaced = tuple(
        row[0]
        for row in conn.execute("SELECT source_id FROM registry_sources WHERE kind = ?", [kind]).fetchall()
    )
    conn.execute(
        "DELETE FROM registry_institutions WHERE source_id IN "
        "(SELECT source_id FROM registry_sources WHERE kind = ?)",
        [kind],
    )
    conn.execute("DELETE FROM registry_sources WHERE kind = ?", [kind])
    conn.execute(
        "INSERT INTO registry_sources VALUES (?, ?, ?, ?, ?, ?, now())",
        [source.source_id, kind, source.location, source.version, source.sha256, len(institutions)],
    )
    unique = list({inst.id: inst for inst in institutions}.values())
    table = pa.table(
        {
            "source_id": [source.source_id] * len(unique),
            "id": [i.id for i in unique],
            "name": [i.name for i in unique],
            "country": [i.country for i in unique],
            "kind": [i.kind for i in unique],
            "city": [i.city for i in unique],
            "aliases": [list(i.aliases) for i in unique],
            "acronyms": [list(i.acronyms) for i in unique],
            "domains": [list(i.domains) for i in unique],
        }
    )
    conn.register("new_registry_institutions", table)
    try:
        conn.execute("INSERT INTO registry_institutions SELECT * FROM new_registry_institutions")
    finally:
        conn.unregister("new_registry_institutions")
    return AddedRegistry(source, len(unique), replaced)


def store_sources(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, int]]:
    """(source_id, kind, location, version, institutions) of every added registry."""
    return [
        (str(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4]))
        for r in conn.execute(
            "SELECT source_id, kind, location, version, institutions FROM registry_sources ORDER BY source_id"
        ).fetchall()
    ]


def store_institutions(conn: duckdb.DuckDBPyConnection) -> list[Institution]:
    """Every institution of the added registries."""
    rows = conn.execute(
        "SELECT id, name, country, kind, city, aliases, acronyms, domains, source_id "
        "FROM registry_institutions ORDER BY source_id, id"
    ).fetchall()
    return [
        Institution(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            tuple(r[5]),
            tuple(r[6]),
            tuple(r[7]),
            r[8],
            ror_id=r[0] if str(r[8]).startswith(f"{ROR}:") else "",
        )
        for r in rows
    ]


def _has_registry_tables(conn: duckdb.DuckDBPyConnection) -> bool:
    found = conn.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'registry_sources'"
    ).fetchone()
    return bool(found and found[0])


def store_registry(
    conn: duckdb.DuckDBPyConnection, registry: Registry, cache_dir: Path | None = None
) -> Registry:
    """The shipped registry merged with the store's added registries (cached on disk)."""
    if not _has_registry_tables(conn):
        return registry
    sources = store_sources(conn)
    if not sources:
        return registry
    tag = hashlib.sha256(repr(sources).encode()).hexdigest()[:12]
    path = (cache_dir or default_cache_dir()) / f"registry-{registry.version}+{tag}.pickle"
    if path.exists():
        try:
            with path.open("rb") as handle:
                cached = pickle.load(handle)
            if isinstance(cached, Registry):
                return cached
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    merged = with_extra(registry, store_institutions(conn), tag=tag)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        with tmp.open("wb") as handle:
            pickle.dump(merged, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass
    return merged
