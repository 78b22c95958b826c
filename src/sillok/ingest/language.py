"""Offline language identification: Hangul share first, then Google's CLD2 (pycld2).

CLD2 is compiled C with its tables built in: about 20 µs for a sample that took the
pure-Python py3langid 0.3-0.5 ms, which mattered because every ingested text is
identified. Its answers are ISO 639-1 codes where one exists, with a few legacy
spellings put right here.
"""

from __future__ import annotations

import re

import pycld2

SAMPLE = 400  # characters: plenty for a confident guess
MIN_LETTERS = 20  # below this there is too little text to say

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# What CLD2 refuses as input ("invalid UTF-8"): control characters other than tab, line
# feed, form feed and carriage return; lone surrogates; and the Unicode noncharacters.
# The 32 noncharacters outside the BMP are looked for only in a sample that has such
# characters at all: in one character class with the rest they made the substitution
# take 30 µs, more than CLD2 itself, on every text.
_REFUSED = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_REFUSED = re.compile("[" + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF)
                                           for plane in range(1, 17)) + "]")
# CLD2's codes that are not today's ISO 639-1 ones
_CODES = {"iw": "he", "jw": "jv", "zh-Hant": "zh", "sr-ME": "sr"}


def _acceptable(sample: str) -> str:
    """``sample`` with the characters CLD2 refuses blanked out."""
    sample = _REFUSED.sub(" ", sample)
    return _ASTRAL_REFUSED.sub(" ", sample) if _ASTRAL.search(sample) else sample


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ("en", "ko", ...), or None when there is too little
    text or no language can be told."""
    sample = text[:SAMPLE]
    letters = sum(map(str.isalpha, sample))
    if letters < MIN_LETTERS:
        return None
    if len(_HANGUL.findall(sample)) / letters > 0.3:
        return "ko"
    try:
        _reliable, _size, details = pycld2.detect(_acceptable(sample), bestEffort=True)
    except pycld2.error:
        return None
    code = str(details[0][1])
    if code in ("un", "xxx") or code.startswith(("xx-", "zz")):
        return None
    return _CODES.get(code, code)
