"""Every route, as every role: each declares the permission it needs, and the server
enforces it (403 for a signed-in user without it, 401 or a redirect to the login
form for nobody)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute

from sillok.accounts import ROLES, allows
from sillok.store.archive import Archive
from test_web_support import app, client_as, doc_id, web_archive

__all__ = ["app", "client_as", "web_archive"]

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/api/login")}
LAST = {"/logout", "/api/logout"}  # run after the rest: they end the session


def permission_of(route: APIRoute) -> str | None:
    for dependency in route.dependant.dependencies:
        found = getattr(dependency.call, "permission", None)
        if found:
            return str(found)
    return None


def api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute, looking inside included routers (FastAPI wraps them)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if inner is not None and hasattr(inner, "routes"):
            found += api_routes(inner.routes)
    return found


def every_route(app: Any) -> list[tuple[str, str, APIRoute]]:
    return sorted(((method, route.path, route) for route in api_routes(app.routes)
                   for method in route.methods),
                  key=lambda r: (r[1] in LAST, r[1], r[0]))


def test_nothing_but_static_assets_is_outside_the_api_routes(app: Any) -> None:
    others = [getattr(r, "path", None) for r in app.routes
              if not isinstance(r, APIRoute) and not hasattr(r, "original_router")
              and not hasattr(r, "router")]
    assert others == ["/static"]


def fill(path: str, public_doc: str) -> str:
    return (path.replace("{doc_id}", public_doc).replace("{facility}", "kwanliso-15")
            .replace("{username}", "viewer"))


def test_every_route_declares_a_permission(app: Any) -> None:
    unguarded = [(m, p) for m, p, route in every_route(app)
                 if (m, p) not in PUBLIC and permission_of(route) is None]
    assert unguarded == []
    assert len(every_route(app)) > 40


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_gets_exactly_what_its_permissions_allow(
        app: Any, client_as: Any, web_archive: Archive, role: str | None) -> None:
    public_doc = doc_id(web_archive, "seoul-ledger-yodok-satellite.html")
    client = client_as(role)
    wrong: list[str] = []
    for method, path, route in every_route(app):
        if (method, path) in PUBLIC:
            continue
        needed = permission_of(route)
        assert needed is not None
        url = fill(path, public_doc)
        response = client.request(method, url, json={} if path.startswith("/api/") else None)
        code = response.status_code
        if role is None:
            ok = code == 401 if path.startswith("/api") else \
                code == 303 and response.headers["location"].startswith("/login")
        elif allows(role, needed):
            ok = code not in (401, 403) and code < 500
        else:
            ok = code == 403
        if not ok:
            wrong.append(f"{role} {method} {url} ({needed}) -> {code}")
    assert wrong == []


def test_a_post_without_the_csrf_token_is_refused(client_as: Any, web_archive: Archive) -> None:
    client = client_as("admin")
    del client.headers["X-CSRF-Token"]
    target = doc_id(web_archive, "hostile-notes.txt")
    response = client.post(f"/api/documents/{target}/visibility", json={"visibility": "public"})
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    client.headers["X-CSRF-Token"] = "forged"
    response = client.post("/admin/users", data={"username": "mallory", "password": "x" * 12,
                                                  "role": "admin", "csrf_token": "forged"})
    assert response.status_code == 403


def test_viewers_cannot_see_restricted_documents(client_as: Any, web_archive: Archive) -> None:
    restricted = doc_id(web_archive, "email-witness-a17-interview-notes.eml")
    viewer, analyst = client_as("viewer"), client_as("analyst")
    assert viewer.get(f"/api/documents/{restricted}").status_code == 404
    assert viewer.get(f"/documents/{restricted}/original").status_code == 404
    assert analyst.get(f"/api/documents/{restricted}").status_code == 200
    listed = {d["id"] for d in viewer.get("/api/documents").json()["documents"]}
    assert restricted not in listed and len(listed) == 3
    found = viewer.get("/api/search", params={"q": "Hwasong OR Yodok"}).json()
    assert found["restricted_to_public"] is True
    assert {r["id"] for r in found["results"]} <= listed
    dossier = viewer.get("/api/facilities/kwanliso-15").json()
    assert {d["id"] for d in dossier["documents"]} <= listed
    assert dossier["violations"] == []
