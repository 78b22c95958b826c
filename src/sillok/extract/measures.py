"""What a number counts: people, deaths or facilities, and which measure it is.

A figure is a claim only when it counts something the vocabulary measures. The
counted thing is read from the noun after the number ("135,000 political
prisoners", "six kwanliso", "10 deaths", "8만~12만 명", "관리소 6곳") or, when the
number stands alone, from the phrase before it ("the number of inmates … rose
from 209,000 to 232,400"). The measure then comes from the nearest cue in the
number's own clause:

====================  ==================================================
measure               cues
====================  ==================================================
detained-abroad       detained / held / arrested … in China (Russia, Laos…)
repatriated-persons   repatriated, forcibly returned, deported, 강제송환, 북송
deaths                died, deaths, executed, killed, shot, 사망, 숨진, 처형, 총살
forced-labourers      forced labour, modern slavery, forced to work, 강제노동, 동원
prisoner-population   held, imprisoned, detained, population, 수감, 수용, 구금
====================  ==================================================

A prisoner noun ("prisoners", "inmates", "수감자") is a population figure unless a
nearer cue says otherwise; a general noun ("people", "women", "명") needs a cue.
People of another nationality ("17 Japanese citizens") are never counted.
"""

from __future__ import annotations

import re
from typing import NamedTuple

PEOPLE = "people"
PRISONERS = "prisoners"
DEATHS = "deaths"
FACILITIES = "facilities"

_NOT_MODIFIER = (r"(?!(?:of|in|at|for|to|from|with|on|by|per|and|or|the|a|an|were|was|are|is|"
                 r"about|into|among|across|against|since|during|under|after|before|over|"
                 r"have|had|has|who|which|that|whom|whose|each|every|years?|months?|days?|"
                 r"hours?|weeks?)\b)")
_MODIFIERS = rf"(?:{_NOT_MODIFIER}[A-Za-z’'-]+\s+){{0,3}}?"
_EN_NOUN = re.compile(
    rf"""(?:\s*(?:\+|-plus|or\s+more|or\s+fewer|or\s+less))?["”’']?\s+(?P<mods>{_MODIFIERS})(?:
        (?P<prisoners>(?:political\s+)?(?:prisoners?|inmates?|detainees?|internees|convicts|
            captives|prisoners\s+of\s+conscience))
      | (?P<deaths>deaths|fatalities|executions|killings|dead|bodies|corpses)
      | (?P<facilities>(?:prison\s+)?camps|prisons|facilities|centres|centers|penitentiaries|
            jails|colonies|(?:prison|detention|camp)\s+sites|kwanliso|kyohwaso|kyoyangso|
            jipkyulso|kuryujang)
      | (?P<workers>workers|labou?rers)
      | (?P<people>people|persons|individuals|North\s+Koreans|Koreans|refugees|defectors|
            escapees|returnees|women|men|girls|boys|children|minors|citizens|others|
            victims|adults|residents|family\s+members|families|Christians|believers|deportees|
            asylum[- ]seekers|migrants|abductees|souls|nationals|civilians|households|youths|
            students|soldiers|farmers|members)
    )\b""",
    re.IGNORECASE | re.VERBOSE,
)
# camps that are not places of detention: "12 logging camps", "refugee camps"
_NOT_DETENTION = re.compile(
    r"\b(?:logging|lumber|timber|refugee|military|army|summer|holiday|construction|base)\b",
    re.IGNORECASE,
)
# "\"more than 50,000\" were held at Yoduk": a bare figure whose verb says it counts people
_BARE_HELD = re.compile(
    r"[\"”’']?\s+(?:were|are|was|had\s+been|have\s+been)\s+(?:being\s+|still\s+)?"
    r"(?:held|imprisoned|detained|incarcerated|confined|interned)\b",
    re.IGNORECASE,
)
_FOREIGN = re.compile(
    r"\b(?:Japanese|South\s+Korean|Chinese|American|U\.?S\.?|Thai|Vietnamese|Russian|"
    r"Mongolian|Laotian|Lao|foreign|Irish|British|Uyghur|Uighur|Tibetan|Syrian|European)\b",
    re.IGNORECASE,
)
_EN_NUMBER_OF = re.compile(
    r"""\b(?:
        (?:number|population|total|count|tally)\s+of\s+(?:\w+\s+){0,2}?
            (?P<prisoners>prisoners|inmates|detainees|political\s+prisoners|people\s+held|
                people\s+(?:imprisoned|detained))
      | number\s+(?:of\s+(?:people|persons)\s+)?(?P<prisoners3>held|imprisoned|detained|
            incarcerated)
      | (?P<prisoners2>(?:prison|prisoner|inmate|detainee|camp)\s+population|population)
      | (?:number|total|count|tally)\s+of\s+(?P<deaths>deaths|executions|killings|dead)
      | death\s+toll
      | (?:number|total|count|tally)\s+of\s+(?:\w+\s+){0,2}?(?P<people>people|persons|
            individuals|refugees|defectors|escapees|North\s+Koreans|workers|labou?rers|victims)
      | (?:number|total|count|tally)\s+of\s+(?:\w+\s+){0,2}?(?P<facilities>camps|prisons|
            facilities|kwanliso|kyohwaso)
      | (?P<estimate>(?:put|puts|putting|placed|places|placing|estimated|estimates|set|sets|
            fixed|pegged|pegs)\s+(?:the|that|this|its)\s+(?:\w+\s+)?(?:figure|number|total|
            estimate|count|tally)\s+at)
    )\b[^.;]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_KO_COUNTER = re.compile(
    r"\s*(?:여\s*)?(?:(?P<people>명)|(?P<facilities>곳|개소|군데|개의|개\s*(?=[\uac00-\ud7a3]*(?:소|장|대)\b)))"
)
_KO_BEFORE = re.compile(
    r"(?:(?P<deaths>사망자|희생자|(?:숨진|사망한|죽은|처형된)\s?(?:수감자|수용자|재소자|구금자|사람))|"
    r"(?P<prisoners>수감자|수용자|수감\s?인원|수용\s?인원|정치범|재소자|구금자)|"
    r"(?P<workers>노동자|근로자)|(?P<people>탈북민|탈북자|주민|여성|아동|주민들))\s*(?:들)?(?:은|는|이|가)?\s*(?:의\s*)?(?:수(?:는|가|를)?|규모(?:는|가)?|"
    r"총\s?수|인원(?:은|이)?)?\s*(?:약|대략|최소|최대)?\s*$"
)
# every _KO_BEFORE match has one of these (found fast, where _KO_BEFORE is tried everywhere)
_KO_BEFORE_HINT = re.compile(
    "사망|희생자|숨진|죽은|처형된|수감|수용|정치범|재소자|구금자|노동자|근로자|탈북|주민|여성|아동")

# Cue patterns run on the lower-cased text; they open with literals (fast to scan) and
# the word start of a Latin match is checked by the caller.
_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("detained-abroad", re.compile(
        r"(?:detained|held|arrested|jailed|imprisoned|in\s+custody|in\s+detention|stranded)"
        r"\b(?:[^.;]{0,30}?\b(?:in|by)\s+(?:china|chinese|russia|russian|laos|lao|vietnam|"
        r"vietnamese|thailand|thai|mongolia|cambodia|myanmar|third\s+countries|abroad|"
        r"overseas)\b)"
        r"|awaiting\s+(?:repatriation|deportation|(?:forced\s+)?return)\b"
        r"|in\s+(?:chinese|russian|lao|laotian|vietnamese|thai)\s+(?:detention|custody|prisons?|"
        r"jails?|police\s+custody)\b"
        r"|중국\s?(?:공안|당국|내|에서|에)[^.]{0,25}?(?:구금|억류|수감|체포)|송환\s?대기")),
    ("repatriated-persons", re.compile(
        r"(?:repatriat\w*|forcibly\s+returned|forced\s+returns?|forcibly\s+return|"
        r"returned\s+to\s+(?:north\s+korea|the\s+dprk|the\s+north)|sent\s+back|deport\w*|"
        r"handed\s+(?:back|over)|refoule\w*|return(?:ed)?)\b|송환|북송")),
    ("deaths", re.compile(
        r"(?:died|die|dies|dying|deaths?|dead|killed|executed|perished|death\s+toll|"
        r"fatalities|lost\s+their\s+lives|starved\s+to\s+death|shot|gunned\s+down|hanged|"
        r"beaten\s+to\s+death|put\s+to\s+death)\b|사망|숨졌|숨진|숨지|죽었|죽은|"
        r"처형|아사|목숨을|총살|사살|교수형|맞아\s?죽")),
    ("forced-labourers", re.compile(
        r"(?:forced\s+labou?r\w*|forced\s+to\s+(?:work|labou?r|toil)|forcing|forcibly\s+"
        r"mobili[sz]ed|mobili[sz]\w+|modern\s+slavery|slavery|enslaved|conscripted|"
        r"compulsory\s+labou?r|overseas\s+(?:workers|labou?r\w*)|"
        r"labou?r\s+(?:program\w*|export\w*)|(?:dispatched|sent)\s+(?:abroad|overseas)|"
        r"workers\s+(?:\w+\s+){0,3}?(?:abroad|overseas))\b"
        r"|강제\s?노동|강제\s?동원|노예|동원|해외\s?(?:노동|파견)")),
    ("prisoner-population", re.compile(
        r"(?:held|holds?|holding|imprisoned|detained|incarcerated|confined|interned|jailed|"
        r"population|housed|houses|locked\s+up|sent\s+(?:to|there)|"
        r"remain(?:ed|s)?\s+in\b(?!\s+(?:the\s+)?(?:chinese|russian|china|russia|lao|laos|laotian|"
        r"vietnamese|thai|third))|"
        r"in\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:camps?|prisons?|kwanliso|kyohwaso|detention|"
        r"custody)|behind\s+bars|serving|there\s+(?:are|were|is|was|remain(?:ed)?))\b"
        r"|수감(?!자들)|수용(?!소|자들)|구금|갇혀|갇힌|갇혔|억류|감금")),
)
# Literals of which every match of the cue contains one. ``re`` scans fast for a set of
# literals, but tries a cue (its first words sit in a group) at every position.
_CUE_HINTS = {
    "detained-abroad": re.compile(
        r"detained|held|arrested|jailed|imprisoned|custody|detention|stranded|awaiting|chinese|"
        r"russian|lao|vietnamese|thai|중국|송환"),
    "repatriated-persons": re.compile(r"repatriat|return|sent|deport|handed|refoule|송환|북송"),
    "deaths": re.compile(
        r"die|dying|dead|death|killed|executed|perished|fatalities|lives|shot|gunned|hanged|"
        r"사망|숨|죽|처형|아사|목숨|총살|사살|교수형"),
    "forced-labourers": re.compile(
        r"forc|mobili|slave|conscripted|compulsory|overseas|labo|abroad|강제|노예|동원|해외"),
    "prisoner-population": re.compile(
        r"held|hold|imprisoned|detained|incarcerated|confined|interned|jailed|population|house|"
        r"locked|sent|remain|camp|prison|kwanliso|kyohwaso|detention|custody|bars|serving|there|"
        r"수감|수용|구금|갇|억류|감금"),
}
_KO_ABROAD = re.compile(
    r"(?:중국|러시아|라오스|베트남|태국|몽골|제3국|해외)(?!에서\s?(?:강제)?\s?(?:송환|북송))"
)
# where North Korea's labour export sends workers (lower-cased text)
_WORK_ABROAD = re.compile(
    r"\b(?:abroad|overseas|russia\w*|russian\s+federation|china|chinese|middle\s+east|kuwait|"
    r"qatar|mongolia\w*|siberia\w*)\b|러시아|중국|해외|극동|중동"
)
# "… who had been held …", "…, which …": a relative clause after the counted noun
_RELATIVE = re.compile(r"(?:,\s*)?\b(?:who|whom|which|that)\b")
_RELATIVE_PENALTY = 100
_EN_ABROAD_AFTER = re.compile(
    r"[^.;]{0,25}?\b(?:in|by)\s+(?:china|chinese|russia|russian|laos|vietnam|thailand|"
    r"mongolia|cambodia|myanmar|third\s+countries|abroad)\b")
_KO_HELD_ABROAD = re.compile(
    r"(?:중국|러시아|라오스|베트남|태국|몽골)\s?(?:공안|당국|경찰)\S{0,2}\s?(?:붙잡|체포|구금|억류)"
    r"|북송을\s?기다리|송환을\s?기다리")
_PRIORITY = {name: i for i, (name, _) in enumerate(_CUES)}
_MAX_CUE_DISTANCE = 120


class Counted(NamedTuple):
    """The thing a number counts and where its noun phrase ends."""

    what: str  # PEOPLE | PRISONERS | DEATHS | FACILITIES
    noun_end: int
    foreign: bool = False
    # "10,000 North Korean workers", "노동자 약 1만 명": labour abroad unless a cue says else
    workers: bool = False
    # "put the figure at N": no noun of its own; the passage says what is counted
    estimate: bool = False
    # Korean "수감자 3명이": where the counted noun before the number starts (-1: none)
    noun_start: int = -1


def counted_after(text: str, pos: int, end: int) -> Counted | None:
    """The noun right after a number (English), with up to three modifiers."""
    match = _EN_NOUN.match(text, pos, end)
    if match is None:
        held = _BARE_HELD.match(text, pos, end)
        return Counted(PEOPLE, pos) if held else None
    foreign = bool(_FOREIGN.search(match.group("mods")))
    if match.group("workers"):
        return Counted(PEOPLE, match.end(), foreign, workers=True)
    if match.group(FACILITIES) and _NOT_DETENTION.search(match.group("mods")):
        return None
    for what in (PRISONERS, DEATHS, FACILITIES, PEOPLE):
        if match.group(what):
            return Counted(what, match.end(), foreign)
    return None


def counted_korean(text: str, pos: int, end: int, before: str,
                   before_start: int = -1) -> Counted | None:
    """The counter after a Korean number (명, 곳) or the noun before it (수감자 수는 …).

    ``before`` is ``text[before_start:number start]``.
    """
    match = _KO_COUNTER.match(text, pos, end)
    prior = _KO_BEFORE.search(before) if _KO_BEFORE_HINT.search(before) else None
    if prior is not None:
        noun_end = match.end() if match else pos
        noun_start = before_start + prior.start() if before_start >= 0 else -1
        if prior.group("workers"):
            return Counted(PEOPLE, noun_end, workers=True, noun_start=noun_start)
        for what in (PRISONERS, DEATHS, PEOPLE):
            if prior.group(what):
                return Counted(what, noun_end, noun_start=noun_start)
    if match is None:
        return None
    if match.group("facilities"):
        return Counted(FACILITIES, match.end())
    return Counted(PEOPLE, match.end())


def counted_before(text: str, start: int, pos: int) -> Counted | None:
    """"the number of inmates … from 209,000": the counted noun stated earlier.

    ``text[start:pos]`` is the clause before the number at ``pos``.
    """
    match = _EN_NUMBER_OF.search(text, start, pos)
    if match is None:
        return None
    if match.group("prisoners") or match.group("prisoners2") or match.group("prisoners3"):
        return Counted(PRISONERS, pos)
    if match.group("deaths") or "toll" in match.group(0).lower():
        return Counted(DEATHS, pos)
    if match.group("facilities"):
        return Counted(FACILITIES, pos)
    if match.group("estimate"):
        # "NK Watch put the figure at 135,000": what is counted comes from the passage
        return Counted(PEOPLE, pos, estimate=True)
    return Counted(PEOPLE, pos)


_CUE_BY_NAME = dict(_CUES)


def _cue_in(name: str, lowered: str, start: int, end: int) -> bool:
    """Whether the cue ``name`` occurs in ``lowered[start:end]`` (its hint checked first)."""
    return (_CUE_HINTS[name].search(lowered, start, end) is not None
            and _CUE_BY_NAME[name].search(lowered, start, end) is not None)


def mentions_prisoners(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` says that people are held ("갇혀", "imprisoned")."""
    return _cue_in("prisoner-population", lowered, start, end)


_PRISONER_NOUN = re.compile(
    r"\b(?:(?:political\s+)?prisoners|inmates|detainees)\b|수감자|수용자|정치범|재소자")


def mentions_prisoner_noun(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` speaks of prisoners ("the number of political prisoners")."""
    return _PRISONER_NOUN.search(lowered, start, end) is not None


def mentions_detention_abroad(lowered: str, start: int, end: int) -> bool:
    """Whether ``lowered[start:end]`` places people in detention abroad ("중국 공안에 붙잡혀")."""
    return _cue_in("detained-abroad", lowered, start, end) or (
        _KO_HELD_ABROAD.search(lowered, start, end) is not None)


def choose_measure(lowered: str, counted: Counted, value_start: int, window_start: int,
                   window_end: int, korean: bool = False) -> str | None:
    """The measure of a people/deaths figure from the nearest cue in its window.

    ``lowered`` is the document's lower-cased text (same offsets as the text).

    In Korean the predicate follows the number ("탈북민 60여 명이 … 강제북송됐다") and
    what precedes is a modifier ("구금돼 있던 탈북민"), so cues before the number
    count for less.
    """
    if counted.what == DEATHS:
        return "deaths"
    best: tuple[int, int, str] | None = None
    best_end = 0
    lo = max(window_start, value_start - _MAX_CUE_DISTANCE)
    hi = min(window_end, counted.noun_end + _MAX_CUE_DISTANCE)
    relative = None if korean else _RELATIVE.search(lowered, counted.noun_end, hi)
    for name, pattern in _CUES:
        if not _CUE_HINTS[name].search(lowered, lo, hi):
            continue
        for match in pattern.finditer(lowered, lo, hi):
            first = match.start()
            if first and lowered[first].isascii() and lowered[first - 1].isalnum():
                continue  # inside a word
            if match.start() >= counted.noun_end:
                distance = match.start() - counted.noun_end
                if relative is not None and match.start() >= relative.end():
                    # "500 others who had been held in detention centres": the relative
                    # clause describes them; the main verb says what the figure counts
                    distance += _RELATIVE_PENALTY
            elif 0 <= counted.noun_start <= match.start():
                continue  # "수감자 3명이 … 총살": the counted noun, not a cue
            elif match.end() <= value_start:
                distance = value_start - match.end()
                if korean:
                    distance = distance * 2 + 10
            else:
                continue  # the cue is the counted noun phrase itself
            candidate = (distance, _PRIORITY[name], name)
            if best is None or candidate < best:
                best = candidate
                best_end = match.end()
    if best is None:
        if counted.workers and _WORK_ABROAD.search(lowered, lo, hi):
            return "forced-labourers"  # the state's labour export: "workers … in Russia"
        return "prisoner-population" if counted.what == PRISONERS else None
    if best[2] == "prisoner-population" and korean and _KO_ABROAD.search(lowered, lo, hi):
        return "detained-abroad"  # "중국 내 수용시설에 … 탈북민이 구금돼"
    if best[2] == "prisoner-population" and not korean and _EN_ABROAD_AFTER.match(
            lowered, best_end, min(len(lowered), best_end + 40)):
        return "detained-abroad"  # "remained in detention in China"
    return best[2]
