"""Researcher mobility against recorded profiles: histories kept one row per entry, the stage
mapping, flows and origin shares with intervals, bridges, the paper's date deciding the
destination, missing years and countries, a person on several papers, site against headquarters,
and the same answers from a ``profiles:FILE.json`` beside a paper list."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import collabatlas as ca
from collabatlas.analyze.mobility import Entry, MobilityRules, covering_entry, mobility, origin_country
from collabatlas.errors import InputError, UsageError
from collabatlas.pipeline import ingest_batches
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.openreview import read_openreview
from collabatlas.sources.profiles import STAGES, read_profiles, stage_of, stage_table, stage_table_digest
from collabatlas.sources.records import SourceBatch
from tests.conftest import FIXTURES
from tests.openreview_server import PASSWORD, RECORDED, USERNAME, openreview_server

PROFILES = RECORDED / "profiles.json"
PAPERLIST = FIXTURES / "paperlists" / "iclr2025.json"


@pytest.fixture(scope="module")
def batches(tmp_path_factory) -> list[SourceBatch]:
    """ICLR 2025 and 2024 read from the local server with a login."""
    cache = tmp_path_factory.mktemp("cache")
    saved = {k: os.environ.get(k) for k in ("OPENREVIEW_USERNAME", "OPENREVIEW_PASSWORD")}
    os.environ |= {"OPENREVIEW_USERNAME": USERNAME, "OPENREVIEW_PASSWORD": PASSWORD}
    try:
        with openreview_server() as (url, _):
            fetcher = CachedFetcher(httpx.Client(timeout=10), cache)
            return [read_openreview(f"ICLR.cc/{y}/Conference", fetcher, api=url) for y in (2025, 2024)]
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture
def loaded(store, registry, batches) -> Iterator[ca.Store]:
    ingest_batches(store, batches, registry=registry)
    yield store


def flows(result: dict) -> dict[tuple[str, str | None], int]:
    return {(r["origin"], r["destination"]): r["authors"] for r in result["rows"]}


# --- the stage mapping -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "stage"),
    [
        ("Undergrad student", "undergraduate"),
        ("BSc student", "undergraduate"),
        ("MS student", "masters"),
        ("Master's student", "masters"),
        ("M.Phil. student", "masters"),
        ("PhD student", "doctorate"),
        ("Ph.D. Student", "doctorate"),
        ("PhD", "doctorate"),
        ("Postdoc", "postdoc"),
        ("Postdoctoral Researcher", "postdoc"),
        ("Full Professor", "faculty"),
        ("Research Assistant Professor", "faculty"),
        ("Lecturer", "faculty"),
        ("Research Scientist", "industry"),
        ("Software Engineer", "industry"),
        ("Research Intern", "industry"),
        ("Researcher", "other"),
        ("Graduate Student", "other"),
        ("", "other"),
    ],
)
def test_stage_mapping(position, stage):
    assert stage_of(position) == stage


def test_stage_table_is_reviewed_and_its_examples_hold():
    versions = json.loads((Path(ca.__file__).parent / "sources" / "data" / "VERSIONS.json").read_text())
    assert versions["position_stages.csv"]["sha256"] == stage_table_digest(), (
        "position_stages.csv changed: review it, bump its version in sources/data/VERSIONS.json "
        "and record the new sha256"
    )
    for stage, _, example in stage_table():
        assert stage_of(example) == stage, example


@given(st.text(max_size=60))
def test_every_position_has_a_stage(position):
    assert stage_of(position) in STAGES


# --- histories in the store ------------------------------------------------------------------


def test_history_is_one_row_per_entry_resolved_like_any_affiliation(loaded):
    rows = loaded.rows(
        "SELECT h.entry, h.position, h.stage, h.start_year, h.end_year, h.country, r.country "
        "FROM person_history h LEFT JOIN effective_resolutions r USING (aff_key) "
        "WHERE person = '~Chen_Yu1' ORDER BY entry"
    )
    assert rows == [
        (0, "Research Scientist", "industry", 2026, None, "US", "US"),
        (1, "Researcher", "other", 2020, 2025, "CN", "CN"),
        (2, "MS student", "masters", 2018, 2020, "US", "US"),
        (3, "Undergrad student", "undergraduate", None, None, "CN", "CN"),  # years missing
    ]
    assert loaded.rows("SELECT count(*), sum(entries) FROM people")[0] == (8, 23)
    # The same person across papers and venue-years is one person; an alias is that person.
    people = loaded.rows("SELECT DISTINCT person FROM authorship_people ORDER BY 1")
    names = "Ana_Garcia1 Chen_Yu1 Jun_Zhao1 Kenji_Tanaka1 Li_Wang1 Nadia_Here1 Omar_Haddad1 "
    names += "Sara_Smith1 Wei_Zhang1"
    assert [p for (p,) in people] == [f"~{n}" for n in names.split()]


def test_only_public_profile_fields_are_stored(loaded):
    text = " ".join(
        str(row)
        for table in ("people", "person_history", "person_aliases", "source_people")
        for row in loaded.rows(f"SELECT * FROM {table}")
    )
    assert "@" not in text and "Chen Yu" not in text and "preferred" not in text


def test_reloading_changes_nothing(loaded, batches, registry):
    before = loaded.rows("SELECT * EXCLUDE (loaded_at) FROM people ORDER BY person")
    history = loaded.rows("SELECT * FROM person_history ORDER BY person, entry")
    ingest_batches(loaded, batches, registry=registry)
    assert loaded.rows("SELECT * EXCLUDE (loaded_at) FROM people ORDER BY person") == before
    assert loaded.rows("SELECT * FROM person_history ORDER BY person, entry") == history


# --- flows, shares, bridges -------------------------------------------------------------------


def test_flows_origin_shares_and_bridges(loaded, registry):
    result = mobility(loaded, MobilityRules(venues=("ICLR",), years=(2025,)), registry)
    assert flows(result) == {("CN", "US"): 2, ("CN", "CN"): 2, ("AR", "US"): 1, ("US", "CA"): 1}
    # Each person once (Li Wang has two papers, once as an alias); Kenji Tanaka lists no degree
    # before his doctorate, Omar Haddad's undergraduate institution places nowhere, Nadia Here
    # has no profile; the e-mail-only author is no person at all.
    assert (result["authors"], result["with_origin"], result["without_origin"]) == (9, 6, 3)
    assert result["authorships_without_profile"] == 1
    china = result["origins"][0]
    assert (china["country"], china["authors"]) == ("CN", 4)
    assert china["share"] == pytest.approx(4 / 6)
    assert (china["ci_low"], china["ci_high"]) == pytest.approx(ca.wilson_interval(4, 6))
    # US–CN papers: Graph Priors (Chen Yu at MSRA, once a CMU student: bridged) and Kernel
    # Regression Revisited (neither author was ever in the other country).
    assert result["bridges"] | {} == {
        "pair": ["US", "CN"],
        "papers_ab": 2,
        "bridged": 1,
        "share": 0.5,
        "ci_low": pytest.approx(ca.wilson_interval(1, 2)[0]),
        "ci_high": pytest.approx(ca.wilson_interval(1, 2)[1]),
    }
    assert result["conventions"]["companies"] == "site" and result["conventions"]["stage"] == "undergrad"
    # Destinations over everyone with one (Nadia Here has none): Li Wang, Jun Zhao, Ana Garcia
    # in the US, 3 of 8.
    assert result["with_destination"] == 8 and result["destinations"][0] | {} == {
        "country": "US",
        "authors": 3,
        "share": 3 / 8,
        "ci_low": pytest.approx(ca.wilson_interval(3, 8)[0]),
        "ci_high": pytest.approx(ca.wilson_interval(3, 8)[1]),
    }
    # Graduate school of the Chinese undergraduates: Stanford, CMU (US); Tsinghua, Peking (CN).
    graduate = {(r["origin"], r["graduate"]): r["authors"] for r in result["graduate_school"]}
    assert (graduate[("CN", "US")], graduate[("CN", "CN")], graduate[("US", "CH")]) == (2, 2, 1)


def test_the_papers_date_decides_the_destination(loaded, registry):
    # Jun Zhao was a PhD student at Tsinghua until 2024 and a postdoc at Stanford from 2025;
    # Chen Yu was at Microsoft Research Asia until 2025 and at Meta from 2026.
    in_2024 = mobility(loaded, MobilityRules(years=(2024,)), registry)
    assert flows(in_2024) == {("CN", "CN"): 2}
    in_2025 = mobility(loaded, MobilityRules(years=(2025,)), registry)
    assert in_2025["rows"][1] == {"origin": "CN", "destination": "US", "authors": 2}
    # Over both years each person counts once, at their latest paper.
    both = mobility(loaded, MobilityRules(), registry)
    assert flows(both) == flows(in_2025) and both["authors"] == 9


def test_headquarters_puts_company_sites_at_home(loaded, registry):
    result = mobility(loaded, MobilityRules(years=(2025,), companies="headquarters"), registry)
    # Chen Yu's Microsoft Research Asia counts as Microsoft's home, the US.
    assert flows(result) == {("CN", "US"): 3, ("CN", "CN"): 1, ("AR", "US"): 1, ("US", "CA"): 1}
    assert (result["bridges"]["papers_ab"], result["bridges"]["bridged"]) == (1, 0)
    assert "home country" in result["conventions"]["companies_meaning"]


def test_other_stages_and_pairs(loaded, registry):
    phd = mobility(loaded, MobilityRules(years=(2025,), stage="phd"), registry)
    assert flows(phd)[("CH", "CA")] == 1 and flows(phd)[("JP", "JP")] == 1
    assert phd["with_origin"] == 6  # Chen Yu has no doctorate; Omar Haddad and Nadia Here neither
    masters = mobility(loaded, MobilityRules(years=(2025,), stage="masters"), registry)
    assert flows(masters) == {("US", "CN"): 1}
    us_ca = mobility(loaded, MobilityRules.parse("US,CA", years=(2025,)), registry)
    # Sparse Kernels: Li Wang at Google (US) with Sara Smith at Toronto, once an MIT student.
    assert (us_ca["bridges"]["papers_ab"], us_ca["bridges"]["bridged"]) == (1, 1)
    with pytest.raises(UsageError, match="--stage"):
        MobilityRules(stage="postdoc")
    with pytest.raises(UsageError, match="--companies"):
        MobilityRules(companies="hq")


years = st.one_of(st.none(), st.integers(2000, 2030))
entries = st.lists(
    st.builds(
        Entry,
        st.integers(0, 20),
        st.sampled_from(STAGES),
        years,
        years,
        st.one_of(st.none(), st.sampled_from(["US", "CN", "GB"])),
    ),
    max_size=6,
)


@given(entries, st.integers(2000, 2030))
def test_the_destination_entry_covers_the_year_and_starts_last(history, year):
    chosen = covering_entry(history, year)
    candidates = [e for e in history if e.covers(year) and e.country]
    assert (chosen is None) == (not candidates)
    if chosen is not None:
        assert chosen.covers(year) and chosen.country
        assert all((e.start or 0) <= (chosen.start or 0) for e in candidates)


@given(entries, st.sampled_from(["undergraduate", "masters", "doctorate"]))
def test_the_origin_is_a_country_of_that_stage(history, stage):
    origin = origin_country(history, stage)
    assert origin is None or origin in {e.country for e in history if e.stage == stage}
    assert (origin is None) == (not any(e.stage == stage and e.country for e in history))


def test_counts_add_up(loaded, registry):
    for rules in (MobilityRules(), MobilityRules(years=(2025,), companies="headquarters", stage="phd")):
        result = mobility(loaded, rules, registry)
        assert sum(r["authors"] for r in result["rows"]) == result["with_origin"]
        assert sum(r["authors"] for r in result["origins"]) == result["with_origin"]
        assert result["with_origin"] + result["without_origin"] == result["authors"]
        assert sum(r["authors"] for r in result["destinations"]) == result["with_destination"]
        assert result["bridges"]["bridged"] <= result["bridges"]["papers_ab"]


def test_entry_years_may_be_missing():
    open_ended = Entry(0, "faculty", 2019, None, "CA")
    assert open_ended.covers(2030) and not open_ended.covers(2018)
    undated = Entry(1, "undergraduate", None, None, "CN")
    assert undated.covers(2025) and undated.before(2025)  # a degree precedes the papers
    undated_job = Entry(2, "industry", None, None, "US")
    assert not undated_job.before(2025)
    assert Entry(3, "masters", None, 2020, "US").before(2025)
    assert not Entry(4, "postdoc", 2025, None, "US").before(2025)


# --- the profiles file beside a paper list ----------------------------------------------------


def test_profiles_file_with_a_paper_list_gives_the_same_answers(store, registry, loaded):
    ca.ingest(store, [str(PAPERLIST), f"profiles:{PROFILES}"], registry=registry)
    from_file = mobility(store, MobilityRules(years=(2025,)), registry)
    from_server = mobility(loaded, MobilityRules(years=(2025,)), registry)
    assert from_file == from_server


def test_profiles_file_shapes(tmp_path):
    profiles = json.loads(PROFILES.read_text())["profiles"]
    as_array = read_profiles(json.dumps(profiles).encode(), "p.json")
    as_served = read_profiles(PROFILES.read_bytes(), str(PROFILES))
    assert as_array.profiles == as_served.profiles and len(as_served.profiles) == 8
    assert as_served.papers == () and as_served.sha256 == hashlib.sha256(PROFILES.read_bytes()).hexdigest()
    with pytest.raises(InputError, match="profile 0: 'id'"):
        read_profiles(b'[{"content": {}}]', "bad.json")
    with pytest.raises(InputError, match="not JSON"):
        read_profiles(b"<html>", "bad.json")


def test_cli_mobility_prints_counts_and_writes_the_json_shape(tmp_path, registry):
    db = tmp_path / "s.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [str(PAPERLIST), f"profiles:{PROFILES}"], registry=registry)
    out, people = tmp_path / "m.json", tmp_path / "people.csv"
    command = ["mobility", "--db", str(db), "--year", "2025", "--json", str(out), "--people", str(people)]
    done = subprocess.run(
        [sys.executable, "-m", "collabatlas", *command], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "9 authors (each person once): 6 with an origin, 3 without" in done.stdout
    assert "1 of 2 US–CN papers" in done.stdout
    assert "Chen" not in done.stdout and "~" not in done.stdout  # counts, no names
    data = json.loads(out.read_text())
    assert set(data) == {
        "rows",
        "graduate_school",
        "authors",
        "with_origin",
        "without_origin",
        "authorships_without_profile",
        "origins",
        "with_destination",
        "destinations",
        "bridges",
        "conventions",
    }
    assert set(data["origins"][0]) == {"country", "authors", "share", "ci_low", "ci_high"}
    assert {"papers_ab", "bridged"} <= set(data["bridges"])
    # Names only in the drill-down the user asked for.
    rows = people.read_text().splitlines()
    assert len(rows) == 1 + 9 and any('"~Chen_Yu1","Chen Yu","CN","CN","US"' in r for r in rows)


def test_report_section_with_chart_table_and_macropolo(tmp_path, registry):
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(PAPERLIST), f"profiles:{PROFILES}"], registry=registry)
        files = ca.build_report(store, out_dir=tmp_path / "report")
    page = files.index.read_text()
    assert '<section id="mobility">' in page and 'href="#mobility"' in page
    assert {"mobility.svg", "mobility.png"} <= set(files.figures)
    assert {"mobility_flows.csv", "mobility_origins.csv"} <= set(files.tables)
    assert "macropolo.org" in page and "headquarters" in page
    assert "66.7% (4 of 6)" in page  # undergraduates from China, beside MacroPolo's 47.0%
    assert "~Chen_Yu1" not in page and "Chen Yu" not in page.split('id="evidence"')[0]
    flows_csv = (tmp_path / "report" / "mobility_flows.csv").read_text().splitlines()
    assert flows_csv[0] == '"origin","destination","authors"' and len(flows_csv) == 5


def test_report_without_profiles_has_no_mobility_section(tmp_path, registry):
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(FIXTURES / "paperlists" / "quirks2020.json")], registry=registry)
        files = ca.build_report(store, out_dir=tmp_path / "report")
    assert 'id="mobility"' not in files.index.read_text() and "mobility.svg" not in files.figures
