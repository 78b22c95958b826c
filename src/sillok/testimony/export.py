"""Exports of testimonies for one purpose: JSON or CSV, consent-checked, pseudonymised.

An export leaves Sillok, so its rules are stricter than a view's: private persons
and relatives are always pseudonyms, contacts and files never leave, a witness is
named only under :func:`sillok.testimony.consent.may_name_in_export`, and an export
for publication coarsens sensitive places whatever the role.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..audit import record_access
from ..ids import sha256_bytes
from ..store.archive import Archive
from ..store.custody import utc_now
from .consent import RECORD_KEEPING, check_role_and_purpose
from .errors import ConsentRefused
from .keys import Vault
from .records import load_row
from .render import log_output, render
from .tables import testimonies
from .views import access_for

CSV_COLUMNS = ("id", "witness", "witness_name", "birth_year", "interview_date",
               "interview_place", "interviewer", "risk_level", "consent_scopes",
               "consent_identity", "facilities", "violations", "periods", "statement",
               "notices")


def _csv_row(record: dict[str, Any]) -> dict[str, str]:
    identity = record.get("identity") or {}
    return {
        "id": record["id"], "witness": record["witness"],
        "witness_name": identity.get("name") or "",
        "birth_year": str(identity.get("birth_year") or ""),
        "interview_date": record["interview"]["date"],
        "interview_place": record["interview"]["place"],
        "interviewer": record["interview"]["interviewer"],
        "risk_level": record["risk_level"],
        "consent_scopes": ";".join(record["consent"]["scopes"]),
        "consent_identity": record["consent"]["identity"],
        "facilities": ";".join(f["id"] for f in record["facilities"]),
        "violations": ";".join(v["id"] for v in record["violations"]),
        "periods": ";".join(record["periods"]),
        "statement": record["statement"],
        "notices": " | ".join(record["notices"]),
    }


def export_testimonies(archive: Archive, vault: Vault, out: str | os.PathLike[str], *,
                       user: str, role: str, purpose: str, ids: Sequence[str] | None = None,
                       include_identities: bool = False, fmt: str = "json") -> dict[str, Any]:
    """Write the testimonies usable for ``purpose`` to ``out``; return what was left out.

    ``include_identities`` asks for witnesses' names where consent allows naming;
    every other identity stays a pseudonym. Exact execution and burial sites and private
    homes are exported only for a cleared ``role`` (investigator, admin) and never for
    publication. The result lists the testimonies ``excluded`` (with the reason) and,
    under ``withheld``, each kind of information withheld with the testimonies concerned.
    """
    check_role_and_purpose(role, purpose)
    if purpose == RECORD_KEEPING:
        raise ConsentRefused("record-keeping is not a reason to export: state the purpose "
                             "the export serves (for example un-sharing)")
    if fmt not in ("json", "csv"):
        raise ConsentRefused(f"export format must be json or csv, not {fmt!r}")
    target = Path(out)
    if target.resolve().is_relative_to(archive.root.resolve()):
        raise ConsentRefused(f"{target} is inside the archive folder: an export is not "
                             "encrypted, write it somewhere else")
    records: list[dict[str, Any]] = []
    excluded: list[dict[str, str]] = []
    withheld: dict[str, list[str]] = {}
    with archive.writer() as conn:
        rows: list[Any]
        if ids:
            rows = [load_row(conn, ref) for ref in ids]
        else:
            rows = list(conn.execute(select(testimonies).order_by(
                testimonies.c.interview_date, testimonies.c.id)))
        for row in rows:
            access = access_for(row, role, purpose)
            if not access.allowed:
                excluded.append({"id": row.id, "reason": access.reason})
                continue
            rendered = render(conn, vault, row, access, role=role, purpose=purpose,
                              export=True, include_identities=include_identities)
            log_output(conn, archive, rendered, user=user, role=role, purpose=purpose,
                       output=f"export:{target.name}")
            record_access(conn, user=user, action="export", object_type="testimony",
                          object_id=row.id, purpose=purpose,
                          details={"role": role, "file": target.name,
                                   "named": rendered.record["identity"] is not None})
            records.append(rendered.record)
            for notice in rendered.withheld:
                withheld.setdefault(notice, []).append(row.id)
        data = _serialise(records, fmt=fmt, user=user, role=role, purpose=purpose)
        digest = sha256_bytes(data)
        archive.log_event(conn, "export", "testimonies", target.name, digest, {
            "purpose": purpose, "user": user, "role": role, "format": fmt,
            "testimonies": [r["id"] for r in records], "excluded": len(excluded),
            "named": [r["id"] for r in records if r["identity"] is not None]})
    # Written only once the audit and custody entries are committed.
    tmp = target.with_name(target.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, target)
    return {"path": str(target), "sha256": digest, "exported": [r["id"] for r in records],
            "named": [r["id"] for r in records if r["identity"] is not None],
            "excluded": excluded,
            "withheld": [{"notice": notice, "testimonies": tids}
                         for notice, tids in withheld.items()]}


def _serialise(records: list[dict[str, Any]], *, fmt: str, user: str, role: str,
               purpose: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for record in records:
            writer.writerow(_csv_row(record))
        return buffer.getvalue().encode("utf-8")
    document = {
        "exported_at": utc_now(), "exported_by": user, "role": role, "purpose": purpose,
        "notice": "Witness testimonies, exported within each witness's informed consent for "
                  f"{purpose}. Pseudonyms (W-, P-) replace names; do not try to re-identify.",
        "testimonies": records,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
