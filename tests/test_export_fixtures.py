"""A small real archive for the export and package tests.

Three reports, a zip with two members (one named to climb out of any folder),
ingested through ``sillok.ingest_path``. Extractions come from the real extractor
when it is installed (``sillok.extract.extract_text``); otherwise, and in any case
for the reports whose facts the tests check, hand-written extraction JSON in the
shared format is stored through the same store function ``api.extract`` uses, with
spans located in the archive's own clean text so ``text[start:end] == text`` holds.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import sillok
from sillok.store import extractions, queries
from sillok.store.archive import Archive

YODOK = """Testimony on Camp 15, Yodok

A former prisoner held at Yodok from 1999 to 2003 described daily life in the camp.
Guards beat prisoners who failed to meet their labour quotas, and she was forced to work
in the gypsum mine for twelve hours a day. Rations were a handful of corn.

According to KINU's most recent estimate in 2013, between 80,000 and 120,000 people are
held in the kwanliso political prison camps.
"""

HWASONG = """# Camp 16, Hwasong: satellite imagery update

Imagery from 2021 shows new guard posts around Camp 16 in North Hamgyong. Former guards
report public executions at the camp. More than 20,000 prisoners are believed to be held
at Hwasong, according to HRNK.
"""

KYOHWASO = """Detention at Jongo-ri

=HYPERLINK("http://example.invalid","click") is how a spreadsheet formula looks.
Women held at Kyohwaso No. 12 at Jongo-ri describe starvation rations and beatings
during interrogation by the Ministry of Social Security.
"""

EXTRACTOR = "fixture-extractor@1"


def _mentions(text: str, *phrases: str) -> list[dict[str, Any]]:
    found = []
    for phrase in phrases:
        start = text.find(phrase)
        assert start >= 0, f"{phrase!r} not in the clean text"
        found.append({"start": start, "end": start + len(phrase), "text": phrase})
    return found


def _claim(text: str, phrase: str, **fields: Any) -> dict[str, Any]:
    span = _mentions(text, phrase)[0]
    return {"subject": fields["subject"], "measure": fields["measure"],
            "low": fields.get("low"), "high": fields.get("high"),
            "as_of": fields.get("as_of"), "attributed_to": fields.get("attributed_to", []),
            **span}


def fixture_extraction(name: str, text: str, doc: dict[str, Any]) -> dict[str, Any] | None:
    """Extraction JSON for one of the fixture reports, by original file name."""
    base: dict[str, Any] = {"document": doc["original_name"], "sha256": doc["id"],
                            "language": doc["language"], "title": doc["title"],
                            "published": doc["published"], "publisher": doc["publisher"],
                            "facility_types": [], "facilities": [], "agencies": [],
                            "organizations": [], "violations": [], "claims": []}
    if name == "yodok.txt":
        base["facility_types"] = [{"id": "kwanliso", "mentions": _mentions(text, "kwanliso")}]
        base["facilities"] = [{"id": "kwanliso-15", "mentions": _mentions(text, "Camp 15",
                                                                           "Yodok")}]
        base["organizations"] = [{"id": "kinu", "mentions": _mentions(text, "KINU")}]
        base["violations"] = [
            {"id": "torture", "mentions": _mentions(text, "Guards beat prisoners"),
             "facilities": ["kwanliso-15"]},
            {"id": "forced-labour", "mentions": _mentions(text, "forced to work"),
             "facilities": ["kwanliso-15"]}]
        base["claims"] = [_claim(
            text, "between 80,000 and 120,000 people", subject="kwanliso",
            measure="prisoner-population", low=80000, high=120000, as_of="2013",
            attributed_to=["kinu"])]
    elif name == "hwasong.md":
        base["facilities"] = [{"id": "kwanliso-16", "mentions": _mentions(text, "Camp 16")}]
        base["organizations"] = [{"id": "hrnk", "mentions": _mentions(text, "HRNK")}]
        base["violations"] = [{"id": "execution",
                               "mentions": _mentions(text, "public executions"),
                               "facilities": ["kwanliso-16"]}]
        base["claims"] = [_claim(text, "More than 20,000 prisoners", subject="kwanliso-16",
                                 measure="prisoner-population", low=20000,
                                 attributed_to=["hrnk"])]
    elif name == "kyohwaso.txt":
        base["facilities"] = [{"id": "kyohwaso-12",
                               "mentions": _mentions(text, "Kyohwaso No. 12")}]
        base["agencies"] = [{"id": "ministry-of-social-security",
                             "mentions": _mentions(text, "Ministry of Social Security")}]
        base["violations"] = [{"id": "starvation",
                               "mentions": _mentions(text, "starvation rations"),
                               "facilities": ["kyohwaso-12"]}]
    else:
        return None
    return base


def write_reports(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "yodok.txt").write_text(YODOK, encoding="utf-8")
    (folder / "hwasong.md").write_text(HWASONG, encoding="utf-8")
    (folder / "kyohwaso.txt").write_text(KYOHWASO, encoding="utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("notes/interview.txt", "Interview notes: a witness from Chongori camp "
                    "described forced labour in the fields and beatings by guards.\n" * 3)
        zf.writestr("../../escape.txt", "This member tries to climb out of any folder it is "
                    "unpacked into. It must stay a plain document.\n" * 3)
    (folder / "bundle.zip").write_bytes(buffer.getvalue())
    return folder


def build_archive(tmp_path: Path, archive: Archive) -> dict[str, str]:
    """Ingest the fixture reports and store extractions; return {file name: document id}."""
    report = sillok.ingest_path(write_reports(tmp_path / "reports"), archive=archive)
    # The only problem is the zip member's name, which ingest records and sanitises.
    assert all("escape.txt" in p["reason"] for p in report.as_dict()["problems"])
    ids: dict[str, str] = {}
    for doc in sillok.list_documents(archive=archive):
        ids[doc["original_name"]] = doc["id"]
    for name, doc_id in ids.items():
        with archive.reader() as conn:
            doc = queries.show_document(conn, doc_id)
            text = queries.current_text(conn, doc_id)
        if text is None:
            continue
        output = fixture_extraction(name, text["text"], doc)
        if output is None:
            continue
        with archive.writer() as conn:
            extractions.save_extraction(conn, doc_id=doc_id, extractor=EXTRACTOR,
                                        text_sha256=text["text_sha256"], output=output,
                                        actor=archive.settings.actor)
    return ids


def test_fixture_archive_has_documents_texts_and_extractions(tmp_path: Path,
                                                             archive: Archive) -> None:
    ids = build_archive(tmp_path, archive)
    assert {"yodok.txt", "hwasong.md", "kyohwaso.txt", "bundle.zip", "interview.txt",
            "escape.txt"} <= set(ids)
    output = sillok.api.extraction(ids["yodok.txt"], archive=archive)
    text = sillok.document_text(ids["yodok.txt"], archive=archive)
    for mention in output["facilities"][0]["mentions"]:
        assert text[mention["start"]:mention["end"]] == mention["text"]
