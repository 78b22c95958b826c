"""Builders for the format fixtures used by test_formats.py.

Every fixture is made at test time from code, so nothing opaque is committed and
each test shows exactly what its input contains.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from pypdf import PdfReader, PdfWriter

# -- PDF -----------------------------------------------------------------------------------


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def _assemble_pdf(objects: list[bytes], root: int, info: int | None) -> bytes:
    """Serialise numbered objects (1-based, in order) with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n" % (len(objects) + 1))
    out.write(b"0000000000 65535 f \n")
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def make_pdf(
    pages: list[list[str]],
    *,
    title: str | None = None,
    author: str | None = None,
    created: str | None = None,
    scanned: bool = False,
) -> bytes:
    """A PDF with one text line per list item on each page, or (scanned) only an image.

    ``created`` is a PDF date string such as ``D:20240315093000Z``.
    """
    objects: list[bytes] = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    image = len(objects) + 1
    pixels = bytes((x * 37 + y * 11) % 256 for y in range(8) for x in range(8))
    objects.append(_stream(pixels, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 "
                                   b"/ColorSpace /DeviceGray /BitsPerComponent 8 "))
    kids = []
    for lines in pages:
        if scanned:
            content = b"q 400 0 0 500 100 200 cm /Im1 Do Q"
        else:
            shown = b" T* ".join(_pdf_string(line) + b" Tj" for line in lines)
            content = b"BT /F1 12 Tf 14 TL 72 720 Td " + shown + b" ET"
        objects.append(_stream(content))
        contents = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
            % (contents, image)
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids), len(kids))
    info = None
    entries = [(b"/Title", title), (b"/Author", author), (b"/CreationDate", created)]
    if any(value for _, value in entries):
        objects.append(b"<< " + b" ".join(key + b" " + _pdf_string(value)
                                          for key, value in entries if value) + b" >>")
        info = len(objects)
    return _assemble_pdf(objects, root=1, info=info)


def encrypt_pdf(data: bytes, user_password: str, owner_password: str | None = None,
                algorithm: str = "AES-256") -> bytes:
    """The same PDF, encrypted by pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password=owner_password,
                   algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- DOCX ----------------------------------------------------------------------------------


def make_docx() -> bytes:
    """A short report: heading, two paragraphs, a table between them, core properties."""
    import docx

    document = docx.Document()
    document.add_heading("Testimony of a former detainee", level=1)
    document.add_paragraph("The witness was held at Camp 15 from 2009 to 2012.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Facility"
    table.cell(0, 1).text = "Period"
    table.cell(1, 0).text = "Yodok"
    table.cell(1, 1).text = "2009-2012"
    document.add_paragraph("Guards beat detainees who failed to meet work quotas.")
    props = document.core_properties
    props.title = "Interview 17"
    props.author = "Documentation officer"
    props.created = datetime(2023, 5, 4, 10, 30, tzinfo=UTC)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# -- E-mail --------------------------------------------------------------------------------


def make_email(
    subject: str = "Report from the border",
    body: str = "Please find the interview notes attached.",
    *,
    html: str | None = None,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    message_id: str | None = None,
) -> EmailMessage:
    """A message; attachments are (filename, content type, bytes)."""
    message = EmailMessage()
    message["From"] = "Kim Min-ji <researcher@example.org>"
    message["To"] = "archive@example.org"
    message["Cc"] = "Lee <lee@example.net>"
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime(2024, 3, 15, 9, 30, tzinfo=UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    if html is not None and not body:
        message.set_content(html, subtype="html")
    else:
        message.set_content(body)
        if html is not None:
            message.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def make_mbox(messages: Iterable[EmailMessage]) -> bytes:
    """An mbox file: each message after a ``From `` line, separated by a blank line."""
    out = io.BytesIO()
    for message in messages:
        out.write(b"From researcher@example.org Fri Mar 15 09:30:00 2024\n")
        body = message.as_bytes().replace(b"\r\n", b"\n")
        body = b"\n".join(b">" + line if line.startswith(b"From ") else line
                          for line in body.split(b"\n"))
        out.write(body.rstrip(b"\n") + b"\n\n")
    return out.getvalue()


# -- ZIP -----------------------------------------------------------------------------------


def make_zip(members: Iterable[tuple[str, bytes]],
             compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip whose member names are stored exactly as given, hostile ones included."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 5)), data,
                             compress_type=compression)
    return out.getvalue()


def make_zip_bomb(size: int = 50 * 1024 * 1024, members: int = 1) -> bytes:
    """``members`` files of ``size`` zero bytes each: tiny on disk, huge when unpacked."""
    out = io.BytesIO()
    block = bytes(1024 * 1024)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index in range(members):
            with archive.open(f"zeros-{index}.bin", "w", force_zip64=True) as member:
                for _ in range(size // len(block)):
                    member.write(block)
    return out.getvalue()


def lie_about_sizes(data: bytes, declared: int) -> bytes:
    """Rewrite every member's declared uncompressed size (local and central headers)."""
    patched = bytearray(data)
    start = 0
    while (at := patched.find(b"PK\x03\x04", start)) != -1:
        patched[at + 22: at + 26] = declared.to_bytes(4, "little")
        start = at + 4
    start = 0
    while (at := patched.find(b"PK\x01\x02", start)) != -1:
        patched[at + 24: at + 28] = declared.to_bytes(4, "little")
        start = at + 4
    return bytes(patched)


# -- WARC ----------------------------------------------------------------------------------


def make_warc(
    responses: Iterable[tuple[str, int, str, bytes]],
    *,
    gzip: bool = True,
    with_requests: bool = True,
) -> bytes:
    """A WARC with one response record per (url, status, content type, body).

    With ``with_requests`` each response is preceded by its request record, as a
    crawler writes them.
    """
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gzip)
    reasons = {200: "OK", 404: "Not Found", 301: "Moved Permanently"}
    for url, status, content_type, body in responses:
        if with_requests:
            request = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "example.org")],
                                       is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request",
                                                          http_headers=request))
        headers = StatusAndHeaders(f"{status} {reasons.get(status, 'OK')}",
                                   [("Content-Type", content_type),
                                    ("Content-Length", str(len(body)))],
                                   protocol="HTTP/1.1")
        record = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                           http_headers=headers,
                                           warc_headers_dict={"WARC-Date":
                                                              "2024-02-01T08:15:00Z"})
        writer.write_record(record)
    return out.getvalue()
