"""Which documents are public material.

Viewers read only documents marked ``public``. Every document starts restricted:
someone with the write permission marks it public (a published report, a news
article), and the change is kept with who and when.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from ..exc import SillokError
from ..store.custody import utc_now
from .tables import document_access

PUBLIC = "public"
RESTRICTED = "restricted"
VISIBILITIES = (PUBLIC, RESTRICTED)


def visibility(conn: Connection, doc_id: str) -> str:
    row = conn.execute(select(document_access.c.visibility).where(
        document_access.c.document_id == doc_id)).first()
    return str(row.visibility) if row else RESTRICTED


def public_ids(conn: Connection, ids: Iterable[str] | None = None) -> set[str]:
    """The public documents (among ``ids`` when given)."""
    query = select(document_access.c.document_id).where(document_access.c.visibility == PUBLIC)
    wanted = None if ids is None else list(ids)
    if wanted is not None:
        if not wanted:
            return set()
        query = query.where(document_access.c.document_id.in_(wanted))
    return {str(r) for r in conn.execute(query).scalars()}


def set_visibility(conn: Connection, doc_id: str, value: str, *, by: str) -> bool:
    """Mark a document public or restricted; False when it was so already."""
    if value not in VISIBILITIES:
        raise SillokError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {value!r}")
    if visibility(conn, doc_id) == value:
        return False
    conn.execute(document_access.delete().where(document_access.c.document_id == doc_id))
    conn.execute(document_access.insert().values(document_id=doc_id, visibility=value,
                                                 set_by=by[:80], set_at=utc_now()))
    return True
