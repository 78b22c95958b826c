"""Extraction output as a flat list of reviewable items, and back.

A *mention* item is one linked span (``kind``, ``id``, ``start``, ``end``, ``text``);
a *claim* item is one quantitative claim. Each has a ``key`` that depends only on
what it says and where, so a decision still finds its item after the extractor is
run again on the same text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from ..exc import SillokError
from ..kb import KnowledgeBase

# output field -> item kind
GROUPS = {"facilities": "facility", "facility_types": "facility_type", "agencies": "agency",
          "organizations": "organization", "violations": "violation"}
KINDS = (*GROUPS.values(), "claim")
FIELD_OF = {kind: name for name, kind in GROUPS.items()}
CLAIM_FIELDS = ("subject", "measure", "low", "high", "as_of", "attributed_to", "start", "end",
                "text")
AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class InvalidItem(SillokError):
    """A corrected or added item that does not fit the text or the knowledge base."""


def mention_key(kind: str, entity: str, start: int, end: int) -> str:
    return f"{kind}:{entity}:{start}-{end}"


def claim_key(claim: dict[str, Any]) -> str:
    return f"claim:{claim['start']}-{claim['end']}:{claim['subject']}:{claim['measure']}:" \
           f"{claim.get('low')}-{claim.get('high')}"


def flatten(output: dict[str, Any]) -> list[dict[str, Any]]:
    """Every mention and claim of an extraction, each with a unique ``key``."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for field, kind in GROUPS.items():
        for group in output.get(field) or []:
            for mention in group.get("mentions") or []:
                item = {"kind": kind, "id": group["id"], "start": mention["start"],
                        "end": mention["end"], "text": mention["text"]}
                if kind == "violation":
                    item["facilities"] = list(group.get("facilities") or [])
                item["key"] = _unique(mention_key(kind, group["id"], mention["start"],
                                                  mention["end"]), seen)
                found.append(item)
    for claim in output.get("claims") or []:
        item = {"kind": "claim", **{f: claim.get(f) for f in CLAIM_FIELDS}}
        item["attributed_to"] = list(item["attributed_to"] or [])
        item["key"] = _unique(claim_key(claim), seen)
        found.append(item)
    return found


def _unique(key: str, seen: set[str]) -> str:
    candidate, n = key, 1
    while candidate in seen:
        n += 1
        candidate = f"{key}#{n}"
    seen.add(candidate)
    return candidate


def rebuild(base: dict[str, Any], items: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The extraction output that ``items`` describe, with ``base``'s document fields."""
    out = {k: v for k, v in base.items() if k not in (*GROUPS, "claims")}
    groups: dict[str, dict[str, dict[str, Any]]] = {field: {} for field in GROUPS}
    claims: list[dict[str, Any]] = []
    for item in items:
        if item["kind"] == "claim":
            claims.append({f: item.get(f) for f in CLAIM_FIELDS} | _state(item))
            continue
        field = FIELD_OF[item["kind"]]
        group = groups[field].setdefault(item["id"], {"id": item["id"], "mentions": []})
        group["mentions"].append({"start": item["start"], "end": item["end"],
                                  "text": item["text"]} | _state(item))
        if item["kind"] == "violation":
            known = group.setdefault("facilities", [])
            known += [f for f in item.get("facilities") or [] if f not in known]
    for field, by_id in groups.items():
        out[field] = []
        for entity in sorted(by_id):
            group = by_id[entity]
            group["mentions"].sort(key=lambda m: (m["start"], m["end"]))
            if field == "violations":
                group["facilities"] = sorted(group.get("facilities", []))
            out[field].append(group)
    out["claims"] = sorted(claims, key=lambda c: (c["start"], c["end"], c["measure"]))
    return out


def _state(item: dict[str, Any]) -> dict[str, Any]:
    return {"review": item["review"]} if "review" in item else {}


def validate(item: dict[str, Any], text: str, kb: KnowledgeBase) -> dict[str, Any]:
    """A clean copy of a corrected or added item; :class:`InvalidItem` says what is wrong."""
    kind = item.get("kind")
    if kind not in KINDS:
        raise InvalidItem(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    start, end = _int(item.get("start"), "start"), _int(item.get("end"), "end")
    if start is None or end is None or not 0 <= start < end <= len(text):
        raise InvalidItem(f"the span {start}-{end} is not inside the document's text "
                          f"(0-{len(text)}): give start < end within it")
    clean: dict[str, Any] = {"kind": kind, "start": start, "end": end, "text": text[start:end]}
    if kind != "claim":
        table: Mapping[str, Any] = {"facility": kb.facilities, "facility_type": kb.facility_types,
                                 "agency": kb.agencies, "organization": kb.organizations,
                                 "violation": kb.violations}[kind]
        entity = str(item.get("id") or "").strip()
        if entity not in table:
            raise InvalidItem(f"no {kind.replace('_', ' ')} {entity!r} in the knowledge base: "
                              "give its id (see `sillok kb`)")
        clean["id"] = entity
        if kind == "violation":
            facilities = [f for f in item.get("facilities") or [] if f]
            unknown = [f for f in facilities if f not in kb.facilities]
            if unknown:
                raise InvalidItem(f"unknown facilities: {', '.join(unknown)}")
            clean["facilities"] = facilities
        return clean
    return clean | _claim_fields(item, kb)


def _claim_fields(item: dict[str, Any], kb: KnowledgeBase) -> dict[str, Any]:
    subject = str(item.get("subject") or "").strip()
    if subject != "all" and subject not in kb.facility_types and subject not in kb.facilities:
        raise InvalidItem(f"subject {subject!r} is not 'all', a facility type or a facility id")
    measure = str(item.get("measure") or "").strip()
    if measure not in kb.measures:
        raise InvalidItem(f"measure must be one of {', '.join(kb.measures)}, not {measure!r}")
    low, high = _int(item.get("low"), "low"), _int(item.get("high"), "high")
    if low is None and high is None:
        raise InvalidItem("a claim needs a low or a high figure (both for a point value)")
    if (low is not None and low < 0) or (high is not None and high < 0) or \
            (low is not None and high is not None and low > high):
        raise InvalidItem(f"figures must be 0 or more with low ≤ high, not {low}-{high}")
    as_of = str(item.get("as_of") or "").strip() or None
    if as_of is not None and not AS_OF.match(as_of):
        raise InvalidItem(f"as_of must be a date such as 2013, 2013-06 or 2013-06-30, not "
                          f"{as_of!r}")
    credited = item.get("attributed_to") or []
    if isinstance(credited, str):
        credited = [c.strip() for c in credited.split(",") if c.strip()]
    unknown = [c for c in credited if c not in kb.organizations]
    if unknown:
        raise InvalidItem(f"unknown organisations in attributed_to: {', '.join(unknown)}")
    return {"subject": subject, "measure": measure, "low": low, "high": high, "as_of": as_of,
            "attributed_to": list(credited)}


def _int(value: Any, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise InvalidItem(f"{name} must be a whole number")
    try:
        return int(str(value).replace(",", "").strip())
    except ValueError:
        raise InvalidItem(f"{name} must be a whole number, not {value!r}") from None
