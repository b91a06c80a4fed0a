"""`collabatlas detect` and `collabatlas flows` as a user runs them, on the techflow fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import collabatlas as ca
from collabatlas.cli import app
from collabatlas.resolve.registry import Registry
from tests.conftest import FIXTURES
from tests.test_cli import run

TECHFLOW = [FIXTURES / "technology" / "techflow2023.json", FIXTURES / "technology" / "techflow2024.json"]


@pytest.fixture
def db(tmp_path: Path, registry: Registry) -> str:
    path = tmp_path / "s.duckdb"
    with ca.Store(path) as store:
        ca.ingest(store, [str(p) for p in TECHFLOW], registry=registry)
    return str(path)


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_flows_detects_then_prints_and_writes_json(db: str, tmp_path: Path) -> None:
    out = tmp_path / "flows.json"
    done = run("flows", "--db", db, "--year", "2024", "--json", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "12 papers scanned, 14 mentions stored" in done.stdout
    assert "US-origin models in papers with CN authors" in done.stdout
    assert "Qwen (CN) in papers with US authors" in done.stdout
    assert "Share of LLM papers" in done.stdout
    data = json.loads(out.read_text())
    assert data["conventions"]["catalog_version"]
    assert {r["year"] for r in data["rows"]} == {2024}
    qwen = next(r for r in data["rows"] if r["model"] == "qwen")
    assert (qwen["origin_country"], qwen["papers_mentioning"], qwen["papers_using"]) == ("CN", 2, 2)
    assert qwen["papers_by_author_country"]["US"]["papers"] == 5
    head = {r["label"]: r for r in data["headline"]}
    assert head["US-origin models in papers with CN authors"]["papers_mentioning"] == 3


def test_flows_options_change_the_counting(db: str, tmp_path: Path) -> None:
    def us_in_cn(*options: str) -> tuple[float, float]:
        out = tmp_path / "f.json"
        invoke("flows", "--db", db, "--year", "2024", *options, "--json", str(out))
        data = json.loads(out.read_text())
        row = next(r for r in data["headline"] if r["label"].startswith("US-origin"))
        return row["papers_mentioning"], row["papers_with_author_country"]

    assert us_in_cn("--china-scope", "mainland") == (2, 2)
    assert us_in_cn("--china-scope", "greater") == (3, 4)
    assert us_in_cn("--counting", "fractional") == (2, 2)
    assert us_in_cn("--origin", "lab") == (2, 3)


def test_detect_command_is_incremental(db: str) -> None:
    invoke("detect", "--db", db)
    output = invoke("detect", "--db", db)
    assert "0 papers scanned" in output and "12 papers already current" in output
    assert "12 papers scanned, 14 mentions stored" in invoke("detect", "--db", db, "--force")


def test_missing_store_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["flows", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0 and not (tmp_path / "none.duckdb").exists()


def test_bad_origin_is_one_line(db: str, tmp_path: Path) -> None:
    done = run("flows", "--db", db, "--origin", "moon", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == ["Error: unknown --origin 'moon' (hint: use developer or lab)"]
