"""The pieces under search: terms, the query language, expansion, snippets."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sillok.index.expand import expand
from sillok.index.query import (
    And,
    Not,
    Or,
    Phrase,
    QueryError,
    Term,
    Variants,
    parse,
    repairs,
)
from sillok.index.snippets import snippet
from sillok.index.tokens import fold_same_length, query_alternatives, terms


def test_terms_fold_split_and_bigram() -> None:
    assert terms("Ch'ŏngjin KWAN-LI-SO 15") == ["chongjin", "kwan", "li", "so", "kwanliso", "15"]
    assert terms("요덕수용소에서") == ["요덕", "덕수", "수용", "용소", "소에", "에서"]
    assert terms("제15호 관리소") == ["제", "15", "호", "관리", "리소"]
    assert terms("232,400") == ["232", "400"]


def test_query_alternatives_cover_hyphen_forms() -> None:
    assert query_alternatives("kwan-li-so 15") == [["kwan", "li", "so", "15"], ["kwanliso", "15"]]
    assert query_alternatives("요덕") == [["요덕"]]


@given(st.text())
def test_folding_keeps_length(text: str) -> None:
    assert len(fold_same_length(text)) == len(text)


def test_query_language() -> None:
    assert parse("yodok torture") == And((Term("yodok"), Term("torture")))
    assert parse("yodok OR hwasong") == Or((Term("yodok"), Term("hwasong")))
    assert parse('"public execution" -camp') == And((Phrase("public execution"),
                                                     Not(Term("camp"))))
    assert parse("torture NOT (yodok OR 요덕)") == And((
        Term("torture"), Not(Or((Term("yodok"), Term("요덕"))))))
    assert parse("tortur*") == Term("tortur", prefix=True)
    # an unmatched quote is literal: the words after it are words, not a phrase
    assert parse('yodok or "unclosed words') == And((Term("yodok"), Term("or"),
                                                     Term("unclosed"), Term("words")))
    assert parse('"a b" "c') == And((Phrase("a b"), Term("c")))
    assert repairs('"a b" "c')[0].startswith("the quote before 'c' has no closing quote")
    assert parse("(yodok OR hwasong") == Or((Term("yodok"), Term("hwasong")))
    assert repairs("(yodok OR hwasong") == [
        "1 opening bracket(s) without a closing one: closed at the end of the query"]
    assert repairs('yodok "(x" torture') == []
    with pytest.raises(QueryError):
        parse("NOT yodok")
    with pytest.raises(QueryError):
        parse('  "" ( ) ')


def test_expansion_matches_runs_of_words_and_leaves_others() -> None:
    tree = expand(parse("Camp 15 torture"))
    assert isinstance(tree, And) and isinstance(tree.items[0], Variants)
    assert tree.items[0].ids == ("kwanliso-15",) and tree.items[1] == Term("torture")
    assert "No. 15" not in tree.items[0].names  # a bare number names different places
    kaechon = expand(parse("Kaechon"))
    assert isinstance(kaechon, Variants) and {"kwanliso-14", "kyohwaso-1"} <= set(kaechon.ids)
    assert "Camp 14" not in kaechon.names  # a shared place does not pull in either facility
    assert expand(parse("camp")) == Term("camp")


def test_snippet_marks_exact_spans() -> None:
    text = "Intro. Former prisoners of Yodok said 요덕수용소에서 guards beat them at YODOK."
    found = snippet(text, [("Yodok", False), ("요덕", False)])
    assert found.text.count("**") == 6
    assert [text[s:e] for s, e in found.highlights] == ["Yodok", "요덕", "YODOK"]
    nothing = snippet(text, [("Hwasong", False)])
    assert nothing.highlights == [] and nothing.text.startswith("Intro.")
