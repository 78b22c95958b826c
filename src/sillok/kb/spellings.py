"""Every spelling in the knowledge base compiled for fast, offset-exact matching.

Spellings become prefix trees emitted as regular expressions (one for Latin script,
one for Hangul), matched against a lower-cased, length-preserving fold of the text so
that offsets in the folded text are offsets in the original. The gazetteer
(:mod:`sillok.extract.gazetteer`) builds on this; :func:`spellings_for` caches the
compiled form per knowledge base.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .model import KnowledgeBase, normalize_name

__all__ = [
    "HANGUL",
    "Spellings",
    "Term",
    "fold",
    "lookup",
    "lower_keep_length",
    "spellings_for",
    "written_as",
]


class Term(NamedTuple):
    kind: str  # type | facility | place | head | agency | organization
    ids: tuple[str, ...]
    place_name: bool = False  # a facility name that is also a place (Yodok)
    cased: bool = False  # written only with capitals (COI): check the original text


# Length-preserving folding so offsets into the folded text are offsets into the text.
_FOLD_PAIRS = (
    ("ŏ", "o"),
    ("Ŏ", "O"),
    ("ŭ", "u"),
    ("Ŭ", "U"),
    ("ô", "o"),
    ("û", "u"),
    ("é", "e"),
    ("ë", "e"),
    ("’", "'"),
    ("‘", "'"),
    ("ʼ", "'"),
    ("ʻ", "'"),
    ("`", "'"),
    ("´", "'"),
    ("′", "'"),
    ("‐", "-"),
    ("‑", "-"),
    ("‒", "-"),
    ("–", "-"),
    ("—", "-"),
    ("\u00a0", " "),
    ("\u202f", " "),
)
_FOLD = str.maketrans(dict(_FOLD_PAIRS))


def fold(text: str) -> str:
    # str.replace per character is several times faster than str.translate here
    for old, new in _FOLD_PAIRS:
        if old in text:
            text = text.replace(old, new)
    return text


def lower_keep_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # a few characters (e.g. "İ") lower to two: keep those as they are
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_SEP = r"[\s\-]*"
_LATIN_END = r"s?(?![0-9a-z])"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Generic words that can carry a facility number but are not facility types.
_HEADS = {
    "camp": "camp",
    "camps": "camp",
    "prison camp": "camp",
    "prison camps": "camp",
    "labor camp": "camp",
    "labour camp": "camp",
    "수용소": "camp",
    "prison": "prison",
    "prisons": "prison",
}
_NUMERIC_NAME = re.compile(
    r"^제?(?:camp|campno|no|nos|number|kwanliso|kwanlisono|kwalliso|kwallisono|kyohwaso|"
    r"kyohwasono|kyohwasonumber|politicalprisoncamp|politicalprisoncampno|prison|prisonno)?"
    r"\d+호?(?:관리소|교화소|수용소)?$"
)


def _term_tokens(term: str, aspirates: bool) -> list[str]:
    """Regex pieces for one spelling (one piece per trie edge)."""
    folded = term.translate(_FOLD).strip()
    pieces: list[str] = []
    for i, char in enumerate(folded):
        if char in " -/":
            if pieces and pieces[-1] != _SEP:
                pieces.append(_SEP)
        elif char == "'":
            pieces.append("'?")
        elif char == ".":
            pieces.append(r"\.?")
        elif char == ",":
            pieces.append(",?")
        elif HANGUL.match(char):
            pieces.append(re.escape(char))
        else:
            pieces.append(re.escape(char.lower()))
            nxt = folded[i + 1 : i + 2].lower()
            # McCune-Reischauer marks aspiration with an apostrophe: Kaech'on, Ch'ongjin
            if aspirates and char.lower() in "chkpt" and nxt in tuple("aeiouwy"):
                pieces.append("'?")
    if any(HANGUL.match(c) for c in folded):
        pieces = [r"\s*" if p == _SEP else p for p in pieces]
    return pieces


_Node = dict[str, "_Node"]


class _Trie:
    """Spellings as a prefix tree, emitted as one regex that shares common prefixes."""

    def __init__(self) -> None:
        self.root: _Node = {}

    def add(self, pieces: list[str]) -> None:
        node = self.root
        for piece in pieces:
            node = node.setdefault(piece, {})
        node[""] = {}

    def pattern(self) -> str:
        return self._emit(self.root) or "(?!)"

    def _emit(self, node: _Node) -> str:
        branches = [
            piece + self._emit(child)
            for piece, child in sorted(node.items(), reverse=True)
            if piece
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body


class Spellings:
    """Compiled spellings of one knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.terms: dict[str, Term] = {}
        self.numbered: dict[tuple[str, int], str] = {}
        for facility in kb.facilities.values():
            if facility.number is not None and facility.id == f"{facility.type}-{facility.number}":
                self.numbered[(facility.type, facility.number)] = facility.id
        tries = {"lat": _Trie(), "ko": _Trie(), "type_lat": _Trie(), "type_ko": _Trie()}
        cased_forms: dict[str, set[str]] = {}
        free_keys: set[str] = set()
        for spelling, term, cased in self._spellings():
            key = normalize_name(spelling)
            if not key:
                continue
            self.terms[key] = self._merge(self.terms.get(key), term)
            if cased:
                cased_forms.setdefault(key, set()).add(spelling.translate(_FOLD))
            else:
                free_keys.add(key)
            pieces = _term_tokens(spelling, term.kind in ("facility", "place"))
            script = "ko" if HANGUL.search(spelling) else "lat"
            tries[script].add(pieces)
            if term.kind == "type":
                tries[f"type_{script}"].add(pieces)
        # keys written only with capitals must match as written (COI, not "coi")
        self.cased = {k: v for k, v in cased_forms.items() if k not in free_keys}
        for key in self.cased:
            self.terms[key] = self.terms[key]._replace(cased=True)
        # two passes are several times faster than one alternation of both scripts
        self.latin = re.compile(rf"(?<![0-9a-z])(?:{tries['lat'].pattern()}){_LATIN_END}")
        self.korean = re.compile(tries["ko"].pattern())
        self.type_regex = re.compile(
            rf"(?<![0-9a-z])(?:{tries['type_lat'].pattern()}){_LATIN_END}"
            rf"|{tries['type_ko'].pattern()}"
        )
        self.ministries = _ministries_regex(kb)
        self.memo: dict[str, Term | None] = {}
        self.written: dict[str, bool] = {}

    @staticmethod
    def _merge(old: Term | None, new: Term) -> Term:
        if old is None:
            return new
        rank = {"facility": 0, "type": 1, "agency": 2, "organization": 3, "head": 4, "place": 5}
        if rank[new.kind] < rank[old.kind]:
            return new._replace(place_name=new.place_name or old.place_name)
        if new.kind == old.kind and new.kind in ("facility", "place"):
            ids = tuple(dict.fromkeys([*old.ids, *new.ids]))
            kind = "place" if len(ids) > 1 else old.kind
            return Term(kind, ids, old.place_name or new.place_name)
        return old

    def _spellings(self) -> list[tuple[str, Term, bool]]:
        out: list[tuple[str, Term, bool]] = []
        kb = self.kb
        for ftype in kb.facility_types.values():
            if ftype.linked:
                for name in ftype.names:
                    out.append((name, Term("type", (ftype.id,)), False))
        for word, head in _HEADS.items():
            out.append((word, Term("head", (head,)), False))
        name_keys: dict[str, set[str]] = {}
        for facility in kb.facilities.values():
            for name in facility.names:
                key = normalize_name(name)
                if not _NUMERIC_NAME.match(key):
                    name_keys.setdefault(key, set()).add(facility.id)
        for facility in kb.facilities.values():
            if not kb.facility_types[facility.type].link_facilities:
                continue
            place_keys = {normalize_name(p) for p in facility.places}
            for name in facility.names:
                key = normalize_name(name)
                if key in name_keys and len(name_keys[key]) == 1:
                    out.append((name, Term("facility", (facility.id,), key in place_keys), False))
            for place in facility.places:
                if normalize_name(place) not in name_keys:
                    out.append((place, Term("place", (facility.id,)), False))
        for agency in kb.agencies.values():
            if agency.linked:
                for alias in {agency.name, agency.name_ko, *agency.aliases}:
                    out.append((alias, Term("agency", (agency.id,)), _cased(alias)))
        for org in kb.organizations.values():
            if org.linked:
                for alias in {org.name, *org.aliases}:
                    cased = _cased(alias) or alias in org.exact
                    out.append((alias, Term("organization", (org.id,)), cased))
        return out


def _cased(alias: str) -> bool:
    """Single words written with capitals (COI, HRW, Reuters) match only as written."""
    return " " not in alias.strip() and any(c.isupper() for c in alias) and not HANGUL.search(alias)


_CACHE: dict[int, tuple[KnowledgeBase, Spellings]] = {}


def spellings_for(kb: KnowledgeBase) -> Spellings:
    cached = _CACHE.get(id(kb))
    if cached is None or cached[0] is not kb:
        cached = (kb, Spellings(kb))
        _CACHE[id(kb)] = cached
    return cached[1]


def lookup(matcher: Spellings, surface: str) -> Term | None:
    if surface in matcher.memo:
        return matcher.memo[surface]
    key = normalize_name(surface)
    term = matcher.terms.get(key)
    if term is None and key.endswith("s"):
        term = matcher.terms.get(key[:-1])
    matcher.memo[surface] = term
    return term


def written_as(matcher: Spellings, original: str) -> bool:
    """For capitals-only spellings: is ``original`` written exactly so (plural allowed)?"""
    known = matcher.written.get(original)
    if known is None:
        key = normalize_name(original)
        forms = matcher.cased.get(key) or matcher.cased.get(key[:-1])
        known = forms is None or original in forms or original[:-1] in forms
        matcher.written[original] = known
    return known


def _ministries_regex(kb: KnowledgeBase) -> tuple[re.Pattern[str], dict[str, str]]:
    """The ministries in "the Ministries of Social Security and State Security"."""
    tails: dict[str, str] = {}
    for agency in kb.agencies.values():
        for alias in [agency.name, *agency.aliases]:
            if agency.linked and alias.lower().startswith("ministry of "):
                tails.setdefault(alias[len("ministry of ") :].translate(_FOLD), agency.id)
    names = sorted(tails, key=len, reverse=True)
    tail = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) or "(?!)"
    pattern = re.compile(
        rf"\bministries\s+of\s+(?:the\s+)?(?P<a>{tail})\s*(?:,|and|&)\s*(?:the\s+)?"
        rf"(?P<b>{tail})\b",
        re.IGNORECASE,
    )
    return pattern, {normalize_name(n): ident for n, ident in tails.items()}
