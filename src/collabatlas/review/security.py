"""Request guards for the review app: access token, CSRF token, host and origin checks, headers."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import Form, HTTPException, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

TOKEN_COOKIE = "collabatlas_token"
CSRF_COOKIE = "collabatlas_csrf"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
MIN_TOKEN = 16  # characters of a token that guards an app reachable from other machines
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

Handler = Callable[[Request], Awaitable[Response]]


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the app on this machine: a loopback address (127.0.0.0/8,
    ::1) or ``localhost``; a name that merely starts with 127 is not."""
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())


def guard(
    token: str | None, allowed_hosts: tuple[str, ...] | None
) -> Callable[[Request, Handler], Awaitable[Response]]:
    """HTTP middleware: host allow-list, access token, origin check, CSRF cookie and headers."""

    async def middleware(request: Request, call_next: Handler) -> Response:
        host = urlsplit("//" + request.headers.get("host", "")).hostname or ""
        if allowed_hosts is not None and host not in allowed_hosts:
            return PlainTextResponse("unknown host", status_code=400)
        if token is not None:
            given = request.query_params.get("token")
            if given is not None and _same(given, token) and request.method == "GET":
                rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
                response: Response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="strict")
                return _secure(response)
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not (_same(request.cookies.get(TOKEN_COOKIE), token) or _same(bearer, token)):
                return _secure(PlainTextResponse("a valid --token is required", status_code=401))
        origin = request.headers.get("origin")
        if request.method == "POST" and origin and urlsplit(origin).netloc != request.headers.get("host"):
            return _secure(PlainTextResponse("cross-origin request refused", status_code=403))
        csrf = request.cookies.get(CSRF_COOKIE)
        fresh = csrf is None
        request.state.csrf = csrf or secrets.token_urlsafe(32)
        response = await call_next(request)
        if fresh:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        return _secure(response)

    return middleware


def _secure(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def check_csrf(request: Request, csrf_token: Annotated[str, Form()] = "") -> None:
    """Dependency of every POST: the form's token must match the browser's CSRF cookie."""
    if not _same(csrf_token, request.cookies.get(CSRF_COOKIE)):
        raise HTTPException(status_code=403, detail="missing or wrong CSRF token; reload the page")
