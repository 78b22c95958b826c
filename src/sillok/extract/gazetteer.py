"""Find and link names of facility types, facilities, agencies and organisations.

Every spelling in the knowledge base is compiled into one prefix-tree regular
expression (one pass over the text, a few milliseconds for a 30 KB report):

* romanised spellings match across case, hyphens and spaces ("Kwan-li-so",
  "kwanli-so", "kwan li so"), McCune-Reischauer breves and apostrophes
  ("Yŏdŏk", "Kaech'ŏn"), "U.N."/"UN", and a plural "s";
* single-word aliases written with capitals (COI, HRW, Reuters) match only as
  written; Hangul spellings match inside words because Korean attaches particles
  (요덕수용소에서, 관리소는).

Numbers are read by :mod:`sillok.extract.numbering` and resolved here through the
head they belong to: a facility type or "camp"/"prison"/수용소 followed by a number
("Camp 14", "Kyohwaso No. 1"), lists that continue it ("camp No. 14 in Kaechun, No. 15
in Yodok", "Camps 14, 15 and 16", "five operating camps: No. 14 …") and Korean numbered
forms ("15호 관리소", "관리소는 제14호(개천), 제15호(요덕)", "개천(14호)·요덕(15호) 등 2곳의
정치범수용소", "제1교화소"). A list inherits its head's type.

A place that hosts several facilities (Kaechon: kwanliso-14 and kyohwaso-1) never
links on its own: it links when a number beside it picks one of them ("No. 14 in
Kaechun", "개천(14호)"), when a facility it hosts is named in the same sentence, or
when an adjacent type word leaves one candidate ("Kaechon political prison camp",
"kyohwaso in Kaechon", "Hoeryong kyohwaso"). A place used as a facility's name
(Yodok) links alone, except as an administrative unit ("Yodok County").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from operator import attrgetter
from typing import NamedTuple

from ..kb import KnowledgeBase, load_kb, normalize_name
from ..kb.spellings import (
    HANGUL,
    Spellings,
    Term,
    fold,
    lookup,
    lower_keep_length,
    spellings_for,
    written_as,
)
from . import numbering
from .context import boundary_spans

__all__ = ["Mention", "find_mentions"]


class Mention(NamedTuple):
    """A linked name: ``text[start:end] == mention.text``."""

    start: int
    end: int
    text: str
    kind: str  # "facility_type" | "facility" | "agency" | "organization"
    id: str


class _Token(NamedTuple):
    start: int
    end: int
    term: Term


# between a Korean list and its type word: a space, "등 4곳의", one short word
_KO_TYPE_GAP = re.compile(
    r"(?P<space>\s*)(?P<etc>등\s*(?:\d{1,2}\s*(?:곳|개소|개)\s*)?(?:의\s*)?)?"
    r"(?:[\uac00-\ud7a3]{1,5}\s*)?"
)
# between a type word and the Korean list after it: "관리소는 제14호", "교화소 중 제1호"
_KO_HEAD_GAP = re.compile(r"(?:은|는|이|가|의|에는|으로는|로는|인|중)?\s*:?\s*$")
_ADMIN_AFTER = re.compile(
    r"[\s\-]*(?:County|City|Province|Prefecture|gun|kun|si|up|군|시|읍|면|동)(?![a-z])",
    re.IGNORECASE,
)
# "개천의 여성 교화소", "개천에 정치범수용소", "개천 1교화소": Korean puts the place first
_PLACE_TYPE_AFTER = re.compile(
    r"^[\s\-]*(?:'s)?[\s\-]*(?:의\s*(?:[\uac00-\ud7a3]{1,3}\s+)?|에\s*있는\s*|에\s+|소재\s*)?"
    r"(?:제?\d{1,2}\s*)?$")
# the type word must stand right before the place: "the kwanliso in Kaechon", "a kwanliso
# near Hoeryong", "the kyohwaso, located in Kaechon" — not "a kwanliso official born in"
_PLACE_TYPE_BEFORE = re.compile(
    r"[\s,(\-]*(?:(?:(?:which|that)\s+(?:is|was)\s+)?(?:located|situated|based)\s+)?"
    r"(?:(?:in|at|near|of|outside|close to|on the outskirts of)\s+(?:the\s+)?)?$"
)
_SENTENCE_END = re.compile(r"[.!?。]['\")\]]*\s+|\n")
_NOT_SENTENCE_END = re.compile(r"(?:\b[A-Z]|\bNo|\bNos|\bMr|\bDr|\bSt|\bvs)$")
# "Chinese police", "a detention centre in China": another country's, not North Korea's
_FOREIGN_WORDS = frozenset(
    {"chinese", "china", "thai", "thailand", "laotian", "lao", "laos", "vietnamese"}
    | {"russian", "seoul", "japanese", "mongolian", "cambodian", "american", "british"}
    | {"xinjiang", "uyghur", "uighur", "중국", "한국", "태국", "라오스", "베트남", "러시아"}
)
_QUALIFIERS = {"border", "public", "security", "local", "immigration", "state", "the", "a"}
_FOREIGN_AFTER = re.compile(
    r"s?\s+(?:in|of)\s+(?:China|Thailand|Laos|Vietnam|Russia|Mongolia|Cambodia|South Korea"
    r"|Xinjiang)\b"
)
# "the Special Rapporteur on torture", "the Commission of Inquiry on Syria"
_UN_BODY_ELSEWHERE = re.compile(
    r"\s+on\s+(?!(?:the\s+)?(?:situation\s+of\s+)?(?:human\s+rights\s+in\s+)?(?:the\s+)?"
    r"(?:DPRK|North\s+Korea|Democratic\s+People|country\b))",
    re.IGNORECASE,
)
# "Amnesty International Secretary-General", "NATO Secretary General"
_OTHER_SECRETARY = re.compile(
    r"(?:Amnesty(?: International)?|NATO|ASEAN|OSCE|Council of Europe|Commonwealth|Party|"
    r"Interpol|앰네스티|당)['s]*\s*$",
    re.IGNORECASE,
)
_NEAR_CHARS = 120


def _tokens(matcher: Spellings, folded: str, lowered: str, hangul: bool | None) -> list[_Token]:
    found: list[_Token] = []
    memo = matcher.memo
    if hangul is None:  # folding leaves Hangul as it is
        hangul = HANGUL.search(folded) is not None
    spans = boundary_spans(matcher.latin, lowered, hangul)
    for start, end in spans:
        surface = lowered[start:end]
        term = memo[surface] if surface in memo else lookup(matcher, surface)
        if term is None:
            continue
        if not term.cased or written_as(matcher, folded[start:end]):
            found.append(_Token(start, end, term))
    if hangul:
        for match in matcher.korean.finditer(lowered):
            surface = match.group()
            term = memo[surface] if surface in memo else lookup(matcher, surface)
            if term is None:
                continue
            start, end = match.span()
            if surface.strip() == "관리소" and start > 0:
                # 관리소 is also an ordinary word ("management office"): inside a word it
                # counts only after a number (15호관리소) or 정치범.
                before = folded[start - 1]
                if HANGUL.match(before) and before not in "호범":
                    continue
            found.append(_Token(start, end, term))
        found.sort(key=lambda t: (t.start, -t.end))
    tokens: list[_Token] = []
    last_end = -1
    for token in found:
        if token.start >= last_end:
            tokens.append(token)
            last_end = token.end
    return tokens


def _foreign_before(folded: str, start: int) -> bool:
    """Is the word before ``start`` a foreign country ("Chinese police")?"""
    words = folded[max(0, start - 40) : start].rsplit(None, 4)[-4:]  # the last four words
    while words and words[-1].lower() in _QUALIFIERS:
        words.pop()
    if not words:
        return False
    word = words[-1]
    if word in ("US", "U.S."):
        return True
    word = word.lower().removesuffix("'s").removesuffix("의")
    if word == "korean":
        return len(words) > 1 and words[-2].lower() == "south"
    return word in _FOREIGN_WORDS


class _Linker:
    """Turns matched spellings of one text into mentions, resolving numbers and places."""

    def __init__(self, text: str, folded: str, matcher: Spellings) -> None:
        self.text = text
        self.folded = folded
        self.matcher = matcher
        self.out: list[Mention] = []
        self.head_starts: list[int] = []  # where type words and "camp"/"prison" start
        self.lowered = folded  # lower-cased ``folded`` (same offsets), set by find_mentions
        self._spans: list[tuple[int, int]] = []  # facility mentions, for facility_at
        self._longest = 0

    def add(self, start: int, end: int, kind: str, ident: str) -> None:
        self.out.append(Mention(start, end, self.text[start:end], kind, ident))

    def same_sentence(self, a: int, b: int) -> bool:
        """Are ``a`` and ``b`` in one sentence (or line)? "No. 15" and "U.N." end none.

        Only the text between them is scanned: places are few and their candidates
        near, so this is cheaper than cutting the whole text into sentences.
        """
        lo, hi = min(a, b), max(a, b)
        folded = self.folded
        for m in _SENTENCE_END.finditer(folded, lo, hi):
            if lo < m.end() <= hi and (
                m.group() == "\n"
                or not _NOT_SENTENCE_END.search(folded, max(0, m.start() - 3), m.start())
            ):
                return False
        return True

    def resolve_number(self, head: Term, number: int) -> str | None:
        """ "Camp N" -> kwanliso-N else kyohwaso-N; "prison N" -> kyohwaso-N; typed -> that type."""
        numbered = self.matcher.numbered
        if head.kind == "type":
            return numbered.get((head.ids[0], number))
        if head.ids[0] == "prison":
            return numbered.get(("kyohwaso", number))
        return numbered.get(("kwanliso", number)) or numbered.get(("kyohwaso", number))

    def numbers_after(self, token: _Token) -> None:
        """Link "<head> No. N" and the list continuing it ("Camps 14, 15 and 16")."""
        items = numbering.items_after(self.folded, token.end)
        start = token.start
        if not items:
            # "five operating camps: No. 14 in Kaechun, No. 15 in Yoduk": the list
            # belongs to a plural head unless another type word comes between them
            surface = self.lowered[token.start : token.end]
            if not surface.endswith(("s", "so", "dae", "jang")) or not self.item_within(
                token.end, token.end + numbering.GAP_CHARS
            ):
                return
            start, items = numbering.items_after_gap(self.folded, token.end)
            if self.head_between(token.end, start):
                return
        for i, item in enumerate(items):
            ident = self.resolve_number(token.term, item.number)
            if ident:  # the first item of "Camps 14, 15" includes its head
                self.add(start if i == 0 else item.start, item.end, "facility", ident)

    def item_within(self, start: int, end: int) -> bool:
        """Might a "No. N" item start in ``[start, end)``? (a cheap test before a regex)"""
        window = self.lowered[start:end]
        return "no." in window or "no " in window or "nos." in window or "number" in window

    def head_between(self, start: int, end: int) -> bool:
        """Does a type word or "camp"/"prison" start in ``[start, end)``?"""
        heads = self.head_starts
        return bisect_left(heads, start) < bisect_left(heads, end)

    def korean_numbers(self, tokens: list[_Token]) -> None:
        """Link "15호 관리소", "제14호, 제15호 관리소", "관리소는 제14호(개천), 제15호(요덕)",
        "개천(14호)·요덕(15호) 등 2곳의 정치범수용소" and "제1교화소"."""
        by_start = {t.start: t for t in tokens if t.term.kind in ("type", "head")}
        by_end = {t.end: t for t in tokens if t.term.kind in ("type", "head")}
        folded = self.folded
        for match in numbering.korean_lists(folded) if "호" in folded else ():
            head = None
            adjacent = False
            gap = _KO_TYPE_GAP.match(folded, match.end())
            assert gap is not None  # every part of the gap is optional
            for pos in (gap.end("space"), gap.end("etc"), gap.end()):
                if pos in by_start:
                    head, adjacent = by_start[pos], pos == gap.end("space")
                    break
            if head is None:
                lead = _KO_HEAD_GAP.search(folded, max(0, match.start() - 6), match.start())
                head = by_end.get(lead.start()) if lead else None
            if head is None:
                continue
            items = numbering.korean_items(folded, match)
            for i, item in enumerate(items):
                ident = self.resolve_number(head.term, item.number)
                if ident:  # "16호 관리소": the last item runs on to an adjacent type word
                    last = adjacent and i == len(items) - 1
                    self.add(item.start, head.end if last else item.end, "facility", ident)
        for item in numbering.korean_ordinals(folded) if "제" in folded else ():
            head = by_start.get(item.end)
            ident = self.resolve_number(head.term, item.number) if head else None
            if head and ident:
                self.add(item.start, head.end, "facility", ident)

    def link_places(self, places: list[_Token], tokens: list[_Token]) -> None:
        """Link a place to the facility it hosts that is named nearby, else by its type word."""
        starts: dict[str, list[int]] = {}
        for mention in self.out:
            if mention.kind == "facility":
                starts.setdefault(mention.id, []).append(mention.start)
        for positions in starts.values():
            positions.sort()
        index = {token.start: i for i, token in enumerate(tokens)}
        # a number written next to the place picks the facility it hosts with that
        # number ("No. 14 in Kaechun", "개천(14호)"); the rest look for a named facility
        unresolved: list[_Token] = []
        before = len(self.out)
        for place in places:
            if not self.link_by_number(place, place.term.ids):
                unresolved.append(place)
        for mention in self.out[before:]:
            if mention.kind == "facility":
                insort(starts.setdefault(mention.id, []), mention.start)
        for place in unresolved:
            best: tuple[int, str] | None = None
            for ident in place.term.ids:
                positions = starts.get(ident, [])
                lo = bisect_left(positions, place.start - _NEAR_CHARS)
                hi = bisect_right(positions, place.start + _NEAR_CHARS)
                for pos in positions[lo:hi]:
                    if self.same_sentence(pos, place.start):
                        best = min(
                            best or (abs(pos - place.start), ident), (abs(pos - place.start), ident)
                        )
            chosen = best[1] if best else self.type_next_to(place, index[place.start], tokens)
            if chosen:
                self.add(place.start, place.end, "facility", chosen)

    def link_by_number(self, place: _Token, candidates: tuple[str, ...]) -> bool:
        """Link ``place`` and the number beside it to the one candidate with that number.

        "No. 14 in Kaechun" is kwanliso-14 even without a type word: Kaechon hosts
        kwanliso-14 and kyohwaso-1, and only one of them is No. 14. A number that a
        head already linked ("kyohwaso No. 14 in Kaechon") is left to that head.
        """
        item = numbering.number_beside(self.folded, place.start, place.end)
        if item is None:
            return False
        start, end, number = item
        if self.facility_at(start, end):
            return False
        facilities = self.matcher.kb.facilities
        fits = [c for c in candidates if facilities[c].number == number]
        if len(fits) != 1:
            return False
        self.add(place.start, place.end, "facility", fits[0])
        self.add(start, end, "facility", fits[0])
        insort(self._spans, (start, end))
        self._longest = max(self._longest, end - start)
        return True

    def facility_at(self, start: int, end: int) -> bool:
        """Does a facility mention found so far overlap ``[start, end)``?"""
        if not self._spans:
            self._spans = sorted((m.start, m.end) for m in self.out if m.kind == "facility")
            self._longest = max((e - s for s, e in self._spans), default=0)
        spans = self._spans
        lo = bisect_left(spans, (start - self._longest, 0))
        hi = bisect_left(spans, (end, 0))
        return any(e > start for _, e in spans[lo:hi])

    def type_next_to(self, place: _Token, i: int, tokens: list[_Token]) -> str | None:
        """The one candidate of ``place`` that an adjacent type word fits, if any."""
        kb = self.matcher.kb
        neighbours: list[_Token] = []
        if i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if _PLACE_TYPE_AFTER.match(self.folded[place.end : nxt.start]):
                neighbours.append(nxt)
        if i > 0:
            prev = tokens[i - 1]
            if _PLACE_TYPE_BEFORE.match(self.folded[prev.end : place.start]):
                neighbours.append(prev)
        for token in neighbours:
            if token.term.kind == "type":
                wanted = {token.term.ids[0]}
            elif token.term.kind != "head":
                continue
            elif token.term.ids[0] == "camp":  # "the Hwasong camp": a camp, not a jail
                wanted = {"kwanliso", "kyohwaso", "rodong-danryeondae"}
            elif token.term.ids[0] == "prison":
                wanted = {"kyohwaso", "kuryujang"}
            fits = [c for c in place.term.ids if kb.facilities[c].type in wanted]
            if len(fits) == 1:
                return fits[0]
        return None

    def keep(self, token: _Token) -> bool:
        """False for a match the context shows to be something else.

        Police, ministries, jails and detention centres of China or another country are
        not North Korean ones; the Special Rapporteur on torture is not the one on the
        DPRK; Amnesty's Secretary-General is not the UN's.
        """
        term = token.term
        if term.kind in ("type", "agency"):
            return not (
                _foreign_before(self.folded, token.start)
                or _FOREIGN_AFTER.match(self.folded, token.end)
            )
        if term.ids in (("un-special-rapporteur",), ("un-coi",)):
            surface = self.folded[token.start : token.end].lower()
            if surface.endswith(("rapporteur", "inquiry")):
                return not _UN_BODY_ELSEWHERE.match(self.folded, token.end)
        if term.ids == ("un-secretary-general",):
            before = self.folded[max(0, token.start - 40) : token.start]
            return not _OTHER_SECRETARY.search(before)
        return True


def find_mentions(text: str, kb: KnowledgeBase | None = None,
                  hangul: bool | None = None) -> list[Mention]:
    """Every linked name in ``text``, sorted by start (then end).

    ``hangul``: whether ``text`` has a Hangul syllable, if the caller knows.
    """
    matcher = spellings_for(kb or load_kb())
    folded = fold(text)
    linker = _Linker(text, folded, matcher)
    linker.lowered = lower_keep_length(folded)
    tokens = _tokens(matcher, folded, linker.lowered, hangul)
    linker.head_starts = [t.start for t in tokens if t.term.kind in ("type", "head")]
    places: list[_Token] = []
    named: list[_Token] = []
    for token in tokens:
        term = token.term
        if term.kind in ("type", "head"):
            if term.kind == "type" and linker.keep(token):
                linker.add(token.start, token.end, "facility_type", term.ids[0])
            linker.numbers_after(token)
        elif term.kind == "facility":
            if term.place_name and _ADMIN_AFTER.match(folded, token.end):
                places.append(token)
                continue
            linker.add(token.start, token.end, "facility", term.ids[0])
            _nested_types(linker, matcher, token)
            if term.place_name:
                named.append(token)
        elif term.kind == "place":
            places.append(token)
        elif linker.keep(token):
            linker.add(token.start, token.end, term.kind, term.ids[0])
    if "inistries" in folded:
        pattern, tails = matcher.ministries
        for match in _ministry_matches(pattern, folded):
            for group in ("a", "b"):
                ident = tails.get(normalize_name(match.group(group)))
                if ident:
                    linker.add(match.start(group), match.end(group), "agency", ident)
    if "호" in folded or "제" in folded:
        linker.korean_numbers(tokens)
    for token in named:  # "No. 15 in Yodok": the number names Yodok's camp too
        linker.link_by_number(token, token.term.ids)
    if places:
        linker.link_places(places, tokens)
    unique = {(m.start, m.end, m.kind, m.id): m for m in linker.out}
    return sorted(unique.values(), key=attrgetter("start", "end", "kind", "id"))


def _ministry_matches(pattern: re.Pattern[str], folded: str) -> list[re.Match[str]]:
    """``pattern.finditer(folded)`` for the ministries pattern ("Ministries of … and …").

    It opens with ``\\bministries`` under IGNORECASE, which ``re`` would try at every
    character; it is tried only where an "m" or "M" (all that its first letter
    matches) starts a word.
    """
    if not pattern.pattern.startswith(r"\bministries"):
        return list(pattern.finditer(folded))
    out: list[re.Match[str]] = []
    end = 0
    for initial in _LETTER_M.finditer(folded):
        start = initial.start()
        if start >= end and (start == 0 or not _WORD_CHAR.match(folded, start - 1)):
            match = pattern.match(folded, start)
            if match:
                out.append(match)
                end = match.end()
    return out


_LETTER_M = re.compile("[mM]")
_WORD_CHAR = re.compile(r"\w")


def _nested_types(linker: _Linker, matcher: Spellings, token: _Token) -> None:
    """A facility name such as "Kaechon Kyohwaso" also mentions the type it contains."""
    inner = lower_keep_length(linker.folded[token.start : token.end])
    for match in matcher.type_regex.finditer(inner):
        term = lookup(matcher, match.group())
        if term is not None and term.kind == "type":
            linker.add(
                token.start + match.start(), token.start + match.end(), "facility_type", term.ids[0]
            )
