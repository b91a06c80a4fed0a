"""Replays the recorded API responses under tests/fixtures/ through an httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import httpx

from collabatlas.sources.http import CachedFetcher
from tests.conftest import FIXTURES

OPENREVIEW = FIXTURES / "openreview"
OPENALEX = FIXTURES / "openalex"
SITE = FIXTURES / "conference_site" / "neurips-2024-orals-posters.json"
VENUE_ID = "NeurIPS.cc/2024/Conference"

Handler = Callable[[httpx.Request], httpx.Response]


def fixture_for(request: httpx.Request) -> Path | None:
    """The recorded file answering this request, or None (a 404)."""
    url, params = request.url, request.url.params
    if url.host == "api2.openreview.net" and url.path == "/notes":
        return OPENREVIEW / f"notes_offset{params['offset']}.json"
    if url.host == "api2.openreview.net" and url.path == "/profiles":
        return OPENREVIEW / f"profile_{params['id']}.json"
    if url.host == "api.openalex.org" and url.path == "/sources":
        return OPENALEX / "sources_search.json"
    if url.host == "api.openalex.org" and url.path == "/works":
        return OPENALEX / ("works_page1.json" if params["cursor"] == "*" else "works_page2.json")
    if url.host == "neurips.cc":
        return SITE
    return None


def profiles_search(ids: list[str]) -> dict[str, list[object]]:
    """What ``POST /profiles/search {"ids": [...]}`` answers: the recorded profiles of those ids."""
    found = []
    for person in ids:
        path = OPENREVIEW / f"profile_{person}.json"
        if path.exists():
            found.extend(json.loads(path.read_text())["profiles"])
    return {"profiles": found}


def recorded(request: httpx.Request) -> httpx.Response:
    if request.url.host == "api2.openreview.net" and request.url.path == "/profiles/search":
        return httpx.Response(200, json=profiles_search(json.loads(request.content)["ids"]))
    path = fixture_for(request)
    if path is None or not path.exists():
        return httpx.Response(404, json={"name": "NotFoundError"})
    return httpx.Response(200, content=path.read_bytes(), headers={"Content-Type": "application/json"})


class Replay:
    """A CachedFetcher over a handler, recording the requests made and the sleeps asked for."""

    def __init__(self, cache: Path, handler: Handler = recorded, **kwargs: object) -> None:
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self.handler = handler

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return self.handler(request)

        client = httpx.Client(transport=httpx.MockTransport(handle))
        self.fetcher = CachedFetcher(client, cache, sleep=self.sleeps.append, **kwargs)  # type: ignore[arg-type]
