"""Paragraphs and sentences of an extracted text, as character spans.

Everything the extractor reports points back into the text by offsets, so the
segmenter never copies or normalises: it only returns ``(start, end)`` pairs.

Web dumps are messy: sentences glued together without a space ("humanity.The
report"), headings on their own line, bullets. The rules are deliberately simple:

- a paragraph ends at a blank line;
- a line break ends a sentence unless it looks like a hard wrap inside one
  (the line ends in a letter or comma and the next starts in lower case);
- ``.``, ``!``, ``?`` (and the Korean full stop after ``다``) end a sentence when
  followed by space and a capital, digit, quote or Hangul, or when glued directly
  to the next capitalised word; abbreviations such as "No.", "U.S." or "Dr." do not.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_LINE_BREAK = re.compile(r"\n")
_WRAP_BEFORE = re.compile(r"[A-Za-z,;]\Z")
_WRAP_AFTER = re.compile(r"[ \t]*[a-z(]")
# The punctuation comes first, outside any group, so that ``re`` scans for it quickly;
# the branches then look back at what precedes it.
_SENTENCE_END = re.compile(
    r"""[.!?。！？](?:
        (?<=[.!?])[.!?]*["”’')\]]*(?:\[\d{1,3}\]|\(\d{1,3}\))?  # a footnote mark: ".[1]"
        \s+(?=["“‘(\[]?[A-Z0-9\u1100-\u11ff\uac00-\ud7a3])  # ". The"
      | (?<=[a-z\u00e0-\u024f]{2}[.!?])["”’]?(?=[A-Z][a-z])                  # "humanity.The"
      | (?<=[\uac00-\ud7a3][.!?])["”’)]*(?:\s+|(?=\S))                        # "…했다. 북한"
      | (?<=[。！？])\s*
    )""",
    re.X,
)
# Words whose final period does not end a sentence.
_ABBREVIATION = re.compile(
    r"(?:\b(?:No|Nos|Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Col|Lt|Sgt|Rev|Gov|Sen|Rep|Amb|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|approx|ca|cf|vs|etc|al|Inc|Co|"
    r"Ltd|Corp|Art|Arts|para|paras|p|pp|c|vol|Vol|Fig|fig|ed|eds|op|cit|ibid|Ibid)|"
    r"\b[A-Z]|\b(?:e\.g|i\.e|U\.S|U\.N|U\.K|D\.C|a\.m|p\.m))[.]\s*\Z"
)


class Span(NamedTuple):
    """A half-open character range ``text[start:end]``.

    This and the other records made by the hundred per text (mentions, hits,
    quantities) are named tuples: as immutable as a frozen dataclass, and built
    several times faster.
    """

    start: int
    end: int


@dataclass(frozen=True)
class Segmentation:
    """Sentences and paragraphs of one text, with lookups from an offset."""

    sentences: tuple[Span, ...]
    paragraphs: tuple[Span, ...]
    # paragraph index of each sentence
    sentence_paragraph: tuple[int, ...]
    _sentence_starts: tuple[int, ...]

    def sentence_index(self, offset: int) -> int:
        """Index of the sentence containing ``offset`` (the nearest one before it)."""
        return max(0, bisect_right(self._sentence_starts, offset) - 1)

    def sentence_at(self, offset: int) -> Span:
        return self.sentences[self.sentence_index(offset)]

    def paragraph_at(self, offset: int) -> Span:
        return self.paragraphs[self.sentence_paragraph[self.sentence_index(offset)]]


def _trimmed(text: str, start: int, end: int) -> Span | None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    start += len(piece) - len(piece.lstrip())
    return Span(start, start + len(stripped))


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Logical lines of a paragraph: hard-wrapped lines are joined back."""
    out: list[tuple[int, int]] = []
    line_start = start
    for match in _LINE_BREAK.finditer(text, start, end):
        before = text[line_start:match.start()].rstrip()
        if before and _WRAP_BEFORE.search(before) and _WRAP_AFTER.match(text, match.end()):
            continue
        out.append((line_start, match.start()))
        line_start = match.end()
    out.append((line_start, end))
    return out


def _sentences_of_line(text: str, start: int, end: int) -> list[Span]:
    out: list[Span] = []
    sent_start = start
    for match in _SENTENCE_END.finditer(text, start, end):
        cut = match.end()
        stop = match.start()
        letter = text[stop - 1:stop]
        # only a "." after a Latin letter can end an abbreviation ("…했다." never does)
        if text[stop] == "." and letter.isascii() and letter.isalpha() and _ABBREVIATION.search(
                text, max(sent_start, stop - 12), stop + 1):
            continue
        span = _trimmed(text, sent_start, cut)
        if span is not None:
            out.append(span)
        sent_start = cut
    span = _trimmed(text, sent_start, end)
    if span is not None:
        out.append(span)
    return out


_CLAUSE_BREAK = re.compile(
    r";|,?\s+(?:while|whereas|but|although|though)\s+|,(?:\[\d{1,3}\])?\s+and\s+(?=[A-Z])|(?:으며|으나|지만|는데|면서)\s*,?\s|며,\s|고,\s",
    re.IGNORECASE,
)
# literals of which every clause break contains one (on the lower-cased text)
CLAUSE_BREAK_HINT = re.compile(r";|while|whereas|but|though|and|으며|으나|지만|는데|면서|며,|고,")


def clause_of(text: str, sentence: Span, pos: int) -> Span:
    """The clause of ``sentence`` around ``pos``: "…, while NK Watch put it at …", "…으며, …"."""
    return clause_around(sentence, clause_breaks(text, sentence), pos)


def clause_breaks(text: str, sentence: Span) -> list[Span]:
    """Where ``sentence`` breaks into clauses (the spans of the breaks), in order."""
    return [Span(*m.span()) for m in _CLAUSE_BREAK.finditer(text, sentence.start, sentence.end)]


def clause_around(sentence: Span, breaks: list[Span], pos: int) -> Span:
    """The clause of ``sentence`` around ``pos``, given its ``clause_breaks``."""
    start, end = sentence.start, sentence.end
    for found in breaks:
        if found.end <= pos:
            start = found.end
        elif found.start >= pos:
            end = found.start
            break
    return Span(start, end)


def segment(text: str) -> Segmentation:
    """Split ``text`` into paragraphs and sentences (spans, in text order)."""
    paragraphs: list[Span] = []
    sentences: list[Span] = []
    owner: list[int] = []
    para_start = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(text)]
    bounds.append((len(text), len(text)))
    for break_start, break_end in bounds:
        para = _trimmed(text, para_start, break_start)
        para_start = break_end
        if para is None:
            continue
        index = len(paragraphs)
        paragraphs.append(para)
        for line_start, line_end in _lines(text, para.start, para.end):
            for span in _sentences_of_line(text, line_start, line_end):
                sentences.append(span)
                owner.append(index)
    if not paragraphs:
        paragraphs.append(Span(0, len(text)))
        sentences.append(Span(0, len(text)))
        owner.append(0)
    return Segmentation(
        sentences=tuple(sentences),
        paragraphs=tuple(paragraphs),
        sentence_paragraph=tuple(owner),
        _sentence_starts=tuple(s.start for s in sentences),
    )
