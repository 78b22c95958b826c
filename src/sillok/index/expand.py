"""Variant-aware queries: a name the knowledge base knows is searched as all its spellings.

"Yoduk", "요덕", "Camp 15" and "kwan-li-so 15" each resolve to ``kwanliso-15``; the
engine then searches the words as typed, the documents the extractor linked to the
facility, and every name and place spelling the knowledge base lists for it in
documents not yet extracted (:meth:`sillok.index.engine.FullTextIndex.compile`).
Words typed without quotes are matched as runs ("Camp 15" is two words but one
name). What is expanded is reported, and ``expand=False`` switches it off.

Rules that keep expansion from drifting:

- a place shared by several facilities ("Kaechon": Camp 14 and Kyohwaso No. 1) is
  not added when expanding one of them, and a query for the place itself searches
  only the place's spellings plus the documents linked to either facility;
- names that are only a number with "No."/"호" ("No. 15", "제15호") are not searched
  on their own: they name different facilities in different documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..kb import KnowledgeBase, load_kb, normalize_name
from .query import And, Node, Not, Or, Phrase, Term, Variants
from .tokens import query_alternatives

MAX_RUN = 6
_GENERIC = {"no", "number", "nr", "제", "호"}
_TYPE_NUMBER = re.compile(r"^(?:제)?(\d{1,3})호(.+)$|^(.+?)(?:no|number|제)?(\d{1,3})호?$")


@dataclass(frozen=True)
class Entity:
    kind: str
    ids: tuple[str, ...]
    names: tuple[str, ...]


def _unique(names: list[str]) -> tuple[str, ...]:
    """``names`` without generic ones, folded duplicates, and names that contain another
    (a document with "Yodok camp" also has "Yodok", so searching "Yodok" is enough)."""
    seqs: dict[tuple[str, ...], str] = {}
    for name in names:
        alternatives = query_alternatives(name)
        if not alternatives or _generic(name):
            continue
        seqs.setdefault(tuple(alternatives[-1]), name)
    kept = []
    for seq, name in seqs.items():
        if not any(other != seq and _contains(seq, other) for other in seqs):
            kept.append(name)
    return tuple(kept)


def _contains(seq: tuple[str, ...], part: tuple[str, ...]) -> bool:
    width = len(part)
    return any(seq[i:i + width] == part for i in range(len(seq) - width + 1))


def _generic(name: str) -> bool:
    seqs = query_alternatives(name)
    return not seqs or all(t.isdigit() or t in _GENERIC for t in seqs[0])


class Resolver:
    """Looks names up in the knowledge base (folded as :func:`sillok.kb.normalize_name`)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.by_key: dict[str, Entity] = {}
        place_hosts: dict[str, list[str]] = {}
        for facility in kb.facilities.values():
            for place in facility.places:
                hosts = place_hosts.setdefault(normalize_name(place), [])
                if facility.id not in hosts:
                    hosts.append(facility.id)
        self.type_keys: dict[str, str] = {}
        for ftype in kb.facility_types.values():
            names = [ftype.id, ftype.label, ftype.label_ko, *ftype.names]
            for name in names:
                self.type_keys.setdefault(normalize_name(name), ftype.id)
            self._add(names, Entity("facility_type", (ftype.id,), _unique(names)))
        for org in kb.organizations.values():
            names = [org.name, *org.aliases]
            self._add(names, Entity("organization", (org.id,), _unique(names)))
        for agency in kb.agencies.values():
            names = [agency.name, agency.name_ko, *agency.aliases]
            self._add(names, Entity("agency", (agency.id,), _unique(names)))
        for facility in sorted(kb.facilities.values(), key=lambda f: f.id):
            own_places = [p for p in facility.places
                          if place_hosts.get(normalize_name(p)) == [facility.id]]
            entity = Entity("facility", (facility.id,),
                            _unique([*facility.names, *own_places]))
            self._add([*facility.names, *own_places], entity, override=True)
        for key, hosts in place_hosts.items():
            if len(hosts) > 1 and key not in self.by_key:
                spellings = [p for f in hosts for p in self.kb.facilities[f].places
                             if len(place_hosts[normalize_name(p)]) > 1
                             and set(place_hosts[normalize_name(p)]) <= set(hosts)]
                self.by_key[key] = Entity("facility", tuple(hosts), _unique(spellings))

    def _add(self, names: list[str], entity: Entity, *, override: bool = False) -> None:
        for name in names:
            key = normalize_name(name)
            if key and not _generic(name) and (override or key not in self.by_key):
                self.by_key[key] = entity

    def resolve(self, text: str) -> Entity | None:
        key = normalize_name(text)
        if not key:
            return None
        found = self.by_key.get(key)
        if found is not None:
            return found
        return self._type_and_number(key)

    def _type_and_number(self, key: str) -> Entity | None:
        """"Kyohwaso No. 12", "camp 22", "12호 교화소" when not listed as a name."""
        match = _TYPE_NUMBER.match(key)
        if not match:
            return None
        number = match.group(1) or match.group(4)
        type_word = match.group(2) or match.group(3) or ""
        type_id = self.type_keys.get(type_word) or ("kwanliso" if type_word == "camp" else None)
        if type_id is None:
            return None
        facility = self.kb.facilities.get(f"{type_id}-{int(number)}")
        if facility is None:
            return None
        return self.by_key.get(normalize_name(facility.names[0])) or Entity(
            "facility", (facility.id,), _unique(facility.names))


@cache
def default_resolver() -> Resolver:
    return Resolver(load_kb())


def expand(node: Node, resolver: Resolver | None = None) -> Node:
    """``node`` with every knowledge-base name replaced by :class:`Variants`."""
    resolver = resolver or default_resolver()
    if isinstance(node, Term) and node.prefix:
        return node
    if isinstance(node, (Term, Phrase)):
        return _variants(node.text, resolver) or node
    if isinstance(node, Not):
        return Not(expand(node.item, resolver))
    if isinstance(node, Or):
        return Or(tuple(expand(i, resolver) for i in node.items))
    if isinstance(node, And):
        return _expand_runs(node, resolver)
    return node


def _variants(text: str, resolver: Resolver) -> Variants | None:
    entity = resolver.resolve(text)
    if entity is None:
        return None
    return Variants(text, entity.kind, entity.ids, entity.names)


def _expand_runs(node: And, resolver: Resolver) -> Node:
    """Find the longest runs of plain words that name something, left to right."""
    items = list(node.items)
    out: list[Node] = []
    i = 0
    while i < len(items):
        matched = False
        if isinstance(items[i], Term) and not items[i].prefix:  # type: ignore[union-attr]
            for j in range(min(len(items), i + MAX_RUN), i + 1, -1):
                run = items[i:j]
                if not all(isinstance(t, Term) and not t.prefix for t in run):
                    continue
                text = " ".join(t.text for t in run)  # type: ignore[union-attr]
                found = _variants(text, resolver)
                if found is not None:
                    out.append(found)
                    i = j
                    matched = True
                    break
        if not matched:
            out.append(expand(items[i], resolver))
            i += 1
    return out[0] if len(out) == 1 else And(tuple(out))


def expansions(node: Node) -> list[Variants]:
    """The expansions in ``node``, in order."""
    if isinstance(node, Variants):
        return [node]
    if isinstance(node, Not):
        return expansions(node.item)
    if isinstance(node, (And, Or)):
        return [v for item in node.items for v in expansions(item)]
    return []
