"""User accounts: create, list, change password or role, deactivate, authenticate."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, func, select, update

from ..exc import SillokError
from ..store.custody import utc_now
from . import throttle
from .passwords import check_rules, hash_password, needs_rehash, verify_password
from .roles import check_role
from .tables import users, web_sessions

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")


class AccountError(SillokError):
    """An account cannot be created or changed as asked."""


class UserNotFound(AccountError):
    """No account has that username."""


class LoginFailed(SillokError):
    """Wrong username or password (deliberately not saying which)."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str | None
    role: str
    active: bool
    created_at: str
    updated_at: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _user(row: Any) -> User:
    return User(id=row.id, username=row.username, display_name=row.display_name, role=row.role,
                active=bool(row.active), created_at=row.created_at, updated_at=row.updated_at)


def check_username(username: str) -> str:
    name = username.strip()
    if not USERNAME.match(name):
        raise AccountError(f"{username!r} is not a usable username: use 2-80 lower-case letters, "
                           "digits, dots, dashes or underscores, starting with a letter or digit")
    return name


def get_user(conn: Connection, username: str) -> User:
    row = conn.execute(select(users).where(users.c.username == username.strip())).first()
    if row is None:
        raise UserNotFound(f"no user {username!r}: `sillok user list` shows who there is")
    return _user(row)


def get_user_by_id(conn: Connection, user_id: int) -> User | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user(row) if row else None


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(users).order_by(users.c.username))]


def add_user(conn: Connection, username: str, password: str, role: str, *,
             display_name: str | None = None) -> User:
    """Create an account; the username must be new and the password meet the rules."""
    name = check_username(username)
    check_role(role)
    check_rules(password, name)
    if conn.execute(select(users.c.id).where(users.c.username == name)).first():
        raise AccountError(f"a user {name!r} exists already: use `sillok user passwd` or "
                           "`sillok user role` to change it")
    now = utc_now()
    conn.execute(users.insert().values(
        username=name, display_name=(display_name or "").strip() or None, role=role,
        password_hash=hash_password(password), active=True, created_at=now, updated_at=now))
    return get_user(conn, name)


def _active_admins(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users).where(
        users.c.role == "admin", users.c.active.is_(True))).scalar_one())


def _guard_last_admin(conn: Connection, user: User, *, role: str, active: bool) -> None:
    if user.role == "admin" and user.active and (role != "admin" or not active) \
            and _active_admins(conn) <= 1:
        raise AccountError(f"{user.username} is the last active admin: make another admin "
                           "first, or nobody could manage accounts")


def set_password(conn: Connection, username: str, password: str) -> User:
    """Change a password and end that user's sessions."""
    user = get_user(conn, username)
    check_rules(password, user.username)
    conn.execute(update(users).where(users.c.id == user.id).values(
        password_hash=hash_password(password), updated_at=utc_now()))
    conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user.id))
    return get_user(conn, username)


def set_role(conn: Connection, username: str, role: str) -> User:
    user = get_user(conn, username)
    check_role(role)
    _guard_last_admin(conn, user, role=role, active=user.active)
    conn.execute(update(users).where(users.c.id == user.id).values(role=role,
                                                                    updated_at=utc_now()))
    return get_user(conn, username)


def set_active(conn: Connection, username: str, active: bool) -> User:
    """Enable or disable an account (disabled accounts keep their history)."""
    user = get_user(conn, username)
    _guard_last_admin(conn, user, role=user.role, active=active)
    conn.execute(update(users).where(users.c.id == user.id).values(active=active,
                                                                    updated_at=utc_now()))
    if not active:
        conn.execute(web_sessions.delete().where(web_sessions.c.user_id == user.id))
    return get_user(conn, username)


def authenticate(conn: Connection, username: str, password: str, *, remote: str) -> User:
    """The user whose credentials these are, or :class:`LoginFailed`.

    Too many recent failures from this address for this account, from this address
    for any account, or for this account from everywhere (unless this address has
    signed in to it lately) raise :class:`throttle.LoginThrottled` before the password
    is even checked (see :mod:`.throttle`). Every
    attempt is recorded (the caller's transaction must be a writer).
    """
    name = username.strip().lower()[:80]
    throttle.check(conn, name, remote)
    row = conn.execute(select(users).where(users.c.username == name)).first()
    ok = verify_password(row.password_hash if row else None, password)
    ok = ok and row is not None and bool(row.active)
    throttle.record(conn, name, remote, success=ok)
    if not ok or row is None:
        raise LoginFailed("wrong username or password")
    if needs_rehash(row.password_hash):
        conn.execute(update(users).where(users.c.id == row.id).values(
            password_hash=hash_password(password)))
    return _user(row)
