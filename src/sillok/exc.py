"""Exceptions raised by Sillok.

Library code raises these and never exits; the CLI turns each into one line
(``Error: ...``) and exit status 1.

    SillokError
    ├── ArchiveError          the archive folder or database is missing, locked or unusable
    │   └── SchemaError       the database schema is newer than this version of Sillok
    ├── DocumentNotFound      no document matches the id, id prefix or path given
    │   └── AmbiguousDocument an id prefix matches more than one document
    ├── IngestError           one file could not be ingested (recorded, never fatal to a batch)
    │   ├── UnsupportedFormat
    │   ├── CorruptFile
    │   ├── EncryptedFile
    │   └── TooLarge
    └── ConfigError           a setting has a value Sillok cannot use
"""

from __future__ import annotations


class SillokError(Exception):
    """Root of every error Sillok raises on purpose."""


class ArchiveError(SillokError):
    """The archive cannot be opened or is not in a usable state."""


class SchemaError(ArchiveError):
    """The database was written by a newer Sillok."""


class DocumentNotFound(SillokError):
    """No document matches the reference given."""


class AmbiguousDocument(DocumentNotFound):
    """An id prefix matches several documents."""


class IngestError(SillokError):
    """A file could not be read or parsed; the message says why and what to do."""

    status = "failed"


class UnsupportedFormat(IngestError):
    """The file's format is not one Sillok extracts text from."""


class CorruptFile(IngestError):
    """The file is damaged or is not what its name says."""


class EncryptedFile(IngestError):
    """The file is password-protected."""


class TooLarge(IngestError):
    """The file exceeds a configured size limit."""

    status = "too-large"


class ConfigError(SillokError):
    """A setting has an unusable value."""
