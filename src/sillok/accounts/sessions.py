"""Browser sessions: a random token in an HttpOnly cookie, its hash in the database,
and a per-session CSRF token that every state-changing request must echo."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, select, update

from ..store.custody import utc_now
from .tables import web_sessions
from .users import User, get_user_by_id

IDLE_TIMEOUT = timedelta(hours=12)
ABSOLUTE_TIMEOUT = timedelta(days=7)
_TOUCH_EVERY = timedelta(minutes=5)  # write last_seen at most this often


@dataclass(frozen=True)
class Session:
    """A live session: who, and the CSRF token their forms must carry."""

    user: User
    csrf_token: str
    expires_at: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def create_session(conn: Connection, user: User, *, remote: str | None = None
                   ) -> tuple[str, Session]:
    """Start a session; returns the cookie token (shown once, never stored) and the session."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = _stamp(now + ABSOLUTE_TIMEOUT)
    conn.execute(web_sessions.insert().values(
        id=_digest(token), user_id=user.id, csrf_token=csrf, created_at=_stamp(now),
        last_seen_at=_stamp(now), expires_at=expires, remote=(remote or "")[:64] or None))
    return token, Session(user=user, csrf_token=csrf, expires_at=expires)


def lookup(conn: Connection, token: str | None) -> Session | None:
    """The live session for a cookie token; None when unknown, expired, idle or disabled."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(select(web_sessions).where(web_sessions.c.id == _digest(token))).first()
    if row is None:
        return None
    now = _stamp(datetime.now(UTC))
    idle_limit = _stamp(datetime.now(UTC) - IDLE_TIMEOUT)
    if row.expires_at <= now or row.last_seen_at <= idle_limit:
        return None
    user = get_user_by_id(conn, row.user_id)
    if user is None or not user.active:
        return None
    return Session(user=user, csrf_token=row.csrf_token, expires_at=row.expires_at)


def needs_touch(conn: Connection, token: str) -> bool:
    row = conn.execute(select(web_sessions.c.last_seen_at).where(
        web_sessions.c.id == _digest(token))).first()
    return row is not None and row.last_seen_at <= _stamp(datetime.now(UTC) - _TOUCH_EVERY)


def touch(conn: Connection, token: str) -> None:
    conn.execute(update(web_sessions).where(web_sessions.c.id == _digest(token))
                 .values(last_seen_at=utc_now()))


def end_session(conn: Connection, token: str | None) -> None:
    if token:
        conn.execute(web_sessions.delete().where(web_sessions.c.id == _digest(token)))


def csrf_matches(session: Session, offered: str | None) -> bool:
    """Constant-time comparison of the offered CSRF token with the session's."""
    return bool(offered) and hmac.compare_digest(session.csrf_token.encode(),
                                                 (offered or "").encode())
