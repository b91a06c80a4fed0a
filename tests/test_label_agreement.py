"""compare --labels: a peer's country labels against collabatlas's, per author and per paper."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.analyze.label_agreement import compare_labels
from collabatlas.cli import app
from tests.conftest import QUIRKS

LABELS = """venue,year,title,author_position,author_name,country
quirks,2020,Aligned Paper,0,,China
QUIRKS,2020,aligned paper,,Bob Smith,US
quirks,2020,Aligned Paper,2,,US|CN
quirks,2020,Repeated Author List,,Hana Sato,United Kingdom
quirks,2020,Fewer Affiliations Than Authors,0,,US
quirks,2020,No Id Paper,1,,Unknown
quirks,2020,A Paper Nobody Wrote,0,,US
"""


@pytest.fixture
def loaded(store, registry, tmp_path):
    ca.ingest(store, [str(QUIRKS)], registry=registry)
    path = tmp_path / "labels.csv"
    path.write_text(LABELS, encoding="utf-8")
    return store, path


def test_agreement_per_author_by_position_or_name(loaded):
    store, path = loaded
    authors = compare_labels(store, path).authors
    assert [(a["author_position"], a["status"]) for a in authors] == [
        (0, "agree"),  # Tsinghua
        (1, "agree"),  # by name, title and venue in another case
        (2, "agree"),  # Google + Peking University: both countries
        (0, "differ"),  # the peer says GB, collabatlas JP
        (0, "only peer"),  # the paper's affiliations are not tied to its authors
        (1, "neither"),  # no affiliation; 'Unknown' is no label
        (None, "unmatched"),
    ]


def test_agreement_per_paper_and_the_papers_that_differ(loaded):
    store, path = loaded
    agreement = compare_labels(store, path)
    by_title = {p["title"]: p for p in agreement.papers}
    assert by_title["Aligned Paper"]["status"] == "agree"
    # Per paper the unaligned affiliations count (as in analyze): US and CN against the peer's US.
    fewer = by_title["Fewer Affiliations Than Authors"]
    assert (fewer["status"], fewer["only_collabatlas"]) == ("differ", ["CN"])
    assert agreement.summary()["authors"] == {
        "compared": 7,
        "agree": 3,
        "partly": 0,
        "differ": 1,
        "only peer": 1,
        "only collabatlas": 0,
        "neither": 1,
        "unmatched": 1,
    }
    assert {p["title"] for p in agreement.differing_papers()} == {
        "Repeated Author List",
        "Fewer Affiliations Than Authors",
        "No Id Paper",
    }


def test_hong_kong_folds_under_the_china_scope(store, registry, tmp_path):
    records = [
        {
            "id": "h",
            "title": "HK",
            "author": "A",
            "aff": "University of Hong Kong, Hong Kong",
            "status": "Poster",
        }
    ]
    (tmp_path / "nips2021.json").write_text(json.dumps(records), encoding="utf-8")
    ca.ingest(store, [str(tmp_path / "nips2021.json")], registry=registry)
    labels = tmp_path / "l.csv"
    labels.write_text("venue,year,title,author_position,country\nNeurIPS,2021,HK,0,China\n", encoding="utf-8")
    assert compare_labels(store, labels).authors[0]["status"] == "agree"
    assert compare_labels(store, labels, china_scope="mainland").authors[0]["status"] == "differ"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("venue,year,country\nquirks,2020,US\n", "the header needs"),
        ("venue,year,title,author_position,country\nNeurIPS,2020,Aligned Paper,0,Atlantis\n", "line 2"),
    ],
)
def test_bad_label_files_are_input_errors(loaded, tmp_path, text, message):
    store, _ = loaded
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(ca.InputError, match=message):
        compare_labels(store, bad)


def test_cli_prints_both_agreements_and_writes_json(loaded, db_path, tmp_path):
    store, path = loaded
    store.close()
    out = tmp_path / "cmp.json"
    done = CliRunner().invoke(
        app, ["compare", "--labels", str(path), "--db", str(db_path), "--json", str(out)]
    )
    assert done.exit_code == 0, done.output
    assert "7 authors labelled in labels.csv: 3 agree" in done.output
    assert "Papers where the labels and collabatlas differ" in done.output
    body = json.loads(out.read_text(encoding="utf-8"))
    assert set(body) == {"labels", "summary", "papers", "authors"} and len(body["papers"]) == 3
