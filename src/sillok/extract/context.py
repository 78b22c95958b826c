"""What every extraction step reads: the text, its segmentation, the linked mentions.

The gazetteer (``sillok.extract.gazetteer``) finds and links the names of facility
types, facilities, agencies and organisations; violations, claims and attribution
build on those mentions. They see them through :class:`MentionLike`, so this
package depends on the gazetteer's output shape only, not on its internals.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter
from typing import NamedTuple, Protocol

from .segment import CLAUSE_BREAK_HINT, Segmentation, Span, clause_around, clause_breaks


class MentionLike(Protocol):
    """A linked name in the text (``sillok.extract.gazetteer.Mention``)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def id(self) -> str: ...


BARE_TYPE = "bare_facility_type"
HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def lower_same_length(text: str) -> str:
    """``text`` lower-cased with every character at the same offset.

    ``str.lower`` is fast but may lengthen a few characters ("İ"); then only ASCII
    letters are lowered, which is all the lower-case patterns need.
    """
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(ASCII_LOWER)


def find_word(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The first match of ``pattern`` in ``text[start:end]`` that starts a word.

    Patterns that open with a literal ("china's prisons|xinjiang|…") are scanned by
    ``re`` far faster than ones opening with ``\\b``; the word-start test is done
    here instead (only for matches starting with a Latin letter: Korean attaches
    particles, so a Hangul match may start anywhere).
    """
    for match in pattern.finditer(text, start, end):
        first = match.start()
        if first == 0 or not text[first].isascii() or not text[first - 1].isalnum():
            return match
    return None


def match_before(pattern: re.Pattern[str], text: str, lo: int, pos: int,
                 first_words: frozenset[str] | None = None) -> re.Match[str] | None:
    """The longest match of a ``…$`` pattern ending exactly at ``pos``, starting after ``lo``.

    ``pattern.search(text, lo, pos)`` would try the pattern at every character of
    the window; only the starts of its whitespace-separated tokens (after any opening
    bracket or quote) are tried here, and with ``first_words`` only the tokens that
    can begin a match.
    """
    for token in _TOKEN.finditer(text, max(0, lo), pos):
        if first_words is not None and token.group().lower() not in first_words:
            continue
        found = pattern.match(text, token.start(), pos)
        if found:
            return found
    return None


def _after_boundary(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``[^x]BODY`` for a ``(?<![x])BODY`` pattern (None for any other pattern).

    ``re`` tries a pattern opening with a look-behind at every character of the
    text; one opening with a character class it scans for with a fast loop.
    """
    return _after_boundary_of(pattern.pattern, pattern.flags)


# The derived patterns are cached by source, not by the compiled pattern: hashing a
# compiled pattern hashes all of its compiled code (some 200 KB for the spellings) on
# every call, where a string caches its hash.
@cache
def _after_boundary_of(source: str, flags: int) -> re.Pattern[str] | None:
    found = _LEADING_NEGATIVE_LOOKBEHIND.match(source)
    if found is None:
        return None
    return re.compile(f"[^{found.group(1)}]{source[found.end():]}", flags)


_LEADING_NEGATIVE_LOOKBEHIND = re.compile(r"\(\?<!\[([0-9a-z-]+)\]\)")


def boundary_spans(pattern: re.Pattern[str], text: str,
                   hangul: bool = False) -> list[tuple[int, int]]:
    """The spans of ``pattern.finditer(text)``, for a pattern opening with ``(?<![x])``.

    ``re`` would try such a pattern at every character; the same matches are found
    faster by one of two scans. In a text without Hangul (where most characters are
    Latin letters, which ``x`` rules out) the ``[^x]BODY`` form of the pattern is
    searched, starting one character before where ``finditer`` would go on (that
    character is only looked at, never consumed). In a text that is mostly Hangul
    (``hangul``, and most characters outside ASCII), where Latin letters are few, BODY
    alone is searched and a match preceded by an ``x`` character is dropped.
    """
    fast = _after_boundary(pattern)
    if fast is None:
        return [m.span() for m in pattern.finditer(text)]
    if hangul and len(text.encode("ascii", "ignore")) * 2 < len(text):
        return _spans_after_boundary(pattern, text)
    out: list[tuple[int, int]] = []
    first = pattern.match(text)
    pos = 0
    if first is not None:
        if first.end() == 0:
            return [m.span() for m in pattern.finditer(text)]
        out.append(first.span())
        pos = first.end()
    search = fast.search
    match = search(text, max(pos - 1, 0))
    while match is not None:
        start, end = match.start() + 1, match.end()
        if end == start:  # an empty match: finditer's rules for those apply
            return [m.span() for m in pattern.finditer(text)]
        out.append((start, end))
        match = search(text, end - 1)
    return out


def _spans_after_boundary(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    """``boundary_spans`` for a text with few Latin letters: BODY searched on its own."""
    body, boundary = _body_and_boundary(pattern)
    search = body.search
    out: list[tuple[int, int]] = []
    match = search(text)
    while match is not None:
        start, end = match.span()
        if start and boundary.match(text, start - 1):
            match = search(text, start + 1)  # not at a boundary: try one character on
            continue
        if end == start:  # an empty match: finditer's rules for those apply
            return [m.span() for m in pattern.finditer(text)]
        out.append((start, end))
        match = search(text, end)
    return out


def _body_and_boundary(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(BODY, ``[x]``) of a ``(?<![x])BODY`` pattern."""
    return _body_and_boundary_of(pattern.pattern, pattern.flags)


@cache  # by source, as _after_boundary_of
def _body_and_boundary_of(source: str, flags: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    found = _LEADING_NEGATIVE_LOOKBEHIND.match(source)
    assert found is not None
    return (re.compile(source[found.end():], flags), re.compile(f"[{found.group(1)}]", flags))


_TOKEN = re.compile(r"[^\s(\[{“\"‘'«]\S*")  # opening brackets and quotes are skipped
# Letters that IGNORECASE matches as Latin ones (ı and İ as i, ſ as s, the Kelvin sign as
# k) but that lower-casing does not turn into them: with one of them in the text, a word
# an IGNORECASE pattern finds may be missing from the lower-cased text (may_contain).
FOLDS_TO_LATIN = ("\u0130", "\u0131", "\u017f", "\u212a")


class Located(NamedTuple):
    """A mention reduced to what the extractor needs (hashable, sortable)."""

    start: int
    end: int
    kind: str
    id: str


@dataclass
class DocContext:
    """A document being extracted: text, sentences and linked mentions by kind."""

    text: str
    seg: Segmentation
    mentions: list[Located]
    publisher: str | None = None
    published: str | None = None  # the document's date ("2022-04-12"), for "ten years ago"
    by_kind: dict[str, list[Located]] = field(default_factory=dict)
    _starts: dict[str, list[int]] = field(default_factory=dict)
    _clause_breaks: dict[Span, list[Span]] = field(default_factory=dict)
    _lowered: str | None = None
    # whether the text has a Hangul syllable, if the caller has looked (see has_hangul)
    hangul: bool | None = None
    _plain_case: bool | None = None

    @property
    def has_hangul(self) -> bool:
        """Whether the text has a Hangul syllable (scanned once per document)."""
        if self.hangul is None:
            self.hangul = HANGUL_SYLLABLE.search(self.text) is not None
        return self.hangul

    @property
    def lowered(self) -> str:
        """The text lower-cased, every character at its offset (see lower_same_length)."""
        if self._lowered is None:
            self._lowered = lower_same_length(self.text)
        return self._lowered

    def may_contain(self, hint: re.Pattern[str], start: int, end: int) -> bool:
        """Whether ``text[start:end]`` may hold a match of a pattern ``hint`` stands for.

        ``hint`` is a set of lower-case literals of which every match of the pattern
        contains one, looked for in the lower-cased text: ``re`` scans fast for literals,
        where it tries a pattern opening with ``\\b``, or compiled with IGNORECASE, at
        every position (and in Korean text such a pattern hardly ever matches).
        """
        if self._plain_case is None:
            self._plain_case = not any(c in self.text for c in FOLDS_TO_LATIN)
        return not self._plain_case or hint.search(self.lowered, start, end) is not None

    def search(self, pattern: re.Pattern[str], hint: re.Pattern[str], start: int,
               end: int) -> re.Match[str] | None:
        """``pattern.search(text, start, end)``, skipped when ``hint`` is not there
        (every match of ``pattern`` contains one of its literals, see ``may_contain``)."""
        if not self.may_contain(hint, start, end):
            return None
        return pattern.search(self.text, start, end)

    def __post_init__(self) -> None:
        for mention in sorted(self.mentions, key=attrgetter("start", "end")):
            self.by_kind.setdefault(mention.kind, []).append(mention)
        # A type word inside a facility's name ("화성관리소", "Kwanliso No. 14") says
        # nothing the facility does not: subjects are resolved on the other ones.
        facilities = self.by_kind.get("facility", [])
        starts = [f.start for f in facilities]
        bare: list[Located] = []
        for m in self.by_kind.get("facility_type", []):
            i = bisect_right(starts, m.start) - 1
            # facilities never nest, so only the last one starting before can contain it
            if not (i >= 0 and facilities[i].end >= m.end):
                bare.append(m)
        self.by_kind[BARE_TYPE] = bare
        self._starts = {kind: [m.start for m in found] for kind, found in self.by_kind.items()}

    def within(self, kind: str, start: int, end: int) -> list[Located]:
        """Mentions of ``kind`` lying inside ``[start, end)``."""
        found = self.by_kind.get(kind, [])
        i = bisect_left(self._starts.get(kind, []), start)
        out: list[Located] = []
        while i < len(found) and found[i].start < end:
            if found[i].end <= end:
                out.append(found[i])
            i += 1
        return out

    def overlaps(self, kind: str, start: int, end: int) -> bool:
        """True when some mention of ``kind`` overlaps ``[start, end)``."""
        found = self.by_kind.get(kind, [])
        i = bisect_left(self._starts.get(kind, []), start)
        if i > 0 and found[i - 1].end > start:
            return True
        return i < len(found) and found[i].start < end

    def clause_of(self, sentence: Span, pos: int) -> Span:
        """:func:`~sillok.extract.segment.clause_of`, the breaks found once per sentence."""
        breaks = self._clause_breaks.get(sentence)
        if breaks is None:
            breaks = clause_breaks(self.text, sentence) if self.may_contain(
                CLAUSE_BREAK_HINT, sentence.start, sentence.end) else []
            self._clause_breaks[sentence] = breaks
        return clause_around(sentence, breaks, pos)

    def sentence_of(self, offset: int) -> Span:
        return self.seg.sentence_at(offset)

    def context_window(self, offset: int, max_chars: int = 1500) -> Span:
        """The paragraph around ``offset``, or its sentence and neighbours when it is huge."""
        paragraph = self.seg.paragraph_at(offset)
        if paragraph.end - paragraph.start <= max_chars:
            return paragraph
        index = self.seg.sentence_index(offset)
        first = self.seg.sentences[max(0, index - 1)]
        last = self.seg.sentences[min(len(self.seg.sentences) - 1, index + 1)]
        return Span(max(first.start, paragraph.start), min(last.end, paragraph.end))
