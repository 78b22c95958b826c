"""The audit log: who read or changed what, when, and for which stated purpose.

Kept for ever: entries are only ever appended, never updated, deleted or rotated
away. The database refuses UPDATE and DELETE on the table (triggers created by the
migration), and each entry holds the SHA-256 of the entry before it, so
:func:`verify_audit` names any entry that was edited, removed or slipped in by
someone who went around Sillok.

Callers pass an open write connection (``archive.writer()``); the entry commits
or rolls back with the caller's own change, so a change is never recorded without
its audit entry or the other way round.

Never put protected material (names, statement text, search terms that may be
names) into ``details``: the log is plain text in the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, text

from ..ids import sha256_json
from ..store.custody import GENESIS, utc_now
from .tables import audit_log

__all__ = ["audit_entries", "audit_log", "record_access", "verify_audit"]

_HASHED = ("id", "at", "user", "action", "object_type", "object_id", "purpose", "details",
           "prev_hash")


def _entry_hash(entry: dict[str, Any]) -> str:
    return sha256_json({key: entry[key] for key in _HASHED})


def record_access(conn: Connection, *, user: str, action: str, object_type: str,
                  object_id: str, purpose: str | None = None,
                  details: dict[str, Any] | None = None) -> None:
    """Append one entry inside the caller's write transaction.

    ``action`` is a short verb (``read``, ``export``, ``search``, ``login`` ...);
    ``purpose`` is the reason the user stated for reading protected material.
    """
    if not user or not action:
        raise ValueError("an audit entry needs a user and an action")
    if conn.dialect.name == "postgresql":
        # Two writers must not chain onto the same newest entry.
        conn.execute(text("LOCK TABLE audit_log IN EXCLUSIVE MODE"))
    last = conn.execute(
        select(audit_log.c.id, audit_log.c.entry_hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    entry: dict[str, Any] = {
        "id": (last.id + 1) if last else 1,
        "at": utc_now(),
        "user": user,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "purpose": purpose,
        "details": details or {},
        "prev_hash": last.entry_hash if last else GENESIS,
    }
    entry["entry_hash"] = _entry_hash(entry)
    conn.execute(audit_log.insert().values(**entry))


def audit_entries(conn: Connection, *, user: str | None = None, object_id: str | None = None,
                  action: str | None = None, object_type: str | None = None,
                  limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
    """Entries newest first, optionally only one user's, one object's or one action's."""
    query = select(audit_log).order_by(audit_log.c.id.desc())
    if user is not None:
        query = query.where(audit_log.c.user == user)
    if object_id is not None:
        query = query.where(audit_log.c.object_id == object_id)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    if object_type is not None:
        query = query.where(audit_log.c.object_type == object_type)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [
        {key: value for key, value in row._mapping.items() if key not in ("prev_hash",)}
        for row in conn.execute(query)
    ]


def verify_audit(conn: Connection) -> list[str]:
    """Check every entry's hash and link; return one message per problem (empty: intact)."""
    problems: list[str] = []
    expected_prev, expected_id = GENESIS, 1
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)):
        entry = dict(row._mapping)
        if entry["id"] != expected_id:
            problems.append(f"audit entries #{expected_id}–#{entry['id'] - 1} are missing")
        if _entry_hash(entry) != entry["entry_hash"]:
            problems.append(f"audit entry #{entry['id']} was edited: its content no longer "
                            "matches its hash")
        elif entry["prev_hash"] != expected_prev and entry["id"] == expected_id:
            problems.append(f"audit entry #{entry['id']} does not follow entry "
                            f"#{entry['id'] - 1}: an entry was replaced or inserted")
        expected_prev, expected_id = entry["entry_hash"], entry["id"] + 1
    return problems
