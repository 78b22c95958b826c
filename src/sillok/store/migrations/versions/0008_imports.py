"""Records imported from other organisations' datasets (Korea Future's NKPD, the HRNK
camp map, partners' CSV files), with their sources.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

WHEN = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "import_sources",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("retrieved", WHEN),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "imported_records",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("facility_id", sa.String(120)),
        sa.Column("facts", sa.JSON, nullable=False),
        sa.Column("record_url", sa.Text),
        sa.Column("origin", sa.JSON, nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("retrieved", WHEN),
        sa.Column("first_imported_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.UniqueConstraint("source", "kind", "external_id", name="uq_imported_record"),
    )
    op.create_index("ix_imported_facility", "imported_records", ["facility_id"])


def downgrade() -> None:
    op.drop_index("ix_imported_facility", "imported_records")
    op.drop_table("imported_records")
    op.drop_table("import_sources")
