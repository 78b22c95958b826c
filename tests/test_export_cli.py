"""The sharing commands: package, verify-package, export, import-jsonl."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import sillok
from sillok.cli import cli as sillok_cli
from sillok.store.archive import Archive
from test_export_fixtures import build_archive

COMMANDS = ("package", "verify-package", "export", "import-jsonl")


def _group() -> click.Group:
    """``sillok`` itself."""
    return sillok_cli


@pytest.fixture
def built(tmp_path: Path, archive: Archive) -> dict[str, str]:
    return build_archive(tmp_path, archive)


def test_package_then_verify_package(tmp_path: Path, archive_path: Path,
                                     built: dict[str, str]) -> None:
    runner = CliRunner()
    out = tmp_path / "pkg"
    done = runner.invoke(_group(), ["--archive", str(archive_path), "package", str(out),
                                    "--facility", "kwanliso-15", "--organization", "NGO"])
    assert done.exit_code == 0, done.output
    assert "Packaged 1 document(s)" in done.output
    done = runner.invoke(_group(), ["verify-package", str(out)])
    assert done.exit_code == 0, done.output
    assert "Package OK" in done.output
    (out / "data" / "originals" / built["yodok.txt"]).write_bytes(b"forged")
    done = runner.invoke(_group(), ["verify-package", str(out), "--format", "json"])
    assert done.exit_code == 1
    report = json.loads(done.output)
    assert not report["ok"]
    assert f"data/originals/{built['yodok.txt']}" in {p["where"] for p in report["problems"]}


def test_package_json_and_archive_option_after_the_command(
        tmp_path: Path, archive_path: Path, built: dict[str, str]) -> None:
    out = tmp_path / "pkg"
    done = CliRunner().invoke(_group(), ["package", str(out), "-d", "yodok.txt", "-d",
                                         "hwasong.md", "--archive", str(archive_path),
                                         "--format", "json"])
    assert done.exit_code == 0, done.output
    result = json.loads(done.output)
    assert result["documents"] == 2 and result["path"] == str(out.absolute())
    log = sillok.custody_log(archive=archive_path)
    assert log[-1]["action"] == "export" and log[-1]["seq"] == result["custody_seq"]


def test_export_and_import_jsonl(tmp_path: Path, archive_path: Path,
                                 built: dict[str, str]) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    done = runner.invoke(_group(), ["--archive", str(archive_path), "export", str(out),
                                    "--format", "jsonl", "--originals", "base64"])
    assert done.exit_code == 0, done.output
    assert "Exported 6 documents" in done.output
    fresh = tmp_path / "fresh"
    done = runner.invoke(_group(), ["--archive", str(fresh), "import-jsonl", str(out),
                                    "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["imported"] == 6
    done = runner.invoke(_group(), ["--archive", str(archive_path), "export",
                                    str(tmp_path / "csv"), "--format", "csv", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["counts"]["claims"] == 2


def test_import_of_a_damaged_export_exits_non_zero(tmp_path: Path, archive_path: Path,
                                                   built: dict[str, str]) -> None:
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(_group(), ["--archive", str(archive_path), "export", str(out),
                                    "-d", "yodok.txt"]).exit_code == 0
    original = out / "originals" / built["yodok.txt"]
    original.write_bytes(original.read_bytes() + b"!")
    done = runner.invoke(_group(), ["--archive", str(tmp_path / "fresh"), "import-jsonl",
                                    str(out)])
    assert done.exit_code == 1
    assert "does not match its SHA-256" in done.output


def test_every_sharing_command_has_help() -> None:
    group = _group()
    context = click.Context(group)
    for name in COMMANDS:
        command = group.get_command(context, name)
        assert command is not None and (command.help or "").strip(), name


def test_every_sharing_command_is_documented() -> None:
    docs = (Path(__file__).resolve().parents[1] / "docs" / "export.md").read_text(
        encoding="utf-8")
    for name in COMMANDS:
        assert f"sillok {name}" in docs, name
