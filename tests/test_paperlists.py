"""The paperlists reader survives every quirk of the real files."""

from __future__ import annotations

import json

import pytest

from collabatlas.errors import InputError
from collabatlas.sources import read_source
from collabatlas.sources.paperlists import parse_paperlists
from collabatlas.sources.records import BY_DOMAIN_PLUS, BY_PROFILE, UNALIGNED
from collabatlas.sources.venues import venue_year_from_name
from tests.conftest import QUIRKS


@pytest.fixture(scope="module")
def papers():
    batch = read_source(str(QUIRKS))
    return {p.title: p for p in batch.papers}


def test_venue_and_year_from_file_name():
    assert venue_year_from_name("nips2018.json") == ("NeurIPS", 2018)
    assert venue_year_from_name("https://x.org/icml/icml2024.json") == ("ICML", 2024)
    assert venue_year_from_name("colm2024.json") == ("COLM", 2024)


def test_aligned_authors_and_plus_joined_affiliations(papers):
    paper = papers["Aligned Paper"]
    assert [a.name for a in paper.authors] == ["Alice Wang", "Bob Smith", "Chen Li"]
    third = paper.authors[2].affiliations
    assert [(a.raw, a.domain) for a in third] == [
        ("Google", "google.com"),
        ("Peking University", "pku.edu.cn"),
    ]
    assert paper.paper_id == "quirks2020:p1"


def test_missing_id_gets_a_stable_id(papers):
    paper = papers["No Id Paper"]
    again = {p.title: p for p in read_source(str(QUIRKS)).papers}["No Id Paper"]
    assert paper.paper_id.startswith("quirks2020:t") and paper.paper_id == again.paper_id
    assert paper.authors[1].affiliations == ()  # empty affiliation kept as none


def test_repeated_ids_become_distinct_papers(papers):
    first, second = papers["First With Repeated Id"], papers["Second With Repeated Id"]
    assert first.paper_id != second.paper_id
    assert first.source_id == second.source_id == "dup"


def test_repeated_author_list_is_undoubled(papers):
    paper = papers["Repeated Author List"]
    assert [a.name for a in paper.authors] == ["Hana Sato", "Ivan Petrov"]
    assert paper.authors[1].affiliations[0].raw == "Google, USA"


def test_fewer_affiliations_than_authors_keeps_them_unaligned(papers):
    paper = papers["Fewer Affiliations Than Authors"]
    assert paper.alignment == UNALIGNED
    assert all(a.affiliations == () for a in paper.authors)
    assert [a.raw for a in paper.paper_affiliations] == [
        "MIT, Cambridge, MA, USA",
        "Tsinghua University, China",
    ]


def _record(**fields: str) -> bytes:
    return json.dumps([{"id": "x", "title": "T", "status": "Poster", **fields}]).encode()


def test_several_affiliations_split_by_semicolons_are_regrouped_by_the_domains_plus_structure():
    data = _record(
        author="A;B", aff="MIT;Google;Tsinghua University", aff_domain="mit.edu+google.com;tsinghua.edu.cn"
    )
    (paper,) = parse_paperlists(data, "t.json", "ICML", 2024).papers
    assert paper.alignment == BY_DOMAIN_PLUS and paper.paper_affiliations == ()
    assert [[(f.raw, f.domain) for f in a.affiliations] for a in paper.authors] == [
        [("MIT", "mit.edu"), ("Google", "google.com")],
        [("Tsinghua University", "tsinghua.edu.cn")],
    ]


def test_authors_given_by_email_have_no_profile_and_the_affiliations_go_to_the_others_in_order():
    data = _record(
        author="A;B;C",
        authorids="~A1;b@huawei.com;~C1",
        aff="USTC;Huawei",
        aff_domain="ustc.edu.cn;huawei.com",
    )
    (paper,) = parse_paperlists(data, "t.json", "ICML", 2024).papers
    assert paper.alignment == BY_PROFILE
    assert [[f.raw for f in a.affiliations] for a in paper.authors] == [["USTC"], [], ["Huawei"]]


@pytest.mark.parametrize(
    "fields",
    [
        {
            "author": "A;B;C",
            "authorids": "~A1;~B1;~C1",
            "aff": "USTC;Huawei",
            "aff_domain": "ustc.edu.cn;huawei.com",
        },
        {"author": "A;B;C", "aff": "USTC;Huawei", "aff_domain": "ustc.edu.cn;huawei.com;x.org"},
        {"author": "A;B;C", "authorids": "~A1;b@x.org", "aff": "USTC;Huawei"},
    ],
)
def test_when_nothing_ties_them_the_affiliations_stay_the_papers(fields):
    (paper,) = parse_paperlists(_record(**fields), "t.json", "ICML", 2024).papers
    assert paper.alignment == UNALIGNED
    assert [f.raw for f in paper.paper_affiliations] == ["USTC", "Huawei"]


def test_latex_and_non_ascii_survive(papers):
    paper = next(p for t, p in papers.items() if t.startswith("$\\ell_1$"))
    assert "Ünïcode" in paper.title
    assert [a.name for a in paper.authors] == ["Zoë Müller", "Ł Nowak"]


def test_numeric_id_and_empty_fields(papers):
    paper = papers["Numeric Id And Empty Fields"]
    assert paper.source_id == "12" and paper.authors == ()


def test_duplicate_records_collapse():
    record = {"id": "a", "title": "T", "author": "X", "aff": "MIT", "aff_domain": "mit.edu"}
    batch = parse_paperlists(json.dumps([record, record]).encode(), "x.json", "NeurIPS", 2020)
    assert len(batch.papers) == 1 and batch.records_read == 2


def test_comma_separated_author_list():
    record = {"id": "a", "title": "T", "author": "Adrian Sauter, Milan Miletić"}
    batch = parse_paperlists(json.dumps([record]).encode(), "x.json", "NeurIPS", 2024)
    assert [a.name for a in batch.papers[0].authors] == ["Adrian Sauter", "Milan Miletić"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"{not json", "x.json: not JSON"),
        (b'{"a": 1}', "x.json: expected a JSON array of papers, got an object"),
        (b'[{"title": "ok"}, 3]', "x.json: record 1: expected an object, got int"),
        (
            b'[{"title": ["a list"]}]',
            "x.json: record 0: field 'title' should be a string, got an array",
        ),
    ],
)
def test_bad_input_names_file_and_record(payload, message):
    with pytest.raises(InputError) as info:
        parse_paperlists(payload, "x.json", "NeurIPS", 2020)
    assert info.value.one_line().startswith(message)
    assert "\n" not in info.value.one_line()
