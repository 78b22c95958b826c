"""The FastAPI application: routers, security headers, static files, error pages."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from ..__about__ import __version__
from ..api import ArchiveRef, init_archive
from ..exc import DocumentNotFound, SillokError
from . import (
    routes_admin,
    routes_analysis,
    routes_auth,
    routes_documents,
    routes_review,
    routes_search,
    routes_testimony,
    routes_upload,
)
from .auth import NotAuthenticated
from .render import make_templates, render
from .routes_testimony import KeysLocked
from .security import SecurityHeaders
from .state import STATIC, WebState

log = logging.getLogger(__name__)

DESCRIPTION = """The JSON twin of every page of the Sillok workspace.

Sign in with `POST /api/login`; the session cookie it sets authenticates later calls,
and every `POST` must carry the returned `csrf_token` in the `X-CSRF-Token` header.
Each page `/PATH` has its data at `/api/PATH` (the dashboard `/` at `/api/dashboard`).
"""


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": message, "status": status}, status_code=status,
                            headers=headers)
    response = render(request, "error.html", {"status": status, "message": message},
                      status=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def create_app(archive: ArchiveRef = None, *, secure_cookies: bool = False,
               allowed_hosts: Iterable[str] | None = None,
               upload_limit: int | None = None) -> FastAPI:
    """The workspace for ``archive`` (created when missing).

    ``allowed_hosts`` limits the Host header (None allows any); ``secure_cookies``
    marks the session cookie Secure, for serving behind HTTPS.
    """
    opened = init_archive(archive)
    app = FastAPI(title="Sillok", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(archive=opened, templates=make_templates(),
                             secure_cookies=secure_cookies)
    if upload_limit:
        app.state.web.upload_limit = upload_limit
    app.add_middleware(SecurityHeaders, allowed_hosts=allowed_hosts)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    for module in (routes_auth, routes_documents, routes_upload, routes_search,
                   routes_analysis, routes_review, routes_admin, routes_testimony):
        app.include_router(module.router)

    @app.exception_handler(NotAuthenticated)
    async def not_signed_in(request: Request, _exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "sign in first: POST /api/login", "status": 401},
                                status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(KeysLocked)
    async def keys_locked(request: Request, _exc: KeysLocked) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "the testimony keys are locked: POST "
                                 "/api/testimonies/unlock with the passphrase first",
                                 "status": 423}, status_code=423)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/testimonies/unlock?next={quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail),
                      dict(exc.headers) if exc.headers else None)

    @app.exception_handler(404)
    async def not_found(request: Request, exc: Any) -> Response:
        detail = getattr(exc, "detail", None) or "no such page"
        return _error(request, 404, str(detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                             for e in exc.errors())
        return _error(request, 422, f"the request is not valid: {problems}")

    @app.exception_handler(DocumentNotFound)
    async def no_document(request: Request, exc: DocumentNotFound) -> Response:
        return _error(request, 404, str(exc))

    @app.exception_handler(SillokError)
    async def sillok_error(request: Request, exc: SillokError) -> Response:
        return _error(request, 400, str(exc))

    return app
