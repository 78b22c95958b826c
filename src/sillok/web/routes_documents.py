"""The dashboard, the document list, one document, its original, its visibility."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import Connection, func, select

from .. import api
from ..accounts import READ_ALL, public_ids, set_visibility, visibility
from ..accounts.tables import document_access
from ..exc import DocumentNotFound, SillokError
from ..review import review_counts, review_items
from ..store import queries
from ..store.tables import documents, extractions
from .auditing import record, record_in
from .auth import Principal, Reader, Writer
from .render import twin
from .state import archive_of

router = APIRouter(tags=["documents"])

ATTENTION = ("failed", "needs-ocr", "too-large")
COLUMNS = (documents.c.id, documents.c.status, documents.c.media_type, documents.c.size,
           documents.c.language, documents.c.title, documents.c.original_name,
           documents.c.published, documents.c.ingested_at, documents.c.reason)


def visible(conn: Connection, who: Principal, ids: list[str]) -> set[str]:
    """The documents among ``ids`` that ``who`` may read."""
    return set(ids) if who.can(READ_ALL) else public_ids(conn, ids)


def resolve_visible(request: Request, who: Principal, ref: str) -> str:
    """A document id the user may read; 404 (not 403) so restricted ids are not revealed."""
    with archive_of(request).reader() as conn:
        try:
            doc_id = queries.resolve(conn, ref)
        except DocumentNotFound:
            raise HTTPException(404, f"no document {ref[:64]!r}") from None
        if doc_id not in visible(conn, who, [doc_id]):
            raise HTTPException(404, f"no document {ref[:64]!r}")
    return doc_id


def _rows(conn: Connection, who: Principal, *, status: str | None = None,
          statuses: tuple[str, ...] | None = None, limit: int = 50, offset: int = 0,
          newest_first: bool = True) -> tuple[int, list[dict[str, Any]]]:
    conditions: list[Any] = []
    if status:
        conditions.append(documents.c.status == status)
    if statuses:
        conditions.append(documents.c.status.in_(statuses))
    if not who.can(READ_ALL):
        conditions.append(documents.c.id.in_(_public_only()))
    query = select(*COLUMNS).where(*conditions)
    count = select(func.count()).select_from(documents).where(*conditions)
    order = documents.c.ingested_at.desc() if newest_first else documents.c.ingested_at
    rows = [dict(r._mapping) for r in conn.execute(
        query.order_by(order, documents.c.id).limit(limit).offset(offset))]
    return int(conn.execute(count).scalar_one()), rows


def _public_only() -> Any:
    return select(document_access.c.document_id).where(document_access.c.visibility == "public")


@twin(router, "/", template="dashboard.html", summary="Dashboard")
def dashboard(who: Reader, request: Request
              ) -> dict[str, Any]:
    """Counts by status, type and language; recent ingests; failures needing attention."""
    with archive_of(request).reader() as conn:
        total, recent = _rows(conn, who, limit=10)
        failing_total, failing = _rows(conn, who, statuses=ATTENTION, limit=20)
        by: dict[str, dict[str, int]] = {}
        for name, col in (("status", documents.c.status), ("media_type", documents.c.media_type),
                          ("language", documents.c.language)):
            query = select(col, func.count()).group_by(col)
            if not who.can(READ_ALL):
                query = query.where(documents.c.id.in_(_public_only()))
            by[name] = {str(k): int(n) for k, n in conn.execute(query)}
        query = select(func.count()).select_from(extractions).where(
            extractions.c.current.is_(True))
        if not who.can(READ_ALL):
            query = query.where(extractions.c.document_id.in_(_public_only()))
        extracted = int(conn.execute(query).scalar_one())
    return {"documents": total, "by_status": by["status"], "by_media_type": by["media_type"],
            "by_language": by["language"], "extracted": extracted, "recent": recent,
            "attention_total": failing_total, "attention": failing}


@twin(router, "/documents", template="documents.html", summary="Documents")
def document_list(request: Request, who: Reader,
        status: str | None = None,
                  page: Annotated[int, Query(ge=1)] = 1,
                  per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Documents, newest first; ``status`` filters (ok, failed, needs-ocr, too-large)."""
    with archive_of(request).reader() as conn:
        total, rows = _rows(conn, who, status=status, limit=per_page,
                            offset=(page - 1) * per_page)
        reviewed = review_counts(conn, [r["id"] for r in rows])
    for row in rows:
        row["review"] = reviewed.get(row["id"])
    return {"total": total, "page": page, "per_page": per_page, "status": status,
            "documents": rows}


@twin(router, "/documents/{doc_id}", template="document.html", summary="One document")
def document_view(request: Request, who: Reader,
        doc_id: str) -> dict[str, Any]:
    """Metadata, clean text, extracted items with their review state, near-duplicates and
    (for roles that read everything) sources and custody history. Reading is audited."""
    doc_id = resolve_visible(request, who, doc_id)
    archive = archive_of(request)
    with archive.reader() as conn:
        doc = queries.show_document(conn, doc_id)
        text_row = queries.current_text(conn, doc_id)
        has_extraction = conn.execute(select(extractions.c.extractor).where(
            extractions.c.document_id == doc_id, extractions.c.current.is_(True))).first()
        reviewed = review_items(conn, doc_id) if has_extraction else None
        allowed = visible(conn, who, [d["id"] for d in doc["near_duplicates"]] +
                          [c["child_id"] for c in doc["children"]] +
                          [p["parent_id"] for p in doc["parents"]])
        doc_visibility = visibility(conn, doc_id)
    doc["near_duplicates"] = [d for d in doc["near_duplicates"] if d["id"] in allowed]
    doc["children"] = [c for c in doc["children"] if c["child_id"] in allowed]
    doc["parents"] = [p for p in doc["parents"] if p["parent_id"] in allowed]
    if not who.can(READ_ALL):
        doc.pop("sources", None)
    record(request, who, "read", "document", doc_id)
    return {
        "document": doc, "visibility": doc_visibility,
        "text": "" if text_row is None else str(text_row["text"]),
        "extractor": reviewed["extractor"] if reviewed else None,
        "items": reviewed["items"] if reviewed else [],
        "review": reviewed["summary"] if reviewed else None,
        "custody": api.custody_log(doc_id, archive) if who.can(READ_ALL) else None,
    }


def _download(request: Request, who: Principal, doc_id: str) -> Response:
    doc_id = resolve_visible(request, who, doc_id)
    archive = archive_of(request)
    data = archive.read_original(doc_id)
    with archive.reader() as conn:
        name = str(queries.show_document(conn, doc_id)["original_name"] or doc_id)
    safe = "".join(c for c in name.rsplit("/", 1)[-1] if c.isprintable() and c not in '"\\;')
    ascii_name = safe.encode("ascii", "replace").decode().replace("?", "_") or doc_id
    record(request, who, "download", "document", doc_id, details={"bytes": len(data)})
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(safe)}",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Sillok-SHA256": doc_id})


@router.get("/documents/{doc_id}/original", include_in_schema=False)
def original(request: Request, who: Reader,
        doc_id: str) -> Response:
    return _download(request, who, doc_id)


@router.get("/api/documents/{doc_id}/original", summary="Download the original")
def api_original(request: Request, who: Reader,
        doc_id: str) -> Response:
    """The original bytes exactly as ingested, always as an attachment of type
    application/octet-stream (never rendered by the browser). Audited."""
    return _download(request, who, doc_id)


class Visibility(BaseModel):
    visibility: str


def _set_visibility(request: Request, who: Principal, doc_id: str, value: str
                    ) -> dict[str, Any]:
    doc_id = resolve_visible(request, who, doc_id)
    try:
        with archive_of(request).writer() as conn:
            changed = set_visibility(conn, doc_id, value, by=who.username)
            if changed:
                record_in(conn, request, who, "set-visibility", "document", doc_id,
                          details={"visibility": value})
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    return {"document": doc_id, "visibility": value, "changed": changed}


@router.post("/documents/{doc_id}/visibility", include_in_schema=False)
def visibility_form(request: Request, who: Writer,
        doc_id: str, visibility: Annotated[str, Form()]) -> Response:
    result = _set_visibility(request, who, doc_id, visibility)
    return RedirectResponse(f"/documents/{result['document']}", status_code=303)


@router.post("/api/documents/{doc_id}/visibility", summary="Mark public or restricted")
def api_visibility(request: Request, who: Writer,
        doc_id: str, body: Visibility) -> dict[str, Any]:
    """Mark a document ``public`` (viewers may read it) or ``restricted``. Audited."""
    return _set_visibility(request, who, doc_id, body.visibility)
