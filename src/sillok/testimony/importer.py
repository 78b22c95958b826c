"""Import of interview records from CSV or Excel, driven by a YAML mapping file.

The mapping names, for each Sillok field, the column that holds it, and how to
read values (date format, list separator, value translations, defaults)::

    columns:
      interview_date: Date of interview
      interview_place: Place
      interviewer: Interviewer
      witness_name: Name
      consent: Consent                # "UN; internal" → values below
      statement: Summary              # or statement_file: a column of file paths
    date_format: "%d/%m/%Y"
    list_separator: ";"
    values:
      consent: {UN: un-sharing, internal: internal-analysis}
    defaults:
      risk_level: high

Every field of every row is read and checked before anything is stored, each
independently, so one bad value never hides another. Every problem — an unknown
column, a bad date, an unknown facility, a missing file — is reported with the row
number as a spreadsheet shows it, the column and the reason, and nothing is
imported. Otherwise all rows are stored in one transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..ids import sha256_bytes
from ..store.archive import Archive
from .errors import ImportFailed, InvalidTestimony, RowError
from .files import FileInput
from .keys import Vault
from .model import (
    ANONYMISED,
    NAMED,
    PERIOD,
    RISK_LEVELS,
    Consent,
    Identity,
    Relative,
    TestimonyInput,
    check_scopes,
    parse_date,
    validate,
)
from .records import AddResult, discard, insert_testimony, resolve_facility, resolve_violation

FIELDS = ("interview_date", "interview_place", "interviewer", "witness_name", "witness_aliases",
          "birth_year", "contacts", "relatives", "consent", "identity_consent", "consent_date",
          "risk_level", "statement", "statement_file", "files", "facilities", "violations",
          "periods", "private_persons", "witness_id", "language")
LIST_FIELDS = frozenset({"witness_aliases", "contacts", "relatives", "consent", "files",
                         "facilities", "violations", "periods", "private_persons"})
REQUIRED = ("interview_date", "interview_place", "interviewer", "witness_name", "consent")
_RELATIVE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<rest>[^)]*)\))?$")


@dataclass
class Mapping:
    columns: dict[str, str]
    date_format: str | None = None
    list_separator: str = ";"
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None


def load_mapping(path: str | Path) -> Mapping:
    """Read and check a mapping file; errors name the file and the key."""
    source = Path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidTestimony("mapping", f"cannot read {source}: {exc}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise InvalidTestimony("mapping", f"{source} needs a `columns:` section mapping "
                               "Sillok fields to column headings")
    unknown = sorted((set(raw["columns"]) | set(raw.get("defaults") or {})) - set(FIELDS))
    if unknown:
        raise InvalidTestimony("mapping", f"{source}: unknown field {unknown[0]!r}; fields are "
                               f"{', '.join(FIELDS)}")
    defaults = dict(raw.get("defaults") or {})
    missing = [f for f in REQUIRED if f not in raw["columns"] and f not in defaults]
    if "statement" not in raw["columns"] and "statement_file" not in raw["columns"]:
        missing.append("statement (or statement_file)")
    if missing:
        raise InvalidTestimony("mapping", f"{source} maps no column to {', '.join(missing)}")
    return Mapping(columns={k: str(v) for k, v in raw["columns"].items()},
                   date_format=raw.get("date_format"),
                   list_separator=str(raw.get("list_separator") or ";"),
                   values={k: _value_table(v) for k, v in (raw.get("values") or {}).items()},
                   defaults=defaults, sheet=raw.get("sheet"))


def _value_table(table: dict[Any, Any]) -> dict[str, str]:
    """Cell value (case-folded) → Sillok value. YAML reads unquoted yes/no/on/off as
    booleans; they are turned back into every spelling a spreadsheet may hold."""
    out: dict[str, str] = {}
    for key, value in table.items():
        spellings = (("yes", "true", "on", "y") if key else ("no", "false", "off", "n")) \
            if isinstance(key, bool) else (str(key),)
        for spelling in spellings:
            out[spelling.casefold()] = str(value)
    return out


def _read_csv(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp949"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidTestimony("file", f"{path.name} is neither UTF-8 nor Korean (CP949) "
                               "text: save it as CSV UTF-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for number, row in enumerate(reader, start=2):
        yield number, dict(row)


def _read_excel(path: Path, sheet: str | None) -> Iterator[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise InvalidTestimony("file", f"{path.name} is not a readable Excel file: {exc}"
                               ) from None
    if sheet is not None and sheet not in book.sheetnames:
        raise InvalidTestimony("sheet", f"{path.name} has no sheet {sheet!r} (it has "
                               f"{', '.join(book.sheetnames)})")
    rows = (book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True)
    header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
    for number, values in enumerate(rows, start=2):
        yield number, dict(zip(header, values, strict=False))
    book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Row:
    """Reads mapped fields of one row, collecting errors instead of stopping."""

    def __init__(self, number: int, raw: dict[str, Any], mapping: Mapping) -> None:
        self.number, self.raw, self.mapping = number, raw, mapping
        self.errors: list[RowError] = []

    def column(self, name: str) -> str:
        return self.mapping.columns.get(name, f"(default {name})")

    def error(self, name: str, reason: str) -> None:
        self.errors.append(RowError(self.number, self.column(name), reason))

    def get(self, name: str) -> str:
        if name in self.mapping.columns:
            value = _text(self.raw.get(self.mapping.columns[name]))
            if value:
                return self._translate(name, value)
        return _text(self.mapping.defaults.get(name))

    def _translate(self, name: str, value: str) -> str:
        table = self.mapping.values.get(name)
        return table.get(value.casefold(), value) if table else value

    def items(self, name: str) -> list[str]:
        if name in self.mapping.columns:
            value = _text(self.raw.get(self.mapping.columns[name]))
            parts = [p.strip() for p in value.split(self.mapping.list_separator) if p.strip()]
            if parts:
                return [self._translate(name, p) for p in parts]
        default = self.mapping.defaults.get(name)
        return [str(d) for d in default] if isinstance(default, list) else \
            ([str(default)] if default else [])

    def date(self, name: str) -> str:
        value = self.get(name)
        if value and self.mapping.date_format and not re.match(r"^\d{4}-\d\d-\d\d$", value):
            try:
                return dt.datetime.strptime(value, self.mapping.date_format).date().isoformat()
            except ValueError:
                self.error(name, f"{value!r} does not match the date format "
                           f"{self.mapping.date_format!r}")
                return ""
        return value


def _relative(entry: str) -> Relative:
    match = _RELATIVE.match(entry)
    name, rest = (match["name"], match["rest"] or "") if match else (entry, "")
    relation, _, whereabouts = rest.partition(",")
    return Relative(name.strip(), relation.strip(), whereabouts.strip())


def _build(row: _Row, base: Path) -> tuple[TestimonyInput, list[FileInput]] | None:
    for name in REQUIRED:
        if not row.get(name) and not row.items(name):
            row.error(name, "is empty")
    year_text = row.get("birth_year")
    birth_year: int | None = None
    if year_text:
        try:
            birth_year = int(year_text)
        except ValueError:
            row.error("birth_year", f"{year_text!r} is not a year")
    statement = row.get("statement")
    files: list[FileInput] = []
    statement_file = row.get("statement_file")
    if statement_file:
        try:
            statement = (base / statement_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            row.error("statement_file", f"cannot read {statement_file}: {exc}")
    elif not statement:
        row.error("statement", "is empty")
    for name in row.items("files"):
        try:
            files.append(FileInput.from_path(base / name))
        except InvalidTestimony as exc:
            row.error("files", exc.reason)
    try:
        scopes = check_scopes(row.items("consent"))
    except InvalidTestimony as exc:
        row.error("consent", exc.reason)
        scopes = frozenset()
    record = TestimonyInput(
        interview_date=row.date("interview_date"), interview_place=row.get("interview_place"),
        interviewer=row.get("interviewer"),
        identity=Identity(name=row.get("witness_name"), birth_year=birth_year,
                          contacts=tuple(row.items("contacts")),
                          relatives=tuple(_relative(r) for r in row.items("relatives")),
                          aliases=tuple(row.items("witness_aliases"))),
        consent=Consent(scopes, row.get("identity_consent") or "anonymised",
                        row.date("consent_date") or None),
        statement=statement, risk_level=row.get("risk_level") or "high",
        language=row.get("language") or None, private_persons=row.items("private_persons"),
        facilities=row.items("facilities"), violations=row.items("violations"),
        periods=row.items("periods"), witness_id=row.get("witness_id") or None)
    _check(row, record)
    if row.errors:
        return None
    try:
        validate(record)  # the model's own rules, in case one is not checked above
    except InvalidTestimony as exc:
        row.error(exc.field, exc.reason)
        return None
    return record, files


def _check(row: _Row, record: TestimonyInput) -> None:
    """Check every field of a built record independently, so that one bad value never
    hides another; every problem goes into ``row.errors``. Facility and violation names
    are resolved to knowledge-base ids in place."""

    def attempt(name: str, check: Callable[[], object]) -> None:
        if any(e.column == row.column(name) for e in row.errors):
            return  # already reported for this column (e.g. a date in the wrong format)
        try:
            check()
        except InvalidTestimony as exc:
            row.error(name, exc.reason)

    if record.interview_date:
        attempt("interview_date", lambda: parse_date(record.interview_date))
    if record.consent.recorded_on:
        attempt("consent_date", lambda: parse_date(str(record.consent.recorded_on),
                                                   "consent_date"))
    year = record.identity.birth_year
    if year is not None and not 1900 <= year <= dt.date.today().year:
        row.error("birth_year", f"{year} is not a plausible year of birth")
    if record.risk_level not in RISK_LEVELS:
        row.error("risk_level", f"{record.risk_level!r} is not one of {', '.join(RISK_LEVELS)}")
    if record.consent.identity not in (ANONYMISED, NAMED):
        row.error("identity_consent", f"{record.consent.identity!r} is neither {ANONYMISED} "
                  f"nor {NAMED}")
    for period in record.periods:
        match = PERIOD.match(period.strip())
        if not match or (match.group(2) and match.group(2) < match.group(1)):
            row.error("periods", f"{period!r} is not a year or a range of years such as "
                      "1997-2003")
    for kind, resolve in (("facilities", resolve_facility), ("violations", resolve_violation)):
        resolved: list[str] = []
        for value in getattr(record, kind):
            try:
                resolved.append(resolve(value))
            except InvalidTestimony as exc:
                row.error(kind, exc.reason)
        setattr(record, kind, resolved)


def import_testimonies(archive: Archive, vault: Vault, path: str | Path,
                       mapping_path: str | Path, *, user: str) -> list[tuple[int, AddResult]]:
    """Import every row of a CSV or Excel file, or none; returns (row number, result)."""
    source = Path(path)
    mapping = load_mapping(mapping_path)
    if not source.is_file():
        raise InvalidTestimony("file", f"no file at {source}")
    excel = source.suffix.lower() in (".xlsx", ".xlsm")
    rows = list(_read_excel(source, mapping.sheet) if excel else _read_csv(source))
    errors: list[RowError] = []
    headings = set(rows[0][1]) if rows else set()
    for name, heading in mapping.columns.items():
        if rows and heading not in headings:
            errors.append(RowError(1, heading, f"no such column (mapped to {name})"))
    if errors:
        raise ImportFailed(source.name, errors)
    built: list[tuple[int, TestimonyInput, list[FileInput]]] = []
    for number, raw in rows:
        if not any(_text(v) for v in raw.values()):
            continue  # blank line
        row = _Row(number, raw, mapping)
        result = _build(row, source.parent)
        errors.extend(row.errors)
        if result is not None:
            built.append((number, *result))
    if errors:
        raise ImportFailed(source.name, errors)
    if not built:
        raise ImportFailed(source.name, [RowError(2, "*", "the file has no data rows")])
    return _store(archive, vault, source, built, user=user)


def _store(archive: Archive, vault: Vault, source: Path,
           built: list[tuple[int, TestimonyInput, list[FileInput]]], *, user: str
           ) -> list[tuple[int, AddResult]]:
    written: list[Path] = []
    results: list[tuple[int, AddResult]] = []
    try:
        with archive.writer() as conn:
            for number, record, files in built:
                try:
                    result = insert_testimony(conn, archive, vault, record, user=user,
                                              source=f"import:{source.name}#row{number}",
                                              files=files, written=written)
                except InvalidTestimony as exc:
                    raise ImportFailed(source.name, [RowError(number, exc.field, exc.reason)]
                                       ) from None
                results.append((number, result))
            archive.log_event(conn, "testimony-import", "import", source.name,
                              sha256_bytes(source.read_bytes()),
                              {"rows": len(results), "user": user,
                               "testimonies": [r.testimony_id for _, r in results]})
    except BaseException:
        discard(written)
        raise
    return results
