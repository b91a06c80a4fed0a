"""Resolving many strings: the on-disk cache answers as the resolver would and misses when the
fingerprint changes; the process pool gives the serial answers, in order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import collabatlas as ca
from collabatlas.resolve import many
from collabatlas.resolve.apply import resolver_version
from collabatlas.resolve.registry import Registry
from collabatlas.resolve.resolver import resolve_alone, resolve_batch

PAIRS = [
    ("Department of Statistics", ""),
    ("Stanford University", "stanford.edu"),
    ("Google, London", ""),
    ("Tsinghua University, Beijing, China", "tsinghua.edu.cn"),
    ("Northeastern University", ""),
    ("Independent researcher", ""),
    ("", ""),
]
CONTEXTS = [("stanford.edu",), (), ("mit.edu", "stanford.edu"), (), ("neu.edu.cn",), (), ()]


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many strings the resolver itself was asked to resolve (alone or in context)."""
    calls: list[int] = []

    def alone(pairs, registry):  # type: ignore[no-untyped-def]
        calls.append(len(pairs))
        return resolve_alone(pairs, registry)

    def batch(pairs, registry, contexts=None):  # type: ignore[no-untyped-def]
        calls.append(len(pairs))
        return resolve_batch(pairs, registry, contexts)

    monkeypatch.setattr(many, "resolve_alone", alone)
    monkeypatch.setattr(many, "resolve_batch", batch)
    return calls


def test_cache_answers_as_the_resolver_and_misses_on_a_new_fingerprint(tmp_path, registry, counted):
    cache = many.ResolutionCache(tmp_path / "r.sqlite")
    fingerprint = resolver_version(registry)
    expected = resolve_alone(PAIRS, registry)
    assert many.resolve_alone_many(PAIRS, registry, fingerprint, cache=cache) == expected
    assert sum(counted) == len(PAIRS)
    again = many.ResolutionCache(tmp_path / "r.sqlite")  # another process, the same file
    assert many.resolve_alone_many(PAIRS, registry, fingerprint, cache=again) == expected
    assert sum(counted) == len(PAIRS), "a cached answer was resolved again"
    assert many.resolve_alone_many(PAIRS, registry, fingerprint + "-changed", cache=again) == expected
    assert sum(counted) == 2 * len(PAIRS), "a stale fingerprint must miss"


def test_cache_keys_the_context(tmp_path, registry, counted):
    cache = many.ResolutionCache(tmp_path / "r.sqlite")
    fingerprint = resolver_version(registry)
    expected = resolve_batch(PAIRS, registry, CONTEXTS)
    assert many.resolve_contexts_many(PAIRS, CONTEXTS, registry, fingerprint, cache=cache) == expected
    other = [("mit.edu",)] * len(PAIRS)
    assert many.resolve_contexts_many(PAIRS, other, registry, fingerprint, cache=cache) == resolve_batch(
        PAIRS, registry, other
    )
    assert sum(counted) == 2 * len(PAIRS)
    # Alone and in context are kept apart even for an empty context.
    many.resolve_alone_many(PAIRS, registry, fingerprint, cache=cache)
    assert sum(counted) == 3 * len(PAIRS)


def test_a_hand_built_registry_is_not_cached(tmp_path, registry, counted):
    tiny = Registry(list(registry.institutions[:50]), [], registry.places, version="test")
    tiny.index()
    cache = many.ResolutionCache(tmp_path / "r.sqlite")
    for _ in range(2):
        many.resolve_alone_many(PAIRS, tiny, "2.2.0+test", cache=cache)
    assert sum(counted) == 2 * len(PAIRS)


def test_a_broken_cache_file_is_a_miss(tmp_path, registry):
    path = tmp_path / "r.sqlite"
    path.write_bytes(b"not a database")
    cache = many.ResolutionCache(path)
    fingerprint = resolver_version(registry)
    assert many.resolve_alone_many(PAIRS, registry, fingerprint, cache=cache) == resolve_alone(
        PAIRS, registry
    )


def test_pool_gives_the_serial_answers_in_order(registry, monkeypatch):
    monkeypatch.setenv(many.WORKERS_ENV, "2")
    pairs = PAIRS * 5
    contexts = CONTEXTS * 5
    fingerprint = resolver_version(registry)
    assert many.resolve_alone_many(pairs, registry, fingerprint, pool_min=1) == resolve_alone(pairs, registry)
    assert many.resolve_contexts_many(pairs, contexts, registry, fingerprint, pool_min=1) == resolve_batch(
        pairs, registry, contexts
    )


def test_a_second_store_resolves_nothing_and_stores_the_same(tmp_path, registry, monkeypatch, counted):
    monkeypatch.setenv("COLLABATLAS_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv(many.CACHE_ENV, "on")
    papers = [
        {"id": "p1", "title": "One", "status": "Poster", "track": "main", "author": "A;B",
         "aff": "Department of Statistics;Stanford University", "aff_domain": ";stanford.edu"},
        {"id": "p2", "title": "Two", "status": "Poster", "track": "main", "author": "C",
         "aff": "Google, London", "aff_domain": ""},
    ]  # fmt: skip
    source = tmp_path / "iclr2021.json"
    source.write_text(json.dumps(papers), encoding="utf-8")
    answers = []
    for name in ("a", "b"):
        with ca.Store(Path(tmp_path) / f"{name}.duckdb") as store:
            ca.ingest(store, [str(source)], registry=registry)
            answers.append(
                store.rows(
                    "SELECT aff_key, institution_id, country, confidence, method, reason, candidates, parts "
                    "FROM resolutions ORDER BY aff_key"
                )
                + store.rows(
                    "SELECT aff_key, context_key, country, method, reason "
                    "FROM context_resolutions ORDER BY ALL"
                )
            )
        if name == "a":
            first = sum(counted)
            assert first > 0
    assert sum(counted) == first, "the second store resolved strings the cache holds"
    assert answers[0] == answers[1]


def test_cache_can_be_turned_off(monkeypatch):
    monkeypatch.setenv(many.CACHE_ENV, "off")
    assert many.default_cache() is None
