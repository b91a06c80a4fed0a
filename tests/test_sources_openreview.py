"""OpenReview (API v2) through replayed responses: pagination, profiles, 429, resume, errors."""

from __future__ import annotations

import json

import httpx
import pytest

import collabatlas as ca
from collabatlas.errors import FetchError, InputError
from collabatlas.pipeline import ingest_batches
from collabatlas.sources.openreview import affiliation, history_entry, read_openreview, track_from_id
from tests.replay import OPENREVIEW, VENUE_ID, Replay, recorded
from tests.test_store import counts

SPEC = f"openreview:{VENUE_ID}"


def test_pages_and_profiles(tmp_path):
    replay = Replay(tmp_path)
    batch = read_openreview(VENUE_ID, replay.fetcher, page_size=2, profile_batch=3)
    offsets = [r.url.params["offset"] for r in replay.requests if r.url.path == "/notes"]
    assert offsets == ["0", "2"]
    assert (batch.venue, batch.year, batch.records_read) == ("NeurIPS", 2024, 3)
    first = batch.papers[0]
    assert first.paper_id == "openreview:nOte1AbC" and first.openreview_id == "nOte1AbC"
    assert (first.status, first.track) == ("Oral", "main")
    # Profiles in batches (POST /profiles/search, as openreview-py), each author once although
    # Wei Li has two papers; none one by one.
    searches = [r for r in replay.requests if r.url.path.startswith("/profiles")]
    assert [(r.method, r.url.path) for r in searches] == [("POST", "/profiles/search")] * 2
    assert [json.loads(r.content)["ids"] for r in searches] == [
        ["~Ada_Lovelace1", "~Grace_Hopper1", "~Mei_Chen2"],
        ["~Wei_Li3"],
    ]
    # Each author carries their profile id; the histories come with the batch.
    assert [a.person for a in first.authors] == ["~Ada_Lovelace1", "~Wei_Li3"]
    assert batch.papers[1].authors[1].person == ""  # known by e-mail only
    assert {p.person: len(p.history) for p in batch.profiles} == {
        "~Ada_Lovelace1": 2,
        "~Grace_Hopper1": 0,
        "~Mei_Chen2": 1,
        "~Wei_Li3": 2,
    }


def test_affiliation_rules(tmp_path):
    batch = read_openreview(VENUE_ID, Replay(tmp_path).fetcher)
    affs = {a.name: a.affiliations for p in batch.papers for a in p.authors}
    # The history entry covering 2024, not the current one (Google DeepMind from 2025).
    assert affs["Wei Li"][0].raw == "Tsinghua University, Beijing, China"
    assert (affs["Wei Li"][0].domain, affs["Wei Li"][0].country) == ("tsinghua.edu.cn", "CN")
    # No entry covers 2024: the current one, region kept.
    assert affs["Mei Chen"][0].country == "HK" and affs["Mei Chen"][0].domain == "hku.hk"
    # A profile without history: the e-mail domain; an author known only by e-mail: its domain.
    assert affs["Grace Hopper"][0].raw == "cmu.edu" == affs["Grace Hopper"][0].domain
    assert affs["Kenji Sato"][0].domain == "u-tokyo.ac.jp"


def test_history_choice_and_tracks():
    history = [
        {"start": 2015, "end": 2019, "institution": {"name": "A"}},
        {"start": 2018, "end": None, "institution": {"name": "B"}},
        {"start": 2019, "end": 2020, "institution": {"name": ""}},
    ]
    assert history_entry(history, 2019)["institution"]["name"] == "B"  # latest-starting of those covering
    assert history_entry(history, 2016)["institution"]["name"] == "A"
    assert history_entry(history[:1], 2024) is None
    assert affiliation(None, "~Nobody1", 2024) is None
    assert track_from_id("NeurIPS.cc/2024/Datasets_and_Benchmarks_Track") == "datasets and benchmarks"
    assert track_from_id("ICML.cc/2024/Position_Paper_Track") == "position"


def test_429_is_honoured(tmp_path):
    limited = {"done": False}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/profiles/search" and not limited["done"]:
            limited["done"] = True
            return httpx.Response(429, headers={"Retry-After": "3"})
        return recorded(request)

    replay = Replay(tmp_path, handler)
    batch = read_openreview(VENUE_ID, replay.fetcher)
    assert replay.sleeps == [3.0] and len(batch.papers) == 3


def test_timeout_mid_run_then_resume_from_the_cache(tmp_path, store, registry):
    def flaky(request: httpx.Request) -> httpx.Response:
        if b"~Mei_Chen2" in request.content:
            raise httpx.ReadTimeout("timed out")
        return recorded(request)

    broken = Replay(tmp_path / "cache", flaky, max_retries=1)
    before = counts(store)
    with pytest.raises(FetchError, match="timed out after 2 attempts"):
        read = read_openreview(VENUE_ID, broken.fetcher, profile_batch=2)
        ingest_batches(store, [read], registry=registry)
    assert counts(store) == before  # nothing stored half-way
    resumed = Replay(tmp_path / "cache")
    batch = read_openreview(VENUE_ID, resumed.fetcher, profile_batch=2)
    ingest_batches(store, [batch], registry=registry)
    # Only what the first run did not get: the batch that timed out.
    assert [json.loads(r.content)["ids"] for r in resumed.requests] == [["~Mei_Chen2", "~Wei_Li3"]]
    assert store.rows("SELECT count(*) FROM papers")[0][0] == 3


def test_offline_with_and_without_a_warm_cache(tmp_path):
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network")

    with pytest.raises(FetchError) as error:
        ca.read_source(SPEC, fetcher=Replay(tmp_path, offline).fetcher)
    assert "\n" not in error.value.one_line() and "ConnectError" in error.value.one_line()
    read_openreview(VENUE_ID, Replay(tmp_path).fetcher)  # warm the cache
    assert len(ca.read_source(SPEC, fetcher=Replay(tmp_path, offline).fetcher).papers) == 3


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        ({"notes": "oops"}, r"'notes': expected list"),
        ({"notes": [{"id": "x", "content": {"title": "v1 style"}}]}, r"not an API v2"),
        (
            {
                "notes": [
                    {
                        "id": "x",
                        "content": {
                            "title": {"value": "t"},
                            "authors": {"value": ["A", "B"]},
                            "authorids": {"value": ["~A1"]},
                        },
                    }
                ]
            },
            r"2 authors but 1 authorids",
        ),
    ],
)
def test_malformed_payloads_are_clear_and_store_nothing(tmp_path, store, registry, broken, message):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/notes":
            return httpx.Response(200, content=json.dumps(broken).encode())
        return recorded(request)

    before = counts(store)
    with pytest.raises(InputError, match=message):
        ca.ingest(store, [SPEC], fetcher=Replay(tmp_path, handler).fetcher, registry=registry)
    assert counts(store) == before


def test_not_json_names_the_request_and_hints_refresh(tmp_path):
    replay = Replay(tmp_path, lambda request: httpx.Response(200, content=b"<html>"))
    with pytest.raises(InputError) as error:
        read_openreview(VENUE_ID, replay.fetcher)
    assert "api2.openreview.net/notes" in str(error.value) and "--refresh" in error.value.hint


def test_fixtures_are_api_v2_shaped():
    note = json.loads((OPENREVIEW / "notes_offset0.json").read_text())["notes"][0]
    assert all(set(field) == {"value"} for field in note["content"].values())
