"""Format ingestors: PDF, DOCX, EML, MBOX, ZIP and WARC, good input and hostile input.

Fixtures are built at test time by ``fixtures_formats``; nothing binary is committed.
"""

from __future__ import annotations

import gzip
import io
import os
import time
import zipfile
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures_formats import (
    encrypt_pdf,
    lie_about_sizes,
    make_docx,
    make_email,
    make_mbox,
    make_pdf,
    make_warc,
    make_zip,
    make_zip_bomb,
)
from sillok.exc import CorruptFile, EncryptedFile, IngestError, TooLarge
from sillok.ingest import pdf as pdf_module
from sillok.ingest.base import DOCX, EML, MBOX, PDF, WARC, ZIP, Limits, Parsed
from sillok.ingest.containers import parse_warc, parse_zip, safe_member_name
from sillok.ingest.email import parse_eml, parse_mbox
from sillok.ingest.office import parse_docx
from sillok.ingest.pdf import parse_pdf

MiB = 1024 * 1024
LIMITS = Limits(max_file_size=64 * MiB, max_expansion=256 * MiB, max_members=1000, max_depth=5)

PAGE_ONE = ["Testimony recorded in Seoul, March 2024.", "The witness was held at Camp 15."]
PAGE_TWO = ["Guards forced detainees to work in the mines."]


def two_page_pdf() -> bytes:
    return make_pdf([PAGE_ONE, PAGE_TWO], title="Witness statement 12",
                    author="Documentation officer", created="D:20240315093000Z")


# -- PDF -----------------------------------------------------------------------------------


def test_pdf_text_is_read_page_by_page_with_offsets() -> None:
    parsed = parse_pdf(two_page_pdf(), "statement.pdf", LIMITS)

    assert parsed.status == "ok"
    assert parsed.media_type == PDF
    assert [number for number, _, _ in parsed.pages] == [1, 2]
    first, second = (parsed.text[start:end] for _, start, end in parsed.pages)
    assert first == "\n".join(PAGE_ONE)
    assert second == "\n".join(PAGE_TWO)
    assert parsed.text == first + "\n\n" + second
    assert parsed.metadata["page_count"] == 2


def test_pdf_document_information_becomes_metadata() -> None:
    parsed = parse_pdf(two_page_pdf(), "statement.pdf", LIMITS)

    assert parsed.title == "Witness statement 12"
    assert parsed.author == "Documentation officer"
    assert parsed.published == "2024-03-15"
    assert parsed.metadata["created"].startswith("2024-03-15T09:30:00")


def test_scanned_pdf_is_kept_as_needing_ocr() -> None:
    parsed = parse_pdf(make_pdf([[], []], scanned=True), "scan.pdf", LIMITS)

    assert parsed.status == "needs-ocr"
    assert parsed.reason == "no text layer: scanned PDF, needs OCR"
    assert parsed.text == ""
    assert parsed.metadata["page_count"] == 2


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected_pdf_is_refused_with_the_fix(algorithm: str) -> None:
    locked = encrypt_pdf(two_page_pdf(), "secret", algorithm=algorithm)

    with pytest.raises(EncryptedFile, match="password-protected PDF: remove the password"):
        parse_pdf(locked, "locked.pdf", LIMITS)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_only_an_owner_password_is_read(algorithm: str) -> None:
    restricted = encrypt_pdf(two_page_pdf(), "", owner_password="owner", algorithm=algorithm)

    parsed = parse_pdf(restricted, "restricted.pdf", LIMITS)

    assert "Camp 15" in parsed.text
    assert parsed.title == "Witness statement 12"


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_pdf_is_corrupt(keep: float) -> None:
    data = two_page_pdf()

    with pytest.raises(CorruptFile, match="truncated PDF"):
        parse_pdf(data[: int(len(data) * keep)], "cut.pdf", LIMITS)


def test_empty_pdf_is_corrupt() -> None:
    with pytest.raises(CorruptFile, match="empty file"):
        parse_pdf(b"", "empty.pdf", LIMITS)


@pytest.mark.parametrize("junk", [b"\x00\x01garbage" * 50,
                                  b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"])
def test_garbage_named_pdf_is_corrupt(junk: bytes) -> None:
    with pytest.raises(CorruptFile):
        parse_pdf(junk, "junk.pdf", LIMITS)


def test_pdf_page_cap_keeps_the_first_pages_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_PAGES", 1)

    parsed = parse_pdf(two_page_pdf(), "long.pdf", LIMITS)

    assert parsed.pages == [(1, 0, len("\n".join(PAGE_ONE)))]
    assert "Guards" not in parsed.text
    assert any("first 1 of 2 pages" in warning for warning in parsed.warnings)


def test_pdf_page_too_complex_to_extract_is_skipped_and_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_module, "MAX_PAGE_CONTENT_BYTES", 100)
    data = make_pdf([["short"], ["a much longer line of text " * 10]])

    parsed = parse_pdf(data, "plan.pdf", LIMITS)

    assert parsed.text.startswith("short")
    assert "longer" not in parsed.text
    assert any(warning.startswith("page 2 skipped") for warning in parsed.warnings)


# -- DOCX ----------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_reading_order() -> None:
    parsed = parse_docx(make_docx(), "interview.docx", LIMITS)

    assert parsed.media_type == DOCX
    assert parsed.text.split("\n\n") == [
        "Testimony of a former detainee",
        "The witness was held at Camp 15 from 2009 to 2012.",
        "Facility | Period\nYodok | 2009-2012",
        "Guards beat detainees who failed to meet work quotas.",
    ]


def test_docx_core_properties_become_metadata() -> None:
    parsed = parse_docx(make_docx(), "interview.docx", LIMITS)

    assert parsed.title == "Interview 17"
    assert parsed.author == "Documentation officer"
    assert parsed.published == "2023-05-04"


@pytest.mark.parametrize("data", [make_docx()[:3000], b"PK\x03\x04" + b"\x00" * 100, b""])
def test_damaged_docx_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptFile, match="Word document"):
        parse_docx(data, "broken.docx", LIMITS)


def test_zip_named_docx_is_corrupt_and_says_what_it_is() -> None:
    with pytest.raises(CorruptFile, match="zip archive"):
        parse_docx(make_zip([("notes.txt", b"hello")]), "notes.docx", LIMITS)


def test_password_protected_docx_is_refused_with_the_fix() -> None:
    # Word saves an encrypted .docx as an OLE compound file holding "EncryptedPackage".
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le")

    with pytest.raises(EncryptedFile, match="password-protected Word document"):
        parse_docx(ole, "locked.docx", LIMITS)


def test_docx_that_unpacks_past_the_cap_is_too_large() -> None:
    small = Limits(max_file_size=MiB, max_expansion=MiB, max_members=100, max_depth=5)

    with pytest.raises(TooLarge, match="max_expansion"):
        parse_docx(make_docx_bomb(), "bomb.docx", small)


def make_docx_bomb() -> bytes:
    """A real DOCX with an extra 8 MiB part of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("word/media/zeros.bin", bytes(8 * MiB))
    return out.getvalue()


# -- EML -----------------------------------------------------------------------------------


def test_eml_headers_become_metadata_and_the_body_text() -> None:
    message = make_email(message_id="<msg-1@example.org>")

    parsed = parse_eml(message.as_bytes(), "report.eml", LIMITS)

    assert parsed.media_type == EML
    assert parsed.title == "Report from the border"
    assert parsed.author == "Kim Min-ji <researcher@example.org>"
    assert parsed.published == "2024-03-15"
    assert parsed.text == "Please find the interview notes attached."
    assert parsed.metadata == {
        "from": "Kim Min-ji <researcher@example.org>",
        "to": "archive@example.org",
        "cc": "Lee <lee@example.net>",
        "date": "2024-03-15T09:30:00+00:00",
        "subject": "Report from the border",
        "message_id": "<msg-1@example.org>",
    }


def test_eml_attachments_become_children() -> None:
    notes = two_page_pdf()
    message = make_email(message_id="<msg-2@example.org>",
                         attachments=[("notes.pdf", "application/pdf", notes),
                                      ("photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0 photo")])

    parsed = parse_eml(message.as_bytes(), "report.eml", LIMITS)

    assert [child.name for child in parsed.children] == ["notes.pdf", "photo.jpg"]
    assert parsed.children[0].data == notes
    assert parsed.children[0].metadata == {"attachment_of": "<msg-2@example.org>",
                                           "content_type": "application/pdf"}
    assert "attached" in parsed.text


def test_eml_attachment_with_a_path_in_its_name_is_normalised() -> None:
    message = make_email(attachments=[("../../etc/passwd", "text/plain", b"root")])

    parsed = parse_eml(message.as_bytes(), "report.eml", LIMITS)

    assert parsed.children[0].name == "passwd"
    assert parsed.children[0].metadata["original_name"] == "../../etc/passwd"
    # kept under a safe name: a warning on the attachment, not a failure of the message
    assert "unsafe attachment name" in parsed.children[0].metadata["warning"]
    assert not any("unsafe attachment name" in warning for warning in parsed.warnings)


def test_html_only_eml_is_reduced_to_visible_text() -> None:
    html = ("<html><head><title>t</title><script>alert('x')</script></head><body>"
            "<p>Names of the <b>detained</b> family members</p><div>Hoeryong, 2019</div>"
            "</body></html>")
    message = make_email(body="", html=html)

    parsed = parse_eml(message.as_bytes(), "html.eml", LIMITS)

    assert parsed.text == "Names of the detained family members\n\nHoeryong, 2019"
    assert parsed.children == []


def test_forwarded_message_becomes_a_child_message() -> None:
    outer = make_email(subject="Fwd: testimony")
    outer.add_attachment(make_email(subject="Testimony 4", body="Inner text"))

    parsed = parse_eml(outer.as_bytes(), "fwd.eml", LIMITS)

    [child] = parsed.children
    assert child.metadata["content_type"] == "message/rfc822"
    inner = parse_eml(child.data, child.name, LIMITS)
    assert inner.title == "Testimony 4"
    assert inner.text == "Inner text"


def test_korean_eml_in_euc_kr_is_decoded() -> None:
    raw = ("From: =?euc-kr?b?" + _b64("김민지".encode("euc-kr")) + "?= <kim@example.org>\n"
           "Subject: =?euc-kr?b?" + _b64("요덕 수용소 증언".encode("euc-kr")) + "?=\n"
           "Date: Fri, 15 Mar 2024 09:30:00 +0900\n"
           "Content-Type: text/plain; charset=euc-kr\n"
           "Content-Transfer-Encoding: 8bit\n\n").encode("ascii")
    raw += "수용소에서 강제노동을 했습니다.\n".encode("euc-kr")

    parsed = parse_eml(raw, "korean.eml", LIMITS)

    assert parsed.title == "요덕 수용소 증언"
    assert parsed.author == "김민지 <kim@example.org>"
    assert parsed.text == "수용소에서 강제노동을 했습니다."


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


@pytest.mark.parametrize("data", [b"", b"   \n", b"just some words, no headers at all\n"])
def test_eml_without_a_message_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptFile):
        parse_eml(data, "empty.eml", LIMITS)


# -- MBOX ----------------------------------------------------------------------------------


def two_messages() -> list[EmailMessage]:
    return [make_email(subject="First report", body="From the first witness.\nSecond line."),
            make_email(subject="Second report", body="Another account.")]


def test_mbox_messages_become_children() -> None:
    parsed = parse_mbox(make_mbox(two_messages()), "inbox.mbox", LIMITS)

    assert parsed.media_type == MBOX
    assert [child.name for child in parsed.children] == ["message-0001.eml",
                                                         "message-0002.eml"]
    first = parse_eml(parsed.children[0].data, parsed.children[0].name, LIMITS)
    assert first.title == "First report"
    # The writer quoted "From the first..." as ">From"; the child has it back as sent.
    assert first.text == "From the first witness.\nSecond line."
    assert parsed.children[0].metadata["mbox_from_line"].startswith("From researcher@")


def test_mbox_text_lists_its_messages() -> None:
    parsed = parse_mbox(make_mbox(two_messages()), "inbox.mbox", LIMITS)

    assert parsed.text.startswith("Mailbox with 2 messages")
    assert "First report" in parsed.text
    assert "Second report" in parsed.text
    assert parsed.metadata["message_count"] == 2


def test_unquoted_from_line_inside_a_body_does_not_split_the_message() -> None:
    raw = (b"From a@example.org Fri Mar 15 09:30:00 2024\n"
           b"Subject: one\n\nWe walked for days.\nFrom the camp we could see the river.\n\n"
           b"From b@example.org Fri Mar 15 10:30:00 2024\n"
           b"Subject: two\n\nSecond.\n")

    parsed = parse_mbox(raw, "inbox.mbox", LIMITS)

    assert len(parsed.children) == 2
    assert b"From the camp" in parsed.children[0].data


def test_mbox_stops_at_the_member_cap() -> None:
    few = Limits(max_file_size=MiB, max_expansion=MiB, max_members=1, max_depth=5)

    parsed = parse_mbox(make_mbox(two_messages()), "inbox.mbox", few)

    assert len(parsed.children) == 1
    assert any("max_members" in warning for warning in parsed.warnings)


def test_file_that_is_not_an_mbox_is_corrupt() -> None:
    with pytest.raises(CorruptFile, match="not an mbox"):
        parse_mbox(b"Subject: hello\n\nbody\n", "inbox.mbox", LIMITS)


# -- ZIP -----------------------------------------------------------------------------------


def test_zip_members_become_children_and_directories_are_skipped() -> None:
    data = make_zip([("reports/", b""), ("reports/a.txt", b"alpha"), ("b.html", b"<p>b</p>"),
                     ("__MACOSX/reports/._a.txt", b"\x00\x05\x16\x07")])

    parsed = parse_zip(data, "batch.zip", LIMITS)

    assert parsed.media_type == ZIP
    assert [(child.name, child.data) for child in parsed.children] == [
        ("reports/a.txt", b"alpha"), ("b.html", b"<p>b</p>")]
    assert parsed.warnings == []
    assert parsed.text.startswith("Zip archive with 2 files")
    assert "reports/a.txt" in parsed.text


def test_zip_member_escaping_the_tree_is_normalised_and_flagged() -> None:
    parsed = parse_zip(make_zip([("../../evil.txt", b"payload")]), "evil.zip", LIMITS)

    [child] = parsed.children
    assert child.name == "evil.txt"
    assert child.data == b"payload"
    assert child.metadata["original_name"] == "../../evil.txt"
    assert child.metadata["unsafe_name"] is True
    # stored safely, so a warning on the member itself, not a failure of the zip
    assert child.metadata["warning"] == "unsafe member name '../../evil.txt' stored as 'evil.txt'"
    assert parsed.warnings == []


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../evil.txt", "evil.txt"),
    ("/etc/passwd", "etc/passwd"),
    ("C:\\Windows\\system.ini", "Windows/system.ini"),
    ("a/../../b.txt", "a/b.txt"),
    ("..\\..\\x.txt", "x.txt"),
    ("ok/\x1bname.txt", "ok/name.txt"),
])
def test_unsafe_member_names_never_leave_the_archive(raw: str, expected: str) -> None:
    name, unsafe = safe_member_name(raw)

    assert (name, unsafe) == (expected, True)


def test_plain_member_names_are_left_alone() -> None:
    assert safe_member_name("reports/2024/camp 15.pdf") == ("reports/2024/camp 15.pdf", False)


def test_zip_bomb_is_refused_on_its_compression_ratio_quickly() -> None:
    bomb = make_zip_bomb(size=50 * MiB)  # about 50 KB on disk
    small = Limits(max_file_size=64 * MiB, max_expansion=MiB, max_members=100, max_depth=5)

    started = time.monotonic()
    parsed = parse_zip(bomb, "bomb.zip", small)

    assert time.monotonic() - started < 5
    assert parsed.children == []
    assert any("suspected zip bomb" in warning for warning in parsed.warnings)


def test_zip_stops_at_the_expansion_cap() -> None:
    # incompressible members, so only the total expansion cap can stop them
    data = make_zip([(f"noise-{i}.bin", os.urandom(400 * 1024)) for i in range(5)])
    small = Limits(max_file_size=64 * MiB, max_expansion=MiB, max_members=100, max_depth=5)

    parsed = parse_zip(data, "noise.zip", small)

    assert len(parsed.children) == 2
    assert sum(len(child.data) for child in parsed.children) <= MiB
    assert any("max_expansion" in warning for warning in parsed.warnings)


def test_zip_bomb_of_many_members_stops_at_the_total_cap() -> None:
    bomb = make_zip_bomb(size=4 * MiB, members=5)
    small = Limits(max_file_size=8 * MiB, max_expansion=10 * MiB, max_members=100, max_depth=5)

    parsed = parse_zip(bomb, "bomb.zip", small)

    assert len(parsed.children) == 2
    assert sum(len(child.data) for child in parsed.children) <= 10 * MiB
    assert any("stopped at 'zeros-2.bin'" in warning for warning in parsed.warnings)


def test_zip_that_lies_about_its_sizes_is_not_trusted() -> None:
    liar = lie_about_sizes(make_zip([("zeros.bin", bytes(20 * MiB))]), declared=100)

    parsed = parse_zip(liar, "liar.zip", Limits(MiB, MiB, 100, 5))

    assert sum(len(child.data) for child in parsed.children) <= MiB
    assert any("'zeros.bin' skipped" in warning for warning in parsed.warnings)


def test_zip_member_over_the_file_size_cap_is_named_and_others_are_kept() -> None:
    data = make_zip([("big.bin", bytes(2 * MiB)), ("small.txt", b"kept")])

    parsed = parse_zip(data, "mixed.zip", Limits(MiB, 64 * MiB, 100, 5))

    assert [child.name for child in parsed.children] == ["small.txt"]
    assert any("'big.bin' skipped" in w and "1,048,576" in w for w in parsed.warnings)


def test_zip_member_cap() -> None:
    data = make_zip([(f"{index}.txt", b"x") for index in range(5)])

    parsed = parse_zip(data, "many.zip", Limits(MiB, MiB, 3, 5))

    assert len(parsed.children) == 3
    assert any("max_members" in warning for warning in parsed.warnings)


def test_encrypted_zip_member_is_named_in_a_warning() -> None:
    data = bytearray(make_zip([("secret.txt", b"hidden"), ("open.txt", b"visible")]))
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag: encrypted

    parsed = parse_zip(bytes(data), "locked.zip", LIMITS)

    assert [child.name for child in parsed.children] == ["open.txt"]
    assert any("'secret.txt'" in w and "password" in w for w in parsed.warnings)


def test_symlink_member_is_not_followed() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        link = zipfile.ZipInfo("link")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "../../../etc/passwd")

    parsed = parse_zip(out.getvalue(), "links.zip", LIMITS)

    assert parsed.children == []
    assert any("symbolic link" in warning for warning in parsed.warnings)


@pytest.mark.parametrize("data", [b"PK\x03\x04 truncated", b"not a zip at all",
                                  make_zip([("a.txt", b"a" * 1000)])[:-30]])
def test_damaged_zip_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptFile, match="zip archive"):
        parse_zip(data, "broken.zip", LIMITS)


# -- WARC ----------------------------------------------------------------------------------

PAGE = b"<html><body><p>Public execution reported in Hyesan.</p></body></html>"
RESPONSES = [
    ("https://example.org/news/1", 200, "text/html; charset=utf-8", PAGE),
    ("https://example.org/gone", 404, "text/html", b"not found"),
    ("https://example.org/report.pdf", 200, "application/pdf", b"%PDF-1.4 fake"),
]


@pytest.mark.parametrize("compressed", [True, False])
def test_warc_responses_become_children_with_url_and_capture_time(compressed: bool) -> None:
    parsed = parse_warc(make_warc(RESPONSES, gzip=compressed), "crawl.warc.gz", LIMITS)

    assert parsed.media_type == WARC
    assert [child.name for child in parsed.children] == ["https://example.org/news/1",
                                                         "https://example.org/report.pdf"]
    page = parsed.children[0]
    assert page.data == PAGE
    assert page.metadata["url"] == "https://example.org/news/1"
    assert page.metadata["captured_at"] == "2024-02-01T08:15:00+00:00"
    assert page.metadata["content_type"] == "text/html; charset=utf-8"
    assert page.metadata["warc_record_id"].startswith("<urn:uuid:")
    assert parsed.warnings == []


def test_warc_text_lists_captured_urls_and_what_was_skipped() -> None:
    parsed = parse_warc(make_warc(RESPONSES), "crawl.warc.gz", LIMITS)

    assert parsed.text.startswith("Web archive with 2 captured responses")
    assert "https://example.org/news/1" in parsed.text
    assert "https://example.org/gone" not in parsed.text
    assert "3 request records" in parsed.text


def test_warc_compressed_http_body_is_capped() -> None:
    zeros = gzip.compress(bytes(50 * MiB))
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                          ("Content-Encoding", "gzip")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://example.org/bomb", "response",
                                                  payload=io.BytesIO(zeros),
                                                  http_headers=headers))

    parsed = parse_warc(out.getvalue(), "bomb.warc.gz", Limits(MiB, 64 * MiB, 100, 5))

    assert parsed.children == []
    assert any("https://example.org/bomb" in w and "max_file_size" in w
               for w in parsed.warnings)


@pytest.mark.parametrize("data", [b"", b"garbage that is not a web archive" * 10,
                                  b"WARC/1.0\r\nnonsense"])
def test_damaged_warc_is_corrupt(data: bytes) -> None:
    with pytest.raises(CorruptFile):
        parse_warc(data, "broken.warc", LIMITS)


@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_warc_keeps_what_it_can_and_says_so(compressed: bool) -> None:
    data = make_warc(RESPONSES, gzip=compressed)

    parsed = parse_warc(data[: len(data) - 40], "cut.warc.gz", LIMITS)

    assert parsed.children[0].data == PAGE
    assert parsed.warnings
    assert any("incomplete" in w or "truncated" in w for w in parsed.warnings)


# -- hostile input -------------------------------------------------------------------------

PARSERS = {
    "pdf": (parse_pdf, two_page_pdf()),
    "docx": (parse_docx, make_docx()),
    "eml": (parse_eml, make_email(attachments=[("a.txt", "text/plain", b"x")]).as_bytes()),
    "mbox": (parse_mbox, make_mbox(two_messages())),
    "zip": (parse_zip, make_zip([("a.txt", b"alpha"), ("b/c.txt", b"gamma")])),
    "warc": (parse_warc, make_warc(RESPONSES)),
}


def _never_crashes(kind: str, data: bytes) -> None:
    parser, _ = PARSERS[kind]
    try:
        parsed = parser(data, f"input.{kind}", Limits(MiB, 4 * MiB, 50, 5))
    except IngestError as exc:
        assert str(exc)
        return
    assert isinstance(parsed, Parsed)
    for child in parsed.children:
        assert not child.name.startswith("/")
        assert ".." not in child.name.split("/")


@pytest.mark.parametrize("kind", sorted(PARSERS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_input_never_crashes(kind: str, data: st.DataObject) -> None:
    original = PARSERS[kind][1]
    cut = data.draw(st.integers(0, len(original)), label="cut")
    flips = data.draw(st.lists(st.tuples(st.integers(0, len(original) - 1),
                                         st.integers(0, 255)), max_size=8), label="flips")
    damaged = bytearray(original)
    for at, value in flips:
        damaged[at] = value
    _never_crashes(kind, bytes(damaged[:cut]))


@pytest.mark.parametrize("kind", sorted(PARSERS))
@settings(max_examples=30, deadline=None)
@given(junk=st.binary(max_size=2048))
def test_random_bytes_never_crash(kind: str, junk: bytes) -> None:
    _never_crashes(kind, junk)

