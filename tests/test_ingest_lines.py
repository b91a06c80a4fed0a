"""Honest ingest lines and footers: empty or unknown inputs refused, changes counted, each source
listed once, retries announced; and several institutions in one affiliation string split."""

from __future__ import annotations

import hashlib
import json
import sys
from importlib import resources
from pathlib import Path

import httpx
import pytest

import collabatlas as ca
from collabatlas.analyze import conventions
from collabatlas.cli import main
from collabatlas.sources.http import CachedFetcher
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.records import domain_owner, split_institutions
from collabatlas.store.migrations import migrate

PAPERS = [
    {"id": "1", "title": "One", "author": "A;B", "aff": "MIT;Tsinghua University", "status": "Poster"},
    {"id": "2", "title": "Two", "author": "C", "aff": "Stanford University", "status": "Poster"},
]


def _write(directory: Path, papers: object, name: str = "list2020.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(papers), encoding="utf-8")
    return path


def _run(args: list[str], capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["collabatlas", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def _snapshot(db: Path) -> list[object]:
    with ca.Store(db, read_only=True) as store:
        tables = (
            "sources",
            "papers",
            "paper_sources",
            "authorships",
            "authorship_affiliations",
            "affiliations",
        )
        return [sorted(map(repr, store.rows(f"SELECT * FROM {t}"))) for t in tables]


def test_an_edited_copy_reports_changes_and_is_listed_once(tmp_path, capsys, monkeypatch):
    db = str(tmp_path / "s.duckdb")
    path = _write(tmp_path, PAPERS)
    assert "2 papers (2 new, 0 changed)" in _run(["ingest", str(path), "--db", db], capsys, monkeypatch)[1]
    edited = [dict(PAPERS[0], aff="MIT;Peking University"), PAPERS[1]]
    _write(tmp_path, edited)
    status, out, _ = _run(["ingest", str(path), "--db", db], capsys, monkeypatch)
    assert status == 0 and "2 papers (0 new, 1 changed)" in out
    assert "2 papers (0 new, 0 changed)" in _run(["ingest", str(path), "--db", db], capsys, monkeypatch)[1]
    copy = _write(tmp_path, edited, "copy2020.json")
    _run(["ingest", str(copy), "--db", db, "--venue", "list"], capsys, monkeypatch)
    with ca.Store(db, read_only=True) as store:
        sources = conventions(store, ca.CountingRules())["sources"]
    assert [s["location"] for s in sources] == [str(copy)]
    status, out, _ = _run(["analyze", "--db", db], capsys, monkeypatch)
    assert out.count("list 2020: 2 records") == 3  # one footer line per table, the source once in each


def test_migration_0008_keeps_the_latest_version_of_each_location(tmp_path):
    with ca.Store(tmp_path / "s.duckdb") as store:
        store.conn.execute(
            "INSERT INTO sources VALUES ('a.json', 'old', 'paperlists', 'V', 2020, 1, 1, '2020-01-01'), "
            "('a.json', 'new', 'paperlists', 'V', 2020, 2, 2, '2021-01-01'), "
            "('b.json', 'only', 'paperlists', 'V', 2020, 3, 3, '2020-01-01'), "
            "('empty.json', 'e', 'paperlists', 'V', 2020, 0, 0, '2020-01-01')"
        )
        store.conn.execute("DELETE FROM schema_migrations WHERE name = '0008_sources_once.sql'")
        migrate(store.conn)
        migrate(store.conn)  # re-runnable: applied once
        assert store.rows("SELECT location, sha256 FROM sources ORDER BY 1") == [
            ("a.json", "new"),
            ("b.json", "only"),
        ]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("[]", "an empty list, no papers"),
        ("{}", "neither a Paper Copilot list (a JSON array) nor a conference-site programme"),
        ('{"results": []}', "no papers to ingest"),
        (json.dumps([{"title": "x\u0000y"}]), "record 0: field 'title' contains a NUL character"),
        (json.dumps([PAPERS[0], {"aff": "MIT\u0000"}]), "record 1: field 'aff' contains a NUL"),
        (json.dumps({"results": [{"name": "T", "authors": [{"fullname": "A\u0000"}]}]}), "contains a NUL"),
        (json.dumps([{"id": True}]), "record 0: field 'id' should be a string or number"),
    ],
)
def test_refused_inputs_are_one_line_and_change_nothing(tmp_path, capsys, monkeypatch, content, words):
    db = tmp_path / "s.duckdb"
    _run(["ingest", str(_write(tmp_path, PAPERS, "good2020.json")), "--db", str(db)], capsys, monkeypatch)
    before = _snapshot(db)
    bad = tmp_path / "bad2020.json"
    bad.write_text(content, encoding="utf-8")
    status, out, err = _run(["ingest", str(bad), "--db", str(db)], capsys, monkeypatch)
    lines = err.strip().splitlines()
    assert status == 2 and out == "" and len(lines) == 1 and words in lines[0] and "bad2020.json" in lines[0]
    assert "--refresh" not in lines[0]
    assert _snapshot(db) == before


def test_a_failed_first_ingest_creates_no_store(tmp_path, capsys, monkeypatch):
    db = tmp_path / "new.duckdb"
    status, _, _ = _run(
        ["ingest", str(_write(tmp_path, [], "e2020.json")), "--db", str(db)], capsys, monkeypatch
    )
    assert status == 2 and not db.exists()


def test_retries_say_what_they_wait_for(tmp_path):
    answers = iter([503, 503, 200])
    told: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(answers), content=b"[]")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    fetcher = CachedFetcher(client, tmp_path, sleep=lambda s: None, on_retry=told.append, max_retries=3)
    assert fetcher.get("https://lists.example.org/x.json") == b"[]"
    assert told == [
        "https://lists.example.org/x.json: HTTP 503; retrying in 1 s (attempt 2 of 4)",
        "https://lists.example.org/x.json: HTTP 503; retrying in 2 s (attempt 3 of 4)",
    ]


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Carnegie Mellon University†Baidu", ["Carnegie Mellon University", "Baidu"]),
        (
            "Fuji Xerox Co., Ltd.‡Tokyo Metropolitan University",
            ["Fuji Xerox Co., Ltd.", "Tokyo Metropolitan University"],
        ),
        ("CMU*Baidu", ["CMU", "Baidu"]),
        ("McGill University / Mila", ["McGill University", "Mila"]),
        ("Roche / Genentech / Prescient Design", ["Roche", "Genentech", "Prescient Design"]),
        # One institution: footnote marks, A*STAR, a bare slash, a place after the mark.
        ("Zhejiang University†", ["Zhejiang University†"]),
        ("Institute for Infocomm Research, A*STAR", ["Institute for Infocomm Research, A*STAR"]),
        ("USC/ISI", ["USC/ISI"]),
        ("HSE†, Russia", ["HSE†, Russia"]),
        ("†", ["†"]),
    ],
)
def test_split_institutions(raw, names):
    assert split_institutions(raw) == names


def test_joined_institutions_are_separate_affiliations_each_resolved(tmp_path, registry):
    papers = [{"id": "j", "title": "J", "author": "A;B", "aff": "Carnegie Mellon University†Baidu;MIT",
               "aff_domain": "cmu.edu;mit.edu", "status": "Poster"}]  # fmt: skip
    batch = parse_paperlists(json.dumps(papers).encode(), "j.json", "NeurIPS", 2018)
    first = batch.papers[0].authors[0].affiliations
    assert [(a.raw, a.domain) for a in first] == [("Carnegie Mellon University", "cmu.edu"), ("Baidu", "")]
    assert [(a.raw, a.domain) for a in batch.papers[0].authors[1].affiliations] == [("MIT", "mit.edu")]
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(_write(tmp_path, papers, "nips2018.json"))], registry=registry)
        countries = store.rows(
            "SELECT a.raw, r.country FROM authorship_affiliations l JOIN affiliations a USING (aff_key) "
            "JOIN resolutions r USING (aff_key) WHERE l.author_position = 0 ORDER BY l.aff_order"
        )
    assert countries == [("Carnegie Mellon University", "US"), ("Baidu", "CN")]


@pytest.mark.integration
def test_neurips_joined_affiliations_are_split(shared):
    raws: set[str] = set()
    for year in range(2014, 2019):
        path = shared / "paperlists" / "labeled" / f"nips{year}.json"
        batch = parse_paperlists(path.read_bytes(), str(path), "NeurIPS", year)
        raws |= {a.raw for p in batch.papers for author in p.authors for a in author.affiliations}
    assert "Carnegie Mellon University†Baidu" not in raws and "Baidu" in raws
    assert "DeepMind‡University of Oxford" not in raws and "University of Oxford" in raws
    assert "Princeton University / IAS" not in raws and "IAS" in raws
    assert "Institute for Infocomm Research, A*STAR" in raws  # one institution, kept whole


@pytest.mark.parametrize(
    ("names", "domain", "owner"),
    [
        (["Carnegie Mellon University", "Baidu"], "cs.cmu.edu", 0),  # initials
        (["KTH, EE School", "ACL"], "kth.se", 0),  # a word
        (["RIKEN", "The University of Tokyo, Japan"], "k.u-tokyo.ac.jp", 1),  # part of a hyphenated label
        (["The Swiss AI Lab IDSIA", "USI", "SUPSI"], "idsia.ch", 0),
        (["Centrale-Supelec", "L2S"], "supelec.fr", 0),  # inside the name
        (["University of California Santa Barbara", "Dept. of Electrical Engineering"], "ece.ucsb.edu", 0),
        (["The Institute of Statistical Mathematics", "RIKEN"], "ism.ac.jp", 0),
        (["Tsinghua University", "Microsoft Research Asia"], "mail.tsinghua.edu.cn", 0),  # "mail" skipped
        (["Carnegie Mellon University", "Google"], "smola.org", None),  # a personal domain spells neither
        (["Technion", "MTA-SZTE Research Group"], "gmail.com", None),
        (["Google Research", "Google DeepMind"], "google.com", None),  # both: cannot say
        (["MIT", "Harvard"], "", None),
    ],
)
def test_the_domain_goes_to_the_institution_it_spells(names, domain, owner):
    assert domain_owner(names, domain) == owner


def test_domain_owner_words_are_reviewed():
    data = resources.files("collabatlas.sources").joinpath("data")
    versions = json.loads(data.joinpath("VERSIONS.json").read_text("utf-8"))
    digest = hashlib.sha256(data.joinpath("domain_owner.json").read_bytes()).hexdigest()
    assert versions["domain_owner.json"]["sha256"] == digest, (
        "domain_owner.json changed: review it, bump its version in sources/data/VERSIONS.json "
        "and record the new sha256"
    )


@pytest.mark.parametrize(
    "raw",
    [
        "University of California Santa Barbara†Dept. of Electrical & Computer Engineering",
        "MIT / School of Engineering",
        "Harvard University‡Department of Statistics",
    ],
)
def test_a_sub_unit_after_a_mark_stays_with_its_institution(raw):
    assert split_institutions(raw) == [raw]
