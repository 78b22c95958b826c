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
    re.compile(rf"\b(?P<month>{_MONTHS})\.? (?P<day>\d{{1,2}}),? (?P<year>(19|20)\d\d)\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTHS})\.? (?P<year>(19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"(?P<year>(19|20)\d\d)\s*년\s*(?P<mnum>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"\b(?P<year>(19|20)\d\d)\.\s?(?P<mnum>\d{1,2})\.\s?(?P<day>\d{1,2})\b"),
)


def find_date(text: str) -> str | None:
    """The first full date in ``text`` as YYYY-MM-DD, or None."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["mnum"]) if parts.get("mnum") else _MONTH_NUM[parts["month"].lower()]
        day = int(parts["day"])
        if not (1 <= month <= 12 and 1 <= day <= 31):
            continue
        value = f"{parts['year']}-{month:02d}-{day:02d}"
        if best is None or match.start() < best[0]:
            best = (match.start(), value)
    return best[1] if best else None


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
    return Parsed(
        media_type=media_type,
        text=clean,
        title=_title(clean, media_type == MARKDOWN) or _title(raw),
        published=find_date(raw[:3000]),
        metadata={"encoding": encoding},
    )
