"""The knowledge base: vocabulary coverage, reference coverage, provenance, the importer."""

from __future__ import annotations

import json
import re
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

import sillok.kb
from sillok.exc import ConfigError
from sillok.kb import KB_FILES, load_kb, load_kb_from, normalize_name
from sillok.kb.importer import import_reference, main, slugify

SHARED = Path(__file__).resolve().parents[2] / "shared"
VOCABULARY = SHARED / "spec" / "VOCABULARY.md"
HRNK_JSON = SHARED / "data" / "reference" / "hrnk" / "camps.json"
NKPD_JSON = SHARED / "data" / "reference" / "nkpd" / "facilities.json"
KB_DIR = Path(sillok.kb.__file__).parent

# Korean place names that name several facilities on purpose (VOCABULARY.md)
AMBIGUOUS = {"Kaechon": {"kwanliso-14", "kyohwaso-1"}, "Hoeryong": {"kwanliso-22", "kyohwaso-12"}}


def vocabulary_ids() -> dict[str, set[str]]:
    """Ids of each VOCABULARY.md section: first backticked cell of each table row."""
    sections: dict[str, set[str]] = defaultdict(set)
    current = ""
    for line in VOCABULARY.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"## .*\(`(\w+)`\)", line):
            current = heading.group(1)
        elif line.startswith("## "):
            current = ""
        elif current and (cell := re.match(r"\| `([a-z0-9-]+)` \|", line)):
            sections[current].add(cell.group(1))
        elif current == "organization":
            sections[current].update(re.findall(r"`([a-z0-9-]+)`", line))
    return sections


def test_every_vocabulary_id_is_in_the_knowledge_base() -> None:
    kb = load_kb()
    ids = vocabulary_ids()
    tables = {
        "facility_type": kb.facility_types,
        "facility": kb.facilities,
        "agency": kb.agencies,
        "violation": kb.violations,
        "measure": kb.measures,
        "organization": kb.organizations,
    }
    assert set(ids) == set(tables), "VOCABULARY.md sections changed: update this test"
    assert len(ids["organization"]) == 23 and len(ids["facility"]) == 11
    for section, wanted in ids.items():
        missing = wanted - set(tables[section])
        assert not missing, f"{section} ids missing from the knowledge base: {missing}"


def test_violations_map_to_rome_statute_letters() -> None:
    kb = load_kb()
    assert kb.violations["execution"].rome_statute == ["a"]
    assert kb.violations["death-in-custody"].rome_statute == ["a", "b"]
    assert kb.violations["reproductive-violence"].rome_statute == ["g", "k"]
    assert kb.violations["collective-punishment"].rome_statute == ["e", "h"]
    assert all(v.label_ko and v.description for v in kb.violations.values())


def test_organisation_aliases() -> None:
    kb = load_kb()
    aliases = {
        "nkdb": ["Database Center for North Korean Human Rights", "NKDB", "북한인권정보센터"],
        "kinu": ["KINU's White Paper", "Korea Institute for National Unification", "통일연구원"],
        "ohchr": [
            "U.N. Human Rights Office",
            "OHCHR",
            "유엔인권사무소",
            "UN Office of the High Commissioner for Human Rights",
        ],
        "un-coi": ["Commission of Inquiry", "COI"],
        "hrw": ["Human Rights Watch", "휴먼라이츠워치"],
    }
    for ident, names in aliases.items():
        assert set(names) <= set(kb.organizations[ident].aliases), ident
    kinds = {o.kind for o in kb.organizations.values()}
    assert kinds == {"un", "ngo", "government", "media", "research"}
    assert kb.organizations["reuters"].kind == "media"


def test_every_reference_facility_is_present_with_its_source() -> None:
    kb = load_kb()
    hrnk = json.loads(HRNK_JSON.read_text(encoding="utf-8"))["camps"]
    nkpd = json.loads(NKPD_JSON.read_text(encoding="utf-8"))["facilities"]
    assert len(hrnk) == 24 and len(nkpd) == 245
    records: dict[tuple[str, str], str] = {}
    for facility in kb.facilities.values():
        for ref in facility.references:
            records[(ref.source, ref.record.split(":")[0])] = facility.id
    for camp in hrnk:
        title = camp["name"].split("\n")[0]
        assert ("hrnk-camp-map", title) in records, f"HRNK {title!r} missing"
    for record in nkpd:
        assert ("korea-future-nkpd", record["id"]) in records, f"NKPD {record['name']!r} missing"
        facility = kb.facilities[records[("korea-future-nkpd", record["id"])]]
        assert "korea-future-nkpd" in facility.sources
        assert any(s.url == record["url"] for s in facility.status)


def test_reference_records_merge_with_the_vocabulary_facilities() -> None:
    kb = load_kb()
    yodok = kb.facilities["kwanliso-15"]
    assert {r.source for r in yodok.references} >= {"hrnk-camp-map", "korea-future-nkpd"}
    assert "Yodok Political Prison Camp No.15" in yodok.names
    assert "Kaechon Re-education Camp" in kb.facilities["kyohwaso-1"].names
    assert "Chongori Re-education Camp" in kb.facilities["kyohwaso-12"].names
    # HRNK calls a second site "No. 8": the vocabulary's kyohwaso-8 is Sungho-ri
    assert "Sungho-ri" in kb.facilities["kyohwaso-8"].names
    assert kb.facilities["kyohwaso-8-yongdam"].number == 8
    assert kb.facilities["kwanliso-22"].status[0].value == "closed"


def test_every_fact_carries_a_source() -> None:
    kb = load_kb()
    for facility in kb.facilities.values():
        facts = [*facility.coordinates, *facility.status, *facility.population_estimates]
        assert facility.sources, facility.id
        for fact in facts:
            assert fact.source in kb.sources, (facility.id, fact)
            assert fact.url and fact.url.startswith("https://"), (facility.id, fact)
            assert fact.source in facility.sources
        if facility.agency is not None:
            assert facility.agency_source in kb.sources, facility.id
    for source in kb.sources.values():
        assert source.url.startswith("https://") and source.retrieved


def test_population_estimates_and_status_are_parsed_facts() -> None:
    kb = load_kb()
    camp14 = kb.facilities["kwanliso-14"]
    assert [(e.low, e.high) for e in camp14.population_estimates] == [(15000, 15000)]
    camp22 = [(e.low, e.high, e.source) for e in kb.facilities["kwanliso-22"].population_estimates]
    assert (None, 50000, "hrnk-camp-map") in camp22
    assert (30000, 30000, "hrw-world-report-2014") in camp22
    assert ("closed", "2012") in {(s.value, s.as_of) for s in kb.facilities["kwanliso-22"].status}
    assert kb.facilities["kyohwaso-11"].population_estimates[0].high is None  # "Over 500"
    text = (KB_DIR / "facilities_reference.yml").read_text(encoding="utf-8")
    assert "Type of Labor" not in text and "prisoner testimony" not in text  # facts, not prose


def test_no_name_links_two_facilities() -> None:
    kb = load_kb()
    owners: dict[str, set[str]] = defaultdict(set)
    for facility in kb.facilities.values():
        for name in facility.names:
            owners[normalize_name(name)].add(facility.id)
    shared = {key: ids for key, ids in owners.items() if len(ids) > 1}
    assert not shared, f"names that point at several facilities (use places): {shared}"
    for place, ids in AMBIGUOUS.items():
        assert {f.id for f in kb.facilities_at(place)} >= ids
        assert not (owners.get(normalize_name(place), set()) & ids), place


def test_facility_by_name_folds_spellings() -> None:
    kb = load_kb()
    for name in ["Yodok", "yo-dok", "Yŏdŏk", "Camp 15", "제15호 관리소", "15호관리소", "요덕"]:
        assert [f.id for f in kb.facility_by_name(name)] == ["kwanliso-15"], name
    assert {f.id for f in kb.facility_by_name("Ch'oma-bong")} == {"choma-bong"}
    assert {f.id for f in kb.facility_by_name("Kaechon")} >= AMBIGUOUS["Kaechon"]
    assert kb.facility_by_name("Seoul") == []


def test_facility_types_list_their_spellings() -> None:
    kb = load_kb()
    kwanliso = {normalize_name(n) for n in kb.facility_types["kwanliso"].names}
    assert {"kwanliso", "politicalprisoncamp", "관리소", "정치범수용소"} <= kwanliso
    assert kb.facility_types["rodong-danryeondae"].label_ko == "노동단련대"


def _corrupt(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    folder = tmp_path / "kb"
    folder.mkdir()
    for name in KB_FILES:
        shutil.copy(KB_DIR / name, folder / name)
    path = folder / filename
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("filename", "old", "new", "message"),
    [
        ("facilities.yml", "type: kyohwaso", "type: gulag", "'kyohwaso-1': unknown facility type"),
        ("facilities.yml", "sources: [hrnk-camp-map]", "sources: [rumour]", "unknown source"),
        ("violations.yml", "rome_statute: [a]", "rome_statute: [z]", "'execution'"),
        ("organizations.yml", "  kind: un\n", "  kind: club\n", "'ohchr': kind must be"),
        ("agencies.yml", "- id: ministry-of-state-security", "- id: Bad Id", "no valid id"),
    ],
)
def test_bad_data_names_file_and_entry(
    tmp_path: Path, filename: str, old: str, new: str, message: str
) -> None:
    folder = _corrupt(tmp_path, filename, old, new)
    with pytest.raises(ConfigError, match=re.escape(filename)) as error:
        load_kb_from(folder)
    assert message in str(error.value)


# ------------------------------------------------------------------------- importer


def test_packaged_reference_file_is_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "facilities_reference.yml"
    import_reference(HRNK_JSON, NKPD_JSON, out, curated=KB_DIR / "facilities.yml")
    packaged = (KB_DIR / "facilities_reference.yml").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == packaged, "re-run python -m sillok.kb.importer"


def test_import_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yml", tmp_path / "b.yml"
    report = import_reference(HRNK_JSON, NKPD_JSON, first, curated=KB_DIR / "facilities.yml")
    import_reference(HRNK_JSON, NKPD_JSON, second, curated=KB_DIR / "facilities.yml")
    assert first.read_bytes() == second.read_bytes()
    again = import_reference(HRNK_JSON, NKPD_JSON, first, curated=KB_DIR / "facilities.yml")
    assert report.changed and not again.changed
    assert report.hrnk_records == 24 and report.nkpd_records == 245


def test_reimport_updates_instead_of_duplicating(tmp_path: Path) -> None:
    folder = _corrupt(tmp_path, "facilities.yml", "", "")
    out = folder / "facilities_reference.yml"
    import_reference(HRNK_JSON, NKPD_JSON, out)
    before = load_kb_from(folder)
    data = json.loads(NKPD_JSON.read_text(encoding="utf-8"))
    yodok = next(r for r in data["facilities"] if "Yodok" in r["name"])
    yodok["status"], yodok["edited"] = "Closed", "2030-01-01"
    nkpd = tmp_path / "facilities.json"
    nkpd.write_text(json.dumps(data), encoding="utf-8")
    report = import_reference(HRNK_JSON, nkpd, out)
    after = load_kb_from(folder)
    assert report.changed
    assert set(after.facilities) == set(before.facilities)
    statuses = [
        (s.value, s.as_of)
        for s in after.facilities["kwanliso-15"].status
        if s.source == "korea-future-nkpd"
    ]
    assert statuses == [("closed", "2030-01-01")]


KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>Test camps</name>
<Placemark><name>Camp 15, Yodok
South Hamgyong Province</name>
<description><![CDATA[Yodok, South Hamgyong Province, 39.67427, 126.85104.<br><br>
Estimated # of Prisoners: 40,000 to 50,000<br>]]></description>
<styleUrl>#icon-960-DB4436</styleUrl>
<Point><coordinates>126.8510413,39.6742705,0</coordinates></Point></Placemark>
<Placemark><name>Kyo-hwa-so No. 99, Testri
North Hamgyong Province</name>
<description>Testri, North Hamgyong Province.&lt;br&gt;Kyo-hwa-so No. 99, Testri is also
transliterated as Teseuri.&lt;br&gt;It is believed that Kyo-hwa-so No. 99, Testri was closed
around 2015.</description>
<styleUrl>#icon-959-000000</styleUrl>
<Point><coordinates>129.5,41.5,0</coordinates></Point></Placemark>
</Document></kml>
"""


def test_import_accepts_hrnk_kml(tmp_path: Path) -> None:
    kml = tmp_path / "camps.kml"
    kml.write_text(KML, encoding="utf-8")
    folder = _corrupt(tmp_path, "facilities.yml", "", "")
    import_reference(kml, NKPD_JSON, folder / "facilities_reference.yml")
    kb = load_kb_from(folder)
    new = kb.facilities["kyohwaso-99"]
    assert new.coordinates[0].lat == 41.5 and "Teseuri" in new.places
    assert [(s.value, s.as_of) for s in new.status] == [("closed", "2015")]
    assert [(e.low, e.high) for e in kb.facilities["kwanliso-15"].population_estimates] == [
        (40000, 50000)
    ]


def test_kml_with_entities_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.kml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><kml>&b;</kml>',
        encoding="utf-8",
    )
    nkpd = tmp_path / "nkpd.json"
    nkpd.write_text('{"facilities": []}', encoding="utf-8")
    with pytest.raises(ConfigError, match="DTD or entities"):
        import_reference(bomb, nkpd, tmp_path / "out.yml", curated=tmp_path / "none.yml")


def test_importer_command_line_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
    assert slugify("Kyo-hwa-so No. 8, Yongdam") == "kyo-hwa-so-no-8-yongdam"


def test_ambiguous_facility_name_lists_every_candidate() -> None:
    from click.testing import CliRunner

    from sillok.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "facility", "Kaechon"])
    assert result.exit_code == 0, result.output
    assert "ambiguous" in result.output
    for ident, kind in (("kwanliso-14", "kwanliso"), ("kyohwaso-1", "kyohwaso")):
        line = next(ln for ln in result.output.splitlines() if ident in ln)
        assert kind in line
    as_json = json.loads(runner.invoke(cli, ["kb", "facility", "Hoeryong", "--format",
                                             "json"]).output)
    assert as_json["ambiguous"] is True
    found = {c["id"]: c["type"] for c in as_json["candidates"]}
    assert found["kwanliso-22"] == "kwanliso" and found["kyohwaso-12"] == "kyohwaso"
    # a name of one facility is not ambiguous: the facility itself
    one = json.loads(runner.invoke(cli, ["kb", "facility", "Yoduk", "--format", "json"]).output)
    assert [f["id"] for f in one] == ["kwanliso-15"]


def test_bodies_of_vocabulary_organisations_say_so() -> None:
    kb = load_kb()
    vocabulary = vocabulary_ids()["organization"]
    assert kb.organizations["nkhr-records-center"].part_of == "south-korean-government"
    assert kb.organizations["nkhr-foundation"].part_of == "south-korean-government"
    for org in kb.organizations.values():
        assert org.part_of is None or org.part_of in vocabulary, org.id
        if org.id in vocabulary:
            assert org.part_of is None, org.id


def test_part_of_must_name_an_organisation(tmp_path: Path) -> None:
    folder = _corrupt(tmp_path, "organizations.yml", "part_of: south-korean-government",
                      "part_of: ministry-of-nowhere")
    with pytest.raises(ConfigError, match="ministry-of-nowhere"):
        load_kb_from(folder)
