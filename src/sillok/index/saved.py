"""Named searches kept in the archive: the query, its options, the ids of the last run."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Connection, delete, select, update

from ..exc import SillokError
from ..store import custody
from .tables import saved_searches

_NAME = re.compile(r"^[\w][\w .:-]{0,119}$")


class SavedSearchNotFound(SillokError):
    """No saved search has that name."""


def check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise SillokError(f"{name!r} cannot name a saved search: use letters, digits, spaces, "
                          "'.', ':', '-' or '_' (at most 120 characters)")
    return name


def save(conn: Connection, name: str, query: str, options: dict[str, Any]) -> None:
    """Create or replace the search called ``name``."""
    now = custody.utc_now()
    name = check_name(name)
    existing = get(conn, name, missing_ok=True)
    if existing is None:
        conn.execute(saved_searches.insert().values(
            name=name, query=query, options=options, created_at=now, updated_at=now,
            last_run_at=None, last_total=None, last_results=[]))
    else:
        conn.execute(update(saved_searches).where(saved_searches.c.name == name).values(
            query=query, options=options, updated_at=now))


def get(conn: Connection, name: str, *, missing_ok: bool = False) -> dict[str, Any] | None:
    row = conn.execute(select(saved_searches).where(saved_searches.c.name == name)).first()
    if row is None and not missing_ok:
        known = ", ".join(r["name"] for r in all_saved(conn)) or "none yet"
        raise SavedSearchNotFound(f"no saved search is called {name!r} (saved: {known}); "
                                  "save one with `sillok search QUERY --save NAME`")
    return dict(row._mapping) if row else None


def all_saved(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        select(saved_searches).order_by(saved_searches.c.name))]


def record_run(conn: Connection, name: str, total: int, ids: list[str]) -> None:
    conn.execute(update(saved_searches).where(saved_searches.c.name == name).values(
        last_run_at=custody.utc_now(), last_total=total, last_results=ids))


def remove(conn: Connection, name: str) -> None:
    get(conn, name)
    conn.execute(delete(saved_searches).where(saved_searches.c.name == name))
