"""Evidence packages: a valid BagIt bag for any selection, logged, and tamper-evident."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import bagit
import pytest

import sillok
from sillok import export
from sillok.exc import DocumentNotFound
from sillok.export import records
from sillok.ids import canonical_json
from sillok.store.archive import Archive
from test_export_fixtures import EXTRACTOR, build_archive


def _bag_info(path: Path) -> dict[str, str]:
    info = {}
    for line in (path / "bag-info.txt").read_text(encoding="utf-8").splitlines():
        label, _, value = line.partition(": ")
        info[label] = value
    return info


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _write_jsonl(path: Path, values: list[dict[str, Any]]) -> None:
    path.write_text("".join(json.dumps(v, ensure_ascii=False, sort_keys=True) + "\n"
                            for v in values), encoding="utf-8")


def _rebag(path: Path) -> None:
    """What a careful forger does after editing: regenerate every manifest."""
    bag = bagit.Bag(str(path))
    bag.save(manifests=True)
    assert bagit.Bag(str(path)).is_valid()


@pytest.fixture
def built(tmp_path: Path, archive: Archive) -> dict[str, str]:
    return build_archive(tmp_path, archive)


@pytest.fixture
def bag(tmp_path: Path, archive: Archive, built: dict[str, str]) -> Path:
    out = tmp_path / "package"
    export.package(out, archive=archive, organization="Test NGO")
    return out


def test_package_validates_with_the_bagit_library_and_command_line(bag: Path) -> None:
    assert bagit.Bag(str(bag)).validate(processes=1)
    script = Path(sys.executable).parent / "bagit.py"  # the reference tool's command
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "bagit"]
    done = subprocess.run([*command, "--validate", str(bag)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "is valid" in done.stderr


def test_package_holds_originals_texts_extractions_and_custody(
        bag: Path, archive: Archive, built: dict[str, str]) -> None:
    data = bag / "data"
    docs = {d["id"]: d for d in _jsonl(data / "documents.jsonl")}
    assert set(docs) == set(built.values())
    yodok = built["yodok.txt"]
    assert (data / "originals" / yodok).read_bytes() == sillok.original_bytes(
        yodok, archive=archive)
    assert (data / "text" / f"{yodok}.txt").read_text(encoding="utf-8") == \
        sillok.document_text(yodok, archive=archive)
    output = sillok.api.extraction(yodok, archive=archive)
    raw = (data / "extraction" / f"{yodok}.json").read_bytes()
    assert json.loads(raw) == output
    record = docs[yodok]
    assert record["original"]["name"] == "yodok.txt"
    assert record["original"]["sha256"] == yodok
    assert record["extraction"]["status"] == "machine"
    assert record["extraction"]["extractor"] == EXTRACTOR
    assert record["extraction"]["sha256"] == hashlib.sha256(raw).hexdigest()
    assert record["text"]["file"] == f"data/text/{yodok}.txt"
    # Custody: whole entries, exactly as the archive's log has them.
    entries = _jsonl(data / "custody.jsonl")
    in_log = {e["seq"]: e for e in sillok.custody_log(archive=archive)}
    for entry in entries:
        assert entry == {k: in_log[entry["seq"]][k] for k in entry}
    actions = {(e["action"], e["object_id"]) for e in entries}
    assert ("ingest", yodok) in actions
    assert ("extract", f"{yodok}/{EXTRACTOR}") in actions
    assert all(e["action"] != "export" for e in entries)
    for name in ("manifest-sha256.txt", "manifest-sha512.txt", "tagmanifest-sha256.txt",
                 "tagmanifest-sha512.txt", "data/README.txt"):
        assert (bag / name).is_file(), name


def test_bag_info_names_the_archive_the_export_and_the_counts(
        bag: Path, archive: Archive, built: dict[str, str]) -> None:
    info = _bag_info(bag)
    assert info["Source-Organization"] == "Test NGO"
    assert info["Contact-Name"] == "test-officer"
    assert info["Sillok-Actor"] == "test-officer"
    assert info["Sillok-Archive"] == str(archive.root)
    assert info["External-Identifier"].startswith("sillok-export-")
    assert "Sillok evidence package" in info["External-Description"]
    assert info["Sillok-Selection"] == "all documents"
    assert info["Sillok-Documents"] == str(len(built))
    assert info["Sillok-Extractions"] == "3"
    assert info["Sillok-Extraction-Status"].startswith("machine")
    octets, count = info["Payload-Oxum"].split(".")
    files = [p for p in (bag / "data").rglob("*") if p.is_file()]
    assert int(count) == len(files)
    assert int(octets) == sum(p.stat().st_size for p in files)
    assert len(info["Bagging-Date"]) == 10


def test_the_export_is_logged_in_the_custody_log(bag: Path, archive: Archive) -> None:
    last = sillok.custody_log(archive=archive)[-1]
    assert last["action"] == "export"
    assert last["object_type"] == "package"
    assert last["object_id"] == _bag_info(bag)["External-Identifier"]
    tagmanifest = (bag / "tagmanifest-sha256.txt").read_bytes()
    assert last["object_sha256"] == hashlib.sha256(tagmanifest).hexdigest()
    assert last["details"]["documents"] == 6
    assert last["details"]["path"] == str(bag)
    assert sillok.verify(archive=archive).ok


def test_verify_package_passes_a_fresh_package(bag: Path) -> None:
    report = export.verify_package(bag)
    assert report.ok, report.as_dict()
    assert report.sillok_package and report.documents == 6
    assert report.custody_entries > 6


def test_a_changed_original_is_named(bag: Path, built: dict[str, str]) -> None:
    target = bag / "data" / "originals" / built["yodok.txt"]
    target.write_bytes(target.read_bytes().replace(b"Yodok", b"Yoduk"))
    report = export.verify_package(bag)
    assert not report.ok
    wheres = {(p.kind, p.where) for p in report.problems}
    assert ("bag", f"data/originals/{built['yodok.txt']}") in wheres
    assert ("mismatch", f"data/originals/{built['yodok.txt']}") in wheres


def test_an_edited_custody_line_is_named_even_after_the_manifests_are_redone(
        bag: Path) -> None:
    path = bag / "data" / "custody.jsonl"
    entries = _jsonl(path)
    victim = next(e for e in entries if e["action"] == "ingest")
    victim["actor"] = "someone-else"
    _write_jsonl(path, entries)
    assert not export.verify_package(bag).bag_valid  # the manifests catch it first
    _rebag(bag)
    report = export.verify_package(bag)
    assert report.bag_valid and not report.ok
    assert any(p.kind == "custody-edited" and p.where == f"custody#{victim['seq']}"
               for p in report.problems), report.as_dict()


def test_a_forged_custody_entry_with_a_fresh_hash_breaks_the_link(bag: Path) -> None:
    from sillok.store.custody import entry_hash

    path = bag / "data" / "custody.jsonl"
    entries = _jsonl(path)
    seqs = {e["seq"] for e in entries}
    victim = next(e for e in entries if e["seq"] + 1 in seqs and e["seq"] - 1 in seqs)
    victim["at"] = "2001-01-01T00:00:00.000000Z"
    victim["entry_hash"] = entry_hash(victim)
    _write_jsonl(path, entries)
    _rebag(bag)
    report = export.verify_package(bag)
    assert any(p.kind == "custody-unlinked" and p.where == f"custody#{victim['seq'] + 1}"
               for p in report.problems), report.as_dict()


def test_a_deleted_custody_entry_is_named_by_its_sequence_number(
        bag: Path, built: dict[str, str]) -> None:
    path = bag / "data" / "custody.jsonl"
    entries = _jsonl(path)
    seqs = {e["seq"] for e in entries}
    victim = next(e for e in entries if e["action"] == "ingest"
                  and e["seq"] + 1 in seqs and e["seq"] - 1 in seqs)
    _write_jsonl(path, [e for e in entries if e is not victim])
    _rebag(bag)  # the forger regenerates the manifests; bag-info.txt keeps its count
    report = export.verify_package(bag)
    assert report.bag_valid and not report.ok
    first = report.problems[0]
    assert (first.kind, first.where) == ("custody-missing", f"custody#{victim['seq']}")
    assert first.message.startswith(
        f"custody entry #{victim['seq']} is missing from the package log")
    assert f"bag-info.txt records {len(entries)} custody entries" in first.message
    unlogged = [p for p in report.problems if p.kind == "unlogged"]
    assert [p.where for p in unlogged] == [f"data/originals/{victim['object_id']}"]
    assert "missing from the package log" in unlogged[0].message


def test_deleted_custody_entries_are_counted_when_they_cannot_be_placed(bag: Path) -> None:
    path = bag / "data" / "custody.jsonl"
    entries = sorted(_jsonl(path), key=lambda e: e["seq"])
    _write_jsonl(path, entries[1:])  # the first entry: no gap shows where it was
    _rebag(bag)
    problems = [p for p in export.verify_package(bag).problems if p.kind == "custody-missing"]
    assert [p.where for p in problems] == ["data/custody.jsonl"]
    assert problems[0].message.startswith("1 custody entry is missing from the package log")


def test_changed_text_and_extraction_are_named(bag: Path, built: dict[str, str]) -> None:
    yodok = built["yodok.txt"]
    data = bag / "data"
    text_file = data / "text" / f"{yodok}.txt"
    text_file.write_text(text_file.read_text(encoding="utf-8").replace("corn", "rice"),
                         encoding="utf-8")
    extraction_file = data / "extraction" / f"{yodok}.json"
    output = json.loads(extraction_file.read_bytes())
    output["claims"][0]["low"] = 8000
    extraction_file.write_bytes(canonical_json(output).encode("utf-8"))
    # The forger also updates documents.jsonl so its hashes agree with the new files.
    docs = _jsonl(data / "documents.jsonl")
    for doc in docs:
        if doc["id"] == yodok:
            doc["text"]["sha256"] = hashlib.sha256(text_file.read_bytes()).hexdigest()
            doc["extraction"]["sha256"] = hashlib.sha256(
                extraction_file.read_bytes()).hexdigest()
    _write_jsonl(data / "documents.jsonl", docs)
    _rebag(bag)
    report = export.verify_package(bag)
    wheres = {(p.kind, p.where) for p in report.problems}
    assert ("unlogged", f"data/text/{yodok}.txt") in wheres
    assert ("mismatch", f"data/extraction/{yodok}.json") in wheres


def test_a_removed_or_added_original_is_named(bag: Path, built: dict[str, str]) -> None:
    os.remove(bag / "data" / "originals" / built["hwasong.md"])
    (bag / "data" / "originals" / ("0" * 64)).write_bytes(b"planted")
    _rebag(bag)
    wheres = {(p.kind, p.where) for p in export.verify_package(bag).problems}
    assert ("missing", f"data/originals/{built['hwasong.md']}") in wheres
    assert ("extra", f"data/originals/{'0' * 64}") in wheres


def test_any_bag_can_be_verified(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.txt").write_text("hello")
    bagit.make_bag(str(folder), checksums=["sha256"])
    report = export.verify_package(folder)
    assert report.ok and not report.sillok_package
    (folder / "data" / "a.txt").write_text("changed")
    assert not export.verify_package(folder).ok
    not_a_bag = tmp_path / "nothing"
    not_a_bag.mkdir()
    report = export.verify_package(not_a_bag)
    assert not report.ok and report.problems[0].kind == "bag"


def test_a_facility_selects_the_documents_whose_extraction_names_it(
        tmp_path: Path, archive: Archive, built: dict[str, str]) -> None:
    result = export.package(tmp_path / "yodok", facility="kwanliso-15", archive=archive)
    docs = _jsonl(tmp_path / "yodok" / "data" / "documents.jsonl")
    assert [d["id"] for d in docs] == [built["yodok.txt"]]
    assert result.documents == 1
    assert _bag_info(tmp_path / "yodok")["Sillok-Selection"] == "facility kwanliso-15"
    assert export.verify_package(tmp_path / "yodok").ok
    with pytest.raises(DocumentNotFound, match="kwanliso-99"):
        export.package(tmp_path / "none", facility="kwanliso-99", archive=archive)
    assert not (tmp_path / "none").exists()


def test_documents_and_queries_select(tmp_path: Path, archive: Archive,
                                      built: dict[str, str]) -> None:
    result = export.package(tmp_path / "two", documents=["yodok.txt", built["hwasong.md"][:10]],
                            archive=archive)
    assert result.documents == 2
    ids = {d["id"] for d in _jsonl(tmp_path / "two" / "data" / "documents.jsonl")}
    assert ids == {built["yodok.txt"], built["hwasong.md"]}
    result = export.package(tmp_path / "q", query="gypsum MINE", archive=archive)
    assert result.documents == 1
    custody = _jsonl(tmp_path / "q" / "data" / "custody.jsonl")
    assert {e["object_id"].split("/")[0] for e in custody} == {built["yodok.txt"]}


def test_an_existing_folder_is_never_overwritten(tmp_path: Path, archive: Archive,
                                                 built: dict[str, str]) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    with pytest.raises(export.PackageError, match="exists already"):
        export.package(out, archive=archive)


def test_an_interrupted_package_leaves_nothing(tmp_path: Path, archive: Archive,
                                               built: dict[str, str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}
    real = records.custody_for

    def failing(conn: Any, doc_id: str) -> list[dict[str, Any]]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(conn, doc_id)

    monkeypatch.setattr(records, "custody_for", failing)
    before = len(sillok.custody_log(archive=archive))
    with pytest.raises(OSError):
        export.package(tmp_path / "out", archive=archive)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive", "reports"]
    assert len(sillok.custody_log(archive=archive)) == before


def test_names_from_documents_never_reach_the_file_system(
        tmp_path: Path, archive: Archive, built: dict[str, str]) -> None:
    from sqlalchemy import update

    from sillok.export.bagwriter import safe_relpath
    from sillok.store.tables import documents

    hostile = "../../../outside\n/etc/passwd"
    with archive.writer() as conn:
        conn.execute(update(documents).where(documents.c.id == built["escape.txt"])
                     .values(original_name=hostile))
    bag = tmp_path / "deep" / "package"
    export.package(bag, archive=archive)
    assert sorted(p.name for p in (tmp_path / "deep").iterdir()) == ["package"]
    for path in bag.rglob("*"):
        if not path.is_file() or path.parent == bag:
            continue
        relative = path.relative_to(bag / "data").as_posix()
        top, _, rest = relative.partition("/")
        assert top in {"originals", "text", "extraction"} or relative in {
            "documents.jsonl", "custody.jsonl", "README.txt"}, relative
        if rest:
            assert len(rest.split(".")[0]) == 64, relative
    escape = [d for d in _jsonl(bag / "data" / "documents.jsonl")
              if d["id"] == built["escape.txt"]]
    assert escape[0]["original"]["name"] == hostile
    assert export.verify_package(bag).ok
    for bad in ("originals/../../x", "/etc/passwd", "a//b", ".hidden", ""):
        with pytest.raises(export.PackageError):
            safe_relpath(bad)


def test_a_query_is_a_search_and_combines_with_documents(
        tmp_path: Path, archive: Archive, built: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # "Yoduk" is a spelling variant the search expands to "Yodok".
    result = export.package(tmp_path / "s", query="Yoduk", archive=archive)
    assert result.documents == 1
    with pytest.raises(DocumentNotFound, match="finds no document"):
        export.package(tmp_path / "none", query="Yoduk", documents=["hwasong.md"],
                       archive=archive)
    # Without the search module, every word must occur in the text or title.
    monkeypatch.setitem(sys.modules, "sillok.search", None)
    assert export.package(tmp_path / "w", query="GYPSUM mine",
                          archive=archive).documents == 1
