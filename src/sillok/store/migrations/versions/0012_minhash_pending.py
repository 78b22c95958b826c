"""Documents whose near-duplicate band rows are not written yet.

Ingest now writes band rows thousands of documents at a time, sorted by bucket, and
notes each document waiting for its rows here, in the transaction that stores it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "minhash_pending",
        sa.Column("document_id", sa.String(64), sa.ForeignKey("documents.id"),
                  primary_key=True),
    )


def downgrade() -> None:
    # An older Sillok does not know this table: write the rows it stands for first.
    connection = op.get_bind()
    left = connection.execute(sa.text(
        "SELECT s.document_id, s.minhash FROM signatures s "
        "JOIN minhash_pending p ON p.document_id = s.document_id")).fetchall()
    if left:
        # the function that made every stored bucket (they must never change)
        from sillok.ingest.neardup import band_buckets

        connection.execute(
            sa.text("INSERT INTO minhash_bands (band, bucket, document_id) "
                    "VALUES (:band, :bucket, :document_id)"),
            [{"band": band, "bucket": bucket, "document_id": sha}
             for sha, minhash in left for band, bucket in enumerate(band_buckets(bytes(minhash)))])
    op.drop_table("minhash_pending")
