"""The extractor's shortcuts give what the patterns they stand in for would give.

Several costly patterns run only where a cheap test says they can match: a literal
"hint" that every match contains (DocContext.search, the measure cues), the last
character a match can end with, a digit or number word left for the English reading of
a Korean sentence. A pattern changed without its shortcut would silently stop
matching; these tests fail instead. A pattern given a hint belongs in ``HINTED``.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sillok.extract import (
    attribution,
    claims,
    measures,
    negation,
    numbering,
    numbers,
    segment,
    subjects,
)
from sillok.extract.context import FOLDS_TO_LATIN, DocContext, match_before

# (pattern, hint, whether the hint is looked for in the lower-cased text)
HINTED = {
    "claims year": (claims._YEAR, claims._YEAR_HINT, False),
    "claims report anaphor": (claims._REPORT_ANAPHOR, claims._REPORT_ANAPHOR_HINT, True),
    "claims total cue": (claims._TOTAL_CUE, claims._TOTAL_CUE_HINT, True),
    "claims subset": (claims._SUBSET, claims._SUBSET_HINT, True),
    "claims continuation": (claims._CONTINUATION, claims._CONTINUATION_HINT, True),
    "claims estimate": (claims._ESTIMATE, claims._ESTIMATE_HINT, True),
    "claims respondents": (claims._RESPONDENTS_BEFORE, claims._LATIN_WORD, False),
    "claims korean respondents": (claims._KO_RESPONDENTS_BEFORE, claims._KO_RESPONDENTS_HINT,
                                  False),
    "subjects including": (subjects._INCLUDING, subjects._INCLUDING_HINT, True),
    "subjects singular place": (subjects._SINGULAR_PLACE, subjects._SINGULAR_PLACE_HINT, True),
    "subjects plural place": (subjects._PLURAL_PLACE, subjects._PLURAL_PLACE_HINT, True),
    "subjects implicit place": (subjects._IMPLICIT_PLACE, subjects._IMPLICIT_PLACE_HINT, True),
    "subjects countrywide": (subjects._COUNTRYWIDE, subjects._COUNTRYWIDE_HINT, True),
    "subjects whole": (subjects._WHOLE, subjects._WHOLE_HINT, True),
    "subjects total": (subjects._TOTAL, subjects._TOTAL_HINT, True),
    **{f"subjects fallback {type_id}": (pattern, hint, True)
       for pattern, hint, type_id in subjects._FALLBACK_TYPES},
    "attribution not credited": (attribution._NOT_CREDITED_BEFORE,
                                 attribution._NOT_CREDITED_BEFORE_HINT, True),
    "attribution relayed": (attribution._RELAYED_TO, attribution._RELAYED_TO_HINT, True),
    "attribution anaphor": (attribution._ANAPHOR, attribution._ANAPHOR_HINT, True),
    "attribution this figure": (attribution._KO_THIS_FIGURE, attribution._KO_THIS_FIGURE_HINT,
                                True),
    "attribution citing": (attribution._CITING_BEFORE, attribution._CITING_BEFORE_HINT, True),
    "attribution own source": (attribution._OWN_SOURCE, attribution._OWN_SOURCE_HINT, True),
    "attribution head noun": (attribution._HEAD_NOUN, attribution._HEAD_NOUN_HINT, False),
    "attribution first person": (attribution._FIRST_PERSON, attribution._FIRST_PERSON_HINT,
                                 True),
    "measures korean noun before": (measures._KO_BEFORE, measures._KO_BEFORE_HINT, False),
    **{f"measures cue {name}": (pattern, measures._CUE_HINTS[name], False)
       for name, pattern in measures._CUES},
    "segment clause break": (segment._CLAUSE_BREAK, segment.CLAUSE_BREAK_HINT, True),
    "negation korean cue": (negation._KO_POST_CUE, negation._KO_POST_HINT, False),
    "negation korean not reported": (negation._KO_NOT_REPORTED,
                                     re.compile(negation._KO_NOT_REPORTED_HINT), False),
}


@pytest.mark.parametrize("name", sorted(HINTED))
@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_every_match_contains_its_hint(name: str, data: st.DataObject) -> None:
    pattern, hint, lowered = HINTED[name]
    text = data.draw(st.from_regex(pattern))
    # with one of these letters in the text the hint is not relied on (may_contain)
    assume(not any(c in text for c in FOLDS_TO_LATIN))
    match = pattern.search(text)
    assume(match is not None)
    assert hint.search(match.group().lower() if lowered else match.group())


def test_a_letter_lower_casing_misses_turns_the_hints_off() -> None:
    text = "Its ſame camp held 300 prisoners."
    ctx = DocContext(text=text, seg=segment.segment(text), mentions=[])
    # "ſame" is "same" to IGNORECASE, but not "same" in the lower-cased text
    assert ctx.may_contain(re.compile("same"), 0, len(text))
    plain = DocContext(text="Its fame", seg=segment.segment("Its fame"), mentions=[])
    assert not plain.may_contain(re.compile("same"), 0, len("Its fame"))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(claims._SKIP_BEFORE, fullmatch=True))
def test_skip_before_matches_end_in_the_listed_characters(text: str) -> None:
    assert claims._may_end_skip_before(text, 0, len(text))


_WINDOW_PIECES = ["No. ", "Camp ", "제", "징역 ", "$", "₩", "# ", "the ", "per ", "약 ", "총 ",
                  "수감자 ", "(", "about ", "one of ", "aged ", "2013년 ", "Jan. ", "/", "§ "]


@given(st.lists(st.sampled_from(_WINDOW_PIECES), max_size=5))
def test_skip_before_shortcut_never_drops_a_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    if match_before(claims._SKIP_BEFORE, text, 0, len(text)):
        assert claims._may_end_skip_before(text, 0, len(text))


_KOREAN_PIECES = ["약 ", "1,000", "명", "2013", "년", "~", "20", "10", "여", "만", " ", "UN",
                  "COI", "more than ", "five", "twenty-one", "수감자", "1.5", "호", ",",
                  "between ", " and ", "3", "곳", "ſix", "ı"]


@given(st.lists(st.sampled_from(_KOREAN_PIECES), min_size=1, max_size=12))
def test_english_reading_is_skipped_only_when_it_adds_nothing(pieces: list[str]) -> None:
    text = "수감 " + "".join(pieces)
    korean = numbers._korean(text, 0, len(text))
    taken = [(q.value_start, q.value_end) for q in korean]
    added = [q for q in numbers._english(text, 0, len(text))
             if not any(a < q.value_end and q.value_start < b for a, b in taken)]
    assert numbers._english_may_add(text, 0, len(text), korean) or not added


@given(st.text(alphabet="0123456789 \t\n호제관리소1", max_size=40))
def test_numbered_ho_finds_what_the_pattern_finds(text: str) -> None:
    expected = [m.span() for m in re.finditer(r"\d\s*호", text)]
    assert list(numbering._numbered_ho(text)) == expected


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.from_regex(segment._ABBREVIATION))
def test_abbreviations_end_in_a_latin_letters_full_stop(text: str) -> None:
    match = segment._ABBREVIATION.search(text)
    assume(match is not None)
    end = match.group().rstrip()
    assert end.endswith(".") and end[-2:-1].isascii() and end[-2:-1].isalpha()
