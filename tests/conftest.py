"""Shared fixtures: a fresh store per test, the shipped registry once, the shared data when present."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.store import Store

FIXTURES = Path(__file__).parent / "fixtures"
QUIRKS = FIXTURES / "paperlists" / "quirks2020.json"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store(db_path) as s:
        yield s


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "paperlists").is_dir():
        pytest.skip(f"shared data not found at {SHARED} (integration data lives beside the checkout)")
    return SHARED


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright, headless (skipped with the reason when absent)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium not found at /usr/bin/chromium (apt-get install -y chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright not installed (pip install '.[browser]')"
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-background-networking"]
        )
        yield browser
        browser.close()
