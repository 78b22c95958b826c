"""Storing extraction output: one row per document and extractor version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from ..ids import sha256_json
from . import custody
from .tables import extractions


def current_extraction(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(extractions).where(
        extractions.c.document_id == doc_id, extractions.c.current.is_(True))).first()
    return dict(row._mapping) if row else None


def existing(conn: Connection, doc_id: str, extractor: str) -> dict[str, Any] | None:
    row = conn.execute(select(extractions).where(
        extractions.c.document_id == doc_id, extractions.c.extractor == extractor)).first()
    return dict(row._mapping) if row else None


def save_extraction(conn: Connection, *, doc_id: str, extractor: str, text_sha256: str,
                    output: dict[str, Any], actor: str) -> bool:
    """Store ``output`` as the current extraction; False when the same output is there already.

    Re-running the same extractor version on the same text is a no-op; a new
    version is added beside the old ones (kept for provenance) and becomes current.
    """
    digest = sha256_json(output)
    found = existing(conn, doc_id, extractor)
    if found and found["output_sha256"] == digest and found["current"]:
        return False
    conn.execute(update(extractions).where(extractions.c.document_id == doc_id)
                 .values(current=False))
    if found:
        conn.execute(update(extractions).where(
            extractions.c.document_id == doc_id, extractions.c.extractor == extractor
        ).values(output=output, output_sha256=digest, text_sha256=text_sha256,
                 created_at=custody.utc_now(), current=True))
    else:
        conn.execute(extractions.insert().values(
            document_id=doc_id, extractor=extractor, text_sha256=text_sha256, output=output,
            output_sha256=digest, created_at=custody.utc_now(), current=True))
    custody.append_event(conn, action="extract", object_type="extraction",
                         object_id=f"{doc_id}/{extractor}", object_sha256=digest, actor=actor,
                         details={"document": doc_id, "text_sha256": text_sha256,
                                  "replaced": bool(found)})
    return True


def all_current(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(
        select(extractions).where(extractions.c.current.is_(True))
        .order_by(extractions.c.document_id))]
