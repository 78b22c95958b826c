"""Importing interview records from CSV and Excel with a mapping file: all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import textwrap
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from sillok import testimony as t
from sillok.store.archive import Archive
from sillok.testimony.tables import testimonies, witnesses
from testimony_support import new_vault

MAPPING = textwrap.dedent("""\
    columns:
      interview_date: Date of interview
      interview_place: Place
      interviewer: Interviewer
      witness_name: Name
      birth_year: Born
      contacts: Phone
      relatives: Family in DPRK
      consent: Consent
      identity_consent: Named?
      risk_level: Risk
      statement: Summary
      files: Recording
      facilities: Facilities
      witness_id: Witness
    date_format: "%d/%m/%Y"
    list_separator: ";"
    values:
      consent: {UN: un-sharing, internal: internal-analysis, court: criminal-proceedings,
                publish: publication}
      identity_consent: {yes: named, no: anonymised}
      risk_level: {H: high, M: medium, L: low}
    defaults:
      risk_level: high
    """)
HEADER = ["Date of interview", "Place", "Interviewer", "Name", "Born", "Phone",
          "Family in DPRK", "Consent", "Named?", "Risk", "Summary", "Recording", "Facilities",
          "Witness"]
GOOD = [
    ["02/03/2024", "Seoul", "Park", "Ahn Gyong-ja", "1969", "010-1111-2222",
     "Ahn Bok-sil (mother, Onsong)", "UN; internal", "no", "H",
     "I was held at Chongori from 2009 to 2011 and beaten.", "", "Chongori", ""],
    ["15/04/2024", "Busan", "Park", "Baek Chol-su", "1980", "", "", "internal", "yes", "M",
     "Forced labour at Yodok in 1995.", "tape.wav", "kwanliso-15", ""],
]


@pytest.fixture
def vault(archive: Archive) -> t.Vault:
    return new_vault(archive)


def _write(tmp_path: Path, rows: list[list[str]], name: str = "interviews.csv") -> Path:
    path = tmp_path / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    (tmp_path / "mapping.yml").write_text(MAPPING, encoding="utf-8")
    (tmp_path / "tape.wav").write_bytes(b"RIFF audio of Baek")
    return path


def _counts(archive: Archive) -> tuple[int, int, int]:
    with archive.reader() as conn:
        stored = conn.execute(select(func.count()).select_from(testimonies)).scalar_one()
        people = conn.execute(select(func.count()).select_from(witnesses)).scalar_one()
    blobs = [p for p in (archive.root / "testimony-files").rglob("*") if p.is_file()] \
        if (archive.root / "testimony-files").exists() else []
    return stored, people, len(blobs)


def test_csv_rows_become_encrypted_testimonies(archive: Archive, vault: t.Vault,
                                               tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    results = t.import_testimonies(archive, vault, path, tmp_path / "mapping.yml", user="o")
    assert [n for n, _ in results] == [2, 3]
    assert _counts(archive) == (2, 2, 1)
    first = t.view_testimony(archive, vault, results[0][1].testimony_id, user="i",
                             role="investigator", purpose="un-sharing")
    assert first["interview"]["date"] == "2024-03-02"
    assert first["identity"]["relatives"] == [
        {"name": "Ahn Bok-sil", "relation": "mother", "whereabouts": "Onsong"}]
    assert first["consent"]["scopes"] == ["internal-analysis", "un-sharing"]
    assert first["risk_level"] == "high"
    second = results[1][1]
    assert "kwanliso-15" in second.facilities and len(second.files) == 1
    assert "1995" in second.periods


def test_bad_rows_are_all_reported_and_nothing_is_imported(archive: Archive, vault: t.Vault,
                                                           tmp_path: Path) -> None:
    bad = [GOOD[0],
           ["31/02/2024", "Seoul", "Park", "", "19x9", "", "", "UN; gossip", "no", "H", "", "",
            "", ""],
           [*GOOD[1][:11], "missing.wav", "Atlantis Camp", ""]]
    path = _write(tmp_path, bad)
    with pytest.raises(t.ImportFailed) as caught:
        t.import_testimonies(archive, vault, path, tmp_path / "mapping.yml", user="o")
    errors = {(e.row, e.column) for e in caught.value.errors}
    assert {(3, "Date of interview"), (3, "Name"), (3, "Born"), (3, "Consent"),
            (3, "Summary"), (4, "Recording"), (4, "Facilities")} <= errors
    message = str(caught.value)
    assert "row 3, column 'Consent': unknown scope 'gossip'" in message
    assert "row 4, column 'Facilities': 'Atlantis Camp' is not a facility" in message
    assert "nothing was imported" in message
    assert _counts(archive) == (0, 0, 0)


def test_every_problem_in_a_row_is_reported_at_once(archive: Archive, vault: t.Vault,
                                                    tmp_path: Path) -> None:
    # One row, four independent mistakes: none may hide another.
    row = ["30/02/2024", "Seoul", "Park", "Choe Myong-hui", "1975", "", "", "UN; gossip", "no",
           "extreme", "I was held at a camp.", "", "Atlantis Camp; Chongori", ""]
    with pytest.raises(t.ImportFailed) as caught:
        t.import_testimonies(archive, vault, _write(tmp_path, [GOOD[0], row]),
                             tmp_path / "mapping.yml", user="o")
    problems = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert set(problems) == {(3, "Date of interview"), (3, "Consent"), (3, "Risk"),
                             (3, "Facilities")}
    assert "'30/02/2024' does not match the date format" in problems[3, "Date of interview"]
    assert "unknown scope 'gossip'" in problems[3, "Consent"]
    assert "'extreme' is not one of low, medium, high" in problems[3, "Risk"]
    assert "'Atlantis Camp' is not a facility" in problems[3, "Facilities"]
    assert "4 problem(s), nothing was imported" in str(caught.value)
    assert _counts(archive) == (0, 0, 0)


def test_a_failure_while_storing_rolls_everything_back(archive: Archive, vault: t.Vault,
                                                       tmp_path: Path) -> None:
    # Row 3 passes validation but names a witness that does not exist: found while
    # storing, after row 2 and its recording were written inside the transaction.
    rows = [GOOD[1], [*GOOD[0][:13], "W-ZZZZ-ZZZZ"]]
    with pytest.raises(t.ImportFailed, match=r"row 3.*no witness W-ZZZZ-ZZZZ"):
        t.import_testimonies(archive, vault, _write(tmp_path, rows), tmp_path / "mapping.yml",
                             user="o")
    assert _counts(archive) == (0, 0, 0)


def test_unknown_columns_and_mapping_errors(archive: Archive, vault: t.Vault,
                                            tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)
    (tmp_path / "renamed.yml").write_text(MAPPING.replace("Place", "Location"))
    with pytest.raises(t.ImportFailed, match="row 1, column 'Location': no such column"):
        t.import_testimonies(archive, vault, path, tmp_path / "renamed.yml", user="o")
    (tmp_path / "typo.yml").write_text(MAPPING.replace("interviewer:", "interviewr:"))
    with pytest.raises(t.InvalidTestimony, match="unknown field 'interviewr'"):
        t.import_testimonies(archive, vault, path, tmp_path / "typo.yml", user="o")


def test_excel_workbooks_import_with_real_dates(archive: Archive, vault: t.Vault,
                                                tmp_path: Path) -> None:
    _write(tmp_path, [])
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Interviews"
    sheet.append(HEADER)
    sheet.append([dt.datetime(2023, 11, 5), "Seoul", "Park", "Choe Myong-nam", 1975, None,
                  None, "court;internal", "no", "L", "Beaten at Chongori in 2015.", None,
                  None, None])
    sheet.append([None] * len(HEADER))  # blank rows are skipped
    path = tmp_path / "interviews.xlsx"
    book.save(path)
    (tmp_path / "xl.yml").write_text(MAPPING + "sheet: Interviews\n")
    ((row, result),) = t.import_testimonies(archive, vault, path, tmp_path / "xl.yml", user="o")
    assert row == 2
    listed = t.list_testimonies(archive, user="a", role="analyst",
                                purpose="criminal-proceedings")
    (item,) = listed["testimonies"]
    assert item["interview"]["date"] == "2023-11-05" and item["risk_level"] == "low"
    assert item["id"] == result.testimony_id


def test_korean_excel_csv_encoding_is_read(archive: Archive, vault: t.Vault,
                                           tmp_path: Path) -> None:
    path = _write(tmp_path, [])
    row = ["02/03/2024", "서울", "박지원", "안경자", "1969", "", "", "internal", "no", "H",
           "2009년부터 2011년까지 전거리 교화소에 수감되었다.", "", "", ""]
    content = ",".join(HEADER) + "\n" + ",".join(row) + "\n"
    path.write_bytes(content.encode("cp949"))
    ((_, result),) = t.import_testimonies(archive, vault, path, tmp_path / "mapping.yml",
                                          user="o")
    assert "2009-2011" in result.periods
