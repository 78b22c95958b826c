"""The import stage's tables: records brought in from other organisations' datasets.

One row per record of a source (an NKPD facility, an HRNK placemark, a row of a
partner's CSV), keyed by (source, kind, external id) so importing a newer copy of
the same dataset updates the row instead of adding another. Each keeps where it
came from (file, its SHA-256, the row or record number, the record's own URL) and
the knowledge-base facility it was linked to, when one matched.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, Index, Integer, String, Table, Text, UniqueConstraint

from ..store.tables import metadata

import_sources = Table(
    "import_sources",
    metadata,
    Column("id", String(80), primary_key=True),  # e.g. korea-future-nkpd
    Column("title", Text, nullable=False),
    Column("url", Text),
    Column("retrieved", String(40)),  # when the dataset was downloaded, as its file says
    Column("updated_at", String(40), nullable=False),
)

imported_records = Table(
    "imported_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(80), nullable=False),
    Column("kind", String(20), nullable=False),  # facility | incident
    Column("external_id", String(200), nullable=False),  # the record's id in its source
    Column("name", Text, nullable=False),
    Column("facility_id", String(120)),  # the knowledge-base facility, where one matched
    Column("facts", JSON, nullable=False),
    Column("record_url", Text),
    Column("origin", JSON, nullable=False),  # file, its sha256, format, row/record number
    Column("record_sha256", String(64), nullable=False),  # of name, facility and facts
    Column("retrieved", String(40)),
    Column("first_imported_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    UniqueConstraint("source", "kind", "external_id", name="uq_imported_record"),
    Index("ix_imported_facility", "facility_id"),
)
