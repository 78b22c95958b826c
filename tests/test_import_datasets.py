"""Importers: Korea Future's NKPD, the HRNK camp map (KML and JSON) and partners' CSV
files with a YAML mapping. Facts keep their source, re-import updates, bad rows refuse
the whole file with file, row and reason."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

import sillok
from sillok import export, imports
from sillok.cli import cli as sillok_cli
from sillok.exc import ConfigError
from sillok.imports.tables import imported_records
from sillok.store.archive import Archive
from test_export_fixtures import build_archive

DATA = Path(__file__).resolve().parent / "data" / "imports"
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "data" / "reference"
NKPD = REFERENCE / "nkpd" / "facilities.json"
HRNK = REFERENCE / "hrnk" / "camps.json"


def _count(archive: Archive) -> int:
    with archive.reader() as conn:
        return int(conn.execute(select(func.count()).select_from(imported_records)).scalar_one())


def _imports(archive: Archive) -> list[dict[str, object]]:
    return [e for e in sillok.custody_log(archive=archive) if e["action"] == "import"]


def test_nkpd_import_links_every_record_and_reimport_updates(tmp_path: Path,
                                                            archive: Archive) -> None:
    first = imports.import_nkpd(NKPD, archive=archive)
    assert (first.records, first.created, first.linked, first.unlinked) == (245, 245, 245, [])
    assert first.source.id == "korea-future-nkpd" and first.source.retrieved == "2026-10-01"
    yodok = imports.imported(archive, facility="kwanliso-15", source="korea-future-nkpd")
    assert [r["external_id"] for r in yodok] == ["pfbkfpqvule"]
    assert yodok[0]["record_url"] == "https://nkpd.io/en/entity/pfbkfpqvule"
    assert yodok[0]["source_title"] == "North Korean Prison Database (NKPD)"
    assert yodok[0]["origin"]["file"] == "facilities.json"
    assert yodok[0]["origin"]["where"].startswith("record ")
    again = imports.import_nkpd(NKPD, archive=archive)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 245)
    # a newer copy of the dataset with one record renamed updates that record only
    data = json.loads(NKPD.read_text(encoding="utf-8"))
    data["facilities"][0]["name"] += " (renamed)"
    newer = tmp_path / "facilities.json"
    newer.write_text(json.dumps(data), encoding="utf-8")
    third = imports.import_nkpd(newer, archive=archive)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 244)
    assert _count(archive) == 245
    logged = _imports(archive)
    assert len(logged) == 3
    assert logged[-1]["object_sha256"] == third.file_sha256
    assert logged[-1]["details"]["updated"] == 1


def test_hrnk_json_and_kml_land_on_the_same_records(archive: Archive) -> None:
    from_json = imports.import_hrnk(HRNK, archive=archive)
    assert (from_json.records, from_json.linked, from_json.format) == (24, 24, "hrnk-json")
    from_kml = imports.import_hrnk(DATA / "hrnk_camps.kml", archive=archive,
                                   retrieved="2026-11-01")
    assert from_kml.format == "hrnk-kml"
    assert from_kml.created == 0 and from_kml.records == 3  # same placemarks, updated
    assert _count(archive) == 24
    camp15 = imports.imported(archive, facility="kwanliso-15")[0]
    assert camp15["external_id"] == "Camp 15, Yodok"
    assert camp15["retrieved"] == "2026-11-01"
    assert camp15["origin"]["file"] == "hrnk_camps.kml"
    assert camp15["facts"]["statuses"] == [["operating", "2026-11-01"]]


def test_kml_fixture_import_and_kb_facility_shows_it(tmp_path: Path, archive_path: Path
                                                      ) -> None:
    runner = CliRunner()
    result = runner.invoke(sillok_cli, ["--archive", str(archive_path), "import", "hrnk",
                                        str(DATA / "hrnk_camps.kml"), "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert (summary["ok"], summary["records"], summary["linked"]) == (True, 3, 3)
    assert summary["source"] == "hrnk-camp-map" and summary["retrieved"] is None
    shown = runner.invoke(sillok_cli, ["kb", "facility", "Camp 14", "--archive",
                                       str(archive_path), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    facility = json.loads(shown.output)[0]
    assert facility["id"] == "kwanliso-14"
    assert [r["external_id"] for r in facility["imported"]] == ["Camp 14, Kaechon"]
    assert facility["imported"][0]["facts"]["estimate"] == [15000, 15000]
    plain = runner.invoke(sillok_cli, ["kb", "facility", "Camp 14", "--format", "json"])
    assert "imported" not in json.loads(plain.output)[0]  # no archive, no archive records
    listed = runner.invoke(sillok_cli, ["--archive", str(archive_path), "import", "list",
                                        "--format", "json"])
    assert sorted(r["facility_id"] for r in json.loads(listed.output)) == [
        "kwanliso-14", "kwanliso-15", "kyohwaso-1"]


def test_bad_records_refuse_the_whole_file(tmp_path: Path, archive: Archive) -> None:
    bad = tmp_path / "nkpd.json"
    bad.write_text(json.dumps({"scrapedAt": "2024-01-01", "facilities": [
        {"id": "ok1", "name": "Hoeryong County MSS Detention Centre",
         "type": "Detention Centre", "agency": "Ministry of State Security"},
        {"id": "bad1", "name": "Somewhere", "type": "Spaceport"},
        {"id": "bad2", "name": "Elsewhere Detention Centre", "type": "Detention Centre",
         "lat": "north", "lon": 129.0},
    ]}), encoding="utf-8")
    with pytest.raises(imports.ImportFailed) as failed:
        imports.import_nkpd(bad, archive=archive)
    problems = failed.value.problems
    assert [(p.file, p.where) for p in problems] == [("nkpd.json", "record 2"),
                                                     ("nkpd.json", "record 3")]
    assert "unknown type 'Spaceport'" in problems[0].reason
    assert "lat 'north' is not a number" in problems[1].reason
    assert "nothing imported" in str(failed.value)
    assert _count(archive) == 0 and _imports(archive) == []
    kml = tmp_path / "broken.kml"
    kml.write_text((DATA / "hrnk_camps.kml").read_text(encoding="utf-8").replace(
        "126.0621556,39.5717058,0", "east,north"), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken.kml placemark 2: coordinates 'east,north'"):
        imports.import_hrnk(kml, archive=archive)
    assert _count(archive) == 0


def test_csv_facilities_with_a_mapping(tmp_path: Path, archive: Archive) -> None:
    result = imports.import_csv(DATA / "facilities.csv", DATA / "facilities.yml",
                                archive=archive)
    assert (result.records, result.created, result.linked) == (3, 3, 2)
    assert result.unlinked == ["F-3"]
    assert result.source.title == "Example NGO facility list (test data)"
    records = {r["external_id"]: r for r in imports.imported(archive)}
    yodok = records["F-1"]
    assert (yodok["facility_id"], yodok["kind"], yodok["source"]) == (
        "kwanliso-15", "facility", "example-ngo-facilities")
    assert yodok["facts"]["names"] == ["Yoduk", "요덕"]
    assert (yodok["facts"]["lat"], yodok["facts"]["status"]) == (39.6742, "operating")
    assert yodok["facts"]["agency"] == "ministry-of-state-security"
    assert yodok["facts"]["row"]["Ref"] == "F-1"  # the original row, as given
    assert yodok["record_url"] == "https://example.org/f/1"
    assert yodok["retrieved"] == "2024-05-01"
    assert yodok["origin"]["where"] == "row 1 (line 2) (id F-1)"
    assert records["F-2"]["facility_id"] == "kyohwaso-12"
    changed = tmp_path / "facilities.csv"
    changed.write_text((DATA / "facilities.csv").read_text(encoding="utf-8").replace(
        "Jongo-ri prison", "Jongori prison"), encoding="utf-8")
    again = imports.import_csv(changed, DATA / "facilities.yml", archive=archive)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert _count(archive) == 3


def test_csv_incidents_link_facilities_and_violations(tmp_path: Path, archive: Archive
                                                      ) -> None:
    runner = CliRunner()
    result = runner.invoke(sillok_cli, [
        "--archive", str(archive.root), "import", "csv", str(DATA / "incidents.csv"),
        "--mapping", str(DATA / "incidents.yml")])
    assert result.exit_code == 0, result.output
    assert "Imported 3 record(s)" in result.output
    records = {r["external_id"]: r for r in imports.imported(archive, kind="incident")}
    assert records["I-001"]["facility_id"] == "kwanliso-15"
    assert records["I-001"]["facts"]["violations"] == ["torture", "forced-labour"]
    assert records["I-001"]["facts"]["date"] == "2001-03"
    assert records["I-002"]["facility_id"] == "kyohwaso-12"
    assert records["I-003"]["facility_id"] is None  # kept, with the name as given
    assert records["I-003"]["facts"]["facility"] == "Somewhere unknown"


def test_csv_bad_rows_are_named_and_nothing_is_imported(tmp_path: Path,
                                                        archive: Archive) -> None:
    bad = tmp_path / "incidents.csv"
    bad.write_text("Case,Camp,Abuse,When,Where,Summary\n"
                   "I-1,Yodok,torture,2001,,fine\n"
                   ",Yodok,torture,2001,,no id\n"
                   "I-3,Yodok,tickling,2001,,unknown violation\n"
                   "I-4,Yodok,torture,last spring,,bad date\n"
                   "I-1,Yodok,torture,2002,,same id again\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(sillok_cli, [
        "--archive", str(archive.root), "import", "csv", str(bad), "--mapping",
        str(DATA / "incidents.yml"), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False
    found = [(p["where"].split(" (")[0], p["reason"]) for p in report["problems"]]
    assert found[0] == ("row 2", "the id column 'Case' is empty")
    assert found[1][0] == "row 3" and "unknown violation 'tickling'" in found[1][1]
    assert "values.violations in incidents.yml" in found[1][1]
    assert found[2][0] == "row 4" and "'last spring' is not a date" in found[2][1]
    assert found[3][0] == "row 5" and "appears again (first at row 1" in found[3][1]
    assert all(p["file"] == "incidents.csv" for p in report["problems"])
    assert _count(archive) == 0 and _imports(archive) == []


def test_every_problem_in_a_csv_row_is_reported(tmp_path: Path, archive: Archive) -> None:
    incidents = tmp_path / "incidents.csv"
    incidents.write_text("Case,Camp,Abuse,When,Where,Summary\n"
                         "I-1,Yodok,torture;tickling,last spring,,too many cells,X,Y\n",
                         encoding="utf-8")
    with pytest.raises(imports.ImportFailed) as failed:
        imports.import_csv(incidents, DATA / "incidents.yml", archive=archive)
    found = {(p.where, p.column): p.reason for p in failed.value.problems}
    assert set(found) == {("row 1 (line 2)", None), ("row 1 (line 2)", "Abuse"),
                          ("row 1 (line 2)", "When")}
    assert found["row 1 (line 2)", None] == "2 more cell(s) than the header has columns"
    assert "unknown violation 'tickling'" in found["row 1 (line 2)", "Abuse"]
    assert "'last spring' is not a date" in found["row 1 (line 2)", "When"]
    assert "3 problem(s) in 1 record(s)" in str(failed.value)
    assert "row 1 (line 2), column 'When': date 'last spring'" in str(failed.value)

    facilities = tmp_path / "facilities.csv"
    facilities.write_text(
        "Ref,Facility name,Kind,No,Other names,Province,Latitude,Longitude,State,Run by,"
        "Source page\n"
        ",Atlantis Camp,Spaceport,15,,,north,126.8,shut,Ministry of Fun,,extra\n",
        encoding="utf-8")
    with pytest.raises(imports.ImportFailed) as failed:
        imports.import_csv(facilities, DATA / "facilities.yml", archive=archive)
    columns = [p.column for p in failed.value.problems]
    assert columns == [None, "Ref", "Kind", "Latitude", "State", "Run by"]
    assert _count(archive) == 0 and _imports(archive) == []


def test_mapping_errors_name_the_file_and_the_fix(tmp_path: Path, archive: Archive) -> None:
    mapping = tmp_path / "map.yml"
    mapping.write_text("source: {id: x}\nkind: incident\ncolumns: {id: Case, facility: Prison}\n",
                       encoding="utf-8")
    with pytest.raises(ConfigError, match=r"names columns the file does not have "
                                          r"\(facility -> 'Prison'\)"):
        imports.import_csv(DATA / "incidents.csv", mapping, archive=archive)
    mapping.write_text("source: {id: x}\nkind: incident\ncolumns: {facility: Camp}\n",
                       encoding="utf-8")
    with pytest.raises(ConfigError, match=r"map\.yml: columns must name the CSV column of id"):
        imports.import_csv(DATA / "incidents.csv", mapping, archive=archive)
    mapping.write_text("kind: incident\ncolumns: {id: Case}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"source\.id is required"):
        imports.import_csv(DATA / "incidents.csv", mapping, archive=archive)
    copy = tmp_path / "latin1.csv"
    shutil.copy(DATA / "incidents.csv", copy)
    copy.write_bytes(copy.read_bytes() + "I-9,Yodok,torture,2001,,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="is not utf-8-sig text"):
        imports.import_csv(copy, DATA / "incidents.yml", archive=archive)


def test_dossier_shows_imported_records_with_their_source(tmp_path: Path,
                                                          archive: Archive) -> None:
    build_archive(tmp_path, archive)
    imports.import_hrnk(DATA / "hrnk_camps.kml", archive=archive, retrieved="2024-05-01")
    imports.import_csv(DATA / "incidents.csv", DATA / "incidents.yml", archive=archive)
    page, _json, result = export.dossier("kwanliso-15", tmp_path / "d.html", archive=archive)
    assert [(r["source"], r["external_id"]) for r in result.imported] == [
        ("example-ngo-incidents", "I-001"), ("hrnk-camp-map", "Camp 15, Yodok")]
    html = page.read_text(encoding="utf-8")
    assert "Example NGO incident list (test data)" in html
    assert "record <code>Camp 15, Yodok</code>" in html
