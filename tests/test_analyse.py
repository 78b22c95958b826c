"""Analysis: source independence, dossiers, conflicting estimates, the art. 7(1) matrix,
and their commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import sillok
from sillok import analyse, api
from sillok.analyse import FacilityNotFound
from sillok.analyse.dossier import dossier as dossier_of
from sillok.analyse.estimates import UNDATED_WINDOW, comparable, figures_for
from sillok.analyse.evidence import summaries_current
from sillok.cli import cli
from sillok.index import refresh, sync
from sillok.index.corroboration import (
    SUMMARY_GROUPS,
    SUMMARY_SAMPLE,
    compute_facts,
    stored_facts,
    update_fact_summaries,
)
from test_search_corpus import DOCS, build

Corpus = tuple[Path, dict[str, str]]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build(tmp_path_factory.mktemp("analyse"))


def fact(rows: list[dict[str, Any]], facility: str, violation: str) -> dict[str, Any]:
    return next(r for r in rows if r["facility"] == facility and r["violation"] == violation)


def test_syndicated_copies_count_once(corpus: Corpus) -> None:
    archive, ids = corpus
    row = fact(analyse.corroborate(archive, facility="Camp 14"), "kwanliso-14", "forced-labour")
    assert row["documents"] == 3 and row["independent_sources"] == 2
    copies = next(g for g in row["sources"] if g["copy_groups"])
    assert sorted(copies["documents"]) == sorted([ids["camp14_a.txt"], ids["camp14_b.txt"]])
    # both copies are undated: the earliest is the one with the smaller id
    first = min((ids["camp14_a.txt"], "Inside Camp 14: the mines"),
                (ids["camp14_b.txt"], "Camp 14 survivors speak - reposted"))[1]
    assert copies["label"] == f"syndicated: “{first}” and its copies"


def test_relays_of_one_report_count_once(corpus: Corpus) -> None:
    archive, ids = corpus
    row = fact(analyse.corroborate(archive, violation="torture"), "kwanliso-16", "torture")
    assert row["documents"] == 4 and row["independent_sources"] == 2
    relayed = row["sources"][0]
    assert relayed["origins"] == ["org:ohchr"] and relayed["documents_total"] == 3
    assert sorted(relayed["documents"]) == sorted(ids[n] for n in
                                                  ("ohchr1.html", "ohchr2.txt", "ohchr3.txt"))
    assert relayed["label"] == \
        "relays Office of the United Nations High Commissioner for Human Rights"
    assert row["sources"][1]["documents"] == [ids["camp16_guard.html"]]


def test_independent_documents_each_count(corpus: Corpus) -> None:
    archive, _ids = corpus
    row = fact(analyse.corroborate(archive, facility="kwanliso-15"), "kwanliso-15", "torture")
    assert row["documents"] == 2 and row["independent_sources"] == 2


def test_dossier(corpus: Corpus) -> None:
    archive, ids = corpus
    found = analyse.dossier("요덕", archive)
    assert found == analyse.dossier("kwanliso-15", archive)
    assert found["facility"]["id"] == "kwanliso-15" and "Yodok" in found["facility"]["names"]
    assert found["facility"]["province"] == "South Hamgyong"
    assert {d["id"] for d in found["documents"]} == {ids["yodok_en.txt"], ids["yodok_ko.txt"]}
    assert found["documents_total"] == 2
    torture = next(v for v in found["violations"] if v["violation"] == "torture")
    assert torture["documents"] == 2 and torture["independent_sources"] == 2
    assert torture["rome_statute"] == ["f"]
    assert found["quotes"]
    for quote in found["quotes"]:
        text = api.document_text(quote["document"], archive)
        assert text[quote["start"]:quote["end"]] == quote["text"]
    assert [e["kind"] for e in found["timeline"]].count("status") >= 1
    dates = [str(e["date"] or "9999") for e in found["timeline"]]
    assert dates == sorted(dates)


def test_dossier_of_a_facility_with_dated_reports(corpus: Corpus) -> None:
    archive, _ids = corpus
    found = analyse.dossier("Hwasong", archive)
    reports = [e for e in found["timeline"] if e["kind"] == "reports"]
    assert [(e["date"], e["documents"]) for e in reports] == [("2019", 1), ("2021", 1)]
    assert reports[0]["first_reported"] == ["torture"]
    assert [d["published"] for d in found["documents"]][:2] == ["2019-05-01", "2021-02-09"]


def test_dossier_needs_one_facility(corpus: Corpus) -> None:
    archive, _ids = corpus
    with pytest.raises(FacilityNotFound, match="several facilities"):
        analyse.dossier("Kaechon", archive)
    with pytest.raises(FacilityNotFound, match="no facility"):
        analyse.dossier("Atlantis", archive)


def test_conflicting_estimates_are_flagged(corpus: Corpus) -> None:
    archive, _ids = corpus
    (group,) = analyse.estimates(archive, subject="political prison camp")
    assert (group["subject"], group["measure"]) == ("kwanliso", "prisoner-population")
    figures = {(f["low"], f["high"], tuple(f["credited"])): f for f in group["figures"]}
    kinu = figures[(80000, 120000, ("kinu",))]
    coi = figures[(80000, 120000, ("un-coi",))]
    nkwatch = figures[(135000, 135000, ("nk-watch",))]
    assert (kinu["as_of"], coi["as_of"], nkwatch["as_of"]) == ("2013", "2014", "2014")
    # 135,000 and 80,000–120,000, both for 2014: a conflict
    assert nkwatch["conflict"] and nkwatch["conflicts"] == 1
    assert [c["index"] for c in nkwatch["conflicts_with"]] == [coi["index"]]
    assert [(c["index"], c["years_apart"]) for c in coi["conflicts_with"]] == \
        [(nkwatch["index"], 0)]
    # KINU's figure is for 2013: a different year is a change over time, not a conflict
    assert not kinu["conflict"] and kinu["conflicts_with"] == [] and kinu["changes"] == 1
    assert nkwatch["changes"] == 1 and coi["changes"] == 0
    assert group["conflicting_figures"] == 2
    order = [f["as_of"] or "9999" for f in group["figures"]]
    assert order == sorted(order)
    for figure in group["figures"]:
        quote = figure["quotes"][0]
        text = api.document_text(quote["document"], archive)
        assert text[quote["start"]:quote["end"]] == quote["text"]


def _dated_html(title: str, date: str, body: str) -> str:
    return (f"<html><head><title>{title}</title>"
            f'<meta property="article:published_time" content="{date}T08:00:00Z"></head>'
            f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>")


def test_undated_figures_conflict_only_within_the_window(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, date, number in (("a.html", "2021-03-01", "50,000"),
                               ("b.html", "2022-06-01", "200,000"),
                               ("c.html", "2015-06-01", "10,000")):
        (docs / name).write_text(_dated_html(
            f"Report {name}", date, f"About {number} people are held in political prison "
            "camps, the report said."), encoding="utf-8")
    sillok.ingest_path(docs, archive=tmp_path / "archive")
    api.extract(archive=tmp_path / "archive")
    (group,) = analyse.estimates(tmp_path / "archive", subject="kwanliso")
    found = {f["low"]: f for f in group["figures"]}
    assert sorted(found) == [10000, 50000, 200000]
    assert all(f["as_of"] is None for f in found.values())
    # published 2021 and 2022: within two years, so they disagree
    assert found[50000]["conflicts"] == found[200000]["conflicts"] == 1
    # published 2015: six years from the others, so compared with neither
    assert not found[10000]["conflict"] and found[10000]["changes"] == 0
    assert UNDATED_WINDOW == 2
    assert comparable(None, "2021-03-01", None, "2023-01-01")
    assert not comparable(None, "2021-03-01", None, "2024-01-01")
    assert comparable("2014", None, None, "2016-05-01")
    assert not comparable("2014", "2014-05-01", "2015", "2014-05-01")
    assert not comparable(None, None, "2014", None)


def test_agreeing_figures_are_not_flagged(tmp_path: Path) -> None:
    archive, _ids = build(tmp_path, ["est_kinu.txt", "est_coi.txt"])
    (group,) = analyse.estimates(archive, subject="kwanliso")
    assert [f["conflict"] for f in group["figures"]] == [False, False]


def test_matrix(corpus: Corpus) -> None:
    archive, _ids = corpus
    found = {c["letter"]: c for c in analyse.matrix(archive)}
    assert list(found) == list("abcdefghijk")
    torture = found["f"]
    assert torture["article"] == "7(1)(f)" and torture["violations"] == ["torture"]
    camp16 = next(r for r in torture["evidence"] if r["facility"] == "kwanliso-16")
    assert camp16["documents"] == 4 and camp16["independent_sources"] == 2
    assert torture["evidence"][0] is camp16  # strongest corroboration first
    quote = camp16["quotes"][0]
    text = api.document_text(quote["document"], archive)
    assert text[quote["start"]:quote["end"]] == quote["text"]
    enslavement = found["c"]
    row = next(r for r in enslavement["evidence"] if r["facility"] == "kwanliso-14")
    assert row["violation"] == "forced-labour" and row["independent_sources"] == 2
    assert found["j"]["evidence"] == [] and found["j"]["documents"] == 0
    assert torture["facilities"] >= 3 and torture["independent_sources"] >= 4


def test_analysis_commands(corpus: Corpus) -> None:
    archive, _ids = corpus
    runner = CliRunner()
    base = ["--archive", str(archive)]
    for command, check in (
            (["dossier", "Yodok"], lambda d: d["facility"]["id"] == "kwanliso-15"),
            (["estimates", "kwanliso"], lambda d: d[0]["measure"] == "prisoner-population"),
            (["estimates", "--conflicts"], lambda d: all(g["conflicting_figures"] for g in d)),
            (["matrix"], lambda d: len(d) == 11),
            (["corroborate", "--facility", "Camp 16"],
             lambda d: d[0]["independent_sources"] == 2)):
        result = runner.invoke(cli, [*command, *base, "--format", "json"])
        assert result.exit_code == 0, result.output
        assert check(json.loads(result.output)), command
        table = runner.invoke(cli, [*command, *base])
        assert table.exit_code == 0, table.output
    text = runner.invoke(cli, ["dossier", "Camp 16", *base]).output
    assert "Violations reported" in text and "Strongest quotes" in text
    assert "CONFLICT" in runner.invoke(cli, ["estimates", *base]).output
    assert "(f) torture" in runner.invoke(cli, ["matrix", *base]).output


def _counted_and_afresh(archive: Path) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """What the refresh stored in ``index_facts``, and the same counted from the links."""
    opened = api.get_archive(archive)
    refresh(opened)
    with opened.reader() as conn:
        assert summaries_current(conn)
        stored = stored_facts(conn)
        fresh = compute_facts(conn, [], max_groups=SUMMARY_GROUPS, sample=SUMMARY_SAMPLE)
    return stored, fresh


def test_counted_facts_equal_counting_afresh(corpus: Corpus) -> None:
    archive, _ids = corpus
    stored, fresh = _counted_and_afresh(archive)
    assert stored == fresh
    camp14 = stored[("kwanliso-14", "forced-labour")]
    assert camp14["documents"] == 3 and camp14["independent_sources"] == 2
    assert stored[("kwanliso-16", "torture")]["first_published"] == "2019-05-01"
    # the dossier and the matrix read the stored counts; asking for more counts afresh
    whole = analyse.corroborate(archive, facility="Camp 14")
    assert fact(whole, "kwanliso-14", "forced-labour")["independent_sources"] == 2


def test_counts_follow_new_copies_and_relays(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Documents added later (a syndicated copy, one more relay of the OHCHR report)
    make the refresh recount exactly the facts they touch, as counting afresh would."""
    first = [n for n in DOCS if n not in ("camp14_b.txt", "ohchr3.txt")]
    archive, _ids = build(tmp_path, first)
    stored, fresh = _counted_and_afresh(archive)
    assert stored == fresh
    assert stored[("kwanliso-14", "forced-labour")]["documents"] == 2
    recounted: list[Any] = []

    def recount(conn: Any, facts: Any) -> int:
        recounted.append(None if facts is None else set(facts))
        return update_fact_summaries(conn, facts)
    monkeypatch.setattr(sync, "update_fact_summaries", recount)
    build(tmp_path, list(DOCS))  # the same folder: only the two new files are new
    stored, fresh = _counted_and_afresh(archive)
    touched = set().union(*recounted)
    assert ("kwanliso-14", "forced-labour") in touched and ("kwanliso-16", "torture") in touched
    assert ("kwanliso-15", "torture") not in touched
    assert stored == fresh
    camp14 = stored[("kwanliso-14", "forced-labour")]
    assert camp14["documents"] == 3 and camp14["independent_sources"] == 2
    camp16 = stored[("kwanliso-16", "torture")]
    assert camp16["documents"] == 4 and camp16["independent_sources"] == 2


def test_dossier_pages(corpus: Corpus) -> None:
    archive, _ids = corpus
    whole = analyse.dossier("Camp 16", archive)
    assert whole["documents_total"] == len(whole["documents"]) >= 3
    assert whole["documents_offset"] == 0 and whole["documents_next"] is None
    first = analyse.dossier("Camp 16", archive, documents_limit=2)
    assert first["documents"] == whole["documents"][:2] and first["documents_next"] == 2
    rest = analyse.dossier("Camp 16", archive, documents_limit=2, documents_offset=2)
    assert rest["documents"] == whole["documents"][2:4]
    assert rest["documents_total"] == whole["documents_total"]
    result = CliRunner().invoke(cli, ["dossier", "Camp 16", "--documents", "2",
                                               "--archive", str(archive)])
    assert "next page: --documents-offset 2" in result.output


def test_dossier_lists_the_first_figures_and_counts_the_rest(corpus: Corpus) -> None:
    archive, _ids = corpus  # the knowledge base has two figures for Camp 22
    opened = api.get_archive(archive)
    whole = dossier_of(opened, "kwanliso-22")
    assert whole["estimates_total"] == len(whole["estimates"]) >= 2
    with opened.reader() as conn:
        assert whole["estimates"] == figures_for(conn, "kwanliso-22", "prisoner-population",
                                                 detail=100)
    one = dossier_of(opened, "kwanliso-22", estimates_limit=1)
    assert one["estimates_total"] == whole["estimates_total"]
    (listed,) = one["estimates"]
    assert listed["conflicts"] == whole["estimates"][0]["conflicts"]
    assert listed["conflicts_with"] == whole["estimates"][0]["conflicts_with"]
    more = [e for e in one["timeline"] if e["kind"] == "more-estimates"]
    assert len(more) == 1 and "sillok estimates kwanliso-22" in more[0]["text"]
    assert [e for e in one["timeline"] if e["kind"] == "estimate"] == \
        [e for e in whole["timeline"] if e["kind"] == "estimate"][:1]


def _html(title: str, site: str, date: str, body: str) -> str:
    return (f"<html><head><title>{title}</title>"
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{date}T08:00:00Z"></head>'
            f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>")


SOURCES_DOCS = {
    # (a) two different articles by one publisher, relaying no one
    "rfa1.html": _html("Guard recalls beatings at Camp 16", "Radio Free Asia", "2019-05-01",
                       "A former guard at Camp 16 said he saw interrogators torture "
                       "prisoners with beatings in the punishment cells."),
    "rfa2.html": _html("Survivor describes Camp 16 interrogations", "Radio Free Asia",
                       "2022-03-10", "A woman held at Camp 16 for six years said she was "
                       "tortured with sleep deprivation during interrogation."),
    # (b) OHCHR's own report, and three articles relaying it for the same fact
    "ohchr_report.html": _html("Report on detention in Camp 15", "OHCHR", "2014-02-07",
                               "Former detainees of Camp 15 consistently described torture "
                               "during interrogation and punishment."),
    "relay1.txt": "Relay one\n\nAccording to OHCHR, detainees at Camp 15 were tortured.\n",
    "relay2.txt": ("Relay two\n\nPrisoners at Camp 15 were tortured by guards, the Office of "
                   "the High Commissioner for Human Rights found.\n"),
    "relay3.txt": ("Relay three\n\nThe UN human rights office (OHCHR) reported that guards "
                   "at Camp 15 tortured prisoners.\n"),
    # (c) a syndicated story and its copy
    "synd1.txt": "Inside Camp 14: the mines\n\n" + DOCS["camp14_a.txt"].split("\n\n", 1)[1],
    "synd2.txt": "Camp 14 survivors speak - reposted\n\n"
                 + DOCS["camp14_a.txt"].split("\n\n", 1)[1],
    # (d) a publisher string that is no publisher at all, on two different documents
    "junk1.html": _html("Camp 25 testimony", "This is not a real report.", "2023-09-03",
                        "A former prisoner of Camp 25 said guards tortured inmates who "
                        "failed to meet the work quota."),
    "junk2.html": _html("Camp 25 second account", "This is not a real report.", "2024-01-15",
                        "Another survivor of Camp 25 said prisoners were tortured in "
                        "solitary confinement cells."),
}


@pytest.fixture(scope="module")
def sources_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("sources")
    (root / "docs").mkdir()
    for name, text in SOURCES_DOCS.items():
        (root / "docs" / name).write_text(text, encoding="utf-8")
    report = sillok.ingest_path(root / "docs", archive=root / "archive")
    api.extract(archive=root / "archive")
    return root / "archive", {Path(i.source).name: str(i.document_id) for i in report.items
                              if i.document_id}


def test_one_publishers_separate_articles_are_separate_sources(
        sources_corpus: Corpus) -> None:
    archive, _ids = sources_corpus
    row = fact(analyse.corroborate(archive, facility="Camp 16"), "kwanliso-16", "torture")
    assert row["documents"] == 2 and row["independent_sources"] == 2
    labels = sorted(g["label"] for g in row["sources"])
    assert labels == ["“Guard recalls beatings at Camp 16” (Radio Free Asia, 2019-05-01)",
                      "“Survivor describes Camp 16 interrogations” (Radio Free Asia, "
                      "2022-03-10)"]


def test_relays_join_the_report_they_relay(sources_corpus: Corpus) -> None:
    archive, ids = sources_corpus
    row = fact(analyse.corroborate(archive, facility="Camp 15"), "kwanliso-15", "torture")
    assert row["documents"] == 4 and row["independent_sources"] == 1
    (group,) = row["sources"]
    assert sorted(group["documents"]) == sorted(
        ids[n] for n in ("ohchr_report.html", "relay1.txt", "relay2.txt", "relay3.txt"))
    assert group["origins"] == ["org:ohchr"]
    assert group["label"] == ("“Report on detention in Camp 15” (Office of the United Nations "
                              "High Commissioner for Human Rights, 2014-02-07) and 3 "
                              "document(s) relaying or copying it")


def test_relays_without_the_report_count_once(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    root.mkdir()
    for name in ("relay1.txt", "relay2.txt", "relay3.txt"):
        (root / name).write_text(SOURCES_DOCS[name], encoding="utf-8")
    sillok.ingest_path(root, archive=tmp_path / "archive")
    api.extract(archive=tmp_path / "archive")
    row = fact(analyse.corroborate(tmp_path / "archive"), "kwanliso-15", "torture")
    assert row["documents"] == 3 and row["independent_sources"] == 1
    assert row["sources"][0]["label"] == \
        "relays Office of the United Nations High Commissioner for Human Rights"


def test_a_syndicated_copy_counts_once(sources_corpus: Corpus) -> None:
    archive, ids = sources_corpus
    row = fact(analyse.corroborate(archive, facility="Camp 14"), "kwanliso-14", "forced-labour")
    assert row["documents"] == 2 and row["independent_sources"] == 1
    (group,) = row["sources"]
    first = min((ids["synd1.txt"], "Inside Camp 14: the mines"),
                (ids["synd2.txt"], "Camp 14 survivors speak - reposted"))[1]
    assert group["label"] == f"syndicated: “{first}” and its copies"


def test_a_junk_publisher_merges_nothing(sources_corpus: Corpus) -> None:
    archive, _ids = sources_corpus
    row = fact(analyse.corroborate(archive, facility="Camp 25"), "kwanliso-25", "torture")
    assert row["documents"] == 2 and row["independent_sources"] == 2
    labels = sorted(g["label"] for g in row["sources"])
    assert labels[0].startswith("“Camp 25 second account” (")
    assert labels[1].startswith("“Camp 25 testimony” (")


def test_stored_labels_match_counting_afresh(sources_corpus: Corpus) -> None:
    archive, _ids = sources_corpus
    stored, afresh = _counted_and_afresh(archive)
    assert stored == afresh
