"""Trigger lexicons kept as data (``patterns/*.yml``), compiled once at import.

A lexicon maps a label (a violation category id) to regular-expression terms in
English (``en``) and Korean (``ko``). Scanning a text with a few hundred
alternatives is slow in Python's ``re`` when the engine has to try every
alternative at every position, so the compiled form is indexed:

- English terms must start with a literal word of at least three letters (or a
  two-letter word and a space, "no food"), or an alternation of such literals
  (``(?:public|summary) execut...``). The scanner visits each word start once,
  finds the longest literal head of a term written there ("forced labo", "torture")
  and tries only the terms that can start with it.
- Korean terms are written out as alternatives that open with a literal character
  (``(?:a|b)rest`` as ``arest|brest``) and joined into one pattern, which ``re``
  scans for those characters with a fast loop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import yaml

from ..exc import ConfigError
from .context import boundary_spans, lower_same_length

_LOOKBEHIND = re.compile(r"^\(\?<=[^)]*\)")
_LITERAL_HEAD = re.compile(r"([a-z][a-z'’ -]*)")
_SPECIAL = frozenset("\\([.?*+{|^$")
_QUANTIFIER = frozenset("?*+{")
_WORD = re.compile("[a-z]+")


class Hit(NamedTuple):
    """One term matched in a text."""

    start: int
    end: int
    label: str


def _top_alternatives(term: str) -> list[str] | None:
    """The alternatives of a leading ``(?:a|b)`` group, or None when there is none."""
    if not term.startswith("(?:"):
        return None
    depth = 0
    alternatives: list[str] = []
    current = ""
    for i, char in enumerate(term):
        if char == "(" and (i == 0 or term[i - 1] != "\\"):
            depth += 1
            if depth == 1:
                continue
        elif char == ")" and term[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                alternatives.append(current)
                return alternatives
        elif char == "|" and depth == 1:
            alternatives.append(current)
            current = ""
            continue
        if depth >= 1:
            current += char
    return None


def _literal_head(fragment: str) -> str | None:
    """The literal text a fragment must start with ("labou?r" → "labo")."""
    literal = _LITERAL_HEAD.match(fragment)
    if not literal:
        return None
    head = literal.group(1)
    if literal.end() < len(fragment) and fragment[literal.end()] in _QUANTIFIER:
        head = head[:-1]
    return head


def _key_of(head: str) -> str | None:
    """First three (four, for letters only) characters of a head, if it has enough."""
    key = head[:4] if len(head) >= 4 and head[:4].isalpha() else head[:3]
    if len(key) >= 3 and (key.isalpha() or (key[:2].isalpha() and key[2] in " -")):
        return key
    return None


def _leading_group(term: str) -> tuple[list[str], str] | None:
    """The alternatives of a leading ``(?:a|b)`` group and what follows it."""
    alternatives = _top_alternatives(term)
    if alternatives is None:
        return None
    group_end = len("(") + sum(len(a) + 1 for a in alternatives)
    return [a.removeprefix("?:") for a in alternatives], term[group_end:]


def _english_heads(term: str) -> list[str]:
    """The literal text each alternative of a term starts with ([] if unindexable)."""
    body = _LOOKBEHIND.sub("", term, count=1)
    if len(_top_level_pieces(body)) > 1:
        return []
    group = _leading_group(body)
    if group is not None and group[1][:1] in _QUANTIFIER:
        return []  # "(?:a|b)?c" may start with c
    fragments = [body] if group is None else group[0]
    heads = [_literal_head(fragment) for fragment in fragments]
    if not all(head is not None and _key_of(head) for head in heads):
        return []
    return [head for head in heads if head is not None]


def _korean_first_chars(term: str) -> set[str]:
    """The characters a Korean term can start with (empty if not literal)."""
    alternatives = _top_alternatives(term)
    heads = [a.removeprefix("?:") for a in alternatives] if alternatives is not None else [term]
    if not all(head and head[0] not in _SPECIAL for head in heads):
        return set()
    return {head[0] for head in heads}


class Lexicon:
    """A compiled trigger lexicon: ``scan(text)`` yields every term occurrence."""

    def __init__(self, name: str, entries: dict[str, dict[str, list[str]]]) -> None:
        self.name = name
        self.labels = tuple(entries)
        grouped: dict[str, dict[str, list[str]]] = {}
        heads: dict[str, list[str]] = {}
        korean: dict[str, list[str]] = {}
        for label, languages in entries.items():
            for term in languages.get("en", []):
                heads[term] = _english_heads(term)
                if not heads[term]:
                    raise ConfigError(
                        f"{name}: English term {term!r} ({label}) must start with a literal "
                        "word of three or more letters, or (?:word|word) alternatives"
                    )
                try:
                    re.compile(term)
                except re.error as exc:
                    raise ConfigError(f"{name}: bad term {term!r} ({label}): {exc}") from exc
                for key in {_key_of(head) or "" for head in heads[term]}:
                    grouped.setdefault(key, {}).setdefault(label, []).append(term)
            ko_terms = languages.get("ko", [])
            for term in ko_terms:
                if not _korean_first_chars(term):
                    raise ConfigError(
                        f"{name}: Korean term {term!r} ({label}) must start with a literal "
                        "character or (?:…|…) alternatives"
                    )
            if ko_terms:
                korean[label] = list(ko_terms)
        self._english = _english_index(grouped, heads)
        self._starts = _start_pattern(self._english)
        # Korean: one pattern finds where any term starts; there each category with a
        # term starting with that character has its own pattern tried.
        self._korean: re.Pattern[str] | None = None
        # first character → the categories with a term starting with it, and their pattern
        self._korean_by_char: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        if korean:
            try:
                self._korean = _korean_finder([t for terms in korean.values() for t in terms])
                for label, terms in korean.items():
                    pattern = re.compile("|".join(terms))
                    for char in set().union(*(_korean_first_chars(t) for t in terms)):
                        self._korean_by_char.setdefault(char, []).append((label, pattern))
            except re.error as exc:
                raise ConfigError(f"{name}: bad Korean term: {exc}") from exc

    def scan(self, text: str, lowered: str | None = None,
             hangul: bool | None = None) -> Iterator[Hit]:
        """Every match of every term, English and Korean, in text order per language.

        ``lowered`` is ``text`` lower-cased at the same offsets, if the caller has it:
        the start pattern runs case-sensitively on it, several times faster in ``re``.
        ``hangul``: whether ``text`` has a Hangul syllable, if the caller knows.
        """
        index = self._english
        if lowered is None:
            lowered = lower_same_length(text)
        if hangul is None:
            hangul = _HANGUL.search(text) is not None
        starts = self._starts
        spans = [] if starts is None else boundary_spans(starts, lowered, hangul)
        for start, start_end in spans:
            for label, pattern in index[lowered[start:start_end]]:
                match = pattern.match(lowered, start)
                if match:
                    yield Hit(start, match.end(), label)
        if self._korean is not None and hangul:
            # search again one character on, not after the match: a long term
            # ("굶주림으로 … 죽었다") must not hide a shorter one inside it ("굶주림")
            # and at each place a term starts, every category gets its chance.
            match = self._korean.search(text)
            while match is not None:
                start = match.start()
                for label, anchored in self._korean_by_char.get(text[start], ()):
                    found = anchored.match(text, start)
                    if found:
                        yield Hit(start, found.end(), label)
                match = self._korean.search(text, start + 1)


_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_ESCAPE = re.compile(r"\\[A-Za-z]")


def _has_capital(term: str) -> bool:
    """Whether ``term`` has a capital letter other than in an escape (``\\S``, ``\\W``)."""
    return any(c.isupper() for c in _ESCAPE.sub("", term))


def _english_index(grouped: dict[str, dict[str, list[str]]], heads: dict[str, list[str]],
                   ) -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """Scan start → the (category, pattern) pairs to try where a word starts with it.

    One pattern per (key, category): the terms filed under a key (the first three or
    four letters of a head) are tried together, the longest first so that the longest
    reading wins. They run case-sensitively on the lower-cased text (same offsets):
    terms are written in lower case, and ``re`` matches much faster without
    IGNORECASE. A term with a capital letter (not an escape such as \\S) keeps it.

    Where a word starts with the scan start ``s`` (the longest one written there, see
    ``_scan_start``), the patterns tried are those of ``s``'s key, as a scan by keys
    would try them (a four-letter key also holds the patterns of its three-letter
    prefix), less those that cannot match there: no start of theirs is a prefix of ``s``.
    """
    by_key: dict[str, list[tuple[str, re.Pattern[str], set[str]]]] = {}
    for key, by_label in grouped.items():
        for label, terms in by_label.items():
            ignorecase = any(_has_capital(t) for t in terms)
            pattern = re.compile("(?:" + "|".join(sorted(terms, key=len, reverse=True)) + r")\b",
                                 re.IGNORECASE if ignorecase else 0)
            starts = {_scan_start(h, ignorecase) for t in terms for h in heads[t]}
            by_key.setdefault(key, []).append((label, pattern, starts))
    for key in [k for k in by_key if len(k) == 4]:
        by_key[key] = by_key[key] + by_key.get(key[:3], [])
    every_start = {start for entries in by_key.values() for _, _, starts in entries
                   for start in starts}
    # A four-letter key after a three-letter head ("due" and "dues"): its entry holds more
    # patterns than the head's, so it is looked for as well.
    every_start |= {k for k in by_key if len(k) == 4 and k[:3] in every_start}
    return {
        start: [(label, pattern) for label, pattern, starts in by_key[_key_of(start) or ""]
                if any(start.startswith(s) for s in starts)]
        for start in every_start
    }


def _korean_finder(terms: list[str]) -> re.Pattern[str]:
    """One pattern matching wherever one of ``terms`` matches (and perhaps elsewhere).

    Every term is written out as alternatives that open with a literal character
    ("(?:공개|비밀)\\s?처형" as "공개\\s?처형|비밀\\s?처형"), grouped by that character
    ("공(?:개\\s?처형|…)|비(?:…)"): ``re`` then scans for those characters with a fast
    loop instead of trying the pattern at every position. An alternative that cannot
    be split so is kept whole (correct, only slower to scan for).
    """
    by_first: dict[str, list[str]] = {}
    whole: list[str] = []
    for term in terms:
        for alternative in _korean_alternatives(term):
            if alternative and alternative[0] not in _SPECIAL and (
                    alternative[1:2] not in _QUANTIFIER):
                by_first.setdefault(alternative[0], []).append(alternative[1:])
            else:
                whole.append(alternative)
    branches = [f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items()]
    return re.compile("|".join(branches + whole))


def _korean_alternatives(term: str) -> list[str]:
    """``term`` as top-level alternatives, its leading group written out.

    "(?:A|B)rest" → "Arest", "Brest"; an optional group "(?:A)?rest" also gives "rest".
    """
    out: list[str] = []
    for piece in _top_level_pieces(term):
        group = _leading_group(piece)
        if group is None:
            out.append(piece)
            continue
        alternatives, rest = group
        if rest[:1] in _QUANTIFIER:
            if rest[:1] != "?" or rest[1:2] in _QUANTIFIER - {"?"}:
                out.append(piece)  # "(?:A)*rest", "(?:A){2}": kept whole
                continue
            rest = rest[2:] if rest[1:2] == "?" else rest[1:]  # "(?:A)?rest", "(?:A)??rest"
            out.append(rest)
        out.extend(alternative + rest for alternative in alternatives)
    return out


def _top_level_pieces(term: str) -> list[str]:
    """``term`` split at each ``|`` outside any group ("a|b(?:c|d)" → "a", "b(?:c|d)")."""
    pieces: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(term):
        escaped = i > 0 and term[i - 1] == "\\"
        if char == "(" and not escaped:
            depth += 1
        elif char == ")" and not escaped:
            depth -= 1
        elif char == "|" and depth == 0 and not escaped:
            pieces.append(term[start:i])
            start = i + 1
    pieces.append(term[start:])
    return pieces


def _scan_start(head: str, ignorecase: bool) -> str:
    """What the scanner looks for at a word start where ``head`` may be written.

    The head's first word, or its key if that is longer ("no " for "no food"): a
    match must not run on over the start of the next word, which the scan would then
    step over. Under IGNORECASE a head may match other characters than it is written
    with ("K" for "k"): only its key, found as written, is sure.
    """
    key = _key_of(head) or ""
    word = _WORD.match(head)
    if ignorecase or word is None or len(word.group()) <= len(key):
        return key
    return word.group()



def _start_pattern(index: dict[str, list[tuple[str, re.Pattern[str]]]]) -> re.Pattern[str] | None:
    """One regex finding every word start that begins with a scan start of the index.

    Starts are grouped by first letter (a two-level trie), which lets ``re`` reject
    most positions after one character; longer starts come first, so the start
    matched is the longest.
    """
    if not index:
        return None
    by_first: dict[str, list[str]] = {}
    for start in sorted(index, key=lambda h: (h[0], -len(h), h)):
        by_first.setdefault(start[0], []).append(re.escape(start[1:]))
    branches = "|".join(f"{re.escape(first)}(?:{'|'.join(rest)})"
                        for first, rest in sorted(by_first.items()))
    return re.compile(f"(?<![a-z])(?:{branches})")


def _load_yaml(filename: str) -> Any:
    resource = resources.files(__package__).joinpath("patterns").joinpath(filename)
    try:
        return yaml.safe_load(resource.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"extract/patterns/{filename}: cannot be read: {exc}") from exc


@cache
def load_lexicon(filename: str) -> Lexicon:
    """The lexicon in ``patterns/<filename>``, validated and compiled (cached)."""
    data = _load_yaml(filename)
    if not isinstance(data, dict):
        raise ConfigError(f"extract/patterns/{filename}: expected a mapping of label to terms")
    entries: dict[str, dict[str, list[str]]] = {}
    for label, languages in data.items():
        if not isinstance(languages, dict) or not all(
            isinstance(terms, list) and all(isinstance(t, str) for t in terms)
            for terms in languages.values()
        ):
            raise ConfigError(
                f"extract/patterns/{filename}: {label}: expected en:/ko: lists of strings "
                "(quote a term that starts with a quote or contains ': ')"
            )
        entries[str(label)] = {str(lang): list(terms) for lang, terms in languages.items()}
    return Lexicon(filename, entries)
