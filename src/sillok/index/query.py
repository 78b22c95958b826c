"""The query language, parsed into a small tree that any engine can run.

::

    yodok torture                 both words (AND is implied)
    yodok AND torture             the same
    yodok OR hwasong              either
    torture NOT execution         ``NOT x`` and ``-x`` exclude
    "public execution"            a phrase
    (yodok OR 요덕) -"camp 14"    grouping
    tortur*                       a prefix

Operators are upper case (``and``/``or``/``not`` in lower case are ordinary words).
A malformed query is repaired rather than rejected — a search box should not fail on
a stray character — and :func:`repairs` says what was done, so the user is told
instead of silently getting other results: an unmatched quote is treated as a
literal character (the words after it are ordinary words, not a phrase), an
unclosed bracket is closed at the end, and a stray closing bracket is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exc import SillokError


class QueryError(SillokError):
    """A query that cannot be searched (for example, only exclusions)."""


@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    text: str


@dataclass(frozen=True)
class Variants:
    """A name the knowledge base knows, searched as every spelling it lists."""

    text: str  # as the user typed it
    kind: str  # facility | facility_type | organization | agency
    ids: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | Phrase | Variants | And | Or | Not

_LEX = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"?|(?P<word>[^\s()"]+))')


def _repair(text: str) -> tuple[str, list[str]]:
    """``text`` with an unmatched quote made literal, and a notice per repair."""
    notices: list[str] = []
    if text.count('"') % 2:
        at = text.rindex('"')
        after = text[at + 1:].split()
        notices.append(f"the quote before {after[0]!r} has no closing quote: treated it as a "
                       "literal character (the words after it are searched as ordinary words,"
                       " not as a phrase)" if after else
                       "the quote at the end has no closing quote: treated it as literal")
        text = f"{text[:at]} {text[at + 1:]}"
    depth = stray = 0
    for index, part in enumerate(text.split('"')):
        if index % 2:
            continue  # inside a phrase
        for char in part:
            if char == "(":
                depth += 1
            elif char == ")":
                if depth:
                    depth -= 1
                else:
                    stray += 1
    if depth:
        notices.append(f"{depth} opening bracket(s) without a closing one: closed at the end "
                       "of the query")
    if stray:
        notices.append(f"{stray} closing bracket(s) without an opening one: ignored")
    return text, notices


def repairs(text: str) -> list[str]:
    """What :func:`parse` had to repair in ``text`` (unmatched quotes, brackets)."""
    return _repair(text)[1]


def _lex(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for match in _LEX.finditer(_repair(text)[0]):
        kind = match.lastgroup
        if kind is None:
            continue
        value = match.group(kind)
        if kind == "word" and value in ("AND", "OR", "NOT", "&&", "||"):
            kind, value = "op", {"&&": "AND", "||": "OR"}.get(value, value)
        tokens.append((kind, value))
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse_or(self) -> Node | None:
        items = [self.parse_and()]
        while self.peek() == ("op", "OR"):
            self.take()
            items.append(self.parse_and())
        kept = [i for i in items if i is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def parse_and(self) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token != ("op", "OR") \
                and token[0] != "close":
            if token == ("op", "AND"):
                self.take()
                continue
            item = self.parse_unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def parse_unary(self) -> Node | None:
        kind, value = self.take()
        if (kind, value) == ("op", "NOT"):
            if self.peek() is None or self.peek() == ("op", "OR"):
                return None
            inner = self.parse_unary()
            return None if inner is None else Not(inner)
        if kind == "word" and value.startswith("-") and len(value) > 1:
            inner = _leaf("word", value[1:])
            return None if inner is None else Not(inner)
        if kind == "open":
            inner = self.parse_or()
            if self.peek() is not None and self.peek()[0] == "close":  # type: ignore[index]
                self.take()
            return inner
        if kind == "close":
            return None
        return _leaf(kind, value)


def _leaf(kind: str, value: str) -> Node | None:
    value = value.strip()
    if not value or not re.search(r"[^\W_]", value):
        return None
    if kind == "phrase":
        return Phrase(value)
    if value.endswith("*") and len(value) > 1:
        return Term(value.rstrip("*"), prefix=True)
    return Term(value)


def parse(text: str) -> Node:
    """The tree of ``text``; raises :class:`QueryError` for a query with nothing to find."""
    parser = _Parser(_lex(text))
    node: Node | None = None
    parts: list[Node] = []
    while parser.peek() is not None:
        if parser.peek() is not None and parser.peek()[0] == "close":  # type: ignore[index]
            parser.take()  # a stray ")"
            continue
        part = parser.parse_or()
        if part is not None:
            parts.append(part)
    node = parts[0] if len(parts) == 1 else (And(tuple(parts)) if parts else None)
    if node is None:
        raise QueryError(f"the query {text!r} has no words to search for")
    if isinstance(node, Not) or (isinstance(node, And)
                                 and all(isinstance(i, Not) for i in node.items)):
        raise QueryError(f"the query {text!r} only excludes: add a word to search for")
    return node


def leaves(node: Node) -> list[Term | Phrase | Variants]:
    """The searched leaves of ``node`` (excluded ones too), in order."""
    if isinstance(node, (Term, Phrase, Variants)):
        return [node]
    if isinstance(node, Not):
        return leaves(node.item)
    return [leaf for item in node.items for leaf in leaves(item)]


def positive_leaves(node: Node) -> list[Term | Phrase | Variants]:
    """Leaves that count towards a match (not under NOT): what snippets highlight."""
    if isinstance(node, (Term, Phrase, Variants)):
        return [node]
    if isinstance(node, Not):
        return []
    return [leaf for item in node.items for leaf in positive_leaves(item)]


def render(node: Node) -> str:
    """``node`` as query text (variants shown as the names searched)."""
    if isinstance(node, Term):
        return node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return f'"{node.text}"'
    if isinstance(node, Variants):
        return "(" + " OR ".join(f'"{n}"' for n in node.names) + ")"
    if isinstance(node, Not):
        return f"NOT {render(node.item)}"
    joiner = " OR " if isinstance(node, Or) else " "
    inner = joiner.join(render(i) for i in node.items)
    return f"({inner})" if isinstance(node, Or) else inner
