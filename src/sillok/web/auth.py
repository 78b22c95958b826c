"""Who is asking, and may they: the session cookie, role permissions, CSRF.

Every route (bar the login form and static assets) depends on :func:`require`
with the permission it needs; the returned dependency carries that permission
as ``.permission`` so a test can check that no route is left unguarded.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool

from ..accounts import (
    ADMIN,
    READ_ALL,
    READ_PUBLIC,
    REVIEW,
    WRITE,
    Session,
    allows,
    csrf_matches,
    lookup,
)
from ..accounts.sessions import needs_touch, touch
from ..store.archive import Archive
from .state import SESSION_COOKIE, archive_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class NotAuthenticated(Exception):
    """No live session: pages redirect to the login form, the API answers 401."""


@dataclass(frozen=True)
class Principal:
    """The signed-in user of one request."""

    session: Session
    token: str

    @property
    def username(self) -> str:
        return self.session.user.username

    @property
    def role(self) -> str:
        return self.session.user.role

    def can(self, permission: str) -> bool:
        return allows(self.role, permission)


def _load(request: Request) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    archive = archive_of(request)
    with archive.reader() as conn:
        session = lookup(conn, token)
        stale = session is not None and needs_touch(conn, token)
    if session is None:
        return None
    if stale:
        with archive.writer() as conn:
            touch(conn, token)
    return Principal(session=session, token=token)


async def _csrf_ok(request: Request, principal: Principal) -> bool:
    offered = request.headers.get(CSRF_HEADER)
    if not offered:
        kind = request.headers.get("content-type", "")
        if kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            offered = value if isinstance(value, str) else None
    return csrf_matches(principal.session, offered)


def require(permission: str) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency that admits a signed-in user whose role has ``permission``;
    unsafe methods must also carry the session's CSRF token."""

    async def dependency(request: Request) -> Principal:
        principal = await run_in_threadpool(_load, request)
        if principal is None:
            raise NotAuthenticated()
        request.state.principal = principal
        if not principal.can(permission):
            raise HTTPException(403, f"your role ({principal.role}) may not do this: it needs "
                                     f"the {permission.replace('_', ' ')} permission")
        if request.method not in SAFE_METHODS and not await _csrf_ok(request, principal):
            raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
        return principal

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


def acting_archive(request: Request, who: Principal) -> Archive:
    """The archive with the custody actor set to the signed-in user."""
    archive = archive_of(request)
    actor = f"{who.username} (web)"
    return Archive(archive.settings.with_overrides(actor=actor), archive.engine)


def optional_principal(request: Request) -> Principal | None:
    found: Any = getattr(request.state, "principal", None)
    return found if isinstance(found, Principal) else None


# Parameter types for routes: ``who: Reader`` admits anyone who may read public
# material, ``who: Admin`` only admins, and so on.
Reader = Annotated[Principal, Depends(require(READ_PUBLIC))]
FullReader = Annotated[Principal, Depends(require(READ_ALL))]
Reviewer = Annotated[Principal, Depends(require(REVIEW))]
Writer = Annotated[Principal, Depends(require(WRITE))]
Admin = Annotated[Principal, Depends(require(ADMIN))]
