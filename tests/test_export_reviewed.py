"""Exports, packages and dossiers use the reviewed extraction where people reviewed one,
and say so; the machine's output stays beside it, provable against the custody log."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import sillok
from sillok import export
from sillok.exc import ConfigError
from sillok.export import dossier_pdf
from sillok.review import record_decision
from sillok.review.items import flatten
from sillok.store.archive import Archive
from test_export_fixtures import build_archive


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _review(archive: Archive, doc_id: str) -> dict[str, Any]:
    """Reject the torture mention and correct the KINU figure, as the reviewer alice."""
    with archive.reader() as conn:
        from sillok.store import extractions

        machine = extractions.current_extraction(conn, doc_id)
    assert machine is not None
    items = {i["kind"] + ":" + str(i.get("id") or i.get("measure")): i
             for i in flatten(machine["output"])}
    torture, claim = items["violation:torture"], items["claim:prisoner-population"]
    with archive.writer() as conn:
        record_decision(conn, doc_id, action="reject", reviewer="alice", key=torture["key"],
                        note="the beating is described at another camp")
        record_decision(conn, doc_id, action="correct", reviewer="alice", key=claim["key"],
                        value={**claim, "low": 90000, "high": 110000})
    return {"torture": torture, "claim": claim, "machine_sha256": machine["output_sha256"]}


@pytest.fixture
def reviewed(tmp_path: Path, archive: Archive) -> tuple[dict[str, str], dict[str, Any]]:
    built = build_archive(tmp_path, archive)
    return built, _review(archive, built["yodok.txt"])


def test_package_carries_the_reviewed_version_and_says_so(
        tmp_path: Path, archive: Archive, reviewed: tuple[dict[str, str], dict[str, Any]]
) -> None:
    built, decided = reviewed
    yodok = built["yodok.txt"]
    result = export.package(tmp_path / "bag", archive=archive)
    assert result.reviewed == 1
    data = tmp_path / "bag" / "data"
    record = next(r for r in _jsonl(data / "documents.jsonl") if r["id"] == yodok)
    extraction = record["extraction"]
    assert extraction["status"] == "partly-reviewed"
    assert extraction["review"]["reviewers"] == ["alice"]
    assert extraction["reviewed"]["file"] == f"data/reviewed/{yodok}.json"
    output = json.loads((data / "reviewed" / f"{yodok}.json").read_text(encoding="utf-8"))
    assert [v["id"] for v in output["violations"]] == ["forced-labour"]
    assert (output["claims"][0]["low"], output["claims"][0]["high"]) == (90000, 110000)
    assert output["claims"][0]["review"] == "corrected"
    assert output["review"]["machine_output_sha256"] == decided["machine_sha256"]
    # the machine's output is still there, unchanged, as the custody log records it
    machine = json.loads((data / "extraction" / f"{yodok}.json").read_text(encoding="utf-8"))
    assert {v["id"] for v in machine["violations"]} == {"torture", "forced-labour"}
    other = next(r for r in _jsonl(data / "documents.jsonl") if r["id"] == built["hwasong.md"])
    assert other["extraction"]["status"] == "machine" and "reviewed" not in other["extraction"]
    info = (tmp_path / "bag" / "bag-info.txt").read_text(encoding="utf-8")
    assert "Sillok-Reviewed-Extractions: 1" in info
    assert "Sillok-Extraction-Status: partly-reviewed (2 machine, 1 reviewed" in info
    assert "reviewed/<sha256>.json" in (data / "README.txt").read_text(encoding="utf-8")
    entries = _jsonl(data / "custody.jsonl")
    assert sum(e["action"] == "review" for e in entries) == 2
    report = export.verify_package(tmp_path / "bag")
    assert report.ok, [p.message for p in report.problems]


def test_verify_package_catches_a_reviewed_file_that_rests_on_other_output(
        tmp_path: Path, archive: Archive, reviewed: tuple[dict[str, str], dict[str, Any]]
) -> None:
    import hashlib

    built, _ = reviewed
    yodok = built["yodok.txt"]
    export.package(tmp_path / "bag", archive=archive)
    data = tmp_path / "bag" / "data"
    path = data / "reviewed" / f"{yodok}.json"
    forged = json.loads(path.read_text(encoding="utf-8"))
    forged["review"]["machine_output_sha256"] = "0" * 64
    path.write_text(json.dumps(forged), encoding="utf-8")
    # a forger also fixes the hash documents.jsonl gives for the file
    lines = _jsonl(data / "documents.jsonl")
    for line in lines:
        if line["id"] == yodok:
            line["extraction"]["reviewed"]["sha256"] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    (data / "documents.jsonl").write_text(
        "".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    report = export.verify_package(tmp_path / "bag")
    kinds = {(p.kind, p.where) for p in report.problems}
    assert ("mismatch", f"data/reviewed/{yodok}.json") in kinds


def test_jsonl_and_csv_exports_use_the_reviewed_version(
        tmp_path: Path, archive: Archive, reviewed: tuple[dict[str, str], dict[str, Any]]
) -> None:
    built, _ = reviewed
    yodok = built["yodok.txt"]
    result = export.export(tmp_path / "jsonl", "jsonl", archive=archive)
    assert result.counts["reviewed"] == 1
    doc = next(r for r in _jsonl(tmp_path / "jsonl" / "documents.jsonl") if r["id"] == yodok)
    assert doc["extraction"]["status"] == "partly-reviewed"
    assert doc["extraction"]["review"]["reviewers"] == ["alice"]
    assert doc["extraction"]["reviewed_output"]["claims"][0]["low"] == 90000
    assert doc["extraction"]["output"]["claims"][0]["low"] == 80000  # machine, for import
    claims = [c for c in _jsonl(tmp_path / "jsonl" / "claims.jsonl") if c["document"] == yodok]
    assert [(c["low"], c["high"], c["review"]) for c in claims] == [(90000, 110000,
                                                                     "corrected")]
    violations = [v for v in _jsonl(tmp_path / "jsonl" / "violations.jsonl")
                  if v["document"] == yodok]
    assert [(v["violation"], v["review"]) for v in violations] == [("forced-labour",
                                                                    "unreviewed")]
    mentions = _jsonl(tmp_path / "jsonl" / "mentions.jsonl")
    assert not any(m["document"] == yodok and m["id"] == "torture" for m in mentions)
    assert all("review" not in m for m in mentions if m["document"] != yodok)

    export.export(tmp_path / "csv", "csv", archive=archive)
    with open(tmp_path / "csv" / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = {r["id"]: r for r in csv.DictReader(handle)}
    assert rows[yodok]["extraction_status"] == "partly-reviewed"
    assert rows[yodok]["reviewed_by"] == "alice"
    assert rows[yodok]["violations"] == "forced-labour"
    assert rows[built["hwasong.md"]]["extraction_status"] == "machine"
    with open(tmp_path / "csv" / "claims.csv", encoding="utf-8", newline="") as handle:
        claim = next(r for r in csv.DictReader(handle) if r["document"] == yodok)
    assert (claim["low"], claim["review"]) == ("90000", "corrected")


def test_ftm_export_marks_the_reviewed_document(
        tmp_path: Path, archive: Archive, reviewed: tuple[dict[str, str], dict[str, Any]]
) -> None:
    built, _ = reviewed
    export.export(tmp_path / "ftm", "ftm", archive=archive)
    entities = _jsonl(tmp_path / "ftm" / "entities.ftm.json")
    doc = next(e for e in entities if e["id"] == f"sillok-doc-{built['yodok.txt']}")
    assert any("partly-reviewed by alice" in n for n in doc["properties"]["notes"])
    events = {e["id"] for e in entities if e["schema"] == "Event"}
    assert f"sillok-violation-{built['yodok.txt']}-torture" not in events
    assert f"sillok-violation-{built['yodok.txt']}-forced-labour" in events


def test_dossier_uses_the_reviewed_version(
        tmp_path: Path, archive: Archive, reviewed: tuple[dict[str, str], dict[str, Any]]
) -> None:
    _, _ = reviewed
    page, _json, result = export.dossier("kwanliso-15", tmp_path / "d.html", archive=archive)
    assert {v["violation"] for v in result.violations} == {"forced-labour"}
    assert result.violations[0]["review"] == "unreviewed"
    assert result.documents[0]["status"] == "partly-reviewed"
    assert result.generated["reviewed_documents"] == 1
    assert "reviewed extraction" in page.read_text(encoding="utf-8")


HANGUL_FONT = next((f for f in dossier_pdf.HANGUL_FONTS if Path(f).is_file()), None)


def test_dossier_pdf_cites_document_and_span(tmp_path: Path, archive: Archive) -> None:
    assert HANGUL_FONT is not None, "no Hangul font: apt-get install fonts-nanum (.ci/run does)"
    built = build_archive(tmp_path, archive)
    pdf_path, json_path, result = export.dossier("kwanliso-15", tmp_path / "yodok.pdf",
                                                 archive=archive)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    assert json.loads(json_path.read_text(encoding="utf-8"))["facility"]["id"] == "kwanliso-15"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(pdf_path).pages).split())
    assert result.violations
    for item in result.violations:
        assert f"document {built['yodok.txt']}, characters {item['start']}–{item['end']}" in text
        assert " ".join(item["text"].split()) in text
    assert "요덕" in text  # the facility's Korean name, in a Hangul font
    last = sillok.custody_log(archive=archive)[-1]
    assert (last["object_id"], last["details"]["format"]) == ("dossier/kwanliso-15", "pdf")


def test_dossier_pdf_without_a_hangul_font_says_what_to_install(
        tmp_path: Path, archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    build_archive(tmp_path, archive)
    monkeypatch.setattr(dossier_pdf, "HANGUL_FONTS", ())
    monkeypatch.delenv(dossier_pdf.FONT_ENV, raising=False)
    with pytest.raises(ConfigError, match="fonts-nanum"):
        export.dossier("kwanliso-15", tmp_path / "yodok.pdf", archive=archive)
    assert not (tmp_path / "yodok.pdf").exists()
    monkeypatch.setenv(dossier_pdf.FONT_ENV, str(tmp_path / "missing.ttf"))
    with pytest.raises(ConfigError, match=r"missing\.ttf is not a file"):
        export.dossier("kwanliso-15", tmp_path / "yodok.pdf", archive=archive)
