"""Rules added after scoring the second blind set (tests/eval/blind2): one test per rule,
each with the cases it must catch and the look-alikes it must leave alone."""

from __future__ import annotations

import pytest

from sillok.extract import extract_text
from sillok.ingest.textclean import clean_text

Claim = tuple[str, str, int | None, int | None, list[str]]


def record(text: str) -> dict[str, object]:
    return extract_text(text, document="t.txt", sha256="0" * 64)


def ids(text: str, field: str) -> set[str]:
    found = record(text)[field]
    assert isinstance(found, list)
    return {item["id"] for item in found}


def claims(text: str) -> list[Claim]:
    found = record(text)["claims"]
    assert isinstance(found, list)
    return [(c["subject"], c["measure"], c["low"], c["high"], c["attributed_to"]) for c in found]


# --- what is not a count -------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        # footnote markers, in brackets or after the full stop
        "KINU's White Paper gives 80,000 to 120,000 for 2013.[2] Prisoners were held there.",
        "Between 80,000 and 120,000 people were held in the kwanliso.(3) The Office agrees.",
        # years at both ends of a range
        "We review estimates of political prisoners published between 1992 and 2022.",
        # "a factor of"
        "Estimates of the number of people held in political prison camps differ by a factor "
        "of three.",
        # a day of the month
        "The family was forcibly returned on 9 October 2023.",
    ],
)
def test_references_years_and_dates_are_not_counts(text: str) -> None:
    found = [c for c in claims(text) if c[2] in (2, 3, 9, 1992) or c[3] == 2022]
    assert found == []


def test_a_word_after_the_number_is_not_a_month() -> None:
    # "people may be imprisoned": "may" is a verb, not May
    assert claims("Officials now estimate that between 80,000 and 120,000 people may be "
                  "imprisoned in the kwanliso.") == [
        ("kwanliso", "prisoner-population", 80000, 120000, [])]


def test_korean_respondents_are_a_sample() -> None:
    text = ("노동단련대에 수감됐던 응답자 41명은 건설 현장에 동원됐다고 답했다. "
            "교화소에서 다른 수감자의 사망을 직접 목격했다는 응답자는 87명이었다.")
    assert claims(text) == []
    # look-alike: deaths counted without a respondent noun
    assert claims("교화소에서 수감자 87명이 숨졌다.")[0][1:4] == ("deaths", 87, 87)


# --- measure ----------------------------------------------------------------------------------
def test_a_relative_clause_does_not_set_the_measure() -> None:
    text = ("The family was forcibly returned from China, together with an estimated 500 other "
            "North Koreans who had been held in detention centres in Jilin.")
    assert claims(text) == [("all", "repatriated-persons", 500, 500, [])]
    # look-alike: the verb of the main clause says "held"
    assert claims("An estimated 500 prisoners were held in Camp 15.") == [
        ("kwanliso-15", "prisoner-population", 500, 500, [])]


def test_remaining_in_detention_abroad() -> None:
    text = ("The Special Rapporteur noted that an estimated 2,000 individuals remained in "
            "detention in China.")
    assert claims(text) == [("all", "detained-abroad", 2000, 2000, ["un-special-rapporteur"])]
    assert claims("An estimated 2,000 individuals remained in detention in Camp 16.")[0][:2] == (
        "kwanliso-16", "prisoner-population")


def test_the_number_held() -> None:
    text = "KINU placed the number held in the kwanliso at 80,000 to 120,000."
    assert claims(text) == [("kwanliso", "prisoner-population", 80000, 120000, ["kinu"])]
    assert claims("KINU placed the number of documents at 80,000 to 120,000.") == []


def test_a_quote_between_figure_and_noun() -> None:
    text = ("South Korean officials said that Seoul estimated that \"more than 100,000\" people "
            "remain held in the country's political prison camps nationwide.")
    assert claims(text) == [
        ("kwanliso", "prisoner-population", 100000, None, ["south-korean-government"])]


def test_as_high_as_is_an_upper_bound() -> None:
    text = "Amnesty International said as high as 200,000 political prisoners were held."
    assert claims(text) == [("kwanliso", "prisoner-population", None, 200000, ["amnesty"])]


def test_korean_exceeded_is_a_lower_bound() -> None:
    assert claims("교화소에 갇힌 사람은 2천 명은 넘었다.")[0][2:4] == (2000, None)


def test_suyongso_is_a_place_not_a_verb() -> None:
    # "탈북민이 3만 4천여 명" with 수용소 later in the sentence counts no prisoners
    assert claims("국내에 정착한 탈북민이 3만 4천여 명에 이르렀지만 수용소 내부를 증언할 수 있는 "
                  "사람은 드물다.") == []
    assert claims("요덕수용소에 수용된 인원은 5만 명이다.")[0][:2] == (
        "kwanliso-15", "prisoner-population")


# --- figures that continue a passage ----------------------------------------------------------
def test_bare_estimates_continue_the_claim_before() -> None:
    text = ("The kwanliso held up to 120,000 prisoners, according to KINU.\n\n"
            "1. Introduction\n\n"
            "The U.S. Department of State long cited a range of 150,000 to 200,000.[1] "
            "NK Watch estimated 135,000 in 2014.[2] HRNK put the total at approximately "
            "130,000 in 2012.")
    got = claims(text)
    assert ("kwanliso", "prisoner-population", 150000, 200000, ["us-state-department"]) in got
    assert ("kwanliso", "prisoner-population", 135000, 135000, ["nk-watch"]) in got
    assert ("kwanliso", "prisoner-population", 130000, 130000, ["hrnk"]) in got
    # look-alike: a bare number with no claim before it is nothing
    assert claims("The U.S. Department of State long cited a range of 150,000 to 200,000.") == []


def test_down_from_an_estimated() -> None:
    text = ('TJWG said Camp 15 now held "fewer than 20,000 people", down from an estimated '
            "46,500 in 2015.")
    assert claims(text) == [("kwanliso-15", "prisoner-population", None, 20000, ["tjwg"]),
                            ("kwanliso-15", "prisoner-population", 46500, 46500, ["tjwg"])]


def test_korean_estimates_after_a_question_about_prisoners() -> None:
    text = ("북한 정치범수용소에 몇 명이 갇혀 있는가. 답은 출처마다 다르다. 통일연구원은 2013년 "
            "8만~12만 명으로 추정했고, NK워치는 이듬해 13만 5천 명이라는 수치를 내놨다.")
    assert claims(text) == [("kwanliso", "prisoner-population", 80000, 120000, ["kinu"]),
                            ("kwanliso", "prisoner-population", 135000, 135000, ["nk-watch"])]
    # look-alike: the same estimate language with nobody held in the passage
    assert claims("답은 출처마다 다르다. 연구원은 8만~12만 명으로 추정했다.") == []


def test_korean_detention_abroad_from_the_question_before() -> None:
    text = ("중국 공안에 붙잡혀 북송을 기다리는 탈북민은 어느 정도로 봅니까? "
            "언론에는 2천여 명이 구금돼 있다는 보도가 나옵니다.")
    assert claims(text) == [("all", "detained-abroad", 2000, None, [])]
    assert claims("요덕에는 2천여 명이 구금돼 있다.")[0][1] == "prisoner-population"


def test_table_rows_labelled_with_a_facility() -> None:
    text = ("Table 1. Political prison camps (kwanliso)\n"
            "- Camp 14 (Kaechon): 15,000 (KINU, 2013)\n"
            "- Camp 22 (Hoeryong): closed c. 2012; formerly about 30,000\n"
            "Total, operating camps: 4 camps; 80,000–120,000 prisoners (KINU, 2013)\n"
            "- Kyohwaso No. 8 (Sungho-ri): 2,000+\n")
    got = claims(text)
    assert ("kwanliso-14", "prisoner-population", 15000, 15000, ["kinu"]) in got
    assert ("kwanliso-22", "prisoner-population", 30000, 30000, []) in got
    assert ("kwanliso", "prisoner-population", 80000, 120000, ["kinu"]) in got
    assert ("kwanliso", "facility-count", 4, 4, ["kinu"]) in got
    assert ("kyohwaso-8", "prisoner-population", 2000, None, []) in got
    # look-alikes: a line without a facility label, an area
    assert claims("- Budget: 15,000\n- Camp 15: 378 km²\n") == []


def test_four_large_camps_of_political_prisoners() -> None:
    text = ("The UN Commission of Inquiry found that between 80,000 and 120,000 political "
            "prisoners were held in four large camps.")
    assert ("kwanliso", "facility-count", 4, 4, ["un-coi"]) in claims(text)


def test_korean_count_after_a_numbered_list() -> None:
    assert claims("현재 가동 중인 것으로 알려진 관리소는 14호·15호·16호·25호 네 곳이다.") == [
        ("kwanliso", "facility-count", 4, 4, [])]
    assert claims("경비초소는 14호 건물 옆에 네 곳이 있다.") == []


# --- attribution ------------------------------------------------------------------------------
def test_a_government_relaying_an_estimate_is_not_its_source() -> None:
    text = ("KINU, in a 2013 estimate that South Korean officials cited again this year, placed "
            "the number held in the kwanliso at 80,000 to 120,000.")
    assert claims(text)[0][4] == ["kinu"]
    # look-alike: an organisation citing its own range
    assert claims("The camps held 150,000 prisoners. The U.S. Department of State cited a range "
                  "of 150,000 to 200,000.")[1][4] == ["us-state-department"]


def test_korean_this_figure_is_anothers_estimate() -> None:
    text = ("통일부가 발간한 보고서는 관리소에 수감된 인원을 8만~12만 명으로 적고 있는데, "
            "이 수치는 2013년 통일연구원 추정치를 그대로 옮긴 것이다.")
    assert claims(text)[0][4] == ["kinu"]
    assert claims("통일부는 관리소에 수감된 인원을 8만~12만 명으로 추정했다.")[0][4] == [
        "south-korean-government"]


def test_two_clauses_joined_by_and_credit_separately() -> None:
    text = ("KINU gives 80,000 to 120,000 political prisoners for 2013, and NK Watch estimated "
            "135,000 in 2014.")
    assert claims(text) == [("kwanliso", "prisoner-population", 80000, 120000, ["kinu"]),
                            ("kwanliso", "prisoner-population", 135000, 135000, ["nk-watch"])]


# --- violations -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Annual mortality in the camps may have exceeded 20 percent.", "death-in-custody"),
        ("The authorities have not acknowledged their detention.", "enforced-disappearance"),
        ("Conditions in prison camps were harsh and life threatening.", "inhumane-conditions"),
        ("예심 때는 매일 맞았어요.", "torture"),
        ("잠도 못 자게 했어요.", "torture"),
        ("할당량을 못 채우면 밥을 줄였다.", "starvation"),
        ("턱없이 부족한 배급을 언급했다.", "starvation"),
        ("같이 있던 사람 중에 세 명이 그해 겨울에 죽었어요.", "death-in-custody"),
        ("다른 수감자의 사망을 직접 목격했다.", "death-in-custody"),
        ("한 방에 40명씩 자서 돌아눕지도 못했어요.", "inhumane-conditions"),
        ("산으로 벌목에 동원되고 있습니다.", "forced-labour"),
        ("병든 사람은 약 한 알 못 받고 감방에 방치된다.", "medical-neglect"),
    ],
)
def test_new_violation_language(text: str, category: str) -> None:
    assert category in ids(text, "violations")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Infant mortality fell in the capital.", "death-in-custody"),
        ("The authorities acknowledged their detention.", "enforced-disappearance"),
        ("시험 답을 맞았다.", "torture"),
        ("주민들이 모내기에 동원되었다.", "forced-labour"),
        ("현재 교화소 안에서 공개처형이 이뤄진다는 증언은 확인되지 않았습니다.", "execution"),
    ],
)
def test_violation_look_alikes(text: str, category: str) -> None:
    assert category not in ids(text, "violations")


def test_degrading_treatment_in_the_torture_formula() -> None:
    text = "It condemns torture and other cruel, inhuman or degrading treatment."
    assert ids(text, "violations") == {"torture"}
    assert "inhumane-conditions" in ids("Prisoners suffer degrading treatment.", "violations")


# --- facilities -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "facility"),
    [
        ("평안남도 개천의 여성 교화소로 보내졌다.", "kyohwaso-1"),
        ("증언자는 이곳을 '개천 1교화소'라고 불렀다.", "kyohwaso-1"),
        ("같은 개천에 정치범수용소도 있다는 이야기를 들었다.", "kwanliso-14"),
    ],
)
def test_korean_place_then_type(text: str, facility: str) -> None:
    assert ids(text, "facilities") == {facility}


def test_korean_place_alone_links_nothing() -> None:
    assert ids("증언자는 개천에서 태어났다.", "facilities") == set()


# --- chrome run into one line ------------------------------------------------------------------
def test_sidebar_and_comments_run_into_a_line_are_dropped() -> None:
    body = ("SEOUL — North Korea has moved thousands of prisoners out of its Yodok camp over the "
            "past decade, according to a report released on Tuesday by a Seoul-based group. "
            "The group said the camp now held fewer than 20,000 people, down from an estimated "
            "46,500 in 2015, and that public executions had taken place there in the 2000s.\n")
    page = (body + "Share this article Facebook X WhatsApp Email Most Read1. Camp 14 survivor "
            "returns to the border for the first time2. Inside Jongori prison: former inmates "
            "speak Related: UN rights office says 2,000 North Koreans held in China\n"
            "Comments (12) Sort by Newest JohnD 2h ago HRW said 200,000 people are in the camps "
            "Reply Like 4 Load more comments\n")
    cleaned = clean_text(page)
    assert "Yodok camp" in cleaned
    assert "Camp 14" not in cleaned and "HRW" not in cleaned and "Jongori" not in cleaned


def test_read_more_in_a_sentence_is_not_a_heading() -> None:
    text = ("Former prisoners read more than 20 testimonies aloud at the hearing in Seoul, and "
            "the related documents were entered into the record of the Commission of Inquiry.\n")
    assert "testimonies" in clean_text(text)
