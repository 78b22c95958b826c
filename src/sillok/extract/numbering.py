"""Facility numbers written in text, English and Korean: where they are, not what they name.

The gazetteer (:mod:`sillok.extract.gazetteer`) decides which facility a number names
from its head ("Camp", "kyohwaso", 관리소) or from a place beside it; this module only
reads the numbers and lists, on the folded text (offsets are the original's):

* after a head: "Camp 14", "Kwanliso No. 14", "Camps 14, 15 and 16", "camp No. 14 in
  Kaechun, No. 15 in Yoduk" (an "in Place" or parenthesis may follow each item);
* after a head, a few words and a colon or "including": "five operating camps: No. 14
  in Kaechun, No. 15 in Yoduk" — a list of two or more items written with "No.";
* Korean lists: "15호, 16호", "제14·15·16호", "제14호(개천), 제15호(요덕)", "개천(14호)·요덕(15호)",
  and the ordinal "제1" written onto a type word ("제1교화소");
* a number beside a place: "No. 14 in Kaechun", "Kaechon (No. 14)", "제14호(개천)",
  "개천(14호)".

Units, decree years and counts stop a number: "15 km", "14 years", "No. 15 of 2014",
"15 prisoners".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

__all__ = [
    "Item",
    "items_after",
    "items_after_gap",
    "korean_items",
    "korean_lists",
    "korean_ordinals",
    "number_beside",
]


class Item(NamedTuple):
    """One number of a list: ``folded[start:end]`` is "No. 15", "15", "제14호" …"""

    start: int
    end: int
    number: int


_STOP = (
    r"(?![\d])(?![.,]\d)(?!\s*(?:of\s+|/)(?:19|20)\d\d)"
    r"(?!\s*(?:%|per\s?cent|years?|km|kilomet|miles?|hours|days|months|times"
)
_FIRST = re.compile(
    r"[\s\-]*(?P<no>(?:No|Nos|Number|Numbers|#)\.?\s*)?(?P<n>\d{1,3})(?!\s*호)" + _STOP + r")\b)",
    re.IGNORECASE,
)
_NEXT = re.compile(
    r"(?:\s+(?:in|at|near)\s+[A-Z][\w'\-]+(?:[ \-][A-Z][\w'\-]+)?|\s*\([^()\n]{1,60}\)"
    r"|,\s*[A-Z][\w'\-]+(?:[ \-][A-Z][\w'\-]+)?(?=\s*(?:,|and\b)))?"
    r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*&\s*|\s*;\s*|,?\s+as well as\s+)"
    r"(?P<no>(?:No|Nos|Number|#)\.?\s*)?(?P<n>\d{1,3})"
    + _STOP
    + r"|people|persons|prisoners|inmates|detainees)\b)",
    re.IGNORECASE,
)
# "five operating camps: No. 14 in Kaechun", "camps, including Nos. 14 and 15"
_GAP = re.compile(
    r"[^\d.!?;\n]{0,60}?(?::|\bincluding|\bsuch as|\bnamely|\s-+)\s*"
    r"(?=(?:No|Nos|Number|Numbers)\.?\s*\d)",
    re.IGNORECASE,
)
GAP_CHARS = 80  # a gapped list starts this close to its head, or not at all

# Korean items: "제14호", "15호", "14·15·16호"; a place may be attached in parentheses on
# either side: "제14호(개천), 제15호(요덕)", "개천(14호)·요덕(15호)"
_KO_ITEM_SRC = r"(?<!\d)(?:제\s*)?(?:\d{1,3}\s*[·ㆍ,]\s*)*\d{1,3}\s*호"
_KO_LIST = re.compile(
    rf"{_KO_ITEM_SRC}(?:\s*\([^()\n]{{1,20}}\)|\))?"
    rf"(?:\s*(?:[,·ㆍ、]|및|와|과)\s*(?:[\uac00-\ud7a3]{{1,8}}\s*\(\s*)?"
    rf"{_KO_ITEM_SRC}(?:\s*\([^()\n]{{1,20}}\)|\))?)*"
)
_KO_ITEM = re.compile(_KO_ITEM_SRC)
_KO_ITEM_END = re.compile(_KO_ITEM_SRC + "$")
_KO_DIGITS = re.compile(r"\d{1,3}")
_KO_ORDINAL = re.compile(r"제\s*(\d{1,3})\s*(?=[\uac00-\ud7a3])")

_BEFORE_PLACE = re.compile(
    r"(?P<num>(?<![\w.])(?:No|Nos|Number|#)\.?\s*(?P<n>\d{1,3})"
    r"|(?<!\d)(?:제\s*)?(?P<k>\d{1,3})\s*호)(?:\s*\(\s*|,?\s+(?:in|at|near)\s+)$",
    re.IGNORECASE,
)
_AFTER_PLACE = re.compile(
    r"\s*\(\s*(?P<num>(?:No|Number|#)\.?\s*(?P<n>\d{1,3})|(?:제\s*)?(?P<k>\d{1,3})\s*호)"
    r"\s*\)",
    re.IGNORECASE,
)
_LEADS = ("(", " in", " at", " near")
_DIGIT = re.compile(r"\d")
# what may stand before a bare "No. 14" that a place resolves: a list, not "Decree No. 14"
_ITEM_LEAD = re.compile(
    r"(?:^|[,:;(\-]|\b(?:and|or|including|namely|as|e\.g\.|i\.e\.))\s*$", re.IGNORECASE
)


def items_after(folded: str, pos: int) -> list[Item]:
    """The numbers right after a head ending at ``pos``: "Camps 14, 15 and 16"."""
    first = _FIRST.match(folded, pos)
    if first is None:
        return []
    return [Item(first.start("n"), first.end(), int(first.group("n"))), *_more(folded, first)]


def items_after_gap(folded: str, pos: int) -> tuple[int, list[Item]]:
    """A list of two or more "No. N" items a few words after a head ending at ``pos``.

    Returns where the list starts and its items ("five operating camps: No. 14 in
    Kaechun, No. 15 in Yoduk"); no items for a single number ("camp rules: No. 1 is
    obedience").
    """
    gap = _GAP.match(folded, pos)
    first = _FIRST.match(folded, gap.end()) if gap else None
    if first is None or first.start("no") < 0:
        return pos, []
    more = _more(folded, first)
    if not more:
        return pos, []
    return first.start("no"), [Item(first.start("no"), first.end(), int(first.group("n"))), *more]


def _more(folded: str, first: re.Match[str]) -> list[Item]:
    items: list[Item] = []
    pos = first.end()
    while (match := _NEXT.match(folded, pos)) is not None:
        start = match.start("no") if match.start("no") >= 0 else match.start("n")
        items.append(Item(start, match.end(), int(match.group("n"))))
        pos = match.end()
    return items


def korean_lists(folded: str) -> Iterator[re.Match[str]]:
    """Every Korean numbered list ("제14호(개천), 제15호(요덕)", "14·15·16호"), in order."""
    last = 0
    # looking for "N호" first is several times faster than trying the list at every digit
    for hit_start, hit_end in _numbered_ho(folded):
        if hit_start < last:
            continue
        item = _KO_ITEM_END.search(folded, max(last, hit_start - 30), hit_end)
        match = _KO_LIST.match(folded, item.start()) if item else None
        if match:
            last = match.end()
            yield match


def _numbered_ho(folded: str) -> Iterator[tuple[int, int]]:
    """The spans of ``\\d\\s*호`` in ``folded`` ("14호", "14 호"), in order.

    Found from each 호 back: ``str.find`` scans for one character many times faster
    than ``re`` scans for a class such as ``\\d``.
    """
    at = folded.find("호")
    while at >= 0:
        digit = at - 1
        while digit >= 0 and folded[digit].isspace():  # what \s matches
            digit -= 1
        if digit >= 0 and folded[digit].isdecimal():  # what \d matches
            yield digit, at + 1
        at = folded.find("호", at + 1)


def korean_items(folded: str, found: re.Match[str]) -> list[Item]:
    """The numbers of a Korean list; in "제14·15·16호" each number on its own, the last
    with "호" ("제14", "15", "16호")."""
    items: list[Item] = []
    for item in _KO_ITEM.finditer(folded, found.start(), found.end()):
        numbers = list(_KO_DIGITS.finditer(folded, item.start(), item.end()))
        for j, number in enumerate(numbers):
            start = item.start() if j == 0 else number.start()
            end = item.end() if j == len(numbers) - 1 else number.end()
            items.append(Item(start, end, int(number.group())))
    return items


def korean_ordinals(folded: str) -> Iterator[Item]:
    """ "제1" written onto the next word ("제1교화소"): the item ends where that word starts."""
    for match in _KO_ORDINAL.finditer(folded):
        yield Item(match.start(), match.end(), int(match.group(1)))


def number_beside(folded: str, start: int, end: int) -> Item | None:
    """A facility number written next to the name at ``folded[start:end]``, if any.

    "Kaechon (No. 14)", "개천(14호)" after it; "No. 14 in Kaechun", "No. 14 (Kaechon)",
    "제14호(개천)" before it — a "No." before it must open a list item, not follow a
    word ("Decree No. 14 in Kaechon").
    """
    found = _AFTER_PLACE.match(folded, end)
    if found is None:
        # most places follow neither "(" nor "in": test that before searching backwards
        lead = folded[max(0, start - 30) : start]
        if not lead.rstrip().endswith(_LEADS) or not _DIGIT.search(lead):
            return None
        found = _BEFORE_PLACE.search(folded, max(0, start - 30), start)
        if found is None or (
            found.group("n") is not None
            and not _ITEM_LEAD.search(folded, max(0, found.start() - 12), found.start())
        ):
            return None
    return Item(*found.span("num"), int(found.group("n") or found.group("k")))
