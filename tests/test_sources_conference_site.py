"""Conference-site programme JSON: one paper per title, tracks, venue-year from the path."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.cli import app
from collabatlas.errors import InputError, UsageError
from collabatlas.sources.conference_site import elsewhere, venue_year_from_location
from tests.replay import SITE, Replay
from tests.test_store import counts

SERVED = SITE.with_name("neurips-2025-orals-posters.json")


def test_oral_beside_its_poster_is_one_paper_and_tracks_are_kept():
    batch = ca.read_source(str(SITE))
    assert (batch.venue, batch.year, batch.records_read) == ("NeurIPS", 2024, 4)
    by_title = {p.title: p for p in batch.papers}
    assert len(batch.papers) == 3
    scaling = by_title["Scaling Laws for Cross-Border Collaboration"]
    assert scaling.status == "Oral" and scaling.openreview_id == "nOte1AbC" and scaling.track == "main"
    dataset = by_title["MultiReason: A Dataset for Multilingual Reasoning"]
    assert dataset.track == "datasets and benchmarks" and dataset.authors[2].affiliations == ()
    assert by_title["Diffusion models at scale!"].status == "Spotlight"


def test_the_served_shape_gives_the_papers_and_tracks_and_leaves_journal_entries_out():
    batch = ca.read_source(str(SERVED))
    assert (batch.venue, batch.year, batch.records_read) == ("NeurIPS", 2025, 7)
    assert batch.left_out == (("TMLR", 1), ("jmlr.org", 1))
    by_title = {p.title: p for p in batch.papers}
    assert sorted((p.title, p.track, p.status) for p in batch.papers) == [
        ("CityBench: A Benchmark for Urban Agents", "datasets and benchmarks", "Poster"),
        ("Position: Benchmarks Should Travel", "position", "Poster"),
        ("Reasoning with Discriminative Constraints", "main", "Spotlight"),
        ("Routing Experts across Borders", "main", "Oral"),  # its oral and its poster: one paper
    ]
    reasoning = by_title["Reasoning with Discriminative Constraints"]
    assert reasoning.authors[0].affiliations[0].raw == "Texas A&M University"
    assert reasoning.authors[2].affiliations == ()
    assert reasoning.url == "https://neurips.cc/virtual/2025/poster/119663"
    assert reasoning.openreview_id == "1kPO9vCRbg"


@pytest.mark.parametrize(
    ("sourceurl", "origin"),
    [
        ("https://openreview.net/group?id=NeurIPS.cc/2025/Conference", ""),
        ("https://openreview.net/group?id=NeurIPS.cc/2025/Datasets_and_Benchmarks_Track", ""),
        ("", ""),
        ("https://openreview.net/group?id=NeurIPS.cc/2024/Conference", "NeurIPS.cc/2024/Conference"),
        ("https://openreview.net/group?id=TMLR", "TMLR"),
        ("https://www.jmlr.org/papers/v25/23-1.html", "jmlr.org"),
    ],
)
def test_what_is_not_a_paper_of_the_venue_year(sourceurl, origin):
    assert elsewhere(sourceurl, "NeurIPS", 2025) == origin


def test_the_ingest_line_counts_what_was_left_out(tmp_path):
    runner = CliRunner()
    done = runner.invoke(app, ["ingest", str(SERVED), "--db", str(tmp_path / "s.duckdb")])
    assert done.exit_code == 0, done.output
    assert "NeurIPS 2025: 4 papers (4 new, 0 changed) from" in done.output
    assert "; 2 entries not of NeurIPS 2025 left out (TMLR 1, jmlr.org 1)" in done.output


def test_by_url_through_the_cache(tmp_path):
    url = "https://neurips.cc/static/virtual/data/neurips-2024-orals-posters.json"
    replay = Replay(tmp_path)
    first = ca.read_source(url, fetcher=replay.fetcher)
    again = ca.read_source(url, fetcher=replay.fetcher)
    assert len(replay.requests) == 1 and first.papers == again.papers and first.location == url


def test_venue_and_year_from_the_path_or_options(tmp_path):
    assert venue_year_from_location("https://icml.cc/static/virtual/data/icml-2025-orals-posters.json") == (
        "ICML",
        2025,
    )
    plain = tmp_path / "programme.json"
    plain.write_bytes(SITE.read_bytes())
    with pytest.raises(UsageError, match="cannot tell venue and year"):
        ca.read_source(str(plain))
    assert ca.read_source(str(plain), venue="iclr", year=2025).venue == "ICLR"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"count": 1, "results": {"name": "x"}}, r"'results': expected list"),
        (
            {"results": [{"name": "ok", "authors": [{"fullname": "A", "institution": 5}]}]},
            r"author 0: 'institution'",
        ),
        ({"results": [{"authors": []}]}, r"result 0: 'name'"),
    ],
)
def test_malformed_site_json_is_clear_and_stores_nothing(tmp_path, store, registry, document, message):
    bad = tmp_path / "neurips-2024-orals-posters.json"
    bad.write_text(json.dumps(document))
    before = counts(store)
    with pytest.raises(InputError, match=message):
        ca.ingest(store, [str(SITE), str(bad)], registry=registry)
    assert counts(store) == before


def test_unreachable_url_is_one_line(tmp_path):
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network")

    with pytest.raises(ca.FetchError) as error:
        ca.read_source(
            "https://neurips.cc/x/neurips-2024-orals-posters.json", fetcher=Replay(tmp_path, offline).fetcher
        )
    assert "\n" not in error.value.one_line()
