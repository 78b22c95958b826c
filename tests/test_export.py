"""JSON Lines and CSV exports, and the round trip through a fresh archive."""

from __future__ import annotations

import base64
import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import sillok
from sillok import export
from sillok.store.archive import Archive
from sillok.store.tables import document_links, documents, extractions, texts
from test_export_fixtures import EXTRACTOR, build_archive


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture
def built(tmp_path: Path, archive: Archive) -> dict[str, str]:
    return build_archive(tmp_path, archive)


def test_jsonl_export_writes_one_file_per_kind(tmp_path: Path, archive: Archive,
                                               built: dict[str, str]) -> None:
    out = tmp_path / "jsonl"
    result = export.export(out, "jsonl", archive=archive)
    assert result.counts == {"documents": 6, "mentions": 12, "violations": 4, "claims": 2}
    assert sorted(p.name for p in out.iterdir()) == [
        "SHA256SUMS", "claims.jsonl", "documents.jsonl", "export.json", "mentions.jsonl",
        "originals", "violations.jsonl"]
    texts_by_id = {d: sillok.document_text(d, archive=archive) for d in built.values()}
    mentions = _jsonl(out / "mentions.jsonl")
    assert {"document": built["yodok.txt"], "kind": "facility", "id": "kwanliso-15",
            "start": texts_by_id[built["yodok.txt"]].find("Yodok"),
            "end": texts_by_id[built["yodok.txt"]].find("Yodok") + 5,
            "text": "Yodok"} in mentions
    for mention in mentions:
        assert texts_by_id[mention["document"]][mention["start"]:mention["end"]] == \
            mention["text"]
    claims = _jsonl(out / "claims.jsonl")
    kinu = next(c for c in claims if c["attributed_to"] == ["kinu"])
    assert (kinu["subject"], kinu["low"], kinu["high"], kinu["as_of"]) == (
        "kwanliso", 80000, 120000, "2013")
    violations = _jsonl(out / "violations.jsonl")
    assert {(v["violation"], tuple(v["facilities"])) for v in violations} == {
        ("torture", ("kwanliso-15",)), ("forced-labour", ("kwanliso-15",)),
        ("execution", ("kwanliso-16",)), ("starvation", ("kyohwaso-12",))}
    header = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert header["counts"] == result.counts and header["actor"] == "test-officer"
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((out / name).read_bytes()).hexdigest() == digest
    last = sillok.custody_log(archive=archive)[-1]
    assert (last["action"], last["object_id"]) == ("export", result.export_id)
    assert last["object_sha256"] == hashlib.sha256(
        (out / "SHA256SUMS").read_bytes()).hexdigest()


def test_csv_export_is_one_file_per_kind_and_safe_in_a_spreadsheet(
        tmp_path: Path, archive: Archive, built: dict[str, str]) -> None:
    out = tmp_path / "csv"
    result = export.export(out, "csv", archive=archive)
    assert result.counts["documents"] == 6
    assert {p.name for p in out.iterdir()} == {
        "documents.csv", "mentions.csv", "violations.csv", "claims.csv", "export.json",
        "SHA256SUMS"}
    with open(out / "claims.csv", encoding="utf-8", newline="") as handle:
        claims = list(csv.DictReader(handle))
    hrnk = next(c for c in claims if c["attributed_to"] == "hrnk")
    assert (hrnk["subject"], hrnk["low"], hrnk["high"]) == ("kwanliso-16", "20000", "")
    with open(out / "documents.csv", encoding="utf-8", newline="") as handle:
        docs = {row["id"]: row for row in csv.DictReader(handle)}
    yodok = docs[built["yodok.txt"]]
    assert yodok["facilities"] == "kwanliso-15"
    assert yodok["violations"] == "torture;forced-labour"
    assert yodok["extraction_status"] == "machine"
    assert yodok["extractor"] == EXTRACTOR
    with open(out / "violations.csv", encoding="utf-8", newline="") as handle:
        assert {r["violation"] for r in csv.DictReader(handle)} == {
            "torture", "forced-labour", "execution", "starvation"}
    # A title that a spreadsheet would run as a formula is defused.
    from sqlalchemy import update
    with archive.writer() as conn:
        conn.execute(update(documents).where(documents.c.id == built["hwasong.md"])
                     .values(title='=HYPERLINK("http://example.invalid")'))
    export.export(tmp_path / "csv2", "csv", archive=archive)
    with open(tmp_path / "csv2" / "documents.csv", encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    assert rows[built["hwasong.md"]]["title"].startswith("'=HYPERLINK")


def _snapshot(archive: Archive) -> dict[str, Any]:
    """Everything the round trip must keep: content hashes, metadata, facts, links."""
    with archive.reader() as conn:
        docs = {r.id: {k: v for k, v in r._mapping.items()}
                for r in conn.execute(select(documents))}
        text_rows = {r.document_id: (r.extractor, r.text_sha256, r.text, r.pages)
                     for r in conn.execute(select(texts).where(texts.c.current.is_(True)))}
        facts = {r.document_id: (r.extractor, r.output_sha256, r.output, r.text_sha256)
                 for r in conn.execute(select(extractions)
                                       .where(extractions.c.current.is_(True)))}
        links = {(r.parent_id, r.child_id, r.member) for r in conn.execute(
            select(document_links))}
    originals = {d: hashlib.sha256(archive.read_original(d)).hexdigest() for d in docs}
    return {"documents": docs, "texts": text_rows, "extractions": facts, "links": links,
            "originals": originals}


@pytest.mark.parametrize("originals", ["alongside", "base64"])
def test_round_trip_through_json_lines_keeps_every_hash_and_fact(
        tmp_path: Path, archive: Archive, built: dict[str, str], originals: str) -> None:
    out = tmp_path / "export"
    export.export(out, "jsonl", archive=archive, originals=originals)
    fresh_path = tmp_path / "fresh"
    result = export.import_jsonl(out, archive=fresh_path)
    assert result.ok and result.imported == 6 and result.extractions == 3
    assert result.links == 2
    fresh = sillok.get_archive(fresh_path)
    before, after = _snapshot(archive), _snapshot(fresh)
    assert after["originals"] == before["originals"]
    assert all(k == v for k, v in after["originals"].items())
    assert after["texts"] == before["texts"]
    assert after["extractions"] == before["extractions"]
    assert after["documents"] == before["documents"]
    assert after["links"] == before["links"]
    assert sillok.verify(archive=fresh).ok
    # Provenance: the import's ingest entry carries the source archive's entries.
    yodok = built["yodok.txt"]
    entry = next(e for e in sillok.custody_log(yodok, archive=fresh) if e["action"] == "ingest")
    assert entry["details"]["imported"] is True
    source = [e for e in sillok.custody_log(yodok, archive=archive)]
    assert entry["details"]["source_entry_hashes"] == [e["entry_hash"] for e in source]
    # Importing again changes nothing.
    again = export.import_jsonl(out / "documents.jsonl", archive=fresh)
    assert (again.imported, again.existing) == (0, 6)
    assert _snapshot(fresh)["extractions"] == before["extractions"]
    fresh.engine.dispose()


def test_a_damaged_line_is_refused_and_the_rest_imported(tmp_path: Path, archive: Archive,
                                                         built: dict[str, str]) -> None:
    out = tmp_path / "export"
    export.export(out, "jsonl", archive=archive, originals="base64")
    lines = _jsonl(out / "documents.jsonl")
    for line in lines:
        if line["id"] == built["yodok.txt"]:
            data = base64.b64decode(line["original"]["base64"]).replace(b"Yodok", b"Yoduk")
            line["original"]["base64"] = base64.b64encode(data).decode()
        if line["id"] == built["hwasong.md"]:
            line["extraction"]["output"]["claims"][0]["low"] = 2
    (out / "documents.jsonl").write_text(
        "".join(json.dumps(v) + "\n" for v in lines) + "not json\n", encoding="utf-8")
    result = export.import_jsonl(out, archive=tmp_path / "fresh")
    assert result.imported == 4
    reasons = {f.get("id", f["line"]): f["reason"] for f in result.failed}
    assert "does not match its SHA-256" in reasons[built["yodok.txt"]]
    assert "extraction does not match" in reasons[built["hwasong.md"]]
    assert reasons[str(len(lines) + 1)] == "not JSON"


def test_an_original_named_outside_the_export_is_refused(tmp_path: Path, archive: Archive,
                                                         built: dict[str, str]) -> None:
    out = tmp_path / "export"
    export.export(out, "jsonl", archive=archive, documents=["yodok.txt"])
    line = _jsonl(out / "documents.jsonl")[0]
    line["original"]["file"] = "../../archive/sillok.db"
    (out / "documents.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = export.import_jsonl(out, archive=tmp_path / "fresh")
    assert result.imported == 0
    assert "not originals/<sha256>" in result.failed[0]["reason"]


def test_an_export_without_originals_says_how_to_make_one_that_imports(
        tmp_path: Path, archive: Archive, built: dict[str, str]) -> None:
    out = tmp_path / "export"
    export.export(out, "jsonl", archive=archive, originals="none", facility="kwanliso-16")
    assert not (out / "originals").exists()
    result = export.import_jsonl(out, archive=tmp_path / "fresh")
    assert "--originals" in result.failed[0]["reason"]


def test_export_refuses_a_folder_with_files_in_it(tmp_path: Path, archive: Archive,
                                                  built: dict[str, str]) -> None:
    out = tmp_path / "full"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(export.PackageError, match="not an empty folder"):
        export.export(out, "csv", archive=archive)
    assert (out / "keep.txt").read_text() == "mine"


def test_real_extractor_on_the_dev_corpus_packages_and_round_trips(
        tmp_path: Path, archive: Archive, dev_corpus: Path) -> None:
    report = sillok.ingest_path(sorted(dev_corpus.glob("*.txt")), archive=archive)
    assert report.ok
    counts = sillok.api.extract(archive=archive)
    assert counts["extracted"] == 5
    bag = tmp_path / "bag"
    package = export.package(bag, archive=archive)
    assert package.extractions == 5
    assert export.verify_package(bag).ok
    out = tmp_path / "jsonl"
    result = export.export(out, "jsonl", archive=archive)
    assert result.counts["mentions"] > 0 and result.counts["claims"] > 0
    texts_by_id = {d["id"]: sillok.document_text(d["id"], archive=archive)
                   for d in sillok.list_documents(archive=archive)}
    for mention in _jsonl(out / "mentions.jsonl"):
        assert texts_by_id[mention["document"]][mention["start"]:mention["end"]] == \
            mention["text"]
    fresh = tmp_path / "fresh"
    assert export.import_jsonl(out, archive=fresh).imported == 5
    opened = sillok.get_archive(fresh)
    before, after = _snapshot(archive), _snapshot(opened)
    assert after["extractions"] == before["extractions"]
    assert after["texts"] == before["texts"]
    assert after["originals"] == before["originals"]
    # Re-running the extractor on the imported archive finds nothing new to do.
    assert sillok.api.extract(archive=opened)["unchanged"] == 5
    opened.engine.dispose()
