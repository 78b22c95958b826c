"""Signing in and out, the current user, changing one's own password, the API index."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from ..accounts import (
    LoginFailed,
    LoginThrottled,
    User,
    WeakPassword,
    authenticate,
    create_session,
    end_session,
    set_password,
)
from ..accounts.passwords import verify_password
from ..accounts.roles import PERMISSIONS
from ..accounts.tables import users
from .auditing import record, record_in
from .auth import Principal, Reader
from .render import render, twin
from .state import LOGIN_CSRF_COOKIE, SESSION_COOKIE, archive_of, client_address, web_state

router = APIRouter()
FormText = Annotated[str, Form()]


class Credentials(BaseModel):
    username: str
    password: str


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an absolute URL an attacker could plant."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else "/"


def _sign_in(request: Request, username: str, password: str) -> tuple[str, dict[str, Any]]:
    archive = archive_of(request)
    remote = client_address(request)
    who = username.strip().lower()[:80] or "?"
    try:
        with archive.writer() as conn:
            user: User | None = None
            try:
                user = authenticate(conn, username, password, remote=remote)
            except LoginFailed:
                pass  # commit the recorded failure: it counts towards the limit
            else:
                token, session = create_session(conn, user, remote=remote)
                record_in(conn, request, user.username, "login", "account", user.username)
    except LoginThrottled as exc:
        # Every refusal is audited with the limit that caused it, so an admin sees an
        # account held shut by guessing from many addresses (scope "account").
        record(request, who, "login-throttled", "account", username[:80],
               details={"scope": exc.scope, "retry_after": exc.retry_after})
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.retry_after)}) \
            from None
    if user is None:
        record(request, who, "login-failed", "account", username[:80])
        raise HTTPException(401, "wrong username or password")
    return token, {"user": user.as_dict(), "csrf_token": session.csrf_token,
                   "expires_at": session.expires_at}


def _set_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=web_state(request).secure_cookies, path="/")


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str | None = None, error: str | None = None
               ) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"next": _safe_next(next), "error": error,
                                              "login_csrf": nonce})
    response.set_cookie(LOGIN_CSRF_COOKIE, nonce, httponly=True, samesite="strict",
                        secure=web_state(request).secure_cookies, path="/login")
    return response


@router.post("/login", include_in_schema=False)
def login_submit(request: Request, username: FormText = "", password: FormText = "",
                 login_csrf: FormText = "", next: FormText = "/") -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE)
    if not expected or not secrets.compare_digest(expected, login_csrf):
        return login_form(request, next, "The form expired: please sign in again.")
    try:
        token, _ = _sign_in(request, username, password)
    except HTTPException as exc:
        response = login_form(request, next, str(exc.detail))
        response.status_code = exc.status_code
        return response
    done = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(request, done, token)
    done.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return done


@router.post("/api/login", summary="Sign in", tags=["account"])
def api_login(request: Request, credentials: Credentials) -> JSONResponse:
    """Start a session: sets the session cookie and returns the CSRF token that every
    POST must send in the ``X-CSRF-Token`` header. Rate limited per address and
    account, per address, and by a per-account ceiling (see docs/web.md)."""
    token, body = _sign_in(request, credentials.username, credentials.password)
    response = JSONResponse(body)
    _set_cookie(request, response, token)
    return response


def _sign_out(request: Request, who: Principal) -> None:
    with archive_of(request).writer() as conn:
        end_session(conn, who.token)
        record_in(conn, request, who, "logout", "account", who.username)
    web_state(request).vaults.drop(who.token)


@router.post("/logout", include_in_schema=False)
def logout(request: Request, who: Reader) -> Response:
    _sign_out(request, who)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/api/logout", summary="Sign out", tags=["account"])
def api_logout(who: Reader, request: Request
               ) -> dict[str, Any]:
    """End the current session."""
    _sign_out(request, who)
    return {"signed_out": who.username}


@twin(router, "/account", template="account.html", summary="The signed-in user",
      api_path="/api/me")
def me(request: Request, who: Reader) -> dict[str, Any]:
    """The signed-in user, their role, and the session's CSRF token."""
    return {"user": who.session.user.as_dict(), "permissions": sorted(PERMISSIONS[who.role]),
            "csrf_token": who.session.csrf_token, "expires_at": who.session.expires_at,
            "message": request.query_params.get("message")}


class PasswordChange(BaseModel):
    current_password: str
    new_password: str


def _change_own_password(request: Request, who: Principal, change: PasswordChange) -> None:
    archive = archive_of(request)
    with archive.reader() as conn:
        stored = conn.execute(select(users.c.password_hash).where(
            users.c.id == who.session.user.id)).scalar_one()
    if not verify_password(stored, change.current_password):
        raise HTTPException(400, "the current password is wrong")
    try:
        with archive.writer() as conn:
            set_password(conn, who.username, change.new_password)
            record_in(conn, request, who, "change-password", "account", who.username)
    except WeakPassword as exc:
        raise HTTPException(400, str(exc)) from None
    web_state(request).vaults.drop_user(who.username)  # every session of theirs ended


@router.post("/account/password", include_in_schema=False)
def password_form(request: Request, who: Reader, current_password: FormText = "",
                  new_password: FormText = "") -> Response:
    _change_own_password(request, who, PasswordChange(current_password=current_password,
                                                      new_password=new_password))
    return RedirectResponse("/login?error=Password+changed:+sign+in+again", status_code=303)


@router.post("/api/me/password", summary="Change your password", tags=["account"])
def api_password(request: Request, who: Reader,
        change: PasswordChange) -> dict[str, Any]:
    """Change your own password; every session of yours ends, so sign in again."""
    _change_own_password(request, who, change)
    return {"changed": who.username}


@router.get("/api/openapi.json", summary="OpenAPI description", tags=["api"])
def openapi(who: Reader, request: Request
            ) -> dict[str, Any]:
    """This API, described in OpenAPI 3."""
    spec: dict[str, Any] = request.app.openapi()
    return spec


@router.get("/api", include_in_schema=False)
def api_index(who: Reader, request: Request
              ) -> HTMLResponse:
    spec = request.app.openapi()
    endpoints = [{"method": method.upper(), "path": path, "summary": op.get("summary", ""),
                  "description": op.get("description", "")}
                 for path, ops in sorted(spec.get("paths", {}).items())
                 for method, op in ops.items()]
    return render(request, "api.html", {"endpoints": endpoints, "title": spec["info"]["title"],
                                        "version": spec["info"]["version"]})
