"""Uploads: per-file outcomes, ingest and extraction, and no way to write outside the
archive whatever names a client sends."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok.web import create_app
from sillok.web.uploads import safe_name
from test_web_support import PASSWORD, build_archive

TEXT = b"Former prisoners of Camp 15 near Yodok described forced labour in 2019.\n"


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def fresh(tmp_path: Path) -> Any:
    archive = build_archive(tmp_path / "site")
    client = TestClient(create_app(archive), base_url="http://127.0.0.1")
    token = client.post("/api/login", json={"username": "investigator",
                                            "password": PASSWORD}).json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    yield tmp_path, archive, client
    client.close()
    archive.engine.dispose()


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../evil.txt", "evil.txt"), ("/etc/passwd", "passwd"),
    ("..\\..\\windows.txt", "windows.txt"), (".bashrc", "bashrc"), ("a/b/c.txt", "c.txt"),
    ("nul\x00byte.txt", "nul_byte.txt"), ("", "upload"), ("..", "upload"),
    ("rapport d'été.pdf", "rapport d'été.pdf"), ("요덕 보고서.txt", "요덕 보고서.txt"),
])
def test_safe_names_are_plain_file_names(raw: str, expected: str) -> None:
    assert safe_name(raw, set()) == expected


def test_safe_names_never_repeat() -> None:
    taken: set[str] = set()
    assert [safe_name("a.txt", taken) for _ in range(3)] == ["a.txt", "a (2).txt", "a (3).txt"]


def test_upload_ingests_extracts_and_reports_each_file(fresh: Any) -> None:
    _root, archive, client = fresh
    response = client.post("/api/upload", files=[
        ("files", ("yodok-notes.txt", TEXT, "text/plain")),
        ("files", ("empty.txt", b"", "text/plain")),
    ])
    assert response.status_code == 200, response.text
    body = response.json()
    by_name = {item["name"]: item for item in body["items"]}
    assert by_name["yodok-notes.txt"]["status"] == "ok"
    assert by_name["empty.txt"]["status"] == "failed"
    assert "empty" in by_name["empty.txt"]["reason"]
    assert body["extraction"]["extracted"] == 1
    new = by_name["yodok-notes.txt"]["document_id"]
    page = client.get(f"/api/documents/{new}").json()
    assert page["document"]["original_name"] == "yodok-notes.txt"
    assert any(i["kind"] == "facility" and i["id"] == "kwanliso-15" for i in page["items"])
    custody = page["custody"]
    assert any(e["action"] == "ingest" and e["actor"] == "investigator (web)" for e in custody)
    assert not list((archive.root / "uploads").iterdir())  # the upload folder is gone


def test_hostile_names_cannot_write_outside_the_archive(fresh: Any) -> None:
    root, archive, client = fresh
    before = files_under(root) - files_under(archive.root)
    members = io.BytesIO()
    with zipfile.ZipFile(members, "w") as bundle:
        bundle.writestr("../../zip-escape.txt", TEXT)
        bundle.writestr("/abs-escape.txt", TEXT + b"abs")
    names = ["../../escape.txt", "../../../../../../tmp/sillok-escape.txt", "/etc/cron.d/x",
             "..\\..\\escape2.txt", "sub/../../escape3.txt"]
    response = client.post("/api/upload", files=[
        *[("files", (name, TEXT + name.encode(), "text/plain")) for name in names],
        ("files", ("bundle.zip", members.getvalue(), "application/zip")),
    ])
    assert response.status_code == 200, response.text
    after = files_under(root) - files_under(archive.root)
    assert after == before
    assert not Path("/tmp/sillok-escape.txt").exists()
    assert not any(p.name.endswith("escape.txt") for p in root.parent.glob("*"))
    statuses = [item["status"] for item in response.json()["items"]]
    assert statuses.count("ok") >= len(names)
    original_names = {d["original_name"] for d in client.get(
        "/api/documents", params={"per_page": 500}).json()["documents"]}
    assert {"escape.txt", "sillok-escape.txt", "x", "escape2.txt", "escape3.txt"} <= \
        original_names


def test_an_upload_over_the_limit_is_refused_whole(tmp_path: Path) -> None:
    archive = build_archive(tmp_path / "site")
    client = TestClient(create_app(archive, upload_limit=1000), base_url="http://127.0.0.1")
    token = client.post("/api/login", json={"username": "admin", "password": PASSWORD}
                        ).json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    response = client.post("/api/upload", files=[("files", ("big.txt", b"x" * 5000,
                                                             "text/plain"))])
    assert response.status_code == 400
    assert "limit" in response.json()["error"]
    assert not list((archive.root / "uploads").iterdir())
    empty = client.post("/api/upload", data={})
    assert empty.status_code == 400 and "no files" in empty.json()["error"]


def test_the_upload_form_works_without_script(fresh: Any) -> None:
    _root, _archive, client = fresh
    token = client.headers.pop("X-CSRF-Token")
    page = client.post("/upload", data={"csrf_token": token},
                       files=[("files", ("form.txt", TEXT + b" form", "text/plain"))])
    assert page.status_code == 200
    assert "form.txt" in page.text and "status-ok" in page.text
