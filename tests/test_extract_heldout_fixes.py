"""Rules added after scoring the held-out set (tests/eval/heldout): one test per rule,
each with the cases it must catch and the look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from sillok.extract import extract_text

Claim = tuple[str, str, int | None, int | None, list[str]]


def record(text: str) -> dict[str, object]:
    return extract_text(text, document="t.txt", sha256="0" * 64)


def violation_ids(text: str) -> set[str]:
    found = record(text)["violations"]
    assert isinstance(found, list)
    return {v["id"] for v in found}


def claims(text: str) -> list[Claim]:
    found = record(text)["claims"]
    assert isinstance(found, list)
    return [(c["subject"], c["measure"], c["low"], c["high"], c["attributed_to"]) for c in found]


# --- violations: the language of testimony and UN reporting -------------------------------

@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("A former detainee said that deaths from malnutrition occurred every week.",
         "death-in-custody"),
        ("Former prisoners reported deaths from starvation and disease.", "death-in-custody"),
        ("전거리교화소에서 숨진 수감자는 최소 200명에 이른다.", "death-in-custody"),
        ("Returnees were stripped and subjected to invasive searches.", "sexual-violence"),
        ("Guards forced women to undress and squat repeatedly.", "sexual-violence"),
        ("Detainees are never released from the camp.", "arbitrary-detention"),
        ("Five of us were taken at once. There was no trial.", "arbitrary-detention"),
        ("우리 가족은 끌려갔다. 재판은 없었다.", "arbitrary-detention"),
        ("They were sent there with their parents and children.", "collective-punishment"),
        ("Families are imprisoned for the crimes of one relative.", "collective-punishment"),
        ("우리 가족 다섯 명이 한꺼번에 끌려갔다.", "collective-punishment"),
        ("Prisoners injured in accidents received no treatment.", "medical-neglect"),
        ("피를 많이 흘렸는데 치료도 못 받았어요.", "medical-neglect"),
        ("감방이 너무 좁아서 모로 누워 자야 했다.", "inhumane-conditions"),
        ("겨울에도 난방이 없었다.", "inhumane-conditions"),
        ("Inmates are mobilized for logging in the hills behind the prison.", "forced-labour"),
    ],
)
def test_new_violation_triggers(text: str, category: str) -> None:
    assert category in violation_ids(text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("He was stripped of his party membership.", "sexual-violence"),
        ("The report covers deaths from road accidents in Pyongyang.", "death-in-custody"),
        ("Troops were mobilized for the parade.", "forced-labour"),
        ("The trial was held in public.", "arbitrary-detention"),
    ],
)
def test_new_violation_triggers_leave_look_alikes(text: str, category: str) -> None:
    assert category not in violation_ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "교화소 안에서 공개처형은 보지 못했지만 매달 사람들이 굶어 죽었다.",
        "이번 조사에서 공개처형이 있었다는 증언은 확인되지 않았다.",
        "공개처형을 목격하지 못했다고 말했다.",
    ],
)
def test_korean_not_seen_and_not_reported_are_negations(text: str) -> None:
    assert "execution" not in violation_ids(text)


def test_korean_negation_keeps_asserted_mentions() -> None:
    assert "execution" in violation_ids("공개처형이 있었다는 증언이 여러 건 나왔다.")
    assert "execution" in violation_ids("그는 공개처형을 직접 보았다고 말했다.")


# --- what a number counts ------------------------------------------------------------------

def test_preposition_is_not_a_modifier_of_the_counted_noun() -> None:
    # "68 testimonies about Kyohwaso No. 1" counts testimonies, not facilities
    assert claims("NKDB has recorded 68 testimonies about Kyohwaso No. 1 since 2010.") == []


def test_camps_that_are_not_places_of_detention() -> None:
    assert claims("The Russian Federation operated 12 logging camps in the Amur region in "
                  "which North Korean workers were employed.") == []
    assert claims("North Korea operates six political prison camps.") == [
        ("kwanliso", "facility-count", 6, 6, [])]


def test_workers_abroad_are_forced_labourers() -> None:
    assert claims("According to estimates cited by the Government of the Republic of Korea, "
                  "around 10,000 North Korean workers remain in the Russian Federation, many "
                  "in logging and construction.") == [
        ("all", "forced-labourers", 10000, 10000, ["south-korean-government"])]
    text = "러시아 극동 지역 벌목장에 북한 노동자 약 1만 명이 일하고 있는 것으로 추산된다."
    assert claims(text) == [("all", "forced-labourers", 10000, 10000, [])]


def test_workers_at_home_are_not_a_claim() -> None:
    assert claims("At the Kaesong Industrial Complex 123 South Korean companies employ over "
                  "50,000 North Korean workers.") == []


def test_others_held_in_chinese_detention() -> None:
    assert claims("As many as 2,000 others remain held in Chinese detention facilities "
                  "awaiting return.") == [("all", "detained-abroad", None, 2000, [])]


def test_bare_quoted_figure_with_held() -> None:
    text = ('Camp 15 at Yoduk. One witness believed that "more than 50,000" were held at '
            "Yoduk, a figure the authors could not verify.")
    assert ("kwanliso-15", "prisoner-population", 50000, None, []) in claims(text)


def test_korean_dead_prisoners_are_deaths() -> None:
    assert claims("NKDB가 집계한 바에 따르면 전거리교화소에서 2010년 이후 숨진 수감자는 최소 "
                  "200명에 이른다.") == [("kyohwaso-12", "deaths", 200, None, ["nkdb"])]
    # living prisoners stay a population
    assert claims("전거리교화소의 수감자는 약 3천 명이다.") == [
        ("kyohwaso-12", "prisoner-population", 3000, 3000, [])]


def test_interviewees_among_whom_are_not_a_claim() -> None:
    assert claims("탈북민 508명 가운데 상당수가 노동단련대 수감 경험을 진술했다.") == []


def test_korean_facility_count_with_a_place_phrase() -> None:
    assert claims("교화소는 전국에 20여 곳이 있는 것으로 알려져 있다.") == [
        ("kyohwaso", "facility-count", 20, None, [])]
    assert claims("경비초소가 전국에 20여 곳 있다.") == []


# --- what a figure is about ----------------------------------------------------------------

def test_pronoun_points_back_at_the_facility() -> None:
    text = ("Camp 22 at Hoeryong, formerly the largest kwanliso, was closed in 2012. HRNK's "
            "earlier reports estimated that it had held approximately 30,000 prisoners "
            "before its closure.")
    assert claims(text) == [("kwanliso-22", "prisoner-population", 30000, 30000, ["hrnk"])]


def test_implicit_reference_after_a_list_is_the_type() -> None:
    text = ("보고서는 개천(14호)·요덕(15호)·화성(16호)·청진(25호) 관리소가 운영 중이라고 평가했다. "
            "수감자 규모는 최대 12만 명으로 추정했다.")
    assert [c[:4] for c in claims(text)] == [("kwanliso", "prisoner-population", None, 120000)]


def test_bare_korean_type_points_back_at_the_facility() -> None:
    text = ("H-09는 전거리교화소(12호 교화소)에 수감되었다.\n\n"
            'H-09는 교화소에 수감된 인원이 "약 3천 명 정도"였다고 기억했다.')
    assert claims(text) == [("kyohwaso-12", "prisoner-population", 3000, 3000, [])]
    # nationwide scope: the type, not the facility
    text = ("H-09는 전거리교화소에 수감되었다.\n\n"
            "전국의 교화소에 수감된 인원은 약 5만 명이다.")
    assert claims(text)[0][0] == "kyohwaso"


# --- who is credited -----------------------------------------------------------------------

def test_the_office_is_ohchr_in_its_report() -> None:
    text = ("Report of the United Nations High Commissioner for Human Rights.\n\n"
            "The Office has identified four kwanliso that appear to be operational.")
    assert claims(text) == [("kwanliso", "facility-count", 4, 4, ["ohchr"])]
    # without OHCHR named earlier, "the Office" credits no one
    assert claims("The Office has identified four kwanliso that appear to be operational.") == [
        ("kwanliso", "facility-count", 4, 4, [])]


def test_concerned_by_reports_does_not_credit_the_concerned() -> None:
    text = ("The Special Rapporteur is gravely concerned by reports that more than 500 persons "
            "were forcibly returned from China.")
    assert claims(text) == [("all", "repatriated-persons", 500, None, [])]
    text = "The Special Rapporteur estimates that more than 500 persons were forcibly returned."
    assert claims(text)[0][4] == ["un-special-rapporteur"]


def test_anonymous_source_told_the_outlet() -> None:
    text = ("More than 20 inmates died at the Chongori Kyohwaso in Hoeryong, a source in the "
            "province told Daily NK.")
    assert claims(text) == [("kyohwaso-12", "deaths", 20, None, [])]
    text = "Daily NK reported in 2021 that the Chongori prison held 2,000 to 3,000 prisoners."
    assert claims(text)[0][4] == ["daily-nk"]


def test_dateline_is_not_a_source() -> None:
    text = ("(서울=연합뉴스) 김지훈 기자 = 통일부는 27일 북한이 현재 정치범수용소 4곳을 "
            "운영하고 있다고 밝혔다.")
    assert claims(text) == [("kwanliso", "facility-count", 4, 4, ["south-korean-government"])]


def test_korean_bare_government_is_seoul() -> None:
    text = "정부는 중국 공안에 체포돼 구금 중인 탈북민이 최대 2천 명에 이를 수 있다고 보고 있다."
    assert claims(text) == [("all", "detained-abroad", None, 2000, ["south-korean-government"])]
    text = "중국 정부는 탈북민 최대 2천 명을 구금하고 있다고 인정하지 않았다."
    assert claims(text)[0][4] == []
