"""The report of three shared NeurIPS years, opened from the file system in headless Chromium with
every network request blocked: nothing external, nothing failed, no console error, every figure
drawn, every section and table present."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import collabatlas as ca
from collabatlas.report.html import build_report

SECTIONS = ("headline", "trend", "pairs", "institutions", "evidence", "methods")
TABLES = ("headline-table", "pairs-table", "institutions-table", "evidence-table", "sources-table",
          "coverage-table", "methods-table")  # fmt: skip


@pytest.fixture
def neurips_report(shared, registry, tmp_path) -> Path:
    lists = [str(shared / "paperlists" / "labeled" / f"nips{year}.json") for year in (2016, 2017, 2018)]
    with ca.Store(tmp_path / "neurips.duckdb") as store:
        ca.ingest(store, lists, registry=registry)
        files = build_report(store, ca.CountingRules(), tmp_path / "report")
    return files.index


@pytest.mark.integration
@pytest.mark.browser
def test_report_opens_offline_in_chromium(chromium, neurips_report, tmp_path):
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    blocked: list[str] = []
    failed: list[str] = []
    errors: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(neurips_report.as_uri(), wait_until="load")

    assert blocked == [] and failed == [] and errors == []
    images = page.eval_on_selector_all(
        "img",
        "els => els.map(e => ({src: e.src, w: e.naturalWidth, alt: e.alt,"
        " box: e.getBoundingClientRect().width}))",
    )
    assert len(images) >= 3
    for image in images:
        assert image["w"] > 0 and image["box"] > 0 and image["alt"], image
    for section in SECTIONS:
        assert page.locator(f"section#{section} h2").is_visible(), section
    for table in TABLES:
        assert page.locator(f"#{table} tbody tr").count() > 0, table
    assert "NeurIPS, " in page.locator("#headline p.lead").inner_text()

    evidence = page.locator("#evidence-table tbody tr")
    total = evidence.count()
    search = page.locator("#evidence-search")
    assert search.is_visible()
    search.fill("Tsinghua zzzz-no-such-word")
    assert page.locator("#evidence-table tbody tr:visible").count() == 0
    search.fill("")
    assert page.locator("#evidence-table tbody tr:visible").count() == total
    page.locator("#evidence-table th", has_text="year").click()
    page.locator("#evidence-table th", has_text="year").click()
    years = page.eval_on_selector_all(
        "#evidence-table tbody tr td:nth-child(2)", "c => c.map(x => +x.textContent)"
    )
    assert years == sorted(years, reverse=True)

    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 50_000
    assert blocked == [] and failed == [] and errors == []
