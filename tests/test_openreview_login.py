"""OpenReview with a login, against a local server that answers as OpenReview does today (403
without a token) and through replayed recorded exchanges: one login per run, the token renewed
when refused, one-line errors that say what to set, the password nowhere on disk or in output,
429 honoured, and a warm cache that answers offline without credentials."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from collabatlas.cli.failures import ENVIRONMENT
from collabatlas.errors import FetchError, UsageError
from collabatlas.sources.http import CachedFetcher, default_cache_dir
from collabatlas.sources.openreview import read_openreview
from collabatlas.sources.openreview_api import DEFAULT_API, api_base
from tests.openreview_server import PASSWORD, USERNAME, openreview_server, recorded

VENUE = "ICLR.cc/2025/Conference"


def fetcher(cache: Path, sleeps: list[float] | None = None) -> CachedFetcher:
    client = httpx.Client(timeout=10)
    return CachedFetcher(client, cache, sleep=(sleeps if sleeps is not None else []).append)


@pytest.fixture
def login(monkeypatch):
    monkeypatch.setenv("OPENREVIEW_USERNAME", USERNAME)
    monkeypatch.setenv("OPENREVIEW_PASSWORD", PASSWORD)


@pytest.fixture
def anonymous(monkeypatch):
    monkeypatch.delenv("OPENREVIEW_USERNAME", raising=False)
    monkeypatch.delenv("OPENREVIEW_PASSWORD", raising=False)


def test_anonymous_callers_get_one_line_naming_what_to_set(tmp_path, anonymous):
    with openreview_server() as (url, state), pytest.raises(FetchError) as error:
        read_openreview(VENUE, fetcher(tmp_path), api=url)
    line = error.value.one_line()
    assert "\n" not in line and "refuses anonymous callers (403 ChallengeRequiredError)" in line
    assert "OPENREVIEW_USERNAME" in line and "OPENREVIEW_PASSWORD" in line
    assert [r[:2] for r in state.requests] == [("GET", "/notes")]


def test_one_login_per_run_and_affiliations_as_of_the_papers_year(tmp_path, login):
    with openreview_server() as (url, state):
        run = fetcher(tmp_path)
        batch = read_openreview(VENUE, run, api=url, page_size=2, profile_batch=4)
        read_openreview("ICLR.cc/2024/Conference", run, api=url)  # same run: the token is reused
    assert [r[:2] for r in state.requests].count(("POST", "/login")) == 1
    assert all(auth.startswith("Bearer ") for method, path, auth in state.requests if path != "/login")
    searches = [json.loads(b)["ids"] for b in state.bodies if b"ids" in b]
    assert searches[:2] == [
        ["~Ana_Garcia1", "~Chen_Yu1", "~Jun_Zhao1", "~Kenji_Tanaka1"],
        ["~Li_Wang1", "~Li_Wang2", "~Nadia_Here1", "~Omar_Haddad1"],
    ]
    affs = {(p.title, a.name): a.affiliations for p in batch.papers for a in p.authors}
    # Chen Yu moved to Meta (US) in 2026: a 2025 paper counts him at Microsoft Research Asia.
    assert affs[("Graph Priors", "Chen Yu")][0].raw == "Microsoft Research Asia, Beijing, China"
    # An alias (~Li_Wang2) is the same person as ~Li_Wang1.
    people = {a.name: a.person for p in batch.papers for a in p.authors}
    assert people["Li Wang"] == "~Li_Wang1" and people["Nadia Here"] == "~Nadia_Here1"
    assert people["Sam Mail"] == ""
    assert len(batch.profiles) == 8


def test_a_refused_token_is_renewed_once(tmp_path, login):
    with openreview_server() as (url, state):
        run = fetcher(tmp_path)
        read_openreview("ICLR.cc/2024/Conference", run, api=url)
        state.revoke_tokens()  # the token expires mid-run
        batch = read_openreview(VENUE, run, api=url)
    assert [r[:2] for r in state.requests].count(("POST", "/login")) == 2
    assert len(batch.papers) == 5


def test_a_failed_login_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENREVIEW_USERNAME", USERNAME)
    monkeypatch.setenv("OPENREVIEW_PASSWORD", "wrong")
    with openreview_server() as (url, _), pytest.raises(FetchError) as error:
        read_openreview(VENUE, fetcher(tmp_path), api=url)
    line = error.value.one_line()
    assert "did not accept the login (LoginError)" in line and "OPENREVIEW_PASSWORD" in line
    assert "wrong" not in line


def test_half_the_credentials_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENREVIEW_USERNAME", USERNAME)
    monkeypatch.delenv("OPENREVIEW_PASSWORD", raising=False)
    with pytest.raises(UsageError, match="OPENREVIEW_PASSWORD is not set"):
        read_openreview(VENUE, fetcher(tmp_path), api="http://127.0.0.1:9")


def test_429_retry_after_is_honoured(tmp_path, login):
    sleeps: list[float] = []
    with openreview_server() as (url, state):
        state.rate_limit_next = 2  # the next two answers are 429 with Retry-After: 2
        batch = read_openreview(VENUE, fetcher(tmp_path, sleeps), api=url)
    assert sleeps == [2.0, 2.0] and len(batch.papers) == 5


def test_warm_cache_answers_offline_without_credentials(tmp_path, login, monkeypatch):
    with openreview_server() as (url, _):
        first = read_openreview(VENUE, fetcher(tmp_path), api=url)
    monkeypatch.delenv("OPENREVIEW_USERNAME")
    monkeypatch.delenv("OPENREVIEW_PASSWORD")
    again = read_openreview(VENUE, fetcher(tmp_path), api=url)  # the server is gone
    assert again == first


def test_base_url_from_the_environment(monkeypatch):
    monkeypatch.delenv("COLLABATLAS_OPENREVIEW_API", raising=False)
    assert api_base() == DEFAULT_API == "https://api2.openreview.net"
    monkeypatch.setenv("COLLABATLAS_OPENREVIEW_API", "http://127.0.0.1:8000/")
    assert api_base() == "http://127.0.0.1:8000"


def test_recorded_challenge_replayed(tmp_path, anonymous):
    """The recorded 403 body, replayed through a mock transport at the default host."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json=recorded("challenge_403.json"))

    replay = CachedFetcher(httpx.Client(transport=httpx.MockTransport(handler)), tmp_path)
    with pytest.raises(FetchError, match=r"api2\.openreview\.net/notes: OpenReview refuses anonymous"):
        read_openreview(VENUE, replay)


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "collabatlas", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_cli_ingest_with_login_leaves_the_password_nowhere(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENREVIEW_")}
    env["COLLABATLAS_CACHE"] = str(tmp_path / "cache")
    for built in default_cache_dir().glob("registry-*.pickle"):  # the shipped registry, built once
        (tmp_path / "cache").mkdir(exist_ok=True)
        (tmp_path / "cache" / built.name).symlink_to(built)
    db = tmp_path / "s.duckdb"
    with openreview_server() as (url, state):
        env["COLLABATLAS_OPENREVIEW_API"] = url
        refused = _cli("ingest", f"openreview:{VENUE}", "--db", str(db), env=env, cwd=tmp_path)
        assert refused.returncode == ENVIRONMENT  # a refused fetch, like every FetchError
        assert len(refused.stderr.strip().splitlines()) == 1 and "OPENREVIEW_USERNAME" in refused.stderr
        env |= {"OPENREVIEW_USERNAME": USERNAME, "OPENREVIEW_PASSWORD": PASSWORD}
        done = _cli("ingest", f"openreview:{VENUE}", "--db", str(db), env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ICLR 2025: 5 papers" in done.stdout
    assert [r[:2] for r in state.requests].count(("POST", "/login")) == 1
    assert PASSWORD not in done.stdout + done.stderr + refused.stdout + refused.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert PASSWORD.encode() not in path.read_bytes(), path
