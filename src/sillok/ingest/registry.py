"""Which ingestor reads which media type."""

from __future__ import annotations

import importlib

from ..exc import UnsupportedFormat
from .base import DOCX, EML, HTML, MARKDOWN, MBOX, PDF, TEXT, WARC, ZIP, Parser

_PARSERS: dict[str, tuple[str, str]] = {
    HTML: ("sillok.ingest.html", "parse_html"),
    TEXT: ("sillok.ingest.text", "parse_text"),
    MARKDOWN: ("sillok.ingest.text", "parse_text"),
    PDF: ("sillok.ingest.pdf", "parse_pdf"),
    DOCX: ("sillok.ingest.office", "parse_docx"),
    EML: ("sillok.ingest.email", "parse_eml"),
    MBOX: ("sillok.ingest.email", "parse_mbox"),
    ZIP: ("sillok.ingest.containers", "parse_zip"),
    WARC: ("sillok.ingest.containers", "parse_warc"),
}


def parser_for(media_type: str) -> Parser:
    """The ingestor for ``media_type``; imported on first use so start-up stays fast."""
    try:
        module_name, function = _PARSERS[media_type]
    except KeyError:
        raise UnsupportedFormat(f"Sillok cannot read {media_type} files") from None
    module = importlib.import_module(module_name)
    parser: Parser = getattr(module, function)
    return parser
