"""The review app cannot be wedged: bounded fields, pages and seeds; huge papers paginated; the
corrections file always readable; no server over a missing store; real tokens and real loopback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import collabatlas as ca
from collabatlas.review.corrections_file import COLUMNS, read_corrections
from collabatlas.review.detail import AUTHORS_SHOWN
from collabatlas.review.importer import sync_corrections
from collabatlas.review.security import MIN_TOKEN, is_loopback
from collabatlas.review.web import ReviewConfig, create_app
from collabatlas.store.load import aff_key
from tests.review_support import Client, ingested_store

NEU = aff_key("Northeastern University", "")


@pytest.fixture
def setup(tmp_path, registry):
    db = ingested_store(tmp_path, registry)
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        config = ReviewConfig(reviewer="ann", mirror=mirror, registry=lambda: registry)
        yield Client(create_app(store, config)), store, mirror


def test_a_huge_institution_is_refused_and_nothing_is_written(setup):
    client, store, mirror = setup
    csrf = client.csrf()
    done = client.post(
        f"/item/{NEU}",
        data={"csrf_token": csrf, "action": "manual", "institution": "X" * 140_000, "country": "US"},
    )
    assert done.status_code == 400 and "institution" in done.text and "500" in done.text
    assert store.rows("SELECT count(*) FROM corrections")[0][0] == 0
    assert not mirror.exists()
    done = client.post(
        f"/item/{NEU}",
        data={"csrf_token": csrf, "action": "manual", "institution": "X" * 500, "country": "US"},
    )
    assert done.status_code == 303


@pytest.mark.parametrize(
    "url", ["/?page=99999999999999999999", "/?page=0", "/?page=abc", "/audit/99999999999999999999"]
)
def test_pages_out_of_range_are_400(setup, url):
    client, _, _ = setup
    response = client.get(url)
    assert response.status_code == 400 and "That did not work" in response.text


@pytest.mark.parametrize("seed", ["1e23", str(10**23), "-1"])
def test_audit_seeds_out_of_range_are_400(setup, seed):
    client, store, _ = setup
    done = client.post("/audit", data={"csrf_token": client.csrf(), "size": "5", "seed": seed})
    assert done.status_code == 400 and "seed" in done.text
    assert store.rows("SELECT count(*) FROM audits")[0][0] == 0


def test_a_paper_with_20000_authors_is_paginated(tmp_path, registry):
    names = [f"Author {i}" for i in range(20_000)]
    papers = [{"id": "big", "title": "Big", "author": ";".join(names), "aff": ";".join(["MIT"] * 20_000)}]
    path = tmp_path / "big2020.json"
    path.write_text(json.dumps(papers), encoding="utf-8")
    with ca.Store(tmp_path / "s.duckdb") as store:
        ca.ingest(store, [str(path)], registry=registry)
        client = Client(create_app(store, ReviewConfig(registry=lambda: registry)))
        first = client.get("/paper", params={"id": "big2020:big"})
        assert first.status_code == 200
        assert first.text.count("Author ") == AUTHORS_SHOWN and "of 20,000" in first.text
        assert "authors=2" in first.text
        last = client.get("/paper", params={"id": "big2020:big", "authors": str(20_000 // AUTHORS_SHOWN)})
        assert "Author 19999" in last.text and "next →" not in last.text
        item = client.get(f"/item/{aff_key('MIT', '')}")
        assert item.status_code == 200 and item.text.count("Author ") == AUTHORS_SHOWN


def test_a_corrections_file_with_a_huge_field_stays_readable(setup, tmp_path):
    _, store, _ = setup
    mirror = tmp_path / "old.csv"
    row = ["affiliation", "Northeastern University", "", "", "manual", "Y" * 300_000, "", "US", "", "ann",
           "2025-01-01T00:00:00.000000+00:00", "", "", ""]  # fmt: skip
    mirror.write_text(",".join(COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    assert len(next(read_corrections(mirror)).institution) == 300_000
    assert sync_corrections(store, mirror).applied == 1


@pytest.mark.parametrize("content", [b"\x00\x01\x02binary\xff\xfe", b"kind,raw\n\x00,\x00\n"])
def test_a_binary_corrections_file_is_one_input_error(tmp_path, content):
    path = tmp_path / "bin.csv"
    path.write_bytes(content)
    with pytest.raises(ca.InputError, match=r"bin\.csv"):
        list(read_corrections(path))


def _review(*args: str, cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "collabatlas", "review", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def test_review_refuses_a_missing_store(tmp_path):
    done = _review("--db", str(tmp_path / "none.duckdb"), cwd=tmp_path)
    assert done.returncode == 1 and "no such store" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args",
    [
        ("--host", "0.0.0.0", "--token", "x"),
        ("--host", "0.0.0.0", "--token", "a" * (MIN_TOKEN - 1)),
        ("--host", "127.foo.example"),
        ("--port", "99999"),
    ],
)
def test_review_refuses_weak_access(tmp_path, registry, args):
    db = ingested_store(tmp_path, registry)
    done = _review("--db", str(db), *args, cwd=tmp_path)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_loopback_is_an_address_not_a_prefix():
    for host in ("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("127.foo.example", "127.0.0.1.nip.io", "0.0.0.0", "10.0.0.1", "example.org"):
        assert not is_loopback(host), host
