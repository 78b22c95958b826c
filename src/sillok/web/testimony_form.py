"""The intake form's fields, turned into the record shape that
:func:`sillok.testimony.record_from_dict` reads (the same shape as the YAML record
file of ``sillok testimony add``), so the web and the command line share one intake.

Lists are typed one item per line; a relative is ``name | relation | whereabouts``
and a location ``kind | province | county | lat | lon | detail``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from starlette.datastructures import FormData, UploadFile

from ..testimony import FileInput, InvalidTestimony
from .uploads import safe_name

TEXT_FIELDS = ("interview_date", "interview_place", "interviewer", "witness_id",
               "witness_name", "witness_aliases", "birth_year", "contacts", "relatives",
               "identity_consent", "consent_date", "risk_level", "language", "statement",
               "private_persons", "locations", "facilities", "periods", "file_kind")
LIST_FIELDS = ("scopes", "violations")
# Paths in a record would make the server read its own files: never from the web.
SERVER_PATHS = ("files", "statement_file")


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _parts(line: str, count: int) -> list[str]:
    parts = [part.strip() for part in line.split("|")]
    return (parts + [""] * count)[:count]


def _number(value: str, line: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidTestimony("locations", f"{value!r} in {line!r} is not a decimal degree "
                               "(write 39.84, not 39°50')") from None


def form_values(form: FormData) -> dict[str, Any]:
    """The submitted text, to fill the form in again when it has to be corrected."""
    values: dict[str, Any] = {name: str(form.get(name) or "") for name in TEXT_FIELDS}
    for name in LIST_FIELDS:
        values[name] = [str(v) for v in form.getlist(name) if isinstance(v, str)]
    return values


def record_data(values: dict[str, Any]) -> dict[str, Any]:
    """The record mapping for :func:`~sillok.testimony.record_from_dict`."""
    relatives = [dict(zip(("name", "relation", "whereabouts"), _parts(line, 3), strict=True))
                 for line in _lines(values["relatives"])]
    locations = []
    for line in _lines(values["locations"]):
        kind, province, county, lat, lon, detail = _parts(line, 6)
        locations.append({"kind": kind, "province": province, "county": county,
                          "lat": _number(lat, line), "lon": _number(lon, line),
                          "detail": detail})
    return {
        "interview": {"date": values["interview_date"], "place": values["interview_place"],
                      "interviewer": values["interviewer"]},
        "witness": {"id": values["witness_id"].strip() or None,
                    "name": values["witness_name"], "aliases": _lines(values["witness_aliases"]),
                    "birth_year": values["birth_year"].strip() or None,
                    "contacts": _lines(values["contacts"]), "relatives": relatives},
        "consent": {"scopes": values["scopes"], "identity": values["identity_consent"] or None,
                    "date": values["consent_date"].strip() or None},
        "risk_level": values["risk_level"] or None,
        "language": values["language"].strip() or None,
        "statement": values["statement"],
        "private_persons": _lines(values["private_persons"]),
        "locations": locations,
        "facilities": _lines(values["facilities"]),
        "violations": values["violations"],
        "periods": [p for p in re.split(r"[\s,;]+", values["periods"]) if p],
    }


def api_record(text: str) -> dict[str, Any]:
    """The ``record`` field of ``POST /api/testimonies``: the record file's shape, as JSON."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidTestimony("record", f"is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidTestimony("record", "must be a JSON object (the record file's shape)")
    for key in SERVER_PATHS:
        if data.get(key):
            raise InvalidTestimony(key, "paths on the server are not accepted: send the "
                                   "statement as text and the files as multipart `files`")
    return data


def uploaded_files(uploads: Iterable[Any], kind: str | None, max_size: int
                   ) -> list[FileInput]:
    """Uploaded audio, scans and documents (empty file inputs skipped), size-checked."""
    files: list[FileInput] = []
    taken: set[str] = set()
    for upload in uploads:
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        data = upload.file.read(max_size + 1)
        if len(data) > max_size:
            raise InvalidTestimony("files", f"{upload.filename} is larger than the archive's "
                                   f"limit of {max_size // 1048576} MiB per file")
        files.append(FileInput.from_bytes(data, safe_name(upload.filename, taken),
                                          kind or None))
    return files
