"""Is a trigger asserted, or negated / denied / only prohibited by law?

Human-rights reporting hedges constantly ("reportedly", "may amount to",
"allegedly"): a hedged mention is still a report of the violation and counts.
What does not count is a mention the sentence itself negates:

- a nominal cue whose scope runs to the end of the clause: "no reports of",
  "no evidence of", "denied the existence of", "denied that", "free from",
  "the law prohibits", "Convention against";
- a verbal cue right before the trigger (at most four words between):
  "had not been tortured", "were never subjected to forced labour";
- a cue right after the trigger: "torture was not reported", "executions no longer
  take place", "could not be verified";
- Korean, where negation follows the noun: "고문은 없었다", "고문을 당하지 않았다",
  "강제노동 사실을 부인", "고문 금지", "공개처형은 보지 못했지만", "처형이 있었다는
  증언은 확인되지 않았다".

A clause boundary (";", "but", "however", "while", "where", "which", a new finite
verb after "and") ends a nominal cue's scope, so "did not enforce the law and
mobilized the population for compulsory labour" still reports forced labour.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .context import lower_same_length

_NOMINAL_CUE = re.compile(
    r"""\b(?=[nbdrfalcposkw])(?:
        no\s+(?:credible\s+|new\s+|further\s+|recent\s+|confirmed\s+|known\s+|documented\s+
             |reliable\s+|independent\s+|such\s+)?
           (?:reports?|evidence|information|cases?|allegations?|indications?|signs?|instances?
             |accounts?|records?|incidents?|testimon(?:y|ies)|mention)\s+(?:of|that|about|on)
      | (?:denied|denies|deny|denying|rejected|rejects|reject|dismissed|dismisses)\s+
           (?:the\s+)?(?:existence\s+of|allegations?|reports?|claims?|accusations?|charges?
             |that|any|ever|having|it)
      | free\s+(?:from|of)
      | (?:absence|lack)\s+of\s+(?:any\s+)?(?:reports?|evidence)\s+of
      | (?:law|laws|constitution|code|legislation|article)\s+(?:\w+\s+){0,2}
           (?:prohibits?|prohibited|bans?|banned|outlaws?|forbids?|criminali[sz]es?)
      | (?:prohibits?|prohibited|prohibition\s+of|prohibiting|outlaws?|outlawed|forbids?)
      | (?:convention|committee|protection|safeguards?|campaign|coalition|day|rapporteur)
           \s+(?:against|on)
      | right\s+(?:not\s+to\s+be|to\s+be\s+free\s+from)
    )\b""",
    re.VERBOSE,
)
# every nominal cue contains one of these; they are searched first, being fast to scan
_NOMINAL_HINT = re.compile(
    r"no |deni|deny|reject|dismiss|free from|free of|absence of|lack of|laws? |constitution|"
    r"code |legislation|article|prohibit|outlaw|forbid|against|committee on|rapporteur on|"
    r"convention on|campaign on|not to be|to be free"
)
# every post-mention cue contains one of these
_POST_HINT = re.compile(r"not|never|no longer|unfounded|false|fabricated|baseless")
# literal-first for speed: a match must start a word unless it is the "n't" of "didn't"
_VERBAL_CUE = re.compile(
    r"n(?:ot(?!\s+only\b)(?!\s+just\b)|ever|o\s+longer|either|or|(?P<clitic>['’]t))\b"
)
_MAX_VERBAL_GAP_WORDS = 4
_NO_BEFORE = re.compile(r"no\s+(?:(?:form|forms|kind|use|sign)\s+of\s+)?\Z")
_POST_CUE = re.compile(
    r"""[^.;:!?]{0,40}?\b(?:
        (?:was|were|is|are|has|have|had)\s+(?:been\s+)?(?:not|never|no\s+longer)\b
           (?!\s+(?:only|just|limited|restricted|un\w+|in\w+))
      | (?:did|does|do)\s+not\s+(?:occur|happen|take\s+place|exist|persist|continue)
      | no\s+longer\s+(?:take|took|occur|exist|happen|practi[cs]ed|used)
      | could\s+not\s+be\s+(?:confirmed|verified|substantiated|corroborated)
      | (?:were|was|are|is)\s+(?:unfounded|false|fabricated|baseless)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Things that end a cue's scope inside a sentence.
_BOUNDARY = re.compile(
    r"[;:!?\u2014]|\s-\s|\b(?=[bhatwydri])(?:but|however|although|though|while|whereas|yet|"
    r"despite|where|which|who|instead|rather|including|and\s+(?:then\s+)?\w+ed)\b"
)
_KO_POST_CUE = re.compile(
    r"\A[^,.;:!?]{0,15}?(?:없었|없다|없는|없으며|없음|없고|않았|않는다|않은|않고|않으며|아니|부인|부정|"
    r"사실무근|금지|방지|근절|폐지|(?:보지|목격하지)\s?못)"
)
# "공개처형이 있었다는 증언은 확인되지 않았다": the report of it is what is denied
_KO_NOT_REPORTED = re.compile(
    r"\A[^,.;:!?]{0,6}?(?:있었|있|벌어졌|이뤄졌|이루어졌|자행됐|자행되었|이뤄진|이루어진|벌어진|"
    r"자행된|행해진)다는\s?"
    r"(?:증언|보고|증거|정황|사실|진술|목격담)(?:은|는|이|가|도)?\s?"
    r"(?:없|확인되지\s?않|나오지\s?않|발견되지\s?않)"
)
_KO_NOT_REPORTED_HINT = "다는"  # in every _KO_NOT_REPORTED match
# every _KO_POST_CUE match has one of these (looked for first: far cheaper than the cue)
_KO_POST_HINT = re.compile(r"없|않|아니|부인|부정|사실무근|금지|방지|근절|폐지|못")
_KO_BOUNDARY = re.compile(r"지만|으나|는데|면서|며,")
_LOOKBACK = 160


class Negations:
    """Negation checks for the mentions of one text.

    Cues are looked for once per sentence that has a mention (the nominal ones only
    when a cheap literal hint is there), never over the whole text.
    """

    def __init__(self, text: str, lowered: str | None = None) -> None:
        self.text = text
        # the cue patterns are lower-case and run case-sensitively on a lower-cased
        # copy (same offsets): much faster than IGNORECASE
        self.lowered = lower_same_length(text) if lowered is None else lowered
        self._by_sentence: dict[int, tuple[list[int], list[tuple[int, int]]]] = {}

    def negated(self, start: int, end: int, sentence_start: int, sentence_end: int) -> bool:
        """True when the mention ``text[start:end]`` is negated within its sentence."""
        text, lowered = self.text, self.lowered
        if _is_hangul(text[start]):
            following = text[end:min(sentence_end, end + 40)]
            if _KO_NOT_REPORTED_HINT in following and _KO_NOT_REPORTED.match(following):
                return True
            after = following[:20]
            if not _KO_POST_HINT.search(after):
                return False
            cut = _KO_BOUNDARY.search(after)
            if cut:
                after = after[:cut.start()]
            return bool(_KO_POST_CUE.match(after))
        verbal, nominal = self._cues(sentence_start, sentence_end)
        # a verbal cue at most four words before: "had not been tortured"
        i = bisect_right(verbal, start) - 1
        if i >= 0 and start - verbal[i] <= 60:
            gap_start = verbal[i]
            if len(lowered[gap_start:start].split()) <= _MAX_VERBAL_GAP_WORDS and not \
                    _BOUNDARY.search(lowered, gap_start, start):
                return True
        at = lowered.rfind("no", max(sentence_start, start - 25), start)
        if at >= 0 and (at == 0 or not lowered[at - 1].isalpha()) and _NO_BEFORE.match(
                lowered, at, start):
            return True
        # a nominal cue whose clause runs on to the mention: "no reports of …"
        for cue_start, cue_end in nominal:
            if cue_end > start:
                break
            if start - cue_start <= _LOOKBACK and not _BOUNDARY.search(lowered, cue_end, start):
                return True
        after = lowered[end:min(sentence_end, end + 60)]
        return bool(_POST_HINT.search(after) and _POST_CUE.match(text, end,
                                                                min(sentence_end, end + 60)))

    def _cues(self, start: int, end: int) -> tuple[list[int], list[tuple[int, int]]]:
        """Verbal cue ends and nominal cue spans of the sentence ``[start, end)``, cached."""
        found = self._by_sentence.get(start)
        if found is None:
            lowered = self.lowered
            verbal = [m.end() for m in _VERBAL_CUE.finditer(lowered, start, end)
                      if m.group("clitic") or m.start() == 0
                      or not lowered[m.start() - 1].isalpha()]
            nominal = [(m.start(), m.end()) for m in _NOMINAL_CUE.finditer(lowered, start, end)
                       ] if _NOMINAL_HINT.search(lowered, start, end) else []
            found = self._by_sentence[start] = (verbal, nominal)
        return found


def is_negated(text: str, start: int, end: int, sentence_start: int, sentence_end: int) -> bool:
    """One-off check (tests, callers with a single mention); see :class:`Negations`."""
    return Negations(text).negated(start, end, sentence_start, sentence_end)


def _is_hangul(char: str) -> bool:
    return "\uac00" <= char <= "\ud7a3"
