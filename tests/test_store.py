"""The store: idempotent re-ingest, all-or-nothing ingest, migrations, single writer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import collabatlas as ca
from collabatlas.errors import InputError, StoreError
from collabatlas.store.migrations import migrate, migration_names
from tests.conftest import QUIRKS

TABLES = (
    "papers",
    "authorships",
    "affiliations",
    "authorship_affiliations",
    "resolutions",
    "sources",
)


def counts(store: ca.Store) -> dict[str, int]:
    return {t: store.rows(f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_ingest_then_reingest_changes_nothing(store, registry):
    first = ca.ingest(store, [str(QUIRKS)], registry=registry)
    before = counts(store)
    snapshot = store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL")
    second = ca.ingest(store, [str(QUIRKS)], registry=registry)
    assert counts(store) == before
    assert store.rows("SELECT * FROM authorship_affiliations ORDER BY ALL") == snapshot
    assert first.sources[0][3] == before["papers"] and second.sources[0][3] == 0
    assert second.resolved == 0


def test_many_venues_live_in_one_store(store, registry, tmp_path):
    other = tmp_path / "icml2021.json"
    shutil.copy(QUIRKS, other)
    ca.ingest(store, [str(QUIRKS), str(other)], registry=registry)
    venues = store.rows("SELECT venue, year, count(*) FROM papers GROUP BY ALL ORDER BY ALL")
    assert [(v, y) for v, y, _ in venues] == [("ICML", 2021), ("quirks", 2020)]


def test_a_bad_source_leaves_the_store_as_it_was(store, registry, tmp_path):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    before = counts(store)
    bad = tmp_path / "nips2019.json"
    bad.write_text(json.dumps([{"title": "fine"}, "not a paper"]))
    good = tmp_path / "icml2019.json"
    shutil.copy(QUIRKS, good)
    with pytest.raises(InputError, match=r"nips2019.json: record 1"):
        ca.ingest(store, [str(good), str(bad)], registry=registry)
    assert counts(store) == before


def test_a_failure_while_writing_rolls_back(store, registry, monkeypatch):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    before = counts(store)
    store.conn.execute("DELETE FROM resolutions")  # make resolution run again
    before["resolutions"] = 0

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("collabatlas.pipeline.resolve_pending", explode)
    with pytest.raises(RuntimeError):
        ca.ingest(store, [str(QUIRKS)], registry=registry)
    assert counts(store) == before


def test_migrations_are_named_and_rerunnable(store):
    names = migration_names()
    assert names[0] == "0001_foundation.sql"
    assert migrate(store.conn) == []
    applied = [r[0] for r in store.rows("SELECT name FROM schema_migrations ORDER BY name")]
    assert applied == names


def test_missing_store_for_reading_is_a_clear_error(tmp_path: Path):
    with pytest.raises(StoreError, match="no such store"):
        ca.Store(tmp_path / "absent.duckdb", read_only=True)


def test_a_file_that_is_not_a_store(tmp_path: Path):
    path = tmp_path / "junk.duckdb"
    path.write_text("hello")
    with pytest.raises(StoreError):
        ca.Store(path)
