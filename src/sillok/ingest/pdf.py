"""PDF: the text layer page by page, with page offsets kept for citation.

A PDF without a text layer (a scan) is not an error: it is kept with status
``needs-ocr`` so that it can be sent to OCR later. A password-protected PDF
raises :class:`~sillok.exc.EncryptedFile`; a damaged one
:class:`~sillok.exc.CorruptFile`. PDFs are a favourite carrier of hostile
input, so every failure inside the PDF library is caught and reported as a
damaged file, and the work done on one document is capped.
"""

from __future__ import annotations

import io
import logging
import time
from datetime import datetime
from typing import Any

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, EmptyFileError, FileNotDecryptedError

from ..exc import CorruptFile, EncryptedFile, IngestError, TooLarge, UnsupportedFormat
from .base import PDF, Limits, Parsed

log = logging.getLogger(__name__)

NEEDS_OCR = "needs-ocr"
NO_TEXT_REASON = "no text layer: scanned PDF, needs OCR"
PAGE_SEPARATOR = "\n\n"
# Caps on one document: far above any real report, low enough that a crafted
# file cannot keep a batch busy for hours or fill memory with text.
MAX_PAGES = 10_000
MAX_TEXT_CHARS = 20_000_000
# Text extraction time grows faster than linearly with a page's drawing
# instructions; a page over this size is drawings (a map, a plan), not prose.
MAX_PAGE_CONTENT_BYTES = 2_000_000
TIME_BUDGET_SECONDS = 300.0

_ENCRYPTED = "password-protected PDF: remove the password and ingest again"
_DAMAGED = ("damaged PDF: its structure cannot be read; get a fresh copy (or open and "
            "re-save it in a PDF reader) and ingest again")


def parse_pdf(data: bytes, name: str, limits: Limits) -> Parsed:
    """Read the text layer and document information of a PDF."""
    try:
        return _read_pdf(data, name, limits)
    except IngestError:
        raise
    except MemoryError:
        raise TooLarge("too large to read in the memory available: ingest it on a "
                       "machine with more memory") from None
    except Exception as exc:  # last line of defence: hostile input must not stop a batch
        log.warning("%s: unexpected error while reading: %r", name, exc)
        raise CorruptFile(_DAMAGED) from None


def _read_pdf(data: bytes, name: str, limits: Limits) -> Parsed:
    reader = _open(data, name)
    try:
        page_count = len(reader.pages)
    except FileNotDecryptedError:
        raise EncryptedFile(_ENCRYPTED) from None
    except Exception as exc:  # pypdf raises many types on hostile input
        log.debug("%s: page tree unreadable: %r", name, exc)
        raise CorruptFile(_DAMAGED) from None

    parsed = Parsed(media_type=PDF)
    parsed.metadata["page_count"] = page_count
    _read_info(reader, parsed, name)
    read, failed = _read_pages(reader, page_count, parsed, name)

    if not parsed.text.strip():
        if read and failed == read:
            raise CorruptFile(_DAMAGED)
        parsed.text = ""
        parsed.pages = []
        parsed.status = NEEDS_OCR
        parsed.reason = NO_TEXT_REASON
    return parsed


def _open(data: bytes, name: str) -> PdfReader:
    if not data:
        raise CorruptFile("empty file (0 bytes): there is no PDF to read; "
                          "get a complete copy and ingest again")
    if b"%PDF-" not in data[:1024]:
        raise CorruptFile("not a PDF (its signature is missing): the file is damaged "
                          "or misnamed")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except EmptyFileError:
        raise CorruptFile("empty PDF: there is nothing to read; get a complete copy "
                          "and ingest again") from None
    except DependencyError:
        raise UnsupportedFormat(_NEEDS_CRYPTO) from None
    except Exception as exc:
        log.debug("%s: unreadable PDF: %r", name, exc)
        if b"%%EOF" not in data[-2048:]:
            raise CorruptFile("truncated PDF (its end is missing): get a complete copy "
                              "and ingest again") from None
        raise CorruptFile(_DAMAGED) from None
    if reader.is_encrypted:
        _unlock(reader)
    return reader


_NEEDS_CRYPTO = ("encrypted PDF using AES: install the 'cryptography' Python package "
                 "and ingest again")


def _unlock(reader: PdfReader) -> None:
    """Open a PDF that has only an owner password; refuse one that needs a user password."""
    try:
        result = reader.decrypt("")
    except DependencyError:
        raise UnsupportedFormat(_NEEDS_CRYPTO) from None
    except NotImplementedError:
        raise UnsupportedFormat("PDF encrypted with an unsupported method: remove the "
                                "encryption and ingest again") from None
    except Exception:
        raise EncryptedFile(_ENCRYPTED) from None
    if result == PasswordType.NOT_DECRYPTED:
        raise EncryptedFile(_ENCRYPTED)


def _read_info(reader: PdfReader, parsed: Parsed, name: str) -> None:
    """Title, author, dates and producing software from the document information."""
    try:
        info = reader.metadata
    except Exception as exc:
        log.debug("%s: document information unreadable: %r", name, exc)
        parsed.warnings.append("document information (title, author) could not be read")
        return
    if info is None:
        return
    parsed.title = _clean(_safe(lambda: info.title))
    parsed.author = _clean(_safe(lambda: info.author))
    for key, getter in (("subject", lambda: info.subject), ("creator", lambda: info.creator),
                        ("producer", lambda: info.producer)):
        value = _clean(_safe(getter))
        if value:
            parsed.metadata[key] = value
    created = _safe(lambda: info.creation_date)
    modified = _safe(lambda: info.modification_date)
    if isinstance(created, datetime):
        parsed.metadata["created"] = created.isoformat()
        parsed.published = created.date().isoformat()
    elif raw := _clean(_safe(lambda: info.creation_date_raw)):
        parsed.metadata["created_raw"] = raw
    if isinstance(modified, datetime):
        parsed.metadata["modified"] = modified.isoformat()


def _read_pages(reader: PdfReader, page_count: int, parsed: Parsed, name: str) -> tuple[int, int]:
    """Extract text page by page; one unreadable page never loses the others.

    Returns how many pages were attempted and how many of them failed.
    """
    parts: list[str] = []
    offset = 0
    failed = 0
    started = time.monotonic()
    for index in range(min(page_count, MAX_PAGES)):
        if time.monotonic() - started > TIME_BUDGET_SECONDS:
            parsed.warnings.append(f"text extraction stopped after page {index}: the PDF "
                                   f"took over {TIME_BUDGET_SECONDS:.0f} s to read")
            break
        number = index + 1
        try:
            text = _page_text(reader, index)
        except _PageTooComplex:
            parsed.warnings.append(f"page {number} skipped: its drawing instructions exceed "
                                   f"{MAX_PAGE_CONTENT_BYTES:,} bytes; OCR it if it holds text")
            text = ""
        except FileNotDecryptedError:
            raise EncryptedFile(_ENCRYPTED) from None
        except Exception as exc:
            log.debug("%s: page %d unreadable: %r", name, number, exc)
            parsed.warnings.append(f"page {number} could not be read: it is damaged")
            failed += 1
            text = ""
        text = text.replace("\x00", "").rstrip()
        if parts:
            offset += len(PAGE_SEPARATOR)
        if offset + len(text) > MAX_TEXT_CHARS:
            parsed.warnings.append(f"text truncated at page {number}: the PDF has more "
                                   f"than {MAX_TEXT_CHARS:,} characters of text")
            text = text[: max(0, MAX_TEXT_CHARS - offset)]
            parts.append(text)
            parsed.pages.append((number, offset, offset + len(text)))
            break
        parts.append(text)
        parsed.pages.append((number, offset, offset + len(text)))
        offset += len(text)
    else:
        if page_count > MAX_PAGES:
            parsed.warnings.append(f"only the first {MAX_PAGES:,} of {page_count:,} pages "
                                   "were read")
    parsed.text = PAGE_SEPARATOR.join(parts)
    return len(parts), failed


class _PageTooComplex(Exception):
    pass


def _page_text(reader: PdfReader, index: int) -> str:
    page = reader.pages[index]
    contents = page.get_contents()
    if contents is not None and len(contents.get_data()) > MAX_PAGE_CONTENT_BYTES:
        raise _PageTooComplex
    return page.extract_text() or ""


def _safe(getter: Any) -> Any:
    try:
        return getter()
    except Exception:  # a malformed info entry must not cost the document its text
        return None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    text = str(value).replace("\x00", "").strip()
    return text or None


__all__ = ["NEEDS_OCR", "NO_TEXT_REASON", "parse_pdf"]
