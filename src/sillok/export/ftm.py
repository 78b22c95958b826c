"""FollowTheMoney entities, so Aleph / OpenAleph can import what the archive holds.

``sillok export --format ftm OUT`` writes ``OUT/entities.ftm.json``, one entity per
line (the format ``ftm`` and ``alephclient write-entities`` read):

=====================  ============  ================================================
Sillok record          FtM schema    notes
=====================  ============  ================================================
document               PlainText, HyperText, Pages, Email, Package or Document by
                                     media type; ``bodyText`` is the clean text,
                                     ``contentHash`` the SHA-1 of the original (what
                                     Aleph's archive keys on), ``notes`` the SHA-256
facility               PublicBody    names and Hangul as aliases, type as
                                     ``classification``, ``parent`` = its agency,
                                     location as a linked Address
agency                 PublicBody
organisation           Organization
mention                Mention       ``document`` -> document, ``resolved`` -> the
                                     facility/agency/organisation, ``name`` = the
                                     exact text
violation              Event         one per document and category: ``involved`` =
                                     facilities, ``proof`` = document, ``summary`` =
                                     the first passage
=====================  ============  ================================================

Ids are deterministic (``sillok-doc-<sha256>``, ``sillok-facility-<id>``, ...), so a
re-export updates the same entities in Aleph instead of duplicating them. Knowledge-base
entities are written once, at the end, for the ids the exported documents mention.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from rigour.langs import iso_639_alpha3

from ..kb import KnowledgeBase, load_kb

__all__ = ["document_entity", "kb_entities", "load_kb", "mention_entities", "new_seen",
           "violation_entities"]
from ..store.archive import Archive

SCHEMA_BY_MEDIA_TYPE = {
    "text/plain": "PlainText", "text/markdown": "PlainText", "text/html": "HyperText",
    "application/pdf": "Pages", "message/rfc822": "Email",
    "application/zip": "Package", "application/mbox": "Package",
    "application/warc": "Package",
}
PREFIX = {"facilities": "facility", "agencies": "agency", "organizations": "org"}
SCHEMA = {"facilities": "PublicBody", "agencies": "PublicBody", "organizations": "Organization"}


def entity_id(kind: str, key: str) -> str:
    return f"sillok-{kind}-{key}"


def _entity(schema: str, ident: str, **values: Any) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = ident
    for prop, value in values.items():
        if value is None or value == [] or value == "":
            continue
        proxy.add(prop, value)
    return proxy


def _sha1(path: Any) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def document_entity(archive: Archive, row: dict[str, Any]) -> EntityProxy:
    """The FtM entity of one document row from :func:`records.iter_documents`."""
    doc_id = str(row["id"])
    schema = SCHEMA_BY_MEDIA_TYPE.get(str(row["media_type"]).split(";")[0], "Document")
    language = iso_639_alpha3(row["language"]) if row["language"] else None
    parents = [entity_id("doc", p["parent_id"]) for p in row.get("parents") or []]
    return _entity(
        schema, entity_id("doc", doc_id), fileName=row["original_name"], title=row["title"],
        author=row["author"], publisher=row["publisher"], publishedAt=row["published"],
        sourceUrl=row["url"], mimeType=row["media_type"], fileSize=row["size"],
        language=language, encoding=row["encoding"],
        contentHash=_sha1(archive.object_path(doc_id)), bodyText=row["text"],
        notes=[f"SHA-256 {doc_id}", *_review_note(row.get("review"))], parent=parents)


def _review_note(review: dict[str, Any] | None) -> list[str]:
    """Says, on the document, that its facts are the reviewed extraction and by whom."""
    if not review:
        return []
    return [f"Extraction: {review['status']} by {', '.join(review.get('reviewers') or [])}"
            f" (last decision {review.get('last_reviewed_at')}); rejected items left out, "
            "corrections applied"]


def mention_entities(doc_id: str, output: dict[str, Any], seen: dict[str, set[str]]
                     ) -> Iterator[EntityProxy]:
    """Mentions of facilities, agencies and organisations; records which ids were seen."""
    document = entity_id("doc", doc_id)
    for field, kind in PREFIX.items():
        for entry in output.get(field) or []:
            key = str(entry.get("id"))
            seen[field].add(key)
            resolved = entity_id(kind, key)
            names = sorted({str(m.get("text")) for m in entry.get("mentions") or []})
            for name in names:
                mention = _entity("Mention", "", document=document, resolved=resolved,
                                  name=name, detectedSchema=SCHEMA[field])
                mention.id = mention.make_id("sillok-mention", doc_id, resolved, name)
                yield mention


def violation_entities(doc_id: str, output: dict[str, Any], kb: KnowledgeBase,
                       seen: dict[str, set[str]]) -> Iterator[EntityProxy]:
    """One Event per violation category the document reports."""
    for entry in output.get("violations") or []:
        key = str(entry.get("id"))
        category = kb.violations.get(key)
        facilities = [str(f) for f in entry.get("facilities") or []]
        seen["facilities"].update(facilities)
        label = category.label if category else key
        where = ", ".join(facilities)
        first = (entry.get("mentions") or [{}])[0]
        statute = (f"Rome Statute art. 7(1)({', '.join(category.rome_statute)})"
                   if category else None)
        yield _entity("Event", entity_id("violation", f"{doc_id}-{key}"),
                      name=f"{label} ({where})" if where else label,
                      summary=first.get("text"), keywords=key, notes=statute,
                      involved=[entity_id("facility", f) for f in facilities],
                      proof=entity_id("doc", doc_id))


def kb_entities(kb: KnowledgeBase, seen: dict[str, set[str]]) -> Iterator[EntityProxy]:
    """Facilities (with their addresses), agencies and organisations that were mentioned."""
    for key in sorted(seen["facilities"]):
        facility = kb.facilities.get(key)
        if facility is None:
            yield _entity("PublicBody", entity_id("facility", key), name=key, country="kp")
            continue
        kind = kb.facility_types.get(facility.type)
        address_id = None
        full = ", ".join(p for p in (facility.county, facility.province, "North Korea") if p)
        if facility.coordinates or facility.province:
            address_id = entity_id("address", key)
            point = facility.coordinates[0] if facility.coordinates else None
            yield _entity("Address", address_id, full=full, country="kp",
                          region=facility.province, city=facility.county,
                          latitude=point.lat if point else None,
                          longitude=point.lon if point else None)
        if facility.agency:
            seen["agencies"].add(facility.agency)
        yield _entity("PublicBody", entity_id("facility", key), name=facility.names[0],
                      alias=facility.names[1:], country="kp", address=full,
                      addressEntity=address_id, keywords=key,
                      classification=kind.label if kind else facility.type,
                      parent=entity_id("agency", facility.agency) if facility.agency else None)
    for key in sorted(seen["agencies"]):
        agency = kb.agencies.get(key)
        yield _entity("PublicBody", entity_id("agency", key), country="kp", keywords=key,
                      name=agency.name if agency else key,
                      alias=([agency.name_ko, *agency.aliases] if agency else []))
    for key in sorted(seen["organizations"]):
        org = kb.organizations.get(key)
        yield _entity("Organization", entity_id("org", key), keywords=key,
                      name=org.name if org else key, alias=org.aliases if org else [])


def new_seen() -> dict[str, set[str]]:
    return {"facilities": set(), "agencies": set(), "organizations": set()}
