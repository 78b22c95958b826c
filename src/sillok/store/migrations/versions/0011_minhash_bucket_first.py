"""Near-duplicate buckets indexed by the bucket alone.

Ingest looks up a whole batch's band buckets with one ``bucket IN (...)``, which the
old (band, bucket) index could not serve; and the old unique constraint over
(band, bucket, document_id) plus a second index made each of the 32 rows a document
adds cost three times as much to insert as one index on the integer bucket.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_minhash_lookup", table_name="minhash_bands")
    with op.batch_alter_table("minhash_bands", recreate="always") as batch:
        batch.drop_constraint("uq_minhash_band", type_="unique")
    op.create_index("ix_minhash_bucket", "minhash_bands", ["bucket"])


def downgrade() -> None:
    op.drop_index("ix_minhash_bucket", table_name="minhash_bands")
    with op.batch_alter_table("minhash_bands", recreate="always") as batch:
        batch.create_unique_constraint("uq_minhash_band", ["band", "bucket", "document_id"])
    op.create_index("ix_minhash_lookup", "minhash_bands", ["band", "bucket"])
