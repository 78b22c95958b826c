"""How text becomes search terms, the same way for documents and for queries.

Terms are folded (lower case, no diacritics or breves, apostrophes dropped inside
words: "Ch'ŏngjin" → ``chongjin``). A hyphenated word yields its pieces and then the
joined word ("kwan-li-so" → ``kwan li so kwanliso``), so both "kwan li so" and
"kwanliso" find it. Hangul is indexed as overlapping syllable bigrams
("요덕수용소에서" → ``요덕 덕수 수용 용소 소에 에서``): Korean attaches particles and
suffixes to words, and a bigram sequence finds any substring of two syllables or
more, so 요덕 is found inside 요덕수용소에서. A lone syllable is kept as it is.
Letters and Hangul next to each other are split ("15호" → ``15 호``).

:func:`fold_same_length` gives a folded copy of a text with the same length, so a
match found in it is a span of the original (snippets and highlights use it).
"""

from __future__ import annotations

import re
import unicodedata

MAX_TERM = 40
_HANGUL = re.compile(r"[\uac00-\ud7a3]+")
# A "word": letters/digits, possibly joined by hyphens or apostrophes.
_WORD = re.compile(r"[^\W_]+(?:['’ʼ‘`\-‐‑][^\W_]+)*")
_SCRIPT_SPLIT = re.compile(r"[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+")
_APOSTROPHES = "'’ʼ‘`"
_HYPHENS = "-‐‑"


class _Folder(dict[int, str]):
    """A ``str.translate`` table built on demand: one character in, one character out."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
        if len(base) != 1:
            lowered = char.lower()
            base = lowered if len(lowered) == 1 else char
        self[code] = base
        return base


_FOLD = _Folder()


def fold_same_length(text: str) -> str:
    """``text`` lower-cased and without diacritics, character for character."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD)


def _word_terms(word: str, out: list[str]) -> None:
    for run in _SCRIPT_SPLIT.findall(word):
        if "\uac00" <= run[0] <= "\ud7a3":
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
            continue
        for ch in _APOSTROPHES:
            run = run.replace(ch, "")
        pieces = [p for p in re.split(r"[\-‐‑]+", run) if p]
        if not pieces:
            continue
        out.extend(p[:MAX_TERM] for p in pieces)
        if len(pieces) > 1:
            out.append("".join(pieces)[:MAX_TERM])


def index_text(text: str) -> str:
    """The terms of ``text`` joined by single spaces: what the full-text engine indexes."""
    out: list[str] = []
    append = out.append
    for word in _WORD.findall(fold_same_length(text)):
        if word.isascii() and word.isalnum():
            append(word if len(word) <= MAX_TERM else word[:MAX_TERM])
        else:
            _word_terms(word, out)
    return " ".join(out)


def terms(text: str) -> list[str]:
    """The search terms of ``text``, in order."""
    return index_text(text).split(" ") if text else []


def query_alternatives(text: str, limit: int = 8) -> list[list[str]]:
    """Term sequences a query word or phrase may take in the index.

    A hyphenated word is either its pieces or its joined form ("Camp-15" finds
    "Camp 15" and "Camp-15"; "kwan-li-so" finds "kwanliso"), so a phrase with
    hyphenated words has several sequences (at most ``limit``).
    """
    sequences: list[list[str]] = [[]]
    for word in _WORD.findall(fold_same_length(text)):
        found: list[str] = []
        _word_terms(word, found)
        options = [found]
        if any(h in word for h in _HYPHENS) and not _HANGUL.search(word) and len(found) > 1:
            options = [found[:-1], found[-1:]]
        sequences = [seq + option for seq in sequences for option in options][:limit]
    return [seq for seq in sequences if seq]


def is_hangul(term: str) -> bool:
    return bool(term) and "\uac00" <= term[0] <= "\ud7a3"
