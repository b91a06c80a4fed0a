"""Technology flow end to end through the store: detection bookkeeping, traps, and counting by
author country under every --china-scope and counting mode, on a hand-built fixture.

The fixture (tests/fixtures/technology/techflow2024.json, 2023.json) and its known answers:

    paper  authors (first first)   models named (role)                    counted
    p1     CN Tsinghua, US         Llama-2-7B (uses)                      yes
    p2     CN, CN                  GPT-4 (mentions), Qwen2.5 (uses)       yes
    p3     HK, US                  Transformer (uses)                     yes
    p4     TW, GB                  DeepSeek-R1 (uses)                     yes
    p5     US                      Qwen2-72B (uses); traps Yi, Claude Shannon, power transformer, Phi
    p6     (no affiliation)        BERT (uses)                            yes, 'unassigned'
    p7     US                      Qwen-7B (uses)                         no: rejected
    p8     US                      Claude (title, uses)                   yes
    p9     US, GB                  traps GLM (linear model), Gemini constellation; SAM optimizer
    2023: q1 CN LLaMA (uses), q2 US Llama 2 (uses), q3 US GPT-3 (mentions)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import collabatlas as ca
from collabatlas.analyze import CountingRules
from collabatlas.analyze.flow_trends import adoption_trends
from collabatlas.analyze.flows import (
    adoption_by_country,
    flow_conventions,
    flow_matrix,
    has_flows,
    headline,
    model_adoption,
)
from collabatlas.errors import UsageError
from collabatlas.report.flows import flows_document
from collabatlas.resolve.registry import Registry
from collabatlas.store import Store
from collabatlas.technology import apply
from collabatlas.technology.apply import detect_pending
from collabatlas.technology.catalog import build_catalog, default_catalog_path
from tests.conftest import FIXTURES

TECHFLOW = [FIXTURES / "technology" / "techflow2023.json", FIXTURES / "technology" / "techflow2024.json"]


@pytest.fixture(scope="module")
def flows_db(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> Path:
    path = tmp_path_factory.mktemp("flows") / "flows.duckdb"
    with Store(path) as store:
        ca.ingest(store, [str(p) for p in TECHFLOW], registry=registry)
        detect_pending(store)
    return path


@pytest.fixture
def flows_store(flows_db: Path) -> Iterator[Store]:
    with Store(flows_db, read_only=True) as store:
        yield store


@pytest.fixture
def fresh(store: Store, registry: Registry) -> Store:
    ca.ingest(store, [str(p) for p in TECHFLOW], registry=registry)
    return store


def rules(scope: str = "prc", counting: str = "whole", **kwargs: Any) -> CountingRules:
    return CountingRules.parse("US,CN", scope, counting=counting, **kwargs)


def mentions(store: Store, paper: str) -> set[tuple[str, str]]:
    rows = store.rows("SELECT model_id, role FROM technology_mentions WHERE paper_id = ?", [paper])
    return {(model, role) for model, role in rows}


def heads(store: Store, r: CountingRules, view: str = "developer") -> dict[str, tuple[float, float, float]]:
    return {
        row["label"]: (row["papers_mentioning"], row["papers_using"], row["papers_with_author_country"])
        for row in headline(store, r, view).to_pylist()
        if row["year"] == 2024
    }


# --- detection over the store -------------------------------------------------------------------


def test_detection_stores_mentions_with_evidence(flows_store: Store) -> None:
    row = flows_store.rows(
        "SELECT field, start_offset, end_offset, matched, sentence, role, rule, catalog_version "
        "FROM technology_mentions WHERE paper_id = 'techflow2024:p2' AND model_id = 'qwen'"
    )[0]
    version = ca.load_catalog().version
    assert row == (
        "abstract",
        62,
        81,
        "Qwen2.5-7B-Instruct",
        "We build on Qwen2.5-7B-Instruct as the reader.",
        "uses",
        "used_as",
        version,
    )
    (abstract,) = flows_store.rows("SELECT abstract FROM papers WHERE paper_id = 'techflow2024:p2'")[0]
    assert abstract[62:81] == "Qwen2.5-7B-Instruct"
    assert mentions(flows_store, "techflow2024:p8") == {("claude", "uses")}  # the title counts
    models = flows_store.rows("SELECT count(*), any_value(catalog_version) FROM technology_models")[0]
    assert models == (len(ca.load_catalog().models), version)


def test_traps_stay_out_end_to_end(flows_store: Store) -> None:
    # Yi the name, Claude Shannon, a power transformer, Phi the symbol: only the real model.
    assert mentions(flows_store, "techflow2024:p5") == {("qwen", "uses")}
    # A GLM fitted in an LLM paper, the Gemini constellation; SAM defined as the optimizer.
    assert {m for m, _ in mentions(flows_store, "techflow2024:p9")} == {"sam-optimizer"}


def test_detection_is_incremental_and_follows_the_catalog_version(fresh: Store) -> None:
    first = detect_pending(fresh)
    assert (first.papers_scanned, first.mentions, first.papers_current) == (12, 14, 0)
    again = detect_pending(fresh)
    assert (again.papers_scanned, again.mentions, again.papers_current) == (0, 0, 12)
    raw = json.loads(default_catalog_path().read_text("utf-8"))
    raw["version"] = "test-next"
    raw["models"] = [m for m in raw["models"] if "qwen" not in (m["id"], m.get("derived_from"))]
    bumped = detect_pending(fresh, build_catalog(raw))
    assert (bumped.catalog_version, bumped.papers_scanned, bumped.mentions) == ("test-next", 12, 11)
    assert fresh.rows("SELECT DISTINCT catalog_version FROM technology_mentions") == [("test-next",)]
    assert fresh.rows("SELECT count(*) FROM technology_models WHERE model_id = 'qwen'") == [(0,)]
    assert detect_pending(fresh, force=True).papers_scanned == 12
    assert has_flows(fresh)


def test_changed_abstract_is_rescanned(fresh: Store, registry: Registry, tmp_path: Path) -> None:
    detect_pending(fresh)
    changed = tmp_path / "techflow2024.json"
    papers = json.loads(TECHFLOW[1].read_text("utf-8"))
    papers[4]["abstract"] = "We distill Mistral-7B into a small student."
    changed.write_text(json.dumps(papers), "utf-8")
    ca.ingest(fresh, [str(changed)], registry=registry)
    report = detect_pending(fresh)
    assert (report.papers_scanned, report.mentions) == (1, 1)
    assert mentions(fresh, "techflow2024:p5") == {("mistral", "uses")}


def test_detection_is_one_transaction(fresh: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def failing(rows: Any, catalog: Any) -> list[dict[str, Any]]:
        calls.append(1)
        if len(calls) > 1:
            raise RuntimeError("detector crashed")
        return []

    monkeypatch.setattr(apply, "BATCH_SIZE", 5)
    monkeypatch.setattr(apply, "detect_batch", failing)
    with pytest.raises(RuntimeError):
        detect_pending(fresh)
    assert fresh.rows("SELECT count(*) FROM technology_scans") == [(0,)]
    assert fresh.rows("SELECT count(*) FROM technology_models") == [(0,)]


def test_has_flows_only_after_detection(fresh: Store) -> None:
    assert not has_flows(fresh)
    detect_pending(fresh)
    assert has_flows(fresh)


# --- counting by author country -----------------------------------------------------------------

US_IN_CN = "US-origin models in papers with CN authors"
CN_IN_US = "CN-origin models in papers with US authors"


@pytest.mark.parametrize(
    ("scope", "us_in_cn", "cn_in_us"),
    [
        # p1, p2 (mentions GPT only), p3 (HK) with CN authors; p5 with US authors builds on Qwen.
        ("prc", (3, 2, 3), (1, 1, 5)),
        # HK is its own country: p3 leaves the CN papers.
        ("mainland", (2, 1, 2), (1, 1, 5)),
        # TW folds into CN: p4 (DeepSeek only) joins the CN papers.
        ("greater", (3, 2, 4), (1, 1, 5)),
    ],
)
def test_headline_under_each_china_scope(
    flows_store: Store, scope: str, us_in_cn: tuple[int, int, int], cn_in_us: tuple[int, int, int]
) -> None:
    got = heads(flows_store, rules(scope))
    assert got[US_IN_CN] == us_in_cn
    assert got[CN_IN_US] == cn_in_us
    assert got["Qwen (CN) in papers with US authors"] == (1, 1, 5)


def test_china_scope_moves_hk_and_tw_in_the_matrix(flows_store: Store) -> None:
    def cell(scope: str, origin: str, author: str) -> tuple[float, float]:
        for row in flow_matrix(flows_store, rules(scope)).to_pylist():
            key = (row["year"], row["origin_country"], row["author_country"])
            if key == (2024, origin, author):
                return row["papers_mentioning"], row["papers_using"]
        return 0.0, 0.0

    assert cell("mainland", "US", "HK") == (1, 1)
    assert cell("prc", "US", "HK") == (0, 0)
    assert cell("mainland", "CN", "TW") == (1, 1)
    assert cell("greater", "CN", "CN") == (2, 2)  # p2 (Qwen) and p4 (DeepSeek, Taiwan)
    assert cell("prc", "CN", "CN") == (1, 1)
    assert cell("prc", "US", "unassigned") == (1, 1)  # p6: BERT, no resolved affiliation


def test_fractional_and_first_author_counting(flows_store: Store) -> None:
    frac = heads(flows_store, rules("prc", "fractional"))
    # CN credit: p1 1/2 + p2 1 + p3 1/2 (HK); using: p1 and p3 halves.
    assert frac[US_IN_CN] == (2.0, 1.0, 2.0)
    # US credit: p1 1/2, p3 1/2, p5 1, p8 1, p9 1/2.
    assert frac[CN_IN_US] == (1.0, 1.0, 3.5)
    first = heads(flows_store, rules("prc", "first-author"))
    assert first[US_IN_CN] == (3, 2, 3)  # first authors at Tsinghua, Tsinghua, HKU
    assert first[CN_IN_US] == (1, 1, 3)  # p5, p8, p9 have a US first author
    assert heads(flows_store, rules("mainland", "first-author"))[US_IN_CN] == (2, 1, 2)


def test_adoption_by_country_any_and_all_authors(flows_store: Store) -> None:
    rows = {
        (r["model"], r["author_country"]): r
        for r in adoption_by_country(flows_store, rules()).to_pylist()
        if r["year"] == 2024
    }
    qwen_cn = rows[("qwen", "CN")]
    assert (qwen_cn["papers_mentioning"], qwen_cn["papers_using"]) == (1, 1)
    assert (qwen_cn["papers_mentioning_all"], qwen_cn["papers_all_authors_in_country"]) == (1, 1)
    assert qwen_cn["papers_with_author_country"] == 3
    llama_cn = rows[("llama", "CN")]
    assert (llama_cn["papers_mentioning"], llama_cn["papers_mentioning_all"]) == (1, 0)  # p1 is CN+US
    assert (llama_cn["origin_country"], llama_cn["lab_country"]) == ("US", "FR")
    assert llama_cn["share_mentioning"] == pytest.approx(1 / 3)
    assert llama_cn["mentioning_ci_low"] < 1 / 3 < llama_cn["mentioning_ci_high"]


def test_model_adoption_and_status_filter(flows_store: Store) -> None:
    def qwen(r: CountingRules) -> tuple[int, int, int]:
        row = next(
            x for x in model_adoption(flows_store, r).to_pylist() if (x["year"], x["model"]) == (2024, "qwen")
        )
        return row["papers"], row["papers_mentioning"], row["papers_using"]

    assert qwen(rules()) == (8, 2, 2)
    assert qwen(rules(accepted_only=False)) == (9, 3, 3)
    gpt = next(
        x
        for x in model_adoption(flows_store, rules()).to_pylist()
        if (x["year"], x["model"]) == (2024, "gpt")
    )
    assert (gpt["papers_mentioning"], gpt["papers_using"], gpt["origin_country"]) == (1, 0, "US")


def test_lab_view_uses_the_building_labs_country(flows_store: Store) -> None:
    got = heads(flows_store, rules(), view="lab")
    # LLaMA was built at Meta's Paris lab: under the lab view p1 no longer counts as US-origin.
    assert got[US_IN_CN] == (2, 1, 3)
    matrix = flow_matrix(flows_store, rules(), "lab").to_pylist()
    fr_in_cn = next(
        r for r in matrix if (r["year"], r["origin_country"], r["author_country"]) == (2024, "FR", "CN")
    )
    assert (fr_in_cn["view"], fr_in_cn["papers_using"]) == ("lab", 1)


def test_adoption_trends_across_years(flows_store: Store) -> None:
    def cells(by: str, key: str) -> dict[int, tuple[int, int, int, int]]:
        return {
            r["year"]: (r["papers_using"], r["papers"], r["llm_papers_using"], r["llm_papers"])
            for r in adoption_trends(flows_store, rules(), by=by).to_pylist()
            if r["key"] == key
        }

    # LLM papers 2024: p1 (Llama), p2 (Qwen), p4 (DeepSeek), p5 (Qwen), p8 (Claude).
    assert cells("origin", "CN") == {2023: (0, 3, 0, 2), 2024: (3, 8, 3, 5)}
    assert cells("origin", "US") == {2023: (2, 3, 2, 2), 2024: (4, 8, 2, 5)}
    assert cells("model", "llama") == {2023: (2, 3, 2, 2), 2024: (1, 8, 1, 5)}
    row = next(r for r in adoption_trends(flows_store, rules(), by="origin").to_pylist() if r["key"] == "CN")
    assert row["share_of_llm_papers"] == 0.0 and row["llm_ci_high"] > 0
    with pytest.raises(UsageError):
        adoption_trends(flows_store, rules(), by="lab")


def test_venue_and_year_selection(flows_store: Store) -> None:
    only_2023 = rules(years=(2023,))
    assert {r["year"] for r in model_adoption(flows_store, only_2023).to_pylist()} == {2023}
    assert model_adoption(flows_store, rules(venues=("nowhere",))).num_rows == 0
    assert flow_matrix(flows_store, rules(venues=("techflow",), years=(2024,))).num_rows > 0


def test_document_and_conventions(flows_store: Store) -> None:
    document = flows_document(flows_store, rules())
    assert document["conventions"]["catalog_version"] == ca.load_catalog().version
    assert document["conventions"]["china_scope"] == "prc"
    row = next(r for r in document["rows"] if (r["year"], r["model"]) == (2024, "qwen"))
    assert {"venue", "year", "model", "origin_country", "papers_mentioning", "papers_using"} <= set(row)
    assert row["papers_by_author_country"]["CN"] == {
        "papers": 3,
        "mentioning": 1,
        "using": 1,
        "mentioning_all": 1,
        "using_all": 1,
    }
    assert set(document["flow_matrix"]) == {"developer", "lab"}
    assert set(document["trends"]) == {"by_origin", "by_model"}
    json.dumps(document)
    assert flow_conventions(flows_store, rules(), "lab")["origin_view"] == "lab"
