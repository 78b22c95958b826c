"""Saved web pages: main text and metadata through trafilatura.

trafilatura drops navigation, menus, share widgets, comments and sidebars and
keeps the article. Nothing in the page is executed or fetched: the page is
parsed as data only.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import trafilatura
from trafilatura.settings import Extractor, use_config

from .base import HTML, Limits, Parsed
from .decode import decode_text

log = logging.getLogger(__name__)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)
# trafilatura logs every page it finds too short; that is not news to our users.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)


# trafilatura hands a page whose article is under MIN_EXTRACTED_SIZE characters (250 by
# default) to its fallback extractors, which keep every visible line: a short notice or a
# short page inside a WARC came out with its "Home | About | Donate" menu. Evidence pages
# are often short, so the article extractor's own result is trusted at any length.
_CONFIG = use_config()
_CONFIG.set("DEFAULT", "MIN_EXTRACTED_SIZE", "20")
_CONFIG.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")

# The page's own date (metadata, byline), never a guess from "© 2024" in a footer.
# (htmldate's parameters; trafilatura's annotation says strings, its code passes them on.)
_DATE_PARAMS: dict[str, Any] = {"extensive_search": False, "original_date": True}
# How Sillok calls ``trafilatura.bare_extraction``, built once: given as keywords, the
# options were rebuilt for every page, reading the configuration each time (47 µs).
# bench/ingest.py times trafilatura alone with the same object.
EXTRACTOR = Extractor(
    config=_CONFIG, output_format="python", with_metadata=True, comments=False,
    tables=True, images=False, links=False, recall=True, date_params=_DATE_PARAMS)


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _paragraphs(text: str) -> str:
    """trafilatura separates blocks with one newline; a blank line reads better and
    keeps paragraphs apart for the extractor."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def parse_html(data: bytes, name: str, limits: Limits) -> Parsed:
    """Main text and metadata of a saved web page."""
    markup, encoding = decode_text(data, _declared_charset(data))
    result = trafilatura.bare_extraction(markup, options=EXTRACTOR)
    info: dict[str, Any] = {}
    if isinstance(result, dict):
        info = result
    elif result is not None:
        info = result.as_dict()
    text = info.get("text") or ""
    parsed = Parsed(media_type=HTML, metadata={"encoding": encoding})
    if not text.strip():
        # No article found: keep whatever visible text the page has rather than nothing.
        text = trafilatura.html2txt(markup) or ""
        parsed.metadata["boilerplate"] = "no main article found; all visible text kept"
    parsed.text = _paragraphs(text)
    parsed.title = info.get("title") or None
    parsed.author = info.get("author") or None
    parsed.publisher = info.get("sitename") or None
    parsed.published = info.get("date") or None
    parsed.url = info.get("url") or None
    for key in ("description", "categories", "tags", "hostname"):
        if info.get(key):
            parsed.metadata[key] = info[key]
    return parsed
