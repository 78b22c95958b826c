"""The YAML mapping file that tells the CSV importer what a partner's columns mean.

::

    source:                         # where the rows come from (kept with every record)
      id: example-ngo-incidents     # required: a short id, [a-z0-9-]
      title: Example NGO incident list
      url: https://example.org/incidents.csv
      retrieved: 2024-05-01
    kind: incident                  # facility | incident
    columns:                        # field: the CSV column it is read from
      id: Case No                   # required: the row's own id (re-import updates by it)
      facility: Facility
      violations: Violations
      date: Date
    values:                         # optional: a CSV value -> a knowledge-base id
      violations: {Beatings: torture}
    list_separator: ";"             # between several values in one cell
    delimiter: ","
    encoding: utf-8-sig
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ..exc import ConfigError
from .store import KINDS, ImportSource

FIELDS = {
    "facility": ("id", "name", "type", "number", "names", "province", "county", "lat", "lon",
                 "status", "as_of", "agency", "url", "notes"),
    "incident": ("id", "title", "facility", "violations", "date", "place", "description",
                 "url"),
}
REQUIRED = {"facility": ("id", "name", "type"), "incident": ("id",)}
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


@dataclass(frozen=True)
class Mapping:
    """A validated mapping file."""

    path: Path
    source: ImportSource
    kind: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    list_separator: str = ";"
    delimiter: str = ","
    encoding: str = "utf-8-sig"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; :class:`ConfigError` names the file and the fix."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the mapping file ({exc})") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a mapping file is a YAML mapping with source, kind and "
                          "columns")
    source = raw.get("source")
    if not isinstance(source, dict) or not SOURCE_ID.match(str(source.get("id") or "")):
        raise ConfigError(f"{path}: source.id is required, a short id of lower-case letters, "
                          "digits and dashes (e.g. example-ngo-incidents)")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{path}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
    columns = raw.get("columns")
    if not isinstance(columns, dict):
        raise ConfigError(f"{path}: columns must map field names to CSV column names")
    unknown = sorted(set(columns) - set(FIELDS[kind]))
    if unknown:
        raise ConfigError(f"{path}: unknown field(s) {', '.join(map(str, unknown))} for kind "
                          f"{kind}: the fields are {', '.join(FIELDS[kind])}")
    missing = [f for f in REQUIRED[kind] if not _text(columns.get(f))]
    if missing:
        raise ConfigError(f"{path}: columns must name the CSV column of {', '.join(missing)} "
                          f"(a {kind} needs {', '.join(REQUIRED[kind])})")
    values = raw.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise ConfigError(f"{path}: values must map a field to {{CSV value: id}} pairs")
    return Mapping(
        path=path,
        source=ImportSource(str(source["id"]), _text(source.get("title")) or str(source["id"]),
                            _text(source.get("url")), _text(source.get("retrieved"))),
        kind=str(kind),
        columns={str(k): str(v) for k, v in columns.items() if _text(v)},
        values={str(k): {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        list_separator=str(raw.get("list_separator") or ";"),
        delimiter=str(raw.get("delimiter") or ","),
        encoding=str(raw.get("encoding") or "utf-8-sig"),
    )
