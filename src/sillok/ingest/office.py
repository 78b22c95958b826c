"""DOCX: paragraphs and tables in reading order, with the core document properties."""

from __future__ import annotations

import io
import logging
import zipfile
from datetime import datetime
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from ..exc import CorruptFile, EncryptedFile, IngestError, TooLarge
from .base import DOCX, Limits, Parsed

log = logging.getLogger(__name__)

# An encrypted Office document is not a zip but an OLE compound file that holds
# the encrypted package; legacy .doc files share the OLE signature.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_DAMAGED = ("damaged Word document: its contents cannot be read; open and re-save it in "
            "Word or LibreOffice and ingest again")


def parse_docx(data: bytes, name: str, limits: Limits) -> Parsed:
    """Read the body text (paragraphs, then table rows as ``cell | cell``) and properties."""
    try:
        return _read_docx(data, name, limits)
    except IngestError:
        raise
    except MemoryError:
        raise TooLarge("too large to read in the memory available: ingest it on a "
                       "machine with more memory") from None
    except Exception as exc:  # last line of defence: hostile input must not stop a batch
        log.warning("%s: unexpected error while reading: %r", name, exc)
        raise CorruptFile(_DAMAGED) from None


def _read_docx(data: bytes, name: str, limits: Limits) -> Parsed:
    if data.startswith(_OLE_SIGNATURE):
        if _ENCRYPTED_PACKAGE in data:
            raise EncryptedFile("password-protected Word document: remove the password and "
                                "ingest again")
        raise CorruptFile("old-style Word document (.doc) named .docx: save it as .docx in "
                          "Word or LibreOffice and ingest again")
    _check_expansion(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = _render(document)
    except Exception as exc:  # python-docx, zipfile and lxml all raise on damaged input
        log.debug("%s: unreadable DOCX: %r", name, exc)
        raise CorruptFile(_DAMAGED) from None

    parsed = Parsed(media_type=DOCX, text="\n\n".join(blocks))
    try:
        _read_properties(document.core_properties, parsed)
    except Exception as exc:
        log.debug("%s: core properties unreadable: %r", name, exc)
        parsed.warnings.append("document properties (title, author) could not be read")
    return parsed


def _check_expansion(data: bytes, limits: Limits) -> None:
    """Refuse a DOCX whose parts would unpack past the caps (a zip bomb named .docx).

    The zip reader never returns more than a member's declared size, so the
    declared sizes bound what the Word parser can be made to hold in memory.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception:
        raise CorruptFile(_DAMAGED) from None
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names or not any(n.startswith("word/") for n in names):
        raise CorruptFile("not a Word document: it is a zip archive with no document body "
                          "inside; rename it to .zip to ingest the files it holds")
    declared = sum(info.file_size for info in infos)
    members = len(infos)
    if declared > limits.max_expansion:
        raise TooLarge(f"Word document unpacks to {declared:,} bytes, over the expansion "
                       "limit: raise max_expansion if it is genuine")
    if members > limits.max_members:
        raise TooLarge(f"Word document has {members:,} parts, over the limit of "
                       f"{limits.max_members:,}: raise max_members if it is genuine")


def _render(container: Any) -> list[str]:
    """Paragraph and table texts of a document, a table cell or a section, in order."""
    blocks: list[str] = []
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            text = item.text.strip()
            if text:
                blocks.append(text)
        elif isinstance(item, Table):
            rows = _render_table(item)
            if rows:
                blocks.append("\n".join(rows))
    return blocks


def _render_table(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells = []
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(" ".join(_render(cell)).split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def _read_properties(props: Any, parsed: Parsed) -> None:
    parsed.title = _clean(props.title)
    parsed.author = _clean(props.author)
    created = props.created
    if isinstance(created, datetime):
        parsed.published = created.date().isoformat()
        parsed.metadata["created"] = created.isoformat()
    if isinstance(props.modified, datetime):
        parsed.metadata["modified"] = props.modified.isoformat()
    for key in ("subject", "keywords", "last_modified_by", "language", "category"):
        value = _clean(getattr(props, key, None))
        if value:
            parsed.metadata[key] = value


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None
