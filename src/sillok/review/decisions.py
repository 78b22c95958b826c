"""Recording review decisions and applying them to the machine's extraction."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from sqlalchemy import Connection, func, select

from ..exc import DocumentNotFound, SillokError
from ..ids import sha256_json
from ..kb import load_kb
from ..store import custody, extractions, queries
from .items import InvalidItem, flatten, validate
from .tables import review_decisions

ACTIONS = ("accept", "reject", "correct", "add")
STATE = {"accept": "accepted", "reject": "rejected", "correct": "corrected", "add": "added"}


class ReviewError(SillokError):
    """A decision that cannot be recorded as asked."""


def _machine(conn: Connection, doc_id: str) -> dict[str, Any]:
    row = extractions.current_extraction(conn, doc_id)
    if row is None:
        raise DocumentNotFound(f"document {doc_id[:12]} has not been extracted yet: run "
                               "`sillok extract` first, then review it")
    return row


def record_decision(conn: Connection, doc_id: str, *, action: str, reviewer: str,
                    key: str | None = None, value: dict[str, Any] | None = None,
                    note: str | None = None) -> dict[str, Any]:
    """Record one decision (inside the caller's write transaction) and return it.

    ``accept`` and ``reject`` name an item by ``key``; ``correct`` names it and gives
    the corrected ``value``; ``add`` gives only ``value`` (an item the extractor
    missed). The machine's item is stored beside the decision and a custody event
    records who decided what.
    """
    if action not in ACTIONS:
        raise ReviewError(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    row = _machine(conn, doc_id)
    machine_item: dict[str, Any] | None = None
    if action != "add":
        by_key = {item["key"]: item for item in flatten(row["output"])}
        by_key |= {d["item_key"]: d["value"] for d in _added(conn, doc_id)}
        if key not in by_key:
            raise ReviewError(f"document {doc_id[:12]} has no extracted item {key!r}: reload "
                              "the review page, the extraction may have changed")
        machine_item = by_key[key]
    clean: dict[str, Any] | None = None
    if action in ("correct", "add"):
        if not value:
            raise ReviewError(f"to {action} an item, give its new value")
        text = queries.current_text(conn, doc_id)
        clean = validate(value, "" if text is None else str(text["text"]), load_kb())
    if action == "add":
        key = f"added:{clean['kind'] if clean else 'item'}:{uuid.uuid4().hex[:12]}"
    assert key is not None
    decided = {"document_id": doc_id, "extractor": row["extractor"], "item_key": key,
               "kind": (clean or machine_item or {}).get("kind", "?"), "action": action,
               "machine": machine_item, "value": clean, "note": (note or "").strip() or None,
               "reviewer": reviewer[:80], "at": custody.utc_now()}
    conn.execute(review_decisions.insert().values(**decided))
    custody.append_event(conn, action="review", object_type="extraction-item",
                         object_id=f"{doc_id}/{key}",
                         object_sha256=sha256_json(clean) if clean else None, actor=reviewer,
                         details={"document": doc_id, "decision": action,
                                  "extractor": row["extractor"], "kind": decided["kind"],
                                  "note": decided["note"]})
    return decided


def history(conn: Connection, doc_id: str) -> list[dict[str, Any]]:
    """Every decision about a document, oldest first."""
    return [dict(r._mapping) for r in conn.execute(
        select(review_decisions).where(review_decisions.c.document_id == doc_id)
        .order_by(review_decisions.c.id))]


def _added(conn: Connection, doc_id: str) -> list[dict[str, Any]]:
    return [d for d in history(conn, doc_id) if d["action"] == "add"]


def review_items(conn: Connection, doc_id: str) -> dict[str, Any]:
    """The document's items, each with the machine's version, the current decision and
    the decision history; plus a summary of how much has been reviewed."""
    row = _machine(conn, doc_id)
    decisions = history(conn, doc_id)
    by_key: dict[str, list[dict[str, Any]]] = {}
    for decision in decisions:
        by_key.setdefault(decision["item_key"], []).append(decision)
    items: list[dict[str, Any]] = []
    for item in flatten(row["output"]):
        items.append(_with_state(item, by_key.pop(item["key"], []), machine=True))
    for key, chain in list(by_key.items()):
        if chain[0]["action"] == "add":
            items.append(_with_state({**chain[0]["value"], "key": key}, chain, machine=False))
            del by_key[key]
    orphans = [{"key": key, "decisions": chain} for key, chain in by_key.items()]
    counts = Counter(item["state"] for item in items)
    return {"document": doc_id, "extractor": row["extractor"], "items": items,
            "orphaned_decisions": orphans, "summary": _summary(items, decisions, counts)}


def _with_state(item: dict[str, Any], chain: list[dict[str, Any]], *, machine: bool
                ) -> dict[str, Any]:
    latest = chain[-1] if chain else None
    state = STATE[latest["action"]] if latest else "unreviewed"
    if state == "accepted" and not machine:
        state = "added"  # accepting an added item keeps it added
    current = item if latest is None or latest["value"] is None else \
        {**latest["value"], "key": item["key"]}
    return {**current, "state": state, "source": "machine" if machine else "reviewer",
            "machine": item if machine else None,
            "decided_by": latest["reviewer"] if latest else None,
            "decided_at": latest["at"] if latest else None,
            "history": [{k: d[k] for k in ("action", "reviewer", "at", "note", "value")}
                        for d in chain]}


def _summary(items: list[dict[str, Any]], decisions: list[dict[str, Any]],
             counts: Counter[str]) -> dict[str, Any]:
    total = len(items)
    unreviewed = counts.get("unreviewed", 0)
    status = "unreviewed" if unreviewed == total and not decisions else \
        "reviewed" if unreviewed == 0 else "partly-reviewed"
    return {"status": status, "items": total, "reviewed_items": total - unreviewed,
            "accepted": counts.get("accepted", 0), "rejected": counts.get("rejected", 0),
            "corrected": counts.get("corrected", 0), "added": counts.get("added", 0),
            "reviewers": sorted({d["reviewer"] for d in decisions}),
            "last_reviewed_at": decisions[-1]["at"] if decisions else None}


def review_counts(conn: Connection, doc_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per document: how many items have a decision and when the last was made."""
    if not doc_ids:
        return {}
    rows = conn.execute(
        select(review_decisions.c.document_id,
               func.count(func.distinct(review_decisions.c.item_key)),
               func.max(review_decisions.c.at))
        .where(review_decisions.c.document_id.in_(doc_ids))
        .group_by(review_decisions.c.document_id))
    return {str(doc): {"decided_items": int(n), "last_reviewed_at": at} for doc, n, at in rows}


__all__ = ["ACTIONS", "InvalidItem", "ReviewError", "history", "record_decision",
           "review_counts", "review_items"]
