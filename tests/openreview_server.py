"""A local stand-in for the OpenReview API v2 as it answers today: ``403 ChallengeRequiredError``
without a token, ``POST /login`` for one account, ``GET /notes`` paged by venue id, ``POST
/profiles/search`` by ids (a profile answers to any of its usernames), ``401`` for a revoked token
and ``429`` with ``Retry-After`` on demand. A real HTTP server on 127.0.0.1 in a thread; the
answers' bodies are the recorded ones under tests/fixtures/openreview/mobility/."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import FIXTURES

RECORDED = FIXTURES / "openreview" / "mobility"
USERNAME = "reader@example.org"
PASSWORD = "s3cret-Pass-phrase!"


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


@dataclass
class State:
    """What the server holds and what it was asked."""

    notes: list[dict[str, Any]]
    profiles: list[dict[str, Any]]
    tokens: set[str] = field(default_factory=set)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, authorization)
    bodies: list[bytes] = field(default_factory=list)
    rate_limit_next: int = 0

    def revoke_tokens(self) -> None:
        self.tokens.clear()


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _authorised(self) -> bool:
            """Answers 403 (no token) or 401 (unknown token) unless the bearer token is valid."""
            auth = self.headers.get("Authorization", "")
            if not auth:
                self._send(403, recorded("challenge_403.json"))
                return False
            if auth.removeprefix("Bearer ") not in state.tokens:
                self._send(401, recorded("token_expired_401.json"))
                return False
            return True

        def _limited(self) -> bool:
            if state.rate_limit_next > 0:
                state.rate_limit_next -= 1
                self._send(429, {"name": "RateLimitError", "status": 429}, {"Retry-After": "2"})
                return True
            return False

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            state.requests.append(("GET", url.path, self.headers.get("Authorization", "")))
            if self._limited() or not self._authorised():
                return
            if url.path != "/notes":
                self._send(404, {"name": "NotFoundError", "status": 404})
                return
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            venue = query.get("content.venueid", "")
            chosen = [n for n in state.notes if n["content"]["venueid"]["value"] == venue]
            offset, limit = int(query.get("offset", 0)), int(query.get("limit", 1000))
            self._send(200, {"notes": chosen[offset : offset + limit], "count": len(chosen)})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = self._body()
            state.requests.append(("POST", url.path, self.headers.get("Authorization", "")))
            state.bodies.append(body)
            if self._limited():
                return
            if url.path == "/login":
                given = json.loads(body)
                if given.get("id") != USERNAME or given.get("password") != PASSWORD:
                    self._send(400, recorded("login_400.json"))
                    return
                token = secrets.token_hex(16)
                state.tokens.add(token)
                self._send(200, {**recorded("login_200.json"), "token": token})
                return
            if not self._authorised():
                return
            if url.path == "/profiles/search":
                ids = set(json.loads(body)["ids"])
                found = [
                    p
                    for p in state.profiles
                    if ids & {p["id"], *(n.get("username") for n in p["content"]["names"])}
                ]
                self._send(200, {"profiles": found})
                return
            self._send(404, {"name": "NotFoundError", "status": 404})

    return Handler


@contextmanager
def openreview_server() -> Iterator[tuple[str, State]]:
    """The server's base URL and state, for the duration of the block."""
    state = State(
        notes=recorded("notes_iclr2025.json")["notes"] + recorded("notes_iclr2024.json")["notes"],
        profiles=recorded("profiles.json")["profiles"],
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
