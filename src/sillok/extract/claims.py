"""Quantitative claims: figures about the detention system, with who said them.

For every number in a sentence (:mod:`sillok.extract.numbers`):

1. **Is it a count at all?** Not a year or a date ("in 2013", "July 14"), a duration or
   sentence length ("sentenced to 15 years", "12 hours a day", "징역 15년"), money,
   a percentage, an age, a distance, an ordinal or reference ("Camp 14", "No. 12",
   "section 7"), a ratio ("one of every 10"), a sub-count ("including 1,000
   children"), a definite back-reference ("the five camps"), people interviewed
   ("interviews with 508 defectors", "31명을 면담"), or a number below 2.
2. **What does it count?** (:mod:`sillok.extract.measures`) people, deaths or
   facilities — else it is not a claim ("4,000 documents", "90 countries").
3. **Which measure?** The nearest cue in the figure's clause; a facility count needs
   a cue that it is a total ("operated six kwanliso", "관리소 6곳이 운영"), so "three
   camps contained mines" is not one.
4. **About what?** :mod:`sillok.extract.subjects`.
5. **Which country?** Figures about prisons or camps elsewhere (China, Ireland,
   "worldwide") with no North Korean reference are skipped, as are people of another
   nationality ("17 Japanese citizens"), and figures in a headline above the body.
6. **When and who?** ``as_of`` is the year the figure's clause or sentence names;
   ``attributed_to`` comes from :mod:`sillok.extract.attribution`.

The claim's ``start``/``end``/``text`` are its sentence. docs/extraction.md has the
whole set of rules with examples.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from .attribution import credited_for
from .context import BARE_TYPE, FOLDS_TO_LATIN, DocContext, find_word, match_before
from .measures import (
    FACILITIES,
    PEOPLE,
    PRISONERS,
    Counted,
    choose_measure,
    counted_after,
    counted_before,
    counted_korean,
    mentions_detention_abroad,
    mentions_prisoner_noun,
    mentions_prisoners,
)
from .numbers import Quantity, find_quantities
from .segment import Span
from .subjects import (
    facility_count_subject,
    fallback_type,
    focal_facility,
    people_subject,
    says_whole,
)

_MONTHS = (r"January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec")
_SKIP_BEFORE = re.compile(
    rf"""(?:
        \b(?:No|Nos|Number|Numbers|Camps?|Article|Articles|Art|Section|Sections|Paragraph|para|
           p|pp|page|pages|Resolution|resolution|Chapter|Class|Grade|Level|Phase|Update|Vol|
           Volume|Issue|Session|Unit|Ward|Block|Team|Brigade|Zone|Area|Route|Highway|Kyohwaso|
           Kwanliso|Kyoyangso|Prison|ages?|aged|Kim|COVID|Covid|A/HRC|A/RES|E/CN|Rule|Principle|
           Protocol|Item|Figure|Table|Annex|Appendix|Footnote|Note|Title|Act|Law|Code|Order|
           Decree|Report|Index|Tier|Category|Type)\.?\s*\#?\s*
      | (?:{_MONTHS})\.?\s+
      | [$€£¥₩]\s*|(?:US|USD|KPW|RMB|CNY|KRW)\s*\$?\s*
      | [/#§]\s*
      | \b[Tt]he\s+ | \bper\s+ | \bas\s+(?:young|old)\s+as\s+ | \bage\s+of\s+
      | \b(?:including|of\s+whom|among\s+(?:them|whom)|of\s+them)\s+
      | \b(?:one|\d+(?:[.,]\d+)?)\s+(?:of|in|out\s+of)\s+(?:every\s+)?
      | \bfactor\s+of\s+
      | 제\s* | 징역\s* | 노동교화형\s*
    )$""",
    re.VERBOSE,
)
_SKIP_AFTER = re.compile(
    r"""(?:
        \s*(?:-\s*|\s)(?:[a-z]+\s+)?(?:years?|yrs?|months?|weeks?|days?|hours?|hrs?|minutes?|
           mins?|seconds?|decades?|centur(?:y|ies)|percent|per\s*cent|percentage|won|dollars?|
           yuan|renminbi|euros?|pounds|USD|KPW|RMB|miles?|km|kilomet(?:er|re)s?|met(?:er|re)s?|
           feet|foot|ft|inches|acres?|hectares?|square|kg|kilograms?|kilos|tons?|tonnes?|grams?|
           g|calories|kcal|times|fold|degrees|year-olds?|o['’]clock|a\.m|p\.m|am|pm|storey|
           stor(?:y|ies)|floors?|lbs?|pounds?|cases?\s+of\s+covid)\b
      | \s(?-i:January|February|March|April|May|June|July|August|September|October|November|
           December)\b
      | \s*(?:%|°|st\b|nd\b|rd\b|th\b|s\b|’s\b|'s\b|/\d|\.\d|:\d|-\d{2}\b)
      | \s+(?:of|in|out\s+of)\s+(?:every|each|whom|them|those|these|which|the\s+\d|
           (?!(?:19|20)\d\d\b)\d|ten|
           a\s+hundred)
      | \s*(?:여\s*)?(?:년|개월|달|주일|주년|일간|일\b|시간|분\b|초\b|세\b|살|원|
           달러|위안|유로|엔\b|%|퍼센트|킬로|km|미터|m\b|톤|kg|차\b|차례|회|번째|번\b|
           호\b|조\b|항\b|위\b|등\b|배\b|층|대\s?1|명\s?(?:중|가운데)|월|시\b|도\b|개국|개월)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d,.$])((?:19[3-9]\d|20[0-4]\d)s?)(?!\d|,\d)(?:\s*년)?")
# Each ``_HINT`` below stands for the pattern above it: every match of the pattern
# contains one of its literals. ``re`` scans fast for literals, where it tries a pattern
# opening with a look-behind or ``\b``, or compiled with IGNORECASE, at every position;
# so the pattern runs only where its hint is found (for IGNORECASE patterns in the
# lower-cased text: DocContext.search).
_YEAR_HINT = re.compile("19|20")
# "2000 prisoners", "2000명": a count, though it looks like a year
_COUNT_AFTER_YEAR = re.compile(
    r"\s?(?:명|곳)|\s(?:more\s+)?(?:people|persons|prisoners|inmates|detainees|individuals|"
    r"north\s+koreans|refugees|defectors|women|men|children|deaths|camps|facilities)\b",
    re.IGNORECASE,
)
_YEAR_RANGE = re.compile(r"(?:between\s+|from\s+)?(?:19|20)\d\d\s*(?:-|–|—|to|and)\s*(?:19|20)\d\d",
                         re.IGNORECASE)
_FOOTNOTE = re.compile(r"\[\d{1,3}\]|\(\d{1,3}\)(?<=[.,;:]\(\d\))|\(\d{1,3}\)(?<=[.,;:]\(\d\d\))")
# "closed in 2012", "2012년께 폐쇄된": the date of an event, not of the figure
_EVENT_BEFORE_YEAR = re.compile(
    r"\b(?:closed|closure|shut|dismantled|opened|established|founded|built|set\s+up|relocated|"
    r"moved|merged|abolished|released|escaped|fled|defected|arrived|born|died)\b"
    r"(?:\s+(?:down|up|around|about|in|by|since|after|before|until|c\.|circa))*\s*$",
    re.IGNORECASE)
_EVENT_AFTER_YEAR = re.compile(
    r"(?:년)?\s?(?:께|경|쯤|에|무렵)?\s?(?:폐쇄|해체|설립|개설|이전|석방|탈출|탈북)")
# "ten years ago", "3년 전": a time relative to the document's date
_YEARS_AGO = re.compile(
    r"\b(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|a\s+few)\s+years?\s+(?:ago|earlier|before)\b|\b(?P<last>last\s+year)\b"
    r"|(?P<kn>\d{1,2})\s?년\s?전|(?P<klast>지난해|작년)",
    re.IGNORECASE)
# literal-first (fast to scan, lower-cased text): every _YEARS_AGO match contains one
_YEARS_AGO_HINT = re.compile(r"years?\s+(?:ago|earlier|before)|last\s+year|년\s?전|지난해|작년")
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
          "twenty": 20}
_AS_OF_CUE = re.compile(r"\b(?:as\s+of|as\s+at)\s+(?:\w+\s+)?$", re.IGNORECASE)
_REPORT_ANAPHOR = re.compile(r"\b(?:that|the|this)\s+(?:report|study|estimate)\b|보고서",
                             re.IGNORECASE)
_REPORT_ANAPHOR_HINT = re.compile("report|study|estimate|보고서")
_TOTAL_CUE = re.compile(
    r"\b(?:operat\w*|run|runs|running|exist\w*|there\s+(?:are|were|is|was|remain)|total|"
    r"number|estimat\w*|identif\w*|document\w*|known|maintain\w*|counted|counts|comprise\w*|"
    r"consist\w*|network|system|located|active|remain\w*|closed|built|held|holds?|imprisoned|"
    r"detained|in\s+operation)\b"
    r"|운영|가동|알려진|존재|있는|있다|있으며|있었|확인|파악|추정|모두|총",
    re.IGNORECASE,
)
_TOTAL_CUE_HINT = re.compile(
    r"operat|run|exist|there|total|number|estimat|identif|document|known|maintain|count|"
    r"compris|consist|network|system|located|active|remain|closed|built|held|hold|imprisoned|"
    r"detained|운영|가동|알려진|존재|있|확인|파악|추정|모두|총")
# People interviewed are a sample, not a count: "interviews with 508 defectors", "31명을 면담".
_RESPONDENTS_BEFORE = re.compile(
    r"\b(?:interview(?:ed|s|ing)?(?:\s+with)?|surveyed|spoke\s+(?:to|with)|consulted|met\s+with|"
    r"testimon(?:y|ies)\s+(?:of|from)|accounts\s+(?:of|from))\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
_KO_RESPONDENTS_BEFORE = re.compile(
    r"(?:응답자|면담자|증언자|조사\s?대상자|설문\s?참여자|면담\s?대상자)(?:는|은|가|이)?\s*(?:약\s*|모두\s*|총\s*)?$")
# What a window must hold for the three patterns above to match at its end, tested first
# (match_before tries a pattern at every word of the window, and before a Korean number
# they hardly ever match). Every _SKIP_BEFORE branch ends, spaces aside, in a Latin letter
# or one of these characters (keep them in step):
_SKIP_BEFORE_ENDS = frozenset(".#$€£¥₩/§제역형")
# _RESPONDENTS_BEFORE needs a Latin word (as IGNORECASE reads letters), and every
# _KO_RESPONDENTS_BEFORE noun ends in 자.
_LATIN_WORD = re.compile(f"[A-Za-z{''.join(FOLDS_TO_LATIN)}]{{3}}")
_KO_RESPONDENTS_HINT = re.compile("자")
_RESPONDENTS_AFTER = re.compile(
    r"\s*(?:여\s*)?명(?:의|을|를|과|와)?\s?(?:\S+\s)?(?:면담|인터뷰|조사|설문|증언|상대로|대상으로|심층)"
    r"|\s+(?:\w+\s+){0,2}(?:interviewed|surveyed|who\s+(?:were\s+)?interviewed|interviewees|"
    r"respondents|witnesses)\b",
    re.IGNORECASE,
)
# "교화소는 20여 곳", "교화소는 전국에 20여 곳": the type, then at most a place phrase
_KO_FACILITY_BEFORE = re.compile(
    r"(?:관리소|수용소|교화소|교양소|시설|집결소|단련대|구류장|감옥|형무소|교도소)\S{0,3}\s*"
    r"(?:(?:전국|북한\s?전역|북한|각지|각\s?도|도내)\S{0,2}\s*)?$|등\s*$|\d\s?호\s*$"
)
_KO_FACILITY_AFTER = re.compile(
    r"\s*(?:곳|개소|군데|개)\s*(?:의|에)?\s*(?:\S+\s)?(?:관리소|수용소|교화소|교양소|시설|집결소|단련대|구류장|"
    r"정치범)"
)
_HEADLINE_END = re.compile(r"[.!?。다요][\"'”’)\]]*\s*$")
_SUBSET = re.compile(r"\b(?:including|of\s+whom|among\s+(?:them|whom)|of\s+them)\b|중\s|가운데",
                     re.IGNORECASE)
_SUBSET_HINT = re.compile(r"including|whom|them|중\s|가운데")
_HAS_BEFORE = re.compile(r"\b(?:has|have|had)\s+(?:\w+\s+)?$", re.IGNORECASE)
_CONTINUATION = re.compile(
    r"\b(?:estimates?|estimated|figures?|numbers?|counts?|tally|totals?|range[ds]?|gives|gave|"
    r"cited)\b|추정|규모",
    re.IGNORECASE,
)
_CONTINUATION_HINT = re.compile(
    "estimate|figure|number|count|tally|total|range|gives|gave|cited|추정|규모")
_BARE_END = re.compile(
    r"(?:\s+(?:in|for|by|as\s+of)\s+(?:19|20)\d\d|\s+in\s+(?:[a-z-]+\s+){0,2}[a-z-]+)?"
    r"\s*(?:명|곳)?\s*(?:[.,;:)\[\]]|(?:이다|으로|로|였다|에 달)|$)")
# Estimate language: a figure with no measure of its own in a passage about prisoners
_ESTIMATE = re.compile(
    r"\b(?:estimat\w*|figures?|put\s+the\s+(?:figure|number|total))\b|추정|추산|수치|집계",
    re.IGNORECASE)
_ESTIMATE_HINT = re.compile("estimat|figure|put|추정|추산|수치|집계")
# "- Camp 14 (Kaechon): 15,000 (KINU, 2013)": a list line, a facility label, a bare figure
_LIST_LINE = re.compile(r"[ \t]*(?:[-*•·–—▪]|\d{1,2}[.)])\s+")
_ROW_END = re.compile(r"\s*(?:[(;,]|$)", re.MULTILINE)
# These run on the lower-cased text.
_ELSEWHERE = re.compile(
    r"(?:china[’']s\s+(?:prisons?|camps?|detention)|xinjiang|uyghurs?|uighurs?|tibet\w*|"
    r"ireland|irish|syria\w*|myanmar|eritrea\w*|russia[’']s\s+(?:prisons?|camps?)|"
    r"soviet|gulag\s+in|nazi|cambodia\w*|khmer|iran\w*|venezuela\w*|cuba\w*|worldwide|"
    r"globally|world-wide|around\s+the\s+world|across\s+the\s+world|in\s+the\s+world)\b"
    r"|신장|위구르|티베트|전\s?세계|세계적으로"
)
# literal-first (fast to scan): every _ELSEWHERE match contains one of these
_ELSEWHERE_HINT = re.compile(
    r"china|xinjiang|uyghur|uighur|tibet|ireland|irish|syria|myanmar|eritrea|russia|soviet|"
    r"gulag|nazi|cambodia|khmer|iran|venezuela|cuba|world|globally|신장|위구르|티베트|세계"
)
_NORTH_KOREA = re.compile(
    r"(?:north\s+korea\w*|dprk|n\.?\s?korea\w*|pyongyang|kwanliso|kyohwaso|kim\s+jong)\b|"
    r"북한|북송|탈북|조선|관리소|교화소|정치범"
)
# Sentence filters: literal-first patterns, which ``re`` scans fastest.
_DIGITS = re.compile(r"[0-9][0-9]*")  # not [0-9]+: ``re`` scans fast only for a leading class
_NUMBER_WORD = re.compile(
    r"t(?:wo|hree|en|welve|wenty|hirty)\b|f(?:our|ive|ifty|orty)\b|s(?:ix|even)(?:ty)?\b|"
    r"e(?:ight|leven)(?:ty)?\b|nine(?:ty)?\b"
)
# every _NUMBER_WORD match starts with one of these
_NUMBER_WORD_LITERALS = ("two", "three", "ten", "twelve", "twenty", "thirty", "four", "five",
                         "fifty", "forty", "six", "seven", "eight", "eleven", "nine")
_KO_NUMBER_WORD = re.compile(r"(?:두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s?(?:곳|개|명)")
_NEARBY_SENTENCES = 5


def _counted(ctx: DocContext, q: Quantity, sentence: Span) -> Counted | None:
    text = ctx.text
    if q.korean:
        before_start = max(sentence.start, q.start - 30)
        return counted_korean(text, q.value_end, sentence.end, text[before_start:q.start],
                              before_start)
    found = counted_after(text, q.value_end, sentence.end)
    if found is None:
        found = counted_before(text, sentence.start, q.start)
    return found


def _is_not_a_count(ctx: DocContext, q: Quantity, sentence: Span) -> bool:
    text = ctx.text
    if not q.integral or (q.low is None and q.high is None):
        return True
    if max(q.low or 0, q.high or 0) < 2:
        return True
    raw = text[q.value_start:q.value_end]
    if _YEAR_RANGE.fullmatch(raw) or _FOOTNOTE.match(text, q.start - 1, q.value_end + 1):
        return True  # years at both ends; a footnote marker "[2]", ".(3)"
    if _YEAR.fullmatch(raw.split("-")[0].split("~")[0].strip()) and "," not in raw and not (
            _COUNT_AFTER_YEAR.match(text, q.value_end)):
        return True
    # cheapest first: what follows (units), then linked names, then what precedes
    after_end = min(sentence.end, q.value_end + 40)
    if _SKIP_AFTER.match(text, q.value_end, after_end) or _RESPONDENTS_AFTER.match(
            text, q.value_end, after_end):
        return True
    for kind in ("facility", "facility_type", "organization"):
        if ctx.overlaps(kind, q.value_start, q.value_end):
            return True
    window = max(sentence.start, q.start - 30)
    if _may_end_skip_before(text, window, q.start) and match_before(
            _SKIP_BEFORE, text, window, q.start):
        return True
    window = max(sentence.start, q.start - 20)
    if q.korean and _KO_RESPONDENTS_HINT.search(text, window, q.start) and match_before(
            _KO_RESPONDENTS_BEFORE, text, window, q.start):
        return True
    window = max(sentence.start, q.start - 40)
    if q.korean and not _LATIN_WORD.search(text, window, q.start):
        return False
    return bool(match_before(_RESPONDENTS_BEFORE, text, window, q.start))


def _may_end_skip_before(text: str, start: int, pos: int) -> bool:
    """Whether a _SKIP_BEFORE match in ``text[start:pos]`` may end at ``pos``."""
    last = text[start:pos].rstrip()[-1:]
    return bool(last) and (last in _SKIP_BEFORE_ENDS or (last.isascii() and last.isalpha()))


def _as_of(ctx: DocContext, q: Quantity, sentence: Span) -> str | None:
    """The year the figure refers to: in its clause, else its sentence, else the report's."""
    text = ctx.text
    years: list[re.Match[str]] = []
    for span in (ctx.clause_of(sentence, q.value_start), sentence):
        relative = _YEARS_AGO.search(text, span.start, span.end) if _YEARS_AGO_HINT.search(
            ctx.lowered, span.start, span.end) else None
        if relative is not None:
            return _years_ago(ctx, relative)
        if not _YEAR_HINT.search(text, span.start, span.end):
            continue
        years = [m for m in _YEAR.finditer(text, span.start, span.end)
                 if not (q.value_start <= m.start() < q.value_end) and not _event_year(
                     text, sentence, m)]
        if years:
            break
    if not years:
        index = ctx.seg.sentence_index(sentence.start)
        same_paragraph = index > 0 and (
            ctx.seg.sentence_paragraph[index - 1] == ctx.seg.sentence_paragraph[index])
        if same_paragraph and ctx.search(_REPORT_ANAPHOR, _REPORT_ANAPHOR_HINT, sentence.start,
                                         sentence.end):
            previous = ctx.seg.sentences[index - 1]
            years = list(_YEAR.finditer(text, previous.start, previous.end))
        if not years:
            return None
    for match in years:
        if match_before(_AS_OF_CUE, text, max(sentence.start, match.start() - 20), match.start()):
            return match.group(1)
    return max((m.group(1) for m in years), key=lambda y: (y.rstrip("s"), y))


def _event_year(text: str, sentence: Span, year: re.Match[str]) -> bool:
    """"closed in 2012", "2012년께 폐쇄된": the year of an event, not of the figure."""
    return bool(match_before(_EVENT_BEFORE_YEAR, text, max(sentence.start, year.start() - 30),
                             year.start()) or _EVENT_AFTER_YEAR.match(text, year.end(),
                                                                     sentence.end))


def _years_ago(ctx: DocContext, relative: re.Match[str]) -> str | None:
    """"ten years ago" → the document's year minus ten; ``None`` without a document date."""
    published = ctx.published or ""
    if not re.match(r"(?:19|20)\d\d", published):
        return None
    if relative.group("last") or relative.group("klast"):
        back = 1
    else:
        word = (relative.group("n") or relative.group("kn") or "").lower()
        back = int(word) if word.isdigit() else _SMALL.get(word, 0)
        if not back:
            return None  # "a few years ago"
    return str(int(published[:4]) - back)


def _about_elsewhere(ctx: DocContext, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is about another country and not North Korea."""
    lowered = ctx.lowered
    if not _ELSEWHERE_HINT.search(lowered, start, end):
        return False  # none of the words that can open a reference elsewhere
    if not find_word(_ELSEWHERE, lowered, start, end):
        return False
    if find_word(_NORTH_KOREA, lowered, start, end):
        return False
    return not ctx.within("facility", start, end)


def _headline_zone_end(ctx: DocContext) -> int:
    """Where the body starts: the first paragraph longer than a headline or byline."""
    for paragraph in ctx.seg.paragraphs:
        if paragraph.end - paragraph.start > 200:
            return paragraph.start
    return len(ctx.text)


def _in_headline_zone(ctx: DocContext, sentence: Span, zone_end: int) -> bool:
    """A title or headline at the top of the text: its figures are restated in the body."""
    if sentence.start >= zone_end:
        return False  # a body paragraph came first: this is at most a subheading
    text = ctx.text
    whole_line = (sentence.start == 0 or text[sentence.start - 1] == "\n") and (
        sentence.end == len(text) or text[sentence.end] == "\n")
    return whole_line and sentence.end - sentence.start <= 150 and not _HEADLINE_END.search(
        text, sentence.start, sentence.end)


def _is_total(ctx: DocContext, q: Quantity, counted: Counted, sentence: Span) -> bool:
    """A count of facilities is a claim only when stated as a total ("operated six")."""
    text = ctx.text
    return bool(
        ctx.search(_TOTAL_CUE, _TOTAL_CUE_HINT, sentence.start, q.start)
        or match_before(_HAS_BEFORE, text, max(sentence.start, q.start - 20), q.start)
        or ctx.search(_TOTAL_CUE, _TOTAL_CUE_HINT, counted.noun_end,
                      min(sentence.end, counted.noun_end + 40))
    )


def _claim(ctx: DocContext, q: Quantity, sentence: Span, subject: str,
           measure: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "measure": measure,
        "low": q.low,
        "high": q.high,
        "as_of": _as_of(ctx, q, sentence),
        "attributed_to": credited_for(ctx, sentence, q.value_start),
        "start": sentence.start,
        "end": sentence.end,
        "text": ctx.text[sentence.start:sentence.end],
    }


def _candidates(ctx: DocContext, sentence: Span) -> list[Quantity]:
    """The numbers of a sentence that may be counts (not years, money, ages …)."""
    return [
        q for q in find_quantities(ctx.text, sentence.start, sentence.end)
        if not _is_not_a_count(ctx, q, sentence)
        and not _about_elsewhere(ctx, max(sentence.start, q.start - 40), q.end + 20)
    ]


def _table_row(ctx: DocContext, q: Quantity) -> bool:
    """Whether ``q`` is the figure of a list line labelled with a facility."""
    text = ctx.text
    line_start = text.rfind("\n", 0, q.start) + 1
    colon = text.find(":", line_start, q.start)
    return bool(
        colon > 0 and _LIST_LINE.match(text, line_start, colon)
        and ctx.within("facility", line_start, colon)
        and _ROW_END.match(text, q.end))


def _topic(ctx: DocContext, sentence: Span, nouns: bool = False) -> Span | None:
    """One of the two sentences before, in the paragraph, when it says people are held.

    ``nouns``: a sentence that only names prisoners ("The number of political
    prisoners is disputed.") will do, for "put the figure at N".
    """
    index = ctx.seg.sentence_index(sentence.start)
    paragraph = ctx.seg.sentence_paragraph[index]
    for back in range(index - 1, max(-1, index - 3), -1):
        if ctx.seg.sentence_paragraph[back] != paragraph:
            return None
        before = ctx.seg.sentences[back]
        if mentions_prisoners(ctx.lowered, before.start, before.end) or (
                nouns and mentions_prisoner_noun(ctx.lowered, before.start, before.end)):
            return before
    return None


def _abroad_topic(ctx: DocContext, sentence: Span) -> bool:
    """Whether the sentence before, in the paragraph, is about people held abroad."""
    index = ctx.seg.sentence_index(sentence.start)
    if index == 0 or (ctx.seg.sentence_paragraph[index - 1]
                      != ctx.seg.sentence_paragraph[index]):
        return False
    before = ctx.seg.sentences[index - 1]
    return mentions_detention_abroad(ctx.lowered, before.start, before.end)


def _topic_measure(ctx: DocContext, q: Quantity, sentence: Span,
                   recent: dict[str, Any] | None,
                   estimate: bool = False) -> tuple[str, str | None] | None:
    """"통일연구원은 8만~12만 명으로 추정했고": estimate language about the passage's prisoners.

    A count of people with no cue of its own is a claim when its clause speaks of an
    estimate and either a recent claim or the sentence before says what is counted;
    it takes that claim's measure and subject (the sentence's own facility first).
    """
    clause = ctx.clause_of(sentence, q.value_start)
    if not ctx.search(_ESTIMATE, _ESTIMATE_HINT, clause.start, clause.end):
        return None
    if recent is not None and recent["measure"] != "facility-count":
        return recent["measure"], recent["subject"]
    topic = _topic(ctx, sentence, nouns=estimate)
    if topic is None:
        return None
    types = ctx.within(BARE_TYPE, topic.start, topic.end)
    subject = types[-1].id if types else fallback_type(ctx, topic.start, topic.end)
    return "prisoner-population", subject


def _claims_in_sentence(ctx: DocContext, sentence: Span, previous: dict[str, Any] | None,
                        zone_end: int, nearby: dict[str, Any] | None = None,
                        ) -> list[dict[str, Any]]:
    text = ctx.text
    quantities = _candidates(ctx, sentence)
    if not quantities or _in_headline_zone(ctx, sentence, zone_end) or _about_elsewhere(
            ctx, sentence.start, sentence.end):
        return []
    out: list[dict[str, Any]] = []
    for i, q in enumerate(quantities):
        counted = _counted(ctx, q, sentence)
        if counted is None and _table_row(ctx, q):
            counted = Counted(PRISONERS, q.value_end)
        if counted is None:
            # "Estimates … ranged up to 5,000", "…, down from an estimated 46,500": the
            # figure continues the claim before it (in a new paragraph only a large one)
            last = out[-1] if out else previous or (
                nearby if max(q.low or 0, q.high or 0) >= 1000 else None)
            if (last is not None and last["measure"] != "facility-count"
                    and ctx.search(_CONTINUATION, _CONTINUATION_HINT, sentence.start,
                                   q.value_start)
                    and _BARE_END.match(text, q.end, sentence.end)):
                out.append(_claim(ctx, q, sentence, last["subject"], last["measure"]))
            continue
        if counted.foreign:
            continue
        if counted.what == FACILITIES:
            if not _is_total(ctx, q, counted, sentence):
                continue
            if q.korean and not (
                    _KO_FACILITY_BEFORE.search(text, max(sentence.start, q.start - 15), q.start)
                    or _KO_FACILITY_AFTER.match(text, q.value_end, sentence.end)):
                continue  # "경비초소가 20여 곳": guard posts, not prisons
            subject = facility_count_subject(ctx, q.value_start, q.value_end, counted.noun_end,
                                             sentence, q.korean)
            out.append(_claim(ctx, q, sentence, subject, "facility-count"))
            continue
        previous_end = quantities[i - 1].end if i > 0 else sentence.start
        next_start = quantities[i + 1].start if i + 1 < len(quantities) else sentence.end
        measure = choose_measure(ctx.lowered, counted, q.value_start, previous_end, next_start,
                                 korean=q.korean)
        if measure is None:
            # "… from 209,000 to 232,400", "8만~12만 명으로 추정 …, 약 23만 2400명에 이른다":
            # a second figure for the same thing in the same sentence
            last = out[-1] if out else None
            topic_subject: str | None = None
            if last is None and counted.what == PEOPLE and not counted.foreign:
                topic = _topic_measure(ctx, q, sentence, previous, counted.estimate)
                if topic is None:
                    continue
                measure, topic_subject = topic
            elif last is None or last["measure"] == "facility-count" or ctx.search(
                    _SUBSET, _SUBSET_HINT, previous_end, q.start):
                continue
            else:
                measure = last["measure"]
        else:
            topic_subject = None
        subject = "all" if measure in ("repatriated-persons", "detained-abroad") else (
            people_subject(ctx, q.value_end, counted.noun_end, sentence))
        if subject == "all" and topic_subject:
            subject = topic_subject
        elif subject == "all" and out and out[-1]["measure"] == measure and not says_whole(
                ctx, previous_end, sentence.end):
            subject = out[-1]["subject"]  # "8만~12만 명으로 추정했고, … 13만 5천 명": the same
        if subject == "all" and measure in ("prisoner-population", "deaths"):
            subject = focal_facility(ctx, sentence) or subject
        if subject == "all" and measure == "prisoner-population" and _abroad_topic(ctx, sentence):
            measure = "detained-abroad"  # "… 북송을 기다리는 탈북민은? 2천여 명이 구금돼 …"
        out.append(_claim(ctx, q, sentence, subject, measure))
    return out


def _number_positions(ctx: DocContext) -> list[int]:
    """Where numbers that may be counts are: sentences without any are skipped at once.

    A bare year ("in 2013", "2020년") never is, and most sentences with digits have
    only years and dates.
    """
    lowered = ctx.lowered
    found = [m.start() for m in _DIGITS.finditer(lowered)
             if m.end() - m.start() != 4 or not _is_bare_year(lowered, m)]
    if ctx.has_hangul:  # few Latin letters: one regex scan is cheaper than the finds
        found.extend(m.start() for m in _NUMBER_WORD.finditer(lowered)
                     if m.start() == 0 or not lowered[m.start() - 1].isalnum())
    else:
        found.extend(_number_word_starts(lowered))
    if ctx.has_hangul:
        found.extend(m.start() for m in _KO_NUMBER_WORD.finditer(lowered))
    return sorted(found)


def _number_word_starts(lowered: str) -> set[int]:
    """Where a ``_NUMBER_WORD`` match starts a word (as its ``finditer`` would find them).

    Its literals are found with ``str.find`` (far faster than ``re`` scanning for a
    set of first letters); a match is letters only, so no word start lies inside
    another match and trying each word start on its own gives the same positions.
    """
    found: set[int] = set()
    match = _NUMBER_WORD.match
    for literal in _NUMBER_WORD_LITERALS:
        at = lowered.find(literal)
        while at >= 0:
            if (at == 0 or not lowered[at - 1].isalnum()) and match(lowered, at):
                found.add(at)
            at = lowered.find(literal, at + 1)
    return found


def _is_bare_year(text: str, digits: re.Match[str]) -> bool:
    value = digits.group()
    if len(value) != 4 or value[:2] not in ("19", "20"):
        return False
    before = text[digits.start() - 1:digits.start()]
    after = text[digits.end():digits.end() + 2]
    if before in (",", ".", "$", "~", "-") or after[:1] in ("~", "-", "+", "만"):
        return False
    if after[:1] in ",." and after[1:2].isdigit():
        return False
    return not _COUNT_AFTER_YEAR.match(text, digits.end())


def find_claims(ctx: DocContext) -> list[dict[str, Any]]:
    """Every quantitative claim in the document, in text order."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    previous: dict[str, Any] | None = None
    previous_index = -10
    numbers = _number_positions(ctx)
    zone_end = _headline_zone_end(ctx)
    for index, sentence in enumerate(ctx.seg.sentences):
        at = bisect_left(numbers, sentence.start)
        if at == len(numbers) or numbers[at] >= sentence.end:
            continue
        recent = previous if (
            index - previous_index <= 2
            and ctx.seg.sentence_paragraph[previous_index] == ctx.seg.sentence_paragraph[index]
        ) else None
        nearby = previous if index - previous_index <= _NEARBY_SENTENCES else None
        for claim in _claims_in_sentence(ctx, sentence, recent, zone_end, nearby):
            key = (claim["start"], claim["subject"], claim["measure"], claim["low"],
                   claim["high"])
            if key not in seen:
                seen.add(key)
                out.append(claim)
                previous, previous_index = claim, index
    return out
