"""Testimonies in the workspace: unlock the keys, take a testimony in, list and read.

Reading goes through :mod:`sillok.testimony` exactly as the command line does, with
the signed-in user's name and role and the purpose they state: consent, clearance,
pseudonyms, redaction and county-level locations are applied there, and every read
(and refusal) is written to the audit log there. Protected material needs the
testimony keys, unlocked for this session only (:mod:`.vaults`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from .. import testimony as t
from ..kb import load_kb
from ..testimony.consent import check_role_and_purpose
from ..testimony.locations import LOCATION_KINDS
from ..testimony.model import FILE_KINDS, SCOPE_LABELS
from ..testimony.records import resolve_facility
from .auditing import record
from .auth import Principal, Reader, Writer, acting_archive
from .render import render, twin
from .routes_auth import _safe_next
from .state import archive_of, web_state
from .testimony_form import api_record, form_values, record_data, uploaded_files

router = APIRouter(tags=["testimonies"])
FormText = Annotated[str, Form()]
KEYS = "testimony-keys"


class KeysLocked(Exception):
    """The session holds no unlocked testimony keys: pages go to the unlock form,
    the API answers 423."""


def purposes_for(role: str) -> list[str]:
    """The purposes ``role`` may state (viewers: publication only; record-keeping: cleared)."""
    allowed = []
    for purpose in t.PURPOSES:
        try:
            check_role_and_purpose(role, purpose)
        except t.ConsentRefused:
            continue
        allowed.append(purpose)
    return allowed


def keys_status(request: Request, who: Principal) -> dict[str, Any]:
    return web_state(request).vaults.status(who.token)


def _vault(request: Request, who: Principal) -> t.Vault:
    vault = web_state(request).vaults.get(who.token, who.username)
    if vault is None:
        raise KeysLocked()
    return vault


@contextmanager
def _answers(request: Request, who: Principal) -> Iterator[None]:
    """Testimony errors as HTTP answers (refusals were audited by the library)."""
    try:
        yield
    except t.ConsentRefused as exc:
        raise HTTPException(403, str(exc)) from None
    except t.TestimonyNotFound as exc:
        raise HTTPException(404, str(exc)) from None
    except t.VaultError as exc:  # rotated keys, a damaged ciphertext: unlock afresh
        web_state(request).vaults.drop(who.token)
        raise HTTPException(400, f"{exc}; the keys were locked: unlock them again") from None
    except t.TestimonyError as exc:
        raise HTTPException(400, str(exc)) from None


def _need_purpose(purpose: str | None, who: Principal) -> str:
    if not purpose:
        raise HTTPException(400, "state a purpose: one of "
                                 f"{', '.join(purposes_for(who.role))}")
    return purpose


# -- keys -------------------------------------------------------------------------------------

def _credential(secret: str) -> t.Credential:
    """A passphrase, or the text of a key file or recovery key pasted in."""
    if secret.strip().upper().startswith("SILLOK"):
        return t.Credential("key-file", t.parse_key_text(secret, "the pasted key"),
                            "pasted key")
    return t.Credential.passphrase(secret)


def _unlock(request: Request, who: Principal, secret: str) -> dict[str, Any]:
    store = web_state(request).vaults
    wait = store.retry_after(who.username)
    if wait:
        record(request, who, "unlock-keys-throttled", KEYS, KEYS)
        raise HTTPException(429, f"too many wrong passphrases: try again in "
                                 f"{wait // 60 + 1} minutes", headers={"Retry-After": str(wait)})
    try:
        credential = _credential(secret)
        vault = t.unlock(archive_of(request), credential)
    except t.VaultError as exc:
        store.failure(who.username)
        record(request, who, "unlock-keys-failed", KEYS, KEYS)
        raise HTTPException(400, str(exc)) from None
    store.put(who.token, who.username, vault)
    record(request, who, "unlock-keys", KEYS, KEYS, details={"credential": credential.kind})
    return store.status(who.token)


@twin(router, "/testimonies/unlock", template="testimony_unlock.html",
      summary="Whether the testimony keys are unlocked")
def unlock_page(request: Request, who: Reader, next: str | None = None) -> dict[str, Any]:
    """Whether this session holds unlocked testimony keys, and until when."""
    return {**keys_status(request, who), "next": _safe_next(next or "/testimonies"),
            "error": None}


class Unlock(BaseModel):
    passphrase: str


@router.post("/testimonies/unlock", include_in_schema=False)
def unlock_form(request: Request, who: Reader, passphrase: FormText = "",
                next: FormText = "/testimonies") -> Response:
    try:
        _unlock(request, who, passphrase)
    except HTTPException as exc:
        data = unlock_page(request, who, next)
        data["error"] = str(exc.detail)
        response = render(request, "testimony_unlock.html", data, status=exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/api/testimonies/unlock", summary="Unlock the testimony keys")
def api_unlock(request: Request, who: Reader, body: Unlock) -> dict[str, Any]:
    """``{"passphrase"}`` (or a key file's text): opens the testimony keys for this
    session only, kept in server memory until idle or expired; never stored."""
    return _unlock(request, who, body.passphrase)


def _lock(request: Request, who: Principal) -> dict[str, Any]:
    was = web_state(request).vaults.drop(who.token)
    if was:
        record(request, who, "lock-keys", KEYS, KEYS)
    return {"unlocked": False, "was_unlocked": was}


@router.post("/testimonies/lock", include_in_schema=False)
def lock_form(request: Request, who: Reader) -> Response:
    _lock(request, who)
    return RedirectResponse("/testimonies", status_code=303)


@router.post("/api/testimonies/lock", summary="Lock the testimony keys")
def api_lock(request: Request, who: Reader) -> dict[str, Any]:
    """Forget this session's unlocked testimony keys now."""
    return _lock(request, who)


# -- intake -----------------------------------------------------------------------------------

def _form_data(request: Request, who: Principal) -> dict[str, Any]:
    kb = load_kb()
    return {
        "keys": keys_status(request, who),
        "scopes": [{"id": s, "label": SCOPE_LABELS[s]} for s in t.SCOPES],
        "identity_choices": [t.ANONYMISED, t.NAMED], "risk_levels": list(t.RISK_LEVELS),
        "file_kinds": list(FILE_KINDS), "location_kinds": list(LOCATION_KINDS),
        "violations": [{"id": v.id, "label": v.label}
                       for v in sorted(kb.violations.values(), key=lambda v: v.label)],
        "max_file_size": archive_of(request).settings.max_file_size,
        "values": {}, "error": None, "error_field": None, "result": None,
    }


@twin(router, "/testimonies/new", template="testimony_new.html",
      summary="The testimony intake form")
def intake_page(request: Request, who: Writer) -> dict[str, Any]:
    """What the intake form offers: consent scopes, risk levels, file and location kinds,
    violation categories, the per-file size limit, and whether the keys are unlocked."""
    return _form_data(request, who)


def _store(request: Request, who: Principal, data: dict[str, Any],
           files: list[t.FileInput]) -> dict[str, Any]:
    """One testimony through the shared intake (extraction, links, encryption); audited."""
    vault = _vault(request, who)
    record_, attached = t.record_from_dict(data)
    added = t.add_testimony(acting_archive(request, who), vault, record_, user=who.username,
                            files=[*attached, *files], source="web")
    record(request, who, "testimony-add", "testimony", added.testimony_id,
           details={"witness": added.witness_id, "files": len(added.files),
                    "facilities": added.facilities, "violations": added.violations})
    return vars(added)


def _intake(request: Request, who: Principal, values: dict[str, Any], uploads: list[Any],
            passphrase: str) -> HTMLResponse:
    data = _form_data(request, who)
    try:
        if passphrase and not data["keys"]["unlocked"]:
            _unlock(request, who, passphrase)
        files = uploaded_files(uploads, values["file_kind"] or None,
                               archive_of(request).settings.max_file_size)
        data["result"] = _store(request, who, record_data(values), files)
    except KeysLocked:
        data.update(values=values, error="the testimony keys are locked (they are forgotten "
                    "after a while unused): enter the passphrase below and submit again")
        return render(request, "testimony_new.html", data, status=423)
    except t.InvalidTestimony as exc:
        data.update(values=values, error=str(exc), error_field=exc.field)
        return render(request, "testimony_new.html", data, status=400)
    except t.TestimonyError as exc:  # a rotated key, a damaged ciphertext
        if isinstance(exc, t.VaultError):
            web_state(request).vaults.drop(who.token)
        data.update(values=values, error=str(exc), keys=keys_status(request, who))
        return render(request, "testimony_new.html", data, status=400)
    except HTTPException as exc:
        data.update(values=values, error=str(exc.detail))
        return render(request, "testimony_new.html", data, status=exc.status_code)
    data["keys"] = keys_status(request, who)
    return render(request, "testimony_new.html", data)


@router.post("/testimonies/new", include_in_schema=False)
async def intake_form(request: Request, who: Writer) -> HTMLResponse:
    form = await request.form()
    passphrase = form.get("passphrase")
    return await run_in_threadpool(_intake, request, who, form_values(form),
                                   form.getlist("files"),
                                   passphrase if isinstance(passphrase, str) else "")


@router.post("/api/testimonies", summary="Take in a testimony")
def api_intake(request: Request, who: Writer, record: Annotated[str, Form()],
               files: Annotated[list[UploadFile] | None, File()] = None,
               file_kind: Annotated[str | None, Form()] = None) -> dict[str, Any]:
    """Multipart: ``record``, the record file's shape as JSON (see docs/testimony.md;
    no server paths), and ``files`` (repeatable) for audio and scans; ``file_kind``
    sets their kind, else it is guessed from the name. Needs unlocked keys (423)."""
    with _answers(request, who):
        data = api_record(record)
        attached = uploaded_files(files or [], file_kind,
                                  archive_of(request).settings.max_file_size)
        return _store(request, who, data, attached)


# -- reading ----------------------------------------------------------------------------------

@twin(router, "/testimonies", template="testimonies.html", summary="Testimonies")
def testimony_list(request: Request, who: Reader, purpose: str | None = None,
                   facility: str | None = None, violation: str | None = None,
                   period: str | None = None, witness: str | None = None) -> dict[str, Any]:
    """Metadata of the testimonies usable for ``purpose`` (no key needed) and the excluded
    ones with the reason; ``facility`` (id or any spelling), ``violation``, ``period``
    (1999 or 1995-2000), ``witness``. Without a purpose nothing is listed. Audited."""
    filters = {"facility": facility or None, "violation": violation or None,
               "period": period or None, "witness": witness or None}
    data: dict[str, Any] = {"purpose": purpose or None, "purposes": purposes_for(who.role),
                            "filters": filters, "keys": keys_status(request, who),
                            "testimonies": [], "excluded": []}
    if not purpose:
        return data
    with _answers(request, who):
        if filters["facility"]:
            filters["facility"] = resolve_facility(filters["facility"])
        data.update(t.list_testimonies(archive_of(request), user=who.username, role=who.role,
                                       purpose=purpose, **filters))
    return data


@twin(router, "/testimonies/{testimony_id}", template="testimony.html",
      summary="One testimony")
def testimony_view(request: Request, who: Reader, testimony_id: str,
                   purpose: str | None = None) -> dict[str, Any]:
    """One testimony as your role may see it for ``purpose``: identities, exact places and
    files for investigators and admins, pseudonyms and county level for others; what was
    withheld is listed in ``notices``. Needs unlocked keys (423). Audited."""
    data: dict[str, Any] = {"testimony_id": testimony_id, "purpose": purpose or None,
                            "purposes": purposes_for(who.role),
                            "keys": keys_status(request, who), "record": None}
    if not purpose:
        return data
    vault = _vault(request, who)
    with _answers(request, who):
        data["record"] = t.view_testimony(archive_of(request), vault, testimony_id,
                                          user=who.username, role=who.role, purpose=purpose)
    return data


def _file(request: Request, who: Principal, testimony_id: str, file_id: str,
          purpose: str | None) -> Response:
    stated = _need_purpose(purpose, who)
    vault = _vault(request, who)
    with _answers(request, who):
        meta, data = t.read_testimony_file(archive_of(request), vault, testimony_id, file_id,
                                           user=who.username, role=who.role, purpose=stated)
    name = "".join(c for c in str(meta["name"]) if c.isprintable() and c not in '"\\;/')
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_") or "file"
    return Response(data, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Content-Security-Policy": "sandbox; default-src 'none'"})


@router.get("/testimonies/{testimony_id}/files/{file_id}", include_in_schema=False)
def testimony_file(request: Request, who: Writer, testimony_id: str, file_id: str,
                   purpose: str | None = None) -> Response:
    return _file(request, who, testimony_id, file_id, purpose)


@router.get("/api/testimonies/{testimony_id}/files/{file_id}",
            summary="Download a testimony's file")
def api_testimony_file(request: Request, who: Writer, testimony_id: str, file_id: str,
                       purpose: str | None = None) -> Response:
    """The decrypted audio, scan or document, as an attachment (investigators and admins
    only, within consent for ``purpose``). Needs unlocked keys (423). Audited."""
    return _file(request, who, testimony_id, file_id, purpose)
