"""E-mail: single messages (EML) and mailboxes (MBOX).

A message's headers become metadata and its body the text; every attachment,
forwarded message included, becomes a child document. A mailbox is split into
its messages, each a child document, and its own text is a listing of them.
HTML bodies are reduced to their visible text; nothing in a message is ever run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from html.parser import HTMLParser
from typing import Any

from ..exc import CorruptFile, IngestError, TooLarge
from .base import EML, MBOX, Child, Limits, Parsed
from .decode import decode_text

log = logging.getLogger(__name__)

_HEADERS = {"From": "from", "To": "to", "Cc": "cc", "Date": "date", "Subject": "subject",
            "Message-ID": "message_id", "In-Reply-To": "in_reply_to"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "pre", "ul", "ol", "section", "article", "hr", "dd", "dt"}
_DAMAGED_EML = "damaged e-mail message: it cannot be parsed; get a fresh copy and ingest again"
_DAMAGED_MBOX = ("damaged mailbox: it cannot be split into messages; get a fresh copy and "
                 "ingest again")
_HIDDEN_TAGS = {"script", "style", "head", "title", "noscript", "template"}


def _guarded(reader: Callable[[bytes, str, Limits], Parsed], data: bytes, name: str,
             limits: Limits, damaged: str) -> Parsed:
    """Run ``reader``; anything but a deliberate IngestError is reported as damage."""
    try:
        return reader(data, name, limits)
    except IngestError:
        raise
    except MemoryError:
        raise TooLarge("too large to read in the memory available: ingest it on a "
                       "machine with more memory") from None
    except Exception as exc:  # last line of defence: hostile input must not stop a batch
        log.warning("%s: unexpected error while reading: %r", name, exc)
        raise CorruptFile(damaged) from None


def parse_eml(data: bytes, name: str, limits: Limits) -> Parsed:
    """Read one message: headers as metadata, the body as text, attachments as children."""
    return _guarded(_read_eml, data, name, limits, _DAMAGED_EML)


def _read_eml(data: bytes, name: str, limits: Limits) -> Parsed:
    if not data.strip():
        raise CorruptFile("empty e-mail file: there is no message to read")
    try:
        message = BytesParser(policy=policy.default).parsebytes(data)
    except Exception as exc:  # the parser is lenient; this is only a last line of defence
        log.debug("%s: unparseable message: %r", name, exc)
        raise CorruptFile(_DAMAGED_EML) from None
    if not isinstance(message, EmailMessage) or not any(k in message for k in _HEADERS):
        raise CorruptFile("not an e-mail message: it has none of the usual headers "
                          "(From, To, Date, Subject)")

    parsed = Parsed(media_type=EML)
    for header, key in _HEADERS.items():
        value = _header(message, header)
        if value:
            parsed.metadata[key] = value
    parsed.title = parsed.metadata.get("subject")
    parsed.author = parsed.metadata.get("from")
    sent = _date(message)
    if sent is not None:
        parsed.metadata["date"] = sent.isoformat()
        parsed.published = sent.date().isoformat()

    body = _body_part(message)
    texts: list[str] = []
    if body is not None:
        text = _part_text(body)
        texts.append(_html_to_text(text) if body.get_content_subtype() == "html" else text)
    attachments = _Attachments(parsed, parsed.metadata.get("message_id"), limits)
    _walk(message, body, attachments, texts, in_alternative=False)
    parsed.text = "\n\n".join(t.strip() for t in texts if t.strip())
    return parsed


def parse_mbox(data: bytes, name: str, limits: Limits) -> Parsed:
    """Split a mailbox into its messages; each becomes a child ``message-NNNN.eml``."""
    return _guarded(_read_mbox, data, name, limits, _DAMAGED_MBOX)


def _read_mbox(data: bytes, name: str, limits: Limits) -> Parsed:
    starts = _message_starts(data)
    if not starts:
        raise CorruptFile("not an mbox mailbox: it does not start with a 'From ' line; "
                          "if it is a single message, name it .eml")
    parsed = Parsed(media_type=MBOX)
    listing: list[str] = []
    total = 0
    for index, start in enumerate(starts):
        number = index + 1
        if number > limits.max_members:
            parsed.warnings.append(f"mailbox has {len(starts):,} messages: only the first "
                                   f"{limits.max_members:,} were read (max_members)")
            break
        end = starts[index + 1] if index + 1 < len(starts) else len(data)
        line_end = data.find(b"\n", start, end)
        line_end = end if line_end == -1 else line_end + 1
        envelope = data[start:line_end].decode("utf-8", "replace").strip()
        message = data[line_end:end]
        newline = b"\r\n" if data.endswith(b"\r\n", start, line_end) else b"\n"
        message = message[: len(message.rstrip(b"\r\n"))] + newline
        message = _ESCAPED_FROM.sub(rb"\1", message)
        if len(message) > limits.max_file_size:
            parsed.warnings.append(f"message {number} skipped: {len(message):,} bytes is over "
                                   f"the file size limit of {limits.max_file_size:,}")
            continue
        total += len(message)
        if total > limits.max_expansion:
            parsed.warnings.append(f"mailbox read up to message {index}: the messages exceed "
                                   f"the expansion limit of {limits.max_expansion:,} bytes")
            break
        parsed.children.append(Child(name=f"message-{number:04d}.eml", data=message,
                                     metadata={"mbox_index": number,
                                               "mbox_from_line": envelope}))
        listing.append(f"{number}. {_summary(message)}")
    count = len(parsed.children)
    parsed.metadata["message_count"] = count
    heading = f"Mailbox with {count} message{'s' if count != 1 else ''}"
    parsed.text = heading + ("\n\n" + "\n".join(listing) if listing else "")
    return parsed


# -- messages ------------------------------------------------------------------------------


def _header(message: Message, header: str) -> str | None:
    """A header's decoded value, surviving headers that the modern parser chokes on."""
    try:
        value = message.get(header)
        text = None if value is None else str(value)
    except Exception:
        raw = next((v for k, v in message.raw_items() if k.lower() == header.lower()), None)
        try:
            text = None if raw is None else str(make_header(decode_header(str(raw))))
        except Exception:
            text = None if raw is None else str(raw)
    if text is None:
        return None
    text = " ".join(text.split())
    return text or None


def _date(message: Message) -> datetime | None:
    try:
        value = message.get("Date")
        sent = getattr(value, "datetime", None)
    except Exception:
        return None
    return sent if isinstance(sent, datetime) else None


def _body_part(message: EmailMessage) -> EmailMessage | None:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None
    return part if isinstance(part, EmailMessage) else None


def _part_text(part: Message) -> str:
    """A text part decoded from its transfer encoding and charset, never failing."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    if not isinstance(payload, bytes):
        return ""
    try:
        declared = part.get_content_charset()
    except Exception:
        declared = None
    return decode_text(payload, declared)[0]


class _HTMLText(HTMLParser):
    """Collects the visible text of an HTML body, breaking lines at block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":  # a <head> left open must not hide the whole message
            self.hidden = 0
        elif tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_to_text(markup: str) -> str:
    """Visible text of an HTML body, one block per line; scripts and styles dropped."""
    parser = _HTMLText()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # the stdlib parser is forgiving; keep whatever it collected
        pass
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Attachments:
    """Collects attachments as children within the count and size caps."""

    def __init__(self, parsed: Parsed, message_id: str | None, limits: Limits) -> None:
        self.parsed = parsed
        self.message_id = message_id
        self.limits = limits
        self.total = 0
        self.full = False

    def add(self, part: Message) -> None:
        if self.full:
            return
        number = len(self.parsed.children) + 1
        if number > self.limits.max_members:
            self.parsed.warnings.append(f"more than {self.limits.max_members:,} attachments: "
                                        "the rest were not read (max_members)")
            self.full = True
            return
        content_type = part.get_content_type()
        original = _filename(part)
        filename = _safe_filename(original) or f"attachment-{number}{_extension(content_type)}"
        data = _attachment_bytes(part)
        if len(data) > self.limits.max_file_size:
            self.parsed.warnings.append(
                f"attachment {filename!r} skipped: {len(data):,} bytes is over the file size "
                f"limit of {self.limits.max_file_size:,}")
            return
        if self.total + len(data) > self.limits.max_expansion:
            self.parsed.warnings.append(
                f"attachments read up to {filename!r}: together they exceed the expansion "
                f"limit of {self.limits.max_expansion:,} bytes")
            self.full = True
            return
        self.total += len(data)
        metadata: dict[str, Any] = {"attachment_of": self.message_id,
                                    "content_type": content_type}
        if original and original != filename:
            metadata["original_name"] = original
            # kept safely under a clean name: a warning on the attachment's item, not a
            # failure of the message
            metadata["warning"] = f"unsafe attachment name {original!r} stored as {filename!r}"
        self.parsed.children.append(Child(name=filename, data=data, metadata=metadata))


def _walk(part: Message, body: Message | None, attachments: _Attachments, texts: list[str],
          *, in_alternative: bool) -> None:
    """Find attachments (and stray inline text parts) in reading order."""
    if part is body:
        return
    maintype = part.get_content_maintype()
    if maintype == "message" and part.get_content_type() == "message/rfc822":
        attachments.add(part)
        return
    if part.is_multipart():
        alternative = part.get_content_type() == "multipart/alternative"
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _walk(sub, body, attachments, texts, in_alternative=in_alternative or alternative)
        return
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    if maintype == "text" and disposition != "attachment" and not _filename(part):
        # Alternatives repeat the body; other inline text continues it.
        if not in_alternative and part.get_content_subtype() == "plain":
            texts.append(_part_text(part))
        return
    attachments.add(part)


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        return None
    return str(name) if name else None


def _safe_filename(name: str | None) -> str:
    """The last path segment of a name, without control characters."""
    if not name:
        return ""
    last = re.split(r"[/\\]", name)[-1]
    last = "".join(ch for ch in last if ch.isprintable()).strip().lstrip(".")
    return "" if last in ("", ".", "..") else last[:255]


def _extension(content_type: str) -> str:
    import mimetypes

    if content_type == "message/rfc822":
        return ".eml"
    return mimetypes.guess_extension(content_type) or ".bin"


def _attachment_bytes(part: Message) -> bytes:
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            try:
                return inner[0].as_bytes(policy=policy.default.clone(linesep="\n"))
            except Exception:
                return bytes(inner[0])
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        payload = None
    return payload if isinstance(payload, bytes) else b""


# -- mailboxes -----------------------------------------------------------------------------


_FROM_LINE = re.compile(rb"^From ", re.M)
# Writers quote body lines that start with "From " as ">From " (and ">From " as
# ">>From "); one level is removed to give back the message as it was sent.
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.M)


def _message_starts(data: bytes) -> list[int]:
    """Offsets of the ``From `` lines that begin messages.

    A ``From `` line counts only at the start of the file or after a blank line,
    so an unescaped "From " in a body does not split its message.
    """
    first = len(data) - len(data.lstrip(b"\r\n"))
    if not data.startswith(b"From ", first):
        return []
    starts = [first]
    for match in _FROM_LINE.finditer(data, first + 1):
        at = match.start()
        if data.endswith(b"\n\n", 0, at) or data.endswith(b"\n\r\n", 0, at):
            starts.append(at)
    return starts


def _summary(message: bytes) -> str:
    """``date · from · subject`` of a message, read from its headers only."""
    end = message.find(b"\n\n")
    end = message.find(b"\r\n\r\n") if end == -1 else end
    head = message if end == -1 else message[: end + 1]
    try:
        headers = BytesHeaderParser(policy=policy.default).parsebytes(head)
    except Exception:
        return "(headers unreadable)"
    sent = _date(headers)
    parts = [sent.date().isoformat() if sent else "(no date)",
             _header(headers, "From") or "(no sender)",
             _header(headers, "Subject") or "(no subject)"]
    return " · ".join(parts)
