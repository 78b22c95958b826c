"""Every page and its JSON twin show the same data; charts and the map are drawn on
the server; the API is described in OpenAPI and in docs/web.md; reads are audited."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sillok.store.archive import Archive
from sillok.web.geo import provinces
from test_web_support import app, client_as, doc_id, web_archive

__all__ = ["app", "client_as", "web_archive"]

DOCS = Path(__file__).resolve().parents[1] / "docs" / "web.md"

TWINS = [  # page, JSON twin, keys the JSON must have
    ("/", "/api/dashboard", {"documents", "by_status", "recent", "attention"}),
    ("/documents", "/api/documents", {"total", "documents"}),
    ("/search?q=Yoduk", "/api/search?q=Yoduk", {"query", "expanded", "total", "results"}),
    ("/facilities", "/api/facilities", {"facilities", "total"}),
    ("/facilities/Yodok", "/api/facilities/Yodok", {"facility", "documents", "quotes"}),
    ("/map", "/api/map", {"points", "boundaries"}),
    ("/estimates", "/api/estimates", {"groups"}),
    ("/corroboration", "/api/corroboration", {"rows"}),
    ("/matrix", "/api/matrix", {"crimes"}),
    ("/review", "/api/review", {"documents", "total"}),
    ("/upload", "/api/upload", {"max_file_size"}),
    ("/admin/users", "/api/admin/users", {"users", "roles"}),
    ("/admin/audit", "/api/admin/audit", {"entries"}),
    ("/account", "/api/me", {"user", "permissions"}),
]


@pytest.mark.parametrize(("page", "twin", "keys"), TWINS)
def test_every_page_has_a_json_twin(client_as: Any, page: str, twin: str,
                                    keys: set[str]) -> None:
    client = client_as("admin")
    html, data = client.get(page), client.get(twin)
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    assert data.status_code == 200 and data.headers["content-type"] == "application/json"
    assert keys <= set(data.json())


def test_document_page_and_twin(client_as: Any, web_archive: Archive) -> None:
    client = client_as("analyst")
    target = doc_id(web_archive, "seoul-ledger-yodok-satellite.html")
    data = client.get(f"/api/documents/{target}").json()
    assert data["document"]["id"] == target
    assert data["text"] and data["items"] and data["custody"]
    assert data["visibility"] == "public"
    page = client.get(f"/documents/{target}").text
    yodok = next(i for i in data["items"] if i["kind"] == "facility")
    assert f'href="#item-{data["items"].index(yodok)}"' in page or 'class="hl hl-facility' in page
    assert page.count('class="hl ') >= len({(i["start"], i["end"]) for i in data["items"]}) // 2
    assert "Near-duplicates" in page  # the syndicated copy of the same story


def test_search_shows_and_can_switch_off_the_expansion(client_as: Any) -> None:
    client = client_as("analyst")
    expanded = client.get("/api/search", params={"q": "Yoduk"}).json()
    assert "Yodok" in expanded["expanded"] and expanded["total"] >= 2
    literal = client.get("/api/search", params={"q": "Yoduk", "expand": "false"}).json()
    assert literal["total"] < expanded["total"]
    assert "facility" in client.get("/api/search", params={"q": "torture"}).json()["facets"]
    bad = client.get("/api/search", params={"q": "x", "facility": "Atlantis"})
    assert bad.status_code == 400 and "Atlantis" in bad.json()["error"]


def test_map_is_drawn_offline_from_the_packaged_boundaries(client_as: Any) -> None:
    client = client_as("viewer")
    data = client.get("/api/map").json()
    assert len(data["boundaries"]["provinces"]) == 11 == len(provinces()["features"])
    assert "Natural Earth" in data["boundaries"]["source"]
    page = client.get("/map").text
    assert page.count('class="province"') == 11
    assert page.count('<a href="/facilities/') >= len(data["points"]) > 50
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    geojson = client.get("/api/map/provinces.geojson")
    assert geojson.headers["content-type"].startswith("application/geo+json")
    licence = Path(__file__).resolve().parents[1] / "src/sillok/web/data/LICENSE-map-data.md"
    assert "public domain" in licence.read_text(encoding="utf-8")


def test_facility_page_has_dossier_map_and_chart(client_as: Any) -> None:
    page = client_as("analyst").get("/facilities/kwanliso-15").text
    assert 'class="facility ft-kwanliso highlight"' in page
    assert '<svg class="chart' in page
    assert "Camp 15" in page


def test_estimates_are_charted_over_time(client_as: Any) -> None:
    client = client_as("analyst")
    groups = client.get("/api/estimates").json()["groups"]
    page = client.get("/estimates").text
    assert groups and page.count('<svg class="chart"') >= 1


def test_openapi_describes_every_json_route_and_the_docs_list_them(client_as: Any) -> None:
    spec = client_as("viewer").get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/login", "/api/dashboard", "/api/search", "/api/documents/{doc_id}",
            "/api/documents/{doc_id}/review", "/api/upload", "/api/map"} <= paths
    assert not any(not p.startswith("/api") for p in paths)
    docs = DOCS.read_text(encoding="utf-8")
    missing = [p for p in paths if f"`{re.sub(r'{[^}]+}', '{…}', p)}`" not in docs
               and f"`{p}`" not in docs]
    assert missing == [], f"API routes missing from docs/web.md: {missing}"


def test_document_reads_are_audited_and_admins_see_the_log(client_as: Any,
                                                            web_archive: Archive) -> None:
    target = doc_id(web_archive, "hostile-notes.txt")
    client_as("viewer").get(f"/documents/{target}")
    entries = client_as("admin").get("/api/admin/audit", params={"user": "viewer"}).json()
    reads = [e for e in entries["entries"] if e["action"] == "read"
             and e["object_id"] == target]
    assert reads and reads[0]["user"] == "viewer"
    assert client_as("investigator").get("/api/admin/audit").status_code == 403
    json.dumps(entries)  # plain JSON
