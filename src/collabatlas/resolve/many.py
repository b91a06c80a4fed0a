"""Resolving many strings at once: never the same one twice, and on both cores when it pays.

- **A resolution cache on disk**, beside the HTTP cache (``$COLLABATLAS_CACHE/resolutions.sqlite``),
  shared by every store: each answer is kept under its string, its domain, its co-author context
  and the resolver fingerprint, so a second store, a re-ingest or ``resolve --force`` after no
  change looks the answers up. A new fingerprint (new code, curated data, packages or added
  registries) misses, and so does a registry without a computed fingerprint (one built by hand).
  ``COLLABATLAS_RESOLUTION_CACHE=off`` turns it off.
- **A process pool** over chunks of a batch of at least :data:`POOL_MIN_BATCH` strings still to
  resolve, with ``COLLABATLAS_WORKERS`` processes (default 1: no pool); the workers inherit
  the registry when the platform forks, else each receives it once. The resolver is a pure
  function, so the answers are the serial ones, in order.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import pickle
import re
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import Resolution, resolve_alone, resolve_batch

CACHE_ENV = "COLLABATLAS_RESOLUTION_CACHE"
WORKERS_ENV = "COLLABATLAS_WORKERS"
CACHE_FILE = "resolutions.sqlite"
POOL_MIN_BATCH = 100_000  # strings left to resolve in one batch before a pool pays for its start
CHUNKS_PER_WORKER = 4
# Fingerprints computed from the registry's inputs (load_registry, store_registry, with_extra).
_COMPUTED = re.compile(r"[0-9a-f]{16}(\+[0-9a-f]{12})*")

T = TypeVar("T")
Alone = tuple[Resolution, bool]
Pair = tuple[str, str]


def cache_enabled() -> bool:
    """Whether the on-disk resolution cache is used (``$COLLABATLAS_RESOLUTION_CACHE``)."""
    value = os.environ.get("COLLABATLAS_RESOLUTION_CACHE", "on")
    return value.strip().lower() not in ("off", "0", "no", "false")


def workers() -> int:
    """Processes for a large batch (``$COLLABATLAS_WORKERS``; default 1, no pool: on the shared
    2-core machine it was measured, a pool of 2 was slower than one process, docs/scale.md)."""
    value = os.environ.get("COLLABATLAS_WORKERS", "").strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    return 1


class ResolutionCache:
    """Answers on disk keyed by (kind, fingerprint, string, domain, context); never raises on
    a cache problem (a broken or locked file is a miss)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection | None:
        if self._conn is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=10)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS resolutions "
                    "(key BLOB PRIMARY KEY, fingerprint TEXT NOT NULL, answer BLOB NOT NULL)"
                )
                self._conn = conn
            except (OSError, sqlite3.Error):
                return None
        return self._conn

    @staticmethod
    def key(kind: str, fingerprint: str, pair: Pair, context: Sequence[str] = ()) -> bytes:
        text = "\0".join((kind, fingerprint, pair[0], pair[1], "|".join(sorted(context))))
        return hashlib.blake2b(text.encode(), digest_size=20).digest()

    def get(self, keys: Sequence[bytes]) -> dict[bytes, Any]:
        conn = self._open()
        found: dict[bytes, Any] = {}
        if conn is None or not keys:
            return found
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, answer in conn.execute(
                    f"SELECT key, answer FROM resolutions WHERE key IN ({marks})", chunk
                ):
                    found[key] = pickle.loads(answer)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            return {}
        return found

    def put(self, fingerprint: str, items: Sequence[tuple[bytes, Any]]) -> None:
        conn = self._open()
        if conn is None or not items:
            return
        rows = [(key, fingerprint, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)) for key, v in items]
        try:
            with conn:
                conn.executemany("INSERT OR REPLACE INTO resolutions VALUES (?, ?, ?)", rows)
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def default_cache() -> ResolutionCache | None:
    """The shared cache beside the HTTP cache, or None when turned off."""
    if not cache_enabled():
        return None
    from collabatlas.sources.http import default_cache_dir

    return ResolutionCache(default_cache_dir() / CACHE_FILE)


def resolve_alone_many(
    pairs: Sequence[Pair],
    registry: Registry,
    fingerprint: str,
    *,
    cache: ResolutionCache | None = None,
    pool_min: int = POOL_MIN_BATCH,
) -> list[Alone]:
    """:func:`resolve_alone` over ``pairs``, through the cache and, for a large batch, the pool."""
    return _many(
        "alone",
        list(pairs),
        [()] * len(pairs),
        registry,
        fingerprint,
        cache,
        pool_min,
        lambda p, _: resolve_alone(p, registry),
        _alone_chunk,
    )


def resolve_contexts_many(
    pairs: Sequence[Pair],
    contexts: Sequence[Sequence[str]],
    registry: Registry,
    fingerprint: str,
    *,
    cache: ResolutionCache | None = None,
    pool_min: int = POOL_MIN_BATCH,
) -> list[Resolution]:
    """:func:`resolve_batch` with co-author contexts, through the cache and, for a large batch, the pool."""
    return _many(
        "context",
        list(pairs),
        [tuple(c) for c in contexts],
        registry,
        fingerprint,
        cache,
        pool_min,
        lambda p, c: resolve_batch(p, registry, c),
        _context_chunk,
    )


def _many(
    kind: str,
    pairs: list[Pair],
    contexts: list[tuple[str, ...]],
    registry: Registry,
    fingerprint: str,
    cache: ResolutionCache | None,
    pool_min: int,
    serial: Callable[[list[Pair], list[tuple[str, ...]]], list[T]],
    chunk_fn: Callable[[tuple[list[Pair], list[tuple[str, ...]]]], list[T]],
) -> list[T]:
    if cache is not None and not _COMPUTED.fullmatch(registry.version):
        cache = None  # a hand-built registry's version does not identify its contents
    keys = [ResolutionCache.key(kind, fingerprint, p, c) for p, c in zip(pairs, contexts, strict=True)]
    known = cache.get(keys) if cache is not None else {}
    missing = [i for i, key in enumerate(keys) if key not in known]
    todo_pairs = [pairs[i] for i in missing]
    todo_contexts = [contexts[i] for i in missing]
    n_workers = workers()
    if len(missing) >= pool_min and n_workers > 1:
        found = _pooled(registry, todo_pairs, todo_contexts, n_workers, chunk_fn)
    else:
        found = serial(todo_pairs, todo_contexts)
    if cache is not None:
        cache.put(fingerprint, [(keys[i], answer) for i, answer in zip(missing, found, strict=True)])
    answers = [known.get(key) for key in keys]
    for i, answer in zip(missing, found, strict=True):
        answers[i] = answer
    return answers  # type: ignore[return-value]


_WORKER_REGISTRY: Registry | None = None


def _init_worker(registry: Registry | None) -> None:
    global _WORKER_REGISTRY
    if registry is not None:
        _WORKER_REGISTRY = registry


def _worker_registry() -> Registry:
    if _WORKER_REGISTRY is None:
        raise RuntimeError("resolver worker started without a registry")
    return _WORKER_REGISTRY


def _alone_chunk(job: tuple[list[Pair], list[tuple[str, ...]]]) -> list[Alone]:
    return resolve_alone(job[0], _worker_registry())


def _context_chunk(job: tuple[list[Pair], list[tuple[str, ...]]]) -> list[Resolution]:
    return resolve_batch(job[0], _worker_registry(), job[1])


def _pooled(
    registry: Registry,
    pairs: list[Pair],
    contexts: list[tuple[str, ...]],
    n_workers: int,
    chunk_fn: Callable[[tuple[list[Pair], list[tuple[str, ...]]]], list[T]],
) -> list[T]:
    """The chunks resolved by ``n_workers`` processes, in order. Forked workers inherit the
    registry; spawned ones receive it once each."""
    global _WORKER_REGISTRY
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    size = max(1, -(-len(pairs) // (n_workers * CHUNKS_PER_WORKER)))
    jobs = [(pairs[s : s + size], contexts[s : s + size]) for s in range(0, len(pairs), size)]
    forked = context.get_start_method() == "fork"
    previous = _WORKER_REGISTRY
    _WORKER_REGISTRY = registry  # what a forked worker inherits
    try:
        with ProcessPoolExecutor(
            n_workers, mp_context=context, initializer=_init_worker, initargs=(None if forked else registry,)
        ) as pool:
            return [answer for chunk in pool.map(chunk_fn, jobs) for answer in chunk]
    finally:
        _WORKER_REGISTRY = previous
