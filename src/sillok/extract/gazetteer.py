"""Find and link names of facility types, facilities, agencies and organisations.

Every spelling in the knowledge base is compiled into one prefix-tree regular
expression (one pass over the text, a few milliseconds for a 30 KB report):

* romanised spellings match across case, hyphens and spaces ("Kwan-li-so",
  "kwanli-so", "kwan li so"), McCune-Reischauer breves and apostrophes
  ("Yŏdŏk", "Kaech'ŏn"), "U.N."/"UN", and a plural "s";
* single-word aliases written with capitals (COI, HRW, Reuters) match only as
  written; Hangul spellings match inside words because Korean attaches particles
  (요덕수용소에서, 관리소는).

Numbers are read by a small grammar on top: a facility type or "camp"/"prison"/
수용소 followed by a number ("Camp 14", "Kyohwaso No. 1", "Kwanliso Number 14"),
lists that continue it ("camp No. 14 in Kaechun, No. 15 in Yodok", "Camps 14, 15
and 16") and Korean numbered forms ("15호 관리소", "제14호, 제15호 관리소").

A place that hosts several facilities (Kaechon: kwanliso-14 and kyohwaso-1) never
links on its own: it links when a facility it hosts is named in the same sentence,
or when an adjacent type word leaves one candidate ("Kaechon political prison
camp", "kyohwaso in Kaechon", "Hoeryong kyohwaso"). A place used as a facility's
name (Yodok) links alone, except as an administrative unit ("Yodok County").
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
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

__all__ = ["Mention", "find_mentions"]


@dataclass(frozen=True)
class Mention:
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


_NUMBER_AFTER = re.compile(
    r"[\s\-]*(?P<no>(?:No|Nos|Number|Numbers|#)\.?\s*)?(?P<n>\d{1,3})(?![\d])"
    r"(?![.,]\d)(?!\s*호)"
    r"(?!\s*(?:%|per\s?cent|years?|km|kilomet|miles?|hours|days|months|times)\b)",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(
    r"(?:\s+(?:in|at|near)\s+[A-Z][\w'\-]+(?:[ \-][A-Z][\w'\-]+)?|\s*\([^()\n]{1,60}\)"
    r"|,\s*[A-Z][\w'\-]+(?:[ \-][A-Z][\w'\-]+)?(?=\s*(?:,|and\b)))?"
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*;\s*|,?\s+as well as\s+)"
    r"(?:(?:No|Nos|Number|#)\.?\s*)?(?P<n>\d{1,3})(?![\d])(?![.,]\d)"
    r"(?!\s*(?:%|per\s?cent|years?|km|miles?|people|persons|prisoners|inmates|detainees|"
    r"hours|days|months|times)\b)",
    re.IGNORECASE,
)
_KO_NUMBERS = re.compile(
    r"(?:제\s*)?(\d{1,3})\s*호(?:\s*(?:[,·ㆍ、]|및|와|과)\s*(?:제\s*)?(\d{1,3})\s*호)*"
)
_KO_ITEM = re.compile(r"(?:제\s*)?(\d{1,3})\s*호")
_KO_TYPE_GAP = re.compile(r"(?P<space>\s*)(?:[\uac00-\ud7a3]{1,5}\s*)?")
_ADMIN_AFTER = re.compile(
    r"[\s\-]*(?:County|City|Province|Prefecture|gun|kun|si|up|군|시|읍|면|동)(?![a-z])",
    re.IGNORECASE,
)
_PLACE_TYPE_AFTER = re.compile(r"^[\s\-]*(?:'s)?[\s\-]*(?:의\s*|에\s*있는\s*|소재\s*)?$")
_PLACE_TYPE_BEFORE = re.compile(
    r"(?:^[\s,(\-]*$)|(?:\s(?:located\s+|situated\s+)?(?:in|at|near|of|outside|close to)\s+$)"
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


def _tokens(matcher: Spellings, folded: str, lowered: str) -> list[_Token]:
    found: list[_Token] = []
    memo = matcher.memo
    for match in matcher.latin.finditer(lowered):
        surface = match.group()
        term = memo[surface] if surface in memo else lookup(matcher, surface)
        if term is None:
            continue
        start, end = match.span()
        if not term.cased or written_as(matcher, folded[start:end]):
            found.append(_Token(start, end, term))
    if HANGUL.search(folded):
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
    words = folded[max(0, start - 40) : start].split()[-4:]
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
        self._sentences: list[int] | None = None

    def add(self, start: int, end: int, kind: str, ident: str) -> None:
        self.out.append(Mention(start, end, self.text[start:end], kind, ident))

    def sentence_of(self, pos: int) -> int:
        """Index of the sentence (or line) holding ``pos``; "No. 15" and "U.N." do not end one."""
        if self._sentences is None:
            folded = self.folded
            self._sentences = [
                m.end()
                for m in _SENTENCE_END.finditer(folded)
                if m.group() == "\n"
                or not _NOT_SENTENCE_END.search(folded, max(0, m.start() - 3), m.start())
            ]
        return bisect_right(self._sentences, pos)

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
        match = _NUMBER_AFTER.match(self.folded, token.end)
        if match is None:
            return
        ident = self.resolve_number(token.term, int(match.group("n")))
        if ident:
            self.add(token.start, match.end(), "facility", ident)
        pos = match.end()
        while (cont := _CONTINUATION.match(self.folded, pos)) is not None:
            ident = self.resolve_number(token.term, int(cont.group("n")))
            item_start = cont.start("n")
            if ident:
                no = re.search(
                    r"(?:No|Nos|Number|#)\.?\s*$", self.folded[pos:item_start], re.IGNORECASE
                )
                self.add(pos + no.start() if no else item_start, cont.end(), "facility", ident)
            pos = cont.end()

    def korean_numbers(self, tokens: list[_Token]) -> None:
        """Link "15호 관리소", "제14호, 제15호 관리소" and "관리소 제15호"."""
        by_start = {t.start: t for t in tokens if t.term.kind in ("type", "head")}
        by_end = {t.end: t for t in tokens if t.term.kind in ("type", "head")}
        for match in _KO_NUMBERS.finditer(self.folded):
            head = None
            gap = _KO_TYPE_GAP.match(self.folded, match.end())
            for pos in (gap.end("space") if gap else match.end(), gap.end() if gap else -1):
                if pos in by_start:
                    head = by_start[pos]
                    break
            if head is None:
                lead = len(self.folded[: match.start()].rstrip())
                head = by_end.get(lead)
            if head is None:
                continue
            items = list(_KO_ITEM.finditer(self.folded, match.start(), match.end()))
            for i, item in enumerate(items):
                ident = self.resolve_number(head.term, int(item.group(1)))
                if ident:
                    last = i == len(items) - 1 and head.start >= match.end()
                    self.add(item.start(), head.end if last else item.end(), "facility", ident)

    def link_places(self, places: list[_Token], tokens: list[_Token]) -> None:
        """Link a place to the facility it hosts that is named nearby, else by its type word."""
        starts: dict[str, list[int]] = {}
        for mention in self.out:
            if mention.kind == "facility":
                starts.setdefault(mention.id, []).append(mention.start)
        for positions in starts.values():
            positions.sort()
        index = {token.start: i for i, token in enumerate(tokens)}
        for place in places:
            sentence = self.sentence_of(place.start)
            best: tuple[int, str] | None = None
            for ident in place.term.ids:
                positions = starts.get(ident, [])
                lo = bisect_left(positions, place.start - _NEAR_CHARS)
                hi = bisect_right(positions, place.start + _NEAR_CHARS)
                for pos in positions[lo:hi]:
                    if self.sentence_of(pos) == sentence:
                        best = min(
                            best or (abs(pos - place.start), ident), (abs(pos - place.start), ident)
                        )
            chosen = best[1] if best else self.type_next_to(place, index[place.start], tokens)
            if chosen:
                self.add(place.start, place.end, "facility", chosen)

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
            if _PLACE_TYPE_BEFORE.search(self.folded[prev.end : place.start]):
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


def find_mentions(text: str, kb: KnowledgeBase | None = None) -> list[Mention]:
    """Every linked name in ``text``, sorted by start (then end)."""
    matcher = spellings_for(kb or load_kb())
    folded = fold(text)
    linker = _Linker(text, folded, matcher)
    tokens = _tokens(matcher, folded, lower_keep_length(folded))
    places: list[_Token] = []
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
        elif term.kind == "place":
            places.append(token)
        elif linker.keep(token):
            linker.add(token.start, token.end, term.kind, term.ids[0])
    if "inistries" in folded:
        pattern, tails = matcher.ministries
        for match in pattern.finditer(folded):
            for group in ("a", "b"):
                ident = tails.get(normalize_name(match.group(group)))
                if ident:
                    linker.add(match.start(group), match.end(group), "agency", ident)
    if "호" in folded:
        linker.korean_numbers(tokens)
    if places:
        linker.link_places(places, tokens)
    unique = {(m.start, m.end, m.kind, m.id): m for m in linker.out}
    return sorted(unique.values(), key=lambda m: (m.start, m.end, m.kind, m.id))


def _nested_types(linker: _Linker, matcher: Spellings, token: _Token) -> None:
    """A facility name such as "Kaechon Kyohwaso" also mentions the type it contains."""
    inner = lower_keep_length(linker.folded[token.start : token.end])
    for match in matcher.type_regex.finditer(inner):
        term = lookup(matcher, match.group())
        if term is not None and term.kind == "type":
            linker.add(
                token.start + match.start(), token.start + match.end(), "facility_type", term.ids[0]
            )
