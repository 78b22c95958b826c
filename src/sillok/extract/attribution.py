"""Who the text credits for a figure.

The organisations credited for a claim are the organisations named in the claim's
sentence, except those that are only addressed or mentioned in passing ("urged
the Human Rights Council", "submitted to the Special Rapporteur", "member of").
"According to KINU's most recent estimate in 2013" → ``kinu``; "The NGO NK Watch
estimated" → ``nk-watch``; "United States and South Korean officials now estimate"
→ ``us-government``, ``south-korean-government``.

When the sentence names no organisation but points back at a source ("That
report … estimated", "The prisoner reported", "이 보고서는"), the credit is
inherited from the nearest earlier sentence of the same paragraph that names one
("A 2020 HRNK report …", "A former prisoner told the HRNK …").

The publisher is never credited unless the text names it.
"""

from __future__ import annotations

import re

from .context import DocContext, Located
from .segment import Span

# Governments are credited through their officials far more often than by name.
# Branches open with a literal (fast to scan); word starts are checked by find_word.
_GOVERNMENT_SOURCES = re.compile(
    r"(?P<both>(?:United\s+States|U\.S\.|US|American)\s+and\s+South\s+Korean\s+"
    r"(?:government\s+|intelligence\s+)?(?:officials|authorities|estimates?)\b)"
    r"|(?P<us>(?:United\s+States|U\.S\.|US|American)\s+(?:government\s+|intelligence\s+)?"
    r"(?:officials|authorities)\b)"
    r"|(?P<sk>South\s+Korean\s+(?:government\s+|intelligence\s+)?(?:officials|authorities)\b"
    r"|(?:South\s+Korea[’']s\s+)?(?:Ministry\s+of\s+Unification|Unification\s+Ministry)\b"
    r"|National\s+Intelligence\s+Service\b|통일부|국가정보원|국정원"
    # In Korean reporting a bare "정부는" is Seoul's; another state's is named ("중국 정부는")
    r"|(?<!북한)(?<!북한\s)(?<!중국)(?<!중국\s)(?<!러시아)(?<!러시아\s)(?<!미국)(?<!미국\s)"
    r"(?<!일본)(?<!일본\s)(?<!북)(?<![가-힣])정부(?=는|가|도))"
)
_GOVERNMENT_HINT = re.compile(
    r"United|U\.S\.|US|American|South|Ministry|Unification|National|통일부|국가정보원|국정원|정부")
# Each ``_HINT`` below holds literals of which every match of the pattern above it
# contains one: the pattern, which ``re`` tries at every position, runs only where the
# hint (scanned for fast) is found in the lower-cased text (DocContext.may_contain).
_GOVERNMENT_IDS = {
    "both": ("us-government", "south-korean-government"),
    "us": ("us-government",),
    "sk": ("south-korean-government",),
}
_NOT_CREDITED_BEFORE = re.compile(
    r"(?:\b(?:(?<!according\s)(?<!thanks\s)to|urged|urging|urges|called\s+on|calls\s+on|asked|asking|before|against|"
    r"member\s+of|members\s+of|cooperat\w+\s+with|access\s+to|invited|inviting|visit(?:ed)?|"
    r"address(?:ed)?|brief(?:ed)?|submitted\s+to|mandate\s+of|received\s+by|provided\s+to)"
    r"\s+(?:the\s+)?)$",
    re.IGNORECASE,
)
_NOT_CREDITED_BEFORE_HINT = re.compile(
    "to|urg|call|ask|before|against|member|cooperat|access|invit|visit|address|brief|"
    "submitted|mandate|received|provided")
# "The Special Rapporteur received information that …": the recipient is not the source
_NOT_CREDITED_AFTER = re.compile(
    r"\s+(?:has\s+|had\s+|have\s+)?(?:received|was\s+(?:informed|told|unable)|were\s+told|"
    r"heard|could\s+not|was\s+not\s+able|urged|called\s+on)\b"
    # "The Special Rapporteur is gravely concerned by reports that …": relays, not sources
    r"|\s+(?:is|was|are|were|remains?|has\s+been)\s+(?:\w+\s+)?(?:concerned|alarmed|troubled|"
    r"disturbed|dismayed)\s+(?:by|about|at|over)\s+(?:the\s+)?(?:\w+\s+)?"
    r"(?:reports?|information|allegations?|accounts?)\b"
    # a dateline: "SEOUL, Sept 12 (Reuters) -", "(서울=연합뉴스) 김지훈 기자 ="
    r"|\)\s*(?:[-–—]|[가-힣]{2,4}\s?기자)",
    re.IGNORECASE,
)
# "a source in the province told Daily NK": the outlet relays an anonymous source
_RELAYED_TO = re.compile(
    r"\b(?:sources?|insiders?|informants?|residents?|an?\s+official)\b[^.;\"“”]{0,40}?"
    r"\b(?:told|said\s+to|speaking\s+to)\s+(?:the\s+)?$"
    r"|소식통(?:은|이)[^.;\"“”]{0,20}$",
    re.IGNORECASE,
)
_RELAYED_TO_HINT = re.compile("told|said|speaking|소식통")
_ANAPHOR = re.compile(
    r"""\b(?:
        (?:the|that|this|its|their|the\s+same|the\s+latest|the\s+new|the\s+\d{4})\s+
            (?:\w+\s+)?(?:report|study|survey|white\s+paper|analysis|estimate|assessment|
            update|publication|findings|investigation|database|index|research|paper|dataset)
      | (?:the|this|that)\s+(?:former\s+)?(?:prisoner|defector|interviewee|witness|survivor|
            detainee|escapee|source|organi[sz]ation|group|NGO|institute)
      | (?:it|they)\s+(?:also\s+)?(?:estimated|reported|found|noted|said|stated|documented|
            identified|counted|described|concluded|added)
    )\b
    |(?:이|해당|같은|동|그)\s?(?:보고서|조사|백서|단체|기관|연구)|보고서는|백서는|조사에\s?따르면""",
    re.IGNORECASE | re.VERBOSE,
)
_ANAPHOR_HINT = re.compile(
    "report|study|survey|paper|analysis|estimate|assessment|update|publication|findings|"
    "investigation|database|index|research|dataset|prisoner|defector|interviewee|witness|"
    "survivor|detainee|escapee|source|organi|group|ngo|institute|found|noted|said|stated|"
    "documented|identified|counted|described|concluded|added|보고서|조사|백서|단체|기관|연구")
_LOOKBACK_SENTENCES = 3
# "이 수치는 …", "this figure …": the sentence says where its figure comes from
_KO_THIS_FIGURE = re.compile(
    r"(?:이|그|해당)\s?(?:수치|추정치|숫자)|\b(?:this|that|the)\s+figure\b", re.IGNORECASE)
_KO_THIS_FIGURE_HINT = re.compile("수치|추정치|숫자|figure")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CITING_BEFORE = re.compile(
    r"\b(?:citing|quoting|cited\s+by|quoted\s+by)\s+(?:the\s+)?(?:\w+\s+)?$", re.IGNORECASE)
_CITING_BEFORE_HINT = re.compile("citing|quoting|cited|quoted")
_KO_CITED_AFTER = re.compile(
    r"[^.,\n]{0,25}?(?:을|를)\s?(?:그대로\s?|다시\s?)?(?:인용|재인용|옮긴|옮겨|따른|따랐)")
# "South Korean officials cited": a government relaying another's estimate
_RELAYS_AFTER = re.compile(r"\s+(?:\w+\s+)?(?:cited|quoted|citing|quoting|relayed)\b",
                           re.IGNORECASE)
_OWN_SOURCE = re.compile(
    r"\b(?:media|press|defectors?|witness(?:es)?|sources?|others|testimony|some|other\s+estimates|"
    r"former\s+prisoners|refugees|activists|groups)\b|언론|증언|탈북민|일부|소식통|단체",
    re.IGNORECASE,
)
_OWN_SOURCE_HINT = re.compile(
    "media|press|defector|witness|source|others|testimony|some|estimates|prisoners|refugees|"
    "activists|groups|언론|증언|탈북민|일부|소식통|단체")
_HEAD_NOUN = re.compile(
    r"\b[Tt]he\s+(Commission|Office|Special\s+Rapporteur|Rapporteur|Council|Institute|"
    r"Foundation|Center|Centre|Department|Committee|Secretary-General|Database|Agency)\b"
)
# (case-sensitive, like _HEAD_NOUN: run on the text itself)
_HEAD_NOUN_HINT = re.compile(
    "Commission|Office|Rapporteur|Council|Institute|Foundation|Center|Centre|Department|"
    "Committee|Secretary-General|Database|Agency")
# The UN's own usage: in an OHCHR report "the Office" is OHCHR, in a COI report "the
# Commission" is the COI, even where the full name never contains that word.
_HEAD_DEFAULT = {
    "office": "ohchr",
    "commission": "un-coi",
    "special rapporteur": "un-special-rapporteur",
    "rapporteur": "un-special-rapporteur",
    "secretary-general": "un-secretary-general",
}
_FIRST_PERSON = re.compile(
    r"\b(?:our\s+(?:data|database|research|analysis|figures|investigation|records|estimates?|"
    r"findings|survey|documentation|interviews)|we\s+(?:estimate|documented|recorded|found|counted|"
    r"identified|believe))\b|우리\s?(?:단체|조사|자료|데이터)|본\s?(?:단체|연구원|센터)",
    re.IGNORECASE,
)
_FIRST_PERSON_HINT = re.compile(r"our|we|우리|본\s?(?:단체|연구원|센터)")


def _government_matches(text: str, start: int, end: int) -> list[re.Match[str]]:
    """Matches of _GOVERNMENT_SOURCES, tried only where one of its first words stands."""
    out: list[re.Match[str]] = []
    pos = start
    while True:
        hint = _GOVERNMENT_HINT.search(text, pos, end)
        if hint is None:
            return out
        first = hint.start()
        pos = hint.end()
        if first and text[first].isascii() and text[first - 1].isalnum():
            continue
        match = _GOVERNMENT_SOURCES.match(text, first, end)
        if match:
            out.append(match)
            pos = match.end()


def _government_credits(text: str, span: Span) -> set[str]:
    found: set[str] = set()
    for match in _government_matches(text, span.start, span.end):
        if _RELAYS_AFTER.match(text, match.end(), span.end) and span.start < match.start():
            continue  # "KINU, in a 2013 estimate that South Korean officials cited …"
        found.update(_GOVERNMENT_IDS[match.lastgroup or "sk"])
    return found


def government_mentions(text: str) -> list[Located]:
    """Organisation mentions that the name linker does not know ("South Korean officials")."""
    out: list[Located] = []
    for match in _government_matches(text, 0, len(text)):
        out.extend(Located(match.start(), match.end(), "organization", i)
                   for i in _GOVERNMENT_IDS[match.lastgroup or "sk"])
    return out


def _named_in(ctx: DocContext, span: Span) -> set[str]:
    cited, credited = _credits_in(ctx, span)
    # "The State Department, citing NK Watch, …", "국무부는 NK워치의 추산을 인용해":
    # the figure is the cited organisation's.
    return cited or credited


def _cited_in(ctx: DocContext, span: Span) -> set[str]:
    return _credits_in(ctx, span)[0]


def _credits_in(ctx: DocContext, span: Span) -> tuple[set[str], set[str]]:
    """Organisations cited as the source, and all those credited, in ``span``."""
    credited: set[str] = set()
    cited: set[str] = set()
    text = ctx.text
    mentions = ctx.within("organization", span.start, span.end)
    for i, mention in enumerate(mentions):
        before_start = max(span.start, mention.start - 40)
        before = text[before_start:mention.start]
        if (ctx.may_contain(_NOT_CREDITED_BEFORE_HINT, before_start, mention.start)
                and _NOT_CREDITED_BEFORE.search(before)) or _NOT_CREDITED_AFTER.match(
                text, mention.end, span.end) or (i > 0 and _RELAYS_AFTER.match(
                text, mention.end, span.end)) or ctx.search(
                _RELAYED_TO, _RELAYED_TO_HINT, max(span.start, mention.start - 70), mention.start):
            continue
        credited.add(mention.id)
        if ctx.may_contain(_CITING_BEFORE_HINT, before_start, mention.start) and (
                _CITING_BEFORE.search(before)):
            cited.add(mention.id)
            continue
        citation = _KO_CITED_AFTER.match(text, mention.end, span.end)
        following = mentions[i + 1].start if i + 1 < len(mentions) else span.end
        if citation and citation.end() <= following:
            cited.add(mention.id)
    credited |= _government_credits(text, span)
    return cited, credited


def _by_head_noun(ctx: DocContext, sentence: Span) -> set[str]:
    """"The Commission estimates …": the organisation last named with that word."""
    found: set[str] = set()
    if not _HEAD_NOUN_HINT.search(ctx.text, sentence.start, sentence.end):
        return found
    for match in _HEAD_NOUN.finditer(ctx.text, sentence.start, sentence.end):
        if _NOT_CREDITED_BEFORE.search(ctx.text, max(sentence.start, match.start() - 40),
                                       match.start()) or _NOT_CREDITED_AFTER.match(
                ctx.text, match.end(), sentence.end):
            continue
        head = " ".join(match.group(1).lower().split())
        earlier = ctx.within("organization", max(0, sentence.start - 5000), sentence.start)
        for mention in reversed(earlier):
            if head in ctx.text[mention.start:mention.end].lower():
                found.add(mention.id)
                break
        else:
            default = _HEAD_DEFAULT.get(head)
            if default and any(m.id == default for m in earlier):
                found.add(default)
    return found


def _first_person(ctx: DocContext) -> set[str]:
    """"our data", "we estimate": the publisher, or the organisation in the heading."""
    if ctx.publisher and _ID.fullmatch(ctx.publisher):
        return {ctx.publisher}
    heading = ctx.within("organization", 0, min(len(ctx.text), 400))
    return {heading[0].id} if heading else set()


def credited_for(ctx: DocContext, sentence: Span, pos: int) -> list[str]:
    """Organisation ids credited for the figure at ``pos`` in ``sentence``."""
    clause = ctx.clause_of(sentence, pos)
    if clause != sentence and len(ctx.within("organization", sentence.start, sentence.end)) > 1:
        # "통일부가 … 8만~12만 명으로 적고 있는데, 이 수치는 통일연구원 추정치를 옮긴 것":
        # the source the sentence says it cites, whichever clause names it
        cited = _cited_in(ctx, sentence)
        if cited and not _cited_in(ctx, clause) and ctx.search(
                _KO_THIS_FIGURE, _KO_THIS_FIGURE_HINT, sentence.start, sentence.end):
            return sorted(cited)
    if clause != sentence:
        credited = _named_in(ctx, clause)
        if credited:
            return sorted(credited)
        if ctx.search(_OWN_SOURCE, _OWN_SOURCE_HINT, clause.start, clause.end):
            return []  # "…, but some media put the figure at …": not the first source's
    credited = _named_in(ctx, sentence) or _by_head_noun(ctx, sentence)
    if credited:
        return sorted(credited)
    if ctx.search(_FIRST_PERSON, _FIRST_PERSON_HINT, sentence.start, sentence.end):
        return sorted(_first_person(ctx))
    if not ctx.search(_ANAPHOR, _ANAPHOR_HINT, sentence.start, sentence.end):
        return []
    index = ctx.seg.sentence_index(sentence.start)
    paragraph = ctx.seg.sentence_paragraph[index]
    for back in range(index - 1, max(-1, index - 1 - _LOOKBACK_SENTENCES), -1):
        if ctx.seg.sentence_paragraph[back] != paragraph:
            break
        earlier = _named_in(ctx, ctx.seg.sentences[back])
        if earlier:
            return sorted(earlier)
    return []
