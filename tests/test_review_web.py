"""The review app in-process (httpx.ASGITransport): pages, actions, CSRF, escaping, token, hosts."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import collabatlas as ca
from collabatlas.review.corrections_file import read_corrections
from collabatlas.review.web import ReviewConfig, create_app
from collabatlas.store.load import aff_key
from tests.review_support import ATTR, HOSTILE, SCRIPT, Client, ingested_store

NEU = aff_key("Northeastern University", "")
ITEM = re.compile(r"/item/([0-9a-f]{32})")


@pytest.fixture
def setup(tmp_path, registry):
    db = ingested_store(tmp_path, registry)
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        config = ReviewConfig(reviewer="ann", mirror=mirror, registry=lambda: registry)
        yield Client(create_app(store, config)), store, mirror


def test_queue_item_and_actions(setup):
    client, store, mirror = setup
    page = client.get("/")
    assert page.status_code == 200 and "Review queue" in page.text
    first = client.get("/next").headers["location"]
    key = first.rsplit("/", 1)[1]
    item = client.get(first)
    assert item.status_code == 200 and 'data-key="a"' in item.text and 'data-key="n"' in item.text
    csrf = client.csrf(first)
    done = client.post(first, data={"csrf_token": csrf, "action": "not-institution"})
    assert done.status_code == 303 and done.headers["location"].startswith("/item/")
    assert done.headers["location"] != first
    assert store.rows("SELECT action, reviewer FROM corrections WHERE aff_key = ?", [key]) == [
        ("not-institution", "ann")
    ]
    assert [r.action for r in read_corrections(mirror)] == ["not-institution"]
    # Pick a candidate, then type an answer found in the registry (its id and country filled in).
    done = client.post(f"/item/{NEU}", data={"csrf_token": csrf, "action": "candidate", "candidate": "0"})
    assert done.status_code == 303
    done = client.post(
        f"/item/{NEU}",
        data={"csrf_token": csrf, "action": "manual", "institution": "tsinghua university", "country": ""},
    )
    assert done.status_code == 303
    assert store.rows("SELECT institution_id, country FROM corrections WHERE aff_key = ?", [NEU]) == [
        ("tsinghua", "CN")
    ]
    page = client.get(f"/item/{NEU}")
    assert "History" in page.text and page.text.count("ann") >= 2
    assert "Recently reviewed" in client.get("/").text


def test_registry_search(setup):
    client, _, _ = setup
    found = client.get("/registry", params={"q": "tsinghua"}).json()
    assert found[0] == {"name": "Tsinghua University", "country": "CN", "id": "tsinghua"}
    assert client.get("/registry", params={"q": "x"}).json() == []


def test_bad_input_is_a_page_not_a_crash(setup):
    client, store, _ = setup
    csrf = client.csrf()
    done = client.post(
        f"/item/{NEU}",
        data={"csrf_token": csrf, "action": "manual", "institution": "X", "country": "Atlantis"},
    )
    assert done.status_code == 400 and "unknown country" in done.text
    assert client.get("/item/not-a-key").status_code == 404
    assert client.get(f"/item/{'0' * 32}").status_code == 404
    assert client.get("/paper", params={"id": "nope"}).status_code == 404
    assert store.rows("SELECT count(*) FROM corrections")[0][0] == 0


def test_paper_view_and_override(setup):
    client, store, mirror = setup
    page = client.get("/paper", params={"id": "review2024:p1"})
    assert page.status_code == 200 and "US–CN collaboration: <strong>yes" in page.text
    csrf = client.csrf("/paper?id=review2024:p1")
    done = client.post(
        "/paper", data={"csrf_token": csrf, "paper_id": "review2024:p1", "countries": "us, gb"}
    )
    assert done.status_code == 303 and done.headers["location"] == "/paper?id=review2024%3Ap1"
    page = client.get(done.headers["location"])
    assert "US–CN collaboration: <strong>no" in page.text and "set by ann" in page.text
    assert next(read_corrections(mirror)).country == "GB|US"
    client.post("/paper", data={"csrf_token": csrf, "paper_id": "review2024:p1", "clear": "1"})
    assert store.rows("SELECT count(*) FROM paper_overrides")[0][0] == 0


def test_audit_flow(setup):
    client, _, _ = setup
    csrf = client.csrf("/audit")
    done = client.post("/audit", data={"csrf_token": csrf, "size": "3", "seed": "5"})
    assert done.status_code == 303
    url = done.headers["location"]
    for verdict in ("right", "wrong", "right"):
        page = client.get(url).text
        position = re.search(r'name="position" value="(\d+)"', page).group(1)
        client.post(f"{url}/judge", data={"csrf_token": csrf, "position": position, "verdict": verdict})
    page = client.get(url).text
    assert "Every item of this audit is judged" in page and "66.7%" in page
    assert client.get("/audit").status_code == 200


def test_state_changes_need_post_and_csrf(setup):
    client, store, _ = setup
    client.get("/")
    assert client.post(f"/item/{NEU}", data={"action": "accept"}).status_code == 403
    assert client.post(f"/item/{NEU}", data={"action": "accept", "csrf_token": "forged"}).status_code == 403
    assert client.get("/audit/1/judge").status_code in (404, 405)
    csrf = client.csrf()
    cross = client.post(
        f"/item/{NEU}",
        data={"csrf_token": csrf, "action": "accept"},
        headers={"origin": "http://evil.example"},
    )
    assert cross.status_code == 403
    assert store.rows("SELECT count(*) FROM corrections")[0][0] == 0
    page = client.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_hostile_strings_are_escaped_on_every_page(setup):
    client, store, _ = setup
    keys = [aff_key(HOSTILE[0], "evil.example"), aff_key(HOSTILE[1], "")]
    csrf = client.csrf()
    client.post("/audit", data={"csrf_token": csrf, "size": "50", "seed": "1"})
    pages = ["/", "/?page=1", *(f"/item/{k}" for k in keys), "/paper?id=review2024:p3", "/audit", "/audit/1"]
    for url in pages:
        html = client.get(url).text
        assert SCRIPT not in html and ATTR not in html, url
        assert "<script>alert" not in html and 'onmouseover="alert' not in html, url
    item = client.get(f"/item/{keys[1]}").text
    assert "Quote Institute &#34; onmouseover=&#34;alert(2)" in item
    assert "Evil Lab &lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/item/{keys[0]}").text
    # The only scripts are the app's own file.
    assert re.findall(r"<script[^>]*>", client.get("/paper?id=review2024:p3").text) == [
        '<script src="/static/review.js" defer>'
    ]
    # The hostile strings also survive the corrections file unchanged.
    client.post(f"/item/{keys[0]}", data={"csrf_token": csrf, "action": "not-institution"})
    assert store.rows("SELECT raw FROM corrections")[0][0] == HOSTILE[0]


def test_no_request_path_reaches_the_filesystem(setup):
    client, _, _ = setup
    assert client.get("/static/review.js").status_code == 200
    for path in ("/static/..%2Fweb.py", "/static/../web.py", "/static/templates%2Fbase.html", "/static/x"):
        assert client.get(path).status_code == 404


def test_token_is_required_on_every_request(tmp_path, registry):
    db = ingested_store(tmp_path, registry)
    with ca.Store(db) as store:
        app = create_app(store, ReviewConfig(token="s3cret", allowed_hosts=None, registry=lambda: registry))
        client = Client(app, base_url="http://192.0.2.1:8765")
        for url in ("/", "/next", "/registry?q=mit", "/static/review.css", "/audit"):
            assert client.get(url).status_code == 401, url
        assert client.get("/?token=wrong").status_code == 401
        assert client.post("/audit", data={"size": "1"}).status_code == 401
        assert client.get("/", headers={"authorization": "Bearer s3cret"}).status_code == 200
        opened = client.get("/?token=s3cret&page=1")
        assert opened.status_code == 303 and opened.headers["location"] == "/?page=1"
        assert client.get("/").status_code == 200  # the cookie now carries it


def test_unknown_host_is_refused(setup):
    client, _, _ = setup
    client.base_url = "http://attacker.example"
    assert client.get("/").status_code == 400


def test_cli_refuses_public_host_without_token(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "collabatlas",
            "review",
            "--db",
            str(tmp_path / "s.duckdb"),
            "--host",
            "0.0.0.0",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--token" in done.stderr
