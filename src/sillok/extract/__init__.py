"""Extraction: linked names, violations and quantitative claims, with offsets.

``extract_text(text, document=..., sha256=...)`` returns the record described in
``spec/EXTRACTION_FORMAT.md``. ``EXTRACTOR_NAME`` and ``EXTRACTOR_VERSION`` name
the rules that produced it; the version changes whenever the output for the same
text can change, so stored extractions stay attributable and re-runs idempotent.
"""

from __future__ import annotations

from .document import extract_text, guess_language

EXTRACTOR_NAME = "sillok-rules"
EXTRACTOR_VERSION = "1.4.0"

__all__ = ["EXTRACTOR_NAME", "EXTRACTOR_VERSION", "extract_text", "guess_language"]
