"""Tables of the testimony stage, on the shared metadata.

Columns typed ``LargeBinary`` hold AEAD ciphertext (:mod:`.crypto`); everything
else is plain text and must never hold a name, a contact or statement text. The
plain columns are what consent checks, listing and linking need without a key.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from ..store.tables import metadata

WHEN = String(40)

# A key slot holds the master key wrapped by one credential: a key derived with
# Argon2id from a passphrase (``kdf`` holds salt and cost), or a key file.
testimony_keyslots = Table(
    "testimony_keyslots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(20), nullable=False),  # passphrase | key-file | recovery
    Column("label", String(200), nullable=False),
    Column("kdf", JSON),
    Column("wrapped_master", LargeBinary, nullable=False),
    Column("generation", String(32), nullable=False),
    Column("created_at", WHEN, nullable=False),
    Column("created_by", String(200), nullable=False),
)

# Per-record data keys, each wrapped by the master key. Rotation rewrites only these.
testimony_data_keys = Table(
    "testimony_data_keys",
    metadata,
    Column("id", String(80), primary_key=True),  # witness:W-…, testimony:T-…, persons
    Column("wrapped", LargeBinary, nullable=False),
    Column("generation", String(32), nullable=False),
    Column("created_at", WHEN, nullable=False),
)

witnesses = Table(
    "witnesses",
    metadata,
    Column("id", String(20), primary_key=True),  # the witness pseudonym, W-XXXX-XXXX
    Column("name_index", String(64), nullable=False),  # keyed hash: finds repeat witnesses
    Column("identity", LargeBinary, nullable=False),
    Column("created_at", WHEN, nullable=False),
    Column("created_by", String(200), nullable=False),
    Index("ix_witnesses_name_index", "name_index"),
)

testimonies = Table(
    "testimonies",
    metadata,
    Column("id", String(20), primary_key=True),  # T-XXXX-XXXX
    Column("witness_id", String(20), ForeignKey("witnesses.id"), nullable=False),
    Column("interview_date", String(10), nullable=False),
    Column("interview_place", Text, nullable=False),
    Column("interviewer", String(200), nullable=False),
    Column("language", String(12)),
    Column("risk_level", String(10), nullable=False),
    Column("consent_scopes", JSON, nullable=False),
    Column("consent_identity", String(12), nullable=False),  # anonymised | named
    Column("consent_recorded", String(10)),
    Column("consent_withdrawn_at", WHEN),
    Column("protected", LargeBinary, nullable=False),  # statement, persons, locations
    Column("source", Text, nullable=False),
    Column("created_at", WHEN, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("updated_at", WHEN, nullable=False),
    Index("ix_testimonies_witness", "witness_id"),
)

testimony_links = Table(
    "testimony_links",
    metadata,
    Column("testimony_id", String(20), ForeignKey("testimonies.id"), primary_key=True),
    Column("kind", String(12), primary_key=True),  # facility | violation | period
    Column("value", String(200), primary_key=True),
    Column("origin", String(12), nullable=False),  # extracted | given
    Index("ix_testimony_links_value", "kind", "value"),
)

testimony_files = Table(
    "testimony_files",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the ciphertext
    Column("testimony_id", String(20), ForeignKey("testimonies.id"), nullable=False),
    Column("kind", String(12), nullable=False),  # audio | scan | document | video
    Column("size", BigInteger, nullable=False),  # of the ciphertext
    Column("meta", LargeBinary, nullable=False),  # name, media type, plaintext hash
    Column("added_at", WHEN, nullable=False),
    Column("added_by", String(200), nullable=False),
    Index("ix_testimony_files_testimony", "testimony_id"),
)

# Private persons named in testimonies (relatives, fellow prisoners): one pseudonym
# per person across the archive, found again through a keyed hash of the name.
testimony_persons = Table(
    "testimony_persons",
    metadata,
    Column("id", String(20), primary_key=True),  # P-XXXX-XXXX
    Column("name_index", String(64), nullable=False, unique=True),
    Column("names", LargeBinary, nullable=False),
    Column("created_at", WHEN, nullable=False),
)

testimony_redactions = Table(
    "testimony_redactions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("testimony_id", String(20), ForeignKey("testimonies.id"), nullable=False),
    Column("term", LargeBinary, nullable=False),
    Column("reason", Text, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("created_at", WHEN, nullable=False),
    Index("ix_testimony_redactions_testimony", "testimony_id"),
)
