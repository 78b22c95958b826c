"""Containers: ZIP archives and WARC web archives, unpacked into child documents.

Children are bytes handed back to the pipeline, never files written to disk, so a
member called ``../../x`` cannot escape anything; its name is still normalised
and the original kept in metadata. Everything is read in chunks against the
caps in :class:`~sillok.ingest.base.Limits`: what an archive *declares* about
its sizes is checked first, and what it actually unpacks to is counted as it
is read, so a zip bomb stops at the cap however it lies about itself.
"""

from __future__ import annotations

import io
import logging
import re
import stat
import zipfile
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from ..exc import CorruptFile, IngestError, TooLarge
from .base import WARC, ZIP, Child, Limits, Parsed

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
# A zip member that expands more than MAX_RATIO times its compressed size, and to more than
# BOMB_FLOOR bytes, is refused as a suspected zip bomb. Real documents compress 2-20:1;
# text padded with one repeated byte can pass 100:1, hence the floor for small members.
MAX_RATIO = 100
BOMB_FLOOR = 8 * 1024 * 1024


class _Budget:
    """Reads children in chunks while keeping count against the caps.

    Once the total expansion or member count is reached, ``stopped`` is set and
    the container's remaining members are left unread.
    """

    def __init__(self, parsed: Parsed, limits: Limits, what: str) -> None:
        self.parsed = parsed
        self.limits = limits
        self.what = what
        self.total = 0
        self.stopped = False

    def admit(self, label: str, declared: int | None = None) -> bool:
        """Whether one more member may be read, judged on counts and declared size."""
        if self.stopped:
            return False
        if len(self.parsed.children) >= self.limits.max_members:
            self.stop(f"{self.what} has more than {self.limits.max_members:,} members: "
                      f"stopped before {label!r} (max_members)")
            return False
        if declared is not None and declared > self.limits.max_file_size:
            self.parsed.warnings.append(
                f"{label!r} skipped: it unpacks to {declared:,} bytes, over the file size "
                f"limit of {self.limits.max_file_size:,} (max_file_size)")
            return False
        if declared is not None and self.total + declared > self.limits.max_expansion:
            self.stop(f"{self.what} unpacks to more than the expansion limit of "
                      f"{self.limits.max_expansion:,} bytes: stopped at {label!r} "
                      "(max_expansion)")
            return False
        return True

    def read(self, stream: IO[bytes], label: str, compressed: int | None = None
             ) -> bytes | None:
        """The whole member, or None when a cap was hit while reading it.

        With ``compressed`` (a zip member's compressed size), reading also stops as soon
        as the member expands past the zip-bomb ratio, whatever size it declared.
        """
        chunks: list[bytes] = []
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if compressed is not None and size > max(BOMB_FLOOR, MAX_RATIO * compressed):
                self.parsed.warnings.append(
                    f"{label!r} refused as a suspected zip bomb: it expands to more than "
                    f"{MAX_RATIO}:1 of its {compressed:,} compressed bytes; unpack it "
                    "yourself if it is genuine and ingest the files")
                return None
            if size > self.limits.max_file_size:
                self.parsed.warnings.append(
                    f"{label!r} skipped: it unpacks to more than the file size limit of "
                    f"{self.limits.max_file_size:,} bytes (max_file_size)")
                return None
            if self.total + size > self.limits.max_expansion:
                self.stop(f"{self.what} unpacks to more than the expansion limit of "
                          f"{self.limits.max_expansion:,} bytes: stopped in {label!r} "
                          "(max_expansion)")
                return None
            chunks.append(chunk)
        self.total += size
        return b"".join(chunks)

    def stop(self, warning: str) -> None:
        self.parsed.warnings.append(warning)
        self.stopped = True


def _trim_warnings(parsed: Parsed, keep: int = 100) -> None:
    """Keep a hostile archive's thousand identical warnings from drowning the record."""
    extra = len(parsed.warnings) - keep
    if extra > 0:
        del parsed.warnings[keep:]
        parsed.warnings.append(f"... and {extra:,} more warnings like these")


_DAMAGED_ZIP = ("damaged or truncated zip archive: its table of contents cannot be read; "
                "get a complete copy and ingest again")
_DAMAGED_WARC = ("damaged web archive: it does not start with a valid WARC record; get a "
                 "complete copy and ingest again")


def _guarded(reader: Callable[[bytes, str, Limits], Parsed], data: bytes, name: str,
             limits: Limits, damaged: str) -> Parsed:
    """Run ``reader``; anything but a deliberate IngestError is reported as damage."""
    try:
        return reader(data, name, limits)
    except IngestError:
        raise
    except MemoryError:
        raise TooLarge("too large to unpack in the memory available: lower max_expansion "
                       "or split the archive") from None
    except Exception as exc:  # last line of defence: hostile input must not stop a batch
        log.warning("%s: unexpected error while unpacking: %r", name, exc)
        raise CorruptFile(damaged) from None


# -- ZIP -----------------------------------------------------------------------------------


def safe_member_name(raw: str) -> tuple[str, bool]:
    """A relative, normalised form of a stored member name, and whether it was unsafe.

    Unsafe: parent references (``..``), absolute paths, drive letters,
    backslashes and control characters. The result never leaves the archive.
    """
    unsafe = "\\" in raw or raw.startswith("/") or bool(re.match(r"^[A-Za-z]:", raw))
    name = re.sub(r"^[A-Za-z]:", "", raw.replace("\\", "/"))
    segments = []
    for segment in name.split("/"):
        printable = "".join(ch for ch in segment if ch.isprintable())
        unsafe = unsafe or printable != segment or segment == ".."
        if printable not in ("", ".", ".."):
            segments.append(printable)
    return "/".join(segments), unsafe


def parse_zip(data: bytes, name: str, limits: Limits) -> Parsed:
    """Unpack the members of a zip as children; the zip's own text lists them."""
    return _guarded(_read_zip, data, name, limits, _DAMAGED_ZIP)


def _read_zip(data: bytes, name: str, limits: Limits) -> Parsed:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception as exc:  # BadZipFile, but also ValueError/OSError on crafted headers
        log.debug("%s: unreadable zip: %r", name, exc)
        raise CorruptFile(_DAMAGED_ZIP) from None
    parsed = Parsed(media_type=ZIP)
    budget = _Budget(parsed, limits, "zip archive")
    listing: list[str] = []
    with archive:
        for index, info in enumerate(infos, start=1):
            if info.filename.endswith("/"):
                continue
            if info.filename.startswith("__MACOSX/"):
                # Finder's resource-fork shadows of the real files: not documents.
                listing.append(f"{info.filename}: skipped, macOS metadata")
                continue
            clean, unsafe = safe_member_name(info.filename)
            clean = clean or f"member-{index}"
            line = f"{clean} ({info.file_size:,} bytes)"
            skipped = _skip_reason(info) or _bomb_reason(info)
            if skipped:
                parsed.warnings.append(f"{info.filename!r} skipped: {skipped}")
                listing.append(f"{line}: skipped, {skipped}")
                continue
            if not budget.admit(info.filename, info.file_size):
                if budget.stopped:
                    listing.append(f"{line}: not unpacked (limit reached)")
                    if index < len(infos):
                        listing.append(f"... {len(infos) - index:,} more entries not unpacked")
                    break
                listing.append(f"{line}: not unpacked (over the file size limit)")
                continue
            content = _read_member(archive, info, budget, parsed)
            if content is None:
                listing.append(f"{line}: not unpacked")
                if budget.stopped:
                    break
                continue
            metadata: dict[str, Any] = {"original_name": info.filename,
                                        "compressed_size": info.compress_size}
            if unsafe:
                # stored safely, so not a failure: a warning on the member's own item
                metadata["unsafe_name"] = True
                metadata["warning"] = (f"unsafe member name {info.filename!r} stored as "
                                       f"{clean!r}")
            if modified := _zip_time(info):
                metadata["modified"] = modified
            parsed.children.append(Child(name=clean, data=content, metadata=metadata))
            listing.append(line)
    if archive.comment:
        parsed.metadata["comment"] = archive.comment.decode("utf-8", "replace")
    parsed.metadata["member_count"] = sum(
        1 for info in infos
        if not info.filename.endswith("/") and not info.filename.startswith("__MACOSX/"))
    _trim_warnings(parsed)
    files = parsed.metadata["member_count"]
    heading = f"Zip archive with {files:,} file{'s' if files != 1 else ''}"
    parsed.text = heading + ("\n\n" + "\n".join(listing) if listing else "")
    return parsed


def _skip_reason(info: zipfile.ZipInfo) -> str | None:
    if info.flag_bits & 0x1:
        return "it is password-protected; extract it with its password and ingest it alone"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "it is a symbolic link, which is never followed"
    return None


def _bomb_reason(info: zipfile.ZipInfo) -> str | None:
    """Why a member's declared sizes mark it as a zip bomb, checked before reading it."""
    if info.file_size > BOMB_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        return (f"suspected zip bomb: it declares {info.file_size:,} bytes from "
                f"{info.compress_size:,} compressed ({ratio:,}:1, over {MAX_RATIO}:1); unpack "
                "it yourself if it is genuine and ingest the files")
    return None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget,
                 parsed: Parsed) -> bytes | None:
    try:
        with archive.open(info) as stream:
            return budget.read(stream, info.filename, compressed=info.compress_size)
    except NotImplementedError:
        parsed.warnings.append(f"{info.filename!r} skipped: it is compressed with a method "
                               "this version cannot unpack; re-pack it as a standard zip")
    except Exception as exc:  # CRC mismatch, truncated data, bad compressed stream
        log.debug("zip member %r unreadable: %r", info.filename, exc)
        parsed.warnings.append(f"{info.filename!r} skipped: it is damaged (its content "
                               "does not match its checksum or size)")
    return None


def _zip_time(info: zipfile.ZipInfo) -> str | None:
    try:
        return datetime(*info.date_time).isoformat()
    except (TypeError, ValueError):
        return None


# -- WARC ----------------------------------------------------------------------------------


def parse_warc(data: bytes, name: str, limits: Limits) -> Parsed:
    """Each successful HTTP response (and http(s) resource record) becomes a child."""
    return _guarded(_read_warc, data, name, limits, _DAMAGED_WARC)


class _QuietArchiveIterator(ArchiveIterator):  # type: ignore[misc]
    # warcio prints a notice to stderr for each record whose length is wrong;
    # the count (err_count) is reported as a warning on the document instead.
    INC_RECORD = ""


def _read_warc(data: bytes, name: str, limits: Limits) -> Parsed:
    if not data.strip():
        raise CorruptFile("empty web archive: there are no records to read")
    if not _starts_like_warc(data):
        raise CorruptFile("not a web archive: it does not start with a WARC record; the "
                          "file is damaged or misnamed")
    parsed = Parsed(media_type=WARC)
    budget = _Budget(parsed, limits, "web archive")
    listing: list[str] = []
    skipped: dict[str, int] = {}
    records = 0
    scanned = 0
    iterator = _QuietArchiveIterator(io.BytesIO(data))
    try:
        for record in iterator:
            if record.rec_type is None:
                raise ValueError("record without a WARC-Type")
            records += 1
            # Skipped records are decompressed too: their declared lengths count.
            scanned += _declared_length(record)
            if scanned > limits.max_expansion:
                budget.stop(f"web archive unpacks to more than the expansion limit of "
                            f"{limits.max_expansion:,} bytes: stopped at record {records} "
                            "(max_expansion)")
            if budget.stopped:
                break
            reason = _warc_record(record, budget, parsed, listing)
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
    except Exception as exc:  # warcio, gzip and zlib errors on damaged input
        log.debug("%s: WARC unreadable after %d records: %r", name, records, exc)
        if records == 0:
            raise CorruptFile(_DAMAGED_WARC) from None
        parsed.warnings.append(f"web archive damaged after record {records}: the records "
                               "after it could not be read")
    else:
        if records == 0:
            raise CorruptFile("not a web archive: no WARC records were found")
        if not budget.stopped and (problem := _gzip_problem(data, limits.max_expansion)):
            parsed.warnings.append(f"web archive {problem} after record {records}: "
                                   "get a complete copy")
    if getattr(iterator, "err_count", 0):
        parsed.warnings.append(f"{iterator.err_count} record(s) have a wrong declared length: "
                               "their content may be cut short or run into the next record")
    _trim_warnings(parsed)
    count = len(parsed.children)
    parsed.metadata.update({"record_count": records, "response_count": count})
    lines = [f"Web archive with {count} captured response{'s' if count != 1 else ''}"]
    if skipped:
        lines.append("Not extracted: " + ", ".join(f"{n} {what}"
                                                   for what, n in sorted(skipped.items())))
    parsed.text = "\n".join(lines) + ("\n\n" + "\n".join(listing) if listing else "")
    return parsed


def _starts_like_warc(data: bytes) -> bool:
    """A WARC (or legacy ARC) signature at the start, gzip-compressed or not.

    Checked first because the WARC reader takes almost any line of text for an
    ARC record header.
    """
    head = data[:4096]
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(31).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith((b"WARC/", b"filedesc://"))


def _declared_length(record: Any) -> int:
    try:
        return max(0, int(record.rec_headers.get_header("Content-Length") or 0))
    except ValueError:
        return 0


def _gzip_problem(data: bytes, cap: int) -> str | None:
    """What is wrong with a gzip-compressed WARC's compression, if anything.

    The WARC reader ends quietly at a cut or a damaged block in compressed input,
    so the members are checked once more here. Uncompressed WARCs give None.
    """
    rest = data
    produced = 0
    try:
        while rest.startswith(b"\x1f\x8b"):
            inflater = zlib.decompressobj(31)
            pending = rest
            while not inflater.eof:
                out = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(out)
                if produced > cap:
                    return None
                if not out and not pending:
                    return "truncated (the file ends inside a record)"
            rest = inflater.unused_data
    except zlib.error:
        return "damaged (its compressed data is corrupt)"
    return None


def _warc_record(record: Any, budget: _Budget, parsed: Parsed, listing: list[str]) -> str | None:
    """Turn one record into a child; return why it was skipped, if it was."""
    kind = record.rec_type
    url = record.rec_headers.get_header("WARC-Target-URI") or ""
    if kind == "response":
        if record.http_headers is None:
            return "non-HTTP responses"
        status = record.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return "unsuccessful responses (not 2xx)"
        content_type = record.http_headers.get_header("Content-Type")
    elif kind == "resource" and url.startswith(("http://", "https://")):
        status = ""
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return f"{kind} records"
    if not budget.admit(url):
        return "records over the limits"
    try:
        body = budget.read(record.content_stream(), url)
    except Exception as exc:
        log.debug("WARC record for %s unreadable: %r", url, exc)
        parsed.warnings.append(f"capture of {url!r} skipped: its content is damaged")
        return "damaged records"
    if body is None:
        return "records over the limits"
    truncated = getattr(record.raw_stream, "limit", 0) > 0
    if truncated:
        # The file ended before the record's declared length: keep what there is.
        parsed.warnings.append(f"capture of {url!r} is incomplete: the web archive ends "
                               "inside it")
    if not body:
        return "empty responses"
    captured = _iso(record.rec_headers.get_header("WARC-Date"))
    metadata: dict[str, Any] = {
        "url": url, "captured_at": captured, "content_type": content_type,
        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
    }
    if truncated:
        metadata["truncated"] = True
    if status:
        metadata["http_status"] = int(status) if status.isdigit() else status
    parsed.children.append(Child(name=url, data=body, metadata=metadata))
    listing.append(f"{captured or '(no date)'} {url}")
    return None


def _iso(value: str | None) -> str | None:
    """A WARC-Date as ISO 8601 with an explicit offset; an odd value is kept as found."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return value.strip()
