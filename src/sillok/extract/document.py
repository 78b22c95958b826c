"""One document in, one extraction record out (EXTRACTION_FORMAT.md).

:func:`extract_text` runs the gazetteer (names of facility types, facilities,
agencies, organisations), then violations and claims on top of its mentions,
and returns exactly the JSON object of the spec: every list present, ids from
the vocabulary, offsets into ``text`` such that ``text[start:end]`` is the
mention's text, everything sorted so that the same input gives byte-identical
output.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from .attribution import government_mentions
from .claims import find_claims
from .context import DocContext, Located, MentionLike
from .segment import segment
from .violations import find_violations, violations_output

log = logging.getLogger(__name__)

MENTION_KINDS = {
    "facility_type": "facility_types",
    "facility": "facilities",
    "agency": "agencies",
    "organization": "organizations",
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
_LATIN = re.compile(r"[A-Za-z]+")

Finder = Callable[[str], Sequence[MentionLike]]


def _gazetteer() -> Finder | None:
    try:
        from .gazetteer import find_mentions
    except ImportError:  # the linker ships separately; without it only violations/claims run
        log.warning("sillok.extract.gazetteer is not available: names are not linked")
        return None

    def finder(text: str) -> Sequence[MentionLike]:
        return find_mentions(text)

    return finder


def guess_language(text: str) -> str:
    """``ko`` when Hangul outweighs Latin letters, else ``en``."""
    sample = text[:20000]
    if not _HANGUL.search(sample):
        return "en"
    hangul = sum(len(run) for run in _HANGUL.findall(sample))
    latin = sum(len(word) for word in _LATIN.findall(sample))
    return "ko" if hangul * 2 > latin else "en"


def _located(mentions: Iterable[MentionLike], text: str) -> list[Located]:
    out: set[Located] = set()
    for m in mentions:
        if m.kind in MENTION_KINDS and 0 <= m.start < m.end <= len(text):
            out.add(Located(m.start, m.end, m.kind, m.id))
    return sorted(out, key=lambda m: (m.start, m.end, m.kind, m.id))


def _with_government_sources(found: list[Located], text: str) -> list[Located]:
    """Add "South Korean officials"-style credits the name linker does not list."""
    named = {(m.id, m.start) for m in found if m.kind == "organization"}
    extra = [m for m in government_mentions(text) if (m.id, m.start) not in named]
    return sorted(set(found) | set(extra), key=lambda m: (m.start, m.end, m.kind, m.id))


def _grouped(found: list[Located], kind: str, text: str) -> list[dict[str, Any]]:
    by_id: dict[str, list[Located]] = {}
    for m in found:
        if m.kind == kind:
            by_id.setdefault(m.id, []).append(m)
    return [
        {"id": ident,
         "mentions": [{"start": m.start, "end": m.end, "text": text[m.start:m.end]}
                      for m in sorted(by_id[ident], key=lambda m: (m.start, m.end))]}
        for ident in sorted(by_id)
    ]


def _claim_order(claim: dict[str, Any]) -> tuple[Any, ...]:
    return (claim["start"], claim["end"], claim["subject"], claim["measure"],
            -1 if claim["low"] is None else claim["low"],
            -1 if claim["high"] is None else claim["high"])


def extract_text(
    text: str,
    *,
    document: str,
    sha256: str,
    language: str | None = None,
    title: str | None = None,
    published: str | None = None,
    publisher: str | None = None,
    find_mentions: Finder | None = None,
) -> dict[str, Any]:
    """The extraction record of one document's text (see EXTRACTION_FORMAT.md).

    ``text`` is the document's extracted text (what ``sillok text`` prints);
    offsets in the result index into it. ``find_mentions`` replaces the
    gazetteer (tests, or a caller that already linked the names).
    """
    finder = find_mentions if find_mentions is not None else _gazetteer()
    found = _located(finder(text) if finder is not None else [], text)
    found = _with_government_sources(found, text)
    ctx = DocContext(text=text, seg=segment(text), mentions=found, publisher=publisher)
    claims = sorted(find_claims(ctx), key=_claim_order)
    record: dict[str, Any] = {
        "document": document,
        "sha256": sha256,
        "language": language or guess_language(text),
        "title": title,
        "published": published,
        "publisher": publisher,
    }
    for kind, field in MENTION_KINDS.items():
        record[field] = _grouped(found, kind, text)
    record["violations"] = violations_output(ctx, find_violations(ctx))
    record["claims"] = claims
    return record
