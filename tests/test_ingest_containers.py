"""Containers under review: unsafe member names are warnings, zip bombs are refused on
their compression ratio at the default caps, WARC captures keep capture time apart from
the publication date, and short captured pages lose their navigation."""

from __future__ import annotations

import io
import json
from pathlib import Path

from click.testing import CliRunner

import sillok
from fixtures_formats import lie_about_sizes, make_warc, make_zip, make_zip_bomb
from sillok.cli import cli
from sillok.ingest.base import Limits, Parsed
from sillok.ingest.containers import BOMB_FLOOR, CHUNK, _Budget, parse_zip
from sillok.settings import Settings
from sillok.store.archive import Archive

MiB = 1024 * 1024
GOOD = ("Former detainees said guards at the holding centre beat them and gave them almost "
        "no food during interrogation.\n")
DEFAULTS = Settings(archive=Path("unused"))
LIMITS = Limits(DEFAULTS.max_file_size, DEFAULTS.max_expansion, DEFAULTS.max_members,
                DEFAULTS.max_depth)


def test_unsafe_member_name_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    package = tmp_path / "package.zip"
    package.write_bytes(make_zip([("../../x.txt", GOOD.encode()),
                                  ("ok.txt", b"fine " + GOOD.encode())]))
    archive = str(tmp_path / "arch")
    result = CliRunner().invoke(cli, ["--archive", archive, "ingest", str(package)])
    assert result.exit_code == 0, result.output
    assert "failed" not in result.output
    assert "unsafe member name '../../x.txt' stored as 'x.txt'" in result.output

    report = json.loads(CliRunner().invoke(
        cli, ["--archive", archive, "ingest", "--format", "json", str(package)]).output)
    assert report["counts"] == {"skipped-duplicate": 1}  # the zip again; nothing failed
    found = sillok.api.problem_items(archive)
    [warned] = [f for f in found if f["source"].endswith("!x.txt")]
    assert warned["status"] == "ok"
    assert warned["reason"] == "unsafe member name '../../x.txt' stored as 'x.txt'"
    doc = sillok.show_document(warned["document_id"], archive=archive)
    assert doc["original_name"] == "x.txt" and doc["metadata"]["unsafe_name"] is True


def test_zip_bomb_at_the_default_caps_is_refused_before_reading(
        tmp_path: Path, archive: Archive) -> None:
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(make_zip_bomb(size=4 * BOMB_FLOOR, members=5))  # 5 x 32 MiB of zeros
    assert bomb.stat().st_size < MiB
    assert archive.settings.max_expansion == DEFAULTS.max_expansion  # 2 GiB: not the cap
    report = sillok.ingest_path(bomb, archive=archive)
    assert report.items[0].status == "ok"  # the zip itself is kept as evidence
    refused = [i for i in report.items if i.status == "failed"]
    assert len(refused) == 5
    assert all("suspected zip bomb" in (i.reason or "") for i in refused)
    assert not [i for i in report.items[1:] if i.status == "ok"]  # no member stored
    assert not report.ok
    # all five are listed by `list --problems`, though they share the zip's source path
    listed = sillok.api.problem_items(archive)
    assert [p["source"] for p in listed] == [str(bomb)] * 5
    assert all("suspected zip bomb" in p["reason"] for p in listed)


def test_zip_bomb_lying_about_its_size_is_not_stored() -> None:
    liar = lie_about_sizes(make_zip([("zeros.bin", bytes(6 * BOMB_FLOOR))]), declared=100)
    parsed = parse_zip(liar, "liar.zip", LIMITS)
    assert parsed.children == []
    assert any("'zeros.bin' skipped" in w for w in parsed.warnings)


def test_reading_a_member_stops_as_soon_as_it_passes_the_ratio() -> None:
    parsed = Parsed(media_type="application/zip")
    budget = _Budget(parsed, LIMITS, "zip archive")
    stream = io.BytesIO(bytes(4 * BOMB_FLOOR))
    assert budget.read(stream, "zeros.bin", compressed=10_000) is None
    # stopped one chunk past the floor, not at the end of the member
    assert stream.tell() <= BOMB_FLOOR + CHUNK
    assert any("suspected zip bomb" in w and "'zeros.bin'" in w for w in parsed.warnings)


def test_highly_compressible_small_member_is_still_kept() -> None:
    small = make_zip([("spaces.txt", GOOD.encode() + b" " * (2 * MiB))])
    parsed = parse_zip(small, "small.zip", LIMITS)
    assert [c.name for c in parsed.children] == ["spaces.txt"]
    assert parsed.warnings == []


SHORT_PAGE = b"""<html><head><title>Camp 16 notice</title></head><body>
<nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/donate">Donate</a></nav>
<main><h1>Camp 16 notice</h1><p>A former guard said prisoners at Camp 16 were forced to dig
tunnels.</p></main><footer>&copy; 2024 Example NGO</footer></body></html>"""


def _captured(tmp_path: Path, archive: Archive, body: bytes) -> dict[str, object]:
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(make_warc([("https://ngo.example/notice", 200, "text/html", body)]))
    report = sillok.ingest_path(warc, archive=archive)
    [child] = [i for i in report.items if i.parent_id]
    return sillok.show_document(child.document_id or "", archive=archive)


def test_warc_capture_time_is_not_the_publication_date(tmp_path: Path,
                                                       archive: Archive) -> None:
    doc = _captured(tmp_path, archive, SHORT_PAGE)
    assert doc["metadata"]["captured_at"] == "2024-02-01T08:15:00+00:00"
    assert doc["published"] is None  # the page states no date (not even the © year)
    dated = SHORT_PAGE.replace(b"</head>", b'<meta property="article:published_time" '
                               b'content="2023-11-20T09:00:00Z"></head>')
    assert _captured(tmp_path, archive, dated)["published"] == "2023-11-20"


def test_short_captured_page_loses_its_navigation(tmp_path: Path, archive: Archive) -> None:
    doc = _captured(tmp_path, archive, SHORT_PAGE)
    text = sillok.document_text(str(doc["id"]), archive=archive)
    assert "forced to dig" in text
    for chrome in ("Home", "About", "Donate", "Example NGO"):
        assert chrome not in text
