"""The review web app: server-rendered pages over one store connection, state changes by POST only.

Handlers are ``async`` and do their (short) store work inline, so requests run one at a time on
the event loop: the app holds the store's only connection and is its only writer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from collabatlas.analyze.rules import CountingRules
from collabatlas.errors import CollabAtlasError
from collabatlas.resolve.registry import Registry, load_registry
from collabatlas.review import audit as audits
from collabatlas.review.corrections import CANDIDATE, MANUAL, MAX_NAME, correct_affiliation, override_paper
from collabatlas.review.detail import AUTHORS_SHOWN, affiliation_view, paper_view
from collabatlas.review.queue import TIERS, next_in_queue, queue_page
from collabatlas.review.search import RegistryIndex
from collabatlas.review.security import LOOPBACK_HOSTS, check_csrf, guard
from collabatlas.store import Store

PAGE_SIZE = 50
MAX_PAGE = 1_000_000
AFF_KEY = re.compile(r"^[0-9a-f]{32}$")
STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}
CsrfChecked = Annotated[None, Depends(check_csrf)]


@dataclass
class ReviewConfig:
    """How the app runs: counting rules, who reviews, where corrections are mirrored, access."""

    rules: CountingRules = field(default_factory=CountingRules)
    reviewer: str = "reviewer"
    mirror: Path | None = None
    token: str | None = None
    allowed_hosts: tuple[str, ...] | None = LOOPBACK_HOSTS
    registry: Callable[[], Registry] = load_registry


@cache
def templates() -> Environment:
    """The Jinja2 environment: package templates, every variable escaped."""
    return Environment(
        loader=PackageLoader("collabatlas.review", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _key(aff_key: str) -> str:
    if not AFF_KEY.match(aff_key):
        raise HTTPException(status_code=404, detail="no such affiliation")
    return aff_key


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def create_app(store: Store, config: ReviewConfig | None = None) -> FastAPI:
    """The review app over ``store`` (which it uses as its only connection)."""
    config = config or ReviewConfig()
    rules = config.rules
    app = FastAPI(title="collabatlas review", docs_url=None, redoc_url=None, openapi_url=None)
    app.middleware("http")(guard(config.token, config.allowed_hosts))
    for name in templates().list_templates(extensions=["html"]):
        templates().get_template(name)  # compile once, before the first request
    index: list[RegistryIndex] = []

    def registry_index() -> RegistryIndex:
        if not index:
            index.append(RegistryIndex.build(config.registry()))
        return index[0]

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = (
            templates()
            .get_template(name)
            .render(csrf=request.state.csrf, reviewer=config.reviewer, rules=rules, tiers=TIERS, **context)
        )
        return HTMLResponse(html, status_code=status)

    @app.exception_handler(CollabAtlasError)
    async def usage_error(request: Request, exc: CollabAtlasError) -> HTMLResponse:
        return page(request, "error.html", 400, message=exc.one_line())

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return page(request, "error.html", 400, message=problems or "invalid request")

    @app.get("/", response_class=HTMLResponse)
    async def queue(
        request: Request, page_number: Annotated[int, Query(alias="page", ge=1, le=MAX_PAGE)] = 1
    ) -> Response:
        items, counts = queue_page(store, rules, limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE)
        recent = store.query(
            "SELECT aff_key, raw, domain, action, institution, country, reviewer, corrected_at "
            "FROM corrections ORDER BY corrected_at DESC LIMIT 20"
        ).to_pylist()
        return page(request, "queue.html", items=items, counts=counts, recent=recent, page=page_number,
                    page_size=PAGE_SIZE)  # fmt: skip

    @app.get("/next")
    async def first_item() -> Response:
        key = next_in_queue(store, rules)
        return _redirect(f"/item/{key}" if key else "/")

    @app.get("/item/{aff_key}", response_class=HTMLResponse)
    async def item(request: Request, aff_key: str) -> Response:
        view = affiliation_view(store, _key(aff_key), rules)
        if view is None:
            raise HTTPException(status_code=404, detail="no such affiliation")
        following = next_in_queue(store, rules, after=aff_key)
        return page(request, "item.html", view=view, next_key=following)

    @app.post("/item/{aff_key}")
    async def correct(
        _: CsrfChecked,
        aff_key: str,
        action: Annotated[str, Form(max_length=20)],
        candidate: Annotated[int | None, Form(ge=0, le=1000)] = None,
        institution: Annotated[str, Form(max_length=MAX_NAME)] = "",
        country: Annotated[str, Form(max_length=60)] = "",
    ) -> Response:
        key = _key(aff_key)
        following = next_in_queue(store, rules, after=key)
        institution_id = None
        if action == MANUAL and institution.strip():
            match = registry_index().exact(institution)
            institution_id = match.id if match else None
            country = country or (match.country if match else "")
        correct_affiliation(
            store, key, action, reviewer=config.reviewer, institution=institution or None,
            institution_id=institution_id, country=country or None,
            candidate=candidate if action == CANDIDATE else None, mirror=config.mirror,
        )  # fmt: skip
        return _redirect(f"/item/{following}" if following else "/")

    @app.get("/paper", response_class=HTMLResponse)
    async def paper(
        request: Request,
        paper_id: Annotated[str, Query(alias="id", max_length=500)],
        authors_page: Annotated[int, Query(alias="authors", ge=1, le=MAX_PAGE)] = 1,
    ) -> Response:
        offset = (authors_page - 1) * AUTHORS_SHOWN
        view = paper_view(store, paper_id, rules, author_offset=offset, author_limit=AUTHORS_SHOWN)
        if view is None:
            raise HTTPException(status_code=404, detail="no such paper")
        return page(request, "paper.html", paper=view)

    @app.post("/paper")
    async def override(
        _: CsrfChecked,
        paper_id: Annotated[str, Form(max_length=500)],
        countries: Annotated[str, Form(max_length=MAX_NAME)] = "",
        note: Annotated[str, Form(max_length=2000)] = "",
        clear: Annotated[str, Form(max_length=1)] = "",
    ) -> Response:
        codes = None if clear else [c for c in re.split(r"[,;|\s]+", countries) if c]
        override_paper(store, paper_id, codes, reviewer=config.reviewer, note=note, mirror=config.mirror)
        return _redirect(f"/paper?{urlencode({'id': paper_id})}")

    @app.get("/registry")
    async def registry_search(q: Annotated[str, Query(max_length=200)] = "") -> JSONResponse:
        found = registry_index().search(q)
        return JSONResponse([{"name": i.name, "country": i.country, "id": i.id} for i in found])

    @app.get("/audit", response_class=HTMLResponse)
    async def audit_list(request: Request) -> Response:
        return page(request, "audits.html", audits=audits.audits(store))

    @app.post("/audit")
    async def audit_start(
        _: CsrfChecked,
        size: Annotated[int, Form(ge=1, le=audits.MAX_SIZE)] = 20,
        seed: Annotated[int, Form(ge=0, le=audits.MAX_SEED)] = 1,
    ) -> Response:
        audit_id = audits.start_audit(store, size, seed, reviewer=config.reviewer)
        return _redirect(f"/audit/{audit_id}")

    @app.get("/audit/{audit_id}", response_class=HTMLResponse)
    async def audit_page(
        request: Request, audit_id: Annotated[int, PathParam(ge=1, le=MAX_PAGE)]
    ) -> Response:
        result = audits.audit_result(store, audit_id)
        if result is None:
            raise HTTPException(status_code=404, detail="no such audit")
        items = audits.audit_items(store, audit_id)
        current = next((i for i in items if i["correct"] is None), None)
        return page(request, "audit.html", result=result, items=items, current=current)

    @app.post("/audit/{audit_id}/judge")
    async def audit_judge(
        _: CsrfChecked,
        audit_id: Annotated[int, PathParam(ge=1, le=MAX_PAGE)],
        position: Annotated[int, Form(ge=0, le=audits.MAX_SIZE)],
        verdict: Annotated[str, Form(pattern="^(right|wrong)$")],
    ) -> Response:
        audits.judge(store, audit_id, position, verdict == "right", reviewer=config.reviewer)
        return _redirect(f"/audit/{audit_id}")

    @app.get("/static/{name}")
    async def static(name: str) -> Response:
        if name not in STATIC:
            raise HTTPException(status_code=404, detail="not found")
        body = resources.files("collabatlas.review").joinpath("static", name).read_bytes()
        return Response(body, media_type=STATIC[name])

    return app
