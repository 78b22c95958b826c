"""Commands for the web workspace: ``sillok serve`` and ``sillok user``."""

from __future__ import annotations

import sys
from typing import Any

import click
from sqlalchemy import Connection

from ..accounts import (
    ROLES,
    add_user,
    list_users,
    set_active,
    set_password,
    set_role,
)
from ..api import init_archive
from ..audit import record_access
from ..store.archive import Archive
from ..web.security import LOOPBACK_HOSTS
from .common import archive_from, archive_option, format_option, print_json, print_table


def _password(prompt_twice: bool, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = click.prompt("Password", hide_input=True,
                              confirmation_prompt=prompt_twice)
    return value


def _log(conn: Connection, archive: Archive, action: str, username: str,
         details: dict[str, Any]) -> None:
    """Audit an account change inside the transaction that makes it."""
    record_access(conn, user=f"{archive.settings.actor} (cli)", action=action,
                  object_type="account", object_id=username, details={"via": "cli", **details})


def register(cli: click.Group) -> None:
    """Add ``serve`` and ``user`` to ``cli``."""

    @cli.command("serve")
    @click.option("--host", default="127.0.0.1", show_default=True,
                  help="Address to listen on. The default serves this computer only; "
                       "--host 0.0.0.0 serves the team on your network.")
    @click.option("--port", default=8000, show_default=True, type=int)
    @click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
                  help="Host name browsers use to reach the server (repeatable). Defaults to "
                       "localhost names when listening on 127.0.0.1, any name otherwise.")
    @click.option("--secure-cookies", is_flag=True,
                  help="Mark the session cookie Secure (when served behind HTTPS).")
    @archive_option
    @click.pass_context
    def serve(ctx: click.Context, host: str, port: int, allowed_hosts: tuple[str, ...],
              secure_cookies: bool) -> None:
        """Run the web workspace (search, documents, review, map) in your browser."""
        import uvicorn

        from ..web import create_app

        archive = init_archive(archive_from(ctx))
        hosts: list[str] | None = list(allowed_hosts) or None
        if hosts is None and host in LOOPBACK_HOSTS:
            hosts = list(LOOPBACK_HOSTS)
        app = create_app(archive, secure_cookies=secure_cookies, allowed_hosts=hosts)
        with archive.reader() as conn:
            nobody = not list_users(conn)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        click.echo(f"Sillok workspace for {archive.root} at http://{shown}:{port}/")
        if host not in LOOPBACK_HOSTS:
            click.echo(f"Listening on {host}: anyone who can reach this computer on port "
                       f"{port} can try to sign in. Use HTTPS in front of it on shared networks.")
        if nobody:
            click.echo("No accounts yet: create the first with "
                       "`sillok user add NAME --role admin`.")
        uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False,
                    server_header=False)

    @cli.group("user")
    @archive_option
    def user() -> None:
        """Accounts for the web workspace: add, list, passwd, role, disable, enable."""

    @user.command("add")
    @click.argument("username")
    @click.option("--role", type=click.Choice(ROLES), required=True,
                  help="admin, investigator (read/write), analyst (read, review) or viewer "
                       "(public material only).")
    @click.option("--name", "display_name", help="Full name shown in the workspace.")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @archive_option
    @click.pass_context
    def user_add(ctx: click.Context, username: str, role: str, display_name: str | None,
                 password_stdin: bool) -> None:
        """Create an account (asks for its password)."""
        archive = init_archive(archive_from(ctx))
        password = _password(True, password_stdin)
        with archive.writer() as conn:
            created = add_user(conn, username, password, role, display_name=display_name)
            _log(conn, archive, "user-add", created.username, {"role": role})
        click.echo(f"Created {created.username} ({created.role}).")

    @user.command("list")
    @format_option
    @archive_option
    @click.pass_context
    def user_list(ctx: click.Context, fmt: str) -> None:
        """List accounts with their roles."""
        archive = init_archive(archive_from(ctx))
        with archive.reader() as conn:
            rows = [u.as_dict() for u in list_users(conn)]
        if fmt == "json":
            print_json(rows)
        else:
            print_table(rows, ["username", "display_name", "role", "active", "created_at"])

    @user.command("passwd")
    @click.argument("username")
    @click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
    @archive_option
    @click.pass_context
    def user_passwd(ctx: click.Context, username: str, password_stdin: bool) -> None:
        """Set a new password (ends that user's sessions)."""
        archive = init_archive(archive_from(ctx))
        password = _password(True, password_stdin)
        with archive.writer() as conn:
            changed = set_password(conn, username, password)
            _log(conn, archive, "user-change", changed.username, {"password_changed": True})
        click.echo(f"Password of {changed.username} changed.")

    @user.command("role")
    @click.argument("username")
    @click.argument("role", type=click.Choice(ROLES))
    @archive_option
    @click.pass_context
    def user_role(ctx: click.Context, username: str, role: str) -> None:
        """Change an account's role."""
        archive = init_archive(archive_from(ctx))
        with archive.writer() as conn:
            changed = set_role(conn, username, role)
            _log(conn, archive, "user-change", changed.username, {"role": role})
        click.echo(f"{changed.username} is now {changed.role}.")

    for name, flag in (("disable", False), ("enable", True)):
        _toggle(user, name, flag)


def _toggle(group: click.Group, name: str, flag: bool) -> None:
    @group.command(name, help=f"{name.capitalize()} an account "
                              f"({'keeps its history, ends its sessions' if not flag else ''}"
                              f"{'it may sign in again' if flag else ''}).")
    @click.argument("username")
    @archive_option
    @click.pass_context
    def toggle(ctx: click.Context, username: str) -> None:
        archive = init_archive(archive_from(ctx))
        with archive.writer() as conn:
            changed = set_active(conn, username, flag)
            _log(conn, archive, "user-change", changed.username, {"active": flag})
        click.echo(f"{changed.username} {'enabled' if flag else 'disabled'}.")
