"""Number expressions in English and Korean, with their qualifiers (sillok.extract.numbers)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sillok.extract.numbers import find_quantities


def bounds(text: str) -> list[tuple[str, int | None, int | None]]:
    return [(text[q.start:q.end], q.low, q.high) for q in find_quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("between 80,000 and 120,000 people", [("between 80,000 and 120,000", 80000, 120000)]),
        ("2,000 to 6,000 prisoners", [("2,000 to 6,000", 2000, 6000)]),
        ("more than 20 kyohwaso", [("more than 20", 20, None)]),
        ("approximately 232,400", [("approximately 232,400", 232400, 232400)]),
        ("up to 50,000 prisoners", [("up to 50,000", None, 50000)]),
        ("an estimated 80,000-120,000 inmates", [("an estimated 80,000-120,000", 80000, 120000)]),
        ("approximately 2.6 million persons", [("approximately 2.6 million", 2600000, 2600000)]),
        ("2 to 3 million people", [("2 to 3 million", 2000000, 3000000)]),
        ("five or six inmates died", [("five or six", 5, 6)]),
        ("at least 1,000 North Koreans", [("at least 1,000", 1000, None)]),
        ("fewer than 100 guards", [("fewer than 100", None, 100)]),
        ("20,000+ prisoners", [("20,000+", 20000, None)]),
        ("100,000 or more people", [("100,000 or more", 100000, None)]),
        ("Some 3,000 women", [("Some 3,000", 3000, 3000)]),
        ("nearly 14,000 married women", [("nearly 14,000", 14000, 14000)]),
        ("twenty-five prisoners", [("twenty-five", 25, 25)]),
    ],
)
def test_english_quantities(text: str, expected: list[tuple[str, int | None, int | None]]) -> None:
    assert bounds(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8만~12만 명", [("8만~12만", 80000, 120000)]),
        ("8~12만 명", [("8~12만", 80000, 120000)]),
        ("약 23만 2400명", [("약 23만 2400", 232400, 232400)]),
        ("12만여 명", [("12만여", 120000, None)]),
        ("2만 5천 명", [("2만 5천", 25000, 25000)]),
        ("1,000명 이상", [("1,000", 1000, None)]),
        ("최대 5만 명", [("최대 5만", None, 50000)]),
        ("100명 미만", [("100", None, 100)]),
        ("약 2,000명에서 3,000명 사이", [("약 2,000명에서 3,000", 2000, 3000)]),
        ("관리소 여섯 곳", [("여섯", 6, 6)]),
    ],
)
def test_korean_quantities(text: str, expected: list[tuple[str, int | None, int | None]]) -> None:
    assert bounds(text) == expected


@pytest.mark.parametrize("text", ["tens of thousands of people", "hundreds of prisoners",
                                  "수천 명", "수만 명이 수감", "thousands were held"])
def test_vague_amounts_are_not_numbers(text: str) -> None:
    assert find_quantities(text) == []


def test_a_change_from_one_figure_to_another_is_two_points() -> None:
    text = "the number of inmates had increased from an estimated 209,000 to approximately 232,400."
    assert [(q.low, q.high) for q in find_quantities(text)] == [(209000, 209000), (232400, 232400)]


def test_a_plain_from_to_is_a_range() -> None:
    text = "the camp held from 2,000 to 6,000 prisoners"
    assert [(q.low, q.high) for q in find_quantities(text)] == [(2000, 6000)]


def test_and_without_between_is_two_numbers() -> None:
    assert [(q.low, q.high) for q in find_quantities("12,345 and 7 prisoners")] == [
        (12345, 12345), (7, 7)]


def test_numbers_inside_words_and_decimals_are_not_split() -> None:
    found = find_quantities("Section 7.b, A1 and 1.5 grams")
    assert [(q.low, q.integral) for q in found] == [(7, True), (2, False)]


def test_offsets_point_into_the_text() -> None:
    text = "Reports say that between 80,000 and 120,000 people are held."
    (q,) = find_quantities(text)
    assert text[q.value_start:q.value_end] == "80,000 and 120,000"
    assert text[q.start:q.end].startswith("between")


@given(st.integers(min_value=1000, max_value=99_999_999))
def test_comma_grouped_integers_round_trip(value: int) -> None:
    text = f"about {value:,} people"
    (q,) = find_quantities(text)
    assert q.low == q.high == value


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_korean_man_units_round_trip(man: int, rest: int) -> None:
    text = f"약 {man}만 {rest}명" if rest else f"약 {man}만 명"
    (q,) = find_quantities(text)
    assert q.low == q.high == man * 10_000 + rest
