"""The trafilatura options Sillok builds once are the options it asks for."""

from __future__ import annotations

from importlib import resources
from typing import Any

import pytest
import trafilatura
from lxml import etree

from sillok.ingest.html import _CONFIG, EXTRACTOR

DEMO = resources.files("sillok.demo") / "corpus"
PAGES = sorted(entry.name for entry in DEMO.iterdir() if entry.name.endswith(".html"))


@pytest.mark.parametrize("name", PAGES)
def test_prebuilt_options_extract_what_the_keyword_options_do(name: str) -> None:
    markup = (DEMO / name).read_text(encoding="utf-8")
    keywords = trafilatura.bare_extraction(
        markup, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, favor_recall=True, config=_CONFIG,
        date_extraction_params={"extensive_search": False, "original_date": True})
    prebuilt = trafilatura.bare_extraction(markup, options=EXTRACTOR)
    assert keywords is not None and prebuilt is not None
    assert _comparable(prebuilt.as_dict()) == _comparable(keywords.as_dict())
    assert prebuilt.as_dict()["text"]


def _comparable(fields: dict[str, Any]) -> dict[str, Any]:
    # the extracted trees are lxml elements, equal only to themselves: compare markup
    return {key: etree.tostring(value) if isinstance(value, etree._Element) else value
            for key, value in fields.items()}


def test_the_prebuilt_options_are_sillok_s() -> None:
    # an article under trafilatura's 250 characters is trusted, comments are dropped,
    # tables kept, and the date is the page's own
    assert (EXTRACTOR.min_extracted_size, EXTRACTOR.min_output_size) == (20, 1)
    assert (EXTRACTOR.focus, EXTRACTOR.comments, EXTRACTOR.tables, EXTRACTOR.with_metadata) \
        == ("recall", False, True, True)
    assert (EXTRACTOR.links, EXTRACTOR.images) == (False, False)
    assert EXTRACTOR.date_params is not None
    assert EXTRACTOR.date_params["extensive_search"] is False
