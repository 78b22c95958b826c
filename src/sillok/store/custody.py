"""The custody log: an append-only, hash-chained record of everything done to evidence.

Each entry holds the hash of the entry before it, so editing, deleting,
inserting or reordering entries breaks the chain at a place ``verify_chain``
names. The newest entry's hash is also written to ``custody.head`` beside the
database after every commit, so cutting entries off the end is detected too.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, or_, select, text

from ..__about__ import __version__
from ..ids import sha256_json
from .tables import custody_events

GENESIS = "0" * 64
HASHED_FIELDS = ("seq", "prev_hash", "action", "object_type", "object_id", "object_sha256",
                 "actor", "at", "tool_version", "details")


def utc_now() -> str:
    """The current time in UTC, ISO 8601 with microseconds and a Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(entry: dict[str, Any]) -> str:
    """The hash that chains ``entry``: SHA-256 over its canonical JSON."""
    return sha256_json({key: entry[key] for key in HASHED_FIELDS})


@dataclass(frozen=True)
class ChainProblem:
    """One place where the log does not add up."""

    seq: int | None
    kind: str  # edited | deleted | inserted-or-reordered | truncated
    message: str


# Built once: appending is on every write path, and building statements costs more than
# running them.
_NEWEST = (select(custody_events.c.seq, custody_events.c.entry_hash)
           .order_by(custody_events.c.seq.desc()).limit(1))
_INSERT = custody_events.insert()


def append_event(
    conn: Connection,
    *,
    action: str,
    object_type: str,
    object_id: str,
    object_sha256: str | None,
    actor: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one entry inside the caller's transaction and return it.

    The caller's transaction must be a writer (``transaction(write=True)``): on
    SQLite that holds the database lock from BEGIN, on PostgreSQL the table is
    locked here, so two writers never chain onto the same head.
    """
    return append_events(conn, [Event(action, object_type, object_id, object_sha256,
                                      details or {})], actor=actor)[0]


@dataclass(frozen=True)
class Event:
    """What one custody entry records, before it is chained."""

    action: str
    object_type: str
    object_id: str
    object_sha256: str | None
    details: dict[str, Any]


def append_events(conn: Connection, new: list[Event], *, actor: str) -> list[dict[str, Any]]:
    """Append ``new`` in order, chained onto the current head, in one statement.

    The same entries as appending them one by one (each holds the hash of the one
    before), at one head lookup per batch instead of one per entry.
    """
    if not new:
        return []
    if conn.dialect.name == "postgresql":
        conn.execute(text("LOCK TABLE custody_events IN EXCLUSIVE MODE"))
    last = conn.execute(_NEWEST).first()
    seq, prev = (last.seq, last.entry_hash) if last else (0, GENESIS)
    at = utc_now()
    entries = []
    for event in new:
        seq += 1
        entry: dict[str, Any] = {
            "seq": seq, "prev_hash": prev, "action": event.action,
            "object_type": event.object_type, "object_id": event.object_id,
            "object_sha256": event.object_sha256, "actor": actor, "at": at,
            "tool_version": __version__, "details": event.details,
        }
        prev = entry["entry_hash"] = entry_hash(entry)
        entries.append(entry)
    conn.execute(_INSERT, entries)
    return entries


def events(conn: Connection, object_id: str | None = None) -> list[dict[str, Any]]:
    """Entries in log order, all of them or those about one object."""
    query = select(custody_events).order_by(custody_events.c.seq)
    if object_id is not None:
        query = query.where(or_(custody_events.c.object_id == object_id,
                                custody_events.c.object_id.like(f"{object_id}/%")))
    return [dict(row._mapping) for row in conn.execute(query)]


def head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(
        select(custody_events.c.seq, custody_events.c.entry_hash)
        .order_by(custody_events.c.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.entry_hash) if row else None


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(custody_events)).scalar_one())


def verify_chain(conn: Connection, anchor: dict[str, Any] | None) -> list[ChainProblem]:
    """Check every entry's hash and link, and the head against the anchor file."""
    problems: list[ChainProblem] = []
    expected_prev = GENESIS
    expected_seq = 1
    by_seq: dict[int, str] = {}
    for row in conn.execute(select(custody_events).order_by(custody_events.c.seq)):
        entry = dict(row._mapping)
        seq = entry["seq"]
        by_seq[seq] = entry["entry_hash"]
        if seq != expected_seq:
            problems.append(ChainProblem(
                seq, "deleted",
                f"custody log entries #{expected_seq}–#{seq - 1} are missing (deleted)"
                if seq > expected_seq else f"custody log entry #{seq} is out of sequence",
            ))
        renumbered = [shift for shift in (-1, 1, -2, 2)
                      if entry_hash({**entry, "seq": seq + shift}) == entry["entry_hash"]]
        if renumbered:
            problems.append(ChainProblem(
                seq, "inserted-or-reordered",
                f"custody log entry #{seq} was written as #{seq + renumbered[0]}: entries "
                "before it were inserted, deleted or reordered",
            ))
        elif entry_hash(entry) != entry["entry_hash"]:
            problems.append(ChainProblem(
                seq, "edited",
                f"custody log entry #{seq} ({entry['action']} {entry['object_id'][:16]}) was "
                "edited: its content no longer matches its hash",
            ))
        elif entry["prev_hash"] != expected_prev and seq == expected_seq:
            problems.append(ChainProblem(
                seq, "inserted-or-reordered",
                f"custody log entry #{seq} does not follow entry #{seq - 1}: an entry was "
                "inserted, replaced or moved here",
            ))
        expected_prev = entry["entry_hash"]
        expected_seq = seq + 1
    if anchor:
        seq, digest = int(anchor["seq"]), str(anchor["entry_hash"])
        if seq not in by_seq:
            problems.append(ChainProblem(
                seq, "truncated",
                f"custody log entry #{seq}, recorded as the newest in custody.head, is gone: "
                "entries were deleted from the end of the log",
            ))
        elif by_seq[seq] != digest:
            problems.append(ChainProblem(
                seq, "edited",
                f"custody log entry #{seq} differs from the hash recorded in custody.head: "
                "the log was rewritten",
            ))
    return problems


def read_anchor(path: Path) -> dict[str, Any] | None:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError):
        return {"seq": -1, "entry_hash": "unreadable"}
    return value if isinstance(value, dict) else None


def write_anchor(path: Path, seq: int, digest: str) -> None:
    """Record the newest entry atomically. Only ever moves forward.

    Writers update the anchor after their transaction commits, outside the database's
    lock, so two of them (processes, or the web app's threads) may come here at once:
    an flock of the archive folder (held per open file, so it also keeps out this
    process's other threads) makes the check and the replace one step.
    """
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        current = read_anchor(path)
        if current and int(current.get("seq", 0)) > seq:
            return
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": seq, "entry_hash": digest}) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        os.close(folder)  # and with it the lock
