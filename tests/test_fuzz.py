"""Fuzzing the paper-list reader and the resolver: any JSON value, any record and any string either
ingests or fails with one line naming the file (and the record), and a failure changes no store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collabatlas as ca
from collabatlas.errors import CollabAtlasError
from collabatlas.resolve import resolve_one
from tests.conftest import QUIRKS

FIELDS = ("title", "author", "aff", "aff_domain", "abstract", "status", "track", "site", "id", "oa", "pdf")
TABLES = ("sources", "papers", "paper_sources", "authorships", "authorship_affiliations", "affiliations",
          "resolutions")  # fmt: skip
NAME = "fuzz2020.json"

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
# Strings shaped like the real fields: ';'-separated authors, '+'-joined affiliations, marks, NULs.
field_text = st.lists(
    st.text(max_size=12)
    | st.sampled_from(["MIT", "Tsinghua University, China", "A*STAR", "†", " / ", "\x00"]),
    max_size=5,
).map(lambda parts: st_join(parts))
records = st.dictionaries(
    st.sampled_from(FIELDS) | st.text(max_size=6), field_text | json_values, max_size=len(FIELDS)
)
site_entries = st.fixed_dictionaries(
    {"name": field_text | json_values},
    optional={"authors": st.lists(st.dictionaries(st.sampled_from(["fullname", "institution"]),
                                                  field_text | json_values), max_size=3) | json_values},
)  # fmt: skip
documents = st.one_of(
    json_values,
    st.lists(records, max_size=5),
    st.fixed_dictionaries({"results": st.lists(site_entries, max_size=4) | json_values}),
)


def st_join(parts: list[str]) -> str:
    return ";".join("+".join(parts[i : i + 2]) for i in range(0, len(parts), 2))


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory, registry):
    directory = tmp_path_factory.mktemp("fuzz")
    with ca.Store(directory / "s.duckdb") as store:
        ca.ingest(store, [str(QUIRKS)], registry=registry)
        yield store, directory


def _snapshot(store: ca.Store) -> list[list[str]]:
    return [sorted(map(repr, store.rows(f"SELECT * FROM {t}"))) for t in TABLES]


def _ingest_or_one_line(store: ca.Store, path: Path, registry) -> None:
    before = _snapshot(store)
    try:
        ca.ingest(store, [str(path)], registry=registry)
    except CollabAtlasError as exc:
        line = exc.one_line()
        assert "\n" not in line and NAME in line, line
        assert not re.search(r"record \d+", str(exc)) or re.search(
            rf"{re.escape(NAME)}: record \d+: ", str(exc)
        )
        assert _snapshot(store) == before, "a failed ingest changed the store"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=documents)
def test_any_json_value_ingests_or_fails_in_one_line(fuzz_store, registry, document):
    store, directory = fuzz_store
    path = directory / NAME
    path.write_text(json.dumps(document), encoding="utf-8")
    _ingest_or_one_line(store, path, registry)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_ingest_or_fail_in_one_line(fuzz_store, registry, data):
    store, directory = fuzz_store
    path = directory / NAME
    path.write_bytes(data)
    _ingest_or_one_line(store, path, registry)


@settings(max_examples=200, deadline=None)
@given(raw=st.text(max_size=120), domain=st.text(max_size=30))
def test_the_resolver_answers_any_string(registry, raw, domain):
    result = resolve_one(raw, domain, registry)
    assert result.country is None or re.fullmatch(r"[A-Z]{2}", result.country)
    assert 0.0 <= result.confidence <= 1.0 and result.method and isinstance(result.reason, str)
    json.loads(result.candidates_json())
