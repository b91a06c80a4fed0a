"""Fetching over HTTP with an on-disk cache, retries with backoff, and 429 Retry-After.

Every network call in collabatlas goes through :class:`CachedFetcher`, which takes an injected
``httpx.Client``: tests pass one built on ``httpx.MockTransport`` with recorded responses, so the
code that runs offline in tests is the code that runs online.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import httpx

from collabatlas.errors import FetchError

USER_AGENT = "collabatlas/0.1 (+https://pypi.org/project/collabatlas/)"
RETRY_STATUSES = frozenset({500, 502, 503, 504})


def default_cache_dir() -> Path:
    """``$COLLABATLAS_CACHE`` or ``~/.cache/collabatlas``."""
    env = os.environ.get("COLLABATLAS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "collabatlas"


def new_client(timeout: float = 30.0) -> httpx.Client:
    """An ``httpx.Client`` with collabatlas's identity and time-outs."""
    return httpx.Client(timeout=timeout, follow_redirects=True, headers={"User-Agent": USER_AGENT})


class CachedFetcher:
    """GET with a response cache keyed by URL and parameters, reused unless ``refresh``."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        cache_dir: Path | None = None,
        *,
        refresh: bool = False,
        max_retries: int = 5,
        backoff: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        self.client = client or new_client()
        self.cache_dir = (cache_dir or default_cache_dir()) / "http"
        self.refresh = refresh
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep
        self.on_retry = on_retry

    def cache_path(self, url: str, params: Mapping[str, str | int] | None = None) -> Path:
        """Where the response body of this request is (or would be) cached."""
        key = url + "?" + "&".join(f"{k}={v}" for k, v in sorted((params or {}).items()))
        return self.cache_dir / hashlib.sha256(key.encode()).hexdigest()[:40]

    def get(self, url: str, params: Mapping[str, str | int] | None = None) -> bytes:
        """The body of a successful GET, from the cache when present (and not ``refresh``)."""
        return self.cached(url, params, lambda: self._success(url, self.request("GET", url, params=params)))

    def cached(self, url: str, params: Mapping[str, str | int] | None, produce: Callable[[], bytes]) -> bytes:
        """The cached body for ``url`` and ``params``; else ``produce()``'s, written to the cache."""
        path = self.cache_path(url, params)
        if path.exists() and not self.refresh:
            return path.read_bytes()
        body = produce()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(body)
        tmp.replace(path)
        return body

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """One uncached request, retried on time-outs, 5xx and 429 (honouring ``Retry-After``);
        any other answer, a refusal included, is returned for the caller to judge."""
        last = ""
        for attempt in range(self.max_retries + 1):
            try:
                response = self.client.request(
                    method, url, params=dict(params or {}), json=json, headers=dict(headers or {})
                )
            except httpx.TimeoutException:
                last = "timed out"
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {exc.__class__.__name__}: {exc}") from exc
            else:
                if response.status_code == 429:
                    last = "HTTP 429 Too Many Requests"
                    self._wait(url, last, _retry_after(response, self.backoff * 2**attempt), attempt)
                    continue
                if response.status_code not in RETRY_STATUSES:
                    return response
                last = f"HTTP {response.status_code}"
            if attempt < self.max_retries:
                self._wait(url, last, self.backoff * 2**attempt, attempt)
        raise FetchError(f"{url}: {last} after {self.max_retries + 1} attempts")

    def _wait(self, url: str, reason: str, seconds: float, attempt: int) -> None:
        """Sleep before the next attempt, saying what for through ``on_retry``."""
        if self.on_retry is not None:
            attempts = f"attempt {attempt + 2} of {self.max_retries + 1}"
            self.on_retry(f"{url}: {reason}; retrying in {seconds:.0f} s ({attempts})")
        self.sleep(seconds)

    @staticmethod
    def _success(url: str, response: httpx.Response) -> bytes:
        if not response.is_success:
            raise FetchError(f"{url}: HTTP {response.status_code}")
        return response.content


def _retry_after(response: httpx.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default
