"""What every format ingestor returns, and how a file's format is recognised.

An ingestor is a function ``parse(data, name, limits) -> Parsed``. It raises an
:class:`~sillok.exc.IngestError` subclass with a message a person can act on when
the file cannot be read; the pipeline records that as the file's status, keeps
the original, and goes on with the batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..exc import CorruptFile


@dataclass(frozen=True)
class Limits:
    """Caps applied while unpacking containers (zip, mbox, warc, e-mail)."""

    max_file_size: int
    max_expansion: int
    max_members: int
    max_depth: int


@dataclass
class Child:
    """A document found inside another: a zip member, an e-mail attachment, a WARC record."""

    name: str
    data: bytes
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    """The result of reading one original."""

    media_type: str
    text: str = ""
    status: str = "ok"
    reason: str | None = None
    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: str | None = None
    url: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # (page number, start offset, end offset) into ``text``, for paged formats
    pages: list[tuple[int, int, int]] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    # Set when children could not all be read (caps hit, a corrupt member):
    # the container itself is still kept and its status says why.
    warnings: list[str] = field(default_factory=list)


Parser = Callable[[bytes, str, Limits], Parsed]

HTML = "text/html"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP = "application/zip"
EML = "message/rfc822"
MBOX = "application/mbox"
WARC = "application/warc"

_EXTENSIONS = {
    ".html": HTML, ".htm": HTML, ".xhtml": HTML, ".shtml": HTML,
    ".txt": TEXT, ".text": TEXT, ".md": MARKDOWN, ".markdown": MARKDOWN,
    ".pdf": PDF, ".docx": DOCX, ".zip": ZIP, ".eml": EML, ".mbox": MBOX,
    ".warc": WARC, ".warc.gz": WARC,
}

_HTML_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_MAIL_HEADER = re.compile(
    rb"^(Return-Path|Received|From|To|Subject|Date|Message-ID|MIME-Version|Delivered-To):",
    re.I | re.M,
)


def extension_of(name: str) -> str:
    lowered = name.lower()
    if lowered.endswith(".warc.gz"):
        return ".warc.gz"
    dot = lowered.rfind(".")
    slash = max(lowered.rfind("/"), lowered.rfind("\\"))
    return lowered[dot:] if dot > slash else ""


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def looks_binary(data: bytes) -> bool:
    """True for content that is not text in any encoding: NUL bytes or many control bytes."""
    sample = data[:8192]
    if not sample:
        return False
    if b"\x00" in sample:
        # UTF-16 text has NULs too; a BOM says so.
        return not sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > 0.05


def detect_media_type(data: bytes, name: str) -> str:
    """The media type of ``data``: content signatures first, the file name second.

    A name alone is never trusted for binary formats: a PDF called report.html
    is read as a PDF, and binary junk called page.html is refused as corrupt.
    """
    head = data[:4096]
    ext = extension_of(name)
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and ext == ".pdf"):
        return PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if b"word/" in data[:65536] or ext == ".docx":
            return DOCX
        return ZIP
    if head.startswith(b"\xd0\xcf\x11\xe0") and ext in (".docx", ".doc"):
        # An OLE container named .docx is how Word stores a password-protected file.
        return DOCX
    if head.startswith(b"WARC/"):
        return WARC
    if head.startswith(b"\x1f\x8b"):
        if ext == ".warc.gz":
            return WARC
        raise CorruptFile("gzip-compressed file: only .warc.gz web archives are read; "
                          "decompress it and ingest the content")
    if ext in {".pdf", ".docx", ".zip", ".warc", ".warc.gz"}:
        raise CorruptFile(f"the content is not a valid {ext[1:].upper()} file "
                          "(its signature is missing): the file is damaged or misnamed")
    if looks_binary(data):
        raise CorruptFile("binary content, not text: the file is damaged or is not the "
                          f"{ext[1:].upper() or 'text'} file its name says")
    if head.startswith(b"From ") and (ext in ("", ".mbox") or _MAIL_HEADER.search(head)):
        return MBOX
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    if _HTML_SNIFF.match(head):
        return HTML
    if len(_MAIL_HEADER.findall(head[:2048])) >= 3:
        return EML
    return TEXT
