"""Run the resolver over the store's affiliations that have no current resolution."""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import pyarrow as pa

from collabatlas.resolve.extra import store_registry
from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import RESOLVER_VERSION, resolve_batch

BATCH_SIZE = 5_000


def resolver_version(registry: Registry) -> str:
    """The version stamped on each resolution: resolver code plus registry inputs."""
    return f"{RESOLVER_VERSION}+{registry.version}"


def coauthor_domains(conn: duckdb.DuckDBPyConnection, aff_keys: list[str]) -> dict[str, list[str]]:
    """For each affiliation, the e-mail domains of the other affiliations on its papers."""
    if not aff_keys:
        return {}
    conn.register("pending_keys", pa.table({"aff_key": aff_keys}))
    try:
        rows = conn.execute(
            "SELECT a.aff_key, list(DISTINCT o.domain ORDER BY o.domain) "
            "FROM authorship_affiliations a JOIN pending_keys USING (aff_key) "
            "JOIN authorship_affiliations b ON b.paper_id = a.paper_id AND b.aff_key <> a.aff_key "
            "JOIN affiliations o ON o.aff_key = b.aff_key "
            "WHERE o.domain <> '' GROUP BY a.aff_key"
        ).fetchall()
    finally:
        conn.unregister("pending_keys")
    return {key: list(domains) for key, domains in rows}


def resolve_pending(
    conn: duckdb.DuckDBPyConnection,
    registry: Registry,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Resolve affiliations never resolved or resolved by another version; returns how many.

    The store's added registries (ROR, university-domains) are merged into ``registry`` first,
    and each affiliation gets its co-authors' domains as context. Runs inside the caller's
    transaction.
    """
    registry = store_registry(conn, registry)
    version = resolver_version(registry)
    pending = conn.execute(
        "SELECT a.aff_key, a.raw, a.domain FROM affiliations a "
        "LEFT JOIN resolutions r USING (aff_key) "
        "WHERE ? OR r.aff_key IS NULL OR r.resolver_version <> ? ORDER BY a.aff_key",
        [force, version],
    ).fetchall()
    context = coauthor_domains(conn, [key for key, _, _ in pending])
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        contexts = [context.get(key, []) for key, _, _ in chunk]
        results = resolve_batch([(raw, domain) for _, raw, domain in chunk], registry, contexts)
        table = pa.table(
            {
                "aff_key": [key for key, _, _ in chunk],
                "institution": [r.institution for r in results],
                "institution_id": [r.institution_id for r in results],
                "country": [r.country for r in results],
                "confidence": [r.confidence for r in results],
                "method": [r.method for r in results],
                "reason": [r.reason for r in results],
                "candidates": [r.candidates_json() for r in results],
                "resolver_version": [version] * len(results),
                "parts": [r.parts_json() for r in results],
                "source": [r.source for r in results],
                "context": [json.dumps(c) for c in contexts],
            }
        )
        conn.register("new_resolutions", table)
        try:
            conn.execute(
                "INSERT OR REPLACE INTO resolutions (aff_key, institution, institution_id, country, "
                "confidence, method, reason, candidates, resolver_version, resolved_at, parts, source, "
                "context) SELECT aff_key, institution, institution_id, country, confidence, method, "
                "reason, candidates, resolver_version, now(), parts, source, context FROM new_resolutions"
            )
        finally:
            conn.unregister("new_resolutions")
        if progress:
            progress(min(start + BATCH_SIZE, len(pending)), len(pending))
    return len(pending)
