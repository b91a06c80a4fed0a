"""End to end on real shared files (integration: skipped when ../shared is absent)."""

from __future__ import annotations

import pytest

import collabatlas as ca

pytestmark = pytest.mark.integration


def test_nips2018_end_to_end(shared, store, registry):
    path = shared / "paperlists" / "labeled" / "nips2018.json"
    report = ca.ingest(store, [str(path)], registry=registry)
    assert report.sources[0][1] == "NeurIPS 2018" and report.sources[0][2] == 1009
    row = ca.collaboration(store).to_pylist()[0]
    assert row["papers"] == 1009
    with_affiliations = store.rows("SELECT count(DISTINCT paper_id) FROM authorship_affiliations")[0][0]
    assert with_affiliations == 1009 - 83  # 83 papers have no affiliation in the file
    assert row["papers_with_data"] / with_affiliations > 0.99
    assert 0 < row["papers_ab"] < row["papers_b"] < row["papers_a"]
    pairs = ca.top_pairs(store).to_pylist()
    assert (pairs[0]["country_1"], pairs[0]["country_2"]) == ("CN", "US")


def test_raw_openreview_file_with_rejections(shared, store, registry):
    path = shared / "paperlists" / "raw" / "iclr2021.json"
    ca.ingest(store, [str(path)], registry=registry)
    total, accepted = store.rows("SELECT count(*), count(*) FILTER (WHERE accepted) FROM papers")[0]
    assert total == 3014 and accepted == 693 + 114 + 53
    assert ca.collaboration(store).to_pylist()[0]["papers"] == accepted


def test_resolver_agreement_on_a_labeled_file(shared, registry):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from accuracy import collabatlas_resolver, evaluate

    scores, _ = evaluate([shared / "paperlists" / "labeled" / "icml2018.json"], collabatlas_resolver())
    score = scores["icml2018.json"]
    assert score.agreement >= 0.95 and score.coverage >= 0.97
