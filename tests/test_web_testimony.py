"""Testimonies in the workspace: keys unlocked per session, intake through the form and
the API (sharing the command line's intake), and reading under the same consent and
role rules as the command line, every read audited with its purpose."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import sillok
from sillok import testimony as t
from sillok.accounts import ROLES, add_user
from sillok.audit import audit_entries
from sillok.store.archive import Archive
from sillok.store.custody import events
from sillok.web import create_app
from sillok.web.vaults import MAX_FAILURES, VaultStore
from test_web_support import PASSWORD, sign_in
from testimony_support import (
    ALIAS,
    BURIAL_DETAIL,
    CHEAP,
    CONTACT,
    PASSPHRASE,
    PERSON,
    PROTECTED,
    RELATIVE,
    RELATIVE_PLACE,
    STATEMENT,
    WITNESS,
)

AUDIO = b"RIFF\x00\x00 the witness's own voice"
FORM: dict[str, Any] = {
    "interview_date": "2024-03-02", "interview_place": "Seoul", "interviewer": "Park Ji-won",
    "witness_name": WITNESS, "witness_aliases": ALIAS, "birth_year": "1971",
    "contacts": CONTACT, "relatives": f"{RELATIVE} | brother | {RELATIVE_PLACE}",
    "scopes": ["internal-analysis", "un-sharing"], "identity_consent": "anonymised",
    "consent_date": "2024-03-02", "risk_level": "high", "statement": STATEMENT,
    "private_persons": PERSON,
    "locations": f"burial-site | South Hamgyong | Yodok | 39.8412 | 127.0953 | {BURIAL_DETAIL}",
    "facilities": "", "violations": ["torture"], "periods": "1999", "file_kind": "",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, Any]]:
    archive = sillok.init_archive(tmp_path_factory.mktemp("web-testimony") / "archive")
    with archive.writer() as conn:
        for role in ROLES:
            add_user(conn, role, PASSWORD, role)
    t.init_keys(archive, t.Credential.passphrase(PASSPHRASE), user="setup", kdf=CHEAP)
    yield archive, create_app(archive)
    archive.engine.dispose()


@pytest.fixture
def client_as(site: tuple[Archive, Any]) -> Iterator[Any]:
    made: list[TestClient] = []

    def make(role: str, *, unlocked: bool = False) -> TestClient:
        client = TestClient(site[1], base_url="http://127.0.0.1", follow_redirects=False)
        made.append(client)
        sign_in(client, role)
        if unlocked:
            response = client.post("/api/testimonies/unlock", json={"passphrase": PASSPHRASE})
            assert response.status_code == 200, response.text
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture(scope="module")
def stored(site: tuple[Archive, Any]) -> str:
    """One testimony taken in through the HTML form, with an audio file."""
    client = TestClient(site[1], base_url="http://127.0.0.1", follow_redirects=False)
    token = sign_in(client, "investigator")
    del client.headers["X-CSRF-Token"]  # a browser form sends the token as a field
    assert client.post("/api/testimonies/unlock", json={"passphrase": PASSPHRASE},
                       headers={"X-CSRF-Token": token}).status_code == 200
    response = client.post("/testimonies/new", data={**FORM, "csrf_token": token},
                           files=[("files", ("interview.wav", AUDIO, "audio/wav"))])
    assert response.status_code == 200, response.text
    found = re.search(r'id="new-testimony-link">(T-[A-Z0-9-]+)<', response.text)
    assert found, response.text
    client.close()
    return found.group(1)


def test_reading_statements_needs_keys_unlocked_for_the_session(
        client_as: Any, stored: str) -> None:
    client = client_as("investigator")
    url = f"/testimonies/{stored}?purpose=internal-analysis"
    assert client.get("/api" + url).status_code == 423
    page = client.get(url)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/testimonies/unlock?next=")
    wrong = client.post("/api/testimonies/unlock", json={"passphrase": "not the passphrase"})
    assert wrong.status_code == 400 and "does not open" in wrong.json()["error"]
    form = client.post("/testimonies/unlock", data={"passphrase": PASSPHRASE, "next": url})
    assert form.status_code == 303 and form.headers["location"] == url
    status = client.get("/api/testimonies/unlock").json()
    assert status["unlocked"] is True and status["expires_at"]
    assert client.get("/api" + url).status_code == 200
    assert "<b>unlocked</b>" in client.get(url).text and 'id="lock-keys"' in client.get(url).text
    other = client_as("investigator")  # another session has to unlock for itself
    assert other.get("/api" + url).status_code == 423
    assert client.post("/api/testimonies/lock").json()["was_unlocked"] is True
    assert client.get("/api" + url).status_code == 423


def test_signing_out_forgets_the_keys(client_as: Any, stored: str) -> None:
    client = client_as("admin", unlocked=True)
    url = f"/api/testimonies/{stored}?purpose=record-keeping"
    assert client.get(url).status_code == 200
    assert client.post("/api/logout").status_code == 200
    sign_in(client, "admin")
    assert client.get(url).status_code == 423


def test_a_pasted_key_file_unlocks(client_as: Any, site: tuple[Archive, Any],
                                   tmp_path: Path) -> None:
    archive = site[0]
    vault = t.unlock(archive, t.Credential.passphrase(PASSPHRASE))
    key = t.write_key_file(tmp_path / "recovery.key")
    t.add_credential(archive, vault, key, user="setup", recovery=True)
    client = client_as("analyst")
    typed = (tmp_path / "recovery.key").read_text().strip().lower().replace("-", " ")
    response = client.post("/api/testimonies/unlock", json={"passphrase": typed})
    assert response.status_code == 200, response.text


def test_wrong_passphrases_are_limited(site: tuple[Archive, Any]) -> None:
    client = TestClient(create_app(site[0]), base_url="http://127.0.0.1")  # its own memory
    sign_in(client, "viewer")
    for _ in range(MAX_FAILURES):
        assert client.post("/api/testimonies/unlock",
                           json={"passphrase": "guess guess guess"}).status_code == 400
    refused = client.post("/api/testimonies/unlock", json={"passphrase": PASSPHRASE})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    client.close()


def test_unlocked_keys_expire_when_idle_and_in_any_case() -> None:
    now = [1000.0]
    store = VaultStore(idle=60, maximum=150, clock=lambda: now[0])
    vault = t.Vault(b"k" * 32, "g")
    store.put("token", "kim", vault)
    assert store.get("token", "kim") is vault
    assert store.get("token", "lee") is None  # bound to the user too
    now[0] += 59
    assert store.get("token", "kim") is vault  # use keeps it open...
    now[0] += 59
    assert store.get("token", "kim") is vault
    now[0] += 40  # ...but never past the maximum
    assert store.get("token", "kim") is None
    store.put("token", "kim", vault)
    now[0] += 61
    assert store.status("token") == {"unlocked": False, "expires_at": None}


def test_intake_through_the_form_links_extracts_and_encrypts(
        client_as: Any, site: tuple[Archive, Any], stored: str) -> None:
    client = client_as("investigator", unlocked=True)
    shown = client.get(f"/api/testimonies/{stored}?purpose=record-keeping").json()["record"]
    assert shown["identity"]["name"] == WITNESS
    assert shown["identity"]["relatives"][0]["whereabouts"] == RELATIVE_PLACE
    assert "kwanliso-15" in [f["id"] for f in shown["facilities"]]  # found in the statement
    assert {"torture", "beating"} & {v["id"] for v in shown["violations"]}
    assert {"1997-2003", "1999"} <= set(shown["periods"])
    assert shown["locations"][0]["detail"] == BURIAL_DETAIL
    (audio,) = shown["files"]
    assert audio["kind"] == "audio" and audio["name"] == "interview.wav"
    archive = site[0]
    with archive.reader() as conn:
        custody = events(conn, stored)
    assert any(e["action"] == "testimony-add" and e["actor"] == "investigator (web)"
               and e["details"]["source"] == "web" for e in custody)
    files = [archive.root / "sillok.db", archive.root / "sillok.db-wal",
             *(archive.root / "testimony-files").rglob("*")]
    raw = b"".join(p.read_bytes() for p in files if p.is_file())
    for secret in [*PROTECTED, PASSPHRASE]:
        assert secret.encode() not in raw, secret


def test_views_apply_consent_and_role_as_the_command_line_does(
        client_as: Any, site: tuple[Archive, Any], stored: str) -> None:
    analyst = client_as("analyst", unlocked=True)
    seen = analyst.get(f"/api/testimonies/{stored}?purpose=internal-analysis").json()
    record = seen["record"]
    assert record["identity"] is None and record["files"] == []
    for secret in (WITNESS, ALIAS, CONTACT, RELATIVE, RELATIVE_PLACE, PERSON, BURIAL_DETAIL,
                   "42.4381", "39.8412"):
        assert secret not in str(record), secret
    assert record["witness"] in record["statement"]
    assert record["locations"][0]["precision"] == "county"
    cli_view = t.view_testimony(site[0], t.unlock(site[0], t.Credential.passphrase(PASSPHRASE)),
                                stored, user="cli", role="analyst",
                                purpose="internal-analysis")
    assert cli_view == record  # the page shows exactly what the command line shows
    page = analyst.get(f"/testimonies/{stored}?purpose=internal-analysis")
    assert page.status_code == 200 and WITNESS not in page.text
    assert record["witness"] in page.text and "county level" in page.text
    refused = analyst.get(f"/api/testimonies/{stored}?purpose=publication")
    assert refused.status_code == 403
    assert "consented to internal analysis and sharing with the UN, not to publication" in \
        refused.json()["error"]
    assert analyst.get(f"/api/testimonies/{stored}?purpose=record-keeping").status_code == 403
    listed = analyst.get("/api/testimonies", params={"purpose": "publication"}).json()
    assert listed["testimonies"] == [] and listed["excluded"][0]["id"] == stored
    viewer = client_as("viewer")
    assert viewer.get("/api/testimonies?purpose=internal-analysis").status_code == 403
    assert viewer.get("/api/testimonies").json()["purposes"] == ["publication"]
    mine = client_as("investigator").get(
        "/api/testimonies", params={"purpose": "un-sharing", "facility": "Yodok"}).json()
    assert [r["id"] for r in mine["testimonies"]] == [stored]
    assert client_as("investigator").get(
        "/api/testimonies", params={"purpose": "un-sharing", "period": "2010"}
    ).json()["testimonies"] == []
    assert client_as("investigator").get(
        "/api/testimonies", params={"purpose": "un-sharing", "period": "soon"}
    ).status_code == 400


def test_files_only_for_cleared_roles_as_attachments(client_as: Any, stored: str) -> None:
    investigator = client_as("investigator", unlocked=True)
    record = investigator.get(f"/api/testimonies/{stored}?purpose=un-sharing").json()["record"]
    file_id = record["files"][0]["id"]
    got = investigator.get(f"/testimonies/{stored}/files/{file_id}?purpose=un-sharing")
    assert got.status_code == 200 and got.content == AUDIO
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in got.headers["content-security-policy"]
    assert investigator.get(f"/api/testimonies/{stored}/files/{file_id}").status_code == 400
    analyst = client_as("analyst", unlocked=True)
    assert analyst.get(f"/api/testimonies/{stored}/files/{file_id}?purpose=un-sharing"
                       ).status_code == 403


def test_every_read_is_audited_with_its_purpose(client_as: Any, site: tuple[Archive, Any],
                                                stored: str) -> None:
    client = client_as("investigator", unlocked=True)
    client.get("/api/testimonies", params={"purpose": "un-sharing"})
    client.get(f"/testimonies/{stored}?purpose=internal-analysis")
    client_as("analyst", unlocked=True).get(f"/api/testimonies/{stored}?purpose=publication")
    with site[0].reader() as conn:
        entries = audit_entries(conn)
    mine = [(e["user"], e["action"], e["purpose"]) for e in entries]
    assert ("investigator", "list", "un-sharing") in mine
    assert ("investigator", "read", "internal-analysis") in mine
    assert ("analyst", "read-refused", "publication") in mine
    assert ("investigator", "unlock-keys", None) in mine
    assert ("investigator", "testimony-add", None) in mine
    with site[0].reader() as conn:
        text_of_log = str(audit_entries(conn))
    for secret in (*PROTECTED, PASSPHRASE):
        assert secret not in text_of_log


def test_intake_through_the_api(client_as: Any) -> None:
    import json

    client = client_as("admin")
    data = {"interview": {"date": "2023-11-05", "place": "Seoul", "interviewer": "Lee"},
            "witness": {"name": "Pak Un-hui"},
            "consent": {"scopes": ["publication"], "identity": "anonymised"},
            "statement": "I was held at Chongori (Kyohwaso No. 12) from 2009 to 2011."}
    body = {"record": json.dumps(data)}
    scan = [("files", ("page1.png", b"\x89PNG scan", "image/png"))]
    assert client.post("/api/testimonies", data=body, files=scan).status_code == 423
    assert client.post("/api/testimonies/unlock",
                       json={"passphrase": PASSPHRASE}).status_code == 200
    added = client.post("/api/testimonies", data=body, files=scan)
    assert added.status_code == 200, added.text
    result = added.json()
    assert result["testimony_id"].startswith("T-") and len(result["files"]) == 1
    assert "kyohwaso-12" in result["facilities"] and "2009-2011" in result["periods"]
    shown = client.get(f"/api/testimonies/{result['testimony_id']}?purpose=record-keeping")
    assert shown.json()["record"]["files"][0]["kind"] == "scan"
    viewer = client_as("viewer", unlocked=True)
    public = viewer.get(f"/api/testimonies/{result['testimony_id']}?purpose=publication")
    assert public.status_code == 200 and "Pak Un-hui" not in public.text
    for bad, field in (({**data, "files": [{"path": "/etc/passwd"}]}, "files"),
                       ({**data, "statement_file": "/etc/passwd"}, "statement_file"),
                       ({**data, "interview": {**data["interview"], "date": "2099-01-01"}},
                        "interview_date"),
                       ({**data, "locations": [{"kind": "burial-site", "lat": "north"}]},
                        "locations")):
        refused = client.post("/api/testimonies", data={"record": json.dumps(bad)})
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"].startswith(field), refused.json()


def test_a_form_with_a_mistake_comes_back_filled_in(client_as: Any) -> None:
    client = client_as("investigator", unlocked=True)
    response = client.post("/testimonies/new", data={**FORM, "interview_date": "02/03/2024",
                                                     "statement": "Kept at Yodok in 1998."})
    assert response.status_code == 400
    assert "is not a date (use YYYY-MM-DD)" in response.text
    assert "Kept at Yodok in 1998." in response.text  # the statement is not lost
    locked = client_as("investigator")
    response = locked.post("/testimonies/new", data={**FORM, "statement": "Kept at Yodok."})
    assert response.status_code == 423 and "Kept at Yodok." in response.text
    assert 'name="passphrase"' in response.text
    response = locked.post("/testimonies/new", data={**FORM, "passphrase": PASSPHRASE,
                                                     "statement": "Kept at Yodok in 1998."})
    assert response.status_code == 200 and 'id="new-testimony-link"' in response.text


def test_intake_needs_the_write_permission_and_the_csrf_token(client_as: Any) -> None:
    for role in ("analyst", "viewer"):
        client = client_as(role, unlocked=True)
        assert client.get("/testimonies/new").status_code == 403
        assert client.post("/testimonies/new", data=FORM).status_code == 403
    client = client_as("investigator", unlocked=True)
    del client.headers["X-CSRF-Token"]
    assert client.post("/testimonies/new", data=FORM).status_code == 403
    assert client.post("/api/testimonies/unlock",
                       json={"passphrase": PASSPHRASE}).status_code == 403
