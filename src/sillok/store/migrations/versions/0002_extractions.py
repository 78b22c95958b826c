"""Extraction output per document and extractor version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "extractions",
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("extractor", sa.String(80), primary_key=True),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("output", sa.JSON, nullable=False),
        sa.Column("output_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
    )
    op.create_index("ix_extractions_current", "extractions", ["current"])


def downgrade() -> None:
    op.drop_table("extractions")
