"""The report's technology-flow section: hatched small cells, the colour scale, the per-model table."""

from __future__ import annotations

import csv
from pathlib import Path

import collabatlas as ca
from collabatlas.analyze import CountingRules
from collabatlas.report.html import build_report
from collabatlas.report.html.figures import share_heatmap
from collabatlas.resolve.registry import Registry
from collabatlas.technology import detect_pending
from tests.conftest import FIXTURES

TECHFLOW = [FIXTURES / "technology" / "techflow2023.json", FIXTURES / "technology" / "techflow2024.json"]


def test_small_cells_are_hatched_without_a_number() -> None:
    rows = [
        {"model_name": "GPT", "author_country": "US", "papers_using": 40, "share_using": 0.4},
        {"model_name": "GPT", "author_country": "CN", "papers_using": 3, "share_using": 0.03},
        {"model_name": "Qwen", "author_country": "US", "papers_using": 12, "share_using": 0.12},
        {"model_name": "Qwen", "author_country": "CN", "papers_using": 0, "share_using": 0.0},
    ]
    chart = share_heatmap("t", "title", rows, "model_name", "model", CountingRules(min_count=10))
    ax, colorbar = chart.figure.axes
    assert sorted(t.get_text() for t in ax.texts) == ["12.0", "40.0"]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert [(p.get_x(), p.get_y()) for p in hatched] == [(0.5, -0.5), (0.5, 0.5)]
    assert "fewer than 10 papers using" in ax.get_xlabel()
    assert colorbar.get_ylabel() == "% of the country's papers using"
    assert "2 of 4 cells have fewer than 10 papers using" in chart.alt


def test_report_has_the_per_model_table_with_intervals(tmp_path: Path, registry: Registry) -> None:
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(p) for p in TECHFLOW], registry=registry)
        detect_pending(store)
        files = build_report(store, CountingRules.parse("US,CN", min_count=2), tmp_path / "report")
    html = (tmp_path / "report" / "index.html").read_text("utf-8")
    assert 'id="flow-models-table"' in html and "95% interval" in html
    with (tmp_path / "report" / "flow_models.csv").open(encoding="utf-8") as handle:
        models = list(csv.DictReader(handle))
    gpt = next(m for m in models if m["model"] == "gpt")
    assert gpt["origin_country"] == "US"
    assert float(gpt["ci_low"]) <= float(gpt["share_using"]) <= float(gpt["ci_high"])
    assert int(gpt["papers"]) == 11  # the accepted papers of both venue-years
    with (tmp_path / "report" / "flow_adoption.csv").open(encoding="utf-8") as handle:
        assert {"ci_low", "ci_high"} <= set(next(csv.DictReader(handle)))
    assert "flow_models.csv" in [Path(f).name for f in files.tables]
