"""The review stage's table: every human decision about a machine-extracted item.

Decisions are appended, never updated: the newest decision per (document, item)
counts, and the older ones stay as the item's history. The machine's item is copied
into each decision, so what the reviewer saw is kept beside what they decided.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer, String, Table, Text

from ..store.tables import metadata

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("extractor", String(80), nullable=False),
    Column("item_key", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("action", String(10), nullable=False),  # accept | reject | correct | add
    Column("machine", JSON),  # the extractor's item as reviewed (None for an added item)
    Column("value", JSON),  # the corrected or added item
    Column("note", Text),
    Column("reviewer", String(80), nullable=False),
    Column("at", String(40), nullable=False),
    Index("ix_review_document", "document_id", "item_key"),
)
