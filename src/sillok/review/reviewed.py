"""The reviewed extraction that exports use instead of the machine's."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from .decisions import _machine, review_items
from .items import rebuild

REVIEWED_STATES = ("accepted", "corrected", "added", "unreviewed")


def reviewed_extraction(conn: Connection, doc_id: str) -> dict[str, Any]:
    """The document's extraction with every review decision applied.

    Rejected items are left out, corrected items carry the reviewer's values, added
    items are included, and unreviewed items stay as the machine gave them. Each
    mention and claim has ``review`` (accepted, corrected, added or unreviewed), and
    the record has a ``review`` block: ``status`` (reviewed, partly-reviewed or
    unreviewed), counts, reviewers, the time of the last decision, and the machine
    extractor the decisions were made against. The machine's output itself is never
    changed: it stays in the archive beside the decisions.
    """
    machine = _machine(conn, doc_id)
    state = review_items(conn, doc_id)
    kept = [{**item, "review": item["state"]} for item in state["items"]
            if item["state"] in REVIEWED_STATES]
    output = rebuild(machine["output"], kept)
    output["review"] = {**state["summary"], "reviewed": state["summary"]["status"] == "reviewed",
                        "machine_extractor": machine["extractor"],
                        "machine_output_sha256": machine["output_sha256"]}
    return output
