"""What a figure is about: a facility, a facility type, or ``all``.

Rules, in order, for a count of people or deaths:

1. Exactly one facility named in the sentence (before any "including …" or ":"
   list that follows the figure) → that facility. When a place name and an
   explicit name point at different facilities, the explicit one ("Kyohwaso
   Number 12", with its number) wins.
2. Several numbered facilities of one type → that type ("Camps 14, 15 and 16").
3. The facility type named nearest to the figure in the sentence.
4. A type phrase the name linker does not list ("political prisoners",
   "political prisons", 정치범) → ``kwanliso``.
5. The sentence points back at a place ("the camp", "there", "the camps",
   "inmates", 이곳): the most recent facility (singular reference) or facility type
   (plural reference) before the sentence, within about two paragraphs.
6. Otherwise ``all``.

A count of facilities takes its type from its own noun ("six kwanliso", "four
political prison camps", "관리소 6곳"), or from the facilities it enumerates ("five
operating camps: No. 14 …, No. 25 …"), or from a plural back-reference ("five such
camps"); a generic "245 facilities" is about ``all``.
"""

from __future__ import annotations

import re
from functools import cache

from .context import BARE_TYPE, DocContext, Located
from .segment import Span

_INCLUDING = re.compile(r"\b(?:including|such\s+as|e\.g\.|among\s+them|namely|like)\b|:|포함",
                        re.IGNORECASE)
# Each ``_HINT`` holds literals of which every match of the pattern above it contains one:
# DocContext.search runs the pattern only where the hint is found in the lower-cased text.
_INCLUDING_HINT = re.compile(r"including|such|e\.g\.|among|namely|like|:|포함")
_SINGULAR_PLACE = re.compile(
    r"\b(?:the|this|that|same)\s+(?:\w+\s+)?(?:camp|facility|prison|site|kwanliso|kyohwaso|"
    r"centre|center|section)\b|\bthere\b|"
    # "it had held approximately 30,000 prisoners before its closure"
    r"\bit\s+(?:had\s+|has\s+|once\s+|still\s+)*(?:held|holds|housed|houses|contained|contains)\b|"
    r"\bits\s+(?:closure|peak|population|prisoners|inmates|detainees)\b|이곳|그곳|같은\s?(?:수용소|시설|교화소)|해당\s?(?:수용소|시설|교화소|"
    r"관리소)(?!들)|이\s(?:수용소|시설|교화소|관리소)(?!들)",
    re.IGNORECASE,
)
_SINGULAR_PLACE_HINT = re.compile(
    r"camp|facility|prison|site|kwanliso|kyohwaso|cent|section|there|held|hold|house|contain|"
    r"its|이곳|그곳|수용소|시설|교화소|관리소")
_PLURAL_PLACE = re.compile(
    r"\b(?:the|these|those|such|its|their)\s+(?:\w+\s+)?(?:camps|facilities|prisons|centres|"
    r"centers|sites)\b|이들\s?(?:수용소|시설)|(?:수용소|관리소|교화소)들",
    re.IGNORECASE,
)
_PLURAL_PLACE_HINT = re.compile(
    r"camps|facilities|prisons|centres|centers|sites|이들|수용소들|관리소들|교화소들")
_IMPLICIT_PLACE = re.compile(
    r"\b(?:inmates|prisoners|detainees)\b|수감자|재소자|수감\s?인원|수용\s?인원|"
    r"(?:county|provincial|city)-level\s+\w+",
    re.IGNORECASE,
)
_IMPLICIT_PLACE_HINT = re.compile(r"inmates|prisoners|detainees|수감|재소자|수용|-level")
_NUMBERED = re.compile(r"\b(?:No\.|Number|Camps?|Kwanliso|Kyohwaso)\s*(\d{1,2})\b|(\d{1,2})\s?호",
                       re.IGNORECASE)
_COUNTRYWIDE = re.compile(
    r"\b(?:in\s+North\s+Korea|nationwide|across\s+the\s+country|in\s+the\s+country|"
    r"throughout\s+the\s+country)\b|전국|북한\s?전역|북한\s?(?:내|전체)",
    re.IGNORECASE,
)
_COUNTRYWIDE_HINT = re.compile(r"north|nationwide|country|전국|북한")
# "전체 수감자가 약 23만 2400명", "the total prison population", "overall": every place of
# detention, not the facility named last
_WHOLE = re.compile(
    r"\b(?:overall|(?:the\s+)?total\s+(?:number\s+of\s+)?(?:prison\s+|"
    r"prisoner\s+|detainee\s+)?(?:population|prisoners|inmates|detainees)|all\s+(?:of\s+)?"
    r"(?:the\s+)?(?:country[’']s|north\s+korea[’']s)\s+(?:prisoners|detainees))\b"
    r"|전체\s?(?:수감자|수용자|재소자|정치범|수감\s?인원|구금자|규모)|총\s?수감자",
    re.IGNORECASE,
)
_WHOLE_HINT = re.compile(r"total|all|전체|총")  # "overall" has "all"
_TOTAL = re.compile(r"\b(?:total|in\s+all|altogether|combined)\b|합계|총계", re.IGNORECASE)
_TOTAL_HINT = re.compile(r"total|all|altogether|combined|합계|총계")
_GENERIC_CAMPS = re.compile(r"\bcamps\b", re.IGNORECASE)
# (pattern, its hint, the facility type it names)
_FALLBACK_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...] = (
    (re.compile(r"\bpolitical\s+(?:prisons?|prisoners?|detainees|camps?)\b|정치범",
                re.IGNORECASE), re.compile("political|정치범"), "kwanliso"),
    (re.compile(r"\b(?:re-?education|reform)\s+(?:through\s+labou?r\s+)?(?:prisons?|camps?)\b",
                re.IGNORECASE), re.compile("education|reform"), "kyohwaso"),
)
_RECENT_WINDOW = 2000
_KO_BARE_TYPE = re.compile(r"관리소|교화소|교양소|집결소|구류장|노동단련대|단련대")
_KO_LOCATIVE = re.compile(r"에서|에(?!게)|안에|내(?:에|의)")


@cache
def _facility_types() -> dict[str, str]:
    try:
        from ..kb import load_kb

        return {fid: facility.type for fid, facility in load_kb().facilities.items()}
    except Exception:  # without the knowledge base, numbered ids still carry the type
        return {}


def type_of(facility_id: str) -> str | None:
    """The facility type of a facility id ("kwanliso-14" → "kwanliso")."""
    known = _facility_types().get(facility_id)
    if known:
        return known
    head, _, tail = facility_id.rpartition("-")
    return head if head and tail.isdigit() else None


def fallback_type(ctx: DocContext, start: int, end: int) -> str | None:
    """A facility type from phrases the name linker does not list."""
    for pattern, hint, type_id in _FALLBACK_TYPES:
        if ctx.search(pattern, hint, start, end):
            return type_id
    return None


def _single_facility(ctx: DocContext, facilities: list[Located], span: Span) -> str | None:
    ids = {m.id for m in facilities}
    if len(ids) == 1:
        # "개천(14호)·요덕(15호)·화성(16호)": a list the linker only partly resolved
        numbered = _NUMBERED.findall(ctx.text, span.start, span.end)
        return ids.pop() if len(set(numbered)) < 2 else None
    explicit = {m.id for m in facilities if any(c.isdigit() for c in ctx.text[m.start:m.end])}
    return explicit.pop() if len(explicit) == 1 else None


def _common_type(facilities: list[Located]) -> str | None:
    """The type shared by several different facilities ("Camps 14, 15 and 16")."""
    if len({m.id for m in facilities}) < 2:
        return None
    types = {type_of(m.id) for m in facilities}
    return types.pop() if len(types) == 1 else None


def _recent(ctx: DocContext, before: int, want_facility: bool, nearest: bool = False,
            window_start: int | None = None) -> str | None:
    """The facility (or type) most recently named before ``before``.

    ``want_facility``: a singular back-reference ("the camp") prefers a facility;
    ``nearest``: whichever of facility and type was named last.
    """
    start = max(0, before - _RECENT_WINDOW) if window_start is None else window_start
    facilities = ctx.within("facility", start, before)
    types = ctx.within(BARE_TYPE, start, before)
    last_facility = facilities[-1] if facilities else None
    last_type = types[-1] if types else None
    if want_facility and last_facility is not None:
        return last_facility.id
    candidates: list[tuple[int, str]] = []
    if last_type is not None:
        candidates.append((last_type.start, last_type.id))
    if last_facility is not None:
        kind = last_facility.id if nearest else type_of(last_facility.id)
        if nearest:
            # "개천(14호)·요덕(15호)·화성(16호)·청진(25호) 관리소 … 수감자 규모는": the list's type
            listed = ctx.sentence_of(last_facility.start)
            kind = _common_type(ctx.within("facility", listed.start, listed.end)) or kind
        if kind:
            candidates.append((last_facility.start, kind))
    for pattern, hint, type_id in _FALLBACK_TYPES:
        if ctx.may_contain(hint, start, before):
            candidates.extend((m.start(), type_id)
                              for m in pattern.finditer(ctx.text, start, before))
    return max(candidates)[1] if candidates else None


def _scope_end(ctx: DocContext, after: int, sentence: Span) -> int:
    including = ctx.search(_INCLUDING, _INCLUDING_HINT, after, sentence.end)
    return including.start() if including else sentence.end


def people_subject(ctx: DocContext, value_end: int, noun_end: int, sentence: Span) -> str:
    """Subject of a count of people or deaths stated in ``sentence``."""
    clause = ctx.clause_of(sentence, value_end - 1)
    if ctx.search(_WHOLE, _WHOLE_HINT, clause.start, clause.end):
        return "all"  # "…, 전체 수감자는 약 23만 2400명": not the facility of the other clause
    scope_end = _scope_end(ctx, max(value_end, noun_end), sentence)
    facilities = ctx.within("facility", sentence.start, scope_end)
    found = _common_type(facilities) or _single_facility(
        ctx, facilities, Span(sentence.start, scope_end))
    if found:
        return found
    types = ctx.within(BARE_TYPE, sentence.start, scope_end)
    if types:
        nearest = min(types, key=lambda m: abs(m.start - value_end))
        return _korean_back_reference(ctx, nearest, sentence) or nearest.id
    found = fallback_type(ctx, sentence.start, scope_end)
    if found:
        return found
    if ctx.search(_WHOLE, _WHOLE_HINT, sentence.start, sentence.end):
        return "all"
    if ctx.search(_SINGULAR_PLACE, _SINGULAR_PLACE_HINT, sentence.start, sentence.end):
        return _recent(ctx, sentence.start, want_facility=True) or "all"
    if ctx.search(_PLURAL_PLACE, _PLURAL_PLACE_HINT, sentence.start, sentence.end):
        return _recent(ctx, sentence.start, want_facility=False) or "all"
    if ctx.search(_TOTAL, _TOTAL_HINT, sentence.start, sentence.end):
        # "Total, operating camps: … 80,000–120,000 prisoners": all of the type, not the
        # facility named last
        return _recent(ctx, sentence.start, want_facility=False) or "all"
    if ctx.search(_IMPLICIT_PLACE, _IMPLICIT_PLACE_HINT, sentence.start, sentence.end) and not (
            ctx.search(_COUNTRYWIDE, _COUNTRYWIDE_HINT, sentence.start, sentence.end)):
        # "inmates", "수감자": the place of this or the previous paragraph, not an older one
        start = _previous_paragraph_start(ctx, sentence.start)
        return _recent(ctx, sentence.start, want_facility=False, nearest=True,
                       window_start=start) or "all"
    return "all"


def _korean_back_reference(ctx: DocContext, mention: Located, sentence: Span) -> str | None:
    """"교화소에 수감된 인원이 약 3천 명": a bare Korean type noun after one facility was named.

    Korean has no article: a bare "교화소에" in a paragraph about 전거리교화소 points back
    at it. Only a singular noun (no 들), with no nationwide scope, and only when the
    facility named last in this or the previous paragraph is of the same type.
    """
    text = ctx.text
    if not _KO_BARE_TYPE.fullmatch(text, mention.start, mention.end) or not _KO_LOCATIVE.match(
            text, mention.end) or ctx.search(_COUNTRYWIDE, _COUNTRYWIDE_HINT, sentence.start,
                                             sentence.end):
        return None
    start = _previous_paragraph_start(ctx, sentence.start)
    facilities = ctx.within("facility", start, sentence.start)
    if not facilities or type_of(facilities[-1].id) != mention.id:
        return None
    return facilities[-1].id


def _previous_paragraph_start(ctx: DocContext, offset: int) -> int:
    index = ctx.seg.sentence_paragraph[ctx.seg.sentence_index(offset)]
    return ctx.seg.paragraphs[max(0, index - 1)].start


def facility_count_subject(ctx: DocContext, value_start: int, value_end: int, noun_end: int,
                           sentence: Span, korean: bool) -> str:
    """Subject (a facility type or ``all``) of a count of facilities."""
    text = ctx.text
    types = ctx.within(BARE_TYPE, value_end, noun_end + 1)
    if not types and korean:
        types = ctx.within(BARE_TYPE, max(sentence.start, value_start - 12),
                           min(sentence.end, noun_end + 12))
    if types:
        return types[0].id
    found = fallback_type(ctx, value_end, noun_end)
    if found:
        return found
    if korean:  # Korean lists come first: "관리소는 제14호(개천), … 등 4곳이다"
        found = _common_type(ctx.within("facility", sentence.start, value_start))
        if found:
            return found
        types = ctx.within(BARE_TYPE, sentence.start, sentence.end)
        if types:
            return min(types, key=lambda m: abs(m.start - value_start)).id
    listed = ctx.within("facility", noun_end, sentence.end)
    if listed and _INCLUDING.search(text, noun_end, listed[0].start):
        kinds = {type_of(m.id) for m in listed} - {None}
        if len(kinds) == 1:
            kind = kinds.pop()
            if kind:
                return kind
    if _GENERIC_CAMPS.search(text, value_end, noun_end):
        # "80,000 to 120,000 political prisoners were held in four large camps"
        found = fallback_type(ctx, sentence.start, sentence.end)
        if found:
            return found
        if ctx.search(_TOTAL, _TOTAL_HINT, sentence.start, sentence.end):  # "Total, … camps: 4"
            return _recent(ctx, sentence.start, want_facility=False) or "all"
    determiner = text[max(sentence.start, value_start - 12):value_start].lower()
    if re.search(r"\b(?:such|these|those)\s+$", determiner) or re.search(
            r"^\s*(?:such|more)\b", text[value_end:noun_end]):
        return _recent(ctx, sentence.start, want_facility=False) or "all"
    return "all"


def says_whole(ctx: DocContext, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` speaks of every place of detention ("전체 수감자")."""
    return ctx.search(_WHOLE, _WHOLE_HINT, start, end) is not None or ctx.search(
        _COUNTRYWIDE, _COUNTRYWIDE_HINT, start, end) is not None


def focal_facility(ctx: DocContext, sentence: Span) -> str | None:
    """The one facility the sentence's paragraph (and the one before) is about.

    "전거리교화소는 … 약 2,300~2,500명으로 추정했다. 반면 … 약 5천 명이 수감돼 있다고":
    a population or death figure with no place of its own, in a passage that names
    exactly one facility and no other place of detention, is about that facility.
    Not when the sentence is nationwide or names a facility type.
    """
    if says_whole(ctx, sentence.start, sentence.end) or ctx.within(
            BARE_TYPE, sentence.start, sentence.end):
        return None
    index = ctx.seg.sentence_paragraph[ctx.seg.sentence_index(sentence.start)]
    start = ctx.seg.paragraphs[max(0, index - 1)].start
    end = ctx.seg.paragraphs[index].end
    ids = {m.id for m in ctx.within("facility", start, end)}
    if len(ids) != 1:
        return None
    only = ids.pop()
    kind = type_of(only)
    types = {m.id for m in ctx.within(BARE_TYPE, start, end)}
    return only if types <= {kind} else None
