"""Reading testimonies: one record, a filtered list, a text search, an attached file.

Each function takes the caller's ``user``, ``role`` and stated ``purpose``; each
read is written to the audit log (a refusal too, with its reason), and each output
that hid anything is written to the custody log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ..audit import record_access
from ..store.archive import Archive
from .consent import Access, check_role_and_purpose, decide
from .crypto import keyed_index
from .errors import ConsentRefused, InvalidTestimony
from .files import open_file
from .keys import Vault
from .model import PERIOD
from .records import consent_of, load_row
from .render import links_of, log_output, metadata_of, render
from .tables import testimonies


def access_for(row: Any, role: str, purpose: str) -> Access:
    return decide(row.id, consent_of(row), row.consent_withdrawn_at, role, purpose)


def _refuse(archive: Archive, testimony_id: str, *, user: str, role: str, purpose: str,
            reason: str, action: str = "read-refused") -> ConsentRefused:
    """Audit a refusal in its own transaction (it must survive the error) and build it."""
    with archive.writer() as conn:
        record_access(conn, user=user, action=action, object_type="testimony",
                      object_id=testimony_id, purpose=purpose,
                      details={"role": role, "reason": reason})
    return ConsentRefused(reason)


def view_testimony(archive: Archive, vault: Vault, testimony_id: str, *, user: str, role: str,
                   purpose: str) -> dict[str, Any]:
    """One testimony as ``role`` may see it for ``purpose``; refused with the reason why."""
    check_role_and_purpose(role, purpose)
    with archive.writer() as conn:
        row = load_row(conn, testimony_id)
        access = access_for(row, role, purpose)
        if access.allowed:
            rendered = render(conn, vault, row, access, role=role, purpose=purpose)
            record_access(conn, user=user, action="read", object_type="testimony",
                          object_id=row.id, purpose=purpose,
                          details={"role": role, "identity_shown": access.identity,
                                   "files_listed": len(rendered.record["files"])})
            log_output(conn, archive, rendered, user=user, role=role, purpose=purpose,
                       output="view")
            return rendered.record
    raise _refuse(archive, row.id, user=user, role=role, purpose=purpose, reason=access.reason)


def read_testimony_file(archive: Archive, vault: Vault, testimony_id: str, file_id: str, *,
                        user: str, role: str, purpose: str) -> tuple[dict[str, Any], bytes]:
    """Decrypt one attached file (audio, scan) for a cleared role; audited."""
    check_role_and_purpose(role, purpose)
    with archive.writer() as conn:
        row = load_row(conn, testimony_id)
        access = access_for(row, role, purpose)
        reason = access.reason or (f"the {role} role may not open audio or scanned files: "
                                   "they can identify the witness")
        if access.allowed and access.files:
            meta, data = open_file(conn, archive, vault, row.id, file_id)
            record_access(conn, user=user, action="read-file", object_type="testimony-file",
                          object_id=f"{row.id}/{meta['id'][:16]}", purpose=purpose,
                          details={"role": role, "bytes": len(data)})
            return meta, data
    raise _refuse(archive, row.id, user=user, role=role, purpose=purpose, reason=reason)


def _period_overlaps(period: str, wanted: str) -> bool:
    def bounds(value: str) -> tuple[int, int]:
        start, _, end = value.partition("-")
        return int(start), int(end or start)

    a, b = bounds(period)
    c, d = bounds(wanted)
    return a <= d and c <= b


def _check_period(period: str | None) -> None:
    match = PERIOD.match(period.strip()) if period else None
    if period and (match is None or (match.group(2) and match.group(2) < match.group(1))):
        raise InvalidTestimony("period", f"{period!r} is not a year or a range of years "
                               "such as 1995-2000")


def _candidates(conn: Connection, *, facility: str | None, violation: str | None,
                period: str | None, witness: str | None) -> list[Any]:
    rows = list(conn.execute(select(testimonies).order_by(testimonies.c.interview_date,
                                                          testimonies.c.id)))
    kept = []
    for row in rows:
        if witness and row.witness_id != witness:
            continue
        links = links_of(conn, row.id) if facility or violation or period else {}
        if facility and facility not in links["facility"]:
            continue
        if violation and violation not in links["violation"]:
            continue
        if period and not any(_period_overlaps(p, period.strip()) for p in links["period"]):
            continue
        kept.append(row)
    return kept


def list_testimonies(archive: Archive, *, user: str, role: str, purpose: str,
                     facility: str | None = None, violation: str | None = None,
                     period: str | None = None, witness: str | None = None) -> dict[str, Any]:
    """Metadata of the testimonies usable for ``purpose``, and the excluded ones with why.

    Needs no key: only unencrypted fields are listed.
    """
    check_role_and_purpose(role, purpose)
    _check_period(period)
    with archive.writer() as conn:
        shown: list[dict[str, Any]] = []
        excluded: list[dict[str, str]] = []
        for row in _candidates(conn, facility=facility, violation=violation, period=period,
                               witness=witness):
            access = access_for(row, role, purpose)
            if access.allowed:
                shown.append(metadata_of(conn, row))
            else:
                excluded.append({"id": row.id, "reason": access.reason})
        record_access(conn, user=user, action="list", object_type="testimonies",
                      object_id="*", purpose=purpose,
                      details={"role": role, "shown": len(shown), "excluded": len(excluded),
                               "filters": {"facility": facility, "violation": violation,
                                           "period": period, "witness": witness}})
    return {"testimonies": shown, "excluded": excluded}


def _snippet(text: str, terms: list[str], width: int = 90) -> str:
    folded = text.casefold()
    at = min((folded.find(t) for t in terms if t in folded), default=0)
    start, end = max(0, at - width), min(len(text), at + width)
    return ("…" if start else "") + text[start:end].strip() + ("…" if end < len(text) else "")


def search_testimonies(archive: Archive, vault: Vault, query: str, *, user: str, role: str,
                       purpose: str, facility: str | None = None,
                       violation: str | None = None, period: str | None = None,
                       limit: int = 50) -> dict[str, Any]:
    """Testimonies whose statement contains every word of ``query``.

    Matching runs on the text as the role would see it: a role without clearance
    cannot find a testimony by a witness's real name. The query is audited only as
    a keyed hash (it may itself be a name): someone holding the keys can check
    whether a given query was made; the database alone does not reveal it.
    """
    check_role_and_purpose(role, purpose)
    _check_period(period)
    terms = [t for t in query.casefold().split() if t]
    hits: list[dict[str, Any]] = []
    excluded: list[dict[str, str]] = []
    with archive.writer() as conn:
        for row in _candidates(conn, facility=facility, violation=violation, period=period,
                               witness=None):
            access = access_for(row, role, purpose)
            if not access.allowed:
                excluded.append({"id": row.id, "reason": access.reason})
                continue
            rendered = render(conn, vault, row, access, role=role, purpose=purpose)
            text = rendered.record["statement"]
            if all(t in text.casefold() for t in terms) and len(hits) < limit:
                log_output(conn, archive, rendered, user=user, role=role, purpose=purpose,
                           output="search")
                hits.append({**metadata_of(conn, row), "snippet": _snippet(text, terms)})
        record_access(conn, user=user, action="search", object_type="testimonies",
                      object_id="query:" + keyed_index(vault.data_key(conn, "persons"), query,
                                                       "audit-query")[:24],
                      purpose=purpose,
                      details={"role": role, "hits": [h["id"] for h in hits],
                               "excluded": len(excluded), "query_words": len(terms)})
    return {"hits": hits, "excluded": excluded}
