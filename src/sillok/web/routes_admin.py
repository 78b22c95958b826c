"""Administration: accounts and the audit log (admins only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel

from ..accounts import ROLES, add_user, list_users, set_active, set_password, set_role
from ..audit import audit_entries
from ..exc import SillokError
from .auditing import record_in
from .auth import Admin, Principal
from .render import twin
from .state import archive_of, web_state

router = APIRouter(tags=["admin"])
FormText = Annotated[str, Form()]
OptionalText = Annotated[str | None, Form()]


@twin(router, "/admin/users", template="users.html", summary="Accounts",
      api_path="/api/admin/users")
def users_page(request: Request, who: Admin) -> dict[str, Any]:
    """Every account with its role and whether it is active."""
    with archive_of(request).reader() as conn:
        accounts = [u.as_dict() for u in list_users(conn)]
    return {"users": accounts, "roles": ROLES, "message": request.query_params.get("message")}


class NewUser(BaseModel):
    username: str
    password: str
    role: str
    display_name: str | None = None


class UserChange(BaseModel):
    role: str | None = None
    active: bool | None = None
    password: str | None = None


def _create(request: Request, who: Principal, new: NewUser) -> dict[str, Any]:
    try:
        with archive_of(request).writer() as conn:
            user = add_user(conn, new.username, new.password, new.role,
                            display_name=new.display_name)
            record_in(conn, request, who, "user-add", "account", user.username,
                      details={"role": user.role})
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    return user.as_dict()


def _change(request: Request, who: Principal, username: str, change: UserChange
            ) -> dict[str, Any]:
    try:
        with archive_of(request).writer() as conn:
            user = None
            if change.role is not None:
                user = set_role(conn, username, change.role)
            if change.active is not None:
                user = set_active(conn, username, change.active)
            if change.password:
                user = set_password(conn, username, change.password)
            if user is not None:
                record_in(conn, request, who, "user-change", "account", user.username,
                          details={"role": change.role, "active": change.active,
                                   "password_changed": bool(change.password)})
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    if user is None:
        raise HTTPException(400, "nothing to change: give role, active or password")
    web_state(request).vaults.drop_user(user.username)  # unlocked testimony keys too
    return user.as_dict()


@router.post("/admin/users", include_in_schema=False)
def create_form(request: Request, who: Admin, username: FormText, password: FormText,
                role: FormText, display_name: OptionalText = None) -> Response:
    user = _create(request, who, NewUser(username=username, password=password, role=role,
                                         display_name=display_name))
    return RedirectResponse(f"/admin/users?message=Created+{user['username']}",
                            status_code=303)


@router.post("/api/admin/users", summary="Create an account")
def api_create(request: Request, who: Admin,
        new: NewUser
               ) -> dict[str, Any]:
    """Create an account (role: admin, investigator, analyst or viewer). Audited."""
    return _create(request, who, new)


@router.post("/admin/users/{username}", include_in_schema=False)
def change_form(request: Request, who: Admin, username: str, role: OptionalText = None,
                active: OptionalText = None, password: OptionalText = None) -> Response:
    flag = None if active is None else active == "true"
    user = _change(request, who, username, UserChange(role=role or None, active=flag,
                                                      password=password or None))
    return RedirectResponse(f"/admin/users?message=Updated+{user['username']}",
                            status_code=303)


@router.post("/api/admin/users/{username}", summary="Change an account")
def api_change(request: Request, who: Admin,
        username: str, change: UserChange) -> dict[str, Any]:
    """Change role, enable/disable (``active``) or reset the password. Audited."""
    return _change(request, who, username, change)


@twin(router, "/admin/audit", template="audit.html", summary="Audit log",
      api_path="/api/admin/audit")
def audit_page(request: Request, who: Admin,
        user: str | None = None, action: str | None = None,
               object_id: str | None = None, page: Annotated[int, Query(ge=1)] = 1,
               per_page: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Every document read and every change, by user, newest first. Never rotated."""
    with archive_of(request).reader() as conn:
        entries = audit_entries(conn, user=user or None, action=action or None,
                                      object_id=object_id or None, limit=per_page,
                                      offset=(page - 1) * per_page)
    return {"entries": entries, "user": user, "action": action, "object_id": object_id,
            "page": page, "per_page": per_page}
