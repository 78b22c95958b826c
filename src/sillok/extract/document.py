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
from functools import cache
from typing import Any

from .attribution import government_mentions
from .claims import find_claims
from .context import HANGUL_SYLLABLE, DocContext, Located, MentionLike
from .segment import Segmentation, segment
from .violations import find_violations, violations_output

log = logging.getLogger(__name__)

MENTION_KINDS = {
    "facility_type": "facility_types",
    "facility": "facilities",
    "agency": "agencies",
    "organization": "organizations",
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# every character that is neither ASCII nor a Hangul syllable
_OTHER_SCRIPTS = re.compile(r"[^\x00-\x7f\uac00-\ud7a3]")
_ASCII_NOT_LATIN = bytes(c for c in range(128) if not chr(c).isalpha())

Finder = Callable[[str], Sequence[MentionLike]]


def _gazetteer() -> Callable[[str, bool], Sequence[MentionLike]] | None:
    """The name linker: ``(text, whether it has Hangul) → mentions``, if it is installed."""
    try:
        from .gazetteer import find_mentions
    except ImportError:  # the linker ships separately; without it only violations/claims run
        log.warning("sillok.extract.gazetteer is not available: names are not linked")
        return None

    def finder(text: str, hangul: bool) -> Sequence[MentionLike]:
        return find_mentions(text, hangul=hangul)

    return finder


def guess_language(text: str) -> str:
    """``ko`` when Hangul outweighs Latin letters, else ``en``."""
    sample = text[:20000]
    if not _HANGUL.search(sample):
        return "en"
    # Counted without a regex match per word: the Latin letters among the ASCII
    # characters, and the Hangul syllables as what is neither ASCII nor another script.
    ascii_only = sample.encode("ascii", "ignore")
    latin = len(ascii_only.translate(None, _ASCII_NOT_LATIN))
    hangul = len(sample) - len(ascii_only) - len(_OTHER_SCRIPTS.findall(sample))
    return "ko" if hangul * 2 > latin else "en"


def _located(mentions: Iterable[MentionLike], text: str) -> list[Located]:
    # deduplicated and sorted as plain tuples (start, end, kind, id): much cheaper
    # than hashing and sorting the dataclass, with the same result
    size = len(text)
    out = {(m.start, m.end, m.kind, m.id) for m in mentions
           if m.kind in MENTION_KINDS and 0 <= m.start < m.end <= size}
    return [Located(*fields) for fields in sorted(out)]


# VOCABULARY.md's organisation ids: fixed, and the only ones gold annotations can use
VOCABULARY_ORGANIZATIONS = frozenset({
    "ohchr", "un-coi", "un-special-rapporteur", "un-secretary-general",
    "un-human-rights-council", "hrw", "hrnk", "kinu", "nkdb", "tjwg", "nk-watch", "walk-free",
    "open-north-korea", "korea-future", "amnesty", "us-state-department", "rfa", "daily-nk",
    "reuters", "jubilee-campaign", "freedom-united", "south-korean-government", "us-government",
})
# a sentence that credits a news outlet: "Yonhap reported", "according to NK News",
# "연합뉴스는 … 보도"
_CREDITS_MEDIA = re.compile(
    r"\b(?:according\s+to|reported|reports|reporting|report\s+by|told|cited|citing|quoted|"
    r"said|says|broadcast|aired|obtained\s+by|revealed)\b|보도|따르면|전했|밝혔|인용|보고",
    re.IGNORECASE)
_DATELINE_BEFORE = re.compile(r"(?:\(|=|\bBy\s|©|Copyright\s)[^()\n]{0,25}$")
_DATELINE_AFTER = re.compile(r"\s*(?:\)|\s[-–—]\s)")


@cache
def _organization_info() -> tuple[dict[str, str], frozenset[str]]:
    """(organisation → the vocabulary organisation it is part of, media ids outside it)."""
    try:
        from ..kb import load_kb

        orgs = load_kb().organizations
    except Exception:  # without the knowledge base ids pass through unchanged
        return {}, frozenset()
    parent: dict[str, str] = {}
    for org in orgs.values():
        root, seen = org, {org.id}
        while root.part_of is not None and root.part_of in orgs and root.part_of not in seen:
            root = orgs[root.part_of]
            seen.add(root.id)
        if root.id != org.id:
            parent[org.id] = root.id
    media = frozenset(o.id for o in orgs.values()
                      if o.kind == "media" and o.id not in VOCABULARY_ORGANIZATIONS)
    return parent, media


def _credited_outlet(text: str, seg: Segmentation, m: Located) -> bool:
    """A news outlet named as a source, not in a dateline, byline or publisher line."""
    line_start = text.rfind("\n", 0, m.start) + 1
    line_end = text.find("\n", m.end)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - line_start <= 80 and not re.search(r"[.다]\s*$", text[line_start:line_end]):
        return False  # a byline, a publisher or a copyright line
    if _DATELINE_BEFORE.search(text, max(line_start, m.start - 25), m.start) and (
            _DATELINE_AFTER.match(text, m.end) or text[m.end:m.end + 1] in ")="):
        return False  # "(서울=연합뉴스)", "SEOUL (AP) -"
    sentence = seg.sentence_at(m.start)
    return _CREDITS_MEDIA.search(text, sentence.start, sentence.end) is not None


def _vocabulary_organizations(found: list[Located], text: str,
                              seg: Segmentation) -> list[Located]:
    """Organisation mentions under the ids the output may use.

    A body of a vocabulary organisation is reported as that organisation
    ("북한인권기록센터" → ``south-korean-government``); a news outlet outside the
    vocabulary only where the text credits it as a source.
    """
    parent, media = _organization_info()
    out: list[Located] = []
    renamed = False
    for m in found:
        if m.kind == "organization":
            if m.id in media and not _credited_outlet(text, seg, m):
                continue
            if m.id in parent:
                m = Located(m.start, m.end, m.kind, parent[m.id])
                renamed = True
        out.append(m)
    # ``found`` is sorted and unique, and so is what is left of it unless an id changed
    return _unique_sorted(out) if renamed else out


def _unique_sorted(found: Iterable[Located]) -> list[Located]:
    """``sorted(set(found))`` by (start, end, kind, id), deduplicated on plain tuples."""
    unique = {(m.start, m.end, m.kind, m.id): m for m in found}
    return [unique[key] for key in sorted(unique)]


def _with_government_sources(found: list[Located], text: str) -> list[Located]:
    """Add "South Korean officials"-style credits the name linker does not list."""
    named = {(m.id, m.start) for m in found if m.kind == "organization"}
    extra = [m for m in government_mentions(text) if (m.id, m.start) not in named]
    return _unique_sorted([*found, *extra]) if extra else found  # ``found`` is sorted, unique


def _grouped(found: list[Located], text: str) -> dict[str, list[dict[str, Any]]]:
    """The output's mention lists, by field: one entry per id, sorted by id.

    ``found`` is sorted by (start, end, …), so each id's mentions come in text order.
    """
    by_kind: dict[str, dict[str, list[Located]]] = {kind: {} for kind in MENTION_KINDS}
    for m in found:
        by_kind[m.kind].setdefault(m.id, []).append(m)
    return {
        field: [
            {"id": ident,
             "mentions": [{"start": m.start, "end": m.end, "text": text[m.start:m.end]}
                          for m in by_kind[kind][ident]]}
            for ident in sorted(by_kind[kind])
        ]
        for kind, field in MENTION_KINDS.items()
    }


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
    hangul = HANGUL_SYLLABLE.search(text) is not None  # looked for once, for every step
    if find_mentions is not None:
        mentions = find_mentions(text)
    else:
        linker = _gazetteer()
        mentions = linker(text, hangul) if linker is not None else []
    found = _located(mentions, text)
    seg = segment(text)
    found = _vocabulary_organizations(_with_government_sources(found, text), text, seg)
    ctx = DocContext(text=text, seg=seg, mentions=found, publisher=publisher,
                     published=published, hangul=hangul)
    claims = sorted(find_claims(ctx), key=_claim_order)
    record: dict[str, Any] = {
        "document": document,
        "sha256": sha256,
        # without a Hangul syllable anywhere the guess is "en" (see guess_language)
        "language": language or (guess_language(text) if ctx.has_hangul else "en"),
        "title": title,
        "published": published,
        "publisher": publisher,
    }
    record.update(_grouped(found, text))
    record["violations"] = violations_output(ctx, find_violations(ctx))
    record["claims"] = claims
    return record
