"""The cached fetcher: cache reuse, retries with backoff, 429 Retry-After, offline errors."""

from __future__ import annotations

import httpx
import pytest

from collabatlas.errors import FetchError
from collabatlas.sources import read_source
from collabatlas.sources.http import CachedFetcher
from tests.conftest import QUIRKS

URL = "https://lists.example.org/nips/nips2020.json"


def fetcher(handler, tmp_path, **kwargs) -> tuple[CachedFetcher, list[float]]:
    sleeps: list[float] = []
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return CachedFetcher(client, tmp_path, sleep=sleeps.append, **kwargs), sleeps


def test_url_source_is_fetched_once_then_cached(tmp_path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url)
        return httpx.Response(200, content=QUIRKS.read_bytes())

    f, _ = fetcher(handler, tmp_path)
    first = read_source(URL, fetcher=f)
    second = read_source(URL, fetcher=f)
    assert len(calls) == 1 and first.papers == second.papers
    assert first.venue == "NeurIPS" and first.year == 2020 and first.location == URL


def test_refresh_refetches(tmp_path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, content=b"[]")

    f, _ = fetcher(handler, tmp_path)
    f.get(URL)
    f.refresh = True
    f.get(URL)
    assert len(calls) == 2


def test_retries_5xx_and_timeouts_with_backoff(tmp_path):
    answers = iter([httpx.TimeoutException("slow"), 503, 502, 200])

    def handler(request: httpx.Request) -> httpx.Response:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return httpx.Response(answer, content=b"[]")

    f, sleeps = fetcher(handler, tmp_path, backoff=0.5)
    assert f.get(URL) == b"[]"
    assert sleeps == [0.5, 1.0, 2.0]


def test_429_honours_retry_after(tmp_path):
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=b"[]")])
    f, sleeps = fetcher(lambda request: next(answers), tmp_path)
    assert f.get(URL) == b"[]" and sleeps == [7.0]


def test_gives_up_with_one_line(tmp_path):
    f, _ = fetcher(lambda request: httpx.Response(503), tmp_path, max_retries=2)
    with pytest.raises(FetchError, match=r"HTTP 503 after 3 attempts"):
        f.get(URL)


def test_offline_without_cache_fails_and_with_cache_works(tmp_path):
    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network")

    f, _ = fetcher(offline, tmp_path)
    with pytest.raises(FetchError, match="ConnectError"):
        f.get(URL)
    f.cache_path(URL).parent.mkdir(parents=True)
    f.cache_path(URL).write_bytes(b"[]")
    assert f.get(URL) == b"[]"


def test_404_is_not_retried(tmp_path):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(404)

    f, _ = fetcher(handler, tmp_path)
    with pytest.raises(FetchError, match="HTTP 404"):
        f.get(URL)
    assert len(calls) == 1
