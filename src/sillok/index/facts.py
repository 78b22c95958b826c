"""From one document's text and extraction to the rows search and analysis use.

Everything here is a pure function of (document metadata, clean text, extraction
JSON), so re-indexing the same inputs gives the same rows.

**Origin of a fact.** For each violation × facility the extraction links, the
*origin* says where the document's support for it comes from:

- ``org:<id>`` when the passage carrying it credits an organisation: the document
  *relays* that organisation's reporting. When a passage credits several, the one
  named nearest the violation (in its sentence before elsewhere in the paragraph)
  is the one relayed; across passages, the one relayed most often (then first).
- otherwise ``doc:<document id>``: the document's own reporting, followed by
  ``by:<id>`` when its publisher is an organisation the knowledge base knows (so
  articles relaying OHCHR can be joined to OHCHR's own report).

:mod:`sillok.analyse.sources` groups documents on these keys.

**Quote strength** (higher is stronger), for the sentence around a violation mention:
+3 when the facility is named in the same sentence (+1 if only in its paragraph);
+2 for first-hand testimony ("I was", "former prisoner", "testified", 증언 …);
+1 for each other violation category in the sentence (at most +2);
+1 when the passage credits a source; −1 for a sentence under 40 or over 350
characters. Ties go to the earlier document and offset.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..kb import KnowledgeBase, load_kb, normalize_name
from . import passages
from .engine import EngineDoc
from .tokens import index_text

MAX_QUOTES_PER_FACT = 3
_TESTIMONY = re.compile(
    r"\b(?:I|we) (?:was|were|saw|witnessed|had|remember|heard)\b|\bformer (?:prisoner|detainee|"
    r"inmate|guard)s?\b|\btestif(?:y|ied|ies)\b|\btestimon(?:y|ies)\b|\beyewitness|"
    r"\bsurvivors?\b|\binterview(?:ed|s)?\b|\brecalled\b|\btold (?:us|me|HRW|Human Rights Watch)"
    r"|증언|목격|탈북민|수감자|출신",
    re.IGNORECASE,
)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(frozen=True)
class DocInput:
    id: str
    text: str
    text_sha256: str
    title: str | None
    publisher: str | None
    published: str | None
    language: str | None
    path: str
    extraction: Mapping[str, Any] | None
    extraction_sha256: str = ""


@dataclass
class DocFacts:
    engine: EngineDoc
    document: dict[str, Any]
    mentions: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)
    claims: list[dict[str, Any]] = field(default_factory=list)


@cache
def _org_keys() -> dict[str, str]:
    kb = load_kb()
    keys: dict[str, str] = {}
    for org in kb.organizations.values():
        for name in (org.id, org.name, *org.aliases):
            keys.setdefault(normalize_name(name), org.id)
    return keys


def publisher_key(extracted: str | None, stated: str | None) -> str | None:
    """The publisher as an organisation id when the knowledge base knows it, else its name."""
    keys = _org_keys()
    for candidate in (extracted, stated):
        if candidate and normalize_name(candidate) in keys:
            return keys[normalize_name(candidate)]
    value = (extracted or stated or "").strip()
    return value[:200] or None


def normalise_date(value: str | None) -> tuple[str | None, int | None]:
    """("2021-02-09", 20210209) from "2021-02-09T14:09:00"; partial dates keep their part."""
    match = _DATE.match(value or "")
    if not match:
        return None, None
    year, month, day = match.groups()
    text = "-".join(p for p in (year, month, day) if p)
    return text, int(year) * 10000 + int(month or 0) * 100 + int(day or 0)


def _spans(entry: Mapping[str, Any]) -> list[tuple[int, int]]:
    return [(int(m["start"]), int(m["end"])) for m in entry.get("mentions") or []
            if isinstance(m, Mapping) and "start" in m and "end" in m]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start <= s and e <= end for s, e in spans)


def derive(doc: DocInput, kb: KnowledgeBase | None = None) -> DocFacts:
    """Every derived row for ``doc``."""
    kb = kb or load_kb()
    out: Mapping[str, Any] = doc.extraction or {}
    publisher = publisher_key(out.get("publisher"), doc.publisher)
    published, day = normalise_date(out.get("published") or doc.published)
    values: dict[str, list[str]] = {}
    spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for kind, key in (("facility", "facilities"), ("facility_type", "facility_types"),
                      ("violation", "violations"), ("organization", "organizations"),
                      ("agency", "agencies")):
        for entry in out.get(key) or []:
            ident = str(entry.get("id", ""))
            if not ident:
                continue
            values.setdefault(kind, [])
            if ident not in values[kind]:
                values[kind].append(ident)
            spans.setdefault((kind, ident), []).extend(_spans(entry))
    implied = [kb.facilities[f].type for f in values.get("facility", []) if f in kb.facilities]
    types = values.setdefault("facility_type", [])
    types.extend(t for t in dict.fromkeys(implied) if t not in types)
    facets = {k: sorted(v) for k, v in values.items() if v}
    if publisher:
        facets["publisher"] = [publisher]
    if doc.language:
        facets["language"] = [doc.language]
    if published:
        facets["year"] = [published[:4]]
    body = index_text(f"{doc.title or ''}\n{doc.text}")
    facts = DocFacts(
        engine=EngineDoc(doc.id, body, facets, day, extracted=doc.extraction is not None),
        document={"document_id": doc.id, "path": doc.path, "title": doc.title,
                  "published": published, "publisher": publisher, "language": doc.language,
                  "text_sha256": doc.text_sha256},
    )
    for (kind, ident), found in sorted(spans.items()):
        facts.mentions.append({"document_id": doc.id, "kind": kind, "value": ident,
                               "mentions": len(found), "published": published})
    for kind, idents in values.items():
        for ident in idents:
            if (kind, ident) not in spans:
                facts.mentions.append({"document_id": doc.id, "kind": kind, "value": ident,
                                       "mentions": 0, "published": published})
    org_spans = {k[1]: v for k, v in spans.items() if k[0] == "organization"}
    violation_spans = [s for k, v in spans.items() if k[0] == "violation" for s in v]
    segments = passages.Segments(doc.text) if out.get("violations") else None
    for entry in out.get("violations") or []:
        assert segments is not None
        _violation_facts(doc, segments, entry, spans, org_spans, violation_spans, publisher,
                         facts)
    for link in facts.links:
        link["published"] = published
        link["copy_group"] = None  # set by index.copies once every document is in
    for seq, claim in enumerate(out.get("claims") or []):
        facts.claims.append({
            "document_id": doc.id, "seq": seq, "subject": str(claim.get("subject") or "all"),
            "measure": str(claim.get("measure") or ""), "low": claim.get("low"),
            "high": claim.get("high"), "as_of": _opt(claim.get("as_of")),
            "attributed_to": sorted(str(a) for a in claim.get("attributed_to") or []),
            "start": int(claim.get("start") or 0), "end": int(claim.get("end") or 0),
            "text": str(claim.get("text") or ""), "published": published})
    return facts


def _opt(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


@dataclass(frozen=True)
class _Passage:
    sentence: tuple[int, int]
    paragraph: tuple[int, int]
    orgs: frozenset[str]
    primary: str | None  # the credited organisation named nearest the mention
    base: float  # strength from everything but the facility


def _passage(segments: passages.Segments, start: int, own: list[tuple[int, int]],
             org_spans: dict[str, list[tuple[int, int]]],
             violation_spans: list[tuple[int, int]]) -> _Passage:
    text = segments.text
    s_start, s_end = segments.sentence(start)
    p_start, p_end = segments.paragraph(start)
    orgs = frozenset(o for o, found in org_spans.items() if _inside(found, p_start, p_end))
    nearest = sorted((not (s_start <= s and e <= s_end), abs(s - start), org)
                     for org, found in org_spans.items() if org in orgs
                     for s, e in found if p_start <= s and e <= p_end)
    primary = nearest[0][2] if nearest else None
    others = sum(1 for v in violation_spans if s_start <= v[0] < s_end and v not in own)
    base = 2.0 if _TESTIMONY.search(text, s_start, s_end) else 0.0
    base += min(2.0, float(others)) + (1.0 if orgs else 0.0)
    base -= 0.0 if 40 <= s_end - s_start <= 350 else 1.0
    return _Passage((s_start, s_end), (p_start, p_end), orgs, primary, base)


def _violation_facts(doc: DocInput, segments: passages.Segments, entry: Mapping[str, Any],
                     spans: dict[tuple[str, str], list[tuple[int, int]]],
                     org_spans: dict[str, list[tuple[int, int]]],
                     violation_spans: list[tuple[int, int]], publisher: str | None,
                     facts: DocFacts) -> None:
    violation = str(entry.get("id", ""))
    mentions = _spans(entry)
    if not violation or not mentions:
        return
    facilities = [str(f) for f in entry.get("facilities") or []] or [""]
    text = doc.text
    found = [_passage(segments, start, mentions, org_spans, violation_spans)
             for start, _end in mentions[:50]]
    for facility in facilities:
        fac_spans = spans.get(("facility", facility), [])
        scored: list[tuple[float, int, int]] = []
        relayed: list[str] = []
        for passage in found:
            in_sentence = _inside(fac_spans, *passage.sentence)
            in_paragraph = in_sentence or _inside(fac_spans, *passage.paragraph)
            if facility and fac_spans and not in_paragraph:
                continue  # this mention is about another place
            if passage.primary:
                relayed.append(passage.primary)
            bonus = 3.0 if in_sentence else 1.0 if in_paragraph else 0.0
            scored.append((passage.base + bonus, *passage.sentence))
        if not scored:
            scored.append((0.0, *found[0].sentence))
        if relayed:
            most = max(relayed.count(o) for o in relayed)
            origin = "org:" + next(o for o in relayed if relayed.count(o) == most)
        else:
            origin = f"doc:{doc.id}" + (f" by:{publisher}" if publisher in _org_ids() else "")
        facts.links.append({"document_id": doc.id, "violation": violation,
                            "facility": facility, "origin": origin})
        seen: set[tuple[int, int]] = set()
        for strength, s_start, s_end in sorted(scored, key=lambda q: (-q[0], q[1])):
            if (s_start, s_end) in seen or s_end <= s_start:
                continue
            seen.add((s_start, s_end))
            facts.quotes.append({"document_id": doc.id, "violation": violation,
                                 "facility": facility, "start": s_start, "end": s_end,
                                 "text": text[s_start:s_end], "strength": strength})
            if len(seen) >= MAX_QUOTES_PER_FACT:
                break


@cache
def _org_ids() -> frozenset[str]:
    return frozenset(load_kb().organizations)
