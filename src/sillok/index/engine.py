"""The full-text engine: a tantivy index in ``ARCHIVE/index/fulltext``.

Chosen over SQLite FTS5 on measurement (``bench/search.py`` runs both on the same
data; see docs/search-and-analysis.md). Sillok does its own tokenizing
(:mod:`.tokens`) and hands tantivy space-separated terms, so the engine only stores
and ranks; swapping it means re-implementing this module alone.

Fields: ``id`` (stored), ``body`` (title and clean text, BM25-ranked, positions for
phrases), and one raw, fast, multi-valued field per facet (``facility``,
``facility_type``, ``violation``, ``organization``, ``agency``, ``publisher``,
``language``, ``year``) plus ``published`` (YYYYMMDD as an integer, for ranges and
date order).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy

from ..exc import SillokError
from .query import And, Node, Not, Or, Phrase, Term, Variants
from .tokens import is_hangul, query_alternatives

log = logging.getLogger(__name__)

ENGINE_VERSION = 2
FACET_FIELDS = ("facility", "facility_type", "violation", "organization", "agency",
                "publisher", "language", "year")
BODY = "body"


class IndexBusy(SillokError):
    """Another process is updating the search index."""


@dataclass(frozen=True)
class EngineDoc:
    """What the engine stores for one document."""

    id: str
    body: str  # space-separated terms (tokens.index_text)
    facets: dict[str, list[str]]
    published: int | None  # YYYYMMDD
    extracted: bool = True  # False until the extractor has read the document


@dataclass(frozen=True)
class Hits:
    total: int
    hits: list[tuple[float, str]]  # (score, document id)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field(BODY, stored=False, tokenizer_name="whitespace",
                           index_option="position")
    for name in FACET_FIELDS:
        builder.add_text_field(name, stored=False, fast=True, tokenizer_name="raw",
                               index_option="basic")
    builder.add_integer_field("published", stored=False, indexed=True, fast=True)
    builder.add_text_field("extracted", stored=False, tokenizer_name="raw", index_option="basic")
    return builder.build()


class FullTextIndex:
    """One tantivy index folder. Readers never block; one writer at a time."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.schema = _schema()
        marker = folder / "sillok-engine.json"
        if folder.exists() and not self._current(marker):
            log.info("search index at %s is from another version: rebuilding", folder)
            shutil.rmtree(folder)
        fresh = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(folder), reuse=not fresh)
        if fresh:
            marker.write_text(json.dumps({"version": ENGINE_VERSION}))
        self.fresh = fresh

    @staticmethod
    def _current(marker: Path) -> bool:
        try:
            return bool(json.loads(marker.read_text()).get("version") == ENGINE_VERSION)
        except (OSError, ValueError):
            return False

    # -- writing ------------------------------------------------------------------------

    def write(self, add: Iterable[EngineDoc], delete: Iterable[str], *,
              clear: bool = False) -> int:
        """Delete ``delete`` ids, (re)add ``add`` docs, commit; returns documents added."""
        try:
            writer = self.index.writer(heap_size=256_000_000, num_threads=1)
        except ValueError as exc:
            raise IndexBusy("the search index is being updated by another process: "
                            f"try again in a moment ({exc})") from None
        added = 0
        try:
            if clear:
                writer.delete_all_documents()
            for doc_id in delete:
                writer.delete_documents_by_term("id", doc_id)
            for doc in add:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc))
                added += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            raise
        self.index.reload()
        return added

    def _document(self, doc: EngineDoc) -> tantivy.Document:
        document = tantivy.Document()
        document.add_text("id", doc.id)
        document.add_text(BODY, doc.body)
        for name, values in doc.facets.items():
            for value in values:
                document.add_text(name, value)
        if doc.published is not None:
            document.add_integer("published", doc.published)
        document.add_text("extracted", "yes" if doc.extracted else "no")
        return document

    # -- reading ------------------------------------------------------------------------

    def num_docs(self) -> int:
        return int(self.index.searcher().num_docs)

    def search(self, query: tantivy.Query, *, limit: int, offset: int = 0,
               by_date: bool = False) -> Hits:
        searcher = self.index.searcher()
        if by_date:
            result = searcher.search(query, limit=limit, offset=offset,
                                     order_by_field="published", count=True)
        else:
            result = searcher.search(query, limit=limit, offset=offset, count=True)
        hits = [(float(score) if isinstance(score, (int, float)) else 0.0,
                 str(searcher.doc(address)["id"][0])) for score, address in result.hits]
        if not by_date:
            hits.sort(key=lambda h: (-round(h[0], 6), h[1]))
        return Hits(int(getattr(result, "count", 0) or 0), hits)

    def facet_counts(self, query: tantivy.Query, fields: Sequence[str] = FACET_FIELDS,
                     size: int = 25) -> dict[str, list[tuple[str, int]]]:
        """Per facet field, the most frequent values among documents matching ``query``."""
        searcher = self.index.searcher()
        spec = {name: {"terms": {"field": name, "size": size}} for name in fields}
        result: dict[str, Any] = searcher.aggregate(query, spec)
        counts: dict[str, list[tuple[str, int]]] = {}
        for name in fields:
            buckets = result.get(name, {}).get("buckets", [])
            pairs = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
            counts[name] = sorted(pairs, key=lambda p: (-p[1], p[0]))
        return counts

    # -- query building -----------------------------------------------------------------

    def compile(self, node: Node) -> tantivy.Query:
        """The tantivy query for a parsed (and possibly expanded) query tree."""
        if isinstance(node, Term):
            return self._text(node.text, prefix=node.prefix)
        if isinstance(node, Phrase):
            return self._text(node.text)
        if isinstance(node, Variants):
            return self._variants(node)
        if isinstance(node, Or):
            return self._any([self.compile(i) for i in node.items])
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([
                (tantivy.Occur.Must, tantivy.Query.all_query()),
                (tantivy.Occur.MustNot, self.compile(node.item))])
        assert isinstance(node, And)
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for item in node.items:
            if isinstance(item, Not):
                clauses.append((tantivy.Occur.MustNot, self.compile(item.item)))
            else:
                clauses.append((tantivy.Occur.Must, self.compile(item)))
        if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(clauses)

    def _variants(self, node: Variants) -> tantivy.Query:
        """The words as typed, anywhere; the documents the extractor linked to the entity;
        and every other spelling in documents the extractor has not read yet.

        The extractor recognises all of the knowledge base's spellings in context, so
        for documents it has read its links are the better (and far cheaper) test.
        """
        if node.kind not in FACET_FIELDS:
            return self._any([self._text(name) for name in node.names])
        parts = [self._text(node.text)]
        parts += [tantivy.Query.term_query(self.schema, node.kind, i) for i in node.ids]
        others = [self._text(name) for name in node.names]
        parts.append(tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.term_query(self.schema, "extracted", "no")),
            (tantivy.Occur.Must, self._any(others))]))
        return self._any(parts)

    def _any(self, parts: list[tantivy.Query]) -> tantivy.Query:
        if not parts:
            return tantivy.Query.empty_query()
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts])

    def _text(self, text: str, *, prefix: bool = False) -> tantivy.Query:
        parts = []
        for seq in query_alternatives(text):
            if len(seq) == 1:
                term = seq[0]
                if prefix:
                    parts.append(tantivy.Query.regex_query(self.schema, BODY,
                                                           _escape(term) + ".*"))
                elif is_hangul(term) and len(term) == 1:
                    # a lone syllable: the index holds bigrams that start or end with it
                    parts.append(tantivy.Query.regex_query(
                        self.schema, BODY, f"{term}.?|.{term}"))
                else:
                    parts.append(tantivy.Query.term_query(self.schema, BODY, term))
            elif prefix:
                parts.append(tantivy.Query.phrase_prefix_query(
                    self.schema, BODY, list[str | tuple[int, str]](seq)))
            else:
                parts.append(tantivy.Query.phrase_query(
                    self.schema, BODY, list[str | tuple[int, str]](seq)))
        return self._any(parts)

    def filtered(self, query: tantivy.Query, filters: dict[str, list[str]],
                 published: tuple[int | None, int | None] = (None, None)) -> tantivy.Query:
        """``query`` restricted by facet values (any value within a field, every field)
        and a publication-date range; filters do not change scores."""
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [(tantivy.Occur.Must, query)]
        for name, values in sorted(filters.items()):
            if not values:
                continue
            if name not in FACET_FIELDS:
                raise SillokError(f"cannot filter on {name!r}: use one of "
                                  f"{', '.join(FACET_FIELDS)}")
            terms = [tantivy.Query.term_query(self.schema, name, v) for v in values]
            clauses.append((tantivy.Occur.Must,
                            tantivy.Query.const_score_query(self._any(terms), 0.0)))
        low, high = published
        if low is not None or high is not None:
            clauses.append((tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.range_query(self.schema, "published", tantivy.FieldType.Integer,
                                          low, high), 0.0)))
        if len(clauses) == 1:
            return query
        return tantivy.Query.boolean_query(clauses)


def _escape(term: str) -> str:
    return "".join("\\" + c if c in ".^$*+?()[]{}|\\" else c for c in term)
