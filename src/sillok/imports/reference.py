"""Korea Future's prison database and the HRNK camp map as archive records.

The parsing is :mod:`sillok.kb.nkpd` and :mod:`sillok.kb.hrnk`, the same code that
builds the packaged knowledge base; here each record becomes an
:class:`~sillok.imports.store.ImportedRecord` linked to its knowledge-base facility.
Linking, in order: the knowledge base's own reference to the record (the packaged KB
was built from these datasets), the type and number (``kwanliso-15``), then a name
or place that names exactly one facility of the record's type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from ..exc import ConfigError
from ..kb import KnowledgeBase, load_kb
from ..kb.hrnk import facts_from as hrnk_facts
from ..kb.hrnk import load_hrnk
from ..kb.importer import HRNK, HRNK_URL, NKPD
from ..kb.nkpd import facts_from as nkpd_facts
from ..kb.nkpd import load_nkpd
from .store import ImportedRecord, ImportSource, RowProblem

_INDEXES: dict[int, tuple[KnowledgeBase, dict[tuple[str, str], str]]] = {}


def _references(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    """(source, record id) -> facility id, from every facility's references."""
    cached = _INDEXES.get(id(kb))
    if cached is not None and cached[0] is kb:
        return cached[1]
    index: dict[tuple[str, str], str] = {}
    for facility in kb.facilities.values():
        for ref in facility.references:
            index.setdefault((ref.source, ref.record), facility.id)
            index.setdefault((ref.source, ref.record.split(": ", 1)[0]), facility.id)
    _INDEXES[id(kb)] = (kb, index)
    return index


def link_facility(kb: KnowledgeBase, *, source: str | None = None, record: str | None = None,
                  type_: str | None = None, number: int | None = None,
                  names: Iterable[str] = ()) -> str | None:
    """The knowledge-base facility a record describes, or None when none matches surely."""
    if source and record:
        known = _references(kb).get((source, record))
        if known is not None:
            return known
    if type_ and number is not None:
        numbered = kb.facilities.get(f"{type_}-{number}")
        if numbered is not None and numbered.type == type_:
            return numbered.id
    for name in names:
        if not name:
            continue
        if name in kb.facilities and (type_ is None or kb.facilities[name].type == type_):
            return name
        hits = {f.id for f in kb.facility_by_name(name) if type_ is None or f.type == type_}
        if len(hits) == 1:
            return hits.pop()
    return None


def _source(kb: KnowledgeBase, source_id: str, url: str | None, retrieved: str) -> ImportSource:
    known = kb.sources.get(source_id)
    title = known.title if known else source_id
    return ImportSource(source_id, title, url or (known.url if known else None),
                        retrieved or None)


def nkpd_records(path: Path) -> tuple[ImportSource, list[ImportedRecord], list[RowProblem]]:
    """Every facility of a Korea Future NKPD export, parsed and linked."""
    kb = load_kb()
    loaded = load_nkpd(path)
    found: list[ImportedRecord] = []
    problems: list[RowProblem] = []
    for number, raw in enumerate(loaded.records, 1):
        where = f"record {number}"
        try:
            facts = nkpd_facts(raw)
        except ConfigError as exc:
            problems.append(RowProblem(path.name, where, str(exc)))
            continue
        values = dataclasses.asdict(facts)
        values["type_label"] = raw.get("type")
        values["agency_label"] = raw.get("agency")
        values["affiliation"] = raw.get("affiliation")
        found.append(ImportedRecord(
            kind="facility", external_id=facts.record, name=facts.name, facts=values,
            where=f"{where} (id {facts.record})", record_url=facts.url,
            facility_id=link_facility(kb, source=NKPD, record=facts.record, type_=facts.type,
                                      number=facts.number, names=[facts.name])))
    return _source(kb, NKPD, loaded.url, loaded.retrieved), found, problems


def hrnk_records(path: Path, retrieved: str | None = None
                 ) -> tuple[ImportSource, list[ImportedRecord], list[RowProblem]]:
    """Every placemark of the HRNK camp map (its JSON copy or a KML export), parsed and
    linked. A placemark has no id of its own: its title ("Camp 15, Yodok") is used."""
    kb = load_kb()
    loaded = load_hrnk(path)
    when = retrieved or loaded.retrieved
    found: list[ImportedRecord] = []
    problems: list[RowProblem] = []
    for number, mark in enumerate(loaded.marks, 1):
        where = f"placemark {number}"
        try:
            facts = hrnk_facts(mark, when)
        except ConfigError as exc:
            problems.append(RowProblem(path.name, where, str(exc)))
            continue
        values = dataclasses.asdict(facts)
        found.append(ImportedRecord(
            kind="facility", external_id=facts.record, name=facts.record, facts=values,
            where=f"{where} ({facts.record})",
            record_url=facts.reports[0][1] if facts.reports else None,
            facility_id=link_facility(kb, source=HRNK, record=facts.record, type_=facts.type,
                                      number=facts.number,
                                      names=[*facts.names, facts.place])))
    return _source(kb, HRNK, loaded.url or HRNK_URL, when), found, problems
