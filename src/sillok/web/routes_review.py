"""Review: accept, reject or correct an extracted mention or claim, or add a missed one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import func, select

from ..exc import SillokError
from ..kb import load_kb
from ..review import ACTIONS, KINDS, record_decision, review_counts, review_items
from ..store import queries
from ..store.tables import documents, extractions
from .auditing import record, record_in
from .auth import Principal, Reviewer, acting_archive
from .render import twin
from .routes_documents import resolve_visible
from .state import archive_of

router = APIRouter(tags=["review"])
Field = Annotated[str | None, Form()]


@twin(router, "/review", template="review_queue.html", summary="Review queue")
def review_queue(request: Request, who: Reviewer,
        page: Annotated[int, Query(ge=1)] = 1,
                 per_page: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    """Extracted documents, newest first, with how many items have a decision."""
    with archive_of(request).reader() as conn:
        joined = documents.join(extractions, (extractions.c.document_id == documents.c.id)
                                & extractions.c.current.is_(True))
        total = int(conn.execute(select(func.count()).select_from(joined)).scalar_one())
        rows = [dict(r._mapping) for r in conn.execute(
            select(documents.c.id, documents.c.title, documents.c.original_name,
                   documents.c.published, documents.c.language, extractions.c.extractor,
                   extractions.c.created_at.label("extracted_at"))
            .select_from(joined).order_by(documents.c.ingested_at.desc(), documents.c.id)
            .limit(per_page).offset((page - 1) * per_page))]
        counts = review_counts(conn, [r["id"] for r in rows])
    for row in rows:
        row["review"] = counts.get(row["id"], {"decided_items": 0, "last_reviewed_at": None})
    return {"total": total, "page": page, "per_page": per_page, "documents": rows}


@twin(router, "/documents/{doc_id}/review", template="review.html",
      summary="Review one document's extraction")
def review_page(request: Request, who: Reviewer,
        doc_id: str) -> dict[str, Any]:
    """Every extracted item with the machine's version, the current decision and its
    history. Reading is audited."""
    doc_id = resolve_visible(request, who, doc_id)
    with archive_of(request).reader() as conn:
        try:
            state = review_items(conn, doc_id)
        except SillokError as exc:
            raise HTTPException(404, str(exc)) from None
        doc = queries.show_document(conn, doc_id)
        text = queries.current_text(conn, doc_id)
    record(request, who, "read", "review", doc_id)
    kb = load_kb()
    return {**state, "title": doc["title"], "original_name": doc["original_name"],
            "text": "" if text is None else str(text["text"]), "actions": ACTIONS,
            "kinds": KINDS, "measures": list(kb.measures)}


class Decision(BaseModel):
    action: str
    key: str | None = None
    value: dict[str, Any] | None = None
    note: str | None = None


def _decide(request: Request, who: Principal, doc_id: str, decision: Decision
            ) -> dict[str, Any]:
    doc_id = resolve_visible(request, who, doc_id)
    archive = acting_archive(request, who)
    try:
        with archive.writer() as conn:
            decided = record_decision(conn, doc_id, action=decision.action, key=decision.key,
                                      value=decision.value, note=decision.note,
                                      reviewer=who.username)
            record_in(conn, request, who, f"review-{decision.action}", "extraction-item",
                      f"{doc_id}/{decided['item_key']}",
                      details={"document": doc_id, "kind": decided["kind"]})
    except SillokError as exc:
        raise HTTPException(400, str(exc)) from None
    return decided


@router.post("/documents/{doc_id}/review", include_in_schema=False)
def review_form(request: Request, who: Reviewer, doc_id: str,
                action: Annotated[str, Form()], key: Field = None, kind: Field = None,
                entity: Field = None, start: Field = None, end: Field = None,
                subject: Field = None, measure: Field = None, low: Field = None,
                high: Field = None, as_of: Field = None, attributed_to: Field = None,
                note: Field = None) -> Response:
    value: dict[str, Any] | None = None
    if action in ("correct", "add"):
        value = {"kind": kind, "id": entity, "start": start, "end": end}
        if kind == "claim":
            value |= {"subject": subject, "measure": measure, "low": low, "high": high,
                      "as_of": as_of, "attributed_to": attributed_to}
    decided = _decide(request, who, doc_id,
                      Decision(action=action, key=key, value=value, note=note))
    return RedirectResponse(f"/documents/{decided['document_id']}/review#done", status_code=303)


@router.post("/api/documents/{doc_id}/review", summary="Record a review decision")
def api_review(request: Request, who: Reviewer,
        doc_id: str, decision: Decision) -> dict[str, Any]:
    """``action`` is accept, reject, correct or add. accept/reject/correct name the item
    by ``key`` (from the review listing); correct and add give ``value``: ``kind``,
    ``start``, ``end`` and either ``id`` (a mention) or ``subject``, ``measure``, ``low``,
    ``high``, ``as_of``, ``attributed_to`` (a claim). The machine's item is kept."""
    return _decide(request, who, doc_id, decision)
