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

from dataclasses import dataclass
from typing import Any

from .context import DocContext
from .lexicon import Hit, load_lexicon
from .negation import Negations

VIOLATIONS = load_lexicon("violations.yml")
# Categories whose trigger may contain another category's trigger without removing it.
_KEEPS_INNER = frozenset({"death-in-custody"})


@dataclass(frozen=True)
class ViolationMention:
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


def _facilities_for(ctx: DocContext, start: int,
                    cache: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    sentence = ctx.sentence_of(start)
    known = cache.get(sentence.start)
    if known is not None:
        return known
    found = ctx.within("facility", sentence.start, sentence.end)
    if not found:
        window = ctx.context_window(start)
        found = ctx.within("facility", window.start, window.end)
    ids = cache[sentence.start] = tuple(sorted({m.id for m in found}))
    return ids


def find_violations(ctx: DocContext) -> list[ViolationMention]:
    """Asserted violation mentions in the document, in text order."""
    text = ctx.text
    hits = [h for h in VIOLATIONS.scan(text, ctx.lowered)
            if not ctx.overlaps("organization", h.start, h.end)]
    out: list[ViolationMention] = []
    negations = Negations(text, ctx.lowered)
    cache: dict[int, tuple[str, ...]] = {}
    for hit in _resolve_overlaps(hits):
        if hit.label.startswith("_"):
            continue  # a phrase that only looks like a violation ("drug trafficking")
        sentence = ctx.sentence_of(hit.start)
        if negations.negated(hit.start, hit.end, sentence.start, sentence.end):
            continue
        facilities = _facilities_for(ctx, hit.start, cache)
        out.append(ViolationMention(hit.start, hit.end, hit.label, facilities))
    return sorted(out, key=lambda v: (v.start, v.end, v.category))


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
