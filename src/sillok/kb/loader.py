"""Read and validate the knowledge-base YAML files into :class:`KnowledgeBase`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ..exc import ConfigError
from .model import (
    Agency,
    Coordinate,
    Estimate,
    Facility,
    FacilityType,
    KnowledgeBase,
    Measure,
    Organization,
    Reference,
    Source,
    Status,
    ViolationCategory,
    normalize_name,
)

FACILITY_STATUSES = ("operating", "closed", "unknown")
ORGANIZATION_KINDS = ("un", "ngo", "government", "media", "research")
ROME_LETTERS = frozenset("abcdefghijk")
KB_FILES = (
    "facility_types.yml",
    "facilities.yml",
    "facilities_reference.yml",
    "agencies.yml",
    "organizations.yml",
    "violations.yml",
    "measures.yml",
    "sources.yml",
)
# The C implementation of the same safe loader when libyaml is present (10x faster).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class _Entry:
    """Typed access to one YAML mapping, with errors that name file and entry."""

    def __init__(self, filename: str, raw: Any, index: int) -> None:
        self.filename = filename
        if not isinstance(raw, dict):
            raise ConfigError(f"{filename}: entry #{index + 1} is not a mapping")
        self.raw: dict[str, Any] = raw
        ident = raw.get("id")
        if not isinstance(ident, str) or not _ID.match(ident):
            raise ConfigError(
                f"{filename}: entry #{index + 1} has no valid id (lower-case slug), got {ident!r}"
            )
        self.id = ident

    def fail(self, message: str) -> ConfigError:
        return ConfigError(f"{self.filename}: entry {self.id!r}: {message}")

    def text(self, key: str, default: str | None = None) -> str:
        value = self.raw.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key!r} must be a non-empty string")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail(f"{key!r} must be a string")
        return str(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false")
        return value

    def strings(self, key: str) -> list[str]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{key!r} must be a list of non-empty strings")
        return list(value)

    def records(self, key: str) -> list[dict[str, Any]]:
        value = self.raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"{key!r} must be a list of mappings")
        return list(value)


def _read(folder: Path, filename: str) -> list[_Entry]:
    path = folder / filename
    if not path.exists():
        if filename == "facilities_reference.yml":
            return []
        raise ConfigError(f"knowledge base file {path} is missing: reinstall sillok")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{filename}: not valid YAML: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise ConfigError(f"{filename}: expected a list of entries at top level")
    entries = [_Entry(filename, raw, i) for i, raw in enumerate(data)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise entry.fail("duplicate id in the same file")
        seen.add(entry.id)
    return entries


def _source_of(
    entry: _Entry, fact: dict[str, Any], what: str, sources: Mapping[str, Source]
) -> str:
    source = fact.get("source")
    if not isinstance(source, str) or source not in sources:
        raise entry.fail(f"{what} cites unknown source {source!r} (add it to sources.yml)")
    return source


def _opt_int(entry: _Entry, value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise entry.fail(f"{what} must be a non-negative integer or null, got {value!r}")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else str(value)


def _facility(entry: _Entry, sources: Mapping[str, Source]) -> Facility:
    coords: list[Coordinate] = []
    for fact in entry.records("coordinates"):
        lat, lon = fact.get("lat"), fact.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            raise entry.fail("coordinates need numeric lat and lon")
        if not (37.0 <= float(lat) <= 43.5 and 123.5 <= float(lon) <= 131.0):
            raise entry.fail(f"coordinates {lat}, {lon} lie outside North Korea")
        coords.append(
            Coordinate(
                float(lat),
                float(lon),
                _source_of(entry, fact, "coordinate", sources),
                str(fact.get("precision", "approximate")),
                _opt_str(fact.get("url")),
            )
        )
    statuses: list[Status] = []
    for fact in entry.records("status"):
        value = fact.get("value")
        if value not in FACILITY_STATUSES:
            raise entry.fail(f"status must be one of {FACILITY_STATUSES}, got {value!r}")
        statuses.append(
            Status(
                str(value),
                _opt_str(fact.get("as_of")),
                _source_of(entry, fact, "status", sources),
                _opt_str(fact.get("url")),
            )
        )
    estimates: list[Estimate] = []
    for fact in entry.records("population_estimates"):
        low = _opt_int(entry, fact.get("low"), "estimate low")
        high = _opt_int(entry, fact.get("high"), "estimate high")
        if low is None and high is None:
            raise entry.fail("a population estimate needs low or high")
        if low is not None and high is not None and low > high:
            raise entry.fail(f"estimate low {low} exceeds high {high}")
        estimates.append(
            Estimate(
                low,
                high,
                _opt_str(fact.get("as_of")),
                _source_of(entry, fact, "estimate", sources),
                _opt_str(fact.get("url")),
            )
        )
    refs: list[Reference] = []
    for fact in entry.records("references"):
        refs.append(
            Reference(
                _source_of(entry, fact, "reference", sources),
                str(fact.get("record", "")),
                _opt_str(fact.get("url")),
            )
        )
    number = _opt_int(entry, entry.raw.get("number"), "number")
    names = entry.strings("names")
    if not names:
        raise entry.fail("a facility needs at least one name")
    agency_source = entry.opt_text("agency_source")
    if agency_source is not None and agency_source not in sources:
        raise entry.fail(f"agency_source cites unknown source {agency_source!r}")
    if entry.raw.get("agency") is not None and agency_source is None:
        raise entry.fail("agency needs agency_source (the source that says so)")
    cited = {c.source for c in coords} | {s.source for s in statuses}
    cited |= {e.source for e in estimates} | {r.source for r in refs}
    if agency_source:
        cited.add(agency_source)
    listed = entry.strings("sources")
    for source in listed:
        if source not in sources:
            raise entry.fail(f"sources lists unknown source {source!r}")
    if not listed and not cited:
        raise entry.fail("a facility must cite at least one source")
    return Facility(
        id=entry.id,
        type=entry.text("type"),
        number=number,
        names=names,
        places=entry.strings("places"),
        province=entry.opt_text("province"),
        county=entry.opt_text("county"),
        coordinates=coords,
        agency=entry.opt_text("agency"),
        status=statuses,
        population_estimates=estimates,
        sources=sorted(set(listed) | cited),
        references=refs,
        agency_source=agency_source,
    )


def _merge_raw(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Hand-curated ``base`` wins on scalars; list fields are unioned (base first)."""
    merged = dict(extra)
    for key, value in base.items():
        if isinstance(value, list) and isinstance(extra.get(key), list):
            combined = list(value)
            for item in extra[key]:
                if item not in combined:
                    combined.append(item)
            merged[key] = combined
        elif value is not None:
            merged[key] = value
    return merged


def _index(facilities: Mapping[str, Facility], attr: str) -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for facility in facilities.values():
        for name in getattr(facility, attr):
            ids = table.setdefault(normalize_name(name), [])
            if facility.id not in ids:
                ids.append(facility.id)
    return {k: tuple(v) for k, v in table.items() if k}


def load_kb_from(folder: Path) -> KnowledgeBase:
    """Load and validate a knowledge base from ``folder`` (tests use a copy)."""
    raw = {name: _read(folder, name) for name in KB_FILES}
    sources = {
        e.id: Source(
            e.id,
            e.text("title"),
            e.text("publisher"),
            e.text("url"),
            str(e.raw.get("retrieved", "")),
            e.opt_text("organization"),
            str(e.raw.get("note", "")),
        )
        for e in raw["sources.yml"]
    }
    types = {
        e.id: FacilityType(
            e.id,
            e.text("label"),
            e.text("label_ko"),
            e.strings("names"),
            e.text("description"),
            e.opt_text("agency"),
            e.flag("linked", True),
            e.flag("link_facilities", True),
        )
        for e in raw["facility_types.yml"]
    }
    agencies = {
        e.id: Agency(
            e.id, e.text("name"), e.text("name_ko"), e.strings("aliases"), e.flag("linked", True)
        )
        for e in raw["agencies.yml"]
    }
    orgs: dict[str, Organization] = {}
    for e in raw["organizations.yml"]:
        kind = e.text("kind")
        if kind not in ORGANIZATION_KINDS:
            raise e.fail(f"kind must be one of {ORGANIZATION_KINDS}, got {kind!r}")
        orgs[e.id] = Organization(
            e.id,
            e.text("name"),
            kind,
            e.strings("aliases"),
            e.flag("linked", True),
            e.strings("exact"),
            e.opt_text("part_of"),
        )
    for org in orgs.values():
        if org.part_of is not None and org.part_of not in orgs:
            raise ConfigError(f"organizations.yml: {org.id} is part_of {org.part_of!r}, "
                              "which is not an organisation id: add it or fix the id")
    violations: dict[str, ViolationCategory] = {}
    for e in raw["violations.yml"]:
        letters = e.strings("rome_statute")
        if not set(letters) <= ROME_LETTERS:
            raise e.fail(f"rome_statute letters must be a-k, got {letters}")
        violations[e.id] = ViolationCategory(
            e.id, e.text("label"), e.text("label_ko"), letters, e.text("description")
        )
    measures = {
        e.id: Measure(e.id, e.text("label"), e.text("description")) for e in raw["measures.yml"]
    }

    curated = {e.id: e for e in raw["facilities.yml"]}
    merged: dict[str, _Entry] = {}
    for e in raw["facilities_reference.yml"]:
        if e.id in curated:
            base = curated[e.id]
            base_raw = _merge_raw(base.raw, e.raw)
            merged_entry = _Entry(base.filename, base_raw, 0)
            merged[e.id] = merged_entry
        else:
            merged[e.id] = e
    for ident, e in curated.items():
        merged.setdefault(ident, e)
    facilities: dict[str, Facility] = {}
    for ident in sorted(merged):
        entry = merged[ident]
        facility = _facility(entry, sources)
        if facility.type not in types:
            raise entry.fail(f"unknown facility type {facility.type!r}")
        if facility.agency is not None and facility.agency not in agencies:
            raise entry.fail(f"unknown agency {facility.agency!r}")
        facilities[ident] = facility
    for src in sources.values():
        if src.organization is not None and src.organization not in orgs:
            raise ConfigError(f"sources.yml: entry {src.id!r}: unknown organization")
    for agency_type in types.values():
        if agency_type.agency is not None and agency_type.agency not in agencies:
            raise ConfigError(f"facility_types.yml: entry {agency_type.id!r}: unknown agency")
    return KnowledgeBase(
        types,
        facilities,
        agencies,
        orgs,
        violations,
        measures,
        sources,
        _index(facilities, "names"),
        _index(facilities, "places"),
    )
