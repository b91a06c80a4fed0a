"""OpenAlex works: cursor paging, polite mailto, its own resolution kept, and `compare`."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.cli import app
from collabatlas.errors import InputError, UsageError
from collabatlas.sources.openalex import abstract_from_index, read_openalex
from tests.replay import VENUE_ID, Replay, recorded
from tests.test_store import counts


def test_cursor_paging_and_mailto(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLABATLAS_MAILTO", "team@example.org")
    replay = Replay(tmp_path)
    batch = read_openalex("neurips2024", replay.fetcher, page_size=2)
    assert [r.url.path for r in replay.requests] == ["/sources", "/works", "/works"]
    assert replay.requests[0].url.params["search"] == "Neural Information Processing Systems"
    cursors = [r.url.params["cursor"] for r in replay.requests[1:]]
    assert cursors[0] == "*" and cursors[1].startswith("Ils")
    assert all(r.url.params["mailto"] == "team@example.org" for r in replay.requests)
    assert (
        replay.requests[1].url.params["filter"]
        == "primary_location.source.id:S1000000001,publication_year:2024"
    )
    assert (batch.location, batch.venue, len(batch.papers)) == ("openalex:S1000000001:2024", "NeurIPS", 3)
    planning = batch.papers[1]
    assert planning.doi == "10.52202/079017-0002"
    assert planning.authors[0].affiliations[0].raw == "Google DeepMind, London, UK"
    assert [(r.author_position, r.country) for r in planning.source_resolutions] == [(0, "US"), (1, "CN")]


def test_source_id_form_needs_a_year(tmp_path):
    with pytest.raises(UsageError, match="no year"):
        read_openalex("S1000000001", Replay(tmp_path).fetcher)


def test_abstract_from_inverted_index():
    assert abstract_from_index({"world": [1], "hello": [0, 2]}) == "hello world hello"
    assert abstract_from_index(None) == ""


def test_malformed_works_page(tmp_path, store, registry):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/works":
            return httpx.Response(200, content=json.dumps({"results": []}).encode())
        return recorded(request)

    before = counts(store)
    with pytest.raises(InputError, match="'meta': expected dict"):
        ca.ingest(
            store, ["openalex:neurips2024"], fetcher=Replay(tmp_path, handler).fetcher, registry=registry
        )
    assert counts(store) == before


def test_compare_reports_where_openalex_and_collabatlas_differ(tmp_path, store, registry, db_path):
    fetcher = Replay(tmp_path / "cache").fetcher
    ca.ingest(store, [f"openreview:{VENUE_ID}", "openalex:neurips2024"], fetcher=fetcher, registry=registry)
    table = ca.compare_source(store, "openalex").to_pylist()
    by_title = {r["title"]: r for r in table}
    assert by_title["Scaling Laws for Cross-Border Collaboration"]["status"] == "agree"
    planning = by_title["Robust Planning with Language Agents"]
    assert planning["status"] == "differ"
    assert (planning["only_source"], planning["only_collabatlas"]) == (["US"], ["GB"])
    assert by_title["Diffusion Models at Scale"]["collabatlas_countries"] == ["CN", "HK"]
    with pytest.raises(UsageError, match="no resolution from source 'dblp'"):
        ca.compare_source(store, "dblp")
    store.close()

    out = tmp_path / "compare.json"
    result = CliRunner().invoke(
        app, ["compare", "--source", "openalex", "--db", str(db_path), "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "3 papers from openalex: 1 agree, 2 differ" in result.output
    data = json.loads(out.read_text())
    assert data["summary"]["differ"] == 2 and {p["title"] for p in data["papers"]} == {
        "Robust Planning with Language Agents",
        "Diffusion Models at Scale",
    }
