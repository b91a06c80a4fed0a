"""Server time of the review app's pages for a paper with 20,000 authors (a hostile or broken list).

    python bench/review_big_paper.py [--authors 20000]

Ingests one generated paper with that many authors (each with an affiliation) into a fresh store
and requests its paper page (first and last page of authors) and the item page of the shared
affiliation through the ASGI app in-process, so the figures are server time only. Each page shows
100 authors; the rest are one click away. Target: each page <= 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx

import collabatlas as ca
from collabatlas.review.detail import AUTHORS_SHOWN
from collabatlas.review.web import ReviewConfig, create_app
from collabatlas.store.load import aff_key

TARGET_MS = 300.0


async def median_ms(client: httpx.AsyncClient, url: str, params: dict[str, str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = await client.get(url, params=params)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return statistics.median(times)


async def measure(store: ca.Store, authors: int) -> None:
    app = create_app(store, ReviewConfig(reviewer="bench"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        last = str(-(-authors // AUTHORS_SHOWN))
        pages = {
            "paper page, authors 1-100": ("/paper", {"id": "big2020:big"}),
            f"paper page, last page ({last})": ("/paper", {"id": "big2020:big", "authors": last}),
            "item page of the shared affiliation": (f"/item/{aff_key('Some Lab, Somewhere', '')}", {}),
        }
        for name, (url, params) in pages.items():
            ms = await median_ms(client, url, params)
            flag = "ok" if ms <= TARGET_MS else "over target"
            print(f"{name}: {ms:.0f} ms median of 5 ({flag}, target {TARGET_MS:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authors", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big2020.json"
        names = ";".join(f"Author {i}" for i in range(args.authors))
        affs = ";".join(["Some Lab, Somewhere"] * args.authors)
        path.write_text(json.dumps([{"id": "big", "title": "Big", "author": names, "aff": affs}]))
        with ca.Store(Path(tmp) / "big.duckdb") as store:
            ca.ingest(store, [str(path)])
            asyncio.run(measure(store, args.authors))


if __name__ == "__main__":
    main()
