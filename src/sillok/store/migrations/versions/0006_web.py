"""Web workspace: user accounts, browser sessions, login attempts, document
visibility, and review decisions.

Revision ID: 0006
Revises: 0003
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0003"
branch_labels = None
depends_on = None

SHA = sa.String(64)
WHEN = sa.String(40)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200)),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", SHA, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("last_seen_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("remote", sa.String(64)),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("remote", sa.String(64), nullable=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("success", sa.Boolean, nullable=False),
    )
    op.create_index("ix_login_attempts_user", "login_attempts", ["username", "at"])
    op.create_index("ix_login_attempts_remote", "login_attempts", ["remote", "at"])
    op.create_table(
        "document_access",
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("visibility", sa.String(20), nullable=False),
        sa.Column("set_by", sa.String(80), nullable=False),
        sa.Column("set_at", WHEN, nullable=False),
    )
    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("document_id", SHA, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("extractor", sa.String(80), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("machine", sa.JSON),
        sa.Column("value", sa.JSON),
        sa.Column("note", sa.Text),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("at", WHEN, nullable=False),
    )
    op.create_index("ix_review_document", "review_decisions", ["document_id", "item_key"])


def downgrade() -> None:
    for table in ("review_decisions", "document_access", "login_attempts", "web_sessions",
                  "users"):
        op.drop_table(table)
