"""The PDF and TEI sources on small PDFs written for the tests: page 1 (markers, blocks,
footnotes, e-mails, honest paper-level fallback), sections, bad files, ingest and attach."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import collabatlas as ca
from collabatlas.errors import InputError
from collabatlas.sources.pdf import guess_venue_year, read_paper_files, read_pdf
from collabatlas.sources.pdf_front import match_emails, parse_emails, read_front_matter
from collabatlas.sources.pdf_sections import split_sections
from collabatlas.sources.pdf_text import Line, read_pdf_text
from collabatlas.sources.records import UNALIGNED, PaperRecord
from collabatlas.sources.tei import read_tei
from collabatlas.store.load import set_affiliation_source
from tests.pdf_support import sup, txt, write_encrypted_pdf, write_pdf, write_scanned_pdf

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
BODY = ["We fine-tune BERT on our data, and this line is as long as a line of the body."] * 6


def pdf_lines(path: Path) -> tuple[Line, ...]:
    return read_pdf_text(path.read_bytes(), path.name, full_text=False).first_page_lines


def _affiliations(record: PaperRecord) -> list[tuple[str, list[str]]]:
    return [(a.name, [f.raw for f in a.affiliations]) for a in record.authors]


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    return write_pdf(
        tmp_path / "marked.pdf",
        [
            [
                "Learning From Many Places",
                [
                    (
                        0.1,
                        [txt("Ann Lee"), sup("1,2"), txt(", Bo Chen"), sup("2†"), txt(", Cy Diaz"), sup("3")],
                    )
                ],
                [(0.1, [sup("1"), txt("Tsinghua University  "), sup("2"), txt("Yale University")])],
                [(0.1, [sup("3"), txt("Department of Computer Science, University of Toronto")])],
                "{ann, bochen}@yale.edu",
                "Abstract",
                *BODY,
            ]
        ],
    )


def test_markers_link_each_author_with_evidence(marked: Path) -> None:
    record = read_pdf(marked.read_bytes(), marked.name, venue="ICML", year=2024)
    assert record.title == "Learning From Many Places"
    assert record.alignment == "per-author"
    assert _affiliations(record) == [
        ("Ann Lee", ["Tsinghua University", "Yale University"]),
        ("Bo Chen", ["Yale University"]),
        ("Cy Diaz", ["Department of Computer Science, University of Toronto"]),
    ]
    assert record.authors[1].affiliations[0].domain == "yale.edu"  # bochen@ is Bo Chen's
    assert record.authors[0].affiliations[0].domain == ""  # two affiliations: no guess
    first = record.link_evidence[0]
    assert (first.method, first.marker) == ("marker", "1")
    assert "Tsinghua University" in first.line


def test_symbol_markers_and_a_mark_after_the_comma(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "symbols.pdf",
        [
            [
                "Graphs of Literature",
                [(0.1, [txt("Ann Lee♠ Bo Chen♢ Cy Diaz,"), sup("†"), txt(" Di Fox")])],
                [(0.1, [txt("♠Peking University, ♢Allen Institute for AI")])],
                [(0.1, [txt("Paris, France")])],
                [(0.1, [sup("†"), txt("Northwestern University")])],
                "Abstract",
                *BODY,
            ]
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    assert record.alignment == UNALIGNED  # Di Fox has no mark, and no affiliation is unmarked
    assert "Di Fox" in record.alignment_reason
    assert not any(a.affiliations for a in record.authors)
    assert [a.raw for a in record.paper_affiliations] == [
        "Peking University",
        "Allen Institute for AI, Paris, France",
        "Northwestern University",
    ]
    assert [(a.name, a.markers) for a in read_front_matter(pdf_lines(path)).authors] == [
        ("Ann Lee", ("♠",)),
        ("Bo Chen", ("♢",)),
        ("Cy Diaz", ("†",)),
        ("Di Fox", ()),
    ]


def test_blocks_under_names_and_address_lines(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "blocks.pdf",
        [
            [
                "Learning Things From Other Things",
                [(0.15, [txt("Ann Lee")]), (0.55, [txt("Bo Chen")])],
                [(0.15, [txt("Department of Computer Science")]), (0.55, [txt("Google Research")])],
                [(0.15, [txt("Stanford University")]), (0.55, [txt("Mountain View, CA")])],
                [(0.15, [txt("ann@cs.stanford.edu")]), (0.55, [txt("bochen@google.com")])],
                [(0.15, [txt("Cy Diaz")])],
                [(0.15, [txt("Peking University")])],
                "Abstract",
                *BODY,
            ]
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    assert _affiliations(record) == [
        ("Ann Lee", ["Department of Computer Science, Stanford University"]),
        ("Bo Chen", ["Google Research, Mountain View, CA"]),
        ("Cy Diaz", ["Peking University"]),
    ]
    assert [a.affiliations[0].domain for a in record.authors] == ["cs.stanford.edu", "google.com", ""]
    assert {e.method for e in record.link_evidence} == {"block"}


def test_one_affiliation_for_all_and_several_without_markers(tmp_path: Path) -> None:
    single = write_pdf(
        tmp_path / "single.pdf",
        [["A Team Report", "Ann Lee, Bo Chen, Cy Diaz", "Qwen Team, Alibaba Group", "Abstract", *BODY]],
    )
    record = read_pdf(single.read_bytes(), single.name)
    assert all(a.affiliations[0].raw == "Qwen Team, Alibaba Group" for a in record.authors)
    assert record.link_evidence[0].method == "single"
    several = write_pdf(
        tmp_path / "several.pdf",
        [
            [
                "A Joint Report",
                "Ann Lee, Bo Chen, Cy Diaz",
                "Tsinghua University",
                "Yale University",
                "Abstract",
                *BODY,
            ]
        ],
    )
    record = read_pdf(several.read_bytes(), several.name)
    assert record.alignment == UNALIGNED and record.link_evidence == ()
    assert [a.raw for a in record.paper_affiliations] == ["Tsinghua University", "Yale University"]
    assert "without markers" in record.alignment_reason


def test_footnote_affiliations(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "icml.pdf",
        [
            [
                "Scaling Things Up",
                [
                    (
                        0.2,
                        [
                            txt("Ann Lee"),
                            sup("* 1"),
                            txt(" Bo Chen"),
                            sup("* 2"),
                            txt(" Cy Diaz"),
                            sup("1 2"),
                        ],
                    )
                ],
                "Abstract",
                *BODY,
                [
                    (
                        0.1,
                        [
                            sup("*", 5),
                            txt("Equal contribution ", 8),
                            sup("1", 5),
                            txt("ETH Zurich, Switzerland ", 8),
                            sup("2", 5),
                            txt("Google DeepMind, London, UK.", 8),
                        ],
                    )
                ],
                [(0.1, [txt("Correspondence to: Ann Lee <ann@ethz.ch>.", 8)])],
            ]
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    assert _affiliations(record) == [
        ("Ann Lee", ["ETH Zurich, Switzerland"]),
        ("Bo Chen", ["Google DeepMind, London, UK"]),
        ("Cy Diaz", ["ETH Zurich, Switzerland", "Google DeepMind, London, UK"]),
    ]


def test_sections_and_references_apart(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "body.pdf",
        [
            ["A Paper", "Ann Lee", "Yale University", "Abstract", "We study models."],
            [
                "1 Introduction",
                "We use GPT-2.",
                "2 Related Work",
                "LLaMA exists.",
                "3 Our Model",
                "We fine-tune BERT.",
            ],
            [
                "4 Experiments",
                "We compare with T5.",
                "References",
                "Touvron et al. LLaMA.",
                "A Details",
                "More.",
            ],
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    sections = [(t.section, t.page, t.text) for t in record.texts if t.section != "front"]
    assert sections == [
        ("abstract", 1, "We study models."),
        ("introduction", 2, "We use GPT-2."),
        ("related work", 2, "LLaMA exists."),
        ("method", 2, "We fine-tune BERT."),
        ("experiments", 3, "We compare with T5."),
        ("references", 3, "Touvron et al. LLaMA."),
        ("appendix", 3, "More."),
    ]
    assert record.abstract == "We study models."
    joined = "\n".join(t.text for t in record.texts)
    assert all(joined[t.start : t.start + len(t.text)] == t.text for t in record.texts)


def test_table_of_contents_and_numbering_are_not_headings() -> None:
    pages = [
        "Abstract\nText.\n1 Introduction 3\n2 Method 5",
        "1 Introduction\nIntro.\n3 Results\nX.\n2 Method\nM.",
    ]
    found = [(p.section, p.heading) for p in split_sections(pages)]
    assert found == [("abstract", "Abstract"), ("introduction", "Introduction"), ("method", "Method")]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{ann, bo}@cs.x.edu", [("ann", "cs.x.edu"), ("bo", "cs.x.edu")]),
        ("{armanc,sergey}@allenai .org", [("armanc", "allenai.org"), ("sergey", "allenai.org")]),
        ("yujiaqin16@gmail . com", [("yujiaqin16", "gmail.com")]),
        ("Email: a.b@u.ac.uk; c@d.cn", [("a.b", "u.ac.uk"), ("c", "d.cn")]),
    ],
)
def test_parse_emails(line: str, expected: list[tuple[str, str]]) -> None:
    assert parse_emails(line) == expected


_LOCAL = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)


@given(
    st.lists(_LOCAL, min_size=1, max_size=6, unique=True), st.sampled_from(["x.edu", "cs.y.ac.uk", "z.cn"])
)
def test_braced_emails_give_every_local_part(locals_: list[str], domain: str) -> None:
    assert parse_emails("{" + ", ".join(locals_) + "}@" + domain) == [(a, domain) for a in locals_]


def test_email_local_parts_match_one_author_or_none() -> None:
    names = ["Kalpesh Krishna", "Mohit Iyyer", "Kyle Lo", "Kate Lo"]
    found = match_emails(names, [("kalpesh", "umass.edu"), ("miyyer", "umass.edu"), ("lo", "allenai.org")])
    assert found == {0: "umass.edu", 1: "umass.edu"}  # 'lo' fits two authors: left out


def test_venue_and_year_from_the_header() -> None:
    assert guess_venue_year("Proceedings of NAACL-HLT 2018, pages 84–91") == ("NAACL", 2018)
    assert guess_venue_year("Published as a conference paper at ICLR 2024") == ("ICLR", 2024)
    assert guess_venue_year("", "D:20230925030349Z") == ("unknown", 2023)


def test_bad_files_are_named_and_skipped(tmp_path: Path, marked: Path) -> None:
    (tmp_path / "notes.pdf").write_text("not a pdf")
    (tmp_path / "cut.pdf").write_bytes(marked.read_bytes()[:2000])
    write_encrypted_pdf(tmp_path / "locked.pdf")
    write_scanned_pdf(tmp_path / "scan.pdf")
    read = read_paper_files([str(tmp_path)])
    assert [p.source_id for p in read.batch.papers] == ["marked.pdf"]
    reasons = dict(read.failures)
    assert "not a PDF" in reasons[str(tmp_path / "notes.pdf")]
    assert "truncated" in reasons[str(tmp_path / "cut.pdf")]
    assert "encrypted" in reasons[str(tmp_path / "locked.pdf")]
    assert "no text layer" in reasons[str(tmp_path / "scan.pdf")]
    with pytest.raises(InputError, match="encrypted"):
        read_pdf((tmp_path / "locked.pdf").read_bytes(), "locked.pdf")


def test_tei_authors_affiliations_and_sections() -> None:
    path = FIXTURES / "small.tei.xml"
    record = read_tei(path.read_bytes(), path.name, venue="ACL", year=2020)
    assert record.source == "tei"
    assert _affiliations(record) == [
        ("Ann Lee", ["Department of CS, Tsinghua University, Beijing, China"]),
        ("Bo Chen", ["Yale University, New Haven, USA"]),
    ]
    assert record.authors[1].affiliations[0].country == "US"
    assert {t.section for t in record.texts} >= {"introduction", "method", "references"}
    assert all(t.page == 0 for t in record.texts)


def test_ingest_stores_texts_evidence_and_skips_bad_files(
    store: ca.Store, registry, tmp_path, marked
) -> None:
    (tmp_path / "bad.pdf").write_text("<html>")
    report = ca.ingest(store, [str(tmp_path)], venue="ICML", year=2024, registry=registry)
    assert [name for name, _ in report.failures] == [str(tmp_path / "bad.pdf")]
    assert report.sources[0][1:3] == ("ICML 2024", 1)
    assert store.rows("SELECT count(*) FROM source_texts")[0][0] > 0
    evidence = store.rows(
        "SELECT method, marker FROM source_affiliation_links ORDER BY author_position, aff_order"
    )
    assert evidence[:2] == [("marker", "1"), ("marker", "2")]
    countries = store.rows(
        "SELECT a.author_name, list(r.country ORDER BY l.aff_order) FROM authorships a "
        "JOIN authorship_affiliations l USING (paper_id, author_position) "
        "JOIN effective_resolutions r USING (aff_key) GROUP BY ALL ORDER BY 1"
    )
    assert countries == [("Ann Lee", ["CN", "US"]), ("Bo Chen", ["US"]), ("Cy Diaz", ["CA"])]


def test_only_bad_files_change_nothing(store: ca.Store, registry, tmp_path) -> None:
    (tmp_path / "bad.pdf").write_text("nope")
    before = store.rows("SELECT count(*) FROM paper_sources")[0][0]
    report = ca.ingest(store, [str(tmp_path / "bad.pdf")], registry=registry)
    assert len(report.failures) == 1 and report.sources == ()
    assert store.rows("SELECT count(*) FROM paper_sources")[0][0] == before


def _list_file(tmp_path: Path) -> Path:
    path = tmp_path / "icml2024.json"
    path.write_text(
        '[{"id": "abc123", "title": "Learning From Many Places", "status": "Poster",'
        ' "author": "Ann Lee;Bo Chen;Cy Diaz", "aff": "Stanford University;MIT;Oxford University"}]'
    )
    return path


def test_attach_pdfs_by_title_and_choose_whose_affiliations_count(
    store: ca.Store, registry, tmp_path: Path, marked: Path
) -> None:
    ca.ingest(store, [str(_list_file(tmp_path))], registry=registry)
    unmatched = write_pdf(
        tmp_path / "other.pdf", [["Something Else Entirely", "Ann Lee", "MIT", "Abstract", *BODY]]
    )
    report = ca.ingest(store, [], pdfs=[str(marked), str(unmatched)], registry=registry)
    assert [name for name, _ in report.failures] == ["other.pdf"]
    assert store.rows("SELECT count(*) FROM papers")[0][0] == 1
    (status,) = store.rows("SELECT status FROM papers")[0]
    assert status == "Poster"  # the list still gives the paper's metadata

    def first_affiliation() -> str:
        return store.rows(
            "SELECT f.raw FROM authorship_affiliations l JOIN affiliations f USING (aff_key) "
            "WHERE l.author_position = 0 ORDER BY l.aff_order LIMIT 1"
        )[0][0]

    assert first_affiliation() == "Tsinghua University"  # best: printed in the PDF first
    with store.transaction() as conn:
        set_affiliation_source(conn, "list")
    assert first_affiliation() == "Stanford University"
    ca.ingest(store, [str(_list_file(tmp_path))], registry=registry)  # the choice stays
    assert first_affiliation() == "Stanford University"
    ca.ingest(store, [], affiliations_from="pdf", registry=registry)
    assert first_affiliation() == "Tsinghua University"


def test_unknown_affiliation_choice_is_a_usage_error(store: ca.Store, registry) -> None:
    with pytest.raises(ca.UsageError, match="affiliations-from"):
        ca.ingest(store, [], affiliations_from="twitter", registry=registry)


def test_review_paper_page_shows_the_linking_evidence(tmp_path: Path, registry, marked: Path) -> None:
    from collabatlas.review.web import ReviewConfig, create_app
    from tests.review_support import Client

    db = tmp_path / "review.duckdb"
    with ca.Store(db) as store:
        ca.ingest(store, [str(marked)], venue="ICML", year=2024, registry=registry)
        (paper_id,) = store.rows("SELECT paper_id FROM papers")[0]
        config = ReviewConfig(reviewer="ann", mirror=tmp_path / "c.csv", registry=lambda: registry)
        page = Client(create_app(store, config)).get("/paper", params={"id": paper_id})
    assert page.status_code == 200
    assert "Linking: pdf: marker: affiliations linked by the marks after each name" in page.text
    assert "pdf marker 1: “1Tsinghua University" in page.text


def test_groups_of_names_each_with_its_affiliation(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "groups.pdf",
        [
            [
                "Learning Things From Other Things",
                "Ann Lee, Bo Chen & Cy Diaz",
                "Department of Computer Science",
                "Stanford University",
                "Stanford, CA 94305, USA",
                "{ann,bo,cy}@stanford.edu",
                "Di Fox & Ed Gu",
                "Google DeepMind",
                "Abstract—We fine-tune BERT on things, and this sentence keeps going for a while.",
                *BODY,
            ]
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    stanford = "Department of Computer Science, Stanford University, Stanford, CA 94305, USA"
    assert _affiliations(record) == [
        ("Ann Lee", [stanford]),
        ("Bo Chen", [stanford]),
        ("Cy Diaz", [stanford]),
        ("Di Fox", ["Google DeepMind"]),
        ("Ed Gu", ["Google DeepMind"]),
    ]
    assert record.authors[0].affiliations[0].domain == "stanford.edu"
    assert {e.method for e in record.link_evidence} == {"group"}


def test_an_equal_contribution_footnote_does_not_replace_blocks(tmp_path: Path) -> None:
    path = write_pdf(
        tmp_path / "neurips.pdf",
        [
            [
                "Learning Things From Other Things",
                [(0.15, [txt("Ann Lee"), sup("∗")]), (0.55, [txt("Bo Chen"), sup("∗")])],
                [(0.15, [txt("University of Oxford")]), (0.55, [txt("Peking University")])],
                [(0.15, [txt("Oxford, UK")]), (0.55, [txt("Beijing, China")])],
                "Abstract",
                *BODY,
                [(0.1, [sup("∗", 5), txt("Equal contribution.", 8)])],
            ]
        ],
    )
    record = read_pdf(path.read_bytes(), path.name)
    assert _affiliations(record) == [
        ("Ann Lee", ["University of Oxford, Oxford, UK"]),
        ("Bo Chen", ["Peking University, Beijing, China"]),
    ]
