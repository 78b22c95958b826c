"""The audit log's table, on the shared metadata.

Append-only: the migration adds database triggers that refuse UPDATE and DELETE,
and each entry carries the hash of the one before it (see :mod:`sillok.audit`).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text

from ..store.tables import metadata

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(40), nullable=False),
    Column("user", String(200), nullable=False),
    Column("action", String(60), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", Text, nullable=False),
    Column("purpose", Text),
    Column("details", JSON, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Index("ix_audit_user", "user"),
    Index("ix_audit_object", "object_id"),
)
