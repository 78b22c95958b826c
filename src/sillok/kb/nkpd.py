"""Read Korea Future's North Korean Prison Database (NKPD) export into facility facts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exc import ConfigError

# NKPD "type" -> knowledge-base facility type
TYPE_MAP = {
    "Political Prison Camp": "kwanliso",
    "Re-education Camp": "kyohwaso",
    "Holding Centre": "jipkyulso",
    "Labour Training Centre": "rodong-danryeondae",
    "Labour Training Camp": "rodong-danryeondae",
    "Detention Centre": "kuryujang",
    "Waiting Room": "waiting-room",
    "Office": "office",
    "Closed Detention Facility": "closed-detention-facility",
    "Kkotjebi Relief Station": "relief-station",
    "Other": "other-facility",
}
AGENCY_MAP = {
    "Ministry of People's Security": "ministry-of-social-security",
    "Ministry of State Security": "ministry-of-state-security",
    "Military Security Command": "military-security-command",
    "People's Committee of North Korea": "peoples-committee",
    "Korean People’s Army": "korean-peoples-army",
    "Korean People's Army": "korean-peoples-army",
    "Workers' Party of Korea": "workers-party-of-korea",
}
STATUS_MAP = {"Operative": "operating", "Closed": "closed", "Unknown": "unknown"}
# Type words that can carry a facility number ("Labour Training Camp No. 606")
_NUMBERED = re.compile(
    r"(?:No\.\s*(?P<n1>\d+)\s+(?:Labour Training Camp|Re-education Camp|Political Prison Camp))"
    r"|(?:(?:Labour Training Camp|Re-education Camp|Political Prison Camp)\s+No\.\s*(?P<n2>\d+))"
)
_LEAD = re.compile(
    r"^(?P<place>[A-Z][\w'’\-]+)(?: \((?P<alt>[A-Z][\w\-]+)\))? (?P<level>County|City|Province\b"
    r"|Provincial)?"
)
_SUB = re.compile(r"\b(?:County|City) (?P<sub>[A-Z][\w]*-(?:ri|dong|gu|up)|[A-Z]\w+(?= District))")
_TAIL = re.compile(r"\((?P<place>[A-Z][a-z]+)\)$|\bin (?P<in>[A-Z][a-z]+)$")
_NOT_PLACES = {"Children's", "Traveller", "Nonggundae", "Sangmu", "North", "South"}
_NOT_PLACE_HEAD = re.compile(r"^\d|^(North|South) ")


@dataclass
class NkpdFacts:
    """What one NKPD record says, as structured data."""

    record: str
    name: str
    type: str
    number: int | None
    province: str | None
    county: str | None
    places: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    agency: str | None = None
    status: str = "unknown"
    as_of: str | None = None
    url: str | None = None


def _places(name: str) -> tuple[list[str], str | None]:
    places: list[str] = []
    county: str | None = None
    lead = _LEAD.match(name)
    if lead and not _NOT_PLACE_HEAD.match(name) and lead.group("place") not in _NOT_PLACES:
        level = lead.group("level")
        if level in ("County", "City") or level is None:
            places.append(lead.group("place"))
            if lead.group("alt"):
                places.append(lead.group("alt"))
            if level in ("County", "City"):
                county = lead.group("place")
    if sub := _SUB.search(name):
        places.append(sub.group("sub"))
    if tail := _TAIL.search(name):
        place = tail.group("place") or tail.group("in")
        if place not in _NOT_PLACES:
            places.append(place)
    return places, county


def facts_from(raw: dict[str, Any]) -> NkpdFacts:
    """Structured facts of one NKPD record."""
    name = re.sub(r"\s+", " ", str(raw["name"])).strip()
    kind = TYPE_MAP.get(str(raw.get("type")))
    if kind is None:
        raise ConfigError(
            f"NKPD record {raw.get('id')}: unknown type {raw.get('type')!r}; "
            "add it to TYPE_MAP in kb/nkpd.py"
        )
    numbered = _NUMBERED.search(name)
    number = int(numbered.group("n1") or numbered.group("n2")) if numbered else None
    places, county = _places(name)
    lat, lon = raw.get("lat"), raw.get("lon")
    edited = raw.get("edited")
    return NkpdFacts(
        record=str(raw["id"]),
        name=name,
        type=kind,
        number=number,
        province=str(raw["province"]) if raw.get("province") else None,
        county=county,
        places=places,
        lat=round(float(lat), 6) if lat is not None else None,
        lon=round(float(lon), 6) if lon is not None else None,
        agency=AGENCY_MAP.get(str(raw.get("agency"))),
        status=STATUS_MAP.get(str(raw.get("status")), "unknown"),
        as_of=str(edited) if edited else None,
        url=str(raw["url"]) if raw.get("url") else None,
    )


def read_nkpd(path: Path) -> tuple[str, list[NkpdFacts]]:
    """(retrieval date, records) from the NKPD facilities.json export."""
    try:
        data: dict[str, Any] = json.loads(path.read_bytes())
        records = [facts_from(r) for r in data["facilities"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{path}: not an NKPD facilities file ({exc})") from None
    return str(data.get("scrapedAt", ""))[:10], records
