"""Encoding detection on real encoded bytes: East Asian legacy encodings, short Western
text, UTF-16 with a BOM, and bytes that are not valid in any encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

import sillok
from sillok.ingest.decode import decode_text
from sillok.store.archive import Archive

KOREAN = "북한 정치범수용소에서 강제노동과 고문이 계속되고 있다고 유엔 보고서가 밝혔다."
JAPANESE = "北朝鮮の政治犯収容所では強制労働と拷問が続いていると国連の報告書は指摘した。"


@pytest.mark.parametrize(("text", "codec", "expected_encoding"), [
    (KOREAN, "euc_kr", "euc-kr"),
    # CP949 only: 똠 and 햏 are outside EUC-KR's 2,350 syllables
    ("똠방각하 햏 정치범수용소 수감자 증언을 기록했다", "cp949", "cp949"),
    (JAPANESE, "shift_jis", "shift_jis"),
    (JAPANESE, "euc_jp", "euc-jp"),
    ("A naïve approach.", "latin-1", "cp1252"),
    ("Café owner José said the façade was rebuilt in 2019.", "latin-1", "cp1252"),
    ("He said \u201cthe camp is closed\u201d \u2014 but it wasn\u2019t.", "cp1252", "cp1252"),
    ("Северная Корея продолжает нарушать права человека в лагерях.", "cp1251", "cp1251"),
])
def test_legacy_encodings_are_detected(text: str, codec: str, expected_encoding: str) -> None:
    decoded, encoding = decode_text(text.encode(codec))
    assert decoded == text
    assert encoding == expected_encoding


def test_utf16_with_a_bom() -> None:
    assert decode_text("Hello 북한 world".encode("utf-16")) == ("Hello 북한 world", "utf-16")


def test_invalid_utf8_never_crashes_and_keeps_the_readable_part() -> None:
    text, _encoding = decode_text(b"Valid start \xff\xfe\xfa broken \xc3 end")
    assert text.startswith("Valid start ") and text.endswith(" end")


def test_utf8_cut_inside_a_character_stays_utf8() -> None:
    data = "북한 정치범수용소 보고서".encode()[:-1]
    text, encoding = decode_text(data)
    assert text.startswith("북한 정치범수용소 보고")
    assert encoding == "utf-8 (invalid bytes replaced)"


def test_shift_jis_text_file_is_stored_as_japanese(tmp_path: Path, archive: Archive) -> None:
    source = tmp_path / "japanese.txt"
    source.write_bytes((JAPANESE + "\n" + JAPANESE).encode("shift_jis"))
    report = sillok.ingest_path(source, archive=archive)
    doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    assert doc["encoding"] == "shift_jis"
    assert doc["language"] == "ja"
    assert JAPANESE in sillok.document_text(doc["id"], archive=archive)


def test_euc_kr_text_file_is_stored_as_korean(tmp_path: Path, archive: Archive) -> None:
    source = tmp_path / "korean.txt"
    source.write_bytes((KOREAN + "\n" + KOREAN).encode("euc_kr"))
    report = sillok.ingest_path(source, archive=archive)
    doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    assert doc["language"] == "ko"
    assert KOREAN in sillok.document_text(doc["id"], archive=archive)
