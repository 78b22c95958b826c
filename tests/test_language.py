"""Language identification of clean text: the codes a user filters and searches by."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.ingest.language import detect_language

SENTENCES = {
    "en": "The prisoners were forced to work in the mines for fourteen hours a day.",
    "fr": "Les prisonniers étaient contraints de travailler dans les mines quatorze heures "
          "par jour.",
    "de": "Die Gefangenen mussten vierzehn Stunden am Tag in den Minen arbeiten.",
    "ru": "Заключенных заставляли работать в шахтах по четырнадцать часов в день.",
    "ja": "囚人たちは一日十四時間、鉱山で働かされ、多くの人が飢えで亡くなった。",
    "ko": "수감자들은 하루 14시간씩 광산에서 일하도록 강요당했다.",
    # CLD2 says "iw" and "zh-Hant": users get today's ISO 639-1 codes
    "he": "האסירים נאלצו לעבוד במכרות ארבע עשרה שעות ביום.",
    "zh": "囚犯們被迫每天在礦井裡工作十四個小時，許多人死於飢餓。",
}


@pytest.mark.parametrize("code", sorted(SENTENCES))
def test_a_sentence_gets_its_iso_639_1_code(code: str) -> None:
    assert detect_language(SENTENCES[code]) == code


def test_mostly_korean_text_with_english_names_is_korean() -> None:
    text = ("요덕 정치범수용소(Yodok, Camp 15)에 대한 NKDB 보고서에 따르면 "
            "수감자들은 강제노동을 했다.")
    assert detect_language(text) == "ko"


@pytest.mark.parametrize("text", ["", "12,000 – 2019", "Yodok", "https://example.org/a/b"])
def test_too_little_text_has_no_language(text: str) -> None:
    assert detect_language(text) is None


def test_control_characters_and_noncharacters_do_not_hide_the_language() -> None:
    # PDF text layers and broken pages carry these; the classifier refuses them as input
    text = "\x00\x07" + SENTENCES["en"].replace(" ", " \x1b\ufffe\ud800 ") + "\x9f\U0010ffff"
    assert detect_language(text) == "en"


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=600))
def test_any_text_gets_a_code_or_none(text: str) -> None:
    code = detect_language(text)
    assert code is None or (code.isascii() and 2 <= len(code) <= 3 and code.islower())
