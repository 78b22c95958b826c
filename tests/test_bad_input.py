"""Bad input gets a clear status and reason, and never stops the batch or loses a file."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import sillok
from sillok.cli import cli
from sillok.ingest import pipeline
from sillok.store.archive import Archive

GOOD = "Report on Kyohwaso No. 1 at Kaechon: prisoners described beatings and hunger.\n" * 4


def _by_name(report: sillok.api.IngestReport) -> dict[str, sillok.api.ItemResult]:
    return {Path(i.source.split("!")[0]).name + ("!" + i.source.split("!", 1)[1]
                                                 if "!" in i.source else ""): i
            for i in report.items}


def test_a_batch_of_bad_files_goes_on_and_names_each_reason(tmp_path: Path,
                                                            archive: Archive) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "empty.txt").write_bytes(b"")
    (batch / "junk.html").write_bytes(bytes(range(256)) * 40)
    (batch / "zero.pdf").write_bytes(b"")
    (batch / "truncated.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    (batch / "notreally.pdf").write_bytes(b"<html>this is not a pdf at all</html>")
    (batch / "good.txt").write_text(GOOD)
    report = sillok.ingest_path(batch, archive=archive)
    items = _by_name(report)
    assert items["good.txt"].status == "ok"
    assert items["empty.txt"].status == "failed"
    assert "empty" in (items["empty.txt"].reason or "")
    assert items["zero.pdf"].status == "failed"
    assert items["junk.html"].status == "failed"
    assert "binary content" in (items["junk.html"].reason or "")
    assert items["truncated.pdf"].status == "failed"
    assert "pdf" in (items["truncated.pdf"].reason or "").lower()
    assert items["notreally.pdf"].status == "failed"
    # Failed files that have bytes are still kept as evidence.
    junk_id = items["junk.html"].document_id or ""
    assert sillok.original_bytes(junk_id, archive=archive) == bytes(range(256)) * 40
    assert sillok.show_document(junk_id, archive=archive)["status"] == "failed"
    assert not report.ok
    assert sillok.verify(archive=archive).ok


def test_files_over_the_size_limit(tmp_path: Path, archive: Archive) -> None:
    big = tmp_path / "big.txt"
    big.write_text(GOOD * 200)
    small = tmp_path / "small.txt"
    small.write_text(GOOD)
    report = sillok.ingest_path(big, small, archive=archive, max_file_size="10KB")
    assert [i.status for i in report.items] == ["too-large", "ok"]
    assert "size limit" in (report.items[0].reason or "")
    assert len(sillok.list_documents(archive)) == 1


def test_symlinks_out_of_the_tree_are_not_followed(tmp_path: Path, archive: Archive) -> None:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("Witness identity: not for the archive\n" * 5)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "report.txt").write_text(GOOD)
    (tree / "link.txt").symlink_to(secret)
    (tree / "linkdir").symlink_to(secret.parent, target_is_directory=True)
    report = sillok.ingest_path(tree, archive=archive)
    statuses = {Path(i.source).name: i.status for i in report.items}
    assert statuses == {"report.txt": "ok", "link.txt": "skipped", "linkdir": "skipped"}
    assert all("not followed" in (i.reason or "") for i in report.items if i.status == "skipped")
    texts = [sillok.document_text(d["id"], archive=archive)
             for d in sillok.list_documents(archive)]
    assert not any("Witness identity" in t for t in texts)


def test_a_folder_is_read_in_a_stable_order_with_every_entry_named(tmp_path: Path) -> None:
    # Its files by name, links to folders after them, then each subfolder by name; every
    # entry that is not a plain file is named with the reason it was passed over.
    tree = tmp_path / "tree"
    (tree / "b" / "inner").mkdir(parents=True)
    (tree / "a").mkdir()
    for name in ["z.txt", "A.txt", "b/x.html", "b/inner/y.txt", "a/q.txt"]:
        (tree / name).write_text(GOOD)
    (tree / "m-link.txt").symlink_to(tree / "z.txt")
    (tree / "c-linkdir").symlink_to(tree / "a", target_is_directory=True)
    (tree / "b" / "broken").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tree / "a" / "pipe")
    found = [(os.path.relpath(source, tree), reason.split(":")[0] if reason else None)
             for source, _path, reason in pipeline.collect_files([f"{tree}/"])]
    assert found == [
        ("A.txt", None), ("m-link.txt", f"symbolic link to {tree / 'z.txt'}"),
        ("z.txt", None), ("c-linkdir", f"symbolic link to {tree / 'a'}"),
        ("a/pipe", "not a regular file (device, socket or pipe)"), ("a/q.txt", None),
        ("b/broken", f"symbolic link to {tmp_path / 'nowhere'}"), ("b/x.html", None),
        ("b/inner/y.txt", None)]


def test_unreadable_file(tmp_path: Path, archive: Archive,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD)
    other = tmp_path / "other.txt"
    other.write_text(GOOD + "x")
    if os.geteuid() == 0:
        # root reads anything: make the read itself fail the way the OS would
        real = Path.read_bytes

        def deny(self: Path) -> bytes:
            if self.name == "locked.txt":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", deny)
    else:
        locked.chmod(0)
    report = sillok.ingest_path(locked, other, archive=archive)
    assert [i.status for i in report.items] == ["failed", "ok"]
    assert "permission denied" in (report.items[0].reason or "")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_members_become_children_and_cannot_escape(tmp_path: Path,
                                                       archive: Archive) -> None:
    package = tmp_path / "package.zip"
    package.write_bytes(_zip({"../../escape.txt": b"escaped? " + GOOD.encode(),
                              "/abs/path.txt": b"absolute " + GOOD.encode(),
                              "reports/camp14.txt": GOOD.encode() + b"camp 14"}))
    report = sillok.ingest_path(package, archive=archive)
    assert report.items[0].status == "ok"
    children = sillok.show_document(report.items[0].document_id or "",
                                    archive=archive)["children"]
    assert len(children) == 3
    for child in children:
        parents = sillok.show_document(child["child_id"], archive=archive)["parents"]
        assert parents[0]["parent_id"] == report.items[0].document_id
    # nothing was written outside the archive folder
    assert not (tmp_path / "escape.txt").exists()
    assert not (archive.root.parent / "escape.txt").exists()
    assert not Path("/abs/path.txt").exists()
    assert sillok.verify(archive=archive).ok


def test_zip_bomb_is_capped(tmp_path: Path, archive: Archive) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(_zip({f"zeros{n}.txt": b"0" * (8 * 1024 * 1024) for n in range(4)}))
    assert bomb.stat().st_size < 1024 * 1024
    settings = archive.settings.with_overrides(max_expansion="12MiB", max_file_size="64MiB")
    capped = Archive(settings, archive.engine)
    report = sillok.ingest_path(bomb, archive=capped)
    assert report.items[0].status == "ok"  # the zip itself is kept
    problems = [i for i in report.items if i.status in ("failed", "too-large")]
    assert problems and any("12.0 MiB" in (i.reason or "") or "expan" in (i.reason or "")
                            for i in problems)
    expanded = sum(i.size or 0 for i in report.items[1:] if i.status == "ok")
    assert expanded <= 12 * 1024 * 1024


def test_cli_exit_status_says_whether_anything_failed(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    runner = CliRunner()
    archive = str(tmp_path / "arch")
    ok = runner.invoke(cli, ["--archive", archive, "ingest", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "1 ok" in ok.output
    bad = runner.invoke(cli, ["--archive", archive, "ingest", str(good), str(empty)])
    assert bad.exit_code == 1
    assert "1 skipped-duplicate" in bad.output and "1 failed" in bad.output
    assert "empty.txt: empty file" in bad.output
