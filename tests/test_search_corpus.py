"""A small bilingual corpus for the search and analysis tests, built the real way.

:func:`build` writes the documents below into a folder, ingests them with
``sillok.ingest_path`` and extracts them with ``sillok.api.extract``. The tests in
this module check that the corpus says what the other tests rely on, so a change in
the extractor shows up here first rather than as a puzzling search failure.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import sillok
from sillok import api

SYNDICATED = (
    "Former prisoners of Camp 14 described years of forced labour in the coal mines near "
    "the Taedong river. They said guards forced inmates to work fourteen hours a day, "
    "seven days a week, and that those who failed to meet the daily quota lost their "
    "rations. One woman who was held in the camp for eleven years said she carried coal "
    "on her back from before dawn until long after dark, in summer and in winter, and "
    "that prisoners who collapsed at work were beaten and sent back to the pit. Another "
    "man said children born in the camp were sent to the mines at the age of twelve and "
    "that nobody was ever told how long the sentence would last or why the family had been "
    "taken. The account matches satellite images of the mine entrances and the spoil heaps "
    "beside the barracks."
)

DOCS: dict[str, str] = {
    "yodok_en.txt": (
        "Survivors describe torture at Yodok\n\n"
        "Former prisoners of the Yodok political prison camp said guards tortured detainees "
        "during interrogation and beat those who could not work.\n"
    ),
    "yodok_ko.txt": (
        "요덕수용소 생존자 증언\n\n"
        "요덕수용소에서 풀려난 탈북민은 수감자들이 고문을 당했다고 증언했다.\n"
    ),
    "camp14_a.txt": "Inside Camp 14: the mines\n\n" + SYNDICATED + "\n",
    "camp14_b.txt": "Camp 14 survivors speak - reposted\n\n" + SYNDICATED + "\n",
    "camp14_c.txt": (
        "A new account from Camp 14\n\n"
        "A man who escaped from Camp 14 last year said prisoners were forced to work on "
        "farms and in logging teams under armed guard.\n"
    ),
    "ohchr1.html": (
        "<html><head><title>UN report details abuse in Camp 16</title>"
        '<meta property="og:site_name" content="Daily NK">'
        '<meta property="article:published_time" content="2021-02-09T10:00:00Z"></head>'
        "<body><article><h1>UN report details abuse in Camp 16</h1>"
        "<p>The UN human rights office (OHCHR) said in a report released on Tuesday that "
        "detainees at Camp 16 were tortured during interrogation.</p>"
        "<p>The report is based on interviews with former detainees now living in the "
        "South.</p></article></body></html>"
    ),
    "ohchr2.txt": (
        "Rights office report on Hwasong camp\n\n"
        "According to a new OHCHR report, prisoners held at Camp 16 in Hwasong were beaten "
        "and tortured by guards.\n"
    ),
    "ohchr3.txt": (
        "Torture at Camp 16, UN says\n\n"
        "Guards at Camp 16 routinely tortured prisoners, the Office of the High Commissioner "
        "for Human Rights found in its January report.\n"
    ),
    "camp16_guard.html": (
        "<html><head><title>A former guard remembers Camp 16</title>"
        '<meta property="og:site_name" content="Radio Free Asia">'
        '<meta property="article:published_time" content="2019-05-01T08:00:00Z"></head>'
        "<body><article><h1>A former guard remembers Camp 16</h1>"
        "<p>A former guard at Camp 16 said he saw interrogators torture prisoners with "
        "beatings and sleep deprivation in the punishment cells.</p></article></body></html>"
    ),
    "est_kinu.txt": (
        "Estimates of the camp population\n\n"
        "According to KINU's most recent estimate in 2013, between 80,000 and 120,000 "
        "people are held in political prison camps.\n"
    ),
    "est_nkwatch.txt": (
        "NK Watch count\n\n"
        "NK Watch estimated in 2014 that 135,000 people were held in political prison camps.\n"
    ),
    "est_coi.txt": (
        "A lower figure\n\n"
        "In 2014 the UN Commission of Inquiry said that between 80,000 and 120,000 political "
        "prisoners are held in political prison camps.\n"
    ),
    "phrases.txt": (
        "Market notes\n\n"
        "Public executions were held in the Hyesan market last spring.\n"
    ),
    "meeting.txt": (
        "Minutes of a meeting\n\n"
        "A public meeting discussed the plan; its execution was postponed.\n"
    ),
}


def build(root: Path, names: list[str] | None = None) -> tuple[Path, dict[str, str]]:
    """Write, ingest and extract the corpus; returns the archive and name → document id."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for name in names or list(DOCS):
        (docs / name).write_text(DOCS[name], encoding="utf-8")
    archive = root / "archive"
    report = sillok.ingest_path(docs, archive=archive)
    api.extract(archive=archive)
    ids = {Path(item.source).name: str(item.document_id) for item in report.items
           if item.document_id}
    return archive, ids


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return build(tmp_path_factory.mktemp("search-corpus"))


def _facilities(archive: Path, doc_id: str) -> list[str]:
    return [f["id"] for f in api.extraction(doc_id, archive)["facilities"]]


def test_the_corpus_says_what_the_tests_rely_on(corpus: tuple[Path, dict[str, str]]) -> None:
    archive, ids = corpus
    assert set(ids) == set(DOCS)
    assert _facilities(archive, ids["yodok_en.txt"]) == ["kwanliso-15"]
    assert _facilities(archive, ids["yodok_ko.txt"]) == ["kwanliso-15"]
    for name in ("ohchr1.html", "ohchr2.txt", "ohchr3.txt", "camp16_guard.html"):
        out = api.extraction(ids[name], archive)
        torture = [v for v in out["violations"] if v["id"] == "torture"]
        assert torture and "kwanliso-16" in torture[0]["facilities"], name
    for name in ("ohchr1.html", "ohchr2.txt", "ohchr3.txt"):
        assert "ohchr" in [o["id"] for o in api.extraction(ids[name], archive)["organizations"]]
    assert api.extraction(ids["camp16_guard.html"], archive)["organizations"] == []


def test_syndicated_copies_are_near_duplicates(corpus: tuple[Path, dict[str, str]]) -> None:
    archive, ids = corpus
    shown = api.show_document(ids["camp14_a.txt"], archive)
    assert ids["camp14_b.txt"] in [d["id"] for d in shown["near_duplicates"]]
