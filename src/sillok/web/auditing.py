"""Writing the audit log (:mod:`sillok.audit`): every document read and every change,
by user, kept for ever.

A change is recorded with :func:`record_in` inside the transaction that makes it, so
the change and its entry commit together; a read is recorded with :func:`record` in a
transaction of its own. Details never carry document text or search words (a search
may be a person's name): only ids, counts and settings.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy import Connection

from ..audit import record_access
from .auth import Principal
from .state import archive_of, client_address


def record_in(conn: Connection, request: Request, who: Principal | str, action: str,
              object_type: str, object_id: str, *, purpose: str | None = None,
              details: dict[str, Any] | None = None) -> None:
    """Append one entry inside the caller's write transaction."""
    user = who if isinstance(who, str) else who.username
    record_access(conn, user=user, action=action, object_type=object_type, object_id=object_id,
                  purpose=purpose, details={"via": "web", "remote": client_address(request),
                                            **(details or {})})


def record(request: Request, who: Principal | str, action: str, object_type: str,
           object_id: str, *, purpose: str | None = None,
           details: dict[str, Any] | None = None) -> None:
    """Append one entry in a transaction of its own (for reads)."""
    with archive_of(request).writer() as conn:
        record_in(conn, request, who, action, object_type, object_id, purpose=purpose,
                  details=details)
