"""The real server in a subprocess: Chromium reviews with the keyboard and audits; SIGKILL mid-write."""

from __future__ import annotations

import os
import random
import re
import signal
import threading

import httpx
import pytest

import collabatlas as ca
from collabatlas.review.corrections_file import read_corrections
from tests.review_support import CSRF, free_port, ingested_store, start_server, stop


@pytest.fixture
def served(tmp_path, registry):
    db = ingested_store(tmp_path, registry, universities=True)
    port = free_port()
    process = start_server(db, port, "--reviewer", "tester")
    yield db, f"http://127.0.0.1:{port}"
    stop(process)


@pytest.mark.browser
def test_review_ten_items_with_the_keyboard(chromium, served):
    db, base = served
    page = chromium.new_page()
    page.goto(f"{base}/next")
    seen = []
    for i in range(10):
        page.wait_for_selector("h1.raw")
        seen.append(page.inner_text("h1.raw"))
        if i == 4:  # type an answer: focus the field with i, type, Enter
            page.keyboard.press("i")
            page.keyboard.type("Fudan University")
            page.fill("#country", "CN")
            with page.expect_navigation():
                page.press("#country", "Enter")
            continue
        key = "n" if i % 3 == 0 else ("1" if page.query_selector('[data-key="1"]') else "a")
        with page.expect_navigation():
            page.keyboard.press(key)
    assert len(set(seen)) == 10
    page.goto(base)
    page.reload()
    assert "reviewed: 10" in page.inner_text("p.counts")
    reviewed = [row.inner_text() for row in page.query_selector_all("tr.reviewed")]
    assert len(reviewed) == 10 and all("tester" in row for row in reviewed)
    page.close()
    rows = list(read_corrections(db.parent / "corrections.csv"))
    assert sorted(r.raw for r in rows) == sorted(seen)
    assert any(r.institution == "Fudan University" and r.country == "CN" for r in rows)


@pytest.mark.browser
def test_audit_of_twenty(chromium, served):
    _, base = served
    page = chromium.new_page()
    page.goto(f"{base}/audit")
    page.fill('input[name="size"]', "20")
    page.fill('input[name="seed"]', "42")
    with page.expect_navigation():
        page.click("text=Start an audit")
    for i in range(20):
        page.wait_for_selector("section.current")
        with page.expect_navigation():
            page.keyboard.press("w" if i % 5 == 0 else "r")
    assert "Every item of this audit is judged" in page.content()
    overall = page.inner_text("tr.overall")
    assert re.search(r"all\s+20\s+16\s+80\.0%\s+58\.4%–91\.9%", overall), overall
    page.close()


def _acknowledged_writes(
    base: str, keys: list[str], acked: dict[str, str], inflight: list[object], count: list[int]
) -> None:
    """Post corrections one after another until the server dies; record what it acknowledged."""
    with httpx.Client(base_url=base, timeout=5) as client:
        try:
            token = CSRF.search(client.get("/audit").text)
            assert token
            while True:
                key = keys[count[0] % len(keys)]
                action = "accept" if (count[0] // len(keys)) % 2 else "not-institution"
                inflight[:] = [key, action]
                response = client.post(f"/item/{key}", data={"csrf_token": token.group(1), "action": action})
                if response.status_code != 303:
                    return
                acked[key] = action
                inflight[:] = []
                count[0] += 1
        except httpx.TransportError:
            return


def test_sigkill_mid_write_loses_nothing_acknowledged(tmp_path, registry):
    db = ingested_store(tmp_path, registry, universities=True)
    mirror = tmp_path / "corrections.csv"
    with ca.Store(db) as store:
        keys = [r[0] for r in store.rows("SELECT aff_key FROM affiliations ORDER BY aff_key")]
    rng = random.Random(3)
    acked: dict[str, str] = {}
    count = [0]  # acknowledged writes so far; each round goes on where the last one stopped
    for _ in range(5):
        port = free_port()
        process = start_server(db, port)
        inflight: list[object] = []
        writer = threading.Thread(
            target=_acknowledged_writes, args=(f"http://127.0.0.1:{port}", keys, acked, inflight, count)
        )
        writer.start()
        threading.Event().wait(rng.uniform(0.2, 1.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        writer.join(timeout=30)
        rows = {(r.raw, r.domain): r.action for r in read_corrections(mirror)}  # the file parses
        with ca.Store(db) as store:
            stored = dict(store.rows("SELECT aff_key, action FROM corrections"))
            raw = dict(
                ((k, (r, d)) for k, r, d in store.rows("SELECT aff_key, raw, domain FROM affiliations"))
            )
        for key, action in acked.items():
            allowed = {action} | ({inflight[1]} if inflight and inflight[0] == key else set())
            assert stored[key] in allowed, key
            assert rows[raw[key]] in allowed, key
    assert count[0] >= 5  # writes were acknowledged in most rounds, so the kills hit a busy writer
