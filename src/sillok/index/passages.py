"""Sentence and paragraph spans around an offset, for quotes and credited passages.

Deliberately simple and local: a sentence ends at ``.``, ``!``, ``?`` or ``。``
followed by white space (not after "No." or a single capital), or at a line break;
a paragraph is a line of the clean text. Spans never exceed ``limit`` characters:
a long run-on passage is cut around the offset at word boundaries.
"""

from __future__ import annotations

import re
from bisect import bisect_right

_END = re.compile(r"(?<!\bNo)(?<!\b[A-Z])[.!?。](?=[\"”’')\]]*\s)|\n")
SENTENCE_LIMIT = 400
PARAGRAPH_LIMIT = 1200


def _clip(text: str, start: int, end: int, around: int, limit: int) -> tuple[int, int]:
    if end - start > limit:
        new_start = max(start, around - limit // 2)
        new_end = min(end, new_start + limit)
        if new_start > start:  # do not begin inside a word
            space = text.find(" ", new_start, around)
            new_start = space + 1 if space != -1 else new_start
        if new_end < end:  # nor end inside one
            space = text.rfind(" ", around, new_end)
            new_end = space if space != -1 else new_end
        start, end = new_start, new_end
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence(text: str, offset: int, limit: int = SENTENCE_LIMIT) -> tuple[int, int]:
    """The sentence containing ``offset`` as (start, end) into ``text``."""
    window_start = max(0, offset - limit)
    start = window_start
    for match in _END.finditer(text, window_start, offset):
        start = match.end()
    found = _END.search(text, offset, min(len(text), offset + limit))
    end = found.end() if found and found.group(0) != "\n" else (
        found.start() if found else min(len(text), offset + limit))
    return _clip(text, start, end, offset, limit)


def paragraph(text: str, offset: int, limit: int = PARAGRAPH_LIMIT) -> tuple[int, int]:
    """The line (paragraph) containing ``offset``, at most ``limit`` characters."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    end = len(text) if end == -1 else end
    return _clip(text, start, end, offset, limit)


class Segments:
    """Sentence and paragraph lookups for one text, its boundaries found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends: list[int] = []  # offsets where a sentence ends (exclusive)
        self.starts: list[int] = [0]  # offsets where the next sentence starts
        for match in _END.finditer(text):
            newline = match.group(0) == "\n"
            self.ends.append(match.start() if newline else match.end())
            self.starts.append(match.end())

    def sentence(self, offset: int, limit: int = SENTENCE_LIMIT) -> tuple[int, int]:
        index = bisect_right(self.starts, offset) - 1
        start = self.starts[index]
        end = self.ends[index] if index < len(self.ends) else len(self.text)
        if end <= offset:  # offset inside the boundary itself
            end = min(len(self.text), offset + 1)
        return _clip(self.text, start, end, offset, limit)

    def paragraph(self, offset: int, limit: int = PARAGRAPH_LIMIT) -> tuple[int, int]:
        return paragraph(self.text, offset, limit)
