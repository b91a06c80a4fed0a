"""Run the resolver over the store's affiliations that have no current resolution."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import RESOLVER_VERSION, resolve_batch

BATCH_SIZE = 5_000


def resolver_version(registry: Registry) -> str:
    """The version stamped on each resolution: resolver code plus registry inputs."""
    return f"{RESOLVER_VERSION}+{registry.version}"


def resolve_pending(
    conn: duckdb.DuckDBPyConnection,
    registry: Registry,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Resolve affiliations never resolved or resolved by another version; returns how many.

    Runs inside the caller's transaction.
    """
    version = resolver_version(registry)
    pending = conn.execute(
        "SELECT a.aff_key, a.raw, a.domain FROM affiliations a "
        "LEFT JOIN resolutions r USING (aff_key) "
        "WHERE ? OR r.aff_key IS NULL OR r.resolver_version <> ? ORDER BY a.aff_key",
        [force, version],
    ).fetchall()
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        results = resolve_batch([(raw, domain) for _, raw, domain in chunk], registry)
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
            }
        )
        conn.register("new_resolutions", table)
        try:
            conn.execute(
                "INSERT OR REPLACE INTO resolutions SELECT aff_key, institution, institution_id, "
                "country, confidence, method, reason, candidates, resolver_version, now() "
                "FROM new_resolutions"
            )
        finally:
            conn.unregister("new_resolutions")
        if progress:
            progress(min(start + BATCH_SIZE, len(pending)), len(pending))
    return len(pending)
