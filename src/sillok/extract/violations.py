"""Violation categories named in a text, English and Korean.

Triggers come from ``patterns/violations.yml`` (the language of the field:
"beatings", "“pumps”", "stress positions", 공개처형, 강제북송 …). A trigger counts
when it is

- not inside an organisation's name ("Committee against Torture",
  "Walk Free Foundation" are names, not reports);
- not swallowed by a longer trigger of another category ("sexual slavery" is
  sexual violence, not forced labour) — except that a death trigger keeps what
  it contains ("beaten to death" is torture and a death in custody);
- not negated in its sentence (:mod:`sillok.extract.negation`).

Each category lists its mentions and the facilities its sentences talk about:
facility mentions in the same sentence, else in the paragraph (or, for a huge
run-on paragraph, the neighbouring sentences).
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Any, NamedTuple

from .context import BARE_TYPE, DocContext, find_word
from .lexicon import Hit, load_lexicon
from .negation import Negations
from .segment import Span

VIOLATIONS = load_lexicon("violations.yml")
# Categories whose trigger may contain another category's trigger without removing it.
_KEEPS_INNER = frozenset({"death-in-custody"})
# Triggers that are violations only in detention: "hunger in the town" is not starvation
# in custody, "my father beat me" is not torture. Keyed by category, run on the hit text.
_NEEDS_DETENTION = {
    "starvation": re.compile(
        r"hunger|malnutrition|malnourish|food (?:and medicine )?shortage|굶주|배고픔|배가\s?고파|"
        r"영양\s?실조", re.IGNORECASE),
    "torture": re.compile(r"beat (?:me|us)\b", re.IGNORECASE),
}
_IN_CUSTODY = frozenset({"death-in-custody", "execution", "forced-labour", "arbitrary-detention",
                         "medical-neglect", "inhumane-conditions"})
# Words that put a passage in detention (lower-cased text; Latin matches start a word)
_DETENTION = re.compile(
    r"(?:prison\w*|camps?\b|detain\w*|detention|custody|inmates?|jail\w*|guards?\b|"
    r"interrogat\w*|cells?\b|held\b|imprison\w*|incarcerat\w*|arrest\w*|punishment|"
    r"kwanliso|kyohwaso|kyoyangso|jipkyulso|kuryujang|labou?r\s+(?:training|camp))"
    r"|수감|수용소|수용자|교화소|관리소|교양소|집결소|단련대|구류장|구금|감방|감옥|보위부|안전부|"
    r"경비|계호원|보안원|보위원|간수|취조|조사실")
# A passage that points back at a place or a witness: "the camp", "there", "the witness said"
# A passage that points back at a place or a witness: "the camp", "there", "the witness
# said". Literal-first (fast to scan) on the lower-cased text; the caller checks that a
# Latin match starts a word.
_BACK_REFERENCE = re.compile(
    r"(?:the|this|that)\s+(?:\w+\s+)?(?:camp|prison|facility|kwanliso|kyohwaso|centre|center)"
    r"\b|there\b|(?:the|a|one)\s+(?:former\s+)?(?:witness|prisoner|detainee|inmate)\b|"
    r"(?:former\s+)?(?:prisoners|inmates|detainees)\b|(?:he|she)\s+(?:said|says|recalled)\b|"
    r"이곳|그곳|증언자|수감자|수용자"
)


class ViolationMention(NamedTuple):
    start: int
    end: int
    category: str
    facilities: tuple[str, ...]


def _resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Drop a hit strictly inside a longer hit of another category; dedupe equal spans."""
    ordered = sorted(set(hits), key=lambda h: (h.start, -h.end, h.label))
    # per category: the furthest end reached so far, and the start of the hit reaching it
    reach: dict[str, tuple[int, int]] = {}
    horizon = -1  # the furthest end of any hit that can swallow another
    kept: list[Hit] = []
    for hit in ordered:
        swallowed = horizon >= hit.end and any(
            label != hit.label and label not in _KEEPS_INNER
            and (end > hit.end or (end == hit.end and start < hit.start))
            for label, (end, start) in reach.items()
        )
        if hit.end > reach.get(hit.label, (-1, 0))[0]:
            reach[hit.label] = (hit.end, hit.start)
            if hit.label not in _KEEPS_INNER:
                horizon = max(horizon, hit.end)
        if not swallowed:
            kept.append(hit)
    # Same category, overlapping: keep the longest ("public executions" over "executions").
    out: list[Hit] = []
    for hit in kept:
        if out and out[-1].label == hit.label and hit.start < out[-1].end:
            continue
        out.append(hit)
    return out


def _in_detention(ctx: DocContext, start: int) -> bool:
    """Whether the passage around ``start`` is about detention (see ``_DETENTION``)."""
    window = ctx.context_window(start)
    for kind in ("facility", "facility_type", "agency"):
        if ctx.within(kind, window.start, window.end):
            return True
    lowered = ctx.lowered
    for match in _DETENTION.finditer(lowered, window.start, window.end):
        first = match.start()
        if not lowered[first].isascii() or first == 0 or not lowered[first - 1].isalnum():
            return True
    return False


def _focal_facility(ctx: DocContext, window_start: int, window_end: int) -> str | None:
    """The one facility a document has talked about before a passage that points back.

    "The witness said prisoners were made to watch the public execution …" in an
    article about Yodok: no facility is named in the paragraph, but the article has
    named only Camp 15 so far, and the paragraph points back ("the camp", "there",
    "the witness"), so the violation is linked to it. Nothing when the paragraph does
    not point back, when two facilities have been named, or when the paragraph names
    a facility type other than that facility's.
    """
    facilities = ctx.by_kind.get("facility", [])
    if not facilities or facilities[0].start >= window_start:
        return None
    only = facilities[0].id
    for m in facilities:  # a second facility named before the passage: ambiguous
        if m.start >= window_start:
            break
        if m.id != only:
            return None
    if not find_word(_BACK_REFERENCE, ctx.lowered, window_start, window_end):
        return None
    kind = only.rpartition("-")[0] if only[-1].isdigit() else None
    types = {m.id for m in ctx.within(BARE_TYPE, window_start, window_end)}
    if types and (kind is None or types != {kind}):
        return None
    return only


def _facilities_for(ctx: DocContext, start: int, sentence: Span,
                    cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    known = cache.get(sentence.start)
    if known is not None:
        return known
    found = ctx.within("facility", sentence.start, sentence.end)
    if not found:
        window = ctx.context_window(start)
        found = ctx.within("facility", window.start, window.end)
        if not found:
            known = cache.get(-1 - window.start)  # one answer per paragraph
            if known is None:
                focal = _focal_facility(ctx, window.start, window.end)
                known = cache[-1 - window.start] = (focal,) if focal else ()
            cache[sentence.start] = known
            return known
    ids = cache[sentence.start] = tuple(sorted({m.id for m in found}))
    return ids


def find_violations(ctx: DocContext) -> list[ViolationMention]:
    """Asserted violation mentions in the document, in text order."""
    text = ctx.text
    hits = [h for h in VIOLATIONS.scan(text, ctx.lowered, ctx.has_hangul)
            if not ctx.overlaps("organization", h.start, h.end)]
    out: list[ViolationMention] = []
    negations = Negations(text, ctx.lowered)
    cache: dict[int, tuple[str, ...]] = {}
    resolved = _resolve_overlaps(hits)
    # sentences with a violation that only happens in custody ("굶주림으로 … 죽었다" is a
    # death in custody): their hunger is a prisoner's hunger
    sentences = [ctx.sentence_of(h.start) for h in resolved]
    custody = {s.start for s, h in zip(sentences, resolved, strict=True) if h.label in _IN_CUSTODY}
    for hit, sentence in zip(resolved, sentences, strict=True):
        if hit.label.startswith("_"):
            continue  # a phrase that only looks like a violation ("drug trafficking")
        if negations.negated(hit.start, hit.end, sentence.start, sentence.end):
            continue
        needs = _NEEDS_DETENTION.get(hit.label)
        if needs is not None and needs.match(text, hit.start, hit.end) and (
                sentence.start not in custody) and not _in_detention(ctx, hit.start):
            continue  # "hunger in the town": not in custody
        facilities = _facilities_for(ctx, hit.start, sentence, cache)
        out.append(ViolationMention(hit.start, hit.end, hit.label, facilities))
    return sorted(out, key=attrgetter("start", "end", "category"))


def violations_output(ctx: DocContext, found: list[ViolationMention]) -> list[dict[str, Any]]:
    """The ``violations`` list of the output: one entry per category, sorted by id."""
    grouped: dict[str, list[ViolationMention]] = {}
    for mention in found:
        grouped.setdefault(mention.category, []).append(mention)
    out: list[dict[str, Any]] = []
    for category in sorted(grouped):
        mentions = grouped[category]
        facilities = sorted({f for m in mentions for f in m.facilities})
        out.append({
            "id": category,
            "mentions": [
                {"start": m.start, "end": m.end, "text": ctx.text[m.start:m.end]}
                for m in mentions
            ],
            "facilities": facilities,
        })
    return out
