"""Highlighted snippets: where the query's words are in the clean text.

Matching runs on :func:`tokens.fold_same_length` of the text, which has the same
length as the original, so every highlight is an exact span of the clean text
(``text[start:end]``). Each searched name becomes one regular expression: words
are separated by any non-word run, Latin words must stand alone, Hangul may sit
inside a longer word (요덕 in 요덕수용소에서).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from .tokens import fold_same_length, is_hangul, query_alternatives

WINDOW = 240
MAX_MATCHES = 400


@dataclass(frozen=True)
class Snippet:
    start: int
    end: int
    text: str  # with **highlights**
    highlights: list[tuple[int, int]]  # absolute spans of the clean text


def _words(seq: list[str]) -> list[str]:
    """Hangul bigram chains back to the syllable strings they came from."""
    words: list[str] = []
    for term in seq:
        if is_hangul(term) and words and is_hangul(words[-1]) and len(term) == 2 \
                and words[-1][-1] == term[0] and len(words[-1]) >= 2:
            words[-1] += term[1]
        else:
            words.append(term)
    return words


def _word_pattern(word: str, prefix: bool) -> str:
    if is_hangul(word):
        return re.escape(word)
    return re.escape(word) + (r"[^\W_]*" if prefix else r"(?![^\W_])")


@lru_cache(maxsize=256)
def pattern(names: tuple[tuple[str, bool], ...]) -> re.Pattern[str] | None:
    """One expression for every (name, is_prefix); a group per name, longest first.

    Latin alternatives share one "not inside a word" check and every alternative is
    behind a first-character test, so the expression stays fast with many names.
    """
    latin: list[tuple[int, str]] = []
    hangul: list[tuple[int, str]] = []
    firsts: set[str] = set()
    for index, (name, prefix) in enumerate(names):
        for seq in query_alternatives(name):
            words = _words(seq)
            body = r"[\W_]*".join(_word_pattern(w, prefix and i == len(words) - 1)
                                  for i, w in enumerate(words))
            (hangul if is_hangul(words[0]) else latin).append((index, body))
            firsts.add(words[0][0])
    if not latin and not hangul:
        return None
    branches = []
    counter = 0
    for group, prefix_check in ((latin, r"(?<![^\W_])"), (hangul, "")):
        if not group:
            continue
        group.sort(key=lambda p: -len(p[1]))
        alternatives = []
        for index, body in group:
            alternatives.append(f"(?P<n{index}_{counter}>{body})")
            counter += 1
        branches.append(prefix_check + "(?:" + "|".join(alternatives) + ")")
    first = "[" + "".join(re.escape(c) for c in sorted(firsts)) + "]"
    return re.compile(f"(?={first})(?:" + "|".join(branches) + ")")


def snippet(text: str, names: Sequence[tuple[str, bool]], window: int = WINDOW) -> Snippet:
    """The passage of ``text`` with most of ``names`` in it, highlights marked."""
    compiled = pattern(tuple(names))
    matches: list[tuple[int, int, int]] = []
    if compiled is not None:
        for match in compiled.finditer(fold_same_length(text)):
            group = match.lastgroup or "n0_0"
            matches.append((match.start(), match.end(), int(group[1:].split("_")[0])))
            if len(matches) >= MAX_MATCHES:
                break
    if not matches:
        end = _word_end(text, min(len(text), window))
        return Snippet(0, end, text[:end].strip() + ("…" if end < len(text) else ""), [])
    best, best_score, last = 0, -1, 0
    counts: dict[int, int] = {}
    reach = window * 2 // 3
    for i, (start, _end, _n) in enumerate(matches):
        # matches i..last-1 lie within reach of match i (a sliding window)
        while last < len(matches) and matches[last][1] <= start + reach:
            counts[matches[last][2]] = counts.get(matches[last][2], 0) + 1
            last += 1
        score = len(counts) * 100 + (last - i)
        if score > best_score:
            best, best_score = i, score
        if last > i:
            name = matches[i][2]
            counts[name] -= 1
            if not counts[name]:
                del counts[name]
    anchor = matches[best][0]
    start = _word_start(text, max(0, anchor - window // 3))
    end = _word_end(text, min(len(text), start + window))
    shown = [(s, e) for s, e, _ in matches if s >= start and e <= end]
    pieces, cursor = [], start
    for s, e in shown:
        pieces += [text[cursor:s], "**", text[s:e], "**"]
        cursor = e
    pieces.append(text[cursor:end])
    body = " ".join("".join(pieces).split())
    return Snippet(start, end, ("…" if start > 0 else "") + body + ("…" if end < len(text) else ""),
                   shown)


def _word_start(text: str, pos: int) -> int:
    if pos <= 0:
        return 0
    space = text.find(" ", pos, pos + 30)
    return space + 1 if space != -1 else pos


def _word_end(text: str, pos: int) -> int:
    if pos >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, pos - 30), pos)
    return space if space != -1 else pos
