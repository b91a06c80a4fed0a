"""The CLI end to end, in a subprocess as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import QUIRKS


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "collabatlas", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_ingest_analyze_export(tmp_path):
    db = str(tmp_path / "s.duckdb")
    done = run("ingest", str(QUIRKS), "--db", db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "quirks 2020: 12 papers" in done.stdout
    out = tmp_path / "a.json"
    done = run("analyze", "--db", db, "--json", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "US–CN" in done.stdout
    data = json.loads(out.read_text())
    assert set(data["rows"][0]) >= {
        "venue",
        "year",
        "papers",
        "papers_with_data",
        "papers_a",
        "papers_b",
        "papers_ab",
        "share",
        "share_of_known",
        "ci_low",
        "ci_high",
    }
    assert data["conventions"]["china_scope"] == "prc"
    done = run("export", "authorships", "--db", db, "--out", str(tmp_path / "a.csv"), cwd=tmp_path)
    assert done.returncode == 0 and (tmp_path / "a.csv").exists()


def test_bad_input_is_one_line_exit_2_and_store_untouched(tmp_path):
    db = tmp_path / "s.duckdb"
    assert run("ingest", str(QUIRKS), "--db", str(db), cwd=tmp_path).returncode == 0
    before = db.stat().st_size
    bad = tmp_path / "nips2020.json"
    bad.write_text('[{"title": 5}]')
    done = run("ingest", str(bad), "--db", str(db), cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "nips2020.json: record 0" in lines[0]
    assert db.stat().st_size == before


def test_unreadable_url_is_one_line(tmp_path, monkeypatch):
    env_cache = tmp_path / "cache"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "collabatlas",
            "ingest",
            "https://127.0.0.1:9/nips2020.json",
            "--db",
            str(tmp_path / "s.duckdb"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "COLLABATLAS_CACHE": str(env_cache)},
    )
    assert done.returncode == 1  # the network: the environment, not usage
    assert len(done.stderr.strip().splitlines()) == 1 and "127.0.0.1:9" in done.stderr


def test_unknown_pair_is_a_usage_error(tmp_path):
    db = str(tmp_path / "s.duckdb")
    run("ingest", str(QUIRKS), "--db", db, cwd=tmp_path)
    done = run("analyze", "--db", db, "--pair", "US,Atlantis", cwd=tmp_path)
    assert done.returncode == 2 and "unknown country 'Atlantis'" in done.stderr


def test_help_loads_no_heavy_library():
    """`collabatlas --help` imports neither the library nor DuckDB, pyarrow, FastAPI, pandas."""
    import subprocess
    import sys

    code = (
        "import sys; from collabatlas.cli import app; "
        "from typer.testing import CliRunner; CliRunner().invoke(app, ['--help']); "
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'fastapi', 'pandas', 'networkx', 'httpx', "
        "'matplotlib', 'collabatlas.analyze', 'collabatlas.resolve') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_review_token_length_is_the_apps():
    from collabatlas.cli import review
    from collabatlas.review import security

    assert review.MIN_TOKEN == security.MIN_TOKEN
