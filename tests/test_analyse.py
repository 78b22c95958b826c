"""Analysis: source independence, dossiers, conflicting estimates, the art. 7(1) matrix,
and their commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sillok import analyse, api
from sillok.analyse import FacilityNotFound
from sillok.analyse.dossier import dossier as dossier_of
from sillok.analyse.estimates import figures_for
from sillok.analyse.evidence import summaries_current
from sillok.cli import cli
from sillok.cli.search_cmds import register
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



def sillok_cli() -> click.Group:
    """``sillok``, or (until it registers them) a group with only these commands:
    registering on the shared ``cli`` would change what other tests see."""
    if "search" in cli.commands:
        return cli
    group = click.Group("sillok")
    register(group)
    return group


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
    assert copies["label"].startswith("copies of")


def test_relays_of_one_report_count_once(corpus: Corpus) -> None:
    archive, ids = corpus
    row = fact(analyse.corroborate(archive, violation="torture"), "kwanliso-16", "torture")
    assert row["documents"] == 4 and row["independent_sources"] == 2
    relayed = row["sources"][0]
    assert relayed["origins"] == ["org:ohchr"] and relayed["documents_total"] == 3
    assert sorted(relayed["documents"]) == sorted(ids[n] for n in
                                                  ("ohchr1.html", "ohchr2.txt", "ohchr3.txt"))
    assert "High Commissioner" in relayed["label"]
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
    assert nkwatch["conflict"] and nkwatch["conflicts"] == 2
    assert {c["index"] for c in nkwatch["conflicts_with"]} == {kinu["index"], coi["index"]}
    assert kinu["conflict"] and [c["index"] for c in kinu["conflicts_with"]] == \
        [nkwatch["index"]]
    assert coi["as_of"] == "2014" and nkwatch["as_of"] == "2020"
    gap = next(c for c in coi["conflicts_with"] if c["index"] == nkwatch["index"])
    assert gap["years_apart"] == 6
    assert group["conflicting_figures"] == 3
    order = [f["as_of"] or "9999" for f in group["figures"]]
    assert order == sorted(order)
    for figure in group["figures"]:
        quote = figure["quotes"][0]
        text = api.document_text(quote["document"], archive)
        assert text[quote["start"]:quote["end"]] == quote["text"]


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
        result = runner.invoke(sillok_cli(), [*command, *base, "--format", "json"])
        assert result.exit_code == 0, result.output
        assert check(json.loads(result.output)), command
        table = runner.invoke(sillok_cli(), [*command, *base])
        assert table.exit_code == 0, table.output
    text = runner.invoke(sillok_cli(), ["dossier", "Camp 16", *base]).output
    assert "Violations reported" in text and "Strongest quotes" in text
    assert "CONFLICT" in runner.invoke(sillok_cli(), ["estimates", *base]).output
    assert "(f) torture" in runner.invoke(sillok_cli(), ["matrix", *base]).output


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
    result = CliRunner().invoke(sillok_cli(), ["dossier", "Camp 16", "--documents", "2",
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
