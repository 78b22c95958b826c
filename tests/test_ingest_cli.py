"""The archive commands under review: DOC resolution in `text`, files that never became
documents (`list --problems`, `show PATH`), and the progress bar on a terminal."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from sillok.cli import archive_cmds, cli
from sillok.exc import SillokError

GOOD = ("Former detainees said guards at the holding centre beat them and gave them almost "
        "no food during interrogation.\n")


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    err = result.stderr
    if isinstance(result.exception, SillokError):  # `main` prints these as one line
        err += f"Error: {result.exception}"
    return result.exit_code, result.stdout, err


def test_text_prefers_the_archive_document_over_a_local_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = str(tmp_path / "arch")
    monkeypatch.chdir(tmp_path)
    Path("report.txt").write_text("Archived: " + GOOD)
    assert _run("--archive", archive, "ingest", "report.txt")[0] == 0
    # the local file changes after ingest; `text` and `show` must both mean the archive's
    Path("report.txt").write_text("Edited later on this laptop.\n")
    code, out, err = _run("--archive", archive, "text", "report.txt")
    assert code == 0
    assert out.startswith("Archived:") and "Edited later" not in out
    assert "not in the archive" not in err
    shown = json.loads(_run("--archive", archive, "show", "report.txt", "--format", "json")[1])
    assert shown["original_name"] == "report.txt"


def test_text_reads_a_local_file_only_when_the_archive_has_nothing(tmp_path: Path) -> None:
    archive = str(tmp_path / "arch")
    inside = tmp_path / "inside.txt"
    inside.write_text("Inside: " + GOOD)
    assert _run("--archive", archive, "ingest", str(inside))[0] == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("Outside: " + GOOD)
    code, out, err = _run("--archive", archive, "text", str(outside))
    assert code == 0 and out.startswith("Outside:")
    assert f"{outside} is not in the archive; reading the file directly" in err
    # no such document and no such file: a clear error
    code, _out, err = _run("--archive", archive, "text", str(tmp_path / "missing.txt"))
    assert code == 1 and "no document matches" in err


def test_files_that_never_became_documents_are_listed_and_explained(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "link.txt").symlink_to("/etc/hostname")
    (folder / "junk.html").write_bytes(bytes(range(256)) * 8)
    archive = str(tmp_path / "arch")
    assert _run("--archive", archive, "ingest", str(folder))[0] == 1

    code, out, _err = _run("--archive", archive, "list", "--problems", "--format", "json")
    assert code == 0
    found = {Path(f["source"]).name: f for f in json.loads(out)}
    assert set(found) == {"empty.txt", "link.txt", "junk.html"}
    assert found["empty.txt"]["status"] == "failed"
    assert "empty file" in found["empty.txt"]["reason"]
    assert found["link.txt"]["status"] == "skipped"
    assert "not followed" in found["link.txt"]["reason"]
    assert found["junk.html"]["document_id"]  # a failed file with bytes is still kept
    assert all(f["run_id"] == 1 for f in found.values())

    code, out, _err = _run("--archive", archive, "list", "--problems")
    assert code == 0 and "empty.txt" in out and "link.txt" in out

    code, _out, err = _run("--archive", archive, "show", str(folder / "empty.txt"))
    assert code == 1
    assert (f"{folder / 'empty.txt'} was not stored: failed: empty file (0 bytes): nothing "
            "to keep (run 1)") in " ".join(err.split())


def test_progress_bar_and_summary_on_a_terminal(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(archive_cmds, "stderr",
                        Console(file=screen, force_terminal=True, width=120))
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"report-{n}.txt").write_text(f"Report {n}. " + GOOD)
    code, out, _err = _run("--archive", str(tmp_path / "arch"), "ingest", str(folder))
    assert code == 0
    bar = screen.getvalue()
    assert "ingest" in bar and "━" in bar and "3/3" in bar
    assert "report-2.txt" in bar
    assert "Ingested 3 item(s): 3 ok" in out
    assert "documents/s" in out and "Elapsed" in out


def test_no_progress_bar_when_not_a_terminal(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    screen = io.StringIO()
    monkeypatch.setattr(archive_cmds, "stderr", Console(file=screen, force_terminal=False))
    (tmp_path / "one.txt").write_text(GOOD)
    code, out, _err = _run("--archive", str(tmp_path / "arch"), "ingest",
                           str(tmp_path / "one.txt"))
    assert code == 0 and "1 ok" in out
    assert "━" not in screen.getvalue()
