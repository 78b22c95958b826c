"""Review: decisions are kept beside the machine's output, with who and when, and
``reviewed_extraction`` applies them for exports and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sillok import api
from sillok.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION
from sillok.review import ReviewError, record_decision, reviewed_extraction
from sillok.review.items import InvalidItem, flatten
from sillok.store import custody
from sillok.web import create_app
from test_web_support import PASSWORD, build_archive, doc_id

NAME = "seoul-ledger-yodok-satellite.html"


@pytest.fixture
def site(tmp_path: Path) -> Any:
    archive = build_archive(tmp_path / "site")
    client = TestClient(create_app(archive), base_url="http://127.0.0.1")
    token = client.post("/api/login", json={"username": "analyst", "password": PASSWORD}
                        ).json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    yield archive, client, doc_id(archive, NAME)
    client.close()
    archive.engine.dispose()


def test_reviewing_keeps_the_machine_output_and_records_who(site: Any) -> None:
    archive, client, target = site
    machine = api.extraction(target, archive)
    listing = client.get(f"/api/documents/{target}/review").json()
    assert listing["summary"]["status"] == "unreviewed"
    items = listing["items"]
    facility = next(i for i in items if i["kind"] == "facility")
    claim = next(i for i in items if i["kind"] == "claim")
    violation = next(i for i in items if i["kind"] == "violation")

    def decide(body: dict[str, Any]) -> dict[str, Any]:
        response = client.post(f"/api/documents/{target}/review", json=body)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    decide({"action": "accept", "key": facility["key"]})
    decide({"action": "reject", "key": violation["key"], "note": "describes another camp"})
    corrected = decide({"action": "correct", "key": claim["key"],
                        "value": {**claim, "low": 40000, "high": 50000, "as_of": "2011"}})
    assert corrected["machine"]["low"] == claim["low"]
    assert corrected["value"]["low"] == 40000
    text = api.document_text(target, archive)
    start = text.index("Yodok")
    decide({"action": "add", "value": {"kind": "facility", "id": "kwanliso-15",
                                       "start": start, "end": start + 5}})

    after = client.get(f"/api/documents/{target}/review").json()
    states = {i["key"]: i["state"] for i in after["items"]}
    assert states[facility["key"]] == "accepted"
    assert states[violation["key"]] == "rejected"
    assert states[claim["key"]] == "corrected"
    assert list(states.values()).count("added") == 1
    assert after["summary"]["reviewers"] == ["analyst"]
    assert after["summary"]["status"] == "partly-reviewed"

    assert api.extraction(target, archive) == machine  # never overwritten
    with archive.reader() as conn:
        reviewed = reviewed_extraction(conn, target)
        events = [e for e in custody.events(conn) if e["action"] == "review"]
    assert reviewed["review"]["reviewed"] is False
    assert reviewed["review"]["status"] == "partly-reviewed"
    assert reviewed["review"]["machine_extractor"] == f"{EXTRACTOR_NAME}@{EXTRACTOR_VERSION}"
    spans = {(m["start"], m["end"]) for g in reviewed["violations"] for m in g["mentions"]}
    assert (violation["start"], violation["end"]) not in spans
    fixed = [c for c in reviewed["claims"] if c["start"] == claim["start"]
             and c["measure"] == claim["measure"]]
    assert fixed[0]["low"] == 40000 and fixed[0]["review"] == "corrected"
    assert {e["actor"] for e in events} == {"analyst"}
    assert len(events) == 4


def test_every_item_decided_marks_the_extraction_reviewed(site: Any) -> None:
    archive, client, target = site
    for item in client.get(f"/api/documents/{target}/review").json()["items"]:
        client.post(f"/api/documents/{target}/review",
                    json={"action": "accept", "key": item["key"]})
    with archive.reader() as conn:
        reviewed = reviewed_extraction(conn, target)
    assert reviewed["review"]["reviewed"] is True
    assert reviewed["review"]["status"] == "reviewed"
    machine = api.extraction(target, archive)
    assert len(flatten(reviewed)) == len(flatten(machine))


def test_bad_decisions_are_refused_with_the_reason(site: Any) -> None:
    archive, client, target = site
    bad = client.post(f"/api/documents/{target}/review",
                      json={"action": "add", "value": {"kind": "facility", "id": "no-such",
                                                       "start": 0, "end": 4}})
    assert bad.status_code == 400 and "knowledge base" in bad.json()["error"]
    outside = client.post(f"/api/documents/{target}/review",
                          json={"action": "add", "value": {"kind": "violation", "id": "torture",
                                                           "start": 10, "end": 10**9}})
    assert outside.status_code == 400 and "span" in outside.json()["error"]
    unknown = client.post(f"/api/documents/{target}/review",
                          json={"action": "accept", "key": "facility:x:1-2"})
    assert unknown.status_code == 400
    with archive.writer() as conn, pytest.raises(ReviewError):
        record_decision(conn, target, action="merge", reviewer="x", key="k")
    with archive.writer() as conn, pytest.raises(InvalidItem, match="low ≤ high"):
        record_decision(conn, target, action="add", reviewer="x", value={
            "kind": "claim", "start": 0, "end": 5, "subject": "kwanliso",
            "measure": "prisoner-population", "low": 10, "high": 5})


def test_the_review_form_works_without_script(site: Any) -> None:
    _archive, client, target = site
    token = client.headers.pop("X-CSRF-Token")
    item = client.get(f"/api/documents/{target}/review").json()["items"][0]
    response = client.post(f"/documents/{target}/review", follow_redirects=False,
                           data={"csrf_token": token, "action": "reject", "key": item["key"]})
    assert response.status_code == 303
    page = client.get(f"/documents/{target}/review")
    assert "rejected by analyst" in page.text
