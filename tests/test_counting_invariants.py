"""Invariants of the counting core, over random small stores (hypothesis).

Every table reads one counted-papers relation, so for every option combination: ``papers``
returns exactly the papers behind each count; fractional credits sum to the papers with data;
the pair matrix's (A, B) cell is ``papers_ab``; the totals' A is ``papers_a``; a venue or year
filter gives the same rows as the unfiltered table; and the answers do not depend on how many
ingests there were, in which order, or on ``resolve --force``.
"""

from __future__ import annotations

import functools
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import collabatlas as ca
from collabatlas.analyze import counted_once, country_totals, pair_matrix, paper_credits
from collabatlas.report.authorships import authorships
from collabatlas.resolve.apply import resolve_pending
from collabatlas.resolve.registry import Registry
from collabatlas.review import override_paper

# Affiliation strings and their e-mail domains; a department alone is placed by its co-authors.
POOL = [
    ("Department of Statistics", ""),
    ("Stanford University, Stanford, CA, USA", "stanford.edu"),
    ("Tsinghua University, Beijing, China", "tsinghua.edu.cn"),
    ("The Chinese University of Hong Kong, Hong Kong", "cuhk.edu.hk"),
    ("National Taiwan University, Taipei, Taiwan", "ntu.edu.tw"),
    ("University of Tokyo, Tokyo, Japan", "u-tokyo.ac.jp"),
    ("University of Oxford, Oxford, UK", "ox.ac.uk"),
    ("Google DeepMind, London", ""),
    ("Microsoft Research Asia, Beijing", ""),
    ("", ""),
]
VENUES = ("alpha2020", "beta2021")
SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

author = st.lists(st.sampled_from(range(len(POOL))), min_size=0, max_size=2)
paper = st.fixed_dictionaries(
    {
        "authors": st.lists(author, min_size=1, max_size=4),
        "status": st.sampled_from(["Poster", "Oral", "Reject"]),
        "override": st.one_of(st.none(), st.lists(st.sampled_from(["US", "CN", "HK", "DE"]), max_size=2)),
    }
)
corpus = st.fixed_dictionaries({v: st.lists(paper, min_size=1, max_size=6) for v in VENUES})


def _record(index: int, spec: dict[str, Any]) -> dict[str, str]:
    affs = ["+".join(POOL[i][0] for i in a) for a in spec["authors"]]
    domains = ["+".join(POOL[i][1] for i in a) for a in spec["authors"]]
    return {
        "id": f"p{index}",
        "title": f"Paper {index}",
        "status": spec["status"],
        "author": ";".join(f"Author {index}-{k}" for k in range(len(spec["authors"]))),
        "aff": ";".join(affs),
        "aff_domain": ";".join(domains),
    }


def _write(folder: Path, data: dict[str, list[dict[str, Any]]]) -> list[Path]:
    paths = []
    for venue, papers in data.items():
        path = folder / f"{venue}.json"
        path.write_text(json.dumps([_record(i, p) for i, p in enumerate(papers)]))
        paths.append(path)
    return paths


def _overrides(store: ca.Store, data: dict[str, list[dict[str, Any]]]) -> None:
    for venue, papers in data.items():
        for i, spec in enumerate(papers):
            if spec["override"] is not None:
                override_paper(store, f"{venue}:p{i}", spec["override"], reviewer="test")


def _rules(counting: str, scope: str, accepted_only: bool, **kw: Any) -> ca.CountingRules:
    return ca.CountingRules.parse("US,CN", scope, counting=counting, accepted_only=accepted_only, **kw)


OPTIONS = list(
    itertools.product(["whole", "fractional", "first-author"], ["prc", "mainland", "greater"], [True, False])
)
option = st.sampled_from(OPTIONS)


@functools.cache
def registry() -> Registry:
    return ca.load_registry()


def _snapshot(store: ca.Store, options: list[tuple[str, str, bool]]) -> dict[str, Any]:
    """Every table under the options, as plain values (for comparing stores)."""
    out: dict[str, Any] = {}
    for opt in options:
        rules = _rules(*opt)
        out[repr(opt)] = (
            ca.collaboration(store, rules).to_pylist(),
            country_totals(store, rules).to_pylist(),
            pair_matrix(store, rules).to_pylist(),
            ca.papers_behind(store, rules).select(["paper_id", "countries"]).to_pylist(),
        )
    return out


@given(data=corpus, options=st.lists(option, min_size=1, max_size=3, unique=True))
@SETTINGS
def test_every_table_counts_the_same_papers(data, options):
    with tempfile.TemporaryDirectory() as tmp, ca.Store(Path(tmp) / "s.duckdb") as store:
        ca.ingest(store, [str(p) for p in _write(Path(tmp), data)], registry=registry())
        _overrides(store, data)
        for counting, scope, accepted_only in options:
            rules = _rules(counting, scope, accepted_only)
            collab = {(r["venue"], r["year"]): r for r in ca.collaboration(store, rules).to_pylist()}
            totals = country_totals(store, rules).to_pylist()
            pairs = {
                (r["venue"], r["year"], r["country_1"], r["country_2"]): r["papers"]
                for r in pair_matrix(store, rules).to_pylist()
            }
            behind_ab = ca.papers_behind(store, rules).to_pylist()
            assert len(behind_ab) == sum(r["papers_ab"] for r in collab.values())
            for (venue, year), row in collab.items():
                assert pairs.get((venue, year, "CN", "US"), 0) == row["papers_ab"]
                mine = [t for t in totals if (t["venue"], t["year"]) == (venue, year)]
                assert sum(t["paper_count"] for t in mine if t["country"] == "unassigned") == (
                    row["papers"] - mine[0]["papers_with_data"]
                )
                if counting == "whole":
                    us = [t["paper_count"] for t in mine if t["country"] == "US"]
                    assert (us[0] if us else 0) == row["papers_a"]
                    assert row["credit_a"] == row["papers_a"] and row["ab_credit_b"] == row["papers_ab"]
                if counting == "fractional":
                    known = sum(t["papers"] for t in mine if t["country"] != "unassigned")
                    assert known == pytest.approx(mine[0]["papers_with_data"])
                    assert sum(t["papers"] for t in mine) == pytest.approx(row["papers"])
                # A filter narrows the selection and changes no number in it.
                narrowed = ca.collaboration(store, _rules(counting, scope, accepted_only, venues=(venue,)))
                assert narrowed.to_pylist() == [row]
                by_year = ca.collaboration(store, _rules(counting, scope, accepted_only, years=(year,)))
                assert by_year.to_pylist() == [row]
            for t in totals:
                behind = ca.papers_behind(
                    store, rules, venue=t["venue"], year=t["year"], country=t["country"]
                ).to_pylist()
                assert len(behind) == t["paper_count"]
                assert sum(b["credit"] for b in behind) == pytest.approx(t["papers"])
            credits = paper_credits(store, rules).to_pylist()
            per_paper: dict[str, float] = {}
            for c in credits:
                per_paper[c["paper_id"]] = per_paper.get(c["paper_id"], 0.0) + c["credit"]
            assert len(per_paper) == sum(r["papers"] for r in collab.values())
            if counting == "fractional":
                assert all(v == pytest.approx(1.0) for v in per_paper.values())
            # The authorships export holds exactly the counted papers, with analyze's countries.
            exported = {r["paper_id"]: r["paper_countries"] for r in authorships(store, rules).to_pylist()}
            assert len(exported) == sum(r["papers"] for r in collab.values())
            assert {p for p, c in exported.items() if {"US", "CN"} <= set(c.split("|"))} == {
                b["paper_id"] for b in behind_ab
            }


@given(
    data=corpus,
    order=st.permutations(VENUES),
    together=st.booleans(),
    options=st.lists(option, min_size=1, max_size=3, unique=True),
)
@SETTINGS
def test_answers_do_not_depend_on_ingest_order_or_re_resolution(data, order, together, options):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = dict(zip(VENUES, _write(folder, data), strict=True))
        with ca.Store(folder / "one.duckdb") as store:
            ca.ingest(store, [str(paths[v]) for v in VENUES], registry=registry())
            _overrides(store, data)
            reference = _snapshot(store, options)
        with ca.Store(folder / "two.duckdb") as store:
            if together:
                ca.ingest(store, [str(paths[v]) for v in order], registry=registry())
            else:
                for v in order:
                    ca.ingest(store, [str(paths[v])], registry=registry())
                ca.ingest(store, [str(paths[order[0]])], registry=registry())  # a re-ingest changes nothing
            _overrides(store, data)
            assert _snapshot(store, options) == reference
            with store.transaction() as conn:
                resolve_pending(conn, registry(), force=True)
            assert _snapshot(store, options) == reference


@given(data=corpus, options=st.lists(option, min_size=1, max_size=3, unique=True))
@settings(SETTINGS, max_examples=10)
def test_counted_once_changes_no_table(data, options):
    """Inside ``counted_once`` each set of rules is counted once and every table reads that; the
    tables are the ones computed without it (headquarters and main-track rules too)."""
    with tempfile.TemporaryDirectory() as tmp, ca.Store(Path(tmp) / "s.duckdb") as store:
        ca.ingest(store, [str(p) for p in _write(Path(tmp), data)], registry=registry())
        _overrides(store, data)
        plain = _snapshot(store, options)
        extra = [_rules(*options[0], companies="headquarters"), _rules(*options[0], tracks="main")]
        plain_extra = [
            (ca.collaboration(store, r).to_pylist(), paper_credits(store, r).to_pylist()) for r in extra
        ]
        with counted_once(store):
            assert _snapshot(store, options) == plain
            assert _snapshot(store, options) == plain  # read again from the tables counted once
            assert [
                (ca.collaboration(store, r).to_pylist(), paper_credits(store, r).to_pylist()) for r in extra
            ] == plain_extra
        assert not store.rows("SELECT table_name FROM duckdb_tables() WHERE temporary")
