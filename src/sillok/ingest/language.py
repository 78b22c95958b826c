"""Offline language identification: Hangul share first, then py3langid's bundled model."""

from __future__ import annotations

import re

_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_LETTER = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` ("en", "ko", ...), or None when there is too little text."""
    sample = text[:400]  # plenty for a confident guess; the classifier is linear in length
    letters = len(_LETTER.findall(sample))
    if letters < 20:
        return None
    if len(_HANGUL.findall(sample)) / letters > 0.3:
        return "ko"
    import py3langid  # loads its model on first use only

    code, _score = py3langid.classify(sample)
    return str(code)

