"""Title, publisher and publication date on real input: the dev corpus and the demo corpus.

Expected values were read off the files by hand. A date is the document's own only when
the page sets it out as such (a byline, a "Published on" label); the dates of photo
captions and of events in the prose are not publication dates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sillok
from sillok.ingest.base import Limits
from sillok.ingest.text import parse_text
from sillok.ingest.textmeta import find_date, is_banner, title_and_publisher
from sillok.store.archive import Archive

DEMO = Path(sillok.__file__).parent / "demo" / "corpus"
LIMITS = Limits(64 * 2**20, 64 * 2**20, 100, 5)

DEV_EXPECTED = {
    # HRW dispatch: the byline "February 9, 2021 2:09PM EST", not the photo caption's 2009
    "000_00f1d34da9d8489a.txt": (
        "UN Finds Torture, Forced Labor Still Rampant in North Korean Prisons",
        "Human Rights Watch", "2021-02-09"),
    # Freedom United: the page title lost its site name ("... forced labor -")
    "001_3fa1a3e745d87418.txt": (
        "North Korean prisons rife with forced labor", None, "2021-02-05"),
    # HRW World Report 2014: the only full date is a 2011 photo caption ("© 2011 Reuters");
    # the chapter itself states no publication date
    "002_dd798c3d2ff2af25.txt": ("World Report 2014: North Korea", "Human Rights Watch", None),
    # Jubilee Campaign: "On 11 January 2021, ... published her report" dates the UN report
    # the article is about, not the article
    "003_015cbf9923a049f8.txt": (
        "UN High Commissioner for Human Rights Reveals No Improvement in North Korea Since "
        "2014", None, None),
    # State Department: the first lines are the .gov site banner
    "004_3cf8e007c92a9f21.txt": ("North Korea", None, None),
}


@pytest.mark.parametrize("name", sorted(DEV_EXPECTED))
def test_dev_corpus_metadata(name: str, dev_corpus: Path, archive: Archive) -> None:
    report = sillok.ingest_path(dev_corpus / name, archive=archive)
    doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    assert (doc["title"], doc["publisher"], doc["published"]) == DEV_EXPECTED[name]


DEMO_EXPECTED = {
    "camp22-after-closure.txt": ("Camp 22 after its closure: where did the prisoners go?",
                                 "Northern Borderlands Review", "2023-09-03"),
    "detention-system-overview-2024.txt": (
        "The North Korean detention system: an overview for documentation officers",
        "Hanbit Documentation Project", None),
    "ko-ngo-report-hwasong-camp16.txt": ("『2024 북한 구금시설 실태 보고서』 제2장 (발췌)",
                                         "북한구금시설기록센터", "2024-06-10"),
    "testimony-summary-camp25-chongjin.txt": ("Testimony summary",
                                              "Hanbit Documentation Project", None),
    "un-findings-briefing-2014-2024.txt": (
        "What the United Nations has found about detention in North Korea, 2014–2024",
        "Korean Peninsula Accountability Forum", "2024-01-15"),
    "briefing-border-detention.md": (
        "Briefing: short-term detention in the border counties", None, "2024-04-02"),
}


@pytest.mark.parametrize("name", sorted(DEMO_EXPECTED))
def test_demo_text_metadata_skips_the_disclaimer(name: str) -> None:
    parsed = parse_text((DEMO / name).read_bytes(), name, LIMITS)
    assert (parsed.title, parsed.publisher, parsed.published) == DEMO_EXPECTED[name]


def test_no_demo_document_takes_its_disclaimer_as_title_or_publisher(
        archive: Archive) -> None:
    sillok.ingest_path(DEMO, archive=archive)
    docs = [sillok.show_document(d["id"], archive=archive)
            for d in sillok.list_documents(archive)]
    assert len(docs) > 10
    for doc in docs:
        for field in ("title", "publisher"):
            value = doc[field] or ""
            assert "not a real report" not in value.lower(), (doc["original_name"], value)
            assert value.strip(" .-—") != "SYNTHETIC DEMO DOCUMENT", doc["original_name"]
    by_name = {d["original_name"]: d for d in docs}
    # the e-mail attachment: a one-line disclaimer, then the real title
    assert by_name["a17-timeline.txt"]["title"] == \
        "Witness A-17 - timeline (compiled 2024-03-18)"
    # a tag in brackets does not make a subject line a banner
    assert by_name["email-witness-a17-interview-notes.eml"]["title"].startswith(
        "Interview notes: Witness A-17")


def test_banner_lines_are_recognised() -> None:
    for line in ("SYNTHETIC DEMO DOCUMENT — not a real report.",
                 "An official website of the United States Government Here's how you know",
                 "※ 합성 데모 문서 — 실제 보고서가 아닙니다",
                 "Secure .gov websites use HTTPS",
                 # handling marks and disclaimers other than the demo corpus's own
                 "CONFIDENTIAL — NOT FOR DISTRIBUTION", "STRICTLY CONFIDENTIAL",
                 "For internal use only", "대외비", "Fictional case file for training",
                 "This is a sample document prepared for illustration purposes"):
        assert is_banner(line), line
    assert not is_banner("Interview notes: Witness A-17 [SYNTHETIC DEMO]")
    assert not is_banner("North Korean prisons rife with forced labor")
    assert not is_banner("Confidential UN report describes Yodok executions")
    assert not is_banner("North Korea nuclear test report")


def test_a_banner_never_becomes_the_title_of_any_format(archive: Archive,
                                                        tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>SYNTHETIC DEMO DOCUMENT — not a real report."
                    "</title></head><body><article><p>" + "Detainees said guards "
                    "beat them every day at the holding centre. " * 8 + "</p></article>"
                    "</body></html>")
    report = sillok.ingest_path(page, archive=archive)
    doc = sillok.show_document(report.items[0].document_id or "", archive=archive)
    # trafilatura offers "SYNTHETIC DEMO DOCUMENT" from <title>; the pipeline drops it
    assert doc["title"] is None


@pytest.mark.parametrize(("text", "expected"), [
    # a photo caption's date, credited, before the byline
    ("Stands guard at the gate, May 31, 2009.© 2009 ReutersDonate NowFebruary 9, 2021 "
     "2:09PM EST|Dispatches", "2021-02-09"),
    ("Headline\n\nPublished on\n    February 5, 2021\n", "2021-02-05"),
    ("Headline\nBy Jane Kim — 3 September 2023\n\nBody.", "2023-09-03"),
    ("발행일: 2024년 6월 10일\n", "2024-06-10"),
    # only an event date inside a sentence: no publication date
    ("Headline\n\nOn 11 January 2021, the High Commissioner published her report on the "
     "situation, which found no improvement since the inquiry.", None),
    # only a caption date
    ("Headline. A policewoman stands guard at a jail on the Yalu River on May 8, 2011. "
     "© 2011 Reuters. Available in English", None),
])
def test_find_date_takes_the_documents_own_date(text: str, expected: str | None) -> None:
    assert find_date(text) == expected


def test_title_collapses_a_repeated_prefix_and_a_dangling_dash() -> None:
    assert title_and_publisher("World Report 2014: World Report 2014: North Korea | "
                               "Human Rights Watch\n\nBody") == \
        ("World Report 2014: North Korea", "Human Rights Watch")
    assert title_and_publisher("Prisons rife with forced labor -\n\nBody")[0] == \
        "Prisons rife with forced labor"
