"""Trigger lexicons kept as data (``patterns/*.yml``), compiled once at import.

A lexicon maps a label (a violation category id) to regular-expression terms in
English (``en``) and Korean (``ko``). Scanning a text with a few hundred
alternatives is slow in Python's ``re`` when the engine has to try every
alternative at every position, so the compiled form is indexed:

- English terms must start with a literal word of at least three letters (or a
  two-letter word and a space, "no food"), or an alternation of such literals
  (``(?:public|summary) execut...``). The first three characters of each key a
  dictionary; the scanner visits each word start once, looks
  its first three letters up and tries only the terms filed there.
- Korean terms are joined into one pattern behind a look-ahead on their possible
  first characters, which lets ``re`` skip every other position quickly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..exc import ConfigError
from .context import boundary_spans, lower_same_length

_LOOKBEHIND = re.compile(r"^\(\?<=[^)]*\)")
_LITERAL_HEAD = re.compile(r"([a-z][a-z'’ -]*)")
_SPECIAL = frozenset("\\([.?*+{|^$")
_QUANTIFIER = frozenset("?*+{")


@dataclass(frozen=True)
class Hit:
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


def _literal_key(fragment: str) -> str | None:
    """First three characters of the literal text a fragment starts with."""
    literal = _LITERAL_HEAD.match(fragment)
    if not literal:
        return None
    head = literal.group(1)
    if literal.end() < len(fragment) and fragment[literal.end()] in _QUANTIFIER:
        head = head[:-1]
    key = head[:4] if len(head) >= 4 and head[:4].isalpha() else head[:3]
    if len(key) >= 3 and (key.isalpha() or (key[:2].isalpha() and key[2] in " -")):
        return key
    return None


def _english_keys(term: str) -> list[str]:
    """First three letters of every literal a term can start with ([] if unindexable)."""
    body = _LOOKBEHIND.sub("", term, count=1)
    alternatives = _top_alternatives(body)
    fragments = [body] if alternatives is None else [a.removeprefix("?:") for a in alternatives]
    keys = [_literal_key(fragment) for fragment in fragments]
    return [k for k in keys if k is not None] if all(keys) else []


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
        korean: dict[str, list[str]] = {}
        first_chars: set[str] = set()
        for label, languages in entries.items():
            for term in languages.get("en", []):
                keys = _english_keys(term)
                if not keys:
                    raise ConfigError(
                        f"{name}: English term {term!r} ({label}) must start with a literal "
                        "word of three or more letters, or (?:word|word) alternatives"
                    )
                try:
                    re.compile(term)
                except re.error as exc:
                    raise ConfigError(f"{name}: bad term {term!r} ({label}): {exc}") from exc
                for key in set(keys):
                    grouped.setdefault(key, {}).setdefault(label, []).append(term)
            ko_terms = languages.get("ko", [])
            for term in ko_terms:
                chars = _korean_first_chars(term)
                if not chars:
                    raise ConfigError(
                        f"{name}: Korean term {term!r} ({label}) must start with a literal "
                        "character or (?:…|…) alternatives"
                    )
                first_chars |= chars
            if ko_terms:
                korean[label] = list(ko_terms)
        # One pattern per (key, category): the terms filed under a key are tried
        # together, the longest first so that the longest reading wins.
        # They run case-sensitively on the lower-cased text (same offsets): terms are
        # written in lower case, and ``re`` matches much faster without IGNORECASE.
        # A term with a capital letter (not an escape such as \S) keeps IGNORECASE.
        self._english: dict[str, list[tuple[str, re.Pattern[str]]]] = {
            key: [(label, re.compile(
                "(?:" + "|".join(sorted(terms, key=len, reverse=True)) + r")\b",
                re.IGNORECASE if any(_has_capital(t) for t in terms) else 0))
                for label, terms in by_label.items()]
            for key, by_label in grouped.items()
        }
        self._keys = _key_pattern(self._english)
        # Korean: one pattern finds where any term starts (behind a look-ahead on the
        # possible first characters, so ``re`` skips other positions fast); there each
        # category's own pattern is tried.
        self._korean: re.Pattern[str] | None = None
        # first character → the categories with a term starting with it, and their pattern
        self._korean_by_char: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        if korean:
            lookahead = "".join(sorted(re.escape(c) for c in first_chars))
            every_term = "|".join(t for terms in korean.values() for t in terms)
            try:
                self._korean = re.compile(f"(?=[{lookahead}])(?:{every_term})")
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
        the key pattern runs case-sensitively on it, several times faster in ``re``.
        ``hangul``: whether ``text`` has a Hangul syllable, if the caller knows.
        """
        index = self._english
        if lowered is None:
            lowered = lower_same_length(text)
        if hangul is None:
            hangul = _HANGUL.search(text) is not None
        keys = self._keys
        if keys is None:
            spans: list[tuple[int, int]] = []
        elif hangul:
            spans = [m.span() for m in keys.finditer(lowered)]
        else:
            spans = boundary_spans(keys, lowered)
        for start, key_end in spans:
            for label, pattern in index[lowered[start:key_end]]:
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


def _key_pattern(index: dict[str, list[tuple[str, re.Pattern[str]]]]) -> re.Pattern[str] | None:
    """One regex finding every word start that begins with a key.

    Keys are grouped by first letter (a two-level trie), which lets ``re`` reject
    most positions after one character; longer keys come first, so the key matched
    is the longest, and its entry in the index also holds its prefix's terms.
    """
    if not index:
        return None
    for key in [k for k in index if len(k) == 4]:
        index[key] = index[key] + index.get(key[:3], [])
    by_first: dict[str, list[str]] = {}
    for key in sorted(index, key=lambda k: (k[0], -len(k), k)):
        by_first.setdefault(key[0], []).append(re.escape(key[1:]))
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
