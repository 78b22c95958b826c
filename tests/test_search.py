"""Search: variants, Korean inside words, boolean and phrase queries, facets, filters,
saved searches, the index kept in step, and the JSON of `sillok search`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sillok
from sillok import api
from sillok.cli import cli
from sillok.index import refresh
from sillok.search import (
    UnknownFilter,
    run_saved,
    save_search,
    saved_searches,
    search,
)
from test_search_corpus import DOCS, build

Corpus = tuple[Path, dict[str, str]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("search"))


def names(result: dict[str, object], ids: dict[str, str]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r["id"]] for r in result["results"]}  # type: ignore[attr-defined,index]


@pytest.mark.parametrize("query", ["Yoduk", "요덕", "Camp 15", "kwan-li-so 15", "Yodok",
                                   "kwanliso No. 15", "yŏdŏk"])
def test_variants_find_a_document_that_only_says_yodok(corpus: Corpus, query: str) -> None:
    archive, ids = corpus
    assert "Camp 15" not in DOCS["yodok_en.txt"] and "요덕" not in DOCS["yodok_en.txt"]
    result = search(query, archive)
    assert {"yodok_en.txt", "yodok_ko.txt"} <= names(result, ids)
    assert "Yodok" in result["expanded"] and "요덕" in result["expanded"]
    assert "facility:kwanliso-15" in result["expanded"]
    assert result["expansions"][0]["ids"] == ["kwanliso-15"]


def test_expansion_can_be_switched_off(corpus: Corpus) -> None:
    archive, ids = corpus
    result = search("Camp 15", archive, expand=False)
    assert result["expansions"] == [] and result["expanded"] == ["Camp", "15"]
    assert "yodok_en.txt" not in names(result, ids)
    assert "yodok_en.txt" not in names(search("Yoduk", archive, expand=False), ids)


def test_korean_is_found_inside_words(corpus: Corpus) -> None:
    archive, ids = corpus
    # the document says 요덕수용소에서 (Yodok + camp + "at"): no word boundary at all
    for query in ("요덕", "수용소", "고문", "덕수용"):
        assert "yodok_ko.txt" in names(search(query, archive, expand=False), ids), query
    assert "yodok_ko.txt" not in names(search("수용소장", archive, expand=False), ids)


def test_phrases_and_boolean_operators(corpus: Corpus) -> None:
    archive, ids = corpus
    assert names(search('"public executions"', archive), ids) == {"phrases.txt"}
    assert names(search("public execution", archive, expand=False), ids) == {"meeting.txt"}
    assert names(search("public OR execution", archive, expand=False), ids) == \
        {"meeting.txt", "phrases.txt"}
    either = names(search("Hwasong OR Yodok", archive, expand=False), ids)
    assert {"yodok_en.txt", "ohchr2.txt"} <= either
    torture = names(search("tortured", archive, expand=False), ids)
    without = names(search("tortured NOT Yodok", archive), ids)
    assert "yodok_en.txt" in torture and "yodok_en.txt" not in without
    assert without == names(search("tortured -Yodok", archive), ids)
    assert names(search("tortur*", archive), ids) >= {"yodok_en.txt", "ohchr3.txt"}


def test_results_carry_what_a_reader_needs(corpus: Corpus) -> None:
    archive, _ids = corpus
    result = search("Yoduk", archive)
    assert result["total"] == len(result["results"]) >= 2
    first = result["results"][0]
    assert set(first) >= {"id", "path", "title", "score", "snippet", "highlights"}
    text = api.document_text(first["id"], archive)
    for span in first["highlights"]:
        assert text[span["start"]:span["end"]].lower() in ("yodok", "요덕")
    assert "**" in first["snippet"]
    paths = {r["path"] for r in result["results"]}
    assert any(p.endswith("yodok_en.txt") for p in paths)
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)


def test_facet_counts(corpus: Corpus) -> None:
    archive, _ids = corpus
    result = search("Camp 16", archive, facets=True)
    facets = {name: {v["value"]: v["count"] for v in values}
              for name, values in result["facets"].items()}
    assert result["total"] == 4
    assert facets["facility"]["kwanliso-16"] == 4
    assert facets["facility_type"]["kwanliso"] == 4
    assert facets["violation"]["torture"] == 4
    assert facets["organization"]["ohchr"] == 3
    assert facets["publisher"] == {"daily-nk": 1, "rfa": 1}  # known to the knowledge base
    assert facets["year"] == {"2019": 1, "2021": 1}
    assert facets["language"] == {"en": 4}
    labels = {v["value"]: v["label"] for v in result["facets"]["facility"]}
    assert labels["kwanliso-16"] == "Camp 16"


def test_filters(corpus: Corpus) -> None:
    archive, ids = corpus
    tortured = names(search("tortured OR torture OR 고문", archive), ids)
    assert names(search("tortured OR torture OR 고문", archive,
                        filters={"facility": ["Hwasong"]}), ids) == \
        {n for n in tortured if n.startswith(("ohchr", "camp16"))}
    assert names(search("고문 OR torture", archive, filters={"language": ["ko"]}), ids) == \
        {"yodok_ko.txt"}
    assert names(search("Camp 16", archive, since="2020", until="2021-12"), ids) == \
        {"ohchr1.html"}
    assert names(search("Camp 16", archive, filters={"publisher": ["Radio Free Asia"]}),
                 ids) == {"camp16_guard.html"}
    assert names(search("Camp 16", archive, filters={"organization": ["OHCHR"]}), ids) == \
        {"ohchr1.html", "ohchr2.txt", "ohchr3.txt"}
    assert names(search("prisoners", archive, filters={"violation": ["forced labour"]}),
                 ids) >= {"camp14_a.txt", "camp14_c.txt"}
    with pytest.raises(UnknownFilter):
        search("torture", archive, filters={"facility": ["Atlantis"]})


def test_a_malformed_query_is_repaired_with_a_notice(corpus: Corpus) -> None:
    archive, ids = corpus
    clean = search("public executions", archive, expand=False)
    assert clean["notices"] == []
    # the unmatched quote is a literal: its words are ordinary words, not a phrase
    repaired = search('"public executions', archive, expand=False)
    assert names(repaired, ids) == names(clean, ids) == {"phrases.txt"}
    (notice,) = repaired["notices"]
    assert "'public' has no closing quote" in notice and "literal" in notice
    unclosed = search("(Hwasong OR Yodok", archive, expand=False)
    assert names(unclosed, ids) == names(search("Hwasong OR Yodok", archive, expand=False), ids)
    assert unclosed["notices"] == [
        "1 opening bracket(s) without a closing one: closed at the end of the query"]
    stray = search("tortured) Yodok", archive, expand=False)
    assert stray["notices"] == ["1 closing bracket(s) without an opening one: ignored"]
    assert search('"camp (14)"', archive, expand=False)["notices"] == []
    runner = CliRunner()
    base = ["search", "--archive", str(archive), '"unterminated']
    table = runner.invoke(cli, base)
    assert table.exit_code == 0 and "0 document(s)" in table.output
    assert "'unterminated' has no closing quote" in table.output
    data = json.loads(runner.invoke(cli, [*base, "--format", "json"]).output)
    assert data["total"] == 0 and len(data["notices"]) == 1


def test_search_json_from_the_command_line(corpus: Corpus) -> None:
    archive, _ids = corpus
    runner = CliRunner()
    result = runner.invoke(cli, ["search", "--archive", str(archive), "Yoduk", "--format",
                                 "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= {"query", "expanded", "total", "results"}
    assert data["query"] == "Yoduk" and "Yodok" in data["expanded"]
    for item in data["results"]:
        assert set(item) >= {"id", "path", "title", "score", "snippet"}
        assert Path(item["path"]).name in DOCS
    table = runner.invoke(cli, ["search", "--archive", str(archive), "Camp", "15",
                                "--facets"])
    assert table.exit_code == 0 and "Camp 15" in table.output and "facility:" in table.output


def test_index_is_incremental_and_deterministic(tmp_path: Path) -> None:
    archive, ids = build(tmp_path, ["yodok_en.txt", "ohchr2.txt", "phrases.txt"])
    assert search("Yodok OR Hwasong", archive)["total"] == 2
    again = refresh(api.get_archive(archive))
    assert again.checked is False and again.total == 3  # nothing new: one cheap check
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "yodok_ko.txt").write_text(DOCS["yodok_ko.txt"], encoding="utf-8")
    sillok.ingest_path(tmp_path / "more", archive=archive)
    report = refresh(api.get_archive(archive))
    assert report.indexed == 1 and report.total == 4  # ingested, not yet extracted
    found = search("Camp 15", archive)  # the new one is found by its spellings meanwhile
    assert found["total"] == 2 and ids["yodok_en.txt"] in [r["id"] for r in found["results"]]
    api.extract(archive=archive)
    report = refresh(api.get_archive(archive))
    assert report.indexed == 1 and report.total == 4  # the new extraction only
    incremental = search("Yodok OR Hwasong", archive, facets=True)
    assert incremental["total"] == 3
    rebuilt = refresh(api.get_archive(archive), rebuild=True)
    assert rebuilt.indexed == 4
    assert search("Yodok OR Hwasong", archive, facets=True) == incremental


def test_saved_search_reruns_and_marks_new_results(tmp_path: Path) -> None:
    archive, _ids = build(tmp_path, ["yodok_en.txt", "phrases.txt"])
    saved = save_search("yodok watch", "Yoduk", archive, limit=10)
    assert saved["total"] == 1 and saved["saved_search"]["name"] == "yodok watch"
    assert [r["new"] for r in run_saved("yodok watch", archive)["results"]] == [False]
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "yodok_ko.txt").write_text(DOCS["yodok_ko.txt"], encoding="utf-8")
    sillok.ingest_path(tmp_path / "more", archive=archive)
    api.extract(archive=archive)
    rerun = run_saved("yodok watch", archive)
    assert rerun["total"] == 2 and sorted(r["new"] for r in rerun["results"]) == [False, True]
    assert [s["name"] for s in saved_searches(archive)] == ["yodok watch"]
    runner = CliRunner()
    where = ["--archive", str(archive)]
    where = ["--archive", str(archive)]
    listed = runner.invoke(cli, ["searches", *where, "--format", "json"])
    assert json.loads(listed.output)[0]["query"] == "Yoduk"
    by_cli = runner.invoke(cli, ["search", *where, "--run", "yodok watch",
                                          "--format", "json"])
    assert by_cli.exit_code == 0 and json.loads(by_cli.output)["total"] == 2
    saved_cli = runner.invoke(cli, ["search", *where, "Hwasong", "--save", "camp 16"])
    assert saved_cli.exit_code == 0 and "Saved as" in saved_cli.output
    runner.invoke(cli, ["searches", "--archive", str(archive), "--delete", "camp 16"])
    assert [s["name"] for s in saved_searches(archive)] == ["yodok watch"]


def test_an_index_command_reports_what_it_did(tmp_path: Path) -> None:
    archive, _ids = build(tmp_path, ["yodok_en.txt"])
    runner = CliRunner()
    result = runner.invoke(cli, ["index", "--archive", str(archive), "--format", "json"])
    assert result.exit_code == 0 and json.loads(result.output)["total"] == 1
    result = runner.invoke(cli, ["index", "--archive", str(archive), "--rebuild"])
    assert result.exit_code == 0 and "1 document(s) indexed" in result.output
