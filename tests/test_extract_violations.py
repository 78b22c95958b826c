"""Violation detection: triggers, negation, organisation names, facility links, Korean."""

from __future__ import annotations

from typing import Any

import pytest

from sillok.exc import ConfigError
from sillok.extract import extract_text
from sillok.extract.lexicon import Lexicon
from sillok.extract.negation import is_negated


def violations(text: str) -> dict[str, dict[str, Any]]:
    record = extract_text(text, document="t.txt", sha256="0" * 64)
    return {v["id"]: v for v in record["violations"]}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guards beat prisoners and forced them into stress positions.", {"torture"}),
        ("Detainees were made to do “pumps” until they collapsed.", {"torture"}),
        ("Women were subjected to forced abortions and infanticide.", {"reproductive-violence"}),
        ("Inmates died of disease and hunger; guards raped female prisoners.",
         {"death-in-custody", "starvation", "sexual-violence"}),
        ("Families of defectors were sent to the camps under guilt by association.",
         {"collective-punishment"}),
        ("Christians are persecuted for their faith.", {"persecution"}),
        ("China forcibly repatriated 50 refugees.", {"forced-repatriation"}),
        ("Women are trafficked into forced marriages in China.", {"trafficking"}),
        ("Prisoners had no access to medical care and lived in overcrowded cells.",
         {"medical-neglect", "inhumane-conditions"}),
        ("Detainees were held without trial for months.", {"arbitrary-detention"}),
        ("His relatives say he disappeared after his arrest.", {"enforced-disappearance"}),
        ("Prisoners were forced to work in the mines.", {"forced-labour"}),
        ("Defectors described public executions.", {"execution"}),
    ],
)
def test_english_triggers(text: str, expected: set[str]) -> None:
    assert set(violations(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("탈북민들은 집결소에서 구타와 성폭행을 당했다고 증언했다.",
         {"torture", "sexual-violence"}),
        ("강제북송된 여성들은 강제낙태를 당했다.",
         {"forced-repatriation", "reproductive-violence"}),
        ("교화소 수감자들은 식량 부족으로 영양실조에 시달렸다.", {"starvation"}),
        ("연좌제에 따라 가족 전체가 수용소로 끌려갔다.", {"collective-punishment"}),
        ("수감자들은 광산에서 강제노동에 동원되었다.", {"forced-labour"}),
        ("탄광 사고와 굶주림으로 매일같이 사람이 죽었다.", {"death-in-custody", "starvation"}),
    ],
)
def test_korean_triggers(text: str, expected: set[str]) -> None:
    assert set(violations(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "There were no reports of forced abortions at the facility.",
        "The detainee said she had not been tortured.",
        "North Korea denied the existence of forced labour camps.",
        "The law prohibits torture.",
        "There is no evidence that executions took place at the site.",
        "The Committee against Torture reviewed the report.",
        "고문은 없었다고 북한은 주장했다.",
        "북한은 강제노동 사실을 부인했다.",
    ],
)
def test_negated_mentions_do_not_count(text: str) -> None:
    assert violations(text) == {}


def test_negation_scope_ends_at_a_clause_boundary() -> None:
    text = ("The government did not enforce the law and mobilized the population for "
            "compulsory labor.")
    assert set(violations(text)) == {"forced-labour"}
    text = "No evidence of torture was found, but beatings were common."
    found = violations(text)
    assert [m["text"] for m in found["torture"]["mentions"]] == ["beatings"]


@pytest.mark.parametrize(
    ("sentence", "word", "negated"),
    [
        ("Torture was not reported at the facility.", "Torture", True),
        ("Torture was not only common but systematic.", "Torture", False),
        ("They didn't face torture.", "torture", True),
        ("Former prisoners who had been tortured described it.", "tortured", False),
        ("수감자들은 고문을 당했다.", "고문", False),
    ],
)
def test_is_negated(sentence: str, word: str, negated: bool) -> None:
    start = sentence.index(word)
    assert is_negated(sentence, start, start + len(word), 0, len(sentence)) is negated


def test_mentions_have_exact_offsets_and_facilities() -> None:
    text = "Public executions were carried out at Yodok. Elsewhere, guards beat prisoners."
    found = violations(text)
    (execution,) = found["execution"]["mentions"]
    assert execution == {"start": 0, "end": 17, "text": "Public executions"}
    assert found["execution"]["facilities"] == ["kwanliso-15"]
    assert found["torture"]["facilities"] == ["kwanliso-15"]  # same paragraph
    for violation in found.values():
        for mention in violation["mentions"]:
            assert text[mention["start"]:mention["end"]] == mention["text"]


def test_korean_facility_link() -> None:
    text = "요덕수용소에서 공개처형이 있었다."
    found = violations(text)
    assert found["execution"]["facilities"] == ["kwanliso-15"]
    assert found["execution"]["mentions"][0]["text"] == "공개처형"


def test_longer_trigger_of_another_category_wins() -> None:
    found = violations("Girls were held in sexual slavery.")
    assert set(found) == {"sexual-violence"}


def test_organisation_names_are_not_violations() -> None:
    assert "torture" not in violations("Human Rights Watch wrote to the Committee against "
                                       "Torture.")


def test_lexicon_rejects_terms_it_cannot_index() -> None:
    with pytest.raises(ConfigError, match="must start with a literal"):
        Lexicon("test.yml", {"torture": {"en": [r"\w+ beatings"]}})
    with pytest.raises(ConfigError, match="bad term"):
        Lexicon("test.yml", {"torture": {"en": ["beat(ings"]}})
    lexicon = Lexicon("test.yml", {"torture": {"en": ["beat(?:ings|en)"], "ko": ["구타"]}})
    hits = list(lexicon.scan("They were BEATEN; 구타를 당했다"))
    assert [(h.start, h.end, h.label) for h in hits] == [(10, 16, "torture"),
                                                          (18, 20, "torture")]


@pytest.mark.parametrize(
    "text",
    [
        "He was arrested for drug trafficking.",
        "UN sanctions require the repatriation of North Korean workers.",
        "Prisoners went on hunger strike.",
        "The execution of the plan was delayed.",
    ],
)
def test_phrases_that_only_look_like_violations(text: str) -> None:
    assert violations(text) == {}
