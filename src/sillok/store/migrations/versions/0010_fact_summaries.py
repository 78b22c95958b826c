"""Search and analysis index: per-fact source counts kept at refresh (``index_facts``).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # derived data: the next refresh fills it (index_meta has no "fact_summaries" yet)
    op.create_table(
        "index_facts",
        sa.Column("facility", sa.String(120), primary_key=True),
        sa.Column("violation", sa.String(60), primary_key=True),
        sa.Column("documents", sa.Integer, nullable=False),
        sa.Column("independent_sources", sa.Integer, nullable=False),
        sa.Column("first_published", sa.String(10)),
        sa.Column("sources", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("index_facts")
