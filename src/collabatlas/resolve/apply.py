"""Run the resolver over the store: every affiliation alone, and, where co-authors could change
the answer, once per co-author context it appears in; nothing stale is left behind.

A resolution is stale when its resolver fingerprint (:func:`resolver_version`: the resolver's
code and curated data, the packages it reads and the registries added to the store) is not the
current one, or, for a context-dependent affiliation, when a paper gives it a context not yet
resolved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from collabatlas.resolve.extra import store_registry
from collabatlas.resolve.many import default_cache, resolve_alone_many, resolve_contexts_many
from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import RESOLVER_VERSION, Resolution

BATCH_SIZE = 5_000
Progress = Callable[[int, int], None]


def resolver_version(registry: Registry) -> str:
    """The fingerprint stamped on each resolution: resolver release plus everything that decides it."""
    return f"{RESOLVER_VERSION}+{registry.version}"


def context_key(context: Sequence[str]) -> str:
    """The key of one co-author context (its sorted domains)."""
    return hashlib.md5("|".join(sorted(context)).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Stale:
    """What a store holds that its current resolver would not have written."""

    affiliations: int  # never resolved, or by another fingerprint
    contexts: int  # (affiliation, co-author context) pairs not resolved by this fingerprint

    @property
    def total(self) -> int:
        return self.affiliations + self.contexts


def coauthor_domains(conn: duckdb.DuckDBPyConnection, aff_keys: list[str]) -> dict[str, list[str]]:
    """For each affiliation, the e-mail domains of the other affiliations on all its papers."""
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


def _stale_affiliations(
    conn: duckdb.DuckDBPyConnection, version: str, force: bool
) -> list[tuple[str, str, str]]:
    return conn.execute(
        "SELECT a.aff_key, a.raw, a.domain FROM affiliations a "
        "LEFT JOIN resolutions r USING (aff_key) "
        "WHERE ? OR r.aff_key IS NULL OR r.resolver_version <> ? OR r.context_can_matter IS NULL "
        "ORDER BY a.aff_key",
        [force, version],
    ).fetchall()


def _link_contexts(
    conn: duckdb.DuckDBPyConnection, registry: Registry
) -> tuple[list[tuple[str, str, str]], dict[tuple[str, str], tuple[str, str, list[str]]]]:
    """Each (paper, affiliation) whose answer can depend on its co-authors, with the context its
    paper gives it: the co-authors' domains that belong to a known institution (other domains
    cannot change an answer). Returns the links and, per (aff_key, context_key), raw/domain/context."""
    rows = conn.execute(
        "SELECT a.paper_id, a.aff_key, f.raw, f.domain, list(DISTINCT o.domain ORDER BY o.domain) "
        "FROM authorship_affiliations a JOIN resolutions r ON r.aff_key = a.aff_key AND r.context_can_matter "
        "JOIN affiliations f ON f.aff_key = a.aff_key "
        "JOIN authorship_affiliations b ON b.paper_id = a.paper_id AND b.aff_key <> a.aff_key "
        "JOIN affiliations o ON o.aff_key = b.aff_key "
        "WHERE o.domain <> '' GROUP BY ALL ORDER BY a.paper_id, a.aff_key"
    ).fetchall()
    known: dict[str, bool] = {}
    links: list[tuple[str, str, str]] = []
    cases: dict[tuple[str, str], tuple[str, str, list[str]]] = {}
    for paper_id, aff_key, raw, domain, domains in rows:
        own = domain.strip().lower()
        context = []
        for d in domains:
            d = d.strip().lower()
            if d == own:
                continue
            if d not in known:
                known[d] = bool(registry.institutions_for_domain(d)[1])
            if known[d]:
                context.append(d)
        if not context:
            continue
        key = context_key(context)
        links.append((paper_id, aff_key, key))
        cases.setdefault((aff_key, key), (raw, domain, context))
    return links, cases


def _resolution_columns(results: Sequence[Resolution], version: str) -> dict[str, list[object]]:
    return {
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
        "ror_id": [r.ror_id for r in results],
    }


def _insert(conn: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[object]]) -> None:
    conn.register("new_rows", pa.table(columns))
    try:
        names = ", ".join(columns)
        conn.execute(
            f"INSERT OR REPLACE INTO {table} ({names}, resolved_at) SELECT {names}, now() FROM new_rows"
        )
    finally:
        conn.unregister("new_rows")


def _resolve_alone(
    conn: duckdb.DuckDBPyConnection,
    registry: Registry,
    version: str,
    pending: list[tuple[str, str, str]],
    progress: Progress | None,
    done: int,
    total: int,
) -> None:
    cache = default_cache()
    answers = resolve_alone_many(
        [(raw, domain) for _, raw, domain in pending], registry, version, cache=cache
    )
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        found = answers[start : start + BATCH_SIZE]
        columns: dict[str, list[object]] = {"aff_key": [key for key, _, _ in chunk]}
        columns |= _resolution_columns([r for r, _ in found], version)
        columns |= {"context": ["[]"] * len(chunk), "context_can_matter": [m for _, m in found]}
        _insert(conn, "resolutions", columns)
        if progress:
            progress(done + start + len(chunk), total)


def _resolve_contexts(
    conn: duckdb.DuckDBPyConnection,
    registry: Registry,
    version: str,
    pending: list[tuple[tuple[str, str], tuple[str, str, list[str]]]],
    progress: Progress | None,
    done: int,
    total: int,
) -> None:
    answers = resolve_contexts_many(
        [(raw, domain) for _, (raw, domain, _) in pending],
        [c for _, (_, _, c) in pending],
        registry,
        version,
        cache=default_cache(),
    )
    for start in range(0, len(pending), BATCH_SIZE):
        chunk = pending[start : start + BATCH_SIZE]
        results = answers[start : start + BATCH_SIZE]
        columns: dict[str, list[object]] = {
            "aff_key": [aff for (aff, _), _ in chunk],
            "context_key": [key for (_, key), _ in chunk],
            "context": [json.dumps(c) for _, (_, _, c) in chunk],
        }
        _insert(conn, "context_resolutions", columns | _resolution_columns(results, version))
        if progress:
            progress(done + start + len(chunk), total)


def _current_contexts(conn: duckdb.DuckDBPyConnection, version: str) -> set[tuple[str, str]]:
    rows = conn.execute(
        "SELECT aff_key, context_key FROM context_resolutions WHERE resolver_version = ?", [version]
    ).fetchall()
    return {(aff, key) for aff, key in rows}


def resolve_pending(
    conn: duckdb.DuckDBPyConnection,
    registry: Registry,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> int:
    """Resolve whatever is stale (see the module docstring); returns how many resolutions it wrote.

    The store's added registries (ROR, university-domains) are merged into ``registry`` first.
    The answer for each (paper, affiliation) then depends only on the string, its domain, its
    paper's co-authors and the resolver, whatever the order or number of ingests. Runs inside the
    caller's transaction.
    """
    registry = store_registry(conn, registry)
    version = resolver_version(registry)
    pending = _stale_affiliations(conn, version, force)
    total = len(pending)
    _resolve_alone(conn, registry, version, pending, progress, 0, total)
    links, cases = _link_contexts(conn, registry)
    current = set() if force else _current_contexts(conn, version)
    contexts = [(case, found) for case, found in cases.items() if case not in current]
    _resolve_contexts(conn, registry, version, contexts, progress, total, total + len(contexts))
    conn.execute("DELETE FROM link_contexts")
    if links:
        conn.register(
            "new_links",
            pa.table(
                {k: [row[i] for row in links] for i, k in enumerate(("paper_id", "aff_key", "context_key"))}
            ),
        )
        try:
            conn.execute("INSERT INTO link_contexts SELECT paper_id, aff_key, context_key FROM new_links")
        finally:
            conn.unregister("new_links")
    conn.execute(
        "DELETE FROM context_resolutions c WHERE c.resolver_version <> ? OR NOT EXISTS "
        "(SELECT 1 FROM link_contexts x WHERE x.aff_key = c.aff_key AND x.context_key = c.context_key)",
        [version],
    )
    return total + len(contexts)


def stale(conn: duckdb.DuckDBPyConnection, registry: Registry) -> Stale:
    """How many resolutions :func:`resolve_pending` would write now (without writing any)."""
    registry = store_registry(conn, registry)
    version = resolver_version(registry)
    affiliations = len(_stale_affiliations(conn, version, False))
    if affiliations:
        return Stale(affiliations, 0)
    _, cases = _link_contexts(conn, registry)
    current = _current_contexts(conn, version)
    return Stale(0, sum(1 for case in cases if case not in current))


def resolver_fingerprints(
    conn: duckdb.DuckDBPyConnection, counted_papers: str = "", params: Sequence[object] = ()
) -> list[str]:
    """The resolver fingerprints the resolutions on papers came from (human corrections are not
    listed); more than one means figures mix resolver versions. ``counted_papers``, a query
    returning ``paper_id`` (with its ``params``), narrows it to the papers a figure counts."""
    narrowed = f" AND paper_id IN ({counted_papers})" if counted_papers else ""
    rows = conn.execute(
        "SELECT DISTINCT resolver_version FROM link_resolutions "
        f"WHERE resolver_version IS NOT NULL AND resolver_version <> 'human'{narrowed} ORDER BY 1",
        list(params),
    ).fetchall()
    return [row[0] for row in rows]
