"""Facility dossier: HTML with its JSON twin, every citation an exact span."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import sillok
from sillok import export
from sillok.cli import cli as sillok_cli
from sillok.exc import DocumentNotFound
from sillok.store.archive import Archive
from test_export_fixtures import build_archive


def test_dossier_cites_exact_spans_and_has_a_json_twin(tmp_path: Path,
                                                       archive: Archive) -> None:
    built = build_archive(tmp_path, archive)
    html_path, json_path, _ = export.dossier("kwanliso-15", tmp_path / "camp15.html",
                                             archive=archive)
    twin = json.loads(json_path.read_text(encoding="utf-8"))
    page = html_path.read_text(encoding="utf-8")
    yodok = built["yodok.txt"]
    text = sillok.document_text(yodok, archive=archive)
    assert twin["facility"]["id"] == "kwanliso-15"
    assert twin["facility"]["agency"] == "ministry-of-state-security"
    assert [d["id"] for d in twin["documents"]] == [yodok]
    assert {v["violation"] for v in twin["violations"]} == {"torture", "forced-labour"}
    for item in twin["violations"] + twin["claims"]:
        assert text[item["start"]:item["end"]] == item["text"]
        assert text[:item["start"]].endswith(item["before"])
        assert text[item["end"]:].startswith(item["after"])
        assert f"characters {item['start']}–{item['end']}" in page
        assert f"<mark>{item['text']}</mark>" in page
    assert twin["claims"] == []  # the KINU figure is about kwanliso in general
    assert "Rome Statute art. 7(1)(f)" in page
    last = sillok.custody_log(archive=archive)[-1]
    assert (last["action"], last["object_type"], last["object_id"]) == (
        "export", "dossier", "dossier/kwanliso-15")


def test_dossier_figures_and_escaping(tmp_path: Path, archive: Archive) -> None:
    build_archive(tmp_path, archive)
    _html, _json, result = export.dossier("kwanliso-16", tmp_path / "c16.html",
                                          archive=archive)
    claim = result.claims[0]
    assert (claim["low"], claim["high"], claim["attributed_to"]) == (20000, None, ["hrnk"])
    assert "more than 20,000" in _html.read_text(encoding="utf-8")
    _html, _json, _ = export.dossier("kyohwaso-12", tmp_path / "k12.html", archive=archive)
    page = _html.read_text(encoding="utf-8")
    assert '=HYPERLINK("http' not in page  # quoted context is escaped
    assert "=HYPERLINK(&quot;http" in page
    with pytest.raises(DocumentNotFound, match="kwanliso-99"):
        export.dossier("kwanliso-99", tmp_path / "none.html", archive=archive)


def test_dossier_command(tmp_path: Path, archive_path: Path, archive: Archive) -> None:
    build_archive(tmp_path, archive)
    out = tmp_path / "d" / "camp15.html"
    done = CliRunner().invoke(sillok_cli, ["--archive", str(archive_path), "dossier",
                                           "Yodok", "--html", str(out)])
    assert done.exit_code == 0, done.output
    assert out.is_file() and out.with_suffix(".json").is_file()
    assert "1 document(s)" in done.output
