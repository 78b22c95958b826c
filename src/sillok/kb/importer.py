"""Rebuild ``facilities_reference.yml`` from the HRNK camp map and Korea Future's NKPD.

    python -m sillok.kb.importer HRNK.json|HRNK.kml NKPD.json [OUT.yml]

The output is generated, sorted and free of timestamps, so the same input always gives
byte-identical output and an update is one command. Hand-curated facilities
(``facilities.yml``) stay separate: a reference record that describes a curated facility
is written under the curated id and the loader merges the two by id.

Matching, in order: HRNK "Camp N" / "Kyo-hwa-so No. N" -> ``<type>-<N>`` (a curated
facility with that id must share a place, else the id gets the place as suffix); NKPD
records -> an existing facility with the same number, else of the same type within
1 km, else (no coordinates) of the same type whose names or places include the
record's place; otherwise a new facility with a slug id.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import normalize_name
from .hrnk import HrnkFacts, facts_from, read_hrnk
from .nkpd import NkpdFacts, read_nkpd

log = logging.getLogger(__name__)

HRNK = "hrnk-camp-map"
NKPD = "korea-future-nkpd"
HRNK_URL = "https://www.google.com/maps/d/kml?mid=1uo5xseZysdNTIY-I-rTsXUWWYDu5UnGx&forcekml=1"
MERGE_DISTANCE_KM = 1.0
KO_TYPE = {"kwanliso": "관리소", "kyohwaso": "교화소", "rodong-danryeondae": "노동단련대"}
KB_FOLDER = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ImportReport:
    """What an import did: counts, merges, and whether the output file changed."""

    out: Path
    hrnk_records: int
    nkpd_records: int
    facilities: int
    merged: list[tuple[str, str]]
    created: list[str]
    changed: bool

    def summary(self) -> str:
        state = "updated" if self.changed else "unchanged"
        return (
            f"{self.out} {state}: {self.facilities} facilities from {self.hrnk_records} HRNK "
            f"and {self.nkpd_records} NKPD records ({len(self.merged)} merged into existing "
            f"facilities, {len(self.created)} new)"
        )


@dataclass
class _Entry:
    id: str
    type: str
    number: int | None
    names: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    province: str | None = None
    county: str | None = None
    agency: str | None = None
    agency_source: str | None = None
    coordinates: list[dict[str, Any]] = field(default_factory=list)
    status: list[dict[str, Any]] = field(default_factory=list)
    estimates: list[dict[str, Any]] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None

    def name_keys(self) -> set[str]:
        return {normalize_name(n) for n in [*self.names, *self.places]}


def _add(items: list[str], *values: str | None) -> None:
    for value in values:
        if value and value not in items:
            items.append(value)


def slugify(text: str) -> str:
    """ASCII lower-case slug: "Kyo-hwa-so No. 8, Yongdam" -> "kyo-hwa-so-no-8-yongdam"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]", "", ascii_text.lower())
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _numbered_names(kind: str, number: int) -> list[str]:
    if kind == "kwanliso":
        english = [
            f"Camp {number}",
            f"Camp No. {number}",
            f"Kwanliso No. {number}",
            f"Political Prison Camp No. {number}",
        ]
    elif kind == "kyohwaso":
        english = [
            f"Kyohwaso No. {number}",
            f"Kyo-hwa-so No. {number}",
            f"Kyohwaso Number {number}",
        ]
    else:
        return []
    return [*english, f"{number}호 {KO_TYPE[kind]}", f"제{number}호 {KO_TYPE[kind]}"]


def _load_curated(path: Path) -> dict[str, _Entry]:
    if not path.exists():
        return {}
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    curated: dict[str, _Entry] = {}
    for item in raw:
        entry = _Entry(str(item["id"]), str(item["type"]), item.get("number"))
        entry.names = [str(n) for n in item.get("names", [])]
        entry.places = [str(p) for p in item.get("places", [])]
        curated[entry.id] = entry
    return curated


def _hrnk_entry(facts: HrnkFacts, curated: dict[str, _Entry], taken: set[str]) -> _Entry:
    place_key = normalize_name(facts.place)
    ident: str | None = None
    if facts.number is not None:
        ident = f"{facts.type}-{facts.number}"
        known = curated.get(ident)
        if (known is not None and place_key not in known.name_keys()) or ident in taken:
            ident = f"{ident}-{slugify(facts.place)}"
    else:
        title_key = normalize_name(facts.record)
        for cid, entry in curated.items():
            if entry.type == facts.type and title_key in entry.name_keys():
                ident = cid
        if ident is None:
            ident = slugify(facts.record.replace("Kyo-hwa-so", "Kyohwaso"))
    entry = _Entry(ident, facts.type, facts.number, province=facts.province)
    _add(entry.names, facts.record, *facts.names)
    if facts.number is not None and not ident.endswith(slugify(facts.place)):
        _add(entry.names, *_numbered_names(facts.type, facts.number))
    if facts.type == "kyohwaso":
        _add(entry.names, f"{facts.place} Kyohwaso", f"{facts.place} Kyo-hwa-so")
    _add(entry.places, *facts.places)
    entry.lat, entry.lon = facts.lat, facts.lon
    entry.coordinates.append(
        {
            "lat": facts.lat,
            "lon": facts.lon,
            "source": HRNK,
            "precision": "placemark",
            "url": HRNK_URL,
        }
    )
    for lat, lon, site in facts.extra_sites:
        entry.coordinates.append(
            {
                "lat": lat,
                "lon": lon,
                "source": HRNK,
                "precision": f"associated site: {site}".strip(": "),
                "url": HRNK_URL,
            }
        )
    for value, as_of in facts.statuses:
        entry.status.append({"value": value, "as_of": as_of, "source": HRNK, "url": HRNK_URL})
    if facts.estimate is not None:
        low, high = facts.estimate
        entry.estimates.append(
            {"low": low, "high": high, "as_of": None, "source": HRNK, "url": HRNK_URL}
        )
    entry.references.append({"source": HRNK, "record": facts.record, "url": HRNK_URL})
    for year, url in facts.reports:
        entry.references.append({"source": HRNK, "record": f"HRNK report ({year})", "url": url})
    return entry


def _match_nkpd(facts: NkpdFacts, entries: dict[str, _Entry]) -> _Entry | None:
    if facts.number is not None:
        known = entries.get(f"{facts.type}-{facts.number}")
        if known is not None:
            return known
    same_type = [e for e in entries.values() if e.type == facts.type]
    if facts.lat is not None and facts.lon is not None:
        lat, lon = facts.lat, facts.lon
        near = [
            e
            for e in same_type
            if e.lat is not None
            and e.lon is not None
            and _distance_km(lat, lon, e.lat, e.lon) <= MERGE_DISTANCE_KM
        ]
        return near[0] if len(near) == 1 else None
    if facts.places and "Branch" not in facts.name:
        key = normalize_name(facts.places[0])
        hits = [e for e in same_type if key in e.name_keys()]
        if len(hits) == 1:
            return hits[0]
    return None


def _nkpd_into(entry: _Entry, facts: NkpdFacts) -> None:
    _add(entry.names, facts.name)
    _add(entry.places, *facts.places)
    entry.province = entry.province or facts.province
    entry.county = entry.county or facts.county
    if facts.agency and entry.agency is None:
        entry.agency, entry.agency_source = facts.agency, NKPD
    if facts.lat is not None and facts.lon is not None:
        entry.coordinates.append(
            {
                "lat": facts.lat,
                "lon": facts.lon,
                "source": NKPD,
                "precision": "approximate",
                "url": facts.url,
            }
        )
        if entry.lat is None:
            entry.lat, entry.lon = facts.lat, facts.lon
    entry.status.append(
        {"value": facts.status, "as_of": facts.as_of, "source": NKPD, "url": facts.url}
    )
    entry.references.append(
        {"source": NKPD, "record": f"{facts.record}: {facts.name}", "url": facts.url}
    )


def build_entries(
    hrnk: list[HrnkFacts], nkpd: list[NkpdFacts], curated: dict[str, _Entry]
) -> tuple[dict[str, _Entry], list[tuple[str, str]], list[str]]:
    """Merge reference facts into entries keyed by facility id."""
    entries: dict[str, _Entry] = {}
    merged: list[tuple[str, str]] = []
    for facts in hrnk:
        entry = _hrnk_entry(facts, curated, set(entries))
        entries[entry.id] = entry
        if entry.id in curated:
            merged.append((f"{HRNK}:{facts.record}", entry.id))
    # NKPD records merge only into HRNK or curated facilities: two NKPD records are two
    # facilities even when their (often city-level) coordinates coincide.
    pool = dict(entries)
    for cid, centry in curated.items():
        pool.setdefault(cid, centry)
    taken = set(pool)
    for record in sorted(nkpd, key=lambda f: f.record):
        target = _match_nkpd(record, pool)
        if target is not None:
            if target.id not in entries:  # curated facility not on the HRNK map
                entries[target.id] = _Entry(target.id, target.type, target.number)
            merged.append((f"{NKPD}:{record.record}", target.id))
            _nkpd_into(entries[target.id], record)
            continue
        ident = f"{record.type}-{record.number}" if record.number is not None else ""
        if not ident or ident in taken:
            ident = slugify(record.name)
        if ident in taken:
            ident = f"{ident}-{record.record.lower()}"
        entry = _Entry(ident, record.type, record.number)
        _nkpd_into(entry, record)
        entries[ident] = entry
        taken.add(ident)
    created = sorted(i for i in entries if i not in curated)
    return entries, merged, created


def _as_yaml_item(entry: _Entry) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": entry.id,
        "type": entry.type,
        "number": entry.number,
        "names": entry.names,
        "places": entry.places,
    }
    for key in ("province", "county", "agency", "agency_source"):
        if getattr(entry, key) is not None:
            item[key] = getattr(entry, key)
    item["coordinates"] = entry.coordinates
    item["status"] = entry.status
    if entry.estimates:
        item["population_estimates"] = entry.estimates
    item["references"] = entry.references
    cited = {
        f["source"]
        for f in [*entry.coordinates, *entry.status, *entry.estimates, *entry.references]
    }
    if entry.agency_source:
        cited.add(entry.agency_source)
    item["sources"] = sorted(cited)
    return item


def render(entries: dict[str, _Entry], inputs: list[Path]) -> str:
    """The YAML text of the generated file (deterministic)."""
    lines = [
        "# GENERATED by `python -m sillok.kb.importer` - do not edit by hand.",
        "# Edit facilities.yml (merged by id) or re-run the importer instead.",
        "# Inputs (sha256):",
    ]
    for path in inputs:
        lines.append(f"#   {path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}")
    body = yaml.safe_dump(
        [_as_yaml_item(entries[i]) for i in sorted(entries)],
        allow_unicode=True,
        sort_keys=False,
        width=100,
    )
    return "\n".join(lines) + "\n" + body


def import_reference(
    hrnk_json: Path, nkpd_json: Path, out: Path, curated: Path | None = None
) -> ImportReport:
    """Rebuild ``out`` from the HRNK map (JSON or KML) and the NKPD export."""
    hrnk_date, marks = read_hrnk(hrnk_json)
    _, records = read_nkpd(nkpd_json)
    hrnk_facts = [facts_from(m, hrnk_date) for m in marks]
    curated_entries = _load_curated(curated or out.parent / "facilities.yml")
    entries, merged, created = build_entries(hrnk_facts, records, curated_entries)
    text = render(entries, [hrnk_json, nkpd_json])
    before = out.read_text(encoding="utf-8") if out.exists() else None
    if before != text:
        out.write_text(text, encoding="utf-8")
    report = ImportReport(
        out, len(marks), len(records), len(entries), merged, created, before != text
    )
    log.info(report.summary())
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m sillok.kb.importer HRNK NKPD [OUT]``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3):
        print(
            "usage: python -m sillok.kb.importer HRNK.json|HRNK.kml NKPD.json [OUT.yml]",
            file=sys.stderr,
        )
        return 2
    out = Path(args[2]) if len(args) == 3 else KB_FOLDER / "facilities_reference.yml"
    report = import_reference(Path(args[0]), Path(args[1]), out)
    print(report.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
