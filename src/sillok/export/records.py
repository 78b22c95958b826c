"""Reading what an export needs from the archive, a batch of rows at a time.

Documents are read in id order by keyset pagination (``id > last LIMIT n``) or,
for an explicit list, in chunks of ids, so memory stays the size of one batch
however large the archive. Each document comes with its current clean text and
its current extraction in the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Select, and_, bindparam, false, func, or_, select, true

from ..review import reviewed_extraction
from ..review.tables import review_decisions
from ..store.tables import (
    custody_events,
    document_links,
    documents,
    extractions,
    items,
    texts,
)

BATCH = 200

# Extraction fields whose entries are {"id": ..., "mentions": [...]}.
MENTION_FIELDS = ("facility_types", "facilities", "agencies", "organizations", "violations")
MENTION_KIND = {"facility_types": "facility_type", "facilities": "facility",
                "agencies": "agency", "organizations": "organization",
                "violations": "violation"}
# A document without review decisions is exported as the machine gave it; one with
# decisions is exported in its reviewed version (:func:`sillok.review.reviewed_extraction`)
# and marked with the review status (reviewed or partly-reviewed).
EXTRACTION_STATUS = "machine"
REVIEW_FIELDS = ("status", "reviewed", "items", "reviewed_items", "accepted", "rejected",
                 "corrected", "added", "reviewers", "last_reviewed_at", "machine_extractor",
                 "machine_output_sha256")

DOCUMENT_FIELDS = ("size", "media_type", "status", "reason", "original_name", "title", "author",
                   "publisher", "published", "url", "language", "encoding", "metadata",
                   "ingested_at", "children_complete")


def _document_query() -> Select[Any]:
    current_text = and_(texts.c.document_id == documents.c.id, texts.c.current.is_(True))
    # Wrapped in coalesce so SQLite looks the row up by its primary key: on the bare
    # ``current`` column it picks ix_extractions_current and scans every current
    # extraction for each document, which makes a large export quadratic.
    current_extraction = and_(extractions.c.document_id == documents.c.id,
                              func.coalesce(extractions.c.current, false()).is_(true()))
    return (
        select(documents,
               texts.c.extractor.label("text_extractor"), texts.c.text,
               texts.c.text_sha256, texts.c.pages.label("text_pages"),
               texts.c.created_at.label("text_created_at"),
               extractions.c.extractor.label("extraction_extractor"),
               extractions.c.output.label("extraction_output"),
               extractions.c.output_sha256.label("extraction_sha256"),
               extractions.c.text_sha256.label("extraction_text_sha256"),
               extractions.c.created_at.label("extraction_created_at"))
        .select_from(documents.outerjoin(texts, current_text)
                     .outerjoin(extractions, current_extraction))
        .order_by(documents.c.id)
    )


def _related(conn: Connection, ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Sources, parents and children of a batch of documents, three queries in all."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = {
        doc_id: {"sources": [], "parents": [], "children": []} for doc_id in ids}
    sources = select(items.c.document_id, items.c.source, items.c.status, items.c.at,
                     items.c.run_id).where(items.c.document_id.in_(ids)).order_by(items.c.id)
    for source in conn.execute(sources):
        found[source.document_id]["sources"].append({
            "source": source.source, "status": source.status, "at": source.at,
            "run_id": source.run_id})
    parents = select(document_links).where(document_links.c.child_id.in_(ids)).order_by(
        document_links.c.parent_id, document_links.c.member)
    for link in conn.execute(parents):
        found[link.child_id]["parents"].append(
            {"parent_id": link.parent_id, "member": link.member, "metadata": link.metadata})
    children = select(document_links.c.parent_id, document_links.c.child_id,
                      document_links.c.member).where(
        document_links.c.parent_id.in_(ids)).order_by(document_links.c.member)
    for child in conn.execute(children):
        found[child.parent_id]["children"].append(
            {"child_id": child.child_id, "member": child.member})
    return found


def _with_related(conn: Connection, rows: list[dict[str, Any]],
                  keep: Callable[[dict[str, Any]], bool] | None) -> Iterator[dict[str, Any]]:
    chosen = [row for row in rows if keep is None or keep(row)]
    if not chosen:
        return
    related = _related(conn, [str(row["id"]) for row in chosen])
    for row in chosen:
        row.update(related[str(row["id"])])
        yield row


def iter_documents(conn: Connection, ids: Sequence[str] | None = None, *,
                   keep: Callable[[dict[str, Any]], bool] | None = None,
                   batch: int = BATCH) -> Iterator[dict[str, Any]]:
    """Every document (or those in ``ids``, or those ``keep`` accepts), by id.

    Each row has the document's columns, its current text and extraction, and its
    ``sources``, ``parents`` and ``children``.
    """
    query = _document_query()
    if ids is not None:
        ordered = sorted(set(ids))
        for start in range(0, len(ordered), batch):
            chunk = ordered[start:start + batch]
            rows = [dict(r._mapping) for r in conn.execute(
                query.where(documents.c.id.in_(chunk)))]
            yield from _with_related(conn, rows, keep)
        return
    paged = query.where(documents.c.id > bindparam("after")).limit(batch)
    last = ""
    while True:
        rows = [dict(r._mapping) for r in conn.execute(paged, {"after": last})]
        if not rows:
            return
        yield from _with_related(conn, rows, keep)
        last = str(rows[-1]["id"])


def _custody_query(dialect: str) -> Select[Any]:
    column = custody_events.c.object_id
    if dialect == "sqlite":
        where = and_(column >= bindparam("doc"), column < bindparam("upper"))
    else:
        where = or_(column == bindparam("doc"), column.like(bindparam("pattern")))
    return select(custody_events).where(where).order_by(custody_events.c.seq)


_CUSTODY_QUERIES: dict[str, Select[Any]] = {}


def custody_for(conn: Connection, doc_id: str) -> list[dict[str, Any]]:
    """Custody entries about one document and its extractions, in log order.

    On SQLite a range on ``object_id`` (every id of the form ``<doc>`` or
    ``<doc>/...`` sorts in ``[doc, doc + "0")``) lets the index answer; other
    engines may collate punctuation differently, so they use LIKE.
    """
    dialect = conn.dialect.name
    query = _CUSTODY_QUERIES.get(dialect)
    if query is None:
        query = _CUSTODY_QUERIES[dialect] = _custody_query(dialect)
    rows = conn.execute(query, {"doc": doc_id, "upper": doc_id + "0",
                                "pattern": f"{doc_id}/%"})
    found = [dict(row._mapping) for row in rows]
    return [e for e in found if e["object_id"] == doc_id
            or e["object_id"].startswith(doc_id + "/")]


def document_metadata(row: dict[str, Any]) -> dict[str, Any]:
    """The archive's record of one document, without text or extraction content."""
    doc_id = str(row["id"])
    record: dict[str, Any] = {"id": doc_id, "sha256": doc_id}
    record.update({name: row[name] for name in DOCUMENT_FIELDS})
    record["sources"] = row["sources"]
    record["parents"] = row["parents"]
    record["children"] = row["children"]
    return record


def text_record(row: dict[str, Any]) -> dict[str, Any] | None:
    if row["text_extractor"] is None:
        return None
    return {"extractor": row["text_extractor"], "sha256": row["text_sha256"],
            "characters": len(row["text"]), "pages": row["text_pages"],
            "created_at": row["text_created_at"]}


def extraction_record(row: dict[str, Any], review: dict[str, Any] | None = None
                      ) -> dict[str, Any] | None:
    """The extraction's provenance; ``status`` is ``machine`` or the review status, and
    ``review`` (when decisions exist) who reviewed it, when, and what they decided."""
    if row["extraction_extractor"] is None:
        return None
    record = {"extractor": row["extraction_extractor"], "sha256": row["extraction_sha256"],
              "text_sha256": row["extraction_text_sha256"],
              "created_at": row["extraction_created_at"], "status": EXTRACTION_STATUS}
    if review is not None:
        record["status"] = review["status"]
        record["review"] = review
    return record


# -- review --------------------------------------------------------------------------------

def reviewed_documents(conn: Connection) -> set[str]:
    """Ids of the documents with at least one review decision (a human-sized set)."""
    return {str(doc) for (doc,) in conn.execute(
        select(review_decisions.c.document_id).distinct())}


def exported_output(conn: Connection, row: dict[str, Any], reviewed: set[str]
                    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(the extraction to export, its review summary or None).

    The reviewed version where review decisions exist, else the machine's output.
    """
    output = row["extraction_output"]
    if output is None or str(row["id"]) not in reviewed:
        return output, None
    applied = reviewed_extraction(conn, str(row["id"]))
    summary = applied.get("review") or {}
    if not summary.get("reviewers"):
        return output, None
    return applied, {k: summary.get(k) for k in REVIEW_FIELDS}


# -- flattening an extraction into rows ----------------------------------------------------

def mention_rows(doc_id: str, output: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per mention: which document, what kind of thing, which id, the exact span."""
    for field in MENTION_FIELDS:
        for entry in output.get(field) or []:
            for mention in entry.get("mentions") or []:
                yield {"document": doc_id, "kind": MENTION_KIND[field], "id": entry.get("id"),
                       "start": mention.get("start"), "end": mention.get("end"),
                       "text": mention.get("text"), **_review(mention)}


def violation_rows(doc_id: str, output: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per violation category a document reports, with the facilities it ties to."""
    for entry in output.get("violations") or []:
        mentions = entry.get("mentions") or []
        first = mentions[0] if mentions else {}
        yield {"document": doc_id, "violation": entry.get("id"),
               "facilities": list(entry.get("facilities") or []), "mentions": len(mentions),
               "start": first.get("start"), "end": first.get("end"), "text": first.get("text"),
               **_group_review(mentions)}


def claim_rows(doc_id: str, output: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """One row per quantitative claim, with its attribution and exact span."""
    for index, claim in enumerate(output.get("claims") or []):
        yield {"document": doc_id, "claim": index, "subject": claim.get("subject"),
               "measure": claim.get("measure"), "low": claim.get("low"),
               "high": claim.get("high"), "as_of": claim.get("as_of"),
               "attributed_to": list(claim.get("attributed_to") or []),
               "start": claim.get("start"), "end": claim.get("end"), "text": claim.get("text"),
               **_review(claim)}


def _review(item: dict[str, Any]) -> dict[str, str]:
    """``{"review": state}`` for an item of a reviewed extraction; nothing for machine output."""
    return {"review": str(item["review"])} if "review" in item else {}


def _group_review(mentions: list[dict[str, Any]]) -> dict[str, str]:
    """A violation row's review state: the one its mentions share, else "mixed"."""
    states = {str(m["review"]) for m in mentions if "review" in m}
    if not states:
        return {}
    return {"review": states.pop() if len(states) == 1 else "mixed"}


def mentions_facility(output: dict[str, Any] | None, facility: str) -> bool:
    """Whether an extraction names ``facility``: as a facility, in a violation or a claim."""
    if not output:
        return False
    if any(e.get("id") == facility for e in output.get("facilities") or []):
        return True
    if any(facility in (e.get("facilities") or []) for e in output.get("violations") or []):
        return True
    return any(c.get("subject") == facility for c in output.get("claims") or [])
