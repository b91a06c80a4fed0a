"""Server time of the review queue's first page on a store with every shared labeled file.

    python bench/review_queue.py

Ingests ../shared/data/paperlists/labeled/*.json into a fresh store, then requests ``GET /`` (the
first queue page: impact-ordered items, tier counts, recent corrections) through the ASGI app
in-process, so the figure is server time only (no network, no browser). Also times an item page
and a correction (POST, with the corrections file rewritten). Target: first page <= 300 ms.
"""

from __future__ import annotations

import asyncio
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from labels import LABELED

import collabatlas as ca
from collabatlas.review.web import ReviewConfig, create_app

TARGET_MS = 300.0


async def timed(
    client: httpx.AsyncClient, method: str, url: str, **kwargs: object
) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
    return (time.perf_counter() - start) * 1000, response


async def measure(store: ca.Store, mirror: Path) -> None:
    app = create_app(store, ReviewConfig(reviewer="bench", mirror=mirror))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        first, response = await timed(client, "GET", "/")
        assert response.status_code == 200
        warm = [(await timed(client, "GET", "/"))[0] for _ in range(10)]
        key = re.search(r"/item/([0-9a-f]{32})", response.text)
        assert key
        item = [(await timed(client, "GET", f"/item/{key.group(1)}"))[0] for _ in range(5)]
        page = (await client.get("/audit")).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        write, done = await timed(
            client, "POST", f"/item/{key.group(1)}", data={"csrf_token": csrf.group(1), "action": "accept"}
        )
        assert done.status_code == 303
    verdict = "meets" if first <= TARGET_MS else "MISSES"
    print(f"queue first page, first request: {first:.0f} ms ({verdict} the {TARGET_MS:.0f} ms target)")
    print(f"queue first page, warm median of 10: {statistics.median(warm):.0f} ms (max {max(warm):.0f} ms)")
    print(f"item page, median of 5: {statistics.median(item):.0f} ms")
    print(f"one correction (transaction + corrections file rewrite): {write:.0f} ms")


def main() -> None:
    files = sorted(LABELED.glob("*.json"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "labeled.duckdb"
        with ca.Store(db) as store:
            start = time.perf_counter()
            ca.ingest(store, [str(f) for f in files])
            papers, affiliations = store.rows(
                "SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM affiliations)"
            )[0]
            print(
                f"{len(files)} labeled files: {papers} papers, {affiliations} distinct affiliations "
                f"(ingest {time.perf_counter() - start:.1f} s)"
            )
            asyncio.run(measure(store, Path(tmp) / "corrections.csv"))


if __name__ == "__main__":
    main()
