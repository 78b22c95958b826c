"""Sillok: an evidence repository for crimes in North Korea's detention system.

The library API mirrors the command line::

    import sillok
    report = sillok.ingest_path("reports/", archive="my-archive")
    print(sillok.document_text(report.items[0].document_id, archive="my-archive"))
    assert sillok.verify(archive="my-archive").ok
"""

from .__about__ import __version__
from .api import (
    custody_log,
    document_text,
    get_archive,
    ingest_path,
    init_archive,
    list_documents,
    original_bytes,
    resolve_document,
    show_document,
    verify,
)
from .exc import SillokError

__all__ = [
    "SillokError",
    "__version__",
    "custody_log",
    "document_text",
    "get_archive",
    "ingest_path",
    "init_archive",
    "list_documents",
    "original_bytes",
    "resolve_document",
    "show_document",
    "verify",
]
