"""Login rate limiting, kept in the database so it holds across restarts and workers.

A username is locked after :data:`MAX_PER_USER` failures within :data:`WINDOW`
(counting only failures since its last success); a client address after
:data:`MAX_PER_REMOTE` failures, whatever usernames it tried.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, func, select

from ..exc import SillokError
from ..store.custody import utc_now
from .tables import login_attempts

WINDOW = timedelta(minutes=15)
MAX_PER_USER = 5
MAX_PER_REMOTE = 20


class LoginThrottled(SillokError):
    """Too many failed logins: wait before trying again."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _failures(conn: Connection, column: str, value: str, since: str) -> tuple[int, str | None]:
    col = login_attempts.c[column]
    last_ok = conn.execute(select(func.max(login_attempts.c.at)).where(
        col == value, login_attempts.c.success.is_(True))).scalar_one() if column == "username" \
        else None
    start = max(since, last_ok) if last_ok else since
    count, oldest = conn.execute(
        select(func.count(), func.min(login_attempts.c.at)).where(
            col == value, login_attempts.c.success.is_(False), login_attempts.c.at > start)
    ).one()
    return int(count), oldest


def check(conn: Connection, username: str, remote: str) -> None:
    """Raise :class:`LoginThrottled` when either limit is reached."""
    now = datetime.now(UTC)
    since = _stamp(now - WINDOW)
    for column, value, limit in (("username", username, MAX_PER_USER),
                                 ("remote", remote, MAX_PER_REMOTE)):
        count, oldest = _failures(conn, column, value, since)
        if count >= limit and oldest:
            wait = int((_parse(oldest) + WINDOW - now).total_seconds()) + 1
            minutes = max(1, (wait + 59) // 60)
            raise LoginThrottled(f"too many failed logins: try again in {minutes} minute(s), "
                                 "or ask an admin to reset the password", max(wait, 1))


def record(conn: Connection, username: str, remote: str, *, success: bool) -> None:
    conn.execute(login_attempts.insert().values(username=username[:80], remote=remote[:64],
                                                at=utc_now(), success=success))
