"""Accounts and access control for the web workspace.

Users with roles (:mod:`.roles`), Argon2id password hashes (:mod:`.passwords`),
browser sessions with CSRF tokens (:mod:`.sessions`), login rate limiting
(:mod:`.throttle`) and document visibility for the viewer role (:mod:`.access`).
Every function takes an open connection; the caller owns the transaction.
"""

from __future__ import annotations

from .access import PUBLIC, RESTRICTED, public_ids, set_visibility, visibility
from .passwords import WeakPassword
from .roles import ADMIN, READ_ALL, READ_PUBLIC, REVIEW, ROLES, WRITE, UnknownRole, allows
from .sessions import Session, create_session, csrf_matches, end_session, lookup
from .throttle import LoginThrottled
from .users import (
    AccountError,
    LoginFailed,
    User,
    UserNotFound,
    add_user,
    authenticate,
    get_user,
    list_users,
    set_active,
    set_password,
    set_role,
)

__all__ = [
    "ADMIN", "PUBLIC", "READ_ALL", "READ_PUBLIC", "RESTRICTED", "REVIEW", "ROLES", "WRITE",
    "AccountError", "LoginFailed", "LoginThrottled", "Session", "UnknownRole", "User",
    "UserNotFound", "WeakPassword", "add_user", "allows", "authenticate", "create_session",
    "csrf_matches", "end_session", "get_user", "list_users", "lookup", "public_ids",
    "set_active", "set_password", "set_role", "set_visibility", "visibility",
]
