"""Reading the archive: resolving a document reference, listing, showing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, or_, select

from ..exc import AmbiguousDocument, DocumentNotFound
from . import custody
from .tables import document_links, documents, items, near_duplicates, texts

LIST_COLUMNS = (documents.c.id, documents.c.status, documents.c.media_type, documents.c.size,
                documents.c.language, documents.c.title, documents.c.original_name,
                documents.c.published, documents.c.ingested_at)


def resolve(conn: Connection, ref: str) -> str:
    """The document id for ``ref``: a full id, an id prefix, or a path it was ingested from."""
    ref = ref.strip()
    if ref.startswith("./"):
        ref = ref[2:]
    lowered = ref.lower()
    if 4 <= len(lowered) <= 64 and all(c in "0123456789abcdef" for c in lowered):
        found = list(conn.execute(select(documents.c.id).where(
            documents.c.id.like(f"{lowered}%")).limit(6)).scalars())
        if len(found) == 1:
            return str(found[0])
        if len(found) > 1:
            shown = ", ".join(f[:16] for f in found[:5])
            raise AmbiguousDocument(f"{ref!r} matches several documents ({shown}...): "
                                    "give more characters of the id")
    by_path = list(conn.execute(
        select(items.c.document_id).where(
            items.c.document_id.is_not(None),
            or_(items.c.source == ref, items.c.source.like(f"%/{ref}")))
        .distinct().limit(6)).scalars())
    if len(by_path) == 1:
        return str(by_path[0])
    if len(by_path) > 1:
        raise AmbiguousDocument(f"{ref!r} names several documents: use an id instead")
    by_name = list(conn.execute(select(documents.c.id).where(
        documents.c.original_name == ref).limit(6)).scalars())
    if len(by_name) == 1:
        return str(by_name[0])
    if len(by_name) > 1:
        raise AmbiguousDocument(f"{ref!r} names several documents: use an id instead")
    if (unstored := not_stored(conn, ref)) is not None:
        raise DocumentNotFound(f"{ref} was not stored: {unstored['status']}: "
                               f"{unstored['reason']} (run {unstored['run_id']})")
    raise DocumentNotFound(f"no document matches {ref!r} (give an id, an id prefix or the "
                           "path it was ingested from; `sillok list` shows them)")


def not_stored(conn: Connection, ref: str) -> dict[str, Any] | None:
    """The latest ``items`` row for a path that never became a document, or None."""
    row = conn.execute(
        select(items.c.source, items.c.status, items.c.reason, items.c.run_id, items.c.at)
        .where(items.c.document_id.is_(None),
               or_(items.c.source == ref, items.c.source.like(f"%/{ref}")))
        .order_by(items.c.id.desc()).limit(1)).first()
    return None if row is None else dict(row._mapping)


# Statuses of items a person should look at: they are not (or not fully) usable documents.
PROBLEM_STATUSES = ("failed", "too-large", "skipped", "needs-ocr")


def problem_items(conn: Connection, *, status: str | None = None) -> list[dict[str, Any]]:
    """Each file or member whose item in its latest run is not ok, with status and reason.

    Includes what never became a document (empty files, skipped links, files over the
    size limit), which ``list_documents`` cannot show, and kept items with a warning.
    """
    # every row of each source's latest run: a container's several warnings share its source
    latest = (select(items.c.source, func.max(items.c.run_id).label("run_id"))
              .group_by(items.c.source).subquery())
    wanted = items.c.status == status if status else or_(
        items.c.status.in_(PROBLEM_STATUSES),
        (items.c.status == "ok") & items.c.reason.is_not(None))
    query = (select(items.c.run_id, items.c.source, items.c.status, items.c.reason,
                    items.c.document_id, items.c.parent_id, items.c.size, items.c.at)
             .join(latest, (latest.c.source == items.c.source)
                   & (latest.c.run_id == items.c.run_id))
             .where(wanted).order_by(items.c.id))
    return [dict(row._mapping) for row in conn.execute(query)]


def list_documents(conn: Connection, *, status: str | None = None, limit: int | None = None
                   ) -> list[dict[str, Any]]:
    query = select(*LIST_COLUMNS).order_by(documents.c.ingested_at, documents.c.id)
    if status:
        query = query.where(documents.c.status == status)
    if limit:
        query = query.limit(limit)
    return [dict(row._mapping) for row in conn.execute(query)]


def current_text(conn: Connection, doc_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(texts).where(texts.c.document_id == doc_id,
                                           texts.c.current.is_(True))).first()
    return dict(row._mapping) if row else None


def show_document(conn: Connection, doc_id: str) -> dict[str, Any]:
    """Everything the archive knows about one document."""
    row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
    if row is None:
        raise DocumentNotFound(f"no document {doc_id}")
    doc = dict(row._mapping)
    doc["sha256"] = doc_id
    text = current_text(conn, doc_id)
    doc["text"] = None if text is None else {
        "extractor": text["extractor"], "characters": len(text["text"]),
        "sha256": text["text_sha256"], "pages": len(text["pages"])}
    doc["sources"] = [dict(r._mapping) for r in conn.execute(
        select(items.c.source, items.c.status, items.c.at, items.c.run_id)
        .where(items.c.document_id == doc_id).order_by(items.c.id))]
    doc["parents"] = [dict(r._mapping) for r in conn.execute(
        select(document_links.c.parent_id, document_links.c.member)
        .where(document_links.c.child_id == doc_id))]
    doc["children"] = [dict(r._mapping) for r in conn.execute(
        select(document_links.c.child_id, document_links.c.member, documents.c.status)
        .join(documents, documents.c.id == document_links.c.child_id)
        .where(document_links.c.parent_id == doc_id).order_by(document_links.c.member))]
    doc["near_duplicates"] = [dict(r._mapping) for r in conn.execute(
        select(near_duplicates.c.other_id.label("id"), near_duplicates.c.similarity,
               documents.c.title, documents.c.original_name)
        .join(documents, documents.c.id == near_duplicates.c.other_id)
        .where(near_duplicates.c.document_id == doc_id)
        .order_by(near_duplicates.c.similarity.desc()))]
    doc["custody_events"] = len(custody.events(conn, doc_id))
    return doc


def status_counts(conn: Connection) -> dict[str, int]:
    return {str(status): int(n) for status, n in conn.execute(
        select(documents.c.status, func.count()).group_by(documents.c.status))}
