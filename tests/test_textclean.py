"""Boilerplate removal for text and Markdown dumps of web pages (sillok.ingest.textclean)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sillok.ingest.textclean import clean, clean_text

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"
DATA = Path(__file__).resolve().parent / "data" / "textclean"


def _dev(prefix: str) -> str:
    matches = sorted(DEV.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.fail(f"dev file {prefix}_*.txt is missing from {DEV}")
    return clean_text(matches[0].read_text(encoding="utf-8"))


def _data(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _normalised(text: str) -> str:
    """What a text with no chrome must come back as: line ends and trailing space normalised."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def _assert_all(out: str, present: list[str], absent: list[str]) -> None:
    flat = " ".join(out.split())  # the pages use no-break spaces; compare words, not spacing
    missing = [s for s in present if s not in flat]
    leaked = [s for s in absent if s in flat]
    assert not missing, f"article text lost: {missing}"
    assert not leaked, f"chrome kept: {leaked}"


# -- the five dev pages ---------------------------------------------------------------------------
def test_hrw_dispatch_000() -> None:
    out = _dev("000")
    _assert_all(
        out,
        present=[
            "Last week, the United Nations published a new report concluding that the North",
            "These findings are consistent with Human Rights Watch’s own research on pre-trial "
            "detention and interrogation facilities (kuryujang) in North Korea.",
            "As the UN report underlines, “there is no statute of limitations for crimes against "
            "humanity.”",
        ],
        absent=[
            "Skip to main content", "Skip to cookie privacy notice", "Help us continue to fight",
            "Share this via WhatsApp", "Other ways to share", "Donate Now", "Give Now",
            "Français", "More languages", "Click to expand Image",
            "Your tax deductible gift", "More Reading", "Most Viewed",
            "Covid-19 Intensified Systematic Repression", "Qatar: Security Forces",
            "Turkey: Hundreds of Refugees", "Human Rights Watch defends the rights",
            "Get Updates On Rights Issues", "Thank you for signing up", "Privacy Policy",
            "350 Fifth Avenue", "501(C)(3)", "© 2022",
        ],
    )
    # Paragraphs that the dump ran together come back as paragraphs.
    assert "crimes against humanity.\n\nThe report, by the UN Office" in out
    assert "humanity.The report" not in out


def test_freedom_united_001_comment_and_sidebar_story_dropped() -> None:
    out = _dev("001")
    _assert_all(
        out,
        present=[
            "In a report this week, the U.N. Human Rights Office has drawn attention",
            "Reuters reports:",
            "U.N. human rights spokeswoman Ravina Shamdasani told Reuters.",
            "While North Korea has denied the existence of political prison camps",
            "through the infliction of beatings, stress positions and starvation in places of "
            "detention.”",
        ],
        absent=[
            "Published on", "Hero Banner", "News Source Image", "Category:",
            "your comments should be civil", "A few things we do not tolerate",
            "1 Comment", "Most Voted", "Inline Feedbacks", "View all comments",
            "Warren James", "2 years ago", "interesting to know many prisoners",
            "smokescreen", "This week", "Ireland", "IHREC", "organ removal",
            "Thursday September 14, 2023", "Read more",
        ],
    )


def test_hrw_world_report_002() -> None:
    out = _dev("002")
    _assert_all(
        out,
        present=[
            "There has been no discernible improvement in human rights in the Democratic",
            "United States and South Korean officials now estimate that between 80,000 and "
            "120,000 people may be imprisoned in them",
            "it is unclear what happened to the estimated 30,000 prisoners previously held at "
            "the camp.",
            "South Korea’s government expanded its attention and efforts to press for the "
            "return of hundreds of its abducted citizens.",
        ],
        absent=[
            "Skip to main content", "Donate Now", "Share this via WhatsApp", "Available In",
            "Kenneth Roth", "Keynote", "Privacy in the Age of Surveillance",
            "Updated: World Report 2015", "Browse countries", "World Report 2014: China",
            "World Report 2014: European Union", "Human Rights Watch defends the rights",
            "Connect With Us", "Footer menu", "Child Safeguarding", "350 Fifth Avenue",
            "© 2011 Reuters", "© 2022",
        ],
    )
    # A heading glued to its first sentence is cut off from it.
    assert "CampsNorth" not in out
    assert "\n\nNorth Korean refugees also confirm that persons accused" in out


def test_jubilee_campaign_003() -> None:
    out = _dev("003")
    _assert_all(
        out,
        present=[
            "On 11 January 2021, the United Nations High Commissioner for Human Rights Michelle",
            "[NOTE: In January 2021, Jubilee Campaign submitted a written contribution",
            "Korea Future Initiative’s 2019 report Sex Slaves",
            "crimes against humanity have been committed and may be ongoing in the Democratic",
        ],
        absent=["Cover image by llee_wu", "Flickr (CC BY-ND 2.0)"],
    )


def test_state_department_004() -> None:
    out = _dev("004")
    _assert_all(
        out,
        present=[
            "The Democratic People’s Republic of Korea is an authoritarian state led by the Kim "
            "family since 1949.",
            "Executive Summary",
            "According to KINU’s most recent estimate in 2013, there were between 80,000 and "
            "120,000 prisoners in the kwanliso.",
            "Also see the Department of State’s Trafficking in Persons Report at "
            "https://www.state.gov/trafficking-in-persons-report/.",
        ],
        absent=[
            "An official website of the United States Government", "Here's how you know",
            ".gov website", "Secure .gov websites use HTTPS", "Human Rights Reports",
            "Edit Your Custom Report", "01 / Select A Year", "02 / Select Sections",
            "You can add more than one country", "The Lessons of 1989",
        ],
    )


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_dev_pages_lose_text_but_never_gain_any(prefix: str) -> None:
    raw = next(DEV.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    cleaned = clean(raw)
    assert 0 < len(cleaned.text) <= len(raw) + cleaned.inserted
    assert _is_subsequence(re.sub(r"\s", "", cleaned.text), re.sub(r"\s", "", raw))


# -- other site styles ----------------------------------------------------------------------------
def test_korean_news_dump() -> None:
    out = clean_text(_data("korean_news.txt"))
    _assert_all(
        out,
        present=[
            "(서울=한반도뉴스) 김지현 기자 = 북한 함경남도 요덕군의 제15호 관리소",
            "같은 작업반에서만 한 해에 세 명이 영양실조로 숨졌다",
            # A sentence that merely mentions sharing (공유) stays.
            "외부 소식을 공유하거나 다른 수감자를 돕다 적발되면",
            "정치범수용소 수감자를 8만~12만 명으로 추정한 바 있다.",
        ],
        absent=[
            "본문 바로가기", "전체메뉴", "로그인", "회원가입", "공유하기", "카카오톡", "글자크기",
            "jhkim@", "무단 전재", "송고", "관련기사", "국경 봉쇄 3년째", "많이 본 뉴스",
            "프로야구", "외식물가", "댓글", "통일돼지", "뭐하고 있나요", "증언자들의 용기에",
            "개인정보처리방침", "All rights reserved",
        ],
    )


def test_un_press_release_dump() -> None:
    out = clean_text(_data("un_press_release.txt"))
    _assert_all(
        out,
        present=[
            "GENEVA (12 October 2022) – Former detainees held in North Korea's pre-trial",
            "Several interviewees said they were later transferred to Kyohwaso No. 12 in Jongo-ri",
            "support the collection and preservation of evidence for future accountability "
            "processes.",
        ],
        absent=[
            "Skip to main content", "Toggle navigation", "Español", "Русский", "About us",
            "Tag and share", "UN expert calls for access", "holds interactive dialogue",
            "Subscribe to our newsletter", "Enter your email address", "Fraud alert",
            "© OHCHR",
        ],
    )


def test_ngo_blog_dump_keeps_sentences_that_mention_donating_and_sharing() -> None:
    out = clean_text(_data("ngo_blog.txt"))
    _assert_all(
        out,
        present=[
            "Women forcibly returned from China describe abuse in holding centres",
            "Over the past year our researchers interviewed 31 women",
            'she had been asked to "donate" her savings to the guards',
            "her family had tried to share information about her detention",
            "We have shared these findings with the UN Special Rapporteur",
        ],
        absent=[
            "Search for:", "Categories:", "Share this:", "Like Loading", "Tags:",
            "holding centres at the border (2019)", "Leave a Reply",
            "Your email address will not be published", "Save my name",
            "Support our documentation work", "Donate today", "All rights reserved",
            "Proudly powered by WordPress",
        ],
    )


def test_markdown_page_dump_with_link_navigation() -> None:
    out = clean_text(_data("markdown_dump.md"))
    _assert_all(
        out,
        present=[
            "# North Korea: Political prison camps still operating, satellite images show",
            "- Two new barracks built between 2020 and 2021",
            "- Guard posts along the perimeter fence, all still staffed",
            "Researchers said the images contradict the government's claim",
        ],
        absent=[
            "Skip to content", "[Home]", "[Donate]", "Site logo", "Share on Twitter",
            "## Related", "Yodok camp: the revolutionising zone closed", "[Privacy]",
            "© 2022 Example Watch",
        ],
    )


@pytest.mark.parametrize("name", ["testimony.txt", "report.md", "korean_body.txt"])
def test_text_without_chrome_comes_back_unchanged(name: str) -> None:
    raw = _data(name)
    assert clean_text(raw) == _normalised(raw)


def test_only_line_endings_and_trailing_space_are_normalised() -> None:
    raw = _data("testimony.txt")
    messy = raw.replace("\n", "  \r\n")
    assert clean_text(messy) == _normalised(raw)
    assert clean(messy).inserted == 0


# -- behaviour on particular shapes ---------------------------------------------------------------
_PARAGRAPHS = [
    "Former prisoners said that guards at the camp beat detainees who failed to meet their "
    "daily work quotas, and that rations were cut for the whole work team.",
    "The government has denied the existence of political prison camps, but satellite imagery "
    "shows that the facility near Kaechon was expanded between 2015 and 2019.",
    "Researchers estimated that between 2,000 and 6,000 people were held there, most of them "
    "accused of illegal border crossing or contact with South Koreans.",
]


def test_sentences_that_use_interface_words_are_kept() -> None:
    sentences = [
        "Families could not get updates on their relatives' cases for more than two years.",
        "He refused to become a member of the Workers' Party and was sent to a labour camp.",
        "Residents were forced to subscribe to the party newspaper and to donate rice.",
        "The names of witnesses will not be published, to protect their families at home.",
        "Guards told detainees to share the rations and to sign up for extra night shifts.",
        "당국은 수감자 명단을 가족과 공유하기로 했다는 보도를 부인했다. (사진=통일부 제공)",
        "그는 교화소에서 후원하기로 약속한 단체의 도움으로 풀려났다고 말했다.",
    ]
    page = "\n".join(["Skip to content", "Home", "Donate", "Share", *sentences, "Share",
                      "Privacy Policy", "© 2024 Example"])
    assert clean_text(page) == "\n".join(sentences)


def test_glued_chrome_is_split_from_the_article() -> None:
    page = (
        "Skip to main contentHomeNewsDonate NowShare this via FacebookShare this via Twitter"
        + "".join(_PARAGRAPHS)
        + "Share this via WhatsAppRelated storiesNorth Korea: Famine Fears GrowPrivacy Policy"
    )
    cleaned = clean(page)
    assert cleaned.text == "\n\n".join(_PARAGRAPHS)
    assert cleaned.inserted == 2 * (len(_PARAGRAPHS) - 1)


def test_brand_names_and_names_are_not_cut_in_prose() -> None:
    text = (
        "Relatives used WhatsApp, KakaoTalk and LinkedIn to reach researchers; McCune and "
        "MacArthur were cited. See https://example.org/ReportOnCamps and #NorthKorea.\n"
    )
    assert clean_text(text) == text.strip()


def test_comment_link_in_the_top_menu_does_not_end_the_article() -> None:
    page = "Home\nComments\nSearch\n\n" + "\n\n".join(_PARAGRAPHS) + "\n\n© 2024 Example"
    assert clean_text(page) == "\n\n".join(_PARAGRAPHS)


def test_article_resumes_after_a_related_box_in_its_middle() -> None:
    first, *rest = _PARAGRAPHS
    page = "\n\n".join(
        ["Share", first, "Related", "Famine fears grow in the north", "Read more", *rest,
         "Most Viewed", "Stock markets rally"]
    )
    out = clean_text(page)
    assert out == "\n\n".join(_PARAGRAPHS)


def test_a_long_comment_section_after_a_short_article_is_still_dropped() -> None:
    article = _PARAGRAPHS[:2]
    comments = ["Kim", "3 days ago", _PARAGRAPHS[2], "Reply", "Lee", "2 days ago",
                *_PARAGRAPHS, "Reply"]
    page = "\n\n".join([*article, "Share", "4 Comments", *comments])
    assert clean_text(page) == "\n\n".join(article)


def test_a_comment_count_in_the_byline_does_not_end_the_article() -> None:
    page = "\n\n".join(["Menu", "Camp 16 expands", "By Kim | 3 Comments", "5 Comments",
                         *_PARAGRAPHS, "Share"])
    assert clean_text(page) == "\n\n".join(_PARAGRAPHS)


@pytest.mark.parametrize("text", ["", "\n\n \n", "   ", "\x00\x01\x02", "\ufeff"])
def test_empty_input(text: str) -> None:
    assert clean_text(text) == ""


def test_a_single_line_survives() -> None:
    assert clean_text("Kim was held at Yodok from 1977 to 1987.\n") == (
        "Kim was held at Yodok from 1977 to 1987."
    )


def test_only_chrome_gives_nothing() -> None:
    page = "Skip to main content\nHome\nSearch\nDonate Now\nShare this via Facebook\n© 2023 NGO"
    assert clean_text(page) == ""


def test_binary_junk_does_not_crash() -> None:
    junk = bytes((i * 7919 + 13) % 256 for i in range(200_000)).decode("latin-1")
    out = clean_text(junk)
    assert len(out) <= len(junk)


def test_large_input_is_handled_in_linear_time() -> None:
    page = (DEV / "004_3cf8e007c92a9f21.txt").read_text(encoding="utf-8")
    glued = (DEV / "000_00f1d34da9d8489a.txt").read_text(encoding="utf-8")
    big = (page * (5_000_000 // len(page) + 1))[:5_000_000]
    out = clean_text(big)
    assert len(out) > 4_000_000
    assert "Edit Your Custom Report" not in out
    one_mb = (glued * (1_000_000 // len(glued) + 1))[:1_000_000]
    started = time.process_time()
    clean_text(one_mb)
    # Generous: the point is to catch quadratic behaviour (minutes), not to benchmark.
    assert time.process_time() - started < 5.0


def test_deterministic() -> None:
    raw = (DEV / "002_dd798c3d2ff2af25.txt").read_text(encoding="utf-8")
    assert clean_text(raw) == clean_text(raw)


# -- properties -----------------------------------------------------------------------------------
_PIECES = st.sampled_from(
    [
        "Skip to main content", "Share this via WhatsApp", "Donate Now", "1 Comment", "Related",
        "댓글 3", "공유하기", "관련기사", "© 2021 HRW", "Home", "Most Viewed", "# Heading",
        "- a bullet", "| a | b |", "[Home](/)", "2 years ago", "English", "العربية", "简中",
        *_PARAGRAPHS, "북한 당국은 정치범수용소의 존재를 부인하고 있다.", "\n", "\n\n", " ", "",
    ]
)
_TEXTS = st.one_of(
    st.text(),
    st.lists(_PIECES).map("".join),
    st.lists(st.one_of(_PIECES, st.text(max_size=30))).map("\n".join),
)


def _is_subsequence(small: str, big: str) -> bool:
    chars = iter(big)
    return all(c in chars for c in small)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_never_raises_and_never_adds_text(text: str) -> None:
    cleaned = clean(text)
    assert isinstance(cleaned.text, str)
    assert len(cleaned.text) <= len(text) + cleaned.inserted
    # Only white space is ever inserted: the rest is a subsequence of the input.
    assert _is_subsequence(re.sub(r"\s", "", cleaned.text), re.sub(r"\s", "", text))
    assert cleaned.text == cleaned.text.rstrip()
