"""The archive's relational schema (SQLAlchemy Core).

Migrations under ``migrations/versions`` create exactly these tables; a test
checks the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("command", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("tool_version", String(40), nullable=False),
    Column("arguments", JSON, nullable=False),
    Column("summary", JSON),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),  # the SHA-256 of the original bytes
    Column("size", BigInteger, nullable=False),
    Column("media_type", String(120), nullable=False),
    Column("status", String(20), nullable=False),  # ok | failed | needs-ocr
    Column("reason", Text),
    Column("original_name", Text, nullable=False),
    Column("title", Text),
    Column("author", Text),
    Column("publisher", Text),
    Column("published", String(40)),
    Column("url", Text),
    Column("language", String(12)),
    Column("encoding", String(60)),
    Column("metadata", JSON, nullable=False),
    Column("ingested_at", String(40), nullable=False),
    Column("children_complete", Boolean, nullable=False),
    Index("ix_documents_status", "status"),
)

texts = Table(
    "texts",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("extractor", String(80), primary_key=True),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("pages", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("current", Boolean, nullable=False),
)

# Every time a file or member was seen: which run, where from, and what happened.
items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, ForeignKey("runs.id"), nullable=False),
    Column("source", Text, nullable=False),  # path as given, or parent-path!member
    Column("parent_id", String(64), ForeignKey("documents.id")),
    Column("document_id", String(64), ForeignKey("documents.id")),
    Column("status", String(20), nullable=False),
    Column("reason", Text),
    Column("size", BigInteger),
    Column("at", String(40), nullable=False),
    Index("ix_items_document", "document_id"),
    Index("ix_items_source", "source"),
)

document_links = Table(
    "document_links",
    metadata,
    Column("parent_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("child_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("member", Text, primary_key=True),
    Column("metadata", JSON, nullable=False),
    Index("ix_links_child", "child_id"),
)

minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band", Integer, nullable=False),
    Column("bucket", BigInteger, nullable=False),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    # Ingest looks a batch's buckets up with one IN (see ingest.similar). An index on the
    # integer alone keeps inserting ~32 rows per document cheap; each document's rows are
    # written once (with it, or later from minhash_pending in the transaction that
    # removes its id there), so no unique constraint is needed.
    Index("ix_minhash_bucket", "bucket"),
)

# Documents whose minhash_bands rows are not written yet (ingest writes them thousands at
# a time, see ingest.similar); a later ingest writes any left here first.
minhash_pending = Table(
    "minhash_pending",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
)

signatures = Table(
    "signatures",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("minhash", LargeBinary, nullable=False),
)

near_duplicates = Table(
    "near_duplicates",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("other_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("similarity", Integer, nullable=False),  # estimated Jaccard, per cent
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False, unique=True),
    Column("action", String(40), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_id", Text, nullable=False),
    Column("object_sha256", String(64)),
    Column("actor", String(200), nullable=False),
    Column("at", String(40), nullable=False),
    Column("tool_version", String(40), nullable=False),
    Column("details", JSON, nullable=False),
    Index("ix_custody_object", "object_id"),
)

extractions = Table(
    "extractions",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("extractor", String(80), primary_key=True),  # name@version
    Column("text_sha256", String(64), nullable=False),
    Column("output", JSON, nullable=False),
    Column("output_sha256", String(64), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("current", Boolean, nullable=False),
    Index("ix_extractions_current", "current"),
)
