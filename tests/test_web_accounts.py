"""Accounts: Argon2id hashes, roles, sessions, CSRF on sign-in, rate limiting, and the
``sillok user`` commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from sqlalchemy import select

import sillok
from sillok.accounts import (
    AccountError,
    LoginFailed,
    LoginThrottled,
    WeakPassword,
    add_user,
    authenticate,
    get_user,
    set_role,
    throttle,
)
from sillok.accounts.tables import login_attempts, users
from sillok.accounts.throttle import backoff
from sillok.audit.tables import audit_log
from sillok.cli.common import archive_option
from sillok.cli.web_cmds import register
from sillok.web import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def site(archive_path: Path) -> Any:
    archive = sillok.init_archive(archive_path)
    with archive.writer() as conn:
        add_user(conn, "admin", PASSWORD, "admin")
        add_user(conn, "vera", PASSWORD, "viewer")
    client = TestClient(create_app(archive), base_url="http://127.0.0.1", follow_redirects=False)
    yield archive, client
    client.close()
    archive.engine.dispose()


def test_passwords_are_stored_as_argon2id_hashes(site: Any) -> None:
    archive, _client = site
    with archive.reader() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalars().all()
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in stored)
    assert len(set(stored)) == 2  # salted


def test_account_rules(site: Any) -> None:
    archive, _client = site
    with archive.writer() as conn:
        with pytest.raises(WeakPassword):
            add_user(conn, "short", "tooshort", "viewer")
        with pytest.raises(AccountError, match="exists already"):
            add_user(conn, "vera", PASSWORD, "viewer")
        with pytest.raises(AccountError, match="not a usable username"):
            add_user(conn, "../root", PASSWORD, "viewer")
        with pytest.raises(sillok.exc.SillokError, match="no role"):
            add_user(conn, "omar", PASSWORD, "superuser")
        with pytest.raises(AccountError, match="last active admin"):
            set_role(conn, "admin", "viewer")
        assert get_user(conn, "vera").role == "viewer"


def test_sign_in_form_round_trip(site: Any) -> None:
    _archive, client = site
    form = client.get("/login?next=/map")
    assert form.status_code == 200
    nonce = form.cookies.get("sillok_login") or client.cookies.get("sillok_login")
    assert nonce
    done = client.post("/login", data={"username": "vera", "password": PASSWORD,
                                       "login_csrf": nonce, "next": "/map"})
    assert done.status_code == 303 and done.headers["location"] == "/map"
    cookie = done.headers["set-cookie"]
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert client.get("/map").status_code == 200


def test_sign_in_form_needs_its_token_and_ignores_foreign_next(site: Any) -> None:
    _archive, client = site
    refused = client.post("/login", data={"username": "vera", "password": PASSWORD,
                                          "login_csrf": "forged"})
    assert refused.status_code == 200 and "expired" in refused.text
    assert "sillok_session" not in refused.headers.get("set-cookie", "")
    nonce = client.get("/login").cookies.get("sillok_login") or client.cookies["sillok_login"]
    done = client.post("/login", data={"username": "vera", "password": PASSWORD,
                                       "login_csrf": nonce, "next": "//evil.example/"})
    assert done.headers["location"] == "/"


def test_wrong_passwords_lock_the_attacking_address_not_the_account(site: Any) -> None:
    archive, client = site
    for _ in range(5):
        bad = client.post("/api/login", json={"username": "vera", "password": "wrong" * 3})
        assert bad.status_code == 401
    locked = client.post("/api/login", json={"username": "vera", "password": PASSWORD})
    assert locked.status_code == 429  # even the right password, from this address
    assert 0 < int(locked.headers["retry-after"]) <= 61
    assert "try again" in locked.json()["error"]
    assert client.post("/api/login", json={"username": "admin", "password": PASSWORD}
                       ).status_code == 200  # other accounts are unaffected
    with archive.writer() as conn, pytest.raises(LoginThrottled) as refused:
        authenticate(conn, "vera", PASSWORD, remote="testclient")
    assert refused.value.scope == "pair"
    # The account's owner, elsewhere, still signs in: failing is not a lock-out tool.
    owner = TestClient(create_app(archive), base_url="http://127.0.0.1",
                       client=("10.1.2.3", 40000))
    with owner:
        assert owner.post("/api/login", json={"username": "vera", "password": PASSWORD}
                          ).status_code == 200
    with archive.reader() as conn:
        rows = conn.execute(select(audit_log.c.action, audit_log.c.details).where(
            audit_log.c.action == "login-throttled")).all()
    assert [r.details["scope"] for r in rows] == ["pair"]


def test_backoff_doubles_and_is_capped() -> None:
    assert backoff(4, 5, timedelta(minutes=1)) == timedelta(0)
    assert backoff(5, 5, timedelta(minutes=1)) == timedelta(minutes=1)
    assert backoff(7, 5, timedelta(minutes=1)) == timedelta(minutes=4)
    assert backoff(60, 5, timedelta(minutes=1)) == throttle.MAX_DELAY


def test_pair_lock_expires_after_its_backoff(site: Any) -> None:
    archive, _client = site
    past = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with archive.writer() as conn:
        for _ in range(5):  # five failures two minutes ago: the one-minute wait is over
            conn.execute(login_attempts.insert().values(username="vera", remote="10.5.5.5",
                                                        at=past, success=False))
    with archive.writer() as conn:
        assert authenticate(conn, "vera", PASSWORD, remote="10.5.5.5").username == "vera"


def test_many_usernames_from_one_address_are_rate_limited(site: Any) -> None:
    archive, _client = site
    for n in range(20):
        with archive.writer() as conn, pytest.raises(LoginFailed):
            authenticate(conn, f"guess{n}", "wrong password", remote="10.9.9.9")
    with archive.writer() as conn, pytest.raises(LoginThrottled) as refused:
        authenticate(conn, "admin", PASSWORD, remote="10.9.9.9")  # an account it never tried
    assert refused.value.scope == "address"
    with archive.writer() as conn:
        assert authenticate(conn, "admin", PASSWORD, remote="10.9.9.8").username == "admin"


def test_account_ceiling_slows_guessing_from_many_addresses(site: Any) -> None:
    archive, client = site
    with archive.writer() as conn:
        authenticate(conn, "admin", PASSWORD, remote="10.7.7.7")  # admin's usual address
        for n in range(throttle.ACCOUNT_CEILING):  # one failure each from 100 addresses
            throttle.record(conn, "admin", f"198.51.{n // 250}.{n % 250}", success=False)
    refused = client.post("/api/login", json={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 429  # a new address waits for the ceiling to lift
    assert int(refused.headers["retry-after"]) > 60
    with archive.reader() as conn:
        details = conn.execute(select(audit_log.c.details).where(
            audit_log.c.action == "login-throttled")).scalars().all()
    assert [d["scope"] for d in details] == ["account"]  # an admin can see it happening
    with archive.writer() as conn:  # an address admin has signed in from still works
        assert authenticate(conn, "admin", PASSWORD, remote="10.7.7.7").username == "admin"
    with archive.writer() as conn, pytest.raises(LoginThrottled) as ceiling:
        authenticate(conn, "admin", PASSWORD, remote="203.0.113.9")
    assert ceiling.value.scope == "account"
    assert client.post("/api/login", json={"username": "vera", "password": PASSWORD}
                       ).status_code == 200  # other accounts are unaffected


def test_sign_out_and_password_change_end_the_session(site: Any) -> None:
    _archive, client = site
    token = client.post("/api/login", json={"username": "vera", "password": PASSWORD}
                        ).json()["csrf_token"]
    headers = {"X-CSRF-Token": token}
    assert client.get("/api/me").json()["user"]["username"] == "vera"
    weak = client.post("/api/me/password", headers=headers,
                       json={"current_password": PASSWORD, "new_password": "short"})
    assert weak.status_code == 400
    changed = client.post("/api/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": "a new pass phrase"})
    assert changed.status_code == 200
    assert client.get("/api/me").status_code == 401
    token = client.post("/api/login", json={"username": "vera", "password": "a new pass phrase"}
                        ).json()["csrf_token"]
    assert client.post("/api/logout", headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/api/me").status_code == 401


def test_disabled_accounts_cannot_sign_in(site: Any) -> None:
    _archive, client = site
    token = client.post("/api/login", json={"username": "admin", "password": PASSWORD}
                        ).json()["csrf_token"]
    response = client.post("/api/admin/users/vera", headers={"X-CSRF-Token": token},
                           json={"active": False})
    assert response.status_code == 200 and response.json()["active"] is False
    assert client.post("/api/login", json={"username": "vera", "password": PASSWORD}
                       ).status_code == 401


def test_host_header_is_checked_when_hosts_are_given(archive_path: Path) -> None:
    app = create_app(archive_path, allowed_hosts=["127.0.0.1", "localhost"])
    assert TestClient(app, base_url="http://localhost:8000").get("/login").status_code == 200
    assert TestClient(app, base_url="http://rebind.example").get("/login").status_code == 400


def cli_group() -> click.Group:
    @click.group()
    @archive_option
    def group() -> None:
        """test group"""

    register(group)
    return group


def test_user_commands(archive_path: Path) -> None:
    runner = CliRunner()
    group = cli_group()
    base = ["--archive", str(archive_path)]
    added = runner.invoke(group, [*base, "user", "add", "ana", "--role", "analyst",
                                  "--password-stdin"], input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    listed = runner.invoke(group, [*base, "user", "list", "--format", "json"])
    assert '"ana"' in listed.output and '"analyst"' in listed.output
    assert runner.invoke(group, [*base, "user", "role", "ana", "investigator"]).exit_code == 0
    assert runner.invoke(group, [*base, "user", "passwd", "ana", "--password-stdin"],
                         input="another good password\n").exit_code == 0
    assert runner.invoke(group, [*base, "user", "disable", "ana"]).exit_code == 0
    archive = sillok.init_archive(archive_path)
    with archive.reader() as conn:
        user = get_user(conn, "ana")
    assert user.role == "investigator" and not user.active
    help_text = runner.invoke(group, ["serve", "--help"]).output
    assert "127.0.0.1" in help_text and "0.0.0.0" in help_text
