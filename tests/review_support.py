"""Small paper lists for the review tests, written to tmp_path and ingested for real."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

import collabatlas as ca
from collabatlas.resolve.registry import Registry

SCRIPT = "<script>alert(1)</script>"
ATTR = '" onmouseover="alert(2)'
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
HOSTILE = (
    f"Evil Lab {SCRIPT}",
    f"Quote Institute {ATTR}",
)


def _paper(pid: str, title: str, authors: list[str], affs: list[str], domains: list[str]) -> dict[str, str]:
    return {
        "id": pid,
        "title": title,
        "status": "Poster",
        "track": "main",
        "author": ";".join(authors),
        "aff": ";".join(affs),
        "aff_domain": ";".join(domains),
    }


def review_papers() -> list[dict[str, str]]:
    """Fourteen papers: US–CN pairs, unresolved and department-only strings, hostile payloads."""
    papers = [
        _paper("p1", "US and China together", ["A One", "B Two"],
               ["Stanford University, Stanford, CA, USA", "Tsinghua University, Beijing, China"],
               ["stanford.edu", "tsinghua.edu.cn"]),
        _paper("p2", "Northeastern alone", ["C Three", "D Four"],
               ["Northeastern University", "Peking University, Beijing, China"], ["", "pku.edu.cn"]),
        _paper("p3", f"Title {SCRIPT}", [f"Mallory {SCRIPT}", "Eve Quote"],
               [HOSTILE[0], HOSTILE[1]], ["evil.example", ""]),
    ]  # fmt: skip
    departments = [
        "Department of Computer Science",
        "School of Engineering",
        "Acme Widgets Research",
        "Lab of Things",
        "Institute of Nowhere",
        "Department of Statistics",
        "Faculty of Informatics",
        "Center for Examples",
        "Graduate School of Tests",
        "Quantum Fluff Group",
        "Division of Sample Studies",
    ]
    for i, name in enumerate(departments):
        papers.append(
            _paper(f"d{i}", f"Paper {i}", [f"Author {i}", f"Other {i}"],
                   [name, "MIT, Cambridge, MA, USA"], ["", "mit.edu"])
        )  # fmt: skip
    return papers


def write_list(directory: Path, papers: list[dict[str, str]], name: str = "review2024.json") -> Path:
    """Write ``papers`` as a paperlists JSON file in ``directory``."""
    path = directory / name
    path.write_text(json.dumps(papers), encoding="utf-8")
    return path


def ingested_store(
    directory: Path, registry: Registry, name: str = "review.duckdb", *, universities: bool = False
) -> Path:
    """A store file with :func:`review_papers` (and :func:`university_papers`) ingested for real."""
    db = directory / name
    papers = review_papers() + (university_papers() if universities else [])
    with ca.Store(db) as store:
        ca.ingest(store, [str(write_list(directory, papers))], registry=registry)
    return db


class Client:
    """A synchronous browser-like client for an ASGI app (httpx.ASGITransport), keeping cookies."""

    def __init__(self, app: object, base_url: str = "http://127.0.0.1") -> None:
        self.app = app
        self.base_url = base_url
        self.cookies = httpx.Cookies()

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)  # type: ignore[arg-type]
            async with httpx.AsyncClient(
                transport=transport, base_url=self.base_url, cookies=self.cookies
            ) as client:
                response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
                self.cookies.update(client.cookies)
                return response

        return asyncio.run(send())

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def csrf(self, url: str = "/audit") -> str:
        """The CSRF token a page carries (fetching the page sets the cookie)."""
        match = CSRF.search(self.get(url).text)
        assert match, "page without a CSRF token"
        return match.group(1)


UNIVERSITIES = (
    "Stanford University, USA", "Tsinghua University, China", "University of Oxford, UK",
    "ETH Zurich, Switzerland", "University of Toronto, Canada", "Peking University, China",
    "Carnegie Mellon University, USA", "University of Tokyo, Japan", "KAIST, Korea",
    "National University of Singapore, Singapore", "Technical University of Munich, Germany",
    "University of Cambridge, UK", "Shanghai Jiao Tong University, China", "EPFL, Switzerland",
    "University of Washington, Seattle, USA", "McGill University, Canada", "Zhejiang University, China",
    "University of Amsterdam, Netherlands", "Seoul National University, Korea", "Inria, France",
    "University of Edinburgh, UK", "Fudan University, China", "Cornell University, USA",
    "University of Melbourne, Australia", "Weizmann Institute of Science, Israel",
)  # fmt: skip


def university_papers() -> list[dict[str, str]]:
    """Twenty-five papers with well-known universities, so audits have answers to sample."""
    return [
        _paper(f"u{i}", f"University paper {i}", [f"U Author {i}"], [name], [""])
        for i, name in enumerate(UNIVERSITIES)
    ]


def free_port() -> int:
    """A TCP port free on localhost right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, port: int, *args: str) -> subprocess.Popen[bytes]:
    """``collabatlas review`` in a subprocess, returned once it answers on ``port``."""
    process = subprocess.Popen(
        [sys.executable, "-m", "collabatlas", "review", "--db", str(db), "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"review server exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/review.css", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("review server did not start within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate a server started by :func:`start_server` and reap it."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
