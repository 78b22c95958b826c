"""Search and analysis index: derived per-document facts, index state, saved searches.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SHA = sa.String(64)


def _doc() -> sa.Column[str]:
    return sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "index_state", _doc(),
        sa.Column("text_sha256", SHA, nullable=False),
        sa.Column("extraction_sha256", SHA, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("indexed_at", sa.String(40), nullable=False),
    )
    op.create_table(
        "index_meta",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "index_documents", _doc(),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.String(10)),
        sa.Column("publisher", sa.String(200)),
        sa.Column("language", sa.String(12)),
        sa.Column("text_sha256", SHA, nullable=False),
        sa.Column("copy_group", SHA),
    )
    op.create_index("ix_index_documents_text", "index_documents", ["text_sha256"])
    op.create_index("ix_index_documents_copy", "index_documents", ["copy_group"])
    op.create_table(
        "index_mentions", _doc(),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("value", sa.String(120), primary_key=True),
        sa.Column("mentions", sa.Integer, nullable=False),
        sa.Column("published", sa.String(10)),
    )
    op.create_index("ix_index_mentions_value", "index_mentions", ["kind", "value", "published"])
    op.create_table(
        "index_links", _doc(),
        sa.Column("violation", sa.String(60), primary_key=True),
        sa.Column("facility", sa.String(120), primary_key=True),
        sa.Column("origin", sa.Text, nullable=False),
        sa.Column("copy_group", SHA),
        sa.Column("published", sa.String(10)),
    )
    op.create_index("ix_index_links_fact", "index_links", [
        "facility", "violation", "origin", "copy_group", "document_id", "published"])
    op.create_index("ix_index_links_violation", "index_links",
                    ["violation", "origin", "copy_group"])
    op.create_table(
        "index_quotes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("violation", sa.String(60), nullable=False),
        sa.Column("facility", sa.String(120), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("strength", sa.Float, nullable=False),
    )
    op.create_index("ix_index_quotes_fact", "index_quotes",
                    ["facility", "violation", "strength", "document_id", "start"])
    op.create_index("ix_index_quotes_document", "index_quotes", ["document_id"])
    op.create_table(
        "index_claims", _doc(),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("subject", sa.String(120), nullable=False),
        sa.Column("measure", sa.String(60), nullable=False),
        sa.Column("low", sa.BigInteger),
        sa.Column("high", sa.BigInteger),
        sa.Column("as_of", sa.String(20)),
        sa.Column("attributed_to", sa.JSON, nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("published", sa.String(10)),
    )
    op.create_index("ix_index_claims_subject", "index_claims", ["subject", "measure"])
    op.create_table(
        "saved_searches",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("last_run_at", sa.String(40)),
        sa.Column("last_total", sa.Integer),
        sa.Column("last_results", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("saved_searches", "index_claims", "index_quotes", "index_links",
                  "index_mentions", "index_documents", "index_meta", "index_state"):
        op.drop_table(table)
