"""The ``search`` verb: ranked, filtered, faceted, variant-aware full-text search.

::

    from sillok.search import search
    found = search("Yoduk torture", archive="my-archive", facets=True)
    found["expanded"]   # the spellings actually searched
    found["results"]    # id, path, title, score, snippet, highlights, ...

The index is brought up to date before each search (cheap when nothing changed;
see :mod:`sillok.index.sync`). Named searches are kept in the archive and re-run
with :func:`run_saved`, which marks results that are new since the last run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from .api import ArchiveRef, get_archive
from .exc import SillokError
from .index import refresh_before_reading, saved
from .index.engine import FACET_FIELDS
from .index.expand import default_resolver, expand, expansions
from .index.facts import normalise_date, publisher_key
from .index.query import (
    Node,
    Phrase,
    Term,
    Variants,
    leaves,
    parse,
    positive_leaves,
    repairs,
)
from .index.snippets import snippet
from .index.sync import fulltext
from .index.tables import index_documents, index_mentions
from .kb import load_kb, normalize_name
from .store.tables import texts

FILTER_FIELDS = ("facility", "facility_type", "violation", "organization", "agency",
                 "publisher", "language")


class UnknownFilter(SillokError):
    """A filter value that names nothing the knowledge base or the archive knows."""


@dataclass
class SearchOptions:
    """Everything besides the query text; saved with a named search."""

    expand: bool = True
    limit: int = 20
    offset: int = 0
    facets: bool = False
    sort: str = "relevance"  # or "date"
    since: str | None = None
    until: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SearchOptions:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def search(query: str, archive: ArchiveRef = None, *, options: SearchOptions | None = None,
           refresh_index: bool = True, **overrides: Any) -> dict[str, Any]:
    """Search the archive; ``overrides`` are :class:`SearchOptions` fields.

    Returns ``query``, ``expanded`` (every term and spelling actually searched),
    ``expansions`` (which words the knowledge base expanded, to what), ``filters``,
    ``total``, ``results``, ``notices`` (how a malformed query was repaired, e.g. an
    unmatched quote treated as literal; empty when nothing was) and, with
    ``facets=True``, ``facets``.
    """
    opts = options or SearchOptions()
    if overrides:
        opts = SearchOptions.from_dict({**opts.as_dict(), **overrides})
    if opts.sort not in ("relevance", "date"):
        raise SillokError(f"sort must be 'relevance' or 'date', not {opts.sort!r}")
    opened = get_archive(archive)
    if refresh_index:
        refresh_before_reading(opened)
    engine = fulltext(opened)
    tree: Node = parse(query)
    if opts.expand:
        tree = expand(tree)
    filters = resolve_filters(opts.filters)
    low = normalise_date(opts.since)[1] if opts.since else None
    high = _end_of(opts.until) if opts.until else None
    compiled = engine.filtered(engine.compile(tree), filters, (low, high))
    hits = engine.search(compiled, limit=max(1, opts.limit), offset=max(0, opts.offset),
                         by_date=opts.sort == "date")
    result: dict[str, Any] = {
        "query": query,
        "notices": repairs(query),
        "expanded": searched_terms(tree),
        "expansions": [{"term": v.text, "kind": v.kind, "ids": list(v.ids),
                        "names": list(v.names)} for v in expansions(tree)],
        "filters": {**filters, **({"since": opts.since} if opts.since else {}),
                    **({"until": opts.until} if opts.until else {})},
        "total": hits.total,
        "offset": opts.offset,
        "results": _results(opened, hits.hits, tree),
    }
    if opts.facets:
        result["facets"] = _facets(engine.facet_counts(compiled))
    return result


def _end_of(value: str) -> int | None:
    """The last day a partial date covers: "2021" → 20211231."""
    text, day = normalise_date(value)
    if text is None or day is None:
        return None
    parts = text.split("-")
    if len(parts) == 1:
        return day + 1231
    if len(parts) == 2:
        return day + 31
    return day


def searched_terms(tree: Node) -> list[str]:
    """The words, phrases and spellings the engine looks for, in query order."""
    out: list[str] = []
    for leaf in leaves(tree):
        if isinstance(leaf, Variants):
            out += list(leaf.names)
            if leaf.kind in FACET_FIELDS:
                out += [f"{leaf.kind}:{i}" for i in leaf.ids]
        elif isinstance(leaf, Phrase):
            out.append(f'"{leaf.text}"')
        else:
            out.append(leaf.text + ("*" if leaf.prefix else ""))
    return list(dict.fromkeys(out))


def _highlight_names(tree: Node) -> list[tuple[str, bool]]:
    names: list[tuple[str, bool]] = []
    for leaf in positive_leaves(tree):
        if isinstance(leaf, Variants):
            names += [(n, False) for n in leaf.names]
        elif isinstance(leaf, Term):
            names.append((leaf.text, leaf.prefix))
        else:
            names.append((leaf.text, False))
    return names


def _results(opened: Any, hits: list[tuple[float, str]], tree: Node) -> list[dict[str, Any]]:
    if not hits:
        return []
    ids = [doc_id for _score, doc_id in hits]
    with opened.reader() as conn:
        docs = {str(r.document_id): r for r in conn.execute(
            select(index_documents).where(index_documents.c.document_id.in_(ids)))}
        bodies = {str(r.document_id): str(r.text) for r in conn.execute(
            select(texts.c.document_id, texts.c.text)
            .where(texts.c.document_id.in_(ids), texts.c.current.is_(True)))}
        mentioned: dict[str, dict[str, list[str]]] = {}
        for row in conn.execute(select(index_mentions.c.document_id, index_mentions.c.kind,
                                       index_mentions.c.value)
                                .where(index_mentions.c.document_id.in_(ids),
                                       index_mentions.c.kind.in_(("facility", "violation")))
                                .order_by(index_mentions.c.value)):
            mentioned.setdefault(str(row.document_id), {}).setdefault(
                str(row.kind), []).append(str(row.value))
    names = _highlight_names(tree)
    results = []
    for score, doc_id in hits:
        doc = docs.get(doc_id)
        found = snippet(bodies.get(doc_id, ""), names)
        results.append({
            "id": doc_id,
            "path": doc.path if doc else None,
            "title": doc.title if doc else None,
            "score": round(score, 4),
            "snippet": found.text,
            "highlights": [{"start": s, "end": e} for s, e in found.highlights],
            "snippet_span": {"start": found.start, "end": found.end},
            "published": doc.published if doc else None,
            "publisher": doc.publisher if doc else None,
            "language": doc.language if doc else None,
            "facilities": mentioned.get(doc_id, {}).get("facility", []),
            "violations": mentioned.get(doc_id, {}).get("violation", []),
        })
    return results


def _facets(counts: dict[str, list[tuple[str, int]]]) -> dict[str, list[dict[str, Any]]]:
    kb = load_kb()
    labels: dict[str, Callable[[str], str]] = {
        "facility": lambda v: kb.facilities[v].names[0] if v in kb.facilities else v,
        "facility_type": lambda v: kb.facility_types[v].label if v in kb.facility_types else v,
        "violation": lambda v: kb.violations[v].label if v in kb.violations else v,
        "organization": lambda v: kb.organizations[v].name if v in kb.organizations else v,
        "agency": lambda v: kb.agencies[v].name if v in kb.agencies else v,
        "publisher": lambda v: kb.organizations[v].name if v in kb.organizations else v,
    }
    return {name: [{"value": value, "count": count,
                    "label": labels[name](value) if name in labels else value}
                   for value, count in pairs]
            for name, pairs in counts.items()}



def resolve_filters(filters: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Filter values as index ids: facilities and organisations by any spelling,
    violations and types by id or label, publishers by organisation name or as given."""
    kb = load_kb()
    resolver = default_resolver()
    out: dict[str, list[str]] = {}
    for name, values in filters.items():
        if name not in FILTER_FIELDS:
            raise UnknownFilter(f"cannot filter on {name!r}: use one of "
                                f"{', '.join(FILTER_FIELDS)}")
        ids: list[str] = []
        for value in values:
            ids += _resolve_one(name, value, kb, resolver)
        if ids:
            out[name] = list(dict.fromkeys(ids))
    return out


def _resolve_one(name: str, value: str, kb: Any, resolver: Any) -> list[str]:
    value = value.strip()
    if name == "language":
        return [value.lower()]
    if name == "publisher":
        return [publisher_key(value, None) or value]
    tables: dict[str, Mapping[str, Any]] = {
        "facility": kb.facilities, "facility_type": kb.facility_types,
        "violation": kb.violations, "organization": kb.organizations, "agency": kb.agencies}
    if value in tables[name]:
        return [value]
    entity = resolver.resolve(value)
    if entity is not None and entity.kind == name:
        return list(entity.ids)
    if name == "violation":
        for violation in kb.violations.values():
            if normalize_name(value) in (normalize_name(violation.label),
                                         normalize_name(violation.label_ko)):
                return [violation.id]
    raise UnknownFilter(f"no {name.replace('_', ' ')} is called {value!r}: give an id or a "
                        "name the knowledge base lists")


# -- saved searches -----------------------------------------------------------------------


def save_search(name: str, query: str, archive: ArchiveRef = None, *,
                options: SearchOptions | None = None, run: bool = True,
                **overrides: Any) -> dict[str, Any]:
    """Save ``query`` with its options as ``name`` (replacing one of that name).

    With ``run`` the search runs at once and its result ids become the baseline
    that :func:`run_saved` compares with.
    """
    opts = options or SearchOptions()
    if overrides:
        opts = SearchOptions.from_dict({**opts.as_dict(), **overrides})
    parse(query)  # refuse a query that cannot run before saving it
    opened = get_archive(archive)
    stored = {k: v for k, v in opts.as_dict().items() if k != "offset"}
    with opened.writer() as conn:
        saved.save(conn, name, query, stored)
    return run_saved(name, opened) if run else {"name": name, "query": query,
                                                 "options": stored}


def run_saved(name: str, archive: ArchiveRef = None) -> dict[str, Any]:
    """Run a saved search; each result has ``new`` (not in the previous run's results)."""
    opened = get_archive(archive)
    with opened.reader() as conn:
        entry = saved.get(conn, saved.check_name(name))
    assert entry is not None
    result = search(entry["query"], opened, options=SearchOptions.from_dict(entry["options"]))
    before = set(entry["last_results"] or [])
    first_run = entry["last_run_at"] is None
    for item in result["results"]:
        item["new"] = not first_run and item["id"] not in before
    with opened.writer() as conn:
        saved.record_run(conn, entry["name"], result["total"],
                         [r["id"] for r in result["results"]])
    result["saved_search"] = {"name": entry["name"], "previous_run": entry["last_run_at"],
                              "previous_total": entry["last_total"]}
    return result


def saved_searches(archive: ArchiveRef = None) -> list[dict[str, Any]]:
    """Every saved search: name, query, options, when it last ran and what it found."""
    with get_archive(archive).reader() as conn:
        return [{"name": s["name"], "query": s["query"], "options": s["options"],
                 "created_at": s["created_at"], "last_run_at": s["last_run_at"],
                 "last_total": s["last_total"]} for s in saved.all_saved(conn)]


def delete_saved(name: str, archive: ArchiveRef = None) -> None:
    with get_archive(archive).writer() as conn:
        saved.remove(conn, name)
