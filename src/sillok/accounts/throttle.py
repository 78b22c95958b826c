"""Login rate limiting, kept in the database so it holds across restarts and workers.

Three limits, checked before the password is looked at:

* **address + account** (``pair``): after :data:`PAIR_FREE` failures for one username
  from one client address (counting since that pair's last success), that address must
  wait before trying that account again, the wait doubling with each further failure
  (:data:`PAIR_BASE_DELAY` up to :data:`MAX_DELAY`);
* **address** (``address``): after :data:`ADDRESS_FREE` failures from one address,
  whatever usernames it tried, the address waits likewise (password spraying);
* **account** (``account``): a ceiling of :data:`ACCOUNT_CEILING` failures per
  :data:`WINDOW` for one username from all addresses together (guessing spread over
  many addresses). It holds off every address *except* those that have signed in to
  that account successfully within :data:`KNOWN_ADDRESS_AGE`.

Failing from one address therefore never locks the account's owner out from another:
someone who types ``admin``'s username with wrong passwords only slows themselves down.
The ceiling is the trade-off: an attacker with many addresses can still, by failing
100 times an hour, keep the account closed to *new* addresses (a known address still
gets in); the web layer writes each refusal to the audit log so an admin can see it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, and_, func, select

from ..exc import SillokError
from ..store.custody import utc_now
from .tables import login_attempts

WINDOW = timedelta(hours=1)
PAIR_FREE = 5
ADDRESS_FREE = 20
PAIR_BASE_DELAY = timedelta(minutes=1)
ADDRESS_BASE_DELAY = timedelta(minutes=1)
MAX_DELAY = timedelta(hours=1)
ACCOUNT_CEILING = 100
KNOWN_ADDRESS_AGE = timedelta(days=30)

PAIR, ADDRESS, ACCOUNT = "pair", "address", "account"


class LoginThrottled(SillokError):
    """Too many failed logins: wait before trying again.

    ``scope`` says which limit was hit: ``pair`` (this address, this account),
    ``address`` (this address, any account) or ``account`` (the account's ceiling).
    """

    def __init__(self, message: str, retry_after: int, scope: str = PAIR) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.scope = scope


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def backoff(failures: int, free: int, base: timedelta) -> timedelta:
    """The wait after ``failures`` failures: none up to ``free - 1``, then ``base``,
    doubling with each further failure, never more than :data:`MAX_DELAY`."""
    if failures < free:
        return timedelta(0)
    return min(base * (1 << min(failures - free, 20)), MAX_DELAY)


def _failures(conn: Connection, where: ColumnElement[bool], since: str,
              *, reset_on_success: bool) -> tuple[int, str | None]:
    """Failures matching ``where`` after ``since`` (and after the last success, when
    asked), with the time of the newest."""
    start = since
    if reset_on_success:
        last_ok = conn.execute(select(func.max(login_attempts.c.at)).where(
            where, login_attempts.c.success.is_(True))).scalar_one()
        start = max(since, last_ok) if last_ok else since
    count, newest = conn.execute(
        select(func.count(), func.max(login_attempts.c.at)).where(
            where, login_attempts.c.success.is_(False), login_attempts.c.at > start)
    ).one()
    return int(count), newest


def _known_address(conn: Connection, username: str, remote: str, now: datetime) -> bool:
    """Has this address signed in to this account lately?"""
    found = conn.execute(select(login_attempts.c.id).where(
        login_attempts.c.username == username, login_attempts.c.remote == remote,
        login_attempts.c.success.is_(True),
        login_attempts.c.at > _stamp(now - KNOWN_ADDRESS_AGE)).limit(1)).first()
    return found is not None


def _refuse(wait: timedelta, scope: str, why: str) -> LoginThrottled:
    seconds = max(1, int(wait.total_seconds()) + 1)
    minutes = max(1, (seconds + 59) // 60)
    return LoginThrottled(f"too many failed logins {why}: try again in {minutes} minute(s), "
                          "or ask an admin to reset the password", seconds, scope)


def check(conn: Connection, username: str, remote: str) -> None:
    """Raise :class:`LoginThrottled` when this address may not try this account yet."""
    now = datetime.now(UTC)
    since = _stamp(now - WINDOW)
    by_user = login_attempts.c.username == username
    by_remote = login_attempts.c.remote == remote
    limits = (
        (PAIR, and_(by_user, by_remote), True, PAIR_FREE, PAIR_BASE_DELAY,
         "for this account from your address"),
        (ADDRESS, by_remote, False, ADDRESS_FREE, ADDRESS_BASE_DELAY, "from your address"),
    )
    for scope, where, reset, free, base, why in limits:
        count, newest = _failures(conn, where, since, reset_on_success=reset)
        if newest is None:
            continue
        until = _parse(newest) + backoff(count, free, base)
        if until > now:
            raise _refuse(until - now, scope, why)
    count, _newest = _failures(conn, by_user, since, reset_on_success=False)
    if count >= ACCOUNT_CEILING and not _known_address(conn, username, remote, now):
        oldest = conn.execute(select(login_attempts.c.at).where(
            by_user, login_attempts.c.success.is_(False), login_attempts.c.at > since
        ).order_by(login_attempts.c.at.desc()).offset(ACCOUNT_CEILING - 1).limit(1)
        ).scalar_one()
        raise _refuse(_parse(oldest) + WINDOW - now, ACCOUNT,
                      "for this account from many addresses")


def record(conn: Connection, username: str, remote: str, *, success: bool) -> None:
    conn.execute(login_attempts.insert().values(username=username[:80], remote=remote[:64],
                                                at=utc_now(), success=success))
