"""Numbers as human-rights reports write them, English and Korean, with qualifiers.

``find_quantities(text, start, end)`` returns every number expression in a span
as a :class:`Quantity` with its bounds under the conventions of
EXTRACTION_FORMAT.md:

=====================================  ==============  ==============
expression                             low             high
=====================================  ==============  ==============
"232,400", "approximately 232,400",    232400          232400
"약 23만 2400명", "nearly 14,000"
"between 80,000 and 120,000",          80000           120000
"80,000-120,000", "8만~12만 명",
"2,000 to 6,000", "five or six"
"more than 20", "at least 1,000",      20              None
"12만여 명", "1,000명 이상", "20,000+"
"up to 50,000", "fewer than 100",      None            50000
"최대 5만 명", "100명 미만"
=====================================  ==============  ==============

"tens of thousands", "hundreds", "수천 명" are not numbers here: they carry no
figure that could be compared with another source's. Whether a number is a claim
at all (a year, a sentence length, money, an age) is decided by
:mod:`sillok.extract.claims`, which gets the unit text around each quantity.
"""

from __future__ import annotations

import re
from operator import attrgetter
from typing import NamedTuple

from .context import FOLDS_TO_LATIN, match_before

_WORD_VALUES = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
           "mn": 1_000_000, "bn": 1_000_000_000}
_SCALES_LONGEST_FIRST = sorted(_SCALES.items(), key=lambda item: -len(item[0]))
_KO_UNITS = {"억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100}
_KO_NATIVE = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8,
              "아홉": 9, "열": 10}

_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_WORD_NUMBER = (rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}))?|ten|eleven|twelve|thirteen|fourteen|"
                rf"fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS})")
_DIGITS = r"\d{1,3}(?:,\d{3})+(?![\d,]\d)|\d+(?:\.\d+)?"
_SCALE = r"(?:\s+(?:hundred\s+thousand|hundred|thousand|million|billion)|\s?(?:mn|bn))\b"
_EN_NUMBER = rf"(?:(?<![\w.,])(?:{_DIGITS})|\b{_WORD_NUMBER}\b)(?:{_SCALE})?"

_EN_MIN = (r"more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|exceeding|"
           r"no\s+fewer\s+than|no\s+less\s+than|not\s+less\s+than|a\s+minimum\s+of|"
           r"greater\s+than|above|well\s+over")
_EN_MAX = (r"up\s+to|fewer\s+than|less\s+than|under|no\s+more\s+than|not\s+more\s+than|"
           r"as\s+many\s+as|as\s+high\s+as|a\s+maximum\s+of|maximum\s+of|below|at\s+most|as\s+much\s+as")
_EN_APPROX = (r"approximately|approx\.|about|around|roughly|some|an\s+estimated|estimated|"
              r"nearly|almost|close\s+to|circa|c\.|an\s+average\s+of|a\s+total\s+of|"
              r"totall?ing|the\s+estimated|a\s+further|another|reportedly|perhaps|possibly")

# The qualifier before a number is read backwards from the number (a pattern that
# opened with optional qualifiers would be tried at every character of the text).
_EN_QUALIFIER = re.compile(
    rf"(?:(?:{_EN_MIN}|{_EN_MAX}|{_EN_APPROX}|between|from)\s+){{1,3}}$", re.IGNORECASE)
# the last word of every qualifier: the regex above runs only after one of these
_QUALIFIER_LAST_WORDS = frozenset({
    "than", "over", "least", "of", "excess", "exceeding", "above", "under", "below", "most",
    "to", "as", "approximately", "approx.", "about", "around", "roughly", "some", "estimated",
    "nearly", "almost", "circa", "c.", "average", "total", "totaling", "totalling", "further",
    "another", "reportedly", "perhaps", "possibly", "between", "from",
})
_EN_RANGE_TAIL = rf"""
    (?:
        (?P<sep>\s*(?:-|–|—|to|and|or)\s*)
        (?P<qual2>(?:{_EN_APPROX})\s+)?
        (?P<n2>{_EN_NUMBER})
    )?
    (?P<suffix>\s*\+|-plus\b|\s+or\s+(?:more|fewer|less)\b)?
    """
# Most sentences have no number word: the digits-only form starts with \d, which
# ``re`` finds with a fast scan instead of trying the whole pattern everywhere.
# It opens with a bare \d (the first digit, outside any group): only then does ``re``
# use its fast scan for the first character.
_EN_DIGITS_QUANTITY = re.compile(
    rf"\d(?P<n1>(?:\d{{0,2}}(?:,\d{{3}})+(?![\d,]\d)|\d*(?:\.\d+)?)(?:{_SCALE})?){_EN_RANGE_TAIL}",
    re.IGNORECASE | re.VERBOSE,
)
# literal-first (fast to scan) on lower-cased text; the caller checks the word start
_NUMBER_WORD_SCAN = re.compile(
    r"t(?:wo|hree|en|welve|wenty|hirty|hirteen)\b|f(?:our|ive|ifty|orty|ourteen|ifteen)\b|"
    r"s(?:ix|even)(?:ty|teen)?\b|e(?:ight|leven)(?:y|een)?\b|nine(?:ty|teen)?\b|one\b"
)
_QUALIFIER_FIRST_WORDS = frozenset({
    "more", "over", "at", "upwards", "in", "exceeding", "no", "not", "a", "greater", "above",
    "well", "up", "fewer", "less", "under", "as", "below", "maximum", "approximately",
    "approx.", "about", "around", "roughly", "some", "an", "estimated", "nearly", "almost",
    "close", "circa", "c.", "totaling", "totalling", "the", "another", "reportedly", "perhaps",
    "possibly", "between", "from",
})
_EN_QUANTITY = re.compile(
    rf"(?=[\dOoTtFfSsEeNn])(?P<n1>{_EN_NUMBER}){_EN_RANGE_TAIL}",
    re.IGNORECASE | re.VERBOSE,
)
_MIN_WORDS = re.compile(rf"\b(?:{_EN_MIN})\s+$", re.IGNORECASE)
_MAX_WORDS = re.compile(rf"\b(?:{_EN_MAX})\s+$", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:increas\w*|ris(?:e|en|es|ing)|rose|grew|grow\w*|fell|fall\w*|declin\w*|decreas\w*|"
    r"dropp?\w*|jump\w*|climb\w*|doubl\w*|went|gone|up|down|changed?|reduc\w*|swell\w*|"
    r"surg\w*)\b[^.;]{0,60}$",
    re.IGNORECASE,
)

_KO_PART = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
_KO_NUMBER = rf"(?:(?:{_KO_PART})\s?[억만천백]\s?)*(?:{_KO_PART})?(?<=[\d억만천백])"
# Tried only where a run of digits starts (found with a fast scan); the qualifier
# before the number is read backwards.
_KO_QUALIFIER = re.compile(r"(?:약|대략|최소|적어도|최대|무려|어림잡아|추정|모두|총)\s*$")
_DIGIT_RUN = re.compile(r"[0-9][0-9]*")  # not [0-9]+, see claims._DIGITS
_KO_QUANTITY = re.compile(
    rf"""
    (?P<n1>{_KO_NUMBER})
    (?P<more1>여)?
    (?:
        \s*(?:명|곳|개소|개)?\s*(?P<sep>~|∼|～|-|–|에서|내지|부터)\s*
        (?:약\s*)?(?P<n2>(?=\d){_KO_NUMBER})(?P<more2>여)?
    )?
    """,
    re.VERBOSE,
)
_KO_NATIVE_QUANTITY = re.compile(  # the caller checks that no syllable precedes it
    r"(?P<n1>한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)(?=\s?(?:곳|개소|군데|개의|명))"
)
_KO_AFTER = re.compile(
    r"\s*(?:명|곳|개소|개|군데|건)?\s*(?:의\s*)?(?:"
    r"(?P<min>이상|넘는|넘게|넘은|넘어|넘었|초과|남짓|[을를이은는]\s?넘)|"
    r"(?P<max>이하|미만|까지)|(?P<approx>가량|정도|쯤|안팎|내외))"
)
_KO_PARTS = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?([억만천백])?")


class Quantity(NamedTuple):
    """A number expression: its span, its bounds, and how it was qualified."""

    start: int
    end: int
    low: int | None
    high: int | None
    # the span of the digits or number words themselves (units are looked for after it)
    value_start: int
    value_end: int
    integral: bool = True
    korean: bool = False


def _english_value(raw: str) -> float | None:
    raw = raw.strip()
    if raw.isdigit():
        return float(raw)
    raw = raw.lower()
    scale = 1
    for word, factor in _SCALES_LONGEST_FIRST:
        if raw.endswith(word):
            raw = raw[: -len(word)].strip()
            scale = factor
            if raw.endswith("hundred"):  # "hundred thousand"
                raw = raw[: -len("hundred")].strip()
                scale *= 100
            break
    raw = raw.replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        parts = re.split(r"[- ]", raw)
        if not all(part in _WORD_VALUES for part in parts):
            return None
        value = float(sum(_WORD_VALUES[part] for part in parts))
    return value * scale


def _korean_value(raw: str) -> float | None:
    if raw.isdecimal():  # plain digits ("2013", "300"), most numbers: what _KO_PARTS reads
        return float(raw)
    total = 0.0
    found = False
    for digits, unit in _KO_PARTS.findall(raw):
        found = True
        number = float(digits.replace(",", ""))
        total += number * _KO_UNITS[unit] if unit else number
    return total if found else None


def _scale_of(raw: str) -> int:
    if raw[-1:].isdigit():
        return 1
    lowered = raw.lower().rstrip()
    for word, factor in _SCALES_LONGEST_FIRST:
        if lowered.endswith(word):
            return factor
    return 1


def _as_int(value: float | None) -> int | None:
    return None if value is None else round(value)


def _bounds(low: float, high: float | None, qual: str, suffix: str) -> tuple[float | None,
                                                                            float | None]:
    if high is not None:
        return low, high
    if suffix and ("more" in suffix or "+" in suffix or "plus" in suffix):
        return low, None
    if suffix:  # "or fewer", "or less"
        return None, low
    if qual and _MIN_WORDS.search(qual):
        return low, None
    if qual and _MAX_WORDS.search(qual):
        return None, low
    return low, low


def _english(text: str, start: int, end: int) -> list[Quantity]:
    out: list[Quantity] = []
    lowered = text[start:end].lower()
    words = any(m.start() == 0 or not lowered[m.start() - 1].isalpha()
                for m in _NUMBER_WORD_SCAN.finditer(lowered))
    pattern = _EN_QUANTITY if words else _EN_DIGITS_QUANTITY
    pos = start
    while True:
        found = pattern.search(text, pos, end)
        if found is None:
            break
        match = found
        pos = match.end()
        first = match.start()
        if first > 0 and (text[first - 1].isalnum() or text[first - 1] in ".,"):
            pos = match.end("n1")
            continue  # inside a word or a longer number ("A1", "7.b")
        raw1 = text[first:match.end("n1")]  # the digits form starts before its group
        n1 = _english_value(raw1)
        if n1 is None:
            continue
        qual = ""
        before = text[max(start, match.start() - 25):match.start()].rsplit(None, 1)
        if before and before[-1].lower() in _QUALIFIER_LAST_WORDS:
            found = match_before(_EN_QUALIFIER, text, max(start, match.start() - 60),
                                 match.start(), _QUALIFIER_FIRST_WORDS)
            qual = found.group() if found else ""
        begin = match.start() - len(qual)
        n2 = _english_value(match.group("n2")) if match.group("n2") else None
        sep = (match.group("sep") or "").strip().lower()
        two_points = False
        if n2 is not None:
            if (sep == "and" and "between" not in qual.lower()) or (
                    sep == "or" and not n1 < n2 <= n1 + 2):
                n2 = None
                pos = match.end("n1")  # "12 and 7": two numbers, read the second again
            elif sep == "to" and "from" in qual.lower() and _CHANGE.search(
                text, max(start, begin - 80), match.start()
            ):
                two_points = True
            if n2 is not None and not two_points and _scale_of(match.group("n2")) > 1 and (
                _scale_of(raw1) == 1 and n1 < 1000
            ):
                n1 *= _scale_of(match.group("n2"))  # "2 to 3 million"
            if n2 is not None and not two_points and n2 <= n1:
                n2 = None  # "1,000-2" is not a range
                pos = match.end("n1")
        integral = float(n1).is_integer() and (n2 is None or float(n2).is_integer())
        if n2 is None or two_points:
            suffix = "" if match.group("n2") else (match.group("suffix") or "")
            first_end = match.end() if suffix else match.end("n1")
            value_end = match.end("n1")
            low, high = _bounds(n1, None, qual, suffix)
            out.append(Quantity(begin, first_end, _as_int(low), _as_int(high),
                                first, value_end, float(n1).is_integer()))
            if two_points and n2 is not None:
                out.append(Quantity(match.start("sep") + len(match.group("sep")) -
                                    len(match.group("sep").lstrip()), match.end("n2"),
                                    _as_int(n2), _as_int(n2), match.start("n2"),
                                    match.end("n2"), float(n2).is_integer()))
            continue
        low, high = _bounds(n1, n2, qual, match.group("suffix") or "")
        out.append(Quantity(begin, match.end(), _as_int(low), _as_int(high),
                            first, match.end("n2"), integral))
    return out


def _korean(text: str, start: int, end: int) -> list[Quantity]:
    out: list[Quantity] = []
    pos = start
    for digits in _DIGIT_RUN.finditer(text, start, end):
        first = digits.start()
        if first < pos or (first > 0 and text[first - 1] in ".,"):
            continue  # part of the previous number, or decimals of a number
        found = _KO_QUANTITY.match(text, first, end)
        if found is None:
            continue
        match = found
        pos = match.end()
        n1 = _korean_value(match.group("n1"))
        if n1 is None:
            continue
        n2 = _korean_value(match.group("n2")) if match.group("n2") else None
        qualifier = _KO_QUALIFIER.search(text, max(start, first - 8), first)
        qual = qualifier.group() if qualifier else ""
        begin = qualifier.start() if qualifier else first
        if n2 is not None:
            unit2 = re.search(r"[억만천백]\s*$", match.group("n2"))
            if unit2 and not re.search(r"[억만천백]", match.group("n1")):
                n1 *= _KO_UNITS[unit2.group().strip()]  # "8~12만 명"
            if n2 <= n1:
                n2 = None
        after = _KO_AFTER.match(text, match.end(), end)
        value_end = match.end("n2") if n2 is not None else match.end("n1")
        low: float | None = n1
        high: float | None = n2 if n2 is not None else n1
        if n2 is None:
            at_least = "최소" in qual or "적어도" in qual
            if match.group("more1") or at_least or (after and after["min"]):
                high = None
            elif "최대" in qual or (after and after["max"]):
                low = None
        elif match.group("more2"):
            high = None
        integral = float(n1).is_integer() and (n2 is None or float(n2).is_integer())
        out.append(Quantity(begin, match.end(), _as_int(low), _as_int(high),
                            first, value_end, integral, korean=True))
    for match in _KO_NATIVE_QUANTITY.finditer(text, start, end):
        if match.start() > 0 and "\uac00" <= text[match.start() - 1] <= "\ud7a3":
            continue
        value = _KO_NATIVE[match.group("n1")]
        out.append(Quantity(match.start(), match.end(), value, value, match.start(),
                            match.end(), True, korean=True))
    return out


def find_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number expression in ``text[start:end]``, in text order."""
    stop = len(text) if end is None else end
    if _HAS_HANGUL.search(text, start, stop):
        found = _korean(text, start, stop)
        # "more than 80,000" in a Korean text
        if _HAS_LATIN_WORD.search(text, start, stop) and _english_may_add(
                text, start, stop, found):
            taken = [(q.value_start, q.value_end) for q in found]
            found.extend(q for q in _english(text, start, stop)
                         if not any(a < q.value_end and q.value_start < b for a, b in taken))
    else:
        found = _english(text, start, stop)
    return sorted(found, key=attrgetter("start", "end"))


def _english_may_add(text: str, start: int, stop: int, korean: list[Quantity]) -> bool:
    """Whether reading a Korean span as English can add to its ``korean`` quantities.

    Only English numbers whose value no Korean quantity overlaps are added, and each
    English value starts at a digit or a number word. Without a number word ("more than
    five") that takes a digit outside every Korean value ("20~10": "10", read again).
    """
    span = text[start:stop]
    if _NUMBER_WORD_SCAN.search(span.lower()) or any(c in span for c in FOLDS_TO_LATIN):
        return True  # a number word (or letters that may hide one from the lower-case scan)
    pos = start
    for value_start, value_end in sorted((q.value_start, q.value_end) for q in korean):
        if value_start > pos and _ANY_DIGIT.search(text, pos, value_start):
            return True
        pos = max(pos, value_end)
    return _ANY_DIGIT.search(text, pos, stop) is not None


_HAS_HANGUL = re.compile(r"[\uac00-\ud7a3]")
_HAS_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z]{2}")  # a leading class: scanned for fast
_ANY_DIGIT = re.compile(r"\d")
