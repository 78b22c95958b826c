"""Tables of the search and analysis index (migrations 0003 and 0010).

Everything here is derived from the archive (texts and current extractions) and can
be rebuilt at any time with ``sillok index --rebuild``; nothing here is evidence.

- ``index_state``: which version of each document the index holds.
- ``index_meta``: key/value bookkeeping (the custody-log position last indexed).
- ``index_documents``: per document, what analysis shows and groups by.
- ``index_mentions``: facilities, types, violations, organisations, agencies per document.
- ``index_links``: violation × facility per document, with the passage's credited origin.
- ``index_quotes``: candidate quotes (exact spans of the clean text) with a strength score.
- ``index_claims``: quantitative claims per document.
- ``index_facts``: per violation × facility, the independent-source count and the
  groups a dossier shows, counted at refresh (see :mod:`.corroboration`).
- ``saved_searches``: named searches and the result ids of their last run.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from ..store.tables import metadata

index_state = Table(
    "index_state",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("text_sha256", String(64), nullable=False),
    Column("extraction_sha256", String(64), nullable=False),  # "" when not extracted
    Column("version", Integer, nullable=False),
    Column("indexed_at", String(40), nullable=False),
)

index_meta = Table(
    "index_meta",
    metadata,
    Column("key", String(80), primary_key=True),
    Column("value", Text, nullable=False),
)

index_documents = Table(
    "index_documents",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("path", Text, nullable=False),  # URL, else the path it was ingested from
    Column("title", Text),
    Column("published", String(10)),  # YYYY, YYYY-MM or YYYY-MM-DD
    Column("publisher", String(200)),  # organisation id, else the folded publisher name
    Column("language", String(12)),
    Column("text_sha256", String(64), nullable=False),
    Column("copy_group", String(64)),  # near-duplicate cluster (its smallest id), if any
    Index("ix_index_documents_text", "text_sha256"),
    Index("ix_index_documents_copy", "copy_group"),
)

index_mentions = Table(
    "index_mentions",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("kind", String(20), primary_key=True),  # facility | facility_type | violation | ...
    Column("value", String(120), primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("published", String(10)),  # the document's, repeated so a dossier needs no join
    Index("ix_index_mentions_value", "kind", "value", "published"),
)

index_links = Table(
    "index_links",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("violation", String(60), primary_key=True),
    Column("facility", String(120), primary_key=True),  # "" when no facility is linked
    Column("origin", Text, nullable=False),  # space-separated origin keys (see analyse.sources)
    Column("copy_group", String(64)),  # the document's, repeated (see index.copies)
    Column("published", String(10)),  # the document's, repeated
    # covers counting sources per fact, sampling a group's documents, first reports
    Index("ix_index_links_fact", "facility", "violation", "origin", "copy_group",
          "document_id", "published"),
    Index("ix_index_links_violation", "violation", "origin", "copy_group"),
)

index_quotes = Table(
    "index_quotes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", String(64), ForeignKey("documents.id"), nullable=False),
    Column("violation", String(60), nullable=False),
    Column("facility", String(120), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("strength", Float, nullable=False),
    Index("ix_index_quotes_fact", "facility", "violation", "strength", "document_id", "start"),
    Index("ix_index_quotes_document", "document_id"),
)

index_claims = Table(
    "index_claims",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.id"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("subject", String(120), nullable=False),
    Column("measure", String(60), nullable=False),
    Column("low", BigInteger),
    Column("high", BigInteger),
    Column("as_of", String(20)),
    Column("attributed_to", JSON, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("published", String(10)),  # the document's, repeated
    Index("ix_index_claims_subject", "subject", "measure"),
)

index_facts = Table(
    "index_facts",
    metadata,
    Column("facility", String(120), primary_key=True),  # "" when no facility is linked
    Column("violation", String(60), primary_key=True),
    Column("documents", Integer, nullable=False),
    Column("independent_sources", Integer, nullable=False),
    Column("first_published", String(10)),
    # the largest groups: [{origins, copy_groups, documents_total, documents (a sample)}]
    Column("sources", JSON, nullable=False),
)

saved_searches = Table(
    "saved_searches",
    metadata,
    Column("name", String(120), primary_key=True),
    Column("query", Text, nullable=False),
    Column("options", JSON, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("last_run_at", String(40)),
    Column("last_total", Integer),
    Column("last_results", JSON, nullable=False),
)

DERIVED_TABLES = (index_claims, index_quotes, index_links, index_mentions, index_documents,
                  index_state)
