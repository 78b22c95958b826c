"""A testimony record from a plain mapping: the YAML record file of ``sillok testimony
add`` and the JSON body of the web form share this shape::

    interview: {date: 2024-03-02, place: Seoul, interviewer: Park Ji-won}
    witness:
      name: …                      # or id: W-XXXX-XXXX for a witness already recorded
      birth_year: 1975
      contacts: [+82 10 …]
      relatives: [{name: …, relation: sister, whereabouts: Hoeryong}]
    consent: {scopes: [internal-analysis, un-sharing], identity: anonymised, date: 2024-03-02}
    risk_level: high
    statement: |                   # or statement_file: transcript.txt
      …
    private_persons: ["Ri Chol|Chol"]
    locations: [{kind: burial-site, province: North Hamgyong, county: Hoeryong, lat: …}]
    facilities: [kwanliso-15]
    violations: [execution]
    periods: [1997-2003]
    files: [{path: interview.mp3, kind: audio}]

Identity never goes on a command line (shell history, process lists): it comes
from this file, which the officer should delete once intake has succeeded.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import InvalidTestimony
from .files import FileInput
from .locations import LOCATION_KINDS, Location
from .model import Consent, Identity, Relative, TestimonyInput, check_scopes


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name) or {}
    if not isinstance(value, Mapping):
        raise InvalidTestimony(name, "must be a mapping of fields")
    return value


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if str(item).strip()]
    raise InvalidTestimony(name, "must be a list")


def _relatives(value: Any) -> tuple[Relative, ...]:
    out = []
    for item in value or []:
        if isinstance(item, str):
            out.append(Relative(item))
        elif isinstance(item, Mapping) and item.get("name"):
            out.append(Relative(str(item["name"]), str(item.get("relation") or ""),
                                str(item.get("whereabouts") or "")))
        else:
            raise InvalidTestimony("witness.relatives", "each relative needs a name")
    return tuple(out)


def _locations(value: Any) -> list[Location]:
    places = []
    for item in value or []:
        if not isinstance(item, Mapping):
            raise InvalidTestimony("locations", "each location must be a mapping")
        try:
            place = Location.from_json(item)
        except (TypeError, ValueError):
            raise InvalidTestimony("locations", f"lat {item.get('lat')!r} and lon "
                                   f"{item.get('lon')!r} must be decimal degrees") from None
        if place.kind not in LOCATION_KINDS:
            raise InvalidTestimony("locations", f"kind {place.kind!r} is not one of "
                                   f"{', '.join(LOCATION_KINDS)}")
        places.append(place)
    return places


def _files(value: Any, base: Path) -> list[FileInput]:
    files = []
    for item in value or []:
        path, kind = (item, None) if isinstance(item, str) else \
            (item.get("path"), item.get("kind")) if isinstance(item, Mapping) else (None, None)
        if not path:
            raise InvalidTestimony("files", "each file needs a path")
        files.append(FileInput.from_path(base / str(path), kind))
    return files


def record_from_dict(data: Mapping[str, Any], base: Path | None = None
                     ) -> tuple[TestimonyInput, list[FileInput]]:
    """The record and its files; paths are relative to ``base`` (the record file's folder)."""
    folder = base or Path.cwd()
    interview, witness = _section(data, "interview"), _section(data, "witness")
    consent = _section(data, "consent")
    statement = str(data.get("statement") or "")
    if data.get("statement_file"):
        path = folder / str(data["statement_file"])
        try:
            statement = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidTestimony("statement_file", f"cannot read {path}: {exc}") from None
    birth_year = witness.get("birth_year")
    try:
        year = None if birth_year in (None, "") else int(birth_year)
    except (TypeError, ValueError):
        raise InvalidTestimony("witness.birth_year", f"{birth_year!r} is not a year") from None
    record = TestimonyInput(
        interview_date=str(interview.get("date") or ""),
        interview_place=str(interview.get("place") or ""),
        interviewer=str(interview.get("interviewer") or ""),
        identity=Identity(name=str(witness.get("name") or ""), birth_year=year,
                          contacts=tuple(_strings(witness.get("contacts"), "contacts")),
                          relatives=_relatives(witness.get("relatives")),
                          aliases=tuple(_strings(witness.get("aliases"), "aliases"))),
        consent=Consent(check_scopes(_strings(consent.get("scopes"), "consent.scopes")),
                        str(consent.get("identity") or "anonymised"),
                        str(consent["date"]) if consent.get("date") else None),
        statement=statement,
        risk_level=str(data.get("risk_level") or "high"),
        language=str(data["language"]) if data.get("language") else None,
        private_persons=_strings(data.get("private_persons"), "private_persons"),
        locations=_locations(data.get("locations")),
        facilities=_strings(data.get("facilities"), "facilities"),
        violations=_strings(data.get("violations"), "violations"),
        periods=[str(p) for p in _strings(data.get("periods"), "periods")],
        witness_id=str(witness["id"]) if witness.get("id") else None,
    )
    return record, _files(data.get("files"), folder)
