"""Upload: drop files or a zip; each is ingested and extracted, with per-file outcomes."""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse

from .auditing import record
from .auth import Principal, Writer, acting_archive
from .render import render, twin
from .state import archive_of, web_state
from .uploads import UploadRejected, ingest_uploads, save, upload_folder

router = APIRouter(tags=["upload"])


@twin(router, "/upload", template="upload.html", summary="Upload form and limits")
def upload_page(request: Request, who: Writer) -> dict[str, Any]:
    """What the upload accepts: per-file and per-upload size limits."""
    settings = archive_of(request).settings
    return {"max_file_size": settings.max_file_size,
            "max_upload_size": web_state(request).upload_limit,
            "accepts": "any file; zip archives, mailboxes and web archives are unpacked",
            "result": None}


def _ingest(request: Request, who: Principal, files: list[UploadFile] | None) -> dict[str, Any]:
    archive = acting_archive(request, who)
    folder = upload_folder(archive, who.username)
    try:
        saved = save(folder, ((f.filename, f.file) for f in files or []),
                     total_limit=web_state(request).upload_limit)
    except (UploadRejected, FileExistsError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise HTTPException(400, str(exc)) from None
    result = ingest_uploads(archive, folder, saved)
    record(request, who, "upload", "upload", folder.name,
           details={"files": result["files"], "counts": result["counts"],
                    "documents": sorted({i["document_id"] for i in result["items"]
                                         if i["document_id"]})})
    return result


@router.post("/upload", include_in_schema=False)
def upload_form(request: Request, who: Writer,
        files: Annotated[list[UploadFile] | None, File()] = None) -> HTMLResponse:
    data = upload_page(request, who)
    data["result"] = _ingest(request, who, files)
    return render(request, "upload.html", data)


@router.post("/api/upload", summary="Upload and ingest files")
def api_upload(request: Request, who: Writer,
        files: Annotated[list[UploadFile] | None, File()] = None) -> dict[str, Any]:
    """Multipart field ``files`` (repeat it for several). Each file (and each member of a
    zip) is ingested and extracted; ``items`` gives every outcome with its reason."""
    return _ingest(request, who, files)
