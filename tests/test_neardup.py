"""Near-duplicate signatures stay the ones archives already hold.

Archives store MinHash signatures computed by datasketch 2.0 ("affine32", 128
permutations, seed 1, CRC-32 of each shingle); Sillok now computes them itself, and a
new document must match an old one exactly as before.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import numpy as np
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.ingest import neardup

CORPUS = Path(__file__).parent / "eval"


def _shingles(text: str) -> set[bytes]:
    # how the stored signatures' shingles were made: 4 words of re's \w, lower-cased,
    # the first 20,000 characters, joined by a space, UTF-8
    words = re.findall(r"\w+", text[:20_000].lower())
    return {" ".join(words[i:i + 4]).encode("utf-8") for i in range(len(words) - 3)}


def _datasketch(text: str) -> np.ndarray:
    # the parameters the stored signatures were made with, not the module's constants
    minhash = MinHash(num_perm=128, seed=1, hashfunc=zlib.crc32, scheme="affine32")
    minhash.update_batch(list(_shingles(text)))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def test_signatures_of_the_corpus_are_datasketchs() -> None:
    texts = [path.read_text("utf-8", "replace") for path in sorted(CORPUS.rglob("*"))
             if path.is_file() and path.suffix in (".txt", ".md", ".html")]
    assert len(texts) > 20 and any("요덕" in text for text in texts)
    for text in texts:
        assert neardup.shingles(text) == _shingles(text)
        signature = neardup.signature(text)
        assert signature is not None
        assert np.array_equal(signature, _datasketch(text))


words = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                max_size=8)


@settings(max_examples=150, deadline=None)
@given(st.lists(words, min_size=12, max_size=200))
def test_any_text_gets_datasketchs_signature(parts: list[str]) -> None:
    text = " ".join(parts)
    signature = neardup.signature(text)
    if len(neardup.shingles(text)) < neardup.MIN_SHINGLES:
        assert signature is None
    else:
        assert signature is not None
        assert np.array_equal(signature, _datasketch(text))


# Separators of every kind: ASCII punctuation and white space, non-ASCII punctuation,
# marks and symbols (an accent left alone by lower(), "İ" whose lower case ends in a
# combining dot), lone surrogates, letters and digits outside the BMP.
_ANY = st.characters(codec="utf-8") | st.sampled_from(
    list(" \t\n\r\x0b\x0c_-.,;'\"’“”—…·。、「」\u0301\u0307İẞΣς\ud800\udfff\U0001d7d8\U00020000"))


@settings(max_examples=300, deadline=None)
@given(st.text(_ANY, max_size=300))
def test_shingles_are_runs_of_regular_expression_words(text: str) -> None:
    assert neardup.shingles(text) == _shingles(text)
