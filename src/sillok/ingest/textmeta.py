"""Title, publisher and publication date from the head of a plain-text document.

Real input is a web page saved as text (sometimes with every element run together on one
line) or a report typed as text. Its head mixes the things we want (headline, masthead,
byline date) with things that must never become metadata: site banners ("An official
website of the United States Government"), disclaimers ("SYNTHETIC DEMO DOCUMENT — not a
real report."), photo captions with their own dates, and dates of events in the prose.
"""

from __future__ import annotations

import re

_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec")
_MONTH_NUM = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")], start=1) for name in names}
_DATE_PATTERNS = (
    # no \b before the month: run-together dumps glue it to the word before ("NowFebruary")
    re.compile(rf"(?P<month>{_MONTHS})\.? (?P<day>\d{{1,2}}),? (?P<year>(19|20)\d\d)\b"),
    re.compile(rf"\b(?P<day>\d{{1,2}}) (?P<month>{_MONTHS})\.? (?P<year>(19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(19|20)\d\d)-(?P<mnum>\d\d)-(?P<day>\d\d)\b"),
    re.compile(r"(?P<year>(19|20)\d\d)\s*년\s*(?P<mnum>\d{1,2})\s*월\s*(?P<day>\d{1,2})\s*일"),
    re.compile(r"\b(?P<year>(19|20)\d\d)\.\s?(?P<mnum>\d{1,2})\.\s?(?P<day>\d{1,2})\b"),
)
# A label that makes a date the document's own: "Published on", "Date:", "By X —", "발행일:".
_DATE_LABEL = re.compile(
    r"(published|posted|updated|\bdate[d:]?|issued|released|edition|발행|작성|입력|등록|게시)",
    re.I)
# A byline date is often followed by a time: "February 9, 2021 2:09PM EST".
_TIME_AFTER = re.compile(r"^,?\s*(\d{1,2}:\d\d\s*([AaPp]\.?[Mm]\.?)?|\d{1,2}\s*[AaPp][Mm]\b)")
# A photo caption ends with its credit: "... May 8, 2011. © 2011 Reuters".
_CAPTION_AFTER = re.compile(r"^[^.\n]{0,40}\.?\s*(©|\(c\)\s*\d{4}|photo:|image:|credit:)", re.I)

# Lines that are never a title or a publisher: disclaimers and site banners.
_BANNER = re.compile(
    # disclaimers: sample, fictional or demonstration material
    r"\b(synthetic|fictional|fictitious|sample|specimen|demo|demonstration)\s+"
    r"([\w-]+\s+)?(document|report|record|data|file)\b|not a real (report|document|case)|"
    r"for (demonstration|illustration|training) purposes|disclaimer|"
    r"합성 (데모|문서|자료|보고서)|가상의? (문서|자료|보고서|사례)|"
    r"실제 (보고서|문서|사례)가 아닙니다|"
    # handling marks
    r"^\s*(strictly\s+)?confidential\b[^a-z]*$|not for (distribution|publication|citation)|"
    r"for (internal|official) use only|^\s*대외비|배포 금지|"
    # site banners
    r"an official website of|here'?s how you know|official websites use|\.gov website|"
    r"secure \.gov|websites? use https|safely connected to|skip to (main )?content|"
    r"this (web)?site uses cookies|we use cookies|enable javascript|"
    r"^\s*(advertisement|sponsored)\s*$", re.I)
_BRACKETED = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_ORG_WORD = re.compile(
    r"\b(project|forum|watch|institute|centre|center|committee|network|foundation|council|"
    r"review|times|news|daily|monitor|alliance|association|coalition|agency|office)\s*$|"
    r"(센터|연구소|연구원|협회|위원회|재단|기구|신문|일보|방송|연대|네트워크)$", re.I)
_SERIES = re.compile(r"^[\w ]{0,40}\b(no\.?|number|issue|vol\.?)\s*\d+$", re.I)
_META_LINE = re.compile(
    r"^\**(date|dated|author|authors|by|prepared by|written by|edition|reference|ref|facility|"
    r"interviews?|review status|status|source|sources|contact|tags|category|categories|"
    r"published|updated|language|version|classification|location|발행일?|작성|작성자|출처|문의|"
    r"날짜|분류)\s*:", re.I)
_SITE_SUFFIX = re.compile(r"^(.{8,}?)\s+[|–—]\s+([^|–—]{2,60})$")
_GLUED = re.compile(r"(?<=[a-z0-9.!?”’)])(?=[A-Z][a-z])")
_DASH = re.compile(r"\s+[—–|]\s+|\s+-\s+")
_REPEATED_HEAD = re.compile(r"^(?P<head>[^:]{3,80}):\s+(?P=head):\s+")


def is_banner(line: str) -> bool:
    """True for a disclaimer or site-banner line, which is never a title or publisher.

    A tag in brackets does not make a line a banner: "Interview notes [SYNTHETIC DEMO]"
    is a title.
    """
    return bool(_BANNER.search(_BRACKETED.sub(" ", line)))


def find_date(text: str) -> str | None:
    """The document's own date in the head of ``text`` as YYYY-MM-DD, or None.

    Only a date set out as the document's date counts: labelled ("Published on", "Date:",
    "By ... —", "발행일"), alone on its line, followed by a time, or on a short line. A date
    inside a sentence is an event the text reports, and a date in a photo caption (followed
    by its © credit) belongs to the photo; neither is the publication date.
    """
    found: list[tuple[int, str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["mnum"]) if parts.get("mnum") else \
                _MONTH_NUM[parts["month"].lower()]
            day = int(parts["day"])
            if 1 <= month <= 12 and 1 <= day <= 31 and _is_own_date(text, match):
                found.append((match.start(), f"{parts['year']}-{month:02d}-{day:02d}"))
    return min(found)[1] if found else None


def _is_own_date(text: str, match: re.Match[str]) -> bool:
    if _CAPTION_AFTER.match(text[match.end():match.end() + 60]):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    before = text[max(line_start, match.start() - 40):match.start()]
    if _DATE_LABEL.search(before) or _TIME_AFTER.match(text[match.end():line_end]):
        return True
    line = text[line_start:line_end].strip(" \t*•·-–—|")
    # a date alone on its line, a byline ("By Jane Kim — 3 May 2023"), a short dateline
    return line.startswith("By ") or len(line.split()) <= 8


def _tidy_title(title: str) -> str:
    if len(title) > 150:
        # a dump whose elements ran together: the title ends where the next begins
        title = _GLUED.split(title, maxsplit=1)[0]
    title = _REPEATED_HEAD.sub(lambda m: m.group("head") + ": ", title)
    # a page title whose site name was cut off: "Headline -"
    return title.strip().rstrip("-–—|:·").strip()[:300]


def _masthead(line: str) -> str | None:
    """The organisation a masthead line names ("HANBIT DOCUMENTATION PROJECT — ..."), or None."""
    head = _DASH.split(line, maxsplit=1)[0].strip()
    letters = [c for c in head if c.isalpha()]
    if len(head.split()) >= 2 and letters and all(c.isupper() for c in letters if c.isascii()) \
            and sum(c.isascii() for c in letters) > len(letters) / 2:
        return head.title()
    if len(head.split()) <= 6 and _ORG_WORD.search(head) and not head.endswith("."):
        return head
    return None


def _continues(previous: str, line: str) -> bool:
    """Whether ``line`` goes on with the paragraph of ``previous`` (wrapped prose, a note)."""
    return (len(line.split()) > 8 or line.endswith((".", "。")) or line.startswith("※")
            or not previous.endswith((".", "!", "?", ")", "。")))


def title_and_publisher(text: str, markdown: bool = False) -> tuple[str | None, str | None]:
    """The title and publisher named in the head of ``text``.

    Disclaimer and banner paragraphs are skipped; a masthead line (an organisation's name
    in capitals, or a short line ending in "Project", "센터" ...) gives the publisher;
    labelled lines ("Edition: ...") and series lines ("Briefing paper No. 7") are passed
    over; the next line is the title. "Headline | Site" is split into both.
    """
    lines = [line.strip() for line in text[:20_000].splitlines()[:80]]
    publisher: str | None = None
    masthead_rest: str | None = None
    skipping = False
    previous = ""
    for line in lines:
        if not line:
            skipping = False
            continue
        if line.startswith("<!--") or (skipping and _continues(previous, line)):
            previous = line
            continue  # a comment, or the explanation that follows a disclaimer
        skipping = False
        previous = line
        if markdown and line.startswith("#"):
            line = line.lstrip("#").strip()
        plain = line.strip("*_ ")
        if len(plain) > 150:
            tidy = _tidy_title(plain)
            if len(tidy) > 150:
                break  # prose: the head named no title
            plain = tidy
        if is_banner(plain):
            skipping = True  # the rest of a disclaimer's paragraph explains it
            continue
        if publisher is None and (org := _masthead(plain)):
            publisher = org
            parts = _DASH.split(plain, maxsplit=1)
            masthead_rest = parts[1].strip() if len(parts) > 1 else None
            continue
        if _META_LINE.match(plain) or _SERIES.match(plain) or plain.startswith("By "):
            continue
        if publisher is not None and plain.isupper() and len(plain.split()) <= 4:
            break  # a section heading ("BACKGROUND"): the masthead had no headline
        if len(plain.split()) > 30 or (plain.endswith(".") and len(plain.split()) > 15):
            break  # prose
        title = _tidy_title(plain)
        match = _SITE_SUFFIX.match(title)
        if match and publisher is None:
            title, publisher = match.group(1).strip(), match.group(2).strip()
        if title and not is_banner(title):
            return title, publisher
    if masthead_rest and not is_banner(masthead_rest):
        return masthead_rest.capitalize() if masthead_rest.isupper() else masthead_rest, \
            publisher
    return None, publisher
