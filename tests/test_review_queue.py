"""The queue's order, audits and their estimates, and what analyze says about review."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import collabatlas as ca
from collabatlas.analyze.stats import wilson_interval
from collabatlas.errors import UsageError
from collabatlas.review.audit import audit_items, audit_result, judge, start_audit
from collabatlas.review.corrections import correct_affiliation
from collabatlas.review.queue import next_in_queue, queue_counts, review_queue
from collabatlas.review.summary import review_summary
from collabatlas.store.load import aff_key
from tests.review_support import ingested_store

STANFORD = aff_key("Stanford University, Stanford, CA, USA", "stanford.edu")
TSINGHUA = aff_key("Tsinghua University, Beijing, China", "tsinghua.edu.cn")
MIT = aff_key("MIT, Cambridge, MA, USA", "mit.edu")


@pytest.fixture
def store(tmp_path, registry):
    with ca.Store(ingested_store(tmp_path, registry)) as s:
        yield s


def test_queue_order_by_impact(store):
    items = review_queue(store, limit=1000)
    tiers = [i.tier for i in items]
    assert tiers == sorted(tiers) and tiers[0] == 0
    assert all(i.country is None for i in items if i.tier == 0)
    deciding = {i.aff_key: i for i in items if i.tier == 2}
    # p1 is US–CN because of Stanford alone and Tsinghua alone: both decide its flag.
    assert {STANFORD, TSINGHUA} <= set(deciding)
    assert deciding[STANFORD].decides == 1
    # MIT is on eleven papers: the most authorships, and it decides no A–B flag.
    mit = next(i for i in items if i.aff_key == MIT)
    assert mit.tier == 3 and mit.authorships == 11
    for tier in set(tiers):
        weights = [i.authorships for i in items if i.tier == tier]
        assert weights == sorted(weights, reverse=True)
    assert review_queue(store, limit=2, offset=1) == items[1:3]


def test_reviewed_items_leave_the_queue(store):
    first = next_in_queue(store, None)
    assert first == review_queue(store, limit=1)[0].aff_key
    second = next_in_queue(store, None, after=first)
    before = queue_counts(store)
    correct_affiliation(store, first, "not-institution", reviewer="ann")
    after = queue_counts(store)
    assert after["reviewed"] == before["reviewed"] + 1
    assert (
        sum(after[t] for t in ("unresolved", "low confidence", "decides an A–B flag", "other"))
        == sum(before[t] for t in ("unresolved", "low confidence", "decides an A–B flag", "other")) - 1
    )
    assert next_in_queue(store, None) == second


def test_queue_follows_the_pair(store):
    us_cn = {i.aff_key for i in review_queue(store, limit=1000) if i.tier == 2}
    us_gb = {
        i.aff_key for i in review_queue(store, ca.CountingRules.parse("US,GB"), limit=1000) if i.tier == 2
    }
    assert TSINGHUA in us_cn and TSINGHUA not in us_gb


def test_audit_is_reproducible_and_estimates_with_wilson(store):
    resolved = store.rows("SELECT count(*) FROM resolutions WHERE method <> 'unresolved'")[0][0]
    first = start_audit(store, 100, seed=7, reviewer="ann")
    again = start_audit(store, 100, seed=7, reviewer="ann")
    other = start_audit(store, 100, seed=8, reviewer="ann")
    keys = [[i["aff_key"] for i in audit_items(store, a)] for a in (first, again, other)]
    assert keys[0] == keys[1] and keys[0] != keys[2] and len(set(keys[0])) == resolved >= 4
    small = [i["aff_key"] for i in audit_items(store, start_audit(store, 2, seed=7, reviewer="ann"))]
    assert small == keys[0][:2]
    assert all(i["method"] != "unresolved" for i in audit_items(store, first))
    items = audit_items(store, first)
    for item in items[:4]:
        judge(store, first, item["position"], item["position"] != 3, reviewer="ann")
    result = audit_result(store, first)
    assert (result.overall.judged, result.overall.right) == (4, 3)
    assert (result.overall.ci_low, result.overall.ci_high) == pytest.approx(wilson_interval(3, 4))
    assert sum(e.judged for e in result.per_method) == 4
    # A later judgement replaces an earlier one.
    judge(store, first, 3, True, reviewer="bob")
    assert audit_result(store, first).overall.right == 4
    with pytest.raises(UsageError, match="no item 99"):
        judge(store, first, 99, True, reviewer="ann")
    with pytest.raises(UsageError, match="between 1 and"):
        start_audit(store, 0, seed=1, reviewer="ann")
    assert audit_result(store, 999) is None


def test_review_summary(store):
    summary = review_summary(store)
    assert summary["reviewed"] == 0 and summary["audit"] is None
    assert summary["affiliations"] == store.rows("SELECT count(*) FROM affiliations")[0][0]
    correct_affiliation(store, MIT, "accept", reviewer="ann")
    audit = start_audit(store, 3, seed=1, reviewer="ann")
    for item in audit_items(store, audit):
        judge(store, audit, item["position"], True, reviewer="ann")
    summary = review_summary(store)
    assert (summary["reviewed"], summary["authorships_reviewed"]) == (1, 11)
    assert summary["audit"]["judged"] == 3 and summary["audit"]["accuracy"] == 1.0


def test_analyze_prints_review_and_audit(tmp_path, registry):
    db = ingested_store(tmp_path, registry)
    with ca.Store(db) as store:
        correct_affiliation(store, MIT, "accept", reviewer="ann")
        audit = start_audit(store, 4, seed=2, reviewer="ann")
        for item in audit_items(store, audit):
            judge(store, audit, item["position"], item["position"] > 0, reviewer="ann")
    out = tmp_path / "a.json"
    done = subprocess.run(
        [sys.executable, "-m", "collabatlas", "analyze", "--db", str(db), "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    assert "Human review: 1 of" in text and "estimated accuracy 75.0%" in text
    review = json.loads(out.read_text())["review"]
    assert review["reviewed"] == 1 and review["audit"]["judged"] == 4
