"""Plain text and Markdown in any encoding, with web-page chrome removed."""

from __future__ import annotations

import re

from .base import MARKDOWN, TEXT, Limits, Parsed
from .decode import decode_text

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_MONTH_NUM = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_DATE_PATTERNS = (
    # no \b before the month: run-together dumps glue it to the word before ("NowFebruary")
    re.compile(rf"(?P<month>{_MONTHS})\.? (?P<day>\d{{1,2}}),? (?P<year>(19|20)\d\d)\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTHS})\.? (?P<year>(19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"(?P<year>(19|20)\d\d)\s*년\s*(?P<mnum>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"\b(?P<year>(19|20)\d\d)\.\s?(?P<mnum>\d{1,2})\.\s?(?P<day>\d{1,2})\b"),
)


_SITE_SUFFIX = re.compile(r"^(.{8,}?)\s+[|–—]\s+([^|–—]{2,60})$")


def find_date(text: str) -> str | None:
    """The publication date in the head of ``text`` as YYYY-MM-DD, or None.

    The latest full date wins: a page head also carries dates of photo captions and
    earlier events, which precede the publication date.
    """
    found: list[str] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else \
                _MONTH_NUM[parts["month"].lower()]
            day = int(parts["day"])
            if 1 <= month <= 12 and 1 <= day <= 31:
                found.append(f"{parts['year']}-{month:02d}-{day:02d}")
    return max(found) if found else None


_GLUED = re.compile(r"(?<=[a-z0-9.!?”’)])(?=[A-Z][a-z])")


def _title(text: str, markdown: bool = False) -> str | None:
    lines = [line.strip() for line in text.splitlines()]
    if markdown:
        for line in lines:
            if line.startswith("# "):
                return line[2:].strip()[:300]
    for line in lines:
        if line and not line.startswith("<!--"):
            return line.lstrip("#").strip()[:300]
    return None


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
    # A web page saved as text starts with the page title, often "Headline | Site".
    title = _title(raw, media_type == MARKDOWN) or _title(clean)
    if title and len(title) > 150:
        # a dump whose elements ran together: the title ends where the next begins
        title = _GLUED.split(title, maxsplit=1)[0]
    publisher = None
    if title:
        match = _SITE_SUFFIX.match(title)
        if match:
            title, publisher = match.group(1).strip(), match.group(2).strip()
    return Parsed(
        media_type=media_type,
        text=clean,
        title=title,
        publisher=publisher,
        published=find_date(raw[:2000]),
        metadata={"encoding": encoding},
    )
