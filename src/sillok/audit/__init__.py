"""The audit log: who read or changed what, when, and for which stated purpose.

Kept for ever: entries are only ever appended, never updated, deleted or rotated
away. The database refuses UPDATE and DELETE on the table (triggers created by the
migration), and each entry holds the SHA-256 of the entry before it, so
:func:`verify_audit` names any entry that was edited, removed or slipped in by
someone who went around Sillok. Entries cut off the end leave no gap in the
chain, so after every write transaction the newest entry's id and hash are also
written to ``audit.head`` beside the database (as ``custody.head`` anchors the
custody log); :func:`verify_audit` given that anchor names a shortened log.

Callers pass an open write connection (``archive.writer()``); the entry commits
or rolls back with the caller's own change, so a change is never recorded without
its audit entry or the other way round.

Never put protected material (names, statement text, search terms that may be
names) into ``details``: the log is plain text in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, text

from ..ids import sha256_json
from ..store.custody import GENESIS, read_anchor, utc_now
from .tables import audit_log

__all__ = ["ANCHOR_FILE", "AuditProblem", "advance_anchor", "audit_entries", "audit_log",
           "check_audit", "head", "record_access", "verify_audit"]

log = logging.getLogger(__name__)

ANCHOR_FILE = "audit.head"  # in the archive folder, beside custody.head

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


@dataclass(frozen=True)
class AuditProblem:
    """One place where the audit log does not add up."""

    entry: int | None
    kind: str  # deleted | edited | inserted-or-replaced | truncated
    message: str

    def __str__(self) -> str:
        return self.message


def head(conn: Connection) -> tuple[int, str] | None:
    """The newest entry's id and hash."""
    row = conn.execute(select(audit_log.c.id, audit_log.c.entry_hash)
                       .order_by(audit_log.c.id.desc()).limit(1)).first()
    return (row.id, row.entry_hash) if row else None


def _anchored(anchor: dict[str, Any]) -> tuple[int, str] | None:
    try:
        return int(anchor["seq"]), str(anchor["entry_hash"])
    except (KeyError, TypeError, ValueError):
        return None


def advance_anchor(conn: Connection, path: Path) -> tuple[int, str] | None:
    """The head to write to ``path`` once the caller's transaction commits, or None.

    None when nothing changed, and also when the entry the file names is gone or
    differs: moving the anchor then would erase the only evidence that entries were
    cut off the end, so it stays until someone restores the log and looks into it.
    """
    newest = head(conn)
    if newest is None:
        return None
    anchor = read_anchor(path)
    if anchor is None:
        return newest
    anchored = _anchored(anchor)
    if anchored == newest:
        return None
    row = None if anchored is None else conn.execute(
        select(audit_log.c.entry_hash).where(audit_log.c.id == anchored[0])).first()
    if anchored is None or row is None or row.entry_hash != anchored[1]:
        log.warning("%s does not match the audit log: not moving it; run `sillok verify`",
                    path)
        return None
    return newest


def check_audit(conn: Connection, anchor: dict[str, Any] | None = None
                ) -> list[AuditProblem]:
    """Check every entry's hash and link, and the newest against ``anchor`` (the
    content of ``audit.head``, see :func:`sillok.store.custody.read_anchor`)."""
    problems: list[AuditProblem] = []
    expected_prev, expected_id = GENESIS, 1
    by_id: dict[int, str] = {}
    for row in conn.execute(select(audit_log).order_by(audit_log.c.id)):
        entry = dict(row._mapping)
        number = entry["id"]
        by_id[number] = entry["entry_hash"]
        if number != expected_id:
            problems.append(AuditProblem(number, "deleted", f"audit entries #{expected_id}–"
                                         f"#{number - 1} are missing"))
        if _entry_hash(entry) != entry["entry_hash"]:
            problems.append(AuditProblem(number, "edited", f"audit entry #{number} was "
                                         "edited: its content no longer matches its hash"))
        elif entry["prev_hash"] != expected_prev and number == expected_id:
            problems.append(AuditProblem(number, "inserted-or-replaced", f"audit entry "
                                         f"#{number} does not follow entry #{number - 1}: an "
                                         "entry was replaced or inserted"))
        expected_prev, expected_id = entry["entry_hash"], number + 1
    if anchor:
        anchored = _anchored(anchor)
        if anchored is None or anchored[0] < 1:
            problems.append(AuditProblem(None, "truncated", f"{ANCHOR_FILE} is unreadable: "
                                         "the newest audit entry cannot be checked"))
        elif anchored[0] not in by_id:
            problems.append(AuditProblem(anchored[0], "truncated", f"audit entry "
                                         f"#{anchored[0]}, recorded as the newest in "
                                         f"{ANCHOR_FILE}, is gone: entries were deleted from "
                                         "the end of the audit log"))
        elif by_id[anchored[0]] != anchored[1]:
            problems.append(AuditProblem(anchored[0], "edited", f"audit entry "
                                         f"#{anchored[0]} differs from the hash recorded in "
                                         f"{ANCHOR_FILE}: the log was rewritten"))
    return problems


def verify_audit(conn: Connection, anchor: dict[str, Any] | None = None) -> list[str]:
    """One message per problem in the audit log (empty: intact); see :func:`check_audit`."""
    return [str(problem) for problem in check_audit(conn, anchor)]
