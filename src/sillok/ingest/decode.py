"""Turning bytes of unknown encoding into text without ever failing.

General-purpose detectors guess poorly on the input we get most: short Western text
(one "naïve" in Latin-1 reads as Czech cp1250), and East Asian legacy encodings, where
Shift-JIS Japanese decodes without error as CP949 Korean gibberish. So the likely
encodings are tried first, each judged by what a real document in it looks like, and
charset-normalizer only decides what none of them explains.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 200_000
_KANA = re.compile(r"[\u3041-\u309f\u30a0-\u30ff]")
_HANGUL_SYLLABLE = re.compile(r"[\uac00-\ud7a3]")
# What Western European text holds beyond ASCII: accented letters and typography.
_WESTERN = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u00a0\u00a3\u00a7\u00a9\u00ab"
                      r"\u00ae\u00b0\u00b7\u00bb\u00bf\u00a1\u2013\u2014\u2018\u2019\u201a"
                      r"\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u20ac\u2122\u0152\u0153"
                      r"\u0160\u0161\u017d\u017e\u0178]")


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode ``data``; return the text and the encoding used.

    Order: a byte-order mark; strict UTF-8; an encoding the container declared; UTF-8
    with a few damaged bytes; Japanese (Shift-JIS, EUC-JP) when the text has kana;
    Korean (EUC-KR, CP949) when it is mostly Hangul syllables; cp1252/Latin-1 when the
    text is mostly ASCII with accented letters; then charset-normalizer. Bytes that fit
    no encoding become U+FFFD rather than an error: the original is kept byte-for-byte
    anyway, and the clean text must exist.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            codecs.lookup(declared)
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass
    sample = _whole_characters(data[:_SAMPLE])
    for guess in (_mostly_utf8, _japanese, _korean, _western):
        guessed = guess(sample)
        if guessed is not None:
            return data.decode(guessed.split(" ")[0], errors="replace"), guessed
    best = from_bytes(sample).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace"), best.encoding
    return data.decode("utf-8", errors="replace"), "utf-8 (invalid bytes replaced)"


def _whole_characters(sample: bytes) -> bytes:
    """``sample`` cut at a line end, so a multi-byte character is never split in two."""
    if len(sample) < _SAMPLE:
        return sample
    cut = sample.rfind(b"\n")
    return sample[:cut] if cut > 0 else sample


def _strict(sample: bytes, encoding: str) -> str | None:
    try:
        return sample.decode(encoding)
    except UnicodeDecodeError:
        return None


def _non_ascii(text: str) -> int:
    return sum(1 for ch in text if ord(ch) > 127)


def _mostly_utf8(sample: bytes) -> str | None:
    """UTF-8 with a few bad bytes (a cut or damaged file) stays UTF-8."""
    text = sample.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = _non_ascii(text) - bad
    return "utf-8 (invalid bytes replaced)" if good > 0 and good >= 4 * bad else None


def _japanese(sample: bytes) -> str | None:
    """Shift-JIS or EUC-JP when the text decodes cleanly and has kana, as Japanese does."""
    for encoding, label in (("cp932", "shift_jis"), ("euc_jp", "euc-jp")):
        text = _strict(sample, encoding)
        if text is not None and len(_KANA.findall(text)) >= max(1, 0.1 * _non_ascii(text)):
            return label if _strict(sample, label.replace("-", "_")) is not None else encoding
    return None


def _korean(sample: bytes) -> str | None:
    """EUC-KR (or its superset CP949) when the text is mostly Hangul syllables."""
    text = _strict(sample, "cp949")
    if text is None or len(_HANGUL_SYLLABLE.findall(text)) < 0.6 * _non_ascii(text):
        return None
    return "euc-kr" if _strict(sample, "euc_kr") is not None else "cp949"


def _western(sample: bytes) -> str | None:
    """cp1252 (or Latin-1) for mostly-ASCII text whose other letters are Western accents.

    Another single-byte script (Cyrillic, Greek) read as cp1252 is nearly all accented
    letters, so a share of such letters above a third is left to the detector.
    """
    for encoding in ("cp1252", "latin-1"):
        text = _strict(sample, encoding)
        if text is None:
            continue
        extra = _non_ascii(text)
        letters = sum(1 for ch in text if ch.isalpha())
        if extra and len(_WESTERN.findall(text)) == extra and extra <= letters / 3:
            return encoding
    return None
