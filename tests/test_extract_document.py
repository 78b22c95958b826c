"""The extraction record: exact format, offsets, determinism (sillok.extract.extract_text)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.api import parse_file
from sillok.extract import EXTRACTOR_NAME, EXTRACTOR_VERSION, extract_text, guess_language
from sillok.extract.segment import segment

SHARED_DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
EVAL_DOCS = Path(__file__).resolve().parent / "eval" / "docs"
LIST_FIELDS = ["facility_types", "facilities", "agencies", "organizations", "violations",
               "claims"]
KEYS = ["document", "sha256", "language", "title", "published", "publisher", *LIST_FIELDS]


def clean(path: Path) -> str:
    """The text ``sillok text`` would print for this file once ingested."""
    return parse_file(path).text


def corpus() -> list[Path]:
    paths = sorted(SHARED_DEV.glob("*.txt")) + sorted(EVAL_DOCS.glob("*.txt"))
    assert paths, "no development or evaluation documents"
    return paths


def test_name_and_version() -> None:
    assert EXTRACTOR_NAME == "sillok-rules"
    assert re.fullmatch(r"\d+\.\d+\.\d+", EXTRACTOR_VERSION)


def test_empty_text_gives_every_field() -> None:
    record = extract_text("", document="empty.txt", sha256="e" * 64)
    assert list(record) == KEYS
    assert record["language"] == "en"
    assert all(record[field] == [] for field in LIST_FIELDS)


def test_metadata_is_passed_through() -> None:
    record = extract_text("Nothing here.", document="reports/a.html", sha256="a" * 64,
                          language="en", title="A title", published="2022-04-12",
                          publisher="us-state-department")
    assert (record["document"], record["sha256"], record["title"], record["published"],
            record["publisher"]) == ("reports/a.html", "a" * 64, "A title", "2022-04-12",
                                     "us-state-department")


def test_language_is_guessed_when_not_given() -> None:
    assert guess_language("북한 정치범수용소에 수감된 사람들") == "ko"
    assert guess_language("Political prison camps in North Korea, 관리소") == "en"


def test_record_for_a_report_paragraph() -> None:
    text = ("According to a 2020 report by the HRNK, the government operated six kwanliso: "
            "Camps 14, 15, 16, 18, and 25. Guards at Camp 15 routinely tortured prisoners.")
    record = extract_text(text, document="r.txt", sha256="0" * 64)
    assert [f["id"] for f in record["facility_types"]] == ["kwanliso"]
    assert [f["id"] for f in record["organizations"]] == ["hrnk"]
    assert [v["id"] for v in record["violations"]] == ["torture"]
    assert record["violations"][0]["facilities"] == ["kwanliso-15"]
    (claim,) = record["claims"]
    assert claim == {
        "subject": "kwanliso", "measure": "facility-count", "low": 6, "high": 6,
        "as_of": "2020", "attributed_to": ["hrnk"], "start": 0, "end": 107,
        "text": text[:107],
    }


def test_record_links_every_facility_of_a_coordinated_list() -> None:
    text = ("HRNK identified five operating camps: No. 14 in Kaechun, No. 15 in Yoduk and "
            "No. 25 in Chungjin. Prisoners in these camps were forced to work in mines.\n\n"
            "통일연구원이 파악한 관리소는 제14호(개천), 제16호(화성) 등이다. "
            "개천 제1교화소에서는 구타가 일상적이었다.")
    record = extract_text(text, document="r.txt", sha256="0" * 64)
    assert [f["id"] for f in record["facilities"]] == [
        "kwanliso-14", "kwanliso-15", "kwanliso-16", "kwanliso-25", "kyohwaso-1"]
    for facility in record["facilities"]:
        for mention in facility["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]
    violations = {v["id"]: v["facilities"] for v in record["violations"]}
    assert violations["forced-labour"] == ["kwanliso-14", "kwanliso-15", "kwanliso-25"]
    assert violations["torture"] == ["kyohwaso-1"]


@dataclass
class Checked:
    path: Path
    text: str
    record: dict[str, Any]


@pytest.fixture(scope="module")
def extracted() -> list[Checked]:
    out = []
    for path in corpus():
        text = clean(path)
        out.append(Checked(path, text, extract_text(text, document=path.name, sha256="0")))
    return out


def test_every_offset_points_at_its_text(extracted: list[Checked]) -> None:
    for item in extracted:
        for field in ["facility_types", "facilities", "agencies", "organizations",
                      "violations"]:
            for entry in item.record[field]:
                assert entry["mentions"], (item.path.name, field, entry["id"])
                for m in entry["mentions"]:
                    assert item.text[m["start"]:m["end"]] == m["text"], (item.path.name, m)
        for claim in item.record["claims"]:
            assert item.text[claim["start"]:claim["end"]] == claim["text"]


def test_records_are_sorted_typed_and_json(extracted: list[Checked]) -> None:
    for item in extracted:
        record = item.record
        assert list(record) == KEYS
        json.dumps(record)  # plain JSON values only
        for field in ["facility_types", "facilities", "agencies", "organizations",
                      "violations"]:
            ids = [entry["id"] for entry in record[field]]
            assert ids == sorted(set(ids))
            for entry in record[field]:
                starts = [(m["start"], m["end"]) for m in entry["mentions"]]
                assert starts == sorted(starts)
        starts = [c["start"] for c in record["claims"]]
        assert starts == sorted(starts)
        for claim in record["claims"]:
            for bound in (claim["low"], claim["high"]):
                assert bound is None or (isinstance(bound, int) and not isinstance(bound, bool))
            assert claim["low"] is not None or claim["high"] is not None
            if claim["low"] is not None and claim["high"] is not None:
                assert claim["low"] <= claim["high"]
            assert claim["attributed_to"] == sorted(set(claim["attributed_to"]))


def test_output_is_deterministic(extracted: list[Checked]) -> None:
    for item in extracted[:6]:
        again = extract_text(item.text, document=item.path.name, sha256="0")
        assert json.dumps(again, sort_keys=False) == json.dumps(item.record, sort_keys=False)


def test_ids_come_from_the_vocabulary(extracted: list[Checked]) -> None:
    violations = {"execution", "death-in-custody", "starvation", "forced-labour",
                  "arbitrary-detention", "torture", "sexual-violence", "reproductive-violence",
                  "persecution", "enforced-disappearance", "collective-punishment",
                  "medical-neglect", "inhumane-conditions", "forced-repatriation", "trafficking"}
    measures = {"prisoner-population", "facility-count", "deaths", "repatriated-persons",
                "detained-abroad", "forced-labourers"}
    for item in extracted:
        assert {v["id"] for v in item.record["violations"]} <= violations
        assert {c["measure"] for c in item.record["claims"]} <= measures


def test_segmentation_of_glued_web_text() -> None:
    text = ("crimes against humanity.The report, by the U.S. Department of State, says so. "
            "Camp No. 14 is large.\n\nNew paragraph here! 북한은 부인했다. 그러나 증언은 많다.")
    seg = segment(text)
    sentences = [text[s.start:s.end] for s in seg.sentences]
    assert sentences == [
        "crimes against humanity.",
        "The report, by the U.S. Department of State, says so.",
        "Camp No. 14 is large.",
        "New paragraph here!",
        "북한은 부인했다.",
        "그러나 증언은 많다.",
    ]
    assert len(seg.paragraphs) == 2
    assert seg.paragraph_at(text.index("New")) == seg.paragraphs[1]


_PIECES = ["Camp 14", "Yodok", "kwanliso", "요덕수용소", "between 80,000 and 120,000", "prisoners",
           "약 23만 2400명", "tortured", "no reports of", "고문", "KINU", "in 2013", ". ", "\n\n",
           ", ", "more than 20", "the", "were held in", "수감돼", "HRNK estimated that", "“pumps”",
           "12만여 명", "died", "(", ")", "No.", "$", "%", "–", " "]


@given(st.lists(st.sampled_from(_PIECES), max_size=40), st.text(max_size=30))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_a_valid_record(pieces: list[str], noise: str) -> None:
    text = " ".join(pieces) + noise
    record = extract_text(text, document="fuzz.txt", sha256="0" * 64)
    assert list(record) == KEYS
    for field in ["facility_types", "facilities", "agencies", "organizations", "violations"]:
        for entry in record[field]:
            for m in entry["mentions"]:
                assert text[m["start"]:m["end"]] == m["text"]
    for claim in record["claims"]:
        assert text[claim["start"]:claim["end"]] == claim["text"]
        assert claim["low"] is not None or claim["high"] is not None
