"""A partner's CSV of facilities or incidents, read through a YAML mapping.

Each row is checked against the knowledge base: a facility's type must be a known
type, coordinates numbers in range, an incident's violations known categories and
its date a date. Every cell is checked, so a row with several problems reports them
all, each with its row and line number and column; if any row fails the file is not
imported. A facility row is linked to the knowledge-base facility it
describes (by type and number, or a name); an incident to the facility it names,
where exactly one matches (otherwise it is kept unlinked with the name as given).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from collections.abc import Mapping as Mapping_
from pathlib import Path
from typing import Any, TypeVar

from ..exc import ConfigError
from ..kb import KnowledgeBase, load_kb, normalize_name
from .mapping import Mapping
from .reference import link_facility
from .store import ImportedRecord, RowProblem

T = TypeVar("T")
STATUSES = ("operating", "closed", "unknown")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class RowError(Exception):
    """One bad value in a row (collected into a RowProblem)."""


def _mapped(mapping: Mapping, field: str, value: str) -> str:
    return mapping.values.get(field, {}).get(value, value)


def _number(value: str | None, field: str, low: float, high: float) -> float | None:
    if value is None:
        return None
    try:
        number = float(value.replace(",", "") if field == "number" else value)
    except ValueError:
        raise RowError(f"{field} {value!r} is not a number") from None
    if not low <= number <= high:
        raise RowError(f"{field} {value} is out of range ({low:g} to {high:g})")
    return number


def _resolve(entries: Mapping_[str, Any], names: Callable[[Any], Iterable[str | None]],
             mapping: Mapping, field: str, what: str, raw: str) -> str:
    """The knowledge-base id for ``raw``: mapped through values.FIELD, then matched by id
    or by any of the entry's names."""
    value = _mapped(mapping, field, raw)
    if value in entries:
        return value
    key = normalize_name(value)
    for entry_id, entry in entries.items():
        if key in {normalize_name(n) for n in names(entry) if n}:
            return str(entry_id)
    raise RowError(f"unknown {what} {raw!r}: map it to one of {', '.join(entries)} "
                   f"under values.{field} in {mapping.path.name}")


def _facility_type(kb: KnowledgeBase, mapping: Mapping, raw: str) -> str:
    return _resolve(kb.facility_types, lambda k: [k.label, k.label_ko, *k.names],
                    mapping, "type", "facility type", raw)


def _violation(kb: KnowledgeBase, mapping: Mapping, raw: str) -> str:
    return _resolve(kb.violations, lambda c: [c.label, c.label_ko],
                    mapping, "violations", "violation", raw)


def _agency(kb: KnowledgeBase, mapping: Mapping, raw: str) -> str:
    return _resolve(kb.agencies, lambda a: [a.name, a.name_ko, *a.aliases],
                    mapping, "agency", "agency", raw)


class _Checks:
    """The problems of one row, each with the column it is in; a failing check is
    recorded and the row read on, so that one bad value never hides another."""

    def __init__(self, mapping: Mapping) -> None:
        self.mapping = mapping
        self.found: list[tuple[str | None, str]] = []

    def add(self, field: str | None, reason: str) -> None:
        self.found.append((self.mapping.columns.get(field) if field else None, reason))

    def run(self, field: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except RowError as exc:
            self.add(field, str(exc))
            return None


def _facility_row(kb: KnowledgeBase, mapping: Mapping, get: Any, listed: Any,
                  checks: _Checks) -> tuple[str, dict[str, Any], str | None]:
    raw_type = get("type")
    kind = checks.run("type", lambda: _facility_type(kb, mapping, raw_type)) \
        if raw_type is not None else None
    number = checks.run("number", lambda: _number(get("number"), "number", 0, 10**6))
    lat = checks.run("lat", lambda: _number(get("lat"), "lat", -90, 90))
    lon = checks.run("lon", lambda: _number(get("lon"), "lon", -180, 180))
    if (get("lat") is None) != (get("lon") is None):
        checks.add("lat" if get("lat") is None else "lon", "give both lat and lon, or neither")
    status = get("status")
    if status is not None:
        status = _mapped(mapping, "status", status)
        if status not in STATUSES:
            checks.add("status", f"status {get('status')!r} is not one of "
                       f"{', '.join(STATUSES)}: map it under values.status in "
                       f"{mapping.path.name}")
    as_of = get("as_of")
    if as_of is not None and not DATE.match(as_of):
        checks.add("as_of", f"as_of {as_of!r} is not a date (2019, 2019-06 or 2019-06-30)")
    agency = get("agency")
    agency_id = checks.run("agency", lambda: _agency(kb, mapping, agency)) if agency else None
    name = get("name")
    facts = {"type": kind, "number": int(number) if number is not None else None,
             "names": listed("names"), "province": get("province"), "county": get("county"),
             "lat": lat, "lon": lon, "status": status, "as_of": as_of,
             "agency": agency_id, "notes": get("notes")}
    linked = None if checks.found or kind is None else link_facility(
        kb, type_=kind, number=facts["number"], names=[name, *facts["names"]])
    return name, facts, linked


def _incident_row(kb: KnowledgeBase, mapping: Mapping, get: Any, listed: Any,
                  checks: _Checks) -> tuple[str, dict[str, Any], str | None]:
    violations: list[str] = []
    for raw in listed("violations"):
        try:
            violations.append(_violation(kb, mapping, raw))
        except RowError as exc:
            checks.add("violations", str(exc))
    when = get("date")
    if when is not None and not DATE.match(when):
        checks.add("date", f"date {when!r} is not a date (2019, 2019-06 or 2019-06-30)")
    named = get("facility")
    linked = None
    if named is not None:
        linked = link_facility(kb, names=[_mapped(mapping, "facility", named)])
    facts = {"facility": named, "violations": violations, "date": when,
             "place": get("place"), "description": get("description")}
    title = get("title") or ", ".join(violations) or "incident"
    return title, facts, linked


def csv_records(path: Path, mapping: Mapping
                ) -> tuple[list[ImportedRecord], list[RowProblem]]:
    """Every row of ``path`` as a record, and the problems of the rows that failed."""
    kb = load_kb()
    try:
        handle = path.open(encoding=mapping.encoding, newline="")
    except (OSError, LookupError) as exc:
        raise ConfigError(f"{path}: cannot open the CSV file ({exc})") from None
    found: list[ImportedRecord] = []
    problems: list[RowProblem] = []
    with handle:
        try:
            reader = csv.DictReader(handle, delimiter=mapping.delimiter)
            header = reader.fieldnames or []
            absent = [f"{f} -> {c!r}" for f, c in mapping.columns.items() if c not in header]
            if absent:
                raise ConfigError(
                    f"{path}: the mapping {mapping.path.name} names columns the file does not "
                    f"have ({'; '.join(absent)}); its columns are {', '.join(header)}")
            for number, row in enumerate(reader, 1):
                where = f"row {number} (line {reader.line_num})"
                record = _row(kb, mapping, row, where, problems, path)
                if record is not None:
                    found.append(record)
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path} is not {mapping.encoding} text ({exc.reason} at byte "
                              f"{exc.start}): set encoding in {mapping.path.name}") from None
        except csv.Error as exc:
            raise ConfigError(f"{path} is not valid CSV: {exc}") from None
    return found, problems


def _row(kb: KnowledgeBase, mapping: Mapping, row: dict[str, Any], where: str,
         problems: list[RowProblem], path: Path) -> ImportedRecord | None:
    def get(field: str) -> str | None:
        column = mapping.columns.get(field)
        value = row.get(column) if column else None
        text = value.strip() if isinstance(value, str) else None
        return text or None

    def listed(field: str) -> list[str]:
        value = get(field)
        return [v.strip() for v in (value or "").split(mapping.list_separator) if v.strip()]

    checks = _Checks(mapping)
    extra: Any = row.get(None)  # type: ignore[call-overload]
    if extra:
        checks.add(None, f"{len(extra)} more cell(s) than the header has columns")
    external = get("id")
    if external is None:
        checks.add("id", f"the id column {mapping.columns['id']!r} is empty")
    if mapping.kind == "facility":
        for field in ("name", "type"):
            if get(field) is None:
                checks.add(field, f"the {field} column {mapping.columns[field]!r} is empty")
        name, facts, linked = _facility_row(kb, mapping, get, listed, checks)
    else:
        name, facts, linked = _incident_row(kb, mapping, get, listed, checks)
    if checks.found or external is None:
        problems.extend(RowProblem(path.name, where, reason, column)
                        for column, reason in checks.found)
        return None
    facts["row"] = {column: value for column, value in row.items() if column}
    return ImportedRecord(kind=mapping.kind, external_id=external[:200], name=name,
                          facts=facts, where=f"{where} (id {external})",
                          facility_id=linked, record_url=get("url"))
