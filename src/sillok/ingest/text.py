"""Plain text and Markdown in any encoding, with web-page chrome removed."""

from __future__ import annotations

from .base import MARKDOWN, TEXT, Limits, Parsed
from .decode import decode_text
from .textmeta import find_date, is_banner, title_and_publisher

__all__ = ["find_date", "parse_text"]

def _clean(text: str) -> str:
    try:
        from .textclean import clean_text
    except ImportError:  # the cleaner is optional until it ships
        return text.strip()
    return clean_text(text)


def parse_text(data: bytes, name: str, limits: Limits) -> Parsed:
    """Decode, strip page chrome, and find a title and date in the head of the text."""
    raw, encoding = decode_text(data)
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    media_type = MARKDOWN if name.lower().endswith((".md", ".markdown")) else TEXT
    clean = _clean(raw)
    # A web page saved as text starts with the page title, often "Headline | Site"; when
    # the head is a banner or disclaimer, the cleaned text (banner removed) is tried next.
    title, publisher = title_and_publisher(raw, media_type == MARKDOWN)
    if title is None:
        title, clean_publisher = title_and_publisher(clean, media_type == MARKDOWN)
        publisher = publisher or clean_publisher
    if publisher and is_banner(publisher):
        publisher = None
    return Parsed(
        media_type=media_type,
        text=clean,
        title=title,
        publisher=publisher,
        published=find_date(raw[:2000]),
        metadata={"encoding": encoding},
    )
