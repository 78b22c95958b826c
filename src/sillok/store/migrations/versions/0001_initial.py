"""Initial archive schema: runs, documents, texts, items, links, near-duplicates, custody log.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SHA = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("started_at", sa.String(40), nullable=False),
        sa.Column("finished_at", sa.String(40)),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("arguments", sa.JSON, nullable=False),
        sa.Column("summary", sa.JSON),
    )
    op.create_table(
        "documents",
        sa.Column("id", SHA, primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("media_type", sa.String(120), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("author", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("published", sa.String(40)),
        sa.Column("url", sa.Text),
        sa.Column("language", sa.String(12)),
        sa.Column("encoding", sa.String(60)),
        sa.Column("metadata", sa.JSON, nullable=False),
        sa.Column("ingested_at", sa.String(40), nullable=False),
        sa.Column("children_complete", sa.Boolean, nullable=False),
    )
    op.create_index("ix_documents_status", "documents", ["status"])
    op.create_table(
        "texts",
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("extractor", sa.String(80), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_sha256", SHA, nullable=False),
        sa.Column("pages", sa.JSON, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("parent_id", SHA, sa.ForeignKey("documents.id")),
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("size", sa.BigInteger),
        sa.Column("at", sa.String(40), nullable=False),
    )
    op.create_index("ix_items_document", "items", ["document_id"])
    op.create_index("ix_items_source", "items", ["source"])
    op.create_table(
        "document_links",
        sa.Column("parent_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("child_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("member", sa.Text, primary_key=True),
        sa.Column("metadata", sa.JSON, nullable=False),
    )
    op.create_index("ix_links_child", "document_links", ["child_id"])
    op.create_table(
        "minhash_bands",
        sa.Column("band", sa.Integer, nullable=False),
        sa.Column("bucket", sa.BigInteger, nullable=False),
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), nullable=False),
        sa.UniqueConstraint("band", "bucket", "document_id", name="uq_minhash_band"),
    )
    op.create_index("ix_minhash_lookup", "minhash_bands", ["band", "bucket"])
    op.create_table(
        "signatures",
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("minhash", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "near_duplicates",
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("other_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("similarity", sa.Integer, nullable=False),
    )
    op.create_table(
        "custody_events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("prev_hash", SHA, nullable=False),
        sa.Column("entry_hash", SHA, nullable=False, unique=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.Text, nullable=False),
        sa.Column("object_sha256", SHA),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("tool_version", sa.String(40), nullable=False),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_custody_object", "custody_events", ["object_id"])


def downgrade() -> None:
    for name in ("custody_events", "near_duplicates", "signatures", "minhash_bands",
                 "document_links", "items", "texts", "documents", "runs"):
        op.drop_table(name)
