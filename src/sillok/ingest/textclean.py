"""Boilerplate removal for plain-text and Markdown dumps of web pages.

HTML goes through trafilatura; this module handles text that was already flattened, where
navigation, share buttons, banners, comments and sidebars sit in the text beside the article,
sometimes run together with no line breaks at all ("...Skip to main contentHelp us continue...").
Neither trafilatura nor jusText can do this from text: wrapped in ``<p>`` elements, the dev
pages come back with their chrome (trafilatura) or without their article (jusText on the glued
pages). The method, in five steps:

1. **Normalise.** Line endings become ``\\n``; trailing white space and control characters go.
2. **Units.** Blank lines separate blocks. A hard-wrapped paragraph is one unit; any other block
   gives one unit per line. A line that is several page elements run together (three or more
   glued boundaries: ``word.Word``, ``wordWord``, ``2021Word``, ``”Word``, a change of script)
   is cut there, and the pieces are written out as paragraphs separated by a blank line.
   Brand names (WhatsApp), surnames (McCune), URLs, addresses and hashtags are not cut.
3. **Classify** each unit as *prose* (enough words, function words or a Korean sentence
   ending, sentence punctuation), *chrome* (English and Korean interface text: skip links,
   share, print, donate and subscribe buttons, cookie and .gov banners, copyright lines,
   language menus, form widgets, menu rows, Markdown link lists, relative dates, "Tags:"
   labels and their values) or *neutral* (headings, dates, names, table rows). A lexicon hit
   inside a real sentence does not make it chrome. In a block of mostly chrome lines, a
   neutral line with chrome on every side is chrome too.
4. **Ends of the article.** A comment header ("3 Comments", "Leave a Reply", "댓글 3") with
   article prose above it ends the article: nothing after it is kept; comment-policy text does
   the same once most of the prose is above it. A "related / most viewed / this week / 관련기사"
   header starts a sidebar that lasts until solid prose resumes (then it was a box inside the
   article, and only its lines are dropped).
5. **Main region.** Prose scores its length (a quarter of it without a closing full stop, as
   taglines and teasers go), chrome and neutral units cost a little; the best contiguous run
   (maximum-sum segment) is the article, and other runs at least half as strong are kept too.
   A run grows over neutral neighbours (title, byline, sign-off) up to the nearest chrome, and
   over one or two post-meta lines ("Categories: ...") to reach a title; the page title is
   also kept where the first line (the HTML ``<title>``) repeats it. Chrome inside is dropped.

A text with no chrome at all comes back whole, only normalised. Cleaning never adds text: it
deletes units and inserts paragraph breaks between cut pieces (counted in
:attr:`Cleaned.inserted`). It is deterministic, and linear in the size of the input.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Cleaned", "clean", "clean_text"]

PROSE, NEUTRAL, CHROME = "prose", "neutral", "chrome"


def _lexicon(entries: str) -> frozenset[str]:
    return frozenset(e.strip() for e in entries.split("|") if e.strip())


# -- glued page elements -------------------------------------------------------------------------
_LOWER, _UPPER = "a-zß-öø-ÿ", "A-ZÀ-ÖØ-Þ"
# A quick test run on every line; only lines where it fires twice are searched for boundaries.
_GLUE_HINT = re.compile(rf"[{_LOWER}.!?”’)\]0-9:][{_UPPER}“©]|[가-힣][.!?][가-힣“]")
# Candidate boundaries: one character of left context, the right side in a lookahead. Each is
# then vetted by _is_break, which looks at a few characters around it.
_CANDIDATE = re.compile(
    rf"[{_LOWER}.!?”’)\]0-9:가-힣,](?=[{_UPPER}“‘©ⓒ])"
    r"|[.!?](?=[가-힣(\[])| (?=[©ⓒ])|[>»›](?=\w)|[a-z](?=@[A-Za-z])|[A-Z](?=[A-Z][a-z]{2})"
)
# Section headings that page dumps run into the text around them (case-sensitive: a page
# capitalises them, a sentence of a report does not).
_INLINE_HEAD = re.compile(
    r"(?:^|(?<=[\s.!?\d]))(?P<head>Share this (?:article|story|page|post)"
    r"|Most (?:Read|Popular|Viewed)|Read (?:Next|More)|Related(?: (?:Articles|Stories|News))?:"
    r"|Comments \(\d+\)|Sort by (?:Newest|Oldest|Best)|Load more comments|Reply Like(?: \d+)?)"
    r"(?=[\s\d:]|$)"
)
_INLINE_HEAD_HINT = re.compile(
    r"Share this|Most |Read |Related|Comments \(|Sort by|Load more|Reply Like")
_SCRIPTS = {
    "latin": "A-Za-zÀ-ÖØ-öø-ɏ", "cyrillic": "Ѐ-ӿ", "greek": "Ͱ-Ͽ", "hebrew": "֐-׿",
    "arabic": "؀-ۿݐ-ݿ", "indic": "ऀ-෿", "thai": "฀-๿", "han": "぀-ヿ㐀-䶿一-鿿豈-﫿",
    "hangul": "가-힣ᄀ-ᇿ㄰-㆏",
}
# Han beside Hangul, and Latin before Hangul ("NGO들은"), are ordinary Korean writing.
_SCRIPT_KEEP = {"han": ("hangul",), "hangul": ("han", "latin"), "latin": ("hangul",)}
_SCRIPT_BREAK = re.compile("|".join(
    f"[{left}](?=[{''.join(r for n, r in _SCRIPTS.items() if n != name and n not in keep)}])"
    for name, left in _SCRIPTS.items()
    for keep in [_SCRIPT_KEEP.get(name, ())]
))
_NON_LATIN_RUN = re.compile(r"[^\W\d_\x00-\u024f]+")
_PROTECTED = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+|#\w+|@\w+?(?=[A-Z][a-z]{2}|\W|$)|`[^`\n]*`"
)
_BRANDS = re.compile(
    "whatsapp|linkedin|youtube|github|paypal|tiktok|wechat|kakaotalk|kakaostory|powerpoint|"
    "javascript|typescript|sharepoint|dropbox|iphone|ipad|ebay|gofundme|huffpost|buzzfeed|"
    "soundcloud|playstation|macbook|openai|chatgpt|dailynk|nknews|jpmorgan|wordpress|substack"
)
_CAMEL_SHORT = _lexicon("in|on|of|to|by|at|up|us|is|it|me|my|no|so|do|go|be|we|he|an|as|or|if")
_CAMEL_PREFIXES = _lexicon("mac|van|von|der|del|des|las|los|san")
_TAIL_WORD = re.compile(r"[^\W\d_]+$")
_HEAD_WORD = re.compile(r"[^\W\d_]+")
_CAMEL_TAIL = re.compile(rf"[{_UPPER}]?[^\W\d_{_UPPER}]+$")
_GLUED_MIN = 3

# -- lexicons ------------------------------------------------------------------------------------
_LANGUAGES = re.compile(
    r"english|français|francais|deutsch|español|espanol|português|portugues|italiano|"
    r"nederlands|polski|türkçe|русский|українська|العربية|فارسی|עברית|हिन्दी|ไทย|"
    r"tiếng việt|bahasa indonesia|bahasa melayu|svenska|dansk|norsk|suomi|ελληνικά|"
    r"čeština|magyar|română|简体中文|繁體中文|简中|繁中|中文|日本語|한국어|조선말|korean|"
    r"[\s,/|·•]+"
)
_EXACT = _lexicon("""
    home|homepage|menu|main menu|open menu|close menu|toggle menu|toggle navigation|navigation|
    main navigation|skip navigation|search|search for|search this site|submit|go|login|log in|
    log out|logout|sign in|sign up|sign out|register|my account|account|subscribe|
    subscribe now|newsletter|newsletters|donate|donate now|give|give now|give today|join|
    join us|join now|support us|take action|act now|get involved|contact|contact us|about|
    about us|who we are|share|share this|share this article|share this story|share this page|
    share article|tweet|email|e-mail|print|print this page|print page|facebook|twitter|x|
    instagram|youtube|linkedin|whatsapp|telegram|reddit|pinterest|tiktok|flickr|threads|
    bluesky|mastodon|rss|rss feed|more|read more|continue reading|see more|show more|
    view more|load more|see all|view all|next|previous|prev|next article|previous article|
    next post|previous post|back|back to top|top|scroll to top|close|cancel|ok|accept|
    accept all|accept cookies|reject all|i agree|cookie settings|cookie policy|
    manage cookies|cookies|privacy|privacy policy|privacy notice|terms|terms of use|
    terms of service|terms and conditions|accessibility|site map|sitemap|careers|jobs|
    press room|newsroom|media contacts|faq|faqs|help|advertise|advertisement|sponsored|
    languages|language|more languages|select language|available in|translate|copy link|
    copy url|link copied|copied|like|likes|like this|reply|report this|follow|follow us|
    connect with us|stay connected|stay informed|get updates|tags|tag|topics|categories|
    category|filed under|published|published on|posted on|posted in|updated|last updated|
    breadcrumb|you are here|loading|processing|click to expand image|expand image|
    enlarge image|image|photo|video|audio|listen|listen to this article|play|download|
    download pdf|browse|choose|select|filter|sort by|footer|footer menu|main content|
    corrections|permissions|banner|logo|icon|dismiss|got it|learn more|find out more|
    more info|keywords|
    홈|메뉴|전체메뉴|전체 메뉴|메뉴 열기|메뉴 닫기|검색|검색하기|검색어 입력|로그인|로그아웃|
    회원가입|마이페이지|공유|공유하기|기사 공유하기|페이스북|트위터|카카오톡|카카오스토리|
    카카오톡 공유|밴드|네이버 밴드|링크복사|링크 복사|url 복사|주소복사|인쇄|인쇄하기|프린트|
    스크랩|저장|글자크기|글자 크기|글씨크기|닫기|이전|다음|이전글|다음글|이전 기사|다음 기사|
    목록|목록보기|맨위로|위로|위로가기|더보기|더 보기|전체보기|후원|후원하기|후원 안내|
    정기후원|기부|기부하기|구독|구독하기|뉴스레터|뉴스레터 구독|기사제보|제보|제보하기|광고|
    광고문의|이용약관|개인정보처리방침|개인정보 처리방침|청소년보호정책|사이트맵|
    본문 바로가기|주메뉴 바로가기|바로가기|언어|언어 선택|좋아요|추천|신고|답글|답글쓰기|
    댓글쓰기|댓글 쓰기|팔로우|기사 듣기|음성재생|번역|이메일|태그|키워드|분류|카테고리""")
_LABELS = _lexicon("""tags|tag|topics|topic|category|categories|filed under|posted in|published|
    published on|posted on|keywords|related topics|태그|키워드|분류|카테고리""")
_META = re.compile(
    r"(?:tags?|categor(?:y|ies)|filed under|topics?|keywords|posted|published"
    r"|태그|키워드|분류|입력|수정)\b"
)
_BARE_LABELS = _lexicon("published on|posted on|posted in|filed under")
# Interface text that a sentence of a report would hardly contain. Words that are also ordinary
# verbs or nouns ("subscribe to the party paper", 정보를 공유하기로) are only matched as whole
# lines, through _EXACT, or anchored to the start of a line.
_SHARE_TARGETS = (
    r"facebook|twitter|x|whatsapp|e-?mail|linkedin|reddit|telegram|printer|print|pinterest"
    r"|messenger|kakao\w*|line|bluesky|threads|weibo|mastodon"
)
_STRONG = re.compile(
    r"skip to (?:the )?(?:main |primary )?(?:content|navigation|search|footer|menu|cookie)"
    r"|jump to (?:main )?content|skip navigation"
    rf"|share (?:this |it )?(?:via|on|to) (?:{_SHARE_TARGETS})\b"
    r"|other ways to share|(?:this|our) (?:web)?site uses cookies|we use cookies"
    r"|cookie (?:policy|settings|preferences|notice|consent)|accept (?:all )?cookies"
    r"|all rights reserved|©|ⓒ|\(c\) ?(?:19|20)\d\d|tax[- ]deductible|501 ?\(c\) ?\(3\)"
    r"|please (?:give|donate)|give now|support our work|donate today"
    r"|become a (?:monthly )?(?:donor|supporter)|sign up for (?:our|email|the newsletter|updates)"
    r"|subscribe to our|^subscribe to|enter (?:an |your )?e-?mail"
    r"|thank you for (?:signing|subscrib)"
    r"|error occurred while subscribing|^get (?:the latest )?updates|delivered to your inbox"
    r"|join our (?:movement|mailing list|newsletter)|official website of the united states"
    r"|\.gov website|official websites use|here[’']s how you know|websites use https"
    r"|edit your custom report|select (?:a|an) (?:year|country|section)|select sections"
    r"|select countries|add more than one country|follow us on|connect with us"
    r"|like us on facebook|click (?:here )?to (?:expand|enlarge|view|read|download|share)"
    r"|click here|powered by (?:disqus|wordpress)|(?:e-?mail(?: address)?|comment) will not be"
    r" published|required fields are marked|you are here:"
    r"|^download (?:the )?(?:full )?(?:report|pdf)"
    r"|^browse (?:all|by|countries|topics|regions|more)|^cover image|flickr \(cc|\bcc by[- ]"
    r"|^(?:tags?|categor(?:y|ies)|filed under|topics?|keywords|posted in|태그|키워드|분류)\s?:"
    r"|^(?:photo|image|picture)s?(?: by| credit)?:|무단\s?전재|재배포\s?금지|저작권자"
    r"|본문\s?바로가기|개인정보\s?처리\s?방침|이용약관|청소년\s?보호\s?정책|학습\s?및\s?활용\s?금지"
    r"|기사\s?제보|카카오톡\s?공유|url\s?복사|링크\s?복사|글자\s?크기|댓글\s?쓰기|후원\s?계좌"
    r"|^[\[(]?사진\s?=|^[\[(]?(?:\S+\s)?자료사진"
    r"|^(?:조회수?|등록일|첨부\s?파일|작성자|작성일|게시일|담당\s?부서)\b|^\d+ min(?:ute)? read$"
    r"|^views?:? ?\d|view (?:this|it|this email) in (?:your |a )?browser|\bunsubscribe\b"
    r"|update your (?:email )?preferences|forward to a friend|you are receiving this"
    r"|manage (?:your )?subscription|수신\s?거부"
)
_WEAK = re.compile(
    r"\b(?:donate|donations?|subscribe|newsletter|sign up|log ?in|share|facebook|twitter"
    r"|whatsapp|linkedin|instagram|youtube|telegram|e-?mail|print|follow|comments?|cookies?"
    r"|privacy|menu|search|advertisement|download|read more|rss)\b"
    r"|공유|후원|구독|댓글|로그인|검색|메뉴|광고|페이스북|트위터|카카오|인쇄|스크랩"
)
_COMMENT_HEAD = re.compile(
    r"\d+ comments?|comments? \(?\d*\)?|(?:leave|post|add|write) (?:a |your )?(?:comment|reply).*"
    r"|join the (?:discussion|conversation)|(?:view|show|load) (?:all |more )?comments"
    r"|most voted|newest(?: oldest)?|oldest|inline feedbacks|\d+ (?:responses?|replies|thoughts)"
    r"(?: (?:to|on) .*)?|comments powered by disqus|댓글\s?\d*\s?개?|댓글\s?(?:달기|보기)"
    r"|전체\s?댓글.*"
)
_COMMENT_POLICY = re.compile(
    r"your comments?|comment policy|comments policy|our community|we (?:screen|moderate|review"
    r"|do not tolerate|reserve the right)|be civil|will not be published|운영\s?원칙|댓글\s?정책"
)
_RELATED_HEAD = _lexicon("""
    related|related articles|related stories|related posts|related news|related content|
    related reading|related coverage|related reports|more reading|more stories|more news|
    more on this|more on this story|read next|up next|what to read next|you may also like|
    you might also like|recommended|recommended for you|recommended stories|most viewed|
    most read|most popular|popular|popular posts|trending|trending now|latest|latest news|
    latest stories|latest posts|this week|in case you missed it|editor's picks|
    editors' picks|top stories|don't miss|also read|from around the web|sponsored content|
    more headlines|
    관련기사|관련 기사|관련뉴스|관련 뉴스|많이 본 뉴스|많이 본 기사|가장 많이 본 뉴스|
    인기기사|인기 기사|최신기사|최신 뉴스|추천기사|추천 기사|이 시각 주요뉴스|주요뉴스|
    오늘의 주요뉴스|함께 볼만한 뉴스|이 기사와 함께 많이 본 뉴스|에디터 추천|핫이슈|
    실시간 인기|랭킹뉴스|포토뉴스|기자의 다른 기사|이 기자의 다른 기사""")
_RELATIVE_TIME = re.compile(
    r"\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago"
    r"|\d+\s*(?:초|분|시간|일|주|개월|달|년)\s*전"
)
_UI_NOUN = re.compile(r"(?:image|photo|banner|icon|logo|thumbnail|avatar)$")
_EMAIL_ONLY = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_STOPWORDS = _lexicon("""the|of|and|to|in|a|is|that|for|was|were|by|with|on|as|from|have|has|
    had|it|be|are|which|this|at|an|or|not|their|its|they|been|who|but|also|said|would|could|
    than|after|into|there|these|those|his|her|he|she|we|our|under|more|most|all|any|such|
    other|when|while|where|what|will|can|may|should|being|between|including|against|during|
    about|only|over|since|before|de|la|le|les|des|et|en|el|los|las|y""")
_KO_END = re.compile(r"(?:다|요|죠|음|함|임|니까|까)[.!?]?[\"”’')\]]*$")
_KO_SENTENCE = re.compile(r"다[.!?]\s")
_KO_PARTICLE = re.compile(r"(?:은|는|이|가|을|를|에|의|로|와|과|도|에서|으로|에게|까지)$")
_TERMINAL = re.compile(r"[.!?:;…。]['\"”’)\]]*$")
_MARKERS = re.compile(r"^[\s#>|]*(?:[*+\-•·◦▪●○■□–—]\s+|\d{1,3}[.)]\s+)?")
_LIST_ITEM = re.compile(r"\s*(?:[#>|]|[*+\-•·◦▪●○■□–—]\s|\d{1,3}[.)]\s)")
_TRAILERS = re.compile(r"[\s:|»›>\-–—]+$")
_MD_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_SEPARATORS = re.compile(r"\s[|·•/»]\s|\s?\|\s?")
_HANGUL = re.compile(r"[가-힣]")
_CJK = re.compile(r"[가-힣぀-ヿ一-鿿]")
_SAMPLE = 2000  # long units are judged on their first characters
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]")


@dataclass(frozen=True)
class Cleaned:
    """The clean text, and how many characters of paragraph break were inserted into it."""

    text: str
    inserted: int


@dataclass(slots=True)
class _Unit:
    start: int
    end: int
    line: int
    block: int
    glued: bool
    kind: str = NEUTRAL
    end_of_article: str = ""  # "comment", "policy", "related"; "out" for what follows them
    label: bool = False
    meta: bool = False
    weight: float = 0.0
    words: int = 0


def clean_text(text: str) -> str:
    """Return the article text of a plain-text or Markdown page dump, without site chrome."""
    return clean(text).text


def clean(text: str) -> Cleaned:
    """Clean ``text`` (see the module docstring for the method) and count inserted breaks."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    norm = "\n".join(line.rstrip() for line in text.split("\n"))
    units = list(_units(norm))
    memo: dict[str, tuple[str, str, bool, bool, float, int]] = {}
    for unit in units:
        raw = norm[unit.start:unit.end]
        if raw not in memo:
            _classify(unit, raw)
            memo[raw] = (unit.kind, unit.end_of_article, unit.label, unit.meta, unit.weight,
                         unit.words)
        (unit.kind, unit.end_of_article, unit.label, unit.meta, unit.weight,
         unit.words) = memo[raw]
    _apply_context(units)
    keep = _select(units)
    _keep_title(norm, units, keep)
    return _assemble(norm, units, keep)


# -- step 2: units -------------------------------------------------------------------------------
def _units(norm: str) -> Iterator[_Unit]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in norm.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    block: list[int] = []
    for index in range(len(spans) + 1):
        if index < len(spans) and spans[index][1] > spans[index][0]:
            block.append(index)
            continue
        if not block:
            continue
        first = block[0]
        if _is_wrapped([norm[spans[i][0]:spans[i][1]] for i in block]):
            yield _Unit(spans[first][0], spans[block[-1]][1], first, first, False)
        else:
            for i in block:
                start, end = spans[i]
                if end - start < 12:  # too short to hold glued elements
                    yield _Unit(start, end, i, first, False)
                else:
                    yield from _line_units(norm, spans[i], i, first)
        block = []


def _is_wrapped(lines: list[str]) -> bool:
    """A hard-wrapped paragraph: similar-length lines broken mid-sentence."""
    if len(lines) < 2 or min(map(len, lines[:-1])) < 15:
        return False
    if any(_LIST_ITEM.match(line) or " | " in line for line in lines):
        return False
    widths = [len(line) + len(_CJK.findall(line)) for line in lines]  # Hangul is two columns
    body = widths[:-1]
    if max(widths) > 160 or min(body) < 30:
        return False
    if sum(w >= 0.6 * max(widths) for w in body) < 0.75 * len(body):
        return False
    pairs = itertools.pairwise(lines)
    mid = sum(not _TERMINAL.search(a) or b.lstrip()[:1].islower() for a, b in pairs)
    return mid * 2 >= len(body)


def _line_units(norm: str, span: tuple[int, int], index: int, block: int) -> Iterator[_Unit]:
    start, end = span
    line = norm[start:end]
    cuts = _glue_points(line)
    heads = _inline_heads(line)
    if heads:
        cuts = sorted({*cuts, *heads} - {0, end - start})
    elif len(cuts) < _GLUED_MIN:
        yield _Unit(start, end, index, block, False)
        return
    for a, b in itertools.pairwise([0, *cuts, end - start]):
        piece = norm[start + a:start + b]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            yield _Unit(start + a + lead, start + a + len(piece.rstrip()), index, block, True)


def _inline_heads(line: str) -> list[int]:
    """Both ends of a section heading run into a line ("… Email Most Read1. Camp 14 …").

    Only headings that open a sidebar or a comment section, capitalised as a page writes
    them, count: "Comments (12)", "Most Read", "Share this article", "Related:".
    """
    if not _INLINE_HEAD_HINT.search(line):
        return []
    points: list[int] = []
    for match in _INLINE_HEAD.finditer(line):
        points.extend(match.span("head"))
    return points


def _glue_points(line: str) -> list[int]:
    """Offsets in ``line`` where two page elements were run together."""
    if len(line) < 12 or len(_GLUE_HINT.findall(line)) < _GLUED_MIN - 1:
        return []
    sample = line[:_SAMPLE]
    if sum(map(str.isalnum, sample)) + sample.count(" ") < 0.7 * len(sample):
        return []  # binary junk or symbols, not page text
    points = [m.end() for m in _CANDIDATE.finditer(line)]
    if not _GLUED_MIN <= len(points) <= len(line) / 10:
        return []  # too few to be glued, or so dense that this is code or junk, not a page
    points = [at for at in points if _is_break(line, at)]
    if not line.isascii() and len(points) >= _GLUED_MIN - 1:
        points = sorted({*points, *_script_changes(line)})
    if len(points) < _GLUED_MIN:
        return []
    protected = [m.span() for m in _PROTECTED.finditer(line)] if any(
        c in line for c in "/@#`") else []
    kept, span = [], 0
    for at in points:
        while span < len(protected) and protected[span][1] <= at:
            span += 1
        if span == len(protected) or not protected[span][0] < at:
            kept.append(at)  # not inside a URL, an address, a hashtag or code
    return kept


def _script_changes(line: str) -> Iterator[int]:
    """Where letters of one script meet another's ("Watchالعربية简中English")."""
    for run in _NON_LATIN_RUN.finditer(line):
        start, end = run.span()
        if start and line[start - 1].isalpha() and not _HANGUL.match(line, start):
            yield start  # Latin, then another script; Latin before Hangul is Korean writing
        if end < len(line) and line[end].isalpha() and not _HANGUL.match(line, end - 1):
            yield end
        if end - start > 1:
            yield from (m.end() for m in _SCRIPT_BREAK.finditer(line, start, end))


def _is_break(line: str, at: int) -> bool:
    """Whether the candidate boundary before ``line[at]`` separates two page elements."""
    left, right = line[at - 1], line[at]
    before = line[at - 2] if at >= 2 else " "
    after = line[at + 1] if at + 1 < len(line) else " "
    if right in "©ⓒ":
        return not before.isspace() if left == " " else True
    if left in ">»›" or right == "@":
        return True
    if right in "“‘":
        return not left.isspace()
    if "가" <= left <= "힣":
        return True
    if left in ".!?":
        return before.isalnum() or before in "”’)]" or "가" <= right <= "힣"
    if left.isdigit():
        return after.islower() or (right in "AI" and after == " " and line[at - 4:at].isdigit())
    if left in "”’":
        return right.isupper() and (after.islower() or before.islower())
    if left == ")":
        return after.islower()
    if left == ":":
        return before.islower() and right.isupper()
    if left.isupper():  # ACRONYMWord
        return before.isupper()
    if left == ",":
        return False
    return _is_camel_break(line, at)


def _is_camel_break(line: str, at: int) -> bool:
    """Whether ``...xY...`` at ``at`` joins two elements rather than spelling one word."""
    before = _TAIL_WORD.search(line, max(0, at - 24), at)
    after = _HEAD_WORD.match(line, at, at + 24)
    head = before.group() if before else ""
    run = (head + (after.group() if after else "")).lower()
    if any(m.start() < len(head) < m.end() for m in _BRANDS.finditer(run)):
        return False
    word = _CAMEL_TAIL.search(head)
    stem = word.group().lower() if word else ""
    if len(stem) >= 4 or (len(stem) == 3 and stem not in _CAMEL_PREFIXES):
        return True
    return stem in _CAMEL_SHORT


# -- step 3: classification ------------------------------------------------------------------------
def _classify(unit: _Unit, raw: str) -> None:
    links, visible = 0, raw
    if "](" in raw:
        links = len(_MD_LINK.findall(raw))
        visible = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", raw))
    text = visible.strip().replace("**", "").replace("__", "")
    sample = text[:_SAMPLE]
    tokens = sample.split()
    unit.words = len(tokens) if len(text) <= _SAMPLE else len(text.split())
    cjk = len(_CJK.findall(sample)) * len(text) // max(1, len(sample))
    unit.weight = len(text) + cjk
    prose = _is_prose(sample, tokens, cjk)
    if prose:
        unit.kind = PROSE
        if not _TERMINAL.search(text[-8:]) and not _KO_END.search(text[-8:]):
            unit.weight /= 4  # taglines and teasers lack the full stop of article paragraphs
    if len(text) > 1500 and prose:
        return
    key = " ".join(_TRAILERS.sub("", _MARKERS.sub("", sample[:400])).strip("*_ ").lower().split())
    if not key:
        unit.kind = CHROME if links or "![" in raw else unit.kind
        return
    if key in _RELATED_HEAD:
        unit.kind, unit.end_of_article = CHROME, "related"
    elif len(key) < 60 and _COMMENT_HEAD.fullmatch(key):
        unit.kind, unit.end_of_article = CHROME, "comment"
    elif ("comment" in key or "댓글" in key) and _COMMENT_POLICY.search(key):
        unit.kind, unit.end_of_article = CHROME, "policy"
    elif (
        key in _EXACT
        or _RELATIVE_TIME.fullmatch(key)
        or _EMAIL_ONLY.fullmatch(key)
        or (len(key) < 200 and not _LANGUAGES.sub("", key))
        or (_STRONG.search(key) and (not prose or len(text) < 300))
        or (not prose and _chrome_like(text, key, tokens, links))
    ):
        unit.kind = CHROME
    unit.label = key in _LABELS and (text.endswith(":") or key in _BARE_LABELS)
    unit.meta = unit.kind == CHROME and bool(_META.match(key))


def _is_prose(sample: str, tokens: list[str], cjk: int) -> bool:
    letters = sum(map(str.isalpha, sample))
    if letters < 20:
        return False
    if len(_HANGUL.findall(sample)) >= 0.3 * letters:
        if cjk < 12:
            return False
        if _KO_END.search(sample[-8:]) or _KO_SENTENCE.search(sample):
            return True
        particles = sum(bool(_KO_PARTICLE.search(t.strip(",.·"))) for t in tokens)
        return len(tokens) >= 6 and particles >= 0.3 * len(tokens)
    if len(tokens) < 8:
        return False
    terminal = bool(_TERMINAL.search(sample[-8:]))
    stop = sum(t.lower().strip(",.;:()“”\"'") in _STOPWORDS for t in tokens)
    if stop >= 0.15 * len(tokens) and (terminal or len(sample) >= 120):
        return True
    return terminal and len(tokens) >= 12 and letters / len(tokens) <= 8


def _chrome_like(text: str, key: str, tokens: list[str], links: int) -> bool:
    """Short interface text, menu rows and link lists that no lexicon entry names."""
    weak = len(_WEAK.findall(key))
    if (weak and len(tokens) <= 4) or (weak >= 2 and (len(tokens) <= 6 or weak * 3 >= len(tokens))):
        return True
    if links >= 3 or (links and len(tokens) <= 4):
        return True
    stripped = text
    if stripped.endswith((">>", "»", "›", "→")) or stripped.startswith(("<<", "«", "‹", "←")):
        return True
    if _UI_NOUN.search(key) and len(tokens) <= 4:
        return True
    table_row = stripped.startswith("|") and stripped.endswith("|")
    if not table_row and len(_SEPARATORS.findall(stripped)) >= 3:
        parts = [p for p in re.split(r"[|·•/»]", stripped) if p.strip()]
        if sum(len(p.split()) for p in parts) <= 3 * len(parts):
            return True
    if len(tokens) >= 6 and not re.search(r"[.,;:!?\d]", key):
        if _HANGUL.search(key):  # "정치 경제 사회 북한 국제 문화"
            return all(len(t) <= 3 for t in tokens)
        return all(t[:1].isupper() or t == "&" for t in tokens) and not any(
            t.lower() in _STOPWORDS for t in tokens
        )
    return False


# -- step 4: context -----------------------------------------------------------------------------
def _apply_context(units: list[_Unit]) -> None:
    # The value after a "Tags:" or "Published on" label is chrome too.
    for unit, after in itertools.pairwise(units):
        if unit.label and after.kind == NEUTRAL and after.words <= 8:
            after.kind = CHROME
    # In a block made mostly of chrome lines, a line with chrome on every side is chrome.
    blocks: dict[int, list[_Unit]] = {}
    for unit in units:
        if not unit.glued:
            blocks.setdefault(unit.block, []).append(unit)
    for members in blocks.values():
        chrome = [u.kind == CHROME for u in members]
        if len(members) < 2 or sum(chrome) * 2 < len(members):
            continue
        for i, unit in enumerate(members):
            if unit.kind == NEUTRAL and all(chrome[max(0, i - 1):i] + chrome[i + 1:i + 2]):
                unit.kind = CHROME
    # Comment sections and sidebars after the article.
    total = sum(u.weight for u in units if u.kind == PROSE)
    before, index = 0.0, 0
    while index < len(units):
        unit = units[index]
        before += unit.weight if unit.kind == PROSE else 0.0
        # A comment header needs some article above it (a "3 Comments" link in the byline
        # does not end anything) and not four times as much below; policy text, which is
        # prose itself, needs most of the article above it.
        below = total - before
        if before > 0 and (
            (unit.end_of_article == "comment" and before >= min(200.0, total / 2)
             and 4 * before >= below)
            or (unit.end_of_article == "policy" and 2 * before >= below)
        ):
            for later in units[index + 1:]:
                later.end_of_article = later.end_of_article or "out"
            return
        if unit.end_of_article == "related" and before > 0:
            index = _skip_sidebar(units, index)
            continue
        index += 1


def _skip_sidebar(units: list[_Unit], header: int) -> int:
    """Drop the sidebar under ``header``, up to where solid prose resumes; return that index.

    If the article resumes, the sidebar was a box inside it: its units become chrome, which
    the main region may span. If not, they are out, and the region cannot reach past them.
    """
    index = header + 1
    while index < len(units) and not units[index].end_of_article:
        unit = units[index]
        after = units[index + 1] if index + 1 < len(units) else None
        if unit.kind == PROSE and (unit.weight >= 800 or (
            after is not None and after.kind == PROSE and unit.weight + after.weight >= 250
        )):
            for inside in units[header:index]:
                inside.kind, inside.end_of_article = CHROME, ""
            return index
        index += 1
    for inside in units[header + 1:index]:
        inside.end_of_article = "out"
    return index


# -- step 5: main region -------------------------------------------------------------------------
def _score(unit: _Unit) -> float:
    if unit.end_of_article:
        return float("-inf")
    if unit.kind == PROSE:
        return unit.weight
    if unit.kind == CHROME:
        return -(25 + 0.5 * min(unit.weight, 200))
    return -8.0


def _maximal_runs(scores: list[float]) -> list[tuple[float, int, int]]:
    """All maximal-scoring disjoint runs (Ruzzo and Tompa, linear time): score, first, last.

    The best of them is the maximum-sum run; ``-inf`` scores are walls no run crosses.
    """
    found: list[tuple[float, int, int]] = []
    stack: list[list[float]] = []  # [sum before first, sum after last, first, last]
    total = 0.0
    for index, score in enumerate(scores):
        if score == float("-inf"):
            found += [(r - left, int(a), int(b)) for left, r, a, b in stack]
            stack, total = [], 0.0
            continue
        if score <= 0:
            total += score
            continue
        run = [total, total + score, float(index), float(index)]
        total += score
        while True:
            j = len(stack) - 1
            while j >= 0 and stack[j][0] >= run[0]:
                j -= 1
            if j < 0 or stack[j][1] >= run[1]:
                stack.append(run)
                break
            run = [stack[j][0], run[1], stack[j][2], run[3]]
            del stack[j:]
    found += [(r - left, int(a), int(b)) for left, r, a, b in stack]
    return found


def _select(units: list[_Unit]) -> list[bool]:
    if not any(u.kind == CHROME for u in units):
        return [True] * len(units)
    keep = [False] * len(units)
    runs = _maximal_runs([_score(u) for u in units])
    if not runs:
        return keep
    # The best run is the article; others at least half as strong are kept too (a page that
    # holds two articles, an article cut in two by a large box).
    best = max(score for score, _, _ in runs)
    for score, first, last in runs:
        if score == best or score >= max(0.5 * best, 1500.0):
            first, last = _grow(units, first, last)
            for i in range(first, last + 1):
                keep[i] = units[i].kind != CHROME
    return keep


def _grow(units: list[_Unit], first: int, last: int) -> tuple[int, int]:
    """Extend a run over neighbouring neutral units (title, byline, sign-off) up to chrome.

    Going back, one or two post-meta lines ("Categories: ...", "Posted in ...") may be stepped
    over to reach a title of three words or more just above them; they are still dropped.
    """
    tiny = 0
    while first > 0:
        unit = units[first - 1]
        if unit.kind != NEUTRAL or unit.end_of_article:
            skip = next((k for k in (1, 2) if first - 1 - k >= 0
                         and units[first - 1 - k].kind == NEUTRAL
                         and units[first - 1 - k].words >= 3
                         and all(u.meta for u in units[first - k:first])), 0)
            if not skip:
                break
            first -= skip
            continue
        tiny = tiny + 1 if unit.words <= 2 and not unit.glued else 0
        if tiny == 3:  # a run of one-word lines is a menu, not a title block
            first += 2
            break
        first -= 1
    while last + 1 < len(units) and units[last + 1].kind == NEUTRAL:
        if units[last + 1].end_of_article:
            break
        last += 1
    return first, last


def _keep_title(norm: str, units: list[_Unit], keep: list[bool]) -> None:
    """Keep the article title where the page repeats it from its first line (the <title>)."""
    if not units or keep[0] or True not in keep:
        return
    page_title = norm[units[0].start:units[0].end].strip().lower()
    if len(page_title) > 300:
        return
    for index in range(keep.index(True) - 1, 0, -1):
        unit = units[index]
        text = norm[unit.start:unit.end].strip().lower()
        if unit.kind == NEUTRAL and len(text) >= max(15, 0.4 * len(page_title)) and (
            text in page_title
        ):
            keep[index] = True
            return


# -- output ----------------------------------------------------------------------------------------
def _assemble(norm: str, units: list[_Unit], keep: list[bool]) -> Cleaned:
    parts: list[str] = []
    inserted = 0
    previous = -1
    for index, unit in enumerate(units):
        if not keep[index]:
            continue
        if previous >= 0:
            before = units[previous]
            gap = norm[before.end:unit.start]
            if before.line == unit.line or previous != index - 1:
                separator = "\n\n"
            else:
                separator = "\n" * max(1, gap.count("\n"))
            inserted += max(0, len(separator) - len(gap))
            parts.append(separator)
        parts.append(norm[unit.start:unit.end])
        previous = index
    return Cleaned("".join(parts).rstrip(), inserted)
