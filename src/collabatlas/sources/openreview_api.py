"""Calls to the OpenReview API v2 with a login: the base URL, the credentials from the
environment, one ``POST /login`` per run, and the token renewed when refused.

OpenReview answers anonymous callers with ``403 ChallengeRequiredError``; a login with an
account's username and password gives a bearer token that passes. The password is read from
``$OPENREVIEW_PASSWORD`` and held in memory only: it is never written to the cache (which keys
on URL and parameters, never headers), the store, or any message. Cached answers are read
without logging in, so a warm cache works offline and without credentials.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Mapping
from typing import Any

import httpx

from collabatlas.errors import FetchError, UsageError
from collabatlas.sources.http import CachedFetcher

API_ENV = "COLLABATLAS_OPENREVIEW_API"
DEFAULT_API = "https://api2.openreview.net"
USERNAME_ENV = "OPENREVIEW_USERNAME"
PASSWORD_ENV = "OPENREVIEW_PASSWORD"
LOGIN_HINT = (
    f"set {USERNAME_ENV} and {PASSWORD_ENV} in the environment to an OpenReview account's "
    "e-mail and password (never on the command line)"
)
REFUSED = frozenset({401, 403})

# One session (one login) per fetcher and base URL: a run shares its fetcher across sources.
_SESSIONS: weakref.WeakKeyDictionary[CachedFetcher, dict[str, OpenReviewSession]] = (
    weakref.WeakKeyDictionary()
)


def api_base(base: str | None = None) -> str:
    """``base``, else ``$COLLABATLAS_OPENREVIEW_API``, else api2.openreview.net; no trailing '/'."""
    return (base or os.environ.get(API_ENV) or DEFAULT_API).rstrip("/")


def session_for(fetcher: CachedFetcher, base: str | None = None) -> OpenReviewSession:
    """The run's session with the API at ``base`` (created on first use)."""
    url = api_base(base)
    sessions = _SESSIONS.setdefault(fetcher, {})
    if url not in sessions:
        sessions[url] = OpenReviewSession(fetcher, url)
    return sessions[url]


def _error_name(response: httpx.Response) -> str:
    """The error name an OpenReview error body carries ('ChallengeRequiredError'), else ''."""
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return ""
    return str(body.get("name", "")) if isinstance(body, dict) else ""


class OpenReviewSession:
    """Requests to one OpenReview API, logged in when credentials are set."""

    def __init__(self, fetcher: CachedFetcher, base: str, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.fetcher = fetcher
        self.base = base
        self._username = env.get(USERNAME_ENV, "")
        self._password = env.get(PASSWORD_ENV, "")
        self._token = ""
        self.logins = 0
        if bool(self._username) != bool(self._password):
            missing = PASSWORD_ENV if self._username else USERNAME_ENV
            raise UsageError(f"{missing} is not set", hint=LOGIN_HINT)

    def __repr__(self) -> str:
        return f"OpenReviewSession({self.base!r}, logged_in={bool(self._token)})"

    def get(self, path: str, params: Mapping[str, str | int]) -> bytes:
        """A GET answer, from the cache when present (no login needed then)."""
        url = self.base + path
        return self.fetcher.cached(url, params, lambda: self.call("GET", path, params=params))

    def call(
        self, method: str, path: str, *, params: Mapping[str, str | int] | None = None, body: Any = None
    ) -> bytes:
        """One uncached request; logs in first when credentials are set, once again when the
        token is refused; a refusal without credentials says what to set."""
        url = self.base + path
        if self._username and not self._token:
            self._login()
        response = self.fetcher.request(method, url, params=params, json=body, headers=self._headers())
        if response.status_code in REFUSED and self._token:
            self._login()  # the token expired or was revoked
            response = self.fetcher.request(method, url, params=params, json=body, headers=self._headers())
        if response.status_code in REFUSED:
            name = _error_name(response) or f"HTTP {response.status_code}"
            if not self._username:
                raise FetchError(
                    f"{url}: OpenReview refuses anonymous callers ({response.status_code} {name})",
                    hint=LOGIN_HINT,
                )
            raise FetchError(
                f"{url}: OpenReview refused the request after a fresh login ({response.status_code} {name})",
                hint="check that the account can read this venue",
            )
        if not response.is_success:
            name = _error_name(response)
            raise FetchError(f"{url}: HTTP {response.status_code}" + (f" {name}" if name else ""))
        return response.content

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def _login(self) -> None:
        url = f"{self.base}/login"
        response = self.fetcher.request("POST", url, json={"id": self._username, "password": self._password})
        token = ""
        if response.is_success:
            try:
                token = str(response.json().get("token") or "")
            except (json.JSONDecodeError, UnicodeDecodeError, AttributeError):
                token = ""
        if not token:
            name = _error_name(response) or f"HTTP {response.status_code}"
            raise FetchError(
                f"{url}: OpenReview did not accept the login ({name})",
                hint=f"check {USERNAME_ENV} and {PASSWORD_ENV}",
            )
        self._token = token
        self.logins += 1
