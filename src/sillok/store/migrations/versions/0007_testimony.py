"""Testimonies with witness protection (encrypted identities, statements and files,
key slots, consent, pseudonyms, redactions) and the append-only audit log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

WHEN = sa.String(40)
TID = sa.String(20)

_SQLITE_GUARDS = (
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
)
_POSTGRES_GUARDS = (
    "CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
)


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("object_type", sa.String(40), nullable=False),
        sa.Column("object_id", sa.Text, nullable=False),
        sa.Column("purpose", sa.Text),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False, unique=True),
    )
    op.create_index("ix_audit_user", "audit_log", ["user"])
    op.create_index("ix_audit_object", "audit_log", ["object_id"])
    dialect = op.get_bind().dialect.name
    guards = {"sqlite": _SQLITE_GUARDS, "postgresql": _POSTGRES_GUARDS}.get(dialect, ())
    for statement in guards:
        op.execute(statement)

    op.create_table(
        "testimony_keyslots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("kdf", sa.JSON),
        sa.Column("wrapped_master", sa.LargeBinary, nullable=False),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "testimony_data_keys",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("wrapped", sa.LargeBinary, nullable=False),
        sa.Column("generation", sa.String(32), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "witnesses",
        sa.Column("id", TID, primary_key=True),
        sa.Column("name_index", sa.String(64), nullable=False),
        sa.Column("identity", sa.LargeBinary, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_witnesses_name_index", "witnesses", ["name_index"])
    op.create_table(
        "testimonies",
        sa.Column("id", TID, primary_key=True),
        sa.Column("witness_id", TID, sa.ForeignKey("witnesses.id"), nullable=False),
        sa.Column("interview_date", sa.String(10), nullable=False),
        sa.Column("interview_place", sa.Text, nullable=False),
        sa.Column("interviewer", sa.String(200), nullable=False),
        sa.Column("language", sa.String(12)),
        sa.Column("risk_level", sa.String(10), nullable=False),
        sa.Column("consent_scopes", sa.JSON, nullable=False),
        sa.Column("consent_identity", sa.String(12), nullable=False),
        sa.Column("consent_recorded", sa.String(10)),
        sa.Column("consent_withdrawn_at", WHEN),
        sa.Column("protected", sa.LargeBinary, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
    )
    op.create_index("ix_testimonies_witness", "testimonies", ["witness_id"])
    op.create_table(
        "testimony_links",
        sa.Column("testimony_id", TID, sa.ForeignKey("testimonies.id"), primary_key=True),
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("value", sa.String(200), primary_key=True),
        sa.Column("origin", sa.String(12), nullable=False),
    )
    op.create_index("ix_testimony_links_value", "testimony_links", ["kind", "value"])
    op.create_table(
        "testimony_files",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("testimony_id", TID, sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("meta", sa.LargeBinary, nullable=False),
        sa.Column("added_at", WHEN, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
    )
    op.create_index("ix_testimony_files_testimony", "testimony_files", ["testimony_id"])
    op.create_table(
        "testimony_persons",
        sa.Column("id", TID, primary_key=True),
        sa.Column("name_index", sa.String(64), nullable=False, unique=True),
        sa.Column("names", sa.LargeBinary, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_table(
        "testimony_redactions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("testimony_id", TID, sa.ForeignKey("testimonies.id"), nullable=False),
        sa.Column("term", sa.LargeBinary, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
    )
    op.create_index("ix_testimony_redactions_testimony", "testimony_redactions",
                    ["testimony_id"])


def downgrade() -> None:
    for table in ("testimony_redactions", "testimony_persons", "testimony_files",
                  "testimony_links", "testimonies", "witnesses", "testimony_data_keys",
                  "testimony_keyslots", "audit_log"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
