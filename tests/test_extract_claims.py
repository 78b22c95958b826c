"""Quantitative claims: what is a count, its measure, subject, date and source."""

from __future__ import annotations

from typing import Any

import pytest

from sillok.extract import extract_text

Claim = tuple[str, str, int | None, int | None, str | None, list[str]]


def claims(text: str) -> list[Claim]:
    record = extract_text(text, document="t.txt", sha256="0" * 64)
    return [(c["subject"], c["measure"], c["low"], c["high"], c["as_of"], c["attributed_to"])
            for c in record["claims"]]


def full_claims(text: str) -> list[dict[str, Any]]:
    return list(extract_text(text, document="t.txt", sha256="0" * 64)["claims"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("According to KINU's most recent estimate in 2013, there were between 80,000 and "
         "120,000 prisoners in the kwanliso.",
         [("kwanliso", "prisoner-population", 80000, 120000, "2013", ["kinu"])]),
        ("The UN Commission of Inquiry estimated in 2014 that between 80,000 and 120,000 "
         "political prisoners were held in four political prison camps.",
         [("kwanliso", "facility-count", 4, 4, "2014", ["un-coi"]),
          ("kwanliso", "prisoner-population", 80000, 120000, "2014", ["un-coi"])]),
        # a closure date is not the time the figure refers to (extractor 1.4.0)
        ("Up to 50,000 prisoners were held at Camp 22 before it closed in 2012.",
         [("kwanliso-22", "prisoner-population", None, 50000, None, [])]),
        ("More than 20 kyohwaso operate across the country.",
         [("kyohwaso", "facility-count", 20, None, None, [])]),
        ("Approximately 232,400 people are believed to be held in political prison camps, "
         "according to Daily NK.",
         [("kwanliso", "prisoner-population", 232400, 232400, None, ["daily-nk"])]),
        ("China forcibly returned at least 500 North Koreans in October 2023, Human Rights "
         "Watch said.",
         [("all", "repatriated-persons", 500, None, "2023", ["hrw"])]),
        ("As many as 2,000 North Koreans remain in Chinese detention facilities awaiting "
         "repatriation.",
         [("all", "detained-abroad", None, 2000, None, [])]),
        ("At least 20 prisoners died of malnutrition at Kyohwaso No. 1 in 2021.",
         [("kyohwaso-1", "deaths", 20, None, "2021", [])]),
        ("Walk Free estimates that 2.6 million people in North Korea live in modern slavery.",
         [("all", "forced-labourers", 2600000, 2600000, None, ["walk-free"])]),
        ("United States and South Korean officials now estimate that between 80,000 and "
         "120,000 people may be imprisoned in political prison camps.",
         [("kwanliso", "prisoner-population", 80000, 120000, None,
           ["south-korean-government", "us-government"])]),
    ],
)
def test_english_claims(text: str, expected: list[Claim]) -> None:
    assert claims(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("통일연구원은 2013년 정치범수용소에 8만~12만 명이 수감되어 있다고 추정했다.",
         [("kwanliso", "prisoner-population", 80000, 120000, "2013", ["kinu"])]),
        ("북한인권정보센터는 요덕수용소에 약 5만 명이 수감돼 있다고 밝혔다.",
         [("kwanliso-15", "prisoner-population", 50000, 50000, None, ["nkdb"])]),
        ("한국 정부는 정치범수용소에 12만여 명이 수감돼 있는 것으로 추산하고 있다.",
         [("kwanliso", "prisoner-population", 120000, None, None, ["south-korean-government"])]),
        ("탈북민 1천여 명이 중국 공안에 구금돼 강제북송을 기다리고 있다.",
         [("all", "detained-abroad", 1000, None, None, [])]),
        ("올해 강제북송된 탈북민은 600여 명에 달한다.",
         [("all", "repatriated-persons", 600, None, None, [])]),
        ("정치범수용소는 모두 5곳이 운영되고 있다.",
         [("kwanliso", "facility-count", 5, 5, None, [])]),
    ],
)
def test_korean_claims(text: str, expected: list[Claim]) -> None:
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "He was sentenced to 15 years of reform through labour.",
        "Workers are paid 3,000 won a month, about $2.",
        "About 60 percent of inmates were women.",
        "Children as young as 12 were detained.",
        "Prisoners worked 14 hours a day.",
        "On July 14, 2021, the report was published.",
        "China's prisons hold about 1.7 million people.",
        "In Ireland, 55 victims of trafficking were identified in 2022.",
        "Japan says 17 Japanese citizens were abducted by North Korea.",
        "Tens of thousands of people are held in kyohwaso.",
        "The report is based on interviews with 300 escapees who left between 2015 and 2020.",
        "Three political prison camps and four re-education camps contained mines.",
        "KINU identified the five kwanliso facilities as Gaecheon, Yodok and Hwaseong.",
        "그는 노동교화형 15년을 선고받았다.",
        "수천 명이 교화소에 수감되어 있다.",
        "수감자의 30%가 여성이다.",
        "NKDB가 출소자 31명을 면담했다.",
        "경비초소가 20여 곳 늘었다.",
        "신장 지역의 위구르족 수용시설에는 100만 명 이상이 구금돼 있다.",
    ],
)
def test_numbers_that_are_not_claims(text: str) -> None:
    assert claims(text) == []


def test_claim_span_is_its_sentence() -> None:
    text = ("Kaechon is a county. The HRNK estimated that Kyohwaso No. 1 held 2,000 to 6,000 "
            "prisoners in 2020. Nothing else.")
    (claim,) = full_claims(text)
    assert claim["text"] == ("The HRNK estimated that Kyohwaso No. 1 held 2,000 to 6,000 "
                             "prisoners in 2020.")
    assert text[claim["start"]:claim["end"]] == claim["text"]
    assert (claim["subject"], claim["low"], claim["high"], claim["attributed_to"]) == (
        "kyohwaso-1", 2000, 6000, ["hrnk"])


def test_including_list_after_the_figure_is_not_the_subject() -> None:
    text = ("North Korea has never acknowledged that these kwan-li-so camps exist, but officials "
            "estimate that between 80,000 and 120,000 people may be imprisoned in them, including "
            "in camp No. 14 in Kaechun and No. 15 in Yodok.")
    assert [(c[0], c[2], c[3]) for c in claims(text)] == [("kwanliso", 80000, 120000)]


def test_back_reference_to_a_facility_and_to_a_report() -> None:
    text = ("On July 22, 2021, an HRNK report on Kyohwaso No. 8 described the facility. "
            "A former prisoner told the HRNK that the mine was close. "
            "The prisoner reported that five or six inmates died from the heat.")
    assert claims(text) == [("kyohwaso-8", "deaths", 5, 6, None, ["hrnk"])]


def test_two_sources_in_one_sentence_are_credited_per_clause() -> None:
    text = ("정치범수용소 수감자 규모에 대해서는 통일연구원이 2013년 8만~12만 명으로 추정한 바 "
            "있으며, 일부 언론은 2021년 약 23만 2400명에 이른다고 보도하였다.")
    assert claims(text) == [
        ("kwanliso", "prisoner-population", 80000, 120000, "2013", ["kinu"]),
        ("kwanliso", "prisoner-population", 232400, 232400, "2021", []),
    ]


def test_citing_credits_the_cited_organisation() -> None:
    text = "국무부는 NK워치의 추산을 인용해 정치범수용소에 약 13만 5천 명이 수감돼 있다고 밝혔다."
    assert claims(text) == [("kwanliso", "prisoner-population", 135000, 135000, None,
                             ["nk-watch"])]


def test_change_over_time_gives_two_claims() -> None:
    text = ("In July media reported that the number of inmates in political prisons had "
            "increased since March 2020 from an estimated 209,000 to approximately 232,400.")
    assert [(c[0], c[1], c[2]) for c in claims(text)] == [
        ("kwanliso", "prisoner-population", 209000),
        ("kwanliso", "prisoner-population", 232400),
    ]


def test_sub_counts_are_not_separate_claims() -> None:
    text = "About 5,000 people, including 1,000 children, were held at the camp."
    assert [(c[1], c[2]) for c in claims(text)] == [("prisoner-population", 5000)]
